//! Spark's `collect_set(value)`: the distinct non-NULL values (`-0.0` as
//! `0.0`, one NaN), in the iteration order of the Scala `mutable.HashSet`
//! Spark collects them in: by bucket (the Java `hashCode`, its high half
//! folded into the low, masked by the table size), then by that hash
//! within a bucket. The table doubles when an added value (new or not)
//! would fill it to three quarters; merging partial sets sizes it for the
//! largest of them and never grows it. Values whose hash Ember does not know
//! as Java does (binaries, nested values) keep the order they came in.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::{Result, ScalarValue};
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDF, AggregateUDFImpl, Expr, Signature, Volatility};

use crate::hash::java_hash_code;

/// The table size of an empty Scala `mutable.HashSet`.
const INITIAL_CAPACITY: usize = 16;

/// `collect_set` as a DataFusion aggregate function of one argument.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CollectSet {
    signature: Signature,
}

impl CollectSet {
    /// The aggregate call `collect_set(value)`.
    pub fn call(value: Expr) -> Expr {
        let udaf = CollectSet { signature: Signature::any(1, Volatility::Immutable) };
        Expr::AggregateFunction(AggregateFunction::new_udf(Arc::new(AggregateUDF::new_from_impl(udaf)), vec![value], false, None, vec![], None))
    }
}

/// A list of `item`s that may be NULL, the type a collecting aggregate returns.
pub(crate) fn list_of(item: DataType) -> DataType {
    DataType::List(Arc::new(Field::new_list_field(item, true)))
}

impl AggregateUDFImpl for CollectSet {
    fn name(&self) -> &str {
        "collect_set"
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
        Ok(Box::new(CollectSetAccumulator::new(value_type)))
    }

    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        let value_type = args.input_fields[0].data_type().clone();
        Ok(vec![Arc::new(Field::new(format_state_name(args.name, "values"), list_of(value_type), true))])
    }
}

#[derive(Debug)]
struct CollectSetAccumulator {
    value_type: DataType,
    values: Vec<ScalarValue>,
    seen: HashSet<ScalarValue>,
    /// The size of Spark's hash table holding the values.
    capacity: usize,
}

/// `value` as Spark's set tells values apart: `-0.0` is `0.0`, NaNs are one.
fn normalized(value: ScalarValue) -> ScalarValue {
    match value {
        ScalarValue::Float64(Some(v)) if v == 0.0 => ScalarValue::Float64(Some(0.0)),
        ScalarValue::Float64(Some(v)) if v.is_nan() => ScalarValue::Float64(Some(f64::NAN)),
        ScalarValue::Float32(Some(v)) if v == 0.0 => ScalarValue::Float32(Some(0.0)),
        ScalarValue::Float32(Some(v)) if v.is_nan() => ScalarValue::Float32(Some(f32::NAN)),
        other => other,
    }
}

/// Scala's `tableSizeFor`: the power of two a hash set sized for `capacity` takes.
fn table_size_for(capacity: usize) -> usize {
    (capacity.saturating_sub(1).max(4) + 1).next_power_of_two()
}

impl CollectSetAccumulator {
    fn new(value_type: DataType) -> Self {
        Self { value_type, values: Vec::new(), seen: HashSet::new(), capacity: INITIAL_CAPACITY }
    }

    fn insert(&mut self, value: ScalarValue) {
        if self.seen.insert(value.clone()) {
            self.values.push(value);
        }
    }

    /// Where Spark's set iterates `value`: its bucket, then its hash.
    fn slot(&self, value: &ScalarValue) -> Option<(u32, i32)> {
        let hash = java_hash_code(value)?;
        let improved = hash ^ ((hash as u32) >> 16) as i32;
        Some((improved as u32 & (self.capacity as u32 - 1), improved))
    }
}

impl Accumulator for CollectSetAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        for row in (0..values[0].len()).filter(|row| values[0].is_valid(*row)) {
            if self.values.len() + 1 >= self.capacity * 3 / 4 {
                self.capacity *= 2;
            }
            self.insert(normalized(ScalarValue::try_from_array(&values[0], row)?));
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        let sets = states[0].as_list::<i32>();
        for row in (0..sets.len()).filter(|row| sets.is_valid(*row)) {
            let set = sets.value(row);
            self.capacity = self.capacity.max(table_size_for(((set.len() + 1) as f64 / 0.75) as usize));
            for index in 0..set.len() {
                self.insert(ScalarValue::try_from_array(&set, index)?);
            }
        }
        Ok(())
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        Ok(vec![ScalarValue::List(ScalarValue::new_list_nullable(&self.values, &self.value_type))])
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        let mut values = self.values.clone();
        if values.iter().all(|v| self.slot(v).is_some()) {
            values.sort_by_cached_key(|v| self.slot(v));
        }
        Ok(ScalarValue::List(ScalarValue::new_list_nullable(&values, &self.value_type)))
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.values.iter().map(|v| 2 * v.size()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Float64Array, Int32Array, Int64Array, StringArray};

    fn collected(accumulator: &mut CollectSetAccumulator) -> Vec<ScalarValue> {
        let ScalarValue::List(list) = accumulator.evaluate().unwrap() else { panic!("a list") };
        let values = list.value(0);
        (0..values.len()).map(|i| ScalarValue::try_from_array(&values, i).unwrap()).collect()
    }

    fn update(value_type: DataType, values: ArrayRef) -> CollectSetAccumulator {
        let mut accumulator = CollectSetAccumulator::new(value_type);
        accumulator.update_batch(&[values]).unwrap();
        accumulator
    }

    // The expected orders are Spark 4.3's.
    #[test]
    fn integers_by_bucket_then_hash() {
        let values = Int32Array::from(vec![5, 3, 1, 17, 33, 2, 100, -1, 65536, 16, 3]);
        let got = collected(&mut update(DataType::Int32, Arc::new(values)));
        let want: Vec<ScalarValue> = [-1, 16, 1, 17, 33, 65536, 2, 3, 100, 5].map(|v| ScalarValue::Int32(Some(v))).to_vec();
        assert_eq!(got, want);
    }

    #[test]
    fn strings_and_doubles_by_their_java_hash() {
        // Spark's two slices of the twelve local rows, merged.
        let mut merged = CollectSetAccumulator::new(DataType::Utf8);
        for slice in ["the quick brown fox jumps over", "lazy dog and more words here"] {
            let partial = update(DataType::Utf8, Arc::new(StringArray::from(slice.split(' ').collect::<Vec<_>>()))).state().unwrap();
            merged.merge_batch(&[partial[0].to_array().unwrap()]).unwrap();
        }
        let got = collected(&mut merged);
        let want = ["the", "fox", "words", "lazy", "brown", "jumps", "dog", "more", "here", "quick", "and", "over"];
        assert_eq!(got, want.map(ScalarValue::from).to_vec());
        let doubles = Float64Array::from(vec![1.5, -2.25, 0.0, -0.0, 1e300, f64::NAN, 3.0, 100.125, f64::NAN]);
        let got = collected(&mut update(DataType::Float64, Arc::new(doubles)));
        let want = [0.0, -2.25, 1e300, 1.5, 3.0, f64::NAN, 100.125];
        assert_eq!(format!("{got:?}"), format!("{:?}", want.map(|v| ScalarValue::Float64(Some(v)))));
    }

    #[test]
    fn the_table_grows_on_adds_and_is_sized_for_the_largest_partial_set_on_merges() {
        let multiples = |n: i64| Int64Array::from((0..n).map(|i| i * 1_000_003).collect::<Vec<_>>());
        // Eleven values then a repeated one: the repeat doubles the table, as in Spark.
        let mut repeated: Vec<i64> = multiples(11).values().to_vec();
        repeated.push(0);
        assert_eq!(update(DataType::Int64, Arc::new(Int64Array::from(repeated))).capacity, 32);
        // Three partial sets of ten: merged into a table of sixteen.
        let mut merged = CollectSetAccumulator::new(DataType::Int64);
        for part in 0..3i64 {
            let values = Int64Array::from((0..10).map(|i| (part * 10 + i) * 123_456_789_012).collect::<Vec<_>>());
            let state = update(DataType::Int64, Arc::new(values)).state().unwrap()[0].to_array().unwrap();
            merged.merge_batch(&[state]).unwrap();
        }
        assert_eq!(merged.capacity, 16);
        let first: Vec<i64> = collected(&mut merged)[..4].iter().map(|v| if let ScalarValue::Int64(Some(v)) = v { *v } else { 0 }).collect();
        assert_eq!(first, vec![2_592_592_569_252, 0, 123_456_789_012, 3_333_333_303_324]);
    }
}
