//! Spark-style errors (see the `ember-errors` crate).

pub use ember_errors::*;
