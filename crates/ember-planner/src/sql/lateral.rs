//! `LATERAL` items in FROM: subqueries and table functions that see the
//! columns of the FROM items before them.

use datafusion::sql::sqlparser::ast;
use ember_protocol::connect::{self, relation::RelType};

use super::rel;

/// Whether a FROM item is marked `LATERAL`.
pub(super) fn is_lateral(factor: &ast::TableFactor) -> bool {
    matches!(factor, ast::TableFactor::Derived { lateral: true, .. } | ast::TableFactor::Function { lateral: true, .. })
}

/// Spark's parse error for a `LATERAL` join other than inner, cross or
/// left outer (an outer side cannot correlate to its join partner).
pub(super) fn check_join_type(join_type: connect::join::JoinType) -> crate::error::Result<()> {
    use connect::join::JoinType;
    let name = match join_type {
        JoinType::RightOuter => "RIGHT OUTER",
        JoinType::FullOuter => "FULL OUTER",
        JoinType::LeftSemi => "LEFT SEMI",
        JoinType::LeftAnti => "LEFT ANTI",
        _ => return Ok(()),
    };
    Err(crate::error::SparkError::new(
        crate::ErrorKind::Parse,
        "INVALID_LATERAL_JOIN_TYPE",
        "42613",
        format!(
            "The {name} JOIN with LATERAL correlation is not allowed because an OUTER subquery cannot correlate to its join \
             partner. Remove the LATERAL correlation or use an INNER JOIN, or LEFT OUTER JOIN instead."
        ),
        &[("joinType", name.to_string())],
    ))
}

/// `left` joined with `right`, which is evaluated for each row of `left`.
pub(super) fn lateral_join(
    left: connect::Relation,
    right: connect::Relation,
    join_type: connect::join::JoinType,
    condition: Option<connect::Expression>,
) -> connect::Relation {
    rel(RelType::LateralJoin(Box::new(connect::LateralJoin {
        left: Some(Box::new(left)),
        right: Some(Box::new(right)),
        join_condition: condition,
        join_type: join_type as i32,
    })))
}

#[cfg(test)]
mod tests {
    use super::super::{SqlArguments, parse_query};
    use super::*;

    #[test]
    fn only_inner_cross_and_left_outer_joins_may_be_lateral() {
        use connect::join::JoinType;
        for ok in [JoinType::Inner, JoinType::Cross, JoinType::LeftOuter] {
            assert!(check_join_type(ok).is_ok());
        }
        let err = parse_query("SELECT * FROM t1 RIGHT JOIN LATERAL (SELECT c1) ON true", &SqlArguments::default()).unwrap_err();
        assert_eq!(err.error_class, "INVALID_LATERAL_JOIN_TYPE");
        assert!(err.message.starts_with("The RIGHT OUTER JOIN with LATERAL correlation is not allowed"), "{}", err.message);
    }

    #[test]
    fn lateral_subqueries_and_functions_become_lateral_joins() {
        for sql in ["SELECT * FROM t1, LATERAL (SELECT c1)", "SELECT * FROM t1 LEFT JOIN LATERAL explode(c2) t(v) ON c1 = v"] {
            let relation = parse_query(sql, &SqlArguments::default()).unwrap();
            let Some(RelType::Project(project)) = relation.rel_type else { panic!("{sql}: not a projection") };
            let input = project.input.unwrap();
            assert!(matches!(input.rel_type, Some(RelType::LateralJoin(_))), "{sql}");
        }
    }
}
