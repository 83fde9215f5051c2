//! The DataFrame `spark.catalog.createTable` returns is a catalog relation;
//! once the table exists (the client runs the relation right away), using
//! that DataFrame in a larger plan reads the table.

use datafusion::logical_expr::LogicalPlan;
use ember_protocol::connect::{self, catalog::CatType};

use crate::error::{Result, SparkError};
use crate::plan::Planner;

impl Planner<'_> {
    /// A `createTable`/`createExternalTable` relation as the read of its table.
    pub(crate) fn created_table(&mut self, catalog: &connect::Catalog) -> Result<LogicalPlan> {
        #[allow(deprecated)]
        let name = match &catalog.cat_type {
            Some(CatType::CreateTable(create)) => &create.table_name,
            Some(CatType::CreateExternalTable(create)) => &create.table_name,
            _ => return Err(SparkError::unsupported("catalog relations other than createTable inside a query")),
        };
        let read = connect::Read {
            is_streaming: false,
            read_type: Some(connect::read::ReadType::NamedTable(connect::read::NamedTable { unparsed_identifier: name.clone(), options: Default::default() })),
        };
        self.read(&read)
    }
}
