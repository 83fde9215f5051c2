//! Spark's `hash(...)`: Murmur3 (x86, 32-bit) with seed 42 over Spark's
//! encoding of each value, folded across the arguments, bit-identical to
//! Spark's results (NULLs leave the hash unchanged).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Int32Array};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, DurationMicrosecondType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, IntervalUnit, IntervalYearMonthType, TimeUnit, TimestampMicrosecondType,
};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

/// Spark's seed for `hash`.
const SEED: u32 = 42;
const C1: u32 = 0xcc9e_2d51;
const C2: u32 = 0x1b87_3593;

fn mix_k1(k1: u32) -> u32 {
    k1.wrapping_mul(C1).rotate_left(15).wrapping_mul(C2)
}

fn mix_h1(h1: u32, k1: u32) -> u32 {
    (h1 ^ k1).rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64)
}

fn finish(mut h1: u32, length: u32) -> u32 {
    h1 ^= length;
    h1 ^= h1 >> 16;
    h1 = h1.wrapping_mul(0x85eb_ca6b);
    h1 ^= h1 >> 13;
    h1 = h1.wrapping_mul(0xc2b2_ae35);
    h1 ^ (h1 >> 16)
}

pub(crate) fn hash_int(value: i32, seed: u32) -> u32 {
    finish(mix_h1(seed, mix_k1(value as u32)), 4)
}

fn hash_long(value: i64, seed: u32) -> u32 {
    let h1 = mix_h1(seed, mix_k1(value as u32));
    finish(mix_h1(h1, mix_k1((value >> 32) as u32)), 8)
}

/// Spark's `hashUnsafeBytes`: whole little-endian words, then each trailing
/// byte (sign-extended) on its own.
pub fn hash_bytes(bytes: &[u8], seed: u32) -> u32 {
    let aligned = bytes.len() - bytes.len() % 4;
    let mut h1 = seed;
    for word in bytes[..aligned].chunks_exact(4) {
        h1 = mix_h1(h1, mix_k1(u32::from_le_bytes([word[0], word[1], word[2], word[3]])));
    }
    for &byte in &bytes[aligned..] {
        h1 = mix_h1(h1, mix_k1(byte as i8 as i32 as u32));
    }
    finish(h1, bytes.len() as u32)
}

/// Java's `hashCode` of a value as Spark holds it, for the types Ember knows it of.
pub(crate) fn java_hash_code(value: &ScalarValue) -> Option<i32> {
    Some(match value {
        ScalarValue::Int8(Some(v)) => i32::from(*v),
        ScalarValue::Int16(Some(v)) => i32::from(*v),
        ScalarValue::Int32(Some(v)) | ScalarValue::Date32(Some(v)) => *v,
        ScalarValue::Int64(Some(v)) | ScalarValue::TimestampMicrosecond(Some(v), _) => java_long_hash(*v),
        ScalarValue::Float32(Some(v)) => v.to_bits() as i32,
        ScalarValue::Float64(Some(v)) => java_long_hash(v.to_bits() as i64),
        ScalarValue::Boolean(Some(v)) => if *v { 1231 } else { 1237 },
        ScalarValue::Decimal128(Some(v), _, scale) => return decimal_hash(*v, *scale),
        ScalarValue::Utf8(Some(v)) | ScalarValue::LargeUtf8(Some(v)) | ScalarValue::Utf8View(Some(v)) => {
            hash_bytes(v.as_bytes(), 42) as i32
        }
        _ => return None,
    })
}

/// Scala's `##` of a value as Spark holds it (NULL is 0): Java's `hashCode`,
/// except that a number equal to a narrower one hashes as that one does
/// (the long `5` as the int `5`, the double `3.0` as `3`, `1.5` as `1.5f`).
pub(crate) fn scala_hash_code(value: &ScalarValue) -> Option<i32> {
    Some(match value {
        v if v.is_null() => 0,
        ScalarValue::Int64(Some(v)) | ScalarValue::TimestampMicrosecond(Some(v), _) | ScalarValue::DurationMicrosecond(Some(v)) => {
            scala_long_hash(*v)
        }
        ScalarValue::IntervalYearMonth(Some(v)) => *v,
        ScalarValue::Float32(Some(v)) => scala_float_hash(*v),
        ScalarValue::Float64(Some(v)) => scala_double_hash(*v),
        other => return java_hash_code(other),
    })
}

/// Java's `Long.hashCode`: the long's high half folded into its low half.
fn java_long_hash(v: i64) -> i32 {
    (v ^ ((v as u64) >> 32) as i64) as i32
}

/// Scala's `##` of a long: the int's hash where the long is one.
fn scala_long_hash(v: i64) -> i32 {
    if v as i32 as i64 == v { v as i32 } else { java_long_hash(v) }
}

/// Scala's `##` of a float: as the integer it equals, else Java's `hashCode`.
fn scala_float_hash(v: f32) -> i32 {
    if v as i32 as f32 == v {
        v as i32
    } else if v as i64 as f32 == v {
        scala_long_hash(v as i64)
    } else if v.is_nan() {
        0x7fc0_0000
    } else {
        v.to_bits() as i32
    }
}

/// Scala's `##` of a double: as the integer or float it equals, else Java's `hashCode`.
fn scala_double_hash(v: f64) -> i32 {
    if v as i32 as f64 == v {
        v as i32
    } else if v as i64 as f64 == v {
        scala_long_hash(v as i64)
    } else if v as f32 as f64 == v {
        scala_float_hash(v as f32)
    } else {
        let bits = if v.is_nan() { 0x7ff8_0000_0000_0000 } else { v.to_bits() };
        java_long_hash(bits as i64)
    }
}

/// The `hashCode` of Spark's `Decimal` (its Scala `BigDecimal`'s): a whole
/// value as its integer, one a double writes exactly as that double, any
/// other as Murmur3's last mix of its unscaled digits' `BigInteger` hash with
/// its scale (trailing zeros stripped).
fn decimal_hash(unscaled: i128, scale: i8) -> Option<i32> {
    let (mut digits, mut scale) = (unscaled, i32::from(scale));
    while scale > 0 && digits % 10 == 0 {
        digits /= 10;
        scale -= 1;
    }
    if scale <= 0 {
        let whole = digits.checked_mul(10i128.checked_pow(scale.unsigned_abs())?)?;
        return Some(i64::try_from(whole).map_or_else(|_| big_integer_hash(whole), scala_long_hash));
    }
    let text = format!("{}{}e-{scale}", if digits < 0 { "-" } else { "" }, digits.unsigned_abs());
    let double: f64 = text.parse().ok()?;
    if double.is_finite() && same_decimal(&crate::java_format::java_double_string(double), digits, scale) {
        return Some(scala_double_hash(double));
    }
    let k = (scale as u32).wrapping_mul(0xcc9e_2d51).rotate_left(15).wrapping_mul(0x1b87_3593);
    Some(big_integer_hash(digits) ^ k as i32)
}

/// Java's `BigInteger.hashCode`: its magnitude's 32-bit words, most significant first, times its sign.
fn big_integer_hash(value: i128) -> i32 {
    let magnitude = value.unsigned_abs();
    let words = [(magnitude >> 96) as u32, (magnitude >> 64) as u32, (magnitude >> 32) as u32, magnitude as u32];
    let hash = words.iter().skip_while(|w| **w == 0).fold(0i32, |h, w| h.wrapping_mul(31).wrapping_add(*w as i32));
    if value < 0 { hash.wrapping_neg() } else { hash }
}

/// Whether Java's text of a double (`1.1`, `1.0E-5`) is the decimal `digits` × 10^-`scale`.
fn same_decimal(text: &str, digits: i128, scale: i32) -> bool {
    let (mantissa, exponent) = text.split_once('E').map_or((text, 0), |(m, e)| (m, e.parse::<i32>().unwrap_or(0)));
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let Ok(mut parsed) = format!("{whole}{fraction}").parse::<i128>() else { return false };
    let mut parsed_scale = fraction.len() as i32 - exponent;
    while parsed_scale > 0 && parsed % 10 == 0 {
        parsed /= 10;
        parsed_scale -= 1;
    }
    parsed == digits && parsed_scale == scale
}

/// The minimal big-endian two's complement bytes of `value` (Java's `BigInteger.toByteArray`).
pub fn big_integer_bytes(value: i128) -> Vec<u8> {
    let bytes = value.to_be_bytes();
    let redundant = |b: u8, next: u8| (b == 0x00 && next & 0x80 == 0) || (b == 0xff && next & 0x80 != 0);
    let start = (0..15).find(|&i| !redundant(bytes[i], bytes[i + 1])).unwrap_or(15);
    bytes[start..].to_vec()
}

/// The hash of `array[row]` continuing from `seed`; `None` for types Spark hashes differently than Ember can.
fn hash_value(array: &ArrayRef, row: usize, seed: u32) -> Result<u32> {
    if array.is_null(row) {
        return Ok(seed);
    }
    Ok(match array.data_type() {
        DataType::Boolean => hash_int(array.as_boolean().value(row) as i32, seed),
        DataType::Int8 => hash_int(array.as_primitive::<Int8Type>().value(row) as i32, seed),
        DataType::Int16 => hash_int(array.as_primitive::<Int16Type>().value(row) as i32, seed),
        DataType::Int32 => hash_int(array.as_primitive::<Int32Type>().value(row), seed),
        DataType::Date32 => hash_int(array.as_primitive::<Date32Type>().value(row), seed),
        DataType::Int64 => hash_long(array.as_primitive::<Int64Type>().value(row), seed),
        DataType::Timestamp(TimeUnit::Microsecond, _) => {
            hash_long(array.as_primitive::<TimestampMicrosecondType>().value(row), seed)
        }
        // ANSI intervals: a day-time one as its microseconds, a year-month one as its months.
        DataType::Duration(TimeUnit::Microsecond) => hash_long(array.as_primitive::<DurationMicrosecondType>().value(row), seed),
        DataType::Interval(IntervalUnit::YearMonth) => hash_int(array.as_primitive::<IntervalYearMonthType>().value(row), seed),
        DataType::Float32 => {
            let value = array.as_primitive::<Float32Type>().value(row);
            let bits = if value == 0.0 { 0 } else if value.is_nan() { 0x7fc0_0000 } else { value.to_bits() };
            hash_int(bits as i32, seed)
        }
        DataType::Float64 => {
            let value = array.as_primitive::<Float64Type>().value(row);
            let bits = if value == 0.0 { 0 } else if value.is_nan() { 0x7ff8_0000_0000_0000 } else { value.to_bits() };
            hash_long(bits as i64, seed)
        }
        DataType::Decimal128(precision, _) => {
            let unscaled = array.as_primitive::<Decimal128Type>().value(row);
            if *precision <= 18 { hash_long(unscaled as i64, seed) } else { hash_bytes(&big_integer_bytes(unscaled), seed) }
        }
        DataType::Utf8 => hash_bytes(array.as_string::<i32>().value(row).as_bytes(), seed),
        DataType::LargeUtf8 => hash_bytes(array.as_string::<i64>().value(row).as_bytes(), seed),
        DataType::Utf8View => hash_bytes(array.as_string_view().value(row).as_bytes(), seed),
        DataType::Binary => hash_bytes(array.as_binary::<i32>().value(row), seed),
        DataType::List(_) => {
            let elements = array.as_list::<i32>().value(row);
            (0..elements.len()).try_fold(seed, |h, i| hash_value(&elements, i, h))?
        }
        DataType::Struct(_) => {
            let fields = array.as_struct();
            fields.columns().iter().try_fold(seed, |h, column| hash_value(column, row, h))?
        }
        DataType::Map(..) => {
            let entries = array.as_map().value(row);
            let (keys, values) = (entries.column(0), entries.column(1));
            (0..entries.len()).try_fold(seed, |h, i| hash_value(values, i, hash_value(keys, i, h)?))?
        }
        DataType::Null => seed,
        other => return exec_err!("hash of {other} is not supported"),
    })
}

/// `hash(args...)`: an INT, never NULL.
pub fn spark_hash(args: Vec<Expr>) -> Expr {
    Arc::new(ScalarUDF::new_from_impl(SparkHash { signature: Signature::variadic_any(Volatility::Immutable) })).call(args)
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct SparkHash {
    signature: Signature,
}

impl ScalarUDFImpl for SparkHash {
    fn name(&self) -> &str {
        "hash"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int32)
    }

    fn return_field_from_args(&self, _args: datafusion::logical_expr::ReturnFieldArgs) -> Result<datafusion::arrow::datatypes::FieldRef> {
        Ok(Arc::new(datafusion::arrow::datatypes::Field::new("hash", DataType::Int32, false)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let scalar = args.args.iter().all(|a| matches!(a, ColumnarValue::Scalar(_)));
        let arrays = args.args.iter().map(|a| a.to_array(rows)).collect::<Result<Vec<_>>>()?;
        let hashes = (0..rows)
            .map(|row| arrays.iter().try_fold(SEED, |h, array| hash_value(array, row, h)).map(|h| h as i32))
            .collect::<Result<Vec<_>>>()?;
        let result = Arc::new(Int32Array::from(hashes)) as ArrayRef;
        Ok(if scalar { ColumnarValue::Scalar(ScalarValue::try_from_array(&result, 0)?) } else { ColumnarValue::Array(result) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_hash_as_scala_big_decimals() {
        // Spark 4.3 orders collect_set of these as their hashes say (see tests/test_functions_aggregates.py).
        assert_eq!(decimal_hash(-300, 2), Some(-3));
        assert_eq!(decimal_hash(250, 2), Some(scala_float_hash(2.5)));
        assert_eq!(decimal_hash(110, 2), Some(scala_double_hash(1.1)));
        assert_eq!(decimal_hash(9_999_999_999_999_999_999, 0), Some(big_integer_hash(9_999_999_999_999_999_999)));
        assert!(same_decimal("1.0E-7", 1, 7) && !same_decimal("0.12345678901234568", 123_456_789_012_345_679, 18));
    }

    // Values from Apache Spark 4.3: SELECT hash(1), hash(1L), hash('Spark').
    #[test]
    fn matches_spark() {
        assert_eq!(hash_int(1, SEED) as i32, -559580957);
        assert_eq!(hash_long(1, SEED) as i32, -1712319331);
        assert_eq!(hash_bytes(b"Spark", SEED) as i32, 228093765);
    }

    #[test]
    fn big_integer_bytes_are_minimal() {
        assert_eq!(big_integer_bytes(0), [0]);
        assert_eq!(big_integer_bytes(255), [0, 255]);
        assert_eq!(big_integer_bytes(-1), [255]);
        assert_eq!(big_integer_bytes(-129), [255, 127]);
    }
}
