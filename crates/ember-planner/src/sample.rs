//! Seeded sampling: the Connect relations `Sample` (`sample`, `randomSplit`)
//! and `StatSampleBy` (`sampleBy`).
//!
//! Without replacement, as Spark: each partition draws one double per row,
//! in order, from `XORShiftRandom(seed + partition index)`, and keeps the
//! rows whose draw falls in the sample's range (`sampleBy`: under their
//! stratum's fraction). So a frame partitioned as in Spark (a `range`)
//! gives Spark's rows; `randomSplit` first sorts each partition by its
//! orderable columns, as Spark does. With replacement each row is repeated
//! a Poisson count of times, drawn per partition as Spark's sampler draws
//! it (`ember_functions::poisson_sampler`), so again Spark's rows for ranges.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::{Column, UnnestOptions};
use datafusion::functions_nested::expr_fn::range;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, col, lit};
use ember_functions::seeded_random::Draw;
use ember_protocol::connect;

use crate::error::{Result, SparkError};
use crate::partitioning::{PartitionValue, PartitionValueKind, SortWithinPartitions};
use crate::plan::{Planner, fresh_name, project_plan};

/// The seed when the client gives none (PySpark always sends one).
const DEFAULT_SEED: i64 = 0;

impl Planner<'_> {
    /// `input` with a per-partition seeded value of `kind` per row beside its columns.
    fn with_draw(&self, input: LogicalPlan, kind: PartitionValueKind) -> Result<(LogicalPlan, Expr)> {
        let name = fresh_name();
        let drawn = PartitionValue::plan(input, kind, name.clone())?;
        Ok((drawn, col(Column::new_unqualified(&name))))
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
        let with_replacement = sample.with_replacement.unwrap_or(false);
        // `sample`'s own check (a plain Java exception in Spark, without a class).
        if lower == 0.0 && !sample.deterministic_order && (upper < 0.0 || (!with_replacement && upper > 1.0)) {
            let interval = if with_replacement { "must be nonnegative with replacement" } else { "must be on interval [0, 1] without replacement" };
            let fraction = ember_functions::java_format::java_double_string(upper);
            return Err(SparkError::requirement_failed(format!("Sampling fraction ({fraction}) {interval}")));
        }
        if !(0.0..=1.0).contains(&lower) || upper < lower || (!with_replacement && upper > 1.0) {
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
        if with_replacement {
            let (drawn, copies) = self.with_draw(input, PartitionValueKind::PoissonCount { seed, mean_bits: (upper - lower).to_bits() })?;
            let copy = fresh_name();
            let mut listed = columns.clone();
            listed.push(range(lit(0i64), copies, lit(1i64)).alias(&copy));
            let repeated = LogicalPlanBuilder::from(project_plan(drawn, listed)?)
                .unnest_columns_with_options(vec![Column::new_unqualified(&copy)], UnnestOptions::new().with_preserve_nulls(false))?
                .build()?;
            return self.without_draw(repeated, &columns);
        }
        let (drawn, value) = self.with_draw(input, PartitionValueKind::SeededDraw(seed, Draw::Uniform))?;
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
        let seed = sample_by.seed.unwrap_or(DEFAULT_SEED);
        let (drawn, value) = self.with_draw(input, PartitionValueKind::SeededDraw(seed, Draw::Uniform))?;
        let fraction = if branches.is_empty() {
            lit(0.0)
        } else {
            Expr::Case(datafusion::logical_expr::Case::new(None, branches, Some(Box::new(lit(0.0)))))
        };
        let kept = LogicalPlanBuilder::from(drawn).filter(value.lt(fraction))?.build()?;
        self.without_draw(kept, &columns)
    }
}
