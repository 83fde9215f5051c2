//! Runs the catalog commands of `spark.sql` (databases, tables, `INSERT`,
//! `SHOW`, `DESCRIBE`); each answers with the rows Spark returns, if any.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use ember_catalog::{Database, GLOBAL_TEMP_DATABASE, TableKind, errors as catalog_errors};
use ember_planner::sql::commands::{Command, CreateTable, Insert};
use ember_planner::{Catalog, ErrorKind, SparkError};

use crate::session::Session;
use crate::tables::{self, InsertRows, NewTable, resolve_name, table_fields};

/// Runs a command; returns its result rows (empty for most commands).
pub async fn run(session: &Session, command: Command) -> Result<RecordBatch, SparkError> {
    let warehouse = &session.warehouse;
    match command {
        Command::CreateDatabase { name, if_not_exists, comment, location, properties } => {
            let name = name.to_lowercase();
            let location = match location {
                Some(location) => ember_sources::paths::local_path(&location)?,
                None => warehouse.default_database_location(&name),
            };
            let database = Database {
                name,
                comment: comment.unwrap_or_default(),
                location: location.display().to_string(),
                properties: properties.into_iter().collect(),
                version: 0,
            };
            warehouse.create_database(&database, if_not_exists)?;
            Ok(empty())
        }
        Command::DropDatabase { name, if_exists, cascade } => {
            warehouse.drop_database(&name.to_lowercase(), if_exists, cascade)?;
            Ok(empty())
        }
        Command::SetDatabaseProperties { name, properties } => {
            warehouse.alter_database(&name.to_lowercase(), |d| d.properties.extend(properties))?;
            Ok(empty())
        }
        Command::SetDatabaseLocation { name, location } => {
            let location = ember_sources::paths::local_path(&location)?.display().to_string();
            warehouse.alter_database(&name.to_lowercase(), |d| d.location = location)?;
            Ok(empty())
        }
        Command::DescribeDatabase { name, extended } => describe_database(session, &name.to_lowercase(), extended),
        Command::ShowDatabases { pattern } => {
            let names: Vec<String> = warehouse
                .databases()?
                .into_iter()
                .map(|d| d.name)
                .filter(|n| pattern.as_deref().is_none_or(|p| matches_pattern(p, n)))
                .collect();
            strings(&[("namespace", false)], vec![names])
        }
        Command::Use { database } => {
            use_database(session, &database)?;
            Ok(empty())
        }
        Command::CreateTable(create) => {
            create_table(session, create).await?;
            Ok(empty())
        }
        Command::Insert(insert) => {
            run_insert(session, insert).await?;
            Ok(empty())
        }
        Command::DropTable { name, if_exists } => {
            // As Spark, a dropped table or view is no longer cached.
            crate::cache::uncache_table(session, &name, true)?;
            if let [view] = name.as_slice() {
                if session.drop_view(view) {
                    return Ok(empty());
                }
            }
            let (database, table) = resolve_name(session, &name)?;
            match warehouse.table(&database, &table)? {
                Some(table) => warehouse.drop_table(&table)?,
                None if if_exists => {}
                None => return Err(catalog_errors::table_not_found(&database, &table)),
            }
            Ok(empty())
        }
        Command::TruncateTable { name, partition } => {
            let table = table_in_session(session, &name)?;
            let folders = match partition {
                // Spark empties each partition, which stays (`SHOW PARTITIONS` lists it).
                None if !table.partition_columns.is_empty() => crate::partitions::folders(&table, crate::partitions::all(&table)),
                None => vec![table.location.clone()],
                Some(spec) => crate::partitions::matching_folders(&table, &spec)?,
            };
            for folder in folders {
                let location = Path::new(&folder);
                if location.exists() {
                    std::fs::remove_dir_all(location).map_err(|e| ember_sources::errors::io(&folder, e))?;
                }
                std::fs::create_dir_all(location).map_err(|e| ember_sources::errors::io(&folder, e))?;
            }
            Ok(empty())
        }
        Command::RenameTable { from, to } => {
            let table = table_in_session(session, &from)?;
            let (_, new_name) = resolve_name(session, &to)?;
            warehouse.rename_table(&table, &new_name)?;
            Ok(empty())
        }
        Command::AddColumns { name, columns } => {
            let mut table = table_in_session(session, &name)?;
            let added = ember_types::parse_ddl_schema(&columns, "UTC").map_err(ember_planner::error::from_type_error)?;
            let fields = table_fields(&table)?;
            let (data, partitions): (Vec<_>, Vec<_>) = fields.iter().partition(|f| !table.partition_columns.contains(f.name()));
            let all: Vec<Field> = data
                .into_iter()
                .map(|f| f.as_ref().clone())
                .chain(added.iter().map(|f| f.as_ref().clone().with_nullable(true)))
                .chain(partitions.into_iter().map(|f| f.as_ref().clone()))
                .collect();
            table.schema = tables::schema_json(&all.into())?;
            warehouse.update_table(&table)?;
            Ok(empty())
        }
        Command::AlterColumn { name, column, new_name, new_type, comment } => {
            let change = crate::table_ddl::ColumnChange {
                column: &column,
                new_name: new_name.as_deref(),
                new_type: new_type.as_deref(),
                comment: comment.as_deref(),
            };
            crate::table_ddl::alter_column(session, &name, change).map(|()| empty())
        }
        Command::SetTableProperties { name, properties } => {
            let mut table = table_in_session(session, &name)?;
            crate::views::expect_table(&table, "ALTER TABLE ... SET TBLPROPERTIES")?;
            table.properties.extend(properties);
            warehouse.update_table(&table)?;
            Ok(empty())
        }
        Command::UnsetTableProperties { name, keys, .. } => {
            let table = table_in_session(session, &name)?;
            crate::views::expect_table(&table, "ALTER TABLE ... UNSET TBLPROPERTIES")?;
            crate::views::unset_properties(session, table, &keys).map(|()| empty())
        }
        Command::AlterView { name, change } => crate::views::alter_view(session, &name, change).map(|()| empty()),
        Command::UnsupportedTableOperation { name, operation } => {
            let table = table_in_session(session, &name)?;
            Err(catalog_errors::table_operation_unsupported(&table.database, &table.name, operation))
        }
        Command::AddPartitions { name, partitions, if_not_exists } => {
            let table = table_in_session(session, &name)?;
            crate::partitions::add(session, table, &partitions, if_not_exists).map(|()| empty())
        }
        Command::DropPartitions { name, partitions, if_exists } => {
            let table = table_in_session(session, &name)?;
            crate::partitions::drop(session, table, &partitions, if_exists).map(|()| empty())
        }
        Command::SetPartitionLocation { name, partition, location } => {
            let table = table_in_session(session, &name)?;
            crate::partitions::set_location(session, table, &partition, &location).map(|()| empty())
        }
        Command::RenamePartition { name, from, to } => {
            let table = table_in_session(session, &name)?;
            crate::partitions::rename(session, table, &from, &to).map(|()| empty())
        }
        Command::RepairTable { name, recover, drop_missing } => {
            // Reads list the partition folders each time: nothing to register.
            let table = table_in_session(session, &name)?;
            if table.partition_columns.is_empty() {
                let operation = if recover { "ALTER TABLE RECOVER PARTITIONS" } else { "MSCK REPAIR TABLE" };
                let name = catalog_errors::qualified_table(&table.database, &table.name);
                return Err(SparkError::new(
                    ErrorKind::Analysis,
                    "NOT_A_PARTITIONED_TABLE",
                    "42809",
                    format!("Operation {operation} is not allowed for {name} because it is not a partitioned table."),
                    &[("operation", operation.to_string()), ("tableIdentWithDB", name.clone())],
                ));
            }
            if drop_missing {
                crate::partitions::forget_missing(session, table)?;
            }
            Ok(empty())
        }
        // Ember keeps no table statistics: the table must exist, nothing is computed.
        Command::AnalyzeTable { name } => table_in_session(session, &name).map(|_| empty()),
        Command::RefreshTable { name } => {
            table_in_session(session, &name)?;
            crate::cache::refresh_table(session, &name).map(|()| empty())
        }
        Command::ShowTables { database, pattern } => show_tables(session, database, pattern.as_deref()),
        Command::ShowTableExtended { database, pattern } => show_table_extended(session, database, &pattern),
        Command::ShowColumns { table, database } => {
            let mut name = table;
            if let Some(database) = database {
                name = vec![database, name.last().cloned().unwrap_or_default()];
            }
            let fields = table_fields(&table_in_session(session, &name)?)?;
            strings(&[("col_name", false)], vec![fields.iter().map(|f| f.name().clone()).collect()])
        }
        Command::ShowPartitions { table, partition } => {
            let table = table_in_session(session, &table)?;
            strings(&[("partition", false)], vec![crate::partitions::show(&table, partition.as_deref())?])
        }
        Command::ShowTableProperties { table, key } => {
            let table = table_in_session(session, &table)?;
            let mut all: BTreeMap<String, String> = table.properties.clone();
            all.extend(table.options.iter().map(|(k, v)| (format!("option.{k}"), v.clone())));
            let pairs: Vec<(String, String)> = match key {
                Some(key) => {
                    let value = all.get(&key).cloned().unwrap_or_else(|| {
                        format!("Table spark_catalog.{}.{} does not have property: {key}", table.database, table.name)
                    });
                    vec![(key, value)]
                }
                None => all.into_iter().collect(),
            };
            let (keys, values) = pairs.into_iter().unzip();
            strings(&[("key", false), ("value", false)], vec![keys, values])
        }
        Command::ShowCreateTable { table } => {
            if let [name] = table.as_slice()
                && session.temp_view(name).is_some()
            {
                return Err(SparkError::new(
                    ErrorKind::Analysis,
                    "EXPECT_PERMANENT_VIEW_NOT_TEMP",
                    "42809",
                    format!("'SHOW CREATE TABLE' expects a permanent view but {} is a temp view.", ember_planner::error::quote_identifier(name)),
                    &[("operation", "SHOW CREATE TABLE".to_string()), ("viewName", ember_planner::error::quote_identifier(name))],
                ));
            }
            let table = table_in_session(session, &table)?;
            strings(&[("createtab_stmt", false)], vec![vec![crate::show_create::statement(&table)?]])
        }
        Command::DescribeTable { table, column: Some(column), .. } => describe_column(session, &table, &column),
        Command::DescribeTable { table, extended, partition: None, column: None } => describe_table(session, &table, extended),
        Command::DescribeTable { table, extended, partition: Some(spec), .. } => {
            let described = table_in_session(session, &table)?;
            let detail = crate::partitions::describe(&described, &spec)?;
            let mut rows = describe_table_rows(session, &table, false)?;
            if extended {
                rows.push((String::new(), String::new(), Some(String::new())));
                rows.extend(detail.into_iter().map(|(k, v)| (k.to_string(), v, Some(String::new()))));
            }
            describe_rows(rows)
        }
        Command::Explain { mode, query } => {
            use ember_protocol::connect::analyze_plan_request::explain::ExplainMode;
            let mode = match mode.as_deref() {
                Some("EXTENDED") => ExplainMode::Extended,
                Some("FORMATTED") => ExplainMode::Formatted,
                Some("COST") => ExplainMode::Cost,
                Some("CODEGEN") => ExplainMode::Codegen,
                _ => ExplainMode::Simple,
            };
            strings(&[("plan", true)], vec![vec![crate::analyze::explain(session, &query, mode as i32)?]])
        }
        Command::DescribeQuery { query } => {
            let schema = crate::execute::plan(session, &query)?.spark_schema();
            let rows = schema.fields().iter().map(|f| (f.name().clone(), ember_types::simple_string(f.data_type()), ember_types::field_comment(f))).collect();
            describe_rows(rows)
        }
        Command::CreateView(view) => crate::views::create_view(session, view).map(|()| empty()),
        Command::CreateTempViewUsing { name, or_replace, global, schema, provider, options } => {
            let relation = crate::views::source_read(&provider, schema, options);
            // Spark resolves the source (its files, its schema) when the view is created.
            crate::execute::plan(session, &relation)?;
            if global { session.create_global_view(&name, relation, or_replace)? } else { session.create_view(&name, relation, or_replace)? }
            Ok(empty())
        }
        Command::CreateGlobalTempView { name, or_replace, query } => {
            // Spark analyzes the view's query when the view is created.
            crate::execute::plan(session, &query)?;
            session.create_global_view(&name, query, or_replace)?;
            Ok(empty())
        }
        Command::DropView { name, if_exists } => {
            drop_view(session, &name, if_exists)?;
            Ok(empty())
        }
        Command::ShowViews { database, pattern } => {
            let database = database.map(|d| d.to_lowercase()).unwrap_or_else(|| session.current_database());
            session.warehouse.existing_database(&database)?;
            let mut rows: Vec<(String, String, bool)> = warehouse
                .tables(&database)?
                .into_iter()
                .filter(|t| t.kind == TableKind::View)
                .map(|t| (database.clone(), t.name, false))
                .collect();
            rows.extend(session.view_names().into_iter().map(|v| (String::new(), v, true)));
            rows.retain(|(_, name, _)| pattern.as_deref().is_none_or(|p| matches_pattern(p, name)));
            listing(rows, "viewName")
        }
        Command::CacheTable { name, lazy, options, query } => {
            crate::cache::cache_table_command(session, &name, lazy, &options, query).await?;
            Ok(empty())
        }
        Command::UncacheTable { name, if_exists } => {
            crate::cache::uncache_table(session, &name, if_exists)?;
            Ok(empty())
        }
        Command::ClearCache => {
            session.cache.clear();
            Ok(empty())
        }
        Command::CreateFunction { name, temporary, or_replace, if_not_exists, class_name } => {
            let create = crate::function_catalog::CreateFunction { temporary, or_replace, if_not_exists, class_name: &class_name };
            crate::function_catalog::create_function(session, &name, create).map(|()| empty())
        }
        Command::ShowFunctions { scope, database, pattern } => {
            crate::function_catalog::show_functions(session, scope.as_deref(), database.as_deref().map(database_name), pattern.as_deref())
        }
        Command::DescribeFunction { name, extended } => crate::function_catalog::describe_function(session, &name, extended),
        Command::DropFunction { name, temporary, if_exists } => {
            let dropped = matches!(name.as_slice(), [function] if session.drop_function(function))
                || (!temporary && crate::function_catalog::drop_persistent_function(session, &name)?);
            if dropped || if_exists {
                return Ok(empty());
            }
            // Persistent functions are looked up in the current database.
            let routine = match name.as_slice() {
                [function] if !temporary => format!("`{}`.`{function}`", session.current_database()),
                _ => ember_planner::error::quote_name_parts(&name.join(".")),
            };
            Err(SparkError::new(
                ErrorKind::Analysis,
                "ROUTINE_NOT_FOUND",
                "42883",
                format!("The routine {routine} cannot be found. Verify the spelling and correctness of the schema and catalog.\nIf you did not qualify the name with a schema and catalog, verify the current_schema() output, or qualify the name with the correct schema and catalog.\nTo tolerate the error on drop use DROP ... IF EXISTS."),
                &[("routineName", routine.clone())],
            ))
        }
        Command::Reset { key } => {
            let mut conf = session.conf.write().unwrap_or_else(|e| e.into_inner());
            match key {
                Some(key) => conf.unset(&key),
                None => conf.reset(),
            }
            Ok(empty())
        }
    }
}

/// A table that must exist, as commands resolving a relation look it up:
/// `TABLE_OR_VIEW_NOT_FOUND` names the table as written and searches the
/// session and the current database.
pub(crate) fn table_in_session(session: &Session, name: &[String]) -> Result<ember_catalog::Table, SparkError> {
    let found = match tables::split_name(session, name) {
        Some((database, table)) => session.warehouse.table(&database, &table)?,
        None => None,
    };
    found.ok_or_else(|| {
        let mut err = SparkError::table_not_found(&name.join("."));
        let path = format!("[`system`.`session`, `spark_catalog`.`{}`]", session.current_database());
        err.parameters.insert("searchPath".to_string(), path);
        err
    })
}

/// A database name as the catalog stores it: lower case, without a
/// `spark_catalog.` prefix.
pub fn database_name(name: &str) -> String {
    let parts = ember_planner::names::split_name_parts(name);
    match parts.as_slice() {
        [catalog, database] if catalog.eq_ignore_ascii_case("spark_catalog") => database.to_lowercase(),
        _ => name.to_lowercase(),
    }
}

/// `USE db` and `spark.catalog.setCurrentDatabase`.
pub fn use_database(session: &Session, database: &str) -> Result<(), SparkError> {
    let name = database_name(database);
    if name == GLOBAL_TEMP_DATABASE {
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "_LEGACY_ERROR_TEMP_1068",
            "",
            format!("{name} is a system preserved database, you cannot use it as current database. To access global temporary views, you should use qualified name with the GLOBAL_TEMP_DATABASE, e.g. SELECT * FROM {name}.viewName."),
            &[("database", name.clone())],
        ));
    }
    session.warehouse.existing_database(&name)?;
    session.set_current_database(&name);
    Ok(())
}

async fn create_table(session: &Session, create: CreateTable) -> Result<(), SparkError> {
    if create.stored_as.is_some() {
        return Err(catalog_errors::hive_table_not_supported());
    }
    let (database, name) = resolve_name(session, &create.name)?;
    if let Some(existing) = session.warehouse.table(&database, &name)? {
        if create.if_not_exists {
            return Ok(());
        }
        if create.like.is_some() {
            return Err(catalog_errors::table_already_exists_v1(&database, &name));
        }
        if !create.or_replace {
            return Err(catalog_errors::table_already_exists(&database, &name));
        }
        session.warehouse.drop_table(&existing)?;
    }
    let fields = match &create.columns {
        Some(text) => Some(ember_types::parse_ddl_schema(text, "UTC").map_err(ember_planner::error::from_type_error)?),
        None => None,
    };
    let mut properties = create.properties.into_iter().collect();
    crate::bucketed_tables::add_clustering(&mut properties, &create.cluster_by);
    let new = NewTable {
        database,
        name,
        provider: create.provider,
        fields: fields.map(|f| f.iter().map(|f| f.as_ref().clone().with_nullable(true)).collect()),
        partition_by: create.partition_by,
        bucket_spec: create.buckets.map(|b| crate::bucketed_tables::spec(b.count as i64, b.columns, b.sort_columns)).transpose()?,
        location: create.location,
        options: create.options.into_iter().collect(),
        properties,
        comment: create.comment,
    };
    if let Some(source) = &create.like {
        return crate::table_ddl::create_like(session, new, source).await;
    }
    tables::create_table(session, new, create.query.as_ref()).await?;
    Ok(())
}

async fn run_insert(session: &Session, insert: Insert) -> Result<(), SparkError> {
    let table = match tables::split_name(session, &insert.table) {
        Some((database, name)) => session.warehouse.table(&database, &name)?,
        None => None,
    };
    let table = table.ok_or_else(|| SparkError::table_not_found(&insert.table.join(".")))?;
    tables::insert(
        session,
        InsertRows {
            table: &table,
            overwrite: insert.overwrite,
            partition: &insert.partition,
            columns: &insert.columns,
            by_name: insert.by_name,
            query: &insert.query,
        },
    )
    .await
}

fn describe_database(session: &Session, name: &str, extended: bool) -> Result<RecordBatch, SparkError> {
    let database = session.warehouse.existing_database(name)?;
    let mut rows = vec![
        ("Catalog Name", "spark_catalog".to_string()),
        ("Namespace Name", database.name.clone()),
        ("Comment", database.comment.clone()),
        ("Location", ember_sources::paths::qualified(Path::new(&database.location))),
        ("Owner", owner()),
    ];
    if extended {
        let properties = database.properties.iter().map(|(k, v)| format!("({k},{v})")).collect::<Vec<_>>().join(", ");
        rows.push(("Properties", format!("({properties})")));
    }
    let (names, values): (Vec<String>, Vec<String>) = rows.into_iter().map(|(k, v)| (k.to_string(), v)).unzip();
    let schema = Arc::new(Schema::new(vec![
        commented_column("info_name", false, "name of the namespace info"),
        commented_column("info_value", true, "value of the namespace info"),
    ]));
    Ok(RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(names)), Arc::new(StringArray::from(values))])?)
}

/// The user running the server, whom Spark reports as the owner.
fn owner() -> String {
    std::env::var("USER").unwrap_or_else(|_| "root".to_string())
}

fn show_tables(session: &Session, database: Option<String>, pattern: Option<&str>) -> Result<RecordBatch, SparkError> {
    let database = database.map(|d| d.to_lowercase()).unwrap_or_else(|| session.current_database());
    let mut rows: Vec<(String, String, bool)> = if database == GLOBAL_TEMP_DATABASE {
        session.global_view_names().into_iter().map(|v| (database.clone(), v, true)).collect()
    } else {
        session.warehouse.existing_database(&database)?;
        session.warehouse.tables(&database)?.into_iter().map(|t| (database.clone(), t.name, false)).collect()
    };
    rows.extend(session.view_names().into_iter().map(|v| (String::new(), v, true)));
    rows.retain(|(_, name, _)| pattern.is_none_or(|p| matches_pattern(p, name)));
    listing(rows, "tableName")
}

/// SHOW TABLES/VIEWS rows: namespace, name, isTemporary.
fn listing(rows: Vec<(String, String, bool)>, name_column: &str) -> Result<RecordBatch, SparkError> {
    let schema = Arc::new(Schema::new(vec![
        Field::new("namespace", DataType::Utf8, false),
        Field::new(name_column, DataType::Utf8, false),
        Field::new("isTemporary", DataType::Boolean, false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0.as_str()))),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.1.as_str()))),
        Arc::new(BooleanArray::from(rows.iter().map(|r| r.2).collect::<Vec<_>>())),
    ];
    Ok(RecordBatch::try_new(schema, columns)?)
}

fn describe_table(session: &Session, name: &[String], extended: bool) -> Result<RecordBatch, SparkError> {
    describe_rows(describe_table_rows(session, name, extended)?)
}

/// The rows of `DESCRIBE [EXTENDED] name`.
fn describe_table_rows(session: &Session, name: &[String], extended: bool) -> Result<Vec<(String, String, Option<String>)>, SparkError> {
    if let [view] = name {
        if let Some(relation) = session.temp_view(view) {
            let schema = crate::execute::plan(session, &relation)?.spark_schema();
            return Ok(schema.fields().iter().map(|f| (f.name().clone(), ember_types::simple_string(f.data_type()), ember_types::field_comment(f))).collect());
        }
    }
    let found = match tables::split_name(session, name) {
        Some((database, table)) => session.warehouse.table(&database, &table)?,
        None => None,
    };
    // DESCRIBE resolves its name as a query does.
    let table = found.ok_or_else(|| SparkError::table_not_found(&name.join(".")))?;
    let fields = table_fields(&table)?;
    let mut rows: Vec<(String, String, Option<String>)> = fields
        .iter()
        .map(|f| (f.name().clone(), ember_types::simple_string(f.data_type()), ember_types::field_comment(f)))
        .collect();
    if !table.partition_columns.is_empty() {
        rows.push(("# Partition Information".to_string(), String::new(), Some(String::new())));
        rows.push(("# col_name".to_string(), "data_type".to_string(), Some("comment".to_string())));
        for field in fields.iter().filter(|f| table.partition_columns.contains(f.name())) {
            rows.push((field.name().clone(), ember_types::simple_string(field.data_type()), ember_types::field_comment(field)));
        }
    }
    if extended {
        let detail = |k: &str, v: String| (k.to_string(), v, Some(String::new()));
        rows.push((String::new(), String::new(), Some(String::new())));
        rows.push(detail("# Detailed Table Information", String::new()));
        rows.push(detail("Catalog", "spark_catalog".to_string()));
        rows.push(detail("Database", table.database.clone()));
        rows.push(detail("Table", table.name.clone()));
        rows.push(detail("Created Time", created_time(table.created_ms)));
        rows.push(detail("Last Access", "UNKNOWN".to_string()));
        rows.push(detail("Created By", format!("Spark {}", crate::SPARK_VERSION)));
        rows.push(detail("Type", table.kind.spark_name().to_string()));
        if table.kind != TableKind::View {
            rows.push(detail("Provider", table.provider.clone()));
        }
        if let Some(comment) = &table.comment {
            rows.push(detail("Comment", comment.clone()));
        }
        if table.kind == TableKind::View {
            rows.extend(crate::views::describe_rows(&table).into_iter().map(|(name, value)| detail(name, value)));
        }
        if !table.properties.is_empty() {
            let properties = table.properties.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
            rows.push(detail("Table Properties", format!("[{properties}]")));
        }
        if let Some(spec) = &table.bucket_spec {
            rows.extend(crate::bucketed_tables::describe_rows(spec).into_iter().map(|(name, value)| detail(name, value)));
        }
        if table.kind != TableKind::View {
            rows.push(detail("Location", ember_sources::paths::qualified(Path::new(&table.location))));
        }
        if !table.options.is_empty() {
            let options = table.options.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ");
            rows.push(detail("Storage Properties", format!("[{options}]")));
        }
        if !table.partition_columns.is_empty() {
            rows.push(detail("Partition Provider", "Catalog".to_string()));
        }
    }
    Ok(rows)
}

/// `SHOW TABLE EXTENDED [IN db] LIKE 'pattern'`: each matching table's and
/// temp view's `DESCRIBE EXTENDED` details and schema tree as one text.
fn show_table_extended(session: &Session, database: Option<String>, pattern: &str) -> Result<RecordBatch, SparkError> {
    let database = database.map(|d| d.to_lowercase()).unwrap_or_else(|| session.current_database());
    session.warehouse.existing_database(&database)?;
    let mut rows: Vec<(String, String, bool, String)> = Vec::new();
    for table in session.warehouse.tables(&database)?.into_iter().filter(|t| matches_pattern(pattern, &t.name)) {
        let described = describe_table_rows(session, &[database.clone(), table.name.clone()], true)?;
        let mut lines: Vec<String> = described
            .iter()
            .skip_while(|(name, ..)| name != "# Detailed Table Information")
            .skip(1)
            .map(|(name, value, _)| format!("{name}: {value}"))
            .collect();
        if !table.partition_columns.is_empty() {
            let columns = table.partition_columns.iter().map(|c| ember_planner::error::quote_identifier(c)).collect::<Vec<_>>().join(", ");
            lines.push(format!("Partition Columns: [{columns}]"));
        }
        let schema = crate::analyze::schema_tree(&table_fields(&table)?, usize::MAX);
        rows.push((database.clone(), table.name, false, format!("{}\nSchema: {schema}\n", lines.join("\n"))));
    }
    for view in session.view_names().into_iter().filter(|v| matches_pattern(pattern, v)) {
        let Some(relation) = session.temp_view(&view) else { continue };
        let schema = crate::analyze::schema_tree(crate::execute::plan(session, &relation)?.spark_schema().fields(), usize::MAX);
        let created = created_time(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64));
        let information = format!("Table: {view}\nCreated Time: {created}\nLast Access: UNKNOWN\nCreated By: Spark \nType: VIEW\nView Schema Mode: BINDING\nSchema: {schema}\n");
        rows.push((String::new(), view, true, information));
    }
    let schema = Arc::new(Schema::new(vec![
        Field::new("namespace", DataType::Utf8, false),
        Field::new("tableName", DataType::Utf8, false),
        Field::new("isTemporary", DataType::Boolean, false),
        Field::new("information", DataType::Utf8, false),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0.as_str()))),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.1.as_str()))),
        Arc::new(BooleanArray::from(rows.iter().map(|r| r.2).collect::<Vec<_>>())),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.3.as_str()))),
    ];
    Ok(RecordBatch::try_new(schema, columns)?)
}

/// DESCRIBE rows: col_name, data_type, comment.
fn describe_rows(rows: Vec<(String, String, Option<String>)>) -> Result<RecordBatch, SparkError> {
    let schema = Arc::new(Schema::new(vec![
        commented_column("col_name", false, "name of the column"),
        commented_column("data_type", false, "data type of the column"),
        commented_column("comment", true, "comment of the column"),
    ]));
    let columns: Vec<ArrayRef> = vec![
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0.as_str()))),
        Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.1.as_str()))),
        Arc::new(StringArray::from(rows.iter().map(|r| r.2.clone()).collect::<Vec<_>>())),
    ];
    Ok(RecordBatch::try_new(schema, columns)?)
}

/// `DESCRIBE t column`: its name, type and comment (`NULL` when none).
fn describe_column(session: &Session, name: &[String], column: &str) -> Result<RecordBatch, SparkError> {
    let table = table_in_session(session, name)?;
    let fields = table_fields(&table)?;
    let field = fields.iter().find(|f| f.name().eq_ignore_ascii_case(column)).ok_or_else(|| {
        SparkError::unresolved_column(column, &fields.iter().map(|f| f.name().clone()).collect::<Vec<_>>())
    })?;
    let rows = [
        ("col_name", field.name().clone()),
        ("data_type", ember_types::simple_string(field.data_type())),
        ("comment", ember_types::field_comment(field).unwrap_or_else(|| "NULL".to_string())),
    ];
    let (names, values): (Vec<String>, Vec<String>) = rows.into_iter().map(|(k, v)| (k.to_string(), v)).unzip();
    let schema = Arc::new(Schema::new(vec![
        commented_column("info_name", false, "name of the column info"),
        commented_column("info_value", false, "value of the column info"),
    ]));
    Ok(RecordBatch::try_new(schema, vec![Arc::new(StringArray::from(names)), Arc::new(StringArray::from(values))])?)
}

/// `DROP VIEW`: a temp view, a global temp view or a persistent view (not a table).
fn drop_view(session: &Session, name: &[String], if_exists: bool) -> Result<(), SparkError> {
    if let [view] = name {
        if session.drop_view(view) {
            return Ok(());
        }
    }
    if let [database, view] = name {
        if database.eq_ignore_ascii_case(GLOBAL_TEMP_DATABASE) {
            if session.drop_global_view(view) || if_exists {
                return Ok(());
            }
            return Err(catalog_errors::table_not_found(GLOBAL_TEMP_DATABASE, &view.to_lowercase()));
        }
    }
    let (database, view) = resolve_name(session, name)?;
    match session.warehouse.table(&database, &view)? {
        Some(table) if table.kind == TableKind::View => session.warehouse.drop_table(&table),
        Some(table) => Err(SparkError::new(
            ErrorKind::Analysis,
            "WRONG_COMMAND_FOR_OBJECT_TYPE",
            "42809",
            format!(
                "The operation DROP VIEW requires a VIEW or METRIC_VIEW. But spark_catalog.{database}.{view} is a {}. Use DROP TABLE instead.",
                table.kind.spark_name()
            ),
            &[
                ("operation", "DROP VIEW".to_string()),
                ("foundType", table.kind.spark_name().to_string()),
                ("requiredType", "VIEW or METRIC_VIEW".to_string()),
                ("alternative", "DROP TABLE".to_string()),
                ("objectName", format!("spark_catalog.{database}.{view}")),
            ],
        )),
        None if if_exists => Ok(()),
        None => Err(catalog_errors::table_not_found(&database, &view)),
    }
}

/// Spark's `Date.toString` form: `Fri Nov 27 02:11:01 UTC 2026`.
fn created_time(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms).map_or_else(String::new, |t| t.format("%a %b %d %H:%M:%S UTC %Y").to_string())
}

/// Spark's pattern of `SHOW … LIKE`: `*` matches anything, `|` separates
/// alternatives; case-insensitive.
pub fn matches_pattern(pattern: &str, name: &str) -> bool {
    pattern.split('|').any(|alternative| glob_match(&alternative.trim().to_lowercase(), &name.to_lowercase()))
}

fn glob_match(pattern: &str, text: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == text,
        Some((head, tail)) => {
            text.starts_with(head) && (0..=text.len() - head.len()).any(|i| text.is_char_boundary(head.len() + i) && glob_match(tail, &text[head.len() + i..]))
        }
    }
}

/// A string column whose Spark metadata carries a comment, as DESCRIBE's columns do.
fn commented_column(name: &str, nullable: bool, comment: &str) -> Field {
    let metadata = serde_json::json!({ "comment": comment }).to_string();
    ember_types::struct_field(name, DataType::Utf8, nullable, Some(&metadata))
}

/// An empty result.
fn empty() -> RecordBatch {
    RecordBatch::new_empty(Arc::new(Schema::empty()))
}

/// A batch of string columns (name, nullable).
fn strings(columns: &[(&str, bool)], values: Vec<Vec<String>>) -> Result<RecordBatch, SparkError> {
    let schema = Arc::new(Schema::new(columns.iter().map(|(n, nullable)| Field::new(*n, DataType::Utf8, *nullable)).collect::<Vec<_>>()));
    let arrays: Vec<ArrayRef> = values.into_iter().map(|v| Arc::new(StringArray::from(v)) as ArrayRef).collect();
    Ok(RecordBatch::try_new(schema, arrays)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_patterns() {
        assert!(matches_pattern("p1*", "p1db"));
        assert!(matches_pattern("p1db|default", "default"));
        assert!(!matches_pattern("p1db|default", "p1db2"));
        assert!(matches_pattern("*", ""));
        assert!(matches_pattern("T*", "tc"));
        assert!(!matches_pattern("t", "tc"));
    }
}
