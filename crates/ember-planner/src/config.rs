//! The session settings that change how plans resolve and evaluate.

/// Settings the planner reads from the session's `spark.conf`.
#[derive(Debug, Clone)]
pub struct PlannerConfig {
    /// `spark.sql.session.timeZone`.
    pub time_zone: String,
    /// `spark.sql.ansi.enabled`.
    pub ansi: bool,
    /// `spark.sql.caseSensitive`.
    pub case_sensitive: bool,
    /// `spark.sql.execution.arrow.maxRecordsPerBatch`: rows per batch sent to Python UDFs.
    pub arrow_max_records_per_batch: usize,
    /// The session settings handed to pyspark's worker code with Python UDFs.
    pub python_runner_conf: Vec<(String, String)>,
    /// The session settings file sources read (`spark.sql.files.*`, ...).
    pub file_source_conf: Vec<(String, String)>,
    /// `spark.sql.pivotMaxValues`: the most values a pivot without a list may have.
    pub pivot_max_values: usize,
    /// `spark.sql.transposeMaxValues`: the most rows `transpose` turns into columns.
    pub transpose_max_values: usize,
    /// `spark.sql.shuffle.partitions`: the partitions of `repartition(cols)`.
    pub shuffle_partitions: usize,
    /// `spark.sql.execution.sortBeforeRepartition`: whether `repartition(n)`
    /// sorts each input partition's rows before dealing them out.
    pub sort_before_repartition: bool,
    /// `spark.sql.crossJoin.enabled`: whether a join without a condition may
    /// be a cartesian product without being written as a cross join.
    pub cross_join_enabled: bool,
    /// `spark.sql.analyzer.strictDataFrameColumnResolution`: whether a
    /// DataFrame's column (`df.a`) that is no longer in the input fails
    /// instead of resolving by name.
    pub strict_dataframe_columns: bool,
    /// `spark.sql.cteRecursionLevelLimit`: the recursion levels a recursive CTE may take.
    pub cte_recursion_level_limit: usize,
    /// `spark.sql.cteRecursionRowLimit`: the rows a recursive CTE may produce without a LIMIT.
    pub cte_recursion_row_limit: usize,
    /// `spark.sql.ansi.enforceReservedKeywords` (what `sql_keywords()` reports).
    pub enforce_reserved_keywords: bool,
    /// The SQL path set by `SET PATH` (`current_path()`), if not the default.
    pub sql_path: Option<String>,
    /// `spark.sql.legacy.allowNegativeScaleOfDecimal`: whether decimal types
    /// may have a negative scale (`DECIMAL(1, -1)`).
    pub allow_negative_decimal_scale: bool,
    /// How adaptive execution packs the partitions of a repartition without
    /// a number (`spark.sql.adaptive.*`); `None` when it is off.
    pub adaptive_coalescing: Option<crate::partitioning::AdaptiveCoalescing>,
    /// `spark.sql.legacy.allowHashOnMapType`: whether `hash` and `xxhash64`
    /// take maps.
    pub allow_hash_on_map_type: bool,
}

impl Default for PlannerConfig {
    fn default() -> Self {
        PlannerConfig {
            time_zone: "UTC".to_string(),
            ansi: true,
            case_sensitive: false,
            arrow_max_records_per_batch: 10_000,
            python_runner_conf: Vec::new(),
            file_source_conf: Vec::new(),
            pivot_max_values: 10_000,
            transpose_max_values: 500,
            shuffle_partitions: 200,
            sort_before_repartition: true,
            cross_join_enabled: true,
            adaptive_coalescing: Some(crate::partitioning::AdaptiveCoalescing { advisory_size: 64 << 20, min_partition_size: 1 << 20, min_partitions: 2 }),
            strict_dataframe_columns: true,
            cte_recursion_level_limit: 100,
            cte_recursion_row_limit: 1_000_000,
            enforce_reserved_keywords: false,
            sql_path: None,
            allow_negative_decimal_scale: false,
            allow_hash_on_map_type: false,
        }
    }
}
