//! Spark's `max_by(value, ordering)` and `min_by(value, ordering)`: the
//! value of the row with the largest (smallest) non-NULL ordering; among
//! rows of equal ordering, the last one seen, as Spark's update keeps the
//! old value only while it is strictly better. NULL without orderings.

use std::cmp::Ordering;
use std::collections::VecDeque;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, make_comparator};
use datafusion::arrow::compute::SortOptions;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility};

/// `max_by` or `min_by` as a DataFusion aggregate function of two arguments.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ExtremumBy {
    /// Whether the largest ordering wins (`max_by`).
    largest: bool,
    signature: Signature,
}

impl ExtremumBy {
    /// The aggregate call `max_by(value, ordering)` (`largest`) or `min_by`.
    pub fn call(value: Expr, ordering: Expr, largest: bool) -> Expr {
        let udaf = ExtremumBy { largest, signature: Signature::any(2, Volatility::Immutable) };
        Expr::AggregateFunction(AggregateFunction::new_udf(
            Arc::new(AggregateUDF::new_from_impl(udaf)),
            vec![value, ordering],
            false,
            None,
            vec![],
            None,
        ))
    }
}

impl AggregateUDFImpl for ExtremumBy {
    fn name(&self) -> &str {
        if self.largest { "max_by" } else { "min_by" }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        Ok(types[0].clone())
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let value_type = args.exprs[0].data_type(args.schema)?;
        let ordering_type = args.exprs[1].data_type(args.schema)?;
        Ok(Box::new(ExtremumByAccumulator { largest: self.largest, value_type, ordering_type, best: None }))
    }

    fn create_sliding_accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let value_type = args.exprs[0].data_type(args.schema)?;
        let ordering_type = args.exprs[1].data_type(args.schema)?;
        Ok(Box::new(FrameExtremumBy { largest: self.largest, value_type, ordering_type, rows: VecDeque::new() }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(vec![
            Arc::new(Field::new(format_state_name(args.name, "value"), args.input_fields[0].data_type().clone(), true)),
            Arc::new(Field::new(format_state_name(args.name, "ordering"), args.input_fields[1].data_type().clone(), true)),
        ])
    }
}

#[derive(Debug)]
struct ExtremumByAccumulator {
    largest: bool,
    value_type: DataType,
    ordering_type: DataType,
    /// The winning value and its ordering (as an array of one row).
    best: Option<(ScalarValue, ArrayRef)>,
}

impl ExtremumByAccumulator {
    /// How an ordering compares to one it beats: `Greater` for `max_by`.
    fn beats(&self) -> Ordering {
        if self.largest { Ordering::Greater } else { Ordering::Less }
    }

    /// Takes the rows of `values` and `orderings`, in order, as Spark's updates.
    fn update(&mut self, values: &ArrayRef, orderings: &ArrayRef) -> Result<()> {
        let compare = make_comparator(orderings.as_ref(), orderings.as_ref(), SortOptions::default())?;
        // NULL orderings are skipped (an untyped NULL's array has no validity of its own).
        let valid = orderings.logical_nulls();
        let mut winner: Option<usize> = None;
        for row in (0..orderings.len()).filter(|row| valid.as_ref().is_none_or(|nulls| nulls.is_valid(*row))) {
            match winner {
                Some(best) if compare(best, row) == self.beats() => {}
                _ => winner = Some(row),
            }
        }
        let Some(row) = winner else { return Ok(()) };
        if let Some((_, best)) = &self.best {
            let compare = make_comparator(best.as_ref(), orderings.as_ref(), SortOptions::default())?;
            if compare(0, row) == self.beats() {
                return Ok(());
            }
        }
        self.best = Some((ScalarValue::try_from_array(values, row)?, orderings.slice(row, 1)));
        Ok(())
    }
}

impl Accumulator for ExtremumByAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.update(&values[0], &values[1])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        self.update(&states[0], &states[1])
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        match &self.best {
            Some((value, ordering)) => Ok(vec![value.clone(), ScalarValue::try_from_array(ordering, 0)?]),
            None => Ok(vec![ScalarValue::try_from(&self.value_type)?, ScalarValue::try_from(&self.ordering_type)?]),
        }
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        match &self.best {
            Some((value, _)) => Ok(value.clone()),
            None => ScalarValue::try_from(&self.value_type),
        }
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.best.as_ref().map_or(0, |(v, o)| v.size() + o.get_array_memory_size())
    }
}

/// The rows of a sliding window frame, the winner found afresh among them
/// for each frame.
#[derive(Debug)]
struct FrameExtremumBy {
    largest: bool,
    value_type: DataType,
    ordering_type: DataType,
    rows: VecDeque<(ScalarValue, ScalarValue)>,
}

impl Accumulator for FrameExtremumBy {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        for row in 0..values[0].len() {
            self.rows.push_back((ScalarValue::try_from_array(&values[0], row)?, ScalarValue::try_from_array(&values[1], row)?));
        }
        Ok(())
    }

    fn retract_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        self.rows.drain(..values[0].len().min(self.rows.len()));
        Ok(())
    }

    fn supports_retract_batch(&self) -> bool {
        true
    }

    fn merge_batch(&mut self, _: &[ArrayRef]) -> Result<()> {
        datafusion::common::not_impl_err!("merging the rows of window frames")
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        datafusion::common::not_impl_err!("the state of a window frame's rows")
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let (value_type, ordering_type) = (self.value_type.clone(), self.ordering_type.clone());
        let mut frame = ExtremumByAccumulator { largest: self.largest, value_type, ordering_type, best: None };
        if !self.rows.is_empty() {
            let values = ScalarValue::iter_to_array(self.rows.iter().map(|(v, _)| v.clone()))?;
            let orderings = ScalarValue::iter_to_array(self.rows.iter().map(|(_, o)| o.clone()))?;
            frame.update(&values, &orderings)?;
        }
        frame.evaluate()
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.rows.iter().map(|(v, o)| v.size() + o.size()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Int32Array, StringArray};

    fn accumulator(largest: bool) -> ExtremumByAccumulator {
        ExtremumByAccumulator { largest, value_type: DataType::Utf8, ordering_type: DataType::Int32, best: None }
    }

    #[test]
    fn ties_go_to_the_last_row() {
        let values: ArrayRef = Arc::new(StringArray::from(vec!["a", "b", "c", "d", "e"]));
        let orderings: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), Some(3), None, Some(3), Some(1)]));
        let mut max = accumulator(true);
        max.update_batch(&[values.clone(), orderings.clone()]).unwrap();
        assert_eq!(max.evaluate().unwrap(), ScalarValue::from("d"));
        let mut min = accumulator(false);
        min.update_batch(&[values, orderings]).unwrap();
        assert_eq!(min.evaluate().unwrap(), ScalarValue::from("e"));
    }

    #[test]
    fn later_batches_win_ties_and_null_orderings_are_skipped() {
        let mut max = accumulator(true);
        assert_eq!(max.evaluate().unwrap(), ScalarValue::Utf8(None));
        let batch = |v: &str, o: Option<i32>| -> [ArrayRef; 2] {
            [Arc::new(StringArray::from(vec![v])), Arc::new(Int32Array::from(vec![o]))]
        };
        max.update_batch(&batch("x", Some(2))).unwrap();
        max.update_batch(&batch("y", None)).unwrap();
        assert_eq!(max.evaluate().unwrap(), ScalarValue::from("x"));
        max.update_batch(&batch("z", Some(2))).unwrap();
        max.update_batch(&batch("w", Some(1))).unwrap();
        assert_eq!(max.evaluate().unwrap(), ScalarValue::from("z"));
    }
}
