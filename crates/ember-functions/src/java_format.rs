//! What Java's `Formatter` (Spark's `format_string`/`printf`) does that the
//! `datafusion-spark` kernel does not: `%f` rounds the shortest decimal
//! digits of a double half up (`%.2f` of 0.125 is `0.13`, of 1.005 `1.01`),
//! and the format's specifiers say which argument each conversion takes.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, StringArray};
use datafusion::arrow::datatypes::{DataType, Float64Type};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::{Expr, lit};

use crate::kernel_udf::KernelUdf;

/// One conversion of a format string: the (0-based) value argument it
/// takes, its conversion character, its precision and, for a date/time
/// conversion (`%tY`), the character after the `t`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Specifier {
    pub argument: usize,
    pub conversion: char,
    pub precision: Option<usize>,
    pub date_time: Option<char>,
}

impl Specifier {
    /// The character Java's `IllegalFormatConversionException` names.
    pub fn reported(&self) -> char {
        self.date_time.unwrap_or(self.conversion)
    }
}

/// The conversions of a Java format string that take an argument, as
/// `java.util.Formatter` numbers them (`%2$s` explicitly, `%<s` the previous
/// one's, others in turn); `None` when the format is not one Java reads.
pub fn specifiers(format: &str) -> Option<Vec<Specifier>> {
    let chars: Vec<char> = format.chars().collect();
    let (mut specifiers, mut next, mut previous) = (Vec::new(), 0, None);
    let mut i = 0;
    while i < chars.len() {
        if chars[i] != '%' {
            i += 1;
            continue;
        }
        i += 1;
        let digits = |i: &mut usize| {
            let start = *i;
            while *i < chars.len() && chars[*i].is_ascii_digit() {
                *i += 1;
            }
            chars[start..*i].iter().collect::<String>().parse::<usize>().ok()
        };
        let start = i;
        let mut explicit = digits(&mut i).filter(|_| chars.get(i) == Some(&'$'));
        if explicit.is_some() {
            i += 1;
        } else {
            i = start;
        }
        let mut relative = false;
        while i < chars.len() && "-#+ 0,(<".contains(chars[i]) {
            relative |= chars[i] == '<';
            i += 1;
        }
        digits(&mut i);
        let precision = if chars.get(i) == Some(&'.') {
            i += 1;
            Some(digits(&mut i)?)
        } else {
            None
        };
        let conversion = *chars.get(i)?;
        i += 1;
        if matches!(conversion, '%' | 'n') {
            continue;
        }
        let date_time = match conversion {
            't' | 'T' => {
                i += 1;
                Some(*chars.get(i - 1)?)
            }
            _ => None,
        };
        let argument = if relative {
            previous?
        } else if let Some(index) = explicit.take() {
            index.checked_sub(1)?
        } else {
            next += 1;
            next - 1
        };
        previous = Some(argument);
        specifiers.push(Specifier { argument, conversion, precision, date_time });
    }
    Some(specifiers)
}

/// The Java class of the value Spark hands `Formatter` for a value of
/// `data_type` (a DATE is an `Integer` day number, a TIMESTAMP a `Long`).
pub fn java_class(data_type: &DataType) -> &'static str {
    match data_type {
        DataType::Int8 => "java.lang.Byte",
        DataType::Int16 => "java.lang.Short",
        DataType::Int32 | DataType::Date32 => "java.lang.Integer",
        DataType::Int64 | DataType::Timestamp(..) => "java.lang.Long",
        DataType::Float32 => "java.lang.Float",
        DataType::Float64 => "java.lang.Double",
        DataType::Decimal128(..) | DataType::Decimal256(..) => "org.apache.spark.sql.types.Decimal",
        DataType::Boolean => "java.lang.Boolean",
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => "[B",
        DataType::List(_) | DataType::LargeList(_) => "org.apache.spark.sql.catalyst.util.GenericArrayData",
        DataType::Map(..) => "org.apache.spark.sql.catalyst.util.ArrayBasedMapData",
        DataType::Struct(_) => "org.apache.spark.sql.catalyst.expressions.GenericInternalRow",
        _ => "org.apache.spark.unsafe.types.UTF8String",
    }
}

/// Whether Java's conversion `conversion` takes a value of `data_type` (as
/// Spark hands it over); NULL takes any.
pub fn takes(conversion: char, data_type: &DataType) -> bool {
    let class = java_class(data_type);
    let integral = matches!(class, "java.lang.Byte" | "java.lang.Short" | "java.lang.Integer" | "java.lang.Long");
    match conversion.to_ascii_lowercase() {
        _ if *data_type == DataType::Null => true,
        'd' | 'o' | 'x' => integral,
        'c' => matches!(class, "java.lang.Byte" | "java.lang.Short" | "java.lang.Integer"),
        'e' | 'f' | 'g' | 'a' => matches!(class, "java.lang.Float" | "java.lang.Double"),
        't' => class == "java.lang.Long",
        _ => true,
    }
}

/// Java's `Double.toString`, which Spark uses for names and text.
pub fn java_double_string(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_string();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    java_digits(format!("{v}"), format!("{v:e}"), v.abs())
}

/// Java's `Float.toString` (the shortest digits of the float itself).
pub fn java_float_string(v: f32) -> String {
    if !v.is_finite() || v == 0.0 {
        return java_double_string(f64::from(v));
    }
    java_digits(format!("{v}"), format!("{v:e}"), f64::from(v.abs()))
}

/// A finite non-zero number's shortest digits as Java writes them: plain
/// from 10^-3 up to 10^7, else computerized scientific (`1.0E10`).
fn java_digits(plain: String, scientific: String, abs: f64) -> String {
    if (1e-3..1e7).contains(&abs) {
        return if plain.contains('.') { plain } else { format!("{plain}.0") };
    }
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let mantissa = if mantissa.contains('.') { mantissa.to_string() } else { format!("{mantissa}.0") };
    format!("{mantissa}E{exponent}")
}

/// `value` as `%s` prints the internal object Spark holds for it: an array
/// or a struct as `[a,b]`, a map as `keys: [k], values: [v]`, a binary as a
/// Java byte array (`[B@…`, its identity in Spark), and within them a date
/// as its day number, a timestamp as its microseconds, NULL as `null`.
pub fn internal_text(value: Expr) -> Expr {
    KernelUdf::call_null_intolerant("java_internal_text", DataType::Utf8, internal_text_kernel, "", vec![value])
}

fn internal_text_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let values = &args[0];
    let texts = (0..values.len())
        .map(|row| if values.is_null(row) { Ok(None) } else { Ok(Some(internal_value_text(&ScalarValue::try_from_array(values, row)?)?)) })
        .collect::<Result<StringArray>>()?;
    Ok(Arc::new(texts))
}

fn internal_value_text(value: &ScalarValue) -> Result<String> {
    let joined = |values: &dyn Array| -> Result<String> {
        let texts = (0..values.len()).map(|i| internal_value_text(&ScalarValue::try_from_array(values, i)?)).collect::<Result<Vec<_>>>()?;
        Ok(format!("[{}]", texts.join(",")))
    };
    Ok(match value {
        v if v.is_null() => "null".to_string(),
        ScalarValue::Float64(Some(v)) => java_double_string(*v),
        ScalarValue::Float32(Some(v)) => java_float_string(*v),
        ScalarValue::Date32(Some(days)) => days.to_string(),
        ScalarValue::TimestampMicrosecond(Some(micros), _) => micros.to_string(),
        ScalarValue::Binary(Some(bytes)) | ScalarValue::BinaryView(Some(bytes)) | ScalarValue::LargeBinary(Some(bytes)) => {
            format!("[B@{:x}", crate::hash::hash_bytes(bytes, 42))
        }
        ScalarValue::List(list) => joined(list.value(0).as_ref())?,
        ScalarValue::Map(map) => {
            let entries = map.value(0);
            format!("keys: {}, values: {}", joined(entries.column(0).as_ref())?, joined(entries.column(1).as_ref())?)
        }
        ScalarValue::Struct(row) => {
            let fields = row.columns().iter().map(|column| internal_value_text(&ScalarValue::try_from_array(column, 0)?)).collect::<Result<Vec<_>>>()?;
            format!("[{}]", fields.join(","))
        }
        other => other.to_string(),
    })
}

/// `value` where Java's `Formatter` fails on it: NULL when it is NULL, and
/// otherwise the query fails with Java's `IllegalFormatConversionException`
/// (an `IllegalArgumentException`, `message` such as `d != java.lang.Double`).
pub fn conversion_mismatch(value: Expr, message: &str) -> Expr {
    KernelUdf::call("java_conversion_mismatch", DataType::Int64, conversion_mismatch_kernel, message, vec![value])
}

fn conversion_mismatch_kernel(args: &[ArrayRef], message: &str) -> Result<ArrayRef> {
    if args[0].null_count() < args[0].len() {
        let error = ember_errors::SparkError::new(ember_errors::ErrorKind::IllegalArgument, "", "", message.to_string(), &[]);
        return Err(error.into_datafusion());
    }
    Ok(datafusion::arrow::array::new_null_array(&DataType::Int64, args[0].len()))
}

/// `value` (a DOUBLE) rounded as Java's `%.{precision}f` rounds it: its
/// shortest decimal digits, half up.
pub fn half_up(value: Expr, precision: usize) -> Expr {
    let digits = i32::try_from(precision).unwrap_or(i32::MAX);
    KernelUdf::call_null_intolerant("java_half_up", DataType::Float64, half_up_kernel, "", vec![value, lit(digits)])
}

fn half_up_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let values = args[0].as_primitive::<Float64Type>();
    let precisions = args[1].as_primitive::<datafusion::arrow::datatypes::Int32Type>();
    let rounded: Float64Array = values
        .iter()
        .zip(precisions.iter())
        .map(|(value, precision)| Some(round_half_up(value?, usize::try_from(precision?).ok()?)))
        .collect();
    Ok(Arc::new(rounded))
}

/// `value` rounded half up to `precision` decimals of its shortest digits.
pub fn round_half_up(value: f64, precision: usize) -> f64 {
    if !value.is_finite() || value == 0.0 {
        return value;
    }
    // The shortest digits that read back as `value`, and where the point goes.
    let scientific = format!("{:e}", value.abs());
    let Some((mantissa, exponent)) = scientific.split_once('e') else { return value };
    let Ok(exponent) = exponent.parse::<i64>() else { return value };
    let digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).map(|d| d - b'0').collect();
    let kept = exponent + 1 + precision as i64;
    if kept >= digits.len() as i64 {
        return value;
    }
    let mut kept_digits: Vec<u8> = digits[..kept.max(0) as usize].to_vec();
    let round_up = kept >= 0 && digits[kept as usize] >= 5;
    let mut point = exponent + 1;
    if round_up {
        let mut carry = true;
        for digit in kept_digits.iter_mut().rev() {
            if *digit == 9 {
                *digit = 0;
            } else {
                *digit += 1;
                carry = false;
                break;
            }
        }
        if carry {
            kept_digits.insert(0, 1);
            point += 1;
        }
    }
    if kept_digits.is_empty() {
        return 0.0_f64.copysign(value);
    }
    let text: String = kept_digits.iter().map(|d| char::from(b'0' + d)).collect();
    let magnitude = format!("0.{text}e{point}").parse::<f64>().unwrap_or(value.abs());
    magnitude.copysign(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_round_half_up_on_their_shortest_digits() {
        // Java: %.2f of 0.125 is 0.13, of 1.005 1.01; %.1f of 0.25 is 0.3; %.0f of 2.5 is 3.
        assert_eq!(round_half_up(0.125, 2), 0.13);
        assert_eq!(round_half_up(1.005, 2), 1.01);
        assert_eq!(round_half_up(0.25, 1), 0.3);
        assert_eq!(round_half_up(2.5, 0), 3.0);
        assert_eq!(round_half_up(-2.5, 0), -3.0);
        assert_eq!(round_half_up(9.996, 2), 10.0);
        assert_eq!(round_half_up(0.0004, 3), 0.0);
        assert_eq!(round_half_up(0.0005, 3), 0.001);
        assert_eq!(round_half_up(3.14159, 3), 3.142);
    }

    #[test]
    fn specifiers_number_their_arguments_as_java() {
        let conversions = |format: &str| specifiers(format).unwrap().iter().map(|s| (s.argument, s.conversion, s.precision)).collect::<Vec<_>>();
        assert_eq!(conversions("Hello %d %s"), vec![(0, 'd', None), (1, 's', None)]);
        assert_eq!(conversions("%2$s %1$.3f %<s %% %n %s"), vec![(1, 's', None), (0, 'f', Some(3)), (0, 's', None), (0, 's', None)]);
        assert_eq!(conversions("%-08.2f|%tY"), vec![(0, 'f', Some(2)), (1, 't', None)]);
        assert_eq!(specifiers("%"), None);
        assert_eq!(specifiers("%tY").unwrap()[0].reported(), 'Y');
    }

    #[test]
    fn conversions_take_the_values_java_takes() {
        assert!(takes('d', &DataType::Int64) && takes('x', &DataType::Date32) && takes('s', &DataType::Boolean));
        assert!(!takes('d', &DataType::Float64) && !takes('f', &DataType::Int32) && !takes('t', &DataType::Date32));
        assert!(takes('f', &DataType::Null));
        assert_eq!(java_class(&DataType::Utf8), "org.apache.spark.unsafe.types.UTF8String");
    }
}
