//! ORC files: the schema of a file and its rows in Spark's types (decoded
//! by the `orc-rust` crate), and the codecs of the `compression` option.

use std::fs::File;
use std::path::Path;

use arrow::array::RecordBatch;
use arrow::datatypes::{Field, SchemaRef};
use ember_errors::SparkError;
use orc_rust::{ArrowReaderBuilder, TimestampPrecision};

use crate::conform::conform;
use crate::errors;
use crate::paths::qualified;
use crate::writers::Codec;

/// The columns of the ORC file at `path` in the types Spark reads them as
/// (see `orc_schema::file_fields`).
pub fn schema(path: &Path) -> Result<Vec<Field>, SparkError> {
    crate::orc_schema::file_fields(path, open(path)?.file_metadata().compression())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codecs_as_spark_names_them() {
        assert_eq!(extension(codec(None).unwrap()), ".zstd.orc");
        assert_eq!(extension(codec(Some("none")).unwrap()), ".orc");
        assert_eq!(codec(Some("brotli")).unwrap_err().error_class, "CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION");
    }
}
