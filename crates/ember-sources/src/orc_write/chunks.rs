//! ORC's compression framing: a stream cut into blocks, each compressed
//! with the file's codec (or kept as it is when that is no smaller) behind a
//! 3-byte header.

use std::io::Write;

use ember_errors::SparkError;
use orc_rust::proto::CompressionKind;

use crate::errors;
use crate::writers::Codec;

/// The uncompressed size of one block (ORC's default, 256 KiB).
pub(super) const BLOCK_SIZE: usize = 256 * 1024;

/// ORC's name for `codec` in the file's postscript.
pub(super) fn kind(codec: Codec) -> CompressionKind {
    match codec {
        Codec::Zstd => CompressionKind::Zstd,
        Codec::Snappy => CompressionKind::Snappy,
        Codec::Zlib => CompressionKind::Zlib,
        Codec::Lz4 => CompressionKind::Lz4,
        _ => CompressionKind::None,
    }
}

/// `data` framed for a file written with `codec`.
pub(super) fn compress(codec: Codec, data: &[u8]) -> Result<Vec<u8>, SparkError> {
    if kind(codec) == CompressionKind::None {
        return Ok(data.to_vec());
    }
    let mut out = Vec::with_capacity(data.len() / 2 + 3);
    for block in data.chunks(BLOCK_SIZE) {
        let compressed = compress_block(codec, block)?;
        let (header, body) = if compressed.len() < block.len() {
            (compressed.len() << 1, compressed.as_slice())
        } else {
            ((block.len() << 1) | 1, block)
        };
        out.extend_from_slice(&(header as u32).to_le_bytes()[..3]);
        out.extend_from_slice(body);
    }
    Ok(out)
}

fn compress_block(codec: Codec, block: &[u8]) -> Result<Vec<u8>, SparkError> {
    let failed = |e: std::io::Error| errors::io("orc compression", e);
    match codec {
        Codec::Zstd => zstd::bulk::compress(block, zstd::DEFAULT_COMPRESSION_LEVEL).map_err(failed),
        Codec::Snappy => snap::raw::Encoder::new().compress_vec(block).map_err(|e| errors::io("orc compression", e)),
        Codec::Zlib => {
            let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(block).map_err(failed)?;
            encoder.finish().map_err(failed)
        }
        Codec::Lz4 => Ok(lz4_flex::block::compress(block)),
        _ => Ok(block.to_vec()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_blocks_stay_original() {
        assert_eq!(compress(Codec::Zstd, b"ab").unwrap(), [0x05, 0, 0, b'a', b'b']);
        assert_eq!(compress(Codec::None, b"ab").unwrap(), b"ab");
    }

    #[test]
    fn repetitive_blocks_shrink_behind_a_header() {
        let data = vec![7u8; BLOCK_SIZE + 10];
        for codec in [Codec::Zstd, Codec::Snappy, Codec::Zlib, Codec::Lz4] {
            let framed = compress(codec, &data).unwrap();
            let first = u32::from_le_bytes([framed[0], framed[1], framed[2], 0]) as usize;
            assert_eq!(first & 1, 0, "{codec:?}");
            assert!(framed.len() < data.len() / 10, "{codec:?}");
        }
    }
}
