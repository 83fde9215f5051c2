//! Identity functions that set whether their result is nullable: one keeps
//! plans that may produce NULLs where DataFusion infers a non-nullable column
//! (a scalar subquery over no rows gives NULL) typed as Spark types them; the
//! other marks columns Spark knows are never NULL where DataFusion cannot
//! tell (a time window of a row that has one).

use std::sync::{Arc, LazyLock};

use datafusion::arrow::datatypes::{DataType, FieldRef};
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

#[derive(Debug, PartialEq, Eq, Hash)]
struct AsNullable {
    signature: Signature,
    nullable: bool,
}

impl ScalarUDFImpl for AsNullable {
    fn name(&self) -> &str {
        if self.nullable { "as_nullable" } else { "as_non_nullable" }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(arg_types[0].clone())
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(args.arg_fields[0].as_ref().clone().with_nullable(self.nullable)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Ok(args.args[0].clone())
    }
}

fn identity(nullable: bool) -> Arc<ScalarUDF> {
    Arc::new(ScalarUDF::new_from_impl(AsNullable { signature: Signature::any(1, Volatility::Immutable), nullable }))
}

static AS_NULLABLE: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| identity(true));
static AS_NON_NULLABLE: LazyLock<Arc<ScalarUDF>> = LazyLock::new(|| identity(false));

/// `e`, with a nullable result.
pub(crate) fn as_nullable(e: Expr) -> Expr {
    AS_NULLABLE.call(vec![e])
}

/// `e`, which is never NULL, with a non-nullable result.
pub(crate) fn as_non_nullable(e: Expr) -> Expr {
    AS_NON_NULLABLE.call(vec![e])
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::common::DFSchema;
    use datafusion::logical_expr::{ExprSchemable, lit};

    #[test]
    fn the_result_is_nullable() {
        let schema = DFSchema::empty();
        assert!(!lit(1).nullable(&schema).unwrap());
        assert!(as_nullable(lit(1)).nullable(&schema).unwrap());
        assert!(!as_non_nullable(as_nullable(lit(1))).nullable(&schema).unwrap());
    }
}
