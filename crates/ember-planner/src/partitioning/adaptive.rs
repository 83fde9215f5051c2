//! Spark's adaptive coalescing of a shuffle's partitions
//! (`spark.sql.adaptive.coalescePartitions.*`): once the shuffle has run,
//! neighbouring partitions are packed together up to a target size, so a
//! small `repartition(cols)` ends up in one partition (`spark_partition_id()`
//! 0), as Spark's adaptive execution reads it.
//!
//! Spark sizes each partition by the compressed bytes its map tasks wrote;
//! Ember sizes it by the rows' `UnsafeRow` bytes (4 bytes of length each),
//! uncompressed. Below the minimum partition size (1 MB by default) both
//! give one partition; for larger shuffles Ember may keep more partitions
//! than Spark.

use std::ops::Range;

/// The session's coalescing settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AdaptiveCoalescing {
    /// `spark.sql.adaptive.advisoryPartitionSizeInBytes` (64 MB).
    pub advisory_size: u64,
    /// `spark.sql.adaptive.coalescePartitions.minPartitionSize` (1 MB), 0
    /// when `minPartitionNum` is set.
    pub min_partition_size: u64,
    /// `spark.sql.adaptive.coalescePartitions.minPartitionNum`, else the
    /// default parallelism.
    pub min_partitions: usize,
}

impl AdaptiveCoalescing {
    /// The partitions that read together: ranges of neighbouring shuffle
    /// partitions (of `sizes` bytes), empty runs left out, at least one.
    pub fn groups(&self, sizes: &[u64]) -> Vec<Range<usize>> {
        let total: u64 = sizes.iter().sum();
        let widest = total.div_ceil(self.min_partitions.max(1) as u64);
        let target = widest.min(self.advisory_size).max(self.min_partition_size);
        let mut groups: Vec<Range<usize>> = Vec::new();
        // The group being filled: where it starts and its bytes; the bytes
        // of the last group closed.
        let (mut start, mut filled, mut last_closed) = (0, 0u64, 0u64);
        for (i, &size) in sizes.iter().enumerate() {
            if i > start && filled + size > target {
                if filled < self.min_partition_size {
                    // Too small to stand alone: joins the smaller neighbour.
                    if last_closed > 0 && last_closed < size {
                        if let Some(previous) = groups.last_mut() {
                            previous.end = i;
                        }
                        start = i;
                        last_closed += filled;
                        filled = size;
                    } else {
                        filled += size;
                    }
                    continue;
                }
                if filled > 0 {
                    groups.push(start..i);
                }
                start = i;
                last_closed = filled;
                filled = size;
            } else {
                filled += size;
            }
        }
        if filled < self.min_partition_size && last_closed > 0 {
            if let Some(previous) = groups.last_mut() {
                previous.end = sizes.len();
            }
        } else if filled > 0 || groups.is_empty() {
            groups.push(start..sizes.len());
        }
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MB: u64 = 1 << 20;

    fn spark_defaults() -> AdaptiveCoalescing {
        AdaptiveCoalescing { advisory_size: 64 * MB, min_partition_size: MB, min_partitions: 2 }
    }

    #[test]
    fn small_shuffles_read_as_one_partition() {
        assert_eq!(spark_defaults().groups(&[0, 300, 0, 0, 500, 0]), vec![0..6]);
        assert_eq!(spark_defaults().groups(&[0, 0]), vec![0..2]);
    }

    #[test]
    fn packs_neighbours_up_to_the_target() {
        let settings = AdaptiveCoalescing { advisory_size: 128 * MB, min_partition_size: 0, min_partitions: 1 };
        // Spark's documented example: two shuffles summed per partition.
        assert_eq!(settings.groups(&[110 * MB, 30 * MB, 170 * MB, 15 * MB, 35 * MB]), vec![0..1, 1..2, 2..3, 3..5]);
    }

    #[test]
    fn a_partition_below_the_minimum_joins_a_neighbour() {
        let settings = AdaptiveCoalescing { advisory_size: 64 * MB, min_partition_size: MB, min_partitions: 1 };
        assert_eq!(settings.groups(&[64 * MB, MB / 2, 64 * MB]), vec![0..1, 1..3]);
        assert_eq!(settings.groups(&[64 * MB, 64 * MB, MB / 2]), vec![0..1, 1..3]);
    }
}
