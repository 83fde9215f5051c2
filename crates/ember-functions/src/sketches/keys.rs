//! The values Theta and Tuple sketches count, hashed as the Java
//! DataSketches `update` methods Spark calls hash them: integers as one
//! `long`, floating-point numbers as the bits of a canonical `double`,
//! strings as their UTF-8 bytes and binaries as their bytes (empty ones are
//! not counted).

use std::hash::{Hash, Hasher};

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::common::{DataFusionError, Result};

/// One value to count.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SketchKey<'a> {
    Long(i64),
    Double(f64),
    Bytes(&'a [u8]),
}

impl Hash for SketchKey<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            SketchKey::Long(v) => state.write(&v.to_le_bytes()),
            SketchKey::Double(v) => {
                // Java's `Double.doubleToLongBits` of 0.0 for both zeros, one NaN.
                let canonical = if *v == 0.0 { 0.0f64 } else if v.is_nan() { f64::NAN } else { *v };
                state.write(&canonical.to_bits().to_le_bytes())
            }
            SketchKey::Bytes(bytes) => state.write(bytes),
        }
    }
}

/// Whether a sketch can count values of `data_type`.
pub fn is_key_type(data_type: &DataType) -> bool {
    data_type.is_integer()
        || matches!(
            data_type,
            DataType::Float32
                | DataType::Float64
                | DataType::Utf8
                | DataType::LargeUtf8
                | DataType::Utf8View
                | DataType::Binary
                | DataType::LargeBinary
                | DataType::BinaryView
                | DataType::Null
        )
}

/// Calls `visit` with the row number and value of every row that counts.
pub(crate) fn for_each_key(array: &ArrayRef, mut visit: impl FnMut(usize, SketchKey<'_>)) -> Result<()> {
    let data_type = array.data_type();
    if data_type.is_integer() {
        let longs = cast(array, &DataType::Int64)?;
        for (row, v) in longs.as_primitive::<Int64Type>().iter().enumerate() {
            if let Some(v) = v {
                visit(row, SketchKey::Long(v));
            }
        }
        return Ok(());
    }
    let mut bytes = |row: usize, value: Option<&[u8]>| {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            visit(row, SketchKey::Bytes(value));
        }
    };
    match data_type {
        DataType::Float32 | DataType::Float64 => {
            let doubles = cast(array, &DataType::Float64)?;
            for (row, v) in doubles.as_primitive::<Float64Type>().iter().enumerate() {
                if let Some(v) = v {
                    visit(row, SketchKey::Double(v));
                }
            }
        }
        DataType::Utf8 => array.as_string::<i32>().iter().enumerate().for_each(|(r, v)| bytes(r, v.map(str::as_bytes))),
        DataType::LargeUtf8 => array.as_string::<i64>().iter().enumerate().for_each(|(r, v)| bytes(r, v.map(str::as_bytes))),
        DataType::Utf8View => array.as_string_view().iter().enumerate().for_each(|(r, v)| bytes(r, v.map(str::as_bytes))),
        DataType::Binary => array.as_binary::<i32>().iter().enumerate().for_each(|(r, v)| bytes(r, v)),
        DataType::LargeBinary => array.as_binary::<i64>().iter().enumerate().for_each(|(r, v)| bytes(r, v)),
        DataType::BinaryView => array.as_binary_view().iter().enumerate().for_each(|(r, v)| bytes(r, v)),
        DataType::Null => {}
        other => return Err(DataFusionError::Plan(format!("a sketch cannot count values of type {other}"))),
    }
    Ok(())
}
