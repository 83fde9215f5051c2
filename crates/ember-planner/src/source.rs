//! `Read.DataSource`: file reads, planned by `ember-sources` and given the
//! planner's internal column names.

use datafusion::common::Column;
use datafusion::common::metadata::FieldMetadata;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder};
use ember_protocol::connect;
use ember_sources::{Options, ReadRequest};

use crate::error::Result;
use crate::plan::{Planner, parse_schema_string};

impl Planner<'_> {
    /// Plans `spark.read...load(paths)`.
    pub(crate) fn data_source(&mut self, source: &connect::read::DataSource) -> Result<LogicalPlan> {
        if let Some(plan) = self.python_data_source_read(source)? {
            return Ok(plan);
        }
        let tz = self.config.time_zone.clone();
        let schema = match source.schema.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(text) => Some(parse_schema_string(text, &tz)?),
            None => None,
        };
        for field in schema.iter().flatten() {
            self.check_decimal_scales(field.data_type())?;
        }
        let options = Options::new(&source.options);
        let mut paths = source.paths.clone();
        if let Some(path) = options.get("path") {
            paths.push(path.to_string());
        }
        let session_conf = Options::new(self.config.file_source_conf.iter().map(|(k, v)| (k, v)));
        let request = ReadRequest {
            format: ember_sources::source_format(source.format.as_deref(), &session_conf),
            schema,
            options,
            paths,
            session_tz: tz,
            session_conf,
        };
        let plan = ember_sources::plan_read(&request)?;
        let columns: Vec<Expr> = plan
            .schema()
            .iter()
            .map(|(qualifier, field)| {
                let internal = self.new_column(field.name());
                let column = Expr::Column(Column::from((qualifier, field)));
                // A user schema's Spark metadata (column comments of a table) stays on its column.
                let declared = request.schema.iter().flatten().find(|f| f.name() == field.name());
                match declared.filter(|f| ember_types::field_metadata_json(f).is_some()) {
                    Some(declared) => column.alias_with_metadata(internal, Some(FieldMetadata::from(declared.metadata()))),
                    None => column.alias(internal),
                }
            })
            .collect();
        Ok(LogicalPlanBuilder::from(plan).project(columns)?.build()?)
    }
}
