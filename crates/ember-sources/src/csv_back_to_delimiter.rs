//! Quoted CSV fields under `unescapedQuoteHandling=BACK_TO_DELIMITER`, as
//! Spark's CSV parser (uniVocity 2.9.1) reads them.
//!
//! When a quote inside a quoted field is followed by text (neither escaped
//! nor closing the field), the text read so far in the field is split again
//! at delimiters: each piece but the last becomes a field (with `multiLine`,
//! a line break in it ends the record), the last piece stays open and reading
//! goes on as inside quotes, so a later delimiter is text until a closing
//! quote. The rules below give uniVocity's observable results, quirks
//! included (checked against Spark 4.3 in
//! `tests/test_sources_read_options.py`):
//! - a quote followed by white space and then text makes the field a quote,
//!   the text so far, the quote, the white space and the raw text up to the
//!   delimiter;
//! - a quote followed by the escape character makes the rest of the field
//!   raw text up to the delimiter, and that delimiter is then read as text;
//! - with `multiLine`, only the first line break that splits a field ends a
//!   record; the fields after it, and after later ones, carry over into the
//!   next record.

use crate::csv_syntax::{at_line_break, field_ends, is_white, line_break, CsvSyntax, RecordFields};

/// uniVocity's "no character" (an unset escape, or no previous character).
const NONE: char = '\0';

/// Reads the quoted field whose text starts at `from` (after its opening
/// quote); fields split off go to `fields`. Returns the field's value, where
/// it ends and whether it held an unescaped quote.
pub(crate) fn quoted_field(
    text: &str,
    from: usize,
    quote: char,
    syntax: &CsvSyntax,
    fields: &mut RecordFields,
) -> (String, usize, bool) {
    if let Some((value, end)) = plain_quoted(text, from, quote, syntax) {
        return (value, end, false);
    }
    let mut reader = Reader {
        text,
        syntax,
        pos: from,
        quote,
        escape: syntax.escape.unwrap_or(NONE),
        escape_escape: syntax.escape_escape.unwrap_or(NONE),
        value: String::new(),
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
    /// A quote followed by the escape character: the quote was taken as
    /// text and the rest of the field is raw.
    QuoteThenEscape,
}

struct Reader<'t> {
    text: &'t str,
    syntax: &'t CsvSyntax,
    pos: usize,
    quote: char,
    escape: char,
    escape_escape: char,
    value: String,
    unescaped: bool,
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
                return self.after_closing_quote();
            }
            if ch != self.quote && ch != self.escape {
                if prev == self.quote {
                    self.unescaped = true;
                    self.split_at_delimiters(fields);
                    self.value.push(ch);
                    self.advance();
                    prev = NONE;
                    continue;
                }
                if prev == self.escape && self.escape != NONE {
                    self.value.push(self.escape);
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

    /// Appends text up to the next quote, escape or escape-escape character
    /// and returns that character (not appended); `None` at the end.
    fn take_run(&mut self) -> Option<char> {
        loop {
            let c = self.current()?;
            if c == self.quote || c == self.escape || c == self.escape_escape {
                return Some(c);
            }
            self.value.push(c);
            self.advance();
        }
    }

    /// A quote or escape character `ch` after `prev`.
    fn escape_step(&mut self, ch: char, prev: char) -> Step {
        if ch == self.escape && prev == self.escape_escape && self.escape_escape != NONE {
            self.value.push(self.escape);
            Step::Consumed
        } else if prev == self.escape {
            if ch == self.quote {
                self.value.push(self.quote);
                Step::Consumed
            } else {
                self.value.push(prev);
                Step::Kept
            }
        } else if ch == self.quote && prev == self.quote {
            self.value.push(self.quote);
            Step::Kept
        } else if prev == self.quote {
            self.value.push(self.quote);
            Step::QuoteThenEscape
        } else {
            Step::Kept
        }
    }

    /// The text after a quote followed by the escape character `first`
    /// (still at the read position): appended, escapes applied, up to the
    /// delimiter or line break. Each further quote-then-escape inside it
    /// reads on past one more delimiter. Returns the character it stops at
    /// (not consumed); `None` at the end of the input.
    fn raw_to_delimiter(&mut self, first: char) -> Option<char> {
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
                    self.value.push(self.quote);
                } else {
                    self.value.push(ch);
                    self.advance();
                }
                prev = ch;
                continue;
            }
            prev = match self.escape_step(ch, prev) {
                Step::Consumed => NONE,
                Step::Kept => ch,
                Step::QuoteThenEscape => {
                    open += 1;
                    prev = ch;
                    continue;
                }
            };
            self.advance();
        }
    }

    /// After a closing quote: white space before the delimiter or line
    /// break is dropped; text after the white space makes the field the
    /// quoted text so far, the quote, the white space and the raw text up
    /// to the delimiter.
    fn after_closing_quote(&mut self) {
        let white_start = self.pos;
        while let Some(c) = self.current() {
            if at_line_break(&self.text[self.pos..], self.syntax) {
                return;
            }
            if !is_white(c) || self.at_delimiter() {
                break;
            }
            self.advance();
        }
        if self.current().is_none() || self.at_delimiter() {
            return;
        }
        let white = &self.text[white_start..self.pos];
        self.value.insert(0, self.quote);
        self.value.push(self.quote);
        self.value.push_str(white);
        while let Some(c) = self.current().filter(|_| !self.at_field_end()) {
            self.value.push(c);
            self.advance();
        }
        if self.syntax.trim_trailing {
            self.value.truncate(self.value.trim_end_matches(is_white).len());
        }
    }

    /// Splits the text read so far at delimiters and line breaks: every
    /// piece but the last becomes a field; a line break ends the record.
    fn split_at_delimiters(&mut self, fields: &mut RecordFields) {
        loop {
            let delimiter = self.value.find(self.syntax.delimiter.as_str()).map(|at| (at, self.syntax.delimiter.len(), false));
            let line = line_break(&self.value, self.syntax).map(|(at, len)| (at, len, true));
            let Some((at, len, ends_record)) = delimiter.into_iter().chain(line).min_by_key(|(at, ..)| *at) else {
                return;
            };
            fields.current.push(Some(self.value[..at].to_string()));
            if ends_record {
                fields.line_break();
            }
            self.value.drain(..at + len);
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
