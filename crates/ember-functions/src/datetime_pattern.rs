//! Spark's datetime patterns (`yyyy-MM-dd HH:mm:ss.SSS`, `EEE, d MMM yyyy`):
//! formatting and parsing of local date-times as Spark's `date_format`,
//! `to_date`, `to_timestamp`, `unix_timestamp` and `from_unixtime` do.

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, Offset, Timelike};
use chrono_tz::Tz;

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
}

const MONTHS: [&str; 12] =
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];

/// The letters Ember formats and parses; Spark rejects some others.
const LETTERS: &str = "GyuMLdDEaHhkKmsSVzXxZQ";

impl DatetimePattern {
    /// Parses `pattern`; `Err` names the letter Spark would reject.
    pub fn parse(pattern: &str) -> Result<Self, String> {
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
                    return Err(c.to_string());
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
        Ok(Self { items })
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
                Item::Field(letter, n) => format_field(&mut out, *letter, *n, value, zone, offset_seconds),
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
                        'y' | 'u' => {
                            let (value, len) = digits(rest, if n == 2 { 2 } else { n.max(1) }, if n == 2 { 2 } else { 9 })?;
                            year = if n == 2 { 2000 + value as i32 } else { value as i32 };
                            rest = &rest[len..];
                        }
                        'M' | 'L' if n >= 3 => {
                            let (index, len) = name_prefix(rest, &MONTHS, n == 3)?;
                            month = index as u32 + 1;
                            rest = &rest[len..];
                        }
                        'E' => {
                            let (_, len) = name_prefix(rest, &DAYS, n <= 3)?;
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

/// Reads between `min` and `max` ASCII digits.
fn digits(text: &str, min: usize, max: usize) -> Option<(u64, usize)> {
    let len = text.bytes().take(max).take_while(u8::is_ascii_digit).count();
    if len < min {
        return None;
    }
    Some((text[..len].parse().ok()?, len))
}

/// Matches a month or day name (full, or its first three letters), ignoring case.
fn name_prefix(text: &str, names: &[&str], short: bool) -> Option<(usize, usize)> {
    names.iter().enumerate().find_map(|(i, name)| {
        let candidate = if short { &name[..3] } else { name };
        let head = text.get(..candidate.len())?;
        head.eq_ignore_ascii_case(candidate).then_some((i, candidate.len()))
    })
}

fn padded(out: &mut String, value: i64, width: usize) {
    out.push_str(&format!("{value:0width$}"));
}

fn format_field(out: &mut String, letter: char, n: usize, value: &NaiveDateTime, zone: &str, offset: i32) {
    match letter {
        'y' | 'u' if n == 2 => padded(out, value.year().rem_euclid(100) as i64, 2),
        'y' | 'u' => padded(out, value.year() as i64, n),
        'M' | 'L' if n == 3 => out.push_str(&MONTHS[value.month0() as usize][..3]),
        'M' | 'L' if n >= 4 => out.push_str(MONTHS[value.month0() as usize]),
        'M' | 'L' => padded(out, value.month() as i64, n),
        'Q' => padded(out, ((value.month0() / 3) + 1) as i64, n),
        'd' => padded(out, value.day() as i64, n),
        'D' => padded(out, value.ordinal() as i64, n),
        'E' if n >= 4 => out.push_str(DAYS[value.weekday().num_days_from_monday() as usize]),
        'E' => out.push_str(&DAYS[value.weekday().num_days_from_monday() as usize][..3]),
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
    fn rejects_unknown_letters() {
        assert_eq!(DatetimePattern::parse("yyyy-bb"), Err("b".to_string()));
    }
}
