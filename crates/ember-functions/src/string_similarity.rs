//! Spark's `jaro_winkler_similarity(left, right)`: the Jaro similarity of two
//! strings raised by their common prefix (at most 4 characters, factor 0.1)
//! when it is at least 0.7.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::Result;
use datafusion::logical_expr::{Expr, cast};

use crate::kernel_udf::KernelUdf;

/// The call over two values read as STRING.
pub fn jaro_winkler_similarity(left: Expr, right: Expr) -> Expr {
    let args = vec![cast(left, DataType::Utf8), cast(right, DataType::Utf8)];
    KernelUdf::call("jaro_winkler_similarity", DataType::Float64, kernel, "", args)
}

fn kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let (left, right) = (args[0].as_string::<i32>(), args[1].as_string::<i32>());
    let result: Float64Array = (0..left.len())
        .map(|row| (left.is_valid(row) && right.is_valid(row)).then(|| similarity(left.value(row), right.value(row))))
        .collect();
    Ok(Arc::new(result))
}

/// The Jaro-Winkler similarity of `left` and `right`, by characters.
pub fn similarity(left: &str, right: &str) -> f64 {
    let (a, b): (Vec<char>, Vec<char>) = (left.chars().collect(), right.chars().collect());
    if a == b {
        return 1.0;
    }
    let window = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut b_matched = vec![false; b.len()];
    let mut a_matches = Vec::new();
    for (i, c) in a.iter().enumerate() {
        let from = i.saturating_sub(window);
        let to = (i + window + 1).min(b.len());
        if let Some(j) = (from..to).find(|&j| !b_matched[j] && b[j] == *c) {
            b_matched[j] = true;
            a_matches.push(*c);
        }
    }
    if a_matches.is_empty() {
        return 0.0;
    }
    let b_matches = b.iter().zip(&b_matched).filter(|(_, m)| **m).map(|(c, _)| *c);
    let transpositions = a_matches.iter().zip(b_matches).filter(|(x, y)| *x != y).count() as f64 / 2.0;
    let m = a_matches.len() as f64;
    let jaro = (m / a.len() as f64 + m / b.len() as f64 + (m - transpositions) / m) / 3.0;
    if jaro < 0.7 {
        return jaro;
    }
    let prefix = a.iter().zip(&b).take(4).take_while(|(x, y)| x == y).count() as f64;
    jaro + 0.1 * prefix * (1.0 - jaro)
}

#[cfg(test)]
mod tests {
    use super::similarity;

    #[test]
    fn known_values() {
        assert_eq!(similarity("Spark", "Sparkle"), 0.9428571428571428);
        assert_eq!(similarity("MARTHA", "MARHTA"), 0.9611111111111111);
        assert_eq!(similarity("CRATE", "TRACE"), 0.7333333333333334);
        assert_eq!(similarity("", ""), 1.0);
        assert_eq!(similarity("abc", ""), 0.0);
        assert_eq!(similarity("ab", "ba"), 0.0);
    }
}
