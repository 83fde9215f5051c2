//! Spark's string forms of a type: `simpleString` (`struct<a:int>`) and
//! `sql` (`STRUCT<a: INT>`).

use arrow::datatypes::{DataType, Field};

use crate::interval::IntervalFields;
use crate::mapping::{SparkKind, classify, field_comment};

/// The name for an Arrow type without a Spark equivalent: its Arrow name in
/// lower case, so that messages still say something sensible.
fn fallback(dt: &DataType) -> String {
    dt.to_string().to_lowercase()
}

/// Spark's `simpleString` of the Spark type an Arrow type maps to: `int`,
/// `bigint`, `decimal(10,2)`, `string`, `timestamp`, `timestamp_ntz`,
/// `interval day to second`, `interval year to month`, `interval`, `void`,
/// `array<int>`, `map<string,int>`, `struct<a:int,b:string>`.
///
/// Struct field names are printed as they are (Spark does not quote them
/// here) and struct fields are never truncated. Arrow types without a Spark
/// equivalent print as their lower-case Arrow name (e.g. `uint32`).
pub fn simple_string(dt: &DataType) -> String {
    let Ok(kind) = classify(dt) else {
        return fallback(dt);
    };
    match kind {
        SparkKind::Null => "void".into(),
        SparkKind::Boolean => "boolean".into(),
        SparkKind::Byte => "tinyint".into(),
        SparkKind::Short => "smallint".into(),
        SparkKind::Int => "int".into(),
        SparkKind::Long => "bigint".into(),
        SparkKind::Float => "float".into(),
        SparkKind::Double => "double".into(),
        SparkKind::Decimal(p, s) => format!("decimal({p},{s})"),
        SparkKind::String => "string".into(),
        SparkKind::Binary => "binary".into(),
        SparkKind::Date => "date".into(),
        SparkKind::Timestamp => "timestamp".into(),
        SparkKind::TimestampNtz => "timestamp_ntz".into(),
        SparkKind::Time => format!("time({})", crate::mapping::TIME_PRECISION),
        SparkKind::Variant => "variant".into(),
        SparkKind::Spatial(kind, srid) => crate::spatial::spatial_simple_string(kind, srid),
        SparkKind::CalendarInterval => "interval".into(),
        SparkKind::DayTimeInterval => "interval day to second".into(),
        SparkKind::YearMonthInterval => "interval year to month".into(),
        SparkKind::Array(element) => format!("array<{}>", field_simple_string(element)),
        SparkKind::Map(key, value) => format!(
            "map<{},{}>",
            field_simple_string(key),
            field_simple_string(value)
        ),
        SparkKind::Struct(fields) => {
            let inner: Vec<String> = fields
                .iter()
                .map(|f| format!("{}:{}", f.name(), field_simple_string(f)))
                .collect();
            format!("struct<{}>", inner.join(","))
        }
    }
}

/// [`simple_string`] of a field's type, with the ANSI interval units its
/// metadata records (`interval hour`).
pub fn field_simple_string(field: &Field) -> String {
    let year_month = matches!(field.data_type(), DataType::Interval(arrow::datatypes::IntervalUnit::YearMonth));
    match IntervalFields::of(field) {
        Some(fields) => format!("interval {}", fields.units(year_month).to_lowercase()),
        None => simple_string(field.data_type()),
    }
}

/// [`sql_string`] of a field's type, with the ANSI interval units its
/// metadata records (`INTERVAL HOUR`).
pub fn field_sql_string(field: &Field) -> String {
    match IntervalFields::of(field) {
        Some(_) => field_simple_string(field).to_uppercase(),
        None => sql_string(field.data_type()),
    }
}

/// Quotes an identifier with back quotes unless it is a plain identifier
/// (`[a-zA-Z_][a-zA-Z0-9_]*`), as Spark's `quoteIfNeeded` does.
pub fn quote_if_needed(name: &str) -> String {
    let mut chars = name.chars();
    let plain = match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {
            chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        }
        _ => false,
    };
    if plain {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

fn sql_field(field: &Field) -> String {
    let mut out = format!(
        "{}: {}",
        quote_if_needed(field.name()),
        field_sql_string(field)
    );
    if !field.is_nullable() {
        out.push_str(" NOT NULL");
    }
    if let Some(comment) = field_comment(field) {
        out.push_str(" COMMENT '");
        out.push_str(&comment.replace('\'', "\\'"));
        out.push('\'');
    }
    out
}

/// Spark's `sql` form of the Spark type an Arrow type maps to, as used in
/// error messages and generated column names: `INT`, `DECIMAL(10,2)`,
/// `TIMESTAMP_NTZ`, `INTERVAL DAY TO SECOND`, `ARRAY<INT>`,
/// `MAP<STRING, INT>`, ``STRUCT<a: INT NOT NULL, `b x`: STRING COMMENT 'c'>``.
/// Arrow types without a Spark equivalent print as their upper-case Arrow
/// name.
pub fn sql_string(dt: &DataType) -> String {
    let Ok(kind) = classify(dt) else {
        return dt.to_string().to_uppercase();
    };
    match kind {
        SparkKind::Array(element) => format!("ARRAY<{}>", field_sql_string(element)),
        SparkKind::Map(key, value) => format!(
            "MAP<{}, {}>",
            field_sql_string(key),
            field_sql_string(value)
        ),
        SparkKind::Struct(fields) => {
            let inner: Vec<String> = fields.iter().map(|f| sql_field(f)).collect();
            format!("STRUCT<{}>", inner.join(", "))
        }
        _ => simple_string(dt).to_uppercase(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::datatypes::{Fields, IntervalUnit, TimeUnit};

    use super::*;
    use crate::mapping::{array_type, map_type, struct_field};

    fn st(fields: Vec<Field>) -> DataType {
        DataType::Struct(Fields::from(fields))
    }

    #[test]
    fn simple_strings_of_atomic_types() {
        let cases = [
            (DataType::Boolean, "boolean"),
            (DataType::Int8, "tinyint"),
            (DataType::Int16, "smallint"),
            (DataType::Int32, "int"),
            (DataType::Int64, "bigint"),
            (DataType::Float32, "float"),
            (DataType::Float64, "double"),
            (DataType::Decimal128(10, 2), "decimal(10,2)"),
            (DataType::Decimal256(76, 0), "decimal(38,0)"),
            (DataType::Utf8, "string"),
            (DataType::LargeUtf8, "string"),
            (DataType::Utf8View, "string"),
            (DataType::Binary, "binary"),
            (DataType::Date32, "date"),
            (
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                "timestamp",
            ),
            (
                DataType::Timestamp(TimeUnit::Microsecond, None),
                "timestamp_ntz",
            ),
            (
                DataType::Duration(TimeUnit::Microsecond),
                "interval day to second",
            ),
            (
                DataType::Interval(IntervalUnit::YearMonth),
                "interval year to month",
            ),
            (DataType::Interval(IntervalUnit::MonthDayNano), "interval"),
            (DataType::Null, "void"),
            (DataType::UInt32, "uint32"),
        ];
        for (dt, expected) in cases {
            assert_eq!(simple_string(&dt), expected, "{dt}");
        }
    }

    #[test]
    fn simple_strings_of_nested_types() {
        assert_eq!(
            simple_string(&array_type(DataType::Int32, true)),
            "array<int>"
        );
        assert_eq!(
            simple_string(&map_type(DataType::Utf8, DataType::Int32, true)),
            "map<string,int>"
        );
        let s = st(vec![
            Field::new("a", DataType::Int32, true),
            Field::new("b", DataType::Utf8, false),
        ]);
        assert_eq!(simple_string(&s), "struct<a:int,b:string>");
        let nested = st(vec![
            Field::new("weird name", array_type(s.clone(), true), true),
            Field::new(
                "m",
                map_type(DataType::Utf8, array_type(DataType::Int64, false), true),
                true,
            ),
        ]);
        assert_eq!(
            simple_string(&nested),
            "struct<weird name:array<struct<a:int,b:string>>,m:map<string,array<bigint>>>"
        );
        assert_eq!(simple_string(&st(vec![])), "struct<>");
        let arrow_list = DataType::List(Arc::new(Field::new("item", DataType::Float64, true)));
        assert_eq!(simple_string(&arrow_list), "array<double>");
    }

    #[test]
    fn quoting() {
        assert_eq!(quote_if_needed("a"), "a");
        assert_eq!(quote_if_needed("_y"), "_y");
        assert_eq!(quote_if_needed("A1"), "A1");
        assert_eq!(quote_if_needed("select"), "select");
        assert_eq!(quote_if_needed("1x"), "`1x`");
        assert_eq!(quote_if_needed("a.b"), "`a.b`");
        assert_eq!(quote_if_needed("x y"), "`x y`");
        assert_eq!(quote_if_needed("c`d"), "`c``d`");
        assert_eq!(quote_if_needed(""), "``");
    }

    #[test]
    fn sql_strings_match_spark() {
        assert_eq!(sql_string(&DataType::Int32), "INT");
        assert_eq!(sql_string(&DataType::Decimal128(5, 2)), "DECIMAL(5,2)");
        assert_eq!(
            sql_string(&DataType::Timestamp(TimeUnit::Microsecond, None)),
            "TIMESTAMP_NTZ"
        );
        assert_eq!(
            sql_string(&DataType::Duration(TimeUnit::Microsecond)),
            "INTERVAL DAY TO SECOND"
        );
        assert_eq!(sql_string(&DataType::Null), "VOID");
        assert_eq!(
            sql_string(&map_type(
                DataType::Utf8,
                array_type(DataType::Int32, true),
                true
            )),
            "MAP<STRING, ARRAY<INT>>"
        );
        // From Spark: "STRUCT<a: INT NOT NULL, `b x`: STRING NOT NULL>".
        let s = st(vec![
            Field::new("a", DataType::Int32, false),
            Field::new("b x", DataType::Utf8, false),
        ]);
        assert_eq!(
            sql_string(&s),
            "STRUCT<a: INT NOT NULL, `b x`: STRING NOT NULL>"
        );
        // From Spark: "STRUCT<a: INT NOT NULL COMMENT 'c'>".
        let commented = st(vec![struct_field(
            "a",
            DataType::Int32,
            false,
            Some(r#"{"comment":"c"}"#),
        )]);
        assert_eq!(
            sql_string(&commented),
            "STRUCT<a: INT NOT NULL COMMENT 'c'>"
        );
        let quote = st(vec![struct_field(
            "a",
            DataType::Int32,
            true,
            Some(r#"{"comment":"it's"}"#),
        )]);
        assert_eq!(sql_string(&quote), "STRUCT<a: INT COMMENT 'it\\'s'>");
        // From Spark: "STRUCT<`a.b`: INT, `c``d`: INT, `1x`: INT, _y: INT, `x y`: INT, select: INT, A: INT>".
        let names = st(["a.b", "c`d", "1x", "_y", "x y", "select", "A"]
            .iter()
            .map(|n| Field::new(*n, DataType::Int32, true))
            .collect());
        assert_eq!(
            sql_string(&names),
            "STRUCT<`a.b`: INT, `c``d`: INT, `1x`: INT, _y: INT, `x y`: INT, select: INT, A: INT>"
        );
        assert_eq!(sql_string(&DataType::UInt8), "UINT8");
    }
}
