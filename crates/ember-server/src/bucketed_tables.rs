//! Bucketed and clustered tables (`df.write.bucketBy(n, cols).sortBy(cols)`
//! or `.clusterBy(cols)` then `saveAsTable`): the spec a write asks for, as
//! the catalog keeps it and as `DESCRIBE EXTENDED` and `listColumns` show it.
//! Clustering columns are kept as Spark keeps them, in the table property
//! `clusteringColumns` (`[["x"],["y"]]`); they do not change the files.

use std::collections::BTreeMap;

use ember_catalog::{BucketSpec, Table};
use ember_planner::error::quote_identifier;
use ember_planner::{ErrorKind, SparkError};
use ember_protocol::connect;

/// Spark's `spark.sql.sources.bucketing.maxBuckets` default.
const MAX_BUCKETS: i32 = 100_000;

/// The bucket spec of a `saveAsTable` (None without `bucketBy`).
pub fn bucket_spec(write: &connect::WriteOperation) -> Result<Option<BucketSpec>, SparkError> {
    let Some(bucket_by) = &write.bucket_by else { return Ok(None) };
    spec(i64::from(bucket_by.num_buckets), bucket_by.bucket_column_names.clone(), write.sort_column_names.clone()).map(Some)
}

/// A bucket spec of `count` buckets, which must be between 1 and Spark's maximum.
pub fn spec(count: i64, columns: Vec<String>, sort_columns: Vec<String>) -> Result<BucketSpec, SparkError> {
    if count <= 0 || count > i64::from(MAX_BUCKETS) {
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "INVALID_BUCKET_COUNT",
            "22003",
            format!("Number of buckets should be greater than 0 but less than or equal to bucketing.maxBuckets (`{MAX_BUCKETS}`). Got `{count}`."),
            &[("bucketingMaxBuckets", MAX_BUCKETS.to_string()), ("numBuckets", count.to_string())],
        ));
    }
    Ok(BucketSpec { buckets: count as usize, columns, sort_columns })
}

/// The write-side bucketing of a table's spec.
pub fn bucketing(spec: &BucketSpec) -> ember_sources::Bucketing {
    ember_sources::Bucketing { count: spec.buckets, columns: spec.columns.clone(), sort_columns: spec.sort_columns.clone() }
}

/// The table property `clusteringColumns` of `clusterBy(columns)`, as Spark writes it.
pub fn add_clustering(properties: &mut BTreeMap<String, String>, columns: &[String]) {
    if !columns.is_empty() {
        let nested: Vec<Vec<&String>> = columns.iter().map(|c| vec![c]).collect();
        properties.insert(CLUSTERING_PROPERTY.to_string(), serde_json::to_string(&nested).unwrap_or_default());
    }
}

/// Whether `column` is one of the table's clustering columns.
pub fn is_cluster_column(table: &Table, column: &str) -> bool {
    let Some(text) = table.properties.get(CLUSTERING_PROPERTY) else { return false };
    let columns: Vec<Vec<String>> = serde_json::from_str(text).unwrap_or_default();
    columns.iter().any(|path| path.len() == 1 && path[0].eq_ignore_ascii_case(column))
}

/// The table property holding `clusterBy` columns.
const CLUSTERING_PROPERTY: &str = "clusteringColumns";

/// Whether `column` is one of the table's bucket columns.
pub fn is_bucket_column(table: &Table, column: &str) -> bool {
    table.bucket_spec.as_ref().is_some_and(|spec| spec.columns.iter().any(|c| c.eq_ignore_ascii_case(column)))
}

/// `DESCRIBE EXTENDED`'s rows for the spec, as Spark shows them.
pub fn describe_rows(spec: &BucketSpec) -> Vec<(&'static str, String)> {
    let quoted = |columns: &[String]| format!("[{}]", columns.iter().map(|c| quote_identifier(c)).collect::<Vec<_>>().join(", "));
    let mut rows = vec![("Num Buckets", spec.buckets.to_string()), ("Bucket Columns", quoted(&spec.columns))];
    if !spec.sort_columns.is_empty() {
        rows.push(("Sort Columns", quoted(&spec.sort_columns)));
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clustering_property() {
        let mut properties = BTreeMap::new();
        add_clustering(&mut properties, &["x".to_string(), "y".to_string()]);
        assert_eq!(properties[CLUSTERING_PROPERTY], r#"[["x"],["y"]]"#);
    }

    #[test]
    fn described_as_spark() {
        let spec = BucketSpec { buckets: 3, columns: vec!["x".into(), "y".into()], sort_columns: vec![] };
        assert_eq!(describe_rows(&spec), [("Num Buckets", "3".to_string()), ("Bucket Columns", "[`x`, `y`]".to_string())]);
    }
}
