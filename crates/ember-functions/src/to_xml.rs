//! Spark's `to_xml`: a struct value written as one indented XML element
//! (`<ROW>` unless `rowTag`), fields named with the attribute prefix as
//! attributes, the value tag as the element's text, arrays as repeated
//! elements, NULL fields left out (or written as `nullValue`).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_errors::{ErrorKind, SparkError};

use crate::to_csv::{ToCsv, ToCsvOptions};

/// The options `to_xml` honours.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ToXmlOptions {
    row_tag: String,
    attribute_prefix: String,
    value_tag: String,
    null_value: Option<String>,
    /// `arrayElementName`: the element of each item of a nested array.
    array_element: String,
    /// The date and timestamp formats, shared with `to_csv`.
    values: ToCsvOptions,
}

/// A column formatted for writing: leaf texts, or its nested columns.
enum Formatted {
    Leaf(Vec<Option<String>>),
    Struct { names: Vec<String>, fields: Vec<Formatted>, valid: Vec<bool> },
    List { offsets: Vec<usize>, valid: Vec<bool>, items: Box<Formatted> },
    /// A map: each entry an element named by its key.
    Map { offsets: Vec<usize>, valid: Vec<bool>, keys: Vec<Option<String>>, values: Box<Formatted> },
}

/// The `to_xml` function.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ToXml {
    options: ToXmlOptions,
    time_zone: String,
    signature: Signature,
}

impl ToXml {
    /// The call `sql` of `to_xml(value, options)` (`value_sql` rendering
    /// `value`); `value_type` must be a struct.
    pub fn call(value: Expr, value_type: &DataType, pairs: &[(String, String)], (sql, value_sql): (&str, &str), time_zone: &str) -> Result<Expr, SparkError> {
        if !matches!(value_type, DataType::Struct(_)) {
            let rendered = ember_types::display::sql_string(value_type);
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
                "42K09",
                format!("Cannot resolve \"{sql}\" due to data type mismatch: The first parameter requires the \"STRUCT\" type, however \"{value_sql}\" has the type \"{rendered}\"."),
                &[
                    ("sqlExpr", format!("\"{sql}\"")),
                    ("paramIndex", "first".to_string()),
                    ("requiredType", "\"STRUCT\"".to_string()),
                    ("inputSql", format!("\"{value_sql}\"")),
                    ("inputType", format!("\"{rendered}\"")),
                ],
            ));
        }
        Ok(ScalarUDF::new_from_impl(ToXml::new(pairs, time_zone)).call(vec![value]))
    }

    fn new(pairs: &[(String, String)], time_zone: &str) -> ToXml {
        let get = |key: &str| pairs.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(_, v)| v.clone());
        let options = ToXmlOptions {
            row_tag: get("rowTag").unwrap_or_else(|| "ROW".into()),
            attribute_prefix: get("attributePrefix").unwrap_or_else(|| "_".into()),
            value_tag: get("valueTag").unwrap_or_else(|| "_VALUE".into()),
            null_value: get("nullValue"),
            array_element: get("arrayElementName").unwrap_or_else(|| "item".into()),
            values: ToCsvOptions::from_pairs(pairs),
        };
        ToXml { options, time_zone: time_zone.to_string(), signature: Signature::any(1, Volatility::Immutable) }
    }

    fn format(&self, array: &dyn Array) -> Result<Formatted> {
        Ok(match array.data_type() {
            DataType::Struct(fields) => {
                let structs = array.as_struct();
                Formatted::Struct {
                    names: fields.iter().map(|f| f.name().clone()).collect(),
                    fields: structs.columns().iter().map(|c| self.format(c.as_ref())).collect::<Result<_>>()?,
                    valid: (0..array.len()).map(|i| array.is_valid(i)).collect(),
                }
            }
            DataType::List(_) => {
                let lists = array.as_list::<i32>();
                Formatted::List {
                    offsets: lists.offsets().iter().map(|o| *o as usize).collect(),
                    valid: (0..array.len()).map(|i| array.is_valid(i)).collect(),
                    items: Box::new(self.format(lists.values().as_ref())?),
                }
            }
            DataType::Map(..) => {
                let maps = array.as_map();
                Formatted::Map {
                    offsets: maps.offsets().iter().map(|o| *o as usize).collect(),
                    valid: (0..array.len()).map(|i| array.is_valid(i)).collect(),
                    keys: ToCsv::new(self.options.values.clone(), &self.time_zone).field_texts(maps.keys().as_ref())?,
                    values: Box::new(self.format(maps.values().as_ref())?),
                }
            }
            DataType::Binary => {
                let bytes = array.as_binary::<i32>();
                let hex = |b: &[u8]| format!("[{}]", b.iter().map(|x| format!("{x:02X}")).collect::<Vec<_>>().join(" "));
                Formatted::Leaf(bytes.iter().map(|b| b.map(hex)).collect())
            }
            _ => Formatted::Leaf(ToCsv::new(self.options.values.clone(), &self.time_zone).field_texts(array)?),
        })
    }

    /// Writes `column`'s row `row` as elements named `name` at `depth`.
    fn write(&self, name: &str, column: &Formatted, row: usize, depth: usize, out: &mut String) {
        let indent = "    ".repeat(depth);
        match column {
            Formatted::Leaf(texts) => {
                if let Some(text) = texts[row].as_deref().or(self.options.null_value.as_deref()) {
                    out.push_str(&format!("{indent}<{name}>{}</{name}>\n", escape(text)));
                }
            }
            Formatted::List { offsets, valid, items } if valid[row] => {
                for item in offsets[row]..offsets[row + 1] {
                    if let Formatted::List { .. } = items.as_ref() {
                        out.push_str(&format!("{indent}<{name}>\n"));
                        self.write(&self.options.array_element, items, item, depth + 1, out);
                        out.push_str(&format!("{indent}</{name}>\n"));
                    } else {
                        self.write(name, items, item, depth, out);
                    }
                }
            }
            Formatted::Map { offsets, valid, keys, values } if valid[row] => {
                out.push_str(&format!("{indent}<{name}>\n"));
                for entry in offsets[row]..offsets[row + 1] {
                    self.write(keys[entry].as_deref().unwrap_or_default(), values, entry, depth + 1, out);
                }
                out.push_str(&format!("{indent}</{name}>\n"));
            }
            Formatted::Struct { names, fields, valid } if valid[row] => {
                let mut attributes = String::new();
                let mut value = None;
                let mut children = String::new();
                for (field, column) in names.iter().zip(fields) {
                    let text = match column {
                        Formatted::Leaf(texts) => texts[row].as_deref(),
                        _ => None,
                    };
                    if *field == self.options.value_tag {
                        value = text;
                    } else if let Some(attribute) = field.strip_prefix(self.options.attribute_prefix.as_str()).filter(|_| !self.options.attribute_prefix.is_empty()) {
                        if let Some(text) = text {
                            attributes.push_str(&format!(" {attribute}=\"{}\"", escape(text).replace('"', "&quot;")));
                        }
                    } else {
                        self.write(field, column, row, depth + 1, &mut children);
                    }
                }
                match (value, children.is_empty()) {
                    (None, true) => out.push_str(&format!("{indent}<{name}{attributes}/>\n")),
                    (Some(value), true) => out.push_str(&format!("{indent}<{name}{attributes}>{}</{name}>\n", escape(value))),
                    (value, false) => {
                        out.push_str(&format!("{indent}<{name}{attributes}>{}\n", value.map(escape).unwrap_or_default()));
                        out.push_str(&children);
                        out.push_str(&format!("{indent}</{name}>\n"));
                    }
                }
            }
            _ => {}
        }
    }
}

/// Spark's XML writer: each row of `rows` (a struct array) as the indented
/// `rowTag` element (`options` as the writer's) one level inside the root
/// element; timestamps in `time_zone`.
pub fn xml_rows(rows: &dyn Array, options: &[(String, String)], time_zone: &str) -> Result<Vec<String>> {
    let writer = ToXml::new(options, time_zone);
    let formatted = writer.format(rows)?;
    Ok((0..rows.len())
        .map(|row| {
            let mut out = String::new();
            writer.write(&writer.options.row_tag, &formatted, row, 1, &mut out);
            out
        })
        .collect())
}

/// Text escaped for XML content.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;")
}

impl ScalarUDFImpl for ToXml {
    fn name(&self) -> &str {
        "to_xml"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let array = args.args[0].to_array(args.number_rows)?;
        let formatted = self.format(array.as_ref())?;
        let documents: StringArray = (0..array.len())
            .map(|row| {
                array.is_valid(row).then(|| {
                    let mut out = String::new();
                    self.write(&self.options.row_tag, &formatted, row, 0, &mut out);
                    out.trim_end_matches('\n').to_string()
                })
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(documents) as ArrayRef))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_content() {
        assert_eq!(escape("x<&>\""), "x&lt;&amp;>\"");
    }
}
