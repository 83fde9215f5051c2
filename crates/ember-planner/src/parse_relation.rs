//! Spark Connect's `Parse` relation (`spark.read.csv(df)`,
//! `spark.read.json(df)`): the input's strings are collected and parsed by
//! `ember-sources`, and the result gets the planner's internal column names.

use arrow::array::{Array, AsArray};
use arrow::compute::cast;
use arrow::datatypes::{DataType, Field};
use datafusion::common::Column;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder};
use datafusion::prelude::SessionContext;
use ember_errors::{ErrorKind, SparkError};
use ember_protocol::connect;
use ember_protocol::connect::parse::ParseFormat as ProtoFormat;
use ember_sources::{Options, ParseFormat, ParseRequest};

use crate::error::Result;
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans a `Parse` of the input's single string column.
    pub(crate) fn parse_relation(&mut self, parse: &connect::Parse) -> Result<LogicalPlan> {
        // The input is checked first, whatever the format (as Spark's `read.xml(df)` too).
        let input = self.input(&parse.input)?;
        check_input(&input)?;
        let format = match ProtoFormat::try_from(parse.format) {
            Ok(ProtoFormat::Csv) => ParseFormat::Csv,
            Ok(ProtoFormat::Json) => ParseFormat::Json,
            Ok(ProtoFormat::Xml) => ParseFormat::Xml,
            _ => return Err(SparkError::unsupported("parsing a DataFrame of strings in this format")),
        };
        let tz = self.config.time_zone.clone();
        let schema = match &parse.schema {
            Some(proto) => match self.type_from_proto(proto)? {
                DataType::Struct(fields) => Some(fields.iter().map(|f| f.as_ref().clone()).collect()),
                other => Some(vec![Field::new("value", other, true)]),
            },
            None => None,
        };
        let strings = collect_strings(self.ctx, input)?;
        let request = ParseRequest {
            format,
            schema,
            options: Options::new(&parse.options),
            session_tz: tz,
            session_conf: Options::new(self.config.file_source_conf.iter().map(|(k, v)| (k, v))),
        };
        let plan = ember_sources::plan_parse(strings, &request)?;
        let columns: Vec<Expr> = plan
            .schema()
            .iter()
            .map(|(qualifier, field)| Expr::Column(Column::from((qualifier, field))).alias(self.new_column(field.name())))
            .collect();
        Ok(LogicalPlanBuilder::from(plan).project(columns)?.build()?)
    }
}

/// Spark's checks: one column, of type string.
fn check_input(input: &LogicalPlan) -> Result<()> {
    let fields = input.schema().fields();
    if fields.len() != 1 {
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "DATAFRAME_INPUT_NOT_SINGLE_COLUMN",
            "42K09",
            format!("Input DataFrame must have exactly one column, but got {}.", fields.len()),
            &[("numColumns", fields.len().to_string())],
        ));
    }
    if !matches!(fields[0].data_type(), DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) {
        let name = format!("\"{}\"", ember_types::sql_string(fields[0].data_type()));
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "DATAFRAME_INPUT_NOT_STRING_TYPE",
            "42K09",
            format!("Input DataFrame column must be StringType, but got {name}."),
            &[("dataType", name)],
        ));
    }
    Ok(())
}

/// The first column of `plan`'s rows, as strings.
fn collect_strings(ctx: &SessionContext, plan: LogicalPlan) -> Result<Vec<Option<String>>> {
    let batches = ember_sources::blocking::run(async {
        Ok(ctx.execute_logical_plan(plan).await?.collect().await?)
    })?;
    let mut strings = Vec::new();
    for batch in batches {
        let column = cast(batch.column(0), &DataType::Utf8)?;
        let column = column.as_string::<i32>();
        strings.extend((0..column.len()).map(|i| column.is_valid(i).then(|| column.value(i).to_string())));
    }
    Ok(strings)
}
