//! Where `input_file_name()` and `input_file_block_start()`/`_length()` find
//! their values: the file scans under the node that calls them, through the
//! nodes that keep each row in its scan task (projections, filters, aliases,
//! limits, unions), as Spark's tasks keep the file they read. Rows that come
//! from anything else (no file, an aggregation, a join, a shuffle) get
//! Spark's values for rows not read from a file (`""`, -1).

use std::sync::Arc;

use datafusion::arrow::datatypes::Field;
use datafusion::common::{Column, DFSchema, Result};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, Union, col, lit};
use ember_sources::input_file_columns::{self, FileColumn};

/// `plan`'s rows with column `name` of `column` appended.
pub fn with_file_column(plan: LogicalPlan, column: FileColumn, name: &str) -> Result<LogicalPlan> {
    let appended = || col(Column::new_unqualified(name));
    match &plan {
        LogicalPlan::TableScan(scan) => match input_file_columns::with_file_column(scan, column, name)? {
            Some(wider) => Ok(wider),
            None => with_constant(plan, column, name),
        },
        LogicalPlan::Projection(projection) => {
            let input = with_file_column(projection.input.as_ref().clone(), column, name)?;
            let exprs = projection.expr.iter().cloned().chain([appended()]);
            LogicalPlanBuilder::from(input).project(exprs)?.build()
        }
        LogicalPlan::Filter(filter) => {
            let input = with_file_column(filter.input.as_ref().clone(), column, name)?;
            LogicalPlanBuilder::from(input).filter(filter.predicate.clone())?.build()
        }
        LogicalPlan::SubqueryAlias(alias) => {
            let input = with_file_column(alias.input.as_ref().clone(), column, name)?;
            LogicalPlanBuilder::from(input).alias(alias.alias.clone())?.build()
        }
        LogicalPlan::Union(union) => {
            let inputs = union.inputs.iter().map(|input| with_file_column(input.as_ref().clone(), column, name).map(Arc::new)).collect::<Result<Vec<_>>>()?;
            // The union's (qualified) names are kept, as the plan above refers to them.
            let appended = DFSchema::from_unqualified_fields(vec![Field::new(name, column.data_type(), false)].into(), Default::default())?;
            let mut schema = union.schema.as_ref().clone();
            schema.merge(&appended);
            Ok(LogicalPlan::Union(Union { inputs, schema: Arc::new(schema) }))
        }
        LogicalPlan::Limit(_) => {
            let inputs = plan.inputs().into_iter().map(|input| with_file_column(input.clone(), column, name)).collect::<Result<Vec<_>>>()?;
            plan.with_new_exprs(plan.expressions(), inputs)?.recompute_schema()
        }
        _ => with_constant(plan, column, name),
    }
}

/// `plan`'s rows with Spark's value for rows not read from a file.
fn with_constant(plan: LogicalPlan, column: FileColumn, name: &str) -> Result<LogicalPlan> {
    let mut exprs: Vec<Expr> = plan.schema().columns().into_iter().map(Expr::Column).collect();
    exprs.push(lit(column.no_file_value()).alias(name));
    LogicalPlanBuilder::from(plan).project(exprs)?.build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::LogicalPlanBuilder;

    #[test]
    fn rows_not_from_files_get_spark_defaults() {
        let plan = LogicalPlanBuilder::empty(true).build().unwrap();
        let plan = with_file_column(plan, FileColumn::BlockStart, "start").unwrap();
        assert_eq!(plan.schema().field(0).name(), "start");
        assert!(!plan.schema().field(0).is_nullable());
    }
}
