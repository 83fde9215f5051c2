//! Python data sources (`spark.dataSource.register`): creating the source
//! and planning its read run pyspark's own planning code in a worker; the
//! read itself is a map over one row per partition (`MapCall` with
//! `DataSourceFunction::Read`).

use arrow::array::{Array, BinaryArray, StringArray};
use ember_errors::{ErrorKind, SparkError};

use crate::pool::pool;

/// A registered data source class: the client's pickled class and its Python version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonDataSourceClass {
    /// The name it was registered under (the format name).
    pub name: String,
    /// The cloudpickled `DataSource` subclass.
    pub command: Vec<u8>,
    /// The client's Python `major.minor`.
    pub python_ver: String,
}

/// The schema a created data source instance reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceSchema {
    /// A DDL string (`"a INT, b STRING"`), as `schema()` may return.
    Ddl(String),
    /// Spark's struct JSON.
    Json(String),
}

/// A data source instance made from its class and the read's options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedDataSource {
    /// The pickled instance.
    pub instance: Vec<u8>,
    /// The user's schema, or the one the instance's `schema()` gave.
    pub schema: SourceSchema,
}

/// A planned read: the pickled read function and one pickled partition
/// per read task.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedRead {
    /// The cloudpickled `(read function, return type)` command.
    pub command: Vec<u8>,
    /// The pickled `InputPartition`s.
    pub partitions: Vec<Vec<u8>>,
    /// The positions of the pushed filters the reader's `pushFilters` accepted.
    pub accepted_filters: Vec<usize>,
}

/// Makes an instance of the class for a read with these options and
/// (optional) user schema, as Spark's JSON.
pub fn create_data_source(
    class: &PythonDataSourceClass,
    user_schema_json: Option<&str>,
    options: &[(String, String)],
    runner_conf: &[(String, String)],
) -> Result<CreatedDataSource, SparkError> {
    let request = serde_json::json!({
        "action": "create",
        "provider": class.name,
        "schema": user_schema_json,
        "options": options.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
    });
    let answer = plan_request(&class.python_ver, request, &class.command, runner_conf)
        .map_err(|e| e.map_traceback(|t| data_source_failed("create", "instance", t)))?;
    let instance = answer.iter().find(|(kind, _)| kind == "instance").map(|(_, b)| b.clone()).ok_or_else(malformed)?;
    let schema = match answer.first() {
        Some((kind, bytes)) if kind == "ddl" => SourceSchema::Ddl(String::from_utf8_lossy(bytes).into_owned()),
        Some((kind, bytes)) if kind == "json" => SourceSchema::Json(String::from_utf8_lossy(bytes).into_owned()),
        _ => return Err(malformed()),
    };
    Ok(CreatedDataSource { instance, schema })
}

/// Plans the read of a created instance with the output schema (Spark's
/// struct JSON): its reader's read function and partitions. With filter
/// pushdown on (`spark.sql.python.filterPushdown.enabled`), `filters` are
/// offered to the reader's `pushFilters` (each `{"name", "columnPath",
/// "value": {"json", "type"}, "isNegated"}`, as Spark names its filters);
/// without, a reader that implements `pushFilters` is refused, as in Spark.
pub fn plan_data_source_read(
    class: &PythonDataSourceClass,
    instance: &[u8],
    schema_json: &str,
    max_arrow_batch_size: usize,
    filters: Option<&[serde_json::Value]>,
    runner_conf: &[(String, String)],
) -> Result<PlannedRead, SparkError> {
    let request = serde_json::json!({
        "action": "plan",
        "schema": schema_json,
        "max_arrow_batch_size": max_arrow_batch_size,
        "pushdown": filters.is_some(),
        // Without filters Spark does not call `pushFilters`.
        "filters": filters.filter(|f| !f.is_empty()),
    });
    let answer = plan_request(&class.python_ver, request, instance, runner_conf)
        .map_err(|e| e.map_traceback(|t| data_source_failed("initialize", "reader", t)))?;
    let mut command = None;
    let mut partitions = Vec::new();
    let mut accepted_filters = Vec::new();
    for (kind, bytes) in answer {
        match kind.as_str() {
            "command" => command = Some(bytes),
            "partition" => partitions.push(bytes),
            "accepted" => accepted_filters.push(String::from_utf8_lossy(&bytes).parse().map_err(|_| malformed())?),
            _ => return Err(malformed()),
        }
    }
    Ok(PlannedRead { command: command.ok_or_else(malformed)?, partitions, accepted_filters })
}

/// A prepared write: the pickled write function and the pickled writer
/// whose `commit` or `abort` ends the write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreparedWrite {
    /// The cloudpickled `(write function, return type)` command.
    pub command: Vec<u8>,
    /// The pickled `DataSourceWriter`.
    pub writer: Vec<u8>,
}

/// Makes the instance and its writer for rows of `schema_json` (Spark's
/// struct JSON); `overwrite` for `mode("overwrite")`.
pub fn prepare_data_source_write(
    class: &PythonDataSourceClass,
    schema_json: &str,
    options: &[(String, String)],
    overwrite: bool,
    runner_conf: &[(String, String)],
) -> Result<PreparedWrite, SparkError> {
    let request = serde_json::json!({
        "action": "write",
        "provider": class.name,
        "schema": schema_json,
        "options": options.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
        "overwrite": overwrite,
    });
    let answer = plan_request(&class.python_ver, request, &class.command, runner_conf)
        .map_err(|e| e.map_traceback(|t| data_source_failed("plan", "write", t)))?;
    let find = |wanted: &str| answer.iter().find(|(kind, _)| kind == wanted).map(|(_, b)| b.clone()).ok_or_else(malformed);
    Ok(PreparedWrite { command: find("command")?, writer: find("writer")? })
}

/// Ends a write: the writer's `commit` with every task's message, or its
/// `abort` (a failed task's message is `None`).
pub fn finish_data_source_write(
    class: &PythonDataSourceClass,
    writer: &[u8],
    messages: &[Option<Vec<u8>>],
    abort: bool,
    runner_conf: &[(String, String)],
) -> Result<(), SparkError> {
    let hex = |bytes: &Vec<u8>| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let request = serde_json::json!({
        "action": if abort { "abort" } else { "commit" },
        "messages": messages.iter().map(|m| m.as_ref().map(hex)).collect::<Vec<_>>(),
    });
    plan_request(&class.python_ver, request, writer, runner_conf).map_err(|e| {
        e.map_traceback(|t| data_source_failed(if abort { "abort" } else { "commit" }, "write", t))
    })?;
    Ok(())
}

/// Why a planning request failed: the Python code raised, or the worker did.
enum PlanError {
    Python(String),
    Worker(SparkError),
}

impl PlanError {
    fn map_traceback(self, f: impl FnOnce(&str) -> SparkError) -> SparkError {
        match self {
            PlanError::Python(traceback) => f(&traceback),
            PlanError::Worker(error) => error,
        }
    }
}

impl From<SparkError> for PlanError {
    fn from(error: SparkError) -> Self {
        PlanError::Worker(error)
    }
}

/// Sends one planning request; the answer's `(kind, bytes)` rows.
fn plan_request(
    python_ver: &str,
    request: serde_json::Value,
    command: &[u8],
    runner_conf: &[(String, String)],
) -> Result<Vec<(String, Vec<u8>)>, PlanError> {
    let header = serde_json::json!({
        "eval_type": 0,
        "python_ver": python_ver,
        "udfs": [{"args": []}],
        "inputs": 0,
        "data_source": request,
        "runner_conf": runner_conf.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
        "input_type": "",
    });
    let answer = pool()?.call_or_traceback(&header, &[command], &[])?.map_err(PlanError::Python)?;
    let kinds = answer.column_by_name("kind").and_then(|c| c.as_any().downcast_ref::<StringArray>()).ok_or_else(malformed)?;
    let bytes = answer.column_by_name("bytes").and_then(|c| c.as_any().downcast_ref::<BinaryArray>()).ok_or_else(malformed)?;
    if kinds.null_count() > 0 || bytes.null_count() > 0 {
        return Err(malformed().into());
    }
    Ok((0..answer.num_rows()).map(|i| (kinds.value(i).to_string(), bytes.value(i).to_vec())).collect())
}

fn malformed() -> SparkError {
    SparkError::internal("malformed data source plan from the Python worker")
}

/// Spark's `PYTHON_DATA_SOURCE_ERROR` for what the data source's code raised
/// while its instance was created (`create`, `instance`) or its reader
/// made (`initialize`, `reader`).
fn data_source_failed(action: &str, kind: &str, traceback: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "PYTHON_DATA_SOURCE_ERROR",
        "38000",
        format!("Failed to {action} Python data source {kind}: {traceback}"),
        &[("action", action.to_string()), ("msg", traceback.to_string()), ("type", kind.to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn planning_errors_carry_the_traceback() {
        let error = data_source_failed("create", "instance", "Traceback ...\nValueError: no\n");
        assert_eq!(error.error_class, "PYTHON_DATA_SOURCE_ERROR");
        assert_eq!(error.message, "Failed to create Python data source instance: Traceback ...\nValueError: no\n");
    }
}
