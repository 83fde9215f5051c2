//! Observed metrics (`DataFrame.observe`): each observation's aggregation
//! is run after its query and its row sent to the client as Spark Connect
//! `ObservedMetrics`, which fill the client's `Observation`.

use datafusion::arrow::array::{Array, ArrayRef};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::dataframe::DataFrame;
use datafusion::execution::context::SessionContext;
use ember_planner::SparkError;
use ember_planner::observe::Observation;
use ember_protocol::connect::{self, execute_plan_response::ObservedMetrics, expression::literal::{self, LiteralType}};

/// Runs the observations and gives their metrics as the client expects them.
/// When one fails, every observation of the query carries that error instead,
/// which the client raises from `Observation.get`, as with Spark (the query
/// itself succeeded).
pub async fn observed_metrics(ctx: &SessionContext, observations: Vec<Observation>) -> Vec<ObservedMetrics> {
    let mut metrics = Vec::new();
    let mut failure = None;
    for observation in observations {
        let (name, keys, plan_id) = (observation.name.clone(), observation.keys.clone(), observation.plan_id);
        let values = match metric_values(ctx, observation).await {
            Ok(values) => values,
            Err(err) => {
                failure.get_or_insert(err);
                Vec::new()
            }
        };
        metrics.push(ObservedMetrics { name, values, keys, plan_id, ..Default::default() });
    }
    if let Some(err) = failure {
        let error = crate::error_details::error_details(crate::error::exception_classes(&err), &err);
        for observed in &mut metrics {
            observed.values.clear();
            observed.root_error_idx = Some(0);
            observed.errors = vec![error.clone()];
        }
    }
    metrics
}

/// The observation's metrics: its aggregation's row.
async fn metric_values(ctx: &SessionContext, observation: Observation) -> Result<Vec<connect::expression::Literal>, SparkError> {
    let batches = DataFrame::new(ctx.state(), observation.plan).collect().await?;
    let mut values = Vec::new();
    if let Some(batch) = batches.iter().find(|b| b.num_rows() > 0) {
        for column in batch.columns() {
            values.push(literal(&ScalarValue::try_from_array(column, 0)?));
        }
    }
    Ok(values)
}

/// A metric value as a Connect literal (NULL for types metrics rarely have).
fn literal(value: &ScalarValue) -> connect::expression::Literal {
    let literal_type = match value {
        ScalarValue::Boolean(Some(v)) => LiteralType::Boolean(*v),
        ScalarValue::Int8(Some(v)) => LiteralType::Byte(*v as i32),
        ScalarValue::Int16(Some(v)) => LiteralType::Short(*v as i32),
        ScalarValue::Int32(Some(v)) => LiteralType::Integer(*v),
        ScalarValue::Int64(Some(v)) => LiteralType::Long(*v),
        ScalarValue::UInt64(Some(v)) => LiteralType::Long(*v as i64),
        ScalarValue::Float32(Some(v)) => LiteralType::Float(*v),
        ScalarValue::Float64(Some(v)) => LiteralType::Double(*v),
        ScalarValue::Decimal128(Some(v), precision, scale) => {
            LiteralType::Decimal(connect::expression::literal::Decimal {
                value: ScalarValue::Decimal128(Some(*v), *precision, *scale).to_string(),
                precision: Some(*precision as i32),
                scale: Some(*scale as i32),
            })
        }
        ScalarValue::Utf8(Some(v)) | ScalarValue::LargeUtf8(Some(v)) | ScalarValue::Utf8View(Some(v)) => {
            LiteralType::String(v.clone())
        }
        ScalarValue::Date32(Some(v)) => LiteralType::Date(*v),
        ScalarValue::TimestampMicrosecond(Some(v), Some(_)) => LiteralType::Timestamp(*v),
        ScalarValue::TimestampMicrosecond(Some(v), None) => LiteralType::TimestampNtz(*v),
        ScalarValue::List(list) if !list.is_null(0) => {
            let DataType::List(element) = list.data_type() else { unreachable!("a list scalar has a list type") };
            #[allow(deprecated)]
            LiteralType::Array(literal::Array {
                element_type: spark_type(element.data_type()),
                elements: elements(&list.value(0)),
            })
        }
        ScalarValue::Map(map) if !map.is_null(0) => {
            let entries = map.value(0);
            let (keys, values) = (entries.column(0), entries.column(1));
            #[allow(deprecated)]
            LiteralType::Map(literal::Map {
                key_type: spark_type(keys.data_type()),
                value_type: spark_type(values.data_type()),
                keys: elements(keys),
                values: elements(values),
            })
        }
        ScalarValue::Struct(fields) if !fields.is_null(0) => {
            #[allow(deprecated)]
            LiteralType::Struct(literal::Struct {
                struct_type: spark_type(fields.data_type()),
                elements: fields.columns().iter().map(|c| element(c, 0)).collect(),
            })
        }
        _ => LiteralType::Null(connect::DataType::default()),
    };
    connect::expression::Literal { literal_type: Some(literal_type), ..Default::default() }
}

/// The Connect type of an engine type, if it has one.
fn spark_type(data_type: &DataType) -> Option<connect::DataType> {
    ember_types::to_proto(data_type).ok()
}

/// Each value of `array` as a literal.
fn elements(array: &ArrayRef) -> Vec<connect::expression::Literal> {
    (0..array.len()).map(|i| element(array, i)).collect()
}

fn element(array: &ArrayRef, index: usize) -> connect::expression::Literal {
    match ScalarValue::try_from_array(array, index) {
        Ok(value) => literal(&value),
        Err(_) => literal(&ScalarValue::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_values_become_literals() {
        assert_eq!(literal(&ScalarValue::Int64(Some(3))).literal_type, Some(LiteralType::Long(3)));
        assert_eq!(literal(&ScalarValue::Float64(Some(1.5))).literal_type, Some(LiteralType::Double(1.5)));
        assert!(matches!(literal(&ScalarValue::Int32(None)).literal_type, Some(LiteralType::Null(_))));
    }
}
