//! Spark's `arrays_zip(a, b, …)`: an array of structs whose i-th struct holds
//! the i-th element of each array (NULL past an array's end), as long as the
//! longest array; NULL when any array is. The struct fields carry the names
//! Spark gives them (the columns' names, else the positions from 0).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, ListArray, StructArray, UInt32Array};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::take;
use datafusion::arrow::datatypes::{DataType, Field, Fields};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::Expr;

use crate::kernel_udf::KernelUdf;

/// The result type for arrays of `elements` under the field `names`.
pub fn arrays_zip_type(names: &[String], elements: &[DataType]) -> DataType {
    let fields: Fields = names.iter().zip(elements).map(|(n, t)| Field::new(n, t.clone(), true)).collect();
    DataType::List(Arc::new(Field::new("element", DataType::Struct(fields), false)))
}

/// The call over `arrays` whose elements have `elements` types.
pub fn arrays_zip(arrays: Vec<Expr>, names: &[String], elements: &[DataType]) -> Expr {
    KernelUdf::call_null_intolerant("arrays_zip", arrays_zip_type(names, elements), kernel, &names.join("\u{0}"), arrays)
}

fn kernel(args: &[ArrayRef], names: &str) -> Result<ArrayRef> {
    let lists = args.iter().map(|a| a.as_list_opt::<i32>().cloned()).collect::<Option<Vec<ListArray>>>();
    let Some(lists) = lists else { return exec_err!("arrays_zip expects arrays") };
    let rows = lists.first().map_or(0, |l| l.len());
    let mut offsets = vec![0i32];
    let mut indices: Vec<Vec<Option<u32>>> = vec![Vec::new(); lists.len()];
    let mut valid = Vec::with_capacity(rows);
    for row in 0..rows {
        let present = lists.iter().all(|l| l.is_valid(row));
        valid.push(present);
        let longest = if present { lists.iter().map(|l| l.value_length(row) as usize).max().unwrap_or(0) } else { 0 };
        for (list, column) in lists.iter().zip(indices.iter_mut()) {
            let start = list.value_offsets()[row] as usize;
            let length = list.value_length(row) as usize;
            column.extend((0..longest).map(|i| (i < length).then_some((start + i) as u32)));
        }
        offsets.push(offsets[row] + longest as i32);
    }
    let names: Vec<&str> = names.split('\u{0}').collect();
    let mut fields = Vec::with_capacity(lists.len());
    let mut columns = Vec::with_capacity(lists.len());
    for ((list, column), name) in lists.iter().zip(&indices).zip(&names) {
        let taken = take(list.values().as_ref(), &UInt32Array::from(column.clone()), None)?;
        fields.push(Field::new(*name, taken.data_type().clone(), true));
        columns.push(taken);
    }
    let structs = StructArray::try_new(fields.into(), columns, None)?;
    let element = Arc::new(Field::new("element", structs.data_type().clone(), false));
    let list = ListArray::try_new(element, OffsetBuffer::new(offsets.into()), Arc::new(structs), Some(NullBuffer::from(valid)))?;
    Ok(Arc::new(list))
}
