//! Higher-order functions and their lambdas: Connect `LambdaFunction` and
//! `UnresolvedNamedLambdaVariable` (and SQL's `x -> …`, which arrives as
//! the same messages) planned into DataFusion lambdas over
//! [`SparkHigherOrder`].

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::logical_expr::expr::LambdaVariable;
use datafusion::logical_expr::{Expr, ExprSchemable, LogicalPlan};
use ember_types::IntervalFields;
use ember_functions::higher_order::{HigherOrderKind, SparkHigherOrder, lambda};
use ember_protocol::connect::{self, expression::ExprType};

use crate::error::{ErrorKind, Result, SparkError};
use crate::names::split_name_parts;
use crate::plan::Planner;

/// How Spark renders a lambda variable in output names.
const VARIABLE_NAME: &str = "namedlambdavariable()";

impl Planner<'_> {
    /// Plans `name(arguments)` when it is a higher-order function called
    /// with a lambda; `None` leaves the call to the ordinary functions.
    pub(crate) fn plan_higher_order(
        &mut self,
        name: &str,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Option<Result<(Expr, String)>> {
        let kind = HigherOrderKind::from_name(name)?;
        // Spark makes a lambda of any value where a function goes (`transform(a, 1)`).
        if !arguments.iter().any(is_lambda) && arguments.len() <= kind.value_count() {
            return None;
        }
        Some(self.plan_lambda_call(kind, name, arguments, input))
    }

    /// A lambda variable in scope named by the first part of `name` (later
    /// parts read struct fields), or `None`.
    pub(crate) fn resolve_lambda_variable(&mut self, name: &str, input: &LogicalPlan) -> Result<Option<(Expr, String)>> {
        let parts = split_name_parts(name);
        let Some(first) = parts.first() else { return Ok(None) };
        let Some((variable, field)) = self.lambda_scope.iter().rev().find(|(v, _)| v == first).cloned() else {
            return Ok(None);
        };
        let mut out_name = if self.lambdas_as_written { parts.join(".") } else { VARIABLE_NAME.to_string() };
        let untyped = field.data_type() == &DataType::Null;
        let mut expr = Expr::LambdaVariable(LambdaVariable::new(variable, Some(field)));
        // Named as written, an untyped variable's fields are not read.
        if self.lambdas_as_written && untyped {
            return Ok(Some((expr, out_name)));
        }
        for field in &parts[1..] {
            expr = self.struct_field(expr, field, input)?;
            if !self.lambdas_as_written {
                out_name = field.clone();
            }
        }
        Ok(Some((expr, out_name)))
    }

    fn plan_lambda_call(
        &mut self,
        kind: HigherOrderKind,
        name: &str,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        let value_count = kind.value_count();
        let max_lambdas = if kind == HigherOrderKind::Aggregate { 2 } else { 1 };
        let lambda_count = arguments.len().saturating_sub(value_count);
        if lambda_count == 0 || lambda_count > max_lambdas {
            let expected = if max_lambdas == 2 { format!("[{}, {}]", value_count + 1, value_count + 2) } else { (value_count + 1).to_string() };
            return Err(crate::functions::wrong_args(name, arguments.len(), &expected));
        }
        let mut args = Vec::with_capacity(arguments.len() + 1);
        let mut names = Vec::with_capacity(arguments.len() + 1);
        let mut types = Vec::with_capacity(value_count);
        let mut value_fields = Vec::with_capacity(value_count);
        for argument in &arguments[..value_count] {
            let (expr, arg_name) = self.plan_expr(argument, input)?;
            types.push(self.type_of(&expr, input)?);
            value_fields.push(expr.to_field(input.schema())?.1);
            args.push(expr);
            names.push(arg_name);
        }
        // Spark checks the values before it resolves the lambdas, so its errors name them as written.
        if let Err(error) = self.check_value_types(kind, name, &types, &names) {
            let Some(written) = self.names_as_written(&names, &arguments[value_count..], input) else { return Err(error) };
            self.check_value_types(kind, name, &types, &written)?;
            return Err(error);
        }
        if kind == HigherOrderKind::MapZipWith {
            if let Some((left, right)) = self.widen_map_keys(&mut args, &mut types, &mut value_fields, input)? {
                let written = self.names_as_written(&names, &arguments[value_count..], input).unwrap_or(names);
                return Err(map_zip_with_diff_types(name, &written, &left, &right));
            }
        }
        // `aggregate`'s accumulator has the type of its start value, ANSI interval units included.
        let parameters_of = |index: usize| {
            let mut parameters = SparkHigherOrder::lambda_parameters(kind, &types, index)?;
            if kind == HigherOrderKind::Aggregate {
                parameters[0] = with_units_of(&parameters[0], &value_fields[1]);
            }
            Some(parameters)
        };
        let mut body_fields = Vec::new();
        for (index, argument) in arguments[value_count..].iter().enumerate() {
            let mut parameters = parameters_of(index).ok_or_else(|| SparkError::internal(format!("{name}: unexpected argument types")))?;
            // A value made a lambda takes the element alone, as Spark binds it.
            if !is_lambda(argument) && matches!(kind, HigherOrderKind::Filter | HigherOrderKind::Transform) {
                parameters.truncate(1);
            }
            // A predicate's untyped NULL is a BOOLEAN one.
            let predicate = matches!(kind, HigherOrderKind::Filter | HigherOrderKind::MapFilter | HigherOrderKind::Exists | HigherOrderKind::Forall);
            let null_as = predicate.then_some(DataType::Boolean);
            let (expr, rendered, body_field) = self.plan_lambda(argument, &parameters, null_as, input)?;
            args.push(expr);
            names.push(rendered);
            body_fields.push(body_field);
        }
        if kind == HigherOrderKind::Aggregate && body_fields.len() == 1 {
            // Spark's default finish is the identity, named like any lambda.
            let acc = "__ember_acc".to_string();
            let field = parameters_of(1).and_then(|p| p.into_iter().next());
            args.push(lambda(vec![acc.clone()], Expr::LambdaVariable(LambdaVariable::new(acc, field))));
            names.push(format!("lambdafunction({VARIABLE_NAME}, {VARIABLE_NAME})"));
            body_fields.push(with_units_of(&Arc::new(Field::new("", types[1].clone(), true)), &value_fields[1]));
        }
        let body_types: Vec<DataType> = body_fields.iter().map(|f| f.data_type().clone()).collect();
        let rendered = format!("{name}({})", names.join(", "));
        if kind == HigherOrderKind::Aggregate {
            // The merged value must have the start value's type, ANSI interval units included.
            let (merged, start) = (&body_fields[0], &value_fields[1]);
            if merged.data_type() == start.data_type() && IntervalFields::of(merged).is_some() && IntervalFields::of(merged) != IntervalFields::of(start) {
                let quoted = |f: &FieldRef| format!("\"{}\"", ember_types::field_sql_string(f));
                return Err(crate::input_types::unexpected_input_type_named(&rendered, value_count, &quoted(start), &names[value_count], &quoted(merged)));
            }
        }
        let body_nullable = body_fields.first().is_none_or(|f| f.is_nullable());
        let return_type = self.higher_order_result(kind, &rendered, &types, &body_types, body_nullable, &names)?;
        let return_type = with_body_units(kind, return_type, &types[0], &body_fields);
        let parameters = (0..body_fields.len()).map(|i| parameters_of(i).unwrap_or_default()).collect();
        let call = SparkHigherOrder::call(kind, name, parameters, return_type, args);
        // `aggregate` gives its finishing lambda's value, in that value's units.
        let call = match body_fields.last().and_then(declared_units).filter(|_| kind == HigherOrderKind::Aggregate) {
            Some(units) => ember_functions::interval_fields::with_interval_fields(call, units),
            None => call,
        };
        Ok((call, rendered))
    }

    /// Plans one lambda argument: its expression, rendered name and body
    /// field (an untyped NULL body typed `null_as`). Any other value is, as in
    /// Spark, the body of a lambda whose (hidden) variables it does not use.
    fn plan_lambda(
        &mut self,
        argument: &connect::Expression,
        parameters: &[FieldRef],
        null_as: Option<DataType>,
        input: &LogicalPlan,
    ) -> Result<(Expr, String, FieldRef)> {
        let typed = |planner: &Self, body: Expr| -> Result<(Expr, FieldRef)> {
            let body = match &null_as {
                Some(data_type) if planner.type_of(&body, input)? == DataType::Null => datafusion::logical_expr::cast(body, data_type.clone()),
                _ => body,
            };
            let (_, field) = body.to_field(input.schema())?;
            Ok((body, field))
        };
        let Some(ExprType::LambdaFunction(function)) = &argument.expr_type else {
            let (body, body_name) = self.plan_expr(argument, input)?;
            let (body, body_field) = typed(self, body)?;
            let variables: Vec<String> = (0..parameters.len()).map(|i| format!("__ember_hidden{i}")).collect();
            let rendered = format!("lambdafunction({body_name}, {})", vec![VARIABLE_NAME; variables.len()].join(", "));
            return Ok((lambda(variables, body), rendered, body_field));
        };
        if function.arguments.len() > parameters.len() || function.arguments.is_empty() {
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "INVALID_LAMBDA_FUNCTION_CALL.NUM_ARGS_MISMATCH",
                "42K0D",
                format!(
                    "Invalid lambda function call. A higher order function expects {} arguments, but got {}.",
                    parameters.len(),
                    function.arguments.len()
                ),
                &[("expectedNumArgs", parameters.len().to_string()), ("actualNumArgs", function.arguments.len().to_string())],
            ));
        }
        let variables: Vec<String> = function.arguments.iter().map(|v| v.name_parts.join(".")).collect();
        let scope_depth = self.lambda_scope.len();
        for (variable, field) in variables.iter().zip(parameters) {
            self.lambda_scope.push((variable.clone(), Arc::new(field.as_ref().clone().with_name(variable))));
        }
        let body = function.function.as_deref().ok_or_else(|| SparkError::illegal_argument("lambda without a body"));
        let planned = body.and_then(|body| self.plan_expr(body, input));
        self.lambda_scope.truncate(scope_depth);
        let (body, body_name) = planned?;
        let (body, body_field) = typed(self, body)?;
        let shown = if self.lambdas_as_written { variables.clone() } else { vec![VARIABLE_NAME.to_string(); variables.len()] };
        let rendered = format!("lambdafunction({body_name}, {})", shown.join(", "));
        Ok((lambda(variables, body), rendered, body_field))
    }

    /// `map_zip_with`'s maps with their keys cast to Spark's wider type of
    /// both (not from a string, which a cast could make NULL); the two key
    /// types when there is none.
    fn widen_map_keys(
        &self,
        maps: &mut [Expr],
        types: &mut [DataType],
        fields: &mut [FieldRef],
        input: &LogicalPlan,
    ) -> Result<Option<(DataType, DataType)>> {
        let key_of = |t: &DataType| match t {
            DataType::Map(entries, _) => match entries.data_type() {
                DataType::Struct(kv) => Some((kv[0].data_type().clone(), kv[1].clone())),
                _ => None,
            },
            _ => None,
        };
        let (Some((left, _)), Some((right, _))) = (key_of(&types[0]), key_of(&types[1])) else { return Ok(None) };
        if left == right {
            return Ok(None);
        }
        let from_string = |from: &DataType, to: &DataType| ember_functions::cast::is_string(from) && !ember_functions::cast::is_string(to);
        let Some(wider) = crate::coercion::wider_type(&left, &right, true).filter(|w| !from_string(&left, w) && !from_string(&right, w)) else {
            return Ok(Some((left, right)));
        };
        for i in 0..2 {
            let Some((key, value)) = key_of(&types[i]) else { continue };
            if key != wider {
                let target = ember_types::map_type(wider.clone(), value.data_type().clone(), value.is_nullable());
                maps[i] = ember_functions::cast::spark_cast(maps[i].clone(), target.clone(), ember_functions::cast::CastMode::Ansi);
                types[i] = target;
                fields[i] = maps[i].to_field(input.schema())?.1;
            }
        }
        Ok(None)
    }

    /// `names` (the values') followed by the `lambdas` named as written;
    /// `None` when one cannot be.
    fn names_as_written(&mut self, names: &[String], lambdas: &[connect::Expression], input: &LogicalPlan) -> Option<Vec<String>> {
        let mut written = names.to_vec();
        for argument in lambdas {
            written.push(self.lambda_as_written(argument, input)?);
        }
        Some(written)
    }

    /// The name of the lambda `argument` as written (`lambdafunction((x + 1), x)`),
    /// its variables untyped; `None` for a value that is no lambda or a body
    /// that needs its variables' types.
    fn lambda_as_written(&mut self, argument: &connect::Expression, input: &LogicalPlan) -> Option<String> {
        let Some(ExprType::LambdaFunction(function)) = &argument.expr_type else { return None };
        let parameters: Vec<FieldRef> = function.arguments.iter().map(|_| Arc::new(Field::new("", DataType::Null, true))).collect();
        self.lambdas_as_written = true;
        let planned = self.plan_lambda(argument, &parameters, None, input);
        self.lambdas_as_written = false;
        planned.ok().map(|(_, text, _)| text)
    }

    fn check_value_types(&self, kind: HigherOrderKind, name: &str, types: &[DataType], names: &[String]) -> Result<()> {
        let wants_map = matches!(
            kind,
            HigherOrderKind::MapFilter | HigherOrderKind::TransformKeys | HigherOrderKind::TransformValues | HigherOrderKind::MapZipWith
        );
        let value_types = if kind == HigherOrderKind::Aggregate { &types[..1] } else { types };
        for (i, t) in value_types.iter().enumerate() {
            let ok = if wants_map { matches!(t, DataType::Map(..)) } else { matches!(t, DataType::List(_)) };
            if !ok {
                let required = if wants_map { "\"MAP\"" } else { "\"ARRAY\"" };
                return Err(unexpected_input_type(name, names, i, required, &names[i], t));
            }
        }
        Ok(())
    }

    /// The result type; checks what Spark checks of the lambdas' types. The
    /// values a function computes are NULL only when its (first) lambda's
    /// value can be (`body_nullable`).
    fn higher_order_result(
        &self,
        kind: HigherOrderKind,
        rendered: &str,
        types: &[DataType],
        body_types: &[DataType],
        body_nullable: bool,
        names: &[String],
    ) -> Result<DataType> {
        let value_count = kind.value_count();
        let require = |index: usize, wanted: &DataType, required: &str| -> Result<()> {
            let got = &body_types[index];
            if got == wanted || got == &DataType::Null {
                Ok(())
            } else {
                Err(crate::input_types::unexpected_input_type(rendered, value_count + index, required, &names[value_count + index], got))
            }
        };
        let list_of = |t: &DataType| ember_types::array_type(t.clone(), body_nullable);
        Ok(match kind {
            HigherOrderKind::Transform | HigherOrderKind::ZipWith => list_of(&body_types[0]),
            HigherOrderKind::Filter | HigherOrderKind::MapFilter => {
                require(0, &DataType::Boolean, "\"BOOLEAN\"")?;
                types[0].clone()
            }
            HigherOrderKind::Exists | HigherOrderKind::Forall => {
                require(0, &DataType::Boolean, "\"BOOLEAN\"")?;
                DataType::Boolean
            }
            HigherOrderKind::ArraySort => {
                if body_types[0] != DataType::Int32 {
                    return Err(unexpected_return_type(rendered, "\"INT\"", &body_types[0]));
                }
                types[0].clone()
            }
            HigherOrderKind::Aggregate => {
                require(0, &types[1], &format!("\"{}\"", ember_types::simple_string(&types[1]).to_uppercase()))?;
                body_types[1].clone()
            }
            HigherOrderKind::TransformKeys | HigherOrderKind::TransformValues | HigherOrderKind::MapZipWith => {
                let DataType::Map(entries, _) = &types[0] else { unreachable!("checked to be a map") };
                let DataType::Struct(kv) = entries.data_type() else { unreachable!("map entries are a struct") };
                let (key, value) = match kind {
                    HigherOrderKind::TransformKeys => (body_types[0].clone(), kv[1].data_type().clone()),
                    _ => (kv[0].data_type().clone(), body_types[0].clone()),
                };
                let value_nullable = if kind == HigherOrderKind::TransformKeys { kv[1].is_nullable() } else { body_nullable };
                ember_types::map_type(key, value, value_nullable)
            }
        })
    }
}

/// The ANSI interval units a field declares (`None` without them: the widest).
fn declared_units(field: &FieldRef) -> Option<IntervalFields> {
    IntervalFields::of(field).filter(|_| field.metadata().contains_key(ember_types::INTERVAL_FIELDS_KEY))
}

/// `field` with the ANSI interval units `source` declares.
fn with_units_of(field: &FieldRef, source: &FieldRef) -> FieldRef {
    match declared_units(source) {
        Some(units) if IntervalFields::of(field).is_some() => {
            let mut metadata = field.metadata().clone();
            metadata.extend(units.metadata());
            Arc::new(field.as_ref().clone().with_metadata(metadata))
        }
        _ => field.clone(),
    }
}

/// A higher-order function's `return_type` with the ANSI interval units of
/// its lambda's values (`transform`, `zip_with`: the elements; the map
/// functions: the keys or values they compute, the others kept from the
/// map, `collection`).
fn with_body_units(kind: HigherOrderKind, return_type: DataType, collection: &DataType, body_fields: &[FieldRef]) -> DataType {
    use ember_functions::interval_fields::{nested_interval_fields, nested_type_with_interval_fields};
    let computed = body_fields.first().and_then(declared_units);
    let kept = nested_interval_fields(collection);
    let children = match kind {
        HigherOrderKind::Transform | HigherOrderKind::ZipWith => vec![computed],
        HigherOrderKind::TransformKeys => vec![computed, kept.get(1).copied().flatten()],
        HigherOrderKind::TransformValues | HigherOrderKind::MapZipWith => vec![kept.first().copied().flatten(), computed],
        _ => return return_type,
    };
    nested_type_with_interval_fields(&return_type, &children)
}

/// `DATATYPE_MISMATCH.MAP_ZIP_WITH_DIFF_TYPES` of maps keyed by `left` and `right`.
fn map_zip_with_diff_types(name: &str, names: &[String], left: &DataType, right: &DataType) -> SparkError {
    let rendered = format!("{name}({})", names.join(", "));
    let [left, right] = [left, right].map(|t| format!("\"{}\"", ember_types::simple_string(t).to_uppercase()));
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.MAP_ZIP_WITH_DIFF_TYPES",
        "42K09",
        format!("Cannot resolve \"{rendered}\" due to data type mismatch: Input to the `{name}` should have been two maps with compatible key types, but it's [{left}, {right}]."),
        &[("functionName", format!("`{name}`")), ("sqlExpr", format!("\"{rendered}\"")), ("leftType", left), ("rightType", right)],
    )
}

fn is_lambda(argument: &connect::Expression) -> bool {
    matches!(argument.expr_type, Some(ExprType::LambdaFunction(_)))
}

/// `DATATYPE_MISMATCH.UNEXPECTED_RETURN_TYPE` of the lambda in `sql_expr`.
fn unexpected_return_type(sql_expr: &str, expected: &str, actual: &DataType) -> SparkError {
    let actual = format!("\"{}\"", ember_types::sql_string(actual));
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.UNEXPECTED_RETURN_TYPE",
        "42K09",
        format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: The `lambdafunction` requires return {expected} type, but the actual is {actual} type."),
        &[
            ("sqlExpr", format!("\"{sql_expr}\"")),
            ("functionName", "`lambdafunction`".to_string()),
            ("expectedType", expected.to_string()),
            ("actualType", actual),
        ],
    )
}

fn unexpected_input_type(name: &str, names: &[String], index: usize, required: &str, input_sql: &str, got: &DataType) -> SparkError {
    crate::input_types::unexpected_input_type(&format!("{name}({})", names.join(", ")), index, required, input_sql, got)
}
