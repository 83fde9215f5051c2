//! The values behind Spark's `input_file_name()`, `input_file_block_start()`
//! and `input_file_block_length()`: a file scan rebuilt to give each row the
//! file it was read from and the block (split) of that file that held it.

use std::sync::Arc;

use arrow::array::{ArrayRef, RecordBatch, RecordBatchOptions};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::catalog::TableProvider;
use datafusion::common::{Column, Result, ScalarValue};
use datafusion::datasource::listing::{ListingTable, ListingTableConfig};
use datafusion::datasource::{provider_as_source, source_as_provider};
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, TableScan, lit};

use crate::input_files::LoadedFiles;
use crate::paths::file_uri;
use crate::record_scan::RecordFiles;

/// One of the per-row file values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd)]
pub enum FileColumn {
    /// `input_file_name()`: the file's `file:///…` URI.
    Name,
    /// `input_file_block_start()`: the first byte of the row's block.
    BlockStart,
    /// `input_file_block_length()`: the length of the row's block in bytes.
    BlockLength,
}

impl FileColumn {
    /// The Spark function giving this value.
    pub fn function_name(self) -> &'static str {
        match self {
            FileColumn::Name => "input_file_name",
            FileColumn::BlockStart => "input_file_block_start",
            FileColumn::BlockLength => "input_file_block_length",
        }
    }

    /// The value's type (`string` or `bigint`, never null).
    pub fn data_type(self) -> DataType {
        match self {
            FileColumn::Name => DataType::Utf8,
            FileColumn::BlockStart | FileColumn::BlockLength => DataType::Int64,
        }
    }

    /// Spark's value for a row that was not read from a file.
    pub fn no_file_value(self) -> ScalarValue {
        self.value("", -1, -1)
    }

    fn value(self, uri: &str, start: i64, length: i64) -> ScalarValue {
        match self {
            FileColumn::Name => ScalarValue::Utf8(Some(uri.to_string())),
            FileColumn::BlockStart => ScalarValue::Int64(Some(start)),
            FileColumn::BlockLength => ScalarValue::Int64(Some(length)),
        }
    }

    /// The column of `rows` rows read from block `[start, start + length)` of `uri`.
    pub(crate) fn array(self, uri: &str, start: u64, length: u64, rows: usize) -> Result<ArrayRef> {
        self.value(uri, start as i64, length as i64).to_array_of_size(rows)
    }

    /// The column's field, named `name`.
    pub(crate) fn field(self, name: &str) -> Field {
        Field::new(name, self.data_type(), false)
    }
}

/// `schema` with the fields of `columns` appended.
pub(crate) fn extended_schema(schema: &SchemaRef, columns: &[(FileColumn, String)]) -> SchemaRef {
    let mut fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone()).collect();
    fields.extend(columns.iter().map(|(column, name)| column.field(name)));
    Arc::new(Schema::new(fields))
}

/// `batch` with `arrays` appended, in `schema`.
pub(crate) fn append_columns(batch: &RecordBatch, arrays: Vec<ArrayRef>, schema: SchemaRef) -> Result<RecordBatch> {
    let mut columns = batch.columns().to_vec();
    columns.extend(arrays);
    let options = RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(schema, columns, &options)?)
}

/// `scan` with a column `name` of `column` appended, when it reads files
/// (None for any other scan).
pub fn with_file_column(scan: &TableScan, column: FileColumn, name: &str) -> Result<Option<LogicalPlan>> {
    let Ok(provider) = source_as_provider(&scan.source) else {
        return Ok(None);
    };
    let wider: Arc<dyn TableProvider> = if let Some(records) = provider.downcast_ref::<RecordFiles>() {
        let mut table = records.clone();
        table.file_columns.push((column, name.to_string()));
        Arc::new(table)
    } else if let Some(loaded) = provider.downcast_ref::<LoadedFiles>() {
        Arc::new(loaded.with_file_column(column, name)?)
    } else if let Some(listing) = crate::split_listing::listing_of(provider.as_ref()) {
        return per_file_scans(scan, listing, column, name).map(Some);
    } else {
        return Ok(None);
    };
    let projection = scan.projection.as_ref().map(|p| p.iter().copied().chain([provider.schema().fields().len()]).collect());
    let plan = LogicalPlanBuilder::scan_with_filters(scan.table_name.clone(), provider_as_source(wider), projection, scan.filters.clone())?;
    Ok(Some(plan.build()?))
}

/// A listing table's files scanned one by one, each with its value of
/// `column` as a constant (the whole file is the block).
fn per_file_scans(scan: &TableScan, listing: &ListingTable, column: FileColumn, name: &str) -> Result<LogicalPlan> {
    let mut union: Option<LogicalPlanBuilder> = None;
    for url in listing.table_paths() {
        let path = url::Url::parse(url.as_str()).ok().and_then(|u| u.to_file_path().ok());
        let size = path.as_ref().and_then(|p| std::fs::metadata(p).ok()).map_or(0, |m| m.len());
        let uri = path.as_deref().map_or_else(|| url.as_str().to_string(), file_uri);
        let config = ListingTableConfig::new(url.clone()).with_listing_options(listing.options().clone()).with_schema(listing.schema());
        let table = Arc::new(ListingTable::try_new(config)?);
        let file_scan =
            LogicalPlanBuilder::scan_with_filters(scan.table_name.clone(), provider_as_source(table), scan.projection.clone(), scan.filters.clone())?
                .build()?;
        let mut columns: Vec<Expr> = file_scan.schema().iter().map(|(q, f)| Expr::Column(Column::from((q, f)))).collect();
        columns.push(lit(column.value(&uri, 0, size as i64)).alias(name));
        let branch = LogicalPlanBuilder::from(file_scan).project(columns)?.build()?;
        union = Some(match union {
            None => LogicalPlanBuilder::from(branch),
            Some(builder) => builder.union(branch)?,
        });
    }
    match union {
        // Named as the scan, whose qualified columns the plan above refers to.
        Some(builder) => builder.alias(scan.table_name.clone())?.build(),
        None => Err(datafusion::error::DataFusionError::Internal("a file scan without files".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn functions_and_defaults() {
        assert_eq!(FileColumn::BlockStart.function_name(), "input_file_block_start");
        assert_eq!(FileColumn::Name.no_file_value(), ScalarValue::Utf8(Some(String::new())));
        assert_eq!(FileColumn::BlockLength.no_file_value(), ScalarValue::Int64(Some(-1)));
        let array = FileColumn::BlockLength.array("file:///a", 4, 10, 2).unwrap();
        assert_eq!(array.len(), 2);
    }
}
