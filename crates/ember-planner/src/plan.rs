//! Relations: Spark Connect `Relation` messages to DataFusion logical plans.

use std::collections::{HashMap, HashSet};
use std::io::Cursor;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::ipc::reader::StreamReader;
use datafusion::catalog::MemTable;
use datafusion::common::{Column, JoinType, ScalarValue};
use datafusion::datasource::provider_as_source;
use datafusion::execution::context::SessionContext;
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::{
    Expr, ExprSchemable, LogicalPlan, LogicalPlanBuilder, SortExpr, col, lit,
};
use ember_protocol::connect::{self, relation::RelType};

use crate::config::PlannerConfig;
use crate::error::{Result, SparkError};
use crate::names::{same_name, split_name_parts};

/// What a plan's column is called in Spark, and how it may be referenced.
#[derive(Debug, Clone, Default)]
pub struct ColumnInfo {
    /// The Spark column name (may repeat within one schema).
    pub name: String,
    /// The alias qualifier (`df.alias("t")` or `FROM x AS t`), if any.
    pub qualifier: Option<String>,
    /// The Spark Connect plan ids whose output this column is part of.
    pub plan_ids: Vec<i64>,
}

/// What the planner needs to know about the session it plans for.
pub trait Catalog {
    /// The relation behind a temporary view, looked up by name.
    fn temp_view(&self, name: &str) -> Option<connect::Relation>;
    /// The bytes of a cached artifact (`cache/<hash>`), if the client sent it.
    fn cached_artifact(&self, hash: &str) -> Option<Arc<Vec<u8>>>;
}

/// A planned query: the DataFusion plan and the Spark name of each of its
/// output columns, in order.
#[derive(Debug, Clone)]
pub struct PlannedQuery {
    /// The logical plan; its fields have internal names.
    pub plan: LogicalPlan,
    /// Spark's names for the plan's output columns.
    pub names: Vec<String>,
}

impl PlannedQuery {
    /// The output schema with Spark's column names.
    pub fn spark_schema(&self) -> SchemaRef {
        let fields: Vec<Field> = self
            .plan
            .schema()
            .fields()
            .iter()
            .zip(&self.names)
            .map(|(f, name)| f.as_ref().clone().with_name(name))
            .collect();
        Arc::new(Schema::new(fields))
    }
}

static NEXT_COLUMN_ID: AtomicU64 = AtomicU64::new(0);

/// A fresh internal column name, unique in this process.
pub(crate) fn fresh_name() -> String {
    format!("#{}", NEXT_COLUMN_ID.fetch_add(1, Ordering::Relaxed))
}

/// Plans one request's relations and expressions.
pub struct Planner<'a> {
    pub(crate) ctx: &'a SessionContext,
    pub(crate) config: &'a PlannerConfig,
    pub(crate) catalog: &'a dyn Catalog,
    pub(crate) columns: HashMap<String, ColumnInfo>,
    /// Temp views being expanded, to stop a view that refers to itself.
    expanding: Vec<String>,
}

impl<'a> Planner<'a> {
    /// A planner over a session's function registry, settings and catalog.
    pub fn new(ctx: &'a SessionContext, config: &'a PlannerConfig, catalog: &'a dyn Catalog) -> Self {
        Planner { ctx, config, catalog, columns: HashMap::new(), expanding: Vec::new() }
    }

    /// Plans a root relation.
    pub fn plan_query(&mut self, rel: &connect::Relation) -> Result<PlannedQuery> {
        let plan = self.plan_relation(rel)?;
        let names = self.spark_names(&plan);
        Ok(PlannedQuery { plan, names })
    }

    /// The Spark names of a plan's output columns.
    pub(crate) fn spark_names(&self, plan: &LogicalPlan) -> Vec<String> {
        plan.schema()
            .fields()
            .iter()
            .map(|f| self.columns.get(f.name()).map(|c| c.name.clone()).unwrap_or_else(|| f.name().clone()))
            .collect()
    }

    pub(crate) fn info(&self, internal: &str) -> ColumnInfo {
        self.columns.get(internal).cloned().unwrap_or_else(|| ColumnInfo {
            name: internal.to_string(),
            ..Default::default()
        })
    }

    /// Plans any relation.
    pub fn plan_relation(&mut self, rel: &connect::Relation) -> Result<LogicalPlan> {
        let rel_type = rel
            .rel_type
            .as_ref()
            .ok_or_else(|| SparkError::illegal_argument("relation without a type"))?;
        let plan = match rel_type {
            RelType::LocalRelation(local) => self.local_relation(local.data.as_deref(), local.schema.as_deref())?,
            RelType::CachedLocalRelation(cached) => {
                let data = self.artifact(&cached.hash)?;
                self.local_relation(Some(&data), None)?
            }
            RelType::ChunkedCachedLocalRelation(chunked) => self.chunked_local_relation(chunked)?,
            RelType::Range(range) => self.range(range)?,
            RelType::Read(read) => self.read(read)?,
            RelType::Sql(sql) => self.sql_relation(sql)?,
            RelType::Project(project) => {
                let input = match &project.input {
                    Some(input) => self.plan_relation(input)?,
                    None => LogicalPlanBuilder::empty(true).build()?,
                };
                self.project(input, &project.expressions)?
            }
            RelType::Filter(filter) => {
                let input = self.input(&filter.input)?;
                let condition = filter
                    .condition
                    .as_ref()
                    .ok_or_else(|| SparkError::illegal_argument("filter without a condition"))?;
                let (predicate, _) = self.plan_expr(condition, &input)?;
                LogicalPlanBuilder::from(input).filter(predicate)?.build()?
            }
            RelType::Sort(sort) => {
                let input = self.input(&sort.input)?;
                let exprs = sort
                    .order
                    .iter()
                    .map(|o| self.sort_order(o, &input))
                    .collect::<Result<Vec<_>>>()?;
                LogicalPlanBuilder::from(input).sort(exprs)?.build()?
            }
            RelType::Limit(limit) => {
                let input = self.input(&limit.input)?;
                LogicalPlanBuilder::from(input).limit(0, Some(non_negative(limit.limit)?))?.build()?
            }
            RelType::Offset(offset) => {
                let input = self.input(&offset.input)?;
                LogicalPlanBuilder::from(input).limit(non_negative(offset.offset)?, None)?.build()?
            }
            RelType::Tail(tail) => {
                let input = self.input(&tail.input)?;
                self.tail(input, non_negative(tail.limit)?)?
            }
            RelType::ToDf(to_df) => {
                let input = self.input(&to_df.input)?;
                let fields = input.schema().fields().len();
                if fields != to_df.column_names.len() {
                    return Err(SparkError::new(
                        crate::ErrorKind::IllegalArgument,
                        "INVALID_COLUMN_NAMES_FOR_TODF",
                        "42K0H",
                        format!(
                            "The number of columns doesn't match.\nOld column names ({fields}): {}\nNew column names ({}): {}",
                            self.spark_names(&input).join(", "),
                            to_df.column_names.len(),
                            to_df.column_names.join(", ")
                        ),
                        &[],
                    ));
                }
                let renamed = self.columns_of(&input).into_iter().zip(&to_df.column_names).map(
                    |((expr, mut info), name)| {
                        info.name = name.clone();
                        info.qualifier = None;
                        (expr, info)
                    },
                );
                self.project_infos(input, renamed.collect())?
            }
            RelType::WithColumnsRenamed(renamed) => {
                let input = self.input(&renamed.input)?;
                let mut pairs: Vec<(String, String)> =
                    renamed.renames.iter().map(|r| (r.col_name.clone(), r.new_col_name.clone())).collect();
                let mut map_pairs: Vec<_> = renamed.rename_columns_map.iter().collect();
                map_pairs.sort();
                pairs.extend(map_pairs.into_iter().map(|(k, v)| (k.clone(), v.clone())));
                let mut columns = self.columns_of(&input);
                for (from, to) in pairs {
                    for (_, info) in columns.iter_mut() {
                        if same_name(&info.name, &from, self.config.case_sensitive) {
                            info.name = to.clone();
                        }
                    }
                }
                self.project_infos(input, columns)?
            }
            RelType::WithColumns(with) => {
                let input = self.input(&with.input)?;
                self.with_columns(input, &with.aliases)?
            }
            RelType::Drop(drop) => {
                let input = self.input(&drop.input)?;
                self.drop(input, &drop.columns, &drop.column_names)?
            }
            RelType::SubqueryAlias(alias) => {
                let input = self.input(&alias.input)?;
                let columns = self
                    .columns_of(&input)
                    .into_iter()
                    .map(|(expr, mut info)| {
                        info.qualifier = Some(alias.alias.clone());
                        (expr, info)
                    })
                    .collect();
                self.project_infos(input, columns)?
            }
            RelType::Deduplicate(dedup) => {
                let input = self.input(&dedup.input)?;
                self.deduplicate(input, dedup)?
            }
            RelType::Aggregate(aggregate) => {
                let input = self.input(&aggregate.input)?;
                self.aggregate(input, aggregate)?
            }
            RelType::Join(join) => self.join(join)?,
            RelType::SetOp(set_op) => self.set_operation(set_op)?,
            RelType::Hint(hint) => self.input(&hint.input)?,
            RelType::Repartition(repartition) => self.input(&repartition.input)?,
            RelType::RepartitionByExpression(repartition) => self.input(&repartition.input)?,
            other => {
                return Err(SparkError::unsupported(format!("relation {}", relation_name(other))));
            }
        };
        if let Some(plan_id) = rel.common.as_ref().and_then(|c| c.plan_id) {
            for field in plan.schema().fields() {
                let info = self.columns.entry(field.name().clone()).or_insert_with(|| ColumnInfo {
                    name: field.name().clone(),
                    ..Default::default()
                });
                if !info.plan_ids.contains(&plan_id) {
                    info.plan_ids.push(plan_id);
                }
            }
        }
        Ok(plan)
    }

    fn input(&mut self, input: &Option<Box<connect::Relation>>) -> Result<LogicalPlan> {
        match input {
            Some(input) => self.plan_relation(input),
            None => Err(SparkError::illegal_argument("relation without an input")),
        }
    }

    /// The plan's columns as expressions with their Spark infos.
    pub(crate) fn columns_of(&self, plan: &LogicalPlan) -> Vec<(Expr, ColumnInfo)> {
        plan.schema()
            .fields()
            .iter()
            .map(|f| (Expr::Column(Column::new_unqualified(f.name())), self.info(f.name())))
            .collect()
    }

    /// Projects `columns`, giving each a fresh internal name with its info.
    pub(crate) fn project_infos(&mut self, input: LogicalPlan, columns: Vec<(Expr, ColumnInfo)>) -> Result<LogicalPlan> {
        let mut exprs = Vec::with_capacity(columns.len());
        for (expr, info) in columns {
            let name = fresh_name();
            exprs.push(expr.alias(&name));
            self.columns.insert(name, info);
        }
        Ok(LogicalPlanBuilder::from(input).project(exprs)?.build()?)
    }

    /// Registers a new column with a Spark name and returns its internal name.
    pub(crate) fn new_column(&mut self, spark_name: &str) -> String {
        let name = fresh_name();
        self.columns.insert(name.clone(), ColumnInfo { name: spark_name.to_string(), ..Default::default() });
        name
    }

    fn project(&mut self, input: LogicalPlan, expressions: &[connect::Expression]) -> Result<LogicalPlan> {
        let mut exprs = Vec::new();
        let mut used = HashSet::new();
        for expression in expressions {
            for (expr, name) in self.plan_select_item(expression, &input)? {
                // A bare column keeps its identity (so `df["a"]` still finds it),
                // unless it is selected twice.
                if let Expr::Column(c) = &expr {
                    let info = self.info(&c.name);
                    if info.name == name && used.insert(c.name.clone()) {
                        exprs.push(expr);
                        continue;
                    }
                }
                let internal = self.new_column(&name);
                exprs.push(expr.alias(internal));
            }
        }
        if input.schema().fields().is_empty() && exprs.is_empty() {
            return Ok(input);
        }
        Ok(LogicalPlanBuilder::from(input).project(exprs)?.build()?)
    }

    fn with_columns(&mut self, input: LogicalPlan, aliases: &[connect::expression::Alias]) -> Result<LogicalPlan> {
        let mut columns: Vec<(Expr, ColumnInfo)> = self.columns_of(&input);
        for alias in aliases {
            let name = alias.name.first().cloned().unwrap_or_default();
            let expression = alias
                .expr
                .as_deref()
                .ok_or_else(|| SparkError::illegal_argument("withColumns without an expression"))?;
            let (expr, _) = self.plan_expr(expression, &input)?;
            let info = ColumnInfo { name: name.clone(), ..Default::default() };
            match columns.iter().position(|(_, i)| same_name(&i.name, &name, self.config.case_sensitive)) {
                Some(pos) => columns[pos] = (expr, info),
                None => columns.push((expr, info)),
            }
        }
        let mut exprs = Vec::new();
        for (expr, info) in columns {
            match &expr {
                Expr::Column(c) if self.info(&c.name).name == info.name => exprs.push(expr),
                _ => {
                    let internal = self.new_column(&info.name);
                    exprs.push(expr.alias(internal));
                }
            }
        }
        Ok(LogicalPlanBuilder::from(input).project(exprs)?.build()?)
    }

    fn drop(&mut self, input: LogicalPlan, columns: &[connect::Expression], names: &[String]) -> Result<LogicalPlan> {
        let mut dropped: HashSet<String> = HashSet::new();
        for name in names {
            for field in input.schema().fields() {
                if same_name(&self.info(field.name()).name, name, self.config.case_sensitive) {
                    dropped.insert(field.name().clone());
                }
            }
        }
        for column in columns {
            // Dropping a column that does not exist is a no-op in Spark.
            if let Ok((Expr::Column(c), _)) = self.plan_expr(column, &input) {
                dropped.insert(c.name);
            }
        }
        let keep: Vec<Expr> = input
            .schema()
            .fields()
            .iter()
            .filter(|f| !dropped.contains(f.name()))
            .map(|f| col(Column::new_unqualified(f.name())))
            .collect();
        Ok(LogicalPlanBuilder::from(input).project(keep)?.build()?)
    }

    fn deduplicate(&mut self, input: LogicalPlan, dedup: &connect::Deduplicate) -> Result<LogicalPlan> {
        if dedup.all_columns_as_keys.unwrap_or(false) || dedup.column_names.is_empty() {
            return Ok(LogicalPlanBuilder::from(input).distinct()?.build()?);
        }
        let mut keys = Vec::new();
        for name in &dedup.column_names {
            let (expr, _) = self.resolve_column_name(name, None, &input)?;
            keys.push(expr);
        }
        let select: Vec<Expr> = input.schema().fields().iter().map(|f| col(Column::new_unqualified(f.name()))).collect();
        Ok(LogicalPlanBuilder::from(input).distinct_on(keys, select, None)?.build()?)
    }

    fn tail(&mut self, input: LogicalPlan, n: usize) -> Result<LogicalPlan> {
        let position = fresh_name();
        let columns: Vec<Expr> = input.schema().fields().iter().map(|f| col(Column::new_unqualified(f.name()))).collect();
        let numbered = LogicalPlanBuilder::from(input)
            .window(vec![row_number().alias(&position)])?
            .build()?;
        let by_position = |asc: bool| vec![col(Column::new_unqualified(&position)).sort(asc, false)];
        Ok(LogicalPlanBuilder::from(numbered)
            .sort(by_position(false))?
            .limit(0, Some(n))?
            .sort(by_position(true))?
            .project(columns)?
            .build()?)
    }

    fn range(&mut self, range: &connect::Range) -> Result<LogicalPlan> {
        let start = range.start.unwrap_or(0);
        if range.step == 0 {
            return Err(SparkError::illegal_argument("The step of a range must not be 0"));
        }
        let args = [lit(start), lit(range.end), lit(range.step)];
        let state = self.ctx.state();
        let provider = self
            .ctx
            .table_function("range")?
            .create_table_provider_with_args(datafusion::catalog::TableFunctionArgs::new(&args, &state))?;
        let scan = LogicalPlanBuilder::scan("range", provider_as_source(provider), None)?.build()?;
        let value = scan.schema().field(0).name().clone();
        let id = self.new_column("id");
        // Spark's `id` is a non-nullable bigint.
        Ok(LogicalPlanBuilder::from(scan)
            .project(vec![col(Column::new_unqualified(value)).alias(id)])?
            .build()?)
    }

    fn artifact(&self, hash: &str) -> Result<Arc<Vec<u8>>> {
        self.catalog.cached_artifact(hash).ok_or_else(|| {
            SparkError::new(
                crate::ErrorKind::Analysis,
                "CACHED_LOCAL_RELATION_NOT_FOUND",
                "42000",
                format!("The cached local relation with hash {hash} was not found in this session."),
                &[("hash", hash.to_string())],
            )
        })
    }

    fn chunked_local_relation(&mut self, chunked: &connect::ChunkedCachedLocalRelation) -> Result<LogicalPlan> {
        let schema = match &chunked.schema_hash {
            Some(hash) => Some(String::from_utf8_lossy(&self.artifact(hash)?).into_owned()),
            None => None,
        };
        let mut batches = Vec::new();
        for hash in &chunked.data_hashes {
            batches.extend(read_ipc(&self.artifact(hash)?)?.1);
        }
        self.batches_relation(batches, None, schema.as_deref())
    }

    fn local_relation(&mut self, data: Option<&[u8]>, schema: Option<&str>) -> Result<LogicalPlan> {
        match data {
            Some(data) => {
                let (ipc_schema, batches) = read_ipc(data)?;
                self.batches_relation(batches, Some(ipc_schema), schema)
            }
            None => self.batches_relation(Vec::new(), None, schema),
        }
    }

    /// A relation over in-memory batches, cast to `schema` (Spark's JSON or
    /// DDL form) when the client gives one.
    fn batches_relation(
        &mut self,
        batches: Vec<RecordBatch>,
        ipc_schema: Option<SchemaRef>,
        schema: Option<&str>,
    ) -> Result<LogicalPlan> {
        let tz = self.config.time_zone.clone();
        let declared: Option<Vec<Field>> = match schema {
            Some(text) => Some(parse_schema_string(text, &tz)?),
            None => None,
        };
        let source = ipc_schema.or_else(|| batches.first().map(|b| b.schema()));
        let target: Vec<Field> = match (&declared, &source) {
            (Some(declared), Some(source)) if declared.len() == source.fields().len() => declared
                .iter()
                .zip(source.fields())
                .map(|(d, s)| d.clone().with_nullable(d.is_nullable() || s.is_nullable()))
                .collect(),
            (Some(declared), _) => declared.clone(),
            (None, Some(source)) => source
                .fields()
                .iter()
                .map(|f| {
                    let spark = ember_types::to_proto(f.data_type())
                        .and_then(|proto| ember_types::from_proto(&proto, &tz))
                        .map_err(crate::error::from_type_error)?;
                    Ok(Field::new(f.name(), spark, f.is_nullable()))
                })
                .collect::<Result<Vec<_>>>()?,
            (None, None) => Vec::new(),
        };
        let mut internal_fields = Vec::new();
        for field in &target {
            let internal = self.new_column(field.name());
            internal_fields.push(field.clone().with_name(internal));
        }
        let internal_schema = Arc::new(Schema::new(internal_fields));
        let mut converted = Vec::with_capacity(batches.len());
        for batch in batches {
            if batch.num_columns() != internal_schema.fields().len() {
                return Err(SparkError::illegal_argument(format!(
                    "the local data has {} columns but the schema has {}",
                    batch.num_columns(),
                    internal_schema.fields().len()
                )));
            }
            let columns = batch
                .columns()
                .iter()
                .zip(internal_schema.fields())
                .map(|(array, field)| cast(array, field.data_type()))
                .collect::<std::result::Result<Vec<_>, _>>()?;
            converted.push(RecordBatch::try_new_with_options(
                internal_schema.clone(),
                columns,
                &datafusion::arrow::array::RecordBatchOptions::new().with_row_count(Some(batch.num_rows())),
            )?);
        }
        let table = MemTable::try_new(internal_schema, vec![converted])?;
        Ok(LogicalPlanBuilder::scan("local", provider_as_source(Arc::new(table)), None)?.build()?)
    }

    fn read(&mut self, read: &connect::Read) -> Result<LogicalPlan> {
        match &read.read_type {
            Some(connect::read::ReadType::NamedTable(table)) => self.named_table(&table.unparsed_identifier),
            Some(connect::read::ReadType::DataSource(source)) => Err(SparkError::unsupported(format!(
                "reading data source {}",
                source.format.clone().unwrap_or_default()
            ))),
            None => Err(SparkError::illegal_argument("read without a source")),
        }
    }

    /// Resolves a table or view name.
    pub(crate) fn named_table(&mut self, identifier: &str) -> Result<LogicalPlan> {
        let parts = split_name_parts(identifier);
        let view = match parts.as_slice() {
            [name] => self.catalog.temp_view(name).map(|v| (name.clone(), v)),
            _ => None,
        };
        let Some((name, relation)) = view else {
            return Err(SparkError::table_not_found(identifier));
        };
        let key = name.to_lowercase();
        if self.expanding.contains(&key) {
            return Err(SparkError::new(
                crate::ErrorKind::Analysis,
                "RECURSIVE_VIEW",
                "42K0H",
                format!("Recursive view `{name}` detected (cycle: `{name}` -> `{name}`)."),
                &[("viewIdent", format!("`{name}`")), ("newPath", format!("`{name}` -> `{name}`"))],
            ));
        }
        self.expanding.push(key);
        let planned = self.plan_relation(&relation);
        self.expanding.pop();
        let plan = planned?;
        // Each read of a view gets its own columns, qualified by the view name.
        let columns = self
            .columns_of(&plan)
            .into_iter()
            .map(|(expr, info)| {
                (expr, ColumnInfo { name: info.name, qualifier: Some(name.clone()), plan_ids: Vec::new() })
            })
            .collect();
        self.project_infos(plan, columns)
    }

    fn sql_relation(&mut self, sql: &connect::Sql) -> Result<LogicalPlan> {
        let relation = crate::sql::parse_query(&sql.query)?;
        self.plan_relation(&relation)
    }

    fn aggregate(&mut self, input: LogicalPlan, aggregate: &connect::Aggregate) -> Result<LogicalPlan> {
        use connect::aggregate::GroupType;
        let group_type = GroupType::try_from(aggregate.group_type).unwrap_or(GroupType::Groupby);
        if !matches!(group_type, GroupType::Groupby | GroupType::Unspecified) {
            return Err(SparkError::unsupported(format!("aggregate {}", group_type.as_str_name())));
        }
        let mut group_exprs = Vec::new();
        let mut outputs: Vec<(Expr, String)> = Vec::new();
        for expression in &aggregate.grouping_expressions {
            let (expr, name) = self.plan_expr(expression, &input)?;
            group_exprs.push(expr.clone());
            outputs.push((expr, name));
        }
        for expression in &aggregate.aggregate_expressions {
            outputs.push(self.plan_expr(expression, &input)?);
        }
        self.aggregate_outputs(input, group_exprs, outputs)
    }

    /// Builds an aggregation whose `outputs` may nest aggregate functions in
    /// other expressions (`sum(a) + 1`): the aggregates are computed first,
    /// then a projection computes the outputs.
    pub(crate) fn aggregate_outputs(
        &mut self,
        input: LogicalPlan,
        group_exprs: Vec<Expr>,
        outputs: Vec<(Expr, String)>,
    ) -> Result<LogicalPlan> {
        use datafusion::common::tree_node::{Transformed, TreeNode};
        let mut aggregates: Vec<Expr> = Vec::new();
        for (expr, _) in &outputs {
            for found in datafusion::logical_expr::utils::find_aggregate_exprs(std::iter::once(expr)) {
                if !aggregates.contains(&found) {
                    aggregates.push(found);
                }
            }
        }
        let group_names: Vec<String> = group_exprs.iter().map(|_| fresh_name()).collect();
        let aggregate_names: Vec<String> = aggregates.iter().map(|_| fresh_name()).collect();
        let aggregated = LogicalPlanBuilder::from(input)
            .aggregate(
                group_exprs.iter().zip(&group_names).map(|(e, n)| e.clone().alias(n)).collect::<Vec<_>>(),
                aggregates.iter().zip(&aggregate_names).map(|(e, n)| e.clone().alias(n)).collect::<Vec<_>>(),
            )?
            .build()?;
        let mut projected = Vec::new();
        for (expr, name) in outputs {
            let rewritten = expr
                .transform_down(|e| {
                    if let Some(i) = aggregates.iter().position(|a| *a == e) {
                        return Ok(Transformed::new(col(Column::new_unqualified(&aggregate_names[i])), true, datafusion::common::tree_node::TreeNodeRecursion::Jump));
                    }
                    if let Some(i) = group_exprs.iter().position(|g| *g == e) {
                        return Ok(Transformed::new(col(Column::new_unqualified(&group_names[i])), true, datafusion::common::tree_node::TreeNodeRecursion::Jump));
                    }
                    Ok(Transformed::no(e))
                })?
                .data;
            let internal = self.new_column(&name);
            projected.push(rewritten.alias(internal));
        }
        let plan = LogicalPlanBuilder::from(aggregated).project(projected)?.build();
        plan.map_err(|e| {
            let spark = SparkError::from(e);
            if spark.message.contains("must appear in the GROUP BY clause") || spark.message.contains("Schema error") {
                SparkError::new(
                    crate::ErrorKind::Analysis,
                    "MISSING_AGGREGATION",
                    "42803",
                    "The non-aggregating expression is based on columns which are not participating in the GROUP BY clause.",
                    &[],
                )
            } else {
                spark
            }
        })
    }

    fn join(&mut self, join: &connect::Join) -> Result<LogicalPlan> {
        use connect::join::JoinType as SparkJoin;
        let left = self.input(&join.left)?;
        let right = self.input(&join.right)?;
        let join_type = match SparkJoin::try_from(join.join_type).unwrap_or(SparkJoin::Inner) {
            SparkJoin::Inner | SparkJoin::Unspecified | SparkJoin::Cross => JoinType::Inner,
            SparkJoin::FullOuter => JoinType::Full,
            SparkJoin::LeftOuter => JoinType::Left,
            SparkJoin::RightOuter => JoinType::Right,
            SparkJoin::LeftAnti => JoinType::LeftAnti,
            SparkJoin::LeftSemi => JoinType::LeftSemi,
        };
        if !join.using_columns.is_empty() {
            return self.join_using(left, right, join_type, &join.using_columns);
        }
        let condition = match &join.join_condition {
            Some(condition) => {
                let combined = LogicalPlanBuilder::from(left.clone()).cross_join(right.clone())?.build()?;
                Some(self.plan_expr(condition, &combined)?.0)
            }
            None => None,
        };
        let builder = LogicalPlanBuilder::from(left);
        let plan = match condition {
            Some(condition) => builder.join_on(right, join_type, vec![condition])?.build()?,
            None if join_type == JoinType::Inner => builder.cross_join(right)?.build()?,
            None => builder.join_on(right, join_type, vec![lit(true)])?.build()?,
        };
        Ok(plan)
    }

    /// `USING` join: one key column per name (coalesced for full joins),
    /// then the left's other columns, then the right's.
    fn join_using(
        &mut self,
        left: LogicalPlan,
        right: LogicalPlan,
        join_type: JoinType,
        using: &[String],
    ) -> Result<LogicalPlan> {
        let mut left_keys = Vec::new();
        let mut right_keys = Vec::new();
        for name in using {
            let (l, _) = self.resolve_column_name(name, None, &left).map_err(|_| using_column_error(name, "left", &self.spark_names(&left)))?;
            let (r, _) = self.resolve_column_name(name, None, &right).map_err(|_| using_column_error(name, "right", &self.spark_names(&right)))?;
            left_keys.push(l);
            right_keys.push(r);
        }
        let on: Vec<Expr> = left_keys.iter().zip(&right_keys).map(|(l, r)| l.clone().eq(r.clone())).collect();
        let left_fields: Vec<String> = left.schema().fields().iter().map(|f| f.name().clone()).collect();
        let right_fields: Vec<String> = right.schema().fields().iter().map(|f| f.name().clone()).collect();
        let joined = LogicalPlanBuilder::from(left).join_on(right, join_type, on)?.build()?;
        let key_name = |e: &Expr| match e {
            Expr::Column(c) => c.name.clone(),
            _ => String::new(),
        };
        let left_key_names: Vec<String> = left_keys.iter().map(key_name).collect();
        let right_key_names: Vec<String> = right_keys.iter().map(key_name).collect();
        let mut columns = Vec::new();
        for (l, r) in left_key_names.iter().zip(&right_key_names) {
            let info = self.info(l);
            let expr = match join_type {
                JoinType::Right => col(Column::new_unqualified(r)),
                JoinType::Full => datafusion::functions::expr_fn::coalesce(vec![
                    col(Column::new_unqualified(l)),
                    col(Column::new_unqualified(r)),
                ]),
                _ => col(Column::new_unqualified(l)),
            };
            columns.push((expr, info));
        }
        for name in left_fields.iter().filter(|n| !left_key_names.contains(n)) {
            columns.push((col(Column::new_unqualified(name)), self.info(name)));
        }
        if !matches!(join_type, JoinType::LeftSemi | JoinType::LeftAnti) {
            for name in right_fields.iter().filter(|n| !right_key_names.contains(n)) {
                columns.push((col(Column::new_unqualified(name)), self.info(name)));
            }
        }
        // Keep the key columns' identity so `df["key"]` still resolves.
        let exprs: Vec<Expr> = columns
            .into_iter()
            .map(|(expr, info)| match expr {
                Expr::Column(_) => expr,
                other => {
                    let internal = self.new_column(&info.name);
                    other.alias(internal)
                }
            })
            .collect();
        Ok(LogicalPlanBuilder::from(joined).project(exprs)?.build()?)
    }

    fn set_operation(&mut self, set_op: &connect::SetOperation) -> Result<LogicalPlan> {
        use connect::set_operation::SetOpType;
        let left = self.input(&set_op.left_input)?;
        let mut right = self.input(&set_op.right_input)?;
        let is_all = set_op.is_all.unwrap_or(false);
        let left_count = left.schema().fields().len();
        if set_op.by_name.unwrap_or(false) {
            right = self.align_by_name(&left, right, set_op.allow_missing_columns.unwrap_or(false))?;
        }
        let right_count = right.schema().fields().len();
        let op = SetOpType::try_from(set_op.set_op_type).unwrap_or(SetOpType::Union);
        if left_count != right_count {
            let operator = match op {
                SetOpType::Intersect => "INTERSECT",
                SetOpType::Except => "EXCEPT",
                _ => "UNION",
            };
            return Err(SparkError::new(
                crate::ErrorKind::Analysis,
                "NUM_COLUMNS_MISMATCH",
                "42826",
                format!(
                    "{operator} can only be performed on inputs with the same number of columns, but the first input has {left_count} columns and the second input has {right_count} columns."
                ),
                &[
                    ("operator", operator.to_string()),
                    ("firstNumColumns", left_count.to_string()),
                    ("invalidOrdinalNum", "second".to_string()),
                    ("invalidNumColumns", right_count.to_string()),
                ],
            ));
        }
        // The right side takes the left side's names, then types are widened.
        let left_names: Vec<String> = left.schema().fields().iter().map(|f| f.name().clone()).collect();
        let right = LogicalPlanBuilder::from(right.clone())
            .project(
                right
                    .schema()
                    .fields()
                    .iter()
                    .zip(&left_names)
                    .map(|(f, n)| col(Column::new_unqualified(f.name())).alias(n))
                    .collect::<Vec<_>>(),
            )?
            .build()?;
        let builder = LogicalPlanBuilder::from(left);
        let plan = match (op, is_all) {
            (SetOpType::Intersect, all) => LogicalPlanBuilder::intersect(builder.build()?, right, all)?,
            (SetOpType::Except, all) => LogicalPlanBuilder::except(builder.build()?, right, all)?,
            (_, true) => builder.union(right)?.build()?,
            (_, false) => builder.union_distinct(right)?.build()?,
        };
        Ok(plan)
    }

    /// Reorders (and, when allowed, completes with nulls) `right`'s columns
    /// to match `left`'s names.
    fn align_by_name(&mut self, left: &LogicalPlan, right: LogicalPlan, allow_missing: bool) -> Result<LogicalPlan> {
        let right_columns = self.columns_of(&right);
        let mut exprs = Vec::new();
        for field in left.schema().fields() {
            let name = self.info(field.name()).name;
            match right_columns.iter().find(|(_, i)| same_name(&i.name, &name, self.config.case_sensitive)) {
                Some((expr, info)) => exprs.push((expr.clone(), info.clone())),
                None if allow_missing => exprs.push((
                    Expr::Literal(ScalarValue::try_from(field.data_type())?, None),
                    ColumnInfo { name, ..Default::default() },
                )),
                None => {
                    return Err(SparkError::new(
                        crate::ErrorKind::Analysis,
                        "UNRESOLVED_COLUMN.WITH_SUGGESTION",
                        "42703",
                        format!("A column, variable, or function parameter with name `{name}` cannot be resolved."),
                        &[
                            ("objectName", format!("`{name}`")),
                            ("proposal", right_columns.iter().map(|(_, i)| format!("`{}`", i.name)).collect::<Vec<_>>().join(", ")),
                        ],
                    ));
                }
            }
        }
        if allow_missing {
            for (expr, info) in &right_columns {
                if !exprs.iter().any(|(_, i)| same_name(&i.name, &info.name, self.config.case_sensitive)) {
                    exprs.push((expr.clone(), info.clone()));
                }
            }
        }
        self.project_infos(right, exprs)
    }

    /// A sort key.
    pub(crate) fn sort_order(&mut self, order: &connect::expression::SortOrder, input: &LogicalPlan) -> Result<SortExpr> {
        use connect::expression::sort_order::{NullOrdering, SortDirection};
        let child = order
            .child
            .as_deref()
            .ok_or_else(|| SparkError::illegal_argument("sort order without an expression"))?;
        let (expr, _) = self.plan_expr(child, input)?;
        let ascending = SortDirection::try_from(order.direction).unwrap_or(SortDirection::Ascending) != SortDirection::Descending;
        let nulls_first = match NullOrdering::try_from(order.null_ordering).unwrap_or(NullOrdering::SortNullsUnspecified) {
            NullOrdering::SortNullsFirst => true,
            NullOrdering::SortNullsLast => false,
            NullOrdering::SortNullsUnspecified => ascending,
        };
        Ok(expr.sort(ascending, nulls_first))
    }

    /// The type an expression has over `input`.
    pub(crate) fn type_of(&self, expr: &Expr, input: &LogicalPlan) -> Result<DataType> {
        Ok(expr.get_type(input.schema())?)
    }
}

fn using_column_error(name: &str, side: &str, columns: &[String]) -> SparkError {
    SparkError::new(
        crate::ErrorKind::Analysis,
        "UNRESOLVED_USING_COLUMN_FOR_JOIN",
        "42703",
        format!(
            "USING column `{name}` cannot be resolved on the {side} side of the join. The {side}-side columns: [{}].",
            columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
        ),
        &[
            ("colName", format!("`{name}`")),
            ("side", side.to_string()),
            ("suggestion", columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")),
        ],
    )
}

fn non_negative(n: i32) -> Result<usize> {
    usize::try_from(n).map_err(|_| SparkError::illegal_argument(format!("The limit must not be negative, but got {n}")))
}

/// Reads an Arrow IPC stream.
fn read_ipc(data: &[u8]) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let reader = StreamReader::try_new(Cursor::new(data), None)?;
    let schema = reader.schema();
    let batches = reader.collect::<std::result::Result<Vec<_>, _>>()?;
    Ok((schema, batches))
}

/// Parses a schema the client sent: Spark's JSON form or a DDL string.
pub(crate) fn parse_schema_string(text: &str, tz: &str) -> Result<Vec<Field>> {
    let data_type = if text.trim_start().starts_with('{') {
        ember_types::parse_json_type(text, tz)
    } else {
        ember_types::parse_ddl(text, tz)
    }
    .map_err(crate::error::from_type_error)?;
    match data_type {
        DataType::Struct(fields) => Ok(fields.iter().map(|f| f.as_ref().clone()).collect()),
        other => Ok(vec![Field::new("value", other, true)]),
    }
}

fn relation_name(rel: &RelType) -> String {
    let debug = format!("{rel:?}");
    debug.split('(').next().unwrap_or("unknown").to_string()
}
