//! Spark's `counter_diff(value[, startTime])` window function: the change
//! of a cumulative counter since the previous row of the window with a
//! value, NULL for the first row, rows without a value and where the counter was reset (its value went down, or
//! its start time advanced). Planned as `lag` expressions, which the
//! window's partitioning and ordering then apply to.

use datafusion::logical_expr::expr::{NullTreatment, WindowFunction, WindowFunctionDefinition};
use datafusion::logical_expr::{Expr, Operator, binary_expr, lit, when};

use crate::call_names::call_name;
use crate::error::Result;
use crate::plan::Planner;

impl Planner<'_> {
    /// `counter_diff(value[, startTime])`; `None` for other calls.
    pub(crate) fn plan_counter_diff(&mut self, function: &str, args: &[Expr], names: &[String]) -> Result<Option<(Expr, String)>> {
        if function != "counter_diff" || !(1..=2).contains(&args.len()) {
            return Ok(None);
        }
        let lag = self.window_udf("lag")?;
        // The previous non-NULL value, as Spark skips rows without a value.
        let previous = |e: &Expr| {
            let mut call = WindowFunction::new(WindowFunctionDefinition::WindowUDF(lag.clone()), vec![e.clone(), lit(1i64)]);
            call.params.null_treatment = Some(NullTreatment::IgnoreNulls);
            Expr::WindowFunction(Box::new(call))
        };
        let (value, before) = (args[0].clone(), previous(&args[0]));
        let mut reset = before.clone().is_null().or(value.clone().lt(before.clone()));
        if let Some(start) = args.get(1) {
            reset = reset.or(start.clone().gt(previous(start)));
        }
        let difference = binary_expr(value, Operator::Minus, before);
        let expr = when(Expr::Not(Box::new(reset)), difference).end()?;
        Ok(Some((expr, call_name(function, names))))
    }
}
