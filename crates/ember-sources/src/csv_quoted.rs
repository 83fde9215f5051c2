//! Quoted CSV fields as Spark's CSV parser (uniVocity 2.9.1) reads them:
//! escapes (`escape` before a quote, `charToEscapeQuoteEscaping` before an
//! escape), the closing quote, text after it, and quotes that neither close
//! the field nor are escaped, per `unescapedQuoteHandling`:
//! - `STOP_AT_DELIMITER` (the default): the field is a quote, its text so
//!   far and the raw text from the quote up to the delimiter;
//! - `STOP_AT_CLOSING_QUOTE`: the quote is text and reading goes on inside
//!   quotes;
//! - `BACK_TO_DELIMITER`: the text read so far in the field is split again
//!   at delimiters; each piece but the last becomes a field (with
//!   `multiLine`, a line break in it ends the record), the last piece stays
//!   open and reading goes on as inside quotes;
//! - `SKIP_VALUE`: the field is NULL, its text skipped up to the delimiter;
//! - `RAISE_ERROR`: the record is flagged (the read fails); it reads as
//!   under the default.
//!
//! The rules give uniVocity's observable results, quirks included (checked
//! against Spark 4.3 in `tests/test_sources_read_options.py`): a quote
//! followed by white space and then text makes the field a quote, the text
//! so far, the quote, the white space and the raw text up to the delimiter;
//! a quote followed by the escape character makes the rest of the field raw
//! text up to the delimiter, and that delimiter is then read as text; the
//! `charToEscapeQuoteEscaping` character inside quotes is dropped unless an
//! escape follows it; with `multiLine`, only the first line break that
//! `BACK_TO_DELIMITER` splits off ends a record, and the fields after it
//! carry over into the next record.

use crate::csv_syntax::{at_line_break, field_ends, is_white, line_break, CsvSyntax, RecordFields, UnescapedQuotes};

/// uniVocity's "no character" (an unset escape, or no previous character).
const NONE: char = '\0';

/// Reads the quoted field whose text starts at `from` (after its opening
/// quote); fields split off go to `fields`. Returns the field's value
/// (`None` when skipped), where it ends and whether it held an unescaped
/// quote.
pub(crate) fn quoted_field(
    text: &str,
    from: usize,
    quote: char,
    syntax: &CsvSyntax,
    fields: &mut RecordFields,
) -> (Option<String>, usize, bool) {
    if let Some((value, end)) = plain_quoted(text, from, quote, syntax) {
        return (Some(value), end, false);
    }
    let mut reader = Reader {
        text,
        syntax,
        pos: from,
        quote,
        escape: syntax.escape.unwrap_or(NONE),
        escape_escape: syntax.escape_escape.unwrap_or(NONE),
        value: Some(String::new()),
        unescaped: false,
    };
    reader.quoted(fields);
    (reader.value, reader.pos, reader.unescaped)
}

/// uniVocity's shortcut for a field without escapes or inner quotes whose
/// closing quote stands right before the delimiter or a line break: its
/// value and the position after the closing quote.
fn plain_quoted(text: &str, from: usize, quote: char, syntax: &CsvSyntax) -> Option<(String, usize)> {
    let mut prev = quote;
    for (offset, c) in text[from..].char_indices() {
        let at = from + offset;
        if at_line_break(&text[at..], syntax) {
            return None;
        }
        let next = &text[at + c.len_utf8()..];
        if c == quote {
            let closes = Some(prev) != syntax.escape && !next.is_empty() && field_ends(next, syntax);
            return closes.then(|| (text[from..at].to_string(), at + c.len_utf8()));
        }
        if Some(c) == syntax.escape {
            let after = next.chars().next();
            if after == Some(quote) || (after.is_some() && after == syntax.escape_escape) {
                return None;
            }
        }
        prev = c;
    }
    None
}

/// What a quote or escape character does given the character before it.
enum Step {
    /// It was taken with the one before (an escaped quote or escape).
    Consumed,
    /// It stays as the previous character for the next one.
    Kept,
    /// A quote followed by the escape character: an unescaped quote.
    QuoteThenEscape,
}

struct Reader<'t> {
    text: &'t str,
    syntax: &'t CsvSyntax,
    pos: usize,
    quote: char,
    escape: char,
    escape_escape: char,
    /// The field's text so far; `None` once skipped (`SKIP_VALUE`).
    value: Option<String>,
    unescaped: bool,
}

/// How reading goes on after a closing quote followed by text.
enum AfterQuote {
    Done,
    /// Inside quotes again, with this previous character.
    Quoted(char),
}

impl Reader<'_> {
    /// The character at the read position; `None` at the end of the input
    /// (without `multiLine`, at the end of the line).
    fn current(&self) -> Option<char> {
        let rest = &self.text[self.pos..];
        if !self.syntax.multi_line && at_line_break(rest, self.syntax) {
            return None;
        }
        rest.chars().next()
    }

    fn advance(&mut self) {
        self.pos += self.text[self.pos..].chars().next().map_or(0, char::len_utf8);
    }

    fn at_delimiter(&self) -> bool {
        self.text[self.pos..].starts_with(self.syntax.delimiter.as_str())
    }

    fn at_field_end(&self) -> bool {
        self.at_delimiter() || at_line_break(&self.text[self.pos..], self.syntax)
    }

    /// Reads inside quotes up to a closing quote (one before white space,
    /// the delimiter or a line break) or the end of the input.
    fn quoted(&mut self, fields: &mut RecordFields) {
        let mut prev = NONE;
        loop {
            let Some(ch) = self.current() else { return };
            if prev == self.quote && (is_white(ch) || self.at_field_end()) {
                match self.after_closing_quote() {
                    AfterQuote::Done => return,
                    AfterQuote::Quoted(last) => {
                        prev = last;
                        continue;
                    }
                }
            }
            if ch != self.quote && ch != self.escape {
                if prev == self.quote {
                    self.unescaped = true;
                    match self.mode() {
                        UnescapedQuotes::BackToDelimiter => {
                            self.split_at_delimiters(fields);
                            self.push(ch);
                            prev = NONE;
                        }
                        UnescapedQuotes::StopAtClosingQuote => {
                            self.push(self.quote);
                            self.push(ch);
                            prev = ch;
                        }
                        UnescapedQuotes::SkipValue => return self.skip_value(),
                        _ => {
                            self.push(self.quote);
                            self.push(ch);
                            return self.raw_to_field_end();
                        }
                    }
                    self.advance();
                    continue;
                }
                if prev == self.escape && self.escape != NONE {
                    self.push(self.escape);
                }
                let Some(stop) = self.take_run() else { return };
                prev = stop;
                self.advance();
                continue;
            }
            prev = match self.escape_step(ch, prev) {
                Step::Consumed => NONE,
                Step::Kept => ch,
                Step::QuoteThenEscape => match self.raw_to_delimiter(ch) {
                    Some(stop) => stop,
                    None => return,
                },
            };
            self.advance();
            if self.unescaped && self.at_field_end() {
                return;
            }
        }
    }

    /// How unescaped quotes read: `RAISE_ERROR` flags the record and reads
    /// as the default.
    fn mode(&self) -> UnescapedQuotes {
        match self.syntax.unescaped_quotes {
            UnescapedQuotes::RaiseError => UnescapedQuotes::StopAtDelimiter,
            mode => mode,
        }
    }

    fn push(&mut self, c: char) {
        if let Some(value) = &mut self.value {
            value.push(c);
        }
    }

    /// `SKIP_VALUE`: the field is NULL; its text up to the delimiter is skipped.
    fn skip_value(&mut self) {
        self.value = None;
        while self.current().is_some() && !self.at_field_end() {
            self.advance();
        }
    }

    /// The field so far after a quote, then the raw text up to the
    /// delimiter or line break.
    fn raw_to_field_end(&mut self) {
        if let Some(value) = &mut self.value {
            value.insert(0, self.quote);
        }
        self.advance();
        while let Some(c) = self.current().filter(|_| !self.at_field_end()) {
            self.push(c);
            self.advance();
        }
        if let Some(value) = self.value.as_mut().filter(|_| self.syntax.trim_trailing) {
            value.truncate(value.trim_end_matches(is_white).len());
        }
    }

    /// Appends text up to the next quote, escape or escape-escape character
    /// and returns that character (not appended); `None` at the end.
    fn take_run(&mut self) -> Option<char> {
        loop {
            let c = self.current()?;
            if c == self.quote || c == self.escape || c == self.escape_escape {
                return Some(c);
            }
            self.push(c);
            self.advance();
        }
    }

    /// A quote or escape character `ch` after `prev`.
    fn escape_step(&mut self, ch: char, prev: char) -> Step {
        if ch == self.escape && prev == self.escape_escape && self.escape_escape != NONE {
            self.push(self.escape);
            Step::Consumed
        } else if prev == self.escape {
            if ch == self.quote {
                self.push(self.quote);
                Step::Consumed
            } else {
                self.push(prev);
                Step::Kept
            }
        } else if ch == self.quote && prev == self.quote {
            self.push(self.quote);
            Step::Kept
        } else if prev == self.quote {
            Step::QuoteThenEscape
        } else {
            Step::Kept
        }
    }

    /// The text after a quote followed by the escape character `first`
    /// (still at the read position): the quote, then the text with escapes
    /// applied up to the delimiter or line break. Each further
    /// quote-then-escape inside it reads on past one more delimiter. Returns
    /// the character it stops at (not consumed); `None` at the end of the
    /// input or when the value is skipped (`SKIP_VALUE`).
    fn raw_to_delimiter(&mut self, first: char) -> Option<char> {
        self.unescaped = true;
        if self.mode() == UnescapedQuotes::SkipValue {
            self.skip_value();
            return None;
        }
        self.push(self.quote);
        let mut prev = first;
        let mut open = 1;
        loop {
            let ch = self.current()?;
            if self.at_field_end() {
                open -= 1;
                if open == 0 {
                    return Some(ch);
                }
                prev = ch;
                self.advance();
                continue;
            }
            if ch != self.quote && ch != self.escape {
                if prev == self.quote {
                    self.push(self.quote);
                } else {
                    self.push(ch);
                    self.advance();
                }
                prev = ch;
                continue;
            }
            prev = match self.escape_step(ch, prev) {
                Step::Consumed => NONE,
                Step::Kept => ch,
                Step::QuoteThenEscape => {
                    self.push(self.quote);
                    open += 1;
                    prev = ch;
                    continue;
                }
            };
            self.advance();
        }
    }

    /// After a closing quote: white space before the delimiter or line
    /// break is dropped. Text after the white space is an unescaped quote:
    /// the field is the quoted text so far, the quote, the white space and
    /// the raw text up to the delimiter (`STOP_AT_CLOSING_QUOTE`: reading
    /// goes on inside quotes; `SKIP_VALUE`: the field is NULL).
    fn after_closing_quote(&mut self) -> AfterQuote {
        let white_start = self.pos;
        while let Some(c) = self.current() {
            if at_line_break(&self.text[self.pos..], self.syntax) {
                return AfterQuote::Done;
            }
            if !is_white(c) || self.at_delimiter() {
                break;
            }
            self.advance();
        }
        let Some(next) = self.current().filter(|_| !self.at_delimiter()) else { return AfterQuote::Done };
        self.unescaped = true;
        let white = self.text[white_start..self.pos].to_string();
        self.push(self.quote);
        white.chars().for_each(|c| self.push(c));
        match self.mode() {
            UnescapedQuotes::SkipValue => self.skip_value(),
            UnescapedQuotes::StopAtClosingQuote => {
                if next != self.quote && next != self.escape {
                    self.push(next);
                }
                self.advance();
                return AfterQuote::Quoted(next);
            }
            _ => {
                self.push(next);
                self.raw_to_field_end();
            }
        }
        AfterQuote::Done
    }

    /// Splits the text read so far at delimiters and line breaks: every
    /// piece but the last becomes a field; a line break ends the record.
    fn split_at_delimiters(&mut self, fields: &mut RecordFields) {
        let Some(value) = &mut self.value else { return };
        loop {
            let delimiter = value.find(self.syntax.delimiter.as_str()).map(|at| (at, self.syntax.delimiter.len(), false));
            let line = line_break(value, self.syntax).map(|(at, len)| (at, len, true));
            let Some((at, len, ends_record)) = delimiter.into_iter().chain(line).min_by_key(|(at, ..)| *at) else {
                return;
            };
            fields.current.push(Some(value[..at].to_string()));
            if ends_record {
                fields.line_break();
            }
            value.drain(..at + len);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::csv_syntax::{records, CsvSyntax, UnescapedQuotes};

    fn rows(text: &str, multi_line: bool) -> Vec<Vec<Option<String>>> {
        let syntax = CsvSyntax { unescaped_quotes: UnescapedQuotes::BackToDelimiter, multi_line, ..CsvSyntax::default() };
        records(text, &syntax).into_iter().map(|r| r.fields).collect()
    }

    fn row(values: &[Option<&str>]) -> Vec<Option<String>> {
        values.iter().map(|v| v.map(str::to_string)).collect()
    }

    #[test]
    fn splits_the_text_before_an_unescaped_quote_at_delimiters() {
        assert_eq!(rows("\"a,b\"c,d\n", false), [row(&[Some("a"), Some("bc,d")])]);
        assert_eq!(rows("\"a\"b,c\"d,e\n", false), [row(&[Some("ab"), Some("cd,e")])]);
        assert_eq!(rows("\"a,,b\"c,d\n", false), [row(&[Some("a"), Some(""), Some("bc,d")])]);
        assert_eq!(rows("\"a\"b \"c d\",e\n", false), [row(&[Some("ab c d"), Some("e")])]);
        assert_eq!(rows("\"a\"b\"\"c,d\n", false), [row(&[Some("ab\"c,d")])]);
        assert_eq!(rows("\"plain\",\"x\"\n", false), [row(&[Some("plain"), Some("x")])]);
    }

    #[test]
    fn white_space_and_escapes_after_a_quote() {
        assert_eq!(rows("x,\"a \"b\" c,d\"e,f\n", false), [row(&[Some("x"), Some("\"a b\" c"), Some("d\"e"), Some("f")])]);
        assert_eq!(rows("\"a\" b,c\n", false), [row(&[Some("\"a\" b"), Some("c")])]);
        assert_eq!(rows("\"a\"  ,b\n", false), [row(&[Some("a"), Some("b")])]);
        assert_eq!(rows("\"a\"b\"\\\"c,d\n", false), [row(&[Some("ab\"\\\"cd")])]);
        assert_eq!(rows("\"a\"\\b,c\n", false), [row(&[Some("a\"\\bc")])]);
        assert_eq!(rows("\"a\\\\\"b,c\n", false), [row(&[Some("a\\b,c")])]);
    }

    #[test]
    fn multi_line_records_end_at_the_first_split_line_break() {
        let text = "\"a,b\"c,d\n\"a\"b,c\"d,e\n\"a,,b\"c,d\nx,\"a \"b\" c,d\"e,f\n\"a\"b\" c,d\n";
        assert_eq!(
            rows(text, true),
            [
                row(&[Some("a"), Some("bc"), Some("d")]),
                row(&[
                    Some("ab"),
                    Some("cd"),
                    Some("e"),
                    Some("a"),
                    Some(""),
                    Some("bc"),
                    Some("d"),
                    Some("x"),
                    Some("\"a b\" c"),
                    Some("d\"e"),
                    Some("f"),
                    Some("\"ab\" c"),
                    Some("d"),
                ]),
            ]
        );
    }
}
