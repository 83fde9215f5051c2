//! Multi-dimensional aggregation: the Connect `Aggregate` group types ROLLUP,
//! CUBE, GROUPING_SETS (with `grouping()`/`grouping_id()`) and PIVOT.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, ScalarValue};
use datafusion::logical_expr::{Aggregate, Expr, GroupingSet, LogicalPlan, LogicalPlanBuilder, col, lit, when};
use ember_protocol::connect::{self, aggregate::GroupType, expression::ExprType};

use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::{ColumnInfo, Planner, fresh_name, project_plan};

impl Planner<'_> {
    /// ROLLUP, CUBE, GROUPING_SETS and PIVOT aggregations (and SQL's
    /// grouping sets, under an unspecified group type).
    pub(crate) fn grouped_aggregate(&mut self, input: LogicalPlan, aggregate: &connect::Aggregate) -> Result<LogicalPlan> {
        let group_type = GroupType::try_from(aggregate.group_type).unwrap_or(GroupType::Groupby);
        if group_type == GroupType::Pivot {
            return self.pivot(input, aggregate);
        }
        // Grouping expressions become columns of a projection below the
        // aggregation, so that grouping sets group by plain columns.
        let mut columns: Vec<Expr> = self.columns_of(&input).into_iter().map(|(e, _)| e).collect();
        let mut keys: Vec<(Expr, String)> = Vec::new();
        let mut key_columns: Vec<String> = Vec::new();
        for expression in &aggregate.grouping_expressions {
            let (expr, name) = self.plan_expr(expression, &input)?;
            let column = match &expr {
                Expr::Column(c) => c.name.clone(),
                _ => {
                    let internal = fresh_name();
                    columns.push(expr.clone().alias(&internal));
                    self.columns.insert(internal.clone(), ColumnInfo { name: name.clone(), ..Default::default() });
                    internal
                }
            };
            keys.push((expr, name));
            key_columns.push(column);
        }
        let key_exprs: Vec<Expr> = key_columns.iter().map(|c| col(Column::new_unqualified(c))).collect();
        let sets = match group_type {
            GroupType::Rollup => GroupingSet::Rollup(key_exprs.clone()),
            GroupType::Cube => GroupingSet::Cube(key_exprs.clone()),
            _ => {
                let mut sets = Vec::new();
                for set in &aggregate.grouping_sets {
                    let mut members = Vec::new();
                    for expression in &set.grouping_set {
                        let (expr, _) = self.plan_expr(expression, &input)?;
                        let position = keys.iter().position(|(k, _)| *k == expr).ok_or_else(|| {
                            SparkError::illegal_argument("a grouping set uses an expression that is not a grouping column")
                        })?;
                        members.push(key_exprs[position].clone());
                    }
                    sets.push(members);
                }
                GroupingSet::GroupingSets(sets)
            }
        };
        // The DataFrame API outputs the grouping columns first; SQL (an
        // unspecified group type) only its select list.
        let mut outputs: Vec<(Expr, String)> = if group_type == GroupType::Unspecified {
            Vec::new()
        } else {
            keys.iter().zip(&key_exprs).map(|((_, name), column)| (column.clone(), name.clone())).collect()
        };
        let mut generated = vec![false; outputs.len()];
        let grouping_id = col(Column::new_unqualified(Aggregate::INTERNAL_GROUPING_ID));
        for expression in &aggregate.aggregate_expressions {
            generated.push(crate::expr::gets_generated_alias(expression));
            match self.grouping_function(expression, &keys, &grouping_id, &input)? {
                Some(output) => outputs.push(output),
                None => {
                    let (expr, name) = self.plan_expr(expression, &input)?;
                    outputs.push((substitute(expr, &keys, &key_exprs)?, name));
                }
            }
        }
        let widened = project_plan(input, columns)?;
        let mut aggregates: Vec<Expr> = Vec::new();
        for (expr, _) in &outputs {
            for found in datafusion::logical_expr::utils::find_aggregate_exprs(std::iter::once(expr)) {
                if !aggregates.contains(&found) {
                    aggregates.push(found);
                }
            }
        }
        let aggregate_names: Vec<String> = aggregates.iter().map(|_| fresh_name()).collect();
        let mut aggregate_exprs: Vec<Expr> = aggregates.iter().zip(&aggregate_names).map(|(e, n)| e.clone().alias(n)).collect();
        let drops_empty_totals = grand_total_beside_groups(&sets);
        if drops_empty_totals {
            // A value no query aggregates, so that DataFusion keeps it apart from the query's aggregates.
            aggregate_exprs.push(datafusion::functions_aggregate::expr_fn::max(lit(GROUPED_ROWS)).alias(GROUPED_ROWS));
        }
        let mut aggregated = LogicalPlanBuilder::from(widened).aggregate(vec![Expr::GroupingSet(sets)], aggregate_exprs)?;
        if drops_empty_totals {
            aggregated = aggregated.filter(col(Column::new_unqualified(GROUPED_ROWS)).is_not_null())?;
        }
        let aggregated = aggregated.build()?;
        let mut projected = Vec::new();
        for (i, (expr, name)) in outputs.into_iter().enumerate() {
            let rewritten = expr
                .transform_down(|e| match aggregates.iter().position(|a| *a == e) {
                    Some(i) => Ok(Transformed::new(col(Column::new_unqualified(&aggregate_names[i])), true, TreeNodeRecursion::Jump)),
                    None => Ok(Transformed::no(e)),
                })?
                .data;
            let internal = self.new_column(&name);
            if let Some(info) = self.columns.get_mut(&internal) {
                info.generated_name = generated[i];
            }
            projected.push(rewritten.alias(internal));
        }
        self.project_with_windows(aggregated, projected)
    }

    /// `grouping(col)` (TINYINT) and `grouping_id(cols…)` (BIGINT): bits of
    /// the aggregation's grouping id, the last grouping column lowest; a set
    /// bit marks a column aggregated over.
    fn grouping_function(
        &mut self,
        expression: &connect::Expression,
        keys: &[(Expr, String)],
        grouping_id: &Expr,
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let (inner, alias) = match &expression.expr_type {
            Some(ExprType::Alias(a)) if a.name.len() == 1 => (a.expr.as_deref(), Some(a.name[0].clone())),
            _ => (Some(expression), None),
        };
        let Some(ExprType::UnresolvedFunction(f)) = inner.and_then(|e| e.expr_type.as_ref()) else { return Ok(None) };
        let function = f.function_name.to_lowercase();
        if function != "grouping" && function != "grouping_id" {
            return Ok(None);
        }
        let mut positions = Vec::new();
        let mut names = Vec::new();
        for argument in &f.arguments {
            let (expr, name) = self.plan_expr(argument, input)?;
            let position = keys.iter().position(|(k, _)| *k == expr).ok_or_else(|| {
                SparkError::new(
                    ErrorKind::Analysis,
                    "GROUPING_COLUMN_MISMATCH",
                    "42803",
                    format!("Column of grouping ({name}) can't be found in grouping columns."),
                    &[("grouping", name.clone()), ("groupingColumns", keys.iter().map(|(_, n)| n.clone()).collect::<Vec<_>>().join(","))],
                )
            })?;
            positions.push(position);
            names.push(name);
        }
        if function == "grouping" && positions.len() != 1 {
            return Err(SparkError::illegal_argument("grouping() takes one grouping column"));
        }
        if positions.is_empty() {
            positions = (0..keys.len()).collect();
        }
        let id = datafusion::logical_expr::cast(grouping_id.clone(), DataType::Int64);
        let bit = |position: usize| {
            let shift = (keys.len() - 1 - position) as i64;
            datafusion::logical_expr::bitwise_and(datafusion::logical_expr::bitwise_shift_right(id.clone(), lit(shift)), lit(1i64))
        };
        let mut combined: Option<Expr> = None;
        for position in &positions {
            combined = Some(match combined {
                None => bit(*position),
                Some(c) => datafusion::logical_expr::bitwise_or(datafusion::logical_expr::bitwise_shift_left(c, lit(1i64)), bit(*position)),
            });
        }
        let combined = combined.unwrap_or_else(|| lit(0i64));
        let expr = if function == "grouping" { datafusion::logical_expr::cast(combined, DataType::Int8) } else { combined };
        let name = alias.unwrap_or_else(|| format!("{function}({})", names.join(", ")));
        Ok(Some((expr, name)))
    }

    /// `groupBy(…).pivot(col, values).agg(…)`: one column per value and
    /// aggregate, each aggregate restricted to the rows with that value; a
    /// value without rows gives NULL, as Spark's pivot does.
    fn pivot(&mut self, input: LogicalPlan, aggregate: &connect::Aggregate) -> Result<LogicalPlan> {
        let pivot = aggregate.pivot.as_ref().ok_or_else(|| SparkError::illegal_argument("pivot without a column"))?;
        let column = pivot.col.as_ref().ok_or_else(|| SparkError::illegal_argument("pivot without a column"))?;
        let (pivot_expr, pivot_name) = self.plan_expr(column, &input)?;
        let pivot_type = self.type_of(&pivot_expr, &input)?;
        let mut aggregates = Vec::new();
        for expression in &aggregate.aggregate_expressions {
            aggregates.push(self.plan_expr(expression, &input)?);
        }
        let groups = if crate::other_columns::is_other_columns(&aggregate.grouping_expressions) {
            let used: Vec<&Expr> = aggregates.iter().map(|(e, _)| e).chain([&pivot_expr]).collect();
            self.other_columns(&input, &used)
        } else {
            aggregate.grouping_expressions.iter().map(|e| self.plan_expr(e, &input)).collect::<Result<Vec<_>>>()?
        };
        let group_exprs: Vec<Expr> = groups.iter().map(|(e, _)| e.clone()).collect();
        let mut outputs = groups;
        let values = if pivot.values.is_empty() {
            self.distinct_values(&pivot_expr, &pivot_name, &input)?
        } else {
            let tz = self.config.time_zone.clone();
            pivot.values.iter().map(|v| Ok(crate::literal::literal_to_scalar(v, &tz)?.0)).collect::<Result<Vec<_>>>()?
        };
        for scalar in values {
            let label = pivot_label(&scalar);
            let scalar = if scalar.data_type() == pivot_type || scalar.is_null() { scalar } else { scalar.cast_to(&pivot_type)? };
            let matches = datafusion::logical_expr::binary_expr(pivot_expr.clone(), datafusion::logical_expr::Operator::IsNotDistinctFrom, Expr::Literal(scalar, None));
            let any_row = datafusion::logical_expr::ExprFunctionExt::filter(datafusion::functions_aggregate::expr_fn::count(lit(1)), matches.clone()).build()?;
            for (expr, name) in &aggregates {
                let restricted = restrict_aggregates(expr.clone(), &matches)?;
                let guarded = when(any_row.clone().gt(lit(0i64)), restricted).end()?;
                let column_name = if aggregates.len() == 1 { label.clone() } else { format!("{label}_{name}") };
                outputs.push((guarded, column_name));
            }
        }
        let generated = vec![false; outputs.len()];
        self.aggregate_outputs(input, group_exprs, outputs, &generated)
    }
}

/// The hidden aggregate, NULL without rows, by which the grand totals of
/// grouping sets are dropped on empty input.
pub const GROUPED_ROWS: &str = "__ember_grouped_rows";

/// Whether `sets` hold the empty set beside others: on empty input
/// DataFusion gives the empty set's grand-total row, Spark (grouping by the
/// grouping id too) no row. Only empty sets aggregate the whole input, as
/// Spark's global aggregation does.
fn grand_total_beside_groups(sets: &GroupingSet) -> bool {
    match sets {
        GroupingSet::Rollup(keys) | GroupingSet::Cube(keys) => !keys.is_empty(),
        GroupingSet::GroupingSets(sets) => sets.iter().any(Vec::is_empty) && sets.iter().any(|s| !s.is_empty()),
    }
}

/// `expr` with each grouping expression replaced by its grouping column.
fn substitute(expr: Expr, keys: &[(Expr, String)], key_columns: &[Expr]) -> Result<Expr> {
    Ok(expr
        .transform_down(|e| match keys.iter().position(|(k, _)| *k == e) {
            Some(i) if !matches!(e, Expr::Column(_)) => Ok(Transformed::new(key_columns[i].clone(), true, TreeNodeRecursion::Jump)),
            _ => Ok(Transformed::no(e)),
        })?
        .data)
}

/// Each aggregate in `expr` restricted to the rows where `condition` holds.
fn restrict_aggregates(expr: Expr, condition: &Expr) -> Result<Expr> {
    Ok(expr
        .transform_down(|e| match e {
            // datafusion-spark's grouped `avg` ignores FILTER: it averages
            // `CASE WHEN condition THEN x END` instead (NULLs are skipped).
            Expr::AggregateFunction(mut aggregate) if aggregate.func.name() == "avg" && aggregate.params.filter.is_none() => {
                aggregate.params.args = std::mem::take(&mut aggregate.params.args)
                    .into_iter()
                    .map(|arg| when(condition.clone(), arg).end())
                    .collect::<datafusion::common::Result<Vec<_>>>()?;
                Ok(Transformed::new(Expr::AggregateFunction(aggregate), true, TreeNodeRecursion::Jump))
            }
            Expr::AggregateFunction(mut aggregate) => {
                let filter = match aggregate.params.filter.take() {
                    Some(existing) => existing.and(condition.clone()),
                    None => condition.clone(),
                };
                aggregate.params.filter = Some(Box::new(filter));
                Ok(Transformed::new(Expr::AggregateFunction(aggregate), true, TreeNodeRecursion::Jump))
            }
            other => Ok(Transformed::no(other)),
        })?
        .data)
}

/// Spark's name for a pivot value's column: the value's text, `null` for NULL.
fn pivot_label(value: &ScalarValue) -> String {
    if value.is_null() {
        return "null".to_string();
    }
    match value {
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pivot_labels_are_plain_values() {
        assert_eq!(pivot_label(&ScalarValue::Utf8(Some("apples".into()))), "apples");
        assert_eq!(pivot_label(&ScalarValue::Int32(Some(2023))), "2023");
        assert_eq!(pivot_label(&ScalarValue::Int32(None)), "null");
    }
}
