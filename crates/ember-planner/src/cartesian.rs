//! `spark.sql.crossJoin.enabled=false`: a join without a condition (or with
//! a trivially true one) must be written as a cross join.

use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, JoinType, LogicalPlan};

use crate::error::{ErrorKind, Result, SparkError};

/// Fails with Spark's `_LEGACY_ERROR_TEMP_1211` when implicit cartesian
/// products are off and this join is one: an inner or outer join whose
/// condition is missing or `TRUE`. Semi and anti joins and explicit cross
/// joins pass.
pub(crate) fn check_implicit_cartesian(
    cross_join_enabled: bool,
    explicit_cross: bool,
    join_type: JoinType,
    condition: Option<&Expr>,
    left: &LogicalPlan,
    right: &LogicalPlan,
) -> Result<()> {
    let trivial = match condition {
        None => true,
        Some(Expr::Literal(ScalarValue::Boolean(Some(true)), _)) => true,
        Some(_) => false,
    };
    let sql_join_type = match join_type {
        JoinType::Inner => "INNER",
        JoinType::Left => "LEFT OUTER",
        JoinType::Right => "RIGHT OUTER",
        JoinType::Full => "FULL OUTER",
        _ => return Ok(()),
    };
    if cross_join_enabled || explicit_cross || !trivial {
        return Ok(());
    }
    let (left_plan, right_plan) = (left.display_indent().to_string(), right.display_indent().to_string());
    Err(SparkError::new(
        ErrorKind::Analysis,
        "_LEGACY_ERROR_TEMP_1211",
        "",
        format!(
            "Detected implicit cartesian product for {sql_join_type} join between logical plans\n{left_plan}\nand\n{right_plan}\nJoin condition is missing or trivial.\nEither: use the CROSS JOIN syntax to allow cartesian products between these relations, or: enable implicit cartesian products by setting the configuration variable spark.sql.crossJoin.enabled=true."
        ),
        &[("joinType", sql_join_type.to_string()), ("leftPlan", left_plan), ("rightPlan", right_plan)],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{LogicalPlanBuilder, lit};

    #[test]
    fn only_implicit_products_fail_when_they_are_off() {
        let plan = LogicalPlanBuilder::empty(true).build().unwrap();
        let check = |enabled, explicit, join_type, condition: Option<Expr>| {
            check_implicit_cartesian(enabled, explicit, join_type, condition.as_ref(), &plan, &plan).is_ok()
        };
        assert!(!check(false, false, JoinType::Inner, None));
        assert!(!check(false, false, JoinType::Full, Some(lit(true))));
        assert!(check(false, true, JoinType::Inner, None));
        assert!(check(false, false, JoinType::LeftSemi, None));
        assert!(check(false, false, JoinType::Inner, Some(lit(1).eq(lit(1)))));
        assert!(check(true, false, JoinType::Inner, None));
    }
}
