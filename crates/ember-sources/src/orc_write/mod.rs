//! Ember's ORC writer: every column type Spark writes to ORC (including
//! decimals, arrays, maps and structs, which the `orc-rust` writer lacks),
//! with ORC's version-1 `DIRECT` encodings, in stripes of a given size.
//! The file's metadata are `orc-rust`'s protobuf messages.

mod chunks;
mod columns;
mod rle;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, StructArray};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use ember_errors::SparkError;
use orc_rust::proto;
use prost::Message;

use crate::conform::cast_batch;
use crate::errors;
use crate::orc_schema::{WRITER_TIME_ZONE, encoder_type, orc_types};
use crate::writers::Codec;
use columns::{Column, Stream};

/// ORC's identifier for writers it does not know (read as the newest version).
const UNKNOWN_WRITER: u32 = u32::MAX;

/// An ORC file being written.
pub struct OrcFile {
    out: BufWriter<File>,
    schema: SchemaRef,
    codec: Codec,
    stripe_bytes: usize,
    root: Column,
    stripe_rows: u64,
    stripes: Vec<proto::StripeInformation>,
    written: u64,
}

impl OrcFile {
    /// Starts the file for rows of `schema` (checked with `orc_schema::check_writable`),
    /// written in stripes of about `stripe_bytes` uncompressed bytes.
    pub fn create(file: File, schema: &Schema, codec: Codec, stripe_bytes: usize) -> Result<Self, SparkError> {
        let fields: Vec<Field> =
            schema.fields().iter().map(|f| f.as_ref().clone().with_data_type(encoder_type(f.data_type()))).collect();
        let schema = Arc::new(Schema::new(fields));
        let root = Column::new(&DataType::Struct(schema.fields().clone()), &mut 0);
        let mut out = BufWriter::new(file);
        out.write_all(b"ORC").map_err(|e| errors::io("orc", e))?;
        Ok(OrcFile { out, schema, codec, stripe_bytes, root, stripe_rows: 0, stripes: Vec::new(), written: 3 })
    }

    /// Appends `batch`'s rows.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), SparkError> {
        let rows: ArrayRef = Arc::new(StructArray::from(cast_batch(batch, &self.schema)?));
        self.root.append(&rows)?;
        self.stripe_rows += rows.len() as u64;
        if self.root.buffered_bytes() >= self.stripe_bytes {
            self.flush_stripe()?;
        }
        Ok(())
    }

    fn flush_stripe(&mut self) -> Result<(), SparkError> {
        let (mut streams, mut encodings) = (Vec::new(), Vec::new());
        self.root.flush(&mut streams, &mut encodings);
        let mut footer = proto::StripeFooter {
            columns: encodings,
            writer_timezone: Some(WRITER_TIME_ZONE.to_string()),
            ..Default::default()
        };
        let mut data_length = 0;
        for Stream { column, kind, bytes } in streams {
            let bytes = chunks::compress(self.codec, &bytes)?;
            self.put(&bytes)?;
            data_length += bytes.len() as u64;
            footer.streams.push(proto::Stream { kind: Some(kind.into()), column: Some(column), length: Some(bytes.len() as u64) });
        }
        let footer = chunks::compress(self.codec, &footer.encode_to_vec())?;
        self.put(&footer)?;
        self.stripes.push(proto::StripeInformation {
            offset: Some(self.written - data_length - footer.len() as u64),
            index_length: Some(0),
            data_length: Some(data_length),
            footer_length: Some(footer.len() as u64),
            number_of_rows: Some(self.stripe_rows),
            ..Default::default()
        });
        self.stripe_rows = 0;
        Ok(())
    }

    fn put(&mut self, bytes: &[u8]) -> Result<(), SparkError> {
        self.out.write_all(bytes).map_err(|e| errors::io("orc", e))?;
        self.written += bytes.len() as u64;
        Ok(())
    }

    /// Writes the last stripe, the file's footer and its postscript.
    pub fn finish(mut self) -> Result<(), SparkError> {
        if self.stripe_rows > 0 {
            self.flush_stripe()?;
        }
        let mut statistics = Vec::new();
        self.root.statistics(&mut statistics);
        let footer = proto::Footer {
            header_length: Some(3),
            content_length: Some(self.written),
            number_of_rows: Some(self.stripes.iter().map(|s| s.number_of_rows()).sum()),
            stripes: std::mem::take(&mut self.stripes),
            types: orc_types(&self.schema),
            statistics,
            row_index_stride: Some(0),
            writer: Some(UNKNOWN_WRITER),
            ..Default::default()
        };
        let metadata = chunks::compress(self.codec, &proto::Metadata::default().encode_to_vec())?;
        let footer = chunks::compress(self.codec, &footer.encode_to_vec())?;
        let postscript = proto::PostScript {
            footer_length: Some(footer.len() as u64),
            compression: Some(chunks::kind(self.codec).into()),
            compression_block_size: Some(chunks::BLOCK_SIZE as u64),
            version: vec![0, 12],
            metadata_length: Some(metadata.len() as u64),
            writer_version: Some(UNKNOWN_WRITER),
            magic: Some("ORC".to_string()),
            ..Default::default()
        }
        .encode_to_vec();
        self.put(&metadata)?;
        self.put(&footer)?;
        self.put(&postscript)?;
        self.put(&[postscript.len() as u8])?;
        self.out.flush().map_err(|e| errors::io("orc", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, AsArray, Decimal128Array, Int32Array, ListArray, StringArray, StructArray, TimestampMicrosecondArray};
    use arrow::datatypes::{Int32Type, Fields};

    fn nested_batch() -> RecordBatch {
        let (_, offsets, values, nulls) =
            ListArray::from_iter_primitive::<Int32Type, _, _>(vec![Some(vec![Some(1), None]), None, Some(vec![])]).into_parts();
        let list = ListArray::new(Arc::new(Field::new("element", DataType::Int32, true)), offsets, values, nulls);
        let point_fields = Fields::from(vec![Field::new("x", DataType::Int32, true), Field::new("s", DataType::Utf8, true)]);
        let point = StructArray::new(
            point_fields.clone(),
            vec![Arc::new(Int32Array::from(vec![Some(1), Some(9), None])), Arc::new(StringArray::from(vec![Some("a"), Some("hidden"), None]))],
            Some(vec![true, false, true].into()),
        );
        let schema = Schema::new(vec![
            Field::new("id", DataType::Int32, true),
            Field::new("d", DataType::Decimal128(20, 3), true),
            Field::new("a", list.data_type().clone(), true),
            Field::new("p", DataType::Struct(point_fields), true),
            Field::new("t", ember_types::timestamp_type("UTC"), true),
        ]);
        let columns: Vec<ArrayRef> = vec![
            Arc::new(Int32Array::from(vec![1, 2, 3])),
            Arc::new(Decimal128Array::from(vec![Some(-12_345), None, Some(i128::from(i64::MAX) * 100)]).with_precision_and_scale(20, 3).unwrap()),
            Arc::new(list),
            Arc::new(point),
            Arc::new(TimestampMicrosecondArray::from(vec![Some(-1_500_000), Some(1_577_934_245_123_456), None]).with_timezone("UTC")),
        ];
        RecordBatch::try_new(Arc::new(schema), columns).unwrap()
    }

    #[test]
    fn nested_columns_read_back_with_every_codec() {
        let batch = nested_batch();
        for codec in [Codec::None, Codec::Zstd, Codec::Snappy, Codec::Zlib, Codec::Lz4] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("a.orc");
            // A stripe per write.
            let mut file = OrcFile::create(File::create(&path).unwrap(), &batch.schema(), codec, 1).unwrap();
            file.write(&batch).unwrap();
            file.write(&batch.slice(1, 2)).unwrap();
            file.finish().unwrap();
            let fields = crate::orc::schema(&path).unwrap();
            assert_eq!(fields.iter().map(|f| f.data_type()).collect::<Vec<_>>(), batch.schema().fields().iter().map(|f| f.data_type()).collect::<Vec<_>>());
            let read = crate::orc::read(&path, &batch.schema()).unwrap();
            let read = arrow::compute::concat_batches(&batch.schema(), &read).unwrap();
            let expected = arrow::compute::concat_batches(&batch.schema(), &[batch.clone(), batch.slice(1, 2)]).unwrap();
            assert_eq!(read.num_rows(), 5, "{codec:?}");
            for (column, (got, want)) in read.columns().iter().zip(expected.columns()).enumerate() {
                if column == 3 {
                    // A null struct's children read back as nulls, whatever they held.
                    assert_eq!(got.logical_nulls(), want.logical_nulls());
                    assert_eq!(got.as_struct().column(1).as_string::<i32>().value(0), "a");
                } else {
                    assert_eq!(got.as_ref(), want.as_ref(), "{codec:?} column {column}");
                }
            }
        }
    }
}
