//! Under a memory limit, the batches a sort buffers have their string and
//! binary views compacted first.
//!
//! A view array (`Utf8View`, what Parquet strings are read as) produced by a
//! filter, a repartition or a join's `take` keeps the data buffers of its
//! source: a join's output rows taken from its build side view the buffers
//! of the whole build side. DataFusion's sort reserves memory by the size of
//! the buffers a batch holds, so each such batch was counted as if it held
//! the whole build side, and its sorted output once more per output batch:
//! at TPC-H Q21 under a 300 MB limit, a batch of a few hundred kB was
//! counted at 16 MB, more than the sort's part of the pool, and the query
//! failed with "Not enough memory to continue external sort" instead of
//! spilling. Copying the viewed bytes into buffers of their own makes the
//! sort's estimates (and what its buffered batches keep alive) match the
//! data. Batches longer than the session's batch size are cut to it first:
//! the sort cuts its sorted output to that size, and each piece taken from
//! one long batch views all of its buffers (at TPC-H Q21 at SF10 under
//! 2 GiB, a join's output batch sorted into pieces counted at 250 MB).

use std::fmt;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode, TreeNodeRecursion};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::execution_plan::replace_children_if_necessary;
use datafusion::physical_plan::sorts::sort::SortExec;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, PlanProperties};
use futures::StreamExt;

/// A view array is compacted when its data buffers are more than this many
/// times the bytes its views use.
const SPARSE_FACTOR: usize = 2;
/// Buffers up to this size are left alone: copying them gains little.
const SMALL_BUFFERS: usize = 64 << 10;

/// Passes its input's batches on, cut to the session's batch size, with
/// sparse view arrays compacted.
#[derive(Debug)]
pub struct CompactViewsExec {
    input: Arc<dyn ExecutionPlan>,
}

impl CompactViewsExec {
    /// Compacts the view arrays of `input`'s batches.
    pub fn new(input: Arc<dyn ExecutionPlan>) -> Self {
        CompactViewsExec { input }
    }
}

impl DisplayAs for CompactViewsExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "CompactViewsExec")
    }
}

impl ExecutionPlan for CompactViewsExec {
    fn name(&self) -> &str {
        "CompactViewsExec"
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

    fn apply_expressions(&self, _: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        match (children.pop(), children.is_empty()) {
            (Some(input), true) => Ok(Arc::new(CompactViewsExec::new(input))),
            _ => datafusion::common::internal_err!("CompactViewsExec takes one input"),
        }
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let batch_size = context.session_config().batch_size().max(1);
        let input = self.input.execute(partition, context)?;
        let schema = input.schema();
        let output = input.flat_map(move |batch| {
            let pieces: Vec<Result<RecordBatch>> = match batch {
                Ok(batch) => cut(&batch, batch_size).into_iter().map(compact_views).collect(),
                Err(e) => vec![Err(e)],
            };
            futures::stream::iter(pieces)
        });
        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, output)))
    }
}

/// `batch` in pieces of at most `rows` rows (slices: no copy).
fn cut(batch: &RecordBatch, rows: usize) -> Vec<RecordBatch> {
    if batch.num_rows() <= rows {
        return vec![batch.clone()];
    }
    (0..batch.num_rows()).step_by(rows).map(|start| batch.slice(start, rows.min(batch.num_rows() - start))).collect()
}

/// `batch` with each sparse view column copied into buffers of its own.
fn compact_views(batch: RecordBatch) -> Result<RecordBatch> {
    if !batch.columns().iter().any(is_sparse) {
        return Ok(batch);
    }
    let columns: Vec<ArrayRef> = batch
        .columns()
        .iter()
        .map(|column| match column.data_type() {
            DataType::Utf8View if is_sparse(column) => Arc::new(column.as_string_view().gc()) as ArrayRef,
            DataType::BinaryView if is_sparse(column) => Arc::new(column.as_binary_view().gc()) as ArrayRef,
            _ => column.clone(),
        })
        .collect();
    Ok(RecordBatch::try_new(batch.schema(), columns)?)
}

/// Whether a view column's data buffers are mostly bytes it does not use.
fn is_sparse(column: &ArrayRef) -> bool {
    let (buffers, used) = match column.data_type() {
        DataType::Utf8View => {
            let array = column.as_string_view();
            (array.data_buffers().iter().map(|b| b.capacity()).sum::<usize>(), array.total_buffer_bytes_used())
        }
        DataType::BinaryView => {
            let array = column.as_binary_view();
            (array.data_buffers().iter().map(|b| b.capacity()).sum::<usize>(), array.total_buffer_bytes_used())
        }
        _ => return false,
    };
    buffers > SMALL_BUFFERS && buffers > used.saturating_mul(SPARSE_FACTOR)
}

/// The rule placing a [`CompactViewsExec`] under every sort that may spill
/// (sorts with a fetch keep only their top rows).
#[derive(Debug, Default)]
pub struct CompactSortInputs;

impl PhysicalOptimizerRule for CompactSortInputs {
    fn optimize(&self, plan: Arc<dyn ExecutionPlan>, _: &ConfigOptions) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            let Some(sort) = node.downcast_ref::<SortExec>() else { return Ok(Transformed::no(node)) };
            if sort.fetch().is_some() || sort.input().downcast_ref::<CompactViewsExec>().is_some() {
                return Ok(Transformed::no(node));
            }
            let input: Arc<dyn ExecutionPlan> = Arc::new(CompactViewsExec::new(sort.input().clone()));
            Ok(Transformed::yes(replace_children_if_necessary(node.clone(), vec![input])?))
        })
        .data()
    }

    fn name(&self) -> &str {
        "compact_sort_inputs"
    }

    fn schema_check(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::StringViewArray;
    use datafusion::arrow::compute::take;
    use datafusion::arrow::datatypes::{Field, Schema};
    use datafusion::arrow::array::UInt32Array;

    fn long_strings(n: usize) -> StringViewArray {
        StringViewArray::from_iter_values((0..n).map(|i| format!("a string longer than twelve bytes, number {i}")))
    }

    #[test]
    fn rows_taken_from_big_buffers_get_their_own() {
        let all = long_strings(100_000);
        let taken = take(&all, &UInt32Array::from(vec![5, 70_000, 5]), None).unwrap();
        let schema = Arc::new(Schema::new(vec![Field::new("s", DataType::Utf8View, false)]));
        let batch = RecordBatch::try_new(schema, vec![taken.clone()]).unwrap();
        assert!(is_sparse(&taken));
        let compacted = compact_views(batch).unwrap();
        let column = compacted.column(0);
        assert!(!is_sparse(column));
        assert!(column.get_buffer_memory_size() < 1024, "{}", column.get_buffer_memory_size());
        assert_eq!(column.as_string_view().value(1), "a string longer than twelve bytes, number 70000");
    }

    #[test]
    fn long_batches_are_cut_and_each_piece_compacted() {
        let schema = Arc::new(Schema::new(vec![Field::new("s", DataType::Utf8View, false)]));
        let batch = RecordBatch::try_new(schema, vec![Arc::new(long_strings(20_000))]).unwrap();
        let pieces: Vec<RecordBatch> = cut(&batch, 8192).into_iter().map(|b| compact_views(b).unwrap()).collect();
        assert_eq!(pieces.iter().map(|b| b.num_rows()).collect::<Vec<_>>(), vec![8192, 8192, 3616]);
        let whole = batch.column(0).get_buffer_memory_size();
        assert!(pieces.iter().all(|b| b.column(0).get_buffer_memory_size() < whole / 2));
        assert_eq!(pieces[2].column(0).as_string_view().value(0), "a string longer than twelve bytes, number 16384");
    }

    #[test]
    fn dense_and_small_arrays_are_left_alone() {
        let dense: ArrayRef = Arc::new(long_strings(100_000));
        assert!(!is_sparse(&dense));
        let small: ArrayRef = take(&long_strings(100), &UInt32Array::from(vec![1]), None).unwrap();
        assert!(!is_sparse(&small));
    }
}
