//! Spark's VARIANT binary encoding (a `value` and a `metadata` byte string,
//! as the Parquet variant spec lays them out): building it from JSON text as
//! `parse_json` does, and rendering it as JSON as `to_json` and `show()` do.
//!
//! Numbers are encoded as Spark encodes them: integers in the smallest
//! integer type that holds them (else a decimal), numbers with a fraction
//! and no exponent as decimals of their written scale (else a double),
//! numbers with an exponent as doubles. Object fields are listed in key
//! order; the metadata dictionary keeps keys in first-seen order.

use std::collections::HashMap;

const VERSION: u8 = 1;
const PRIMITIVE: u8 = 0;
const SHORT_STRING: u8 = 1;
const OBJECT: u8 = 2;
const ARRAY: u8 = 3;

const NULL: u8 = 0;
const TRUE: u8 = 1;
const FALSE: u8 = 2;
const INT8: u8 = 3;
const INT16: u8 = 4;
const INT32: u8 = 5;
const INT64: u8 = 6;
const DOUBLE: u8 = 7;
const DECIMAL4: u8 = 8;
const DECIMAL8: u8 = 9;
const DECIMAL16: u8 = 10;
const DATE: u8 = 11;
const TIMESTAMP: u8 = 12;
const TIMESTAMP_NTZ: u8 = 13;
const FLOAT: u8 = 14;
const BINARY: u8 = 15;
const LONG_STRING: u8 = 16;
const TIME: u8 = 17;
const TIMESTAMP_NANOS: u8 = 18;
const TIMESTAMP_NTZ_NANOS: u8 = 19;
const UUID: u8 = 20;

const MAX_SHORT_STRING: usize = 63;
const MAX_DECIMAL_PRECISION: usize = 38;

/// Why JSON text is not a variant: malformed text or a duplicate key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MalformedJson;

/// A variant: its `value` and `metadata` bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Variant {
    /// The encoded value.
    pub value: Vec<u8>,
    /// The key dictionary.
    pub metadata: Vec<u8>,
}

/// Parses JSON text into a variant as Spark's `parse_json` does.
pub fn parse_json(text: &str) -> Result<Variant, MalformedJson> {
    let mut builder = Builder { keys: Vec::new(), key_ids: HashMap::new(), value: Vec::new() };
    let mut parser = Parser { bytes: text.as_bytes(), pos: 0 };
    parser.skip_whitespace();
    parser.value(&mut builder)?;
    parser.skip_whitespace();
    if parser.pos != parser.bytes.len() {
        return Err(MalformedJson);
    }
    Ok(Variant { metadata: builder.metadata(), value: builder.value })
}

/// A variant value opened up for editing: objects and arrays decoded,
/// everything else kept as its encoded bytes.
#[derive(Debug, Clone, PartialEq)]
pub enum Tree {
    /// An encoded non-container value (see [`Scalar::encode`]).
    Scalar(Vec<u8>),
    /// Fields in any order; encoding sorts them by key.
    Object(Vec<(String, Tree)>),
    Array(Vec<Tree>),
}

/// A non-container value to encode as Spark encodes it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Scalar<'a> {
    Null,
    Boolean(bool),
    /// Stored in the smallest integer type that holds it.
    Integer(i64),
    Double(f64),
    Float(f32),
    /// Unscaled value, scale and precision.
    Decimal(i128, u8, u8),
    String(&'a str),
    /// Days since the epoch.
    Date(i32),
    /// Microseconds since the epoch (an instant).
    Timestamp(i64),
    /// Microseconds since the epoch of a wall-clock time.
    TimestampNtz(i64),
    Binary(&'a [u8]),
}

impl Scalar<'_> {
    /// The encoded bytes of the value.
    pub fn encode(self) -> Vec<u8> {
        let mut builder = Builder { keys: Vec::new(), key_ids: HashMap::new(), value: Vec::new() };
        match self {
            Scalar::Null => builder.primitive(NULL, &[]),
            Scalar::Boolean(b) => builder.primitive(if b { TRUE } else { FALSE }, &[]),
            Scalar::Integer(v) => builder.integer(v),
            Scalar::Double(v) => builder.primitive(DOUBLE, &v.to_le_bytes()),
            Scalar::Float(v) => builder.primitive(FLOAT, &v.to_le_bytes()),
            Scalar::Decimal(unscaled, scale, precision) => builder.decimal(unscaled, scale, usize::from(precision)),
            Scalar::String(s) => builder.string(s),
            Scalar::Date(days) => builder.primitive(DATE, &days.to_le_bytes()),
            Scalar::Timestamp(micros) => builder.primitive(TIMESTAMP, &micros.to_le_bytes()),
            Scalar::TimestampNtz(micros) => builder.primitive(TIMESTAMP_NTZ, &micros.to_le_bytes()),
            Scalar::Binary(bytes) => {
                let mut payload = (bytes.len() as u32).to_le_bytes().to_vec();
                payload.extend_from_slice(bytes);
                builder.primitive(BINARY, &payload);
            }
        }
        builder.value
    }
}

impl Tree {
    /// The JSON `null`.
    pub fn null() -> Tree {
        Tree::Scalar(Scalar::Null.encode())
    }

    /// Whether this is the JSON `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Tree::Scalar(bytes) if is_variant_null(bytes))
    }

    /// Opens a variant value; `None` for malformed bytes.
    pub fn decode(value: &[u8], metadata: &[u8]) -> Option<Tree> {
        Some(match kind(value)? {
            ValueKind::Object => Tree::Object(
                entries(value, metadata)?.into_iter().map(|(k, v)| Some((k?.to_string(), Tree::decode(v, metadata)?))).collect::<Option<_>>()?,
            ),
            ValueKind::Array => Tree::Array(entries(value, metadata)?.into_iter().map(|(_, v)| Tree::decode(v, metadata)).collect::<Option<_>>()?),
            _ => Tree::Scalar(value.get(..value_size(value)?)?.to_vec()),
        })
    }

    /// Encodes the tree as a variant (fields in key order, keys numbered in
    /// the order they are met); fails with
    /// the key an object holds twice.
    pub fn encode(&self) -> Result<Variant, String> {
        let mut builder = Builder { keys: Vec::new(), key_ids: HashMap::new(), value: Vec::new() };
        builder.tree(self)?;
        Ok(Variant { metadata: builder.metadata(), value: builder.value })
    }
}

/// The byte width (1 to 4) that holds `n`.
fn width_of(n: usize) -> usize {
    match n {
        0..=0xFF => 1,
        0x100..=0xFFFF => 2,
        0x1_0000..=0xFF_FFFF => 3,
        _ => 4,
    }
}

fn push_le(out: &mut Vec<u8>, value: usize, width: usize) {
    out.extend_from_slice(&(value as u64).to_le_bytes()[..width]);
}

fn read_le(bytes: &[u8], at: usize, width: usize) -> Option<usize> {
    let slice = bytes.get(at..at + width)?;
    Some(slice.iter().rev().fold(0usize, |acc, b| (acc << 8) | *b as usize))
}

struct Builder {
    keys: Vec<String>,
    key_ids: HashMap<String, usize>,
    value: Vec<u8>,
}

impl Builder {
    fn key_id(&mut self, key: &str) -> usize {
        if let Some(id) = self.key_ids.get(key) {
            return *id;
        }
        let id = self.keys.len();
        self.keys.push(key.to_string());
        self.key_ids.insert(key.to_string(), id);
        id
    }

    fn tree(&mut self, tree: &Tree) -> Result<(), String> {
        let start = self.value.len();
        match tree {
            Tree::Scalar(bytes) => self.value.extend_from_slice(bytes),
            Tree::Object(fields) => {
                let mut offsets = Vec::with_capacity(fields.len());
                let mut sorted: Vec<_> = fields.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                for (key, value) in sorted {
                    let id = self.key_id(key);
                    if offsets.iter().any(|(seen, _)| *seen == id) {
                        return Err(key.clone());
                    }
                    offsets.push((id, self.value.len() - start));
                    self.tree(value)?;
                }
                self.finish_object(start, offsets);
            }
            Tree::Array(elements) => {
                let mut offsets = Vec::with_capacity(elements.len());
                for element in elements {
                    offsets.push(self.value.len() - start);
                    self.tree(element)?;
                }
                self.finish_array(start, offsets);
            }
        }
        Ok(())
    }

    fn metadata(&self) -> Vec<u8> {
        let total: usize = self.keys.iter().map(String::len).sum();
        let width = width_of(total.max(self.keys.len()));
        let mut out = vec![VERSION | (((width - 1) as u8) << 6)];
        push_le(&mut out, self.keys.len(), width);
        let mut offset = 0;
        push_le(&mut out, 0, width);
        for key in &self.keys {
            offset += key.len();
            push_le(&mut out, offset, width);
        }
        for key in &self.keys {
            out.extend_from_slice(key.as_bytes());
        }
        out
    }

    fn primitive(&mut self, type_id: u8, payload: &[u8]) {
        self.value.push(type_id << 2 | PRIMITIVE);
        self.value.extend_from_slice(payload);
    }

    fn string(&mut self, s: &str) {
        if s.len() <= MAX_SHORT_STRING {
            self.value.push((s.len() as u8) << 2 | SHORT_STRING);
        } else {
            self.value.push(LONG_STRING << 2 | PRIMITIVE);
            self.value.extend_from_slice(&(s.len() as u32).to_le_bytes());
        }
        self.value.extend_from_slice(s.as_bytes());
    }

    fn number(&mut self, text: &str) -> Result<(), MalformedJson> {
        let has_exponent = text.contains(['e', 'E']);
        if !has_exponent && !text.contains('.') {
            if let Ok(v) = text.parse::<i64>() {
                return Ok(self.integer(v));
            }
        }
        if !has_exponent {
            let negative = text.starts_with('-');
            let (whole, fraction) = text.trim_start_matches('-').split_once('.').unwrap_or((text.trim_start_matches('-'), ""));
            let digits = format!("{whole}{fraction}");
            let significant = digits.trim_start_matches('0');
            if significant.len().max(fraction.len()) <= MAX_DECIMAL_PRECISION {
                let unscaled = digits.parse::<i128>().map_err(|_| MalformedJson)?;
                self.decimal(if negative { -unscaled } else { unscaled }, fraction.len() as u8, significant.len().max(fraction.len()).max(1));
                return Ok(());
            }
        }
        let v = text.parse::<f64>().map_err(|_| MalformedJson)?;
        self.primitive(DOUBLE, &v.to_le_bytes());
        Ok(())
    }

    fn integer(&mut self, v: i64) {
        if let Ok(v) = i8::try_from(v) {
            self.primitive(INT8, &v.to_le_bytes());
        } else if let Ok(v) = i16::try_from(v) {
            self.primitive(INT16, &v.to_le_bytes());
        } else if let Ok(v) = i32::try_from(v) {
            self.primitive(INT32, &v.to_le_bytes());
        } else {
            self.primitive(INT64, &v.to_le_bytes());
        }
    }

    fn decimal(&mut self, unscaled: i128, scale: u8, precision: usize) {
        let mut payload = vec![scale];
        let type_id = match precision {
            0..=9 => {
                payload.extend_from_slice(&(unscaled as i32).to_le_bytes());
                DECIMAL4
            }
            10..=18 => {
                payload.extend_from_slice(&(unscaled as i64).to_le_bytes());
                DECIMAL8
            }
            _ => {
                payload.extend_from_slice(&unscaled.to_le_bytes());
                DECIMAL16
            }
        };
        self.primitive(type_id, &payload);
    }

    /// Writes an object header over the values written since `start`;
    /// `fields` are (key id, offset of the value from `start`).
    fn finish_object(&mut self, start: usize, mut fields: Vec<(usize, usize)>) {
        let data = self.value.split_off(start);
        fields.sort_by(|a, b| self.keys[a.0].cmp(&self.keys[b.0]));
        let large = fields.len() > 0xFF;
        let id_width = width_of(self.keys.len().saturating_sub(1));
        let offset_width = width_of(data.len());
        let header = ((large as u8) << 4) | (((id_width - 1) as u8) << 2) | (offset_width - 1) as u8;
        self.value.push(header << 2 | OBJECT);
        push_le(&mut self.value, fields.len(), if large { 4 } else { 1 });
        for (id, _) in &fields {
            push_le(&mut self.value, *id, id_width);
        }
        for (_, offset) in &fields {
            push_le(&mut self.value, *offset, offset_width);
        }
        push_le(&mut self.value, data.len(), offset_width);
        self.value.extend(data);
    }

    /// Writes an array header over the elements written since `start`, at `offsets`.
    fn finish_array(&mut self, start: usize, offsets: Vec<usize>) {
        let data = self.value.split_off(start);
        let large = offsets.len() > 0xFF;
        let offset_width = width_of(data.len());
        let header = ((large as u8) << 2) | (offset_width - 1) as u8;
        self.value.push(header << 2 | ARRAY);
        push_le(&mut self.value, offsets.len(), if large { 4 } else { 1 });
        for offset in offsets {
            push_le(&mut self.value, offset, offset_width);
        }
        push_le(&mut self.value, data.len(), offset_width);
        self.value.extend(data);
    }
}

/// A strict JSON parser (RFC 8259) writing straight into a [`Builder`].
struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn skip_whitespace(&mut self) {
        while self.bytes.get(self.pos).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn expect(&mut self, literal: &[u8]) -> Result<(), MalformedJson> {
        if self.bytes[self.pos..].starts_with(literal) {
            self.pos += literal.len();
            Ok(())
        } else {
            Err(MalformedJson)
        }
    }

    fn value(&mut self, out: &mut Builder) -> Result<(), MalformedJson> {
        match self.bytes.get(self.pos).ok_or(MalformedJson)? {
            b'{' => self.object(out),
            b'[' => self.array(out),
            b'"' => {
                let s = self.string()?;
                out.string(&s);
                Ok(())
            }
            b't' => self.expect(b"true").map(|_| out.primitive(TRUE, &[])),
            b'f' => self.expect(b"false").map(|_| out.primitive(FALSE, &[])),
            b'n' => self.expect(b"null").map(|_| out.primitive(NULL, &[])),
            _ => {
                let text = self.number_text()?;
                out.number(text)
            }
        }
    }

    fn object(&mut self, out: &mut Builder) -> Result<(), MalformedJson> {
        self.pos += 1;
        let start = out.value.len();
        let mut fields = Vec::new();
        self.skip_whitespace();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            out.finish_object(start, fields);
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(MalformedJson);
            }
            let key = self.string()?;
            let id = out.key_id(&key);
            if fields.iter().any(|(seen, _)| *seen == id) {
                return Err(MalformedJson);
            }
            self.skip_whitespace();
            self.expect(b":")?;
            self.skip_whitespace();
            fields.push((id, out.value.len() - start));
            self.value(out)?;
            self.skip_whitespace();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    out.finish_object(start, fields);
                    return Ok(());
                }
                _ => return Err(MalformedJson),
            }
        }
    }

    fn array(&mut self, out: &mut Builder) -> Result<(), MalformedJson> {
        self.pos += 1;
        let start = out.value.len();
        let mut offsets = Vec::new();
        self.skip_whitespace();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            out.finish_array(start, offsets);
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            offsets.push(out.value.len() - start);
            self.value(out)?;
            self.skip_whitespace();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    out.finish_array(start, offsets);
                    return Ok(());
                }
                _ => return Err(MalformedJson),
            }
        }
    }

    fn number_text(&mut self) -> Result<&str, MalformedJson> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let from = p.pos;
            while p.bytes.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos - from
        };
        if self.bytes.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
        let whole_start = self.pos;
        let whole = digits(self);
        if whole == 0 || (whole > 1 && self.bytes[whole_start] == b'0') {
            return Err(MalformedJson);
        }
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            if digits(self) == 0 {
                return Err(MalformedJson);
            }
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(MalformedJson);
            }
        }
        std::str::from_utf8(&self.bytes[start..self.pos]).map_err(|_| MalformedJson)
    }

    fn string(&mut self) -> Result<String, MalformedJson> {
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            let b = *self.bytes.get(self.pos).ok_or(MalformedJson)?;
            self.pos += 1;
            match b {
                b'"' => return String::from_utf8(out).map_err(|_| MalformedJson),
                b'\\' => {
                    let escaped = *self.bytes.get(self.pos).ok_or(MalformedJson)?;
                    self.pos += 1;
                    match escaped {
                        b'"' | b'\\' | b'/' => out.push(escaped),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let mut code = self.hex4()?;
                            if (0xD800..0xDC00).contains(&code) && self.bytes[self.pos..].starts_with(b"\\u") {
                                self.pos += 2;
                                let low = self.hex4()?;
                                code = 0x10000 + ((code - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF);
                            }
                            let c = char::from_u32(code).ok_or(MalformedJson)?;
                            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                        }
                        _ => return Err(MalformedJson),
                    }
                }
                0..=0x1F => return Err(MalformedJson),
                _ => out.push(b),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, MalformedJson> {
        let text = self.bytes.get(self.pos..self.pos + 4).ok_or(MalformedJson)?;
        self.pos += 4;
        u32::from_str_radix(std::str::from_utf8(text).map_err(|_| MalformedJson)?, 16).map_err(|_| MalformedJson)
    }
}

/// One step of a `variant_get` path: an object key or an array index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathStep {
    /// `.key`, `['key']` or `["key"]`.
    Key(String),
    /// `[n]`.
    Index(usize),
}

/// Parses a `variant_get` path (`$`, then `.key`, `['key']` or `[n]` steps);
/// `None` when it is not one.
pub fn parse_path(path: &str) -> Option<Vec<PathStep>> {
    let mut rest = path.strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            if end == 0 {
                return None;
            }
            steps.push(PathStep::Key(after[..end].to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            let inside = &after[..end];
            let quoted = |q: char| inside.strip_prefix(q).and_then(|k| k.strip_suffix(q));
            steps.push(match quoted('\'').or_else(|| quoted('"')) {
                Some(key) => PathStep::Key(key.to_string()),
                None if !inside.is_empty() && inside.bytes().all(|b| b.is_ascii_digit()) => PathStep::Index(inside.parse().ok()?),
                None => return None,
            });
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

/// The value at `path` inside a variant value; `None` when a step is missing.
pub fn value_at<'a>(value: &'a [u8], metadata: &[u8], path: &[PathStep]) -> Option<&'a [u8]> {
    let keys = dictionary(metadata)?;
    let mut current = value;
    for step in path {
        let is_object = *current.first()? & 3 == OBJECT;
        let items = children(current, &keys)?;
        current = match step {
            PathStep::Key(key) => items.into_iter().find(|(k, _)| *k == Some(key.as_str()))?.1,
            PathStep::Index(index) if !is_object => items.get(*index)?.1,
            PathStep::Index(_) => return None,
        };
    }
    Some(current)
}

/// The text a scalar cast of a variant value starts from: a string's (or a
/// date's) own text, the JSON text of anything else; `None` for JSON `null`.
pub fn cast_text(value: &[u8], metadata: &[u8]) -> Option<String> {
    let header = *value.first()?;
    if is_variant_null(value) {
        return None;
    }
    if header & 3 == SHORT_STRING {
        return std::str::from_utf8(value.get(1..1 + (header >> 2) as usize)?).ok().map(str::to_string);
    }
    if header == LONG_STRING << 2 | PRIMITIVE {
        let len = read_le(value, 1, 4)?;
        return std::str::from_utf8(value.get(5..5 + len)?).ok().map(str::to_string);
    }
    let json = to_json(value, metadata)?;
    // Dates, timestamps and binary render as JSON strings without escapes.
    match (kind(value)?, json.strip_prefix('"').and_then(|j| j.strip_suffix('"'))) {
        (ValueKind::Other, Some(text)) => Some(text.to_string()),
        _ => Some(json),
    }
}

/// Whether a variant value is the JSON `null` (not a SQL NULL).
pub fn is_variant_null(value: &[u8]) -> bool {
    value.first() == Some(&(NULL << 2 | PRIMITIVE))
}

/// The JSON text of a variant, as Spark's `to_json` writes it; `None` for
/// bytes that are not a valid variant.
pub fn to_json(value: &[u8], metadata: &[u8]) -> Option<String> {
    let mut out = String::new();
    let keys = dictionary(metadata)?;
    write_json(value, &keys, &mut out)?;
    Some(out)
}

fn dictionary(metadata: &[u8]) -> Option<Vec<&str>> {
    let header = *metadata.first()?;
    let width = ((header >> 6) & 3) as usize + 1;
    let size = read_le(metadata, 1, width)?;
    let offsets_at = 1 + width;
    let data_at = offsets_at + (size + 1) * width;
    (0..size)
        .map(|i| {
            let start = read_le(metadata, offsets_at + i * width, width)?;
            let end = read_le(metadata, offsets_at + (i + 1) * width, width)?;
            std::str::from_utf8(metadata.get(data_at + start..data_at + end)?).ok()
        })
        .collect()
}

fn write_json_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A decimal's plain text without trailing fraction zeros (Java's
/// `stripTrailingZeros().toPlainString()`).
fn write_decimal(unscaled: i128, scale: u32, out: &mut String) {
    let digits = unscaled.unsigned_abs().to_string();
    let scale = scale as usize;
    let (whole, fraction) = if digits.len() > scale {
        (digits[..digits.len() - scale].to_string(), digits[digits.len() - scale..].to_string())
    } else {
        ("0".to_string(), format!("{}{digits}", "0".repeat(scale - digits.len())))
    };
    let fraction = fraction.trim_end_matches('0');
    if unscaled < 0 {
        out.push('-');
    }
    out.push_str(&whole);
    if !fraction.is_empty() {
        out.push('.');
        out.push_str(fraction);
    }
}

/// What a variant value holds, as far as its type goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Null,
    Boolean,
    /// Any integer width.
    Integer,
    Double,
    Float,
    /// A decimal's unscaled value and scale.
    Decimal(i128, u32),
    String,
    Object,
    Array,
    /// A type JSON text never produces (dates, timestamps, binary, ...).
    Other,
}

/// The kind of a variant value; `None` for malformed bytes.
pub fn kind(value: &[u8]) -> Option<ValueKind> {
    let header = *value.first()?;
    let (basic, type_id) = (header & 3, header >> 2);
    Some(match (basic, type_id) {
        (SHORT_STRING, _) | (PRIMITIVE, LONG_STRING) => ValueKind::String,
        (OBJECT, _) => ValueKind::Object,
        (ARRAY, _) => ValueKind::Array,
        (_, NULL) => ValueKind::Null,
        (_, TRUE | FALSE) => ValueKind::Boolean,
        (_, INT8 | INT16 | INT32 | INT64) => ValueKind::Integer,
        (_, DOUBLE) => ValueKind::Double,
        (_, FLOAT) => ValueKind::Float,
        (_, DECIMAL4 | DECIMAL8 | DECIMAL16) => {
            let payload = value.get(1..)?;
            let unscaled = match type_id {
                DECIMAL4 => i128::from(int_at(payload, 4)?),
                DECIMAL8 => i128::from(int_at(payload, 8)?),
                _ => i128::from_le_bytes(payload.get(1..17)?.try_into().ok()?),
            };
            ValueKind::Decimal(unscaled, u32::from(*payload.first()?))
        }
        _ => ValueKind::Other,
    })
}

/// The number of bytes the variant value at the start of `value` takes;
/// `None` for malformed bytes.
fn value_size(value: &[u8]) -> Option<usize> {
    let header = *value.first()?;
    let (basic, info) = (header & 3, header >> 2);
    let size = match basic {
        SHORT_STRING => 1 + info as usize,
        OBJECT | ARRAY => {
            let (large, id_width, offset_width) = container_layout(basic, info);
            let count_width = if large { 4 } else { 1 };
            let count = read_le(value, 1, count_width)?;
            let data_at = 1 + count_width + count * id_width + (count + 1) * offset_width;
            data_at + read_le(value, data_at - offset_width, offset_width)?
        }
        _ => {
            1 + match info {
                NULL | TRUE | FALSE => 0,
                INT8 => 1,
                INT16 => 2,
                INT32 | FLOAT | DATE => 4,
                INT64 | DOUBLE | TIMESTAMP | TIMESTAMP_NTZ | TIME | TIMESTAMP_NANOS | TIMESTAMP_NTZ_NANOS => 8,
                DECIMAL4 => 5,
                DECIMAL8 => 9,
                DECIMAL16 => 17,
                UUID => 16,
                BINARY | LONG_STRING => 4 + read_le(value, 1, 4)?,
                _ => return None,
            }
        }
    };
    (size <= value.len()).then_some(size)
}

/// Whether an object or array header says "large", and its id and offset widths.
fn container_layout(basic: u8, info: u8) -> (bool, usize, usize) {
    match basic {
        OBJECT => ((info >> 4) & 1 == 1, ((info >> 2) & 3) as usize + 1, (info & 3) as usize + 1),
        _ => ((info >> 2) & 1 == 1, 0, (info & 3) as usize + 1),
    }
}

/// The fields of an object (key and value, in key order) or the elements of
/// an array (no key); `None` for other values and malformed bytes.
pub fn entries<'v, 'm>(value: &'v [u8], metadata: &'m [u8]) -> Option<Vec<(Option<&'m str>, &'v [u8])>> {
    children(value, &dictionary(metadata)?)
}

fn children<'v, 'm>(value: &'v [u8], keys: &[&'m str]) -> Option<Vec<(Option<&'m str>, &'v [u8])>> {
    let header = *value.first()?;
    let (basic, info) = (header & 3, header >> 2);
    if !matches!(basic, OBJECT | ARRAY) {
        return None;
    }
    let (large, id_width, offset_width) = container_layout(basic, info);
    let count_width = if large { 4 } else { 1 };
    let count = read_le(value, 1, count_width)?;
    let ids_at = 1 + count_width;
    let offsets_at = ids_at + count * id_width;
    let data_at = offsets_at + (count + 1) * offset_width;
    (0..count)
        .map(|i| {
            let key = match basic {
                OBJECT => Some(*keys.get(read_le(value, ids_at + i * id_width, id_width)?)?),
                _ => None,
            };
            let child = value.get(data_at + read_le(value, offsets_at + i * offset_width, offset_width)?..)?;
            Some((key, &child[..value_size(child)?]))
        })
        .collect()
}

fn write_json(value: &[u8], keys: &[&str], out: &mut String) -> Option<()> {
    let header = *value.first()?;
    let (basic, info) = (header & 3, header >> 2);
    match basic {
        SHORT_STRING => write_json_string(std::str::from_utf8(value.get(1..1 + info as usize)?).ok()?, out),
        OBJECT | ARRAY => {
            let (open, close) = if basic == OBJECT { ('{', '}') } else { ('[', ']') };
            out.push(open);
            for (i, (key, child)) in children(value, keys)?.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if let Some(key) = key {
                    write_json_string(key, out);
                    out.push(':');
                }
                write_json(child, keys, out)?;
            }
            out.push(close);
        }
        _ => write_primitive(info, value, out)?,
    }
    Some(())
}

fn write_primitive(type_id: u8, value: &[u8], out: &mut String) -> Option<()> {
    let payload = value.get(1..)?;
    let int = |width: usize| -> Option<i64> {
        let bytes = payload.get(..width)?;
        let mut buf = [if bytes[width - 1] & 0x80 != 0 { 0xFF } else { 0 }; 8];
        buf[..width].copy_from_slice(bytes);
        Some(i64::from_le_bytes(buf))
    };
    match type_id {
        NULL => out.push_str("null"),
        TRUE => out.push_str("true"),
        FALSE => out.push_str("false"),
        INT8 => out.push_str(&int(1)?.to_string()),
        INT16 => out.push_str(&int(2)?.to_string()),
        INT32 => out.push_str(&int(4)?.to_string()),
        INT64 => out.push_str(&int(8)?.to_string()),
        DOUBLE => crate::display::write_java_double(f64::from_le_bytes(payload.get(..8)?.try_into().ok()?), out),
        FLOAT => crate::display::write_java_float(f32::from_le_bytes(payload.get(..4)?.try_into().ok()?), out),
        DECIMAL4 | DECIMAL8 | DECIMAL16 => {
            let ValueKind::Decimal(unscaled, scale) = kind(value)? else { return None };
            write_decimal(unscaled, scale, out);
        }
        LONG_STRING => {
            let len = read_le(payload, 0, 4)?;
            write_json_string(std::str::from_utf8(payload.get(4..4 + len)?).ok()?, out);
        }
        DATE => {
            let days = i32::from_le_bytes(payload.get(..4)?.try_into().ok()?);
            let date = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(days.into()))?;
            write_json_string(&date.format("%Y-%m-%d").to_string(), out);
        }
        TIMESTAMP_NTZ => {
            let micros = i64::from_le_bytes(payload.get(..8)?.try_into().ok()?);
            let time = chrono::DateTime::from_timestamp_micros(micros)?.naive_utc();
            // The fraction without trailing zeros, none when it is zero.
            let fraction = format!("{:06}", micros.rem_euclid(1_000_000));
            let fraction = fraction.trim_end_matches('0');
            let dot = if fraction.is_empty() { "" } else { "." };
            write_json_string(&format!("{}{dot}{fraction}", time.format("%Y-%m-%d %H:%M:%S")), out);
        }
        BINARY => {
            let len = read_le(payload, 0, 4)?;
            write_json_string(&crate::to_json::base64(payload.get(4..4 + len)?), out);
        }
        // A TIMESTAMP renders in the session's time zone, which is not known here.
        _ => return None,
    }
    Some(())
}

/// A little-endian signed integer of `width` bytes after a decimal's scale byte.
fn int_at(payload: &[u8], width: usize) -> Option<i64> {
    let bytes = payload.get(1..1 + width)?;
    let mut buf = [if bytes[width - 1] & 0x80 != 0 { 0xFF } else { 0 }; 8];
    buf[..width].copy_from_slice(bytes);
    Some(i64::from_le_bytes(buf))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn encodes_as_spark_does() {
        let v = parse_json(r#"{"b":1,"a":[1.50,2e3,-3, 1e400, 12345678901234567890123, "x", null, true]}"#).unwrap();
        assert_eq!(hex(&v.metadata), "01020001026261");
        assert_eq!(
            hex(&v.value),
            "0202010002003d0c01030800060f111a2c2e2f302002960000001c0000000000409f400cfd1c000000000000f07f2800cb444271764eb6429d0200000000000005780004"
        );
        let null = parse_json("null").unwrap();
        assert_eq!((hex(&null.value), hex(&null.metadata)), ("00".into(), "010000".into()));
        assert_eq!(hex(&parse_json("1.0").unwrap().value), "20010a000000");
        assert_eq!(hex(&parse_json("\"héllo\"").unwrap().value), "1968c3a96c6c6f");
        assert_eq!(hex(&parse_json("12345678901234567890").unwrap().value), "2800d20a1feb8ca954ab0000000000000000");
        assert_eq!(hex(&parse_json("123.456e1").unwrap().value), "1c0ad7a3703d4a9340");
    }

    #[test]
    fn paths_reach_nested_values() {
        let v = parse_json(r#"{"a":1,"b":"x","c":[1,{"d":2.5}],"e":null}"#).unwrap();
        let at = |path: &str| {
            let steps = parse_path(path).unwrap();
            value_at(&v.value, &v.metadata, &steps).and_then(|sub| cast_text(sub, &v.metadata))
        };
        assert_eq!(at("$.a").as_deref(), Some("1"));
        assert_eq!(at("$.b").as_deref(), Some("x"));
        assert_eq!(at("$.c[1].d").as_deref(), Some("2.5"));
        assert_eq!(at("$['c'][0]").as_deref(), Some("1"));
        assert_eq!(at("$.c").as_deref(), Some(r#"[1,{"d":2.5}]"#));
        assert_eq!(at("$.e"), None);
        assert_eq!(at("$.zz"), None);
        assert_eq!(at("$.c[5]"), None);
        for bad in ["a", "$.", "$[x]", "$["] {
            assert_eq!(parse_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn entries_are_exact_slices() {
        let v = parse_json(r#"{"b":[1,"x"],"a":2.50}"#).unwrap();
        let rendered: Vec<_> =
            entries(&v.value, &v.metadata).unwrap().into_iter().map(|(k, c)| (k.map(str::to_string), to_json(c, &v.metadata).unwrap(), c.len())).collect();
        assert_eq!(rendered, vec![(Some("a".into()), "2.5".into(), 6), (Some("b".into()), r#"[1,"x"]"#.into(), 9)]);
        assert_eq!(value_size(&v.value), Some(v.value.len()));
        assert_eq!(entries(&parse_json("1").unwrap().value, &v.metadata), None);
    }

    #[test]
    fn encodes_and_renders_dates_timestamps_and_binary() {
        let json = |s: Scalar| to_json(&s.encode(), &[1, 0, 0]).unwrap();
        assert_eq!(hex(&Scalar::Date(18628).encode()), "2cc4480000");
        assert_eq!(json(Scalar::Date(18628)), "\"2021-01-01\"");
        assert_eq!(hex(&Scalar::Binary(&[0x32, 0x4f]).encode()), "3c02000000324f");
        assert_eq!(json(Scalar::Binary(&[0x32, 0x4f, 0xa6, 0x9e])), "\"Mk+mng==\"");
        assert_eq!(json(Scalar::TimestampNtz(946_684_800_500_000)), "\"2000-01-01 00:00:00.5\"");
        assert_eq!(json(Scalar::TimestampNtz(946_684_800_000_000)), "\"2000-01-01 00:00:00\"");
        assert_eq!(cast_text(&Scalar::Date(18628).encode(), &[1, 0, 0]).as_deref(), Some("2021-01-01"));
    }

    #[test]
    fn rejects_malformed_json_and_duplicate_keys() {
        for bad in ["{a:1}", r#"{"a":1,"a":2}"#, "[1,]", "01", "1.", "", "tru", "\"x"] {
            assert_eq!(parse_json(bad), Err(MalformedJson), "{bad}");
        }
    }

    #[test]
    fn renders_json_as_spark_does() {
        let json = |text: &str| {
            let v = parse_json(text).unwrap();
            to_json(&v.value, &v.metadata).unwrap()
        };
        assert_eq!(json(r#"{"b":1,"a":2.50}"#), r#"{"a":2.5,"b":1}"#);
        assert_eq!(json(r#"[1,{"x":"y"}]"#), r#"[1,{"x":"y"}]"#);
        assert_eq!(json("1E2"), "100.0");
        assert_eq!(json("1.0"), "1");
        assert_eq!(json("-0.05"), "-0.05");
        assert_eq!(json(r#""a\"b\n""#), r#""a\"b\n""#);
        assert!(is_variant_null(&parse_json("null").unwrap().value));
    }
}
