//! Hadoop's block-compressed streams, as its `SnappyCodec` and `Lz4Codec`
//! write text files (`.snappy`, `.lz4`): blocks of a big-endian 4-byte
//! uncompressed length followed by chunks of a 4-byte compressed length and
//! a raw Snappy or LZ4 block, until the block's bytes are all there.

use std::io::{self, Write};

/// The raw block compression inside the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockCodec {
    /// Snappy's raw format (`org.apache.hadoop.io.compress.SnappyCodec`).
    Snappy,
    /// LZ4's block format (`org.apache.hadoop.io.compress.Lz4Codec`).
    Lz4,
}

/// Uncompressed bytes per block: well under Hadoop's 256 KiB buffers.
const BLOCK_SIZE: usize = 64 << 10;

impl BlockCodec {
    /// The codec of a file extension (`snappy`, `lz4`).
    pub fn of_extension(extension: &str) -> Option<BlockCodec> {
        match extension {
            "snappy" => Some(BlockCodec::Snappy),
            "lz4" => Some(BlockCodec::Lz4),
            _ => None,
        }
    }

    fn compress(self, raw: &[u8]) -> io::Result<Vec<u8>> {
        match self {
            BlockCodec::Snappy => snap::raw::Encoder::new().compress_vec(raw).map_err(io::Error::other),
            BlockCodec::Lz4 => Ok(lz4_flex::block::compress(raw)),
        }
    }

    fn decompress(self, chunk: &[u8], most: usize) -> io::Result<Vec<u8>> {
        match self {
            BlockCodec::Snappy => snap::raw::Decoder::new().decompress_vec(chunk).map_err(io::Error::other),
            BlockCodec::Lz4 => lz4_flex::block::decompress(chunk, most).map_err(io::Error::other),
        }
    }

    /// The text of a whole stream.
    pub fn decode(self, mut stream: &[u8]) -> io::Result<Vec<u8>> {
        let mut out = Vec::new();
        while !stream.is_empty() {
            let raw_length = take_length(&mut stream)?;
            let mut produced = 0;
            while produced < raw_length {
                let chunk_length = take_length(&mut stream)?;
                let chunk = stream.get(..chunk_length).ok_or_else(truncated)?;
                stream = &stream[chunk_length..];
                let raw = self.decompress(chunk, raw_length - produced)?;
                if raw.is_empty() {
                    return Err(truncated());
                }
                produced += raw.len();
                out.extend_from_slice(&raw);
            }
        }
        Ok(out)
    }
}

fn take_length(stream: &mut &[u8]) -> io::Result<usize> {
    let bytes: [u8; 4] = stream.get(..4).ok_or_else(truncated)?.try_into().map_err(|_| truncated())?;
    *stream = &stream[4..];
    Ok(u32::from_be_bytes(bytes) as usize)
}

fn truncated() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "truncated Hadoop compressed block")
}

/// Writes a block-compressed stream: each block is written once full, and
/// on `flush` (the rest; a stream may end with a short block).
pub struct BlockWriter<W: Write> {
    inner: W,
    codec: BlockCodec,
    pending: Vec<u8>,
}

impl<W: Write> BlockWriter<W> {
    /// A stream of `codec` blocks into `inner`.
    pub fn new(inner: W, codec: BlockCodec) -> Self {
        BlockWriter { inner, codec, pending: Vec::with_capacity(BLOCK_SIZE) }
    }

    fn write_block(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let compressed = self.codec.compress(&self.pending)?;
        self.inner.write_all(&(self.pending.len() as u32).to_be_bytes())?;
        self.inner.write_all(&(compressed.len() as u32).to_be_bytes())?;
        self.inner.write_all(&compressed)?;
        self.pending.clear();
        Ok(())
    }
}

impl<W: Write> Write for BlockWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let taken = buf.len().min(BLOCK_SIZE - self.pending.len());
        self.pending.extend_from_slice(&buf[..taken]);
        if self.pending.len() == BLOCK_SIZE {
            self.write_block()?;
        }
        Ok(taken)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.write_block()?;
        self.inner.flush()
    }
}

impl<W: Write> Drop for BlockWriter<W> {
    fn drop(&mut self) {
        let _ = self.flush();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_over_several_blocks() {
        let text: Vec<u8> = (0..200_000u32).flat_map(|i| format!("{i},name{i}\n").into_bytes()).collect();
        for codec in [BlockCodec::Snappy, BlockCodec::Lz4] {
            let mut stream = Vec::new();
            {
                let mut writer = BlockWriter::new(&mut stream, codec);
                writer.write_all(&text).unwrap();
                writer.flush().unwrap();
            }
            assert_eq!(codec.decode(&stream).unwrap(), text);
            assert!(codec.decode(&stream[..stream.len() - 3]).is_err());
        }
    }

    #[test]
    fn reads_what_hadoop_writes() {
        // Spark 4.3's `df.write.option("compression", "snappy").text(...)` of
        // "name0".."name4", and the same with lz4.
        let snappy = hex("0000001e0000001d1e146e616d65300a01060031050634320a6e616d65330a6e616d65340a");
        let lz4 = hex("0000001e0000001a606e616d65300a0600113106001132060080330a6e616d65340a");
        let expected = b"name0\nname1\nname2\nname3\nname4\n".to_vec();
        assert_eq!(BlockCodec::Snappy.decode(&snappy).unwrap(), expected);
        assert_eq!(BlockCodec::Lz4.decode(&lz4).unwrap(), expected);
    }

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect()
    }
}
