//! `WITH RECURSIVE`: a common table expression that reads itself becomes a
//! [`RecursiveCte`] (planned in `crate::recursive_cte`), checked as Spark's
//! analyzer checks it: `anchor UNION ALL step`, the anchor not reading the
//! CTE. A `LIMIT` right over a plain `SELECT … FROM cte` is pushed into it,
//! as Spark's optimizer pushes it into `UnionLoop`.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use datafusion::sql::sqlparser::ast;
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan};
use ember_protocol::connect::{self, relation::RelType};
use prost::Message;

use super::{Scope, aliased, query_relation, rel, set_expr};
use crate::error::{ErrorKind, Result, SparkError};
use crate::recursive_cte::RecursiveCte;

static NEXT_WORK_TABLE: AtomicU64 = AtomicU64::new(0);

thread_local! {
    /// `MAX RECURSION LEVEL n` of the statement being parsed, by lower-case CTE name.
    static MAX_LEVELS: RefCell<HashMap<String, i64>> = RefCell::new(HashMap::new());
}

/// Forgets the recursion levels of the previous statement.
pub(super) fn forget_max_levels() {
    MAX_LEVELS.with(|levels| levels.borrow_mut().clear());
}

/// Takes `name [(cols)] MAX RECURSION LEVEL n` (before a CTE's `AS`), which
/// sqlparser does not know, out of the tokens, keeping `n` for the CTE.
pub(super) fn take_max_levels(tokens: &mut Vec<TokenWithSpan>) {
    let words = |t: &TokenWithSpan, w: &str| matches!(&t.token, Token::Word(word) if word.quote_style.is_none() && word.value.eq_ignore_ascii_case(w));
    loop {
        let significant = super::significant_tokens(tokens);
        let found = significant.windows(4).position(|at| {
            words(&tokens[at[0]], "MAX") && words(&tokens[at[1]], "RECURSION") && words(&tokens[at[2]], "LEVEL") && matches!(tokens[at[3]].token, Token::Number(..))
        });
        let Some(start) = found else { return };
        let Token::Number(level, _) = &tokens[significant[start + 3]].token else { return };
        let level = level.parse::<i64>().unwrap_or(i64::MAX);
        // The CTE's name: the word before, or before its column list.
        let mut name_at = start.checked_sub(1);
        if name_at.is_some_and(|i| tokens[significant[i]].token == Token::RParen) {
            name_at = significant[..start].iter().rposition(|&i| tokens[i].token == Token::LParen).and_then(|i| i.checked_sub(1));
        }
        if let Some(Token::Word(name)) = name_at.map(|i| &tokens[significant[i]].token) {
            MAX_LEVELS.with(|levels| levels.borrow_mut().insert(name.value.to_lowercase(), level));
        }
        tokens.drain(significant[start]..=significant[start + 3]);
    }
}

/// The relation of one CTE of a `WITH RECURSIVE` clause.
pub(super) fn common_table(cte: &ast::Cte) -> Result<connect::Relation> {
    let name = cte.alias.name.value.clone();
    let work_table = format!("__ember_recursive_cte_{}__", NEXT_WORK_TABLE.fetch_add(1, Ordering::Relaxed));
    let reads_itself = |relation: &connect::Relation| mentions(relation, &work_table);
    let query = &cte.query;
    let ast::SetExpr::SetOperation { op: ast::SetOperator::Union, set_quantifier, left, right } = query.body.as_ref() else {
        let relation = bound(&name, &work_table, || query_relation(query))?;
        return match reads_itself(&relation) {
            true => Err(invalid_recursive_cte()),
            false => Ok(aliased(query_relation(query)?, &cte.alias)),
        };
    };
    let anchor = bound(&name, &work_table, || set_expr(left))?;
    let step = bound(&name, &work_table, || set_expr(right))?;
    if !reads_itself(&anchor) && !reads_itself(&step) {
        return Ok(aliased(query_relation(query)?, &cte.alias));
    }
    if reads_itself(&anchor) || query.with.is_some() || query.order_by.is_some() || query.limit_clause.is_some() {
        return Err(invalid_recursive_cte());
    }
    if !matches!(set_quantifier, ast::SetQuantifier::All) {
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "UNION_NOT_SUPPORTED_IN_RECURSIVE_CTE",
            "42836",
            "The UNION operator is not yet supported within recursive common table expressions (WITH clauses that refer to themselves, directly or indirectly). Please use UNION ALL instead.",
            &[],
        ));
    }
    let anchor = match cte.alias.columns.is_empty() {
        true => anchor,
        false => rel(RelType::ToDf(Box::new(connect::ToDf {
            input: Some(Box::new(anchor)),
            column_names: cte.alias.columns.iter().map(|c| c.name.value.clone()).collect(),
        }))),
    };
    let max_level = MAX_LEVELS.with(|levels| levels.borrow().get(&name.to_lowercase()).copied());
    let recursive = RecursiveCte { work_table, anchor: Some(anchor), step: Some(step), limit: None, max_level };
    Ok(named(recursive.into_relation(), &name))
}

/// The rows a query needs from the recursive CTE it reads, when its `LIMIT`
/// can be pushed into it: `SELECT <plain columns> FROM cte LIMIT n [OFFSET m]`.
pub(super) fn pushable_limit(query: &ast::Query) -> Option<(String, i64)> {
    let Some(ast::LimitClause::LimitOffset { limit: Some(limit), offset, .. }) = &query.limit_clause else { return None };
    let ast::SetExpr::Select(select) = query.body.as_ref() else { return None };
    let plain_select = query.order_by.is_none()
        && select.distinct.is_none()
        && select.selection.is_none()
        && select.having.is_none()
        && select.qualify.is_none()
        && matches!(&select.group_by, ast::GroupByExpr::Expressions(keys, _) if keys.is_empty())
        && select.projection.iter().all(|item| match item {
            ast::SelectItem::UnnamedExpr(e) | ast::SelectItem::ExprWithAlias { expr: e, .. } => is_plain(e),
            ast::SelectItem::Wildcard(_) | ast::SelectItem::QualifiedWildcard(..) => true,
            _ => false,
        });
    let [from] = select.from.as_slice() else { return None };
    let ast::TableFactor::Table { name, args: None, sample: None, .. } = &from.relation else { return None };
    if !plain_select || !from.joins.is_empty() || name.0.len() != 1 {
        return None;
    }
    let rows = super::integer(limit).ok()? as i64 + offset.as_ref().and_then(|o| super::integer(&o.value).ok()).unwrap_or(0) as i64;
    Some((name.to_string(), rows))
}

/// `relation` (a CTE's), with the pushed limit of the query reading it.
pub(super) fn with_pushed_limit(relation: connect::Relation, name: &str) -> connect::Relation {
    let Some((limited, rows)) = Scope::with(|scope| scope.pushed_limit.clone()).flatten() else { return relation };
    let Some(RelType::SubqueryAlias(alias)) = &relation.rel_type else { return relation };
    let Some(mut cte) = alias.input.as_deref().and_then(RecursiveCte::of) else { return relation };
    if !limited.eq_ignore_ascii_case(name) {
        return relation;
    }
    cte.limit = Some(cte.limit.map_or(rows, |l| l.min(rows)));
    named(cte.into_relation(), &alias.alias)
}

/// Whether an expression only computes over columns (no calls that could
/// aggregate, generate rows or read subqueries).
fn is_plain(e: &ast::Expr) -> bool {
    match e {
        ast::Expr::Identifier(_) | ast::Expr::CompoundIdentifier(_) | ast::Expr::Value(_) | ast::Expr::TypedString { .. } => true,
        ast::Expr::BinaryOp { left, right, .. } => is_plain(left) && is_plain(right),
        ast::Expr::UnaryOp { expr, .. } | ast::Expr::Nested(expr) | ast::Expr::Cast { expr, .. } => is_plain(expr),
        _ => false,
    }
}

/// Runs a translation with `name` standing for the CTE's previous level.
fn bound<T>(name: &str, work_table: &str, translate: impl FnOnce() -> Result<T>) -> Result<T> {
    let reference = named(
        rel(RelType::Read(connect::Read {
            is_streaming: false,
            read_type: Some(connect::read::ReadType::NamedTable(connect::read::NamedTable {
                unparsed_identifier: work_table.to_string(),
                options: Default::default(),
            })),
        })),
        name,
    );
    let outer = Scope::with(|scope| {
        scope.ctes.push((name.to_string(), reference));
        scope.ctes.len() - 1
    })
    .ok_or_else(|| SparkError::unsupported("WITH in expression strings"))?;
    let result = translate();
    Scope::with(|scope| scope.ctes.truncate(outer));
    result
}

/// `relation AS name`.
fn named(relation: connect::Relation, name: &str) -> connect::Relation {
    rel(RelType::SubqueryAlias(Box::new(connect::SubqueryAlias {
        input: Some(Box::new(relation)),
        alias: name.to_string(),
        qualifier: vec![],
    })))
}

/// Whether `relation` reads the table `work_table` (a name no user table has).
fn mentions(relation: &connect::Relation, work_table: &str) -> bool {
    let encoded = relation.encode_to_vec();
    encoded.windows(work_table.len()).any(|w| w == work_table.as_bytes())
}

fn invalid_recursive_cte() -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "INVALID_RECURSIVE_CTE",
        "42836",
        "Invalid recursive definition found. Recursive queries must contain an UNION or an UNION ALL statement with 2 children. The first child needs to be the anchor term without any recursive references. Any top level inner CTE must not contain self references.",
        &[],
    )
}
