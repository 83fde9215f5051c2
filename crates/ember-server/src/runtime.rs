//! Server-wide execution resources: an optional limit on the memory that
//! DataFusion's operators hold, and the directories they spill to.
//!
//! The settings come from the server's `--conf` values, under the names a
//! Spark user knows: `spark.driver.memory` (the limit, a JVM size such as
//! `2g`) and `spark.local.dir` (comma-separated scratch directories). All
//! sessions share one pool, so the limit holds for the whole server.
//! Settings named `datafusion.*` tune the engine underneath every session
//! (for example `datafusion.execution.parquet.pushdown_filters=true`).

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

use datafusion::common::config::ConfigOptions;
use datafusion::error::DataFusionError;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::memory_pool::TrackConsumersPool;
use datafusion::execution::runtime_env::{RuntimeEnv, RuntimeEnvBuilder};

use crate::spill_pool::ReservedSpillPool;

/// The setting that bounds execution memory.
pub const MEMORY_LIMIT_KEY: &str = "spark.driver.memory";
/// The setting that names the spill directories.
pub const LOCAL_DIR_KEY: &str = "spark.local.dir";
/// Spark's choice between sort-merge and hash joins; Ember honours it when
/// the server starts with it.
pub const PREFER_SORT_MERGE_JOIN_KEY: &str = "spark.sql.join.preferSortMergeJoin";

/// Largest estimated build side, in bytes, that a hash join collects once
/// for all partitions instead of hash-partitioning both inputs (DataFusion's
/// default is 1 MiB). Repartitioning a large probe side costs more than
/// sharing a build side of this size: at TPC-H SF1 on 2 cores, raw
/// DataFusion's total went from 61 s to 47 s (Q18 17 s to 7.5 s).
const COLLECT_BUILD_SIDE_BYTES: usize = 32 << 20;
/// The same bound in rows, for build sides without a byte estimate
/// (DataFusion's default is 128 Ki rows).
const COLLECT_BUILD_SIDE_ROWS: usize = 4 << 20;

/// The prefix of the server settings passed to DataFusion's session config.
pub const DATAFUSION_PREFIX: &str = "datafusion.";

/// How many of the largest memory consumers an out-of-memory error names.
const REPORTED_CONSUMERS: usize = 5;

/// DataFusion's default reservation each sort keeps for merging its spills.
const DEFAULT_SORT_SPILL_RESERVATION: usize = 10 << 20;
/// The most of a limit that sorts' merge reservations may take together.
const SORT_SPILL_RESERVATION_SHARE: usize = 8;

/// Bytes a merge of spill files reserves for each file it reads at once:
/// two buffered batches, each counted twice (DataFusion's estimate for
/// sorting), of about 1 MiB (8192 rows of 128 bytes).
const MERGE_BYTES_PER_SPILL_FILE: usize = 4 << 20;

/// The partitions a query runs in: one per core.
pub fn partitions() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

/// A setting the server cannot start with.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A size that is not a whole number with an optional unit.
    #[error("invalid size {value:?} for {key}: expected a whole number with an optional unit (b, k, m, g, t), as in 2g; no unit means MiB")]
    InvalidSize { key: String, value: String },
    /// A boolean setting that is neither `true` nor `false`.
    #[error("invalid value {value:?} for {key}: expected true or false")]
    InvalidBool { key: String, value: String },
    /// A `datafusion.*` setting DataFusion does not accept.
    #[error("invalid DataFusion setting {key}={value:?}: {reason}")]
    InvalidDataFusionOption { key: String, value: String, reason: String },
    /// DataFusion could not set up the memory pool or the spill directories.
    #[error("cannot set up execution memory: {0}")]
    Runtime(#[from] DataFusionError),
}

/// Parses a JVM-style size as Spark reads `spark.driver.memory`: a whole
/// number with an optional, case-insensitive unit `b`, `k`/`kb`, `m`/`mb`,
/// `g`/`gb`, `t`/`tb` or `p`/`pb` (powers of 1024); without a unit it means MiB.
/// Returns `None` for anything else, zero included.
pub fn parse_size(text: &str) -> Option<usize> {
    ember_sources::options::byte_size(text, 20).filter(|n| *n > 0).and_then(|n| usize::try_from(n).ok())
}

/// How equi-joins are planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinChoice {
    /// Hash joins (the default without a memory limit).
    Hash,
    /// Sort-merge joins, which spill (`spark.sql.join.preferSortMergeJoin=true`).
    SortMerge,
    /// Hash joins whose build side is estimated well within the memory
    /// limit, sort-merge joins otherwise (the default under a limit).
    Bounded,
}

/// The execution settings fixed when the server starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuntimeSettings {
    /// Bytes that operators may hold at once; `None` is unbounded.
    pub memory_limit: Option<usize>,
    /// Where spill files go; empty means the system's temp directory.
    pub local_dirs: Vec<PathBuf>,
    /// How equi-joins are planned. A hash join's build side cannot spill, so
    /// under a memory limit large ones become sort-merge joins, which can.
    pub joins: JoinChoice,
    /// `datafusion.*` settings for every session, in the order given; they
    /// override Ember's own choices.
    pub datafusion_options: Vec<(String, String)>,
}

impl RuntimeSettings {
    /// Reads the settings from the server's `--conf` values (the last value
    /// of a key wins).
    pub fn from_conf(conf: &[(String, String)]) -> Result<Self, ConfigError> {
        let last = |key: &str| conf.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        let memory_limit = match last(MEMORY_LIMIT_KEY) {
            Some(value) => Some(parse_size(value).ok_or_else(|| ConfigError::InvalidSize {
                key: MEMORY_LIMIT_KEY.to_string(),
                value: value.to_string(),
            })?),
            None => None,
        };
        let local_dirs = last(LOCAL_DIR_KEY)
            .map(|dirs| dirs.split(',').map(str::trim).filter(|d| !d.is_empty()).map(PathBuf::from).collect())
            .unwrap_or_default();
        let joins = match last(PREFER_SORT_MERGE_JOIN_KEY) {
            Some(value) if value.eq_ignore_ascii_case("true") => JoinChoice::SortMerge,
            Some(value) if value.eq_ignore_ascii_case("false") => JoinChoice::Hash,
            Some(value) => {
                return Err(ConfigError::InvalidBool { key: PREFER_SORT_MERGE_JOIN_KEY.to_string(), value: value.to_string() })
            }
            None if memory_limit.is_some() => JoinChoice::Bounded,
            None => JoinChoice::Hash,
        };
        let datafusion_options: Vec<(String, String)> =
            conf.iter().filter(|(key, _)| key.starts_with(DATAFUSION_PREFIX)).cloned().collect();
        let mut check = ConfigOptions::new();
        for (key, value) in &datafusion_options {
            check.set(key, value).map_err(|e| ConfigError::InvalidDataFusionOption {
                key: key.clone(),
                value: value.clone(),
                reason: e.strip_backtrace(),
            })?;
        }
        Ok(RuntimeSettings { memory_limit, local_dirs, joins, datafusion_options })
    }

    /// Applies Ember's execution choices and then the `datafusion.*`
    /// settings to a session's options.
    pub fn configure(&self, options: &mut ConfigOptions, partitions: usize) {
        options.optimizer.prefer_hash_join = self.joins != JoinChoice::SortMerge;
        options.optimizer.hash_join_single_partition_threshold = COLLECT_BUILD_SIDE_BYTES;
        options.optimizer.hash_join_single_partition_threshold_rows = COLLECT_BUILD_SIDE_ROWS;
        options.execution.sort_spill_reservation_bytes = self.sort_spill_reservation(partitions);
        for (key, value) in &self.datafusion_options {
            if let Err(e) = options.set(key, value) {
                log::warn!("DataFusion setting {key}={value} not applied: {e}");
            }
        }
    }

    /// The memory each sort reserves up front for merging its spill files.
    /// DataFusion's 10 MiB per partition would take most of a small limit,
    /// so the partitions' reservations together stay within an eighth of it.
    pub fn sort_spill_reservation(&self, partitions: usize) -> usize {
        match self.memory_limit {
            Some(limit) => DEFAULT_SORT_SPILL_RESERVATION.min(limit / SORT_SPILL_RESERVATION_SHARE / partitions.max(1)),
            None => DEFAULT_SORT_SPILL_RESERVATION,
        }
    }

    /// The most spill files a sort merges in one step (0: all of them, as
    /// without a limit). A merge reserves memory for every file it reads and
    /// takes as many files as the pool grants, so one partition's final merge
    /// could take all the memory left and fail its sibling's or the merge of
    /// the partitions; bounded, the partitions' merges together reserve
    /// about half the limit at most (and at least two files each, which
    /// DataFusion needs).
    pub fn spill_merge_fan_in(&self, partitions: usize) -> usize {
        match self.memory_limit {
            Some(limit) => (limit / 2 / partitions.max(1) / MERGE_BYTES_PER_SPILL_FILE).max(2),
            None => 0,
        }
    }

    /// The DataFusion runtime all sessions share: a fair spill pool of the
    /// limit with a reserve for what cannot spill (unbounded without a
    /// limit), and a disk manager for spill files.
    pub fn runtime_env(&self, partitions: usize) -> Result<Arc<RuntimeEnv>, ConfigError> {
        let mode = if self.local_dirs.is_empty() {
            DiskManagerMode::OsTmpDirectory
        } else {
            DiskManagerMode::Directories(self.local_dirs.clone())
        };
        let disks = DiskManagerBuilder::default().with_mode(mode).with_max_spill_merge_fan_in(self.spill_merge_fan_in(partitions));
        let mut builder = RuntimeEnvBuilder::new().with_disk_manager_builder(disks);
        if let Some(limit) = self.memory_limit {
            let top = NonZeroUsize::new(REPORTED_CONSUMERS).expect("non-zero");
            builder = builder.with_memory_pool(Arc::new(TrackConsumersPool::new(ReservedSpillPool::new(limit), top)));
        }
        Ok(builder.build_arc()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conf(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn sizes_as_spark_reads_them() {
        assert_eq!(parse_size("2g"), Some(2 << 30));
        assert_eq!(parse_size("2GB"), Some(2 << 30));
        assert_eq!(parse_size(" 512m "), Some(512 << 20));
        assert_eq!(parse_size("32"), Some(32 << 20));
        assert_eq!(parse_size("64k"), Some(64 << 10));
        assert_eq!(parse_size("100b"), Some(100));
        assert_eq!(parse_size("1t"), Some(1 << 40));
        for bad in ["", "g", "0", "1.5g", "-1g", "2x", "2 g", "99999999999999999999t"] {
            assert_eq!(parse_size(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn unbounded_by_default_with_hash_joins() {
        let settings = RuntimeSettings::from_conf(&[]).unwrap();
        assert_eq!(
            settings,
            RuntimeSettings { memory_limit: None, local_dirs: vec![], joins: JoinChoice::Hash, datafusion_options: vec![] }
        );
        assert!(settings.runtime_env(2).is_ok());
    }

    #[test]
    fn a_limit_spills_and_prefers_sort_merge_joins() {
        let settings = RuntimeSettings::from_conf(&conf(&[
            (MEMORY_LIMIT_KEY, "4g"),
            (MEMORY_LIMIT_KEY, "32m"),
            (LOCAL_DIR_KEY, "/tmp/a, /tmp/b"),
        ]))
        .unwrap();
        assert_eq!(settings.memory_limit, Some(32 << 20));
        assert_eq!(settings.local_dirs, vec![PathBuf::from("/tmp/a"), PathBuf::from("/tmp/b")]);
        assert_eq!(settings.joins, JoinChoice::Bounded);
        let limited = RuntimeSettings { local_dirs: vec![], ..settings };
        let env = limited.runtime_env(2).unwrap();
        assert_eq!(env.disk_manager.max_spill_merge_fan_in(), 2);
        assert!(env.disk_manager.tmp_files_enabled());
        assert!(matches!(env.memory_pool.memory_limit(), datafusion::execution::memory_pool::MemoryLimit::Finite(n) if n == 32 << 20));
    }

    #[test]
    fn small_limits_shrink_the_sort_merge_reservation() {
        let with = |limit| RuntimeSettings {
            memory_limit: limit,
            local_dirs: vec![],
            joins: JoinChoice::Bounded,
            datafusion_options: vec![],
        };
        assert_eq!(with(None).sort_spill_reservation(2), 10 << 20);
        assert_eq!(with(Some(2 << 30)).sort_spill_reservation(2), 10 << 20);
        assert_eq!(with(Some(32 << 20)).sort_spill_reservation(2), 2 << 20);
        assert_eq!(with(Some(32 << 20)).sort_spill_reservation(0), 4 << 20);
        assert_eq!(with(None).spill_merge_fan_in(2), 0);
        assert_eq!(with(Some(32 << 20)).spill_merge_fan_in(2), 2);
        assert_eq!(with(Some(2 << 30)).spill_merge_fan_in(2), 128);
    }

    #[test]
    fn join_choice_can_be_overridden() {
        let hash = RuntimeSettings::from_conf(&conf(&[(MEMORY_LIMIT_KEY, "1g"), (PREFER_SORT_MERGE_JOIN_KEY, "false")])).unwrap();
        assert_eq!(hash.joins, JoinChoice::Hash);
        let merge = RuntimeSettings::from_conf(&conf(&[(PREFER_SORT_MERGE_JOIN_KEY, "TRUE")])).unwrap();
        assert_eq!(merge.joins, JoinChoice::SortMerge);
        assert!(matches!(
            RuntimeSettings::from_conf(&conf(&[(PREFER_SORT_MERGE_JOIN_KEY, "yes")])),
            Err(ConfigError::InvalidBool { .. })
        ));
        assert!(matches!(
            RuntimeSettings::from_conf(&conf(&[(MEMORY_LIMIT_KEY, "lots")])),
            Err(ConfigError::InvalidSize { .. })
        ));
    }

    #[test]
    fn datafusion_settings_apply_last_and_are_checked_at_start() {
        let settings = RuntimeSettings::from_conf(&conf(&[
            ("datafusion.execution.parquet.pushdown_filters", "true"),
            ("datafusion.optimizer.prefer_hash_join", "false"),
            ("spark.sql.shuffle.partitions", "8"),
        ]))
        .unwrap();
        assert_eq!(settings.datafusion_options.len(), 2);
        let mut options = ConfigOptions::new();
        settings.configure(&mut options, 2);
        assert!(options.execution.parquet.pushdown_filters);
        assert_eq!(options.optimizer.hash_join_single_partition_threshold, COLLECT_BUILD_SIDE_BYTES);
        assert!(!options.optimizer.prefer_hash_join, "a datafusion.* setting overrides Ember's choice");
        for bad in [("datafusion.execution.no_such_option", "1"), ("datafusion.execution.batch_size", "many")] {
            assert!(
                matches!(RuntimeSettings::from_conf(&conf(&[bad])), Err(ConfigError::InvalidDataFusionOption { .. })),
                "{bad:?}"
            );
        }
    }
}
