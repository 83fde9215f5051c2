//! `spark.catalog.functionExists`: a function exists when the planner
//! resolves a call of it, so the answer covers exactly the built-in
//! functions Ember has and the session's registered UDFs.

use ember_planner::SparkError;
use ember_protocol::connect::{self, expression::ExprType, relation::RelType};

use crate::session::Session;

/// Whether `name` is a function a query of this session can call: a call
/// of it without arguments or with one resolves to something other than
/// `UNRESOLVED_ROUTINE` (generators, say, are only recognised with arguments).
pub fn function_exists(session: &Session, name: &str) -> bool {
    let one = connect::Expression {
        common: None,
        expr_type: Some(ExprType::Literal(connect::expression::Literal {
            data_type: None,
            literal_type: Some(connect::expression::literal::LiteralType::Integer(1)),
        })),
    };
    [vec![], vec![one]].into_iter().any(|arguments| resolves(session, name, arguments))
}

/// Whether planning `name(arguments…)` finds the function. Any other
/// failure (wrong arguments) still found it.
fn resolves(session: &Session, name: &str, arguments: Vec<connect::Expression>) -> bool {
    let call = connect::Expression {
        common: None,
        expr_type: Some(ExprType::UnresolvedFunction(connect::expression::UnresolvedFunction {
            function_name: name.to_string(),
            arguments,
            ..Default::default()
        })),
    };
    let probe = connect::Relation {
        common: None,
        rel_type: Some(RelType::Project(Box::new(connect::Project { input: None, expressions: vec![call] }))),
    };
    !matches!(crate::execute::plan(session, &probe), Err(SparkError { error_class, .. }) if error_class == "UNRESOLVED_ROUTINE")
}
