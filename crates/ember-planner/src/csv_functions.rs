//! Plans Spark's CSV conversion functions: `from_csv`, `to_csv` and
//! `schema_of_csv` (schema and options are constants).

use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{Expr, LogicalPlan, lit};
use ember_functions::to_csv::{ToCsv, ToCsvOptions};
use ember_protocol::connect;
use ember_sources::csv_functions::{FromCsv, schema_of_csv};
use ember_sources::json_functions::OptionPairs;

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
        let (csv, csv_name, schema, pairs) = self.parse_arguments("from_csv", arguments, input)?;
        Ok((FromCsv::call(csv, schema, pairs)?, format!("from_csv({csv_name})")))
    }

    fn to_csv(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        let (value, value_name, value_type, pairs) = self.format_arguments("to_csv", arguments, input)?;
        let options = ToCsvOptions::from_pairs(&pairs);
        Ok((ToCsv::call(value, &value_type, options, &self.config.time_zone)?, format!("to_csv({value_name})")))
    }

    fn schema_of_csv(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        let (csv, rendered, pairs) = self.schema_of_arguments("schema_of_csv", "csv", arguments, input)?;
        Ok((lit(schema_of_csv(&csv, &pairs)?), format!("schema_of_csv({rendered})")))
    }

    /// The arguments of a text-to-struct function (`from_csv`, `from_xml`):
    /// the text column and its name, the constant schema, the options.
    pub(crate) fn parse_arguments(
        &mut self,
        function: &str,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Result<(Expr, String, DataType, OptionPairs)> {
        if !(2..=3).contains(&arguments.len()) {
            return Err(wrong_args(function, arguments.len(), "[2, 3]"));
        }
        let (text, text_name) = self.text_argument(function, &arguments[0], input)?;
        let schema_text = self.schema_argument(&arguments[1], input)?;
        let schema = ember_types::parse_schema_string(&schema_text, &self.config.time_zone).map_err(ember_errors::from_type_error)?;
        let pairs = self.option_pairs(function, arguments.get(2), input)?;
        Ok((text, text_name, schema, pairs))
    }

    /// The arguments of a struct-to-text function (`to_csv`, `to_xml`): the
    /// value, its name and type, the options.
    pub(crate) fn format_arguments(
        &mut self,
        function: &str,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Result<(Expr, String, DataType, OptionPairs)> {
        if !(1..=2).contains(&arguments.len()) {
            return Err(wrong_args(function, arguments.len(), "[1, 2]"));
        }
        let (value, value_name) = self.plan_expr(&arguments[0], input)?;
        let value_type = self.type_of(&value, input)?;
        let pairs = self.option_pairs(function, arguments.get(1), input)?;
        Ok((value, value_name, value_type, pairs))
    }

    /// The arguments of a schema-inference function (`schema_of_csv`,
    /// `schema_of_xml`): the constant sample text (`what`), as written, and
    /// the options.
    pub(crate) fn schema_of_arguments(
        &mut self,
        function: &str,
        what: &str,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Result<(String, String, OptionPairs)> {
        if !(1..=2).contains(&arguments.len()) {
            return Err(wrong_args(function, arguments.len(), "[1, 2]"));
        }
        let (text, rendered) = self.constant_argument(function, what, &arguments[0], input)?;
        let pairs = self.option_pairs(function, arguments.get(1), input)?;
        Ok((text, rendered, pairs))
    }
}
