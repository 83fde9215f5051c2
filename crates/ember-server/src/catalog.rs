//! `spark.catalog` calls, which the client sends as `Catalog` relations.

use std::sync::Arc;

use arrow::array::{ArrayRef, BooleanArray, RecordBatch, StringArray};
use arrow::datatypes::{DataType, Field, Schema};
use ember_planner::{Catalog, SparkError};
use ember_protocol::connect::{self, catalog::CatType};

use crate::session::Session;

/// The only catalog and database until the persistent catalog exists.
const CATALOG: &str = "spark_catalog";
const DATABASE: &str = "default";

/// Runs a catalog call; returns its one-column result.
pub fn run(session: &Session, catalog: &connect::Catalog) -> Result<RecordBatch, SparkError> {
    let Some(call) = &catalog.cat_type else {
        return Err(SparkError::illegal_argument("catalog call without a type"));
    };
    match call {
        CatType::CurrentCatalog(_) => string_value(CATALOG),
        CatType::CurrentDatabase(_) => string_value(DATABASE),
        CatType::DatabaseExists(db) => bool_value(db.db_name.eq_ignore_ascii_case(DATABASE)),
        CatType::TableExists(t) => {
            let in_default = t.db_name.as_deref().is_none_or(|db| db.eq_ignore_ascii_case(DATABASE));
            bool_value(in_default && session.temp_view(&t.table_name).is_some())
        }
        CatType::DropTempView(v) => bool_value(session.drop_view(&v.view_name)),
        other => {
            let debug = format!("{other:?}");
            Err(SparkError::unsupported(format!("spark.catalog call {}", debug.split('(').next().unwrap_or("unknown"))))
        }
    }
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
