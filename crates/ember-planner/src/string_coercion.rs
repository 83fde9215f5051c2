//! Spark's implicit cast of non-string arguments of string functions to
//! STRING (`upper(1)`, `length(1.5)`, `1 LIKE 1`), which DataFusion's
//! string kernels do not do.

use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_functions::cast::{CastMode, is_string, spark_cast};

use crate::error::Result;
use crate::plan::Planner;

/// How many leading arguments of `function` Spark reads as STRING.
fn string_arguments(function: &str) -> usize {
    match function {
        "upper" | "lower" | "ucase" | "lcase" | "initcap" | "bit_length" | "octet_length" | "unhex" | "url_encode"
        | "url_decode" | "try_url_decode" | "repeat" | "substr" | "substring" | "lpad" | "rpad" | "soundex" | "unbase64" | "format_string" | "printf" => 1,
        "contains" | "startswith" | "endswith" | "instr" | "levenshtein" | "locate" | "position" | "split_part"
        | "like" | "ilike" | "rlike" | "regexp" | "regexp_like" | "trim" | "btrim" | "ltrim" | "rtrim" => 2,
        "replace" => 3,
        _ => 0,
    }
}

impl Planner<'_> {
    /// Casts the arguments `function` reads as STRING to STRING when they
    /// are numbers, booleans, dates or timestamps.
    pub(crate) fn coerce_string_arguments(&self, function: &str, args: &mut [Expr], input: &LogicalPlan) -> Result<()> {
        let count = string_arguments(function).min(args.len());
        for arg in args.iter_mut().take(count) {
            let data_type = self.type_of(arg, input)?;
            let castable = data_type.is_numeric()
                || matches!(data_type, DataType::Boolean | DataType::Date32 | DataType::Timestamp(..) | DataType::Decimal128(..));
            if castable && !is_string(&data_type) {
                *arg = spark_cast(arg.clone(), DataType::Utf8, CastMode::Legacy);
            }
        }
        Ok(())
    }
}
