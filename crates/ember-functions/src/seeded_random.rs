//! Spark's `XORShiftRandom`, the generator of `rand(seed)`, `randn(seed)`,
//! `randstr(length, seed)` and sampling: seeded with `seed` plus the
//! partition index, it draws a uniform double in [0, 1), a standard normal
//! (`java.util.Random.nextGaussian`) or a string of letters and digits per
//! row, in the order the partition's rows arrive.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Float64Array, StringArray};
use datafusion::arrow::datatypes::DataType;

/// Scala's `MurmurHash3.bytesHash` of `data` with `seed`.
fn murmur3_bytes(data: &[u8], seed: u32) -> u32 {
    let mix_last = |h: u32, k: u32| h ^ k.wrapping_mul(0xcc9e_2d51).rotate_left(15).wrapping_mul(0x1b87_3593);
    let mix = |h: u32, k: u32| mix_last(h, k).rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    let mut h = seed;
    let chunks = data.chunks_exact(4);
    let tail = chunks.remainder();
    for chunk in chunks {
        h = mix(h, u32::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3]]));
    }
    if !tail.is_empty() {
        let mut k = 0u32;
        for (i, byte) in tail.iter().enumerate() {
            k ^= u32::from(*byte) << (8 * i);
        }
        h = mix_last(h, k);
    }
    h ^= data.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Spark's `XORShiftRandom`, with `java.util.Random`'s derived draws.
#[derive(Debug, Clone)]
pub struct XorShiftRandom {
    seed: i64,
    next_gaussian: Option<f64>,
}

impl XorShiftRandom {
    /// The generator of `seed` (hashed as Spark's `XORShiftRandom.hashSeed`).
    pub fn new(seed: i64) -> Self {
        let bytes = seed.to_be_bytes();
        let low = murmur3_bytes(&bytes, 0x3c07_4a61);
        let high = murmur3_bytes(&bytes, low);
        XorShiftRandom { seed: (i64::from(high) << 32) | i64::from(low), next_gaussian: None }
    }

    fn next(&mut self, bits: u32) -> i32 {
        let mut next = self.seed ^ (self.seed << 21);
        next ^= ((next as u64) >> 35) as i64;
        next ^= next << 4;
        self.seed = next;
        (next & ((1i64 << bits) - 1)) as i32
    }

    /// A uniform 32-bit integer (`java.util.Random.nextInt()`).
    pub fn next_int(&mut self) -> i32 {
        self.next(32)
    }

    /// `length` characters drawn from digits and ASCII letters, as Spark's `randstr`.
    pub fn next_string(&mut self, length: usize) -> String {
        (0..length)
            .map(|_| {
                let v = (self.next_int() % 62).unsigned_abs() as u8;
                match v {
                    0..=9 => b'0' + v,
                    10..=35 => b'a' + (v - 10),
                    _ => b'A' + (v - 36),
                }
            })
            .map(char::from)
            .collect()
    }

    /// A uniform double in [0, 1).
    pub fn next_double(&mut self) -> f64 {
        let high = i64::from(self.next(26)) << 27;
        (high + i64::from(self.next(27))) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal draw (the polar method, two at a time).
    pub fn next_gaussian(&mut self) -> f64 {
        if let Some(value) = self.next_gaussian.take() {
            return value;
        }
        loop {
            let v1 = 2.0 * self.next_double() - 1.0;
            let v2 = 2.0 * self.next_double() - 1.0;
            let s = v1 * v1 + v2 * v2;
            if s < 1.0 && s != 0.0 {
                // Java computes this with StrictMath, whose log can differ from the platform's in the last bit.
                let multiplier = (-2.0 * crate::strict_math::log(s) / s).sqrt();
                self.next_gaussian = Some(v2 * multiplier);
                return v1 * multiplier;
            }
        }
    }
}

/// What a seeded random call draws per row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd)]
pub enum Draw {
    /// `rand`: a uniform double in [0, 1).
    Uniform,
    /// `randn`: a standard normal double.
    Gaussian,
    /// `randstr`: a string of this many letters and digits.
    Chars(usize),
}

impl Draw {
    /// Spark's name of the function drawing this.
    pub fn function_name(self) -> &'static str {
        match self {
            Draw::Uniform => "rand",
            Draw::Gaussian => "randn",
            Draw::Chars(_) => "randstr",
        }
    }

    /// The type of the drawn values.
    pub fn data_type(self) -> DataType {
        if let Draw::Chars(_) = self { DataType::Utf8 } else { DataType::Float64 }
    }
}

impl XorShiftRandom {
    /// The next `rows` draws of `draw`, in order.
    pub fn draw_array(&mut self, draw: Draw, rows: usize) -> ArrayRef {
        match draw {
            Draw::Uniform => Arc::new(Float64Array::from_iter_values((0..rows).map(|_| self.next_double()))),
            Draw::Gaussian => Arc::new(Float64Array::from_iter_values((0..rows).map(|_| self.next_gaussian()))),
            Draw::Chars(length) => Arc::new((0..rows).map(|_| Some(self.next_string(length))).collect::<StringArray>()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_spark_values() {
        // Spark 4.3: SELECT rand(7) FROM VALUES (1), (2) in one partition.
        let mut random = XorShiftRandom::new(7);
        assert_eq!(random.next_double(), 0.28188121484885875);
        assert_eq!(random.next_double(), 0.45998819035056326);
    }

    #[test]
    fn draws_spark_strings() {
        // Spark 4.3: randstr(5, 42) over three rows in one partition.
        let mut random = XorShiftRandom::new(42);
        let drawn: Vec<String> = (0..3).map(|_| random.next_string(5)).collect();
        assert_eq!(drawn, ["pll6Y", "OIJNn", "I2NS5"]);
    }

    #[test]
    fn draws_spark_gaussians_with_fdlibm_logs() {
        // Spark 4.3: randn(2) over range(0, 10, 1, 2), the second partition's first rows.
        let drawn = XorShiftRandom::new(3).draw_array(Draw::Gaussian, 1);
        let drawn = drawn.as_any().downcast_ref::<Float64Array>().unwrap();
        assert_eq!(drawn.value(0), -1.1854930781734352);
    }
}
