//! Plans `make_ym_interval([years[, months]])`, `try_make_interval(…)`
//! (`make_interval` with Spark's defaults filled in and its name),
//! `time_bucket` of day-time and year-month intervals, and the arithmetic of ANSI
//! intervals Spark types by their units: `interval * number`,
//! `interval / number`, `-interval`, `abs(interval)`, `interval ± interval` and
//! `date - date`, conditionals of intervals (their units widened) and
//! sums and averages of intervals.

use datafusion::arrow::datatypes::{DataType, FieldRef, IntervalUnit, TimeUnit};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, ExprSchemable, LogicalPlan, lit, when};
use ember_functions::cast::spark_cast;
use datafusion::functions_aggregate::count::count_udaf;
use datafusion::functions_aggregate::sum::sum_udaf;
use datafusion::logical_expr::expr::AggregateFunction;
use ember_functions::interval_fields::with_interval_fields;
use ember_functions::interval_totals::{interval_amount, interval_of_total};
use ember_functions::time_windows::{time_bucket, time_bucket_months};
use ember_functions::year_month_interval::make_ym_interval;
use ember_types::IntervalFields;

use crate::call_names::call_name;
use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::Planner;

impl Planner<'_> {
    /// `interval * number`, `number * interval`, `interval / number` and
    /// `-interval` of ANSI intervals (`None` for other operators or operand
    /// types).
    pub(crate) fn plan_interval_scaling(&self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<Option<(Expr, String)>> {
        if matches!(function, "-" | "negative") && args.len() == 1 {
            let name = if function == "-" { format!("(- {})", names[0]) } else { format!("negative({})", names[0]) };
            // A literal stays a literal (window frame bounds must be).
            let negated_literal = match &args[0] {
                Expr::Literal(ScalarValue::DurationMicrosecond(Some(v)), units) => {
                    v.checked_neg().map(|v| Expr::Literal(ScalarValue::DurationMicrosecond(Some(v)), units.clone()))
                }
                Expr::Literal(ScalarValue::IntervalYearMonth(Some(v)), units) => {
                    v.checked_neg().map(|v| Expr::Literal(ScalarValue::IntervalYearMonth(Some(v)), units.clone()))
                }
                _ => None,
            };
            if let Some(literal) = negated_literal {
                return Ok(Some((literal, name)));
            }
            // The negation of an interval, as a product with -1; it keeps the units.
            let Some(fields) = self.interval_fields(&args[0], input)? else { return Ok(None) };
            let negated = ember_functions::interval_scaling::scale_interval(args[0].clone(), &self.type_of(&args[0], input)?, lit(-1i64), &DataType::Int64, false);
            return Ok(negated.map(|expr| (with_interval_fields(expr, fields), name)));
        }
        if function == "abs" && args.len() == 1 {
            // `abs` of an interval: negated when below zero; it keeps the units.
            let ty = self.type_of(&args[0], input)?;
            if ty == DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::MonthDayNano) {
                let required = "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\")";
                return Err(crate::input_types::unexpected_input_type(&format!("abs({})", names[0]), 0, required, &names[0], &ty));
            }
            let Some(fields) = self.interval_fields(&args[0], input)? else { return Ok(None) };
            let zero = match ty {
                DataType::Duration(_) => ScalarValue::DurationMicrosecond(Some(0)),
                _ => ScalarValue::IntervalYearMonth(Some(0)),
            };
            let Some(negated) = ember_functions::interval_scaling::scale_interval(args[0].clone(), &ty, lit(-1i64), &DataType::Int64, false) else { return Ok(None) };
            let absolute = when(args[0].clone().lt(Expr::Literal(zero, None)), negated).otherwise(args[0].clone())?;
            return Ok(Some((with_interval_fields(absolute, fields), format!("abs({})", names[0]))));
        }
        if matches!(function, "+" | "-") && args.len() == 2 {
            return self.plan_interval_sum(function, args, names, input, true);
        }
        if !matches!(function, "*" | "/") || args.len() != 2 {
            return Ok(None);
        }
        let types = [self.type_of(&args[0], input)?, self.type_of(&args[1], input)?];
        let divide = function == "/";
        let scaled = ember_functions::interval_scaling::scale_interval(args[0].clone(), &types[0], args[1].clone(), &types[1], divide);
        if let Some(expr) = scaled {
            return Ok(Some((expr, format!("({} {function} {})", names[0], names[1]))));
        }
        // Spark names `number * interval` with the interval first.
        let swapped = (!divide).then(|| ember_functions::interval_scaling::scale_interval(args[1].clone(), &types[1], args[0].clone(), &types[0], false)).flatten();
        Ok(swapped.map(|expr| (expr, format!("({} * {})", names[1], names[0]))))
    }

    /// Plans `make_ym_interval` and `try_make_interval`; `None` for other functions.
    pub(crate) fn plan_interval_function(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let filled = |arity: usize| -> (Vec<Expr>, Vec<String>) {
            let mut args = args.to_vec();
            let mut names = names.to_vec();
            while args.len() < arity {
                args.push(lit(0i32));
                names.push("0".to_string());
            }
            (args, names)
        };
        match (function, args.len()) {
            ("make_ym_interval", 0..=2) => {
                let (args, names) = filled(2);
                let as_int = |e: &Expr| spark_cast(e.clone(), DataType::Int32, self.cast_mode());
                let expr = make_ym_interval(as_int(&args[0]), as_int(&args[1]));
                Ok(Some((expr, call_name("make_ym_interval", &names))))
            }
            ("try_make_interval", 0..=7) => {
                let (filled_args, filled_names) = filled(7);
                let (expr, _) = self.call_registered("make_interval", filled_args, &filled_names, false, input)?;
                Ok(Some((expr, call_name("try_make_interval", names))))
            }
            ("time_bucket", 2 | 3) => self.time_bucket(args, names, input),
            _ => Ok(None),
        }
    }

    /// `time_bucket(width, time[, origin])` of a constant, positive day-time
    /// or year-month interval `width`; the origin defaults to the epoch in the
    /// session's time zone and has the type of `time`.
    fn time_bucket(&mut self, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<Option<(Expr, String)>> {
        use crate::input_types::{TIMESTAMP_TYPES, unexpected_input_type};
        let width_type = self.type_of(&args[0], input)?;
        let mut time = args[1].clone();
        let mut time_type = self.type_of(&time, input)?;
        if time_type == DataType::Null {
            time_type = ember_types::timestamp_type(&self.config.time_zone);
            time = datafusion::logical_expr::cast(time, time_type.clone());
        }
        let ntz = matches!(time_type, DataType::Timestamp(_, None));
        let origin_name = match names.get(2) {
            Some(name) => name.clone(),
            None if ntz => "TIMESTAMP_NTZ '1970-01-01 00:00:00'".to_string(),
            None => "TIMESTAMP '1970-01-01 00:00:00'".to_string(),
        };
        let name = format!("time_bucket({}, {}, {origin_name})", names[0], names[1]);
        if !matches!(width_type, DataType::Null | DataType::Duration(_) | DataType::Interval(IntervalUnit::YearMonth)) {
            return Err(unexpected_input_type(&name, 0, "(\"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\")", &names[0], &width_type));
        }
        if !matches!(time_type, DataType::Timestamp(TimeUnit::Microsecond, _)) {
            return Err(unexpected_input_type(&name, 1, TIMESTAMP_TYPES, &names[1], &time_type));
        }
        let origin = match args.get(2) {
            Some(origin) => {
                let origin_type = self.type_of(origin, input)?;
                match &origin_type {
                    DataType::Null => {}
                    DataType::Timestamp(_, zone) if zone.is_none() != ntz => {
                        let required = if ntz { "\"TIMESTAMP_NTZ\"" } else { "\"TIMESTAMP\"" };
                        return Err(unexpected_input_type(&name, 2, required, &names[2], &origin_type));
                    }
                    DataType::Timestamp(..) => {}
                    _ => return Err(unexpected_input_type(&name, 2, TIMESTAMP_TYPES, &names[2], &origin_type)),
                }
                spark_cast(origin.clone(), time_type.clone(), self.cast_mode())
            }
            None if ntz => lit(ScalarValue::TimestampMicrosecond(Some(0), None)),
            None => spark_cast(lit(ScalarValue::TimestampMicrosecond(Some(0), None)), time_type.clone(), self.cast_mode()),
        };
        if width_type == DataType::Null {
            return Ok(Some((Expr::Literal(ScalarValue::try_from(&time_type)?, None), name)));
        }
        let (_, width_field) = args[0].to_field(input.schema())?;
        let Some(width) = crate::distribution_functions::constant(&args[0])? else {
            let required = ember_types::field_sql_string(&width_field);
            return Err(crate::distribution_functions::not_foldable(&name, "bucketSize", &required, &names[0]));
        };
        // Spark quotes this parameter's name, unlike the aggregates'.
        let out_of_range = || crate::distribution_functions::out_of_range(&name, "`bucketSize`", "(0, inf)", &names[0]);
        let expr = match width {
            ScalarValue::DurationMicrosecond(Some(micros)) if micros > 0 => time_bucket(args[0].clone(), time, origin, &time_type),
            ScalarValue::IntervalYearMonth(Some(months)) if months > 0 => time_bucket_months(months, time, origin, &time_type),
            ScalarValue::DurationMicrosecond(Some(_)) | ScalarValue::IntervalYearMonth(Some(_)) => return Err(out_of_range()),
            ScalarValue::DurationMicrosecond(None) | ScalarValue::IntervalYearMonth(None) => Expr::Literal(ScalarValue::try_from(&time_type)?, None),
            _ => return Ok(None),
        };
        Ok(Some((expr, name)))
    }
}

impl Planner<'_> {
    /// The units of an ANSI interval expression, `None` for other types.
    pub(crate) fn interval_fields(&self, expr: &Expr, input: &LogicalPlan) -> Result<Option<IntervalFields>> {
        let (_, field) = expr.to_field(input.schema())?;
        Ok(IntervalFields::of(&field))
    }

    /// `expr` (an interval) with the units of `interval`, when it has any.
    pub(crate) fn with_units_of(&self, expr: Expr, interval: &Expr, input: &LogicalPlan) -> Result<Expr> {
        Ok(match self.interval_fields(interval, input)? {
            Some(fields) => with_interval_fields(expr, fields),
            None => expr,
        })
    }

    /// `a + b` and `a - b` of two day-time intervals, typed with the units
    /// of both (`interval hour` + `interval minute` is `interval hour to
    /// minute`), and `date - date`, an `interval day` (Spark's
    /// `SubtractDates`); `None` for other operands.
    /// `a + b` or `a - b` of dates or intervals; a sum beyond the interval's
    /// range fails, or is NULL unless `fail` (the `try_` forms).
    pub(crate) fn plan_interval_sum(&self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan, fail: bool) -> Result<Option<(Expr, String)>> {
        let name = format!("({} {function} {})", names[0], names[1]);
        let types = [self.type_of(&args[0], input)?, self.type_of(&args[1], input)?];
        if function == "-" && types.iter().all(|t| *t == DataType::Date32) {
            let days = |e: &Expr| datafusion::logical_expr::cast(datafusion::logical_expr::cast(e.clone(), DataType::Int32), DataType::Int64);
            let micros = (days(&args[0]) - days(&args[1])) * lit(86_400_000_000i64);
            let interval = datafusion::logical_expr::cast(micros, DataType::Duration(TimeUnit::Microsecond));
            return Ok(Some((with_interval_fields(interval, IntervalFields { start: 0, end: 0 }), name)));
        }
        let year_month = DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::YearMonth);
        if !types.iter().all(|t| matches!(t, DataType::Duration(_))) && !types.iter().all(|t| *t == year_month) {
            return Ok(None);
        }
        let (Some(left), Some(right)) = (self.interval_fields(&args[0], input)?, self.interval_fields(&args[1], input)?) else {
            return Ok(None);
        };
        let fields = IntervalFields { start: left.start.min(right.start), end: left.end.max(right.end) };
        let year_month = types[0] == year_month;
        let sum = ember_functions::interval_totals::interval_sum(args[0].clone(), args[1].clone(), function == "-", year_month, fail);
        Ok(Some((with_interval_fields(sum, fields), name)))
    }
}

impl Planner<'_> {
    /// `sum`, `avg` and their `try_` forms of an ANSI interval: the total
    /// is checked for overflow (`INTERVAL_ARITHMETIC_OVERFLOW`, NULL for the
    /// `try_` forms); a sum keeps the units, an average is the total over
    /// the count rounded half up, with the widest units. `None` for other
    /// calls.
    pub(crate) fn plan_interval_aggregate(&self, function: &str, args: &[Expr], names: &[String], distinct: bool, input: &LogicalPlan) -> Result<Option<(Expr, String)>> {
        if !matches!(function, "sum" | "try_sum" | "avg" | "mean" | "try_avg") || args.len() != 1 {
            return Ok(None);
        }
        let Some(fields) = self.interval_fields(&args[0], input)? else { return Ok(None) };
        let interval_type = self.type_of(&args[0], input)?;
        let year_month = !matches!(interval_type, DataType::Duration(_));
        let aggregate = |udaf, argument| Expr::AggregateFunction(AggregateFunction::new_udf(udaf, vec![argument], distinct, None, vec![], None));
        let total = aggregate(sum_udaf(), interval_amount(args[0].clone(), year_month));
        let sum = interval_of_total(total, year_month, !function.starts_with("try_"));
        let argument = if distinct { format!("DISTINCT {}", names[0]) } else { names[0].clone() };
        if function.ends_with("sum") {
            return Ok(Some((with_interval_fields(sum, fields), format!("{function}({argument})"))));
        }
        let count = datafusion::functions::core::expr_fn::nullif(aggregate(count_udaf(), args[0].clone()), lit(0i64));
        let Some(average) = ember_functions::interval_scaling::scale_interval(sum, &interval_type, count, &DataType::Int64, true) else {
            return Ok(None);
        };
        let name = if function == "try_avg" { format!("try_avg({argument})") } else { format!("avg({argument})") };
        Ok(Some((with_interval_fields(average, IntervalFields::widest(year_month)), name)))
    }
}

/// The units an aggregate keeps from its ANSI interval argument (`sum`,
/// `min`, `max`, `first`, `last` of an `interval hour` are `interval hour`),
/// when they are not the default ones.
pub(crate) fn kept_interval_fields(aggregate: &Expr, schema: &datafusion::common::DFSchema) -> Option<IntervalFields> {
    let Expr::AggregateFunction(call) = aggregate else { return None };
    if !matches!(call.func.name(), "sum" | "min" | "max" | "first_value" | "last_value" | "any_value" | "mode") {
        return None;
    }
    let [argument] = call.params.args.as_slice() else { return None };
    let (_, field) = argument.to_field(schema).ok()?;
    let fields = IntervalFields::of(&field)?;
    let year_month = !matches!(field.data_type(), DataType::Duration(_));
    (fields != IntervalFields::widest(year_month)).then_some(fields)
}

impl Planner<'_> {
    /// The units Spark types a conditional of ANSI intervals with
    /// (`coalesce`, `nvl`, `ifnull`, `nvl2`, `if`, `CASE`, `greatest`,
    /// `least`): those of all its values together (`interval day` and
    /// `interval hour` give `interval day to hour`); `None` when its values
    /// are not all intervals (or NULL). A year-month interval beside a
    /// day-time one fails with `DATATYPE_MISMATCH.DATA_DIFF_TYPES`.
    pub(crate) fn conditional_interval_fields(&self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<Option<IntervalFields>> {
        let last = args.len().saturating_sub(1);
        let values: Vec<usize> = match function {
            "coalesce" | "nvl" | "ifnull" | "greatest" | "least" => (0..args.len()).collect(),
            "nvl2" | "if" if args.len() == 3 => vec![1, 2],
            "when" => (0..args.len()).filter(|i| i % 2 == 1 || (args.len() % 2 == 1 && *i == last)).collect(),
            _ => return Ok(None),
        };
        let mut kinds = Vec::with_capacity(values.len());
        for &i in &values {
            let (_, field) = args[i].to_field(input.schema())?;
            let year_month = match field.data_type() {
                DataType::Null => None,
                DataType::Duration(_) => Some(false),
                DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::YearMonth) => Some(true),
                _ => return Ok(None),
            };
            kinds.push((year_month, IntervalFields::of(&field), field));
        }
        let mut present = kinds.iter().filter_map(|(year_month, fields, _)| year_month.zip(*fields));
        let Some((year_month, first)) = present.next() else { return Ok(None) };
        let mut widened = first;
        for (other_kind, fields) in present {
            if other_kind != year_month {
                let types: Vec<String> = kinds.iter().map(|(kind, fields, field)| match (kind, fields) {
                    (Some(kind), Some(fields)) => format!("\"INTERVAL {}\"", fields.units(*kind)),
                    _ => format!("\"{}\"", ember_types::sql_string(field.data_type())),
                }).collect();
                return Err(different_types(function, names, &types));
            }
            widened = IntervalFields { start: widened.start.min(fields.start), end: widened.end.max(fields.end) };
        }
        Ok(Some(widened))
    }
}

/// `DATATYPE_MISMATCH.DATA_DIFF_TYPES` for a conditional whose values have
/// the (quoted) `types`, named as Spark names the expression it rewrites
/// the call to.
pub(crate) fn different_types(function: &str, names: &[String], types: &[String]) -> SparkError {
    let (sql, function_name, listed) = match function {
        "coalesce" | "nvl" | "ifnull" => (format!("coalesce({})", names.join(", ")), "coalesce", format!("({})", types.join(" or "))),
        "concat" | "array" | "map_concat" => (format!("{function}({})", names.join(", ")), function, format!("({})", types.join(" or "))),
        "nvl2" => (format!("(IF(({} IS NOT NULL), {}, {}))", names[0], names[1], names[2]), "if", format!("[{}]", types.join(", "))),
        "if" => (format!("(IF({}))", names.join(", ")), "if", format!("[{}]", types.join(", "))),
        "when" => {
            let mut sql = String::from("CASE");
            for pair in names.chunks(2) {
                match pair {
                    [condition, value] => sql.push_str(&format!(" WHEN {condition} THEN {value}")),
                    [otherwise] => sql.push_str(&format!(" ELSE {otherwise}")),
                    _ => {}
                }
            }
            (format!("{sql} END"), "casewhen", format!("[{}]", types.join(", ")))
        }
        other => (format!("{other}({})", names.join(", ")), other, format!("[{}]", types.join(", "))),
    };
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.DATA_DIFF_TYPES",
        "42K09",
        format!("Cannot resolve \"{sql}\" due to data type mismatch: Input to `{function_name}` should all be the same type, but it's {listed}."),
        &[("sqlExpr", format!("\"{sql}\"")), ("functionName", format!("`{function_name}`")), ("dataType", listed.clone())],
    )
}

impl Planner<'_> {
    /// The units of the ANSI intervals an array, map or struct built by
    /// `function` holds (`array(INTERVAL '1' HOUR)` is an `array<interval
    /// hour>`; the values of an array or map take the units of all of them),
    /// by position as [`ember_functions::interval_fields::with_nested_interval_fields`]
    /// takes them; `None` for other calls or when no argument is an interval.
    pub(crate) fn constructed_interval_fields(&self, function: &str, args: &[Expr], input: &LogicalPlan) -> Result<Option<Vec<Option<IntervalFields>>>> {
        if !matches!(function, "array" | "map" | "create_map" | "named_struct" | "struct" | "collect_list" | "collect_set" | "array_agg" | "array_repeat") {
            return Ok(None);
        }
        let mut units = Vec::with_capacity(args.len());
        for arg in args {
            units.push(self.interval_fields(arg, input)?);
        }
        if units.iter().all(Option::is_none) {
            return Ok(None);
        }
        let widened = |of: &mut dyn Iterator<Item = &Option<IntervalFields>>| {
            of.flatten().copied().reduce(|a, b| IntervalFields { start: a.start.min(b.start), end: a.end.max(b.end) })
        };
        Ok(Some(match function {
            "array" => vec![widened(&mut units.iter())],
            "map" | "create_map" => vec![widened(&mut units.iter().step_by(2)), widened(&mut units.iter().skip(1).step_by(2))],
            "named_struct" => units.iter().skip(1).step_by(2).copied().collect(),
            "struct" => units,
            _ => vec![units[0]],
        }))
    }
}

/// `INVALID_COLUMN_OR_FIELD_DATA_TYPE` for local data (rows sent by the
/// client) whose declared schema has an ANSI interval, at any depth, with
/// other than the widest units: Arrow carries no units, so Spark reads the
/// rows' intervals as `interval day to second` (or `year to month`) and
/// refuses to match them to the declared type. Spark names the columns and
/// struct fields by position (`col_0`), an array's element `element`, a map's
/// `key` and `value`.
pub(crate) fn local_interval_units_mismatch(declared: &[datafusion::arrow::datatypes::Field]) -> Option<SparkError> {
    let top = datafusion::arrow::datatypes::Fields::from(declared.to_vec());
    units_mismatch_inside(&DataType::Struct(top), &mut Vec::new())
}

/// [`local_interval_units_mismatch`] of the children of `data_type`, at `path`.
fn units_mismatch_inside(data_type: &DataType, path: &mut Vec<String>) -> Option<SparkError> {
    let children: Vec<(String, &datafusion::arrow::datatypes::Field)> = match data_type {
        DataType::List(element) => vec![("element".to_string(), element.as_ref())],
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(pair) if pair.len() == 2 => vec![("key".to_string(), pair[0].as_ref()), ("value".to_string(), pair[1].as_ref())],
            _ => Vec::new(),
        },
        DataType::Struct(fields) => fields.iter().enumerate().map(|(i, f)| (format!("col_{i}"), f.as_ref())).collect(),
        _ => Vec::new(),
    };
    for (name, field) in children {
        path.push(name);
        if let Some(fields) = IntervalFields::of(field) {
            let year_month = !matches!(field.data_type(), DataType::Duration(_));
            if fields != IntervalFields::widest(year_month) {
                let name = path.iter().map(|p| format!("`{p}`")).collect::<Vec<_>>().join(".");
                let (sent, expected) = (IntervalFields::widest(year_month).units(year_month), fields.units(year_month));
                return Some(SparkError::new(
                    ErrorKind::Analysis,
                    "INVALID_COLUMN_OR_FIELD_DATA_TYPE",
                    "42000",
                    format!("Column or field {name} is of type \"INTERVAL {sent}\" while it's required to be \"INTERVAL {expected}\"."),
                    &[("name", name.clone()), ("type", format!("\"INTERVAL {sent}\"")), ("expectedType", format!("\"INTERVAL {expected}\""))],
                ));
            }
        }
        if let Some(error) = units_mismatch_inside(field.data_type(), path) {
            return Some(error);
        }
        path.pop();
    }
    None
}

impl Planner<'_> {
    /// Arguments holding ANSI intervals typed with units inside arrays, maps
    /// or structs, retyped without them: DataFusion's functions do not carry
    /// nested field metadata into their results (and refuse results that
    /// differ from the types they promised). The tagged types are returned,
    /// for [`Self::retag_nested_intervals`]; `None` when no argument has any.
    pub(crate) fn untag_nested_intervals(&self, args: &mut [Expr], input: &LogicalPlan) -> Result<Option<Vec<DataType>>> {
        use ember_functions::interval_fields::{with_nested_type, without_nested_interval_units};
        let mut tagged = Vec::new();
        for arg in args.iter_mut() {
            let data_type = self.type_of(arg, input)?;
            let plain = without_nested_interval_units(&data_type);
            if plain != data_type {
                *arg = with_nested_type(arg.clone(), &data_type, plain);
                tagged.push(data_type);
            }
        }
        Ok((!tagged.is_empty()).then_some(tagged))
    }

    /// The result of a call whose arguments [`Self::untag_nested_intervals`]
    /// untagged, typed again: as the call `promised` for the tagged arguments
    /// when it said (`map_values`, `named_struct`); else a result of an
    /// argument's type (`array_sort`, `coalesce`) takes that argument's
    /// units, an element of an argument's array (`array_max`) or a value of
    /// its map (`element_at`) the element's or value's; several arguments
    /// of the result's type give the units of all of them.
    pub(crate) fn retag_nested_intervals(&self, expr: Expr, promised: Option<DataType>, tagged: &[DataType], input: &LogicalPlan) -> Result<Expr> {
        use ember_functions::interval_fields::{nested_interval_fields, widen_nested_units, with_nested_type, with_units_of_model};
        let data_type = self.type_of(&expr, input)?;
        let retyped = |expr: Expr, model: &DataType| match with_units_of_model(&data_type, model) {
            Some(typed) if typed != data_type => Some(with_nested_type(expr, &data_type, typed)),
            _ => None,
        };
        // Arguments of the result's shape, typed as the result (nullability aside).
        let of_shape: Vec<DataType> = tagged.iter().filter_map(|t| with_units_of_model(&data_type, t)).collect();
        // A value of one of several arguments (`coalesce`, `concat`) takes the units of all of them.
        if tagged.len() > 1 {
            let widened = of_shape.iter().skip(1).try_fold(of_shape.first().cloned(), |wide, t| Some(widen_nested_units(&wide?, t)));
            if let Some(typed) = widened.flatten().and_then(|w| retyped(expr.clone(), &w)) {
                return Ok(typed);
            }
        }
        if let Some(typed) = promised.and_then(|p| retyped(expr.clone(), &p)) {
            return Ok(typed);
        }
        if let Some(typed) = of_shape.first().and_then(|t| retyped(expr.clone(), t)) {
            return Ok(typed);
        }
        for original in tagged {
            // An array's element (`array_max`) or a map's value (`element_at`).
            let (read, index) = match original {
                DataType::List(element) => (element.data_type().clone(), 0),
                DataType::Map(entries, _) => match entries.data_type() {
                    DataType::Struct(pair) if pair.len() == 2 => (pair[1].data_type().clone(), 1),
                    _ => continue,
                },
                _ => continue,
            };
            if with_units_of_model(&data_type, &read).is_some() {
                let expr = retyped(expr.clone(), &read).unwrap_or(expr);
                return Ok(match nested_interval_fields(original).get(index).copied().flatten() {
                    Some(units) => with_interval_fields(expr, units),
                    None => expr,
                });
            }
        }
        Ok(expr)
    }

    /// The type Spark gives `function`'s result over arguments holding typed
    /// intervals, where DataFusion's call cannot carry their units into it:
    /// `arrays_zip`'s structs take each array's element, `map_from_entries`'
    /// keys and values the entries' fields, `map_from_arrays`' the arrays'
    /// elements, `map_keys`' elements the keys, `array`'s elements the units
    /// of all its (nested) values. `None` for other calls.
    pub(crate) fn nested_result_model(&self, function: &str, args: &[Expr], input: &LogicalPlan) -> Result<Option<DataType>> {
        use datafusion::arrow::datatypes::Field;
        use std::sync::Arc;
        match function {
            "arrays_zip" => {
                let mut fields = Vec::with_capacity(args.len());
                for (i, arg) in args.iter().enumerate() {
                    let DataType::List(element) = self.type_of(arg, input)? else { return Ok(None) };
                    fields.push(element.as_ref().clone().with_name(i.to_string()));
                }
                Ok(Some(DataType::List(Arc::new(Field::new_list_field(DataType::Struct(fields.into()), false)))))
            }
            "array" if !args.is_empty() => {
                let mut widened: Option<DataType> = None;
                for arg in args {
                    let data_type = self.type_of(arg, input)?;
                    widened = Some(match widened {
                        None => data_type,
                        Some(wide) => match ember_functions::interval_fields::widen_nested_units(&wide, &data_type) {
                            Some(wide) => wide,
                            None => return Ok(None),
                        },
                    });
                }
                Ok(widened.map(|element| DataType::List(Arc::new(Field::new_list_field(element, true)))))
            }
            "map_from_arrays" if args.len() == 2 => {
                let (DataType::List(keys), DataType::List(values)) = (self.type_of(&args[0], input)?, self.type_of(&args[1], input)?) else { return Ok(None) };
                let pair = vec![keys.as_ref().clone().with_name("key"), values.as_ref().clone().with_name("value")];
                Ok(Some(DataType::Map(Arc::new(Field::new("entries", DataType::Struct(pair.into()), false)), false)))
            }
            "map_keys" if args.len() == 1 => match self.type_of(&args[0], input)? {
                DataType::Map(entries, _) => match entries.data_type() {
                    DataType::Struct(pair) if pair.len() == 2 => Ok(Some(DataType::List(Arc::new(pair[0].as_ref().clone().with_name("item"))))),
                    _ => Ok(None),
                },
                _ => Ok(None),
            },
            "map_from_entries" if args.len() == 1 => {
                let DataType::List(element) = self.type_of(&args[0], input)? else { return Ok(None) };
                let DataType::Struct(pair) = element.data_type() else { return Ok(None) };
                if pair.len() != 2 {
                    return Ok(None);
                }
                let entries = Field::new("entries", DataType::Struct(pair.clone()), false);
                Ok(Some(DataType::Map(Arc::new(entries), false)))
            }
            _ => Ok(None),
        }
    }

    /// Spark's check that an array function's value, or a map function's
    /// key, has the array's element or the map's key type, and that two
    /// arrays of a set function have the same element type, where the types
    /// differ only in ANSI interval units (`array_union` of an `array<interval
    /// hour>` and an `array<interval minute>`): `DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES`,
    /// `BINARY_ARRAY_DIFF_TYPES` or `MAP_FUNCTION_DIFF_TYPES`; `concat` of
    /// arrays of both kinds of interval fails as Spark (`DATA_DIFF_TYPES`).
    pub(crate) fn check_interval_units_agree(&self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<()> {
        use ember_functions::interval_fields::with_units_of_model;
        if function == "concat" {
            return self.check_concat_interval_kinds(args, names, input);
        }
        let (kind, left, right) = match (function, args.len()) {
            ("array_append" | "array_prepend" | "array_contains" | "array_position" | "array_remove", 2) => ("ARRAY", 0, 1),
            ("array_insert", 3) => ("ARRAY", 0, 2),
            ("array_union" | "array_intersect" | "array_except" | "arrays_overlap", 2) => ("BINARY_ARRAY", 0, 1),
            ("map_contains_key" | "element_at", 2) => ("MAP", 0, 1),
            _ => return Ok(()),
        };
        let (_, left_field) = args[left].to_field(input.schema())?;
        let (_, right_field) = args[right].to_field(input.schema())?;
        let compared = match (kind, left_field.data_type(), right_field.data_type()) {
            ("ARRAY", DataType::List(element), _) => element.as_ref().clone(),
            ("BINARY_ARRAY", DataType::List(element), DataType::List(other)) => {
                if with_units_of_model(element.data_type(), other.data_type()).is_some() && ember_types::field_sql_string(element) != ember_types::field_sql_string(other) {
                    return Err(diff_types("BINARY_ARRAY", function, names, &left_field, &right_field));
                }
                return Ok(());
            }
            ("MAP", DataType::Map(entries, _), _) => match entries.data_type() {
                DataType::Struct(pair) if pair.len() == 2 => pair[0].as_ref().clone(),
                _ => return Ok(()),
            },
            _ => return Ok(()),
        };
        let same_shape = with_units_of_model(compared.data_type(), right_field.data_type()).is_some();
        if same_shape && ember_types::field_sql_string(&compared) != ember_types::field_sql_string(&right_field) {
            return Err(diff_types(kind, function, names, &left_field, &right_field));
        }
        Ok(())
    }
}

impl Planner<'_> {
    /// `concat` of arrays beside other values (which Spark reads as
    /// strings), or of arrays of day-time and of year-month intervals:
    /// `DATATYPE_MISMATCH.DATA_DIFF_TYPES` (they have no common type).
    fn check_concat_interval_kinds(&self, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<()> {
        let mut fields = Vec::with_capacity(args.len());
        for arg in args {
            fields.push(arg.to_field(input.schema())?.1);
        }
        let is_array = |f: &FieldRef| matches!(f.data_type(), DataType::List(_) | DataType::LargeList(_));
        if fields.iter().any(is_array) && !fields.iter().all(is_array) {
            let types: Vec<String> = fields
                .iter()
                .map(|f| match f.data_type() {
                    DataType::List(_) | DataType::LargeList(_) | DataType::Map(..) | DataType::Struct(_) => format!("\"{}\"", ember_types::field_sql_string(f)),
                    _ => "\"STRING\"".to_string(),
                })
                .collect();
            return Err(different_types("concat", names, &types));
        }
        let holds = |year_month: bool| {
            fields.iter().any(|f| match f.data_type() {
                DataType::List(element) => IntervalFields::of(element).is_some() && matches!(element.data_type(), DataType::Duration(_)) != year_month,
                _ => false,
            })
        };
        if holds(true) && holds(false) {
            let types: Vec<String> = fields.iter().map(|f| format!("\"{}\"", ember_types::field_sql_string(f))).collect();
            return Err(different_types("concat", names, &types));
        }
        Ok(())
    }
}

/// `DATATYPE_MISMATCH.{kind}_FUNCTION_DIFF_TYPES` (`BINARY_ARRAY_DIFF_TYPES`
/// for `kind` `BINARY_ARRAY`) of `function` whose compared arguments have
/// the fields `left` and `right`.
fn diff_types(kind: &str, function: &str, names: &[String], left: &datafusion::arrow::datatypes::Field, right: &datafusion::arrow::datatypes::Field) -> SparkError {
    let sql = crate::call_names::call_name(function, names);
    let (left_type, right_type) = (format!("\"{}\"", ember_types::field_sql_string(left)), format!("\"{}\"", ember_types::field_sql_string(right)));
    let listed = format!("[{left_type}, {right_type}]");
    let mut parameters = vec![("sqlExpr", format!("\"{sql}\"")), ("functionName", format!("`{function}`")), ("leftType", left_type), ("rightType", right_type)];
    let (class, message) = match kind {
        "BINARY_ARRAY" => {
            parameters.push(("arrayType", "\"ARRAY\"".to_string()));
            ("BINARY_ARRAY_DIFF_TYPES", format!("Input to function `{function}` should have been two \"ARRAY\" with same element type, but it's {listed}."))
        }
        "MAP" => {
            parameters.push(("dataType", "\"MAP\"".to_string()));
            ("MAP_FUNCTION_DIFF_TYPES", format!("Input to `{function}` should have been \"MAP\" followed by a value with same key type, but it's {listed}."))
        }
        _ => {
            parameters.push(("dataType", "\"ARRAY\"".to_string()));
            ("ARRAY_FUNCTION_DIFF_TYPES", format!("Input to `{function}` should have been \"ARRAY\" followed by a value with same element type, but it's {listed}."))
        }
    };
    SparkError::new(
        ErrorKind::Analysis,
        &format!("DATATYPE_MISMATCH.{class}"),
        "42K09",
        format!("Cannot resolve \"{sql}\" due to data type mismatch: {message}"),
        &parameters,
    )
}

/// `EXTRACT(field FROM interval)` of an ANSI interval (`source`, of
/// `source_field`, named `source_name`): a day-time one's days (INT), hours
/// and minutes within their day and hour (TINYINT) and seconds within the
/// minute (DECIMAL(8, 6)); a year-month one's years (INT) and months within
/// the year (TINYINT). A field outside the interval's units fails with
/// `INVALID_EXTRACT_FIELD`; `None` when `source` is no ANSI interval.
pub(crate) fn extract_interval_field(field: &str, source: &Expr, source_field: &datafusion::arrow::datatypes::Field, source_name: &str) -> Option<Result<Expr>> {
    use datafusion::logical_expr::cast;
    let units = IntervalFields::of(source_field)?;
    let year_month = !matches!(source_field.data_type(), DataType::Duration(_));
    let unit = match (year_month, field.to_uppercase().as_str()) {
        (true, "YEAR" | "Y" | "YEARS" | "YR" | "YRS") => 0,
        (true, "MONTH" | "MON" | "MONS" | "MONTHS") => 1,
        (false, "DAY" | "D" | "DAYS") => 0,
        (false, "HOUR" | "H" | "HOURS" | "HR" | "HRS") => 1,
        (false, "MINUTE" | "M" | "MIN" | "MINS" | "MINUTES") => 2,
        (false, "SECOND" | "S" | "SEC" | "SECONDS" | "SECS") => 3,
        _ => u8::MAX,
    };
    if !(units.start..=units.end).contains(&unit) {
        return Some(Err(SparkError::new(
            ErrorKind::Analysis,
            "INVALID_EXTRACT_FIELD",
            "42601",
            format!("Cannot extract `{field}` from \"{source_name}\"."),
            &[("field", format!("`{field}`")), ("expr", format!("\"{source_name}\""))],
        )));
    }
    let amount = cast(interval_amount(source.clone(), year_month), DataType::Int64);
    let part = |of: i64, unit: i64, as_type: DataType| cast((amount.clone() % lit(of)) / lit(unit), as_type);
    const DAY: i64 = 86_400_000_000;
    Some(Ok(match (year_month, unit) {
        (true, 0) => cast(amount / lit(12i64), DataType::Int32),
        (true, _) => cast(amount % lit(12i64), DataType::Int8),
        (false, 0) => cast(amount / lit(DAY), DataType::Int32),
        (false, 1) => part(DAY, 3_600_000_000, DataType::Int8),
        (false, 2) => part(3_600_000_000, 60_000_000, DataType::Int8),
        (false, _) => {
            let micros = cast(amount % lit(60_000_000i64), DataType::Decimal128(8, 0));
            cast(micros / Expr::Literal(ScalarValue::Decimal128(Some(1_000_000), 7, 0), None), DataType::Decimal128(8, 6))
        }
    }))
}

impl Planner<'_> {
    /// An array of ANSI intervals as the array of their texts in their units
    /// (`INTERVAL '02' HOUR`), as `array_join` writes them; other values as
    /// they are.
    pub(crate) fn interval_elements_as_text(&self, array: Expr, input: &LogicalPlan) -> Result<Expr> {
        let array_type = self.type_of(&array, input)?;
        let DataType::List(element) = &array_type else { return Ok(array) };
        if IntervalFields::of(element).is_none() {
            return Ok(array);
        }
        let texts = DataType::List(std::sync::Arc::new(datafusion::arrow::datatypes::Field::new_list_field(DataType::Utf8, element.is_nullable())));
        Ok(spark_cast(array, texts, self.cast_mode()))
    }
}
