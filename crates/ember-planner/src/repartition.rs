//! Relations that set Spark's partitioning: `spark.range` with its number of
//! partitions, `repartition`, `repartitionByRange` and `coalesce`.

use std::sync::Arc;

use datafusion::common::Column;
use datafusion::datasource::provider_as_source;
use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, Operator, binary_expr, col, lit};
use ember_protocol::connect::{self, expression::ExprType};

use crate::error::{Result, SparkError};
use crate::partitioning::{Rebalance, RepartitionScheme, SparkRange, SparkRepartition};
use crate::plan::Planner;

impl Planner<'_> {
    /// `spark.range(start, end, step, numPartitions)`: without a number of
    /// partitions, as many as the session runs tasks in parallel.
    pub(crate) fn range(&mut self, range: &connect::Range) -> Result<LogicalPlan> {
        if range.step == 0 {
            return Err(SparkError::illegal_argument("The step of a range must not be 0"));
        }
        let partitions = match range.num_partitions {
            Some(n) if n <= 0 => return Err(SparkError::illegal_argument(format!("The number of partitions must be positive, got {n}"))),
            Some(n) => n as usize,
            None => self.ctx.state().config().target_partitions(),
        };
        let source = SparkRange { start: range.start.unwrap_or(0), end: range.end, step: range.step, partitions };
        // The scan is named by its bounds, so that plans (and cache keys) of
        // different ranges differ.
        let name = format!("Range ({}, {}, step={}, splits={partitions})", source.start, source.end, source.step);
        let scan = LogicalPlanBuilder::scan(datafusion::common::TableReference::bare(name), provider_as_source(Arc::new(source)), None)?.build()?;
        let id = self.new_column("id");
        Ok(LogicalPlanBuilder::from(scan).project(vec![col(Column::new_unqualified("id")).alias(id)])?.build()?)
    }

    /// `input` as Spark reads it under a global aggregate: when it is local
    /// rows or a SQL `VALUES` list (perhaps projected, filtered or limited,
    /// which Spark folds into its local relation), in Spark's `parallelize`
    /// slices of its rows, one per task the session runs in parallel, so
    /// that partial aggregates combine as in Spark; other inputs, and
    /// aggregates in subqueries, as they are.
    pub(crate) fn as_local_slices(&self, input: LogicalPlan) -> LogicalPlan {
        if self.outer_inputs.is_empty() && holds_local_rows(&input) {
            SparkRepartition::plan(input, RepartitionScheme::Slices, self.ctx.state().config().target_partitions())
        } else {
            input
        }
    }

    /// `repartition(n)` (a shuffle) and `coalesce(n)` (a merge).
    pub(crate) fn repartition(&mut self, repartition: &connect::Repartition) -> Result<LogicalPlan> {
        let input = self.input(&repartition.input)?;
        let n = positive_partitions(repartition.num_partitions)?;
        if repartition.shuffle.unwrap_or(false) {
            return self.round_robin(without_repartition(input, false), n);
        }
        Ok(SparkRepartition::plan(without_coalesce(input), RepartitionScheme::Coalesce, n))
    }

    /// The `REBALANCE` hint: its columns hashed as `repartition(n, cols)`
    /// hashes them, or the rows dealt round-robin without columns, into its
    /// number of partitions or `spark.sql.shuffle.partitions`.
    pub(crate) fn rebalance(&mut self, input: &Option<Box<connect::Relation>>, count: Option<i32>, columns: &[connect::Expression]) -> Result<LogicalPlan> {
        let input = self.input(input)?;
        let n = match count {
            Some(n) => positive_partitions(n)?,
            None => self.config.shuffle_partitions,
        };
        let keys = columns.iter().map(|e| Ok(self.plan_expr(e, &input)?.0)).collect::<Result<Vec<_>>>()?;
        let scheme = if keys.is_empty() {
            RepartitionScheme::RoundRobin { sort_rows: self.config.sort_before_repartition }
        } else {
            RepartitionScheme::Hash(hash_partition(keys, n))
        };
        let adaptive = self.config.adaptive_coalescing.filter(|_| count.is_none());
        Ok(SparkRepartition::rebalance(input, scheme, n, Rebalance { numbered: count.is_some() }, adaptive))
    }

    /// `repartition(n, cols)` and `repartition(cols)` hash the columns as
    /// Spark does; `repartitionByRange` (sort orders) splits by ranges.
    pub(crate) fn repartition_by_expression(&mut self, repartition: &connect::RepartitionByExpression) -> Result<LogicalPlan> {
        let input = without_repartition(self.input(&repartition.input)?, true);
        let n = match repartition.num_partitions {
            Some(n) => positive_partitions(n)?,
            None => self.config.shuffle_partitions,
        };
        // Adaptive execution packs the partitions of a repartition by columns
        // alone (Spark's `REPARTITION_BY_COL`).
        let adaptive = self.config.adaptive_coalescing.filter(|_| repartition.num_partitions.is_none());
        let sort_orders: Vec<&connect::expression::SortOrder> = repartition
            .partition_exprs
            .iter()
            .filter_map(|e| match &e.expr_type {
                Some(ExprType::SortOrder(order)) => Some(order.as_ref()),
                _ => None,
            })
            .collect();
        if let [connect::Expression { expr_type: Some(ExprType::DirectShufflePartitionId(direct)), .. }] =
            repartition.partition_exprs.as_slice()
        {
            let partition = self.direct_partition(direct, &input, n)?;
            return Ok(SparkRepartition::plan(input, RepartitionScheme::Hash(partition), n));
        }
        if sort_orders.is_empty() {
            let keys = repartition.partition_exprs.iter().map(|e| Ok(self.plan_expr(e, &input)?.0)).collect::<Result<Vec<_>>>()?;
            if keys.is_empty() {
                return self.round_robin(input, n);
            }
            return Ok(SparkRepartition::adaptive(input, RepartitionScheme::Hash(hash_partition(keys, n)), n, adaptive));
        }
        if sort_orders.len() != repartition.partition_exprs.len() {
            return Err(SparkError::illegal_argument("repartition takes either sort orders or expressions, not both"));
        }
        let order = sort_orders.into_iter().map(|o| self.sort_order(o, &input)).collect::<Result<Vec<_>>>()?;
        Ok(SparkRepartition::adaptive(input, RepartitionScheme::Range(order), n, adaptive))
    }
}

impl Planner<'_> {
    /// `input` dealt round-robin to `n` partitions, each input partition
    /// sorted first as the session says. Spark sorts the rows with only the
    /// columns read above the repartition: the projection of all columns
    /// under it is where the optimizer prunes the others (and it removes
    /// the projection when nothing is pruned).
    fn round_robin(&self, input: LogicalPlan, n: usize) -> Result<LogicalPlan> {
        // Spark cuts local rows (what it folds into them included) into slices.
        let input = if holds_local_rows(&input) {
            SparkRepartition::plan(input, RepartitionScheme::Slices, self.ctx.state().config().target_partitions())
        } else {
            input
        };
        let columns = input.schema().columns().into_iter().map(Expr::Column).collect::<Vec<_>>();
        let prunable = LogicalPlanBuilder::from(input).project(columns)?.build()?;
        Ok(SparkRepartition::plan(prunable, RepartitionScheme::RoundRobin { sort_rows: self.config.sort_before_repartition }, n))
    }

    /// `repartitionById(n, id)`: a row goes to partition `pmod(id, n)`, to
    /// partition 0 when its id is NULL. The id must be an INT.
    fn direct_partition(&mut self, direct: &connect::expression::DirectShufflePartitionId, input: &LogicalPlan, n: usize) -> Result<Expr> {
        let child = direct.child.as_deref().ok_or_else(|| SparkError::illegal_argument("repartitionById without a partition id"))?;
        let (id, id_name) = self.plan_expr(child, input)?;
        let id_type = self.type_of(&id, input)?;
        if id_type != DataType::Int32 {
            return Err(crate::input_types::unexpected_input_type(
                &format!("direct_shuffle_partition_id({id_name})"),
                0,
                "\"INT\"",
                &id_name,
                &id_type,
            ));
        }
        // The shuffle takes the remainder's non-negative form and sends NULL to 0.
        Ok(binary_expr(id, Operator::Modulo, lit(n as i32)))
    }
}

/// Spark's hash partition of a row: `pmod(hash(keys), n)`.
pub(crate) fn hash_partition(keys: Vec<Expr>, n: usize) -> Expr {
    let n = lit(n as i32);
    let remainder = binary_expr(ember_functions::hash::spark_hash(keys), Operator::Modulo, n.clone());
    binary_expr(binary_expr(remainder, Operator::Plus, n.clone()), Operator::Modulo, n)
}

fn positive_partitions(n: i32) -> Result<usize> {
    if n <= 0 {
        return Err(SparkError::illegal_argument(format!("Number of partitions ({n}) must be positive.")));
    }
    Ok(n as usize)
}

/// The input of a shuffle on `input`, as Spark's `CollapseRepartition`
/// leaves it: a repartition or coalesce right below is dropped, and so is a
/// global sort right below a repartition by expressions.
fn without_repartition(input: LogicalPlan, by_expressions: bool) -> LogicalPlan {
    match &input {
        LogicalPlan::Extension(extension) => match extension.node.as_any().downcast_ref::<SparkRepartition>() {
            Some(below) if below.scheme != RepartitionScheme::Slices => below.input.clone(),
            _ => input,
        },
        LogicalPlan::Sort(sort) if by_expressions && sort.fetch.is_none() => sort.input.as_ref().clone(),
        _ => input,
    }
}

/// The input of a coalesce on `input`, as Spark's `CollapseRepartition`
/// leaves it: a coalesce right below is dropped. (Spark also drops the
/// coalesce on a shuffle to as few or fewer partitions, which Ember's
/// coalesce leaves as it is.)
fn without_coalesce(input: LogicalPlan) -> LogicalPlan {
    match &input {
        LogicalPlan::Extension(extension) => match extension.node.as_any().downcast_ref::<SparkRepartition>() {
            Some(below) if below.scheme == RepartitionScheme::Coalesce => below.input.clone(),
            _ => input,
        },
        _ => input,
    }
}

/// `plan` as a write reads it: local rows (what Spark folds into them
/// included) in Spark's `parallelize` slices, one file each, as Spark
/// writes them; other plans as they are.
pub fn in_written_partitions(plan: LogicalPlan, target_partitions: usize) -> LogicalPlan {
    if holds_local_rows(&plan) {
        SparkRepartition::plan(plan, RepartitionScheme::Slices, target_partitions)
    } else {
        plan
    }
}

/// Whether `plan` computes in-memory rows only: local rows or a `VALUES`
/// list, perhaps projected, filtered or limited (which Spark folds into
/// its local relation).
fn holds_local_rows(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Projection(_) | LogicalPlan::Filter(_) | LogicalPlan::Limit(_) | LogicalPlan::SubqueryAlias(_) => {
            plan.inputs().into_iter().all(holds_local_rows)
        }
        LogicalPlan::TableScan(scan) => scan.table_name.table().starts_with("local_"),
        LogicalPlan::Union(_) => holds_values_rows(plan),
        // The sort that keeps a `VALUES` list's rows in their written order.
        LogicalPlan::Sort(sort) => is_values_rows(&sort.input),
        _ => false,
    }
}

/// Whether `plan` computes the rows of a `VALUES` list only: projections,
/// filters, limits and sorts over the union of one-row projections the list
/// becomes (not the union of two lists, whose sides Spark reads apart).
fn holds_values_rows(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Projection(_) | LogicalPlan::Filter(_) | LogicalPlan::Limit(_) | LogicalPlan::Sort(_) | LogicalPlan::SubqueryAlias(_) => {
            plan.inputs().into_iter().all(holds_values_rows)
        }
        LogicalPlan::Union(union) => union.inputs.iter().all(|input| is_values_rows(input)),
        _ => false,
    }
}

/// Whether `plan` is (part of) the union of one-row projections a `VALUES`
/// list becomes.
fn is_values_rows(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Projection(p) => is_values_rows(&p.input),
        LogicalPlan::Union(union) => union.inputs.iter().all(|input| is_values_rows(input)),
        LogicalPlan::EmptyRelation(e) => e.produce_one_row,
        _ => false,
    }
}
