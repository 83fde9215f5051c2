//! Running a plan while planning: the relations whose output columns depend
//! on the data (pivot without values, crosstab, transpose) compute that data
//! first, as Spark's analyzer does.

use datafusion::arrow::array::RecordBatch;
use datafusion::common::{Column, ScalarValue};
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, col};

use crate::error::{Result, SparkError};
use crate::plan::Planner;

impl Planner<'_> {
    /// Runs `plan` to completion and returns its batches. Planning is
    /// synchronous, so the plan runs on a runtime of its own on a scoped
    /// thread (the caller's runtime may be the one planning).
    pub(crate) fn collect_now(&self, plan: LogicalPlan) -> Result<Vec<RecordBatch>> {
        let state = self.ctx.state();
        std::thread::scope(|scope| {
            scope
                .spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .map_err(|e| SparkError::internal(format!("cannot start a runtime: {e}")))?;
                    runtime.block_on(async move { Ok(DataFrame::new(state, plan).collect().await?) })
                })
                .join()
                .map_err(|_| SparkError::internal("a query run while planning panicked"))?
        })
    }
}

impl Planner<'_> {
    /// The distinct values of `expr` (called `pivot_name`) over `input`,
    /// sorted ascending with NULL first: the columns of a pivot without a
    /// value list.
    pub(crate) fn distinct_values(&self, expr: &Expr, pivot_name: &str, input: &LogicalPlan) -> Result<Vec<ScalarValue>> {
        let max_values = self.config.pivot_max_values;
        let name = crate::plan::fresh_name();
        let plan = LogicalPlanBuilder::from(input.clone())
            .aggregate(vec![expr.clone().alias(&name)], Vec::<Expr>::new())?
            .sort(vec![col(Column::new_unqualified(&name)).sort(true, true)])?
            .limit(0, Some(max_values + 1))?
            .build()?;
        let mut values = Vec::new();
        for batch in self.collect_now(plan)? {
            for row in 0..batch.num_rows() {
                values.push(ScalarValue::try_from_array(batch.column(0), row)?);
            }
        }
        if values.len() > max_values {
            return Err(too_many_pivot_values(pivot_name, max_values));
        }
        Ok(values)
    }
}

/// Spark's error for a pivot column with too many values.
fn too_many_pivot_values(pivot_name: &str, max_values: usize) -> SparkError {
    SparkError::new(
        crate::ErrorKind::Analysis,
        "_LEGACY_ERROR_TEMP_1324",
        "",
        format!(
            "The pivot column {pivot_name} has more than {max_values} distinct values, this could indicate an error. \
             If this was intended, set spark.sql.pivotMaxValues to at least the number of distinct values of the pivot column."
        ),
        &[
            ("pivotColumn", pivot_name.to_string()),
            ("maxValues", max_values.to_string()),
            ("config", "spark.sql.pivotMaxValues".to_string()),
        ],
    )
}
