//! SQL join strategy hints: `SELECT /*+ BROADCAST(t), MERGE(a, b) */ …`.
//! sqlparser drops comments, so the hints are read from the tokens first and
//! kept by the position of their `SELECT`; while that select's FROM clause
//! is translated, each table or alias a join hint names is wrapped in a
//! `Hint` relation, as `df.hint(name)` wraps a DataFrame.

use std::cell::RefCell;
use std::collections::HashMap;

use datafusion::sql::sqlparser::ast;
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::tokenizer::{Location, Token, TokenWithSpan, Whitespace};
use ember_protocol::connect::{self, relation::RelType};

use super::rel;
use crate::join_strategy::JoinStrategyHint;

/// A join hint: its name as written and the relations it names (lower case).
type JoinHintSpec = (String, Vec<String>);

thread_local! {
    /// The join hints of the statement being parsed, by their `SELECT`'s position.
    static BY_SELECT: RefCell<HashMap<Location, Vec<JoinHintSpec>>> = RefCell::new(HashMap::new());
    /// The hints of the selects whose FROM clauses are being translated, innermost last.
    static ACTIVE: RefCell<Vec<Vec<JoinHintSpec>>> = const { RefCell::new(Vec::new()) };
}

/// Reads the join hints after each `SELECT` in `tokens`.
pub(super) fn take(tokens: &[TokenWithSpan]) {
    BY_SELECT.with(|all| {
        let mut all = all.borrow_mut();
        all.clear();
        for (i, token) in tokens.iter().enumerate() {
            if !matches!(&token.token, Token::Word(w) if w.keyword == Keyword::SELECT) {
                continue;
            }
            let comment = tokens[i + 1..].iter().map(|t| &t.token).take_while(|t| matches!(t, Token::Whitespace(_))).find_map(|t| match t {
                Token::Whitespace(Whitespace::MultiLineComment(text)) => text.strip_prefix('+'),
                _ => None,
            });
            let hints: Vec<JoinHintSpec> = comment.map(parse).unwrap_or_default().into_iter().filter(|(name, _)| JoinStrategyHint::from_name(name).is_some()).collect();
            if !hints.is_empty() {
                all.insert(token.span.start, hints);
            }
        }
    });
}

/// Runs `translate` with the hints of `select` applying to its FROM clause.
pub(super) fn with_select_hints<T>(select: &ast::Select, translate: impl FnOnce() -> T) -> T {
    let hints = BY_SELECT.with(|all| all.borrow().get(&select.select_token.0.span.start).cloned()).unwrap_or_default();
    ACTIVE.with(|active| active.borrow_mut().push(hints));
    let result = translate();
    ACTIVE.with(|active| active.borrow_mut().pop());
    result
}

/// `relation` (a FROM item called `name`) with the join hints that name it.
pub(super) fn hinted(relation: connect::Relation, name: Option<&str>) -> connect::Relation {
    let Some(name) = name.map(str::to_lowercase) else { return relation };
    let names: Vec<String> = ACTIVE.with(|active| {
        active.borrow().iter().flatten().filter(|(_, tables)| tables.contains(&name)).map(|(hint, _)| hint.clone()).collect()
    });
    names.into_iter().rev().fold(relation, |input, hint| {
        rel(RelType::Hint(Box::new(connect::Hint { input: Some(Box::new(input)), name: hint, parameters: vec![] })))
    })
}

/// The hints in a hint comment's text: `NAME(a, b) NAME2(c), NAME3`.
fn parse(text: &str) -> Vec<JoinHintSpec> {
    let mut hints = Vec::new();
    let mut rest = text;
    loop {
        rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(rest.len());
        if end == 0 {
            return hints;
        }
        let name = rest[..end].to_string();
        rest = rest[end..].trim_start();
        let mut tables = Vec::new();
        if let Some(after) = rest.strip_prefix('(') {
            let close = after.find(')').unwrap_or(after.len());
            tables = after[..close].split(',').map(|t| t.trim().trim_matches('`').to_lowercase()).filter(|t| !t.is_empty()).collect();
            rest = after.get(close + 1..).unwrap_or("");
        }
        hints.push((name, tables));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_lists() {
        assert_eq!(parse(" BROADCAST(t) "), vec![("BROADCAST".to_string(), vec!["t".to_string()])]);
        assert_eq!(
            parse("MERGE(a, B), SHUFFLE_HASH(c) coalesce(3)"),
            vec![
                ("MERGE".to_string(), vec!["a".to_string(), "b".to_string()]),
                ("SHUFFLE_HASH".to_string(), vec!["c".to_string()]),
                ("coalesce".to_string(), vec!["3".to_string()]),
            ]
        );
    }
}
