//! Compressed input files, recognised by extension as Spark's Hadoop codecs
//! recognise them (`.gz`, `.bz2`, `.zst`, `.deflate`, `.snappy`, `.lz4`).

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use ember_errors::SparkError;

use crate::errors;
use crate::hadoop_blocks::BlockCodec;
use crate::paths::qualified;

/// The codec of a file, by its extension.
fn codec_of(path: &Path) -> FileCompressionType {
    match path.extension().and_then(|e| e.to_str()) {
        Some("gz") => FileCompressionType::GZIP,
        Some("bz2") => FileCompressionType::BZIP2,
        Some("zst") => FileCompressionType::ZSTD,
        _ => FileCompressionType::UNCOMPRESSED,
    }
}

/// Whether Spark reads `path` through a decompressing codec (so it cannot
/// be split).
pub fn is_compressed(path: &Path) -> bool {
    codec_of(path) != FileCompressionType::UNCOMPRESSED
        || path.extension().is_some_and(|e| e == "deflate")
        || block_codec(path).is_some()
}

/// Hadoop's block codecs, by extension.
fn block_codec(path: &Path) -> Option<BlockCodec> {
    path.extension().and_then(|e| e.to_str()).and_then(BlockCodec::of_extension)
}

/// The decompressed bytes of a file.
pub fn open(path: &Path) -> Result<Box<dyn Read>, SparkError> {
    let mut file = BufReader::new(File::open(path).map_err(|e| errors::io(&qualified(path), e))?);
    if let Some(codec) = block_codec(path) {
        let mut stream = Vec::new();
        file.read_to_end(&mut stream).map_err(|e| errors::io(&qualified(path), e))?;
        let text = codec.decode(&stream).map_err(|e| errors::io(&qualified(path), e))?;
        return Ok(Box::new(std::io::Cursor::new(text)));
    }
    let codec = codec_of(path);
    if path.extension().is_some_and(|e| e == "deflate") {
        return Ok(Box::new(flate2::read::ZlibDecoder::new(file)));
    }
    Ok(if codec == FileCompressionType::GZIP {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else if codec == FileCompressionType::BZIP2 {
        Box::new(bzip2::read::MultiBzDecoder::new(file))
    } else if codec == FileCompressionType::ZSTD {
        Box::new(zstd::stream::read::Decoder::new(file).map_err(|e| errors::io(&qualified(path), e))?)
    } else {
        Box::new(file)
    })
}

/// The decompressed text of a file.
pub fn read_to_string(path: &Path) -> Result<String, SparkError> {
    let mut text = String::new();
    open(path)?.read_to_string(&mut text).map_err(|e| errors::io(&qualified(path), e))?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn reads_gzip_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.csv.gz");
        let mut encoder = flate2::write::GzEncoder::new(File::create(&path).unwrap(), flate2::Compression::default());
        encoder.write_all(b"a,b\n").unwrap();
        encoder.finish().unwrap();
        assert_eq!(read_to_string(&path).unwrap(), "a,b\n");
        assert_eq!(codec_of(&path), FileCompressionType::GZIP);
        assert_eq!(codec_of(Path::new("x.csv")), FileCompressionType::UNCOMPRESSED);
    }
}
