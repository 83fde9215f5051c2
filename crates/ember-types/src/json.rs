//! Spark's JSON form of a type: what PySpark's `StructType.json()` writes,
//! what Scala's `DataType.json` writes, and what the Connect client sends in
//! `LocalRelation.schema`.

use crate::spatial::{SpatialKind, spatial_type};
use arrow::datatypes::{DataType, Field, Fields};
use serde_json::{Map, Value};

use crate::error::TypeError;
use crate::mapping::{
    SparkKind, array_type, calendar_interval_type, classify, day_time_interval_type, decimal_type,
    field_metadata_json, map_type, struct_field, timestamp_ntz_type, timestamp_type,
    year_month_interval_type,
};
use crate::proto::check_collation;

use crate::interval::IntervalFields;
use crate::udt::UserDefinedType;

fn invalid(value: &Value) -> TypeError {
    TypeError::InvalidJson {
        invalid_type: value.to_string(),
    }
}

/// Parses a Spark JSON type (`"long"`, `"decimal(10,2)"`,
/// `{"type":"struct","fields":[...]}`, ...) into its Arrow type.
/// `session_tz` is the time zone `timestamp` columns carry.
///
/// Lenient where Spark's writers differ: `"null"` and `"void"` both mean the
/// null type, a missing `nullable`/`containsNull`/`valueContainsNull` means
/// `true`, a missing `metadata` means none, and a `{"type":"udt", ...}`
/// becomes its `sqlType` (kept in the metadata of the field holding it).
pub fn parse_json_type(s: &str, session_tz: &str) -> Result<DataType, TypeError> {
    let value: Value = serde_json::from_str(s).map_err(|_| TypeError::InvalidJson {
        invalid_type: s.to_string(),
    })?;
    json_value_to_type(&value, session_tz)
}

/// Converts an already parsed Spark JSON type; see [`parse_json_type`].
pub fn json_value_to_type(value: &Value, session_tz: &str) -> Result<DataType, TypeError> {
    match value {
        Value::String(name) => type_from_name(name, session_tz).ok_or_else(|| invalid(value))?,
        Value::Object(obj) => match obj.get("type").and_then(Value::as_str) {
            Some("struct") => {
                let Some(Value::Array(fields)) = obj.get("fields") else {
                    return Err(invalid(value));
                };
                let fields = fields
                    .iter()
                    .map(|f| json_field(f, session_tz))
                    .collect::<Result<Vec<Field>, _>>()?;
                Ok(DataType::Struct(Fields::from(fields)))
            }
            Some("array") => {
                let element = obj.get("elementType").ok_or_else(|| invalid(value))?;
                Ok(tag_interval_children(
                    UserDefinedType::tag_children(
                        array_type(json_value_to_type(element, session_tz)?, flag(obj, "containsNull", value)?),
                        UserDefinedType::of_json(Some(element)).as_ref(),
                        None,
                    ),
                    [Some(element), None],
                ))
            }
            Some("map") => {
                let key = obj.get("keyType").ok_or_else(|| invalid(value))?;
                let val = obj.get("valueType").ok_or_else(|| invalid(value))?;
                Ok(tag_interval_children(
                    UserDefinedType::tag_children(
                        map_type(
                            json_value_to_type(key, session_tz)?,
                            json_value_to_type(val, session_tz)?,
                            flag(obj, "valueContainsNull", value)?,
                        ),
                        UserDefinedType::of_json(Some(key)).as_ref(),
                        UserDefinedType::of_json(Some(val)).as_ref(),
                    ),
                    [Some(key), Some(val)],
                ))
            }
            Some("udt") => {
                let sql_type = obj.get("sqlType").ok_or_else(|| invalid(value))?;
                json_value_to_type(sql_type, session_tz)
            }
            _ => Err(invalid(value)),
        },
        _ => Err(invalid(value)),
    }
}

/// A boolean member that defaults to `true` when absent.
fn flag(obj: &Map<String, Value>, key: &str, whole: &Value) -> Result<bool, TypeError> {
    match obj.get(key) {
        None | Some(Value::Null) => Ok(true),
        Some(Value::Bool(b)) => Ok(*b),
        Some(_) => Err(invalid(whole)),
    }
}

fn json_field(f: &Value, session_tz: &str) -> Result<Field, TypeError> {
    let Value::Object(obj) = f else {
        return Err(invalid(f));
    };
    let Some(Value::String(name)) = obj.get("name") else {
        return Err(invalid(f));
    };
    let type_json = obj.get("type").ok_or_else(|| invalid(f))?;
    let dt = json_value_to_type(type_json, session_tz)?;
    let nullable = flag(obj, "nullable", f)?;
    // Collations travel in the metadata; Ember keeps them with the strings they type.
    let mut collations = Map::new();
    let metadata = match obj.get("metadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => {
            let mut m = m.clone();
            match m.remove(crate::collation::JSON_COLLATIONS_KEY) {
                Some(Value::Object(paths)) => collations = paths,
                Some(_) => return Err(invalid(f)),
                None => {}
            }
            (!m.is_empty()).then(|| Value::Object(m).to_string())
        }
        Some(_) => return Err(invalid(f)),
    };
    let mut field = struct_field(name.clone(), dt, nullable, metadata.as_deref());
    for (path, collation) in &collations {
        let steps: Vec<&str> = path.strip_prefix(name.as_str()).unwrap_or(path.as_str()).split('.').filter(|s| !s.is_empty()).collect();
        let Value::String(collation) = collation else { return Err(invalid(f)) };
        field = crate::collation::tag_path(field, &steps, collation)?;
    }
    let field = match type_json {
        Value::String(text) => match crate::proto::text_type_collation(text)? {
            Some(collation) => collation.tag(field),
            None => field,
        },
        _ => field,
    };
    Ok(tag_interval(UserDefinedType::tag_with(field, UserDefinedType::of_json(Some(type_json)).as_ref()), Some(type_json)))
}

/// The units a JSON type names when it is an ANSI interval (`"interval hour"`).
fn json_interval_fields(value: &Value) -> Option<IntervalFields> {
    let rest = value.as_str()?.strip_prefix("interval ")?;
    [(false, &DAY_TIME_FIELDS[..]), (true, &YEAR_MONTH_FIELDS[..])]
        .into_iter()
        .find_map(|(year_month, names)| interval_fields(rest, names).and_then(|(start, end)| IntervalFields::new(start, end, year_month)))
}

/// `field` with the units of the JSON type `value` when it is an ANSI interval
/// with other than the widest units (which a field without units has).
fn tag_interval(field: Field, value: Option<&Value>) -> Field {
    let year_month = matches!(field.data_type(), DataType::Interval(arrow::datatypes::IntervalUnit::YearMonth));
    match value.and_then(json_interval_fields).filter(|fields| *fields != IntervalFields::widest(year_month)) {
        Some(fields) => {
            let mut metadata = field.metadata().clone();
            metadata.extend(fields.metadata());
            field.with_metadata(metadata)
        }
        None => field,
    }
}

/// `dt` with its array element, or its map key and value, typed with the
/// interval units of the JSON types `children`.
fn tag_interval_children(dt: DataType, children: [Option<&Value>; 2]) -> DataType {
    crate::proto::with_tagged_children(dt, children, tag_interval)
}

/// `interval` field names in Spark's order.
const DAY_TIME_FIELDS: [&str; 4] = ["day", "hour", "minute", "second"];
const YEAR_MONTH_FIELDS: [&str; 2] = ["year", "month"];

/// Parses `interval <start>[ to <end>]` against a field list; `None` when it
/// is not of that form or the end precedes the start.
fn interval_fields(rest: &str, fields: &[&str]) -> Option<(u8, u8)> {
    let mut parts = rest.split(' ');
    let first = parts.next()?;
    let start = fields.iter().position(|f| *f == first)?;
    match (parts.next(), parts.next(), parts.next()) {
        (None, _, _) => Some((start as u8, start as u8)),
        (Some("to"), Some(end), None) => {
            let end = fields.iter().position(|f| *f == end)?;
            (end >= start).then_some((start as u8, end as u8))
        }
        _ => None,
    }
}

/// The number inside `prefix(` ... `)`, e.g. `char(3)`.
fn parenthesized<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    name.strip_prefix(prefix)?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')
        .map(str::trim)
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The type a JSON type name denotes; `None` for names that are not types.
fn type_from_name(name: &str, session_tz: &str) -> Option<Result<DataType, TypeError>> {
    let simple = match name {
        "null" | "void" => Some(DataType::Null),
        "boolean" => Some(DataType::Boolean),
        "byte" => Some(DataType::Int8),
        "short" => Some(DataType::Int16),
        "integer" => Some(DataType::Int32),
        "long" => Some(DataType::Int64),
        "float" => Some(DataType::Float32),
        "double" => Some(DataType::Float64),
        "string" => Some(DataType::Utf8),
        "binary" => Some(DataType::Binary),
        "date" => Some(DataType::Date32),
        "timestamp" | "timestamp_ltz" => Some(timestamp_type(session_tz)),
        "timestamp_ntz" => Some(timestamp_ntz_type()),
        "variant" => Some(crate::mapping::variant_type()),
        "interval" => Some(calendar_interval_type()),
        "decimal" => Some(DataType::Decimal128(10, 0)),
        _ => None,
    };
    if let Some(dt) = simple {
        return Some(Ok(dt));
    }
    let unsupported = |type_name: String| Some(Err(TypeError::Unsupported { type_name }));
    if let Some(precision) = parenthesized(name, "time") {
        return match precision.trim().parse::<u8>() {
            Ok(p) if p <= crate::mapping::TIME_PRECISION => Some(Ok(crate::mapping::time_type())),
            _ if is_digits(precision) => unsupported(name.to_uppercase()),
            _ => None,
        };
    }
    if let Some(args) = parenthesized(name, "decimal") {
        let (p, s) = args.split_once(',')?;
        let (p, s) = (p.trim(), s.trim());
        let s_digits = s.strip_prefix('-').unwrap_or(s);
        if !is_digits(p) || !is_digits(s_digits) {
            return None;
        }
        let (Ok(p), Ok(s)) = (p.parse::<i64>(), s.parse::<i64>()) else {
            return Some(Err(TypeError::DecimalPrecisionExceedsMax {
                precision: p.to_string(),
            }));
        };
        return Some(decimal_type(p, s));
    }
    for prefix in ["char", "varchar"] {
        if let Some(n) = parenthesized(name, prefix) {
            return is_digits(n).then_some(Ok(DataType::Utf8));
        }
    }
    if let Some(rest) = name.strip_prefix("interval ") {
        if interval_fields(rest, &DAY_TIME_FIELDS).is_some() {
            return Some(Ok(day_time_interval_type()));
        }
        if interval_fields(rest, &YEAR_MONTH_FIELDS).is_some() {
            return Some(Ok(year_month_interval_type()));
        }
        return None;
    }
    if let Some(rest) = name.strip_prefix("string") {
        let mut words = rest.split_whitespace();
        if rest.starts_with(char::is_whitespace)
            && words
                .next()
                .is_some_and(|w| w.eq_ignore_ascii_case("collate"))
        {
            let collation = words.next()?;
            if words.next().is_some() {
                return None;
            }
            return Some(check_collation(collation).map(|_| DataType::Utf8));
        }
        return None;
    }
    if let Some(crs) = parenthesized(name, "geometry") {
        return crate::spatial::srid_of_crs(crs.trim()).map(|srid| Ok(spatial_type(SpatialKind::Geometry, srid)));
    }
    if let Some(args) = parenthesized(name, "geography") {
        let (crs, algorithm) = args.split_once(',')?;
        return (algorithm.trim() == "SPHERICAL")
            .then(|| crate::spatial::srid_of_crs(crs.trim()))
            .flatten()
            .map(|srid| Ok(spatial_type(SpatialKind::Geography, srid)));
    }
    match name {
        "geometry" => unsupported("GEOMETRY".into()),
        "geography" => unsupported("GEOGRAPHY".into()),
        _ => None,
    }
}

/// Spark's JSON name of an atomic type.
fn json_name(kind: SparkKind<'_>) -> Option<String> {
    Some(match kind {
        SparkKind::Null => "void".into(),
        SparkKind::Boolean => "boolean".into(),
        SparkKind::Byte => "byte".into(),
        SparkKind::Short => "short".into(),
        SparkKind::Int => "integer".into(),
        SparkKind::Long => "long".into(),
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
        SparkKind::Spatial(SpatialKind::Geometry, srid) => format!("geometry({})", crate::spatial::crs_of(srid)),
        SparkKind::Spatial(SpatialKind::Geography, srid) => format!("geography({}, SPHERICAL)", crate::spatial::crs_of(srid)),
        SparkKind::CalendarInterval => "interval".into(),
        SparkKind::DayTimeInterval => "interval day to second".into(),
        SparkKind::YearMonthInterval => "interval year to month".into(),
        SparkKind::Array(_) | SparkKind::Map(_, _) | SparkKind::Struct(_) => return None,
    })
}

fn quoted(s: &str) -> String {
    Value::String(s.to_string()).to_string()
}

fn metadata_json(field: &Field) -> String {
    match field_metadata_json(field).and_then(|m| serde_json::from_str::<Value>(m).ok()) {
        Some(v @ Value::Object(_)) => v.to_string(),
        _ => "{}".to_string(),
    }
}

/// The JSON type of a struct field: its UDT over its type when it holds one.
fn field_type_json(field: &Field) -> Result<String, TypeError> {
    let json = match IntervalFields::of(field) {
        Some(_) => quoted(&crate::display::field_simple_string(field)),
        None => to_json_type(field.data_type())?,
    };
    Ok(match UserDefinedType::of(field) {
        Some(udt) => udt.to_json(&json),
        None => json,
    })
}

/// Spark's JSON for the Spark type an Arrow type maps to, in the member
/// order Scala's `DataType.json` uses, e.g.
/// `{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{}}]}`.
/// Fails with [`TypeError::Unsupported`] for Arrow types Spark lacks.
pub fn to_json_type(dt: &DataType) -> Result<String, TypeError> {
    let kind = classify(dt)?;
    if let Some(name) = json_name(kind) {
        return Ok(quoted(&name));
    }
    Ok(match kind {
        SparkKind::Array(element) => format!(
            "{{\"type\":\"array\",\"elementType\":{},\"containsNull\":{}}}",
            field_type_json(element)?,
            element.is_nullable()
        ),
        SparkKind::Map(key, value) => format!(
            "{{\"type\":\"map\",\"keyType\":{},\"valueType\":{},\"valueContainsNull\":{}}}",
            field_type_json(key)?,
            field_type_json(value)?,
            value.is_nullable()
        ),
        SparkKind::Struct(fields) => {
            let fields = fields
                .iter()
                .map(|f| {
                    Ok(format!(
                        "{{\"name\":{},\"type\":{},\"nullable\":{},\"metadata\":{}}}",
                        quoted(f.name()),
                        field_type_json(f)?,
                        f.is_nullable(),
                        metadata_json(f)
                    ))
                })
                .collect::<Result<Vec<_>, TypeError>>()?;
            format!("{{\"type\":\"struct\",\"fields\":[{}]}}", fields.join(","))
        }
        _ => unreachable!("atomic kinds have JSON names"),
    })
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::{IntervalUnit, TimeUnit};

    use super::*;
    use crate::mapping::field_comment;

    const TZ: &str = "UTC";

    fn parse(s: &str) -> DataType {
        parse_json_type(s, TZ).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn atomic_names() {
        let cases = [
            ("\"long\"", DataType::Int64),
            ("\"integer\"", DataType::Int32),
            ("\"short\"", DataType::Int16),
            ("\"byte\"", DataType::Int8),
            ("\"string\"", DataType::Utf8),
            ("\"boolean\"", DataType::Boolean),
            ("\"double\"", DataType::Float64),
            ("\"float\"", DataType::Float32),
            ("\"decimal(10,2)\"", DataType::Decimal128(10, 2)),
            ("\"decimal( 7 , 3 )\"", DataType::Decimal128(7, 3)),
            ("\"decimal\"", DataType::Decimal128(10, 0)),
            ("\"date\"", DataType::Date32),
            (
                "\"timestamp\"",
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
            ),
            (
                "\"timestamp_ntz\"",
                DataType::Timestamp(TimeUnit::Microsecond, None),
            ),
            ("\"binary\"", DataType::Binary),
            ("\"null\"", DataType::Null),
            ("\"void\"", DataType::Null),
            (
                "\"interval day to second\"",
                DataType::Duration(TimeUnit::Microsecond),
            ),
            (
                "\"interval hour\"",
                DataType::Duration(TimeUnit::Microsecond),
            ),
            (
                "\"interval minute to second\"",
                DataType::Duration(TimeUnit::Microsecond),
            ),
            (
                "\"interval year to month\"",
                DataType::Interval(IntervalUnit::YearMonth),
            ),
            (
                "\"interval month\"",
                DataType::Interval(IntervalUnit::YearMonth),
            ),
            (
                "\"interval\"",
                DataType::Interval(IntervalUnit::MonthDayNano),
            ),
            ("\"char(3)\"", DataType::Utf8),
            ("\"varchar(3)\"", DataType::Utf8),
            ("\"string collate UTF8_BINARY\"", DataType::Utf8),
        ];
        for (json, expected) in cases {
            assert_eq!(parse(json), expected, "{json}");
        }
    }

    #[test]
    fn pyspark_struct_json() {
        // PySpark's StructType.json() (keys sorted).
        let json = r#"{"fields":[{"metadata":{},"name":"a","nullable":true,"type":"integer"},{"metadata":{"comment":"x"},"name":"b","nullable":false,"type":"string"},{"metadata":{},"name":"c","nullable":true,"type":{"containsNull":false,"elementType":"long","type":"array"}},{"metadata":{},"name":"d","nullable":true,"type":{"keyType":"string","type":"map","valueContainsNull":true,"valueType":{"fields":[{"metadata":{},"name":"x","nullable":true,"type":"double"}],"type":"struct"}}}],"type":"struct"}"#;
        let DataType::Struct(fields) = parse(json) else {
            panic!("expected a struct")
        };
        assert_eq!(fields.len(), 4);
        assert_eq!(fields[0].data_type(), &DataType::Int32);
        assert!(fields[0].metadata().is_empty());
        assert!(!fields[1].is_nullable());
        assert_eq!(field_comment(&fields[1]).as_deref(), Some("x"));
        assert_eq!(fields[2].data_type(), &array_type(DataType::Int64, false));
        assert_eq!(
            fields[3].data_type(),
            &map_type(
                DataType::Utf8,
                DataType::Struct(Fields::from(vec![Field::new("x", DataType::Float64, true)])),
                true
            )
        );
    }

    #[test]
    fn lenient_defaults_and_udt() {
        let json = r#"{"type":"struct","fields":[{"name":"a","type":{"type":"array","elementType":"integer"}}]}"#;
        let DataType::Struct(fields) = parse(json) else {
            panic!("expected a struct")
        };
        assert!(fields[0].is_nullable());
        assert_eq!(fields[0].data_type(), &array_type(DataType::Int32, true));

        let udt = r#"{"type":"udt","class":"org.apache.spark.ml.linalg.VectorUDT","pyClass":"pyspark.ml.linalg.VectorUDT","sqlType":{"type":"struct","fields":[{"name":"type","type":"byte","nullable":false,"metadata":{}},{"name":"values","type":{"type":"array","elementType":"double","containsNull":false},"nullable":true,"metadata":{}}]}}"#;
        let DataType::Struct(fields) = parse(udt) else {
            panic!("expected the UDT's SQL type")
        };
        assert_eq!(fields[0].data_type(), &DataType::Int8);
        assert_eq!(fields[1].data_type(), &array_type(DataType::Float64, false));

        assert_eq!(
            parse(r#"{"type":"struct","fields":[]}"#),
            DataType::Struct(Fields::empty())
        );
    }

    #[test]
    fn errors() {
        for bad in [
            "\"foo\"",
            "\"decimal(10)\"",
            "\"char(x)\"",
            "\"interval second to day\"",
            "\"interval year to day\"",
            "\"string collate\"",
            "{\"type\":\"foo\"}",
            "{\"type\":\"struct\"}",
            "{\"type\":\"array\"}",
            "{\"type\":\"map\",\"keyType\":\"string\"}",
            "{\"type\":\"struct\",\"fields\":[{\"type\":\"integer\"}]}",
            "{\"type\":\"struct\",\"fields\":[{\"name\":\"a\",\"type\":\"integer\",\"nullable\":\"yes\"}]}",
            "{\"type\":\"udt\"}",
            "42",
            "not json",
        ] {
            let err = parse_json_type(bad, TZ).unwrap_err();
            assert_eq!(err.error_class(), "INVALID_JSON_DATA_TYPE", "{bad}");
        }
        assert_eq!(
            parse_json_type("\"foo\"", TZ)
                .unwrap_err()
                .message_parameters()["invalidType"],
            "\"foo\""
        );
        assert_eq!(
            parse_json_type("not json", TZ)
                .unwrap_err()
                .message_parameters()["invalidType"],
            "not json"
        );
        assert_eq!(
            parse_json_type("\"decimal(40,2)\"", TZ)
                .unwrap_err()
                .error_class(),
            "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION"
        );
        assert_eq!(parse_json_type("\"decimal(5,-2)\"", TZ).unwrap(), DataType::Decimal128(5, -2));
        assert_eq!(parse_json_type("\"time(7)\"", TZ).unwrap_err().error_class(), "UNSUPPORTED_DATATYPE");
        assert_eq!(parse_json_type("\"string collate unicod\"", TZ).unwrap_err().error_class(), "COLLATION_INVALID_NAME");
        assert_eq!(parse_json_type("\"string collate UTF8_LCASE\"", TZ).unwrap(), DataType::Utf8);
    }

    #[test]
    fn writes_scala_json() {
        let dt = DataType::Struct(Fields::from(vec![
            Field::new("a", DataType::Int32, true),
            struct_field("b \"q\"", DataType::Utf8, false, Some(r#"{"comment":"x"}"#)),
            Field::new("c", array_type(DataType::Decimal128(10, 2), false), true),
            Field::new("d", map_type(DataType::Utf8, DataType::Null, true), true),
        ]));
        assert_eq!(
            to_json_type(&dt).unwrap(),
            r#"{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{}},{"name":"b \"q\"","type":"string","nullable":false,"metadata":{"comment":"x"}},{"name":"c","type":{"type":"array","elementType":"decimal(10,2)","containsNull":false},"nullable":true,"metadata":{}},{"name":"d","type":{"type":"map","keyType":"string","valueType":"void","valueContainsNull":true},"nullable":true,"metadata":{}}]}"#
        );
        assert_eq!(to_json_type(&DataType::Int64).unwrap(), "\"long\"");
        assert_eq!(
            to_json_type(&DataType::Duration(TimeUnit::Microsecond)).unwrap(),
            "\"interval day to second\""
        );
        assert!(to_json_type(&DataType::UInt16).is_err());
    }

    #[test]
    fn json_round_trip() {
        let dt = DataType::Struct(Fields::from(vec![
            Field::new("a", timestamp_type(TZ), true),
            Field::new("b", timestamp_ntz_type(), false),
            Field::new("c", year_month_interval_type(), true),
            Field::new("d", day_time_interval_type(), true),
            Field::new("e", calendar_interval_type(), true),
            struct_field(
                "f",
                array_type(map_type(DataType::Int8, DataType::Binary, false), true),
                true,
                Some(r#"{"comment":"c","x":[1,2]}"#),
            ),
            Field::new("g", DataType::Date32, true),
            Field::new("h", DataType::Boolean, true),
            Field::new("i", DataType::Float32, true),
            Field::new("j", DataType::Int16, true),
        ]));
        let json = to_json_type(&dt).unwrap();
        assert_eq!(parse(&json), dt);
    }
}
