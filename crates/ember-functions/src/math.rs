//! Spark's math functions of one DOUBLE where DataFusion's differ: `sqrt` of
//! a negative number is NaN (DataFusion fails), and logarithms of numbers
//! outside their domain are NULL (DataFusion gives NaN or -inf).

use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, Float64Array};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
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
            _ => return None,
        })
    }

    fn apply(self, x: f64) -> Option<f64> {
        match self {
            Self::Sqrt => Some(x.sqrt()),
            Self::Ln => (x > 0.0).then(|| x.ln()),
            Self::Log10 => (x > 0.0).then(|| x.log10()),
            Self::Log2 => (x > 0.0).then(|| x.log2()),
            Self::Log1p => (x > -1.0).then(|| x.ln_1p()),
        }
    }

    /// A call of this function on `arg` (cast to DOUBLE).
    pub fn call(self, arg: Expr) -> Expr {
        let udf = ScalarUDF::new_from_impl(SparkUnaryMath { function: self, signature: Signature::exact(vec![DataType::Float64], Volatility::Immutable) });
        Arc::new(udf).call(vec![datafusion::logical_expr::cast(arg, DataType::Float64)])
    }
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
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        // Only the square root never turns a number into NULL.
        let nullable = self.function != UnaryMath::Sqrt || args.arg_fields.iter().any(|f| f.is_nullable());
        Ok(Arc::new(Field::new(self.name(), DataType::Float64, nullable)))
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
    }
}
