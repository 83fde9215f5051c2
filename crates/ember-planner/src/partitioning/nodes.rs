//! Logical plan nodes that give rows Spark's partitions, and that read a
//! row's partition (`spark_partition_id()`, `monotonically_increasing_id()`).

use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::{DFSchema, DFSchemaRef, Result};
use datafusion::error::DataFusionError;
use datafusion::logical_expr::{Expr, Extension, LogicalPlan, SortExpr, UserDefinedLogicalNodeCore};
use ember_functions::seeded_random::Draw;

use super::adaptive::AdaptiveCoalescing;

/// How a [`SparkRepartition`] assigns rows to its partitions.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RepartitionScheme {
    /// `repartition(n)`: each input partition deals its rows out in turn,
    /// from a start that Spark derives from the input partition's index;
    /// first sorted by their `UnsafeRow` hash and bytes when `sort_rows`
    /// (`spark.sql.execution.sortBeforeRepartition`).
    RoundRobin { sort_rows: bool },
    /// `repartition(n, cols)`: this INT expression (Spark's
    /// `pmod(hash(cols), n)`) names each row's partition.
    Hash(Expr),
    /// `repartitionByRange(n, cols)`: ranges of the sort keys, bounded as
    /// Spark's range partitioner bounds them.
    Range(Vec<SortExpr>),
    /// `coalesce(n)`: neighbouring input partitions merged without a shuffle.
    Coalesce,
    /// Local rows as Spark reads them (`parallelize`): in order, split into
    /// `min(rows, n)` contiguous slices.
    Slices,
}

/// Spark's `REBALANCE` hint (`RebalancePartitions`), which Ember runs as the
/// repartition it asks for (Spark then evens the partitions out adaptively).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rebalance {
    /// Whether the hint gave the number of partitions.
    pub numbered: bool,
}

/// Gives its input's rows `partitions` partitions by `scheme`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SparkRepartition {
    /// The rows to repartition.
    pub input: LogicalPlan,
    /// How rows are assigned.
    pub scheme: RepartitionScheme,
    /// The number of output partitions (at most, for a coalesce).
    pub partitions: usize,
    /// Set when the repartition is a `REBALANCE` hint's.
    pub rebalance: Option<Rebalance>,
    /// Set when Spark's adaptive execution may pack its partitions
    /// together (a repartition without a number of partitions).
    pub adaptive: Option<AdaptiveCoalescing>,
}

impl SparkRepartition {
    /// The node as a logical plan.
    pub fn plan(input: LogicalPlan, scheme: RepartitionScheme, partitions: usize) -> LogicalPlan {
        Self::node(SparkRepartition { input, scheme, partitions: partitions.max(1), rebalance: None, adaptive: None })
    }

    /// A repartition into `spark.sql.shuffle.partitions` whose partitions
    /// adaptive execution packs as `adaptive` says, as a logical plan.
    pub fn adaptive(input: LogicalPlan, scheme: RepartitionScheme, partitions: usize, adaptive: Option<AdaptiveCoalescing>) -> LogicalPlan {
        Self::node(SparkRepartition { input, scheme, partitions: partitions.max(1), rebalance: None, adaptive })
    }

    /// A `REBALANCE` hint's repartition as a logical plan.
    pub fn rebalance(input: LogicalPlan, scheme: RepartitionScheme, partitions: usize, rebalance: Rebalance, adaptive: Option<AdaptiveCoalescing>) -> LogicalPlan {
        Self::node(SparkRepartition { input, scheme, partitions: partitions.max(1), rebalance: Some(rebalance), adaptive })
    }

    fn node(repartition: SparkRepartition) -> LogicalPlan {
        LogicalPlan::Extension(Extension { node: Arc::new(repartition) })
    }
}

impl PartialOrd for SparkRepartition {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        (self == other).then_some(Ordering::Equal)
    }
}

impl UserDefinedLogicalNodeCore for SparkRepartition {
    fn name(&self) -> &str {
        "SparkRepartition"
    }

    fn inputs(&self) -> Vec<&LogicalPlan> {
        vec![&self.input]
    }

    fn schema(&self) -> &DFSchemaRef {
        self.input.schema()
    }

    fn expressions(&self) -> Vec<Expr> {
        match &self.scheme {
            RepartitionScheme::Hash(expr) => vec![expr.clone()],
            RepartitionScheme::Range(order) => order.iter().map(|s| s.expr.clone()).collect(),
            RepartitionScheme::RoundRobin { .. } | RepartitionScheme::Coalesce | RepartitionScheme::Slices => vec![],
        }
    }

    fn fmt_for_explain(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let n = self.partitions;
        match &self.scheme {
            RepartitionScheme::RoundRobin { .. } => write!(f, "Repartition: RoundRobinPartitioning({n})"),
            RepartitionScheme::Hash(expr) => write!(f, "Repartition: HashPartitioning({expr}, {n})"),
            RepartitionScheme::Range(order) => {
                let keys: Vec<String> = order.iter().map(|s| s.to_string()).collect();
                write!(f, "Repartition: RangePartitioning({}, {n})", keys.join(", "))
            }
            RepartitionScheme::Coalesce => write!(f, "Repartition: Coalesce({n})"),
            RepartitionScheme::Slices => write!(f, "Repartition: LocalSlices({n})"),
        }
    }

    fn with_exprs_and_inputs(&self, exprs: Vec<Expr>, mut inputs: Vec<LogicalPlan>) -> Result<Self> {
        let input = inputs.pop().ok_or_else(|| DataFusionError::Internal("a repartition needs its input".into()))?;
        let scheme = match &self.scheme {
            RepartitionScheme::Hash(_) => {
                RepartitionScheme::Hash(exprs.into_iter().next().ok_or_else(|| DataFusionError::Internal("hash key missing".into()))?)
            }
            RepartitionScheme::Range(order) => RepartitionScheme::Range(
                order.iter().zip(exprs).map(|(s, expr)| SortExpr::new(expr, s.asc, s.nulls_first)).collect(),
            ),
            other => other.clone(),
        };
        Ok(SparkRepartition { input, scheme, partitions: self.partitions, rebalance: self.rebalance, adaptive: self.adaptive })
    }

    /// Spark pushes deterministic filters below a repartition, and folds
    /// them into local rows before it cuts them into slices.
    fn prevent_predicate_push_down_columns(&self) -> HashSet<String> {
        HashSet::new()
    }

    /// Spark prunes the columns no parent reads below a repartition, and a
    /// round-robin repartition sorts the rows it is given: only the columns
    /// the parents need (and the partitioning keys, which DataFusion adds).
    fn necessary_children_exprs(&self, output_columns: &[usize]) -> Option<Vec<Vec<usize>>> {
        Some(vec![output_columns.to_vec()])
    }
}

/// What a [`PartitionValue`] node appends to each row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd)]
pub enum PartitionValueKind {
    /// The row's partition index, an INT.
    PartitionId,
    /// The partition index shifted left by 33 bits plus the row's position
    /// in its partition, a BIGINT.
    MonotonicId,
    /// The row's draw from Spark's `XORShiftRandom` seeded with this seed
    /// plus the partition index, one draw per row in order (Spark's
    /// `rand(seed)`, `randn(seed)`, `randstr` and sampling cells).
    SeededDraw(i64, Draw),
    /// The row's count (a BIGINT) in Spark's sample with replacement: a
    /// Poisson draw of this mean (as `f64` bits) from commons-math's
    /// generator, seeded per partition from this seed as Spark does.
    PoissonCount { seed: i64, mean_bits: u64 },
}

impl PartitionValueKind {
    /// The appended column's type.
    pub fn data_type(self) -> DataType {
        match self {
            PartitionValueKind::PartitionId => DataType::Int32,
            PartitionValueKind::MonotonicId | PartitionValueKind::PoissonCount { .. } => DataType::Int64,
            PartitionValueKind::SeededDraw(_, draw) => draw.data_type(),
        }
    }
}

/// Its input's rows with one more column, named `name`, of `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PartitionValue {
    /// The rows.
    pub input: LogicalPlan,
    /// What the appended column holds.
    pub kind: PartitionValueKind,
    /// The appended column's (internal) name.
    pub name: String,
    schema: DFSchemaRef,
}

impl PartitionValue {
    /// The node as a logical plan.
    pub fn plan(input: LogicalPlan, kind: PartitionValueKind, name: String) -> Result<LogicalPlan> {
        let schema = output_schema(&input, kind, &name)?;
        Ok(LogicalPlan::Extension(Extension { node: Arc::new(PartitionValue { input, kind, name, schema }) }))
    }
}

fn output_schema(input: &LogicalPlan, kind: PartitionValueKind, name: &str) -> Result<DFSchemaRef> {
    let appended = DFSchema::from_unqualified_fields(vec![Field::new(name, kind.data_type(), false)].into(), Default::default())?;
    let mut schema = input.schema().as_ref().clone();
    schema.merge(&appended);
    Ok(Arc::new(schema))
}

impl PartialOrd for PartitionValue {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        (self == other).then_some(Ordering::Equal)
    }
}

impl UserDefinedLogicalNodeCore for PartitionValue {
    fn name(&self) -> &str {
        "PartitionValue"
    }

    fn inputs(&self) -> Vec<&LogicalPlan> {
        vec![&self.input]
    }

    fn schema(&self) -> &DFSchemaRef {
        &self.schema
    }

    fn expressions(&self) -> Vec<Expr> {
        vec![]
    }

    fn fmt_for_explain(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "PartitionValue: {:?} AS {}", self.kind, self.name)
    }

    fn with_exprs_and_inputs(&self, _exprs: Vec<Expr>, mut inputs: Vec<LogicalPlan>) -> Result<Self> {
        let input = inputs.pop().ok_or_else(|| DataFusionError::Internal("a partition value needs its input".into()))?;
        let schema = output_schema(&input, self.kind, &self.name)?;
        Ok(PartitionValue { input, kind: self.kind, name: self.name.clone(), schema })
    }

    /// The input columns among `output_columns` (all but the appended one).
    fn necessary_children_exprs(&self, output_columns: &[usize]) -> Option<Vec<Vec<usize>>> {
        let width = self.input.schema().fields().len();
        Some(vec![output_columns.iter().copied().filter(|&i| i < width).collect()])
    }
}

/// `sortWithinPartitions`: each partition's rows sorted on their own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SortWithinPartitions {
    /// The rows.
    pub input: LogicalPlan,
    /// The sort keys.
    pub order: Vec<SortExpr>,
}

impl SortWithinPartitions {
    /// The node as a logical plan.
    pub fn plan(input: LogicalPlan, order: Vec<SortExpr>) -> LogicalPlan {
        LogicalPlan::Extension(Extension { node: Arc::new(SortWithinPartitions { input, order }) })
    }
}

impl PartialOrd for SortWithinPartitions {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        (self == other).then_some(Ordering::Equal)
    }
}

impl UserDefinedLogicalNodeCore for SortWithinPartitions {
    fn name(&self) -> &str {
        "SortWithinPartitions"
    }

    fn inputs(&self) -> Vec<&LogicalPlan> {
        vec![&self.input]
    }

    fn schema(&self) -> &DFSchemaRef {
        self.input.schema()
    }

    fn expressions(&self) -> Vec<Expr> {
        self.order.iter().map(|s| s.expr.clone()).collect()
    }

    fn fmt_for_explain(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let keys: Vec<String> = self.order.iter().map(|s| s.to_string()).collect();
        write!(f, "SortWithinPartitions: {}", keys.join(", "))
    }

    fn with_exprs_and_inputs(&self, exprs: Vec<Expr>, mut inputs: Vec<LogicalPlan>) -> Result<Self> {
        let input = inputs.pop().ok_or_else(|| DataFusionError::Internal("a sort needs its input".into()))?;
        let order = self.order.iter().zip(exprs).map(|(s, expr)| SortExpr::new(expr, s.asc, s.nulls_first)).collect();
        Ok(SortWithinPartitions { input, order })
    }

    /// The columns its parents need (DataFusion adds the sort keys).
    fn necessary_children_exprs(&self, output_columns: &[usize]) -> Option<Vec<Vec<usize>>> {
        Some(vec![output_columns.to_vec()])
    }
}
