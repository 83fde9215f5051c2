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
}

impl Default for PlannerConfig {
    fn default() -> Self {
        PlannerConfig { time_zone: "UTC".to_string(), ansi: true, case_sensitive: false }
    }
}
