//! A listing table (Parquet) whose read partitions are Spark's: files cut
//! into byte ranges and packed by `spark.sql.files.maxPartitionBytes` and
//! `openCostInBytes` (see `file_splits`), instead of DataFusion's grouping
//! by `target_partitions`. A range reads the row groups that start in it.
//! Each partition reads only its own files (no work stealing).
//! `spark.ember.files.sparkReadPartitions=false` turns this off: the scan
//! is then DataFusion's own (files grouped by `target_partitions`, with
//! work stealing), and `spark_partition_id()` follows those partitions.

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use async_trait::async_trait;
use datafusion::catalog::{Session, TableProvider};
use datafusion::common::Result;
use datafusion::datasource::listing::{ListingTable, PartitionedFile};
use datafusion::datasource::physical_plan::{FileGroup, FileScanConfig, FileScanConfigBuilder};
use datafusion::datasource::source::DataSourceExec;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown, TableType};
use datafusion::parquet::arrow::arrow_reader::ArrowReaderMetadata;
use datafusion::physical_plan::ExecutionPlan;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;

use crate::file_splits::{self, SplitSettings};
use crate::options::Options;
use ember_errors::SparkError;

/// The Ember setting that chooses Spark's read partitions for Parquet
/// (`true`, the default) or DataFusion's (`false`).
pub const SPARK_READ_PARTITIONS_KEY: &str = "spark.ember.files.sparkReadPartitions";

/// Whether the session reads Parquet in Spark's partitions.
pub fn spark_read_partitions(session_conf: &Options) -> Result<bool, SparkError> {
    session_conf.bool(SPARK_READ_PARTITIONS_KEY, true)
}

/// A listing table scanned in Spark's read partitions.
#[derive(Debug)]
pub struct SplitListing {
    listing: ListingTable,
    splits: SplitSettings,
}

impl SplitListing {
    /// `listing` read in the partitions `splits` plan.
    pub fn new(listing: ListingTable, splits: SplitSettings) -> Self {
        SplitListing { listing, splits }
    }

    /// The listing table read.
    pub fn listing(&self) -> &ListingTable {
        &self.listing
    }
}

/// The listing table of a provider that reads one (itself or a `SplitListing`).
pub fn listing_of(provider: &dyn TableProvider) -> Option<&ListingTable> {
    provider
        .downcast_ref::<ListingTable>()
        .or_else(|| provider.downcast_ref::<SplitListing>().map(SplitListing::listing))
}

#[async_trait]
impl TableProvider for SplitListing {
    fn schema(&self) -> SchemaRef {
        self.listing.schema()
    }

    fn table_type(&self) -> TableType {
        self.listing.table_type()
    }

    fn supports_filters_pushdown(&self, filters: &[&Expr]) -> Result<Vec<TableProviderFilterPushDown>> {
        self.listing.supports_filters_pushdown(filters)
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let plan = self.listing.scan(state, projection, filters, limit).await?;
        let Some(config) =
            plan.downcast_ref::<DataSourceExec>().and_then(|exec| exec.data_source().downcast_ref::<FileScanConfig>())
        else {
            return Ok(plan);
        };
        let files: Vec<&PartitionedFile> = config.file_groups.iter().flat_map(FileGroup::iter).collect();
        let sizes: Vec<(u64, bool)> = files.iter().map(|f| (f.object_meta.size, true)).collect();
        let parallelism = state.config().target_partitions();
        let groups = file_splits::partitions(&sizes, &self.splits, parallelism)
            .into_iter()
            .map(|partition| FileGroup::new(partition.iter().map(|split| ranged(files[split.file], split.start, split.end)).collect()))
            .collect();
        // Kept in their partitions: DataFusion's work stealing would move
        // files between siblings, and `spark_partition_id()` and the input
        // file functions follow Spark's read partitions.
        let config = FileScanConfigBuilder::from(config.clone()).with_file_groups(groups).with_preserve_order(true).build();
        Ok(DataSourceExec::from_data_source(config))
    }
}

/// `file` limited to Spark's split `[start, end)`; a range within the file
/// has no file statistics (they count the whole file).
fn ranged(file: &PartitionedFile, start: u64, end: u64) -> PartitionedFile {
    let mut file = file.clone();
    if start == 0 && end >= file.object_meta.size {
        return file;
    }
    file.statistics = None;
    let (from, to) = row_group_starts(&file.object_meta.location, start, end).unwrap_or((start, end));
    file.with_range(from as i64, to as i64)
}

/// The byte range DataFusion reads as Spark's split `[start, end)`: Spark
/// (parquet-mr) reads the row groups whose midpoint lies in the split,
/// DataFusion those whose first page starts in its range, so the range
/// spans the starts of Spark's row groups (empty when it has none). None
/// when the footer does not read (the scan then reports it).
fn row_group_starts(location: &ObjectPath, start: u64, end: u64) -> Option<(u64, u64)> {
    let path = LocalFileSystem::new().path_to_filesystem(location).ok()?;
    let metadata = ArrowReaderMetadata::load(&std::fs::File::open(path).ok()?, Default::default()).ok()?;
    let starts: Vec<u64> = metadata
        .metadata()
        .row_groups()
        .iter()
        .filter_map(|group| {
            let first = group.column(0);
            let offset = first.dictionary_page_offset().unwrap_or_else(|| first.data_page_offset()) as u64;
            let midpoint = offset + group.compressed_size() as u64 / 2;
            (start..end).contains(&midpoint).then_some(offset)
        })
        .collect();
    Some(match (starts.first(), starts.last()) {
        (Some(&first), Some(&last)) => (first, last + 1),
        _ => (start, start),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    use arrow::array::{ArrayRef, Int64Array, RecordBatch};
    use datafusion::parquet::arrow::ArrowWriter;
    use datafusion::parquet::file::properties::WriterProperties;

    #[test]
    fn splits_read_the_row_groups_whose_midpoint_they_hold() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let values: ArrayRef = Arc::new(Int64Array::from_iter_values(0..1000));
        let batch = RecordBatch::try_from_iter([("id", values)]).unwrap();
        let properties = WriterProperties::builder().set_max_row_group_row_count(Some(100)).set_dictionary_enabled(false).build();
        let mut writer = ArrowWriter::try_new(std::fs::File::create(&path).unwrap(), batch.schema(), Some(properties)).unwrap();
        writer.write(&batch).unwrap();
        writer.close().unwrap();
        let location = ObjectPath::from_filesystem_path(&path).unwrap();
        let size = std::fs::metadata(&path).unwrap().len();
        let whole = row_group_starts(&location, 0, size).unwrap();
        let first_half = row_group_starts(&location, 0, size / 2).unwrap();
        let second_half = row_group_starts(&location, size / 2, size).unwrap();
        assert!(whole.0 < first_half.1 && first_half.1 <= second_half.0 && second_half.1 == whole.1);
        assert_eq!(row_group_starts(&location, size - 10, size).unwrap(), (size - 10, size - 10));
    }

    #[test]
    fn spark_read_partitions_unless_switched_off() {
        let conf = |value: &str| Options::new([(&SPARK_READ_PARTITIONS_KEY.to_string(), &value.to_string())]);
        assert!(spark_read_partitions(&Options::default()).unwrap());
        assert!(!spark_read_partitions(&conf("FALSE")).unwrap());
        assert!(spark_read_partitions(&conf("true")).unwrap());
        assert!(spark_read_partitions(&conf("sometimes")).is_err());
    }
}
