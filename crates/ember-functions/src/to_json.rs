//! Spark's `to_json`: a struct, array or map value written as compact JSON
//! text the way Spark's JSON generator writes it: struct fields in order with
//! NULL fields left out (unless `ignoreNullFields` is false), timestamps as
//! `yyyy-MM-dd'T'HH:mm:ss.SSSXXX` in the session time zone, dates as
//! `yyyy-MM-dd` (both overridable by `timestampFormat`/`dateFormat`),
//! decimals as written, doubles as Java prints them, binary as base64 and
//! variants as their own JSON.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use arrow::datatypes::{DataType, TimeUnit, TimestampMicrosecondType};
use chrono_tz::Tz;
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_errors::{ErrorKind, SparkError};

use crate::datetime_pattern::DatetimePattern;
use crate::display::{cast_strings, cast_strings_with};
use ember_types::IntervalFields;

/// Spark's default `timestampFormat` for JSON output.
pub(crate) const TIMESTAMP_FORMAT: &str = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";
/// Spark's default `timestampNTZFormat` for JSON output.
pub(crate) const TIMESTAMP_NTZ_FORMAT: &str = "yyyy-MM-dd'T'HH:mm:ss.SSS";

/// The options `to_json` honours.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ToJsonOptions {
    /// `ignoreNullFields` (default true): NULL struct fields are left out.
    pub ignore_null_fields: bool,
    /// `dateFormat`, if given.
    pub date_format: Option<String>,
    /// `timestampFormat`, if given.
    pub timestamp_format: Option<String>,
    /// `timestampNTZFormat`, if given.
    pub timestamp_ntz_format: Option<String>,
}

impl ToJsonOptions {
    /// Reads Spark's option names (case-insensitive keys).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |key: &str| pairs.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.clone());
        ToJsonOptions {
            ignore_null_fields: get("ignoreNullFields").is_none_or(|v| !v.eq_ignore_ascii_case("false")),
            date_format: get("dateFormat"),
            timestamp_format: get("timestampFormat"),
            timestamp_ntz_format: get("timestampNTZFormat"),
        }
    }
}

/// The `to_json` function.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ToJson {
    options: ToJsonOptions,
    time_zone: String,
    signature: Signature,
}

impl ToJson {
    /// The call `to_json(value)` (rendered `value_name`); `value_type` must be a struct, array or map.
    pub fn call(value: Expr, value_name: &str, value_type: &DataType, options: ToJsonOptions, time_zone: &str) -> Result<Expr, SparkError> {
        if !matches!(value_type, DataType::Struct(_) | DataType::List(_) | DataType::Map(..)) {
            let rendered = ember_types::display::sql_string(value_type);
            let sql = format!("to_json({value_name})");
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "DATATYPE_MISMATCH.INVALID_JSON_SCHEMA",
                "42K09",
                format!("Cannot resolve \"{sql}\" due to data type mismatch: Input schema \"{rendered}\" must be a struct, an array, a map or a variant."),
                &[("sqlExpr", format!("\"{sql}\"")), ("schema", format!("\"{rendered}\""))],
            ));
        }
        let udf = ToJson { options, time_zone: time_zone.to_string(), signature: Signature::any(1, Volatility::Immutable) };
        Ok(ScalarUDF::new_from_impl(udf).call(vec![value]))
    }

    /// The JSON text of every value of `array` (`None` for NULL).
    /// The JSON of each value of `array`; `units` are those of an ANSI interval array.
    fn encode(&self, array: &dyn Array, units: Option<IntervalFields>) -> Result<Vec<Option<String>>> {
        let rows = array.len();
        let valid = |i: usize| array.is_valid(i);
        Ok(match array.data_type() {
            DataType::Struct(fields) if ember_types::is_variant_fields(fields) => {
                let variants = array.as_struct();
                (0..rows).map(|row| valid(row).then(|| crate::variant::display_json(variants, row))).collect()
            }
            DataType::Struct(fields) => {
                let structs = array.as_struct();
                let children = structs.columns().iter().zip(fields.iter()).map(|(c, f)| self.encode(c.as_ref(), IntervalFields::of(f))).collect::<Result<Vec<_>>>()?;
                (0..rows)
                    .map(|row| {
                        valid(row).then(|| {
                            let members = fields.iter().zip(&children).filter_map(|(field, values)| match &values[row] {
                                Some(text) => Some(format!("{}:{text}", quote(field.name()))),
                                None if !self.options.ignore_null_fields => Some(format!("{}:null", quote(field.name()))),
                                None => None,
                            });
                            format!("{{{}}}", members.collect::<Vec<_>>().join(","))
                        })
                    })
                    .collect()
            }
            DataType::List(element) => {
                let lists = array.as_list::<i32>();
                let items = self.encode(lists.values().as_ref(), IntervalFields::of(element))?;
                let offsets = lists.value_offsets();
                (0..rows)
                    .map(|row| {
                        valid(row).then(|| {
                            let range = offsets[row] as usize..offsets[row + 1] as usize;
                            let texts: Vec<&str> = items[range].iter().map(|t| t.as_deref().unwrap_or("null")).collect();
                            format!("[{}]", texts.join(","))
                        })
                    })
                    .collect()
            }
            DataType::Map(entries, _) => {
                let maps = array.as_map();
                let value_units = match entries.data_type() {
                    DataType::Struct(pair) if pair.len() == 2 => IntervalFields::of(&pair[1]),
                    _ => None,
                };
                // Spark writes an ANSI interval key as its months or microseconds.
                let keys = match maps.keys().data_type() {
                    DataType::Duration(_) => {
                        let amounts = arrow::compute::cast(maps.keys(), &DataType::Int64)?;
                        amounts.as_primitive::<arrow::datatypes::Int64Type>().iter().map(|v| v.map(|v| v.to_string())).collect()
                    }
                    DataType::Interval(arrow::datatypes::IntervalUnit::YearMonth) => {
                        maps.keys().as_primitive::<arrow::datatypes::IntervalYearMonthType>().iter().map(|v| v.map(|v| v.to_string())).collect()
                    }
                    _ => cast_strings(maps.keys().as_ref()).map_err(|e| DataFusionError::Execution(e.to_string()))?,
                };
                let values = self.encode(maps.values().as_ref(), value_units)?;
                let offsets = maps.value_offsets();
                (0..rows)
                    .map(|row| {
                        valid(row).then(|| {
                            let entries = (offsets[row] as usize..offsets[row + 1] as usize).map(|i| {
                                let key = keys[i].as_deref().unwrap_or("null");
                                format!("{}:{}", quote(key), values[i].as_deref().unwrap_or("null"))
                            });
                            format!("{{{}}}", entries.collect::<Vec<_>>().join(","))
                        })
                    })
                    .collect()
            }
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                let texts = cast_strings(array).map_err(|e| DataFusionError::Execution(e.to_string()))?;
                texts.into_iter().map(|t| t.map(|t| quote(&t))).collect()
            }
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView => {
                let cast = arrow::compute::cast(array, &DataType::Binary)?;
                cast.as_binary::<i32>().iter().map(|b| b.map(|b| quote(&base64(b)))).collect()
            }
            DataType::Date32 => match &self.options.date_format {
                None => quoted_strings(array)?,
                Some(format) => {
                    let micros = arrow::compute::cast(&arrow::compute::cast(array, &DataType::Timestamp(TimeUnit::Microsecond, None))?, &DataType::Int64)?;
                    quote_all(format_micros(micros.as_primitive::<arrow::datatypes::Int64Type>().iter().collect(), format, &self.time_zone, true)?)
                }
            },
            DataType::Timestamp(TimeUnit::Microsecond, zone) => {
                let micros = array.as_primitive::<TimestampMicrosecondType>().iter().collect();
                let (format, ntz) = match zone {
                    Some(_) => (self.options.timestamp_format.as_deref().unwrap_or(TIMESTAMP_FORMAT), false),
                    None => (self.options.timestamp_ntz_format.as_deref().unwrap_or(TIMESTAMP_NTZ_FORMAT), true),
                };
                quote_all(format_micros(micros, format, &self.time_zone, ntz)?)
            }
            DataType::Boolean
            | DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::Float32
            | DataType::Float64
            | DataType::Decimal128(..)
            | DataType::Null => {
                let texts = cast_strings(array).map_err(|e| DataFusionError::Execution(e.to_string()))?;
                texts.into_iter().map(|t| t.map(|t| if matches!(t.as_str(), "NaN" | "Infinity" | "-Infinity") { quote(&t) } else { t })).collect()
            }
            _ => {
                let texts = cast_strings_with(array, units).map_err(|e| DataFusionError::Execution(e.to_string()))?;
                texts.into_iter().map(|t| t.map(|t| quote(&t))).collect()
            }
        })
    }
}

impl ScalarUDFImpl for ToJson {
    fn name(&self) -> &str {
        "to_json"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let array = args.args[0].to_array(args.number_rows)?;
        let units = args.arg_fields.first().and_then(|f| IntervalFields::of(f));
        let texts: ArrayRef = Arc::new(StringArray::from(self.encode(array.as_ref(), units)?));
        Ok(ColumnarValue::Array(texts))
    }
}

/// Timestamps (microseconds) written with `format`; `local` ones are
/// wall-clock times, the others instants shown in `time_zone`.
pub(crate) fn format_micros(micros: Vec<Option<i64>>, format: &str, time_zone: &str, local: bool) -> Result<Vec<Option<String>>> {
    let pattern = DatetimePattern::parse(format)
        .map_err(|e| e.to_spark(format).into_datafusion())?;
    let zone: Tz = if local { Tz::UTC } else { time_zone.parse().unwrap_or(Tz::UTC) };
    Ok(micros.into_iter().map(|m| pattern.format_instant(m?, &zone)).collect())
}

/// Every text quoted as a JSON string.
fn quote_all(texts: Vec<Option<String>>) -> Vec<Option<String>> {
    texts.into_iter().map(|t| t.map(|t| quote(&t))).collect()
}

/// Values as their Spark string form, quoted.
fn quoted_strings(array: &dyn Array) -> Result<Vec<Option<String>>> {
    let texts = cast_strings(array).map_err(|e| DataFusionError::Execution(e.to_string()))?;
    Ok(texts.into_iter().map(|t| t.map(|t| quote(&t))).collect())
}

/// A JSON string literal.
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_default()
}

/// Standard base64 with padding, as Jackson writes binary values.
pub(crate) fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use arrow::array::{Int32Array, StructArray};
    use arrow::datatypes::{Field, Fields};

    use super::*;

    fn udf(pairs: &[(&str, &str)]) -> ToJson {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ToJson { options: ToJsonOptions::from_pairs(&pairs), time_zone: "UTC".into(), signature: Signature::any(1, Volatility::Immutable) }
    }

    #[test]
    fn structs_leave_out_null_fields() {
        let fields = Fields::from(vec![Field::new("a", DataType::Int32, true), Field::new("b", DataType::Utf8, true)]);
        let columns: Vec<ArrayRef> =
            vec![Arc::new(Int32Array::from(vec![Some(1), None])), Arc::new(StringArray::from(vec![None, Some("q\"")]))];
        let structs = StructArray::new(fields, columns, None);
        assert_eq!(udf(&[]).encode(&structs, None).unwrap(), [Some(r#"{"a":1}"#.to_string()), Some(r#"{"b":"q\""}"#.to_string())]);
        let kept = udf(&[("ignoreNullFields", "false")]).encode(&structs, None).unwrap();
        assert_eq!(kept[0].as_deref(), Some(r#"{"a":1,"b":null}"#));
    }

    #[test]
    fn base64_pads() {
        assert_eq!(base64(&[1, 2]), "AQI=");
        assert_eq!(base64(b"abc"), "YWJj");
        assert_eq!(base64(b"a"), "YQ==");
    }
}
