//! Plans Spark's XPath functions (`xpath`, `xpath_string`, `xpath_boolean`,
//! `xpath_short`/`int`/`long`/`float`/`double`/`number`): the XML is a
//! STRING (not cast from other types) and the path a constant string; and
//! the XML conversions `from_xml`, `to_xml` and `schema_of_xml`.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan, lit};
use ember_functions::to_xml::ToXml;
use ember_functions::xpath::{self, XPathResult};
use ember_protocol::connect;
use ember_sources::xml_functions::{FromXml, schema_of_xml};

use crate::call_names::call_name;
use crate::error::{ErrorKind, Result, SparkError};
use crate::input_types::unexpected_input_type;
use crate::plan::Planner;

/// `DATATYPE_MISMATCH.NON_FOLDABLE_INPUT` for a path that is not a constant.
fn path_not_constant(sql: &str, path: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
        "42K09",
        format!(
            "Cannot resolve \"{sql}\" due to data type mismatch: the input `path` should be a foldable \"STRING\" expression; however, got \"{path}\"."
        ),
        &[
            ("sqlExpr", format!("\"{sql}\"")),
            ("inputName", "`path`".to_string()),
            ("inputType", "\"STRING\"".to_string()),
            ("inputExpr", format!("\"{path}\"")),
        ],
    )
}

impl Planner<'_> {
    /// Plans `function` if it is one of Spark's XPath functions; `None` for
    /// other names.
    pub(crate) fn plan_xpath_function(
        &self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let Some(result) = XPathResult::of_function(function).filter(|_| args.len() == 2) else {
            return Ok(None);
        };
        let sql = call_name(function, names);
        for (i, arg) in args.iter().enumerate() {
            let t = self.type_of(arg, input)?;
            if !matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null) {
                return Err(unexpected_input_type(&sql, i, "\"STRING\"", &names[i], &t));
            }
        }
        let xml = datafusion::logical_expr::cast(args[0].clone(), DataType::Utf8);
        let expr = match &args[1] {
            Expr::Literal(ScalarValue::Utf8(Some(path)) | ScalarValue::LargeUtf8(Some(path)) | ScalarValue::Utf8View(Some(path)), _) => {
                xpath::xpath(result, xml, path)
            }
            // A NULL path gives NULL.
            Expr::Literal(..) => Expr::Literal(ScalarValue::try_from(&result.data_type())?, None),
            _ => return Err(path_not_constant(&sql, &names[1])),
        };
        Ok(Some((expr, sql)))
    }
}

impl Planner<'_> {
    /// Plans `from_xml` or `schema_of_xml` (schema and options are
    /// constants); `None` for other names.
    pub(crate) fn plan_xml_conversion(
        &mut self,
        name: &str,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Option<Result<(Expr, String)>> {
        Some(match name {
            "from_xml" => self.from_xml(arguments, input),
            "schema_of_xml" => self.schema_of_xml(arguments, input),
            "to_xml" => self.to_xml(arguments, input),
            _ => return None,
        })
    }

    fn from_xml(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        let (xml, xml_name, schema, pairs) = self.parse_arguments("from_xml", arguments, input)?;
        Ok((FromXml::call(xml, schema, pairs)?, format!("from_xml({xml_name})")))
    }

    fn to_xml(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        let (value, value_name, value_type, pairs) = self.format_arguments("to_xml", arguments, input)?;
        let sql = format!("to_xml({value_name})");
        Ok((ToXml::call(value, &value_type, &pairs, (&sql, &value_name), &self.config.time_zone)?, sql))
    }

    fn schema_of_xml(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        let (xml, rendered, pairs) = self.schema_of_arguments("schema_of_xml", "xml", arguments, input)?;
        Ok((lit(schema_of_xml(&xml, &pairs)?), format!("schema_of_xml({rendered})")))
    }
}
