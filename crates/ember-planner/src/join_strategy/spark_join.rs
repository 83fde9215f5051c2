//! [`SparkJoinExec`]: the operator over a join that [`super::JoinStrategies`]
//! planned, remembering which sides Spark's plan has, so that `explain()`
//! names the join as Spark does (`BroadcastHashJoin … BuildRight`,
//! `SortMergeJoin`, `ShuffledHashJoin`, `BroadcastNestedLoopJoin`,
//! `CartesianProduct`) over its inputs in Spark's order.

use std::fmt;
use std::sync::Arc;

use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{JoinType, Result};
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::joins::{CrossJoinExec, HashJoinExec, NestedLoopJoinExec, PartitionMode, SortMergeJoinExec};
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::repartition::RepartitionExec;
use datafusion::physical_plan::sorts::sort::SortExec;
use datafusion::physical_plan::statistics::{ChildStats, StatisticsArgs};
use crate::partitioning::OrderedConcatExec;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties, Statistics};

/// A planned join with Spark's view of it. Its input is the join, or a
/// projection over it when its sides were swapped to build Spark's right side.
#[derive(Debug)]
pub struct SparkJoinExec {
    input: Arc<dyn ExecutionPlan>,
    /// The join type with Spark's sides.
    join_type: JoinType,
    /// Whether the join's left input is Spark's right side.
    swapped: bool,
    /// Whether Spark calls this nested-loop join a `CartesianProduct`.
    cartesian: bool,
}

/// How an input of a Spark join reaches it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinInput {
    /// Broadcast to every partition (`BroadcastExchange`).
    Broadcast,
    /// Hash-partitioned, and sorted for a sort-merge join (`Exchange`, `Sort`).
    Shuffled,
    /// As it is.
    Streamed,
}

impl SparkJoinExec {
    /// `input` (a join or a projection over a join) with Spark's join type,
    /// whether its sides are swapped, and whether a nested-loop join is a
    /// cartesian product.
    pub fn new(input: Arc<dyn ExecutionPlan>, join_type: JoinType, swapped: bool, cartesian: bool) -> Self {
        SparkJoinExec { input, join_type, swapped, cartesian }
    }

    /// The join under the projection that restores the column order of swapped sides.
    fn join(&self) -> &Arc<dyn ExecutionPlan> {
        let mut node = &self.input;
        while let Some(projection) = node.downcast_ref::<ProjectionExec>() {
            node = projection.input();
        }
        node
    }

    /// The strategy's name in Spark's plans.
    pub fn strategy_name(&self) -> &'static str {
        let join = self.join();
        if let Some(hash) = join.downcast_ref::<HashJoinExec>() {
            return match hash.partition_mode() {
                PartitionMode::Partitioned => "ShuffledHashJoin",
                _ => "BroadcastHashJoin",
            };
        }
        if join.is::<SortMergeJoinExec>() {
            "SortMergeJoin"
        } else if self.cartesian {
            "CartesianProduct"
        } else {
            "BroadcastNestedLoopJoin"
        }
    }

    /// Spark's line for the join, as its simple `explain()` prints it.
    pub fn spark_line(&self) -> String {
        let join = self.join();
        let build = if self.swapped { "BuildRight" } else { "BuildLeft" };
        let join_type = spark_join_type(self.join_type, join.is::<CrossJoinExec>());
        let condition = self.condition();
        let mut parts: Vec<String> = Vec::new();
        match self.strategy_name() {
            "CartesianProduct" => return ["CartesianProduct".to_string()].into_iter().chain(condition).collect::<Vec<_>>().join(" "),
            "BroadcastNestedLoopJoin" => {
                parts.extend([build.to_string(), join_type]);
                parts.extend(condition);
            }
            name => {
                let (left, right) = self.keys();
                parts.extend([format!("[{}]", left.join(", ")), format!("[{}]", right.join(", ")), join_type]);
                if name != "SortMergeJoin" {
                    parts.push(build.to_string());
                }
                parts.extend(condition);
                if name == "BroadcastHashJoin" {
                    let null_aware = join.downcast_ref::<HashJoinExec>().is_some_and(|h| h.null_aware);
                    parts.extend([null_aware.to_string(), "false".to_string()]);
                }
            }
        }
        format!("{} {}", self.strategy_name(), parts.join(", "))
    }

    /// The join's inputs in Spark's order (left, right), each with how it reaches the join.
    pub fn spark_inputs(&self) -> Vec<(JoinInput, Arc<dyn ExecutionPlan>)> {
        let join = self.join();
        let children: Vec<Arc<dyn ExecutionPlan>> = join.children().into_iter().cloned().collect();
        let [build, probe] = <[Arc<dyn ExecutionPlan>; 2]>::try_from(children).unwrap_or_else(|c| {
            let mut c = c.into_iter();
            [c.next().expect("a join has inputs"), c.next().expect("a join has two inputs")]
        });
        let (build_input, probe_input) = match self.strategy_name() {
            "BroadcastHashJoin" | "BroadcastNestedLoopJoin" => (JoinInput::Broadcast, JoinInput::Streamed),
            "CartesianProduct" => (JoinInput::Streamed, JoinInput::Streamed),
            _ => (JoinInput::Shuffled, JoinInput::Shuffled),
        };
        let build = (build_input, without_coalesce(build));
        let probe = (probe_input, probe);
        if self.swapped { vec![probe, build] } else { vec![build, probe] }
    }

    /// The equi-join keys of Spark's left and right sides.
    fn keys(&self) -> (Vec<String>, Vec<String>) {
        let join = self.join();
        let on = match (join.downcast_ref::<HashJoinExec>(), join.downcast_ref::<SortMergeJoinExec>()) {
            (Some(hash), _) => hash.on().to_vec(),
            (_, Some(merge)) => merge.on().to_vec(),
            _ => vec![],
        };
        let (mut left, mut right): (Vec<String>, Vec<String>) = on.iter().map(|(l, r)| (expression_text(l.as_ref()), expression_text(r.as_ref()))).unzip();
        if self.swapped {
            std::mem::swap(&mut left, &mut right);
        }
        (left, right)
    }

    /// The join's other condition, in parentheses as Spark prints it.
    fn condition(&self) -> Option<String> {
        let join = self.join();
        let filter = join
            .downcast_ref::<HashJoinExec>()
            .and_then(|h| h.filter().cloned())
            .or_else(|| join.downcast_ref::<SortMergeJoinExec>().and_then(|m| m.filter().clone()))
            .or_else(|| join.downcast_ref::<NestedLoopJoinExec>().and_then(|n| n.filter().cloned()))?;
        let text = expression_text(filter.expression().as_ref());
        Some(if text.starts_with('(') && text.ends_with(')') { text } else { format!("({text})") })
    }
}

/// A build side without the merge of its partitions that the planners add.
fn without_coalesce(plan: Arc<dyn ExecutionPlan>) -> Arc<dyn ExecutionPlan> {
    if let Some(merge) = plan.downcast_ref::<CoalescePartitionsExec>() {
        return merge.input().clone();
    }
    match plan.downcast_ref::<OrderedConcatExec>() {
        Some(concat) => concat.input().clone(),
        None => plan,
    }
}

/// Spark's line for an operator that prepares a join input, if it has one:
/// `Exchange hashpartitioning(…)` for a hash repartition, `Sort […]` for a
/// sort of each partition.
pub fn input_operator_line(plan: &dyn ExecutionPlan) -> Option<String> {
    if let Some(repartition) = plan.downcast_ref::<RepartitionExec>() {
        if let Partitioning::Hash(keys, n) = repartition.partitioning() {
            let keys: Vec<String> = keys.iter().map(|k| expression_text(k.as_ref())).collect();
            return Some(format!("Exchange hashpartitioning({}, {n}), ENSURE_REQUIREMENTS", keys.join(", ")));
        }
    }
    let sort = plan.downcast_ref::<SortExec>()?;
    let keys: Vec<String> = sort
        .expr()
        .iter()
        .map(|s| {
            let direction = if s.options.descending { "DESC" } else { "ASC" };
            let nulls = if s.options.nulls_first { "NULLS FIRST" } else { "NULLS LAST" };
            format!("{} {direction} {nulls}", expression_text(s.expr.as_ref()))
        })
        .collect();
    Some(format!("Sort [{}], false, 0", keys.join(", ")))
}

/// Spark's line for the exchange that broadcasts a join's build side.
pub fn broadcast_exchange_line(join: &SparkJoinExec) -> String {
    if join.strategy_name() == "BroadcastHashJoin" {
        let (left, right) = join.keys();
        let keys = if join.swapped { right } else { left };
        format!("BroadcastExchange HashedRelationBroadcastMode(List({}),false)", keys.join(", "))
    } else {
        "BroadcastExchange IdentityBroadcastMode".to_string()
    }
}

/// An expression as Spark prints it, without DataFusion's column indexes (`id@0` is `id`).
fn expression_text(expr: &dyn PhysicalExpr) -> String {
    let text = expr.to_string();
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '@' && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                chars.next();
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Spark's name of a join type (`cross`: a join without any condition).
fn spark_join_type(join_type: JoinType, cross: bool) -> String {
    match join_type {
        JoinType::Inner if cross => "Cross",
        JoinType::Inner => "Inner",
        JoinType::Left => "LeftOuter",
        JoinType::Right => "RightOuter",
        JoinType::Full => "FullOuter",
        JoinType::LeftSemi => "LeftSemi",
        JoinType::LeftAnti => "LeftAnti",
        JoinType::LeftMark => "ExistenceJoin(exists)",
        other => return format!("{other:?}"),
    }
    .to_string()
}

impl DisplayAs for SparkJoinExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}", self.spark_line())
    }
}

impl ExecutionPlan for SparkJoinExec {
    fn name(&self) -> &str {
        self.strategy_name()
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        self.input.properties()
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn maintains_input_order(&self) -> Vec<bool> {
        vec![true]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false]
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let input = children.into_iter().next().ok_or_else(|| DataFusionError::Internal("a join needs its input".into()))?;
        Ok(Arc::new(SparkJoinExec { input, join_type: self.join_type, swapped: self.swapped, cartesian: self.cartesian }))
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        self.input.execute(partition, context)
    }

    fn child_stats_requests(&self, partition: Option<usize>) -> Vec<ChildStats> {
        vec![ChildStats::At(partition)]
    }

    fn statistics_from_inputs(&self, input_stats: &[Arc<Statistics>], _args: &StatisticsArgs) -> Result<Arc<Statistics>> {
        Ok(input_stats.first().cloned().unwrap_or_else(|| Arc::new(Statistics::new_unknown(&self.schema()))))
    }
}
