//! Spark's `make_timestamp` family (`make_timestamp`, `make_timestamp_ltz`,
//! `make_timestamp_ntz` and their `try_` forms) and `months_between`.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime, Timelike};
use chrono_tz::Tz;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, TimestampMicrosecondArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Int32Type, TimeUnit, TimestampMicrosecondType};
use datafusion::common::Result;
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;

/// How a `make_timestamp` call treats fields out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OnInvalid {
    /// Fail (ANSI mode).
    Fail,
    /// NULL (`try_` forms, non-ANSI mode).
    Null,
}

/// `make_timestamp(year, month, day, hour, minute, second[, zone])`:
/// a TIMESTAMP in `time_zone` (or the given zone), or a TIMESTAMP_NTZ when
/// `time_zone` is `None`. `args` are the six fields (seconds as DECIMAL(16,6))
/// and the optional zone.
pub fn make_timestamp(args: Vec<Expr>, time_zone: Option<&str>, on_invalid: OnInvalid) -> Expr {
    let return_type = DataType::Timestamp(TimeUnit::Microsecond, time_zone.map(Arc::from));
    let fail = if on_invalid == OnInvalid::Fail { "fail" } else { "null" };
    let context = format!("{fail}|{}", time_zone.unwrap_or(""));
    let mut args = args;
    args[5] = datafusion::logical_expr::cast(args[5].clone(), DataType::Decimal128(16, 6));
    for field in args.iter_mut().take(5) {
        *field = datafusion::logical_expr::cast(field.clone(), DataType::Int32);
    }
    match on_invalid {
        OnInvalid::Fail => KernelUdf::call_null_intolerant("make_timestamp", return_type, make_timestamp_kernel, &context, args),
        OnInvalid::Null => KernelUdf::call("make_timestamp", return_type, make_timestamp_kernel, &context, args),
    }
}

fn out_of_bounds(message: String) -> datafusion::common::DataFusionError {
    SparkError::new(
        ErrorKind::DateTime,
        "DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION",
        "22023",
        message.clone(),
        &[("rangeMessage", message)],
    )
    .into_datafusion()
}

/// The local date-time of the fields; `Err` names the field out of range.
fn local_datetime(fields: [i32; 5], micros_of_minute: i64) -> std::result::Result<NaiveDateTime, String> {
    let [year, month, day, hour, minute] = fields;
    if !(1..=12).contains(&month) {
        return Err(format!("Invalid value for MonthOfYear (valid values 1 - 12): {month}"));
    }
    let date = NaiveDate::from_ymd_opt(year, month as u32, day.max(0) as u32).ok_or_else(|| {
        if (1..=31).contains(&day) { format!("Invalid date '{} {day}'", month_name(month)) } else { format!("Invalid value for DayOfMonth (valid values 1 - 28/31): {day}") }
    })?;
    if !(0..=23).contains(&hour) {
        return Err(format!("Invalid value for HourOfDay (valid values 0 - 23): {hour}"));
    }
    if !(0..=59).contains(&minute) {
        return Err(format!("Invalid value for MinuteOfHour (valid values 0 - 59): {minute}"));
    }
    let seconds = micros_of_minute.div_euclid(1_000_000);
    let micros = micros_of_minute.rem_euclid(1_000_000);
    if !(0..=60).contains(&seconds) || (seconds == 60 && micros != 0) {
        return Err(format!("Invalid value for SecondOfMinute (valid values 0 - 59): {seconds}"));
    }
    let start = date.and_hms_opt(hour as u32, minute as u32, 0).ok_or_else(|| "Invalid time".to_string())?;
    Ok(start + chrono::Duration::microseconds(micros_of_minute))
}

fn month_name(month: i32) -> &'static str {
    const NAMES: [&str; 12] =
        ["JANUARY", "FEBRUARY", "MARCH", "APRIL", "MAY", "JUNE", "JULY", "AUGUST", "SEPTEMBER", "OCTOBER", "NOVEMBER", "DECEMBER"];
    NAMES[(month - 1).clamp(0, 11) as usize]
}


fn make_timestamp_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let (mode, session_zone) = context.split_once('|').unwrap_or(("null", ""));
    let fail = mode == "fail";
    let rows = args[0].len();
    let ints: Vec<_> = args[..5].iter().map(|a| a.as_primitive::<Int32Type>().clone()).collect();
    let seconds = args[5].as_primitive::<Decimal128Type>();
    let zones = args.get(6).map(|z| cast(z, &DataType::Utf8)).transpose()?;
    let mut out = Vec::with_capacity(rows);
    for row in 0..rows {
        if ints.iter().any(|a| a.is_null(row)) || seconds.is_null(row) || zones.as_ref().is_some_and(|z| z.is_null(row)) {
            out.push(None);
            continue;
        }
        let fields = [0, 1, 2, 3, 4].map(|i| ints[i].value(row));
        let micros_of_minute = i64::try_from(seconds.value(row)).unwrap_or(i64::MAX);
        let local = match local_datetime(fields, micros_of_minute) {
            Ok(local) => local,
            Err(message) if fail => return Err(out_of_bounds(message)),
            Err(_) => {
                out.push(None);
                continue;
            }
        };
        out.push(if session_zone.is_empty() {
            Some(local.and_utc().timestamp_micros())
        } else {
            let zone_name = zones.as_ref().map_or(session_zone.to_string(), |z| z.as_string::<i32>().value(row).to_string());
            zone_name.parse::<Tz>().ok().and_then(|zone| crate::datetime::local_to_micros(&zone, &local))
        });
    }
    let array = TimestampMicrosecondArray::from(out);
    Ok(Arc::new(if session_zone.is_empty() { array } else { array.with_timezone(session_zone) }))
}

/// `months_between(end, start, round_off)` of two TIMESTAMPs seen in `time_zone`.
pub fn months_between(end: Expr, start: Expr, round_off: Expr, time_zone: &str) -> Expr {
    KernelUdf::call_null_intolerant("months_between", DataType::Float64, months_between_kernel, time_zone, vec![end, start, round_off])
}

/// Spark's `DateTimeUtils.monthsBetween` of two local date-times.
fn months_between_local(end: &NaiveDateTime, start: &NaiveDateTime, round_off: bool) -> f64 {
    let months = (end.year() * 12 + end.month() as i32) - (start.year() * 12 + start.month() as i32);
    let last_day = |t: &NaiveDateTime| {
        let next = if t.month() == 12 { NaiveDate::from_ymd_opt(t.year() + 1, 1, 1) } else { NaiveDate::from_ymd_opt(t.year(), t.month() + 1, 1) };
        next.and_then(|n| n.pred_opt()).map_or(31, |d| d.day())
    };
    if end.day() == start.day() || (end.day() == last_day(end) && start.day() == last_day(start)) {
        return f64::from(months);
    }
    let micros_of_month = |t: &NaiveDateTime| {
        (i64::from(t.day()) * 86_400 + i64::from(t.num_seconds_from_midnight())) as f64 + f64::from(t.nanosecond() / 1000) / 1e6
    };
    let difference = (micros_of_month(end) - micros_of_month(start)) / (31.0 * 86_400.0);
    let value = f64::from(months) + difference;
    if round_off { (value * 1e8).round() / 1e8 } else { value }
}

fn months_between_kernel(args: &[ArrayRef], time_zone: &str) -> Result<ArrayRef> {
    let zone: Tz = time_zone.parse().unwrap_or(Tz::UTC);
    let end = args[0].as_primitive::<TimestampMicrosecondType>();
    let start = args[1].as_primitive::<TimestampMicrosecondType>();
    let round_off = cast(&args[2], &DataType::Boolean)?;
    let round_off = round_off.as_boolean();
    let local = |micros: i64| chrono::DateTime::from_timestamp_micros(micros).map(|t| t.with_timezone(&zone).naive_local());
    let values: Float64Array = (0..end.len())
        .map(|i| {
            if end.is_null(i) || start.is_null(i) || round_off.is_null(i) {
                return None;
            }
            Some(months_between_local(&local(end.value(i))?, &local(start.value(i))?, round_off.value(i)))
        })
        .collect();
    Ok(Arc::new(values))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn months_between_follows_spark() {
        assert_eq!(months_between_local(&at("1997-02-28 10:30:00"), &at("1996-10-30 00:00:00"), true), 3.94959677);
        assert_eq!(months_between_local(&at("2024-03-31 00:00:00"), &at("2024-02-29 00:00:00"), false), 1.0);
    }

    #[test]
    fn local_datetimes_check_their_fields() {
        assert_eq!(local_datetime([2014, 12, 28, 6, 30], 45_887_000).unwrap(), at("2014-12-28 06:30:45") + chrono::Duration::milliseconds(887));
        assert!(local_datetime([2024, 13, 1, 0, 0], 0).is_err());
        assert_eq!(local_datetime([2024, 1, 1, 0, 59], 60_000_000).unwrap(), at("2024-01-01 01:00:00"));
    }
}

/// `convert_timezone(source, target, timestamp_ntz)`: the wall-clock time in
/// `target` of the instant that is `timestamp_ntz` in `source`.
pub fn convert_timezone(source: Expr, target: Expr, local: Expr) -> Expr {
    let args = vec![
        datafusion::logical_expr::cast(source, DataType::Utf8),
        datafusion::logical_expr::cast(target, DataType::Utf8),
        datafusion::logical_expr::cast(local, DataType::Timestamp(TimeUnit::Microsecond, None)),
    ];
    KernelUdf::call_null_intolerant("convert_timezone", DataType::Timestamp(TimeUnit::Microsecond, None), convert_timezone_kernel, "", args)
}

fn convert_timezone_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    use crate::timestamp_text::Zone;
    let (sources, targets) = (args[0].as_string::<i32>(), args[1].as_string::<i32>());
    let locals = args[2].as_primitive::<TimestampMicrosecondType>();
    let mut converted = TimestampMicrosecondArray::builder(locals.len());
    for i in 0..locals.len() {
        if sources.is_null(i) || targets.is_null(i) || locals.is_null(i) {
            converted.append_null();
            continue;
        }
        let source = Zone::parse_or_fail(sources.value(i)).map_err(SparkError::into_datafusion)?;
        let target = Zone::parse_or_fail(targets.value(i)).map_err(SparkError::into_datafusion)?;
        let shifted = chrono::DateTime::from_timestamp_micros(locals.value(i))
            .and_then(|local| source.local_to_micros(&local.naive_utc()))
            .and_then(|instant| target.local_of(instant));
        converted.append_option(shifted.map(|t| t.and_utc().timestamp_micros()));
    }
    Ok(Arc::new(converted.finish()))
}
