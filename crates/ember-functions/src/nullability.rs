//! Spark's nullability of function results.
//!
//! Most of Spark's functions are "null intolerant": their result is NULL
//! exactly when an argument is, so the result column is nullable only when an
//! argument is. DataFusion marks most function results nullable; this wrapper
//! gives them Spark's nullability without changing what they compute.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, FieldRef};
use datafusion::common::{Result, config::ConfigOptions};
use datafusion::logical_expr::simplify::{ExprSimplifyResult, SimplifyContext};
use datafusion::logical_expr::{ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature};

/// Which arguments make a function's result nullable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NullableWhen {
    /// Any argument is nullable (Spark's null-intolerant functions).
    AnyArgument,
    /// Every argument is nullable (`greatest`, `least`: they skip NULLs).
    AllArguments,
    /// The argument at this position is nullable (`concat_ws`: its
    /// separator, 0; `format_string`: its format, 0; `array_repeat`: its
    /// count, 1).
    Argument(usize),
    /// Never (hashes, `current_date`).
    Never,
    /// Always (Spark's functions of one DOUBLE).
    Always,
}

/// A function with Spark's nullability of its result.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SparkNullability {
    inner: Arc<ScalarUDF>,
    rule: NullableWhen,
}

impl SparkNullability {
    /// `inner` whose result is nullable as `rule` says.
    pub fn wrap(inner: Arc<ScalarUDF>, rule: NullableWhen) -> Arc<ScalarUDF> {
        Arc::new(ScalarUDF::new_from_impl(Self { inner, rule }))
    }
}

impl ScalarUDFImpl for SparkNullability {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn signature(&self) -> &Signature {
        self.inner.signature()
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        self.inner.return_type(arg_types)
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let arg_fields = args.arg_fields;
        let field = self.inner.return_field_from_args(args)?;
        let nullable = match self.rule {
            NullableWhen::AnyArgument => arg_fields.iter().any(|f| f.is_nullable()),
            NullableWhen::AllArguments => arg_fields.iter().all(|f| f.is_nullable()),
            NullableWhen::Argument(position) => arg_fields.get(position).is_some_and(|f| f.is_nullable()),
            NullableWhen::Never => false,
            NullableWhen::Always => true,
        };
        Ok(Arc::new(field.as_ref().clone().with_nullable(nullable)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        self.inner.invoke_with_args(args)
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_types(arg_types)
    }

    /// Functions that DataFusion rewrites into other expressions (it never
    /// invokes them) keep working; the plan's schema was fixed before.
    fn simplify(&self, args: Vec<Expr>, info: &SimplifyContext) -> Result<ExprSimplifyResult> {
        self.inner.simplify(args, info)
    }

    fn with_updated_config(&self, config: &ConfigOptions) -> Option<ScalarUDF> {
        let inner = Arc::new(self.inner.inner().with_updated_config(config)?);
        Some(ScalarUDF::new_from_impl(Self { inner, rule: self.rule }))
    }
}

/// Spark's nullability rule for a function, by its lower-case name, where it
/// differs from "the result may always be NULL".
pub fn spark_nullability(function: &str) -> Option<NullableWhen> {
    const ANY_ARGUMENT: &[&str] = &[
        // collections
        "array_compact", "array_distinct", "array_except", "array_intersect", "array_size", "array_union", "cardinality",
        "map_keys", "reverse", "size",
        // math (Spark's functions of one DOUBLE are always nullable)
        "abs", "array_join", "atan2", "bin", "bit_count", "hex", "hypot", "negative", "pow", "power", "shiftleft", "shiftright",
        "shiftrightunsigned",
        // strings
        "ascii", "base64", "bit_length", "btrim", "char", "char_length", "character_length", "chr", "concat",
        "contains", "crc32", "endswith", "initcap", "instr", "lcase", "left", "len", "length", "levenshtein",
        "locate", "lower", "lpad", "ltrim", "md5", "octet_length", "position", "regexp_count", "repeat", "replace", "right",
        "rpad", "rtrim", "sha", "sha1", "soundex", "split", "startswith", "substr", "substring",
        "substring_index", "translate", "trim", "ucase", "upper",
        // dates
        "add_months", "date_add", "date_diff", "date_from_unix_date", "date_sub", "dateadd", "datediff", "day",
        "dayofmonth", "dayofweek", "dayofyear", "hour", "last_day", "make_date", "minute", "month", "quarter",
        "second", "timestamp_micros", "timestamp_millis", "timestamp_seconds", "unix_date", "unix_micros",
        "unix_millis", "unix_seconds", "weekday", "weekofyear", "year",
    ];
    const NEVER: &[&str] = &["hash", "xxhash64", "pi", "e", "current_date", "now", "uuid"];
    const ALWAYS: &[&str] = &[
        "acos", "acosh", "asin", "asinh", "atan", "atanh", "bround", "cbrt", "ceil", "ceiling", "cos", "cosh", "cot",
        "csc", "degrees", "exp", "expm1", "factorial", "floor", "radians", "rint", "round", "sec", "sign", "signum",
        "sin", "sinh", "tan", "tanh",
    ];
    if ALWAYS.contains(&function) {
        Some(NullableWhen::Always)
    } else if ANY_ARGUMENT.contains(&function) {
        Some(NullableWhen::AnyArgument)
    } else if NEVER.contains(&function) {
        Some(NullableWhen::Never)
    } else if matches!(function, "greatest" | "least") {
        Some(NullableWhen::AllArguments)
    } else if matches!(function, "concat_ws" | "format_string" | "printf") {
        Some(NullableWhen::Argument(0))
    } else if function == "array_repeat" {
        Some(NullableWhen::Argument(1))
    } else {
        None
    }
}
