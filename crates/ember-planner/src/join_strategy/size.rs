//! Spark's size estimate of a relation (`sizeInBytes` without cost-based
//! statistics), which `spark.sql.autoBroadcastJoinThreshold` bounds: the
//! files' sizes for a file scan, rows × row width for local data and
//! ranges, scaled by the row width for operators that change the columns,
//! the product of the sides for joins, the sum for unions.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Schema};
use datafusion::common::JoinType;
use datafusion::datasource::memory::MemorySourceConfig;
use datafusion::datasource::physical_plan::FileScanConfig;
use datafusion::datasource::source::DataSourceExec;
use datafusion::physical_plan::aggregates::AggregateExec;
use datafusion::physical_plan::joins::{HashJoinExec, NestedLoopJoinExec, SortMergeJoinExec};
use datafusion::physical_plan::limit::{GlobalLimitExec, LocalLimitExec};
use datafusion::physical_plan::union::UnionExec;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::statistics::{StatisticsArgs, StatisticsContext};

/// Spark's estimated size of the plan's output in bytes; `None` when a
/// leaf's size is unknown.
pub fn spark_size(plan: &Arc<dyn ExecutionPlan>) -> Option<u128> {
    let children = plan.children();
    if let Some(source) = plan.downcast_ref::<DataSourceExec>() {
        if let Some(files) = source.data_source().downcast_ref::<FileScanConfig>() {
            return Some(file_scan_size(files, &plan.schema()));
        }
        if let Some(memory) = source.data_source().downcast_ref::<MemorySourceConfig>() {
            let rows: usize = memory.partitions().iter().flatten().map(|b| b.num_rows()).sum();
            return Some(rows as u128 * row_size(&plan.schema()));
        }
    }
    if plan.name() == "SparkRangeExec" {
        // Spark counts a range's rows at a bigint's width, without row overhead.
        let statistics = StatisticsContext::new().compute(plan.as_ref(), &StatisticsArgs::new()).ok()?;
        let rows = statistics.num_rows.get_value().copied()?;
        return Some(rows as u128 * 8);
    }
    if let Some(limit) = plan.downcast_ref::<GlobalLimitExec>() {
        let input = spark_size(limit.input())?;
        return Some(limit.fetch().map_or(input, |rows| input.min(rows as u128 * row_size(&plan.schema()))));
    }
    if let Some(limit) = plan.downcast_ref::<LocalLimitExec>() {
        return Some(spark_size(limit.input())?.min(limit.fetch() as u128 * row_size(&plan.schema())));
    }
    if let Some(aggregate) = plan.downcast_ref::<AggregateExec>() {
        if aggregate.group_expr().is_empty() {
            return Some(row_size(&plan.schema()));
        }
    }
    if plan.is::<UnionExec>() {
        return children.iter().map(|c| spark_size(c)).sum();
    }
    if let Some(join_type) = join_type(plan.as_ref()) {
        let left = spark_size(children.first()?)?;
        return match join_type {
            JoinType::LeftSemi | JoinType::LeftAnti | JoinType::LeftMark => Some(left),
            JoinType::RightSemi | JoinType::RightAnti | JoinType::RightMark => spark_size(children.get(1)?),
            _ => Some(left.saturating_mul(spark_size(children.get(1)?)?)),
        };
    }
    match children.as_slice() {
        [] => super::rule::estimated_bytes(plan.as_ref()).map(|bytes| bytes as u128),
        [child] => {
            let size = spark_size(child)?;
            Some(size * row_size(&plan.schema()) / row_size(&child.schema()))
        }
        _ => children.iter().map(|c| spark_size(c)).sum(),
    }
}

fn join_type(plan: &dyn ExecutionPlan) -> Option<JoinType> {
    if let Some(hash) = plan.downcast_ref::<HashJoinExec>() {
        return Some(*hash.join_type());
    }
    if let Some(merge) = plan.downcast_ref::<SortMergeJoinExec>() {
        return Some(merge.join_type());
    }
    plan.downcast_ref::<NestedLoopJoinExec>().map(|nested| *nested.join_type())
}

/// The files' total size, scaled from the table's columns to the ones read.
fn file_scan_size(config: &FileScanConfig, output: &Schema) -> u128 {
    let mut seen = HashSet::new();
    let bytes: u128 = config
        .file_groups
        .iter()
        .flat_map(|g| g.files())
        .filter(|f| seen.insert(f.object_meta.location.clone()))
        .map(|f| f.object_meta.size as u128)
        .sum();
    let table = config.file_source().table_schema().table_schema().clone();
    bytes * row_size(output) / row_size(&table)
}

/// Spark's estimated row size: 8 bytes of overhead and each column's default size.
pub(crate) fn row_size(schema: &Schema) -> u128 {
    8 + schema.fields().iter().map(|f| default_size(f.data_type())).sum::<u128>()
}

/// Spark's `defaultSize` of a value of `data_type`.
fn default_size(data_type: &DataType) -> u128 {
    match data_type {
        DataType::Null | DataType::Boolean | DataType::Int8 | DataType::UInt8 => 1,
        DataType::Int16 | DataType::UInt16 => 2,
        DataType::Int32 | DataType::UInt32 | DataType::Float32 | DataType::Date32 => 4,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => 20,
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => 100,
        DataType::Decimal128(precision, _) if *precision <= 18 => 8,
        DataType::Decimal128(..) | DataType::Decimal256(..) => 16,
        DataType::Interval(_) => 16,
        DataType::List(f) | DataType::LargeList(f) | DataType::ListView(f) | DataType::FixedSizeList(f, _) => default_size(f.data_type()),
        DataType::Map(entries, _) => default_size(entries.data_type()),
        DataType::Struct(fields) => fields.iter().map(|f| default_size(f.data_type())).sum(),
        DataType::Dictionary(_, value) => default_size(value),
        _ => 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::Field;

    #[test]
    fn rows_count_at_spark_default_sizes_with_overhead() {
        let schema = Schema::new(vec![Field::new("id", DataType::Int64, false), Field::new("name", DataType::Utf8, true)]);
        assert_eq!(row_size(&schema), 8 + 8 + 20);
    }
}
