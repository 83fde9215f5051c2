//! Spark's binary arithmetic where DataFusion's differs: integral overflow
//! fails under ANSI mode with Spark's error classes, and decimal operands get
//! Spark's result types (bounded to 38 digits as with
//! `spark.sql.decimalOperations.allowPrecisionLoss`), HALF_UP rounding and
//! overflow handling.

use std::ops::RangeInclusive;
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, Decimal128Array};
use arrow::compute::kernels::numeric;
use arrow::datatypes::{
    ArrowPrimitiveType, DataType, Decimal128Type, Field, FieldRef, Int8Type, Int16Type, i256,
};
use arrow::error::ArrowError;
use datafusion::common::Result as DfResult;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use ember_errors::{ErrorKind, SparkError};

/// Spark's widest decimal precision.
const MAX_PRECISION: u8 = 38;
/// The smallest scale a bounded decimal result keeps (`MINIMUM_ADJUSTED_SCALE`).
const MINIMUM_ADJUSTED_SCALE: i8 = 6;

/// A binary arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithmeticOp {
    Add,
    Subtract,
    Multiply,
    Divide,
    Remainder,
}

impl ArithmeticOp {
    /// The operator as Spark writes it.
    pub fn symbol(self) -> &'static str {
        match self {
            Self::Add => "+",
            Self::Subtract => "-",
            Self::Multiply => "*",
            Self::Divide => "/",
            Self::Remainder => "%",
        }
    }

    /// The `try_` function that tolerates this operator's overflow.
    fn try_function(self) -> &'static str {
        match self {
            Self::Add => "try_add",
            Self::Subtract => "try_subtract",
            Self::Multiply => "try_multiply",
            Self::Divide => "try_divide",
            Self::Remainder => "try_mod",
        }
    }
}

/// Spark's result type of `op` on `DECIMAL(p1, s1)` and `DECIMAL(p2, s2)`.
pub fn decimal_result_type(op: ArithmeticOp, (p1, s1): (u8, i8), (p2, s2): (u8, i8)) -> DataType {
    let (p1, s1, p2, s2) = (i32::from(p1), i32::from(s1), i32::from(p2), i32::from(s2));
    let (precision, scale) = match op {
        ArithmeticOp::Add | ArithmeticOp::Subtract => {
            let scale = s1.max(s2);
            ((p1 - s1).max(p2 - s2) + scale + 1, scale)
        }
        ArithmeticOp::Multiply => (p1 + p2 + 1, s1 + s2),
        ArithmeticOp::Divide => {
            let scale = i32::from(MINIMUM_ADJUSTED_SCALE).max(s1 + p2 + 1);
            (p1 - s1 + s2 + scale, scale)
        }
        ArithmeticOp::Remainder => {
            let scale = s1.max(s2);
            ((p1 - s1).min(p2 - s2) + scale, scale)
        }
    };
    let (precision, scale) = bounded_precision_scale(precision, scale);
    DataType::Decimal128(precision, scale)
}

/// Spark's `DecimalType.adjustPrecisionScale`: a result wider than 38 digits
/// keeps its integral digits and gives up scale, down to 6 digits.
fn bounded_precision_scale(precision: i32, scale: i32) -> (u8, i8) {
    let max = i32::from(MAX_PRECISION);
    if precision <= max {
        return (precision as u8, scale as i8);
    }
    if scale < 0 {
        return (MAX_PRECISION, scale.max(-max) as i8);
    }
    let integral_digits = precision - scale;
    let min_scale = scale.min(i32::from(MINIMUM_ADJUSTED_SCALE));
    (MAX_PRECISION, (max - integral_digits).max(min_scale) as i8)
}

/// The decimal type Spark gives an integral operand of decimal arithmetic;
/// an integral literal gets just the digits it has (`DecimalType.fromLiteral`).
pub fn integral_as_decimal(data_type: &DataType, literal_digits: Option<u8>) -> Option<DataType> {
    let precision = match data_type {
        DataType::Int8 => 3,
        DataType::Int16 => 5,
        DataType::Int32 => 10,
        DataType::Int64 => 20,
        _ => return None,
    };
    Some(DataType::Decimal128(literal_digits.map_or(precision, |d| d.clamp(1, precision)), 0))
}

/// A call of Spark's `op` on two operands that already have Spark's operand
/// types: both the same integral type, or both decimals. `return_type` is
/// the integral type or the [`decimal_result_type`].
pub fn spark_arithmetic(op: ArithmeticOp, ansi: bool, return_type: DataType, left: Expr, right: Expr) -> Expr {
    ScalarUDF::new_from_impl(SparkArithmetic { op, ansi, return_type, signature: Signature::any(2, Volatility::Immutable) })
        .call(vec![left, right])
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct SparkArithmetic {
    op: ArithmeticOp,
    ansi: bool,
    return_type: DataType,
    signature: Signature,
}

impl ScalarUDFImpl for SparkArithmetic {
    fn name(&self) -> &str {
        match self.op {
            ArithmeticOp::Add => "spark_add",
            ArithmeticOp::Subtract => "spark_subtract",
            ArithmeticOp::Multiply => "spark_multiply",
            ArithmeticOp::Divide => "spark_divide",
            ArithmeticOp::Remainder => "spark_remainder",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> DfResult<DataType> {
        Ok(self.return_type.clone())
    }
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> DfResult<FieldRef> {
        // Division and remainder give NULL for a zero divisor without ANSI
        // mode, and decimal overflow gives NULL then: Spark marks them nullable.
        let may_be_null = matches!(self.op, ArithmeticOp::Divide | ArithmeticOp::Remainder)
            || (!self.ansi && matches!(self.return_type, DataType::Decimal128(..)));
        let nullable = may_be_null || args.arg_fields.iter().any(|f| f.is_nullable());
        Ok(Arc::new(Field::new(self.name(), self.return_type.clone(), nullable)))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let left = args.args[0].to_array(args.number_rows)?;
        let right = args.args[1].to_array(args.number_rows)?;
        let result = match self.return_type {
            DataType::Decimal128(precision, scale) => {
                decimal_arithmetic(self.op, self.ansi, &left, &right, precision, scale)
            }
            _ => integral_arithmetic(self.op, &left, &right),
        };
        Ok(ColumnarValue::Array(result.map_err(SparkError::into_datafusion)?))
    }
}

/// `+`, `-` and `*` of two arrays of one integral type under ANSI mode.
fn integral_arithmetic(op: ArithmeticOp, left: &ArrayRef, right: &ArrayRef) -> Result<ArrayRef, SparkError> {
    let checked = match op {
        ArithmeticOp::Add => numeric::add(left, right),
        ArithmeticOp::Subtract => numeric::sub(left, right),
        ArithmeticOp::Multiply => numeric::mul(left, right),
        ArithmeticOp::Divide | ArithmeticOp::Remainder => {
            return Err(SparkError::internal("integral division is planned elsewhere"));
        }
    };
    match checked {
        Ok(result) => Ok(result),
        Err(ArrowError::ArithmeticOverflow(_)) => Err(match left.data_type() {
            DataType::Int8 => narrow_overflow::<Int8Type>(op, left, right, i8::MIN.into()..=i8::MAX.into()),
            DataType::Int16 => narrow_overflow::<Int16Type>(op, left, right, i16::MIN.into()..=i16::MAX.into()),
            _ => arithmetic_overflow(op),
        }),
        Err(other) => Err(SparkError::internal(other.to_string())),
    }
}

/// `[ARITHMETIC_OVERFLOW]` of an INT or BIGINT operation.
fn arithmetic_overflow(op: ArithmeticOp) -> SparkError {
    let alternative = format!(" Use '{}' to tolerate overflow and return NULL instead.", op.try_function());
    SparkError::new(
        ErrorKind::Arithmetic,
        "ARITHMETIC_OVERFLOW",
        "22003",
        format!("overflow.{alternative} If necessary set \"spark.sql.ansi.enabled\" to \"false\" to bypass this error."),
        &[
            ("message", "overflow".to_string()),
            ("alternative", alternative),
            ("config", "\"spark.sql.ansi.enabled\"".to_string()),
        ],
    )
}

/// `[BINARY_ARITHMETIC_OVERFLOW]` of a TINYINT or SMALLINT operation, naming
/// the first pair of values that overflows (Spark shows both as SMALLINT).
fn narrow_overflow<T>(op: ArithmeticOp, left: &ArrayRef, right: &ArrayRef, range: RangeInclusive<i64>) -> SparkError
where
    T: ArrowPrimitiveType,
    T::Native: Into<i64>,
{
    let (left, right) = (left.as_primitive::<T>(), right.as_primitive::<T>());
    let overflowing = (0..left.len()).find(|&i| {
        if left.is_null(i) || right.is_null(i) {
            return false;
        }
        let (a, b): (i64, i64) = (left.value(i).into(), right.value(i).into());
        let exact = match op {
            ArithmeticOp::Add => a + b,
            ArithmeticOp::Subtract => a - b,
            _ => a * b,
        };
        !range.contains(&exact)
    });
    let Some(i) = overflowing else { return arithmetic_overflow(op) };
    let (a, b): (i64, i64) = (left.value(i).into(), right.value(i).into());
    let (symbol, function) = (op.symbol(), op.try_function());
    SparkError::new(
        ErrorKind::Arithmetic,
        "BINARY_ARITHMETIC_OVERFLOW",
        "22003",
        format!("{a}S {symbol} {b}S caused overflow. Use `{function}` to ignore overflow problem and return NULL."),
        &[
            ("value1", format!("{a}S")),
            ("symbol", symbol.to_string()),
            ("value2", format!("{b}S")),
            ("functionName", format!("`{function}`")),
        ],
    )
}

/// Decimal `op` of two Decimal128 arrays into `DECIMAL(precision, scale)`.
fn decimal_arithmetic(
    op: ArithmeticOp,
    ansi: bool,
    left: &ArrayRef,
    right: &ArrayRef,
    precision: u8,
    scale: i8,
) -> Result<ArrayRef, SparkError> {
    let decimal_scale = |a: &ArrayRef| match a.data_type() {
        DataType::Decimal128(_, s) => Ok(*s),
        other => Err(SparkError::internal(format!("decimal arithmetic on {other}"))),
    };
    let (s1, s2) = (decimal_scale(left)?, decimal_scale(right)?);
    let (left, right) = (left.as_primitive::<Decimal128Type>(), right.as_primitive::<Decimal128Type>());
    let limit = pow10(u32::from(precision)).expect("10^38 fits i256");
    let fast = ExactI128::plan(op, s1, s2, scale);
    let fast_limit = 10i128.pow(u32::from(precision));
    let mut values = Vec::with_capacity(left.len());
    for i in 0..left.len() {
        if left.is_null(i) || right.is_null(i) {
            values.push(None);
            continue;
        }
        if let Some(v) = fast.and_then(|f| f.apply(left.value(i), right.value(i))).filter(|v| v.abs() < fast_limit) {
            values.push(Some(v));
            continue;
        }
        let (a, b) = (i256::from_i128(left.value(i)), i256::from_i128(right.value(i)));
        let exact = match op {
            ArithmeticOp::Add | ArithmeticOp::Subtract => {
                let common = s1.max(s2);
                let (a, b) = (rescale(a, s1, common), rescale(b, s2, common));
                let sum = match (a, b) {
                    (Some(a), Some(b)) if op == ArithmeticOp::Add => a.checked_add(b),
                    (Some(a), Some(b)) => a.checked_sub(b),
                    _ => None,
                };
                sum.and_then(|v| rescale(v, common, scale))
            }
            ArithmeticOp::Multiply => a.checked_mul(b).and_then(|v| rescale(v, s1 + s2, scale)),
            ArithmeticOp::Divide | ArithmeticOp::Remainder if b == i256::ZERO => {
                if ansi {
                    return Err(if op == ArithmeticOp::Divide {
                        SparkError::divide_by_zero()
                    } else {
                        SparkError::remainder_by_zero()
                    });
                }
                values.push(None);
                continue;
            }
            // a / 10^s1 ÷ b / 10^s2, to `scale` digits: a·10^(scale+s2-s1) ÷ b.
            ArithmeticOp::Divide => {
                let shift = i32::from(scale) + i32::from(s2) - i32::from(s1);
                if shift >= 0 {
                    divide_half_up(a, shift as u32, b)
                } else {
                    pow10(shift.unsigned_abs()).and_then(|p| b.checked_mul(p)).map_or(Some(i256::ZERO), |b| {
                        divide_half_up(a, 0, b)
                    })
                }
            }
            ArithmeticOp::Remainder => {
                let common = s1.max(s2);
                match (rescale(a, s1, common), rescale(b, s2, common)) {
                    (Some(a), Some(b)) => a.checked_rem(b).and_then(|v| rescale(v, common, scale)),
                    _ => None,
                }
            }
        };
        match exact {
            Some(v) if v > -limit && v < limit => values.push(Some(v.as_i128())),
            overflowing if ansi => {
                let value = overflowing.map_or_else(|| "overflow".to_string(), |v| render_decimal(v, scale));
                return Err(SparkError::numeric_value_out_of_range(&value, precision, scale));
            }
            _ => values.push(None),
        }
    }
    let array = Decimal128Array::from(values)
        .with_precision_and_scale(precision, scale)
        .map_err(|e| SparkError::internal(e.to_string()))?;
    Ok(Arc::new(array) as ArrayRef)
}

/// Addition, subtraction and multiplication whose result scale needs no
/// rounding, done in `i128` with checked operations. Rows where it overflows
/// `i128` or the result precision take the exact `i256` path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExactI128 {
    /// `a * left + b * right` (`right` negative for subtraction).
    Sum { left: i128, right: i128 },
    Product,
}

impl ExactI128 {
    /// The fast form of `op` on scales `s1`, `s2` giving `scale`, if any.
    fn plan(op: ArithmeticOp, s1: i8, s2: i8, scale: i8) -> Option<Self> {
        let factor = |from: i8| 10i128.checked_pow(u32::try_from(i32::from(scale) - i32::from(from)).ok()?);
        match op {
            ArithmeticOp::Add | ArithmeticOp::Subtract if scale == s1.max(s2) => {
                let right = factor(s2)?;
                let right = if op == ArithmeticOp::Add { right } else { -right };
                Some(ExactI128::Sum { left: factor(s1)?, right })
            }
            ArithmeticOp::Multiply if i32::from(scale) == i32::from(s1) + i32::from(s2) => Some(ExactI128::Product),
            _ => None,
        }
    }

    fn apply(self, a: i128, b: i128) -> Option<i128> {
        match self {
            ExactI128::Sum { left, right } => a.checked_mul(left)?.checked_add(b.checked_mul(right)?),
            ExactI128::Product => a.checked_mul(b),
        }
    }
}

fn pow10(exponent: u32) -> Option<i256> {
    i256::from_i128(10).checked_pow(exponent)
}

/// `value` at scale `from` expressed at scale `to`, rounding HALF_UP.
fn rescale(value: i256, from: i8, to: i8) -> Option<i256> {
    let shift = i32::from(to) - i32::from(from);
    if shift >= 0 {
        value.checked_mul(pow10(shift as u32)?)
    } else {
        match pow10(shift.unsigned_abs()) {
            Some(divisor) => divide_half_up(value, 0, divisor),
            None => Some(i256::ZERO),
        }
    }
}

/// `dividend · 10^shift ÷ divisor`, rounded HALF_UP, without overflowing the
/// intermediate product: the digits are produced in chunks of long division.
fn divide_half_up(dividend: i256, shift: u32, divisor: i256) -> Option<i256> {
    const CHUNK: u32 = 38;
    let negative = dividend.is_negative() != divisor.is_negative();
    let (dividend, divisor) = (dividend.checked_abs()?, divisor.checked_abs()?);
    let mut quotient = dividend.checked_div(divisor)?;
    let mut remainder = dividend.checked_rem(divisor)?;
    let mut left = shift;
    while left > 0 {
        let step = left.min(CHUNK);
        let scale = pow10(step)?;
        let widened = remainder.checked_mul(scale)?;
        quotient = quotient.checked_mul(scale)?.checked_add(widened.checked_div(divisor)?)?;
        remainder = widened.checked_rem(divisor)?;
        left -= step;
    }
    if remainder.checked_mul(i256::from_i128(2))? >= divisor {
        quotient = quotient.checked_add(i256::ONE)?;
    }
    Some(if negative { quotient.checked_neg()? } else { quotient })
}

/// Spark's `div` of two decimals: their exact quotient truncated to a
/// BIGINT (`1 div 1.5` is 0). A zero divisor fails under ANSI mode
/// (`DIVIDE_BY_ZERO`) and gives NULL otherwise; so does a quotient beyond
/// BIGINT (`ARITHMETIC_OVERFLOW`), which wraps without ANSI mode as Java's
/// `longValue` does.
pub fn decimal_integral_divide(ansi: bool, left: Expr, right: Expr) -> Expr {
    let context = if ansi { "ansi" } else { "" };
    crate::kernel_udf::KernelUdf::call("spark_decimal_div", DataType::Int64, decimal_div_kernel, context, vec![left, right])
}

fn decimal_div_kernel(args: &[ArrayRef], context: &str) -> DfResult<ArrayRef> {
    let ansi = context == "ansi";
    let scale_of = |a: &ArrayRef| match a.data_type() {
        DataType::Decimal128(_, s) => Ok(*s),
        other => Err(SparkError::internal(format!("decimal div of {other}")).into_datafusion()),
    };
    let (s1, s2) = (scale_of(&args[0])?, scale_of(&args[1])?);
    let (left, right) = (args[0].as_primitive::<Decimal128Type>(), args[1].as_primitive::<Decimal128Type>());
    // a / 10^s1 ÷ b / 10^s2 = a·10^s2 ÷ b·10^s1.
    let widen = |v: i128, shift: i8| pow10(u32::try_from(shift.max(0)).unwrap_or(0)).and_then(|p| i256::from_i128(v).checked_mul(p));
    let mut values = Vec::with_capacity(left.len());
    for i in 0..left.len() {
        if left.is_null(i) || right.is_null(i) {
            values.push(None);
            continue;
        }
        if right.value(i) == 0 {
            if ansi {
                return Err(SparkError::divide_by_zero().into_datafusion());
            }
            values.push(None);
            continue;
        }
        let quotient = match (widen(left.value(i), s2 - s1.min(s2)), widen(right.value(i), s1 - s2.min(s1))) {
            (Some(a), Some(b)) => a.checked_div(b),
            _ => None,
        };
        match quotient.and_then(|q| q.to_i128()).map(|q| (q, i64::try_from(q))) {
            Some((_, Ok(q))) => values.push(Some(q)),
            Some((q, Err(_))) if !ansi => values.push(Some(q as i64)),
            _ => return Err(arithmetic_overflow(ArithmeticOp::Divide).into_datafusion()),
        }
    }
    Ok(Arc::new(arrow::array::Int64Array::from(values)))
}

/// An unscaled value as a decimal number with `scale` fraction digits.
fn render_decimal(value: i256, scale: i8) -> String {
    let digits = value.wrapping_abs().to_string();
    let sign = if value.is_negative() { "-" } else { "" };
    let scale = usize::try_from(scale).unwrap_or(0);
    if scale == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = scale + 1);
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    format!("{sign}{whole}.{fraction}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int32Array;

    fn decimals(values: &[i128], precision: u8, scale: i8) -> ArrayRef {
        Arc::new(Decimal128Array::from(values.to_vec()).with_precision_and_scale(precision, scale).unwrap())
    }

    fn rendered(array: &ArrayRef) -> Vec<String> {
        let DataType::Decimal128(_, scale) = array.data_type() else { panic!("not decimal") };
        let array = array.as_primitive::<Decimal128Type>();
        (0..array.len())
            .map(|i| if array.is_null(i) { "NULL".into() } else { render_decimal(i256::from_i128(array.value(i)), *scale) })
            .collect()
    }

    #[test]
    fn exact_i128_forms() {
        use ArithmeticOp::*;
        assert_eq!(ExactI128::plan(Add, 2, 3, 3), Some(ExactI128::Sum { left: 10, right: 1 }));
        assert_eq!(ExactI128::plan(Subtract, 2, 2, 2), Some(ExactI128::Sum { left: 1, right: -1 }));
        assert_eq!(ExactI128::plan(Multiply, 2, 4, 6), Some(ExactI128::Product));
        assert_eq!(ExactI128::plan(Multiply, 10, 10, 6), None, "rounds");
        assert_eq!(ExactI128::plan(Divide, 2, 2, 6), None);
        assert_eq!(ExactI128::Sum { left: 10, right: -1 }.apply(125, 5), Some(1245));
        assert_eq!(ExactI128::Product.apply(i128::MAX, 2), None);
    }

    #[test]
    fn fast_and_exact_paths_agree_at_the_edges() {
        // (38, 6) * (38, 0): 10^37 * 20 overflows i128 and takes the i256 path (then
        // the precision: NULL without ANSI); 10^36 * 2 fits.
        let big = decimals(&[10i128.pow(37), 10i128.pow(36), 3, -7], 38, 6);
        let two = decimals(&[20, 2, 4, 5], 38, 0);
        let out = decimal_arithmetic(ArithmeticOp::Multiply, false, &big, &two, 38, 6).unwrap();
        assert_eq!(rendered(&out), ["NULL", "2000000000000000000000000000000.000000", "0.000012", "-0.000035"]);
        let sum = decimal_arithmetic(ArithmeticOp::Subtract, true, &decimals(&[150], 3, 2), &decimals(&[5], 2, 1), 4, 2);
        assert_eq!(rendered(&sum.unwrap()), ["1.00"]);
    }

    #[test]
    fn result_types_follow_spark() {
        use ArithmeticOp::*;
        assert_eq!(decimal_result_type(Add, (4, 2), (5, 3)), DataType::Decimal128(6, 3));
        assert_eq!(decimal_result_type(Multiply, (4, 2), (1, 0)), DataType::Decimal128(6, 2));
        assert_eq!(decimal_result_type(Divide, (4, 2), (4, 2)), DataType::Decimal128(11, 7));
        assert_eq!(decimal_result_type(Divide, (38, 10), (38, 10)), DataType::Decimal128(38, 6));
        assert_eq!(decimal_result_type(Multiply, (38, 10), (38, 10)), DataType::Decimal128(38, 6));
        assert_eq!(decimal_result_type(Remainder, (10, 3), (10, 3)), DataType::Decimal128(10, 3));
        assert_eq!(integral_as_decimal(&DataType::Int32, Some(1)), Some(DataType::Decimal128(1, 0)));
        assert_eq!(integral_as_decimal(&DataType::Int64, None), Some(DataType::Decimal128(20, 0)));
    }

    #[test]
    fn division_rounds_half_up_away_from_zero() {
        let a = decimals(&[-10, 20, -20, 10], 5, 1);
        let b = decimals(&[3, 3, 3, 3], 1, 0);
        let result = decimal_arithmetic(ArithmeticOp::Divide, true, &a, &b, 10, 6).unwrap();
        assert_eq!(rendered(&result), ["-0.333333", "0.666667", "-0.666667", "0.333333"]);
    }

    #[test]
    fn decimal_overflow_fails_under_ansi_and_is_null_otherwise() {
        let max = decimals(&[10i128.pow(38) - 1], 38, 0);
        let one = decimals(&[1], 1, 0);
        let err = decimal_arithmetic(ArithmeticOp::Add, true, &max, &one, 38, 0).unwrap_err();
        assert_eq!(err.error_class, "NUMERIC_VALUE_OUT_OF_RANGE.WITH_SUGGESTION");
        assert!(err.message.starts_with("100000000000000000000000000000000000000 cannot"), "{}", err.message);
        let result = decimal_arithmetic(ArithmeticOp::Add, false, &max, &one, 38, 0).unwrap();
        assert_eq!(rendered(&result), ["NULL"]);
    }

    #[test]
    fn integral_overflow_names_spark_error() {
        let a: ArrayRef = Arc::new(Int32Array::from(vec![i32::MAX]));
        let b: ArrayRef = Arc::new(Int32Array::from(vec![1]));
        let err = integral_arithmetic(ArithmeticOp::Add, &a, &b).unwrap_err();
        assert_eq!(err.error_class, "ARITHMETIC_OVERFLOW");
        let a: ArrayRef = Arc::new(arrow::array::Int8Array::from(vec![1, 100]));
        let err = integral_arithmetic(ArithmeticOp::Add, &a, &a).unwrap_err();
        assert_eq!(err.error_class, "BINARY_ARITHMETIC_OVERFLOW");
        assert!(err.message.starts_with("100S + 100S caused overflow"), "{}", err.message);
    }
}
