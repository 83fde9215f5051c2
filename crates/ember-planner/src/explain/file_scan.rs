//! A file scan as Spark prints it: `FileScan parquet [id#0L,p#1] Batched:
//! true, DataFilters: […], Format: Parquet, Location:
//! InMemoryFileIndex(1 paths)[file:/data], PartitionFilters: […],
//! PushedFilters: [GreaterThan(id,5)], ReadSchema: struct<id:bigint>`.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::datasource::physical_plan::FileScanConfig;
use datafusion::logical_expr::Operator;
use datafusion::physical_expr::expressions::{BinaryExpr, Column, DynamicFilterPhysicalExpr, InListExpr, IsNotNullExpr, IsNullExpr, LikeExpr, Literal, NotExpr};
use datafusion::physical_expr::PhysicalExpr;

use ember_sources::RecordFilesExec;

use super::attributes::Attributes;
use super::expressions::{LikeKind, literal_text, simple_like, text};
use super::list;

/// What Spark prints about a file scan.
pub struct FileScan {
    /// `parquet`, `csv`, …
    pub format: String,
    /// The scan's arguments, by Spark's label, in Spark's order.
    pub fields: Vec<(&'static str, String)>,
    /// The folders its files were listed from.
    pub locations: Vec<String>,
}

impl FileScan {
    /// The scan of `config` whose output columns print as `output`.
    pub fn of(config: &FileScanConfig, output: &[String], attributes: &Attributes) -> Self {
        let table = config.file_source().table_schema().table_schema().clone();
        let projected = config.projected_schema().map(|s| s.fields().clone()).unwrap_or_else(|_| table.fields().clone());
        FileScan::reading(config, projected, output, attributes)
    }

    /// The scan of `config` reading the table's columns `projected`, which
    /// print as `output`.
    pub fn reading(config: &FileScanConfig, projected: Fields, output: &[String], attributes: &Attributes) -> Self {
        let format = config.file_source().file_type().to_ascii_lowercase();
        let table = config.file_source().table_schema().table_schema().clone();
        let partition_columns: Vec<String> = config.file_source().table_schema().table_partition_cols().iter().map(|f| f.name().clone()).collect();
        // The table's columns print as the scan's output does where it has them.
        let inputs: Vec<String> = table
            .fields()
            .iter()
            .map(|f| match projected.iter().position(|p| p.name() == f.name()) {
                Some(i) => output.get(i).cloned().unwrap_or_default(),
                None => attributes.reference(f.name(), f.data_type()),
            })
            .collect();
        let predicate = config.file_source().filter();
        // DataFusion's run-time filters (a join's build-side keys) are not Spark's.
        let conjuncts: Vec<&Arc<dyn PhysicalExpr>> =
            predicate.as_ref().map(spark_conjuncts).unwrap_or_default().into_iter().filter(|e| e.downcast_ref::<DynamicFilterPhysicalExpr>().is_none()).collect();
        let on_partitions = |expr: &Arc<dyn PhysicalExpr>| {
            let columns = datafusion::physical_expr::utils::collect_columns(expr);
            !columns.is_empty() && columns.iter().all(|c| partition_columns.contains(&c.name().to_string()))
        };
        let (partition_filters, data_filters): (Vec<_>, Vec<_>) = conjuncts.into_iter().partition(|e| on_partitions(e));
        // Internal column names (`#3`) read as the names the scan's output prints.
        let read_fields: Fields = projected
            .iter()
            .enumerate()
            .filter(|(_, f)| !partition_columns.contains(f.name()))
            .map(|(i, f)| match (f.name().starts_with('#'), output.get(i).and_then(|o| o.split('#').next())) {
                (true, Some(name)) => Arc::new(f.as_ref().clone().with_name(name)),
                _ => f.clone(),
            })
            .collect::<Vec<Arc<Field>>>()
            .into();
        let locations = locations(config);
        FileScan::assembled(format, &inputs, &data_filters, &partition_filters, read_fields, locations)
    }

    /// The scan of record files (CSV, JSON, XML) whose output columns print
    /// as `output`, under a filter of `predicate` (whose conjuncts Spark
    /// lists as the scan's data filters).
    pub fn of_records(scan: &RecordFilesExec, output: &[String], predicate: Option<&Arc<dyn PhysicalExpr>>) -> Self {
        let conjuncts: Vec<&Arc<dyn PhysicalExpr>> = predicate.map(spark_conjuncts).unwrap_or_default();
        let read_fields = scan.read_schema().fields().clone();
        let folders = scan.files().iter().map(|f| f.path.parent().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default());
        let mut locations: Vec<String> = Vec::new();
        for folder in folders.map(|f| format!("file:{f}")) {
            if !locations.contains(&folder) {
                locations.push(folder);
            }
        }
        FileScan::assembled(scan.format_name().to_string(), output, &conjuncts, &[], read_fields, locations)
    }

    fn assembled(
        format: String,
        inputs: &[String],
        data_filters: &[&Arc<dyn PhysicalExpr>],
        partition_filters: &[&Arc<dyn PhysicalExpr>],
        read_fields: Fields,
        locations: Vec<String>,
    ) -> Self {
        let batched = format == "parquet" || format == "orc";
        let spark_format = match format.as_str() {
            "parquet" => "Parquet".to_string(),
            "orc" => "ORC".to_string(),
            other => other.to_ascii_uppercase(),
        };
        let fields = vec![
            ("Batched", batched.to_string()),
            ("DataFilters", list(data_filters.iter().map(|e| text(e.as_ref(), inputs)))),
            ("Format", spark_format),
            ("Location", format!("InMemoryFileIndex({} paths)[{}]", locations.len(), locations.join(", "))),
            ("PartitionFilters", list(partition_filters.iter().map(|e| text(e.as_ref(), inputs)))),
            ("PushedFilters", list(data_filters.iter().filter_map(|e| source_filter(e.as_ref())))),
            ("ReadSchema", ember_types::simple_string(&DataType::Struct(read_fields))),
        ];
        FileScan { format, fields, locations }
    }

    /// The simple mode's line, each value cut to Spark's
    /// `spark.sql.maxMetadataStringLength` (100) characters.
    pub fn line(&self, output: &[String]) -> String {
        let fields: Vec<String> = self.fields.iter().map(|(label, value)| format!("{label}: {}", abbreviated(value, MAX_METADATA_LENGTH))).collect();
        format!("FileScan {} [{}] {}", self.format, output.join(","), fields.join(", "))
    }

    /// The formatted mode's lines under `Output` (empty lists left out, as Spark leaves them out).
    pub fn details(&self) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(label, value)| !matches!(*label, "DataFilters" | "Format") && value != "[]")
            .map(|(label, value)| match *label {
                "Location" => format!("Location: InMemoryFileIndex [{}]", self.locations.join(", ")),
                _ => format!("{label}: {value}"),
            })
            .collect()
    }
}

/// Spark's default `spark.sql.maxMetadataStringLength`.
const MAX_METADATA_LENGTH: usize = 100;

/// `value` cut to `max` characters, its end replaced by `...`, as Spark
/// abbreviates a scan's arguments (Java characters: UTF-16 units).
fn abbreviated(value: &str, max: usize) -> String {
    let units: Vec<u16> = value.encode_utf16().collect();
    if units.len() <= max {
        return value.to_string();
    }
    format!("{}...", String::from_utf16_lossy(&units[..max - 3]))
}

/// The conjuncts of `expr` as the user wrote them (without the guards that
/// evaluate a conjunct only where the ones before it hold).
fn spark_conjuncts(expr: &Arc<dyn PhysicalExpr>) -> Vec<&Arc<dyn PhysicalExpr>> {
    match expr.downcast_ref::<BinaryExpr>().filter(|b| *b.op() == Operator::And) {
        Some(and) => {
            let right = crate::short_circuit::guarded_side(and).unwrap_or(and.right());
            spark_conjuncts(and.left()).into_iter().chain(spark_conjuncts(right)).collect()
        }
        None => vec![expr],
    }
}

/// The folders the scan's files were listed from (`key=value` folders of
/// partitioned tables are inside them), as `file:/…` paths.
fn locations(config: &FileScanConfig) -> Vec<String> {
    let scheme = config.object_store_url.as_str().trim_end_matches('/').trim_end_matches("//").to_string();
    let mut roots: Vec<String> = Vec::new();
    for file in config.file_groups.iter().flat_map(|g| g.files()) {
        let mut parts: Vec<&str> = file.object_meta.location.as_ref().split('/').collect();
        parts.pop();
        while parts.last().is_some_and(|p| p.contains('=')) {
            parts.pop();
        }
        let root = format!("{scheme}/{}", parts.join("/"));
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    roots
}

/// A pushed predicate as Spark's data source filter: `GreaterThan(id,5)`.
fn source_filter(expr: &dyn PhysicalExpr) -> Option<String> {
    let any = expr;
    let column = |e: &Arc<dyn PhysicalExpr>| e.downcast_ref::<Column>().map(|c| c.name().to_string());
    let value = |e: &Arc<dyn PhysicalExpr>| e.downcast_ref::<Literal>().map(|l| literal_text(l.value()));
    if let Some(binary) = any.downcast_ref::<BinaryExpr>() {
        match binary.op() {
            Operator::And | Operator::Or => {
                let name = if *binary.op() == Operator::And { "And" } else { "Or" };
                return Some(format!("{name}({},{})", source_filter(binary.left().as_ref())?, source_filter(binary.right().as_ref())?));
            }
            op => {
                let (name, value, flipped) = match (column(binary.left()), value(binary.right()), column(binary.right()), value(binary.left())) {
                    (Some(name), Some(value), _, _) => (name, value, false),
                    (_, _, Some(name), Some(value)) => (name, value, true),
                    _ => return None,
                };
                let comparison = match (op, flipped) {
                    (Operator::Eq, _) => "EqualTo",
                    (Operator::Gt, false) | (Operator::Lt, true) => "GreaterThan",
                    (Operator::GtEq, false) | (Operator::LtEq, true) => "GreaterThanOrEqual",
                    (Operator::Lt, false) | (Operator::Gt, true) => "LessThan",
                    (Operator::LtEq, false) | (Operator::GtEq, true) => "LessThanOrEqual",
                    (Operator::NotEq, _) => return Some(format!("Not(EqualTo({name},{value}))")),
                    _ => return None,
                };
                return Some(format!("{comparison}({name},{value})"));
            }
        }
    }
    if let Some(like) = any.downcast_ref::<LikeExpr>() {
        let (kind, text) = simple_like(like)?;
        let name = column(like.expr())?;
        let found = match kind {
            LikeKind::Equals => format!("EqualTo({name},{text})"),
            kind => format!("String{}({name},{text})", kind.spark_name()),
        };
        return Some(if like.negated() { format!("Not({found})") } else { found });
    }
    if let Some(is_not_null) = any.downcast_ref::<IsNotNullExpr>() {
        return Some(format!("IsNotNull({})", column(is_not_null.arg())?));
    }
    if let Some(is_null) = any.downcast_ref::<IsNullExpr>() {
        return Some(format!("IsNull({})", column(is_null.arg())?));
    }
    if let Some(not) = any.downcast_ref::<NotExpr>() {
        return Some(format!("Not({})", source_filter(not.arg().as_ref())?));
    }
    if let Some(in_list) = any.downcast_ref::<InListExpr>() {
        let values: Option<Vec<String>> = in_list.list().iter().map(value).collect();
        let found = format!("In({}, [{}])", column(in_list.expr())?, values?.join(","));
        return Some(if in_list.negated() { format!("Not({found})") } else { found });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::common::ScalarValue;

    #[test]
    fn comparisons_become_spark_source_filters() {
        let column: Arc<dyn PhysicalExpr> = Arc::new(Column::new("id", 0));
        let five: Arc<dyn PhysicalExpr> = Arc::new(Literal::new(ScalarValue::Int64(Some(5))));
        assert_eq!(source_filter(&BinaryExpr::new(column.clone(), Operator::Gt, five.clone())).as_deref(), Some("GreaterThan(id,5)"));
        assert_eq!(source_filter(&BinaryExpr::new(five, Operator::Gt, column.clone())).as_deref(), Some("LessThan(id,5)"));
        assert_eq!(source_filter(&IsNotNullExpr::new(column)).as_deref(), Some("IsNotNull(id)"));
        assert_eq!(abbreviated("abcdef", 6), "abcdef");
        assert_eq!(abbreviated("abcdefg", 6), "abc...");
    }
}
