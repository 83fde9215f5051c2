//! Spark's datetime patterns (`yyyy-MM-dd HH:mm:ss.SSS`, `EEE, d MMM yyyy`):
//! formatting and parsing of local date-times as Spark's `date_format`,
//! `to_date`, `to_timestamp`, `unix_timestamp` and `from_unixtime` do.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, Timelike};
use chrono_tz::Tz;
use ember_errors::{ErrorKind, SparkError};

use crate::date_names::{self, DateNames};

/// One element of a pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Literal(String),
    /// A pattern letter repeated `count` times.
    Field(char, usize),
}

/// A parsed Spark datetime pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatetimePattern {
    items: Vec<Item>,
    /// Month and day names (Spark's default locale, `en-US`, unless set).
    names: &'static DateNames,
}

/// The letters Ember formats and parses; Spark rejects some others.
const LETTERS: &str = "GyMLdDEFaHhkKmsSVzXxZQqO";

/// The letters of week-based fields, which Spark 3+ refuses.
const WEEK_BASED: &str = "YWwuec";

/// The letters java.time's `DateTimeFormatter` knows: others make Spark's
/// pattern unrecognized rather than holding an illegal character.
const JAVA_LETTERS: &str = "GuyDMLdQqYwWEecFahKkHmsSAnNVvzOXxZpB";

/// The letters Spark 2's `SimpleDateFormat` took.
const LEGACY_LETTERS: &str = "GyYMLwWDdFEuaHkKhmsSzZX";

/// Why Spark refuses a datetime pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum PatternError {
    /// A letter Spark does not take: `INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER`.
    Illegal(char),
    /// A letter no pattern has: `INVALID_DATETIME_PATTERN.WITH_SUGGESTION`.
    Unrecognized,
    /// A week-based letter in a pattern Spark 2 refused too:
    /// `INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN`.
    WeekBased(char),
    /// A pattern Spark 2 took but Spark 3+ reads otherwise:
    /// `INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION`.
    Recognition,
}

impl PatternError {
    /// Spark's error for `pattern`.
    pub fn to_spark(&self, pattern: &str) -> SparkError {
        match self {
            Self::Illegal(letter) => SparkError::new(
                ErrorKind::IllegalArgument,
                "INVALID_DATETIME_PATTERN.ILLEGAL_CHARACTER",
                "22007",
                format!(
                    "Unrecognized datetime pattern: {pattern}. Illegal pattern character found in datetime pattern: {letter}. Please provide legal character."
                ),
                &[("c", letter.to_string()), ("pattern", pattern.to_string())],
            ),
            Self::Unrecognized => {
                let docroot = "https://spark.apache.org/docs/latest";
                SparkError::new(
                    ErrorKind::Runtime,
                    "INVALID_DATETIME_PATTERN.WITH_SUGGESTION",
                    "22007",
                    format!(
                        "Unrecognized datetime pattern: '{pattern}'. You can form a valid datetime pattern with the guide from '{docroot}/sql-ref-datetime-pattern.html'."
                    ),
                    &[("pattern", format!("'{pattern}'")), ("docroot", docroot.to_string())],
                )
            }
            Self::WeekBased(letter) => SparkError::new(
                ErrorKind::IllegalArgument,
                "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_WEEK_BASED_PATTERN",
                "42K0B",
                format!(
                    "You may get a different result due to the upgrading to Spark >= 3.0:\nAll week-based patterns are unsupported since Spark 3.0, detected week-based character: {letter}.\nPlease use the SQL function EXTRACT instead."
                ),
                &[("c", letter.to_string())],
            ),
            Self::Recognition => recognition_error(pattern),
        }
    }
}

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Illegal(letter) => write!(f, "illegal pattern character '{letter}'"),
            Self::Unrecognized => f.write_str("an unrecognized pattern"),
            Self::WeekBased(letter) => write!(f, "week-based pattern character '{letter}'"),
            Self::Recognition => f.write_str("a pattern Spark 3 reads otherwise than Spark 2"),
        }
    }
}

/// The pattern's letters outside quoted text.
fn pattern_letters(pattern: &str) -> impl Iterator<Item = char> + '_ {
    let mut quoted = false;
    pattern.chars().filter(move |&c| {
        if c == '\'' {
            quoted = !quoted;
        }
        !quoted && c.is_ascii_alphabetic()
    })
}

impl DatetimePattern {
    /// Parses `pattern` as Spark 3+ reads it: week-based letters are refused
    /// (as a changed reading when Spark 2 took the whole pattern), other
    /// letters Ember does not know are illegal.
    pub fn parse(pattern: &str) -> Result<Self, PatternError> {
        if let Some(week_based) = pattern_letters(pattern).find(|c| WEEK_BASED.contains(*c)) {
            return Err(if pattern_letters(pattern).all(|c| LEGACY_LETTERS.contains(c)) {
                PatternError::Recognition
            } else {
                PatternError::WeekBased(week_based)
            });
        }
        let mut items = Vec::new();
        let chars: Vec<char> = pattern.chars().collect();
        let mut i = 0;
        let mut literal = String::new();
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                if chars.get(i + 1) == Some(&'\'') {
                    literal.push('\'');
                    i += 2;
                    continue;
                }
                let end = chars[i + 1..].iter().position(|&c| c == '\'').map_or(chars.len(), |p| i + 1 + p);
                literal.extend(&chars[i + 1..end]);
                i = end + 1;
            } else if c.is_ascii_alphabetic() {
                if !LETTERS.contains(c) {
                    return Err(if JAVA_LETTERS.contains(c) { PatternError::Illegal(c) } else { PatternError::Unrecognized });
                }
                let count = chars[i..].iter().take_while(|&&x| x == c).count();
                if !literal.is_empty() {
                    items.push(Item::Literal(std::mem::take(&mut literal)));
                }
                items.push(Item::Field(c, count));
                i += count;
            } else {
                literal.push(c);
                i += 1;
            }
        }
        if !literal.is_empty() {
            items.push(Item::Literal(literal));
        }
        Ok(Self { items, names: &date_names::ENGLISH })
    }

    /// Why Spark 3+ refuses this pattern (for parsing, or for formatting):
    /// where Spark 2 took it ([`PatternError::Recognition`], under the
    /// default `spark.sql.legacy.timeParserPolicy`), five or more `G`, `M`,
    /// `L` or `E`, eleven or more `y`, and for parsing also day names (`E`)
    /// and `F`; quarters (`Q`, `q`) it formats but does not parse.
    pub fn refusal(&self, parsing: bool) -> Option<PatternError> {
        self.items.iter().find_map(|item| match *item {
            Item::Field(letter @ ('Q' | 'q'), _) if parsing => Some(PatternError::Illegal(letter)),
            Item::Field(letter, n)
                if (n >= 5 && matches!(letter, 'G' | 'M' | 'L' | 'E'))
                    || (n >= 11 && letter == 'y')
                    || (parsing && matches!(letter, 'E' | 'F')) =>
            {
                Some(PatternError::Recognition)
            }
            _ => None,
        })
    }

    /// The pattern with the month and day names of the `locale` option
    /// (a language tag); locales Ember has no names for keep English ones.
    pub fn with_locale(self, locale: &str) -> Self {
        Self { names: date_names::for_locale(locale).unwrap_or(&date_names::ENGLISH), ..self }
    }

    /// Formats an instant (microseconds since the epoch) as the wall-clock
    /// time in `zone`; `None` outside chrono's range.
    pub fn format_instant(&self, micros: i64, zone: &Tz) -> Option<String> {
        let local = DateTime::from_timestamp_micros(micros)?.with_timezone(zone);
        Some(self.format(&local.naive_local(), zone.name(), local.offset().fix().local_minus_utc()))
    }

    /// Formats a local date-time; `zone` names the time zone for `z`/`VV`
    /// and `offset_seconds` is its offset for `X`, `x` and `Z`.
    pub fn format(&self, value: &NaiveDateTime, zone: &str, offset_seconds: i32) -> String {
        let mut out = String::new();
        for item in &self.items {
            match item {
                Item::Literal(text) => out.push_str(text),
                Item::Field(letter, n) => format_field(&mut out, *letter, *n, value, zone, offset_seconds, self.names),
            }
        }
        out
    }

    /// Parses `text` into a local date-time (missing fields default to the
    /// start of their range: 1970-01-01 00:00:00); `None` if it does not fit.
    pub fn parse_datetime(&self, text: &str) -> Option<NaiveDateTime> {
        let mut rest = text;
        let (mut year, mut month, mut day, mut day_of_year) = (1970i32, 1u32, 1u32, None);
        let (mut hour, mut minute, mut second, mut nanos) = (0u32, 0u32, 0u32, 0u32);
        let mut pm = None;
        for item in &self.items {
            match item {
                Item::Literal(lit) => rest = rest.strip_prefix(lit.as_str())?,
                Item::Field(letter, n) => {
                    let n = *n;
                    match letter {
                        'y' => {
                            let (value, len) = digits(rest, if n == 2 { 2 } else { n.max(1) }, if n == 2 { 2 } else { 9 })?;
                            year = if n == 2 { 2000 + value as i32 } else { value as i32 };
                            rest = &rest[len..];
                        }
                        'M' | 'L' if n >= 3 => {
                            let (index, len) = name_prefix(rest, month_names(self.names, *letter, n))?;
                            month = index as u32 + 1;
                            rest = &rest[len..];
                        }
                        'E' => {
                            let names = if n <= 3 { &self.names.days_short } else { &self.names.days_full };
                            let (_, len) = name_prefix(rest, names)?;
                            rest = &rest[len..];
                        }
                        'a' => {
                            let upper = rest.get(..2)?.to_ascii_uppercase();
                            pm = Some(match upper.as_str() {
                                "AM" => false,
                                "PM" => true,
                                _ => return None,
                            });
                            rest = &rest[2..];
                        }
                        'S' => {
                            let (value, len) = digits(rest, n, n)?;
                            nanos = (value * 10u64.pow(9 - n.min(9) as u32)) as u32;
                            rest = &rest[len..];
                        }
                        'G' => rest = rest.strip_prefix("AD")?,
                        _ => {
                            let (value, len) = digits(rest, n, 2.max(n))?;
                            let value = value as u32;
                            match letter {
                                'M' | 'L' => month = value,
                                'd' => day = value,
                                'D' => day_of_year = Some(value),
                                'H' | 'k' => hour = value % 24,
                                'h' | 'K' => hour = value % 12,
                                'm' => minute = value,
                                's' => second = value,
                                _ => return None,
                            }
                            rest = &rest[len..];
                        }
                    }
                }
            }
        }
        if !rest.is_empty() {
            return None;
        }
        if pm == Some(true) && hour < 12 {
            hour += 12;
        }
        let date = match day_of_year {
            Some(doy) => NaiveDate::from_yo_opt(year, doy)?,
            None => NaiveDate::from_ymd_opt(year, month, day)?,
        };
        Some(date.and_time(NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?))
    }
}

/// Spark's `[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION]`
/// for a pattern [`DatetimePattern::refusal`] refuses so.
pub fn recognition_error(pattern: &str) -> SparkError {
    let docroot = "https://spark.apache.org/docs/latest";
    let config = "\"spark.sql.legacy.timeParserPolicy\"";
    SparkError::new(
        ErrorKind::Upgrade,
        "INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION",
        "42K0B",
        format!(
            "You may get a different result due to the upgrading to Spark >= 3.0:\nFail to recognize '{pattern}' pattern in the DateTimeFormatter.\n1) You can set {config} to \"LEGACY\" to restore the behavior before Spark 3.0.\n2) You can form a valid datetime pattern with the guide from '{docroot}/sql-ref-datetime-pattern.html'."
        ),
        &[("config", config.to_string()), ("docroot", docroot.to_string()), ("pattern", format!("'{pattern}'"))],
    )
}

/// Reads between `min` and `max` ASCII digits.
fn digits(text: &str, min: usize, max: usize) -> Option<(u64, usize)> {
    let len = text.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if len < min {
        return None;
    }
    Some((text[..len].parse().ok()?, len))
}

/// The month names of `MMM`/`MMMM` (format form) or `LLL`/`LLLL` (stand-alone).
fn month_names(names: &'static DateNames, letter: char, n: usize) -> &'static [&'static str; 12] {
    match (letter, n) {
        ('L', 3) => &names.standalone_months_short,
        ('L', _) => &names.standalone_months_full,
        (_, 3) => &names.months_short,
        _ => &names.months_full,
    }
}

/// The longest of `names` that `text` starts with, ignoring case: its index
/// and the bytes it spans in `text`.
fn name_prefix(text: &str, names: &[&str]) -> Option<(usize, usize)> {
    names
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let mut end = 0;
            let mut chars = text.char_indices();
            for expected in name.chars() {
                let (at, found) = chars.next()?;
                if !found.to_lowercase().eq(expected.to_lowercase()) {
                    return None;
                }
                end = at + found.len_utf8();
            }
            Some((i, end))
        })
        .max_by_key(|&(_, len)| len)
}

fn padded(out: &mut String, value: i64, width: usize) {
    out.push_str(&format!("{value:0width$}"));
}

fn format_field(out: &mut String, letter: char, n: usize, value: &NaiveDateTime, zone: &str, offset: i32, names: &'static DateNames) {
    match letter {
        'y' if n == 2 => padded(out, value.year().rem_euclid(100) as i64, 2),
        'y' => padded(out, value.year() as i64, n),
        'M' | 'L' if n >= 3 => out.push_str(month_names(names, letter, n)[value.month0() as usize]),
        'M' | 'L' => padded(out, value.month() as i64, n),
        'Q' | 'q' => {
            let quarter = value.month0() / 3 + 1;
            match n {
                1 | 2 => padded(out, i64::from(quarter), n),
                3 => out.push_str(&format!("Q{quarter}")),
                _ => out.push_str(["1st quarter", "2nd quarter", "3rd quarter", "4th quarter"][quarter as usize - 1]),
            }
        }
        'd' => padded(out, value.day() as i64, n),
        'D' => padded(out, value.ordinal() as i64, n),
        'E' if n >= 4 => out.push_str(names.days_full[value.weekday().num_days_from_monday() as usize]),
        'E' => out.push_str(names.days_short[value.weekday().num_days_from_monday() as usize]),
        'F' => padded(out, ((value.day() - 1) % 7 + 1) as i64, n),
        'a' => out.push_str(if value.hour() < 12 { "AM" } else { "PM" }),
        'H' => padded(out, value.hour() as i64, n),
        'k' => padded(out, if value.hour() == 0 { 24 } else { value.hour() as i64 }, n),
        'h' => padded(out, match value.hour() % 12 { 0 => 12, h => h as i64 }, n),
        'K' => padded(out, (value.hour() % 12) as i64, n),
        'm' => padded(out, value.minute() as i64, n),
        's' => padded(out, value.second() as i64, n),
        'S' => {
            let nanos = format!("{:09}", value.nanosecond());
            out.push_str(&nanos[..n.min(9)]);
            out.extend(std::iter::repeat_n('0', n.saturating_sub(9)));
        }
        'G' => out.push_str(if value.year() > 0 { "AD" } else { "BC" }),
        'V' | 'z' => out.push_str(zone),
        // The localized offset: `GMT`, `GMT+8`, `GMT+5:30`, or with `OOOO` `GMT+08:00`.
        'O' if offset == 0 => out.push_str("GMT"),
        'O' => {
            let sign = if offset < 0 { '-' } else { '+' };
            let (h, m) = (offset.abs() / 3600, offset.abs() / 60 % 60);
            match (n, m) {
                (4.., _) => out.push_str(&format!("GMT{sign}{h:02}:{m:02}")),
                (_, 0) => out.push_str(&format!("GMT{sign}{h}")),
                _ => out.push_str(&format!("GMT{sign}{h}:{m:02}")),
            }
        }
        'X' if offset == 0 => out.push('Z'),
        'X' | 'x' | 'Z' => {
            let sign = if offset < 0 { '-' } else { '+' };
            let (h, m) = (offset.abs() / 3600, offset.abs() / 60 % 60);
            match (letter, n) {
                ('Z', 1..=3) | (_, 2) => out.push_str(&format!("{sign}{h:02}{m:02}")),
                (_, 1) => out.push_str(&format!("{sign}{h:02}")),
                _ => out.push_str(&format!("{sign}{h:02}:{m:02}")),
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, micros: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d).unwrap().and_hms_micro_opt(h, mi, s, micros).unwrap()
    }

    #[test]
    fn formats_like_spark() {
        let value = at(2024, 1, 31, 13, 45, 30, 123456);
        let format = |p: &str| DatetimePattern::parse(p).unwrap().format(&value, "UTC", 0);
        assert_eq!(format("yyyy-MM-dd HH:mm:ss"), "2024-01-31 13:45:30");
        assert_eq!(format("EEE, d MMM yyyy"), "Wed, 31 Jan 2024");
        assert_eq!(format("yy/M/d h:mm a 'at' SSS"), "24/1/31 1:45 PM at 123");
        assert_eq!(format("EEEE MMMM"), "Wednesday January");
    }

    #[test]
    fn parses_like_spark() {
        let parse = |p: &str, t: &str| DatetimePattern::parse(p).unwrap().parse_datetime(t);
        assert_eq!(parse("dd/MM/yyyy", "05/03/2024"), Some(at(2024, 3, 5, 0, 0, 0, 0)));
        assert_eq!(parse("yyyy-MM-dd HH:mm:ss", "2024-03-05 10:11:12"), Some(at(2024, 3, 5, 10, 11, 12, 0)));
        assert_eq!(parse("yyyy-MM-dd", "2024-03-05 10"), None);
        assert_eq!(parse("yyyy-MM-dd", "x"), None);
        assert_eq!(parse("d MMM yyyy", "5 Mar 2024"), Some(at(2024, 3, 5, 0, 0, 0, 0)));
    }

    #[test]
    fn names_follow_the_locale() {
        let german = |p: &str| DatetimePattern::parse(p).unwrap().with_locale("de-DE");
        let value = at(2024, 3, 4, 0, 0, 0, 0);
        assert_eq!(german("EEE EEEE d MMM MMMM LLL").format(&value, "UTC", 0), "Mo. Montag 4 März März Mär");
        assert_eq!(german("d MMM yyyy").parse_datetime("4 MÄRZ 2024"), Some(value));
        assert_eq!(german("d MMM yyyy").parse_datetime("4 Mär 2024"), None);
        assert_eq!(german("d LLL yyyy").parse_datetime("4 mär 2024"), Some(value));
        let russian = DatetimePattern::parse("d MMMM yyyy").unwrap().with_locale("ru");
        assert_eq!(russian.parse_datetime("4 марта 2024"), Some(value));
        let unknown = DatetimePattern::parse("MMM").unwrap().with_locale("xx-YY");
        assert_eq!(unknown.format(&value, "UTC", 0), "Mar");
    }

    #[test]
    fn spark3_refuses_day_names_for_parsing_only() {
        let refused = |p: &str, parsing: bool| DatetimePattern::parse(p).unwrap().refusal(parsing).is_some();
        assert!(refused("E yyyy-MM-dd", true) && !refused("E yyyy-MM-dd", false));
        assert!(refused("F", true) && !refused("F", false));
        assert!(refused("EEEEE", false) && refused("MMMMM", true));
        assert_eq!(DatetimePattern::parse("uuuu").err(), Some(PatternError::Recognition));
        assert_eq!(DatetimePattern::parse("abc").err(), Some(PatternError::WeekBased('c')));
        assert_eq!(DatetimePattern::parse("yyyy 'week' b").err(), Some(PatternError::Unrecognized));
        assert_eq!(DatetimePattern::parse("yyyy A").err(), Some(PatternError::Illegal('A')));
        assert_eq!(DatetimePattern::parse("Q").unwrap().refusal(true), Some(PatternError::Illegal('Q')));
        assert!(!refused("EEEE, d MMMM yyyy 'E'", false) && !refused("yyyy-MM-dd HH:mm:ss", true));
        assert_eq!(recognition_error("E").parameters.get("pattern").map(String::as_str), Some("'E'"));
        let value = at(2026, 11, 27, 0, 0, 0, 0);
        assert_eq!(DatetimePattern::parse("F").unwrap().format(&value, "UTC", 0), "6");
    }

    #[test]
    fn rejects_unknown_letters() {
        assert_eq!(DatetimePattern::parse("yyyy-bb").err(), Some(PatternError::Unrecognized));
    }
}
