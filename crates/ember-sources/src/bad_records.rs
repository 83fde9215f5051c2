//! Spark's handling of records that do not parse (`mode`,
//! `columnNameOfCorruptRecord`, and Databricks' `badRecordsPath`) and the
//! errors it raises for them.

use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, RecordBatch, RecordBatchOptions, StringArray};
use arrow::compute::filter_record_batch;
use arrow::datatypes::{DataType, Field, SchemaRef};
use ember_errors::{ErrorKind, SparkError};

use crate::bad_records_log::{self, BadRecord, BadRecordsLog};
use crate::options::Options;

/// The corrupt-record column's name unless `columnNameOfCorruptRecord` says
/// otherwise (`spark.sql.columnNameOfCorruptRecord`).
pub const DEFAULT_CORRUPT_COLUMN: &str = "_corrupt_record";

/// What a read does with a malformed record (`mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseMode {
    /// Keep the record: its bad fields become NULL and the corrupt-record
    /// column (when the schema has one) keeps the raw text. The default, also
    /// for unknown mode names, as Spark.
    Permissive,
    /// Leave the record out.
    DropMalformed,
    /// Fail the read.
    FailFast,
}

impl ParseMode {
    /// The `mode` option (any case).
    pub fn from_options(options: &Options) -> ParseMode {
        match options.get("mode").map(str::to_ascii_uppercase).as_deref() {
            Some("DROPMALFORMED") => ParseMode::DropMalformed,
            Some("FAILFAST") => ParseMode::FailFast,
            _ => ParseMode::Permissive,
        }
    }
}

/// How one read treats malformed records.
#[derive(Debug, Clone)]
pub struct BadRecords {
    /// The parse mode.
    pub mode: ParseMode,
    /// The name of the corrupt-record column.
    pub corrupt_column: String,
    /// Where bad records are written (`badRecordsPath`), set when the read is
    /// planned.
    pub log: Option<Arc<BadRecordsLog>>,
}

/// Checks that the corrupt-record column `field` is a string column, as
/// Spark requires.
pub(crate) fn check_corrupt_column(field: &Field) -> Result<(), SparkError> {
    if field.data_type() == &DataType::Utf8 {
        return Ok(());
    }
    let actual = format!("\"{}\"", ember_types::simple_string(field.data_type()).to_uppercase());
    Err(SparkError::new(
        ErrorKind::Analysis,
        "INVALID_CORRUPT_RECORD_TYPE",
        "42804",
        format!("The column `{}` for corrupt records must have the nullable STRING type, but got {actual}.", field.name()),
        &[("columnName", format!("`{}`", field.name())), ("actualType", actual)],
    ))
}

impl BadRecords {
    /// Reads `mode` and `columnNameOfCorruptRecord`; with `badRecordsPath`
    /// bad records are dropped whatever the mode (and written to the log
    /// once [`BadRecords::log`] is set).
    pub fn from_options(options: &Options) -> BadRecords {
        let logged = options.get(bad_records_log::OPTION).is_some_and(|p| !p.trim().is_empty());
        BadRecords {
            mode: if logged { ParseMode::DropMalformed } else { ParseMode::from_options(options) },
            corrupt_column: options.get("columnNameOfCorruptRecord").unwrap_or(DEFAULT_CORRUPT_COLUMN).to_string(),
            log: None,
        }
    }

    /// The index of the corrupt-record column in `schema`, checking that it
    /// is a string column as Spark requires.
    pub fn corrupt_index(&self, schema: &[Field]) -> Result<Option<usize>, SparkError> {
        let Some(index) = schema.iter().position(|f| f.name() == &self.corrupt_column) else { return Ok(None) };
        check_corrupt_column(&schema[index])?;
        Ok(Some(index))
    }

    /// Applies the mode to the parsed rows of `file`: `batch` holds the
    /// required columns, `malformed[i]` says why row `i` is bad (`None`: it is
    /// good) and `raw[i]` is its text; `corrupt` is the corrupt column's
    /// position in `batch`, if required. FAILFAST fails with
    /// `[FAILED_READ_FILE.NO_HINT]` naming the file.
    pub fn apply(
        &self,
        batch: RecordBatch,
        malformed: &[Option<String>],
        raw: &[&str],
        corrupt: Option<usize>,
        file: &str,
    ) -> Result<RecordBatch, SparkError> {
        if malformed.iter().all(Option::is_none) {
            return Ok(batch);
        }
        match self.mode {
            ParseMode::FailFast => Err(failed_read_file(file)),
            ParseMode::DropMalformed => {
                if let Some(log) = &self.log {
                    let records: Vec<BadRecord> = malformed
                        .iter()
                        .zip(raw)
                        .filter_map(|(reason, record)| Some(BadRecord { record, reason: reason.clone()? }))
                        .collect();
                    log.bad_records(file, &records)?;
                }
                let keep = BooleanArray::from(malformed.iter().map(Option::is_none).collect::<Vec<_>>());
                let rows = keep.true_count();
                if batch.num_columns() == 0 {
                    return Ok(empty_columns(batch.schema(), rows));
                }
                Ok(filter_record_batch(&batch, &keep)?)
            }
            ParseMode::Permissive => {
                let Some(index) = corrupt else { return Ok(batch) };
                let texts: StringArray =
                    malformed.iter().zip(raw).map(|(bad, text)| bad.is_some().then_some(*text)).collect();
                let mut columns: Vec<ArrayRef> = batch.columns().to_vec();
                columns[index] = Arc::new(texts);
                Ok(RecordBatch::try_new(batch.schema(), columns)?)
            }
        }
    }
}

/// Why a record whose `text` does not read as `field`'s type is malformed
/// (the reason `badRecordsPath` records).
pub fn unparsable_value(text: &str, field: &Field) -> String {
    let type_name = ember_types::simple_string(field.data_type()).to_uppercase();
    format!("Cannot parse the value '{text}' of the column `{}` as {type_name}", field.name())
}

/// A batch of `rows` rows without columns (a `count()`).
pub fn empty_columns(schema: SchemaRef, rows: usize) -> RecordBatch {
    let options = RecordBatchOptions::new().with_row_count(Some(rows));
    RecordBatch::try_new_with_options(schema, Vec::new(), &options).expect("a batch without columns")
}

/// `[FAILED_READ_FILE.NO_HINT]`: reading `path` failed (the error a FAILFAST
/// read and an unreadable file raise).
pub fn failed_read_file(path: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Internal,
        "FAILED_READ_FILE.NO_HINT",
        "KD001",
        format!("Encountered error while reading file {path}. "),
        &[("path", path.to_string())],
    )
}

/// `[FAILED_READ_FILE.FILE_NOT_EXIST]`: a listed file is gone.
pub fn file_not_exist(path: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Internal,
        "FAILED_READ_FILE.FILE_NOT_EXIST",
        "KD001",
        format!("Encountered error while reading file {path}. File does not exist. It is possible the underlying files have been updated. You can explicitly invalidate the cache in Spark by running 'REFRESH TABLE tableName' command in SQL or by recreating the Dataset/DataFrame involved."),
        &[("path", path.to_string())],
    )
}

/// `[MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION]`: a FAILFAST schema
/// inference met a malformed record.
pub fn malformed_record_in_parsing(corrupt_column: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Internal,
        "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
        "22023",
        format!("Malformed records are detected in record parsing: {corrupt_column}.\nParse Mode: FAILFAST. To process malformed records as null result, try setting the option 'mode' as 'PERMISSIVE'."),
        &[("failFastMode", "FAILFAST".to_string()), ("badRecord", corrupt_column.to_string())],
    )
}

/// `[MALFORMED_CSV_RECORD]`: a CSV record the parser cannot read at all
/// (more fields than `maxColumns`), whatever the mode.
pub fn malformed_csv_record(record: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Runtime,
        "MALFORMED_CSV_RECORD",
        "KD000",
        format!("Malformed CSV record: {record}"),
        &[("badRecord", record.to_string())],
    )
}

/// `[UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN]`: a query of raw
/// CSV/JSON files needs only the corrupt-record column.
pub fn query_only_corrupt_record_column() -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "UNSUPPORTED_FEATURE.QUERY_ONLY_CORRUPT_RECORD_COLUMN",
        "0A000",
        "The feature is not supported: Queries from raw JSON/CSV/XML files are disallowed when the\nreferenced columns only include the internal corrupt record column\n(named `_corrupt_record` by default). For example:\n`spark.read.schema(schema).json(file).filter($\"_corrupt_record\".isNotNull).count()`\nand `spark.read.schema(schema).json(file).select(\"_corrupt_record\").show()`.\nInstead, you can cache or save the parsed results and then send the same query.\nFor example, `val df = spark.read.schema(schema).json(file).cache()` and then\n`df.filter($\"_corrupt_record\".isNotNull).count()`.",
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, Int32Array};
    use arrow::datatypes::Schema;
    use std::sync::Arc;

    fn batch() -> RecordBatch {
        let schema = Schema::new(vec![Field::new("a", DataType::Int32, true), Field::new("c", DataType::Utf8, true)]);
        let columns: Vec<ArrayRef> =
            vec![Arc::new(Int32Array::from(vec![Some(1), None])), Arc::new(StringArray::from(vec![None::<&str>, None]))];
        RecordBatch::try_new(Arc::new(schema), columns).unwrap()
    }

    fn rules(mode: ParseMode) -> BadRecords {
        BadRecords { mode, corrupt_column: DEFAULT_CORRUPT_COLUMN.into(), log: None }
    }

    #[test]
    fn modes() {
        let bad = [None, Some("reason".to_string())];
        let raw = ["1", "x"];
        let kept = rules(ParseMode::Permissive).apply(batch(), &bad, &raw, Some(1), "f").unwrap();
        assert_eq!(kept.num_rows(), 2);
        assert_eq!(kept.column(1).as_any().downcast_ref::<StringArray>().unwrap().value(1), "x");
        assert!(kept.column(1).is_null(0));
        assert_eq!(rules(ParseMode::DropMalformed).apply(batch(), &bad, &raw, None, "f").unwrap().num_rows(), 1);
        let err = rules(ParseMode::FailFast).apply(batch(), &bad, &raw, None, "file:///f").unwrap_err();
        assert_eq!(err.parameters["path"], "file:///f");
        assert_eq!(rules(ParseMode::FailFast).apply(batch(), &[None, None], &raw, None, "f").unwrap().num_rows(), 2);
    }

    #[test]
    fn bad_records_path_drops_and_logs_whatever_the_mode() {
        let dir = tempfile::tempdir().unwrap();
        let pairs = [("mode".to_string(), "FAILFAST".to_string()), ("badRecordsPath".to_string(), dir.path().display().to_string())];
        let options = Options::new(pairs.iter().map(|(k, v)| (k, v)));
        let mut rules = BadRecords::from_options(&options);
        assert_eq!(rules.mode, ParseMode::DropMalformed);
        rules.log = BadRecordsLog::from_options(&options, &Options::default()).unwrap();
        let kept = rules.apply(batch(), &[None, Some("why".into())], &["1", "x"], None, "file:///f").unwrap();
        assert_eq!(kept.num_rows(), 1);
        let stamp = std::fs::read_dir(dir.path()).unwrap().next().unwrap().unwrap().path();
        let file = std::fs::read_dir(stamp.join("bad_records")).unwrap().next().unwrap().unwrap().path();
        assert_eq!(std::fs::read_to_string(file).unwrap(), "{\"path\":\"file:///f\",\"record\":\"x\",\"reason\":\"why\"}\n");
    }

    #[test]
    fn unknown_modes_are_permissive_and_corrupt_column_must_be_a_string() {
        let options = Options::new([("mode".to_string(), "bogus".to_string())].iter().map(|(k, v)| (k, v)));
        assert_eq!(ParseMode::from_options(&options), ParseMode::Permissive);
        let fields = [Field::new("_corrupt_record", DataType::Int32, true)];
        let err = rules(ParseMode::Permissive).corrupt_index(&fields).unwrap_err();
        assert_eq!(err.error_class, "INVALID_CORRUPT_RECORD_TYPE");
    }
}
