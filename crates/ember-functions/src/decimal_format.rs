//! `format_number(value, pattern)` with a text pattern, as Java's
//! `DecimalFormat` writes numbers: a prefix, digits (`0` always shown, `#`
//! shown when needed), group separators (`,`; the group size is the number of
//! digits after the last one), a point and fraction digits, an optional
//! exponent (`E0`), a suffix, and an optional negative subpattern after `;`.
//! `%` and `‰` in an affix multiply by 100 and 1000; quotes make literals.
//! Rounding is HALF_EVEN on the value's exact digits.

use ember_errors::{ErrorKind, SparkError};

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq)]
pub struct DecimalPattern {
    positive_prefix: String,
    positive_suffix: String,
    /// The negative affixes of a `;` subpattern; `-` before the positive prefix otherwise.
    negative: Option<(String, String)>,
    min_integer: usize,
    min_fraction: usize,
    max_fraction: usize,
    /// Digits per group; 0 for no grouping.
    grouping: usize,
    multiplier: u32,
    /// The exponent's minimum digits, for a pattern with `E`.
    exponent_digits: Option<usize>,
    /// Whether the point is written with no fraction digits after it (`#.`).
    point_always: bool,
}

/// Java's default pattern, used for an empty one.
const DEFAULT_PATTERN: &str = "#,###,###,###,###,###,##0";

fn invalid(pattern: &str, why: &str) -> SparkError {
    // Java's `DecimalFormat.applyPattern` throws a bare IllegalArgumentException.
    SparkError::new(ErrorKind::IllegalArgument, "", "", format!("{why} in pattern \"{pattern}\""), &[])
}

/// Reads an affix from `chars` until a digit character (or `;` / end):
/// quoted text is literal, `''` is a quote, `%` and `‰` set `multiplier`.
fn affix(chars: &[char], at: &mut usize, multiplier: &mut u32, stop_at_digits: bool) -> String {
    let mut text = String::new();
    while *at < chars.len() {
        let c = chars[*at];
        if c == ';' || (stop_at_digits && matches!(c, '#' | '0' | ',' | '.')) {
            break;
        }
        *at += 1;
        match c {
            '\'' if chars.get(*at) == Some(&'\'') => {
                *at += 1;
                text.push('\'');
            }
            '\'' => {
                while *at < chars.len() && chars[*at] != '\'' {
                    text.push(chars[*at]);
                    *at += 1;
                }
                *at += 1;
            }
            // Digits in a suffix (`# ###`) are dropped, as Java drops them.
            '#' | '0' if !stop_at_digits => {}
            '%' => {
                *multiplier = 100;
                text.push('%');
            }
            '\u{2030}' => {
                *multiplier = 1000;
                text.push('\u{2030}');
            }
            _ => text.push(c),
        }
    }
    text
}

impl DecimalPattern {
    /// Parses `pattern` (an empty one is Java's default pattern).
    pub fn parse(pattern: &str) -> Result<Self, SparkError> {
        let text = if pattern.is_empty() { DEFAULT_PATTERN } else { pattern };
        let chars: Vec<char> = text.chars().collect();
        let mut at = 0;
        let mut multiplier = 1;
        let positive_prefix = affix(&chars, &mut at, &mut multiplier, true);
        let (mut left_hashes, mut zeros, mut right_hashes) = (0usize, 0usize, 0usize);
        let mut point: Option<usize> = None;
        let mut last_group: Option<usize> = None;
        let mut exponent_digits = None;
        while at < chars.len() {
            let digits = left_hashes + zeros + right_hashes;
            match chars[at] {
                '#' if zeros == 0 => left_hashes += 1,
                '#' => right_hashes += 1,
                '0' if right_hashes > 0 => return Err(invalid(pattern, "Unexpected '0'")),
                '0' => zeros += 1,
                ',' if point.is_some() => return Err(invalid(pattern, "Malformed pattern")),
                ',' => last_group = Some(digits),
                '.' if point.is_some() => return Err(invalid(pattern, "Multiple decimal separators")),
                '.' => point = Some(digits),
                'E' => {
                    let count = chars[at + 1..].iter().take_while(|c| **c == '0').count();
                    if count == 0 {
                        return Err(invalid(pattern, "Malformed exponential"));
                    }
                    exponent_digits = Some(count);
                    at += 1 + count;
                    break;
                }
                _ => break,
            }
            at += 1;
        }
        let positive_suffix = affix(&chars, &mut at, &mut multiplier, false);
        let negative = if chars.get(at) == Some(&';') {
            at += 1;
            let prefix = affix(&chars, &mut at, &mut multiplier, true);
            while at < chars.len() && matches!(chars[at], '#' | '0' | ',' | '.') {
                at += 1;
            }
            let suffix = affix(&chars, &mut at, &mut multiplier, false);
            Some((prefix, suffix))
        } else {
            None
        };
        let point_always = point == Some(left_hashes + zeros + right_hashes);
        // Without any `0`, `#.##` shows one integer digit: the last `#` before the point acts as `0`.
        if zeros == 0 && left_hashes > 0 {
            if let Some(p) = point {
                let p = p.max(1);
                right_hashes = left_hashes - p;
                left_hashes = p - 1;
                zeros = 1;
                point = Some(p);
            }
        }
        let total = left_hashes + zeros + right_hashes;
        if exponent_digits.is_some() && (left_hashes > 0 || point.unwrap_or(total) != 1) {
            return Err(SparkError::unsupported("format_number with an exponent pattern of other than one integer digit"));
        }
        let decimal_at = point.unwrap_or(total);
        let grouping = last_group.map_or(0, |g| decimal_at.saturating_sub(g));
        Ok(DecimalPattern {
            positive_prefix,
            positive_suffix,
            negative,
            min_integer: decimal_at.saturating_sub(left_hashes),
            min_fraction: point.map_or(0, |p| (left_hashes + zeros).saturating_sub(p)),
            max_fraction: point.map_or(0, |p| total - p),
            grouping,
            multiplier,
            exponent_digits,
            point_always,
        })
    }

    /// The affixes around a number of this sign.
    fn affixes(&self, negative: bool) -> (String, &str) {
        match (&self.negative, negative) {
            (_, false) => (self.positive_prefix.clone(), &self.positive_suffix),
            (Some((prefix, suffix)), true) => (prefix.clone(), suffix),
            (None, true) => (format!("-{}", self.positive_prefix), &self.positive_suffix),
        }
    }

    /// Writes a double.
    pub fn format_f64(&self, value: f64) -> String {
        if value.is_nan() {
            return "NaN".to_string();
        }
        let (prefix, suffix) = self.affixes(value.is_sign_negative());
        let magnitude = value.abs() * f64::from(self.multiplier);
        if magnitude.is_infinite() {
            return format!("{prefix}\u{221e}{suffix}");
        }
        let body = match self.exponent_digits {
            Some(_) => self.scientific(magnitude),
            None => {
                let shortest = format!("{magnitude}");
                let fraction_len = shortest.split_once('.').map_or(0, |(_, f)| f.len());
                let digits = if fraction_len <= self.max_fraction { shortest } else { format!("{magnitude:.prec$}", prec = self.max_fraction) };
                self.layout(&digits)
            }
        };
        format!("{prefix}{body}{suffix}")
    }

    /// Writes a decimal given as unscaled digits at `scale` (integers at scale 0).
    pub fn format_decimal(&self, unscaled: i128, scale: i8) -> String {
        let scaled = unscaled.checked_mul(i128::from(self.multiplier));
        let (Some(scaled), None) = (scaled, self.exponent_digits) else {
            return self.format_f64(unscaled as f64 / 10f64.powi(i32::from(scale)));
        };
        let (prefix, suffix) = self.affixes(unscaled < 0);
        let to_scale = self.max_fraction.min(38) as i8;
        let rounded = if to_scale < scale { crate::numeric_format::round_unscaled(scaled, scale, to_scale, crate::numeric_format::Rounding::HalfEven) } else { scaled };
        let kept_scale = scale.min(to_scale).max(0);
        let digits = rounded.unsigned_abs().to_string();
        let digits = if scale < 0 {
            format!("{digits}{}", "0".repeat(scale.unsigned_abs() as usize))
        } else {
            let padded = format!("{digits:0>width$}", width = kept_scale as usize + 1);
            let (integer, fraction) = padded.split_at(padded.len() - kept_scale as usize);
            format!("{integer}.{fraction}")
        };
        format!("{prefix}{}{suffix}", self.layout(&digits))
    }

    /// Lays out an unsigned number's digits (`123.4500`, already rounded to at
    /// most `max_fraction` places) with the pattern's digit counts and groups.
    fn layout(&self, digits: &str) -> String {
        let (integer, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        let mut fraction = fraction.to_string();
        while fraction.len() > self.min_fraction && fraction.ends_with('0') {
            fraction.pop();
        }
        while fraction.len() < self.min_fraction {
            fraction.push('0');
        }
        let significant = integer.trim_start_matches('0');
        let mut integer = format!("{significant:0>width$}", width = self.min_integer);
        if integer.is_empty() && fraction.is_empty() {
            integer.push('0');
        }
        if self.grouping > 0 {
            let count = integer.len();
            integer = integer
                .chars()
                .enumerate()
                .flat_map(|(i, c)| {
                    let separator = (i > 0 && (count - i) % self.grouping == 0).then_some(',');
                    separator.into_iter().chain(std::iter::once(c))
                })
                .collect();
        }
        if fraction.is_empty() && !self.point_always { integer } else { format!("{integer}.{fraction}") }
    }

    /// A positive magnitude in scientific notation with one integer digit (the
    /// only exponent patterns [`DecimalPattern::parse`] takes).
    fn scientific(&self, magnitude: f64) -> String {
        let written = format!("{magnitude:.prec$e}", prec = self.max_fraction);
        let (mantissa, exponent) = written.split_once('e').unwrap_or((&written, "0"));
        let exponent: i32 = exponent.parse().unwrap_or(0);
        let mantissa = self.layout(mantissa);
        let sign = if exponent < 0 { "-" } else { "" };
        let width = self.exponent_digits.unwrap_or(1);
        format!("{mantissa}E{sign}{:0>width$}", exponent.unsigned_abs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(pattern: &str, value: f64) -> String {
        DecimalPattern::parse(pattern).unwrap().format_f64(value)
    }

    #[test]
    fn patterns_write_as_java_does() {
        assert_eq!(f("#.##", 12332.123456), "12332.12");
        assert_eq!(f("#.##", -0.5), "-0.5");
        assert_eq!(f("#,###.00", -0.5), "-.50");
        assert_eq!(f("#,##0.0#", 1.0), "1.0");
        assert_eq!(f("000000", 1.005), "000001");
        assert_eq!(f("", -1234567.891), "-1,234,568");
        assert_eq!(f("##,##", 12332.0), "1,23,32");
        assert_eq!(f("$#,##0.00", -0.5), "-$0.50");
        assert_eq!(f("#%", 0.125), "12%");
        assert_eq!(f("'x'#", 0.0), "x0");
        assert_eq!(f("#.##;(#.##)", -0.5), "(0.5)");
        assert_eq!(f("0.00E0", -0.5), "-5.00E-1");
        assert_eq!(f("0.0 USD", 0.135), "0.1 USD");
        assert_eq!(f("#.", 7.0), "7.");
        assert_eq!(f("# ###", 7.0), "7 ");
        assert!(DecimalPattern::parse("#.#.#").is_err());
    }

    #[test]
    fn decimals_round_half_even() {
        let p = DecimalPattern::parse("#,##0.00").unwrap();
        assert_eq!(p.format_decimal(123455, 3), "123.46");
        assert_eq!(p.format_decimal(-1, 3), "-0.00");
        assert_eq!(p.format_decimal(12345, 0), "12,345.00");
    }
}
