//! Spark's `count_min_sketch(value, eps, confidence, seed)`: a Count-Min
//! sketch of integers, strings or binaries, serialized as Spark's
//! `CountMinSketch.writeTo` writes it (big-endian: version 1, total count,
//! depth, width, the per-row hash seeds, then the table row by row).

use crate::java_random::RandomBits;
use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::common::{DataFusionError, Result};

use super::aggregate::SketchState;
use crate::hash::hash_bytes;
use crate::java_random::JavaRandom;

/// `2^31 - 1`, the modulus of the integer hash.
const PRIME_MODULUS: i64 = (1 << 31) - 1;

/// The literal parameters of a `count_min_sketch` call.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CountMinParameters {
    /// The relative error, positive.
    pub eps: f64,
    /// The confidence, in (0, 1).
    pub confidence: f64,
    /// The seed of the hash functions.
    pub seed: i32,
}

impl Eq for CountMinParameters {}

impl std::hash::Hash for CountMinParameters {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.eps.to_bits(), self.confidence.to_bits(), self.seed).hash(state);
    }
}

impl CountMinParameters {
    /// The sketch's (depth, width).
    fn shape(&self) -> (usize, usize) {
        let width = (2.0 / self.eps).ceil() as usize;
        let depth = (-(1.0 - self.confidence).ln() / 2f64.ln()).ceil() as usize;
        (depth, width)
    }

    /// The size of the sketch's table, in bytes.
    pub fn table_bytes(&self) -> usize {
        let (depth, width) = self.shape();
        depth.saturating_mul(width).saturating_mul(8)
    }

    pub(crate) fn state(&self) -> Box<dyn SketchState> {
        let (depth, width) = self.shape();
        let mut random = JavaRandom::new(i64::from(self.seed));
        let hash_seeds = (0..depth).map(|_| i64::from(random.next_int(i32::MAX))).collect();
        Box::new(CountMinSketch { depth, width, hash_seeds, table: vec![0; depth * width], total: 0 })
    }
}

/// A Count-Min sketch: `depth` rows of `width` counters.
#[derive(Debug, Clone, PartialEq)]
struct CountMinSketch {
    depth: usize,
    width: usize,
    hash_seeds: Vec<i64>,
    table: Vec<i64>,
    total: i64,
}

impl CountMinSketch {
    fn add_long(&mut self, item: i64) {
        for row in 0..self.depth {
            let mut hash = self.hash_seeds[row].wrapping_mul(item);
            hash = hash.wrapping_add(hash >> 32) & PRIME_MODULUS;
            self.table[row * self.width + (hash as i32 % self.width as i32) as usize] += 1;
        }
        self.total += 1;
    }

    fn add_bytes(&mut self, item: &[u8]) {
        let first = hash_bytes(item, 0) as i32;
        let second = hash_bytes(item, first as u32) as i32;
        for row in 0..self.depth {
            let bucket = (first.wrapping_add((row as i32).wrapping_mul(second)) % self.width as i32).unsigned_abs();
            self.table[row * self.width + bucket as usize] += 1;
        }
        self.total += 1;
    }

    fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(20 + 8 * (self.depth + self.table.len()));
        bytes.extend_from_slice(&1i32.to_be_bytes());
        bytes.extend_from_slice(&self.total.to_be_bytes());
        bytes.extend_from_slice(&(self.depth as i32).to_be_bytes());
        bytes.extend_from_slice(&(self.width as i32).to_be_bytes());
        for value in self.hash_seeds.iter().chain(&self.table) {
            bytes.extend_from_slice(&value.to_be_bytes());
        }
        bytes
    }
}

impl SketchState for CountMinSketch {
    fn update(&mut self, args: &[ArrayRef]) -> Result<()> {
        let values = &args[0];
        if values.data_type().is_integer() {
            let longs = cast(values, &DataType::Int64)?;
            longs.as_primitive::<Int64Type>().iter().flatten().for_each(|v| self.add_long(v));
        } else {
            let binary = cast(values, &DataType::Binary)?;
            binary.as_binary::<i32>().iter().flatten().for_each(|v| self.add_bytes(v));
        }
        Ok(())
    }

    fn merge(&mut self, sketch: &[u8]) -> Result<()> {
        let long = |at: usize| sketch.get(at..at + 8).map(|b| i64::from_be_bytes(b.try_into().unwrap_or_default()));
        let header_ok = sketch.len() == 20 + 8 * (self.depth + self.table.len());
        let seeds_ok = header_ok && (0..self.depth).all(|row| long(20 + 8 * row) == Some(self.hash_seeds[row]));
        if !seeds_ok {
            return Err(DataFusionError::Internal("count_min_sketch partial states of different shapes".into()));
        }
        self.total += long(4).unwrap_or_default();
        let table_at = 20 + 8 * self.depth;
        for (i, counter) in self.table.iter_mut().enumerate() {
            *counter += long(table_at + 8 * i).unwrap_or_default();
        }
        Ok(())
    }

    fn partial(&mut self) -> Result<Option<Vec<u8>>> {
        Ok(Some(self.to_bytes()))
    }

    fn result(&mut self) -> Result<Vec<u8>> {
        Ok(self.to_bytes())
    }

    fn size(&self) -> usize {
        std::mem::size_of::<Self>() + 8 * (self.table.len() + self.depth)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_follows_eps_and_confidence() {
        let mut sketch = CountMinParameters { eps: 0.5, confidence: 0.5, seed: 1 }.state();
        let bytes = sketch.result().unwrap();
        // depth 1, width 4: header, one seed, four counters.
        assert_eq!(bytes.len(), 20 + 8 + 32);
        assert_eq!(&bytes[12..20], &[0, 0, 0, 1, 0, 0, 0, 4]);
        let merged = bytes.clone();
        sketch.merge(&merged).unwrap();
        assert!(sketch.merge(&[0; 3]).is_err());
    }
}
