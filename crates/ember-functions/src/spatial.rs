//! Spark's geospatial functions over `GEOMETRY`/`GEOGRAPHY` values (Arrow
//! structs of `srid` and little-endian `wkb`, see [`ember_types::spatial`]):
//! `st_geomfromwkb`, `st_geogfromwkb`, `st_asbinary`, `st_srid` and
//! `st_setsrid`, and the text `show()` prints for a value.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BinaryArray, Int32Array, StructArray};
use datafusion::arrow::datatypes::{DataType, Int32Type};
use datafusion::common::Result;
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};
use ember_types::spatial::{SpatialKind, check_srid};

use crate::kernel_udf::KernelUdf;
use crate::wkb::{self, WkbError};

/// `WKB_PARSE_ERROR` for WKB Spark cannot read.
fn wkb_parse_error(e: WkbError) -> datafusion::common::DataFusionError {
    SparkError::new(
        ErrorKind::IllegalArgument,
        "WKB_PARSE_ERROR",
        "22023",
        format!("Error parsing WKB: {} at position {}", e.message, e.position),
        &[("parseError", e.message.clone()), ("pos", e.position.to_string())],
    )
    .into_datafusion()
}

/// `ST_INVALID_SRID_VALUE` for an SRID a value of `kind` cannot have.
fn checked_srid(kind: SpatialKind, srid: i32) -> Result<i32> {
    check_srid(kind, i64::from(srid)).map_err(|e| ember_errors::from_type_error(e).into_datafusion())
}

/// A kernel's context: the result's kind and declared SRID.
fn context_of(kind: SpatialKind, return_type: &DataType) -> String {
    let srid = ember_types::spatial_of(return_type).map_or(ember_types::ANY_SRID, |(_, srid)| srid);
    format!("{}:{srid}", kind.name())
}

/// The kind and the result type a kernel's context names.
fn parse_context(context: &str) -> (SpatialKind, DataType) {
    let (name, srid) = context.split_once(':').unwrap_or((context, "-1"));
    let kind = if name == "geography" { SpatialKind::Geography } else { SpatialKind::Geometry };
    (kind, ember_types::spatial_type(kind, srid.parse().unwrap_or(ember_types::ANY_SRID)))
}

/// Spatial values of `return_type` from per-row optional `(srid, wkb)`.
fn spatial_array(return_type: &DataType, rows: Vec<Option<(i32, Vec<u8>)>>) -> Result<ArrayRef> {
    let DataType::Struct(fields) = return_type else { unreachable!("a spatial type is a struct") };
    let srids = Int32Array::from_iter_values(rows.iter().map(|r| r.as_ref().map_or(0, |(srid, _)| *srid)));
    let wkbs = BinaryArray::from_iter_values(rows.iter().map(|r| r.as_ref().map_or(&[][..], |(_, wkb)| wkb.as_slice())));
    let nulls = rows.iter().map(Option::is_some).collect::<Vec<_>>();
    Ok(Arc::new(StructArray::try_new(fields.clone(), vec![Arc::new(srids), Arc::new(wkbs)], Some(nulls.into()))?))
}

fn parts(values: &StructArray) -> (&Int32Array, &BinaryArray) {
    (values.column(0).as_primitive::<Int32Type>(), values.column(1).as_binary::<i32>())
}

/// `st_geomfromwkb(wkb, srid)` (`kind` Geometry) or `st_geogfromwkb(wkb)`
/// (`kind` Geography, `srid` 4326), of type `return_type`: the geometry
/// read from WKB of any byte order, kept as little-endian WKB.
pub fn from_wkb(kind: SpatialKind, return_type: DataType, wkb: Expr, srid: Expr) -> Expr {
    let name = match kind {
        SpatialKind::Geometry => "st_geomfromwkb",
        SpatialKind::Geography => "st_geogfromwkb",
    };
    let wkb = datafusion::logical_expr::cast(wkb, DataType::Binary);
    let context = context_of(kind, &return_type);
    KernelUdf::call_null_intolerant(name, return_type, from_wkb_kernel, &context, vec![wkb, srid])
}

fn from_wkb_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let (kind, return_type) = parse_context(context);
    let (wkbs, srids) = (args[0].as_binary::<i32>(), args[1].as_primitive::<Int32Type>());
    let mut rows = Vec::with_capacity(wkbs.len());
    for (wkb, srid) in wkbs.iter().zip(srids.iter()) {
        rows.push(match (wkb, srid) {
            (Some(wkb), Some(srid)) => {
                let srid = checked_srid(kind, srid)?;
                let normalized = wkb::transcode(wkb, kind == SpatialKind::Geography, false).map_err(wkb_parse_error)?;
                Some((srid, normalized))
            }
            _ => None,
        });
    }
    spatial_array(&return_type, rows)
}

/// `st_setsrid(geo, srid)` of type `return_type`: the same geometry with
/// another SRID (`ST_INVALID_SRID_VALUE` for one its kind cannot have).
pub fn set_srid(kind: SpatialKind, return_type: DataType, geo: Expr, srid: Expr) -> Expr {
    let context = context_of(kind, &return_type);
    KernelUdf::call_null_intolerant("st_setsrid", return_type, set_srid_kernel, &context, vec![geo, srid])
}

fn set_srid_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let (kind, return_type) = parse_context(context);
    let (values, srids) = (args[0].as_struct(), args[1].as_primitive::<Int32Type>());
    let (_, wkbs) = parts(values);
    let mut rows = Vec::with_capacity(values.len());
    for i in 0..values.len() {
        rows.push(match (values.is_valid(i), srids.is_valid(i)) {
            (true, true) => Some((checked_srid(kind, srids.value(i))?, wkbs.value(i).to_vec())),
            _ => None,
        });
    }
    spatial_array(&return_type, rows)
}

/// The same values as spatial type `target` (a cast Spark allows).
pub fn retag(geo: Expr, target: DataType) -> Expr {
    let context = ember_types::spatial_of(&target).map_or_else(String::new, |(kind, _)| context_of(kind, &target));
    KernelUdf::call_null_intolerant("cast", target, retag_kernel, &context, vec![geo])
}

fn retag_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let (_, target) = parse_context(context);
    let DataType::Struct(fields) = target else { unreachable!("a spatial type is a struct") };
    let values = args[0].as_struct();
    Ok(Arc::new(StructArray::try_new(fields, values.columns().to_vec(), values.nulls().cloned())?))
}

/// `st_srid(geo)`: the value's SRID.
pub fn srid(geo: Expr) -> Expr {
    KernelUdf::call_null_intolerant("st_srid", DataType::Int32, srid_kernel, "", vec![geo])
}

fn srid_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let values = args[0].as_struct();
    let (srids, _) = parts(values);
    Ok(Arc::new(Int32Array::new(srids.values().clone(), values.nulls().cloned())))
}

/// `st_asbinary(geo, endianness)`: the value's WKB in byte order `NDR`
/// (little-endian) or `XDR` (big-endian), any case;
/// `ST_INVALID_ENDIANNESS_VALUE` for anything else.
pub fn as_binary(geo: Expr, endianness: Expr) -> Expr {
    let endianness = datafusion::logical_expr::cast(endianness, DataType::Utf8);
    KernelUdf::call_null_intolerant("st_asbinary", DataType::Binary, as_binary_kernel, "", vec![geo, endianness])
}

fn as_binary_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let (values, orders) = (args[0].as_struct(), args[1].as_string::<i32>());
    let (_, wkbs) = parts(values);
    let mut out: Vec<Option<Vec<u8>>> = Vec::with_capacity(values.len());
    for i in 0..values.len() {
        if values.is_null(i) || orders.is_null(i) {
            out.push(None);
            continue;
        }
        let big_endian = match orders.value(i).to_ascii_uppercase().as_str() {
            "NDR" => false,
            "XDR" => true,
            _ => return Err(invalid_endianness(orders.value(i))),
        };
        out.push(Some(if big_endian { wkb::transcode(wkbs.value(i), false, true).map_err(wkb_parse_error)? } else { wkbs.value(i).to_vec() }));
    }
    Ok(Arc::new(BinaryArray::from_iter(out)))
}

fn invalid_endianness(endianness: &str) -> datafusion::common::DataFusionError {
    SparkError::new(
        ErrorKind::IllegalArgument,
        "ST_INVALID_ENDIANNESS_VALUE",
        "22023",
        format!("Endianness '{endianness}' must be either 'NDR' (little-endian) or 'XDR' (big-endian)."),
        &[("endianness", endianness.to_string())],
    )
    .into_datafusion()
}

/// Checks the spatial values anywhere in `array` (nested in structs, arrays
/// and maps too) against their declared types, as Spark's encoder does with
/// the values a client sends: a value of a fixed-SRID type must carry that
/// SRID (`GEO_ENCODER_SRID_MISMATCH_ERROR`), a value of an `ANY` type an SRID
/// valid for its kind (`ST_INVALID_SRID_VALUE`).
pub fn check_value_srids(array: &dyn Array) -> std::result::Result<(), SparkError> {
    match array.data_type() {
        DataType::Struct(fields) => {
            let values = array.as_struct();
            match ember_types::spatial::spatial_of_fields(fields) {
                Some((kind, type_srid)) => {
                    let (srids, _) = parts(values);
                    (0..values.len()).filter(|&i| values.is_valid(i)).try_for_each(|i| check_value_srid(kind, type_srid, srids.value(i)))
                }
                None => values.columns().iter().try_for_each(|column| check_value_srids(column.as_ref())),
            }
        }
        DataType::List(_) => check_value_srids(array.as_list::<i32>().values().as_ref()),
        DataType::LargeList(_) => check_value_srids(array.as_list::<i64>().values().as_ref()),
        DataType::FixedSizeList(..) => check_value_srids(array.as_fixed_size_list().values().as_ref()),
        DataType::Map(..) => check_value_srids(array.as_map().entries()),
        _ => Ok(()),
    }
}

fn check_value_srid(kind: SpatialKind, type_srid: i32, srid: i32) -> std::result::Result<(), SparkError> {
    if type_srid == ember_types::ANY_SRID {
        return check_srid(kind, i64::from(srid)).map(|_| ()).map_err(ember_errors::from_type_error);
    }
    if srid == type_srid {
        return Ok(());
    }
    let type_name = kind.name().to_uppercase();
    Err(SparkError::new(
        ErrorKind::Runtime,
        "GEO_ENCODER_SRID_MISMATCH_ERROR",
        "42K09",
        format!("Failed to encode {type_name} value because provided SRID {srid} of a value to encode does not match type SRID: {type_srid}."),
        &[("type", type_name.clone()), ("typeSrid", type_srid.to_string()), ("valueSrid", srid.to_string())],
    ))
}

/// What `show()` prints for the spatial value in row `i` of `values`: the
/// JVM's default text of Spark's internal value, a `BinaryView` of the SRID
/// (4 bytes, little-endian) and the WKB, named by its Murmur3 hash.
pub fn display_text(values: &StructArray, i: usize) -> String {
    let (srids, wkbs) = parts(values);
    let bytes = [&srids.value(i).to_le_bytes()[..], wkbs.value(i)].concat();
    format!("org.apache.spark.unsafe.types.BinaryView@{:x}", crate::hash::hash_bytes(&bytes, 42))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn show_text_names_spark_s_hash_of_srid_and_wkb() {
        let point = hex("0101000000000000000000F03F0000000000000040");
        let text = |srid: i32| {
            let array = spatial_array(&ember_types::spatial_type(SpatialKind::Geometry, srid), vec![Some((srid, point.clone()))]).unwrap();
            display_text(array.as_struct(), 0)
        };
        // Recorded from Spark 4.3's show().
        assert_eq!(text(0), "org.apache.spark.unsafe.types.BinaryView@5f0eedb6");
        assert_eq!(text(4326), "org.apache.spark.unsafe.types.BinaryView@15dc1861");
        assert_eq!(text(3857), "org.apache.spark.unsafe.types.BinaryView@fc4ac8a6");
    }

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
    }
}
