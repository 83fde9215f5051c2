//! The filters Spark pushes into a Python data source's reader
//! (`DataSourceReader.pushFilters`): each conjunct of a filter over the
//! read that compares a column with literals, as Spark's data source
//! filters (`EqualTo`, `GreaterThan`, `In`, `StringStartsWith`, `IsNull`,
//! their negations …), after the `IsNotNull` filters Spark infers for the
//! columns the null-intolerant ones compare.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::logical_expr::{BinaryExpr, Expr, ExprSchemable, Operator};
use serde_json::{Value, json};

/// A filter offered to the reader and the conjunct it stands for (`None`
/// for an inferred `IsNotNull`, which is the column's name then).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PushedFilter {
    /// The filter as `worker.py` reads it.
    pub(crate) filter: Value,
    /// The position of the conjunct it came from.
    pub(crate) conjunct: Option<usize>,
    /// The column (its path into structs) an inferred `IsNotNull` filter tests.
    pub(crate) not_null_column: Option<Vec<String>>,
}

/// The filters of `conjuncts` Spark offers to a reader: the inferred
/// `IsNotNull` ones first, in the order their columns appear, then one per
/// translatable conjunct.
pub(crate) fn pushed_filters(conjuncts: &[Expr], schema: &DFSchema) -> Vec<PushedFilter> {
    let translated: Vec<(usize, Translated)> =
        conjuncts.iter().enumerate().filter_map(|(i, c)| translate(c, schema).map(|t| (i, t))).collect();
    let stated_not_null: Vec<&[String]> =
        translated.iter().filter(|(_, t)| t.name == "IsNotNull" && !t.negated).map(|(_, t)| t.column.as_slice()).collect();
    let mut inferred: Vec<Vec<String>> = Vec::new();
    for (_, t) in &translated {
        if t.null_intolerant && !stated_not_null.contains(&t.column.as_slice()) && !inferred.contains(&t.column) {
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
    column: Vec<String>,
    value: Option<Value>,
    negated: bool,
    /// Whether the conjunct is false for a null column (Spark infers `IsNotNull`).
    null_intolerant: bool,
}

fn translate(conjunct: &Expr, schema: &DFSchema) -> Option<Translated> {
    let equal_true = |column| Translated { name: "EqualTo", column, value: Some(json!({"json": true, "type": "boolean"})), negated: false, null_intolerant: true };
    match conjunct {
        Expr::Not(inner) => {
            let t = translate(inner, schema)?;
            (!t.negated && t.name != "IsNull" && t.name != "IsNotNull").then_some(Translated { negated: true, ..t })
        }
        // A boolean column alone is `column = true`.
        Expr::Column(_) | Expr::ScalarFunction(_) if conjunct.get_type(schema).ok() == Some(DataType::Boolean) && column(conjunct).is_some() => {
            Some(equal_true(column(conjunct)?))
        }
        // `a <=> b` is planned as `(a IS NOT DISTINCT FROM b) IS TRUE`.
        Expr::IsTrue(inner) if matches!(inner.as_ref(), Expr::BinaryExpr(b) if b.op == Operator::IsNotDistinctFrom) => translate(inner, schema),
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
            let value = json!({"json": values, "type": "array"});
            Some(Translated { name: "In", column: column(&list.expr)?, value: Some(value), negated: list.negated, null_intolerant: false })
        }
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

/// The conjuncts as Spark's optimizer leaves them for pushdown: a simple
/// `LIKE` becomes `=`, `starts_with`, `ends_with` or `contains` (and
/// `'a%b'` both of the first two, with the length check that stays).
pub(crate) fn simplified_conjuncts(conjuncts: Vec<Expr>) -> Vec<Expr> {
    use datafusion::functions::string::expr_fn::{contains, ends_with, starts_with};
    let mut simplified = Vec::with_capacity(conjuncts.len());
    for conjunct in conjuncts {
        let Some((value, pattern)) = simple_like(&conjunct) else {
            simplified.push(conjunct);
            continue;
        };
        let text = |s: &str| datafusion::logical_expr::lit(s.to_string());
        match pattern.split('%').collect::<Vec<_>>().as_slice() {
            [whole] => simplified.push(value.eq(text(whole))),
            ["", inner, ""] => simplified.push(contains(value, text(inner))),
            ["", suffix] => simplified.push(ends_with(value, text(suffix))),
            [prefix, ""] => simplified.push(starts_with(value, text(prefix))),
            [prefix, suffix] => {
                let length = (prefix.chars().count() + suffix.chars().count()) as i32;
                simplified.push(starts_with(value.clone(), text(prefix)));
                simplified.push(ends_with(value.clone(), text(suffix)));
                simplified.push(datafusion::functions::unicode::expr_fn::character_length(value).gt_eq(datafusion::logical_expr::lit(length)));
            }
            _ => simplified.push(conjunct),
        }
    }
    simplified
}

/// The value and pattern of a case-sensitive `LIKE` whose pattern has no
/// `_`, escape, or `%` other than at its ends and one in the middle.
fn simple_like(conjunct: &Expr) -> Option<(Expr, String)> {
    let Expr::Like(like) = conjunct else { return None };
    if like.negated || like.case_insensitive || like.escape_char.is_some_and(|c| c != '\\') {
        return None;
    }
    let Expr::Literal(ScalarValue::Utf8(Some(pattern)) | ScalarValue::LargeUtf8(Some(pattern)) | ScalarValue::Utf8View(Some(pattern)), _) =
        like.pattern.as_ref()
    else {
        return None;
    };
    if pattern.contains(['_', '\\']) || pattern.matches('%').count() > 2 {
        return None;
    }
    let parts: Vec<&str> = pattern.split('%').collect();
    let simple = match parts.as_slice() {
        [_] | [_, _] => true,
        ["", inner, ""] => !inner.is_empty(),
        _ => false,
    };
    simple.then(|| (like.expr.as_ref().clone(), pattern.clone()))
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

/// A column's path: its name, then the fields read from it (`x.y`).
fn column(expr: &Expr) -> Option<Vec<String>> {
    match expr {
        Expr::Column(c) => Some(vec![c.name.clone()]),
        Expr::ScalarFunction(call) if call.func.name() == "get_field" && call.args.len() == 2 => {
            let Expr::Literal(ScalarValue::Utf8(Some(field)), _) = &call.args[1] else { return None };
            let mut path = column(&call.args[0])?;
            path.push(field.clone());
            Some(path)
        }
        _ => None,
    }
}

/// A literal (or an expression of literals, computed) as `worker.py` reads it.
fn literal(expr: &Expr) -> Option<Value> {
    if let Expr::Literal(value, _) = expr {
        return scalar_json(value);
    }
    if !expr.column_refs().is_empty() || expr.is_volatile() {
        return None;
    }
    let one_row = datafusion::logical_expr::LogicalPlanBuilder::empty(true).build().ok()?;
    let array = crate::python_udtf::constant_value(expr, &one_row).ok()?;
    scalar_json(&ScalarValue::try_from_array(&array, 0).ok()?)
}

/// A value's JSON, tagged with what JSON cannot say (`date`, `decimal`,
/// `timestamp_ntz`, nested values' kinds).
fn scalar_json(value: &ScalarValue) -> Option<Value> {
    if value.is_null() {
        return Some(json!({"json": null, "type": "null"}));
    }
    let (json, kind) = match value {
        ScalarValue::Boolean(Some(b)) => (json!(b), "boolean"),
        ScalarValue::Int8(Some(v)) => (json!(v), "integer"),
        ScalarValue::Int16(Some(v)) => (json!(v), "integer"),
        ScalarValue::Int32(Some(v)) => (json!(v), "integer"),
        ScalarValue::Int64(Some(v)) => (json!(v), "integer"),
        ScalarValue::Float32(Some(v)) if v.is_finite() => (json!(v), "float"),
        ScalarValue::Float64(Some(v)) if v.is_finite() => (json!(v), "float"),
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => (json!(s), "string"),
        ScalarValue::Date32(Some(_)) => (json!(value.to_string()), "date"),
        ScalarValue::Decimal128(Some(_), _, _) => (json!(value.to_string()), "decimal"),
        ScalarValue::TimestampMicrosecond(Some(micros), None) => (json!(micros), "timestamp_ntz"),
        ScalarValue::List(list) => {
            let values = list.value(0);
            let items = (0..values.len())
                .map(|i| ScalarValue::try_from_array(&values, i).ok().and_then(|v| scalar_json(&v)))
                .collect::<Option<Vec<_>>>()?;
            (Value::Array(items), "array")
        }
        ScalarValue::Struct(array) => {
            let mut fields = serde_json::Map::new();
            for (field, column) in array.fields().iter().zip(array.columns()) {
                fields.insert(field.name().clone(), scalar_json(&ScalarValue::try_from_array(column, 0).ok()?)?);
            }
            (Value::Object(fields), "struct")
        }
        _ => return None,
    };
    Some(json!({"json": json, "type": kind}))
}

fn filter_json(name: &str, column: &[String], value: Option<Value>, negated: bool) -> Value {
    let mut filter = json!({"name": name, "columnPath": column, "isNegated": negated});
    if let Some(value) = value {
        filter["value"] = value;
    }
    filter
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{Field, Fields};
    use datafusion::logical_expr::{col, lit};

    fn schema() -> DFSchema {
        let point = DataType::Struct(Fields::from(vec![Field::new("y", DataType::Int32, true)]));
        let mut fields: Vec<Field> = ["id", "a", "b", "w"].iter().map(|n| Field::new(*n, DataType::Int32, true)).collect();
        fields.extend(["s", "t", "u", "v"].iter().map(|n| Field::new(*n, DataType::Utf8, true)));
        fields.push(Field::new("flag", DataType::Boolean, true));
        fields.push(Field::new("p", point, true));
        DFSchema::from_unqualified_fields(fields.into(), Default::default()).unwrap()
    }

    fn names(filters: &[PushedFilter]) -> Vec<String> {
        filters
            .iter()
            .map(|f| {
                let negated = if f.filter["isNegated"] == json!(true) { "Not " } else { "" };
                let path: Vec<&str> = f.filter["columnPath"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
                format!("{negated}{}({})", f.filter["name"].as_str().unwrap(), path.join("."))
            })
            .collect()
    }

    #[test]
    fn comparisons_with_literals_are_pushed_after_the_inferred_not_nulls() {
        let conjuncts = vec![col("id").gt(lit(1)), col("s").not_eq(lit("x")), lit(3).gt(col("id")), col("a").eq(col("b"))];
        let filters = pushed_filters(&conjuncts, &schema());
        assert_eq!(names(&filters), ["IsNotNull(id)", "IsNotNull(s)", "GreaterThan(id)", "Not EqualTo(s)", "LessThan(id)"]);
        assert_eq!(filters[0].not_null_column, Some(vec!["id".to_string()]));
        assert_eq!(filters.iter().map(|f| f.conjunct).collect::<Vec<_>>(), [None, None, Some(0), Some(1), Some(2)]);
        assert_eq!(filters[2].filter["value"], json!({"json": 1, "type": "integer"}));
    }

    #[test]
    fn in_lists_null_tests_booleans_nested_columns_and_computed_values() {
        let conjuncts = vec![
            col("id").in_list(vec![lit(1), lit(4)], true),
            col("s").is_null(),
            col("t").is_not_null(),
            Expr::IsTrue(Box::new(datafusion::logical_expr::binary_expr(col("w"), Operator::IsNotDistinctFrom, lit(3)))),
            col("flag"),
            datafusion::functions::core::expr_fn::get_field(col("p"), "y").eq(lit(2) + lit(3)),
        ];
        let filters = pushed_filters(&conjuncts, &schema());
        assert_eq!(
            names(&filters),
            ["IsNotNull(flag)", "IsNotNull(p.y)", "Not In(id)", "IsNull(s)", "IsNotNull(t)", "EqualNullSafe(w)", "EqualTo(flag)", "EqualTo(p.y)"]
        );
        let value = |i: usize| filters[i].filter["value"].clone();
        assert_eq!(value(2), json!({"json": [{"json": 1, "type": "integer"}, {"json": 4, "type": "integer"}], "type": "array"}));
        assert_eq!(value(6), json!({"json": true, "type": "boolean"}));
        assert_eq!(value(7), json!({"json": 5, "type": "integer"}));
    }

    #[test]
    fn simple_like_patterns_become_string_matches() {
        let conjuncts = simplified_conjuncts(vec![
            col("t").like(lit("ab%")),
            col("t").like(lit("a%b")),
            col("u").like(lit("a_c")),
            col("v").ilike(lit("%x")),
            col("s").like(lit("%m%")),
        ]);
        assert_eq!(conjuncts.len(), 7);
        let filters = pushed_filters(&conjuncts, &schema());
        assert_eq!(
            names(&filters),
            ["IsNotNull(t)", "IsNotNull(s)", "StringStartsWith(t)", "StringStartsWith(t)", "StringEndsWith(t)", "StringContains(s)"]
        );
        assert_eq!(filters[2].filter["value"], json!({"json": "ab", "type": "string"}));
    }
}
