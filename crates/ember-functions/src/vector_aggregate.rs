//! Spark's `vector_sum` and `vector_avg`: the element-wise sum or mean of
//! the `ARRAY<FLOAT>` values of a group. NULL vectors and vectors holding a
//! NULL element are skipped; a group without vectors gives NULL; vectors of
//! different lengths raise `VECTOR_DIMENSION_MISMATCH`.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float32Array, ListArray};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility};

use crate::vectors::{dimension_mismatch, vector_at};

/// Whether the aggregate sums or averages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VectorStatistic {
    Sum,
    Avg,
}

/// The aggregate over an `ARRAY<FLOAT>` argument.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct VectorAggregate {
    statistic: VectorStatistic,
    signature: Signature,
}

/// `ARRAY<FLOAT>` without NULL elements, Spark's result type.
fn float_list() -> DataType {
    ember_types::array_type(DataType::Float32, false)
}

fn double_list() -> DataType {
    DataType::List(Arc::new(Field::new("item", DataType::Float64, true)))
}

impl VectorAggregate {
    /// The aggregate call computing `statistic` of `vectors`.
    pub fn call(statistic: VectorStatistic, vectors: Expr) -> Expr {
        let signature = Signature::any(1, Volatility::Immutable);
        let udaf = Arc::new(AggregateUDF::new_from_impl(VectorAggregate { statistic, signature }));
        Expr::AggregateFunction(AggregateFunction::new_udf(udaf, vec![vectors], false, None, vec![], None))
    }
}

impl AggregateUDFImpl for VectorAggregate {
    fn name(&self) -> &str {
        match self.statistic {
            VectorStatistic::Sum => "vector_sum",
            VectorStatistic::Avg => "vector_avg",
        }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(float_list())
    }

    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(VectorTotals { statistic: self.statistic, name: self.name().to_string(), count: 0, sums: Vec::new() }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![
            Arc::new(Field::new(format_state_name(args.name, "count"), DataType::Int64, false)),
            Arc::new(Field::new(format_state_name(args.name, "sums"), double_list(), false)),
        ])
    }
}

/// How many vectors were added and their element-wise sums.
#[derive(Debug)]
struct VectorTotals {
    statistic: VectorStatistic,
    name: String,
    count: i64,
    sums: Vec<f64>,
}

impl VectorTotals {
    fn add(&mut self, count: i64, sums: impl ExactSizeIterator<Item = f64>) -> Result<()> {
        if count == 0 {
            return Ok(());
        }
        if self.count == 0 {
            self.sums = sums.collect();
        } else if self.sums.len() != sums.len() {
            return Err(dimension_mismatch(&self.name, self.sums.len(), sums.len()));
        } else {
            self.sums.iter_mut().zip(sums).for_each(|(total, x)| *total += x);
        }
        self.count += count;
        Ok(())
    }
}

impl Accumulator for VectorTotals {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let vectors = values[0].as_list::<i32>();
        for i in 0..vectors.len() {
            if let Some(Some(v)) = vector_at(vectors, i) {
                self.add(1, v.into_iter().map(f64::from))?;
            }
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let (counts, sums) = (states[0].as_primitive::<Int64Type>(), states[1].as_list::<i32>());
        for row in 0..counts.len() {
            let partial = sums.value(row);
            self.add(counts.value(row), partial.as_primitive::<Float64Type>().values().iter().copied())?;
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let sums = self.sums.iter().map(|x| ScalarValue::Float64(Some(*x))).collect::<Vec<_>>();
        Ok(vec![ScalarValue::Int64(Some(self.count)), ScalarValue::List(ScalarValue::new_list_nullable(&sums, &DataType::Float64))])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        if self.count == 0 {
            return ScalarValue::try_from(float_list());
        }
        let divisor = match self.statistic {
            VectorStatistic::Sum => 1.0,
            VectorStatistic::Avg => self.count as f64,
        };
        let DataType::List(item) = float_list() else { unreachable!("an array type is a list") };
        let values = Float32Array::from_iter_values(self.sums.iter().map(|x| (x / divisor) as f32));
        let offsets = OffsetBuffer::from_lengths([values.len()]);
        Ok(ScalarValue::List(Arc::new(ListArray::try_new(item, offsets, Arc::new(values), None)?)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.sums.capacity() * 8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn totals(statistic: VectorStatistic) -> VectorTotals {
        VectorTotals { statistic, name: "vector_sum".to_string(), count: 0, sums: Vec::new() }
    }

    #[test]
    fn sums_and_means_element_wise() {
        let mut t = totals(VectorStatistic::Avg);
        t.add(1, [1.0, 2.0].into_iter()).unwrap();
        t.add(1, [3.0, 5.0].into_iter()).unwrap();
        assert_eq!(t.sums, vec![4.0, 7.0]);
        assert!(t.add(1, [1.0].into_iter()).is_err());
        assert_eq!(totals(VectorStatistic::Sum).evaluate().unwrap(), ScalarValue::try_from(float_list()).unwrap());
    }
}
