//! JSON files as rows: records (lines, or whole files with `multiLine`)
//! converted to the schema's types as Spark's JSON reader converts them,
//! bad records handled by the read's mode (see [`crate::bad_records`]).

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, RecordBatch, RecordBatchOptions, StringArray};
use arrow::datatypes::{DataType, Field, IntervalUnit, SchemaRef};
use ember_errors::SparkError;
use ember_functions::cast::{CastMode, cast_array, parse_date};
use ember_functions::interval_casts::IntervalType;
use ember_types::IntervalFields;

use crate::bad_records::{self, BadRecords};
use crate::cells::{Cell, to_array};
use crate::datetime_values::DatetimeFormats;
use crate::json_syntax::{self, JsonSyntax, Kind, Value};
use crate::lenient_timestamps;
use crate::options::Options;
use crate::record_scan::RecordFormat;
use crate::text_encoding::Charset;

/// Spark's JSON reading options.
#[derive(Debug, Clone)]
pub struct JsonReadOptions {
    /// The parser's leniencies.
    pub syntax: JsonSyntax,
    /// `multiLine`: each file is one document (an object or an array of objects).
    pub multi_line: bool,
    /// `lineSep` (any of `\n`, `\r\n`, `\r` when unset).
    pub line_sep: Option<String>,
    /// `primitivesAsString`: inference types every primitive as a string.
    pub primitives_as_string: bool,
    /// `prefersDecimal`: inference types fractions as decimals when they fit.
    pub prefers_decimal: bool,
    /// `dropFieldIfAllNull`: inference leaves out fields that are always NULL.
    pub drop_field_if_all_null: bool,
    /// `mode` and `columnNameOfCorruptRecord`.
    pub bad_records: BadRecords,
    /// `encoding` / `charset`.
    pub charset: Charset,
    /// `dateFormat`, `timestampFormat`, `timeZone`.
    pub datetimes: DatetimeFormats,
    /// `inferTimestamp`: inference types strings that read as timestamps as `timestamp`.
    pub infer_timestamp: bool,
}

impl JsonReadOptions {
    /// Reads Spark's option names (case-insensitive).
    pub fn parse(options: &Options) -> Result<Self, SparkError> {
        let defaults = JsonSyntax::default();
        Ok(JsonReadOptions {
            syntax: JsonSyntax {
                comments: options.bool("allowComments", defaults.comments)?,
                unquoted_field_names: options.bool("allowUnquotedFieldNames", defaults.unquoted_field_names)?,
                single_quotes: options.bool("allowSingleQuotes", defaults.single_quotes)?,
                leading_zeros: options.bool("allowNumericLeadingZeros", defaults.leading_zeros)?,
                non_numeric_numbers: options.bool("allowNonNumericNumbers", defaults.non_numeric_numbers)?,
                backslash_escapes_any: options.bool("allowBackslashEscapingAnyCharacter", defaults.backslash_escapes_any)?,
                unquoted_control_chars: options.bool("allowUnquotedControlChars", defaults.unquoted_control_chars)?,
            },
            multi_line: options.bool("multiLine", false)?,
            line_sep: options.get("lineSep").filter(|s| !s.is_empty()).map(str::to_string),
            primitives_as_string: options.bool("primitivesAsString", false)?,
            prefers_decimal: options.bool("prefersDecimal", false)?,
            drop_field_if_all_null: options.bool("dropFieldIfAllNull", false)?,
            bad_records: BadRecords::from_options(options),
            charset: Charset::from_name(options.first_of(&["encoding", "charset"]).unwrap_or("UTF-8"))?,
            datetimes: DatetimeFormats::parse(options)?,
            infer_timestamp: options.bool("inferTimestamp", false)?,
        })
    }

    /// Whether `text` reads as a timestamp: by `timestampFormat` when set,
    /// else as a string cast to `timestamp`.
    pub fn reads_as_timestamp(&self, text: &str) -> bool {
        let timestamp = DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, Some("UTC".into()));
        // A pattern Spark 3+ refuses fails inference before this (`check_timestamp_pattern`).
        if let Some(parsed) = self.datetimes.parse_column(&[Some(text)], &timestamp).ok().flatten() {
            return !parsed.array.is_null(0);
        }
        let array: ArrayRef = Arc::new(StringArray::from(vec![text]));
        cast_array(&array, &timestamp, CastMode::Try).is_ok_and(|cast| cast.is_valid(0))
    }

    /// The records of one file's text: each a parsed value (`Err` with the
    /// record's whole text when it does not parse, or holds neither an object
    /// nor an array, as Spark keeps it). Blank lines are no records.
    pub fn records<'a>(&self, text: &'a str) -> Vec<Result<Value<'a>, &'a str>> {
        self.numbered_records(text).into_iter().map(|(_, record)| record).collect()
    }

    /// The records, each with the index of its line (0 for `multiLine`
    /// documents).
    pub fn numbered_records<'a>(&self, text: &'a str) -> Vec<(usize, Result<Value<'a>, &'a str>)> {
        if self.multi_line {
            return json_syntax::documents(text, &self.syntax).into_iter().map(|document| (0, document)).collect();
        }
        let lines: Vec<&str> = match &self.line_sep {
            Some(sep) => text.split(sep.as_str()).collect(),
            None => text.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l)).flat_map(|l| l.split('\r')).collect(),
        };
        lines
            .into_iter()
            .enumerate()
            .filter(|(_, line)| !line.trim().is_empty())
            .map(|(index, line)| {
                let record = json_syntax::parse(line, &self.syntax)
                    .filter(|value| matches!(value.kind, Kind::Object(_) | Kind::Array(_)))
                    .ok_or(line);
                (index, record)
            })
            .collect()
    }
}

/// The rows of one record: a top-level object is one row, an array of
/// objects one row per object; anything else is a malformed record.
pub fn rows<'v, 'a>(record: &'v Value<'a>) -> Option<Vec<&'v [(String, Value<'a>)]>> {
    match &record.kind {
        Kind::Object(members) => Some(vec![members.as_slice()]),
        Kind::Array(items) => items
            .iter()
            .map(|item| match &item.kind {
                Kind::Object(members) => Some(members.as_slice()),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// The JSON record format of one read.
#[derive(Debug)]
pub struct JsonRecords {
    /// The read's options.
    pub options: JsonReadOptions,
    /// The corrupt-record column's index in the table schema, if any.
    pub corrupt_column: Option<usize>,
    /// The session time zone (timestamps without an offset are in it).
    pub time_zone: String,
}

impl RecordFormat for JsonRecords {
    fn name(&self) -> &'static str {
        "json"
    }

    fn line_delimited(&self) -> bool {
        !self.options.multi_line && self.options.line_sep.is_none()
    }

    fn parse(&self, text: &str, schema: &SchemaRef, required: &[usize], file: &str) -> Result<RecordBatch, SparkError> {
        let mut cells: Vec<Vec<Cell>> = vec![Vec::new(); required.len()];
        let mut malformed = Vec::new();
        let mut raw = Vec::new();
        for record in self.options.records(text) {
            let parsed = record.as_ref().ok().and_then(rows);
            let Some(objects) = parsed else {
                malformed.push(Some(NOT_AN_OBJECT.to_string()));
                raw.push(record.map_or_else(|text| text, |value| value.raw));
                cells.iter_mut().for_each(|c| c.push(Cell::Null));
                continue;
            };
            let record_text = record.as_ref().map_or("", |v| v.raw);
            for members in objects {
                let mut reason = None;
                for (slot, &column) in cells.iter_mut().zip(required) {
                    let field = schema.field(column);
                    if Some(column) == self.corrupt_column {
                        slot.push(Cell::Null);
                        continue;
                    }
                    let value = members.iter().rev().find(|(name, _)| name == field.name()).map(|(_, v)| v);
                    let mut bad = false;
                    slot.push(match value {
                        None => Cell::Null,
                        Some(value) => {
                            self.check_patterns(value, field.data_type())?;
                            self.convert(value, field.data_type(), IntervalFields::of(field), &mut bad)
                        }
                    });
                    if bad && reason.is_none() {
                        reason = value.map(|value| bad_records::unparsable_value(value.raw, field));
                    }
                }
                malformed.push(reason);
                raw.push(record_text);
            }
        }
        let rows = malformed.len();
        let columns = cells
            .into_iter()
            .zip(required)
            .map(|(column, &index)| to_array(column, schema.field(index).data_type()))
            .collect::<Result<Vec<ArrayRef>, _>>()?;
        let projected = Arc::new(schema.project(required)?);
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        let batch = RecordBatch::try_new_with_options(projected, columns, &options)?;
        let corrupt_position = required.iter().position(|c| Some(*c) == self.corrupt_column);
        self.options.bad_records.apply(batch, &malformed, &raw, corrupt_position, file)
    }
}

/// Why a record that is no JSON object (nor an array of objects) is malformed.
const NOT_AN_OBJECT: &str = "Malformed JSON record: it does not parse as an object or an array of objects";

impl JsonRecords {
    /// `value` as `data_type` (an ANSI interval in `units`); a value that does
    /// not convert is NULL and marks the record bad.
    pub(crate) fn convert(&self, value: &Value, data_type: &DataType, units: Option<IntervalFields>, bad: &mut bool) -> Cell {
        if value.kind == Kind::Null {
            return Cell::Null;
        }
        match self.try_convert(value, data_type, units, bad) {
            Some(cell) => cell,
            None => {
                *bad = true;
                Cell::Null
            }
        }
    }

    fn try_convert(&self, value: &Value, data_type: &DataType, units: Option<IntervalFields>, bad: &mut bool) -> Option<Cell> {
        let kind = &value.kind;
        if let Kind::String(text) = kind {
            // `dateFormat`/`timestampFormat`: a string that does not fit is malformed.
            // A pattern Spark 3+ refuses failed in `check_patterns` before this.
            if let Some(parsed) = self.options.datetimes.parse_column(&[Some(text.as_str())], data_type).ok().flatten() {
                return parsed.first_value().map(Cell::Int);
            }
        }
        Some(match (data_type, kind) {
            (DataType::Utf8, Kind::String(s)) => Cell::Text(s.clone()),
            (DataType::Utf8, _) => Cell::Text(value.raw.to_string()),
            (DataType::Boolean, Kind::Bool(b)) => Cell::Bool(*b),
            (DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64, Kind::Integer(text)) => {
                let v: i64 = text.parse().ok()?;
                let fits = match data_type {
                    DataType::Int8 => i8::try_from(v).is_ok(),
                    DataType::Int16 => i16::try_from(v).is_ok(),
                    DataType::Int32 => i32::try_from(v).is_ok(),
                    _ => true,
                };
                if !fits {
                    return None;
                }
                Cell::Int(v)
            }
            (DataType::Float32 | DataType::Float64, Kind::Integer(text) | Kind::Float(text)) => Cell::Float(text.parse().ok()?),
            (DataType::Float32 | DataType::Float64, Kind::NonNumeric(v)) => Cell::Float(*v),
            (DataType::Float32 | DataType::Float64, Kind::String(s)) => Cell::Float(match s.as_str() {
                "NaN" => f64::NAN,
                "Infinity" | "+Infinity" | "+INF" => f64::INFINITY,
                "-Infinity" | "-INF" => f64::NEG_INFINITY,
                _ => return None,
            }),
            (DataType::Decimal128(..), Kind::Integer(text) | Kind::Float(text)) => self.decimal(text, data_type)?,
            (DataType::Decimal128(..), Kind::String(text)) => self.decimal(text, data_type)?,
            (DataType::Date32, Kind::String(s)) => Cell::Int(parse_date(s)?.into()),
            (DataType::Timestamp(..), Kind::Integer(text)) => Cell::Int(text.parse::<i64>().ok()?.checked_mul(1_000_000)?),
            (DataType::Timestamp(..), Kind::String(s)) => self.timestamp(s, data_type)?,
            // An ANSI interval is read as `CAST(text AS INTERVAL …)` reads it.
            (DataType::Duration(_) | DataType::Interval(IntervalUnit::YearMonth), Kind::String(s)) => {
                let target = IntervalType::of(data_type, units)?;
                Cell::Int(ember_functions::interval_casts::parse_interval(s, target).ok()?)
            }
            (DataType::Struct(fields), Kind::Object(members)) => Cell::Struct(
                fields
                    .iter()
                    .map(|field| match members.iter().rev().find(|(name, _)| name == field.name()) {
                        Some((_, v)) => self.convert(v, field.data_type(), IntervalFields::of(field), bad),
                        None => Cell::Null,
                    })
                    .collect(),
            ),
            // A bad item or map value makes the whole array or map NULL.
            (DataType::List(item), Kind::Array(items)) => Cell::List(
                items.iter().map(|v| self.try_convert_or_null(v, item, bad)).collect::<Option<_>>()?,
            ),
            (DataType::Map(entries, _), Kind::Object(members)) => {
                let DataType::Struct(fields) = entries.data_type() else { return None };
                Cell::Map(
                    members
                        .iter()
                        .map(|(k, v)| Some((Cell::Text(k.clone()), self.try_convert_or_null(v, &fields[1], bad)?)))
                        .collect::<Option<_>>()?,
                )
            }
            _ => return None,
        })
    }

    /// Spark's error when `value` holds a string this read parses with a
    /// `dateFormat`/`timestampFormat` Spark 3+ cannot parse with (`E`, …).
    pub(crate) fn check_patterns(&self, value: &Value, data_type: &DataType) -> Result<(), SparkError> {
        if !self.options.datetimes.refuses_parsing() {
            return Ok(());
        }
        match (&value.kind, data_type) {
            (Kind::String(text), _) => self.options.datetimes.parse_column(&[Some(text.as_str())], data_type).map(|_| ()),
            (Kind::Object(members), DataType::Struct(fields)) => fields.iter().try_for_each(|field| {
                match members.iter().rev().find(|(name, _)| name == field.name()) {
                    Some((_, v)) => self.check_patterns(v, field.data_type()),
                    None => Ok(()),
                }
            }),
            (Kind::Array(items), DataType::List(item)) => items.iter().try_for_each(|v| self.check_patterns(v, item.data_type())),
            (Kind::Object(members), DataType::Map(entries, _)) => match entries.data_type() {
                DataType::Struct(fields) => members.iter().try_for_each(|(_, v)| self.check_patterns(v, fields[1].data_type())),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }

    /// A nested value of `field`, NULL for a JSON null, `None` when it does not convert.
    fn try_convert_or_null(&self, value: &Value, field: &Field, bad: &mut bool) -> Option<Cell> {
        if value.kind == Kind::Null { Some(Cell::Null) } else { self.try_convert(value, field.data_type(), IntervalFields::of(field), bad) }
    }

    fn decimal(&self, text: &str, data_type: &DataType) -> Option<Cell> {
        let array: ArrayRef = Arc::new(StringArray::from(vec![text]));
        let cast = cast_array(&array, data_type, CastMode::Try).ok()?;
        let decimals = cast.as_any().downcast_ref::<arrow::array::Decimal128Array>()?;
        decimals.is_valid(0).then(|| Cell::Decimal(decimals.value(0)))
    }

    fn timestamp(&self, text: &str, data_type: &DataType) -> Option<Cell> {
        let array: ArrayRef = Arc::new(StringArray::from(vec![lenient_timestamps::canonical(text)]));
        let target = match data_type {
            DataType::Timestamp(unit, Some(_)) => DataType::Timestamp(*unit, Some(self.time_zone.as_str().into())),
            other => other.clone(),
        };
        let cast = cast_array(&array, &target, CastMode::Try).ok()?;
        let micros = cast.as_any().downcast_ref::<arrow::array::TimestampMicrosecondArray>()?;
        micros.is_valid(0).then(|| Cell::Int(micros.value(0)))
    }
}
