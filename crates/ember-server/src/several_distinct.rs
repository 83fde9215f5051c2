//! Spark's `RewriteDistinctAggregates`: an aggregation with `DISTINCT`
//! aggregates over two or more different arguments (`count(DISTINCT a),
//! count(DISTINCT b)`) first groups each row once per argument (Spark's
//! `Expand`): by the groups and `a` with `b` NULL, by the groups and `b`
//! with `a` NULL, and by the groups alone for the other aggregates, told
//! apart by a grouping id; then it aggregates each argument's rows, which
//! are distinct now, without `DISTINCT` (`count(a) FILTER (WHERE id = 1)`),
//! and takes the other aggregates' results from their rows (`first(…)`,
//! their result over no rows where those have none: `count` is 0).
//!
//! DataFusion's grouping sets do the expansion, so the plan is Spark's:
//! two aggregations, each partial and final, instead of one keeping each
//! group's distinct values of every argument in memory.

use std::sync::Arc;

use datafusion::common::tree_node::Transformed;
use datafusion::common::{Column, Result, ScalarValue};
use datafusion::functions_aggregate::first_last::first_value_udaf;
use datafusion::logical_expr::expr::{AggregateFunction, Alias};
use datafusion::functions::expr_fn::coalesce;
use datafusion::logical_expr::{Aggregate, Expr, GroupingSet, LogicalPlan, Projection, lit};
use datafusion::logical_expr::expr::NullTreatment;
use datafusion::optimizer::optimizer::ApplyOrder;
use datafusion::optimizer::{OptimizerConfig, OptimizerRule};
use ember_planner::explain::COMPUTED_DISTINCT_ARGUMENT;

/// The rule; see the module documentation.
#[derive(Debug, Default)]
pub struct RewriteDistinctAggregates;

impl OptimizerRule for RewriteDistinctAggregates {
    fn name(&self) -> &str {
        "rewrite_distinct_aggregates"
    }

    fn apply_order(&self) -> Option<ApplyOrder> {
        Some(ApplyOrder::TopDown)
    }

    fn rewrite(&self, plan: LogicalPlan, _config: &dyn OptimizerConfig) -> Result<Transformed<LogicalPlan>> {
        let LogicalPlan::Aggregate(aggregate) = &plan else { return Ok(Transformed::no(plan)) };
        let Some(arguments) = distinct_arguments(aggregate) else { return Ok(Transformed::no(plan)) };
        Ok(Transformed::yes(expanded(aggregate, &arguments)?))
    }
}

/// An aggregate expression without its alias.
fn function(expr: &Expr) -> Option<&AggregateFunction> {
    match expr {
        Expr::Alias(Alias { expr, .. }) => function(expr),
        Expr::AggregateFunction(function) => Some(function),
        _ => None,
    }
}

/// The arguments of the `DISTINCT` aggregates, in order, when there are
/// two or more different ones, each aggregate has one (not a grouping
/// key), and none has a filter or an ordering.
fn distinct_arguments(aggregate: &Aggregate) -> Option<Vec<Expr>> {
    if aggregate.group_expr.iter().any(|g| matches!(g, Expr::GroupingSet(_))) {
        return None;
    }
    let mut arguments: Vec<Expr> = Vec::new();
    for expr in &aggregate.aggr_expr {
        let function = function(expr)?;
        let params = &function.params;
        if params.filter.is_some() || !params.order_by.is_empty() || params.null_treatment.is_some() {
            return None;
        }
        if params.distinct {
            let [argument] = params.args.as_slice() else { return None };
            if aggregate.group_expr.contains(argument) {
                return None;
            }
            if !arguments.contains(argument) {
                arguments.push(argument.clone());
            }
        }
    }
    (arguments.len() >= 2).then_some(arguments)
}

/// The aggregation rewritten (see the module documentation), under a
/// projection giving its columns their names.
fn expanded(aggregate: &Aggregate, arguments: &[Expr]) -> Result<LogicalPlan> {
    let groups = &aggregate.group_expr;
    // Computed arguments are computed first, as columns (DataFusion's later
    // rules would rename computed keys of grouping sets apart).
    let computed: Vec<(usize, &Expr)> = arguments.iter().enumerate().filter(|(_, a)| !matches!(a, Expr::Column(_))).collect();
    let original_arguments = arguments;
    let (input, arguments) = if computed.is_empty() {
        (Arc::clone(&aggregate.input), arguments.to_vec())
    } else {
        let mut columns: Vec<Expr> = aggregate.input.schema().columns().into_iter().map(Expr::Column).collect();
        columns.extend(computed.iter().map(|(j, a)| (*a).clone().alias(format!("{COMPUTED_DISTINCT_ARGUMENT}{j}"))));
        let projected = LogicalPlan::Projection(Projection::try_new(columns, Arc::clone(&aggregate.input))?);
        let named = arguments.iter().enumerate().map(|(j, a)| match a {
            Expr::Column(_) => a.clone(),
            _ => Expr::Column(Column::new_unqualified(format!("{COMPUTED_DISTINCT_ARGUMENT}{j}"))),
        });
        (Arc::new(projected), named.collect())
    };
    let arguments = arguments.as_slice();
    let regular: Vec<&Expr> = aggregate.aggr_expr.iter().filter(|e| function(e).is_some_and(|f| !f.params.distinct)).collect();
    // One set per argument (the groups and it), and the groups alone for the other aggregates.
    let mut sets: Vec<Vec<Expr>> = arguments.iter().map(|a| groups.iter().cloned().chain([a.clone()]).collect()).collect();
    if !regular.is_empty() {
        sets.push(groups.clone());
    }
    // Each named as its result (plans print `first(count(1)#3L, true)` as Spark's).
    let result_name = |e: &Expr| aggregate.aggr_expr.iter().position(|a| a == e).map(|k| aggregate.schema.field(groups.len() + k).name().clone());
    let inner_aggregates: Vec<Expr> = regular
        .iter()
        .enumerate()
        .map(|(i, e)| Expr::AggregateFunction(function(e).expect("an aggregate").clone()).alias(result_name(e).unwrap_or_else(|| format!("__regular_{i}"))))
        .collect();
    let inner = Aggregate::try_new(input, vec![Expr::GroupingSet(GroupingSet::GroupingSets(sets))], inner_aggregates)?;
    let inner_schema = Arc::clone(&inner.schema);
    let column = |i: usize| Expr::Column(Column::from(inner_schema.qualified_field(i)));
    let (group_count, argument_count) = (groups.len(), arguments.len());
    let grouping_id = column(group_count + argument_count);
    // DataFusion's grouping id: a bit per key, the first key's the highest, set where the key is NULL.
    let id_type = inner_schema.field(group_count + argument_count).data_type().clone();
    let id_of = |kept: Option<usize>| -> Result<Expr> {
        let id = (0..argument_count).filter(|&j| Some(j) != kept).fold(0u64, |id, j| id | 1 << (argument_count - 1 - j));
        Ok(grouping_id.clone().eq(lit(ScalarValue::UInt64(Some(id)).cast_to(&id_type)?)))
    };
    let mut outer_aggregates = Vec::with_capacity(aggregate.aggr_expr.len());
    let mut regular_index = 0;
    for expr in &aggregate.aggr_expr {
        let f = function(expr).expect("an aggregate");
        outer_aggregates.push(if f.params.distinct {
            let j = original_arguments.iter().position(|a| a == &f.params.args[0]).expect("a distinct argument");
            Expr::AggregateFunction(AggregateFunction::new_udf(Arc::clone(&f.func), vec![column(group_count + j)], false, Some(Box::new(id_of(Some(j))?)), vec![], None))
        } else {
            let result = column(group_count + argument_count + 1 + regular_index);
            regular_index += 1;
            let first = Some(NullTreatment::IgnoreNulls);
            Expr::AggregateFunction(AggregateFunction::new_udf(first_value_udaf(), vec![result], false, Some(Box::new(id_of(None)?)), vec![], first))
        });
    }
    let outer_groups: Vec<Expr> = (0..group_count).map(column).collect();
    // Each named as the original's result (its states print as Spark's: `count#3L`).
    let outer_aggregates: Vec<Expr> = outer_aggregates.into_iter().enumerate().map(|(i, e)| e.alias(aggregate.schema.field(group_count + i).name())).collect();
    let outer = Aggregate::try_new(Arc::new(LogicalPlan::Aggregate(inner)), outer_groups, outer_aggregates)?;
    let outer_schema = Arc::clone(&outer.schema);
    // The original columns: the groups, each aggregate's result (a regular one's over no rows where it had none).
    let names = aggregate.schema.iter().collect::<Vec<_>>();
    let mut projection = Vec::with_capacity(names.len());
    for (i, (qualifier, field)) in names.into_iter().enumerate() {
        let mut value = Expr::Column(Column::from(outer_schema.qualified_field(i)));
        if let Some(f) = i.checked_sub(group_count).and_then(|k| aggregate.aggr_expr.get(k)).and_then(function) {
            // A group's rows of the other aggregates are never all missing: their results are whole.
            if !f.params.distinct && group_count == 0 {
                let default = f.func.default_value(field.data_type())?;
                if !default.is_null() {
                    value = coalesce(vec![value, lit(default)]);
                }
            }
        }
        let metadata = Some(field.metadata().clone()).filter(|m| !m.is_empty()).map(Into::into);
        projection.push(value.alias_qualified_with_metadata(qualifier.cloned(), field.name(), metadata));
    }
    Ok(LogicalPlan::Projection(Projection::try_new(projection, Arc::new(LogicalPlan::Aggregate(outer)))?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::functions_aggregate::expr_fn::{count_distinct, sum};
    use datafusion::logical_expr::{LogicalPlanBuilder, col, table_scan};
    use datafusion::optimizer::OptimizerContext;

    fn aggregated(aggregates: Vec<Expr>) -> LogicalPlan {
        let schema = Schema::new(vec![Field::new("g", DataType::Int64, true), Field::new("a", DataType::Int64, true), Field::new("b", DataType::Int64, true)]);
        let scan = table_scan(Some("t"), &schema, None).unwrap().build().unwrap();
        LogicalPlanBuilder::from(scan).aggregate(vec![col("g")], aggregates).unwrap().build().unwrap()
    }

    fn rewritten(plan: LogicalPlan) -> Option<String> {
        let result = RewriteDistinctAggregates.rewrite(plan, &OptimizerContext::new()).unwrap();
        result.transformed.then(|| result.data.display_indent().to_string())
    }

    #[test]
    fn several_distinct_arguments_expand_into_grouping_sets() {
        let plan = aggregated(vec![count_distinct(col("a")), count_distinct(col("b")), sum(col("a"))]);
        let text = rewritten(plan.clone()).expect("rewritten");
        assert!(text.contains("GROUPING SETS ((t.g, t.a), (t.g, t.b), (t.g))"), "{text}");
        assert!(text.contains("count(t.a) FILTER (WHERE __grouping_id = UInt8(1))"), "{text}");
        assert!(text.contains("count(t.b) FILTER (WHERE __grouping_id = UInt8(2))"), "{text}");
        assert!(text.contains("first_value("), "{text}");
        // The columns keep their names.
        let LogicalPlan::Projection(projection) = RewriteDistinctAggregates.rewrite(plan.clone(), &OptimizerContext::new()).unwrap().data else { panic!("a projection") };
        assert_eq!(projection.schema.as_ref(), plan.schema().as_ref());
    }
}
