//! Spark's `interval * number`, `number * interval` and `interval / number`
//! for ANSI intervals (`INTERVAL DAY TO SECOND` in microseconds,
//! `INTERVAL YEAR TO MONTH` in months): exact for integral and DECIMAL
//! numbers, in DOUBLE arithmetic for floating ones, the result rounded half
//! away from zero (Java's `HALF_UP`); division by zero raises
//! `INTERVAL_DIVIDED_BY_ZERO`, a result out of range `ARITHMETIC_OVERFLOW`.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, DurationMicrosecondArray, IntervalYearMonthArray};
use datafusion::arrow::datatypes::{DataType, Decimal128Type, DurationMicrosecondType, Float64Type, Int64Type, IntervalYearMonthType};
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, cast};
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;

/// How the number scales the interval.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Factor {
    /// An exact integer.
    Integer(i128),
    /// An exact decimal: unscaled value and scale.
    Decimal(i128, u32),
    /// A floating-point number.
    Double(f64),
}

/// `interval * number` (or `/` with `divide`) of an ANSI `interval`
/// (`Duration(µs)` or `Interval(YearMonth)`) and a number of type
/// `number_type`; `None` when the types are not those.
pub fn scale_interval(interval: Expr, interval_type: &DataType, number: Expr, number_type: &DataType, divide: bool) -> Option<Expr> {
    let year_month = match interval_type {
        DataType::Duration(_) => false,
        DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::YearMonth) => true,
        _ => return None,
    };
    let (number, kind) = match number_type {
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => (cast(number, DataType::Int64), "integer".to_string()),
        DataType::Decimal128(_, scale) if *scale >= 0 => (number, format!("decimal:{scale}")),
        DataType::Float32 | DataType::Float64 => (cast(number, DataType::Float64), "double".to_string()),
        _ => return None,
    };
    let (interval, return_type) = if year_month {
        (interval, DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::YearMonth))
    } else {
        (cast(interval, DataType::Duration(datafusion::arrow::datatypes::TimeUnit::Microsecond)), DataType::Duration(datafusion::arrow::datatypes::TimeUnit::Microsecond))
    };
    let context = format!("{}:{}:{kind}", if divide { "divide" } else { "multiply" }, if year_month { "months" } else { "micros" });
    Some(KernelUdf::call_null_intolerant(if divide { "divide" } else { "multiply" }, return_type, scale_kernel, &context, vec![interval, number]))
}

fn scale_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let mut parts = context.split(':');
    let divide = parts.next() == Some("divide");
    let months = parts.next() == Some("months");
    let kind = parts.next().unwrap_or("integer");
    let decimal_scale: u32 = parts.next().and_then(|s| s.parse().ok()).unwrap_or(0);
    let amounts: Vec<Option<i128>> = if months {
        args[0].as_primitive::<IntervalYearMonthType>().iter().map(|v| v.map(i128::from)).collect()
    } else {
        args[0].as_primitive::<DurationMicrosecondType>().iter().map(|v| v.map(i128::from)).collect()
    };
    let factors: Vec<Option<Factor>> = match kind {
        "integer" => args[1].as_primitive::<Int64Type>().iter().map(|v| v.map(|n| Factor::Integer(n.into()))).collect(),
        "decimal" => args[1].as_primitive::<Decimal128Type>().iter().map(|v| v.map(|n| Factor::Decimal(n, decimal_scale))).collect(),
        _ => args[1].as_primitive::<Float64Type>().iter().map(|v| v.map(Factor::Double)).collect(),
    };
    let limit = if months { i128::from(i32::MAX) } else { i128::from(i64::MAX) };
    let mut out = Vec::with_capacity(amounts.len());
    for (amount, factor) in amounts.into_iter().zip(factors) {
        out.push(match (amount, factor) {
            (Some(amount), Some(factor)) => {
                let scaled = scale(amount, factor, divide)?.filter(|v| (-limit - 1..=limit).contains(v));
                Some(scaled.ok_or_else(|| overflow().into_datafusion())?)
            }
            _ => None,
        });
    }
    Ok(if months {
        Arc::new(IntervalYearMonthArray::from(out.into_iter().map(|v| v.map(|v| v as i32)).collect::<Vec<_>>()))
    } else {
        Arc::new(DurationMicrosecondArray::from(out.into_iter().map(|v| v.map(|v| v as i64)).collect::<Vec<_>>()))
    })
}

/// `amount` times (or divided by) `factor`, rounded half away from zero;
/// `None` when out of range.
fn scale(amount: i128, factor: Factor, divide: bool) -> Result<Option<i128>> {
    let zero = match factor {
        Factor::Integer(n) | Factor::Decimal(n, _) => n == 0,
        Factor::Double(f) => f == 0.0,
    };
    if divide && zero {
        return Err(divided_by_zero().into_datafusion());
    }
    Ok(match (factor, divide) {
        (Factor::Integer(n), false) => amount.checked_mul(n),
        (Factor::Integer(n), true) => Some(divide_half_up(amount, n)),
        (Factor::Decimal(n, scale), false) => amount.checked_mul(n).map(|product| divide_half_up(product, 10i128.pow(scale))),
        (Factor::Decimal(n, scale), true) => amount.checked_mul(10i128.pow(scale)).map(|dividend| divide_half_up(dividend, n)),
        (Factor::Double(f), _) => {
            let value = if divide { amount as f64 / f } else { amount as f64 * f };
            let rounded = value.round();
            (rounded.is_finite() && rounded.abs() < 2f64.powi(63)).then_some(rounded as i128)
        }
    })
}

/// `a / b` rounded half away from zero.
fn divide_half_up(a: i128, b: i128) -> i128 {
    let (quotient, remainder) = (a / b, a % b);
    if 2 * remainder.abs() >= b.abs() { quotient + a.signum() * b.signum() } else { quotient }
}

fn divided_by_zero() -> SparkError {
    SparkError::new(
        ErrorKind::Arithmetic,
        "INTERVAL_DIVIDED_BY_ZERO",
        "22012",
        "Division by zero. Use `try_divide` to tolerate divisor being 0 and return NULL instead.",
        &[],
    )
}

fn overflow() -> SparkError {
    SparkError::new(
        ErrorKind::Arithmetic,
        "ARITHMETIC_OVERFLOW",
        "22003",
        "Overflow in integral multiply. If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error.",
        &[("message", "Overflow in integral multiply".to_string()), ("alternative", String::new()), ("config", "\"spark.sql.ansi.enabled\"".to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(scale(3, Factor::Integer(2), true).unwrap(), Some(2));
        assert_eq!(scale(-3, Factor::Integer(2), true).unwrap(), Some(-2));
        assert_eq!(scale(10, Factor::Decimal(15, 1), false).unwrap(), Some(15));
        assert_eq!(scale(5, Factor::Decimal(15, 1), false).unwrap(), Some(8));
        assert_eq!(scale(10, Factor::Decimal(4, 0), true).unwrap(), Some(3));
        assert_eq!(scale(1, Factor::Double(0.5), false).unwrap(), Some(1));
        assert_eq!(scale(i128::from(i64::MAX), Factor::Double(1e10), false).unwrap(), None);
        assert!(scale(1, Factor::Integer(0), true).is_err());
    }
}
