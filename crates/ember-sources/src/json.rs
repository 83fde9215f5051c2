//! JSON schema inference as Spark's: the union of the records' fields,
//! sorted by name, integers as bigint, fractions as double (or decimal with
//! `prefersDecimal`), conflicts widened to string, and a `_corrupt_record`
//! column when a record does not parse (PERMISSIVE).

use std::collections::BTreeMap;
use std::io::Read;

use arrow::datatypes::{DataType, Field, Fields};
use ember_errors::SparkError;

use crate::bad_records::{ParseMode, malformed_record_in_parsing};
use crate::json_records::{JsonReadOptions, rows};
use crate::line_sample::LineSampling;
use crate::json_syntax::{Kind, Value};
use crate::paths::{InputFile, qualified};
use crate::{compression, errors};

/// A JSON value's type during inference.
#[derive(Debug, Clone, PartialEq)]
enum Inferred {
    Null,
    Boolean,
    Long,
    /// Decimal(precision, scale).
    Decimal(u8, i8),
    Double,
    String,
    Timestamp,
    Array(Box<Inferred>),
    Struct(BTreeMap<String, Inferred>),
}

/// The largest decimal precision.
const MAX_PRECISION: u8 = 38;

impl Inferred {
    fn of(value: &Value, options: &JsonReadOptions) -> Inferred {
        let primitive = |inferred: Inferred| if options.primitives_as_string { Inferred::String } else { inferred };
        match &value.kind {
            Kind::Null => Inferred::Null,
            Kind::Bool(_) => primitive(Inferred::Boolean),
            Kind::Integer(text) if text.parse::<i64>().is_ok() => primitive(Inferred::Long),
            Kind::Integer(text) => primitive(match decimal_shape(text) {
                Some((precision, 0)) => Inferred::Decimal(precision, 0),
                _ => Inferred::Double,
            }),
            Kind::Float(text) if options.prefers_decimal => primitive(match decimal_shape(text) {
                Some((precision, scale)) => Inferred::Decimal(precision, scale),
                None => Inferred::Double,
            }),
            Kind::Float(_) | Kind::NonNumeric(_) => primitive(Inferred::Double),
            Kind::String(text) => string_type(text, options),
            Kind::Array(items) => Inferred::Array(Box::new(
                items.iter().map(|v| Inferred::of(v, options)).fold(Inferred::Null, Inferred::merge),
            )),
            Kind::Object(members) => {
                Inferred::Struct(members.iter().map(|(k, v)| (k.clone(), Inferred::of(v, options))).fold(
                    BTreeMap::new(),
                    |mut map, (k, t)| {
                        let merged = match map.remove(&k) {
                            Some(existing) => Inferred::merge(existing, t),
                            None => t,
                        };
                        map.insert(k, merged);
                        map
                    },
                ))
            }
        }
    }

    /// Spark's `JsonInferSchema.compatibleType`.
    fn merge(self, other: Inferred) -> Inferred {
        use Inferred::*;
        match (self, other) {
            (a, b) if a == b => a,
            (Null, x) | (x, Null) => x,
            (Long, Decimal(p, s)) | (Decimal(p, s), Long) => widen_decimals((p, s), (20, 0)),
            (Decimal(p, s), Decimal(q, t)) => widen_decimals((p, s), (q, t)),
            (Long | Decimal(..), Double) | (Double, Long | Decimal(..)) => Double,
            (Array(a), Array(b)) => Array(Box::new(a.merge(*b))),
            (Struct(mut a), Struct(b)) => {
                for (name, t) in b {
                    let merged = match a.remove(&name) {
                        Some(existing) => existing.merge(t),
                        None => t,
                    };
                    a.insert(name, merged);
                }
                Struct(a)
            }
            _ => String,
        }
    }

    /// The type, or `None` for a field `dropFieldIfAllNull` leaves out.
    fn data_type(self, drop_all_null: bool) -> Option<DataType> {
        Some(match self {
            Inferred::Null if drop_all_null => return None,
            Inferred::Null | Inferred::String => DataType::Utf8,
            Inferred::Boolean => DataType::Boolean,
            Inferred::Long => DataType::Int64,
            Inferred::Decimal(p, s) => DataType::Decimal128(p, s),
            Inferred::Double => DataType::Float64,
            Inferred::Timestamp => DataType::Timestamp(arrow::datatypes::TimeUnit::Microsecond, Some("UTC".into())),
            Inferred::Array(element) => ember_types::array_type(element.data_type(drop_all_null)?, true),
            Inferred::Struct(fields) => {
                let fields = struct_fields(fields, drop_all_null);
                if fields.is_empty() && drop_all_null {
                    return None;
                }
                DataType::Struct(fields)
            }
        })
    }
}

/// A string value's type, as Spark's `JsonInferSchema` gives it: a decimal
/// when `prefersDecimal` is set and the text is one, a timestamp when
/// `inferTimestamp` is set and it reads as one, else a string.
fn string_type(text: &str, options: &JsonReadOptions) -> Inferred {
    if options.prefers_decimal && is_plain_decimal(text) {
        if let Some((precision, scale)) = decimal_shape(text) {
            return Inferred::Decimal(precision, scale);
        }
    }
    if options.infer_timestamp && options.reads_as_timestamp(text) {
        return Inferred::Timestamp;
    }
    Inferred::String
}

/// `[+-]digits[.digits]` (also `1.` and `.5`), as Java's `BigDecimal` reads them.
fn is_plain_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    !(whole.is_empty() && fraction.is_empty()) && whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
}

/// The type Spark's `schema_of_json` infers for one parsed document.
pub(crate) fn infer_value_type(value: &Value, options: &JsonReadOptions) -> DataType {
    Inferred::of(value, options).data_type(false).unwrap_or(DataType::Utf8)
}

/// Spark's decimal for a number's text, as Java's `BigDecimal` sees it:
/// (precision, scale), or `None` when it exceeds 38 digits.
fn decimal_shape(text: &str) -> Option<(u8, i8)> {
    let unsigned = text.trim_start_matches(['-', '+']);
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (&unsigned[..at], unsigned[at + 1..].parse::<i32>().ok()?),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    let significant = digits.trim_start_matches('0').len().max(1) as i32;
    let scale = (fraction.len() as i32 - exponent).max(0);
    let precision = significant.max(scale);
    (precision <= i32::from(MAX_PRECISION)).then_some((precision as u8, scale as i8))
}

/// Spark's widening of two decimals: enough integral digits and scale for both.
fn widen_decimals((p1, s1): (u8, i8), (p2, s2): (u8, i8)) -> Inferred {
    let scale = s1.max(s2);
    let integral = (p1 as i16 - s1 as i16).max(p2 as i16 - s2 as i16);
    let precision = (integral + scale as i16).min(MAX_PRECISION as i16) as u8;
    Inferred::Decimal(precision, scale)
}

fn struct_fields(fields: BTreeMap<String, Inferred>, drop_all_null: bool) -> Fields {
    fields
        .into_iter()
        .filter_map(|(name, t)| t.data_type(drop_all_null).map(|dt| Field::new(name, dt, true)))
        .collect()
}

/// The schema Spark infers from JSON files: the union of the records'
/// fields, sorted by name, all nullable, plus the corrupt-record column when
/// a record does not parse in PERMISSIVE mode.
pub fn infer_schema(files: &[InputFile], options: &JsonReadOptions, sampling: Option<&LineSampling>) -> Result<Vec<Field>, SparkError> {
    if files.is_empty() {
        return Err(errors::unable_to_infer_schema("JSON"));
    }
    options.datetimes.check_timestamp_pattern()?;
    let mut top = Inferred::Struct(BTreeMap::new());
    let mut saw_malformed = false;
    let mut texts = Vec::with_capacity(files.len());
    for file in files {
        let mut bytes = Vec::new();
        compression::open(&file.path)?.read_to_end(&mut bytes).map_err(|e| errors::io(&qualified(&file.path), e))?;
        texts.push(options.charset.decode(&bytes));
    }
    // multiLine: Spark samples whole files (each one document), else lines.
    let kept = sampling.filter(|_| !options.multi_line).map(|s| s.draw(files, &texts));
    let kept_files = sampling.filter(|_| options.multi_line).map(|s| s.draw_files(files));
    for (index, text) in texts.iter().enumerate() {
        if kept_files.as_ref().is_some_and(|kept| !kept[index]) {
            continue;
        }
        for (line, record) in options.numbered_records(text) {
            if kept.as_ref().is_some_and(|kept| !kept[index].get(line).copied().unwrap_or(false)) {
                continue;
            }
            let objects = record.as_ref().ok().and_then(rows);
            let Some(objects) = objects else {
                match options.bad_records.mode {
                    ParseMode::FailFast => return Err(malformed_record_in_parsing(&options.bad_records.corrupt_column)),
                    ParseMode::DropMalformed => continue,
                    ParseMode::Permissive => {
                        saw_malformed = true;
                        continue;
                    }
                }
            };
            for members in objects {
                let object = Value { kind: Kind::Object(members.to_vec()), raw: "" };
                top = top.merge(Inferred::of(&object, options));
            }
        }
    }
    let Inferred::Struct(mut fields) = top else { unreachable!("two structs merge into a struct") };
    if saw_malformed {
        fields.insert(options.bad_records.corrupt_column.clone(), Inferred::String);
    }
    Ok(struct_fields(fields, options.drop_field_if_all_null).iter().map(|f| f.as_ref().clone()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::Options;

    fn infer(text: &str, pairs: &[(&str, &str)]) -> Vec<Field> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.json");
        std::fs::write(&path, text).unwrap();
        let owned: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let options = JsonReadOptions::parse(&Options::new(owned.iter().map(|(k, v)| (k, v)))).unwrap();
        infer_schema(&[InputFile { path: path.clone(), size: 0, root: path }], &options, None).unwrap()
    }

    #[test]
    fn infers_sorted_widened_fields() {
        let fields = infer("{\"b\": 1, \"a\": \"x\"}\n{\"b\": 1.5, \"c\": [1, null], \"d\": {\"z\": true, \"y\": null}}\n\n", &[]);
        let names: Vec<_> = fields.iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
        assert_eq!(fields[1].data_type(), &DataType::Float64);
        assert_eq!(fields[2].data_type(), &ember_types::array_type(DataType::Int64, true));
        let DataType::Struct(inner) = fields[3].data_type() else { panic!("struct expected") };
        assert_eq!(inner[0].name(), "y");
        assert_eq!(inner[0].data_type(), &DataType::Utf8);
    }

    #[test]
    fn malformed_records_add_the_corrupt_column() {
        let fields = infer("{\"a\": 1}\n{bad\n5\n[{\"a\": 2}]\n", &[]);
        let names: Vec<_> = fields.iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["_corrupt_record", "a"]);
        assert_eq!(infer("{\"a\": 1}\n{bad\n", &[("mode", "DROPMALFORMED")]).len(), 1);
    }

    #[test]
    fn options_change_the_types() {
        let text = "{\"a\": 1, \"b\": 1.50, \"c\": null, \"d\": true}\n";
        let types = |pairs: &[(&str, &str)]| infer(text, pairs).iter().map(|f| f.data_type().clone()).collect::<Vec<_>>();
        assert_eq!(types(&[]), [DataType::Int64, DataType::Float64, DataType::Utf8, DataType::Boolean]);
        assert_eq!(types(&[("primitivesAsString", "true")]), vec![DataType::Utf8; 4]);
        assert_eq!(types(&[("prefersDecimal", "true")])[1], DataType::Decimal128(3, 2));
        assert_eq!(types(&[("dropFieldIfAllNull", "true")]).len(), 3);
    }

    #[test]
    fn conflicting_types_become_string() {
        assert_eq!(Inferred::Long.merge(Inferred::Boolean), Inferred::String);
        assert_eq!(Inferred::Long.merge(Inferred::Decimal(25, 0)), Inferred::Decimal(25, 0));
    }
}
