//! Plans Spark's CSV conversion functions: `from_csv`, `to_csv` and
//! `schema_of_csv` (schema and options are constants).

use datafusion::logical_expr::{Expr, LogicalPlan, lit};
use ember_functions::to_csv::{ToCsv, ToCsvOptions};
use ember_protocol::connect;
use ember_sources::csv_functions::{FromCsv, schema_of_csv};

use crate::error::Result;
use crate::functions::wrong_args;
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans `from_csv`, `to_csv` or `schema_of_csv`; `None` for other names.
    pub(crate) fn plan_csv_function(
        &mut self,
        name: &str,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Option<Result<(Expr, String)>> {
        Some(match name {
            "from_csv" => self.from_csv(arguments, input),
            "to_csv" => self.to_csv(arguments, input),
            "schema_of_csv" => self.schema_of_csv(arguments, input),
            _ => return None,
        })
    }

    fn from_csv(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        if !(2..=3).contains(&arguments.len()) {
            return Err(wrong_args("from_csv", arguments.len(), "[2, 3]"));
        }
        let (csv, csv_name) = self.plan_expr(&arguments[0], input)?;
        let (schema_text, _) = self.constant_argument("from_csv", "schema", &arguments[1], input)?;
        let schema = ember_types::parse_schema_string(&schema_text, &self.config.time_zone).map_err(ember_errors::from_type_error)?;
        let pairs = self.option_pairs("from_csv", arguments.get(2), input)?;
        Ok((FromCsv::call(csv, schema, pairs)?, format!("from_csv({csv_name})")))
    }

    fn to_csv(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        if !(1..=2).contains(&arguments.len()) {
            return Err(wrong_args("to_csv", arguments.len(), "[1, 2]"));
        }
        let (value, value_name) = self.plan_expr(&arguments[0], input)?;
        let value_type = self.type_of(&value, input)?;
        let options = ToCsvOptions::from_pairs(&self.option_pairs("to_csv", arguments.get(1), input)?);
        Ok((ToCsv::call(value, &value_type, options, &self.config.time_zone)?, format!("to_csv({value_name})")))
    }

    fn schema_of_csv(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        if !(1..=2).contains(&arguments.len()) {
            return Err(wrong_args("schema_of_csv", arguments.len(), "[1, 2]"));
        }
        let (csv, rendered) = self.constant_argument("schema_of_csv", "csv", &arguments[0], input)?;
        let pairs = self.option_pairs("schema_of_csv", arguments.get(1), input)?;
        Ok((lit(schema_of_csv(&csv, &pairs)?), format!("schema_of_csv({rendered})")))
    }
}
