//! The filters Spark pushes into a Python data source's reader
//! (`DataSourceReader.pushFilters`): each conjunct of a filter over the
//! read that compares a column with literals, as Spark's data source
//! filters (`EqualTo`, `GreaterThan`, `In`, `StringStartsWith`, `IsNull`,
//! their negations …), after the `IsNotNull` filters Spark infers for the
//! columns the null-intolerant ones compare.

use datafusion::common::ScalarValue;
use datafusion::logical_expr::{BinaryExpr, Expr, Like, Operator};
use serde_json::{Value, json};

/// A filter offered to the reader and the conjunct it stands for (`None`
/// for an inferred `IsNotNull`, which is the column's name then).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PushedFilter {
    /// The filter as `worker.py` reads it.
    pub(crate) filter: Value,
    /// The position of the conjunct it came from.
    pub(crate) conjunct: Option<usize>,
    /// The column an inferred `IsNotNull` filter tests.
    pub(crate) not_null_column: Option<String>,
}

/// The filters of `conjuncts` Spark offers to a reader: the inferred
/// `IsNotNull` ones first, in the order their columns appear, then one per
/// translatable conjunct.
pub(crate) fn pushed_filters(conjuncts: &[Expr]) -> Vec<PushedFilter> {
    let translated: Vec<(usize, Translated)> = conjuncts.iter().enumerate().filter_map(|(i, c)| translate(c).map(|t| (i, t))).collect();
    let stated_not_null: Vec<&str> =
        translated.iter().filter(|(_, t)| t.name == "IsNotNull" && !t.negated).map(|(_, t)| t.column.as_str()).collect();
    let mut inferred: Vec<String> = Vec::new();
    for (_, t) in &translated {
        if t.null_intolerant && !stated_not_null.contains(&t.column.as_str()) && !inferred.contains(&t.column) {
            inferred.push(t.column.clone());
        }
    }
    let mut filters: Vec<PushedFilter> = inferred
        .into_iter()
        .map(|column| PushedFilter { filter: filter_json("IsNotNull", &column, None, false), conjunct: None, not_null_column: Some(column) })
        .collect();
    filters.extend(translated.into_iter().map(|(i, t)| PushedFilter {
        filter: filter_json(t.name, &t.column, t.value, t.negated),
        conjunct: Some(i),
        not_null_column: None,
    }));
    filters
}

/// A conjunct as one of Spark's data source filters.
struct Translated {
    name: &'static str,
    column: String,
    value: Option<Value>,
    negated: bool,
    /// Whether the conjunct is false for a null column (Spark infers `IsNotNull`).
    null_intolerant: bool,
}

fn translate(conjunct: &Expr) -> Option<Translated> {
    match conjunct {
        Expr::Not(inner) => {
            let t = translate(inner)?;
            (!t.negated && t.name != "IsNull" && t.name != "IsNotNull").then_some(Translated { negated: true, ..t })
        }
        // `a <=> b` is planned as `(a IS NOT DISTINCT FROM b) IS TRUE`.
        Expr::IsTrue(inner) if matches!(inner.as_ref(), Expr::BinaryExpr(b) if b.op == Operator::IsNotDistinctFrom) => translate(inner),
        Expr::IsNull(inner) => Some(Translated { name: "IsNull", column: column(inner)?, value: None, negated: false, null_intolerant: false }),
        Expr::IsNotNull(inner) => {
            Some(Translated { name: "IsNotNull", column: column(inner)?, value: None, negated: false, null_intolerant: false })
        }
        Expr::BinaryExpr(BinaryExpr { left, op, right }) => {
            let (name, column, value) = match (column(left), column(right)) {
                (Some(c), None) => (comparison(*op, false)?, c, literal(right)?),
                (None, Some(c)) => (comparison(*op, true)?, c, literal(left)?),
                _ => return None,
            };
            if *op == Operator::NotEq {
                return Some(Translated { name: "EqualTo", column, value: Some(value), negated: true, null_intolerant: true });
            }
            Some(Translated { name, column, value: Some(value), negated: false, null_intolerant: name != "EqualNullSafe" })
        }
        Expr::InList(list) => {
            let values = list.list.iter().map(literal).collect::<Option<Vec<_>>>()?;
            Some(Translated { name: "In", column: column(&list.expr)?, value: Some(Value::Array(values)), negated: list.negated, null_intolerant: false })
        }
        Expr::Like(like) => like_filter(like),
        Expr::ScalarFunction(call) if call.args.len() == 2 => {
            let name = match call.func.name() {
                "starts_with" => "StringStartsWith",
                "ends_with" => "StringEndsWith",
                "contains" => "StringContains",
                _ => return None,
            };
            Some(Translated { name, column: column(&call.args[0])?, value: Some(literal(&call.args[1])?), negated: false, null_intolerant: true })
        }
        _ => None,
    }
}

/// `LIKE 'abc%'`, `'%abc'`, `'%abc%'` and `'abc'`, as Spark simplifies them.
fn like_filter(like: &Like) -> Option<Translated> {
    if like.case_insensitive || like.escape_char.is_some_and(|c| c != '\\') {
        return None;
    }
    let Expr::Literal(ScalarValue::Utf8(Some(pattern)) | ScalarValue::LargeUtf8(Some(pattern)) | ScalarValue::Utf8View(Some(pattern)), _) =
        like.pattern.as_ref()
    else {
        return None;
    };
    let inner = pattern.strip_prefix('%').unwrap_or(pattern);
    let inner = inner.strip_suffix('%').unwrap_or(inner);
    if inner.contains(['%', '_', '\\']) {
        return None;
    }
    let name = match (pattern.starts_with('%') && pattern.len() > 1, pattern.ends_with('%')) {
        (false, false) => "EqualTo",
        (false, true) => "StringStartsWith",
        (true, false) => "StringEndsWith",
        (true, true) => "StringContains",
    };
    let value = json!({"json": inner, "type": "string"});
    Some(Translated { name, column: column(&like.expr)?, value: Some(value), negated: like.negated, null_intolerant: true })
}

/// Spark's filter for `column <op> literal` (`literal <op> column` when `flipped`).
fn comparison(op: Operator, flipped: bool) -> Option<&'static str> {
    Some(match (op, flipped) {
        (Operator::Eq | Operator::NotEq, _) => "EqualTo",
        (Operator::IsNotDistinctFrom, _) => "EqualNullSafe",
        (Operator::Lt, false) | (Operator::Gt, true) => "LessThan",
        (Operator::LtEq, false) | (Operator::GtEq, true) => "LessThanOrEqual",
        (Operator::Gt, false) | (Operator::Lt, true) => "GreaterThan",
        (Operator::GtEq, false) | (Operator::LtEq, true) => "GreaterThanOrEqual",
        _ => return None,
    })
}

fn column(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Column(c) => Some(c.name.clone()),
        _ => None,
    }
}

/// A literal as `worker.py` reads it: its JSON and what JSON cannot say.
fn literal(expr: &Expr) -> Option<Value> {
    let Expr::Literal(value, _) = expr else { return None };
    let (json, kind) = match value {
        ScalarValue::Boolean(Some(b)) => (json!(b), "boolean"),
        ScalarValue::Int8(Some(v)) => (json!(v), "integer"),
        ScalarValue::Int16(Some(v)) => (json!(v), "integer"),
        ScalarValue::Int32(Some(v)) => (json!(v), "integer"),
        ScalarValue::Int64(Some(v)) => (json!(v), "integer"),
        ScalarValue::Float32(Some(v)) if v.is_finite() => (json!(v), "float"),
        ScalarValue::Float64(Some(v)) if v.is_finite() => (json!(v), "float"),
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => (json!(s), "string"),
        ScalarValue::Date32(Some(_)) | ScalarValue::Decimal128(Some(_), _, _) => {
            (json!(value.to_string()), if matches!(value, ScalarValue::Date32(_)) { "date" } else { "decimal" })
        }
        _ => return None,
    };
    Some(json!({"json": json, "type": kind}))
}

fn filter_json(name: &str, column: &str, value: Option<Value>, negated: bool) -> Value {
    let mut filter = json!({"name": name, "columnPath": [column], "isNegated": negated});
    if let Some(value) = value {
        filter["value"] = value;
    }
    filter
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};

    fn names(filters: &[PushedFilter]) -> Vec<String> {
        filters
            .iter()
            .map(|f| {
                let negated = if f.filter["isNegated"] == json!(true) { "Not " } else { "" };
                format!("{negated}{}({})", f.filter["name"].as_str().unwrap(), f.filter["columnPath"][0].as_str().unwrap())
            })
            .collect()
    }

    #[test]
    fn comparisons_with_literals_are_pushed_after_the_inferred_not_nulls() {
        let conjuncts = vec![col("id").gt(lit(1)), col("s").not_eq(lit("x")), lit(3).gt(col("id")), col("a").eq(col("b"))];
        let filters = pushed_filters(&conjuncts);
        assert_eq!(names(&filters), ["IsNotNull(id)", "IsNotNull(s)", "GreaterThan(id)", "Not EqualTo(s)", "LessThan(id)"]);
        assert_eq!(filters[0].not_null_column.as_deref(), Some("id"));
        assert_eq!(filters.iter().map(|f| f.conjunct).collect::<Vec<_>>(), [None, None, Some(0), Some(1), Some(2)]);
        assert_eq!(filters[2].filter["value"], json!({"json": 1, "type": "integer"}));
    }

    #[test]
    fn in_lists_null_tests_and_string_matches() {
        let conjuncts = vec![
            col("id").in_list(vec![lit(1), lit(4)], true),
            col("s").is_null(),
            col("t").is_not_null(),
            col("t").like(lit("ab%")),
            col("u").like(lit("a_c")),
            col("v").ilike(lit("%x")),
            Expr::IsTrue(Box::new(datafusion::logical_expr::binary_expr(col("w"), Operator::IsNotDistinctFrom, lit(3)))),
        ];
        let filters = pushed_filters(&conjuncts);
        assert_eq!(names(&filters), ["Not In(id)", "IsNull(s)", "IsNotNull(t)", "StringStartsWith(t)", "EqualNullSafe(w)"]);
        assert_eq!(filters[0].filter["value"], json!([{"json": 1, "type": "integer"}, {"json": 4, "type": "integer"}]));
        assert_eq!(filters[3].filter["value"], json!({"json": "ab", "type": "string"}));
    }
}
