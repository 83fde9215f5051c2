//! Catalog tables as data: resolving names, reading a table, creating one
//! from a definition or a query, and writing rows into one (`INSERT`,
//! `saveAsTable`, `insertInto`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use arrow::datatypes::{DataType, Field, Fields};
use ember_catalog::{BucketSpec, Table, TableKind, errors as catalog_errors};
use ember_planner::{ErrorKind, SparkError};
use ember_protocol::connect::{self, expression::ExprType, relation::RelType};
use ember_sources::{Options, SaveMode, WriteRequest};

use crate::execute::{output_schema, plan};
use crate::store_assignment::{AssignedColumn, incompatible, overflow_in_insert};
use crate::session::Session;

/// The format of tables created without `USING` (`spark.sql.sources.default`).
pub const DEFAULT_PROVIDER: &str = "parquet";
/// The formats tables can have.
const PROVIDERS: &[&str] = &["parquet", "csv", "json", "text", "orc", "avro"];

/// The (lower-case) database and table a name refers to: `t` in the current
/// database, `db.t`, or `spark_catalog.db.t`; `None` for other catalogs.
pub fn split_name(session: &Session, parts: &[String]) -> Option<(String, String)> {
    match parts {
        [table] => Some((session.current_database(), table.to_lowercase())),
        [database, table] => Some((database.to_lowercase(), table.to_lowercase())),
        [catalog, database, table] if catalog.eq_ignore_ascii_case("spark_catalog") => {
            Some((database.to_lowercase(), table.to_lowercase()))
        }
        _ => None,
    }
}

/// Like [`split_name`], failing for names outside the session catalog.
pub fn resolve_name(session: &Session, parts: &[String]) -> Result<(String, String), SparkError> {
    split_name(session, parts).ok_or_else(|| SparkError::unsupported(format!("catalogs other than spark_catalog ({})", parts.join("."))))
}

/// The table's columns, partition columns last.
pub fn table_fields(table: &Table) -> Result<Fields, SparkError> {
    match ember_types::parse_json_type(&table.schema, "UTC").map_err(|e| SparkError::internal(e.to_string()))? {
        DataType::Struct(fields) => Ok(fields),
        other => Err(SparkError::internal(format!("table schema is not a struct: {other}"))),
    }
}

/// The catalog form of a schema.
pub fn schema_json(fields: &Fields) -> Result<String, SparkError> {
    ember_types::to_json_type(&DataType::Struct(fields.clone())).map_err(|e| SparkError::internal(e.to_string()))
}

/// A relation reading a table (its files with its schema and options), or a
/// persistent view's query.
pub fn read_relation(table: &Table) -> Result<connect::Relation, SparkError> {
    if table.kind == TableKind::View {
        let text = table.view_text.as_deref().unwrap_or_default();
        let query = ember_planner::sql::parse_query(text, &Default::default())?;
        let fields = table_fields(table)?;
        let column_names = fields.iter().map(|f| f.name().clone()).collect();
        let renamed = relation(RelType::ToDf(Box::new(connect::ToDf { input: Some(Box::new(query)), column_names })));
        return Ok(with_column_metadata(renamed, &fields));
    }
    let read = relation(RelType::Read(connect::Read {
        is_streaming: false,
        read_type: Some(connect::read::ReadType::DataSource(connect::read::DataSource {
            format: Some(table.provider.clone()),
            schema: Some(table.schema.clone()),
            options: table.options.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            paths: vec![table.location.clone()],
            predicates: Vec::new(),
            source_name: None,
        })),
    }));
    crate::partitions::with_located_partitions(table, read)
}

/// `input` with its columns carrying the Spark metadata (comments) of
/// `fields`, as a view's columns do; unchanged when none has any.
fn with_column_metadata(input: connect::Relation, fields: &Fields) -> connect::Relation {
    if fields.iter().all(|f| ember_types::field_metadata_json(f).is_none()) {
        return input;
    }
    let expressions = fields
        .iter()
        .map(|f| {
            let column = expression(ExprType::UnresolvedAttribute(connect::expression::UnresolvedAttribute {
                unparsed_identifier: format!("`{}`", f.name().replace('`', "``")),
                plan_id: None,
                is_metadata_column: None,
            }));
            expression(ExprType::Alias(Box::new(connect::expression::Alias {
                expr: Some(Box::new(column)),
                name: vec![f.name().clone()],
                metadata: ember_types::field_metadata_json(f).map(str::to_string),
            })))
        })
        .collect();
    relation(RelType::Project(Box::new(connect::Project { input: Some(Box::new(input)), expressions })))
}

fn relation(rel_type: RelType) -> connect::Relation {
    connect::Relation { common: None, rel_type: Some(rel_type) }
}

fn expression(expr_type: ExprType) -> connect::Expression {
    connect::Expression { common: None, expr_type: Some(expr_type) }
}

/// What a new table is to be.
pub struct NewTable {
    pub database: String,
    pub name: String,
    pub provider: Option<String>,
    /// Its columns, when given (otherwise the query's or the files').
    pub fields: Option<Fields>,
    pub partition_by: Vec<String>,
    /// `bucketBy`/`sortBy` (`CLUSTERED BY`), if bucketed.
    pub bucket_spec: Option<BucketSpec>,
    pub location: Option<String>,
    pub options: BTreeMap<String, String>,
    pub properties: BTreeMap<String, String>,
    pub comment: Option<String>,
}

/// Creates a table, writing `query`'s rows into it when given (CTAS,
/// `saveAsTable`). The definition is stored first, so of two servers
/// creating the same table only one writes data.
pub async fn create_table(session: &Session, new: NewTable, query: Option<&connect::Relation>) -> Result<Table, SparkError> {
    let provider = new.provider.clone().unwrap_or_else(|| DEFAULT_PROVIDER.to_string()).to_lowercase();
    if !PROVIDERS.contains(&provider.as_str()) {
        return Err(SparkError::unsupported(format!("tables of format {provider}")));
    }
    session.warehouse.existing_database(&new.database)?;
    let planned = query.map(|q| plan(session, q)).transpose()?;
    let (kind, location) = match &new.location {
        Some(location) => (TableKind::External, ember_sources::paths::local_path(location)?),
        None => (TableKind::Managed, session.warehouse.managed_location(&new.database, &new.name)?),
    };
    let fields = match (&new.fields, &planned) {
        (Some(fields), _) => fields.clone(),
        (None, Some(planned)) => output_schema(planned)?.fields().iter().map(|f| f.as_ref().clone().with_nullable(true)).collect(),
        (None, None) => inferred_fields(session, &provider, &location, &new.options)?,
    };
    let fields = partition_columns_last(&fields, &new.partition_by)?;
    check_column_types(&provider, &fields)?;
    // Spark stores the schema of a table made from a query `asNullable`, at every depth.
    let fields: Fields = match (&new.fields, &planned) {
        (None, Some(_)) => fields.iter().map(|f| ember_types::as_nullable(f)).collect(),
        _ => fields,
    };
    let table = Table {
        database: new.database.clone(),
        name: new.name.clone(),
        kind,
        provider,
        schema: schema_json(&fields)?,
        partition_columns: new.partition_by.iter().map(|p| exact_name(&fields, p)).collect(),
        bucket_spec: new.bucket_spec,
        location: location.display().to_string(),
        options: new.options,
        properties: new.properties,
        comment: new.comment,
        view_text: None,
        view_query_columns: Vec::new(),
        partition_locations: BTreeMap::new(),
        created_ms: now_ms(),
        version: 0,
    };
    session.warehouse.create_table(&table)?;
    let filled = match query {
        Some(query) => write_rows(session, &table, query, SaveMode::Overwrite).await,
        None => std::fs::create_dir_all(&location).map_err(|e| ember_sources::errors::io(&table.location, e)),
    };
    if let Err(e) = filled {
        let _ = session.warehouse.drop_table(&table);
        return Err(e);
    }
    Ok(table)
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// The schema of the files already at an external table's location.
fn inferred_fields(session: &Session, provider: &str, location: &Path, options: &BTreeMap<String, String>) -> Result<Fields, SparkError> {
    let read = relation(RelType::Read(connect::Read {
        is_streaming: false,
        read_type: Some(connect::read::ReadType::DataSource(connect::read::DataSource {
            format: Some(provider.to_string()),
            schema: None,
            options: options.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            paths: vec![location.display().to_string()],
            predicates: Vec::new(),
            source_name: None,
        })),
    }));
    Ok(output_schema(&plan(session, &read)?)?.fields().clone())
}

/// `UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE` for a column the format cannot
/// hold: CSV holds no arrays, maps or structs; text only strings.
fn check_column_types(provider: &str, fields: &Fields) -> Result<(), SparkError> {
    let (format, holds): (&str, fn(&DataType) -> bool) = match provider {
        "csv" => ("CSV", |t| !t.is_nested()),
        "text" => ("Text", |t| matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)),
        _ => return Ok(()),
    };
    let Some(field) = fields.iter().find(|f| !holds(f.data_type())) else { return Ok(()) };
    let (column, column_type) = (ember_planner::error::quote_identifier(field.name()), format!("\"{}\"", ember_types::sql_string(field.data_type())));
    Err(SparkError::new(
        ErrorKind::Analysis,
        "UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE",
        "0A000",
        format!("The {format} datasource doesn't support the column {column} of the type {column_type}."),
        &[("columnName", column.clone()), ("columnType", column_type.clone()), ("format", format.to_string())],
    ))
}

/// The column of `fields` called `name` (any case), with its own spelling.
fn exact_name(fields: &Fields, name: &str) -> String {
    fields.iter().find(|f| f.name().eq_ignore_ascii_case(name)).map_or_else(|| name.to_string(), |f| f.name().clone())
}

/// Moves the partition columns to the end, in `PARTITIONED BY` order, as Spark does.
fn partition_columns_last(fields: &Fields, partition_by: &[String]) -> Result<Fields, SparkError> {
    let mut data: Vec<Field> = fields.iter().filter(|f| !partition_by.iter().any(|p| p.eq_ignore_ascii_case(f.name()))).map(|f| f.as_ref().clone()).collect();
    for column in partition_by {
        let field = fields.iter().find(|f| f.name().eq_ignore_ascii_case(column)).ok_or_else(|| {
            let columns = fields.iter().map(|f| f.name().as_str()).collect::<Vec<_>>().join(", ");
            SparkError::new(
                ErrorKind::Analysis,
                "COLUMN_NOT_DEFINED_IN_TABLE",
                "42703",
                format!("partition column `{column}` is not defined in table, defined table columns are: {columns}."),
                &[("colType", "partition".to_string()), ("colName", format!("`{column}`")), ("tableName", String::new()), ("tableCols", columns.clone())],
            )
        })?;
        data.push(field.as_ref().clone());
    }
    Ok(data.into())
}

/// One `INSERT INTO|OVERWRITE` (or `insertInto`).
pub struct InsertRows<'a> {
    pub table: &'a Table,
    pub overwrite: bool,
    /// Static (`p = 'x'`) and dynamic (`p`) partition values.
    pub partition: &'a [(String, Option<String>)],
    /// An explicit column list, or empty for all columns in order.
    pub columns: &'a [String],
    /// `BY NAME`: the query's column names pick the table's columns.
    pub by_name: bool,
    pub query: &'a connect::Relation,
}

/// Writes a query's rows into a table: by position (or by the column list,
/// or by name) into the table's columns, cast to their types as Spark's
/// store assignment allows, with static partition values filled in.
/// Spark's `INSERT_COLUMN_ARITY_MISMATCH` when the counts differ.
pub async fn insert(session: &Session, insert: InsertRows<'_>) -> Result<(), SparkError> {
    let table = insert.table;
    crate::partitions::check_insert_spec(table, insert.partition)?;
    let fields = table_fields(table)?;
    let statics: Vec<(String, String)> = insert
        .partition
        .iter()
        .filter_map(|(column, value)| value.as_ref().map(|v| (exact_name(&fields, column), v.clone())))
        .collect();
    let is_static = |name: &str| statics.iter().any(|(s, _)| s.eq_ignore_ascii_case(name));
    let planned = plan(session, insert.query)?;
    let source = output_schema(&planned)?;
    let source_names: Vec<String> = source.fields().iter().map(|f| f.name().clone()).collect();
    let table_name = catalog_errors::qualified_table(&table.database, &table.name);
    let targets: Vec<String> = if insert.by_name {
        columns_by_name(&table_name, &fields, &source_names)?
    } else if insert.columns.is_empty() {
        fields.iter().map(|f| f.name().clone()).filter(|n| !is_static(n)).collect()
    } else {
        listed_columns(&fields, insert.columns)?
    };
    if source.fields().len() != targets.len() {
        return Err(arity_mismatch(&table_name, &targets, &source_names));
    }
    let policy = crate::store_assignment::policy(session);
    let mut assigned = Vec::new();
    for (field, target) in source.fields().iter().zip(&targets) {
        if let Some(column) = fields.iter().find(|f| f.name() == target) {
            crate::store_assignment::check(policy, &table_name, target, field.data_type(), column.data_type())?;
            assigned.push(AssignedColumn { name: target.clone(), from: field.data_type().clone(), to: column.data_type().clone() });
        }
    }
    // Rename the query's columns to the targets, then project the table's
    // columns (without the static partitions, which become folders).
    let renamed = relation(RelType::ToDf(Box::new(connect::ToDf { input: Some(Box::new(insert.query.clone())), column_names: targets.clone() })));
    let mut expressions = Vec::new();
    for field in fields.iter().filter(|f| !is_static(f.name())) {
        let value = if targets.contains(field.name()) {
            expression(ExprType::UnresolvedAttribute(connect::expression::UnresolvedAttribute {
                unparsed_identifier: format!("`{}`", field.name().replace('`', "``")),
                plan_id: None,
                is_metadata_column: None,
            }))
        } else {
            expression(ExprType::Literal(connect::expression::Literal {
                literal_type: Some(connect::expression::literal::LiteralType::Null(connect::DataType::default())),
                ..Default::default()
            }))
        };
        expressions.push(expression(ExprType::Alias(Box::new(connect::expression::Alias {
            expr: Some(Box::new(cast(value, field.data_type())?)),
            name: vec![field.name().clone()],
            metadata: None,
        }))));
    }
    let rows = relation(RelType::Project(Box::new(connect::Project { input: Some(Box::new(renamed)), expressions })));
    let mut static_path = Vec::new();
    for column in &table.partition_columns {
        match statics.iter().find(|(s, _)| s.eq_ignore_ascii_case(column)) {
            Some((name, value)) => static_path.push(ember_sources::partition::folder(name, Some(value.as_str()))),
            None => break,
        }
    }
    let static_path = static_path.join("/");
    let path = match crate::partitions::insert_folder(table, &static_path) {
        Some(location) => PathBuf::from(location),
        None => Path::new(&table.location).join(&static_path),
    };
    let dynamic: Vec<String> = table.partition_columns.iter().filter(|c| !is_static(c)).cloned().collect();
    let mode = if insert.overwrite { SaveMode::Overwrite } else { SaveMode::Append };
    let only_written = write_to(session, table, &rows, &path, dynamic, mode).await.map_err(|e| overflow_in_insert(e, &assigned))?;
    if insert.overwrite && !only_written {
        crate::partitions::forget_overwritten(session, table, &static_path)?;
    }
    Ok(())
}

/// `INSERT … BY NAME`: the table columns the query's columns name (any case);
/// Spark's errors for a name given twice or naming no column.
fn columns_by_name(table_name: &str, fields: &Fields, names: &[String]) -> Result<Vec<String>, SparkError> {
    for (i, name) in names.iter().enumerate() {
        if names[..i].iter().any(|n| n.eq_ignore_ascii_case(name)) {
            let column = ember_planner::error::quote_identifier(name);
            return Err(incompatible(
                "AMBIGUOUS_COLUMN_NAME",
                &format!("Ambiguous column name in the input data {column}."),
                &[("tableName", table_name.to_string()), ("colName", column.clone())],
            ));
        }
    }
    let extra: Vec<&String> = names.iter().filter(|n| !fields.iter().any(|f| f.name().eq_ignore_ascii_case(n))).collect();
    if !extra.is_empty() {
        let extra = extra.iter().map(|n| ember_planner::error::quote_identifier(n)).collect::<Vec<_>>().join(", ");
        return Err(incompatible(
            "EXTRA_COLUMNS",
            &format!("Cannot find columns {extra} of the target table."),
            &[("tableName", table_name.to_string()), ("extraColumns", extra.clone())],
        ));
    }
    Ok(names.iter().map(|n| exact_name(fields, n)).collect())
}

/// An `INSERT`'s column list: each a column of the table, none twice.
fn listed_columns(fields: &Fields, columns: &[String]) -> Result<Vec<String>, SparkError> {
    let names: Vec<String> = fields.iter().map(|f| f.name().clone()).collect();
    let mut targets: Vec<String> = Vec::new();
    for column in columns {
        if !names.iter().any(|n| n.eq_ignore_ascii_case(column)) {
            return Err(SparkError::unresolved_column(column, &ember_planner::suggestions(column, &names)));
        }
        let name = exact_name(fields, column);
        if targets.contains(&name) {
            return Err(SparkError::column_already_exists(column));
        }
        targets.push(name);
    }
    Ok(targets)
}

/// Writes a relation whose columns are the table's into its location.
pub async fn write_rows(session: &Session, table: &Table, rows: &connect::Relation, mode: SaveMode) -> Result<(), SparkError> {
    write_to(session, table, rows, Path::new(&table.location), table.partition_columns.clone(), mode).await.map(|_| ())
}

/// Writes `rows` into `path`; true when an overwrite replaced only the
/// partitions it wrote (`partitionOverwriteMode=dynamic`).
async fn write_to(
    session: &Session,
    table: &Table,
    rows: &connect::Relation,
    path: &Path,
    partition_by: Vec<String>,
    mode: SaveMode,
) -> Result<bool, SparkError> {
    let planned = plan(session, rows)?;
    let schema = output_schema(&planned)?;
    let request = WriteRequest {
        format: table.provider.clone(),
        path: path.display().to_string(),
        mode,
        partition_by,
        options: Options::new(&table.options),
        session_conf: crate::write::file_source_conf(session),
        buckets: table.bucket_spec.as_ref().map(crate::bucketed_tables::bucketing),
    };
    crate::write::write_files(session, planned.plan, schema, &request).await?;
    Ok(request.dynamic_overwrite())
}

/// `CAST(value AS type)`.
fn cast(value: connect::Expression, data_type: &DataType) -> Result<connect::Expression, SparkError> {
    let proto = ember_types::to_proto(data_type).map_err(|e| SparkError::internal(e.to_string()))?;
    Ok(expression(ExprType::Cast(Box::new(connect::expression::Cast {
        expr: Some(Box::new(value)),
        cast_to_type: Some(connect::expression::cast::CastToType::Type(proto)),
        ..Default::default()
    }))))
}

fn quoted_list(names: &[String]) -> String {
    names.iter().map(|n| ember_planner::error::quote_identifier(n)).collect::<Vec<_>>().join(", ")
}

/// `[INSERT_COLUMN_ARITY_MISMATCH.*]`.
fn arity_mismatch(table: &str, targets: &[String], data: &[String]) -> SparkError {
    let (class, reason) = if data.len() < targets.len() {
        ("INSERT_COLUMN_ARITY_MISMATCH.NOT_ENOUGH_DATA_COLUMNS", "not enough data columns")
    } else {
        ("INSERT_COLUMN_ARITY_MISMATCH.TOO_MANY_DATA_COLUMNS", "too many data columns")
    };
    let (table_columns, data_columns) = (quoted_list(targets), quoted_list(data));
    SparkError::new(
        ErrorKind::Analysis,
        class,
        "21S01",
        format!("Cannot write to {table}, the reason is {reason}:\nTable columns: {table_columns}.\nData columns: {data_columns}."),
        &[("tableName", table.to_string()), ("tableColumns", table_columns.clone()), ("dataColumns", data_columns.clone())],
    )
}
