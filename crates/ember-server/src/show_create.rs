//! `SHOW CREATE TABLE`: the statement that recreates a table, in Spark's layout.

use arrow::datatypes::DataType;
use ember_catalog::{Table, TableKind};
use ember_planner::SparkError;

use crate::tables::table_fields;

/// Spark's `CREATE TABLE` (or `CREATE VIEW`) text for a table.
pub fn statement(table: &Table) -> Result<String, SparkError> {
    if table.kind == TableKind::View {
        return view_statement(table);
    }
    let columns = table_fields(table)?
        .iter()
        .map(|f| {
            let mut column = format!("  {} {}", identifier(f.name()), ember_types::sql_string(f.data_type()));
            if f.data_type() == &DataType::Utf8 {
                column.push_str(" COLLATE UTF8_BINARY");
            }
            if let Some(comment) = ember_types::field_comment(f) {
                column.push_str(&format!(" COMMENT {}", quoted(&comment)));
            }
            column
        })
        .collect::<Vec<_>>()
        .join(",\n");
    let mut text = format!("CREATE TABLE spark_catalog.{}.{} (\n{columns})\nUSING {}\n", table.database, table.name, table.provider);
    if !table.options.is_empty() {
        text.push_str(&format!("OPTIONS (\n{})\n", pairs(table.options.iter())));
    }
    if !table.partition_columns.is_empty() {
        let columns = table.partition_columns.iter().map(|c| identifier(c)).collect::<Vec<_>>().join(", ");
        text.push_str(&format!("PARTITIONED BY ({columns})\n"));
    }
    if let Some(spec) = &table.bucket_spec {
        let list = |columns: &[String]| columns.iter().map(|c| identifier(c)).collect::<Vec<_>>().join(", ");
        text.push_str(&format!("CLUSTERED BY ({})\n", list(&spec.columns)));
        if !spec.sort_columns.is_empty() {
            text.push_str(&format!("SORTED BY ({})\n", list(&spec.sort_columns)));
        }
        text.push_str(&format!("INTO {} BUCKETS\n", spec.buckets));
    }
    if table.kind == TableKind::External {
        text.push_str(&format!("LOCATION {}\n", quoted(&ember_sources::paths::qualified(std::path::Path::new(&table.location)))));
    }
    if let Some(comment) = &table.comment {
        text.push_str(&format!("COMMENT {}\n", quoted(comment)));
    }
    if !table.properties.is_empty() {
        text.push_str(&format!("TBLPROPERTIES (\n{})\n", pairs(table.properties.iter())));
    }
    Ok(text)
}

/// Spark's `CREATE VIEW` text: the columns by name (with their comments),
/// the view's comment and properties, and its query text.
fn view_statement(view: &Table) -> Result<String, SparkError> {
    let columns = table_fields(view)?
        .iter()
        .map(|f| match ember_types::field_comment(f) {
            Some(comment) => format!("  {} COMMENT {}", identifier(f.name()), quoted(&comment)),
            None => format!("  {}", identifier(f.name())),
        })
        .collect::<Vec<_>>()
        .join(",\n");
    let mut text = format!("CREATE VIEW {}.{} (\n{columns})\n", view.database, view.name);
    if let Some(comment) = &view.comment {
        text.push_str(&format!("COMMENT {}\n", quoted(comment)));
    }
    if !view.properties.is_empty() {
        text.push_str(&format!("TBLPROPERTIES (\n{})\n", pairs(view.properties.iter())));
    }
    text.push_str(&format!("WITH SCHEMA COMPENSATION\nAS {}\n", view.view_text.as_deref().unwrap_or_default()));
    Ok(text)
}

/// `'k' = 'v'` lines, indented, comma-separated.
fn pairs<'a>(entries: impl Iterator<Item = (&'a String, &'a String)>) -> String {
    entries.map(|(k, v)| format!("  {} = {}", quoted(k), quoted(v))).collect::<Vec<_>>().join(",\n")
}

/// A name as Spark prints it: backticked only when it needs to be.
fn identifier(name: &str) -> String {
    ember_types::quote_if_needed(name)
}

/// A SQL string literal.
fn quoted(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn renders_spark_layout() {
        let table = Table {
            database: "default".into(),
            name: "t".into(),
            kind: TableKind::Managed,
            provider: "csv".into(),
            schema: r#"{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{"comment":"it's a"}},{"name":"p","type":"string","nullable":true,"metadata":{}}]}"#.into(),
            partition_columns: vec!["p".into()],
            bucket_spec: Some(ember_catalog::BucketSpec { buckets: 4, columns: vec!["a".into()], sort_columns: vec![] }),
            location: "/w/t".into(),
            options: BTreeMap::from([("header".to_string(), "true".to_string())]),
            properties: BTreeMap::new(),
            comment: Some("c".into()),
            view_text: None,
            view_query_columns: Vec::new(),
            partition_locations: BTreeMap::new(),
            created_ms: 0,
            version: 0,
        };
        assert_eq!(
            statement(&table).unwrap(),
            "CREATE TABLE spark_catalog.default.t (\n  a INT COMMENT 'it\\'s a',\n  p STRING COLLATE UTF8_BINARY)\nUSING csv\nOPTIONS (\n  'header' = 'true')\nPARTITIONED BY (p)\nCLUSTERED BY (a)\nINTO 4 BUCKETS\nCOMMENT 'c'\n"
        );
    }
}
