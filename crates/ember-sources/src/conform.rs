//! Rows decoded from a self-describing file (ORC, Avro) brought into the
//! schema the read settled on.

use std::sync::Arc;

use arrow::array::{ArrayRef, AsArray, RecordBatch};
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
                None => Ok(arrow::array::new_null_array(field.data_type(), batch.num_rows())),
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
/// timestamp is read as UTC, not shifted into the target zone).
fn column_as(column: &ArrayRef, data_type: &DataType) -> Result<ArrayRef, SparkError> {
    match (column.data_type(), data_type) {
        (DataType::Timestamp(_, None), DataType::Timestamp(TimeUnit::Microsecond, Some(zone))) => {
            let micros = cast(column, &DataType::Timestamp(TimeUnit::Microsecond, None))?;
            let micros = micros.as_primitive::<TimestampMicrosecondType>().clone().with_timezone(zone.clone());
            Ok(Arc::new(micros))
        }
        _ => Ok(cast(column, data_type)?),
    }
}

