//! Spark's `raise_error(message)`: fails the query with
//! `[USER_RAISED_EXCEPTION] message` (a `SparkRuntimeException`) for the first
//! row it is evaluated on. Its type is VOID; `assert_true` is planned as
//! `CASE WHEN condition THEN NULL ELSE raise_error(message) END`.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_errors::{ErrorKind, SparkError};

use crate::display::cast_strings;

/// The `raise_error` function.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct RaiseError {
    signature: Signature,
}

impl RaiseError {
    /// The call `raise_error(message)`. Volatile, so that it is never folded
    /// into a constant error while planning.
    pub fn call(message: Expr) -> Expr {
        ScalarUDF::new_from_impl(RaiseError { signature: Signature::any(1, Volatility::Volatile) }).call(vec![message])
    }
}

/// `[USER_RAISED_EXCEPTION] message`.
pub fn user_raised_exception(message: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Runtime,
        "USER_RAISED_EXCEPTION",
        "P0001",
        message.to_string(),
        &[("errorMessage", message.to_string())],
    )
}

impl ScalarUDFImpl for RaiseError {
    fn name(&self) -> &str {
        "raise_error"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Null)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let messages = args.args[0].to_array(args.number_rows)?;
        if messages.is_empty() {
            return Ok(ColumnarValue::Scalar(ScalarValue::Null));
        }
        let texts = cast_strings(messages.as_ref()).map_err(|e| datafusion::common::DataFusionError::Execution(e.to_string()))?;
        let message = texts.into_iter().next().flatten().unwrap_or_else(|| "null".to_string());
        Err(user_raised_exception(&message).into_datafusion())
    }
}
