//! Spark's `timestampadd(unit, quantity, timestamp)` and
//! `timestampdiff(unit, start, end)` (also `dateadd`/`date_add` and
//! `datediff`/`date_diff` with a unit): adding hours and smaller units adds
//! exact lengths of time, adding days, weeks, months, quarters and years
//! moves the wall clock of the session time zone (of UTC for
//! TIMESTAMP_NTZ); differences count on that wall clock, as java.time's
//! `LocalDateTime` does.

use std::sync::Arc;

use chrono::{Datelike, Months, TimeDelta};
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::{DataType, Int64Type, TimestampMicrosecondType};
use datafusion::common::Result;
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;
use crate::timestamp_text::Zone;

/// A unit of `timestampadd`/`timestampdiff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DatetimeUnit {
    Microsecond,
    Millisecond,
    Second,
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

/// The units as Spark lists them in its error.
const UNITS: &str = "YEAR, QUARTER, MONTH, WEEK, DAY, DAYOFYEAR, HOUR, MINUTE, SECOND, MILLISECOND, MICROSECOND";

impl DatetimeUnit {
    /// The unit a name gives (any case; `DAYOFYEAR` is a day).
    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.to_ascii_uppercase().as_str() {
            "MICROSECOND" => Self::Microsecond,
            "MILLISECOND" => Self::Millisecond,
            "SECOND" => Self::Second,
            "MINUTE" => Self::Minute,
            "HOUR" => Self::Hour,
            "DAY" | "DAYOFYEAR" => Self::Day,
            "WEEK" => Self::Week,
            "MONTH" => Self::Month,
            "QUARTER" => Self::Quarter,
            "YEAR" => Self::Year,
            _ => return None,
        })
    }

    /// The unit of `name`, or Spark's `INVALID_PARAMETER_VALUE.DATETIME_UNIT`
    /// naming `function` as Spark does.
    pub fn parse_or_fail(name: &str, function: &str) -> std::result::Result<Self, SparkError> {
        Self::parse(name).ok_or_else(|| {
            SparkError::new(
                ErrorKind::IllegalArgument,
                "INVALID_PARAMETER_VALUE.DATETIME_UNIT",
                "22023",
                format!(
                    "The value of parameter(s) `unit` in `{function}` is invalid: expects one of the units without quotes {UNITS}, but got the string literal '{name}'."
                ),
                &[("parameter", "`unit`".into()), ("functionName", format!("`{function}`")), ("invalidValue", format!("'{name}'"))],
            )
        })
    }

    fn index(self) -> u8 {
        self as u8
    }

    fn of_index(index: u8) -> Self {
        [
            Self::Microsecond,
            Self::Millisecond,
            Self::Second,
            Self::Minute,
            Self::Hour,
            Self::Day,
            Self::Week,
            Self::Month,
            Self::Quarter,
            Self::Year,
        ][usize::from(index).min(9)]
    }

    /// The microseconds of a unit of fixed length (up to an hour).
    fn micros(self) -> Option<i64> {
        Some(match self {
            Self::Microsecond => 1,
            Self::Millisecond => 1_000,
            Self::Second => 1_000_000,
            Self::Minute => 60_000_000,
            Self::Hour => 3_600_000_000,
            _ => return None,
        })
    }

    fn name(self) -> &'static str {
        match self {
            Self::Microsecond => "MICROSECOND",
            Self::Millisecond => "MILLISECOND",
            Self::Second => "SECOND",
            Self::Minute => "MINUTE",
            Self::Hour => "HOUR",
            Self::Day => "DAY",
            Self::Week => "WEEK",
            Self::Month => "MONTH",
            Self::Quarter => "QUARTER",
            Self::Year => "YEAR",
        }
    }
}

/// The kernels' context: the unit and the zone (empty for TIMESTAMP_NTZ).
fn context(unit: DatetimeUnit, zone: Option<&str>) -> String {
    format!("{}\u{0}{}", unit.index(), zone.unwrap_or(""))
}

fn parse_context(context: &str) -> Result<(DatetimeUnit, Zone)> {
    let (unit, zone) = context.split_once('\u{0}').unwrap_or((context, ""));
    let unit = DatetimeUnit::of_index(unit.parse().unwrap_or(0));
    let zone = Zone::parse(if zone.is_empty() { "UTC" } else { zone });
    let zone = zone.ok_or_else(|| datafusion::common::DataFusionError::Internal(format!("unknown time zone {context}")))?;
    Ok((unit, zone))
}

/// `timestampadd(unit, quantity, timestamp)` of a BIGINT `quantity` and a
/// `timestamp` of `timestamp_type` (a TIMESTAMP in `zone`, or a
/// TIMESTAMP_NTZ when `zone` is `None`).
pub fn timestamp_add(unit: DatetimeUnit, quantity: Expr, timestamp: Expr, timestamp_type: DataType, zone: Option<&str>) -> Expr {
    KernelUdf::call_null_intolerant("timestampadd", timestamp_type, add_kernel, &context(unit, zone), vec![quantity, timestamp])
}

/// `timestampdiff(unit, start, end)` of two timestamps as [`timestamp_add`] takes them: BIGINT.
pub fn timestamp_diff(unit: DatetimeUnit, start: Expr, end: Expr, zone: Option<&str>) -> Expr {
    KernelUdf::call_null_intolerant("timestampdiff", DataType::Int64, diff_kernel, &context(unit, zone), vec![start, end])
}

fn add_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let (unit, zone) = parse_context(context)?;
    let quantities = args[0].as_primitive::<Int64Type>();
    let timestamps = args[1].as_primitive::<TimestampMicrosecondType>();
    let mut out = Vec::with_capacity(timestamps.len());
    for row in 0..timestamps.len() {
        if quantities.is_null(row) || timestamps.is_null(row) {
            out.push(None);
            continue;
        }
        let (quantity, micros) = (quantities.value(row), timestamps.value(row));
        match add(unit, &zone, quantity, micros) {
            Some(result) => out.push(Some(result)),
            None => return Err(overflow(unit, quantity, &args[1], row).into_datafusion()),
        }
    }
    let added = TimestampMicrosecondArray::from(out);
    Ok(Arc::new(match args[1].data_type() {
        DataType::Timestamp(_, zone) => added.with_timezone_opt(zone.clone()),
        _ => added,
    }))
}

/// `micros` plus `quantity` units, or `None` when it overflows.
fn add(unit: DatetimeUnit, zone: &Zone, quantity: i64, micros: i64) -> Option<i64> {
    if let Some(length) = unit.micros() {
        return micros.checked_add(quantity.checked_mul(length)?);
    }
    let local = zone.local_of(micros)?;
    let shifted = match unit {
        DatetimeUnit::Day | DatetimeUnit::Week => {
            let days = quantity.checked_mul(if unit == DatetimeUnit::Week { 7 } else { 1 })?;
            local.checked_add_signed(TimeDelta::try_days(days)?)?
        }
        _ => {
            let months = quantity.checked_mul(match unit {
                DatetimeUnit::Quarter => 3,
                DatetimeUnit::Year => 12,
                _ => 1,
            })?;
            let magnitude = Months::new(u32::try_from(months.unsigned_abs()).ok()?);
            if months >= 0 { local.checked_add_months(magnitude)? } else { local.checked_sub_months(magnitude)? }
        }
    };
    zone.local_to_micros(&shifted)
}

/// `DATETIME_OVERFLOW` for adding `quantity` units to row `row` of `timestamps`.
fn overflow(unit: DatetimeUnit, quantity: i64, timestamps: &ArrayRef, row: usize) -> SparkError {
    let kind = if matches!(timestamps.data_type(), DataType::Timestamp(_, None)) { "TIMESTAMP_NTZ" } else { "TIMESTAMP" };
    let text = crate::display::cast_strings(timestamps.slice(row, 1).as_ref()).ok().and_then(|mut v| v.pop().flatten()).unwrap_or_default();
    let operation = format!("add {quantity}L {} to {kind} '{text}'", unit.name());
    SparkError::new(
        ErrorKind::Arithmetic,
        "DATETIME_OVERFLOW",
        "22008",
        format!("Datetime operation overflow: {operation}."),
        &[("operation", operation.clone())],
    )
}

fn diff_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let (unit, zone) = parse_context(context)?;
    let (starts, ends) = (args[0].as_primitive::<TimestampMicrosecondType>(), args[1].as_primitive::<TimestampMicrosecondType>());
    let diffs: Int64Array = starts
        .iter()
        .zip(ends.iter())
        .map(|(start, end)| match (start, end) {
            (Some(start), Some(end)) => diff(unit, &zone, start, end),
            _ => None,
        })
        .collect();
    Ok(Arc::new(diffs))
}

/// Whole units from `start` to `end` on the zone's wall clock (so an hour
/// across a DST change counts as on the clock), truncated toward zero.
fn diff(unit: DatetimeUnit, zone: &Zone, start: i64, end: i64) -> Option<i64> {
    let (from, to) = (zone.local_of(start)?, zone.local_of(end)?);
    if let Some(length) = unit.micros() {
        return Some((to - from).num_microseconds()? / length);
    }
    // java.time's LocalDateTime.until for date units: a last day not completed on the clock does not count.
    let mut to_date = to.date();
    if to_date > from.date() && to.time() < from.time() {
        to_date = to_date.pred_opt()?;
    } else if to_date < from.date() && to.time() > from.time() {
        to_date = to_date.succ_opt()?;
    }
    let days = (to_date - from.date()).num_days();
    let months = || {
        let packed = |date: chrono::NaiveDate| (i64::from(date.year()) * 12 + i64::from(date.month0())) * 32 + i64::from(date.day());
        (packed(to_date) - packed(from.date())) / 32
    };
    Some(match unit {
        DatetimeUnit::Day => days,
        DatetimeUnit::Week => days / 7,
        DatetimeUnit::Month => months(),
        DatetimeUnit::Quarter => months() / 3,
        _ => months() / 12,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micros(zone: &Zone, text: &str) -> i64 {
        let local = chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
        zone.local_to_micros(&local).unwrap()
    }

    #[test]
    fn adds_calendar_units_on_the_wall_clock() {
        let la = Zone::parse("America/Los_Angeles").unwrap();
        let start = micros(&la, "2024-03-09 02:30:00");
        // The next day's 02:30 does not exist (DST gap): 03:30, as java.time resolves it.
        assert_eq!(add(DatetimeUnit::Day, &la, 1, start), Some(micros(&la, "2024-03-10 03:30:00")));
        let utc = Zone::parse("UTC").unwrap();
        assert_eq!(add(DatetimeUnit::Month, &utc, 1, micros(&utc, "2024-01-31 10:00:00")), Some(micros(&utc, "2024-02-29 10:00:00")));
        assert_eq!(add(DatetimeUnit::Year, &utc, -1, micros(&utc, "2024-02-29 00:00:00")), Some(micros(&utc, "2023-02-28 00:00:00")));
        assert_eq!(add(DatetimeUnit::Day, &utc, 3_000_000_000, 0), None);
    }

    #[test]
    fn counts_whole_units_as_java_time() {
        let utc = Zone::parse("UTC").unwrap();
        let at = |text: &str| micros(&utc, text);
        assert_eq!(diff(DatetimeUnit::Month, &utc, at("2024-01-31 00:00:00"), at("2024-02-29 00:00:00")), Some(0));
        assert_eq!(diff(DatetimeUnit::Month, &utc, at("2024-01-31 10:00:00"), at("2024-02-29 09:00:00")), Some(0));
        assert_eq!(diff(DatetimeUnit::Year, &utc, at("2020-02-29 00:00:00"), at("2024-02-28 00:00:00")), Some(3));
        assert_eq!(diff(DatetimeUnit::Quarter, &utc, at("2024-01-15 00:00:00"), at("2023-10-16 00:00:00")), Some(0));
        assert_eq!(diff(DatetimeUnit::Week, &utc, at("2024-01-01 00:00:00"), at("2024-01-14 00:00:00")), Some(1));
        assert_eq!(diff(DatetimeUnit::Day, &utc, at("2024-01-02 10:00:00"), at("2024-01-01 11:00:00")), Some(0));
        assert_eq!(diff(DatetimeUnit::Hour, &utc, at("2024-01-01 00:00:00"), at("2024-01-01 05:59:00")), Some(5));
        let la = Zone::parse("America/Los_Angeles").unwrap();
        assert_eq!(diff(DatetimeUnit::Hour, &la, micros(&la, "2024-03-09 03:00:00"), micros(&la, "2024-03-10 03:00:00")), Some(24));
    }
}
