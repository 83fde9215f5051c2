//! Hive's query-organization clauses: `DISTRIBUTE BY` (repartition by
//! expressions), `SORT BY` (sort within partitions) and `CLUSTER BY` (both,
//! ascending).

use datafusion::sql::sqlparser::ast;
use ember_protocol::connect::{self, relation::RelType};

use super::{expression, rel, sort_order};
use crate::error::Result;

/// `relation` with the select's `DISTRIBUTE BY`, `SORT BY` and `CLUSTER BY` applied.
pub(super) fn organized(mut relation: connect::Relation, select: &ast::Select) -> Result<connect::Relation> {
    let distribute = if select.cluster_by.is_empty() { &select.distribute_by } else { &select.cluster_by };
    if !distribute.is_empty() {
        relation = rel(RelType::RepartitionByExpression(Box::new(connect::RepartitionByExpression {
            input: Some(Box::new(relation)),
            partition_exprs: distribute.iter().map(expression).collect::<Result<Vec<_>>>()?,
            num_partitions: None,
        })));
    }
    let order = if select.cluster_by.is_empty() {
        select.sort_by.iter().map(sort_order).collect::<Result<Vec<_>>>()?
    } else {
        select
            .cluster_by
            .iter()
            .map(|e| {
                sort_order(&ast::OrderByExpr {
                    expr: e.clone(),
                    options: ast::OrderByOptions { asc: None, nulls_first: None },
                    with_fill: None,
                })
            })
            .collect::<Result<Vec<_>>>()?
    };
    if !order.is_empty() {
        relation = rel(RelType::Sort(Box::new(connect::Sort { input: Some(Box::new(relation)), order, is_global: Some(false) })));
    }
    Ok(relation)
}

#[cfg(test)]
mod tests {
    use super::super::{SqlArguments, parse_query};
    use super::*;

    #[test]
    fn cluster_by_repartitions_then_sorts_within_partitions() {
        let relation = parse_query("SELECT k FROM t CLUSTER BY k", &SqlArguments::default()).unwrap();
        let Some(RelType::Sort(sort)) = relation.rel_type else { panic!("not a sort") };
        assert_eq!(sort.is_global, Some(false));
        assert!(matches!(sort.input.unwrap().rel_type, Some(RelType::RepartitionByExpression(_))));
    }
}
