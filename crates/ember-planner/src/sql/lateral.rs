//! `LATERAL` items in FROM: subqueries and table functions that see the
//! columns of the FROM items before them.

use datafusion::sql::sqlparser::ast;
use ember_protocol::connect::{self, relation::RelType};

use super::rel;

/// Whether a FROM item is marked `LATERAL`.
pub(super) fn is_lateral(factor: &ast::TableFactor) -> bool {
    matches!(factor, ast::TableFactor::Derived { lateral: true, .. } | ast::TableFactor::Function { lateral: true, .. })
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
    fn lateral_subqueries_and_functions_become_lateral_joins() {
        for sql in ["SELECT * FROM t1, LATERAL (SELECT c1)", "SELECT * FROM t1 LEFT JOIN LATERAL explode(c2) t(v) ON c1 = v"] {
            let relation = parse_query(sql, &SqlArguments::default()).unwrap();
            let Some(RelType::Project(project)) = relation.rel_type else { panic!("{sql}: not a projection") };
            let input = project.input.unwrap();
            assert!(matches!(input.rel_type, Some(RelType::LateralJoin(_))), "{sql}");
        }
    }
}
