//! Spark's rules for column and table names (see `ember_types::names`).

pub use ember_types::names::*;
