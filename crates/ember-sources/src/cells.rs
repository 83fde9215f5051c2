//! Row values collected one by one (JSON records) and turned into Arrow
//! columns of a given type.

use std::sync::Arc;

use arrow::array::{
    ArrayRef, BinaryArray, BooleanArray, Decimal128Array, Float32Array, Float64Array, Int64Array,
    ListArray, MapArray, StringArray, StructArray, TimestampMicrosecondArray, new_null_array,
};
use arrow::buffer::{NullBuffer, OffsetBuffer};
use arrow::compute::cast;
use arrow::datatypes::{DataType, TimeUnit};
use arrow::error::ArrowError;

/// One value of a column.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// NULL.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer (any integral type), days of a date or microseconds of a timestamp.
    Int(i64),
    /// A float or double.
    Float(f64),
    /// A decimal's unscaled value.
    Decimal(i128),
    /// A string (or binary) value.
    Text(String),
    /// An array's items.
    List(Vec<Cell>),
    /// A struct's fields, in the type's order.
    Struct(Vec<Cell>),
    /// A map's entries.
    Map(Vec<(Cell, Cell)>),
}

/// The column of `cells`, typed `data_type` (cells of another kind read as NULL).
pub fn to_array(cells: Vec<Cell>, data_type: &DataType) -> Result<ArrayRef, ArrowError> {
    let len = cells.len();
    Ok(match data_type {
        DataType::Boolean => Arc::new(cells.into_iter().map(|c| if let Cell::Bool(b) = c { Some(b) } else { None }).collect::<BooleanArray>()),
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => {
            cast(&ints(cells), data_type)?
        }
        DataType::Date32 => cast(&ints(cells), &DataType::Int32).and_then(|a| cast(&a, data_type))?,
        DataType::Timestamp(TimeUnit::Microsecond, tz) => {
            let micros: Vec<Option<i64>> = ints(cells).iter().collect();
            Arc::new(TimestampMicrosecondArray::from(micros).with_timezone_opt(tz.clone()))
        }
        DataType::Duration(TimeUnit::Microsecond) => cast(&ints(cells), data_type)?,
        DataType::Interval(arrow::datatypes::IntervalUnit::YearMonth) => {
            Arc::new(ints(cells).iter().map(|v| v.and_then(|v| i32::try_from(v).ok())).collect::<arrow::array::IntervalYearMonthArray>())
        }
        DataType::Float64 => Arc::new(cells.into_iter().map(float).collect::<Float64Array>()),
        DataType::Float32 => Arc::new(cells.into_iter().map(|c| float(c).map(|v| v as f32)).collect::<Float32Array>()),
        DataType::Decimal128(precision, scale) => Arc::new(
            cells
                .into_iter()
                .map(|c| if let Cell::Decimal(v) = c { Some(v) } else { None })
                .collect::<Decimal128Array>()
                .with_precision_and_scale(*precision, *scale)?,
        ),
        DataType::Utf8 => Arc::new(cells.into_iter().map(text).collect::<StringArray>()),
        DataType::Binary => Arc::new(cells.into_iter().map(|c| text(c).map(String::into_bytes)).collect::<BinaryArray>()),
        DataType::List(item) => {
            let mut offsets = Vec::with_capacity(len + 1);
            offsets.push(0i32);
            let mut valid = Vec::with_capacity(len);
            let mut items = Vec::new();
            for cell in cells {
                valid.push(matches!(cell, Cell::List(_)));
                if let Cell::List(values) = cell {
                    items.extend(values);
                }
                offsets.push(i32::try_from(items.len()).map_err(|e| ArrowError::ComputeError(e.to_string()))?);
            }
            let values = to_array(items, item.data_type())?;
            Arc::new(ListArray::try_new(item.clone(), OffsetBuffer::new(offsets.into()), values, Some(NullBuffer::from(valid)))?)
        }
        DataType::Struct(fields) => {
            let mut columns: Vec<Vec<Cell>> = vec![Vec::with_capacity(len); fields.len()];
            let mut valid = Vec::with_capacity(len);
            for cell in cells {
                match cell {
                    Cell::Struct(values) => {
                        valid.push(true);
                        let mut values = values.into_iter();
                        for column in columns.iter_mut() {
                            column.push(values.next().unwrap_or(Cell::Null));
                        }
                    }
                    _ => {
                        valid.push(false);
                        columns.iter_mut().for_each(|c| c.push(Cell::Null));
                    }
                }
            }
            if fields.is_empty() {
                return Ok(Arc::new(StructArray::new_empty_fields(len, Some(NullBuffer::from(valid)))));
            }
            let arrays = columns
                .into_iter()
                .zip(fields.iter())
                .map(|(column, field)| to_array(column, field.data_type()))
                .collect::<Result<Vec<_>, _>>()?;
            Arc::new(StructArray::try_new(fields.clone(), arrays, Some(NullBuffer::from(valid)))?)
        }
        DataType::Map(entries, sorted) => {
            let DataType::Struct(entry_fields) = entries.data_type() else {
                return Err(ArrowError::InvalidArgumentError("map entries must be a struct".into()));
            };
            let mut offsets = vec![0i32];
            let mut valid = Vec::with_capacity(len);
            let (mut keys, mut values) = (Vec::new(), Vec::new());
            for cell in cells {
                valid.push(matches!(cell, Cell::Map(_)));
                if let Cell::Map(pairs) = cell {
                    for (k, v) in pairs {
                        keys.push(k);
                        values.push(v);
                    }
                }
                offsets.push(i32::try_from(keys.len()).map_err(|e| ArrowError::ComputeError(e.to_string()))?);
            }
            let key_array = to_array(keys, entry_fields[0].data_type())?;
            let value_array = to_array(values, entry_fields[1].data_type())?;
            let entry_array = StructArray::try_new(entry_fields.clone(), vec![key_array, value_array], None)?;
            Arc::new(MapArray::try_new(entries.clone(), OffsetBuffer::new(offsets.into()), entry_array, Some(NullBuffer::from(valid)), *sorted)?)
        }
        other => new_null_array(other, len),
    })
}

fn ints(cells: Vec<Cell>) -> Int64Array {
    cells.into_iter().map(|c| if let Cell::Int(v) = c { Some(v) } else { None }).collect()
}

fn float(cell: Cell) -> Option<f64> {
    if let Cell::Float(v) = cell { Some(v) } else { None }
}

fn text(cell: Cell) -> Option<String> {
    if let Cell::Text(v) = cell { Some(v) } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow::array::Array;
    use arrow::datatypes::{Field, Fields};

    #[test]
    fn nested_columns() {
        let item = Arc::new(Field::new("element", DataType::Int64, true));
        let fields = Fields::from(vec![Field::new("a", DataType::Utf8, true), Field::new("b", DataType::List(item), true)]);
        let cells = vec![
            Cell::Struct(vec![Cell::Text("x".into()), Cell::List(vec![Cell::Int(1), Cell::Null])]),
            Cell::Null,
            Cell::Struct(vec![Cell::Null, Cell::Null]),
        ];
        let array = to_array(cells, &DataType::Struct(fields)).unwrap();
        assert_eq!(array.len(), 3);
        assert!(array.is_null(1) && array.is_valid(2));
        let stamps = to_array(vec![Cell::Int(5), Cell::Null], &DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))).unwrap();
        assert_eq!(stamps.null_count(), 1);
    }
}
