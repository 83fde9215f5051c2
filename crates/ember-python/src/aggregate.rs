//! Grouped-aggregate Python UDFs (`pandas_udf` and `arrow_udf` returning a
//! scalar) as DataFusion aggregate functions: each group's argument values
//! are buffered and, when the group is complete, sent to a worker as one
//! Arrow batch; the function's one value is the group's result.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, RecordBatch, RecordBatchOptions, new_empty_array};
use arrow::compute::{cast, concat};
use arrow::datatypes::{DataType, Field, FieldRef, Schema};
use datafusion::common::ScalarValue;
use datafusion::common::utils::SingleRowListArrayBuilder;
use datafusion::error::Result;
use datafusion::logical_expr::function::{AccumulatorArgs, StateFieldsArgs};
use datafusion::logical_expr::utils::format_state_name;
use datafusion::logical_expr::{Accumulator, AggregateUDFImpl, Signature, Volatility};
use ember_errors::SparkError;

use crate::PythonFunction;
use crate::pool::pool;

/// Whether PySpark's eval type is a grouped aggregate: `pandas_udf` (202),
/// its iterator form (217), `arrow_udf` (252) and its iterator form (254).
pub fn is_aggregate_eval_type(eval_type: i32) -> bool {
    matches!(eval_type, 202 | 217 | 252 | 254)
}

/// One call of a grouped-aggregate Python UDF on given argument types.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct PythonAggregateUdf {
    call: Arc<AggregateCall>,
    signature: Signature,
}

/// What evaluating one group needs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct AggregateCall {
    function: PythonFunction,
    input_types: Vec<DataType>,
    return_type: DataType,
    /// The Spark types of the arguments as a struct's JSON (`_0`, `_1`, …).
    input_type_json: String,
    /// Session settings pyspark's worker reads (time zone, Arrow options).
    runner_conf: Vec<(String, String)>,
    /// Each argument's keyword when it is passed by name (`f(a => v)`).
    keywords: Vec<Option<String>>,
}

impl PythonAggregateUdf {
    /// An aggregate taking `input_types` (whose Spark form is
    /// `input_type_json`) and returning `return_type`.
    pub fn new(
        function: PythonFunction,
        input_types: Vec<DataType>,
        input_type_json: String,
        return_type: DataType,
        runner_conf: Vec<(String, String)>,
    ) -> Self {
        let volatility = if function.deterministic { Volatility::Immutable } else { Volatility::Volatile };
        PythonAggregateUdf {
            signature: Signature::exact(input_types.clone(), volatility),
            call: Arc::new(AggregateCall { function, input_types, return_type, input_type_json, runner_conf, keywords: Vec::new() }),
        }
    }

    /// The same aggregate with the arguments that have a keyword passed by name.
    pub fn with_keywords(self, keywords: Vec<Option<String>>) -> Self {
        let call = AggregateCall { keywords, ..Arc::unwrap_or_clone(self.call) };
        PythonAggregateUdf { call: Arc::new(call), ..self }
    }
}

impl AggregateUDFImpl for PythonAggregateUdf {
    fn name(&self) -> &str {
        &self.call.function.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(self.call.return_type.clone())
    }

    fn accumulator(&self, _: AccumulatorArgs) -> Result<Box<dyn Accumulator>> {
        Ok(Box::new(PythonAccumulator { call: self.call.clone(), values: vec![Vec::new(); self.call.input_types.len()] }))
    }

    /// The partial state: each argument's values so far, as one list.
    fn state_fields(&self, args: StateFieldsArgs) -> Result<Vec<FieldRef>> {
        Ok(self
            .call
            .input_types
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let list = DataType::List(Arc::new(Field::new_list_field(t.clone(), true)));
                Arc::new(Field::new(format_state_name(args.name, &format!("arg{i}")), list, true))
            })
            .collect())
    }
}

/// A group's argument values, buffered until the group is complete.
#[derive(Debug)]
struct PythonAccumulator {
    call: Arc<AggregateCall>,
    /// For each argument, its value arrays in arrival order.
    values: Vec<Vec<ArrayRef>>,
}

impl PythonAccumulator {
    fn argument(&self, i: usize) -> Result<ArrayRef> {
        let arrays: Vec<&dyn Array> = self.values[i].iter().map(|a| a.as_ref()).collect();
        if arrays.is_empty() {
            return Ok(new_empty_array(&self.call.input_types[i]));
        }
        Ok(concat(&arrays)?)
    }

    fn call_python(&self) -> Result<ScalarValue, SparkError> {
        let columns = (0..self.values.len()).map(|i| self.argument(i)).collect::<Result<Vec<_>>>().map_err(SparkError::from)?;
        let rows = columns.first().map(|c| c.len()).unwrap_or(0);
        let fields: Vec<Field> =
            columns.iter().enumerate().map(|(i, c)| Field::new(format!("_{i}"), c.data_type().clone(), true)).collect();
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        let input = RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?;
        let header = serde_json::json!({
            "eval_type": self.call.function.eval_type,
            "python_ver": self.call.function.python_ver,
            "udfs": [crate::udf::arguments(&self.call.keywords, input.num_columns())],
            "runner_conf": self.call.runner_conf.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
            "input_type": self.call.input_type_json,
        });
        let answer = pool()?.call(&header, &[self.call.function.command.as_slice()], &[(&input.schema(), &[input.clone()])])?;
        if answer.num_columns() != 1 || answer.num_rows() != 1 {
            return Err(SparkError::internal(format!(
                "the Python worker returned {} rows in {} columns for one group",
                answer.num_rows(),
                answer.num_columns()
            )));
        }
        let mut column = answer.column(0).clone();
        if column.data_type() != &self.call.return_type {
            column = cast(&column, &self.call.return_type)?;
        }
        Ok(ScalarValue::try_from_array(&column, 0)?)
    }
}

impl Accumulator for PythonAccumulator {
    fn update_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        for (buffer, array) in self.values.iter_mut().zip(values) {
            buffer.push(array.clone());
        }
        Ok(())
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> Result<()> {
        for (buffer, state) in self.values.iter_mut().zip(states) {
            let lists = state.as_list::<i32>();
            buffer.extend(lists.iter().flatten());
        }
        Ok(())
    }

    /// A sliding window frame drops its oldest rows: the first ones buffered.
    fn retract_batch(&mut self, values: &[ArrayRef]) -> Result<()> {
        let retracted = values.first().map(|v| v.len()).unwrap_or(0);
        for i in 0..self.values.len() {
            let all = self.argument(i)?;
            let kept = retracted.min(all.len());
            self.values[i] = vec![all.slice(kept, all.len() - kept)];
        }
        Ok(())
    }

    fn supports_retract_batch(&self) -> bool {
        true
    }

    fn state(&mut self) -> Result<Vec<ScalarValue>> {
        (0..self.values.len()).map(|i| Ok(SingleRowListArrayBuilder::new(self.argument(i)?).build_list_scalar())).collect()
    }

    fn evaluate(&mut self) -> Result<ScalarValue> {
        self.call_python().map_err(SparkError::into_datafusion)
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self) + self.values.iter().flatten().map(|a| a.get_array_memory_size()).sum::<usize>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Int64Array;

    fn accumulator() -> PythonAccumulator {
        let function = PythonFunction {
            name: "f".into(),
            eval_type: 202,
            command: Arc::new(Vec::new()),
            python_ver: "3.11".into(),
            deterministic: true,
        };
        let udf = PythonAggregateUdf::new(function, vec![DataType::Int64], String::new(), DataType::Float64, Vec::new());
        PythonAccumulator { call: udf.call.clone(), values: vec![Vec::new()] }
    }

    #[test]
    fn partial_states_carry_the_values_to_the_final_group() {
        let mut partial = accumulator();
        partial.update_batch(&[Arc::new(Int64Array::from(vec![1, 2]))]).unwrap();
        partial.update_batch(&[Arc::new(Int64Array::from(vec![None, Some(4)]))]).unwrap();
        let ScalarValue::List(state) = &partial.state().unwrap()[0] else { panic!("state is a list") };
        let mut last = accumulator();
        last.merge_batch(&[state.clone() as ArrayRef]).unwrap();
        last.update_batch(&[Arc::new(Int64Array::from(vec![5]))]).unwrap();
        assert_eq!(last.argument(0).unwrap().as_ref(), &Int64Array::from(vec![Some(1), Some(2), None, Some(4), Some(5)]) as &dyn Array);
    }

    #[test]
    fn a_sliding_frame_retracts_its_oldest_rows() {
        let mut window = accumulator();
        window.update_batch(&[Arc::new(Int64Array::from(vec![1, 2]))]).unwrap();
        window.update_batch(&[Arc::new(Int64Array::from(vec![3]))]).unwrap();
        window.retract_batch(&[Arc::new(Int64Array::from(vec![1, 2]))]).unwrap();
        assert_eq!(window.argument(0).unwrap().as_ref(), &Int64Array::from(vec![3]) as &dyn Array);
    }

    #[test]
    fn aggregate_eval_types() {
        assert!([202, 217, 252, 254].into_iter().all(is_aggregate_eval_type));
        assert!(!is_aggregate_eval_type(200));
    }
}
