//! Spark's collection functions where DataFusion's differ: element access
//! (`element_at`, `try_element_at`, `get`), sizes (`size`, `cardinality`,
//! `array_size`), sorting (`sort_array`, `array_sort`), `sequence`,
//! `reverse` and `concat` of arrays, NULL arrays in `flatten` and
//! `array_append`, NULL elements in `arrays_overlap`, `array_position` and `map_contains_key`; the JSON string
//! functions `get_json_object`, `json_array_length`, `json_object_keys`.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::functions_nested::expr_fn as nested;
use datafusion::logical_expr::{Expr, ExprSchemable, LogicalPlan, cast, lit, when};
use ember_functions::collections::{ElementAccess, SparkElementAccess};
use ember_functions::json::{JsonFunction, SparkJson};
use ember_functions::nullability::{NullableWhen, SparkNullability};

use crate::error::{ErrorKind, Result, SparkError};
use crate::functions::wrong_args;
use crate::plan::Planner;

/// `array_sort(arr)`'s default comparator as Spark names it, its variables
/// named `left` and `right` (`namedlambdavariable()` once resolved).
fn default_comparator(left: &str, right: &str) -> String {
    format!(
        "lambdafunction((IF((({left} IS NULL) AND ({right} IS NULL)), 0, (IF(({left} IS NULL), 1, (IF(({right} IS NULL), -1, \
         (IF(({left} < {right}), -1, (IF(({left} > {right}), 1, 0)))))))))), {left}, {right})"
    )
}

impl Planner<'_> {
    /// Plans `name(args)` when Spark's collection function differs from
    /// DataFusion's; `None` leaves it to the registry.
    pub(crate) fn plan_collection_function(
        &mut self,
        name: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Option<Result<(Expr, String)>> {
        let first_type = match args.first().map(|a| self.type_of(a, input)) {
            Some(Ok(t)) => Some(t),
            Some(Err(e)) => return Some(Err(e)),
            None => None,
        };
        let is_array = matches!(first_type, Some(DataType::List(_)));
        let is_map = matches!(first_type, Some(DataType::Map(..)));
        let rendered = || format!("{name}({})", names.join(", "));
        let arity = |n: usize| if args.len() == n { Ok(()) } else { Err(wrong_args(name, args.len(), &n.to_string())) };
        let planned = match name {
            "element_at" | "try_element_at" if is_array => arity(2).and_then(|()| {
                let access = if name == "element_at" {
                    ElementAccess::ElementAt { ansi: self.config.ansi }
                } else {
                    ElementAccess::TryElementAt
                };
                let index = self.array_index(&args[1], names, input)?;
                Ok((self.element_access(access, args[0].clone(), index, input)?, rendered()))
            }),
            "element_at" | "try_element_at" if is_map => {
                arity(2).map(|()| (map_value(args[0].clone(), args[1].clone(), first_type.as_ref().unwrap_or(&DataType::Null)), rendered()))
            }
            "array_union" if is_array && args.len() == 2 => (|| {
                // DataFusion types the result as its first array: when either array may
                // hold a NULL, both are read as arrays that may.
                let mut types = Vec::with_capacity(2);
                for arg in args {
                    types.push(self.type_of(arg, input)?);
                }
                let holds_null = types.iter().any(|t| matches!(t, DataType::List(element) if element.is_nullable()));
                let relaxed = args.iter().zip(&types).map(|(arg, t)| match t {
                    DataType::List(element) if holds_null && !element.is_nullable() => {
                        let target = DataType::List(std::sync::Arc::new(element.as_ref().clone().with_nullable(true)));
                        ember_functions::interval_fields::with_nested_type(arg.clone(), t, target)
                    }
                    _ => arg.clone(),
                });
                self.call_registered(name, relaxed.collect(), names, false, input)
            })(),
            "get" if is_array => {
                arity(2).and_then(|()| Ok((self.element_access(ElementAccess::Get, args[0].clone(), args[1].clone(), input)?, rendered())))
            }
            "size" | "cardinality" | "array_size" if is_array || is_map => arity(1).map(|()| {
                let list = if is_map { nested::map_keys(args[0].clone()) } else { args[0].clone() };
                let size = cast(nested::array_length(list), DataType::Int32);
                // Without ANSI mode Spark's `size` of NULL is -1 (`spark.sql.legacy.sizeOfNull`).
                let size = if name != "array_size" && !self.config.ansi { datafusion::functions::core::expr_fn::coalesce(vec![size, lit(-1i32)]) } else { size };
                (size, rendered())
            }),
            // An untyped NULL: a NULL of the type Spark gives the call.
            "array_min" | "array_max" | "map_keys" | "map_values" | "map_entries" | "array_distinct" | "array_compact" | "sort_array"
                if first_type == Some(DataType::Null) && (args.len() == 1 || name == "sort_array") =>
            {
                let rendered = if name == "sort_array" && args.len() == 1 { format!("sort_array({}, true)", names[0]) } else { rendered() };
                use datafusion::arrow::datatypes::Field;
                let list = |element: DataType, nullable: bool| DataType::List(std::sync::Arc::new(Field::new_list_field(element, nullable)));
                let result = match name {
                    "array_min" | "array_max" => DataType::Null,
                    "map_entries" => {
                        let entry = vec![Field::new("key", DataType::Null, false), Field::new("value", DataType::Null, true)];
                        list(DataType::Struct(entry.into()), false)
                    }
                    "array_compact" => list(DataType::Null, false),
                    _ => list(DataType::Null, true),
                };
                ScalarValue::try_from(&result).map(|null| (lit(null), rendered)).map_err(Into::into)
            }
            // An untyped NULL: NULL, or -1 where Spark's legacy `size` of NULL is.
            "size" | "cardinality" | "array_size" if first_type == Some(DataType::Null) => arity(1).map(|()| {
                let legacy = name != "array_size" && !self.config.ansi;
                (lit(ScalarValue::Int32(legacy.then_some(-1))), rendered())
            }),
            "sort_array" if is_array => {
                let ascending = match args.get(1) {
                    None => true,
                    Some(Expr::Literal(ScalarValue::Boolean(Some(b)), _)) => *b,
                    // A NULL order sorts to NULL.
                    Some(Expr::Literal(order, _)) if order.is_null() => {
                        let null = ScalarValue::try_from(first_type.as_ref()?).ok()?;
                        return Some(Ok((lit(null), format!("sort_array({}, NULL)", names[0]))));
                    }
                    Some(_) => return None,
                };
                let (direction, nulls) = if ascending { ("ASC", "NULLS FIRST") } else { ("DESC", "NULLS LAST") };
                let name = format!("sort_array({}, {ascending})", names[0]);
                let sorted = nested::array_sort(args[0].clone(), lit(direction), lit(nulls));
                self.non_nullable_if_argument_is(sorted, &args[0], input).map(|e| (e, name))
            }
            "array_sort" if is_array && args.len() == 1 => {
                let sorted = nested::array_sort(args[0].clone(), lit("ASC"), lit("NULLS LAST"));
                let comparator = default_comparator("namedlambdavariable()", "namedlambdavariable()");
                self.non_nullable_if_argument_is(sorted, &args[0], input).map(|e| (e, format!("array_sort({}, {comparator})", names[0])))
            }
            // Spark adds the comparator before it checks the array.
            "array_sort" if !is_array && args.len() == 1 => {
                let sql_expr = format!("array_sort({}, {})", names[0], default_comparator("left", "right"));
                Err(crate::input_types::unexpected_input_type(&sql_expr, 0, "\"ARRAY\"", &names[0], first_type.as_ref().unwrap_or(&DataType::Null)))
            }
            "reverse" if is_array => arity(1).map(|()| (nested::array_reverse(args[0].clone()), rendered())),
            "concat" if is_array => {
                let concatenated = nested::array_concat(args.to_vec());
                null_if_any_null(args, concatenated).map(|e| (e, rendered()))
            }
            "flatten" if is_array => arity(1).and_then(|()| {
                // Spark: NULL when the array or one of its arrays is NULL.
                let with_null = has_null_element(&args[0], &self.without_nulls(&args[0], input)?);
                let flattened = when(with_null, Expr::Literal(ScalarValue::Null, None)).otherwise(nested::flatten(args[0].clone()))?;
                let flattened = null_if_any_null(&args[..1], flattened)?;
                Ok((self.non_nullable_if_no_nulls(flattened, &args[..1], input)?, rendered()))
            }),
            "arrays_overlap" if is_array => arity(2).and_then(|()| {
                // Spark: true for a common non-NULL element; otherwise NULL
                // when both arrays have elements and one holds a NULL.
                let (left, right) = (self.without_nulls(&args[0], input)?, self.without_nulls(&args[1], input)?);
                let both_filled = nested::array_length(args[0].clone()).gt(lit(0u64)).and(nested::array_length(args[1].clone()).gt(lit(0u64)));
                let with_null = has_null_element(&args[0], &left).or(has_null_element(&args[1], &right));
                let common = nested::array_has_any(left, right);
                let overlap = when(common, lit(true))
                    .when(both_filled.and(with_null), Expr::Literal(ScalarValue::Boolean(None), None))
                    .otherwise(lit(false))?;
                let overlap = null_if_any_null(args, overlap)?;
                Ok((self.non_nullable_if_no_nulls(overlap, args, input)?, rendered()))
            }),
            "array_append" if is_array => arity(2).and_then(|()| {
                Ok((null_if_any_null(&args[..1], nested::array_append(args[0].clone(), args[1].clone()))?, rendered()))
            }),
            "array_prepend" if is_array => arity(2).and_then(|()| {
                Ok((null_if_any_null(&args[..1], nested::array_prepend(args[1].clone(), args[0].clone()))?, rendered()))
            }),
            "array_position" if is_array => arity(2).and_then(|()| {
                // Spark: 0 when absent, NULL for a NULL array or value.
                let found = cast(nested::array_position(args[0].clone(), args[1].clone(), lit(1i64)), DataType::Int64);
                let position = Expr::ScalarFunction(datafusion::logical_expr::expr::ScalarFunction::new_udf(
                    datafusion::functions::core::coalesce(),
                    vec![found, lit(0i64)],
                ));
                Ok((null_if_any_null(args, position)?, rendered()))
            }),
            "map_contains_key" if is_map => arity(2).and_then(|()| {
                let (keys, key) = self.map_keys_beside(args, &rendered(), input)?;
                let contained = nested::array_has(keys, key);
                Ok((null_if_any_null(&args[..1], contained)?, rendered()))
            }),
            "array_repeat" => arity(2).and_then(|()| {
                // DataFusion's kernel fails on values with non-nullable fields inside: it
                // repeats the value typed nullable throughout, and the result is retyped
                // (not cast) to Spark's type, whose elements are NULL only when the value can be.
                let value_type = self.type_of(&args[0], input)?;
                let relaxed = ember_types::as_nullable(&datafusion::arrow::datatypes::Field::new("value", value_type.clone(), true)).data_type().clone();
                let value = ember_functions::interval_fields::with_nested_type(args[0].clone(), &value_type, relaxed);
                let (repeated, name) = self.call_registered("array_repeat", vec![value, args[1].clone()], names, false, input)?;
                let (repeated_type, target) = (self.type_of(&repeated, input)?, ember_types::array_type(value_type, args[0].nullable(input.schema())?));
                Ok((ember_functions::interval_fields::with_nested_type(repeated, &repeated_type, target), name))
            }),
            "sequence" => self.sequence(args, names, input),
            "get_json_object" | "json_array_length" | "json_object_keys" => {
                let function = JsonFunction::from_name(name)?;
                arity(function.arity()).map(|()| (SparkJson::call(function, args.to_vec()), rendered()))
            }
            _ => return None,
        };
        Some(planned)
    }

    /// `sequence(start, stop[, step])`: inclusive, counting down when
    /// `start > stop` without a step; elements of the start's type.
    fn sequence(&mut self, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<(Expr, String)> {
        if !(2..=3).contains(&args.len()) {
            return Err(wrong_args("sequence", args.len(), "[2, 3]"));
        }
        let sql_expr = format!("sequence({})", names.join(", "));
        let (args, element) = self.sequence_bounds(args, &sql_expr, input)?;
        let args = args.as_slice();
        let integral = ember_functions::cast::is_integral(&element);
        let step_type = args.get(2).map(|step| self.type_of(step, input)).transpose()?;
        let ansi_interval_step = matches!(step_type, Some(DataType::Duration(_) | DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::YearMonth)));
        let interval_start = matches!(element, DataType::Duration(_) | DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::YearMonth));
        if interval_start || (ansi_interval_step && !matches!(element, DataType::Date32 | DataType::Timestamp(..))) {
            return Err(sequence_wrong_input_types(&format!("sequence({})", names.join(", "))));
        }
        let calendar = DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::MonthDayNano);
        let step = match args.get(2) {
            Some(step) if integral => cast(step.clone(), DataType::Int64),
            // Dates step by whole days of a day-time interval.
            Some(step) if element == DataType::Date32 && matches!(step_type, Some(DataType::Duration(_))) => {
                ember_functions::kernel_udf::KernelUdf::call_null_intolerant("date_sequence_step", calendar, date_sequence_step, "", vec![step.clone()])
            }
            // An ANSI interval steps as the calendar interval of the same length.
            Some(step) if ansi_interval_step => cast(step.clone(), calendar),
            Some(step) => step.clone(),
            None if integral => when(args[0].clone().gt(args[1].clone()), lit(-1i64)).otherwise(lit(1i64))?,
            // Dates and timestamps step by a day, backwards when start > stop.
            None => {
                let day = |days: i32| lit(ScalarValue::new_interval_mdn(0, days, 0));
                when(args[0].clone().gt(args[1].clone()), day(-1)).otherwise(day(1))?
            }
        };
        let (start, stop) = if integral {
            (cast(args[0].clone(), DataType::Int64), cast(args[1].clone(), DataType::Int64))
        } else {
            (args[0].clone(), args[1].clone())
        };
        let gen_series = SparkNullability::wrap(datafusion::functions_nested::range::gen_series_udf(), NullableWhen::AnyArgument);
        let typed = cast(gen_series.call(vec![start, stop, step]), ember_types::array_type(element, false));
        Ok((typed, format!("sequence({})", names.join(", "))))
    }
}

impl Planner<'_> {
    /// The arguments of `sequence` cast to the type Spark gives its
    /// elements: integers (and strings beside them, as BIGINT) widened with
    /// an integral step; dates or timestamps (strings beside them read as
    /// those); `SEQUENCE_WRONG_INPUT_TYPES` for others.
    fn sequence_bounds(&self, args: &[Expr], sql_expr: &str, input: &LogicalPlan) -> Result<(Vec<Expr>, DataType)> {
        use ember_functions::cast::{is_integral, is_string};
        let types = args.iter().map(|a| self.type_of(a, input)).collect::<Result<Vec<_>>>()?;
        let bounds = &types[..2];
        let time = |t: &DataType| matches!(t, DataType::Date32 | DataType::Timestamp(..));
        let known: Vec<&DataType> = bounds.iter().filter(|t| **t != DataType::Null).collect();
        let element = if known.iter().all(|t| is_integral(t) || is_string(t)) && known.iter().any(|t| is_integral(t)) {
            let step = types.get(2).filter(|t| is_integral(t) || is_string(t));
            if types.len() == 3 && step.is_none() && types[2] != DataType::Null {
                return Err(sequence_wrong_input_types(sql_expr));
            }
            let widest = known.iter().copied().chain(step).try_fold(DataType::Int8, |wide, t| {
                if is_string(t) { Some(DataType::Int64) } else { crate::coercion::wider_type(&wide, t, true) }
            });
            widest.ok_or_else(|| sequence_wrong_input_types(sql_expr))?
        } else if known.iter().any(|t| time(t)) && known.iter().all(|t| time(t) || is_string(t)) {
            let widest = known.iter().copied().filter(|t| time(t)).try_fold(DataType::Date32, |wide, t| crate::coercion::wider_type(&wide, t, true));
            widest.ok_or_else(|| sequence_wrong_input_types(sql_expr))?
        } else if known.is_empty() {
            DataType::Int32
        } else {
            return Err(sequence_wrong_input_types(sql_expr));
        };
        let mode = if self.config.ansi { ember_functions::cast::CastMode::Ansi } else { ember_functions::cast::CastMode::Legacy };
        let mut cast_args: Vec<Expr> = args[..2].iter().zip(bounds).map(|(a, t)| if *t == element { a.clone() } else { ember_functions::cast::spark_cast(a.clone(), element.clone(), mode) }).collect();
        if let Some(step) = args.get(2) {
            cast_args.push(if is_integral(&element) && is_string(&types[2]) { ember_functions::cast::spark_cast(step.clone(), DataType::Int64, mode) } else { step.clone() });
        }
        Ok((cast_args, element))
    }

    /// `array` without its NULL elements (Spark's `array_compact`).
    fn without_nulls(&mut self, array: &Expr, input: &LogicalPlan) -> Result<Expr> {
        Ok(self.call_registered("array_compact", vec![array.clone()], &[String::new()], false, input)?.0)
    }

    /// `result`, non-nullable when `argument` is (a sort of an array is NULL
    /// only for a NULL array).
    fn non_nullable_if_argument_is(&self, result: Expr, argument: &Expr, input: &LogicalPlan) -> Result<Expr> {
        Ok(if argument.nullable(input.schema())? { result } else { crate::nullable::as_non_nullable(result) })
    }

    /// `result`, typed non-nullable when none of `arrays` can be NULL or
    /// hold a NULL element (Spark's nullability of `flatten` and
    /// `arrays_overlap`).
    fn non_nullable_if_no_nulls(&self, result: Expr, arrays: &[Expr], input: &LogicalPlan) -> Result<Expr> {
        for array in arrays {
            let DataType::List(element) = self.type_of(array, input)? else { return Ok(result) };
            if element.is_nullable() || array.nullable(input.schema())? {
                return Ok(result);
            }
        }
        Ok(crate::nullable::as_non_nullable(result))
    }
}

impl Planner<'_> {
    /// `expr`, the result of `function` on `args`, with Spark's nullability
    /// where DataFusion's differs: non-nullable when Spark's cannot be NULL
    /// (see [`Self::never_null`]), and the elements of the array (or the
    /// values of the map) it gives: `array_union` and `concat` of arrays hold
    /// a NULL when an argument can, `array_intersect` when both can,
    /// `array_except` when its first can; `array_append`, `array_prepend`,
    /// `array_insert`, `map_keys` and `map_values` may always;
    /// `array_compact`, `collect_list` and `collect_set` never;
    /// `map_from_arrays` and `map_from_entries` when their values can.
    pub(crate) fn with_spark_collection_nullability(&self, function: &str, args: &[Expr], expr: Expr, input: &LogicalPlan) -> Result<Expr> {
        let expr = if self.never_null(function, args, input)? && expr.nullable(input.schema())? { crate::nullable::as_non_nullable(expr) } else { expr };
        let element_nullable = |arg: &Expr| -> Result<Option<bool>> {
            Ok(match self.type_of(arg, input)? {
                DataType::List(element) => Some(element.is_nullable()),
                _ => None,
            })
        };
        let contains_null = match function {
            "array_except" if args.len() == 2 => match element_nullable(&args[0])? {
                Some(nullable) => nullable,
                None => return Ok(expr),
            },
            "array_intersect" if args.len() == 2 => match (element_nullable(&args[0])?, element_nullable(&args[1])?) {
                (Some(left), Some(right)) => left && right,
                _ => return Ok(expr),
            },
            "array_union" | "concat" => {
                let mut any = false;
                for arg in args {
                    match element_nullable(arg)? {
                        Some(nullable) => any |= nullable,
                        None if self.type_of(arg, input)? == DataType::Null => {}
                        None => return Ok(expr),
                    }
                }
                any
            }
            "array_append" | "array_prepend" | "array_insert" | "map_keys" | "map_values" => true,
            "array_compact" | "collect_list" | "collect_set" | "array_agg" => false,
            "map_from_arrays" if args.len() == 2 => match element_nullable(&args[1])? {
                Some(nullable) => nullable,
                None => return Ok(expr),
            },
            "map_from_entries" if args.len() == 1 => match self.type_of(&args[0], input)? {
                DataType::List(element) => match element.data_type() {
                    DataType::Struct(pair) if pair.len() == 2 => pair[1].is_nullable(),
                    _ => return Ok(expr),
                },
                _ => return Ok(expr),
            },
            _ => return Ok(expr),
        };
        let data_type = self.type_of(&expr, input)?;
        let target = match &data_type {
            DataType::List(element) => DataType::List(std::sync::Arc::new(element.as_ref().clone().with_nullable(contains_null))),
            DataType::Map(entries, sorted) => match entries.data_type() {
                DataType::Struct(pair) if pair.len() == 2 => {
                    let pair = vec![pair[0].clone(), std::sync::Arc::new(pair[1].as_ref().clone().with_nullable(contains_null))];
                    DataType::Map(std::sync::Arc::new(entries.as_ref().clone().with_data_type(DataType::Struct(pair.into()))), *sorted)
                }
                _ => return Ok(expr),
            },
            _ => return Ok(expr),
        };
        Ok(ember_functions::interval_fields::with_nested_type(expr, &data_type, target))
    }

    /// The element of `array` at `index` read as `access` reads it, non-nullable
    /// where Spark's cannot be NULL: an element in range of an `array(…)`
    /// call whose value at that constant position cannot be; a constant
    /// index out of its range where that fails (ANSI `[i]` and `element_at`);
    /// where reading out of range fails, any index of a non-null array
    /// without NULL elements.
    pub(crate) fn element_access(&self, access: ElementAccess, array: Expr, index: Expr, input: &LogicalPlan) -> Result<Expr> {
        let (one_based, fails) = match access {
            ElementAccess::Subscript { ansi } => (false, ansi),
            ElementAccess::ElementAt { ansi } => (true, ansi),
            ElementAccess::TryElementAt => (true, false),
            ElementAccess::Get => (false, false),
        };
        let constant = match &index {
            Expr::Literal(ScalarValue::Int32(Some(i)), _) => Some(i64::from(*i)),
            Expr::Literal(ScalarValue::Int64(Some(i)), _) => Some(*i),
            _ => None,
        };
        // An `array(…)` call, maybe retyped with its intervals' units.
        let mut constructor = &array;
        while let Expr::ScalarFunction(call) = constructor {
            match call.func.name() {
                "nested_type_tags" => constructor = &call.args[0],
                _ => break,
            }
        }
        let constructed = match constructor {
            Expr::ScalarFunction(call) if call.func.name() == "make_array" => Some(&call.args),
            _ => None,
        };
        let never_null = match (constant, constructed) {
            (Some(i), Some(elements)) => {
                let len = elements.len() as i64;
                let position = match (one_based, i) {
                    (false, i) => (0..len).contains(&i).then_some(i),
                    (true, i) if i > 0 => (i <= len).then(|| i - 1),
                    (true, i) if i < 0 => (-i <= len).then(|| len + i),
                    _ => None,
                };
                match position {
                    Some(p) => !elements[p as usize].nullable(input.schema())?,
                    None => fails,
                }
            }
            (Some(_), None) => false,
            (None, _) => {
                let element_nullable = matches!(self.type_of(&array, input)?, DataType::List(element) if element.is_nullable());
                fails && !element_nullable && !array.nullable(input.schema())? && !index.nullable(input.schema())?
            }
        };
        let read = SparkElementAccess::call(access, array, index);
        Ok(if never_null { crate::nullable::as_non_nullable(read) } else { read })
    }

    /// Whether Spark's `function` of `args` cannot be NULL, for the
    /// collection functions Ember plans outside the function registry:
    /// `reverse`, `concat`, `size`, `cardinality` and `array_size` of
    /// non-null arguments, `array_append` and `array_prepend` of a non-null
    /// array, `array_insert` at a non-null position of one, `array_contains` of non-null arguments and an array without
    /// NULL elements.
    fn never_null(&self, function: &str, args: &[Expr], input: &LogicalPlan) -> Result<bool> {
        let all_non_null = |args: &[Expr]| -> Result<bool> {
            for arg in args {
                if arg.nullable(input.schema())? {
                    return Ok(false);
                }
            }
            Ok(true)
        };
        Ok(match function {
            "reverse" | "concat" | "size" | "cardinality" | "array_size" => all_non_null(args)?,
            "array_append" | "array_prepend" => all_non_null(&args[..args.len().min(1)])?,
            "array_insert" => all_non_null(&args[..args.len().min(2)])?,
            "array_contains" if args.len() == 2 => {
                all_non_null(args)? && matches!(self.type_of(&args[0], input)?, DataType::List(element) if !element.is_nullable())
            }
            _ => false,
        })
    }
}

/// Whether `array` holds a NULL element, given it `without_nulls` (NULL
/// for a NULL array).
fn has_null_element(array: &Expr, without_nulls: &Expr) -> Expr {
    nested::array_length(without_nulls.clone()).lt(nested::array_length(array.clone()))
}

/// The value of `key` in `map` (NULL when absent), typed with the ANSI
/// interval units of the values of `map_type`.
pub(crate) fn map_value(map: Expr, key: Expr, map_type: &DataType) -> Expr {
    use ember_functions::interval_fields::{with_nested_type, without_nested_interval_units};
    // DataFusion's lookup refuses values typed with nested units: it reads the untyped map.
    let plain = without_nested_interval_units(map_type);
    let value_type = |t: &DataType| match t {
        DataType::Map(entries, _) => match entries.data_type() {
            DataType::Struct(pair) if pair.len() == 2 => Some(pair[1].data_type().clone()),
            _ => None,
        },
        _ => None,
    };
    let value = nested::array_element(nested::map_extract(with_nested_type(map, map_type, plain.clone()), key), lit(1i64));
    let value = match (value_type(&plain), value_type(map_type)) {
        (Some(plain_value), Some(typed_value)) => with_nested_type(value, &plain_value, typed_value),
        _ => value,
    };
    match ember_functions::interval_fields::nested_interval_fields(map_type).get(1).copied().flatten() {
        Some(units) => ember_functions::interval_fields::with_interval_fields(value, units),
        None => value,
    }
}

/// `expr`, or NULL when any of `args` is NULL.
fn null_if_any_null(args: &[Expr], expr: Expr) -> Result<Expr> {
    let any_null = args.iter().map(|a| a.clone().is_null()).reduce(|a, b| a.or(b));
    Ok(match any_null {
        Some(condition) => when(condition, Expr::Literal(ScalarValue::Null, None)).otherwise(expr)?,
        None => expr,
    })
}

/// `DATATYPE_MISMATCH.SEQUENCE_WRONG_INPUT_TYPES`: an ANSI interval step for
/// a sequence that is not of dates or timestamps.
fn sequence_wrong_input_types(sql: &str) -> SparkError {
    let (start, step) = ("(\"TIMESTAMP\" or \"TIMESTAMP_NTZ\" or \"DATE\")", "(\"INTERVAL\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL DAY TO SECOND\")");
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.SEQUENCE_WRONG_INPUT_TYPES",
        "42K09",
        format!("Cannot resolve \"{sql}\" due to data type mismatch: `sequence` uses the wrong parameter type. The parameter type must conform to:\n1. The start and stop expressions must resolve to the same type.\n2. If start and stop expressions resolve to the {start} type, then the step expression must resolve to the {step} type.\n3. Otherwise, if start and stop expressions resolve to the \"INTEGRAL\" type, then the step expression must resolve to the \"INTEGRAL\" type."),
        &[("sqlExpr", format!("\"{sql}\"")), ("functionName", "`sequence`".to_string()), ("startType", start.to_string()), ("stepType", step.to_string()), ("otherStartType", "\"INTEGRAL\"".to_string())],
    )
}

/// A day-time interval as the step of a sequence of dates: its whole days;
/// Spark's `_LEGACY_ERROR_TEMP_3242` for a step of less than day granularity.
fn date_sequence_step(args: &[datafusion::arrow::array::ArrayRef], _: &str) -> datafusion::common::Result<datafusion::arrow::array::ArrayRef> {
    use datafusion::arrow::array::{AsArray, IntervalMonthDayNanoArray};
    use datafusion::arrow::datatypes::{DurationMicrosecondType, IntervalMonthDayNano};
    const DAY: i64 = 86_400_000_000;
    let steps = args[0].as_primitive::<DurationMicrosecondType>();
    let mut days = Vec::with_capacity(steps.len());
    for step in steps.iter() {
        days.push(match step {
            Some(micros) if micros % DAY != 0 => {
                let message = "sequence step must be an interval day to second of day granularity if start and end values are dates";
                return Err(SparkError::new(ErrorKind::IllegalArgument, "_LEGACY_ERROR_TEMP_3242", "", message, &[("intervalType", "interval day to second".to_string())]).into_datafusion());
            }
            Some(micros) => Some(IntervalMonthDayNano::new(0, i32::try_from(micros / DAY).unwrap_or(i32::MAX), 0)),
            None => None,
        });
    }
    Ok(std::sync::Arc::new(days.into_iter().collect::<IntervalMonthDayNanoArray>()))
}

impl Planner<'_> {
    /// The keys of the map `args[0]` and the key `args[1]`, of their common
    /// type: Spark's check of `map_contains_key` (called as `sql`) fails with
    /// `DATATYPE_MISMATCH.NULL_TYPE` for a NULL key and
    /// `DATATYPE_MISMATCH.MAP_FUNCTION_DIFF_TYPES` when the types have none
    /// (a string and a number have none here).
    fn map_keys_beside(&self, args: &[Expr], sql: &str, input: &LogicalPlan) -> Result<(Expr, Expr)> {
        let (map_type, key_type) = (self.type_of(&args[0], input)?, self.type_of(&args[1], input)?);
        let DataType::Map(entries, _) = &map_type else { return Err(SparkError::internal("map_contains_key of no map")) };
        let DataType::Struct(pair) = entries.data_type() else { return Err(SparkError::internal("map entries of no struct")) };
        let map_key = pair[0].data_type().clone();
        if key_type == DataType::Null {
            return Err(crate::input_types::null_type("map_contains_key", sql));
        }
        let one_string = ember_functions::cast::is_string(&map_key) != ember_functions::cast::is_string(&key_type);
        let common = if one_string { None } else { crate::coercion::wider_type(&map_key, &key_type, self.config.ansi) };
        let Some(common) = common else {
            let (left, right) = (format!("\"{}\"", ember_types::sql_string(&map_type)), format!("\"{}\"", ember_types::sql_string(&key_type)));
            return Err(SparkError::new(
                crate::error::ErrorKind::Analysis,
                "DATATYPE_MISMATCH.MAP_FUNCTION_DIFF_TYPES",
                "42K09",
                format!("Cannot resolve \"{sql}\" due to data type mismatch: Input to `map_contains_key` should have been \"MAP\" followed by a value with same key type, but it's [{left}, {right}]."),
                &[
                    ("sqlExpr", format!("\"{sql}\"")),
                    ("functionName", "`map_contains_key`".to_string()),
                    ("dataType", "\"MAP\"".to_string()),
                    ("leftType", left),
                    ("rightType", right),
                ],
            ));
        };
        let keys = nested::map_keys(args[0].clone());
        let keys = if common == map_key { keys } else { cast(keys, DataType::List(std::sync::Arc::new(datafusion::arrow::datatypes::Field::new_list_field(common.clone(), false)))) };
        let key = if common == key_type { args[1].clone() } else { cast(args[1].clone(), common) };
        Ok((keys, key))
    }
}

impl Planner<'_> {
    /// `element_at`'s index into an array: an INT (narrower integers
    /// widened); anything else fails as Spark's check of `element_at` fails.
    fn array_index(&self, index: &Expr, names: &[String], input: &LogicalPlan) -> Result<Expr> {
        match self.type_of(index, input)? {
            DataType::Int32 => Ok(index.clone()),
            DataType::Int8 | DataType::Int16 => Ok(cast(index.clone(), DataType::Int32)),
            other => Err(crate::input_types::unexpected_input_type(
                &crate::call_names::call_name("element_at", names),
                1,
                "\"INT\"",
                &names[1],
                &other,
            )),
        }
    }
}
