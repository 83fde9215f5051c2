//! Spark column metadata set by `alias(name, metadata=…)` and
//! `withMetadata`: kept on the column's field (`spark.metadata`), where the
//! result schema reads it; `{}` clears what the column carried.

use std::collections::BTreeMap;

use datafusion::common::metadata::FieldMetadata;
use datafusion::logical_expr::Expr;
use ember_types::SPARK_METADATA_KEY;

/// `expr` carrying the Spark metadata `json` (an alias's `metadata`), if any.
pub(crate) fn with_spark_metadata(expr: Expr, json: Option<&str>) -> Expr {
    let Some(json) = json else { return expr };
    let name = expr.schema_name().to_string();
    alias_with_spark_metadata(expr, name, json)
}

/// `expr` named `name`, carrying the Spark metadata `json`.
pub(crate) fn alias_with_spark_metadata(expr: Expr, name: impl Into<String>, json: &str) -> Expr {
    let value = if json.trim() == "{}" { String::new() } else { json.to_string() };
    let metadata = FieldMetadata::from(BTreeMap::from([(SPARK_METADATA_KEY.to_string(), value)]));
    expr.alias_with_metadata(name, Some(metadata))
}
