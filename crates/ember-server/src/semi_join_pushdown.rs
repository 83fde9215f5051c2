//! Filters rows early by an `IN (SELECT … GROUP BY … HAVING …)` subquery.
//!
//! DataFusion turns `x IN (subquery)` into a semi join on top of the joins
//! of the query's `FROM` clause, so every join runs on all the rows first
//! (TPC-H Q18: customers, orders and line items are joined before the few
//! orders over 300 units are kept). This rule moves such a semi join down
//! through inner joins, filters and column-only projections to the input
//! its keys come from. A semi join only drops rows of its left input, so it
//! commutes with those operators; the rule moves it only when its subquery
//! ends in a filtered aggregation (a `HAVING`), whose few rows make the
//! early filter pay off.

use std::sync::Arc;

use datafusion::common::tree_node::Transformed;
use datafusion::common::{Column, Result};
use datafusion::logical_expr::{Expr, Filter, Join, JoinType, LogicalPlan, Projection};
use datafusion::optimizer::optimizer::ApplyOrder;
use datafusion::optimizer::{OptimizerConfig, OptimizerRule};

use crate::infer_not_null::selective;

/// The rule; see the module documentation.
#[derive(Debug, Default)]
pub struct PushDownSelectiveSemiJoins;

impl OptimizerRule for PushDownSelectiveSemiJoins {
    fn name(&self) -> &str {
        "push_down_selective_semi_joins"
    }

    fn apply_order(&self) -> Option<ApplyOrder> {
        Some(ApplyOrder::TopDown)
    }

    fn rewrite(&self, plan: LogicalPlan, _config: &dyn OptimizerConfig) -> Result<Transformed<LogicalPlan>> {
        let LogicalPlan::Join(join) = &plan else { return Ok(Transformed::no(plan)) };
        let Some(keys) = movable_keys(join) else { return Ok(Transformed::no(plan)) };
        match sink(&join.left, join, &keys)? {
            Some(moved) => Ok(Transformed::yes(moved)),
            None => Ok(Transformed::no(plan)),
        }
    }
}

/// The left key columns of a semi join this rule may move: an equi-join
/// without a filter, on columns, over a filtered aggregation.
fn movable_keys(join: &Join) -> Option<Vec<Column>> {
    if join.join_type != JoinType::LeftSemi || join.filter.is_some() || join.null_aware || !filtered_aggregation(&join.right) {
        return None;
    }
    join.on.iter().map(|(left, _)| if let Expr::Column(c) = left { Some(c.clone()) } else { None }).collect()
}

/// Whether a plan is an aggregation under a filter (`HAVING`), with only
/// aliases and projections around them.
fn filtered_aggregation(plan: &LogicalPlan) -> bool {
    let mut filtered = false;
    let mut node = plan;
    loop {
        node = match node {
            LogicalPlan::SubqueryAlias(alias) => &alias.input,
            LogicalPlan::Projection(projection) => &projection.input,
            LogicalPlan::Filter(filter) => {
                filtered |= selective(&filter.predicate);
                &filter.input
            }
            LogicalPlan::Aggregate(_) => return filtered,
            _ => return false,
        };
    }
}

/// `plan` with the semi join `join` placed below its root, as deep as its
/// `keys` allow; `None` when it cannot go below the root.
fn sink(plan: &LogicalPlan, join: &Join, keys: &[Column]) -> Result<Option<LogicalPlan>> {
    Ok(Some(match plan {
        // Rows go through `rand()` as they did before: not below volatile expressions.
        _ if plan.expressions().iter().any(Expr::is_volatile) => return Ok(None),
        LogicalPlan::Projection(projection) if keys.iter().all(|k| projection.expr.contains(&Expr::Column(k.clone()))) => {
            let input = place(&projection.input, join, keys)?;
            LogicalPlan::Projection(Projection::try_new(projection.expr.clone(), Arc::new(input))?)
        }
        LogicalPlan::Filter(filter) => {
            let input = place(&filter.input, join, keys)?;
            LogicalPlan::Filter(Filter::try_new(filter.predicate.clone(), Arc::new(input))?)
        }
        LogicalPlan::Join(inner) if inner.join_type == JoinType::Inner => {
            let on_side = |side: &LogicalPlan| keys.iter().all(|k| side.schema().has_column(k));
            let (left, right) = if on_side(&inner.left) {
                (Arc::new(place(&inner.left, join, keys)?), inner.right.clone())
            } else if on_side(&inner.right) {
                (inner.left.clone(), Arc::new(place(&inner.right, join, keys)?))
            } else {
                return Ok(None);
            };
            LogicalPlan::Join(Join::try_new(
                left,
                right,
                inner.on.clone(),
                inner.filter.clone(),
                inner.join_type,
                inner.join_constraint,
                inner.null_equality,
                inner.null_aware,
            )?)
        }
        _ => return Ok(None),
    }))
}

/// `plan` filtered by the semi join `join`, placed as deep as it can go.
fn place(plan: &Arc<LogicalPlan>, join: &Join, keys: &[Column]) -> Result<LogicalPlan> {
    if let Some(moved) = sink(plan, join, keys)? {
        return Ok(moved);
    }
    Ok(LogicalPlan::Join(Join::try_new(
        plan.clone(),
        join.right.clone(),
        join.on.clone(),
        None,
        JoinType::LeftSemi,
        join.join_constraint,
        join.null_equality,
        false,
    )?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::functions_aggregate::expr_fn::sum;
    use datafusion::logical_expr::{col, lit, table_scan, LogicalPlanBuilder};
    use datafusion::optimizer::{Optimizer, OptimizerContext};

    fn scan(table: &str, key: &str, value: &str) -> LogicalPlanBuilder {
        let schema = Schema::new(vec![Field::new(key, DataType::Int64, true), Field::new(value, DataType::Int64, true)]);
        table_scan(Some(table), &schema, None).unwrap()
    }

    /// `orders ⋈ items` semi-joined on the order key with `subquery`.
    fn query(subquery: LogicalPlan) -> LogicalPlan {
        let items = scan("items", "item_order", "quantity").build().unwrap();
        scan("orders", "order_key", "price")
            .join(items, JoinType::Inner, (vec!["order_key"], vec!["item_order"]), None)
            .unwrap()
            .project(vec![col("order_key"), col("quantity")])
            .unwrap()
            .join(subquery, JoinType::LeftSemi, (vec!["order_key"], vec!["big_order"]), None)
            .unwrap()
            .build()
            .unwrap()
    }

    fn optimized(plan: LogicalPlan) -> String {
        let schema = plan.schema().clone();
        let optimizer = Optimizer::with_rules(vec![Arc::new(PushDownSelectiveSemiJoins)]);
        let plan = optimizer.optimize(plan, &OptimizerContext::new(), |_, _| {}).unwrap();
        assert_eq!(plan.schema(), &schema);
        plan.display_indent().to_string()
    }

    #[test]
    fn a_semi_join_on_a_having_moves_to_its_keys_input() {
        let text = optimized(query(big_orders()));
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let inner = lines.iter().position(|l| l.starts_with("Inner Join")).expect(&text);
        let semi = lines.iter().position(|l| l.starts_with("LeftSemi Join")).expect(&text);
        assert!(semi > inner && lines[semi + 1].starts_with("TableScan: orders"), "{text}");
    }

    fn big_orders() -> LogicalPlan {
        scan("t", "big_order", "q")
            .aggregate(vec![col("big_order")], vec![sum(col("q")).alias("total")])
            .unwrap()
            .filter(col("total").gt(lit(300i64)))
            .unwrap()
            .project(vec![col("big_order")])
            .unwrap()
            .build()
            .unwrap()
    }

    #[test]
    fn other_semi_joins_stay() {
        let plain = scan("t", "big_order", "q").project(vec![col("big_order")]).unwrap().build().unwrap();
        let text = optimized(query(plain));
        assert!(text.starts_with("LeftSemi Join"), "{text}");
    }

    #[test]
    fn semi_joins_stay_above_random_filters() {
        let random = datafusion::functions::math::expr_fn::random().lt(lit(0.5));
        let sampled = LogicalPlanBuilder::from(query(big_orders()).inputs()[0].clone()).filter(random).unwrap().build().unwrap();
        let plan = LogicalPlanBuilder::from(sampled)
            .join(big_orders(), JoinType::LeftSemi, (vec!["order_key"], vec!["big_order"]), None)
            .unwrap()
            .build()
            .unwrap();
        let text = optimized(plan);
        assert!(text.starts_with("LeftSemi Join"), "{text}");
    }
}
