//! Spark's `make_ym_interval(years, months)`: an `INTERVAL YEAR TO MONTH` of
//! `years * 12 + months` months, failing beyond
//! the INT range (`INTERVAL_ARITHMETIC_OVERFLOW`).

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, AsArray, IntervalYearMonthArray};
use datafusion::arrow::datatypes::{DataType, Int32Type, IntervalUnit};
use datafusion::common::Result;
use datafusion::logical_expr::Expr;
use ember_errors::{ErrorKind, SparkError};

use crate::kernel_udf::KernelUdf;

/// `make_ym_interval(years, months)` of two INTs.
pub fn make_ym_interval(years: Expr, months: Expr) -> Expr {
    let interval = DataType::Interval(IntervalUnit::YearMonth);
    KernelUdf::call_null_intolerant("make_ym_interval", interval, kernel, "", vec![years, months])
}

/// The months of `years` and `months`, if they fit an INT.
pub fn total_months(years: i32, months: i32) -> Option<i32> {
    years.checked_mul(12)?.checked_add(months)
}

fn kernel(args: &[ArrayRef], _: &str) -> Result<ArrayRef> {
    let (years, months) = (args[0].as_primitive::<Int32Type>(), args[1].as_primitive::<Int32Type>());
    let mut out = Vec::with_capacity(years.len());
    for (y, m) in years.iter().zip(months.iter()) {
        out.push(match (y, m) {
            (Some(y), Some(m)) => Some(total_months(y, m).ok_or_else(|| {
                SparkError::new(
                    ErrorKind::Arithmetic,
                    "INTERVAL_ARITHMETIC_OVERFLOW.WITHOUT_SUGGESTION",
                    "22015",
                    "Integer overflow while operating with intervals. Try devising appropriate values for the interval parameters.",
                    &[],
                )
                .into_datafusion()
            })?),
            _ => None,
        });
    }
    Ok(Arc::new(IntervalYearMonthArray::from(out)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_add_up_within_an_int() {
        assert_eq!(total_months(1, 2), Some(14));
        assert_eq!(total_months(-3, 2), Some(-34));
        assert_eq!(total_months(178956971, 0), None);
    }
}
