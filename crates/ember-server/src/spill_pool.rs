//! The memory pool behind a server-wide memory limit.
//!
//! Operators that can spill (sorts, aggregations, sort-merge joins) share the
//! limit fairly: each may hold an equal part of what the consumers that
//! cannot spill leave free, and spills when it would exceed that part. Unlike
//! DataFusion's `FairSpillPool`, which checks only a spiller's own part:
//!
//! - the spillers together never hold more than the limit less a fixed
//!   reserve. A spiller only learns that its part shrank (because another one
//!   registered) at its next allocation, and one that has finished its input
//!   (a sort streaming its sorted batches to a join) never allocates again,
//!   so their parts alone let them hold far more than the limit. Allocations
//!   that cannot spill (a sort's merge reservation, a hash table) made then
//!   failed the query: a partition's sort starting after its sibling had
//!   filled the pool, or the inner sorts of a sort-merge join.
//! - a spiller that holds nothing may always take its first allocation while
//!   the pool has room, even beyond its part or into half of the reserve: it
//!   has nothing to spill, so a refusal fails the query. That was TPC-H Q21
//!   under a limit: a sort's first batch of strings, viewing the buffers of a
//!   whole hash table, was estimated at more than its part.

use datafusion::common::{DataFusionError, Result};
use datafusion::execution::memory_pool::{MemoryConsumer, MemoryLimit, MemoryPool, MemoryReservation};
use std::sync::{Mutex, MutexGuard};

/// The share of the limit kept for allocations that cannot spill: a
/// quarter, twice what the sorts' merge reservations may take together.
const RESERVE_DIVISOR: usize = 4;

/// A fair spill pool with a reserve for consumers that cannot spill.
#[derive(Debug)]
pub struct ReservedSpillPool {
    limit: usize,
    reserve: usize,
    state: Mutex<Usage>,
}

/// Bytes held, by kind of consumer, and how many spillers are registered.
#[derive(Debug, Default)]
struct Usage {
    spillers: usize,
    spillable: usize,
    unspillable: usize,
}

impl ReservedSpillPool {
    /// A pool of `limit` bytes.
    pub fn new(limit: usize) -> Self {
        ReservedSpillPool { limit, reserve: limit / RESERVE_DIVISOR, state: Mutex::new(Usage::default()) }
    }

    fn usage(&self) -> MutexGuard<'_, Usage> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The most one spiller may hold now.
    fn spiller_part(&self, usage: &Usage) -> usize {
        let for_spillers = self.limit.saturating_sub(self.reserve).saturating_sub(usage.unspillable);
        for_spillers / usage.spillers.max(1)
    }

    fn exhausted(&self, reservation: &MemoryReservation, additional: usize, available: usize) -> DataFusionError {
        DataFusionError::ResourcesExhausted(format!(
            "Failed to allocate additional {additional} bytes for {} with {} bytes already allocated for this reservation - {available} bytes remain available for the total memory pool: {self}",
            reservation.consumer().name(),
            reservation.size(),
        ))
    }
}

impl std::fmt::Display for ReservedSpillPool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}(pool_size: {}, reserve: {})", self.name(), self.limit, self.reserve)
    }
}

impl MemoryPool for ReservedSpillPool {
    fn name(&self) -> &str {
        "fair with reserve"
    }

    fn register(&self, consumer: &MemoryConsumer) {
        if consumer.can_spill() {
            self.usage().spillers += 1;
        }
    }

    fn unregister(&self, consumer: &MemoryConsumer) {
        if consumer.can_spill() {
            let mut usage = self.usage();
            usage.spillers = usage.spillers.saturating_sub(1);
        }
    }

    fn grow(&self, reservation: &MemoryReservation, additional: usize) {
        let mut usage = self.usage();
        if reservation.consumer().can_spill() {
            usage.spillable += additional;
        } else {
            usage.unspillable += additional;
        }
    }

    fn shrink(&self, reservation: &MemoryReservation, shrink: usize) {
        let mut usage = self.usage();
        if reservation.consumer().can_spill() {
            usage.spillable = usage.spillable.saturating_sub(shrink);
        } else {
            usage.unspillable = usage.unspillable.saturating_sub(shrink);
        }
    }

    fn try_grow(&self, reservation: &MemoryReservation, additional: usize) -> Result<()> {
        let mut usage = self.usage();
        let held = usage.spillable + usage.unspillable;
        if reservation.consumer().can_spill() {
            let part = self.spiller_part(&usage);
            let within_part = reservation.size() + additional <= part && held + additional <= self.limit - self.reserve;
            let first = reservation.size() == 0 && held + additional <= self.limit - self.reserve / 2;
            if !(within_part || first) {
                return Err(self.exhausted(reservation, additional, part.saturating_sub(reservation.size())));
            }
            usage.spillable += additional;
        } else {
            let available = self.limit.saturating_sub(held);
            if additional > available {
                return Err(self.exhausted(reservation, additional, available));
            }
            usage.unspillable += additional;
        }
        Ok(())
    }

    fn reserved(&self) -> usize {
        let usage = self.usage();
        usage.spillable + usage.unspillable
    }

    fn memory_limit(&self) -> MemoryLimit {
        MemoryLimit::Finite(self.limit)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    const MIB: usize = 1 << 20;

    fn pool(limit: usize) -> Arc<dyn MemoryPool> {
        Arc::new(ReservedSpillPool::new(limit))
    }

    #[test]
    fn a_late_unspillable_allocation_finds_the_reserve() {
        let pool = pool(32 * MIB);
        let merge_0 = MemoryConsumer::new("merge 0").register(&pool);
        merge_0.try_grow(2 * MIB).unwrap();
        // The first sort, alone, fills all the spillers may have ...
        let sort_0 = MemoryConsumer::new("sort 0").with_can_spill(true).register(&pool);
        sort_0.try_grow(22 * MIB).unwrap();
        assert!(sort_0.try_grow(MIB).is_err());
        // ... and the second partition's sort can still start.
        let merge_1 = MemoryConsumer::new("merge 1").register(&pool);
        merge_1.try_grow(2 * MIB).unwrap();
        let sort_1 = MemoryConsumer::new("sort 1").with_can_spill(true).register(&pool);
        sort_1.try_grow(MIB).unwrap();
        // Now each sort may hold half of what is left for spillers.
        assert!(sort_0.try_grow(1).is_err());
        sort_0.free();
        sort_0.try_grow(10 * MIB).unwrap();
        assert!(sort_1.try_grow(10 * MIB).is_err());
        assert_eq!(pool.reserved(), 15 * MIB);
    }

    #[test]
    fn spillers_that_stopped_allocating_do_not_eat_the_reserve() {
        let pool = pool(32 * MIB);
        // A sort-merge join's first input is sorted alone and keeps its
        // batches while the join reads them: it never allocates again.
        let left = MemoryConsumer::new("left sort").with_can_spill(true).register(&pool);
        left.try_grow(24 * MIB).unwrap();
        // The other input's sorts now have parts of their own, but the pool
        // is full: each may take its first batch, then must spill.
        let rights: Vec<_> =
            (0..3).map(|i| MemoryConsumer::new(format!("right sort {i}")).with_can_spill(true).register(&pool)).collect();
        for right in &rights {
            right.try_grow(MIB).unwrap();
            assert!(right.try_grow(MIB).is_err(), "within its part, but beyond the spillers' share of the limit");
        }
        // What cannot spill still finds room.
        let merge = MemoryConsumer::new("merge").register(&pool);
        merge.try_grow(5 * MIB).unwrap();
        assert!(rights[0].try_grow(MIB).is_err());
        let late = MemoryConsumer::new("late sort").with_can_spill(true).register(&pool);
        assert!(late.try_grow(MIB).is_err(), "first allocations keep out of the last half of the reserve");
    }

    #[test]
    fn a_first_allocation_may_exceed_the_part() {
        let pool = pool(64 * MIB);
        let table = MemoryConsumer::new("hash table").register(&pool);
        table.try_grow(30 * MIB).unwrap();
        let sorts: Vec<_> =
            (0..4).map(|i| MemoryConsumer::new(format!("sort {i}")).with_can_spill(true).register(&pool)).collect();
        // Each part is (64 - 16 - 30) / 4 = 4.5 MiB; one batch is estimated at 6.
        sorts[0].try_grow(6 * MIB).unwrap();
        assert!(sorts[0].try_grow(1).is_err(), "the next batch makes it spill");
        sorts[0].free();
        sorts[0].try_grow(6 * MIB).unwrap();
        sorts[1].try_grow(4 * MIB).unwrap();
        sorts[1].try_grow(MIB / 2).unwrap();
        assert!(sorts[1].try_grow(1).is_err());
        assert_eq!(pool.reserved(), 30 * MIB + 6 * MIB + 4 * MIB + MIB / 2);
    }

    #[test]
    fn unspillable_allocations_share_the_whole_limit() {
        let pool = pool(8 * MIB);
        let table = MemoryConsumer::new("hash table").register(&pool);
        table.try_grow(7 * MIB).unwrap();
        let sort = MemoryConsumer::new("sort").with_can_spill(true).register(&pool);
        assert!(sort.try_grow(1).is_err(), "the reserve is not for spillers");
        table.try_grow(MIB).unwrap();
        let error = table.try_grow(1).unwrap_err().to_string();
        assert!(error.contains("hash table"), "{error}");
        drop(table);
        sort.try_grow(6 * MIB).unwrap();
        assert!(matches!(pool.memory_limit(), MemoryLimit::Finite(n) if n == 8 * MIB));
    }
}
