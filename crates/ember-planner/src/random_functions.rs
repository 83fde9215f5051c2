//! Spark's seeded random functions beyond `rand`/`randn`: `uniform(min, max[,
//! seed])`, `min + (max - min) * rand(seed)` in the arguments' type, and
//! `randstr(length[, seed])`. Without a seed, a seed is drawn per query.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan, lit};
use ember_functions::cast::{CastMode, spark_cast};
use ember_functions::seeded_random::Draw;

use crate::error::{Result, SparkError};
use crate::nullable::as_non_nullable;
use crate::partitioning::{PartitionValueKind, partition_marker};
use crate::plan::Planner;

/// The integer a literal argument holds.
pub(crate) fn integer_literal(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Literal(ScalarValue::Int8(Some(v)), _) => Some(i64::from(*v)),
        Expr::Literal(ScalarValue::Int16(Some(v)), _) => Some(i64::from(*v)),
        Expr::Literal(ScalarValue::Int32(Some(v)), _) => Some(i64::from(*v)),
        Expr::Literal(ScalarValue::Int64(Some(v)), _) => Some(*v),
        _ => None,
    }
}

/// A seed for a call without one.
fn fresh_seed() -> i64 {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    nanos as i64
}

/// The type of `uniform(min, max)`: a DECIMAL argument's type, the wider
/// integer type of two integers, else DOUBLE (FLOAT for floats).
fn uniform_type(min: &DataType, max: &DataType) -> DataType {
    let integer_rank = |t: &DataType| match t {
        DataType::Int8 => Some(0),
        DataType::Int16 => Some(1),
        DataType::Int32 => Some(2),
        DataType::Int64 => Some(3),
        _ => None,
    };
    if let Some(decimal) = [min, max].into_iter().find(|t| matches!(t, DataType::Decimal128(..))) {
        return decimal.clone();
    }
    match (integer_rank(min), integer_rank(max)) {
        (Some(a), Some(b)) => if a >= b { min.clone() } else { max.clone() },
        _ if [min, max].iter().all(|t| matches!(t, DataType::Float32 | DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64)) => {
            DataType::Float32
        }
        _ => DataType::Float64,
    }
}

fn non_foldable(function: &str, name: &str, argument: &str) -> SparkError {
    SparkError::new(
        crate::error::ErrorKind::Analysis,
        "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
        "42K09",
        format!("Cannot resolve \"{name}\" due to data type mismatch: the input {argument} should be a foldable INT or SMALLINT expression; however, got \"{function}\"."),
        &[("sqlExpr", format!("\"{name}\"")), ("inputName", format!("`{argument}`"))],
    )
}

impl Planner<'_> {
    /// Plans `uniform` and `randstr`; `None` for other functions.
    pub(crate) fn plan_random_function(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let name = format!("{function}({})", names.join(", "));
        let seed = |i: usize| -> Result<i64> {
            match args.get(i) {
                None => Ok(fresh_seed()),
                Some(Expr::Literal(ScalarValue::Null, _)) => Ok(0),
                Some(seed) => integer_literal(seed).ok_or_else(|| non_foldable(&names[i], &name, "seed")),
            }
        };
        let expr = match (function, args.len()) {
            ("uniform", 2 | 3) => {
                let (min_type, max_type) = (self.type_of(&args[0], input)?, self.type_of(&args[1], input)?);
                if [&min_type, &max_type].contains(&&DataType::Null) {
                    return Ok(Some((lit(ScalarValue::Float64(None)), name)));
                }
                let draw = partition_marker(PartitionValueKind::SeededDraw(seed(2)?, Draw::Uniform));
                let min = spark_cast(args[0].clone(), DataType::Float64, CastMode::Legacy);
                let max = spark_cast(args[1].clone(), DataType::Float64, CastMode::Legacy);
                let value = min.clone() + (max - min) * draw;
                as_non_nullable(spark_cast(value, uniform_type(&min_type, &max_type), CastMode::Legacy))
            }
            ("randstr", 1 | 2) => {
                let length = integer_literal(&args[0]).ok_or_else(|| non_foldable(&names[0], &name, "length"))?;
                let length = usize::try_from(length).map_err(|_| {
                    SparkError::illegal_argument(format!("The length of randstr must be non-negative, got {length}"))
                })?;
                partition_marker(PartitionValueKind::SeededDraw(seed(1)?, Draw::Chars(length)))
            }
            _ => return Ok(None),
        };
        Ok(Some((expr, name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_keeps_integer_types() {
        assert_eq!(uniform_type(&DataType::Int32, &DataType::Int32), DataType::Int32);
        assert_eq!(uniform_type(&DataType::Int32, &DataType::Int64), DataType::Int64);
        assert_eq!(uniform_type(&DataType::Int32, &DataType::Float64), DataType::Float64);
        assert_eq!(uniform_type(&DataType::Float32, &DataType::Int32), DataType::Float32);
    }
}
