//! Spark's errors for catalog objects that do or do not exist.

use ember_errors::{ErrorKind, SparkError, quote_identifier};

/// `` `spark_catalog`.`db` ``.
fn qualified_schema(database: &str) -> String {
    format!("`spark_catalog`.{}", quote_identifier(database))
}

/// `` `spark_catalog`.`db`.`table` ``.
pub fn qualified_table(database: &str, table: &str) -> String {
    format!("{}.{}", qualified_schema(database), quote_identifier(table))
}

/// `[SCHEMA_NOT_FOUND]`.
pub fn schema_not_found(database: &str) -> SparkError {
    let name = qualified_schema(database);
    SparkError::new(
        ErrorKind::Analysis,
        "SCHEMA_NOT_FOUND",
        "42704",
        format!("The schema {name} cannot be found. Verify the spelling and correctness of the schema and catalog.\nIf you did not qualify the name with a catalog, verify the current_schema() output, or qualify the name with the correct catalog.\nTo tolerate the error on drop use DROP SCHEMA IF EXISTS."),
        &[("schemaName", name.clone())],
    )
}

/// `[SCHEMA_ALREADY_EXISTS]`.
pub fn schema_already_exists(database: &str) -> SparkError {
    let name = quote_identifier(database);
    SparkError::new(
        ErrorKind::Analysis,
        "SCHEMA_ALREADY_EXISTS",
        "42P06",
        format!("Cannot create schema {name} because it already exists.\nChoose a different name, drop the existing schema, or add the IF NOT EXISTS clause to tolerate pre-existing schema."),
        &[("schemaName", name.clone())],
    )
}

/// `[SCHEMA_NOT_EMPTY]`: DROP without CASCADE of a database with tables.
pub fn schema_not_empty(database: &str) -> SparkError {
    let name = quote_identifier(database);
    SparkError::new(
        ErrorKind::Analysis,
        "SCHEMA_NOT_EMPTY",
        "2BP01",
        format!("Cannot drop a schema {name} because it contains objects.\nUse DROP SCHEMA ... CASCADE to drop the schema and all its objects."),
        &[("schemaName", name.clone())],
    )
}

/// `[UNSUPPORTED_FEATURE.DROP_DATABASE]`: the default database stays.
pub fn cannot_drop_default(database: &str) -> SparkError {
    let name = qualified_schema(database);
    SparkError::new(
        ErrorKind::Analysis,
        "UNSUPPORTED_FEATURE.DROP_DATABASE",
        "0A000",
        format!("The feature is not supported: Drop the default database {name}."),
        &[("database", name.clone())],
    )
}

/// `[RESERVED_DATABASE_NAME]`: `global_temp` cannot be created.
pub fn reserved_database(database: &str) -> SparkError {
    let name = quote_identifier(database);
    SparkError::new(
        ErrorKind::Analysis,
        "RESERVED_DATABASE_NAME",
        "42939",
        format!("Cannot create the database {name} because the name is reserved for system use."),
        &[("database", name.clone())],
    )
}

/// `[TABLE_OR_VIEW_ALREADY_EXISTS]`.
pub fn table_already_exists(database: &str, table: &str) -> SparkError {
    already_exists(qualified_table(database, table))
}

/// `[TABLE_OR_VIEW_ALREADY_EXISTS]` as Spark's older ("v1") commands name
/// the table: `` `db`.`t` `` (`CREATE TABLE … LIKE`).
pub fn table_already_exists_v1(database: &str, table: &str) -> SparkError {
    already_exists(format!("{}.{}", quote_identifier(database), quote_identifier(table)))
}

fn already_exists(name: String) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "TABLE_OR_VIEW_ALREADY_EXISTS",
        "42P07",
        format!("Cannot create table or view {name} because it already exists.\nChoose a different name, drop or replace the existing object, or add the IF NOT EXISTS clause to tolerate pre-existing objects."),
        &[("relationName", name.clone())],
    )
}

/// `[UNSUPPORTED_FEATURE.TABLE_OPERATION]`: an operation the session
/// catalog's ("v1") tables do not support, such as `RENAME COLUMN`.
pub fn table_operation_unsupported(database: &str, table: &str, operation: &str) -> SparkError {
    let name = qualified_table(database, table);
    SparkError::new(
        ErrorKind::Analysis,
        "UNSUPPORTED_FEATURE.TABLE_OPERATION",
        "0A000",
        format!("The feature is not supported: Table {name} does not support {operation}. Please check the current catalog and namespace to make sure the qualified table name is expected, and also check the catalog implementation which is configured by \"spark.sql.catalog\"."),
        &[("operation", operation.to_string()), ("tableName", name.clone())],
    )
}

/// `[NOT_SUPPORTED_COMMAND_WITHOUT_HIVE_SUPPORT]`: a Hive-format table
/// (`CREATE TABLE … STORED AS`), which needs Spark's Hive catalog.
pub fn hive_table_not_supported() -> SparkError {
    let command = "CREATE Hive TABLE (AS SELECT)";
    SparkError::new(
        ErrorKind::Analysis,
        "NOT_SUPPORTED_COMMAND_WITHOUT_HIVE_SUPPORT",
        "0A000",
        format!("{command} is not supported, if you want to enable it, please set \"spark.sql.catalogImplementation\" to \"hive\"."),
        &[("cmd", command.to_string())],
    )
}

/// `[TABLE_OR_VIEW_NOT_FOUND]` for a name looked up in the session catalog
/// only (DROP, ALTER, …): its search path is the database itself.
pub fn table_not_found(database: &str, table: &str) -> SparkError {
    let mut err = SparkError::table_not_found(&format!("spark_catalog.{database}.{table}"));
    err.parameters.insert("relationName".to_string(), qualified_table(database, table));
    err.parameters.insert("searchPath".to_string(), format!("[{}]", qualified_schema(database)));
    err
}

/// `[ROUTINE_ALREADY_EXISTS]` for a function name (quoted, as `` `db`.`f` ``).
pub fn routine_already_exists(name: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "ROUTINE_ALREADY_EXISTS",
        "42723",
        format!("Cannot create the routine {name} because a routine of that name already exists."),
        &[("routineName", name.to_string()), ("newRoutineType", "routine".into()), ("existingRoutineType", "routine".into())],
    )
}

/// A change that lost a race with another writer of the same definition.
pub fn concurrent_change(what: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Runtime,
        "CONCURRENT_CATALOG_CHANGE",
        "40000",
        format!("The catalog entry of {what} was changed by another writer at the same time; this change was not applied. Retry it."),
        &[("object", what.to_string())],
    )
}

/// A file of the catalog that could not be read or written.
pub fn io(what: &str, err: impl std::fmt::Display) -> SparkError {
    SparkError::new(
        ErrorKind::Runtime,
        "CATALOG_STORAGE_ERROR",
        "58030",
        format!("Cannot access the catalog entry {what}: {err}"),
        &[("object", what.to_string())],
    )
}
