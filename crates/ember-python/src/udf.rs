//! Scalar Python UDFs as DataFusion scalar functions: each call sends its
//! batch (in slices of `spark.sql.execution.arrow.maxRecordsPerBatch` rows)
//! to a worker and gets the results back as Arrow. Iterator UDFs in a
//! projection instead see a whole partition ([`crate::iterator_udf`]).

use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions, new_empty_array};
use arrow::compute::{cast, concat};
use arrow::datatypes::{DataType, Field, FieldRef, Schema};
use datafusion::error::Result;
use datafusion::logical_expr::{ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility};
use ember_errors::SparkError;

use crate::PythonFunction;
use crate::pool::pool;

/// Whether PySpark's eval type is a scalar (row-preserving) UDF Ember runs
/// per batch: `udf` (pickled and Arrow), scalar and iterator `pandas_udf`,
/// scalar and iterator `arrow_udf`.
pub fn is_scalar_eval_type(eval_type: i32) -> bool {
    matches!(eval_type, 100 | 101 | 200 | 204 | 250 | 251)
}

/// Whether PySpark's eval type is a scalar iterator UDF: iterator
/// `pandas_udf` (204) or `arrow_udf` (251).
pub fn is_iterator_eval_type(eval_type: i32) -> bool {
    matches!(eval_type, 204 | 251)
}

/// One call of a Python UDF on given argument types.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PythonScalarUdf {
    function: PythonFunction,
    signature: Signature,
    /// The result's type, and the metadata (a UDT's) its column carries.
    return_field: Field,
    /// The Spark types of the arguments as a struct's JSON (`_0`, `_1`, …).
    input_type_json: String,
    /// Session settings pyspark's worker reads (time zone, Arrow options).
    runner_conf: Vec<(String, String)>,
    max_records_per_batch: usize,
    /// Each argument's keyword when it is passed by name (`f(a => id)`).
    keywords: Vec<Option<String>>,
    /// The commands of the UDFs chained before this one (innermost first),
    /// whose results reach it as the Python objects they returned.
    chained: Vec<Arc<Vec<u8>>>,
}

/// How a UDF of `arity` arguments is called, as `worker.py` reads it: the
/// positions passed by position (`args`) and those passed by keyword
/// (`kwargs`, `f(a => id)`).
pub(crate) fn arguments(keywords: &[Option<String>], arity: usize) -> serde_json::Value {
    let keyword = |i: usize| keywords.get(i).and_then(Option::as_ref);
    let positional: Vec<usize> = (0..arity).filter(|i| keyword(*i).is_none()).collect();
    let kwargs: serde_json::Map<_, _> = (0..arity).filter_map(|i| keyword(i).map(|k| (k.clone(), serde_json::Value::from(i)))).collect();
    serde_json::json!({"args": positional, "kwargs": kwargs})
}

impl PythonScalarUdf {
    /// A UDF taking `input_types` (whose Spark form is `input_type_json`)
    /// and returning values of `return_field`'s type.
    pub fn new(
        function: PythonFunction,
        input_types: Vec<DataType>,
        input_type_json: String,
        return_field: Field,
        runner_conf: Vec<(String, String)>,
        max_records_per_batch: usize,
    ) -> Self {
        // Non-deterministic UDFs are volatile: never folded, merged or re-run.
        let volatility = if function.deterministic { Volatility::Immutable } else { Volatility::Volatile };
        PythonScalarUdf {
            signature: Signature::exact(input_types, volatility),
            function,
            return_field,
            input_type_json,
            runner_conf,
            max_records_per_batch: max_records_per_batch.max(1),
            keywords: Vec::new(),
            chained: Vec::new(),
        }
    }

    /// This UDF applied to the result of `inner`, a UDF of the same eval
    /// type: one UDF on `inner`'s arguments that runs both in the same
    /// Python call, as Spark chains them (the inner result is not converted
    /// to its declared type first). `None` for another eval type.
    pub fn chained_after(self, inner: &PythonScalarUdf) -> Option<Self> {
        if inner.function.eval_type != self.function.eval_type {
            return None;
        }
        let mut chained = inner.chained.clone();
        chained.push(inner.function.command.clone());
        let deterministic = self.function.deterministic && inner.function.deterministic;
        let volatility = if deterministic { Volatility::Immutable } else { Volatility::Volatile };
        Some(PythonScalarUdf {
            function: PythonFunction { deterministic, ..self.function },
            signature: Signature::new(inner.signature.type_signature.clone(), volatility),
            input_type_json: inner.input_type_json.clone(),
            keywords: inner.keywords.clone(),
            chained,
            ..self
        })
    }

    /// The same UDF with the arguments that have a keyword passed by name.
    pub fn with_keywords(self, keywords: Vec<Option<String>>) -> Self {
        PythonScalarUdf { keywords, ..self }
    }

    fn header(&self, arity: usize) -> serde_json::Value {
        let mut udf = arguments(&self.keywords, arity);
        if !self.chained.is_empty() {
            udf["chained"] = serde_json::Value::from(self.chained.len() + 1);
        }
        serde_json::json!({
            "eval_type": self.function.eval_type,
            "python_ver": self.function.python_ver,
            "udfs": [udf],
            "runner_conf": self.runner_conf.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
            "input_type": self.input_type_json,
        })
    }

    /// Whether the function takes an iterator of batches (scalar iterator
    /// `pandas_udf` and `arrow_udf`), which Spark gives one iterator per partition.
    pub(crate) fn is_iterator(&self) -> bool {
        is_iterator_eval_type(self.function.eval_type)
    }

    /// The arguments' rows in batches of `spark.sql.execution.arrow.maxRecordsPerBatch`.
    pub(crate) fn slices(&self, input: &RecordBatch) -> Vec<RecordBatch> {
        let rows = input.num_rows();
        (0..rows).step_by(self.max_records_per_batch).map(|offset| input.slice(offset, self.max_records_per_batch.min(rows - offset))).collect()
    }

    /// The function's results on `batches` of arguments (`_0`, `_1`, …)
    /// sent in one worker call: one iterator over them.
    fn call_python(&self, batches: &[RecordBatch]) -> Result<ArrayRef, SparkError> {
        self.call_python_in_partition(batches, 0)
    }

    /// [`Self::call_python`] for partition `partition` (which
    /// `TaskContext.partitionId()` gives).
    pub(crate) fn call_python_in_partition(&self, batches: &[RecordBatch], partition: usize) -> Result<ArrayRef, SparkError> {
        let Some(first) = batches.first() else { return Ok(new_empty_array(self.return_field.data_type())) };
        let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
        let mut header = self.header(first.num_columns());
        header["partition_id"] = serde_json::Value::from(partition);
        let commands: Vec<&[u8]> = self.chained.iter().chain([&self.function.command]).map(|c| c.as_slice()).collect();
        let output = pool()?.call(&header, &commands, &[(&first.schema(), batches)])?;
        if output.num_columns() != 1 || output.num_rows() != rows {
            return Err(SparkError::internal(format!(
                "the Python worker returned {} rows in {} columns for {} rows",
                output.num_rows(),
                output.num_columns(),
                rows
            )));
        }
        let column = output.column(0);
        let return_type = self.return_field.data_type();
        if column.data_type() == return_type { Ok(column.clone()) } else { Ok(cast(column, return_type)?) }
    }
}

impl ScalarUDFImpl for PythonScalarUdf {
    fn name(&self) -> &str {
        &self.function.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(self.return_field.data_type().clone())
    }

    fn return_field_from_args(&self, _: ReturnFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(self.return_field.clone().with_name(self.name()).with_nullable(true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        if rows == 0 {
            return Ok(ColumnarValue::Array(new_empty_array(self.return_field.data_type())));
        }
        let columns = args.args.iter().map(|a| a.to_array(rows)).collect::<Result<Vec<_>>>()?;
        let fields: Vec<Field> =
            columns.iter().enumerate().map(|(i, c)| Field::new(format!("_{i}"), c.data_type().clone(), true)).collect();
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        let input = RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?;
        let results =
            self.slices(&input).iter().map(|slice| self.call_python(std::slice::from_ref(slice))).collect::<Result<Vec<_>, _>>().map_err(SparkError::into_datafusion)?;
        let result = match results.as_slice() {
            [single] => single.clone(),
            many => concat(&many.iter().map(|a| a.as_ref()).collect::<Vec<_>>())?,
        };
        Ok(ColumnarValue::Array(result))
    }
}
