//! A select list with aggregate functions and no grouping
//! (`df.select(max("a"))`, `spark.range(3).select(count("*") + 1)`): Spark
//! aggregates the whole input into one row.

use datafusion::common::Column;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, col};

use crate::error::{Result, SparkError};
use crate::plan::{fresh_name, project_plan};

/// The aggregate functions among `exprs` (outside window functions).
pub(crate) fn aggregates_in(exprs: &[Expr]) -> Vec<Expr> {
    datafusion::logical_expr::utils::find_aggregate_exprs(exprs.iter())
}

/// `exprs` over one aggregation of all of `input` computing `aggregates`.
pub(crate) fn global_aggregate(input: LogicalPlan, exprs: Vec<Expr>, aggregates: Vec<Expr>) -> Result<LogicalPlan> {
    let names: Vec<String> = aggregates.iter().map(|_| fresh_name()).collect();
    let computed: Vec<Expr> = aggregates.iter().zip(&names).map(|(e, n)| e.clone().alias(n)).collect();
    let aggregated = LogicalPlanBuilder::from(input).aggregate(Vec::<Expr>::new(), computed)?.build()?;
    let rewritten = exprs
        .into_iter()
        .map(|expr| {
            expr.transform_down(|e| match aggregates.iter().position(|a| *a == e) {
                Some(i) => Ok(Transformed::new(col(Column::new_unqualified(&names[i])), true, TreeNodeRecursion::Jump)),
                None => Ok(Transformed::no(e)),
            })
            .map(|t| t.data)
        })
        .collect::<datafusion::common::Result<Vec<_>>>()?;
    project_plan(aggregated, rewritten).map_err(|e| {
        let spark = SparkError::from(e);
        if spark.message.contains("Schema error") {
            SparkError::new(
                crate::ErrorKind::Analysis,
                "MISSING_GROUP_BY",
                "42803",
                "The query does not include a GROUP BY clause. Add GROUP BY or turn it into the window functions using OVER clauses.",
                &[],
            )
        } else {
            spark
        }
    })
}
