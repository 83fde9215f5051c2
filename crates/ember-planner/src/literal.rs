//! Spark Connect literals to DataFusion scalars, with Spark's names for them.

use ember_functions::java_format::{java_double_string, java_float_string};
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, DurationMicrosecondArray, Time64NanosecondArray, IntervalYearMonthArray, new_empty_array};
use datafusion::arrow::datatypes::{DataType, Field, Fields, IntervalYearMonthType};
use datafusion::common::ScalarValue;
use datafusion::common::metadata::FieldMetadata;
use ember_types::IntervalFields;
use datafusion::common::scalar::ScalarStructBuilder;
use ember_protocol::connect::expression::Literal;
use ember_protocol::connect::expression::literal::LiteralType;

use crate::error::{Result, SparkError};

/// The units an interval literal declares (SQL `INTERVAL '5' HOUR`), as the field metadata that
/// carries them; `None` for other literals.
pub fn literal_metadata(literal: &Literal) -> Option<FieldMetadata> {
    literal_interval_fields(literal).map(|fields| FieldMetadata::from(fields.metadata()))
}

fn literal_interval_fields(literal: &Literal) -> Option<IntervalFields> {
    ember_types::interval_fields_of(literal.data_type.as_ref()?)
}

/// Spark's text of a one-element interval array in the given units.
fn interval_text(array: &dyn Array, fields: IntervalFields) -> String {
    ember_functions::display::pretty_strings_with(array, Some(fields))
        .ok()
        .and_then(|mut texts| texts.pop())
        .unwrap_or_default()
}

/// Converts a literal; returns the value and the column name Spark gives it.
pub fn literal_to_scalar(literal: &Literal, tz: &str) -> Result<(ScalarValue, String)> {
    let Some(value) = &literal.literal_type else {
        return Err(SparkError::illegal_argument("literal without a value"));
    };
    Ok(match value {
        LiteralType::Null(data_type) => {
            let arrow = match data_type.kind {
                Some(_) => ember_types::from_proto(data_type, tz).map_err(crate::error::from_type_error)?,
                None => DataType::Null,
            };
            (ScalarValue::try_from(&arrow)?, "NULL".to_string())
        }
        LiteralType::Binary(bytes) => {
            let hex: String = bytes.iter().map(|b| format!("{b:02X}")).collect();
            (ScalarValue::Binary(Some(bytes.clone())), format!("X'{hex}'"))
        }
        LiteralType::Boolean(b) => (ScalarValue::Boolean(Some(*b)), b.to_string()),
        LiteralType::Byte(v) => (ScalarValue::Int8(Some(*v as i8)), v.to_string()),
        LiteralType::Short(v) => (ScalarValue::Int16(Some(*v as i16)), v.to_string()),
        LiteralType::Integer(v) => (ScalarValue::Int32(Some(*v)), v.to_string()),
        LiteralType::Long(v) => (ScalarValue::Int64(Some(*v)), v.to_string()),
        LiteralType::Float(v) => (ScalarValue::Float32(Some(*v)), java_float_string(*v)),
        LiteralType::Double(v) => (ScalarValue::Float64(Some(*v)), java_double_string(*v)),
        LiteralType::Decimal(d) => decimal(&d.value, d.precision, d.scale)?,
        LiteralType::String(s) => (ScalarValue::Utf8(Some(s.clone())), s.clone()),
        LiteralType::Date(days) => {
            let date = chrono::NaiveDate::from_num_days_from_ce_opt(719_163 + days).map(|d| d.to_string()).unwrap_or_default();
            (ScalarValue::Date32(Some(*days)), format!("DATE '{date}'"))
        }
        LiteralType::Timestamp(micros) => (
            ScalarValue::TimestampMicrosecond(Some(*micros), Some(Arc::from(tz))),
            format!("TIMESTAMP '{}'", render_timestamp(*micros, Some(tz))),
        ),
        LiteralType::TimestampNtz(micros) => (
            ScalarValue::TimestampMicrosecond(Some(*micros), None),
            format!("TIMESTAMP_NTZ '{}'", render_timestamp(*micros, None)),
        ),
        LiteralType::Time(time) => {
            let text = ember_functions::display::pretty_strings(&Time64NanosecondArray::from(vec![time.nano]))
                .ok()
                .and_then(|mut texts| texts.pop())
                .unwrap_or_default();
            (ScalarValue::Time64Nanosecond(Some(time.nano)), format!("TIME '{text}'"))
        }
        LiteralType::DayTimeInterval(micros) => {
            let fields = literal_interval_fields(literal).unwrap_or(IntervalFields::DAY_TO_SECOND);
            (ScalarValue::DurationMicrosecond(Some(*micros)), interval_text(&DurationMicrosecondArray::from(vec![*micros]), fields))
        }
        LiteralType::YearMonthInterval(months) => {
            let fields = literal_interval_fields(literal).unwrap_or(IntervalFields::YEAR_TO_MONTH);
            (
                ScalarValue::IntervalYearMonth(Some(IntervalYearMonthType::make_value(0, *months))),
                interval_text(&IntervalYearMonthArray::from(vec![*months]), fields),
            )
        }
        LiteralType::CalendarInterval(i) => (
            ScalarValue::new_interval_mdn(i.months, i.days, i.microseconds * 1000),
            format!("INTERVAL '{} months {} days {} microseconds'", i.months, i.days, i.microseconds),
        ),
        LiteralType::Array(array) => {
            let element_type = match &literal.data_type {
                Some(dt) => match ember_types::from_proto(dt, tz).map_err(crate::error::from_type_error)? {
                    DataType::List(f) => Some(f.data_type().clone()),
                    _ => None,
                },
                None => None,
            };
            #[allow(deprecated)]
            let element_type = match (element_type, &array.element_type) {
                (Some(t), _) => Some(t),
                (None, Some(dt)) => Some(ember_types::from_proto(dt, tz).map_err(crate::error::from_type_error)?),
                (None, None) => None,
            };
            let mut values = Vec::new();
            let mut names = Vec::new();
            for element in &array.elements {
                let (v, n) = literal_to_scalar(element, tz)?;
                values.push(v);
                names.push(n);
            }
            let element_type = element_type
                .or_else(|| values.first().map(|v| v.data_type()))
                .unwrap_or(DataType::Null);
            let values = values.into_iter().map(|v| v.cast_to(&element_type)).collect::<std::result::Result<Vec<_>, _>>()?;
            let nullable = values.iter().any(ScalarValue::is_null);
            let list = ScalarValue::new_list(&values, &element_type, nullable);
            (ScalarValue::List(list), format!("array({})", names.join(", ")))
        }
        LiteralType::Struct(s) => {
            let mut builder = ScalarStructBuilder::new();
            let mut names = Vec::new();
            #[allow(deprecated)]
            let declared: Option<Fields> = match literal.data_type.as_ref().or(s.struct_type.as_ref()) {
                Some(dt) => match ember_types::from_proto(dt, tz).map_err(crate::error::from_type_error)? {
                    DataType::Struct(fields) => Some(fields),
                    _ => None,
                },
                None => None,
            };
            for (i, element) in s.elements.iter().enumerate() {
                let (v, n) = literal_to_scalar(element, tz)?;
                let field = match &declared {
                    Some(fields) if i < fields.len() => fields[i].as_ref().clone(),
                    _ => Field::new(format!("col{}", i + 1), v.data_type(), true),
                };
                let v = v.cast_to(field.data_type())?;
                builder = builder.with_scalar(field, v);
                names.push(n);
            }
            (builder.build()?, format!("struct({})", names.join(", ")))
        }
        LiteralType::Map(map) => {
            let mut keys = Vec::new();
            let mut values = Vec::new();
            let mut names = Vec::new();
            for (k, v) in map.keys.iter().zip(&map.values) {
                let (k, kn) = literal_to_scalar(k, tz)?;
                let (v, vn) = literal_to_scalar(v, tz)?;
                names.push(format!("{kn}, {vn}"));
                keys.push(k);
                values.push(v);
            }
            let key_array = scalars_to_array(&keys)?;
            let value_array = scalars_to_array(&values)?;
            let map_array = map_array(key_array, value_array)?;
            (ScalarValue::try_from_array(&map_array, 0)?, format!("map({})", names.join(", ")))
        }
        other => return Err(SparkError::unsupported(format!("literal {other:?}"))),
    })
}

/// A one-row map array from its keys and values.
fn map_array(keys: ArrayRef, values: ArrayRef) -> Result<ArrayRef> {
    use datafusion::arrow::array::{MapArray, StructArray};
    use datafusion::arrow::buffer::OffsetBuffer;
    let entries_fields = Fields::from(vec![
        Field::new("key", keys.data_type().clone(), false),
        Field::new("value", values.data_type().clone(), true),
    ]);
    let len = keys.len();
    let entries = StructArray::try_new(entries_fields.clone(), vec![keys, values], None)?;
    let field = Arc::new(Field::new("entries", DataType::Struct(entries_fields), false));
    Ok(Arc::new(MapArray::try_new(field, OffsetBuffer::from_lengths([len]), entries, None, false)?))
}

fn scalars_to_array(values: &[ScalarValue]) -> Result<ArrayRef> {
    if values.is_empty() {
        return Ok(new_empty_array(&DataType::Null));
    }
    Ok(ScalarValue::iter_to_array(values.iter().cloned())?)
}

fn decimal(value: &str, precision: Option<i32>, scale: Option<i32>) -> Result<(ScalarValue, String)> {
    let text = value.trim();
    let (digits, frac_len) = match text.split_once('.') {
        Some((int, frac)) => (format!("{int}{frac}"), frac.len()),
        None => (text.to_string(), 0),
    };
    // Like Spark, never drop digits of the value for a declared scale.
    let scale = scale.map(|s| (s.max(0) as usize).max(frac_len)).unwrap_or(frac_len);
    let mut unscaled: i128 = digits
        .parse()
        .map_err(|_| SparkError::illegal_argument(format!("invalid decimal literal {value}")))?;
    for _ in frac_len..scale {
        unscaled *= 10;
    }
    let significant = digits.trim_start_matches(['-', '+']).trim_start_matches('0').len().max(1);
    let needed = significant.max(scale).max(1);
    let precision = precision.map(|p| (p.max(0) as usize).max(needed)).unwrap_or(needed) as u8;
    let rendered = datafusion::arrow::array::Decimal128Array::from(vec![unscaled])
        .with_precision_and_scale(precision, scale as i8)?
        .value_as_string(0);
    Ok((ScalarValue::Decimal128(Some(unscaled), precision, scale as i8), rendered))
}

/// Spark's name of SQL's `TIMESTAMP '…'` read in the session time zone `tz`:
/// the local time there of the instant it stands for.
pub(crate) fn timestamp_literal_name(wall_clock_micros: i64, tz: &str) -> String {
    let instant = tz.parse::<chrono_tz::Tz>().ok().and_then(|zone| {
        let local = chrono::DateTime::from_timestamp_micros(wall_clock_micros)?.naive_utc();
        ember_functions::datetime::local_to_micros(&zone, &local)
    });
    match instant {
        Some(micros) => format!("TIMESTAMP '{}'", render_timestamp(micros, Some(tz))),
        None => format!("TIMESTAMP '{}'", render_timestamp(wall_clock_micros, None)),
    }
}

fn render_timestamp(micros: i64, tz: Option<&str>) -> String {
    let Some(utc) = chrono::DateTime::from_timestamp_micros(micros) else {
        return micros.to_string();
    };
    let naive = match tz.and_then(|t| t.parse::<chrono_tz::Tz>().ok()) {
        Some(zone) => utc.with_timezone(&zone).naive_local(),
        None => utc.naive_utc(),
    };
    let base = naive.format("%Y-%m-%d %H:%M:%S").to_string();
    let fraction = micros.rem_euclid(1_000_000);
    if fraction == 0 {
        base
    } else {
        format!("{base}.{}", format!("{fraction:06}").trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_render_as_java_does() {
        assert_eq!(java_double_string(1.5), "1.5");
        assert_eq!(java_double_string(1.0), "1.0");
        assert_eq!(java_double_string(1e10), "1.0E10");
        assert_eq!(java_double_string(0.1), "0.1");
        assert_eq!(java_double_string(1.0e-5), "1.0E-5");
        assert_eq!(java_double_string(12345678.0), "1.2345678E7");
    }

    #[test]
    fn decimals_keep_their_scale() {
        let (value, name) = decimal("1.50", Some(10), Some(2)).unwrap();
        assert_eq!(value, ScalarValue::Decimal128(Some(150), 10, 2));
        assert_eq!(name, "1.50");
    }
}
