//! Python functions over groups of rows: `groupBy().applyInPandas` /
//! `applyInArrow` (one input) and cogrouped `applyInPandas` /
//! `applyInArrow` (two inputs). A plan node whose inputs are hash-partitioned
//! by the grouping keys; each partition's groups go to one worker call, one
//! Arrow batch per group (and per side).

use std::cmp::Ordering;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use arrow::array::{RecordBatch, UInt32Array};
use arrow::compute::{SortColumn, concat_batches, lexsort_to_indices, partition, take_record_batch};
use arrow::datatypes::{Schema, SchemaRef};
use arrow::error::ArrowError;
use arrow::row::{OwnedRow, RowConverter, SortField};
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DFSchemaRef, Result};
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::{Expr, LogicalPlan, UserDefinedLogicalNodeCore};
use datafusion::physical_expr::expressions::Column;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, Distribution, ExecutionPlan, ExecutionPlanProperties, PlanProperties,
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

    /// Runs the function on every group of one partition's rows (one batch
    /// per input); the answer has `output`'s columns.
    fn run(&self, sides: &[RecordBatch], output: &SchemaRef) -> Result<RecordBatch, SparkError> {
        let sides = sides
            .iter()
            .zip(&self.input_names)
            .map(|(side, names)| {
                let schema = Schema::new(
                    side.schema().fields().iter().zip(names).map(|(f, name)| f.as_ref().clone().with_name(name)).collect::<Vec<_>>(),
                );
                RecordBatch::try_new(Arc::new(schema), side.columns().to_vec())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let per_side = match sides.as_slice() {
            // Sorting by the keys is cheap and works for the key types Arrow
            // can sort; hashing the rows is the general way.
            [side] => match sorted_groups(side, self.key_count) {
                Ok(groups) => vec![groups],
                Err(_) => hashed_groups(&sides, self.key_count)?,
            },
            _ => hashed_groups(&sides, self.key_count)?,
        };
        if per_side[0].is_empty() {
            return Ok(RecordBatch::new_empty(output.clone()));
        }
        // A cogroup sends one batch per group and side; a grouped map splits
        // each group as Spark does, which iterator functions see.
        let (per_side, group_batches) = match per_side.as_slice() {
            [groups] => {
                let (batches, counts) = split_groups(groups, self.max_records_per_batch.max(1));
                (vec![batches], counts)
            }
            _ => (per_side, Vec::new()),
        };
        let inputs: Vec<_> = sides.iter().zip(&per_side).map(|(side, batches)| (side.schema_ref().as_ref(), batches.as_slice())).collect();
        let answer = pool()?.call(&self.header(&group_batches), &[self.function.command.as_slice()], &inputs)?;
        conform(&answer, output)
    }
}

/// One input's groups: slices of its rows sorted by the keys (the first
/// `key_count` columns; nulls equal).
fn sorted_groups(side: &RecordBatch, key_count: usize) -> Result<Vec<RecordBatch>, ArrowError> {
    if side.num_rows() == 0 {
        return Ok(Vec::new());
    }
    if key_count == 0 {
        return Ok(vec![side.clone()]);
    }
    let keys: Vec<SortColumn> = side.columns()[..key_count].iter().map(|c| SortColumn { values: c.clone(), options: None }).collect();
    let sorted = take_record_batch(side, &lexsort_to_indices(&keys, None)?)?;
    let ranges = partition(&sorted.columns()[..key_count])?.ranges();
    Ok(ranges.into_iter().map(|r| sorted.slice(r.start, r.end - r.start)).collect())
}

/// For each input, its rows of each group (empty where a cogroup's side has
/// none of that key).
fn hashed_groups(sides: &[RecordBatch], key_count: usize) -> Result<Vec<Vec<RecordBatch>>, ArrowError> {
    let groups = group_rows(sides, key_count)?;
    sides
        .iter()
        .enumerate()
        .map(|(s, side)| groups.iter().map(|group| take_record_batch(side, &UInt32Array::from(group[s].clone()))).collect())
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
/// equal), in order of first appearance on the first side, then the others:
/// for each group, the row indices of each side.
fn group_rows(sides: &[RecordBatch], key_count: usize) -> Result<Vec<Vec<Vec<u32>>>, ArrowError> {
    let index = |i: usize| u32::try_from(i).map_err(|_| ArrowError::ComputeError("more than 2^32 rows in a partition".into()));
    if key_count == 0 {
        // No keys: all rows are one group, if there are any.
        if sides.iter().all(|s| s.num_rows() == 0) {
            return Ok(Vec::new());
        }
        let all = sides.iter().map(|s| (0..s.num_rows()).map(index).collect()).collect::<Result<_, _>>()?;
        return Ok(vec![all]);
    }
    let Some(first) = sides.first() else { return Ok(Vec::new()) };
    let fields = first.schema().fields()[..key_count].iter().map(|f| SortField::new(f.data_type().clone())).collect();
    let converter = RowConverter::new(fields)?;
    let mut position: HashMap<OwnedRow, usize> = HashMap::new();
    let mut groups: Vec<Vec<Vec<u32>>> = Vec::new();
    for (s, side) in sides.iter().enumerate() {
        let rows = converter.convert_columns(&side.columns()[..key_count])?;
        for (i, row) in rows.iter().enumerate() {
            let group = *position.entry(row.owned()).or_insert_with(|| {
                groups.push(vec![Vec::new(); sides.len()]);
                groups.len() - 1
            });
            groups[group][s].push(index(i)?);
        }
    }
    Ok(groups)
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

/// The physical node: its inputs hash-partitioned by the keys, one worker
/// call per partition.
#[derive(Debug)]
pub(crate) struct GroupMapInPythonExec {
    inputs: Vec<Arc<dyn ExecutionPlan>>,
    call: Arc<GroupMapCall>,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
}

impl GroupMapInPythonExec {
    pub(crate) fn new(inputs: Vec<Arc<dyn ExecutionPlan>>, call: Arc<GroupMapCall>, schema: SchemaRef) -> Self {
        let partitions = inputs.first().map(|i| i.output_partitioning().partition_count()).unwrap_or(1);
        let properties = crate::map::python_output_properties(&schema, partitions);
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
        let key_count = self.call.key_count;
        self.inputs
            .iter()
            .map(|input| {
                if key_count == 0 {
                    return Distribution::SinglePartition;
                }
                let schema = input.schema();
                let keys = (0..key_count)
                    .map(|i| Arc::new(Column::new(schema.field(i).name(), i)) as Arc<dyn PhysicalExpr>)
                    .collect();
                Distribution::KeyPartitioned(keys)
            })
            .collect()
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(self: Arc<Self>, children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(Arc::new(GroupMapInPythonExec::new(children, self.call.clone(), self.schema.clone())))
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let counts: Vec<usize> = self.inputs.iter().map(|i| i.output_partitioning().partition_count()).collect();
        if counts.windows(2).any(|w| w[0] != w[1]) {
            return Err(DataFusionError::Internal(format!("cogrouped inputs with different partition counts {counts:?}")));
        }
        let streams = self.inputs.iter().map(|i| i.execute(partition, context.clone())).collect::<Result<Vec<_>>>()?;
        let (call, output) = (self.call.clone(), self.schema.clone());
        let result = futures::stream::once(async move {
            let mut sides = Vec::with_capacity(streams.len());
            for stream in streams {
                let schema = stream.schema();
                let batches: Vec<RecordBatch> = stream.try_collect().await?;
                sides.push(concat_batches(&schema, &batches)?);
            }
            tokio::task::spawn_blocking(move || call.run(&sides, &output))
                .await
                .map_err(|e| DataFusionError::External(Box::new(e)))?
                .map_err(SparkError::into_datafusion)
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

    #[test]
    fn rows_group_by_key_in_order_of_appearance_with_nulls_equal() {
        let groups = group_rows(&[batch(vec![Some(2), None, Some(1), Some(2), None])], 1).unwrap();
        assert_eq!(groups, vec![vec![vec![0, 3]], vec![vec![1, 4]], vec![vec![2]]]);
    }

    #[test]
    fn cogroups_hold_each_sides_rows_of_a_key() {
        let groups = group_rows(&[batch(vec![Some(1), Some(2)]), batch(vec![Some(3), Some(1), Some(1)])], 1).unwrap();
        assert_eq!(groups, vec![vec![vec![0], vec![1, 2]], vec![vec![1], vec![]], vec![vec![], vec![0]]]);
    }

    #[test]
    fn sorted_groups_are_the_runs_of_equal_keys() {
        let groups = sorted_groups(&batch(vec![Some(2), None, Some(1), Some(2), None]), 1).unwrap();
        let keys: Vec<Vec<Option<i32>>> =
            groups.iter().map(|g| g.column(0).as_any().downcast_ref::<Int32Array>().unwrap().iter().collect()).collect();
        assert_eq!(keys, vec![vec![None, None], vec![Some(1)], vec![Some(2), Some(2)]]);
        assert!(sorted_groups(&batch(vec![]), 1).unwrap().is_empty());
    }

    #[test]
    fn without_keys_all_rows_are_one_group_unless_there_are_none() {
        assert_eq!(group_rows(&[batch(vec![Some(1), None])], 0).unwrap(), vec![vec![vec![0, 1]]]);
        assert!(group_rows(&[batch(vec![])], 0).unwrap().is_empty());
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
