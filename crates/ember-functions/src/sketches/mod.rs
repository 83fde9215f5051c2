//! Spark's sketch functions over Apache DataSketches (the `datasketches`
//! crate, whose serialized forms are those of the Java library Spark uses):
//! KLL quantile sketches (`kll_*`), Theta sketches (`theta_*`) and Tuple
//! sketches with integer or double summaries (`tuple_*`), HLL sketches
//! (`hll_*`); and Spark's own
//! Count-Min sketch and bitmaps. Sketches travel between functions as
//! BINARY values.

mod aggregate;
pub mod bitmap;
pub mod count_min;
pub mod hll;
mod keys;
pub mod kll;
pub mod theta;
pub mod tuple;

pub use aggregate::{SketchAggregate, SketchKind};
pub use keys::is_key_type;

use datafusion::common::DataFusionError;
use ember_errors::{ErrorKind, SparkError};

/// The sketch families, as Spark's error classes name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    Kll,
    Theta,
    Tuple,
}

/// The error for a BINARY value that is not a sketch `function` can read
/// (Spark's `KLL_`/`THETA_`/`TUPLE_INVALID_INPUT_SKETCH_BUFFER`).
pub(crate) fn invalid_sketch(family: Family, function: &str) -> DataFusionError {
    let (class, producer) = match family {
        Family::Kll => ("KLL_INVALID_INPUT_SKETCH_BUFFER", "KLL sketch buffers are supported as inputs (such as those produced by the `kll_sketch_agg` function)"),
        Family::Theta => ("THETA_INVALID_INPUT_SKETCH_BUFFER", "Theta sketch buffers are supported as inputs (such as those produced by the `theta_sketch_agg` function)"),
        Family::Tuple => (
            "TUPLE_INVALID_INPUT_SKETCH_BUFFER",
            "Tuple sketch buffers are supported as inputs (such as those produced by the corresponding `tuple_sketch_agg_*` function)",
        ),
    };
    SparkError::new(
        ErrorKind::Runtime,
        class,
        "22000",
        format!("Invalid call to `{function}`; only valid {producer}."),
        &[("function", format!("`{function}`"))],
    )
    .into_datafusion()
}

/// Spark's `KLL_SKETCH_INVALID_QUANTILE_RANGE`: a rank outside [0, 1].
pub(crate) fn invalid_rank(function: &str) -> DataFusionError {
    SparkError::new(
        ErrorKind::Runtime,
        "KLL_SKETCH_INVALID_QUANTILE_RANGE",
        "22003",
        format!("For function `{function}`, the quantile value must be between 0.0 and 1.0 (inclusive)."),
        &[("functionName", format!("`{function}`"))],
    )
    .into_datafusion()
}
