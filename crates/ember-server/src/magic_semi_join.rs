//! Aggregates a decorrelated subquery only for the keys its query can use.
//!
//! A correlated scalar subquery such as TPC-H Q17's
//! `l_quantity < (SELECT 0.2 * avg(l_quantity) FROM lineitem WHERE l_partkey = p_partkey)`
//! becomes a join with an aggregation grouped by the correlated key, over
//! all of `lineitem`, although the query only looks up the few parts that
//! pass its own filters. When the join's key comes from a filtered scan on
//! the other side (`part` filtered by brand and container), this rule
//! semi-joins the aggregation's input with that filtered scan first: every
//! row of the other side holds one of that scan's keys, so the groups it
//! drops could never match ("magic sets").

use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, NullEquality, Result};
use datafusion::logical_expr::{Expr, Join, JoinConstraint, JoinType, LogicalPlan};
use datafusion::optimizer::optimizer::ApplyOrder;
use datafusion::optimizer::{OptimizerConfig, OptimizerRule};

use crate::infer_not_null::selective;

/// The rule; see the module documentation.
#[derive(Debug, Default)]
pub struct MagicSemiJoins;

impl OptimizerRule for MagicSemiJoins {
    fn name(&self) -> &str {
        "magic_semi_joins"
    }

    fn apply_order(&self) -> Option<ApplyOrder> {
        Some(ApplyOrder::TopDown)
    }

    fn rewrite(&self, plan: LogicalPlan, _config: &dyn OptimizerConfig) -> Result<Transformed<LogicalPlan>> {
        let LogicalPlan::Join(join) = &plan else { return Ok(Transformed::no(plan)) };
        if !matches!(join.join_type, JoinType::Inner | JoinType::Left | JoinType::LeftSemi)
            || join.null_equality != NullEquality::NullEqualsNothing
        {
            return Ok(Transformed::no(plan));
        }
        for (left, right) in &join.on {
            let (Expr::Column(outer_key), Expr::Column(inner_key)) = (left, right) else { continue };
            let Some(group_key) = group_column(&join.right, inner_key) else { continue };
            let Some(keys) = filtered_source(&join.left, outer_key) else { continue };
            // Columns the planner did not name apart make the semi join invalid: keep the plan.
            let Ok(right) = restrict_aggregation(&join.right, &group_key, keys, outer_key) else { continue };
            let mut rewritten = join.clone();
            rewritten.right = Arc::new(right);
            return Ok(Transformed::yes(LogicalPlan::Join(rewritten)));
        }
        Ok(Transformed::no(plan))
    }
}

/// The input column of the aggregation under `plan` (through aliases and
/// projections) that `column` of `plan` is a grouping key of; `None` when
/// `column` is not one, or the aggregation's input is already restricted.
fn group_column(plan: &LogicalPlan, column: &Column) -> Option<Column> {
    let index = plan.schema().maybe_index_of_column(column)?;
    match plan {
        LogicalPlan::SubqueryAlias(alias) => group_column(&alias.input, &Column::from(alias.input.schema().qualified_field(index))),
        LogicalPlan::Projection(projection) => match projection.expr[index].clone().unalias() {
            Expr::Column(c) => group_column(&projection.input, &c),
            _ => None,
        },
        LogicalPlan::Aggregate(aggregate) if !restricted(&aggregate.input) => match aggregate.group_expr.get(index)?.clone().unalias() {
            Expr::Column(c) => Some(c),
            _ => None,
        },
        _ => None,
    }
}

/// Whether an aggregation's input already starts with a semi join.
fn restricted(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Projection(projection) => restricted(&projection.input),
        LogicalPlan::Join(join) => join.join_type == JoinType::LeftSemi,
        _ => false,
    }
}

/// The smallest part of `plan` that produces `column` (through inner joins,
/// filters and projections passing it on) and is a filtered scan without
/// joins or aggregations, small and cheap to read twice.
fn filtered_source<'a>(plan: &'a LogicalPlan, column: &Column) -> Option<&'a LogicalPlan> {
    let deeper = match plan {
        LogicalPlan::Projection(projection) if projection.expr.contains(&Expr::Column(column.clone())) => {
            filtered_source(&projection.input, column)
        }
        LogicalPlan::Filter(filter) => filtered_source(&filter.input, column),
        LogicalPlan::Join(join) if join.join_type == JoinType::Inner => {
            let side = [&join.left, &join.right].into_iter().find(|side| side.schema().has_column(column))?;
            filtered_source(side, column)
        }
        _ => None,
    };
    deeper.or_else(|| filtered_scan(plan).then_some(plan))
}

/// Whether a plan only scans, filters and projects, with a filter, and
/// gives the same rows each time it runs (no `rand()`).
fn filtered_scan(plan: &LogicalPlan) -> bool {
    let mut filtered = false;
    let simple = plan
        .apply(|node| {
            if node.expressions().iter().any(Expr::is_volatile) {
                return Ok(TreeNodeRecursion::Stop);
            }
            Ok(match node {
                LogicalPlan::Filter(filter) => {
                    filtered |= selective(&filter.predicate);
                    TreeNodeRecursion::Continue
                }
                LogicalPlan::Projection(_) | LogicalPlan::SubqueryAlias(_) => TreeNodeRecursion::Continue,
                LogicalPlan::TableScan(scan) => {
                    filtered |= scan.filters.iter().any(selective);
                    TreeNodeRecursion::Continue
                }
                _ => TreeNodeRecursion::Stop,
            })
        })
        .is_ok_and(|recursion| recursion != TreeNodeRecursion::Stop);
    simple && filtered
}

/// `plan` with the input of its aggregation semi-joined on `group_key`
/// with `keys`' column `key`.
fn restrict_aggregation(plan: &LogicalPlan, group_key: &Column, keys: &LogicalPlan, key: &Column) -> Result<LogicalPlan> {
    let input = match plan {
        LogicalPlan::Aggregate(aggregate) => LogicalPlan::Join(Join::try_new(
            aggregate.input.clone(),
            Arc::new(keys.clone()),
            vec![(Expr::Column(group_key.clone()), Expr::Column(key.clone()))],
            None,
            JoinType::LeftSemi,
            JoinConstraint::On,
            NullEquality::NullEqualsNothing,
            false,
        )?),
        _ => restrict_aggregation(plan.inputs()[0], group_key, keys, key)?,
    };
    plan.with_new_exprs(plan.expressions(), vec![input])
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::functions_aggregate::expr_fn::avg;
    use datafusion::logical_expr::{col, lit, table_scan, LogicalPlanBuilder};
    use datafusion::optimizer::{Optimizer, OptimizerContext};

    fn scan(table: &str, key: &str, value: &str) -> LogicalPlanBuilder {
        let schema = Schema::new(vec![Field::new(key, DataType::Int64, true), Field::new(value, DataType::Int64, true)]);
        table_scan(Some(table), &schema, None).unwrap()
    }

    /// Q17's shape: items of some parts whose quantity is below the
    /// average quantity of their part.
    fn query(parts: LogicalPlanBuilder) -> LogicalPlan {
        let averages = scan("all_items", "avg_part", "q")
            .aggregate(vec![col("avg_part")], vec![avg(col("q")).alias("average")])
            .unwrap()
            .alias("sq")
            .unwrap()
            .build()
            .unwrap();
        let parts = parts.project(vec![col("part_key")]).unwrap().build().unwrap();
        scan("items", "item_part", "quantity")
            .join(parts, JoinType::Inner, (vec!["item_part"], vec!["part_key"]), None)
            .unwrap()
            .join(
                averages,
                JoinType::LeftSemi,
                (vec![Column::from_name("part_key")], vec![Column::from_qualified_name("sq.avg_part")]),
                Some(col("quantity").lt(col("sq.average"))),
            )
            .unwrap()
            .build()
            .unwrap()
    }

    fn optimized(plan: LogicalPlan) -> String {
        let schema = plan.schema().clone();
        let optimizer = Optimizer::with_rules(vec![Arc::new(MagicSemiJoins)]);
        let plan = optimizer.optimize(plan, &OptimizerContext::new(), |_, _| {}).unwrap();
        assert_eq!(plan.schema(), &schema);
        plan.display_indent().to_string()
    }

    #[test]
    fn the_subquery_aggregates_only_the_filtered_keys() {
        let text = optimized(query(scan("parts", "part_key", "brand").filter(col("brand").eq(lit(23i64))).unwrap()));
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let aggregate = lines.iter().position(|l| l.starts_with("Aggregate:")).expect(&text);
        assert!(lines[aggregate + 1].starts_with("LeftSemi Join: all_items.avg_part = parts.part_key"), "{text}");
        assert_eq!(text.matches("TableScan: parts").count(), 2, "{text}");
    }

    #[test]
    fn unfiltered_or_random_keys_leave_the_aggregation() {
        let random = datafusion::functions::math::expr_fn::random().lt(lit(0.5));
        for parts in [scan("parts", "part_key", "brand"), scan("parts", "part_key", "brand").filter(random).unwrap()] {
            let text = optimized(query(parts));
            assert_eq!(text.matches("LeftSemi Join").count(), 1, "{text}");
        }
    }
}
