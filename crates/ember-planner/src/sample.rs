//! Seeded sampling: the Connect relations `Sample` (`sample`, `randomSplit`)
//! and `StatSampleBy` (`sampleBy`).
//!
//! Without replacement, as Spark: each partition draws one double per row,
//! in order, from `XORShiftRandom(seed + partition index)`, and keeps the
//! rows whose draw falls in the sample's range (`sampleBy`: under their
//! stratum's fraction). So a frame partitioned as in Spark (a `range`)
//! gives Spark's rows; `randomSplit` first sorts each partition by its
//! orderable columns, as Spark does. With replacement each row draws a
//! Poisson count from a generator seeded by the seed and the row's
//! position, which is not Spark's sampler.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Int64Array};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Column, UnnestOptions};
use datafusion::functions_nested::expr_fn::range;
use datafusion::functions_window::expr_fn::row_number;
use datafusion::logical_expr::{
    ColumnarValue, Expr, LogicalPlan, LogicalPlanBuilder, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility, cast, col, lit,
};
use ember_protocol::connect;

use crate::error::{Result, SparkError};
use crate::partitioning::{PartitionValue, PartitionValueKind, SortWithinPartitions};
use crate::plan::{Planner, fresh_name, project_plan};

/// The seed when the client gives none (PySpark always sends one).
const DEFAULT_SEED: i64 = 0;

/// SplitMix64 of `seed` and a row position: 64 well-mixed bits.
fn mix(seed: i64, position: i64) -> u64 {
    let mut z = (seed as u64).wrapping_add((position as u64).wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform draw in [0, 1) for a row position.
fn uniform(seed: i64, position: i64) -> f64 {
    (mix(seed, position) >> 11) as f64 / (1u64 << 53) as f64
}

/// How many copies of a row a Poisson(`mean`) draw gives (sampling with
/// replacement), by inverting the distribution at a uniform draw.
fn poisson(seed: i64, position: i64, mean: f64) -> i64 {
    let u = uniform(seed ^ 0x5DEE_CE66_D, position);
    let mut k = 0i64;
    let mut probability = (-mean).exp();
    let mut cumulative = probability;
    while u > cumulative && k < 10_000 {
        k += 1;
        probability *= mean / k as f64;
        cumulative += probability;
    }
    k
}

/// The seeded Poisson count (with this mean) of a row position.
#[derive(Debug, PartialEq)]
struct SeededPoisson {
    seed: i64,
    mean: f64,
    signature: Signature,
}

impl Eq for SeededPoisson {}

impl std::hash::Hash for SeededPoisson {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.seed.hash(state);
    }
}

impl ScalarUDFImpl for SeededPoisson {
    fn name(&self) -> &str {
        "seeded_poisson"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> datafusion::error::Result<DataType> {
        Ok(DataType::Int64)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> datafusion::error::Result<ColumnarValue> {
        let positions = args.args[0].to_array(args.number_rows)?;
        let positions = positions
            .as_any()
            .downcast_ref::<Int64Array>()
            .ok_or_else(|| datafusion::error::DataFusionError::Internal("row positions must be longs".into()))?;
        let array: ArrayRef = Arc::new(positions.iter().map(|p| p.map(|p| poisson(self.seed, p, self.mean))).collect::<Int64Array>());
        Ok(ColumnarValue::Array(array))
    }
}

impl Planner<'_> {
    /// `input` with Spark's seeded uniform draw per row beside its columns.
    fn with_draw(&self, input: LogicalPlan, seed: i64) -> Result<(LogicalPlan, Expr)> {
        let name = fresh_name();
        let drawn = PartitionValue::plan(input, PartitionValueKind::SeededDraw(seed), name.clone())?;
        Ok((drawn, col(Column::new_unqualified(&name))))
    }

    /// `input` with a seeded Poisson count (of mean `mean`) per row beside its columns.
    fn with_poisson_count(&self, input: LogicalPlan, seed: i64, mean: f64) -> Result<(LogicalPlan, Expr)> {
        let position = fresh_name();
        let numbered = LogicalPlanBuilder::from(input).window(vec![row_number().alias(&position)])?.build()?;
        let udf = ScalarUDF::new_from_impl(SeededPoisson { seed, mean, signature: Signature::any(1, Volatility::Immutable) });
        let value = udf.call(vec![cast(col(Column::new_unqualified(&position)), DataType::Int64)]);
        let name = fresh_name();
        let mut columns: Vec<Expr> = numbered
            .schema()
            .fields()
            .iter()
            .filter(|f| *f.name() != position)
            .map(|f| col(Column::new_unqualified(f.name())))
            .collect();
        columns.push(value.alias(&name));
        Ok((project_plan(numbered, columns)?, col(Column::new_unqualified(&name))))
    }

    /// The plan's columns, without the draw.
    fn without_draw(&self, plan: LogicalPlan, columns: &[Expr]) -> Result<LogicalPlan> {
        Ok(project_plan(plan, columns.to_vec())?)
    }

    /// `sample(withReplacement, fraction, seed)` and each part of
    /// `randomSplit`: the rows whose draw falls in [lower, upper), or, with
    /// replacement, each row a Poisson number of times.
    pub(crate) fn sample(&mut self, sample: &connect::Sample) -> Result<LogicalPlan> {
        let mut input = self.input(&sample.input)?;
        let (lower, upper) = (sample.lower_bound, sample.upper_bound);
        if !(0.0..=1.0).contains(&lower) || upper < lower || (!sample.with_replacement.unwrap_or(false) && upper > 1.0) {
            return Err(SparkError::illegal_argument(format!(
                "requirement failed: Upper bound ({upper}) must be <= 1.0 and not less than lower bound ({lower})"
            )));
        }
        if sample.deterministic_order {
            // randomSplit: every part must see the rows in one order (by the
            // columns that have one; maps have none).
            let order: Vec<_> = input
                .schema()
                .fields()
                .iter()
                .filter(|f| !matches!(f.data_type(), DataType::Map(..)))
                .map(|f| col(Column::new_unqualified(f.name())).sort(true, true))
                .collect();
            if !order.is_empty() {
                input = SortWithinPartitions::plan(input, order);
            }
        }
        let columns: Vec<Expr> = self.columns_of(&input).into_iter().map(|(e, _)| e).collect();
        let seed = sample.seed.unwrap_or(DEFAULT_SEED);
        if sample.with_replacement.unwrap_or(false) {
            let (drawn, copies) = self.with_poisson_count(input, seed, upper - lower)?;
            let copy = fresh_name();
            let mut listed = columns.clone();
            listed.push(range(lit(0i64), copies, lit(1i64)).alias(&copy));
            let repeated = LogicalPlanBuilder::from(project_plan(drawn, listed)?)
                .unnest_columns_with_options(vec![Column::new_unqualified(&copy)], UnnestOptions::new().with_preserve_nulls(false))?
                .build()?;
            return self.without_draw(repeated, &columns);
        }
        let (drawn, value) = self.with_draw(input, seed)?;
        let kept = LogicalPlanBuilder::from(drawn)
            .filter(value.clone().gt_eq(lit(lower)).and(value.lt(lit(upper))))?
            .build()?;
        self.without_draw(kept, &columns)
    }

    /// `sampleBy(col, fractions, seed)`: each row kept with the fraction of
    /// its stratum (0 for strata not listed).
    pub(crate) fn sample_by(&mut self, sample_by: &connect::StatSampleBy) -> Result<LogicalPlan> {
        let input = self.input(&sample_by.input)?;
        let stratum = sample_by.col.as_ref().ok_or_else(|| SparkError::illegal_argument("sampleBy without a column"))?;
        let (stratum, _) = self.plan_expr(stratum, &input)?;
        let tz = self.config.time_zone.clone();
        let mut branches = Vec::new();
        for fraction in &sample_by.fractions {
            let value = fraction.stratum.as_ref().ok_or_else(|| SparkError::illegal_argument("sampleBy without a stratum"))?;
            let (value, _) = crate::literal::literal_to_scalar(value, &tz)?;
            if !(0.0..=1.0).contains(&fraction.fraction) {
                return Err(SparkError::illegal_argument(format!(
                    "requirement failed: Fractions must be in [0, 1], but got {}.",
                    fraction.fraction
                )));
            }
            branches.push((Box::new(stratum.clone().eq(lit(value))), Box::new(lit(fraction.fraction))));
        }
        let columns: Vec<Expr> = self.columns_of(&input).into_iter().map(|(e, _)| e).collect();
        let (drawn, value) = self.with_draw(input, sample_by.seed.unwrap_or(DEFAULT_SEED))?;
        let fraction = if branches.is_empty() {
            lit(0.0)
        } else {
            Expr::Case(datafusion::logical_expr::Case::new(None, branches, Some(Box::new(lit(0.0)))))
        };
        let kept = LogicalPlanBuilder::from(drawn).filter(value.lt(fraction))?.build()?;
        self.without_draw(kept, &columns)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uniform_draws_are_seeded_and_spread() {
        assert_eq!(uniform(7, 3), uniform(7, 3));
        assert_ne!(uniform(7, 3), uniform(8, 3));
        let draws: Vec<f64> = (0..10_000).map(|p| uniform(42, p)).collect();
        assert!(draws.iter().all(|d| (0.0..1.0).contains(d)));
        let below_half = draws.iter().filter(|d| **d < 0.5).count();
        assert!((4_700..5_300).contains(&below_half));
    }

    #[test]
    fn poisson_counts_average_the_mean() {
        let total: i64 = (0..10_000).map(|p| poisson(1, p, 2.0)).sum();
        assert!((19_000..21_000).contains(&total));
    }
}
