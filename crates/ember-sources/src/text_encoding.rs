//! Decoding file bytes in the charset a read names (`encoding`/`charset`).

use ember_errors::SparkError;

/// A charset Spark's CSV and JSON readers accept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// UTF-8 (the default); malformed bytes become U+FFFD as in Java.
    Utf8,
    /// ISO-8859-1 (Latin-1) and US-ASCII: one byte per character.
    Latin1,
    /// UTF-16 with a byte order mark (big-endian without one, as Java).
    Utf16,
    /// UTF-16 little-endian.
    Utf16Le,
    /// UTF-16 big-endian.
    Utf16Be,
    /// UTF-32 (big-endian unless marked).
    Utf32,
}

impl Charset {
    /// Whether `\n` is the byte 0x0A and never part of another character,
    /// so files can be cut at line ends.
    pub fn is_ascii_compatible(self) -> bool {
        matches!(self, Charset::Utf8 | Charset::Latin1)
    }

    /// The charset of a Java charset name (any case); unknown names fail as
    /// Spark's `UnsupportedCharsetException` does.
    pub fn from_name(name: &str) -> Result<Charset, SparkError> {
        let normalized = name.to_ascii_uppercase().replace('_', "-");
        Ok(match normalized.as_str() {
            "UTF-8" | "UTF8" => Charset::Utf8,
            "ISO-8859-1" | "ISO8859-1" | "LATIN1" | "US-ASCII" | "ASCII" => Charset::Latin1,
            "UTF-16" | "UTF16" => Charset::Utf16,
            "UTF-16LE" => Charset::Utf16Le,
            "UTF-16BE" => Charset::Utf16Be,
            "UTF-32" | "UTF32" | "UTF-32BE" => Charset::Utf32,
            _ => return Err(SparkError::illegal_argument(format!("Unsupported charset: {name}")).with_kind(ember_errors::ErrorKind::Unsupported)),
        })
    }

    /// `bytes` as text.
    pub fn decode(self, bytes: &[u8]) -> String {
        match self {
            Charset::Utf8 => {
                let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                String::from_utf8_lossy(body).into_owned()
            }
            Charset::Latin1 => bytes.iter().map(|&b| b as char).collect(),
            Charset::Utf16 => match bytes {
                [0xFF, 0xFE, rest @ ..] => utf16(rest, u16::from_le_bytes),
                [0xFE, 0xFF, rest @ ..] => utf16(rest, u16::from_be_bytes),
                _ => utf16(bytes, u16::from_be_bytes),
            },
            Charset::Utf16Le => utf16(bytes, u16::from_le_bytes),
            Charset::Utf16Be => utf16(bytes, u16::from_be_bytes),
            Charset::Utf32 => {
                let body = bytes.strip_prefix(&[0, 0, 0xFE, 0xFF]).unwrap_or(bytes);
                body.chunks(4)
                    .map(|c| {
                        let word = c.iter().fold(0u32, |acc, b| (acc << 8) | u32::from(*b));
                        char::from_u32(word).unwrap_or(char::REPLACEMENT_CHARACTER)
                    })
                    .collect()
            }
        }
    }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> String {
    let units = bytes.chunks(2).map(|pair| unit([pair[0], *pair.get(1).unwrap_or(&0)]));
    char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_common_charsets() {
        assert_eq!(Charset::from_name("iso-8859-1").unwrap().decode(b"caf\xE9"), "café");
        assert_eq!(Charset::from_name("UTF-16").unwrap().decode(&[0xFF, 0xFE, b'a', 0, 0xE9, 0]), "aé");
        assert_eq!(Charset::from_name("utf-16be").unwrap().decode(&[0, b'a']), "a");
        assert_eq!(Charset::from_name("utf-8").unwrap().decode("é".as_bytes()), "é");
        assert!(Charset::from_name("klingon").is_err());
    }
}
