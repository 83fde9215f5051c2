//! Spark's `collect_frequent_items(value, size)`, the aggregate behind
//! `DataFrame.freqItems`: the Karp–Schenker–Papadimitriou counter of at most
//! `size` candidate values (NULL counts as a value). A value arriving when
//! the counter is full either lowers every count by the smallest one and
//! drops those that reach zero (itself too, when its count is the smallest),
//! or lowers every count by its own.
//!
//! Spark keeps the counts in a Scala `mutable.HashMap`, and its answer lists
//! the keys in that map's iteration order, which Ember reproduces: by bucket
//! (Scala's `##` with its high half folded in, masked by the table size),
//! then by that hash, then by arrival. The table doubles when a write (new
//! key or not) would fill it to three quarters and never shrinks. Keys are
//! told apart as Scala's `==` does: `-0.0` is `0.0`, and no NaN equals
//! another. A partial counter travels in its iteration order and is rebuilt
//! in a fresh map before it is merged, as Spark deserializes it. Values
//! whose hash Ember does not know as the JVM does (binaries,
//! nested values) keep their arrival order.

use std::collections::HashMap;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Int64Type};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility};

use crate::collect_set::list_of;
use crate::hash::scala_hash_code;

/// The table size of an empty Scala `mutable.HashMap`.
const INITIAL_TABLE_SIZE: usize = 16;

/// `collect_frequent_items` as a DataFusion aggregate function of one argument.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CollectFrequentItems {
    signature: Signature,
    size: usize,
}

impl CollectFrequentItems {
    /// The aggregate call keeping at most `size` candidates of `value`.
    pub fn call(value: Expr, size: usize) -> Expr {
        let udaf = CollectFrequentItems { signature: Signature::any(1, Volatility::Immutable), size: size.max(1) };
        Expr::AggregateFunction(AggregateFunction::new_udf(Arc::new(AggregateUDF::new_from_impl(udaf)), vec![value], false, None, vec![], None))
    }

    /// The most candidates it counts.
    pub fn size(&self) -> usize {
        self.size
    }
}

impl AggregateUDFImpl for CollectFrequentItems {
    fn name(&self) -> &str {
        "collect_frequent_items"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, types: &[DataType]) -> Result<DataType> {
        Ok(list_of(types[0].clone()))
    }

    fn is_nullable(&self) -> bool {
        false
    }

    fn accumulator(&self, args: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        let value_type = args.exprs[0].data_type(args.schema)?;
        Ok(Box::new(FrequentItemsAccumulator { value_type, counts: CountMap::new(), size: self.size }))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let value_type = args.input_fields[0].data_type().clone();
        Ok(vec![
            Arc::new(Field::new(format_state_name(args.name, "values"), list_of(value_type), true)),
            Arc::new(Field::new(format_state_name(args.name, "counts"), list_of(DataType::Int64), true)),
        ])
    }
}

/// A key as Scala's `==` compares it; `None` for a NaN, which equals nothing.
fn equality_key(value: &ScalarValue) -> Option<ScalarValue> {
    match value {
        ScalarValue::Float64(Some(v)) if v.is_nan() => None,
        ScalarValue::Float32(Some(v)) if v.is_nan() => None,
        ScalarValue::Float64(Some(v)) if *v == 0.0 => Some(ScalarValue::Float64(Some(0.0))),
        ScalarValue::Float32(Some(v)) if *v == 0.0 => Some(ScalarValue::Float32(Some(0.0))),
        other => Some(other.clone()),
    }
}

#[derive(Debug)]
struct Entry {
    value: ScalarValue,
    hash: Option<i32>,
    count: i64,
    arrival: u64,
}

/// The Scala `mutable.HashMap` of counts, as far as its iteration order goes.
#[derive(Debug)]
struct CountMap {
    entries: Vec<Entry>,
    index: HashMap<ScalarValue, usize>,
    table_size: usize,
    arrivals: u64,
}

impl CountMap {
    fn new() -> Self {
        CountMap { entries: Vec::new(), index: HashMap::new(), table_size: INITIAL_TABLE_SIZE, arrivals: 0 }
    }

    fn find(&self, value: &ScalarValue) -> Option<usize> {
        self.index.get(&equality_key(value)?).copied()
    }

    /// Scala's `put0`: grows the table first when it is three quarters full
    /// counting one more, whether or not the key is new.
    fn put(&mut self, value: ScalarValue, count: i64) {
        if self.entries.len() + 1 >= self.table_size * 3 / 4 {
            self.table_size *= 2;
        }
        match self.find(&value) {
            Some(at) => self.entries[at].count = count,
            None => {
                if let Some(key) = equality_key(&value) {
                    self.index.insert(key, self.entries.len());
                }
                self.arrivals += 1;
                let hash = scala_hash_code(&value);
                self.entries.push(Entry { value, hash, count, arrival: self.arrivals });
            }
        }
    }

    fn retain_counts_above(&mut self, floor: i64) {
        self.entries.retain(|e| e.count > floor);
        self.index = self.entries.iter().enumerate().filter_map(|(at, e)| Some((equality_key(&e.value)?, at))).collect();
    }

    /// Spark's `add`: counts `value` `count` more times within `size` candidates.
    fn add(&mut self, value: ScalarValue, count: i64, size: usize) {
        if let Some(at) = self.find(&value) {
            let total = self.entries[at].count + count;
            self.put(value, total);
        } else if self.entries.len() < size {
            self.put(value, count);
        } else {
            let smallest = self.entries.iter().map(|e| e.count).min().unwrap_or(0);
            let lowered_by = if count >= smallest {
                self.put(value, count);
                self.retain_counts_above(smallest);
                smallest
            } else {
                count
            };
            self.entries.iter_mut().for_each(|e| e.count -= lowered_by);
        }
    }

    /// The entries in the map's iteration order.
    fn iteration_order(&self) -> Vec<&Entry> {
        let mut ordered: Vec<&Entry> = self.entries.iter().collect();
        if ordered.iter().all(|e| e.hash.is_some()) {
            let mask = self.table_size as u32 - 1;
            ordered.sort_by_key(|e| {
                let hash = e.hash.unwrap_or(0);
                let improved = hash ^ ((hash as u32) >> 16) as i32;
                (improved as u32 & mask, improved, e.arrival)
            });
        } else {
            ordered.sort_by_key(|e| e.arrival);
        }
        ordered
    }
}

#[derive(Debug)]
struct FrequentItemsAccumulator {
    value_type: DataType,
    counts: CountMap,
    size: usize,
}

impl Accumulator for FrequentItemsAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        for row in 0..values[0].len() {
            self.counts.add(ScalarValue::try_from_array(&values[0], row)?, 1, self.size);
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let (values, counts) = (states[0].as_list::<i32>(), states[1].as_list::<i32>());
        for row in (0..values.len()).filter(|row| values.is_valid(*row)) {
            let (values, counts) = (values.value(row), counts.value(row));
            let counts = counts.as_primitive::<Int64Type>();
            let mut partial = CountMap::new();
            for at in 0..values.len() {
                partial.put(ScalarValue::try_from_array(&values, at)?, counts.value(at));
            }
            for entry in partial.iteration_order() {
                self.counts.add(entry.value.clone(), entry.count, self.size);
            }
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        let ordered = self.counts.iteration_order();
        let values: Vec<ScalarValue> = ordered.iter().map(|e| e.value.clone()).collect();
        let counts: Vec<ScalarValue> = ordered.iter().map(|e| ScalarValue::Int64(Some(e.count))).collect();
        Ok(vec![
            ScalarValue::List(ScalarValue::new_list_nullable(&values, &self.value_type)),
            ScalarValue::List(ScalarValue::new_list_nullable(&counts, &DataType::Int64)),
        ])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let values: Vec<ScalarValue> = self.counts.iteration_order().into_iter().map(|e| e.value.clone()).collect();
        Ok(ScalarValue::List(ScalarValue::new_list_nullable(&values, &self.value_type)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.counts.entries.iter().map(|e| 2 * e.value.size() + 24).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Float32Array, Float64Array, Int32Array, Int64Array};

    fn frequent(value_type: DataType, values: ArrayRef, size: usize) -> Vec<ScalarValue> {
        let mut accumulator = FrequentItemsAccumulator { value_type, counts: CountMap::new(), size };
        accumulator.update_batch(&[values]).unwrap();
        let ScalarValue::List(list) = accumulator.evaluate().unwrap() else { panic!("a list") };
        let values = list.value(0);
        (0..values.len()).map(|i| ScalarValue::try_from_array(&values, i).unwrap()).collect()
    }

    fn text(values: &[ScalarValue]) -> String {
        values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
    }

    // The expected orders are Spark 4.3's, over one partition.
    #[test]
    fn numbers_in_the_order_of_their_scala_hash() {
        let longs = Int64Array::from(vec![-1, -2, 5, 4294967296, -4294967296]);
        assert_eq!(text(&frequent(DataType::Int64, Arc::new(longs), 100)), "-1, -4294967296, -2, 4294967296, 5");
        let doubles = Float64Array::from(vec![3.0, 1.5, -2.25, 100.125, 3.5]);
        assert_eq!(text(&frequent(DataType::Float64, Arc::new(doubles), 100)), "-2.25, 1.5, 3.5, 3, 100.125");
        let floats = Float32Array::from(vec![Some(1.5), Some(3.0), None, Some(2.0), Some(7.0)]);
        assert_eq!(text(&frequent(DataType::Float32, Arc::new(floats), 100)), "NULL, 1.5, 2, 3, 7");
    }

    #[test]
    fn zeros_are_one_key_and_nans_are_each_their_own() {
        let doubles = Float64Array::from(vec![f64::NAN, f64::NAN, -0.0, 0.0]);
        assert_eq!(text(&frequent(DataType::Float64, Arc::new(doubles), 100)), "-0, NaN, NaN");
    }

    #[test]
    fn a_repeat_grows_the_table() {
        let values: Vec<i32> = (0..11).map(|i| i * 3).chain([3]).collect();
        let got = frequent(DataType::Int32, Arc::new(Int32Array::from(values)), 100);
        assert_eq!(text(&got), "0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30");
    }

    #[test]
    fn a_full_counter_drops_the_least_counted() {
        let values: Vec<i32> = (0..30).map(|i| i % 7).chain(100..140).collect();
        assert_eq!(text(&frequent(DataType::Int32, Arc::new(Int32Array::from(values)), 10)), "136, 137, 138, 139");
    }

    #[test]
    fn merged_partial_counters_are_rebuilt_first() {
        let size = 100;
        let mut merged = FrequentItemsAccumulator { value_type: DataType::Int32, counts: CountMap::new(), size };
        for slice in [vec![0, 3, 6, 9, 12, 15], vec![18, 21, 24, 27, 30, 3]] {
            let mut partial = FrequentItemsAccumulator { value_type: DataType::Int32, counts: CountMap::new(), size };
            partial.update_batch(&[Arc::new(Int32Array::from(slice))]).unwrap();
            let state: Vec<ArrayRef> = partial.state().unwrap().iter().map(|s| s.to_array().unwrap()).collect();
            merged.merge_batch(&state).unwrap();
        }
        let ScalarValue::List(list) = merged.evaluate().unwrap() else { panic!("a list") };
        let values = list.value(0);
        let got: Vec<ScalarValue> = (0..values.len()).map(|i| ScalarValue::try_from_array(&values, i).unwrap()).collect();
        assert_eq!(text(&got), "0, 18, 3, 21, 6, 24, 9, 27, 12, 30, 15");
    }
}
