//! `IDENTIFIER(expr)`: a name given as a constant string (often a
//! parameter, `IDENTIFIER(:table)`), as a table in FROM or as a column.

use ember_protocol::connect::{self, expression::ExprType, expression::literal::LiteralType, relation::RelType};

use super::rel;
use crate::error::{Result, SparkError};

/// Whether a function or table function name is `IDENTIFIER`.
pub(super) fn is_identifier_clause(name: &str) -> bool {
    name.eq_ignore_ascii_case("identifier")
}

/// The name an `IDENTIFIER` clause's single argument spells.
fn spelled_name(arguments: &[connect::Expression]) -> Result<String> {
    match arguments {
        [argument] => match &argument.expr_type {
            Some(ExprType::Literal(l)) => match &l.literal_type {
                Some(LiteralType::String(name)) => Ok(name.clone()),
                _ => Err(not_a_string()),
            },
            _ => Err(not_a_string()),
        },
        _ => Err(SparkError::parse_syntax("'IDENTIFIER'", "")),
    }
}

fn not_a_string() -> SparkError {
    SparkError::new(
        crate::ErrorKind::Analysis,
        "NOT_A_CONSTANT_STRING.WRONG_TYPE",
        "42601",
        "The expression used for the routine or clause IDENTIFIER must be a constant STRING.",
        &[("name", "IDENTIFIER".to_string())],
    )
}

/// `FROM IDENTIFIER('db.t')`: a read of the table so named.
pub(super) fn table(arguments: &[connect::Expression]) -> Result<connect::Relation> {
    Ok(rel(RelType::Read(connect::Read {
        is_streaming: false,
        read_type: Some(connect::read::ReadType::NamedTable(connect::read::NamedTable {
            unparsed_identifier: spelled_name(arguments)?,
            options: Default::default(),
        })),
    })))
}

/// `IDENTIFIER('t.c')` in an expression: the column so named.
pub(super) fn column(arguments: &[connect::Expression]) -> Result<connect::Expression> {
    Ok(connect::Expression {
        common: None,
        expr_type: Some(ExprType::UnresolvedAttribute(connect::expression::UnresolvedAttribute {
            unparsed_identifier: spelled_name(arguments)?,
            ..Default::default()
        })),
    })
}

#[cfg(test)]
mod tests {
    use super::super::{SqlArguments, parse_query};
    use super::*;

    #[test]
    fn identifier_clauses_name_tables_and_columns() {
        let mut arguments = SqlArguments::default();
        let literal = connect::expression::Literal { data_type: None, literal_type: Some(LiteralType::String("db.t".into())) };
        arguments.named.insert("t".into(), connect::Expression { common: None, expr_type: Some(ExprType::Literal(literal)) });
        let relation = parse_query("SELECT IDENTIFIER('c') FROM IDENTIFIER(:t)", &arguments).unwrap();
        let Some(RelType::Project(project)) = relation.rel_type else { panic!("not a projection") };
        assert!(matches!(&project.expressions[0].expr_type, Some(ExprType::UnresolvedAttribute(a)) if a.unparsed_identifier == "c"));
        let Some(RelType::Read(read)) = project.input.unwrap().rel_type else { panic!("not a read") };
        assert!(matches!(read.read_type, Some(connect::read::ReadType::NamedTable(t)) if t.unparsed_identifier == "db.t"));
    }
}
