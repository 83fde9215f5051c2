//! Rows in Spark's `UnsafeRow` byte layout, and the order Spark's round-robin
//! exchange sorts an input partition's rows by before dealing them out
//! (`spark.sql.execution.sortBeforeRepartition`): by the row's hash code
//! (Murmur3 x86_32 with seed 42 over the row's bytes, as a signed INT), ties
//! broken by comparing the bytes.
//!
//! The layout: a null bit set of 8-byte words (bit `i` set when field `i` is
//! NULL), one 8-byte slot per field (fixed-width values, zero-extended,
//! little-endian; zero when NULL), then the variable-length region (strings,
//! binary values and decimals wider than 18 digits, each padded with zeros to
//! 8 bytes; their slot holds `offset << 32 | size`, the offset counted from
//! the row's start). Nested types, calendar intervals and other types are
//! not encoded: [`UnsafeRows::encode`] returns `None` for them.

use std::cmp::Ordering;

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, DurationMicrosecondType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, IntervalUnit, IntervalYearMonthType, TimeUnit, TimestampMicrosecondType,
};
use ember_functions::hash::{big_integer_bytes, hash_bytes};

/// Spark's seed for an `UnsafeRow`'s hash code.
const ROW_HASH_SEED: u32 = 42;

/// The most digits of a decimal Spark keeps in its 8-byte slot.
const MAX_LONG_DIGITS: u8 = 18;

/// Bytes a decimal wider than [`MAX_LONG_DIGITS`] always takes in the
/// variable-length region, NULL or not.
const WIDE_DECIMAL_BYTES: usize = 16;

/// How a column's values are laid out.
enum Field<'a> {
    /// In the slot: the slot's 8 bytes, as a little-endian word, of row `i`.
    Fixed(Box<dyn Fn(usize) -> u64 + 'a>),
    /// In the variable-length region: the bytes of row `i`.
    Bytes(Box<dyn Fn(usize) -> &'a [u8] + 'a>),
    /// A decimal of more than 18 digits: 16 bytes of the variable-length
    /// region holding its unscaled value's minimal big-endian bytes.
    WideDecimal,
    /// Spark's NullType: always NULL.
    AlwaysNull,
}

fn fixed<'a>(value: impl Fn(usize) -> u64 + 'a) -> Option<Field<'a>> {
    Some(Field::Fixed(Box::new(value)))
}

fn bytes<'a>(value: impl Fn(usize) -> &'a [u8] + 'a) -> Option<Field<'a>> {
    Some(Field::Bytes(Box::new(value)))
}

impl<'a> Field<'a> {
    /// The layout of `array`'s values, `None` for a type not encoded here.
    fn of(array: &'a ArrayRef) -> Option<Field<'a>> {
        match array.data_type() {
            DataType::Null => Some(Field::AlwaysNull),
            DataType::Boolean => {
                let values = array.as_boolean();
                fixed(move |i| u64::from(values.value(i)))
            }
            DataType::Int8 => {
                let values = array.as_primitive::<Int8Type>();
                fixed(move |i| u64::from(values.value(i) as u8))
            }
            DataType::Int16 => {
                let values = array.as_primitive::<Int16Type>();
                fixed(move |i| u64::from(values.value(i) as u16))
            }
            DataType::Int32 => {
                let values = array.as_primitive::<Int32Type>();
                fixed(move |i| u64::from(values.value(i) as u32))
            }
            DataType::Date32 => {
                let values = array.as_primitive::<Date32Type>();
                fixed(move |i| u64::from(values.value(i) as u32))
            }
            DataType::Interval(IntervalUnit::YearMonth) => {
                let values = array.as_primitive::<IntervalYearMonthType>();
                fixed(move |i| u64::from(values.value(i) as u32))
            }
            DataType::Int64 => {
                let values = array.as_primitive::<Int64Type>();
                fixed(move |i| values.value(i) as u64)
            }
            DataType::Timestamp(TimeUnit::Microsecond, _) => {
                let values = array.as_primitive::<TimestampMicrosecondType>();
                fixed(move |i| values.value(i) as u64)
            }
            DataType::Duration(TimeUnit::Microsecond) => {
                let values = array.as_primitive::<DurationMicrosecondType>();
                fixed(move |i| values.value(i) as u64)
            }
            // Spark writes every NaN as the canonical one.
            DataType::Float32 => {
                let values = array.as_primitive::<Float32Type>();
                fixed(move |i| u64::from(if values.value(i).is_nan() { f32::NAN } else { values.value(i) }.to_bits()))
            }
            DataType::Float64 => {
                let values = array.as_primitive::<Float64Type>();
                fixed(move |i| if values.value(i).is_nan() { f64::NAN } else { values.value(i) }.to_bits())
            }
            DataType::Decimal128(precision, _) if *precision <= MAX_LONG_DIGITS => {
                let values = array.as_primitive::<Decimal128Type>();
                fixed(move |i| values.value(i) as i64 as u64)
            }
            DataType::Decimal128(..) => Some(Field::WideDecimal),
            DataType::Utf8 => {
                let values = array.as_string::<i32>();
                bytes(move |i| values.value(i).as_bytes())
            }
            DataType::LargeUtf8 => {
                let values = array.as_string::<i64>();
                bytes(move |i| values.value(i).as_bytes())
            }
            DataType::Utf8View => {
                let values = array.as_string_view();
                bytes(move |i| values.value(i).as_bytes())
            }
            DataType::Binary => {
                let values = array.as_binary::<i32>();
                bytes(move |i| values.value(i))
            }
            DataType::LargeBinary => {
                let values = array.as_binary::<i64>();
                bytes(move |i| values.value(i))
            }
            DataType::BinaryView => {
                let values = array.as_binary_view();
                bytes(move |i| values.value(i))
            }
            _ => None,
        }
    }

    /// Bytes row `i` takes in the variable-length region.
    fn variable_width(&self, array: &ArrayRef, i: usize) -> usize {
        match self {
            Field::Bytes(value) if array.is_valid(i) => value(i).len().next_multiple_of(8),
            Field::WideDecimal => WIDE_DECIMAL_BYTES,
            _ => 0,
        }
    }
}

/// The `UnsafeRow` bytes of a batch's rows, one after another.
pub(super) struct UnsafeRows {
    bytes: Vec<u8>,
    /// Where each row starts in `bytes`, and where the last one ends.
    starts: Vec<usize>,
}

impl UnsafeRows {
    /// The rows of `columns` (all `rows` long) in Spark's layout; `None` when
    /// a column's type is not encoded here.
    pub(super) fn encode(columns: &[ArrayRef], rows: usize) -> Option<UnsafeRows> {
        let fields = columns.iter().map(Field::of).collect::<Option<Vec<_>>>()?;
        let null_bits = columns.len().div_ceil(64) * 8;
        let fixed_width = null_bits + 8 * columns.len();
        let mut starts = Vec::with_capacity(rows + 1);
        let mut end = 0;
        for i in 0..rows {
            starts.push(end);
            end += fixed_width + fields.iter().zip(columns).map(|(field, array)| field.variable_width(array, i)).sum::<usize>();
        }
        starts.push(end);
        let mut bytes = vec![0u8; end];
        // Where the next variable-length value of each row goes, from the row's start.
        let mut cursors = vec![fixed_width; rows];
        for (ordinal, (field, array)) in fields.iter().zip(columns).enumerate() {
            let slot = null_bits + 8 * ordinal;
            for (i, cursor) in cursors.iter_mut().enumerate() {
                let row = &mut bytes[starts[i]..starts[i + 1]];
                let null = matches!(field, Field::AlwaysNull) || array.is_null(i);
                if null {
                    row[ordinal / 8] |= 1 << (ordinal % 8);
                }
                let word = match field {
                    Field::AlwaysNull => continue,
                    Field::WideDecimal => {
                        let size = if null {
                            0
                        } else {
                            let value = big_integer_bytes(array.as_primitive::<Decimal128Type>().value(i));
                            row[*cursor..*cursor + value.len()].copy_from_slice(&value);
                            value.len()
                        };
                        let word = (*cursor as u64) << 32 | size as u64;
                        *cursor += WIDE_DECIMAL_BYTES;
                        word
                    }
                    _ if null => continue,
                    Field::Fixed(value) => value(i),
                    Field::Bytes(value) => {
                        let value = value(i);
                        row[*cursor..*cursor + value.len()].copy_from_slice(value);
                        let word = (*cursor as u64) << 32 | value.len() as u64;
                        *cursor += value.len().next_multiple_of(8);
                        word
                    }
                };
                row[slot..slot + 8].copy_from_slice(&word.to_le_bytes());
            }
        }
        Some(UnsafeRows { bytes, starts })
    }

    /// The bytes of row `i`.
    pub(super) fn row(&self, i: usize) -> &[u8] {
        &self.bytes[self.starts[i]..self.starts[i + 1]]
    }

    /// The row indexes in the order Spark sorts the rows before dealing them
    /// out round-robin.
    pub(super) fn sorted_order(&self) -> Vec<u32> {
        let rows = self.starts.len() - 1;
        let hashes: Vec<i32> = (0..rows).map(|i| hash_bytes(self.row(i), ROW_HASH_SEED) as i32).collect();
        let mut order: Vec<u32> = (0..rows as u32).collect();
        order.sort_unstable_by(|&a, &b| {
            let (a, b) = (a as usize, b as usize);
            hashes[a].cmp(&hashes[b]).then_with(|| compare_row_bytes(self.row(a), self.row(b)))
        });
        order
    }
}

/// Spark's comparison of two rows' bytes after their hash codes: the shorter
/// row first, then 8-byte words read big-endian as signed numbers. (Spark
/// reads the words from where its sorter's memory page holds each row, which
/// can shift them by 4 bytes; this compares them as it does for rows that
/// both start on an 8-byte boundary. Only distinct rows with equal hash codes
/// can tell the difference.)
fn compare_row_bytes(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| {
        let word = |chunk: &[u8]| i64::from_be_bytes(chunk.try_into().expect("rows are whole words"));
        a.chunks_exact(8).map(word).cmp(b.chunks_exact(8).map(word))
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{Decimal128Array, Float64Array, Int32Array, Int64Array, StringArray};

    use super::*;

    #[test]
    fn longs_take_the_bit_set_and_one_slot() {
        let ids: ArrayRef = Arc::new(Int64Array::from(vec![Some(3), None]));
        let rows = UnsafeRows::encode(&[ids], 2).unwrap();
        assert_eq!(rows.row(0), [0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
        assert_eq!(rows.row(1), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn strings_go_to_the_padded_variable_region() {
        let strings: ArrayRef = Arc::new(StringArray::from(vec![Some("s10"), None]));
        let ints: ArrayRef = Arc::new(Int32Array::from(vec![Some(-1), Some(7)]));
        let rows = UnsafeRows::encode(&[strings, ints], 2).unwrap();
        let mut first = vec![0u8; 8];
        first.extend((24u64 << 32 | 3).to_le_bytes());
        first.extend([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
        first.extend(b"s10\0\0\0\0\0");
        assert_eq!(rows.row(0), first.as_slice());
        assert_eq!(rows.row(1), [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn wide_decimals_always_reserve_sixteen_bytes() {
        let decimals: ArrayRef = Arc::new(Decimal128Array::from(vec![Some(-2), None]).with_precision_and_scale(20, 2).unwrap());
        let rows = UnsafeRows::encode(&[decimals], 2).unwrap();
        assert_eq!(rows.row(0).len(), 32);
        assert_eq!(&rows.row(0)[8..16], (16u64 << 32 | 1).to_le_bytes());
        assert_eq!(rows.row(0)[16], 0xfe);
        assert_eq!(&rows.row(1)[8..16], (16u64 << 32).to_le_bytes());
    }

    #[test]
    fn nested_types_are_not_encoded() {
        let list: ArrayRef = Arc::new(datafusion::arrow::array::ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1)])]));
        assert!(UnsafeRows::encode(&[list], 1).is_none());
    }

    #[test]
    fn rows_sort_by_signed_hash_code_and_nans_are_canonical() {
        let ids: ArrayRef = Arc::new(Int64Array::from((0..10).collect::<Vec<i64>>()));
        let rows = UnsafeRows::encode(&[ids], 10).unwrap();
        let hashes: Vec<i32> = rows.sorted_order().iter().map(|&i| hash_bytes(rows.row(i as usize), ROW_HASH_SEED) as i32).collect();
        assert!(hashes.is_sorted());
        let doubles: ArrayRef = Arc::new(Float64Array::from(vec![f64::NAN, -f64::NAN]));
        let nans = UnsafeRows::encode(&[doubles], 2).unwrap();
        assert_eq!(nans.row(0), nans.row(1));
    }

    #[test]
    fn equal_hashes_compare_words_as_signed_big_endian() {
        let high = [0x80, 0, 0, 0, 0, 0, 0, 0];
        let low = [0x7f, 0, 0, 0, 0, 0, 0, 0];
        assert_eq!(compare_row_bytes(&high, &low), Ordering::Less);
        assert_eq!(compare_row_bytes(&low, &[0x7f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), Ordering::Less);
    }
}
