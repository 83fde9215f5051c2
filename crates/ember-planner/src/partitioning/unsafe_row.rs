//! Rows in Spark's `UnsafeRow` byte layout, and the order Spark's round-robin
//! exchange sorts an input partition's rows by before dealing them out
//! (`spark.sql.execution.sortBeforeRepartition`): by the row's hash code
//! (Murmur3 x86_32 with seed 42 over the row's bytes, as a signed INT), ties
//! broken by comparing the bytes.
//!
//! A row: a null bit set of 8-byte words (bit `i` set when field `i` is
//! NULL), one 8-byte slot per field (fixed-width values, zero-extended,
//! little-endian, TIME as nanoseconds; zero when NULL), then the variable-length region, each
//! value padded with zeros to 8 bytes and its slot holding
//! `offset << 32 | size`, the offset counted from the row's start:
//! strings and binary values; decimals wider than 18 digits (their
//! unscaled value's minimal big-endian bytes, 16 bytes reserved even when
//! NULL); calendar intervals (months and days as 4-byte INTs, then
//! microseconds, 16 bytes reserved even when NULL); variants (the value's
//! length as a 4-byte INT, the value, the metadata); structs as nested rows;
//! arrays as `UnsafeArrayData` (the element count as an 8-byte word, a null
//! bit set of words, each element in as many bytes as its type is wide
//! (1, 2, 4 or 8; variable-length ones in an 8-byte `offset << 32 | size`
//! slot, the offset counted from the array's start), padded to a word, then
//! the variable-length elements); maps as the byte size of their key array
//! in an 8-byte word, the key array and the value array. Spatial types are
//! not encoded: [`UnsafeRows::encode`] returns `None` for them.

use std::cmp::Ordering;
use std::ops::Range;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BinaryArray, GenericListArray, MapArray, OffsetSizeTrait, PrimitiveArray, StructArray,
};
use datafusion::arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, DurationMicrosecondType, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type,
    Int64Type, IntervalMonthDayNanoType, IntervalUnit, IntervalYearMonthType, Time64NanosecondType, TimeUnit,
    TimestampMicrosecondType,
};
use ember_functions::hash::{big_integer_bytes, hash_bytes};
use ember_types::{is_variant_fields, spatial_of};

/// Spark's seed for an `UnsafeRow`'s hash code.
const ROW_HASH_SEED: u32 = 42;

/// The most digits of a decimal Spark keeps in its 8-byte slot.
const MAX_LONG_DIGITS: u8 = 18;

/// Bytes a decimal wider than [`MAX_LONG_DIGITS`] always takes in a row's
/// variable-length region, NULL or not.
const WIDE_DECIMAL_BYTES: usize = 16;

/// Bytes a calendar interval takes in the variable-length region (in a row
/// also when NULL).
const INTERVAL_BYTES: usize = 16;

/// Nanoseconds in the microsecond Spark keeps a calendar interval's time in.
const NANOS_PER_MICRO: i64 = 1_000;

/// How the values of one column (or of a nested one) are laid out.
enum Layout<'a> {
    /// In the slot (or in `width` bytes of an array): the little-endian
    /// bits of row `i`'s value, zero-extended.
    Fixed { width: usize, bits: Box<dyn Fn(usize) -> u64 + 'a> },
    /// Bytes in the variable-length region.
    Bytes(Box<dyn Fn(usize) -> &'a [u8] + 'a>),
    /// A decimal of more than 18 digits: its unscaled value's minimal
    /// big-endian bytes in the variable-length region.
    WideDecimal(&'a PrimitiveArray<Decimal128Type>),
    /// Spark's calendar interval: months, days and microseconds.
    CalendarInterval(&'a PrimitiveArray<IntervalMonthDayNanoType>),
    /// A variant's value and metadata.
    Variant { value: &'a BinaryArray, metadata: &'a BinaryArray },
    /// A nested row of the fields.
    Struct(Vec<Value<'a>>),
    /// An array of the elements in each row's range.
    List { ranges: Box<dyn Fn(usize) -> Range<usize> + 'a>, element: Box<Value<'a>> },
    /// A map's keys and values in each row's range.
    Map { map: &'a MapArray, keys: Box<Value<'a>>, values: Box<Value<'a>> },
    /// Spark's NullType: always NULL.
    AlwaysNull,
}

/// An Arrow array and how its values are laid out.
struct Value<'a> {
    array: &'a dyn Array,
    layout: Layout<'a>,
}

fn fixed<'a>(width: usize, bits: impl Fn(usize) -> u64 + 'a) -> Option<Layout<'a>> {
    Some(Layout::Fixed { width, bits: Box::new(bits) })
}

fn bytes<'a>(value: impl Fn(usize) -> &'a [u8] + 'a) -> Option<Layout<'a>> {
    Some(Layout::Bytes(Box::new(value)))
}

fn list<'a, O: OffsetSizeTrait>(lists: &'a GenericListArray<O>) -> Option<Layout<'a>> {
    let offsets = lists.value_offsets();
    let element = Box::new(Value::of(lists.values().as_ref())?);
    Some(Layout::List { ranges: Box::new(move |i| offsets[i].as_usize()..offsets[i + 1].as_usize()), element })
}

impl<'a> Value<'a> {
    /// The layout of `array`'s values, `None` for a type not encoded here.
    fn of(array: &'a dyn Array) -> Option<Value<'a>> {
        let layout = match array.data_type() {
            DataType::Null => Some(Layout::AlwaysNull),
            DataType::Boolean => {
                let values = array.as_boolean();
                fixed(1, move |i| u64::from(values.value(i)))
            }
            DataType::Int8 => {
                let values = array.as_primitive::<Int8Type>();
                fixed(1, move |i| u64::from(values.value(i) as u8))
            }
            DataType::Int16 => {
                let values = array.as_primitive::<Int16Type>();
                fixed(2, move |i| u64::from(values.value(i) as u16))
            }
            DataType::Int32 => {
                let values = array.as_primitive::<Int32Type>();
                fixed(4, move |i| u64::from(values.value(i) as u32))
            }
            DataType::Date32 => {
                let values = array.as_primitive::<Date32Type>();
                fixed(4, move |i| u64::from(values.value(i) as u32))
            }
            DataType::Interval(IntervalUnit::YearMonth) => {
                let values = array.as_primitive::<IntervalYearMonthType>();
                fixed(4, move |i| u64::from(values.value(i) as u32))
            }
            DataType::Int64 => {
                let values = array.as_primitive::<Int64Type>();
                fixed(8, move |i| values.value(i) as u64)
            }
            DataType::Timestamp(TimeUnit::Microsecond, _) => {
                let values = array.as_primitive::<TimestampMicrosecondType>();
                fixed(8, move |i| values.value(i) as u64)
            }
            DataType::Duration(TimeUnit::Microsecond) => {
                let values = array.as_primitive::<DurationMicrosecondType>();
                fixed(8, move |i| values.value(i) as u64)
            }
            // Spark keeps a TIME as nanoseconds since midnight.
            DataType::Time64(TimeUnit::Nanosecond) => {
                let values = array.as_primitive::<Time64NanosecondType>();
                fixed(8, move |i| values.value(i) as u64)
            }
            // Spark writes every NaN as the canonical one.
            DataType::Float32 => {
                let values = array.as_primitive::<Float32Type>();
                fixed(4, move |i| u64::from(if values.value(i).is_nan() { f32::NAN } else { values.value(i) }.to_bits()))
            }
            DataType::Float64 => {
                let values = array.as_primitive::<Float64Type>();
                fixed(8, move |i| if values.value(i).is_nan() { f64::NAN } else { values.value(i) }.to_bits())
            }
            DataType::Decimal128(precision, _) if *precision <= MAX_LONG_DIGITS => {
                let values = array.as_primitive::<Decimal128Type>();
                fixed(8, move |i| values.value(i) as i64 as u64)
            }
            DataType::Decimal128(..) => Some(Layout::WideDecimal(array.as_primitive::<Decimal128Type>())),
            DataType::Interval(IntervalUnit::MonthDayNano) => Some(Layout::CalendarInterval(array.as_primitive())),
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
            DataType::Struct(fields) if is_variant_fields(fields) => {
                let variant = array.as_struct();
                Some(Layout::Variant { value: variant.column(0).as_binary(), metadata: variant.column(1).as_binary() })
            }
            DataType::Struct(_) if spatial_of(array.data_type()).is_some() => None,
            DataType::Struct(_) => {
                let fields: &'a StructArray = array.as_struct();
                Some(Layout::Struct(fields.columns().iter().map(|c| Value::of(c.as_ref())).collect::<Option<_>>()?))
            }
            DataType::List(_) => list(array.as_list::<i32>()),
            DataType::LargeList(_) => list(array.as_list::<i64>()),
            DataType::Map(..) => {
                let map = array.as_map();
                let (keys, values) = (Value::of(map.keys().as_ref())?, Value::of(map.values().as_ref())?);
                Some(Layout::Map { map, keys: Box::new(keys), values: Box::new(values) })
            }
            _ => None,
        }?;
        Some(Value { array, layout })
    }

    fn is_null(&self, i: usize) -> bool {
        matches!(self.layout, Layout::AlwaysNull) || self.array.is_null(i)
    }

    /// Bytes each element takes in an array's fixed-width part.
    fn element_width(&self) -> usize {
        match self.layout {
            Layout::Fixed { width, .. } => width,
            _ => 8,
        }
    }
}

/// Spark's row buffer, reused from one row to the next: each row is written
/// over the previous one from its start, so bytes a row reserves without
/// writing (a NULL calendar interval's) keep what an earlier row wrote
/// there. (Spark's buffer also drops the bytes past its cursor when it
/// grows, which this does not model.)
#[derive(Default)]
struct Writer {
    buffer: Vec<u8>,
    cursor: usize,
}

impl Writer {
    /// Moves the cursor past `size` bytes and returns where they start.
    fn reserve(&mut self, size: usize) -> usize {
        let at = self.cursor;
        self.cursor += size;
        if self.buffer.len() < self.cursor {
            self.buffer.resize(self.cursor, 0);
        }
        at
    }

    /// Writes `bytes` at `at`.
    fn put(&mut self, at: usize, bytes: &[u8]) {
        self.buffer[at..at + bytes.len()].copy_from_slice(bytes);
    }

    /// Zeroes `size` bytes at `at`.
    fn zero(&mut self, at: usize, size: usize) {
        self.buffer[at..at + size].fill(0);
    }

    /// Sets bit `ordinal` of the bit set at `at`.
    fn set_null_bit(&mut self, at: usize, ordinal: usize) {
        self.buffer[at + ordinal / 8] |= 1 << (ordinal % 8);
    }

    /// Writes `parts` one after another at the cursor, padded with zeros to
    /// a word; returns where they start and their unpadded size.
    fn padded(&mut self, parts: &[&[u8]]) -> (usize, usize) {
        let size: usize = parts.iter().map(|p| p.len()).sum();
        let at = self.reserve(size.next_multiple_of(8));
        self.zero(at, size.next_multiple_of(8));
        let mut end = at;
        for part in parts {
            self.put(end, part);
            end += part.len();
        }
        (at, size)
    }

    /// Writes row `i` of `fields` as an `UnsafeRow` at the cursor.
    fn row(&mut self, fields: &[Value], i: usize) {
        let start = self.cursor;
        let null_bits = fields.len().div_ceil(64) * 8;
        self.reserve(null_bits + 8 * fields.len());
        self.zero(start, null_bits + 8 * fields.len());
        for (ordinal, field) in fields.iter().enumerate() {
            let word = if field.is_null(i) {
                self.set_null_bit(start, ordinal);
                match field.layout {
                    Layout::WideDecimal(_) => {
                        let at = self.reserve(WIDE_DECIMAL_BYTES);
                        self.zero(at, WIDE_DECIMAL_BYTES);
                        ((at - start) as u64) << 32
                    }
                    Layout::CalendarInterval(_) => ((self.reserve(INTERVAL_BYTES) - start) as u64) << 32 | INTERVAL_BYTES as u64,
                    _ => 0,
                }
            } else {
                match &field.layout {
                    Layout::Fixed { bits, .. } => bits(i),
                    Layout::WideDecimal(values) => {
                        let value = big_integer_bytes(values.value(i));
                        let at = self.reserve(WIDE_DECIMAL_BYTES);
                        self.zero(at, WIDE_DECIMAL_BYTES);
                        self.put(at, &value);
                        ((at - start) as u64) << 32 | value.len() as u64
                    }
                    _ => {
                        let (at, size) = self.variable(field, i);
                        ((at - start) as u64) << 32 | size as u64
                    }
                }
            };
            self.put(start + null_bits + 8 * ordinal, &word.to_le_bytes());
        }
    }

    /// Writes the elements of `element` in `range` as an `UnsafeArrayData` at
    /// the cursor.
    fn array(&mut self, element: &Value, range: Range<usize>) {
        let start = self.cursor;
        let header = 8 + range.len().div_ceil(64) * 8;
        let width = element.element_width();
        let fixed_part = (width * range.len()).next_multiple_of(8);
        self.reserve(header + fixed_part);
        self.zero(start, header + fixed_part);
        self.put(start, &(range.len() as u64).to_le_bytes());
        for (ordinal, i) in range.enumerate() {
            if element.is_null(i) {
                self.set_null_bit(start + 8, ordinal);
                continue;
            }
            let word = match &element.layout {
                Layout::Fixed { bits, .. } => bits(i),
                _ => {
                    let (at, size) = self.variable(element, i);
                    ((at - start) as u64) << 32 | size as u64
                }
            };
            self.put(start + header + ordinal * width, &word.to_le_bytes()[..width]);
        }
    }

    /// Writes the non-NULL variable-length value `i` of `value` at the
    /// cursor; returns where it starts and its size.
    fn variable(&mut self, value: &Value, i: usize) -> (usize, usize) {
        let at = self.cursor;
        match &value.layout {
            Layout::Bytes(bytes) => return self.padded(&[bytes(i)]),
            Layout::WideDecimal(values) => return self.padded(&[&big_integer_bytes(values.value(i))]),
            Layout::Variant { value, metadata } => {
                let (value, metadata) = (value.value(i), metadata.value(i));
                return self.padded(&[&(value.len() as u32).to_le_bytes(), value, metadata]);
            }
            Layout::CalendarInterval(values) => {
                let interval = values.value(i);
                let micros = interval.nanoseconds / NANOS_PER_MICRO;
                self.padded(&[&interval.months.to_le_bytes(), &interval.days.to_le_bytes(), &micros.to_le_bytes()]);
            }
            Layout::Struct(fields) => self.row(fields, i),
            Layout::List { ranges, element } => self.array(element, ranges(i)),
            Layout::Map { map, keys, values } => {
                let range = map.value_offsets()[i] as usize..map.value_offsets()[i + 1] as usize;
                self.reserve(8);
                self.array(keys, range.clone());
                let key_bytes = (self.cursor - at - 8) as u64;
                self.put(at, &key_bytes.to_le_bytes());
                self.array(values, range);
            }
            Layout::Fixed { .. } | Layout::AlwaysNull => unreachable!("fixed-width values are written in their slot"),
        }
        (at, self.cursor - at)
    }
}

/// The `UnsafeRow` bytes of a batch's rows, one after another.
pub(super) struct UnsafeRows {
    bytes: Vec<u8>,
    /// Where each row starts in `bytes`, and where the last one ends.
    starts: Vec<usize>,
}

impl UnsafeRows {
    /// The rows of `columns` (all `rows` long) in Spark's layout, written
    /// one after another into one reused buffer as Spark's projection writes
    /// them; `None` when a column's type is not encoded here.
    pub(super) fn encode(columns: &[ArrayRef], rows: usize) -> Option<UnsafeRows> {
        let fields = columns.iter().map(|c| Value::of(c.as_ref())).collect::<Option<Vec<_>>>()?;
        let mut writer = Writer::default();
        let mut bytes = Vec::new();
        let mut starts = Vec::with_capacity(rows + 1);
        for i in 0..rows {
            starts.push(bytes.len());
            writer.cursor = 0;
            writer.row(&fields, i);
            bytes.extend_from_slice(&writer.buffer[..writer.cursor]);
        }
        starts.push(bytes.len());
        Some(UnsafeRows { bytes, starts })
    }

    /// The bytes of all the rows.
    pub(super) fn total_bytes(&self) -> usize {
        self.bytes.len()
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

    use datafusion::arrow::array::{
        Decimal128Array, Float64Array, Int32Array, Int64Array, Int64Builder, IntervalMonthDayNanoArray, ListArray, MapBuilder,
        StringArray, StringBuilder,
    };
    use datafusion::arrow::buffer::OffsetBuffer;
    use datafusion::arrow::datatypes::{Field, IntervalMonthDayNano};

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

    /// Little-endian words, as the expected bytes of a row.
    fn words(words: &[u64]) -> Vec<u8> {
        words.iter().flat_map(|w| w.to_le_bytes()).collect()
    }

    /// A word holding `text`, padded with zeros.
    fn text(text: &str) -> u64 {
        let mut word = [0u8; 8];
        word[..text.len()].copy_from_slice(text.as_bytes());
        u64::from_le_bytes(word)
    }

    #[test]
    fn arrays_hold_a_count_null_bits_and_elements_as_wide_as_their_type() {
        let list: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1), None, Some(3)]), Some(vec![])]));
        let rows = UnsafeRows::encode(&[list], 2).unwrap();
        assert_eq!(rows.row(0), words(&[0, 16 << 32 | 32, 3, 0b010, 1, 3]));
        assert_eq!(rows.row(1), words(&[0, 16 << 32 | 8, 0]));
        let decimals = Decimal128Array::from(vec![Some(-2)]).with_precision_and_scale(20, 0).unwrap();
        let wide: ArrayRef = Arc::new(ListArray::new(
            Arc::new(Field::new("element", decimals.data_type().clone(), true)),
            OffsetBuffer::from_lengths([1]),
            Arc::new(decimals),
            None,
        ));
        let rows = UnsafeRows::encode(&[wide], 1).unwrap();
        assert_eq!(rows.row(0), words(&[0, 16 << 32 | 32, 1, 0, 24 << 32 | 1, 0xfe]));
    }

    #[test]
    fn structs_are_nested_rows_with_offsets_from_their_own_start() {
        let fields: ArrayRef = Arc::new(StructArray::from(vec![
            (Arc::new(Field::new("x", DataType::Int64, true)), Arc::new(Int64Array::from(vec![7])) as ArrayRef),
            (Arc::new(Field::new("y", DataType::Utf8, true)), Arc::new(StringArray::from(vec!["ab"])) as ArrayRef),
        ]));
        let rows = UnsafeRows::encode(&[fields], 1).unwrap();
        assert_eq!(rows.row(0), words(&[0, 16 << 32 | 32, 0, 7, 24 << 32 | 2, text("ab")]));
    }

    #[test]
    fn maps_hold_their_key_array_size_then_keys_and_values() {
        let mut builder = MapBuilder::new(None, StringBuilder::new(), Int64Builder::new());
        builder.keys().append_value("k");
        builder.values().append_value(1);
        builder.append(true).unwrap();
        let map: ArrayRef = Arc::new(builder.finish());
        let rows = UnsafeRows::encode(&[map], 1).unwrap();
        assert_eq!(rows.row(0), words(&[0, 16 << 32 | 64, 32, 1, 0, 24 << 32 | 1, text("k"), 1, 0, 1]));
    }

    #[test]
    fn null_calendar_intervals_reserve_what_the_previous_row_wrote() {
        let intervals: ArrayRef = Arc::new(IntervalMonthDayNanoArray::from(vec![Some(IntervalMonthDayNano::new(1, 2, 3_000)), None]));
        let rows = UnsafeRows::encode(&[intervals], 2).unwrap();
        assert_eq!(rows.row(0), words(&[0, 16 << 32 | 16, 2 << 32 | 1, 3]));
        assert_eq!(rows.row(1), words(&[1, 16 << 32 | 16, 2 << 32 | 1, 3]));
    }

    #[test]
    fn variants_hold_the_value_size_value_and_metadata() {
        let DataType::Struct(fields) = ember_types::variant_type() else { unreachable!("a variant is a struct") };
        let value: ArrayRef = Arc::new(BinaryArray::from(vec![&[0x0c, 0x05][..]]));
        let metadata: ArrayRef = Arc::new(BinaryArray::from(vec![&[0x01, 0x00, 0x00][..]]));
        let variants: ArrayRef = Arc::new(StructArray::new(fields, vec![value, metadata], None));
        let rows = UnsafeRows::encode(&[variants], 1).unwrap();
        assert_eq!(rows.row(0), words(&[0, 16 << 32 | 9, u64::from_le_bytes([2, 0, 0, 0, 0x0c, 0x05, 0x01, 0x00]), 0]));
    }

    #[test]
    fn spatial_types_are_not_encoded() {
        let DataType::Struct(fields) = ember_types::spatial_type(ember_types::SpatialKind::Geometry, 0) else { unreachable!("a geometry is a struct") };
        let srid: ArrayRef = Arc::new(Int32Array::from(vec![0]));
        let wkb: ArrayRef = Arc::new(BinaryArray::from(vec![&[1u8][..]]));
        let geometries: ArrayRef = Arc::new(StructArray::new(fields, vec![srid, wkb], None));
        assert!(UnsafeRows::encode(&[geometries], 1).is_none());
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
