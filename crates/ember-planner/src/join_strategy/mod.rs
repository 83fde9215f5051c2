//! Spark's join strategies: the hints that ask for one (`broadcast(df)`,
//! `df.hint("merge")`, SQL `/*+ SHUFFLE_HASH(t) */`), the physical rule
//! that chooses each join's strategy as Spark's planner does (hints first,
//! then broadcasting sides under `spark.sql.autoBroadcastJoinThreshold`),
//! and the operator that names the chosen strategy in `explain()`.

mod annotated;
mod hint;
mod rule;
pub(crate) mod size;
mod spark_join;

use datafusion::common::config::ConfigExtension;
use datafusion::common::extensions_options;
use datafusion::execution::context::SessionContext;

pub use hint::{JoinHint, JoinHintExec, JoinHintPlanner};
pub use rule::{JoinStrategies, estimated_bytes, sort_merge_join};
pub use spark_join::{JoinExpressions, JoinInput, SparkJoinExec};

/// A join strategy a hint asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd)]
pub enum JoinStrategyHint {
    /// `BROADCAST`, `BROADCASTJOIN`, `MAPJOIN`: build a hash table (or a
    /// nested loop's side) of this relation once for every partition.
    Broadcast,
    /// `SHUFFLE_MERGE`, `MERGE`, `MERGEJOIN`: a sort-merge join.
    ShuffleMerge,
    /// `SHUFFLE_HASH`: a hash join over hash-partitioned sides, building this one.
    ShuffleHash,
    /// `SHUFFLE_REPLICATE_NL`: a cartesian product (inner joins only).
    ShuffleReplicateNl,
}

impl JoinStrategyHint {
    /// The strategy a hint name (any case) asks for; `None` for other hints.
    pub fn from_name(name: &str) -> Option<Self> {
        match name.to_ascii_uppercase().as_str() {
            "BROADCAST" | "BROADCASTJOIN" | "MAPJOIN" => Some(JoinStrategyHint::Broadcast),
            "SHUFFLE_MERGE" | "MERGE" | "MERGEJOIN" => Some(JoinStrategyHint::ShuffleMerge),
            "SHUFFLE_HASH" => Some(JoinStrategyHint::ShuffleHash),
            "SHUFFLE_REPLICATE_NL" => Some(JoinStrategyHint::ShuffleReplicateNl),
            _ => None,
        }
    }

    /// The name Spark's plans print (`ResolvedHint (strategy=broadcast)`).
    pub fn spark_name(self) -> &'static str {
        match self {
            JoinStrategyHint::Broadcast => "broadcast",
            JoinStrategyHint::ShuffleMerge => "merge",
            JoinStrategyHint::ShuffleHash => "shuffle_hash",
            JoinStrategyHint::ShuffleReplicateNl => "shuffle_replicate_nl",
        }
    }
}

/// The Spark setting that bounds automatic broadcasts.
pub const AUTO_BROADCAST_THRESHOLD_KEY: &str = "spark.sql.autoBroadcastJoinThreshold";

extensions_options! {
    /// Session settings of the join-strategy rule.
    pub struct JoinOptions {
        /// `spark.sql.autoBroadcastJoinThreshold` as the session set it (a
        /// byte size; negative disables automatic broadcasts). Unset, sides
        /// up to Spark's default, 10 MiB, are broadcast.
        pub auto_broadcast_threshold: Option<String>, default = None
    }
}

impl ConfigExtension for JoinOptions {
    const PREFIX: &'static str = "ember_joins";
}

/// Copies the session's `spark.sql.autoBroadcastJoinThreshold` (`None`:
/// unset) into its DataFusion context, where the join-strategy rule reads it.
pub fn set_auto_broadcast_threshold(ctx: &SessionContext, value: Option<&str>) {
    let threshold = value.map(str::to_string);
    let state = ctx.state_ref();
    let mut state = state.write();
    if let Some(options) = state.config_mut().options_mut().extensions.get_mut::<JoinOptions>() {
        options.auto_broadcast_threshold = threshold;
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hint_names() {
        for name in ["broadcast", "BROADCASTJOIN", "MapJoin"] {
            assert_eq!(JoinStrategyHint::from_name(name), Some(JoinStrategyHint::Broadcast));
        }
        for name in ["merge", "SHUFFLE_MERGE", "mergejoin"] {
            assert_eq!(JoinStrategyHint::from_name(name), Some(JoinStrategyHint::ShuffleMerge));
        }
        assert_eq!(JoinStrategyHint::from_name("shuffle_hash"), Some(JoinStrategyHint::ShuffleHash));
        assert_eq!(JoinStrategyHint::from_name("SHUFFLE_REPLICATE_NL"), Some(JoinStrategyHint::ShuffleReplicateNl));
        assert_eq!(JoinStrategyHint::from_name("coalesce"), None);
    }
}
