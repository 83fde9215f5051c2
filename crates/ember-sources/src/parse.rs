//! `spark.read.csv(df)` and `spark.read.json(df)` (Spark Connect's `Parse`
//! relation): each string of a one-column DataFrame is a CSV line or a JSON
//! record, parsed with the file readers' options, inference and bad-record
//! modes. The strings are staged in a scratch file that the file reader
//! parses into memory right away; the file is removed before returning.

use std::sync::Arc;

use arrow::datatypes::Field;
use datafusion::catalog::MemTable;
use datafusion::datasource::provider_as_source;
use datafusion::execution::context::SessionContext;
use datafusion::logical_expr::{LogicalPlan, LogicalPlanBuilder};
use ember_errors::SparkError;

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

/// A plan holding the rows parsed from `strings` (NULL strings skipped).
pub fn plan_parse(strings: Vec<Option<String>>, request: &ParseRequest) -> Result<LogicalPlan, SparkError> {
    let scratch = std::env::temp_dir().join("ember-parse").join(uuid::Uuid::new_v4().to_string());
    std::fs::create_dir_all(&scratch).map_err(|e| errors::io(&scratch.display().to_string(), e))?;
    let file = scratch.join("strings.txt");
    let result = std::fs::write(&file, staged_text(strings, request))
        .map_err(|e| errors::io(&file.display().to_string(), e))
        .and_then(|()| parse_file(&file.to_string_lossy(), request));
    let _ = std::fs::remove_dir_all(&scratch);
    result
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
            ParseFormat::Csv => text.push_str(&line),
        }
        text.push('\n');
    }
    text
}

/// Reads and parses the staged file into an in-memory table.
fn parse_file(path: &str, request: &ParseRequest) -> Result<LogicalPlan, SparkError> {
    let mut options = request.options.clone();
    options.remove("multiLine");
    let read = ReadRequest {
        format: match request.format {
            ParseFormat::Csv => "csv",
            ParseFormat::Json => "json",
        }
        .to_string(),
        schema: request.schema.clone(),
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
    let table = MemTable::try_new(schema, vec![batches])?;
    Ok(LogicalPlanBuilder::scan("parsed", provider_as_source(Arc::new(table)), None)?.build()?)
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
}
