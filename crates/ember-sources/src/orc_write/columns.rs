//! The columns of an ORC stripe being written: each column keeps its
//! PRESENT bits and its values until the stripe is flushed as streams.
//!
//! As ORC lays them out, a column holds values for its non-null rows only,
//! and the children of a list, map or struct hold values for the parent's
//! non-null rows only.

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray};
use arrow::compute::filter;
use arrow::datatypes::{
    DataType, Date32Type, Decimal128Type, DurationMicrosecondType, Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type,
    IntervalYearMonthType, TimestampMicrosecondType,
};
use ember_errors::SparkError;
use orc_rust::proto;
use orc_rust::proto::stream::Kind as StreamKind;

use super::rle::{encode_booleans, encode_bytes, encode_integers, write_varint, zigzag};

/// Seconds from the Unix epoch to ORC's timestamp base, 2015-01-01 00:00:00
/// in the writer's time zone (UTC).
const ORC_EPOCH_SECONDS: i64 = 1_420_070_400;

/// One encoded stream of a stripe: its column id, kind and bytes.
pub(super) struct Stream {
    pub column: u32,
    pub kind: StreamKind,
    pub bytes: Vec<u8>,
}

/// An ORC column (and its children) of the stripe being written.
pub(super) struct Column {
    id: u32,
    present: Vec<bool>,
    has_null: bool,
    file_values: u64,
    file_has_null: bool,
    values: Values,
}

enum Values {
    Booleans(Vec<bool>),
    Bytes(Vec<u8>),
    Integers(Vec<i64>),
    Floats(Vec<u8>),
    Strings { data: Vec<u8>, lengths: Vec<i64> },
    Timestamps { seconds: Vec<i64>, nanos: Vec<i64> },
    Decimals { data: Vec<u8>, scales: Vec<i64>, scale: i64 },
    List { lengths: Vec<i64>, element: Box<Column> },
    Map { lengths: Vec<i64>, keys: Box<Column>, values: Box<Column> },
    Struct(Vec<Column>),
}

impl Column {
    /// The column for arrays of `data_type` (an encoder type, see
    /// `orc_schema::encoder_type`), numbered from `next_id` in ORC's
    /// column order, as `orc_schema::orc_types` numbers its types.
    pub fn new(data_type: &DataType, next_id: &mut u32) -> Column {
        let id = *next_id;
        *next_id += 1;
        let mut child = |data_type: &DataType| Box::new(Column::new(data_type, next_id));
        let values = match data_type {
            DataType::Boolean => Values::Booleans(Vec::new()),
            DataType::Int8 => Values::Bytes(Vec::new()),
            DataType::Float32 | DataType::Float64 => Values::Floats(Vec::new()),
            DataType::Utf8 | DataType::Binary => Values::Strings { data: Vec::new(), lengths: Vec::new() },
            DataType::Timestamp(_, Some(_)) => Values::Timestamps { seconds: Vec::new(), nanos: Vec::new() },
            DataType::Decimal128(_, scale) => Values::Decimals { data: Vec::new(), scales: Vec::new(), scale: *scale as i64 },
            DataType::List(element) => Values::List { lengths: Vec::new(), element: child(element.data_type()) },
            DataType::Map(entries, _) => {
                let DataType::Struct(kv) = entries.data_type() else { unreachable!("a map's entries are a struct") };
                let keys = child(kv[0].data_type());
                Values::Map { lengths: Vec::new(), keys, values: child(kv[1].data_type()) }
            }
            DataType::Struct(fields) => Values::Struct(fields.iter().map(|f| *child(f.data_type())).collect()),
            _ => Values::Integers(Vec::new()),
        };
        Column { id, present: Vec::new(), has_null: false, file_values: 0, file_has_null: false, values }
    }

    /// Appends the rows of `array` (of the column's encoder type).
    pub fn append(&mut self, array: &ArrayRef) -> Result<(), SparkError> {
        let rows = match array.logical_nulls().filter(|nulls| nulls.null_count() > 0) {
            Some(nulls) => {
                self.has_null = true;
                self.present.extend(nulls.iter());
                filter(array.as_ref(), &BooleanArray::new(nulls.inner().clone(), None))?
            }
            None => {
                self.present.resize(self.present.len() + array.len(), true);
                array.clone()
            }
        };
        self.file_values += rows.len() as u64;
        self.values.append(&rows)
    }

    /// A rough size of what the stripe holds so far, in bytes.
    pub fn buffered_bytes(&self) -> usize {
        self.present.len() / 8
            + match &self.values {
                Values::Booleans(v) => v.len() / 8,
                Values::Bytes(v) | Values::Floats(v) => v.len(),
                Values::Integers(v) => v.len() * 8,
                Values::Strings { data, lengths } => data.len() + lengths.len() * 8,
                Values::Timestamps { seconds, nanos } => (seconds.len() + nanos.len()) * 8,
                Values::Decimals { data, scales, .. } => data.len() + scales.len() * 8,
                Values::List { lengths, element } => lengths.len() * 8 + element.buffered_bytes(),
                Values::Map { lengths, keys, values } => lengths.len() * 8 + keys.buffered_bytes() + values.buffered_bytes(),
                Values::Struct(children) => children.iter().map(Column::buffered_bytes).sum(),
            }
    }

    /// Moves the stripe's rows of this column and its children out as
    /// streams (in column order) and their encodings (all `DIRECT`).
    pub fn flush(&mut self, streams: &mut Vec<Stream>, encodings: &mut Vec<proto::ColumnEncoding>) {
        let id = self.id;
        let mut stream = |kind: StreamKind, bytes: Vec<u8>| streams.push(Stream { column: id, kind, bytes });
        if self.has_null {
            stream(StreamKind::Present, encode_booleans(&self.present));
        }
        self.file_has_null |= self.has_null;
        self.has_null = false;
        self.present.clear();
        encodings.push(proto::ColumnEncoding { kind: Some(proto::column_encoding::Kind::Direct.into()), ..Default::default() });
        match &mut self.values {
            Values::Booleans(v) => stream(StreamKind::Data, encode_booleans(&std::mem::take(v))),
            Values::Bytes(v) => stream(StreamKind::Data, encode_bytes(&std::mem::take(v))),
            Values::Integers(v) => stream(StreamKind::Data, encode_integers(&std::mem::take(v), true)),
            Values::Floats(v) => stream(StreamKind::Data, std::mem::take(v)),
            Values::Strings { data, lengths } => {
                stream(StreamKind::Data, std::mem::take(data));
                stream(StreamKind::Length, encode_integers(&std::mem::take(lengths), false));
            }
            Values::Timestamps { seconds, nanos } => {
                stream(StreamKind::Data, encode_integers(&std::mem::take(seconds), true));
                stream(StreamKind::Secondary, encode_integers(&std::mem::take(nanos), false));
            }
            Values::Decimals { data, scales, .. } => {
                stream(StreamKind::Data, std::mem::take(data));
                stream(StreamKind::Secondary, encode_integers(&std::mem::take(scales), true));
            }
            Values::List { lengths, element } => {
                stream(StreamKind::Length, encode_integers(&std::mem::take(lengths), false));
                element.flush(streams, encodings);
            }
            Values::Map { lengths, keys, values } => {
                stream(StreamKind::Length, encode_integers(&std::mem::take(lengths), false));
                keys.flush(streams, encodings);
                values.flush(streams, encodings);
            }
            Values::Struct(children) => children.iter_mut().for_each(|c| c.flush(streams, encodings)),
        }
    }

    /// The file's statistics of this column and its children (value counts
    /// and whether nulls occur), in column order.
    pub fn statistics(&self, out: &mut Vec<proto::ColumnStatistics>) {
        out.push(proto::ColumnStatistics {
            number_of_values: Some(self.file_values),
            has_null: Some(self.file_has_null || self.has_null),
            ..Default::default()
        });
        match &self.values {
            Values::List { element, .. } => element.statistics(out),
            Values::Map { keys, values, .. } => {
                keys.statistics(out);
                values.statistics(out);
            }
            Values::Struct(children) => children.iter().for_each(|c| c.statistics(out)),
            _ => {}
        }
    }
}

impl Values {
    /// Appends `rows`, which hold no nulls at their top level.
    fn append(&mut self, rows: &ArrayRef) -> Result<(), SparkError> {
        match self {
            Values::Booleans(v) => v.extend(rows.as_boolean().values().iter()),
            Values::Bytes(v) => v.extend(rows.as_primitive::<Int8Type>().values().iter().map(|&b| b as u8)),
            Values::Integers(v) => integers(v, rows),
            Values::Floats(v) => match rows.data_type() {
                DataType::Float32 => rows.as_primitive::<Float32Type>().values().iter().for_each(|f| v.extend(f.to_le_bytes())),
                _ => rows.as_primitive::<Float64Type>().values().iter().for_each(|f| v.extend(f.to_le_bytes())),
            },
            Values::Strings { data, lengths } => {
                let (offsets, bytes) = match rows.data_type() {
                    DataType::Utf8 => (rows.as_string::<i32>().offsets(), rows.as_string::<i32>().values().as_slice()),
                    _ => (rows.as_binary::<i32>().offsets(), rows.as_binary::<i32>().values().as_slice()),
                };
                let (first, last) = (offsets[0] as usize, offsets[offsets.len() - 1] as usize);
                data.extend_from_slice(&bytes[first..last]);
                lengths.extend(offsets.windows(2).map(|w| (w[1] - w[0]) as i64));
            }
            Values::Timestamps { seconds, nanos } => {
                for &micros in rows.as_primitive::<TimestampMicrosecondType>().values().iter() {
                    let (s, n) = timestamp(micros);
                    seconds.push(s);
                    nanos.push(n);
                }
            }
            Values::Decimals { data, scales, scale } => {
                for &unscaled in rows.as_primitive::<Decimal128Type>().values().iter() {
                    write_varint(data, zigzag(unscaled));
                    scales.push(*scale);
                }
            }
            Values::List { lengths, element } => {
                let list = rows.as_list::<i32>();
                let offsets = list.offsets();
                lengths.extend(offsets.windows(2).map(|w| (w[1] - w[0]) as i64));
                let first = offsets[0] as usize;
                element.append(&list.values().slice(first, offsets[offsets.len() - 1] as usize - first))?;
            }
            Values::Map { lengths, keys, values } => {
                let map = rows.as_map();
                let offsets = map.offsets();
                lengths.extend(offsets.windows(2).map(|w| (w[1] - w[0]) as i64));
                let (first, count) = (offsets[0] as usize, (offsets[offsets.len() - 1] - offsets[0]) as usize);
                keys.append(&map.keys().slice(first, count))?;
                values.append(&map.values().slice(first, count))?;
            }
            Values::Struct(children) => {
                for (child, column) in children.iter_mut().zip(rows.as_struct().columns()) {
                    child.append(column)?;
                }
            }
        }
        Ok(())
    }
}

fn integers(out: &mut Vec<i64>, rows: &ArrayRef) {
    match rows.data_type() {
        DataType::Int16 => out.extend(rows.as_primitive::<Int16Type>().values().iter().map(|&v| v as i64)),
        DataType::Int32 => out.extend(rows.as_primitive::<Int32Type>().values().iter().map(|&v| v as i64)),
        DataType::Date32 => out.extend(rows.as_primitive::<Date32Type>().values().iter().map(|&v| v as i64)),
        DataType::Timestamp(_, None) => out.extend(rows.as_primitive::<TimestampMicrosecondType>().values().iter()),
        DataType::Duration(_) => out.extend(rows.as_primitive::<DurationMicrosecondType>().values().iter()),
        DataType::Interval(_) => out.extend(rows.as_primitive::<IntervalYearMonthType>().values().iter().map(|&v| v as i64)),
        _ => out.extend(rows.as_primitive::<Int64Type>().values().iter()),
    }
}

/// A timestamp's ORC seconds (from ORC's base) and encoded nanoseconds. As
/// ORC's Java writer, the seconds of an instant before 1970 with at least a
/// millisecond of fraction are rounded towards zero (readers take one off).
fn timestamp(micros: i64) -> (i64, i64) {
    let mut seconds = micros.div_euclid(1_000_000);
    let nanos = micros.rem_euclid(1_000_000) * 1000;
    if seconds < 0 && nanos > 999_999 {
        seconds += 1;
    }
    (seconds - ORC_EPOCH_SECONDS, encode_nanos(nanos))
}

/// Nanoseconds with their trailing decimal zeros folded into the low 3 bits.
fn encode_nanos(nanos: i64) -> i64 {
    if nanos == 0 || nanos % 100 != 0 {
        return nanos << 3;
    }
    let (mut value, mut zeros) = (nanos / 100, 1);
    while value % 10 == 0 && zeros < 7 {
        value /= 10;
        zeros += 1;
    }
    (value << 3) | zeros
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nanos_fold_trailing_zeros() {
        assert_eq!(encode_nanos(0), 0);
        assert_eq!(encode_nanos(123_456_000), (123_456 << 3) | 2);
        assert_eq!(encode_nanos(100_000_000), (1 << 3) | 7);
        assert_eq!(encode_nanos(1_001), 1_001 << 3);
    }

    #[test]
    fn timestamps_from_orc_base() {
        assert_eq!(timestamp(ORC_EPOCH_SECONDS * 1_000_000), (0, 0));
        // 1969-12-31 23:59:58.5: seconds rounded towards zero, as ORC's Java writer.
        assert_eq!(timestamp(-1_500_000), (-1 - ORC_EPOCH_SECONDS, encode_nanos(500_000_000)));
    }
}
