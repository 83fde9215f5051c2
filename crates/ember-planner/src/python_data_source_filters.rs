//! The filters Spark pushes into a Python data source's reader
//! (`DataSourceReader.pushFilters`): each conjunct of a filter over the
//! read that compares a column with literals, as Spark's data source
//! filters (`EqualTo`, `GreaterThan`, `In`, `StringStartsWith`, `IsNull`,
//! their negations …), after the `IsNotNull` filters Spark infers for the
//! columns the null-intolerant ones compare.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DFSchema, ScalarValue};
use datafusion::logical_expr::{BinaryExpr, Expr, ExprSchemable, Operator};
use ember_functions::cast::CastMode;
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
/// translatable conjunct. `None` when a conjunct can never hold (a column
/// compared with a value its type cannot have, `x = 1.5` of an INT): Spark's
/// optimizer then reads nothing and asks the reader nothing.
pub(crate) fn pushed_filters(conjuncts: &[Expr], schema: &DFSchema) -> Option<Vec<PushedFilter>> {
    let mut translated: Vec<(usize, Translated)> = Vec::new();
    for (i, conjunct) in conjuncts.iter().enumerate() {
        match translate(conjunct, schema) {
            Translation::Filter(t) => translated.push((i, t)),
            Translation::Never => return None,
            Translation::Untranslatable => {}
        }
    }
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
    Some(filters)
}

/// What a conjunct is to the reader.
enum Translation {
    /// One of Spark's data source filters.
    Filter(Translated),
    /// A conjunct no row satisfies.
    Never,
    /// A conjunct Spark keeps to itself.
    Untranslatable,
}

impl From<Option<Translated>> for Translation {
    fn from(translated: Option<Translated>) -> Self {
        translated.map_or(Translation::Untranslatable, Translation::Filter)
    }
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

fn translate(conjunct: &Expr, schema: &DFSchema) -> Translation {
    let equal_true = |column| Translated { name: "EqualTo", column, value: Some(json!({"json": true, "type": "boolean"})), negated: false, null_intolerant: true };
    match conjunct {
        Expr::Not(inner) => match translate(inner, schema) {
            Translation::Filter(t) => (!t.negated && t.name != "IsNull" && t.name != "IsNotNull").then_some(Translated { negated: true, ..t }).into(),
            _ => Translation::Untranslatable,
        },
        // A boolean column alone is `column = true`.
        Expr::Column(_) | Expr::ScalarFunction(_) if conjunct.get_type(schema).ok() == Some(DataType::Boolean) && column(conjunct).is_some() => {
            column(conjunct).map(equal_true).into()
        }
        // `a <=> b` is planned as `(a IS NOT DISTINCT FROM b) IS TRUE`.
        Expr::IsTrue(inner) if matches!(inner.as_ref(), Expr::BinaryExpr(b) if b.op == Operator::IsNotDistinctFrom) => translate(inner, schema),
        Expr::IsNull(inner) => column(inner).map(|column| Translated { name: "IsNull", column, value: None, negated: false, null_intolerant: false }).into(),
        Expr::IsNotNull(inner) => {
            column(inner).map(|column| Translated { name: "IsNotNull", column, value: None, negated: false, null_intolerant: false }).into()
        }
        Expr::BinaryExpr(BinaryExpr { left, op, right }) => {
            let (name, column_expr, value) = match (column(left), column(right)) {
                (Some(_), None) => (comparison(*op, false), left, right),
                (None, Some(_)) => (comparison(*op, true), right, left),
                _ => return Translation::Untranslatable,
            };
            let (Some(mut name), Some(column)) = (name, column(column_expr)) else { return Translation::Untranslatable };
            let value = match literal(value).map(|v| as_column_type(v, column_expr, schema)) {
                Some(Fit::Exact(value)) => value,
                // The column's nearest value stands for the compared one, in the comparison that keeps its meaning.
                Some(Fit::Rounded { value, up }) if name.starts_with("GreaterThan") || name.starts_with("LessThan") => {
                    name = match (name.starts_with("GreaterThan"), up) {
                        (true, true) => "GreaterThanOrEqual",
                        (true, false) => "GreaterThan",
                        (false, true) => "LessThan",
                        (false, false) => "LessThanOrEqual",
                    };
                    value
                }
                // An equality with a value the column cannot have is false.
                Some(Fit::Rounded { .. } | Fit::Never) if matches!(*op, Operator::Eq | Operator::IsNotDistinctFrom) => return Translation::Never,
                _ => return Translation::Untranslatable,
            };
            let Some(value) = scalar_json(&value) else { return Translation::Untranslatable };
            if *op == Operator::NotEq {
                return Translation::Filter(Translated { name: "EqualTo", column, value: Some(value), negated: true, null_intolerant: true });
            }
            Translation::Filter(Translated { name, column, value: Some(value), negated: false, null_intolerant: name != "EqualNullSafe" })
        }
        Expr::InList(list) => {
            let Some(column) = column(&list.expr) else { return Translation::Untranslatable };
            let mut values = Vec::with_capacity(list.list.len());
            for item in &list.list {
                match literal(item).map(|v| as_column_type(v, &list.expr, schema)) {
                    Some(Fit::Exact(value)) => match scalar_json(&value) {
                        Some(json) => values.push(json),
                        None => return Translation::Untranslatable,
                    },
                    // A value the column cannot have matches no row: Spark drops it.
                    Some(Fit::Rounded { .. } | Fit::Never) if !list.negated => {}
                    _ => return Translation::Untranslatable,
                }
            }
            if values.is_empty() {
                return Translation::Never;
            }
            let value = json!({"json": values, "type": "array"});
            Translation::Filter(Translated { name: "In", column, value: Some(value), negated: list.negated, null_intolerant: false })
        }
        Expr::ScalarFunction(call) if call.args.len() == 2 => {
            let name = match call.func.name() {
                "starts_with" => "StringStartsWith",
                "ends_with" => "StringEndsWith",
                "contains" => "StringContains",
                _ => return Translation::Untranslatable,
            };
            let (Some(column), Some(value)) = (column(&call.args[0]), literal(&call.args[1]).as_ref().and_then(scalar_json)) else {
                return Translation::Untranslatable;
            };
            Translation::Filter(Translated { name, column, value: Some(value), negated: false, null_intolerant: true })
        }
        _ => Translation::Untranslatable,
    }
}

/// How a value compared with a column fits the column's type.
enum Fit {
    /// The value as the column's type, which is what Spark pushes.
    Exact(ScalarValue),
    /// The column's type cannot hold the value; `value` is the one its cast
    /// rounds to, `up` when that is above it (`1.1` as a FLOAT).
    Rounded { value: ScalarValue, up: bool },
    /// The value is outside the column type's range.
    Never,
}

/// A compared value as Spark's optimizer leaves it: a text cast to the
/// column's type (as Spark's coercion casts it), any other value cast too
/// (Spark unwraps the cast its coercion put on the column), rounded when
/// it does not survive the cast unchanged.
fn as_column_type(value: ScalarValue, column: &Expr, schema: &DFSchema) -> Fit {
    let Ok(column_type) = column.get_type(schema) else { return Fit::Never };
    let value_type = value.data_type();
    if value.is_null() || value_type == column_type {
        return Fit::Exact(value);
    }
    let cast = |value: &ScalarValue, to: &DataType| {
        let array = value.to_array().ok()?;
        let cast = ember_functions::cast::cast_array(&array, to, CastMode::Try).ok()?;
        ScalarValue::try_from_array(&cast, 0).ok().filter(|v| !v.is_null())
    };
    let Some(as_column) = cast(&value, &column_type) else { return Fit::Never };
    if ember_functions::cast::is_string(&value_type) {
        return Fit::Exact(as_column);
    }
    // Spark compares the two in the comparison's common type (DOUBLE for a FLOAT and a decimal).
    let common = crate::coercion::wider_type(&column_type, &value_type, true).unwrap_or(value_type);
    match cast(&as_column, &common).zip(cast(&value, &common)).and_then(|(rounded, value)| rounded.partial_cmp(&value)) {
        Some(std::cmp::Ordering::Equal) => Fit::Exact(as_column),
        Some(order) => Fit::Rounded { value: as_column, up: order == std::cmp::Ordering::Greater },
        None => Fit::Never,
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

/// A literal, or an expression of literals computed.
fn literal(expr: &Expr) -> Option<ScalarValue> {
    if let Expr::Literal(value, _) = expr {
        return Some(value.clone());
    }
    if !expr.column_refs().is_empty() || expr.is_volatile() {
        return None;
    }
    let one_row = datafusion::logical_expr::LogicalPlanBuilder::empty(true).build().ok()?;
    let array = crate::python_udtf::constant_value(expr, &one_row).ok()?;
    ScalarValue::try_from_array(&array, 0).ok()
}

/// A value's JSON, tagged with what JSON cannot say (`date`, `decimal`,
/// `timestamp_ntz`, `timestamp`, `binary` as hex, nested values' kinds).
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
        ScalarValue::TimestampMicrosecond(Some(micros), Some(_)) => (json!(micros), "timestamp"),
        ScalarValue::Binary(Some(bytes)) | ScalarValue::LargeBinary(Some(bytes)) | ScalarValue::BinaryView(Some(bytes)) => {
            (json!(bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()), "binary")
        }
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
        let filters = pushed_filters(&conjuncts, &schema()).unwrap();
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
        let filters = pushed_filters(&conjuncts, &schema()).unwrap();
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
    fn values_take_the_column_type_or_make_the_filter_false() {
        let decimal = |v: i128, p: u8, s: i8| lit(ScalarValue::Decimal128(Some(v), p, s));
        let schema = DFSchema::from_unqualified_fields(
            vec![Field::new("d", DataType::Decimal128(5, 2), true), Field::new("f", DataType::Float32, true), Field::new("day", DataType::Date32, true)].into(),
            Default::default(),
        )
        .unwrap();
        let conjuncts = vec![col("d").in_list(vec![decimal(11, 2, 1), lit(2), decimal(1234, 3, 3)], false), col("f").eq(decimal(15, 2, 1)), col("day").gt(lit("2020-1-2"))];
        let filters = pushed_filters(&conjuncts, &schema).unwrap();
        let value = |i: usize| filters[i].filter["value"].clone();
        assert_eq!(value(2), json!({"json": [{"json": "1.10", "type": "decimal"}, {"json": "2.00", "type": "decimal"}], "type": "array"}));
        assert_eq!(value(3), json!({"json": 1.5, "type": "float"}));
        assert_eq!(value(4), json!({"json": "2020-01-02", "type": "date"}));
        assert_eq!(pushed_filters(&[col("d").eq(decimal(1234, 4, 3))], &schema), None);
        assert_eq!(pushed_filters(&[col("f").in_list(vec![lit(1.1f64)], false)], &schema), None);
        let rounded = pushed_filters(&[col("f").gt(lit(1.1f64)), col("d").lt(decimal(1234, 4, 3))], &schema).unwrap();
        assert_eq!(names(&rounded), ["IsNotNull(f)", "IsNotNull(d)", "GreaterThanOrEqual(f)", "LessThanOrEqual(d)"]);
        assert_eq!(rounded[3].filter["value"], json!({"json": "1.23", "type": "decimal"}));
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
        let filters = pushed_filters(&conjuncts, &schema()).unwrap();
        assert_eq!(
            names(&filters),
            ["IsNotNull(t)", "IsNotNull(s)", "StringStartsWith(t)", "StringStartsWith(t)", "StringEndsWith(t)", "StringContains(s)"]
        );
        assert_eq!(filters[2].filter["value"], json!({"json": "ab", "type": "string"}));
    }
}
