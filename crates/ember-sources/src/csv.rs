//! CSV: Spark's options, column naming and schema inference.
//!
//! Records are split by [`crate::csv_syntax`] and typed by
//! [`crate::csv_records`] when the query runs.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field};
use ember_errors::SparkError;
use ember_functions::cast::{parse_date, parse_timestamp_ntz};

use crate::number_locale::NumberLocale;
use crate::bad_records::{self, BadRecords, ParseMode};
use crate::errors;
use crate::line_sample::{self, LineSampling};
use crate::csv_syntax::{self, CsvSyntax, Record, UnescapedQuotes};
use crate::csv_values::{parse_column, FloatSpellings, ParsedColumn};
use crate::datetime_values::DatetimeFormats;
use crate::options::Options;
use crate::paths::InputFile;
use crate::text_encoding::Charset;

/// Spark's CSV reading options.
#[derive(Debug, Clone)]
pub struct CsvReadOptions {
    /// How records and fields are delimited and quoted.
    pub syntax: CsvSyntax,
    /// `header`: the first line of each file names the columns.
    pub header: bool,
    /// `nullValue`: the text read as NULL.
    pub null_value: String,
    /// `emptyValue`: what a quoted empty field reads as.
    pub empty_value: String,
    /// `nanValue`, `positiveInf`, `negativeInf`.
    pub floats: FloatSpellings,
    /// `inferSchema`.
    pub infer_schema: bool,
    /// `preferDate`: inference tries dates before timestamps (default on).
    pub prefer_date: bool,
    /// `mode` and `columnNameOfCorruptRecord`.
    pub bad_records: BadRecords,
    /// `encoding` / `charset`.
    pub charset: Charset,
    /// `dateFormat`, `timestampFormat`, `timeZone`.
    pub datetimes: DatetimeFormats,
    /// `enforceSchema`: `false` checks each file's header against the schema.
    pub enforce_schema: bool,
    /// `maxColumns`: a record with more fields is malformed (default 20480).
    pub max_columns: usize,
}

impl CsvReadOptions {
    /// Reads Spark's option names (case-insensitive).
    pub fn parse(options: &Options) -> Result<Self, SparkError> {
        let delimiter = match options.first_of(&["sep", "delimiter"]) {
            None => ",".to_string(),
            Some(_) => {
                let key = if options.get("sep").is_some() { "sep" } else { "delimiter" };
                options.text_char(key)?
            }
        };
        let escape = options.byte("escape", b'\\')?;
        let quote = options.byte("quote", b'"')?;
        let optional = |b: u8| (b != 0).then_some(b as char);
        let escape_escape = options.escape_escape(quote, escape)?.map(char::from);
        let syntax = CsvSyntax {
            delimiter,
            quote: optional(quote),
            escape: optional(escape),
            escape_escape,
            comment: optional(options.byte("comment", 0)?),
            trim_leading: options.bool("ignoreLeadingWhiteSpace", false)?,
            trim_trailing: options.bool("ignoreTrailingWhiteSpace", false)?,
            multi_line: options.bool("multiLine", false)?,
            line_sep: options.get("lineSep").filter(|s| !s.is_empty()).map(str::to_string),
            unescaped_quotes: UnescapedQuotes::parse(options.get("unescapedQuoteHandling"))?,
        };
        let defaults = FloatSpellings::default();
        Ok(CsvReadOptions {
            datetimes: DatetimeFormats::parse(options)?,
            syntax,
            header: options.bool("header", false)?,
            null_value: options.get("nullValue").unwrap_or("").to_string(),
            empty_value: options.get("emptyValue").unwrap_or("").to_string(),
            floats: FloatSpellings {
                nan: options.get("nanValue").map_or(defaults.nan, str::to_string),
                positive_inf: options.get("positiveInf").map_or(defaults.positive_inf, str::to_string),
                negative_inf: options.get("negativeInf").map_or(defaults.negative_inf, str::to_string),
                locale: options.get("locale").map_or_else(NumberLocale::default, NumberLocale::from_tag),
            },
            infer_schema: options.bool("inferSchema", false)?,
            prefer_date: options.bool("preferDate", true)?,
            bad_records: BadRecords::from_options(options),
            charset: Charset::from_name(options.first_of(&["encoding", "charset"]).unwrap_or("UTF-8"))?,
            enforce_schema: options.bool("enforceSchema", true)?,
            max_columns: max_columns(options)?,
        })
    }

    /// A field's text after `emptyValue` and `nullValue` (`None` is NULL).
    pub fn resolve<'a>(&'a self, field: Option<&'a String>) -> Option<&'a str> {
        let text = match field {
            None => return None,
            Some(text) if text.is_empty() => self.empty_value.as_str(),
            Some(text) => text.as_str(),
        };
        (text != self.null_value).then_some(text)
    }

    /// Fields' texts (after [`Self::resolve`]) as `data_type`: dates and
    /// timestamps by `dateFormat`/`timestampFormat` when set, else as Spark's
    /// CSV reader parses each type.
    pub fn parse_values(&self, texts: &[Option<&str>], data_type: &DataType) -> Result<ParsedColumn, SparkError> {
        match self.datetimes.parse_column(texts, data_type)? {
            Some(parsed) => Ok(parsed),
            None => parse_column(texts, data_type, &self.floats),
        }
    }

    /// The records of one file (its header left out when `header` is set).
    pub fn file_records<'a>(&self, text: &'a str) -> Result<Vec<Record<'a>>, SparkError> {
        Ok(self.header_and_records(text)?.1)
    }

    /// The header of one file (when `header` is set) and its other records.
    pub fn header_and_records<'a>(&self, text: &'a str) -> Result<(Option<Record<'a>>, Vec<Record<'a>>), SparkError> {
        let mut records = self.records(text)?;
        let header = (self.header && !records.is_empty()).then(|| records.remove(0));
        Ok((header, records))
    }

    /// The records of `text`; one with more than `maxColumns` fields fails
    /// the read as Spark's parser fails it.
    pub fn records<'a>(&self, text: &'a str) -> Result<Vec<Record<'a>>, SparkError> {
        let records = csv_syntax::records(text, &self.syntax);
        match records.iter().find(|record| record.fields.len() > self.max_columns) {
            Some(wide) => Err(bad_records::malformed_csv_record(wide.raw.trim_end_matches(['\r', '\n']))),
            None => Ok(records),
        }
    }
}

/// The schema Spark gives a CSV read without a user schema: the header's
/// names (or `_c0`, `_c1`, ...) from the first file, typed by inference when
/// `inferSchema` is set and as strings otherwise. Every column is nullable.
/// With `sampling`, types come from Spark's sample of the lines.
pub fn infer_schema(files: &[InputFile], options: &CsvReadOptions, sampling: Option<&LineSampling>) -> Result<Vec<Field>, SparkError> {
    let Some(first) = files.first() else { return Err(errors::unable_to_infer_schema("CSV")) };
    let names = first_record(first, options)?
        .map(|record| {
            record
                .iter()
                .enumerate()
                .map(|(i, name)| match name {
                    Some(name) if options.header && !name.is_empty() => name.clone(),
                    _ => format!("_c{i}"),
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let types = if options.infer_schema {
        options.datetimes.check_timestamp_pattern()?;
        let mut inferred = vec![Inferred::Null; names.len()];
        let texts = files.iter().map(|file| file_text(file, options)).collect::<Result<Vec<_>, _>>()?;
        // multiLine records span lines; Spark samples those records, not lines: no sampling here.
        let kept = sampling.filter(|_| !options.syntax.multi_line).map(|s| s.draw(files, &texts));
        for (index, text) in texts.iter().enumerate() {
            let keeps = |line: usize| kept.as_ref().is_none_or(|kept| kept[index].get(line).copied().unwrap_or(false));
            infer_text(text, options, &mut inferred, keeps)?;
        }
        inferred.into_iter().map(Inferred::data_type).collect()
    } else {
        vec![DataType::Utf8; names.len()]
    };
    Ok(names.into_iter().zip(types).map(|(name, t)| Field::new(name, t, true)).collect())
}

fn file_text(file: &InputFile, options: &CsvReadOptions) -> Result<String, SparkError> {
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut crate::compression::open(&file.path)?, &mut bytes)
        .map_err(|e| crate::errors::io(&crate::paths::qualified(&file.path), e))?;
    Ok(options.charset.decode(&bytes))
}

fn first_record(file: &InputFile, options: &CsvReadOptions) -> Result<Option<Vec<Option<String>>>, SparkError> {
    let text = file_text(file, options)?;
    Ok(options.records(&text)?.into_iter().next().map(|r| r.fields))
}

/// Widens `inferred` by the records of one file's text that start on a
/// line `keeps` keeps.
fn infer_text(text: &str, options: &CsvReadOptions, inferred: &mut [Inferred], keeps: impl Fn(usize) -> bool) -> Result<(), SparkError> {
    let drop_malformed = options.bad_records.mode == ParseMode::DropMalformed;
    let starts = line_sample::line_starts(text);
    for record in options.file_records(text)? {
        if drop_malformed && record.fields.len() != inferred.len() {
            continue;
        }
        let offset = (record.raw.as_ptr() as usize).saturating_sub(text.as_ptr() as usize);
        if !keeps(line_sample::line_of(&starts, offset)) {
            continue;
        }
        for (slot, field) in inferred.iter_mut().zip(&record.fields) {
            let Some(value) = options.resolve(field.as_ref()) else { continue };
            *slot = slot.widen(value, options);
        }
    }
    Ok(())
}

/// `maxColumns` (Spark's default 20480).
fn max_columns(options: &Options) -> Result<usize, SparkError> {
    match options.get("maxColumns") {
        None => Ok(20480),
        Some(text) => text.trim().parse().map_err(|_| SparkError::illegal_argument(format!("For input string: \"{text}\""))),
    }
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
        Inferred::in_locale(value, &NumberLocale::default())
    }

    /// `of` with decimals read in `locale`.
    pub(crate) fn in_locale(value: &str, locale: &NumberLocale) -> Inferred {
        if value.parse::<i32>().is_ok() {
            Inferred::Int
        } else if value.parse::<i64>().is_ok() {
            Inferred::Long
        } else if let Some(precision) = integral_decimal_precision(value).or_else(|| locale.integral_precision(value)) {
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

    /// `in_locale` with the read's options: decimals in its `locale`;
    /// dates by its `dateFormat` (unless `preferDate` is off), then
    /// timestamps by its `timestampFormat`, each by Spark's default parsing
    /// when unset, as Spark's `CSVInferSchema`.
    pub(crate) fn for_read(value: &str, options: &CsvReadOptions) -> Inferred {
        let default = Inferred::in_locale(value, &options.floats.locale);
        if matches!(default, Inferred::Int | Inferred::Long | Inferred::Decimal(_) | Inferred::Double) {
            return default;
        }
        let datetimes = &options.datetimes;
        if options.prefer_date && datetimes.fits_date_pattern(value).unwrap_or(default == Inferred::Date) {
            Inferred::Date
        } else if datetimes.fits_timestamp_pattern(value).unwrap_or_else(|| parse_timestamp_ntz(value).is_some()) {
            Inferred::Timestamp
        } else if value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false") {
            Inferred::Boolean
        } else {
            Inferred::String
        }
    }

    /// Spark's `inferField`: the type so far widened by the next value of
    /// the column; a decimal so far reads an integer as a decimal of its
    /// digits. Dates and timestamps together are timestamps only when
    /// Spark's lenient timestamp parsing reads the dates, else strings.
    pub(crate) fn widen(self, value: &str, options: &CsvReadOptions) -> Inferred {
        match (self, Inferred::for_read(value, options)) {
            (Inferred::Decimal(p), Inferred::Int | Inferred::Long) => Inferred::Decimal(p.max(integral_decimal_precision(value).unwrap_or(p))),
            (Inferred::Date, Inferred::Timestamp) | (Inferred::Timestamp, Inferred::Date) if !options.datetimes.dates_read_as_timestamps() => {
                Inferred::String
            }
            (_, inferred) => self.merge(inferred),
        }
    }

    /// Spark's `findCompatibleTypeForCSV`.
    pub(crate) fn merge(self, other: Inferred) -> Inferred {
        use Inferred::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Null, x) | (x, Null) => x,
            (Int, Long) | (Long, Int) => Long,
            (Decimal(p), Int) | (Int, Decimal(p)) => Decimal(p.max(10)),
            (Decimal(p), Long) | (Long, Decimal(p)) => Decimal(p.max(20)),
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

    fn infer_with(values: &[&str], pairs: &[(&str, &str)]) -> DataType {
        let owned: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let options = CsvReadOptions::parse(&Options::new(owned.iter().map(|(k, v)| (k, v)))).unwrap();
        values.iter().fold(Inferred::Null, |acc, v| acc.widen(v, &options)).data_type()
    }

    fn infer(values: &[&str]) -> DataType {
        infer_with(values, &[])
    }

    #[test]
    fn dates_and_timestamps_by_the_read_patterns() {
        let patterns = [("dateFormat", "dd/MM/yyyy"), ("timestampFormat", "dd/MM/yyyy HH:mm")];
        assert_eq!(infer_with(&["02/01/2020"], &patterns), DataType::Date32);
        assert!(matches!(infer_with(&["02/01/2020 10:30"], &patterns), DataType::Timestamp(..)));
        assert_eq!(infer_with(&["2020-01-02"], &patterns), DataType::Utf8);
        assert_eq!(infer_with(&["02/01/2020", "02/01/2020 10:30"], &patterns), DataType::Utf8);
        assert_eq!(infer_with(&["2020-01-02"], &[("preferDate", "false")]), infer(&["2020-01-02 00:00:00"]));
        assert_eq!(infer_with(&["2020-01-02", "2020-01-02 10:00:00"], &[("timestampFormat", "yyyy-MM-dd HH:mm:ss")]), DataType::Utf8);
    }

    #[test]
    fn a_decimal_so_far_reads_integers_as_decimals() {
        let widen = |values: &[&str]| infer_with(values, &[("locale", "de-DE")]);
        assert_eq!(widen(&["1.234", "7"]), DataType::Decimal128(4, 0));
        assert_eq!(widen(&["7", "1.234"]), DataType::Decimal128(10, 0));
        assert_eq!(widen(&["1,5"]), DataType::Utf8);
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
        assert_eq!(names(infer_schema(std::slice::from_ref(&file), &options, None).unwrap()), ["_c0", "_c1"]);
        options.header = true;
        options.infer_schema = true;
        let fields = infer_schema(std::slice::from_ref(&file), &options, None).unwrap();
        assert_eq!(names(fields.clone()), ["a", "b"]);
        assert_eq!(fields[0].data_type(), &DataType::Int32);
        assert!(fields.iter().all(|f| f.is_nullable()));
    }
}
