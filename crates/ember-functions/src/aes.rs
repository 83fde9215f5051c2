//! Spark's `aes_encrypt`, `aes_decrypt` and `try_aes_decrypt` with Spark's
//! byte layouts: GCM output is the 12-byte IV, the ciphertext and the 16-byte
//! tag; CBC output is the 16-byte IV and the PKCS#7-padded ciphertext; ECB
//! output is the padded ciphertext alone. Keys are 16, 24 or 32 bytes; an IV
//! not given (or empty) is drawn at random.

use std::sync::Arc;

use aes::cipher::block_padding::Pkcs7;
use aes::cipher::consts::U12;
use aes::cipher::{BlockCipher, BlockDecrypt, BlockDecryptMut, BlockEncrypt, BlockEncryptMut, BlockSizeUser, KeyInit, KeyIvInit};
use aes::cipher::typenum::U16;
use aes::{Aes128, Aes192, Aes256};
use aes_gcm::AesGcm;
use aes_gcm::aead::{Aead, Payload};
use datafusion::arrow::array::{Array, ArrayRef, BinaryArray, BinaryBuilder};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;

/// A cipher mode with its padding, as Spark accepts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Gcm,
    Cbc,
    Ecb,
}

impl Mode {
    /// The mode of `mode` and `padding` (case-insensitive; `DEFAULT` is
    /// `NONE` for GCM and `PKCS` for the others).
    fn of(mode: &str, padding: &str) -> std::result::Result<Mode, SparkError> {
        let padding = padding.to_ascii_uppercase();
        let parsed = match mode.to_ascii_uppercase().as_str() {
            "GCM" if matches!(padding.as_str(), "DEFAULT" | "NONE") => Some(Mode::Gcm),
            "CBC" if matches!(padding.as_str(), "DEFAULT" | "PKCS") => Some(Mode::Cbc),
            "ECB" if matches!(padding.as_str(), "DEFAULT" | "PKCS") => Some(Mode::Ecb),
            _ => None,
        };
        parsed.ok_or_else(|| {
            SparkError::new(
                ErrorKind::Runtime,
                "UNSUPPORTED_FEATURE.AES_MODE",
                "0A000",
                format!("The feature is not supported: AES-{mode} with the padding {padding} by the {FUNCTIONS} function."),
                &[("mode", mode.to_string()), ("padding", padding.clone()), ("functionName", FUNCTIONS.into())],
            )
        })
    }
}

/// How Spark's AES errors name the functions, whichever was called.
const FUNCTIONS: &str = "`aes_encrypt`/`aes_decrypt`";

fn key_length_error(length: usize) -> SparkError {
    SparkError::new(
        ErrorKind::Runtime,
        "INVALID_PARAMETER_VALUE.AES_KEY_LENGTH",
        "22023",
        format!(
            "The value of parameter(s) `key` in {FUNCTIONS} is invalid: expects a binary value with 16, 24 or 32 bytes, but got {length} bytes."
        ),
        &[("parameter", "`key`".into()), ("functionName", FUNCTIONS.into()), ("actualLength", length.to_string())],
    )
}

fn crypto_error(detail: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Runtime,
        "INVALID_PARAMETER_VALUE.AES_CRYPTO_ERROR",
        "22023",
        format!("The value of parameter(s) `expr`, `key` in {FUNCTIONS} is invalid: detail message: {detail}"),
        &[("parameter", "`expr`, `key`".into()), ("functionName", FUNCTIONS.into()), ("detailMessage", detail.to_string())],
    )
}

fn iv_length_error(mode: &str, length: usize) -> SparkError {
    SparkError::new(
        ErrorKind::Runtime,
        "INVALID_PARAMETER_VALUE.AES_IV_LENGTH",
        "22023",
        format!(
            "The value of parameter(s) `iv` in {FUNCTIONS} is invalid: supports 16-byte CBC IVs and 12-byte GCM IVs, but got {length} bytes for {mode}."
        ),
        &[("parameter", "`iv`".into()), ("functionName", FUNCTIONS.into()), ("mode", mode.to_string()), ("actualLength", length.to_string())],
    )
}

/// What one call computes.
struct Request<'a> {
    mode: Mode,
    mode_name: &'a str,
    key: &'a [u8],
    iv: &'a [u8],
    aad: &'a [u8],
}

/// `N` bytes from the system's secure random source.
fn random_bytes<const N: usize>() -> std::result::Result<Vec<u8>, SparkError> {
    use ring::rand::SecureRandom;
    let mut bytes = vec![0u8; N];
    ring::rand::SystemRandom::new().fill(&mut bytes).map_err(|_| SparkError::internal("no system random source for an AES IV"))?;
    Ok(bytes)
}

fn encrypt_with<C>(request: &Request, input: &[u8]) -> std::result::Result<Vec<u8>, SparkError>
where
    C: BlockCipher + BlockSizeUser<BlockSize = U16> + BlockEncrypt + BlockDecrypt + KeyInit + Clone,
{
    let invalid_key = || key_length_error(request.key.len());
    match request.mode {
        Mode::Gcm => {
            let iv: Vec<u8> = match request.iv {
                [] => random_bytes::<12>()?,
                iv if iv.len() == 12 => iv.to_vec(),
                iv => return Err(iv_length_error(request.mode_name, iv.len())),
            };
            let cipher = AesGcm::<C, U12>::new_from_slice(request.key).map_err(|_| invalid_key())?;
            let sealed = cipher
                .encrypt(iv.as_slice().into(), Payload { msg: input, aad: request.aad })
                .map_err(|e| crypto_error(&e.to_string()))?;
            Ok([iv, sealed].concat())
        }
        Mode::Cbc => {
            let iv: Vec<u8> = match request.iv {
                [] => random_bytes::<16>()?,
                iv if iv.len() == 16 => iv.to_vec(),
                iv => return Err(iv_length_error(request.mode_name, iv.len())),
            };
            let cipher = cbc::Encryptor::<C>::new_from_slices(request.key, &iv).map_err(|_| invalid_key())?;
            Ok([iv, cipher.encrypt_padded_vec_mut::<Pkcs7>(input)].concat())
        }
        Mode::Ecb => {
            let cipher = ecb::Encryptor::<C>::new_from_slice(request.key).map_err(|_| invalid_key())?;
            Ok(cipher.encrypt_padded_vec_mut::<Pkcs7>(input))
        }
    }
}

fn decrypt_with<C>(request: &Request, input: &[u8]) -> std::result::Result<Vec<u8>, SparkError>
where
    C: BlockCipher + BlockSizeUser<BlockSize = U16> + BlockEncrypt + BlockDecrypt + KeyInit + Clone,
{
    let invalid_key = || key_length_error(request.key.len());
    let failed = crypto_error;
    match request.mode {
        Mode::Gcm => {
            if input.len() < 12 + 16 {
                return Err(failed("Invalid buffer arguments"));
            }
            let (iv, sealed) = input.split_at(12);
            let cipher = AesGcm::<C, U12>::new_from_slice(request.key).map_err(|_| invalid_key())?;
            cipher.decrypt(iv.into(), Payload { msg: sealed, aad: request.aad }).map_err(|_| failed("Tag mismatch"))
        }
        Mode::Cbc => {
            if input.len() < 16 {
                return Err(failed("Input data too short"));
            }
            let (iv, sealed) = input.split_at(16);
            let cipher = cbc::Decryptor::<C>::new_from_slices(request.key, iv).map_err(|_| invalid_key())?;
            cipher.decrypt_padded_vec_mut::<Pkcs7>(sealed).map_err(|_| failed(BAD_PADDING))
        }
        Mode::Ecb => {
            let cipher = ecb::Decryptor::<C>::new_from_slice(request.key).map_err(|_| invalid_key())?;
            cipher.decrypt_padded_vec_mut::<Pkcs7>(input).map_err(|_| failed(BAD_PADDING))
        }
    }
}

const BAD_PADDING: &str = "Given final block not properly padded. Such issues can arise if a bad key is used during decryption.";

/// Encrypts (or decrypts) `input` as `request` says, by key length.
fn apply(request: &Request, input: &[u8], encrypt: bool) -> std::result::Result<Vec<u8>, SparkError> {
    match (request.key.len(), encrypt) {
        (16, true) => encrypt_with::<Aes128>(request, input),
        (24, true) => encrypt_with::<Aes192>(request, input),
        (32, true) => encrypt_with::<Aes256>(request, input),
        (16, false) => decrypt_with::<Aes128>(request, input),
        (24, false) => decrypt_with::<Aes192>(request, input),
        (32, false) => decrypt_with::<Aes256>(request, input),
        (length, _) => Err(key_length_error(length)),
    }
}

/// Which of Spark's AES functions a call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AesFunction {
    /// `aes_encrypt(input, key, mode, padding, iv, aad)`.
    Encrypt,
    /// `aes_decrypt(input, key, mode, padding, aad)`.
    Decrypt,
    /// `try_aes_decrypt`: NULL where `aes_decrypt` fails.
    TryDecrypt,
}

impl AesFunction {
    fn name(self) -> &'static str {
        match self {
            AesFunction::Encrypt => "aes_encrypt",
            AesFunction::Decrypt => "aes_decrypt",
            AesFunction::TryDecrypt => "try_aes_decrypt",
        }
    }

    /// The call with all of Spark's arguments filled in (binary input, key,
    /// IV and AAD; string mode and padding).
    pub fn call(self, args: Vec<Expr>) -> Expr {
        let kernel = match self {
            AesFunction::Encrypt => encrypt_kernel,
            AesFunction::Decrypt => decrypt_kernel,
            AesFunction::TryDecrypt => try_decrypt_kernel,
        };
        KernelUdf::call(self.name(), DataType::Binary, kernel, "", args)
    }
}

fn encrypt_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    run(AesFunction::Encrypt, args)
}

fn decrypt_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    run(AesFunction::Decrypt, args)
}

fn try_decrypt_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    run(AesFunction::TryDecrypt, args)
}

/// The argument arrays as binary and string views.
fn binary(array: &ArrayRef) -> Result<&BinaryArray> {
    array.as_any().downcast_ref::<BinaryArray>().ok_or_else(|| {
        datafusion::common::DataFusionError::Internal(format!("AES argument of type {} is not BINARY", array.data_type()))
    })
}

fn run(function: AesFunction, args: &[ArrayRef]) -> Result<ArrayRef> {
    let strings = |i: usize| datafusion::arrow::array::AsArray::as_string::<i32>(args[i].as_ref()).clone();
    let (input, key, modes, paddings) = (binary(&args[0])?, binary(&args[1])?, strings(2), strings(3));
    let (iv, aad) = match function {
        AesFunction::Encrypt => (Some(binary(&args[4])?), binary(&args[5])?),
        _ => (None, binary(&args[4])?),
    };
    let mut out = BinaryBuilder::new();
    for row in 0..input.len() {
        let present = [input.is_valid(row), key.is_valid(row), modes.is_valid(row), paddings.is_valid(row), aad.is_valid(row)];
        if !present.iter().all(|p| *p) || iv.is_some_and(|iv| iv.is_null(row)) {
            out.append_null();
            continue;
        }
        let result = Mode::of(modes.value(row), paddings.value(row)).and_then(|mode| {
            let request = Request {
                mode,
                mode_name: modes.value(row),
                key: key.value(row),
                iv: iv.map(|iv| iv.value(row)).unwrap_or_default(),
                aad: aad.value(row),
            };
            apply(&request, input.value(row), function == AesFunction::Encrypt)
        });
        match result {
            Ok(bytes) => out.append_value(bytes),
            Err(_) if function == AesFunction::TryDecrypt => out.append_null(),
            Err(err) => return Err(err.into_datafusion()),
        }
    }
    Ok(Arc::new(out.finish()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request<'a>(mode: Mode, key: &'a [u8], iv: &'a [u8]) -> Request<'a> {
        Request { mode, mode_name: "X", key, iv, aad: b"" }
    }

    #[test]
    fn decrypts_spark_output() {
        // Spark 4.3: base64(aes_encrypt('Spark SQL', '1234567890abcdef', 'ECB')).
        let sealed = [
            0xde, 0x59, 0xb0, 0xbb, 0xe3, 0x30, 0xd0, 0x7d, 0xdf, 0x8b, 0x93, 0x43, 0xbd, 0xcb, 0xbd, 0x96,
        ];
        let opened = apply(&request(Mode::Ecb, b"1234567890abcdef", b""), &sealed, false).unwrap();
        assert_eq!(opened, b"Spark SQL");
    }

    #[test]
    fn round_trips_every_mode_and_key_length() {
        for key in [&b"0123456789abcdef"[..], b"0123456789abcdef01234567", b"0123456789abcdef0123456789abcdef"] {
            for mode in [Mode::Gcm, Mode::Cbc, Mode::Ecb] {
                let sealed = apply(&request(mode, key, b""), b"Apache Spark", true).unwrap();
                assert_eq!(apply(&request(mode, key, b""), &sealed, false).unwrap(), b"Apache Spark");
            }
        }
        let gcm = apply(&request(Mode::Gcm, b"0123456789abcdef", b"000000000000"), b"x", true).unwrap();
        assert_eq!(&gcm[..12], b"000000000000");
        assert_eq!(gcm.len(), 12 + 1 + 16);
    }

    #[test]
    fn bad_keys_and_modes_fail_as_spark() {
        let err = apply(&request(Mode::Ecb, b"abc", b""), b"x", true).unwrap_err();
        assert_eq!(err.error_class, "INVALID_PARAMETER_VALUE.AES_KEY_LENGTH");
        assert_eq!(Mode::of("ECB", "NONE").unwrap_err().error_class, "UNSUPPORTED_FEATURE.AES_MODE");
        assert_eq!(Mode::of("gcm", "default").unwrap(), Mode::Gcm);
    }
}
