//! Text of the values of JVM UDTs whose class's `toString` Ember knows, as
//! `show()` and `CAST(… AS STRING)` give them: Spark ML vectors
//! (`VectorUDT` columns, stored as their SQL type `struct<type: tinyint,
//! size: int, indices: array<int>, values: array<double>>`), dense
//! `[1.0,2.0]`, sparse `(3,[0],[4.0])`; and the points of Spark's test
//! `ExamplePointUDT` (stored as `array<double>`), `(1.0, 2.0)`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::common::{Result, exec_err};
use arrow::datatypes::{Field, Int8Type, Int32Type};
use ember_types::UserDefinedType;

use crate::display::{DisplayError, cast_strings};

/// The JVM classes of Spark's vector UDTs.
const VECTOR_UDT_CLASSES: [&str; 2] = ["org.apache.spark.ml.linalg.VectorUDT", "org.apache.spark.mllib.linalg.VectorUDT"];

/// The JVM class of Spark's test UDT of 2-D points.
const EXAMPLE_POINT_UDT_CLASS: &str = "org.apache.spark.sql.test.ExamplePointUDT";

/// Texts of values; `None` for NULL.
pub type Texts = Vec<Option<String>>;

/// Whether values of the JVM UDT `class` have a text Ember knows.
pub fn is_known_jvm_udt(class: &str) -> bool {
    VECTOR_UDT_CLASSES.contains(&class) || class == EXAMPLE_POINT_UDT_CLASS
}

/// The text of each value of the JVM UDT `class`; `None` when Ember does
/// not know its class's text.
pub fn jvm_udt_texts(class: &str, array: &dyn Array) -> Option<Result<Texts, DisplayError>> {
    if VECTOR_UDT_CLASSES.contains(&class) {
        Some(vector_texts(array))
    } else if class == EXAMPLE_POINT_UDT_CLASS {
        Some(point_texts(array))
    } else {
        None
    }
}

/// The text of each value of `field` when it holds a JVM UDT Ember knows
/// the text of; `None` otherwise.
pub fn udt_texts(field: &Field, array: &dyn Array) -> Option<Result<Texts, DisplayError>> {
    jvm_udt_texts(UserDefinedType::of(field)?.class.as_deref()?, array)
}

/// `CAST(… AS STRING)` of values of the JVM UDT `class` (the kernel's
/// context), one Ember knows the text of: their texts.
pub fn udt_to_string(args: &[ArrayRef], class: &str) -> Result<ArrayRef> {
    match jvm_udt_texts(class, args[0].as_ref()) {
        Some(Ok(texts)) => Ok(Arc::new(StringArray::from(texts))),
        Some(Err(err)) => exec_err!("{err}"),
        None => exec_err!("no text is known for values of {class}"),
    }
}

/// Each point's text, `(x, y)`.
fn point_texts(array: &dyn Array) -> Result<Texts, DisplayError> {
    let points = array.as_list_opt::<i32>().ok_or_else(|| DisplayError::UnsupportedType(array.data_type().clone()))?;
    (0..array.len())
        .map(|row| {
            if points.is_null(row) {
                return Ok(None);
            }
            let coordinates = cast_strings(points.value(row).as_ref())?;
            Ok(Some(format!("({})", coordinates.into_iter().map(Option::unwrap_or_default).collect::<Vec<_>>().join(", "))))
        })
        .collect()
}

/// Each vector's text.
fn vector_texts(array: &dyn Array) -> Result<Texts, DisplayError> {
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
    use arrow::array::{Float64Builder, Int8Array, Int32Array, Int32Builder, ListBuilder, StructArray};
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

    #[test]
    fn points_read_as_the_jvm_writes_them_and_other_udts_have_no_known_text() {
        let mut points = ListBuilder::new(Float64Builder::new());
        points.append_value([Some(-0.5), Some(1e10)]);
        points.append_null();
        let points = Arc::new(points.finish()) as ArrayRef;
        let string = udt_to_string(std::slice::from_ref(&points), EXAMPLE_POINT_UDT_CLASS).unwrap();
        assert_eq!(string.as_string::<i32>().iter().collect::<Vec<_>>(), vec![Some("(-0.5, 1.0E10)"), None]);
        let python_only = UserDefinedType { py_class: Some("m.PointUDT".into()), ..Default::default() };
        assert!(udt_texts(&python_only.tag(Field::new("p", points.data_type().clone(), true)), points.as_ref()).is_none());
        assert!(!is_known_jvm_udt("org.example.PointUDT"));
    }
}
