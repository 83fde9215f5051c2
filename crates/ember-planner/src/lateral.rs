//! Lateral joins (`df.lateralJoin(…)`, SQL `FROM t, LATERAL (…)`,
//! `JOIN LATERAL f(…)`): the right side is planned with the left's columns
//! in scope as outer references, then decorrelated.
//!
//! Decorrelation pushes the left input down the right side, through
//! projections, filters, generators, sorts, the left side of joins and
//! (over the left's distinct rows) aggregations and DISTINCT, so that each outer reference becomes a
//! plain column of the left. Below those the right side must be free of
//! outer references (a cross join with the left). Whatever else is left to
//! DataFusion's lateral-join decorrelation.

use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, JoinType};
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::utils::conjunction;
use datafusion::logical_expr::{Aggregate, Distinct, Expr, Filter, Join, LogicalPlan, LogicalPlanBuilder, Operator, Sort, Subquery, binary_expr, lit, when};
use ember_protocol::connect;

use crate::error::{Result, SparkError};
use crate::plan::{Planner, fresh_name, project_plan};

impl Planner<'_> {
    /// Plans a `LateralJoin` relation: the left's columns, then the right's.
    pub(crate) fn lateral_join(&mut self, join: &connect::LateralJoin) -> Result<LogicalPlan> {
        use connect::join::JoinType as SparkJoin;
        let join_type = match SparkJoin::try_from(join.join_type).unwrap_or(SparkJoin::Inner) {
            SparkJoin::Inner | SparkJoin::Unspecified | SparkJoin::Cross => JoinType::Inner,
            SparkJoin::LeftOuter => JoinType::Left,
            other => {
                return Err(SparkError::new(
                    crate::ErrorKind::Analysis,
                    "UNSUPPORTED_JOIN_TYPE",
                    "0A000",
                    format!(
                        "Unsupported join type '{}'. Supported join types include: 'inner', 'leftouter', 'left', 'left_outer', 'cross'.",
                        other.as_str_name()
                    ),
                    &[],
                ));
            }
        };
        if self.calls_python_table_function(join.right.as_deref()) {
            return self.python_lateral_join(join, join_type == JoinType::Left);
        }
        let left = self.input(&join.left)?;
        self.outer_inputs.push(left.clone());
        let right = self.input(&join.right);
        self.outer_inputs.pop();
        let right = right?;
        let condition = match &join.join_condition {
            Some(condition) => {
                let combined = LogicalPlanBuilder::from(left.clone()).cross_join(right.clone())?.build()?;
                Some(self.plan_expr(condition, &combined)?.0)
            }
            None => None,
        };
        lateral_plan(left, right, join_type, condition)
    }
}

/// The lateral join of `left` and `right` (whose outer references name
/// columns of `left`) with an optional join condition.
fn lateral_plan(left: LogicalPlan, right: LogicalPlan, join_type: JoinType, condition: Option<Expr>) -> Result<LogicalPlan> {
    if !has_outer_references(&right) {
        let builder = LogicalPlanBuilder::from(left);
        return Ok(match (condition, join_type) {
            (None, JoinType::Inner) => builder.cross_join(right)?.build()?,
            (condition, join_type) => builder.join_on(right, join_type, vec![condition.unwrap_or(lit(true))])?.build()?,
        });
    }
    if join_type == JoinType::Inner {
        if let Some(applied) = push_through(&left, &right, false)? {
            return Ok(match condition {
                None => applied,
                Some(condition) => LogicalPlanBuilder::from(applied).filter(condition)?.build()?,
            });
        }
    }
    // Evaluated once per distinct left row, then joined back.
    let domain = LogicalPlan::Distinct(Distinct::All(Arc::new(left.clone())));
    if let Some(applied) = push_through(&domain, &right, true)? {
        return join_back(left, applied, join_type, condition);
    }
    let subquery = LogicalPlan::Subquery(Subquery {
        outer_ref_columns: right.all_out_ref_exprs(),
        subquery: Arc::new(right),
        spans: Default::default(),
    });
    Ok(LogicalPlanBuilder::from(left).join_on(subquery, join_type, vec![condition.unwrap_or(lit(true))])?.build()?)
}

/// `plan` (a node just planned) with its correlated scalar subqueries that
/// DataFusion cannot decorrelate (outer references outside filters, as in
/// `select(df.select(col("a").outer() + 1).scalar())`) turned into lateral
/// left joins of its input. A subquery giving several rows for an input
/// row repeats that row here, where Spark fails.
pub(crate) fn decorrelate_scalar_subqueries(plan: LogicalPlan) -> Result<LogicalPlan> {
    match plan {
        LogicalPlan::Projection(p) if p.expr.iter().any(has_scalar_subquery) => {
            let mut input = Arc::unwrap_or_clone(p.input);
            let exprs = p.expr.into_iter().map(|e| joined_subqueries(e, &mut input)).collect::<Result<Vec<_>>>()?;
            Ok(project_plan(input, exprs)?)
        }
        LogicalPlan::Filter(f) if has_scalar_subquery(&f.predicate) => {
            let original = f.input.schema().columns().into_iter().map(Expr::Column).collect();
            let mut input = Arc::unwrap_or_clone(f.input);
            let predicate = joined_subqueries(f.predicate, &mut input)?;
            let filtered = LogicalPlan::Filter(Filter::try_new(predicate, Arc::new(input))?);
            Ok(project_plan(filtered, original)?)
        }
        other => Ok(other),
    }
}

fn has_scalar_subquery(e: &Expr) -> bool {
    e.exists(|e| Ok(matches!(e, Expr::ScalarSubquery(_)))).unwrap_or(false)
}

/// `e` with each scalar subquery that needs it joined to `input` (which
/// grows by its column) and replaced by that column.
fn joined_subqueries(e: Expr, input: &mut LogicalPlan) -> Result<Expr> {
    let mut failure = None;
    let rewritten = e
        .transform_down(|e| match e {
            Expr::ScalarSubquery(subquery) if needs_lateral_decorrelation(&subquery.subquery, input) => {
                let right = Arc::unwrap_or_clone(subquery.subquery.clone());
                let Some(column) = right.schema().columns().into_iter().next() else {
                    return Ok(Transformed::no(Expr::ScalarSubquery(subquery)));
                };
                match lateral_plan(input.clone(), right, JoinType::Left, None) {
                    Ok(joined) => {
                        *input = joined;
                        Ok(Transformed::new(Expr::Column(column), true, TreeNodeRecursion::Jump))
                    }
                    Err(err) => {
                        failure = Some(err);
                        Ok(Transformed::no(Expr::ScalarSubquery(subquery)))
                    }
                }
            }
            other => Ok(Transformed::no(other)),
        })?
        .data;
    match failure {
        Some(err) => Err(err),
        None => Ok(rewritten),
    }
}

/// Whether `subquery` refers to `input`'s columns outside filters (which
/// DataFusion pulls up itself), and to no query further out.
fn needs_lateral_decorrelation(subquery: &LogicalPlan, input: &LogicalPlan) -> bool {
    let outside_filters = subquery
        .exists(|node| Ok(!matches!(node, LogicalPlan::Filter(_)) && node.contains_outer_reference()))
        .unwrap_or(false);
    let all_in_input = subquery.all_out_ref_exprs().iter().all(|e| match e {
        Expr::OuterReferenceColumn(_, column) => input.schema().has_column(column),
        _ => false,
    });
    outside_filters && all_in_input
}

/// Whether `plan` (not counting nested subquery expressions) refers to an outer query.
fn has_outer_references(plan: &LogicalPlan) -> bool {
    plan.exists(|node| Ok(node.contains_outer_reference())).unwrap_or(true)
}

/// `right` evaluated for each row of `left`, beside that row's columns;
/// `None` where an operator that cannot take the left along meets outer
/// references. Aggregations need `left`'s rows to be `distinct`.
fn push_through(left: &LogicalPlan, right: &LogicalPlan, distinct: bool) -> Result<Option<LogicalPlan>> {
    if !has_outer_references(right) {
        return Ok(Some(LogicalPlanBuilder::from(left.clone()).cross_join(right.clone())?.build()?));
    }
    let left_columns = || left.schema().columns().into_iter().map(Expr::Column).collect::<Vec<_>>();
    Ok(Some(match right {
        LogicalPlan::EmptyRelation(e) if e.produce_one_row => left.clone(),
        LogicalPlan::Projection(p) => {
            let Some(input) = push_through(left, &p.input, distinct)? else { return Ok(None) };
            let mut exprs = left_columns();
            exprs.extend(p.expr.iter().cloned().map(resolve_outer).collect::<Result<Vec<_>>>()?);
            project_plan(input, exprs)?
        }
        LogicalPlan::Filter(f) => {
            let Some(input) = push_through(left, &f.input, distinct)? else { return Ok(None) };
            LogicalPlan::Filter(Filter::try_new(resolve_outer(f.predicate.clone())?, Arc::new(input))?)
        }
        LogicalPlan::Unnest(u) => {
            let Some(input) = push_through(left, &u.input, distinct)? else { return Ok(None) };
            LogicalPlanBuilder::from(input).unnest_columns_with_options(u.exec_columns.clone(), u.options.clone())?.build()?
        }
        LogicalPlan::Sort(s) if s.fetch.is_none() => {
            let Some(input) = push_through(left, &s.input, distinct)? else { return Ok(None) };
            let mut keys = Vec::with_capacity(s.expr.len());
            for key in &s.expr {
                keys.push(key.clone().with_expr(resolve_outer(key.expr.clone())?));
            }
            LogicalPlan::Sort(Sort { expr: keys, input: Arc::new(input), fetch: None })
        }
        // A join whose outer references are all on its preserved (left) side.
        LogicalPlan::Join(j)
            if matches!(j.join_type, JoinType::Inner | JoinType::Left | JoinType::LeftSemi | JoinType::LeftAnti)
                && !has_outer_references(&j.right) =>
        {
            let Some(input) = push_through(left, &j.left, distinct)? else { return Ok(None) };
            let on = j.on.iter().map(|(l, r)| Ok((resolve_outer(l.clone())?, resolve_outer(r.clone())?))).collect::<Result<Vec<_>>>()?;
            let filter = j.filter.clone().map(resolve_outer).transpose()?;
            LogicalPlan::Join(Join::try_new(Arc::new(input), j.right.clone(), on, filter, j.join_type, j.join_constraint, j.null_equality, j.null_aware)?)
        }
        LogicalPlan::Distinct(Distinct::All(input)) if distinct => {
            let Some(input) = push_through(left, input, distinct)? else { return Ok(None) };
            LogicalPlan::Distinct(Distinct::All(Arc::new(input)))
        }
        LogicalPlan::Aggregate(a) if distinct && !a.group_expr.iter().any(|g| matches!(g, Expr::GroupingSet(_))) => {
            let Some(input) = push_through(left, &a.input, distinct)? else { return Ok(None) };
            let aggregates = a.aggr_expr.iter().cloned().map(resolve_outer).collect::<Result<Vec<_>>>()?;
            if a.group_expr.is_empty() {
                per_row_aggregate(left, input, aggregates)?
            } else {
                let mut groups = left_columns();
                groups.extend(a.group_expr.iter().cloned().map(resolve_outer).collect::<Result<Vec<_>>>()?);
                LogicalPlan::Aggregate(Aggregate::try_new(Arc::new(input), groups, aggregates)?)
            }
        }
        _ => return Ok(None),
    }))
}

/// An aggregation without grouping, per row of `left` (whose rows are
/// distinct): every row gets one result, over no input rows too (`count`
/// 0, `max` NULL). `input` holds `left`'s columns first.
fn per_row_aggregate(left: &LogicalPlan, input: LogicalPlan, aggregates: Vec<Expr>) -> Result<LogicalPlan> {
    let marker = fresh_name();
    let (keyed, keys) = with_renamed_left_columns(input, left.schema().fields().len(), Some(&marker))?;
    let on = null_safe_keys(left, &keys);
    let joined = LogicalPlanBuilder::from(left.clone()).join_on(keyed, JoinType::Left, on)?.build()?;
    // Rows of the left that met no input row carry a NULL marker: aggregates skip them.
    let matched = Expr::Column(Column::new_unqualified(&marker)).is_not_null();
    let aggregates = aggregates
        .into_iter()
        .map(|e| {
            e.transform_down(|e| match e {
                Expr::AggregateFunction(mut f) => {
                    f.params.args = f.params.args.into_iter().map(|arg| when(matched.clone(), arg).end()).collect::<datafusion::common::Result<_>>()?;
                    Ok(Transformed::new(Expr::AggregateFunction(AggregateFunction { func: f.func, params: f.params }), true, TreeNodeRecursion::Jump))
                }
                other => Ok(Transformed::no(other)),
            })
            .map(|t| t.data)
        })
        .collect::<datafusion::common::Result<Vec<_>>>()?;
    let groups = left.schema().columns().into_iter().map(Expr::Column).collect::<Vec<_>>();
    Ok(LogicalPlan::Aggregate(Aggregate::try_new(Arc::new(joined), groups, aggregates)?))
}

/// `applied` (the distinct left rows' columns, then the right's) joined
/// back to every row of `left`.
fn join_back(left: LogicalPlan, applied: LogicalPlan, join_type: JoinType, condition: Option<Expr>) -> Result<LogicalPlan> {
    let left_width = left.schema().fields().len();
    let (keyed, keys) = with_renamed_left_columns(applied, left_width, None)?;
    let on = null_safe_keys(&left, &keys).into_iter().chain(condition).collect::<Vec<_>>();
    let joined = LogicalPlanBuilder::from(left).join_on(keyed, join_type, on)?.build()?;
    let kept = joined
        .schema()
        .columns()
        .into_iter()
        .filter(|c| !keys.contains(&c.name))
        .map(Expr::Column)
        .collect();
    Ok(project_plan(joined, kept)?)
}

/// `plan` with its first `width` columns under fresh names (returned) and,
/// if named, a marker column that is never NULL.
fn with_renamed_left_columns(plan: LogicalPlan, width: usize, marker: Option<&str>) -> Result<(LogicalPlan, Vec<String>)> {
    let mut keys = Vec::with_capacity(width);
    let mut exprs = Vec::new();
    for (i, column) in plan.schema().columns().into_iter().enumerate() {
        if i < width {
            let key = fresh_name();
            exprs.push(Expr::Column(column).alias(&key));
            keys.push(key);
        } else {
            exprs.push(Expr::Column(column));
        }
    }
    if let Some(marker) = marker {
        exprs.push(lit(true).alias(marker));
    }
    Ok((project_plan(plan, exprs)?, keys))
}

/// `left`'s columns equal (NULL matching NULL) to the columns `keys`.
fn null_safe_keys(left: &LogicalPlan, keys: &[String]) -> Vec<Expr> {
    let on = left
        .schema()
        .columns()
        .into_iter()
        .zip(keys)
        .map(|(column, key)| binary_expr(Expr::Column(column), Operator::IsNotDistinctFrom, Expr::Column(Column::new_unqualified(key))))
        .collect::<Vec<_>>();
    match conjunction(on) {
        Some(all) => vec![all],
        None => vec![lit(true)],
    }
}

/// `e` with its outer references as plain columns.
fn resolve_outer(e: Expr) -> Result<Expr> {
    Ok(e.transform(|e| {
        Ok(match e {
            Expr::OuterReferenceColumn(_, column) => Transformed::yes(Expr::Column(column)),
            other => Transformed::no(other),
        })
    })?
    .data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::col;

    fn values(names: &[&str]) -> LogicalPlan {
        let row: Vec<Expr> = names.iter().enumerate().map(|(i, n)| lit(i as i32).alias(*n)).collect();
        LogicalPlanBuilder::values(vec![names.iter().map(|_| lit(1)).collect()]).unwrap().project(row).unwrap().build().unwrap()
    }

    fn outer(name: &str) -> Expr {
        let field = Arc::new(datafusion::arrow::datatypes::Field::new(name, datafusion::arrow::datatypes::DataType::Int32, false));
        Expr::OuterReferenceColumn(field, Column::new_unqualified(name))
    }

    #[test]
    fn projections_of_outer_columns_become_projections_over_the_left() {
        let left = values(&["a", "b"]);
        let right = LogicalPlanBuilder::empty(true).build().unwrap();
        let right = project_plan(right, vec![(outer("a") + lit(1)).alias("c")]).unwrap();
        let plan = lateral_plan(left, right, JoinType::Inner, None).unwrap();
        let names: Vec<String> = plan.schema().fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, ["a", "b", "c"]);
        assert!(!has_outer_references(&plan));
    }

    #[test]
    fn ungrouped_aggregates_are_computed_per_left_row() {
        let left = values(&["a"]);
        let inner = values(&["x"]);
        let filtered = LogicalPlanBuilder::from(inner).filter(col("x").lt(outer("a"))).unwrap().build().unwrap();
        let count = datafusion::functions_aggregate::expr_fn::count(col("x")).alias("n");
        let right = LogicalPlanBuilder::from(filtered).aggregate(Vec::<Expr>::new(), vec![count]).unwrap().build().unwrap();
        let plan = lateral_plan(left, right, JoinType::Left, None).unwrap();
        let names: Vec<String> = plan.schema().fields().iter().map(|f| f.name().clone()).collect();
        assert_eq!(names, ["a", "n"]);
        assert!(!has_outer_references(&plan));
    }
}
