//! `TABLESAMPLE` after a table or subquery in FROM: `(n ROWS)` keeps the
//! first `n` rows; `(p PERCENT)` and `(BUCKET x OUT OF y)` become a
//! `Sample` relation of that fraction.

use datafusion::sql::sqlparser::ast;
use ember_protocol::connect::{self, relation::RelType};

use super::rel;
use crate::error::{Result, SparkError};

/// `relation` sampled as `kind` says.
pub(super) fn sampled(relation: connect::Relation, kind: &ast::TableSampleKind) -> Result<connect::Relation> {
    let (ast::TableSampleKind::BeforeTableAlias(sample) | ast::TableSampleKind::AfterTableAlias(sample)) = kind;
    if let Some(bucket) = &sample.bucket {
        let (x, y) = (number(&bucket.bucket.value.to_string())?, number(&bucket.total.value.to_string())?);
        return Ok(fraction(relation, (x - 1.0) / y, x / y));
    }
    let Some(quantity) = &sample.quantity else {
        return Err(SparkError::parse_syntax("'TABLESAMPLE'", ""));
    };
    let value = number(&quantity.value.to_string())?;
    Ok(match quantity.unit {
        Some(ast::TableSampleUnit::Rows) => rel(RelType::Limit(Box::new(connect::Limit { input: Some(Box::new(relation)), limit: value as i32 }))),
        Some(ast::TableSampleUnit::Percent) => fraction(relation, 0.0, value / 100.0),
        None => return Err(SparkError::unsupported(format!("TABLESAMPLE ({})", quantity.value))),
    })
}

fn number(text: &str) -> Result<f64> {
    text.parse::<f64>().map_err(|_| SparkError::parse_syntax(&format!("'{text}'"), ""))
}

fn fraction(relation: connect::Relation, lower_bound: f64, upper_bound: f64) -> connect::Relation {
    rel(RelType::Sample(Box::new(connect::Sample {
        input: Some(Box::new(relation)),
        lower_bound,
        upper_bound,
        with_replacement: Some(false),
        seed: None,
        deterministic_order: false,
    })))
}

#[cfg(test)]
mod tests {
    use super::super::{SqlArguments, parse_query};
    use super::*;

    #[test]
    fn rows_keep_the_first_rows_and_percentages_sample() {
        let relation = parse_query("SELECT * FROM t TABLESAMPLE (2 ROWS)", &SqlArguments::default()).unwrap();
        let Some(RelType::Project(project)) = relation.rel_type else { panic!("not a projection") };
        assert!(matches!(project.input.unwrap().rel_type, Some(RelType::Limit(l)) if l.limit == 2));
        let relation = parse_query("SELECT * FROM t TABLESAMPLE (BUCKET 2 OUT OF 4)", &SqlArguments::default()).unwrap();
        let Some(RelType::Project(project)) = relation.rel_type else { panic!("not a projection") };
        assert!(matches!(project.input.unwrap().rel_type, Some(RelType::Sample(s)) if s.lower_bound == 0.25 && s.upper_bound == 0.5));
    }
}
