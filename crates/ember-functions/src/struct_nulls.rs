//! Struct values that are NULL as a whole, made NULL in each field too.
//!
//! Arrow lets a null struct slot keep field values (PySpark's local rows
//! send `0` and `''` there); DataFusion's `get_field` reads them as they
//! are, where Spark reads NULL. Batches from clients go through here.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, ListArray, RecordBatch, StructArray, make_array};
use arrow::buffer::NullBuffer;
use arrow::datatypes::DataType;
use arrow::error::ArrowError;

/// `batch` with every null struct's fields null, at any depth.
pub fn with_null_struct_fields(batch: RecordBatch) -> Result<RecordBatch, ArrowError> {
    if !batch.schema().fields().iter().any(|f| holds_struct(f.data_type())) {
        return Ok(batch);
    }
    let columns = batch.columns().iter().map(|c| null_struct_fields(c.clone())).collect::<Result<Vec<_>, _>>()?;
    RecordBatch::try_new(batch.schema(), columns)
}

fn holds_struct(data_type: &DataType) -> bool {
    match data_type {
        DataType::Struct(_) => true,
        DataType::List(field) => holds_struct(field.data_type()),
        _ => false,
    }
}

/// `array` with its null structs' fields null.
pub fn null_struct_fields(array: ArrayRef) -> Result<ArrayRef, ArrowError> {
    match array.data_type() {
        DataType::Struct(_) => {
            let (fields, children, nulls) = array.as_struct().clone().into_parts();
            let children = children
                .into_iter()
                .map(|child| {
                    let child = match (&nulls, child.data_type()) {
                        (Some(parent), data_type) if *data_type != DataType::Null => {
                            let merged = NullBuffer::union(Some(parent), child.nulls());
                            make_array(child.to_data().into_builder().nulls(merged).build()?)
                        }
                        _ => child,
                    };
                    null_struct_fields(child)
                })
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Arc::new(StructArray::try_new(fields, children, nulls)?))
        }
        DataType::List(field) if holds_struct(field.data_type()) => {
            let (field, offsets, values, nulls) = array.as_list::<i32>().clone().into_parts();
            Ok(Arc::new(ListArray::try_new(field, offsets, null_struct_fields(values)?, nulls)?))
        }
        _ => Ok(array),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int32Array, StringArray};
    use arrow::datatypes::Field;

    #[test]
    fn a_null_struct_has_null_fields() {
        let fields = vec![Field::new("x", DataType::Int32, true), Field::new("y", DataType::Utf8, true)];
        let children: Vec<ArrayRef> = vec![Arc::new(Int32Array::from(vec![1, 0])), Arc::new(StringArray::from(vec!["s", ""]))];
        let array: ArrayRef = Arc::new(StructArray::new(fields.into(), children, Some(NullBuffer::from(vec![true, false]))));
        let fixed = null_struct_fields(array).unwrap();
        let fixed = fixed.as_any().downcast_ref::<StructArray>().unwrap();
        assert!(fixed.column(0).is_valid(0) && fixed.column(0).is_null(1));
        assert!(fixed.column(1).is_valid(0) && fixed.column(1).is_null(1));
    }
}
