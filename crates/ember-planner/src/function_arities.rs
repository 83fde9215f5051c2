//! Spark's check of a builtin's argument count: a call with a count Spark's
//! function registry rejects fails with `WRONG_NUM_ARGS.WITHOUT_SUGGESTION`
//! before its arguments are looked at. The counts are recorded from Spark in
//! `function_arities.tsv` (see `tools/function_arities/record.py`).

use std::collections::HashMap;
use std::sync::LazyLock;

use crate::error::{ErrorKind, Result, SparkError};
use crate::functions::wrong_args;

/// The argument counts Spark rejects for one function, with the
/// `expectedNum` it reports for them.
struct Rejected {
    counts: Vec<usize>,
    /// Whether every count above the last one is rejected too.
    and_more: bool,
    expected: &'static str,
}

/// Spark's `expectedNum` of functions taking pairs of arguments (`map`, `named_struct`).
const EVEN_COUNT: &str = "2n (n > 0)";

static REJECTED: LazyLock<HashMap<&'static str, Vec<Rejected>>> = LazyLock::new(|| {
    let mut table: HashMap<&'static str, Vec<Rejected>> = HashMap::new();
    for line in include_str!("function_arities.tsv").lines() {
        let mut columns = line.split('\t');
        let (Some(name), Some(counts), Some(expected)) = (columns.next(), columns.next(), columns.next()) else {
            continue;
        };
        let and_more = counts.ends_with('+');
        let counts = counts.trim_end_matches('+').split(',').filter_map(|c| c.parse().ok()).collect();
        table.entry(name).or_default().push(Rejected { counts, and_more, expected });
    }
    table
});

/// Fails as Spark does when the builtin `function` (lower case) is called
/// with `count` arguments its registry rejects.
pub(crate) fn check_argument_count(function: &str, count: usize) -> Result<()> {
    if function == "count" && count == 0 {
        return Err(parameterless_count());
    }
    // `dateadd(DAY, 1, d)`: SQL's unit forms, which Spark's grammar (not its registry) reads.
    if count == 3 && matches!(function, "date_add" | "dateadd" | "date_diff" | "datediff") {
        return Ok(());
    }
    let Some(rejections) = REJECTED.get(function) else {
        return Ok(());
    };
    for rejected in rejections {
        let beyond = rejected.and_more && rejected.counts.last().is_some_and(|last| count > *last);
        let odd = rejected.expected == EVEN_COUNT && count % 2 == 1;
        if beyond || odd || rejected.counts.contains(&count) {
            return Err(wrong_args(function, count, rejected.expected));
        }
    }
    Ok(())
}

/// `count()`: Spark names the legacy setting that would allow it.
fn parameterless_count() -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "WRONG_NUM_ARGS.WITH_SUGGESTION",
        "42605",
        "The `count` requires  >= 1 parameters but the actual number is 0. If you have to call this function with 0 parameters, set the legacy configuration \"spark.sql.legacy.allowParameterlessCount\" to \"true\".",
        &[
            ("functionName", "`count`".to_string()),
            ("expectedNum", " >= 1".to_string()),
            ("actualNum", "0".to_string()),
            ("legacyNum", "0".to_string()),
            ("legacyConfKey", "\"spark.sql.legacy.allowParameterlessCount\"".to_string()),
            ("legacyConfValue", "\"true\"".to_string()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_spark_rejects_fail() {
        assert!(check_argument_count("abs", 1).is_ok());
        let error = check_argument_count("abs", 9).unwrap_err();
        assert_eq!(error.error_class, "WRONG_NUM_ARGS.WITHOUT_SUGGESTION");
        assert_eq!(error.parameters["expectedNum"], "1");
        assert_eq!(check_argument_count("overlay", 2).unwrap_err().parameters["expectedNum"], "[3, 4]");
        assert!(check_argument_count("concat", 12).is_ok());
        assert!(check_argument_count("no_such_function", 3).is_ok());
        assert!(check_argument_count("named_struct", 10).is_ok());
        assert!(check_argument_count("named_struct", 11).is_err());
    }
}
