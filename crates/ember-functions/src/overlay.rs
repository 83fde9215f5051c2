//! Spark's `overlay(input, replace, pos[, len])` of strings: the characters
//! before `pos`, then `replace`, then those from `pos + len` on, where each
//! piece is cut as Spark's SQL `substring` cuts (a negative position counts
//! from the end) and a negative `len` means the length of `replace`.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray};
use datafusion::arrow::datatypes::{DataType, Int32Type};
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, cast};

use crate::kernel_udf::KernelUdf;

/// The call over `input` and `replace` read as STRING and INT `pos`, `len`.
pub fn overlay(input: Expr, replace: Expr, pos: Expr, len: Expr) -> Expr {
    let args = vec![
        cast(input, DataType::Utf8),
        cast(replace, DataType::Utf8),
        cast(pos, DataType::Int32),
        cast(len, DataType::Int32),
    ];
    KernelUdf::call_null_intolerant("overlay", DataType::Utf8, kernel, "", args)
}

/// Spark's `substring(text, pos, length)` over characters.
fn substring_sql(chars: &[char], pos: i32, length: i32) -> String {
    let count = chars.len() as i64;
    let start = match pos {
        p if p > 0 => i64::from(p) - 1,
        p if p < 0 => count + i64::from(p),
        _ => 0,
    };
    let end = (start + i64::from(length)).min(count);
    let start = start.max(0);
    if start >= end {
        return String::new();
    }
    chars[start as usize..end as usize].iter().collect()
}

fn overlay_text(input: &str, replace: &str, pos: i32, len: i32) -> String {
    let chars: Vec<char> = input.chars().collect();
    let len = if len >= 0 { len } else { replace.chars().count() as i32 };
    let before = substring_sql(&chars, 1, pos.saturating_sub(1));
    let after = substring_sql(&chars, pos.saturating_add(len), i32::MAX);
    format!("{before}{replace}{after}")
}

fn kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let (input, replace) = (args[0].as_string::<i32>(), args[1].as_string::<i32>());
    let (pos, len) = (args[2].as_primitive::<Int32Type>(), args[3].as_primitive::<Int32Type>());
    let result: StringArray = (0..input.len())
        .map(|row| {
            let valid = input.is_valid(row) && replace.is_valid(row) && pos.is_valid(row) && len.is_valid(row);
            valid.then(|| overlay_text(input.value(row), replace.value(row), pos.value(row), len.value(row)))
        })
        .collect();
    Ok(Arc::new(result))
}

#[cfg(test)]
mod tests {
    use super::overlay_text;

    #[test]
    fn matches_spark() {
        assert_eq!(overlay_text("Spark SQL", "ANSI ", -3, -1), "ANSI park SQL");
        assert_eq!(overlay_text("Spark SQL", "_", 0, -1), "_Spark SQL");
        assert_eq!(overlay_text("Spark SQL", "x", -1, 2), "xSpark SQL");
        assert_eq!(overlay_text("abc", "x", 10, -1), "abcx");
        assert_eq!(overlay_text("abc", "xyz", 2, 0), "axyzbc");
        assert_eq!(overlay_text("Spark SQL", "CORE", 7, -1), "Spark CORE");
    }
}
