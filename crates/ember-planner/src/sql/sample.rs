//! `TABLESAMPLE` after a table or subquery in FROM, as Spark plans it:
//! `(n ROWS)` keeps the first `n` rows (a limit); `(x PERCENT)` and
//! `(BUCKET x OUT OF y)` become a `Sample` relation of the fraction `x/100`
//! or `x/y`, seeded by `REPEATABLE (seed)` when given.

use datafusion::sql::sqlparser::ast;
use ember_protocol::connect::{self, relation::RelType};

use super::rel;
use crate::ErrorKind;
use crate::error::{Result, SparkError};

/// `relation` sampled as `kind` says. Spark takes the FROM item's `alias`
/// only after the sample clause (which [`super::sample_tokens`] moves in
/// front for sqlparser, keeping its position).
pub(super) fn sampled(relation: connect::Relation, kind: &ast::TableSampleKind, alias: Option<&ast::TableAlias>) -> Result<connect::Relation> {
    let (ast::TableSampleKind::BeforeTableAlias(sample) | ast::TableSampleKind::AfterTableAlias(sample)) = kind;
    if let Some(alias) = alias
        && alias.name.span.start < clause_start(sample)
    {
        return Err(SparkError::parse_syntax("'TABLESAMPLE'", ""));
    }
    let seed = match &sample.seed {
        Some(seed) => Some(number(&seed.value.value.to_string())? as i64),
        None => None,
    };
    if let Some(bucket) = &sample.bucket {
        if bucket.on.is_some() {
            return Err(legacy_0015("BUCKET x OUT OF y ON colname"));
        }
        let (x, y) = (number(&bucket.bucket.value.to_string())?, number(&bucket.total.value.to_string())?);
        return fraction(relation, x / y, seed);
    }
    let Some(quantity) = &sample.quantity else {
        return Err(SparkError::parse_syntax("'TABLESAMPLE'", ""));
    };
    match quantity.unit {
        Some(ast::TableSampleUnit::Rows) => Ok(rel(RelType::Limit(Box::new(connect::Limit { input: Some(Box::new(relation)), limit: row_count(&quantity.value)? })))),
        Some(ast::TableSampleUnit::Percent) => fraction(relation, constant(&quantity.value)? / 100.0, seed),
        None => Err(SparkError::unsupported(format!("TABLESAMPLE ({})", quantity.value))),
    }
}

/// Where the sample clause's quantity or bucket was written.
fn clause_start(sample: &ast::TableSample) -> datafusion::sql::sqlparser::tokenizer::Location {
    use datafusion::sql::sqlparser::ast::Spanned;
    match (&sample.quantity, &sample.bucket) {
        (Some(quantity), _) => quantity.value.span().start,
        (None, Some(bucket)) => bucket.bucket.span.start,
        (None, None) => datafusion::sql::sqlparser::tokenizer::Location::empty(),
    }
}

fn number(text: &str) -> Result<f64> {
    text.parse::<f64>().map_err(|_| SparkError::parse_syntax(&format!("'{text}'"), ""))
}

/// A numeric literal, possibly negated.
fn constant(value: &ast::Expr) -> Result<f64> {
    match value {
        ast::Expr::UnaryOp { op: ast::UnaryOperator::Minus, expr } => Ok(-constant(expr)?),
        ast::Expr::Nested(inner) => constant(inner),
        ast::Expr::Value(v) => number(&v.value.to_string()),
        other => Err(SparkError::parse_syntax(&format!("'{other}'"), "")),
    }
}

/// The number of rows of `(n ROWS)`: a constant integer expression that is
/// not negative, with Spark's `INVALID_LIMIT_LIKE_EXPRESSION` otherwise.
fn row_count(value: &ast::Expr) -> Result<i32> {
    let expr = format!("\"{value}\"");
    let count = integer(value).map_err(|data_type| {
        SparkError::new(
            ErrorKind::Analysis,
            "INVALID_LIMIT_LIKE_EXPRESSION.DATA_TYPE",
            "42K0E",
            format!("The limit like expression {expr} is invalid. The limit expression must be integer type, but got \"{data_type}\"."),
            &[("name", "limit".to_string()), ("expr", expr.clone()), ("dataType", format!("\"{data_type}\""))],
        )
    })?;
    if count < 0 {
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE",
            "42K0E",
            format!("The limit like expression {expr} is invalid. The limit expression must be equal to or greater than 0, but got {count}."),
            &[("name", "limit".to_string()), ("expr", expr.clone()), ("v", count.to_string())],
        ));
    }
    i32::try_from(count).map_err(|_| SparkError::unsupported(format!("TABLESAMPLE ({value} ROWS)")))
}

/// An integer constant expression (`3`, `-1`, `1 + 2`); otherwise the Spark
/// type of the offending literal.
fn integer(value: &ast::Expr) -> std::result::Result<i64, String> {
    use ast::BinaryOperator::*;
    match value {
        ast::Expr::Nested(inner) => integer(inner),
        ast::Expr::UnaryOp { op: ast::UnaryOperator::Minus, expr } => Ok(-integer(expr)?),
        ast::Expr::BinaryOp { left, op, right } => {
            let (a, b) = (integer(left)?, integer(right)?);
            match op {
                Plus => Ok(a + b),
                Minus => Ok(a - b),
                Multiply => Ok(a * b),
                _ => Err("DOUBLE".to_string()),
            }
        }
        ast::Expr::Value(v) => {
            let text = v.value.to_string();
            text.parse::<i64>().map_err(|_| decimal_type(&text))
        }
        _ => Err("STRING".to_string()),
    }
}

/// The `DECIMAL(p,s)` of a decimal literal such as `2.5`.
fn decimal_type(text: &str) -> String {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole_digits = whole.trim_start_matches(['-', '0']).len();
    let scale = fraction.len();
    format!("DECIMAL({},{scale})", (whole_digits + scale).max(1))
}

/// `[INVALID_TABLESAMPLE_FRACTION]` outside `[0, 1]`, as Spark's parser checks.
fn fraction(relation: connect::Relation, fraction: f64, seed: Option<i64>) -> Result<connect::Relation> {
    const EPSILON: f64 = 1e-6;
    if !(-EPSILON..=1.0 + EPSILON).contains(&fraction) {
        return Err(SparkError::new(
            ErrorKind::Parse,
            "INVALID_TABLESAMPLE_FRACTION",
            "22023",
            format!("Sampling fraction ({fraction}) must be on interval [0, 1]."),
            &[("fraction", fraction.to_string())],
        ));
    }
    Ok(rel(RelType::Sample(Box::new(connect::Sample {
        input: Some(Box::new(relation)),
        lower_bound: 0.0,
        upper_bound: fraction.clamp(0.0, 1.0),
        with_replacement: Some(false),
        seed,
        deterministic_order: false,
    }))))
}

/// Spark's `_LEGACY_ERROR_TEMP_0015`: a TABLESAMPLE form it does not support.
fn legacy_0015(form: &str) -> SparkError {
    SparkError::new(ErrorKind::Parse, "_LEGACY_ERROR_TEMP_0015", "", format!("TABLESAMPLE({form}) is not supported."), &[("msg", form.to_string())])
}

#[cfg(test)]
mod tests {
    use super::super::{SqlArguments, parse_query};
    use super::*;

    fn sampled_input(sql: &str) -> connect::Relation {
        let Some(RelType::Project(project)) = parse_query(sql, &SqlArguments::default()).unwrap().rel_type else { panic!("not a projection") };
        *project.input.unwrap()
    }

    #[test]
    fn rows_keep_the_first_rows_and_fractions_sample() {
        assert!(matches!(sampled_input("SELECT * FROM t TABLESAMPLE (1 + 2 ROWS)").rel_type, Some(RelType::Limit(l)) if l.limit == 3));
        let bucket = sampled_input("SELECT * FROM t TABLESAMPLE (BUCKET 2 OUT OF 4) REPEATABLE (7)");
        assert!(matches!(bucket.rel_type, Some(RelType::Sample(s)) if s.lower_bound == 0.0 && s.upper_bound == 0.5 && s.seed == Some(7)));
    }

    #[test]
    fn spark_errors() {
        let class = |sql: &str| parse_query(sql, &SqlArguments::default()).unwrap_err().error_class;
        assert_eq!(class("SELECT * FROM t TABLESAMPLE (150 PERCENT)"), "INVALID_TABLESAMPLE_FRACTION");
        assert_eq!(class("SELECT * FROM t TABLESAMPLE (-1 ROWS)"), "INVALID_LIMIT_LIKE_EXPRESSION.IS_NEGATIVE");
        assert_eq!(class("SELECT * FROM t TABLESAMPLE (2.5 ROWS)"), "INVALID_LIMIT_LIKE_EXPRESSION.DATA_TYPE");
        assert_eq!(decimal_type("2.5"), "DECIMAL(2,1)");
    }
}
