//! Spark's built-in table-valued functions (`spark.tvf.*`, `SELECT * FROM
//! f(…)`): `range`, `sql_keywords`, `collations`, and the generators (`explode`, `posexplode`, `inline`,
//! their `_outer` forms, `stack`, `json_tuple`) as a generator select over
//! one row, so they share the select-list generator code (`variant_explode`
//! and `variant_explode_outer` too). Other names are table functions the
//! session registered.

use datafusion::logical_expr::{LogicalPlan, LogicalPlanBuilder};
use ember_protocol::connect::{self, expression::ExprType, expression::literal::LiteralType, relation::RelType};

use crate::error::{Result, SparkError};
use crate::generate::GENERATORS;
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans a table-valued function called by name.
    pub(crate) fn table_valued_function(&mut self, call: &connect::UnresolvedTableValuedFunction) -> Result<LogicalPlan> {
        let name = call.function_name.to_lowercase();
        if name == "range" {
            let range = range_arguments(&call.arguments)?;
            return self.plan_relation(&connect::Relation { common: None, rel_type: Some(RelType::Range(range)) });
        }
        if name == "sql_keywords" && call.arguments.is_empty() {
            return self.sql_keywords();
        }
        if name == "collations" && call.arguments.is_empty() {
            return self.collations();
        }
        if GENERATORS.contains(&name.as_str()) {
            let generator = connect::Expression {
                common: None,
                expr_type: Some(ExprType::UnresolvedFunction(connect::expression::UnresolvedFunction {
                    function_name: name,
                    arguments: call.arguments.clone(),
                    ..Default::default()
                })),
            };
            let one_row = LogicalPlanBuilder::empty(true).build()?;
            return self.project(one_row, &[generator]);
        }
        self.registered_table_function(call)
    }
}

/// `range(end)`, `range(start, end[, step[, numPartitions]])` of integer literals.
fn range_arguments(arguments: &[connect::Expression]) -> Result<connect::Range> {
    let values = arguments
        .iter()
        .map(|argument| match &argument.expr_type {
            Some(ExprType::Literal(l)) => match &l.literal_type {
                Some(LiteralType::Integer(v) | LiteralType::Short(v) | LiteralType::Byte(v)) => Ok(i64::from(*v)),
                Some(LiteralType::Long(v)) => Ok(*v),
                _ => Err(SparkError::illegal_argument("range takes integer arguments")),
            },
            _ => Err(SparkError::unsupported("range with non-literal arguments")),
        })
        .collect::<Result<Vec<i64>>>()?;
    let (start, end, step, partitions) = match values.as_slice() {
        [end] => (0, *end, 1, None),
        [start, end] => (*start, *end, 1, None),
        [start, end, step] => (*start, *end, *step, None),
        [start, end, step, partitions] => (*start, *end, *step, Some(*partitions as i32)),
        _ => return Err(SparkError::illegal_argument("range takes 1 to 4 arguments")),
    };
    Ok(connect::Range { start: Some(start), end, step, num_partitions: partitions })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integer(v: i32) -> connect::Expression {
        connect::Expression {
            common: None,
            expr_type: Some(ExprType::Literal(connect::expression::Literal { data_type: None, literal_type: Some(LiteralType::Integer(v)) })),
        }
    }

    #[test]
    fn range_arguments_default_start_and_step() {
        let range = range_arguments(&[integer(3)]).unwrap();
        assert_eq!((range.start, range.end, range.step), (Some(0), 3, 1));
        let range = range_arguments(&[integer(1), integer(9), integer(2)]).unwrap();
        assert_eq!((range.start, range.end, range.step), (Some(1), 9, 2));
        assert!(range_arguments(&[]).is_err());
    }
}
