//! The fixed mapping between Spark types and Arrow types.
//!
//! | Spark                         | Arrow                                             |
//! |-------------------------------|---------------------------------------------------|
//! | `void`                        | `Null`                                            |
//! | `boolean`                     | `Boolean`                                         |
//! | `tinyint` / `smallint` / `int` / `bigint` | `Int8` / `Int16` / `Int32` / `Int64`  |
//! | `float` / `double`            | `Float32` / `Float64`                             |
//! | `decimal(p,s)`                | `Decimal128(p,s)`                                 |
//! | `string`, `char(n)`, `varchar(n)` | `Utf8`                                        |
//! | `binary`                      | `Binary`                                          |
//! | `date`                        | `Date32`                                          |
//! | `timestamp`                   | `Timestamp(Microsecond, Some(session time zone))` |
//! | `timestamp_ntz`               | `Timestamp(Microsecond, None)`                    |
//! | `time(6)`                     | `Time64(Nanosecond)`                              |
//! | `variant`                     | `Struct{value: Binary, metadata: Binary}` (see [`variant_type`]) |
//! | `geometry(srid)`, `geography(srid)` | `Struct{srid: Int32, wkb: Binary}` (see [`crate::spatial`]) |
//! | `interval day to second` (any fields) | `Duration(Microsecond)`                   |
//! | `interval year to month` (any fields) | `Interval(YearMonth)`                     |
//! | `interval` (calendar)         | `Interval(MonthDayNano)`                          |
//! | `array<T>`                    | `List(Field "element")`                           |
//! | `map<K,V>`                    | `Map(Field "entries" Struct{"key","value"}, false)` |
//! | `struct<...>`                 | `Struct`                                          |
//!
//! Going from Arrow to Spark is lenient: the large and view variants of
//! strings, binaries and lists, `Date64`, decimals of any width, timestamps
//! and durations of any unit, dictionary and run-end encodings all map to the
//! Spark type of their logical content.
//!
//! A struct field's Spark metadata (a JSON object such as
//! `{"comment":"x"}`) travels in the Arrow field metadata under
//! [`SPARK_METADATA_KEY`].

use std::collections::HashMap;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields, IntervalUnit, TimeUnit};

use crate::error::TypeError;

/// The Arrow field-metadata key holding a field's Spark metadata, as the
/// compact JSON text of an object (e.g. `{"comment":"x"}`). Absent when the
/// Spark metadata is empty.
pub const SPARK_METADATA_KEY: &str = "spark.metadata";

/// The largest decimal precision Spark supports.
pub const MAX_DECIMAL_PRECISION: u8 = 38;

/// Spark `array<element>`: an Arrow `List` whose item field is named
/// `element` and is nullable iff `contains_null`.
pub fn array_type(element: DataType, contains_null: bool) -> DataType {
    DataType::List(Arc::new(Field::new("element", element, contains_null)))
}

/// Spark `map<key, value>`: an Arrow `Map` of an `entries` struct with a
/// non-null `key` and a `value` nullable iff `value_contains_null`; keys are
/// not sorted.
pub fn map_type(key: DataType, value: DataType, value_contains_null: bool) -> DataType {
    let entries = Fields::from(vec![
        Field::new("key", key, false),
        Field::new("value", value, value_contains_null),
    ]);
    DataType::Map(
        Arc::new(Field::new("entries", DataType::Struct(entries), false)),
        false,
    )
}

/// Spark `timestamp` (with local time zone): microseconds, tagged with the
/// session time zone.
pub fn timestamp_type(session_tz: &str) -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some(session_tz.into()))
}

/// Spark `timestamp_ntz`: microseconds without a time zone.
pub fn timestamp_ntz_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, None)
}

/// Spark `time(6)`: nanoseconds since midnight (what the PySpark client
/// expects in Arrow results), holding whole microseconds.
pub fn time_type() -> DataType {
    DataType::Time64(TimeUnit::Nanosecond)
}

/// The Arrow field-metadata key (on the `metadata` field) that marks a
/// struct as a Spark `variant`, as the PySpark client expects.
pub const VARIANT_MARKER_KEY: &str = "variant";

/// Spark `variant`: a struct of the non-null binary `value` and `metadata`
/// of Spark's variant encoding, the `metadata` field tagged
/// `{"variant": "true"}` (the form the PySpark client reads as VariantType).
pub fn variant_type() -> DataType {
    DataType::Struct(Fields::from(vec![
        Field::new("value", DataType::Binary, false),
        Field::new("metadata", DataType::Binary, false)
            .with_metadata(HashMap::from([(VARIANT_MARKER_KEY.to_string(), "true".to_string())])),
    ]))
}

/// Whether struct fields are those of [`variant_type`].
pub fn is_variant_fields(fields: &Fields) -> bool {
    fields.len() == 2
        && fields[0].name() == "value"
        && fields[1].name() == "metadata"
        && fields[1].metadata().get(VARIANT_MARKER_KEY).is_some_and(|v| v == "true")
}

/// The precision Spark gives `time` when none is written.
pub const TIME_PRECISION: u8 = 6;

/// Spark `interval day to second` (any start and end field): a duration in
/// microseconds.
pub fn day_time_interval_type() -> DataType {
    DataType::Duration(TimeUnit::Microsecond)
}

/// Spark `interval year to month` (any start and end field): months.
pub fn year_month_interval_type() -> DataType {
    DataType::Interval(IntervalUnit::YearMonth)
}

/// Spark's calendar `interval`: months, days and nanoseconds.
pub fn calendar_interval_type() -> DataType {
    DataType::Interval(IntervalUnit::MonthDayNano)
}

/// Spark `decimal(precision, scale)` as `Decimal128`, checked as Spark checks
/// it: the scale may not exceed the precision, the precision may not exceed
/// 38. A negative scale is Spark's only under
/// `spark.sql.legacy.allowNegativeScaleOfDecimal`, which the planner enforces
/// with [`check_negative_scales`] where types enter a plan. Ember also
/// rejects precision 0 and scales below -128, which Arrow cannot represent.
pub fn decimal_type(precision: i64, scale: i64) -> Result<DataType, TypeError> {
    if scale < i64::from(i8::MIN) {
        return Err(TypeError::NegativeScale {
            scale: scale.to_string(),
        });
    }
    if scale > precision {
        return Err(TypeError::DecimalScaleExceedsPrecision {
            precision: precision.to_string(),
            scale: scale.to_string(),
            context: None,
        });
    }
    if precision > MAX_DECIMAL_PRECISION as i64 {
        return Err(TypeError::DecimalPrecisionExceedsMax {
            precision: precision.to_string(),
        });
    }
    if precision == 0 {
        return Err(TypeError::Unsupported {
            type_name: "DECIMAL(0,0)".to_string(),
        });
    }
    Ok(DataType::Decimal128(precision as u8, scale as i8))
}

/// A struct field carrying Spark metadata (the JSON text of an object);
/// empty metadata (`None`, `""` or `{}`) is not stored.
pub fn struct_field(
    name: impl Into<String>,
    data_type: DataType,
    nullable: bool,
    metadata_json: Option<&str>,
) -> Field {
    let field = Field::new(name, data_type, nullable);
    match metadata_json.map(str::trim) {
        Some(json) if !json.is_empty() && !is_empty_json_object(json) => field.with_metadata(
            HashMap::from([(SPARK_METADATA_KEY.to_string(), json.to_string())]),
        ),
        _ => field,
    }
}

fn is_empty_json_object(json: &str) -> bool {
    matches!(serde_json::from_str::<serde_json::Value>(json), Ok(serde_json::Value::Object(m)) if m.is_empty())
}

/// A field's Spark metadata as JSON text, if it has any.
pub fn field_metadata_json(field: &Field) -> Option<&str> {
    field
        .metadata()
        .get(SPARK_METADATA_KEY)
        .map(String::as_str)
        .filter(|s| !s.is_empty())
}

/// A field's comment: the `comment` entry of its Spark metadata.
pub fn field_comment(field: &Field) -> Option<String> {
    let json = field_metadata_json(field)?;
    match serde_json::from_str::<serde_json::Value>(json).ok()? {
        serde_json::Value::Object(map) => map.get("comment")?.as_str().map(str::to_string),
        _ => None,
    }
}

/// The Spark type of an Arrow type, one level deep (children stay Arrow
/// fields).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SparkKind<'a> {
    Null,
    Boolean,
    Byte,
    Short,
    Int,
    Long,
    Float,
    Double,
    Decimal(u8, i8),
    String,
    Binary,
    Date,
    Timestamp,
    TimestampNtz,
    Time,
    Variant,
    Spatial(crate::spatial::SpatialKind, i32),
    CalendarInterval,
    DayTimeInterval,
    YearMonthInterval,
    Array(&'a Field),
    Map(&'a Field, &'a Field),
    Struct(&'a Fields),
}

fn no_spark_type(dt: &DataType) -> TypeError {
    TypeError::Unsupported {
        type_name: dt.to_string(),
    }
}

fn decimal_kind(precision: u8, scale: i8) -> SparkKind<'static> {
    let precision = precision.clamp(1, MAX_DECIMAL_PRECISION);
    SparkKind::Decimal(precision, scale.min(precision as i8))
}

/// `NEGATIVE_SCALE_DISALLOWED` for a decimal of negative scale anywhere in
/// `dt` (Spark's check unless `spark.sql.legacy.allowNegativeScaleOfDecimal`).
pub fn check_negative_scales(dt: &DataType) -> Result<(), TypeError> {
    match dt {
        DataType::Decimal32(_, s) | DataType::Decimal64(_, s) | DataType::Decimal128(_, s) | DataType::Decimal256(_, s) if *s < 0 => {
            Err(TypeError::NegativeScale { scale: s.to_string() })
        }
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) | DataType::Map(f, _) => check_negative_scales(f.data_type()),
        DataType::Struct(fields) => fields.iter().try_for_each(|f| check_negative_scales(f.data_type())),
        _ => Ok(()),
    }
}

/// Classifies an Arrow type as a Spark type, or fails with
/// [`TypeError::Unsupported`] for types Spark has no equivalent of
/// (unsigned integers, `Float16`, unions, ...).
pub(crate) fn classify(dt: &DataType) -> Result<SparkKind<'_>, TypeError> {
    Ok(match dt {
        DataType::Null => SparkKind::Null,
        DataType::Boolean => SparkKind::Boolean,
        DataType::Int8 => SparkKind::Byte,
        DataType::Int16 => SparkKind::Short,
        DataType::Int32 => SparkKind::Int,
        DataType::Int64 => SparkKind::Long,
        DataType::Float32 => SparkKind::Float,
        DataType::Float64 => SparkKind::Double,
        DataType::Decimal32(p, s)
        | DataType::Decimal64(p, s)
        | DataType::Decimal128(p, s)
        | DataType::Decimal256(p, s) => decimal_kind(*p, *s),
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => SparkKind::String,
        DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => SparkKind::Binary,
        DataType::Date32 | DataType::Date64 => SparkKind::Date,
        DataType::Timestamp(_, Some(_)) => SparkKind::Timestamp,
        DataType::Timestamp(_, None) => SparkKind::TimestampNtz,
        DataType::Time32(_) | DataType::Time64(_) => SparkKind::Time,
        DataType::Duration(_) => SparkKind::DayTimeInterval,
        DataType::Interval(IntervalUnit::YearMonth) => SparkKind::YearMonthInterval,
        DataType::Interval(IntervalUnit::MonthDayNano | IntervalUnit::DayTime) => {
            SparkKind::CalendarInterval
        }
        DataType::List(f)
        | DataType::LargeList(f)
        | DataType::ListView(f)
        | DataType::LargeListView(f)
        | DataType::FixedSizeList(f, _) => SparkKind::Array(f),
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) if kv.len() == 2 => SparkKind::Map(&kv[0], &kv[1]),
            _ => return Err(no_spark_type(dt)),
        },
        DataType::Struct(fields) if is_variant_fields(fields) => SparkKind::Variant,
        DataType::Struct(fields) if crate::spatial::spatial_of_fields(fields).is_some() => {
            let (kind, srid) = crate::spatial::spatial_of_fields(fields).unwrap_or_else(|| unreachable!("checked"));
            SparkKind::Spatial(kind, srid)
        }
        DataType::Struct(fields) => SparkKind::Struct(fields),
        DataType::Dictionary(_, values) => return classify(values),
        DataType::RunEndEncoded(_, values) => return classify(values.data_type()),
        DataType::UInt8
        | DataType::UInt16
        | DataType::UInt32
        | DataType::UInt64
        | DataType::Float16
        | DataType::Union(_, _) => return Err(no_spark_type(dt)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builders_follow_the_fixed_mapping() {
        match array_type(DataType::Int32, false) {
            DataType::List(f) => {
                assert_eq!(f.name(), "element");
                assert_eq!(f.data_type(), &DataType::Int32);
                assert!(!f.is_nullable());
            }
            other => panic!("{other}"),
        }
        match map_type(DataType::Utf8, DataType::Int64, true) {
            DataType::Map(entries, sorted) => {
                assert!(!sorted);
                assert_eq!(entries.name(), "entries");
                assert!(!entries.is_nullable());
                let DataType::Struct(kv) = entries.data_type() else {
                    panic!("entries must be a struct")
                };
                assert_eq!(kv[0].name(), "key");
                assert!(!kv[0].is_nullable());
                assert_eq!(kv[1].name(), "value");
                assert!(kv[1].is_nullable());
                assert_eq!(kv[1].data_type(), &DataType::Int64);
            }
            other => panic!("{other}"),
        }
        assert_eq!(
            timestamp_type("UTC"),
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
        );
        assert_eq!(
            timestamp_ntz_type(),
            DataType::Timestamp(TimeUnit::Microsecond, None)
        );
        assert_eq!(
            day_time_interval_type(),
            DataType::Duration(TimeUnit::Microsecond)
        );
        assert_eq!(
            year_month_interval_type(),
            DataType::Interval(IntervalUnit::YearMonth)
        );
        assert_eq!(time_type(), DataType::Time64(TimeUnit::Nanosecond));
        assert_eq!(
            classify(&DataType::Time64(TimeUnit::Microsecond)).unwrap(),
            SparkKind::Time
        );
        assert_eq!(
            calendar_interval_type(),
            DataType::Interval(IntervalUnit::MonthDayNano)
        );
    }

    #[test]
    fn decimal_checks() {
        assert_eq!(decimal_type(10, 2).unwrap(), DataType::Decimal128(10, 2));
        assert_eq!(decimal_type(38, 38).unwrap(), DataType::Decimal128(38, 38));
        assert_eq!(
            decimal_type(40, 2).unwrap_err().error_class(),
            "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION"
        );
        assert_eq!(
            decimal_type(5, 6).unwrap_err().error_class(),
            "DECIMAL_SCALE_EXCEEDS_PRECISION"
        );
        assert_eq!(decimal_type(5, -1).unwrap(), DataType::Decimal128(5, -1));
        assert_eq!(decimal_type(5, -129).unwrap_err().error_class(), "NEGATIVE_SCALE_DISALLOWED");
        let nested = array_type(DataType::Struct(Fields::from(vec![Field::new("d", DataType::Decimal128(5, -1), true)])), true);
        assert_eq!(check_negative_scales(&nested).unwrap_err().error_class(), "NEGATIVE_SCALE_DISALLOWED");
        assert!(check_negative_scales(&DataType::Decimal128(5, 1)).is_ok());
        assert_eq!(
            decimal_type(0, 0).unwrap_err().error_class(),
            "UNSUPPORTED_DATATYPE"
        );
    }

    #[test]
    fn field_metadata_round_trip() {
        let f = struct_field("a", DataType::Int32, true, Some(r#"{"comment":"hi"}"#));
        assert_eq!(field_metadata_json(&f), Some(r#"{"comment":"hi"}"#));
        assert_eq!(field_comment(&f).as_deref(), Some("hi"));
        let plain = struct_field("a", DataType::Int32, true, Some("{}"));
        assert!(plain.metadata().is_empty());
        assert_eq!(field_metadata_json(&plain), None);
        assert_eq!(field_comment(&plain), None);
        let none = struct_field("a", DataType::Int32, false, None);
        assert!(none.metadata().is_empty());
        assert!(!none.is_nullable());
    }

    #[test]
    fn classify_is_lenient_on_encodings() {
        assert_eq!(classify(&DataType::LargeUtf8).unwrap(), SparkKind::String);
        assert_eq!(classify(&DataType::Utf8View).unwrap(), SparkKind::String);
        assert_eq!(classify(&DataType::BinaryView).unwrap(), SparkKind::Binary);
        assert_eq!(classify(&DataType::Date64).unwrap(), SparkKind::Date);
        assert_eq!(
            classify(&DataType::Timestamp(
                TimeUnit::Nanosecond,
                Some("UTC".into())
            ))
            .unwrap(),
            SparkKind::Timestamp
        );
        assert_eq!(
            classify(&DataType::Timestamp(TimeUnit::Second, None)).unwrap(),
            SparkKind::TimestampNtz
        );
        assert_eq!(
            classify(&DataType::Decimal256(50, 10)).unwrap(),
            SparkKind::Decimal(38, 10)
        );
        assert_eq!(
            classify(&DataType::Dictionary(
                Box::new(DataType::Int32),
                Box::new(DataType::Utf8)
            ))
            .unwrap(),
            SparkKind::String
        );
        assert_eq!(
            classify(&DataType::Duration(TimeUnit::Second)).unwrap(),
            SparkKind::DayTimeInterval
        );
        assert!(matches!(
            classify(&DataType::LargeList(Arc::new(Field::new(
                "item",
                DataType::Int32,
                true
            ))))
            .unwrap(),
            SparkKind::Array(_)
        ));
    }

    #[test]
    fn classify_rejects_types_spark_lacks() {
        for dt in [
            DataType::UInt8,
            DataType::UInt32,
            DataType::UInt64,
            DataType::Float16,
        ] {
            let err = classify(&dt).unwrap_err();
            assert_eq!(err.error_class(), "UNSUPPORTED_DATATYPE", "{dt}");
        }
        // A negative scale is Spark's under spark.sql.legacy.allowNegativeScaleOfDecimal.
        assert_eq!(classify(&DataType::Decimal128(10, -2)).unwrap(), SparkKind::Decimal(10, -2));
    }
}
