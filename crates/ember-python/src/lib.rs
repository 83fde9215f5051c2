//! Python UDFs: the cloudpickled functions PySpark clients send run in a pool
//! of Python worker processes (`worker.py`, driving pyspark's own worker
//! code), fed one Arrow record batch per call.
//!
//! Processes rather than an interpreter inside the server: the server does
//! not link libpython (it starts without any Python, and only UDFs fail), a
//! crashing UDF kills its worker and fails that query only, and several
//! workers run UDFs on all cores despite the GIL (see `docs/architecture.md`).

mod aggregate;
mod analyze;
mod data_source;
mod group;
mod iterator_udf;
mod map;
mod planner;
mod pool;
mod protocol;
mod udf;

pub use aggregate::{PythonAggregateUdf, is_aggregate_eval_type};
pub use analyze::{AnalyzeArgument, OrderingColumn, SelectedColumn, UdtfAnalysis, analyze_table_function, argument_values};
pub use data_source::{
    CreatedDataSource, PlannedRead, PreparedWrite, PythonDataSourceClass, SourceSchema, create_data_source,
    finish_data_source_write, plan_data_source_read, prepare_data_source_write,
};
pub use group::{GroupMapCall, GroupMapInPython, is_cogrouped_map_eval_type, is_grouped_map_eval_type};
pub use map::{DataSourceFunction, MapCall, MapInPython, TableFunctionCall, is_map_eval_type, is_table_function_eval_type};
pub use planner::{PythonExtensionPlanner, PythonQueryPlanner};
pub use iterator_udf::IteratorUdfs;
pub use udf::{PythonScalarUdf, is_iterator_eval_type, is_scalar_eval_type};

use std::sync::Arc;

/// The Python function a client sent (`PythonUDF` in Spark Connect).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PythonFunction {
    /// The name the client gave it (`function_name`).
    pub name: String,
    /// PySpark's eval type (`PythonEvalType`), e.g. 101 for `SQL_ARROW_BATCHED_UDF`.
    pub eval_type: i32,
    /// The cloudpickled `(function, return type)` pair.
    pub command: Arc<Vec<u8>>,
    /// The client's Python `major.minor`; a worker of another version refuses it.
    pub python_ver: String,
    /// Whether the function may be re-evaluated or reordered.
    pub deterministic: bool,
}
