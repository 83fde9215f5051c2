//! `describe`, `summary` and `DataFrame.stat`: the Connect relations
//! `StatDescribe`, `StatSummary`, `StatCorr`, `StatCov`, `StatCrosstab`,
//! `StatFreqItems` and `StatApproxQuantile`.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Column, ScalarValue, UnnestOptions};
use datafusion::functions::expr_fn::{ceil, coalesce, greatest, isnan};
use datafusion::functions_aggregate::expr_fn::{array_agg, avg, count, max, min};
use ember_functions::comoments::{PairMoment, PairMomentAggregate};
use ember_functions::distributions::{Distribution, DistributionAggregate};
use ember_functions::frequent_items::CollectFrequentItems;
use datafusion::functions_nested::expr_fn::{array_element, cardinality, make_array};
use datafusion::logical_expr::{Expr, ExprFunctionExt, ExprSchemable, LogicalPlan, LogicalPlanBuilder, cast, lit, not, when};
use ember_functions::cast::{CastMode, spark_cast};
use ember_protocol::connect;

use crate::error::{Result, SparkError};
use crate::na::ValueKind;
use crate::plan::Planner;

/// The statistics `summary()` computes when given none.
const DEFAULT_SUMMARY: [&str; 8] = ["count", "mean", "stddev", "min", "25%", "50%", "75%", "max"];
/// The statistics `describe()` computes.
const DESCRIBE: [&str; 5] = ["count", "mean", "stddev", "min", "max"];

/// One statistic of `summary()`.
#[derive(Debug, Clone, PartialEq)]
enum Statistic {
    Count,
    Mean,
    Stddev,
    Min,
    Max,
    CountDistinct,
    ApproxCountDistinct,
    /// A percentile, as a fraction in [0, 1].
    Percentile(f64),
}

impl Statistic {
    fn parse(name: &str) -> Result<Statistic> {
        Ok(match name.to_ascii_lowercase().as_str() {
            "count" => Statistic::Count,
            "mean" => Statistic::Mean,
            "stddev" => Statistic::Stddev,
            "min" => Statistic::Min,
            "max" => Statistic::Max,
            "count_distinct" => Statistic::CountDistinct,
            "approx_count_distinct" => Statistic::ApproxCountDistinct,
            other => match other.strip_suffix('%').and_then(|p| p.trim().parse::<f64>().ok()) {
                Some(p) if (0.0..=100.0).contains(&p) => Statistic::Percentile(p / 100.0),
                _ => {
                    return Err(SparkError::illegal_argument(format!("{name} is not a recognised statistic")));
                }
            },
        })
    }
}

/// The value at fraction `p` of the non-null values of `column`: the
/// smallest value with at least `p` of the values at or below it (what
/// Spark's quantile summaries give exactly on data that fits in them).
fn quantile(column: Expr, p: f64) -> Result<Expr> {
    let sorted = array_agg(column.clone())
        .filter(column.clone().is_not_null())
        .order_by(vec![column.sort(true, false)])
        .build()?;
    let rank = greatest(vec![
        lit(1i64),
        cast(ceil(lit(p) * cast(cardinality(sorted.clone()), DataType::Float64)), DataType::Int64),
    ]);
    Ok(array_element(sorted, rank))
}

impl Planner<'_> {
    /// `describe(cols)`: count, mean, stddev, min and max of the named
    /// columns (every numeric and string column when none are named).
    pub(crate) fn describe(&mut self, describe: &connect::StatDescribe) -> Result<LogicalPlan> {
        let input = self.input(&describe.input)?;
        let columns = if describe.cols.is_empty() {
            self.summarizable_columns(&input)?
        } else {
            let mut columns = Vec::new();
            for name in &describe.cols {
                let (expr, _) = self.resolve_column_name(name, None, &input)?;
                columns.push((expr, name.clone()));
            }
            columns
        };
        let statistics = DESCRIBE.iter().map(|s| Statistic::parse(s)).collect::<Result<Vec<_>>>()?;
        self.statistics(input, columns, &statistics, DESCRIBE.iter().map(|s| s.to_string()).collect())
    }

    /// `summary(statistics)`: the statistics (Spark's eight by default) of
    /// every numeric and string column.
    pub(crate) fn summary(&mut self, summary: &connect::StatSummary) -> Result<LogicalPlan> {
        let input = self.input(&summary.input)?;
        let labels: Vec<String> = if summary.statistics.is_empty() {
            DEFAULT_SUMMARY.iter().map(|s| s.to_string()).collect()
        } else {
            summary.statistics.clone()
        };
        let statistics = labels.iter().map(|s| Statistic::parse(s)).collect::<Result<Vec<_>>>()?;
        let columns = self.summarizable_columns(&input)?;
        self.statistics(input, columns, &statistics, labels)
    }

    /// The numeric and string columns of `input` with their Spark names.
    fn summarizable_columns(&self, input: &LogicalPlan) -> Result<Vec<(Expr, String)>> {
        Ok(self
            .columns_of(input)
            .into_iter()
            .zip(input.schema().fields())
            .filter(|(_, f)| matches!(ValueKind::of(f.data_type()), ValueKind::Numeric | ValueKind::String))
            .map(|((expr, info), _)| (expr, info.name))
            .collect())
    }

    /// One row per statistic (labelled in a `summary` column) and one string
    /// column per input column, computed in a single aggregation whose row
    /// is then unnested, so the rows keep the statistics' order.
    fn statistics(
        &mut self,
        input: LogicalPlan,
        columns: Vec<(Expr, String)>,
        statistics: &[Statistic],
        labels: Vec<String>,
    ) -> Result<LogicalPlan> {
        let mut outputs = vec![(make_array(labels.iter().map(|l| lit(l.as_str())).collect()), "summary".to_string())];
        for (column, spark_name) in columns {
            let data_type = column.get_type(input.schema())?;
            let values = statistics
                .iter()
                .map(|statistic| Ok(spark_cast(statistic_expr(statistic, column.clone(), &data_type)?, DataType::Utf8, CastMode::Ansi)))
                .collect::<Result<Vec<_>>>()?;
            outputs.push((make_array(values), spark_name));
        }
        let generated = vec![false; outputs.len()];
        let listed = self.aggregate_outputs(input, Vec::new(), outputs, &generated)?;
        let lists = listed.schema().fields().iter().map(|f| Column::new_unqualified(f.name())).collect();
        Ok(LogicalPlanBuilder::from(listed)
            .unnest_columns_with_options(lists, UnnestOptions::new().with_preserve_nulls(false))?
            .build()?)
    }

    /// `stat.corr(a, b)`: Pearson's correlation as one double.
    pub(crate) fn stat_corr(&mut self, corr: &connect::StatCorr) -> Result<LogicalPlan> {
        if corr.method.as_deref().is_some_and(|m| m != "pearson") {
            return Err(SparkError::illegal_argument("Currently only the calculation of the Pearson Correlation coefficient is supported."));
        }
        self.pair_statistic(&corr.input, &corr.col1, &corr.col2, "corr", |a, b| PairMomentAggregate::call(PairMoment::Correlation, a, b))
    }

    /// `stat.cov(a, b)`: the sample covariance as one double.
    pub(crate) fn stat_cov(&mut self, cov: &connect::StatCov) -> Result<LogicalPlan> {
        self.pair_statistic(&cov.input, &cov.col1, &cov.col2, "covar_samp", |a, b| PairMomentAggregate::call(PairMoment::CovarianceSample, a, b))
    }

    fn pair_statistic(
        &mut self,
        input: &Option<Box<connect::Relation>>,
        first: &str,
        second: &str,
        name: &str,
        statistic: impl Fn(Expr, Expr) -> Expr,
    ) -> Result<LogicalPlan> {
        let input = self.input(input)?;
        let (a, _) = self.resolve_column_name(first, None, &input)?;
        let (b, _) = self.resolve_column_name(second, None, &input)?;
        // Spark reads a NULL of either column as 0.
        let as_double = |e: Expr| datafusion::functions::expr_fn::coalesce(vec![cast(e, DataType::Float64), lit(0.0)]);
        let value = statistic(as_double(a), as_double(b));
        self.aggregate_outputs(input, Vec::new(), vec![(value, format!("{name}({first}, {second})"))], &[false])
    }

    /// `stat.approxQuantile(cols, probabilities, relativeError)`: one row
    /// holding, per column, the list of its quantiles as doubles, by Spark's
    /// Greenwald-Khanna summaries (exact for a relative error of 0).
    pub(crate) fn approx_quantile(&mut self, quantile_rel: &connect::StatApproxQuantile) -> Result<LogicalPlan> {
        let input = self.input(&quantile_rel.input)?;
        if quantile_rel.relative_error < 0.0 {
            let error = ember_functions::java_format::java_double_string(quantile_rel.relative_error);
            return Err(SparkError::requirement_failed(format!("Relative Error must be non-negative but got {error}")));
        }
        if !quantile_rel.probabilities.iter().all(|p| (0.0..=1.0).contains(p)) {
            return Err(SparkError::requirement_failed("percentile should be in the range [0.0, 1.0]"));
        }
        let accuracy = (1.0 / quantile_rel.relative_error).ceil().min(f64::from(i32::MAX)) as i64;
        let mut per_column = Vec::new();
        for name in &quantile_rel.cols {
            let (column, _) = self.resolve_column_name(name, None, &input)?;
            if ValueKind::of(&column.get_type(input.schema())?) != ValueKind::Numeric {
                return Err(SparkError::illegal_argument(format!("Quantile calculation for column {name} with data type not numeric is not supported.")));
            }
            // Spark's `percentile_approx` of the values that are neither NULL nor NaN, at the
            // accuracy the relative error asks for; no such values give no quantiles.
            let value = cast(column, DataType::Float64);
            let distribution = Distribution::ApproxPercentile { percentages: quantile_rel.probabilities.clone(), array: true, accuracy };
            let quantiles = DistributionAggregate::call("percentile_approx", distribution, DataType::Float64, vec![value.clone()])
                .filter(not(isnan(value)))
                .build()?;
            let empty = lit(ScalarValue::List(ScalarValue::new_list(&[], &DataType::Float64, true)));
            per_column.push(coalesce(vec![quantiles, empty]));
        }
        self.aggregate_outputs(input, Vec::new(), vec![(make_array(per_column), "approx_quantile".to_string())], &[false])
    }

    /// `crosstab(a, b)`: one row per value of `a` (as a string, in column
    /// `a_b`) and one count column per value of `b`, in sorted order.
    pub(crate) fn crosstab(&mut self, crosstab: &connect::StatCrosstab) -> Result<LogicalPlan> {
        let input = self.input(&crosstab.input)?;
        let (first, _) = self.resolve_column_name(&crosstab.col1, None, &input)?;
        let (second, _) = self.resolve_column_name(&crosstab.col2, None, &input)?;
        // Spark orders the value columns by their names.
        let mut values: Vec<(String, ScalarValue)> = self
            .distinct_values(&second, &crosstab.col2, &input)?
            .into_iter()
            .map(|v| (if v.is_null() { "null".to_string() } else { text_of(&v) }, v))
            .collect();
        values.sort_by(|a, b| a.0.cmp(&b.0));
        let as_text = |e: Expr| spark_cast(e, DataType::Utf8, CastMode::Ansi);
        let key = self.new_column(&format!("{}_{}", crosstab.col1, crosstab.col2));
        let key_expr = when(first.clone().is_null(), lit("null")).otherwise(as_text(first.clone()))?;
        let mut counts = Vec::new();
        for (label, value) in values {
            let matches = datafusion::logical_expr::binary_expr(
                second.clone(),
                datafusion::logical_expr::Operator::IsNotDistinctFrom,
                lit(value),
            );
            let name = self.new_column(&label);
            counts.push(count(lit(1)).filter(matches).build()?.alias(name));
        }
        Ok(LogicalPlanBuilder::from(input).aggregate(vec![key_expr.alias(&key)], counts)?.build()?)
    }

    /// `freqItems(cols, support)`: per column, the values that may occur in
    /// more than `support` of the rows, by Spark's aggregate counting at most
    /// `1 / support` candidates (so false positives are possible).
    pub(crate) fn freq_items(&mut self, freq: &connect::StatFreqItems) -> Result<LogicalPlan> {
        let input = self.input(&freq.input)?;
        let support = freq.support.unwrap_or(0.01);
        if !(1e-4..=1.0).contains(&support) {
            return Err(SparkError::illegal_argument(format!("Support ({support}) must be greater than 1e-4.")));
        }
        let size = (1.0 / support) as usize;
        let mut aggregates = Vec::new();
        for name in &freq.cols {
            let (column, _) = self.resolve_column_name(name, None, &input)?;
            let internal = self.new_column(&format!("{name}_freqItems"));
            aggregates.push(CollectFrequentItems::call(column, size).alias(internal));
        }
        let input = self.as_local_slices(input);
        Ok(LogicalPlanBuilder::from(input).aggregate(Vec::<Expr>::new(), aggregates)?.build()?)
    }
}

/// The aggregate computing `statistic` of `column`; NULL where Spark gives
/// none (percentiles of strings, statistics of other types).
fn statistic_expr(statistic: &Statistic, column: Expr, data_type: &DataType) -> Result<Expr> {
    let kind = ValueKind::of(data_type);
    let as_double = || match kind {
        ValueKind::Numeric => cast(column.clone(), DataType::Float64),
        _ => spark_cast(column.clone(), DataType::Float64, CastMode::Try),
    };
    // An aggregate still, so that statistics of strings alone aggregate something.
    let null = || Ok(max(lit(ScalarValue::Utf8(None))));

    Ok(match statistic {
        Statistic::Count => count(column),
        Statistic::Mean if matches!(data_type, DataType::Decimal128(..)) => avg(column),
        Statistic::Mean => avg(as_double()),
        Statistic::Stddev => ember_functions::moments::MomentAggregate::call(ember_functions::moments::Moment::StddevSample, as_double()),
        Statistic::Min => min(column),
        Statistic::Max => max(column),
        // The approximate count is exact (Spark's sketch is, on small data).
        Statistic::CountDistinct | Statistic::ApproxCountDistinct => count(column).distinct().build()?,
        // Spark's percentile of a decimal reads as the double it computes (`1.1` for 1.10).
        Statistic::Percentile(p) if matches!(data_type, DataType::Decimal128(..)) => cast(quantile(column, *p)?, DataType::Float64),
        Statistic::Percentile(p) if kind == ValueKind::Numeric => quantile(column, *p)?,
        Statistic::Percentile(_) => return null(),
    })
}

/// A value's text as Spark casts it to a string.
fn text_of(value: &ScalarValue) -> String {
    match value {
        ScalarValue::Float64(Some(v)) => ember_functions::java_format::java_double_string(*v),
        ScalarValue::Float32(Some(v)) => ember_functions::java_format::java_float_string(*v),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_parse_names_and_percentiles() {
        assert_eq!(Statistic::parse("MEAN").unwrap(), Statistic::Mean);
        assert_eq!(Statistic::parse("25%").unwrap(), Statistic::Percentile(0.25));
        assert!(Statistic::parse("101%").is_err());
        assert!(Statistic::parse("median").is_err());
    }
}
