//! `DataFrame.inputFiles()`: the files a plan's file scans read, as Spark
//! lists them (`file:///…` URIs, every file of each relation even when a
//! filter prunes some, each once).

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use datafusion::catalog::{MemTable, Session, TableProvider};
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::listing::ListingTable;
use datafusion::datasource::source_as_provider;
use datafusion::logical_expr::{Expr, LogicalPlan, TableType};
use datafusion::physical_plan::ExecutionPlan;

use crate::record_scan::RecordFiles;

/// The input files of `plan` (an unoptimized plan), in first-seen order.
pub fn input_files(plan: &LogicalPlan) -> Vec<String> {
    let mut files: Vec<String> = Vec::new();
    let _ = plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            if let Ok(provider) = source_as_provider(&scan.source) {
                let found: Vec<String> = if let Some(listing) = provider.downcast_ref::<ListingTable>() {
                    listing.table_paths().iter().map(|url| url.as_str().to_string()).collect()
                } else if let Some(loaded) = provider.downcast_ref::<LoadedFiles>() {
                    loaded.files.clone()
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

/// Rows loaded from files when the read is planned (the text source), with
/// the files they came from.
#[derive(Debug)]
pub struct LoadedFiles {
    /// The rows.
    pub table: MemTable,
    /// The files, as `file:///…` URIs.
    pub files: Vec<String>,
}

#[async_trait::async_trait]
impl TableProvider for LoadedFiles {
    fn schema(&self) -> SchemaRef {
        self.table.schema()
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
        self.table.scan(state, projection, filters, limit).await
    }
}
