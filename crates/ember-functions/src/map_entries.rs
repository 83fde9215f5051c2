//! Spark's `map_entries(map)`: the map's entries as an array of
//! `struct<key, value>`, in order; the values keep their nullability
//! (DataFusion's `map_entries` declares them nullable and fails on maps
//! whose values are not).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListArray, StructArray};
use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::Expr;

use crate::kernel_udf::KernelUdf;

/// The `key` and `value` fields of the entries of a map of type `map`.
fn entry_fields(map: &DataType) -> Option<Fields> {
    let DataType::Map(entries, _) = map else { return None };
    let DataType::Struct(fields) = entries.data_type() else { return None };
    let [key, value] = fields.iter().collect::<Vec<_>>()[..] else { return None };
    Some(Fields::from(vec![key.as_ref().clone().with_name("key"), value.as_ref().clone().with_name("value")]))
}

/// The type of `map_entries` of a map of type `map`, if it is a map.
pub fn map_entries_type(map: &DataType) -> Option<DataType> {
    Some(DataType::List(Arc::new(Field::new_list_field(DataType::Struct(entry_fields(map)?), false))))
}

/// `map_entries(map)` for a map of type `map`.
pub fn map_entries(map: Expr, map_type: &DataType) -> Option<Expr> {
    Some(KernelUdf::call_null_intolerant("map_entries", map_entries_type(map_type)?, map_entries_kernel, "", vec![map]))
}

fn map_entries_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let Some(fields) = entry_fields(args[0].data_type()) else { return exec_err!("map_entries of {}", args[0].data_type()) };
    let map = args[0].as_map();
    let entries = map.entries();
    let entries = StructArray::try_new(fields.clone(), entries.columns().to_vec(), entries.nulls().cloned())?;
    let element = Arc::new(Field::new_list_field(DataType::Struct(fields), false));
    Ok(Arc::new(ListArray::try_new(element, map.offsets().clone(), Arc::new(entries), map.nulls().cloned())?))
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Int32Array, MapArray, StringArray};
    use datafusion::arrow::buffer::OffsetBuffer;

    use super::*;

    #[test]
    fn entries_keep_non_null_values() {
        let fields = Fields::from(vec![Field::new("key", DataType::Utf8, false), Field::new("value", DataType::Int32, false)]);
        let entries = StructArray::new(
            fields.clone(),
            vec![Arc::new(StringArray::from(vec!["a", "b"])), Arc::new(Int32Array::from(vec![1, 2]))],
            None,
        );
        let map = MapArray::new(Arc::new(Field::new("entries", DataType::Struct(fields), false)), OffsetBuffer::new(vec![0, 2].into()), entries, None, false);
        let result = map_entries_kernel(&[Arc::new(map) as ArrayRef], "").unwrap();
        let DataType::List(element) = result.data_type() else { panic!("a list") };
        let DataType::Struct(entry) = element.data_type() else { panic!("a struct") };
        assert!(!entry[1].is_nullable());
        assert_eq!(result.as_list::<i32>().value(0).len(), 2);
    }
}
