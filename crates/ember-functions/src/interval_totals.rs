//! Overflow-checked totals of ANSI intervals, for Spark's `sum`, `avg`,
//! `try_sum` and `try_avg` of intervals: each interval's amount
//! (microseconds or months) is summed as a DECIMAL(38, 0) and turned back
//! into an interval, which fails with `INTERVAL_ARITHMETIC_OVERFLOW` (or
//! gives NULL for the `try_` forms) when the total does not fit.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, DurationMicrosecondArray, IntervalYearMonthArray};
use datafusion::arrow::datatypes::{Decimal128Type, DurationMicrosecondType, IntervalUnit, IntervalYearMonthType, DataType, TimeUnit};
use datafusion::common::Result;
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;

/// The amount of an ANSI interval (a year-month one in months, a day-time
/// one in microseconds) as a DECIMAL(38, 0), to be summed.
pub fn interval_amount(interval: Expr, year_month: bool) -> Expr {
    let context = if year_month { "months" } else { "micros" };
    KernelUdf::call_null_intolerant("interval_amount", DataType::Decimal128(38, 0), amount_kernel, context, vec![interval])
}

fn amount_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let amounts = if context == "months" {
        args[0].as_primitive::<IntervalYearMonthType>().unary::<_, Decimal128Type>(i128::from)
    } else {
        args[0].as_primitive::<DurationMicrosecondType>().unary::<_, Decimal128Type>(i128::from)
    };
    Ok(Arc::new(amounts.with_precision_and_scale(38, 0)?))
}

/// The interval of a total amount (see [`interval_amount`]); a total
/// beyond the interval's range fails, or is NULL unless `fail`.
pub fn interval_of_total(total: Expr, year_month: bool, fail: bool) -> Expr {
    let context = checked_context(year_month, fail, "try_add");
    KernelUdf::call("interval_total", interval_type(year_month), total_kernel, &context, vec![total])
}

/// `left + right` (or `left - right` when `subtract`) of two ANSI intervals
/// of one kind, as Spark checks it: beyond the interval's range it fails
/// suggesting `try_add`/`try_subtract`, or is NULL unless `fail`.
pub fn interval_sum(left: Expr, right: Expr, subtract: bool, year_month: bool, fail: bool) -> Expr {
    let (left, right) = (interval_amount(left, year_month), interval_amount(right, year_month));
    let (total, suggested) = if subtract { (left - right, "try_subtract") } else { (left + right, "try_add") };
    let context = checked_context(year_month, fail, suggested);
    // Failing where it does not fit, the sum is NULL only beside a NULL.
    let call = if fail { KernelUdf::call_null_intolerant } else { KernelUdf::call };
    call("interval_total", interval_type(year_month), total_kernel, &context, vec![total])
}

fn interval_type(year_month: bool) -> DataType {
    if year_month { DataType::Interval(IntervalUnit::YearMonth) } else { DataType::Duration(TimeUnit::Microsecond) }
}

fn checked_context(year_month: bool, fail: bool, suggested: &str) -> String {
    format!("{}:{}:{suggested}", if year_month { "months" } else { "micros" }, if fail { "fail" } else { "null" })
}

fn total_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let mut parts = context.split(':');
    let (unit, mode, suggested) = (parts.next().unwrap_or("micros"), parts.next().unwrap_or("fail"), parts.next().unwrap_or("try_add"));
    let totals = args[0].as_primitive::<Decimal128Type>();
    let fitting = |fits: Option<i64>, total: Option<i128>| match (fits, total) {
        (Some(v), _) => Ok(Some(v)),
        (None, None) => Ok(None),
        (None, Some(_)) if mode == "null" => Ok(None),
        (None, Some(_)) => Err(overflow(suggested)),
    };
    if unit == "months" {
        let months = totals.iter().map(|t| fitting(t.and_then(|t| i32::try_from(t).ok()).map(i64::from), t).map(|m| m.map(|m| m as i32)));
        Ok(Arc::new(months.collect::<Result<IntervalYearMonthArray>>()?))
    } else {
        let micros = totals.iter().map(|t| fitting(t.and_then(|t| i64::try_from(t).ok()), t));
        Ok(Arc::new(micros.collect::<Result<DurationMicrosecondArray>>()?))
    }
}

/// Spark's error for a sum of intervals beyond their range, suggesting the
/// `try_` function `suggested`.
fn overflow(suggested: &str) -> datafusion::common::DataFusionError {
    SparkError::new(
        ErrorKind::Arithmetic,
        "INTERVAL_ARITHMETIC_OVERFLOW.WITH_SUGGESTION",
        "22015",
        format!("Integer overflow while operating with intervals. Use `{suggested}` to tolerate overflow and return NULL instead."),
        &[("functionName", format!("`{suggested}`"))],
    )
    .into_datafusion()
}
