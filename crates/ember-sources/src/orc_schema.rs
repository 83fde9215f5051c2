//! Spark's columns as ORC's type tree and back: the types Spark 4 writes
//! (with its `spark.sql.catalyst.type` attribute on strings and timestamps,
//! `timestamp_ntz` and day-time intervals as a `bigint`, year-month intervals
//! as an `int`) and the Spark types it reads them as.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::sync::Arc;

use arrow::datatypes::{DataType, Field, Fields, IntervalUnit, Schema, TimeUnit};
use bytes::Bytes;
use ember_errors::{ErrorKind, SparkError};
use ember_types::IntervalFields;
use orc_rust::compression::{Compression, Decompressor};
use orc_rust::proto::{self, r#type::Kind};
use prost::Message;

use crate::errors;
use crate::paths::qualified;

/// The attribute on which Spark records the Catalyst type of an ORC column.
const CATALYST_TYPE: &str = "spark.sql.catalyst.type";

/// The zone in which a Spark `timestamp` is an ORC `timestamp` (its
/// stripes' writer time zone): Ember writes instants as UTC wall-clock time.
pub(crate) const WRITER_TIME_ZONE: &str = "UTC";

/// `[UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE]` for the first column of `schema`
/// that ORC files cannot hold (void, variant, time and calendar interval types, at any depth).
pub(crate) fn check_writable(schema: &Schema) -> Result<(), SparkError> {
    match schema.fields().iter().find(|f| !writable(f.data_type())) {
        None => Ok(()),
        Some(field) => {
            let column = format!("`{}`", field.name().replace('`', "``"));
            let column_type = format!("\"{}\"", ember_types::sql_string(field.data_type()));
            Err(SparkError::new(
                ErrorKind::Analysis,
                "UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE",
                "0A000",
                format!("The ORC datasource doesn't support the column {column} of the type {column_type}."),
                &[("columnName", column.clone()), ("columnType", column_type.clone()), ("format", "ORC".to_string())],
            ))
        }
    }
}

fn writable(data_type: &DataType) -> bool {
    match data_type {
        DataType::Struct(fields) => !ember_types::is_variant_fields(fields) && fields.iter().all(|f| writable(f.data_type())),
        DataType::List(f) | DataType::LargeList(f) | DataType::ListView(f) | DataType::FixedSizeList(f, _) => writable(f.data_type()),
        DataType::Map(entries, _) => writable(entries.data_type()),
        other => plain(other).is_some(),
    }
}

/// The array type the ORC encoder takes for a leaf (non-nested) column.
fn plain(data_type: &DataType) -> Option<DataType> {
    Some(match data_type {
        DataType::Boolean | DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => data_type.clone(),
        DataType::Float32 | DataType::Float64 | DataType::Date32 => data_type.clone(),
        DataType::Date64 => DataType::Date32,
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => DataType::Utf8,
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_) => DataType::Binary,
        DataType::Decimal32(p, s) | DataType::Decimal64(p, s) | DataType::Decimal128(p, s) | DataType::Decimal256(p, s) => {
            DataType::Decimal128(*p, *s)
        }
        DataType::Timestamp(_, zone) => DataType::Timestamp(TimeUnit::Microsecond, zone.clone()),
        DataType::Duration(_) => DataType::Duration(TimeUnit::Microsecond),
        DataType::Interval(IntervalUnit::YearMonth) => data_type.clone(),
        _ => return None,
    })
}

/// `data_type` with the array layouts the encoder takes (plain strings and
/// binaries, 128-bit decimals, microsecond timestamps, `List` lists), for a
/// type [`check_writable`] accepted.
pub(crate) fn encoder_type(data_type: &DataType) -> DataType {
    let field = |f: &Arc<Field>| Arc::new(f.as_ref().clone().with_data_type(encoder_type(f.data_type())));
    match data_type {
        DataType::Struct(fields) => DataType::Struct(fields.iter().map(field).collect()),
        DataType::List(f) | DataType::LargeList(f) | DataType::ListView(f) | DataType::FixedSizeList(f, _) => DataType::List(field(f)),
        DataType::Map(entries, sorted) => DataType::Map(field(entries), *sorted),
        other => plain(other).unwrap_or_else(|| other.clone()),
    }
}

/// ORC's type tree for rows of `schema` (in encoder types): the root struct
/// first, then every column before its children (the column ids).
pub(crate) fn orc_types(schema: &Schema) -> Vec<proto::Type> {
    let mut types = Vec::new();
    push_struct(&mut types, schema.fields());
    types
}

fn push_struct(types: &mut Vec<proto::Type>, fields: &Fields) {
    let at = types.len();
    types.push(orc_type(Kind::Struct));
    types[at].field_names = fields.iter().map(|f| f.name().clone()).collect();
    for field in fields {
        let child = push(types, field);
        types[at].subtypes.push(child);
    }
}

/// Appends the types of `field`'s column; returns its column id.
fn push(types: &mut Vec<proto::Type>, field: &Field) -> u32 {
    let at = types.len();
    let with_catalyst_type = |kind: Kind, name: &str| proto::Type {
        attributes: vec![proto::StringPair { key: Some(CATALYST_TYPE.into()), value: Some(name.into()) }],
        ..orc_type(kind)
    };
    let interval = |year_month: bool| {
        let units = IntervalFields::of(field).unwrap_or(IntervalFields::widest(year_month)).units(year_month);
        format!("interval {}", units.to_lowercase())
    };
    match field.data_type() {
        DataType::Struct(fields) => push_struct(types, fields),
        DataType::List(element) => {
            types.push(orc_type(Kind::List));
            let child = push(types, element);
            types[at].subtypes.push(child);
        }
        DataType::Map(entries, _) => {
            types.push(orc_type(Kind::Map));
            if let DataType::Struct(kv) = entries.data_type() {
                for f in kv {
                    let child = push(types, f);
                    types[at].subtypes.push(child);
                }
            }
        }
        DataType::Decimal128(precision, scale) => {
            types.push(proto::Type { precision: Some(*precision as u32), scale: Some(*scale as u32), ..orc_type(Kind::Decimal) })
        }
        DataType::Timestamp(_, Some(_)) => types.push(with_catalyst_type(Kind::Timestamp, "timestamp")),
        DataType::Timestamp(_, None) => types.push(with_catalyst_type(Kind::Long, "timestamp_ntz")),
        DataType::Utf8 => types.push(with_catalyst_type(Kind::String, "string")),
        DataType::Duration(_) => types.push(with_catalyst_type(Kind::Long, &interval(false))),
        DataType::Interval(_) => types.push(with_catalyst_type(Kind::Int, &interval(true))),
        other => types.push(orc_type(leaf_kind(other))),
    }
    at as u32
}

fn leaf_kind(data_type: &DataType) -> Kind {
    match data_type {
        DataType::Boolean => Kind::Boolean,
        DataType::Int8 => Kind::Byte,
        DataType::Int16 => Kind::Short,
        DataType::Int32 => Kind::Int,
        DataType::Float32 => Kind::Float,
        DataType::Float64 => Kind::Double,
        DataType::Binary => Kind::Binary,
        DataType::Date32 => Kind::Date,
        _ => Kind::Long,
    }
}

fn orc_type(kind: Kind) -> proto::Type {
    proto::Type { kind: Some(kind.into()), ..Default::default() }
}

/// The Spark columns of the ORC file at `path`, whose tail is compressed
/// with `compression`: ORC's `timestamp` is Spark's `timestamp` (an instant),
/// a `bigint` Spark marked `timestamp_ntz` is a `timestamp_ntz`.
pub(crate) fn file_fields(path: &Path, compression: Option<Compression>) -> Result<Vec<Field>, SparkError> {
    let types = file_types(path, compression).map_err(|e| errors::io(&qualified(path), e))?;
    let root = types.first().ok_or_else(|| errors::io(&qualified(path), "the file has no types"))?;
    struct_fields(&types, root).map(|fields| fields.iter().map(|f| f.as_ref().clone()).collect())
}

fn file_types(path: &Path, compression: Option<Compression>) -> std::io::Result<Vec<proto::Type>> {
    let invalid = |e: prost::DecodeError| std::io::Error::new(std::io::ErrorKind::InvalidData, e);
    let mut file = File::open(path)?;
    let size = file.metadata()?.len();
    let mut last = [0u8; 1];
    file.seek(SeekFrom::Start(size.saturating_sub(1)))?;
    file.read_exact(&mut last)?;
    let postscript_length = last[0] as u64;
    let mut postscript = vec![0u8; postscript_length as usize];
    file.seek(SeekFrom::Start(size.saturating_sub(1 + postscript_length)))?;
    file.read_exact(&mut postscript)?;
    let postscript = proto::PostScript::decode(postscript.as_slice()).map_err(invalid)?;
    let footer_length = postscript.footer_length();
    let mut footer = vec![0u8; footer_length as usize];
    file.seek(SeekFrom::Start(size.saturating_sub(1 + postscript_length + footer_length)))?;
    file.read_exact(&mut footer)?;
    let mut decoded = Vec::new();
    Decompressor::new(Bytes::from(footer), compression, Vec::new()).read_to_end(&mut decoded)?;
    Ok(proto::Footer::decode(decoded.as_slice()).map_err(invalid)?.types)
}

fn struct_fields(types: &[proto::Type], parent: &proto::Type) -> Result<Fields, SparkError> {
    parent.subtypes.iter().zip(&parent.field_names).map(|(&id, name)| spark_field(types, id, name)).collect()
}

/// The nullable Spark field `name` of ORC column `id`.
fn spark_field(types: &[proto::Type], id: u32, name: &str) -> Result<Field, SparkError> {
    let orc = types.get(id as usize).ok_or_else(|| errors::io("orc", format!("no type {id} in the file")))?;
    let child = |at: usize, name: &str| spark_field(types, *orc.subtypes.get(at).unwrap_or(&u32::MAX), name);
    let catalyst = orc.attributes.iter().find(|a| a.key() == CATALYST_TYPE).map(|a| a.value());
    let interval = catalyst.and_then(interval_fields);
    let data_type = match orc.kind() {
        Kind::Boolean => DataType::Boolean,
        Kind::Byte => DataType::Int8,
        Kind::Short => DataType::Int16,
        Kind::Int if interval.is_some_and(|(_, year_month)| year_month) => DataType::Interval(IntervalUnit::YearMonth),
        Kind::Int => DataType::Int32,
        Kind::Long if catalyst == Some("timestamp_ntz") => ember_types::timestamp_ntz_type(),
        Kind::Long if interval.is_some_and(|(_, year_month)| !year_month) => DataType::Duration(TimeUnit::Microsecond),
        Kind::Long => DataType::Int64,
        Kind::Float => DataType::Float32,
        Kind::Double => DataType::Float64,
        Kind::String | Kind::Varchar | Kind::Char => DataType::Utf8,
        Kind::Binary => DataType::Binary,
        Kind::Date => DataType::Date32,
        Kind::Timestamp | Kind::TimestampInstant => ember_types::timestamp_type("UTC"),
        Kind::Decimal => DataType::Decimal128(orc.precision.unwrap_or(38) as u8, orc.scale.unwrap_or(18) as i8),
        Kind::List => DataType::List(Arc::new(child(0, "element")?)),
        Kind::Map => {
            let key = child(0, "key")?.with_nullable(false);
            let entries = Field::new("entries", DataType::Struct(vec![key, child(1, "value")?].into()), false);
            DataType::Map(Arc::new(entries), false)
        }
        Kind::Struct => DataType::Struct(struct_fields(types, orc)?),
        Kind::Union => return Err(SparkError::unsupported("reading orc union columns")),
    };
    let field = Field::new(name, data_type, true);
    Ok(match interval {
        Some((fields, _)) if matches!(field.data_type(), DataType::Duration(_) | DataType::Interval(_)) => field.with_metadata(fields.metadata()),
        _ => field,
    })
}

/// The units of an interval type Spark names in an attribute (`interval hour`,
/// `interval year to month`), and whether it is a year-month interval.
fn interval_fields(name: &str) -> Option<(IntervalFields, bool)> {
    const DAY_TIME: [&str; 4] = ["day", "hour", "minute", "second"];
    const YEAR_MONTH: [&str; 2] = ["year", "month"];
    let units = name.strip_prefix("interval ")?;
    let (start, end) = units.split_once(" to ").unwrap_or((units, units));
    let code = |names: &[&str], unit: &str| names.iter().position(|n| *n == unit).map(|at| at as u8);
    let year_month = code(&YEAR_MONTH, start).is_some();
    let names: &[&str] = if year_month { &YEAR_MONTH } else { &DAY_TIME };
    Some((IntervalFields::new(code(names, start)?, code(names, end)?, year_month)?, year_month))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, data_type: DataType) -> Field {
        Field::new(name, data_type, true)
    }

    #[test]
    fn types_in_column_order_as_spark_writes_them() {
        let schema = Schema::new(vec![
            field("a", ember_types::array_type(DataType::Int32, true)),
            field("m", ember_types::map_type(DataType::Utf8, DataType::Decimal128(5, 2), true)),
            field("t", ember_types::timestamp_ntz_type()),
        ]);
        let types = orc_types(&schema);
        let kinds: Vec<Kind> = types.iter().map(|t| t.kind()).collect();
        assert_eq!(kinds, [Kind::Struct, Kind::List, Kind::Int, Kind::Map, Kind::String, Kind::Decimal, Kind::Long]);
        assert_eq!(types[0].subtypes, [1, 3, 6]);
        assert_eq!(types[3].subtypes, [4, 5]);
        assert_eq!(types[6].attributes[0].value(), "timestamp_ntz");
        let read = struct_fields(&types, &types[0]).unwrap();
        assert_eq!(read[1].data_type(), schema.fields()[1].data_type());
        assert_eq!(read.iter().map(|f| f.data_type().clone()).collect::<Vec<_>>(), schema.fields().iter().map(|f| f.data_type().clone()).collect::<Vec<_>>());
    }

    #[test]
    fn intervals_keep_their_units() {
        let hour = IntervalFields::new(1, 1, false).unwrap();
        let schema = Schema::new(vec![
            field("h", DataType::Duration(TimeUnit::Microsecond)).with_metadata(hour.metadata()),
            field("ym", DataType::Interval(IntervalUnit::YearMonth)),
        ]);
        let types = orc_types(&schema);
        assert_eq!((types[1].kind(), types[1].attributes[0].value()), (Kind::Long, "interval hour"));
        assert_eq!((types[2].kind(), types[2].attributes[0].value()), (Kind::Int, "interval year to month"));
        let read = struct_fields(&types, &types[0]).unwrap();
        assert_eq!(IntervalFields::of(&read[0]), Some(hour));
        assert_eq!(IntervalFields::of(&read[1]), Some(IntervalFields::YEAR_TO_MONTH));
        assert_eq!(interval_fields("interval minute to second"), Some((IntervalFields::new(2, 3, false).unwrap(), false)));
        assert_eq!(interval_fields("interval week"), None);
    }

    #[test]
    fn void_and_variant_columns_are_spark_errors() {
        let nested_void = Schema::new(vec![field("s", DataType::Struct(vec![field("v", DataType::Null)].into()))]);
        let err = check_writable(&nested_void).unwrap_err();
        assert_eq!(err.error_class, "UNSUPPORTED_DATA_TYPE_FOR_DATASOURCE");
        assert!(check_writable(&Schema::new(vec![field("d", DataType::Decimal128(4, 2))])).is_ok());
        assert_eq!(encoder_type(&DataType::LargeList(Arc::new(field("e", DataType::Utf8View)))), DataType::List(Arc::new(field("e", DataType::Utf8))));
    }
}
