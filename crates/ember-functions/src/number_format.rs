//! Spark's `to_number(text, format)` and `try_to_number`: text read as a
//! DECIMAL by a number format of digits (`9` or `0`), at most one decimal
//! point (`.` or `D`), grouping separators (`,` or `G`), an optional leading
//! `$`, and a sign (`S` first or last, `MI` last, or `PR` last for angle
//! brackets around negatives). The result has as many digits as the format
//! and as many after the point.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Decimal128Array};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::{Expr, cast};
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;

/// A parsed number format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    /// Digits before the decimal point.
    integral: u8,
    /// Digits after it.
    fraction: u8,
    dollar: bool,
    sign: Sign,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sign {
    None,
    Leading,
    Trailing,
    Minus,
    Brackets,
}

fn invalid_format(format: &str, detail: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "INVALID_FORMAT.WRONG_NUM_DIGIT",
        "42601",
        format!("The format is invalid: '{format}'. {detail}"),
        &[("format", format!("'{format}'"))],
    )
}

impl NumberFormat {
    /// Parses `format`; `Err` is Spark's `INVALID_FORMAT`.
    pub fn parse(format: &str) -> std::result::Result<Self, SparkError> {
        let upper = format.to_ascii_uppercase();
        let mut rest = upper.as_str();
        let mut sign = Sign::None;
        for (suffix, kind) in [("MI", Sign::Minus), ("PR", Sign::Brackets), ("S", Sign::Trailing)] {
            if let Some(stripped) = rest.strip_suffix(suffix) {
                rest = stripped;
                sign = kind;
                break;
            }
        }
        if let Some(stripped) = rest.strip_prefix('S') {
            if sign != Sign::None {
                return Err(invalid_format(format, "The format string contains more than one sign."));
            }
            rest = stripped;
            sign = Sign::Leading;
        }
        let dollar = rest.starts_with('$');
        let rest = rest.trim_start_matches('$');
        let (mut integral, mut fraction, mut point) = (0u8, 0u8, false);
        for c in rest.chars() {
            match c {
                '0' | '9' if point => fraction += 1,
                '0' | '9' => integral += 1,
                '.' | 'D' if !point => point = true,
                ',' | 'G' if !point => {}
                _ => return Err(invalid_format(format, "The format string contains an unexpected character.")),
            }
        }
        if integral + fraction == 0 {
            return Err(invalid_format(format, "The format string needs at least one digit."));
        }
        Ok(Self { integral, fraction, dollar, sign })
    }

    /// The DECIMAL type of the numbers this format reads.
    pub fn result_type(&self) -> DataType {
        DataType::Decimal128((self.integral + self.fraction).max(1), self.fraction as i8)
    }

    /// The unscaled value of `text`, or `None` when it does not match.
    pub fn read(&self, text: &str) -> Option<i128> {
        let mut text = text.trim();
        let mut negative = false;
        match self.sign {
            Sign::Brackets => {
                if let Some(inner) = text.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
                    text = inner;
                    negative = true;
                }
            }
            Sign::Minus | Sign::Trailing => {
                if let Some(inner) = text.strip_suffix('-') {
                    text = inner;
                    negative = true;
                } else if self.sign == Sign::Trailing {
                    text = text.strip_suffix('+').unwrap_or(text);
                }
            }
            Sign::Leading => {
                if let Some(inner) = text.strip_prefix('-') {
                    text = inner;
                    negative = true;
                } else {
                    text = text.strip_prefix('+').unwrap_or(text);
                }
            }
            Sign::None => {}
        }
        if self.dollar {
            text = text.strip_prefix('$')?;
        }
        let (whole, part) = text.split_once('.').unwrap_or((text, ""));
        let whole: String = whole.chars().filter(|c| *c != ',').collect();
        let digits_ok = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() && part.is_empty() || !digits_ok(&whole) || !digits_ok(part) {
            return None;
        }
        if whole.len() > usize::from(self.integral) || part.len() > usize::from(self.fraction) {
            return None;
        }
        let padded = format!("{whole}{part:0<width$}", width = usize::from(self.fraction));
        let value: i128 = if padded.is_empty() { 0 } else { padded.parse().ok()? };
        Some(if negative { -value } else { value })
    }
}

/// `to_number(text, format)` (`try_to_number` when `fail` is false) with a
/// literal `format`.
pub fn to_number(text: Expr, format: &str, fail: bool) -> std::result::Result<Expr, SparkError> {
    let parsed = NumberFormat::parse(format)?;
    let context = format!("{}|{format}", if fail { "fail" } else { "null" });
    let args = vec![cast(text, DataType::Utf8)];
    Ok(if fail {
        KernelUdf::call_null_intolerant("to_number", parsed.result_type(), kernel, &context, args)
    } else {
        KernelUdf::call("try_to_number", parsed.result_type(), kernel, &context, args)
    })
}

fn mismatch(text: &str, format: &str) -> DataFusionError {
    SparkError::new(
        ErrorKind::NumberFormat,
        "INVALID_FORMAT.MISMATCH_INPUT",
        "42601",
        format!("The format is invalid: '{format}'. The input {text} does not match the format."),
        &[("inputType", "\"STRING\"".to_string()), ("input", text.to_string()), ("format", format!("'{format}'"))],
    )
    .into_datafusion()
}

fn kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_numbers_by_format() {
        let f = NumberFormat::parse("99.9").unwrap();
        assert_eq!(f.result_type(), DataType::Decimal128(3, 1));
        assert_eq!(f.read("12.5"), Some(125));
        assert_eq!(f.read("abc"), None);
        assert_eq!(NumberFormat::parse("999").unwrap().read("123"), Some(123));
        assert_eq!(NumberFormat::parse("$9,999MI").unwrap().read("$1,234-"), Some(-1234));
        assert_eq!(NumberFormat::parse("999PR").unwrap().read("<12>"), Some(-12));
        assert!(NumberFormat::parse("abc").is_err());
    }
}
