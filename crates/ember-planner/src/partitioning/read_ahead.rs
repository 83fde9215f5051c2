//! Reading a plan's partitions in partition order while all of them run.

use std::sync::Arc;

use datafusion::arrow::array::RecordBatch;
use datafusion::common::Result;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{ExecutionPlan, ExecutionPlanProperties};
use futures::StreamExt;
use tokio::sync::mpsc::Receiver;

/// Batches each later partition may compute ahead of the one being read.
const READ_AHEAD_BATCHES: usize = 16;

/// All partitions of `input` in partition order, every partition running at
/// once (up to [`READ_AHEAD_BATCHES`] ahead of the reader) so that a query
/// uses all cores; dropping the stream stops them.
pub(super) fn read_ahead_in_order(input: Arc<dyn ExecutionPlan>, context: Arc<TaskContext>) -> SendableRecordBatchStream {
    let schema = input.schema();
    let mut tasks = tokio::task::JoinSet::new();
    let receivers: Vec<_> = (0..input.output_partitioning().partition_count())
        .map(|p| {
            let (sender, receiver) = tokio::sync::mpsc::channel(READ_AHEAD_BATCHES);
            let (input, context) = (input.clone(), context.clone());
            tasks.spawn(async move {
                let mut stream = match input.execute(p, context) {
                    Ok(stream) => stream,
                    Err(e) => return drop(sender.send(Err(e)).await),
                };
                while let Some(batch) = stream.next().await {
                    let failed = batch.is_err();
                    if sender.send(batch).await.is_err() || failed {
                        return;
                    }
                }
            });
            receiver
        })
        .collect();
    // The tasks live as long as the stream: dropping the set aborts them.
    let state = (tasks, receivers.into_iter(), None::<Receiver<Result<RecordBatch>>>);
    let batches = futures::stream::unfold(state, |(tasks, mut rest, mut current)| async move {
        loop {
            let receiver = match current.as_mut() {
                Some(receiver) => receiver,
                None => current.insert(rest.next()?),
            };
            match receiver.recv().await {
                Some(batch) => return Some((batch, (tasks, rest, current))),
                None => current = None,
            }
        }
    });
    Box::pin(RecordBatchStreamAdapter::new(schema, batches))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{ArrayRef, Int64Array};
    use datafusion::datasource::memory::MemorySourceConfig;
    use futures::TryStreamExt;

    fn batch(value: i64) -> RecordBatch {
        RecordBatch::try_from_iter([("a", Arc::new(Int64Array::from(vec![value])) as ArrayRef)]).unwrap()
    }

    #[tokio::test]
    async fn partitions_come_whole_and_in_order_even_beyond_the_read_ahead() {
        let long = READ_AHEAD_BATCHES as i64 * 3;
        let partitions = vec![(0..long).map(batch).collect(), vec![], (long..long + 5).map(batch).collect::<Vec<_>>()];
        let input = MemorySourceConfig::try_new_exec(&partitions, batch(0).schema(), None).unwrap();
        let batches: Vec<RecordBatch> =
            read_ahead_in_order(input, Arc::new(TaskContext::default())).try_collect().await.unwrap();
        let values: Vec<i64> = batches.iter().map(|b| b.column(0).as_any().downcast_ref::<Int64Array>().unwrap().value(0)).collect();
        assert_eq!(values, (0..long + 5).collect::<Vec<_>>());
    }
}
