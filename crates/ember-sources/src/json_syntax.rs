//! A JSON parser with the leniencies Spark's JSON reader (Jackson) offers as
//! options, keeping each value's source text (a string column reads a
//! nested value as its text).

/// Jackson's parser features that Spark exposes as JSON options.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonSyntax {
    /// `allowComments`: `/* */` and `//` comments.
    pub comments: bool,
    /// `allowUnquotedFieldNames`.
    pub unquoted_field_names: bool,
    /// `allowSingleQuotes` (default on).
    pub single_quotes: bool,
    /// `allowNumericLeadingZeros`.
    pub leading_zeros: bool,
    /// `allowNonNumericNumbers` (default on): `NaN`, `Infinity`, `+INF`, ...
    pub non_numeric_numbers: bool,
    /// `allowBackslashEscapingAnyCharacter`.
    pub backslash_escapes_any: bool,
    /// `allowUnquotedControlChars`: raw control characters in strings.
    pub unquoted_control_chars: bool,
}

impl Default for JsonSyntax {
    fn default() -> Self {
        JsonSyntax {
            comments: false,
            unquoted_field_names: false,
            single_quotes: true,
            leading_zeros: false,
            non_numeric_numbers: true,
            backslash_escapes_any: false,
            unquoted_control_chars: false,
        }
    }
}

/// A parsed value and its source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Value<'a> {
    /// What the value is.
    pub kind: Kind<'a>,
    /// The value's text in the source.
    pub raw: &'a str,
}

/// The kinds of JSON values.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number without fraction or exponent (its text).
    Integer(&'a str),
    /// A number with a fraction or exponent (its text).
    Float(&'a str),
    /// `NaN`, `Infinity` and the like.
    NonNumeric(f64),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Value<'a>>),
    /// An object's members in order.
    Object(Vec<(String, Value<'a>)>),
}

/// Parses the first JSON value of `text` (what follows it is ignored, as
/// Spark reads one value per record); `None` when it is malformed or absent.
pub fn parse<'a>(text: &'a str, syntax: &JsonSyntax) -> Option<Value<'a>> {
    let mut parser = Parser { text, at: 0, syntax };
    parser.skip_space()?;
    if parser.at >= text.len() {
        return None;
    }
    parser.value(0)
}

/// Splits `text` into its top-level values (`multiLine` files hold one
/// document, but may hold several); each with its source text.
pub fn documents<'a>(text: &'a str, syntax: &JsonSyntax) -> Vec<Result<Value<'a>, &'a str>> {
    let mut parser = Parser { text, at: 0, syntax };
    let mut out = Vec::new();
    loop {
        if parser.skip_space().is_none() {
            out.push(Err(&text[parser.at..]));
            return out;
        }
        if parser.at >= text.len() {
            return out;
        }
        let start = parser.at;
        match parser.value(0) {
            Some(value) => out.push(Ok(value)),
            None => {
                out.push(Err(&text[start..]));
                return out;
            }
        }
    }
}

/// Nesting deeper than this is malformed (Jackson's default limit is 1000).
const MAX_DEPTH: usize = 1000;

struct Parser<'a, 's> {
    text: &'a str,
    at: usize,
    syntax: &'s JsonSyntax,
}

impl<'a> Parser<'a, '_> {
    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn rest(&self) -> &'a str {
        &self.text[self.at..]
    }

    /// Skips white space and (when allowed) comments; `None` on an unclosed comment.
    fn skip_space(&mut self) -> Option<()> {
        loop {
            let rest = self.rest();
            let trimmed = rest.trim_start_matches([' ', '\t', '\n', '\r']);
            self.at += rest.len() - trimmed.len();
            if self.syntax.comments && trimmed.starts_with("//") {
                self.at += trimmed.find('\n').unwrap_or(trimmed.len());
            } else if self.syntax.comments && trimmed.starts_with("/*") {
                self.at += trimmed[2..].find("*/")? + 4;
            } else {
                return Some(());
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let start = self.at;
        let kind = match self.peek()? {
            '{' => self.object(depth)?,
            '[' => self.array(depth)?,
            '"' => Kind::String(self.string('"')?),
            '\'' if self.syntax.single_quotes => Kind::String(self.string('\'')?),
            _ => self.literal()?,
        };
        Some(Value { kind, raw: &self.text[start..self.at] })
    }

    fn object(&mut self, depth: usize) -> Option<Kind<'a>> {
        self.at += 1;
        let mut members = Vec::new();
        self.skip_space()?;
        if self.peek()? == '}' {
            self.at += 1;
            return Some(Kind::Object(members));
        }
        loop {
            self.skip_space()?;
            let name = match self.peek()? {
                '"' => self.string('"')?,
                '\'' if self.syntax.single_quotes => self.string('\'')?,
                c if self.syntax.unquoted_field_names && (c.is_alphanumeric() || c == '_' || c == '$') => {
                    let rest = self.rest();
                    let len = rest.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).unwrap_or(rest.len());
                    self.at += len;
                    rest[..len].to_string()
                }
                _ => return None,
            };
            self.skip_space()?;
            if self.peek()? != ':' {
                return None;
            }
            self.at += 1;
            self.skip_space()?;
            let value = self.value(depth + 1)?;
            members.push((name, value));
            self.skip_space()?;
            match self.peek()? {
                ',' => self.at += 1,
                '}' => {
                    self.at += 1;
                    return Some(Kind::Object(members));
                }
                _ => return None,
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Kind<'a>> {
        self.at += 1;
        let mut items = Vec::new();
        self.skip_space()?;
        if self.peek()? == ']' {
            self.at += 1;
            return Some(Kind::Array(items));
        }
        loop {
            self.skip_space()?;
            items.push(self.value(depth + 1)?);
            self.skip_space()?;
            match self.peek()? {
                ',' => self.at += 1,
                ']' => {
                    self.at += 1;
                    return Some(Kind::Array(items));
                }
                _ => return None,
            }
        }
    }

    fn string(&mut self, quote: char) -> Option<String> {
        self.at += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((offset, c)) = chars.next() {
            match c {
                c if c == quote => {
                    self.at += offset + 1;
                    return Some(out);
                }
                '\\' => {
                    let (_, escaped) = chars.next()?;
                    match escaped {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let hex: String = (0..4).map(|_| chars.next().map(|(_, h)| h)).collect::<Option<_>>()?;
                            let unit = u16::from_str_radix(&hex, 16).ok()?;
                            out.push(char::from_u32(unit.into()).unwrap_or(char::REPLACEMENT_CHARACTER));
                        }
                        '\'' if quote == '\'' => out.push('\''),
                        other if self.syntax.backslash_escapes_any => out.push(other),
                        _ => return None,
                    }
                }
                c if c < ' ' && !self.syntax.unquoted_control_chars => return None,
                c => out.push(c),
            }
        }
        None
    }

    /// `true`, `false`, `null`, a number or a non-numeric number.
    fn literal(&mut self) -> Option<Kind<'a>> {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
            .unwrap_or(rest.len());
        let word = &rest[..len];
        let kind = match word {
            "" => return None,
            "true" => Kind::Bool(true),
            "false" => Kind::Bool(false),
            "null" => Kind::Null,
            "NaN" if self.syntax.non_numeric_numbers => Kind::NonNumeric(f64::NAN),
            "Infinity" | "+Infinity" | "+INF" | "INF" if self.syntax.non_numeric_numbers => Kind::NonNumeric(f64::INFINITY),
            "-Infinity" | "-INF" if self.syntax.non_numeric_numbers => Kind::NonNumeric(f64::NEG_INFINITY),
            _ => self.number(word)?,
        };
        self.at += len;
        Some(kind)
    }

    fn number(&self, word: &'a str) -> Option<Kind<'a>> {
        let unsigned = word.strip_prefix('-').unwrap_or(word);
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
            None => (unsigned, None),
        };
        let (whole, fraction) = match mantissa.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (mantissa, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || (whole.len() > 1 && whole.starts_with('0') && !self.syntax.leading_zeros) {
            return None;
        }
        if fraction.is_some_and(|f| !digits(f)) {
            return None;
        }
        if let Some(exp) = exponent {
            if !digits(exp.strip_prefix(['+', '-']).unwrap_or(exp)) {
                return None;
            }
        }
        Some(if fraction.is_none() && exponent.is_none() { Kind::Integer(word) } else { Kind::Float(word) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str, syntax: &JsonSyntax) -> Option<Kind<'static>> {
        let leaked: &'static str = Box::leak(text.to_string().into_boxed_str());
        parse(leaked, syntax).map(|v| v.kind)
    }

    #[test]
    fn values_keep_their_text() {
        let value = parse(r#"{"a": [1, 2.5e1, "x\u0041"], "b": {"n": 1}} trailing"#, &JsonSyntax::default()).unwrap();
        let Kind::Object(members) = value.kind else { panic!("object expected") };
        assert_eq!(members[1].1.raw, r#"{"n": 1}"#);
        let Kind::Array(items) = &members[0].1.kind else { panic!("array expected") };
        assert_eq!(items[0].kind, Kind::Integer("1"));
        assert_eq!(items[1].kind, Kind::Float("2.5e1"));
        assert_eq!(items[2].kind, Kind::String("xA".into()));
    }

    #[test]
    fn leniencies_follow_the_options() {
        let strict = JsonSyntax::default();
        assert!(kinds("{bad json", &strict).is_none());
        assert!(kinds("{a: 1}", &strict).is_none());
        assert!(kinds("{'a': 'x'}", &strict).is_some());
        assert!(kinds("{\"a\": 01}", &strict).is_none());
        assert!(kinds("/* c */ {\"a\": 1}", &strict).is_none());
        assert!(kinds("{\"a\": \"\\q\"}", &strict).is_none());
        assert!(matches!(kinds("NaN", &strict), Some(Kind::NonNumeric(v)) if v.is_nan()));
        let lenient = JsonSyntax {
            comments: true,
            unquoted_field_names: true,
            leading_zeros: true,
            backslash_escapes_any: true,
            ..JsonSyntax::default()
        };
        assert!(kinds("{a: 1}", &lenient).is_some());
        assert_eq!(kinds("{\"a\": 01}", &lenient), Some(Kind::Object(vec![("a".into(), Value { kind: Kind::Integer("01"), raw: "01" })])));
        assert!(kinds("/* c */ {\"a\": 1} // end", &lenient).is_some());
        assert_eq!(kinds("\"\\q\"", &lenient), Some(Kind::String("q".into())));
    }

    #[test]
    fn documents_of_a_multi_line_file() {
        let docs = documents("{\"a\": 1}\n[{\"a\": 2}]\n{oops", &JsonSyntax::default());
        assert_eq!(docs.len(), 3);
        assert!(docs[0].is_ok() && docs[1].is_ok());
        assert_eq!(docs[2], Err("{oops"));
    }
}
