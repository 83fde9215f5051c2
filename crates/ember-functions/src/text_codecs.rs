//! Spark's byte and text codecs: `unbase64`, `to_base32`/`from_base32`,
//! `hmac`, and `validate_utf8`/`try_validate_utf8`.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BinaryArray, StringArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::{Expr, cast};
use ember_errors::{ErrorKind, SparkError};
use sha2::Digest;

use crate::kernel_udf::KernelUdf;

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The bytes of a STRING or BINARY argument, row by row (NULL stays NULL).
fn bytes_at(array: &ArrayRef, row: usize) -> Option<&[u8]> {
    if array.is_null(row) {
        return None;
    }
    Some(match array.data_type() {
        DataType::Binary => array.as_binary::<i32>().value(row),
        _ => array.as_string::<i32>().value(row).as_bytes(),
    })
}

/// A STRING or BINARY argument kept as it is, anything else cast to STRING
/// (Spark's implicit cast of the byte functions' arguments).
fn text_or_bytes(arg: Expr, data_type: &DataType) -> Expr {
    match data_type {
        DataType::Binary | DataType::Utf8 => arg,
        DataType::LargeBinary | DataType::BinaryView => cast(arg, DataType::Binary),
        _ => cast(arg, DataType::Utf8),
    }
}

/// `to_base32(bytes)`: RFC 4648 base32 with `=` padding.
pub fn to_base32(value: Expr, data_type: &DataType) -> Expr {
    KernelUdf::call_null_intolerant("to_base32", DataType::Utf8, to_base32_kernel, "", vec![text_or_bytes(value, data_type)])
}

fn encode_base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let bits = block.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let symbols = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < symbols {
                out.push(BASE32_ALPHABET[((bits >> (35 - 5 * i)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn to_base32_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let encoded: StringArray = (0..args[0].len()).map(|row| bytes_at(&args[0], row).map(encode_base32)).collect();
    Ok(Arc::new(encoded))
}

/// `from_base32(text)`: the bytes of base32 text up to the first `=`; as
/// Spark's (lenient) decoder, letters of either case count, every other
/// character is skipped, and a lone last character still gives a byte.
pub fn from_base32(value: Expr, data_type: &DataType) -> Expr {
    KernelUdf::call_null_intolerant("from_base32", DataType::Binary, from_base32_kernel, "", vec![text_or_bytes(value, data_type)])
}

fn decode_base32(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut bits, mut count, mut symbols) = (0u32, 0u32, 0usize);
    for c in text.iter().take_while(|c| **c != b'=') {
        let Some(value) = BASE32_ALPHABET.iter().position(|a| *a == c.to_ascii_uppercase()) else { continue };
        bits = (bits << 5) | value as u32;
        count += 5;
        symbols += 1;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    if symbols % 8 == 1 {
        out.push((bits >> 2) as u8);
    }
    out
}

fn from_base32_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let decoded: BinaryArray = (0..args[0].len()).map(|row| bytes_at(&args[0], row).map(decode_base32)).collect();
    Ok(Arc::new(decoded))
}

/// `unbase64(text)`: the bytes of base64 text read as the JDK's MIME decoder
/// reads it (characters outside the alphabet skipped, the first `=` ends it).
pub fn unbase64(value: Expr, data_type: &DataType) -> Expr {
    KernelUdf::call_null_intolerant("unbase64", DataType::Binary, unbase64_kernel, "", vec![text_or_bytes(value, data_type)])
}

fn decode_base64(text: &[u8]) -> Result<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut bits, mut count, mut symbols) = (0u32, 0u32, 0usize);
    for c in text.iter().take_while(|c| **c != b'=') {
        let Some(value) = ALPHABET.iter().position(|a| a == c) else { continue };
        bits = (bits << 6) | value as u32;
        count += 6;
        symbols += 1;
        if count >= 8 {
            count -= 8;
            out.push((bits >> count) as u8);
            bits &= (1 << count) - 1;
        }
    }
    if symbols % 4 == 1 {
        return Err(SparkError::illegal_argument("Last unit does not have enough valid bits").into_datafusion());
    }
    Ok(out)
}

fn unbase64_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let decoded = (0..args[0].len()).map(|row| bytes_at(&args[0], row).map(decode_base64).transpose()).collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(BinaryArray::from_iter(decoded)))
}

/// `hmac(key, message, algorithm)`: the keyed hash of `message` with
/// SHA-224/256/384/512, SHA-1 or MD5 (Spark also accepts the names without
/// the dash).
pub fn hmac(key: Expr, key_type: &DataType, message: Expr, message_type: &DataType, algorithm: Expr) -> Expr {
    let args = vec![text_or_bytes(key, key_type), text_or_bytes(message, message_type), cast(algorithm, DataType::Utf8)];
    KernelUdf::call("hmac", DataType::Binary, hmac_kernel, "", args)
}

fn hmac_error(parameter: &str, detail: &str) -> DataFusionError {
    SparkError::new(
        ErrorKind::Runtime,
        "INVALID_PARAMETER_VALUE.HMAC_CRYPTO_ERROR",
        "22023",
        format!("The value of parameter(s) `{parameter}` in `hmac` is invalid: detail message: {detail}"),
        &[("parameter", format!("`{parameter}`")), ("functionName", "`hmac`".to_string()), ("detailMessage", detail.to_string())],
    )
    .into_datafusion()
}

fn unknown_algorithm(algorithm: &str) -> DataFusionError {
    SparkError::new(
        ErrorKind::Runtime,
        "INVALID_PARAMETER_VALUE.HMAC_ALGORITHM",
        "22023",
        format!(
            "The value of parameter(s) `algorithm` in `hmac` is invalid: expects one of the algorithms 'SHA-224', 'SHA-256', 'SHA-384', 'SHA-512', 'SHA-1', 'MD5', but got '{algorithm}'."
        ),
        &[("parameter", "`algorithm`".to_string()), ("functionName", "`hmac`".to_string()), ("algorithm", format!("'{algorithm}'"))],
    )
    .into_datafusion()
}

/// HMAC (RFC 2104) over the digest `D` whose block is `block` bytes.
fn keyed_hash<D: Digest>(key: &[u8], message: &[u8], block: usize) -> Vec<u8> {
    let mut padded = if key.len() > block { D::digest(key).to_vec() } else { key.to_vec() };
    padded.resize(block, 0);
    let inner_key: Vec<u8> = padded.iter().map(|b| b ^ 0x36).collect();
    let outer_key: Vec<u8> = padded.iter().map(|b| b ^ 0x5c).collect();
    let mut inner = D::new();
    inner.update(&inner_key);
    inner.update(message);
    let mut outer = D::new();
    outer.update(&outer_key);
    outer.update(inner.finalize());
    outer.finalize().to_vec()
}

fn hmac_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let algorithms = args[2].as_string::<i32>();
    let mut result = Vec::with_capacity(args[0].len());
    for row in 0..args[0].len() {
        let (Some(key), Some(message)) = (bytes_at(&args[0], row), bytes_at(&args[1], row)) else {
            result.push(None);
            continue;
        };
        if algorithms.is_null(row) {
            result.push(None);
            continue;
        }
        if key.is_empty() {
            return Err(hmac_error("key", "Empty key"));
        }
        let algorithm = algorithms.value(row);
        let digest = match algorithm.to_ascii_uppercase().replace('-', "").as_str() {
            "SHA224" => keyed_hash::<sha2::Sha224>(key, message, 64),
            "SHA256" => keyed_hash::<sha2::Sha256>(key, message, 64),
            "SHA384" => keyed_hash::<sha2::Sha384>(key, message, 128),
            "SHA512" => keyed_hash::<sha2::Sha512>(key, message, 128),
            "SHA1" => keyed_hash::<sha1::Sha1>(key, message, 64),
            "MD5" => keyed_hash::<md5::Md5>(key, message, 64),
            _ => return Err(unknown_algorithm(algorithm)),
        };
        result.push(Some(digest));
    }
    Ok(Arc::new(BinaryArray::from_iter(result)))
}

/// `validate_utf8(text)` (`try_validate_utf8` when `fail` is false): the text
/// when its bytes are valid UTF-8; otherwise `INVALID_UTF8_STRING` (or NULL).
pub fn validate_utf8(value: Expr, data_type: &DataType, fail: bool) -> Expr {
    let arg = vec![text_or_bytes(value, data_type)];
    if fail {
        KernelUdf::call("validate_utf8", DataType::Utf8, validate_utf8_kernel, "fail", arg)
    } else {
        KernelUdf::call("try_validate_utf8", DataType::Utf8, validate_utf8_kernel, "", arg)
    }
}

fn validate_utf8_kernel(args: &[ArrayRef], mode: &str) -> Result<ArrayRef> {
    let mut result = Vec::with_capacity(args[0].len());
    for row in 0..args[0].len() {
        let Some(bytes) = bytes_at(&args[0], row) else {
            result.push(None);
            continue;
        };
        match std::str::from_utf8(bytes) {
            Ok(text) => result.push(Some(text.to_string())),
            Err(_) if mode == "fail" => {
                let shown: String = bytes.iter().map(|b| if b.is_ascii() { (*b as char).to_string() } else { format!("\\x{b:02X}") }).collect();
                return Err(SparkError::new(
                    ErrorKind::IllegalArgument,
                    "INVALID_UTF8_STRING",
                    "22029",
                    format!("Invalid UTF8 byte sequence found in string: {shown}."),
                    &[("str", shown.clone())],
                )
                .into_datafusion());
            }
            Err(_) => result.push(None),
        }
    }
    Ok(Arc::new(StringArray::from(result)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_round_trips_with_padding() {
        assert_eq!(encode_base32(b"abc"), "MFRGG===");
        assert_eq!(encode_base32(&[0x00, 0xff]), "AD7Q====");
        assert_eq!(encode_base32(b""), "");
        assert_eq!(decode_base32(b"MFRGG==="), b"abc");
        assert_eq!(decode_base32(b"mf RGG!"), b"abc");
        assert_eq!(decode_base32(b"MFRG=GA"), b"ab");
        assert_eq!(decode_base32(b"12"), vec![0x06]);
        assert_eq!(decode_base32(b"1"), Vec::<u8>::new());
    }

    #[test]
    fn base64_skips_foreign_characters() {
        assert_eq!(decode_base64(b"YWI=").unwrap(), b"ab");
        assert_eq!(decode_base64(b"1.5").unwrap(), vec![0xd7]);
        assert!(decode_base64(b"1").is_err());
    }

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        let digest = keyed_hash::<sha2::Sha256>(b"key", b"msg", 64);
        let hex: String = digest.iter().map(|b| format!("{b:02X}")).collect();
        assert_eq!(hex, "2D93CBC1BE167BCB1637A4A23CBFF01A7878F0C50EE833954EA5221BB1B8C628");
    }
}
