//! Ember's planner: resolves Spark Connect relations and expressions, and
//! Spark SQL text, into DataFusion logical plans with Spark's semantics
//! (name resolution, output names, types and error classes).
//!
//! Every column a plan produces carries a unique internal name (`#17`); the
//! [`Planner`] keeps, beside the plan, each column's Spark name, qualifier
//! and the Spark Connect plan ids it can be referenced by. The Spark names
//! are put back only on the results, so duplicate names (as after a join)
//! never confuse DataFusion.

pub mod cache;
mod cached_plans;
mod array_aggregates;
mod as_of_join;
mod cartesian;
mod call_names;
mod coercion;
mod crypto_functions;
mod counter_diff;
mod collection_functions;
mod column_metadata;
mod column_regex;
mod csv_functions;
mod distribution_functions;
pub mod config;
pub mod error;
mod expr;
pub use expr::suggestions;
pub mod explain;
pub mod expression_origins;
mod extra_functions;
mod format_arguments;
mod function_arities;
mod functions;
mod generate;
mod generator_rows;
mod lambda;
mod lateral;
mod grouping;
mod input_file;
mod hll_functions;
mod hints;
pub mod join_strategy;
mod input_types;
mod interval_functions;
mod json_functions;
mod scalar_rewrites;
mod spark_scalars;
mod stat_aggregates;
mod literal;
pub mod local_fold;
mod lookup_functions;
mod missing_columns;
mod na;
mod natural_join;
mod created_tables;
mod set_operation_types;
pub mod observe;
mod reshape;
mod sample;
pub mod short_circuit;
mod scalar_subquery;
mod stat;
pub mod store_assignment;
mod eager;
pub mod names;
pub mod partitioning;
mod nullable;
mod operator_types;
mod other_columns;
mod parse_relation;
mod plan;
mod select_aggregate;
mod sketch_functions;
mod source;
mod nondeterministic_aggregates;
mod python_data_source;
mod python_data_source_filters;
mod python_udf;
mod python_udf_joins;
mod repartition;
mod python_udtf;
mod recursive_cte;
mod reflect;
mod random_functions;
pub mod sql;
mod sql_grouping;
mod sql_keywords;
mod collation_coercion;
mod collations;
mod sql_window;
mod table_functions;
mod time_functions;
mod time_windows;
mod to_schema;
mod update_fields;
mod using_join_keys;
mod spatial_functions;
mod variant_functions;
mod vector_functions;
mod xml_functions;
mod window;
mod window_frame_checks;

/// The Spark version whose behaviour Ember reproduces.
pub const SPARK_VERSION: &str = "4.3.0";

pub use config::PlannerConfig;
pub use error::{ErrorKind, QueryContext, Result, SparkError};
pub use literal::literal_to_scalar;
pub use plan::{Catalog, ColumnInfo, PlannedQuery, Planner};
pub use repartition::in_written_partitions;
