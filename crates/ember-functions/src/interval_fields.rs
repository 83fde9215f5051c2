//! Gives a computed ANSI interval the units (fields) Spark types it with
//! (`interval hour`, `interval hour to minute`): a call that returns its
//! argument unchanged, its result field carrying the units in the metadata
//! Ember keeps them in (see [`ember_types::IntervalFields`]). The same call
//! types strings with a collation ([`crate::collation::with_collation`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_types::IntervalFields;

/// `interval` typed with `fields`.
pub fn with_interval_fields(interval: Expr, fields: IntervalFields) -> Expr {
    with_type_tags("interval_fields", interval, fields.metadata())
}

/// `expr` unchanged, its result field carrying `tags` (Ember's metadata for what
/// Spark types beside the Arrow type: interval units, a collation) and no other
/// metadata; `name` names the call.
pub fn with_type_tags(name: &'static str, expr: Expr, tags: HashMap<String, String>) -> Expr {
    let udf = WithTypeTags { name, tags: tags.into_iter().collect(), signature: Signature::any(1, Volatility::Immutable) };
    ScalarUDF::new_from_impl(udf).call(vec![expr])
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct WithTypeTags {
    name: &'static str,
    tags: BTreeMap<String, String>,
    signature: Signature,
}

impl ScalarUDFImpl for WithTypeTags {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        Ok(args[0].clone())
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let input = &args.arg_fields[0];
        let tags = self.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        Ok(Arc::new(Field::new(self.name(), input.data_type().clone(), input.is_nullable()).with_metadata(tags)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        match args.args.into_iter().next() {
            Some(value) => Ok(value),
            None => exec_err!("{} takes one argument", self.name),
        }
    }
}
