//! Data source options: Spark treats option keys case-insensitively.

use std::collections::HashMap;

use ember_errors::SparkError;

/// The options of one read or write, keyed case-insensitively.
#[derive(Debug, Clone, Default)]
pub struct Options {
    values: HashMap<String, String>,
}

impl Options {
    /// Options from the key/value pairs the client sent.
    pub fn new<'a>(pairs: impl IntoIterator<Item = (&'a String, &'a String)>) -> Self {
        Options { values: pairs.into_iter().map(|(k, v)| (k.to_lowercase(), v.clone())).collect() }
    }

    /// Drops `key`, if set.
    pub fn remove(&mut self, key: &str) {
        self.values.remove(&key.to_lowercase());
    }

    /// Every option, keys in lower case.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.values.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(&key.to_lowercase()).map(String::as_str)
    }

    /// A boolean option (`true`/`false`, any case), or `default`.
    pub fn bool(&self, key: &str, default: bool) -> Result<bool, SparkError> {
        match self.get(key) {
            None => Ok(default),
            Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
            Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
            Some(v) => Err(SparkError::illegal_argument(format!("{key} flag can be true or false, but got {v}"))),
        }
    }

    /// CSV `charToEscapeQuoteEscaping` as uniVocity defaults it: the escape
    /// character itself, none when the escape is the quote (or the option is
    /// the empty character).
    pub fn escape_escape(&self, quote: u8, escape: u8) -> Result<Option<u8>, SparkError> {
        let byte = match self.get("charToEscapeQuoteEscaping") {
            Some(_) => self.byte("charToEscapeQuoteEscaping", 0)?,
            None if escape != quote => escape,
            None => 0,
        };
        Ok((byte != 0).then_some(byte))
    }

    /// A one-character option given as a byte (`sep`, `quote`, ...), or `default`.
    /// An empty value means "none" (`\0`), as Spark treats `quote=""`.
    pub fn byte(&self, key: &str, default: u8) -> Result<u8, SparkError> {
        let Some(value) = self.get(key) else { return Ok(default) };
        let unescaped = match value {
            "\\t" => "\t",
            "\\n" => "\n",
            "\\\\" => "\\",
            other => other,
        };
        match unescaped.as_bytes() {
            [] => Ok(0),
            [b] => Ok(*b),
            _ => Err(SparkError::illegal_argument(format!(
                "Unsupported special character for delimiter: {value}"
            ))),
        }
    }

    /// A separator option (`sep`): one or more characters, `\t` for a tab.
    pub fn text_char(&self, key: &str) -> Result<String, SparkError> {
        match self.get(key) {
            None | Some("") => Err(SparkError::illegal_argument("Delimiter cannot be empty string")),
            Some("\\t") => Ok("\t".to_string()),
            Some("\\") => Err(SparkError::illegal_argument("Single backslash is prohibited. It has special meaning as beginning of an escape sequence. To get the backslash character, pass a string with two backslashes as the delimiter.")),
            Some(value) => Ok(value.replace("\\t", "\t")),
        }
    }

    /// The first option of `keys` that is set.
    pub fn first_of(&self, keys: &[&str]) -> Option<&str> {
        keys.iter().find_map(|k| self.get(k))
    }
}

/// A size as Spark's byte settings write it: a whole number, possibly
/// negative, with an optional case-insensitive unit `b`, `k`/`kb`, `m`/`mb`,
/// `g`/`gb`, `t`/`tb` or `p`/`pb` (powers of 1024); without a unit the number
/// counts units of `2^default_shift` bytes. `None` for anything else.
pub fn byte_size(text: &str, default_shift: u32) -> Option<i64> {
    let text = text.trim().to_ascii_lowercase();
    let split = text.find(|c: char| !(c.is_ascii_digit() || c == '-')).unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let shift = match unit {
        "" => default_shift,
        "b" => 0,
        "k" | "kb" => 10,
        "m" | "mb" => 20,
        "g" | "gb" => 30,
        "t" | "tb" => 40,
        "p" | "pb" => 50,
        _ => return None,
    };
    number.parse::<i64>().ok()?.checked_mul(1i64 << shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(pairs: &[(&str, &str)]) -> Options {
        let owned: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Options::new(owned.iter().map(|(k, v)| (k, v)))
    }

    #[test]
    fn keys_are_case_insensitive() {
        let o = opts(&[("inferSchema", "TRUE"), ("Sep", ";")]);
        assert!(o.bool("inferschema", false).unwrap());
        assert_eq!(o.byte("sep", b',').unwrap(), b';');
        assert_eq!(o.byte("quote", b'"').unwrap(), b'"');
    }

    #[test]
    fn escaped_tab_and_bad_booleans() {
        let o = opts(&[("sep", "\\t"), ("header", "yes")]);
        assert_eq!(o.byte("sep", b',').unwrap(), b'\t');
        assert!(o.bool("header", false).is_err());
    }

    #[test]
    fn byte_sizes() {
        assert_eq!(byte_size("10485760", 0), Some(10 << 20));
        assert_eq!(byte_size("10MB", 0), Some(10 << 20));
        assert_eq!(byte_size(" 128m ", 0), Some(128 << 20));
        assert_eq!(byte_size("128 m", 0), None);
        assert_eq!(byte_size("32", 20), Some(32 << 20));
        assert_eq!(byte_size("-1", 0), Some(-1));
        assert_eq!(byte_size("ten", 0), None);
        assert_eq!(byte_size("1x", 0), None);
    }
}
