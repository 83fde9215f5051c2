//! Window expressions: Spark Connect `Window` to DataFusion window
//! functions with Spark's frames, result types and output names, and the
//! `Window` plan nodes that compute them below a projection.

use datafusion::arrow::datatypes::{DataType, IntervalMonthDayNano};
use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, ScalarValue};
use datafusion::logical_expr::expr::{NullTreatment, WindowFunction, WindowFunctionParams};
use datafusion::logical_expr::{
    Expr, LogicalPlan, LogicalPlanBuilder, SortExpr, WindowFrame, WindowFrameBound, WindowFrameUnits,
    WindowFunctionDefinition, col, lit,
};
use ember_protocol::connect::{self, expression::ExprType};
use ember_protocol::connect::expression::window::window_frame::{FrameType, frame_boundary::Boundary};

use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::{Planner, fresh_name, project_plan};

/// How a window function is computed and which frame Spark gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WindowKind {
    /// `row_number`, `rank`, `dense_rank`, `percent_rank`, `ntile`: a ROWS
    /// frame up to the current row, INT results where Spark counts.
    Ranking,
    /// `cume_dist`: a RANGE frame up to the current row.
    CumeDist,
    /// `lag` (-1) and `lead` (+1): a one-row ROWS frame at the offset.
    Offset(i64),
    /// `first`, `last`, `first_value`, `last_value`, `nth_value`.
    Value,
    /// Any aggregate function, computed over the frame.
    Aggregate,
}

fn window_kind(function: &str) -> WindowKind {
    match function {
        "row_number" | "rank" | "dense_rank" | "percent_rank" | "ntile" => WindowKind::Ranking,
        "cume_dist" => WindowKind::CumeDist,
        "lag" => WindowKind::Offset(-1),
        "lead" => WindowKind::Offset(1),
        "first" | "last" | "first_value" | "last_value" | "nth_value" => WindowKind::Value,
        _ => WindowKind::Aggregate,
    }
}

/// Spark's display name of a ranking function (some are upper case).
fn ranking_display_name(function: &str) -> &str {
    match function {
        "rank" => "RANK",
        "dense_rank" => "DENSE_RANK",
        "percent_rank" => "PERCENT_RANK",
        other => other,
    }
}

/// The partitioning, ordering and frame of one window, planned.
struct WindowSpec {
    partition_by: Vec<Expr>,
    order_by: Vec<SortExpr>,
    frame: WindowFrame,
    /// Spark's text of the whole specification, inside `OVER (…)`.
    sql: String,
}

impl Planner<'_> {
    /// Plans `function OVER (window)`; the result refers to the input's
    /// columns and is computed by [`Planner::project_with_windows`].
    pub(crate) fn plan_window(&mut self, window: &connect::expression::Window, input: &LogicalPlan) -> Result<(Expr, String)> {
        let function = window
            .window_function
            .as_deref()
            .ok_or_else(|| SparkError::illegal_argument("window without a function"))?;
        let (function_name, arguments) = match &function.expr_type {
            Some(ExprType::UnresolvedFunction(f)) => (f.function_name.to_lowercase(), f.arguments.as_slice()),
            Some(ExprType::CallFunction(f)) => (f.function_name.to_lowercase(), f.arguments.as_slice()),
            _ => (String::new(), &[][..]),
        };
        if self.catalog.python_function(&function_name).is_none() {
            crate::function_arities::check_argument_count(&function_name, arguments.len())?;
        }
        let kind = window_kind(&function_name);
        let mut partition_by = Vec::new();
        let mut partition_names = Vec::new();
        for expression in &window.partition_spec {
            let (expr, name) = self.plan_expr(expression, input)?;
            partition_by.push(expr);
            partition_names.push(name);
        }
        let mut order_by = Vec::new();
        let mut order_names = Vec::new();
        for order in &window.order_spec {
            let sort = self.sort_order(order, input)?;
            let child = order.child.as_deref().ok_or_else(|| SparkError::illegal_argument("sort order without an expression"))?;
            let (_, name) = self.plan_expr(child, input)?;
            order_names.push(format!(
                "{name} {} NULLS {}",
                if sort.asc { "ASC" } else { "DESC" },
                if sort.nulls_first { "FIRST" } else { "LAST" }
            ));
            order_by.push(sort);
        }
        let (function_expr, function_sql) = match kind {
            WindowKind::Ranking | WindowKind::CumeDist => self.ranking_function(&function_name, arguments, input)?,
            WindowKind::Offset(_) => self.offset_function(&function_name, arguments, input)?,
            WindowKind::Value => self.value_function(&function_name, arguments, input)?,
            WindowKind::Aggregate => self.plan_expr(function, input)?,
        };
        let ordered_only = !matches!(kind, WindowKind::Value | WindowKind::Aggregate) || function_name == "nth_value";
        if order_by.is_empty() && ordered_only {
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "WINDOW_FUNCTION_FRAME_NOT_ORDERED",
                "42601",
                format!(
                    "Window function {function_name} requires the window to be ordered. You need to add an ORDER BY clause. For example: SELECT {function_sql} OVER (PARTITION BY window_partition ORDER BY window_ordering) from table."
                ),
                &[("wf_expr", function_sql.clone()), ("wf_name", function_name.clone())],
            ));
        }
        self.check_frame_of(kind, &function_name, window, &order_by, input)?;
        let (frame, frame_sql) = match kind {
            WindowKind::Ranking => (rows_to_current(), "ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW".to_string()),
            WindowKind::CumeDist => (range_to_current(), "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW".to_string()),
            WindowKind::Offset(direction) => {
                let offset = direction * offset_argument(arguments.get(1))?;
                let bound = if offset < 0 {
                    WindowFrameBound::Preceding(ScalarValue::UInt64(Some(offset.unsigned_abs())))
                } else {
                    WindowFrameBound::Following(ScalarValue::UInt64(Some(offset.unsigned_abs())))
                };
                let frame = WindowFrame::new_bounds(WindowFrameUnits::Rows, bound.clone(), bound);
                (frame, format!("ROWS BETWEEN {offset} FOLLOWING AND {offset} FOLLOWING"))
            }
            WindowKind::Value | WindowKind::Aggregate => {
                let order_type = order_by.first().map(|o| self.type_of(&o.expr, input)).transpose()?;
                self.frame(window.frame_spec.as_deref(), order_type.as_ref(), input)?
            }
        };
        let mut clauses = Vec::new();
        if !partition_names.is_empty() {
            clauses.push(format!("PARTITION BY {}", partition_names.join(", ")));
        }
        if !order_names.is_empty() {
            clauses.push(format!("ORDER BY {}", order_names.join(", ")));
        }
        clauses.push(frame_sql.clone());
        let spec_sql = clauses.join(" ");
        let explicit_frame = window.frame_spec.as_deref().filter(|s| FrameType::try_from(s.frame_type).unwrap_or(FrameType::Undefined) != FrameType::Undefined);
        if let Some(frame_spec) = explicit_frame.filter(|_| matches!(kind, WindowKind::Value | WindowKind::Aggregate)) {
            let order_types = order_by.iter().map(|o| self.type_of(&o.expr, input)).collect::<Result<Vec<_>>>()?;
            let framed = crate::window_frame_checks::FramedWindow { order_types: &order_types, order_texts: &order_names, frame_sql: &frame_sql, spec_sql: &spec_sql };
            self.check_frame_bounds(frame_spec, &framed, input)?;
        }
        let spec = WindowSpec { partition_by, order_by, frame, sql: spec_sql };
        let expr = over_window(function_expr, &spec, &function_sql)?;
        Ok((expr, format!("{function_sql} OVER ({})", spec.sql)))
    }

    /// Spark's checks of an explicit frame: ranking functions and
    /// `cume_dist` take only their own frame, `lag`/`lead` none.
    fn check_frame_of(&mut self, kind: WindowKind, function: &str, window: &connect::expression::Window, order_by: &[SortExpr], input: &LogicalPlan) -> Result<()> {
        let explicit = window.frame_spec.as_deref().filter(|s| FrameType::try_from(s.frame_type).unwrap_or(FrameType::Undefined) != FrameType::Undefined);
        let Some(spec) = explicit else { return Ok(()) };
        let required = match kind {
            WindowKind::Offset(_) => {
                return Err(SparkError::new(
                    ErrorKind::Analysis,
                    "_LEGACY_ERROR_TEMP_1035",
                    "",
                    format!("Cannot specify window frame for {function} function."),
                    &[("prettyName", function.to_string())],
                ));
            }
            WindowKind::Ranking => "specifiedwindowframe(RowFrame, unboundedpreceding$(), currentrow$())",
            WindowKind::CumeDist => "specifiedwindowframe(RangeFrame, unboundedpreceding$(), currentrow$())",
            WindowKind::Value | WindowKind::Aggregate => return Ok(()),
        };
        let order_type = order_by.first().map(|o| self.type_of(&o.expr, input)).transpose()?;
        let (frame, _) = self.frame(Some(spec), order_type.as_ref(), input)?;
        let given = spark_frame_text(&frame);
        if given == required {
            return Ok(());
        }
        Err(SparkError::new(
            ErrorKind::Analysis,
            "_LEGACY_ERROR_TEMP_1036",
            "",
            format!("Window Frame {given} must match the required frame {required}."),
            &[("wf", given), ("required", required.to_string())],
        ))
    }

    /// `WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE` for a function that only runs
    /// over a window (`row_number`, `lag`, `nth_value`, …) called without one.
    pub(crate) fn check_window_function_has_a_window(&mut self, name: &str, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<()> {
        let (_, sql) = match window_kind(name) {
            WindowKind::Ranking | WindowKind::CumeDist => self.ranking_function(name, arguments, input)?,
            WindowKind::Offset(_) => self.offset_function(name, arguments, input)?,
            WindowKind::Value if name == "nth_value" => self.value_function(name, arguments, input)?,
            WindowKind::Value | WindowKind::Aggregate => return Ok(()),
        };
        Err(SparkError::new(
            ErrorKind::Analysis,
            "WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE",
            "42601",
            format!("Window function \"{sql}\" requires an OVER clause."),
            &[("funcName", format!("\"{sql}\""))],
        ))
    }

    fn ranking_function(&mut self, name: &str, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        let (args, names) = self.plan_arguments(arguments, input)?;
        let udwf = self.window_udf(name)?;
        let call = window_call(udwf, args);
        let expr = match name {
            "percent_rank" | "cume_dist" => call,
            _ => datafusion::logical_expr::cast(call, DataType::Int32),
        };
        Ok((expr, format!("{}({})", ranking_display_name(name), names.join(", "))))
    }

    /// `lag`/`lead(input, offset, default)`: Spark always names all three.
    fn offset_function(
        &mut self,
        name: &str,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        let (mut args, mut names) = self.plan_arguments(arguments, input)?;
        if args.is_empty() {
            return Err(SparkError::illegal_argument(format!("{name} needs an input")));
        }
        if args.len() < 2 {
            args.push(Expr::Literal(ScalarValue::Int32(Some(1)), None));
            names.push("1".to_string());
        }
        if args.len() < 3 {
            args.push(Expr::Literal(ScalarValue::Null, None));
            names.push("NULL".to_string());
        }
        let value_type = self.type_of(&args[0], input)?;
        if let Expr::Literal(default, _) = &args[2] {
            if default.data_type() != value_type {
                args[2] = Expr::Literal(default.cast_to(&value_type)?, None);
            }
        }
        let offset = offset_argument(arguments.get(1))?;
        args[1] = Expr::Literal(ScalarValue::Int64(Some(offset)), None);
        Ok((window_call(self.window_udf(name)?, args), format!("{name}({})", names.join(", "))))
    }

    /// `first`/`last(input[, ignoreNulls])` and `nth_value(input, n[, ignoreNulls])`.
    fn value_function(&mut self, name: &str, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        let (mut args, names) = self.plan_arguments(arguments, input)?;
        let (udwf_name, value_args) = match name {
            "first" | "first_value" => ("first_value", 1),
            "last" | "last_value" => ("last_value", 1),
            _ => ("nth_value", 2),
        };
        let ignore_nulls = match args.get(value_args) {
            Some(Expr::Literal(ScalarValue::Boolean(Some(b)), _)) => *b,
            None => false,
            Some(Expr::Literal(ScalarValue::Boolean(None), _)) if name != "nth_value" => false,
            Some(_) if name == "nth_value" => {
                let value = format!("\"{}\"", names[value_args]);
                return Err(SparkError::new(
                    ErrorKind::Analysis,
                    "INVALID_PARAMETER_VALUE.BOOLEAN",
                    "22023",
                    format!("The value of parameter(s) `ignoreNulls` in `nth_value` is invalid: expects a boolean literal, but got {value}."),
                    &[("parameter", "`ignoreNulls`".into()), ("functionName", "`nth_value`".into()), ("invalidValue", value)],
                ));
            }
            Some(_) => return Err(SparkError::illegal_argument(format!("{name}: ignoreNulls must be a boolean literal"))),
        };
        args.truncate(value_args);
        if name == "nth_value" && args.len() == 2 {
            args[1] = lit(self.nth_value_offset(&args[1], &names, input)?);
        }
        let mut call = window_call(self.window_udf(udwf_name)?, args);
        if ignore_nulls {
            if let Expr::WindowFunction(w) = &mut call {
                w.params.null_treatment = Some(NullTreatment::IgnoreNulls);
            }
        }
        let shown = &names[..value_args.min(names.len())];
        let suffix = if ignore_nulls && name == "nth_value" { " ignore nulls" } else { "" };
        Ok((call, format!("{name}({}){suffix}", shown.join(", "))))
    }

    /// `nth_value`'s offset: a foldable INT (numbers and strings cast to it)
    /// of at least 1, NULL counting as 0, as Spark checks it.
    fn nth_value_offset(&self, offset: &Expr, names: &[String], input: &LogicalPlan) -> Result<i64> {
        let sql_expr = format!("nth_value({})", names[..2].join(", "));
        let offset_type = self.type_of(offset, input)?;
        if !(offset_type.is_numeric() || ember_functions::cast::is_string(&offset_type) || offset_type == DataType::Null) {
            return Err(crate::input_types::unexpected_input_type(&sql_expr, 1, "\"INT\"", &names[1], &offset_type));
        }
        let as_int = ember_functions::cast::spark_cast(offset.clone(), DataType::Int32, self.cast_mode());
        let value = crate::distribution_functions::constant(&as_int)?
            .ok_or_else(|| crate::distribution_functions::not_foldable(&sql_expr, "offset", "INT", &names[1]))?;
        let n = match value {
            ScalarValue::Int32(n) => i64::from(n.unwrap_or(0)),
            _ => 0,
        };
        if n <= 0 {
            return Err(crate::distribution_functions::out_of_range(&sql_expr, "offset", "(0, 9223372036854775807]", &format!("{n}L")));
        }
        Ok(n)
    }

    fn plan_arguments(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Vec<Expr>, Vec<String>)> {
        let mut args = Vec::with_capacity(arguments.len());
        let mut names = Vec::with_capacity(arguments.len());
        for argument in arguments {
            let (expr, name) = self.plan_expr(argument, input)?;
            args.push(expr);
            names.push(name);
        }
        Ok((args, names))
    }

    pub(crate) fn window_udf(&self, name: &str) -> Result<std::sync::Arc<datafusion::logical_expr::WindowUDF>> {
        self.ctx
            .state()
            .window_functions()
            .get(name)
            .cloned()
            .ok_or_else(|| SparkError::unsupported(format!("window function {name}")))
    }

    /// The frame the client asked for, or Spark's default: RANGE UNBOUNDED
    /// PRECEDING to CURRENT ROW with an ordering, the whole partition without.
    fn frame(
        &mut self,
        spec: Option<&connect::expression::window::WindowFrame>,
        order_type: Option<&DataType>,
        input: &LogicalPlan,
    ) -> Result<(WindowFrame, String)> {
        let spec = spec.filter(|s| FrameType::try_from(s.frame_type).unwrap_or(FrameType::Undefined) != FrameType::Undefined);
        let Some(spec) = spec else {
            return Ok(if order_type.is_some() {
                (range_to_current(), "RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW".to_string())
            } else {
                (
                    WindowFrame::new_bounds(
                        WindowFrameUnits::Rows,
                        WindowFrameBound::Preceding(ScalarValue::UInt64(None)),
                        WindowFrameBound::Following(ScalarValue::UInt64(None)),
                    ),
                    "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING".to_string(),
                )
            });
        };
        let rows = FrameType::try_from(spec.frame_type).unwrap_or(FrameType::Row) == FrameType::Row;
        let units = if rows { WindowFrameUnits::Rows } else { WindowFrameUnits::Range };
        // RANGE offsets take the ordering's type (DataFusion does not widen them).
        let offset_type = if rows { Some(&DataType::UInt64) } else { order_type.filter(|t| t.is_numeric()) };
        let (lower, lower_sql) = self.frame_bound(spec.lower.as_deref(), true, rows, offset_type, input)?;
        let (upper, upper_sql) = self.frame_bound(spec.upper.as_deref(), false, rows, offset_type, input)?;
        let units_sql = if rows { "ROWS" } else { "RANGE" };
        Ok((WindowFrame::new_bounds(units, lower, upper), format!("{units_sql} BETWEEN {lower_sql} AND {upper_sql}")))
    }

    fn frame_bound(
        &mut self,
        boundary: Option<&connect::expression::window::window_frame::FrameBoundary>,
        lower: bool,
        rows: bool,
        offset_type: Option<&DataType>,
        input: &LogicalPlan,
    ) -> Result<(WindowFrameBound, String)> {
        let unbounded = |rows: bool| if rows { ScalarValue::UInt64(None) } else { ScalarValue::Null };
        match boundary.and_then(|b| b.boundary.as_ref()) {
            None | Some(Boundary::CurrentRow(_)) => Ok((WindowFrameBound::CurrentRow, "CURRENT ROW".to_string())),
            Some(Boundary::Unbounded(_)) if lower => {
                Ok((WindowFrameBound::Preceding(unbounded(rows)), "UNBOUNDED PRECEDING".to_string()))
            }
            Some(Boundary::Unbounded(_)) => Ok((WindowFrameBound::Following(unbounded(rows)), "UNBOUNDED FOLLOWING".to_string())),
            Some(Boundary::Value(value)) => {
                let (expr, name) = self.plan_expr(value, input)?;
                // Spark shows a negated bound as `n PRECEDING`, any other as `n FOLLOWING`.
                let (magnitude, preceding, sql) = match expr {
                    Expr::Negative(inner) => {
                        let inner_name = negated_name(&name);
                        (*inner, true, format!("{inner_name} PRECEDING"))
                    }
                    // A negation folded into a literal (of an interval) still reads as preceding.
                    other if negated_name(&name) != name => (other, false, format!("{} PRECEDING", negated_name(&name))),
                    other => (other, false, format!("{name} FOLLOWING")),
                };
                let Expr::Literal(scalar, _) = magnitude else {
                    return Err(frame_bound_error(&name));
                };
                let scalar = interval_offset(scalar);
                let negative = is_negative(&scalar);
                let absolute = if negative { negate(&scalar)? } else { scalar };
                let absolute = match offset_type {
                    Some(t) => absolute.cast_to(t)?,
                    None => absolute,
                };
                let bound = if negative != preceding {
                    WindowFrameBound::Preceding(absolute)
                } else {
                    WindowFrameBound::Following(absolute)
                };
                let bound = match bound {
                    WindowFrameBound::Preceding(v) | WindowFrameBound::Following(v) if is_zero(&v) => WindowFrameBound::CurrentRow,
                    other => other,
                };
                Ok((bound, sql))
            }
        }
    }

    /// A projection of `exprs` over `input` that first computes the window
    /// functions among them in `Window` nodes, one per partitioning and
    /// ordering.
    pub(crate) fn project_with_windows(&mut self, input: LogicalPlan, exprs: Vec<Expr>) -> Result<LogicalPlan> {
        let windows = datafusion::logical_expr::utils::find_window_exprs(exprs.iter());
        if windows.is_empty() {
            return Ok(project_plan(input, exprs)?);
        }
        let names: Vec<String> = windows.iter().map(|_| fresh_name()).collect();
        let mut groups: Vec<(Vec<Expr>, Vec<SortExpr>, Vec<Expr>)> = Vec::new();
        for (window, name) in windows.iter().zip(&names) {
            let Expr::WindowFunction(function) = window else { continue };
            let key = (function.params.partition_by.clone(), function.params.order_by.clone());
            let aliased = window.clone().alias(name);
            match groups.iter_mut().find(|(p, o, _)| *p == key.0 && *o == key.1) {
                Some((_, _, members)) => members.push(aliased),
                None => groups.push((key.0, key.1, vec![aliased])),
            }
        }
        let mut plan = input;
        for (_, _, members) in groups {
            plan = LogicalPlanBuilder::from(plan).window(members)?.build()?;
        }
        let rewritten = exprs
            .into_iter()
            .map(|expr| {
                expr.transform_down(|e| match windows.iter().position(|w| *w == e) {
                    Some(i) => Ok(Transformed::new(col(Column::new_unqualified(&names[i])), true, TreeNodeRecursion::Jump)),
                    None => Ok(Transformed::no(e)),
                })
                .map(|t| t.data)
            })
            .collect::<datafusion::common::Result<Vec<_>>>()?;
        Ok(project_plan(plan, rewritten)?)
    }
}

/// `function` computed over `spec`: a window function call gets the spec;
/// aggregates inside any other expression become window aggregates.
fn over_window(function: Expr, spec: &WindowSpec, function_sql: &str) -> Result<Expr> {
    let mut found = false;
    let windowed = function
        .transform_down(|e| match e {
            Expr::WindowFunction(mut w) => {
                found = true;
                w.params.partition_by = spec.partition_by.clone();
                w.params.order_by = spec.order_by.clone();
                w.params.window_frame = spec.frame.clone();
                Ok(Transformed::new(Expr::WindowFunction(w), true, TreeNodeRecursion::Jump))
            }
            Expr::AggregateFunction(aggregate) => {
                found = true;
                let params = aggregate.params;
                let window = WindowFunction {
                    fun: WindowFunctionDefinition::AggregateUDF(sliding_capable(aggregate.func, &spec.frame)),
                    params: WindowFunctionParams {
                        args: params.args,
                        partition_by: spec.partition_by.clone(),
                        order_by: spec.order_by.clone(),
                        window_frame: spec.frame.clone(),
                        filter: params.filter,
                        null_treatment: params.null_treatment,
                        distinct: params.distinct,
                    },
                };
                Ok(Transformed::new(Expr::WindowFunction(Box::new(window)), true, TreeNodeRecursion::Jump))
            }
            other => Ok(Transformed::no(other)),
        })?
        .data;
    if !found {
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "UNSUPPORTED_EXPR_FOR_WINDOW",
            "42P20",
            format!("Expression \"{function_sql}\" not supported within a window function."),
            &[("sqlExpr", format!("\"{function_sql}\""))],
        ));
    }
    Ok(windowed)
}

/// `func`, or for a frame that slides (its start moves with the row) an
/// equivalent that can drop rows leaving the frame: `datafusion-spark`'s
/// `avg` cannot, DataFusion's (same result types) can.
fn sliding_capable(func: std::sync::Arc<datafusion::logical_expr::AggregateUDF>, frame: &WindowFrame) -> std::sync::Arc<datafusion::logical_expr::AggregateUDF> {
    if func.name() == "avg" && !frame.start_bound.is_unbounded() {
        return datafusion::functions_aggregate::average::avg_udaf();
    }
    func
}

fn window_call(udwf: std::sync::Arc<datafusion::logical_expr::WindowUDF>, args: Vec<Expr>) -> Expr {
    Expr::WindowFunction(Box::new(WindowFunction::new(WindowFunctionDefinition::WindowUDF(udwf), args)))
}

fn rows_to_current() -> WindowFrame {
    WindowFrame::new_bounds(WindowFrameUnits::Rows, WindowFrameBound::Preceding(ScalarValue::UInt64(None)), WindowFrameBound::CurrentRow)
}

fn range_to_current() -> WindowFrame {
    WindowFrame::new_bounds(WindowFrameUnits::Range, WindowFrameBound::Preceding(ScalarValue::Null), WindowFrameBound::CurrentRow)
}

/// The integral offset argument of `lag`/`lead` (1 when absent).
fn offset_argument(argument: Option<&connect::Expression>) -> Result<i64> {
    use connect::expression::literal::LiteralType;
    let Some(argument) = argument else { return Ok(1) };
    match &argument.expr_type {
        Some(ExprType::Literal(connect::expression::Literal { literal_type: Some(literal), .. })) => match literal {
            LiteralType::Integer(n) => Ok(i64::from(*n)),
            LiteralType::Long(n) => Ok(*n),
            LiteralType::Short(n) => Ok(i64::from(*n)),
            LiteralType::Byte(n) => Ok(i64::from(*n)),
            _ => Err(SparkError::illegal_argument("the offset of lag/lead must be an integer literal")),
        },
        _ => Err(SparkError::illegal_argument("the offset of lag/lead must be an integer literal")),
    }
}

/// The text of `x` inside a negation's name `(- x)`.
fn negated_name(name: &str) -> &str {
    name.strip_prefix("(- ").and_then(|n| n.strip_suffix(')')).unwrap_or(name)
}

/// A day-time interval bound as DataFusion's interval type, which it adds to
/// dates and timestamps in RANGE frames.
fn interval_offset(value: ScalarValue) -> ScalarValue {
    const MICROS_PER_DAY: i64 = 86_400_000_000;
    match value {
        ScalarValue::DurationMicrosecond(Some(micros)) if micros % MICROS_PER_DAY == 0 => {
            let days = i32::try_from(micros / MICROS_PER_DAY).unwrap_or(i32::MAX);
            ScalarValue::IntervalMonthDayNano(Some(IntervalMonthDayNano::new(0, days, 0)))
        }
        ScalarValue::DurationMicrosecond(Some(micros)) => {
            ScalarValue::IntervalMonthDayNano(Some(IntervalMonthDayNano::new(0, 0, micros.saturating_mul(1000))))
        }
        other => other,
    }
}

fn is_negative(value: &ScalarValue) -> bool {
    match value {
        ScalarValue::IntervalMonthDayNano(Some(v)) => v.months < 0 || v.days < 0 || v.nanoseconds < 0,
        other => ScalarValue::new_zero(&other.data_type()).is_ok_and(|zero| other.partial_cmp(&zero) == Some(std::cmp::Ordering::Less)),
    }
}

fn is_zero(value: &ScalarValue) -> bool {
    ScalarValue::new_zero(&value.data_type()).is_ok_and(|zero| *value == zero)
}

fn negate(value: &ScalarValue) -> Result<ScalarValue> {
    Ok(value.arithmetic_negate()?)
}

fn frame_bound_error(name: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.SPECIFIED_WINDOW_FRAME_WITHOUT_FOLDABLE_BOUNDARY",
        "42K09",
        format!("Window frame bound {name} is not a literal."),
        &[("sqlExpr", format!("\"{name}\""))],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_spark_frames() {
        assert_eq!(window_kind("row_number"), WindowKind::Ranking);
        assert_eq!(window_kind("cume_dist"), WindowKind::CumeDist);
        assert_eq!(window_kind("lag"), WindowKind::Offset(-1));
        assert_eq!(window_kind("sum"), WindowKind::Aggregate);
        assert_eq!(ranking_display_name("percent_rank"), "PERCENT_RANK");
        assert_eq!(ranking_display_name("row_number"), "row_number");
    }

    #[test]
    fn day_intervals_become_day_offsets() {
        let day = ScalarValue::DurationMicrosecond(Some(86_400_000_000));
        assert_eq!(interval_offset(day), ScalarValue::IntervalMonthDayNano(Some(IntervalMonthDayNano::new(0, 1, 0))));
        assert!(is_negative(&ScalarValue::Int32(Some(-1))));
        assert!(!is_negative(&ScalarValue::Int64(Some(3))));
        assert_eq!(negated_name("(- 1)"), "1");
    }
}

/// A frame as Spark prints it: `specifiedwindowframe(RowFrame, -1, currentrow$())`.
fn spark_frame_text(frame: &WindowFrame) -> String {
    let bound = |bound: &WindowFrameBound| match bound {
        WindowFrameBound::CurrentRow => "currentrow$()".to_string(),
        WindowFrameBound::Preceding(v) if v.is_null() => "unboundedpreceding$()".to_string(),
        WindowFrameBound::Following(v) if v.is_null() => "unboundedfollowing$()".to_string(),
        WindowFrameBound::Preceding(v) => format!("-{v}"),
        WindowFrameBound::Following(v) => v.to_string(),
    };
    let units = if frame.units == WindowFrameUnits::Rows { "RowFrame" } else { "RangeFrame" };
    format!("specifiedwindowframe({units}, {}, {})", bound(&frame.start_bound), bound(&frame.end_bound))
}
