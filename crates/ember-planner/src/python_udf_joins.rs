//! Spark's refusal of Python UDFs in the ON clause of outer, semi and anti
//! joins when they read both sides (Spark evaluates such a UDF in a filter
//! after a cross join, which only an inner join allows).

use datafusion::common::JoinType;
use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_python::PythonScalarUdf;

use crate::error::{ErrorKind, Result, SparkError};

/// `UNSUPPORTED_FEATURE.PYTHON_UDF_IN_ON_CLAUSE` when `condition`, the ON
/// clause of a join other than an inner one, calls a Python UDF on columns
/// of both `left` and `right`.
pub(crate) fn check_join_condition(join_type: JoinType, condition: Option<&Expr>, left: &LogicalPlan, right: &LogicalPlan) -> Result<()> {
    let name = match join_type {
        JoinType::Left => "LEFT OUTER",
        JoinType::Right => "RIGHT OUTER",
        JoinType::Full => "FULL OUTER",
        JoinType::LeftSemi => "LEFT SEMI",
        JoinType::LeftAnti => "LEFT ANTI",
        _ => return Ok(()),
    };
    let Some(condition) = condition else { return Ok(()) };
    if !calls_python_udf_on_both_sides(condition, left, right) {
        return Ok(());
    }
    Err(SparkError::new(
        ErrorKind::Analysis,
        "UNSUPPORTED_FEATURE.PYTHON_UDF_IN_ON_CLAUSE",
        "0A000",
        format!(
            "The feature is not supported: Python UDF in the ON clause of a {name} JOIN. In case of an INNER JOIN consider rewriting to a CROSS JOIN with a WHERE clause."
        ),
        &[("joinType", name.to_string())],
    ))
}

/// Whether `condition` calls a Python UDF on columns of both `left` and
/// `right` (Spark evaluates such a conjunct of an inner join's condition in
/// a filter over the cross join).
pub(crate) fn calls_python_udf_on_both_sides(condition: &Expr, left: &LogicalPlan, right: &LogicalPlan) -> bool {
    let mut reads_both = false;
    let visited = condition.apply(|e| {
        if let Expr::ScalarFunction(call) = e {
            let function: &dyn std::any::Any = call.func.inner().as_ref();
            if function.downcast_ref::<PythonScalarUdf>().is_some() {
                let columns = e.column_refs();
                reads_both = columns.iter().any(|c| left.schema().has_column(c)) && columns.iter().any(|c| right.schema().has_column(c));
                if reads_both {
                    return Ok(TreeNodeRecursion::Stop);
                }
            }
        }
        Ok(TreeNodeRecursion::Continue)
    });
    visited.is_ok() && reads_both
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::logical_expr::{ScalarUDF, col, table_scan};
    use ember_python::PythonFunction;

    fn side(name: &str) -> LogicalPlan {
        table_scan(Some(name), &Schema::new(vec![Field::new(name, DataType::Int64, true)]), None).unwrap().build().unwrap()
    }

    #[test]
    fn only_python_udfs_reading_both_sides_of_outer_joins_are_refused() {
        let function = PythonFunction { name: "same".into(), eval_type: 100, command: Arc::new(Vec::new()), python_ver: "3.11".into(), deterministic: true };
        let udf = PythonScalarUdf::new(function, vec![DataType::Int64, DataType::Int64], String::new(), Field::new("", DataType::Boolean, true), Vec::new(), 1);
        let same = Arc::new(ScalarUDF::new_from_impl(udf));
        let (left, right) = (side("a"), side("b"));
        let both = same.call(vec![col("a.a"), col("b.b")]);
        let one = same.call(vec![col("a.a"), col("a.a")]);
        let err = check_join_condition(JoinType::Left, Some(&both), &left, &right).unwrap_err();
        assert_eq!(err.error_class, "UNSUPPORTED_FEATURE.PYTHON_UDF_IN_ON_CLAUSE");
        assert!(err.message.contains("ON clause of a LEFT OUTER JOIN"), "{}", err.message);
        assert!(check_join_condition(JoinType::Inner, Some(&both), &left, &right).is_ok());
        assert!(check_join_condition(JoinType::Full, Some(&one), &left, &right).is_ok());
        assert!(check_join_condition(JoinType::Full, Some(&col("a.a").eq(col("b.b"))), &left, &right).is_ok());
    }
}
