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
use crate::options::Options;
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

/// The writer options of an ORC write besides the codec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrcWriteOptions {
    /// `orc.stripe.size`: the uncompressed bytes a stripe gathers before it
    /// is written out (ORC's default: 64 MiB).
    pub stripe_bytes: usize,
}

impl OrcWriteOptions {
    /// The options among the writer's.
    pub fn parse(options: &Options) -> Result<Self, SparkError> {
        let stripe_bytes = match options.get("orc.stripe.size") {
            None => 64 << 20,
            Some(text) => crate::options::byte_size(text, 0)
                .and_then(|bytes| usize::try_from(bytes).ok())
                .ok_or_else(|| SparkError::illegal_argument(format!("orc.stripe.size must be a size in bytes, not '{text}'")))?,
        };
        Ok(OrcWriteOptions { stripe_bytes })
    }
}

/// ORC's codec for the `compression` option, else `orc.compress` (Spark's default: zstd).
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

    #[test]
    fn stripe_size_option() {
        let owned = [("orc.stripe.size".to_string(), "1024".to_string())];
        let options = Options::new(owned.iter().map(|(k, v)| (k, v)));
        assert_eq!(OrcWriteOptions::parse(&options).unwrap().stripe_bytes, 1024);
        assert_eq!(OrcWriteOptions::parse(&Options::default()).unwrap().stripe_bytes, 64 << 20);
    }
}
