//! Physical expressions as Spark prints them: `(id#0L > 5)`,
//! `isnotnull(name#1)`, `cast(id#0L as int)`, `sum(id#0L)`.

use datafusion::common::ScalarValue;
use datafusion::logical_expr::Operator;
use datafusion::physical_expr::expressions::{
    BinaryExpr, CaseExpr, CastExpr, Column, InListExpr, IsNotNullExpr, IsNullExpr, LikeExpr, Literal, NegativeExpr, NotExpr,
    TryCastExpr,
};
use datafusion::physical_expr::{PhysicalExpr, PhysicalSortExpr, ScalarFunctionExpr};
use datafusion::physical_plan::udaf::AggregateFunctionExpr;

/// `expr` as Spark prints it; `inputs` are the references to the columns
/// of the operator's input, by index.
pub fn text(expr: &dyn PhysicalExpr, inputs: &[String]) -> String {
    let any = expr;
    let each = |exprs: &[std::sync::Arc<dyn PhysicalExpr>]| exprs.iter().map(|e| text(e.as_ref(), inputs)).collect::<Vec<_>>();
    if let Some(column) = any.downcast_ref::<Column>() {
        return inputs.get(column.index()).cloned().unwrap_or_else(|| column.name().to_string());
    }
    if let Some(literal) = any.downcast_ref::<Literal>() {
        return literal_text(literal.value());
    }
    if let Some(binary) = any.downcast_ref::<BinaryExpr>() {
        let right = crate::short_circuit::guarded_side(binary).unwrap_or(binary.right());
        let (left, right) = (text(binary.left().as_ref(), inputs), text(right.as_ref(), inputs));
        return match binary.op() {
            Operator::NotEq => format!("NOT ({left} = {right})"),
            Operator::IsNotDistinctFrom => format!("({left} <=> {right})"),
            Operator::IsDistinctFrom => format!("NOT ({left} <=> {right})"),
            Operator::Eq => format!("({left} = {right})"),
            Operator::StringConcat => format!("concat({left}, {right})"),
            op => format!("({left} {op} {right})"),
        };
    }
    if let Some(is_not_null) = any.downcast_ref::<IsNotNullExpr>() {
        return format!("isnotnull({})", text(is_not_null.arg().as_ref(), inputs));
    }
    if let Some(is_null) = any.downcast_ref::<IsNullExpr>() {
        return format!("isnull({})", text(is_null.arg().as_ref(), inputs));
    }
    if let Some(not) = any.downcast_ref::<NotExpr>() {
        return format!("NOT {}", text(not.arg().as_ref(), inputs));
    }
    if let Some(negative) = any.downcast_ref::<NegativeExpr>() {
        return format!("-{}", text(negative.arg().as_ref(), inputs));
    }
    if let Some(cast) = any.downcast_ref::<CastExpr>() {
        return format!("cast({} as {})", text(cast.expr().as_ref(), inputs), ember_types::simple_string(cast.cast_type()));
    }
    if let Some(cast) = any.downcast_ref::<TryCastExpr>() {
        return format!("try_cast({} as {})", text(cast.expr().as_ref(), inputs), ember_types::simple_string(cast.cast_type()));
    }
    if let Some(in_list) = any.downcast_ref::<InListExpr>() {
        let found = format!("{} IN ({})", text(in_list.expr().as_ref(), inputs), each(in_list.list()).join(","));
        return if in_list.negated() { format!("NOT {found}") } else { found };
    }
    if let Some(like) = any.downcast_ref::<LikeExpr>() {
        if let Some((function, value)) = simple_like(like) {
            let found = match function {
                LikeKind::Equals => format!("({} = {value})", text(like.expr().as_ref(), inputs)),
                _ => format!("{}({}, {value})", function.spark_name(), text(like.expr().as_ref(), inputs)),
            };
            return if like.negated() { format!("NOT {found}") } else { found };
        }
        let operator = if like.case_insensitive() { "ILIKE" } else { "LIKE" };
        let found = format!("{} {operator} {}", text(like.expr().as_ref(), inputs), text(like.pattern().as_ref(), inputs));
        return if like.negated() { format!("NOT {found}") } else { found };
    }
    if let Some(case) = any.downcast_ref::<CaseExpr>() {
        // DataFusion's form of `coalesce`.
        let coalesce = case.expr().is_none()
            && case.when_then_expr().iter().all(|(when, then)| when.downcast_ref::<IsNotNullExpr>().is_some_and(|w| w.arg().as_ref() == then.as_ref()));
        if coalesce {
            let values = case.when_then_expr().iter().map(|(_, then)| text(then.as_ref(), inputs)).chain(case.else_expr().map(|e| text(e.as_ref(), inputs)));
            return format!("coalesce({})", values.collect::<Vec<_>>().join(", "));
        }
        let mut out = String::from("CASE");
        if let Some(operand) = case.expr() {
            out.push_str(&format!(" {}", text(operand.as_ref(), inputs)));
        }
        for (when, then) in case.when_then_expr() {
            out.push_str(&format!(" WHEN {} THEN {}", text(when.as_ref(), inputs), text(then.as_ref(), inputs)));
        }
        if let Some(otherwise) = case.else_expr() {
            out.push_str(&format!(" ELSE {}", text(otherwise.as_ref(), inputs)));
        }
        return out + " END";
    }
    if let Some(function) = any.downcast_ref::<ScalarFunctionExpr>() {
        if let ("cast" | "spark_cast" | "try_cast", [arg]) = (function.name(), function.args()) {
            return format!("{}({} as {})", function.name().trim_start_matches("spark_"), text(arg.as_ref(), inputs), ember_types::simple_string(function.return_type()));
        }
        return function_text(function.name(), &each(function.args()));
    }
    expr.to_string()
}

/// A call of a function Ember registers, with Spark's name and operator form.
pub(super) fn function_text(name: &str, args: &[String]) -> String {
    // Ember's calls that only retype a value (its nullability, the units of its intervals) print as the value.
    if let ("as_nullable" | "as_non_nullable" | "nested_type_tags" | "interval_fields", [value]) = (name, args) {
        return value.clone();
    }
    let operator = match name {
        "spark_add" | "checked_add" | "add" => Some("+"),
        "spark_subtract" | "checked_subtract" | "subtract" => Some("-"),
        "spark_multiply" | "checked_multiply" | "multiply" => Some("*"),
        "spark_divide" | "checked_divide" | "divide" => Some("/"),
        "spark_mod" | "checked_mod" | "mod" | "spark_remainder" => Some("%"),
        _ => None,
    };
    let name = match name {
        "make_array" => "array",
        other => other.strip_prefix("spark_").unwrap_or(other),
    };
    match (operator, args) {
        (Some(op), [left, right]) => format!("({left} {op} {right})"),
        _ => format!("{name}({})", args.join(", ")),
    }
}

/// A literal as Spark's plans print it (strings bare, as Spark does).
pub fn literal_text(value: &ScalarValue) -> String {
    if value.is_null() {
        return "null".to_string();
    }
    match value {
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => s.clone(),
        ScalarValue::Float64(Some(v)) => format!("{v:?}"),
        ScalarValue::Float32(Some(v)) => format!("{v:?}"),
        other => other.to_string(),
    }
}

/// A sort key: `id#0L ASC NULLS FIRST`.
pub fn sort_text(sort: &PhysicalSortExpr, inputs: &[String]) -> String {
    let direction = if sort.options.descending { "DESC" } else { "ASC" };
    let nulls = if sort.options.nulls_first { "NULLS FIRST" } else { "NULLS LAST" };
    format!("{} {direction} {nulls}", text(sort.expr.as_ref(), inputs))
}

/// An aggregate call, `partial_` in front for a partial aggregation.
pub fn aggregate_text(aggregate: &AggregateFunctionExpr, inputs: &[String], partial: bool) -> String {
    let name = aggregate.fun().name().to_ascii_lowercase();
    let name = name.strip_prefix("spark_").unwrap_or(&name).to_string();
    let args: Vec<String> = aggregate
        .expressions()
        .iter()
        .map(|e| match e.downcast_ref::<CastExpr>() {
            // Spark's `avg` sums a number as a double, and its `sum` an integer as a BIGINT, itself: the argument is the number.
            Some(cast) if name == "avg" && *cast.cast_type() == datafusion::arrow::datatypes::DataType::Float64 => text(cast.expr().as_ref(), inputs),
            Some(cast) if matches!(name.as_str(), "sum" | "try_sum") && *cast.cast_type() == datafusion::arrow::datatypes::DataType::Int64 => {
                text(cast.expr().as_ref(), inputs)
            }
            _ => text(e.as_ref(), inputs),
        })
        .collect();
    let distinct = if aggregate.is_distinct() || reads_distinct_argument(aggregate) { "distinct " } else { "" };
    let prefix = if partial { "partial_" } else { "" };
    if let Some(spark_name) = object_aggregate_name(aggregate) {
        return format!("{prefix}{spark_name}({distinct}{})", object_aggregate_args(aggregate, inputs).join(", "));
    }
    if name == "approx_distinct" {
        // Spark's `approx_count_distinct(x, relativeSD, 0, 0)`, at its default error.
        return format!("{prefix}approx_count_distinct({}, 0.05, 0, 0)", args.join(", "));
    }
    if name == "first_value" {
        // Spark's `first(x, ignoreNulls)`.
        return format!("{prefix}first({}, {})", args.join(", "), aggregate.ignore_nulls());
    }
    format!("{prefix}{name}({distinct}{})", args.join(", "))
}

/// Spark's name of an aggregate it computes as a `TypedImperativeAggregate`
/// (in an `ObjectHashAggregate`), `None` for the others.
pub fn object_aggregate_name(aggregate: &AggregateFunctionExpr) -> Option<&str> {
    use ember_functions::distributions::{Distribution, DistributionAggregate};
    let function: &dyn std::any::Any = aggregate.fun().inner().as_ref();
    if let Some(distribution) = function.downcast_ref::<DistributionAggregate>() {
        return match distribution.distribution() {
            Distribution::Percentile { discrete: false, .. } => Some("percentile"),
            Distribution::ApproxPercentile { .. } => Some(aggregate.fun().name()),
            Distribution::Histogram { .. } => Some("histogram_numeric"),
            Distribution::Percentile { .. } => None,
        };
    }
    match aggregate.fun().name() {
        name @ ("collect_list" | "collect_set" | "collect_frequent_items") => Some(name),
        "string_agg" => Some("listagg"),
        "mode" if aggregate.expressions().len() == 1 => Some("mode"),
        _ => None,
    }
}

/// The arguments Spark prints of an [`object_aggregate_name`] aggregate: its
/// value (not the DOUBLE a distribution reads it as), its literal
/// parameters, and the buffer offsets (`0, 0`) and flag its constructor
/// takes (`collect_list(x#1L, 0, 0, true)`, `percentile(x#1L, 0.5, 1, 0, 0, false)`).
fn object_aggregate_args(aggregate: &AggregateFunctionExpr, inputs: &[String]) -> Vec<String> {
    use ember_functions::distributions::{Distribution, DistributionAggregate};
    let function: &dyn std::any::Any = aggregate.fun().inner().as_ref();
    let expressions = aggregate.expressions();
    // A distribution reads its value as a DOUBLE, cast in place or computed once below.
    let argument = |i: usize| {
        let written = expressions.get(i).map_or_else(String::new, |e| match e.downcast_ref::<CastExpr>() {
            Some(cast) if *cast.cast_type() == datafusion::arrow::datatypes::DataType::Float64 => text(cast.expr().as_ref(), inputs),
            _ => text(e.as_ref(), inputs),
        });
        match written.strip_prefix("cast(").and_then(|rest| rest.strip_suffix(" as double)")) {
            Some(value) if balanced(value) => value.to_string(),
            _ => written,
        }
    };
    let percentages = |percentages: &[f64], array: bool| {
        let texts: Vec<String> = percentages.iter().map(|p| ember_functions::java_format::java_double_string(*p)).collect();
        if array { format!("[{}]", texts.join(",")) } else { texts.join(",") }
    };
    let (mut args, flag) = match function.downcast_ref::<DistributionAggregate>().map(DistributionAggregate::distribution) {
        Some(Distribution::Percentile { percentages: p, array, .. }) => {
            let frequency = if expressions.len() > 1 { argument(1) } else { "1".to_string() };
            (vec![argument(0), percentages(p, *array), frequency], Some("false"))
        }
        Some(Distribution::ApproxPercentile { percentages: p, array, accuracy }) => (vec![argument(0), percentages(p, *array), accuracy.to_string()], None),
        Some(Distribution::Histogram { bins }) => (vec![argument(0), bins.to_string()], None),
        None => match function.downcast_ref::<ember_functions::frequent_items::CollectFrequentItems>() {
            Some(items) => (vec![argument(0), items.size().to_string()], None),
            None if aggregate.fun().name() == "mode" => (vec![argument(0)], Some("None")),
            // Without a delimiter (the planner's empty one) Spark's is NULL.
            None if aggregate.fun().name() == "string_agg" => {
                let delimiter = match argument(1).as_str() {
                    "" => "null".to_string(),
                    written => written.to_string(),
                };
                (vec![argument(0), delimiter], None)
            }
            None => (vec![argument(0)], Some("true")),
        },
    };
    args.extend(["0".to_string(), "0".to_string()]);
    args.extend(flag.map(str::to_string));
    args
}

/// Whether every parenthesis of `text` closes within it.
pub(super) fn balanced(text: &str) -> bool {
    let mut depth = 0i32;
    text.chars().all(|c| {
        depth += match c {
            '(' => 1,
            ')' => -1,
            _ => 0,
        };
        depth >= 0
    }) && depth == 0
}

/// The column DataFusion names the argument of a single `DISTINCT`
/// aggregate after grouping by it (`count(DISTINCT k)` is `count(alias1)`
/// over a grouping by `k AS alias1`): Spark prints `count(distinct k)`.
pub const DISTINCT_ARGUMENT: &str = "alias1";

/// The start of the names of the computed arguments of several `DISTINCT`
/// aggregates, computed before their rows expand (`__distinct_argument_0`):
/// Spark computes them in its `Expand` and names them as they print.
pub const COMPUTED_DISTINCT_ARGUMENT: &str = "__distinct_argument_";

/// Whether an aggregate reads the argument of a `DISTINCT` aggregate that
/// DataFusion computes by grouping by it first.
fn reads_distinct_argument(aggregate: &AggregateFunctionExpr) -> bool {
    aggregate.expressions().iter().any(|e| e.downcast_ref::<Column>().is_some_and(|c| c.name() == DISTINCT_ARGUMENT))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn comparisons_read_as_spark_prints_them() {
        let inputs = vec!["id#0L".to_string()];
        let greater = BinaryExpr::new(Arc::new(Column::new("id", 0)), Operator::Gt, Arc::new(Literal::new(ScalarValue::Int64(Some(5)))));
        assert_eq!(text(&greater, &inputs), "(id#0L > 5)");
        let not_null = IsNotNullExpr::new(Arc::new(Column::new("id", 0)));
        assert_eq!(text(&not_null, &inputs), "isnotnull(id#0L)");
        let not_equal = BinaryExpr::new(Arc::new(Column::new("id", 0)), Operator::NotEq, Arc::new(Literal::new(ScalarValue::from("a"))));
        assert_eq!(text(&not_equal, &inputs), "NOT (id#0L = a)");
    }
}

/// What Spark's `LikeSimplification` turns a `LIKE` of a plain pattern into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LikeKind {
    StartsWith,
    EndsWith,
    Contains,
    Equals,
}

impl LikeKind {
    /// Spark's function name (`StartsWith`).
    pub(crate) fn spark_name(self) -> &'static str {
        match self {
            LikeKind::StartsWith => "StartsWith",
            LikeKind::EndsWith => "EndsWith",
            LikeKind::Contains => "Contains",
            LikeKind::Equals => "EqualTo",
        }
    }
}

/// The simplified form of a case-sensitive `LIKE` whose pattern is a
/// literal `abc%`, `%abc`, `%abc%` or `abc` (no other wildcard or escape),
/// with the text it compares with.
pub(crate) fn simple_like(like: &LikeExpr) -> Option<(LikeKind, String)> {
    if like.case_insensitive() {
        return None;
    }
    let pattern = match like.pattern().downcast_ref::<Literal>()?.value() {
        datafusion::common::ScalarValue::Utf8(Some(p)) | datafusion::common::ScalarValue::LargeUtf8(Some(p)) | datafusion::common::ScalarValue::Utf8View(Some(p)) => p.clone(),
        _ => return None,
    };
    let plain = |text: &str| !text.is_empty() && !text.contains(['%', '_', '\\']);
    let (kind, text) = match (pattern.strip_prefix('%'), pattern.strip_suffix('%')) {
        (Some(rest), _) if rest.ends_with('%') => (LikeKind::Contains, rest[..rest.len() - 1].to_string()),
        (Some(rest), _) => (LikeKind::EndsWith, rest.to_string()),
        (None, Some(rest)) => (LikeKind::StartsWith, rest.to_string()),
        (None, None) => (LikeKind::Equals, pattern.clone()),
    };
    plain(&text).then_some((kind, text))
}
