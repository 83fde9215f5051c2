//! Spark's `to_csv`: a struct value written as one CSV record: fields joined
//! by `sep` (default `,`), NULL as an empty field, text quoted when it holds
//! the separator, a quote, a line break or nothing, quotes escaped with a
//! backslash; timestamps and dates as `to_json` writes them.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use arrow::datatypes::{DataType, Int64Type, TimeUnit, TimestampMicrosecondType};
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_errors::{ErrorKind, SparkError};

use crate::display::cast_strings;
use crate::to_json::{TIMESTAMP_FORMAT, TIMESTAMP_NTZ_FORMAT, base64, format_micros};

/// The options `to_csv` honours.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ToCsvOptions {
    /// `sep` / `delimiter`.
    pub separator: String,
    /// `nullValue`.
    pub null_value: String,
    /// `dateFormat`.
    pub date_format: String,
    /// `timestampFormat`.
    pub timestamp_format: String,
}

impl ToCsvOptions {
    /// Reads Spark's option names (case-insensitive keys).
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let get = |key: &str| pairs.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.clone());
        ToCsvOptions {
            separator: get("sep").or_else(|| get("delimiter")).map_or(",".to_string(), |s| s.replace("\\t", "\t")),
            null_value: get("nullValue").unwrap_or_default(),
            date_format: get("dateFormat").unwrap_or_else(|| "yyyy-MM-dd".to_string()),
            timestamp_format: get("timestampFormat").unwrap_or_else(|| TIMESTAMP_FORMAT.to_string()),
        }
    }
}

/// The `to_csv` function.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ToCsv {
    options: ToCsvOptions,
    time_zone: String,
    signature: Signature,
}

impl ToCsv {
    /// The call `to_csv(value)`; `value_type` must be a struct.
    pub fn call(value: Expr, value_type: &DataType, options: ToCsvOptions, time_zone: &str) -> Result<Expr, SparkError> {
        if !matches!(value_type, DataType::Struct(_)) {
            let rendered = ember_types::display::sql_string(value_type);
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                "42K09",
                format!("Cannot resolve \"to_csv\" due to data type mismatch: The first parameter requires the \"STRUCT\" type, however it has the type \"{rendered}\"."),
                &[("sqlExpr", "\"to_csv\"".to_string()), ("paramIndex", "first".to_string()), ("requiredType", "\"STRUCT\"".to_string()), ("inputType", format!("\"{rendered}\""))],
            ));
        }
        Ok(ScalarUDF::new_from_impl(ToCsv::new(options, time_zone)).call(vec![value]))
    }

    /// The writer of `options` in the session's `time_zone`.
    pub(crate) fn new(options: ToCsvOptions, time_zone: &str) -> ToCsv {
        ToCsv { options, time_zone: time_zone.to_string(), signature: Signature::any(1, Volatility::Immutable) }
    }

    /// One field column as CSV field texts (`None` for NULL).
    pub(crate) fn field_texts(&self, array: &dyn Array) -> Result<Vec<Option<String>>> {
        let strings = |array: &dyn Array| cast_strings(array).map_err(|e| DataFusionError::Execution(e.to_string()));
        Ok(match array.data_type() {
            DataType::Date32 => {
                let micros = arrow::compute::cast(&arrow::compute::cast(array, &DataType::Timestamp(TimeUnit::Microsecond, None))?, &DataType::Int64)?;
                format_micros(micros.as_primitive::<Int64Type>().iter().collect(), &self.options.date_format, &self.time_zone, true)?
            }
            DataType::Timestamp(TimeUnit::Microsecond, zone) => {
                let micros = array.as_primitive::<TimestampMicrosecondType>().iter().collect();
                match zone {
                    Some(_) => format_micros(micros, &self.options.timestamp_format, &self.time_zone, false)?,
                    None => format_micros(micros, TIMESTAMP_NTZ_FORMAT, &self.time_zone, true)?,
                }
            }
            DataType::Binary | DataType::LargeBinary | DataType::BinaryView => {
                let cast = arrow::compute::cast(array, &DataType::Binary)?;
                cast.as_binary::<i32>().iter().map(|b| b.map(base64)).collect()
            }
            _ => strings(array)?,
        })
    }

    /// A field's text, quoted when Spark's CSV writer quotes it.
    fn quoted(&self, text: &str) -> String {
        let needs_quotes = text.is_empty() || text.contains(['"', '\n', '\r']) || text.contains(self.options.separator.as_str());
        if needs_quotes { format!("\"{}\"", text.replace('"', "\\\"")) } else { text.to_string() }
    }
}

impl ScalarUDFImpl for ToCsv {
    fn name(&self) -> &str {
        "to_csv"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let array = args.args[0].to_array(args.number_rows)?;
        let structs = array.as_struct();
        let columns = structs.columns().iter().map(|c| self.field_texts(c.as_ref())).collect::<Result<Vec<_>>>()?;
        let records: StringArray = (0..structs.len())
            .map(|row| {
                structs.is_valid(row).then(|| {
                    let fields: Vec<String> = columns
                        .iter()
                        .map(|c| c[row].as_deref().map_or_else(|| self.options.null_value.clone(), |t| self.quoted(t)))
                        .collect();
                    fields.join(&self.options.separator)
                })
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(records) as ArrayRef))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_fields_that_need_it() {
        let udf = ToCsv { options: ToCsvOptions::from_pairs(&[]), time_zone: "UTC".into(), signature: Signature::any(1, Volatility::Immutable) };
        assert_eq!(udf.quoted("x,y"), "\"x,y\"");
        assert_eq!(udf.quoted(""), "\"\"");
        assert_eq!(udf.quoted("q\"q"), "\"q\\\"q\"");
        assert_eq!(udf.quoted("plain"), "plain");
    }
}
