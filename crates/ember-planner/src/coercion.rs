//! Spark's type coercion where DataFusion's differs: the common type that
//! set operations widen each column to.

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use ember_functions::cast::is_string;

/// Spark's numeric precedence (narrowest first) of the non-decimal numbers.
fn numeric_rank(t: &DataType) -> Option<usize> {
    [DataType::Int8, DataType::Int16, DataType::Int32, DataType::Int64, DataType::Float32, DataType::Float64]
        .iter()
        .position(|n| n == t)
}

/// The decimal that holds every value of an integral type.
fn integral_as_decimal(t: &DataType) -> Option<(u8, i8)> {
    match t {
        DataType::Int8 => Some((3, 0)),
        DataType::Int16 => Some((5, 0)),
        DataType::Int32 => Some((10, 0)),
        DataType::Int64 => Some((20, 0)),
        _ => None,
    }
}

/// Whether ANSI's least common type of `own`, a FLOAT, and `other` is
/// DOUBLE: a FLOAT beside an integer, which it cannot hold exactly.
pub(crate) fn float_widens_beside(own: &DataType, other: &DataType) -> bool {
    let float_and_integer = |f: &DataType, i: &DataType| *f == DataType::Float32 && integral_as_decimal(i).is_some();
    float_and_integer(own, other) || float_and_integer(other, own)
}

/// Spark's wider common type of two column types (`findWiderTypeForTwo`, in
/// its ANSI variant when `ansi`), or `None` when they have none.
pub(crate) fn wider_type(a: &DataType, b: &DataType, ansi: bool) -> Option<DataType> {
    use DataType::*;
    if a == b {
        return Some(a.clone());
    }
    match (a, b) {
        (Null, t) | (t, Null) => Some(t.clone()),
        // One Spark type, however Arrow holds it (a file's strings are views).
        (s, t) if is_string(s) && is_string(t) => Some(if matches!(s, Utf8View) || matches!(t, Utf8View) { Utf8View } else { Utf8 }),
        (BinaryView, Binary | LargeBinary) | (Binary | LargeBinary, BinaryView) => Some(BinaryView),
        (LargeBinary, Binary) | (Binary, LargeBinary) => Some(Binary),
        (Decimal128(p1, s1), Decimal128(p2, s2)) => Some(wider_decimal((*p1, *s1), (*p2, *s2))),
        (Decimal128(p, s), t) | (t, Decimal128(p, s)) => match (integral_as_decimal(t), t) {
            (Some(d), _) => Some(wider_decimal((*p, *s), d)),
            (None, Float32 | Float64) => Some(Float64),
            (None, t) if is_string(t) => Some(if ansi { Float64 } else { Utf8 }),
            _ => None,
        },
        _ if ansi && float_widens_beside(a, b) => Some(Float64),
        (x, y) if numeric_rank(x).is_some() && numeric_rank(y).is_some() => {
            Some(if numeric_rank(x) > numeric_rank(y) { x.clone() } else { y.clone() })
        }
        (s, t) | (t, s) if is_string(s) && numeric_rank(t).is_some() => Some(if !ansi {
            Utf8
        } else if integral_as_decimal(t).is_some() {
            Int64
        } else {
            Float64
        }),
        (s, t) | (t, s) if is_string(s) && !ansi => match t {
            Date32 | Timestamp(..) | Boolean | Binary => Some(Utf8),
            _ => None,
        },
        (s, t @ (Date32 | Timestamp(..))) | (t @ (Date32 | Timestamp(..)), s) if is_string(s) => Some(t.clone()),
        // Under ANSI a string takes a boolean's or a binary's type (`CASE … THEN true ELSE 'x'`).
        (s, t @ (Boolean | Binary | LargeBinary | BinaryView)) | (t @ (Boolean | Binary | LargeBinary | BinaryView), s) if is_string(s) && ansi => {
            Some(t.clone())
        }
        (Date32, t @ Timestamp(..)) | (t @ Timestamp(..), Date32) => Some(t.clone()),
        // TIMESTAMP_NTZ beside TIMESTAMP widens to TIMESTAMP.
        (Timestamp(unit, Some(zone)), Timestamp(_, None)) | (Timestamp(_, None), Timestamp(unit, Some(zone))) => Some(Timestamp(*unit, Some(zone.clone()))),
        (List(x), List(y)) => Some(List(wider_field(x, y, ansi)?)),
        (Map(x, sorted), Map(y, _)) => Some(Map(wider_field(x, y, ansi)?, *sorted)),
        (Struct(_), Struct(_)) if ember_types::spatial_of(a).is_some() || ember_types::spatial_of(b).is_some() => {
            // Values of one spatial kind widen to a common SRID, or to ANY.
            match (ember_types::spatial_of(a)?, ember_types::spatial_of(b)?) {
                ((kind, x), (other, y)) if kind == other => Some(ember_types::spatial_type(kind, if x == y { x } else { ember_types::ANY_SRID })),
                _ => None,
            }
        }
        (Struct(xs), Struct(ys)) if xs.len() == ys.len() && xs.iter().zip(ys).all(|(x, y)| x.name().eq_ignore_ascii_case(y.name())) => {
            let fields = xs.iter().zip(ys).map(|(x, y)| wider_field(x, y, ansi)).collect::<Option<Vec<_>>>()?;
            Some(Struct(Fields::from(fields)))
        }
        _ => None,
    }
}

/// A nested field (array element, map entries, struct field) of the wider
/// type, nullable when either is (Spark's `containsNull`/`valueContainsNull`).
fn wider_field(x: &FieldRef, y: &FieldRef, ansi: bool) -> Option<FieldRef> {
    let data_type = wider_type(x.data_type(), y.data_type(), ansi)?;
    Some(Arc::new(Field::new(x.name(), data_type, x.is_nullable() || y.is_nullable())))
}

/// The decimal that holds both: the larger integer range and the larger scale,
/// at most 38 digits (Spark's `DecimalPrecision.widerDecimalType`).
fn wider_decimal((p1, s1): (u8, i8), (p2, s2): (u8, i8)) -> DataType {
    let scale = s1.max(s2);
    let range = (p1 as i16 - s1 as i16).max(p2 as i16 - s2 as i16);
    let precision = (range + scale as i16).min(38) as u8;
    DataType::Decimal128(precision, scale.min(precision as i8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_binaries_of_any_arrow_layout_are_one_type() {
        assert_eq!(wider_type(&DataType::Utf8View, &DataType::Utf8, true), Some(DataType::Utf8View));
        assert_eq!(wider_type(&DataType::LargeUtf8, &DataType::Utf8, false), Some(DataType::Utf8));
        assert_eq!(wider_type(&DataType::Binary, &DataType::BinaryView, true), Some(DataType::BinaryView));
        let list = |element: DataType| DataType::List(Arc::new(Field::new("item", element, true)));
        assert_eq!(wider_type(&list(DataType::Utf8View), &list(DataType::Utf8), true), Some(list(DataType::Utf8View)));
    }

    #[test]
    fn widens_nested_types_and_their_nullability() {
        let list = |element: DataType, nullable: bool| DataType::List(Arc::new(Field::new("item", element, nullable)));
        assert_eq!(wider_type(&list(DataType::Int32, false), &list(DataType::Int64, true), true), Some(list(DataType::Int64, true)));
        let point = |nullable: bool| DataType::Struct(Fields::from(vec![Field::new("x", DataType::Int32, nullable)]));
        assert_eq!(wider_type(&point(false), &point(true), true), Some(point(true)));
        assert_eq!(wider_type(&list(DataType::Int32, false), &DataType::Int32, true), None);
    }

    #[test]
    fn widens_spatial_types_to_a_common_srid() {
        let geometry = |srid| ember_types::spatial_type(ember_types::SpatialKind::Geometry, srid);
        assert_eq!(wider_type(&geometry(3857), &geometry(4326), true), Some(geometry(ember_types::ANY_SRID)));
        assert_eq!(wider_type(&geometry(0), &DataType::Null, true), Some(geometry(0)));
        let geography = ember_types::spatial_type(ember_types::SpatialKind::Geography, 4326);
        assert_eq!(wider_type(&geometry(4326), &geography, true), None);
    }

    #[test]
    fn widens_as_spark() {
        assert_eq!(wider_type(&DataType::Int32, &DataType::Float64, true), Some(DataType::Float64));
        assert_eq!(wider_type(&DataType::Int32, &DataType::Utf8, true), Some(DataType::Int64));
        assert_eq!(wider_type(&DataType::Int32, &DataType::Utf8, false), Some(DataType::Utf8));
        assert_eq!(
            wider_type(&DataType::Decimal128(5, 2), &DataType::Int32, true),
            Some(DataType::Decimal128(12, 2))
        );
        assert_eq!(wider_type(&DataType::Boolean, &DataType::Int32, true), None);
    }
}
