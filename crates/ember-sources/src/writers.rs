//! One output file in Spark's format: parquet, csv, json, text, xml, orc or avro, with the
//! format's compression and Spark's file extension.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use arrow::datatypes::{DataType, SchemaRef};
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::{Compression, GzipLevel, ZstdLevel};
use datafusion::parquet::file::properties::WriterProperties;
use ember_errors::SparkError;
use flate2::write::GzEncoder;

use crate::datetime_values::DatetimeFormats;
use crate::errors;
use crate::hadoop_blocks::{BlockCodec, BlockWriter};
use crate::options::Options;
use crate::text_values::column_strings;

/// The output formats Ember writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// Apache Parquet.
    Parquet,
    /// CSV text.
    Csv,
    /// JSON Lines.
    Json,
    /// Plain text, one line per row of a single string column.
    Text,
    /// Apache ORC.
    Orc,
    /// Apache Avro object container files.
    Avro,
    /// XML: the rows as `rowTag` elements inside one root element.
    Xml,
}

impl OutputFormat {
    /// The format for Spark's source name.
    pub fn from_name(name: &str) -> Result<Self, SparkError> {
        match name.to_lowercase().as_str() {
            "parquet" => Ok(OutputFormat::Parquet),
            "csv" => Ok(OutputFormat::Csv),
            "json" => Ok(OutputFormat::Json),
            "text" => Ok(OutputFormat::Text),
            "orc" => Ok(OutputFormat::Orc),
            "avro" => Ok(OutputFormat::Avro),
            "xml" => Ok(OutputFormat::Xml),
            other => Err(SparkError::unsupported(format!("writing {other} files"))),
        }
    }
}

impl OutputFormat {
    /// Spark's name of the format.
    pub fn name(self) -> &'static str {
        match self {
            OutputFormat::Parquet => "parquet",
            OutputFormat::Csv => "csv",
            OutputFormat::Json => "json",
            OutputFormat::Text => "text",
            OutputFormat::Orc => "orc",
            OutputFormat::Avro => "avro",
            OutputFormat::Xml => "xml",
        }
    }
}

/// `[CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION]`: an unknown
/// `compression`, with the format's codec names as Spark lists them.
pub(crate) fn codec_not_available(name: &str, available: &str) -> SparkError {
    SparkError::new(
        ember_errors::ErrorKind::IllegalArgument,
        "CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION",
        "56038",
        format!("The codec {name} is not available. Available codecs are {available}."),
        &[("codecName", name.to_string()), ("availableCodecs", available.to_string())],
    )
}

const PARQUET_CODECS: &str = "brotli, uncompressed, lzo, snappy, lz4_raw, none, zstd, lz4, gzip";
const TEXT_CODECS: &str = "bzip2, deflate, uncompressed, snappy, none, lz4, gzip";

/// A format's compression codec (the `compression` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Codec {
    /// No compression.
    None,
    /// Snappy (Parquet's default; text formats: Hadoop's block stream).
    Snappy,
    /// Gzip.
    Gzip,
    /// Zstandard (Parquet only).
    Zstd,
    /// LZ4 (text formats: Hadoop's block stream).
    Lz4,
    /// Bzip2 (text formats only).
    Bzip2,
    /// Deflate, a zlib stream as Hadoop's `DefaultCodec` writes (text formats only).
    Deflate,
    /// Zlib (ORC only).
    Zlib,
}

/// How to write the files of one job.
#[derive(Debug, Clone)]
pub struct FileSpec {
    /// The format.
    pub format: OutputFormat,
    /// The codec.
    pub codec: Codec,
    /// CSV: write a header line.
    pub header: bool,
    /// CSV: the separator.
    pub delimiter: u8,
    /// CSV: the quote character.
    pub quote: u8,
    /// CSV: the character escaping quotes inside quoted values.
    pub escape: u8,
    /// CSV: `charToEscapeQuoteEscaping`, written before each `escape` inside
    /// quoted values (default: `escape` itself, none when it is the quote).
    pub escape_escape: Option<u8>,
    /// CSV: quote every value.
    pub quote_all: bool,
    /// CSV: `ignoreLeadingWhiteSpace` and `ignoreTrailingWhiteSpace`, on by
    /// default when writing: white space (characters up to space) trimmed.
    pub trim: (bool, bool),
    /// JSON: `ignoreNullFields` (default on): NULL fields left out.
    pub ignore_null_fields: bool,
    /// CSV: the text written for NULL.
    pub null_value: String,
    /// CSV: the text written for an empty string (`emptyValue`; `""` when unset).
    pub empty_value: Option<String>,
    /// CSV and JSON: `dateFormat`, `timestampFormat`, `timeZone`.
    pub datetimes: DatetimeFormats,
    /// `lineSep`: what ends each line (default `\n`).
    pub line_sep: String,
    /// Avro: the record's name and namespace, or the whole output schema.
    pub avro: crate::avro::AvroWriteOptions,
    /// ORC: the stripe size.
    pub orc: crate::orc::OrcWriteOptions,
    /// XML: the root element, declaration and the options shaping rows.
    pub xml: XmlWriteOptions,
}

/// How an XML file is written.
#[derive(Debug, Clone)]
pub struct XmlWriteOptions {
    /// `rootTag` (default `ROWS`).
    root_tag: String,
    /// `declaration`: the XML declaration's content; empty for none.
    declaration: String,
    /// The writer's options, for the rows (`rowTag`, `attributePrefix`, ...).
    row_options: Vec<(String, String)>,
}

impl XmlWriteOptions {
    fn parse(options: &Options) -> XmlWriteOptions {
        XmlWriteOptions {
            root_tag: options.get("rootTag").unwrap_or("ROWS").to_string(),
            declaration: options.get("declaration").unwrap_or(r#"version="1.0" encoding="UTF-8" standalone="yes""#).to_string(),
            row_options: options.pairs().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        }
    }
}

impl FileSpec {
    /// The spec for a format and the writer options.
    pub fn new(format: OutputFormat, options: &Options) -> Result<Self, SparkError> {
        let codec_name = options.first_of(&["compression", "codec"]).map(str::to_lowercase);
        let parquet = format == OutputFormat::Parquet;
        let codec = match (codec_name.as_deref(), parquet) {
            (name, _) if format == OutputFormat::Orc => crate::orc::codec(name.or_else(|| options.get("orc.compress")))?,
            (name, _) if format == OutputFormat::Avro => crate::avro::codec(name)?,
            (None | Some("snappy"), true) => Codec::Snappy,
            (None | Some("none") | Some("uncompressed"), _) => Codec::None,
            (Some("gzip"), _) => Codec::Gzip,
            (Some("zstd"), true) => Codec::Zstd,
            (Some("lz4"), true) => Codec::Lz4,
            (Some("bzip2"), false) => Codec::Bzip2,
            (Some("deflate"), false) => Codec::Deflate,
            (Some("snappy"), false) => Codec::Snappy,
            (Some("lz4"), false) => Codec::Lz4,
            (Some(name @ ("brotli" | "lzo" | "lz4_raw")), true) => {
                return Err(SparkError::unsupported(format!("the {name} codec for {} files", format.name())));
            }
            (Some(other), true) => return Err(codec_not_available(other, PARQUET_CODECS)),
            (Some(other), false) => return Err(codec_not_available(other, TEXT_CODECS)),
        };
        if format == OutputFormat::Xml {
            crate::xml::row_tag(options)?;
        }
        let (quote, escape) = (options.byte("quote", b'"')?, options.byte("escape", b'\\')?);
        Ok(FileSpec {
            format,
            codec,
            header: options.bool("header", false)?,
            delimiter: match options.get("sep") {
                Some(_) => options.byte("sep", b',')?,
                None => options.byte("delimiter", b',')?,
            },
            quote,
            escape,
            escape_escape: options.escape_escape(quote, escape)?,
            quote_all: options.bool("quoteAll", false)?,
            trim: (options.bool("ignoreLeadingWhiteSpace", true)?, options.bool("ignoreTrailingWhiteSpace", true)?),
            ignore_null_fields: options.bool("ignoreNullFields", true)?,
            null_value: options.get("nullValue").unwrap_or("").to_string(),
            empty_value: options.get("emptyValue").map(str::to_string),
            datetimes: DatetimeFormats::parse(options)?,
            line_sep: options.get("lineSep").filter(|s| !s.is_empty()).unwrap_or("\n").to_string(),
            avro: crate::avro::AvroWriteOptions::parse(options),
            orc: crate::orc::OrcWriteOptions::parse(options)?,
            xml: XmlWriteOptions::parse(options),
        })
    }

    /// Spark's file extension, compression included (`.snappy.parquet`, `.csv.gz`).
    pub fn extension(&self) -> &'static str {
        match (self.format, self.codec) {
            (OutputFormat::Parquet, Codec::Snappy) => ".snappy.parquet",
            (OutputFormat::Parquet, Codec::Gzip) => ".gz.parquet",
            (OutputFormat::Parquet, Codec::Zstd) => ".zstd.parquet",
            (OutputFormat::Parquet, Codec::Lz4) => ".lz4hadoop.parquet",
            (OutputFormat::Parquet, _) => ".parquet",
            (OutputFormat::Orc, codec) => crate::orc::extension(codec),
            (OutputFormat::Avro, _) => ".avro",
            (OutputFormat::Csv, Codec::Gzip) => ".csv.gz",
            (OutputFormat::Csv, Codec::Bzip2) => ".csv.bz2",
            (OutputFormat::Csv, Codec::Deflate) => ".csv.deflate",
            (OutputFormat::Csv, Codec::Snappy) => ".csv.snappy",
            (OutputFormat::Csv, Codec::Lz4) => ".csv.lz4",
            (OutputFormat::Csv, _) => ".csv",
            (OutputFormat::Json, Codec::Gzip) => ".json.gz",
            (OutputFormat::Json, Codec::Bzip2) => ".json.bz2",
            (OutputFormat::Json, Codec::Deflate) => ".json.deflate",
            (OutputFormat::Json, Codec::Snappy) => ".json.snappy",
            (OutputFormat::Json, Codec::Lz4) => ".json.lz4",
            (OutputFormat::Json, _) => ".json",
            (OutputFormat::Text, Codec::Gzip) => ".txt.gz",
            (OutputFormat::Text, Codec::Bzip2) => ".txt.bz2",
            (OutputFormat::Text, Codec::Deflate) => ".txt.deflate",
            (OutputFormat::Text, Codec::Snappy) => ".txt.snappy",
            (OutputFormat::Text, Codec::Lz4) => ".txt.lz4",
            (OutputFormat::Text, _) => ".txt",
            (OutputFormat::Xml, Codec::Gzip) => ".xml.gz",
            (OutputFormat::Xml, Codec::Bzip2) => ".xml.bz2",
            (OutputFormat::Xml, Codec::Deflate) => ".xml.deflate",
            (OutputFormat::Xml, Codec::Snappy) => ".xml.snappy",
            (OutputFormat::Xml, Codec::Lz4) => ".xml.lz4",
            (OutputFormat::Xml, _) => ".xml",
        }
    }

    /// Checks that the format can hold rows of `schema` (text: one string column).
    pub fn check_schema(&self, schema: &SchemaRef) -> Result<(), SparkError> {
        if self.format == OutputFormat::Orc {
            crate::orc_schema::check_writable(schema)?;
        }
        if self.format == OutputFormat::Avro {
            crate::avro::check_writable(schema, &self.avro)?;
        }
        if self.format == OutputFormat::Text {
            let fields = schema.fields();
            if fields.len() != 1 {
                return Err(SparkError::new(
                    ember_errors::ErrorKind::Analysis,
                    "_LEGACY_ERROR_TEMP_1139",
                    "",
                    format!("Text data source supports only a single column, and you have {} columns.", fields.len()),
                    &[("length", fields.len().to_string())],
                ));
            }
            if !matches!(fields[0].data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
                return Err(SparkError::unsupported(format!(
                    "text files of a {} column",
                    ember_types::simple_string(fields[0].data_type())
                )));
            }
        }
        Ok(())
    }
}

/// An open output file.
pub enum FileWriter {
    /// A Parquet file.
    Parquet(ArrowWriter<File>),
    /// An ORC file.
    Orc(crate::orc_write::OrcFile),
    /// An Avro file.
    Avro(Box<crate::avro::AvroFile>),
    /// A CSV, JSON or text file, with its spec.
    Lines(Box<dyn Write + Send>, FileSpec),
    /// An XML file: its root element is opened with the first row.
    Xml { out: Box<dyn Write + Send>, spec: FileSpec, time_zone: String, started: bool },
}

impl FileWriter {
    /// Creates `path` for rows of `schema`.
    pub fn create(path: &Path, schema: &SchemaRef, spec: &FileSpec) -> Result<Self, SparkError> {
        let file = File::create(path).map_err(|e| errors::io(&path.display().to_string(), e))?;
        if spec.format == OutputFormat::Orc {
            return Ok(FileWriter::Orc(crate::orc_write::OrcFile::create(file, schema, spec.codec, spec.orc.stripe_bytes)?));
        }
        if spec.format == OutputFormat::Avro {
            return Ok(FileWriter::Avro(Box::new(crate::avro::AvroFile::create(file, schema, spec.codec, &spec.avro)?)));
        }
        if spec.format == OutputFormat::Parquet {
            let compression = match spec.codec {
                Codec::Snappy => Compression::SNAPPY,
                Codec::Gzip => Compression::GZIP(GzipLevel::default()),
                Codec::Zstd => Compression::ZSTD(ZstdLevel::default()),
                Codec::Lz4 => Compression::LZ4,
                Codec::None | Codec::Bzip2 | Codec::Deflate | Codec::Zlib => Compression::UNCOMPRESSED,
            };
            let properties = WriterProperties::builder()
                .set_compression(compression)
                .set_key_value_metadata(crate::parquet_schema::spark_row_metadata(schema).map(|row| vec![row]))
                .build();
            let writer = ArrowWriter::try_new(file, schema.clone(), Some(properties))
                .map_err(|e| errors::io(&path.display().to_string(), e))?;
            return Ok(FileWriter::Parquet(writer));
        }
        let buffered = BufWriter::new(file);
        let mut out: Box<dyn Write + Send> = match spec.codec {
            Codec::Gzip => Box::new(GzEncoder::new(buffered, flate2::Compression::default())),
            Codec::Bzip2 => Box::new(bzip2::write::BzEncoder::new(buffered, bzip2::Compression::default())),
            Codec::Deflate => Box::new(flate2::write::ZlibEncoder::new(buffered, flate2::Compression::default())),
            Codec::Snappy => Box::new(BlockWriter::new(buffered, BlockCodec::Snappy)),
            Codec::Lz4 => Box::new(BlockWriter::new(buffered, BlockCodec::Lz4)),
            _ => Box::new(buffered),
        };
        if spec.format == OutputFormat::Xml {
            return Ok(FileWriter::Xml { out, spec: spec.clone(), time_zone: writer_time_zone(schema, spec), started: false });
        }
        if spec.format == OutputFormat::Csv && spec.header {
            let names: Vec<Option<String>> = schema.fields().iter().map(|f| Some(f.name().clone())).collect();
            let line = csv_line(&names, spec);
            out.write_all(line.as_bytes()).map_err(|e| errors::io("csv header", e))?;
        }
        Ok(FileWriter::Lines(out, spec.clone()))
    }

    /// Appends the rows of `batch`.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), SparkError> {
        match self {
            FileWriter::Parquet(writer) => writer.write(batch).map_err(|e| errors::io("parquet", e)),
            FileWriter::Orc(writer) => writer.write(batch),
            FileWriter::Avro(writer) => writer.write(batch),
            FileWriter::Xml { out, spec, time_zone, started } => {
                if batch.num_rows() == 0 {
                    return Ok(());
                }
                let mut text = String::new();
                if !*started {
                    if !spec.xml.declaration.is_empty() {
                        text.push_str(&format!("<?xml {}?>\n", spec.xml.declaration));
                    }
                    text.push_str(&format!("<{}>\n", spec.xml.root_tag));
                    *started = true;
                }
                let rows = arrow::array::StructArray::from(batch.clone());
                for row in ember_functions::to_xml::xml_rows(&rows, &spec.xml.row_options, time_zone)? {
                    text.push_str(&row);
                }
                out.write_all(text.as_bytes()).map_err(|e| errors::io("write", e))
            }
            FileWriter::Lines(out, spec) => {
                let text = match spec.format {
                    OutputFormat::Csv => csv_lines(batch, spec)?,
                    OutputFormat::Json => json_lines(batch, spec)?,
                    _ => text_lines(batch, &spec.line_sep),
                };
                out.write_all(&text).map_err(|e| errors::io("write", e))
            }
        }
    }

    /// Flushes and closes the file.
    pub fn finish(self) -> Result<(), SparkError> {
        match self {
            FileWriter::Parquet(writer) => writer.close().map(|_| ()).map_err(|e| errors::io("parquet", e)),
            FileWriter::Orc(writer) => writer.finish(),
            FileWriter::Avro(writer) => writer.finish(),
            FileWriter::Lines(mut out, _) => out.flush().map_err(|e| errors::io("flush", e)),
            FileWriter::Xml { mut out, spec, started, .. } => {
                if started {
                    out.write_all(format!("</{}>", spec.xml.root_tag).as_bytes()).map_err(|e| errors::io("write", e))?;
                }
                out.flush().map_err(|e| errors::io("flush", e))
            }
        }
    }
}

/// The zone XML timestamps are written in: the `timeZone` option, else the
/// session's, which timestamp columns carry.
fn writer_time_zone(schema: &SchemaRef, spec: &FileSpec) -> String {
    fn zone_of(data_type: &DataType) -> Option<String> {
        match data_type {
            DataType::Timestamp(_, Some(zone)) => Some(zone.to_string()),
            DataType::List(item) => zone_of(item.data_type()),
            DataType::Map(entries, _) => zone_of(entries.data_type()),
            DataType::Struct(fields) => fields.iter().find_map(|f| zone_of(f.data_type())),
            _ => None,
        }
    }
    let option = spec.xml.row_options.iter().find(|(k, _)| k.eq_ignore_ascii_case("timeZone")).map(|(_, v)| v.clone());
    option.or_else(|| schema.fields().iter().find_map(|f| zone_of(f.data_type()))).unwrap_or_else(|| "UTC".to_string())
}

fn csv_lines(batch: &RecordBatch, spec: &FileSpec) -> Result<Vec<u8>, SparkError> {
    let columns = batch
        .columns()
        .iter()
        .map(|column| spec.datetimes.format_column(column).map(Ok).unwrap_or_else(|| column_strings(column)))
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = String::new();
    for row in 0..batch.num_rows() {
        let values: Vec<Option<String>> = columns.iter().map(|c| c[row].clone()).collect();
        out.push_str(&csv_line(&values, spec));
    }
    Ok(out.into_bytes())
}

/// One CSV line as Spark's writer (uniVocity) prints it: values trimmed of
/// white space (unless `ignoreLeading/TrailingWhiteSpace` are off), NULL as
/// `nullValue`, an empty string as `emptyValue` (by default `""`, whatever
/// the quote character), values quoted when they hold a
/// separator, quote or line break (or always with `quoteAll`; an escape
/// character alone does not quote a value); inside quotes, quotes escaped
/// with `escape` and escape characters with `charToEscapeQuoteEscaping`.
fn csv_line(values: &[Option<String>], spec: &FileSpec) -> String {
    let quote = spec.quote as char;
    let escape = spec.escape as char;
    let escape_escape = spec.escape_escape.map(char::from);
    let delimiter = spec.delimiter as char;
    let fields: Vec<String> = values
        .iter()
        .map(|value| value.as_deref().map(|v| trimmed(v, spec.trim)))
        .map(|value| match value {
            None if spec.quote_all && !spec.null_value.is_empty() => format!("{quote}{}{quote}", spec.null_value),
            None => spec.null_value.clone(),
            Some("") => match &spec.empty_value {
                Some(empty) if spec.quote_all => format!("{quote}{empty}{quote}"),
                Some(empty) => empty.clone(),
                None => "\"\"".to_string(),
            },
            Some(v) => {
                let special = v.contains([delimiter, quote, '\n', '\r']) || spec.line_sep.chars().any(|c| v.contains(c));
                if spec.quote_all || special {
                    let escaped: String = v
                        .chars()
                        .flat_map(|c| match (c == quote, c == escape, escape_escape) {
                            (true, _, _) => vec![escape, c],
                            (false, true, Some(escape_escape)) => vec![escape_escape, c],
                            _ => vec![c],
                        })
                        .collect();
                    format!("{quote}{escaped}{quote}")
                } else {
                    v.to_string()
                }
            }
        })
        .collect();
    format!("{}{}", fields.join(&delimiter.to_string()), spec.line_sep)
}

/// JSON Lines as Spark's writer prints them: NULL fields left out, numbers
/// in Java's notation (`1.0E20`), NaN and infinities as strings, dates and
/// timestamps as text in the writer's default formats.
/// `value` without the leading and trailing white space (characters up to
/// space) the writer trims.
fn trimmed(value: &str, (leading, trailing): (bool, bool)) -> &str {
    let value = if leading { value.trim_start_matches(|c: char| c <= ' ') } else { value };
    if trailing { value.trim_end_matches(|c: char| c <= ' ') } else { value }
}

fn json_lines(batch: &RecordBatch, spec: &FileSpec) -> Result<Vec<u8>, SparkError> {
    let schema = batch.schema();
    let keep_nulls = !spec.ignore_null_fields;
    let columns = schema
        .fields()
        .iter()
        .zip(batch.columns())
        .map(|(_, array)| match spec.datetimes.format_column(array) {
            Some(texts) => Ok(texts.into_iter().map(|t| t.map(|t| json_string(&t))).collect()),
            None => json_values(array, keep_nulls),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let keys: Vec<String> = schema.fields().iter().map(|f| json_string(f.name())).collect();
    let mut out = String::new();
    for row in 0..batch.num_rows() {
        let members: Vec<String> = keys
            .iter()
            .zip(&columns)
            .filter_map(|(key, values)| match &values[row] {
                Some(v) => Some(format!("{key}:{v}")),
                None => keep_nulls.then(|| format!("{key}:null")),
            })
            .collect();
        out.push('{');
        out.push_str(&members.join(","));
        out.push('}');
        out.push_str(&spec.line_sep);
    }
    Ok(out.into_bytes())
}

fn json_string(text: &str) -> String {
    serde_json::Value::String(text.to_string()).to_string()
}

/// Each value of a column as JSON text (`None` for NULL); `keep_nulls`
/// writes NULL fields of structs as `null`.
fn json_values(array: &ArrayRef, keep_nulls: bool) -> Result<Vec<Option<String>>, SparkError> {
    let data_type = array.data_type();
    if matches!(data_type, DataType::Struct(_) | DataType::List(_) | DataType::LargeList(_) | DataType::Map(..)) {
        return nested_json_values(array, keep_nulls);
    }
    let texts = column_strings(array)?;
    let numeric = data_type.is_integer() || matches!(data_type, DataType::Decimal128(..) | DataType::Boolean);
    let floating = data_type.is_floating();
    Ok(texts
        .into_iter()
        .map(|text| {
            text.map(|t| {
                let finite = !matches!(t.as_str(), "NaN" | "Infinity" | "-Infinity");
                if numeric || (floating && finite) { t } else { json_string(&t) }
            })
        })
        .collect())
}

/// Nested values through Arrow's JSON writer (a one-column object per row).
fn nested_json_values(array: &ArrayRef, keep_nulls: bool) -> Result<Vec<Option<String>>, SparkError> {
    let field = arrow::datatypes::Field::new("v", array.data_type().clone(), true);
    let single = RecordBatch::try_new(std::sync::Arc::new(arrow::datatypes::Schema::new(vec![field])), vec![array.clone()])?;
    let mut writer = arrow::json::WriterBuilder::new()
        .with_explicit_nulls(keep_nulls)
        .build::<_, arrow::json::writer::LineDelimited>(Vec::new());
    writer.write(&single)?;
    writer.finish()?;
    let text = String::from_utf8(writer.into_inner()).map_err(|e| SparkError::internal(e.to_string()))?;
    Ok(text
        .lines()
        .map(|line| line.strip_prefix("{\"v\":").and_then(|v| v.strip_suffix('}')).map(str::to_string))
        .collect())
}

fn text_lines(batch: &RecordBatch, line_sep: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let strings = batch.column(0).as_string::<i32>();
    for i in 0..strings.len() {
        if strings.is_valid(i) {
            out.extend_from_slice(strings.value(i).as_bytes());
        }
        out.extend_from_slice(line_sep.as_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(format: OutputFormat) -> FileSpec {
        FileSpec::new(format, &Options::default()).unwrap()
    }

    #[test]
    fn extensions_as_spark() {
        assert_eq!(spec(OutputFormat::Parquet).extension(), ".snappy.parquet");
        assert_eq!(spec(OutputFormat::Csv).extension(), ".csv");
        assert_eq!(spec(OutputFormat::Json).extension(), ".json");
        assert_eq!(spec(OutputFormat::Text).extension(), ".txt");
    }

    #[test]
    fn csv_quoting() {
        let s = spec(OutputFormat::Csv);
        let values = [Some("a".to_string()), None, Some(String::new()), Some("x,y".into()), Some("q\"".into())];
        assert_eq!(csv_line(&values, &s), "a,,\"\",\"x,y\",\"q\\\"\"\n");
    }

    #[test]
    fn json_lines_as_spark() {
        use arrow::array::{Float64Array, Int32Array, StringArray};
        use arrow::datatypes::{Field, Schema};
        let schema = Schema::new(vec![
            Field::new("i", DataType::Int32, true),
            Field::new("d", DataType::Float64, true),
            Field::new("s", DataType::Utf8, true),
        ]);
        let batch = RecordBatch::try_new(
            std::sync::Arc::new(schema),
            vec![
                std::sync::Arc::new(Int32Array::from(vec![Some(1), None])),
                std::sync::Arc::new(Float64Array::from(vec![Some(1e20), Some(f64::NAN)])),
                std::sync::Arc::new(StringArray::from(vec![Some("a\"b"), None])),
            ],
        )
        .unwrap();
        let text = String::from_utf8(json_lines(&batch, &spec(OutputFormat::Json)).unwrap()).unwrap();
        assert_eq!(text, "{\"i\":1,\"d\":1.0E20,\"s\":\"a\\\"b\"}\n{\"d\":\"NaN\"}\n");
        let pair = ("ignoreNullFields".to_string(), "false".to_string());
        let keeping = FileSpec::new(OutputFormat::Json, &Options::new([(&pair.0, &pair.1)])).unwrap();
        let text = String::from_utf8(json_lines(&batch, &keeping).unwrap()).unwrap();
        assert!(text.ends_with("{\"i\":null,\"d\":\"NaN\",\"s\":null}\n"));
    }
}
