//! Physical operators for Spark's partitioning: the shuffle of
//! `repartition`, the merge of `coalesce`, the columns that read a row's
//! partition, and the in-order concatenation Spark's `collect` implies.

use std::fmt;
use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, Int32Array, Int64Array, RecordBatch, RecordBatchOptions, UInt32Array};
use datafusion::arrow::compute::take_record_batch;
use datafusion::arrow::datatypes::{Field, Int32Type, Schema, SchemaRef};
use datafusion::arrow::row::{OwnedRow, RowConverter, SortField};
use datafusion::common::Result;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::{EquivalenceProperties, OrderingRequirements, PhysicalExpr, PhysicalSortExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::filter::FilterExec;
use datafusion::physical_plan::projection::ProjectionExec;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, Partitioning, PlanProperties};
use ember_functions::poisson_sampler::PoissonSampler;
use ember_functions::seeded_random::XorShiftRandom;
use futures::{StreamExt, TryStreamExt};
use tokio::sync::OnceCell;

use super::adaptive::AdaptiveCoalescing;
use super::coalesce::coalesced_groups;
use super::nodes::PartitionValueKind;
use super::read_ahead::read_ahead_in_order;
use super::round_robin::round_robin_start;
use super::unsafe_row::UnsafeRows;

fn properties(schema: SchemaRef, partitions: usize, emission: EmissionType) -> Arc<PlanProperties> {
    Arc::new(PlanProperties::new(
        EquivalenceProperties::new(schema),
        Partitioning::UnknownPartitioning(partitions.max(1)),
        emission,
        Boundedness::Bounded,
    ))
}

fn one_input(children: Vec<Arc<dyn ExecutionPlan>>, what: &str) -> Result<Arc<dyn ExecutionPlan>> {
    children.into_iter().next().ok_or_else(|| DataFusionError::Internal(format!("{what} needs its input")))
}

fn no_expressions() -> Result<TreeNodeRecursion> {
    Ok(TreeNodeRecursion::Continue)
}

/// How a [`ShuffleExec`] picks each row's output partition.
#[derive(Debug, Clone)]
pub enum Router {
    /// Dealt out in turn from Spark's start for each input partition, each
    /// input partition's rows first sorted as Spark sorts them when
    /// `sort_rows` (`spark.sql.execution.sortBeforeRepartition`).
    RoundRobin { sort_rows: bool },
    /// The value of this INT expression.
    Hash(Arc<dyn PhysicalExpr>),
    /// The range of the sort keys, between bounds chosen from all rows.
    Range(Vec<PhysicalSortExpr>),
    /// Contiguous slices of all rows in order, as Spark's `parallelize`
    /// cuts local rows: `min(rows, n)` of them.
    Slices,
}

type Buckets = std::result::Result<Arc<Vec<Vec<RecordBatch>>>, Arc<DataFusionError>>;

/// Reads all of its input and deals the rows to `partitions` outputs.
#[derive(Debug)]
pub struct ShuffleExec {
    input: Arc<dyn ExecutionPlan>,
    router: Router,
    partitions: usize,
    /// Whether it runs a `REBALANCE` hint (which Spark's plans name).
    rebalance: bool,
    /// How adaptive execution packs its partitions, when it does.
    adaptive: Option<AdaptiveCoalescing>,
    properties: Arc<PlanProperties>,
    buckets: Arc<OnceCell<Buckets>>,
}

impl ShuffleExec {
    /// A shuffle of `input` into `partitions` outputs.
    pub fn new(input: Arc<dyn ExecutionPlan>, router: Router, partitions: usize) -> Self {
        let properties = properties(input.schema(), partitions, EmissionType::Final);
        ShuffleExec { input, router, partitions: partitions.max(1), rebalance: false, adaptive: None, properties, buckets: Arc::new(OnceCell::new()) }
    }

    /// The shuffle with its partitions packed together by `adaptive`, as
    /// Spark's adaptive execution reads them: each packed group is one
    /// partition (the first ones), the partitions left over are empty.
    pub fn with_adaptive(mut self, adaptive: Option<AdaptiveCoalescing>) -> Self {
        self.adaptive = adaptive;
        self
    }

    /// The shuffle as a `REBALANCE` hint's when `rebalance`.
    pub fn with_rebalance(mut self, rebalance: bool) -> Self {
        self.rebalance = rebalance;
        self
    }

    /// Whether it runs a `REBALANCE` hint.
    pub fn is_rebalance(&self) -> bool {
        self.rebalance
    }

    /// How it picks each row's partition.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// How many partitions it deals the rows to.
    pub fn partitions(&self) -> usize {
        self.partitions
    }

    /// The rows of each output partition, shuffled once for all of them.
    fn buckets(&self, context: Arc<TaskContext>) -> impl Future<Output = Result<Arc<Vec<Vec<RecordBatch>>>>> + Send + 'static {
        let (input, router, n, buckets, adaptive) = (self.input.clone(), self.router.clone(), self.partitions, self.buckets.clone(), self.adaptive);
        async move {
            buckets
                .get_or_init(|| async move {
                    let shuffled = shuffle(input, context, &router, n).await;
                    shuffled.map(|buckets| Arc::new(packed(buckets, adaptive))).map_err(Arc::new)
                })
                .await
                .clone()
                .map_err(DataFusionError::Shared)
        }
    }

    /// Which output partitions received rows: those whose blocks Spark
    /// prefers to read on the host that wrote them. Local rows cut into
    /// slices have no such place.
    async fn located_partitions(&self, context: Arc<TaskContext>) -> Result<Vec<bool>> {
        if let Router::Slices = self.router {
            return Ok(vec![false; self.partitions]);
        }
        Ok(self.buckets(context).await?.iter().map(|batches| batches.iter().any(|b| b.num_rows() > 0)).collect())
    }
}

impl DisplayAs for ShuffleExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let n = self.partitions;
        match &self.router {
            Router::RoundRobin { .. } => write!(f, "Exchange RoundRobinPartitioning({n})"),
            Router::Slices => write!(f, "LocalTableScan slices({n})"),
            Router::Hash(expr) => write!(f, "Exchange HashPartitioning({expr}, {n})"),
            Router::Range(order) => {
                let keys: Vec<String> = order.iter().map(|s| s.to_string()).collect();
                write!(f, "Exchange RangePartitioning({}, {n})", keys.join(", "))
            }
        }
    }
}

impl ExecutionPlan for ShuffleExec {
    fn name(&self) -> &str {
        "ShuffleExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false]
    }

    fn apply_expressions(&self, f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        match &self.router {
            Router::Hash(expr) => f(expr),
            Router::Range(order) => {
                for sort in order {
                    if f(&sort.expr)? == TreeNodeRecursion::Stop {
                        return Ok(TreeNodeRecursion::Stop);
                    }
                }
                no_expressions()
            }
            Router::RoundRobin { .. } | Router::Slices => no_expressions(),
        }
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(Arc::new(ShuffleExec::new(one_input(children, "a shuffle")?, self.router.clone(), self.partitions).with_rebalance(self.rebalance).with_adaptive(self.adaptive)))
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let buckets = self.buckets(context);
        let output = futures::stream::once(async move {
            let batches: Vec<Result<RecordBatch>> = buckets.await?[partition].iter().cloned().map(Ok).collect();
            Ok::<_, DataFusionError>(futures::stream::iter(batches))
        })
        .try_flatten();
        Ok(Box::pin(RecordBatchStreamAdapter::new(self.schema(), output)))
    }
}

/// Reads every input partition and deals its rows to `n` buckets.
/// `buckets` packed into groups of neighbours as `adaptive` says (each
/// sized by its rows' `UnsafeRow` bytes), the same number of them, the
/// leftover ones empty.
fn packed(buckets: Vec<Vec<RecordBatch>>, adaptive: Option<AdaptiveCoalescing>) -> Vec<Vec<RecordBatch>> {
    let Some(adaptive) = adaptive else { return buckets };
    let sizes: Vec<u64> = buckets.iter().map(|batches| batches.iter().map(shuffled_bytes).sum()).collect();
    let groups = adaptive.groups(&sizes);
    let count = buckets.len();
    let mut buckets = buckets.into_iter();
    let mut packed: Vec<Vec<RecordBatch>> = groups.iter().map(|group| buckets.by_ref().take(group.len()).flatten().collect()).collect();
    packed.resize_with(count, Vec::new);
    packed
}

/// The bytes Spark's shuffle writes for `batch`: each row's `UnsafeRow`
/// after its 4-byte length, compressed in LZ4 blocks of 32 KB with a 21-byte
/// header each (Arrow's size for types Spark's row layout is not encoded for
/// here).
fn shuffled_bytes(batch: &RecordBatch) -> u64 {
    const BLOCK: usize = 32 << 10;
    const BLOCK_HEADER: usize = 21;
    let rows = batch.num_rows();
    let Some(encoded) = UnsafeRows::encode(batch.columns(), rows) else { return batch.get_array_memory_size() as u64 };
    let mut stream = Vec::with_capacity(encoded.total_bytes() + 4 * rows);
    for i in 0..rows {
        let row = encoded.row(i);
        stream.extend_from_slice(&(row.len() as i32).to_be_bytes());
        stream.extend_from_slice(row);
    }
    stream.chunks(BLOCK).map(|block| (BLOCK_HEADER + lz4_flex::block::compress(block).len()) as u64).sum()
}

async fn shuffle(input: Arc<dyn ExecutionPlan>, context: Arc<TaskContext>, router: &Router, n: usize) -> Result<Vec<Vec<RecordBatch>>> {
    let inputs = input.output_partitioning().partition_count();
    let reads = (0..inputs).map(|p| {
        let stream = input.execute(p, context.clone());
        async move { stream?.try_collect::<Vec<RecordBatch>>().await }
    });
    let mut partitions = futures::future::try_join_all(reads).await?;
    if let Router::RoundRobin { sort_rows: true } = router
        && n > 1
    {
        for batches in &mut partitions {
            *batches = sorted_as_spark(std::mem::take(batches), &input.schema())?;
        }
    }
    let bounds = match router {
        Router::Range(order) => Some(RangeBounds::new(order, &partitions, n)?),
        _ => None,
    };
    let total_rows: usize = partitions.iter().flatten().map(RecordBatch::num_rows).sum();
    let mut row_index = 0;
    let mut buckets = vec![Vec::new(); n];
    for (p, batches) in partitions.iter().enumerate() {
        let mut position = round_robin_start(p, n);
        for batch in batches.iter().filter(|b| b.num_rows() > 0) {
            let targets: Vec<usize> = match (router, &bounds) {
                (Router::RoundRobin { .. }, _) => (0..batch.num_rows())
                    .map(|_| {
                        position += 1;
                        position.rem_euclid(n as i64) as usize
                    })
                    .collect(),
                (Router::Hash(expr), _) => {
                    let values = expr.evaluate(batch)?.into_array(batch.num_rows())?;
                    values.as_primitive::<Int32Type>().iter().map(|v| v.unwrap_or(0).rem_euclid(n as i32) as usize).collect()
                }
                (Router::Range(_), Some(bounds)) => bounds.targets(batch)?,
                (Router::Slices, _) => (0..batch.num_rows())
                    .map(|_| {
                        row_index += 1;
                        slice_of(row_index - 1, total_rows, n)
                    })
                    .collect(),
                (Router::Range(_), None) => unreachable!("range bounds are computed above"),
            };
            let mut indexes = vec![Vec::new(); n];
            for (row, target) in targets.into_iter().enumerate() {
                indexes[target].push(row as u32);
            }
            for (bucket, rows) in buckets.iter_mut().zip(indexes) {
                if !rows.is_empty() {
                    bucket.push(take_rows(batch, rows)?);
                }
            }
        }
    }
    Ok(buckets)
}

/// The rows of `batch` at `rows`, also when it has no columns (only rows).
fn take_rows(batch: &RecordBatch, rows: Vec<u32>) -> Result<RecordBatch> {
    if batch.num_columns() == 0 {
        let options = RecordBatchOptions::new().with_row_count(Some(rows.len()));
        return Ok(RecordBatch::try_new_with_options(batch.schema(), vec![], &options)?);
    }
    Ok(take_record_batch(batch, &UInt32Array::from(rows))?)
}

/// An input partition's rows in the order Spark's round-robin exchange
/// sorts them (see [`UnsafeRows`]); as they are when a column's type has no
/// `UnsafeRow` encoding here, and when there are no columns (all rows are
/// then alike).
fn sorted_as_spark(batches: Vec<RecordBatch>, schema: &SchemaRef) -> Result<Vec<RecordBatch>> {
    if schema.fields().is_empty() {
        return Ok(batches);
    }
    let all = datafusion::arrow::compute::concat_batches(schema, &batches)?;
    let Some(rows) = UnsafeRows::encode(all.columns(), all.num_rows()) else {
        return Ok(batches);
    };
    Ok(vec![take_record_batch(&all, &UInt32Array::from(rows.sorted_order()))?])
}

/// The slice holding row `index` of `rows` when Spark's `parallelize` cuts
/// them into `min(rows, n)` slices, slice `j` ending before row
/// `(j + 1) * rows / slices`.
fn slice_of(index: usize, rows: usize, n: usize) -> usize {
    let slices = rows.min(n).max(1);
    (0..slices).find(|&j| index < (j + 1) * rows / slices).unwrap_or(slices - 1)
}

/// The upper bounds of all but the last range partition, chosen as Spark's
/// range partitioner chooses them from a sample holding every row.
struct RangeBounds {
    order: Vec<PhysicalSortExpr>,
    converter: RowConverter,
    bounds: Vec<OwnedRow>,
}

impl RangeBounds {
    fn new(order: &[PhysicalSortExpr], partitions: &[Vec<RecordBatch>], n: usize) -> Result<Self> {
        let fields = order
            .iter()
            .map(|s| {
                let schema = partitions.iter().flatten().next().map(|b| b.schema()).unwrap_or_else(|| Arc::new(Schema::empty()));
                Ok(SortField::new_with_options(s.expr.data_type(&schema)?, s.options))
            })
            .collect::<Result<Vec<_>>>()?;
        let mut ranged = RangeBounds { order: order.to_vec(), converter: RowConverter::new(fields)?, bounds: Vec::new() };
        let mut keys: Vec<OwnedRow> = Vec::new();
        for batch in partitions.iter().flatten() {
            let rows = ranged.converter.convert_columns(&ranged.keys(batch)?)?;
            keys.extend(rows.iter().map(|r| r.owned()));
        }
        keys.sort();
        let step = keys.len() as f64 / n as f64;
        let (mut cumulative, mut target) = (0.0, step);
        for key in keys {
            if ranged.bounds.len() + 1 >= n {
                break;
            }
            cumulative += 1.0;
            if cumulative >= target && ranged.bounds.last().is_none_or(|last| key > *last) {
                ranged.bounds.push(key);
                target += step;
            }
        }
        Ok(ranged)
    }

    fn keys(&self, batch: &RecordBatch) -> Result<Vec<ArrayRef>> {
        self.order.iter().map(|s| s.expr.evaluate(batch)?.into_array(batch.num_rows())).collect()
    }

    /// Each row's partition: the first bound not below its key.
    fn targets(&self, batch: &RecordBatch) -> Result<Vec<usize>> {
        let rows = self.converter.convert_columns(&self.keys(batch)?)?;
        Ok(rows.iter().map(|row| self.bounds.iter().take_while(|b| row > b.row()).count()).collect())
    }
}

/// `coalesce(n)`: each output partition reads a group of input partitions,
/// one after the other, grouped as Spark groups them
/// ([`coalesced_groups`]): neighbouring ones, or after a shuffle (perhaps
/// projected or filtered) by where the shuffle's blocks are.
#[derive(Debug)]
pub struct CoalesceExec {
    input: Arc<dyn ExecutionPlan>,
    /// The number of partitions asked for, as Spark prints it.
    requested: usize,
    /// The number made: no more than the input has.
    partitions: usize,
    properties: Arc<PlanProperties>,
    /// The shuffle whose partitions the input's are.
    shuffle: Option<Arc<dyn ExecutionPlan>>,
}

impl CoalesceExec {
    /// Merges `input`'s partitions into `requested` ones (the input's
    /// partitions as they are when it has no more).
    pub fn new(input: Arc<dyn ExecutionPlan>, requested: usize) -> Self {
        let partitions = requested.clamp(1, input.output_partitioning().partition_count().max(1));
        let properties = properties(input.schema(), partitions, EmissionType::Incremental);
        let shuffle = shuffle_below(&input);
        CoalesceExec { input, requested, partitions, properties, shuffle }
    }
}

/// The shuffle `plan` reads partition by partition, through operators that
/// keep each partition's rows in their partition.
fn shuffle_below(plan: &Arc<dyn ExecutionPlan>) -> Option<Arc<dyn ExecutionPlan>> {
    if plan.is::<ShuffleExec>() {
        return Some(plan.clone());
    }
    let narrow = plan.is::<ProjectionExec>() || plan.is::<FilterExec>() || plan.is::<PartitionValueExec>() || plan.is::<PartitionSortExec>();
    match plan.children().as_slice() {
        [child] if narrow => shuffle_below(child),
        _ => None,
    }
}

impl DisplayAs for CoalesceExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "Coalesce {}", self.requested)
    }
}

impl ExecutionPlan for CoalesceExec {
    fn name(&self) -> &str {
        "CoalesceExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false]
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        no_expressions()
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(Arc::new(CoalesceExec::new(one_input(children, "a coalesce")?, self.requested)))
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let (input, n, shuffle) = (self.input.clone(), self.partitions, self.shuffle.clone());
        let inputs = input.output_partitioning().partition_count();
        let schema = input.schema();
        let output = futures::stream::once(async move {
            let located = match shuffle.as_ref().and_then(|s| s.downcast_ref::<ShuffleExec>()) {
                Some(shuffle) => shuffle.located_partitions(context.clone()).await?,
                None => vec![false; inputs],
            };
            let group = coalesced_groups(&located, n).swap_remove(partition);
            Ok::<_, DataFusionError>(concatenated(input, group, context))
        })
        .try_flatten();
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, output)))
    }
}

/// The input partitions `inputs`, each read to its end before the next.
fn concatenated(input: Arc<dyn ExecutionPlan>, inputs: Vec<usize>, context: Arc<TaskContext>) -> SendableRecordBatchStream {
    let schema = input.schema();
    let streams = futures::stream::iter(inputs.into_iter().map(move |p| input.execute(p, context.clone())));
    Box::pin(RecordBatchStreamAdapter::new(schema, streams.try_flatten()))
}

/// All of its input's partitions as one, in partition order (all of them
/// running at once): the order in
/// which Spark returns the rows of a multi-partition result.
#[derive(Debug)]
pub struct OrderedConcatExec {
    input: Arc<dyn ExecutionPlan>,
    properties: Arc<PlanProperties>,
}

impl OrderedConcatExec {
    /// `input`'s partitions, concatenated.
    pub fn new(input: Arc<dyn ExecutionPlan>) -> Self {
        let properties = properties(input.schema(), 1, EmissionType::Incremental);
        OrderedConcatExec { input, properties }
    }

    /// The partitions concatenated.
    pub fn input(&self) -> &Arc<dyn ExecutionPlan> {
        &self.input
    }
}

impl DisplayAs for OrderedConcatExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "OrderedConcatExec")
    }
}

impl ExecutionPlan for OrderedConcatExec {
    fn name(&self) -> &str {
        "OrderedConcatExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false]
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        no_expressions()
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(Arc::new(OrderedConcatExec::new(one_input(children, "a concatenation")?)))
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        if partition != 0 {
            return Err(DataFusionError::Internal(format!("a concatenation has one partition, not {partition}")));
        }
        Ok(read_ahead_in_order(self.input.clone(), context))
    }
}

/// A partition's generator of seeded values.
enum Generator {
    Unseeded,
    Draws(XorShiftRandom),
    Counts(PoissonSampler),
}

/// Appends each row's partition id, monotonically increasing id or seeded draw.
#[derive(Debug)]
pub struct PartitionValueExec {
    input: Arc<dyn ExecutionPlan>,
    kind: PartitionValueKind,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
    /// The order of the input's rows that the values are counted or drawn
    /// in (kept, so a sort below stays there).
    counted_in: Option<OrderingRequirements>,
}

impl PartitionValueExec {
    /// `input` with one more column, `name`, of `kind`.
    pub fn new(input: Arc<dyn ExecutionPlan>, kind: PartitionValueKind, name: &str) -> Self {
        let mut fields: Vec<Arc<Field>> = input.schema().fields().iter().cloned().collect();
        fields.push(Arc::new(Field::new(name, kind.data_type(), false)));
        let schema = Arc::new(Schema::new(fields));
        // The rows keep their order (and the input's columns their indexes).
        let orderings: Vec<_> = input.equivalence_properties().oeq_class().iter().cloned().collect();
        let properties = Arc::new(PlanProperties::new(
            EquivalenceProperties::new_with_orderings(schema.clone(), orderings),
            Partitioning::UnknownPartitioning(input.output_partitioning().partition_count().max(1)),
            EmissionType::Incremental,
            Boundedness::Bounded,
        ));
        let counted_in = (kind != PartitionValueKind::PartitionId).then(|| input.output_ordering().cloned().map(OrderingRequirements::from)).flatten();
        PartitionValueExec { input, kind, schema, properties, counted_in }
    }
}

impl DisplayAs for PartitionValueExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let name = self.schema.fields().last().map(|f| f.name().as_str()).unwrap_or_default();
        write!(f, "PartitionValueExec: {:?} AS {name}", self.kind)
    }
}

impl ExecutionPlan for PartitionValueExec {
    fn name(&self) -> &str {
        "PartitionValueExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    /// The rows keep their order, but values counted or drawn row by row
    /// depend on it: declaring the order kept would let a sort above be
    /// pushed below (and change them), so only a partition id declares it.
    fn maintains_input_order(&self) -> Vec<bool> {
        vec![self.kind == PartitionValueKind::PartitionId]
    }

    fn required_input_ordering(&self) -> Vec<Option<OrderingRequirements>> {
        vec![self.counted_in.clone()]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false]
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        no_expressions()
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let name = self.schema.fields().last().map(|f| f.name().clone()).unwrap_or_default();
        Ok(Arc::new(PartitionValueExec::new(one_input(children, "a partition value")?, self.kind, &name)))
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let (schema, kind) = (self.schema.clone(), self.kind);
        let mut position: i64 = 0;
        let partition_seed = |seed: i64| seed.wrapping_add(partition as i64);
        let mut generator = match kind {
            PartitionValueKind::SeededDraw(seed, _) => Generator::Draws(XorShiftRandom::new(partition_seed(seed))),
            PartitionValueKind::PoissonCount { seed, mean_bits } => {
                Generator::Counts(PoissonSampler::new(f64::from_bits(mean_bits), seed, partition))
            }
            _ => Generator::Unseeded,
        };
        let output = self.input.execute(partition, context)?.map(move |batch| {
            let batch = batch?;
            let rows = batch.num_rows();
            let value: ArrayRef = match (kind, &mut generator) {
                (PartitionValueKind::SeededDraw(_, draw), Generator::Draws(draws)) => draws.draw_array(draw, rows),
                (_, Generator::Counts(counts)) => Arc::new(Int64Array::from_iter_values((0..rows).map(|_| counts.next_count()))),
                (PartitionValueKind::MonotonicId, _) => {
                    let first = ((partition as i64) << 33) + position;
                    Arc::new(Int64Array::from_iter_values(first..first + rows as i64))
                }
                _ => Arc::new(Int32Array::from(vec![partition as i32; rows])),
            };
            position += rows as i64;
            let mut columns = batch.columns().to_vec();
            columns.push(value);
            Ok(RecordBatch::try_new(schema.clone(), columns)?)
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), output)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::DataType;
    use datafusion::physical_expr::expressions::col;
    use datafusion::datasource::memory::MemorySourceConfig;

    #[test]
    fn local_rows_are_sliced_as_spark_parallelizes_them() {
        let slices = |rows: usize, n: usize| (0..rows).map(|i| slice_of(i, rows, n)).collect::<Vec<_>>();
        assert_eq!(slices(5, 2), [0, 0, 1, 1, 1]);
        assert_eq!(slices(2, 2), [0, 1]);
        assert_eq!(slices(1, 2), [0]);
        assert_eq!(slices(7, 3), [0, 0, 1, 1, 2, 2, 2]);
    }

    fn batch(values: Vec<i64>) -> RecordBatch {
        RecordBatch::try_from_iter([("a", Arc::new(Int64Array::from(values)) as ArrayRef)]).unwrap()
    }

    #[test]
    fn range_bounds_split_sorted_keys_evenly_and_skip_duplicates() {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, false)]));
        let order = vec![PhysicalSortExpr::new_default(col("a", &schema).unwrap())];
        let input = vec![vec![batch(vec![5, 1, 9, 3, 7, 2])], vec![batch(vec![8, 4, 6, 10])]];
        let bounds = RangeBounds::new(&order, &input, 3).unwrap();
        let targets = bounds.targets(&batch((1..=10).collect())).unwrap();
        assert_eq!(targets, vec![0, 0, 0, 0, 1, 1, 1, 2, 2, 2]);
        let same = vec![vec![batch(vec![1, 1, 1, 1])]];
        assert_eq!(RangeBounds::new(&order, &same, 2).unwrap().targets(&batch(vec![1, 2])).unwrap(), vec![0, 1]);
    }

    /// Spark 4.3's placement of `spark.range(0, 20, 1, 2).repartition(3)`,
    /// with and without `spark.sql.execution.sortBeforeRepartition`.
    #[tokio::test]
    async fn round_robin_sorts_each_input_partition_as_spark() {
        let schema = batch(vec![]).schema();
        let input = [vec![batch((0..10).collect())], vec![batch((10..20).collect())]];
        let memory = MemorySourceConfig::try_new_exec(&input, schema, None).unwrap();
        let placed = |sort_rows: bool| {
            let memory = memory.clone();
            async move {
                let buckets = shuffle(memory, Arc::new(TaskContext::default()), &Router::RoundRobin { sort_rows }, 3).await.unwrap();
                buckets
                    .iter()
                    .map(|b| b.iter().flat_map(|b| b.column(0).as_primitive::<datafusion::arrow::datatypes::Int64Type>().values().to_vec()).collect())
                    .collect::<Vec<Vec<i64>>>()
            }
        };
        assert_eq!(placed(true).await, vec![vec![3, 5, 2, 1, 14, 10, 12], vec![7, 6, 9, 19, 13, 16, 17], vec![0, 8, 4, 11, 15, 18]]);
        assert_eq!(placed(false).await[0], vec![0, 3, 6, 9, 12, 15, 18]);
    }

    #[tokio::test]
    async fn monotonic_ids_count_rows_within_each_partition() {
        let schema = batch(vec![]).schema();
        let memory = MemorySourceConfig::try_new_exec(&[vec![batch(vec![1, 2])], vec![batch(vec![3])]], schema, None).unwrap();
        let exec = PartitionValueExec::new(memory, PartitionValueKind::MonotonicId, "id");
        let ctx = Arc::new(TaskContext::default());
        let second: Vec<RecordBatch> = exec.execute(1, ctx.clone()).unwrap().try_collect().await.unwrap();
        assert_eq!(second[0].column(1).as_primitive::<datafusion::arrow::datatypes::Int64Type>().value(0), 1 << 33);
        let concat = OrderedConcatExec::new(Arc::new(exec));
        let all: Vec<RecordBatch> = concat.execute(0, ctx).unwrap().try_collect().await.unwrap();
        let ids: Vec<i64> = all.iter().flat_map(|b| b.column(1).as_primitive::<datafusion::arrow::datatypes::Int64Type>().values().to_vec()).collect();
        assert_eq!(ids, vec![0, 1, 1 << 33]);
    }
}

/// `sortWithinPartitions`: sorts each partition on its own. Its own
/// operator, because DataFusion drops sorts that no parent asks for.
#[derive(Debug)]
pub struct PartitionSortExec {
    input: Arc<dyn ExecutionPlan>,
    order: Vec<PhysicalSortExpr>,
    properties: Arc<PlanProperties>,
}

impl PartitionSortExec {
    /// Sorts each partition of `input` by `order`.
    pub fn new(input: Arc<dyn ExecutionPlan>, order: Vec<PhysicalSortExpr>) -> Self {
        let properties = properties(input.schema(), input.output_partitioning().partition_count(), EmissionType::Final);
        PartitionSortExec { input, order, properties }
    }

    /// The order each partition is sorted by.
    pub fn order(&self) -> &[PhysicalSortExpr] {
        &self.order
    }
}

impl DisplayAs for PartitionSortExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let keys: Vec<String> = self.order.iter().map(|s| s.to_string()).collect();
        write!(f, "Sort [{}], false", keys.join(", "))
    }
}

impl ExecutionPlan for PartitionSortExec {
    fn name(&self) -> &str {
        "PartitionSortExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![false]
    }

    fn apply_expressions(&self, f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        for sort in &self.order {
            if f(&sort.expr)? == TreeNodeRecursion::Stop {
                return Ok(TreeNodeRecursion::Stop);
            }
        }
        no_expressions()
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(Arc::new(PartitionSortExec::new(one_input(children, "a sort")?, self.order.clone())))
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let (input, order, schema) = (self.input.execute(partition, context)?, self.order.clone(), self.schema());
        let sorted_schema = schema.clone();
        let output = futures::stream::once(async move {
            let batches: Vec<RecordBatch> = input.try_collect().await?;
            let all = datafusion::arrow::compute::concat_batches(&sorted_schema, &batches)?;
            let columns = order
                .iter()
                .map(|s| {
                    let values = s.expr.evaluate(&all)?.into_array(all.num_rows())?;
                    Ok(datafusion::arrow::compute::SortColumn { values, options: Some(s.options) })
                })
                .collect::<Result<Vec<_>>>()?;
            let indexes = datafusion::arrow::compute::lexsort_to_indices(&columns, None)?;
            Ok(take_record_batch(&all, &indexes)?)
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, output)))
    }
}
