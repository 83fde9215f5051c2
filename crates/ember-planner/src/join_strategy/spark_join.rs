//! [`SparkJoinExec`]: the operator over a join that [`super::JoinStrategies`]
//! planned, remembering which sides Spark's plan has, so that `explain()`
//! names the join as Spark does (`BroadcastHashJoin … BuildRight`,
//! `SortMergeJoin`, `ShuffledHashJoin`, `BroadcastNestedLoopJoin`,
//! `CartesianProduct`) over its inputs in Spark's order.

use std::sync::Arc;

use datafusion::common::JoinType;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::coalesce_partitions::CoalescePartitionsExec;
use datafusion::physical_plan::joins::utils::JoinFilter;
use datafusion::physical_plan::joins::{CrossJoinExec, HashJoinExec, NestedLoopJoinExec, PartitionMode, SortMergeJoinExec};
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::ExecutionPlan;

use super::annotated::{Annotated, Annotation};
use crate::partitioning::OrderedConcatExec;

/// A planned join with Spark's view of it. Its input is the join, or a
/// projection over it when its sides were swapped to build Spark's right side.
pub type SparkJoinExec = Annotated<SparkJoin>;

/// Spark's view of a planned join.
#[derive(Debug, Clone)]
pub struct SparkJoin {
    /// The join type with Spark's sides.
    pub join_type: JoinType,
    /// Whether the join's left input is Spark's right side.
    pub swapped: bool,
    /// Whether Spark calls this nested-loop join a `CartesianProduct`.
    pub cartesian: bool,
    /// Whether Spark sort-merges this shuffled hash join: Spark's plans
    /// print a `SortMergeJoin` over sorted inputs where Ember builds a hash
    /// table of one side of the same hash-partitioned inputs.
    pub sort_merge: bool,
}

impl Annotation for SparkJoin {
    fn name(&self, input: &Arc<dyn ExecutionPlan>) -> &'static str {
        strategy_name(self, join_below(input))
    }

    fn line(&self, input: &Arc<dyn ExecutionPlan>) -> String {
        spark_line(self, join_below(input), &PlainExpressions)
    }
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

/// The join under the projection that restores the column order of swapped sides.
fn join_below(input: &Arc<dyn ExecutionPlan>) -> &Arc<dyn ExecutionPlan> {
    let mut node = input;
    while let Some(projection) = node.downcast_ref::<ProjectionExec>() {
        node = projection.input();
    }
    node
}

/// The strategy's name in Spark's plans.
fn strategy_name(spark: &SparkJoin, join: &Arc<dyn ExecutionPlan>) -> &'static str {
    if let Some(hash) = join.downcast_ref::<HashJoinExec>() {
        return match hash.partition_mode() {
            PartitionMode::Partitioned if spark.sort_merge => "SortMergeJoin",
            PartitionMode::Partitioned => "ShuffledHashJoin",
            _ => "BroadcastHashJoin",
        };
    }
    if join.is::<SortMergeJoinExec>() {
        "SortMergeJoin"
    } else if spark.cartesian {
        "CartesianProduct"
    } else {
        "BroadcastNestedLoopJoin"
    }
}

/// Spark's line for the join, as its simple `explain()` prints it.
fn spark_line(spark: &SparkJoin, join: &Arc<dyn ExecutionPlan>, texts: &dyn JoinExpressions) -> String {
    let build = if spark.swapped { "BuildRight" } else { "BuildLeft" };
    let join_type = spark_join_type(spark.join_type, join.is::<CrossJoinExec>());
    let condition = condition(join, texts);
    let strategy = strategy_name(spark, join);
    let mut parts: Vec<String> = Vec::new();
    match strategy {
        "CartesianProduct" => return ["CartesianProduct".to_string()].into_iter().chain(condition).collect::<Vec<_>>().join(" "),
        "BroadcastNestedLoopJoin" => {
            parts.extend([build.to_string(), join_type]);
            parts.extend(condition);
        }
        name => {
            let (left, right) = keys(spark, join, texts);
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
    format!("{strategy} {}", parts.join(", "))
}

impl SparkJoinExec {
    /// The strategy's name in Spark's plans.
    pub fn strategy_name(&self) -> &'static str {
        strategy_name(self.annotation(), join_below(self.input()))
    }

    /// Spark's line for the join, its keys and condition printed by `texts`.
    pub fn spark_line_with(&self, texts: &dyn JoinExpressions) -> String {
        spark_line(self.annotation(), join_below(self.input()), texts)
    }

    /// Spark's name of the join's type (`Inner`, `LeftOuter`, `Cross`, …).
    pub fn join_type_name(&self) -> String {
        spark_join_type(self.annotation().join_type, join_below(self.input()).is::<CrossJoinExec>())
    }

    /// Spark's line for the exchange that broadcasts the build side, its
    /// keys printed by `texts`.
    pub fn broadcast_exchange_line(&self, texts: &dyn JoinExpressions) -> String {
        if self.strategy_name() == "BroadcastHashJoin" {
            let (left, right) = keys(self.annotation(), join_below(self.input()), texts);
            let keys = if self.annotation().swapped { right } else { left };
            format!("BroadcastExchange HashedRelationBroadcastMode(List({}),false)", keys.join(", "))
        } else {
            "BroadcastExchange IdentityBroadcastMode".to_string()
        }
    }

    /// The join's inputs in Spark's order (left, right), each with how it reaches the join.
    pub fn spark_inputs(&self) -> Vec<(JoinInput, Arc<dyn ExecutionPlan>)> {
        let join = join_below(self.input());
        let children = join.children();
        let (Some(build), Some(probe)) = (children.first().map(|c| (*c).clone()), children.get(1).map(|c| (*c).clone())) else {
            return vec![];
        };
        let (build_input, probe_input) = match self.strategy_name() {
            "BroadcastHashJoin" | "BroadcastNestedLoopJoin" => (JoinInput::Broadcast, JoinInput::Streamed),
            "CartesianProduct" => (JoinInput::Streamed, JoinInput::Streamed),
            _ => (JoinInput::Shuffled, JoinInput::Shuffled),
        };
        let build = (build_input, without_coalesce(build));
        let probe = (probe_input, probe);
        if self.annotation().swapped { vec![probe, build] } else { vec![build, probe] }
    }
}

/// The equi-join keys of Spark's left and right sides.
fn keys(spark: &SparkJoin, join: &Arc<dyn ExecutionPlan>, texts: &dyn JoinExpressions) -> (Vec<String>, Vec<String>) {
    let on = match (join.downcast_ref::<HashJoinExec>(), join.downcast_ref::<SortMergeJoinExec>()) {
        (Some(hash), _) => hash.on().to_vec(),
        (_, Some(merge)) => merge.on().to_vec(),
        _ => vec![],
    };
    let (mut left, mut right): (Vec<String>, Vec<String>) = on.iter().map(|(l, r)| (texts.key(l.as_ref(), 0), texts.key(r.as_ref(), 1))).unzip();
    if spark.swapped {
        std::mem::swap(&mut left, &mut right);
    }
    (left, right)
}

/// The join's other condition, in parentheses as Spark prints it.
fn condition(join: &Arc<dyn ExecutionPlan>, texts: &dyn JoinExpressions) -> Option<String> {
    let filter = join
        .downcast_ref::<HashJoinExec>()
        .and_then(|h| h.filter().cloned())
        .or_else(|| join.downcast_ref::<SortMergeJoinExec>().and_then(|m| m.filter().clone()))
        .or_else(|| join.downcast_ref::<NestedLoopJoinExec>().and_then(|n| n.filter().cloned()))?;
    let text = texts.condition(&filter);
    Some(if text.starts_with('(') && text.ends_with(')') { text } else { format!("({text})") })
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

/// How a join's keys and condition are printed.
pub trait JoinExpressions {
    /// A key of the join's input `side` (0: its first child, 1: its second).
    fn key(&self, key: &dyn PhysicalExpr, side: usize) -> String;
    /// The join's other condition.
    fn condition(&self, filter: &JoinFilter) -> String;
}

/// DataFusion's text without column indexes, for the operator's own display.
struct PlainExpressions;

impl JoinExpressions for PlainExpressions {
    fn key(&self, key: &dyn PhysicalExpr, _: usize) -> String {
        expression_text(key)
    }

    fn condition(&self, filter: &JoinFilter) -> String {
        expression_text(filter.expression().as_ref())
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
