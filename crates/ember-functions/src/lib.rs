//! Spark SQL functions implemented for Ember.
//!
//! [`cast`] is Spark's CAST; [`constructors`] builds arrays, maps and structs; [`display`] renders Arrow values the way Spark prints them (`show()`, `CAST(x AS STRING)`),
//! and [`show`] lays out whole record batches like `Dataset.showString` / `Dataset.htmlString`.

pub mod aes;
pub mod arithmetic;
pub mod array_insert;
pub mod arrays_zip;
pub mod binary_join;
pub mod cast;
pub mod collections;
pub mod constructors;
pub mod datetime;
pub mod datetime_construct;
pub mod date_names;
pub mod datetime_pattern;
pub mod display;
pub mod distributions;
pub mod hash;
pub mod higher_order;
pub mod java_random;
pub mod json;
pub mod kernel_udf;
pub mod lookups;
pub mod map_concat;
pub mod math;
pub mod moments;
pub mod nullability;
pub mod number_format;
pub mod numeric_format;
pub mod overlay;
pub mod raise_error;
pub mod regex;
pub mod poisson_sampler;
pub mod seeded_random;
pub mod sentences;
pub mod show;
pub mod sketches;
pub mod spatial;
pub mod strict_math;
pub mod string_similarity;
pub mod text_codecs;
pub mod text_functions;
pub mod time;
pub mod time_windows;
pub mod to_csv;
pub mod to_xml;
pub mod to_json;
pub mod variant;
pub mod variant_binary;
pub mod variant_edit;
pub mod variant_schema;
pub mod vector_aggregate;
pub mod vectors;
pub mod wkb;
pub mod xpath;
pub mod year_month_interval;
