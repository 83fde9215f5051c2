//! `rowValidationXSDPath`: an XML Schema (XSD) each row of an XML read must
//! validate against, else the row is malformed, as Spark validates rows.
//!
//! Ember validates the common core of XSD 1.0: global and local element
//! declarations (`type`, `ref`, `minOccurs`, `maxOccurs`), named and inline
//! complex types with `sequence`, `choice` and `all` content, `mixed`,
//! `simpleContent` extensions, attributes (`use="required"`), and simple
//! types restricting the built-in types with enumeration, range, length and
//! pattern facets. A schema using anything else is refused when it is
//! loaded (`UNSUPPORTED_FEATURE`) rather than half-checked.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use ember_errors::SparkError;

use crate::errors;
use crate::xml::document_root;
use crate::xml_functions::{Element, Names};

/// A loaded schema.
#[derive(Debug)]
pub(crate) struct XmlSchema {
    elements: HashMap<String, ElementDecl>,
    types: HashMap<String, TypeDef>,
}

#[derive(Debug, Clone)]
struct ElementDecl {
    name: String,
    content: TypeRef,
    occurs: Occurs,
}

/// `minOccurs`/`maxOccurs` (`None`: unbounded).
#[derive(Debug, Clone, Copy)]
struct Occurs {
    min: usize,
    max: Option<usize>,
}

#[derive(Debug, Clone)]
enum TypeRef {
    Builtin(Builtin),
    Named(String),
    Inline(Box<TypeDef>),
    /// `ref="name"`: the global element of that name.
    Element(String),
}

#[derive(Debug, Clone)]
enum TypeDef {
    Simple(SimpleType),
    Complex(ComplexType),
}

#[derive(Debug, Clone, Default)]
struct ComplexType {
    attributes: Vec<AttributeDecl>,
    particle: Option<Particle>,
    /// `simpleContent`: the element's text has this type.
    text: Option<Box<TypeRef>>,
    mixed: bool,
}

#[derive(Debug, Clone)]
struct AttributeDecl {
    name: String,
    value: TypeRef,
    required: bool,
}

#[derive(Debug, Clone)]
enum Particle {
    Element(ElementDecl),
    Sequence(Vec<Particle>, Occurs),
    Choice(Vec<Particle>, Occurs),
    All(Vec<ElementDecl>),
}

#[derive(Debug, Clone)]
struct SimpleType {
    base: Box<TypeRef>,
    facets: Vec<Facet>,
}

#[derive(Debug, Clone)]
enum Facet {
    Enumeration(Vec<String>),
    Bound { value: f64, inclusive: bool, upper: bool },
    Length(usize),
    MinLength(usize),
    MaxLength(usize),
    Pattern(regex::Regex),
}

/// The built-in simple types Ember checks.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Builtin {
    /// Any text (`string`, `anySimpleType`, `anyURI`, names, ...).
    Text,
    Boolean,
    Decimal,
    /// An integer within bounds.
    Integer(i128, i128),
    Double,
    Date,
    DateTime,
    Time,
    /// `anyType`: any content.
    Any,
}

impl Builtin {
    fn named(name: &str) -> Option<Builtin> {
        const LONG: (i128, i128) = (i64::MIN as i128, i64::MAX as i128);
        Some(match name {
            "string" | "normalizedString" | "token" | "anySimpleType" | "anyURI" | "language" | "Name" | "NCName" | "NMTOKEN" | "ID"
            | "IDREF" | "QName" => Builtin::Text,
            "anyType" => Builtin::Any,
            "boolean" => Builtin::Boolean,
            "decimal" => Builtin::Decimal,
            "integer" => Builtin::Integer(i128::MIN, i128::MAX),
            "long" => Builtin::Integer(LONG.0, LONG.1),
            "int" => Builtin::Integer(i32::MIN as i128, i32::MAX as i128),
            "short" => Builtin::Integer(i16::MIN as i128, i16::MAX as i128),
            "byte" => Builtin::Integer(i8::MIN as i128, i8::MAX as i128),
            "nonNegativeInteger" => Builtin::Integer(0, i128::MAX),
            "positiveInteger" => Builtin::Integer(1, i128::MAX),
            "nonPositiveInteger" => Builtin::Integer(i128::MIN, 0),
            "negativeInteger" => Builtin::Integer(i128::MIN, -1),
            "unsignedLong" => Builtin::Integer(0, u64::MAX as i128),
            "unsignedInt" => Builtin::Integer(0, u32::MAX as i128),
            "unsignedShort" => Builtin::Integer(0, u16::MAX as i128),
            "unsignedByte" => Builtin::Integer(0, u8::MAX as i128),
            "double" | "float" => Builtin::Double,
            "date" => Builtin::Date,
            "dateTime" => Builtin::DateTime,
            "time" => Builtin::Time,
            _ => return None,
        })
    }

    fn accepts(self, text: &str) -> bool {
        // Every built-in type but strings collapses surrounding white space.
        let value = text.trim();
        match self {
            Builtin::Text | Builtin::Any => true,
            Builtin::Boolean => matches!(value, "true" | "false" | "1" | "0"),
            Builtin::Decimal => decimal_text(value),
            Builtin::Integer(min, max) => {
                let digits = value.strip_prefix('+').unwrap_or(value);
                !digits.is_empty() && digits.parse::<i128>().is_ok_and(|n| (min..=max).contains(&n))
            }
            Builtin::Double => matches!(value, "INF" | "-INF" | "+INF" | "NaN") || double_text(value),
            Builtin::Date => date_part(strip_zone(value)),
            Builtin::DateTime => strip_zone(value).split_once('T').is_some_and(|(date, time)| date_part(date) && time_part(time)),
            Builtin::Time => time_part(strip_zone(value)),
        }
    }
}

fn decimal_text(text: &str) -> bool {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !(whole.is_empty() && fraction.is_empty()) && whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
}

fn double_text(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let exponent_valid = |e: &str| {
        let digits = e.strip_prefix(['+', '-']).unwrap_or(e);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    decimal_text(mantissa) && exponent.is_none_or(exponent_valid)
}

/// A date or time without its zone (`Z`, `+hh:mm`, `-hh:mm`).
fn strip_zone(text: &str) -> &str {
    if let Some(rest) = text.strip_suffix('Z') {
        return rest;
    }
    let bytes = text.as_bytes();
    if bytes.len() > 6 && matches!(bytes[bytes.len() - 6], b'+' | b'-') && bytes[bytes.len() - 3] == b':' {
        return &text[..text.len() - 6];
    }
    text
}

fn date_part(text: &str) -> bool {
    text.len() >= 10 && NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok()
}

fn time_part(text: &str) -> bool {
    let (seconds, fraction) = text.split_once('.').unwrap_or((text, "0"));
    seconds.len() == 8 && !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit()) && NaiveTime::parse_from_str(seconds, "%H:%M:%S").is_ok()
}

/// The local part of a qualified name (`xs:string` -> `string`).
fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, l)| l)
}

fn unsupported(what: &str) -> SparkError {
    SparkError::unsupported(format!("the XML Schema construct {what} in rowValidationXSDPath"))
}

fn attribute<'a>(element: &'a Element, name: &str) -> Option<&'a str> {
    element.attributes.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

/// The schema's declarations, read from the XSD's elements.
struct Reader;

impl Reader {
    fn occurs(element: &Element) -> Result<Occurs, SparkError> {
        let number = |text: &str| text.trim().parse::<usize>().map_err(|_| unsupported(&format!("occurrence count `{text}`")));
        let min = attribute(element, "minOccurs").map(number).transpose()?.unwrap_or(1);
        let max = match attribute(element, "maxOccurs") {
            Some("unbounded") => None,
            Some(text) => Some(number(text)?),
            None => Some(1),
        };
        Ok(Occurs { min, max })
    }

    /// The children that declare something (annotations left out).
    fn parts(element: &Element) -> impl Iterator<Item = &Element> {
        element.children.iter().filter(|c| local(&c.name) != "annotation")
    }

    fn element(element: &Element) -> Result<ElementDecl, SparkError> {
        for unsupported_attribute in ["fixed", "substitutionGroup", "abstract"] {
            if attribute(element, unsupported_attribute).is_some() {
                return Err(unsupported(&format!("element/@{unsupported_attribute}")));
            }
        }
        let occurs = Reader::occurs(element)?;
        if let Some(target) = attribute(element, "ref") {
            return Ok(ElementDecl { name: local(target).to_string(), content: TypeRef::Element(local(target).to_string()), occurs });
        }
        let name = attribute(element, "name").ok_or_else(|| unsupported("element without a name"))?.to_string();
        let content = match (attribute(element, "type"), Reader::parts(element).next()) {
            (Some(named), _) => Reader::type_ref(named),
            (None, Some(inline)) => TypeRef::Inline(Box::new(Reader::type_def(inline)?)),
            (None, None) => TypeRef::Builtin(Builtin::Any),
        };
        Ok(ElementDecl { name, content, occurs })
    }

    fn type_ref(name: &str) -> TypeRef {
        match Builtin::named(local(name)) {
            Some(builtin) => TypeRef::Builtin(builtin),
            None => TypeRef::Named(local(name).to_string()),
        }
    }

    fn type_def(element: &Element) -> Result<TypeDef, SparkError> {
        match local(&element.name) {
            "complexType" => Reader::complex(element).map(TypeDef::Complex),
            "simpleType" => Reader::simple(element).map(TypeDef::Simple),
            other => Err(unsupported(other)),
        }
    }

    fn complex(element: &Element) -> Result<ComplexType, SparkError> {
        let mut complex = ComplexType { mixed: attribute(element, "mixed") == Some("true"), ..ComplexType::default() };
        for part in Reader::parts(element) {
            match local(&part.name) {
                "attribute" => complex.attributes.push(Reader::attribute(part)?),
                "sequence" | "choice" | "all" => complex.particle = Some(Reader::particle(part)?),
                "simpleContent" => {
                    let extension = Reader::parts(part).next().filter(|e| local(&e.name) == "extension").ok_or_else(|| unsupported("simpleContent/restriction"))?;
                    let base = attribute(extension, "base").ok_or_else(|| unsupported("extension without a base"))?;
                    complex.text = Some(Box::new(Reader::type_ref(base)));
                    for attribute_part in Reader::parts(extension) {
                        match local(&attribute_part.name) {
                            "attribute" => complex.attributes.push(Reader::attribute(attribute_part)?),
                            other => return Err(unsupported(other)),
                        }
                    }
                }
                other => return Err(unsupported(other)),
            }
        }
        Ok(complex)
    }

    fn attribute(element: &Element) -> Result<AttributeDecl, SparkError> {
        let name = attribute(element, "name").ok_or_else(|| unsupported("attribute without a name"))?.to_string();
        let value = match (attribute(element, "type"), Reader::parts(element).next()) {
            (Some(named), _) => Reader::type_ref(named),
            (None, Some(inline)) => TypeRef::Inline(Box::new(Reader::type_def(inline)?)),
            (None, None) => TypeRef::Builtin(Builtin::Text),
        };
        Ok(AttributeDecl { name, value, required: attribute(element, "use") == Some("required") })
    }

    fn particle(element: &Element) -> Result<Particle, SparkError> {
        let occurs = Reader::occurs(element)?;
        let kind = local(&element.name);
        if kind == "element" {
            return Reader::element(element).map(Particle::Element);
        }
        let items: Vec<Particle> = Reader::parts(element).map(Reader::particle).collect::<Result<_, _>>()?;
        match kind {
            "sequence" => Ok(Particle::Sequence(items, occurs)),
            "choice" => Ok(Particle::Choice(items, occurs)),
            "all" => items
                .into_iter()
                .map(|item| match item {
                    Particle::Element(decl) => Ok(decl),
                    _ => Err(unsupported("all of groups")),
                })
                .collect::<Result<_, _>>()
                .map(Particle::All),
            other => Err(unsupported(other)),
        }
    }

    fn simple(element: &Element) -> Result<SimpleType, SparkError> {
        let restriction = Reader::parts(element).next().filter(|e| local(&e.name) == "restriction").ok_or_else(|| unsupported("simpleType other than restriction"))?;
        let base = Box::new(Reader::type_ref(attribute(restriction, "base").ok_or_else(|| unsupported("restriction without a base"))?));
        let mut facets = Vec::new();
        let mut enumeration = Vec::new();
        for facet in Reader::parts(restriction) {
            let value = attribute(facet, "value").unwrap_or_default();
            let number = || value.trim().parse::<f64>().map_err(|_| unsupported(&format!("facet value `{value}`")));
            let count = || value.trim().parse::<usize>().map_err(|_| unsupported(&format!("facet value `{value}`")));
            match local(&facet.name) {
                "enumeration" => enumeration.push(value.to_string()),
                "minInclusive" => facets.push(Facet::Bound { value: number()?, inclusive: true, upper: false }),
                "minExclusive" => facets.push(Facet::Bound { value: number()?, inclusive: false, upper: false }),
                "maxInclusive" => facets.push(Facet::Bound { value: number()?, inclusive: true, upper: true }),
                "maxExclusive" => facets.push(Facet::Bound { value: number()?, inclusive: false, upper: true }),
                "length" => facets.push(Facet::Length(count()?)),
                "minLength" => facets.push(Facet::MinLength(count()?)),
                "maxLength" => facets.push(Facet::MaxLength(count()?)),
                "pattern" => {
                    if value.contains("\\i") || value.contains("\\c") || value.contains("\\I") || value.contains("\\C") {
                        return Err(unsupported("pattern with \\i or \\c"));
                    }
                    let regex = regex::Regex::new(&format!("^(?:{value})$")).map_err(|_| unsupported(&format!("pattern `{value}`")))?;
                    facets.push(Facet::Pattern(regex));
                }
                "whiteSpace" => {}
                other => return Err(unsupported(other)),
            }
        }
        if !enumeration.is_empty() {
            facets.push(Facet::Enumeration(enumeration));
        }
        Ok(SimpleType { base, facets })
    }
}

impl XmlSchema {
    /// Reads the XSD at `path`.
    pub(crate) fn load(path: &str) -> Result<XmlSchema, SparkError> {
        let file = path.strip_prefix("file://").unwrap_or(path);
        let text = std::fs::read_to_string(file).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => errors::path_not_found(path),
            _ => errors::io(path, e),
        })?;
        let root = document_root(&text, Names::Qualified).ok_or_else(|| SparkError::illegal_argument(format!("The XML Schema at {path} is not well-formed XML")))?;
        if local(&root.name) != "schema" {
            return Err(SparkError::illegal_argument(format!("The file at {path} is not an XML Schema")));
        }
        let mut schema = XmlSchema { elements: HashMap::new(), types: HashMap::new() };
        for part in Reader::parts(&root) {
            let name = || attribute(part, "name").map(str::to_string).ok_or_else(|| unsupported("a global declaration without a name"));
            match local(&part.name) {
                "element" => {
                    let decl = Reader::element(part)?;
                    schema.elements.insert(decl.name.clone(), decl);
                }
                "complexType" | "simpleType" => {
                    let name = name()?;
                    schema.types.insert(name, Reader::type_def(part)?);
                }
                other => return Err(unsupported(other)),
            }
        }
        Ok(schema)
    }

    /// Whether `row` is valid: a global element of the schema, valid for
    /// its declaration.
    pub(crate) fn validates(&self, row: &Element) -> bool {
        self.elements.get(local(&row.name)).is_some_and(|decl| self.element_valid(row, &decl.content))
    }

    fn resolve<'a>(&'a self, content: &'a TypeRef) -> Option<Resolved<'a>> {
        match content {
            TypeRef::Builtin(builtin) => Some(Resolved::Builtin(*builtin)),
            TypeRef::Named(name) => self.types.get(name).map(Resolved::Def),
            TypeRef::Inline(def) => Some(Resolved::Def(def)),
            TypeRef::Element(name) => self.elements.get(name).and_then(|decl| self.resolve(&decl.content)),
        }
    }

    fn element_valid(&self, element: &Element, content: &TypeRef) -> bool {
        let text = element.text().unwrap_or("");
        match self.resolve(content) {
            None => false,
            Some(Resolved::Builtin(Builtin::Any)) => true,
            Some(Resolved::Builtin(builtin)) => element.children.is_empty() && plain(element) && builtin.accepts(text),
            Some(Resolved::Def(TypeDef::Simple(simple))) => element.children.is_empty() && plain(element) && self.value_valid(simple, text),
            Some(Resolved::Def(TypeDef::Complex(complex))) => {
                let attributes_valid = element.attributes.iter().filter(|(name, _)| !is_namespace_attribute(name)).all(|(name, value)| {
                    complex.attributes.iter().find(|a| a.name == *name).is_some_and(|decl| self.text_valid(&decl.value, value))
                }) && complex.attributes.iter().filter(|a| a.required).all(|a| attribute(element, &a.name).is_some());
                let content_valid = match (&complex.text, &complex.particle) {
                    (Some(text_type), _) => element.children.is_empty() && self.text_valid(text_type, text),
                    (None, particle) => {
                        let text_allowed = complex.mixed || text.trim().is_empty();
                        let children_valid = match particle {
                            None => element.children.is_empty(),
                            Some(particle) => self.matches(particle, &element.children, 0).contains(&element.children.len()),
                        };
                        text_allowed && children_valid
                    }
                };
                attributes_valid && content_valid
            }
        }
    }

    fn text_valid(&self, content: &TypeRef, text: &str) -> bool {
        match self.resolve(content) {
            Some(Resolved::Builtin(builtin)) => builtin.accepts(text),
            Some(Resolved::Def(TypeDef::Simple(simple))) => self.value_valid(simple, text),
            _ => false,
        }
    }

    fn value_valid(&self, simple: &SimpleType, text: &str) -> bool {
        let value = text.trim();
        self.text_valid(&simple.base, text)
            && simple.facets.iter().all(|facet| match facet {
                Facet::Enumeration(values) => values.iter().any(|v| v == value),
                Facet::Bound { value: bound, inclusive, upper } => value.parse::<f64>().is_ok_and(|n| match (upper, inclusive) {
                    (true, true) => n <= *bound,
                    (true, false) => n < *bound,
                    (false, true) => n >= *bound,
                    (false, false) => n > *bound,
                }),
                Facet::Length(n) => value.chars().count() == *n,
                Facet::MinLength(n) => value.chars().count() >= *n,
                Facet::MaxLength(n) => value.chars().count() <= *n,
                Facet::Pattern(regex) => regex.is_match(value),
            })
    }

    /// The positions in `children` where matching `particle` from `start`
    /// can end (every way it can match).
    fn matches(&self, particle: &Particle, children: &[Element], start: usize) -> Vec<usize> {
        match particle {
            Particle::Element(decl) => self.repeat(decl.occurs, start, &|at| {
                children.get(at).filter(|child| local(&child.name) == decl.name && self.element_valid(child, &decl.content)).map(|_| vec![at + 1]).unwrap_or_default()
            }),
            Particle::Sequence(items, occurs) => self.repeat(*occurs, start, &|at| {
                items.iter().fold(vec![at], |ends, item| {
                    let mut next: Vec<usize> = ends.iter().flat_map(|end| self.matches(item, children, *end)).collect();
                    next.sort_unstable();
                    next.dedup();
                    next
                })
            }),
            Particle::Choice(items, occurs) => self.repeat(*occurs, start, &|at| {
                let mut ends: Vec<usize> = items.iter().flat_map(|item| self.matches(item, children, at)).collect();
                ends.sort_unstable();
                ends.dedup();
                ends
            }),
            Particle::All(decls) => {
                let mut seen = vec![0usize; decls.len()];
                let mut at = start;
                while let Some(child) = children.get(at) {
                    let Some(index) = decls.iter().position(|d| local(&child.name) == d.name) else { break };
                    if seen[index] == 1 || !self.element_valid(child, &decls[index].content) {
                        return Vec::new();
                    }
                    seen[index] = 1;
                    at += 1;
                }
                let complete = decls.iter().zip(&seen).all(|(decl, n)| *n >= decl.occurs.min);
                if complete { vec![at] } else { Vec::new() }
            }
        }
    }

    /// Every end of `occurs` repetitions of `once` from `start`.
    fn repeat(&self, occurs: Occurs, start: usize, once: &dyn Fn(usize) -> Vec<usize>) -> Vec<usize> {
        let mut ends = Vec::new();
        let mut frontier = vec![start];
        let mut count = 0;
        loop {
            if count >= occurs.min {
                ends.extend(frontier.iter().copied());
            }
            if occurs.max.is_some_and(|max| count >= max) || frontier.is_empty() {
                break;
            }
            let mut next: Vec<usize> = frontier.iter().flat_map(|at| once(*at)).filter(|end| !frontier.contains(end)).collect();
            next.sort_unstable();
            next.dedup();
            frontier = next;
            count += 1;
        }
        ends.sort_unstable();
        ends.dedup();
        ends
    }
}

enum Resolved<'a> {
    Builtin(Builtin),
    Def(&'a TypeDef),
}

/// Namespace declarations and `xsi:` attributes are not the schema's.
fn is_namespace_attribute(name: &str) -> bool {
    name == "xmlns" || name.starts_with("xmlns:") || name.starts_with("xsi:")
}

/// An element of a simple type has no attributes of its own.
fn plain(element: &Element) -> bool {
    element.attributes.iter().all(|(name, _)| is_namespace_attribute(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema(xsd: &str) -> XmlSchema {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.xsd");
        std::fs::write(&path, xsd).unwrap();
        XmlSchema::load(&path.to_string_lossy()).unwrap()
    }

    fn row(text: &str) -> Element {
        document_root(text, Names::Qualified).unwrap()
    }

    const PERSON: &str = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
        <xs:element name="person"><xs:complexType>
          <xs:sequence>
            <xs:element name="name" type="xs:string"/>
            <xs:element name="age" type="xs:long" minOccurs="0"/>
            <xs:element name="tag" type="tagType" minOccurs="0" maxOccurs="unbounded"/>
          </xs:sequence>
          <xs:attribute name="id" type="xs:int" use="required"/>
        </xs:complexType></xs:element>
        <xs:simpleType name="tagType"><xs:restriction base="xs:string"><xs:enumeration value="a"/><xs:enumeration value="b"/></xs:restriction></xs:simpleType>
      </xs:schema>"#;

    #[test]
    fn sequences_occurrences_attributes_and_facets() {
        let schema = schema(PERSON);
        assert!(schema.validates(&row(r#"<person id="1"><name>A</name><age> 5 </age><tag>a</tag><tag>b</tag></person>"#)));
        assert!(schema.validates(&row(r#"<person id="1"><name>A</name></person>"#)));
        assert!(!schema.validates(&row(r#"<person><name>A</name></person>"#)), "required attribute");
        assert!(!schema.validates(&row(r#"<person id="x"><name>A</name></person>"#)), "attribute type");
        assert!(!schema.validates(&row(r#"<person id="1"><age>5</age><name>A</name></person>"#)), "order");
        assert!(!schema.validates(&row(r#"<person id="1"><name>A</name><age>x</age></person>"#)), "value type");
        assert!(!schema.validates(&row(r#"<person id="1"><name>A</name><tag>c</tag></person>"#)), "enumeration");
        assert!(!schema.validates(&row(r#"<other/>"#)), "not declared");
    }

    #[test]
    fn builtin_values() {
        assert!(Builtin::DateTime.accepts("2020-01-02T03:04:05.5+01:00"));
        assert!(!Builtin::DateTime.accepts("2020-01-02 03:04:05"));
        assert!(Builtin::Double.accepts("-1.5E3") && Builtin::Double.accepts("INF") && !Builtin::Double.accepts("1e"));
        assert!(Builtin::named("unsignedByte").unwrap().accepts("255") && !Builtin::named("unsignedByte").unwrap().accepts("256"));
    }

    #[test]
    fn unsupported_constructs_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.xsd");
        std::fs::write(&path, r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:group name="g"/></xs:schema>"#).unwrap();
        assert_eq!(XmlSchema::load(&path.to_string_lossy()).unwrap_err().error_class, "UNSUPPORTED_FEATURE.EMBER");
    }
}
