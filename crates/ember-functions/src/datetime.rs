//! Spark's pattern-driven datetime functions: `date_format`,
//! `from_unixtime`, `to_date`, `to_timestamp` (and `try_to_timestamp`),
//! `unix_timestamp`, in the session time zone.

use std::sync::Arc;

use chrono::{DateTime, NaiveDateTime, TimeZone};
use chrono_tz::Tz;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, Date32Array, Int64Array, StringArray, TimestampMicrosecondArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Int64Type, TimeUnit, TimestampMicrosecondType};
use datafusion::common::{DataFusionError, Result, ScalarValue};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use ember_errors::{ErrorKind, SparkError};

use crate::datetime_pattern::DatetimePattern;

/// A pattern-driven datetime function; the planner casts its first argument
/// to the input type it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PatternFunction {
    /// `date_format(timestamp, pattern)` → STRING.
    DateFormat,
    /// `from_unixtime(seconds BIGINT, pattern)` → STRING.
    FromUnixtime,
    /// `to_date(string, pattern)` → DATE.
    ToDate,
    /// `to_timestamp(string, pattern)` → TIMESTAMP.
    ToTimestamp,
    /// `to_timestamp_ntz(string, pattern)` → TIMESTAMP_NTZ: the wall-clock time as written.
    ToTimestampNtz,
    /// `unix_timestamp(string | timestamp, pattern)` → BIGINT seconds.
    UnixTimestamp,
}

impl PatternFunction {
    /// A call; `fail_on_error` is ANSI mode (unparseable text fails instead of giving NULL).
    pub fn call(self, value: Expr, pattern: Expr, time_zone: &str, fail_on_error: bool) -> Expr {
        let udf = SparkPatternFunction {
            function: self,
            time_zone: time_zone.to_string(),
            fail_on_error,
            signature: Signature::any(2, Volatility::Immutable),
        };
        Arc::new(ScalarUDF::new_from_impl(udf)).call(vec![value, pattern])
    }

    fn return_type(self, time_zone: &str) -> DataType {
        match self {
            Self::DateFormat | Self::FromUnixtime => DataType::Utf8,
            Self::ToDate => DataType::Date32,
            Self::ToTimestamp => DataType::Timestamp(TimeUnit::Microsecond, Some(time_zone.into())),
            Self::ToTimestampNtz => DataType::Timestamp(TimeUnit::Microsecond, None),
            Self::UnixTimestamp => DataType::Int64,
        }
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct SparkPatternFunction {
    function: PatternFunction,
    time_zone: String,
    fail_on_error: bool,
    signature: Signature,
}

/// `[CANNOT_PARSE_TIMESTAMP]`: ANSI mode's failure for unparseable text.
fn cannot_parse(text: &str, function: PatternFunction) -> DataFusionError {
    let tolerant = if function == PatternFunction::ToDate { "`try_to_date`" } else { "`try_to_timestamp`" };
    SparkError::new(
        ErrorKind::DateTime,
        "CANNOT_PARSE_TIMESTAMP",
        "22007",
        format!(
            "Text '{text}' could not be parsed at index 0. Use {tolerant} to tolerate invalid input string and return NULL instead."
        ),
        &[("message", format!("Text '{text}' could not be parsed at index 0")), ("func", tolerant.to_string())],
    )
    .into_datafusion()
}


impl ScalarUDFImpl for SparkPatternFunction {
    fn name(&self) -> &str {
        match self.function {
            PatternFunction::DateFormat => "date_format",
            PatternFunction::FromUnixtime => "from_unixtime",
            PatternFunction::ToDate => "to_date",
            PatternFunction::ToTimestamp => "to_timestamp",
            PatternFunction::ToTimestampNtz => "to_timestamp_ntz",
            PatternFunction::UnixTimestamp => "unix_timestamp",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(self.function.return_type(&self.time_zone))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        // Parsing may give NULL without ANSI mode; formatting only for NULL input.
        let parses = matches!(self.function, PatternFunction::ToDate | PatternFunction::ToTimestamp | PatternFunction::ToTimestampNtz)
            || (self.function == PatternFunction::UnixTimestamp && crate::cast::is_string(args.arg_fields[0].data_type()));
        let nullable = (parses && !self.fail_on_error)
            || self.function == PatternFunction::FromUnixtime
            || args.arg_fields.iter().any(|f| f.is_nullable());
        Ok(Arc::new(Field::new(self.name(), self.function.return_type(&self.time_zone), nullable)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let scalar = args.args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let values = args.args[0].to_array(rows)?;
        let patterns = datafusion::arrow::compute::cast(&args.args[1].to_array(rows)?, &DataType::Utf8)?;
        let result = self.evaluate(&values, patterns.as_string::<i32>())?;
        Ok(if scalar { ColumnarValue::Scalar(ScalarValue::try_from_array(&result, 0)?) } else { ColumnarValue::Array(result) })
    }
}

impl SparkPatternFunction {
    /// The zone wall-clock times are read in: UTC for TIMESTAMP_NTZ, whose values are wall-clock times.
    fn zone(&self) -> Tz {
        match self.function {
            PatternFunction::ToTimestampNtz => Tz::UTC,
            _ => self.time_zone.parse().unwrap_or(Tz::UTC),
        }
    }

    fn evaluate(&self, values: &ArrayRef, patterns: &StringArray) -> Result<ArrayRef> {
        let zone = self.zone();
        // Parsed once per distinct pattern text (almost always one per batch).
        let mut cached: Option<(String, Arc<DatetimePattern>)> = None;
        let mut pattern_at = |row: usize| -> Result<Option<Arc<DatetimePattern>>> {
            if patterns.is_null(row) {
                return Ok(None);
            }
            let text = patterns.value(row);
            if cached.as_ref().is_none_or(|(p, _)| p != text) {
                let parsed = DatetimePattern::parse(text).map_err(|e| e.to_spark(text).into_datafusion())?;
                cached = Some((text.to_string(), Arc::new(parsed)));
            }
            Ok(cached.as_ref().map(|(_, p)| p.clone()))
        };
        let rows = values.len();
        match self.function {
            PatternFunction::DateFormat | PatternFunction::FromUnixtime => {
                let micros: Vec<Option<i64>> = if self.function == PatternFunction::DateFormat {
                    values.as_primitive::<TimestampMicrosecondType>().iter().collect()
                } else {
                    values.as_primitive::<Int64Type>().iter().map(|s| s.and_then(|s| s.checked_mul(1_000_000))).collect()
                };
                let mut out = Vec::with_capacity(rows);
                for (row, value) in micros.into_iter().enumerate() {
                    let (Some(value), Some(pattern)) = (value, pattern_at(row)?) else {
                        out.push(None);
                        continue;
                    };
                    if let Some(refusal) = pattern.refusal(false) {
                        return Err(refusal.to_spark(patterns.value(row)).into_datafusion());
                    }
                    out.push(pattern.format_instant(value, &zone));
                }
                Ok(Arc::new(StringArray::from(out)))
            }
            PatternFunction::ToDate | PatternFunction::ToTimestamp | PatternFunction::ToTimestampNtz | PatternFunction::UnixTimestamp => {
                let parsed: Vec<Option<i64>> = match values.data_type() {
                    DataType::Timestamp(..) => values.as_primitive::<TimestampMicrosecondType>().iter().collect(),
                    _ => {
                        let texts = values.as_string::<i32>();
                        let mut out = Vec::with_capacity(rows);
                        for row in 0..rows {
                            // A NULL text is NULL, whatever the pattern.
                            let Some(pattern) = (if texts.is_null(row) { None } else { pattern_at(row)? }) else {
                                out.push(None);
                                continue;
                            };
                            if let Some(refusal) = pattern.refusal(true) {
                                return Err(refusal.to_spark(patterns.value(row)).into_datafusion());
                            }
                            let text = texts.value(row);
                            match pattern.parse_datetime(text).and_then(|local| local_to_micros(&zone, &local)) {
                                Some(micros) => out.push(Some(micros)),
                                None if self.fail_on_error => return Err(cannot_parse(text, self.function)),
                                None => out.push(None),
                            }
                        }
                        out
                    }
                };
                Ok(match self.function {
                    PatternFunction::ToTimestamp => {
                        Arc::new(TimestampMicrosecondArray::from(parsed).with_timezone(self.time_zone.as_str()))
                    }
                    PatternFunction::ToTimestampNtz => Arc::new(TimestampMicrosecondArray::from(parsed)),
                    PatternFunction::UnixTimestamp => {
                        Arc::new(Int64Array::from_iter(parsed.into_iter().map(|m| m.map(|m| m.div_euclid(1_000_000)))))
                    }
                    _ => Arc::new(Date32Array::from_iter(parsed.into_iter().map(|m| {
                        m.and_then(|m| DateTime::from_timestamp_micros(m))
                            .map(|t| t.with_timezone(&zone).date_naive())
                            .map(|d| (d - DateTime::UNIX_EPOCH.date_naive()).num_days() as i32)
                    }))),
                })
            }
        }
    }
}

/// A local date-time in `zone` as microseconds since the epoch, as java.time
/// resolves it: the earlier instant where clocks go back; inside a gap where
/// they skip forward, the time moved later by the gap's length (read with
/// the offset in force before the gap).
pub fn local_to_micros(zone: &Tz, local: &NaiveDateTime) -> Option<i64> {
    use chrono::{LocalResult, Offset};
    match zone.from_local_datetime(local) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.timestamp_micros()),
        LocalResult::None => {
            let before_gap = zone.from_local_datetime(&(*local - chrono::Duration::hours(6))).earliest()?;
            let offset = i64::from(before_gap.offset().fix().local_minus_utc());
            Some((*local - chrono::Duration::seconds(offset)).and_utc().timestamp_micros())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_times_resolve_as_java_time_resolves_them() {
        let zone: Tz = "America/Los_Angeles".parse().unwrap();
        let local = |text: &str| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap();
        let utc = |text: &str| local(text).and_utc().timestamp_micros();
        // In the spring gap the time moves an hour later (03:30 PDT).
        assert_eq!(local_to_micros(&zone, &local("2024-03-10 02:30:00")), Some(utc("2024-03-10 10:30:00")));
        // In the autumn overlap the earlier instant (01:30 PDT) wins.
        assert_eq!(local_to_micros(&zone, &local("2024-11-03 01:30:00")), Some(utc("2024-11-03 08:30:00")));
        assert_eq!(local_to_micros(&zone, &local("2024-01-01 00:00:00")), Some(utc("2024-01-01 08:00:00")));
    }
}
