//! Spark's refusal of non-deterministic arguments to aggregate functions
//! (`sum(rand())`, `max(my_udf.asNondeterministic()())`): an aggregate may
//! evaluate its arguments more than once, so their values would not be
//! stable. Also of aggregates inside aggregates, and of `grouping()` in an
//! aggregation without grouping sets.

use datafusion::logical_expr::Expr;
use datafusion::logical_expr::utils::find_aggregate_exprs;

use crate::error::{ErrorKind, Result, SparkError};

/// Spark's `AGGREGATE_FUNCTION_WITH_NONDETERMINISTIC_EXPRESSION` for the
/// first aggregate output (an expression and its Spark name) whose
/// aggregate functions take a non-deterministic argument.
/// Before that, `UNSUPPORTED_GROUPING_EXPRESSION` for `grouping()` (only
/// grouping sets have it) and `NESTED_AGGREGATE_FUNCTION` for an aggregate
/// function in another's arguments.
pub(crate) fn check_aggregate_arguments(outputs: &[(Expr, String)]) -> Result<()> {
    let nested = outputs.iter().flat_map(|(expr, _)| find_aggregate_exprs(std::iter::once(expr))).any(|aggregate| match aggregate {
        Expr::AggregateFunction(call) => !find_aggregate_exprs(call.params.args.iter()).is_empty(),
        _ => false,
    });
    let grouping = outputs.iter().flat_map(|(expr, _)| find_aggregate_exprs(std::iter::once(expr))).any(|aggregate| match aggregate {
        Expr::AggregateFunction(call) => call.func.name() == "grouping",
        _ => false,
    });
    if grouping {
        return Err(unsupported_grouping_expression());
    }
    if nested {
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "NESTED_AGGREGATE_FUNCTION",
            "42607",
            "It is not allowed to use an aggregate function in the argument of another aggregate function. Please use the inner aggregate function in a sub-query.",
            &[],
        ));
    }
    for (expr, name) in outputs {
        let volatile = find_aggregate_exprs(std::iter::once(expr)).iter().any(|aggregate| match aggregate {
            Expr::AggregateFunction(call) => call.params.args.iter().any(Expr::is_volatile),
            _ => false,
        });
        if volatile {
            let sql_expr = format!("\"{name}\"");
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "AGGREGATE_FUNCTION_WITH_NONDETERMINISTIC_EXPRESSION",
                "42845",
                format!("Non-deterministic expression {sql_expr} should not appear in the arguments of an aggregate function."),
                &[("sqlExpr", sql_expr)],
            ));
        }
    }
    Ok(())
}

/// `UNSUPPORTED_GROUPING_EXPRESSION`: `grouping()`/`grouping_id()` of an aggregation without grouping sets.
pub(crate) fn unsupported_grouping_expression() -> SparkError {
    SparkError::new(ErrorKind::Analysis, "UNSUPPORTED_GROUPING_EXPRESSION", "42K0E", "grouping()/grouping_id() can only be used with GroupingSets/Cube/Rollup.", &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::functions::math::expr_fn::random;
    use datafusion::functions_aggregate::expr_fn::sum;
    use datafusion::logical_expr::col;

    #[test]
    fn non_deterministic_arguments_of_aggregates_are_refused() {
        assert!(check_aggregate_arguments(&[(sum(col("a")), "sum(a)".into()), (random(), "rand()".into())]).is_ok());
        let err = check_aggregate_arguments(&[(sum(random()), "sum(rand(1))".into())]).unwrap_err();
        assert_eq!(err.error_class, "AGGREGATE_FUNCTION_WITH_NONDETERMINISTIC_EXPRESSION");
        assert_eq!(err.message, "Non-deterministic expression \"sum(rand(1))\" should not appear in the arguments of an aggregate function.");
    }
}
