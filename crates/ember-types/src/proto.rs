//! Conversion between Spark Connect's `DataType` message and Arrow types.

use arrow::datatypes::{DataType, Field, Fields};
use ember_protocol::connect;
use ember_protocol::connect::data_type::{self as pdt, Kind};

use crate::collation::Collation;
use crate::interval::IntervalFields;
use crate::error::TypeError;
use crate::udt::UserDefinedType;
use crate::mapping::{
    self, SparkKind, array_type, calendar_interval_type, classify, day_time_interval_type,
    field_metadata_json, map_type, struct_field, timestamp_ntz_type, timestamp_type,
    year_month_interval_type,
};

fn invalid(message: impl Into<String>) -> TypeError {
    TypeError::InvalidProto {
        message: message.into(),
    }
}

fn unsupported(type_name: impl Into<String>) -> TypeError {
    TypeError::Unsupported {
        type_name: type_name.into(),
    }
}

/// Checks a collation name (`COLLATION_INVALID_NAME` for one Spark does not know); empty
/// means the default.
pub(crate) fn check_collation(collation: &str) -> Result<Option<Collation>, TypeError> {
    if collation.is_empty() { Ok(None) } else { Collation::parse(collation).map(Some) }
}

/// The collation of a string type written as text (`string collate UNICODE_CI`), if the text
/// is exactly that; `None` for other types and plain strings.
pub fn text_type_collation(text: &str) -> Result<Option<Collation>, TypeError> {
    let mut words = text.split_whitespace();
    match (words.next(), words.next(), words.next(), words.next()) {
        (Some(string), Some(collate), Some(name), None) if string.eq_ignore_ascii_case("string") && collate.eq_ignore_ascii_case("collate") => {
            Collation::parse(name).map(|c| (!c.is_binary()).then_some(c))
        }
        _ => Ok(None),
    }
}

/// The non-default collation of a protocol type that is a (collated) string; `None` for
/// other types.
pub fn collation_of(dt: &connect::DataType) -> Result<Option<Collation>, TypeError> {
    match &dt.kind {
        Some(Kind::String(s)) => Ok(check_collation(&s.collation)?.filter(|c| !c.is_binary())),
        Some(Kind::Unparsed(u)) => text_type_collation(&u.data_type_string),
        _ => Ok(None),
    }
}

fn child(dt: &Option<Box<connect::DataType>>, what: &str, tz: &str) -> Result<DataType, TypeError> {
    match dt {
        Some(dt) => from_proto(dt, tz),
        None => Err(invalid(format!("{what} is not set."))),
    }
}

/// Interval field codes: day-time `DAY=0, HOUR=1, MINUTE=2, SECOND=3`,
/// year-month `YEAR=0, MONTH=1`; the end defaults to the start and must not
/// precede it.
fn check_interval_fields(
    start: Option<i32>,
    end: Option<i32>,
    max: i32,
    what: &str,
) -> Result<(), TypeError> {
    let Some(start) = start else {
        return Ok(());
    };
    let end = end.unwrap_or(start);
    if !(0..=max).contains(&start) || !(0..=max).contains(&end) || end < start {
        return Err(invalid(format!(
            "Invalid {what} interval fields: start {start}, end {end}."
        )));
    }
    Ok(())
}

/// Converts a Spark Connect `DataType` to its Arrow type. `session_tz` is
/// the session time zone that `timestamp` columns carry.
///
/// `char(n)`/`varchar(n)` become `Utf8`; a UDT becomes its SQL type (the
/// UDTs of array elements, map entries and struct fields are kept in their
/// fields' metadata; see [`field_from_proto`] for the outermost one); an
/// `unparsed` type string is parsed like Spark's `ddl_parse`. Types Ember
/// cannot represent (geometry, geography, nanosecond
/// timestamps, non-binary collations) fail with [`TypeError::Unsupported`];
/// malformed messages with [`TypeError::InvalidProto`].
pub fn from_proto(dt: &connect::DataType, session_tz: &str) -> Result<DataType, TypeError> {
    let Some(kind) = &dt.kind else {
        return Err(invalid("DataType has no kind set."));
    };
    Ok(match kind {
        Kind::Null(_) => DataType::Null,
        Kind::Binary(_) => DataType::Binary,
        Kind::Boolean(_) => DataType::Boolean,
        Kind::Byte(_) => DataType::Int8,
        Kind::Short(_) => DataType::Int16,
        Kind::Integer(_) => DataType::Int32,
        Kind::Long(_) => DataType::Int64,
        Kind::Float(_) => DataType::Float32,
        Kind::Double(_) => DataType::Float64,
        Kind::Decimal(d) => {
            let precision = d.precision.unwrap_or(10);
            let scale = if d.precision.is_some() {
                d.scale.unwrap_or(0)
            } else {
                0
            };
            mapping::decimal_type(precision as i64, scale as i64)?
        }
        Kind::String(s) => {
            check_collation(&s.collation)?;
            DataType::Utf8
        }
        Kind::Char(_) | Kind::VarChar(_) => DataType::Utf8,
        Kind::Date(_) => DataType::Date32,
        Kind::Timestamp(_) => timestamp_type(session_tz),
        Kind::TimestampNtz(_) => timestamp_ntz_type(),
        Kind::CalendarInterval(_) => calendar_interval_type(),
        Kind::YearMonthInterval(i) => {
            check_interval_fields(i.start_field, i.end_field, 1, "year-month")?;
            year_month_interval_type()
        }
        Kind::DayTimeInterval(i) => {
            check_interval_fields(i.start_field, i.end_field, 3, "day-time")?;
            day_time_interval_type()
        }
        Kind::Array(a) => tag_interval_children(
            UserDefinedType::tag_children(
                array_type(child(&a.element_type, "Array element type", session_tz)?, a.contains_null),
                UserDefinedType::of_proto(a.element_type.as_deref()).as_ref(),
                None,
            ),
            [a.element_type.as_deref(), None],
        ),
        Kind::Map(m) => tag_interval_children(
            UserDefinedType::tag_children(
                map_type(
                    child(&m.key_type, "Map key type", session_tz)?,
                    child(&m.value_type, "Map value type", session_tz)?,
                    m.value_contains_null,
                ),
                UserDefinedType::of_proto(m.key_type.as_deref()).as_ref(),
                UserDefinedType::of_proto(m.value_type.as_deref()).as_ref(),
            ),
            [m.key_type.as_deref(), m.value_type.as_deref()],
        ),
        Kind::Struct(s) => DataType::Struct(struct_fields_from_proto(s, session_tz)?),
        Kind::Udt(u) => match &u.sql_type {
            Some(sql_type) => from_proto(sql_type, session_tz)?,
            None => {
                return Err(unsupported(format!(
                    "UDT {}",
                    u.jvm_class
                        .as_deref()
                        .or(u.python_class.as_deref())
                        .unwrap_or("")
                )));
            }
        },
        Kind::Unparsed(u) => crate::ddl::parse_ddl(&u.data_type_string, session_tz)?,
        Kind::Variant(_) => mapping::variant_type(),
        Kind::Geometry(g) => spatial_from_proto(crate::spatial::SpatialKind::Geometry, g.srid)?,
        Kind::Geography(g) => spatial_from_proto(crate::spatial::SpatialKind::Geography, g.srid)?,
        Kind::Time(_) => mapping::time_type(),
        Kind::TimestampNtzNanos(t) => {
            return Err(unsupported(format!(
                "TIMESTAMP_NTZ({})",
                t.precision.unwrap_or(9)
            )));
        }
        Kind::TimestampLtzNanos(t) => {
            return Err(unsupported(format!(
                "TIMESTAMP_LTZ({})",
                t.precision.unwrap_or(9)
            )));
        }
    })
}

/// A field of a Spark Connect type: [`from_proto`]'s type, marked as
/// holding the UDT `dt` is, if it is one, with the units of an ANSI interval.
pub fn field_from_proto(name: &str, dt: &connect::DataType, nullable: bool, session_tz: &str) -> Result<Field, TypeError> {
    let field = Field::new(name, from_proto(dt, session_tz)?, nullable);
    Ok(tag_interval(UserDefinedType::tag_with(field, UserDefinedType::of_proto(Some(dt)).as_ref()), Some(dt)))
}

/// `field` with the units of `dt` in its metadata when it is an ANSI interval with fields.
fn tag_interval(field: Field, dt: Option<&connect::DataType>) -> Field {
    match dt.and_then(interval_fields_of) {
        Some(fields) => {
            let mut metadata = field.metadata().clone();
            metadata.extend(fields.metadata());
            field.with_metadata(metadata)
        }
        None => field,
    }
}

/// `dt` with its array element, or its map key and value, typed with the
/// interval units of `children` (the protocol types they came from).
fn tag_interval_children(dt: DataType, children: [Option<&connect::DataType>; 2]) -> DataType {
    with_tagged_children(dt, children, tag_interval)
}

/// `dt` with its array element, or its map key and value, retyped by `tag`
/// from the source types `children` (element; or key and value).
pub(crate) fn with_tagged_children<C>(dt: DataType, children: [Option<C>; 2], tag: impl Fn(Field, Option<C>) -> Field) -> DataType {
    let [first, second] = children;
    match dt {
        DataType::List(element) => DataType::List(std::sync::Arc::new(tag(element.as_ref().clone(), first))),
        DataType::Map(entries, sorted) => {
            let DataType::Struct(pair) = entries.data_type() else { return DataType::Map(entries, sorted) };
            let mut sources = [first, second].into_iter();
            let pair: Fields = pair.iter().map(|f| tag(f.as_ref().clone(), sources.next().flatten())).collect();
            DataType::Map(std::sync::Arc::new(entries.as_ref().clone().with_data_type(DataType::Struct(pair))), sorted)
        }
        other => other,
    }
}

fn struct_fields_from_proto(s: &pdt::Struct, session_tz: &str) -> Result<Fields, TypeError> {
    s.fields
        .iter()
        .map(|f| {
            let dt = match &f.data_type {
                Some(dt) => from_proto(dt, session_tz)?,
                None => {
                    return Err(invalid(format!(
                        "Struct field {} has no data type.",
                        f.name
                    )));
                }
            };
            let metadata = match f.metadata.as_deref().map(str::trim) {
                Some(json) if !json.is_empty() => {
                    match serde_json::from_str::<serde_json::Value>(json) {
                        Ok(serde_json::Value::Object(_)) => Some(json),
                        _ => {
                            return Err(invalid(format!(
                                "Struct field {} has invalid metadata: {json}",
                                f.name
                            )));
                        }
                    }
                }
                _ => None,
            };
            let field = struct_field(f.name.clone(), dt, f.nullable, metadata);
            let field = UserDefinedType::tag_with(field, UserDefinedType::of_proto(f.data_type.as_ref()).as_ref());
            let field = match f.data_type.as_ref().map(collation_of).transpose()?.flatten() {
                Some(collation) => collation.tag(field),
                None => field,
            };
            Ok(tag_interval(field, f.data_type.as_ref()))
        })
        .collect::<Result<Vec<Field>, _>>()
        .map(Fields::from)
}

fn proto(kind: Kind) -> connect::DataType {
    connect::DataType { kind: Some(kind) }
}

/// A spatial type of the protocol: `srid` -1 is `ANY`, others must be ones
/// Spark accepts for `kind`.
fn spatial_from_proto(kind: crate::spatial::SpatialKind, srid: i32) -> Result<DataType, TypeError> {
    let srid = match srid {
        crate::spatial::ANY_SRID => srid,
        _ => crate::spatial::check_srid(kind, i64::from(srid))?,
    };
    Ok(crate::spatial::spatial_type(kind, srid))
}

/// Converts an Arrow type to the Spark Connect `DataType` Spark would send
/// for it: `timestamp` for any zoned timestamp, `timestamp_ntz` for any
/// zoneless one, `interval day to second` for durations, `interval year to
/// month` for year-month intervals, `string` with collation `UTF8_BINARY`.
/// Fails with [`TypeError::Unsupported`] for Arrow types Spark lacks
/// (unsigned integers, `Float16`, unions).
pub fn to_proto(dt: &DataType) -> Result<connect::DataType, TypeError> {
    Ok(proto(match classify(dt)? {
        SparkKind::Null => Kind::Null(pdt::Null::default()),
        SparkKind::Boolean => Kind::Boolean(pdt::Boolean::default()),
        SparkKind::Byte => Kind::Byte(pdt::Byte::default()),
        SparkKind::Short => Kind::Short(pdt::Short::default()),
        SparkKind::Int => Kind::Integer(pdt::Integer::default()),
        SparkKind::Long => Kind::Long(pdt::Long::default()),
        SparkKind::Float => Kind::Float(pdt::Float::default()),
        SparkKind::Double => Kind::Double(pdt::Double::default()),
        SparkKind::Decimal(p, s) => Kind::Decimal(pdt::Decimal {
            scale: Some(s as i32),
            precision: Some(p as i32),
            type_variation_reference: 0,
        }),
        SparkKind::String => Kind::String(pdt::String {
            type_variation_reference: 0,
            collation: Collation::UTF8_BINARY.name(),
        }),
        SparkKind::Binary => Kind::Binary(pdt::Binary::default()),
        SparkKind::Date => Kind::Date(pdt::Date::default()),
        SparkKind::Timestamp => Kind::Timestamp(pdt::Timestamp::default()),
        SparkKind::TimestampNtz => Kind::TimestampNtz(pdt::TimestampNtz::default()),
        SparkKind::Variant => Kind::Variant(pdt::Variant::default()),
        SparkKind::Spatial(crate::spatial::SpatialKind::Geometry, srid) => Kind::Geometry(pdt::Geometry { srid, type_variation_reference: 0 }),
        SparkKind::Spatial(crate::spatial::SpatialKind::Geography, srid) => Kind::Geography(pdt::Geography { srid, type_variation_reference: 0 }),
        SparkKind::Time => Kind::Time(pdt::Time {
            precision: Some(i32::from(mapping::TIME_PRECISION)),
            type_variation_reference: 0,
        }),
        SparkKind::CalendarInterval => Kind::CalendarInterval(pdt::CalendarInterval::default()),
        SparkKind::DayTimeInterval => Kind::DayTimeInterval(pdt::DayTimeInterval {
            start_field: Some(0),
            end_field: Some(3),
            type_variation_reference: 0,
        }),
        SparkKind::YearMonthInterval => Kind::YearMonthInterval(pdt::YearMonthInterval {
            start_field: Some(0),
            end_field: Some(1),
            type_variation_reference: 0,
        }),
        SparkKind::Array(element) => Kind::Array(Box::new(pdt::Array {
            element_type: Some(Box::new(field_type_to_proto(element)?)),
            contains_null: element.is_nullable(),
            type_variation_reference: 0,
        })),
        SparkKind::Map(key, value) => Kind::Map(Box::new(pdt::Map {
            key_type: Some(Box::new(field_type_to_proto(key)?)),
            value_type: Some(Box::new(field_type_to_proto(value)?)),
            value_contains_null: value.is_nullable(),
            type_variation_reference: 0,
        })),
        SparkKind::Struct(fields) => return schema_to_proto(fields),
    }))
}

/// Converts the fields of a schema to a Spark Connect struct `DataType`
/// (what `AnalyzePlan.schema` returns). Field metadata stored under
/// [`crate::SPARK_METADATA_KEY`] is passed on.
pub fn schema_to_proto(fields: &Fields) -> Result<connect::DataType, TypeError> {
    let fields = fields
        .iter()
        .map(|f| {
            Ok(pdt::StructField {
                name: f.name().clone(),
                data_type: Some(field_type_to_proto(f)?),
                nullable: f.is_nullable(),
                metadata: field_metadata_json(f).map(str::to_string),
            })
        })
        .collect::<Result<Vec<_>, TypeError>>()?;
    Ok(proto(Kind::Struct(pdt::Struct {
        fields,
        type_variation_reference: 0,
    })))
}

/// The type of a field, with the collation, the interval fields and the UDT its
/// metadata records.
pub fn field_type_to_proto(field: &Field) -> Result<connect::DataType, TypeError> {
    let mut proto = to_proto(field.data_type())?;
    if let Some(udt) = UserDefinedType::of(field) {
        return Ok(udt.to_proto(proto));
    }
    if let (Some(Kind::String(s)), Some(collation)) = (&mut proto.kind, Collation::of(field)) {
        s.collation = collation.name();
    }
    if let Some(fields) = IntervalFields::of(field) {
        let (start, end) = (Some(i32::from(fields.start)), Some(i32::from(fields.end)));
        match &mut proto.kind {
            Some(Kind::DayTimeInterval(t)) => (t.start_field, t.end_field) = (start, end),
            Some(Kind::YearMonthInterval(t)) => (t.start_field, t.end_field) = (start, end),
            _ => {}
        }
    }
    Ok(proto)
}

/// The interval fields a proto type names, when it is an ANSI interval with
/// fields (or a type string of one: `interval hour`).
pub fn interval_fields_of(dt: &connect::DataType) -> Option<IntervalFields> {
    let code = |f: Option<i32>| f.and_then(|v| u8::try_from(v).ok());
    match &dt.kind {
        Some(Kind::Unparsed(u)) => crate::ddl::parse_ddl_type_proto(&u.data_type_string, "UTC").ok().as_ref().and_then(interval_fields_of),
        Some(Kind::DayTimeInterval(t)) => {
            IntervalFields::new(code(t.start_field)?, code(t.end_field)?, false)
        }
        Some(Kind::YearMonthInterval(t)) => {
            IntervalFields::new(code(t.start_field)?, code(t.end_field)?, true)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::datatypes::{IntervalUnit, TimeUnit};

    use super::*;

    const TZ: &str = "America/Los_Angeles";

    fn p(kind: Kind) -> connect::DataType {
        proto(kind)
    }

    fn sfield(name: &str, dt: connect::DataType, nullable: bool) -> pdt::StructField {
        pdt::StructField {
            name: name.into(),
            data_type: Some(dt),
            nullable,
            metadata: None,
        }
    }

    #[test]
    fn atomic_types_from_proto() {
        let cases = vec![
            (Kind::Null(Default::default()), DataType::Null),
            (Kind::Boolean(Default::default()), DataType::Boolean),
            (Kind::Byte(Default::default()), DataType::Int8),
            (Kind::Short(Default::default()), DataType::Int16),
            (Kind::Integer(Default::default()), DataType::Int32),
            (Kind::Long(Default::default()), DataType::Int64),
            (Kind::Float(Default::default()), DataType::Float32),
            (Kind::Double(Default::default()), DataType::Float64),
            (Kind::Binary(Default::default()), DataType::Binary),
            (Kind::String(Default::default()), DataType::Utf8),
            (
                Kind::String(pdt::String {
                    type_variation_reference: 0,
                    collation: "utf8_binary".into(),
                }),
                DataType::Utf8,
            ),
            (
                Kind::Char(pdt::Char {
                    length: 3,
                    type_variation_reference: 0,
                }),
                DataType::Utf8,
            ),
            (
                Kind::VarChar(pdt::VarChar {
                    length: 3,
                    type_variation_reference: 0,
                }),
                DataType::Utf8,
            ),
            (Kind::Date(Default::default()), DataType::Date32),
            (
                Kind::Timestamp(Default::default()),
                DataType::Timestamp(TimeUnit::Microsecond, Some(TZ.into())),
            ),
            (
                Kind::TimestampNtz(Default::default()),
                DataType::Timestamp(TimeUnit::Microsecond, None),
            ),
            (
                Kind::CalendarInterval(Default::default()),
                DataType::Interval(IntervalUnit::MonthDayNano),
            ),
            (
                Kind::YearMonthInterval(pdt::YearMonthInterval {
                    start_field: Some(0),
                    end_field: Some(0),
                    type_variation_reference: 0,
                }),
                DataType::Interval(IntervalUnit::YearMonth),
            ),
            (
                Kind::DayTimeInterval(pdt::DayTimeInterval {
                    start_field: Some(1),
                    end_field: Some(2),
                    type_variation_reference: 0,
                }),
                DataType::Duration(TimeUnit::Microsecond),
            ),
            (
                Kind::DayTimeInterval(Default::default()),
                DataType::Duration(TimeUnit::Microsecond),
            ),
        ];
        for (kind, expected) in cases {
            assert_eq!(
                from_proto(&p(kind.clone()), TZ).unwrap(),
                expected,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn decimal_defaults_like_spark() {
        let dec = |precision, scale| {
            p(Kind::Decimal(pdt::Decimal {
                scale,
                precision,
                type_variation_reference: 0,
            }))
        };
        assert_eq!(
            from_proto(&dec(Some(12), Some(3)), TZ).unwrap(),
            DataType::Decimal128(12, 3)
        );
        assert_eq!(
            from_proto(&dec(Some(12), None), TZ).unwrap(),
            DataType::Decimal128(12, 0)
        );
        assert_eq!(
            from_proto(&dec(None, None), TZ).unwrap(),
            DataType::Decimal128(10, 0)
        );
        assert_eq!(
            from_proto(&dec(Some(39), Some(1)), TZ)
                .unwrap_err()
                .error_class(),
            "DECIMAL_PRECISION_EXCEEDS_MAX_PRECISION"
        );
        assert_eq!(
            from_proto(&dec(Some(3), Some(4)), TZ)
                .unwrap_err()
                .error_class(),
            "DECIMAL_SCALE_EXCEEDS_PRECISION"
        );
    }

    #[test]
    fn nested_types_from_proto() {
        let int = p(Kind::Integer(Default::default()));
        let string = p(Kind::String(Default::default()));
        let array = p(Kind::Array(Box::new(pdt::Array {
            element_type: Some(Box::new(int.clone())),
            contains_null: false,
            type_variation_reference: 0,
        })));
        assert_eq!(
            from_proto(&array, TZ).unwrap(),
            array_type(DataType::Int32, false)
        );
        let map = p(Kind::Map(Box::new(pdt::Map {
            key_type: Some(Box::new(string.clone())),
            value_type: Some(Box::new(array.clone())),
            value_contains_null: true,
            type_variation_reference: 0,
        })));
        assert_eq!(
            from_proto(&map, TZ).unwrap(),
            map_type(DataType::Utf8, array_type(DataType::Int32, false), true)
        );
        let mut commented = sfield("b", string.clone(), false);
        commented.metadata = Some(r#"{"comment":"x"}"#.into());
        let with_empty_metadata = pdt::StructField {
            metadata: Some("{}".into()),
            ..sfield("c", map.clone(), true)
        };
        let st = p(Kind::Struct(pdt::Struct {
            fields: vec![
                sfield("a", int.clone(), true),
                commented,
                with_empty_metadata,
            ],
            type_variation_reference: 0,
        }));
        let DataType::Struct(fields) = from_proto(&st, TZ).unwrap() else {
            panic!("expected a struct")
        };
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[0].name(), "a");
        assert!(fields[0].is_nullable());
        assert_eq!(fields[1].name(), "b");
        assert!(!fields[1].is_nullable());
        assert_eq!(field_metadata_json(&fields[1]), Some(r#"{"comment":"x"}"#));
        assert!(fields[2].metadata().is_empty());

        // And back: the same message, except strings gain their collation.
        let back = to_proto(&DataType::Struct(fields)).unwrap();
        let Some(Kind::Struct(s)) = back.kind else {
            panic!("expected a struct")
        };
        assert_eq!(s.fields[1].metadata.as_deref(), Some(r#"{"comment":"x"}"#));
        assert_eq!(s.fields[0].metadata, None);
        assert_eq!(s.fields[2].metadata, None);
        assert!(!s.fields[1].nullable);
        assert_eq!(
            from_proto(s.fields[2].data_type.as_ref().unwrap(), TZ).unwrap(),
            from_proto(&map, TZ).unwrap()
        );
    }

    #[test]
    fn udt_and_unparsed() {
        let udt = p(Kind::Udt(Box::new(pdt::Udt {
            r#type: "udt".into(),
            jvm_class: None,
            python_class: Some("m.PointUDT".into()),
            serialized_python_class: Some("xyz".into()),
            sql_type: Some(Box::new(p(Kind::Array(Box::new(pdt::Array {
                element_type: Some(Box::new(p(Kind::Double(Default::default())))),
                contains_null: false,
                type_variation_reference: 0,
            }))))),
        })));
        assert_eq!(
            from_proto(&udt, TZ).unwrap(),
            array_type(DataType::Float64, false)
        );
        let point = UserDefinedType::from_proto(match udt.kind.as_ref() {
            Some(Kind::Udt(u)) => u,
            _ => unreachable!(),
        });
        let field = field_from_proto("p", &udt, true, TZ).unwrap();
        assert_eq!(UserDefinedType::of(&field), Some(point.clone()));
        // Inside arrays and maps, the UDT is kept in the element's and value's fields, and sent back.
        let array = p(Kind::Array(Box::new(pdt::Array { element_type: Some(Box::new(udt.clone())), contains_null: true, type_variation_reference: 0 })));
        let map = p(Kind::Map(Box::new(pdt::Map {
            key_type: Some(Box::new(p(Kind::Long(Default::default())))),
            value_type: Some(Box::new(udt.clone())),
            value_contains_null: true,
            type_variation_reference: 0,
        })));
        for nested in [array, map] {
            let arrow = from_proto(&nested, TZ).unwrap();
            assert!(arrow.equals_datatype(&from_proto(&nested, TZ).unwrap()));
            assert_eq!(to_proto(&arrow).unwrap(), nested);
            let json = crate::json::to_json_type(&arrow).unwrap();
            assert_eq!(crate::json::parse_json_type(&json, TZ).unwrap(), arrow);
        }
        let unparsed = p(Kind::Unparsed(pdt::Unparsed {
            data_type_string: "a int, b string".into(),
        }));
        assert_eq!(
            from_proto(&unparsed, TZ).unwrap(),
            DataType::Struct(Fields::from(vec![
                Field::new("a", DataType::Int32, true),
                Field::new("b", DataType::Utf8, true),
            ]))
        );
        let bad = p(Kind::Unparsed(pdt::Unparsed {
            data_type_string: "a foo".into(),
        }));
        assert_eq!(
            from_proto(&bad, TZ).unwrap_err().error_class(),
            "UNSUPPORTED_DATATYPE"
        );
    }

    #[test]
    fn unsupported_and_malformed_messages() {
        let missing = connect::DataType { kind: None };
        assert_eq!(
            from_proto(&missing, TZ).unwrap_err().error_class(),
            "INTERNAL_ERROR"
        );
        let no_element = p(Kind::Array(Box::new(pdt::Array {
            element_type: None,
            contains_null: true,
            type_variation_reference: 0,
        })));
        assert_eq!(
            from_proto(&no_element, TZ).unwrap_err().kind(),
            crate::TypeErrorKind::Internal
        );
        let bad_metadata = p(Kind::Struct(pdt::Struct {
            fields: vec![pdt::StructField {
                metadata: Some("not json".into()),
                ..sfield("a", p(Kind::Integer(Default::default())), true)
            }],
            type_variation_reference: 0,
        }));
        assert_eq!(
            from_proto(&bad_metadata, TZ).unwrap_err().error_class(),
            "INTERNAL_ERROR"
        );
        let bad_interval = p(Kind::DayTimeInterval(pdt::DayTimeInterval {
            start_field: Some(3),
            end_field: Some(1),
            type_variation_reference: 0,
        }));
        assert!(from_proto(&bad_interval, TZ).is_err());
        let invalid = p(Kind::String(pdt::String { type_variation_reference: 0, collation: "UTF8_LCASE_CS".into() }));
        let err = from_proto(&invalid, TZ).unwrap_err();
        assert_eq!(err.error_class(), "COLLATION_INVALID_NAME");
        assert_eq!(err.message_parameters()["proposals"], "UTF8_LCASE");
    }

    #[test]
    fn spatial_types_round_trip_with_their_srid() {
        let geometry = from_proto(&p(Kind::Geometry(pdt::Geometry { srid: 3857, type_variation_reference: 0 })), TZ).unwrap();
        assert_eq!(crate::simple_string(&geometry), "geometry(3857)");
        assert!(matches!(to_proto(&geometry).unwrap().kind, Some(Kind::Geometry(pdt::Geometry { srid: 3857, .. }))));
        let any = from_proto(&p(Kind::Geography(pdt::Geography { srid: -1, type_variation_reference: 0 })), TZ).unwrap();
        assert_eq!(crate::simple_string(&any), "geography(any)");
        let planar = from_proto(&p(Kind::Geography(Default::default())), TZ).unwrap_err();
        assert_eq!(planar.error_class(), "ST_INVALID_SRID_VALUE");
        assert_eq!(crate::parse_ddl_type("geometry(4326)", TZ).unwrap(), crate::spatial_type(crate::SpatialKind::Geometry, 4326));
        assert_eq!(crate::parse_ddl_type("GEOGRAPHY(ANY)", TZ).unwrap(), crate::spatial_type(crate::SpatialKind::Geography, -1));
        assert_eq!(crate::to_json_type(&geometry).unwrap(), "\"geometry(EPSG:3857)\"");
        assert_eq!(crate::parse_json_type("\"geography(OGC:CRS84, SPHERICAL)\"", TZ).unwrap(), crate::spatial_type(crate::SpatialKind::Geography, 4326));
    }

    #[test]
    fn time_round_trips_as_time_6() {
        let time = from_proto(&p(Kind::Time(pdt::Time::default())), TZ).unwrap();
        assert_eq!(time, DataType::Time64(TimeUnit::Nanosecond));
        let Some(Kind::Time(t)) = to_proto(&time).unwrap().kind else {
            panic!("time must convert to Kind::Time")
        };
        assert_eq!(t.precision, Some(6));
        assert_eq!(crate::simple_string(&time), "time(6)");
        assert_eq!(crate::parse_ddl_type("time", TZ).unwrap(), time);
        assert_eq!(crate::parse_json_type("\"time(6)\"", TZ).unwrap(), time);
    }

    #[test]
    fn variant_round_trips_as_a_tagged_struct() {
        let variant = from_proto(&p(Kind::Variant(pdt::Variant::default())), TZ).unwrap();
        assert_eq!(variant, mapping::variant_type());
        assert!(matches!(to_proto(&variant).unwrap().kind, Some(Kind::Variant(_))));
        assert_eq!(crate::simple_string(&variant), "variant");
        assert_eq!(crate::parse_ddl_type("variant", TZ).unwrap(), variant);
    }

    #[test]
    fn to_proto_atomic() {
        let kind = |dt: DataType| to_proto(&dt).unwrap().kind.unwrap();
        assert!(matches!(kind(DataType::Null), Kind::Null(_)));
        assert!(matches!(kind(DataType::Boolean), Kind::Boolean(_)));
        assert!(matches!(kind(DataType::Int8), Kind::Byte(_)));
        assert!(matches!(kind(DataType::Int16), Kind::Short(_)));
        assert!(matches!(kind(DataType::Int32), Kind::Integer(_)));
        assert!(matches!(kind(DataType::Int64), Kind::Long(_)));
        assert!(matches!(kind(DataType::Float32), Kind::Float(_)));
        assert!(matches!(kind(DataType::Float64), Kind::Double(_)));
        assert_eq!(
            kind(DataType::Decimal128(10, 2)),
            Kind::Decimal(pdt::Decimal {
                scale: Some(2),
                precision: Some(10),
                type_variation_reference: 0
            })
        );
        assert_eq!(
            kind(DataType::Decimal256(60, 4)),
            Kind::Decimal(pdt::Decimal {
                scale: Some(4),
                precision: Some(38),
                type_variation_reference: 0
            })
        );
        for dt in [DataType::Utf8, DataType::LargeUtf8, DataType::Utf8View] {
            assert_eq!(
                kind(dt),
                Kind::String(pdt::String {
                    type_variation_reference: 0,
                    collation: "UTF8_BINARY".into()
                })
            );
        }
        for dt in [
            DataType::Binary,
            DataType::LargeBinary,
            DataType::BinaryView,
            DataType::FixedSizeBinary(4),
        ] {
            assert!(matches!(kind(dt), Kind::Binary(_)));
        }
        assert!(matches!(kind(DataType::Date32), Kind::Date(_)));
        assert!(matches!(kind(DataType::Date64), Kind::Date(_)));
        assert!(matches!(
            kind(DataType::Timestamp(
                TimeUnit::Microsecond,
                Some("UTC".into())
            )),
            Kind::Timestamp(_)
        ));
        assert!(matches!(
            kind(DataType::Timestamp(
                TimeUnit::Nanosecond,
                Some("+01:00".into())
            )),
            Kind::Timestamp(_)
        ));
        assert!(matches!(
            kind(DataType::Timestamp(TimeUnit::Microsecond, None)),
            Kind::TimestampNtz(_)
        ));
        assert_eq!(
            kind(DataType::Duration(TimeUnit::Microsecond)),
            Kind::DayTimeInterval(pdt::DayTimeInterval {
                start_field: Some(0),
                end_field: Some(3),
                type_variation_reference: 0
            })
        );
        assert_eq!(
            kind(DataType::Interval(IntervalUnit::YearMonth)),
            Kind::YearMonthInterval(pdt::YearMonthInterval {
                start_field: Some(0),
                end_field: Some(1),
                type_variation_reference: 0
            })
        );
        assert!(matches!(
            kind(DataType::Interval(IntervalUnit::MonthDayNano)),
            Kind::CalendarInterval(_)
        ));
        assert!(matches!(
            kind(DataType::Dictionary(
                Box::new(DataType::Int32),
                Box::new(DataType::Utf8)
            )),
            Kind::String(_)
        ));
    }

    #[test]
    fn to_proto_nested_and_lists() {
        let list = DataType::LargeList(Arc::new(Field::new("item", DataType::Int64, false)));
        let Some(Kind::Array(a)) = to_proto(&list).unwrap().kind else {
            panic!("expected an array")
        };
        assert!(!a.contains_null);
        assert!(matches!(a.element_type.unwrap().kind, Some(Kind::Long(_))));
        let map = map_type(DataType::Utf8, DataType::Int32, false);
        let Some(Kind::Map(m)) = to_proto(&map).unwrap().kind else {
            panic!("expected a map")
        };
        assert!(!m.value_contains_null);
        assert!(matches!(m.key_type.unwrap().kind, Some(Kind::String(_))));
        assert!(matches!(m.value_type.unwrap().kind, Some(Kind::Integer(_))));
    }

    #[test]
    fn to_proto_rejects_types_spark_lacks() {
        for dt in [
            DataType::UInt32,
            DataType::Float16,
            array_type(DataType::UInt8, true),
        ] {
            let err = to_proto(&dt).unwrap_err();
            assert_eq!(err.error_class(), "UNSUPPORTED_DATATYPE", "{dt}");
        }
        let schema = Fields::from(vec![Field::new("u", DataType::UInt64, true)]);
        assert!(schema_to_proto(&schema).is_err());
    }

    #[test]
    fn round_trip_through_proto() {
        let types = vec![
            DataType::Null,
            DataType::Boolean,
            DataType::Int8,
            DataType::Int16,
            DataType::Int32,
            DataType::Int64,
            DataType::Float32,
            DataType::Float64,
            DataType::Decimal128(38, 18),
            DataType::Utf8,
            DataType::Binary,
            DataType::Date32,
            timestamp_type(TZ),
            timestamp_ntz_type(),
            day_time_interval_type(),
            year_month_interval_type(),
            calendar_interval_type(),
            array_type(map_type(DataType::Utf8, DataType::Int32, true), true),
            DataType::Struct(Fields::from(vec![
                struct_field("x y", array_type(DataType::Int16, false), false, None),
                struct_field(
                    "z",
                    DataType::Struct(Fields::empty()),
                    true,
                    Some(r#"{"comment":"c","n":1}"#),
                ),
            ])),
        ];
        for dt in types {
            let back = from_proto(&to_proto(&dt).unwrap(), TZ).unwrap();
            assert_eq!(back, dt);
        }
    }

    #[test]
    fn schema_to_proto_builds_a_struct() {
        let fields = Fields::from(vec![
            Field::new("a", DataType::Int32, false),
            Field::new("b", DataType::Utf8, true),
        ]);
        let dt = schema_to_proto(&fields).unwrap();
        let Some(Kind::Struct(s)) = dt.kind else {
            panic!("expected a struct")
        };
        assert_eq!(s.fields.len(), 2);
        assert_eq!(s.fields[0].name, "a");
        assert!(!s.fields[0].nullable);
        assert!(s.fields[1].nullable);
        assert!(schema_to_proto(&Fields::empty()).is_ok());
    }
}
