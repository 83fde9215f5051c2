//! Timestamp text as Spark's `CAST(… AS TIMESTAMP)` and `CAST(… AS
//! TIMESTAMP_NTZ)` read it: `[+-]yyyy[yy][-[m]m[-[d]d]]`, then optionally a
//! space or `T` and `[h]h[:[m]m[:[s]s[.fraction]]]` (the fraction cut to
//! microseconds), then after the seconds optionally a zone; or a time of day
//! alone (`[h]h:[m]m…` or `T[h]h…`) on today's date. A zone is `Z`, an offset
//! (`+h`, `+hh`, `+hh:mm`, `+hhmm`, `+hh:mm:ss`, `+hhmmss`, and `+h:mm`,
//! `+hh:m`), `UTC`/`GMT`/`UT` alone or followed by an offset, one of Java's
//! short ids (`PST`, `EST`, …) or a region (`Europe/Paris`).

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};
use chrono_tz::Tz;
use ember_errors::{ErrorKind, SparkError};

/// A time zone a timestamp text names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    /// A fixed offset from UTC (`+07:30`, `UTC-8`, `Z`).
    Offset(FixedOffset),
    /// A region with its rules (`America/Los_Angeles`).
    Region(Tz),
}

impl Zone {
    /// The zone Java's `ZoneId.of(id, SHORT_IDS)` names, after Spark widens
    /// one-digit hours (`+7:30`) and minutes (`+07:3`) of offsets.
    pub fn parse(id: &str) -> Option<Zone> {
        let id = widen_offset_digits(id);
        let id = short_id(&id).unwrap_or(id.as_str());
        if id == "Z" {
            return Some(Zone::Offset(FixedOffset::east_opt(0)?));
        }
        if id.starts_with(['+', '-']) {
            return offset(id).map(Zone::Offset);
        }
        for prefix in ["UTC", "GMT", "UT"] {
            if let Some(rest) = id.strip_prefix(prefix) {
                if rest.is_empty() {
                    return Some(Zone::Offset(FixedOffset::east_opt(0)?));
                }
                if rest.starts_with(['+', '-']) {
                    return offset(rest).map(Zone::Offset);
                }
            }
        }
        id.parse::<Tz>().ok().map(Zone::Region)
    }

    /// A local date-time in this zone as microseconds since the epoch (see
    /// [`crate::datetime::local_to_micros`] for gaps and overlaps).
    pub fn local_to_micros(&self, local: &NaiveDateTime) -> Option<i64> {
        match self {
            Zone::Offset(offset) => offset.from_local_datetime(local).single().map(|t| t.timestamp_micros()),
            Zone::Region(tz) => crate::datetime::local_to_micros(tz, local),
        }
    }

    /// The wall-clock time in this zone of the instant `micros` after the epoch.
    pub fn local_of(&self, micros: i64) -> Option<NaiveDateTime> {
        let instant = chrono::DateTime::from_timestamp_micros(micros)?;
        Some(match self {
            Zone::Offset(offset) => instant.with_timezone(offset).naive_local(),
            Zone::Region(tz) => instant.with_timezone(tz).naive_local(),
        })
    }

    /// [`Zone::parse`], failing with Spark's `INVALID_TIMEZONE`.
    pub fn parse_or_fail(id: &str) -> Result<Zone, SparkError> {
        Zone::parse(id).ok_or_else(|| invalid_timezone(id))
    }

    /// Today's date in this zone.
    fn today(&self) -> NaiveDate {
        let now = chrono::Utc::now();
        match self {
            Zone::Offset(offset) => now.with_timezone(offset).date_naive(),
            Zone::Region(tz) => now.with_timezone(tz).date_naive(),
        }
    }
}

/// `INVALID_TIMEZONE` for a zone Java's `ZoneId` does not read.
pub fn invalid_timezone(zone: &str) -> SparkError {
    SparkError::new(
        ErrorKind::DateTime,
        "INVALID_TIMEZONE",
        "22009",
        format!(
            "The timezone: {zone} is invalid. The timezone must be either a region-based zone ID or a zone offset. Region IDs must have the form 'area/city', such as 'America/Los_Angeles'. Zone offsets must be in the format '(+|-)HH', '(+|-)HH:mm\u{2019} or '(+|-)HH:mm:ss', e.g '-08' , '+01:00' or '-13:33:33', and must be in the range from -18:00 to +18:00. 'Z' and 'UTC' are accepted as synonyms for '+00:00'."
        ),
        &[("timeZone", zone.to_string())],
    )
}

/// Spark's rewrite of `+h:` to `+0h:` (first occurrence) and of a trailing
/// `+hh:m` to `+hh:0m`, which `java.time` would not read.
fn widen_offset_digits(id: &str) -> String {
    let b = id.as_bytes();
    let mut id = id.to_string();
    if let Some(at) = (0..b.len().saturating_sub(2)).find(|&i| matches!(b[i], b'+' | b'-') && b[i + 1].is_ascii_digit() && b[i + 2] == b':') {
        id.insert(at + 1, '0');
    }
    let b = id.as_bytes();
    let n = b.len();
    if n >= 5 && matches!(b[n - 5], b'+' | b'-') && b[n - 4].is_ascii_digit() && b[n - 3].is_ascii_digit() && b[n - 2] == b':' && b[n - 1].is_ascii_digit() {
        id.insert(n - 1, '0');
    }
    id
}

/// Java's `ZoneId.SHORT_IDS`: three-letter ids and the zone each stands for.
fn short_id(id: &str) -> Option<&'static str> {
    Some(match id {
        "ACT" => "Australia/Darwin",
        "AET" => "Australia/Sydney",
        "AGT" => "America/Argentina/Buenos_Aires",
        "ART" => "Africa/Cairo",
        "AST" => "America/Anchorage",
        "BET" => "America/Sao_Paulo",
        "BST" => "Asia/Dhaka",
        "CAT" => "Africa/Harare",
        "CNT" => "America/St_Johns",
        "CST" => "America/Chicago",
        "CTT" => "Asia/Shanghai",
        "EAT" => "Africa/Addis_Ababa",
        "ECT" => "Europe/Paris",
        "IET" => "America/Indiana/Indianapolis",
        "IST" => "Asia/Kolkata",
        "JST" => "Asia/Tokyo",
        "MIT" => "Pacific/Apia",
        "NET" => "Asia/Yerevan",
        "NST" => "Pacific/Auckland",
        "PLT" => "Asia/Karachi",
        "PNT" => "America/Phoenix",
        "PRT" => "America/Puerto_Rico",
        "PST" => "America/Los_Angeles",
        "SST" => "Pacific/Guadalcanal",
        "VST" => "Asia/Ho_Chi_Minh",
        "EST" => "-05:00",
        "MST" => "-07:00",
        "HST" => "-10:00",
        _ => return None,
    })
}

/// Java's `ZoneOffset.of`: a sign, then `h`, `hh`, `hh:mm`, `hhmm`,
/// `hh:mm:ss` or `hhmmss`, at most 18 hours.
fn offset(text: &str) -> Option<FixedOffset> {
    let sign = match text.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let body = &text[1..];
    let number = |range: std::ops::Range<usize>| -> Option<i32> {
        let part = body.get(range)?;
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse().ok())?
    };
    let colon_at = |i: usize| body.as_bytes().get(i) == Some(&b':');
    let (hours, minutes, seconds) = match body.len() {
        1 | 2 => (number(0..body.len())?, 0, 0),
        4 => (number(0..2)?, number(2..4)?, 0),
        5 if colon_at(2) => (number(0..2)?, number(3..5)?, 0),
        6 => (number(0..2)?, number(2..4)?, number(4..6)?),
        8 if colon_at(2) && colon_at(5) => (number(0..2)?, number(3..5)?, number(6..8)?),
        _ => return None,
    };
    if hours > 18 || minutes > 59 || seconds > 59 {
        return None;
    }
    let total = hours * 3600 + minutes * 60 + seconds;
    if total > 18 * 3600 {
        return None;
    }
    FixedOffset::east_opt(sign * total)
}

/// The parts of a timestamp text.
#[derive(Debug, Clone, PartialEq)]
pub struct TimestampText {
    /// The date; `None` for a time of day alone.
    pub date: Option<NaiveDate>,
    /// The time of day, to the microsecond.
    pub time: NaiveTime,
    /// The zone written after the time, if any.
    pub zone: Option<Zone>,
}

impl TimestampText {
    /// Reads `text` as Spark reads timestamp text; `None` if it is malformed,
    /// names no valid date or time or an unknown zone.
    pub fn parse(text: &str) -> Option<TimestampText> {
        let untrimmed_start = text.len() - text.trim_start_matches(is_trimmed).len();
        let text = text.trim_matches(is_trimmed);
        let bytes = text.as_bytes();
        let mut at = 0;
        let year_sign = match bytes.first() {
            Some(b'-') => Some(-1),
            Some(b'+') => Some(1),
            _ => None,
        };
        if year_sign.is_some() {
            at += 1;
        }
        // Date fields (year, month, day), then time fields (hour, minute, second).
        let mut fields = [1i64, 1, 1, 0, 0, 0];
        let mut micros = 0u32;
        let mut zone = None;
        let mut just_time = false;
        let mut field = 0;
        if bytes.get(at) == Some(&b'T') && at == 0 && untrimmed_start == 0 {
            just_time = true;
            field = 3;
            at += 1;
        }
        loop {
            let digits = bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
            let value: i64 = text[at..at + digits].parse().unwrap_or(0);
            at += digits;
            let next = bytes.get(at).copied();
            if field == 0 && next == Some(b':') && year_sign.is_none() {
                // A time of day alone: what looked like a year is the hour.
                just_time = true;
                field = 3;
            }
            let valid = match field {
                0 => (4..=6).contains(&digits),
                _ => (1..=2).contains(&digits),
            };
            if !valid {
                return None;
            }
            fields[field] = value;
            let Some(next) = next else { break };
            at += 1;
            match (field, next) {
                (0 | 1, b'-') | (2, b' ' | b'T') | (3 | 4, b':') => field += 1,
                (5, b'.') => {
                    let fraction = bytes[at..].iter().take_while(|b| b.is_ascii_digit()).count();
                    micros = format!("{:0<6}", &text[at..at + fraction.min(6)]).parse().ok()?;
                    at += fraction;
                    if at < bytes.len() {
                        zone = Some(Zone::parse(text[at..].trim())?);
                    }
                    break;
                }
                (5, _) => {
                    zone = Some(Zone::parse(text[at - 1..].trim())?);
                    break;
                }
                _ => return None,
            }
        }
        let time = NaiveTime::from_hms_micro_opt(u32::try_from(fields[3]).ok()?, u32::try_from(fields[4]).ok()?, u32::try_from(fields[5]).ok()?, micros)?;
        let date = match just_time {
            true => None,
            false => {
                let year = i32::try_from(fields[0] * year_sign.unwrap_or(1)).ok()?;
                Some(NaiveDate::from_ymd_opt(year, u32::try_from(fields[1]).ok()?, u32::try_from(fields[2]).ok()?)?)
            }
        };
        Some(TimestampText { date, time, zone })
    }

    /// The instant as microseconds since the epoch: the written zone, else
    /// `session_zone`; a time of day alone is on today's date in that zone.
    pub fn instant(&self, session_zone: &Zone) -> Option<i64> {
        let zone = self.zone.as_ref().unwrap_or(session_zone);
        let date = self.date.unwrap_or_else(|| zone.today());
        zone.local_to_micros(&date.and_time(self.time))
    }

    /// The wall-clock time as microseconds since 1970-01-01 00:00:00 (a
    /// `TIMESTAMP_NTZ`): the zone is ignored; a time of day alone is none.
    pub fn wall_clock(&self) -> Option<i64> {
        Some(self.date?.and_time(self.time).and_utc().timestamp_micros())
    }
}

/// The characters Spark trims around text it parses: spaces and ASCII controls.
fn is_trimmed(c: char) -> bool {
    c == ' ' || c.is_ascii_control()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> Option<String> {
        let micros = TimestampText::parse(text)?.instant(&Zone::parse("America/Los_Angeles").unwrap())?;
        Some(chrono::DateTime::from_timestamp_micros(micros)?.naive_utc().to_string())
    }

    #[test]
    fn zones_are_read_as_spark_reads_them() {
        // Expected values recorded from Spark 4.3 (session zone America/Los_Angeles).
        for (text, expected) in [
            ("1940-01-01 12:35:13.123+7:30", Some("1940-01-01 05:05:13.123")),
            ("2020-01-01 12:00:00+7", Some("2020-01-01 05:00:00")),
            ("2020-01-01 12:00:00+0730", Some("2020-01-01 04:30:00")),
            ("2020-01-01 12:00:00+07:30:00", Some("2020-01-01 04:30:00")),
            ("2020-01-01 12:00:00+073000", Some("2020-01-01 04:30:00")),
            ("2020-01-01 12:00:00 UTC+7:30", Some("2020-01-01 04:30:00")),
            ("2020-01-01 12:00:00GMT-8", Some("2020-01-01 20:00:00")),
            ("2020-01-01 12:00:00 Z", Some("2020-01-01 12:00:00")),
            ("2020-01-01T12:00:00+7:3", Some("2020-01-01 04:57:00")),
            ("2020-01-01 12:00:00 PST", Some("2020-01-01 20:00:00")),
            ("2020-01-01 12:00:00 EST", Some("2020-01-01 17:00:00")),
            ("2020-01-01 12:00:00 America/New_York", Some("2020-01-01 17:00:00")),
            ("2020-01-01 12:00:00 UTC-0", Some("2020-01-01 12:00:00")),
            ("2020-01-01 12:00:00", Some("2020-01-01 20:00:00")),
            ("2020-1-1 1:2:3+7", Some("2019-12-31 18:02:03")),
            ("2020-01-01 12", Some("2020-01-01 20:00:00")),
            ("2020-01-01 12:00:00.123456789+01", Some("2020-01-01 11:00:00.123456")),
            ("2020-01-01 12:00:00+19", None),
            ("2020-01-01 12:00:00+7:60", None),
            ("2020-01-01 12:00:00 utc", None),
            ("2020-01-01 12:00:00 gmt+1", None),
            ("2020-01-01 12:00:00+07:30:1", None),
            ("2020-01-01 12:00:00 UTC+18:01", None),
            ("2020-01-01T12:00Z", None),
            ("2020-01-01Z", None),
            ("2020-01-01T", None),
            ("1-1-1", None),
        ] {
            assert_eq!(utc(text).as_deref(), expected, "{text}");
        }
    }

    #[test]
    fn a_time_alone_has_no_wall_clock_date() {
        let parsed = TimestampText::parse("12:00:00+07:00").unwrap();
        assert_eq!(parsed.date, None);
        assert_eq!(parsed.wall_clock(), None);
        assert_eq!(TimestampText::parse("T1:2").unwrap().time, NaiveTime::from_hms_opt(1, 2, 0).unwrap());
        assert_eq!(TimestampText::parse(" T12:00:00"), None);
    }
}
