//! Spark's VARIANT functions over the Arrow form of a variant (a struct of
//! binary `value` and `metadata`, see [`ember_types::variant_type`]):
//! `parse_json`/`try_parse_json`, `to_json`, `is_variant_null`,
//! `is_valid_variant` and the values `variant_get` starts from.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BinaryArray, BooleanArray, Int32Array, ListArray, StringArray, StructArray};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::Result;
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;
use crate::variant_binary::{self, ValueKind, Variant};

/// `parse_json(text)`; with `fail`, malformed text raises
/// `MALFORMED_RECORD_IN_PARSING`, else it gives NULL (`try_parse_json`).
pub fn parse_json(text: Expr, fail: bool) -> Expr {
    let text = datafusion::logical_expr::cast(text, DataType::Utf8);
    let context = if fail { "fail" } else { "null" };
    if fail {
        KernelUdf::call_null_intolerant("parse_json", ember_types::variant_type(), parse_json_kernel, context, vec![text])
    } else {
        KernelUdf::call("try_parse_json", ember_types::variant_type(), parse_json_kernel, context, vec![text])
    }
}

fn malformed(text: &str) -> datafusion::common::DataFusionError {
    // Spark raises this one as a plain SparkException.
    SparkError::new(
        ErrorKind::Internal,
        "MALFORMED_RECORD_IN_PARSING.WITHOUT_SUGGESTION",
        "22023",
        format!("Malformed records are detected in record parsing: {text}."),
        &[("badRecord", text.to_string()), ("failFastMode", "FAILFAST".to_string())],
    )
    .into_datafusion()
}

/// Arrow variants from optional variants.
pub fn variant_array(variants: Vec<Option<Variant>>) -> Result<ArrayRef> {
    let nulls = NullBuffer::from(variants.iter().map(Option::is_some).collect::<Vec<_>>());
    let value = BinaryArray::from_iter_values(variants.iter().map(|v| v.as_ref().map_or(&[][..], |v| v.value.as_slice())));
    let metadata = BinaryArray::from_iter_values(variants.iter().map(|v| v.as_ref().map_or(&[][..], |v| v.metadata.as_slice())));
    let DataType::Struct(fields) = ember_types::variant_type() else { unreachable!("a variant is a struct") };
    Ok(Arc::new(StructArray::try_new(fields, vec![Arc::new(value), Arc::new(metadata)], Some(nulls))?))
}

fn parse_json_kernel(args: &[ArrayRef], context: &str) -> Result<ArrayRef> {
    let texts = args[0].as_string::<i32>();
    let mut out = Vec::with_capacity(texts.len());
    for text in texts.iter() {
        out.push(match text.map(|t| (t, variant_binary::parse_json(t))) {
            None => None,
            Some((_, Ok(v))) => Some(v),
            Some((t, Err(_))) if context == "fail" => return Err(malformed(t)),
            Some((_, Err(_))) => None,
        });
    }
    variant_array(out)
}

/// The `value` and `metadata` bytes of row `i` of a variant array.
pub(crate) fn parts(variants: &StructArray, i: usize) -> (&[u8], &[u8]) {
    (variants.column(0).as_binary::<i32>().value(i), variants.column(1).as_binary::<i32>().value(i))
}

/// `to_json(variant)`: the JSON text of each variant.
pub fn to_json(variant: Expr) -> Expr {
    KernelUdf::call_null_intolerant("to_json", DataType::Utf8, to_json_kernel, "", vec![variant])
}

fn to_json_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let variants = args[0].as_struct();
    let texts = (0..variants.len()).map(|i| {
        if variants.is_null(i) {
            return Ok(None);
        }
        let (value, metadata) = parts(variants, i);
        variant_binary::to_json(value, metadata).map(Some).ok_or_else(|| malformed_variant())
    });
    Ok(Arc::new(texts.collect::<Result<StringArray>>()?))
}

/// `MALFORMED_VARIANT`: bytes that do not decode.
pub(crate) fn malformed_variant() -> datafusion::common::DataFusionError {
    SparkError::new(ErrorKind::Runtime, "MALFORMED_VARIANT", "22023", "Variant binary is malformed. Please check the data source is valid.", &[])
        .into_datafusion()
}

/// `is_variant_null(variant)`: whether the variant holds JSON `null` (a SQL
/// NULL gives false).
pub fn is_variant_null(variant: Expr) -> Expr {
    // IS TRUE marks the result as never NULL, as Spark's is.
    let flag = KernelUdf::call_null_intolerant("is_variant_null", DataType::Boolean, is_variant_null_kernel, "", vec![variant]);
    Expr::IsTrue(Box::new(flag))
}

fn is_variant_null_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let variants = args[0].as_struct();
    let flags = (0..variants.len()).map(|i| Some(variants.is_valid(i) && variant_binary::is_variant_null(parts(variants, i).0)));
    Ok(Arc::new(flags.collect::<BooleanArray>()))
}

/// `is_valid_variant(variant)`: whether the bytes decode (NULL for NULL).
pub fn is_valid_variant(variant: Expr) -> Expr {
    KernelUdf::call_null_intolerant("is_valid_variant", DataType::Boolean, is_valid_variant_kernel, "", vec![variant])
}

fn is_valid_variant_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let variants = args[0].as_struct();
    let flags = (0..variants.len()).map(|i| {
        variants.is_valid(i).then(|| {
            let (value, metadata) = parts(variants, i);
            variant_binary::to_json(value, metadata).is_some()
        })
    });
    Ok(Arc::new(flags.collect::<BooleanArray>()))
}

/// The JSON text of row `i` of a variant array, for `show()` and casts to
/// string; malformed bytes print as nothing.
pub(crate) fn display_json(variants: &StructArray, i: usize) -> String {
    let (value, metadata) = parts(variants, i);
    variant_binary::to_json(value, metadata).unwrap_or_default()
}

/// What a cast of a variant's value aims at, which decides how booleans
/// and numbers cross over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CastTarget {
    /// A number type: `true`/`false` read as 1/0.
    Number,
    /// BOOLEAN: a number is true unless it is zero.
    Boolean,
    /// Any other type.
    Other,
}

/// The text a cast of the variant value `value` to a scalar type starts
/// from (see [`variant_binary::cast_text`]), with booleans and numbers
/// crossing over as `target` wants; `None` for JSON `null`.
pub(crate) fn leaf_text(value: &[u8], metadata: &[u8], target: CastTarget) -> Option<String> {
    let text = variant_binary::cast_text(value, metadata)?;
    Some(match (target, variant_binary::kind(value)?) {
        (CastTarget::Number, ValueKind::Boolean) => if text == "true" { "1".to_string() } else { "0".to_string() },
        (CastTarget::Boolean, ValueKind::Integer | ValueKind::Double | ValueKind::Float | ValueKind::Decimal(..)) => {
            (text.parse::<f64>().is_ok_and(|x| x != 0.0)).to_string()
        }
        _ => text,
    })
}

/// A value inside a variant as a variant of its own.
pub(crate) fn standalone(value: &[u8], metadata: &[u8]) -> Option<Variant> {
    variant_binary::parse_json(&variant_binary::to_json(value, metadata)?).ok()
}

/// The type of `variant_explode`'s rows: structs of the position, the key
/// (NULL for array elements) and the value.
fn explode_rows_type() -> DataType {
    let fields = vec![
        Field::new("pos", DataType::Int32, false),
        Field::new("key", DataType::Utf8, true),
        Field::new("value", ember_types::variant_type(), false),
    ];
    DataType::List(Arc::new(Field::new("element", DataType::Struct(fields.into()), false)))
}

/// The rows `variant_explode` gives for each variant, as an array of
/// (`pos`, `key`, `value`) structs: one per field of an object or element
/// of an array, none for other values; NULL for NULL.
pub fn explode_rows(variant: Expr) -> Expr {
    KernelUdf::call("variant_explode", explode_rows_type(), explode_rows_kernel, "", vec![variant])
}

fn explode_rows_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let variants = args[0].as_struct();
    let (mut positions, mut keys, mut values, mut lengths) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for i in 0..variants.len() {
        let entries = variants.is_valid(i).then(|| parts(variants, i)).map(|(value, metadata)| {
            let entries = variant_binary::entries(value, metadata).unwrap_or_default();
            // Each value keeps the whole key dictionary, as in Spark.
            let part = |child: &[u8]| Variant { value: child.to_vec(), metadata: metadata.to_vec() };
            entries.into_iter().map(|(key, child)| (key.map(str::to_string), part(child))).collect::<Vec<_>>()
        });
        lengths.push(entries.as_ref().map_or(0, Vec::len));
        for (pos, (key, value)) in entries.iter().flatten().enumerate() {
            positions.push(pos as i32);
            keys.push(key.clone());
            values.push(Some(value.clone()));
        }
    }
    let DataType::List(row) = explode_rows_type() else { unreachable!("the rows are a list") };
    let DataType::Struct(fields) = row.data_type().clone() else { unreachable!("each row is a struct") };
    let columns: Vec<ArrayRef> = vec![Arc::new(Int32Array::from(positions)), Arc::new(StringArray::from(keys)), variant_array(values)?];
    let rows = StructArray::try_new(fields, columns, None)?;
    let nulls = NullBuffer::from((0..variants.len()).map(|i| variants.is_valid(i)).collect::<Vec<_>>());
    Ok(Arc::new(ListArray::try_new(row, OffsetBuffer::from_lengths(lengths), Arc::new(rows), Some(nulls))?))
}
