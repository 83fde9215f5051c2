//! Persistent views: `CREATE VIEW` with column comments, `COMMENT` and
//! `TBLPROPERTIES`; `ALTER VIEW … AS | SET/UNSET TBLPROPERTIES`; the rows
//! `DESCRIBE EXTENDED` shows for a view.

use arrow::datatypes::Field;
use ember_catalog::{Table, TableKind, errors as catalog_errors};
use ember_planner::error::quote_identifier;
use ember_planner::sql::commands::{CreateView, ViewChange};
use ember_planner::{Catalog, ErrorKind, SparkError};
use ember_protocol::connect;

use crate::session::Session;
use crate::sql_commands::table_in_session;
use crate::tables::{self, resolve_name};

/// `CREATE [OR REPLACE] VIEW [IF NOT EXISTS]`: a view storing its query
/// text, its columns (renamed and commented as listed) and its metadata.
pub fn create_view(session: &Session, view: CreateView) -> Result<(), SparkError> {
    let (database, name) = resolve_name(session, &view.name)?;
    session.warehouse.existing_database(&database)?;
    let existing = session.warehouse.table(&database, &name)?;
    if existing.is_some() && view.if_not_exists {
        return Ok(());
    }
    let qualified = catalog_errors::qualified_table(&database, &name);
    if let Some(table) = existing.as_ref().filter(|t| t.kind != TableKind::View && view.or_replace) {
        let table_name = catalog_errors::qualified_table(&table.database, &table.name);
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE",
            "42809",
            format!("The table {table_name} does not support CREATE OR REPLACE VIEW."),
            &[("operation", "CREATE OR REPLACE VIEW".to_string()), ("tableName", table_name.clone())],
        ));
    }
    let query_fields = analyzed_fields(session, &view.query)?;
    check_not_recursive(session, &database, &name, &view.text)?;
    if view.columns.is_empty() {
        require_aliases(&qualified, &query_fields, &view.unaliased)?;
    }
    let fields = if view.columns.is_empty() { query_fields.clone() } else { listed_columns(&qualified, &query_fields, &view.columns)? };
    let definition = Table {
        database: database.clone(),
        name: name.clone(),
        kind: TableKind::View,
        provider: String::new(),
        schema: tables::schema_json(&fields.into())?,
        partition_columns: Vec::new(),
        bucket_spec: None,
        location: String::new(),
        options: Default::default(),
        properties: view.properties.into_iter().collect(),
        comment: view.comment,
        view_text: Some(view.text),
        view_query_columns: query_fields.iter().map(|f| f.name().clone()).collect(),
        partition_locations: Default::default(),
        created_ms: std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64),
        version: 0,
    };
    match existing {
        Some(_) if !view.or_replace => Err(catalog_errors::table_already_exists(&database, &name)),
        Some(old) => {
            session.warehouse.drop_table(&old)?;
            session.warehouse.create_table(&definition)
        }
        None => session.warehouse.create_table(&definition),
    }
}

/// `ALTER VIEW name AS query | SET TBLPROPERTIES (…) | UNSET TBLPROPERTIES (…)`.
pub fn alter_view(session: &Session, name: &[String], change: ViewChange) -> Result<(), SparkError> {
    if let ([view], ViewChange::Query { query, .. }) = (name, &change)
        && session.temp_view(view).is_some()
    {
        analyzed_fields(session, query)?;
        return session.create_view(view, query.clone(), true);
    }
    let mut table = table_in_session(session, name)?;
    let operation = match &change {
        ViewChange::Query { .. } => "ALTER VIEW ... AS",
        ViewChange::SetProperties(_) => "ALTER VIEW ... SET TBLPROPERTIES",
        ViewChange::UnsetProperties { .. } => "ALTER VIEW ... UNSET TBLPROPERTIES",
    };
    if table.kind != TableKind::View {
        let (class, hint) = match change {
            ViewChange::Query { .. } => ("EXPECT_VIEW_NOT_TABLE.NO_ALTERNATIVE", String::new()),
            _ => ("EXPECT_VIEW_NOT_TABLE.USE_ALTER_TABLE", " Please use ALTER TABLE instead.".to_string()),
        };
        let table_name = catalog_errors::qualified_table(&table.database, &table.name);
        return Err(SparkError::new(
            ErrorKind::Analysis,
            class,
            "42809",
            format!("The table {table_name} does not support {operation}.{hint}"),
            &[("operation", operation.to_string()), ("tableName", table_name.clone())],
        ));
    }
    match change {
        ViewChange::Query { text, unaliased, query } => {
            let fields = analyzed_fields(session, &query)?;
            check_not_recursive(session, &table.database, &table.name, &text)?;
            require_aliases(&catalog_errors::qualified_table(&table.database, &table.name), &fields, &unaliased)?;
            table.schema = tables::schema_json(&fields.iter().cloned().collect())?;
            table.view_query_columns = fields.iter().map(|f| f.name().clone()).collect();
            table.view_text = Some(text);
        }
        ViewChange::SetProperties(properties) => table.properties.extend(properties),
        ViewChange::UnsetProperties { keys, .. } => return unset_properties(session, table, &keys),
    }
    session.warehouse.update_table(&table).map(|_| ())
}

/// `UNSET TBLPROPERTIES`: removes the keys; missing keys are ignored, as in Spark 4.
pub fn unset_properties(session: &Session, mut table: Table, keys: &[String]) -> Result<(), SparkError> {
    for key in keys {
        table.properties.remove(key);
    }
    session.warehouse.update_table(&table).map(|_| ())
}

/// `EXPECT_TABLE_NOT_VIEW.USE_ALTER_VIEW` when an `ALTER TABLE` names a view.
pub fn expect_table(table: &Table, operation: &str) -> Result<(), SparkError> {
    if table.kind != TableKind::View {
        return Ok(());
    }
    let view = catalog_errors::qualified_table(&table.database, &table.name);
    Err(SparkError::new(
        ErrorKind::Analysis,
        "EXPECT_TABLE_NOT_VIEW.USE_ALTER_VIEW",
        "42809",
        format!("'{operation}' expects a table but {view} is a view. Please use ALTER VIEW instead."),
        &[("operation", operation.to_string()), ("viewName", view.clone())],
    ))
}

/// The view rows of `DESCRIBE EXTENDED`, after `Comment`.
pub fn describe_rows(view: &Table) -> Vec<(&'static str, String)> {
    let text = view.view_text.clone().unwrap_or_default();
    let columns = if view.view_query_columns.is_empty() {
        tables::table_fields(view).map(|fields| fields.iter().map(|f| f.name().clone()).collect()).unwrap_or_default()
    } else {
        view.view_query_columns.clone()
    };
    let columns = columns.iter().map(|c| quote_identifier(c)).collect::<Vec<_>>().join(", ");
    vec![
        ("View Text", text.clone()),
        ("View Original Text", text),
        ("View Schema Mode", "COMPENSATION".to_string()),
        ("View Catalog and Namespace", format!("spark_catalog.{}", view.database)),
        ("View Query Output Columns", format!("[{columns}]")),
    ]
}

/// The query's output columns, as Spark analyzes a view's query when it is defined.
fn analyzed_fields(session: &Session, query: &connect::Relation) -> Result<Vec<Field>, SparkError> {
    let schema = crate::execute::plan(session, query)?.spark_schema();
    Ok(schema.fields().iter().map(|f| f.as_ref().clone()).collect())
}

/// `CREATE_PERMANENT_VIEW_WITHOUT_ALIAS` for the first computed column without an alias.
fn require_aliases(view: &str, fields: &[Field], unaliased: &[usize]) -> Result<(), SparkError> {
    let Some(field) = unaliased.iter().find_map(|&i| fields.get(i)) else { return Ok(()) };
    let attr = format!("\"{}\"", field.name());
    Err(SparkError::new(
        ErrorKind::Analysis,
        "CREATE_PERMANENT_VIEW_WITHOUT_ALIAS",
        "0A000",
        format!("Not allowed to create the permanent view {view} without explicitly assigning an alias for the expression {attr}."),
        &[("name", view.to_string()), ("attr", attr.clone())],
    ))
}

/// The query's columns renamed (and commented) as the view's column list says.
fn listed_columns(view: &str, fields: &[Field], columns: &[(String, Option<String>)]) -> Result<Vec<Field>, SparkError> {
    for (i, (name, _)) in columns.iter().enumerate() {
        if columns[..i].iter().any(|(other, _)| other.eq_ignore_ascii_case(name)) {
            return Err(SparkError::column_already_exists(name));
        }
    }
    if columns.len() != fields.len() {
        let (class, reason) = if fields.len() < columns.len() {
            ("CREATE_VIEW_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS", "not enough data columns")
        } else {
            ("CREATE_VIEW_COLUMN_ARITY_MISMATCH.TOO_MANY_DATA_COLUMNS", "too many data columns")
        };
        let quoted = |names: Vec<&String>| names.into_iter().map(|n| quote_identifier(n)).collect::<Vec<_>>().join(", ");
        let view_columns = quoted(columns.iter().map(|(n, _)| n).collect());
        let data_columns = quoted(fields.iter().map(|f| f.name()).collect());
        return Err(SparkError::new(
            ErrorKind::Analysis,
            class,
            "21S01",
            format!("Cannot create view {view}, the reason is {reason}:\nView columns: {view_columns}.\nData columns: {data_columns}."),
            &[("viewName", view.to_string()), ("viewColumns", view_columns.clone()), ("dataColumns", data_columns.clone())],
        ));
    }
    Ok(fields
        .iter()
        .zip(columns)
        .map(|(field, (name, comment))| {
            let metadata = comment.as_ref().map(|c| serde_json::json!({ "comment": c }).to_string());
            ember_types::struct_field(name.clone(), field.data_type().clone(), field.is_nullable(), metadata.as_deref())
        })
        .collect())
}

/// The read a `CREATE TEMP VIEW … USING format [(schema)] OPTIONS (…)`
/// stands for: its `path` option is the path read.
pub fn source_read(provider: &str, schema: Option<String>, options: Vec<(String, String)>) -> connect::Relation {
    let (paths, options): (Vec<_>, Vec<_>) = options.into_iter().partition(|(k, _)| k.eq_ignore_ascii_case("path"));
    connect::Relation {
        common: None,
        rel_type: Some(connect::relation::RelType::Read(connect::Read {
            is_streaming: false,
            read_type: Some(connect::read::ReadType::DataSource(connect::read::DataSource {
                format: Some(provider.to_lowercase()),
                schema,
                options: options.into_iter().collect(),
                paths: paths.into_iter().map(|(_, path)| path).collect(),
                predicates: Vec::new(),
                source_name: None,
            })),
        })),
    }
}

/// `RECURSIVE_VIEW` when the view `database.name`, defined by `text`,
/// would read itself, directly or through other views.
fn check_not_recursive(session: &Session, database: &str, name: &str, text: &str) -> Result<(), SparkError> {
    let view = catalog_errors::qualified_table(database, name);
    let mut path = vec![view.clone()];
    if reaches(session, database, name, text, &mut path, 0)? {
        let cycle = path.join(" -> ");
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "RECURSIVE_VIEW",
            "42K0H",
            format!("Recursive view {view} detected (cycle: {cycle})."),
            &[("viewIdent", view.clone()), ("newPath", cycle.clone())],
        ));
    }
    Ok(())
}

/// Whether `text` reads the view `database.name`, directly or through the
/// persistent views it reads; `path` ends with the views followed.
fn reaches(session: &Session, database: &str, name: &str, text: &str, path: &mut Vec<String>, depth: usize) -> Result<bool, SparkError> {
    // Views stored by an older definition may already form a cycle: stop somewhere.
    const MAX_DEPTH: usize = 32;
    for parts in ember_planner::sql::referenced_tables(text) {
        let Some((db, table)) = tables::split_name(session, &parts) else { continue };
        if parts.len() == 1 && session.temp_view(&parts[0]).is_some() {
            continue;
        }
        path.push(catalog_errors::qualified_table(&db, &table));
        if db == database && table == name {
            return Ok(true);
        }
        if depth < MAX_DEPTH
            && let Some(other) = session.warehouse.table(&db, &table)?.filter(|t| t.kind == TableKind::View)
            && reaches(session, database, name, other.view_text.as_deref().unwrap_or_default(), path, depth + 1)?
        {
            return Ok(true);
        }
        path.pop();
    }
    Ok(false)
}
