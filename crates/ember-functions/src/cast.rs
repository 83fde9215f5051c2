//! Spark's `CAST`: ANSI, legacy (non-ANSI) and `TRY` evaluation, with Spark's
//! parsing of strings, overflow checks, error classes and result nullability.

use std::sync::Arc;

use arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Date32Array, Decimal128Array, Float32Array, Float64Array, Int64Array,
    ListArray, MapArray, StringArray, StructArray, Time64NanosecondArray, TimestampMicrosecondArray,
};
use arrow::compute::{CastOptions, cast_with_options};
use arrow::datatypes::{
    DataType, Decimal128Type, Field, FieldRef, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type,
    TimeUnit, TimestampMicrosecondType,
};
use datafusion::common::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use ember_errors::{ErrorKind, SparkError};
use ember_types::IntervalFields;

use crate::display;
use crate::interval_casts::{IntervalType, cast_from_interval, cast_to_interval};
use crate::timestamp_text::{TimestampText, Zone};

/// How a cast treats values it cannot represent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CastMode {
    /// `spark.sql.ansi.enabled=true`: malformed input and overflow fail the query.
    Ansi,
    /// Non-ANSI: malformed input gives NULL, integral overflow wraps as in Java.
    Legacy,
    /// `try_cast`: anything that cannot be cast gives NULL.
    Try,
}

/// A Spark cast of `expr` to `target`.
pub fn spark_cast(expr: Expr, target: DataType, mode: CastMode) -> Expr {
    spark_cast_in_units(expr, target, None, mode)
}

/// A Spark cast of `expr` to `target`, an ANSI interval written in `units`
/// (`interval hour`; the widest units when `None`).
pub fn spark_cast_in_units(expr: Expr, target: DataType, units: Option<IntervalFields>, mode: CastMode) -> Expr {
    let target_interval = units.filter(|_| IntervalType::of(&target, None).is_some());
    ScalarUDF::new_from_impl(SparkCast { target, target_interval, mode, signature: Signature::any(1, Volatility::Immutable) })
        .call(vec![expr])
}

/// Whether Spark's cast from `from` to `to` may give NULL.
pub fn cast_nullable(from: &DataType, to: &DataType, child_nullable: bool, mode: CastMode) -> bool {
    match mode {
        CastMode::Try => match (from, to) {
            (f, DataType::Binary) if is_string(f) => child_nullable,
            (_, t) if is_string(t) => child_nullable,
            _ => true,
        },
        _ => child_nullable || force_nullable(from, to),
    }
}

/// Spark's `Cast.forceNullable`: whether a cast of non-null values can give NULL.
fn force_nullable(from: &DataType, to: &DataType) -> bool {
    use DataType::*;
    match (from, to) {
        (Null, _) => false,
        (f, t) if f == t => false,
        (f, t) if is_string(f) => !(is_string(t) || matches!(t, Binary)),
        (_, t) if is_string(t) => false,
        (Timestamp(..), Int8 | Int16 | Int32) => true,
        (Float32 | Float64, Timestamp(..)) => true,
        // Between dates and TIMESTAMP_NTZ Spark's casts count as nullable.
        (Timestamp(_, None), Date32) | (Date32, Timestamp(_, None)) => true,
        (Timestamp(..), Date32) => false,
        (_, Date32) => true,
        (Date32, Timestamp(..)) => false,
        (Date32, _) => true,
        (_, Interval(arrow::datatypes::IntervalUnit::MonthDayNano)) => true,
        (f, Decimal128(p, s)) => !null_safe_to_decimal(f, *p, *s),
        (Float32 | Float64 | Decimal128(..), t) if is_integral(t) => true,
        _ => false,
    }
}

/// Spark's `canNullSafeCastToDecimal`.
fn null_safe_to_decimal(from: &DataType, precision: u8, scale: i8) -> bool {
    let wider_than = |p: u8, s: i8| (precision as i16 - scale as i16) >= (p as i16 - s as i16) && scale >= s;
    match from {
        DataType::Boolean => wider_than(1, 0),
        DataType::Int8 => wider_than(3, 0),
        DataType::Int16 => wider_than(5, 0),
        DataType::Int32 => wider_than(10, 0),
        DataType::Int64 => wider_than(20, 0),
        DataType::Decimal128(p, s) => (precision as i16 - scale as i16) > (*p as i16 - *s as i16),
        _ => false,
    }
}

/// Whether `t` is one of Arrow's string types.
pub fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// Whether `t` is a Spark integral type (byte, short, int, long).
pub fn is_integral(t: &DataType) -> bool {
    matches!(t, DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64)
}

/// Whether `t` is one of Spark's number types (signed integers, FLOAT, DOUBLE, DECIMAL).
pub fn is_numeric(t: &DataType) -> bool {
    is_integral(t) || matches!(t, DataType::Float32 | DataType::Float64 | DataType::Decimal128(..))
}

/// Spark's upper-case SQL name of a type, as error messages show it.
pub(crate) fn type_name(t: &DataType) -> String {
    ember_types::simple_string(t).to_uppercase()
}

/// Casts `array` to `target` with Spark's semantics.
pub fn cast_array(array: &ArrayRef, target: &DataType, mode: CastMode) -> Result<ArrayRef, SparkError> {
    cast_array_in_units(array, None, target, None, mode)
}

/// [`cast_array`] of a value whose ANSI interval units (when it is one) are
/// `interval`, to a `target` whose units (when it is one) are `target_units`.
fn cast_array_in_units(
    array: &ArrayRef,
    interval: Option<IntervalFields>,
    target: &DataType,
    target_units: Option<IntervalFields>,
    mode: CastMode,
) -> Result<ArrayRef, SparkError> {
    let source = array.data_type();
    if let Some(to) = IntervalType::of(target, target_units) {
        if !matches!(source, DataType::Null) {
            return cast_to_interval(array, interval, to, mode);
        }
    }
    if source == target {
        return Ok(array.clone());
    }
    if let Some(nested) = cast_nested(array, target, mode) {
        return nested;
    }
    if IntervalType::of(source, None).is_some() && (is_integral(target) || matches!(target, DataType::Decimal128(..))) {
        return cast_from_interval(array, interval, target, mode);
    }
    if is_string(target) {
        let strings =
            display::cast_strings_with(array.as_ref(), interval).map_err(|e| SparkError::internal(e.to_string()))?;
        return arrow_cast(&(Arc::new(StringArray::from(strings)) as ArrayRef), target, CastMode::Ansi);
    }
    if is_string(source) {
        return from_strings(array, target, mode);
    }
    if is_numeric(source) && is_integral(target) {
        return to_integral(array, target, mode);
    }
    if matches!(source, DataType::Timestamp(..)) && (is_numeric(target) || *target == DataType::Boolean) {
        return from_timestamp(array, target, mode);
    }
    if *source == DataType::Boolean {
        // Arrow has no casts of booleans to decimals or timestamps: Spark's
        // true is 1 (one microsecond as a timestamp), false 0.
        if matches!(target, DataType::Decimal128(..) | DataType::Timestamp(..)) {
            let ones = arrow_cast(array, &DataType::Int64, mode)?;
            return match target {
                DataType::Decimal128(precision, scale) => to_decimal(&ones, *precision, *scale, mode),
                _ => arrow_cast(&ones, target, mode),
            };
        }
    }
    if *source == DataType::Date32 && (is_numeric(target) || *target == DataType::Boolean) {
        // Only the legacy cast has these (ANSI and TRY reject them), and it gives NULL.
        return Ok(arrow::array::new_null_array(target, array.len()));
    }
    if is_integral(source) && *target == DataType::Binary {
        return Ok(integral_bytes(array));
    }
    if matches!(source, DataType::Time64(_)) && is_integral(target) {
        let seconds = crate::time::seconds_of_times(array).map_err(|e| SparkError::internal(e.to_string()))?;
        return arrow_cast(&seconds, target, mode);
    }
    if matches!(source, DataType::Decimal128(..)) && *target == DataType::Boolean {
        // Arrow has no such cast: a decimal is true unless zero.
        let decimals = array.as_primitive::<Decimal128Type>();
        return Ok(Arc::new(decimals.iter().map(|v| v.map(|v| v != 0)).collect::<BooleanArray>()));
    }
    if is_numeric(source) {
        if let DataType::Decimal128(precision, scale) = target {
            return to_decimal(array, *precision, *scale, mode);
        }
    }
    if is_numeric(source) && matches!(target, DataType::Timestamp(TimeUnit::Microsecond, Some(_))) {
        return from_seconds(array, target, mode);
    }
    if let (DataType::Timestamp(TimeUnit::Microsecond, None), DataType::Timestamp(TimeUnit::Microsecond, Some(zone))) = (source, target) {
        if let Some(zoned) = wall_clock_in_zone(array, zone) {
            return Ok(zoned);
        }
    }
    arrow_cast(array, target, mode)
}

/// A cast between arrays, maps or structs, child by child with Spark's
/// casts of their values (`CAST(array('a') AS ARRAY<INT>)` fails with
/// `CAST_INVALID_INPUT` under ANSI) and each child's ANSI interval units
/// (`CAST(array(1) AS ARRAY<INTERVAL HOUR>)`); `None` for other casts.
fn cast_nested(array: &ArrayRef, target: &DataType, mode: CastMode) -> Option<Result<ArrayRef, SparkError>> {
    let child = |values: &ArrayRef, from: &Field, to: &Field| {
        cast_array_in_units(values, IntervalFields::of(from), to.data_type(), IntervalFields::of(to), mode)
    };
    let internal = |e: arrow::error::ArrowError| SparkError::internal(e.to_string());
    Some(match (array.data_type(), target) {
        (DataType::List(from), DataType::List(to)) => (|| {
            let list = array.as_list::<i32>();
            let values = child(list.values(), from, to)?;
            Ok(Arc::new(ListArray::try_new(to.clone(), list.offsets().clone(), values, list.nulls().cloned()).map_err(internal)?) as ArrayRef)
        })(),
        (DataType::Struct(from), DataType::Struct(to)) if from.len() == to.len() => (|| {
            let structs = array.as_struct();
            let columns = structs.columns().iter().zip(from.iter().zip(to.iter())).map(|(c, (f, t))| child(c, f, t)).collect::<Result<Vec<_>, _>>()?;
            Ok(Arc::new(StructArray::try_new(to.clone(), columns, structs.nulls().cloned()).map_err(internal)?) as ArrayRef)
        })(),
        (DataType::Map(from, _), DataType::Map(to, sorted)) => (|| {
            let map = array.as_map();
            let entries: ArrayRef = Arc::new(map.entries().clone());
            let entries = child(&entries, from, to)?;
            let map = MapArray::try_new(to.clone(), map.offsets().clone(), entries.as_struct().clone(), map.nulls().cloned(), *sorted).map_err(internal)?;
            Ok(Arc::new(map) as ArrayRef)
        })(),
        _ => return None,
    })
}

/// TIMESTAMP_NTZ to TIMESTAMP: each wall-clock time read in `zone` as
/// java.time reads it (see [`crate::datetime::local_to_micros`]); `None` for
/// a zone that is an offset rather than a region (Arrow's cast handles it).
fn wall_clock_in_zone(array: &ArrayRef, zone: &str) -> Option<ArrayRef> {
    let region: chrono_tz::Tz = zone.parse().ok()?;
    let wall_clocks = array.as_primitive_opt::<TimestampMicrosecondType>()?;
    let instants: TimestampMicrosecondArray = wall_clocks
        .iter()
        .map(|micros| {
            let local = chrono::DateTime::from_timestamp_micros(micros?)?.naive_utc();
            crate::datetime::local_to_micros(&region, &local)
        })
        .collect();
    Some(Arc::new(instants.with_timezone(zone)))
}

/// Spark's casts of timestamps to numbers: whole seconds since the epoch
/// (rounded down) for integers, NULL in legacy mode when they do not fit;
/// seconds with their fraction for floating-point numbers and decimals;
/// whether it is the epoch for a boolean.
fn from_timestamp(array: &ArrayRef, target: &DataType, mode: CastMode) -> Result<ArrayRef, SparkError> {
    let micros = arrow_cast(array, &DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, None), mode)?;
    let micros = arrow_cast(&micros, &DataType::Int64, mode)?;
    let micros = micros.as_primitive::<arrow::datatypes::Int64Type>();
    match target {
        DataType::Boolean => return Ok(Arc::new(micros.iter().map(|m| m.map(|m| m != 0)).collect::<BooleanArray>())),
        DataType::Float64 => return Ok(Arc::new(micros.unary::<_, Float64Type>(|m| m as f64 / MICROS_PER_SECOND as f64))),
        DataType::Float32 => return Ok(Arc::new(micros.unary::<_, Float32Type>(|m| (m as f64 / MICROS_PER_SECOND as f64) as f32))),
        DataType::Decimal128(precision, scale) => {
            let seconds: ArrayRef = Arc::new(micros.unary::<_, Decimal128Type>(i128::from).with_precision_and_scale(38, 6).map_err(|e| SparkError::internal(e.to_string()))?);
            return to_decimal(&seconds, *precision, *scale, mode);
        }
        _ => {}
    }
    let seconds: Int64Array = micros.unary(|m| m.div_euclid(MICROS_PER_SECOND));
    let seconds: ArrayRef = Arc::new(seconds);
    if matches!(target, DataType::Int64) {
        return Ok(seconds);
    }
    // Seconds that do not fit fail naming the timestamp under ANSI, and are NULL otherwise.
    let narrowed = to_integral(&seconds, target, CastMode::Try)?;
    if mode == CastMode::Ansi {
        if let Some(i) = (0..array.len()).find(|&i| narrowed.is_null(i) && array.is_valid(i)) {
            let value = format!("TIMESTAMP '{}'", value_text(array, i));
            return Err(SparkError::cast_overflow(&value, &type_name(array.data_type()), &type_name(target)));
        }
    }
    Ok(narrowed)
}

/// Spark's cast of an integral number to BINARY: its big-endian bytes, as many as its type holds.
fn integral_bytes(array: &ArrayRef) -> ArrayRef {
    let bytes = |i: usize| -> Vec<u8> {
        match array.data_type() {
            DataType::Int8 => array.as_primitive::<Int8Type>().value(i).to_be_bytes().to_vec(),
            DataType::Int16 => array.as_primitive::<Int16Type>().value(i).to_be_bytes().to_vec(),
            DataType::Int32 => array.as_primitive::<Int32Type>().value(i).to_be_bytes().to_vec(),
            _ => array.as_primitive::<Int64Type>().value(i).to_be_bytes().to_vec(),
        }
    };
    Arc::new((0..array.len()).map(|i| array.is_valid(i).then(|| bytes(i))).collect::<arrow::array::BinaryArray>())
}

const MICROS_PER_SECOND: i64 = 1_000_000;

/// Numbers to TIMESTAMP, read as seconds since the epoch as Spark reads
/// them: integers saturated at the range of microseconds, decimals cut to
/// the microsecond toward zero (keeping the low 64 bits, as Java's
/// `BigDecimal.longValue`), floating-point values cut to the microsecond
/// (NaN and infinities are malformed).
fn from_seconds(array: &ArrayRef, target: &DataType, mode: CastMode) -> Result<ArrayRef, SparkError> {
    let micros: Vec<Option<i64>> = match array.data_type() {
        DataType::Float32 | DataType::Float64 => {
            let doubles = arrow_cast(array, &DataType::Float64, CastMode::Ansi)?;
            let doubles = doubles.as_primitive::<Float64Type>();
            let (source, target_name) = (type_name(array.data_type()), type_name(target));
            let malformed = |d: &f64| {
                let value = if d.is_nan() { "NaN" } else if *d > 0.0 { "Infinity" } else { "-Infinity" };
                SparkError::cast_invalid_input(value, &source, &target_name).with_kind(ErrorKind::DateTime)
            };
            let input = |i: usize| doubles.is_valid(i).then(|| doubles.value(i));
            collect_values(doubles.len(), input, mode, |d| d.is_finite().then(|| (d * MICROS_PER_SECOND as f64) as i64), malformed)?
        }
        DataType::Decimal128(_, scale) => {
            let decimals = array.as_primitive::<Decimal128Type>();
            let shift = 6 - i32::from(*scale);
            let to_micros = |v: i128| {
                if shift >= 0 { v.wrapping_mul(10i128.pow(shift as u32)) } else { v / 10i128.pow(shift.unsigned_abs()) }
            };
            decimals.iter().map(|v| v.map(|v| to_micros(v) as i64)).collect()
        }
        _ => {
            let longs = arrow_cast(array, &DataType::Int64, CastMode::Ansi)?;
            longs.as_primitive::<Int64Type>().iter().map(|v| v.map(|v| v.saturating_mul(MICROS_PER_SECOND))).collect()
        }
    };
    let DataType::Timestamp(_, zone) = target else { unreachable!("the target is a timestamp") };
    Ok(Arc::new(TimestampMicrosecondArray::from(micros).with_timezone_opt(zone.clone())))
}

fn arrow_cast(array: &ArrayRef, target: &DataType, mode: CastMode) -> Result<ArrayRef, SparkError> {
    let options = CastOptions { safe: mode != CastMode::Ansi, ..Default::default() };
    cast_with_options(array, target, &options).map_err(|e| SparkError::internal(e.to_string()))
}

/// Builds the result of a cast value by value: `convert` gives the value, or
/// `None` when the input cannot be cast, which `fail` turns into the ANSI error.
fn collect_values<T, I>(
    len: usize,
    mut input: impl FnMut(usize) -> Option<I>,
    mode: CastMode,
    mut convert: impl FnMut(&I) -> Option<T>,
    fail: impl Fn(&I) -> SparkError,
) -> Result<Vec<Option<T>>, SparkError> {
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let Some(value) = input(i) else {
            out.push(None);
            continue;
        };
        let converted = convert(&value);
        if converted.is_none() && mode == CastMode::Ansi {
            return Err(fail(&value));
        }
        out.push(converted);
    }
    Ok(out)
}

fn from_strings(array: &ArrayRef, target: &DataType, mode: CastMode) -> Result<ArrayRef, SparkError> {
    let utf8 = arrow_cast(array, &DataType::Utf8, CastMode::Ansi)?;
    let strings = utf8.as_string::<i32>();
    let input = |i: usize| strings.is_valid(i).then(|| strings.value(i));
    let invalid = |kind: ErrorKind| {
        let target_name = type_name(target);
        move |s: &&str| {
            SparkError::cast_invalid_input(&format!("'{}'", s.replace('\'', "\\'")), "STRING", &target_name).with_kind(kind)
        }
    };
    let len = strings.len();
    let legacy = mode == CastMode::Legacy;
    let result: ArrayRef = match target {
        t if is_integral(t) => {
            let (min, max) = integral_range(t);
            let values = collect_values(
                len,
                input,
                mode,
                |s| parse_integral(s, legacy).filter(|v| (min..=max).contains(v)),
                invalid(ErrorKind::NumberFormat),
            )?;
            return arrow_cast(&(Arc::new(Int64Array::from(values)) as ArrayRef), target, CastMode::Ansi);
        }
        DataType::Float64 => {
            Arc::new(Float64Array::from(collect_values(len, input, mode, |s| parse_double(s), invalid(ErrorKind::NumberFormat))?))
        }
        DataType::Float32 => Arc::new(Float32Array::from(collect_values(
            len,
            input,
            mode,
            |s| parse_double(s).map(|v| v as f32),
            invalid(ErrorKind::NumberFormat),
        )?)),
        DataType::Boolean => {
            Arc::new(BooleanArray::from(collect_values(len, input, mode, |s| parse_boolean(s), invalid(ErrorKind::Runtime))?))
        }
        DataType::Date32 => {
            Arc::new(Date32Array::from(collect_values(len, input, mode, |s| parse_date(s), invalid(ErrorKind::DateTime))?))
        }
        DataType::Time64(_) => {
            let nanos = collect_values(len, input, mode, |s| crate::time::parse_time(s), invalid(ErrorKind::DateTime))?;
            return arrow_cast(&(Arc::new(Time64NanosecondArray::from(nanos)) as ArrayRef), target, CastMode::Ansi);
        }
        DataType::Decimal128(precision, scale) => {
            let mut values = Vec::with_capacity(len);
            for i in 0..len {
                let Some(s) = input(i) else {
                    values.push(None);
                    continue;
                };
                let value = match parse_decimal(s, *scale) {
                    Some(Some(unscaled)) if fits_precision(unscaled, *precision) => Some(unscaled),
                    Some(_) if mode == CastMode::Ansi => {
                        return Err(SparkError::numeric_value_out_of_range(s.trim(), *precision, *scale));
                    }
                    None if mode == CastMode::Ansi => return Err(invalid(ErrorKind::NumberFormat)(&s)),
                    _ => None,
                };
                values.push(value);
            }
            let decimals = Decimal128Array::from(values)
                .with_precision_and_scale(*precision, *scale)
                .map_err(|e| SparkError::internal(e.to_string()))?;
            Arc::new(decimals)
        }
        DataType::Timestamp(TimeUnit::Microsecond, zone) => {
            let session_zone = match zone {
                Some(zone) => Some(Zone::parse(zone).ok_or_else(|| SparkError::internal(format!("unknown time zone {zone}")))?),
                None => None,
            };
            let micros = collect_values(
                len,
                input,
                mode,
                |s| {
                    let text = TimestampText::parse(s)?;
                    match &session_zone {
                        Some(session_zone) => text.instant(session_zone),
                        None => text.wall_clock(),
                    }
                },
                invalid(ErrorKind::DateTime),
            )?;
            Arc::new(TimestampMicrosecondArray::from(micros).with_timezone_opt(zone.clone()))
        }
        _ => {
            // The rest: Arrow's parser, on trimmed text.
            let trimmed: StringArray = strings.iter().map(|s| s.map(trim_spark)).collect();
            let cast = arrow_cast(&(Arc::new(trimmed.clone()) as ArrayRef), target, CastMode::Try)?;
            if mode == CastMode::Ansi {
                if let Some(i) = (0..len).find(|&i| cast.is_null(i) && trimmed.is_valid(i)) {
                    return Err(invalid(ErrorKind::Runtime)(&strings.value(i)));
                }
            }
            cast
        }
    };
    Ok(result)
}

/// Spark trims ASCII control characters and spaces around text it parses.
fn trim_spark(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

fn integral_range(t: &DataType) -> (i64, i64) {
    match t {
        DataType::Int8 => (i8::MIN as i64, i8::MAX as i64),
        DataType::Int16 => (i16::MIN as i64, i16::MAX as i64),
        DataType::Int32 => (i32::MIN as i64, i32::MAX as i64),
        _ => (i64::MIN, i64::MAX),
    }
}

/// Spark's string to integral parsing: an optional sign and digits; the
/// legacy mode also accepts and drops a fractional part.
fn parse_integral(s: &str, allow_fraction: bool) -> Option<i64> {
    let s = trim_spark(s);
    let (negative, digits) = match s.as_bytes().first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    let (whole, fraction) = match digits.split_once('.') {
        Some((w, f)) if allow_fraction => (w, f),
        Some(_) => return None,
        None => (digits, ""),
    };
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut value: i64 = 0;
    for b in whole.bytes() {
        let digit = (b - b'0') as i64;
        value = value.checked_mul(10)?;
        value = if negative { value.checked_sub(digit)? } else { value.checked_add(digit)? };
    }
    Some(value)
}

/// Java's `Double.parseDouble` as Spark uses it, with Spark's names for the
/// special values.
fn parse_double(s: &str) -> Option<f64> {
    let s = trim_spark(s);
    match s.to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => return Some(f64::INFINITY),
        "-inf" | "-infinity" => return Some(f64::NEG_INFINITY),
        "nan" => return Some(f64::NAN),
        _ => {}
    }
    let body = s.strip_suffix(['d', 'D', 'f', 'F']).unwrap_or(s);
    if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) {
        return None;
    }
    body.parse().ok()
}

fn parse_boolean(s: &str) -> Option<bool> {
    match trim_spark(s).to_ascii_lowercase().as_str() {
        "t" | "true" | "y" | "yes" | "1" => Some(true),
        "f" | "false" | "n" | "no" | "0" => Some(false),
        _ => None,
    }
}

/// Spark's `stringToDate`: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, optionally
/// followed by a space or `T` and anything. Days since 1970-01-01.
pub fn parse_date(s: &str) -> Option<i32> {
    let s = trim_spark(s);
    let date_part = s.split([' ', 'T']).next()?;
    let (negative, body) = match date_part.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, date_part.strip_prefix('+').unwrap_or(date_part)),
    };
    let mut fields = body.split('-');
    let year_text = fields.next()?;
    let field = |text: Option<&str>, max_len: usize| -> Option<u32> {
        match text {
            None => Some(1),
            Some(t) if !t.is_empty() && t.len() <= max_len && t.bytes().all(|b| b.is_ascii_digit()) => t.parse().ok(),
            Some(_) => None,
        }
    };
    if year_text.len() < 4 || year_text.len() > 7 || !year_text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let year: i32 = year_text.parse().ok()?;
    let month = field(fields.next(), 2)?;
    let day = field(fields.next(), 2)?;
    if fields.next().is_some() {
        return None;
    }
    let date = chrono::NaiveDate::from_ymd_opt(if negative { -year } else { year }, month, day)?;
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?;
    i32::try_from((date - epoch).num_days()).ok()
}

/// A timestamp without a time zone (`2024-02-29 01:02:03.456`), in
/// microseconds since 1970-01-01 00:00:00.
pub fn parse_timestamp_ntz(s: &str) -> Option<i64> {
    let text: ArrayRef = Arc::new(StringArray::from(vec![trim_spark(s)]));
    let target = DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, None);
    let parsed = cast_with_options(&text, &target, &CastOptions { safe: true, ..Default::default() }).ok()?;
    let micros = parsed.as_primitive::<arrow::datatypes::TimestampMicrosecondType>();
    micros.is_valid(0).then(|| micros.value(0))
}

/// Java's `BigDecimal` text (`-1.5`, `1e2`, `.5`), rounded half-up to `scale`.
/// `None` when malformed; `Some(None)` when too large for 128 bits.
fn parse_decimal(s: &str, scale: i8) -> Option<Option<i128>> {
    let s = trim_spark(s);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(at) => (&s[..at], s[at + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (negative, mantissa) = match mantissa.as_bytes().first()? {
        b'-' => (true, &mantissa[1..]),
        b'+' => (false, &mantissa[1..]),
        _ => (false, mantissa),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits: String = whole.chars().chain(fraction.chars()).collect();
    let digits = digits.trim_start_matches('0');
    // value = digits * 10^(exponent - fraction.len()); unscaled = value * 10^scale
    let shift = exponent as i64 - fraction.len() as i64 + scale as i64;
    let mut unscaled: i128 = 0;
    for b in digits.bytes() {
        let Some(next) = unscaled.checked_mul(10).and_then(|v| v.checked_add((b - b'0') as i128)) else {
            return Some(None);
        };
        unscaled = next;
    }
    let unscaled = if shift >= 0 {
        match u32::try_from(shift).ok().and_then(|e| 10i128.checked_pow(e)).and_then(|p| unscaled.checked_mul(p)) {
            Some(v) => v,
            None if unscaled == 0 => 0,
            None => return Some(None),
        }
    } else {
        match u32::try_from(-shift).ok().and_then(|e| 10i128.checked_pow(e)) {
            Some(divisor) => {
                let (quotient, remainder) = (unscaled / divisor, unscaled % divisor);
                quotient + i128::from(remainder * 2 >= divisor)
            }
            None => 0,
        }
    };
    Some(Some(if negative { -unscaled } else { unscaled }))
}

fn fits_precision(unscaled: i128, precision: u8) -> bool {
    10i128.checked_pow(precision as u32).is_none_or(|limit| unscaled.abs() < limit)
}

/// Numbers to an integral type: truncation toward zero, with Spark's overflow
/// rules (ANSI fails, legacy wraps as Java's narrowing does, TRY gives NULL).
fn to_integral(array: &ArrayRef, target: &DataType, mode: CastMode) -> Result<ArrayRef, SparkError> {
    let (min, max) = integral_range(target);
    let wrap = |v: i128| -> i64 {
        match target {
            DataType::Int8 => v as i8 as i64,
            DataType::Int16 => v as i16 as i64,
            DataType::Int32 => v as i32 as i64,
            _ => v as i64,
        }
    };
    let overflow = |i: usize| {
        SparkError::cast_overflow(&sql_literal(array, i), &type_name(array.data_type()), &type_name(target))
    };
    let mut values: Vec<Option<i64>> = Vec::with_capacity(array.len());
    for i in 0..array.len() {
        if array.is_null(i) {
            values.push(None);
            continue;
        }
        // The truncated value, or None if it is not a finite number.
        let (exact, legacy): (Option<i128>, i64) = match array.data_type() {
            DataType::Float32 | DataType::Float64 => {
                let v = match array.data_type() {
                    DataType::Float32 => array.as_primitive::<Float32Type>().value(i) as f64,
                    _ => array.as_primitive::<Float64Type>().value(i),
                };
                // Java: (long) d and (int) d saturate, smaller types narrow the int.
                let legacy = match target {
                    DataType::Int64 => v as i64,
                    _ => wrap(v as i32 as i128),
                };
                let exact = (v.is_finite() && v.trunc() >= -1.8e19 && v.trunc() <= 1.8e19).then(|| v.trunc() as i128);
                (exact, legacy)
            }
            DataType::Decimal128(_, scale) => {
                let unscaled = array.as_primitive::<Decimal128Type>().value(i);
                let v = match *scale {
                    0.. => Some(unscaled / 10i128.pow(*scale as u32)),
                    _ => 10i128.checked_pow(u32::from(scale.unsigned_abs())).and_then(|p| unscaled.checked_mul(p)),
                };
                (v, v.map_or(0, wrap))
            }
            _ => {
                let v = integral_value(array, i) as i128;
                (Some(v), wrap(v))
            }
        };
        let in_range = exact.filter(|v| (min as i128..=max as i128).contains(v));
        values.push(match (in_range, mode) {
            (Some(v), _) => Some(v as i64),
            (None, CastMode::Ansi) => return Err(overflow(i)),
            (None, CastMode::Legacy) => Some(legacy),
            (None, CastMode::Try) => None,
        });
    }
    arrow_cast(&(Arc::new(Int64Array::from(values)) as ArrayRef), target, CastMode::Ansi)
}

fn integral_value(array: &ArrayRef, i: usize) -> i64 {
    match array.data_type() {
        DataType::Int8 => array.as_primitive::<Int8Type>().value(i) as i64,
        DataType::Int16 => array.as_primitive::<Int16Type>().value(i) as i64,
        DataType::Int32 => array.as_primitive::<Int32Type>().value(i) as i64,
        _ => array.as_primitive::<Int64Type>().value(i),
    }
}

/// A value as a Spark SQL literal (`300`, `300L`, `1.5D`), as error messages show it.
pub(crate) fn sql_literal(array: &ArrayRef, i: usize) -> String {
    let suffix = match array.data_type() {
        DataType::Int8 => "Y",
        DataType::Int16 => "S",
        DataType::Int64 => "L",
        DataType::Float64 => "D",
        DataType::Float32 => "F",
        DataType::Decimal128(..) => "BD",
        _ => "",
    };
    format!("{}{suffix}", value_text(array, i))
}

/// One value as `CAST(value AS STRING)` renders it.
fn value_text(array: &ArrayRef, i: usize) -> String {
    display::cast_strings(array.slice(i, 1).as_ref()).ok().and_then(|mut v| v.pop().flatten()).unwrap_or_default()
}

/// Numbers to a decimal, rounded half-up; values that do not fit fail under
/// ANSI mode and are NULL otherwise.
fn to_decimal(array: &ArrayRef, precision: u8, scale: i8, mode: CastMode) -> Result<ArrayRef, SparkError> {
    let target = DataType::Decimal128(precision, scale);
    let cast = match array.data_type() {
        // Spark takes a DOUBLE's shortest decimal text (1.005, not the binary
        // 1.00499…) and rounds it half up.
        DataType::Float64 => from_strings(&arrow_cast(array, &DataType::Utf8, CastMode::Try)?, &target, CastMode::Try)?,
        // Arrow truncates to a negative scale; Spark rounds half up.
        _ if scale < 0 => from_strings(&arrow_cast(array, &DataType::Utf8, CastMode::Try)?, &target, CastMode::Try)?,
        _ => arrow_cast(array, &target, CastMode::Try)?,
    };
    if mode == CastMode::Ansi {
        if let Some(i) = (0..array.len()).find(|&i| cast.is_null(i) && array.is_valid(i)) {
            return Err(SparkError::numeric_value_out_of_range(&value_text(array, i), precision, scale));
        }
    }
    Ok(cast)
}

/// The `CAST` expression as a DataFusion function.
#[derive(Debug, PartialEq, Eq, Hash)]
struct SparkCast {
    target: DataType,
    /// The units of an ANSI interval `target`, when not the widest.
    target_interval: Option<IntervalFields>,
    mode: CastMode,
    signature: Signature,
}

impl ScalarUDFImpl for SparkCast {
    fn name(&self) -> &str {
        match self.mode {
            CastMode::Try => "try_cast",
            _ => "cast",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(self.target.clone())
    }
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> DfResult<FieldRef> {
        let input = &args.arg_fields[0];
        let nullable = cast_nullable(input.data_type(), &self.target, input.is_nullable(), self.mode);
        let field = Field::new(self.name(), self.target.clone(), nullable);
        Ok(Arc::new(match self.target_interval {
            Some(units) => field.with_metadata(units.metadata()),
            None => field,
        }))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let array = args.args[0].to_array(args.number_rows)?;
        let interval = args.arg_fields.first().and_then(|f| IntervalFields::of(f));
        let cast =
            cast_array_in_units(&array, interval, &self.target, self.target_interval, self.mode).map_err(SparkError::into_datafusion)?;
        Ok(ColumnarValue::Array(cast))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cast_one(value: ArrayRef, target: DataType, mode: CastMode) -> Result<String, String> {
        cast_array(&value, &target, mode)
            .map(|a| display::cast_strings(a.as_ref()).unwrap()[0].clone().unwrap_or_else(|| "NULL".into()))
            .map_err(|e| e.error_class)
    }

    fn text(s: &str) -> ArrayRef {
        Arc::new(StringArray::from(vec![s]))
    }

    #[test]
    fn numbers_to_timestamps_are_seconds() {
        let utc = DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()));
        let micros = |value: ArrayRef, mode: CastMode| {
            cast_array(&value, &utc, mode).map(|a| a.as_primitive::<TimestampMicrosecondType>().iter().collect::<Vec<_>>()).map_err(|e| e.error_class)
        };
        assert_eq!(micros(Arc::new(Int64Array::from(vec![-2, i64::MAX])), CastMode::Ansi), Ok(vec![Some(-2_000_000), Some(i64::MAX)]));
        assert_eq!(micros(Arc::new(Float64Array::from(vec![1.0000005, -1.25])), CastMode::Ansi), Ok(vec![Some(1_000_000), Some(-1_250_000)]));
        let decimals = Decimal128Array::from(vec![1_234_567_891, -25]).with_precision_and_scale(10, 9).unwrap();
        assert_eq!(micros(Arc::new(decimals), CastMode::Ansi), Ok(vec![Some(1_234_567), Some(0)]));
        assert_eq!(micros(Arc::new(Float64Array::from(vec![f64::NAN])), CastMode::Try), Ok(vec![None]));
        assert_eq!(micros(Arc::new(Float64Array::from(vec![f64::INFINITY])), CastMode::Ansi), Err("CAST_INVALID_INPUT".into()));
    }

    #[test]
    fn strings_to_numbers() {
        assert_eq!(cast_one(text(" 42 "), DataType::Int32, CastMode::Ansi), Ok("42".into()));
        assert_eq!(cast_one(text("1.5"), DataType::Int32, CastMode::Ansi), Err("CAST_INVALID_INPUT".into()));
        assert_eq!(cast_one(text("1.5"), DataType::Int32, CastMode::Legacy), Ok("1".into()));
        assert_eq!(cast_one(text("x"), DataType::Int32, CastMode::Try), Ok("NULL".into()));
        assert_eq!(cast_one(text("1e2"), DataType::Decimal128(5, 1), CastMode::Ansi), Ok("100.0".into()));
        assert_eq!(cast_one(text("3.14159"), DataType::Decimal128(4, 2), CastMode::Ansi), Ok("3.14".into()));
        assert_eq!(cast_one(text("2.675"), DataType::Decimal128(4, 2), CastMode::Ansi), Ok("2.68".into()));
        let double = |v: f64| Arc::new(Float64Array::from(vec![v])) as ArrayRef;
        assert_eq!(cast_one(double(1.005), DataType::Decimal128(5, 2), CastMode::Ansi), Ok("1.01".into()));
        assert_eq!(
            cast_one(text("12345"), DataType::Decimal128(4, 2), CastMode::Ansi),
            Err("NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION".into())
        );
        assert_eq!(cast_one(text("-Infinity"), DataType::Float64, CastMode::Ansi), Ok("-Infinity".into()));
    }

    #[test]
    fn strings_to_dates() {
        assert_eq!(cast_one(text("2024-02-29"), DataType::Date32, CastMode::Ansi), Ok("2024-02-29".into()));
        assert_eq!(cast_one(text("2024-3"), DataType::Date32, CastMode::Ansi), Ok("2024-03-01".into()));
        assert_eq!(cast_one(text("2024-02-30"), DataType::Date32, CastMode::Ansi), Err("CAST_INVALID_INPUT".into()));
        assert_eq!(cast_one(text("2024-02-30"), DataType::Date32, CastMode::Legacy), Ok("NULL".into()));
    }

    #[test]
    fn narrowing_overflows_as_spark() {
        let v: ArrayRef = Arc::new(arrow::array::Int32Array::from(vec![300]));
        assert_eq!(cast_one(v.clone(), DataType::Int8, CastMode::Ansi), Err("CAST_OVERFLOW".into()));
        assert_eq!(cast_one(v.clone(), DataType::Int8, CastMode::Legacy), Ok("44".into()));
        assert_eq!(cast_one(v, DataType::Int8, CastMode::Try), Ok("NULL".into()));
        let d: ArrayRef = Arc::new(Float64Array::from(vec![-1.9]));
        assert_eq!(cast_one(d, DataType::Int32, CastMode::Ansi), Ok("-1".into()));
        let nan: ArrayRef = Arc::new(Float64Array::from(vec![f64::NAN]));
        assert_eq!(cast_one(nan.clone(), DataType::Int32, CastMode::Legacy), Ok("0".into()));
        assert_eq!(cast_one(nan, DataType::Int32, CastMode::Ansi), Err("CAST_OVERFLOW".into()));
    }

    #[test]
    fn nullability_follows_spark() {
        assert!(cast_nullable(&DataType::Float64, &DataType::Int32, false, CastMode::Ansi));
        assert!(!cast_nullable(&DataType::Int32, &DataType::Int64, false, CastMode::Ansi));
        assert!(!cast_nullable(&DataType::Float64, &DataType::Utf8, false, CastMode::Ansi));
        assert!(cast_nullable(&DataType::Utf8, &DataType::Int32, false, CastMode::Ansi));
        assert!(!cast_nullable(&DataType::Int32, &DataType::Decimal128(10, 0), false, CastMode::Ansi));
        assert!(cast_nullable(&DataType::Int32, &DataType::Int64, false, CastMode::Try));
    }
}
