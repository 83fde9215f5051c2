//! Typed columns from CSV field text, parsed as Spark's CSV reader parses
//! each type (stricter than a cast: `" 1"` is not an int), with a flag for
//! every field that does not parse.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Float32Array, Float64Array, Int64Array, StringArray};
use arrow::compute::cast;
use arrow::datatypes::DataType;
use ember_errors::SparkError;
use ember_functions::cast::{CastMode, cast_array};

use crate::lenient_timestamps;
use crate::number_locale::NumberLocale;

/// The special floating-point spellings of a CSV read.
#[derive(Debug, Clone)]
pub struct FloatSpellings {
    /// `nanValue` (default `NaN`).
    pub nan: String,
    /// `positiveInf` (default `Inf`).
    pub positive_inf: String,
    /// `negativeInf` (default `-Inf`).
    pub negative_inf: String,
    /// `locale`'s decimal symbols (default `en-US`).
    pub locale: NumberLocale,
}

impl Default for FloatSpellings {
    fn default() -> Self {
        FloatSpellings { nan: "NaN".into(), positive_inf: "Inf".into(), negative_inf: "-Inf".into(), locale: NumberLocale::default() }
    }
}

/// A parsed column and, per row, whether its text failed to parse.
pub struct ParsedColumn {
    /// The values (NULL where the text is NULL or malformed).
    pub array: ArrayRef,
    /// `true` where the text was present but did not parse.
    pub malformed: Vec<bool>,
}

impl ParsedColumn {
    /// The first value of a date or timestamp column (days or microseconds),
    /// `None` when it is NULL.
    pub fn first_value(&self) -> Option<i64> {
        if self.array.is_empty() || self.array.is_null(0) {
            return None;
        }
        match self.array.data_type() {
            DataType::Date32 => Some(self.array.as_primitive::<arrow::datatypes::Date32Type>().value(0).into()),
            DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, _) => {
                Some(self.array.as_primitive::<arrow::datatypes::TimestampMicrosecondType>().value(0))
            }
            _ => None,
        }
    }
}

/// Parses `texts` (NULL already resolved) as `data_type`.
pub fn parse_column(texts: &[Option<&str>], data_type: &DataType, floats: &FloatSpellings) -> Result<ParsedColumn, SparkError> {
    let array: ArrayRef = match data_type {
        DataType::Utf8 => Arc::new(StringArray::from(texts.to_vec())),
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
            let (min, max) = integral_range(data_type);
            let values: Int64Array = texts.iter().map(|t| t.and_then(java_integer).filter(|v| (min..=max).contains(v))).collect();
            cast(&values, data_type)?
        }
        DataType::Float64 => Arc::new(texts.iter().map(|t| t.and_then(|t| java_double(t, floats))).collect::<Float64Array>()),
        DataType::Float32 => {
            Arc::new(texts.iter().map(|t| t.and_then(|t| java_double(t, floats)).map(|v| v as f32)).collect::<Float32Array>())
        }
        DataType::Boolean => Arc::new(texts.iter().map(|t| t.and_then(scala_boolean)).collect::<BooleanArray>()),
        DataType::Decimal128(..) => {
            // Java's BigDecimal takes no white space; the cast rounds half up.
            let strict: StringArray = texts
                .iter()
                .map(|t| t.and_then(|t| floats.locale.plain_decimal(t)).filter(|t| !t.contains(char::is_whitespace)))
                .collect();
            cast_array(&(Arc::new(strict) as ArrayRef), data_type, CastMode::Try)?
        }
        DataType::Timestamp(..) => {
            let completed: StringArray = texts.iter().map(|t| t.map(lenient_timestamps::canonical)).collect();
            cast_array(&(Arc::new(completed) as ArrayRef), data_type, CastMode::Try)?
        }
        // Dates without a pattern fall back to the cast's parsing, as Spark.
        _ => cast_array(&(Arc::new(StringArray::from(texts.to_vec())) as ArrayRef), data_type, CastMode::Try)?,
    };
    let malformed = texts.iter().enumerate().map(|(i, t)| t.is_some() && array.is_null(i)).collect();
    Ok(ParsedColumn { array, malformed })
}

fn integral_range(data_type: &DataType) -> (i64, i64) {
    match data_type {
        DataType::Int8 => (i8::MIN.into(), i8::MAX.into()),
        DataType::Int16 => (i16::MIN.into(), i16::MAX.into()),
        DataType::Int32 => (i32::MIN.into(), i32::MAX.into()),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Java's `Integer.parseInt`/`Long.parseLong`: a sign and digits only.
fn java_integer(text: &str) -> Option<i64> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Java's `Double.parseDouble` (which trims white space and takes a `d`/`f`
/// suffix), after the read's NaN and infinity spellings.
fn java_double(text: &str, floats: &FloatSpellings) -> Option<f64> {
    if text == floats.nan {
        return Some(f64::NAN);
    }
    if text == floats.positive_inf {
        return Some(f64::INFINITY);
    }
    if text == floats.negative_inf {
        return Some(f64::NEG_INFINITY);
    }
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    let unsigned = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
    match unsigned {
        "NaN" => return Some(f64::NAN),
        "Infinity" => return Some(if trimmed.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY }),
        _ => {}
    }
    let body = trimmed.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(trimmed);
    let number = body.strip_prefix(['+', '-']).unwrap_or(body);
    let valid = number.bytes().any(|b| b.is_ascii_digit())
        && number.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if valid { body.parse().ok() } else { None }
}

/// Scala's `toBoolean`: `true` or `false` in any case.
fn scala_boolean(text: &str) -> Option<bool> {
    if text.eq_ignore_ascii_case("true") {
        Some(true)
    } else if text.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::AsArray;
    use arrow::datatypes::{Float64Type, Int32Type};

    #[test]
    fn integers_are_strict() {
        let texts = [Some(" 1"), Some("+2"), Some("1.5"), Some("99999999999"), None];
        let parsed = parse_column(&texts, &DataType::Int32, &FloatSpellings::default()).unwrap();
        assert_eq!(parsed.array.as_primitive::<Int32Type>().iter().collect::<Vec<_>>(), [None, Some(2), None, None, None]);
        assert_eq!(parsed.malformed, [true, false, true, true, false]);
    }

    #[test]
    fn doubles_as_java_with_custom_spellings() {
        let floats = FloatSpellings { nan: "n/a".into(), ..FloatSpellings::default() };
        let texts = [Some(" 1.5 "), Some("1e3"), Some("1.5d"), Some("Inf"), Some("-Infinity"), Some("n/a"), Some("inf")];
        let parsed = parse_column(&texts, &DataType::Float64, &floats).unwrap();
        let values = parsed.array.as_primitive::<Float64Type>();
        assert_eq!(values.value(0), 1.5);
        assert_eq!(values.value(1), 1000.0);
        assert_eq!(values.value(2), 1.5);
        assert_eq!(values.value(3), f64::INFINITY);
        assert_eq!(values.value(4), f64::NEG_INFINITY);
        assert!(values.value(5).is_nan());
        assert_eq!(parsed.malformed, [false, false, false, false, false, false, true]);
    }

    #[test]
    fn booleans_decimals_and_dates() {
        let floats = FloatSpellings::default();
        assert_eq!(parse_column(&[Some("tRuE"), Some("yes")], &DataType::Boolean, &floats).unwrap().malformed, [false, true]);
        let decimals = parse_column(&[Some("1.235"), Some(" 1"), Some("1234")], &DataType::Decimal128(5, 2), &floats).unwrap();
        assert_eq!(decimals.malformed, [false, true, true]);
        assert_eq!(decimals.array.as_primitive::<arrow::datatypes::Decimal128Type>().value(0), 124);
        let dates = parse_column(&[Some("2020-1-2"), Some("notadate")], &DataType::Date32, &floats).unwrap();
        assert_eq!(dates.malformed, [false, true]);
        let stamp = DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, Some("UTC".into()));
        assert_eq!(parse_column(&[Some("2020-01-02 03:04")], &stamp, &floats).unwrap().malformed, [false]);
    }
}
