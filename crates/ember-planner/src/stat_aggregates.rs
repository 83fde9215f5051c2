//! Spark's statistical aggregates Ember plans itself: `skewness`,
//! `kurtosis`, the variance and standard deviation family and `product`
//! (Ember's moment aggregate over DOUBLE), `corr`, `covar_samp` and
//! `covar_pop` (its co-moment aggregate),
//! `regr_count` and `try_avg`.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan, cast, lit, when};
use ember_functions::comoments::{PairMoment, PairMomentAggregate};
use ember_functions::moments::{Moment, MomentAggregate};

use crate::call_names::call_name;
use crate::error::Result;
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans `function` (lower case) if it is one of this module's; `None` leaves it to the others.
    pub(crate) fn plan_stat_aggregate(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let moment = match (function, args.len()) {
            ("skewness", 1) => Moment::Skewness,
            ("kurtosis", 1) => Moment::Kurtosis,
            ("product", 1) => Moment::Product,
            ("stddev" | "stddev_samp" | "std", 1) => Moment::StddevSample,
            ("stddev_pop", 1) => Moment::StddevPopulation,
            ("variance" | "var_samp", 1) => Moment::VarianceSample,
            ("var_pop", 1) => Moment::VariancePopulation,
            ("corr" | "covar_samp" | "covar_pop", 2) => {
                let moment = match function {
                    "corr" => PairMoment::Correlation,
                    "covar_samp" => PairMoment::CovarianceSample,
                    _ => PairMoment::CovariancePopulation,
                };
                let [x, y] = [0, 1].map(|i| cast(args[i].clone(), DataType::Float64));
                return Ok(Some((PairMomentAggregate::call(moment, x, y), call_name(function, names))));
            }
            ("regr_r2", 2) => {
                // Spark's R² is corr², NULL without spread in x and 1 without spread in y.
                let registered = |planner: &mut Self, name: &str| planner.call_registered(name, args.to_vec(), names, false, input).map(|(e, _)| e);
                let (sxx, syy) = (registered(self, "regr_sxx")?, registered(self, "regr_syy")?);
                let [y, x] = [0, 1].map(|i| cast(args[i].clone(), DataType::Float64));
                let corr = PairMomentAggregate::call(PairMoment::Correlation, y, x);
                let r2 = when(sxx.eq(lit(0.0)), lit(ScalarValue::Float64(None))).when(syy.eq(lit(0.0)), lit(1.0)).otherwise(corr.clone() * corr)?;
                return Ok(Some((r2, call_name(function, names))));
            }
            ("regr_count", 2) => {
                let both = when(args[0].clone().is_not_null().and(args[1].clone().is_not_null()), lit(1i32)).end()?;
                let count = datafusion::functions_aggregate::expr_fn::count(both);
                return Ok(Some((count, call_name(function, names))));
            }
            // A decimal average is Spark's exact one, planned with `avg`'s.
            ("try_avg", 1) if !matches!(self.type_of(&args[0], input)?, DataType::Decimal128(..)) => {
                let (avg, _) = self.call_registered("avg", args.to_vec(), names, false, input)?;
                return Ok(Some((avg, call_name(function, names))));
            }
            _ => return Ok(None),
        };
        let value = MomentAggregate::call(moment, cast(args[0].clone(), DataType::Float64));
        Ok(Some((value, call_name(function, names))))
    }
}
