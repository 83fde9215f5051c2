//! `java.util.Random`: the 48-bit linear congruential generator Spark's
//! seeded helpers draw from (Count-Min sketch hash seeds, the tie-breaking
//! of `histogram_numeric`, the partition seeds of a sample with replacement).

const MULTIPLIER: i64 = 0x5_DEEC_E66D;
const MASK: i64 = (1 << 48) - 1;

/// A source of random bits, with Java's `nextInt(bound)` drawn from them as
/// `java.util.Random` and commons-math's generators draw it.
pub trait RandomBits {
    /// The next `bits` random bits (`next(bits)`).
    fn next_bits(&mut self, bits: u32) -> i32;

    /// `nextInt(bound)`: uniform in `[0, bound)`; `bound` must be positive.
    fn next_int(&mut self, bound: i32) -> i32 {
        if bound & bound.wrapping_neg() == bound {
            return ((i64::from(bound) * i64::from(self.next_bits(31))) >> 31) as i32;
        }
        loop {
            let bits = self.next_bits(31);
            let value = bits % bound;
            if bits.wrapping_sub(value).wrapping_add(bound - 1) >= 0 {
                return value;
            }
        }
    }
}

impl RandomBits for JavaRandom {
    fn next_bits(&mut self, bits: u32) -> i32 {
        self.next(bits)
    }
}

/// A `java.util.Random` seeded with a given seed.
#[derive(Debug, Clone)]
pub struct JavaRandom {
    seed: i64,
}

impl JavaRandom {
    /// The generator `new java.util.Random(seed)`.
    pub fn new(seed: i64) -> Self {
        JavaRandom { seed: (seed ^ MULTIPLIER) & MASK }
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.seed = (self.seed.wrapping_mul(MULTIPLIER).wrapping_add(0xB)) & MASK;
        (self.seed >> (48 - bits)) as i32
    }

    /// `nextLong()`: two 32-bit draws.
    pub fn next_long(&mut self) -> i64 {
        (i64::from(self.next(32)) << 32).wrapping_add(i64::from(self.next(32)))
    }

    /// `nextDouble()`: uniform in `[0, 1)`.
    pub fn next_double(&mut self) -> f64 {
        let high = i64::from(self.next(26)) << 27;
        (high + i64::from(self.next(27))) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn longs_match_the_jdk() {
        // new java.util.Random(1).nextLong(), twice (from the JDK).
        let mut random = JavaRandom::new(1);
        assert_eq!(random.next_long(), -4964420948893066024);
        assert_eq!(random.next_long(), 7564655870752979346);
    }

    #[test]
    fn draws_as_java() {
        // The hash seeds of Spark's `count_min_sketch(…, seed => 7)`.
        let mut random = JavaRandom::new(7);
        assert_eq!(random.next_int(i32::MAX), 0x5D87_8BCC);
        assert_eq!(random.next_int(i32::MAX), 0x51BB_9A0C);
        assert_eq!(JavaRandom::new(0).next_double(), 0.730967787376657);
    }
}
