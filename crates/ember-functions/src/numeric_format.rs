//! Spark's `round` (HALF_UP) and `bround` (HALF_EVEN) rounding, `format_number` (grouped digits,
//! HALF_EVEN) and `conv` (base conversion with 64-bit unsigned wrap-around).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Decimal128Array, Float64Array, Int64Array, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Float64Type, Int32Type, Int64Type};
use datafusion::arrow::error::ArrowError;
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::Expr;

use crate::kernel_udf::KernelUdf;

/// How `round` (HALF_UP) and `bround` (HALF_EVEN) break ties.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    HalfUp,
    HalfEven,
    /// Towards positive infinity (`ceil(x, scale)`).
    Ceiling,
    /// Towards negative infinity (`floor(x, scale)`).
    Floor,
}

impl Rounding {
    fn name(self) -> &'static str {
        match self {
            Rounding::HalfUp => "round",
            Rounding::HalfEven => "bround",
            Rounding::Ceiling => "ceil",
            Rounding::Floor => "floor",
        }
    }
}

/// The result type of `round`/`bround(value, scale)` for a value of `input`
/// type: a decimal keeps room for a carry into its integral digits.
pub fn round_type(input: &DataType, scale: i32) -> DataType {
    match input {
        DataType::Decimal128(p, s) => {
            let integral_digits = i32::from(*p) - i32::from(*s) + 1;
            let (precision, new_scale) = if scale < 0 {
                (integral_digits.max(1 - scale), 0)
            } else {
                let new_scale = scale.min(i32::from(*s));
                (integral_digits + new_scale, new_scale)
            };
            DataType::Decimal128(precision.clamp(1, 38) as u8, new_scale as i8)
        }
        other => other.clone(),
    }
}

/// `round`/`bround(value, scale)` with a constant `scale`, typed by [`round_type`].
pub fn round(value: Expr, input: &DataType, scale: i32, rounding: Rounding) -> Expr {
    // An untyped NULL rounds as a DOUBLE.
    let (value, input) = match input {
        DataType::Null => (datafusion::logical_expr::cast(value, DataType::Float64), &DataType::Float64),
        _ => (value, input),
    };
    let result = round_type(input, scale);
    let parameters = format!("{scale}:{}", rounding.name());
    KernelUdf::call(rounding.name(), result, round_kernel, &parameters, vec![value])
}

/// `unscaled` (at `scale`) rounded to `to_scale` digits (not more than `scale`).
pub(crate) fn round_unscaled(unscaled: i128, scale: i8, to_scale: i8, rounding: Rounding) -> i128 {
    if to_scale >= scale {
        return unscaled;
    }
    // Past 38 digits the whole value is below half a unit.
    let Some(factor) = 10i128.checked_pow((i32::from(scale) - i32::from(to_scale)) as u32) else { return 0 };
    let (quotient, remainder) = (unscaled / factor, unscaled % factor);
    let twice = remainder.abs() * 2;
    let away = match rounding {
        Rounding::HalfUp => twice >= factor,
        Rounding::HalfEven => twice > factor || (twice == factor && quotient % 2 != 0),
        Rounding::Ceiling => remainder > 0,
        Rounding::Floor => remainder < 0,
    };
    if away { quotient + unscaled.signum() } else { quotient }
}

/// `value` rounded at `scale` decimal places as Spark rounds a double: on
/// its shortest decimal text (`2.675` rounds to `2.68`, not `2.67`).
fn round_double(value: f64, scale: i32, rounding: Rounding) -> f64 {
    if !value.is_finite() {
        return value;
    }
    let text = format!("{}", value.abs());
    let (integral, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits: Vec<u8> = integral.bytes().chain(fraction.bytes()).map(|b| b - b'0').collect();
    // value = digits × 10^(integral digits − all digits); keep the first `kept`.
    let kept = integral.len() as i64 + i64::from(scale);
    if kept >= digits.len() as i64 {
        return value;
    }
    // A decimal has no negative zero; a ceiling or floor away from zero is one unit of `scale`.
    if kept < 0 {
        return match rounding {
            Rounding::Ceiling if value > 0.0 => 10f64.powi(-scale),
            Rounding::Floor if value < 0.0 => -(10f64.powi(-scale)),
            _ => 0.0,
        };
    }
    let kept = kept as usize;
    let mut rounded = digits[..kept].to_vec();
    let first_dropped = digits[kept];
    let tie_broken_up = digits[kept + 1..].iter().any(|d| *d != 0) || rounded.last().is_some_and(|d| d % 2 == 1);
    let any_dropped = digits[kept..].iter().any(|d| *d != 0);
    let away = match rounding {
        Rounding::HalfUp => first_dropped >= 5,
        Rounding::HalfEven => first_dropped > 5 || (first_dropped == 5 && tie_broken_up),
        Rounding::Ceiling => any_dropped && value > 0.0,
        Rounding::Floor => any_dropped && value < 0.0,
    };
    if away {
        match rounded.iter().rposition(|d| *d != 9) {
            Some(at) => {
                rounded[at] += 1;
                rounded[at + 1..].iter_mut().for_each(|d| *d = 0);
            }
            None => {
                rounded.iter_mut().for_each(|d| *d = 0);
                rounded.insert(0, 1);
            }
        }
    }
    // value rounded = the kept digits as an integer × 10^(integral digits − kept).
    let mantissa: String = rounded.iter().map(|d| char::from(b'0' + d)).collect();
    let magnitude: f64 = if mantissa.is_empty() { 0.0 } else { format!("{mantissa}e{}", integral.len() as i64 - kept as i64).parse().unwrap_or(0.0) };
    if magnitude == 0.0 { 0.0 } else { value.signum() * magnitude }
}

fn round_kernel(args: &[ArrayRef], parameters: &str) -> Result<ArrayRef> {
    let (scale, rounding) = parameters.split_once(':').unwrap_or((parameters, "round"));
    let scale: i32 = scale.parse().unwrap_or(0);
    let rounding = match rounding {
        "bround" => Rounding::HalfEven,
        "ceil" => Rounding::Ceiling,
        "floor" => Rounding::Floor,
        _ => Rounding::HalfUp,
    };
    let values = &args[0];
    Ok(match values.data_type() {
        DataType::Float64 | DataType::Float32 => {
            let doubles = cast(values, &DataType::Float64)?;
            let rounded: Float64Array = doubles.as_primitive::<Float64Type>().unary(|v| round_double(v, scale, rounding));
            cast(&rounded, values.data_type())?
        }
        DataType::Decimal128(_, s) => {
            let DataType::Decimal128(p, to_scale) = round_type(values.data_type(), scale) else { unreachable!("a decimal") };
            // A negative scale rounds to tens, hundreds, …, kept at scale 0.
            let (at_scale, tens) = if scale < 0 { (scale.max(-38) as i8, 10i128.pow((-scale).min(38) as u32)) } else { (to_scale, 1) };
            let rounded: Decimal128Array = values.as_primitive::<Decimal128Type>().try_unary(|v| {
                round_unscaled(v, *s, at_scale, rounding).checked_mul(tens).ok_or_else(|| ArrowError::ComputeError(format!("{} overflows DECIMAL({p}, 0)", rounding.name())))
            })?;
            Arc::new(rounded.with_precision_and_scale(p, to_scale)?)
        }
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
            let longs = cast(values, &DataType::Int64)?;
            let rounded: Int64Array = if scale >= 0 {
                longs.as_primitive::<Int64Type>().clone()
            } else {
                let digits = (-scale).min(38) as i8;
                longs.as_primitive::<Int64Type>().unary(|v| {
                    let rounded = round_unscaled(i128::from(v), digits, 0, rounding) * 10i128.pow(digits as u32);
                    i64::try_from(rounded).unwrap_or(0)
                })
            };
            cast(&rounded, values.data_type())?
        }
        other => return exec_err!("{} of {other}", rounding.name()),
    })
}

/// `format_number(value, digits)`: `#,###,###.##` with `digits` decimals;
/// `format_number(value, pattern)` with a text pattern writes as Java's
/// `DecimalFormat` (see [`crate::decimal_format`]).
pub fn format_number(value: Expr, digits: Expr) -> Expr {
    KernelUdf::call("format_number", DataType::Utf8, format_number_kernel, "", vec![value, digits])
}

/// Inserts `,` every three digits of an unsigned integer's digits.
fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A fixed-point number's text (`-12345.678`) with grouped integer digits.
fn grouped(text: &str) -> String {
    let (sign, unsigned) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (integer, fraction) = unsigned.split_once('.').map_or((unsigned, None), |(i, f)| (i, Some(f)));
    let negative_zero = sign == "-" && integer.chars().chain(fraction.unwrap_or("").chars()).all(|c| c == '0');
    let sign = if negative_zero { "" } else { sign };
    match fraction {
        Some(fraction) => format!("{sign}{}.{fraction}", group_digits(integer)),
        None => format!("{sign}{}", group_digits(integer)),
    }
}

/// An unscaled decimal's text at `scale`.
fn decimal_text(unscaled: i128, scale: i8) -> String {
    let digits = unscaled.unsigned_abs().to_string();
    let sign = if unscaled < 0 { "-" } else { "" };
    if scale <= 0 {
        return format!("{sign}{digits}");
    }
    let scale = scale as usize;
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (integer, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{integer}.{fraction}")
}

fn format_number_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    if matches!(args[1].data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
        return format_with_patterns(&args[0], &args[1]);
    }
    let digits = cast(&args[1], &DataType::Int32)?;
    let digits = digits.as_primitive::<Int32Type>();
    let values = &args[0];
    let texts: Vec<Option<String>> = match values.data_type() {
        DataType::Decimal128(_, s) => {
            let decimals = values.as_primitive::<Decimal128Type>();
            (0..values.len())
                .map(|i| {
                    let d = digits.is_valid(i).then(|| digits.value(i)).filter(|d| *d >= 0)?;
                    if decimals.is_null(i) {
                        return None;
                    }
                    let to_scale = d.min(38) as i8;
                    let rounded = round_unscaled(decimals.value(i), *s, to_scale, Rounding::HalfEven);
                    let text = decimal_text(rounded, to_scale.min(*s));
                    Some(grouped(&with_fraction_digits(text, to_scale.min(*s), to_scale)))
                })
                .collect()
        }
        _ => {
            let doubles = cast(values, &DataType::Float64)?;
            let doubles = doubles.as_primitive::<Float64Type>();
            (0..values.len())
                .map(|i| {
                    let d = digits.is_valid(i).then(|| digits.value(i)).filter(|d| *d >= 0)?;
                    let v = doubles.is_valid(i).then(|| doubles.value(i))?;
                    Some(if v.is_nan() {
                        "NaN".to_string()
                    } else if v.is_infinite() {
                        if v > 0.0 { "∞".to_string() } else { "-∞".to_string() }
                    } else {
                        grouped(&format!("{v:.prec$}", prec = d as usize))
                    })
                })
                .collect()
        }
    };
    Ok(Arc::new(StringArray::from(texts)))
}

/// `text`, a number with `scale` fraction digits, padded with zeros to `digits` of them.
fn with_fraction_digits(text: String, scale: i8, digits: i8) -> String {
    let missing = (digits - scale.max(0)).max(0) as usize;
    match (missing, scale > 0) {
        (0, _) => text,
        (_, true) => format!("{text}{}", "0".repeat(missing)),
        (_, false) => format!("{text}.{}", "0".repeat(missing)),
    }
}

/// `format_number(value, pattern)` row by row; a pattern is parsed once per run of equal ones.
fn format_with_patterns(values: &ArrayRef, patterns: &ArrayRef) -> Result<ArrayRef> {
    use crate::decimal_format::DecimalPattern;
    let patterns = cast(patterns, &DataType::Utf8)?;
    let patterns = patterns.as_string::<i32>();
    let mut parsed: Option<(String, DecimalPattern)> = None;
    let mut texts = Vec::with_capacity(values.len());
    let decimals = matches!(values.data_type(), DataType::Decimal128(..)).then(|| values.as_primitive::<Decimal128Type>());
    let integers = is_integer_type(values.data_type()).then(|| cast(values, &DataType::Int64)).transpose()?;
    let doubles = (decimals.is_none() && integers.is_none()).then(|| cast(values, &DataType::Float64)).transpose()?;
    for i in 0..values.len() {
        if values.is_null(i) || patterns.is_null(i) {
            texts.push(None);
            continue;
        }
        let text = patterns.value(i);
        if parsed.as_ref().is_none_or(|(p, _)| p != text) {
            parsed = Some((text.to_string(), DecimalPattern::parse(text).map_err(ember_errors::SparkError::into_datafusion)?));
        }
        let pattern = &parsed.as_ref().expect("parsed above").1;
        let written = match (&decimals, &integers, &doubles) {
            (Some(d), _, _) => {
                let DataType::Decimal128(_, scale) = values.data_type() else { unreachable!("a decimal array") };
                pattern.format_decimal(d.value(i), *scale)
            }
            (_, Some(n), _) => pattern.format_decimal(i128::from(n.as_primitive::<Int64Type>().value(i)), 0),
            (_, _, Some(d)) => pattern.format_f64(d.as_primitive::<Float64Type>().value(i)),
            _ => unreachable!("one of the three kinds"),
        };
        texts.push(Some(written));
    }
    Ok(Arc::new(StringArray::from(texts)))
}

fn is_integer_type(t: &DataType) -> bool {
    matches!(t, DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 | DataType::UInt8 | DataType::UInt16 | DataType::UInt32)
}

/// `conv(number, from_base, to_base)`.
pub fn conv(number: Expr, from_base: Expr, to_base: Expr) -> Expr {
    KernelUdf::call("conv", DataType::Utf8, conv_kernel, "", vec![number, from_base, to_base])
}

/// Spark's `NumberConverter.convert` of one value.
fn convert_base(text: &str, from: i32, to: i32) -> Option<String> {
    if !(2..=36).contains(&from) || !(2..=36).contains(&to.abs()) {
        return None;
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let mut value: u64 = 0;
    let mut overflow = false;
    for c in digits.chars() {
        let Some(digit) = c.to_digit(36).filter(|d| *d < from as u32) else { break };
        match value.checked_mul(from as u64).and_then(|v| v.checked_add(u64::from(digit))) {
            Some(v) => value = v,
            None => {
                overflow = true;
                break;
            }
        }
    }
    if overflow {
        value = u64::MAX;
    }
    if negative {
        value = value.wrapping_neg();
    }
    let (sign, magnitude) = if to < 0 && (value as i64) < 0 { ("-", (value as i64).unsigned_abs()) } else { ("", value) };
    let base = to.unsigned_abs() as u64;
    let mut out = Vec::new();
    let mut rest = magnitude;
    loop {
        let digit = (rest % base) as u32;
        out.push(std::char::from_digit(digit, 36).unwrap_or('0').to_ascii_uppercase());
        rest /= base;
        if rest == 0 {
            break;
        }
    }
    out.reverse();
    Some(format!("{sign}{}", out.into_iter().collect::<String>()))
}

fn conv_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let texts = cast(&args[0], &DataType::Utf8)?;
    let texts = texts.as_string::<i32>();
    let from = cast(&args[1], &DataType::Int32)?;
    let to = cast(&args[2], &DataType::Int32)?;
    let (from, to) = (from.as_primitive::<Int32Type>(), to.as_primitive::<Int32Type>());
    let converted: StringArray = (0..texts.len())
        .map(|i| {
            if texts.is_null(i) || from.is_null(i) || to.is_null(i) {
                return None;
            }
            convert_base(texts.value(i), from.value(i), to.value(i))
        })
        .collect();
    Ok(Arc::new(converted))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_unscaled_decimals() {
        assert_eq!(round_unscaled(25, 1, 0, Rounding::HalfEven), 2);
        assert_eq!(round_unscaled(35, 1, 0, Rounding::HalfEven), 4);
        assert_eq!(round_unscaled(-25, 1, 0, Rounding::HalfEven), -2);
        assert_eq!(round_unscaled(-25, 1, 0, Rounding::HalfUp), -3);
        assert_eq!(round_unscaled(126, 2, 1, Rounding::HalfEven), 13);
        assert_eq!(round_unscaled(10i128.pow(37), 38, -38, Rounding::HalfUp), 0);
        assert_eq!(round_type(&DataType::Decimal128(2, 1), 0), DataType::Decimal128(2, 0));
        assert_eq!(round_type(&DataType::Decimal128(2, 1), 3), DataType::Decimal128(3, 1));
        assert_eq!(round_type(&DataType::Decimal128(5, 3), -1), DataType::Decimal128(3, 0));
        assert_eq!(round_type(&DataType::Decimal128(2, 1), -4), DataType::Decimal128(5, 0));
    }

    #[test]
    fn rounds_doubles_on_their_decimal_text() {
        assert_eq!(round_double(2.675, 2, Rounding::HalfUp), 2.68);
        assert_eq!(round_double(1.005, 2, Rounding::HalfUp), 1.01);
        assert_eq!(round_double(0.285, 2, Rounding::HalfUp), 0.29);
        assert_eq!(round_double(-2.5, 0, Rounding::HalfUp), -3.0);
        assert_eq!(round_double(2.5, 0, Rounding::HalfEven), 2.0);
        assert_eq!(round_double(9.96, 1, Rounding::HalfUp), 10.0);
        assert_eq!(round_double(1e300, -299, Rounding::HalfUp), 1e300);
        assert_eq!(round_double(125.0, -1, Rounding::HalfUp), 130.0);
        assert_eq!(round_double(0.04, -1, Rounding::HalfUp), 0.0);
        assert!(round_double(-0.4, 0, Rounding::HalfUp).is_sign_positive());
    }

    #[test]
    fn formats_numbers_with_grouping() {
        assert_eq!(grouped(&format!("{:.4}", 12332.123456f64)), "12,332.1235");
        assert_eq!(grouped(&format!("{:.0}", 1234.5f64)), "1,234");
        assert_eq!(grouped(&decimal_text(-1234567, 2)), "-12,345.67");
        assert_eq!(grouped("-0.00"), "0.00");
    }

    #[test]
    fn converts_bases_as_spark() {
        assert_eq!(convert_base("100", 2, 10).as_deref(), Some("4"));
        assert_eq!(convert_base("-10", 16, -10).as_deref(), Some("-16"));
        assert_eq!(convert_base("ff", 16, 2).as_deref(), Some("11111111"));
        assert_eq!(convert_base("255", 10, 16).as_deref(), Some("FF"));
        assert_eq!(convert_base("-10", 16, 10).as_deref(), Some("18446744073709551600"));
        assert_eq!(convert_base("1", 1, 10), None);
    }
}
