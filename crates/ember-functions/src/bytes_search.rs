//! `startswith`, `endswith` and `contains` of two binaries: Spark compares
//! their bytes.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, BooleanArray};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::{DataFusionError, Result};
use datafusion::logical_expr::{Expr, cast};

use crate::collation::SearchOp;
use crate::kernel_udf::KernelUdf;

/// `op(bytes, pattern)` of two BINARY values; NULL when either is NULL
/// (Spark types the result as nullable whatever the inputs).
pub fn bytes_search(op: SearchOp, bytes: Expr, pattern: Expr) -> Expr {
    let (name, kernel): (&'static str, fn(&[ArrayRef], &str) -> Result<ArrayRef>) = match op {
        SearchOp::StartsWith => ("startswith", |args, _| search(args, <[u8]>::starts_with)),
        SearchOp::EndsWith => ("endswith", |args, _| search(args, <[u8]>::ends_with)),
        SearchOp::Contains | SearchOp::Instr => ("contains", |args, _| search(args, |bytes, pattern| pattern.is_empty() || bytes.windows(pattern.len()).any(|w| w == pattern))),
    };
    KernelUdf::call(name, DataType::Boolean, kernel, "", vec![cast(bytes, DataType::Binary), cast(pattern, DataType::Binary)])
}

fn search(args: &[ArrayRef], found: fn(&[u8], &[u8]) -> bool) -> Result<ArrayRef> {
    let [bytes, patterns] = args else { return Err(DataFusionError::Internal("a byte search of two values".into())) };
    let (bytes, patterns) = (bytes.as_binary::<i32>(), patterns.as_binary::<i32>());
    let results: BooleanArray = bytes.iter().zip(patterns.iter()).map(|(b, p)| Some(found(b?, p?))).collect();
    Ok(Arc::new(results))
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::BinaryArray;

    use super::*;

    #[test]
    fn bytes_match_as_spark_compares_them() {
        let bytes: ArrayRef = Arc::new(BinaryArray::from(vec![Some(&[1u8, 2, 3][..]), Some(&[1u8][..]), None]));
        let patterns: ArrayRef = Arc::new(BinaryArray::from(vec![Some(&[2u8, 3][..]), Some(&[][..]), Some(&[1u8][..])]));
        let contains = search(&[bytes.clone(), patterns.clone()], |b, p| p.is_empty() || b.windows(p.len()).any(|w| w == p)).unwrap();
        assert_eq!(contains.as_boolean(), &BooleanArray::from(vec![Some(true), Some(true), None]));
        let starts = search(&[bytes, patterns], <[u8]>::starts_with).unwrap();
        assert_eq!(starts.as_boolean(), &BooleanArray::from(vec![Some(false), Some(true), None]));
    }
}
