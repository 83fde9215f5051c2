//! Spark's sketch functions (`kll_*`, `theta_*`, `tuple_*`): argument checks,
//! literal parameters and Spark's column names (which spell out omitted
//! defaults), planned onto `ember_functions::sketches`.

use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_functions::kernel_udf::{Kernel, KernelUdf};
use ember_functions::sketches::kll::{self, KllAggregate, KllItemType};
use ember_functions::sketches::theta::{self, SetOperation, ThetaAggregate};
use ember_functions::sketches::tuple::{self, SummaryMode, SummaryType, TupleAggregate};
use ember_functions::sketches::{SketchAggregate, SketchKind};

use crate::call_names::call_name;
use crate::error::{ErrorKind, Result, SparkError};
use crate::input_types::unexpected_input_type;
use crate::plan::Planner;

/// A literal integer argument.
pub(crate) fn literal_int(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::Literal(ScalarValue::Int8(Some(v)), _) => Some(i64::from(*v)),
        Expr::Literal(ScalarValue::Int16(Some(v)), _) => Some(i64::from(*v)),
        Expr::Literal(ScalarValue::Int32(Some(v)), _) => Some(i64::from(*v)),
        Expr::Literal(ScalarValue::Int64(Some(v)), _) => Some(*v),
        _ => None,
    }
}

/// A literal string argument.
fn literal_str(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Literal(ScalarValue::Utf8(Some(v)) | ScalarValue::LargeUtf8(Some(v)) | ScalarValue::Utf8View(Some(v)), _) => {
            Some(v)
        }
        _ => None,
    }
}

/// A function's argument names with the omitted trailing defaults spelled out, as Spark names the call.
fn named_with_defaults(function: &str, names: &[String], defaults: &[&str]) -> String {
    let mut all = names.to_vec();
    let given = names.len();
    let total = given.max(defaults.len() + 1);
    for default in defaults.iter().skip(given.saturating_sub(1)).take(total - given) {
        all.push(default.to_string());
    }
    call_name(function, &all)
}

/// Spark's check failure with a hint: a parameter outside what the function accepts.
fn type_check_failure(sql_expr: &str, class: &str, state: &str, message: String) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.TYPE_CHECK_FAILURE_WITH_HINT",
        "42K09",
        format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: [{class}] {message} SQLSTATE: {state}."),
        &[("sqlExpr", format!("\"{sql_expr}\"")), ("msg", format!("[{class}] {message} SQLSTATE: {state}")), ("hint", String::new())],
    )
}

/// Spark's `SKETCH_INVALID_LG_NOM_ENTRIES`.
fn invalid_lg_nom_entries(function: &str, value: i64) -> SparkError {
    SparkError::new(
        ErrorKind::Runtime,
        "SKETCH_INVALID_LG_NOM_ENTRIES",
        "22003",
        format!("Invalid call to `{function}`; the `lgNomEntries` value must be between 4 and 26, inclusive: {value}."),
        &[("function", format!("`{function}`")), ("min", "4".into()), ("max", "26".into()), ("value", value.to_string())],
    )
}

pub(crate) fn not_a_literal(function: &str, parameter: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
        "42K09",
        format!("Cannot resolve \"{function}\" due to data type mismatch: the input `{parameter}` should be a foldable constant."),
        &[("sqlExpr", format!("\"{function}\"")), ("inputName", format!("`{parameter}`"))],
    )
}

pub(crate) fn is_binary(t: &DataType) -> bool {
    matches!(t, DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::Null)
}

impl Planner<'_> {
    /// Plans `function` (lower case) if it is a sketch function; `None` leaves it to the others.
    pub(crate) fn plan_sketch_function(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let Some(static_name) = SKETCH_FUNCTIONS.iter().find(|f| **f == function).copied() else {
            return Ok(None);
        };
        let types = args.iter().map(|a| self.type_of(a, input)).collect::<Result<Vec<_>>>()?;
        if function.starts_with("kll_") {
            return self.plan_kll(static_name, args, names, &types).map(Some);
        }
        if function.starts_with("theta_") {
            return self.plan_theta(static_name, args, names, &types).map(Some);
        }
        self.plan_tuple(static_name, args, names, &types).map(Some)
    }

    fn plan_kll(&mut self, function: &'static str, args: &[Expr], names: &[String], types: &[DataType]) -> Result<(Expr, String)> {
        let suffix = function.rsplit('_').next().unwrap_or_default();
        let item = KllItemType::from_suffix(suffix).ok_or_else(|| crate::functions::wrong_args(function, args.len(), "1"))?;
        let name = call_name(function, names);
        let arity = |range: std::ops::RangeInclusive<usize>| {
            if range.contains(&args.len()) { Ok(()) } else { Err(crate::functions::wrong_args(function, args.len(), &range.end().to_string())) }
        };
        let sketch_arg = |i: usize| {
            if is_binary(&types[i]) { Ok(()) } else { Err(unexpected_input_type(&name, i, "\"BINARY\"", &names[i], &types[i])) }
        };
        let kernels: [Kernel; 5] = match item {
            KllItemType::Bigint => [kll::get_n::<kll::Bigint>, kll::get_quantile::<kll::Bigint>, kll::get_rank::<kll::Bigint>, kll::merge::<kll::Bigint>, kll::to_string::<kll::Bigint>],
            KllItemType::Float => [kll::get_n::<kll::Float>, kll::get_quantile::<kll::Float>, kll::get_rank::<kll::Float>, kll::merge::<kll::Float>, kll::to_string::<kll::Float>],
            KllItemType::Double => [kll::get_n::<kll::Double>, kll::get_quantile::<kll::Double>, kll::get_rank::<kll::Double>, kll::merge::<kll::Double>, kll::to_string::<kll::Double>],
        };
        let [get_n, get_quantile, get_rank, merge, to_string] = kernels;
        let scalar = |kernel: Kernel, return_type: DataType| Ok((KernelUdf::call_null_intolerant(function, return_type, kernel, function, args.to_vec()), name.clone()));
        let list_or = |t: DataType, list: bool| if list { DataType::List(std::sync::Arc::new(Field::new_list_field(t, false))) } else { t };
        let is_list = |i: usize| matches!(types.get(i), Some(DataType::List(_)));
        if function.starts_with("kll_sketch_agg_") || function.starts_with("kll_merge_agg_") {
            arity(1..=2)?;
            let merge = function.starts_with("kll_merge_agg_");
            if merge {
                sketch_arg(0)?;
            } else {
                let accepted = match item {
                    KllItemType::Bigint => types[0].is_integer(),
                    KllItemType::Float => types[0] == DataType::Float32,
                    KllItemType::Double => matches!(types[0], DataType::Float32 | DataType::Float64),
                };
                if !accepted && types[0] != DataType::Null {
                    let required = match item {
                        KllItemType::Bigint => "(\"TINYINT\" or \"INT\" or \"BIGINT\" or \"SMALLINT\")",
                        KllItemType::Float => "\"FLOAT\"",
                        KllItemType::Double => "(\"FLOAT\" or \"DOUBLE\")",
                    };
                    return Err(unexpected_input_type(&name, 0, required, &names[0], &types[0]));
                }
            }
            let k = match args.get(1) {
                None => i64::from(kll::DEFAULT_K),
                Some(k) => literal_int(k).ok_or_else(|| not_a_literal(&name, "k"))?,
            };
            if !kll::valid_k(k) {
                let message = format!("For function `{function}`, the k parameter must be between 8 and 65535 (inclusive), but got {k}.");
                return Err(type_check_failure(&name, "KLL_SKETCH_K_OUT_OF_RANGE", "22003", message));
            }
            let kind = SketchKind::Kll(KllAggregate { item, k: k as u16, merge });
            return Ok((SketchAggregate::call(function, kind, vec![args[0].clone()]), name));
        }
        let operation = function.trim_start_matches("kll_sketch_").trim_end_matches(suffix).trim_end_matches('_');
        match operation {
            "get_n" => {
                arity(1..=1)?;
                sketch_arg(0)?;
                scalar(get_n, DataType::Int64)
            }
            "to_string" => {
                arity(1..=1)?;
                sketch_arg(0)?;
                scalar(to_string, DataType::Utf8)
            }
            "merge" => {
                arity(2..=2)?;
                sketch_arg(0)?;
                sketch_arg(1)?;
                scalar(merge, DataType::Binary)
            }
            "get_quantile" => {
                arity(2..=2)?;
                sketch_arg(0)?;
                scalar(get_quantile, list_or(item.data_type(), is_list(1)))
            }
            _ => {
                arity(2..=2)?;
                sketch_arg(0)?;
                scalar(get_rank, list_or(DataType::Float64, is_list(1)))
            }
        }
    }

    fn lg_nom_entries(&self, function: &str, name: &str, arg: Option<&Expr>) -> Result<u8> {
        let lg = match arg {
            None => i64::from(theta::DEFAULT_LG_NOM_ENTRIES),
            Some(lg) => literal_int(lg).ok_or_else(|| not_a_literal(name, "lgNomEntries"))?,
        };
        if theta::valid_lg_nom_entries(lg) { Ok(lg as u8) } else { Err(invalid_lg_nom_entries(function, lg)) }
    }

    fn plan_theta(&mut self, function: &'static str, args: &[Expr], names: &[String], types: &[DataType]) -> Result<(Expr, String)> {
        let (expected, defaults): (std::ops::RangeInclusive<usize>, &[&str]) = match function {
            "theta_sketch_agg" | "theta_union_agg" => (1..=2, &["12"]),
            "theta_union" => (2..=3, &["", "12"]),
            "theta_intersection" | "theta_difference" => (2..=2, &[""]),
            _ => (1..=1, &[]),
        };
        if !expected.contains(&args.len()) {
            return Err(crate::functions::wrong_args(function, args.len(), &expected.end().to_string()));
        }
        let name = named_with_defaults(function, names, defaults);
        let sketches = if function == "theta_sketch_agg" { 1..1 } else { 0..expected.start().to_owned() };
        for i in sketches {
            if !is_binary(&types[i]) {
                return Err(unexpected_input_type(&name, i, "\"BINARY\"", &names[i], &types[i]));
            }
        }
        let aggregate = |operation: SetOperation, lg_nom_entries: u8| {
            let kind = SketchKind::Theta(ThetaAggregate { operation, lg_nom_entries });
            SketchAggregate::call(function, kind, vec![args[0].clone()])
        };
        let expr = match function {
            "theta_sketch_agg" => {
                if !ember_functions::sketches::is_key_type(&types[0]) {
                    let required = "(\"ARRAY<INT>\" or \"ARRAY<BIGINT>\" or \"BINARY\" or \"DOUBLE\" or \"FLOAT\" or \"INT\" or \"BIGINT\" or \"STRING\")";
                    return Err(unexpected_input_type(&name, 0, required, &names[0], &types[0]));
                }
                aggregate(SetOperation::Build, self.lg_nom_entries(function, &name, args.get(1))?)
            }
            "theta_union_agg" => aggregate(SetOperation::Union, self.lg_nom_entries(function, &name, args.get(1))?),
            "theta_intersection_agg" => aggregate(SetOperation::Intersection, theta::DEFAULT_LG_NOM_ENTRIES),
            "theta_union" => {
                let lg = self.lg_nom_entries(function, &name, args.get(2))?;
                KernelUdf::call_null_intolerant(function, DataType::Binary, theta::union, &lg.to_string(), args[..2].to_vec())
            }
            "theta_intersection" => KernelUdf::call_null_intolerant(function, DataType::Binary, theta::intersection, "", args.to_vec()),
            "theta_difference" => KernelUdf::call_null_intolerant(function, DataType::Binary, theta::difference, "", args.to_vec()),
            _ => KernelUdf::call_null_intolerant(function, DataType::Int64, theta::estimate, "", args.to_vec()),
        };
        Ok((expr, name))
    }

    fn plan_tuple(&mut self, function: &'static str, args: &[Expr], names: &[String], types: &[DataType]) -> Result<(Expr, String)> {
        let (stem, suffix) = function.rsplit_once('_').unwrap_or((function, ""));
        let summary = SummaryType::from_suffix(suffix).ok_or_else(|| crate::functions::wrong_args(function, args.len(), "1"))?;
        let theta_input = stem != "tuple_sketch_theta" && stem.ends_with("_theta");
        let stem = if theta_input { stem.trim_end_matches("_theta") } else { stem };
        // (argument count range, defaults after the first argument, index of lgNomEntries, index of mode)
        let (expected, defaults, lg_at, mode_at): (std::ops::RangeInclusive<usize>, &[&str], Option<usize>, Option<usize>) = match stem {
            "tuple_sketch_agg" => (2..=4, &["", "12", "sum"], Some(2), Some(3)),
            "tuple_union_agg" => (1..=3, &["12", "sum"], Some(1), Some(2)),
            "tuple_intersection_agg" => (1..=2, &["sum"], None, Some(1)),
            "tuple_union" => (2..=4, &["", "12", "sum"], Some(2), Some(3)),
            "tuple_intersection" => (2..=3, &["", "sum"], None, Some(2)),
            "tuple_difference" => (2..=2, &[""], None, None),
            "tuple_sketch_summary" => (1..=2, &["sum"], None, Some(1)),
            _ => (1..=1, &[], None, None),
        };
        if !expected.contains(&args.len()) {
            return Err(crate::functions::wrong_args(function, args.len(), &expected.end().to_string()));
        }
        let name = named_with_defaults(function, names, defaults);
        let lg = match lg_at {
            Some(i) => self.lg_nom_entries(function, &name, args.get(i))?,
            None => theta::DEFAULT_LG_NOM_ENTRIES,
        };
        let mode = match mode_at.and_then(|i| args.get(i)) {
            None => SummaryMode::Sum,
            Some(mode) => {
                let text = literal_str(mode).ok_or_else(|| not_a_literal(&name, "mode"))?;
                SummaryMode::parse(text).ok_or_else(|| {
                    let message = format!("Invalid call to `{function}`: mode '{text}' is not supported. Valid modes are: sum, min, max, alwaysone.");
                    type_check_failure(&name, "TUPLE_INVALID_SKETCH_MODE", "22023", message)
                })?
            }
        };
        let sketch_count = match stem {
            "tuple_sketch_agg" => 0,
            "tuple_union" | "tuple_intersection" | "tuple_difference" => 2,
            _ => 1,
        };
        for i in 0..sketch_count {
            if !is_binary(&types[i]) {
                return Err(unexpected_input_type(&name, i, "\"BINARY\"", &names[i], &types[i]));
            }
        }
        let aggregate = |operation: SetOperation, columns: usize| {
            let kind = SketchKind::Tuple(TupleAggregate { summary, operation, lg_nom_entries: lg, mode });
            SketchAggregate::call(function, kind, args[..columns].to_vec())
        };
        let integer = summary == SummaryType::Integer;
        let pick = |int_kernel: Kernel, double_kernel: Kernel| if integer { int_kernel } else { double_kernel };
        let set_call = |kernel: Kernel| {
            let context = tuple::set_context(function, theta_input, lg, mode);
            KernelUdf::call_null_intolerant(function, DataType::Binary, kernel, &context, args[..2].to_vec())
        };
        let expr = match stem {
            "tuple_sketch_agg" => {
                if !ember_functions::sketches::is_key_type(&types[0]) {
                    let required = "(\"ARRAY<INT>\" or \"ARRAY<BIGINT>\" or \"BINARY\" or \"DOUBLE\" or \"FLOAT\" or \"INT\" or \"BIGINT\" or \"STRING\")";
                    return Err(unexpected_input_type(&name, 0, required, &names[0], &types[0]));
                }
                if !(types[1].is_numeric() || types[1] == DataType::Null) {
                    let required = if integer { "\"INT\"" } else { "\"DOUBLE\"" };
                    return Err(unexpected_input_type(&name, 1, required, &names[1], &types[1]));
                }
                aggregate(SetOperation::Build, 2)
            }
            "tuple_union_agg" => aggregate(SetOperation::Union, 1),
            "tuple_intersection_agg" => aggregate(SetOperation::Intersection, 1),
            "tuple_union" => set_call(pick(tuple::union::<i32>, tuple::union::<f64>)),
            "tuple_intersection" => set_call(pick(tuple::intersection::<i32>, tuple::intersection::<f64>)),
            "tuple_difference" => set_call(pick(tuple::difference::<i32>, tuple::difference::<f64>)),
            "tuple_sketch_summary" => {
                let context = format!("{function};{}", mode.name());
                KernelUdf::call_null_intolerant(function, summary.total_type(), pick(tuple::summary::<i32>, tuple::summary::<f64>), &context, args[..1].to_vec())
            }
            "tuple_sketch_theta" => KernelUdf::call_null_intolerant(function, DataType::Float64, pick(tuple::theta::<i32>, tuple::theta::<f64>), function, args.to_vec()),
            _ => KernelUdf::call_null_intolerant(function, DataType::Float64, pick(tuple::estimate::<i32>, tuple::estimate::<f64>), function, args.to_vec()),
        };
        Ok((expr, name))
    }
}

/// Every sketch function Ember plans, by Spark's name.
const SKETCH_FUNCTIONS: &[&str] = &[
    "kll_sketch_agg_bigint",
    "kll_sketch_agg_float",
    "kll_sketch_agg_double",
    "kll_merge_agg_bigint",
    "kll_merge_agg_float",
    "kll_merge_agg_double",
    "kll_sketch_get_n_bigint",
    "kll_sketch_get_n_float",
    "kll_sketch_get_n_double",
    "kll_sketch_get_quantile_bigint",
    "kll_sketch_get_quantile_float",
    "kll_sketch_get_quantile_double",
    "kll_sketch_get_rank_bigint",
    "kll_sketch_get_rank_float",
    "kll_sketch_get_rank_double",
    "kll_sketch_merge_bigint",
    "kll_sketch_merge_float",
    "kll_sketch_merge_double",
    "kll_sketch_to_string_bigint",
    "kll_sketch_to_string_float",
    "kll_sketch_to_string_double",
    "theta_sketch_agg",
    "theta_union_agg",
    "theta_intersection_agg",
    "theta_union",
    "theta_intersection",
    "theta_difference",
    "theta_sketch_estimate",
    "tuple_sketch_agg_double",
    "tuple_sketch_agg_integer",
    "tuple_union_agg_double",
    "tuple_union_agg_integer",
    "tuple_intersection_agg_double",
    "tuple_intersection_agg_integer",
    "tuple_union_double",
    "tuple_union_integer",
    "tuple_union_theta_double",
    "tuple_union_theta_integer",
    "tuple_intersection_double",
    "tuple_intersection_integer",
    "tuple_intersection_theta_double",
    "tuple_intersection_theta_integer",
    "tuple_difference_double",
    "tuple_difference_integer",
    "tuple_difference_theta_double",
    "tuple_difference_theta_integer",
    "tuple_sketch_estimate_double",
    "tuple_sketch_estimate_integer",
    "tuple_sketch_summary_double",
    "tuple_sketch_summary_integer",
    "tuple_sketch_theta_double",
    "tuple_sketch_theta_integer",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omitted_defaults_are_named() {
        let names = vec!["k".to_string(), "v".to_string()];
        assert_eq!(named_with_defaults("tuple_sketch_agg_double", &names, &["", "12", "sum"]), "tuple_sketch_agg_double(k, v, 12, sum)");
        let names = vec!["t".to_string(), "th".to_string(), "10".to_string()];
        assert_eq!(named_with_defaults("tuple_union_theta_double", &names, &["", "12", "sum"]), "tuple_union_theta_double(t, th, 10, sum)");
        assert_eq!(named_with_defaults("theta_sketch_agg", &names[..1], &["12"]), "theta_sketch_agg(t, 12)");
        assert_eq!(named_with_defaults("theta_sketch_estimate", &names[..1], &[]), "theta_sketch_estimate(t)");
    }
}
