//! A scalar function defined by a plain kernel over its argument arrays:
//! the shared plumbing of Ember's small Spark functions (`bround`, `conv`,
//! `mask`, `months_between`, ...). Scalar arguments arrive as arrays of the
//! batch's length.

use std::sync::Arc;

use datafusion::arrow::array::ArrayRef;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::Result;
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

/// A kernel: the argument arrays and the call's context (a time zone, say) to the result array.
pub type Kernel = fn(&[ArrayRef], &str) -> Result<ArrayRef>;

/// A scalar function computed by a [`Kernel`]; its name identifies the kernel.
#[derive(Debug)]
pub struct KernelUdf {
    name: &'static str,
    return_type: DataType,
    kernel: Kernel,
    context: String,
    /// Whether the result is NULL only for NULL arguments (Spark's "null
    /// intolerant" functions), so non-nullable arguments give a
    /// non-nullable result.
    null_intolerant: bool,
    signature: Signature,
}

impl PartialEq for KernelUdf {
    fn eq(&self, other: &Self) -> bool {
        (self.name, &self.return_type, &self.context, self.null_intolerant, &self.signature)
            == (other.name, &other.return_type, &other.context, other.null_intolerant, &other.signature)
    }
}

impl Eq for KernelUdf {}

impl std::hash::Hash for KernelUdf {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.name, &self.return_type, &self.context).hash(state);
    }
}

impl KernelUdf {
    /// The call `name(args)` returning `return_type`, computed by `kernel`
    /// with `context`; its result is always nullable.
    pub fn call(name: &'static str, return_type: DataType, kernel: Kernel, context: &str, args: Vec<Expr>) -> Expr {
        Self::build(name, return_type, kernel, context, false, args)
    }

    /// As [`KernelUdf::call`], for a function whose result is NULL only
    /// when an argument is.
    pub fn call_null_intolerant(name: &'static str, return_type: DataType, kernel: Kernel, context: &str, args: Vec<Expr>) -> Expr {
        Self::build(name, return_type, kernel, context, true, args)
    }

    fn build(name: &'static str, return_type: DataType, kernel: Kernel, context: &str, null_intolerant: bool, args: Vec<Expr>) -> Expr {
        let signature = Signature::any(args.len(), Volatility::Immutable);
        let udf = KernelUdf { name, return_type, kernel, context: context.to_string(), null_intolerant, signature };
        ScalarUDF::new_from_impl(udf).call(args)
    }
}

impl ScalarUDFImpl for KernelUdf {
    fn name(&self) -> &str {
        self.name
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(self.return_type.clone())
    }
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let nullable = !self.null_intolerant || args.arg_fields.iter().any(|f| f.is_nullable());
        Ok(Arc::new(Field::new(self.name, self.return_type.clone(), nullable)))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let arrays = args.args.iter().map(|a| a.to_array(rows)).collect::<Result<Vec<_>>>()?;
        let result: ArrayRef = (self.kernel)(&arrays, &self.context)?;
        Ok(ColumnarValue::Array(Arc::clone(&result)))
    }
}
