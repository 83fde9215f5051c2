//! Spark's `InferFiltersFromConstraints`, for null checks and join keys: a filter whose
//! conditions cannot hold for a NULL column (`id > 5`, `upper(v) = 'A'`)
//! first checks `isnotnull(id)`, and an inner or semi join first drops the
//! rows of each side whose keys (or other join conditions' columns) are
//! NULL; outer and anti joins only on the side whose rows may be dropped.
//! The checks change no result (the rows they drop never pass), so Spark's
//! plans show them: `Filter (isnotnull(id#0L) AND (id#0L > 5))` and the
//! `IsNotNull(id)` a file scan is given. Columns that cannot be NULL, or
//! that a filter below already checks, get none; nor does local data,
//! whose filters Spark evaluates while planning. A join also carries the
//! conditions one side's key meets to the other side's key (`k > 1` on
//! the left makes the right side keep `k > 1` rows): the other rows could
//! not match.

use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{Column, NullEquality, Result};
use datafusion::logical_expr::utils::{conjunction, split_conjunction};
use datafusion::logical_expr::{Expr, Filter, JoinType, LogicalPlan, Operator};
use datafusion::optimizer::optimizer::ApplyOrder;
use datafusion::optimizer::{OptimizerConfig, OptimizerRule};

/// Functions that are NULL exactly when an argument is (Spark's `NullIntolerant` ones).
const NULL_INTOLERANT_FUNCTIONS: &[&str] = &[
    "spark_add",
    "spark_subtract",
    "spark_multiply",
    "spark_divide",
    "spark_mod",
    "spark_remainder",
    "abs",
    "upper",
    "lower",
    "length",
    "char_length",
    "character_length",
    "octet_length",
    "cast",
    "spark_cast",
    "starts_with",
    "ends_with",
];

/// The rule; see the module documentation.
#[derive(Debug, Default)]
pub struct InferNotNullFilters;

impl OptimizerRule for InferNotNullFilters {
    fn name(&self) -> &str {
        "infer_not_null_filters"
    }

    fn apply_order(&self) -> Option<ApplyOrder> {
        Some(ApplyOrder::BottomUp)
    }

    fn rewrite(&self, plan: LogicalPlan, _config: &dyn OptimizerConfig) -> Result<Transformed<LogicalPlan>> {
        match plan {
            LogicalPlan::Filter(filter) => {
                let conjuncts = split_conjunction(&filter.predicate);
                let checked: Vec<&Column> = conjuncts.iter().filter_map(|c| match c {
                    Expr::IsNotNull(e) => e.try_as_col(),
                    _ => None,
                }).collect();
                let mut columns = Vec::new();
                for conjunct in &conjuncts {
                    null_intolerant_columns(conjunct, &mut columns);
                }
                columns.retain(|c| !checked.contains(&c));
                let inferred = unchecked(&filter.input, columns);
                if inferred.is_empty() {
                    return Ok(Transformed::no(LogicalPlan::Filter(filter)));
                }
                let predicate = conjunction(inferred.into_iter().map(|c| Expr::IsNotNull(Box::new(Expr::Column(c)))).chain(conjuncts.into_iter().cloned()));
                let predicate = predicate.expect("at least one conjunct");
                Ok(Transformed::yes(LogicalPlan::Filter(Filter::try_new(predicate, filter.input)?)))
            }
            LogicalPlan::Join(mut join) => {
                let (left_side, right_side) = match join.join_type {
                    JoinType::Inner | JoinType::LeftSemi | JoinType::RightSemi => (true, true),
                    JoinType::Left | JoinType::LeftAnti => (false, true),
                    JoinType::Right | JoinType::RightAnti => (true, false),
                    _ => (false, false),
                };
                let mut columns = Vec::new();
                if join.null_equality == NullEquality::NullEqualsNothing {
                    for (left, right) in &join.on {
                        null_intolerant_columns(left, &mut columns);
                        null_intolerant_columns(right, &mut columns);
                    }
                }
                if let Some(filter) = &join.filter {
                    for conjunct in split_conjunction(filter) {
                        null_intolerant_columns(conjunct, &mut columns);
                    }
                }
                // A key's conditions on one side hold for the rows of the other that can match.
                let mut transferred = [Vec::new(), Vec::new()];
                if join.null_equality == NullEquality::NullEqualsNothing {
                    for (left, right) in &join.on {
                        let (Expr::Column(left), Expr::Column(right)) = (left, right) else { continue };
                        if left_side {
                            transferred[0].extend(transferable(&join.right, right, &join.left, left));
                        }
                        if right_side {
                            transferred[1].extend(transferable(&join.left, left, &join.right, right));
                        }
                    }
                }
                let mut changed = false;
                for ((infer, side), transferred) in [(left_side, &mut join.left), (right_side, &mut join.right)].into_iter().zip(transferred) {
                    let on_side: Vec<Column> = columns.iter().filter(|c| side.schema().has_column(c)).cloned().collect();
                    let inferred = if infer { unchecked(side, on_side) } else { vec![] };
                    let checks = inferred.into_iter().map(|c| Expr::IsNotNull(Box::new(Expr::Column(c))));
                    if let Some(predicate) = conjunction(transferred.into_iter().chain(checks)) {
                        *side = Arc::new(LogicalPlan::Filter(Filter::try_new(predicate, Arc::clone(side))?));
                        changed = true;
                    }
                }
                let plan = LogicalPlan::Join(join);
                Ok(if changed { Transformed::yes(plan) } else { Transformed::no(plan) })
            }
            plan => Ok(Transformed::no(plan)),
        }
    }
}

/// The conditions on `from`'s column `key` (other than null checks) that
/// `to`'s column `target` does not have yet, as conditions on `target`.
fn transferable(from: &LogicalPlan, key: &Column, to: &LogicalPlan, target: &Column) -> Vec<Expr> {
    let (Ok(from_index), Ok(to_index)) = (from.schema().index_of_column(key), to.schema().index_of_column(target)) else { return vec![] };
    if is_local_data(to) {
        return vec![];
    }
    let mut held = Vec::new();
    conditions_on(to, to_index, target, &mut held);
    let mut found = Vec::new();
    conditions_on(from, from_index, target, &mut found);
    let mut new = Vec::new();
    for condition in found {
        if !matches!(condition, Expr::IsNotNull(_)) && !held.contains(&condition) && !new.contains(&condition) {
            new.push(condition);
        }
    }
    new
}

/// Adds to `conditions` the filters' conjuncts on the column at `index` of
/// `plan` alone (deterministic ones), found through the operators that pass
/// the column on, each written over `target`.
fn conditions_on(plan: &LogicalPlan, index: usize, target: &Column, conditions: &mut Vec<Expr>) {
    let schema = plan.schema();
    if index >= schema.fields().len() {
        return;
    }
    let column = Column::from(schema.qualified_field(index));
    let mut take = |predicate: &Expr, column: &Column| {
        for conjunct in split_conjunction(predicate) {
            let references = conjunct.column_refs();
            let only_column = references.len() == 1 && references.iter().all(|c| c.name == column.name && (c.relation.is_none() || column.relation.is_none() || c.relation == column.relation));
            if only_column && !conjunct.is_volatile() && cheap(conjunct) {
                let rewritten = conjunct.clone().transform(|e| Ok(match e {
                    Expr::Column(_) => Transformed::yes(Expr::Column(target.clone())),
                    other => Transformed::no(other),
                }));
                if let Ok(rewritten) = rewritten {
                    conditions.push(rewritten.data);
                }
            }
        }
    };
    match plan {
        LogicalPlan::Filter(filter) => {
            take(&filter.predicate, &column);
            conditions_on(&filter.input, index, target, conditions);
        }
        LogicalPlan::TableScan(scan) => {
            for filter in &scan.filters {
                take(filter, &Column::new_unqualified(column.name.clone()));
            }
        }
        LogicalPlan::Projection(projection) => {
            if let Some(Expr::Column(c)) = projection.expr.get(index).map(unaliased) {
                if let Ok(i) = projection.input.schema().index_of_column(c) {
                    conditions_on(&projection.input, i, target, conditions);
                }
            }
        }
        LogicalPlan::SubqueryAlias(_) | LogicalPlan::Sort(_) | LogicalPlan::Limit(_) | LogicalPlan::Repartition(_) => {
            if let Some(input) = plan.inputs().first() {
                conditions_on(input, index, target, conditions);
            }
        }
        LogicalPlan::Join(join) if join.join_type == JoinType::Inner => {
            let left_width = join.left.schema().fields().len();
            if index < left_width {
                conditions_on(&join.left, index, target, conditions);
            } else {
                conditions_on(&join.right, index - left_width, target, conditions);
            }
        }
        _ => {}
    }
}

/// Whether a condition is cheap to evaluate again on the other side of a
/// join: no subqueries, and no functions but the built-in ones above (a
/// Python UDF stays where the query has it).
fn cheap(condition: &Expr) -> bool {
    !condition
        .exists(|e| {
            Ok(match e {
                Expr::ScalarSubquery(_) | Expr::Exists(_) | Expr::InSubquery(_) => true,
                Expr::ScalarFunction(function) => !NULL_INTOLERANT_FUNCTIONS.contains(&function.name()),
                _ => false,
            })
        })
        .unwrap_or(true)
}

/// Whether a filter keeps only some rows: more than the null checks this
/// rule adds (rules that look for selective filters skip those).
pub(crate) fn selective(predicate: &Expr) -> bool {
    split_conjunction(predicate).into_iter().any(|c| !matches!(c, Expr::IsNotNull(_)))
}

/// Of `columns`, those of `input` that may be NULL there: nullable and not
/// checked below (none over local data).
fn unchecked(input: &LogicalPlan, columns: Vec<Column>) -> Vec<Column> {
    if is_local_data(input) {
        return vec![];
    }
    let schema = input.schema();
    columns.into_iter().filter(|c| schema.index_of_column(c).is_ok_and(|i| !not_null(input, i))).collect()
}

/// Whether `plan` only passes on rows of local data (`createDataFrame`, `VALUES`).
fn is_local_data(plan: &LogicalPlan) -> bool {
    match plan {
        LogicalPlan::Values(_) | LogicalPlan::EmptyRelation(_) => true,
        LogicalPlan::TableScan(scan) => scan.table_name.table().starts_with("local_"),
        LogicalPlan::Projection(_) | LogicalPlan::Filter(_) | LogicalPlan::SubqueryAlias(_) => plan.inputs().iter().all(|i| is_local_data(i)),
        _ => false,
    }
}

/// Whether the column at `index` of `plan` cannot be NULL: not nullable, or
/// checked by a filter (or a scan's filter) below, through the operators
/// that pass it on.
fn not_null(plan: &LogicalPlan, index: usize) -> bool {
    let schema = plan.schema();
    if index >= schema.fields().len() || !schema.field(index).is_nullable() {
        return true;
    }
    let column = Column::from(schema.qualified_field(index));
    let checks = |predicates: &[&Expr], column: &Column| {
        let mut columns = Vec::new();
        for predicate in predicates.iter().flat_map(|p| split_conjunction(p)) {
            if let Expr::IsNotNull(e) = predicate {
                columns.extend(e.try_as_col().cloned());
            }
            null_intolerant_columns(predicate, &mut columns);
        }
        columns.iter().any(|c| c.name == column.name && (c.relation.is_none() || column.relation.is_none() || c.relation == column.relation))
    };
    match plan {
        LogicalPlan::Filter(filter) => checks(&[&filter.predicate], &column) || not_null(&filter.input, index),
        LogicalPlan::TableScan(scan) => checks(&scan.filters.iter().collect::<Vec<_>>(), &Column::new_unqualified(column.name)),
        LogicalPlan::Projection(projection) => match projection.expr.get(index).map(unaliased) {
            Some(Expr::Column(c)) => projection.input.schema().index_of_column(c).is_ok_and(|i| not_null(&projection.input, i)),
            _ => false,
        },
        LogicalPlan::SubqueryAlias(_) | LogicalPlan::Sort(_) | LogicalPlan::Limit(_) | LogicalPlan::Repartition(_) => {
            plan.inputs().first().is_some_and(|input| not_null(input, index))
        }
        LogicalPlan::Join(join) => {
            let left_width = join.left.schema().fields().len();
            match join.join_type {
                JoinType::Inner => if index < left_width { not_null(&join.left, index) } else { not_null(&join.right, index - left_width) },
                JoinType::Left | JoinType::LeftSemi | JoinType::LeftAnti => index < left_width && not_null(&join.left, index),
                JoinType::RightSemi | JoinType::RightAnti => not_null(&join.right, index),
                JoinType::Right => index >= left_width && not_null(&join.right, index - left_width),
                _ => false,
            }
        }
        _ => false,
    }
}

/// An expression without its aliases.
fn unaliased(expr: &Expr) -> &Expr {
    match expr {
        Expr::Alias(alias) => unaliased(&alias.expr),
        other => other,
    }
}

/// The columns that make `expr` NULL when they are (Spark's null-intolerant
/// expressions down to their columns), added to `columns` in order.
fn null_intolerant_columns(expr: &Expr, columns: &mut Vec<Column>) {
    match expr {
        Expr::Column(column) => {
            if !columns.contains(column) {
                columns.push(column.clone());
            }
        }
        Expr::BinaryExpr(binary) if null_intolerant(binary.op) => {
            null_intolerant_columns(&binary.left, columns);
            null_intolerant_columns(&binary.right, columns);
        }
        Expr::Not(e) | Expr::Negative(e) => null_intolerant_columns(e, columns),
        Expr::Cast(cast) => null_intolerant_columns(&cast.expr, columns),
        Expr::Like(like) => {
            null_intolerant_columns(&like.expr, columns);
            null_intolerant_columns(&like.pattern, columns);
        }
        Expr::ScalarFunction(function) if NULL_INTOLERANT_FUNCTIONS.contains(&function.name()) => {
            for arg in &function.args {
                null_intolerant_columns(arg, columns);
            }
        }
        _ => {}
    }
}

/// Whether a binary operator's result is NULL when an operand is.
fn null_intolerant(op: Operator) -> bool {
    matches!(
        op,
        Operator::Eq
            | Operator::NotEq
            | Operator::Lt
            | Operator::LtEq
            | Operator::Gt
            | Operator::GtEq
            | Operator::Plus
            | Operator::Minus
            | Operator::Multiply
            | Operator::Divide
            | Operator::Modulo
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::logical_expr::{LogicalPlanBuilder, col, lit, table_scan};
    use datafusion::optimizer::OptimizerContext;

    fn scan(name: &str) -> LogicalPlanBuilder {
        let schema = Schema::new(vec![Field::new("k", DataType::Int64, true), Field::new("id", DataType::Int64, false), Field::new("s", DataType::Utf8, true)]);
        table_scan(Some(name), &schema, None).unwrap()
    }

    fn rewritten(plan: LogicalPlan) -> String {
        let rule = InferNotNullFilters;
        let plan = plan.transform_up(|node| rule.rewrite(node, &OptimizerContext::new())).unwrap().data;
        plan.display_indent().to_string()
    }

    #[test]
    fn filters_check_their_nullable_columns_first() {
        let plan = scan("t").filter(col("k").gt(lit(5i64)).and(col("id").gt(lit(1i64)))).unwrap().build().unwrap();
        assert!(rewritten(plan).starts_with("Filter: t.k IS NOT NULL AND t.k > Int64(5) AND t.id > Int64(1)"));
        // Conditions that may hold for NULL infer nothing; nor do columns checked already.
        let plan = scan("t").filter(col("k").is_null().or(col("s").eq(lit("a")))).unwrap().build().unwrap();
        assert!(rewritten(plan).starts_with("Filter: t.k IS NULL OR t.s = Utf8(\"a\")\n"));
        let plan = scan("t").filter(col("k").is_not_null().and(col("k").gt(lit(5i64)))).unwrap().build().unwrap();
        assert!(rewritten(plan).starts_with("Filter: t.k IS NOT NULL AND t.k > Int64(5)\n"));
    }

    #[test]
    fn joins_drop_null_keys_on_the_sides_that_can_lose_rows() {
        let join = |join_type| {
            let right = scan("u").build().unwrap();
            scan("t").join(right, join_type, (vec!["k"], vec!["k"]), None).unwrap().build().unwrap()
        };
        let inner = rewritten(join(JoinType::Inner));
        assert!(inner.contains("  Filter: t.k IS NOT NULL\n") && inner.contains("  Filter: u.k IS NOT NULL\n"), "{inner}");
        let left = rewritten(join(JoinType::Left));
        assert!(!left.contains("t.k IS NOT NULL") && left.contains("  Filter: u.k IS NOT NULL\n"), "{left}");
        assert!(!rewritten(join(JoinType::Full)).contains("IS NOT NULL"));
        // Once checked below, not again.
        let right = scan("u").filter(col("k").gt(lit(1i64))).unwrap().build().unwrap();
        let checked = scan("t").join(right, JoinType::Inner, (vec!["k"], vec!["k"]), None).unwrap().build().unwrap();
        let checked = rewritten(checked);
        assert!(checked.contains("  Filter: t.k > Int64(1) AND t.k IS NOT NULL\n") && !checked.contains("  Filter: u.k IS NOT NULL\n"), "{checked}");
    }

    #[test]
    fn joins_carry_a_keys_conditions_to_the_other_side() {
        let left = scan("t").filter(col("k").gt(lit(1i64))).unwrap().build().unwrap();
        let right = scan("u").build().unwrap();
        let join = LogicalPlanBuilder::from(left).join(right, JoinType::Inner, (vec!["k"], vec!["k"]), None).unwrap().build().unwrap();
        let text = rewritten(join);
        assert!(text.contains("  Filter: u.k > Int64(1) AND u.k IS NOT NULL\n"), "{text}");
        assert!(text.contains("Filter: t.k IS NOT NULL AND t.k > Int64(1)\n"), "{text}");
        assert!(!text.contains("Filter: t.k IS NOT NULL\n"), "{text}");
    }

    #[test]
    fn local_data_gets_no_checks() {
        let plan = scan("local_1").filter(col("k").gt(lit(5i64))).unwrap().build().unwrap();
        assert!(rewritten(plan).starts_with("Filter: local_1.k > Int64(5)\n"));
    }
}
