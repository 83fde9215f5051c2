//! A partitioned table's partitions: folders `p=x/q=1` under its location,
//! plus partitions at locations of their own (`ALTER TABLE … ADD PARTITION
//! … LOCATION`), which the catalog keeps in the table's definition. The
//! commands that list, add, drop and repair them, and the reads of the
//! partitions kept elsewhere.

use std::path::Path;

use ember_catalog::{Table, TableKind, errors as catalog_errors};
use ember_planner::error::quote_identifier;
use ember_planner::sql::commands::PartitionSpec;
use ember_planner::{ErrorKind, SparkError};
use ember_protocol::connect::{self, expression::ExprType, relation::RelType};
use ember_sources::partition::{DEFAULT_PARTITION_NAME, folder, unescape_path_name};

use crate::session::Session;
use crate::tables::{schema_json, table_fields};

/// Every partition of `table` as Spark lists them (`p=x/q=1`), sorted.
pub fn all(table: &Table) -> Vec<String> {
    let mut found = Vec::new();
    list_folders(Path::new(&table.location), table.partition_columns.len(), "", &mut found);
    found.extend(table.partition_locations.keys().cloned());
    found.sort();
    found.dedup();
    found
}

/// `SHOW PARTITIONS t [PARTITION (spec)]`: the partitions the (partial) spec selects.
pub fn show(table: &Table, spec: Option<&[(String, Option<String>)]>) -> Result<Vec<String>, SparkError> {
    if table.partition_columns.is_empty() {
        let name = catalog_errors::qualified_table(&table.database, &table.name);
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "INVALID_PARTITION_OPERATION.PARTITION_SCHEMA_IS_EMPTY",
            "42601",
            format!("The partition command is invalid. Table {name} is not partitioned."),
            &[("name", name.clone())],
        ));
    }
    let Some(spec) = spec else { return Ok(all(table)) };
    let segments = spec_segments(table, spec)?;
    Ok(all(table).into_iter().filter(|path| segments.iter().all(|s| path.split('/').any(|part| part == s))).collect())
}

/// The folder names (`p=x`) a spec gives, in the table's partition order;
/// `PARTITIONS_NOT_FOUND` for a column that is not a partition column.
fn spec_segments(table: &Table, spec: &[(String, Option<String>)]) -> Result<Vec<String>, SparkError> {
    let unknown: Vec<String> =
        spec.iter().filter(|(c, _)| !table.partition_columns.iter().any(|p| p.eq_ignore_ascii_case(c))).map(|(c, _)| quote_identifier(c)).collect();
    if !unknown.is_empty() {
        return Err(not_found(&unknown.join(", "), catalog_errors::qualified_table(&table.database, &table.name)));
    }
    Ok(table
        .partition_columns
        .iter()
        .filter_map(|column| {
            let (_, value) = spec.iter().find(|(c, _)| c.eq_ignore_ascii_case(column))?;
            Some(folder(column, value.as_deref()))
        })
        .collect())
}

/// The path (`p=x/q=1`) of the one partition a full spec names; Spark's
/// `_LEGACY_ERROR_TEMP_1232` when the spec does not name every partition column.
fn full_path(table: &Table, spec: &[(String, Option<String>)]) -> Result<String, SparkError> {
    let segments = spec_segments(table, spec)?;
    if segments.len() != table.partition_columns.len() || spec.len() != segments.len() {
        let keys = spec.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(", ");
        let columns = table.partition_columns.join(", ");
        let name = catalog_errors::qualified_table(&table.database, &table.name);
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "_LEGACY_ERROR_TEMP_1232",
            "",
            format!("Partition spec is invalid. The spec ({keys}) must match the partition spec ({columns}) defined in table '{name}'."),
            &[("specKeys", keys.clone()), ("partitionColumnNames", columns.clone()), ("tableName", name.clone())],
        ));
    }
    Ok(segments.join("/"))
}

/// `PARTITION (`p` = x, `q` = 1)`, as Spark names a partition in its errors.
fn described(table: &Table, spec: &[(String, Option<String>)]) -> String {
    let values: Vec<String> = table
        .partition_columns
        .iter()
        .filter_map(|column| {
            let (_, value) = spec.iter().find(|(c, _)| c.eq_ignore_ascii_case(column))?;
            Some(format!("{} = {}", quote_identifier(column), value.as_deref().unwrap_or("null")))
        })
        .collect();
    format!("PARTITION ({})", values.join(", "))
}

/// Spark's `` `db`.`t` `` of partition errors.
fn short_name(table: &Table) -> String {
    format!("{}.{}", quote_identifier(&table.database), quote_identifier(&table.name))
}

fn exists(table: &Table, path: &str) -> bool {
    table.partition_locations.contains_key(path) || Path::new(&table.location).join(path).is_dir()
}

/// `ALTER TABLE … ADD [IF NOT EXISTS] PARTITION (spec) [LOCATION 'path'] …`:
/// all or none are added.
pub fn add(session: &Session, mut table: Table, partitions: &[(PartitionSpec, Option<String>)], if_not_exists: bool) -> Result<(), SparkError> {
    let mut added = Vec::new();
    for (spec, location) in partitions {
        let path = full_path(&table, spec)?;
        if exists(&table, &path) {
            if if_not_exists {
                continue;
            }
            return Err(already_exists(&table, spec));
        }
        let location = match location {
            Some(location) => Some(ember_sources::paths::local_path(location)?.display().to_string()),
            None => None,
        };
        added.push((path, location));
    }
    let mut relocated = false;
    for (path, location) in added {
        let folder = location.clone().unwrap_or_else(|| Path::new(&table.location).join(&path).display().to_string());
        std::fs::create_dir_all(&folder).map_err(|e| ember_sources::errors::io(&folder, e))?;
        if let Some(location) = location {
            table.partition_locations.insert(path, location);
            relocated = true;
        }
    }
    if relocated {
        session.warehouse.update_table(&table)?;
    }
    Ok(())
}

/// `ALTER TABLE … DROP [IF EXISTS] PARTITION (spec), …`: a managed table's
/// partition data goes too, wherever it is.
pub fn drop(session: &Session, mut table: Table, partitions: &[PartitionSpec], if_exists: bool) -> Result<(), SparkError> {
    let mut paths = Vec::new();
    for spec in partitions {
        let found = full_path(&table, spec).ok().filter(|path| exists(&table, path));
        match found {
            Some(path) => paths.push(path),
            None if if_exists => {}
            None => {
                spec_segments(&table, spec)?;
                return Err(not_found(&described(&table, spec), short_name(&table)));
            }
        }
    }
    let mut relocated = false;
    for path in paths {
        match table.partition_locations.remove(&path) {
            Some(location) => {
                relocated = true;
                if table.kind == TableKind::Managed {
                    let _ = std::fs::remove_dir_all(&location);
                }
            }
            // A folder under the table's location is the partition itself.
            None => {
                let _ = std::fs::remove_dir_all(Path::new(&table.location).join(&path));
            }
        }
    }
    if relocated {
        session.warehouse.update_table(&table)?;
    }
    Ok(())
}

/// The path of the existing partition a full spec names; Spark's errors otherwise.
fn existing_path(table: &Table, spec: &[(String, Option<String>)]) -> Result<String, SparkError> {
    let path = full_path(table, spec)?;
    if exists(table, &path) { Ok(path) } else { Err(not_found(&described(table, spec), short_name(table))) }
}

/// `ALTER TABLE … PARTITION (spec) SET LOCATION 'path'`: the partition's
/// files are read from there from now on (its old folder is left alone).
pub fn set_location(session: &Session, mut table: Table, spec: &[(String, Option<String>)], location: &str) -> Result<(), SparkError> {
    let path = existing_path(&table, spec)?;
    let location = ember_sources::paths::local_path(location)?.display().to_string();
    table.partition_locations.insert(path, location);
    session.warehouse.update_table(&table).map(|_| ())
}

/// `ALTER TABLE … PARTITION (spec) RENAME TO PARTITION (spec)`: a folder
/// under the table's location moves to its new name; a partition kept
/// elsewhere keeps its location under the new values.
pub fn rename(session: &Session, mut table: Table, from: &[(String, Option<String>)], to: &[(String, Option<String>)]) -> Result<(), SparkError> {
    let old = existing_path(&table, from)?;
    let new = full_path(&table, to)?;
    if exists(&table, &new) {
        return Err(already_exists(&table, to));
    }
    if let Some(location) = table.partition_locations.remove(&old) {
        table.partition_locations.insert(new, location);
        return session.warehouse.update_table(&table).map(|_| ());
    }
    let (source, target) = (Path::new(&table.location).join(&old), Path::new(&table.location).join(&new));
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent).map_err(|e| ember_sources::errors::io(&parent.display().to_string(), e))?;
    }
    std::fs::rename(&source, &target).map_err(|e| ember_sources::errors::io(&target.display().to_string(), e))
}

/// After a static `INSERT OVERWRITE` of the partitions under `path` (all of
/// them when empty): the partitions kept elsewhere among them, other than
/// the one written, are gone, as Spark deletes every partition it overwrites.
pub fn forget_overwritten(session: &Session, table: &Table, path: &str) -> Result<(), SparkError> {
    let under = |key: &str| path.is_empty() || key.starts_with(&format!("{path}/"));
    let gone: Vec<String> = table.partition_locations.keys().filter(|key| under(key)).cloned().collect();
    if gone.is_empty() {
        return Ok(());
    }
    let Some(mut current) = session.warehouse.table(&table.database, &table.name)? else { return Ok(()) };
    for key in gone {
        if let Some(location) = current.partition_locations.remove(&key) {
            let _ = std::fs::remove_dir_all(location);
        }
    }
    session.warehouse.update_table(&current).map(|_| ())
}

/// `MSCK REPAIR TABLE … DROP|SYNC PARTITIONS`: forgets the partitions kept
/// elsewhere whose folder is gone (folders under the table's location are
/// listed on every read, so there is nothing to add).
pub fn forget_missing(session: &Session, mut table: Table) -> Result<(), SparkError> {
    let before = table.partition_locations.len();
    table.partition_locations.retain(|_, location| Path::new(location).is_dir());
    if table.partition_locations.len() != before {
        session.warehouse.update_table(&table)?;
    }
    Ok(())
}

/// Checks an `INSERT`'s `PARTITION (spec)`: only partition columns, and
/// every one of them (with or without a value), as Spark requires.
pub fn check_insert_spec(table: &Table, spec: &[(String, Option<String>)]) -> Result<(), SparkError> {
    if spec.is_empty() {
        return Ok(());
    }
    let segments = spec_segments(table, spec)?;
    if segments.len() == table.partition_columns.len() {
        return Ok(());
    }
    let name = catalog_errors::qualified_table(&table.database, &table.name);
    let (given, columns) = (spec.iter().map(|(c, _)| c.as_str()).collect::<Vec<_>>().join(","), table.partition_columns.join(","));
    Err(SparkError::new(
        ErrorKind::Analysis,
        "_LEGACY_ERROR_TEMP_1169",
        "",
        format!("Requested partitioning does not match the table {name}:\nRequested partitions: {given}.\nTable partitions: {columns}."),
        &[("tableName", name.clone()), ("normalizedPartSpec", given.clone()), ("partColNames", columns.clone())],
    ))
}

/// The rows `DESCRIBE EXTENDED t PARTITION (spec)` adds for one partition.
pub fn describe(table: &Table, spec: &[(String, Option<String>)]) -> Result<Vec<(&'static str, String)>, SparkError> {
    let path = full_path(table, spec)?;
    if !exists(table, &path) {
        return Err(not_found(&described(table, spec), short_name(table)));
    }
    let folder = table.partition_locations.get(&path).cloned().unwrap_or_else(|| Path::new(&table.location).join(&path).display().to_string());
    let values = path.split('/').map(unescape_path_name).collect::<Vec<_>>().join(", ");
    let created = std::fs::metadata(&folder)
        .and_then(|m| m.modified())
        .ok()
        .map(chrono::DateTime::<chrono::Utc>::from)
        .map_or_else(String::new, |t| t.format("%a %b %d %H:%M:%S UTC %Y").to_string());
    Ok(vec![
        ("# Detailed Partition Information", String::new()),
        ("Database", table.database.clone()),
        ("Table", table.name.clone()),
        ("Partition Values", format!("[{values}]")),
        ("Location", ember_sources::paths::qualified(Path::new(&folder))),
        ("Created Time", created),
        ("Last Access", "UNKNOWN".to_string()),
        ("", String::new()),
        ("# Storage Information", String::new()),
        ("Location", ember_sources::paths::qualified(Path::new(&table.location))),
    ])
}

/// The folder an `INSERT` into the static partition `path` writes to: its
/// own location if it has one.
pub fn insert_folder(table: &Table, path: &str) -> Option<String> {
    table.partition_locations.get(path).cloned()
}

/// `read` (the table's own folder) together with the partitions kept
/// elsewhere, each read with its partition values as constant columns.
pub fn with_located_partitions(table: &Table, read: connect::Relation) -> Result<connect::Relation, SparkError> {
    let fields = table_fields(table)?;
    // A partition moved elsewhere (`SET LOCATION`) may have left its folder
    // under the table: that folder is no longer the partition.
    let mut moved = Vec::new();
    for path in table.partition_locations.keys().filter(|path| Path::new(&table.location).join(path).is_dir()) {
        let matches = table
            .partition_columns
            .iter()
            .map(|column| Ok(function("<=>", vec![column_ref(column), partition_value(&fields, column, path)?])))
            .collect::<Result<Vec<_>, SparkError>>()?;
        moved.extend(matches.into_iter().reduce(|a, b| function("and", vec![a, b])));
    }
    let mut relation = match moved.into_iter().reduce(|a, b| function("or", vec![a, b])) {
        Some(any_moved) => rel(RelType::Filter(Box::new(connect::Filter {
            input: Some(Box::new(read)),
            condition: Some(function("not", vec![any_moved])),
        }))),
        None => read,
    };
    for (path, location) in &table.partition_locations {
        let other = located_partition(table, &fields, path, location)?;
        relation = rel(RelType::SetOp(Box::new(connect::SetOperation {
            left_input: Some(Box::new(relation)),
            right_input: Some(Box::new(other)),
            set_op_type: connect::set_operation::SetOpType::Union as i32,
            is_all: Some(true),
            by_name: Some(false),
            allow_missing_columns: None,
        })));
    }
    Ok(relation)
}

/// One partition kept at `location`: its files with the data columns, plus
/// the partition columns' values from `path` (`p=x/q=1`).
fn located_partition(table: &Table, fields: &arrow::datatypes::Fields, path: &str, location: &str) -> Result<connect::Relation, SparkError> {
    let is_partition = |name: &str| table.partition_columns.iter().any(|p| p == name);
    let data: arrow::datatypes::Fields = fields.iter().filter(|f| !is_partition(f.name())).cloned().collect();
    let read = rel(RelType::Read(connect::Read {
        is_streaming: false,
        read_type: Some(connect::read::ReadType::DataSource(connect::read::DataSource {
            format: Some(table.provider.clone()),
            schema: Some(schema_json(&data)?),
            options: table.options.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            paths: vec![location.to_string()],
            predicates: Vec::new(),
            source_name: None,
        })),
    }));
    let mut expressions = Vec::new();
    for field in fields.iter() {
        let value = if is_partition(field.name()) { partition_value(fields, field.name(), path)? } else { column_ref(field.name()) };
        expressions.push(expr(ExprType::Alias(Box::new(connect::expression::Alias {
            expr: Some(Box::new(value)),
            name: vec![field.name().clone()],
            metadata: None,
        }))));
    }
    Ok(rel(RelType::Project(Box::new(connect::Project { input: Some(Box::new(read)), expressions }))))
}

/// The value `path` (`p=x/q=1`) gives partition column `column`, as a
/// constant of the column's type (NULL for Spark's default partition).
fn partition_value(fields: &arrow::datatypes::Fields, column: &str, path: &str) -> Result<connect::Expression, SparkError> {
    let text = path
        .split('/')
        .filter_map(|segment| segment.split_once('='))
        .find(|(key, _)| unescape_path_name(key).eq_ignore_ascii_case(column))
        .and_then(|(_, value)| (value != DEFAULT_PARTITION_NAME).then(|| unescape_path_name(value)));
    let literal = match text {
        Some(text) => connect::expression::literal::LiteralType::String(text),
        None => connect::expression::literal::LiteralType::Null(connect::DataType::default()),
    };
    let literal = expr(ExprType::Literal(connect::expression::Literal { literal_type: Some(literal), ..Default::default() }));
    let field = fields.iter().find(|f| f.name() == column).ok_or_else(|| SparkError::internal(format!("no partition column {column}")))?;
    let proto = ember_types::to_proto(field.data_type()).map_err(|e| SparkError::internal(e.to_string()))?;
    Ok(expr(ExprType::Cast(Box::new(connect::expression::Cast {
        expr: Some(Box::new(literal)),
        cast_to_type: Some(connect::expression::cast::CastToType::Type(proto)),
        ..Default::default()
    }))))
}

fn column_ref(name: &str) -> connect::Expression {
    expr(ExprType::UnresolvedAttribute(connect::expression::UnresolvedAttribute {
        unparsed_identifier: format!("`{}`", name.replace('`', "``")),
        plan_id: None,
        is_metadata_column: None,
    }))
}

fn function(name: &str, arguments: Vec<connect::Expression>) -> connect::Expression {
    expr(ExprType::UnresolvedFunction(connect::expression::UnresolvedFunction {
        function_name: name.to_string(),
        arguments,
        is_distinct: false,
        is_user_defined_function: false,
        is_internal: None,
    }))
}

fn rel(rel_type: RelType) -> connect::Relation {
    connect::Relation { common: None, rel_type: Some(rel_type) }
}

fn expr(expr_type: ExprType) -> connect::Expression {
    connect::Expression { common: None, expr_type: Some(expr_type) }
}

/// The folders of `table`'s partitions that `spec` (some or all of its
/// partition columns) selects, with Spark's errors when it selects none.
pub fn matching_folders(table: &Table, spec: &[(String, Option<String>)]) -> Result<Vec<String>, SparkError> {
    if table.partition_columns.is_empty() {
        let name = catalog_errors::qualified_table(&table.database, &table.name);
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "_LEGACY_ERROR_TEMP_1267",
            "",
            format!("Operation not allowed: TRUNCATE TABLE ... PARTITION is not supported for tables that are not partitioned: {name}."),
            &[("tableIdentWithDB", name.clone())],
        ));
    }
    let folders = folders(table, show(table, Some(spec))?);
    if folders.is_empty() {
        return Err(not_found(&described(table, spec), short_name(table)));
    }
    Ok(folders)
}

/// Where the partitions `paths` (`p=x/q=1`) of `table` keep their files.
pub fn folders(table: &Table, paths: Vec<String>) -> Vec<String> {
    paths
        .into_iter()
        .map(|path| table.partition_locations.get(&path).cloned().unwrap_or_else(|| Path::new(&table.location).join(path).display().to_string()))
        .collect()
}

/// `[PARTITIONS_ALREADY_EXIST]`.
fn already_exists(table: &Table, spec: &[(String, Option<String>)]) -> SparkError {
    let (partitions, name) = (described(table, spec), short_name(table));
    SparkError::new(
        ErrorKind::Analysis,
        "PARTITIONS_ALREADY_EXIST",
        "428FT",
        format!("Cannot ADD or RENAME TO partition(s) {partitions} in table {name} because they already exist. Choose a different name, drop the existing partition, or add the IF NOT EXISTS clause to tolerate a pre-existing partition."),
        &[("partitionList", partitions.clone()), ("tableName", name.clone())],
    )
}

/// `[PARTITIONS_NOT_FOUND]`.
fn not_found(partition_list: &str, table_name: String) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "PARTITIONS_NOT_FOUND",
        "428FT",
        format!("The partition(s) {partition_list} cannot be found in table {table_name}."),
        &[("partitionList", partition_list.to_string()), ("tableName", table_name.clone())],
    )
}

/// `a=1/b=x` for every partition folder `depth` levels under `folder`.
fn list_folders(folder: &Path, depth: usize, prefix: &str, found: &mut Vec<String>) {
    if depth == 0 {
        found.push(prefix.to_string());
        return;
    }
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.path().is_dir() && name.contains('=') && !ember_sources::paths::is_hidden(&name) {
            let next = if prefix.is_empty() { name.clone() } else { format!("{prefix}/{name}") };
            list_folders(&entry.path(), depth - 1, &next, found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn table(location: &Path) -> Table {
        Table {
            database: "default".into(),
            name: "t".into(),
            kind: TableKind::Managed,
            provider: "parquet".into(),
            schema: r#"{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{}},{"name":"p","type":"string","nullable":true,"metadata":{}},{"name":"q","type":"integer","nullable":true,"metadata":{}}]}"#.into(),
            partition_columns: vec!["p".into(), "q".into()],
            bucket_spec: None,
            location: location.display().to_string(),
            options: BTreeMap::new(),
            properties: BTreeMap::new(),
            comment: None,
            view_text: None,
            view_query_columns: Vec::new(),
            partition_locations: BTreeMap::from([("p=z/q=2".to_string(), "/elsewhere".to_string())]),
            created_ms: 0,
            version: 0,
        }
    }

    fn spec(pairs: &[(&str, &str)]) -> PartitionSpec {
        pairs.iter().map(|(k, v)| (k.to_string(), Some(v.to_string()))).collect()
    }

    #[test]
    fn lists_folders_and_partitions_kept_elsewhere() {
        let dir = std::env::temp_dir().join(format!("ember-partitions-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("p=x/q=1")).unwrap();
        let t = table(&dir);
        assert_eq!(all(&t), ["p=x/q=1", "p=z/q=2"]);
        assert_eq!(show(&t, Some(spec(&[("P", "z")]).as_slice())).unwrap(), ["p=z/q=2"]);
        assert_eq!(show(&t, Some(spec(&[("r", "z")]).as_slice())).unwrap_err().error_class, "PARTITIONS_NOT_FOUND");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_full_spec_names_one_partition() {
        let t = table(Path::new("/w/t"));
        assert_eq!(full_path(&t, &spec(&[("q", "1"), ("p", "a/b")])).unwrap(), "p=a%2Fb/q=1");
        assert_eq!(full_path(&t, &spec(&[("p", "x")])).unwrap_err().error_class, "_LEGACY_ERROR_TEMP_1232");
        assert_eq!(described(&t, &spec(&[("q", "1"), ("p", "x")])), "PARTITION (`p` = x, `q` = 1)");
    }
}
