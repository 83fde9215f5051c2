//! `DataFrame.na`: the Connect relations `NaDrop`, `NaFill` and `NaReplace`
//! (`dropna`, `fillna`, `replace`), with Spark's rule that a value only
//! applies to the columns of a compatible type.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Case, Expr, ExprSchemable, LogicalPlan, LogicalPlanBuilder, lit, when};
use ember_functions::cast::{CastMode, spark_cast};
use ember_protocol::connect;

use crate::error::{Result, SparkError};
use crate::literal::literal_to_scalar;
use crate::plan::{ColumnInfo, Planner};

/// Which columns a value of some kind may replace or fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueKind {
    Numeric,
    String,
    Boolean,
    Other,
}

impl ValueKind {
    /// The kind of a column type or value type.
    pub(crate) fn of(data_type: &DataType) -> ValueKind {
        match data_type {
            t if t.is_numeric() => ValueKind::Numeric,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => ValueKind::String,
            DataType::Boolean => ValueKind::Boolean,
            _ => ValueKind::Other,
        }
    }
}

fn is_floating(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Float16 | DataType::Float32 | DataType::Float64)
}

impl Planner<'_> {
    /// The internal names of the columns `names` picks (every column when empty).
    fn na_targets(&mut self, names: &[String], input: &LogicalPlan) -> Result<Vec<String>> {
        if names.is_empty() {
            return Ok(input.schema().fields().iter().map(|f| f.name().clone()).collect());
        }
        let mut targets = Vec::new();
        for name in names {
            match self.resolve_column_name(name, None, input)?.0 {
                Expr::Column(c) => targets.push(c.name),
                _ => return Err(SparkError::illegal_argument(format!("cannot resolve column `{name}`"))),
            }
        }
        Ok(targets)
    }

    /// `dropna`: keeps the rows with at least `min_non_nulls` values that are
    /// neither NULL nor NaN among the chosen columns (all of them by default).
    pub(crate) fn na_drop(&mut self, drop: &connect::NaDrop) -> Result<LogicalPlan> {
        let input = self.input(&drop.input)?;
        let targets = self.na_targets(&drop.cols, &input)?;
        let required = drop.min_non_nulls.map(|n| n.max(0) as usize).unwrap_or(targets.len());
        let mut present: Option<Expr> = None;
        for name in &targets {
            let column = datafusion::prelude::col(datafusion::common::Column::new_unqualified(name));
            let data_type = column.get_type(input.schema())?;
            let mut valid = column.clone().is_not_null();
            if is_floating(&data_type) {
                valid = valid.and(Expr::Not(Box::new(datafusion::functions::expr_fn::isnan(column))));
            }
            let one = when(valid, lit(1i64)).otherwise(lit(0i64))?;
            present = Some(match present {
                Some(sum) => sum + one,
                None => one,
            });
        }
        let Some(present) = present.filter(|_| required > 0) else {
            return Ok(input);
        };
        Ok(LogicalPlanBuilder::from(input).filter(present.gt_eq(lit(required as i64)))?.build()?)
    }

    /// `fillna`: one value for every compatible column (or for the chosen
    /// ones), or one value per named column. NaN counts as missing in
    /// floating-point columns.
    pub(crate) fn na_fill(&mut self, fill: &connect::NaFill) -> Result<LogicalPlan> {
        let input = self.input(&fill.input)?;
        let tz = self.config.time_zone.clone();
        let values =
            fill.values.iter().map(|v| literal_to_scalar(v, &tz).map(|(s, _)| s)).collect::<Result<Vec<_>>>()?;
        // (internal column, value, whether the value's kind must match)
        let mut fills: Vec<(String, ScalarValue, bool)> = Vec::new();
        match values.as_slice() {
            [] => return Err(SparkError::illegal_argument("fillna without a value")),
            [value] => {
                for target in self.na_targets(&fill.cols, &input)? {
                    fills.push((target, value.clone(), true));
                }
            }
            _ if values.len() == fill.cols.len() => {
                for (name, value) in fill.cols.iter().zip(values.iter().cloned()) {
                    let target = self.na_targets(std::slice::from_ref(name), &input)?.remove(0);
                    fills.push((target, value, false));
                }
            }
            _ => return Err(SparkError::illegal_argument("fillna needs one value per column")),
        }
        let mut columns = self.columns_of(&input);
        for (expr, _) in columns.iter_mut() {
            let Expr::Column(column) = expr.clone() else { continue };
            let Some((_, value, checked)) = fills.iter().rev().find(|(t, _, _)| *t == column.name) else { continue };
            let data_type = expr.get_type(input.schema())?;
            if *checked && ValueKind::of(&data_type) != ValueKind::of(&value.data_type()) {
                continue;
            }
            if value.is_null() {
                continue;
            }
            // Spark casts the value as its non-ANSI cast does (1.5 → 1 for an int column).
            let filler = spark_cast(lit(value.clone()), data_type.clone(), CastMode::Legacy);
            let missing_as_null = if is_floating(&data_type) {
                when(datafusion::functions::expr_fn::isnan(expr.clone()), lit(ScalarValue::try_from(&data_type)?))
                    .otherwise(expr.clone())?
            } else {
                expr.clone()
            };
            *expr = datafusion::functions::expr_fn::coalesce(vec![missing_as_null, filler]);
        }
        self.keep_names(input, columns)
    }

    /// `replace`: maps values to others (or to NULL) in the chosen columns
    /// whose type is of the kind of the values being replaced.
    pub(crate) fn na_replace(&mut self, replace: &connect::NaReplace) -> Result<LogicalPlan> {
        let input = self.input(&replace.input)?;
        let tz = self.config.time_zone.clone();
        let mut pairs = Vec::new();
        for replacement in &replace.replacements {
            let old = replacement.old_value.as_ref().map(|v| literal_to_scalar(v, &tz)).transpose()?.map(|(s, _)| s);
            let new = replacement.new_value.as_ref().map(|v| literal_to_scalar(v, &tz)).transpose()?.map(|(s, _)| s);
            pairs.push((old.unwrap_or(ScalarValue::Null), new.unwrap_or(ScalarValue::Null)));
        }
        let Some(kind) = pairs.iter().find(|(old, _)| !old.is_null()).map(|(old, _)| ValueKind::of(&old.data_type())) else {
            return Ok(input);
        };
        let targets = self.na_targets(&replace.cols, &input)?;
        let mut columns = self.columns_of(&input);
        for (expr, _) in columns.iter_mut() {
            let Expr::Column(column) = expr.clone() else { continue };
            if !targets.contains(&column.name) {
                continue;
            }
            let data_type = expr.get_type(input.schema())?;
            if ValueKind::of(&data_type) != kind {
                continue;
            }
            let mut branches = Vec::new();
            // NaN and infinities match no value of a column of another kind than floats.
            let matchable = |old: &ScalarValue| is_floating(&data_type) || !matches!(old, ScalarValue::Float64(Some(v)) if !v.is_finite());
            for (old, new) in pairs.iter().filter(|(old, _)| !old.is_null() && matchable(old)) {
                let target = if new.is_null() { ScalarValue::try_from(&data_type)? } else { new.cast_to(&data_type)? };
                branches.push((Box::new(lit(old.clone())), Box::new(lit(target))));
            }
            if branches.is_empty() {
                continue;
            }
            *expr = Expr::Case(Case::new(Some(Box::new(expr.clone())), branches, Some(Box::new(expr.clone()))));
        }
        self.keep_names(input, columns)
    }

    /// Projects `columns`, keeping each one's Spark name and qualifier.
    fn keep_names(&mut self, input: LogicalPlan, columns: Vec<(Expr, ColumnInfo)>) -> Result<LogicalPlan> {
        let columns = columns
            .into_iter()
            .map(|(expr, info)| (expr, ColumnInfo { plan_ids: Vec::new(), generated_name: false, ..info }))
            .collect();
        self.project_infos(input, columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_kinds_group_compatible_types() {
        assert_eq!(ValueKind::of(&DataType::Int32), ValueKind::Numeric);
        assert_eq!(ValueKind::of(&DataType::Float64), ValueKind::Numeric);
        assert_eq!(ValueKind::of(&DataType::Decimal128(10, 2)), ValueKind::Numeric);
        assert_eq!(ValueKind::of(&DataType::Utf8), ValueKind::String);
        assert_eq!(ValueKind::of(&DataType::Boolean), ValueKind::Boolean);
        assert_eq!(ValueKind::of(&DataType::Date32), ValueKind::Other);
    }
}
