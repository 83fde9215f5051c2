//! `mapInPandas` and `mapInArrow`: a plan node whose partitions each go
//! through one Python worker call, the function seeing the partition's
//! batches as one iterator.

use std::cmp::Ordering;
use std::fmt;
use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions};
use arrow::compute::cast;
use arrow::datatypes::{Schema, SchemaRef};
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DFSchemaRef, Result};
use datafusion::error::DataFusionError;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::{Expr, LogicalPlan, UserDefinedLogicalNodeCore};
use datafusion::physical_expr::{Distribution, EquivalenceProperties, LexOrdering, OrderingRequirements, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan, ExecutionPlanProperties, Partitioning, PlanProperties};
use ember_errors::SparkError;
use futures::{StreamExt, TryStreamExt};

use crate::PythonFunction;
use crate::pool::pool;

/// Whether PySpark's eval type is a map function over whole partitions:
/// `mapInPandas` (205) or `mapInArrow` (207).
pub fn is_map_eval_type(eval_type: i32) -> bool {
    matches!(eval_type, 205 | 207)
}

/// Whether PySpark's eval type is a Python table function Ember runs:
/// `udtf` pickled (300) or Arrow-optimized (301), or `arrow_udtf` (302,
/// whose `eval` gets Arrow arrays and record batches).
pub fn is_table_function_eval_type(eval_type: i32) -> bool {
    matches!(eval_type, 300..=302)
}

/// What a map function call needs besides its input rows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MapCall {
    /// The client's function.
    pub function: PythonFunction,
    /// The Spark type of the input rows as a struct's JSON.
    pub input_type_json: String,
    /// Session settings pyspark's worker reads (time zone, Arrow options).
    pub runner_conf: Vec<(String, String)>,
    /// The Spark names of the input columns, which the function sees.
    pub input_names: Vec<String>,
    /// For a Python table function (`udtf`): how it is called on each
    /// input row's columns.
    pub table_function: Option<TableFunctionCall>,
    /// For a Python data source's function: which one.
    pub data_source: Option<DataSourceFunction>,
}

/// The functions of a Python data source that run over rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataSourceFunction {
    /// The read function, called once per input row (a pickled partition).
    Read,
    /// The write function, called once per partition on all its rows; it
    /// answers the partition's pickled commit message.
    Write,
}

/// How a Python table function (`udtf`) is called on each input row.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct TableFunctionCall {
    /// Its output row type as a struct's JSON.
    pub return_type_json: String,
    /// How many input columns are arguments: after the passed-through
    /// ones, before any hidden sort keys.
    pub argument_count: usize,
    /// The input columns passed by keyword (`a => 10`), with their positions;
    /// the others are passed by position, in order.
    pub keyword_arguments: Vec<(String, usize)>,
    /// The pickled `AnalyzeResult` of its `analyze` method, if it has one.
    pub analyze_result: Option<Arc<Vec<u8>>>,
    /// For a lateral join: how many leading input columns (the left
    /// side's) are passed through beside each output row; the arguments
    /// follow them.
    pub passed_through: usize,
    /// For a table argument with PARTITION BY: the positions, within its
    /// row, of the partitioning values appended to it.
    pub partition_child_indexes: Vec<usize>,
    /// Whether the input must arrive as one partition in its planned order
    /// (a table argument partitioned, ordered or `WITH SINGLE PARTITION`).
    pub ordered: bool,
    /// The positions of the table arguments among the arguments (an
    /// `arrow_udtf` gets each as a record batch).
    pub table_arguments: Vec<usize>,
}

impl MapCall {
    fn header(&self) -> serde_json::Value {
        let (args, udtf) = match &self.table_function {
            Some(table_function) => {
                let keyword_positions: Vec<usize> = table_function.keyword_arguments.iter().map(|(_, i)| *i).collect();
                let positional = (0..table_function.argument_count).filter(|i| !keyword_positions.contains(i)).collect();
                let kwargs: serde_json::Map<_, _> =
                    table_function.keyword_arguments.iter().map(|(name, i)| (name.clone(), serde_json::Value::from(*i))).collect();
                let analyze_result = table_function.analyze_result.as_ref().map(|bytes| hex(bytes));
                (
                    positional,
                    serde_json::json!({
                        "name": self.function.name,
                        "return_type": table_function.return_type_json,
                        "kwargs": kwargs,
                        "analyze_result": analyze_result,
                        "passed_through": table_function.passed_through,
                        "partition_child_indexes": table_function.partition_child_indexes,
                        "table_arg_offsets": table_function.table_arguments,
                    }),
                )
            }
            None => (Vec::new(), serde_json::Value::Null),
        };
        serde_json::json!({
            "eval_type": self.function.eval_type,
            "python_ver": self.function.python_ver,
            "udfs": [{"args": args}],
            "udtf": udtf,
            "data_source": match self.data_source {
                Some(DataSourceFunction::Read) => "read",
                Some(DataSourceFunction::Write) => "write",
                None => "",
            },
            "runner_conf": self.runner_conf.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
            "input_type": self.input_type_json,
        })
    }

    /// Runs the function on one partition's batches; the answer has `output`'s columns.
    fn run(&self, partition: usize, input: &Schema, batches: &[RecordBatch], output: &SchemaRef) -> Result<RecordBatch, SparkError> {
        if batches.iter().all(|b| b.num_rows() == 0) {
            return Ok(RecordBatch::new_empty(output.clone()));
        }
        let input = Arc::new(Schema::new(
            input.fields().iter().zip(&self.input_names).map(|(f, name)| f.as_ref().clone().with_name(name)).collect::<Vec<_>>(),
        ));
        let batches = batches
            .iter()
            .filter(|b| b.num_rows() > 0)
            .map(|b| {
                let options = RecordBatchOptions::new().with_row_count(Some(b.num_rows()));
                RecordBatch::try_new_with_options(input.clone(), b.columns().to_vec(), &options)
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut header = self.header();
        // The function's `TaskContext.get().partitionId()`.
        header["partition_id"] = serde_json::Value::from(partition);
        let answer = pool()?.call(&header, &[self.function.command.as_slice()], &[(&input, &batches)])?;
        conform(&answer, output)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The function's output with the declared columns: by name when it has
/// them all, else by position, cast to the declared types.
pub(crate) fn conform(answer: &RecordBatch, output: &SchemaRef) -> Result<RecordBatch, SparkError> {
    if answer.num_rows() == 0 {
        return Ok(RecordBatch::new_empty(output.clone()));
    }
    let by_name = output.fields().iter().all(|f| answer.schema().index_of(f.name()).is_ok());
    if !by_name && answer.num_columns() != output.fields().len() {
        return Err(SparkError::internal(format!(
            "the Python function returned {} columns where the schema declares {}",
            answer.num_columns(),
            output.fields().len()
        )));
    }
    let columns = output
        .fields()
        .iter()
        .enumerate()
        .map(|(i, field)| {
            let column = if by_name { answer.column_by_name(field.name()).cloned() } else { Some(answer.column(i).clone()) };
            let column: ArrayRef = column.ok_or_else(|| SparkError::internal("missing column"))?;
            if column.data_type() == field.data_type() {
                Ok(column)
            } else {
                cast(&column, field.data_type()).map_err(SparkError::from)
            }
        })
        .collect::<Result<Vec<_>, SparkError>>()?;
    // A function without output columns (`StructType()`) still gives rows.
    let options = RecordBatchOptions::new().with_row_count(Some(answer.num_rows()));
    RecordBatch::try_new_with_options(output.clone(), columns, &options).map_err(SparkError::from)
}

/// The logical node: `input`'s rows through a map function, giving `schema`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MapInPython {
    /// The rows the function reads.
    pub input: LogicalPlan,
    /// The function and its settings.
    pub call: MapCall,
    /// The declared output columns.
    pub schema: DFSchemaRef,
}

impl PartialOrd for MapInPython {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        (self == other).then_some(Ordering::Equal)
    }
}

impl UserDefinedLogicalNodeCore for MapInPython {
    fn name(&self) -> &str {
        "MapInPython"
    }

    fn inputs(&self) -> Vec<&LogicalPlan> {
        vec![&self.input]
    }

    fn schema(&self) -> &DFSchemaRef {
        &self.schema
    }

    fn expressions(&self) -> Vec<Expr> {
        Vec::new()
    }

    fn fmt_for_explain(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "MapInPython: {}", self.call.function.name)
    }

    fn with_exprs_and_inputs(&self, _exprs: Vec<Expr>, mut inputs: Vec<LogicalPlan>) -> Result<Self> {
        let input = inputs.pop().ok_or_else(|| DataFusionError::Internal("MapInPython needs its input".into()))?;
        Ok(MapInPython { input, call: self.call.clone(), schema: self.schema.clone() })
    }
}

/// The properties of a node whose Python worker answers each of its
/// `partitions` once all of that partition's input has been sent.
pub(crate) fn python_output_properties(schema: &SchemaRef, partitions: usize) -> Arc<PlanProperties> {
    Arc::new(PlanProperties::new(
        EquivalenceProperties::new(schema.clone()),
        Partitioning::UnknownPartitioning(partitions),
        EmissionType::Final,
        Boundedness::Bounded,
    ))
}

/// The physical node: one worker call per input partition.
#[derive(Debug)]
pub(crate) struct MapInPythonExec {
    input: Arc<dyn ExecutionPlan>,
    call: Arc<MapCall>,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
    /// For a call that needs its input in one ordered partition: the
    /// order the input was planned with, which it requires.
    ordering: Option<LexOrdering>,
}

impl MapInPythonExec {
    pub(crate) fn new(input: Arc<dyn ExecutionPlan>, call: Arc<MapCall>, schema: SchemaRef) -> Self {
        let ordered = call.table_function.as_ref().is_some_and(|t| t.ordered);
        let ordering = if ordered { input.output_ordering().cloned() } else { None };
        let partitions = if ordered { 1 } else { input.output_partitioning().partition_count() };
        let properties = python_output_properties(&schema, partitions);
        MapInPythonExec { input, call, schema, properties, ordering }
    }

    fn ordered(&self) -> bool {
        self.call.table_function.as_ref().is_some_and(|t| t.ordered)
    }
}

impl DisplayAs for MapInPythonExec {
    fn fmt_as(&self, _: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "MapInPythonExec: {}", self.call.function.name)
    }
}

impl ExecutionPlan for MapInPythonExec {
    fn name(&self) -> &str {
        "MapInPythonExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        vec![&self.input]
    }

    fn apply_expressions(&self, _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn required_input_distribution(&self) -> Vec<Distribution> {
        vec![if self.ordered() { Distribution::SinglePartition } else { Distribution::UnspecifiedDistribution }]
    }

    fn required_input_ordering(&self) -> Vec<Option<OrderingRequirements>> {
        vec![self.ordering.clone().map(OrderingRequirements::from)]
    }

    fn benefits_from_input_partitioning(&self) -> Vec<bool> {
        vec![!self.ordered()]
    }

    fn with_new_children(self: Arc<Self>, mut children: Vec<Arc<dyn ExecutionPlan>>) -> Result<Arc<dyn ExecutionPlan>> {
        let input = children.pop().ok_or_else(|| DataFusionError::Internal("MapInPythonExec needs its input".into()))?;
        let mut exec = MapInPythonExec::new(input, self.call.clone(), self.schema.clone());
        exec.ordering = self.ordering.clone();
        Ok(Arc::new(exec))
    }

    fn execute(&self, partition: usize, context: Arc<TaskContext>) -> Result<SendableRecordBatchStream> {
        let input = self.input.execute(partition, context)?;
        let input_schema = input.schema();
        let (call, output) = (self.call.clone(), self.schema.clone());
        let result = futures::stream::once(async move {
            let batches: Vec<RecordBatch> = input.try_collect().await?;
            tokio::task::spawn_blocking(move || call.run(partition, &input_schema, &batches, &output))
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
    use arrow::array::{Int32Array, Int64Array, StringArray};
    use arrow::datatypes::{DataType, Field};

    #[test]
    fn output_columns_are_taken_by_name_and_cast() {
        let output = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true), Field::new("b", DataType::Utf8, true)]));
        let answer = RecordBatch::try_from_iter([
            ("b", Arc::new(StringArray::from(vec!["x"])) as ArrayRef),
            ("a", Arc::new(Int32Array::from(vec![7])) as ArrayRef),
        ])
        .unwrap();
        let conformed = conform(&answer, &output).unwrap();
        assert_eq!(conformed.column(0).as_ref(), &Int64Array::from(vec![7]) as &dyn arrow::array::Array);
        assert_eq!(conformed.schema(), output);
    }

    #[test]
    fn output_without_columns_keeps_its_rows() {
        let output = Arc::new(Schema::empty());
        let answer = RecordBatch::try_new_with_options(output.clone(), vec![], &RecordBatchOptions::new().with_row_count(Some(2))).unwrap();
        assert_eq!(conform(&answer, &output).unwrap().num_rows(), 2);
    }

    #[test]
    fn output_columns_without_the_names_are_taken_by_position() {
        let output = Arc::new(Schema::new(vec![Field::new("a", DataType::Int64, true)]));
        let answer = RecordBatch::try_from_iter([("_0", Arc::new(Int64Array::from(vec![1])) as ArrayRef)]).unwrap();
        assert_eq!(conform(&answer, &output).unwrap().num_rows(), 1);
        let two = RecordBatch::try_from_iter([
            ("x", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
            ("y", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
        ])
        .unwrap();
        assert!(conform(&two, &output).is_err());
    }

    #[test]
    fn a_table_function_is_called_on_every_input_column() {
        let function = PythonFunction {
            name: "squares".into(),
            eval_type: 301,
            command: Arc::new(Vec::new()),
            python_ver: "3.11".into(),
            deterministic: true,
        };
        let table_function = TableFunctionCall {
            return_type_json: "{}".into(),
            argument_count: 3,
            keyword_arguments: vec![("b".into(), 1)],
            analyze_result: Some(Arc::new(vec![0x0f, 0xa0])),
            passed_through: 0,
            partition_child_indexes: vec![2],
            ordered: true,
            table_arguments: vec![2],
        };
        let call = MapCall {
            function,
            input_type_json: String::new(),
            runner_conf: Vec::new(),
            input_names: vec!["_0".into(), "_1".into(), "_2".into()],
            table_function: Some(table_function),
            data_source: None,
        };
        let header = call.header();
        assert_eq!(header["udfs"][0]["args"], serde_json::json!([0, 2]));
        assert_eq!(
            header["udtf"],
            serde_json::json!({
                "name": "squares", "return_type": "{}", "kwargs": {"b": 1}, "analyze_result": "0fa0", "passed_through": 0,
                "partition_child_indexes": [2], "table_arg_offsets": [2],
            })
        );
        assert!(MapCall { table_function: None, ..call }.header()["udtf"].is_null());
        assert!(is_table_function_eval_type(300) && is_table_function_eval_type(302));
        assert!(!is_table_function_eval_type(299) && !is_table_function_eval_type(303));
    }

    #[test]
    fn map_eval_types_are_map_in_pandas_and_map_in_arrow() {
        assert!(is_map_eval_type(205) && is_map_eval_type(207));
        assert!(!is_map_eval_type(200));
    }
}
