//! Spark's analysis checks of an explicit window frame: the bounds' order
//! (`SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON`) and, for RANGE frames with
//! value bounds, their types against the window's ordering.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_protocol::connect;
use ember_protocol::connect::expression::window::window_frame::{FrameType, frame_boundary::Boundary};

use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::Planner;

/// What Spark's messages list as the types a RANGE bound may have.
const RANGE_BOUND_TYPES: &str = "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\")";

/// A value bound of a frame: its type and, for a number, its signed value.
struct ValueBound {
    data_type: DataType,
    value: Option<f64>,
}

/// The window a frame is checked in, with Spark's SQL texts.
pub(crate) struct FramedWindow<'a> {
    pub order_types: &'a [DataType],
    pub order_texts: &'a [String],
    /// `RANGE BETWEEN … AND …`.
    pub frame_sql: &'a str,
    /// The whole specification, without parentheses.
    pub spec_sql: &'a str,
}

impl Planner<'_> {
    /// Fails as Spark's analysis does for a frame whose lower bound lies
    /// past its upper one, and for a RANGE frame with value bounds over no
    /// ordering, several orderings, or bounds of a type the ordering's
    /// type cannot be offset by.
    pub(crate) fn check_frame_bounds(&mut self, spec: &connect::expression::window::WindowFrame, window: &FramedWindow, input: &LogicalPlan) -> Result<()> {
        let range = FrameType::try_from(spec.frame_type).unwrap_or(FrameType::Undefined) == FrameType::Range;
        // Spark casts a RANGE frame's bounds to the type of a single ordering that is not a date or timestamp.
        let cast_to = match window.order_types {
            [single] if range && !matches!(single, DataType::Date32 | DataType::Timestamp(..)) => Some(single),
            _ => None,
        };
        let mut bounds = Vec::new();
        for (boundary, location) in [(spec.lower.as_deref(), "lower"), (spec.upper.as_deref(), "upper")] {
            let Some(Boundary::Value(value)) = boundary.and_then(|b| b.boundary.as_ref()) else {
                bounds.push(None);
                continue;
            };
            let (expr, _) = self.plan_expr(value, input)?;
            let mut data_type = self.type_of(&expr, input)?;
            if let Some(target) = cast_to.filter(|t| **t != data_type && castable_bound(t)) {
                data_type = target.clone();
            }
            if range && !(data_type.is_numeric() || is_interval(&data_type)) {
                return Err(mismatch(
                    "SPECIFIED_WINDOW_FRAME_UNACCEPTED_TYPE",
                    window.frame_sql,
                    format!("The data type of the {location} bound \"{}\" does not match the expected data type {RANGE_BOUND_TYPES}.", sql_type(&data_type)),
                    vec![("location", location.to_string()), ("exprType", format!("\"{}\"", sql_type(&data_type))), ("expectedType", RANGE_BOUND_TYPES.to_string())],
                ));
            }
            bounds.push(Some(ValueBound { data_type, value: signed_value(&expr) }));
        }
        if let [Some(ValueBound { value: Some(lower), .. }), Some(ValueBound { value: Some(upper), .. })] = bounds.as_slice() {
            if lower > upper {
                return Err(mismatch(
                    "SPECIFIED_WINDOW_FRAME_WRONG_COMPARISON",
                    window.frame_sql,
                    "The lower bound of a window frame must be less than or equal to the upper bound.".to_string(),
                    vec![("comparison", "less than or equal".to_string())],
                ));
            }
        }
        let Some(first) = bounds.iter().flatten().next().filter(|_| range) else { return Ok(()) };
        let spec_sql = format!("({})", window.spec_sql);
        match window.order_types {
            [] => Err(mismatch("RANGE_FRAME_WITHOUT_ORDER", &spec_sql, "A range window frame cannot be used in an unordered window specification.".to_string(), vec![])),
            [order] if valid_range_offset(order, &first.data_type) => Ok(()),
            [order] => Err(mismatch(
                "RANGE_FRAME_INVALID_TYPE",
                &spec_sql,
                format!(
                    "The data type \"{}\" used in the order specification does not support the data type \"{}\" which is used in the range frame.",
                    sql_type(order),
                    sql_type(&first.data_type)
                ),
                vec![("orderSpecType", format!("\"{}\"", sql_type(order))), ("valueBoundaryType", format!("\"{}\"", sql_type(&first.data_type)))],
            )),
            _ => {
                let order_spec = window.order_texts.join(",");
                Err(mismatch(
                    "RANGE_FRAME_MULTI_ORDER",
                    &spec_sql,
                    format!("A range window frame with value boundaries cannot be used in a window specification with multiple order by expressions: {order_spec}."),
                    vec![("orderSpec", order_spec)],
                ))
            }
        }
    }
}

/// Whether Spark casts a bound to an ordering of this type.
fn castable_bound(order_type: &DataType) -> bool {
    order_type.is_numeric() || matches!(order_type, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Boolean)
}

fn is_interval(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Interval(_) | DataType::Duration(_))
}

/// Spark's `isValidFrameType`: dates move by days or intervals, timestamps
/// by intervals, anything else by its own type.
fn valid_range_offset(order: &DataType, bound: &DataType) -> bool {
    match order {
        DataType::Date32 => matches!(bound, DataType::Int32) || is_interval(bound),
        DataType::Timestamp(..) => is_interval(bound),
        other => other == bound,
    }
}

/// A numeric bound's value with its sign (`-1` is `(- 1)`).
fn signed_value(expr: &Expr) -> Option<f64> {
    match expr {
        Expr::Negative(inner) => signed_value(inner).map(|v| -v),
        Expr::Literal(value, _) if value.data_type().is_numeric() => value.cast_to(&DataType::Float64).ok().and_then(|v| match v {
            ScalarValue::Float64(v) => v,
            _ => None,
        }),
        _ => None,
    }
}

fn sql_type(data_type: &DataType) -> String {
    ember_types::sql_string(data_type)
}

fn mismatch(class: &str, sql: &str, detail: String, mut parameters: Vec<(&str, String)>) -> SparkError {
    let sql_expr = format!("\"{sql}\"");
    parameters.insert(0, ("sqlExpr", sql_expr.clone()));
    SparkError::new(
        ErrorKind::Analysis,
        &format!("DATATYPE_MISMATCH.{class}"),
        "42K09",
        format!("Cannot resolve {sql_expr} due to data type mismatch: {detail}"),
        &parameters,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_move_by_days_and_timestamps_by_intervals() {
        assert!(valid_range_offset(&DataType::Date32, &DataType::Int32));
        assert!(!valid_range_offset(&DataType::Date32, &DataType::Int64));
        assert!(!valid_range_offset(&DataType::Timestamp(datafusion::arrow::datatypes::TimeUnit::Microsecond, None), &DataType::Int64));
        assert!(valid_range_offset(&DataType::Int64, &DataType::Int64));
    }

    #[test]
    fn negated_literals_keep_their_sign() {
        assert_eq!(signed_value(&Expr::Negative(Box::new(datafusion::logical_expr::lit(2i64)))), Some(-2.0));
        assert_eq!(signed_value(&datafusion::logical_expr::lit("x")), None);
    }
}
