//! SQL window syntax to Spark Connect: `f(…) OVER (…)`, the `WINDOW`
//! clause's named windows, and `QUALIFY`.

use std::cell::RefCell;

use datafusion::sql::sqlparser::ast;
use ember_protocol::connect::{self, expression::ExprType, relation::RelType};
use ember_protocol::connect::expression::window::{WindowFrame, window_frame};

use crate::error::{Result, SparkError};
use crate::sql::{expression, function as call, function_call, sort_order};

thread_local! {
    /// The named windows of the SELECT being translated, innermost last.
    static NAMED_WINDOWS: RefCell<Vec<Vec<ast::NamedWindowDefinition>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` with the `WINDOW` clause's definitions in scope.
pub(crate) fn with_named_windows<T>(definitions: &[ast::NamedWindowDefinition], f: impl FnOnce() -> T) -> T {
    NAMED_WINDOWS.with(|n| n.borrow_mut().push(definitions.to_vec()));
    let result = f();
    NAMED_WINDOWS.with(|n| n.borrow_mut().pop());
    result
}

fn named_window(name: &ast::Ident) -> Result<ast::WindowSpec> {
    let found = NAMED_WINDOWS.with(|n| {
        n.borrow().iter().rev().flatten().find(|d| d.0.value.eq_ignore_ascii_case(&name.value)).map(|d| d.1.clone())
    });
    match found {
        Some(ast::NamedWindowExpr::WindowSpec(spec)) => resolve_base(spec),
        Some(ast::NamedWindowExpr::NamedWindow(other)) => named_window(&other),
        None => Err(SparkError::new(
            crate::ErrorKind::Analysis,
            "MISSING_WINDOW_SPECIFICATION",
            "42P20",
            format!("Window specification {} is not defined in the WINDOW clause.", name.value),
            &[("windowName", name.value.clone())],
        )),
    }
}

/// A specification that names a base window completed from it.
fn resolve_base(spec: ast::WindowSpec) -> Result<ast::WindowSpec> {
    let Some(base_name) = &spec.window_name else { return Ok(spec) };
    let base = named_window(base_name)?;
    Ok(ast::WindowSpec {
        window_name: None,
        partition_by: if spec.partition_by.is_empty() { base.partition_by } else { spec.partition_by },
        order_by: if spec.order_by.is_empty() { base.order_by } else { spec.order_by },
        window_frame: spec.window_frame.or(base.window_frame),
    })
}

/// `f(…) OVER (…)` as a Connect `Window` expression.
pub(crate) fn window_call(f: &ast::Function, over: &ast::WindowType) -> Result<connect::Expression> {
    let spec = match over {
        ast::WindowType::WindowSpec(spec) => resolve_base(spec.clone())?,
        ast::WindowType::NamedWindow(name) => named_window(name)?,
    };
    let mut function = function_call(&ast::Function { over: None, null_treatment: None, ..f.clone() })?;
    if matches!(f.null_treatment, Some(ast::NullTreatment::IgnoreNulls)) {
        if let Some(ExprType::UnresolvedFunction(call)) = &mut function.expr_type {
            call.arguments.push(boolean(true));
        }
    }
    let partition_spec = spec.partition_by.iter().map(expression).collect::<Result<Vec<_>>>()?;
    let order_spec = spec.order_by.iter().map(sort_order).collect::<Result<Vec<_>>>()?;
    let frame_spec = spec.window_frame.as_ref().map(frame).transpose()?.map(Box::new);
    Ok(connect::Expression {
        expr_type: Some(ExprType::Window(Box::new(connect::expression::Window {
            window_function: Some(Box::new(function)),
            partition_spec,
            order_spec,
            frame_spec,
        }))),
        ..Default::default()
    })
}

fn frame(frame: &ast::WindowFrame) -> Result<WindowFrame> {
    let frame_type = match frame.units {
        ast::WindowFrameUnits::Rows => window_frame::FrameType::Row,
        ast::WindowFrameUnits::Range => window_frame::FrameType::Range,
        ast::WindowFrameUnits::Groups => return Err(SparkError::unsupported("GROUPS window frames")),
    };
    let end = frame.end_bound.clone().unwrap_or(ast::WindowFrameBound::CurrentRow);
    Ok(WindowFrame {
        frame_type: frame_type as i32,
        lower: Some(Box::new(bound(&frame.start_bound)?)),
        upper: Some(Box::new(bound(&end)?)),
    })
}

/// A frame bound; `n PRECEDING` is the negation of `n`, as Spark parses it.
fn bound(bound: &ast::WindowFrameBound) -> Result<window_frame::FrameBoundary> {
    use window_frame::frame_boundary::Boundary;
    let boundary = match bound {
        ast::WindowFrameBound::CurrentRow => Boundary::CurrentRow(true),
        ast::WindowFrameBound::Preceding(None) | ast::WindowFrameBound::Following(None) => Boundary::Unbounded(true),
        ast::WindowFrameBound::Preceding(Some(value)) => {
            Boundary::Value(Box::new(negation(expression(value)?)))
        }
        ast::WindowFrameBound::Following(Some(value)) => Boundary::Value(Box::new(expression(value)?)),
    };
    Ok(window_frame::FrameBoundary { boundary: Some(boundary) })
}

fn negation(e: connect::Expression) -> connect::Expression {
    call("-", vec![e])
}

fn boolean(value: bool) -> connect::Expression {
    connect::Expression {
        expr_type: Some(ExprType::Literal(connect::expression::Literal {
            literal_type: Some(connect::expression::literal::LiteralType::Boolean(value)),
            ..Default::default()
        })),
        ..Default::default()
    }
}

/// Name of the hidden column holding a QUALIFY condition.
const QUALIFY_COLUMN: &str = "__qualify";

/// `relation QUALIFY condition`: the condition (which may use window
/// functions and the select list's names) is computed beside the selected
/// columns, filtered on, then dropped.
pub(crate) fn qualify(relation: connect::Relation, condition: &ast::Expr) -> Result<connect::Relation> {
    let condition = expression(condition)?;
    let star = connect::Expression {
        expr_type: Some(ExprType::UnresolvedStar(connect::expression::UnresolvedStar::default())),
        ..Default::default()
    };
    let hidden = connect::Expression {
        expr_type: Some(ExprType::Alias(Box::new(connect::expression::Alias {
            expr: Some(Box::new(condition)),
            name: vec![QUALIFY_COLUMN.to_string()],
            metadata: None,
        }))),
        ..Default::default()
    };
    let projected = relation_of(RelType::Project(Box::new(connect::Project {
        input: Some(Box::new(relation)),
        expressions: vec![star, hidden],
    })));
    let flag = connect::Expression {
        expr_type: Some(ExprType::UnresolvedAttribute(connect::expression::UnresolvedAttribute {
            unparsed_identifier: QUALIFY_COLUMN.to_string(),
            ..Default::default()
        })),
        ..Default::default()
    };
    let filtered = relation_of(RelType::Filter(Box::new(connect::Filter {
        input: Some(Box::new(projected)),
        condition: Some(flag),
    })));
    Ok(relation_of(RelType::Drop(Box::new(connect::Drop {
        input: Some(Box::new(filtered)),
        columns: vec![],
        column_names: vec![QUALIFY_COLUMN.to_string()],
    }))))
}

fn relation_of(rel_type: RelType) -> connect::Relation {
    connect::Relation { common: None, rel_type: Some(rel_type) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preceding_bounds_are_negations() {
        let parsed = crate::sql::parse_expression("sum(x) OVER (ORDER BY y ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)").unwrap();
        let Some(ExprType::Window(window)) = parsed.expr_type else { panic!("not a window: {parsed:?}") };
        let lower = window.frame_spec.unwrap().lower.unwrap().boundary.unwrap();
        let window_frame::frame_boundary::Boundary::Value(value) = lower else { panic!("not a value bound") };
        assert!(matches!(value.expr_type, Some(ExprType::UnresolvedFunction(f)) if f.function_name == "-"));
    }

    #[test]
    fn unknown_named_windows_fail() {
        let err = crate::sql::parse_expression("rank() OVER w").unwrap_err();
        assert_eq!(err.error_class, "MISSING_WINDOW_SPECIFICATION");
    }
}
