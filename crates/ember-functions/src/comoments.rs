//! Spark's `corr`, `covar_samp` and `covar_pop` over pairs of DOUBLE
//! values: the means, co-moment and second moments updated one pair at a
//! time and combined across partitions as Spark's `Covariance` and
//! `PearsonCorrelation` do, so results agree to the last digit for the same
//! order of values (NaN stays NaN). Pairs with a NULL are skipped; NULL for
//! no pairs, and for one pair or a constant column where Spark divides by zero. Over a sliding
//! window frame each frame is computed afresh, as Spark does.

use std::collections::VecDeque;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility};

/// Which statistic of the pairs the aggregate computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PairMoment {
    Correlation,
    CovarianceSample,
    CovariancePopulation,
}

/// The aggregate over two DOUBLE arguments.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct PairMomentAggregate {
    moment: PairMoment,
    signature: Signature,
}

impl PairMomentAggregate {
    /// The aggregate call computing `moment` of the pairs of `x` and `y` (DOUBLEs).
    pub fn call(moment: PairMoment, x: Expr, y: Expr) -> Expr {
        let signature = Signature::exact(vec![DataType::Float64, DataType::Float64], Volatility::Immutable);
        let udaf = Arc::new(AggregateUDF::new_from_impl(PairMomentAggregate { moment, signature }));
        Expr::AggregateFunction(AggregateFunction::new_udf(udaf, vec![x, y], false, None, vec![], None))
    }
}

impl AggregateUDFImpl for PairMomentAggregate {
    fn name(&self) -> &str {
        match self.moment {
            PairMoment::Correlation => "corr",
            PairMoment::CovarianceSample => "covar_samp",
            PairMoment::CovariancePopulation => "covar_pop",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(CoMoments::new(self.moment)))
    }

    fn create_sliding_accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(FrameCoMoments { moment: self.moment, pairs: VecDeque::new() }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(["n", "x_avg", "y_avg", "ck", "x_mk", "y_mk"]
            .iter()
            .map(|name| Arc::new(Field::new(format_state_name(args.name, name), DataType::Float64, false)))
            .collect())
    }
}

/// Count, means, co-moment and second moments of the pairs so far.
#[derive(Debug, Clone, Copy)]
struct CoMoments {
    moment: PairMoment,
    n: f64,
    x_avg: f64,
    y_avg: f64,
    ck: f64,
    x_mk: f64,
    y_mk: f64,
}

impl CoMoments {
    fn new(moment: PairMoment) -> Self {
        CoMoments { moment, n: 0.0, x_avg: 0.0, y_avg: 0.0, ck: 0.0, x_mk: 0.0, y_mk: 0.0 }
    }

    fn add(&mut self, x: f64, y: f64) {
        let n = self.n + 1.0;
        let (dx, dy) = (x - self.x_avg, y - self.y_avg);
        self.x_avg += dx / n;
        self.y_avg += dy / n;
        self.ck += dx * (y - self.y_avg);
        self.x_mk += dx * (x - self.x_avg);
        self.y_mk += dy * (y - self.y_avg);
        self.n = n;
    }

    fn combine(&mut self, other: &CoMoments) {
        let (n1, n2) = (self.n, other.n);
        let n = n1 + n2;
        let (dx, dy) = (other.x_avg - self.x_avg, other.y_avg - self.y_avg);
        let (dx_n, dy_n) = if n == 0.0 { (0.0, 0.0) } else { (dx / n, dy / n) };
        self.x_avg += dx_n * n2;
        self.y_avg += dy_n * n2;
        self.ck += other.ck + dx * dy_n * n1 * n2;
        self.x_mk += other.x_mk + dx * dx_n * n1 * n2;
        self.y_mk += other.y_mk + dy * dy_n * n1 * n2;
        self.n = n;
    }

    fn result(&self) -> Option<f64> {
        match self.moment {
            _ if self.n == 0.0 => None,
            PairMoment::CovariancePopulation => Some(self.ck / self.n),
            _ if self.n == 1.0 => None,
            PairMoment::CovarianceSample => Some(self.ck / (self.n - 1.0)),
            // Spark's division by a zero spread is NULL.
            PairMoment::Correlation => Some((self.x_mk * self.y_mk).sqrt()).filter(|spread| *spread != 0.0).map(|spread| self.ck / spread),
        }
    }
}

/// The pairs of both arguments where neither is NULL.
fn pairs(values: &[ArrayRef]) -> impl Iterator<Item = (f64, f64)> + '_ {
    let (x, y) = (values[0].as_primitive::<Float64Type>(), values[1].as_primitive::<Float64Type>());
    x.iter().zip(y.iter()).filter_map(|(x, y)| Some((x?, y?)))
}

impl Accumulator for CoMoments {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        pairs(values).for_each(|(x, y)| self.add(x, y));
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let column = |i: usize| states[i].as_primitive::<Float64Type>();
        for row in 0..states[0].len() {
            let [n, x_avg, y_avg, ck, x_mk, y_mk] = [0, 1, 2, 3, 4, 5].map(|i| column(i).value(row));
            self.combine(&CoMoments { moment: self.moment, n, x_avg, y_avg, ck, x_mk, y_mk });
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok([self.n, self.x_avg, self.y_avg, self.ck, self.x_mk, self.y_mk].map(|v| ScalarValue::Float64(Some(v))).to_vec())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Float64(self.result()))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

/// The pairs of a sliding window frame, computed afresh for each frame.
#[derive(Debug)]
struct FrameCoMoments {
    moment: PairMoment,
    pairs: VecDeque<(f64, f64)>,
}

impl Accumulator for FrameCoMoments {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.pairs.extend(pairs(values));
        Ok(())
    }

    fn retract_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let leaving = pairs(values).count();
        self.pairs.drain(..leaving.min(self.pairs.len()));
        Ok(())
    }

    fn supports_retract_batch(&self) -> bool {
        true
    }

    fn merge_batch(&mut self, _: &[ArrayRef]) -> Result<()> {
        datafusion::common::not_impl_err!("merging the co-moments of window frames")
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        datafusion::common::not_impl_err!("the state of a window frame's co-moments")
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let mut moments = CoMoments::new(self.moment);
        self.pairs.iter().for_each(|(x, y)| moments.add(*x, *y));
        Ok(ScalarValue::Float64(moments.result()))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.pairs.capacity() * std::mem::size_of::<(f64, f64)>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(moment: PairMoment, pairs: &[(f64, f64)]) -> CoMoments {
        let mut m = CoMoments::new(moment);
        pairs.iter().for_each(|(x, y)| m.add(*x, *y));
        m
    }

    #[test]
    fn few_pairs_give_null_as_spark() {
        assert_eq!(of(PairMoment::Correlation, &[]).result(), None);
        assert_eq!(of(PairMoment::Correlation, &[(1.0, 2.0)]).result(), None);
        // A constant column: Spark divides by a zero spread, giving NULL.
        assert_eq!(of(PairMoment::Correlation, &[(3.0, 1.0), (6.0, 1.0)]).result(), None);
        assert_eq!(of(PairMoment::CovariancePopulation, &[(1.0, 2.0)]).result(), Some(0.0));
        assert_eq!(of(PairMoment::CovarianceSample, &[(1.0, 2.0), (3.0, 6.0)]).result(), Some(4.0));
    }

    #[test]
    fn nan_stays_nan_and_partials_combine() {
        assert!(of(PairMoment::Correlation, &[(1.0, 2.0), (f64::NAN, 3.0), (2.0, 5.0)]).result().unwrap().is_nan());
        let whole = of(PairMoment::CovarianceSample, &[(1.0, 2.0), (2.0, 5.0), (4.0, 4.0), (8.0, 1.0)]);
        let mut left = of(PairMoment::CovarianceSample, &[(1.0, 2.0), (2.0, 5.0)]);
        left.combine(&of(PairMoment::CovarianceSample, &[(4.0, 4.0), (8.0, 1.0)]));
        assert!((left.result().unwrap() - whole.result().unwrap()).abs() < 1e-12);
    }
}
