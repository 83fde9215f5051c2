//! Spark's file data sources for Ember: `spark.read` of parquet, csv, json
//! and text files with Spark's options, listing and schema inference, and
//! `df.write` with Spark's save modes, file names, partition folders and an
//! all-or-nothing commit.

mod compression;
mod csv;
mod discovery;
pub mod errors;
mod json;
pub mod options;
pub mod partition;
pub mod paths;
mod read;
mod text_values;
mod write;
mod writers;

pub use options::Options;
pub use read::{ReadRequest, plan_read};
pub use write::{SaveMode, WriteRequest, write};
pub use writers::OutputFormat;
