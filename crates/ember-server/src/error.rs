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
    let classes = exception_classes(err);
    let mut metadata = HashMap::new();
    metadata.insert("classes".to_string(), serde_json::to_string(&classes).unwrap_or_default());
    if !err.error_class.is_empty() {
        metadata.insert("errorClass".to_string(), err.error_class.clone());
    }
    if !err.sql_state.is_empty() {
        metadata.insert("sqlState".to_string(), err.sql_state.clone());
    }
    let parameters = serde_json::to_string(&err.parameters).unwrap_or_default();
    if parameters.len() <= MAX_STATUS_PARAMETERS_BYTES {
        metadata.insert("messageParameters".to_string(), parameters);
    }
    let reason = classes.first().cloned().unwrap_or_default();
    if !err.query_contexts.is_empty() {
        // The client fetches the query contexts with `FetchErrorDetails`.
        metadata.insert("errorId".to_string(), crate::error_details::keep(classes, err));
    }
    let details = ErrorDetails::with_error_info(reason, "org.apache.spark", metadata);
    Status::with_error_details(Code::Internal, abbreviate(&err.message_with_context()), details)
}

/// The JVM exception class hierarchy of `err`, which the client maps to its
/// own exception class.
pub fn exception_classes(err: &SparkError) -> Vec<String> {
    let mut classes: Vec<String> = err.kind.classes().iter().map(|c| c.to_string()).collect();
    classes.extend(["java.lang.Exception", "java.lang.Throwable", "java.lang.Object"].map(String::from));
    classes
}

/// gRPC clients refuse a response whose metadata (the status message and its
/// details) passes 8 KiB, so long messages (Python tracebacks) are shortened
/// and large message parameters left out, as Spark leaves them out past its
/// metadata limit. The message is sent twice (percent-encoded in
/// `grpc-message`, base64-encoded in the details), hence 2 KiB.
const MAX_STATUS_MESSAGE_BYTES: usize = 2048;
const MAX_STATUS_PARAMETERS_BYTES: usize = 1024;
/// How much of the start of a shortened message is kept; the rest of the
/// budget goes to its end, where a traceback names the exception.
const KEPT_MESSAGE_HEAD_BYTES: usize = 1024;

fn abbreviate(message: &str) -> String {
    if message.len() <= MAX_STATUS_MESSAGE_BYTES {
        return message.to_string();
    }
    let head_end = floor_char_boundary(message, KEPT_MESSAGE_HEAD_BYTES);
    let mut tail_start = message.len() - (MAX_STATUS_MESSAGE_BYTES - KEPT_MESSAGE_HEAD_BYTES);
    while !message.is_char_boundary(tail_start) {
        tail_start += 1;
    }
    format!("{}\n...\n{}", &message[..head_end], &message[tail_start..])
}

fn floor_char_boundary(text: &str, mut index: usize) -> usize {
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_messages_keep_their_start_and_end() {
        let message = format!("start{}é{}end", "x".repeat(5000), "y".repeat(5000));
        let short = abbreviate(&message);
        assert!(short.len() <= MAX_STATUS_MESSAGE_BYTES + 5);
        assert!(short.starts_with("startx") && short.ends_with("yend") && short.contains("\n...\n"));
        assert_eq!(abbreviate("short"), "short");
    }

    #[test]
    fn a_long_traceback_with_large_parameters_fits_in_the_metadata() {
        let line = "  File \"/site-packages/pyspark/worker.py\", line 1538, in convert_rows_to_arrow\n";
        let mut err = SparkError::internal(line.repeat(200));
        err.parameters.insert("msg".to_string(), "z".repeat(MAX_STATUS_PARAMETERS_BYTES - 20));
        let status = to_status(&err);
        let percent_encoded: usize = status.message().bytes().map(|b| if (0x20..0x7f).contains(&b) && b != b'%' { 1 } else { 3 }).sum();
        let details_base64 = status.details().len().div_ceil(3) * 4;
        assert!(percent_encoded + details_base64 < 7 * 1024, "{percent_encoded} + {details_base64}");
    }

    #[test]
    fn large_parameters_stay_out_of_the_status() {
        let mut err = SparkError::internal("boom");
        err.parameters.insert("trace".to_string(), "z".repeat(2 * MAX_STATUS_PARAMETERS_BYTES));
        let status = to_status(&err);
        let info = status.get_error_details().error_info().cloned().expect("error info");
        assert!(!info.metadata.contains_key("messageParameters"));
    }
}
