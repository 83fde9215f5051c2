//! Splits CSV text into records and fields as Spark's CSV parser (uniVocity)
//! does: quotes, escapes, comments, blank lines, white space trimming,
//! quoted line breaks with `multiLine`, custom line separators, and
//! unescaped quotes kept as text (`STOP_AT_DELIMITER`).

/// The syntax options of one CSV read.
#[derive(Debug, Clone, PartialEq)]
pub struct CsvSyntax {
    /// `sep` / `delimiter` (one or more characters).
    pub delimiter: String,
    /// `quote`; `None` when quoting is off (`quote=""`).
    pub quote: Option<char>,
    /// `escape`: in a quoted field, `escape` + `quote` is a literal quote.
    pub escape: Option<char>,
    /// `charToEscapeQuoteEscaping`: in a quoted field, this + `escape` is a
    /// literal escape character.
    pub escape_escape: Option<char>,
    /// `comment`: lines starting with it are skipped.
    pub comment: Option<char>,
    /// `ignoreLeadingWhiteSpace`.
    pub trim_leading: bool,
    /// `ignoreTrailingWhiteSpace`.
    pub trim_trailing: bool,
    /// `multiLine`: quoted fields may hold line breaks.
    pub multi_line: bool,
    /// `lineSep`: the record separator (`\n`, `\r\n` or `\r` when unset).
    pub line_sep: Option<String>,
}

impl Default for CsvSyntax {
    fn default() -> Self {
        CsvSyntax {
            delimiter: ",".into(),
            quote: Some('"'),
            escape: Some('\\'),
            escape_escape: Some('\\'),
            comment: None,
            trim_leading: false,
            trim_trailing: false,
            multi_line: false,
            line_sep: None,
        }
    }
}

/// One CSV record: its fields and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Record<'a> {
    /// The fields: `None` for an empty unquoted field, `Some` otherwise (a
    /// quoted empty field is `Some("")`).
    pub fields: Vec<Option<String>>,
    /// The record's text, without its line separator.
    pub raw: &'a str,
}

/// The records of `text`, blank lines and comment lines left out.
pub fn records<'a>(text: &'a str, syntax: &CsvSyntax) -> Vec<Record<'a>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        let line_end = line_break(rest, syntax);
        let blank = match line_end {
            Some((0, _)) => true,
            None => rest.is_empty(),
            _ => false,
        };
        if blank {
            at += line_end.map_or(rest.len(), |(_, len)| len);
            continue;
        }
        if syntax.comment.is_some_and(|c| rest.starts_with(c)) {
            at += line_end.map_or(rest.len(), |(start, len)| start + len);
            continue;
        }
        let (fields, consumed) = parse_record(rest, syntax);
        out.push(Record { fields, raw: &rest[..consumed] });
        at += consumed;
        at += line_break(&text[at..], syntax).filter(|(start, _)| *start == 0).map_or(0, |(_, len)| len);
    }
    out
}

/// Where the next line break starts in `text` and how long it is.
fn line_break(text: &str, syntax: &CsvSyntax) -> Option<(usize, usize)> {
    match &syntax.line_sep {
        Some(sep) if !sep.is_empty() => text.find(sep.as_str()).map(|i| (i, sep.len())),
        _ => text.find(['\n', '\r']).map(|i| {
            let crlf = text[i..].starts_with("\r\n");
            (i, if crlf { 2 } else { 1 })
        }),
    }
}

fn at_line_break(text: &str, syntax: &CsvSyntax) -> bool {
    match &syntax.line_sep {
        Some(sep) if !sep.is_empty() => text.starts_with(sep.as_str()),
        _ => text.starts_with(['\n', '\r']),
    }
}

/// Parses the fields of the record at the start of `text`; returns them and
/// the length of the record's text (up to its line break).
fn parse_record(text: &str, syntax: &CsvSyntax) -> (Vec<Option<String>>, usize) {
    let mut fields = Vec::new();
    let mut at = 0;
    loop {
        let (field, next) = parse_field(text, at, syntax);
        fields.push(field);
        at = next;
        if text[at..].starts_with(syntax.delimiter.as_str()) {
            at += syntax.delimiter.len();
            continue;
        }
        return (fields, at);
    }
}

fn is_white(c: char) -> bool {
    c != '\n' && c != '\r' && c <= ' '
}

/// Ends a field: the delimiter, a line break or the end of the text.
fn field_ends(text: &str, syntax: &CsvSyntax) -> bool {
    text.is_empty() || text.starts_with(syntax.delimiter.as_str()) || at_line_break(text, syntax)
}

/// One field starting at `start`; returns it and where it ends.
fn parse_field(text: &str, start: usize, syntax: &CsvSyntax) -> (Option<String>, usize) {
    let mut at = start;
    if syntax.trim_leading {
        at += text[at..].len() - text[at..].trim_start_matches(is_white).len();
    }
    if let Some(quote) = syntax.quote {
        if text[at..].starts_with(quote) {
            if let Some(quoted) = parse_quoted(text, at + quote.len_utf8(), quote, syntax) {
                return quoted;
            }
            // An unescaped quote: the field is the raw text up to the delimiter.
            let end = unquoted_end(text, at, syntax);
            return (Some(text[at..end].to_string()), end);
        }
    }
    let end = unquoted_end(text, at, syntax);
    let mut value = &text[at..end];
    if syntax.trim_trailing {
        value = value.trim_end_matches(is_white);
    }
    ((!value.is_empty()).then(|| value.to_string()), end)
}

fn unquoted_end(text: &str, from: usize, syntax: &CsvSyntax) -> usize {
    let mut at = from;
    while !field_ends(&text[at..], syntax) {
        at += text[at..].chars().next().map_or(1, char::len_utf8);
    }
    at
}

/// A quoted field whose content starts at `from`; `None` when a quote inside
/// it is neither escaped nor closing.
fn parse_quoted(text: &str, from: usize, quote: char, syntax: &CsvSyntax) -> Option<(Option<String>, usize)> {
    let mut value = String::new();
    let mut chars = text[from..].char_indices().peekable();
    while let Some((offset, c)) = chars.next() {
        let next = chars.peek().map(|(_, n)| *n);
        if !syntax.multi_line && at_line_break(&text[from + offset..], syntax) {
            return Some((Some(value), from + offset));
        }
        if Some(c) == syntax.escape_escape && syntax.escape_escape != syntax.escape && next.is_some() && next == syntax.escape {
            value.push(next.unwrap_or(c));
            chars.next();
            continue;
        }
        if syntax.escape == Some(c) && next == Some(quote) {
            value.push(quote);
            chars.next();
            continue;
        }
        if c == quote {
            let after = from + offset + c.len_utf8();
            let rest = &text[after..];
            let closing = if syntax.trim_trailing { rest.trim_start_matches(is_white) } else { rest };
            if field_ends(closing, syntax) {
                return Some((Some(value), after + (rest.len() - closing.len())));
            }
            return None;
        }
        value.push(c);
    }
    // An unterminated quote takes the rest of the text.
    Some((Some(value), text.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str, syntax: &CsvSyntax) -> Vec<Vec<Option<String>>> {
        records(text, syntax).into_iter().map(|r| r.fields).collect()
    }

    fn s(v: &str) -> Option<String> {
        Some(v.to_string())
    }

    #[test]
    fn quotes_escapes_and_empty_fields() {
        let syntax = CsvSyntax::default();
        assert_eq!(fields("a,\"\",,\"x\"\n", &syntax), [vec![s("a"), s(""), None, s("x")]]);
        assert_eq!(
            fields("a\"b,\"c\"\"d\",\"e\\\"f\",g\n\"unterminated,x\n", &syntax),
            [vec![s("a\"b"), s("\"c\"\"d\""), s("e\"f"), s("g")], vec![s("unterminated,x")]]
        );
        let doubled = CsvSyntax { escape: Some('"'), escape_escape: None, ..CsvSyntax::default() };
        assert_eq!(fields("\"c\"\"d\",\"e\\\"f\"", &doubled), [vec![s("c\"d"), s("\"e\\\"f\"")]]);
    }

    #[test]
    fn white_space_blank_lines_and_comments() {
        let syntax = CsvSyntax { comment: Some('#'), ..CsvSyntax::default() };
        assert_eq!(fields("  a  , \" b \" ,c\r\n\n#x\n", &syntax), [vec![s("  a  "), s(" \" b \" "), s("c")]]);
        let trimmed = CsvSyntax { trim_leading: true, trim_trailing: true, ..CsvSyntax::default() };
        assert_eq!(fields("  a  , \" b \" ,c", &trimmed), [vec![s("a"), s(" b "), s("c")]]);
    }

    #[test]
    fn line_breaks_in_quotes_and_custom_separators() {
        let text = "1,\"line1\nline2\"\n2,plain\n";
        let multi = CsvSyntax { multi_line: true, ..CsvSyntax::default() };
        let parsed = records(text, &multi);
        assert_eq!(parsed[0].fields, [s("1"), s("line1\nline2")]);
        assert_eq!(parsed[0].raw, "1,\"line1\nline2\"");
        assert_eq!(parsed.len(), 2);
        assert_eq!(fields(text, &CsvSyntax::default()), [vec![s("1"), s("line1")], vec![s("line2\"")], vec![s("2"), s("plain")]]);
        let custom = CsvSyntax { delimiter: ";".into(), line_sep: Some("|".into()), ..CsvSyntax::default() };
        assert_eq!(fields("a;b|c;d|", &custom), [vec![s("a"), s("b")], vec![s("c"), s("d")]]);
    }
}
