//! Lets DataFusion compute `count(DISTINCT x)` and its kin as two grouped
//! aggregations (first by the groups and `x`, then by the groups), which is
//! much faster than keeping a set of values per group.
//!
//! DataFusion's `SingleDistinctToGroupBy` rule does that rewrite only when
//! the aggregate expressions are bare function calls; Ember's planner names
//! each one with an alias inside the aggregation (`count(DISTINCT x) AS #7`).
//! This rule, run just before DataFusion's, moves those aliases into a
//! projection above the aggregation, for aggregations that rewrite would
//! take: every aggregate `DISTINCT` over the same single argument, without
//! filters or orderings.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::common::tree_node::Transformed;
use datafusion::common::{Column, Result};
use datafusion::logical_expr::expr::{AggregateFunction, Alias};
use datafusion::logical_expr::{Aggregate, Expr, LogicalPlan, Projection};
use datafusion::optimizer::optimizer::ApplyOrder;
use datafusion::optimizer::{OptimizerConfig, OptimizerRule};

/// The rule; see the module documentation.
#[derive(Debug, Default)]
pub struct UnaliasDistinctAggregates;

impl OptimizerRule for UnaliasDistinctAggregates {
    fn name(&self) -> &str {
        "unalias_distinct_aggregates"
    }

    fn apply_order(&self) -> Option<ApplyOrder> {
        Some(ApplyOrder::TopDown)
    }

    fn rewrite(&self, plan: LogicalPlan, _config: &dyn OptimizerConfig) -> Result<Transformed<LogicalPlan>> {
        let LogicalPlan::Aggregate(aggregate) = &plan else { return Ok(Transformed::no(plan)) };
        let Some(unaliased) = unaliased_single_distinct(aggregate) else { return Ok(Transformed::no(plan)) };
        let LogicalPlan::Aggregate(aggregate) = plan else { unreachable!("matched above") };
        let groups = aggregate.group_expr.len();
        let bare = Aggregate::try_new(aggregate.input, aggregate.group_expr, unaliased)?;
        let columns = (0..bare.schema.fields().len()).map(|i| Expr::Column(Column::from(bare.schema.qualified_field(i))));
        let outputs = columns
            .zip(aggregate.schema.iter())
            .enumerate()
            .map(|(i, (column, (qualifier, field)))| {
                if i < groups {
                    column
                } else {
                    let metadata = Some(field.metadata().clone()).filter(|m| !m.is_empty()).map(Into::into);
                    column.alias_qualified_with_metadata(qualifier.cloned(), field.name(), metadata)
                }
            })
            .collect();
        let projection = Projection::try_new(outputs, Arc::new(LogicalPlan::Aggregate(bare)))?;
        Ok(Transformed::yes(LogicalPlan::Projection(projection)))
    }
}

/// The aggregate expressions without their aliases, when at least one has
/// an alias and all are `DISTINCT` calls over one and the same argument
/// (without filters or orderings) with distinct unaliased names.
fn unaliased_single_distinct(aggregate: &Aggregate) -> Option<Vec<Expr>> {
    if aggregate.group_expr.iter().any(|g| matches!(g, Expr::GroupingSet(_))) {
        return None;
    }
    let mut any_alias = false;
    let mut argument = None;
    let mut unaliased = Vec::with_capacity(aggregate.aggr_expr.len());
    for expr in &aggregate.aggr_expr {
        let inner = match expr {
            Expr::Alias(Alias { expr, .. }) => {
                any_alias = true;
                expr.as_ref()
            }
            other => other,
        };
        let Expr::AggregateFunction(AggregateFunction { params, .. }) = inner else { return None };
        let [arg] = params.args.as_slice() else { return None };
        if !params.distinct || params.filter.is_some() || !params.order_by.is_empty() || argument.is_some_and(|a| a != arg) {
            return None;
        }
        argument = Some(arg);
        unaliased.push(inner.clone());
    }
    let mut names = HashSet::new();
    let unique = aggregate.group_expr.iter().chain(&unaliased).all(|e| names.insert(e.schema_name().to_string()));
    (any_alias && unique).then_some(unaliased)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::functions_aggregate::expr_fn::{count, count_distinct, sum};
    use datafusion::logical_expr::{col, table_scan, LogicalPlanBuilder};
    use datafusion::optimizer::{Optimizer, OptimizerContext};

    fn scan() -> LogicalPlanBuilder {
        let schema = Schema::new(vec![Field::new("g", DataType::Int64, true), Field::new("x", DataType::Int64, true)]);
        table_scan(Some("t"), &schema, None).unwrap()
    }

    fn optimized(plan: LogicalPlan) -> String {
        let schema = plan.schema().clone();
        let optimizer = Optimizer::with_rules(crate::logical_rules::optimizer_rules());
        let plan = optimizer.optimize(plan, &OptimizerContext::new(), |_, _| {}).unwrap();
        assert_eq!(plan.schema().fields(), schema.fields());
        plan.display_indent().to_string()
    }

    #[test]
    fn aliased_count_distinct_becomes_two_aggregations() {
        let plan = scan().aggregate(vec![col("g").alias("#1")], vec![count_distinct(col("x")).alias("#2")]).unwrap().build().unwrap();
        let text = optimized(plan);
        assert_eq!(text.matches("Aggregate:").count(), 2, "{text}");
        assert!(!text.contains("DISTINCT"), "{text}");
    }

    #[test]
    fn distinct_aggregates_of_different_arguments_expand() {
        let aggregates = vec![count_distinct(col("x")).alias("#2"), count_distinct(col("g")).alias("#3")];
        let plan = scan().aggregate(vec![col("g").alias("#1")], aggregates).unwrap().build().unwrap();
        let text = optimized(plan);
        assert!(text.contains("GROUPING SETS"), "{text}");
        assert!(!text.contains("DISTINCT"), "{text}");
    }

    #[test]
    fn other_aggregates_keep_one_aggregation() {
        for aggregates in [
            vec![count_distinct(col("x")).alias("#2"), count(col("x")).alias("#3")],
            vec![sum(col("x")).alias("#2")],
        ] {
            let plan = scan().aggregate(vec![col("g").alias("#1")], aggregates).unwrap().build().unwrap();
            let text = optimized(plan);
            assert_eq!(text.matches("Aggregate:").count(), 1, "{text}");
        }
    }
}
