//! Physical planning of plans with Spark's partitioning: Ember's query
//! planner, which also plans the Python nodes.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::compute::SortOptions;
use datafusion::catalog::Session;
use datafusion::common::Result;
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::datasource::source_as_provider;
use datafusion::execution::SessionState;
use datafusion::execution::context::QueryPlanner;
use datafusion::logical_expr::physical_planning_context::PhysicalPlanningContext;
use datafusion::logical_expr::{LogicalPlan, SortExpr, UserDefinedLogicalNode};
use datafusion::physical_expr::PhysicalSortExpr;
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::limit::GlobalLimitExec;
use datafusion::physical_plan::{ExecutionPlan, ExecutionPlanProperties};
use datafusion::physical_planner::{DefaultPhysicalPlanner, ExtensionPlanner, PhysicalPlanner};

use crate::cache::{CachedRelation, InMemoryTableScanExec};

use super::exec::{CoalesceExec, PartitionSortExec, OrderedConcatExec, PartitionValueExec, Router, ShuffleExec};
use super::nodes::{PartitionValue, RepartitionScheme, SortWithinPartitions, SparkRepartition};
use super::range::{SparkRange, SparkRangeExec};

/// Plans [`SparkRepartition`] and [`PartitionValue`] nodes.
struct PartitionExtensionPlanner;

#[async_trait]
impl ExtensionPlanner for PartitionExtensionPlanner {
    async fn plan_extension(
        &self,
        planner: &dyn PhysicalPlanner,
        node: &dyn UserDefinedLogicalNode,
        logical_inputs: &[&LogicalPlan],
        physical_inputs: &[Arc<dyn ExecutionPlan>],
        session_state: &dyn Session,
        planning_ctx: &PhysicalPlanningContext,
    ) -> Result<Option<Arc<dyn ExecutionPlan>>> {
        let (Some(logical), Some(input)) = (logical_inputs.first(), physical_inputs.first()) else {
            return Ok(None);
        };
        if let Some(value) = node.as_any().downcast_ref::<PartitionValue>() {
            return Ok(Some(Arc::new(PartitionValueExec::new(input.clone(), value.kind, &value.name))));
        }
        if let Some(sort) = node.as_any().downcast_ref::<SortWithinPartitions>() {
            let keys = sort_keys(planner, &sort.order, logical, session_state, planning_ctx)?;
            return Ok(Some(Arc::new(PartitionSortExec::new(input.clone(), keys))));
        }
        let Some(repartition) = node.as_any().downcast_ref::<SparkRepartition>() else {
            return Ok(None);
        };
        let n = repartition.partitions;
        let router = match &repartition.scheme {
            RepartitionScheme::Coalesce => return Ok(Some(Arc::new(CoalesceExec::new(input.clone(), n)))),
            RepartitionScheme::RoundRobin { sort_rows } => Router::RoundRobin { sort_rows: *sort_rows },
            RepartitionScheme::Slices => Router::Slices,
            RepartitionScheme::Hash(expr) => Router::Hash(planner.create_physical_expr(expr, logical.schema(), session_state, planning_ctx)?),
            RepartitionScheme::Range(order) => Router::Range(sort_keys(planner, order, logical, session_state, planning_ctx)?),
        };
        let shuffle = ShuffleExec::new(input.clone(), router, n).with_rebalance(repartition.rebalance.is_some()).with_adaptive(repartition.adaptive);
        Ok(Some(Arc::new(shuffle)))
    }
}

fn sort_keys(
    planner: &dyn PhysicalPlanner,
    order: &[SortExpr],
    input: &LogicalPlan,
    state: &dyn Session,
    planning_ctx: &PhysicalPlanningContext,
) -> Result<Vec<PhysicalSortExpr>> {
    order
        .iter()
        .map(|s| {
            let expr = planner.create_physical_expr(&s.expr, input.schema(), state, planning_ctx)?;
            Ok(PhysicalSortExpr::new(expr, SortOptions { descending: !s.asc, nulls_first: s.nulls_first }))
        })
        .collect()
}

/// Whether a logical plan gives rows Spark's partitions, which the
/// physical plan then has to keep.
fn spark_partitioned(plan: &LogicalPlan) -> bool {
    let mut found = false;
    let _ = plan.apply(|node| {
        found = match node {
            LogicalPlan::Extension(e) => {
                let any = e.node.as_any();
                any.is::<SparkRepartition>() || any.is::<PartitionValue>() || any.is::<SortWithinPartitions>()
            }
            LogicalPlan::TableScan(scan) => source_as_provider(&scan.source).is_ok_and(|p| {
                p.downcast_ref::<SparkRange>().is_some_and(|r| r.partitions > 1) || p.is::<CachedRelation>()
            }),
            _ => false,
        };
        Ok(if found { TreeNodeRecursion::Stop } else { TreeNodeRecursion::Continue })
    });
    found
}

/// Whether a physical plan holds an operator of Spark's partitioning.
fn has_spark_partitions(plan: &Arc<dyn ExecutionPlan>) -> bool {
    plan.is::<SparkRangeExec>()
        || plan.is::<ShuffleExec>()
        || plan.is::<CoalesceExec>()
        || plan.is::<PartitionValueExec>()
        || plan.is::<PartitionSortExec>()
        || plan.is::<InMemoryTableScanExec>()
        || plan.children().into_iter().any(has_spark_partitions)
}

/// Whether a plan's partitions are a scan's (of files, or of data in
/// memory) or a union of such, each passed up in order by operators on
/// one partition.
fn scan_partitions(plan: &Arc<dyn ExecutionPlan>) -> bool {
    use datafusion::physical_plan::{empty::EmptyExec, placeholder_row::PlaceholderRowExec, union::UnionExec};
    if plan.is::<datafusion::datasource::source::DataSourceExec>() || plan.is::<PlaceholderRowExec>() || plan.is::<EmptyExec>() {
        return true;
    }
    // A union's partitions are its inputs', one input after another.
    if plan.is::<UnionExec>() {
        return plan.children().into_iter().all(scan_partitions);
    }
    match plan.children().as_slice() {
        [child] if !plan.is::<datafusion::physical_plan::repartition::RepartitionExec>() => {
            child.output_partitioning().partition_count() == plan.output_partitioning().partition_count() && scan_partitions(child)
        }
        _ => false,
    }
}

/// `plan` as one partition holding its partitions in order, when it has
/// Spark's partitioning or a scan's (rows then come in the files' order);
/// as it is otherwise.
pub fn in_partition_order(plan: Arc<dyn ExecutionPlan>) -> Arc<dyn ExecutionPlan> {
    if plan.output_partitioning().partition_count() > 1 && (has_spark_partitions(&plan) || scan_partitions(&plan)) {
        Arc::new(OrderedConcatExec::new(plan))
    } else {
        plan
    }
}

/// DataFusion's planner with Ember's plan nodes and Spark's short-circuit
/// `AND`/`OR` ([`crate::short_circuit`]). A plan with Spark's
/// partitioning is planned without extra round-robin repartitioning, and
/// its partitions are merged in order, so that partition ids stay Spark's
/// and rows come back in Spark's order.
#[derive(Debug)]
pub struct EmberQueryPlanner;

#[async_trait]
impl QueryPlanner for EmberQueryPlanner {
    async fn create_physical_plan(&self, plan: &LogicalPlan, state: &dyn Session) -> Result<Arc<dyn ExecutionPlan>> {
        let plan = &crate::short_circuit::short_circuit(plan)?.data;
        let planner = DefaultPhysicalPlanner::with_extension_planners(vec![
            Arc::new(PartitionExtensionPlanner),
            Arc::new(ember_python::PythonExtensionPlanner),
            Arc::new(crate::join_strategy::JoinHintPlanner),
        ]);
        let session_state = state.as_any().downcast_ref::<SessionState>();
        let (true, Some(session_state)) = (spark_partitioned(plan), session_state) else {
            // Merges of a scan's partitions keep their order, as Spark's.
            let physical = planner.create_physical_plan(plan, state).await?;
            return merged_in_order(physical, |merge| scan_partitions(merge.input()));
        };
        let mut kept = session_state.clone();
        kept.config_mut().options_mut().optimizer.enable_round_robin_repartition = false;
        // A union's partitions are its inputs' partitions one after another,
        // even where they are partitioned alike (ranges of the same split).
        kept.config_mut().options_mut().optimizer.prefer_existing_union = true;
        let physical = planner.create_physical_plan(plan, &kept).await?;
        merged_in_order(physical, |_| true)
    }
}

/// `plan` with each merge of partitions that `keeps_order` picks reading
/// them one after another.
fn merged_in_order(plan: Arc<dyn ExecutionPlan>, keeps_order: impl Fn(&CoalescePartitionsExec) -> bool) -> Result<Arc<dyn ExecutionPlan>> {
    let ordered = plan.transform_up(|node| {
        let Some(merge) = node.downcast_ref::<CoalescePartitionsExec>().filter(|m| keeps_order(m)) else {
            return Ok(Transformed::no(node));
        };
        let concat: Arc<dyn ExecutionPlan> = Arc::new(OrderedConcatExec::new(merge.input().clone()));
        Ok(Transformed::yes(match merge.fetch() {
            Some(fetch) => Arc::new(GlobalLimitExec::new(concat, 0, Some(fetch))),
            None => concat,
        }))
    })?;
    Ok(ordered.data)
}
