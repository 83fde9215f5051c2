//! `DataFrame.inputFiles()`: the files a plan's file scans read, as Spark
//! lists them (`file:///…` URIs, every file of each relation even when a
//! filter prunes some, each once).

use std::sync::Arc;

use arrow::array::RecordBatch;
use arrow::compute::{concat, concat_batches};
use arrow::datatypes::SchemaRef;
use datafusion::catalog::{MemTable, Session, TableProvider};
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::listing::ListingTableUrl;
use datafusion::datasource::source_as_provider;
use datafusion::logical_expr::{Expr, LogicalPlan, TableType};
use datafusion::physical_plan::ExecutionPlan;

use crate::input_file_columns::{FileColumn, append_columns, extended_schema};
use crate::paths::{InputFile, file_uri};
use crate::record_scan::RecordFiles;

/// The input files of `plan` (an unoptimized plan), in first-seen order.
pub fn input_files(plan: &LogicalPlan) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    let _ = plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            if let Ok(provider) = source_as_provider(&scan.source) {
                let found: Vec<String> = if let Some(listing) = crate::split_listing::listing_of(provider.as_ref()) {
                    listing.table_paths().iter().map(|url| url.as_str().to_string()).collect()
                } else if let Some(loaded) = provider.downcast_ref::<LoadedFiles>() {
                    loaded.uris()
                } else if let Some(records) = provider.downcast_ref::<RecordFiles>() {
                    records.uris()
                } else {
                    Vec::new()
                };
                for file in found {
                    if !files.contains(&file) {
                        files.push(file);
                    }
                }
            }
        }
        Ok(TreeNodeRecursion::Continue)
    });
    files
}

/// Rows loaded from files when the read is planned (text, ORC, Avro,
/// binary files), with the files they came from.
#[derive(Debug)]
pub struct LoadedFiles {
    schema: SchemaRef,
    /// The rows, file after file.
    batches: Vec<RecordBatch>,
    files: Vec<InputFile>,
    /// How many rows each file gave.
    file_rows: Vec<usize>,
}

impl LoadedFiles {
    /// The rows in `schema` of each of `files`, in order.
    pub fn new(files: &[InputFile], schema: SchemaRef, per_file: Vec<Vec<RecordBatch>>) -> Self {
        let file_rows = per_file.iter().map(|batches| batches.iter().map(RecordBatch::num_rows).sum()).collect();
        LoadedFiles { schema, batches: per_file.into_iter().flatten().collect(), files: files.to_vec(), file_rows }
    }

    /// The files, as `file:///…` URIs.
    pub fn uris(&self) -> Vec<String> {
        self.files
            .iter()
            .map(|f| ListingTableUrl::parse(f.path.to_string_lossy()).map_or_else(|_| file_uri(&f.path), |url| url.as_str().to_string()))
            .collect()
    }

    /// The same rows with a column `name` of `column` appended (each file
    /// is one block).
    pub fn with_file_column(&self, column: FileColumn, name: &str) -> datafusion::common::Result<LoadedFiles> {
        let schema = extended_schema(&self.schema, &[(column, name.to_string())]);
        let rows = concat_batches(&self.schema, &self.batches)?;
        let mut values = Vec::with_capacity(self.files.len());
        for ((file, uri), count) in self.files.iter().zip(self.uris()).zip(&self.file_rows) {
            values.push(column.array(&uri, 0, file.size, *count)?);
        }
        let values: Vec<&dyn arrow::array::Array> = values.iter().map(|a| a.as_ref()).collect();
        let array = if values.is_empty() { column.array("", 0, 0, 0)? } else { concat(&values)? };
        let batch = append_columns(&rows, vec![array], schema.clone())?;
        Ok(LoadedFiles { schema, batches: vec![batch], files: self.files.clone(), file_rows: self.file_rows.clone() })
    }
}

#[async_trait::async_trait]
impl TableProvider for LoadedFiles {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> datafusion::common::Result<Arc<dyn ExecutionPlan>> {
        let table = MemTable::try_new(self.schema.clone(), vec![self.batches.clone()])?;
        table.scan(state, projection, filters, limit).await
    }
}
