//! Spark's `array_insert(array, position, value)`: 1-based positions from the
//! start, negative ones from the end (`-1` appends); a position past either
//! end pads with NULLs.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListArray, MutableArrayData, new_null_array};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Int32Type};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;

/// `array_insert(array, position, value)` of an array of `element_type`.
pub fn array_insert(array: Expr, position: Expr, value: Expr, element_type: &DataType) -> Expr {
    let list_type = DataType::List(Arc::new(Field::new("element", element_type.clone(), true)));
    let args = vec![
        datafusion::logical_expr::cast(array, list_type.clone()),
        datafusion::logical_expr::cast(position, DataType::Int32),
        datafusion::logical_expr::cast(value, element_type.clone()),
    ];
    KernelUdf::call_null_intolerant("array_insert", list_type, array_insert_kernel, "", args)
}

fn zero_index() -> datafusion::common::DataFusionError {
    SparkError::new(
        ErrorKind::ArrayIndexOutOfBounds,
        "INVALID_INDEX_OF_ZERO",
        "22003",
        "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1).",
        &[],
    )
    .into_datafusion()
}

fn array_insert_kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let Some(lists) = args[0].as_list_opt::<i32>() else { return exec_err!("array_insert expects an array") };
    let positions = cast(&args[1], &DataType::Int32)?;
    let positions = positions.as_primitive::<Int32Type>();
    let items = &args[2];
    let values = lists.values();
    let nulls = new_null_array(values.data_type(), 1);
    let (values_data, items_data, nulls_data) = (values.to_data(), items.to_data(), nulls.to_data());
    let mut data = MutableArrayData::new(vec![&values_data, &items_data, &nulls_data], true, values.len() + lists.len());
    let mut offsets = vec![0i32];
    let mut valid = Vec::with_capacity(lists.len());
    for row in 0..lists.len() {
        if lists.is_null(row) || positions.is_null(row) {
            valid.push(false);
            offsets.push(offsets[row]);
            continue;
        }
        let (start, end) = (lists.value_offsets()[row] as usize, lists.value_offsets()[row + 1] as usize);
        let length = (end - start) as i64;
        let position = i64::from(positions.value(row));
        if position == 0 {
            return Err(zero_index());
        }
        let index = if position > 0 { position - 1 } else { length + position + 1 };
        let mut added = 0;
        let pad = |data: &mut MutableArrayData, n: i64| -> Result<()> {
            for _ in 0..n {
                data.try_extend(2, 0, 1)?;
            }
            Ok(())
        };
        if index < 0 {
            data.try_extend(1, row, row + 1)?;
            pad(&mut data, -index)?;
            data.try_extend(0, start, end)?;
            added += 1 + (-index) + length;
        } else if index >= length {
            data.try_extend(0, start, end)?;
            pad(&mut data, index - length)?;
            data.try_extend(1, row, row + 1)?;
            added += index + 1;
        } else {
            let split = start + index as usize;
            data.try_extend(0, start, split)?;
            data.try_extend(1, row, row + 1)?;
            data.try_extend(0, split, end)?;
            added += length + 1;
        }
        valid.push(true);
        offsets.push(offsets[row] + added as i32);
    }
    let DataType::List(field) = args[0].data_type() else { return exec_err!("array_insert expects a list") };
    let values = datafusion::arrow::array::make_array(data.freeze());
    let list = ListArray::try_new(field.clone(), OffsetBuffer::new(offsets.into()), values, Some(NullBuffer::from(valid)))?;
    Ok(Arc::new(list))
}
