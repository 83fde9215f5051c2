//! Gives a computed ANSI interval the units (fields) Spark types it with
//! (`interval hour`, `interval hour to minute`): a call that returns its
//! argument unchanged, its result field carrying the units in the metadata
//! Ember keeps them in (see [`ember_types::IntervalFields`]).

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_types::IntervalFields;

/// `interval` typed with `fields`.
pub fn with_interval_fields(interval: Expr, fields: IntervalFields) -> Expr {
    let udf = WithIntervalFields { start: fields.start, end: fields.end, signature: Signature::any(1, Volatility::Immutable) };
    ScalarUDF::new_from_impl(udf).call(vec![interval])
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct WithIntervalFields {
    start: u8,
    end: u8,
    signature: Signature,
}

impl ScalarUDFImpl for WithIntervalFields {
    fn name(&self) -> &str {
        "interval_fields"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        Ok(args[0].clone())
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let input = &args.arg_fields[0];
        let fields = IntervalFields { start: self.start, end: self.end };
        Ok(Arc::new(Field::new(self.name(), input.data_type().clone(), input.is_nullable()).with_metadata(fields.metadata())))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        match args.args.into_iter().next() {
            Some(value) => Ok(value),
            None => exec_err!("interval_fields takes one argument"),
        }
    }
}
