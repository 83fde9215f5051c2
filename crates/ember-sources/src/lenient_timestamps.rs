//! Timestamp text as Spark's CSV and JSON readers take it without a
//! `timestampFormat`: besides what `CAST(… AS TIMESTAMP)` reads, one-digit
//! months, days, hours, minutes and seconds (`2020-1-2 1:2:3`), a year alone
//! (`2020`), a year and month (`2020-01`) and times without seconds
//! (`2020-01-02T10:00`), as Spark's fallback to its lenient
//! `stringToTimestamp` reads them.

/// `text` rewritten to the form the cast reads (`yyyy-MM-dd HH:mm:ss`, the
/// fraction and zone kept); unchanged when it does not start that way.
pub fn canonical(text: &str) -> String {
    rewrite(text.trim()).unwrap_or_else(|| text.to_string())
}

fn rewrite(text: &str) -> Option<String> {
    let (year, rest) = digits(text, 4, 4)?;
    let Some(rest) = rest.strip_prefix('-') else {
        return rest.is_empty().then(|| format!("{year}-01-01 00:00:00"));
    };
    let (month, rest) = digits(rest, 1, 2)?;
    let Some(rest) = rest.strip_prefix('-') else {
        return rest.is_empty().then(|| format!("{year}-{month:0>2}-01 00:00:00"));
    };
    let (day, rest) = digits(rest, 1, 2)?;
    let date = format!("{year}-{month:0>2}-{day:0>2}");
    let Some(separator) = rest.chars().next() else { return Some(format!("{date} 00:00:00")) };
    if separator != ' ' && separator != 'T' {
        return None;
    }
    let (hour, rest) = digits(&rest[1..], 1, 2)?;
    let (minute, rest) = digits(rest.strip_prefix(':')?, 1, 2)?;
    let (second, rest) = match rest.strip_prefix(':') {
        Some(after) => digits(after, 1, 2)?,
        None => ("00", rest),
    };
    Some(format!("{date}{separator}{hour:0>2}:{minute:0>2}:{second:0>2}{rest}"))
}

/// Between `min` and `max` ASCII digits at the start of `text`, and the rest.
fn digits(text: &str, min: usize, max: usize) -> Option<(&str, &str)> {
    let len = text.bytes().take(max).take_while(u8::is_ascii_digit).count();
    (len >= min && !text[len..].starts_with(|c: char| c.is_ascii_digit())).then(|| text.split_at(len))
}

#[cfg(test)]
mod tests {
    use super::canonical;

    #[test]
    fn spark_lenient_forms_become_the_cast_form() {
        assert_eq!(canonical("2020-1-2"), "2020-01-02 00:00:00");
        assert_eq!(canonical("2020"), "2020-01-01 00:00:00");
        assert_eq!(canonical("2020-01"), "2020-01-01 00:00:00");
        assert_eq!(canonical(" 2020-1-2 1:2:3.5+01:00"), "2020-01-02 01:02:03.5+01:00");
        assert_eq!(canonical("2020-01-02T10:00"), "2020-01-02T10:00:00");
        assert_eq!(canonical("2020-01-02 10:00:00 UTC"), "2020-01-02 10:00:00 UTC");
        assert_eq!(canonical("2020/01/02 10:00"), "2020/01/02 10:00");
        assert_eq!(canonical("1577836800"), "1577836800");
        assert_eq!(canonical("2020-01-02x"), "2020-01-02x");
    }
}
