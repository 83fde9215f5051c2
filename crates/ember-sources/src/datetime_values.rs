//! The `dateFormat`, `timestampFormat` and `timeZone` options of CSV and
//! JSON: dates and timestamps parsed and written with Spark's datetime
//! patterns (without them, Spark's default parsing and text apply).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Date32Array, TimestampMicrosecondArray};
use arrow::datatypes::{DataType, Date32Type, TimeUnit, TimestampMicrosecondType};
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use ember_errors::SparkError;
use ember_functions::datetime_pattern::DatetimePattern;

use crate::csv_values::ParsedColumn;
use crate::options::Options;

/// The patterns a read or write was given.
#[derive(Debug, Clone, Default)]
pub struct DatetimeFormats {
    date: Option<Pattern>,
    timestamp: Option<Pattern>,
    zone: Option<String>,
}

/// A pattern option: its text (for errors) and the parsed pattern.
#[derive(Debug, Clone)]
struct Pattern {
    text: String,
    parsed: DatetimePattern,
}

impl Pattern {
    /// The pattern, or Spark's error when Spark 3+ cannot parse with it
    /// (day names, `u`, …): raised when a value is parsed, as Spark.
    /// Whether `value` parses with the pattern (never with one Spark 3+
    /// refuses).
    fn fits(&self, value: &str) -> bool {
        self.for_parsing().is_ok_and(|pattern| pattern.parse_datetime(value).is_some())
    }

    fn for_parsing(&self) -> Result<&DatetimePattern, SparkError> {
        match self.parsed.refusal(true) {
            Some(refusal) => Err(refusal.to_spark(&self.text)),
            None => Ok(&self.parsed),
        }
    }
}

impl DatetimeFormats {
    /// The `dateFormat`, `timestampFormat` and `timeZone` options; month and
    /// day names in the patterns are those of `locale`.
    pub fn parse(options: &Options) -> Result<Self, SparkError> {
        let locale = options.get("locale").unwrap_or("en-US");
        let pattern = |key: &str| {
            options
                .get(key)
                .map(|text| {
                    DatetimePattern::parse(text)
                        .map(|pattern| Pattern { text: text.to_string(), parsed: pattern.with_locale(locale) })
                        .map_err(|e| e.to_spark(text))
                })
                .transpose()
        };
        Ok(DatetimeFormats { date: pattern("dateFormat")?, timestamp: pattern("timestampFormat")?, zone: options.get("timeZone").map(str::to_string) })
    }

    /// Whether `value` fits `dateFormat`; `None` without one. Nothing fits
    /// a pattern Spark 3+ cannot parse with (Spark's inference swallows
    /// that error for dates).
    pub fn fits_date_pattern(&self, value: &str) -> Option<bool> {
        self.date.as_ref().map(|pattern| pattern.fits(value))
    }

    /// Whether `value` fits `timestampFormat`; `None` without one.
    pub fn fits_timestamp_pattern(&self, value: &str) -> Option<bool> {
        self.timestamp.as_ref().map(|pattern| pattern.fits(value))
    }

    /// Whether CSV inference makes a column of dates and timestamps a
    /// timestamp column (else a string one), as Spark: only without
    /// `timestampFormat` (Spark's lenient timestamp parsing) and with dates
    /// in a form that parsing reads (`dateFormat` unset or `yyyy-MM-dd`,
    /// `yyyy-M-d`, `yyyy-M-dd`, `yyyy-MM-d`, `yyyy-MM`, `yyyy-M`, `yyyy`).
    pub fn dates_read_as_timestamps(&self) -> bool {
        const LENIENT: [&str; 7] = ["yyyy-MM-dd", "yyyy-M-d", "yyyy-M-dd", "yyyy-MM-d", "yyyy-MM", "yyyy-M", "yyyy"];
        self.timestamp.is_none() && self.date.as_ref().is_none_or(|pattern| LENIENT.contains(&pattern.text.as_str()))
    }

    /// Whether `dateFormat` or `timestampFormat` is a pattern Spark 3+
    /// cannot parse with.
    pub fn refuses_parsing(&self) -> bool {
        [&self.date, &self.timestamp].into_iter().flatten().any(|pattern| pattern.parsed.refusal(true).is_some())
    }

    /// Spark's error when `timestampFormat` is a pattern Spark 3+ cannot
    /// parse with (JSON schema inference fails on it whatever the data).
    pub fn check_timestamp_pattern(&self) -> Result<(), SparkError> {
        self.timestamp.as_ref().map_or(Ok(()), |pattern| pattern.for_parsing().map(|_| ()))
    }

    /// `texts` parsed with the pattern for `data_type`; `None` when no
    /// pattern applies (the default parsing does). A pattern Spark 3+
    /// cannot parse with fails once a value is to be parsed.
    pub fn parse_column(&self, texts: &[Option<&str>], data_type: &DataType) -> Result<Option<ParsedColumn>, SparkError> {
        let has_values = texts.iter().any(Option::is_some);
        let array: ArrayRef = match data_type {
            DataType::Date32 => {
                let Some(pattern) = pattern_to_parse(&self.date, has_values)? else { return Ok(None) };
                let days = texts.iter().map(|t| t.and_then(|t| pattern.parse_datetime(t)).map(|d| days_since_epoch(d.date())));
                Arc::new(days.collect::<Date32Array>())
            }
            DataType::Timestamp(TimeUnit::Microsecond, Some(target_zone)) => {
                let Some(pattern) = pattern_to_parse(&self.timestamp, has_values)? else { return Ok(None) };
                let zone = self.zone.as_deref().unwrap_or(target_zone);
                let micros = texts.iter().map(|t| t.and_then(|t| pattern.parse_datetime(t)).and_then(|local| utc_micros(&local, zone)));
                Arc::new(micros.collect::<TimestampMicrosecondArray>().with_timezone(target_zone.clone()))
            }
            _ => return Ok(None),
        };
        let malformed = texts.iter().enumerate().map(|(i, t)| t.is_some() && array.is_null(i)).collect();
        Ok(Some(ParsedColumn { array, malformed }))
    }

    /// `array`'s dates or timestamps as text in the given pattern; `None`
    /// when no pattern applies.
    pub fn format_column(&self, array: &ArrayRef) -> Option<Vec<Option<String>>> {
        match array.data_type() {
            DataType::Date32 => {
                let pattern = &self.date.as_ref()?.parsed;
                let dates = array.as_primitive::<Date32Type>();
                let text = |days: i32| epoch_date(days).and_hms_opt(0, 0, 0).map(|midnight| pattern.format(&midnight, "UTC", 0));
                Some(dates.iter().map(|d| d.and_then(&text)).collect())
            }
            DataType::Timestamp(TimeUnit::Microsecond, Some(array_zone)) => {
                let pattern = &self.timestamp.as_ref()?.parsed;
                let zone = self.zone.as_deref().unwrap_or(array_zone);
                let stamps = array.as_primitive::<TimestampMicrosecondType>();
                Some(stamps.iter().map(|t| t.and_then(|micros| local_text(pattern, micros, zone))).collect())
            }
            _ => None,
        }
    }
}

/// The pattern to parse with, if set; checked only when there are values.
fn pattern_to_parse(pattern: &Option<Pattern>, has_values: bool) -> Result<Option<&DatetimePattern>, SparkError> {
    match pattern {
        Some(pattern) if has_values => pattern.for_parsing().map(Some),
        Some(pattern) => Ok(Some(&pattern.parsed)),
        None => Ok(None),
    }
}

fn days_since_epoch(date: NaiveDate) -> i32 {
    (date - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default()).num_days() as i32
}

fn epoch_date(days: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or_default() + chrono::Duration::days(days.into())
}

/// A local date-time in `zone` (a region or an offset) as UTC microseconds.
fn utc_micros(local: &NaiveDateTime, zone: &str) -> Option<i64> {
    let utc = match zone.parse::<chrono_tz::Tz>() {
        Ok(tz) => tz.from_local_datetime(local).earliest()?.with_timezone(&Utc),
        Err(_) => fixed_offset(zone)?.from_local_datetime(local).earliest()?.with_timezone(&Utc),
    };
    Some(utc.timestamp_micros())
}

/// `micros` as local text in `zone`.
fn local_text(pattern: &DatetimePattern, micros: i64, zone: &str) -> Option<String> {
    if let Ok(tz) = zone.parse::<chrono_tz::Tz>() {
        return pattern.format_instant(micros, &tz);
    }
    let offset = fixed_offset(zone)?;
    let utc: DateTime<Utc> = DateTime::from_timestamp_micros(micros)?;
    Some(pattern.format(&utc.with_timezone(&offset).naive_local(), zone, offset.local_minus_utc()))
}

/// `+08:00`, `-0530`, `UTC+1`, `GMT`, `Z` as a fixed offset.
fn fixed_offset(zone: &str) -> Option<chrono::FixedOffset> {
    let text = zone.trim_start_matches("UTC").trim_start_matches("GMT");
    if text.is_empty() || text == "Z" {
        return chrono::FixedOffset::east_opt(0);
    }
    let (sign, digits) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => return None,
    };
    let digits: String = digits.chars().filter(|c| *c != ':').collect();
    let (hours, minutes) = match digits.len() {
        1 | 2 => (digits.parse::<i32>().ok()?, 0),
        4 => (digits[..2].parse::<i32>().ok()?, digits[2..].parse::<i32>().ok()?),
        _ => return None,
    };
    chrono::FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn formats(pairs: &[(&str, &str)]) -> DatetimeFormats {
        let owned: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        DatetimeFormats::parse(&Options::new(owned.iter().map(|(k, v)| (k, v)))).unwrap()
    }

    #[test]
    fn parses_dates_and_timestamps_with_patterns() {
        let f = formats(&[("dateFormat", "dd/MM/yyyy"), ("timestampFormat", "dd/MM/yyyy HH:mm"), ("timeZone", "+01:00")]);
        let dates = f.parse_column(&[Some("02/01/2020"), Some("2020-01-02")], &DataType::Date32).unwrap().unwrap();
        assert_eq!(dates.malformed, [false, true]);
        let stamp = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
        let parsed = f.parse_column(&[Some("02/01/2020 01:00")], &stamp).unwrap().unwrap();
        let micros = parsed.array.as_primitive::<TimestampMicrosecondType>().value(0);
        assert_eq!(micros, 1_577_923_200_000_000);
        assert!(formats(&[]).parse_column(&[Some("x")], &DataType::Date32).unwrap().is_none());
    }

    #[test]
    fn day_names_fail_only_when_a_value_is_parsed() {
        let f = formats(&[("dateFormat", "E yyyy-MM-dd")]);
        assert!(f.parse_column(&[None], &DataType::Date32).unwrap().is_some());
        let Err(error) = f.parse_column(&[Some("Fri 2026-11-27")], &DataType::Date32) else { panic!("day names parsed") };
        assert_eq!(f.fits_date_pattern("Fri 2026-11-27"), Some(false));
        assert_eq!(error.error_class, "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION");
        assert!(f.check_timestamp_pattern().is_ok());
        assert!(formats(&[("timestampFormat", "EEEE HH:mm")]).check_timestamp_pattern().is_err());
        let dates: ArrayRef = Arc::new(Date32Array::from(vec![Some(20784)]));
        assert_eq!(f.format_column(&dates).unwrap(), [Some("Fri 2026-11-27".to_string())]);
    }

    #[test]
    fn formats_with_patterns() {
        let f = formats(&[("dateFormat", "MM/dd/yyyy"), ("timestampFormat", "yyyy/MM/dd HH:mm")]);
        let dates: ArrayRef = Arc::new(Date32Array::from(vec![Some(18263), None]));
        assert_eq!(f.format_column(&dates).unwrap(), [Some("01/02/2020".to_string()), None]);
        let stamps: ArrayRef = Arc::new(TimestampMicrosecondArray::from(vec![1_577_923_200_000_000]).with_timezone("UTC"));
        assert_eq!(f.format_column(&stamps).unwrap(), [Some("2020/01/02 00:00".to_string())]);
    }
}
