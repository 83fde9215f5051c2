//! SQL query contexts: an expression translated from SQL text carries the
//! span it was written at (`JvmOrigin`), so that its errors point at it.

use datafusion::sql::sqlparser::ast::Spanned;
use datafusion::sql::sqlparser::tokenizer::{Location, Span};
use ember_protocol::connect;

use super::Scope;

/// `expression` tagged with the SQL text `node` spans, when the statement's
/// text is known.
pub(super) fn with_sql_origin(mut expression: connect::Expression, node: &impl Spanned) -> connect::Expression {
    let Some(sql_text) = Scope::with(|scope| scope.markers.sql_text.clone()).filter(|text| !text.is_empty()) else {
        return expression;
    };
    let span = node.span();
    if let Some((start, stop)) = char_range(&sql_text, span) {
        let origin = connect::JvmOrigin {
            line: Some(span.start.line as i32),
            start_position: Some(span.start.column as i32 - 1),
            start_index: Some(start as i32),
            stop_index: Some(stop as i32),
            sql_text: Some(sql_text),
            ..Default::default()
        };
        expression.common = Some(connect::ExpressionCommon {
            origin: Some(connect::Origin { function: Some(connect::origin::Function::JvmOrigin(origin)) }),
        });
    }
    expression
}

/// The character offsets of a span's first and last characters.
fn char_range(text: &str, span: Span) -> Option<(usize, usize)> {
    let start = char_index(text, span.start)?;
    let end = char_index(text, span.end)?;
    (end > start).then(|| (start, end - 1))
}

/// The character offset of a 1-based line and column.
fn char_index(text: &str, at: Location) -> Option<usize> {
    if at.line == 0 || at.column == 0 {
        return None;
    }
    let before: usize = text.split('\n').take(at.line as usize - 1).map(|line| line.chars().count() + 1).sum();
    Some(before + at.column as usize - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sql_context_spans_become_character_offsets() {
        let span = Span::new(Location::new(2, 3), Location::new(2, 7));
        assert_eq!(char_range("select\n  10/0", span), Some((9, 12)));
        assert_eq!(char_range("x", Span::empty()), None);
    }
}
