//! Spark's `mode(value[, deterministic])`: the most frequent non-NULL
//! value, of the value's type; NULL without values. Among equally frequent
//! values: the smallest with `deterministic => true` (the first in the
//! order of `mode() WITHIN GROUP (ORDER BY value [DESC])`); otherwise the first
//! in the iteration order of Spark's `OpenHashMap` (slots by the Murmur3
//! hash of the value's Java `hashCode`), for the types whose hash code
//! Ember knows (integers, dates, timestamps, floats, booleans, strings),
//! and the smallest for others.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Int64Type};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility};

/// `mode` as a DataFusion aggregate function of one argument.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ModeAggregate {
    ties: Ties,
    signature: Signature,
}

/// Which of equally frequent values `mode` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Ties {
    /// The first in Spark's hash map order.
    HashOrder,
    Smallest,
    Largest,
}

impl ModeAggregate {
    /// The aggregate call `mode(value, deterministic)`.
    pub fn call(value: Expr, deterministic: bool) -> Expr {
        Self::build(value, if deterministic { Ties::Smallest } else { Ties::HashOrder })
    }

    /// `mode() WITHIN GROUP (ORDER BY value [DESC])`: ties go to the first value in that order.
    pub fn call_ordered(value: Expr, descending: bool) -> Expr {
        Self::build(value, if descending { Ties::Largest } else { Ties::Smallest })
    }

    fn build(value: Expr, ties: Ties) -> Expr {
        let udaf = ModeAggregate { ties, signature: Signature::any(1, Volatility::Immutable) };
        Expr::AggregateFunction(AggregateFunction::new_udf(Arc::new(AggregateUDF::new_from_impl(udaf)), vec![value], false, None, vec![], None))
    }
}

impl AggregateUDFImpl for ModeAggregate {
    fn name(&self) -> &str {
        "mode"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        Ok(types[0].clone())
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let value_type = args.exprs[0].data_type(args.schema)?;
        Ok(Box::new(ModeAccumulator { value_type, ties: self.ties, counts: HashMap::new() }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let list = |item: DataType| DataType::List(Arc::new(Field::new_list_field(item, true)));
        let value_type = args.input_fields[0].data_type().clone();
        Ok(vec![
            Arc::new(Field::new(format_state_name(args.name, "values"), list(value_type), true)),
            Arc::new(Field::new(format_state_name(args.name, "counts"), list(DataType::Int64), true)),
        ])
    }
}

#[derive(Debug)]
struct ModeAccumulator {
    value_type: DataType,
    ties: Ties,
    counts: HashMap<ScalarValue, i64>,
}

/// The slot of `value` in Spark's `OpenHashMap` holding `distinct` keys
/// (64 slots, doubled while more than 70% would be full).
fn hash_map_slot(value: &ScalarValue, distinct: usize) -> Option<u32> {
    let mut capacity = 64usize;
    while distinct > capacity * 7 / 10 {
        capacity *= 2;
    }
    crate::hash::java_hash_code(value).map(|code| crate::hash::hash_int(code, 0) & (capacity as u32 - 1))
}

impl ModeAccumulator {
    fn count(&mut self, values: &ArrayRef, counts: Option<&[i64]>) -> Result<()> {
        for row in 0..values.len() {
            if values.is_null(row) {
                continue;
            }
            let value = ScalarValue::try_from_array(values, row)?;
            *self.counts.entry(value).or_default() += counts.map_or(1, |c| c[row]);
        }
        Ok(())
    }
}

impl Accumulator for ModeAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.count(&values[0], None)
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let (values, counts) = (states[0].as_list::<i32>(), states[1].as_list::<i32>());
        for row in 0..values.len() {
            if values.is_null(row) {
                continue;
            }
            let row_counts = counts.value(row);
            self.count(&values.value(row), Some(row_counts.as_primitive::<Int64Type>().values()))?;
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let (values, counts): (Vec<ScalarValue>, Vec<ScalarValue>) =
            self.counts.iter().map(|(v, c)| (v.clone(), ScalarValue::Int64(Some(*c)))).unzip();
        Ok(vec![
            ScalarValue::List(ScalarValue::new_list_nullable(&values, &self.value_type)),
            ScalarValue::List(ScalarValue::new_list_nullable(&counts, &DataType::Int64)),
        ])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let Some(most) = self.counts.values().max().copied() else {
            return ScalarValue::try_from(&self.value_type);
        };
        let mut tied: Vec<&ScalarValue> = self.counts.iter().filter(|(_, c)| **c == most).map(|(v, _)| v).collect();
        tied.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
        match self.ties {
            Ties::Smallest => {}
            Ties::Largest => tied.reverse(),
            Ties::HashOrder => {
                let distinct = self.counts.len();
                tied.sort_by_key(|v| hash_map_slot(v, distinct));
            }
        }
        Ok(tied[0].clone())
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.counts.iter().map(|(v, _)| v.size() + 8).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Int32Array;

    #[test]
    fn most_frequent_then_smallest() {
        let mut mode = ModeAccumulator { value_type: DataType::Int32, ties: Ties::Smallest, counts: HashMap::new() };
        assert_eq!(mode.evaluate().unwrap(), ScalarValue::Int32(None));
        let values: ArrayRef = Arc::new(Int32Array::from(vec![Some(3), Some(2), None, Some(3), Some(2), Some(9)]));
        mode.update_batch(&[values]).unwrap();
        assert_eq!(mode.evaluate().unwrap(), ScalarValue::Int32(Some(2)));
        // Without `deterministic`: 3 is in slot 49 of Spark's hash map, 2 in slot 63.
        mode.ties = Ties::HashOrder;
        assert_eq!(mode.evaluate().unwrap(), ScalarValue::Int32(Some(3)));
        mode.ties = Ties::Largest;
        assert_eq!(mode.evaluate().unwrap(), ScalarValue::Int32(Some(3)));
    }
}
