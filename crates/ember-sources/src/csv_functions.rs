//! Spark's CSV column functions built on the CSV reader: `from_csv` (one
//! record per row read as a struct) and `schema_of_csv`.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StructArray};
use arrow::buffer::NullBuffer;
use arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_errors::{ErrorKind, SparkError};

use crate::bad_records::ParseMode;
use crate::csv::{CsvReadOptions, Inferred};
use crate::csv_syntax;
use crate::json_functions::OptionPairs;
use crate::options::Options;

/// `from_csv(csv, schema, options)`: each row's text read as one CSV record
/// of `schema`'s fields.
#[derive(Debug)]
pub struct FromCsv {
    fields: Fields,
    pairs: OptionPairs,
    options: CsvReadOptions,
    signature: Signature,
}

impl PartialEq for FromCsv {
    fn eq(&self, other: &Self) -> bool {
        self.fields == other.fields && self.pairs == other.pairs
    }
}

impl Eq for FromCsv {}

impl Hash for FromCsv {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.fields.hash(state);
        self.pairs.hash(state);
    }
}

impl FromCsv {
    /// The call `from_csv(csv)`; the schema must be a struct.
    pub fn call(csv: Expr, schema: DataType, pairs: OptionPairs) -> Result<Expr, SparkError> {
        let fields = struct_fields(schema)?;
        let options = CsvReadOptions::parse(&Options::new(pairs.iter().map(|(k, v)| (k, v))))?;
        let udf = FromCsv { fields, pairs, options, signature: Signature::any(1, Volatility::Immutable) };
        Ok(ScalarUDF::new_from_impl(udf).call(vec![datafusion::logical_expr::cast(csv, DataType::Utf8)]))
    }
}

impl ScalarUDFImpl for FromCsv {
    fn name(&self) -> &str {
        "from_csv"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Struct(self.fields.clone()))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let array = args.args[0].to_array(args.number_rows)?;
        let Some(texts) = array.as_string_opt::<i32>() else { return exec_err!("from_csv expects a string") };
        let records: Vec<Vec<Option<String>>> = texts
            .iter()
            .map(|text| match text {
                Some(text) => csv_syntax::records(text, &self.options.syntax).into_iter().next().map(|r| r.fields).unwrap_or_default(),
                None => Vec::new(),
            })
            .collect();
        let mut malformed = vec![false; records.len()];
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(self.fields.len());
        for (index, field) in self.fields.iter().enumerate() {
            let column: Vec<Option<&str>> = records.iter().map(|r| self.options.resolve(r.get(index).and_then(Option::as_ref))).collect();
            let parsed = self.options.parse_values(&column, field.data_type()).map_err(SparkError::into_datafusion)?;
            malformed.iter_mut().zip(&parsed.malformed).for_each(|(row, bad)| *row |= bad);
            columns.push(parsed.array);
        }
        if self.options.bad_records.mode == ParseMode::FailFast && malformed.contains(&true) {
            return Err(crate::bad_records::malformed_record_in_parsing(&self.options.bad_records.corrupt_column).into_datafusion());
        }
        let nulls = NullBuffer::from(texts.iter().map(|t| t.is_some()).collect::<Vec<_>>());
        let structs = if self.fields.is_empty() {
            StructArray::new_empty_fields(texts.len(), Some(nulls))
        } else {
            StructArray::try_new(self.fields.clone(), columns, Some(nulls))?
        };
        Ok(ColumnarValue::Array(Arc::new(structs)))
    }
}

/// The fields of a `from_csv`/`from_xml` schema, which must be a struct
/// (`INVALID_SCHEMA.NON_STRUCT_TYPE` otherwise).
pub(crate) fn struct_fields(schema: DataType) -> Result<Fields, SparkError> {
    let DataType::Struct(fields) = schema else {
        let rendered = ember_types::display::sql_string(&schema);
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "INVALID_SCHEMA.NON_STRUCT_TYPE",
            "42K07",
            format!("The input schema \"{rendered}\" is not a valid schema string. The input expression must be a struct type, but got \"{rendered}\"."),
            &[("inputSchema", format!("\"{rendered}\"")), ("dataType", format!("\"{rendered}\""))],
        ));
    };
    Ok(fields)
}

/// `schema_of_csv(csv, options)` of a constant record: `STRUCT<_c0: INT, ...>`.
pub fn schema_of_csv(csv: &str, pairs: &OptionPairs) -> Result<String, SparkError> {
    let options = CsvReadOptions::parse(&Options::new(pairs.iter().map(|(k, v)| (k, v))))?;
    options.datetimes.check_timestamp_pattern()?;
    let record = csv_syntax::records(csv, &options.syntax).into_iter().next().map(|r| r.fields).unwrap_or_default();
    let fields: Fields = record
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let inferred = options.resolve(text.as_ref()).map_or(Inferred::Null, |value| Inferred::for_read(value, &options));
            Field::new(format!("_c{i}"), inferred.data_type(), true)
        })
        .collect();
    Ok(ember_types::display::sql_string(&DataType::Struct(fields)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_of_csv_infers_each_field() {
        assert_eq!(
            schema_of_csv("1,abc,2.5,true,2024-01-01", &vec![]).unwrap(),
            "STRUCT<_c0: INT, _c1: STRING, _c2: DOUBLE, _c3: BOOLEAN, _c4: DATE>"
        );
        let pipe = vec![("sep".to_string(), "|".to_string())];
        assert_eq!(schema_of_csv("1|x", &pipe).unwrap(), "STRUCT<_c0: INT, _c1: STRING>");
        assert_eq!(schema_of_csv("2024-01-01 03:04:05,12345678901,", &vec![]).unwrap(), "STRUCT<_c0: TIMESTAMP, _c1: BIGINT, _c2: STRING>");
    }
}
