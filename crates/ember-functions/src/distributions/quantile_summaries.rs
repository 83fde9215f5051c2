//! Spark's `QuantileSummaries`: the Greenwald-Khanna summary behind
//! `percentile_approx`, with Spark's head buffer, compression, merge and
//! query rules, so that approximate answers equal Spark's for the same
//! partitions of input.

/// Values buffered before they are sorted into the summary.
const HEAD_SIZE: usize = 50_000;
/// Samples above which an insert compresses the summary.
const COMPRESS_THRESHOLD: usize = 10_000;

/// One sample: a value, the rank gap `g` to the previous sample and the
/// rank uncertainty `delta`.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Sample {
    value: f64,
    g: i64,
    delta: i64,
}

/// A quantile summary with a relative error.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantileSummaries {
    relative_error: f64,
    samples: Vec<Sample>,
    count: i64,
    head: Vec<f64>,
}

impl QuantileSummaries {
    /// An empty summary answering within `relative_error` (`1 / accuracy`).
    pub fn new(relative_error: f64) -> Self {
        QuantileSummaries { relative_error, samples: Vec::new(), count: 0, head: Vec::new() }
    }

    /// Adds a value.
    pub fn insert(&mut self, value: f64) {
        self.head.push(value);
        if self.head.len() >= HEAD_SIZE {
            self.insert_head();
            if self.samples.len() >= COMPRESS_THRESHOLD {
                self.compress();
            }
        }
    }

    /// Sorts the buffered values into the samples.
    fn insert_head(&mut self) {
        if self.head.is_empty() {
            return;
        }
        let mut sorted = std::mem::take(&mut self.head);
        sorted.sort_by(f64::total_cmp);
        let mut merged = Vec::with_capacity(self.samples.len() + sorted.len());
        let mut next = 0;
        for (i, &value) in sorted.iter().enumerate() {
            while next < self.samples.len() && self.samples[next].value <= value {
                merged.push(self.samples[next]);
                next += 1;
            }
            self.count += 1;
            let at_an_end = merged.is_empty() || (next == self.samples.len() && i == sorted.len() - 1);
            let delta = if at_an_end { 0 } else { (2.0 * self.relative_error * self.count as f64).floor() as i64 };
            merged.push(Sample { value, g: 1, delta });
        }
        merged.extend_from_slice(&self.samples[next..]);
        self.samples = merged;
    }

    /// Inserts the buffered values and merges neighbouring samples whose
    /// combined uncertainty stays below the error bound.
    pub fn compress(&mut self) {
        self.insert_head();
        let threshold = 2.0 * self.relative_error * self.count as f64;
        self.samples = compress_samples(&self.samples, threshold);
    }

    /// Folds `other` into this summary (both are compressed first).
    pub fn merge(&mut self, other: &mut QuantileSummaries) {
        self.compress();
        other.compress();
        if other.count == 0 {
            return;
        }
        if self.count == 0 {
            *self = other.clone();
            return;
        }
        let extra_self_delta = (2.0 * other.relative_error * other.count as f64).floor() as i64;
        let extra_other_delta = (2.0 * self.relative_error * self.count as f64).floor() as i64;
        let (mut i, mut j) = (0, 0);
        let mut merged = Vec::with_capacity(self.samples.len() + other.samples.len());
        while i < self.samples.len() && j < other.samples.len() {
            let (mine, theirs) = (self.samples[i], other.samples[j]);
            let (mut next, extra) = if mine.value < theirs.value {
                i += 1;
                (mine, if j > 0 { extra_self_delta } else { 0 })
            } else {
                j += 1;
                (theirs, if i > 0 { extra_other_delta } else { 0 })
            };
            next.delta += extra;
            merged.push(next);
        }
        merged.extend_from_slice(&self.samples[i..]);
        merged.extend_from_slice(&other.samples[j..]);
        self.relative_error = self.relative_error.max(other.relative_error);
        self.count += other.count;
        self.samples = compress_samples(&merged, 2.0 * self.relative_error * self.count as f64);
    }

    /// The values at `percentiles` (fractions in [0, 1]), `None` without values.
    pub fn query(&mut self, percentiles: &[f64]) -> Option<Vec<f64>> {
        self.compress();
        let (first, last) = (self.samples.first()?.value, self.samples.last()?.value);
        let target_error = self.samples.iter().map(|s| s.g + s.delta).max().unwrap_or(0) / 2;
        let mut order: Vec<usize> = (0..percentiles.len()).collect();
        order.sort_by(|a, b| percentiles[*a].total_cmp(&percentiles[*b]));
        let mut answers = vec![0.0; percentiles.len()];
        let (mut index, mut min_rank) = (0, self.samples[0].g);
        for at in order {
            let percentile = percentiles[at];
            answers[at] = if percentile <= self.relative_error {
                first
            } else if percentile >= 1.0 - self.relative_error {
                last
            } else {
                let (found, rank, value) = self.find(index, min_rank, target_error, percentile);
                (index, min_rank) = (found, rank);
                value
            };
        }
        Some(answers)
    }

    /// Walks the samples from `index` to the first whose rank range holds
    /// the percentile's rank within `target_error`.
    fn find(&self, index: usize, min_rank_at_index: i64, target_error: i64, percentile: f64) -> (usize, i64, f64) {
        let rank = (percentile * self.count as f64).ceil() as i64;
        let (mut i, mut min_rank) = (index, min_rank_at_index);
        while i + 1 < self.samples.len() {
            let sample = self.samples[i];
            let max_rank = min_rank + sample.delta;
            if max_rank - target_error <= rank && rank <= min_rank + target_error {
                return (i, min_rank, sample.value);
            }
            i += 1;
            min_rank += self.samples[i].g;
        }
        (self.samples.len() - 1, 0, self.samples[self.samples.len() - 1].value)
    }

    /// The compressed summary as bytes (the partial state between stages).
    pub fn to_bytes(&mut self) -> Vec<u8> {
        self.compress();
        let mut bytes = Vec::with_capacity(16 + self.samples.len() * 24);
        bytes.extend_from_slice(&self.relative_error.to_le_bytes());
        bytes.extend_from_slice(&self.count.to_le_bytes());
        for sample in &self.samples {
            bytes.extend_from_slice(&sample.value.to_le_bytes());
            bytes.extend_from_slice(&sample.g.to_le_bytes());
            bytes.extend_from_slice(&sample.delta.to_le_bytes());
        }
        bytes
    }

    /// A summary written by [`QuantileSummaries::to_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let word = |i: usize| bytes.get(i * 8..i * 8 + 8).map(|b| <[u8; 8]>::try_from(b).unwrap_or_default());
        let relative_error = f64::from_le_bytes(word(0)?);
        let count = i64::from_le_bytes(word(1)?);
        let samples = (0..(bytes.len() / 8 - 2) / 3)
            .map(|s| {
                let at = 2 + 3 * s;
                Some(Sample {
                    value: f64::from_le_bytes(word(at)?),
                    g: i64::from_le_bytes(word(at + 1)?),
                    delta: i64::from_le_bytes(word(at + 2)?),
                })
            })
            .collect::<Option<Vec<_>>>()?;
        Some(QuantileSummaries { relative_error, samples, count, head: Vec::new() })
    }

    /// Memory held, in bytes.
    pub fn size(&self) -> usize {
        std::mem::size_of::<Self>() + self.samples.capacity() * 24 + self.head.capacity() * 8
    }
}

/// Merges samples from the end towards the front while a neighbour's gap
/// plus the kept sample's gap and uncertainty stay under `threshold`; the
/// first and last samples are kept.
fn compress_samples(samples: &[Sample], threshold: f64) -> Vec<Sample> {
    let Some(&last) = samples.last() else {
        return Vec::new();
    };
    let mut kept = Vec::with_capacity(samples.len());
    let mut head = last;
    for &sample in samples.get(1..samples.len() - 1).unwrap_or_default().iter().rev() {
        if ((sample.g + head.g + head.delta) as f64) < threshold {
            head.g += sample.g;
        } else {
            kept.push(head);
            head = sample;
        }
    }
    kept.push(head);
    if samples.len() > 1 && samples[0].value <= head.value {
        kept.push(samples[0]);
    }
    kept.reverse();
    kept
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(values: impl IntoIterator<Item = f64>, accuracy: f64) -> QuantileSummaries {
        let mut summary = QuantileSummaries::new(1.0 / accuracy);
        values.into_iter().for_each(|v| summary.insert(v));
        summary
    }

    #[test]
    fn small_inputs_are_exact() {
        let mut s = summary([4.0, 1.0, 9.0, 3.0], 10_000.0);
        assert_eq!(s.query(&[0.0, 0.5, 0.3, 1.0]), Some(vec![1.0, 3.0, 3.0, 9.0]));
        assert_eq!(QuantileSummaries::new(0.1).query(&[0.5]), None);
    }

    #[test]
    fn round_trips_and_merges() {
        let mut left = summary((0..500).map(f64::from), 10.0);
        let mut right = QuantileSummaries::from_bytes(&summary((500..1000).map(f64::from), 10.0).to_bytes()).unwrap();
        left.merge(&mut right);
        let median = left.query(&[0.5]).unwrap()[0];
        assert!((400.0..=600.0).contains(&median), "{median}");
    }
}
