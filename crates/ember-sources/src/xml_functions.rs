//! Spark's XML column functions: `from_xml` (each row's document read as a
//! struct of the given schema) and `schema_of_xml` (Spark's XML inference:
//! attributes as `_name` fields, element text as `_VALUE`, repeated
//! elements as arrays, fields sorted by name).

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, ListArray, StringArray, StructArray};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{ColumnarValue, Expr, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_errors::SparkError;
use quick_xml::name::QName;

use crate::bad_records::{check_corrupt_column, malformed_record_in_parsing};
use crate::csv::Inferred;
use crate::csv_functions::struct_fields;
use crate::csv_values::{FloatSpellings, parse_column};
use crate::json_functions::OptionPairs;
use crate::xml::document_root;

/// The options of `from_xml`, `schema_of_xml` and the XML source that shape
/// a record.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct XmlOptions {
    /// `attributePrefix` (default `_`): the prefix of attribute fields.
    attribute_prefix: String,
    /// `valueTag` (default `_VALUE`): the field of an element's own text.
    pub(crate) value_tag: String,
    /// `nullValue`: the text read as NULL.
    null_value: Option<String>,
    /// `ignoreSurroundingSpaces` (default true): values are trimmed.
    trim: bool,
    /// `mode` is `FAILFAST`: a malformed record fails the query.
    fail_fast: bool,
    /// `columnNameOfCorruptRecord` (default `_corrupt_record`).
    pub(crate) corrupt_column: String,
    /// `excludeAttribute`: attributes are not read.
    exclude_attributes: bool,
    /// `inferSchema` (default true): inferred values are typed, else strings.
    infer_types: bool,
    /// `ignoreNamespace`: names are read without their prefixes.
    pub(crate) names: Names,
    /// `wildcardColName` (default `xs_any`): the string field that holds
    /// the children no other field names.
    wildcard: String,
}

/// How element and attribute names are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Names {
    /// As written, with their namespace prefixes (`p:a`).
    Qualified,
    /// Their local parts (`a`), as `ignoreNamespace` reads them.
    Local,
}

impl Names {
    /// `name` as read.
    pub(crate) fn of(self, name: QName<'_>) -> QName<'_> {
        match self {
            Names::Qualified => name,
            Names::Local => QName(name.local_name().into_inner()),
        }
    }
}

impl XmlOptions {
    pub(crate) fn from_pairs(pairs: &OptionPairs) -> XmlOptions {
        let get = |name: &str| pairs.iter().rev().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
        let flag = |name: &str, default: bool| get(name).map_or(default, |v| v.trim().eq_ignore_ascii_case("true"));
        XmlOptions {
            attribute_prefix: get("attributePrefix").unwrap_or_else(|| "_".into()),
            value_tag: get("valueTag").unwrap_or_else(|| "_VALUE".into()),
            null_value: get("nullValue"),
            trim: get("ignoreSurroundingSpaces").is_none_or(|v| !v.eq_ignore_ascii_case("false")),
            fail_fast: get("mode").is_some_and(|m| m.eq_ignore_ascii_case("FAILFAST")),
            corrupt_column: get("columnNameOfCorruptRecord").unwrap_or_else(|| "_corrupt_record".into()),
            exclude_attributes: flag("excludeAttribute", false),
            infer_types: flag("inferSchema", true),
            names: if flag("ignoreNamespace", false) { Names::Local } else { Names::Qualified },
            wildcard: get("wildcardColName").unwrap_or_else(|| "xs_any".into()),
        }
    }

    /// An element's or attribute's text as a value: NULL when it is the
    /// `nullValue`, or empty unless `keep_empty` (strings read `''`).
    fn value<'a>(&self, text: &'a str, keep_empty: bool) -> Option<&'a str> {
        let text = if self.trim { text.trim() } else { text };
        ((keep_empty || !text.is_empty()) && self.null_value.as_deref() != Some(text)).then_some(text)
    }
}

/// An XML element reduced to what Spark reads of it.
#[derive(Debug, Default, Clone)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) children: Vec<Element>,
    /// The element's own text in the pieces its children separate, each
    /// with the number of children before it; whitespace-only pieces are
    /// left out.
    pub(crate) texts: Vec<(usize, String)>,
    /// An element with children read as a string: its content as XML
    /// (comments left out, text unescaped), as Spark gives it.
    pub(crate) inner_xml: Option<String>,
}

impl Element {
    /// Appends text read inside the element (after its children so far).
    pub(crate) fn push_text(&mut self, text: &str) {
        match self.texts.last_mut() {
            Some((children, piece)) if *children == self.children.len() => piece.push_str(text),
            _ => self.texts.push((self.children.len(), text.to_string())),
        }
    }

    /// The pieces of the element's own text, in document order.
    pub(crate) fn text_pieces(&self) -> impl Iterator<Item = &str> {
        self.texts.iter().map(|(_, text)| text.as_str())
    }

    /// The text of an element without children: its one piece.
    pub(crate) fn text(&self) -> Option<&str> {
        self.text_pieces().next()
    }
}

/// The type Spark's XML inference gives one value's text.
fn infer_text(text: Option<&str>, options: &XmlOptions) -> DataType {
    let Some(text) = text else { return DataType::Null };
    if !options.infer_types {
        return DataType::Utf8;
    }
    match Inferred::of(text) {
        Inferred::Int | Inferred::Long => DataType::Int64,
        // Java's `NaN`/`Infinity` and `1d`-style suffixes are not XML doubles.
        Inferred::Double if text.ends_with(|c: char| c.is_ascii_alphabetic()) => DataType::Utf8,
        Inferred::Decimal(_) | Inferred::Double => DataType::Float64,
        other => other.data_type(),
    }
}

/// The type of an element: its text's type when it is a plain value,
/// otherwise a struct of its attributes, its text as the value tag, and its
/// children (arrays when repeated), sorted by name.
pub(crate) fn infer_element(element: &Element, options: &XmlOptions) -> DataType {
    let attributes: &[(String, String)] = if options.exclude_attributes { &[] } else { &element.attributes };
    let pieces: Vec<&str> = element.text_pieces().filter_map(|t| options.value(t, false)).collect();
    if element.children.is_empty() && attributes.is_empty() {
        return infer_text(pieces.first().copied(), options);
    }
    let mut fields: Vec<(String, DataType)> = Vec::new();
    for (name, value) in attributes {
        fields.push((format!("{}{name}", options.attribute_prefix), infer_text(options.value(value, false), options)));
    }
    // Text around children is an array of its pieces.
    if let Some(merged) = pieces.iter().map(|piece| infer_text(Some(piece), options)).reduce(merge) {
        fields.push((options.value_tag.clone(), if pieces.len() > 1 { list_of(merged) } else { merged }));
    }
    let mut children: Vec<(&str, Vec<DataType>)> = Vec::new();
    for child in &element.children {
        let data_type = infer_element(child, options);
        match children.iter_mut().find(|(name, _)| *name == child.name) {
            Some((_, types)) => types.push(data_type),
            None => children.push((&child.name, vec![data_type])),
        }
    }
    for (name, types) in children {
        let repeated = types.len() > 1;
        let merged = types.into_iter().reduce(merge).unwrap_or(DataType::Null);
        fields.push((name.to_string(), if repeated { list_of(merged) } else { merged }));
    }
    sorted_struct(fields)
}

pub(crate) fn sorted_struct(mut fields: Vec<(String, DataType)>) -> DataType {
    fields.sort_by(|a, b| a.0.cmp(&b.0));
    DataType::Struct(fields.into_iter().map(|(name, t)| Field::new(name, t, true)).collect())
}

fn list_of(element: DataType) -> DataType {
    DataType::List(Arc::new(Field::new("element", element, true)))
}

/// Spark's `compatibleType` of XML inference.
pub(crate) fn merge(a: DataType, b: DataType) -> DataType {
    use DataType::*;
    match (a, b) {
        (a, b) if a == b => a,
        (Null, x) | (x, Null) => x,
        (Int64, Float64) | (Float64, Int64) => Float64,
        (Date32, t @ Timestamp(..)) | (t @ Timestamp(..), Date32) => t,
        (List(a), List(b)) => list_of(merge(a.data_type().clone(), b.data_type().clone())),
        (List(a), b) | (b, List(a)) => list_of(merge(a.data_type().clone(), b)),
        (Struct(a), Struct(b)) => {
            let mut fields: Vec<(String, DataType)> = a.iter().map(|f| (f.name().clone(), f.data_type().clone())).collect();
            for field in b.iter() {
                match fields.iter_mut().find(|(name, _)| name == field.name()) {
                    Some((_, t)) => *t = merge(t.clone(), field.data_type().clone()),
                    None => fields.push((field.name().clone(), field.data_type().clone())),
                }
            }
            sorted_struct(fields)
        }
        _ => Utf8,
    }
}

/// NULL types (empty elements) read as strings, as Spark's canonicalization.
pub(crate) fn canonical(data_type: DataType) -> DataType {
    match data_type {
        DataType::Null => DataType::Utf8,
        DataType::List(f) => list_of(canonical(f.data_type().clone())),
        DataType::Struct(fields) => {
            DataType::Struct(fields.iter().map(|f| Field::new(f.name(), canonical(f.data_type().clone()), true)).collect())
        }
        other => other,
    }
}

/// `schema_of_xml(xml, options)` of a constant document, as Spark renders
/// it (`STRUCT<a: BIGINT, ...>`); a malformed document gives the corrupt
/// record column.
pub fn schema_of_xml(xml: &str, pairs: &OptionPairs) -> Result<String, SparkError> {
    let options = XmlOptions::from_pairs(pairs);
    let data_type = match document_root(xml, options.names) {
        None => DataType::Struct(Fields::from(vec![Field::new(options.corrupt_column.clone(), DataType::Utf8, true)])),
        Some(root) => match infer_element(&root, &options) {
            data_type @ DataType::Struct(_) => canonical(data_type),
            value => DataType::Struct(Fields::from(vec![Field::new(options.value_tag.clone(), canonical(value), true)])),
        },
    };
    Ok(ember_types::display::sql_string(&data_type))
}

/// What a schema field reads: an element, or an attribute's or element's
/// text.
#[derive(Clone, Copy)]
pub(crate) enum Node<'a> {
    Element(&'a Element),
    Text(&'a str),
}

impl<'a> Node<'a> {
    fn text(self) -> Option<&'a str> {
        match self {
            Node::Element(e) => e.inner_xml.as_deref().or(e.text()),
            Node::Text(t) => Some(t),
        }
    }

    /// Every occurrence of `field`, one of a struct's `fields`, in this
    /// node. The wildcard field, when a string or an array of strings,
    /// holds the children that no other field names.
    fn field(self, field: &Field, fields: &Fields, options: &XmlOptions) -> Vec<Node<'a>> {
        let field = field.name().as_str();
        let Node::Element(element) = self else {
            return if field == options.value_tag { vec![self] } else { Vec::new() };
        };
        if field == options.value_tag {
            return element.text_pieces().map(Node::Text).collect();
        }
        let attribute = field.strip_prefix(options.attribute_prefix.as_str()).filter(|_| !options.attribute_prefix.is_empty() && !options.exclude_attributes);
        if let Some((_, value)) = attribute.and_then(|name| element.attributes.iter().find(|(a, _)| a == name)) {
            return vec![Node::Text(value)];
        }
        let named = |name: &str| element.children.iter().any(|c| c.name == name);
        if field == options.wildcard && !named(field) {
            let strings = match fields.iter().find(|f| f.name() == field).map(|f| f.data_type()) {
                Some(DataType::List(item)) => item.data_type() == &DataType::Utf8,
                data_type => data_type == Some(&DataType::Utf8),
            };
            let unnamed = element.children.iter().filter(|c| !fields.iter().any(|f| *f.name() == c.name));
            return if strings { unnamed.map(Node::Element).collect() } else { Vec::new() };
        }
        element.children.iter().filter(|c| c.name == field).map(Node::Element).collect()
    }
}

/// Reads `nodes` (one per row, NULL where absent) as `data_type`; marks in
/// `bad` the rows where a value did not parse.
pub(crate) fn read(nodes: &[Option<Node<'_>>], data_type: &DataType, options: &XmlOptions, bad: &mut [bool]) -> Result<ArrayRef, SparkError> {
    match data_type {
        DataType::Struct(fields) => {
            let mut columns = Vec::with_capacity(fields.len());
            for field in fields.iter() {
                let column = match field.data_type() {
                    DataType::List(_) => read_lists(nodes, field, fields, options, bad)?,
                    data_type => {
                        // The last occurrence of a repeated element, as Spark.
                        let values: Vec<Option<Node>> = nodes.iter().map(|node| node.and_then(|n| n.field(field, fields, options).pop())).collect();
                        read(&values, data_type, options, bad)?
                    }
                };
                columns.push(column);
            }
            let nulls = NullBuffer::from(nodes.iter().map(Option::is_some).collect::<Vec<_>>());
            Ok(Arc::new(if fields.is_empty() {
                StructArray::new_empty_fields(nodes.len(), Some(nulls))
            } else {
                StructArray::try_new(fields.clone(), columns, Some(nulls)).map_err(|e| SparkError::internal(e.to_string()))?
            }))
        }
        _ => {
            let keep_empty = *data_type == DataType::Utf8;
            let texts: Vec<Option<&str>> = nodes.iter().map(|n| n.and_then(|n| options.value(n.text().unwrap_or(""), keep_empty))).collect();
            let parsed = parse_column(&texts, data_type, &FloatSpellings::default())?;
            bad.iter_mut().zip(&parsed.malformed).for_each(|(row, b)| *row |= b);
            Ok(parsed.array)
        }
    }
}

/// Reads each row's element as a struct of `fields` and marks in `bad` the
/// rows where a value did not parse. Such a row keeps what Spark's parser
/// had read before the failure: the children before the one that failed
/// (items of a repeated element before it included), nothing when one of
/// the row's attributes or its own text failed.
pub(crate) fn read_rows(rows: &[Option<&Element>], fields: &Fields, options: &XmlOptions, bad: &mut [bool]) -> Result<ArrayRef, SparkError> {
    let data_type = DataType::Struct(fields.clone());
    let nodes: Vec<Option<Node>> = rows.iter().map(|row| row.map(Node::Element)).collect();
    let mut failed = vec![false; rows.len()];
    let values = read(&nodes, &data_type, options, &mut failed)?;
    if !failed.contains(&true) {
        return Ok(values);
    }
    let mut partial: Vec<Option<Element>> = Vec::with_capacity(rows.len());
    for (row, failed) in rows.iter().zip(&failed) {
        partial.push(match row {
            Some(element) if *failed => Some(read_before_failure(element, fields, options)?),
            _ => None,
        });
    }
    let nodes: Vec<Option<Node>> = rows.iter().zip(&partial).map(|(row, partial)| partial.as_ref().or(*row).map(Node::Element)).collect();
    bad.iter_mut().zip(&failed).for_each(|(row, failed)| *row |= failed);
    read(&nodes, &data_type, options, &mut failed)
}

/// The part of a row Spark reads before its first value that does not parse.
fn read_before_failure(element: &Element, fields: &Fields, options: &XmlOptions) -> Result<Element, SparkError> {
    let row = Node::Element(element);
    let mut read_children = element.children.len();
    // Where the first attribute or text that does not parse is (attributes
    // are read first), as a number of children before it.
    let mut failed_text: Option<usize> = None;
    for field in fields.iter() {
        let item_type = match field.data_type() {
            DataType::List(item) => item.data_type(),
            data_type => data_type,
        };
        for node in row.field(field, fields, options) {
            let mut failed = [false];
            read(&[Some(node)], item_type, options, &mut failed)?;
            match node {
                _ if !failed[0] => {}
                Node::Element(child) => {
                    let index = element.children.iter().position(|c| std::ptr::eq(c, child)).unwrap_or(read_children);
                    read_children = read_children.min(index);
                }
                Node::Text(text) => {
                    let before = element.texts.iter().find(|(_, piece)| std::ptr::eq(piece.as_str(), text)).map_or(0, |(before, _)| *before);
                    failed_text = Some(failed_text.map_or(before, |b| b.min(before)));
                }
            }
        }
    }
    if failed_text.is_some_and(|before| before <= read_children) {
        return Ok(Element::default());
    }
    Ok(Element {
        name: element.name.clone(),
        attributes: element.attributes.clone(),
        children: element.children[..read_children].to_vec(),
        texts: element.texts.iter().filter(|(before, _)| *before <= read_children).cloned().collect(),
        inner_xml: None,
    })
}

/// Reads the array field `field` of each row's node: every occurrence of it.
fn read_lists(nodes: &[Option<Node<'_>>], field: &Field, fields: &Fields, options: &XmlOptions, bad: &mut [bool]) -> Result<ArrayRef, SparkError> {
    let DataType::List(item) = field.data_type() else { return Err(SparkError::internal("read_lists expects an array field")) };
    let mut items = Vec::new();
    let mut lengths = Vec::with_capacity(nodes.len());
    let mut owners = Vec::new();
    for (row, node) in nodes.iter().enumerate() {
        let values = node.map(|n| n.field(field, fields, options)).unwrap_or_default();
        lengths.push(values.len());
        owners.extend(std::iter::repeat_n(row, values.len()));
        items.extend(values.into_iter().map(Some));
    }
    let mut item_bad = vec![false; items.len()];
    let values = read(&items, item.data_type(), options, &mut item_bad)?;
    owners.iter().zip(&item_bad).filter(|(_, b)| **b).for_each(|(row, _)| bad[*row] = true);
    let nulls = NullBuffer::from(lengths.iter().map(|n| *n > 0).collect::<Vec<_>>());
    ListArray::try_new(item.clone(), OffsetBuffer::from_lengths(lengths), values, Some(nulls))
        .map(|list| Arc::new(list) as ArrayRef)
        .map_err(|e| SparkError::internal(e.to_string()))
}

/// `from_xml(xml, schema, options)`: each row's document read as a struct of
/// `schema`'s fields.
#[derive(Debug)]
pub struct FromXml {
    fields: Fields,
    options: XmlOptions,
    signature: Signature,
}

impl PartialEq for FromXml {
    fn eq(&self, other: &Self) -> bool {
        self.fields == other.fields && self.options == other.options
    }
}

impl Eq for FromXml {}

impl Hash for FromXml {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.fields.hash(state);
        self.options.hash(state);
    }
}

impl FromXml {
    /// The call `from_xml(xml)`; the schema must be a struct.
    pub fn call(xml: Expr, schema: DataType, pairs: OptionPairs) -> Result<Expr, SparkError> {
        let fields = struct_fields(schema)?;
        let options = XmlOptions::from_pairs(&pairs);
        if let Some(corrupt) = fields.iter().find(|f| *f.name() == options.corrupt_column) {
            check_corrupt_column(corrupt)?;
        }
        let udf = FromXml { fields, options, signature: Signature::any(1, Volatility::Immutable) };
        Ok(ScalarUDF::new_from_impl(udf).call(vec![datafusion::logical_expr::cast(xml, DataType::Utf8)]))
    }
}

impl ScalarUDFImpl for FromXml {
    fn name(&self) -> &str {
        "from_xml"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(DataType::Struct(self.fields.clone()))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let array = args.args[0].to_array(args.number_rows)?;
        let Some(texts) = array.as_string_opt::<i32>() else { return exec_err!("from_xml expects a string") };
        let roots: Vec<Option<Element>> = texts.iter().map(|t| t.and_then(|t| document_root(t, self.options.names))).collect();
        // A malformed record (not XML, or a value that does not parse) keeps
        // what was read and its text in the corrupt-record field, if the
        // schema has one; a NULL document gives NULL.
        let mut bad: Vec<bool> = texts.iter().zip(&roots).map(|(t, r)| t.is_some() && r.is_none()).collect();
        let corrupt = self.fields.iter().position(|f| *f.name() == self.options.corrupt_column);
        let value_fields: Fields = self.fields.iter().enumerate().filter(|(i, _)| Some(*i) != corrupt).map(|(_, f)| f.clone()).collect();
        let elements: Vec<Option<&Element>> = roots.iter().map(Option::as_ref).collect();
        let parsed = read_rows(&elements, &value_fields, &self.options, &mut bad).map_err(SparkError::into_datafusion)?;
        if self.options.fail_fast && bad.contains(&true) {
            return Err(malformed_record_in_parsing("[null]").into_datafusion());
        }
        let mut columns = parsed.as_struct().columns().to_vec();
        if let Some(index) = corrupt {
            let corrupt_texts: StringArray = texts.iter().zip(&bad).map(|(text, bad)| text.filter(|_| *bad)).collect();
            columns.insert(index, Arc::new(corrupt_texts));
        }
        let nulls = NullBuffer::from(texts.iter().map(|t| t.is_some()).collect::<Vec<_>>());
        let result = if columns.is_empty() {
            StructArray::new_empty_fields(texts.len(), Some(nulls))
        } else {
            StructArray::try_new(self.fields.clone(), columns, Some(nulls))?
        };
        Ok(ColumnarValue::Array(Arc::new(result)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_of_xml_infers_spark_types() {
        let none = Vec::new();
        assert_eq!(
            schema_of_xml("<p><b>x</b><a>1.5</a><c>true</c><f></f><g>NaN</g></p>", &none).unwrap(),
            "STRUCT<a: DOUBLE, b: STRING, c: BOOLEAN, f: STRING, g: STRING>"
        );
        assert_eq!(
            schema_of_xml("<p x=\"1\"><a y=\"2\">t</a><a y=\"3\">u</a></p>", &none).unwrap(),
            "STRUCT<_x: BIGINT, a: ARRAY<STRUCT<_VALUE: STRING, _y: BIGINT>>>"
        );
        assert_eq!(schema_of_xml("<p>1</p>", &none).unwrap(), "STRUCT<_VALUE: BIGINT>");
        assert_eq!(schema_of_xml("<p><a>1</a><a><c>1</c></a></p>", &none).unwrap(), "STRUCT<a: ARRAY<STRING>>");
        assert_eq!(schema_of_xml("<p><a>1</a>", &none).unwrap(), "STRUCT<_corrupt_record: STRING>");
    }
}
