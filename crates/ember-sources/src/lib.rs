//! Spark's file data sources for Ember: `spark.read` of parquet, csv, json,
//! text, orc, avro and binary files with Spark's options, listing and schema inference, and
//! `df.write` with Spark's save modes, file names, partition folders and an
//! all-or-nothing commit.

mod avro;
mod avro_container;
mod bad_records;
mod bad_records_log;
mod binary_files;
pub mod blocking;
mod bucketing;
mod cells;
mod compression;
mod conform;
mod csv;
pub mod csv_functions;
mod csv_quoted;
mod csv_records;
mod csv_syntax;
mod csv_values;
mod datetime_values;
mod discovery;
mod input_files;
pub mod input_file_columns;
pub mod errors;
mod file_failures;
mod file_sample;
mod file_splits;
mod formats;
mod hadoop_blocks;
mod json;
mod lenient_timestamps;
mod line_sample;
pub mod json_functions;
pub mod xml_functions;
mod xml;
mod xml_schema;
mod json_records;
mod json_syntax;
mod modified_filter;
pub mod object_storage;
pub mod options;
mod orc;
mod orc_schema;
mod orc_write;
pub mod partition;
mod parquet_schema;
mod number_locale;
mod parse;
mod split_listing;
pub use split_listing::listing_of;
pub mod paths;
mod read;
mod record_scan;
mod text_encoding;
mod text_values;
mod write;
mod writers;

pub use formats::source_format;
pub use input_files::input_files;
pub use options::Options;
pub use parse::{ParseFormat, ParseRequest, plan_parse};
pub use read::{ReadRequest, plan_read};
pub use record_scan::RecordFilesExec;
pub use bucketing::Bucketing;
pub use write::{SaveMode, WriteRequest, write};
pub use writers::OutputFormat;
