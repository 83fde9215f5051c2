//! The errors Spark raises for file sources.

use ember_errors::{ErrorKind, SparkError};

/// `[PATH_NOT_FOUND]`: an input path (or glob) matches nothing.
pub fn path_not_found(path: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "PATH_NOT_FOUND",
        "42K03",
        format!("Path does not exist: {path}."),
        &[("path", path.to_string())],
    )
}

/// `[PATH_ALREADY_EXISTS]`: a write in mode `error`/`errorifexists` found its destination.
pub fn path_already_exists(path: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "PATH_ALREADY_EXISTS",
        "42K04",
        format!("Path {path} already exists. Set mode as \"overwrite\" to overwrite the existing path."),
        &[("outputPath", path.to_string())],
    )
}

/// `[UNABLE_TO_INFER_SCHEMA]`: no files to infer a schema from.
pub fn unable_to_infer_schema(format: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "UNABLE_TO_INFER_SCHEMA",
        "42KD9",
        format!("Unable to infer schema for {format}. It must be specified manually."),
        &[("format", format.to_string())],
    )
}

/// An I/O failure while reading or writing files.
pub fn io(context: &str, err: impl std::fmt::Display) -> SparkError {
    SparkError::internal(format!("{context}: {err}"))
}
