//! `df.write.format(name).save()` into a Python data source registered with
//! `spark.dataSource.register`: the writer is made in a Python worker, each
//! partition of the rows goes through its write function, and the writer's
//! `commit` (or, when a task failed, `abort`) ends the write.

use std::sync::Arc;

use arrow::array::{Array, BinaryArray, RecordBatch};
use arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::DFSchema;
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::{Extension, LogicalPlan};
use datafusion::physical_plan::ExecutionPlanProperties;
use ember_planner::{ErrorKind, SparkError};
use futures::TryStreamExt;
use ember_protocol::connect::{self, common_inline_user_defined_data_source::DataSource, write_operation};
use ember_python::{DataSourceFunction, MapCall, MapInPython, PythonDataSourceClass, PythonFunction};

use crate::execute::{output_schema, plan};
use crate::session::Session;

/// PySpark's eval type of a data source's write function (`SQL_MAP_ARROW_ITER_UDF`).
const WRITE_EVAL_TYPE: i32 = 207;

/// The registered Python data source a write's format names, if any.
pub(crate) fn registered_class(session: &Session, write: &connect::WriteOperation) -> Option<PythonDataSourceClass> {
    use ember_planner::Catalog;
    let name = write.source.as_deref()?;
    let registered = session.python_data_source(name)?;
    let Some(DataSource::PythonDataSource(python)) = registered.data_source else { return None };
    Some(PythonDataSourceClass { name: name.to_string(), command: python.command, python_ver: python.python_ver })
}

/// Writes the input's rows into the data source.
pub(crate) async fn save(
    session: &Session,
    write: &connect::WriteOperation,
    input: &connect::Relation,
    class: PythonDataSourceClass,
) -> Result<(), SparkError> {
    let overwrite = match write_operation::SaveMode::try_from(write.mode).unwrap_or(write_operation::SaveMode::Unspecified) {
        write_operation::SaveMode::Overwrite => true,
        write_operation::SaveMode::Append => false,
        write_operation::SaveMode::Ignore => return Err(unsupported_mode(&class.name, "Ignore")),
        _ => return Err(unsupported_mode(&class.name, "ErrorIfExists")),
    };
    let mut options: Vec<(String, String)> = write.options.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    options.sort();
    if let Some(write_operation::SaveType::Path(path)) = &write.save_type {
        options.push(("path".to_string(), path.clone()));
    }
    let planned = plan(session, input)?;
    let schema = output_schema(&planned)?;
    let to_json = |t: &DataType| ember_types::to_json_type(t).map_err(|e| SparkError::internal(e.to_string()));
    let schema_json = to_json(&DataType::Struct(schema.fields().clone()))?;
    let runner_conf = session.conf.read().unwrap_or_else(|e| e.into_inner()).planner_config().python_runner_conf;
    let prepared = ember_python::prepare_data_source_write(&class, &schema_json, &options, overwrite, &runner_conf)?;
    let message_fields = Fields::from(vec![Field::new("message", DataType::Binary, true)]);
    let call = MapCall {
        function: PythonFunction {
            name: class.name.clone(),
            eval_type: WRITE_EVAL_TYPE,
            command: Arc::new(prepared.command),
            python_ver: class.python_ver.clone(),
            deterministic: true,
        },
        input_type_json: schema_json,
        runner_conf: runner_conf.clone(),
        input_names: planned.names.clone(),
        table_function: None,
        data_source: Some(DataSourceFunction::Write),
    };
    let node = MapInPython {
        input: planned.plan,
        call,
        schema: Arc::new(DFSchema::from_unqualified_fields(message_fields, Default::default())?),
    };
    let physical = DataFrame::new(session.ctx.state(), LogicalPlan::Extension(Extension { node: Arc::new(node) }))
        .create_physical_plan()
        .await?;
    let tasks = (0..physical.output_partitioning().partition_count()).map(|partition| {
        let (physical, context) = (physical.clone(), session.ctx.task_ctx());
        async move { commit_messages(physical.execute(partition, context)?.try_collect::<Vec<_>>().await?) }
    });
    let results: Vec<Result<Vec<Vec<u8>>, SparkError>> = futures::future::join_all(tasks).await;
    let failure = results.iter().find_map(|r| r.as_ref().err().cloned());
    // Each task's message; a failed task's is `None`, as Spark gives `abort`.
    let messages: Vec<Option<Vec<u8>>> =
        results.into_iter().flat_map(|r| r.map(|m| m.into_iter().map(Some).collect()).unwrap_or_else(|_| vec![None])).collect();
    match failure {
        None => ember_python::finish_data_source_write(&class, &prepared.writer, &messages, false, &runner_conf),
        Some(error) => {
            ember_python::finish_data_source_write(&class, &prepared.writer, &messages, true, &runner_conf)?;
            Err(error)
        }
    }
}

/// The pickled commit messages a task's write function answered.
fn commit_messages(batches: Vec<RecordBatch>) -> Result<Vec<Vec<u8>>, SparkError> {
    let mut messages = Vec::new();
    for batch in &batches {
        let column =
            batch.column(0).as_any().downcast_ref::<BinaryArray>().ok_or_else(|| SparkError::internal("commit messages are not binary"))?;
        messages.extend((0..column.len()).filter(|i| column.is_valid(*i)).map(|i| column.value(i).to_vec()));
    }
    Ok(messages)
}

/// Spark's `UNSUPPORTED_DATA_SOURCE_SAVE_MODE`: Python data sources take
/// only `append` and `overwrite`.
fn unsupported_mode(source: &str, mode: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "UNSUPPORTED_DATA_SOURCE_SAVE_MODE",
        "0A000",
        format!("The data source \"{source}\" cannot be written in the \"{mode}\" mode. Please use either the \"Append\" or \"Overwrite\" mode instead."),
        &[("createMode", format!("\"{mode}\"")), ("source", source.to_string())],
    )
}
