//! [`JoinStrategies`]: chooses each join's physical strategy as Spark's
//! planner does. A hint on a side (found through the single-input operators
//! over it) picks the strategy when the join type allows it: broadcast,
//! then shuffle hash, then sort-merge, then a cartesian product. Without
//! one, a side small enough is broadcast; otherwise the sides are
//! hash-partitioned and joined by a hash join (a sort-merge join when the
//! server prefers those). It takes the place of DataFusion's join
//! selection, so that each join's sides stay Spark's until it has chosen.

use std::sync::Arc;

use datafusion::arrow::compute::SortOptions;
use datafusion::arrow::datatypes::{DataType, Schema};
use datafusion::common::config::ConfigOptions;
use datafusion::common::stats::Precision;
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode};
use datafusion::common::{JoinSide, JoinType, NullEquality, Result};
use datafusion::logical_expr::Operator;
use datafusion::physical_expr::PhysicalExprRef;
use datafusion::physical_expr::expressions::{BinaryExpr, Column};
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::joins::utils::JoinFilter;
use datafusion::physical_plan::joins::{CrossJoinExec, HashJoinExec, NestedLoopJoinExec, PartitionMode, SortMergeJoinExec};
use datafusion::physical_plan::projection::{ProjectionExec, ProjectionExpr};
use datafusion::physical_plan::statistics::{StatisticsArgs, StatisticsContext};

use super::spark_join::SparkJoin;
use super::{JoinHintExec, JoinOptions, JoinStrategyHint, SparkJoinExec};

/// Spark's default `spark.sql.autoBroadcastJoinThreshold`.
const SPARK_BROADCAST_THRESHOLD: usize = 10 << 20;
/// The width assumed for a variable-width value when estimating sizes.
const VARIABLE_WIDTH: usize = 32;

/// The rule; see the module documentation.
#[derive(Debug, Default)]
pub struct JoinStrategies;

impl PhysicalOptimizerRule for JoinStrategies {
    fn optimize(&self, plan: Arc<dyn ExecutionPlan>, config: &ConfigOptions) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(choose(plan, &Settings::of(config))?.0)
    }

    fn name(&self) -> &str {
        "join_strategies"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

/// What the rule reads from the session.
struct Settings {
    /// Largest estimated side broadcast without a hint; `None`: none is.
    broadcast_bytes: Option<usize>,
    /// Whether shuffled joins are sort-merge joins.
    prefer_sort_merge: bool,
}

impl Settings {
    fn of(config: &ConfigOptions) -> Self {
        let threshold = config.extensions.get::<JoinOptions>().and_then(|o| o.auto_broadcast_threshold.as_deref().and_then(|text| ember_sources::options::byte_size(text, 0)));
        let broadcast_bytes = match threshold {
            Some(n) => usize::try_from(n).ok(),
            None => Some(SPARK_BROADCAST_THRESHOLD),
        };
        Settings { broadcast_bytes, prefer_sort_merge: !config.optimizer.prefer_hash_join }
    }
}

/// `plan` with every join planned and every hint marker removed, and the
/// hints over its top (outermost first), for the join above it.
fn choose(plan: Arc<dyn ExecutionPlan>, settings: &Settings) -> Result<(Arc<dyn ExecutionPlan>, Vec<JoinStrategyHint>)> {
    if let Some(hint) = plan.downcast_ref::<JoinHintExec>() {
        let (input, mut hints) = choose(hint.input().clone(), settings)?;
        hints.insert(0, *hint.annotation());
        return Ok((input, hints));
    }
    let children: Vec<Arc<dyn ExecutionPlan>> = plan.children().into_iter().cloned().collect();
    if children.is_empty() {
        return Ok((plan, vec![]));
    }
    let mut inputs = Vec::with_capacity(children.len());
    let mut hints = Vec::with_capacity(children.len());
    for child in &children {
        let (input, child_hints) = choose(child.clone(), settings)?;
        inputs.push(input);
        hints.push(child_hints);
    }
    let unchanged = inputs.iter().zip(&children).all(|(a, b)| Arc::ptr_eq(a, b));
    #[allow(deprecated)]
    let plan = if unchanged { plan } else { plan.with_new_children(inputs)? };
    if let Some(join) = JoinParts::of(plan.as_ref()) {
        let side_hints = [hints[0].first().copied(), hints[1].first().copied()];
        return Ok((join.plan(side_hints, settings)?, vec![]));
    }
    match hints.len() {
        1 => Ok((plan, hints.pop().unwrap_or_default())),
        _ => Ok((plan, vec![])),
    }
}

/// One of Spark's sides of a join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Left,
    Right,
}

/// A physical join strategy, with the side it builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Strategy {
    BroadcastHash(Side),
    ShuffledHash(Side),
    SortMerge,
    /// Spark's default sort-merge join, which Ember runs as a shuffled hash
    /// join building this side (over the same hash-partitioned inputs).
    SortMergeAsHash(Side),
    BroadcastNestedLoop(Side),
    Cartesian,
}

/// A join taken apart, its sides as Spark has them.
struct JoinParts {
    left: Arc<dyn ExecutionPlan>,
    right: Arc<dyn ExecutionPlan>,
    on: Vec<(PhysicalExprRef, PhysicalExprRef)>,
    filter: Option<JoinFilter>,
    join_type: JoinType,
    null_equality: NullEquality,
    projection: Option<Vec<usize>>,
    /// A join without condition (DataFusion's cross join).
    cross: bool,
}

impl JoinParts {
    /// The parts of a join this rule plans; `None` for other operators and
    /// for null-aware anti joins, which DataFusion runs only one way.
    fn of(plan: &dyn ExecutionPlan) -> Option<Self> {
        if let Some(hash) = plan.downcast_ref::<HashJoinExec>() {
            if hash.null_aware {
                return None;
            }
            return Some(JoinParts {
                left: hash.left().clone(),
                right: hash.right().clone(),
                on: hash.on().to_vec(),
                filter: hash.filter().cloned(),
                join_type: *hash.join_type(),
                null_equality: hash.null_equality(),
                projection: hash.projection.as_deref().map(<[usize]>::to_vec),
                cross: false,
            });
        }
        if let Some(merge) = plan.downcast_ref::<SortMergeJoinExec>() {
            return Some(JoinParts {
                left: merge.left().clone(),
                right: merge.right().clone(),
                on: merge.on().to_vec(),
                filter: merge.filter().clone(),
                join_type: merge.join_type(),
                null_equality: merge.null_equality(),
                projection: None,
                cross: false,
            });
        }
        if let Some(nested) = plan.downcast_ref::<NestedLoopJoinExec>() {
            return Some(JoinParts {
                left: nested.left().clone(),
                right: nested.right().clone(),
                on: vec![],
                filter: nested.filter().cloned(),
                join_type: *nested.join_type(),
                null_equality: NullEquality::NullEqualsNothing,
                projection: nested.projection().as_deref().map(<[usize]>::to_vec),
                cross: false,
            });
        }
        let cross = plan.downcast_ref::<CrossJoinExec>()?;
        Some(JoinParts {
            left: cross.left().clone(),
            right: cross.right().clone(),
            on: vec![],
            filter: None,
            join_type: JoinType::Inner,
            null_equality: NullEquality::NullEqualsNothing,
            projection: None,
            cross: true,
        })
    }

    /// The join planned by the strategy Spark would choose.
    fn plan(self, hints: [Option<JoinStrategyHint>; 2], settings: &Settings) -> Result<Arc<dyn ExecutionPlan>> {
        let strategy = self.strategy(hints, settings);
        let join_type = self.join_type;
        let (join, swapped) = match strategy {
            Strategy::BroadcastHash(side) => (self.hash_join(PartitionMode::CollectLeft, side)?, side == Side::Right),
            Strategy::ShuffledHash(side) | Strategy::SortMergeAsHash(side) => (self.hash_join(PartitionMode::Partitioned, side)?, side == Side::Right),
            Strategy::SortMerge => (self.sort_merge_join()?, false),
            Strategy::BroadcastNestedLoop(side) => (self.nested_loop_join(side)?, side == Side::Right),
            Strategy::Cartesian => {
                let side = smaller_side(&self.left, &self.right);
                let side = if join_type.supports_swap() { side } else { Side::Left };
                (self.nested_loop_join(side)?, side == Side::Right)
            }
        };
        let spark = SparkJoin { join_type, swapped, cartesian: strategy == Strategy::Cartesian, sort_merge: matches!(strategy, Strategy::SortMergeAsHash(_)) };
        Ok(Arc::new(SparkJoinExec::new(join, spark)))
    }

    /// Spark's choice (`JoinSelection`), hints first.
    fn strategy(&self, [left_hint, right_hint]: [Option<JoinStrategyHint>; 2], settings: &Settings) -> Strategy {
        let hinted = |hint: JoinStrategyHint| [left_hint == Some(hint), right_hint == Some(hint)];
        let broadcastable = [broadcast_buildable(self.join_type, Side::Left), broadcast_buildable(self.join_type, Side::Right)];
        let inner = self.join_type == JoinType::Inner;
        if let Some(side) = self.pick(hinted(JoinStrategyHint::Broadcast), broadcastable) {
            return if self.on.is_empty() { Strategy::BroadcastNestedLoop(side) } else { Strategy::BroadcastHash(side) };
        }
        if !self.on.is_empty() {
            let buildable = [shuffle_buildable(self.join_type, Side::Left), shuffle_buildable(self.join_type, Side::Right)];
            if let Some(side) = self.pick(hinted(JoinStrategyHint::ShuffleHash), buildable) {
                return Strategy::ShuffledHash(side);
            }
            if hinted(JoinStrategyHint::ShuffleMerge).contains(&true) {
                return Strategy::SortMerge;
            }
        }
        if inner && hinted(JoinStrategyHint::ShuffleReplicateNl).contains(&true) {
            return Strategy::Cartesian;
        }
        let small = [self.fits(&self.left, settings), self.fits(&self.right, settings)];
        let by_size = [broadcastable[0] && small[0], broadcastable[1] && small[1]];
        if let Some(side) = self.pick(by_size, [true, true]) {
            return if self.on.is_empty() { Strategy::BroadcastNestedLoop(side) } else { Strategy::BroadcastHash(side) };
        }
        if !self.on.is_empty() {
            if settings.prefer_sort_merge {
                return Strategy::SortMerge;
            }
            let buildable = [shuffle_buildable(self.join_type, Side::Left), shuffle_buildable(self.join_type, Side::Right)];
            let Some(side) = self.pick(buildable, [true, true]) else { return Strategy::SortMerge };
            // Spark sort-merges keys it can order (spark.sql.join.preferSortMergeJoin
            // is true by default); Ember hashes them, which is faster here.
            return if self.keys_orderable() { Strategy::SortMergeAsHash(side) } else { Strategy::ShuffledHash(side) };
        }
        if inner {
            return Strategy::Cartesian;
        }
        Strategy::BroadcastNestedLoop(match self.join_type {
            JoinType::Full => smaller_side(&self.left, &self.right),
            JoinType::Right => Side::Left,
            _ => Side::Right,
        })
    }

    /// The side to build among the `wanted` ones that `allowed` permits:
    /// the smaller when both are, as Spark picks.
    fn pick(&self, wanted: [bool; 2], allowed: [bool; 2]) -> Option<Side> {
        match [wanted[0] && allowed[0], wanted[1] && allowed[1]] {
            [true, true] => Some(smaller_side(&self.left, &self.right)),
            [true, false] => Some(Side::Left),
            [false, true] => Some(Side::Right),
            [false, false] => None,
        }
    }

    /// Whether Spark can sort the join's keys (maps cannot be ordered).
    fn keys_orderable(&self) -> bool {
        let schema = self.left.schema();
        self.on.iter().all(|(key, _)| key.data_type(&schema).is_ok_and(|t| !crate::generate::holds_map(&t)))
    }

    /// Whether a side is small enough to broadcast without a hint.
    fn fits(&self, side: &Arc<dyn ExecutionPlan>, settings: &Settings) -> bool {
        match (settings.broadcast_bytes, spark_estimate(side)) {
            (Some(limit), Some(bytes)) => bytes <= limit,
            _ => false,
        }
    }

    /// A hash join building `build`.
    fn hash_join(self, mode: PartitionMode, build: Side) -> Result<Arc<dyn ExecutionPlan>> {
        let join = HashJoinExec::try_new(
            self.left,
            self.right,
            self.on,
            self.filter,
            &self.join_type,
            self.projection,
            mode,
            self.null_equality,
            false,
        )?;
        match build {
            Side::Right if join.join_type().supports_swap() => join.swap_inputs(mode),
            _ => Ok(Arc::new(join)),
        }
    }

    fn sort_merge_join(self) -> Result<Arc<dyn ExecutionPlan>> {
        let keys = self.on.len();
        let merge: Arc<dyn ExecutionPlan> = Arc::new(SortMergeJoinExec::try_new(
            self.left,
            self.right,
            self.on,
            self.filter,
            self.join_type,
            vec![SortOptions::default(); keys],
            self.null_equality,
        )?);
        project(merge, self.projection.as_deref())
    }

    /// A nested-loop join (DataFusion's cross join without a condition)
    /// collecting `build`.
    fn nested_loop_join(self, build: Side) -> Result<Arc<dyn ExecutionPlan>> {
        let swap = build == Side::Right && self.join_type.supports_swap();
        if self.cross {
            let join = CrossJoinExec::new(self.left, self.right);
            return if swap { join.swap_inputs() } else { Ok(Arc::new(join)) };
        }
        let condition = self.condition_with_keys()?;
        let join = NestedLoopJoinExec::try_new(self.left, self.right, condition, &self.join_type, self.projection)?;
        if swap { join.swap_inputs() } else { Ok(Arc::new(join)) }
    }
}

impl JoinParts {
    /// The join's whole condition as one filter over both sides' columns:
    /// its key equalities and its other condition.
    fn condition_with_keys(&self) -> Result<Option<JoinFilter>> {
        if self.on.is_empty() {
            return Ok(self.filter.clone());
        }
        let (left, right) = (self.left.schema(), self.right.schema());
        let offset = left.fields().len();
        let fields: Vec<_> = left.fields().iter().chain(right.fields().iter()).cloned().collect();
        let column_indices = JoinFilter::build_column_indices((0..offset).collect(), (0..right.fields().len()).collect());
        let equals = if self.null_equality == NullEquality::NullEqualsNull { Operator::IsNotDistinctFrom } else { Operator::Eq };
        let mut condition: Option<PhysicalExprRef> = None;
        let mut and = |expr: PhysicalExprRef| {
            condition = Some(match condition.take() {
                Some(previous) => Arc::new(BinaryExpr::new(previous, Operator::And, expr)),
                None => expr,
            });
        };
        for (l, r) in &self.on {
            and(Arc::new(BinaryExpr::new(renumbered(l, |i| i)?, equals, renumbered(r, |i| offset + i)?)));
        }
        if let Some(filter) = &self.filter {
            let sides = filter.column_indices();
            and(renumbered(filter.expression(), |i| match sides[i].side {
                JoinSide::Left => sides[i].index,
                _ => offset + sides[i].index,
            })?);
        }
        Ok(condition.map(|c| JoinFilter::new(c, column_indices, Arc::new(Schema::new(fields)))))
    }
}

/// `expr` with each column's index mapped by `index`.
fn renumbered(expr: &PhysicalExprRef, index: impl Fn(usize) -> usize) -> Result<PhysicalExprRef> {
    Arc::clone(expr)
        .transform(|e| {
            Ok(match e.downcast_ref::<Column>() {
                Some(c) => Transformed::yes(Arc::new(Column::new(c.name(), index(c.index()))) as PhysicalExprRef),
                None => Transformed::no(e),
            })
        })
        .data()
}

/// Whether Spark can broadcast `side` of a join of this type (the side whose
/// rows need not all appear in the output).
fn broadcast_buildable(join_type: JoinType, side: Side) -> bool {
    match side {
        Side::Left => matches!(join_type, JoinType::Inner | JoinType::Right | JoinType::RightSemi | JoinType::RightAnti | JoinType::RightMark),
        Side::Right => matches!(join_type, JoinType::Inner | JoinType::Left | JoinType::LeftSemi | JoinType::LeftAnti | JoinType::LeftMark),
    }
}

/// Whether Spark's shuffled hash join can build `side` of a join of this type.
fn shuffle_buildable(join_type: JoinType, side: Side) -> bool {
    matches!(join_type, JoinType::Inner | JoinType::Left | JoinType::Right | JoinType::Full) || broadcast_buildable(join_type, side)
}

/// The side with the smaller size estimate; the right one when equal or unknown, as in Spark.
fn smaller_side(left: &Arc<dyn ExecutionPlan>, right: &Arc<dyn ExecutionPlan>) -> Side {
    let size = |plan: &Arc<dyn ExecutionPlan>| spark_estimate(plan).unwrap_or(usize::MAX);
    if size(right) <= size(left) { Side::Right } else { Side::Left }
}

/// The sort-merge join doing the work of a hash join, with the same output columns.
pub fn sort_merge_join(join: &HashJoinExec) -> Result<Arc<dyn ExecutionPlan>> {
    let merge: Arc<dyn ExecutionPlan> = Arc::new(SortMergeJoinExec::try_new(
        join.left().clone(),
        join.right().clone(),
        join.on().to_vec(),
        join.filter().cloned(),
        *join.join_type(),
        vec![SortOptions::default(); join.on().len()],
        join.null_equality(),
    )?);
    project(merge, join.projection.as_deref())
}

/// `plan`'s columns at `projection`, when there is one.
fn project(plan: Arc<dyn ExecutionPlan>, projection: Option<&[usize]>) -> Result<Arc<dyn ExecutionPlan>> {
    let Some(projection) = projection else { return Ok(plan) };
    let schema = plan.schema();
    let exprs = projection.iter().map(|&i| {
        let name = schema.field(i).name();
        ProjectionExpr::new(Arc::new(Column::new(name, i)), name.to_string())
    });
    Ok(Arc::new(ProjectionExec::try_new(exprs.collect::<Vec<_>>(), plan)?))
}

/// The size of a plan's output as Spark estimates it for broadcasts (see
/// [`super::size`]); `None` when unknown.
fn spark_estimate(plan: &Arc<dyn ExecutionPlan>) -> Option<usize> {
    super::size::spark_size(plan).map(|bytes| usize::try_from(bytes).unwrap_or(usize::MAX))
}

/// The estimated size of a plan's output in memory: its byte statistics,
/// else its row count times an estimated row width; `None` when neither is known.
pub fn estimated_bytes(plan: &dyn ExecutionPlan) -> Option<usize> {
    let stats = StatisticsContext::new().compute(plan, &StatisticsArgs::new()).ok()?;
    match (stats.total_byte_size, stats.num_rows) {
        (Precision::Exact(bytes) | Precision::Inexact(bytes), _) => Some(bytes),
        (_, Precision::Exact(rows) | Precision::Inexact(rows)) => rows.checked_mul(row_width(&plan.schema())),
        _ => None,
    }
}

/// Bytes per row: fixed-width types at their width, others at a guess.
fn row_width(schema: &Schema) -> usize {
    schema
        .fields()
        .iter()
        .map(|f| match f.data_type() {
            DataType::Boolean => 1,
            t => t.primitive_width().unwrap_or(VARIABLE_WIDTH),
        })
        .sum::<usize>()
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::Int64Array;
    use datafusion::arrow::datatypes::Field;
    use datafusion::arrow::record_batch::RecordBatch;
    use datafusion::physical_plan::test::TestMemoryExec;

    fn input(rows: usize) -> Arc<dyn ExecutionPlan> {
        let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Int64, true)]));
        let batch = RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from_iter_values(0..rows as i64))]).unwrap();
        TestMemoryExec::try_new_exec(&[vec![batch]], schema, None).unwrap()
    }

    fn hinted(plan: Arc<dyn ExecutionPlan>, strategy: JoinStrategyHint) -> Arc<dyn ExecutionPlan> {
        Arc::new(JoinHintExec::new(plan, strategy))
    }

    fn equi_join(left: Arc<dyn ExecutionPlan>, right: Arc<dyn ExecutionPlan>, join_type: JoinType) -> Arc<dyn ExecutionPlan> {
        let on: Vec<(PhysicalExprRef, PhysicalExprRef)> = vec![(Arc::new(Column::new("k", 0)), Arc::new(Column::new("k", 0)))];
        Arc::new(HashJoinExec::try_new(left, right, on, None, &join_type, None, PartitionMode::Auto, NullEquality::NullEqualsNothing, false).unwrap())
    }

    /// The Spark line of the join the rule plans, under `threshold`.
    fn planned(plan: Arc<dyn ExecutionPlan>, threshold: Option<&str>) -> String {
        let mut config = ConfigOptions::default();
        config.extensions.insert(JoinOptions { auto_broadcast_threshold: threshold.map(str::to_string) });
        let plan = JoinStrategies.optimize(plan, &config).unwrap();
        assert!(plan.is::<SparkJoinExec>(), "a planned join");
        datafusion::physical_plan::displayable(plan.as_ref()).one_line().to_string().trim_end().to_string()
    }

    #[test]
    fn small_sides_are_broadcast_where_the_join_type_allows() {
        assert!(planned(equi_join(input(10), input(100), JoinType::Inner), None).starts_with("BroadcastHashJoin [k], [k], Inner, BuildLeft"));
        assert!(planned(equi_join(input(100), input(10), JoinType::Left), None).contains("LeftOuter, BuildRight"));
        assert!(planned(equi_join(input(10), input(100), JoinType::Right), None).contains("RightOuter, BuildLeft"));
        // A full outer join broadcasts neither side: Spark sort-merges it (Ember hashes it).
        assert_eq!(planned(equi_join(input(10), input(10), JoinType::Full), None), "SortMergeJoin [k], [k], FullOuter");
        assert_eq!(planned(equi_join(input(10), input(10), JoinType::Inner), Some("-1")), "SortMergeJoin [k], [k], Inner");
    }

    #[test]
    fn hints_come_first() {
        let join = equi_join(input(10), hinted(input(1000), JoinStrategyHint::Broadcast), JoinType::Inner);
        assert!(planned(join, None).contains("Inner, BuildRight"));
        let join = equi_join(input(10), hinted(input(10), JoinStrategyHint::ShuffleMerge), JoinType::Inner);
        assert!(planned(join, None).starts_with("SortMergeJoin"));
        let join = equi_join(hinted(input(10), JoinStrategyHint::ShuffleHash), input(10), JoinType::Left);
        assert!(planned(join, None).starts_with("ShuffledHashJoin [k], [k], LeftOuter, BuildLeft"));
        // A left outer join cannot broadcast its left side: sizes decide.
        let join = equi_join(hinted(input(10), JoinStrategyHint::Broadcast), input(10), JoinType::Left);
        assert!(planned(join, None).contains("LeftOuter, BuildRight"));
    }

    #[test]
    fn default_sort_merge_joins_run_as_hash_joins() {
        let mut config = ConfigOptions::default();
        config.extensions.insert(JoinOptions { auto_broadcast_threshold: Some("-1".to_string()) });
        let plan = JoinStrategies.optimize(equi_join(input(10), input(100), JoinType::Inner), &config).unwrap();
        let join = plan.downcast_ref::<SparkJoinExec>().expect("a planned join");
        assert_eq!(join.strategy_name(), "SortMergeJoin");
        assert!(join.input().is::<HashJoinExec>() || join.input().children().iter().any(|c| c.is::<HashJoinExec>()));
        // Keys Spark cannot order make a shuffled hash join on Spark too.
        let map = DataType::Map(Arc::new(Field::new("entries", DataType::Struct(vec![Field::new("k", DataType::Int64, false), Field::new("v", DataType::Int64, true)].into()), false)), false);
        assert!(crate::generate::holds_map(&DataType::List(Arc::new(Field::new("item", map, true)))));
        assert!(!crate::generate::holds_map(&DataType::Int64));
    }

    #[test]
    fn replicate_hint_makes_an_equi_join_a_cartesian_product() {
        let join = equi_join(input(10), hinted(input(10), JoinStrategyHint::ShuffleReplicateNl), JoinType::Inner);
        assert_eq!(planned(join, None), "CartesianProduct (k = k)");
    }

    #[test]
    fn joins_without_keys() {
        let cross = || Arc::new(CrossJoinExec::new(input(10), input(10))) as Arc<dyn ExecutionPlan>;
        assert_eq!(planned(cross(), None), "BroadcastNestedLoopJoin BuildRight, Cross");
        assert_eq!(planned(cross(), Some("-1")), "CartesianProduct");
        let left = NestedLoopJoinExec::try_new(input(10), input(10), None, &JoinType::Left, None).unwrap();
        assert_eq!(planned(Arc::new(left), Some("-1")), "BroadcastNestedLoopJoin BuildRight, LeftOuter");
    }

    #[test]
    fn row_widths() {
        let schema = Schema::new(vec![
            Field::new("a", DataType::Int32, true),
            Field::new("b", DataType::Utf8View, true),
            Field::new("c", DataType::Boolean, true),
        ]);
        assert_eq!(row_width(&schema), 4 + VARIABLE_WIDTH + 1);
    }
}
