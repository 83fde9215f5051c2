//! `listagg`/`string_agg` of BINARY values: the bytes of a list's elements
//! joined by a separator's bytes (NULL elements left out; NULL for a NULL
//! list).

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, BinaryArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;

/// The kernel: argument 0 a list of BINARY, argument 1 the BINARY separator.
pub fn join_binary(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let lists = args[0].as_list::<i32>();
    let separators = cast(&args[1], &DataType::Binary)?;
    let separators = separators.as_binary::<i32>();
    let joined = (0..lists.len()).map(|row| {
        if lists.is_null(row) {
            return Ok(None);
        }
        let values = cast(&lists.value(row), &DataType::Binary)?;
        let separator = if separators.is_null(row) { &[][..] } else { separators.value(row) };
        let mut bytes = Vec::new();
        for (i, value) in values.as_binary::<i32>().iter().flatten().enumerate() {
            if i > 0 {
                bytes.extend_from_slice(separator);
            }
            bytes.extend_from_slice(value);
        }
        Ok(Some(bytes))
    });
    Ok(Arc::new(joined.collect::<Result<BinaryArray>>()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::ListArray;

    #[test]
    fn joins_bytes_with_the_separator() {
        let bytes = BinaryArray::from(vec![Some(&[1u8][..]), None, Some(&[2u8][..])]);
        let offsets = datafusion::arrow::buffer::OffsetBuffer::new(vec![0, 3, 3].into());
        let field = Arc::new(datafusion::arrow::datatypes::Field::new_list_field(DataType::Binary, true));
        let lists: ArrayRef = Arc::new(ListArray::new(field, offsets, Arc::new(bytes), Some(vec![true, false].into())));
        let separator: ArrayRef = Arc::new(BinaryArray::from(vec![Some(&[66u8][..]), Some(&[66u8][..])]));
        let joined = join_binary(&[lists, separator], "").unwrap();
        let joined = joined.as_binary::<i32>();
        assert_eq!(joined.value(0), [1, 66, 2]);
        assert!(joined.is_null(1));
    }
}
