//! The Avro object container file layout: a header naming the schema and
//! codec, then blocks of encoded records, each compressed and closed by the
//! file's sync marker. (`arrow-avro` 59 encodes the records but advertises
//! its own schema in the header, not the one it was given.)

use std::io::Write;

use ember_errors::SparkError;

use crate::errors;
use crate::writers::Codec;

/// A container file being written to `out`.
pub struct Container<W: Write> {
    out: W,
    codec: Codec,
    sync: [u8; 16],
}

impl<W: Write> Container<W> {
    /// Writes the header of a file holding records of `schema_json`.
    pub fn start(mut out: W, schema_json: &str, codec: Codec) -> Result<Self, SparkError> {
        let sync = *uuid::Uuid::new_v4().as_bytes();
        let mut header = b"Obj\x01".to_vec();
        write_long(&mut header, 2);
        write_bytes(&mut header, b"avro.schema");
        write_bytes(&mut header, schema_json.as_bytes());
        write_bytes(&mut header, b"avro.codec");
        write_bytes(&mut header, codec_name(codec).as_bytes());
        write_long(&mut header, 0);
        header.extend_from_slice(&sync);
        out.write_all(&header).map_err(|e| errors::io("avro", e))?;
        Ok(Container { out, codec, sync })
    }

    /// Appends one block of `count` records encoded as `data`.
    pub fn write_block(&mut self, count: usize, data: &[u8]) -> Result<(), SparkError> {
        if count == 0 {
            return Ok(());
        }
        let body = compress(self.codec, data)?;
        let mut block = Vec::with_capacity(body.len() + 36);
        write_long(&mut block, count as i64);
        write_long(&mut block, body.len() as i64);
        block.extend_from_slice(&body);
        block.extend_from_slice(&self.sync);
        self.out.write_all(&block).map_err(|e| errors::io("avro", e))
    }

    /// Flushes the file.
    pub fn finish(mut self) -> Result<(), SparkError> {
        self.out.flush().map_err(|e| errors::io("avro", e))
    }
}

/// The codec's name in the header, as the Avro specification spells it.
fn codec_name(codec: Codec) -> &'static str {
    match codec {
        Codec::Deflate => "deflate",
        Codec::Snappy => "snappy",
        Codec::Zstd => "zstandard",
        Codec::Bzip2 => "bzip2",
        _ => "null",
    }
}

/// A block's bytes under `codec`: raw deflate; snappy followed by the
/// big-endian CRC-32 of the uncompressed bytes; a zstandard frame; bzip2.
fn compress(codec: Codec, data: &[u8]) -> Result<Vec<u8>, SparkError> {
    let failed = |e: std::io::Error| errors::io("avro compression", e);
    match codec {
        Codec::Deflate => {
            let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
            encoder.write_all(data).map_err(failed)?;
            encoder.finish().map_err(failed)
        }
        Codec::Snappy => {
            let mut out = snap::raw::Encoder::new()
                .compress_vec(data)
                .map_err(|e| errors::io("avro compression", e))?;
            let mut crc = flate2::Crc::new();
            crc.update(data);
            out.extend_from_slice(&crc.sum().to_be_bytes());
            Ok(out)
        }
        Codec::Zstd => zstd::encode_all(data, 0).map_err(failed),
        Codec::Bzip2 => {
            let mut encoder = bzip2::write::BzEncoder::new(Vec::new(), bzip2::Compression::default());
            encoder.write_all(data).map_err(failed)?;
            encoder.finish().map_err(failed)
        }
        _ => Ok(data.to_vec()),
    }
}

/// An Avro `long`: zig-zag, then variable-length.
fn write_long(out: &mut Vec<u8>, value: i64) {
    let mut n = ((value << 1) ^ (value >> 63)) as u64;
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Avro `bytes` (and `string`): the length, then the bytes.
fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_long(out, bytes.len() as i64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longs_are_zig_zag_varints() {
        let encoded = |v: i64| {
            let mut out = Vec::new();
            write_long(&mut out, v);
            out
        };
        assert_eq!(encoded(0), [0]);
        assert_eq!(encoded(-1), [1]);
        assert_eq!(encoded(1), [2]);
        assert_eq!(encoded(64), [0x80, 1]);
    }

    #[test]
    fn header_then_blocks() {
        let mut container = Container::start(Vec::new(), "\"int\"", Codec::None).unwrap();
        container.write_block(1, &[2]).unwrap();
        let bytes = container.out.clone();
        assert!(bytes.starts_with(b"Obj\x01"));
        assert_eq!(&bytes[bytes.len() - 19..bytes.len() - 16], &[2, 2, 2]);
    }
}
