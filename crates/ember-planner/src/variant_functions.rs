//! Plans Spark's VARIANT functions: `parse_json`, `try_parse_json`,
//! `is_variant_null`, `is_valid_variant`, `variant_get`,
//! `try_variant_get`, `schema_of_variant`, `schema_of_variant_agg` and the
//! rows of `variant_explode` (`to_json` of a variant is planned with the
//! JSON functions).

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_functions::cast::CastMode;
use ember_functions::variant_edit::{self, Edit};
use ember_functions::{variant, variant_binary, variant_get, variant_schema};

use crate::call_names::call_name;
use crate::error::{Result, SparkError};
use crate::input_types::{cannot_cast, unexpected_input_type};
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

    /// Plans `variant_get(v, path[, type])` and `try_variant_get`: the type
    /// is a literal, the path any string (a literal one is checked here);
    /// `variant_get` fails where the value does not cast, `try_variant_get`
    /// gives NULL there.
    pub(crate) fn plan_variant_get(&self, function: &str, args: &[Expr], names: &[String]) -> Option<Result<(Expr, String)>> {
        if !matches!(function, "variant_get" | "try_variant_get") || !(2..=3).contains(&args.len()) {
            return None;
        }
        Some(self.variant_get(function, args, names))
    }

    /// Plans the functions that change a variant (`variant_set`,
    /// `variant_insert`, `variant_array_append`, their `try_` forms,
    /// `variant_delete`, `variant_strip_nulls`) and `to_variant_object`;
    /// `None` for other names.
    pub(crate) fn plan_variant_edit(&self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan) -> Option<Result<(Expr, String)>> {
        let base = function.strip_prefix("try_").unwrap_or(function);
        let is_try = base.len() != function.len();
        let fits = match base {
            "variant_set" => (3..=4).contains(&args.len()),
            "variant_insert" | "variant_array_append" => args.len() == 3,
            "variant_delete" => args.len() >= 2 && !is_try,
            "variant_strip_nulls" => (1..=2).contains(&args.len()) && !is_try,
            "to_variant_object" => args.len() == 1 && !is_try,
            _ => false,
        };
        fits.then(|| self.variant_edit(function, base, is_try, args, names, input))
    }

    fn variant_edit(&self, function: &str, base: &str, is_try: bool, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<(Expr, String)> {
        let mut names = names.to_vec();
        let path = |i: usize| datafusion::logical_expr::cast(args[i].clone(), DataType::Utf8);
        let expr = match base {
            "to_variant_object" => {
                let t = self.type_of(&args[0], input)?;
                if !matches!(t, DataType::Struct(_) | DataType::Map(..) | DataType::List(_)) || !variant_edit::converts_to_variant(&t, true) {
                    return Err(cannot_cast_to_variant(&call_name(function, &names), &t));
                }
                variant_edit::to_variant_object(args[0].clone())
            }
            "variant_delete" => args[1..].iter().fold(args[0].clone(), |v, p| variant_edit::delete_path(v, datafusion::logical_expr::cast(p.clone(), DataType::Utf8))),
            "variant_strip_nulls" => {
                if args.len() == 1 {
                    names.push("true".to_string());
                }
                let arrays = args.get(1).cloned().unwrap_or(datafusion::logical_expr::lit(true));
                variant_edit::strip_nulls_call(args[0].clone(), datafusion::logical_expr::cast(arrays, DataType::Boolean))
            }
            _ => {
                let edit = match base {
                    "variant_insert" => Edit::Insert,
                    "variant_array_append" => Edit::Append,
                    _ => {
                        let create_missing = match args.get(3) {
                            None => {
                                names.push("true".to_string());
                                true
                            }
                            Some(Expr::Literal(ScalarValue::Boolean(Some(flag)), _)) => *flag,
                            Some(_) => return Err(SparkError::unsupported(format!("{function} with a non-literal createIfMissing"))),
                        };
                        Edit::Set { create_missing }
                    }
                };
                let value = self.as_variant(function, &args[2], &names, input)?;
                let name: &'static str = match base {
                    "variant_insert" => "variant_insert",
                    "variant_array_append" => "variant_array_append",
                    _ => "variant_set",
                };
                variant_edit::edit(name, edit, is_try, args[0].clone(), path(1), value)
            }
        };
        Ok((expr, call_name(function, &names)))
    }

    /// A value given to a variant edit as a variant.
    fn as_variant(&self, function: &str, value: &Expr, names: &[String], input: &LogicalPlan) -> Result<Expr> {
        match self.type_of(value, input)? {
            DataType::Struct(fields) if ember_types::is_variant_fields(&fields) => Ok(value.clone()),
            t if variant_edit::converts_to_variant(&t, false) => Ok(variant_edit::to_variant(value.clone())),
            t => Err(cannot_cast_to_variant(&call_name(function, names), &t)),
        }
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
        let name = format!("{function}({}, {})", names[0], names[1]);
        if let Expr::Literal(ScalarValue::Utf8(Some(path)), _) = &args[1] {
            if variant_binary::parse_path(path).is_none() {
                return Err(variant_get::invalid_path(&names[1], function));
            }
        }
        let target = match args.get(2) {
            None => ember_types::variant_type(),
            Some(Expr::Literal(ScalarValue::Utf8(Some(text)), _)) => {
                ember_types::parse_ddl_type(text, &self.config.time_zone).map_err(crate::error::from_type_error)?
            }
            Some(_) => return Err(SparkError::unsupported(format!("{function} with a non-literal type"))),
        };
        if !variant_get::castable_from_variant(&target) {
            return Err(cannot_cast(&name, &ember_types::variant_type(), &target));
        }
        let function = if function == "try_variant_get" { "try_variant_get" } else { "variant_get" };
        let path = datafusion::logical_expr::cast(args[1].clone(), DataType::Utf8);
        Ok((variant_get::variant_get(function, args[0].clone(), path, target, function == "variant_get"), name))
    }

    /// `CAST(variant AS target)` as `variant_get` at `$` (a string gives its
    /// text, JSON `null` gives NULL); only `TRY_CAST` gives NULL for a value
    /// that does not cast. `None` when `expr` is not a variant or `target`
    /// is VARIANT.
    pub(crate) fn cast_variant(&self, expr: &Expr, target: &DataType, mode: CastMode, name: &str, input: &LogicalPlan) -> Result<Option<Expr>> {
        let is_variant = |t: &DataType| matches!(t, DataType::Struct(fields) if ember_types::is_variant_fields(fields));
        if !is_variant(&self.type_of(expr, input)?) || is_variant(target) {
            return Ok(None);
        }
        if !variant_get::castable_from_variant(target) {
            return Err(cannot_cast(name, &ember_types::variant_type(), target));
        }
        let at_root = datafusion::logical_expr::lit("$");
        Ok(Some(variant_get::variant_get("variant_get", expr.clone(), at_root, target.clone(), mode != CastMode::Try)))
    }
}

impl Planner<'_> {
    /// `CAST(value AS VARIANT)` of a scalar or an array of those (Spark
    /// casts no structs or maps); `None` when `target` is no VARIANT or
    /// `value` is one already.
    pub(crate) fn cast_to_variant(&self, value: &Expr, source: &DataType, target: &DataType, name: &str) -> Result<Option<Expr>> {
        let is_variant = |t: &DataType| matches!(t, DataType::Struct(fields) if ember_types::is_variant_fields(fields));
        if !is_variant(target) || is_variant(source) {
            return Ok(None);
        }
        if !variant_edit::converts_to_variant(source, false) {
            return Err(cannot_cast(name, source, target));
        }
        Ok(Some(variant_edit::to_variant(value.clone())))
    }
}

/// `DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION` for a value of type `t` Spark
/// does not turn into a variant.
fn cannot_cast_to_variant(sql: &str, t: &DataType) -> SparkError {
    cannot_cast(sql, t, &ember_types::variant_type())
}
