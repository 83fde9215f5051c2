//! Python functions over groups of rows: `groupBy().applyInPandas` /
//! `applyInArrow` (one input) and cogrouped `applyInPandas` /
//! `applyInArrow` (two inputs). A plan node that groups all its input rows
//! by the grouping keys, in key order; runs of neighbouring groups go to
//! parallel worker calls, one Arrow batch per group (and per side).

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::compute::{concat_batches, interleave_record_batch};
use arrow::datatypes::{Schema, SchemaRef};
use arrow::error::ArrowError;
use arrow::row::{OwnedRow, RowConverter, SortField};
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DFSchemaRef, Result};
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::{Expr, LogicalPlan, UserDefinedLogicalNodeCore};
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, Distribution, ExecutionPlan, PlanProperties,
};
use ember_errors::SparkError;
use futures::{StreamExt, TryStreamExt};

use crate::PythonFunction;
use crate::map::conform;
use crate::pool::pool;

/// Whether PySpark's eval type is a grouped map: `applyInPandas` (201),
/// `applyInArrow` (209) and their iterator forms (215, 216).
pub fn is_grouped_map_eval_type(eval_type: i32) -> bool {
    matches!(eval_type, 201 | 209 | 215 | 216)
}

/// Whether PySpark's eval type is a cogrouped map: cogrouped
/// `applyInPandas` (206) or `applyInArrow` (210).
pub fn is_cogrouped_map_eval_type(eval_type: i32) -> bool {
    matches!(eval_type, 206 | 210)
}

/// What a grouped (or cogrouped) map call needs besides its rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupMapCall {
    /// The client's function.
    pub function: PythonFunction,
    /// Session settings pyspark's worker reads (time zone, Arrow options).
    pub runner_conf: Vec<(String, String)>,
    /// How many leading columns of each input are the grouping keys.
    pub key_count: usize,
    /// For each input, the Spark names of its columns (keys first), which
    /// the function sees.
    pub input_names: Vec<Vec<String>>,
    /// The Spark type of the first input's rows as a struct's JSON.
    pub input_type_json: String,
    /// `spark.sql.execution.arrow.maxRecordsPerBatch`: a grouped map's
    /// group is sent in batches of at most this many rows.
    pub max_records_per_batch: usize,
}

impl GroupMapCall {
    /// pyspark's argument offsets: per input, its length, the key count,
    /// the key columns, then the value columns (all non-key columns).
    fn arg_offsets(&self) -> Vec<usize> {
        let mut offsets = Vec::new();
        for names in &self.input_names {
            offsets.push(names.len() + 1);
            offsets.push(self.key_count);
            offsets.extend(0..names.len());
        }
        offsets
    }

    fn header(&self, group_batches: &[usize]) -> serde_json::Value {
        serde_json::json!({
            "group_batches": group_batches,
            "eval_type": self.function.eval_type,
            "python_ver": self.function.python_ver,
            "udfs": [{"args": self.arg_offsets()}],
            "runner_conf": self.runner_conf.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
            "input_type": self.input_type_json,
            "inputs": self.input_names.len(),
        })
    }

    /// Each input's schema with its columns under their Spark names.
    fn named(&self, schemas: &[SchemaRef]) -> Vec<SchemaRef> {
        schemas
            .iter()
            .zip(&self.input_names)
            .map(|(schema, names)| {
                Arc::new(Schema::new(schema.fields().iter().zip(names).map(|(f, name)| f.as_ref().clone().with_name(name)).collect::<Vec<_>>()))
            })
            .collect()
    }

    /// Runs the function on `groups` (for each input, one batch per group,
    /// the inputs' schemas being `schemas`) in one worker call; the answer
    /// has `output`'s columns.
    fn run(&self, schemas: &[SchemaRef], groups: Vec<Vec<RecordBatch>>, output: &SchemaRef) -> Result<RecordBatch, SparkError> {
        if groups.first().is_none_or(|g| g.is_empty()) {
            return Ok(RecordBatch::new_empty(output.clone()));
        }
        // A cogroup sends one batch per group and side; a grouped map splits
        // each group as Spark does, which iterator functions see.
        let (groups, group_batches) = match groups.as_slice() {
            [one] => {
                let (batches, counts) = split_groups(one, self.max_records_per_batch.max(1));
                (vec![batches], counts)
            }
            _ => (groups, Vec::new()),
        };
        let inputs: Vec<_> = schemas.iter().zip(&groups).map(|(schema, batches)| (schema.as_ref(), batches.as_slice())).collect();
        let answer = pool()?.call(&self.header(&group_batches), &[self.function.command.as_slice()], &inputs)?;
        conform(&answer, output)
    }
}

/// For each input (its batches and schema), its rows of each group (empty
/// where a cogroup's side has none of that key), the groups in the order of
/// their keys (ascending, nulls first), each group's rows in input order:
/// the order in which Spark, sorting each partition by the keys, hands
/// groups to the function.
fn key_ordered_groups(sides: &[(SchemaRef, Vec<RecordBatch>)], key_count: usize) -> Result<Vec<Vec<RecordBatch>>, ArrowError> {
    let groups = group_rows(sides, key_count)?;
    sides
        .iter()
        .enumerate()
        .map(|(s, (schema, batches))| {
            let batches: Vec<&RecordBatch> = batches.iter().collect();
            groups
                .iter()
                .map(|group| match group[s].as_slice() {
                    [] => Ok(RecordBatch::new_empty(schema.clone())),
                    rows => Ok(RecordBatch::try_new(schema.clone(), interleave_record_batch(&batches, rows)?.columns().to_vec())?),
                })
                .collect()
        })
        .collect()
}

/// Groups (for each input, one batch per group) cut into at most `parts`
/// runs of neighbouring groups with about equally many rows.
fn contiguous_parts(groups: Vec<Vec<RecordBatch>>, parts: usize) -> Vec<Vec<Vec<RecordBatch>>> {
    let count = groups.first().map_or(0, Vec::len);
    let rows = |g: usize| groups.iter().map(|side| side[g].num_rows()).sum::<usize>();
    let total: usize = (0..count).map(rows).sum();
    let target = total.div_ceil(parts.max(1)).max(1);
    let mut ends = Vec::new();
    let mut filled = 0;
    for g in 0..count {
        filled += rows(g);
        if filled >= target || g + 1 == count {
            ends.push(g + 1);
            filled = 0;
        }
    }
    let mut sides: Vec<std::vec::IntoIter<RecordBatch>> = groups.into_iter().map(Vec::into_iter).collect();
    let mut start = 0;
    ends.into_iter()
        .map(|end| {
            let part = sides.iter_mut().map(|side| side.by_ref().take(end - start).collect()).collect();
            start = end;
            part
        })
        .collect()
}

/// Each group's rows in batches of at most `max_rows` (an empty group stays
/// one empty batch), and how many batches each group has.
fn split_groups(groups: &[RecordBatch], max_rows: usize) -> (Vec<RecordBatch>, Vec<usize>) {
    let mut batches = Vec::new();
    let mut counts = Vec::with_capacity(groups.len());
    for group in groups {
        let before = batches.len();
        let mut offset = 0;
        loop {
            let length = max_rows.min(group.num_rows() - offset);
            batches.push(group.slice(offset, length));
            offset += length;
            if offset >= group.num_rows() {
                break;
            }
        }
        counts.push(batches.len() - before);
    }
    (batches, counts)
}

/// The groups of rows with equal keys (the first `key_count` columns; nulls
/// equal) in the order of their keys (ascending, nulls first): for each
/// group, the rows (batch and row index) of each side, in input order.
fn group_rows(sides: &[(SchemaRef, Vec<RecordBatch>)], key_count: usize) -> Result<Vec<Vec<Vec<(usize, usize)>>>, ArrowError> {
    let rows_of = |batches: &[RecordBatch]| -> Vec<(usize, usize)> {
        batches.iter().enumerate().flat_map(|(b, batch)| (0..batch.num_rows()).map(move |i| (b, i))).collect()
    };
    if key_count == 0 {
        // No keys: all rows are one group, if there are any.
        let all: Vec<Vec<(usize, usize)>> = sides.iter().map(|(_, batches)| rows_of(batches)).collect();
        return Ok(if all.iter().all(Vec::is_empty) { Vec::new() } else { vec![all] });
    }
    let Some((first, _)) = sides.first() else { return Ok(Vec::new()) };
    // The row format orders keys as an ascending, nulls-first sort does.
    let fields = first.fields()[..key_count].iter().map(|f| SortField::new(f.data_type().clone())).collect();
    let converter = RowConverter::new(fields)?;
    let mut groups: BTreeMap<OwnedRow, Vec<Vec<(usize, usize)>>> = BTreeMap::new();
    for (s, (_, batches)) in sides.iter().enumerate() {
        for (b, batch) in batches.iter().enumerate() {
            let rows = converter.convert_columns(&batch.columns()[..key_count])?;
            for (i, row) in rows.iter().enumerate() {
                groups.entry(row.owned()).or_insert_with(|| vec![Vec::new(); sides.len()])[s].push((b, i));
            }
        }
    }
    Ok(groups.into_values().collect())
}

/// The logical node: the groups of `inputs`' rows (keys first) through a
/// grouped or cogrouped map function, giving `schema`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct GroupMapInPython {
    /// The rows the function reads: one input, or two for a cogroup.
    pub inputs: Vec<LogicalPlan>,
    /// The function and its settings.
    pub call: GroupMapCall,
    /// The declared output columns.
    pub schema: DFSchemaRef,
}

impl PartialOrd for GroupMapInPython {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        (self == other).then_some(Ordering::Equal)
    }
}

impl UserDefinedLogicalNodeCore for GroupMapInPython {
    fn name(&self) -> &str {
        "GroupMapInPython"
    }

    fn inputs(&self) -> Vec<&LogicalPlan> {
        self.inputs.iter().collect()
    }

    fn schema(&self) -> &DFSchemaRef {
        &self.schema
    }

    fn expressions(&self) -> Vec<Expr> {
        Vec::new()
    }

    fn fmt_for_explain(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "GroupMapInPython: {}", self.call.function.name)
    }

    fn with_exprs_and_inputs(&self, _exprs: Vec<Expr>, inputs: Vec<LogicalPlan>) -> Result<Self> {
        Ok(GroupMapInPython { inputs, call: self.call.clone(), schema: self.schema.clone() })
    }
}

/// The physical node: all rows of its inputs grouped in the order of their
/// keys, as Spark's adaptive execution gives them to the function when it
/// coalesces a small shuffle into one partition; runs of neighbouring groups
/// go to parallel worker calls and their answers are concatenated in order.
#[derive(Debug)]
pub(crate) struct GroupMapInPythonExec {
    inputs: Vec<Arc<dyn ExecutionPlan>>,
    call: Arc<GroupMapCall>,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
}

impl GroupMapInPythonExec {
    pub(crate) fn new(inputs: Vec<Arc<dyn ExecutionPlan>>, call: Arc<GroupMapCall>, schema: SchemaRef) -> Self {
        let properties = crate::map::python_output_properties(&schema, 1);
        GroupMapInPythonExec { inputs, call, schema, properties }
    }
}

impl DisplayAs for GroupMapInPythonExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "GroupMapInPythonExec: {}", self.call.function.name)
    }
}

impl ExecutionPlan for GroupMapInPythonExec {
    fn name(&self) -> &str {
        "GroupMapInPythonExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        self.inputs.iter().collect()
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        vec![Distribution::SinglePartition; self.inputs.len()]
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(Arc::new(GroupMapInPythonExec::new(children, self.call.clone(), self.schema.clone())))
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let streams = self.inputs.iter().map(|i| i.execute(partition, context.clone())).collect::<Result<Vec<_>>>()?;
        let parallelism = context.session_config().target_partitions();
        let (call, output) = (self.call.clone(), self.schema.clone());
        let result = futures::stream::once(async move {
            let schemas = call.named(&streams.iter().map(|s| s.schema()).collect::<Vec<_>>());
            let mut sides = Vec::with_capacity(streams.len());
            for (stream, schema) in streams.into_iter().zip(&schemas) {
                let batches: Vec<RecordBatch> = stream.try_collect().await?;
                sides.push((schema.clone(), batches));
            }
            let groups = key_ordered_groups(&sides, call.key_count)?;
            drop(sides);
            let calls: Vec<_> = contiguous_parts(groups, parallelism)
                .into_iter()
                .map(|part| {
                    let (call, schemas, output) = (call.clone(), schemas.clone(), output.clone());
                    tokio::task::spawn_blocking(move || call.run(&schemas, part, &output))
                })
                .collect();
            let mut answers = Vec::with_capacity(calls.len());
            for answer in calls {
                answers.push(answer.await.map_err(|e| DataFusionError::External(Box::new(e)))?.map_err(SparkError::into_datafusion)?);
            }
            Ok(concat_batches(&output, &answers)?)
        })
        .boxed();
        Ok(Box::pin(RecordBatchStreamAdapter::new(self.schema.clone(), result)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{ArrayRef, Int32Array, StringArray};

    fn batch(keys: Vec<Option<i32>>) -> RecordBatch {
        let values = StringArray::from(keys.iter().map(|k| format!("{k:?}")).collect::<Vec<_>>());
        RecordBatch::try_from_iter([("k", Arc::new(Int32Array::from(keys)) as ArrayRef), ("v", Arc::new(values) as ArrayRef)])
            .unwrap()
    }

    /// An input whose rows come in two batches: the first two keys, then the others.
    fn side(keys: Vec<Option<i32>>) -> (SchemaRef, Vec<RecordBatch>) {
        let all = batch(keys);
        let first = all.num_rows().min(2);
        (all.schema(), vec![all.slice(0, first), all.slice(first, all.num_rows() - first)])
    }

    #[test]
    fn rows_group_by_key_in_key_order_with_nulls_first_and_equal() {
        let groups = group_rows(&[side(vec![Some(2), None, Some(1), Some(2), None])], 1).unwrap();
        assert_eq!(groups, vec![vec![vec![(0, 1), (1, 2)]], vec![vec![(1, 0)]], vec![vec![(0, 0), (1, 1)]]]);
    }

    #[test]
    fn cogroups_hold_each_sides_rows_of_a_key() {
        let groups = group_rows(&[side(vec![Some(1), Some(2)]), side(vec![Some(3), Some(1), Some(1)])], 1).unwrap();
        assert_eq!(groups, vec![vec![vec![(0, 0)], vec![(0, 1), (1, 0)]], vec![vec![(0, 1)], vec![]], vec![vec![], vec![(0, 0)]]]);
    }

    #[test]
    fn groups_are_cut_into_runs_of_about_equal_rows() {
        let groups = key_ordered_groups(&[side(vec![Some(4), Some(1), Some(1), Some(2), Some(3), Some(1)])], 1).unwrap();
        let keys: Vec<Vec<Option<i32>>> =
            groups[0].iter().map(|g| g.column(0).as_any().downcast_ref::<Int32Array>().unwrap().iter().collect()).collect();
        assert_eq!(keys, vec![vec![Some(1); 3], vec![Some(2)], vec![Some(3)], vec![Some(4)]]);
        let parts = contiguous_parts(groups.clone(), 2);
        let rows: Vec<Vec<usize>> = parts.iter().map(|p| p[0].iter().map(RecordBatch::num_rows).collect()).collect();
        assert_eq!(rows, vec![vec![3], vec![1, 1, 1]]);
        assert_eq!(contiguous_parts(groups, 8).len(), 4);
        assert!(contiguous_parts(vec![vec![]], 2).is_empty());
    }

    #[test]
    fn without_keys_all_rows_are_one_group_unless_there_are_none() {
        assert_eq!(group_rows(&[side(vec![Some(1), None, Some(3)])], 0).unwrap(), vec![vec![vec![(0, 0), (0, 1), (1, 0)]]]);
        assert!(group_rows(&[side(vec![])], 0).unwrap().is_empty());
    }

    #[test]
    fn offsets_give_keys_then_all_columns_per_input() {
        let call = GroupMapCall {
            function: PythonFunction {
                name: "f".into(),
                eval_type: 206,
                command: Arc::new(Vec::new()),
                python_ver: "3.11".into(),
                deterministic: true,
            },
            runner_conf: Vec::new(),
            key_count: 1,
            input_names: vec![vec!["_key0".into(), "id".into()], vec!["_key0".into(), "id".into(), "s".into()]],
            input_type_json: String::new(),
            max_records_per_batch: 10,
        };
        assert_eq!(call.arg_offsets(), vec![3, 1, 0, 1, 4, 1, 0, 1, 2]);
    }

    #[test]
    fn groups_are_split_into_batches_of_at_most_max_rows() {
        let groups = [batch(vec![Some(1); 5]), batch(vec![]), batch(vec![Some(2); 2])];
        let (batches, counts) = split_groups(&groups, 2);
        assert_eq!(counts, vec![3, 1, 1]);
        assert_eq!(batches.iter().map(|b| b.num_rows()).collect::<Vec<_>>(), vec![2, 2, 1, 0, 2]);
    }

    #[test]
    fn group_map_eval_types() {
        assert!([201, 209, 215, 216].into_iter().all(is_grouped_map_eval_type));
        assert!(is_cogrouped_map_eval_type(206) && is_cogrouped_map_eval_type(210));
        assert!(!is_grouped_map_eval_type(205) && !is_cogrouped_map_eval_type(201));
    }
}
