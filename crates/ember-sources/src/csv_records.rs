//! CSV files as rows: each required column parsed from its field, bad
//! records handled by the read's mode (see [`crate::bad_records`]).

use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions, new_null_array};
use arrow::datatypes::SchemaRef;
use ember_errors::SparkError;

use crate::bad_records;
use crate::csv::CsvReadOptions;
use crate::csv_syntax::UnescapedQuotes;
use crate::record_scan::RecordFormat;

/// The CSV record format of one read.
#[derive(Debug)]
pub struct CsvRecords {
    /// The read's options.
    pub options: CsvReadOptions,
    /// The corrupt-record column's index in the table schema, if any.
    pub corrupt_column: Option<usize>,
}

impl RecordFormat for CsvRecords {
    fn name(&self) -> &'static str {
        "csv"
    }

    fn line_delimited(&self) -> bool {
        !self.options.syntax.multi_line && self.options.syntax.line_sep.is_none()
    }

    fn parse_continuation(&self, text: &str, schema: &SchemaRef, required: &[usize], file: &str) -> Result<RecordBatch, SparkError> {
        let options = CsvReadOptions { header: false, ..self.options.clone() };
        CsvRecords { options, corrupt_column: self.corrupt_column }.parse(text, schema, required, file)
    }

    fn parse(&self, text: &str, schema: &SchemaRef, required: &[usize], file: &str) -> Result<RecordBatch, SparkError> {
        let (header, records) = self.options.header_and_records(text)?;
        if self.options.syntax.unescaped_quotes == UnescapedQuotes::RaiseError && records.iter().any(|r| r.unescaped_quote) {
            return Err(bad_records::failed_read_file(file));
        }
        // Fields map to the schema's columns other than the corrupt-record column.
        let field_of = |column: usize| column - usize::from(self.corrupt_column.is_some_and(|c| c < column));
        let data_columns = schema.fields().len() - usize::from(self.corrupt_column.is_some());
        let required_data = required.iter().filter(|c| Some(**c) != self.corrupt_column).count();
        if let Some(header) = header.filter(|_| !self.options.enforce_schema && required_data == data_columns) {
            self.check_header(&header.fields, schema, file)?;
        }
        // Spark checks the field count only when no column is pruned.
        let mut malformed: Vec<Option<String>> = if required_data == data_columns {
            records.iter().map(|r| (r.fields.len() != data_columns).then(|| wrong_arity(r.fields.len(), data_columns))).collect()
        } else {
            vec![None; records.len()]
        };
        let mut columns: Vec<ArrayRef> = Vec::with_capacity(required.len());
        let mut corrupt_position = None;
        for (position, &column) in required.iter().enumerate() {
            let field = schema.field(column);
            if Some(column) == self.corrupt_column {
                corrupt_position = Some(position);
                columns.push(new_null_array(field.data_type(), records.len()));
                continue;
            }
            let index = field_of(column);
            let texts: Vec<Option<&str>> =
                records.iter().map(|r| self.options.resolve(r.fields.get(index).and_then(Option::as_ref))).collect();
            let parsed = self.options.parse_values(&texts, field.data_type())?;
            for ((bad, field_bad), text) in malformed.iter_mut().zip(parsed.malformed).zip(&texts) {
                if field_bad && bad.is_none() {
                    *bad = Some(bad_records::unparsable_value(text.unwrap_or_default(), field));
                }
            }
            columns.push(parsed.array);
        }
        let projected = Arc::new(schema.project(required)?);
        let row_count = RecordBatchOptions::new().with_row_count(Some(records.len()));
        let batch = RecordBatch::try_new_with_options(projected, columns, &row_count)?;
        let raw: Vec<&str> = records.iter().map(|r| r.raw).collect();
        self.options.bad_records.apply(batch, &malformed, &raw, corrupt_position, file)
    }
}

/// Why a record with `found` fields is malformed where `expected` are read.
fn wrong_arity(found: usize, expected: usize) -> String {
    format!("Malformed CSV record: {found} fields where the schema has {expected}")
}

impl CsvRecords {
    /// `enforceSchema=false`: the header must name the schema's columns in
    /// order (any case), else the read fails as Spark's, naming the file.
    fn check_header(&self, header: &[Option<String>], schema: &SchemaRef, file: &str) -> Result<(), SparkError> {
        let names: Vec<&str> = schema
            .fields()
            .iter()
            .enumerate()
            .filter(|(i, _)| Some(*i) != self.corrupt_column)
            .map(|(_, f)| f.name().as_str())
            .collect();
        let found: Vec<&str> = header.iter().map(|n| n.as_deref().unwrap_or("")).collect();
        let problem = if found.len() != names.len() {
            Some(format!(
                "Number of column in CSV header is not equal to number of fields in the schema:\n Header length: {}, schema size: {}",
                found.len(),
                names.len()
            ))
        } else {
            names
                .iter()
                .zip(&found)
                .find(|(name, header)| !name.eq_ignore_ascii_case(header))
                .map(|(name, header)| format!("Expected: {name} but found: {header}"))
        };
        let Some(problem) = problem else { return Ok(()) };
        let mut err = bad_records::failed_read_file(file);
        err.message.push_str(&format!(
            "CSV header does not conform to the schema.\n Header: {}\n Schema: {}\n{problem}\nCSV file: {file}",
            found.join(", "),
            names.join(", ")
        ));
        Err(err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Options;
    use arrow::datatypes::{DataType, Field, Schema};

    fn read(mode: &str, required: &[usize]) -> Result<RecordBatch, SparkError> {
        let pairs = [("mode".to_string(), mode.to_string())];
        let options = CsvReadOptions::parse(&Options::new(pairs.iter().map(|(k, v)| (k, v)))).unwrap();
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int32, true),
            Field::new("_corrupt_record", DataType::Utf8, true),
            Field::new("name", DataType::Utf8, true),
        ]));
        let records = CsvRecords { options, corrupt_column: Some(1) };
        records.parse("1,a\nx,b\n3\n", &schema, required, "file:///a.csv")
    }

    #[test]
    fn permissive_keeps_the_raw_record() {
        let batch = read("PERMISSIVE", &[0, 1, 2]).unwrap();
        assert_eq!(batch.num_rows(), 3);
        let corrupt = batch.column(1).as_any().downcast_ref::<arrow::array::StringArray>().unwrap();
        assert_eq!(corrupt.iter().collect::<Vec<_>>(), [None, Some("x,b"), Some("3")]);
    }

    #[test]
    fn drop_malformed_checks_only_what_is_read() {
        assert_eq!(read("DROPMALFORMED", &[0, 2]).unwrap().num_rows(), 1);
        assert_eq!(read("DROPMALFORMED", &[2]).unwrap().num_rows(), 3);
        assert_eq!(read("DROPMALFORMED", &[]).unwrap().num_rows(), 3);
    }

    #[test]
    fn header_checked_against_the_schema_without_enforce_schema() {
        let pairs = [("header".to_string(), "true".to_string()), ("enforceSchema".to_string(), "false".to_string())];
        let options = CsvReadOptions::parse(&Options::new(pairs.iter().map(|(k, v)| (k, v)))).unwrap();
        let schema = Arc::new(Schema::new(vec![Field::new("B", DataType::Int32, true), Field::new("a", DataType::Int32, true)]));
        let records = CsvRecords { options, corrupt_column: None };
        assert_eq!(records.parse("b,A\n1,2\n", &schema, &[0, 1], "f").unwrap().num_rows(), 1);
        let err = records.parse("a,b\n1,2\n", &schema, &[0, 1], "f").unwrap_err();
        assert_eq!(err.error_class, "FAILED_READ_FILE.NO_HINT");
        assert!(err.message.contains("Expected: B but found: a"), "{}", err.message);
        assert!(records.parse("a,b\n1,2\n", &schema, &[1], "f").is_ok());
    }

    #[test]
    fn fail_fast_names_the_file() {
        let err = read("FAILFAST", &[0]).unwrap_err();
        assert_eq!(err.error_class, "FAILED_READ_FILE.NO_HINT");
        assert_eq!(err.parameters["path"], "file:///a.csv");
    }
}
