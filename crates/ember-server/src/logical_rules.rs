//! The logical optimizer rules of Ember's sessions: DataFusion's, with
//! Ember's own inserted where they must run.

use std::sync::Arc;

use datafusion::optimizer::push_down_filter::PushDownFilter;
use datafusion::optimizer::single_distinct_to_groupby::SingleDistinctToGroupBy;
use datafusion::optimizer::{Optimizer, OptimizerRule};
use ember_planner::partitioning::ConstantsAboveRoundRobin;

use crate::distinct_aggregates::UnaliasDistinctAggregates;
use crate::infer_not_null::InferNotNullFilters;
use crate::magic_semi_join::MagicSemiJoins;
use crate::semi_join_pushdown::PushDownSelectiveSemiJoins;
use crate::several_distinct::RewriteDistinctAggregates;

/// DataFusion's logical optimizer rules (without its leaf-expression
/// pushdown) with [`InferNotNullFilters`] right
/// before `PushDownFilter` (which moves the checks it adds to the scans), [`PushDownSelectiveSemiJoins`]
/// and [`MagicSemiJoins`] after `PushDownFilter` (which has turned `WHERE`
/// conditions into join keys and moved filters to the scans) and
/// [`RewriteDistinctAggregates`] and [`UnaliasDistinctAggregates`] right before `SingleDistinctToGroupBy`,
/// and [`ConstantsAboveRoundRobin`] last (after `OptimizeProjections` has
/// merged a repartition's projection into the one below it).
pub fn optimizer_rules() -> Vec<Arc<dyn OptimizerRule + Send + Sync>> {
    let mut rules = Optimizer::new().rules;
    // DataFusion's pushdown of struct field reads breaks reads over a union
    // (its inputs' columns come out under one name twice).
    rules.retain(|r| !matches!(r.name(), "extract_leaf_expressions" | "push_down_leaf_projections"));
    let position = |rules: &[Arc<dyn OptimizerRule + Send + Sync>], name: &str| rules.iter().position(|r| r.name() == name);
    let at = position(&rules, PushDownFilter::new().name()).unwrap_or(rules.len());
    rules.insert(at, Arc::new(InferNotNullFilters));
    let at = at + 2;
    rules.insert(at, Arc::new(PushDownSelectiveSemiJoins));
    rules.insert(at + 1, Arc::new(MagicSemiJoins));
    let at = position(&rules, SingleDistinctToGroupBy::new().name()).unwrap_or(rules.len());
    rules.insert(at, Arc::new(UnaliasDistinctAggregates));
    rules.insert(at, Arc::new(RewriteDistinctAggregates));
    rules.push(Arc::new(ConstantsAboveRoundRobin));
    rules
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ember_rules_run_beside_the_rules_they_need() {
        let names: Vec<String> = optimizer_rules().iter().map(|r| r.name().to_string()).collect();
        let at = |name: &str| names.iter().position(|n| n == name).unwrap();
        assert_eq!(at("infer_not_null_filters") + 1, at("push_down_filter"));
        assert_eq!(at("push_down_selective_semi_joins"), at("push_down_filter") + 1);
        assert_eq!(at("magic_semi_joins"), at("push_down_filter") + 2);
        assert_eq!(at("unalias_distinct_aggregates") + 1, at("single_distinct_aggregation_to_group_by"));
        assert_eq!(at("rewrite_distinct_aggregates") + 1, at("unalias_distinct_aggregates"));
        assert_eq!(at("constants_above_round_robin") + 1, names.len());
    }
}
