//! Decimals written with a locale's symbols, as Spark's CSV `locale` option
//! reads them: `en-US` (the default) drops `,` before Java's `BigDecimal`
//! parses the text; other locales read as Java's `DecimalFormat` does with
//! the locale's decimal and grouping separators (a `-` sign, digits with
//! grouping separators anywhere before the decimal separator, no exponent).

/// The decimal symbols of a CSV `locale`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumberLocale {
    /// `en-US`, Spark's default.
    #[default]
    UnitedStates,
    /// Another locale's separators.
    Symbols {
        /// The decimal separator.
        decimal: char,
        /// The grouping separator.
        grouping: char,
    },
}

impl NumberLocale {
    /// The symbols of a language tag (`de-DE`, `fr`, ...): those of the
    /// common locales (CLDR's, as Java has them); others as English.
    pub fn from_tag(tag: &str) -> NumberLocale {
        let mut parts = tag.trim().split(['-', '_']);
        let language = parts.next().unwrap_or("").to_ascii_lowercase();
        let region = parts.next().unwrap_or("").to_ascii_uppercase();
        let (decimal, grouping) = match (language.as_str(), region.as_str()) {
            ("en", "US") => return NumberLocale::UnitedStates,
            ("de", "CH" | "LI") => ('.', '\u{2019}'),
            ("de", "AT") | ("pt", "PT") => (',', '\u{a0}'),
            ("de" | "es" | "it" | "nl" | "pt" | "da" | "id" | "tr" | "el" | "ro" | "hr" | "sl" | "sr", _) => (',', '.'),
            ("fr", _) => (',', '\u{202f}'),
            ("ru" | "pl" | "cs" | "sk" | "sv" | "fi" | "nb" | "no" | "uk" | "hu" | "bg" | "lt" | "lv" | "et", _) => (',', '\u{a0}'),
            _ => ('.', ','),
        };
        NumberLocale::Symbols { decimal, grouping }
    }

    /// `text` as plain decimal text (`-1234.5`) for Java's `BigDecimal`
    /// rules; None when the locale does not read it.
    pub fn plain_decimal(&self, text: &str) -> Option<String> {
        let NumberLocale::Symbols { decimal, grouping } = *self else {
            return Some(text.replace(',', ""));
        };
        let (sign, body) = text.strip_prefix('-').map_or(("", text), |rest| ("-", rest));
        let mut plain = sign.to_string();
        let mut in_fraction = false;
        for c in body.chars() {
            match c {
                '0'..='9' => plain.push(c),
                _ if c == decimal && !in_fraction => {
                    in_fraction = true;
                    plain.push('.');
                }
                _ if c == grouping && !in_fraction => {}
                _ => return None,
            }
        }
        plain.bytes().any(|b| b.is_ascii_digit()).then_some(plain)
    }

    /// The precision of `text` when this (non-default) locale reads it as a
    /// decimal without a fraction that fits DECIMAL(38, 0): Spark's CSV
    /// inference of `decimal(p, 0)` under a locale.
    pub fn integral_precision(&self, text: &str) -> Option<u8> {
        if *self == NumberLocale::UnitedStates {
            return None;
        }
        let plain = self.plain_decimal(text)?;
        let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
        if !fraction.is_empty() {
            return None;
        }
        let significant = whole.trim_start_matches('-').trim_start_matches('0').len().max(1);
        (significant <= 38).then_some(significant as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_separators() {
        let german = NumberLocale::from_tag("de-DE");
        assert_eq!(german.plain_decimal("1.234,5").as_deref(), Some("1234.5"));
        assert_eq!(german.plain_decimal("-0,75").as_deref(), Some("-0.75"));
        assert_eq!(german.plain_decimal("1,2.3"), None);
        assert_eq!(german.plain_decimal("1e3"), None);
        assert_eq!(german.integral_precision("1.234"), Some(4));
        assert_eq!(german.integral_precision("1,5"), None);
    }

    #[test]
    fn the_default_locale_drops_commas() {
        let us = NumberLocale::from_tag("en-US");
        assert_eq!(us, NumberLocale::UnitedStates);
        assert_eq!(us.plain_decimal("1,234.5").as_deref(), Some("1234.5"));
        assert_eq!(us.integral_precision("1234"), None);
        assert_eq!(NumberLocale::from_tag("fr-FR").plain_decimal("1\u{202f}234,5").as_deref(), Some("1234.5"));
    }
}
