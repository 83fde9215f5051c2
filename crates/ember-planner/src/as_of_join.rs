//! `DataFrame._joinAsOf`: Spark's as-of join (the `AsOfJoin` relation).
//!
//! Each left row meets the one right row that matches the join condition
//! and lies nearest to it by the as-of columns (before it, after it, or on
//! either side), as Spark's rewrite into a `min_by` over the matching right
//! rows: among right rows as near, the last in the right's order wins.
//! Planned as a join of both sides numbered by row, ranked per left row.

use datafusion::common::{Column, JoinType, ScalarValue};
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::expr::Sort;
use datafusion::logical_expr::{Expr, ExprFunctionExt, LogicalPlan, LogicalPlanBuilder, col, lit};
use ember_protocol::connect;

use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::{Planner, fresh_name, project_plan};
use crate::sql::function as call;

/// Where the right row lies from the left row's as-of value.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Direction {
    Backward,
    Forward,
    Nearest,
}

impl Direction {
    fn parse(direction: &str) -> Result<Self> {
        match direction.to_lowercase().as_str() {
            "backward" => Ok(Self::Backward),
            "forward" => Ok(Self::Forward),
            "nearest" => Ok(Self::Nearest),
            _ => Err(SparkError::new(
                ErrorKind::Analysis,
                "AS_OF_JOIN.UNSUPPORTED_DIRECTION",
                "42604",
                format!(
                    "Invalid as-of join. Unsupported as-of join direction '{direction}'. Supported as-of join direction include: {SUPPORTED_DIRECTIONS}."
                ),
                &[("direction", direction.to_string()), ("supported", SUPPORTED_DIRECTIONS.to_string())],
            )),
        }
    }
}

const SUPPORTED_DIRECTIONS: &str = "'forward', 'backward', 'nearest'";

const SUPPORTED_JOIN_TYPES: &str = "'inner', 'outer', 'full', 'fullouter', 'full_outer', 'leftouter', 'left', 'left_outer', 'rightouter', 'right', 'right_outer', 'leftsemi', 'left_semi', 'semi', 'leftanti', 'left_anti', 'anti', 'cross'";

/// The join type named by `how`: inner or left outer, as Spark allows for as-of joins.
fn as_of_join_type(how: &str) -> Result<JoinType> {
    let spark_name = match how.to_lowercase().replace('_', "").as_str() {
        "inner" => return Ok(JoinType::Inner),
        "leftouter" | "left" => return Ok(JoinType::Left),
        "outer" | "full" | "fullouter" => "FullOuter",
        "rightouter" | "right" => "RightOuter",
        "leftsemi" | "semi" => "LeftSemi",
        "leftanti" | "anti" => "LeftAnti",
        "cross" => "Cross",
        _ => {
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "UNSUPPORTED_JOIN_TYPE",
                "0A000",
                format!("Unsupported join type '{how}'. Supported join types include: {SUPPORTED_JOIN_TYPES}."),
                &[("typ", how.to_string()), ("supported", SUPPORTED_JOIN_TYPES.to_string())],
            ));
        }
    };
    Err(SparkError::requirement_failed(format!("Unsupported as-of join type {spark_name}")))
}

/// Spark's as-of condition on the as-of values `l` and `r`: the side the
/// right row lies on (none for `Nearest` with exact matches allowed), then
/// how far it may lie.
fn as_of_conditions(
    l: &connect::Expression,
    r: &connect::Expression,
    tolerance: Option<&connect::Expression>,
    allow_exact_matches: bool,
    direction: Direction,
) -> Vec<connect::Expression> {
    let side = match (direction, allow_exact_matches) {
        (Direction::Backward, true) => Some(">="),
        (Direction::Backward, false) => Some(">"),
        (Direction::Forward, true) => Some("<="),
        (Direction::Forward, false) => Some("<"),
        (Direction::Nearest, true) => None,
        (Direction::Nearest, false) => Some("!="),
    };
    let mut conditions: Vec<connect::Expression> = side.map(|op| call(op, vec![l.clone(), r.clone()])).into_iter().collect();
    if let Some(tolerance) = tolerance {
        let lower = || call("<=", vec![call("-", vec![l.clone(), tolerance.clone()]), r.clone()]);
        let upper = || call(">=", vec![call("+", vec![l.clone(), tolerance.clone()]), r.clone()]);
        match direction {
            Direction::Backward => conditions.push(lower()),
            Direction::Forward => conditions.push(upper()),
            Direction::Nearest => conditions.push(call("and", vec![lower(), upper()])),
        }
    }
    conditions
}

/// How far the right row lies: the smaller, the nearer.
fn distance(l: &connect::Expression, r: &connect::Expression, direction: Direction) -> connect::Expression {
    let minus = |a: &connect::Expression, b: &connect::Expression| call("-", vec![a.clone(), b.clone()]);
    match direction {
        Direction::Backward => minus(l, r),
        Direction::Forward => minus(r, l),
        Direction::Nearest => call("if", vec![call(">", vec![l.clone(), r.clone()]), minus(l, r), minus(r, l)]),
    }
}

fn tolerance_error(subclass: &str, message: &str) -> SparkError {
    SparkError::new(ErrorKind::Analysis, &format!("AS_OF_JOIN.{subclass}"), "42604", format!("Invalid as-of join. {message}"), &[])
}

/// Spark's checks of the tolerance: a constant, neither NULL nor negative.
fn check_tolerance(tolerance: &Expr) -> Result<()> {
    if !tolerance.column_refs().is_empty() || tolerance.is_volatile() {
        return Err(tolerance_error("TOLERANCE_IS_UNFOLDABLE", "The input argument `tolerance` must be a constant."));
    }
    let one_row = LogicalPlanBuilder::empty(true).build()?;
    let value = ScalarValue::try_from_array(&crate::python_udtf::constant_value(tolerance, &one_row)?, 0)?;
    let negative = match ScalarValue::new_zero(&value.data_type()) {
        Ok(zero) => value.partial_cmp(&zero) == Some(std::cmp::Ordering::Less),
        Err(_) => false,
    };
    if value.is_null() || negative {
        return Err(tolerance_error("TOLERANCE_IS_NON_NEGATIVE", "The input argument `tolerance` must be non-negative."));
    }
    Ok(())
}

impl Planner<'_> {
    /// Plans an `AsOfJoin` relation: the left's columns, then the right's.
    pub(crate) fn as_of_join(&mut self, join: &connect::AsOfJoin) -> Result<LogicalPlan> {
        let join_type = as_of_join_type(&join.join_type)?;
        let direction = Direction::parse(&join.direction)?;
        let (left, right) = (self.input(&join.left)?, self.input(&join.right)?);
        let output: Vec<Expr> = left.schema().columns().into_iter().chain(right.schema().columns()).map(Expr::Column).collect();
        let (left_row, right_row, rank) = (fresh_name(), fresh_name(), fresh_name());
        let numbered = |plan: LogicalPlan, name: &str| LogicalPlanBuilder::from(plan).window(vec![row_number().alias(name)])?.build();
        let (left, right) = (numbered(left, &left_row)?, numbered(right, &right_row)?);
        let combined = LogicalPlanBuilder::from(left.clone()).cross_join(right.clone())?.build()?;

        let mut conditions = Vec::new();
        for name in &join.using_columns {
            let (l, _) = self.resolve_column_name(name, None, &left)?;
            let (r, _) = self.resolve_column_name(name, None, &right)?;
            conditions.push(l.eq(r));
        }
        if let Some(on) = &join.join_expr {
            conditions.push(self.plan_expr(on, &combined)?.0);
        }
        let missing = || SparkError::illegal_argument("as-of join without its as-of columns");
        let (l, r) = (join.left_as_of.as_ref().ok_or_else(missing)?, join.right_as_of.as_ref().ok_or_else(missing)?);
        for condition in as_of_conditions(l, r, join.tolerance.as_ref(), join.allow_exact_matches, direction) {
            conditions.push(self.plan_expr(&condition, &combined)?.0);
        }
        if let Some(tolerance) = &join.tolerance {
            check_tolerance(&self.plan_expr(tolerance, &combined)?.0)?;
        }
        let (distance, _) = self.plan_expr(&distance(l, r, direction), &combined)?;
        conditions.push(distance.clone().is_not_null());

        let joined = LogicalPlanBuilder::from(left).join_on(right, join_type, conditions)?.build()?;
        let nearest_first = vec![Sort::new(distance, true, false), Sort::new(col(Column::new_unqualified(&right_row)), false, false)];
        let ranked = row_number()
            .partition_by(vec![col(Column::new_unqualified(&left_row))])
            .order_by(nearest_first)
            .build()?
            .alias(&rank);
        let nearest = LogicalPlanBuilder::from(joined)
            .window(vec![ranked])?
            .filter(col(Column::new_unqualified(&rank)).eq(lit(1u64)))?
            .sort(vec![Sort::new(col(Column::new_unqualified(&left_row)), true, false)])?
            .build()?;
        Ok(project_plan(nearest, output)?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_types_as_spark_names_them() {
        assert_eq!(as_of_join_type("LEFT_OUTER").unwrap(), JoinType::Left);
        assert_eq!(as_of_join_type("inner").unwrap(), JoinType::Inner);
        let refused = as_of_join_type("semi").unwrap_err();
        assert_eq!(refused.message, "requirement failed: Unsupported as-of join type LeftSemi");
        assert_eq!(as_of_join_type("bogus").unwrap_err().error_class, "UNSUPPORTED_JOIN_TYPE");
    }

    #[test]
    fn directions_ignore_case() {
        assert_eq!(Direction::parse("Nearest").unwrap(), Direction::Nearest);
        assert_eq!(Direction::parse("sideways").unwrap_err().error_class, "AS_OF_JOIN.UNSUPPORTED_DIRECTION");
    }

    #[test]
    fn tolerance_must_be_a_non_negative_constant() {
        assert!(check_tolerance(&lit(0i32)).is_ok());
        assert_eq!(check_tolerance(&lit(-1i64)).unwrap_err().error_class, "AS_OF_JOIN.TOLERANCE_IS_NON_NEGATIVE");
        assert_eq!(check_tolerance(&lit(ScalarValue::Int32(None))).unwrap_err().error_class, "AS_OF_JOIN.TOLERANCE_IS_NON_NEGATIVE");
        let column = col(Column::new_unqualified("a"));
        assert_eq!(check_tolerance(&column).unwrap_err().error_class, "AS_OF_JOIN.TOLERANCE_IS_UNFOLDABLE");
    }
}
