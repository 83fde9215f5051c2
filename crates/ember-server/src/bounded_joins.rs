//! Under a memory limit, hash joins whose build side may not fit become
//! sort-merge joins, which spill. A hash join's build side cannot spill in
//! DataFusion, so one that outgrows the limit fails the query; sorting both
//! inputs instead is slower but bounded. Joins with a build side estimated
//! well within the limit stay hash joins.

use std::sync::Arc;

use datafusion::common::Result;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode};
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_optimizer::join_selection::JoinSelection;
use datafusion::physical_optimizer::optimizer::PhysicalOptimizer;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::joins::HashJoinExec;
use ember_planner::join_strategy::{JoinStrategies, estimated_bytes, sort_merge_join};

use crate::compact_views::CompactSortInputs;
use crate::runtime::{JoinChoice, RuntimeSettings};

/// The share of the memory limit a hash join's build side may be estimated
/// at: its hash table and batches take two to three times the data, several
/// joins of a query hold theirs at once, sorts beside them need memory, and
/// estimates after filters and aggregations can be low.
const BUILD_SHARE: usize = 32;

/// The rule; it runs after Ember's join strategies have chosen each hash
/// join's build side and mode, and before distribution and sorting are
/// enforced, which then prepare the sort-merge joins' inputs.
#[derive(Debug)]
pub struct BoundedJoins {
    /// Largest estimated build side, in bytes, kept as a hash join.
    max_build_bytes: usize,
}

impl BoundedJoins {
    /// The rule for a server whose operators may hold `memory_limit` bytes.
    pub fn new(memory_limit: usize) -> Self {
        BoundedJoins { max_build_bytes: memory_limit / BUILD_SHARE }
    }

    /// The sort-merge join replacing `join`, if its build side may not fit.
    fn rewrite(&self, join: &HashJoinExec) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        if join.null_aware || estimated_bytes(join.left().as_ref()).is_some_and(|b| b <= self.max_build_bytes) {
            return Ok(None);
        }
        sort_merge_join(join).map(Some)
    }
}

impl PhysicalOptimizerRule for BoundedJoins {
    fn optimize(&self, plan: Arc<dyn ExecutionPlan>, config: &ConfigOptions) -> Result<Arc<dyn ExecutionPlan>> {
        // DataFusion itself plans sort-merge joins only over repartitioned inputs.
        if config.execution.target_partitions <= 1 || !config.optimizer.repartition_joins {
            return Ok(plan);
        }
        plan.transform_up(|node| {
            let Some(join) = node.downcast_ref::<HashJoinExec>() else { return Ok(Transformed::no(node)) };
            Ok(match self.rewrite(join)? {
                Some(merge) => Transformed::yes(merge),
                None => Transformed::no(node),
            })
        })
        .data()
    }

    fn name(&self) -> &str {
        "bounded_joins"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

/// DataFusion's physical optimizer rules with Ember's join strategies in
/// place of DataFusion's join selection, followed by [`BoundedJoins`] (which
/// then sees each hash join's build side) when the settings ask for bounded
/// joins, and by [`CompactSortInputs`] last under a memory limit; first,
/// [`ember_python::IteratorUdfs`] gives iterator UDFs whole partitions.
pub fn physical_optimizer_rules(settings: &RuntimeSettings) -> Vec<Arc<dyn PhysicalOptimizerRule + Send + Sync>> {
    let mut rules = PhysicalOptimizer::new().rules;
    let at = rules.iter().position(|r| r.name() == JoinSelection::new().name()).unwrap_or(0);
    rules[at] = Arc::new(JoinStrategies);
    if let (Some(limit), JoinChoice::Bounded) = (settings.memory_limit, settings.joins) {
        rules.insert(at + 1, Arc::new(BoundedJoins::new(limit)));
    }
    if settings.memory_limit.is_some() {
        rules.push(Arc::new(CompactSortInputs));
    }
    // First, so that later rules see iterator UDFs as their own operators.
    rules.insert(0, Arc::new(ember_python::IteratorUdfs));
    rules
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::physical_expr::expressions::Column;
    use datafusion::common::NullEquality;
    use datafusion::logical_expr::JoinType;
    use datafusion::physical_plan::displayable;
    use datafusion::physical_plan::joins::PartitionMode;
    use datafusion::physical_plan::test::TestMemoryExec;

    fn input(rows: usize) -> Arc<dyn ExecutionPlan> {
        let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Int64, true), Field::new("s", DataType::Utf8, true)]));
        let batch = datafusion::arrow::record_batch::RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(datafusion::arrow::array::Int64Array::from_iter_values(0..rows as i64)),
                Arc::new(datafusion::arrow::array::StringArray::from_iter_values((0..rows).map(|i| i.to_string()))),
            ],
        )
        .unwrap();
        TestMemoryExec::try_new_exec(&[vec![batch]], schema, None).unwrap()
    }

    fn hash_join(build_rows: usize) -> Arc<dyn ExecutionPlan> {
        let (left, right) = (input(build_rows), input(10));
        let on = vec![(
            Arc::new(Column::new("k", 0)) as Arc<dyn datafusion::physical_expr::PhysicalExpr>,
            Arc::new(Column::new("k", 0)) as Arc<dyn datafusion::physical_expr::PhysicalExpr>,
        )];
        Arc::new(
            HashJoinExec::try_new(left, right, on, None, &JoinType::Inner, Some(vec![0, 3]), PartitionMode::Partitioned, NullEquality::NullEqualsNothing, false)
                .unwrap(),
        )
    }

    /// Options with several partitions, as DataFusion plans sort-merge joins.
    fn partitioned() -> ConfigOptions {
        let mut options = ConfigOptions::default();
        options.execution.target_partitions = 4;
        options
    }

    fn optimized(rule: &BoundedJoins, plan: Arc<dyn ExecutionPlan>) -> String {
        let plan = rule.optimize(plan, &partitioned()).unwrap();
        displayable(plan.as_ref()).indent(false).to_string()
    }

    #[test]
    fn small_build_sides_stay_hash_joins() {
        // 1,000 rows of ~40 bytes against a 1 MiB limit (32 KiB for the build side).
        let plan = optimized(&BoundedJoins::new(1 << 20), hash_join(1_000));
        assert!(plan.starts_with("HashJoinExec"), "{plan}");
    }

    #[test]
    fn large_build_sides_become_sort_merge_joins_with_the_same_columns() {
        let join = hash_join(10_000);
        let schema = join.schema();
        let rule = BoundedJoins::new(1 << 20);
        let rewritten = rule.optimize(join, &partitioned()).unwrap();
        assert_eq!(rewritten.schema(), schema);
        let plan = displayable(rewritten.as_ref()).indent(false).to_string();
        assert!(plan.starts_with("ProjectionExec") && plan.contains("SortMergeJoin"), "{plan}");
    }

    #[test]
    fn one_partition_keeps_hash_joins() {
        let mut options = partitioned();
        options.execution.target_partitions = 1;
        let plan = BoundedJoins::new(1 << 20).optimize(hash_join(10_000), &options).unwrap();
        assert!(plan.is::<HashJoinExec>());
    }
}
