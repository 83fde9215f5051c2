//! `spark.sql.crossJoin.enabled=false`: a join without a condition (or with
//! a trivially true one) must be written as a cross join.

use datafusion::common::ScalarValue;
use datafusion::logical_expr::utils::split_conjunction;
use datafusion::logical_expr::{Expr, JoinType, LogicalPlan};
use ember_protocol::connect::{self, relation::RelType};

use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::Planner;

impl Planner<'_> {
    /// A filter over an inner join without a condition, planned as the join
    /// on the filter's condition when implicit cartesian products are off:
    /// Spark checks for them after moving filters into joins, so
    /// `df1.join(df2).where(df1.a == df2.b)` passes. `None` when the filter
    /// is not over such a join (or its condition does not plan there).
    pub(crate) fn filter_as_join_condition(&mut self, filter: &connect::Filter) -> Option<LogicalPlan> {
        use connect::join::JoinType as SparkJoin;
        let input = filter.input.as_deref()?;
        let Some(RelType::Join(join)) = &input.rel_type else { return None };
        let inner = matches!(SparkJoin::try_from(join.join_type), Ok(SparkJoin::Inner | SparkJoin::Unspecified));
        if self.config.cross_join_enabled || !inner || join.join_condition.is_some() || !join.using_columns.is_empty() {
            return None;
        }
        let mut conditioned = join.clone();
        conditioned.join_condition = filter.condition.clone();
        let relation = connect::Relation { common: input.common.clone(), rel_type: Some(RelType::Join(conditioned)) };
        self.plan_relation(&relation).ok()
    }
}

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
    // As Spark's optimizer sees it once filters are pushed down: a join is
    // a cartesian product unless some conjunct of its condition reads both
    // sides (and, for an inner join, is not a Python UDF call on both sides,
    // which Spark moves into a filter over the join).
    let reads = |e: &Expr, side: &LogicalPlan| e.column_refs().iter().any(|c| side.schema().has_column_with_unqualified_name(&c.name));
    let joins_sides = |c: &Expr| {
        reads(c, left)
            && reads(c, right)
            && !(join_type == JoinType::Inner && crate::python_udf_joins::calls_python_udf_on_both_sides(c, left, right))
    };
    let trivial = match condition {
        None => true,
        Some(Expr::Literal(ScalarValue::Boolean(Some(true)), _)) => true,
        Some(condition) => !split_conjunction(condition).into_iter().any(joins_sides),
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
    use datafusion::logical_expr::{LogicalPlanBuilder, col, lit};

    #[test]
    fn only_implicit_products_fail_when_they_are_off() {
        let side = |name: &str| LogicalPlanBuilder::empty(true).project(vec![lit(1).alias(name)]).unwrap().build().unwrap();
        let (left, right) = (side("a"), side("b"));
        let check = |enabled, explicit, join_type, condition: Option<Expr>| {
            check_implicit_cartesian(enabled, explicit, join_type, condition.as_ref(), &left, &right).is_ok()
        };
        assert!(!check(false, false, JoinType::Inner, None));
        assert!(!check(false, false, JoinType::Full, Some(lit(true))));
        assert!(check(false, true, JoinType::Inner, None));
        assert!(check(false, false, JoinType::LeftSemi, None));
        assert!(check(false, false, JoinType::Inner, Some(col("a").eq(col("b")).and(col("a").gt(lit(1))))));
        assert!(!check(false, false, JoinType::Inner, Some(col("a").gt(lit(1)))));
        assert!(check(true, false, JoinType::Inner, None));
    }
}
