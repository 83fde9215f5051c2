//! What the catalog stores about databases and tables.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// A database (Spark also calls it a schema or namespace).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Database {
    /// The name, lower case.
    pub name: String,
    /// `COMMENT`, empty when none was given.
    pub comment: String,
    /// Where its managed tables live (an absolute local path).
    pub location: String,
    /// `WITH DBPROPERTIES`.
    pub properties: BTreeMap<String, String>,
    /// Bumped by every change; updates check it to detect lost races.
    #[serde(default)]
    pub version: u64,
}

/// Whether the catalog owns a table's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TableKind {
    /// Data under the database's folder; dropping the table deletes it.
    Managed,
    /// Data at a user's `LOCATION`; dropping the table keeps it.
    External,
    /// A persistent view: a stored query.
    View,
}

impl TableKind {
    /// Spark's name for the kind (`MANAGED`, `EXTERNAL`, `VIEW`).
    pub fn spark_name(self) -> &'static str {
        match self {
            TableKind::Managed => "MANAGED",
            TableKind::External => "EXTERNAL",
            TableKind::View => "VIEW",
        }
    }
}

/// How a table's rows are bucketed: `CLUSTERED BY (columns) [SORTED BY
/// (sort_columns)] INTO buckets BUCKETS`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BucketSpec {
    /// The number of buckets.
    pub buckets: usize,
    /// The columns hashed into a bucket.
    pub columns: Vec<String>,
    /// The columns each bucket file is sorted by.
    pub sort_columns: Vec<String>,
}

/// A table or persistent view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Table {
    /// The database, lower case.
    pub database: String,
    /// The name, lower case.
    pub name: String,
    /// Managed, external or view.
    pub kind: TableKind,
    /// The data source (`parquet`, `csv`, `json`); empty for views.
    pub provider: String,
    /// The schema as Spark's JSON of a struct type; partition columns last.
    pub schema: String,
    /// `PARTITIONED BY` columns, in order.
    pub partition_columns: Vec<String>,
    /// `CLUSTERED BY … INTO n BUCKETS` (`bucketBy`), if the table is bucketed.
    #[serde(default)]
    pub bucket_spec: Option<BucketSpec>,
    /// Where the data lives (an absolute local path); empty for views.
    pub location: String,
    /// `OPTIONS` of the data source.
    pub options: BTreeMap<String, String>,
    /// `TBLPROPERTIES`.
    pub properties: BTreeMap<String, String>,
    /// `COMMENT`.
    pub comment: Option<String>,
    /// The query text of a view.
    pub view_text: Option<String>,
    /// The names of a view's query's own output columns (Spark's "View
    /// Query Output Columns"); empty for tables and views stored without them.
    #[serde(default)]
    pub view_query_columns: Vec<String>,
    /// Partitions at a location of their own (`ADD PARTITION … LOCATION`):
    /// the partition's folder path as Spark names it (`p=x/q=1`) → its
    /// absolute location. Other partitions are folders under `location`.
    #[serde(default)]
    pub partition_locations: BTreeMap<String, String>,
    /// When it was created, in milliseconds since the epoch.
    pub created_ms: i64,
    /// Bumped by every change; updates check it to detect lost races.
    #[serde(default)]
    pub version: u64,
}
