//! `samplingRatio` with `multiLine` JSON: Spark infers from
//! `RDD.sample(withReplacement = false, ratio, seed = 1)` of its binary-file
//! RDD, one element per file. The files are packed into read partitions as
//! Hadoop's `CombineFileInputFormat` packs them (in order, a partition
//! closing once it holds `maxSplitSize` bytes); each partition gets the next
//! `java.util.Random(1).nextLong()` as its seed and keeps files as Spark's
//! `BernoulliSampler` does: gap sampling for ratios up to 0.4, else one draw
//! per file kept when at most the ratio.

use ember_functions::java_random::JavaRandom;
use ember_functions::seeded_random::XorShiftRandom;

use crate::file_splits::SplitSettings;

/// The seed Spark's inference samples with.
const SEED: i64 = 1;
/// Spark's `RandomSampler.defaultMaxGapSamplingFraction`.
const MAX_GAP_SAMPLING_FRACTION: f64 = 0.4;
/// Spark's `RandomSampler.rngEpsilon`.
const RNG_EPSILON: f64 = 5e-11;

/// Which of the files (of `sizes` bytes, in listing order) Spark's sample
/// keeps, for `ratio` (below 1) and a session of `parallelism` cores.
pub fn kept_files(sizes: &[u64], ratio: f64, splits: &SplitSettings, parallelism: usize) -> Vec<bool> {
    let mut seeds = JavaRandom::new(SEED);
    let mut kept = Vec::with_capacity(sizes.len());
    for partition in partitions(sizes, splits, parallelism) {
        let mut sampler = BernoulliSampler::new(ratio, seeds.next_long());
        kept.extend((0..partition).map(|_| sampler.keeps()));
    }
    kept
}

/// How many files each read partition holds, as Spark's
/// `StreamFileInputFormat.setMinPartitions` sizes them.
fn partitions(sizes: &[u64], splits: &SplitSettings, parallelism: usize) -> Vec<usize> {
    let total: u64 = sizes.iter().map(|size| size + splits.open_cost).sum();
    let per_core = total / parallelism.max(1) as u64;
    let max_split = splits.max_partition_bytes.min(splits.open_cost.max(per_core)).max(1);
    let mut counts = Vec::new();
    let (mut files, mut bytes) = (0, 0);
    for &size in sizes {
        files += 1;
        bytes += size;
        if bytes >= max_split {
            counts.push(files);
            (files, bytes) = (0, 0);
        }
    }
    if files > 0 {
        counts.push(files);
    }
    counts
}

/// Spark's `BernoulliSampler` over an `XORShiftRandom`.
struct BernoulliSampler {
    ratio: f64,
    random: XorShiftRandom,
    /// Gap sampling: how many items to drop before the next kept one.
    to_drop: Option<u64>,
}

impl BernoulliSampler {
    fn new(ratio: f64, seed: i64) -> Self {
        let mut sampler = BernoulliSampler { ratio, random: XorShiftRandom::new(seed), to_drop: None };
        if ratio <= MAX_GAP_SAMPLING_FRACTION {
            sampler.to_drop = Some(sampler.gap());
        }
        sampler
    }

    /// Spark's `GapSampling.advance`: a geometric gap.
    fn gap(&mut self) -> u64 {
        let u = self.random.next_double().max(RNG_EPSILON);
        (u.ln() / (-self.ratio).ln_1p()) as u64
    }

    fn keeps(&mut self) -> bool {
        match self.to_drop {
            Some(0) => {
                self.to_drop = Some(self.gap());
                true
            }
            Some(n) => {
                self.to_drop = Some(n - 1);
                false
            }
            None => self.random.next_double() <= self.ratio,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Options;

    #[test]
    fn small_files_share_one_partition_and_large_ones_split() {
        let splits = SplitSettings::from_conf(&Options::default()).unwrap();
        assert_eq!(partitions(&[10; 24], &splits, 2), [24]);
        let big = 200 << 20;
        assert_eq!(partitions(&[big, 10, big], &splits, 2), [1, 2]);
    }

    #[test]
    fn gap_sampling_below_the_threshold() {
        let splits = SplitSettings::from_conf(&Options::default()).unwrap();
        let kept = kept_files(&[10; 1000], 0.3, &splits, 2);
        let share = kept.iter().filter(|&&k| k).count() as f64 / 1000.0;
        assert!((0.25..0.35).contains(&share), "{share}");
    }
}
