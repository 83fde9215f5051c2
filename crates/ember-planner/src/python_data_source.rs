//! Reads of Python data sources registered with `spark.dataSource.register`
//! (`spark.read.format(name).load()`): the source is created and its read
//! planned in a Python worker, then each of its partitions is read by one
//! call of its read function.

use std::sync::Arc;

use datafusion::arrow::array::{BinaryArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Field, Fields, Schema};
use datafusion::common::{Column, DFSchema};
use datafusion::datasource::{MemTable, provider_as_source};
use datafusion::logical_expr::utils::{conjunction, split_conjunction_owned};
use datafusion::logical_expr::{EmptyRelation, Expr, Extension, LogicalPlan, LogicalPlanBuilder};
use ember_protocol::connect;
use ember_python::{
    DataSourceFunction, MapCall, MapInPython, PythonDataSourceClass, PythonFunction, SourceSchema, create_data_source, plan_data_source_read,
};

use crate::error::{Result, SparkError, from_type_error};
use crate::plan::Planner;
use crate::python_data_source_filters::{pushed_filters, simplified_conjuncts};

/// PySpark's eval type of a data source's read function (`SQL_MAP_ARROW_ITER_UDF`).
const READ_EVAL_TYPE: i32 = 207;

/// The session setting that lets readers see the filters over their reads.
const FILTER_PUSHDOWN: &str = "spark.sql.python.filterPushdown.enabled";

/// A data source instance made for a read, before its read is planned.
struct CreatedRead {
    class: PythonDataSourceClass,
    instance: Vec<u8>,
    fields: Fields,
    runner_conf: Vec<(String, String)>,
}

impl Planner<'_> {
    /// The read of a registered Python data source, or `None` when the
    /// format names none.
    pub(crate) fn python_data_source_read(&mut self, source: &connect::read::DataSource) -> Result<Option<LogicalPlan>> {
        let Some(created) = self.create_python_data_source(source)? else { return Ok(None) };
        let pushdown = self.filter_pushdown().then_some(&[][..]);
        Ok(Some(self.planned_python_read(created, pushdown)?.0))
    }

    /// `filter` over the read of a registered Python data source, when the
    /// session pushes filters into them: the reader sees the filters Spark
    /// would push; the conjuncts it accepts are its own to apply, the others
    /// filter its rows. `None` for other filters.
    pub(crate) fn python_data_source_filter(&mut self, filter: &connect::Filter) -> Result<Option<LogicalPlan>> {
        use connect::{read::ReadType, relation::RelType};
        if !self.filter_pushdown() {
            return Ok(None);
        }
        // Stacked filters (`.filter(a).filter(b)`) are one to Spark.
        let mut conditions = Vec::new();
        let mut input = Some(filter);
        let mut below = None;
        while let Some(current) = input {
            let Some(condition) = current.condition.as_ref() else { return Ok(None) };
            conditions.push(condition);
            below = current.input.as_deref().and_then(|i| i.rel_type.as_ref());
            input = match below {
                Some(RelType::Filter(inner)) => Some(inner.as_ref()),
                _ => None,
            };
        }
        let Some(RelType::Read(connect::Read { read_type: Some(ReadType::DataSource(source)), .. })) = below else {
            return Ok(None);
        };
        let Some(created) = self.create_python_data_source(source)? else { return Ok(None) };
        let schema = Arc::new(DFSchema::from_unqualified_fields(created.fields.clone(), Default::default())?);
        let placeholder = LogicalPlan::EmptyRelation(EmptyRelation { produce_one_row: false, schema });
        let mut conjuncts = Vec::new();
        for condition in conditions.into_iter().rev() {
            conjuncts.extend(split_conjunction_owned(self.plan_expr(condition, &placeholder)?.0));
        }
        let conjuncts = simplified_conjuncts(conjuncts);
        let Some(pushed) = pushed_filters(&conjuncts, placeholder.schema()) else {
            // A filter that never holds: Spark plans no read, so no reader, and no rows.
            return Ok(Some(placeholder));
        };
        let offered: Vec<serde_json::Value> = pushed.iter().map(|p| p.filter.clone()).collect();
        let (read, accepted) = self.planned_python_read(created, Some(&offered))?;
        let handled: Vec<usize> = accepted.iter().filter_map(|&i| pushed.get(i).and_then(|p| p.conjunct)).collect();
        let rejected_not_null = pushed
            .iter()
            .enumerate()
            .filter(|(i, p)| !accepted.contains(i) && p.not_null_column.is_some())
            .filter_map(|(_, p)| p.not_null_column.as_deref().map(|path| column_at(path).is_not_null()));
        let remaining: Vec<Expr> = rejected_not_null
            .chain(conjuncts.into_iter().enumerate().filter(|(i, _)| !handled.contains(i)).map(|(_, c)| c))
            .collect();
        match conjunction(remaining) {
            Some(predicate) => Ok(Some(LogicalPlanBuilder::from(read).filter(predicate)?.build()?)),
            None => Ok(Some(read)),
        }
    }

    fn filter_pushdown(&self) -> bool {
        self.config.python_runner_conf.iter().any(|(k, v)| k == FILTER_PUSHDOWN && v.eq_ignore_ascii_case("true"))
    }

    /// The data source instance of a read of a registered Python data
    /// source, with its schema; `None` when the format names none.
    fn create_python_data_source(&mut self, source: &connect::read::DataSource) -> Result<Option<CreatedRead>> {
        use connect::common_inline_user_defined_data_source::DataSource as Registered;
        let Some(format) = source.format.as_deref() else { return Ok(None) };
        let Some(registered) = self.catalog.python_data_source(format) else { return Ok(None) };
        let Some(Registered::PythonDataSource(python)) = &registered.data_source else {
            return Err(SparkError::unsupported("data sources other than Python data sources"));
        };
        let class = PythonDataSourceClass { name: format.to_string(), command: python.command.clone(), python_ver: python.python_ver.clone() };
        let tz = self.config.time_zone.clone();
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
        let DataType::Struct(fields) = schema else {
            return Err(SparkError::illegal_argument("the schema of a Python data source must be a struct"));
        };
        Ok(Some(CreatedRead { class, instance: created.instance, fields, runner_conf }))
    }

    /// The read of a created instance, its reader offered `filters` when
    /// pushdown is on, and which of them it accepted.
    fn planned_python_read(&mut self, created: CreatedRead, filters: Option<&[serde_json::Value]>) -> Result<(LogicalPlan, Vec<usize>)> {
        let CreatedRead { class, instance, fields, runner_conf } = created;
        let schema_json = to_json(&DataType::Struct(fields.clone()))?;
        let read = plan_data_source_read(&class, &instance, &schema_json, self.config.arrow_max_records_per_batch, filters, &runner_conf)?;
        let input = partitions_plan(&class.name, &read.partitions)?;
        let partition_type = DataType::Struct(Fields::from(vec![partition_field()]));
        let call = MapCall {
            function: PythonFunction {
                name: class.name.clone(),
                eval_type: READ_EVAL_TYPE,
                command: Arc::new(read.command),
                python_ver: class.python_ver.clone(),
                deterministic: true,
            },
            input_type_json: to_json(&partition_type)?,
            runner_conf,
            input_names: vec![partition_field().name().clone()],
            table_function: None,
            data_source: Some(DataSourceFunction::Read),
        };
        let schema = Arc::new(DFSchema::from_unqualified_fields(fields, Default::default())?);
        let plan = LogicalPlan::Extension(Extension { node: Arc::new(MapInPython { input, call, schema }) });
        Ok((plan, read.accepted_filters))
    }
}

/// The column at a path (`["x", "y"]` is `x.y`).
fn column_at(path: &[String]) -> Expr {
    let (name, fields) = path.split_first().map(|(n, f)| (n.as_str(), f)).unwrap_or(("", &[]));
    fields.iter().fold(Expr::Column(Column::new_unqualified(name)), |e, f| datafusion::functions::core::expr_fn::get_field(e, f.as_str()))
}

fn to_json(data_type: &DataType) -> Result<String> {
    ember_types::to_json_type(data_type).map_err(from_type_error)
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
