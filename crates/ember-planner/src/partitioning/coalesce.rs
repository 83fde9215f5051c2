//! Which input partitions each partition of `coalesce(n)` reads, as Spark's
//! `DefaultPartitionCoalescer` groups them on one host (the session's
//! local mode): without preferred locations (a range, local rows) in
//! neighbouring runs; with them (a shuffle's partitions that received rows,
//! whose blocks are on the host) in groups seeded and balanced by a
//! `java.util.Random` with a fixed seed.

/// The seed of the coalescer's random generator.
const COALESCER_SEED: i64 = 7919;

/// How much more loaded than another group a partition's preferred group
/// may be before the partition goes to the other one, as a fraction of the
/// input partitions.
const BALANCE_SLACK: f64 = 0.10;

/// Java's `java.util.Random`, as far as `nextInt(bound)` needs it.
struct JavaRandom {
    seed: i64,
}

impl JavaRandom {
    const MULTIPLIER: i64 = 0x5_DEEC_E66D;
    const MASK: i64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        JavaRandom { seed: (seed ^ Self::MULTIPLIER) & Self::MASK }
    }

    fn next(&mut self, bits: u32) -> i32 {
        self.seed = self.seed.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB) & Self::MASK;
        (self.seed >> (48 - bits)) as i32
    }

    /// A uniform draw in `0..bound` (`bound` positive).
    fn next_int(&mut self, bound: usize) -> usize {
        let bound = bound as i32;
        if bound & -bound == bound {
            return ((i64::from(bound) * i64::from(self.next(31))) >> 31) as usize;
        }
        loop {
            let bits = self.next(31);
            let value = bits % bound;
            if bits.wrapping_sub(value).wrapping_add(bound - 1) >= 0 {
                return value as usize;
            }
        }
    }
}

/// The input partitions (in reading order) of each of `n` output
/// partitions, `n` at most the number of inputs; `located[p]` tells whether
/// input partition `p` has a preferred location.
pub(super) fn coalesced_groups(located: &[bool], n: usize) -> Vec<Vec<usize>> {
    let inputs = located.len();
    let (with_location, without_location): (Vec<usize>, Vec<usize>) = (0..inputs).partition(|&p| located[p]);
    let Some(&first) = with_location.first() else {
        return (0..n).map(|i| (i * inputs / n..(i + 1) * inputs / n).collect()).collect();
    };
    let mut random = JavaRandom::new(COALESCER_SEED);
    let mut taken = vec![false; inputs];
    let mut take = |p: usize| !std::mem::replace(&mut taken[p], true);
    // One group per host starts with its first partition; the other groups
    // each with a random partition of the host, unless already taken.
    take(first);
    let mut groups = vec![vec![first]];
    while groups.len() < n {
        let p = with_location[random.next_int(with_location.len())];
        groups.push(if take(p) { vec![p] } else { vec![] });
    }
    // Groups left empty take the first partitions not taken yet.
    let mut free = with_location.iter().chain(&without_location).copied();
    for group in groups.iter_mut().filter(|g| g.is_empty()) {
        if let Some(p) = free.by_ref().find(|&p| take(p)) {
            group.push(p);
        }
    }
    let slack = (BALANCE_SLACK * inputs as f64) as usize;
    for p in 0..inputs {
        if !take(p) {
            continue;
        }
        // The least loaded group of the partition's host (the first of
        // them), unless one of two random groups is less loaded by the slack.
        let preferred = located[p].then(|| (0..groups.len()).min_by_key(|&g| groups[g].len()).unwrap_or(0));
        let (r1, r2) = (random.next_int(groups.len()), random.next_int(groups.len()));
        let balanced = if groups[r1].len() < groups[r2].len() { r1 } else { r2 };
        let chosen = match preferred {
            Some(preferred) if groups[balanced].len() + slack > groups[preferred].len() => preferred,
            _ => balanced,
        };
        groups[chosen].push(p);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_random_draws_as_java() {
        // new java.util.Random(7919): nextInt(6) x3, nextInt(8) x3.
        let mut random = JavaRandom::new(COALESCER_SEED);
        let draws: Vec<usize> = [6, 6, 6, 8, 8, 8].iter().map(|&b| random.next_int(b)).collect();
        assert_eq!(draws, [5, 2, 4, 2, 5, 1]);
    }


    /// Spark 4.3's groups of `coalesce(n)` right after a shuffle whose
    /// partitions all received rows, and with some empty ones.
    #[test]
    fn shuffled_partitions_are_grouped_as_spark() {
        assert_eq!(coalesced_groups(&[true; 6], 2), vec![vec![0, 1, 3], vec![5, 2, 4]]);
        assert_eq!(coalesced_groups(&[true; 6], 4), vec![vec![0], vec![5, 3], vec![2, 1], vec![4]]);
        assert_eq!(coalesced_groups(&[true; 12], 5), vec![vec![0, 3, 10], vec![5, 6, 11], vec![2, 7], vec![4, 8], vec![1, 9]]);
        let empty_second_and_third = [true, false, false, true, true, true];
        assert_eq!(coalesced_groups(&empty_second_and_third, 3), vec![vec![0, 1], vec![4, 2], vec![3, 5]]);
    }

    #[test]
    fn partitions_without_locations_are_grouped_in_runs() {
        assert_eq!(coalesced_groups(&[false; 5], 2), vec![vec![0, 1], vec![2, 3, 4]]);
    }
}
