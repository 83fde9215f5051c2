//! A session's `spark.conf`: Spark's defaults, server-wide defaults
//! (`ember submit --conf`) and what the client sets.

use std::collections::BTreeMap;

use ember_planner::partitioning::AdaptiveCoalescing;
use ember_planner::{PlannerConfig, SparkError};

/// Spark's defaults for the settings clients read, as Spark 4.3 reports them.
const SPARK_DEFAULTS: &[(&str, &str)] = &[
    ("spark.app.name", "Ember"),
    ("spark.master", "local[*]"),
    ("spark.sql.ansi.enabled", "true"),
    ("spark.sql.autoBroadcastJoinThreshold", "10485760b"),
    ("spark.sql.caseSensitive", "false"),
    ("spark.sql.shuffle.partitions", "200"),
    ("spark.sql.sources.partitionOverwriteMode", "STATIC"),
    ("spark.sql.timestampType", "TIMESTAMP_LTZ"),
    ("spark.sql.execution.arrow.maxRecordsPerBatch", "10000"),
    ("spark.sql.execution.arrow.pyspark.enabled", "false"),
    ("spark.sql.execution.arrow.pyspark.fallback.enabled", "true"),
    ("spark.sql.execution.arrow.pyspark.selfDestruct.enabled", "false"),
    ("spark.sql.execution.arrow.useLargeVarTypes", "false"),
    ("spark.sql.execution.pandas.convertToArrowArraySafely", "true"),
    ("spark.sql.execution.pandas.inferPandasDictAsMap", "false"),
    ("spark.sql.execution.pandas.structHandlingMode", "legacy"),
    ("spark.sql.execution.pyspark.binaryAsBytes", "true"),
    ("spark.sql.execution.pythonUDF.arrow.enabled", "true"),
    ("spark.sql.execution.pythonUDTF.arrow.enabled", "true"),
    ("spark.sql.pyspark.inferNestedDictAsStruct.enabled", "false"),
    ("spark.sql.pyspark.jvmStacktrace.enabled", "false"),
    ("spark.sql.pyspark.legacy.inferArrayTypeFromFirstElement.enabled", "false"),
    ("spark.sql.pyspark.legacy.inferMapTypeFromFirstPair.enabled", "false"),
    ("spark.sql.repl.eagerEval.enabled", "false"),
    ("spark.sql.repl.eagerEval.maxNumRows", "20"),
    ("spark.sql.repl.eagerEval.truncate", "20"),
    ("spark.sql.session.localRelationBatchOfChunksSizeBytes", "1073741824"),
    ("spark.sql.session.localRelationCacheThreshold", "1048576"),
    ("spark.sql.session.localRelationChunkSizeBytes", "16777216"),
    ("spark.sql.session.localRelationChunkSizeRows", "10000"),
    ("spark.sql.session.localRelationSizeLimit", "3221225472"),
    ("spark.sql.artifact.isolation.enabled", "true"),
    ("spark.sql.artifact.isolation.alwaysApplyClassloader", "true"),
    ("spark.sql.connect.serverStacktrace.enabled", "false"),
    ("spark.connect.session.planCompression.threshold", "10485760"),
    ("spark.connect.session.planCompression.defaultAlgorithm", "ZSTD"),
];

/// Settings with no value unless set (Spark returns them as absent).
const UNSET_BY_DEFAULT: &[&str] = &["spark.sql.leafNodeDefaultParallelism"];

/// Settings fixed when the server starts.
/// Deprecated names that Spark still accepts for a setting (`withAlternative`):
/// (old name, current name).
const ALTERNATIVES: &[(&str, &str)] = &[
    ("spark.sql.execution.arrow.enabled", "spark.sql.execution.arrow.pyspark.enabled"),
    ("spark.sql.execution.arrow.fallback.enabled", "spark.sql.execution.arrow.pyspark.fallback.enabled"),
];

/// The current name of a setting that may be given by a deprecated one.
fn current_name(key: &str) -> &str {
    ALTERNATIVES.iter().find(|(old, _)| *old == key).map_or(key, |(_, new)| new)
}

const STATIC: &[&str] = &["spark.sql.warehouse.dir", "spark.app.name", "spark.master"];

/// One session's configuration.
#[derive(Debug, Clone)]
pub struct SessionConf {
    values: BTreeMap<String, String>,
    defaults: BTreeMap<String, String>,
    /// Set when the server started (`--conf`): these count as set.
    server_values: BTreeMap<String, String>,
}

impl SessionConf {
    /// Spark's defaults, the machine's time zone, then `server_defaults`.
    pub fn new(server_defaults: &[(String, String)]) -> Self {
        let mut defaults: BTreeMap<String, String> =
            SPARK_DEFAULTS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        defaults.insert("spark.sql.session.timeZone".to_string(), local_time_zone());
        let server_values: BTreeMap<String, String> = server_defaults.iter().cloned().collect();
        defaults.extend(server_values.clone());
        SessionConf { values: BTreeMap::new(), defaults, server_values }
    }

    /// `spark.conf.get(key, default)`: a value set in the session or on the
    /// server wins; Spark's own defaults give way to the caller's.
    pub fn get_or(&self, key: &str, default: Option<String>) -> Option<String> {
        self.values.get(key).or_else(|| self.server_values.get(key)).cloned().or(default)
    }

    /// The value of a key, if it has one.
    pub fn get(&self, key: &str) -> Option<String> {
        let key = current_name(key);
        self.values.get(key).or_else(|| self.defaults.get(key)).cloned()
    }

    /// `spark.conf.get(key)`: fails with `SQL_CONF_NOT_FOUND` for unknown keys.
    pub fn get_required(&self, key: &str) -> Result<Option<String>, SparkError> {
        match self.get(key) {
            Some(v) => Ok(Some(v)),
            None if UNSET_BY_DEFAULT.contains(&key) => Ok(None),
            None => Err(SparkError::config_not_found(key)),
        }
    }

    /// Sets a key; static settings cannot change.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), SparkError> {
        if STATIC.contains(&key) {
            return Err(SparkError::new(
                ember_planner::ErrorKind::Analysis,
                "CANNOT_MODIFY_STATIC_CONFIG",
                "46110",
                format!("Cannot modify the value of the static Spark config: \"{key}\"."),
                &[("key", format!("\"{key}\""))],
            ));
        }
        if key == "spark.sql.session.timeZone" && value.parse::<chrono_tz_check::Tz>().is_err() && !is_offset(value) {
            return Err(SparkError::new(
                ember_planner::ErrorKind::IllegalArgument,
                "INVALID_CONF_VALUE.TIME_ZONE",
                "22022",
                format!("The value '{value}' in the config \"{key}\" is invalid. Cannot resolve the given timezone."),
                &[("confValue", value.to_string()), ("confName", key.to_string())],
            ));
        }
        self.values.insert(current_name(key).to_string(), value.to_string());
        Ok(())
    }

    /// Reverts a key to its default.
    pub fn unset(&mut self, key: &str) {
        self.values.remove(current_name(key));
    }

    /// Reverts every key the session set to its default (`RESET`).
    pub fn reset(&mut self) {
        self.values.clear();
    }

    /// Every key with a value, optionally under a prefix.
    pub fn all(&self, prefix: Option<&str>) -> Vec<(String, String)> {
        let mut merged = self.defaults.clone();
        merged.extend(self.values.clone());
        merged.into_iter().filter(|(k, _)| prefix.is_none_or(|p| k.starts_with(p))).collect()
    }

    /// `SET -v`: the SQL settings Ember defines (not free-form keys a client
    /// set), with their current values.
    pub fn defined(&self) -> Vec<(String, String)> {
        let is_sql = |k: &str| k.starts_with("spark.sql.") || k.starts_with("spark.connect.");
        self.all(None).into_iter().filter(|(k, _)| self.defaults.contains_key(k) && is_sql(k)).collect()
    }

    /// Whether a key can be changed at run time.
    pub fn is_modifiable(&self, key: &str) -> bool {
        !STATIC.contains(&key) && (key.starts_with("spark.sql.") || key.starts_with("spark.connect."))
    }

    /// The settings the planner needs.
    pub fn planner_config(&self) -> PlannerConfig {
        let flag = |key: &str, default: bool| self.get(key).map(|v| v.eq_ignore_ascii_case("true")).unwrap_or(default);
        PlannerConfig {
            time_zone: self.get("spark.sql.session.timeZone").unwrap_or_else(|| "UTC".to_string()),
            ansi: flag("spark.sql.ansi.enabled", true),
            case_sensitive: flag("spark.sql.caseSensitive", false),
            arrow_max_records_per_batch: self.max_records_per_batch(),
            python_runner_conf: self.python_runner_conf(),
            file_source_conf: self.file_source_conf(),
            pivot_max_values: self.get("spark.sql.pivotMaxValues").and_then(|v| v.parse().ok()).unwrap_or(10_000),
            transpose_max_values: self.get("spark.sql.transposeMaxValues").and_then(|v| v.parse().ok()).unwrap_or(500),
            shuffle_partitions: self
                .get("spark.sql.shuffle.partitions")
                .and_then(|v| v.parse::<usize>().ok())
                .filter(|n| *n > 0)
                .unwrap_or(200),
            sort_before_repartition: flag("spark.sql.execution.sortBeforeRepartition", true),
            cross_join_enabled: flag("spark.sql.crossJoin.enabled", true),
            strict_dataframe_columns: flag("spark.sql.analyzer.strictDataFrameColumnResolution", true),
            cte_recursion_level_limit: self.get("spark.sql.cteRecursionLevelLimit").and_then(|v| v.parse().ok()).unwrap_or(100),
            cte_recursion_row_limit: self.get("spark.sql.cteRecursionRowLimit").and_then(|v| v.parse().ok()).unwrap_or(1_000_000),
            enforce_reserved_keywords: flag("spark.sql.ansi.enforceReservedKeywords", false),
            sql_path: self.get(crate::sql_path::PATH_KEY),
            allow_negative_decimal_scale: flag("spark.sql.legacy.allowNegativeScaleOfDecimal", false),
            adaptive_coalescing: self.adaptive_coalescing(),
            allow_hash_on_map_type: flag("spark.sql.legacy.allowHashOnMapType", false),
        }
    }

    /// Spark's adaptive coalescing of shuffle partitions, unless
    /// `spark.sql.adaptive.enabled` or `...coalescePartitions.enabled` is off.
    fn adaptive_coalescing(&self) -> Option<AdaptiveCoalescing> {
        let on = |key: &str| self.get(key).is_none_or(|v| !v.trim().eq_ignore_ascii_case("false"));
        if !on("spark.sql.adaptive.enabled") || !on("spark.sql.adaptive.coalescePartitions.enabled") {
            return None;
        }
        let bytes = |key: &str, default: u64| {
            self.get(key).and_then(|v| ember_sources::options::byte_size(&v, 0)).and_then(|n| u64::try_from(n).ok()).unwrap_or(default)
        };
        let min_partitions = self.get("spark.sql.adaptive.coalescePartitions.minPartitionNum").and_then(|v| v.trim().parse::<usize>().ok());
        Some(AdaptiveCoalescing {
            advisory_size: bytes("spark.sql.adaptive.advisoryPartitionSizeInBytes", 64 << 20),
            min_partition_size: if min_partitions.is_some() { 0 } else { bytes("spark.sql.adaptive.coalescePartitions.minPartitionSize", 1 << 20) },
            min_partitions: min_partitions.unwrap_or_else(crate::runtime::partitions),
        })
    }

    /// The settings file reads and writes follow.
    fn file_source_conf(&self) -> Vec<(String, String)> {
        const PREFIXES: &[&str] =
            &["spark.sql.files.", "spark.sql.sources.", "spark.sql.columnNameOfCorruptRecord", "spark.sql.parquet.mergeSchema", "spark.hadoop.", "spark.ember.files."];
        self.all(None).into_iter().filter(|(k, _)| PREFIXES.iter().any(|p| k.starts_with(p))).collect()
    }

    /// The settings pyspark's worker code reads (time zone, Arrow and pandas
    /// conversion options), for Python UDFs.
    fn python_runner_conf(&self) -> Vec<(String, String)> {
        const PREFIXES: &[&str] =
            &["spark.sql.execution.", "spark.sql.legacy.execution.", "spark.sql.pyspark.", "spark.sql.python.", "spark.sql.tvf.", "spark.sql.session.timeZone"];
        self.all(None).into_iter().filter(|(k, _)| PREFIXES.iter().any(|p| k.starts_with(p))).collect()
    }

    /// `spark.sql.execution.arrow.maxRecordsPerBatch`.
    pub fn max_records_per_batch(&self) -> usize {
        self.get("spark.sql.execution.arrow.maxRecordsPerBatch")
            .and_then(|v| v.parse::<i64>().ok())
            .filter(|v| *v > 0)
            .map(|v| v as usize)
            .unwrap_or(10_000)
    }
}

fn is_offset(value: &str) -> bool {
    let v = value.trim_start_matches("GMT").trim_start_matches("UTC");
    (v.starts_with('+') || v.starts_with('-')) && v[1..].split(':').all(|p| p.parse::<u8>().is_ok())
}

/// The machine's time zone (Spark's default session time zone).
fn local_time_zone() -> String {
    if let Ok(tz) = std::env::var("TZ") {
        if !tz.is_empty() {
            return tz.trim_start_matches(':').to_string();
        }
    }
    if let Ok(link) = std::fs::read_link("/etc/localtime") {
        let path = link.to_string_lossy().to_string();
        if let Some((_, zone)) = path.split_once("zoneinfo/") {
            return zone.to_string();
        }
    }
    if let Ok(name) = std::fs::read_to_string("/etc/timezone") {
        return name.trim().to_string();
    }
    "UTC".to_string()
}

mod chrono_tz_check {
    pub use arrow::array::timezone::Tz;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defined_lists_sql_settings_with_current_values_only() {
        let mut conf = SessionConf::new(&[]);
        conf.set("spark.sql.shuffle.partitions", "7").unwrap();
        conf.set("spark.ember.free.form", "x").unwrap();
        let defined = conf.defined();
        assert!(defined.contains(&("spark.sql.shuffle.partitions".to_string(), "7".to_string())));
        assert!(defined.iter().all(|(k, _)| k.starts_with("spark.sql.") || k.starts_with("spark.connect.")));
        assert!(!defined.iter().any(|(k, _)| k == "spark.ember.free.form" || k == "spark.app.name"));
    }
}
