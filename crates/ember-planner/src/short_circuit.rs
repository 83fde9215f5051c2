//! Spark's short-circuit `AND` and `OR`.
//!
//! Spark evaluates the right side of `a AND b` only on rows where `a` is not
//! false, and of `a OR b` only where `a` is not true, so guards such as
//! `WHERE x <> 0 AND 10 / x > 1` never raise `DIVIDE_BY_ZERO` under ANSI
//! mode. DataFusion evaluates both sides over a whole batch unless the left
//! side decides (nearly) all of it. After logical optimization, every
//! `a AND b` whose `b` may raise an error becomes
//! `a AND CASE a WHEN false THEN false ELSE b END` (and `a OR b` becomes
//! `a OR CASE a WHEN true THEN true ELSE b END`): the same three-valued
//! result, with `b` evaluated only on the rows Spark evaluates it on, since
//! DataFusion evaluates a `CASE` branch only on the rows that reach it. The
//! left side stays a conjunct of its own, so it is still pushed to scans and
//! joins; the rewrite runs after the optimizer, which would otherwise turn a
//! boolean `CASE` back into `AND`/`OR`.

use std::cell::OnceCell;
use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{DFSchema, DFSchemaRef, Result, ScalarValue};
use datafusion::logical_expr::expr::Case;
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::{BinaryExpr, Cast, Expr, ExprSchemable, LogicalPlan, Operator};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_expr::expressions::{BinaryExpr as PhysicalBinaryExpr, CaseExpr, Literal};

/// `plan` with every `AND`/`OR` whose right side may fail evaluated as
/// Spark evaluates it (see the module documentation).
pub fn short_circuit(plan: &LogicalPlan) -> Result<Transformed<LogicalPlan>> {
    plan.clone().transform_up(|node| {
        if node.inputs().is_empty() {
            return Ok(Transformed::no(node));
        }
        // The merged input columns, needed only to type the source of a cast.
        let inputs: Vec<DFSchemaRef> = node.inputs().iter().map(|input| Arc::clone(input.schema())).collect();
        let schema = InputColumns::new(inputs);
        let names = NamePreserver::new(&node);
        node.map_expressions(|expr| {
            let saved = names.save(&expr);
            let guarded = expr.transform_up(|e| guard(e, &schema))?;
            Ok(if guarded.transformed { guarded.update_data(|e| saved.restore(e)) } else { guarded })
        })
    })
}

/// The columns a node's expressions read (its inputs' columns together),
/// merged on first use.
struct InputColumns {
    inputs: Vec<DFSchemaRef>,
    merged: OnceCell<DFSchema>,
}

impl InputColumns {
    fn new(inputs: Vec<DFSchemaRef>) -> Self {
        InputColumns { inputs, merged: OnceCell::new() }
    }

    fn get(&self) -> &DFSchema {
        self.merged.get_or_init(|| {
            let mut schema = DFSchema::empty();
            for input in &self.inputs {
                schema.merge(input);
            }
            schema
        })
    }
}

/// `expr` guarded when it is an `AND`/`OR` whose right side may fail.
fn guard(expr: Expr, schema: &InputColumns) -> Result<Transformed<Expr>> {
    let Expr::BinaryExpr(BinaryExpr { left, op: op @ (Operator::And | Operator::Or), right }) = &expr else {
        return Ok(Transformed::no(expr));
    };
    let unsafe_to_repeat = |e: &Expr| e.is_volatile() || has_subquery(e);
    if !may_fail(right, schema) || unsafe_to_repeat(left) || has_subquery(right) {
        return Ok(Transformed::no(expr));
    }
    let decided = Expr::Literal(ScalarValue::Boolean(Some(*op == Operator::Or)), None);
    let case = Expr::Case(Case {
        expr: Some(left.clone()),
        when_then_expr: vec![(Box::new(decided.clone()), Box::new(decided))],
        else_expr: Some(right.clone()),
    });
    Ok(Transformed::yes(Expr::BinaryExpr(BinaryExpr::new(left.clone(), *op, Box::new(case)))))
}

fn has_subquery(expr: &Expr) -> bool {
    expr.exists(|e| Ok(matches!(e, Expr::ScalarSubquery(_) | Expr::Exists(_) | Expr::InSubquery(_) | Expr::SetComparison(_)))).unwrap_or(true)
}

/// Whether evaluating `expr` on some rows may raise an error: it computes
/// something that can fail (arithmetic, a function, a narrowing cast) from
/// a column. Parts without columns fail or not whatever rows they see.
fn may_fail(expr: &Expr, schema: &InputColumns) -> bool {
    expr.exists(|e| Ok(fails_itself(e, schema) && e.any_column_refs())).unwrap_or(true)
}

fn fails_itself(expr: &Expr, schema: &InputColumns) -> bool {
    match expr {
        Expr::Column(_)
        | Expr::Literal(..)
        | Expr::Alias(_)
        | Expr::Not(_)
        | Expr::IsNull(_)
        | Expr::IsNotNull(_)
        | Expr::IsTrue(_)
        | Expr::IsFalse(_)
        | Expr::IsUnknown(_)
        | Expr::IsNotTrue(_)
        | Expr::IsNotFalse(_)
        | Expr::IsNotUnknown(_)
        | Expr::Between(_)
        | Expr::InList(_)
        | Expr::Like(_)
        | Expr::SimilarTo(_)
        | Expr::Case(_)
        | Expr::TryCast(_)
        | Expr::OuterReferenceColumn(..)
        | Expr::AggregateFunction(_)
        | Expr::WindowFunction(_) => false,
        Expr::BinaryExpr(binary) => !matches!(
            binary.op,
            Operator::Eq
                | Operator::NotEq
                | Operator::Lt
                | Operator::LtEq
                | Operator::Gt
                | Operator::GtEq
                | Operator::IsDistinctFrom
                | Operator::IsNotDistinctFrom
                | Operator::And
                | Operator::Or
        ),
        Expr::Cast(cast) => !widens(cast, schema),
        _ => true,
    }
}

/// Whether a cast only widens its value, so it cannot fail.
fn widens(cast: &Cast, schema: &InputColumns) -> bool {
    use DataType::*;
    let Ok(from) = cast.expr.get_type(schema.get()) else { return false };
    let rank = |t: &DataType| match t {
        Int8 => Some(1),
        Int16 => Some(2),
        Int32 => Some(3),
        Int64 => Some(4),
        _ => None,
    };
    match (&from, cast.field.data_type()) {
        (a, b) if a == b => true,
        (_, Utf8 | LargeUtf8 | Utf8View) => !matches!(from, Binary | LargeBinary | BinaryView),
        (Int8 | Int16 | Int32 | Int64 | Float32, Float64) | (Int8 | Int16 | Int32, Float32) => true,
        (Date32, Timestamp(..)) => true,
        (Decimal128(p1, s1), Decimal128(p2, s2)) => s2 >= s1 && (*p2 as i16 - *s2 as i16) >= (*p1 as i16 - *s1 as i16),
        (a, b) => matches!((rank(a), rank(b)), (Some(x), Some(y)) if x <= y),
    }
}

/// For `a AND CASE a WHEN false THEN false ELSE b END` (or the `OR` form)
/// that [`short_circuit`] made, the `b` it guards, so that plans print the
/// `a AND b` the user wrote.
pub fn guarded_side(binary: &PhysicalBinaryExpr) -> Option<&Arc<dyn PhysicalExpr>> {
    let decided = match binary.op() {
        Operator::And => false,
        Operator::Or => true,
        _ => return None,
    };
    let case = binary.right().downcast_ref::<CaseExpr>()?;
    let is_decided = |e: &Arc<dyn PhysicalExpr>| matches!(e.downcast_ref::<Literal>().map(|l| l.value()), Some(ScalarValue::Boolean(Some(b))) if *b == decided);
    match (case.expr(), case.when_then_expr(), case.else_expr()) {
        (Some(operand), [(when, then)], Some(otherwise)) if operand == binary.left() && is_decided(when) && is_decided(then) => Some(otherwise),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{Field, Schema};
    use datafusion::logical_expr::{LogicalPlanBuilder, col, lit, table_scan};

    fn plan(predicate: Expr) -> LogicalPlan {
        let schema = Schema::new(vec![Field::new("x", DataType::Int64, true), Field::new("s", DataType::Utf8, true)]);
        let scan = table_scan(Some("t"), &schema, None).unwrap().build().unwrap();
        LogicalPlanBuilder::from(scan).filter(predicate).unwrap().build().unwrap()
    }

    fn filter_of(plan: &LogicalPlan) -> String {
        let LogicalPlan::Filter(filter) = plan else { panic!("not a filter: {plan}") };
        filter.predicate.to_string()
    }

    #[test]
    fn a_failing_right_side_is_evaluated_only_where_the_left_side_does_not_decide() {
        let division = Expr::BinaryExpr(BinaryExpr::new(Box::new(lit(10i64)), Operator::Divide, Box::new(col("x"))));
        let guarded = short_circuit(&plan(col("x").not_eq(lit(0i64)).and(division.gt(lit(1i64))))).unwrap();
        assert!(guarded.transformed);
        assert_eq!(
            filter_of(&guarded.data),
            "t.x != Int64(0) AND CASE t.x != Int64(0) WHEN Boolean(false) THEN Boolean(false) ELSE Int64(10) / t.x > Int64(1) END"
        );
    }

    #[test]
    fn comparisons_widening_casts_and_constants_are_left_alone() {
        let constant = Expr::BinaryExpr(BinaryExpr::new(Box::new(lit(1i64)), Operator::Plus, Box::new(lit(10i64))));
        let widened = Expr::Cast(Cast::new(Box::new(col("x")), DataType::Float64));
        let predicate = col("x").gt(lit(0i64)).and(col("x").lt(constant)).or(widened.gt(lit(1.5)));
        assert!(!short_circuit(&plan(predicate)).unwrap().transformed);
    }

    #[test]
    fn a_narrowing_cast_may_fail() {
        let parsed = Expr::Cast(Cast::new(Box::new(col("s")), DataType::Int32));
        let guarded = short_circuit(&plan(col("s").is_null().or(parsed.gt(lit(1i32))))).unwrap();
        assert!(filter_of(&guarded.data).contains("CASE t.s IS NULL WHEN Boolean(true) THEN Boolean(true) ELSE"));
    }
}
