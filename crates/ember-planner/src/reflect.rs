//! `reflect`, `java_method` and `try_reflect`: the JDK static methods Spark
//! users call through them, each planned as the Spark expression that
//! computes the same value (`java.lang.Math.abs(x)` as `abs(x)`), cast to
//! STRING as Spark renders the method's result. Other classes and methods
//! fail with Spark's errors for a class or method it cannot find.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_protocol::connect::{self, expression::ExprType};

use crate::error::{ErrorKind, Result, SparkError};
use crate::nullable::as_nullable;
use crate::plan::Planner;
use crate::sql::function as call;

/// How a JDK method's value is computed.
enum Method {
    /// A Spark function of the arguments cast to DOUBLE, its result as a DOUBLE
    /// (`Math.sqrt`, `Math.floor`).
    OfDoubles(&'static str),
    /// A Spark function of the arguments as they are (`Math.abs`, `Math.max`).
    Same(&'static str),
    /// The argument cast to a type (`Integer.parseInt`, `String.valueOf`).
    Cast(&'static str),
    /// `Math.round(double)`: the nearest long, halves up.
    Round,
    /// `Boolean.parseBoolean`: whether the text is `true`, in any case.
    ParseBoolean,
}

impl Method {
    /// Whether Java has an overload of the method for arguments of `types`
    /// (Spark looks methods up by the exact Java types of the arguments).
    fn takes(&self, types: &[DataType]) -> bool {
        let number = |t: &DataType| matches!(t, DataType::Int32 | DataType::Int64 | DataType::Float32 | DataType::Float64);
        match self {
            Method::OfDoubles(_) | Method::Round => types.iter().all(|t| *t == DataType::Float64),
            Method::Same("abs" | "greatest" | "least") => types.iter().all(number) && types.iter().all(|t| *t == types[0]),
            Method::Same("uuid") => true,
            Method::Cast("string") => true,
            Method::Same(_) | Method::Cast(_) | Method::ParseBoolean => types.iter().all(ember_functions::cast::is_string),
        }
    }
}

/// The method `class.method` taking `arity` arguments, if Ember has it.
fn method(class: &str, name: &str, arity: usize) -> Option<Method> {
    use Method::*;
    Some(match (class, name, arity) {
        ("java.lang.Math" | "java.lang.StrictMath", _, _) => match (name, arity) {
            ("abs", 1) => Same("abs"),
            ("max", 2) => Same("greatest"),
            ("min", 2) => Same("least"),
            ("round", 1) => Round,
            ("toDegrees", 1) => OfDoubles("degrees"),
            ("toRadians", 1) => OfDoubles("radians"),
            ("log", 1) => OfDoubles("ln"),
            ("sqrt" | "cbrt" | "exp" | "expm1" | "log10" | "log1p" | "sin" | "cos" | "tan" | "asin" | "acos" | "atan"
            | "sinh" | "cosh" | "tanh" | "signum" | "floor" | "ceil" | "rint", 1) => OfDoubles(static_name(name)?),
            ("pow" | "atan2" | "hypot", 2) => OfDoubles(static_name(name)?),
            _ => return None,
        },
        ("java.lang.String", "valueOf", 1) => Cast("string"),
        ("java.lang.Integer", "parseInt" | "valueOf", 1) => Cast("int"),
        ("java.lang.Long", "parseLong" | "valueOf", 1) => Cast("bigint"),
        ("java.lang.Short", "parseShort" | "valueOf", 1) => Cast("smallint"),
        ("java.lang.Byte", "parseByte" | "valueOf", 1) => Cast("tinyint"),
        ("java.lang.Double", "parseDouble" | "valueOf", 1) => Cast("double"),
        ("java.lang.Float", "parseFloat" | "valueOf", 1) => Cast("float"),
        ("java.lang.Boolean", "parseBoolean", 1) => ParseBoolean,
        ("java.net.URLDecoder", "decode", 1 | 2) => Same("url_decode"),
        ("java.net.URLEncoder", "encode", 1 | 2) => Same("url_encode"),
        ("java.util.UUID", "randomUUID", 0) => Same("uuid"),
        ("java.util.UUID", "fromString", 1) => Same("lower"),
        _ => return None,
    })
}

/// The Spark function named like a `java.lang.Math` method.
fn static_name(name: &str) -> Option<&'static str> {
    const SAME_NAMES: [&str; 20] = [
        "sqrt", "cbrt", "exp", "expm1", "log10", "log1p", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
        "tanh", "signum", "floor", "ceil", "rint", "pow",
    ];
    SAME_NAMES.iter().chain(&["atan2", "hypot"]).find(|n| **n == name).copied()
}

/// Classes Ember knows some methods of.
const KNOWN_CLASSES: [&str; 13] = [
    "java.lang.Math", "java.lang.StrictMath", "java.lang.String", "java.lang.Integer", "java.lang.Long",
    "java.lang.Short", "java.lang.Byte", "java.lang.Double", "java.lang.Float", "java.lang.Boolean",
    "java.net.URLDecoder", "java.net.URLEncoder", "java.util.UUID",
];

fn cast(value: connect::Expression, type_name: &str, try_cast: bool) -> connect::Expression {
    use connect::expression::cast::{CastToType, EvalMode};
    let mode = if try_cast { EvalMode::Try } else { EvalMode::Unspecified };
    connect::Expression {
        expr_type: Some(ExprType::Cast(Box::new(connect::expression::Cast {
            expr: Some(Box::new(value)),
            eval_mode: mode as i32,
            cast_to_type: Some(CastToType::TypeStr(type_name.to_string())),
        }))),
        ..Default::default()
    }
}

fn literal(value: connect::expression::literal::LiteralType) -> connect::Expression {
    connect::Expression {
        expr_type: Some(ExprType::Literal(connect::expression::Literal {
            literal_type: Some(value),
            ..Default::default()
        })),
        ..Default::default()
    }
}

fn string(text: &str) -> connect::Expression {
    literal(connect::expression::literal::LiteralType::String(text.to_string()))
}

fn double(value: f64) -> connect::Expression {
    literal(connect::expression::literal::LiteralType::Double(value))
}

fn mismatch(class: &str, sql_expr: &str, message: String, parameters: &[(&str, String)]) -> SparkError {
    let mut parameters = parameters.to_vec();
    parameters.push(("sqlExpr", format!("\"{sql_expr}\"")));
    SparkError::new(
        ErrorKind::Analysis,
        class,
        "42K09",
        format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: {message}."),
        &parameters,
    )
}

impl Planner<'_> {
    /// Plans `reflect`/`java_method`/`try_reflect(class, method, args…)`;
    /// `None` for other functions.
    pub(crate) fn plan_reflect(
        &mut self,
        function: &str,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Option<Result<(Expr, String)>> {
        if !matches!(function, "reflect" | "java_method" | "try_reflect") || arguments.len() < 2 {
            return None;
        }
        Some(self.reflect_call(function, arguments, input))
    }

    fn reflect_call(
        &mut self,
        function: &str,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        let mut names = Vec::with_capacity(arguments.len());
        let mut literals = Vec::with_capacity(2);
        let mut types = Vec::with_capacity(arguments.len());
        for (i, argument) in arguments.iter().enumerate() {
            let (expr, name) = self.plan_expr(argument, input)?;
            types.push(self.type_of(&expr, input)?);
            if i < 2 {
                literals.push(match expr {
                    Expr::Literal(ScalarValue::Utf8(Some(s)), _) => Some(s),
                    _ => None,
                });
            }
            names.push(name);
        }
        let name = format!("{function}({})", names.join(", "));
        let (Some(class), Some(method_name)) = (literals[0].clone(), literals[1].clone()) else {
            return Err(mismatch(
                "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
                &name,
                "the input class and method should be foldable STRING expressions".to_string(),
                &[],
            ));
        };
        let rest = arguments[2..].to_vec();
        let Some(method) = method(&class, &method_name, rest.len()).filter(|m| m.takes(&types[2..])) else {
            if KNOWN_CLASSES.contains(&class.as_str()) {
                return Err(mismatch(
                    "DATATYPE_MISMATCH.UNEXPECTED_STATIC_METHOD",
                    &name,
                    format!("cannot find a static method {method_name} that matches the argument types in {class}"),
                    &[("className", class.clone()), ("methodName", method_name.clone())],
                ));
            }
            return Err(mismatch(
                "DATATYPE_MISMATCH.UNEXPECTED_CLASS_TYPE",
                &name,
                format!("class {class} not found"),
                &[("className", class.clone())],
            ));
        };
        let try_cast = function == "try_reflect";
        let value = match method {
            Method::OfDoubles(f) => cast(call(f, rest.into_iter().map(|a| cast(a, "double", false)).collect()), "double", false),
            // The charset argument: Spark's URL functions use UTF-8.
            Method::Same(f @ ("url_decode" | "url_encode")) => call(f, rest.into_iter().take(1).collect()),
            Method::Same(f) => call(f, rest),
            Method::Cast(t) => cast(rest.into_iter().next().unwrap_or_default(), t, try_cast),
            Method::Round => {
                let half_up = call("+", vec![cast(rest.into_iter().next().unwrap_or_default(), "double", false), double(0.5)]);
                cast(call("floor", vec![half_up]), "bigint", false)
            }
            Method::ParseBoolean => {
                let text = call("lower", rest);
                call("<=>", vec![text, string("true")])
            }
        };
        let (expr, _) = self.plan_expr(&cast(value, "string", false), input)?;
        Ok((as_nullable(expr), name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jdk_methods_map_to_spark_functions() {
        assert!(matches!(method("java.lang.Math", "abs", 1), Some(Method::Same("abs"))));
        assert!(matches!(method("java.lang.Math", "floor", 1), Some(Method::OfDoubles("floor"))));
        assert!(matches!(method("java.lang.Integer", "parseInt", 1), Some(Method::Cast("int"))));
        assert!(method("java.lang.Math", "nosuch", 1).is_none());
        assert!(method("java.lang.Foo", "bar", 0).is_none());
    }
}
