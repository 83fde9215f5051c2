//! Spark's XPath functions (`xpath`, `xpath_string`, `xpath_boolean`,
//! `xpath_int`/`long`/`short`/`float`/`double`/`number`): an XPath 1.0
//! expression (a constant) evaluated over each row's XML text with the
//! `sxd-xpath` crate. NULL or empty text gives NULL; the result converts as
//! Java's `javax.xml.xpath` converts it (numbers to integers as Java's casts
//! do: truncated, saturated, NaN to 0).

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, AsArray, BooleanArray, Float32Array, Float64Array, Int16Array, Int32Array, Int64Array, ListBuilder,
    StringArray, StringBuilder,
};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};
use sxd_xpath::nodeset::Node;
use sxd_xpath::{Context, Factory, Value, XPath};

use crate::kernel_udf::KernelUdf;

/// What an XPath function returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XPathResult {
    /// `xpath`: the values of the selected nodes, `ARRAY<STRING>`.
    Strings,
    String,
    Boolean,
    Short,
    Int,
    Long,
    Float,
    /// `xpath_double` and `xpath_number`.
    Double,
}

impl XPathResult {
    /// The result kind of Spark function `name`, if it is an XPath function.
    pub fn of_function(name: &str) -> Option<XPathResult> {
        Some(match name {
            "xpath" => XPathResult::Strings,
            "xpath_string" => XPathResult::String,
            "xpath_boolean" => XPathResult::Boolean,
            "xpath_short" => XPathResult::Short,
            "xpath_int" => XPathResult::Int,
            "xpath_long" => XPathResult::Long,
            "xpath_float" => XPathResult::Float,
            "xpath_double" | "xpath_number" => XPathResult::Double,
            _ => return None,
        })
    }

    /// The Spark type of the result.
    pub fn data_type(self) -> DataType {
        match self {
            XPathResult::Strings => ember_types::array_type(DataType::Utf8, true),
            XPathResult::String => DataType::Utf8,
            XPathResult::Boolean => DataType::Boolean,
            XPathResult::Short => DataType::Int16,
            XPathResult::Int => DataType::Int32,
            XPathResult::Long => DataType::Int64,
            XPathResult::Float => DataType::Float32,
            XPathResult::Double => DataType::Float64,
        }
    }
}

/// The call of the XPath function giving `result` for `xml` (a STRING) and
/// the constant `path`.
pub fn xpath(result: XPathResult, xml: Expr, path: &str) -> Expr {
    let kernel = match result {
        XPathResult::Strings => strings_kernel,
        XPathResult::String => string_kernel,
        XPathResult::Boolean => boolean_kernel,
        XPathResult::Short => short_kernel,
        XPathResult::Int => int_kernel,
        XPathResult::Long => long_kernel,
        XPathResult::Float => float_kernel,
        XPathResult::Double => double_kernel,
    };
    KernelUdf::call("xpath", result.data_type(), kernel, path, vec![xml])
}

/// A failure as Spark reports it: a plain `java.lang.RuntimeException`.
fn failure(message: String) -> DataFusionError {
    SparkError::new(ErrorKind::JavaRuntime, "", "", message, &[]).into_datafusion()
}

fn compile(path: &str) -> Result<XPath> {
    match Factory::new().build(path) {
        Ok(Some(xpath)) => Ok(xpath),
        Ok(None) => Err(failure(format!("Invalid XPath '{path}'"))),
        Err(e) => Err(failure(format!("Invalid XPath '{path}'{e}"))),
    }
}

/// Evaluates `path` over each row, mapping each result with `convert`.
fn evaluate_rows<T>(args: &[ArrayRef], path: &str, convert: impl Fn(&Value) -> Result<T>) -> Result<Vec<Option<T>>> {
    let xpath = compile(path)?;
    let context = Context::new();
    let texts = args[0].as_string::<i32>();
    texts
        .iter()
        .map(|text| {
            let Some(text) = text.filter(|t| !t.is_empty()) else { return Ok(None) };
            let package = sxd_document::parser::parse(text).map_err(|_| failure(format!("Error loading expression '{path}'")))?;
            let document = package.as_document();
            let value = xpath
                .evaluate(&context, document.root())
                .map_err(|e| failure(format!("Invalid XML document: {e}\n{text}")))?;
            convert(&value).map(Some)
        })
        .collect()
}

/// XPath's `number()` of a string: optional `-`, digits with an optional
/// fraction, surrounded by whitespace; anything else is NaN.
fn xpath_number(text: &str) -> f64 {
    let trimmed = text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let unsigned = trimmed.strip_prefix('-').unwrap_or(trimmed);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !digits(whole) || !digits(fraction) {
        return f64::NAN;
    }
    trimmed.parse().unwrap_or(f64::NAN)
}

fn number_of(value: &Value) -> Result<f64> {
    Ok(match value {
        Value::Number(n) => *n,
        Value::Boolean(b) => f64::from(u8::from(*b)),
        other => xpath_number(&other.string()),
    })
}

/// The value Java's DOM gives a node: the text of text, attribute, comment
/// and processing-instruction nodes, NULL for elements and the document.
fn node_value(node: &Node) -> Option<String> {
    match node {
        Node::Root(_) | Node::Element(_) => None,
        Node::Attribute(a) => Some(a.value().to_string()),
        Node::ProcessingInstruction(p) => Some(p.value().unwrap_or_default().to_string()),
        other => Some(other.string_value()),
    }
}

fn strings_kernel(args: &[ArrayRef], path: &str) -> Result<ArrayRef> {
    let rows = evaluate_rows(args, path, |value| match value {
        Value::Nodeset(nodes) => Ok(nodes.document_order().iter().map(node_value).collect::<Vec<_>>()),
        other => Err(failure(format!("Invalid XML document: Can not convert #{} to a NodeList!", kind_name(other)))),
    })?;
    let DataType::List(item) = XPathResult::Strings.data_type() else { unreachable!("an array type is a list") };
    let mut out = ListBuilder::new(StringBuilder::new()).with_field(item);
    for row in rows {
        match row {
            Some(values) => {
                values.iter().for_each(|v| out.values().append_option(v.as_deref()));
                out.append(true);
            }
            None => out.append(false),
        }
    }
    Ok(Arc::new(out.finish()))
}

/// How Java names the kind of a non-node-set result.
fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Boolean(_) => "BOOLEAN",
        Value::Number(_) => "NUMBER",
        Value::String(_) => "STRING",
        Value::Nodeset(_) => "NODESET",
    }
}

fn string_kernel(args: &[ArrayRef], path: &str) -> Result<ArrayRef> {
    Ok(Arc::new(StringArray::from(evaluate_rows(args, path, |v| Ok(v.string()))?)))
}

fn boolean_kernel(args: &[ArrayRef], path: &str) -> Result<ArrayRef> {
    Ok(Arc::new(BooleanArray::from(evaluate_rows(args, path, |v| Ok(v.boolean()))?)))
}

fn short_kernel(args: &[ArrayRef], path: &str) -> Result<ArrayRef> {
    // Java's `Double.shortValue()` narrows through `int`.
    Ok(Arc::new(Int16Array::from(evaluate_rows(args, path, |v| Ok(number_of(v)? as i32 as i16))?)))
}

fn int_kernel(args: &[ArrayRef], path: &str) -> Result<ArrayRef> {
    Ok(Arc::new(Int32Array::from(evaluate_rows(args, path, |v| Ok(number_of(v)? as i32))?)))
}

fn long_kernel(args: &[ArrayRef], path: &str) -> Result<ArrayRef> {
    Ok(Arc::new(Int64Array::from(evaluate_rows(args, path, |v| Ok(number_of(v)? as i64))?)))
}

fn float_kernel(args: &[ArrayRef], path: &str) -> Result<ArrayRef> {
    Ok(Arc::new(Float32Array::from(evaluate_rows(args, path, |v| Ok(number_of(v)? as f32))?)))
}

fn double_kernel(args: &[ArrayRef], path: &str) -> Result<ArrayRef> {
    Ok(Arc::new(Float64Array::from(evaluate_rows(args, path, number_of)?)))
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::Array;

    use super::*;

    fn run(result: XPathResult, xml: &str, path: &str) -> ArrayRef {
        let kernel = match result {
            XPathResult::Strings => strings_kernel,
            XPathResult::String => string_kernel,
            XPathResult::Int => int_kernel,
            XPathResult::Short => short_kernel,
            _ => double_kernel,
        };
        kernel(&[Arc::new(StringArray::from(vec![Some(xml), Some(""), None])) as ArrayRef], path).unwrap()
    }

    #[test]
    fn node_values_and_strings() {
        let values = run(XPathResult::Strings, "<a><b>b1</b><b>b2</b><c k='v'/></a>", "a/b/text()");
        let list = values.as_list::<i32>();
        assert_eq!(list.value(0).as_string::<i32>().iter().collect::<Vec<_>>(), vec![Some("b1"), Some("b2")]);
        assert!(list.is_null(1) && list.is_null(2));
        let elements = run(XPathResult::Strings, "<a><b>b1</b></a>", "a/b");
        assert!(elements.as_list::<i32>().value(0).is_null(0));
        let text = run(XPathResult::String, "<a><b>x</b> y <c>z</c></a>", "a");
        assert_eq!(text.as_string::<i32>().value(0), "x y z");
    }

    #[test]
    fn numbers_convert_as_java() {
        assert_eq!(run(XPathResult::Int, "<a>-3.7</a>", "a").as_primitive::<datafusion::arrow::datatypes::Int32Type>().value(0), -3);
        assert_eq!(run(XPathResult::Int, "<a>1e20</a>", "a").as_primitive::<datafusion::arrow::datatypes::Int32Type>().value(0), 0);
        assert_eq!(run(XPathResult::Short, "<a>70000</a>", "a").as_primitive::<datafusion::arrow::datatypes::Int16Type>().value(0), 4464);
        assert_eq!(xpath_number(" 2.5 "), 2.5);
        assert!(xpath_number("1e3").is_nan() && xpath_number("-").is_nan() && xpath_number("").is_nan());
    }

    #[test]
    fn bad_paths_and_documents_fail() {
        let xml: ArrayRef = Arc::new(StringArray::from(vec!["<a>"]));
        assert!(string_kernel(&[xml], "a").is_err());
        assert!(compile("//[").is_err());
    }
}
