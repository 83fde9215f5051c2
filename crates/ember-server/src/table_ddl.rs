//! `CREATE TABLE … LIKE` and `ALTER TABLE … ALTER|CHANGE COLUMN`: table
//! definitions made from another table's, or changed a column at a time.

use arrow::datatypes::{Field, Fields};
use ember_catalog::{TableKind, errors as catalog_errors};
use ember_planner::error::quote_identifier;
use ember_planner::{Catalog, ErrorKind, SparkError};

use crate::session::Session;
use crate::sql_commands::table_in_session;
use crate::tables::{self, NewTable, table_fields};

/// `CREATE TABLE name LIKE source [USING format] [LOCATION] [TBLPROPERTIES]`:
/// the source's columns (with their comments), partitioning, bucketing and
/// format (with its options, unless another format is given); not its
/// comment or properties.
pub async fn create_like(session: &Session, mut new: NewTable, source: &[String]) -> Result<(), SparkError> {
    let temp_view = match source {
        [view] => session.temp_view(view),
        _ => None,
    };
    let (fields, definition) = match temp_view {
        Some(relation) => (crate::execute::plan(session, &relation)?.spark_schema().fields().clone(), None),
        None => {
            let table = table_in_session(session, source)?;
            (table_fields(&table)?, Some(table).filter(|t| t.kind != TableKind::View))
        }
    };
    new.fields = Some(fields.iter().map(|f| f.as_ref().clone().with_nullable(true)).collect());
    if let Some(table) = definition {
        new.partition_by = table.partition_columns;
        new.bucket_spec = table.bucket_spec;
        if new.provider.is_none() {
            new.provider = Some(table.provider);
            new.options = table.options;
        }
    }
    tables::create_table(session, new, None).await.map(|_| ())
}

/// A column change: Spark's session catalog changes only a column's
/// comment; another name or type is `NOT_SUPPORTED_CHANGE_COLUMN`.
pub struct ColumnChange<'a> {
    pub column: &'a str,
    pub new_name: Option<&'a str>,
    pub new_type: Option<&'a str>,
    pub comment: Option<&'a str>,
}

/// `ALTER TABLE name ALTER|CHANGE [COLUMN] …`.
pub fn alter_column(session: &Session, name: &[String], change: ColumnChange<'_>) -> Result<(), SparkError> {
    let mut table = table_in_session(session, name)?;
    crate::views::expect_table(&table, "ALTER TABLE ... ALTER COLUMN")?;
    let fields = table_fields(&table)?;
    let names: Vec<String> = fields.iter().map(|f| f.name().clone()).collect();
    let index = names
        .iter()
        .position(|n| n.eq_ignore_ascii_case(change.column))
        .ok_or_else(|| SparkError::unresolved_column(change.column, &ember_planner::suggestions(change.column, &names)))?;
    let field = fields[index].as_ref();
    let new_type = match change.new_type {
        Some(text) => ember_types::parse_ddl_type(text, "UTC").map_err(ember_planner::error::from_type_error)?,
        None => field.data_type().clone(),
    };
    let new_name = change.new_name.unwrap_or(field.name());
    if &new_type != field.data_type() || !new_name.eq_ignore_ascii_case(field.name()) {
        let table_name = catalog_errors::qualified_table(&table.database, &table.name);
        let (origin_type, target_type) = (format!("\"{}\"", ember_types::sql_string(field.data_type())), format!("\"{}\"", ember_types::sql_string(&new_type)));
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "NOT_SUPPORTED_CHANGE_COLUMN",
            "0A000",
            format!(
                "ALTER TABLE ALTER/CHANGE COLUMN is not supported for changing {table_name}'s column {} with type {origin_type} to {} with type {target_type}.",
                quote_identifier(field.name()),
                quote_identifier(new_name)
            ),
            &[
                ("table", table_name.clone()),
                ("originName", quote_identifier(field.name())),
                ("originType", origin_type.clone()),
                ("newName", quote_identifier(new_name)),
                ("newType", target_type.clone()),
            ],
        ));
    }
    let Some(comment) = change.comment else { return Ok(()) };
    let mut metadata: serde_json::Map<String, serde_json::Value> =
        ember_types::field_metadata_json(field).and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default();
    metadata.insert("comment".to_string(), serde_json::Value::String(comment.to_string()));
    let commented = ember_types::struct_field(field.name().clone(), field.data_type().clone(), field.is_nullable(), Some(&serde_json::Value::Object(metadata).to_string()));
    let changed: Fields = fields.iter().enumerate().map(|(i, f)| if i == index { commented.clone() } else { Field::clone(f) }).collect();
    table.schema = tables::schema_json(&changed)?;
    session.warehouse.update_table(&table).map(|_| ())
}
