//! Spark's `FoldablePropagation` around a round-robin repartition: a
//! projection above the repartition (right above it, or above limits, sorts
//! and filters on it) gets the constant columns of the projection below it (a literal, or an expression of literals), and
//! column pruning then drops them below, so they are not part of the rows
//! Spark hashes and sorts before dealing them out. Without a projection
//! above (a bare `repartition(n)` collected or written), they stay.

use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{Column, Result};
use datafusion::logical_expr::{Expr, Extension, LogicalPlan, Projection};
use datafusion::optimizer::optimizer::ApplyOrder;
use datafusion::optimizer::{OptimizerConfig, OptimizerRule};

use super::nodes::{PartitionValue, RepartitionScheme, SparkRepartition};

/// The rule; see the module documentation. A column of the row's partition
/// (`spark_partition_id()`, …) counts as a projection, as it is one in Spark.
#[derive(Debug, Default)]
pub struct ConstantsAboveRoundRobin;

impl OptimizerRule for ConstantsAboveRoundRobin {
    fn name(&self) -> &str {
        "constants_above_round_robin"
    }

    fn apply_order(&self) -> Option<ApplyOrder> {
        Some(ApplyOrder::TopDown)
    }

    fn rewrite(&self, plan: LogicalPlan, _config: &dyn OptimizerConfig) -> Result<Transformed<LogicalPlan>> {
        let projects = match &plan {
            LogicalPlan::Projection(_) => true,
            LogicalPlan::Extension(extension) => extension.node.as_any().is::<PartitionValue>(),
            _ => false,
        };
        let rewritten = match plan.inputs().as_slice() {
            [input] if projects => constants_above(input)?,
            _ => None,
        };
        match rewritten {
            Some(input) => Ok(Transformed::yes(plan.with_new_exprs(plan.expressions(), vec![input])?)),
            None => Ok(Transformed::no(plan)),
        }
    }
}

impl ConstantsAboveRoundRobin {
    /// `plan` as the rule leaves it under a projection: for plans a
    /// projection goes above without being one of their nodes (Spark's
    /// `show()` selects every column cast to a string).
    pub fn under_projection(plan: LogicalPlan) -> Result<LogicalPlan> {
        Ok(constants_above(&plan)?.unwrap_or(plan))
    }
}

/// `plan` with the constant columns of a round-robin repartition computed
/// above it instead, when it is one (perhaps below limits, sorts and
/// filters, which Spark's rule looks through) that reads a projection with
/// both constant and other columns.
fn constants_above(plan: &LogicalPlan) -> Result<Option<LogicalPlan>> {
    let repartition = match plan {
        LogicalPlan::Limit(_) | LogicalPlan::Sort(_) | LogicalPlan::Filter(_) => {
            let Some(input) = constants_above(plan.inputs()[0])? else { return Ok(None) };
            return Ok(Some(plan.with_new_exprs(plan.expressions(), vec![input])?));
        }
        LogicalPlan::Extension(extension) => extension.node.as_any().downcast_ref::<SparkRepartition>(),
        _ => None,
    };
    let Some(repartition) = repartition.filter(|r| matches!(r.scheme, RepartitionScheme::RoundRobin { .. })) else { return Ok(None) };
    let LogicalPlan::Projection(projection) = &repartition.input else { return Ok(None) };
    let projection = merged_with_projection_below(projection)?;
    let constant: Vec<bool> = projection.expr.iter().map(is_constant).collect();
    if !constant.contains(&true) || !constant.contains(&false) {
        return Ok(None);
    }
    let kept = projection.expr.iter().zip(&constant).filter(|(_, constant)| !**constant).map(|(expr, _)| expr.clone()).collect();
    let below = LogicalPlan::Projection(Projection::try_new(kept, projection.input.clone())?);
    let repartitioned = LogicalPlan::Extension(Extension { node: Arc::new(SparkRepartition { input: below, ..repartition.clone() }) });
    let columns = projection.expr.iter().zip(&constant).enumerate().map(|(i, (expr, &constant))| {
        if constant { expr.clone() } else { Expr::Column(Column::from(projection.schema.qualified_field(i))) }
    });
    Ok(Some(LogicalPlan::Projection(Projection::try_new(columns.collect(), Arc::new(repartitioned))?)))
}

/// `projection`, when it only picks columns of a projection right below it,
/// as one projection of the expressions it picks (as DataFusion's optimizer
/// merges them, which it has not done yet for a plan not yet optimized).
fn merged_with_projection_below(projection: &Projection) -> Result<Projection> {
    let LogicalPlan::Projection(below) = projection.input.as_ref() else { return Ok(projection.clone()) };
    let picked = projection
        .expr
        .iter()
        .map(|expr| match expr {
            Expr::Column(column) => below.schema.maybe_index_of_column(column).map(|i| below.expr[i].clone()),
            _ => None,
        })
        .collect::<Option<Vec<_>>>();
    match picked {
        Some(exprs) => Projection::try_new(exprs, below.input.clone()),
        None => Ok(projection.clone()),
    }
}

/// Whether Spark folds `expr` to a constant: it reads no column, draws no
/// random value and holds no subquery.
fn is_constant(expr: &Expr) -> bool {
    let subquery = |e: &Expr| Ok(matches!(e, Expr::ScalarSubquery(_) | Expr::Exists(_) | Expr::InSubquery(_)));
    expr.column_refs().is_empty() && !expr.is_volatile() && !expr.exists(subquery).unwrap_or(true)
}

#[cfg(test)]
mod tests {
    use datafusion::logical_expr::{LogicalPlanBuilder, col, lit};
    use datafusion::optimizer::OptimizerContext;

    use super::*;

    fn repartitioned_with_constant() -> LogicalPlan {
        let values = LogicalPlanBuilder::values(vec![vec![lit(1i64)], vec![lit(2i64)]]).unwrap().build().unwrap();
        let projected = LogicalPlanBuilder::from(values).project(vec![col("column1").alias("id"), lit(5).alias("c")]).unwrap().build().unwrap();
        SparkRepartition::plan(projected, RepartitionScheme::RoundRobin { sort_rows: true }, 3)
    }

    fn rows_sorted_by_the_repartition(plan: &LogicalPlan) -> Vec<String> {
        let mut found = None;
        plan.apply(|node| {
            if let LogicalPlan::Extension(e) = node
                && let Some(r) = e.node.as_any().downcast_ref::<SparkRepartition>()
            {
                found = Some(r.input.schema().fields().iter().map(|f| f.name().clone()).collect());
            }
            Ok(datafusion::common::tree_node::TreeNodeRecursion::Continue)
        })
        .unwrap();
        found.unwrap()
    }

    #[test]
    fn a_projection_above_takes_the_constant_columns() {
        let above = LogicalPlanBuilder::from(repartitioned_with_constant()).project(vec![col("id"), (col("c") + lit(1)).alias("d")]).unwrap().build().unwrap();
        let rewritten = ConstantsAboveRoundRobin.rewrite(above.clone(), &OptimizerContext::new()).unwrap();
        assert!(rewritten.transformed);
        assert_eq!(rows_sorted_by_the_repartition(&rewritten.data), ["id"]);
        assert_eq!(rewritten.data.schema(), above.schema());
    }

    #[test]
    fn without_a_projection_above_the_constants_stay() {
        let limited = LogicalPlanBuilder::from(repartitioned_with_constant()).limit(0, Some(1)).unwrap().build().unwrap();
        let rewritten = ConstantsAboveRoundRobin.rewrite(limited, &OptimizerContext::new()).unwrap();
        assert!(!rewritten.transformed);
        assert_eq!(rows_sorted_by_the_repartition(&rewritten.data), ["id", "c"]);
        let shown = ConstantsAboveRoundRobin::under_projection(repartitioned_with_constant()).unwrap();
        assert_eq!(rows_sorted_by_the_repartition(&shown), ["id"]);
    }
}
