//! SQL `GROUP BY` with `ROLLUP`, `CUBE` and `GROUPING SETS`, as the explicit
//! grouping sets of a Connect `Aggregate`.

use datafusion::sql::sqlparser::ast;
use ember_protocol::connect::{self, expression::ExprType};

use crate::error::Result;
use crate::sql::{expression, function};

/// The grouping expressions of a `GROUP BY` list and, when it uses
/// `ROLLUP`/`CUBE`/`GROUPING SETS`, its grouping sets (the cross product of
/// each item's sets, as Spark combines them).
pub(crate) fn group_by(items: &[ast::Expr]) -> Result<(Vec<connect::Expression>, Vec<connect::aggregate::GroupingSets>)> {
    let multi = items.iter().any(|e| matches!(e, ast::Expr::Rollup(_) | ast::Expr::Cube(_) | ast::Expr::GroupingSets(_)));
    if !multi {
        return Ok((items.iter().map(expression).collect::<Result<Vec<_>>>()?, Vec::new()));
    }
    let mut distinct: Vec<ast::Expr> = Vec::new();
    let mut combined: Vec<Vec<ast::Expr>> = vec![Vec::new()];
    for item in items {
        let item_sets = sets_of(item);
        for expr in item_sets.iter().flatten() {
            if !distinct.contains(expr) {
                distinct.push(expr.clone());
            }
        }
        combined = combined
            .iter()
            .flat_map(|prefix| {
                item_sets.iter().map(move |set| {
                    let mut joined = prefix.clone();
                    joined.extend(set.iter().cloned());
                    joined
                })
            })
            .collect();
    }
    let grouping_expressions = distinct.iter().map(expression).collect::<Result<Vec<_>>>()?;
    let grouping_sets = combined
        .iter()
        .map(|set| Ok(connect::aggregate::GroupingSets { grouping_set: set.iter().map(expression).collect::<Result<Vec<_>>>()? }))
        .collect::<Result<Vec<_>>>()?;
    Ok((grouping_expressions, grouping_sets))
}

/// `agg(args) FILTER (WHERE condition)`: each argument becomes
/// `CASE WHEN condition THEN arg END` (`*` becomes `1`), so that rows
/// failing the condition are nulls, which aggregates skip.
pub(crate) fn filtered_aggregate(call: connect::Expression, condition: connect::Expression) -> Result<connect::Expression> {
    let mut call = call;
    if let Some(ExprType::UnresolvedFunction(f)) = &mut call.expr_type {
        f.arguments = std::mem::take(&mut f.arguments)
            .into_iter()
            .map(|argument| {
                let value = match argument.expr_type {
                    Some(ExprType::UnresolvedStar(_)) => integer_one(),
                    _ => argument,
                };
                function("when", vec![condition.clone(), value])
            })
            .collect();
    }
    Ok(call)
}

fn integer_one() -> connect::Expression {
    connect::Expression {
        common: None,
        expr_type: Some(ExprType::Literal(connect::expression::Literal {
            literal_type: Some(connect::expression::literal::LiteralType::Integer(1)),
            ..Default::default()
        })),
    }
}

/// The grouping sets one `GROUP BY` item stands for.
fn sets_of(item: &ast::Expr) -> Vec<Vec<ast::Expr>> {
    match item {
        ast::Expr::Rollup(parts) => (0..=parts.len()).rev().map(|n| parts[..n].concat()).collect(),
        ast::Expr::Cube(parts) => {
            let n = parts.len();
            (0..(1usize << n))
                .rev()
                .map(|mask| (0..n).filter(|i| mask & (1 << (n - 1 - i)) != 0).flat_map(|i| parts[i].clone()).collect())
                .collect()
        }
        ast::Expr::GroupingSets(sets) => sets.clone(),
        other => vec![vec![other.clone()]],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ident(name: &str) -> ast::Expr {
        ast::Expr::Identifier(ast::Ident::new(name))
    }

    #[test]
    fn rollup_and_cube_expand_to_sets() {
        let rollup = sets_of(&ast::Expr::Rollup(vec![vec![ident("a")], vec![ident("b")]]));
        assert_eq!(rollup, vec![vec![ident("a"), ident("b")], vec![ident("a")], vec![]]);
        let cube = sets_of(&ast::Expr::Cube(vec![vec![ident("a")], vec![ident("b")]]));
        assert_eq!(cube, vec![vec![ident("a"), ident("b")], vec![ident("a")], vec![ident("b")], vec![]]);
    }
}
