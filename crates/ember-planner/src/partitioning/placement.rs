//! `spark_partition_id()` and `monotonically_increasing_id()`, and
//! `input_file_name()` with `input_file_block_start()`/`_length()`: planned
//! as markers, then replaced by a column appended right below the plan node
//! that uses them (by a [`PartitionValue`] node, or by the file scans).

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, Result};
use datafusion::datasource::source_as_provider;
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{
    Aggregate, ColumnarValue, Distinct, Expr, LogicalPlan, LogicalPlanBuilder, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility, cast, col,
};

use ember_sources::input_file_columns::FileColumn;

use super::adaptive::AdaptiveCoalescing;
use super::nodes::{PartitionValue, PartitionValueKind, RepartitionScheme, SparkRepartition};
use super::range::SparkRange;

/// What a marker reads of the row it is evaluated on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum RowValue {
    Partition(PartitionValueKind),
    File(FileColumn),
}

impl RowValue {
    fn function_name(self) -> &'static str {
        match self {
            RowValue::Partition(PartitionValueKind::PartitionId) => "spark_partition_id",
            RowValue::Partition(PartitionValueKind::MonotonicId) => "monotonically_increasing_id",
            RowValue::Partition(PartitionValueKind::SeededDraw(_, draw)) => draw.function_name(),
            RowValue::Partition(PartitionValueKind::PoissonCount { .. }) => "sample",
            RowValue::File(column) => column.function_name(),
        }
    }

    fn data_type(self) -> DataType {
        match self {
            RowValue::Partition(kind) => kind.data_type(),
            RowValue::File(column) => column.data_type(),
        }
    }

    /// `input` with this value appended as column `name`.
    fn append(self, input: LogicalPlan, name: String) -> Result<LogicalPlan> {
        match self {
            RowValue::Partition(kind) => PartitionValue::plan(input, kind, name),
            RowValue::File(column) => crate::input_file::with_file_column(input, column, &name),
        }
    }
}

/// A call that reads the partition or the file of the row it is evaluated on.
#[derive(Debug, PartialEq, Eq, Hash)]
struct PartitionMarker {
    kind: RowValue,
    signature: Signature,
}

impl ScalarUDFImpl for PartitionMarker {
    fn name(&self) -> &str {
        self.kind.function_name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.kind.data_type())
    }

    fn return_field_from_args(&self, _args: datafusion::logical_expr::ReturnFieldArgs) -> Result<datafusion::arrow::datatypes::FieldRef> {
        Ok(Arc::new(datafusion::arrow::datatypes::Field::new(self.name(), self.kind.data_type(), false)))
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Err(DataFusionError::Internal(format!("{}() was not placed on a partitioned input", self.name())))
    }
}

fn marker(kind: RowValue) -> Expr {
    let marker = PartitionMarker { kind, signature: Signature::nullary(Volatility::Volatile) };
    Arc::new(ScalarUDF::new_from_impl(marker)).call(vec![])
}

/// The marker call of `kind`, for [`place_partition_values`] to resolve.
pub fn partition_marker(kind: PartitionValueKind) -> Expr {
    marker(RowValue::Partition(kind))
}

/// The marker call of a row's file value, for [`place_partition_values`] to resolve.
pub fn file_marker(column: FileColumn) -> Expr {
    marker(RowValue::File(column))
}

fn marker_kind(expr: &Expr) -> Option<RowValue> {
    match expr {
        Expr::ScalarFunction(call) => {
            let function: &dyn std::any::Any = call.func.inner().as_ref();
            function.downcast_ref::<PartitionMarker>().map(|m| m.kind)
        }
        _ => None,
    }
}

/// How Spark's shuffle for an aggregation partitions its rows: by the hash
/// of the grouping keys into `spark.sql.shuffle.partitions`, packed by
/// adaptive execution when it is on.
#[derive(Debug, Clone, Copy)]
pub struct AggregationShuffle {
    /// `spark.sql.shuffle.partitions`.
    pub partitions: usize,
    /// The session's adaptive coalescing, if on.
    pub adaptive: Option<AdaptiveCoalescing>,
}

impl AggregationShuffle {
    /// `input` with the grouped aggregation or distinct under it (through
    /// projections, filters and aliases) repartitioned as Spark's
    /// aggregation shuffle leaves its rows, so that what reads a row's
    /// partition there reads Spark's.
    fn partitioned(self, input: LogicalPlan) -> Result<LogicalPlan> {
        let keys = match &input {
            LogicalPlan::Projection(_) | LogicalPlan::Filter(_) | LogicalPlan::SubqueryAlias(_) => {
                let below = self.partitioned(input.inputs()[0].clone())?;
                return input.with_new_exprs(input.expressions(), vec![below]);
            }
            LogicalPlan::Aggregate(aggregate)
                if !aggregate.group_expr.is_empty()
                    && (aggregate.group_expr.iter().any(|e| matches!(e, Expr::GroupingSet(_)))
                        || !already_clustered(&aggregate.input, &aggregate.group_expr)) =>
            {
                // Grouping sets shuffle by their keys and Spark's bigint grouping id.
                let keys = input.schema().columns().into_iter().take(aggregate.group_expr_len()?).map(|column| {
                    let grouping_id = column.name == Aggregate::INTERNAL_GROUPING_ID;
                    if grouping_id { cast(Expr::Column(column), DataType::Int64) } else { Expr::Column(column) }
                });
                keys.collect()
            }
            LogicalPlan::Distinct(Distinct::All(below)) if !already_clustered(below, &below.schema().columns().into_iter().map(Expr::Column).collect::<Vec<_>>()) => {
                input.schema().columns().into_iter().map(Expr::Column).collect()
            }
            _ => return Ok(input),
        };
        let scheme = RepartitionScheme::Hash(crate::repartition::hash_partition(keys, self.partitions));
        Ok(SparkRepartition::adaptive(input, scheme, self.partitions, self.adaptive))
    }
}

/// Whether rows of `input` grouped by `keys` need no shuffle in Spark: they
/// come (through projections, filters and aliases) from a hash or range
/// repartition, or a range grouped by its `id` alone (which Spark's range
/// partitions by).
fn already_clustered(input: &LogicalPlan, keys: &[Expr]) -> bool {
    let keys: Vec<Expr> = keys.iter().map(|key| key.clone().unalias()).collect();
    match input {
        LogicalPlan::Projection(_) | LogicalPlan::Filter(_) | LogicalPlan::SubqueryAlias(_) => {
            let renamed: Option<Vec<Expr>> = match input {
                LogicalPlan::Projection(projection) => keys
                    .iter()
                    .map(|key| {
                        let Expr::Column(column) = key else { return None };
                        let index = projection.schema.index_of_column(column).ok()?;
                        match projection.expr[index].clone().unalias() {
                            source @ Expr::Column(_) => Some(source),
                            _ => None,
                        }
                    })
                    .collect(),
                _ => Some(keys.clone()),
            };
            renamed.is_some_and(|keys| already_clustered(input.inputs()[0], &keys))
        }
        LogicalPlan::Extension(_) => repartitioned(input),
        LogicalPlan::TableScan(scan) => {
            let range = source_as_provider(&scan.source).is_ok_and(|p| p.downcast_ref::<SparkRange>().is_some());
            let id = scan.projected_schema.fields().first().map(|f| f.name().clone());
            range && matches!(keys.as_slice(), [Expr::Column(c)] if Some(&c.name) == id.as_ref())
        }
        _ => false,
    }
}

/// Whether `plan` is a hash or range repartition.
fn repartitioned(plan: &LogicalPlan) -> bool {
    let LogicalPlan::Extension(extension) = plan else { return false };
    extension
        .node
        .as_any()
        .downcast_ref::<SparkRepartition>()
        .is_some_and(|r| matches!(r.scheme, RepartitionScheme::Hash(_) | RepartitionScheme::Range(_)))
}

/// Replaces every partition marker in `plan` by a column of a
/// [`PartitionValue`] node under the node that holds the marker.
pub fn place_partition_values(plan: LogicalPlan, fresh_name: &mut dyn FnMut() -> String, shuffle: AggregationShuffle) -> Result<LogicalPlan> {
    plan.transform_up(|node| {
        let mut kinds = Vec::new();
        node.apply_expressions(|e| {
            e.apply(|sub| {
                if let Some(kind) = marker_kind(sub).filter(|k| !kinds.contains(k)) {
                    kinds.push(kind);
                }
                Ok(TreeNodeRecursion::Continue)
            })
        })?;
        if kinds.is_empty() {
            return Ok(Transformed::no(node));
        }
        let inputs = node.inputs();
        let [input] = inputs.as_slice() else {
            return Err(DataFusionError::NotImplemented(format!("{} over a node with several inputs", kinds[0].function_name())));
        };
        let mut input = shuffle.partitioned((*input).clone())?;
        let mut columns = Vec::new();
        for kind in kinds {
            let name = fresh_name();
            input = kind.append(input, name.clone())?;
            columns.push((kind, name));
        }
        let keeps_names = matches!(node, LogicalPlan::Projection(_) | LogicalPlan::Aggregate(_));
        let exprs = node
            .expressions()
            .into_iter()
            .map(|expr| {
                let original = expr.schema_name().to_string();
                let replaced = expr
                    .transform_up(|sub| {
                        Ok(match marker_kind(&sub).and_then(|k| columns.iter().find(|(kind, _)| *kind == k)) {
                            Some((_, name)) => Transformed::yes(col(Column::new_unqualified(name))),
                            None => Transformed::no(sub),
                        })
                    })?
                    .data;
                let renamed = keeps_names && replaced.schema_name().to_string() != original;
                Ok(if renamed { replaced.alias(original) } else { replaced })
            })
            .collect::<Result<Vec<_>>>()?;
        let old_width = node.schema().fields().len();
        let rebuilt = node.with_new_exprs(exprs, vec![input])?;
        if rebuilt.schema().fields().len() == old_width {
            return Ok(Transformed::yes(rebuilt));
        }
        // A node that passes its input through (a filter) would show the appended columns.
        let kept: Vec<Expr> = rebuilt.schema().columns().into_iter().take(old_width).map(Expr::Column).collect();
        Ok(Transformed::yes(LogicalPlanBuilder::from(rebuilt).project(kept)?.build()?))
    })
    .map(|t| t.data)
}
