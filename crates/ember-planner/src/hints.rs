//! `df.hint(name, parameters…)`. Every hint is kept for `explain()`, whose
//! parsed plan lists it as Spark's `'UnresolvedHint`; the partitioning
//! hints (`coalesce`, `repartition`, `repartition_by_range`) partition the
//! rows as the DataFrame methods of the same names do, `rebalance` as a
//! repartition that Spark's plans name `RebalancePartitions`. A join strategy hint
//! (`broadcast`, `merge`, `shuffle_hash`, `shuffle_replicate_nl` and their
//! aliases) marks the relation for the join above it (see
//! [`crate::join_strategy`]).

use datafusion::logical_expr::LogicalPlan;
use ember_protocol::connect::{self, expression::ExprType, expression::literal::LiteralType};

use crate::error::Result;
use crate::join_strategy::{JoinHint, JoinStrategyHint};
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans a `Hint` relation.
    pub(crate) fn hint(&mut self, hint: &connect::Hint) -> Result<LogicalPlan> {
        let name = hint.name.to_ascii_lowercase();
        let count = hint.parameters.first().and_then(integer_literal);
        let columns: Vec<connect::Expression> =
            hint.parameters.iter().skip(usize::from(count.is_some())).map(column_parameter).collect();
        let input = hint.input.clone();
        let partitioned = match name.as_str() {
            "coalesce" if columns.is_empty() => count.map(|n| {
                rel(connect::relation::RelType::Repartition(Box::new(connect::Repartition { input, num_partitions: n, shuffle: Some(false) })))
            }),
            "repartition" | "repartition_by_range" if count.is_some() || !columns.is_empty() => {
                let partition_exprs = if name == "repartition" { columns.clone() } else { columns.iter().cloned().map(ascending).collect() };
                Some(rel(connect::relation::RelType::RepartitionByExpression(Box::new(connect::RepartitionByExpression {
                    input,
                    partition_exprs,
                    num_partitions: count,
                }))))
            }
            _ => None,
        };
        let plan = match (&partitioned, JoinStrategyHint::from_name(&name)) {
            (Some(relation), _) => self.plan_relation(relation)?,
            (None, None) if name == "rebalance" => self.rebalance(&hint.input, count, &columns)?,
            (None, Some(strategy)) => JoinHint::plan(self.input(&hint.input)?, strategy),
            (None, None) => self.input(&hint.input)?,
        };
        // The parameters as Spark prints them; one that does not plan is left out.
        let parameters: Vec<String> = hint.parameters.iter().filter_map(|p| self.plan_expr(p, &plan).ok().map(|(_, n)| n)).collect();
        self.hints.push(format!("'UnresolvedHint {}, [{}]", hint.name, parameters.join(", ")));
        Ok(plan)
    }
}

fn rel(rel_type: connect::relation::RelType) -> connect::Relation {
    connect::Relation { common: None, rel_type: Some(rel_type) }
}

fn integer_literal(parameter: &connect::Expression) -> Option<i32> {
    match &parameter.expr_type {
        Some(ExprType::Literal(connect::expression::Literal { literal_type: Some(LiteralType::Integer(n)), .. })) => Some(*n),
        Some(ExprType::Literal(connect::expression::Literal { literal_type: Some(LiteralType::Long(n)), .. })) => i32::try_from(*n).ok(),
        _ => None,
    }
}

/// A partitioning hint names its columns by string, or gives columns.
fn column_parameter(parameter: &connect::Expression) -> connect::Expression {
    match &parameter.expr_type {
        Some(ExprType::Literal(connect::expression::Literal { literal_type: Some(LiteralType::String(name)), .. })) => connect::Expression {
            common: parameter.common.clone(),
            expr_type: Some(ExprType::UnresolvedAttribute(connect::expression::UnresolvedAttribute {
                unparsed_identifier: name.clone(),
                ..Default::default()
            })),
        },
        _ => parameter.clone(),
    }
}

fn ascending(column: connect::Expression) -> connect::Expression {
    use connect::expression::sort_order::{NullOrdering, SortDirection};
    connect::Expression {
        common: None,
        expr_type: Some(ExprType::SortOrder(Box::new(connect::expression::SortOrder {
            child: Some(Box::new(column)),
            direction: SortDirection::Ascending as i32,
            null_ordering: NullOrdering::SortNullsFirst as i32,
        }))),
    }
}
