//! Spark's `ConvertToLocalRelation` for the plans `explain()` shows: a
//! projection, filter or limit over local rows is computed while Spark
//! optimizes, leaving one `LocalRelation` of the results (`<empty>` when
//! none is left). Ember computes those rows where it runs the query; the
//! explained plan folds them as Spark's does, and so raises as Spark does
//! when computing them fails (`DIVIDE_BY_ZERO` of `df.select(col / 0)`).

use std::sync::Arc;

use datafusion::catalog::MemTable;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::datasource::provider_as_source;
use datafusion::error::Result;
use datafusion::execution::SessionState;
use datafusion::logical_expr::{Expr, LogicalPlan, SkipType, TableScan};
use datafusion::physical_plan::collect;
use futures::FutureExt;
use futures::future::BoxFuture;

use crate::cache::local_relation_name;
use crate::explain::COMPUTED_DISTINCT_ARGUMENT;

/// `plan` with each projection, filter and limit over local rows replaced
/// by a local relation of the rows they give.
pub fn fold_local_rows<'a>(plan: &'a LogicalPlan, state: &'a SessionState) -> BoxFuture<'a, Result<LogicalPlan>> {
    async move {
        if folds(plan) {
            return computed(plan, state).await;
        }
        // A generator's arguments, computed by the projection below it, stay in Spark's `Generate`.
        if let (LogicalPlan::Unnest(_), [LogicalPlan::Projection(arguments)]) = (plan, plan.inputs().as_slice()) {
            let below = fold_local_rows(&arguments.input, state).await?;
            if &below == arguments.input.as_ref() {
                return Ok(plan.clone());
            }
            let arguments = LogicalPlan::Projection(arguments.clone()).with_new_exprs(arguments.expr.clone(), vec![below])?;
            return plan.with_new_exprs(plan.expressions(), vec![arguments]);
        }
        let mut changed = false;
        let mut inputs = Vec::new();
        for input in plan.inputs() {
            let folded = fold_local_rows(input, state).await?;
            changed |= &folded != input;
            inputs.push(folded);
        }
        if !changed {
            return Ok(plan.clone());
        }
        plan.with_new_exprs(plan.expressions(), inputs)
    }
    .boxed()
}

/// Whether Spark folds `plan`: projections, filters and limits (through
/// aliases) over local rows, computing nothing Spark cannot compute while
/// it optimizes (subqueries, Python UDFs); also a scan of local rows that
/// filters or limits them itself.
fn folds(plan: &LogicalPlan) -> bool {
    match plan {
        // The distinct aggregates' computed arguments belong to Spark's `Expand` above.
        LogicalPlan::Projection(projection) if projection.schema.fields().iter().any(|f| f.name().starts_with(COMPUTED_DISTINCT_ARGUMENT)) => false,
        LogicalPlan::Projection(_) | LogicalPlan::Filter(_) | LogicalPlan::Limit(_) => over_local_rows(plan),
        LogicalPlan::TableScan(scan) => over_local_rows(plan) && (!scan.filters.is_empty() || scan.fetch.is_some()),
        _ => false,
    }
}

fn over_local_rows(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Limit(limit) if !matches!(limit.get_skip_type(), Ok(SkipType::Literal(0))) => false,
        LogicalPlan::Projection(_) | LogicalPlan::Filter(_) | LogicalPlan::Limit(_) | LogicalPlan::SubqueryAlias(_) => {
            let evaluable = plan.expressions().iter().all(evaluable);
            evaluable && plan.inputs().into_iter().all(over_local_rows)
        }
        LogicalPlan::TableScan(scan) => scan.table_name.table().starts_with("local_"),
        _ => false,
    }
}

fn evaluable(expr: &Expr) -> bool {
    let mut evaluable = true;
    let _ = expr.apply(|e| {
        evaluable = match e {
            Expr::ScalarSubquery(_) | Expr::Exists(_) | Expr::InSubquery(_) | Expr::OuterReferenceColumn(..) => false,
            Expr::ScalarFunction(call) => {
                let function: &dyn std::any::Any = call.func.inner().as_ref();
                !function.is::<ember_python::PythonScalarUdf>()
            }
            _ => true,
        };
        Ok(if evaluable { TreeNodeRecursion::Continue } else { TreeNodeRecursion::Stop })
    });
    evaluable
}

/// A local relation of the rows `plan` gives, with its columns.
async fn computed(plan: &LogicalPlan, state: &SessionState) -> Result<LogicalPlan> {
    let physical = state.create_physical_plan(plan).await?;
    let schema = physical.schema();
    let batches = collect(physical, state.task_ctx()).await?;
    let table_name = local_relation_name(&batches);
    let table = MemTable::try_new(schema, vec![batches])?;
    Ok(LogicalPlan::TableScan(TableScan {
        table_name,
        source: provider_as_source(Arc::new(table)),
        projection: None,
        projected_schema: plan.schema().clone(),
        filters: Vec::new(),
        fetch: None,
        statistics_requests: Default::default(),
    }))
}
