//! Text of Spark ML vectors (`VectorUDT` columns, stored as their SQL type
//! `struct<type: tinyint, size: int, indices: array<int>, values:
//! array<double>>`) as the JVM's `toString` writes them, which `show()`
//! prints: dense `[1.0,2.0]`, sparse `(3,[0],[4.0])`.

use arrow::array::{Array, AsArray};
use arrow::datatypes::{Field, Int8Type, Int32Type};
use ember_types::UserDefinedType;

use crate::display::{DisplayError, cast_strings};

/// The JVM classes of Spark's vector UDTs.
const VECTOR_UDT_CLASSES: [&str; 2] = ["org.apache.spark.ml.linalg.VectorUDT", "org.apache.spark.mllib.linalg.VectorUDT"];

/// Whether `field` holds ML vectors.
pub fn is_vector_field(field: &Field) -> bool {
    UserDefinedType::of(field).and_then(|udt| udt.class).is_some_and(|class| VECTOR_UDT_CLASSES.contains(&class.as_str()))
}

/// Each vector's text; `None` for NULL.
pub fn vector_texts(array: &dyn Array) -> Result<Vec<Option<String>>, DisplayError> {
    let unsupported = || DisplayError::UnsupportedType(array.data_type().clone());
    let vectors = array.as_struct_opt().ok_or_else(unsupported)?;
    let child = |name: &str| vectors.column_by_name(name).ok_or_else(unsupported);
    let (kinds, sizes) = (child("type")?.as_primitive::<Int8Type>(), child("size")?.as_primitive::<Int32Type>());
    let (indices, values) = (child("indices")?.as_list::<i32>(), child("values")?.as_list::<i32>());
    let joined = |list: &arrow::array::ListArray, row: usize| -> Result<String, DisplayError> {
        let texts = cast_strings(list.value(row).as_ref())?;
        Ok(format!("[{}]", texts.into_iter().map(Option::unwrap_or_default).collect::<Vec<_>>().join(",")))
    };
    (0..array.len())
        .map(|row| {
            if vectors.is_null(row) {
                return Ok(None);
            }
            Ok(Some(match kinds.value(row) {
                // Sparse: (size,[indices],[values]).
                0 => format!("({},{},{})", sizes.value(row), joined(indices, row)?, joined(values, row)?),
                _ => joined(values, row)?,
            }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{ArrayRef, Float64Builder, Int8Array, Int32Array, Int32Builder, ListBuilder, StructArray};
    use arrow::datatypes::{DataType, Fields};

    use super::*;

    #[test]
    fn dense_and_sparse_vectors_read_as_the_jvm_writes_them() {
        let mut indices = ListBuilder::new(Int32Builder::new());
        let mut values = ListBuilder::new(Float64Builder::new());
        indices.append_null();
        values.append_value([Some(1.0), Some(2.5)]);
        indices.append_value([Some(0)]);
        values.append_value([Some(4.0)]);
        let (indices, values) = (Arc::new(indices.finish()) as ArrayRef, Arc::new(values.finish()) as ArrayRef);
        let fields = Fields::from(vec![
            Field::new("type", DataType::Int8, false),
            Field::new("size", DataType::Int32, true),
            Field::new("indices", indices.data_type().clone(), true),
            Field::new("values", values.data_type().clone(), true),
        ]);
        let columns: Vec<ArrayRef> = vec![Arc::new(Int8Array::from(vec![1, 0])), Arc::new(Int32Array::from(vec![None, Some(3)])), indices, values];
        let vectors = StructArray::new(fields, columns, None);
        assert_eq!(vector_texts(&vectors).unwrap(), vec![Some("[1.0,2.5]".to_string()), Some("(3,[0],[4.0])".to_string())]);
    }
}
