//! Spark's casts to and from ANSI interval types (`interval hour`, `interval
//! year to month`, …): a number counts the interval's end unit (`CAST(3 AS
//! INTERVAL HOUR)` is three hours, decimals rounded half up to a microsecond or
//! a month), strings are read in the forms of the target's units (`'1 2:03:04'`,
//! `'INTERVAL ''1'' DAY'`), an interval cast to other units or to a number is
//! cut to its end unit (toward zero). Overflow fails whatever the ANSI setting;
//! only `try_cast` gives NULL.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Decimal128Array, DurationMicrosecondArray, Int64Array, IntervalYearMonthArray};
use arrow::datatypes::{DataType, Decimal128Type, Int8Type, Int16Type, Int32Type, Int64Type, IntervalUnit};
use ember_errors::{ErrorKind, SparkError};
use ember_types::IntervalFields;

use crate::cast::{CastMode, is_integral, is_string};
use crate::display;

/// Microseconds in each day-time unit (DAY, HOUR, MINUTE, SECOND).
const MICROS_PER_UNIT: [i64; 4] = [86_400_000_000, 3_600_000_000, 60_000_000, 1_000_000];

/// Months in each year-month unit (YEAR, MONTH).
const MONTHS_PER_UNIT: [i64; 2] = [12, 1];

/// The kind and units of an ANSI interval type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntervalType {
    /// Year-month (months) rather than day-time (microseconds).
    pub year_month: bool,
    /// The interval's start and end units.
    pub fields: IntervalFields,
}

impl IntervalType {
    /// The ANSI interval type of `data_type` written in `fields` (the widest
    /// units when `None`); `None` when `data_type` is not an ANSI interval.
    pub fn of(data_type: &DataType, fields: Option<IntervalFields>) -> Option<Self> {
        let year_month = match data_type {
            DataType::Duration(_) => false,
            DataType::Interval(IntervalUnit::YearMonth) => true,
            _ => return None,
        };
        Some(IntervalType { year_month, fields: fields.unwrap_or(IntervalFields::widest(year_month)) })
    }

    /// Spark's name of the type: `interval hour`, `interval year to month`.
    pub fn type_name(self) -> String {
        format!("interval {}", self.fields.units(self.year_month).to_lowercase())
    }

    /// Spark's upper-case SQL name, as error messages quote it: `INTERVAL HOUR`.
    pub fn sql_name(self) -> String {
        format!("INTERVAL {}", self.fields.units(self.year_month))
    }

    /// The amount (months or microseconds) one of the end unit holds.
    fn end_unit(self) -> i64 {
        if self.year_month { MONTHS_PER_UNIT[usize::from(self.fields.end)] } else { MICROS_PER_UNIT[usize::from(self.fields.end)] }
    }
}

/// Whether Spark casts a value of `source` to `target` when one of them is an
/// interval: numbers (integral and decimal), strings and intervals of the same
/// kind to an ANSI interval; ANSI intervals to strings, integral numbers,
/// decimals and intervals of the same kind; strings to a calendar interval
/// and a calendar interval to strings. `None` when neither side is an interval.
pub fn can_cast(source: &DataType, target: &DataType) -> Option<bool> {
    let ansi = |t: &DataType| IntervalType::of(t, None).map(|i| i.year_month);
    let number = |t: &DataType| is_integral(t) || matches!(t, DataType::Decimal128(..));
    let calendar = |t: &DataType| matches!(t, DataType::Interval(IntervalUnit::MonthDayNano));
    if source != target && (calendar(source) || calendar(target)) {
        return Some(is_string(source) || is_string(target) || matches!(source, DataType::Null));
    }
    match (ansi(source), ansi(target)) {
        (None, None) => None,
        (Some(from), Some(to)) => Some(from == to),
        (None, Some(_)) => Some(number(source) || is_string(source) || matches!(source, DataType::Null)),
        (Some(_), None) => Some(number(target) || is_string(target)),
    }
}

/// Casts `array` (numbers, strings or ANSI intervals in `source_units`) to the
/// interval type `target`.
pub fn cast_to_interval(array: &ArrayRef, source_units: Option<IntervalFields>, target: IntervalType, mode: CastMode) -> Result<ArrayRef, SparkError> {
    let source = array.data_type();
    let amounts: Vec<Option<i64>> = if let Some(from) = IntervalType::of(source, source_units) {
        // Cut to the end unit, except seconds, which keep their microseconds.
        let unit = if !target.year_month && target.fields.end == 3 { 1 } else { target.end_unit() };
        interval_amounts(array, from).into_iter().map(|v| v.map(|v| v - v % unit)).collect()
    } else if is_string(source) {
        let strings = arrow::compute::cast(array, &DataType::Utf8).map_err(|e| SparkError::internal(e.to_string()))?;
        let strings = strings.as_string::<i32>();
        let mut out = Vec::with_capacity(strings.len());
        for text in strings.iter() {
            out.push(match text.map(|text| parse_interval(text, target)).transpose() {
                Ok(value) => value,
                Err(_) if mode == CastMode::Try => None,
                Err(e) => return Err(e),
            });
        }
        out
    } else {
        let mut out = Vec::with_capacity(array.len());
        for i in 0..array.len() {
            out.push(match number_amount(array, i, target) {
                Some(Ok(value)) => Some(value),
                None => None,
                Some(Err(())) if mode == CastMode::Try => None,
                Some(Err(())) => {
                    let value = crate::cast::sql_literal(array, i);
                    return Err(SparkError::cast_overflow(&value, &crate::cast::type_name(source), &target.sql_name()));
                }
            });
        }
        out
    };
    Ok(interval_array(amounts, target.year_month))
}

/// Casts the ANSI interval `array` written in `units` to an integral or
/// decimal `target`: its amount of the end unit, cut toward zero (a decimal
/// keeps the fraction of seconds).
pub fn cast_from_interval(array: &ArrayRef, units: Option<IntervalFields>, target: &DataType, mode: CastMode) -> Result<ArrayRef, SparkError> {
    let Some(from) = IntervalType::of(array.data_type(), units) else {
        return Err(SparkError::internal(format!("{} is not an ANSI interval", array.data_type())));
    };
    let amounts = interval_amounts(array, from);
    let unit = from.end_unit();
    // The value with the scale of the end unit: microseconds (scale 6) for seconds, whole units otherwise.
    let seconds = !from.year_month && from.fields.end == 3;
    if let DataType::Decimal128(precision, scale) = target {
        let source_scale: i8 = if seconds { 6 } else { 0 };
        let mut out = Vec::with_capacity(amounts.len());
        for amount in &amounts {
            let Some(amount) = amount else {
                out.push(None);
                continue;
            };
            let unscaled = if seconds { i128::from(*amount) } else { i128::from(amount / unit) };
            let rescaled = rescale_half_up(unscaled, source_scale, *scale).filter(|v| fits_precision(*v, *precision));
            out.push(match rescaled {
                Some(v) => Some(v),
                None if mode == CastMode::Try => None,
                None => {
                    let text = decimal_text(unscaled, source_scale);
                    return Err(SparkError::numeric_value_out_of_range(&text, *precision, *scale));
                }
            });
        }
        let decimals = Decimal128Array::from(out).with_precision_and_scale(*precision, *scale).map_err(|e| SparkError::internal(e.to_string()))?;
        return Ok(Arc::new(decimals));
    }
    let (min, max) = match target {
        DataType::Int8 => (i64::from(i8::MIN), i64::from(i8::MAX)),
        DataType::Int16 => (i64::from(i16::MIN), i64::from(i16::MAX)),
        DataType::Int32 => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    let mut out = Vec::with_capacity(amounts.len());
    for (i, amount) in amounts.iter().enumerate() {
        out.push(match amount.map(|v| v / unit) {
            None => None,
            Some(v) if (min..=max).contains(&v) => Some(v),
            Some(_) if mode == CastMode::Try => None,
            Some(_) => {
                let text = display::cast_strings_with(array.slice(i, 1).as_ref(), Some(from.fields)).ok().and_then(|mut v| v.pop().flatten()).unwrap_or_default();
                return Err(SparkError::cast_overflow(&text, &from.sql_name(), &crate::cast::type_name(target)));
            }
        });
    }
    arrow::compute::cast(&(Arc::new(Int64Array::from(out)) as ArrayRef), target).map_err(|e| SparkError::internal(e.to_string()))
}

/// The months or microseconds of an ANSI interval array.
fn interval_amounts(array: &ArrayRef, kind: IntervalType) -> Vec<Option<i64>> {
    if kind.year_month {
        array.as_primitive::<arrow::datatypes::IntervalYearMonthType>().iter().map(|v| v.map(i64::from)).collect()
    } else {
        let micros = arrow::compute::cast(array, &DataType::Duration(arrow::datatypes::TimeUnit::Microsecond)).ok();
        match micros {
            Some(micros) => micros.as_primitive::<arrow::datatypes::DurationMicrosecondType>().iter().collect(),
            None => vec![None; array.len()],
        }
    }
}

/// An interval array of months or microseconds.
fn interval_array(amounts: Vec<Option<i64>>, year_month: bool) -> ArrayRef {
    if year_month {
        Arc::new(amounts.into_iter().map(|v| v.map(|v| v as i32)).collect::<IntervalYearMonthArray>())
    } else {
        Arc::new(DurationMicrosecondArray::from(amounts))
    }
}

/// The interval amount of the number at `i` counted in the end unit of
/// `target`; `None` for NULL, `Err` when it overflows.
fn number_amount(array: &ArrayRef, i: usize, target: IntervalType) -> Option<Result<i64, ()>> {
    if array.is_null(i) {
        return None;
    }
    let limit = if target.year_month { i128::from(i32::MIN)..=i128::from(i32::MAX) } else { i128::from(i64::MIN)..=i128::from(i64::MAX) };
    let unit = i128::from(target.end_unit());
    let amount = match array.data_type() {
        DataType::Decimal128(_, scale) => {
            let unscaled = array.as_primitive::<Decimal128Type>().value(i);
            unscaled.checked_mul(unit).and_then(|v| rescale_half_up(v, *scale, 0))
        }
        DataType::Int8 => i128::from(array.as_primitive::<Int8Type>().value(i)).checked_mul(unit),
        DataType::Int16 => i128::from(array.as_primitive::<Int16Type>().value(i)).checked_mul(unit),
        DataType::Int32 => i128::from(array.as_primitive::<Int32Type>().value(i)).checked_mul(unit),
        DataType::Int64 => i128::from(array.as_primitive::<Int64Type>().value(i)).checked_mul(unit),
        _ => None,
    };
    Some(amount.filter(|v| limit.contains(v)).map(|v| v as i64).ok_or(()))
}

/// `unscaled` (at scale `from`) at scale `to`, rounded half up; `None` on overflow.
fn rescale_half_up(unscaled: i128, from: i8, to: i8) -> Option<i128> {
    let shift = i32::from(to) - i32::from(from);
    if shift >= 0 {
        return unscaled.checked_mul(10i128.checked_pow(shift as u32)?);
    }
    let divisor = 10i128.checked_pow(shift.unsigned_abs())?;
    let (quotient, remainder) = (unscaled / divisor, unscaled % divisor);
    Some(if remainder.abs() * 2 >= divisor { quotient + unscaled.signum() } else { quotient })
}

fn fits_precision(unscaled: i128, precision: u8) -> bool {
    10i128.checked_pow(u32::from(precision)).is_none_or(|limit| unscaled.abs() < limit)
}

/// A decimal's plain text (`9999.500000`).
fn decimal_text(unscaled: i128, scale: i8) -> String {
    if scale <= 0 {
        return unscaled.to_string();
    }
    let digits = format!("{:0>width$}", unscaled.unsigned_abs(), width = scale as usize + 1);
    let (whole, fraction) = digits.split_at(digits.len() - scale as usize);
    format!("{}{whole}.{fraction}", if unscaled < 0 { "-" } else { "" })
}

/// Reads `text` as an interval of type `target`, in the forms Spark accepts for
/// its units: the value alone (`[+|-]d h:m:s.n`) or as an ANSI literal
/// (`INTERVAL [+|-]'[+|-]d h:m:s.n' DAY TO SECOND`); single units read any
/// count (`'100'` for `interval hour`).
pub fn parse_interval(text: &str, target: IntervalType) -> Result<i64, SparkError> {
    let trimmed = text.trim_matches(|c: char| c <= ' ');
    let unmatched = || unmatched_format(text, target);
    let (sign, body) = match literal_body(trimmed) {
        Some((outer, inner, units)) => {
            if !units_are(units, target) {
                return Err(unmatched());
            }
            let (sign, body) = split_sign(inner);
            (outer * sign, body)
        }
        None => split_sign(trimmed),
    };
    let fields = target.fields;
    if target.year_month {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        let parsing = || SparkError::new(
            ErrorKind::IllegalArgument,
            "INVALID_INTERVAL_FORMAT.INTERVAL_PARSING",
            "22006",
            format!("Error parsing '{text}' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Error parsing interval year-month string."),
            &[("interval", "year-month".to_string()), ("input", text.to_string())],
        );
        if fields.start == 0 && fields.end == 1 {
            let (years, months) = body.split_once('-').filter(|(y, m)| digits(y) && digits(m)).ok_or_else(unmatched)?;
            let years: i64 = years.parse().map_err(|_| parsing())?;
            let months: i64 = months.parse().map_err(|_| parsing())?;
            if years > i64::from(i32::MAX) / 12 || months > 11 {
                return Err(parsing());
            }
            return Ok(sign * (years * 12 + months));
        }
        if !digits(body) {
            return Err(unmatched());
        }
        let count: i64 = body.parse().map_err(|_| parsing())?;
        let months = count.checked_mul(target.end_unit()).filter(|m| *m <= i64::from(i32::MAX)).ok_or_else(parsing)?;
        return Ok(sign * months);
    }
    if fields.start == fields.end {
        let (whole, fraction) = match body.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (body, None),
        };
        let digits = |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
        let max_digits = [9, 10, 12, 13][usize::from(fields.end)];
        if !digits(whole, max_digits) || fraction.is_some_and(|f| fields.end != 3 || !digits(f, 9)) {
            return Err(unmatched());
        }
        let count: i64 = whole.parse().map_err(|_| unmatched())?;
        if fields.end == 3 {
            let micros = count.checked_mul(1_000_000).and_then(|m| m.checked_add(fraction_micros(fraction.unwrap_or("")))).ok_or_else(unmatched)?;
            return Ok(sign * micros);
        }
        // Spark multiplies without an overflow check here.
        return Ok(sign.wrapping_mul(count).wrapping_mul(target.end_unit()));
    }
    // Several units: `d h:m:s.n` and its shorter forms, each field after the first at most two digits.
    let (day, clock) = if fields.start == 0 {
        let (day, clock) = body.split_once(' ').ok_or_else(unmatched)?;
        (Some(day), clock)
    } else {
        (None, body)
    };
    let parts: Vec<&str> = clock.split(':').collect();
    let clock_units = usize::from(fields.end) - usize::from(fields.start.max(1)) + 1;
    if parts.len() != clock_units {
        return Err(unmatched());
    }
    let (last, seconds_fraction) = match (fields.end, parts[parts.len() - 1].split_once('.')) {
        (3, Some((whole, fraction))) => (whole, Some(fraction)),
        (_, _) => (parts[parts.len() - 1], None),
    };
    let leading_max = [9, 10, 12, 13][usize::from(fields.start)];
    let digits = |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
    if day.is_some_and(|d| !digits(d, 9)) || seconds_fraction.is_some_and(|f| !digits(f, 9)) {
        return Err(unmatched());
    }
    let mut values: Vec<(u8, &str)> = Vec::new();
    if let Some(day) = day {
        values.push((0, day));
    }
    for (k, part) in parts.iter().enumerate() {
        let part = if k + 1 == parts.len() { last } else { part };
        let unit = fields.start.max(1) + k as u8;
        let max = if unit == fields.start { leading_max } else { 2 };
        if !digits(part, max) {
            return Err(unmatched());
        }
        values.push((unit, part));
    }
    const NAMES: [&str; 4] = ["day", "hour", "minute", "second"];
    const UPPER: [i64; 4] = [i64::MAX / 86_400_000_000, 23, 59, 59];
    let mut micros: i64 = 0;
    for (unit, part) in values {
        let value: i64 = part.parse().map_err(|_| unmatched())?;
        let upper = if unit == fields.start { i64::MAX / MICROS_PER_UNIT[usize::from(unit)] } else { UPPER[usize::from(unit)] };
        if value > upper {
            return Err(SparkError::new(
                ErrorKind::IllegalArgument,
                "",
                "",
                format!("requirement failed: {} {value} outside range [0, {upper}]", NAMES[usize::from(unit)]),
                &[],
            ));
        }
        let mut amount = value.checked_mul(MICROS_PER_UNIT[usize::from(unit)]).ok_or_else(unmatched)?;
        if unit == 3 {
            amount = amount.checked_add(fraction_micros(seconds_fraction.unwrap_or(""))).ok_or_else(unmatched)?;
        }
        micros = micros.checked_add(amount).ok_or_else(unmatched)?;
    }
    Ok(sign * micros)
}

/// Microseconds of a fraction of a second's digits (`5` is 500000), cut to a microsecond.
fn fraction_micros(digits: &str) -> i64 {
    format!("{digits:0<6}")[..6].parse().unwrap_or(0)
}

/// `-1` for a leading `-`, `1` otherwise, and the rest after any sign.
fn split_sign(text: &str) -> (i64, &str) {
    match text.as_bytes().first() {
        Some(b'-') => (-1, &text[1..]),
        Some(b'+') => (1, &text[1..]),
        _ => (1, text),
    }
}

/// `INTERVAL [+|-]'body' units` (case-insensitive): the outer sign, the body and the units' words.
fn literal_body(text: &str) -> Option<(i64, &str, Vec<&str>)> {
    let keyword = text.get(..8).filter(|k| k.eq_ignore_ascii_case("interval"))?;
    let rest = &text[keyword.len()..];
    let after = rest.trim_start();
    if after.len() == rest.len() {
        return None;
    }
    let (sign, quoted) = match after.as_bytes().first()? {
        b'-' => (-1, &after[1..]),
        b'+' => (1, &after[1..]),
        _ => (1, after),
    };
    let quoted = quoted.strip_prefix('\'')?;
    let (body, units) = quoted.split_once('\'')?;
    if !units.starts_with(char::is_whitespace) {
        return None;
    }
    Some((sign, body, units.split_whitespace().collect()))
}

/// Whether the words `units` (`DAY TO SECOND`) name exactly the units of `target`.
fn units_are(units: Vec<&str>, target: IntervalType) -> bool {
    let expected = target.fields.units(target.year_month);
    let written: Vec<String> = units.iter().map(|w| w.to_uppercase()).collect();
    written.join(" ") == expected
}

/// `INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING[_WITH_NOTICE]`: `input` is in none of the forms of `target`.
fn unmatched_format(input: &str, target: IntervalType) -> SparkError {
    let (start, end) = (usize::from(target.fields.start), usize::from(target.fields.end));
    let (value, kind) = if target.year_month {
        (["y", "m"][start..=end].join("-"), "year-month")
    } else {
        let letters = ["d", "h", "m", "s.n"];
        let clock = letters[start.max(1)..=end.max(start.max(1))].join(":");
        let value = match (start, end) {
            (0, 0) => "d".to_string(),
            (0, _) => format!("d {clock}"),
            _ => clock,
        };
        (value, "day-time")
    };
    let supported = format!("`[+|-]{value}`, `INTERVAL [+|-]'[+|-]{value}' {}`", target.fields.units(target.year_month));
    let type_name = target.type_name();
    let (class, notice) = if target.year_month {
        ("INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING", String::new())
    } else {
        ("INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING_WITH_NOTICE", " Set \"spark.sql.legacy.fromDayTimeString.enabled\" to \"true\" to restore the behavior before Spark 3.0.".to_string())
    };
    SparkError::new(
        ErrorKind::IllegalArgument,
        class,
        "22006",
        format!("Error parsing '{input}' to interval. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. Interval string does not match {kind} format of {supported} when cast to {type_name}: {input}.{notice}"),
        &[("typeName", type_name.clone()), ("supportedFormat", supported.clone()), ("input", input.to_string()), ("intervalStr", kind.to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dt(start: u8, end: u8) -> IntervalType {
        IntervalType { year_month: false, fields: IntervalFields::new(start, end, false).unwrap() }
    }

    fn ym(start: u8, end: u8) -> IntervalType {
        IntervalType { year_month: true, fields: IntervalFields::new(start, end, true).unwrap() }
    }

    #[test]
    fn strings_in_the_forms_of_the_units() {
        assert_eq!(parse_interval("1 2:03:04.5", dt(0, 3)).unwrap(), 93_784_500_000);
        assert_eq!(parse_interval(" -1 2:03:04 ", dt(0, 3)).unwrap(), -93_784_000_000);
        assert_eq!(parse_interval("INTERVAL -'-1' DAY", dt(0, 0)).unwrap(), 86_400_000_000);
        assert_eq!(parse_interval("interval '1 2' day to hour", dt(0, 1)).unwrap(), 93_600_000_000);
        assert_eq!(parse_interval("100", dt(1, 1)).unwrap(), 360_000_000_000);
        assert_eq!(parse_interval("1:2:3", dt(1, 3)).unwrap(), 3_723_000_000);
        assert_eq!(parse_interval("3.5", dt(3, 3)).unwrap(), 3_500_000);
        assert_eq!(parse_interval("-1-2", ym(0, 1)).unwrap(), -14);
        assert_eq!(parse_interval("3", ym(0, 0)).unwrap(), 36);
        let class = |text: &str, target| parse_interval(text, target).unwrap_err().error_class;
        assert_eq!(class("1.5", dt(0, 0)), "INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING_WITH_NOTICE");
        assert_eq!(class("INTERVAL '1' DAY", dt(1, 1)), "INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING_WITH_NOTICE");
        assert_eq!(class("1 2:03", dt(0, 3)), "INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING_WITH_NOTICE");
        assert_eq!(class("1-13", ym(0, 1)), "INVALID_INTERVAL_FORMAT.INTERVAL_PARSING");
        assert_eq!(class("1-2", ym(0, 0)), "INVALID_INTERVAL_FORMAT.UNMATCHED_FORMAT_STRING");
        assert_eq!(parse_interval("1 25", dt(0, 1)).unwrap_err().message, "requirement failed: hour 25 outside range [0, 23]");
    }

    #[test]
    fn the_supported_formats_of_each_type() {
        let format = |target| unmatched_format("x", target).parameters["supportedFormat"].clone();
        assert_eq!(format(dt(0, 3)), "`[+|-]d h:m:s.n`, `INTERVAL [+|-]'[+|-]d h:m:s.n' DAY TO SECOND`");
        assert_eq!(format(dt(1, 2)), "`[+|-]h:m`, `INTERVAL [+|-]'[+|-]h:m' HOUR TO MINUTE`");
        assert_eq!(format(dt(3, 3)), "`[+|-]s.n`, `INTERVAL [+|-]'[+|-]s.n' SECOND`");
        assert_eq!(format(dt(0, 0)), "`[+|-]d`, `INTERVAL [+|-]'[+|-]d' DAY`");
        assert_eq!(format(ym(0, 1)), "`[+|-]y-m`, `INTERVAL [+|-]'[+|-]y-m' YEAR TO MONTH`");
        assert_eq!(format(ym(1, 1)), "`[+|-]m`, `INTERVAL [+|-]'[+|-]m' MONTH`");
    }

    #[test]
    fn rounding_half_up() {
        assert_eq!(rescale_half_up(15, 1, 0), Some(2));
        assert_eq!(rescale_half_up(-15, 1, 0), Some(-2));
        assert_eq!(rescale_half_up(14, 1, 0), Some(1));
        assert_eq!(decimal_text(9_999_500_000, 6), "9999.500000");
        assert_eq!(decimal_text(-5, 6), "-0.000005");
    }
}
