//! Token rewrites that let sqlparser read Spark's `TABLESAMPLE` forms:
//! Spark writes a FROM item's alias after the sample clause
//! (`FROM t TABLESAMPLE (3 ROWS) s`), sqlparser's Spark dialect only
//! before it, so the alias is moved in front (its tokens keep their
//! positions, which is how [`super::sample`] tells the two orders apart);
//! and Spark's byte lengths (`TABLESAMPLE (10B)`), which it rejects.

use datafusion::sql::sqlparser::keywords::Keyword;
use datafusion::sql::sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

use crate::ErrorKind;
use crate::error::{Result, SparkError};

/// Moves each alias written after a `TABLESAMPLE (…) [REPEATABLE (…)]`
/// clause in front of it; fails as Spark for a byte length.
pub(super) fn move_aliases_before_samples(tokens: &mut Vec<TokenWithSpan>) -> Result<()> {
    let mut i = 0;
    while i < tokens.len() {
        if !is_word(&tokens[i], "TABLESAMPLE") {
            i += 1;
            continue;
        }
        let Some(open) = next_significant(tokens, i + 1).filter(|&o| tokens[o].token == Token::LParen) else {
            i += 1;
            continue;
        };
        let Some(mut end) = matching_paren(tokens, open) else { return Ok(()) };
        reject_byte_length(tokens, open, end)?;
        if let Some(seed) = next_significant(tokens, end + 1).filter(|&r| is_word(&tokens[r], "REPEATABLE")) {
            if let Some(close) = next_significant(tokens, seed + 1).filter(|&o| tokens[o].token == Token::LParen).and_then(|o| matching_paren(tokens, o)) {
                end = close;
            }
        }
        let Some((alias_start, alias_end)) = trailing_alias(tokens, end + 1) else {
            i = end + 1;
            continue;
        };
        let moved: Vec<TokenWithSpan> = tokens.drain(alias_start..=alias_end).collect();
        let count = moved.len();
        let space = TokenWithSpan::wrap(Token::Whitespace(Whitespace::Space));
        tokens.splice(i..i, moved.into_iter().chain([space]));
        i += count + 1 + (end - i) + 1;
    }
    Ok(())
}

/// The first and last token of `[AS] alias [(columns)]` starting at `from`.
fn trailing_alias(tokens: &[TokenWithSpan], from: usize) -> Option<(usize, usize)> {
    let start = next_significant(tokens, from)?;
    let name = if is_word(&tokens[start], "AS") { next_significant(tokens, start + 1)? } else { start };
    let Token::Word(word) = &tokens[name].token else { return None };
    if word.quote_style.is_none() && word.keyword != Keyword::NoKeyword {
        return None;
    }
    let end = match next_significant(tokens, name + 1).filter(|&p| tokens[p].token == Token::LParen) {
        Some(open) => matching_paren(tokens, open)?,
        None => name,
    };
    Some((start, end))
}

/// `_LEGACY_ERROR_TEMP_0015` for `(10B)`: a number directly followed by a unit.
fn reject_byte_length(tokens: &[TokenWithSpan], open: usize, close: usize) -> Result<()> {
    let inside: Vec<&TokenWithSpan> = tokens[open + 1..close].iter().filter(|t| !matches!(t.token, Token::Whitespace(_))).collect();
    if let [number, unit] = inside.as_slice() {
        let adjacent = number.span.end == unit.span.start;
        if matches!(number.token, Token::Number(..)) && adjacent && matches!(&unit.token, Token::Word(w) if w.quote_style.is_none()) {
            return Err(SparkError::new(
                ErrorKind::Parse,
                "_LEGACY_ERROR_TEMP_0015",
                "",
                "TABLESAMPLE(byteLengthLiteral) is not supported.",
                &[("msg", "byteLengthLiteral".to_string())],
            ));
        }
    }
    Ok(())
}

fn is_word(token: &TokenWithSpan, word: &str) -> bool {
    matches!(&token.token, Token::Word(w) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case(word))
}

fn next_significant(tokens: &[TokenWithSpan], from: usize) -> Option<usize> {
    (from..tokens.len()).find(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
}

fn matching_paren(tokens: &[TokenWithSpan], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token.token {
            Token::LParen => depth += 1,
            Token::RParen => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::sql::sqlparser::dialect::SparkSqlDialect;
    use datafusion::sql::sqlparser::tokenizer::Tokenizer;

    fn rewritten(sql: &str) -> String {
        let mut tokens = Tokenizer::new(&SparkSqlDialect {}, sql).tokenize_with_location().unwrap();
        move_aliases_before_samples(&mut tokens).unwrap();
        let text: String = tokens.iter().map(|t| t.token.to_string()).collect();
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn aliases_move_in_front_of_the_clause() {
        assert_eq!(rewritten("FROM t TABLESAMPLE (3 ROWS) s WHERE x"), "FROM t s TABLESAMPLE (3 ROWS) WHERE x");
        assert_eq!(rewritten("FROM t TABLESAMPLE (5 PERCENT) REPEATABLE (1) AS s(a)"), "FROM t AS s(a) TABLESAMPLE (5 PERCENT) REPEATABLE (1)");
        assert_eq!(rewritten("FROM t TABLESAMPLE (3 ROWS) JOIN u"), "FROM t TABLESAMPLE (3 ROWS) JOIN u");
    }
}
