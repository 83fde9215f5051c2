//! Rows decoded from a self-describing file (ORC, Avro) brought into the
//! schema the read settled on.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, AsArray, ListArray, MapArray, RecordBatch, StructArray, new_null_array};
use arrow::compute::cast;
use arrow::datatypes::{DataType, SchemaRef, TimeUnit, TimestampMicrosecondType};
use ember_errors::SparkError;

/// `batch`'s columns in `schema`'s order and types.
pub(crate) fn conform(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, SparkError> {
    let columns = schema
        .fields()
        .iter()
        .map(|field| {
            let found = batch.schema().fields().iter().position(|f| f.name().eq_ignore_ascii_case(field.name()));
            match found {
                Some(index) => column_as(batch.column(index), field.data_type()),
                None => Ok(new_null_array(field.data_type(), batch.num_rows())),
            }
        })
        .collect::<Result<Vec<ArrayRef>, SparkError>>()?;
    let options = arrow::array::RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(schema.clone(), columns, &options)?)
}

/// `batch`'s columns cast, in order, to `schema`'s types.
pub(crate) fn cast_batch(batch: &RecordBatch, schema: &SchemaRef) -> Result<RecordBatch, SparkError> {
    let columns = batch
        .columns()
        .iter()
        .zip(schema.fields())
        .map(|(column, field)| Ok(cast(column, field.data_type())?))
        .collect::<Result<Vec<ArrayRef>, SparkError>>()?;
    let options = arrow::array::RecordBatchOptions::new().with_row_count(Some(batch.num_rows()));
    Ok(RecordBatch::try_new_with_options(schema.clone(), columns, &options)?)
}

/// `column` in `data_type`; timestamps keep their instant (a zone-less
/// timestamp is read as UTC, not shifted into the target zone); struct
/// fields are matched by name at any depth, a field the data lacks is NULL.
fn column_as(column: &ArrayRef, data_type: &DataType) -> Result<ArrayRef, SparkError> {
    match (column.data_type(), data_type) {
        (DataType::Struct(found), DataType::Struct(fields)) => {
            let column = column.as_struct();
            let children = fields
                .iter()
                .map(|field| match found.iter().position(|f| f.name().eq_ignore_ascii_case(field.name())) {
                    Some(index) => column_as(column.column(index), field.data_type()),
                    None => Ok(new_null_array(field.data_type(), column.len())),
                })
                .collect::<Result<Vec<ArrayRef>, SparkError>>()?;
            Ok(Arc::new(StructArray::try_new_with_length(fields.clone(), children, column.nulls().cloned(), column.len())?))
        }
        (DataType::List(_), DataType::List(element)) => {
            let column = column.as_list::<i32>();
            let values = column_as(column.values(), element.data_type())?;
            Ok(Arc::new(ListArray::try_new(element.clone(), column.offsets().clone(), values, column.nulls().cloned())?))
        }
        (DataType::Map(_, _), DataType::Map(entries, sorted)) => {
            // Keys and values by position: readers name them differently.
            let DataType::Struct(pair_fields) = entries.data_type() else { return Ok(cast(column, data_type)?) };
            let column = column.as_map();
            let keys = column_as(column.keys(), pair_fields[0].data_type())?;
            let values = column_as(column.values(), pair_fields[1].data_type())?;
            let pairs = StructArray::try_new(pair_fields.clone(), vec![keys, values], None)?;
            Ok(Arc::new(MapArray::try_new(entries.clone(), column.offsets().clone(), pairs, column.nulls().cloned(), *sorted)?))
        }
        (DataType::Timestamp(_, None), DataType::Timestamp(TimeUnit::Microsecond, Some(zone))) => {
            let micros = cast(column, &DataType::Timestamp(TimeUnit::Microsecond, None))?;
            let micros = micros.as_primitive::<TimestampMicrosecondType>().clone().with_timezone(zone.clone());
            Ok(Arc::new(micros))
        }
        _ => Ok(cast(column, data_type)?),
    }
}


#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::{Int32Array, StringArray};
    use arrow::datatypes::{Field, Fields, Schema};

    #[test]
    fn struct_fields_by_name_and_missing_ones_null() {
        let found = Fields::from(vec![Field::new("x", DataType::Int32, true), Field::new("y", DataType::Utf8, true)]);
        let column = StructArray::new(
            found.clone(),
            vec![Arc::new(Int32Array::from(vec![1, 2])), Arc::new(StringArray::from(vec!["a", "b"]))],
            Some(vec![true, false].into()),
        );
        let list = ListArray::new(
            Arc::new(Field::new("element", DataType::Struct(found), true)),
            arrow::buffer::OffsetBuffer::from_lengths([2]),
            Arc::new(column),
            None,
        );
        let wanted = Fields::from(vec![Field::new("Y", DataType::Utf8, true), Field::new("z", DataType::Int64, true)]);
        let element = Arc::new(Field::new("element", DataType::Struct(wanted.clone()), true));
        let schema = Arc::new(Schema::new(vec![Field::new("l", DataType::List(element), true)]));
        let batch = RecordBatch::try_new(Arc::new(Schema::new(vec![Field::new("l", list.data_type().clone(), true)])), vec![Arc::new(list)]).unwrap();
        let read = conform(&batch, &schema).unwrap();
        let values = read.column(0).as_list::<i32>().values().as_struct().clone();
        assert_eq!(values.column(0).as_string::<i32>().value(0), "a");
        assert_eq!(values.column(1).null_count(), 2);
        assert!(values.is_null(1));
    }
}
