//! Spark's number formats: `to_number(text, format)`/`try_to_number` read
//! text as a DECIMAL, `to_char(number, format)` (`to_varchar`) writes one.
//! A format has digits (`9`; a run starting with `0` before the point wants
//! exactly that many digits, and pads with zeros), at most one point (`.` or
//! `D`), group separators (`,` or `G`) between digits before the point, an
//! optional `$`, and a sign: `S` (`+` or `-`), `MI` (`-` or a space) or `PR`
//! (angle brackets around negatives). Formats are checked as Spark checks
//! them (`INVALID_FORMAT.*`). Read, each group of digits holds at most (or,
//! for `0` runs, exactly) the format's digits; the result has as many digits
//! as the format and as many after the point. Written, signs move next to
//! the first digit and a number with more digits than the format is written
//! as `#`s.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Decimal128Array, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Decimal128Type};
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::{Expr, cast};
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;

/// One element of a number format.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    /// Digits and group separators together.
    Group(Vec<GroupItem>),
    Point,
    Dollar,
    /// `S`.
    PlusOrMinus,
    /// `MI`.
    Minus,
    /// The `<` of `PR`, placed first.
    OpenBracket,
    /// The `>` of `PR`.
    CloseBracket,
    Unexpected(char),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GroupItem {
    /// `count` digit places; `pad_zero` for a run starting with `0` before the point.
    Digits { count: usize, pad_zero: bool },
    Separator,
}

impl Token {
    /// The token as Spark's error messages name it.
    fn spark_name(&self) -> String {
        match self {
            Token::Group(_) => "digit sequence".to_string(),
            Token::Point => ". or D".to_string(),
            Token::Dollar => "$".to_string(),
            Token::PlusOrMinus => "S".to_string(),
            Token::Minus => "MI".to_string(),
            Token::OpenBracket | Token::CloseBracket => "PR".to_string(),
            Token::Unexpected(c) => format!("character '{c}''"),
        }
    }

    fn digits(&self) -> usize {
        match self {
            Token::Group(items) => items.iter().map(|i| if let GroupItem::Digits { count, .. } = i { *count } else { 0 }).sum(),
            _ => 0,
        }
    }
}

/// A checked number format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    tokens: Vec<Token>,
}

fn invalid(format: &str, subclass: &str, message: &str, token: Option<String>) -> SparkError {
    let mut parameters = vec![("format", format!("'{format}'"))];
    if let Some(token) = &token {
        parameters.insert(0, ("token", token.clone()));
    }
    SparkError::new(
        ErrorKind::Analysis,
        &format!("INVALID_FORMAT.{subclass}"),
        "42601",
        format!("The format is invalid: '{format}'. {message}"),
        &parameters,
    )
}

impl NumberFormat {
    /// Parses and checks `format` (any case); `Err` is Spark's `INVALID_FORMAT`.
    pub fn parse(format: &str) -> std::result::Result<Self, SparkError> {
        let format = format.to_uppercase();
        let tokens = tokenize(&format);
        check(&format, &tokens)?;
        Ok(NumberFormat { tokens })
    }

    /// The number of format digits before and after the point.
    fn digits(&self) -> (usize, usize) {
        let point = self.tokens.iter().position(|t| *t == Token::Point).unwrap_or(self.tokens.len());
        let count = |tokens: &[Token]| tokens.iter().map(Token::digits).sum::<usize>();
        (count(&self.tokens[..point]), count(&self.tokens[point..]))
    }

    /// The DECIMAL type of the numbers this format reads.
    pub fn result_type(&self) -> DataType {
        let (before, after) = self.digits();
        DataType::Decimal128(u8::try_from(before + after).unwrap_or(u8::MAX).max(1), i8::try_from(after).unwrap_or(i8::MAX))
    }

    /// The unscaled value of `text` (of [`Self::result_type`]), or `None`
    /// when it does not match the format.
    pub fn read(&self, text: &str) -> Option<i128> {
        let chars: Vec<char> = text.chars().collect();
        let mut at = 0;
        let (mut integral, mut fraction) = (String::new(), String::new());
        let (mut past_point, mut negative, mut opened, mut closed) = (false, false, false, false);
        for token in &self.tokens {
            let next = chars.get(at).copied();
            match token {
                Token::Group(items) => {
                    let digits = if past_point { &mut fraction } else { &mut integral };
                    at = read_group(items, &chars, at, digits)?;
                }
                Token::Point if next == Some('.') => {
                    past_point = true;
                    at += 1;
                }
                Token::Dollar if next.is_some_and(|c| c != '$') => return None,
                Token::Dollar if next.is_some() => at += 1,
                Token::PlusOrMinus | Token::Minus if next == Some('-') => {
                    negative = !negative;
                    at += 1;
                }
                Token::PlusOrMinus if next == Some('+') => at += 1,
                Token::OpenBracket if next == Some('<') => {
                    if opened {
                        return None;
                    }
                    opened = true;
                    at += 1;
                }
                Token::CloseBracket if next == Some('>') => {
                    if !opened {
                        return None;
                    }
                    closed = true;
                    negative = !negative;
                    at += 1;
                }
                _ => {}
            }
        }
        if at < chars.len() || opened != closed || integral.is_empty() && fraction.is_empty() {
            return None;
        }
        let (_, after) = self.digits();
        let value: i128 = format!("0{integral}{fraction:0<after$}").parse().ok()?;
        Some(if negative { -value } else { value })
    }

    /// Writes the decimal `unscaled` × 10^-`scale`.
    pub fn write(&self, unscaled: i128, scale: i8) -> String {
        let negative = unscaled < 0;
        let (integral, fraction) = split_digits(unscaled.unsigned_abs(), scale);
        let mut before_point = 0;
        let mut after_point = 0;
        let mut past_point = false;
        for token in &self.tokens {
            match token {
                Token::Point => past_point = true,
                _ if past_point => after_point += token.digits(),
                _ => before_point += token.digits(),
            }
        }
        let (integral, fraction) = if integral.len() > before_point || fraction.len() > after_point {
            ("#".repeat(before_point), "#".repeat(after_point))
        } else {
            (format!("{integral:>before_point$}"), format!("{fraction:0<after_point$}"))
        };
        let (mut integral, mut fraction) = (integral.chars(), fraction.chars());
        let mut out = Output(Vec::new());
        past_point = false;
        for token in &self.tokens {
            match token {
                Token::Group(items) => {
                    for item in items {
                        match *item {
                            GroupItem::Digits { count, pad_zero } => {
                                for _ in 0..count {
                                    match (past_point, integral.clone().next()) {
                                        (true, _) => out.0.extend(fraction.next()),
                                        (false, Some(' ')) if pad_zero => {
                                            integral.next();
                                            out.0.push('0');
                                        }
                                        (false, Some(' ')) => {
                                            integral.next();
                                            out.push_space();
                                        }
                                        (false, _) => out.0.extend(integral.next()),
                                    }
                                }
                            }
                            GroupItem::Separator if out.0.last().is_some_and(char::is_ascii_digit) => out.0.push(','),
                            GroupItem::Separator => out.push_space(),
                        }
                    }
                }
                Token::Point => {
                    if let Some(last) = out.0.last_mut().filter(|c| **c == ' ') {
                        *last = '0';
                    }
                    out.0.push('.');
                    past_point = true;
                }
                Token::Dollar => out.0.push('$'),
                Token::PlusOrMinus => {
                    out.blank_lone_point();
                    out.push_sign(if negative { '-' } else { '+' });
                }
                Token::Minus if negative => {
                    out.blank_lone_point();
                    out.push_sign('-');
                }
                Token::Minus => out.0.push(' '),
                Token::OpenBracket => {
                    if negative {
                        out.0.push('<');
                    }
                }
                Token::CloseBracket => {
                    out.blank_lone_point();
                    if negative {
                        out.push_sign('>');
                    } else {
                        out.0.extend([' ', ' ']);
                    }
                }
                Token::Unexpected(_) => {}
            }
        }
        out.blank_lone_point();
        let text: String = out.0.into_iter().collect();
        if text.is_empty() || text == "+" || text == "-" { "0".to_string() } else { text }
    }
}

/// Reads one group of digits and separators from `chars` at `at` (blanks
/// skipped), appending its digits to `digits`; the index after it, or `None`
/// when its groups do not fit the format's (compared from the last one).
fn read_group(items: &[GroupItem], chars: &[char], mut at: usize, digits: &mut String) -> Option<usize> {
    let mut sizes = vec![0usize];
    while let Some(&c) = chars.get(at) {
        match c {
            c if c.is_whitespace() => {}
            c if c.is_ascii_digit() => {
                digits.push(c);
                *sizes.last_mut()? += 1;
            }
            ',' => sizes.push(0),
            _ => break,
        }
        at += 1;
    }
    let wanted: Vec<(usize, bool)> = items
        .iter()
        .filter_map(|item| match *item {
            GroupItem::Digits { count, pad_zero } => Some((count, pad_zero)),
            GroupItem::Separator => None,
        })
        .collect();
    if sizes.len() > wanted.len() {
        return None;
    }
    let fits = wanted.iter().rev().enumerate().all(|(i, &(count, exact))| {
        let size = sizes.len().checked_sub(i + 1).map_or(0, |j| sizes[j]);
        if exact { size == count } else { size <= count }
    });
    fits.then_some(at)
}

/// The text being written.
struct Output(Vec<char>);

impl Output {
    /// A sign (or `>`) that moves left past the spaces before it.
    fn push_sign(&mut self, sign: char) {
        self.0.push(sign);
        let mut i = self.0.len() - 1;
        while i >= 1 && self.0[i - 1] == ' ' {
            self.0.swap(i - 1, i);
            i -= 1;
        }
    }

    /// A space that moves left past the signs and `<` before it.
    fn push_space(&mut self) {
        self.0.push(' ');
        let mut i = self.0.len() - 1;
        while i >= 1 && matches!(self.0[i - 1], '+' | '-' | '<') {
            self.0.swap(i - 1, i);
            i -= 1;
        }
    }

    /// A point with no digit after it becomes a space.
    fn blank_lone_point(&mut self) {
        if let Some(i) = self.0.iter().position(|c| *c == '.') {
            if self.0.get(i + 1).is_none_or(|c| *c == ' ') {
                self.0[i] = ' ';
            }
        }
    }
}

/// The digits of `value` × 10^-`scale` before the point (no leading zeros)
/// and after it (no trailing zeros).
fn split_digits(value: u128, scale: i8) -> (String, String) {
    let digits = value.to_string();
    let scale = usize::try_from(scale).unwrap_or(0);
    let digits = format!("{digits:0>width$}", width = scale + 1);
    let (integral, fraction) = digits.split_at(digits.len() - scale);
    (integral.trim_start_matches('0').to_string(), fraction.trim_end_matches('0').to_string())
}

fn tokenize(format: &str) -> Vec<Token> {
    let chars: Vec<char> = format.chars().collect();
    let mut tokens: Vec<Token> = Vec::new();
    let mut past_point = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        let item = match c {
            '0' | '9' => {
                let count = chars[i..].iter().take_while(|c| matches!(c, '0' | '9')).count();
                i += count;
                Some(GroupItem::Digits { count, pad_zero: c == '0' && !past_point })
            }
            ',' | 'G' => {
                i += 1;
                Some(GroupItem::Separator)
            }
            _ => None,
        };
        if let Some(item) = item {
            match tokens.last_mut() {
                Some(Token::Group(items)) => items.push(item),
                _ => tokens.push(Token::Group(vec![item])),
            }
            continue;
        }
        i += 1;
        match (c, next) {
            ('.' | 'D', _) => {
                past_point = true;
                tokens.push(Token::Point);
            }
            ('$', _) => tokens.push(Token::Dollar),
            ('S', _) => tokens.push(Token::PlusOrMinus),
            ('M', Some('I')) => {
                i += 1;
                tokens.push(Token::Minus);
            }
            ('P', Some('R')) => {
                i += 1;
                tokens.insert(0, Token::OpenBracket);
                tokens.push(Token::CloseBracket);
            }
            _ => tokens.push(Token::Unexpected(c)),
        }
    }
    tokens
}

/// Spark's checks of a number format, in Spark's order.
fn check(format: &str, tokens: &[Token]) -> std::result::Result<(), SparkError> {
    if format.is_empty() {
        return Err(invalid(format, "EMPTY", "The number format string cannot be empty.", None));
    }
    let position = |wanted: &dyn Fn(&Token) -> bool| tokens.iter().position(wanted);
    let Some(first_group) = position(&|t| matches!(t, Token::Group(_))) else {
        return Err(invalid(format, "WRONG_NUM_DIGIT", "The format string requires at least one number digit.", None));
    };
    let dollar = position(&|t| *t == Token::Dollar);
    let point = position(&|t| *t == Token::Point);
    if dollar.is_some_and(|d| first_group < d) {
        return Err(invalid(format, "CUR_MUST_BEFORE_DIGIT", "Currency characters must appear before digits in the number format.", None));
    }
    if let (Some(d), Some(p)) = (dollar, point) {
        if p < d {
            return Err(invalid(format, "CUR_MUST_BEFORE_DEC", "Currency characters must appear before any decimal point in the number format.", None));
        }
    }
    for (i, token) in tokens.iter().enumerate() {
        let Token::Group(items) = token else { continue };
        let separators = items.iter().filter(|item| **item == GroupItem::Separator).count();
        if point.is_none_or(|p| i < p) {
            let misplaced = items.first() == Some(&GroupItem::Separator)
                || items.last() == Some(&GroupItem::Separator)
                || items.windows(2).any(|w| w[0] == GroupItem::Separator && w[1] == GroupItem::Separator);
            if misplaced {
                return Err(invalid(format, "CONT_THOUSANDS_SEPS", "Thousands separators (, or G) must have digits in between them in the number format.", None));
            }
        } else if separators > 0 {
            return Err(invalid(format, "THOUSANDS_SEPS_MUST_BEFORE_DEC", "Thousands separators (, or G) may not appear after the decimal point in the number format.", None));
        }
    }
    for single in [Token::Point, Token::PlusOrMinus, Token::Minus, Token::Dollar, Token::CloseBracket] {
        if tokens.iter().filter(|t| **t == single).count() > 1 {
            let message = format!("At most one {} is allowed in the number format.", single.spark_name());
            return Err(invalid(format, "WRONG_NUM_TOKEN", &message, Some(single.spark_name())));
        }
    }
    // The order Spark allows: [PR<] [MI|S] [$] digits [.] digits [$] [MI|S|PR>].
    let slots: [&dyn Fn(&Token) -> bool; 8] = [
        &|t| *t == Token::OpenBracket,
        &|t| matches!(t, Token::Minus | Token::PlusOrMinus),
        &|t| *t == Token::Dollar,
        &|t| matches!(t, Token::Group(_)),
        &|t| *t == Token::Point,
        &|t| matches!(t, Token::Group(_)),
        &|t| *t == Token::Dollar,
        &|t| matches!(t, Token::Minus | Token::PlusOrMinus | Token::CloseBracket),
    ];
    let mut next = 0;
    for slot in slots {
        if tokens.get(next).is_some_and(slot) {
            next += 1;
        }
    }
    if let Some(token) = tokens.get(next) {
        let message = format!("Found the unexpected {} in the format string; the structure of the format string must match: `[MI|S]` `[$]` `[0|9|G|,]*` `[.|D]` `[0|9]*` `[$]` `[PR|MI|S]`.", token.spark_name());
        return Err(invalid(format, "UNEXPECTED_TOKEN", &message, Some(token.spark_name())));
    }
    Ok(())
}

/// `to_number(text, format)` (`try_to_number` when `fail` is false) with a
/// literal `format`.
pub fn to_number(text: Expr, format: &str, fail: bool) -> std::result::Result<Expr, SparkError> {
    let parsed = NumberFormat::parse(format)?;
    let context = format!("{}|{format}", if fail { "fail" } else { "null" });
    let args = vec![cast(text, DataType::Utf8)];
    Ok(if fail {
        KernelUdf::call_null_intolerant("to_number", parsed.result_type(), read_kernel, &context, args)
    } else {
        KernelUdf::call("try_to_number", parsed.result_type(), read_kernel, &context, args)
    })
}

fn mismatch(text: &str, format: &str) -> DataFusionError {
    SparkError::new(
        ErrorKind::IllegalArgument,
        "INVALID_FORMAT.MISMATCH_INPUT",
        "42601",
        format!("The format is invalid: '{format}'. The input {text} does not match the format."),
        &[("inputType", "\"STRING\"".to_string()), ("input", text.to_string()), ("format", format.to_string())],
    )
    .into_datafusion()
}

fn read_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let (mode, format) = context.split_once('|').unwrap_or((context, ""));
    let parsed = NumberFormat::parse(format).map_err(SparkError::into_datafusion)?;
    let texts = args[0].as_string::<i32>();
    let mut values = Vec::with_capacity(texts.len());
    for row in 0..texts.len() {
        if texts.is_null(row) {
            values.push(None);
            continue;
        }
        match parsed.read(texts.value(row)) {
            Some(value) => values.push(Some(value)),
            None if mode == "fail" => return Err(mismatch(texts.value(row), format)),
            None => values.push(None),
        }
    }
    let DataType::Decimal128(precision, scale) = parsed.result_type() else { unreachable!("a decimal") };
    Ok(Arc::new(Decimal128Array::from(values).with_precision_and_scale(precision, scale)?))
}

/// `to_char(value, format)` of a DECIMAL `value` with a literal `format`.
pub fn to_char(value: Expr, format: &str) -> std::result::Result<Expr, SparkError> {
    NumberFormat::parse(format)?;
    Ok(KernelUdf::call_null_intolerant("to_char", DataType::Utf8, write_kernel, format, vec![value]))
}

fn write_kernel(args: &[ArrayRef], format: &str) -> Result<ArrayRef> {
    let parsed = NumberFormat::parse(format).map_err(SparkError::into_datafusion)?;
    let DataType::Decimal128(_, scale) = args[0].data_type() else {
        return Err(DataFusionError::Internal("to_char expects a decimal".into()));
    };
    let values = args[0].as_primitive::<Decimal128Type>();
    let mut out = StringBuilder::with_capacity(values.len(), values.len() * format.len());
    for row in 0..values.len() {
        if values.is_null(row) {
            out.append_null();
        } else {
            out.append_value(parsed.write(values.value(row), *scale));
        }
    }
    Ok(Arc::new(out.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(format: &str, unscaled: i128, scale: i8) -> String {
        NumberFormat::parse(format).unwrap().write(unscaled, scale)
    }

    #[test]
    fn digits_pad_with_spaces_or_zeros() {
        assert_eq!(write("999", 5, 0), "  5");
        assert_eq!(write("000", 5, 0), "005");
        assert_eq!(write("99.99", 50, 2), " 0.50");
        assert_eq!(write("9,999", 1234, 0), "1,234");
        assert_eq!(write("9,999", 12, 0), "   12");
        assert_eq!(write("$99.99", 1200, 2), "$12.00");
    }

    #[test]
    fn signs_sit_next_to_the_digits() {
        assert_eq!(write("S999", -5, 0), "  -5");
        assert_eq!(write("999S", 0, 0), "+   ");
        assert_eq!(write("999MI", -12, 0), " 12-");
        assert_eq!(write("99.99PR", -50, 2), "  <.50>");
        assert_eq!(write("9.", 0, 0), "0 ");
    }

    #[test]
    fn overflow_is_written_as_pounds() {
        assert_eq!(write("9,999", 7812, 2), "# ###");
        assert_eq!(write("$99.99", -454, 0), "$##.##");
    }

    #[test]
    fn bad_formats() {
        let class = |f: &str| NumberFormat::parse(f).unwrap_err().error_class;
        assert_eq!(class(""), "INVALID_FORMAT.EMPTY");
        assert_eq!(class("abc"), "INVALID_FORMAT.WRONG_NUM_DIGIT");
        assert_eq!(class("9$"), "INVALID_FORMAT.CUR_MUST_BEFORE_DIGIT");
        assert_eq!(class("9,,9"), "INVALID_FORMAT.CONT_THOUSANDS_SEPS");
        assert_eq!(class("9.9,9"), "INVALID_FORMAT.THOUSANDS_SEPS_MUST_BEFORE_DEC");
        assert_eq!(class("SS99"), "INVALID_FORMAT.WRONG_NUM_TOKEN");
        assert_eq!(class("9S9"), "INVALID_FORMAT.UNEXPECTED_TOKEN");
    }

    #[test]
    fn reads_numbers_by_format() {
        let f = NumberFormat::parse("99.9").unwrap();
        assert_eq!(f.result_type(), DataType::Decimal128(3, 1));
        assert_eq!(f.read("12.5"), Some(125));
        assert_eq!(f.read("abc"), None);
        assert_eq!(NumberFormat::parse("999").unwrap().read("123"), Some(123));
        assert_eq!(NumberFormat::parse("$9,999MI").unwrap().read("$1,234-"), Some(-1234));
        assert_eq!(NumberFormat::parse("000").unwrap().read("54"), None);
        assert_eq!(NumberFormat::parse("9,999").unwrap().read("1234"), None);
        assert_eq!(NumberFormat::parse("999PR").unwrap().read("<12>"), Some(-12));
        assert!(NumberFormat::parse("abc").is_err());
    }
}
