//! Spark's math functions of DOUBLEs where DataFusion's differ: `sqrt` of
//! a negative number is NaN (DataFusion fails), logarithms of numbers
//! outside their domain are NULL (DataFusion gives NaN or -inf), and the
//! functions Spark computes with Java's `StrictMath` give its results bit
//! for bit (see [`crate::strict_math`]). Like all of Spark's functions of one
//! DOUBLE, their results are always nullable; `pow`, `atan2` and `hypot` are
//! NULL only for a NULL argument.

use std::ops::Not;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use datafusion::arrow::datatypes::{DataType, Float64Type};
use datafusion::common::{Result, ScalarValue, exec_err};

use crate::kernel_udf::KernelUdf;
use crate::strict_math;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

/// A math function of one DOUBLE.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum UnaryMath {
    /// Square root; NaN below zero.
    Sqrt,
    /// Natural logarithm; NULL at or below zero.
    Ln,
    /// Base-10 logarithm; NULL at or below zero.
    Log10,
    /// Base-2 logarithm; NULL at or below zero.
    Log2,
    /// `ln(1 + x)`; NULL at or below -1.
    Log1p,
    /// `e^x`.
    Exp,
    /// `e^x - 1`.
    Expm1,
    /// Hyperbolic cosine.
    Cosh,
    /// Hyperbolic sine.
    Sinh,
    /// Hyperbolic tangent.
    Tanh,
    /// Cube root.
    Cbrt,
    /// Arc sine; NaN outside [-1, 1].
    Asin,
    /// Arc cosine; NaN outside [-1, 1].
    Acos,
    /// Arc tangent.
    Atan,
    /// Inverse hyperbolic tangent, `(ln(1 + x) - ln(1 - x)) / 2`.
    Atanh,
    /// Inverse hyperbolic sine.
    Asinh,
    /// Inverse hyperbolic cosine; NaN below 1.
    Acosh,
}

impl UnaryMath {
    /// The function of a Spark name, if it is one of these.
    pub fn of(name: &str) -> Option<Self> {
        Some(match name {
            "sqrt" => Self::Sqrt,
            "ln" => Self::Ln,
            "log10" => Self::Log10,
            "log2" => Self::Log2,
            "log1p" => Self::Log1p,
            "exp" => Self::Exp,
            "expm1" => Self::Expm1,
            "cosh" => Self::Cosh,
            "sinh" => Self::Sinh,
            "tanh" => Self::Tanh,
            "cbrt" => Self::Cbrt,
            "asin" => Self::Asin,
            "acos" => Self::Acos,
            "atan" => Self::Atan,
            "atanh" => Self::Atanh,
            "asinh" => Self::Asinh,
            "acosh" => Self::Acosh,
            _ => return None,
        })
    }

    fn apply(self, x: f64) -> Option<f64> {
        match self {
            Self::Sqrt => Some(x.sqrt()),
            // NULL at the domain's edge and beyond; NaN stays NaN.
            Self::Ln => (x <= 0.0).not().then(|| strict_math::log(x)),
            Self::Log10 => (x <= 0.0).not().then(|| strict_math::log10(x)),
            Self::Log2 => (x <= 0.0).not().then(|| strict_math::log(x) / strict_math::log(2.0)),
            Self::Log1p => (x <= -1.0).not().then(|| strict_math::log1p(x)),
            Self::Exp => Some(strict_math::exp(x)),
            Self::Expm1 => Some(strict_math::expm1(x)),
            Self::Cosh => Some(strict_math::cosh(x)),
            Self::Sinh => Some(strict_math::sinh(x)),
            Self::Tanh => Some(strict_math::tanh(x)),
            Self::Cbrt => Some(strict_math::cbrt(x)),
            Self::Asin => Some(strict_math::asin(x)),
            Self::Acos => Some(strict_math::acos(x)),
            Self::Atan => Some(strict_math::atan(x)),
            Self::Atanh => Some(0.5 * (strict_math::log1p(x) - strict_math::log1p(-x))),
            Self::Asinh => Some(asinh(x)),
            Self::Acosh => Some(acosh(x)),
        }
    }

    /// A call of this function on `arg` (cast to DOUBLE).
    pub fn call(self, arg: Expr) -> Expr {
        let udf = ScalarUDF::new_from_impl(SparkUnaryMath { function: self, signature: Signature::exact(vec![DataType::Float64], Volatility::Immutable) });
        Arc::new(udf).call(vec![datafusion::logical_expr::cast(arg, DataType::Float64)])
    }
}

/// 2^28, past which `asinh` and `acosh` are `ln(2|x|)`.
const TWO_28: f64 = 268435456.0;

/// Spark's `asinh`: `ln(|x| + sqrt(x² + 1))` with the sign of `x`, in the
/// form that stays accurate for each range of `|x|` (fdlibm's).
fn asinh(x: f64) -> f64 {
    let a = x.abs();
    let w = if a.is_infinite() || a.is_nan() || a < 1.0 / TWO_28 {
        a
    } else if a > TWO_28 {
        strict_math::log(a) + strict_math::log(2.0)
    } else if a > 2.0 {
        strict_math::log(2.0 * a + 1.0 / ((x * x + 1.0).sqrt() + a))
    } else {
        let t = x * x;
        strict_math::log1p(a + t / (1.0 + (1.0 + t).sqrt()))
    };
    w.copysign(x)
}

/// Spark's `acosh`: `ln(x + sqrt(x² - 1))` in the form that stays accurate
/// for each range of `x` (fdlibm's); NaN below 1.
fn acosh(x: f64) -> f64 {
    if x < 1.0 {
        f64::NAN
    } else if x >= TWO_28 {
        strict_math::log(x) + strict_math::log(2.0)
    } else if x == 1.0 {
        0.0
    } else if x > 2.0 {
        strict_math::log(2.0 * x - 1.0 / (x + (x * x - 1.0).sqrt()))
    } else {
        let t = x - 1.0;
        strict_math::log1p(t + (2.0 * t + t * t).sqrt())
    }
}

/// `pow`/`power(x, y)`, `atan2(y, x)` or `hypot(x, y)` (`function`) of two
/// DOUBLEs, as Java's `StrictMath` computes them; `None` for other names.
pub fn binary_math(function: &str, left: Expr, right: Expr) -> Option<Expr> {
    let function = match function {
        "pow" | "power" => "pow",
        "atan2" => "atan2",
        "hypot" => "hypot",
        _ => return None,
    };
    let double = |e: Expr| datafusion::logical_expr::cast(e, DataType::Float64);
    Some(KernelUdf::call_null_intolerant(function, DataType::Float64, binary_math_kernel, function, vec![double(left), double(right)]))
}

fn binary_math_kernel(args: &[ArrayRef], function: &str) -> Result<ArrayRef> {
    let f: fn(f64, f64) -> f64 = match function {
        "pow" => strict_math::pow,
        // Spark adds 0.0 to both sides, so -0.0 counts as 0.0.
        "atan2" => |y, x| strict_math::atan2(y + 0.0, x + 0.0),
        _ => strict_math::hypot,
    };
    let (left, right) = (args[0].as_primitive::<Float64Type>(), args[1].as_primitive::<Float64Type>());
    let result: Float64Array = left.iter().zip(right.iter()).map(|(x, y)| Some(f(x?, y?))).collect();
    Ok(Arc::new(result))
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct SparkUnaryMath {
    function: UnaryMath,
    signature: Signature,
}

impl ScalarUDFImpl for SparkUnaryMath {
    fn name(&self) -> &str {
        match self.function {
            UnaryMath::Sqrt => "sqrt",
            UnaryMath::Ln => "ln",
            UnaryMath::Log10 => "log10",
            UnaryMath::Log2 => "log2",
            UnaryMath::Log1p => "log1p",
            UnaryMath::Exp => "exp",
            UnaryMath::Expm1 => "expm1",
            UnaryMath::Cosh => "cosh",
            UnaryMath::Sinh => "sinh",
            UnaryMath::Tanh => "tanh",
            UnaryMath::Cbrt => "cbrt",
            UnaryMath::Asin => "asin",
            UnaryMath::Acos => "acos",
            UnaryMath::Atan => "atan",
            UnaryMath::Atanh => "atanh",
            UnaryMath::Asinh => "asinh",
            UnaryMath::Acosh => "acosh",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let [arg] = args.args.as_slice() else {
            return exec_err!("{} takes one argument", self.name());
        };
        let function = self.function;
        Ok(match arg {
            ColumnarValue::Scalar(ScalarValue::Float64(x)) => {
                ColumnarValue::Scalar(ScalarValue::Float64(x.and_then(|x| function.apply(x))))
            }
            ColumnarValue::Array(array) => {
                let values = array.as_primitive::<Float64Type>();
                let result: Float64Array = values.iter().map(|x| x.and_then(|x| function.apply(x))).collect();
                ColumnarValue::Array(Arc::new(result) as Arc<dyn Array>)
            }
            other => return exec_err!("{} of {:?}", self.name(), other.data_type()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_follow_spark() {
        assert!(UnaryMath::Sqrt.apply(-1.0).is_some_and(f64::is_nan));
        assert_eq!(UnaryMath::Ln.apply(0.0), None);
        assert_eq!(UnaryMath::Log1p.apply(-1.0), None);
        assert_eq!(UnaryMath::Log2.apply(8.0), Some(3.0));
        assert!(UnaryMath::Asin.apply(2.0).is_some_and(f64::is_nan));
        assert!(UnaryMath::Ln.apply(f64::NAN).is_some_and(f64::is_nan));
        // Java's StrictMath.exp(1) and cosh(1), one bit above the platform's.
        assert_eq!(UnaryMath::Exp.apply(1.0), Some(2.7182818284590455));
        assert_eq!(UnaryMath::Cosh.apply(1.0), Some(1.543080634815244));
    }
}
