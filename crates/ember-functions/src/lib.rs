//! Spark SQL functions implemented for Ember.
//!
//! [`display`] renders Arrow values the way Spark prints them (`show()`, `CAST(x AS STRING)`),
//! and [`show`] lays out whole record batches like `Dataset.showString` / `Dataset.htmlString`.

pub mod display;
pub mod show;
