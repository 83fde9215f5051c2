//! Plans `next_day` (of a DATE, TIMESTAMP or STRING) and `elt` (of strings)
//! with Spark's ANSI errors for an unknown day of the week or a position out
//! of range.

use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_functions::cast::spark_cast;
use ember_functions::lookups;

use crate::call_names::call_name;
use crate::error::Result;
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans `next_day` and `elt`; `None` for other functions (and `elt` of binary values).
    pub(crate) fn plan_lookup_function(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let types = args.iter().map(|a| self.type_of(a, input)).collect::<Result<Vec<_>>>()?;
        let as_type = |i: usize, target: DataType| {
            if types[i] == target { args[i].clone() } else { spark_cast(args[i].clone(), target, self.cast_mode()) }
        };
        let expr = match (function, args.len()) {
            ("next_day", 2) => lookups::next_day(as_type(0, DataType::Date32), as_type(1, DataType::Utf8), self.config.ansi),
            ("elt", n) if n >= 2 && !types[1..].iter().any(|t| matches!(t, DataType::Binary | DataType::LargeBinary)) => {
                let mut converted = vec![as_type(0, DataType::Int32)];
                converted.extend((1..n).map(|i| as_type(i, DataType::Utf8)));
                lookups::elt(converted, self.config.ansi)
            }
            _ => return Ok(None),
        };
        Ok(Some((expr, call_name(function, names))))
    }
}
