//! Spark's `INVALID_IDENTIFIER`: a table name written with dashes and no
//! back quotes (`FROM non-existing-table`, `INSERT INTO a-b`), which Spark's
//! parser reports as such instead of as a syntax error.

use datafusion::sql::sqlparser::dialect::SparkSqlDialect;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer, Word};

use crate::ErrorKind;
use crate::error::SparkError;

/// Keywords a table name follows.
const BEFORE_TABLE_NAME: [&str; 4] = ["FROM", "JOIN", "INTO", "TABLE"];

/// `INVALID_IDENTIFIER` for the first dashed table name of `sql`, if it has
/// one. A FROM inside a function's parentheses (`extract(day FROM a - b)`)
/// is not followed by a table name and is skipped.
pub(super) fn invalid_identifier(sql: &str) -> Option<SparkError> {
    let tokens: Vec<Token> = Tokenizer::new(&SparkSqlDialect {}, sql)
        .tokenize()
        .ok()?
        .into_iter()
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    // For each open parenthesis: whether it opens a subquery.
    let mut subqueries: Vec<bool> = Vec::new();
    for (i, token) in tokens.iter().enumerate() {
        match token {
            Token::LParen => subqueries.push(matches!(tokens.get(i + 1), Some(Token::Word(w)) if is_keyword(w, "SELECT") || is_keyword(w, "WITH"))),
            Token::RParen => {
                subqueries.pop();
            }
            Token::Word(w) if BEFORE_TABLE_NAME.iter().any(|k| is_keyword(w, k)) && subqueries.iter().all(|s| *s) => {
                if let Some(ident) = dashed_name(&tokens[i + 1..]) {
                    return Some(error(&ident));
                }
            }
            _ => {}
        }
    }
    None
}

/// The dashed part of the (multi-part) name `tokens` start with: the words
/// around its first `-`, as Spark names them (`a-b` of `db.a-b.c`).
fn dashed_name(tokens: &[Token]) -> Option<String> {
    let mut i = 0;
    loop {
        let Some(Token::Word(first)) = tokens.get(i) else { return None };
        if first.quote_style.is_some() {
            return None;
        }
        let mut parts = vec![first.value.clone()];
        let mut j = i + 1;
        while let (Some(Token::Minus), Some(Token::Word(next))) = (tokens.get(j), tokens.get(j + 1)) {
            if next.quote_style.is_some() {
                break;
            }
            parts.push(next.value.clone());
            j += 2;
        }
        if parts.len() > 1 {
            return Some(parts.join("-"));
        }
        if tokens.get(j) != Some(&Token::Period) {
            return None;
        }
        i = j + 1;
    }
}

fn is_keyword(word: &Word, keyword: &str) -> bool {
    word.quote_style.is_none() && word.value.eq_ignore_ascii_case(keyword)
}

fn error(ident: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Parse,
        "INVALID_IDENTIFIER",
        "42602",
        format!(
            "The unquoted identifier {ident} is invalid and must be back quoted as: `{ident}`.\nUnquoted identifiers can only contain ASCII letters ('a' - 'z', 'A' - 'Z'), digits ('0' - '9'), and underbar ('_').\nUnquoted identifiers must also not start with a digit.\nDifferent data sources and meta stores may impose additional restrictions on valid identifiers."
        ),
        &[("ident", ident.to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ident(sql: &str) -> Option<String> {
        invalid_identifier(sql).map(|e| e.parameters["ident"].clone())
    }

    #[test]
    fn dashed_table_names() {
        assert_eq!(ident("select * from non-existing-table").as_deref(), Some("non-existing-table"));
        assert_eq!(ident("select * from db.a-b.c").as_deref(), Some("a-b"));
        assert_eq!(ident("select * from a - b").as_deref(), Some("a-b"));
        assert_eq!(ident("insert into a-b values (1)").as_deref(), Some("a-b"));
        assert_eq!(ident("select * from (select 1 from x join y-z)").as_deref(), Some("y-z"));
        assert_eq!(ident("select * from a-1"), None);
        assert_eq!(ident("select * from `a`-b"), None);
        assert_eq!(ident("select extract(day from a-b) from t"), None);
    }
}
