//! Spark's XML source: the rows of a file (or of each string of
//! `spark.read.xml(df)`) are its `rowTag` elements, found at any depth as
//! Spark's streaming parser finds them, inferred and read as `from_xml`
//! reads a document (attributes as `_name` fields, text as `_VALUE`,
//! repeated elements as arrays).
//!
//! Spark reads a file as one stream: when the stream stops being
//! well-formed XML, the rows before the fault are kept and one malformed
//! record follows, whose text (as for a value that does not parse) is the
//! whole document.

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, BooleanArray, RecordBatch, RecordBatchOptions, StringArray};
use arrow::compute::filter_record_batch;
use arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef};
use ember_errors::{ErrorKind, SparkError};
use quick_xml::events::{BytesStart, Event};

use crate::bad_records::{ParseMode, failed_read_file, malformed_record_in_parsing};
use crate::compression;
use crate::paths::InputFile;
use crate::record_scan::RecordFormat;
use crate::options::Options;
use crate::xml_functions::{Element, Names, XmlOptions, canonical, infer_element, merge, read_rows, sorted_struct};
use crate::xml_schema::XmlSchema;

/// The options of an XML read.
#[derive(Debug)]
pub(crate) struct XmlReadOptions {
    /// `rowTag`: the name of the elements that are rows.
    row_tag: String,
    /// The options shaping each record.
    record: XmlOptions,
    /// `mode`.
    mode: ParseMode,
    /// `rowValidationXSDPath`: rows that do not validate are malformed.
    schema: Option<XmlSchema>,
}

impl XmlReadOptions {
    /// The read's options; `rowTag` is required.
    pub(crate) fn parse(options: &Options) -> Result<Self, SparkError> {
        let row_tag = row_tag(options)?;
        let pairs: Vec<(String, String)> = options.pairs().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let schema = match options.get("rowValidationXSDPath") {
            Some(path) => Some(XmlSchema::load(path)?),
            None => None,
        };
        Ok(XmlReadOptions { row_tag, record: XmlOptions::from_pairs(&pairs), mode: ParseMode::from_options(options), schema })
    }

    /// The name of the corrupt-record column.
    pub(crate) fn corrupt_column(&self) -> &str {
        &self.record.corrupt_column
    }
}

/// The `rowTag` option, which XML reads and writes require.
pub(crate) fn row_tag(options: &Options) -> Result<String, SparkError> {
    match options.get("rowTag").map(str::trim).filter(|t| !t.is_empty()) {
        Some(tag) => Ok(tag.to_string()),
        None => Err(SparkError::new(
            ErrorKind::Analysis,
            "XML_ROW_TAG_MISSING",
            "42KDF",
            "`rowTag` option is required for reading/writing files in XML format.",
            &[("rowTag", "`rowTag`".to_string())],
        )),
    }
}

/// One `rowTag` element of a document.
struct Row {
    element: Element,
    /// Where the element's text lies in the document.
    span: std::ops::Range<usize>,
    /// False when it does not validate against `rowValidationXSDPath`.
    valid: bool,
}

/// The rows of one document.
struct Rows {
    rows: Vec<Row>,
    /// The document stopped being well-formed after `rows`.
    malformed: bool,
}

/// The root element of a document, as Spark reads one record: its first
/// element, if well-formed and preceded by nothing but a prolog; what
/// follows it is not read.
pub(crate) fn document_root(text: &str, names: Names) -> Option<Element> {
    let first = rows(text, names, |_| true).rows.into_iter().next()?;
    is_prolog(&text[..first.span.start]).then_some(first.element)
}

/// Whether `text` holds only what may precede a root element: white space,
/// the XML declaration, comments, processing instructions, a DOCTYPE.
fn is_prolog(text: &str) -> bool {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return true,
            Ok(Event::Decl(_) | Event::Comment(_) | Event::PI(_) | Event::DocType(_)) => {}
            Ok(Event::Text(text)) if text.iter().all(u8::is_ascii_whitespace) => {}
            _ => return false,
        }
    }
}

/// The elements of `text` that `is_row` names (by their names as `names`
/// reads them), outside other rows, in document order; an element of a
/// row's name inside a row is a field of the row.
fn rows(text: &str, names: Names, is_row: impl Fn(&[u8]) -> bool) -> Rows {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut rows = Vec::new();
    // The open elements of the current row, outermost first, and where it
    // starts; the XML each open element holds so far (read as a string).
    let mut open: Vec<Element> = Vec::new();
    let mut inner: Vec<String> = Vec::new();
    let mut row_start = 0;
    let mut depth = 0usize;
    let malformed = loop {
        let before = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(_) => break true,
        };
        let mut finished = None;
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let opens = matches!(event, Event::Start(_));
                depth += usize::from(opens);
                if open.is_empty() && !is_row(names.of(start.name()).as_ref()) {
                    continue;
                }
                let Some(element) = element(start, names) else { break true };
                if open.is_empty() {
                    row_start = before;
                }
                append(&mut inner, &tag(&element, if opens { ">" } else { "/>" }));
                if opens {
                    open.push(element);
                    inner.push(String::new());
                } else {
                    finished = Some(element);
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let (Some(mut element), Some(xml)) = (open.pop(), inner.pop()) {
                    append(&mut inner, &format!("</{}>", element.name));
                    if !element.children.is_empty() {
                        element.inner_xml = Some(xml);
                    }
                    finished = Some(element);
                }
            }
            Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) => {
                let Some(text) = event_text(&event) else { break true };
                if let Some(element) = open.last_mut() {
                    element.push_text(&text);
                    append(&mut inner, &text);
                }
            }
            Event::Eof => break depth != 0,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
        if let Some(mut element) = finished {
            match open.last_mut() {
                Some(parent) => parent.children.push(element),
                None => {
                    drop_blank_text(&mut element);
                    rows.push(Row { element, span: row_start..reader.buffer_position() as usize, valid: true });
                }
            }
        }
    };
    Rows { rows, malformed }
}

/// The text of a text, CDATA or reference event; `None` when it does not
/// decode (or names an entity a row cannot have).
fn event_text(event: &Event<'_>) -> Option<String> {
    match event {
        Event::Text(text) => text.decode().ok().map(|t| t.into_owned()),
        Event::CData(data) => data.decode().ok().map(|t| t.into_owned()),
        Event::GeneralRef(reference) => reference_text(reference),
        _ => None,
    }
}

/// Appends `xml` to what each open element holds.
fn append(inner: &mut [String], xml: &str) {
    inner.iter_mut().for_each(|held| held.push_str(xml));
}

/// The start tag of `element` (its attributes as read), closed by `end`.
fn tag(element: &Element, end: &str) -> String {
    let attributes: String = element.attributes.iter().map(|(name, value)| format!(" {name}=\"{value}\"")).collect();
    format!("<{}{attributes}{end}", element.name)
}

/// An element's name and its attributes, named as `names` reads them;
/// `None` when an attribute is malformed.
fn element(start: &BytesStart<'_>, names: Names) -> Option<Element> {
    let name = String::from_utf8(names.of(start.name()).as_ref().to_vec()).ok()?;
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.ok()?;
        let key = String::from_utf8(names.of(attribute.key).as_ref().to_vec()).ok()?;
        attributes.push((key, attribute.unescape_value().ok()?.into_owned()));
    }
    Some(Element { name, attributes, ..Element::default() })
}

/// The text of `&name;`: a character reference or one of XML's five
/// entities; `None` for others (not declared in a row).
fn reference_text(reference: &quick_xml::events::BytesRef<'_>) -> Option<String> {
    if reference.is_char_ref() {
        return reference.resolve_char_ref().ok().flatten().map(String::from);
    }
    let text = match reference.decode().ok()?.as_ref() {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        _ => return None,
    };
    Some(text.to_string())
}

/// Text of white space only is no text, as the DOM reading of `from_xml`.
fn drop_blank_text(element: &mut Element) {
    element.texts.retain(|(_, text)| !text.trim().is_empty());
    element.children.iter_mut().for_each(drop_blank_text);
}

/// The parsed rows of several documents (files, or the strings of a
/// DataFrame).
pub(crate) struct Documents<'a> {
    texts: Vec<Option<&'a str>>,
    rows: Vec<Rows>,
}

/// Why a FAILFAST read failed: a malformed record of document `n`.
pub(crate) struct FailFast(pub(crate) usize);

/// Where the rows of a document are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowsAre {
    /// Its `rowTag` elements (files).
    Tagged,
    /// Its root element, whatever its name (the strings of
    /// `spark.read.xml(df)`); a NULL string is a malformed record.
    Root,
}

impl<'a> Documents<'a> {
    /// Splits each text into its rows (checked against the XSD, if any).
    pub(crate) fn parse(texts: Vec<Option<&'a str>>, options: &XmlReadOptions, rows_are: RowsAre) -> Documents<'a> {
        let rows = texts
            .iter()
            .map(|text| {
                let mut rows = match (text, rows_are) {
                    (Some(text), RowsAre::Tagged) => rows(text, options.record.names, |name| name == options.row_tag.as_bytes()),
                    (Some(text), RowsAre::Root) => match document_root(text, options.record.names) {
                        Some(element) => Rows { rows: vec![Row { element, span: 0..text.len(), valid: true }], malformed: false },
                        None => Rows { rows: Vec::new(), malformed: true },
                    },
                    (None, _) => Rows { rows: Vec::new(), malformed: rows_are == RowsAre::Root },
                };
                if let Some(schema) = &options.schema {
                    rows.rows.iter_mut().for_each(|row| row.valid = schema.validates(&row.element));
                }
                rows
            })
            .collect();
        Documents { texts, rows }
    }

    /// Spark's inferred schema: the valid rows' types merged (fields sorted
    /// by name), with the corrupt-record column when a record is malformed
    /// under PERMISSIVE; FAILFAST fails on a malformed record.
    pub(crate) fn infer(&self, options: &XmlReadOptions) -> Result<Vec<Field>, SparkError> {
        let record = &options.record;
        let malformed = self.rows.iter().any(|rows| rows.malformed || rows.rows.iter().any(|row| !row.valid));
        if malformed && options.mode == ParseMode::FailFast {
            return Err(malformed_record_in_parsing(&record.corrupt_column));
        }
        let mut merged = DataType::Struct(Fields::empty());
        for row in self.rows.iter().flat_map(|rows| &rows.rows).filter(|row| row.valid) {
            let row_type = match infer_element(&row.element, record) {
                row_type @ DataType::Struct(_) => row_type,
                DataType::Null => continue,
                value => DataType::Struct(Fields::from(vec![Field::new(record.value_tag.clone(), value, true)])),
            };
            merged = merge(merged, row_type);
        }
        let DataType::Struct(fields) = canonical(merged) else { return Err(SparkError::internal("XML rows infer as structs")) };
        let mut fields: Vec<(String, DataType)> = fields.iter().map(|f| (f.name().clone(), f.data_type().clone())).collect();
        if malformed && options.mode == ParseMode::Permissive && !fields.iter().any(|(name, _)| *name == record.corrupt_column) {
            fields.push((record.corrupt_column.clone(), DataType::Utf8));
        }
        let DataType::Struct(fields) = sorted_struct(fields) else { return Err(SparkError::internal("XML rows infer as structs")) };
        Ok(fields.iter().map(|f| f.as_ref().clone()).collect())
    }

    /// The rows in `schema`. A row with a value that does not parse keeps
    /// what Spark reads before it and the whole document as its corrupt
    /// record; a row
    /// the XSD refuses is NULLs with its own text; a malformed document ends
    /// with a record of NULLs and the whole document. The mode keeps those
    /// rows, drops them, or fails (`FailFast` naming the document).
    pub(crate) fn read(&self, schema: &SchemaRef, options: &XmlReadOptions) -> Result<Result<RecordBatch, FailFast>, SparkError> {
        let record = &options.record;
        let corrupt = schema.fields().iter().position(|f| *f.name() == record.corrupt_column && f.data_type() == &DataType::Utf8);
        let value_fields: Fields = schema.fields().iter().enumerate().filter(|(i, _)| Some(*i) != corrupt).map(|(_, f)| f.clone()).collect();
        // Each record's element (`None`: NULLs), its document, whether it is
        // malformed as a whole, and then its text.
        let mut elements: Vec<Option<&Element>> = Vec::new();
        let mut documents: Vec<usize> = Vec::new();
        let mut bad: Vec<bool> = Vec::new();
        let mut refused: Vec<Option<&str>> = Vec::new();
        for (document, rows) in self.rows.iter().enumerate() {
            let text = self.texts[document];
            for row in &rows.rows {
                elements.push(row.valid.then_some(&row.element));
                bad.push(!row.valid);
                refused.push(text.filter(|_| !row.valid).map(|text| &text[row.span.clone()]));
                documents.push(document);
            }
            if rows.malformed {
                elements.push(None);
                bad.push(true);
                refused.push(text);
                documents.push(document);
            }
        }
        let whole: Vec<bool> = bad.clone();
        let values = read_rows(&elements, &value_fields, record, &mut bad)?;
        if options.mode == ParseMode::FailFast
            && let Some(row) = bad.iter().position(|b| *b)
        {
            return Ok(Err(FailFast(documents[row])));
        }
        let corrupt_texts: StringArray = (0..elements.len())
            .map(|row| match (whole[row], bad[row]) {
                (true, _) => refused[row],
                (false, true) => self.texts[documents[row]],
                (false, false) => None,
            })
            .collect();
        let mut columns: Vec<ArrayRef> = values.as_struct().columns().to_vec();
        if let Some(index) = corrupt {
            columns.insert(index, Arc::new(corrupt_texts));
        }
        let batch = RecordBatch::try_new_with_options(schema.clone(), columns, &RecordBatchOptions::new().with_row_count(Some(elements.len())))?;
        Ok(Ok(match options.mode {
            ParseMode::DropMalformed => filter_record_batch(&batch, &BooleanArray::from(bad.iter().map(|b| !b).collect::<Vec<_>>()))?,
            _ => batch,
        }))
    }
}

/// The schema of XML `texts`, each one record (the user's schema, or
/// inferred) and their rows; a FAILFAST read fails with `fail_fast`.
pub(crate) fn read_records(
    texts: &[Option<String>],
    user_schema: Option<Vec<Field>>,
    options: &Options,
    fail_fast: impl Fn(usize) -> SparkError,
) -> Result<(SchemaRef, RecordBatch), SparkError> {
    let options = XmlReadOptions::parse(options)?;
    let documents = Documents::parse(texts.iter().map(Option::as_deref).collect(), &options, RowsAre::Root);
    let fields = match user_schema {
        Some(fields) => fields,
        None => documents.infer(&options)?,
    };
    let schema: SchemaRef = Arc::new(Schema::new(fields));
    let batch = documents.read(&schema, &options)?.map_err(|FailFast(n)| fail_fast(n))?;
    Ok((schema, batch))
}

/// The schema Spark infers for XML files.
pub(crate) fn infer_files(files: &[InputFile], options: &Options) -> Result<Vec<Field>, SparkError> {
    let texts = files.iter().map(|file| compression::read_to_string(&file.path).map(Some)).collect::<Result<Vec<_>, _>>()?;
    let options = XmlReadOptions::parse(options)?;
    Documents::parse(texts.iter().map(Option::as_deref).collect(), &options, RowsAre::Tagged).infer(&options)
}

/// XML files as records: each file is one document, parsed whole when the
/// query runs.
#[derive(Debug)]
pub(crate) struct XmlRecords {
    pub(crate) options: XmlReadOptions,
}

impl RecordFormat for XmlRecords {
    fn name(&self) -> &'static str {
        "xml"
    }

    fn parse(&self, text: &str, schema: &SchemaRef, required: &[usize], file: &str) -> Result<RecordBatch, SparkError> {
        let batch = Documents::parse(vec![Some(text)], &self.options, RowsAre::Tagged).read(schema, &self.options)?.map_err(|_| failed_read_file(file))?;
        Ok(batch.project(required)?)
    }

    fn line_delimited(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(texts: &[&str], pairs: &[(&str, &str)]) -> (String, Vec<String>) {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let options = Options::new(pairs.iter().map(|(k, v)| (k, v)));
        let options = XmlReadOptions::parse(&options).unwrap();
        let documents = Documents::parse(texts.iter().map(|t| Some(*t)).collect(), &options, RowsAre::Tagged);
        let schema: SchemaRef = Arc::new(Schema::new(documents.infer(&options).unwrap()));
        let batch = documents.read(&schema, &options).unwrap().ok().unwrap();
        let rendered = arrow::util::pretty::pretty_format_batches(&[batch]).unwrap().to_string();
        let types = schema.fields().iter().map(|f| format!("{}:{}", f.name(), f.data_type())).collect::<Vec<_>>().join(",");
        (types, rendered.lines().map(str::to_string).collect())
    }

    #[test]
    fn rows_at_any_depth_with_prefixed_names() {
        let (types, rows) = read_all(&["<a><b><r p:x=\"1\"><v>1</v></r></b><r><v>2</v><r>3</r></r></a>"], &[("rowTag", "r")]);
        assert_eq!(types, "_p:x:Int64,r:Int64,v:Int64");
        assert_eq!(rows.len(), 6, "{rows:?}");
    }

    #[test]
    fn malformed_stream_keeps_earlier_rows_and_the_document_as_corrupt_record() {
        let text = "<rs><r><a>1</a></r><r><a>2</b></r></rs>";
        let (types, rows) = read_all(&[text], &[("rowTag", "r")]);
        assert_eq!(types, "_corrupt_record:Utf8,a:Int64");
        assert!(rows.iter().any(|r| r.contains(text)), "{rows:?}");
        let (types, rows) = read_all(&[text], &[("rowTag", "r"), ("mode", "DROPMALFORMED")]);
        assert_eq!(types, "a:Int64");
        assert_eq!(rows.len(), 5);
    }

    #[test]
    fn entities_and_cdata() {
        let (types, rows) = read_all(&["<r><a>&lt;&#65;&amp;</a><b><![CDATA[x<y]]></b></r>"], &[("rowTag", "r")]);
        assert_eq!(types, "a:Utf8,b:Utf8");
        assert!(rows[3].contains("<A&") && rows[3].contains("x<y"), "{rows:?}");
    }

    #[test]
    fn row_tag_is_required() {
        let err = XmlReadOptions::parse(&Options::default()).unwrap_err();
        assert_eq!(err.error_class, "XML_ROW_TAG_MISSING");
    }
}
