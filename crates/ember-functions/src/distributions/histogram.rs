//! Spark's `NumericHistogram` (Ben-Haim and Tom-Tov's streaming histogram,
//! as Hive and Spark implement it) behind `histogram_numeric`: bins sorted
//! by centre; a new value gets its own bin, and while there are too many
//! bins the two closest neighbours merge (ties between equally close pairs
//! drawn from `java.util.Random(31183)`, as Spark).

use crate::java_random::JavaRandom;

/// The seed of the generator breaking ties between equally close bins.
const TIE_SEED: i64 = 31183;

/// A histogram of at most `bins` bins: (centre, height) pairs.
#[derive(Debug, Clone)]
pub struct NumericHistogram {
    bins: usize,
    coordinates: Vec<(f64, f64)>,
    random: JavaRandom,
}

impl NumericHistogram {
    /// An empty histogram with at most `bins` bins.
    pub fn new(bins: usize) -> Self {
        NumericHistogram { bins, coordinates: Vec::new(), random: JavaRandom::new(TIE_SEED) }
    }

    /// Counts `value`.
    pub fn add(&mut self, value: f64) {
        let (mut low, mut high, mut at) = (0, self.coordinates.len(), 0);
        while low < high {
            at = (low + high) / 2;
            let centre = self.coordinates[at].0;
            if centre > value {
                high = at;
            } else if centre < value {
                at += 1;
                low = at;
            } else {
                break;
            }
        }
        match self.coordinates.get_mut(at) {
            Some(bin) if bin.0 == value => bin.1 += 1.0,
            _ => {
                self.coordinates.insert(at, (value, 1.0));
                if self.coordinates.len() > self.bins {
                    self.trim();
                }
            }
        }
    }

    /// Folds in the bins of another histogram (a partial state).
    pub fn merge(&mut self, other: &[(f64, f64)]) {
        if other.is_empty() {
            return;
        }
        if self.coordinates.is_empty() {
            self.coordinates = other.to_vec();
            return;
        }
        self.coordinates.extend_from_slice(other);
        self.coordinates.sort_by(|a, b| a.0.total_cmp(&b.0));
        self.trim();
    }

    /// Merges the closest neighbours until at most `bins` remain.
    fn trim(&mut self) {
        while self.coordinates.len() > self.bins {
            let bins = &self.coordinates;
            let mut smallest = bins[1].0 - bins[0].0;
            let (mut at, mut ties) = (0, 1);
            for i in 1..bins.len() - 1 {
                let gap = bins[i + 1].0 - bins[i].0;
                if gap < smallest {
                    (smallest, at, ties) = (gap, i, 1);
                } else if gap == smallest {
                    ties += 1;
                    if self.random.next_double() <= 1.0 / f64::from(ties) {
                        at = i;
                    }
                }
            }
            let (left, right) = (self.coordinates[at], self.coordinates[at + 1]);
            let height = left.1 + right.1;
            let mut centre = left.0 * (left.1 / height);
            centre += right.0 / height * right.1;
            self.coordinates[at] = (centre, height);
            self.coordinates.remove(at + 1);
        }
    }

    /// The bins, by centre.
    pub fn bins(&self) -> &[(f64, f64)] {
        &self.coordinates
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merges_the_closest_bins() {
        let mut histogram = NumericHistogram::new(2);
        [1.0, 3.0, 20.0].into_iter().for_each(|v| histogram.add(v));
        assert_eq!(histogram.bins(), &[(2.0, 2.0), (20.0, 1.0)]);
        let mut other = NumericHistogram::new(2);
        other.merge(histogram.bins());
        other.merge(&[(21.0, 1.0)]);
        assert_eq!(other.bins(), &[(2.0, 2.0), (20.5, 2.0)]);
    }
}
