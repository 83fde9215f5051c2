//! Spark SQL functions implemented for Ember.
//!
//! [`cast`] is Spark's CAST; [`constructors`] builds arrays, maps and structs; [`display`] renders Arrow values the way Spark prints them (`show()`, `CAST(x AS STRING)`),
//! and [`show`] lays out whole record batches like `Dataset.showString` / `Dataset.htmlString`.

pub mod arithmetic;
pub mod cast;
pub mod constructors;
pub mod datetime;
pub mod datetime_pattern;
pub mod display;
pub mod math;
pub mod nullability;
pub mod regex;
pub mod show;
