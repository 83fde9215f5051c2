//! DataFrame writes into catalog tables: `df.write.saveAsTable`,
//! `df.write.insertInto` and `df.writeTo(table)…`.

use std::collections::BTreeMap;

use ember_catalog::{Table, errors as catalog_errors};
use ember_planner::{ErrorKind, SparkError};
use ember_planner::names::split_name_parts;
use ember_protocol::connect::{self, expression::ExprType, relation::RelType, write_operation, write_operation_v2};

use crate::session::Session;
use crate::tables::{self, InsertRows, NewTable, split_name, table_fields};

/// `saveAsTable` (create, or per the save mode append, overwrite or ignore)
/// and `insertInto` (by position into an existing table).
pub async fn save_to_table(
    session: &Session,
    write: &connect::WriteOperation,
    save: &write_operation::SaveTable,
    input: &connect::Relation,
) -> Result<(), SparkError> {
    use write_operation::SaveMode;
    use write_operation::save_table::TableSaveMethod;
    let mode = SaveMode::try_from(write.mode).unwrap_or(SaveMode::Unspecified);
    let parts = split_name_parts(&save.table_name);
    let existing = lookup(session, &parts)?;
    if TableSaveMethod::try_from(save.save_method) == Ok(TableSaveMethod::InsertInto) {
        let table = existing.ok_or_else(|| SparkError::table_not_found(&save.table_name))?;
        let insert = InsertRows { table: &table, overwrite: mode == SaveMode::Overwrite, partition: &[], columns: &[], by_name: false, query: input };
        return tables::insert(session, insert).await;
    }
    match (existing, mode) {
        (Some(table), SaveMode::ErrorIfExists | SaveMode::Unspecified) => {
            Err(catalog_errors::table_already_exists(&table.database, &table.name))
        }
        (Some(_), SaveMode::Ignore) => Ok(()),
        (Some(table), SaveMode::Append) => insert_by_name(session, &table, input, false).await,
        (existing, _) => {
            if let Some(table) = existing {
                session.warehouse.drop_table(&table)?;
            }
            let mut options: BTreeMap<String, String> = write.options.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let location = options.remove("path");
            let mut new = new_table(session, &parts, write.source.clone(), write.partitioning_columns.clone(), location, options, BTreeMap::new())?;
            new.bucket_spec = crate::bucketed_tables::bucket_spec(write)?;
            crate::bucketed_tables::add_clustering(&mut new.properties, &write.clustering_columns);
            tables::create_table(session, new, Some(input)).await.map(|_| ())
        }
    }
}

/// `df.writeTo(table)`: on Spark's session catalog (whose tables are "v1"
/// tables) only `create` works; appends and overwrites fail with
/// `_LEGACY_ERROR_TEMP_1012` and replacements with
/// `UNSUPPORTED_FEATURE.TABLE_OPERATION`, as in Spark.
pub async fn write_v2(session: &Session, write: &connect::WriteOperationV2) -> Result<(), SparkError> {
    use write_operation_v2::Mode;
    let input = write.input.as_ref().ok_or_else(|| SparkError::illegal_argument("write without an input"))?;
    let parts = split_name_parts(&write.table_name);
    let (database, name) = tables::resolve_name(session, &parts)?;
    let existing = session.warehouse.table(&database, &name)?;
    let qualified = catalog_errors::qualified_table(&database, &name);
    match Mode::try_from(write.mode).unwrap_or(Mode::Unspecified) {
        Mode::Create => {
            if existing.is_some() {
                return Err(catalog_errors::table_already_exists(&database, &name));
            }
            let partition_by = write.partitioning_columns.iter().map(column_name).collect::<Result<Vec<_>, _>>()?;
            let mut options: BTreeMap<String, String> = write.options.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            let location = options.remove("path");
            let mut properties = write.table_properties.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
            crate::bucketed_tables::add_clustering(&mut properties, &write.clustering_columns);
            let new = new_table(session, &parts, write.provider.clone(), partition_by, location, options, properties)?;
            tables::create_table(session, new, Some(input)).await.map(|_| ())
        }
        Mode::Append | Mode::Overwrite | Mode::OverwritePartitions => match existing {
            None => Err(SparkError::table_not_found(&write.table_name)),
            Some(_) => Err(SparkError::new(
                ErrorKind::Analysis,
                "_LEGACY_ERROR_TEMP_1012",
                "",
                format!("Cannot write into v1 table: {qualified}."),
                &[("identifier", qualified.clone())],
            )),
        },
        Mode::Replace | Mode::CreateOrReplace => Err(catalog_errors::table_operation_unsupported(&database, &name, "REPLACE TABLE AS SELECT")),
        Mode::Unspecified => Err(SparkError::illegal_argument("writeTo without a mode")),
    }
}

fn lookup(session: &Session, parts: &[String]) -> Result<Option<Table>, SparkError> {
    match split_name(session, parts) {
        Some((database, name)) => session.warehouse.table(&database, &name),
        None => Err(SparkError::unsupported(format!("catalogs other than spark_catalog ({})", parts.join(".")))),
    }
}

fn new_table(
    session: &Session,
    parts: &[String],
    provider: Option<String>,
    partition_by: Vec<String>,
    location: Option<String>,
    options: BTreeMap<String, String>,
    properties: BTreeMap<String, String>,
) -> Result<NewTable, SparkError> {
    let (database, name) = tables::resolve_name(session, parts)?;
    Ok(NewTable { database, name, provider, fields: None, partition_by, bucket_spec: None, location, options, properties, comment: None })
}

/// Appends (or overwrites with) `input`'s columns matched to the table's by name.
async fn insert_by_name(session: &Session, table: &Table, input: &connect::Relation, overwrite: bool) -> Result<(), SparkError> {
    let expressions = table_fields(table)?
        .iter()
        .map(|f| connect::Expression {
            common: None,
            expr_type: Some(ExprType::UnresolvedAttribute(connect::expression::UnresolvedAttribute {
                unparsed_identifier: format!("`{}`", f.name().replace('`', "``")),
                plan_id: None,
                is_metadata_column: None,
            })),
        })
        .collect();
    let by_name = connect::Relation {
        common: None,
        rel_type: Some(RelType::Project(Box::new(connect::Project { input: Some(Box::new(input.clone())), expressions }))),
    };
    tables::insert(session, InsertRows { table, overwrite, partition: &[], columns: &[], by_name: false, query: &by_name }).await
}

/// The column a `partitionedBy(col("x"))` expression names.
fn column_name(e: &connect::Expression) -> Result<String, SparkError> {
    match &e.expr_type {
        Some(ExprType::UnresolvedAttribute(a)) => Ok(a.unparsed_identifier.trim_matches('`').to_string()),
        _ => Err(SparkError::unsupported("partition transforms other than plain columns in writeTo(...).partitionedBy")),
    }
}
