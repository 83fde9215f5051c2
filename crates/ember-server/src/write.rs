//! The `WriteOperation` command: `df.write...save(path)` through `ember-sources`
//! (table writes go to [`crate::table_writes`]).


use arrow::datatypes::{Schema, SchemaRef};
use datafusion::logical_expr::LogicalPlan;
use ember_planner::SparkError;
use ember_protocol::connect::{self, write_operation};
use ember_sources::{Options, SaveMode, WriteRequest};

use crate::execute::{output_schema, plan};
use crate::session::Session;

/// Runs a `DataFrameWriter` save to a path.
pub async fn run(session: &Session, write: connect::WriteOperation) -> Result<(), SparkError> {
    let input = write.input.as_ref().ok_or_else(|| SparkError::illegal_argument("write without an input"))?;
    let table_save = matches!(write.save_type, Some(write_operation::SaveType::Table(_)));
    if !table_save && (write.bucket_by.is_some() || !write.clustering_columns.is_empty()) {
        return Err(SparkError::unsupported("bucketBy and clusterBy in writes to paths"));
    }
    if write.bucket_by.is_none() && !write.sort_column_names.is_empty() {
        return Err(SparkError::unsupported("sortBy without bucketBy"));
    }
    if let Some(class) = crate::python_write::registered_class(session, &write) {
        return crate::python_write::save(session, &write, input, class).await;
    }
    let options = Options::new(&write.options);
    let path = match &write.save_type {
        Some(write_operation::SaveType::Path(path)) => path.clone(),
        Some(write_operation::SaveType::Table(table)) => {
            return crate::table_writes::save_to_table(session, &write, table, input).await;
        }
        None => options
            .get("path")
            .map(str::to_string)
            .ok_or_else(|| SparkError::illegal_argument("'path' is not specified"))?,
    };
    let mode = match write_operation::SaveMode::try_from(write.mode).unwrap_or(write_operation::SaveMode::Unspecified) {
        write_operation::SaveMode::Append => SaveMode::Append,
        write_operation::SaveMode::Overwrite => SaveMode::Overwrite,
        write_operation::SaveMode::Ignore => SaveMode::Ignore,
        write_operation::SaveMode::ErrorIfExists | write_operation::SaveMode::Unspecified => SaveMode::ErrorIfExists,
    };
    let planned = plan(session, input)?;
    let schema = output_schema(&planned)?;
    let session_conf = file_source_conf(session);
    let request = WriteRequest {
        format: ember_sources::source_format(write.source.as_deref(), &session_conf),
        path,
        mode,
        partition_by: write.partitioning_columns.clone(),
        options,
        session_conf,
        buckets: None,
    };
    // Spark refuses duplicate column names before it looks at the
    // destination, for every file format but CSV.
    if !request.format.eq_ignore_ascii_case("csv") {
        let case_sensitive = session.conf.read().unwrap_or_else(|e| e.into_inner()).planner_config().case_sensitive;
        check_unique_column_names(&schema, case_sensitive)?;
    }
    write_files(session, planned.plan, schema, &request).await
}

/// Writes the rows of `plan` as `request` says, one file per partition as
/// Spark cuts them.
pub(crate) async fn write_files(session: &Session, plan: LogicalPlan, schema: SchemaRef, request: &WriteRequest) -> Result<(), SparkError> {
    let state = session.ctx.state();
    let plan = ember_planner::in_written_partitions(plan, state.config().target_partitions());
    ember_sources::write(&state, plan, schema, request).await
}

/// `[COLUMN_ALREADY_EXISTS]` for the first column whose name an earlier one
/// has (ignoring case unless `case_sensitive`; the name then in lower case).
fn check_unique_column_names(schema: &Schema, case_sensitive: bool) -> Result<(), SparkError> {
    match ember_types::names::first_duplicate_name(schema.fields().iter().map(|f| f.name().as_str()), case_sensitive) {
        Some(name) => Err(SparkError::column_already_exists(&name)),
        None => Ok(()),
    }
}

/// The session's `spark.sql.files.*` and `spark.sql.sources.*` settings that writes honour.
pub(crate) fn file_source_conf(session: &Session) -> Options {
    let file_conf = session.conf.read().unwrap_or_else(|e| e.into_inner()).planner_config().file_source_conf;
    Options::new(file_conf.iter().map(|(k, v)| (k, v)))
}
