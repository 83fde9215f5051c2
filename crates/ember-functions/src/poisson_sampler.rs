//! Spark's sampler for `sample(withReplacement=True, …)`: per partition, a
//! Poisson count per row, drawn as commons-math's `PoissonDistribution`
//! draws it from its `Well19937c` generator. Partition `i` seeds it with the
//! `i + 1`-th `nextLong()` of a `java.util.Random` of the sample's seed (as
//! Spark's `PartitionwiseSampledRDD`).

use crate::java_random::JavaRandom;

/// The WELL19937c generator of commons-math (Panneton, L'Ecuyer and
/// Matsumoto's WELL with Matsumoto-Kurita tempering).
#[derive(Debug, Clone)]
pub struct Well19937c {
    state: Vec<u32>,
    index: usize,
}

/// Words of state: ceil(19937 / 32).
const WORDS: usize = 624;
const M1: usize = 70;
const M2: usize = 179;
const M3: usize = 449;

impl Well19937c {
    /// The generator of a long seed, as commons-math's `setSeed(long)`: the
    /// seed's high and low words, the rest of the state filled from them.
    pub fn new(seed: i64) -> Self {
        let mut state = vec![0u32; WORDS];
        state[0] = ((seed as u64) >> 32) as u32;
        state[1] = seed as u32;
        for i in 2..WORDS {
            // Java sign-extends the previous word and shifts it arithmetically.
            let previous = i64::from(state[i - 2] as i32);
            state[i] = 1_812_433_253i64.wrapping_mul(previous ^ (previous >> 30)).wrapping_add(i as i64) as u32;
        }
        Well19937c { state, index: 0 }
    }

    fn at(&self, offset: usize) -> u32 {
        self.state[(self.index + offset) % WORDS]
    }

    /// The next `bits` random bits (1 to 32).
    fn next(&mut self, bits: u32) -> u32 {
        let minus_one = (self.index + WORDS - 1) % WORDS;
        let minus_two = (self.index + WORDS - 2) % WORDS;
        let v0 = self.state[self.index];
        let (m1, m2, m3) = (self.at(M1), self.at(M2), self.at(M3));
        let z0 = (0x8000_0000 & self.state[minus_one]) ^ (0x7FFF_FFFF & self.state[minus_two]);
        let z1 = (v0 ^ (v0 << 25)) ^ (m1 ^ (m1 >> 27));
        let z2 = (m2 >> 9) ^ (m3 ^ (m3 >> 1));
        let z3 = z1 ^ z2;
        let mut z4 = z0 ^ (z1 ^ (z1 << 9)) ^ (z2 ^ (z2 << 21)) ^ (z3 ^ (z3 >> 21));
        self.state[self.index] = z3;
        self.state[minus_one] = z4;
        self.state[minus_two] &= 0x8000_0000;
        self.index = minus_one;
        z4 ^= (z4 << 7) & 0xE46E_1700;
        z4 ^= (z4 << 15) & 0x9B86_8000;
        z4 >> (32 - bits)
    }

    /// A uniform double in [0, 1) from 52 random bits.
    pub fn next_double(&mut self) -> f64 {
        let high = u64::from(self.next(26)) << 26;
        let low = u64::from(self.next(26));
        (high | low) as f64 * (1.0 / (1u64 << 52) as f64)
    }
}

/// Means from which commons-math switches to another Poisson algorithm
/// (not Spark's rows here).
const PRODUCT_METHOD_LIMIT: f64 = 40.0;

/// Poisson counts of one mean, drawn one per row in order.
#[derive(Debug, Clone)]
pub struct PoissonSampler {
    random: Well19937c,
    mean: f64,
    threshold: f64,
}

impl PoissonSampler {
    /// The sampler of partition `partition` of a sample of `mean` (Spark's
    /// fraction) and `seed`.
    pub fn new(mean: f64, seed: i64, partition: usize) -> Self {
        let mut seeds = JavaRandom::new(seed);
        let partition_seed = (0..=partition).map(|_| seeds.next_long()).last().unwrap_or_default();
        let mean = if mean > 0.0 { mean } else { 1.0 };
        PoissonSampler { random: Well19937c::new(partition_seed), mean, threshold: (-mean).exp() }
    }

    /// The next row's count: for means under 40, the number of uniform draws
    /// whose running product stays at or above e^-mean (at most 1000 × mean).
    pub fn next_count(&mut self) -> i64 {
        if self.mean >= PRODUCT_METHOD_LIMIT {
            return self.normal_approximation();
        }
        let mut count = 0i64;
        let mut product = 1.0;
        while (count as f64) < 1000.0 * self.mean {
            product *= self.random.next_double();
            if product < self.threshold {
                return count;
            }
            count += 1;
        }
        count
    }

    /// A count for large means: the rounded normal approximation (seeded,
    /// not commons-math's draw).
    fn normal_approximation(&mut self) -> i64 {
        let (u1, u2) = (self.random.next_double(), self.random.next_double());
        let normal = (-2.0 * (1.0 - u1).ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos();
        (self.mean + self.mean.sqrt() * normal).round().max(0.0) as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_sparks() {
        // Spark 4.3: spark.range(0, 60, 1, 3).sample(True, 0.5, seed=42) keeps
        // ids 5, 6, 7, 12, 14, 15, 18, 19, 19 of the first partition.
        let mut sampler = PoissonSampler::new(0.5, 42, 0);
        let counts: Vec<i64> = (0..20).map(|_| sampler.next_count()).collect();
        let expected = [0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 2];
        assert_eq!(counts, expected);
    }

    #[test]
    fn counts_average_the_mean() {
        let mut sampler = PoissonSampler::new(2.0, 1, 0);
        let total: i64 = (0..10_000).map(|_| sampler.next_count()).sum();
        assert!((19_000..21_000).contains(&total));
        let mut large = PoissonSampler::new(50.0, 1, 3);
        let total: i64 = (0..1_000).map(|_| large.next_count()).sum();
        assert!((48_000..52_000).contains(&total));
    }
}
