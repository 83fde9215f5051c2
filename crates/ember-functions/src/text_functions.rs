//! Spark's `mask`, `to_binary`/`try_to_binary` and `encode`/`decode` with a
//! character set.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BinaryArray, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;

/// `mask(text, upper, lower, digit, other)`: each letter or digit replaced by
/// the first character of its class's replacement (NULL keeps it).
pub fn mask(args: Vec<Expr>) -> Expr {
    let args = args.into_iter().map(|a| datafusion::logical_expr::cast(a, DataType::Utf8)).collect();
    KernelUdf::call("mask", DataType::Utf8, mask_kernel, "", args)
}

fn mask_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let texts = args[0].as_string::<i32>();
    let replacement = |arg: usize, row: usize| -> Option<char> {
        let column = args.get(arg)?.as_string::<i32>();
        column.is_valid(row).then(|| column.value(row).chars().next()).flatten()
    };
    let masked: StringArray = (0..texts.len())
        .map(|row| {
            if texts.is_null(row) {
                return None;
            }
            let [upper, lower, digit, other] = [1, 2, 3, 4].map(|arg| replacement(arg, row));
            let defaults = [Some('X'), Some('x'), Some('n'), None];
            let pick = |given: Option<char>, arg: usize| if args.len() > arg { given } else { defaults[arg - 1] };
            let (upper, lower, digit, other) = (pick(upper, 1), pick(lower, 2), pick(digit, 3), pick(other, 4));
            Some(
                texts
                    .value(row)
                    .chars()
                    .map(|c| {
                        let replaced = if c.is_ascii_uppercase() {
                            upper
                        } else if c.is_ascii_lowercase() {
                            lower
                        } else if c.is_ascii_digit() {
                            digit
                        } else {
                            other
                        };
                        replaced.unwrap_or(c)
                    })
                    .collect::<String>(),
            )
        })
        .collect();
    Ok(Arc::new(masked))
}

/// `to_binary(text, format)` (`try_to_binary` when `fail` is false).
pub fn to_binary(text: Expr, format: Expr, fail: bool) -> Expr {
    // Spark reads base64 with `unbase64`, whose result is NULL only for NULL input.
    let base64 = matches!(&format, Expr::Literal(datafusion::common::ScalarValue::Utf8(Some(f)), _) if f.eq_ignore_ascii_case("base64"));
    let args = vec![datafusion::logical_expr::cast(text, DataType::Utf8), datafusion::logical_expr::cast(format, DataType::Utf8)];
    let mode = if fail { "fail" } else { "null" };
    if base64 && fail {
        KernelUdf::call_null_intolerant("to_binary", DataType::Binary, to_binary_kernel, mode, args)
    } else {
        KernelUdf::call("to_binary", DataType::Binary, to_binary_kernel, mode, args)
    }
}

fn invalid_input(value: &str, format: &str) -> datafusion::common::DataFusionError {
    SparkError::new(
        ErrorKind::IllegalArgument,
        "CONVERSION_INVALID_INPUT",
        "22018",
        format!("The value '{value}' (\"STRING\") cannot be converted to \"BINARY\" because it is malformed. Correct the value as per the syntax, or change its format. Use 'try_to_binary' to tolerate malformed input and return NULL instead."),
        &[("str", format!("'{value}'")), ("fmt", format!("'{format}'")), ("targetType", "\"BINARY\"".to_string()), ("suggestion", "`try_to_binary`".to_string())],
    )
    .into_datafusion()
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    let digits: Vec<u32> = text.chars().map(|c| c.to_digit(16)).collect::<Option<_>>()?;
    let padded: Vec<u32> = if digits.len() % 2 == 1 { std::iter::once(0).chain(digits).collect() } else { digits };
    Some(padded.chunks(2).map(|pair| (pair[0] * 16 + pair[1]) as u8).collect())
}

fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let mut bits: u32 = 0;
    let mut count = 0;
    let mut out = Vec::new();
    for c in text.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let value = match c {
            'A'..='Z' => c as u32 - 'A' as u32,
            'a'..='z' => c as u32 - 'a' as u32 + 26,
            '0'..='9' => c as u32 - '0' as u32 + 52,
            '+' => 62,
            '/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | value;
        count += 6;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    Some(out)
}

fn to_binary_kernel(args: &[ArrayRef], mode: &str) -> Result<ArrayRef> {
    let texts = args[0].as_string::<i32>();
    let formats = args[1].as_string::<i32>();
    let mut out: Vec<Option<Vec<u8>>> = Vec::with_capacity(texts.len());
    for row in 0..texts.len() {
        if texts.is_null(row) || formats.is_null(row) {
            out.push(None);
            continue;
        }
        let (text, format) = (texts.value(row), formats.value(row));
        let bytes = match format.to_lowercase().as_str() {
            "hex" => decode_hex(text),
            "utf-8" | "utf8" => Some(text.as_bytes().to_vec()),
            "base64" => decode_base64(text),
            _ => None,
        };
        match bytes {
            None if mode == "fail" => return Err(invalid_input(text, format)),
            bytes => out.push(bytes),
        }
    }
    Ok(Arc::new(BinaryArray::from_iter(out)))
}

/// The canonical name of a character set Spark's `encode`/`decode` accept.
fn charset(name: &str) -> Option<&'static str> {
    Some(match name.to_uppercase().replace('_', "-").as_str() {
        "UTF-8" | "UTF8" => "UTF-8",
        "US-ASCII" | "ASCII" => "US-ASCII",
        "ISO-8859-1" | "LATIN1" => "ISO-8859-1",
        "UTF-16BE" => "UTF-16BE",
        "UTF-16LE" => "UTF-16LE",
        "UTF-16" => "UTF-16",
        _ => return None,
    })
}

/// The character sets Spark names in its error.
const CHARSETS: &str = "iso-8859-1, us-ascii, utf-16, utf-16be, utf-16le, utf-32, utf-8";

fn invalid_charset(function: &str, name: &str) -> datafusion::common::DataFusionError {
    SparkError::new(
        ErrorKind::IllegalArgument,
        "INVALID_PARAMETER_VALUE.CHARSET",
        "22023",
        format!("The value of parameter(s) `charset` in `{function}` is invalid: expects one of the {CHARSETS}, but got {name}."),
        &[("functionName", format!("`{function}`")), ("parameter", "`charset`".to_string()), ("charsets", CHARSETS.to_string()), ("charset", name.to_string())],
    )
    .into_datafusion()
}

/// `encode(text, charset)`: the text's bytes in `charset`.
pub fn encode(text: Expr, charset: Expr) -> Expr {
    let args = vec![datafusion::logical_expr::cast(text, DataType::Utf8), datafusion::logical_expr::cast(charset, DataType::Utf8)];
    KernelUdf::call("encode", DataType::Binary, encode_kernel, "", args)
}

fn encode_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let texts = args[0].as_string::<i32>();
    let names = args[1].as_string::<i32>();
    let mut out: Vec<Option<Vec<u8>>> = Vec::with_capacity(texts.len());
    for row in 0..texts.len() {
        if texts.is_null(row) || names.is_null(row) {
            out.push(None);
            continue;
        }
        let text = texts.value(row);
        let bytes = match charset(names.value(row)).ok_or_else(|| invalid_charset("encode", names.value(row)))? {
            "UTF-8" => text.as_bytes().to_vec(),
            "US-ASCII" => text.chars().map(|c| if c.is_ascii() { c as u8 } else { b'?' }).collect(),
            "ISO-8859-1" => text.chars().map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?')).collect(),
            "UTF-16LE" => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
            "UTF-16BE" => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            _ => [0xFE, 0xFF].into_iter().chain(text.encode_utf16().flat_map(u16::to_be_bytes)).collect(),
        };
        out.push(Some(bytes));
    }
    Ok(Arc::new(BinaryArray::from_iter(out)))
}

/// `decode(bytes, charset)`: the text `bytes` encode in `charset`.
pub fn decode(bytes: Expr, charset: Expr) -> Expr {
    let args = vec![datafusion::logical_expr::cast(bytes, DataType::Binary), datafusion::logical_expr::cast(charset, DataType::Utf8)];
    KernelUdf::call("decode", DataType::Utf8, decode_kernel, "", args)
}

fn decode_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let bytes = cast(&args[0], &DataType::Binary)?;
    let bytes = bytes.as_binary::<i32>();
    let names = args[1].as_string::<i32>();
    let mut out: Vec<Option<String>> = Vec::with_capacity(bytes.len());
    for row in 0..bytes.len() {
        if bytes.is_null(row) || names.is_null(row) {
            out.push(None);
            continue;
        }
        let value = bytes.value(row);
        let units = |big_endian: bool, data: &[u8]| -> Vec<u16> {
            data.chunks_exact(2).map(|p| if big_endian { u16::from_be_bytes([p[0], p[1]]) } else { u16::from_le_bytes([p[0], p[1]]) }).collect()
        };
        let text = match charset(names.value(row)).ok_or_else(|| invalid_charset("decode", names.value(row)))? {
            "UTF-8" => String::from_utf8_lossy(value).into_owned(),
            "US-ASCII" => value.iter().map(|b| if b.is_ascii() { *b as char } else { '\u{FFFD}' }).collect(),
            "ISO-8859-1" => value.iter().map(|b| *b as char).collect(),
            "UTF-16LE" => String::from_utf16_lossy(&units(false, value)),
            "UTF-16BE" => String::from_utf16_lossy(&units(true, value)),
            _ => match value {
                [0xFF, 0xFE, rest @ ..] => String::from_utf16_lossy(&units(false, rest)),
                [0xFE, 0xFF, rest @ ..] => String::from_utf16_lossy(&units(true, rest)),
                other => String::from_utf16_lossy(&units(true, other)),
            },
        };
        out.push(Some(text));
    }
    Ok(Arc::new(StringArray::from(out)))
}

/// Spark's `initcap`: the text in lower case, with its first character and
/// each one after a space in title case (a hyphen or a dot starts no word).
pub fn initcap(text: Expr) -> Expr {
    KernelUdf::call_null_intolerant("initcap", DataType::Utf8, initcap_kernel, "", vec![text])
}

fn initcap_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let texts = cast(&args[0], &DataType::Utf8)?;
    let capitalized: StringArray = texts
        .as_string::<i32>()
        .iter()
        .map(|text| {
            let mut after_space = true;
            text.map(|text| {
                text.to_lowercase()
                    .chars()
                    .flat_map(|c| {
                        let title = after_space;
                        after_space = c == ' ';
                        let upper: Vec<char> = if title { c.to_uppercase().collect() } else { vec![c] };
                        upper
                    })
                    .collect::<String>()
            })
        })
        .collect();
    Ok(Arc::new(capitalized))
}

/// `reverse` of a BINARY: its bytes in reverse order.
pub fn reverse_bytes(bytes: Expr) -> Expr {
    KernelUdf::call_null_intolerant("reverse", DataType::Binary, reverse_bytes_kernel, "", vec![bytes])
}

fn reverse_bytes_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let bytes = cast(&args[0], &DataType::Binary)?;
    let reversed: BinaryArray = bytes.as_binary::<i32>().iter().map(|b| b.map(|b| b.iter().rev().copied().collect::<Vec<u8>>())).collect();
    Ok(Arc::new(reversed))
}

/// A LIKE `pattern` whose escape character is `escape` (not a backslash),
/// rewritten with the backslash escapes DataFusion reads: `escape` before
/// `_`, `%` or itself makes that character literal, and a backslash is literal.
pub fn like_pattern_with_escape(pattern: Expr, escape: char) -> Expr {
    KernelUdf::call_null_intolerant("like_pattern", DataType::Utf8, like_pattern_kernel, &escape.to_string(), vec![pattern])
}

fn like_pattern_kernel(args: &[ArrayRef], escape: &str) -> Result<ArrayRef> {
    let escape = escape.chars().next().unwrap_or('\\');
    let patterns = cast(&args[0], &DataType::Utf8)?;
    let rewritten = patterns
        .as_string::<i32>()
        .iter()
        .map(|pattern| pattern.map(|pattern| backslash_escaped(pattern, escape)).transpose())
        .collect::<Result<StringArray>>()?;
    Ok(Arc::new(rewritten))
}

fn backslash_escaped(pattern: &str, escape: char) -> Result<String> {
    let invalid = |class: &str, message: String, extra: Option<char>| {
        let mut parameters = vec![("format", format!("'{pattern}'"))];
        if let Some(c) = extra {
            parameters.push(("char", format!("'{c}'")));
        }
        SparkError::new(ErrorKind::Analysis, class, "42601", message, &parameters).into_datafusion()
    };
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c == escape => match chars.next() {
                Some(next @ ('_' | '%')) => out.extend(['\\', next]),
                Some(next) if next == escape => out.push(next),
                Some(next) => {
                    let message = format!("The format is invalid: '{pattern}'. The escape character is not allowed to precede '{next}'.");
                    return Err(invalid("INVALID_FORMAT.ESC_IN_THE_MIDDLE", message, Some(next)));
                }
                None => {
                    let message = format!("The format is invalid: '{pattern}'. The escape character is not allowed to end with.");
                    return Err(invalid("INVALID_FORMAT.ESC_AT_THE_END", message, None));
                }
            },
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// Spark 4.3's `instr(str, substr, start, occurrence)` of STRING, STRING,
/// INT, INT arguments: the 1-based character position of the
/// `occurrence`-th `substr` (matches may overlap) found from `start`,
/// searching backwards from the `-start`-th last character when `start` is
/// negative; 0 when there is none or `start` is 0, 1 for an empty `substr`.
pub fn instr(args: Vec<Expr>) -> Expr {
    let types = [DataType::Utf8, DataType::Utf8, DataType::Int32, DataType::Int32];
    let args = args.into_iter().zip(types).map(|(arg, to)| datafusion::logical_expr::cast(arg, to)).collect();
    KernelUdf::call_null_intolerant("instr", DataType::Int32, instr_kernel, "", args)
}

fn instr_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    use datafusion::arrow::array::Int32Array;
    use datafusion::arrow::datatypes::Int32Type;
    let (texts, needles) = (args[0].as_string::<i32>(), args[1].as_string::<i32>());
    let starts = args[2].as_primitive::<Int32Type>();
    let occurrences = args.get(3).map(|a| a.as_primitive::<Int32Type>());
    let positions = (0..texts.len())
        .map(|row| {
            let occurrence = occurrences.map_or(Some(1), |o| o.is_valid(row).then(|| o.value(row)));
            if texts.is_null(row) || needles.is_null(row) || starts.is_null(row) {
                return Ok(None);
            }
            let Some(occurrence) = occurrence else { return Ok(None) };
            if occurrence <= 0 {
                return Err(invalid_occurrence(occurrence).into_datafusion());
            }
            Ok(Some(instr_position(texts.value(row), needles.value(row), starts.value(row), occurrence as usize)))
        })
        .collect::<Result<Int32Array>>()?;
    Ok(Arc::new(positions))
}

/// The position `instr` gives for one row; `occurrence` is positive.
fn instr_position(text: &str, needle: &str, start: i32, occurrence: usize) -> i32 {
    if needle.is_empty() {
        return 1;
    }
    let chars: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = needle.chars().collect();
    let matches_at = |at: usize| chars.get(at..at + pattern.len()) == Some(&pattern[..]);
    let found = match start {
        0 => None,
        1.. => (start as usize - 1..chars.len()).filter(|&at| matches_at(at)).nth(occurrence - 1),
        _ => {
            let last = chars.len() as i64 + start as i64;
            (last >= 0).then(|| (0..=last as usize).rev().filter(|&at| matches_at(at)).nth(occurrence - 1)).flatten()
        }
    };
    found.map_or(0, |at| at as i32 + 1)
}

fn invalid_occurrence(occurrence: i32) -> SparkError {
    SparkError::new(
        ErrorKind::Runtime,
        "INVALID_PARAMETER_VALUE.OCCURRENCE",
        "22023",
        format!("The value of parameter(s) `occurrence` in `instr` is invalid: expects a positive integer, but got {occurrence}."),
        &[("parameter", "`occurrence`".into()), ("functionName", "`instr`".into()), ("actual", occurrence.to_string())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_hex_and_base64() {
        assert_eq!(decode_hex("616263"), Some(b"abc".to_vec()));
        assert_eq!(decode_hex("x"), None);
        assert_eq!(decode_base64("U3Bhcms="), Some(b"Spark".to_vec()));
    }

    #[test]
    fn masks_by_character_class() {
        let texts: ArrayRef = Arc::new(StringArray::from(vec!["AbCD123-@$#"]));
        let masked = mask_kernel(&[texts], "").unwrap();
        assert_eq!(masked.as_string::<i32>().value(0), "XxXXnnn-@$#");
    }
    #[test]
    fn finds_occurrences_forwards_and_backwards() {
        assert_eq!(instr_position("abcabcabc", "bc", 3, 1), 5);
        assert_eq!(instr_position("aaaa", "aa", 1, 3), 3);
        assert_eq!(instr_position("aaaa", "aa", -1, 2), 2);
        assert_eq!(instr_position("abcabc", "abc", -2, 1), 4);
        assert_eq!(instr_position("abc", "a", -4, 1), 0);
        assert_eq!(instr_position("abc", "b", 0, 1), 0);
        assert_eq!(instr_position("abc", "", 0, 1), 1);
        assert_eq!(instr_position("\u{1F600}a\u{1F600}b", "\u{1F600}", 2, 1), 3);
    }
    #[test]
    fn initcap_starts_words_after_spaces_only() {
        let texts: ArrayRef = Arc::new(StringArray::from(vec!["hello-world foo_bar a.b  x", "ÉCOLE élan"]));
        let out = initcap_kernel(&[texts], "").unwrap();
        assert_eq!(out.as_string::<i32>().value(0), "Hello-world Foo_bar A.b  X");
        assert_eq!(out.as_string::<i32>().value(1), "École Élan");
    }
    #[test]
    fn like_patterns_take_other_escape_characters() {
        assert_eq!(backslash_escaped("a!_c!%", '!').unwrap(), "a\\_c\\%");
        assert_eq!(backslash_escaped("a!!b\\", '!').unwrap(), "a!b\\\\");
        assert!(backslash_escaped("a!b", '!').is_err());
        assert!(backslash_escaped("a!", '!').is_err());
    }
}
