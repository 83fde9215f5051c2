//! Spark's time windows: the durations `window` and `session_window` take
//! (`'10 minutes'`, `'interval 1 day 2 hours'`), the windows a timestamp
//! falls in (tumbling or sliding, latest start first), a session's end
//! (the timestamp plus its gap) and `time_bucket`'s bucket starts (of
//! day-time or year-month widths).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int64Array, ListArray, StructArray, TimestampMicrosecondArray};
use datafusion::arrow::buffer::OffsetBuffer;
use chrono::{Datelike, Months, NaiveDateTime};
use datafusion::arrow::datatypes::{DataType, Field, Fields, Int32Type, Int64Type, TimestampMicrosecondType};
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::{Expr, lit};

use crate::kernel_udf::KernelUdf;

const MICROS_PER_UNIT: [(&str, i64); 7] = [
    ("microsecond", 1),
    ("millisecond", 1_000),
    ("second", 1_000_000),
    ("minute", 60_000_000),
    ("hour", 3_600_000_000),
    ("day", 86_400_000_000),
    ("week", 604_800_000_000),
];

/// Why a duration string is not a window's duration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DurationError {
    /// Not an interval string.
    Unparsable,
    /// An interval with months or years (Spark's windows take fixed durations).
    Months,
}

/// The microseconds of `text`, an interval string as Spark's
/// `IntervalUtils.stringToInterval` reads it: an optional `interval`, then
/// `<number> <unit>` pairs (units singular or plural, fractions allowed).
pub fn parse_duration(text: &str) -> std::result::Result<i64, DurationError> {
    let lower = text.trim().to_ascii_lowercase();
    let mut words = lower.split_whitespace().peekable();
    if words.peek() == Some(&"interval") {
        words.next();
    }
    let mut total: i128 = 0;
    let mut pairs = 0;
    while let Some(number) = words.next() {
        let unit = words.next().ok_or(DurationError::Unparsable)?;
        let unit = unit.strip_suffix('s').unwrap_or(unit);
        if unit == "month" || unit == "year" {
            return Err(DurationError::Months);
        }
        let per_unit = MICROS_PER_UNIT.iter().find(|(name, _)| *name == unit).ok_or(DurationError::Unparsable)?.1;
        total += scaled(number, per_unit).ok_or(DurationError::Unparsable)?;
        pairs += 1;
    }
    if pairs == 0 {
        return Err(DurationError::Unparsable);
    }
    i64::try_from(total).map_err(|_| DurationError::Unparsable)
}

/// `number` (an optionally signed decimal) times `per_unit`, truncated to microseconds.
fn scaled(number: &str, per_unit: i64) -> Option<i128> {
    let (negative, digits) = match number.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, number.strip_prefix('+').unwrap_or(number)),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let mut value = if whole.is_empty() { 0 } else { whole.parse::<i128>().ok()? * i128::from(per_unit) };
    let mut scale = i128::from(per_unit);
    for digit in fraction.bytes() {
        scale /= 10;
        value += i128::from(digit - b'0') * scale;
    }
    Some(if negative { -value } else { value })
}

/// The fixed durations of a `window(time, windowDuration, slideDuration, startTime)` call, in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSpec {
    /// The length of each window.
    pub duration: i64,
    /// The distance between the starts of consecutive windows.
    pub slide: i64,
    /// The offset of the windows' starts from the epoch.
    pub start: i64,
}

impl WindowSpec {
    /// Whether windows overlap (a timestamp may fall in several).
    pub fn is_sliding(&self) -> bool {
        self.duration != self.slide
    }

    /// The `[start, end)` windows holding `time`, the latest start first.
    pub fn windows(&self, time: i64) -> Vec<(i64, i64)> {
        let last_start = time - (time - self.start).rem_euclid(self.slide);
        let count = (self.duration + self.slide - 1) / self.slide;
        (0..count)
            .map(|i| last_start - i * self.slide)
            .map(|start| (start, start + self.duration))
            .filter(|&(start, end)| start <= time && time < end)
            .collect()
    }

    /// The windows of `time` (a microsecond timestamp of type `time_type`)
    /// as a list of `struct<start, end>`, empty for a NULL time.
    pub fn call(&self, time: Expr, time_type: &DataType) -> Expr {
        let return_type = DataType::List(Arc::new(Field::new("element", window_struct(time_type), self.is_sliding())));
        let args = vec![time, lit(self.duration), lit(self.slide), lit(self.start)];
        KernelUdf::call_null_intolerant("time_windows", return_type, time_windows_kernel, "", args)
    }
}

/// `struct<start, end>` of `time_type`, the type of a window column.
pub fn window_struct(time_type: &DataType) -> DataType {
    DataType::Struct(window_fields(time_type))
}

fn window_fields(time_type: &DataType) -> Fields {
    Fields::from(vec![Field::new("start", time_type.clone(), true), Field::new("end", time_type.clone(), true)])
}

fn time_windows_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let times = args[0].as_primitive::<TimestampMicrosecondType>();
    let param = |i: usize| args[i].as_primitive::<Int64Type>().value(0);
    if times.is_empty() {
        return Ok(datafusion::arrow::array::new_empty_array(&time_windows_type(args[0].data_type())));
    }
    let spec = WindowSpec { duration: param(1), slide: param(2), start: param(3) };
    let (mut starts, mut ends, mut offsets) = (Vec::new(), Vec::new(), vec![0i32]);
    for time in times.iter() {
        for (start, end) in time.map(|t| spec.windows(t)).unwrap_or_default() {
            starts.push(start);
            ends.push(end);
        }
        offsets.push(i32::try_from(starts.len()).map_err(|e| DataFusionError::Execution(e.to_string()))?);
    }
    let zone = match args[0].data_type() {
        DataType::Timestamp(_, zone) => zone.clone(),
        _ => None,
    };
    let column = |values: Vec<i64>| -> ArrayRef { Arc::new(TimestampMicrosecondArray::from(values).with_timezone_opt(zone.clone())) };
    let structs = StructArray::try_new(window_fields(args[0].data_type()), vec![column(starts), column(ends)], None)?;
    let element = Arc::new(Field::new("element", structs.data_type().clone(), spec.is_sliding()));
    Ok(Arc::new(ListArray::try_new(element, OffsetBuffer::new(offsets.into()), Arc::new(structs), None)?))
}

fn time_windows_type(time_type: &DataType) -> DataType {
    DataType::List(Arc::new(Field::new("element", window_struct(time_type), true)))
}

/// `time + gap`, the end of the session a row opens: `gap` is a duration
/// string; NULL when either is NULL or the gap is not a positive duration
/// (Spark drops such rows from sessions).
pub fn session_end(time: Expr, gap: Expr, time_type: &DataType) -> Expr {
    KernelUdf::call("session_end", time_type.clone(), session_end_kernel, "", vec![time, gap])
}

fn session_end_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let times = args[0].as_primitive::<TimestampMicrosecondType>();
    let gaps = args[1].as_string::<i32>();
    let ends: Int64Array = times
        .iter()
        .zip(gaps.iter())
        .map(|(time, gap)| {
            let gap = parse_duration(gap?).ok().filter(|g| *g > 0)?;
            time?.checked_add(gap)
        })
        .collect();
    let zone = match args[0].data_type() {
        DataType::Timestamp(_, zone) => zone.clone(),
        _ => None,
    };
    Ok(Arc::new(TimestampMicrosecondArray::new(ends.values().clone(), ends.nulls().cloned()).with_timezone_opt(zone)))
}

/// `time_bucket(width, time, origin)`: the start of the `width`-long bucket
/// (a day-time interval in microseconds) holding `time`, buckets starting
/// at `origin`; of the type of `time`.
pub fn time_bucket(width: Expr, time: Expr, origin: Expr, time_type: &DataType) -> Expr {
    KernelUdf::call_null_intolerant("time_bucket", time_type.clone(), time_bucket_kernel, "", vec![width, time, origin])
}

/// The start of the bucket of `width` microseconds, counted from `origin`, that holds `time`.
pub fn bucket_start(width: i64, time: i64, origin: i64) -> Option<i64> {
    (width > 0).then(|| origin + (time - origin).div_euclid(width) * width)
}

/// `time_bucket(width, time, origin)` of a year-month `width` (`months`
/// months, positive): the latest of `origin` plus a multiple of `width`, in
/// wall-clock time of the timestamps' zone (the day of month clamped as
/// `add_months` clamps it), not after `time`; of the type of `time`.
pub fn time_bucket_months(months: i32, time: Expr, origin: Expr, time_type: &DataType) -> Expr {
    KernelUdf::call_null_intolerant("time_bucket", time_type.clone(), time_bucket_months_kernel, "", vec![lit(months), time, origin])
}

/// The start of the bucket of `months` months, counted from `origin`, that
/// holds `time` (both wall-clock times).
pub fn month_bucket_start(months: i32, time: NaiveDateTime, origin: NaiveDateTime) -> Option<NaiveDateTime> {
    let month_index = |t: &NaiveDateTime| i64::from(t.year()) * 12 + i64::from(t.month0());
    let shifted = |k: i64| {
        let offset = k.checked_mul(i64::from(months))?;
        let span = Months::new(u32::try_from(offset.unsigned_abs()).ok()?);
        if offset >= 0 { origin.checked_add_months(span) } else { origin.checked_sub_months(span) }
    };
    let k = (month_index(&time) - month_index(&origin)).div_euclid(i64::from(months));
    let start = shifted(k)?;
    if start <= time { Some(start) } else { shifted(k - 1) }
}

fn time_bucket_months_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let months = args[0].as_primitive::<Int32Type>();
    let times = args[1].as_primitive::<TimestampMicrosecondType>();
    let origins = args[2].as_primitive::<TimestampMicrosecondType>();
    let zone_name = match args[1].data_type() {
        DataType::Timestamp(_, zone) => zone.clone(),
        _ => None,
    };
    let zone = match &zone_name {
        Some(name) => crate::timestamp_text::Zone::parse_or_fail(name).map_err(ember_errors::SparkError::into_datafusion)?,
        None => crate::timestamp_text::Zone::Offset(chrono::FixedOffset::east_opt(0).unwrap_or_else(|| unreachable!("UTC"))),
    };
    let starts: TimestampMicrosecondArray = (0..times.len())
        .map(|i| {
            if months.is_null(i) || times.is_null(i) || origins.is_null(i) || months.value(i) <= 0 {
                return None;
            }
            let start = month_bucket_start(months.value(i), zone.local_of(times.value(i))?, zone.local_of(origins.value(i))?)?;
            zone.local_to_micros(&start)
        })
        .collect();
    Ok(Arc::new(starts.with_timezone_opt(zone_name)))
}

fn time_bucket_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let widths = args[0].as_primitive::<datafusion::arrow::datatypes::DurationMicrosecondType>();
    let times = args[1].as_primitive::<TimestampMicrosecondType>();
    let origins = args[2].as_primitive::<TimestampMicrosecondType>();
    let starts: TimestampMicrosecondArray = (0..times.len())
        .map(|i| {
            let valid = widths.is_valid(i) && times.is_valid(i) && origins.is_valid(i);
            valid.then(|| bucket_start(widths.value(i), times.value(i), origins.value(i))).flatten()
        })
        .collect();
    let zone = match args[1].data_type() {
        DataType::Timestamp(_, zone) => zone.clone(),
        _ => None,
    };
    Ok(Arc::new(starts.with_timezone_opt(zone)))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000_000;

    #[test]
    fn durations_parse_as_spark_reads_them() {
        assert_eq!(parse_duration("10 minutes"), Ok(10 * MINUTE));
        assert_eq!(parse_duration("interval 1 day 2 hours"), Ok(26 * 60 * MINUTE));
        assert_eq!(parse_duration("1.5 seconds"), Ok(1_500_000));
        assert_eq!(parse_duration("1 week"), Ok(7 * 24 * 60 * MINUTE));
        assert_eq!(parse_duration("1 month"), Err(DurationError::Months));
        assert_eq!(parse_duration("bogus"), Err(DurationError::Unparsable));
        assert_eq!(parse_duration(""), Err(DurationError::Unparsable));
    }

    #[test]
    fn windows_start_at_multiples_of_the_slide() {
        // Spark 4.3: window(t, '10 minutes', '5 minutes', '2 minutes') of 1969-12-31 23:57:13.
        let sliding = WindowSpec { duration: 10 * MINUTE, slide: 5 * MINUTE, start: 2 * MINUTE };
        let time = -(2 * MINUTE + 47_000_000);
        assert_eq!(sliding.windows(time), vec![(-3 * MINUTE, 7 * MINUTE), (-8 * MINUTE, 2 * MINUTE)]);
        // window(t, '7 minutes') of the same time: [23:53, 00:00).
        let tumbling = WindowSpec { duration: 7 * MINUTE, slide: 7 * MINUTE, start: 0 };
        assert_eq!(tumbling.windows(time), vec![(-7 * MINUTE, 0)]);
    }

    #[test]
    fn buckets_count_from_the_origin() {
        // Spark 4.3: time_bucket(INTERVAL '15' MINUTE, 1969-12-31 23:59, 2024-01-01 00:05) is 23:50.
        let origin = 1_704_067_200_000_000 + 5 * MINUTE;
        assert_eq!(bucket_start(15 * MINUTE, -MINUTE, origin), Some(-10 * MINUTE));
        assert_eq!(bucket_start(0, -MINUTE, origin), None);
    }

    #[test]
    fn month_buckets_clamp_the_day_of_month() {
        // Spark 4.3: time_bucket(INTERVAL '1' MONTH, t, TIMESTAMP_NTZ '2020-01-31 12:00:00').
        let at = |text: &str| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
        let origin = at("2020-01-31 12:00:00");
        assert_eq!(month_bucket_start(1, at("2024-03-15 10:00:00"), origin), Some(at("2024-02-29 12:00:00")));
        assert_eq!(month_bucket_start(1, at("2024-03-31 13:00:00"), origin), Some(at("2024-03-31 12:00:00")));
        assert_eq!(month_bucket_start(1, at("2024-03-31 11:00:00"), origin), Some(at("2024-02-29 12:00:00")));
        // Before the origin: time_bucket(INTERVAL '2' MONTH, 2019-05-10, 2020-01-15) is 2019-03-15.
        assert_eq!(month_bucket_start(2, at("2019-05-10 00:00:00"), at("2020-01-15 00:00:00")), Some(at("2019-03-15 00:00:00")));
    }
}
