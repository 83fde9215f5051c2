//! ORC files through the `orc-rust` crate: the schema of a file, its rows in
//! Spark's types, and a writer for the column types the crate can encode.

use std::fs::File;
use std::path::Path;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use ember_errors::SparkError;
use orc_rust::compression::CompressionType;
use orc_rust::{ArrowReaderBuilder, ArrowWriter, ArrowWriterBuilder, TimestampPrecision};

use crate::conform::{cast_batch, conform};
use crate::errors;
use crate::paths::qualified;
use crate::writers::Codec;

/// The columns of the ORC file at `path`; ORC's `timestamp` is Spark's
/// `timestamp` (an instant), as Spark reads it.
pub fn schema(path: &Path) -> Result<Vec<Field>, SparkError> {
    let builder = open(path)?;
    Ok(builder
        .schema()
        .fields()
        .iter()
        .map(|f| {
            let field = f.as_ref().clone().with_nullable(true);
            match f.data_type() {
                DataType::Timestamp(_, _) => field.with_data_type(DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))),
                _ => field,
            }
        })
        .collect())
}

/// The rows of the ORC file at `path`, cast to `schema` (columns matched by
/// name; a column the file lacks reads as NULL).
pub fn read(path: &Path, schema: &SchemaRef) -> Result<Vec<RecordBatch>, SparkError> {
    let reader = open(path)?.build();
    let mut batches = Vec::new();
    for batch in reader {
        let batch = batch.map_err(|e| errors::io(&qualified(path), e))?;
        batches.push(conform(&batch, schema)?);
    }
    Ok(batches)
}

fn open(path: &Path) -> Result<ArrowReaderBuilder<File>, SparkError> {
    let file = File::open(path).map_err(|e| errors::io(&qualified(path), e))?;
    ArrowReaderBuilder::try_new(file)
        .map(|builder| builder.with_timestamp_precision(TimestampPrecision::Microsecond))
        .map_err(|e| errors::io(&qualified(path), e))
}

/// ORC's codec for the `compression` option (Spark's default: zstd).
pub fn codec(name: Option<&str>) -> Result<Codec, SparkError> {
    match name.map(str::to_lowercase).as_deref() {
        None | Some("zstd") => Ok(Codec::Zstd),
        Some("snappy") => Ok(Codec::Snappy),
        Some("zlib") => Ok(Codec::Zlib),
        Some("lz4") => Ok(Codec::Lz4),
        Some("none" | "uncompressed") => Ok(Codec::None),
        Some("lzo") => Err(SparkError::unsupported("the lzo codec for orc files")),
        Some(other) => Err(crate::writers::codec_not_available(other, AVAILABLE)),
    }
}

const AVAILABLE: &str = "uncompressed, lz4, snappy, zstd, zlib, lzo, none";

/// Spark's extension of ORC files written with `codec`.
pub fn extension(codec: Codec) -> &'static str {
    match codec {
        Codec::Zstd => ".zstd.orc",
        Codec::Snappy => ".snappy.orc",
        Codec::Zlib => ".zlib.orc",
        Codec::Lz4 => ".lz4.orc",
        _ => ".orc",
    }
}

fn compression(codec: Codec) -> Option<CompressionType> {
    match codec {
        Codec::Zstd => Some(CompressionType::Zstd),
        Codec::Snappy => Some(CompressionType::Snappy),
        Codec::Zlib => Some(CompressionType::Zlib),
        Codec::Lz4 => Some(CompressionType::Lz4),
        _ => None,
    }
}

/// Fails for columns the ORC writer cannot encode.
pub fn check_writable(schema: &Schema) -> Result<(), SparkError> {
    for field in schema.fields() {
        let ok = matches!(
            field.data_type(),
            DataType::Boolean
                | DataType::Int8
                | DataType::Int16
                | DataType::Int32
                | DataType::Int64
                | DataType::Float32
                | DataType::Float64
                | DataType::Utf8
                | DataType::LargeUtf8
                | DataType::Utf8View
                | DataType::Binary
                | DataType::LargeBinary
                | DataType::BinaryView
                | DataType::Date32
                | DataType::Timestamp(_, _)
        );
        if !ok {
            return Err(SparkError::unsupported(format!(
                "writing {} columns to orc files",
                ember_types::simple_string(field.data_type())
            )));
        }
    }
    Ok(())
}

/// The schema the writer gets: string and binary views as plain arrays,
/// timestamps as UTC instants.
fn writer_schema(schema: &Schema) -> SchemaRef {
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| {
            let data_type = match f.data_type() {
                DataType::Utf8View => DataType::Utf8,
                DataType::BinaryView => DataType::Binary,
                DataType::Timestamp(unit, Some(_)) => DataType::Timestamp(*unit, Some("UTC".into())),
                other => other.clone(),
            };
            f.as_ref().clone().with_data_type(data_type)
        })
        .collect();
    Arc::new(Schema::new(fields))
}

/// An ORC file being written. The crate's writer is not `Send`, so the
/// rows are kept and the file is encoded in one go when it is finished.
pub struct OrcFile {
    file: File,
    schema: SchemaRef,
    codec: Codec,
    batches: Vec<RecordBatch>,
}

impl OrcFile {
    /// Creates the file for rows of `schema` (checked with [`check_writable`]).
    pub fn create(file: File, schema: &Schema, codec: Codec) -> Result<Self, SparkError> {
        Ok(OrcFile { file, schema: writer_schema(schema), codec, batches: Vec::new() })
    }

    /// Appends `batch`'s rows.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<(), SparkError> {
        self.batches.push(cast_batch(batch, &self.schema)?);
        Ok(())
    }

    /// Encodes the rows and writes the footer.
    pub fn finish(self) -> Result<(), SparkError> {
        let mut builder = ArrowWriterBuilder::new(self.file, self.schema.clone());
        if let Some(codec) = compression(self.codec) {
            builder = builder.with_compression(codec);
        }
        let mut writer: ArrowWriter<File> = builder.try_build().map_err(|e| errors::io("orc", e))?;
        for batch in &self.batches {
            writer.write(batch).map_err(|e| errors::io("orc", e))?;
        }
        writer.close().map_err(|e| errors::io("orc", e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int32Array, StringArray};

    #[test]
    fn writes_and_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.orc");
        let schema = Arc::new(Schema::new(vec![Field::new("id", DataType::Int32, true), Field::new("s", DataType::Utf8, true)]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(Int32Array::from(vec![Some(1), None])), Arc::new(StringArray::from(vec![Some("x"), None]))],
        )
        .unwrap();
        let mut file = OrcFile::create(File::create(&path).unwrap(), &schema, codec(None).unwrap()).unwrap();
        file.write(&batch).unwrap();
        file.finish().unwrap();
        let fields = super::schema(&path).unwrap();
        assert_eq!(fields.iter().map(|f| f.name().as_str()).collect::<Vec<_>>(), ["id", "s"]);
        let read = read(&path, &schema).unwrap();
        assert_eq!(read.iter().map(|b| b.num_rows()).sum::<usize>(), 2);
    }

    #[test]
    fn codecs_as_spark_names_them() {
        assert_eq!(extension(codec(None).unwrap()), ".zstd.orc");
        assert_eq!(extension(codec(Some("none")).unwrap()), ".orc");
        assert_eq!(codec(Some("brotli")).unwrap_err().error_class, "CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION");
        assert!(check_writable(&Schema::new(vec![Field::new("d", DataType::Decimal128(4, 2), true)])).is_err());
    }
}
