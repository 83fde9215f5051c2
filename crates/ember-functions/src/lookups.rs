//! Spark functions that look a value up by a name or a position and, under
//! ANSI mode, fail where the lookup finds nothing: `next_day(date,
//! dayOfWeek)` (`ILLEGAL_DAY_OF_WEEK`) and `elt(n, inputs…)`
//! (`INVALID_ARRAY_INDEX`). Without ANSI mode both give NULL instead.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Date32Array, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Date32Type, Int32Type};
use datafusion::common::Result;
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;

/// The day of the week Spark reads from `text` (Monday = 0), as
/// `DateTimeUtils.getDayOfWeekFromString`: two letters, three or the full name.
pub fn day_of_week(text: &str) -> Option<i32> {
    const DAYS: [&str; 7] = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
    let upper = text.trim().to_ascii_uppercase();
    DAYS.iter().position(|day| upper == *day || ((2..=3).contains(&upper.len()) && day.starts_with(upper.as_str()))).map(|i| i as i32)
}

/// The first date after `days` (days since the epoch) that falls on `weekday` (Monday = 0).
pub fn next_weekday(days: i32, weekday: i32) -> i32 {
    // 1970-01-01 was a Thursday.
    let current = (days + 3).rem_euclid(7);
    days + (weekday - current - 1).rem_euclid(7) + 1
}

fn illegal_day(text: &str) -> SparkError {
    SparkError::new(
        ErrorKind::IllegalArgument,
        "ILLEGAL_DAY_OF_WEEK",
        "22009",
        format!("Illegal input for day of week: {text}."),
        &[("string", text.to_string())],
    )
}

/// `next_day(date, dayOfWeek)` of a DATE and a STRING.
pub fn next_day(date: Expr, day: Expr, ansi: bool) -> Expr {
    KernelUdf::call("next_day", DataType::Date32, next_day_kernel, if ansi { "ansi" } else { "" }, vec![date, day])
}

fn next_day_kernel(args: &[ArrayRef], mode: &str) -> Result<ArrayRef> {
    let dates = args[0].as_primitive::<Date32Type>();
    let days = args[1].as_string::<i32>();
    let mut out = Vec::with_capacity(dates.len());
    for (date, day) in dates.iter().zip(days.iter()) {
        let (Some(date), Some(day)) = (date, day) else {
            out.push(None);
            continue;
        };
        match day_of_week(day) {
            Some(weekday) => out.push(Some(next_weekday(date, weekday))),
            None if mode == "ansi" => return Err(illegal_day(day).into_datafusion()),
            None => out.push(None),
        }
    }
    Ok(Arc::new(Date32Array::from(out)))
}

/// `elt(n, inputs…)` of an INT and STRINGs: the `n`th input, from 1.
pub fn elt(args: Vec<Expr>, ansi: bool) -> Expr {
    KernelUdf::call("elt", DataType::Utf8, elt_kernel, if ansi { "ansi" } else { "" }, args)
}

fn elt_kernel(args: &[ArrayRef], mode: &str) -> Result<ArrayRef> {
    let positions = args[0].as_primitive::<Int32Type>();
    let inputs: Vec<_> = args[1..].iter().map(|a| a.as_string::<i32>()).collect();
    let mut out = StringBuilder::new();
    for row in 0..positions.len() {
        if positions.is_null(row) {
            out.append_null();
            continue;
        }
        let n = positions.value(row);
        match usize::try_from(n).ok().filter(|n| (1..=inputs.len()).contains(n)) {
            Some(n) if inputs[n - 1].is_valid(row) => out.append_value(inputs[n - 1].value(row)),
            Some(_) => out.append_null(),
            None if mode == "ansi" => {
                return Err(SparkError::new(
                    ErrorKind::ArrayIndexOutOfBounds,
                    "INVALID_ARRAY_INDEX",
                    "22003",
                    format!(
                        "The index {n} is out of bounds. The array has {} elements. Use the SQL function `get()` to tolerate accessing element at invalid index and return NULL instead.",
                        inputs.len()
                    ),
                    &[("indexValue", n.to_string()), ("arraySize", inputs.len().to_string())],
                )
                .into_datafusion());
            }
            None => out.append_null(),
        }
    }
    Ok(Arc::new(out.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_of_week_read_as_spark() {
        assert_eq!(day_of_week("mon"), Some(0));
        assert_eq!(day_of_week(" Su "), Some(6));
        assert_eq!(day_of_week("THURSDAY"), Some(3));
        assert_eq!(day_of_week("xx"), None);
        assert_eq!(day_of_week("M"), None);
    }

    #[test]
    fn next_weekday_is_strictly_later() {
        // 2024-02-29 (19782) was a Thursday: the next Monday is 2024-03-04, the next Thursday a week later.
        assert_eq!(next_weekday(19782, 0), 19786);
        assert_eq!(next_weekday(19782, 3), 19789);
    }
}
