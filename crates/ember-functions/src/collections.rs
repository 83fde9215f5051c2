//! Spark's element access on arrays: `element_at`, `try_element_at`,
//! `get` and the `arr[i]` subscript, with Spark's indexing and its errors.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, UInt32Array};
use datafusion::arrow::compute::{cast, take};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Int64Type};
use datafusion::common::{Result, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, Expr, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use ember_errors::{ErrorKind, SparkError};

/// How an index picks an element, and what happens out of range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementAccess {
    /// `element_at(arr, i)`: 1-based, negative from the end, 0 fails; out
    /// of range fails under ANSI mode (else NULL).
    ElementAt {
        /// Whether ANSI mode is on.
        ansi: bool,
    },
    /// `try_element_at(arr, i)`: as `element_at`, NULL out of range.
    TryElementAt,
    /// `arr[i]`: 0-based; out of range fails under ANSI mode (else NULL).
    Subscript {
        /// Whether ANSI mode is on.
        ansi: bool,
    },
    /// `get(arr, i)`: 0-based, NULL out of range.
    Get,
}

/// One element of an array per row, by a BIGINT index.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SparkElementAccess {
    access: ElementAccess,
    signature: Signature,
}

impl SparkElementAccess {
    /// `access(array, index)`; `index` is cast to BIGINT.
    pub fn call(access: ElementAccess, array: Expr, index: Expr) -> Expr {
        let udf = SparkElementAccess { access, signature: Signature::any(2, Volatility::Immutable) };
        ScalarUDF::new_from_impl(udf).call(vec![array, datafusion::logical_expr::cast(index, DataType::Int64)])
    }

    /// The element's position inside an array of `len` elements, `None` when
    /// out of range (or the error Spark raises).
    fn position(&self, index: i64, len: usize) -> Result<Option<usize>> {
        let len = len as i64;
        let (position, ansi_fails) = match self.access {
            ElementAccess::ElementAt { .. } | ElementAccess::TryElementAt => {
                if index == 0 {
                    if self.access == ElementAccess::TryElementAt {
                        return Ok(None);
                    }
                    return Err(SparkError::new(
                        ErrorKind::Runtime,
                        "INVALID_INDEX_OF_ZERO",
                        "22003",
                        "The index 0 is invalid. An index shall be either < 0 or > 0 (the first element has index 1).",
                        &[],
                    )
                    .into_datafusion());
                }
                (if index > 0 { index - 1 } else { len + index }, matches!(self.access, ElementAccess::ElementAt { ansi: true }))
            }
            ElementAccess::Subscript { ansi } => (index, ansi),
            ElementAccess::Get => (index, false),
        };
        if (0..len).contains(&position) {
            return Ok(Some(position as usize));
        }
        if !ansi_fails {
            return Ok(None);
        }
        let (class, message) = match self.access {
            ElementAccess::ElementAt { .. } => (
                "INVALID_ARRAY_INDEX_IN_ELEMENT_AT",
                format!("The index {index} is out of bounds. The array has {len} elements. Use `try_element_at` to tolerate accessing element at invalid index and return NULL instead."),
            ),
            _ => (
                "INVALID_ARRAY_INDEX",
                format!("The index {index} is out of bounds. The array has {len} elements. Use the SQL function `get()` to tolerate accessing element at invalid index and return NULL instead."),
            ),
        };
        Err(SparkError::new(
            ErrorKind::ArrayIndexOutOfBounds,
            class,
            "22003",
            message,
            &[("indexValue", index.to_string()), ("arraySize", len.to_string())],
        )
        .into_datafusion())
    }
}

impl ScalarUDFImpl for SparkElementAccess {
    fn name(&self) -> &str {
        match self.access {
            ElementAccess::ElementAt { .. } => "element_at",
            ElementAccess::TryElementAt => "try_element_at",
            ElementAccess::Subscript { .. } => "subscript",
            ElementAccess::Get => "get",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        match &args[0] {
            DataType::List(f) => Ok(f.data_type().clone()),
            DataType::Null => Ok(DataType::Null),
            other => exec_err!("{} expects an array, got {other}", self.name()),
        }
    }
    /// The element's field: nullable (an index may be out of range), with the ANSI interval units of the array's element.
    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let data_type = self.return_type(&[args.arg_fields[0].data_type().clone()])?;
        let field = Field::new(self.name(), data_type, true);
        Ok(Arc::new(match args.arg_fields[0].data_type() {
            DataType::List(element) => ember_types::IntervalFields::carry(field, element.as_ref()),
            _ => field,
        }))
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let array = args.args[0].to_array(rows)?;
        let index = cast(&args.args[1].to_array(rows)?, &DataType::Int64)?;
        let index = index.as_primitive::<Int64Type>();
        let Some(list) = array.as_list_opt::<i32>() else {
            return Ok(ColumnarValue::Array(array));
        };
        let mut picks = Vec::with_capacity(rows);
        for row in 0..rows {
            if list.is_null(row) || index.is_null(row) {
                picks.push(None);
                continue;
            }
            let start = list.value_offsets()[row] as usize;
            let len = list.value_length(row) as usize;
            picks.push(self.position(index.value(row), len)?.map(|p| (start + p) as u32));
        }
        let picked: ArrayRef = take(list.values(), &UInt32Array::from(picks), None)?;
        Ok(ColumnarValue::Array(Arc::new(picked)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn access(access: ElementAccess) -> SparkElementAccess {
        SparkElementAccess { access, signature: Signature::any(2, Volatility::Immutable) }
    }

    #[test]
    fn element_at_counts_from_one_and_from_the_end() {
        let f = access(ElementAccess::ElementAt { ansi: true });
        assert_eq!(f.position(1, 3).unwrap(), Some(0));
        assert_eq!(f.position(-1, 3).unwrap(), Some(2));
        assert!(f.position(4, 3).is_err());
        assert!(f.position(0, 3).is_err());
        assert_eq!(access(ElementAccess::TryElementAt).position(4, 3).unwrap(), None);
    }

    #[test]
    fn subscripts_count_from_zero() {
        assert_eq!(access(ElementAccess::Get).position(0, 2).unwrap(), Some(0));
        assert_eq!(access(ElementAccess::Get).position(-1, 2).unwrap(), None);
        assert!(access(ElementAccess::Subscript { ansi: true }).position(2, 2).is_err());
        assert_eq!(access(ElementAccess::Subscript { ansi: false }).position(2, 2).unwrap(), None);
    }
}
