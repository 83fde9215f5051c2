//! Spark's TIME type (`time(6)`, nanoseconds since midnight in Arrow
//! `Time64(Nanosecond)`, holding whole microseconds) and its functions:
//! `make_time`, `to_time`/`try_to_time`, `time_trunc`, `time_diff`,
//! `time_from_*`/`time_to_*`, `current_time` and the string-to-time cast.

use std::sync::Arc;

use chrono::{DateTime, Timelike};
use chrono_tz::Tz;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Decimal128Array, Int64Array, Time64NanosecondArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Decimal128Type, Int32Type, Int64Type, Time64NanosecondType, TimeUnit};
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::datetime_pattern::DatetimePattern;
use crate::kernel_udf::KernelUdf;

const NANOS_PER_MICRO: i64 = 1_000;
const NANOS_PER_SECOND: i64 = 1_000_000_000;
const NANOS_PER_DAY: i64 = 86_400 * NANOS_PER_SECOND;

/// The Arrow type of Spark's `time(6)`.
fn time_type() -> DataType {
    DataType::Time64(TimeUnit::Nanosecond)
}

/// Spark's time units for `time_trunc` and `time_diff`, with their length in nanoseconds.
fn unit_nanos(unit: &str) -> Option<i64> {
    Some(match unit.to_ascii_uppercase().as_str() {
        "HOUR" => 3_600 * NANOS_PER_SECOND,
        "MINUTE" => 60 * NANOS_PER_SECOND,
        "SECOND" => NANOS_PER_SECOND,
        "MILLISECOND" => 1_000_000,
        "MICROSECOND" => NANOS_PER_MICRO,
        _ => return None,
    })
}

fn datetime_error(class: &str, sql_state: &str, message: String, parameters: &[(&str, String)]) -> DataFusionError {
    SparkError::new(ErrorKind::DateTime, class, sql_state, message, parameters).into_datafusion()
}

fn out_of_bounds(message: String) -> DataFusionError {
    datetime_error("DATETIME_FIELD_OUT_OF_BOUNDS.WITHOUT_SUGGESTION", "22023", message.clone(), &[("rangeMessage", message)])
}

fn invalid_unit(function: &str, unit: &str) -> DataFusionError {
    let expected = "'HOUR', 'MINUTE', 'SECOND', 'MILLISECOND', 'MICROSECOND'";
    SparkError::new(
        ErrorKind::IllegalArgument,
        "INVALID_PARAMETER_VALUE.TIME_UNIT",
        "22023",
        format!("The value of parameter(s) `unit` in `{function}` is invalid: expects one of the units {expected}, but got ''{unit}''."),
        &[("parameter", "`unit`".into()), ("functionName", format!("`{function}`")), ("invalidValue", format!("'{unit}'"))],
    )
    .into_datafusion()
}

/// Nanoseconds of day, checked to lie within a day.
fn checked_time(nanos: i64) -> Result<i64> {
    if (0..NANOS_PER_DAY).contains(&nanos) {
        Ok(nanos)
    } else {
        Err(out_of_bounds(format!(
            "Invalid TIME value: must be between 00:00:00 and 23:59:59.999999999, but got {nanos} nanoseconds"
        )))
    }
}

/// Parses Spark's default time text (`H:m[:s[.fraction]]`, surrounding
/// spaces ignored) into nanoseconds of day (Spark keeps all nine fraction
/// digits, though clients see microseconds).
pub fn parse_time(text: &str) -> Option<i64> {
    let text = text.trim();
    let (clock, fraction) = match text.split_once('.') {
        Some((clock, fraction)) => (clock, Some(fraction)),
        None => (text, None),
    };
    let mut parts = clock.split(':');
    let mut field = |max: i64| -> Option<Option<i64>> {
        match parts.next() {
            None => Some(None),
            Some(p) if (1..=2).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse().ok().filter(|v| *v <= max).map(Some)
            }
            Some(_) => None,
        }
    };
    let hour = field(23)??;
    let minute = field(59)??;
    let second = field(59)?;
    if parts.next().is_some() || (second.is_none() && fraction.is_some()) {
        return None;
    }
    let mut nanos = 0;
    if let Some(fraction) = fraction {
        if fraction.is_empty() || fraction.len() > 9 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits: String = fraction.chars().chain(std::iter::repeat('0')).take(9).collect();
        nanos = digits.parse::<i64>().ok()?;
    }
    let seconds = hour * 3_600 + minute * 60 + second.unwrap_or(0);
    Some(seconds * NANOS_PER_SECOND + nanos)
}

/// `make_time(hour, minute, second)`: seconds may carry a fraction
/// (`DECIMAL(16,6)`); fields out of range fail as Spark's do.
pub fn make_time(hour: Expr, minute: Expr, second: Expr) -> Expr {
    use datafusion::logical_expr::cast as cast_expr;
    let args = vec![cast_expr(hour, DataType::Int32), cast_expr(minute, DataType::Int32), cast_expr(second, DataType::Decimal128(16, 6))];
    KernelUdf::call("make_time", time_type(), make_time_kernel, "", args)
}

fn make_time_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let (hours, minutes) = (args[0].as_primitive::<Int32Type>(), args[1].as_primitive::<Int32Type>());
    let seconds = args[2].as_primitive::<Decimal128Type>();
    let mut out = Vec::with_capacity(hours.len());
    for row in 0..hours.len() {
        if hours.is_null(row) || minutes.is_null(row) || seconds.is_null(row) {
            out.push(None);
            continue;
        }
        let (hour, minute, micros) = (hours.value(row), minutes.value(row), seconds.value(row));
        if !(0..=23).contains(&hour) {
            return Err(out_of_bounds(format!("Invalid value for HourOfDay (valid values 0 - 23): {hour}")));
        }
        if !(0..=59).contains(&minute) {
            return Err(out_of_bounds(format!("Invalid value for MinuteOfHour (valid values 0 - 59): {minute}")));
        }
        if !(0..60_000_000).contains(&micros) {
            let whole = micros.div_euclid(1_000_000);
            return Err(out_of_bounds(format!("Invalid value for SecondOfMinute (valid values 0 - 59): {whole}")));
        }
        let nanos = (i64::from(hour) * 3_600 + i64::from(minute) * 60) * NANOS_PER_SECOND + micros as i64 * NANOS_PER_MICRO;
        out.push(Some(nanos));
    }
    Ok(Arc::new(Time64NanosecondArray::from(out)))
}

/// `to_time(text[, format])`; `fail` raises `CANNOT_PARSE_TIME` for text
/// that does not parse (else NULL, as `try_to_time`).
pub fn to_time(args: Vec<Expr>, fail: bool) -> Expr {
    let args = args.into_iter().map(|a| datafusion::logical_expr::cast(a, DataType::Utf8)).collect();
    KernelUdf::call("to_time", time_type(), to_time_kernel, if fail { "fail" } else { "null" }, args)
}

fn cannot_parse_time(text: &str, format: &str) -> DataFusionError {
    datetime_error(
        "CANNOT_PARSE_TIME",
        "22010",
        format!("The input string '{text}' cannot be parsed to a TIME value because it does not match to the datetime format '{format}'."),
        &[("input", format!("'{text}'")), ("format", format!("'{format}'"))],
    )
}

fn to_time_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let texts = args[0].as_string::<i32>();
    let formats = args.get(1).map(|f| f.as_string::<i32>());
    let mut out = Vec::with_capacity(texts.len());
    for row in 0..texts.len() {
        if texts.is_null(row) || formats.is_some_and(|f| f.is_null(row)) {
            out.push(None);
            continue;
        }
        let text = texts.value(row);
        let parsed = match formats {
            None => parse_time(text),
            Some(formats) => DatetimePattern::parse(formats.value(row))
                .ok()
                .and_then(|pattern| pattern.parse_datetime(text))
                .map(|t| i64::from(t.num_seconds_from_midnight()) * NANOS_PER_SECOND + i64::from(t.nanosecond() / 1_000) * NANOS_PER_MICRO),
        };
        match parsed {
            None if context == "fail" => {
                return Err(cannot_parse_time(text, formats.map_or("HH:mm:ss.SSSSSS", |f| f.value(row))));
            }
            value => out.push(value),
        }
    }
    Ok(Arc::new(Time64NanosecondArray::from(out)))
}

/// `time_trunc(unit, time)`: the time truncated to the unit.
pub fn time_trunc(unit: Expr, time: Expr) -> Expr {
    let args = vec![datafusion::logical_expr::cast(unit, DataType::Utf8), time];
    KernelUdf::call("time_trunc", time_type(), time_trunc_kernel, "", args)
}

fn time_trunc_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let units = args[0].as_string::<i32>();
    let times = args[1].as_primitive::<Time64NanosecondType>();
    let mut out = Vec::with_capacity(times.len());
    for row in 0..times.len() {
        if units.is_null(row) || times.is_null(row) {
            out.push(None);
            continue;
        }
        let step = unit_nanos(units.value(row)).ok_or_else(|| invalid_unit("time_trunc", units.value(row)))?;
        let time = times.value(row);
        out.push(Some(time - time.rem_euclid(step)));
    }
    Ok(Arc::new(Time64NanosecondArray::from(out)))
}

/// `time_diff(unit, start, end)`: whole units from `start` to `end` (BIGINT).
pub fn time_diff(unit: Expr, start: Expr, end: Expr) -> Expr {
    let args = vec![datafusion::logical_expr::cast(unit, DataType::Utf8), start, end];
    KernelUdf::call("time_diff", DataType::Int64, time_diff_kernel, "", args)
}

fn time_diff_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let units = args[0].as_string::<i32>();
    let (starts, ends) = (args[1].as_primitive::<Time64NanosecondType>(), args[2].as_primitive::<Time64NanosecondType>());
    let mut out = Vec::with_capacity(starts.len());
    for row in 0..starts.len() {
        if units.is_null(row) || starts.is_null(row) || ends.is_null(row) {
            out.push(None);
            continue;
        }
        let step = unit_nanos(units.value(row)).ok_or_else(|| invalid_unit("time_diff", units.value(row)))?;
        out.push(Some((ends.value(row) - starts.value(row)) / step));
    }
    Ok(Arc::new(Int64Array::from(out)))
}

/// `hour`, `minute` or `second` of a TIME (an INT; `None` for other
/// fields). Spark's functions are always nullable; `strict` gives a result
/// that is NULL only for a NULL time (for Ember's own use).
pub fn time_field(field: &str, time: Expr, strict: bool) -> Option<Expr> {
    let context = match field {
        "hour" | "minute" | "second" => field,
        _ => return None,
    };
    let name = field_name(context);
    Some(if strict {
        KernelUdf::call_null_intolerant(name, DataType::Int32, time_field_kernel, context, vec![time])
    } else {
        KernelUdf::call(name, DataType::Int32, time_field_kernel, context, vec![time])
    })
}

fn field_name(field: &str) -> &'static str {
    match field {
        "hour" => "hour",
        "minute" => "minute",
        _ => "second",
    }
}

fn time_field_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let (unit, range) = match context {
        "hour" => (3_600 * NANOS_PER_SECOND, 24),
        "minute" => (60 * NANOS_PER_SECOND, 60),
        _ => (NANOS_PER_SECOND, 60),
    };
    let times = args[0].as_primitive::<Time64NanosecondType>();
    let fields = times.iter().map(|t| t.map(|t| (t / unit % range) as i32));
    Ok(Arc::new(fields.collect::<datafusion::arrow::array::Int32Array>()))
}

/// The seconds of the minute of a TIME with their fraction, as
/// `DECIMAL(16,6)` (the seconds field `make_timestamp` takes).
pub fn second_with_fraction(time: Expr) -> Expr {
    KernelUdf::call_null_intolerant("second_with_fraction", DataType::Decimal128(16, 6), second_with_fraction_kernel, "", vec![time])
}

fn second_with_fraction_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let times = args[0].as_primitive::<Time64NanosecondType>();
    let micros = times.iter().map(|t| t.map(|t| i128::from(t % (60 * NANOS_PER_SECOND) / NANOS_PER_MICRO)));
    Ok(Arc::new(Decimal128Array::from_iter(micros).with_precision_and_scale(16, 6)?))
}

/// The local date-time of a DATE and a TIME, as a TIMESTAMP_NTZ
/// (`make_timestamp_ntz(date, time)`).
pub fn local_timestamp(date: Expr, time: Expr) -> Expr {
    let return_type = DataType::Timestamp(TimeUnit::Microsecond, None);
    KernelUdf::call("make_timestamp_ntz", return_type, local_timestamp_kernel, "", vec![date, time])
}

fn local_timestamp_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    const MICROS_PER_DAY: i64 = NANOS_PER_DAY / NANOS_PER_MICRO;
    let dates = args[0].as_primitive::<datafusion::arrow::datatypes::Date32Type>();
    let times = args[1].as_primitive::<Time64NanosecondType>();
    let micros = dates.iter().zip(times.iter()).map(|(d, t)| Some(i64::from(d?) * MICROS_PER_DAY + t? / NANOS_PER_MICRO));
    Ok(Arc::new(micros.collect::<datafusion::arrow::array::TimestampMicrosecondArray>()))
}

/// The unit of a `time_from_*` / `time_to_*` function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeUnitName {
    /// `time_from_seconds` / `time_to_seconds`.
    Seconds,
    /// `time_from_millis` / `time_to_millis`.
    Millis,
    /// `time_from_micros` / `time_to_micros`.
    Micros,
}

impl TimeUnitName {
    /// The unit a function name's suffix names.
    pub fn of(suffix: &str) -> Option<Self> {
        Some(match suffix {
            "seconds" => Self::Seconds,
            "millis" => Self::Millis,
            "micros" => Self::Micros,
            _ => return None,
        })
    }

    fn context(self) -> &'static str {
        match self {
            Self::Seconds => "seconds",
            Self::Millis => "millis",
            Self::Micros => "micros",
        }
    }

    fn nanos(self) -> i64 {
        match self {
            Self::Seconds => NANOS_PER_SECOND,
            Self::Millis => 1_000_000,
            Self::Micros => NANOS_PER_MICRO,
        }
    }

    fn from_context(context: &str) -> Self {
        Self::of(context).unwrap_or(Self::Micros)
    }
}

/// `time_from_seconds|millis|micros(n)`: seconds may carry a fraction; the
/// result must lie within a day.
pub fn time_from(unit: TimeUnitName, value: Expr) -> Expr {
    let value = match unit {
        TimeUnitName::Seconds => datafusion::logical_expr::cast(value, DataType::Decimal128(38, 9)),
        _ => datafusion::logical_expr::cast(value, DataType::Int64),
    };
    KernelUdf::call("time_from", time_type(), time_from_kernel, unit.context(), vec![value])
}

fn time_from_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let unit = TimeUnitName::from_context(context);
    let nanos: Vec<Option<i128>> = match unit {
        TimeUnitName::Seconds => args[0].as_primitive::<Decimal128Type>().iter().collect(),
        _ => args[0].as_primitive::<Int64Type>().iter().map(|v| v.map(|v| i128::from(v) * i128::from(unit.nanos()))).collect(),
    };
    let out = nanos
        .into_iter()
        .map(|v| v.map(|n| checked_time(i64::try_from(n).unwrap_or(i64::MAX)).map(|t| t - t % NANOS_PER_MICRO)).transpose())
        .collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(Time64NanosecondArray::from(out)))
}

/// `time_to_seconds|millis|micros(time)`: seconds as `DECIMAL(14,6)`, the
/// others as whole `BIGINT`s.
pub fn time_to(unit: TimeUnitName, time: Expr) -> Expr {
    let return_type = if unit == TimeUnitName::Seconds { DataType::Decimal128(14, 6) } else { DataType::Int64 };
    KernelUdf::call("time_to", return_type, time_to_kernel, unit.context(), vec![time])
}

fn time_to_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let times = args[0].as_primitive::<Time64NanosecondType>();
    Ok(match TimeUnitName::from_context(context) {
        TimeUnitName::Seconds => {
            let micros = times.iter().map(|t| t.map(|t| i128::from(t / NANOS_PER_MICRO)));
            Arc::new(Decimal128Array::from_iter(micros).with_precision_and_scale(14, 6)?)
        }
        unit => Arc::new(times.iter().map(|t| t.map(|t| t / unit.nanos())).collect::<Int64Array>()),
    })
}

/// The local time of day of a TIMESTAMP in `time_zone` (what
/// `current_time()` and `CAST(timestamp AS TIME)` give), truncated to
/// `precision` fractional digits.
pub fn time_of_timestamp(timestamp: Expr, time_zone: &str, precision: u8) -> Expr {
    let context = format!("{}|{time_zone}", precision.min(6));
    let timestamp = datafusion::logical_expr::cast(timestamp, DataType::Timestamp(TimeUnit::Microsecond, None));
    KernelUdf::call_null_intolerant("time_of_timestamp", time_type(), time_of_timestamp_kernel, &context, vec![timestamp])
}

fn time_of_timestamp_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let (precision, zone) = context.split_once('|').unwrap_or(("6", "UTC"));
    let step = 10i64.pow(9 - precision.parse::<u32>().unwrap_or(6));
    let zone: Tz = zone.parse().unwrap_or(Tz::UTC);
    let micros = cast(&args[0], &DataType::Int64)?;
    let out = micros.as_primitive::<Int64Type>().iter().map(|m| {
        let local = DateTime::from_timestamp_micros(m?)?.with_timezone(&zone);
        let nanos = i64::from(local.num_seconds_from_midnight()) * NANOS_PER_SECOND + i64::from(local.nanosecond());
        Some(nanos - nanos % step)
    });
    Ok(Arc::new(out.collect::<Time64NanosecondArray>()))
}

/// Whole seconds of day of a TIME, as `CAST(time AS <integral>)` counts.
pub fn seconds_of_times(array: &ArrayRef) -> Result<ArrayRef> {
    let nanos = cast(array, &time_type())?;
    let seconds = nanos.as_primitive::<Time64NanosecondType>().iter().map(|t| t.map(|t| t / NANOS_PER_SECOND));
    Ok(Arc::new(seconds.collect::<Int64Array>()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_spark_default_time_text() {
        let t = |h: i64, m: i64, s: i64, micros: i64| Some(((h * 60 + m) * 60 + s) * NANOS_PER_SECOND + micros * 1_000);
        assert_eq!(parse_time("12:10:05"), t(12, 10, 5, 0));
        assert_eq!(parse_time(" 1:2:3 "), t(1, 2, 3, 0));
        assert_eq!(parse_time("01:02"), t(1, 2, 0, 0));
        assert_eq!(parse_time("01:02:03.1234567"), t(1, 2, 3, 123_456).map(|n| n + 700));
        assert_eq!(parse_time("01:02:03.5"), t(1, 2, 3, 500_000));
        for bad in ["25:00:00", "x", "01", "01:02:03:04", "01:60:00", "01:02:03.", ""] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn units_and_range() {
        assert_eq!(unit_nanos("minute"), Some(60 * NANOS_PER_SECOND));
        assert_eq!(unit_nanos("DAY"), None);
        assert!(checked_time(NANOS_PER_DAY).is_err());
        assert!(checked_time(-1).is_err());
        assert_eq!(checked_time(0).unwrap(), 0);
    }

    #[test]
    fn kernels_compute_spark_results() {
        let times: ArrayRef = Arc::new(Time64NanosecondArray::from(vec![Some(3_723_456_789_000), None]));
        let units: ArrayRef = Arc::new(datafusion::arrow::array::StringArray::from(vec!["MINUTE", "HOUR"]));
        let truncated = time_trunc_kernel(&[units.clone(), times.clone()], "").unwrap();
        assert_eq!(truncated.as_primitive::<Time64NanosecondType>().value(0), 3_720 * NANOS_PER_SECOND);
        assert!(truncated.is_null(1));
        let seconds = time_to_kernel(&[times.clone()], "seconds").unwrap();
        assert_eq!(seconds.as_primitive::<Decimal128Type>().value(0), 3_723_456_789);
        let millis = time_to_kernel(&[times.clone()], "millis").unwrap();
        assert_eq!(millis.as_primitive::<Int64Type>().value(0), 3_723_456);
        let zero: ArrayRef = Arc::new(Time64NanosecondArray::from(vec![Some(0), Some(0)]));
        let diff = time_diff_kernel(&[units, zero, times], "").unwrap();
        assert_eq!(diff.as_primitive::<Int64Type>().value(0), 62);
        let bad_unit: ArrayRef = Arc::new(datafusion::arrow::array::StringArray::from(vec!["DAY"]));
        let one: ArrayRef = Arc::new(Time64NanosecondArray::from(vec![1]));
        let err = time_trunc_kernel(&[bad_unit, one], "").unwrap_err();
        assert!(err.to_string().contains("INVALID_PARAMETER_VALUE.TIME_UNIT"), "{err}");
    }
}
