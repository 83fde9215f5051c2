//! Plans Spark's JSON and CSV conversion functions whose schema and options
//! are constants: `from_json`, `to_json`, `schema_of_json` (and, through
//! [`crate::csv_functions`], their CSV counterparts).

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan, lit};
use ember_functions::to_json::{ToJson, ToJsonOptions};
use ember_protocol::connect::{self, expression::ExprType};
use ember_sources::json_functions::{FromJson, OptionPairs, from_json_name, schema_of_json};

use crate::error::{ErrorKind, Result, SparkError};
use crate::functions::wrong_args;
use crate::plan::Planner;

/// The constant string of a planned expression, if it is one.
pub(crate) fn constant_string(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Literal(ScalarValue::Utf8(s) | ScalarValue::LargeUtf8(s) | ScalarValue::Utf8View(s), _) => s.clone(),
        Expr::Alias(alias) => constant_string(&alias.expr),
        _ => None,
    }
}

/// A function argument that must be a constant string.
fn non_constant(function: &str, what: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
        "42K09",
        format!("Cannot resolve \"{function}\" due to data type mismatch: the input {what} should be a foldable \"STRING\" expression."),
        &[("inputName", format!("`{what}`")), ("inputType", "\"STRING\"".to_string())],
    )
}

impl Planner<'_> {
    /// Plans `name(arguments)` when it is a JSON or CSV conversion function;
    /// `None` leaves the call to the other functions.
    pub(crate) fn plan_json_function(
        &mut self,
        name: &str,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Option<Result<(Expr, String)>> {
        let planned = match name {
            "from_json" => self.from_json(arguments, input),
            "to_json" => self.to_json(arguments, input),
            "schema_of_json" => self.schema_of_json(arguments, input),
            "from_csv" | "to_csv" | "schema_of_csv" => self.plan_csv_function(name, arguments, input)?,
            "from_xml" | "to_xml" | "schema_of_xml" => self.plan_xml_conversion(name, arguments, input)?,
            _ => return None,
        };
        Some(planned)
    }

    /// The options map argument (`map('k', 'v', ...)`) as key/value pairs.
    pub(crate) fn option_pairs(&mut self, function: &str, options: Option<&connect::Expression>, input: &LogicalPlan) -> Result<OptionPairs> {
        let Some(options) = options else { return Ok(Vec::new()) };
        let entries = match &options.expr_type {
            Some(ExprType::UnresolvedFunction(f)) if matches!(f.function_name.to_lowercase().as_str(), "map" | "create_map") => &f.arguments,
            _ => return Err(SparkError::new(ErrorKind::Analysis, "INVALID_OPTIONS.NON_MAP_FUNCTION", "42K06", "Must use the `map()` function for options.", &[])),
        };
        let mut texts = Vec::with_capacity(entries.len());
        for entry in entries {
            let (expr, _) = self.plan_expr(entry, input)?;
            texts.push(constant_string(&expr).ok_or_else(|| {
                SparkError::new(ErrorKind::Analysis, "INVALID_OPTIONS.NON_STRING_TYPE", "42K06", format!("A type of keys and values in `map()` of {function} must be string."), &[])
            })?);
        }
        Ok(texts.chunks(2).filter(|pair| pair.len() == 2).map(|pair| (pair[0].clone(), pair[1].clone())).collect())
    }

    /// The text a parsing function (`from_json`, `from_csv`, `from_xml`)
    /// reads: a STRING (or NULL), as Spark requires.
    pub(crate) fn text_argument(&mut self, function: &str, argument: &connect::Expression, input: &LogicalPlan) -> Result<(Expr, String)> {
        let (text, name) = self.plan_expr(argument, input)?;
        let data_type = self.type_of(&text, input)?;
        if !(ember_functions::cast::is_string(&data_type) || data_type == DataType::Null) {
            let sql_expr = format!("{function}({name})");
            return Err(crate::input_types::unexpected_input_type(&sql_expr, 0, "\"STRING\"", &name, &data_type));
        }
        Ok((text, name))
    }

    /// The schema string of `from_json`, `from_csv` or `from_xml`: a string
    /// literal (`INVALID_SCHEMA.NON_STRING_LITERAL` otherwise, as Spark).
    pub(crate) fn schema_argument(&mut self, argument: &connect::Expression, input: &LogicalPlan) -> Result<String> {
        let (expr, rendered) = self.plan_expr(argument, input)?;
        constant_string(&expr).ok_or_else(|| {
            SparkError::new(
                ErrorKind::Analysis,
                "INVALID_SCHEMA.NON_STRING_LITERAL",
                "42K07",
                format!("The input schema \"{rendered}\" is not a valid schema string. The input expression must be string literal and not null."),
                &[("inputSchema", format!("\"{rendered}\""))],
            )
        })
    }

    /// A constant string argument (a schema or a sample document).
    pub(crate) fn constant_argument(&mut self, function: &str, what: &str, argument: &connect::Expression, input: &LogicalPlan) -> Result<(String, String)> {
        let (expr, rendered) = self.plan_expr(argument, input)?;
        let text = constant_string(&expr).ok_or_else(|| non_constant(function, what))?;
        Ok((text, rendered))
    }

    fn from_json(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        if !(2..=3).contains(&arguments.len()) {
            return Err(wrong_args("from_json", arguments.len(), "[2, 3]"));
        }
        let (json, json_name) = self.text_argument("from_json", &arguments[0], input)?;
        let schema_text = self.schema_argument(&arguments[1], input)?;
        let schema = ember_types::parse_schema_string(&schema_text, &self.config.time_zone).map_err(ember_errors::from_type_error)?;
        let pairs = self.option_pairs("from_json", arguments.get(2), input)?;
        let name = from_json_name(&schema, &json_name);
        Ok((FromJson::call(json, schema, pairs, &self.config.time_zone)?, name))
    }

    fn to_json(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        if !(1..=2).contains(&arguments.len()) {
            return Err(wrong_args("to_json", arguments.len(), "[1, 2]"));
        }
        let (value, value_name) = self.plan_expr(&arguments[0], input)?;
        let value_type = self.type_of(&value, input)?;
        if matches!(&value_type, DataType::Struct(fields) if ember_types::is_variant_fields(fields)) {
            return Ok((ember_functions::variant::to_json(value), format!("to_json({value_name})")));
        }
        let options = ToJsonOptions::from_pairs(&self.option_pairs("to_json", arguments.get(1), input)?);
        Ok((ToJson::call(value, &value_name, &value_type, options, &self.config.time_zone)?, format!("to_json({value_name})")))
    }

    fn schema_of_json(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        if !(1..=2).contains(&arguments.len()) {
            return Err(wrong_args("schema_of_json", arguments.len(), "[1, 2]"));
        }
        let (json, rendered) = self.constant_argument("schema_of_json", "json", &arguments[0], input)?;
        let pairs = self.option_pairs("schema_of_json", arguments.get(1), input)?;
        Ok((lit(schema_of_json(&json, &pairs)?), format!("schema_of_json({rendered})")))
    }
}
