//! Spark's operators and functions, by the names Spark Connect sends.

use datafusion::arrow::datatypes::{DataType, IntervalMonthDayNano};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::expr::{AggregateFunction, Exists, InSubquery, ScalarFunction};
use datafusion::logical_expr::{
    ColumnarValue, Expr, LogicalPlan, Operator, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility, binary_expr, lit, when,
};
use ember_functions::arithmetic::{self, ArithmeticOp, decimal_result_type, integral_as_decimal};
use ember_functions::cast::{CastMode, is_integral, is_string, spark_cast};
use ember_protocol::connect;

use ember_functions::nullability::{NullableWhen, SparkNullability, spark_nullability};

use crate::call_names::call_name;
use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::Planner;

impl Planner<'_> {
    /// `values` cast to Spark's wider common type of them all (a string and
    /// a number widen to STRING unless ANSI, as `array('a', 1)` does);
    /// unchanged when they have none, or it is a struct.
    fn widened_to_common_type(&self, values: Vec<Expr>, input: &LogicalPlan) -> Result<Vec<Expr>> {
        let types = values.iter().map(|v| self.type_of(v, input)).collect::<Result<Vec<_>>>()?;
        let Some((first, rest)) = types.split_first() else { return Ok(values) };
        let common = rest.iter().try_fold(first.clone(), |wide, t| crate::coercion::wider_type(&wide, t, self.config.ansi));
        match common {
            Some(common) if !matches!(common, DataType::Struct(_)) && types.iter().any(|t| *t != common) => Ok(values
                .into_iter()
                .zip(&types)
                .map(|(value, t)| if *t == common { value } else { spark_cast(value, common.clone(), self.cast_mode()) })
                .collect()),
            _ => Ok(values),
        }
    }

    /// Compared values cast to their common type when one is a decimal of
    /// negative scale: DataFusion cannot compare through its own casts of one.
    fn with_negative_scales_widened(&self, values: Vec<Expr>, input: &LogicalPlan) -> Result<Vec<Expr>> {
        let types = values.iter().map(|v| self.type_of(v, input)).collect::<Result<Vec<_>>>()?;
        if types.iter().any(|t| matches!(t, DataType::Decimal128(_, scale) if *scale < 0)) {
            return self.widened_to_common_type(values, input);
        }
        Ok(values)
    }

    /// `decode(expr, search, result, …[, default])`: Spark's `CASE` of the
    /// first search equal to `expr` (NULL equal to NULL; a NULL STRING
    /// without a default), named as called.
    fn plan_decode(&mut self, arguments: &[connect::Expression], input: &LogicalPlan) -> Result<(Expr, String)> {
        let (value, pairs) = arguments.split_first().ok_or_else(|| SparkError::internal("decode without arguments"))?;
        let mut branches = Vec::with_capacity(pairs.len() + 1);
        for pair in pairs.chunks(2) {
            match pair {
                [search, result] => branches.extend([crate::sql::function("<=>", vec![value.clone(), search.clone()]), result.clone()]),
                [default] => branches.push(default.clone()),
                _ => {}
            }
        }
        // Without a default Spark's is a NULL STRING, which takes part in the result's type.
        if pairs.len() % 2 == 0 {
            let string = connect::DataType { kind: Some(connect::data_type::Kind::String(Default::default())) };
            branches.push(crate::sql::literal(connect::expression::literal::LiteralType::Null(string)));
        }
        let (case, _) = self.plan_expr(&crate::sql::function("when", branches), input)?;
        let mut names = Vec::with_capacity(arguments.len());
        for argument in arguments {
            names.push(self.plan_expr(argument, input)?.1);
        }
        Ok((case, call_name("decode", &names)))
    }

    /// Plans a call of a Spark operator or function.
    pub(crate) fn plan_function(
        &mut self,
        name: &str,
        arguments: &[connect::Expression],
        distinct: bool,
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        let lower = name.to_lowercase();
        if lower == "count" && !distinct && is_star(arguments) {
            let expr = datafusion::functions_aggregate::expr_fn::count(Expr::Literal(ScalarValue::Int32(Some(1)), None));
            return Ok((expr, "count(1)".to_string()));
        }
        if self.catalog.python_function(name).is_none() {
            crate::function_arities::check_argument_count(&lower, arguments.len())?;
        }
        self.check_window_function_has_a_window(&lower, arguments, input)?;
        if let Some(planned) = self.plan_higher_order(&lower, arguments, input) {
            return planned;
        }
        if let Some(planned) = self.plan_reflect(&lower, arguments, input) {
            return planned;
        }
        if let Some(planned) = self.plan_json_function(&lower, arguments, input) {
            return planned;
        }
        if lower == "decode" && arguments.len() > 2 {
            return self.plan_decode(arguments, input);
        }
        // Spark's table-valued functions are no scalars.
        if matches!(lower.as_str(), "range" | "sql_keywords" | "collations") && self.catalog.python_function(name).is_none() {
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "NOT_A_SCALAR_FUNCTION",
                "42887",
                format!(
                    "`{lower}` appears as a scalar expression here, but the function was defined as a table function. Please update the query to move the function call into the FROM clause, or redefine `{lower}` as a scalar function instead."
                ),
                &[("functionName", format!("`{lower}`"))],
            ));
        }
        if arguments.iter().any(|a| matches!(a.expr_type, Some(connect::expression::ExprType::NamedArgumentExpression(_)))) {
            if let Some(udf) = self.catalog.python_function(name) {
                return self.plan_python_udf_call(&udf, arguments, input);
            }
        }
        let mut args = Vec::with_capacity(arguments.len());
        let mut names = Vec::with_capacity(arguments.len());
        for argument in arguments {
            let (expr, arg_name) = self.plan_expr(argument, input)?;
            let arg_name = match &argument.expr_type {
                Some(connect::expression::ExprType::UnresolvedAttribute(_)) => self.field_path(&expr).unwrap_or(arg_name),
                _ => arg_name,
            };
            args.push(expr);
            names.push(arg_name);
        }
        // Spark's two-argument trims take the characters first (`ltrim(trimStr, str)`).
        if matches!(lower.as_str(), "trim" | "ltrim" | "rtrim") && args.len() == 2 {
            args.swap(0, 1);
            names.swap(0, 1);
        }
        crate::input_types::check_arguments(&lower, &call_name(crate::input_types::checked_call(&lower), &names), &names, |i| {
            self.type_of(&args[i], input)
        })?;
        // Spark orders no maps (nor values holding them).
        if matches!(lower.as_str(), "min" | "max" | "greatest" | "least") {
            let types = args.iter().map(|a| self.type_of(a, input)).collect::<Result<Vec<_>>>()?;
            if let Some(ordered) = types.first().filter(|first| holds_map(first) && types.iter().all(|t| t == *first)) {
                return Err(invalid_ordering_type(&call_name(&lower, &names), &lower, ordered));
            }
        }
        self.cast_arguments_implicitly(&lower, &names, &mut args, input)?;
        let shift_name = self.datetime_shift_name(&lower, &args, &names, input)?;
        let string_shifted = self.string_shifted_by_interval(&lower, &mut args, input)?;
        if string_shifted.is_some() || shift_name.is_some() {
            let (expr, name) = self.plan_call(name, args, names, distinct, arguments, input)?;
            let expr = match string_shifted {
                Some(mode) => spark_cast(expr, DataType::Utf8, mode),
                None => expr,
            };
            return Ok((expr, shift_name.unwrap_or(name)));
        }
        if matches!(lower.as_str(), "format_string" | "printf") {
            self.java_format_arguments(&mut args, input)?;
        }
        if matches!(lower.as_str(), "coalesce" | "nvl" | "ifnull" | "greatest" | "least") {
            args = self.values_of_common_type(&lower, args, &names, input)?;
        }
        if let Some(symbol) = comparison_symbol(&lower).filter(|_| args.len() == 2) {
            let rendered = match symbol {
                "!=" => format!("(NOT ({} = {}))", names[0], names[1]),
                _ => format!("({} {symbol} {})", names[0], names[1]),
            };
            self.collate_operands(&mut args, &mut names, &rendered, input)?;
        }
        if let Some(op) = collated_search_op(&lower).filter(|_| args.len() == 2) {
            let rendered = call_name(&lower, &names);
            if let Some(collation) = self.common_collation(&args, &mut names, &rendered, input)? {
                let expr = ember_functions::collation::collated_search(op, args[0].clone(), args[1].clone(), collation);
                return Ok((expr, call_name(&lower, &names)));
            }
        }
        let widened = self.conditional_interval_fields(&lower, &args, &names, input)?;
        let nested_units = self.constructed_interval_fields(&lower, &args, input)?;
        self.check_interval_units_agree(&lower, &args, &names, input)?;
        let result_model = self.nested_result_model(&lower, &args, input)?;
        if lower == "array_join" && !args.is_empty() {
            args[0] = self.interval_elements_as_text(args[0].clone(), input)?;
        }
        let tagged_args = args.clone();
        let untagged = if lower == "typeof" { None } else { self.untag_nested_intervals(&mut args, input)? };
        let kept_collation = match keeps_collation(&lower) {
            true => self.common_collation(&args, &mut names.clone(), &call_name(&lower, &names), input)?,
            false => None,
        };
        // With nested interval units taken off its arguments, the call runs on
        // untyped values; the type it promises for the typed ones is put back.
        let promised = match &untagged {
            Some(_) if result_model.is_some() => result_model,
            Some(_) => self.plan_call(name, tagged_args.clone(), names.clone(), distinct, arguments, input).ok().and_then(|(e, _)| self.type_of(&e, input).ok()),
            None => None,
        };
        let remainder_type = self.pmod_decimal_type(&lower, &args, input)?;
        let zero_divisor_check = match lower.as_str() {
            "pmod" if self.config.ansi && args.len() == 2 => self.remainder(&args, true, input).ok().map(|failing| (args[1].clone(), failing)),
            _ => None,
        };
        // `try_add(date, interval)` and the like are the operator's datetime and interval arithmetic.
        let (expr, out_name) = match self.datetime_operator_of_try(&lower, &args, input)? {
            Some(operator) => {
                // Interval sums beyond their range are NULL here.
                let sum = match operator {
                    "+" | "-" => self.plan_interval_sum(operator, &args, &names, input, false)?,
                    _ => None,
                };
                let (expr, _) = match sum {
                    Some(sum) => sum,
                    None => self.plan_call(operator, args, names.clone(), distinct, arguments, input)?,
                };
                (crate::nullable::as_nullable(expr), call_name(&lower, &names))
            }
            None => self.plan_call(name, args, names, distinct, arguments, input)?,
        };
        let expr = match remainder_type {
            Some(decimal) => datafusion::logical_expr::cast(expr, decimal),
            None => expr,
        };
        // Under ANSI mode `pmod` by zero fails as `%` does (REMAINDER_BY_ZERO).
        let expr = match zero_divisor_check {
            Some((divisor, failing)) => {
                let result_type = self.type_of(&expr, input)?;
                when(divisor.eq(lit(0)), datafusion::logical_expr::cast(failing, result_type)).otherwise(expr)?
            }
            None => expr,
        };
        let expr = match kept_collation {
            Some(collation) if matches!(self.type_of(&expr, input)?, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View) => {
                ember_functions::collation::with_collation(expr, collation)
            }
            _ => expr,
        };
        let expr = match untagged {
            Some(tagged) => self.retag_nested_intervals(expr, promised, &tagged, input)?,
            None => expr,
        };
        let expr = match nested_units {
            Some(children) => {
                let data_type = self.type_of(&expr, input)?;
                ember_functions::interval_fields::with_nested_interval_fields(expr, &data_type, &children)
            }
            None => expr,
        };
        // Spark folds a null-intolerant function of a NULL literal to NULL
        // before it evaluates the other arguments (`pow(NULL, 'abc')`).
        // (`locate` with a NULL start is 0, and legacy `size(NULL)` is -1.)
        let null_intolerant = matches!(spark_nullability(&lower), Some(NullableWhen::AnyArgument | NullableWhen::Always))
            && !matches!(lower.as_str(), "locate" | "position" | "size" | "cardinality");
        let expr = if null_intolerant && tagged_args.iter().any(is_null_literal) {
            Expr::Literal(ScalarValue::try_from(&self.type_of(&expr, input)?)?, None)
        } else {
            expr
        };
        let expr = self.with_spark_collection_nullability(&lower, &tagged_args, expr, input)?;
        Ok(match widened {
            Some(fields) => (ember_functions::interval_fields::with_interval_fields(expr, fields), out_name),
            None => (expr, out_name),
        })
    }

    /// Plans a call of `name` on its planned arguments.
    fn plan_call(
        &mut self,
        name: &str,
        mut args: Vec<Expr>,
        names: Vec<String>,
        distinct: bool,
        arguments: &[connect::Expression],
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        let lower = name.to_lowercase();
        if let Some(planned) = self.plan_collection_function(&lower, &args, &names, input) {
            return planned;
        }
        if lower == "map_entries" && args.len() == 1 {
            if let Some(entries) = ember_functions::map_entries::map_entries(args[0].clone(), &self.type_of(&args[0], input)?) {
                return Ok((entries, call_name(&lower, &names)));
            }
        }
        if lower == "distributed_sequence_id" && args.len() <= 1 {
            // `zipWithIndex`: each row's position from 0, in the input's order. The pandas API
            // passes a flag (`lit(True)`) that only chooses how Spark caches the input.
            let position = datafusion::functions_window::expr_fn::row_number();
            let index = datafusion::logical_expr::cast(position, DataType::Int64) - lit(1i64);
            return Ok((index, "distributed_sequence_id()".to_string()));
        }
        if lower == "count" && distinct && args.len() > 1 {
            return self.call_registered("count", vec![distinct_tuple(args)?], &names, true, input);
        }
        if let Some(planned) = self.plan_interval_aggregate(&lower, &args, &names, distinct, input)? {
            return Ok(planned);
        }
        if let Some(planned) = self.plan_array_aggregate(&lower, &args, &names, distinct, input)? {
            return Ok(planned);
        }
        if !distinct {
            if let Some(planned) = self.plan_lookup_function(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_interval_function(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_aes_function(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_random_function(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_window_time(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_scalar_rewrite(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_spark_scalar(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_stat_aggregate(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_sketch_function(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_distribution_aggregate(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_extra_function(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_time_function(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_variant_function(&lower, &args, &names) {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_variant_get(&lower, &args, &names) {
                return planned;
            }
            if let Some(planned) = self.plan_variant_edit(&lower, &args, &names, input) {
                return planned;
            }
            if let Some(planned) = self.plan_spatial_function(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_vector_function(&lower, &args, &names, input)? {
                return Ok(planned);
            }
            if let Some(planned) = self.plan_xpath_function(&lower, &args, &names, input)? {
                return Ok(planned);
            }
        }
        let binary = |op: Operator, symbol: &str, args: &mut Vec<Expr>| -> Result<(Expr, String)> {
            expect_args(name, args, 2)?;
            let right = args.pop().unwrap_or_else(|| unreachable_arg());
            let left = args.pop().unwrap_or_else(|| unreachable_arg());
            Ok((binary_expr(left, op, right), format!("({} {symbol} {})", names[0], names[1])))
        };
        if lower == "try_mod" && !distinct {
            expect_args(name, &args, 2)?;
            self.coerce_operands("%", &mut args, input)?;
            return self.try_mod(&args, &names, input);
        }
        if matches!(lower.as_str(), "+" | "-" | "*" | "/" | "%" | "mod" | "div") && args.len() == 2 {
            self.coerce_operands(&lower, &mut args, input)?;
        }
        self.check_spatial_comparison(&lower, &args, &names, input)?;
        if args.len() == 2 && matches!(lower.as_str(), "&" | "|" | "^") {
            self.cast_bitwise_operands(&mut args, input)?;
        }
        self.compared_operands(&lower, &mut args, &names, input)?;
        if matches!(lower.as_str(), "==" | "=" | "!=" | "<>" | "<" | "<=" | ">" | ">=" | "<=>" | "in") {
            args = self.with_negative_scales_widened(args, input)?;
        }
        if let Some(planned) = self.plan_interval_scaling(&lower, &args, &names, input)? {
            return Ok(planned);
        }
        let arithmetic = match lower.as_str() {
            "+" => Some(ArithmeticOp::Add),
            "-" if args.len() == 2 => Some(ArithmeticOp::Subtract),
            "*" => Some(ArithmeticOp::Multiply),
            "/" => Some(ArithmeticOp::Divide),
            "%" | "mod" => Some(ArithmeticOp::Remainder),
            _ => None,
        };
        // Spark names `mod(a, b)` as called, `a % b` as an operator.
        let remainder_name = || if lower == "mod" { call_name("mod", &names) } else { format!("({} % {})", names[0], names[1]) };
        if let Some(op) = arithmetic {
            expect_args(name, &args, 2)?;
            if let Some(expr) = self.spark_arithmetic(op, &args, self.config.ansi, input)? {
                let name = if op == ArithmeticOp::Remainder { remainder_name() } else { format!("({} {} {})", names[0], op.symbol(), names[1]) };
                return Ok((expr, name));
            }
        }
        match lower.as_str() {
            "+" => binary(Operator::Plus, "+", &mut args),
            "-" if args.len() == 1 => Ok((Expr::Negative(Box::new(args.remove(0))), format!("(- {})", names[0]))),
            "-" => binary(Operator::Minus, "-", &mut args),
            "*" => binary(Operator::Multiply, "*", &mut args),
            "/" => {
                let name = format!("({} / {})", names[0], names[1]);
                let to_double = |e: Expr| datafusion::logical_expr::cast(e, DataType::Float64);
                let expr = SparkZeroChecked::call(
                    ZeroCheckedOp::Divide,
                    self.config.ansi,
                    DataType::Float64,
                    to_double(args[0].clone()),
                    to_double(args[1].clone()),
                );
                Ok((expr, name))
            }
            "div" => {
                expect_args(name, &args, 2)?;
                if let Some(([left, right], _)) = self.decimal_operands(&args, self.cast_mode(), input)? {
                    let expr = ember_functions::arithmetic::decimal_integral_divide(self.config.ansi, left, right);
                    return Ok((expr, format!("({} div {})", names[0], names[1])));
                }
                // Intervals divide as their counts of months or microseconds.
                let mut longs = Vec::with_capacity(2);
                for arg in &args {
                    let data_type = self.type_of(arg, input)?;
                    let counts = ember_functions::interval_fields::intervals_as_integers(&data_type);
                    let counted = ember_functions::interval_fields::with_nested_type(arg.clone(), &data_type, counts);
                    longs.push(datafusion::logical_expr::cast(counted, DataType::Int64));
                }
                let [left, right] = <[Expr; 2]>::try_from(longs).unwrap_or_else(|_| unreachable!("two operands"));
                let expr = SparkZeroChecked::call(ZeroCheckedOp::Divide, self.config.ansi, DataType::Int64, left, right);
                Ok((expr, format!("({} div {})", names[0], names[1])))
            }
            "current_timezone" if args.is_empty() => {
                Ok((Expr::Literal(ScalarValue::Utf8(Some(self.config.time_zone.clone())), None), "current_timezone()".to_string()))
            }
            "version" if args.is_empty() => {
                let version = format!("{} ember-{}", crate::SPARK_VERSION, env!("CARGO_PKG_VERSION"));
                Ok((Expr::Literal(ScalarValue::Utf8(Some(version)), None), "version()".to_string()))
            }
            "%" | "mod" => {
                expect_args(name, &args, 2)?;
                let expr = self.remainder(&args, self.config.ansi, input)?;
                Ok((expr, remainder_name()))
            }
            "==" | "=" => binary(Operator::Eq, "=", &mut args),
            "!=" | "<>" => {
                let (eq, _) = binary(Operator::Eq, "=", &mut args)?;
                Ok((Expr::Not(Box::new(eq)), format!("(NOT ({} = {}))", names[0], names[1])))
            }
            "<" => binary(Operator::Lt, "<", &mut args),
            "<=" => binary(Operator::LtEq, "<=", &mut args),
            ">" => binary(Operator::Gt, ">", &mut args),
            ">=" => binary(Operator::GtEq, ">=", &mut args),
            "<=>" => {
                // IS TRUE keeps the value and tells DataFusion it is never NULL.
                let (expr, rendered) = binary(Operator::IsNotDistinctFrom, "<=>", &mut args)?;
                Ok((Expr::IsTrue(Box::new(expr)), rendered))
            }
            "and" => binary(Operator::And, "AND", &mut args),
            "or" => binary(Operator::Or, "OR", &mut args),
            "&" => binary(Operator::BitwiseAnd, "&", &mut args),
            "|" => binary(Operator::BitwiseOr, "|", &mut args),
            "^" => binary(Operator::BitwiseXor, "^", &mut args),
            "not" | "!" => {
                expect_args(name, &args, 1)?;
                // DataFusion decorrelates negated subqueries, not NOT over them.
                let negated = match args.remove(0) {
                    Expr::Exists(e) => Expr::Exists(Exists::new(e.subquery, !e.negated)),
                    Expr::InSubquery(e) => Expr::InSubquery(InSubquery::new(e.expr, e.subquery, !e.negated)),
                    other => Expr::Not(Box::new(other)),
                };
                Ok((negated, format!("(NOT {})", names[0])))
            }
            "negative" => {
                expect_args(name, &args, 1)?;
                Ok((Expr::Negative(Box::new(args.remove(0))), format!("negative({})", names[0])))
            }
            "isnull" => {
                expect_args(name, &args, 1)?;
                Ok((Expr::IsNull(Box::new(args.remove(0))), format!("({} IS NULL)", names[0])))
            }
            "isnotnull" => {
                expect_args(name, &args, 1)?;
                Ok((Expr::IsNotNull(Box::new(args.remove(0))), format!("({} IS NOT NULL)", names[0])))
            }
            "in" => {
                if args.is_empty() {
                    return Err(wrong_args(name, args.len(), "at least 1"));
                }
                let value = args.remove(0);
                let list = args;
                let rendered = format!("({} IN ({}))", names[0], names[1..].join(", "));
                Ok((value.in_list(list, false), rendered))
            }
            "like" | "ilike" => {
                // The escape character, a literal of one character (a backslash when not given).
                let escape = match args.get(2) {
                    None => '\\',
                    Some(escape) => match folded_string(escape) {
                        Some(Some(text)) if text.chars().count() == 1 => text.chars().next().unwrap_or('\\'),
                        Some(text) => return Err(invalid_escape_char(text.as_deref().unwrap_or("NULL"))),
                        None => return Err(invalid_escape_char(&names[2])),
                    },
                };
                args.truncate(2);
                expect_args(name, &args, 2)?;
                let mut pattern = args.pop().unwrap_or_else(|| unreachable_arg());
                if escape != '\\' {
                    pattern = ember_functions::text_functions::like_pattern_with_escape(pattern, escape);
                }
                let value = args.pop().unwrap_or_else(|| unreachable_arg());
                let case_insensitive = lower == "ilike";
                let rendered = match (case_insensitive, names.get(2)) {
                    (true, _) => format!("ilike({}, {})", names[0], names[1]),
                    (false, None) => format!("{} LIKE {}", names[0], names[1]),
                    (false, Some(_)) => format!("{} LIKE {} ESCAPE '{escape}'", names[0], names[1]),
                };
                let like = datafusion::logical_expr::expr::Like::new(false, Box::new(value), Box::new(pattern), Some('\\'), case_insensitive);
                Ok((Expr::Like(like), rendered))
            }
            "rlike" | "regexp" | "regexp_like" => {
                expect_args(name, &args, 2)?;
                if let Expr::Literal(ScalarValue::Utf8(Some(pattern)) | ScalarValue::Utf8View(Some(pattern)), _) = &args[1] {
                    check_pattern(&lower, pattern)?;
                }
                let rendered = format!("{}({}, {})", lower.to_uppercase(), names[0], names[1]);
                Ok((binary_expr(args[0].clone(), Operator::RegexMatch, args[1].clone()), rendered))
            }
            "when" => self.case_when(args, &names, input),
            "year" | "quarter" | "month" | "day" | "dayofmonth" | "dayofweek" | "dayofyear" | "weekofyear" | "hour"
            | "minute" | "second" => {
                expect_args(name, &args, 1)?;
                let field = match lower.as_str() {
                    "dayofmonth" => "day",
                    "dayofyear" => "doy",
                    "weekofyear" => "week",
                    other => other,
                };
                let expr = extract_field(field, args.remove(0), &names[0])?;
                // Spark's `second()` is an INT, unlike EXTRACT(SECOND ...).
                let expr = if lower == "second" { datafusion::logical_expr::cast(expr, DataType::Int32) } else { expr };
                Ok((expr, format!("{lower}({})", names[0])))
            }
            "typeof" => {
                expect_args(name, &args, 1)?;
                let (_, field) = datafusion::logical_expr::ExprSchemable::to_field(&args[0], input.schema())?;
                let units = crate::interval_functions::kept_interval_fields(&args[0], input.schema()).or_else(|| ember_types::IntervalFields::of(&field));
                let type_name = match units {
                    Some(fields) => {
                        let year_month = !matches!(field.data_type(), DataType::Duration(_));
                        format!("interval {}", fields.units(year_month).to_lowercase())
                    }
                    None => match ember_types::Collation::of(&field) {
                        Some(collation) => collation.simple_string(),
                        None => ember_types::simple_string(field.data_type()),
                    },
                };
                let type_name = Expr::Literal(ScalarValue::Utf8(Some(type_name)), None);
                // An aggregate argument stays in the expression, so the query still aggregates (to one row).
                let expr = if crate::select_aggregate::aggregates_in(std::slice::from_ref(&args[0])).is_empty() {
                    type_name
                } else {
                    when(args[0].clone().is_null(), type_name.clone()).otherwise(type_name)?
                };
                Ok((expr, format!("typeof({})", names[0])))
            }
            "extract" | "date_part" | "datepart" => {
                expect_args(name, &args, 2)?;
                let Expr::Literal(ScalarValue::Utf8(Some(field)), _) = &args[0] else {
                    let function = if lower == "extract" { "extract" } else { "date_part" };
                    return Err(SparkError::non_foldable_argument(function, "field", "\"STRING\""));
                };
                let field_name = field.clone();
                let mut source = args.remove(1);
                let (_, source_field) = datafusion::logical_expr::ExprSchemable::to_field(&source, input.schema())?;
                let expr = match crate::interval_functions::extract_interval_field(&field_name, &source, &source_field, &names[1]) {
                    Some(expr) => expr?,
                    None => {
                        // Spark extracts through the field's function (`year(x)`), which checks and casts `x`.
                        if let Some(function) = extract_function(&field_name) {
                            let mut sources = [source];
                            self.cast_arguments_implicitly(function, &names[1..2], &mut sources, input)?;
                            let [cast_source] = sources;
                            source = cast_source;
                        }
                        extract_field(&field_name, source, &names[1])?
                    }
                };
                let rendered = match lower.as_str() {
                    "extract" | "datepart" => format!("{lower}({field_name} FROM {})", names[1]),
                    _ => format!("{lower}({}, {})", names[0], names[1]),
                };
                Ok((expr, rendered))
            }
            "between" => {
                expect_args(name, &args, 3)?;
                let between = Expr::Between(datafusion::logical_expr::Between::new(
                    Box::new(args[0].clone()),
                    false,
                    Box::new(args[1].clone()),
                    Box::new(args[2].clone()),
                ));
                Ok((between, format!("between({}, {}, {})", names[0], names[1], names[2])))
            }
            "power" | "pow" => Err(wrong_args(name, args.len(), "2")),
            "startswith" | "endswith" | "contains" => {
                expect_args(name, &args, 2)?;
                // Two binaries compare bytes; a binary beside a string is read as a string.
                let binary = |e: &Expr| self.type_of(e, input).is_ok_and(|t| matches!(t, DataType::Binary | DataType::LargeBinary | DataType::BinaryView));
                if binary(&args[0]) && binary(&args[1]) {
                    let op = collated_search_op(&lower).unwrap_or(ember_functions::collation::SearchOp::Contains);
                    let expr = ember_functions::bytes_search::bytes_search(op, args[0].clone(), args[1].clone());
                    return Ok((expr, format!("{lower}({}, {})", names[0], names[1])));
                }
                let args: Vec<Expr> = args.iter().map(|a| if binary(a) { spark_cast(a.clone(), DataType::Utf8, CastMode::Legacy) } else { a.clone() }).collect();
                let expr = match lower.as_str() {
                    "startswith" => datafusion::functions::string::expr_fn::starts_with(args[0].clone(), args[1].clone()),
                    "endswith" => datafusion::functions::string::expr_fn::ends_with(args[0].clone(), args[1].clone()),
                    _ => datafusion::functions::string::expr_fn::contains(args[0].clone(), args[1].clone()),
                };
                // NULL only for a NULL input, as Spark types it.
                let nullable = args.iter().any(|a| datafusion::logical_expr::ExprSchemable::nullable(a, input.schema()).unwrap_or(true));
                let expr = if nullable { expr } else { crate::nullable::as_non_nullable(expr) };
                Ok((expr, format!("{lower}({}, {})", names[0], names[1])))
            }
            "map" | "create_map" => {
                if args.len() % 2 != 0 {
                    return Err(wrong_args(name, args.len(), "an even number of"));
                }
                let (keys, values): (Vec<_>, Vec<_>) = args.chunks(2).map(|kv| (kv[0].clone(), kv[1].clone())).unzip();
                Ok((ember_functions::constructors::map(keys, values), format!("map({})", names.join(", "))))
            }
            "array" => {
                let types = args.iter().map(|a| self.type_of(a, input)).collect::<Result<Vec<_>>>()?;
                let intervals = types.iter().any(|t| matches!(t, DataType::Duration(_) | DataType::Interval(_)));
                let common = types.iter().skip(1).try_fold(types.first().cloned().unwrap_or(DataType::Null), |wide, t| crate::coercion::wider_type(&wide, t, self.config.ansi));
                if common.is_none() && !intervals {
                    let quoted: Vec<String> = types.iter().map(|t| format!("\"{}\"", ember_types::sql_string(t))).collect();
                    return Err(crate::interval_functions::different_types("array", &names, &quoted));
                }
                let elements = self.widened_to_common_type(args, input)?;
                Ok((ember_functions::constructors::array(elements), format!("array({})", names.join(", "))))
            }
            "struct" | "named_struct" => self.make_struct(&lower, args, names, arguments),
            "avg" | "mean" | "try_avg" if args.len() == 1 && matches!(self.type_of(&args[0], input)?, DataType::Decimal128(..)) => {
                // Spark's average of DECIMAL(p, s) is sum / count rounded HALF_UP
                // to DECIMAL(p + 4, s + 4); DataFusion's truncates.
                let DataType::Decimal128(p, s) = self.type_of(&args[0], input)? else { unreachable!("decimal") };
                let sum = aggregate_call(datafusion::functions_aggregate::sum::sum_udaf(), args.clone(), distinct);
                let count = aggregate_call(datafusion::functions_aggregate::count::count_udaf(), args, distinct);
                let count = datafusion::logical_expr::cast(count, DataType::Decimal128(20, 0));
                let result_type = DataType::Decimal128((p + 4).min(38), (s + 4).min(38));
                let expr = arithmetic::spark_arithmetic(ArithmeticOp::Divide, false, result_type, sum, count);
                let distinct_prefix = if distinct { "DISTINCT " } else { "" };
                // SQL's `mean` keeps its name (the DataFrame API's `mean` is an `avg`).
                let function_name = lower.as_str();
                Ok((expr, format!("{function_name}({distinct_prefix}{})", names[0])))
            }
            "avg" | "mean" if distinct && args.len() == 1 && self.type_of(&args[0], input)?.is_numeric() => {
                // DataFusion has no DISTINCT average beside other DISTINCT
                // aggregates; Spark's is the sum of the distinct values as
                // DOUBLE over their count.
                let as_double = datafusion::logical_expr::cast(args[0].clone(), DataType::Float64);
                let sum = aggregate_call(datafusion::functions_aggregate::sum::sum_udaf(), vec![as_double], true);
                let count = aggregate_call(datafusion::functions_aggregate::count::count_udaf(), args, true);
                let expr = sum / datafusion::logical_expr::cast(count, DataType::Float64);
                Ok((expr, format!("{lower}(DISTINCT {})", names[0])))
            }
            "boolean" | "tinyint" | "smallint" | "int" | "bigint" | "float" | "double" | "decimal" | "date" | "timestamp" | "binary"
            | "string"
                if args.len() == 1 =>
            {
                // Spark's cast aliases: `int(x)` is `CAST(x AS INT)`, named after `x`.
                let target = ember_types::parse_ddl_type(&lower, &self.config.time_zone).map_err(crate::error::from_type_error)?;
                let value = args.remove(0);
                let source = self.type_of(&value, input)?;
                if ember_functions::interval_casts::can_cast(&source, &target) == Some(false) {
                    let (_, field) = datafusion::logical_expr::ExprSchemable::to_field(&value, input.schema())?;
                    let quoted = |text: String| format!("\"{text}\"");
                    return Err(crate::input_types::cannot_cast_text(&names[0], quoted(ember_types::field_sql_string(&field)), quoted(ember_types::sql_string(&target))));
                }
                if let Some(rejection) = crate::expr::cast_rejection(&source, &target, self.cast_mode()) {
                    return Err(crate::input_types::rejected_cast(&names[0], &source, &target, rejection));
                }
                let expr = match self.cast_variant(&value, &target, self.cast_mode(), &names[0], input)? {
                    Some(cast) => cast,
                    None => match self.cast_to_variant(&value, &source, &target, &names[0])? {
                        Some(cast) => cast,
                        None if source == target => value,
                        None => spark_cast(value, target, self.cast_mode()),
                    },
                };
                Ok((expr, names[0].clone()))
            }
            "mean" => {
                let (expr, _) = self.call_registered("avg", args, &names, distinct, input)?;
                let prefix = if distinct { "DISTINCT " } else { "" };
                Ok((expr, format!("mean({prefix}{})", names.join(", "))))
            }
            "nvl" | "ifnull" if args.len() == 2 => {
                // Spark's `coalesce` of two (DataFusion's `nvl` takes no intervals, maps or structs).
                let (expr, _) = self.call_registered("coalesce", args, &names, false, input)?;
                Ok((expr, call_name(&lower, &names)))
            }
            _ => self.call_registered(&lower, args, &names, distinct, input),
        }
    }

    /// Spark's arithmetic where DataFusion's differs: decimal operands (with
    /// Spark's result type) and, under ANSI mode, integral `+`, `-` and `*`
    /// (overflow fails). `None` leaves the operation to DataFusion.
    pub(crate) fn spark_arithmetic(&self, op: ArithmeticOp, args: &[Expr], ansi: bool, input: &LogicalPlan) -> Result<Option<Expr>> {
        let types = [self.type_of(&args[0], input)?, self.type_of(&args[1], input)?];
        let shifts_date = matches!(op, ArithmeticOp::Add | ArithmeticOp::Subtract);
        match (&types[0], &types[1]) {
            (DataType::Date32, DataType::Duration(_)) if shifts_date => {
                return Ok(Some(self.date_plus_duration(op, args[0].clone(), args[1].clone())));
            }
            (DataType::Duration(_), DataType::Date32) if op == ArithmeticOp::Add => {
                return Ok(Some(self.date_plus_duration(op, args[1].clone(), args[0].clone())));
            }
            _ => {}
        }
        let mode = if ansi { CastMode::Ansi } else { CastMode::Legacy };
        if let Some(([left, right], [left_digits, right_digits])) = self.decimal_operands(args, mode, input)? {
            let return_type = decimal_result_type(op, left_digits, right_digits);
            return Ok(Some(arithmetic::spark_arithmetic(op, ansi, return_type, left, right)));
        }
        let checked = matches!(op, ArithmeticOp::Add | ArithmeticOp::Subtract | ArithmeticOp::Multiply);
        if !(checked && ansi && types.iter().all(is_integral)) {
            return Ok(None);
        }
        let wider = if integral_width(&types[0]) >= integral_width(&types[1]) { &types[0] } else { &types[1] };
        let widen = |e: &Expr, t: &DataType| if t == wider { e.clone() } else { datafusion::logical_expr::cast(e.clone(), wider.clone()) };
        let (left, right) = (widen(&args[0], &types[0]), widen(&args[1], &types[1]));
        Ok(Some(arithmetic::spark_arithmetic(op, true, wider.clone(), left, right)))
    }

    /// The type of `pmod` of decimals: Spark's type of `%` of its operands
    /// (`pmod(1.5, 1)` is a `decimal(2,1)`), which DataFusion's `pmod` widens.
    fn pmod_decimal_type(&self, function: &str, args: &[Expr], input: &LogicalPlan) -> Result<Option<DataType>> {
        if function != "pmod" || args.len() != 2 {
            return Ok(None);
        }
        let types = args.iter().map(|a| self.type_of(a, input)).collect::<Result<Vec<_>>>()?;
        if !types.iter().any(|t| matches!(t, DataType::Decimal128(..))) || !types.iter().all(|t| matches!(t, DataType::Decimal128(..)) || is_integral(t)) {
            return Ok(None);
        }
        let remainder = self.remainder(args, self.config.ansi, input)?;
        Ok(Some(self.type_of(&remainder, input)?).filter(|t| matches!(t, DataType::Decimal128(..))))
    }

    /// Spark's `%` of two non-decimal operands (DataFusion's common type);
    /// a zero divisor fails under `ansi` and gives NULL otherwise.
    fn remainder(&self, args: &[Expr], ansi: bool, input: &LogicalPlan) -> Result<Expr> {
        if let Some(expr) = self.spark_arithmetic(ArithmeticOp::Remainder, args, ansi, input)? {
            return Ok(expr);
        }
        let left_type = self.type_of(&args[0], input)?;
        let right_type = self.type_of(&args[1], input)?;
        let coercer = datafusion::logical_expr::type_coercion::binary::BinaryTypeCoercer::new(
            &left_type,
            &Operator::Modulo,
            &right_type,
        );
        let (l, r) = coercer.get_input_types()?;
        let result_type = coercer.get_result_type()?;
        let cast_to = |e: Expr, from: &DataType, to: &DataType| {
            let e = if from == to { e } else { datafusion::logical_expr::cast(e, to.clone()) };
            if to == &result_type { e } else { datafusion::logical_expr::cast(e, result_type.clone()) }
        };
        let left = cast_to(args[0].clone(), &left_type, &l);
        let right = cast_to(args[1].clone(), &right_type, &r);
        let expr = SparkZeroChecked::call(ZeroCheckedOp::Remainder, ansi, result_type.clone(), left, right);
        Ok(expr)
    }

    /// `try_mod(a, b)`: Spark's `%` that gives NULL instead of failing.
    pub(crate) fn try_mod(&self, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<(Expr, String)> {
        expect_args("try_mod", args, 2)?;
        Ok((self.remainder(args, false, input)?, format!("try_mod({}, {})", names[0], names[1])))
    }

    /// A date shifted by a day-time interval: a DATE when the interval is a
    /// whole number of days (Spark's `INTERVAL 'n' DAY`), else a TIMESTAMP.
    fn date_plus_duration(&self, op: ArithmeticOp, date: Expr, duration: Expr) -> Expr {
        const MICROS_PER_DAY: i64 = 86_400_000_000;
        let operator = if op == ArithmeticOp::Add { Operator::Plus } else { Operator::Minus };
        if let Expr::Literal(ScalarValue::DurationMicrosecond(Some(micros)), _) = &duration {
            if micros % MICROS_PER_DAY == 0 {
                let days = i32::try_from(micros / MICROS_PER_DAY).unwrap_or(i32::MAX);
                let interval = ScalarValue::IntervalMonthDayNano(Some(IntervalMonthDayNano::new(0, days, 0)));
                return binary_expr(date, operator, Expr::Literal(interval, None));
            }
        }
        let timestamp = ember_types::timestamp_type(&self.config.time_zone);
        binary_expr(datafusion::logical_expr::cast(date, timestamp), operator, duration)
    }

    /// The operator a `try_` arithmetic function computes when an operand is
    /// a date, timestamp or interval (`None` otherwise).
    fn datetime_operator_of_try(&self, function: &str, args: &[Expr], input: &LogicalPlan) -> Result<Option<&'static str>> {
        let Some(operator) = crate::input_types::arithmetic_operator(function).filter(|op| matches!(*op, "+" | "-" | "*" | "/")) else {
            return Ok(None);
        };
        for arg in args {
            if matches!(self.type_of(arg, input)?, DataType::Date32 | DataType::Timestamp(..) | DataType::Duration(_) | DataType::Interval(_)) {
                return Ok(Some(operator));
            }
        }
        Ok(None)
    }

    /// Both operands as decimals, with their precisions and scales, when one
    /// is a decimal and the other a decimal or an integer (cast to the decimal
    /// of its digits; an integral literal's are just its own), else `None`.
    fn decimal_operands(&self, args: &[Expr], mode: CastMode, input: &LogicalPlan) -> Result<Option<([Expr; 2], [(u8, i8); 2])>> {
        let types = [self.type_of(&args[0], input)?, self.type_of(&args[1], input)?];
        if !types.iter().any(|t| matches!(t, DataType::Decimal128(..))) {
            return Ok(None);
        }
        let as_decimal = |arg: &Expr, t: &DataType| match t {
            DataType::Decimal128(p, s) => Some((arg.clone(), (*p, *s))),
            other => match integral_as_decimal(other, integral_literal_digits(arg))? {
                decimal @ DataType::Decimal128(p, s) => Some((spark_cast(arg.clone(), decimal, mode), (p, s))),
                _ => None,
            },
        };
        Ok(match (as_decimal(&args[0], &types[0]), as_decimal(&args[1], &types[1])) {
            (Some((left, l)), Some((right, r))) => Some(([left, right], [l, r])),
            _ => None,
        })
    }

    /// Spark's name of a date, timestamp or string (read as a timestamp)
    /// plus or minus an interval: the datetime first, without parentheses;
    /// a date shifted by whole days is its `date_add` rewrite.
    fn datetime_shift_name(&self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<Option<String>> {
        if !matches!(function, "+" | "-") || args.len() != 2 {
            return Ok(None);
        }
        let types = [self.type_of(&args[0], input)?, self.type_of(&args[1], input)?];
        let datetime = |t: &DataType| matches!(t, DataType::Date32 | DataType::Timestamp(..)) || is_string(t);
        let interval = |t: &DataType| matches!(t, DataType::Duration(_) | DataType::Interval(_));
        let (d, i) = if datetime(&types[0]) && interval(&types[1]) {
            (0, 1)
        } else if function == "+" && interval(&types[0]) && datetime(&types[1]) {
            (1, 0)
        } else {
            return Ok(None);
        };
        let whole_days = Some(ember_types::IntervalFields { start: 0, end: 0 });
        if types[d] == DataType::Date32 && matches!(types[i], DataType::Duration(_)) && self.interval_fields(&args[i], input)? == whole_days {
            let days = format!("extractansiintervaldays({})", names[i]);
            let days = if function == "-" { format!("(- {days})") } else { days };
            return Ok(Some(format!("date_add({}, {days})", names[d])));
        }
        Ok(Some(format!("{} {function} {}", names[d], names[i])))
    }

    /// A string plus or minus a day-time interval (`'2020-01-01' + INTERVAL
    /// '1' DAY`, `try_add` too): Spark reads the string as a timestamp and
    /// answers the shifted timestamp as a string. Casts the string operand
    /// and gives the cast mode of the answer's cast back to a string.
    fn string_shifted_by_interval(&self, function: &str, args: &mut [Expr], input: &LogicalPlan) -> Result<Option<CastMode>> {
        if !matches!(function, "+" | "-" | "try_add" | "try_subtract") || args.len() != 2 {
            return Ok(None);
        }
        let types = [self.type_of(&args[0], input)?, self.type_of(&args[1], input)?];
        let string = match (&types[0], &types[1]) {
            (s, DataType::Duration(_)) if is_string(s) => 0,
            (DataType::Duration(_), s) if is_string(s) && function != "-" && function != "try_subtract" => 1,
            _ => return Ok(None),
        };
        let mode = crate::input_types::arithmetic_cast_mode(function, self.config.ansi);
        args[string] = spark_cast(args[string].clone(), ember_types::timestamp_type(&self.config.time_zone), mode);
        Ok(Some(mode))
    }

    /// Spark's implicit cast of a string operand of the arithmetic
    /// `operator`: to the type of a date or timestamp beside it; to BIGINT
    /// beside an integral number and to DOUBLE otherwise under ANSI mode; to
    /// DOUBLE without it. NULL operands as [`Self::typed_null_operand`].
    fn coerce_operands(&self, operator: &str, args: &mut [Expr], input: &LogicalPlan) -> Result<()> {
        let types = [self.type_of(&args[0], input)?, self.type_of(&args[1], input)?];
        let mode = if self.config.ansi { CastMode::Ansi } else { CastMode::Legacy };
        for i in 0..2 {
            if let Some(typed) = self.typed_null_operand(operator, &args[i], &types[i], &args[1 - i], &types[1 - i], mode, input)? {
                args[i] = typed;
            } else if is_string(&types[i]) {
                // Beside a date or timestamp (`ts - '2020-01-01'`) a string is read as one.
                let target = match &types[1 - i] {
                    other @ (DataType::Date32 | DataType::Timestamp(..)) => other.clone(),
                    other if self.config.ansi && is_integral(other) => DataType::Int64,
                    _ => DataType::Float64,
                };
                args[i] = spark_cast(args[i].clone(), target, mode);
            } else if self.config.ansi && types[i] == DataType::Float32 && crate::coercion::float_widens_beside(&types[i], &types[1 - i]) {
                args[i] = spark_cast(args[i].clone(), DataType::Float64, mode);
            }
        }
        Ok(())
    }

    /// The operands of a comparison (or `equal_null`, `nullif`) with a
    /// string beside a number cast to it (ANSI mode), checked to be
    /// comparable as Spark checks them (`DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES`).
    pub(crate) fn compared_operands(&self, function: &str, args: &mut [Expr], names: &[String], input: &LogicalPlan) -> Result<()> {
        let sql_expr = match function {
            _ if args.len() != 2 => return Ok(()),
            "equal_null" => format!("({} <=> {})", names[0], names[1]),
            // Spark's `nullif` compares a common expression reference.
            "nullif" => format!("(commonexpressionref() = {})", names[1]),
            // Spark checks the `=` that `!=` negates.
            other => match comparison_symbol(other) {
                Some("!=") => format!("({} = {})", names[0], names[1]),
                Some(symbol) => format!("({} {symbol} {})", names[0], names[1]),
                None => return Ok(()),
            },
        };
        let mut types = [self.type_of(&args[0], input)?, self.type_of(&args[1], input)?];
        for i in 0..2 {
            let (target, mode) = match &types[1 - i] {
                _ if !is_string(&types[i]) => continue,
                // Under ANSI mode a string beside a number is read as a BIGINT (integers) or a DOUBLE.
                other if self.config.ansi && is_integral(other) => (DataType::Int64, CastMode::Ansi),
                other if self.config.ansi && other.is_numeric() => (DataType::Float64, CastMode::Ansi),
                // A string beside a date, timestamp or boolean is read as one.
                other @ (DataType::Date32 | DataType::Timestamp(..) | DataType::Boolean) => (other.clone(), self.cast_mode()),
                _ => continue,
            };
            args[i] = spark_cast(args[i].clone(), target.clone(), mode);
            types[i] = target;
        }
        let [left, right] = types;
        if !comparable(&left, &right) {
            return Err(crate::input_types::binary_op_diff_types(&sql_expr, &left, &right));
        }
        if holds_map(&left) {
            let operator = match function {
                "equal_null" => "<=>",
                "nullif" => "=",
                other => comparison_symbol(other).filter(|symbol| *symbol != "!=").unwrap_or("="),
            };
            return Err(invalid_ordering_type(&sql_expr, operator, &left));
        }
        Ok(())
    }

    /// Spark's implicit casts of the operands of a bitwise operator: two
    /// NULLs are INTs; under ANSI mode a string beside a number is a BIGINT
    /// beside an integer (else the number's type), failing with
    /// `CAST_INVALID_INPUT` on a string that is not one.
    fn cast_bitwise_operands(&self, args: &mut [Expr], input: &LogicalPlan) -> Result<()> {
        let types = [self.type_of(&args[0], input)?, self.type_of(&args[1], input)?];
        if types.iter().all(|t| *t == DataType::Null) {
            args.iter_mut().for_each(|arg| *arg = datafusion::logical_expr::cast(arg.clone(), DataType::Int32));
            return Ok(());
        }
        if !self.config.ansi {
            return Ok(());
        }
        for i in 0..2 {
            if is_string(&types[i]) && types[1 - i].is_numeric() {
                let target = if is_integral(&types[1 - i]) { DataType::Int64 } else { types[1 - i].clone() };
                args[i] = spark_cast(args[i].clone(), target, CastMode::Ansi);
            }
        }
        Ok(())
    }

    fn case_when(&mut self, mut args: Vec<Expr>, names: &[String], input: &LogicalPlan) -> Result<(Expr, String)> {
        if args.len() < 2 {
            return Err(wrong_args("when", args.len(), "at least 2"));
        }
        let mut rendered = String::from("CASE");
        for pair in names.chunks(2) {
            match pair {
                [condition, value] => rendered.push_str(&format!(" WHEN {condition} THEN {value}")),
                [otherwise] => rendered.push_str(&format!(" ELSE {otherwise}")),
                _ => {}
            }
        }
        rendered.push_str(" END");
        let mut values: Vec<Expr> = args.iter().skip(1).step_by(2).cloned().collect();
        if args.len() % 2 == 1 {
            values.push(args[args.len() - 1].clone());
        }
        let values = self.to_common_type(values, "casewhen", &rendered, input)?;
        let last = args.len() - 1;
        for (i, value) in values.into_iter().enumerate() {
            args[(2 * i + 1).min(last)] = value;
        }
        let otherwise = if args.len() % 2 == 1 { args.pop() } else { None };
        let mut pairs = args.chunks(2);
        let first = pairs.next().ok_or_else(|| wrong_args("when", 0, "at least 2"))?;
        let mut builder = when(first[0].clone(), first[1].clone());
        for pair in pairs {
            builder = builder.when(pair[0].clone(), pair[1].clone());
        }
        let expr = match otherwise {
            Some(e) => builder.otherwise(e)?,
            None => builder.end()?,
        };
        Ok((expr, rendered))
    }

    /// The result values of a conditional (`CASE`, `if`) cast to Spark's
    /// wider common type of them all; `DATATYPE_MISMATCH.DATA_DIFF_TYPES`
    /// when they have none.
    pub(crate) fn to_common_type(&self, values: Vec<Expr>, function: &str, sql_expr: &str, input: &LogicalPlan) -> Result<Vec<Expr>> {
        let types = values.iter().map(|v| self.type_of(v, input)).collect::<Result<Vec<_>>>()?;
        let common = types.iter().skip(1).try_fold(types[0].clone(), |wide, t| crate::coercion::wider_type(&wide, t, self.config.ansi));
        let Some(common) = common else {
            let listed = types.iter().map(|t| format!("\"{}\"", ember_types::sql_string(t))).collect::<Vec<_>>().join(", ");
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "DATATYPE_MISMATCH.DATA_DIFF_TYPES",
                "42K09",
                format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: Input to `{function}` should all be the same type, but it's [{listed}]."),
                &[("functionName", format!("`{function}`")), ("dataType", format!("[{listed}]")), ("sqlExpr", format!("\"{sql_expr}\""))],
            ));
        };
        Ok(values
            .into_iter()
            .zip(types)
            .map(|(value, t)| if t == common { value } else { spark_cast(value, common.clone(), self.cast_mode()) })
            .collect())
    }

    /// The values of `coalesce` (`nvl`, `ifnull`), `greatest` or `least` cast
    /// to their wider common type (a string beside a number widens for
    /// `coalesce` only); `DATATYPE_MISMATCH.DATA_DIFF_TYPES` when they have
    /// none. Intervals are left to [`Self::conditional_interval_fields`], and
    /// arrays, maps and structs are not cast.
    pub(crate) fn values_of_common_type(&self, function: &str, values: Vec<Expr>, names: &[String], input: &LogicalPlan) -> Result<Vec<Expr>> {
        let types = values.iter().map(|v| self.type_of(v, input)).collect::<Result<Vec<_>>>()?;
        if types.is_empty() || types.iter().any(|t| matches!(t, DataType::Duration(_) | DataType::Interval(_))) {
            return Ok(values);
        }
        let mixes_strings = types.iter().any(is_string) && types.iter().any(|t| !is_string(t) && *t != DataType::Null);
        let common = match mixes_strings && matches!(function, "greatest" | "least") {
            true => None,
            false => types.iter().skip(1).try_fold(types[0].clone(), |wide, t| crate::coercion::wider_type(&wide, t, self.config.ansi)),
        };
        let Some(common) = common else {
            let quoted: Vec<String> = types.iter().map(|t| format!("\"{}\"", ember_types::sql_string(t))).collect();
            return Err(crate::interval_functions::different_types(function, names, &quoted));
        };
        if matches!(common, DataType::List(_) | DataType::LargeList(_) | DataType::Map(..) | DataType::Struct(_) | DataType::Null) {
            return Ok(values);
        }
        Ok(values
            .into_iter()
            .zip(types)
            .map(|(value, t)| if t == common { value } else { spark_cast(value, common.clone(), self.cast_mode()) })
            .collect())
    }

    fn make_struct(
        &mut self,
        function: &str,
        args: Vec<Expr>,
        names: Vec<String>,
        arguments: &[connect::Expression],
    ) -> Result<(Expr, String)> {
        let mut named = Vec::new();
        if function == "named_struct" {
            if args.len() % 2 != 0 {
                return Err(wrong_args(function, args.len(), "an even number of"));
            }
            // Spark's field names: foldable strings, not NULL.
            let (mut not_foldable, mut null) = (Vec::new(), Vec::new());
            for (pair, sql) in args.chunks(2).zip(names.iter().step_by(2)) {
                match folded_string(&pair[0]) {
                    Some(Some(name)) => named.push(Expr::Literal(ScalarValue::Utf8(Some(name)), None)),
                    Some(None) => null.push(format!("\"{sql}\"")),
                    None => not_foldable.push(format!("\"{sql}\"")),
                }
                named.push(pair[1].clone());
            }
            let sql_expr = format!("{function}({})", names.join(", "));
            if !not_foldable.is_empty() {
                let listed = format!("[{}]", not_foldable.join(", "));
                return Err(SparkError::new(
                    ErrorKind::Analysis,
                    "DATATYPE_MISMATCH.CREATE_NAMED_STRUCT_WITHOUT_FOLDABLE_STRING",
                    "42K09",
                    format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: Only foldable `STRING` expressions are allowed to appear at odd position, but they are {listed}."),
                    &[("inputExprs", listed), ("sqlExpr", format!("\"{sql_expr}\""))],
                ));
            }
            if !null.is_empty() {
                let listed = format!("[{}]", null.join(", "));
                return Err(SparkError::new(
                    ErrorKind::Analysis,
                    "DATATYPE_MISMATCH.UNEXPECTED_NULL",
                    "42K09",
                    format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: The {listed} must not be null."),
                    &[("exprName", listed), ("sqlExpr", format!("\"{sql_expr}\""))],
                ));
            }
        } else {
            for ((expr, name), argument) in args.into_iter().zip(&names).zip(arguments) {
                // A nested field is named after itself alone.
                let field = match (&argument.expr_type, crate::expr::nested_field(&expr)) {
                    (Some(connect::expression::ExprType::Alias(_)), _) => name.clone(),
                    (_, Some((_, field))) => field.to_string(),
                    (Some(connect::expression::ExprType::UnresolvedAttribute(_)), None) => name.clone(),
                    _ => format!("col{}", named.len() / 2 + 1),
                };
                named.push(Expr::Literal(ScalarValue::Utf8(Some(field)), None));
                named.push(expr);
            }
        }
        let expr = ember_functions::constructors::named_struct(named);
        Ok((expr, format!("{function}({})", names.join(", "))))
    }

    /// Calls a function from the session's registry (DataFusion's built-ins,
    /// overridden by `datafusion-spark` where that matches Spark).
    pub(crate) fn call_registered(
        &mut self,
        name: &str,
        args: Vec<Expr>,
        names: &[String],
        distinct: bool,
        input: &LogicalPlan,
    ) -> Result<(Expr, String)> {
        let state = self.ctx.state();
        let rendered = if distinct {
            format!("{name}(DISTINCT {})", names.join(", "))
        } else {
            call_name(name, names)
        };
        if let Some(udaf) = state.aggregate_functions().get(name) {
            let expr = Expr::AggregateFunction(AggregateFunction::new_udf(udaf.clone(), args, distinct, None, vec![], None));
            return Ok((expr, rendered));
        }
        if let Some(udf) = state.scalar_functions().get(name) {
            let udf = match spark_nullability(name) {
                Some(rule) => SparkNullability::wrap(udf.clone(), rule),
                None => udf.clone(),
            };
            return Ok((Expr::ScalarFunction(ScalarFunction::new_udf(udf, args)), rendered));
        }
        if let Some(udf) = self.catalog.python_function(name) {
            return self.call_python_udf(&udf, args, names, input);
        }
        if let Some(class_name) = self.catalog.persistent_function_class(name) {
            // Ember runs no JVM classes: Spark's error for a class it cannot load.
            let function = format!("`spark_catalog`.`{}`.`{}`", self.catalog.current_database_name(), name.to_lowercase());
            return Err(SparkError::cannot_load_function_class(&class_name, &function));
        }
        Err(SparkError::unresolved_routine(name))
    }
}

/// `count(DISTINCT a, b, …)`'s argument: the values as one struct, NULL
/// when any of them is (Spark counts only tuples without NULLs).
fn distinct_tuple(args: Vec<Expr>) -> Result<Expr> {
    let all_present = args.iter().map(|a| a.clone().is_not_null()).reduce(Expr::and).unwrap_or(lit(true));
    let fields = args.into_iter().enumerate().flat_map(|(i, a)| [lit(format!("c{i}")), a]).collect();
    Ok(when(all_present, datafusion::functions::expr_fn::named_struct(fields)).end()?)
}

fn is_star(arguments: &[connect::Expression]) -> bool {
    matches!(
        arguments,
        [connect::Expression { expr_type: Some(connect::expression::ExprType::UnresolvedStar(_)), .. }]
    )
}

/// Where Spark's messages point for documentation.
const SPARK_DOCROOT: &str = "https://spark.apache.org/docs/latest";

fn expect_args(name: &str, args: &[Expr], n: usize) -> Result<()> {
    if args.len() == n { Ok(()) } else { Err(wrong_args(name, args.len(), &n.to_string())) }
}

pub(crate) fn wrong_args(name: &str, got: usize, expected: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "WRONG_NUM_ARGS.WITHOUT_SUGGESTION",
        "42605",
        format!("The `{name}` requires {expected} parameters but the actual number is {got}. Please, refer to '{SPARK_DOCROOT}/sql-ref-functions.html' for a fix."),
        &[
            ("functionName", format!("`{name}`")),
            ("expectedNum", expected.to_string()),
            ("actualNum", got.to_string()),
            ("docroot", SPARK_DOCROOT.to_string()),
        ],
    )
}

/// Spark's `EXTRACT(field FROM source)`: an INT for calendar fields (the
/// day of week counts from Sunday = 1), DECIMAL(8,6) seconds.
/// The function Spark's `EXTRACT`/`date_part` of a date-time `field` calls.
fn extract_function(field: &str) -> Option<&'static str> {
    Some(match field.to_uppercase().as_str() {
        "YEAR" | "Y" | "YEARS" | "YR" | "YRS" => "year",
        "QUARTER" | "QTR" => "quarter",
        "MONTH" | "MON" | "MONS" | "MONTHS" => "month",
        "WEEK" | "W" | "WEEKS" => "weekofyear",
        "DAY" | "D" | "DAYS" => "day",
        "DAYOFWEEK" | "DOW" => "dayofweek",
        "DOY" => "dayofyear",
        "HOUR" | "H" | "HOURS" | "HR" | "HRS" => "hour",
        "MINUTE" | "M" | "MIN" | "MINS" | "MINUTES" => "minute",
        "SECOND" | "S" | "SEC" | "SECONDS" | "SECS" => "second",
        _ => return None,
    })
}

fn extract_field(field: &str, source: Expr, source_sql: &str) -> Result<Expr> {
    use datafusion::functions::datetime::expr_fn::date_part;
    let part = |p: &str| date_part(Expr::Literal(ScalarValue::Utf8(Some(p.to_string())), None), source.clone());
    let as_int = |e: Expr| datafusion::logical_expr::cast(e, DataType::Int32);
    Ok(match field.to_uppercase().as_str() {
        "YEAR" | "Y" | "YEARS" | "YR" | "YRS" => as_int(part("year")),
        "QUARTER" | "QTR" => as_int(part("quarter")),
        "MONTH" | "MON" | "MONS" | "MONTHS" => as_int(part("month")),
        "WEEK" | "W" | "WEEKS" => as_int(part("week")),
        "DAY" | "D" | "DAYS" => as_int(part("day")),
        "DAYOFWEEK" | "DOW" => as_int(part("dow")) + Expr::Literal(ScalarValue::Int32(Some(1)), None),
        "DOY" => as_int(part("doy")),
        "HOUR" | "H" | "HOURS" | "HR" | "HRS" => as_int(part("hour")),
        "MINUTE" | "M" | "MIN" | "MINS" | "MINUTES" => as_int(part("minute")),
        "SECOND" | "S" | "SEC" | "SECONDS" | "SECS" => {
            // DataFusion's `microsecond` part counts the seconds too.
            let micros = datafusion::logical_expr::cast(part("microsecond"), DataType::Decimal128(8, 0));
            let scale = Expr::Literal(ScalarValue::Decimal128(Some(1_000_000), 7, 0), None);
            datafusion::logical_expr::cast(micros / scale, DataType::Decimal128(8, 6))
        }
        _ => {
            return Err(SparkError::new(
                ErrorKind::Analysis,
                "INVALID_EXTRACT_FIELD",
                "42601",
                format!("Cannot extract `{field}` from \"{source_sql}\"."),
                &[("field", format!("`{field}`")), ("expr", format!("\"{source_sql}\""))],
            ));
        }
    })
}

/// How many digits an integral literal has (Spark types it as a decimal of
/// just those digits in decimal arithmetic).
pub(crate) fn integral_literal_digits(expr: &Expr) -> Option<u8> {
    let Expr::Literal(value, _) = expr else { return None };
    let v: i64 = match value {
        ScalarValue::Int8(Some(v)) => (*v).into(),
        ScalarValue::Int16(Some(v)) => (*v).into(),
        ScalarValue::Int32(Some(v)) => (*v).into(),
        ScalarValue::Int64(Some(v)) => *v,
        _ => return None,
    };
    Some(v.unsigned_abs().checked_ilog10().map_or(1, |d| d as u8 + 1))
}

/// The byte width of an integral type, to pick the wider of two.
pub(crate) fn integral_width(t: &DataType) -> usize {
    t.primitive_width().unwrap_or(0)
}

fn unreachable_arg() -> Expr {
    Expr::Literal(ScalarValue::Null, None)
}

/// Which checked operation a [`SparkZeroChecked`] computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ZeroCheckedOp {
    Divide,
    Remainder,
}

/// Spark's `/` and `%`: a zero divisor fails under ANSI mode
/// (`DIVIDE_BY_ZERO`, `REMAINDER_BY_ZERO`) and gives NULL otherwise, never
/// infinity or NaN. Both inputs already have `return_type`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct SparkZeroChecked {
    op: ZeroCheckedOp,
    ansi: bool,
    return_type: DataType,
    signature: Signature,
}

impl SparkZeroChecked {
    pub(crate) fn call(op: ZeroCheckedOp, ansi: bool, return_type: DataType, left: Expr, right: Expr) -> Expr {
        let udf = SparkZeroChecked {
            op,
            ansi,
            return_type: return_type.clone(),
            signature: Signature::exact(vec![return_type.clone(), return_type], Volatility::Immutable),
        };
        ScalarUDF::new_from_impl(udf).call(vec![left, right])
    }
}

impl ScalarUDFImpl for SparkZeroChecked {
    fn name(&self) -> &str {
        match self.op {
            ZeroCheckedOp::Divide => "spark_divide",
            ZeroCheckedOp::Remainder => "spark_remainder",
        }
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _: &[DataType]) -> datafusion::error::Result<DataType> {
        Ok(self.return_type.clone())
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> datafusion::error::Result<ColumnarValue> {
        use datafusion::arrow::compute::kernels::numeric::{div, rem};
        use datafusion::arrow::compute::{kernels::cmp::eq, nullif};
        let n = args.number_rows;
        let left = args.args[0].to_array(n)?;
        let right = args.args[1].to_array(n)?;
        let zero = ScalarValue::new_zero(&self.return_type)?.to_scalar()?;
        let is_zero = eq(&right, &zero)?;
        if is_zero.true_count() > 0 && self.ansi {
            let err = match self.op {
                ZeroCheckedOp::Divide => SparkError::divide_by_zero(),
                ZeroCheckedOp::Remainder => SparkError::remainder_by_zero(),
            };
            return Err(err.into_datafusion());
        }
        let right = nullif(&right, &is_zero)?;
        let result = match self.op {
            ZeroCheckedOp::Divide => div(&left, &right)?,
            ZeroCheckedOp::Remainder => rem(&left, &right)?,
        };
        Ok(ColumnarValue::Array(result))
    }
}

/// A call of the aggregate `udaf`, DISTINCT when `distinct`.
fn aggregate_call(udaf: std::sync::Arc<datafusion::logical_expr::AggregateUDF>, args: Vec<Expr>, distinct: bool) -> Expr {
    Expr::AggregateFunction(AggregateFunction::new_udf(udaf, args, distinct, None, vec![], None))
}

/// Whether Spark compares values of types `a` and `b` (after its implicit
/// casts of strings): types with a common type, and the pairs Ember leaves
/// to its own casts (binaries beside strings, TIME).
fn comparable(a: &DataType, b: &DataType) -> bool {
    let left_alone = |t: &DataType| matches!(t, DataType::Time64(_) | DataType::Time32(_) | DataType::Dictionary(..));
    let binary_and_string = |x: &DataType, y: &DataType| matches!(x, DataType::Binary | DataType::BinaryView | DataType::LargeBinary) && is_string(y);
    crate::coercion::wider_type(a, b, true).is_some() || left_alone(a) || left_alone(b) || binary_and_string(a, b) || binary_and_string(b, a)
}

/// Whether values of `data_type` hold a map, which Spark does not compare.
fn holds_map(data_type: &DataType) -> bool {
    match data_type {
        DataType::Map(..) => true,
        DataType::List(field) | DataType::LargeList(field) => holds_map(field.data_type()),
        DataType::Struct(fields) => fields.iter().any(|f| holds_map(f.data_type())),
        _ => false,
    }
}

/// `DATATYPE_MISMATCH.INVALID_ORDERING_TYPE`: `operator` compares values of `data_type`.
fn invalid_ordering_type(sql_expr: &str, operator: &str, data_type: &DataType) -> SparkError {
    let type_name = format!("\"{}\"", ember_types::sql_string(data_type));
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.INVALID_ORDERING_TYPE",
        "42K09",
        format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: The `{operator}` does not support ordering on type {type_name}."),
        &[("sqlExpr", format!("\"{sql_expr}\"")), ("functionName", format!("`{operator}`")), ("dataType", type_name)],
    )
}

/// How Spark renders a comparison operator in names, for the operators that compare values.
fn comparison_symbol(function: &str) -> Option<&'static str> {
    Some(match function {
        "==" | "=" => "=",
        "!=" | "<>" => "!=",
        "<" => "<",
        "<=" => "<=",
        ">" => ">",
        ">=" => ">=",
        "<=>" => "<=>",
        _ => return None,
    })
}

/// The substring searches that honour a string's collation.
fn collated_search_op(function: &str) -> Option<ember_functions::collation::SearchOp> {
    use ember_functions::collation::SearchOp;
    Some(match function {
        "contains" => SearchOp::Contains,
        "startswith" => SearchOp::StartsWith,
        "endswith" => SearchOp::EndsWith,
        "instr" => SearchOp::Instr,
        _ => return None,
    })
}

/// The string functions whose result has the collation of their string arguments, as in Spark.
fn keeps_collation(function: &str) -> bool {
    matches!(
        function,
        "upper" | "lower" | "ucase" | "lcase" | "initcap" | "concat" | "concat_ws" | "substring" | "substr" | "left" | "right"
            | "trim" | "ltrim" | "rtrim" | "btrim" | "lpad" | "rpad" | "replace" | "translate" | "overlay" | "repeat" | "reverse"
            | "split_part" | "substring_index" | "regexp_replace" | "regexp_extract" | "elt" | "coalesce" | "nvl" | "ifnull" | "nullif"
            | "greatest" | "least"
    )
}

/// The partition transforms of `DataFrameWriterV2.partitionedBy` (`years`,
/// `months`, `days`, `hours`, `bucket`) anywhere else: Spark's
/// `PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY`, unless the session
/// has a function of that name.
pub(crate) fn reject_partition_transform(name: &str, arguments: &[connect::Expression], catalog: &dyn crate::plan::Catalog) -> Result<()> {
    let lower = name.to_lowercase();
    let is_transform = match lower.as_str() {
        "years" | "months" | "days" | "hours" => arguments.len() == 1,
        "bucket" => arguments.len() == 2,
        _ => false,
    };
    if !is_transform || catalog.python_function(&lower).is_some() {
        return Ok(());
    }
    let expression = format!("\"{lower}(boundreference())\"");
    Err(SparkError::new(
        ErrorKind::Internal,
        "PARTITION_TRANSFORM_EXPRESSION_NOT_IN_PARTITIONED_BY",
        "42S23",
        format!("The expression {expression} must be inside 'partitionedBy'."),
        &[("expression", expression.clone())],
    ))
}

/// The value of a string expression of no columns (`'a'`, `concat('a', 'b')`):
/// `Some(None)` when it is NULL, `None` when it is not a foldable string.
pub(crate) fn folded_string(expr: &Expr) -> Option<Option<String>> {
    use datafusion::arrow::array::{Array, AsArray};
    use datafusion::logical_expr::ExprSchemable;
    if !expr.column_refs().is_empty() {
        return None;
    }
    let one_row = datafusion::logical_expr::LogicalPlanBuilder::empty(true).build().ok()?;
    if !is_string(&expr.get_type(one_row.schema()).ok()?) {
        return None;
    }
    let value = crate::python_udtf::constant_value(expr, &one_row).ok()?;
    let value = datafusion::arrow::compute::cast(&value, &DataType::Utf8).ok()?;
    let strings = value.as_string::<i32>();
    Some(strings.is_valid(0).then(|| strings.value(0).to_string()))
}

/// Whether `expr` is a NULL literal, typed (`CAST(NULL AS INT)`) or not.
fn is_null_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Literal(value, _) => value.is_null(),
        Expr::Cast(cast) => is_null_literal(&cast.expr),
        // Spark's cast of a NULL (an implicit cast to a parameter's type).
        Expr::ScalarFunction(call) if matches!(call.func.name(), "cast" | "try_cast") => call.args.first().is_some_and(is_null_literal),
        _ => false,
    }
}

/// `INVALID_ESCAPE_CHAR`: the escape character of `like`/`ilike` is not one character (`value` as written).
fn invalid_escape_char(value: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "INVALID_ESCAPE_CHAR",
        "42604",
        format!("`EscapeChar` should be a string literal of length one, but got \"{value}\"."),
        &[("sqlExpr", format!("\"{value}\""))],
    )
}

/// `INVALID_PARAMETER_VALUE.PATTERN` for a regular expression that does not compile.
fn check_pattern(function: &str, pattern: &str) -> Result<()> {
    if regex::Regex::new(pattern).is_ok() {
        return Ok(());
    }
    let value = format!("'{}'", pattern.replace('\\', "\\\\"));
    Err(SparkError::new(
        ErrorKind::Runtime,
        "INVALID_PARAMETER_VALUE.PATTERN",
        "22023",
        format!("The value of parameter(s) `regexp` in `{function}` is invalid: {value}."),
        &[("parameter", "`regexp`".to_string()), ("functionName", format!("`{function}`")), ("value", value)],
    ))
}
