//! Spark's casts of VARIANT values to SQL types, for `variant_get`,
//! `try_variant_get` and `CAST(variant AS type)`: scalars from the value's
//! text, arrays from variant arrays, structs (fields matched by key) and
//! string-keyed maps from variant objects, nested to any depth. A value of
//! the wrong shape raises `INVALID_VARIANT_CAST` naming the innermost value
//! and type, or gives NULL in its place for the `try_` forms.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListArray, MapArray, StringArray, StructArray};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use datafusion::common::Result;
use datafusion::logical_expr::{ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use ember_errors::{ErrorKind, SparkError};

use crate::cast::{CastMode, cast_array, is_integral};
use crate::variant::{CastTarget, leaf_text, parts, standalone, variant_array};
use crate::variant_binary::{self, PathStep, ValueKind};

/// Whether Spark casts a variant to `t`: scalar types other than intervals
/// and TIME, VARIANT, and arrays, string-keyed maps and structs of those.
pub fn castable_from_variant(t: &DataType) -> bool {
    match t {
        DataType::Struct(fields) if ember_types::is_variant_fields(fields) => true,
        DataType::List(element) => castable_from_variant(element.data_type()),
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(kv) => kv.len() == 2 && crate::cast::is_string(kv[0].data_type()) && castable_from_variant(kv[1].data_type()),
            _ => false,
        },
        DataType::Struct(fields) => fields.iter().all(|f| castable_from_variant(f.data_type())),
        DataType::Boolean | DataType::Utf8 | DataType::Binary | DataType::Date32 | DataType::Timestamp(..) => true,
        t => t.is_numeric(),
    }
}

/// The value of `variant` at `path` (a string, checked row by row) cast to
/// `target` (see [`castable_from_variant`]); `fail` raises
/// `INVALID_VARIANT_CAST` where the value does not cast, else it gives NULL
/// there. `function` names the call in `INVALID_VARIANT_GET_PATH`.
pub fn variant_get(function: &'static str, variant: Expr, path: Expr, target: DataType, fail: bool) -> Expr {
    let target = nullable_throughout(&target);
    let signature = Signature::any(2, Volatility::Immutable);
    ScalarUDF::new_from_impl(VariantGet { function, target, fail, signature }).call(vec![variant, path])
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct VariantGet {
    function: &'static str,
    target: DataType,
    fail: bool,
    signature: Signature,
}

impl ScalarUDFImpl for VariantGet {
    fn name(&self) -> &str {
        self.function
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> Result<DataType> {
        Ok(self.target.clone())
    }
    fn return_field_from_args(&self, _: ReturnFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(self.function, self.target.clone(), true)))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let variants = args.args[0].to_array(rows)?;
        let paths = datafusion::arrow::compute::cast(&args.args[1].to_array(rows)?, &DataType::Utf8)?;
        let (variants, paths) = (variants.as_struct(), paths.as_string::<i32>());
        let mut parsed: Option<(&str, Vec<PathStep>)> = None;
        let mut values = Vec::with_capacity(rows);
        for i in 0..rows {
            if variants.is_null(i) || paths.is_null(i) {
                values.push(None);
                continue;
            }
            let path = paths.value(i);
            if parsed.as_ref().is_none_or(|(text, _)| *text != path) {
                let steps = variant_binary::parse_path(path).ok_or_else(|| invalid_path(path, self.function).into_datafusion())?;
                parsed = Some((path, steps));
            }
            let steps = parsed.as_ref().map(|(_, steps)| steps.as_slice()).unwrap_or_default();
            let (value, metadata) = parts(variants, i);
            values.push(variant_binary::value_at(value, metadata, steps).map(|value| (value, metadata)));
        }
        Ok(ColumnarValue::Array(cast_values(&values, &self.target, self.fail)?))
    }
}

/// `t` with every field, element and map value nullable, as the result of
/// a cast from a variant is (JSON `null` may be anywhere).
fn nullable_throughout(t: &DataType) -> DataType {
    let field = |f: &FieldRef| Arc::new(f.as_ref().clone().with_data_type(nullable_throughout(f.data_type())).with_nullable(true));
    match t {
        DataType::Struct(fields) if ember_types::is_variant_fields(fields) => t.clone(),
        DataType::List(element) => DataType::List(field(element)),
        DataType::Map(entries, sorted) => match entries.data_type() {
            DataType::Struct(kv) => {
                let kv: Fields = vec![kv[0].clone(), field(&kv[1])].into();
                DataType::Map(Arc::new(entries.as_ref().clone().with_data_type(DataType::Struct(kv))), *sorted)
            }
            _ => t.clone(),
        },
        DataType::Struct(fields) => DataType::Struct(fields.iter().map(field).collect::<Vec<_>>().into()),
        _ => t.clone(),
    }
}

/// A variant value and the metadata its keys are read with.
type Value<'a> = (&'a [u8], &'a [u8]);

/// Casts each value to `target`; NULL and JSON `null` give NULL at any depth.
fn cast_values(values: &[Option<Value>], target: &DataType, fail: bool) -> Result<ArrayRef> {
    let values: Vec<Option<Value>> = values.iter().map(|v| v.filter(|(value, _)| !variant_binary::is_variant_null(value))).collect();
    match target {
        DataType::Struct(fields) if ember_types::is_variant_fields(fields) => {
            variant_array(values.iter().map(|v| v.and_then(|(value, metadata)| standalone(value, metadata))).collect())
        }
        DataType::List(element) => {
            let (mut lengths, mut valid, mut items) = (Vec::new(), Vec::new(), Vec::new());
            for v in &values {
                let children = shaped(*v, ValueKind::Array, target, fail)?;
                lengths.push(children.as_ref().map_or(0, Vec::len));
                valid.push(children.is_some());
                items.extend(children.into_iter().flatten().map(|(_, child)| Some(child)));
            }
            let items = cast_values(&items, element.data_type(), fail)?;
            Ok(Arc::new(ListArray::try_new(element.clone(), OffsetBuffer::from_lengths(lengths), items, Some(NullBuffer::from(valid)))?))
        }
        DataType::Map(entries, sorted) => {
            let DataType::Struct(kv) = entries.data_type() else { unreachable!("map entries are structs") };
            let (mut lengths, mut valid, mut keys, mut items) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
            for v in &values {
                let children = shaped(*v, ValueKind::Object, target, fail)?;
                lengths.push(children.as_ref().map_or(0, Vec::len));
                valid.push(children.is_some());
                for (key, child) in children.into_iter().flatten() {
                    keys.push(key.unwrap_or_default().to_string());
                    items.push(Some(child));
                }
            }
            let columns = vec![Arc::new(StringArray::from(keys)) as ArrayRef, cast_values(&items, kv[1].data_type(), fail)?];
            let entries_array = StructArray::try_new(kv.clone(), columns, None)?;
            let nulls = Some(NullBuffer::from(valid));
            Ok(Arc::new(MapArray::try_new(entries.clone(), OffsetBuffer::from_lengths(lengths), entries_array, nulls, *sorted)?))
        }
        DataType::Struct(fields) => cast_struct(&values, fields, target, fail),
        scalar => cast_scalars(&values, scalar, fail),
    }
}

/// The fields of an object or the elements of an array when `v` is one
/// (`kind`), `None` for NULL; a value of another shape fails the cast.
fn shaped<'a>(v: Option<Value<'a>>, kind: ValueKind, target: &DataType, fail: bool) -> Result<Option<Vec<(Option<&'a str>, Value<'a>)>>> {
    let Some((value, metadata)) = v else { return Ok(None) };
    if variant_binary::kind(value) != Some(kind) {
        return invalid_cast(value, metadata, target, fail).map(|()| None);
    }
    let children = variant_binary::entries(value, metadata).ok_or_else(crate::variant::malformed_variant)?;
    Ok(Some(children.into_iter().map(|(key, child)| (key, (child, metadata))).collect()))
}

/// A struct from objects: each field takes the object's field of the same
/// name (NULL when there is none).
fn cast_struct(values: &[Option<Value>], fields: &Fields, target: &DataType, fail: bool) -> Result<ArrayRef> {
    let mut columns: Vec<Vec<Option<Value>>> = vec![Vec::with_capacity(values.len()); fields.len()];
    let mut valid = Vec::with_capacity(values.len());
    for v in values {
        let children = shaped(*v, ValueKind::Object, target, fail)?;
        valid.push(children.is_some());
        for (field, column) in fields.iter().zip(&mut columns) {
            let child = children.as_ref().and_then(|c| c.iter().find(|(key, _)| *key == Some(field.name().as_str())));
            column.push(child.map(|(_, child)| *child));
        }
    }
    let arrays = fields.iter().zip(&columns).map(|(field, column)| cast_values(column, field.data_type(), fail)).collect::<Result<Vec<_>>>()?;
    Ok(Arc::new(StructArray::try_new(fields.clone(), arrays, Some(NullBuffer::from(valid)))?))
}

/// Scalars cast from each value's text (integers through a decimal, so
/// `1.9` gives 1); a value that does not cast fails or gives NULL.
fn cast_scalars(values: &[Option<Value>], target: &DataType, fail: bool) -> Result<ArrayRef> {
    let kind = match target {
        DataType::Boolean => CastTarget::Boolean,
        t if t.is_numeric() => CastTarget::Number,
        _ => CastTarget::Other,
    };
    let mut castable = Vec::with_capacity(values.len());
    for v in values {
        let kind_of = |(value, _): &Value| variant_binary::kind(value).unwrap_or(ValueKind::Other);
        match v {
            Some(v) if !scalar_castable(kind_of(v), target) => {
                invalid_cast(v.0, v.1, target, fail)?;
                castable.push(None);
            }
            v => castable.push(*v),
        }
    }
    let values = castable.as_slice();
    let texts: ArrayRef = Arc::new(values.iter().map(|v| v.and_then(|(value, metadata)| leaf_text(value, metadata, kind))).collect::<StringArray>());
    let spark = |e: SparkError| e.into_datafusion();
    let texts = if is_integral(target) { cast_array(&texts, &DataType::Decimal128(38, 9), CastMode::Try).map_err(spark)? } else { texts };
    let cast = cast_array(&texts, target, CastMode::Try).map_err(spark)?;
    for (i, v) in values.iter().enumerate() {
        if let (Some((value, metadata)), true) = (v, cast.is_null(i)) {
            invalid_cast(value, metadata, target, fail)?;
        }
    }
    Ok(cast)
}

/// Whether Spark casts a variant value of `kind` to the scalar type
/// `target` at all (the value's text may still not cast): objects and
/// arrays only to STRING, only strings to BINARY and DATE, booleans not to
/// datetimes.
fn scalar_castable(kind: ValueKind, target: &DataType) -> bool {
    match (kind, target) {
        (_, DataType::Utf8) | (ValueKind::String | ValueKind::Other, _) => true,
        (ValueKind::Object | ValueKind::Array, _) | (_, DataType::Binary | DataType::Date32) => false,
        (ValueKind::Boolean, DataType::Timestamp(..)) => false,
        _ => true,
    }
}

/// `INVALID_VARIANT_CAST` for `value` when `fail`; nothing otherwise (the
/// value becomes NULL).
fn invalid_cast(value: &[u8], metadata: &[u8], target: &DataType, fail: bool) -> Result<()> {
    if !fail {
        return Ok(());
    }
    let json = variant_binary::to_json(value, metadata).ok_or_else(crate::variant::malformed_variant)?;
    let type_name = ember_types::sql_string(target);
    Err(SparkError::new(
        ErrorKind::Runtime,
        "INVALID_VARIANT_CAST",
        "22023",
        format!("The variant value `{json}` cannot be cast into `\"{type_name}\"`. Please use `try_variant_get` instead."),
        &[("value", json), ("dataType", format!("\"{type_name}\""))],
    )
    .into_datafusion())
}

/// `INVALID_VARIANT_GET_PATH` for a path that is not `$` followed by steps.
pub fn invalid_path(path: &str, function: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Runtime,
        "INVALID_VARIANT_GET_PATH",
        "22023",
        format!("The path `{path}` is not a valid variant extraction path in ``{function}``."),
        &[("path", path.to_string()), ("functionName", format!("`{function}`"))],
    )
}
