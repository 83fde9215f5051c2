//! Spark's `mode(value[, deterministic])`: the most frequent non-NULL
//! value, of the value's type; among equally frequent values the smallest
//! (what Spark guarantees with `deterministic => true`); NULL without values.

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
    signature: Signature,
}

impl ModeAggregate {
    /// The aggregate call `mode(value)`.
    pub fn call(value: Expr) -> Expr {
        let udaf = ModeAggregate { signature: Signature::any(1, Volatility::Immutable) };
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
        Ok(Box::new(ModeAccumulator { value_type, counts: HashMap::new() }))
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
    counts: HashMap<ScalarValue, i64>,
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
        let most = self.counts.iter().max_by(|(a, x), (b, y)| x.cmp(y).then_with(|| b.partial_cmp(a).unwrap_or(std::cmp::Ordering::Equal)));
        match most {
            Some((value, _)) => Ok(value.clone()),
            None => ScalarValue::try_from(&self.value_type),
        }
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
        let mut mode = ModeAccumulator { value_type: DataType::Int32, counts: HashMap::new() };
        assert_eq!(mode.evaluate().unwrap(), ScalarValue::Int32(None));
        let values: ArrayRef = Arc::new(Int32Array::from(vec![Some(3), Some(2), None, Some(3), Some(2), Some(9)]));
        mode.update_batch(&[values]).unwrap();
        assert_eq!(mode.evaluate().unwrap(), ScalarValue::Int32(Some(2)));
    }
}
