//! Plans Spark's VARIANT functions: `parse_json`, `try_parse_json`,
//! `is_variant_null` and `is_valid_variant` (`to_json` of a variant is
//! planned with the JSON functions).

use datafusion::logical_expr::Expr;
use ember_functions::variant;

use crate::call_names::call_name;
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
            _ => return None,
        };
        Some((expr, call_name(function, names)))
    }
}
