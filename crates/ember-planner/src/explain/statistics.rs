//! The `Statistics(sizeInBytes=…, rowCount=…)` of the cost mode: Spark's
//! estimate without column statistics, on logical plans (the same rules
//! as the broadcast threshold's estimate of physical plans).

use std::path::Path;

use datafusion::catalog::MemTable;
use datafusion::common::JoinType;
use datafusion::datasource::source_as_provider;
use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::common::ScalarValue;

use crate::join_strategy::size::row_size;

/// An estimated size in bytes, and the row count where it is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Statistics {
    /// Bytes.
    pub size: u128,
    /// Rows, where known.
    pub rows: Option<u128>,
}

impl Statistics {
    /// Spark's text: `Statistics(sizeInBytes=2.9 KiB, rowCount=10)`.
    pub fn text(&self) -> String {
        match self.rows {
            Some(rows) => format!("Statistics(sizeInBytes={}, rowCount={rows})", bytes_text(self.size)),
            None => format!("Statistics(sizeInBytes={})", bytes_text(self.size)),
        }
    }
}

/// Spark's estimate of the plan's output; `None` where a leaf's is unknown.
pub fn estimate(plan: &LogicalPlan) -> Option<Statistics> {
    let row = |plan: &LogicalPlan| row_size(plan.schema().as_arrow());
    let sized = |size: u128| Some(Statistics { size: size.max(1), rows: None });
    let inputs = plan.inputs();
    match plan {
        LogicalPlan::TableScan(scan) => {
            let name = scan.table_name.table();
            if name.starts_with("Range ") {
                let rows = range_rows(name)?;
                return Some(Statistics { size: (rows * 8).max(1), rows: Some(rows) });
            }
            let provider = source_as_provider(&scan.source).ok()?;
            if let Some(memory) = provider.downcast_ref::<MemTable>() {
                let rows: usize = memory.batches.iter().filter_map(|p| p.try_read().ok().map(|b| b.iter().map(|b| b.num_rows()).sum::<usize>())).sum();
                return Some(Statistics { size: (rows as u128 * row(plan)).max(1), rows: Some(rows as u128) });
            }
            let listing = ember_sources::listing_of(provider.as_ref())?;
            let bytes: u128 = listing.table_paths().iter().filter_map(|url| url.get_url().to_file_path().ok()).map(|p| disk_size(&p)).sum();
            sized(bytes * row(plan) / row_size(&provider.schema()))
        }
        LogicalPlan::Values(values) => Some(Statistics { size: (values.values.len() as u128 * row(plan)).max(1), rows: Some(values.values.len() as u128) }),
        LogicalPlan::Sort(sort) => {
            let child = estimate(inputs.first()?)?;
            match sort.fetch {
                Some(fetch) => Some(limited(child, fetch as u128, row(plan))),
                None => Some(child),
            }
        }
        LogicalPlan::Repartition(_) | LogicalPlan::SubqueryAlias(_) => estimate(inputs.first()?),
        // Ember's renames of columns: Spark has no operator for them.
        LogicalPlan::Projection(projection) if projection.expr.iter().all(|e| matches!(e.clone().unalias(), Expr::Column(_))) => {
            let child = estimate(inputs.first()?)?;
            Some(Statistics { size: (child.size * row(plan) / row(inputs.first()?)).max(1), rows: child.rows })
        }
        LogicalPlan::EmptyRelation(empty) => sized(if empty.produce_one_row { row(plan) } else { 1 }),
        LogicalPlan::Aggregate(aggregate) if aggregate.group_expr.is_empty() => Some(Statistics { size: row(plan), rows: Some(1) }),
        LogicalPlan::Limit(limit) => {
            let child = estimate(inputs.first()?)?;
            let fetch = match limit.fetch.as_deref() {
                Some(Expr::Literal(ScalarValue::Int64(Some(n)), _)) => Some(*n as u128),
                _ => None,
            };
            match fetch {
                Some(fetch) => Some(limited(child, fetch, row(plan))),
                None => Some(child),
            }
        }
        LogicalPlan::Join(join) => {
            let left = estimate(inputs.first()?)?;
            match join.join_type {
                JoinType::LeftSemi | JoinType::LeftAnti => sized(left.size),
                JoinType::RightSemi | JoinType::RightAnti => sized(estimate(inputs.get(1)?)?.size),
                _ => sized(left.size.saturating_mul(estimate(inputs.get(1)?)?.size)),
            }
        }
        LogicalPlan::Union(_) => sized(inputs.iter().map(|c| estimate(c).map(|s| s.size)).sum::<Option<u128>>()?),
        _ => match inputs.as_slice() {
            [child] => sized(estimate(child)?.size * row(plan) / row(child)),
            _ => sized(inputs.iter().map(|c| estimate(c).map(|s| s.size)).product::<Option<u128>>()?),
        },
    }
}

/// A global limit's statistics: at most `fetch` rows of `row_size` bytes.
fn limited(child: Statistics, fetch: u128, row_size: u128) -> Statistics {
    let rows = child.rows.map_or(fetch, |r| r.min(fetch));
    Statistics { size: (rows * row_size).max(1), rows: Some(rows) }
}

/// The rows of `Range (start, end, step=s, splits=n)`.
fn range_rows(name: &str) -> Option<u128> {
    let inner = name.strip_prefix("Range (")?.strip_suffix(')')?;
    let parts: Vec<&str> = inner.split(", ").collect();
    let start: i128 = parts.first()?.parse().ok()?;
    let end: i128 = parts.get(1)?.parse().ok()?;
    let step: i128 = parts.get(2)?.strip_prefix("step=")?.parse().ok()?;
    let span = end - start;
    if step == 0 || span == 0 || (span > 0) != (step > 0) {
        return Some(0);
    }
    u128::try_from((span.abs() + step.abs() - 1) / step.abs()).ok()
}

/// The bytes of a file, or of the files under a folder.
fn disk_size(path: &Path) -> u128 {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_dir() => std::fs::read_dir(path)
            .map(|entries| entries.flatten().filter(|e| !e.file_name().to_string_lossy().starts_with(['.', '_'])).map(|e| disk_size(&e.path())).sum())
            .unwrap_or(0),
        Ok(meta) => u128::from(meta.len()),
        Err(_) => 0,
    }
}

/// Spark's `bytesToString`: `80.0 B`, `2.9 KiB`, `16.0 MiB`.
fn bytes_text(size: u128) -> String {
    const UNITS: [&str; 6] = ["EiB", "PiB", "TiB", "GiB", "MiB", "KiB"];
    for (i, unit) in UNITS.iter().enumerate() {
        let scale = 1u128 << (10 * (6 - i));
        if size >= 2 * scale {
            return format!("{:.1} {unit}", size as f64 / scale as f64);
        }
    }
    format!("{:.1} B", size as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_print_as_spark_prints_them() {
        assert_eq!(bytes_text(80), "80.0 B");
        assert_eq!(bytes_text(2047), "2047.0 B");
        assert_eq!(bytes_text(3000), "2.9 KiB");
        assert_eq!(bytes_text(16 << 20), "16.0 MiB");
        assert_eq!(range_rows("Range (0, 10, step=1, splits=2)"), Some(10));
        assert_eq!(range_rows("Range (0, 10, step=3, splits=2)"), Some(4));
    }
}
