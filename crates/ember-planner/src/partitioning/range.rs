//! `spark.range(start, end, step, numPartitions)`: a source whose partitions
//! hold the contiguous slices Spark's `Range` gives each partition.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::array::{Int64Array, RecordBatch, RecordBatchOptions};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::Result;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::TableType;
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::Expr;
use datafusion::arrow::compute::SortOptions;
use datafusion::common::{ScalarValue, SplitPoint};
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_expr::{EquivalenceProperties, LexOrdering, PhysicalExpr, PhysicalSortExpr, RangePartitioning};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::common::stats::Precision;
use datafusion::physical_plan::statistics::StatisticsArgs;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties, Statistics};

/// Rows per generated batch.
const BATCH_ROWS: i128 = 8192;

/// The numbers `start, start + step, …` below `end` (above it for a negative
/// step), split into `partitions` slices as Spark splits them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SparkRange {
    /// The first value.
    pub start: i64,
    /// The exclusive bound.
    pub end: i64,
    /// The distance between values; never 0.
    pub step: i64,
    /// How many partitions the values are split into.
    pub partitions: usize,
}

impl SparkRange {
    /// How many values the range holds.
    pub fn len(&self) -> i128 {
        let (start, end, step) = (i128::from(self.start), i128::from(self.end), i128::from(self.step));
        let span = end - start;
        if span == 0 || (span > 0) != (step > 0) {
            return 0;
        }
        let whole = span / step;
        if span % step == 0 { whole } else { whole + 1 }
    }

    /// Whether the range holds no values.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The indexes (from 0) of the values in partition `partition`: Spark
    /// gives partition `i` of `n` the indexes from `i * len / n` to `(i + 1) * len / n`.
    pub fn slice(&self, partition: usize) -> std::ops::Range<i128> {
        let (len, n) = (self.len(), self.partitions.max(1) as i128);
        let index = partition as i128;
        (index * len / n)..((index + 1) * len / n)
    }

    /// The partitioning of `id` as Spark's `Range` declares it: partition `i`
    /// holds the values from partition `i`'s first value (inclusive) to the
    /// next partition's, ascending (descending for a negative step). So an
    /// aggregate, window or join keyed on `id` needs no shuffle, as in Spark.
    /// `None` where the boundaries are not strictly ordered (empty slices,
    /// values past the `i64` bounds).
    fn partitioning(&self) -> Option<Partitioning> {
        if self.partitions <= 1 || self.is_empty() {
            return None;
        }
        let (start, step) = (i128::from(self.start), i128::from(self.step));
        let split_points = (1..self.partitions)
            .map(|p| i64::try_from(start + self.slice(p).start * step).ok().map(|v| SplitPoint::new(vec![ScalarValue::Int64(Some(v))])))
            .collect::<Option<Vec<_>>>()?;
        let descending = self.step < 0;
        let options = SortOptions { descending, nulls_first: !descending };
        let ordering = LexOrdering::new([PhysicalSortExpr::new(Arc::new(Column::new("id", 0)), options)])?;
        RangePartitioning::try_new(ordering, split_points).ok().map(Partitioning::Range)
    }

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![Field::new("id", DataType::Int64, false)]))
    }
}

#[async_trait]
impl TableProvider for SparkRange {
    fn schema(&self) -> SchemaRef {
        SparkRange::schema()
    }

    fn table_type(&self) -> TableType {
        TableType::Temporary
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        _filters: &[Expr],
        _limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let with_id = projection.is_none_or(|p| p.contains(&0));
        Ok(Arc::new(SparkRangeExec::new(*self, with_id)))
    }
}

/// Generates a [`SparkRange`], one output partition per slice.
#[derive(Debug)]
pub struct SparkRangeExec {
    range: SparkRange,
    with_id: bool,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
}

impl SparkRangeExec {
    fn new(range: SparkRange, with_id: bool) -> Self {
        let schema = if with_id { SparkRange::schema() } else { Arc::new(Schema::empty()) };
        let partitioning = match with_id {
            true => range.partitioning(),
            false => None,
        };
        let properties = Arc::new(PlanProperties::new(
            EquivalenceProperties::new(schema.clone()),
            partitioning.unwrap_or(Partitioning::UnknownPartitioning(range.partitions.max(1))),
            EmissionType::Incremental,
            Boundedness::Bounded,
        ));
        SparkRangeExec { range, with_id, schema, properties }
    }

    fn batch(&self, indexes: std::ops::Range<i128>) -> Result<RecordBatch> {
        let rows = (indexes.end - indexes.start) as usize;
        if !self.with_id {
            let options = RecordBatchOptions::new().with_row_count(Some(rows));
            return Ok(RecordBatch::try_new_with_options(self.schema.clone(), vec![], &options)?);
        }
        let (start, step) = (i128::from(self.range.start), i128::from(self.range.step));
        // Values past the i64 bounds wrap as Spark's long arithmetic does.
        let values: Int64Array = indexes.map(|i| (start + i * step) as i64).collect::<Vec<_>>().into();
        Ok(RecordBatch::try_new(self.schema.clone(), vec![Arc::new(values)])?)
    }
}

impl DisplayAs for SparkRangeExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        let SparkRange { start, end, step, partitions } = self.range;
        write!(f, "Range ({start}, {end}, step={step}, splits={partitions})")
    }
}

impl ExecutionPlan for SparkRangeExec {
    fn name(&self) -> &str {
        "SparkRangeExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![]
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        if children.is_empty() { Ok(self) } else { Err(DataFusionError::Internal("a range has no inputs".into())) }
    }

    fn execute(&self, partition: usize, _context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let slice = self.range.slice(partition);
        let chunks: Vec<std::ops::Range<i128>> = (0..)
            .map(|c| (slice.start + c * BATCH_ROWS)..(slice.start + (c + 1) * BATCH_ROWS).min(slice.end))
            .take_while(|r| r.start < slice.end)
            .collect();
        let exec = SparkRangeExec::new(self.range, self.with_id);
        let batches = futures::stream::iter(chunks.into_iter().map(move |chunk| exec.batch(chunk)));
        // Generated batches are always ready: yield to the runtime now and
        // then so that a cancelled query stops.
        let stream = Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), batches));
        Ok(datafusion::physical_plan::coop::make_cooperative(stream))
    }

    /// Exact row counts, as Spark's `Range` knows them (its size estimates
    /// steer the choice of join strategies).
    fn statistics_from_inputs(&self, _input_stats: &[Arc<Statistics>], args: &StatisticsArgs) -> Result<Arc<Statistics>> {
        let rows = match args.partition() {
            Some(partition) => {
                let slice = self.range.slice(partition);
                slice.end - slice.start
            }
            None => self.range.len(),
        };
        let rows = usize::try_from(rows.max(0)).unwrap_or(usize::MAX);
        let mut statistics = Statistics::new_unknown(&self.schema);
        statistics.num_rows = Precision::Exact(rows);
        statistics.total_byte_size = Precision::Exact(rows.saturating_mul(8 * self.schema.fields().len()));
        Ok(Arc::new(statistics))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: i64, end: i64, step: i64, partitions: usize) -> SparkRange {
        SparkRange { start, end, step, partitions }
    }

    #[test]
    fn lengths_round_up_and_empty_ranges_are_empty() {
        assert_eq!(range(0, 10, 1, 1).len(), 10);
        assert_eq!(range(0, 10, 3, 1).len(), 4);
        assert_eq!(range(10, 0, -4, 1).len(), 3);
        assert!(range(10, 0, 1, 1).is_empty());
        assert_eq!(range(i64::MIN, i64::MAX, 1, 1).len(), u64::MAX as i128);
    }

    #[test]
    fn partitions_get_contiguous_slices_as_in_spark() {
        let r = range(0, 10, 1, 4);
        let slices: Vec<_> = (0..4).map(|p| r.slice(p)).collect();
        assert_eq!(slices, vec![0..2, 2..5, 5..7, 7..10]);
        assert_eq!(range(0, 2, 1, 4).slice(0), 0..0);
    }

    fn split_points(r: SparkRange) -> Option<Vec<i64>> {
        let Some(Partitioning::Range(range)) = r.partitioning() else { return None };
        Some(range.split_points().iter().map(|p| match p.values() {
            [ScalarValue::Int64(Some(v))] => *v,
            other => panic!("unexpected split point {other:?}"),
        }).collect())
    }

    #[test]
    fn partitioning_splits_at_each_partitions_first_value() {
        assert_eq!(split_points(range(0, 10, 1, 4)), Some(vec![2, 5, 7]));
        assert_eq!(split_points(range(10, 0, -2, 2)), Some(vec![6]));
        assert_eq!(split_points(range(0, 10, 1, 1)), None);
        // Two empty slices in a row give equal boundaries: no declared partitioning.
        assert_eq!(split_points(range(0, 1, 1, 3)), None);
    }
}
