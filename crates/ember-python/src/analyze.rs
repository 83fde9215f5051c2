//! A Python table function's static `analyze` method: run when a `udtf`
//! has no declared return type, on the call's argument types and constant
//! values, it gives the output schema and what the function asks of its
//! table argument (partitioning, ordering, selected columns).

use std::sync::Arc;

use arrow::array::{Array, BinaryArray, RecordBatch, StringArray};
use arrow::datatypes::{Field, Schema};
use ember_errors::{ErrorKind, SparkError};

use crate::PythonFunction;
use crate::pool::pool;

/// How one argument of the call is described to `analyze`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzeArgument {
    /// The keyword of a named argument (`a => 10`), or `None` for a positional one.
    pub name: Option<String>,
    /// Whether the argument is a constant (its value is then given).
    pub constant: bool,
    /// Whether the argument is a table (`TABLE(t)`).
    pub table: bool,
}

/// A column the function wants its table argument sorted by.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct OrderingColumn {
    /// A column name (or SQL expression) of the table argument.
    pub name: String,
    /// Ascending order.
    pub ascending: bool,
    /// Where nulls go, when the function overrides the default.
    pub nulls_first: Option<bool>,
}

/// A column of the table argument the function wants, under an alias.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct SelectedColumn {
    /// A column name (or SQL expression) of the table argument.
    pub name: String,
    /// The name the function sees, or empty for the column's own.
    pub alias: String,
}

/// What `analyze` answered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct UdtfAnalysis {
    /// The output row type as Spark's struct JSON.
    pub schema: String,
    /// Whether the table argument must be one partition.
    pub with_single_partition: bool,
    /// Columns the table argument must be partitioned by.
    pub partition_by: Vec<String>,
    /// Columns each partition of the table argument must be sorted by.
    pub order_by: Vec<OrderingColumn>,
    /// Columns of the table argument the function sees.
    pub select: Vec<SelectedColumn>,
    /// The pickled `AnalyzeResult`, given to the function's constructor.
    #[serde(skip)]
    pub pickled_result: Vec<u8>,
}

impl UdtfAnalysis {
    /// Whether `analyze` asked for its table argument partitioned, sorted
    /// or narrowed to some columns.
    pub fn requires_table_layout(&self) -> bool {
        self.with_single_partition || !self.partition_by.is_empty() || !self.order_by.is_empty() || !self.select.is_empty()
    }
}

/// Runs the function's `analyze` on the arguments: `values` is one row
/// holding each argument's value (null where not constant), its columns
/// typed as `input_type_json` (Spark's struct JSON) says.
pub fn analyze_table_function(
    function: &PythonFunction,
    arguments: &[AnalyzeArgument],
    values: &RecordBatch,
    input_type_json: &str,
    runner_conf: &[(String, String)],
) -> Result<UdtfAnalysis, SparkError> {
    let header = serde_json::json!({
        "eval_type": function.eval_type,
        "python_ver": function.python_ver,
        "udfs": [{"args": []}],
        "analyze": {
            "name": function.name,
            "args": arguments.iter().map(|a| serde_json::json!({
                "name": a.name, "constant": a.constant, "table": a.table,
            })).collect::<Vec<_>>(),
        },
        "runner_conf": runner_conf.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<_, _>>(),
        "input_type": input_type_json,
    });
    let schema = values.schema();
    let answer = pool()?
        .call_or_traceback(&header, &[function.command.as_slice()], &[(&schema, std::slice::from_ref(values))])?
        .map_err(|traceback| analysis_failed(&traceback))?;
    parse_answer(&answer)
}

fn parse_answer(answer: &RecordBatch) -> Result<UdtfAnalysis, SparkError> {
    let malformed = || SparkError::internal("malformed analysis from the Python worker");
    let analysis = answer.column_by_name("analysis").and_then(|c| c.as_any().downcast_ref::<StringArray>()).ok_or_else(malformed)?;
    let pickled = answer.column_by_name("pickled").and_then(|c| c.as_any().downcast_ref::<BinaryArray>()).ok_or_else(malformed)?;
    if analysis.len() != 1 || pickled.len() != 1 {
        return Err(malformed());
    }
    let mut parsed: UdtfAnalysis = serde_json::from_str(analysis.value(0)).map_err(|_| malformed())?;
    parsed.pickled_result = pickled.value(0).to_vec();
    Ok(parsed)
}

/// Spark's `TABLE_VALUED_FUNCTION_FAILED_TO_ANALYZE_IN_PYTHON`: the
/// analyzer's own checks give their message, user code its traceback.
fn analysis_failed(traceback: &str) -> SparkError {
    const VALUE_ERROR: &str = "PySparkValueError: ";
    let message = match traceback.rfind(VALUE_ERROR) {
        Some(at) => &traceback[at + VALUE_ERROR.len()..],
        None => traceback,
    };
    let message = message.trim();
    SparkError::new(
        ErrorKind::Analysis,
        "TABLE_VALUED_FUNCTION_FAILED_TO_ANALYZE_IN_PYTHON",
        "38000",
        format!("Failed to analyze the Python user defined table function: {message}"),
        &[("msg", message.to_string())],
    )
}

/// The one-row batch of argument values `analyze_table_function` takes,
/// from each argument's one-element array.
pub fn argument_values(columns: Vec<Arc<dyn Array>>) -> Result<RecordBatch, SparkError> {
    let fields: Vec<Field> =
        columns.iter().enumerate().map(|(i, c)| Field::new(format!("_{i}"), c.data_type().clone(), true)).collect();
    let options = arrow::array::RecordBatchOptions::new().with_row_count(Some(1));
    Ok(RecordBatch::try_new_with_options(Arc::new(Schema::new(fields)), columns, &options)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_analyzers_own_errors_keep_only_their_message() {
        let error = analysis_failed("Traceback (most recent call last):\n  ...\npyspark.errors.exceptions.base.PySparkValueError: Failed to evaluate 'f'\n");
        assert_eq!(error.error_class, "TABLE_VALUED_FUNCTION_FAILED_TO_ANALYZE_IN_PYTHON");
        assert_eq!(error.message, "Failed to analyze the Python user defined table function: Failed to evaluate 'f'");
    }

    #[test]
    fn user_errors_keep_their_traceback() {
        let traceback = "Traceback (most recent call last):\n  File \"x.py\", line 3, in analyze\nException: no\n";
        assert!(analysis_failed(traceback).message.ends_with("in analyze\nException: no"));
    }

    #[test]
    fn answers_are_read_from_json_and_bytes() {
        let json = r#"{"schema": "{}", "with_single_partition": false, "partition_by": ["a"],
            "order_by": [{"name": "b", "ascending": false, "nulls_first": null}], "select": []}"#;
        let batch = RecordBatch::try_from_iter(vec![
            ("analysis", Arc::new(StringArray::from(vec![json])) as Arc<dyn Array>),
            ("pickled", Arc::new(BinaryArray::from(vec![&b"p"[..]])) as Arc<dyn Array>),
        ])
        .unwrap();
        let analysis = parse_answer(&batch).unwrap();
        assert_eq!(analysis.partition_by, vec!["a"]);
        assert!(!analysis.order_by[0].ascending);
        assert_eq!(analysis.pickled_result, b"p");
    }
}
