//! Reads of Python data sources registered with `spark.dataSource.register`
//! (`spark.read.format(name).load()`): the source is created and its read
//! planned in a Python worker, then each of its partitions is read by one
//! call of its read function.

use std::sync::Arc;

use datafusion::arrow::array::{BinaryArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Fields, Schema};
use datafusion::common::DFSchema;
use datafusion::datasource::{MemTable, provider_as_source};
use datafusion::logical_expr::{Extension, LogicalPlan, LogicalPlanBuilder};
use ember_protocol::connect;
use ember_python::{
    DataSourceFunction, MapCall, MapInPython, PythonDataSourceClass, PythonFunction, SourceSchema, create_data_source, plan_data_source_read,
};

use crate::error::{Result, SparkError, from_type_error};
use crate::plan::Planner;

/// PySpark's eval type of a data source's read function (`SQL_MAP_ARROW_ITER_UDF`).
const READ_EVAL_TYPE: i32 = 207;

impl Planner<'_> {
    /// The read of a registered Python data source, or `None` when the
    /// format names none.
    pub(crate) fn python_data_source_read(&mut self, source: &connect::read::DataSource) -> Result<Option<LogicalPlan>> {
        use connect::common_inline_user_defined_data_source::DataSource as Registered;
        let Some(format) = source.format.as_deref() else { return Ok(None) };
        let Some(registered) = self.catalog.python_data_source(format) else { return Ok(None) };
        let Some(Registered::PythonDataSource(python)) = &registered.data_source else {
            return Err(SparkError::unsupported("data sources other than Python data sources"));
        };
        let class = PythonDataSourceClass { name: format.to_string(), command: python.command.clone(), python_ver: python.python_ver.clone() };
        let tz = self.config.time_zone.clone();
        let to_json = |t: &DataType| ember_types::to_json_type(t).map_err(from_type_error);
        let user_schema = match source.schema.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(text) => Some(to_json(&ember_types::parse_schema_string(text, &tz).map_err(from_type_error)?)?),
            None => None,
        };
        let mut options: Vec<(String, String)> = source.options.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        options.sort();
        if !source.paths.is_empty() {
            options.push(("path".to_string(), source.paths.join(",")));
        }
        let runner_conf = self.config.python_runner_conf.clone();
        let created = create_data_source(&class, user_schema.as_deref(), &options, &runner_conf)?;
        let schema = match &created.schema {
            SourceSchema::Ddl(ddl) => DataType::Struct(ember_types::parse_ddl_schema(ddl, &tz).map_err(from_type_error)?),
            SourceSchema::Json(json) => ember_types::json::parse_json_type(json, &tz).map_err(from_type_error)?,
        };
        let DataType::Struct(fields) = &schema else {
            return Err(SparkError::illegal_argument("the schema of a Python data source must be a struct"));
        };
        let read = plan_data_source_read(
            &class,
            &created.instance,
            &to_json(&schema)?,
            self.config.arrow_max_records_per_batch,
            false,
            &runner_conf,
        )?;
        let input = partitions_plan(format, &read.partitions)?;
        let partition_type = DataType::Struct(Fields::from(vec![partition_field()]));
        let call = MapCall {
            function: PythonFunction {
                name: format.to_string(),
                eval_type: READ_EVAL_TYPE,
                command: Arc::new(read.command),
                python_ver: python.python_ver.clone(),
                deterministic: true,
            },
            input_type_json: to_json(&partition_type)?,
            runner_conf,
            input_names: vec![partition_field().name().clone()],
            table_function: None,
            data_source: Some(DataSourceFunction::Read),
        };
        let schema = Arc::new(DFSchema::from_unqualified_fields(fields.clone(), Default::default())?);
        Ok(Some(LogicalPlan::Extension(Extension { node: Arc::new(MapInPython { input, call, schema }) })))
    }
}

fn partition_field() -> Field {
    Field::new("partition", DataType::Binary, true)
}

/// One row per pickled partition, each in its own DataFusion partition.
fn partitions_plan(name: &str, partitions: &[Vec<u8>]) -> Result<LogicalPlan> {
    let schema = Arc::new(Schema::new(vec![partition_field()]));
    let batches = partitions
        .iter()
        .map(|p| Ok(vec![RecordBatch::try_new(schema.clone(), vec![Arc::new(BinaryArray::from(vec![p.as_slice()]))])?]))
        .collect::<Result<Vec<_>>>()?;
    let table = MemTable::try_new(schema, batches)?;
    Ok(LogicalPlanBuilder::scan(name, provider_as_source(Arc::new(table)), None)?.build()?)
}
