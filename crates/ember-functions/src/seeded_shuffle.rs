//! Spark's `shuffle(array, seed)`: each partition shuffles its rows' arrays
//! in turn with one Mersenne Twister seeded with `seed` plus the partition
//! index (Spark's `RandomIndicesGenerator`), so the order an array gets
//! depends on the arrays before it in its partition. The call reads each
//! row's `monotonically_increasing_id()` (the partition index and the row's
//! position in it) and keeps each partition's generator between batches; a
//! partition starts over at its first row. A NULL array draws nothing.

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListArray, UInt64Array};
use datafusion::arrow::compute::take;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};

use crate::mersenne_twister::MersenneTwister;

/// Bits of a `monotonically_increasing_id()` below its partition index.
const POSITION_BITS: u32 = 33;

/// `shuffle(array, seed)` over the rows' `monotonically_increasing_id()`.
#[derive(Debug)]
pub struct SeededShuffle {
    signature: Signature,
    seed: i64,
    /// Per partition index: the position of its next row and its generator.
    partitions: Mutex<HashMap<i64, (i64, MersenneTwister)>>,
}

impl PartialEq for SeededShuffle {
    fn eq(&self, other: &Self) -> bool {
        self.seed == other.seed
    }
}

impl Eq for SeededShuffle {}

impl Hash for SeededShuffle {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.seed.hash(state);
    }
}

impl SeededShuffle {
    /// The call shuffling `array` with `seed`; `row_id` is the row's `monotonically_increasing_id()`.
    pub fn call(array: Expr, seed: i64, row_id: Expr) -> Expr {
        let udf = SeededShuffle { signature: Signature::any(2, Volatility::Volatile), seed, partitions: Mutex::new(HashMap::new()) };
        Arc::new(ScalarUDF::new_from_impl(udf)).call(vec![array, row_id])
    }

    fn shuffled(&self, arrays: &ListArray, row_ids: &[i64]) -> Result<ListArray> {
        let mut taken = Vec::with_capacity(arrays.values().len());
        let mut partitions = self.partitions.lock().unwrap_or_else(|e| e.into_inner());
        for (row, &row_id) in row_ids.iter().enumerate() {
            let (partition, position) = (row_id >> POSITION_BITS, row_id & ((1i64 << POSITION_BITS) - 1));
            let entry = partitions.entry(partition).or_insert_with(|| (0, MersenneTwister::new(self.seed.wrapping_add(partition))));
            if position == 0 && entry.0 != 0 {
                *entry = (0, MersenneTwister::new(self.seed.wrapping_add(partition)));
            }
            entry.0 = position + 1;
            let (start, end) = (arrays.value_offsets()[row] as usize, arrays.value_offsets()[row + 1] as usize);
            if arrays.is_null(row) {
                taken.extend((start..end).map(|i| i as u64));
                continue;
            }
            taken.extend(entry.1.permutation(end - start).into_iter().map(|i| (start + i) as u64));
        }
        let values = take(arrays.values().as_ref(), &UInt64Array::from(taken), None)?;
        let field = match arrays.data_type() {
            DataType::List(field) => Arc::clone(field),
            other => return exec_err!("shuffle of {other}"),
        };
        Ok(ListArray::try_new(field, arrays.offsets().clone(), values, arrays.nulls().cloned())?)
    }
}

impl ScalarUDFImpl for SeededShuffle {
    fn name(&self) -> &str {
        "shuffle"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(arg_types[0].clone())
    }

    /// The array's own field: NULL only where the array is.
    fn return_field_from_args(&self, args: datafusion::logical_expr::ReturnFieldArgs) -> Result<datafusion::arrow::datatypes::FieldRef> {
        Ok(Arc::new(args.arg_fields[0].as_ref().clone().with_name(self.name())))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let arrays = args.args[0].to_array(rows)?;
        let row_ids = args.args[1].to_array(rows)?;
        let row_ids = row_ids.as_primitive::<Int64Type>().values();
        let Some(lists) = arrays.as_list_opt::<i32>() else {
            // A NULL of no array type stays NULL.
            return Ok(ColumnarValue::Array(arrays));
        };
        let shuffled: ArrayRef = Arc::new(self.shuffled(lists, row_ids)?);
        Ok(ColumnarValue::Array(shuffled))
    }
}
