//! Spark's DDL type grammar: single types (`decimal(10,2)`,
//! `array<struct<a:int>>`, `interval day to second`) and schemas
//! (`a INT NOT NULL COMMENT 'x', b string`).
//!
//! Parsing happens in two phases, as in Spark: the text is first checked
//! against the grammar (reporting `PARSE_SYNTAX_ERROR` at the offending
//! token), then type names are resolved (reporting `UNSUPPORTED_DATATYPE`,
//! `DATATYPE_MISSING_SIZE`, decimal range errors, ...). Syntax errors inside
//! `<...>` are reported where Spark's ANTLR parser reports them: usually at
//! the `<` of the complex type whose alternatives could not be told apart.

use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields};

use crate::error::{ComplexKind, ParseContext, TypeError};
use crate::interval::IntervalFields;
use crate::json::parse_json_type;
use crate::mapping::{
    array_type, calendar_interval_type, day_time_interval_type, decimal_type, map_type,
    struct_field, timestamp_ntz_type, timestamp_type, year_month_interval_type, TIME_PRECISION,
    time_type,
};
use crate::proto::check_collation;

// ---------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    /// An unquoted word: identifier or keyword.
    Word,
    /// A back-quoted identifier, unescaped.
    Quoted(String),
    /// A string literal, unescaped.
    Str(String),
    /// An unsigned integer literal.
    Int,
    /// Punctuation the grammar uses.
    Sym(&'static str),
    /// Anything else.
    Other,
    /// End of input.
    Eof,
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    /// The text as written (empty for `Eof`).
    text: String,
    /// Byte offset in the input.
    start: usize,
}

/// Unescapes the body of a quoted string the way Spark's
/// `unescapeSQLString` does; returns the value and the byte length of the
/// literal including its quotes, or `None` if it is not terminated.
fn scan_string(rest: &str, quote: char) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut it = rest.char_indices().skip(1).peekable();
    while let Some((off, c)) = it.next() {
        if c == '\\' {
            let (_, e) = it.next()?;
            match e {
                'b' => out.push('\u{8}'),
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                'Z' => out.push('\u{1A}'),
                '%' => out.push_str("\\%"),
                '_' => out.push_str("\\_"),
                'u' => {
                    let hex: String = (0..4).filter_map(|_| it.next().map(|(_, h)| h)).collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(ch) if hex.len() == 4 => out.push(ch),
                        _ => {
                            out.push('u');
                            out.push_str(&hex);
                        }
                    }
                }
                '0'..='3' => {
                    let mut lookahead = it.clone();
                    let d2 = lookahead.next().map(|(_, d)| d);
                    let d3 = lookahead.next().map(|(_, d)| d);
                    match (d2, d3) {
                        (Some(d2 @ '0'..='7'), Some(d3 @ '0'..='7')) => {
                            it.next();
                            it.next();
                            let code = (e as u32 - '0' as u32) * 64
                                + (d2 as u32 - '0' as u32) * 8
                                + (d3 as u32 - '0' as u32);
                            out.push(char::from_u32(code).unwrap_or('\0'));
                        }
                        _ if e == '0' => out.push('\0'),
                        _ => out.push(e),
                    }
                }
                other => out.push(other),
            }
        } else if c == quote {
            if it.peek().is_some_and(|&(_, n)| n == quote) {
                it.next();
                out.push(quote);
            } else {
                return Some((out, off + c.len_utf8()));
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// Scans a back-quoted identifier (`` ` `` doubled inside); returns the name
/// and the byte length including the quotes.
fn scan_quoted(rest: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut it = rest.char_indices().skip(1).peekable();
    while let Some((off, c)) = it.next() {
        if c == '`' {
            if it.peek().is_some_and(|&(_, n)| n == '`') {
                it.next();
                out.push('`');
            } else {
                return Some((out, off + 1));
            }
        } else {
            out.push(c);
        }
    }
    None
}

/// Skips whitespace and comments (`-- ...` and nested `/* ... */`).
fn skip_trivia(src: &str, mut i: usize) -> usize {
    loop {
        let rest = &src[i..];
        let trimmed = rest.trim_start();
        i += rest.len() - trimmed.len();
        if trimmed.starts_with("--") {
            i += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if trimmed.starts_with("/*") {
            let mut depth = 0usize;
            let mut j = 0;
            let bytes = trimmed.as_bytes();
            while j < bytes.len() {
                if bytes[j..].starts_with(b"/*") {
                    depth += 1;
                    j += 2;
                } else if bytes[j..].starts_with(b"*/") {
                    depth -= 1;
                    j += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    j += 1;
                }
            }
            i += j;
        } else {
            return i;
        }
    }
}

fn lex(src: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut i = 0;
    loop {
        i = skip_trivia(src, i);
        let rest = &src[i..];
        let Some(c) = rest.chars().next() else {
            tokens.push(Token {
                tok: Tok::Eof,
                text: String::new(),
                start: src.len(),
            });
            return tokens;
        };
        let (tok, len) = match c {
            '`' => match scan_quoted(rest) {
                Some((name, len)) => (Tok::Quoted(name), len),
                None => (Tok::Other, 1),
            },
            '\'' | '"' => match scan_string(rest, c) {
                Some((value, len)) => (Tok::Str(value), len),
                None => (Tok::Other, 1),
            },
            '<' if rest.starts_with("<>") => (Tok::Sym("<>"), 2),
            '<' => (Tok::Sym("<"), 1),
            '>' => (Tok::Sym(">"), 1),
            '(' => (Tok::Sym("("), 1),
            ')' => (Tok::Sym(")"), 1),
            ',' => (Tok::Sym(","), 1),
            ':' => (Tok::Sym(":"), 1),
            '-' => (Tok::Sym("-"), 1),
            c if c.is_alphanumeric() || c == '_' => {
                let len = rest
                    .find(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
                    .unwrap_or(rest.len());
                let word = &rest[..len];
                if word.bytes().all(|b| b.is_ascii_digit()) {
                    (Tok::Int, len)
                } else {
                    (Tok::Word, len)
                }
            }
            other => (Tok::Other, other.len_utf8()),
        };
        tokens.push(Token {
            tok,
            text: rest[..len].to_string(),
            start: i,
        });
        i += len;
    }
}

// ---------------------------------------------------------------------------
// Syntax tree
// ---------------------------------------------------------------------------

/// Type keywords of Spark's grammar. A type written as one of these alone
/// (no parameters) is "bare": Spark reports trailing junk after it without
/// an `extra input` hint.
const TYPE_KEYWORDS: &[&str] = &[
    "boolean",
    "tinyint",
    "byte",
    "smallint",
    "short",
    "int",
    "integer",
    "bigint",
    "long",
    "float",
    "real",
    "double",
    "date",
    "timestamp",
    "timestamp_ntz",
    "timestamp_ltz",
    "string",
    "character",
    "char",
    "varchar",
    "binary",
    "decimal",
    "dec",
    "numeric",
    "void",
    "interval",
    "variant",
    "geometry",
    "geography",
    "array",
    "struct",
    "map",
    "time",
];

/// Type keywords whose grammar rule has its own parameter list, so a `(`
/// after them always starts parameters.
const PARAMETERIZED_TYPES: &[&str] = &[
    "decimal",
    "dec",
    "numeric",
    "char",
    "character",
    "varchar",
    "timestamp",
    "timestamp_ltz",
    "timestamp_ntz",
    "time",
    "geometry",
    "geography",
];

#[derive(Debug)]
enum TypeAst {
    Primitive {
        /// Token of the type name.
        tok: usize,
        /// Tokens of the integer parameters.
        params: Vec<usize>,
        /// Whether parameters were given in parentheses.
        parens: bool,
        /// `COLLATE name` after `STRING`.
        collation: Option<String>,
    },
    Array {
        lt: usize,
        element: Box<TypeAst>,
    },
    Map {
        lt: usize,
        key: Box<TypeAst>,
        value: Box<TypeAst>,
    },
    Struct {
        lt: usize,
        fields: Vec<FieldAst>,
    },
    /// An ANSI interval type with its units.
    Interval {
        year_month: bool,
        fields: IntervalFields,
    },
}

impl TypeAst {
    /// `field` with the units of an interval type in its metadata.
    fn tag(&self, field: Field) -> Field {
        match self {
            TypeAst::Interval { fields, .. } => {
                let mut metadata = field.metadata().clone();
                metadata.extend(fields.metadata());
                field.with_metadata(metadata)
            }
            _ => field,
        }
    }
}

#[derive(Debug)]
struct FieldAst {
    name: String,
    data_type: TypeAst,
    nullable: bool,
    comment: Option<String>,
}

/// Where a column definition sits, which decides what may follow it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// A top-level schema column: `,` or end of input follow.
    Column,
    /// A struct field: `,` or `>` follow; a `:` may precede the type.
    StructField,
    /// A single type: only end of input follows.
    Type,
}

// ---------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Token>,
    i: usize,
    /// The `<` tokens of the complex types being parsed, outermost first.
    open: Vec<usize>,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser {
            src,
            toks: lex(src),
            i: 0,
            open: Vec::new(),
        }
    }

    fn tok(&self, i: usize) -> &Tok {
        &self.toks[i.min(self.toks.len() - 1)].tok
    }

    fn is_sym(&self, i: usize, s: &str) -> bool {
        matches!(self.tok(i), Tok::Sym(t) if *t == s)
    }

    fn is_word(&self, i: usize, w: &str) -> bool {
        matches!(self.tok(i), Tok::Word) && self.toks[i].text.eq_ignore_ascii_case(w)
    }

    fn is_eof(&self, i: usize) -> bool {
        matches!(self.tok(i), Tok::Eof)
    }

    fn is_identifier(&self, i: usize) -> bool {
        matches!(self.tok(i), Tok::Word | Tok::Quoted(_))
    }

    fn keyword(&self, i: usize) -> Option<String> {
        matches!(self.tok(i), Tok::Word).then(|| self.toks[i].text.to_ascii_lowercase())
    }

    fn ctx(&self, i: usize) -> ParseContext {
        ParseContext::at(self.src, self.toks[i].start)
    }

    fn describe(&self, i: usize) -> String {
        if self.is_eof(i) {
            "end of input".to_string()
        } else {
            format!("'{}'", self.toks[i].text)
        }
    }

    fn syntax_at(&self, at: usize, hint: impl Into<String>) -> TypeError {
        TypeError::Syntax {
            error: self.describe(at),
            hint: hint.into(),
            context: self.ctx(at),
        }
    }

    /// Where reading the tokens from `start` on as the rest of an expression
    /// fails, or `None` if it never does. This approximates the lookahead of
    /// Spark's ANTLR parser: after `ARRAY`/`MAP`/`STRUCT` the text could also
    /// be a `<` comparison (`x::array < y`), and after a complete type it
    /// could go on as an expression (`x::array<int> alias`).
    ///
    /// `run` counts the operand tokens just before `start`; `after_op` says
    /// an operator or separator precedes it; `after_type` says `start`
    /// follows a complete type. The reading fails:
    /// - at a separator, `>`, `)` or the end right after an operator;
    /// - at a third operand in a row, or a literal right after an operand;
    /// - at an operator after `type alias` (when `after_type`);
    /// - at a name after `INTERVAL` (unless `INTERVAL` is a `:` path step);
    /// - at a `(` after `name: type`;
    /// - after a `(` that follows a complete operand, unless a name or `)`
    ///   comes next;
    /// - at the end inside parentheses, and at unknown characters.
    fn expr_death(
        &self,
        start: usize,
        mut run: usize,
        mut after_op: bool,
        after_type: bool,
    ) -> Option<usize> {
        // Whether the previous token is a name that a `(` could call.
        let mut callable = false;
        let mut depth = 0usize;
        for i in start..self.toks.len() {
            let closes =
                self.is_sym(i, ",") || self.is_sym(i, ">") || self.is_sym(i, ")") || self.is_eof(i);
            if after_op && closes {
                return Some(i);
            }
            match self.tok(i) {
                Tok::Int | Tok::Str(_) if run > 0 => return Some(i),
                // An interval literal needs a value after INTERVAL.
                Tok::Word
                    if self.toks[i].text.eq_ignore_ascii_case("interval")
                        && !(i > 0 && self.is_sym(i - 1, ":"))
                        && matches!(self.tok(i + 1), Tok::Word | Tok::Quoted(_)) =>
                {
                    return Some(i + 1);
                }
                Tok::Word | Tok::Quoted(_) | Tok::Int | Tok::Str(_) => {
                    run += 1;
                    after_op = false;
                    callable = matches!(self.tok(i), Tok::Word | Tok::Quoted(_));
                    if run >= 3 {
                        return Some(i);
                    }
                }
                Tok::Sym("(") => {
                    let path_call = i >= 2 && self.is_identifier(i - 1) && self.is_sym(i - 2, ":");
                    if path_call {
                        return Some(i);
                    }
                    // After a complete type, `(` can only open a name list.
                    let list = run > 0 && !callable;
                    if list
                        && !matches!(self.tok(i + 1), Tok::Word | Tok::Quoted(_) | Tok::Sym(")"))
                    {
                        return Some(i + 1);
                    }
                    depth += 1;
                    run = 0;
                    after_op = false;
                    callable = false;
                }
                Tok::Sym(")") => {
                    depth = depth.saturating_sub(1);
                    run = 1;
                    after_op = false;
                    callable = false;
                }
                Tok::Sym(op) => {
                    if after_type && run >= 2 && *op != "," {
                        return Some(i);
                    }
                    run = 0;
                    after_op = true;
                    callable = false;
                }
                Tok::Other => return Some(i),
                Tok::Eof => return (depth > 0).then_some(i),
            }
        }
        None
    }

    /// Whether an error at `at` inside the complex type opened at `lt` comes
    /// no later than the point where the comparison reading of that type
    /// fails. Then ANTLR falls back to reading `ARRAY`/`MAP`/`STRUCT` as a
    /// bare type name and Spark reports the error at `lt`.
    fn undecided(&self, lt: usize, at: usize) -> bool {
        self.expr_death(lt + 1, 0, true, false)
            .is_none_or(|decided| at <= decided)
    }

    /// A syntax error at token `at` (with `hint`), moved to the `<` of the
    /// outermost open complex type whose prediction was still undecided.
    fn syntax(&self, at: usize, hint: impl Into<String>) -> TypeError {
        match self.open.iter().find(|&&lt| self.undecided(lt, at)) {
            Some(&lt) => self.syntax_at(lt, ""),
            None => self.syntax_at(at, hint),
        }
    }

    /// A syntax error for the unexpected token `at` after a complete type or
    /// column definition; `top_lt` is the `<` of that type if it is complex.
    fn trailing(&self, at: usize, bare: bool, top_lt: Option<usize>, place: Place) -> TypeError {
        if let Some(&lt) = self.open.iter().find(|&&lt| self.undecided(lt, at)) {
            return self.syntax_at(lt, "");
        }
        // After a complex type, ANTLR took the bare-name reading if the
        // complex reading (the type, then an expression) fails before the
        // comparison reading does; on a tie it keeps the complex reading.
        if let Some(lt) = top_lt {
            let as_comparison = self.expr_death(lt + 1, 0, true, false);
            let as_complex = self.expr_death(at, 1, false, true);
            let bare_name_read = match (as_complex, as_comparison) {
                (Some(c), Some(p)) => c < p,
                (Some(_), None) => true,
                (None, _) => false,
            };
            if bare_name_read {
                return self.syntax_at(lt, "");
            }
        }
        // ANTLR drops a single extra token when the token after it is the
        // one the rule expects to end with: end of input, or `>` in a struct.
        let next = at + 1;
        let deletable = match place {
            Place::Column | Place::Type => self.is_eof(next),
            Place::StructField => self.is_sym(next, ">"),
        };
        // After a bare type keyword, tokens that could continue an expression
        // (identifiers, operators, separators) are reported without a hint.
        let literal_like = matches!(
            self.tok(at),
            Tok::Int | Tok::Str(_) | Tok::Other | Tok::Sym("(")
        );
        if deletable && (!bare || literal_like) {
            let hint = format!(": extra input '{}'", self.toks[at].text);
            return self.syntax_at(at, hint);
        }
        if place == Place::StructField && self.is_eof(at) && self.open.len() == 1 {
            return self.syntax_at(at, ": missing '>'");
        }
        self.syntax_at(at, "")
    }

    /// Consumes the symbol `s`, or fails the way ANTLR's inline recovery
    /// reports it for `>`: `extra input` when the token after the current
    /// one is the `>`, `missing '>'` when the input ends where the last open
    /// type needed its `>`.
    fn expect_sym(&mut self, s: &str) -> Result<(), TypeError> {
        let i = self.i;
        if self.is_sym(i, s) {
            self.i += 1;
            return Ok(());
        }
        let hint = if s == ">" && !self.is_eof(i) && self.is_sym(i + 1, s) {
            format!(": extra input '{}'", self.toks[i].text)
        } else if s == ">" && self.is_eof(i) && self.open.len() == 1 {
            ": missing '>'".to_string()
        } else {
            String::new()
        };
        Err(self.syntax(i, hint))
    }

    /// Whether `ast` is a bare type keyword, and the `<` of its top level if
    /// it is a complex type.
    fn shape(&self, ast: &TypeAst) -> (bool, Option<usize>) {
        match ast {
            TypeAst::Primitive {
                tok,
                parens,
                collation,
                ..
            } => {
                let bare = !parens
                    && collation.is_none()
                    && self
                        .keyword(*tok)
                        .is_some_and(|k| TYPE_KEYWORDS.contains(&k.as_str()));
                (bare, None)
            }
            TypeAst::Array { lt, .. } | TypeAst::Map { lt, .. } | TypeAst::Struct { lt, .. } => {
                (false, Some(*lt))
            }
            TypeAst::Interval { .. } => (false, None),
        }
    }

    fn parse_type(&mut self) -> Result<TypeAst, TypeError> {
        let i = self.i;
        match self.tok(i) {
            Tok::Word => {}
            Tok::Quoted(_) => return self.parse_primitive(),
            _ => return Err(self.syntax(i, "")),
        }
        let keyword = self.keyword(i).unwrap_or_default();
        match keyword.as_str() {
            "array" if self.is_sym(i + 1, "<") => {
                let lt = i + 1;
                self.i = i + 2;
                self.open.push(lt);
                let element = self.parse_type()?;
                self.expect_sym(">")?;
                self.open.pop();
                Ok(TypeAst::Array {
                    lt,
                    element: Box::new(element),
                })
            }
            "map" if self.is_sym(i + 1, "<") => {
                let lt = i + 1;
                self.i = i + 2;
                self.open.push(lt);
                let key = self.parse_type()?;
                self.expect_sym(",")?;
                let value = self.parse_type()?;
                self.expect_sym(">")?;
                self.open.pop();
                Ok(TypeAst::Map {
                    lt,
                    key: Box::new(key),
                    value: Box::new(value),
                })
            }
            "struct" if self.is_sym(i + 1, "<>") => {
                self.i = i + 2;
                Ok(TypeAst::Struct {
                    lt: i + 1,
                    fields: Vec::new(),
                })
            }
            "struct" if self.is_sym(i + 1, "<") => {
                let lt = i + 1;
                self.i = i + 2;
                self.open.push(lt);
                let mut fields = Vec::new();
                if !self.is_sym(self.i, ">") {
                    loop {
                        let (field, bare, top_lt) = self.parse_field(Place::StructField)?;
                        fields.push(field);
                        if self.is_sym(self.i, ",") {
                            self.i += 1;
                        } else if self.is_sym(self.i, ">") {
                            break;
                        } else {
                            return Err(self.trailing(self.i, bare, top_lt, Place::StructField));
                        }
                    }
                }
                self.i += 1;
                self.open.pop();
                Ok(TypeAst::Struct { lt, fields })
            }
            "interval" => Ok(self.parse_interval()),
            _ => self.parse_primitive(),
        }
    }

    /// `INTERVAL`, `INTERVAL YEAR [TO MONTH]`, `INTERVAL MONTH`,
    /// `INTERVAL {DAY|HOUR|MINUTE|SECOND} [TO {HOUR|MINUTE|SECOND}]` with the
    /// end after the start. An invalid `TO` clause is left unconsumed, so
    /// the error lands on `TO` as in Spark.
    fn parse_interval(&mut self) -> TypeAst {
        const YM: [&str; 2] = ["year", "month"];
        const DT: [&str; 4] = ["day", "hour", "minute", "second"];
        let start = self.i;
        self.i += 1;
        let unit = |p: &Self, i: usize, units: &[&str]| {
            p.keyword(i)
                .and_then(|k| units.iter().position(|u| *u == k))
        };
        let (units, year_month): (&[&str], bool) = if unit(self, self.i, &YM).is_some() {
            (&YM, true)
        } else if unit(self, self.i, &DT).is_some() {
            (&DT, false)
        } else {
            return TypeAst::Primitive {
                tok: start,
                params: Vec::new(),
                parens: false,
                collation: None,
            };
        };
        let from = unit(self, self.i, units).unwrap_or(0);
        self.i += 1;
        let mut to = from;
        if let Some(end) = unit(self, self.i + 1, units).filter(|end| self.is_word(self.i, "to") && *end > from) {
            to = end;
            self.i += 2;
        }
        let fields = IntervalFields::new(from as u8, to as u8, year_month).unwrap_or(IntervalFields::widest(year_month));
        TypeAst::Interval { year_month, fields }
    }

    /// `name [(int, ...)] [COLLATE collation]`. As in Spark's parser, a `(`
    /// after a type that takes no parameters is only taken as the start of
    /// parameters when an integer follows; otherwise the error lands on it.
    fn parse_primitive(&mut self) -> Result<TypeAst, TypeError> {
        let tok = self.i;
        self.i += 1;
        let mut params = Vec::new();
        let mut parens = false;
        let takes_params = self.is_sym(self.i, "(")
            && (matches!(self.tok(self.i + 1), Tok::Int)
                || self
                    .keyword(tok)
                    .is_some_and(|k| PARAMETERIZED_TYPES.contains(&k.as_str())));
        if takes_params {
            parens = true;
            self.i += 1;
            loop {
                let any_srid = self.is_word(self.i, "any")
                    && self.keyword(tok).is_some_and(|k| matches!(k.as_str(), "geometry" | "geography"));
                if !matches!(self.tok(self.i), Tok::Int) && !any_srid {
                    return Err(self.syntax(self.i, ""));
                }
                params.push(self.i);
                self.i += 1;
                if self.is_sym(self.i, ",") {
                    self.i += 1;
                } else {
                    self.expect_sym(")")?;
                    break;
                }
            }
        }
        let mut collation = None;
        if !parens
            && self.keyword(tok).as_deref() == Some("string")
            && self.is_word(self.i, "collate")
        {
            self.i += 1;
            collation = match self.tok(self.i) {
                Tok::Word => Some(self.toks[self.i].text.clone()),
                Tok::Quoted(name) => Some(name.clone()),
                _ => return Err(self.syntax(self.i, "")),
            };
            self.i += 1;
        }
        Ok(TypeAst::Primitive {
            tok,
            params,
            parens,
            collation,
        })
    }

    /// A column or struct field name: an identifier. Unquoted names must be
    /// ASCII. A column name joined to more identifiers with `-` (`a-b int`)
    /// is `INVALID_IDENTIFIER`, reported at the first `-`, unless the last
    /// part is followed by `(integer`, where Spark's parser reads the `-` as
    /// a syntax error instead (as it does in struct fields).
    fn parse_name(&mut self, place: Place) -> Result<String, TypeError> {
        let i = self.i;
        let name = match self.tok(i) {
            Tok::Word => {
                let word = self.toks[i].text.clone();
                if !word.is_ascii() {
                    return Err(TypeError::InvalidIdentifier {
                        ident: word,
                        context: self.ctx(i),
                    });
                }
                word
            }
            Tok::Quoted(name) => name.clone(),
            _ => return Err(self.syntax(i, "")),
        };
        if place == Place::Column {
            let mut ident = name.clone();
            let mut j = i + 1;
            while self.is_sym(j, "-") && self.is_identifier(j + 1) {
                ident.push('-');
                ident.push_str(match self.tok(j + 1) {
                    Tok::Quoted(part) => part,
                    _ => &self.toks[j + 1].text,
                });
                j += 2;
            }
            let call = self.is_sym(j, "(") && matches!(self.tok(j + 1), Tok::Int);
            if j > i + 1 && !call {
                return Err(TypeError::InvalidIdentifier {
                    ident,
                    context: self.ctx(i + 1),
                });
            }
        }
        self.i = i + 1;
        Ok(name)
    }

    /// `name [:] type [NOT NULL] [COMMENT 'text']`; returns the field,
    /// whether it ended in a bare type keyword, and the `<` of its type.
    fn parse_field(&mut self, place: Place) -> Result<(FieldAst, bool, Option<usize>), TypeError> {
        let name = self.parse_name(place)?;
        if place == Place::StructField && self.is_sym(self.i, ":") {
            self.i += 1;
        }
        let data_type = self.parse_type()?;
        let (mut bare, top_lt) = self.shape(&data_type);
        let mut nullable = true;
        if self.is_word(self.i, "not") {
            self.i += 1;
            if !self.is_word(self.i, "null") {
                let follows = self.is_word(self.i, "comment")
                    || self.is_sym(self.i, ",")
                    || match place {
                        Place::StructField => self.is_sym(self.i, ">"),
                        _ => self.is_eof(self.i),
                    };
                let hint = if follows { ": missing 'NULL'" } else { "" };
                return Err(self.syntax(self.i, hint));
            }
            self.i += 1;
            nullable = false;
            bare = false;
        }
        let mut comment = None;
        if self.is_word(self.i, "comment") {
            self.i += 1;
            let mut text: Option<String> = None;
            while let Tok::Str(value) = self.tok(self.i) {
                text.get_or_insert_with(String::new).push_str(value);
                self.i += 1;
            }
            if text.is_none() {
                return Err(self.syntax(self.i, ""));
            }
            comment = text;
            bare = false;
        }
        let field = FieldAst {
            name,
            data_type,
            nullable,
            comment,
        };
        Ok((field, bare, top_lt))
    }

    fn empty_statement(&self) -> TypeError {
        TypeError::EmptyStatement {
            context: self.ctx(0),
        }
    }

    /// `colType (, colType)* EOF`.
    fn parse_schema(&mut self) -> Result<Vec<FieldAst>, TypeError> {
        if self.is_eof(0) {
            return Err(self.empty_statement());
        }
        let mut fields = Vec::new();
        loop {
            let (field, bare, top_lt) = self.parse_field(Place::Column)?;
            fields.push(field);
            if self.is_sym(self.i, ",") {
                self.i += 1;
            } else if self.is_eof(self.i) {
                return Ok(fields);
            } else {
                return Err(self.trailing(self.i, bare, top_lt, Place::Column));
            }
        }
    }

    /// `dataType EOF`.
    fn parse_single_type(&mut self) -> Result<TypeAst, TypeError> {
        if self.is_eof(0) {
            return Err(self.empty_statement());
        }
        let ast = self.parse_type()?;
        if !self.is_eof(self.i) {
            let (bare, top_lt) = self.shape(&ast);
            return Err(self.trailing(self.i, bare, top_lt, Place::Type));
        }
        Ok(ast)
    }

    // -----------------------------------------------------------------------
    // Resolution
    // -----------------------------------------------------------------------

    fn build(&self, ast: &TypeAst, tz: &str) -> Result<DataType, TypeError> {
        match ast {
            TypeAst::Primitive {
                tok,
                params,
                parens,
                collation,
            } => self.build_primitive(*tok, params, *parens, collation.as_deref(), tz),
            TypeAst::Array { element, .. } => {
                let DataType::List(item) = array_type(self.build(element, tz)?, true) else { unreachable!("an array type") };
                Ok(DataType::List(Arc::new(element.tag(item.as_ref().clone()))))
            }
            TypeAst::Map { key, value, .. } => {
                let map = map_type(self.build(key, tz)?, self.build(value, tz)?, true);
                let DataType::Map(entries, sorted) = &map else { unreachable!("a map type") };
                let DataType::Struct(pair) = entries.data_type() else { unreachable!("map entries") };
                let pair: Fields = [key, value].iter().zip(pair.iter()).map(|(ast, f)| ast.tag(f.as_ref().clone())).collect();
                Ok(DataType::Map(Arc::new(entries.as_ref().clone().with_data_type(DataType::Struct(pair))), *sorted))
            }
            TypeAst::Struct { fields, .. } => Ok(DataType::Struct(self.build_fields(fields, tz)?)),
            TypeAst::Interval { year_month: true, .. } => Ok(year_month_interval_type()),
            TypeAst::Interval { year_month: false, .. } => Ok(day_time_interval_type()),
        }
    }

    /// [`Self::build`] as a Spark Connect type, keeping `char(n)`,
    /// `varchar(n)` and the precision of `time(p)`.
    fn build_proto(&self, ast: &TypeAst, tz: &str) -> Result<ember_protocol::connect::DataType, TypeError> {
        use ember_protocol::connect::data_type::{self as pdt, Kind};
        let kind = match ast {
            TypeAst::Primitive { tok, params, parens, collation } => {
                let built = self.build_primitive(*tok, params, *parens, collation.as_deref(), tz)?;
                let parameter = || params.first().and_then(|&p| self.toks[p].text.parse::<i32>().ok()).unwrap_or_default();
                match self.keyword(*tok).as_deref() {
                    Some("char" | "character") => Kind::Char(pdt::Char { length: parameter(), type_variation_reference: 0 }),
                    Some("varchar") => Kind::VarChar(pdt::VarChar { length: parameter(), type_variation_reference: 0 }),
                    // The precision of `time(p)`, which Ember's TIME values do not keep.
                    Some("time") if !params.is_empty() => Kind::Time(pdt::Time { precision: Some(parameter()), type_variation_reference: 0 }),
                    Some("string") if collation.is_some() => {
                        let name = collation.as_deref().map(crate::Collation::parse).transpose()?.map(|c| c.name()).unwrap_or_default();
                        Kind::String(pdt::String { collation: name, type_variation_reference: 0 })
                    }
                    _ => return crate::to_proto(&built),
                }
            }
            TypeAst::Array { element, .. } => Kind::Array(Box::new(pdt::Array {
                element_type: Some(Box::new(self.build_proto(element, tz)?)),
                contains_null: true,
                type_variation_reference: 0,
            })),
            TypeAst::Map { key, value, .. } => Kind::Map(Box::new(pdt::Map {
                key_type: Some(Box::new(self.build_proto(key, tz)?)),
                value_type: Some(Box::new(self.build_proto(value, tz)?)),
                value_contains_null: true,
                type_variation_reference: 0,
            })),
            TypeAst::Struct { fields, .. } => {
                let built = self.build_fields(fields, tz)?;
                let fields = fields
                    .iter()
                    .zip(built.iter())
                    .map(|(ast, field)| {
                        Ok(pdt::StructField {
                            name: ast.name.clone(),
                            data_type: Some(self.build_proto(&ast.data_type, tz)?),
                            nullable: ast.nullable,
                            metadata: crate::mapping::field_metadata_json(field).map(str::to_string),
                        })
                    })
                    .collect::<Result<Vec<_>, TypeError>>()?;
                Kind::Struct(pdt::Struct { fields, type_variation_reference: 0 })
            }
            TypeAst::Interval { fields, .. } => {
                let mut proto = crate::to_proto(&self.build(ast, tz)?)?;
                let (start, end) = (Some(i32::from(fields.start)), Some(i32::from(fields.end)));
                match &mut proto.kind {
                    Some(Kind::DayTimeInterval(t)) => (t.start_field, t.end_field) = (start, end),
                    Some(Kind::YearMonthInterval(t)) => (t.start_field, t.end_field) = (start, end),
                    _ => {}
                }
                return Ok(proto);
            }
        };
        Ok(ember_protocol::connect::DataType { kind: Some(kind) })
    }

    fn build_fields(&self, fields: &[FieldAst], tz: &str) -> Result<Fields, TypeError> {
        let mut out = Vec::with_capacity(fields.len());
        for f in fields {
            let dt = self.build(&f.data_type, tz)?;
            let metadata = f
                .comment
                .as_ref()
                .map(|c| serde_json::json!({ "comment": c }).to_string());
            let field = f.data_type.tag(struct_field(f.name.clone(), dt, f.nullable, metadata.as_deref()));
            out.push(match &f.data_type {
                TypeAst::Primitive { collation: Some(collation), .. } => match check_collation(collation)? {
                    Some(collation) => collation.tag(field),
                    None => field,
                },
                _ => field,
            });
        }
        Ok(Fields::from(out))
    }

    fn build_primitive(
        &self,
        tok: usize,
        params: &[usize],
        parens: bool,
        collation: Option<&str>,
        tz: &str,
    ) -> Result<DataType, TypeError> {
        let written = self.toks[tok].text.to_uppercase();
        let nums: Vec<&str> = params.iter().map(|&p| self.toks[p].text.as_str()).collect();
        let unsupported = || TypeError::UnsupportedDataType {
            type_name: if parens {
                format!("{written}({})", nums.join(","))
            } else {
                written.clone()
            },
            context: self.ctx(tok),
        };
        let Some(keyword) = self.keyword(tok) else {
            return Err(unsupported());
        };
        Ok(match (keyword.as_str(), nums.as_slice()) {
            ("boolean" | "bool", []) => DataType::Boolean,
            ("tinyint" | "byte", []) => DataType::Int8,
            ("smallint" | "short", []) => DataType::Int16,
            ("int" | "integer", []) => DataType::Int32,
            ("bigint" | "long", []) => DataType::Int64,
            ("float" | "real", []) => DataType::Float32,
            ("double", []) => DataType::Float64,
            ("date", []) => DataType::Date32,
            ("timestamp" | "timestamp_ltz", []) => timestamp_type(tz),
            ("timestamp" | "timestamp_ltz", [p]) => {
                check_timestamp_precision(p, "TIMESTAMP_LTZ")?;
                timestamp_type(tz)
            }
            ("timestamp_ntz", []) => timestamp_ntz_type(),
            ("timestamp_ntz", [p]) => {
                check_timestamp_precision(p, "TIMESTAMP_NTZ")?;
                timestamp_ntz_type()
            }
            ("time", []) => time_type(),
            ("variant", []) => crate::mapping::variant_type(),
            ("geometry" | "geography", [srid]) => {
                let kind = if keyword == "geometry" { crate::spatial::SpatialKind::Geometry } else { crate::spatial::SpatialKind::Geography };
                let srid = if srid.eq_ignore_ascii_case("any") {
                    crate::spatial::ANY_SRID
                } else {
                    crate::spatial::check_srid(kind, srid.parse::<i64>().map_err(|_| unsupported())?)?
                };
                crate::spatial::spatial_type(kind, srid)
            }
            ("time", [p]) if p.parse::<u8>().is_ok_and(|p| p <= TIME_PRECISION) => time_type(),
            ("string", []) => {
                if let Some(collation) = collation {
                    check_collation(collation)?;
                }
                DataType::Utf8
            }
            ("char" | "character" | "varchar", [length]) => {
                if length.parse::<i32>().is_err() {
                    return Err(TypeError::ParameterOutOfRange {
                        parameter: "length".into(),
                        type_name: if keyword == "varchar" {
                            "VARCHAR"
                        } else {
                            "CHAR"
                        }
                        .into(),
                        value: length.to_string(),
                    });
                }
                DataType::Utf8
            }
            ("char" | "character" | "varchar", []) => {
                return Err(TypeError::MissingSize {
                    type_name: written,
                    context: self.ctx(tok),
                });
            }
            ("binary", []) => DataType::Binary,
            ("decimal" | "dec" | "numeric", []) => DataType::Decimal128(10, 0),
            ("decimal" | "dec" | "numeric", [p]) => self.decimal(p, "0")?,
            ("decimal" | "dec" | "numeric", [p, s]) => self.decimal(p, s)?,
            ("void", []) => DataType::Null,
            ("interval", []) => calendar_interval_type(),
            ("array", []) => return Err(self.incomplete(ComplexKind::Array, tok)),
            ("map", []) => return Err(self.incomplete(ComplexKind::Map, tok)),
            ("struct", []) => return Err(self.incomplete(ComplexKind::Struct, tok)),
            _ => return Err(unsupported()),
        })
    }

    fn incomplete(&self, complex: ComplexKind, tok: usize) -> TypeError {
        TypeError::IncompleteType {
            complex,
            context: self.ctx(tok),
        }
    }

    /// `DECIMAL(p, s)` checked in Spark's order: scale within precision (a
    /// parse error), then precision at most 38 (an arithmetic error).
    fn decimal(&self, precision: &str, scale: &str) -> Result<DataType, TypeError> {
        let p = precision.parse::<u128>().unwrap_or(u128::MAX);
        let s = scale.parse::<u128>().unwrap_or(u128::MAX);
        if s > p {
            return Err(TypeError::DecimalScaleExceedsPrecision {
                precision: precision.to_string(),
                scale: scale.to_string(),
                context: Some(ParseContext::whole(self.src)),
            });
        }
        if p > 38 {
            return Err(TypeError::DecimalPrecisionExceedsMax {
                precision: precision.to_string(),
            });
        }
        decimal_type(p as i64, s as i64)
    }
}

/// `TIMESTAMP(6)` is the plain microsecond type; 7 to 9 would be Spark's
/// nanosecond types, which Ember does not support; anything else is invalid.
fn check_timestamp_precision(precision: &str, type_name: &str) -> Result<(), TypeError> {
    match precision.parse::<u32>() {
        Ok(6) => Ok(()),
        Ok(7..=9) => Err(TypeError::Unsupported {
            type_name: format!("{type_name}({precision})"),
        }),
        _ => Err(TypeError::InvalidTimestampPrecision {
            precision: precision.to_string(),
            type_name: type_name.to_string(),
        }),
    }
}

// ---------------------------------------------------------------------------
// Public entry points
// ---------------------------------------------------------------------------

/// Parses a single Spark DDL type, as Spark's `parseDataType` does:
/// `int`, `decimal(10,2)`, `array<struct<a:int,b:string>>`,
/// `map<string, array<int>>`, `struct<a int, b: string>`,
/// `interval day to second`, `interval year`, `timestamp_ltz`, ...
///
/// Keywords are case-insensitive. Aliases: `int`/`integer`,
/// `bigint`/`long`, `smallint`/`short`, `tinyint`/`byte`, `float`/`real`,
/// `decimal`/`dec`/`numeric` (bare means `decimal(10,0)`),
/// `char(n)`/`character(n)`/`varchar(n)` (all `string`), `boolean`/`bool`
/// (`bool` is an Ember leniency), `timestamp`/`timestamp_ltz`, `void`.
/// Errors carry Spark's error class (`PARSE_SYNTAX_ERROR`,
/// `UNSUPPORTED_DATATYPE`, ...) and position.
pub fn parse_ddl_type(s: &str, session_tz: &str) -> Result<DataType, TypeError> {
    let mut parser = Parser::new(s);
    let ast = parser.parse_single_type()?;
    parser.build(&ast, session_tz)
}

/// [`parse_ddl_type`] as a Spark Connect type, which keeps what an Arrow type
/// does not say about itself: the units of an ANSI interval (`interval hour`)
/// and a string's collation.
pub fn parse_ddl_type_proto(s: &str, session_tz: &str) -> Result<ember_protocol::connect::DataType, TypeError> {
    let mut parser = Parser::new(s);
    let ast = parser.parse_single_type()?;
    parser.build_proto(&ast, session_tz)
}

/// Spark's `parseTableSchema`: `name type [NOT NULL] [COMMENT 'x'], ...`
/// with nothing else accepted.
fn parse_table_schema(s: &str, session_tz: &str) -> Result<Fields, TypeError> {
    let mut parser = Parser::new(s);
    let fields = parser.parse_schema()?;
    parser.build_fields(&fields, session_tz)
}

/// Parses a Spark DDL schema into fields: `a INT, b string NOT NULL COMMENT
/// 'x'`, ``` `weird name` bigint```, and also the `a: int, b: string` form
/// (tried as `struct<...>` when the plain form does not parse). A comment
/// is kept in the field's Spark metadata (see [`crate::field_comment`]).
/// On failure the error of the plain form is returned.
pub fn parse_ddl_schema(s: &str, session_tz: &str) -> Result<Fields, TypeError> {
    match parse_table_schema(s, session_tz) {
        Err(e) if e.is_parse_error() => {
            match parse_ddl_type(&format!("struct<{}>", s.trim()), session_tz) {
                Ok(DataType::Struct(fields)) => Ok(fields),
                Err(other) if !other.is_parse_error() => Err(other),
                _ => Err(e),
            }
        }
        result => result,
    }
}

/// Parses a schema or type string the way Spark Connect's `ddl_parse` (and
/// `parseDatatypeString`) does: first as a schema (`a int, b string` →
/// struct), then as a single type (`int`, `array<int>`), then wrapped as
/// `struct<...>` (`a: int, b: string`). Only parse errors fall through to
/// the next form; if all three fail, the schema form's error is returned.
pub fn parse_ddl(s: &str, session_tz: &str) -> Result<DataType, TypeError> {
    parse_ddl_as(s, |parser, ast| parser.build(ast, session_tz))
}

/// [`parse_ddl`] as the Spark Connect type `ddl_parse` answers with: as
/// Spark, it keeps `char(n)` and `varchar(n)` (which are strings
/// everywhere else) and the precision of `time(p)`.
pub fn parse_ddl_proto(s: &str, session_tz: &str) -> Result<ember_protocol::connect::DataType, TypeError> {
    parse_ddl_as(s, |parser, ast| parser.build_proto(ast, session_tz))
}

/// The three forms of [`parse_ddl`], each parsed and then built by `build`.
fn parse_ddl_as<T>(s: &str, build: impl Fn(&Parser, &TypeAst) -> Result<T, TypeError>) -> Result<T, TypeError> {
    let mut parser = Parser::new(s);
    let schema_error = match parser.parse_schema().map(|fields| TypeAst::Struct { lt: 0, fields }).and_then(|ast| build(&parser, &ast)) {
        Ok(built) => return Ok(built),
        Err(e) if e.is_parse_error() => e,
        Err(e) => return Err(e),
    };
    let single = |text: &str| {
        let mut parser = Parser::new(text);
        parser.parse_single_type().and_then(|ast| build(&parser, &ast))
    };
    match single(s) {
        Ok(built) => return Ok(built),
        Err(e) if !e.is_parse_error() => return Err(e),
        Err(_) => {}
    }
    match single(&format!("struct<{}>", s.trim())) {
        Ok(built) => Ok(built),
        Err(e) if !e.is_parse_error() => Err(e),
        Err(_) => Err(schema_error),
    }
}

/// Parses a schema string as Spark Connect does for `LocalRelation.schema`:
/// as DDL (see [`parse_ddl`]), falling back to Spark's JSON format (see
/// [`crate::parse_json_type`]). If both fail, the DDL error is returned.
pub fn parse_schema_string(s: &str, session_tz: &str) -> Result<DataType, TypeError> {
    match parse_ddl(s, session_tz) {
        Ok(dt) => Ok(dt),
        Err(e) => parse_json_type(s, session_tz).map_err(|_| e),
    }
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::{Field, IntervalUnit, TimeUnit};

    use super::*;
    use crate::display::simple_string;
    use crate::mapping::field_comment;

    const TZ: &str = "Europe/Paris";

    fn ty(s: &str) -> DataType {
        parse_ddl_type(s, TZ).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn ddl(s: &str) -> DataType {
        parse_ddl(s, TZ).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn schema(s: &str) -> Fields {
        parse_ddl_schema(s, TZ).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn st(fields: Vec<Field>) -> DataType {
        DataType::Struct(Fields::from(fields))
    }

    /// (error class, message parameters sorted by name, line and pos).
    type Outcome = (String, Vec<(String, String)>, Option<(usize, usize)>);

    fn err_of(result: Result<DataType, TypeError>) -> Outcome {
        let e = result.expect_err("expected an error");
        let pos = e
            .context()
            .and_then(|c| c.position)
            .map(|p| (p.line, p.pos));
        (
            e.error_class().to_string(),
            e.message_parameters().into_iter().collect(),
            pos,
        )
    }

    fn syntax(error: &str, hint: &str, pos: usize) -> Outcome {
        (
            "PARSE_SYNTAX_ERROR".into(),
            vec![("error".into(), error.into()), ("hint".into(), hint.into())],
            Some((1, pos)),
        )
    }

    fn unsupported(name: &str, pos: usize) -> Outcome {
        (
            "UNSUPPORTED_DATATYPE".into(),
            vec![("typeName".into(), format!("\"{name}\""))],
            Some((1, pos)),
        )
    }

    #[test]
    fn lexer_tokens() {
        let toks = lex("a `b``c` 'it''s' \"x\\ty\" 12 <> < > ( ) , : - é /* c /* n */ */ -- x\n$");
        let kinds: Vec<Tok> = toks.iter().map(|t| t.tok.clone()).collect();
        assert_eq!(
            kinds,
            vec![
                Tok::Word,
                Tok::Quoted("b`c".into()),
                Tok::Str("it's".into()),
                Tok::Str("x\ty".into()),
                Tok::Int,
                Tok::Sym("<>"),
                Tok::Sym("<"),
                Tok::Sym(">"),
                Tok::Sym("("),
                Tok::Sym(")"),
                Tok::Sym(","),
                Tok::Sym(":"),
                Tok::Sym("-"),
                Tok::Word,
                Tok::Other,
                Tok::Eof,
            ]
        );
        assert_eq!(toks[1].text, "`b``c`");
        assert_eq!(toks[2].text, "'it''s'");
    }

    #[test]
    fn string_escapes() {
        let cases = [
            (r"'a\nb'", "a\nb"),
            (r"'it\'s'", "it's"),
            (r"'\u0041\101\\'", "AA\\"),
            (r"'50\%'", "50\\%"),
            (r"'\q'", "q"),
            ("\"dq\"\"x\"", "dq\"x"),
        ];
        for (lit, expected) in cases {
            let toks = lex(lit);
            assert_eq!(toks[0].tok, Tok::Str(expected.into()), "{lit}");
            assert_eq!(toks[1].tok, Tok::Eof, "{lit}");
        }
        assert_eq!(lex("'open")[0].tok, Tok::Other);
        assert_eq!(lex("`open")[0].tok, Tok::Other);
    }

    #[test]
    fn primitive_types_and_aliases() {
        let cases = [
            ("int", DataType::Int32),
            ("INTEGER", DataType::Int32),
            ("bigint", DataType::Int64),
            ("Long", DataType::Int64),
            ("smallint", DataType::Int16),
            ("short", DataType::Int16),
            ("tinyint", DataType::Int8),
            ("byte", DataType::Int8),
            ("real", DataType::Float32),
            ("float", DataType::Float32),
            ("double", DataType::Float64),
            ("decimal", DataType::Decimal128(10, 0)),
            ("dec", DataType::Decimal128(10, 0)),
            ("numeric(5)", DataType::Decimal128(5, 0)),
            ("decimal(10,2)", DataType::Decimal128(10, 2)),
            ("decimal( 10 , 2 )", DataType::Decimal128(10, 2)),
            ("decimal(38,38)", DataType::Decimal128(38, 38)),
            ("string", DataType::Utf8),
            ("varchar(3)", DataType::Utf8),
            ("char(3)", DataType::Utf8),
            ("character(3)", DataType::Utf8),
            ("string collate utf8_binary", DataType::Utf8),
            ("binary", DataType::Binary),
            ("boolean", DataType::Boolean),
            ("bool", DataType::Boolean),
            ("date", DataType::Date32),
            (
                "timestamp",
                DataType::Timestamp(TimeUnit::Microsecond, Some(TZ.into())),
            ),
            (
                "timestamp_ltz",
                DataType::Timestamp(TimeUnit::Microsecond, Some(TZ.into())),
            ),
            (
                "timestamp(6)",
                DataType::Timestamp(TimeUnit::Microsecond, Some(TZ.into())),
            ),
            (
                "timestamp_ntz",
                DataType::Timestamp(TimeUnit::Microsecond, None),
            ),
            ("void", DataType::Null),
            ("interval", DataType::Interval(IntervalUnit::MonthDayNano)),
            ("  int  ", DataType::Int32),
            ("int -- trailing comment", DataType::Int32),
            ("/* lead */ int", DataType::Int32),
        ];
        for (text, expected) in cases {
            assert_eq!(ty(text), expected, "{text}");
        }
    }

    #[test]
    fn interval_types() {
        let dt = DataType::Duration(TimeUnit::Microsecond);
        let ym = DataType::Interval(IntervalUnit::YearMonth);
        for text in [
            "interval day to second",
            "interval day",
            "interval hour to minute",
            "interval day to hour",
            "interval minute to second",
            "INTERVAL SECOND",
        ] {
            assert_eq!(ty(text), dt, "{text}");
        }
        for text in ["interval year", "interval year to month", "interval month"] {
            assert_eq!(ty(text), ym, "{text}");
        }
        // Spark: "Syntax error at or near 'to'".
        for (text, pos) in [
            ("interval year to day", 14),
            ("interval hour to day", 14),
            ("interval second to minute", 16),
            ("interval minute to minute", 16),
            ("interval month to year", 15),
        ] {
            assert_eq!(
                err_of(parse_ddl_type(text, TZ)),
                syntax("'to'", "", pos),
                "{text}"
            );
        }
        assert_eq!(
            err_of(parse_ddl_type("interval day to", TZ)),
            syntax("'to'", ": extra input 'to'", 13)
        );
    }

    #[test]
    fn interval_units_are_kept() {
        use crate::interval_fields_of;
        let units = |text: &str| interval_fields_of(&parse_ddl_type_proto(text, TZ).unwrap());
        assert_eq!(units("interval day"), IntervalFields::new(0, 0, false));
        assert_eq!(units("INTERVAL HOUR TO SECOND"), IntervalFields::new(1, 3, false));
        assert_eq!(units("interval month"), IntervalFields::new(1, 1, true));
        let DataType::Struct(fields) = parse_ddl("a interval hour, b array<interval minute>, c map<int, interval year>", TZ).unwrap() else {
            panic!("a struct")
        };
        assert_eq!(IntervalFields::of(&fields[0]), IntervalFields::new(1, 1, false));
        let DataType::List(element) = fields[1].data_type() else { panic!("an array") };
        assert_eq!(crate::field_simple_string(element), "interval minute");
        assert_eq!(crate::simple_string(fields[2].data_type()), "map<int,interval year>");
    }

    #[test]
    fn complex_types() {
        assert_eq!(
            ty("array<struct<a:int,b:string>>"),
            array_type(
                st(vec![
                    Field::new("a", DataType::Int32, true),
                    Field::new("b", DataType::Utf8, true),
                ]),
                true
            )
        );
        assert_eq!(
            ty("map<string, array<int>>"),
            map_type(DataType::Utf8, array_type(DataType::Int32, true), true)
        );
        assert_eq!(
            ty("struct<a int, b: string>"),
            st(vec![
                Field::new("a", DataType::Int32, true),
                Field::new("b", DataType::Utf8, true),
            ])
        );
        assert_eq!(ty("struct<>"), st(vec![]));
        assert_eq!(ty("struct< >"), st(vec![]));
        assert_eq!(ty("Array<Int>"), array_type(DataType::Int32, true));
        assert_eq!(
            ty("STRUCT<A:INT>"),
            st(vec![Field::new("A", DataType::Int32, true)])
        );
        let DataType::Struct(fields) =
            ty("struct<`x y`:int not null comment 'c', `a``b`: array<map<int,string>>>")
        else {
            panic!("expected a struct")
        };
        assert_eq!(fields[0].name(), "x y");
        assert!(!fields[0].is_nullable());
        assert_eq!(field_comment(&fields[0]).as_deref(), Some("c"));
        assert_eq!(fields[1].name(), "a`b");
        assert_eq!(
            simple_string(fields[1].data_type()),
            "array<map<int,string>>"
        );
        assert_eq!(simple_string(&ty("array<array<int>>")), "array<array<int>>");
    }

    #[test]
    fn schemas() {
        let fields = schema("a INT, b string NOT NULL COMMENT 'x'");
        assert_eq!(fields.len(), 2);
        assert_eq!(fields[0].name(), "a");
        assert_eq!(fields[0].data_type(), &DataType::Int32);
        assert!(fields[0].is_nullable());
        assert_eq!(fields[1].name(), "b");
        assert!(!fields[1].is_nullable());
        assert_eq!(field_comment(&fields[1]).as_deref(), Some("x"));

        let colon = schema("a: int, b: string");
        assert_eq!(colon.len(), 2);
        assert_eq!(colon[1].data_type(), &DataType::Utf8);

        let weird = schema("`weird name` bigint");
        assert_eq!(weird[0].name(), "weird name");
        assert_eq!(weird[0].data_type(), &DataType::Int64);

        let spaced = schema("a map<int ,  string > not null comment 'hi' , b int");
        assert_eq!(
            spaced[0].data_type(),
            &map_type(DataType::Int32, DataType::Utf8, true)
        );
        assert!(!spaced[0].is_nullable());
        assert_eq!(field_comment(&spaced[0]).as_deref(), Some("hi"));

        assert_eq!(
            field_comment(&schema("a int comment 'x' 'y'")[0]).as_deref(),
            Some("xy")
        );
        assert_eq!(
            field_comment(&schema("a int comment \"dq\"")[0]).as_deref(),
            Some("dq")
        );
        assert_eq!(
            field_comment(&schema("a int comment 'it''s'")[0]).as_deref(),
            Some("it's")
        );
        assert_eq!(schema("1a int")[0].name(), "1a");
        assert_eq!(schema("_ int")[0].name(), "_");
        assert_eq!(schema("int int, string string")[1].name(), "string");
        assert_eq!(schema("a int, a int").len(), 2);
        assert_eq!(schema("a int,\n b string").len(), 2);
        assert_eq!(schema("").len(), 0);
        assert!(parse_ddl_schema("int", TZ).is_err());
    }

    #[test]
    fn ddl_parse_fallbacks() {
        assert_eq!(
            ddl("a int"),
            st(vec![Field::new("a", DataType::Int32, true)])
        );
        assert_eq!(ddl("int"), DataType::Int32);
        assert_eq!(ddl("array<int>"), array_type(DataType::Int32, true));
        assert_eq!(
            ddl("a: int, b: string"),
            st(vec![
                Field::new("a", DataType::Int32, true),
                Field::new("b", DataType::Utf8, true),
            ])
        );
        assert_eq!(ddl(""), st(vec![]));
        assert_eq!(ddl("struct<>"), st(vec![]));
        assert_eq!(
            simple_string(&ddl("a array<int>, b map<string,int>")),
            "struct<a:array<int>,b:map<string,int>>"
        );
        assert_eq!(simple_string(&ddl("`a``b` int")), "struct<a`b:int>");
    }

    #[test]
    fn ddl_parse_errors_match_spark() {
        // Each expectation was read off a Spark 4 Connect server's ddl_parse.
        let cases = vec![
            ("foo", syntax("end of input", "", 3)),
            ("a foo", unsupported("FOO", 2)),
            ("a select", unsupported("SELECT", 2)),
            ("int, string", syntax("','", "", 3)),
            ("a int,", syntax("end of input", "", 6)),
            ("array<int", syntax("'<'", "", 5)),
            ("map<int>", syntax("'<'", "", 3)),
            ("decimal(5,6)", syntax("'('", "", 7)),
            ("decimal(38,39)", syntax("'('", "", 7)),
            ("decimal(5,-1)", syntax("'('", "", 7)),
            ("a decimal(5,-1)", syntax("'-'", "", 12)),
            ("a int b int", syntax("'b'", "", 6)),
            ("a int NOT NULL DEFAULT 5", syntax("'DEFAULT'", "", 15)),
            ("a.b int", syntax("'.'", "", 1)),
            ("a: foo", syntax("':'", "", 1)),
            ("struct<a:foo>", syntax("'<'", "", 6)),
            ("a int,, b int", syntax("','", "", 6)),
            ("a 'x'", syntax("''x''", "", 2)),
            ("a int COMMENT", syntax("end of input", "", 13)),
            ("a int NOT", syntax("end of input", ": missing 'NULL'", 9)),
            ("a int not nul", syntax("'nul'", "", 10)),
            ("a int comment 5", syntax("'5'", "", 14)),
            ("a int comment 'x' not null", syntax("'not'", "", 18)),
            ("a int not null not null", syntax("'not'", "", 15)),
            ("struct<a int,>", syntax("'<'", "", 6)),
            ("map<int,int,int>", syntax("'<'", "", 3)),
            ("a int)", syntax("')'", "", 5)),
            ("interval year to day", syntax("'to'", "", 14)),
            ("a interval year to day", syntax("'to'", "", 16)),
            ("array<int>>", syntax("'<'", "", 5)),
            ("a array<array<int>", syntax("'<'", "", 7)),
            ("a array<int>>", syntax("'>'", ": extra input '>'", 12)),
            ("a array<int>, b map<int", syntax("'<'", "", 19)),
            (
                "a struct<x: int, y array<int x>>, b int",
                syntax("'<'", "", 8),
            ),
            ("a int, b decimal(10", syntax("end of input", "", 19)),
            ("a decimal(10,2", syntax("end of input", "", 14)),
            ("a int, b int c", syntax("'c'", "", 13)),
            ("a array<int>, b array<foo>", unsupported("FOO", 22)),
            ("a array<int", syntax("'<'", "", 7)),
            ("a int x", syntax("'x'", "", 6)),
            ("a decimal x", syntax("'x'", "", 10)),
            ("a foo x", syntax("'x'", ": extra input 'x'", 6)),
            ("a decimal(10) x", syntax("'x'", ": extra input 'x'", 14)),
            ("a int not null x", syntax("'x'", ": extra input 'x'", 15)),
            (
                "a int comment 'x' y",
                syntax("'y'", ": extra input 'y'", 18),
            ),
            ("a int >", syntax("'>'", "", 6)),
            ("a int, b int)", syntax("')'", "", 12)),
            ("a int, b string, c array<int x>", syntax("'<'", "", 24)),
            ("1 int", syntax("'1'", "", 0)),
            ("a character varying(3)", syntax("'varying'", "", 12)),
            ("a decimal()", syntax("')'", "", 10)),
            ("a double precision", syntax("'precision'", "", 9)),
            ("a string(3)", unsupported("STRING(3)", 2)),
            ("a int(3)", unsupported("INT(3)", 2)),
            ("a integer(5)", unsupported("INTEGER(5)", 2)),
            ("a decimal(1,2,3)", unsupported("DECIMAL(1,2,3)", 2)),
            ("a binary(3)", unsupported("BINARY(3)", 2)),
            ("a date(3)", unsupported("DATE(3)", 2)),
            ("c0  - char(3) a b", syntax("'-'", "", 4)),
            (
                "c0 interval day, c1 byte 1",
                syntax("'1'", ": extra input '1'", 25),
            ),
            ("c0 map<string,int> x , c1 double", syntax("'x'", "", 19)),
            (
                "c0 map<string,int>, c1 byte (",
                syntax("'('", ": extra input '('", 28),
            ),
            ("c0 structa int, b: string>", syntax("'int'", "", 11)),
            ("c0 tinyin ( t", syntax("'('", "", 10)),
            ("c0 vahar( comment 5)", syntax("'('", "", 8)),
            (
                "c0 varchar(5),  foo c1 date, c2 date",
                syntax("'date'", "", 23),
            ),
            ("not void (", syntax("'('", ": extra input '('", 9)),
            ("a int 'x'", syntax("''x''", ": extra input ''x''", 6)),
            ("a int $", syntax("'$'", ": extra input '$'", 6)),
            ("a int :", syntax("':'", "", 6)),
            ("a int -", syntax("'-'", "", 6)),
            ("a int <", syntax("'<'", "", 6)),
            ("a int (", syntax("'('", ": extra input '('", 6)),
            ("a int ( x", syntax("'('", "", 6)),
            ("a int 1 2", syntax("'1'", "", 6)),
            (
                "a int, b map<string,int> x",
                syntax("'x'", ": extra input 'x'", 25),
            ),
            ("a decimal(10) x, b int", syntax("'x'", "", 14)),
            ("a int ,", syntax("end of input", "", 7)),
            ("c0 char( 'c' 3)", syntax("''c''", "", 9)),
            ("c0 integer, c1 decimal ( to", syntax("'to'", "", 25)),
            (
                "c0 map<string,int> x , c1 double, ,  c2 decimal(10,2)",
                syntax("'x'", "", 19),
            ),
            ("c1 varchar( ( 5), c2 interval day", syntax("'('", "", 12)),
            ("c0 varchar(5c1 da , te", syntax("'5c1'", "", 11)),
            ("c0 struct<a:int> ( -", syntax("'<'", "", 9)),
            ("a-b(3) int", syntax("'-'", "", 1)),
            ("a-1 int", syntax("'-'", "", 1)),
            ("struct<a-b:int>", syntax("'<'", "", 6)),
        ];
        for (text, expected) in cases {
            assert_eq!(err_of(parse_ddl(text, TZ)), expected, "{text}");
        }
    }

    #[test]
    fn ddl_parse_non_syntax_errors_match_spark() {
        let e = parse_ddl("decimal(40,2)", TZ).unwrap_err();
        assert_eq!(e.error_class(), "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION");
        assert_eq!(e.message_parameters()["precision"], "40");
        assert_eq!(
            e.to_string(),
            "[DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION] Decimal precision 40 exceeds max precision 38. SQLSTATE: 22003"
        );
        let e = parse_ddl("a decimal(99999999999,1)", TZ).unwrap_err();
        assert_eq!(e.message_parameters()["precision"], "99999999999");

        let e = parse_ddl("a int, b  decimal(5,6)", TZ).unwrap_err();
        assert_eq!(e.error_class(), "DECIMAL_SCALE_EXCEEDS_PRECISION");
        assert_eq!(
            e.to_string(),
            "[DECIMAL_SCALE_EXCEEDS_PRECISION] Decimal scale (6) cannot be greater than precision (5). SQLSTATE: 22003\n== SQL ==\na int, b  decimal(5,6)"
        );

        let e = parse_ddl("varchar(999999999999)", TZ).unwrap_err();
        assert_eq!(e.error_class(), "DATATYPE_PARAMETER_VALUE_OUT_OF_RANGE");
        let params = e.message_parameters();
        assert_eq!(params["parameter"], "length");
        assert_eq!(params["type"], "VARCHAR");
        assert_eq!(params["value"], "999999999999");

        let e = parse_ddl("timestamp_ntz(3)", TZ).unwrap_err();
        assert_eq!(e.error_class(), "INVALID_TIMESTAMP_PRECISION");
        assert_eq!(e.message_parameters()["type"], "TIMESTAMP_NTZ");
        let e = parse_ddl("a timestamp(3)", TZ).unwrap_err();
        assert_eq!(e.message_parameters()["type"], "TIMESTAMP_LTZ");
        assert_eq!(e.message_parameters()["precision"], "3");
        assert_eq!(
            parse_ddl("timestamp(9)", TZ).unwrap_err().error_class(),
            "UNSUPPORTED_DATATYPE"
        );

        for (text, class, pos) in [
            ("a char", "DATATYPE_MISSING_SIZE", 2),
            ("a varchar", "DATATYPE_MISSING_SIZE", 2),
            ("a array", "INCOMPLETE_TYPE_DEFINITION.ARRAY", 2),
            ("a struct", "INCOMPLETE_TYPE_DEFINITION.STRUCT", 2),
            ("a map", "INCOMPLETE_TYPE_DEFINITION.MAP", 2),
            ("é int", "INVALID_IDENTIFIER", 0),
            ("a-b int", "INVALID_IDENTIFIER", 1),
            ("a - b int", "INVALID_IDENTIFIER", 2),
            ("a -b int", "INVALID_IDENTIFIER", 2),
            ("by - te", "INVALID_IDENTIFIER", 3),
            ("a - b (", "INVALID_IDENTIFIER", 2),
            ("a int, b-c int", "INVALID_IDENTIFIER", 8),
        ] {
            let (got_class, _, got_pos) = err_of(parse_ddl(text, TZ));
            assert_eq!(
                (got_class.as_str(), got_pos),
                (class, Some((1, pos))),
                "{text}"
            );
        }
        let e = parse_ddl("a char", TZ).unwrap_err();
        assert_eq!(e.message_parameters()["type"], "\"CHAR\"");
        let e = parse_ddl("a-b-c int", TZ).unwrap_err();
        assert_eq!(e.message_parameters()["ident"], "a-b-c");
        let e = parse_ddl("a-`b` int", TZ).unwrap_err();
        assert_eq!(e.message_parameters()["ident"], "a-b");
        let e = parse_ddl("a-b int", TZ).unwrap_err();
        assert_eq!(e.message_parameters()["ident"], "a-b");
        assert!(e.to_string().starts_with(
            "[INVALID_IDENTIFIER] The unquoted identifier a-b is invalid and must be back quoted as: `a-b`.\n"
        ));

        let e = parse_ddl("a int,\n b foo", TZ).unwrap_err();
        assert_eq!(e.error_class(), "UNSUPPORTED_DATATYPE");
        assert_eq!(
            e.to_string(),
            "[UNSUPPORTED_DATATYPE] Unsupported data type \"FOO\". SQLSTATE: 0A000 (line 2, pos 3)\n\n== SQL ==\na int,\n b foo\n---^^^\n"
        );
        let e = parse_ddl("a int, b\tarray<foo>", TZ).unwrap_err();
        assert_eq!(err_of(Err(e)), unsupported("FOO", 15));
    }

    #[test]
    fn single_type_errors_match_spark() {
        // Each expectation was read off a Spark 4 Connect server's
        // `cast(... as <type>)`, which parses with `parseDataType`.
        let cases = vec![
            ("array<int", syntax("'<'", "", 5)),
            ("array<int>>", syntax("'>'", ": extra input '>'", 10)),
            ("map<int>", syntax("'<'", "", 3)),
            ("struct<a int", syntax("'<'", "", 6)),
            ("struct<a int,>", syntax("'<'", "", 6)),
            ("struct<a int not>", syntax("'>'", ": missing 'NULL'", 16)),
            ("int,", syntax("','", "", 3)),
            ("a int", syntax("'int'", ": extra input 'int'", 2)),
            ("foo", unsupported("FOO", 0)),
            ("bool x", syntax("'x'", ": extra input 'x'", 5)),
            ("interval day to", syntax("'to'", ": extra input 'to'", 13)),
            ("array<>", syntax("'<>'", "", 5)),
            ("map<int,>", syntax("'<'", "", 3)),
            ("struct<a>", syntax("'<'", "", 6)),
            ("struct<a:>", syntax("'<'", "", 6)),
            ("struct<1:int>", syntax("'<'", "", 6)),
            ("struct<a int, b array<foo>>", unsupported("FOO", 22)),
            ("array<array<int>", syntax("'<'", "", 5)),
            ("array<array<int>>>", syntax("'>'", ": extra input '>'", 17)),
            ("map<string, array<int,>>", syntax("'<'", "", 3)),
            ("struct<a: array<int>, b int c>", syntax("'c'", "", 28)),
            (
                "struct<a: int, b: map<int, int>, c: array<int x>>",
                syntax("'<'", "", 41),
            ),
            ("array<int> x", syntax("'x'", ": extra input 'x'", 11)),
            ("array<decimal(5,)>", syntax("'<'", "", 5)),
            ("array<foo bar>", syntax("'<'", "", 5)),
            ("int x", syntax("'x'", "", 4)),
            ("decimal(10", syntax("end of input", "", 10)),
            ("decimal(10,2", syntax("end of input", "", 12)),
            ("decimal(10,2) x", syntax("'x'", ": extra input 'x'", 14)),
            ("interval day x", syntax("'x'", ": extra input 'x'", 13)),
            ("array<int not null>", syntax("'<'", "", 5)),
            ("decimal x", syntax("'x'", "", 8)),
            ("string x", syntax("'x'", "", 7)),
            ("array<int> x y", syntax("'<'", "", 5)),
            ("foo x", syntax("'x'", ": extra input 'x'", 4)),
            ("int x y", syntax("'x'", "", 4)),
            ("decimal(10) x", syntax("'x'", ": extra input 'x'", 12)),
            ("interval x", syntax("'x'", "", 9)),
            ("struct<a:int> x", syntax("'x'", ": extra input 'x'", 14)),
            ("int(3", syntax("end of input", "", 5)),
            ("int)", syntax("')'", "", 3)),
            ("char(3) x", syntax("'x'", ": extra input 'x'", 8)),
            ("timestamp x", syntax("'x'", "", 10)),
            (
                "interval day to second x",
                syntax("'x'", ": extra input 'x'", 23),
            ),
            ("array<int>,", syntax("','", ": extra input ','", 10)),
            ("int not null", syntax("'not'", "", 4)),
            ("varchar(3", syntax("end of input", "", 9)),
            ("int 'x'", syntax("''x''", ": extra input ''x''", 4)),
            ("int 1", syntax("'1'", ": extra input '1'", 4)),
            ("int (", syntax("'('", ": extra input '('", 4)),
            ("int $", syntax("'$'", ": extra input '$'", 4)),
            ("struct<a int x>", syntax("'<'", "", 6)),
            ("struct<a array<int> x>", syntax("'<'", "", 6)),
            ("struct<a:int 1>", syntax("'<'", "", 6)),
            (
                "struct<a:decimal(10) x>",
                syntax("'x'", ": extra input 'x'", 21),
            ),
            ("struct<a:decimal(10) x, b int>", syntax("'x'", "", 21)),
            ("struct<a:int, b:array<int> x>", syntax("'<'", "", 6)),
            ("struct<a:int (>", syntax("'<'", "", 6)),
            ("map<int, int x>", syntax("'<'", "", 3)),
            ("struct<a:int> 1", syntax("'<'", "", 6)),
            ("array<voi > d> >", syntax("'<'", "", 5)),
            ("struct<a int, b: string> ( 1", syntax("'<'", "", 6)),
            ("array<arr > ay<int>>", syntax("'<'", "", 5)),
            (
                "struct<f: ar > ray<decimal>, g dec(5)>",
                syntax("'<'", "", 6),
            ),
            ("array<interval year to m>", syntax("'to'", "", 20)),
            (
                "array<interval year to  > month>",
                syntax("'to'", ": extra input 'to'", 20),
            ),
            (
                "array<array<array<int>>",
                syntax("end of input", ": missing '>'", 23),
            ),
            (
                "struct<f: map<string,int>, g strin",
                syntax("end of input", ": missing '>'", 34),
            ),
            (
                "struct<f: binary, g decimal> (",
                syntax("'('", ": extra input '('", 29),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(err_of(parse_ddl_type(text, TZ)), expected, "{text}");
        }
        let e = parse_ddl_type("", TZ).unwrap_err();
        assert_eq!(e.error_class(), "PARSE_EMPTY_STATEMENT");
        assert_eq!(e.sql_state(), "42617");
        for (text, class) in [
            ("array", "INCOMPLETE_TYPE_DEFINITION.ARRAY"),
            ("struct", "INCOMPLETE_TYPE_DEFINITION.STRUCT"),
            ("map", "INCOMPLETE_TYPE_DEFINITION.MAP"),
            ("char", "DATATYPE_MISSING_SIZE"),
            ("decimal(5,6)", "DECIMAL_SCALE_EXCEEDS_PRECISION"),
            ("array<decimal(5,6)>", "DECIMAL_SCALE_EXCEEDS_PRECISION"),
            ("decimal(40,2)", "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION"),
            ("array<char>", "DATATYPE_MISSING_SIZE"),
            ("time(7)", "UNSUPPORTED_DATATYPE"),
            ("string collate utf8_lcase_cs", "COLLATION_INVALID_NAME"),
        ] {
            assert_eq!(
                parse_ddl_type(text, TZ).unwrap_err().error_class(),
                class,
                "{text}"
            );
        }
        assert_eq!(err_of(parse_ddl_type("array<char>", TZ)).2, Some((1, 6)));
    }

    #[test]
    fn syntax_error_message_shape() {
        let e = parse_ddl("a int b int", TZ).unwrap_err();
        assert_eq!(
            e.to_string(),
            "[PARSE_SYNTAX_ERROR] Syntax error at or near 'b'. SQLSTATE: 42601 (line 1, pos 6)\n\n== SQL ==\na int b int\n------^^^\n"
        );
        assert_eq!(e.message(), "Syntax error at or near 'b'.");
        let e = parse_ddl("a int NOT", TZ).unwrap_err();
        assert_eq!(
            e.message(),
            "Syntax error at or near end of input: missing 'NULL'."
        );
    }

    #[test]
    fn schema_string_accepts_ddl_and_json() {
        assert_eq!(
            parse_schema_string("a int", TZ).unwrap(),
            st(vec![Field::new("a", DataType::Int32, true)])
        );
        let json = r#"{"type":"struct","fields":[{"name":"a","type":"long","nullable":false,"metadata":{}}]}"#;
        assert_eq!(
            parse_schema_string(json, TZ).unwrap(),
            st(vec![Field::new("a", DataType::Int64, false)])
        );
        assert_eq!(
            parse_schema_string("\"double\"", TZ).unwrap(),
            DataType::Float64
        );
        let e = parse_schema_string("{bad", TZ).unwrap_err();
        assert_eq!(e.error_class(), "PARSE_SYNTAX_ERROR");
        assert_eq!(e.message_parameters()["error"], "'{'");
    }
}
