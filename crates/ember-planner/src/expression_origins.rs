//! Query contexts of expressions: where the client built each expression
//! (`Expression.common.origin`: a PySpark call, or a span of SQL text), so
//! that the errors an expression raises name it, as Spark's do.

use ember_protocol::connect::{self, expression::ExprType, expression::literal::LiteralType, origin::Function};

use crate::error::{QueryContext, SparkError};

/// The query context an expression's origin names, if it carries one.
pub(crate) fn origin_context(expression: &connect::Expression) -> Option<QueryContext> {
    match expression.common.as_ref()?.origin.as_ref()?.function.as_ref()? {
        Function::PythonOrigin(origin) => Some(QueryContext::DataFrame {
            fragment: origin.fragment.clone(),
            call_site: origin.call_site.clone(),
        }),
        Function::JvmOrigin(origin) => Some(QueryContext::Sql {
            sql_text: origin.sql_text.clone()?,
            start_index: usize::try_from(origin.start_index?).ok()?,
            stop_index: usize::try_from(origin.stop_index?).ok()?,
        }),
    }
}

/// The expressions of a planned query that can fail while it runs, with
/// their query contexts and the error classes each can raise.
#[derive(Debug, Clone, Default)]
pub struct ExpressionOrigins {
    raising: Vec<(QueryContext, Vec<&'static str>)>,
}

impl ExpressionOrigins {
    /// Notes a planned expression built at `context`.
    pub(crate) fn note(&mut self, context: QueryContext, expression: &connect::Expression) {
        let classes = run_time_error_classes(expression);
        if !classes.is_empty() {
            self.raising.push((context, classes));
        }
    }

    /// Gives an error raised while running the query the context of the
    /// first expression that can raise its error class.
    pub fn attach(&self, err: SparkError) -> SparkError {
        match self.raising.iter().find(|(_, classes)| classes.contains(&err.error_class.as_str())) {
            Some((context, _)) => err.with_query_context(context),
            None => err,
        }
    }
}

/// The error classes an expression itself can raise while rows are computed.
fn run_time_error_classes(expression: &connect::Expression) -> Vec<&'static str> {
    let (name, arguments) = match &expression.expr_type {
        Some(ExprType::UnresolvedFunction(f)) => (f.function_name.as_str(), &f.arguments),
        Some(ExprType::Cast(_)) => return vec!["CAST_INVALID_INPUT", "CAST_OVERFLOW"],
        _ => return vec![],
    };
    let mut classes = Vec::new();
    match name {
        "/" | "div" if !arguments.get(1).is_some_and(is_non_zero_literal) => classes.push("DIVIDE_BY_ZERO"),
        "%" | "mod" | "pmod" if !arguments.get(1).is_some_and(is_non_zero_literal) => {
            classes.extend(["REMAINDER_BY_ZERO", "DIVIDE_BY_ZERO"])
        }
        _ => {}
    }
    if matches!(name, "+" | "-" | "*" | "/" | "%" | "div" | "mod" | "pmod" | "negative" | "abs") {
        classes.push("ARITHMETIC_OVERFLOW");
    }
    // A string that is no number, cast to its numeric operand's type.
    if arguments.iter().any(is_non_numeric_string_literal) {
        classes.push("CAST_INVALID_INPUT");
    }
    classes
}

fn literal_type(expression: &connect::Expression) -> Option<&LiteralType> {
    match &expression.expr_type {
        Some(ExprType::Literal(literal)) => literal.literal_type.as_ref(),
        _ => None,
    }
}

fn is_non_zero_literal(expression: &connect::Expression) -> bool {
    match literal_type(expression) {
        Some(LiteralType::Byte(v) | LiteralType::Short(v) | LiteralType::Integer(v)) => *v != 0,
        Some(LiteralType::Long(v)) => *v != 0,
        Some(LiteralType::Float(v)) => *v != 0.0,
        Some(LiteralType::Double(v)) => *v != 0.0,
        _ => false,
    }
}

fn is_non_numeric_string_literal(expression: &connect::Expression) -> bool {
    matches!(literal_type(expression), Some(LiteralType::String(s)) if s.trim().parse::<f64>().is_err())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::function as call;

    fn literal(value: LiteralType) -> connect::Expression {
        connect::Expression {
            expr_type: Some(ExprType::Literal(connect::expression::Literal { literal_type: Some(value), ..Default::default() })),
            ..Default::default()
        }
    }


    fn context(fragment: &str) -> QueryContext {
        QueryContext::DataFrame { fragment: fragment.to_string(), call_site: "app.py:1".to_string() }
    }

    #[test]
    fn a_run_time_error_gets_the_context_of_the_expression_that_can_raise_it() {
        let column = literal(LiteralType::Long(7));
        let mut origins = ExpressionOrigins::default();
        origins.note(context("__truediv__"), &call("/", vec![column.clone(), literal(LiteralType::Integer(10))]));
        origins.note(context("__add__"), &call("+", vec![column.clone(), literal(LiteralType::String("x".into()))]));
        origins.note(context("__truediv__"), &call("/", vec![column.clone(), literal(LiteralType::Integer(0))]));
        let fragment = |err: SparkError| err.query_contexts.first().map(QueryContext::fragment);
        assert_eq!(fragment(origins.attach(SparkError::divide_by_zero())), Some("__truediv__".to_string()));
        assert_eq!(fragment(origins.attach(SparkError::cast_invalid_input("'x'", "STRING", "BIGINT"))), Some("__add__".to_string()));
        assert_eq!(fragment(origins.attach(SparkError::internal("boom"))), None);
        let mut none = ExpressionOrigins::default();
        none.note(context("__add__"), &call("+", vec![column, literal(LiteralType::String("12".into()))]));
        assert_eq!(fragment(none.attach(SparkError::cast_invalid_input("'x'", "STRING", "BIGINT"))), None);
    }
}
