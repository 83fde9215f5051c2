//! `spark.catalog` calls, which the client sends as `Catalog` relations.

use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, ListBuilder, RecordBatch, StringArray, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema};
use ember_catalog::Database;
use ember_planner::names::split_name_parts;
use ember_planner::sql::commands::{Command, CreateTable};

use crate::sql_commands::database_name;
use ember_planner::{Catalog, SparkError};
use ember_protocol::connect::{self, catalog::CatType};

use crate::session::Session;

/// The only catalog: Spark's session catalog, backed by the warehouse.
const CATALOG: &str = "spark_catalog";

/// Runs a catalog call; returns its one-column result.
pub async fn run(session: &Session, catalog: &connect::Catalog) -> Result<RecordBatch, SparkError> {
    let Some(call) = &catalog.cat_type else {
        return Err(SparkError::illegal_argument("catalog call without a type"));
    };
    match call {
        CatType::CurrentCatalog(_) => string_value(CATALOG),
        CatType::CurrentDatabase(_) => string_value(&session.current_database()),
        CatType::ListCatalogs(list) => catalogs_batch(list.pattern.as_deref()),
        CatType::SetCurrentCatalog(set) => {
            known_catalog(&set.catalog_name)?;
            Ok(RecordBatch::new_empty(Arc::new(Schema::empty())))
        }
        CatType::SetCurrentDatabase(db) => {
            crate::sql_commands::use_database(session, &db.db_name)?;
            Ok(RecordBatch::new_empty(Arc::new(Schema::empty())))
        }
        CatType::DatabaseExists(db) => bool_value(session.warehouse.database(&database_name(&db.db_name))?.is_some()),
        CatType::ListDatabases(list) => {
            let databases: Vec<Database> = session
                .warehouse
                .databases()?
                .into_iter()
                .filter(|d| list.pattern.as_deref().is_none_or(|p| crate::sql_commands::matches_pattern(p, &d.name)))
                .collect();
            databases_batch(&databases)
        }
        CatType::GetDatabase(db) => databases_batch(&[session.warehouse.existing_database(&database_name(&db.db_name))?]),
        CatType::TableExists(t) => {
            let parts = name_parts(&t.table_name, t.db_name.as_deref());
            let exists = match parts.as_slice() {
                [name] if session.temp_view(name).is_some() => true,
                _ => session.table(&parts)?.is_some(),
            };
            bool_value(exists)
        }
        CatType::ListTables(list) => {
            let database = list.db_name.as_deref().map_or_else(|| session.current_database(), database_name);
            let mut entries: Vec<TableEntry> = if database == ember_catalog::GLOBAL_TEMP_DATABASE {
                session.global_view_names().into_iter().map(TableEntry::global).collect()
            } else {
                session.warehouse.existing_database(&database)?;
                session.warehouse.tables(&database)?.into_iter().map(TableEntry::of).collect()
            };
            entries.extend(session.view_names().into_iter().map(TableEntry::temporary));
            entries.retain(|e| list.pattern.as_deref().is_none_or(|p| crate::sql_commands::matches_pattern(p, &e.name)));
            tables_batch(&entries)
        }
        CatType::GetTable(get) => {
            let parts = name_parts(&get.table_name, get.db_name.as_deref());
            let entry = match parts.as_slice() {
                [name] if session.temp_view(name).is_some() => TableEntry::temporary(name.to_lowercase()),
                [database, name]
                    if database.eq_ignore_ascii_case(ember_catalog::GLOBAL_TEMP_DATABASE) && session.table(&parts)?.is_some() =>
                {
                    TableEntry::global(name.to_lowercase())
                }
                _ => TableEntry::of(lookup_table(session, &parts, &get.table_name)?),
            };
            tables_batch(&[entry])
        }
        CatType::ListColumns(list) => {
            let parts = name_parts(&list.table_name, list.db_name.as_deref());
            let columns: Vec<ColumnEntry> = match parts.as_slice() {
                [name] if session.temp_view(name).is_some() => {
                    let relation = session.temp_view(name).unwrap_or_default();
                    let schema = crate::execute::plan(session, &relation)?.spark_schema();
                    schema.fields().iter().map(|f| column_entry(f, false, false, false)).collect()
                }
                _ => {
                    let table = lookup_table(session, &parts, &list.table_name)?;
                    crate::tables::table_fields(&table)?
                        .iter()
                        .map(|f| {
                            let bucket = crate::bucketed_tables::is_bucket_column(&table, f.name());
                            let cluster = crate::bucketed_tables::is_cluster_column(&table, f.name());
                            column_entry(f, table.partition_columns.contains(f.name()), bucket, cluster)
                        })
                        .collect()
                }
            };
            columns_batch(&columns)
        }
        CatType::ListViews(list) => {
            let database = list.db_name.as_deref().map_or_else(|| session.current_database(), database_name);
            session.warehouse.existing_database(&database)?;
            let mut entries: Vec<TableEntry> = session
                .warehouse
                .tables(&database)?
                .into_iter()
                .filter(|t| t.kind == ember_catalog::TableKind::View)
                .map(TableEntry::of)
                .collect();
            entries.retain(|e| list.pattern.as_deref().is_none_or(|p| crate::sql_commands::matches_pattern(p, &e.name)));
            tables_batch(&entries)
        }
        CatType::CreateTable(create) => {
            let command = create_table_command(&create.table_name, create.path.clone(), create.source.clone(), create.schema.as_ref(), create.description.clone(), &create.options)?;
            crate::sql_commands::run(session, command).await?;
            table_rows(session, &create.table_name).await
        }
        #[allow(deprecated)]
        CatType::CreateExternalTable(create) => {
            let command = create_table_command(&create.table_name, create.path.clone(), create.source.clone(), create.schema.as_ref(), None, &create.options)?;
            crate::sql_commands::run(session, command).await?;
            table_rows(session, &create.table_name).await
        }
        CatType::RefreshTable(t) => {
            // Spark resolves the name as a relation (temp views too).
            crate::execute::plan(session, &named_table(&t.table_name))?;
            crate::cache::refresh_table(session, &split_name_parts(&t.table_name))?;
            Ok(RecordBatch::new_empty(Arc::new(Schema::empty())))
        }
        CatType::AnalyzeTable(t) => command(session, Command::AnalyzeTable { name: split_name_parts(&t.table_name) }).await,
        // Reads list a path's files each time; cached relations over it keep their rows.
        CatType::RefreshByPath(_) => Ok(RecordBatch::new_empty(Arc::new(Schema::empty()))),
        CatType::RecoverPartitions(t) => {
            command(session, Command::RepairTable { name: split_name_parts(&t.table_name), recover: true, drop_missing: false }).await
        }
        CatType::DropTable(t) => command(session, Command::DropTable { name: split_name_parts(&t.table_name), if_exists: t.if_exists }).await,
        CatType::DropView(v) => command(session, Command::DropView { name: split_name_parts(&v.view_name), if_exists: v.if_exists }).await,
        CatType::CreateDatabase(d) => {
            let properties = d.properties.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let create = Command::CreateDatabase { name: d.db_name.clone(), if_not_exists: d.if_not_exists, comment: None, location: None, properties };
            command(session, create).await
        }
        CatType::DropDatabase(d) => {
            command(session, Command::DropDatabase { name: d.db_name.clone(), if_exists: d.if_exists, cascade: d.cascade }).await
        }
        CatType::TruncateTable(t) => command(session, Command::TruncateTable { name: split_name_parts(&t.table_name), partition: None }).await,
        CatType::ListPartitions(t) => crate::sql_commands::run(session, Command::ShowPartitions { table: split_name_parts(&t.table_name), partition: None }).await,
        CatType::GetTableProperties(t) => {
            crate::sql_commands::run(session, Command::ShowTableProperties { table: split_name_parts(&t.table_name), key: None }).await
        }
        CatType::GetCreateTableString(t) => {
            crate::sql_commands::run(session, Command::ShowCreateTable { table: split_name_parts(&t.table_name) }).await
        }
        CatType::DropGlobalTempView(v) => bool_value(session.drop_global_view(&v.view_name)),
        CatType::DropTempView(v) => bool_value(session.drop_view(&v.view_name)),
        CatType::IsCached(t) => bool_value(crate::cache::is_table_cached(session, &split_name_parts(&t.table_name))?),
        CatType::CacheTable(t) => {
            let level = t.storage_level.unwrap_or_else(crate::cache::memory_and_disk);
            crate::cache::cache_table(session, &split_name_parts(&t.table_name), level, true).await?;
            Ok(RecordBatch::new_empty(Arc::new(Schema::empty())))
        }
        CatType::UncacheTable(t) => {
            crate::cache::uncache_table(session, &split_name_parts(&t.table_name), false)?;
            Ok(RecordBatch::new_empty(Arc::new(Schema::empty())))
        }
        CatType::FunctionExists(f) => {
            bool_value(crate::function_catalog::catalog_function_exists(session, &name_parts(&f.function_name, f.db_name.as_deref()))?)
        }
        CatType::ListFunctions(list) => {
            crate::function_catalog::list_functions(session, list.db_name.as_deref().map(database_name), list.pattern.as_deref())
        }
        CatType::GetFunction(get) => crate::function_catalog::get_function(session, &name_parts(&get.function_name, get.db_name.as_deref())),
        CatType::ClearCache(_) => {
            session.cache.clear();
            Ok(RecordBatch::new_empty(Arc::new(Schema::empty())))
        }
    }
}

/// Runs a catalog command whose result the client ignores.
async fn command(session: &Session, command: Command) -> Result<RecordBatch, SparkError> {
    crate::sql_commands::run(session, command).await?;
    Ok(RecordBatch::new_empty(Arc::new(Schema::empty())))
}

/// `spark.catalog.createTable(name, path, source, schema, description, **options)`.
fn create_table_command(
    name: &str,
    path: Option<String>,
    source: Option<String>,
    schema: Option<&connect::DataType>,
    description: Option<String>,
    options: &std::collections::HashMap<String, String>,
) -> Result<Command, SparkError> {
    let mut options: Vec<(String, String)> = options.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    options.sort();
    let location = path.or_else(|| options.iter().find(|(k, _)| k == "path").map(|(_, v)| v.clone()));
    options.retain(|(k, _)| k != "path");
    let columns = match schema {
        Some(schema) => {
            let data_type = ember_types::from_proto(schema, "UTC").map_err(|e| SparkError::internal(e.to_string()))?;
            let DataType::Struct(fields) = data_type else {
                return Err(SparkError::illegal_argument("createTable's schema must be a struct type"));
            };
            Some(fields.iter().map(|f| format!("{} {}", ember_planner::error::quote_identifier(f.name()), ember_types::sql_string(f.data_type()))).collect::<Vec<_>>().join(", "))
        }
        None => None,
    };
    Ok(Command::CreateTable(CreateTable {
        name: split_name_parts(name),
        columns: columns.filter(|c| !c.is_empty()),
        provider: source,
        location,
        options,
        comment: description,
        ..Default::default()
    }))
}

/// For a `createTable` catalog relation, the read of the table it creates.
pub fn created_table_read(relation: &connect::Relation) -> Option<connect::Relation> {
    let Some(connect::relation::RelType::Catalog(catalog)) = &relation.rel_type else {
        return None;
    };
    #[allow(deprecated)]
    match &catalog.cat_type {
        Some(CatType::CreateTable(create)) => Some(named_table(&create.table_name)),
        Some(CatType::CreateExternalTable(create)) => Some(named_table(&create.table_name)),
        _ => None,
    }
}

/// A relation reading a table or view by name.
fn named_table(name: &str) -> connect::Relation {
    connect::Relation {
        common: None,
        rel_type: Some(connect::relation::RelType::Read(connect::Read {
            is_streaming: false,
            read_type: Some(connect::read::ReadType::NamedTable(connect::read::NamedTable {
                unparsed_identifier: name.to_string(),
                options: Default::default(),
            })),
        })),
    }
}

/// The rows of a table (the DataFrame `createTable` returns).
async fn table_rows(session: &Session, name: &str) -> Result<RecordBatch, SparkError> {
    let planned = crate::execute::plan(session, &named_table(name))?;
    let schema = crate::execute::output_schema(&planned)?;
    let batches = datafusion::dataframe::DataFrame::new(session.ctx.state(), planned.plan).collect().await?;
    let batches = batches.iter().map(|b| RecordBatch::try_new(schema.clone(), b.columns().to_vec())).collect::<Result<Vec<_>, _>>()?;
    Ok(arrow::compute::concat_batches(&schema, &batches)?)
}

/// A table's name parts, with the deprecated separate database name first.
fn name_parts(table: &str, database: Option<&str>) -> Vec<String> {
    let mut parts = split_name_parts(table);
    if let Some(database) = database {
        parts.insert(0, database.to_string());
    }
    parts
}

/// A catalog table; Spark's `TABLE_OR_VIEW_NOT_FOUND` (searching the session
/// and the current database) when there is none.
fn lookup_table(session: &Session, parts: &[String], written: &str) -> Result<ember_catalog::Table, SparkError> {
    let found = match crate::tables::split_name(session, parts) {
        Some((database, name)) => session.warehouse.table(&database, &name)?,
        None => None,
    };
    found.ok_or_else(|| {
        let mut err = SparkError::table_not_found(written);
        let path = format!("[`system`.`session`, `spark_catalog`.`{}`]", session.current_database());
        err.parameters.insert("searchPath".to_string(), path);
        err
    })
}

/// One row of `listTables`/`getTable`.
struct TableEntry {
    name: String,
    database: Option<String>,
    description: Option<String>,
    table_type: &'static str,
    is_temporary: bool,
}

impl TableEntry {
    fn of(table: ember_catalog::Table) -> Self {
        TableEntry {
            name: table.name,
            database: Some(table.database),
            description: table.comment,
            table_type: table.kind.spark_name(),
            is_temporary: false,
        }
    }

    fn temporary(name: String) -> Self {
        TableEntry { name, database: None, description: None, table_type: "TEMPORARY", is_temporary: true }
    }

    fn global(name: String) -> Self {
        let database = Some(ember_catalog::GLOBAL_TEMP_DATABASE.to_string());
        TableEntry { name, database, description: None, table_type: "TEMPORARY", is_temporary: true }
    }
}

/// Rows of name, catalog, namespace (list), description, tableType, isTemporary.
fn tables_batch(entries: &[TableEntry]) -> Result<RecordBatch, SparkError> {
    let mut namespaces = ListBuilder::new(StringBuilder::new());
    for entry in entries {
        if let Some(database) = &entry.database {
            namespaces.values().append_value(database);
        }
        namespaces.append(true);
    }
    let namespace_type = DataType::List(Arc::new(Field::new("element", DataType::Utf8, true)));
    let schema = Arc::new(Schema::new(vec![
        Field::new("name", DataType::Utf8, true),
        Field::new("catalog", DataType::Utf8, true),
        Field::new("namespace", namespace_type.clone(), true),
        Field::new("description", DataType::Utf8, true),
        Field::new("tableType", DataType::Utf8, true),
        Field::new("isTemporary", DataType::Boolean, false),
    ]));
    let namespaces = namespaces.finish();
    let namespaces = arrow::array::ListArray::new(
        Arc::new(Field::new("element", DataType::Utf8, true)),
        namespaces.offsets().clone(),
        namespaces.values().clone(),
        arrow::array::Array::nulls(&namespaces).cloned(),
    );
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(entries.iter().map(|e| e.name.as_str()))),
        Arc::new(StringArray::from(entries.iter().map(|e| (!e.is_temporary).then_some(CATALOG)).collect::<Vec<_>>())),
        Arc::new(namespaces),
        Arc::new(StringArray::from(entries.iter().map(|e| e.description.clone()).collect::<Vec<_>>())),
        Arc::new(StringArray::from_iter_values(entries.iter().map(|e| e.table_type))),
        Arc::new(BooleanArray::from(entries.iter().map(|e| e.is_temporary).collect::<Vec<_>>())),
    ];
    Ok(RecordBatch::try_new(schema, columns)?)
}

/// A `listColumns` row.
fn column_entry(field: &Field, is_partition: bool, is_bucket: bool, is_cluster: bool) -> ColumnEntry {
    let data_type = ember_types::simple_string(field.data_type());
    (field.name().clone(), ember_types::field_comment(field), data_type, field.is_nullable(), is_partition, is_bucket, is_cluster)
}

/// name, description, dataType, nullable, isPartition, isBucket, isCluster.
type ColumnEntry = (String, Option<String>, String, bool, bool, bool, bool);

/// Rows of name, description, dataType, nullable, isPartition, isBucket, isCluster.
fn columns_batch(columns: &[ColumnEntry]) -> Result<RecordBatch, SparkError> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("name", DataType::Utf8, true),
        Field::new("description", DataType::Utf8, true),
        Field::new("dataType", DataType::Utf8, true),
        Field::new("nullable", DataType::Boolean, false),
        Field::new("isPartition", DataType::Boolean, false),
        Field::new("isBucket", DataType::Boolean, false),
        Field::new("isCluster", DataType::Boolean, false),
    ]));
    let array: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(columns.iter().map(|c| c.0.as_str()))),
        Arc::new(StringArray::from(columns.iter().map(|c| c.1.clone()).collect::<Vec<_>>())),
        Arc::new(StringArray::from_iter_values(columns.iter().map(|c| c.2.as_str()))),
        Arc::new(BooleanArray::from(columns.iter().map(|c| c.3).collect::<Vec<_>>())),
        Arc::new(BooleanArray::from(columns.iter().map(|c| c.4).collect::<Vec<_>>())),
        Arc::new(BooleanArray::from(columns.iter().map(|c| c.5).collect::<Vec<_>>())),
        Arc::new(BooleanArray::from(columns.iter().map(|c| c.6).collect::<Vec<_>>())),
    ];
    Ok(RecordBatch::try_new(schema, array)?)
}

fn single(data_type: DataType, array: ArrayRef) -> Result<RecordBatch, SparkError> {
    let schema = Arc::new(Schema::new(vec![Field::new("value", data_type, false)]));
    Ok(RecordBatch::try_new(schema, vec![array])?)
}

fn string_value(value: &str) -> Result<RecordBatch, SparkError> {
    single(DataType::Utf8, Arc::new(StringArray::from(vec![value])))
}

fn bool_value(value: bool) -> Result<RecordBatch, SparkError> {
    single(DataType::Boolean, Arc::new(BooleanArray::from(vec![value])))
}

/// `spark.catalog.listCatalogs` rows (name, description): the session catalog.
fn catalogs_batch(pattern: Option<&str>) -> Result<RecordBatch, SparkError> {
    let schema = Arc::new(Schema::new(vec![Field::new("name", DataType::Utf8, false), Field::new("description", DataType::Utf8, true)]));
    let names: Vec<&str> = [CATALOG].into_iter().filter(|c| pattern.is_none_or(|p| crate::sql_commands::matches_pattern(p, c))).collect();
    let descriptions = StringArray::from(vec![None::<&str>; names.len()]);
    Ok(RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(names)) as ArrayRef, Arc::new(descriptions)])?)
}

/// Fails with Spark's `CATALOG_NOT_FOUND` unless `name` is the session catalog.
fn known_catalog(name: &str) -> Result<(), SparkError> {
    if name.eq_ignore_ascii_case(CATALOG) {
        return Ok(());
    }
    // Spark raises it as a plain `SparkException`.
    Err(SparkError::new(
        ember_planner::ErrorKind::Internal,
        "CATALOG_NOT_FOUND",
        "42P08",
        format!("The catalog `{name}` not found. Consider to set the SQL config \"spark.sql.catalog.{name}\" to a catalog plugin."),
        &[("catalogName", format!("`{name}`")), ("config", format!("\"spark.sql.catalog.{name}\""))],
    ))
}

/// `spark.catalog.listDatabases` rows: name, catalog, description, locationUri.
fn databases_batch(databases: &[Database]) -> Result<RecordBatch, SparkError> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("name", DataType::Utf8, false),
        Field::new("catalog", DataType::Utf8, true),
        Field::new("description", DataType::Utf8, true),
        Field::new("locationUri", DataType::Utf8, false),
    ]));
    let column = |f: &dyn Fn(&Database) -> String| Arc::new(StringArray::from_iter_values(databases.iter().map(f))) as ArrayRef;
    let columns = vec![
        column(&|d| d.name.clone()),
        column(&|_| CATALOG.to_string()),
        column(&|d| d.comment.clone()),
        column(&|d| ember_sources::paths::qualified(std::path::Path::new(&d.location))),
    ];
    Ok(RecordBatch::try_new(schema, columns)?)
}
