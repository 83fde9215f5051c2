//! Plans Spark's VARIANT functions: `parse_json`, `try_parse_json`,
//! `is_variant_null`, `is_valid_variant`, `variant_get`,
//! `try_variant_get`, `schema_of_variant`, `schema_of_variant_agg` and the
//! rows of `variant_explode` (`to_json` of a variant is planned with the
//! JSON functions).

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_functions::cast::{CastMode, is_integral, spark_cast};
use ember_functions::{variant, variant_binary, variant_schema};

use crate::call_names::call_name;
use crate::error::{ErrorKind, Result, SparkError};
use crate::input_types::unexpected_input_type;
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans `function` if it is one of Spark's VARIANT functions; `None`
    /// for other names.
    pub(crate) fn plan_variant_function(&self, function: &str, args: &[Expr], names: &[String]) -> Option<(Expr, String)> {
        let arg = args.first().cloned();
        let expr = match (function, arg) {
            ("parse_json", Some(text)) if args.len() == 1 => variant::parse_json(text, true),
            ("try_parse_json", Some(text)) if args.len() == 1 => variant::parse_json(text, false),
            ("is_variant_null", Some(v)) if args.len() == 1 => variant::is_variant_null(v),
            ("is_valid_variant", Some(v)) if args.len() == 1 => variant::is_valid_variant(v),
            ("schema_of_variant", Some(v)) if args.len() == 1 => variant_schema::schema_of_variant(v),
            ("schema_of_variant_agg", Some(v)) if args.len() == 1 => variant_schema::SchemaOfVariantAgg::call(v),
            _ => return None,
        };
        Some((expr, call_name(function, names)))
    }

    /// Plans `variant_get(v, path[, type])` and `try_variant_get`: the path
    /// and the type are literals; scalar types are cast from the value's
    /// text (ANSI for `variant_get`, NULL on failure for `try_variant_get`).
    pub(crate) fn plan_variant_get(&self, function: &str, args: &[Expr], names: &[String]) -> Option<Result<(Expr, String)>> {
        if !matches!(function, "variant_get" | "try_variant_get") || !(2..=3).contains(&args.len()) {
            return None;
        }
        Some(self.variant_get(function, args, names))
    }

    /// The rows of `variant_explode`/`variant_explode_outer` of `variant`
    /// (named `name`) for the generator code to inline; other types fail as
    /// in Spark.
    pub(crate) fn variant_explode_rows(&self, function: &str, variant: Expr, name: &str, input: &LogicalPlan) -> Result<Expr> {
        match self.type_of(&variant, input)? {
            DataType::Struct(fields) if ember_types::is_variant_fields(&fields) => Ok(variant::explode_rows(variant)),
            other => Err(unexpected_input_type(&format!("{function}({name})"), 0, "\"VARIANT\"", name, &other)),
        }
    }

    fn variant_get(&self, function: &str, args: &[Expr], names: &[String]) -> Result<(Expr, String)> {
        let literal_text = |e: &Expr| match e {
            Expr::Literal(ScalarValue::Utf8(Some(s)), _) => Some(s.clone()),
            _ => None,
        };
        let name = format!("{function}({}, {})", names[0], names[1]);
        let path = literal_text(&args[1])
            .filter(|p| variant_binary::parse_path(p).is_some())
            .ok_or_else(|| invalid_path(&names[1], function))?;
        let target = match args.get(2) {
            None => ember_types::variant_type(),
            Some(t) => {
                let text = literal_text(t).ok_or_else(|| SparkError::unsupported(format!("{function} with a non-literal type")))?;
                ember_types::parse_ddl_type(&text, &self.config.time_zone).map_err(crate::error::from_type_error)?
            }
        };
        let variant = args[0].clone();
        if matches!(&target, DataType::Struct(fields) if ember_types::is_variant_fields(fields)) {
            return Ok((variant::extract_variant(variant, &path), name));
        }
        let text = variant::extract_text(variant, &path);
        let mode = if function == "try_variant_get" { CastMode::Try } else { CastMode::Ansi };
        let expr = match &target {
            DataType::Utf8 => text,
            t if is_integral(t) => spark_cast(spark_cast(text, DataType::Decimal128(38, 9), mode), target, mode),
            _ => spark_cast(text, target, mode),
        };
        Ok((expr, name))
    }
}

/// `INVALID_VARIANT_GET_PATH` for a path that is not `$` followed by steps.
fn invalid_path(path: &str, function: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Runtime,
        "INVALID_VARIANT_GET_PATH",
        "22023",
        format!("The path `{path}` is not a valid variant extraction path in `{function}`."),
        &[("path", path.to_string()), ("functionName", format!("`{function}`"))],
    )
}
