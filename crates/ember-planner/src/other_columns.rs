//! SQL's `PIVOT` groups by, and its `UNPIVOT` keeps as ids, every column of
//! its input that the clause does not otherwise use. The SQL translation
//! marks that set with a lone `*`, which this module expands.

use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_protocol::connect::{self, expression::ExprType};

use crate::plan::Planner;

/// Whether `expressions` is the lone, unqualified `*` that stands for the
/// columns a `PIVOT` or `UNPIVOT` clause does not use.
pub(crate) fn is_other_columns(expressions: &[connect::Expression]) -> bool {
    matches!(expressions, [only] if matches!(&only.expr_type, Some(ExprType::UnresolvedStar(star)) if star.unparsed_target.is_none()))
}

impl Planner<'_> {
    /// The columns of `input` (with their names) that none of `used` refers to.
    pub(crate) fn other_columns(&self, input: &LogicalPlan, used: &[&Expr]) -> Vec<(Expr, String)> {
        let referenced: Vec<_> = used.iter().flat_map(|e| e.column_refs()).map(|c| c.name.clone()).collect();
        self.columns_of(input)
            .into_iter()
            .filter(|(expr, _)| !matches!(expr, Expr::Column(c) if referenced.contains(&c.name)))
            .map(|(expr, info)| (expr, info.name))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_lone_unqualified_star_marks_the_other_columns() {
        let star = |target: Option<&str>| connect::Expression {
            common: None,
            expr_type: Some(ExprType::UnresolvedStar(connect::expression::UnresolvedStar {
                unparsed_target: target.map(str::to_string),
                plan_id: None,
            })),
        };
        assert!(is_other_columns(&[star(None)]));
        assert!(!is_other_columns(&[star(Some("t.*"))]));
        assert!(!is_other_columns(&[star(None), star(None)]));
        assert!(!is_other_columns(&[]));
    }
}
