//! Table arguments of table functions in SQL: `f(TABLE(t))`, `f(TABLE t)`,
//! `f(TABLE(SELECT …) PARTITION BY a ORDER BY b)`,
//! `f(row => TABLE(t) WITH SINGLE PARTITION)`.
//!
//! sqlparser does not parse them, so before parsing each one becomes a
//! single placeholder identifier carrying its text ([`hide`]); translating
//! the function's arguments parses that text into a table-argument subquery
//! expression ([`translate`]).

use datafusion::sql::sqlparser::ast;
use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::parser::Parser;
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace, Word};
use ember_protocol::connect::{self, expression::ExprType, subquery_expression};

use crate::error::{Result, SparkError};

/// How a placeholder's identifier starts; what follows is the argument's text.
const PLACEHOLDER: &str = "\u{1}table argument\u{1}";

/// Replaces each table argument of a function called in FROM with a
/// placeholder identifier holding the argument's text.
pub(super) fn hide(tokens: &mut Vec<TokenWithSpan>) {
    let mut i = 0;
    while i < tokens.len() {
        if is_table_argument_start(tokens, i) {
            let end = argument_end(tokens, i);
            let text: String = tokens[i..end].iter().map(|t| t.token.to_string()).collect();
            let span = tokens[i].span.union(&tokens[end - 1].span);
            let placeholder = Token::Word(Word {
                value: format!("{PLACEHOLDER}{text}"),
                quote_style: Some('`'),
                keyword: Keyword::NoKeyword,
            });
            tokens.splice(i..end, [TokenWithSpan::new(placeholder, span)]);
        }
        i += 1;
    }
}

/// The table argument a placeholder stands for, as a `TABLE_ARG` subquery
/// expression; `None` for any other expression.
pub(super) fn translate(e: &ast::Expr) -> Option<Result<connect::Expression>> {
    let ast::Expr::Identifier(ident) = e else { return None };
    let text = ident.value.strip_prefix(PLACEHOLDER)?;
    Some(parse(text))
}

/// Parses `TABLE name | TABLE (name) | TABLE (query)` and its partitioning.
fn parse(text: &str) -> Result<connect::Expression> {
    let (tokens, _) = super::tokens(text)?;
    let mut parser = Parser::new(&super::dialect::EmberDialect)
        .with_tokens_with_locations(from_first_as_select(tokens));
    let error = |e: datafusion::sql::sqlparser::parser::ParserError| super::parse_error(&e);
    parser.expect_keyword(Keyword::TABLE).map_err(error)?;
    let relation = if parser.consume_token(&Token::LParen) {
        let relation = if starts_query(&parser) {
            super::query_relation(&*parser.parse_query().map_err(error)?)?
        } else {
            super::named_relation(&parser.parse_object_name(false).map_err(error)?)
        };
        parser.expect_token(&Token::RParen).map_err(error)?;
        relation
    } else {
        let name = parser.parse_object_name(false).map_err(error)?;
        let quoted = name.0.iter().map(|part| format!("`{}`", part.to_string().trim_matches('`'))).collect::<Vec<_>>().join(".");
        return Err(invalid_syntax(
            "INVALID_TABLE_FUNCTION_IDENTIFIER_ARGUMENT_MISSING_PARENTHESES",
            format!("Syntax error: call to table-valued function is invalid because parentheses are missing around the provided TABLE argument {quoted}; please surround this with parentheses and try again."),
            ("argumentName", quoted),
        ));
    };
    let mut options = subquery_expression::TableArgOptions::default();
    if words(&mut parser, &["WITH", "SINGLE", "PARTITION"]) {
        options.with_single_partition = Some(true);
    } else if words(&mut parser, &["PARTITION", "BY"]) || words(&mut parser, &["DISTRIBUTE", "BY"]) {
        let mut exprs = parser.parse_comma_separated(Parser::parse_expr).map_err(error)?;
        if exprs.len() > 1 {
            return Err(unparenthesized("PARTITION BY"));
        }
        if let [ast::Expr::Tuple(items)] = exprs.as_mut_slice() {
            exprs = std::mem::take(items);
        }
        options.partition_spec = exprs.iter().map(super::expression).collect::<Result<_>>()?;
    }
    if words(&mut parser, &["ORDER", "BY"]) || words(&mut parser, &["SORT", "BY"]) {
        let parenthesized = parser
            .maybe_parse(|p| {
                p.expect_token(&Token::LParen)?;
                let items = p.parse_comma_separated(Parser::parse_order_by_expr)?;
                p.expect_token(&Token::RParen)?;
                p.expect_token(&Token::EOF)?;
                Ok(items)
            })
            .map_err(error)?;
        let items = match parenthesized.clone() {
            Some(items) => items,
            None => parser.parse_comma_separated(Parser::parse_order_by_expr).map_err(error)?,
        };
        if parenthesized.is_none() && items.len() > 1 {
            return Err(unparenthesized("ORDER BY"));
        }
        options.order_spec = items.iter().map(super::sort_order).collect::<Result<_>>()?;
    }
    super::expect_end(&mut parser)?;
    let plan_id = super::reference(relation)?;
    Ok(connect::Expression {
        expr_type: Some(ExprType::SubqueryExpression(connect::SubqueryExpression {
            plan_id,
            subquery_type: subquery_expression::SubqueryType::TableArg as i32,
            table_arg_options: Some(options),
            in_subquery_values: vec![],
        })),
        ..Default::default()
    })
}

/// Spark's `INVALID_SQL_SYNTAX` parse error of the given subclass.
fn invalid_syntax(subclass: &str, message: String, parameter: (&str, String)) -> SparkError {
    SparkError::new(
        crate::ErrorKind::Parse,
        &format!("INVALID_SQL_SYNTAX.{subclass}"),
        "42000",
        format!("Invalid SQL syntax: {message}"),
        &[parameter],
    )
}

/// A PARTITION BY or ORDER BY clause of several expressions without parentheses.
fn unparenthesized(clause: &str) -> SparkError {
    invalid_syntax(
        "INVALID_TABLE_FUNCTION_TABLE_ARGUMENT_PARTITIONING",
        format!("The table function call includes a table argument with an invalid partitioning/ordering specification: the {clause} clause included multiple expressions without parentheses surrounding them; please add parentheses around these expressions and then retry the query again."),
        ("clause", clause.to_string()),
    )
}

/// Whether the next token starts a query (rather than a table name).
fn starts_query(parser: &Parser) -> bool {
    match parser.peek_token().token {
        Token::Word(w) => matches!(w.keyword, Keyword::SELECT | Keyword::WITH | Keyword::VALUES | Keyword::TABLE),
        Token::LParen => true,
        _ => false,
    }
}

/// Spark's `FROM t` query (all the columns of `t`), which the dialect does
/// not parse, as `SELECT * FROM t`.
fn from_first_as_select(mut tokens: Vec<TokenWithSpan>) -> Vec<TokenWithSpan> {
    let significant = super::significant_tokens(&tokens);
    let opens_from_query = significant.windows(3).next().is_some_and(|w| {
        matches!(tokens[w[1]].token, Token::LParen) && matches!(&tokens[w[2]].token, Token::Word(x) if x.keyword == Keyword::FROM)
    });
    if opens_from_query {
        let at = significant[2];
        let select = [Token::make_keyword("SELECT"), Token::Whitespace(Whitespace::Space), Token::Mul, Token::Whitespace(Whitespace::Space)];
        tokens.splice(at..at, select.map(TokenWithSpan::wrap));
    }
    tokens
}

/// Consumes `expected` (case-insensitive words) if the input continues with them.
fn words(parser: &mut Parser, expected: &[&str]) -> bool {
    let matches = expected.iter().enumerate().all(|(i, word)| {
        matches!(&parser.peek_nth_token(i).token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
    });
    if matches {
        for _ in expected {
            parser.next_token();
        }
    }
    matches
}

/// Whether token `i` is the `TABLE` keyword opening an argument of a
/// function called in FROM (`FROM f(…, TABLE …)`, `JOIN LATERAL f(x => TABLE …)`).
fn is_table_argument_start(tokens: &[TokenWithSpan], i: usize) -> bool {
    let is_table = matches!(&tokens[i].token, Token::Word(w) if w.keyword == Keyword::TABLE && w.quote_style.is_none());
    if !is_table {
        return false;
    }
    let Some(previous) = previous_significant(tokens, i) else { return false };
    let open = match tokens[previous].token {
        Token::LParen => Some(previous),
        Token::Comma | Token::RArrow => enclosing_paren(tokens, previous),
        _ => None,
    };
    open.is_some_and(|open| called_in_from(tokens, open))
}

/// Whether the `(` at `open` follows the (possibly qualified) name of a
/// function that FROM, JOIN, LATERAL or a comma introduces.
fn called_in_from(tokens: &[TokenWithSpan], open: usize) -> bool {
    let mut at = open;
    loop {
        let Some(name) = previous_significant(tokens, at) else { return false };
        if !matches!(tokens[name].token, Token::Word(_)) {
            return false;
        }
        let Some(before) = previous_significant(tokens, name) else { return false };
        match &tokens[before].token {
            Token::Period => at = before,
            Token::Comma => return true,
            Token::Word(w) => return matches!(w.keyword, Keyword::FROM | Keyword::JOIN | Keyword::LATERAL),
            _ => return false,
        }
    }
}

/// The `(` that encloses token `i`.
fn enclosing_paren(tokens: &[TokenWithSpan], i: usize) -> Option<usize> {
    let mut depth = 0usize;
    for j in (0..i).rev() {
        match tokens[j].token {
            Token::RParen => depth += 1,
            Token::LParen if depth == 0 => return Some(j),
            Token::LParen => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Where the argument starting at `start` ends: at the `)` that closes
/// it, or the `,` before the next argument (commas after `PARTITION BY` or
/// `ORDER BY` belong to the clause, which Spark then refuses unparenthesized).
fn argument_end(tokens: &[TokenWithSpan], start: usize) -> usize {
    let mut depth = 0usize;
    let mut in_clause = false;
    for (j, token) in tokens.iter().enumerate().skip(start) {
        match &token.token {
            Token::Word(w) if depth == 0 && w.keyword == Keyword::BY && w.quote_style.is_none() => in_clause = true,
            Token::LParen => depth += 1,
            Token::Comma if depth == 0 && (!in_clause || starts_named_argument(tokens, j + 1)) => return j,
            Token::RParen if depth == 0 => return j,
            Token::RParen => depth -= 1,
            Token::EOF => return j,
            _ => {}
        }
    }
    tokens.len()
}

/// Whether the tokens from `i` start a named argument (`name => …`), which
/// ends a PARTITION BY or ORDER BY clause before it.
fn starts_named_argument(tokens: &[TokenWithSpan], i: usize) -> bool {
    let mut significant = tokens[i.min(tokens.len())..].iter().filter(|t| !matches!(t.token, Token::Whitespace(_)));
    matches!((significant.next().map(|t| &t.token), significant.next().map(|t| &t.token)), (Some(Token::Word(_)), Some(Token::RArrow)))
}

/// The index of the last token before `i` that is not whitespace.
fn previous_significant(tokens: &[TokenWithSpan], i: usize) -> Option<usize> {
    (0..i).rev().find(|&j| !matches!(tokens[j].token, Token::Whitespace(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(sql: &str) -> Vec<String> {
        let (tokens, _) = super::super::tokens(sql).unwrap();
        tokens
            .iter()
            .filter_map(|t| match &t.token {
                Token::Word(w) => w.value.strip_prefix(PLACEHOLDER).map(str::to_string),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn table_arguments_of_functions_in_from_are_hidden_whole() {
        assert_eq!(hidden("SELECT * FROM f(TABLE(t))"), ["TABLE(t)"]);
        assert_eq!(
            hidden("SELECT * FROM f(1, row => TABLE(SELECT a FROM t) PARTITION BY a ORDER BY (a, b))"),
            ["TABLE(SELECT a FROM t) PARTITION BY a ORDER BY (a, b)"]
        );
        assert_eq!(hidden("SELECT * FROM f(TABLE(t), 2)"), ["TABLE(t)"]);
        assert_eq!(hidden("SELECT * FROM f(TABLE(t) PARTITION BY a, b)"), ["TABLE(t) PARTITION BY a, b"]);
        assert_eq!(
            hidden("SELECT * FROM f(TABLE(t) PARTITION BY a ORDER BY b DESC, key => 'a')"),
            ["TABLE(t) PARTITION BY a ORDER BY b DESC"]
        );
        assert_eq!(hidden("SELECT * FROM v, LATERAL db.f(TABLE t WITH SINGLE PARTITION)"), ["TABLE t WITH SINGLE PARTITION"]);
    }

    #[test]
    fn table_queries_elsewhere_are_left_alone() {
        assert!(hidden("SELECT * FROM (TABLE t)").is_empty());
        assert!(hidden("SELECT * FROM t WHERE a IN (TABLE u)").is_empty());
        assert!(hidden("WITH x AS (TABLE t) SELECT * FROM x").is_empty());
    }
}
