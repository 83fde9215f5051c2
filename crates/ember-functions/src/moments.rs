//! Spark's `skewness`, `kurtosis`, the variance and standard deviation
//! family and `product` over DOUBLE values: central moments updated one
//! value at a time and combined across partitions as Spark's
//! `CentralMomentAgg` does, so results agree to the last digit for the same
//! order of values; NULL for no values, a sample of one, or no spread for
//! skewness and kurtosis (Spark's default, non-legacy behaviour). Over a
//! sliding window frame each frame is computed afresh, as Spark does.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility};

/// Which statistic the aggregate computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Moment {
    Skewness,
    Kurtosis,
    VarianceSample,
    VariancePopulation,
    StddevSample,
    StddevPopulation,
    #[default]
    Product,
}

/// The aggregate over a DOUBLE argument.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct MomentAggregate {
    moment: Moment,
    signature: Signature,
}

impl MomentAggregate {
    /// The aggregate call computing `moment` of `value` (a DOUBLE).
    pub fn call(moment: Moment, value: Expr) -> Expr {
        let signature = Signature::exact(vec![DataType::Float64], Volatility::Immutable);
        let udaf = Arc::new(AggregateUDF::new_from_impl(MomentAggregate { moment, signature }));
        Expr::AggregateFunction(AggregateFunction::new_udf(udaf, vec![value], false, None, vec![], None))
    }
}

impl AggregateUDFImpl for MomentAggregate {
    fn name(&self) -> &str {
        match self.moment {
            Moment::Skewness => "skewness",
            Moment::Kurtosis => "kurtosis",
            Moment::VarianceSample => "var_samp",
            Moment::VariancePopulation => "var_pop",
            Moment::StddevSample => "stddev_samp",
            Moment::StddevPopulation => "stddev_pop",
            Moment::Product => "product",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(Moments { moment: self.moment, ..Moments::default() }))
    }

    fn create_sliding_accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(FrameMoments { moment: self.moment, values: std::collections::VecDeque::new() }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(["n", "avg", "m2", "m3", "m4", "product"]
            .iter()
            .map(|name| Arc::new(Field::new(format_state_name(args.name, name), DataType::Float64, false)))
            .collect())
    }
}

/// Count, mean, central moment sums and the product of the values so far.
#[derive(Debug, Default)]
struct Moments {
    moment: Moment,
    n: f64,
    avg: f64,
    m2: f64,
    m3: f64,
    m4: f64,
    product: f64,
}

impl Moments {
    fn add(&mut self, x: f64) {
        self.product = if self.n == 0.0 { x } else { self.product * x };
        let n = self.n + 1.0;
        let delta = x - self.avg;
        let delta_n = delta / n;
        let (delta2, delta_n2) = (delta * delta, delta_n * delta_n);
        // Each higher moment from the updated lower ones, as Spark.
        self.avg += delta_n;
        self.m2 += delta * (delta - delta_n);
        self.m3 = self.m3 - 3.0 * delta_n * self.m2 + delta * (delta2 - delta_n2);
        self.m4 = self.m4 - 4.0 * delta_n * self.m3 - 6.0 * delta_n2 * self.m2 + delta * (delta * delta2 - delta_n * delta_n2);
        self.n = n;
    }

    fn combine(&mut self, other: &Moments) {
        if other.n == 0.0 {
            return;
        }
        // Spark merges into an empty buffer by the same formulas too: its
        // mean comes back as `(avg / n) * n`.
        self.product = if self.n == 0.0 { other.product } else { self.product * other.product };
        let (n1, n2) = (self.n, other.n);
        let n = n1 + n2;
        let delta = other.avg - self.avg;
        let delta_n = delta / n;
        let delta_n2 = delta_n * delta_n;
        let (m2a, m2b, m3a, m3b) = (self.m2, other.m2, self.m3, other.m3);
        self.avg += delta_n * n2;
        self.m2 = m2a + m2b + delta * delta_n * n1 * n2;
        self.m3 = m3a + m3b + delta_n2 * delta * n1 * n2 * (n1 - n2) + 3.0 * delta_n * (n1 * m2b - n2 * m2a);
        self.m4 = self.m4
            + other.m4
            + delta_n2 * delta_n * delta * n1 * n2 * (n1 * n1 - n1 * n2 + n2 * n2)
            + 6.0 * delta_n * delta_n * (n1 * n1 * m2b + n2 * n2 * m2a)
            + 4.0 * delta_n * (n1 * m3b - n2 * m3a);
        self.n = n;
    }

    fn result(&self) -> Option<f64> {
        if self.n == 0.0 {
            return None;
        }
        match self.moment {
            Moment::Product => Some(self.product),
            Moment::VariancePopulation => Some(self.m2 / self.n),
            Moment::StddevPopulation => Some((self.m2 / self.n).sqrt()),
            Moment::VarianceSample | Moment::StddevSample if self.n == 1.0 => None,
            Moment::VarianceSample => Some(self.m2 / (self.n - 1.0)),
            Moment::StddevSample => Some((self.m2 / (self.n - 1.0)).sqrt()),
            _ if self.m2 == 0.0 => None,
            Moment::Skewness => Some(self.n.sqrt() * self.m3 / (self.m2 * self.m2 * self.m2).sqrt()),
            Moment::Kurtosis => Some(self.n * self.m4 / (self.m2 * self.m2) - 3.0),
        }
    }
}

impl Accumulator for Moments {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        values[0].as_primitive::<Float64Type>().iter().flatten().for_each(|x| self.add(x));
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let column = |i: usize| states[i].as_primitive::<Float64Type>();
        for row in 0..states[0].len() {
            let [n, avg, m2, m3, m4, product] = [0, 1, 2, 3, 4, 5].map(|i| column(i).value(row));
            self.combine(&Moments { moment: self.moment, n, avg, m2, m3, m4, product });
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok([self.n, self.avg, self.m2, self.m3, self.m4, self.product].map(|v| ScalarValue::Float64(Some(v))).to_vec())
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        Ok(ScalarValue::Float64(self.result()))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }
}

/// The values of a sliding window frame, its moments computed afresh
/// from them for each frame.
#[derive(Debug)]
struct FrameMoments {
    moment: Moment,
    values: std::collections::VecDeque<f64>,
}

impl Accumulator for FrameMoments {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.values.extend(values[0].as_primitive::<Float64Type>().iter().flatten());
        Ok(())
    }

    fn retract_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let leaving = values[0].as_primitive::<Float64Type>().iter().flatten().count();
        self.values.drain(..leaving.min(self.values.len()));
        Ok(())
    }

    fn supports_retract_batch(&self) -> bool {
        true
    }

    fn merge_batch(&mut self, _: &[ArrayRef]) -> Result<()> {
        datafusion::common::not_impl_err!("merging the moments of window frames")
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        datafusion::common::not_impl_err!("the state of a window frame's moments")
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let mut moments = Moments { moment: self.moment, ..Moments::default() };
        self.values.iter().for_each(|x| moments.add(*x));
        Ok(ScalarValue::Float64(moments.result()))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.values.capacity() * std::mem::size_of::<f64>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(moment: Moment, values: &[f64]) -> Moments {
        let mut m = Moments { moment, ..Moments::default() };
        values.iter().for_each(|v| m.add(*v));
        m
    }

    #[test]
    fn matches_spark_on_small_inputs() {
        assert_eq!(of(Moment::Skewness, &[1.0, -3.0, 5.0]).result(), Some(0.0));
        // skewness(i) of 1, -3, 5, 5 on Spark 4.3.
        assert_eq!(of(Moment::Skewness, &[1.0, -3.0, 5.0, 5.0]).result(), Some(-0.49338220021815865));
        assert_eq!(of(Moment::Kurtosis, &[2.0, 4.0, 1.5]).result(), Some(-1.5));
        assert_eq!(of(Moment::Product, &[2.0, 4.0, 1.5]).result(), Some(12.0));
        assert_eq!(of(Moment::Kurtosis, &[1.0, 1.0]).result(), None);
        assert_eq!(of(Moment::Skewness, &[]).result(), None);
    }

    #[test]
    fn variances_match_spark() {
        // stddev(n), stddev_pop(n) of 1, 2, 5, 3, 7, 4, 6 on Spark 4.3: two partitions, [1, 2, 5] and the rest.
        let combined = |moment: Moment| {
            let mut left = of(moment, &[1.0, 2.0, 5.0]);
            left.combine(&of(moment, &[3.0, 7.0, 4.0, 6.0]));
            left.result()
        };
        assert_eq!(combined(Moment::StddevSample), Some(2.1602468994692865));
        assert_eq!(combined(Moment::StddevPopulation), Some(1.9999999999999998));
        assert_eq!(of(Moment::VarianceSample, &[3.0]).result(), None);
        assert_eq!(of(Moment::VariancePopulation, &[3.0]).result(), Some(0.0));
    }

    #[test]
    fn partials_combine_as_spark_combines_them() {
        // Spark 4.3 reads `VALUES (1.0), (2.0), (4.0), (8.0), (16.5)` as two
        // partitions, [1, 2] and [4, 8, 16.5]; its answers are those partials combined.
        let combined = |moment: Moment| {
            let mut left = of(moment, &[1.0, 2.0]);
            left.combine(&of(moment, &[4.0, 8.0, 16.5]));
            left.result()
        };
        assert_eq!(combined(Moment::Skewness), Some(0.9224931669965301));
        assert_eq!(combined(Moment::Kurtosis), Some(-0.6223625395757857));
    }

    #[test]
    fn combining_partials_equals_one_pass() {
        let values = [1.0, 2.5, -3.0, 7.0, 4.0, 0.5];
        let whole = of(Moment::Kurtosis, &values);
        let mut left = of(Moment::Kurtosis, &values[..2]);
        left.combine(&of(Moment::Kurtosis, &values[2..]));
        let (a, b) = (whole.result().unwrap(), left.result().unwrap());
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }
}
