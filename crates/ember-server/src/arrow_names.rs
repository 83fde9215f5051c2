//! Spark's Arrow results give the fields of a struct that repeats a name
//! unique names (`x_0`, `x_1`, …, as PySpark deduplicates them), so that a
//! client can read them; the schema sent beside keeps the real names.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use arrow::array::{ArrayData, RecordBatch, RecordBatchOptions, make_array};
use arrow::datatypes::{DataType, Field, FieldRef, Schema};
use arrow::error::ArrowError;

/// `batch` with the repeated field names of its structs (at any depth) made unique.
pub fn with_unique_struct_field_names(batch: &RecordBatch) -> Result<RecordBatch, ArrowError> {
    let schema = batch.schema();
    if !schema.fields().iter().any(|f| repeats_names(f.data_type())) {
        return Ok(batch.clone());
    }
    let fields: Vec<Field> = schema.fields().iter().map(|f| f.as_ref().clone().with_data_type(unique_names(f.data_type()))).collect();
    let columns = batch
        .columns()
        .iter()
        .zip(&fields)
        .map(|(column, field)| retyped(&column.to_data(), field.data_type()).map(make_array))
        .collect::<Result<Vec<_>, _>>()?;
    let schema = Arc::new(Schema::new_with_metadata(fields, schema.metadata().clone()));
    RecordBatch::try_new_with_options(schema, columns, &RecordBatchOptions::new().with_row_count(Some(batch.num_rows())))
}

/// Whether a struct in `data_type` has two fields of one name.
fn repeats_names(data_type: &DataType) -> bool {
    match data_type {
        DataType::Struct(fields) => {
            let mut seen = HashSet::new();
            fields.iter().any(|f| !seen.insert(f.name())) || fields.iter().any(|f| repeats_names(f.data_type()))
        }
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) | DataType::Map(f, _) => repeats_names(f.data_type()),
        _ => false,
    }
}

/// `data_type` with each repeated struct field name suffixed by its occurrence (`x_0`, `x_1`).
fn unique_names(data_type: &DataType) -> DataType {
    let nested = |f: &FieldRef| Arc::new(f.as_ref().clone().with_data_type(unique_names(f.data_type())));
    match data_type {
        DataType::Struct(fields) => {
            let mut counts: HashMap<&String, usize> = HashMap::new();
            for field in fields {
                *counts.entry(field.name()).or_default() += 1;
            }
            let mut next: HashMap<&String, usize> = HashMap::new();
            let renamed = fields.iter().map(|field| {
                let name = if counts[field.name()] > 1 {
                    let occurrence = next.entry(field.name()).or_default();
                    *occurrence += 1;
                    format!("{}_{}", field.name(), *occurrence - 1)
                } else {
                    field.name().clone()
                };
                Arc::new(field.as_ref().clone().with_name(name).with_data_type(unique_names(field.data_type())))
            });
            DataType::Struct(renamed.collect())
        }
        DataType::List(f) => DataType::List(nested(f)),
        DataType::LargeList(f) => DataType::LargeList(nested(f)),
        DataType::FixedSizeList(f, size) => DataType::FixedSizeList(nested(f), *size),
        DataType::Map(f, sorted) => DataType::Map(nested(f), *sorted),
        other => other.clone(),
    }
}

/// `data` relabelled as `data_type`, which differs from its type only in field names.
fn retyped(data: &ArrayData, data_type: &DataType) -> Result<ArrayData, ArrowError> {
    let children = match data_type {
        DataType::Struct(fields) => fields.iter().zip(data.child_data()).map(|(f, child)| retyped(child, f.data_type())).collect::<Result<Vec<_>, _>>()?,
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) | DataType::Map(f, _) => {
            data.child_data().iter().map(|child| retyped(child, f.data_type())).collect::<Result<Vec<_>, _>>()?
        }
        _ => return Ok(data.clone()),
    };
    data.clone().into_builder().data_type(data_type.clone()).child_data(children).build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Array, ArrayRef, Int32Array, StringArray, StructArray};

    #[test]
    fn repeated_struct_field_names_get_suffixes() {
        let fields = vec![
            Arc::new(Field::new("x", DataType::Utf8, true)),
            Arc::new(Field::new("a", DataType::Int32, true)),
            Arc::new(Field::new("x", DataType::Int32, true)),
        ];
        let values: Vec<ArrayRef> = vec![Arc::new(StringArray::from(vec!["s"])), Arc::new(Int32Array::from(vec![1])), Arc::new(Int32Array::from(vec![2]))];
        let column = StructArray::new(fields.into(), values, None);
        let batch = RecordBatch::try_from_iter([("s", Arc::new(column) as ArrayRef)]).unwrap();
        let unique = with_unique_struct_field_names(&batch).unwrap();
        let DataType::Struct(fields) = unique.schema().field(0).data_type().clone() else { panic!("not a struct") };
        assert_eq!(fields.iter().map(|f| f.name().as_str()).collect::<Vec<_>>(), ["x_0", "a", "x_1"]);
        assert_eq!(unique.column(0).len(), 1);
    }
}
