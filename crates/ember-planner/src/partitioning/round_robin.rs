//! Where Spark's round-robin repartitioning starts dealing an input
//! partition's rows: `XORShiftRandom(partitionId).nextInt(n)`.

/// Scala's `MurmurHash3.arraySeed`.
const ARRAY_SEED: u32 = 0x3c07_4a61;

/// Scala's `MurmurHash3.bytesHash` of a whole number of 4-byte words.
fn bytes_hash(bytes: &[u8; 8], seed: u32) -> u32 {
    let mut h = seed;
    for word in bytes.chunks_exact(4) {
        let mut k = u32::from_le_bytes([word[0], word[1], word[2], word[3]]);
        k = k.wrapping_mul(0xcc9e_2d51).rotate_left(15).wrapping_mul(0x1b87_3593);
        h ^= k;
        h = h.rotate_left(13).wrapping_mul(5).wrapping_add(0xe654_6b64);
    }
    h ^= bytes.len() as u32;
    h ^= h >> 16;
    h = h.wrapping_mul(0x85eb_ca6b);
    h ^= h >> 13;
    h = h.wrapping_mul(0xc2b2_ae35);
    h ^ (h >> 16)
}

/// Spark's `XORShiftRandom`, as far as `nextInt(bound)` needs it.
struct XorShiftRandom {
    seed: i64,
}

impl XorShiftRandom {
    fn new(init: i64) -> Self {
        let bytes = init.to_be_bytes();
        let low = bytes_hash(&bytes, ARRAY_SEED);
        let high = bytes_hash(&bytes, low);
        XorShiftRandom { seed: (i64::from(high) << 32) | i64::from(low) }
    }

    fn next(&mut self, bits: u32) -> i32 {
        let mut next = self.seed ^ (self.seed << 21);
        next ^= ((next as u64) >> 35) as i64;
        next ^= next << 4;
        self.seed = next;
        (next & ((1i64 << bits) - 1)) as i32
    }

    /// `java.util.Random.nextInt(bound)`.
    fn next_int(&mut self, bound: i32) -> i32 {
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((i64::from(bound) * i64::from(r)) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31);
        }
    }
}

/// The position before the first row of input partition `partition` when
/// dealing rows to `partitions` outputs; row `i` (from 0) goes to output
/// `(start + i + 1) mod partitions`.
pub fn round_robin_start(partition: usize, partitions: usize) -> i64 {
    i64::from(XorShiftRandom::new(partition as i64).next_int(partitions as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_stay_within_the_partitions() {
        for n in 1..20 {
            for p in 0..10 {
                let start = round_robin_start(p, n);
                assert!((0..n as i64).contains(&start));
            }
        }
    }
}
