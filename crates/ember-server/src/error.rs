//! Spark errors as gRPC statuses that the PySpark client turns back into
//! its own exceptions (`AnalysisException`, `ParseException`, …).

use std::collections::HashMap;

use ember_planner::SparkError;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

/// Encodes a Spark error as Spark Connect does: an `INTERNAL` status whose
/// `ErrorInfo` carries the class hierarchy, error class, SQLSTATE and
/// message parameters.
pub fn to_status(err: &SparkError) -> Status {
    let mut classes: Vec<String> = err.kind.classes().iter().map(|c| c.to_string()).collect();
    classes.extend(["java.lang.Exception", "java.lang.Throwable", "java.lang.Object"].map(String::from));
    let mut metadata = HashMap::new();
    metadata.insert("classes".to_string(), serde_json::to_string(&classes).unwrap_or_default());
    if !err.error_class.is_empty() {
        metadata.insert("errorClass".to_string(), err.error_class.clone());
    }
    if !err.sql_state.is_empty() {
        metadata.insert("sqlState".to_string(), err.sql_state.clone());
    }
    metadata.insert("messageParameters".to_string(), serde_json::to_string(&err.parameters).unwrap_or_default());
    let reason = classes.first().cloned().unwrap_or_default();
    let details = ErrorDetails::with_error_info(reason, "org.apache.spark", metadata);
    Status::with_error_details(Code::Internal, err.full_message(), details)
}

/// A panic inside one request, reported to that client only.
pub fn panic_error(payload: &(dyn std::any::Any + Send)) -> SparkError {
    let message = payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".to_string());
    SparkError::internal(format!("Ember failed while running this request: {message}"))
}
