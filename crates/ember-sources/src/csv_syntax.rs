//! Splits CSV text into records and fields as Spark's CSV parser (uniVocity)
//! does: quotes, escapes, comments, blank lines, white space trimming,
//! quoted line breaks with `multiLine`, custom line separators, and
//! unescaped quotes inside quoted fields (`unescapedQuoteHandling`).

use crate::csv_quoted;

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
    /// `unescapedQuoteHandling`.
    pub unescaped_quotes: UnescapedQuotes,
}

/// What a quote inside a quoted field that neither is escaped nor closes
/// the field does (uniVocity's `UnescapedQuoteHandling`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnescapedQuotes {
    /// The quote is text; the field goes on to a closing quote.
    StopAtClosingQuote,
    /// The field is its text so far, quoted, and the raw text up to the
    /// delimiter or line end (Spark's default).
    StopAtDelimiter,
    /// The field's text so far is split again at delimiters and reading
    /// goes on as inside quotes (see `csv_quoted`).
    BackToDelimiter,
    /// The field is NULL; the text up to the delimiter is skipped.
    SkipValue,
    /// The record cannot be read: the read fails.
    RaiseError,
}

impl UnescapedQuotes {
    /// The option's value (any case); an unknown one fails as Spark's
    /// `UnescapedQuoteHandling.valueOf`.
    pub fn parse(value: Option<&str>) -> Result<Self, ember_errors::SparkError> {
        let Some(value) = value else { return Ok(UnescapedQuotes::StopAtDelimiter) };
        match value.to_uppercase().as_str() {
            "STOP_AT_CLOSING_QUOTE" => Ok(UnescapedQuotes::StopAtClosingQuote),
            "STOP_AT_DELIMITER" => Ok(UnescapedQuotes::StopAtDelimiter),
            "BACK_TO_DELIMITER" => Ok(UnescapedQuotes::BackToDelimiter),
            "SKIP_VALUE" => Ok(UnescapedQuotes::SkipValue),
            "RAISE_ERROR" => Ok(UnescapedQuotes::RaiseError),
            other => Err(ember_errors::SparkError::illegal_argument(format!(
                "No enum constant com.univocity.parsers.csv.UnescapedQuoteHandling.{other}"
            ))),
        }
    }
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
            unescaped_quotes: UnescapedQuotes::StopAtDelimiter,
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
    /// Whether a quoted field held an unescaped quote (`RAISE_ERROR` fails on it).
    pub unescaped_quote: bool,
}

/// The fields of the record being read.
#[derive(Debug, Default)]
pub(crate) struct RecordFields {
    /// The record's fields so far.
    pub current: Vec<Option<String>>,
    /// A record ended by a line break inside a quoted field
    /// (`BACK_TO_DELIMITER` with `multiLine`): it is the record read, and the
    /// fields after it carry over into the next record, as in uniVocity.
    pub ended: Option<Vec<Option<String>>>,
}

impl RecordFields {
    /// A line break inside a quoted field: the first one ends the record,
    /// later ones separate fields.
    pub fn line_break(&mut self) {
        if self.ended.is_none() {
            self.ended = Some(std::mem::take(&mut self.current));
        }
    }
}

/// The records of `text`, blank lines and comment lines left out.
pub fn records<'a>(text: &'a str, syntax: &CsvSyntax) -> Vec<Record<'a>> {
    let mut out = Vec::new();
    let mut at = 0;
    let mut carried = Vec::new();
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
        let mut fields = RecordFields { current: std::mem::take(&mut carried), ended: None };
        let (consumed, unescaped_quote) = parse_record(rest, syntax, &mut fields);
        let raw = &rest[..consumed];
        match fields.ended {
            Some(ended) => {
                out.push(Record { fields: ended, raw, unescaped_quote });
                carried = fields.current;
            }
            None => out.push(Record { fields: fields.current, raw, unescaped_quote }),
        }
        at += consumed;
        at += line_break(&text[at..], syntax).filter(|(start, _)| *start == 0).map_or(0, |(_, len)| len);
    }
    if !carried.is_empty() {
        let raw = out.last().map_or("", |r| r.raw);
        out.push(Record { fields: carried, raw, unescaped_quote: true });
    }
    out
}

/// Where the next line break starts in `text` and how long it is.
pub(crate) fn line_break(text: &str, syntax: &CsvSyntax) -> Option<(usize, usize)> {
    match &syntax.line_sep {
        Some(sep) if !sep.is_empty() => text.find(sep.as_str()).map(|i| (i, sep.len())),
        _ => text.find(['\n', '\r']).map(|i| {
            let crlf = text[i..].starts_with("\r\n");
            (i, if crlf { 2 } else { 1 })
        }),
    }
}

/// Whether `text` starts with a line break.
pub(crate) fn at_line_break(text: &str, syntax: &CsvSyntax) -> bool {
    match &syntax.line_sep {
        Some(sep) if !sep.is_empty() => text.starts_with(sep.as_str()),
        _ => text.starts_with(['\n', '\r']),
    }
}

/// Parses the fields of the record at the start of `text` into `fields`;
/// returns the length of the record's text (up to its line break) and
/// whether a field held an unescaped quote.
fn parse_record(text: &str, syntax: &CsvSyntax, fields: &mut RecordFields) -> (usize, bool) {
    let mut at = 0;
    let mut unescaped = false;
    loop {
        let (field, next, unescaped_here) = parse_field(text, at, syntax, fields);
        fields.current.push(field);
        unescaped |= unescaped_here;
        at = next;
        if text[at..].starts_with(syntax.delimiter.as_str()) {
            at += syntax.delimiter.len();
            continue;
        }
        return (at, unescaped);
    }
}

/// White space as uniVocity trims it (control characters and space, line
/// breaks aside).
pub(crate) fn is_white(c: char) -> bool {
    c != '\n' && c != '\r' && c <= ' '
}

/// Ends a field: the delimiter, a line break or the end of the text.
pub(crate) fn field_ends(text: &str, syntax: &CsvSyntax) -> bool {
    text.is_empty() || text.starts_with(syntax.delimiter.as_str()) || at_line_break(text, syntax)
}

/// One field starting at `start`; returns it, where it ends and whether it
/// held an unescaped quote. Under `BACK_TO_DELIMITER` a quoted field may
/// first add other fields to `fields`.
fn parse_field(text: &str, start: usize, syntax: &CsvSyntax, fields: &mut RecordFields) -> (Option<String>, usize, bool) {
    let mut at = start;
    if syntax.trim_leading {
        at += text[at..].len() - text[at..].trim_start_matches(is_white).len();
    }
    if let Some(quote) = syntax.quote.filter(|&quote| text[at..].starts_with(quote)) {
        return csv_quoted::quoted_field(text, at + quote.len_utf8(), quote, syntax, fields);
    }
    let end = unquoted_end(text, at, syntax);
    let mut value = &text[at..end];
    if syntax.trim_trailing {
        value = value.trim_end_matches(is_white);
    }
    ((!value.is_empty()).then(|| value.to_string()), end, false)
}

fn unquoted_end(text: &str, from: usize, syntax: &CsvSyntax) -> usize {
    let mut at = from;
    while !field_ends(&text[at..], syntax) {
        at += text[at..].chars().next().map_or(1, char::len_utf8);
    }
    at
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
    fn unescaped_quotes_as_spark_handles_them() {
        let text = "\"a\"b,c\nx,\"a \"q\" b\",y\n\"a\\\"b\"c,d\n\"a\" ,b\n";
        let with = |mode| CsvSyntax { unescaped_quotes: mode, ..CsvSyntax::default() };
        assert_eq!(
            fields(text, &CsvSyntax::default()),
            [vec![s("\"a\"b"), s("c")], vec![s("x"), s("\"a \"q\" b\""), s("y")], vec![s("\"a\"b\"c"), s("d")], vec![s("a"), s("b")]]
        );
        assert_eq!(
            fields(text, &with(UnescapedQuotes::StopAtClosingQuote)),
            [vec![s("a\"b,c")], vec![s("x"), s("a \"q\" b"), s("y")], vec![s("a\"b\"c,d")], vec![s("a"), s("b")]]
        );
        assert_eq!(
            fields(text, &with(UnescapedQuotes::SkipValue)),
            [vec![None, s("c")], vec![s("x"), None, s("y")], vec![None, s("d")], vec![s("a"), s("b")]]
        );
        let flagged: Vec<bool> = records(text, &CsvSyntax::default()).iter().map(|r| r.unescaped_quote).collect();
        assert_eq!(flagged, [true, true, true, false]);
        assert!(UnescapedQuotes::parse(Some("bogus")).is_err());
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
