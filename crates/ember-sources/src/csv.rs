//! CSV: Spark's options, column naming and schema inference.
//!
//! Files are read by DataFusion's CSV reader as strings; the typed columns
//! come from Spark's casts on top (see [`crate::read`]), so a field that does
//! not parse becomes NULL as in Spark's PERMISSIVE mode.

use std::io::Read;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field};
use datafusion::datasource::file_format::csv::CsvFormat;
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use ember_errors::SparkError;
use ember_functions::cast::{parse_date, parse_timestamp_ntz};

use crate::{compression, errors};
use crate::options::Options;
use crate::paths::{InputFile, qualified};

/// Spark's CSV reading options that shape parsing.
#[derive(Debug, Clone)]
pub struct CsvReadOptions {
    /// `header`: the first line of each file names the columns.
    pub header: bool,
    /// `sep` / `delimiter`.
    pub delimiter: u8,
    /// `quote` (`\0` when disabled).
    pub quote: u8,
    /// `escape` (Spark's default is a backslash).
    pub escape: u8,
    /// `comment`: lines starting with it are skipped.
    pub comment: Option<u8>,
    /// `nullValue`: the text read as NULL (besides the empty field).
    pub null_value: String,
    /// `inferSchema`.
    pub infer_schema: bool,
    /// `multiLine`: quoted values may span lines.
    pub multi_line: bool,
    /// The codec of the input files.
    pub compression: FileCompressionType,
}

impl CsvReadOptions {
    /// Reads Spark's option names (case-insensitive).
    pub fn parse(options: &Options) -> Result<Self, SparkError> {
        let delimiter = match options.first_of(&["sep", "delimiter"]) {
            Some(_) if options.get("sep").is_some() => options.byte("sep", b',')?,
            Some(_) => options.byte("delimiter", b',')?,
            None => b',',
        };
        let comment = options.byte("comment", 0)?;
        Ok(CsvReadOptions {
            header: options.bool("header", false)?,
            delimiter,
            quote: options.byte("quote", b'"')?,
            escape: options.byte("escape", b'\\')?,
            comment: (comment != 0).then_some(comment),
            null_value: options.get("nullValue").unwrap_or("").to_string(),
            infer_schema: options.bool("inferSchema", false)?,
            multi_line: options.bool("multiLine", false)?,
            compression: FileCompressionType::UNCOMPRESSED,
        })
    }

    /// DataFusion's CSV format for these options (every column read as text;
    /// `nullValue` is applied by the reader's projection).
    pub fn format(&self) -> CsvFormat {
        CsvFormat::default()
            .with_has_header(self.header)
            .with_delimiter(self.delimiter)
            .with_quote(self.quote)
            .with_escape(Some(self.escape))
            .with_comment(self.comment)
            .with_newlines_in_values(self.multi_line)
            .with_truncated_rows(true)
            .with_file_compression_type(self.compression)
    }

    fn reader(&self, input: Box<dyn Read>) -> ::csv::Reader<Box<dyn Read>> {
        ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(self.delimiter)
            .quote(self.quote)
            .quoting(self.quote != 0)
            .escape(Some(self.escape))
            .double_quote(true)
            .comment(self.comment)
            .from_reader(input)
    }
}

/// The schema Spark gives a CSV read without a user schema: the header's
/// names (or `_c0`, `_c1`, ...) from the first file, typed by inference when
/// `inferSchema` is set and as strings otherwise. Every column is nullable.
pub fn infer_schema(files: &[InputFile], options: &CsvReadOptions) -> Result<Vec<Field>, SparkError> {
    let Some(first) = files.first() else { return Err(errors::unable_to_infer_schema("CSV")) };
    let names = first_record(first, options)?
        .map(|record| {
            record
                .iter()
                .enumerate()
                .map(|(i, name)| if options.header && !name.is_empty() { name.to_string() } else { format!("_c{i}") })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let types = if options.infer_schema {
        let mut inferred = vec![Inferred::Null; names.len()];
        for file in files {
            infer_file(file, options, &mut inferred)?;
        }
        inferred.into_iter().map(Inferred::data_type).collect()
    } else {
        vec![DataType::Utf8; names.len()]
    };
    Ok(names.into_iter().zip(types).map(|(name, t)| Field::new(name, t, true)).collect())
}

fn first_record(file: &InputFile, options: &CsvReadOptions) -> Result<Option<::csv::StringRecord>, SparkError> {
    let mut reader = options.reader(compression::open(&file.path)?);
    match reader.records().next() {
        Some(record) => Ok(Some(record.map_err(|e| errors::io(&qualified(&file.path), e))?)),
        None => Ok(None),
    }
}

fn infer_file(file: &InputFile, options: &CsvReadOptions, inferred: &mut [Inferred]) -> Result<(), SparkError> {
    let mut reader = options.reader(compression::open(&file.path)?);
    for (index, record) in reader.records().enumerate() {
        let record = record.map_err(|e| errors::io(&qualified(&file.path), e))?;
        if index == 0 && options.header {
            continue;
        }
        for (slot, value) in inferred.iter_mut().zip(record.iter()) {
            if value.is_empty() || value == options.null_value {
                continue;
            }
            *slot = slot.merge(Inferred::of(value));
        }
    }
    Ok(())
}

/// A column type during Spark's CSV inference, in its widening order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Inferred {
    Null,
    Int,
    Long,
    /// Decimal(precision, 0): integers too wide for a bigint.
    Decimal(u8),
    Double,
    Date,
    Timestamp,
    Boolean,
    String,
}

impl Inferred {
    /// The narrowest type in Spark's order that parses `value`.
    pub(crate) fn of(value: &str) -> Inferred {
        if value.parse::<i32>().is_ok() {
            Inferred::Int
        } else if value.parse::<i64>().is_ok() {
            Inferred::Long
        } else if let Some(precision) = integral_decimal_precision(value) {
            Inferred::Decimal(precision)
        } else if is_java_double(value) {
            Inferred::Double
        } else if is_iso_date(value) {
            Inferred::Date
        } else if parse_timestamp_ntz(value).is_some() {
            Inferred::Timestamp
        } else if value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false") {
            Inferred::Boolean
        } else {
            Inferred::String
        }
    }

    /// Spark's `findCompatibleTypeForCSV`.
    pub(crate) fn merge(self, other: Inferred) -> Inferred {
        use Inferred::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Null, x) | (x, Null) => x,
            (Int, Long) | (Long, Int) => Long,
            (Decimal(p), Int | Long) | (Int | Long, Decimal(p)) => Decimal(p.max(20)),
            (Decimal(p), Decimal(q)) => Decimal(p.max(q)),
            (Int | Long | Decimal(_), Double) | (Double, Int | Long | Decimal(_)) => Double,
            (Date, Timestamp) | (Timestamp, Date) => Timestamp,
            _ => String,
        }
    }

    pub(crate) fn data_type(self) -> DataType {
        match self {
            Inferred::Null | Inferred::String => DataType::Utf8,
            Inferred::Int => DataType::Int32,
            Inferred::Long => DataType::Int64,
            Inferred::Decimal(p) => DataType::Decimal128(p, 0),
            Inferred::Double => DataType::Float64,
            Inferred::Date => DataType::Date32,
            // Rewritten to the session's time zone by the reader.
            Inferred::Timestamp => DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, Some(Arc::from("UTC"))),
            Inferred::Boolean => DataType::Boolean,
        }
    }
}

/// The precision of an integer that fits a DECIMAL(38, 0) but not a bigint.
fn integral_decimal_precision(value: &str) -> Option<u8> {
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let significant = digits.trim_start_matches('0').len().max(1);
    (significant <= 38).then_some(significant as u8)
}

/// Whether Java's `Double.parseDouble` accepts `value` (Spark's test).
fn is_java_double(value: &str) -> bool {
    let body = value.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(value);
    let unsigned = body.strip_prefix(['-', '+']).unwrap_or(body);
    if unsigned == "NaN" || unsigned == "Infinity" {
        return true;
    }
    unsigned.bytes().any(|b| b.is_ascii_digit())
        && unsigned.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && body.parse::<f64>().is_ok()
}

/// Spark's default `dateFormat` for inference, `yyyy-MM-dd`.
fn is_iso_date(value: &str) -> bool {
    let bytes = value.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes.iter().enumerate().all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
        && parse_date(value).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn infer(values: &[&str]) -> DataType {
        values.iter().fold(Inferred::Null, |acc, v| acc.merge(Inferred::of(v))).data_type()
    }

    #[test]
    fn infers_spark_types() {
        assert_eq!(infer(&["1", "2"]), DataType::Int32);
        assert_eq!(infer(&["1", "12345678901"]), DataType::Int64);
        assert_eq!(infer(&["12345678901234567890"]), DataType::Decimal128(20, 0));
        assert_eq!(infer(&["1", "12345678901234567890"]), DataType::Decimal128(20, 0));
        assert_eq!(infer(&["1.5", "2"]), DataType::Float64);
        assert_eq!(infer(&["2020-01-02"]), DataType::Date32);
        assert!(matches!(infer(&["2020-01-02", "2020-01-01 10:00:00"]), DataType::Timestamp(..)));
        assert_eq!(infer(&["true", "FALSE"]), DataType::Boolean);
        assert_eq!(infer(&["1", "x"]), DataType::Utf8);
        assert_eq!(infer(&["inf"]), DataType::Utf8);
        assert_eq!(infer(&[]), DataType::Utf8);
    }

    #[test]
    fn names_from_header_or_positions() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv");
        std::fs::write(&path, "a,b\n1,x\n").unwrap();
        let file = InputFile { path: path.clone(), size: 8, root: path };
        let mut options = CsvReadOptions::parse(&Options::default()).unwrap();
        let names = |fields: Vec<Field>| fields.iter().map(|f| f.name().clone()).collect::<Vec<_>>();
        assert_eq!(names(infer_schema(std::slice::from_ref(&file), &options).unwrap()), ["_c0", "_c1"]);
        options.header = true;
        options.infer_schema = true;
        let fields = infer_schema(std::slice::from_ref(&file), &options).unwrap();
        assert_eq!(names(fields.clone()), ["a", "b"]);
        assert_eq!(fields[0].data_type(), &DataType::Int32);
        assert!(fields.iter().all(|f| f.is_nullable()));
    }
}
