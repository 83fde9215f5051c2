//! Spark's time windows in a select list or an aggregation, as Spark's
//! `TimeWindowing` and `SessionWindowing` rules plan them: a `window(time,
//! duration[, slide[, start]])` or `session_window(time, gap)` call becomes a
//! column (`window`, `session_window`) added to the input, one row per window
//! a row falls in (rows with a NULL time fall in none), and the call reads that
//! column. Sessions are merged per the aggregation's other grouping keys: a row
//! opens a new session when its time is after the end of every earlier row's
//! session. Also `window_time(window)`, the last microsecond of a window.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::metadata::FieldMetadata;
use datafusion::common::{Column, ScalarValue, UnnestOptions};
use datafusion::logical_expr::expr::{Sort, WindowFunction, WindowFunctionParams};
use datafusion::logical_expr::{
    Expr, ExprSchemable, LogicalPlan, LogicalPlanBuilder, WindowFrame, WindowFrameBound, WindowFrameUnits, WindowFunctionDefinition, col,
    lit, when,
};
use datafusion::functions_aggregate::{min_max, sum};
use ember_functions::cast::{CastMode, spark_cast};
use ember_functions::time_windows::{DurationError, WindowSpec, parse_duration, session_end};
use ember_protocol::connect::{self, expression::ExprType};

use crate::error::{ErrorKind, Result, SparkError};
use crate::nullable::as_non_nullable;
use crate::plan::{ColumnInfo, Planner, fresh_name, project_plan};

/// A time-window call found in a query's expressions.
enum TimeWindow {
    Tumbling,
    Session,
}

impl TimeWindow {
    fn of(function: &str, arguments: usize) -> Option<Self> {
        match (function.to_ascii_lowercase().as_str(), arguments) {
            ("window", 2..=4) => Some(TimeWindow::Tumbling),
            ("session_window", 2) => Some(TimeWindow::Session),
            _ => None,
        }
    }

    /// The name of the column the call becomes.
    fn column(&self) -> &'static str {
        match self {
            TimeWindow::Tumbling => "window",
            TimeWindow::Session => "session_window",
        }
    }
}

/// The first time-window call in `expression`.
fn find_call(expression: &connect::Expression) -> Option<connect::expression::UnresolvedFunction> {
    match expression.expr_type.as_ref()? {
        ExprType::UnresolvedFunction(f) if TimeWindow::of(&f.function_name, f.arguments.len()).is_some() => Some(f.clone()),
        ExprType::UnresolvedFunction(f) => f.arguments.iter().find_map(find_call),
        ExprType::ExpressionString(_) => find_call(&parsed(expression)?),
        ExprType::Alias(alias) => find_call(alias.expr.as_deref()?),
        ExprType::Cast(cast) => find_call(cast.expr.as_deref()?),
        ExprType::UnresolvedExtractValue(extract) => find_call(extract.child.as_deref()?),
        _ => None,
    }
}

/// An `expr("…")` string's expression, if it may call a time window.
fn parsed(expression: &connect::Expression) -> Option<connect::Expression> {
    match expression.expr_type.as_ref()? {
        ExprType::ExpressionString(s) if s.expression.to_ascii_lowercase().contains("window") => {
            crate::sql::parse_select_item(&s.expression).ok()
        }
        _ => None,
    }
}

/// `expression` with every occurrence of `call` replaced by a reference to column `name`.
fn replace_call(expression: &mut connect::Expression, call: &connect::expression::UnresolvedFunction, name: &str) {
    if let Some(parsed) = parsed(expression).filter(|p| find_call(p).is_some()) {
        *expression = parsed;
    }
    match expression.expr_type.as_mut() {
        Some(ExprType::UnresolvedFunction(f)) if without_origins_of_function(f) == without_origins_of_function(call) => {
            expression.expr_type = Some(ExprType::UnresolvedAttribute(connect::expression::UnresolvedAttribute {
                unparsed_identifier: name.to_string(),
                ..Default::default()
            }));
        }
        Some(ExprType::UnresolvedFunction(f)) => f.arguments.iter_mut().for_each(|a| replace_call(a, call, name)),
        Some(ExprType::Alias(alias)) => alias.expr.iter_mut().for_each(|e| replace_call(e, call, name)),
        Some(ExprType::Cast(cast)) => cast.expr.iter_mut().for_each(|e| replace_call(e, call, name)),
        Some(ExprType::UnresolvedExtractValue(extract)) => extract.child.iter_mut().for_each(|e| replace_call(e, call, name)),
        _ => {}
    }
}

/// `call` without the SQL origins its expressions carry: the same call
/// written twice (`SELECT window(…) … GROUP BY window(…)`) differs only
/// in where it was written.
fn without_origins_of_function(call: &connect::expression::UnresolvedFunction) -> connect::expression::UnresolvedFunction {
    let mut call = call.clone();
    call.arguments.iter_mut().for_each(clear_origins);
    call
}

/// Clears the origins of `expression` and of the expressions in it.
fn clear_origins(expression: &mut connect::Expression) {
    expression.common = None;
    match expression.expr_type.as_mut() {
        Some(ExprType::UnresolvedFunction(f)) => f.arguments.iter_mut().for_each(clear_origins),
        Some(ExprType::Alias(alias)) => alias.expr.iter_mut().for_each(|e| clear_origins(e)),
        Some(ExprType::Cast(cast)) => cast.expr.iter_mut().for_each(|e| clear_origins(e)),
        Some(ExprType::UnresolvedExtractValue(extract)) => {
            extract.child.iter_mut().for_each(|e| clear_origins(e));
            extract.extraction.iter_mut().for_each(|e| clear_origins(e));
        }
        _ => {}
    }
}

/// The string literal `expression` is, if it is one.
fn string_literal(expression: &connect::Expression) -> Option<&str> {
    use connect::expression::literal::LiteralType;
    match expression.expr_type.as_ref()? {
        ExprType::Literal(connect::expression::Literal { literal_type: Some(LiteralType::String(s)), .. }) => Some(s),
        _ => None,
    }
}

/// The microseconds of the duration literal `expression`, with Spark's errors.
fn duration_argument(expression: &connect::Expression) -> Result<i64> {
    let text = string_literal(expression)
        .ok_or_else(|| SparkError::illegal_argument("a time window's durations must be string literals"))?;
    parse_duration(text).map_err(|err| duration_error(text, err))
}

fn duration_error(text: &str, err: DurationError) -> SparkError {
    match err {
        DurationError::Months => {
            let interval = text.trim().trim_start_matches("interval ").trim();
            SparkError::new(
                ErrorKind::IllegalArgument,
                "_LEGACY_ERROR_TEMP_3231",
                "",
                format!("Intervals greater than a month is not supported ({interval})."),
                &[("interval", interval.to_string())],
            )
        }
        DurationError::Unparsable => SparkError::new(
            ErrorKind::Analysis,
            "CANNOT_PARSE_INTERVAL",
            "22006",
            format!(
                "Unable to parse '{text}'. Please ensure that the value provided is in a valid format for defining an interval. You can reference the documentation for the correct format. If the issue persists, please double check that the input value is not null or empty and try again."
            ),
            &[("intervalString", format!("'{text}'"))],
        ),
    }
}

/// Spark's error for a session gap of an ANSI interval type (it takes
/// strings and calendar intervals).
fn ansi_interval_gap(fields: ember_types::IntervalFields, data_type: &DataType) -> SparkError {
    let kind = if matches!(data_type, DataType::Duration(_)) { "DayTimeIntervalType" } else { "YearMonthIntervalType" };
    let dt = format!("{kind}({},{})", fields.start, fields.end);
    SparkError::new(
        ErrorKind::Analysis,
        "_LEGACY_ERROR_TEMP_1040",
        "",
        format!("Gap duration expression used in session window must be CalendarIntervalType, but got {dt}."),
        &[("dt", dt.clone())],
    )
}

/// The time column types of `window` and `session_window`, as Spark names them.
const WINDOW_TIME_TYPES: &str = "(\"(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)\" or \"STRUCT<start: TIMESTAMP, end: TIMESTAMP>\" or \"STRUCT<start: TIMESTAMP_NTZ, end: TIMESTAMP_NTZ>\")";

fn positive(what: &str, micros: i64) -> Result<i64> {
    if micros > 0 {
        Ok(micros)
    } else {
        Err(SparkError::illegal_argument(format!("The {what} ({micros}) must be greater than 0.")))
    }
}

/// An aggregate as a window function over `partition` ordered by `order` within `frame`.
fn over(aggregate: std::sync::Arc<datafusion::logical_expr::AggregateUDF>, arg: Expr, partition: &[Expr], order: &[Sort], frame: WindowFrame) -> Expr {
    Expr::WindowFunction(Box::new(WindowFunction {
        fun: WindowFunctionDefinition::AggregateUDF(aggregate),
        params: WindowFunctionParams {
            args: vec![arg],
            partition_by: partition.to_vec(),
            order_by: order.to_vec(),
            window_frame: frame,
            filter: None,
            null_treatment: None,
            distinct: false,
        },
    }))
}

fn unqualified(name: &str) -> Expr {
    col(Column::new_unqualified(name))
}

impl Planner<'_> {
    /// If `lists` (a select list, or grouping keys then aggregates) call a
    /// time window: the input with the window's column added (its internal
    /// name last) and the lists reading it. Session windows are merged per
    /// the other members of `lists[0]` when `grouping`.
    pub(crate) fn with_time_window(
        &mut self,
        input: &LogicalPlan,
        lists: &[&[connect::Expression]],
        grouping: bool,
    ) -> Result<Option<(LogicalPlan, Vec<Vec<connect::Expression>>, String)>> {
        self.with_marked_time_window(input, lists, grouping, true)
    }

    /// [`Self::with_time_window`], the window column marked with Spark's
    /// window metadata when `marked` (`withColumn` drops it).
    fn with_marked_time_window(
        &mut self,
        input: &LogicalPlan,
        lists: &[&[connect::Expression]],
        grouping: bool,
        marked: bool,
    ) -> Result<Option<(LogicalPlan, Vec<Vec<connect::Expression>>, String)>> {
        let Some(call) = lists.iter().flat_map(|l| l.iter()).find_map(find_call) else {
            return Ok(None);
        };
        let kind = TimeWindow::of(&call.function_name, call.arguments.len()).unwrap_or_else(|| unreachable!("found"));
        let column = kind.column();
        let mut rewritten: Vec<Vec<connect::Expression>> = lists.iter().map(|l| l.to_vec()).collect();
        rewritten.iter_mut().flatten().for_each(|e| replace_call(e, &call, column));
        let (time, time_name) = self.plan_expr(&call.arguments[0], input)?;
        let given_type = self.type_of(&time, input)?;
        let time = match given_type {
            DataType::Timestamp(TimeUnit::Microsecond, _) => time,
            _ => spark_cast(time, ember_types::timestamp_type(&self.config.time_zone), CastMode::Ansi),
        };
        let check_time = |sql_expr: String| match given_type {
            DataType::Timestamp(..) | DataType::Date32 | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => Ok(()),
            // A window of an earlier window: its `start` and `end` timestamps.
            DataType::Struct(ref fields)
                if fields.len() == 2
                    && fields.iter().zip(["start", "end"]).all(|(f, name)| f.name() == name && matches!(f.data_type(), DataType::Timestamp(..))) =>
            {
                Ok(())
            }
            _ => Err(crate::input_types::unexpected_input_type(&sql_expr, 0, WINDOW_TIME_TYPES, &time_name, &given_type)),
        };
        let (plan, internal) = match kind {
            TimeWindow::Tumbling => {
                let duration = positive("window duration", duration_argument(&call.arguments[1])?)?;
                let slide = match call.arguments.get(2) {
                    Some(slide) => positive("slide duration", duration_argument(slide)?)?,
                    None => duration,
                };
                let start = call.arguments.get(3).map(duration_argument).transpose()?.unwrap_or(0);
                check_time(format!("window({time_name}, {duration}, {slide}, {start})"))?;
                if slide > duration {
                    return Err(SparkError::illegal_argument(format!(
                        "The slide duration ({slide}) must be less than or equal to the windowDuration ({duration})."
                    )));
                }
                self.with_windows(input, time, WindowSpec { duration, slide, start }, column, marked)?
            }
            TimeWindow::Session => {
                let keys = if grouping {
                    let mut keys = Vec::new();
                    for key in lists[0].iter().filter(|k| find_call(k).is_none()) {
                        keys.push(self.plan_expr(key, input)?.0);
                    }
                    keys
                } else {
                    Vec::new()
                };
                let gap = &call.arguments[1];
                let gap_name = match string_literal(gap) {
                    Some(text) => text.to_string(),
                    None => self.plan_expr(gap, input)?.1,
                };
                check_time(format!("sessionwindow({time_name}, {gap_name})"))?;
                let time_type = self.type_of(&time, input)?;
                // Each row's session end: NULL for a NULL or non-positive gap.
                let end = match string_literal(gap) {
                    Some(text) => {
                        positive("gap duration", parse_duration(text).map_err(|err| duration_error(text, err))?)?;
                        session_end(time.clone(), lit(text), &time_type)
                    }
                    None => {
                        let (gap, _) = self.plan_expr(gap, input)?;
                        let (_, field) = gap.to_field(input.schema())?;
                        if let Some(fields) = ember_types::IntervalFields::of(&field) {
                            return Err(ansi_interval_gap(fields, field.data_type()));
                        }
                        session_end(time.clone(), spark_cast(gap, DataType::Utf8, CastMode::Legacy), &time_type)
                    }
                };
                self.with_sessions(input, time, end, keys, column, marked)?
            }
        };
        Ok(Some((plan, rewritten, internal)))
    }

    /// `input` with one row per window of `time`, in a column named `name`.
    fn with_windows(&mut self, input: &LogicalPlan, time: Expr, spec: WindowSpec, name: &str, marked: bool) -> Result<(LogicalPlan, String)> {
        let time_type = self.type_of(&time, input)?;
        let windows = fresh_name();
        let input_columns: Vec<Expr> = self.columns_of(input).into_iter().map(|(e, _)| e).collect();
        let mut columns = input_columns.clone();
        columns.push(spec.call(time, &time_type).alias(&windows));
        let unnested = LogicalPlanBuilder::from(project_plan(input.clone(), columns)?)
            .unnest_columns_with_options(vec![Column::new_unqualified(&windows)], UnnestOptions::new().with_preserve_nulls(false))?
            .build()?;
        // Spark's sliding windows are nullable, its tumbling ones not.
        let window = if spec.is_sliding() { unqualified(&windows) } else { as_non_nullable(unqualified(&windows)) };
        self.with_window_column(unnested, input_columns, window, name, marked.then_some("spark.timeWindow"))
    }

    /// `plan`'s `input_columns` and `window` as a column named `name`,
    /// marked with Spark's metadata flag `flag` if any; also the column's internal name.
    fn with_window_column(
        &mut self,
        plan: LogicalPlan,
        input_columns: Vec<Expr>,
        window: Expr,
        name: &str,
        flag: Option<&str>,
    ) -> Result<(LogicalPlan, String)> {
        let internal = fresh_name();
        let metadata = flag.map(|flag| {
            FieldMetadata::from(std::collections::HashMap::from([(
                ember_types::SPARK_METADATA_KEY.to_string(),
                format!("{{\"{flag}\":true}}"),
            )]))
        });
        let mut output = input_columns;
        output.push(window.alias_with_metadata(&internal, metadata));
        self.columns.insert(internal.clone(), ColumnInfo { name: name.to_string(), ..Default::default() });
        Ok((project_plan(plan, output)?, internal))
    }

    /// `input` (rows whose session `row_end` is not NULL) with each row's
    /// merged session `struct<start, end>` in a column named `name`.
    fn with_sessions(
        &mut self,
        input: &LogicalPlan,
        time: Expr,
        row_end: Expr,
        keys: Vec<Expr>,
        name: &str,
        marked: bool,
    ) -> Result<(LogicalPlan, String)> {
        let input_columns: Vec<Expr> = self.columns_of(input).into_iter().map(|(e, _)| e).collect();
        let [start, end, previous_end, session] = [(); 4].map(|_| fresh_name());
        let key_names: Vec<String> = keys.iter().map(|_| fresh_name()).collect();
        let mut columns = input_columns.clone();
        columns.push(row_end.alias(&end));
        columns.push(time.alias(&start));
        columns.extend(keys.into_iter().zip(&key_names).map(|(k, n)| k.alias(n)));
        let partition: Vec<Expr> = key_names.iter().map(|n| unqualified(n)).collect();
        let order = vec![Sort::new(unqualified(&start), true, false), Sort::new(unqualified(&end), true, false)];
        let unbounded = WindowFrameBound::Preceding(ScalarValue::UInt64(None));
        let before = WindowFrame::new_bounds(WindowFrameUnits::Rows, unbounded.clone(), WindowFrameBound::Preceding(ScalarValue::UInt64(Some(1))));
        let to_current = WindowFrame::new_bounds(WindowFrameUnits::Rows, unbounded, WindowFrameBound::CurrentRow);
        let opens = when(
            unqualified(&previous_end).is_null().or(unqualified(&start).gt(unqualified(&previous_end))),
            lit(1i64),
        )
        .otherwise(lit(0i64))?;
        let mut session_partition = partition.clone();
        session_partition.push(unqualified(&session));
        let whole = WindowFrame::new_bounds(
            WindowFrameUnits::Rows,
            WindowFrameBound::Preceding(ScalarValue::UInt64(None)),
            WindowFrameBound::Following(ScalarValue::UInt64(None)),
        );
        let [first, last] = [(); 2].map(|_| fresh_name());
        let plan = LogicalPlanBuilder::from(project_plan(input.clone(), columns)?)
            .filter(unqualified(&end).is_not_null())?
            .window(vec![over(min_max::max_udaf(), unqualified(&end), &partition, &order, before).alias(&previous_end)])?
            .window(vec![over(sum::sum_udaf(), opens, &partition, &order, to_current).alias(&session)])?
            .window(vec![
                over(min_max::min_udaf(), unqualified(&start), &session_partition, &[], whole.clone()).alias(&first),
                over(min_max::max_udaf(), unqualified(&end), &session_partition, &[], whole).alias(&last),
            ])?
            .build()?;
        let bounds = datafusion::functions::expr_fn::named_struct(vec![lit("start"), unqualified(&first), lit("end"), unqualified(&last)]);
        self.with_window_column(plan, input_columns, as_non_nullable(bounds), name, marked.then_some("spark.sessionWindow"))
    }

    /// A select list calling a time window, planned over `input` with the
    /// window's column added: a plain `*` still selects only the input's
    /// columns (by name, when their names are unique).
    pub(crate) fn project_time_window(&mut self, input: &LogicalPlan, expressions: &[connect::Expression]) -> Result<Option<LogicalPlan>> {
        let Some((windowed, mut lists, _)) = self.with_time_window(input, &[expressions], false)? else {
            return Ok(None);
        };
        let names: Vec<String> = self.columns_of(input).into_iter().map(|(_, info)| info.name).collect();
        let unique = names.iter().collect::<std::collections::HashSet<_>>().len() == names.len();
        let is_plain_star = |e: &connect::Expression| {
            matches!(&e.expr_type, Some(ExprType::UnresolvedStar(star)) if star.unparsed_target.is_none() && star.plan_id.is_none())
        };
        let mut items = Vec::new();
        for item in lists.remove(0) {
            if unique && is_plain_star(&item) {
                items.extend(names.iter().map(|name| connect::Expression {
                    expr_type: Some(ExprType::UnresolvedAttribute(connect::expression::UnresolvedAttribute {
                        unparsed_identifier: ember_errors::quote_identifier(name),
                        ..Default::default()
                    })),
                    ..Default::default()
                }));
            } else {
                items.push(item);
            }
        }
        Ok(Some(self.project(windowed, &items)?))
    }

    /// `withColumns` of aliases that call a time window: the input's
    /// columns and the new ones, without the window's own column.
    pub(crate) fn with_time_window_columns(
        &mut self,
        input: &LogicalPlan,
        aliases: &[connect::expression::Alias],
    ) -> Result<Option<LogicalPlan>> {
        let items: Vec<connect::Expression> = aliases
            .iter()
            .map(|a| connect::Expression { expr_type: Some(ExprType::Alias(Box::new(a.clone()))), ..Default::default() })
            .collect();
        let Some((windowed, mut lists, window_column)) = self.with_marked_time_window(input, &[&items], false, false)? else {
            return Ok(None);
        };
        let rewritten: Vec<connect::expression::Alias> = lists
            .remove(0)
            .into_iter()
            .filter_map(|e| match e.expr_type {
                Some(ExprType::Alias(alias)) => Some(*alias),
                _ => None,
            })
            .collect();
        let widened = self.with_columns(windowed, &rewritten)?;
        let kept = widened.schema().fields().iter().filter(|f| *f.name() != window_column).map(|f| unqualified(f.name())).collect();
        Ok(Some(project_plan(widened, kept)?))
    }

    /// `window_time(window)`: the window's end less one microsecond.
    pub(crate) fn plan_window_time(&self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<Option<(Expr, String)>> {
        let ([window], "window_time") = (args, function) else { return Ok(None) };
        let name = format!("window_time({})", names[0]);
        let window_type = self.type_of(window, input)?;
        if !matches!(window_type, DataType::Struct(_)) {
            return Err(crate::input_types::unexpected_input_type(&name, 0, "\"STRUCT\"", &names[0], &window_type));
        }
        let end = datafusion::functions::core::expr_fn::get_field(window.clone(), "end");
        Ok(Some((end - lit(ScalarValue::DurationMicrosecond(Some(1))), name)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::function;


    #[test]
    fn window_calls_become_column_references() {
        let window = function("window", vec![function("t", vec![]), connect::Expression::default()]);
        let mut item = function("window_time", vec![window.clone()]);
        let found = find_call(&item).expect("a window call");
        assert_eq!(found.function_name, "window");
        replace_call(&mut item, &found, "window");
        assert!(find_call(&item).is_none());
        let Some(ExprType::UnresolvedFunction(outer)) = &item.expr_type else { panic!("a call") };
        assert!(matches!(&outer.arguments[0].expr_type, Some(ExprType::UnresolvedAttribute(a)) if a.unparsed_identifier == "window"));
    }

    #[test]
    fn durations_fail_with_spark_errors() {
        assert_eq!(duration_error("bogus", DurationError::Unparsable).error_class, "CANNOT_PARSE_INTERVAL");
        assert_eq!(duration_error("1 month", DurationError::Months).parameters["interval"], "1 month");
        let minutes = ember_types::IntervalFields::new(2, 2, false).expect("valid fields");
        let err = ansi_interval_gap(minutes, &DataType::Duration(TimeUnit::Microsecond));
        assert_eq!(err.parameters["dt"], "DayTimeIntervalType(2,2)");
    }
}
