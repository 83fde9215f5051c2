//! `spark.read.csv(df)` and `spark.read.json(df)` (Spark Connect's `Parse`
//! relation): each string of a one-column DataFrame is a CSV line or a JSON
//! record, parsed with the file readers' options, inference and bad-record
//! modes. The strings are staged in a scratch file that the file reader
//! parses into memory right away; the file is removed before returning.

use std::sync::Arc;

use arrow::array::{RecordBatch, new_null_array};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::MemTable;
use datafusion::datasource::provider_as_source;
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::{LogicalPlan, LogicalPlanBuilder};
use ember_errors::SparkError;

use crate::bad_records::{BadRecords, ParseMode, malformed_record_in_parsing};
use crate::errors;
use crate::options::Options;
use crate::read::{ReadRequest, plan_read};

/// The text format of the strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParseFormat {
    /// One CSV line per string.
    Csv,
    /// One JSON record per string.
    Json,
    /// One XML record per string (its root element).
    Xml,
}

/// One `Parse` request.
#[derive(Debug, Clone)]
pub struct ParseRequest {
    /// The format.
    pub format: ParseFormat,
    /// The user's schema, if given.
    pub schema: Option<Vec<Field>>,
    /// The reader options.
    pub options: Options,
    /// The session time zone.
    pub session_tz: String,
    /// The session's file source settings.
    pub session_conf: Options,
}

/// The rows of XML `strings`, each its own document.
fn plan_xml(strings: &[Option<String>], request: &ParseRequest) -> Result<LogicalPlan, SparkError> {
    let schema = request.schema.as_deref().map(|fields| crate::read::spark_schema(&crate::read::nullable(fields), &request.session_tz)).transpose()?;
    let corrupt_column = BadRecords::from_options(&request.options).corrupt_column;
    let (schema, batch) = crate::xml::read_records(strings, schema, &request.options, |_| malformed_record_in_parsing(&corrupt_column))?;
    let table = MemTable::try_new(schema, vec![vec![batch]])?;
    Ok(LogicalPlanBuilder::scan("parsed", provider_as_source(Arc::new(table)), None)?.build()?)
}

/// A plan holding the rows parsed from `strings`. NULL CSV strings are
/// skipped; NULL JSON strings are malformed records without text, as Spark's
/// JSON parser sees them (see [`with_null_records`]).
pub fn plan_parse(strings: Vec<Option<String>>, request: &ParseRequest) -> Result<LogicalPlan, SparkError> {
    let null_records = match request.format {
        ParseFormat::Json => strings.iter().filter(|s| s.is_none()).count(),
        ParseFormat::Csv => 0,
        ParseFormat::Xml => return plan_xml(&strings, request),
    };
    let scratch = std::env::temp_dir().join("ember-parse").join(uuid::Uuid::new_v4().to_string());
    std::fs::create_dir_all(&scratch).map_err(|e| errors::io(&scratch.display().to_string(), e))?;
    let file = scratch.join("strings.txt");
    let result = std::fs::write(&file, staged_text(strings, request))
        .map_err(|e| errors::io(&file.display().to_string(), e))
        .and_then(|()| parse_file(&file.to_string_lossy(), request, null_records));
    let _ = std::fs::remove_dir_all(&scratch);
    let (schema, batches) = result?;
    let table = MemTable::try_new(schema, vec![batches])?;
    Ok(LogicalPlanBuilder::scan("parsed", provider_as_source(Arc::new(table)), None)?.build()?)
}

/// The strings as the lines of a file: JSON records on one line each (line
/// breaks between tokens are blanks); for CSV with a header, the first line
/// once (Spark drops the lines equal to it).
fn staged_text(strings: Vec<Option<String>>, request: &ParseRequest) -> String {
    let header = request.format == ParseFormat::Csv && request.options.bool("header", false).unwrap_or(false);
    let mut lines: Vec<String> = strings.into_iter().flatten().collect();
    if header && !lines.is_empty() {
        let first = lines[0].clone();
        let mut seen_first = false;
        lines.retain(|line| *line != first || !std::mem::replace(&mut seen_first, true));
    }
    let mut text = String::new();
    for line in lines {
        match request.format {
            ParseFormat::Json => text.push_str(&line.replace(['\n', '\r'], " ")),
            ParseFormat::Csv | ParseFormat::Xml => text.push_str(&line),
        }
        text.push('\n');
    }
    text
}

/// Reads and parses the staged file; `null_records` NULL JSON strings come
/// on top of its records.
fn parse_file(path: &str, request: &ParseRequest, null_records: usize) -> Result<(SchemaRef, Vec<RecordBatch>), SparkError> {
    let (schema, batches) = read_file(path, request, request.schema.clone())?;
    let bad_records = BadRecords::from_options(&request.options);
    if null_records == 0 || bad_records.mode != ParseMode::Permissive {
        return Ok((schema, batches));
    }
    let (schema, mut batches) = match &request.schema {
        None if schema.field_with_name(&bad_records.corrupt_column).is_err() => {
            let fields = with_corrupt_column(&schema, &bad_records.corrupt_column);
            read_file(path, request, Some(fields))?
        }
        _ => (schema, batches),
    };
    let nulls = schema.fields().iter().map(|f| new_null_array(f.data_type(), null_records)).collect();
    batches.push(RecordBatch::try_new(schema.clone(), nulls)?);
    Ok((schema, batches))
}

/// The inferred `schema` with the corrupt-record column in its sorted place,
/// as Spark's JSON inference adds it for a record that does not parse.
fn with_corrupt_column(schema: &Schema, name: &str) -> Vec<Field> {
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    let at = fields.iter().position(|f| f.name().as_str() > name).unwrap_or(fields.len());
    fields.insert(at, Field::new(name, DataType::Utf8, true));
    fields
}

/// The rows of the staged file, read with `schema` (inferred when `None`).
fn read_file(path: &str, request: &ParseRequest, schema: Option<Vec<Field>>) -> Result<(SchemaRef, Vec<RecordBatch>), SparkError> {
    let mut options = request.options.clone();
    options.remove("multiLine");
    let read = ReadRequest {
        format: match request.format {
            ParseFormat::Csv => "csv",
            ParseFormat::Json => "json",
            ParseFormat::Xml => "xml",
        }
        .to_string(),
        schema,
        options,
        paths: vec![path.to_string()],
        session_tz: request.session_tz.clone(),
        session_conf: request.session_conf.clone(),
    };
    let plan = plan_read(&read)?;
    let schema = Arc::new(plan.schema().as_arrow().clone());
    let batches = crate::blocking::run(async move {
        let ctx = SessionContext::new();
        Ok(ctx.execute_logical_plan(plan).await?.collect().await?)
    })?;
    Ok((schema, batches))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(format: ParseFormat, options: &[(&str, &str)]) -> ParseRequest {
        let pairs: Vec<(String, String)> = options.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        ParseRequest {
            format,
            schema: None,
            options: Options::new(pairs.iter().map(|(k, v)| (k, v))),
            session_tz: "UTC".into(),
            session_conf: Options::default(),
        }
    }

    #[test]
    fn csv_header_lines_are_dropped_after_the_first() {
        let strings = vec![Some("a,b".into()), Some("1,2".into()), None, Some("a,b".into()), Some("3,4".into())];
        assert_eq!(staged_text(strings, &request(ParseFormat::Csv, &[("header", "true")])), "a,b\n1,2\n3,4\n");
    }

    #[test]
    fn json_records_stay_on_one_line() {
        let strings = vec![Some("{\"a\":\n 1}".into())];
        assert_eq!(staged_text(strings, &request(ParseFormat::Json, &[])), "{\"a\":  1}\n");
    }

    #[test]
    fn parses_json_strings_with_inference() {
        let strings = vec![Some("{\"a\": 1}".into()), Some("{\"b\": \"x\"}".into())];
        let plan = plan_parse(strings, &request(ParseFormat::Json, &[])).unwrap();
        let names: Vec<&str> = plan.schema().fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["a", "b"]);
    }

    #[test]
    fn null_json_strings_are_rows_of_nulls_with_a_corrupt_column() {
        let strings = vec![Some("{\"a\": 1}".into()), None];
        let plan = plan_parse(strings, &request(ParseFormat::Json, &[])).unwrap();
        let names: Vec<&str> = plan.schema().fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["_corrupt_record", "a"]);
        let dropped = plan_parse(vec![None], &request(ParseFormat::Json, &[("mode", "DROPMALFORMED")])).unwrap();
        assert!(dropped.schema().fields().iter().all(|f| f.name() != "_corrupt_record"));
    }
}
