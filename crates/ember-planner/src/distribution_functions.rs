//! Spark's aggregates over a column's distribution: `mode`, `percentile`,
//! `median`,
//! `percentile_approx`/`approx_percentile`, `histogram_numeric`,
//! `count_min_sketch` and the bitmap aggregates: argument checks, literal
//! parameters and Spark's column names, planned onto
//! `ember_functions::distributions` and `ember_functions::sketches`.

use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{DataType, Field, Float64Type};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan, LogicalPlanBuilder, cast};
use ember_functions::cast::{is_string, spark_cast};
use ember_functions::distributions::mode::ModeAggregate;
use ember_functions::distributions::{Distribution, DistributionAggregate, as_double_type};
use ember_functions::sketches::bitmap::BitmapAggregate;
use ember_functions::sketches::count_min::CountMinParameters;
use ember_functions::sketches::{SketchAggregate, SketchKind};

use crate::call_names::call_name;
use crate::error::{ErrorKind, Result, SparkError};
use crate::input_types::unexpected_input_type;
use crate::plan::Planner;
use crate::python_udtf::constant_value;

/// The default `accuracy` of `percentile_approx`.
pub(crate) const DEFAULT_ACCURACY: i64 = 10_000;

/// The value of an argument without column references, `None` otherwise.
pub(crate) fn constant(expr: &Expr) -> Result<Option<ScalarValue>> {
    if !expr.column_refs().is_empty() {
        return Ok(None);
    }
    let one_row = LogicalPlanBuilder::empty(true).build()?;
    let array = constant_value(expr, &one_row)?;
    Ok(Some(ScalarValue::try_from_array(&array, 0)?))
}

/// Spark's `DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE` of a literal parameter.
pub(crate) fn out_of_range(sql_expr: &str, parameter: &str, range: &str, value: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.VALUE_OUT_OF_RANGE",
        "42K09",
        format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: The {parameter} must be between {range} (current value = {value})."),
        &[("sqlExpr", format!("\"{sql_expr}\"")), ("exprName", parameter.into()), ("valueRange", range.into()), ("currentValue", value.into())],
    )
}

/// Spark's `DATATYPE_MISMATCH.NON_FOLDABLE_INPUT` of a parameter that must
/// be a literal, given the argument `input_sql`.
pub(crate) fn not_foldable(sql_expr: &str, parameter: &str, required: &str, input_sql: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.NON_FOLDABLE_INPUT",
        "42K09",
        format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: the input `{parameter}` should be a foldable \"{required}\" expression; however, got \"{input_sql}\"."),
        &[("sqlExpr", format!("\"{sql_expr}\"")), ("inputName", format!("`{parameter}`")), ("inputType", format!("\"{required}\"")), ("inputExpr", format!("\"{input_sql}\""))],
    )
}

/// A DOUBLE as Spark renders a DOUBLE literal in messages (`1.5D`).
fn double_sql(value: f64) -> String {
    format!("{value:?}D")
}

/// The fractions of a `percentage` argument (one, or an array) and whether it was an array.
fn percentages(sql_expr: &str, expr: &Expr, input_sql: &str) -> Result<(Vec<f64>, bool)> {
    if let Expr::ScalarFunction(call) = expr {
        // `array(…)` of literals of different types: each item on its own.
        if call.func.name() == "make_array" {
            let mut fractions = Vec::with_capacity(call.args.len());
            for item in &call.args {
                fractions.extend(percentages(sql_expr, item, input_sql)?.0);
            }
            return Ok((fractions, true));
        }
    }
    let value = constant(expr)?.ok_or_else(|| not_foldable(sql_expr, "percentage", "DOUBLE", input_sql))?;
    if value.is_null() {
        return Err(SparkError::new(
            ErrorKind::Analysis,
            "DATATYPE_MISMATCH.UNEXPECTED_NULL",
            "42K09",
            format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: The percentage must not be null."),
            &[("sqlExpr", format!("\"{sql_expr}\"")), ("exprName", "percentage".into())],
        ));
    }
    let (fractions, array) = match &value {
        ScalarValue::List(list) if list.len() == 1 => {
            let items = datafusion::arrow::compute::cast(&list.value(0), &DataType::Float64)?;
            (items.as_primitive::<Float64Type>().iter().map(|v| v.unwrap_or(f64::NAN)).collect(), true)
        }
        other => match other.cast_to(&DataType::Float64)? {
            ScalarValue::Float64(Some(v)) => (vec![v], false),
            _ => return Err(not_foldable(sql_expr, "percentage", "DOUBLE", input_sql)),
        },
    };
    if let Some(bad) = fractions.iter().find(|p| !(0.0..=1.0).contains(*p)) {
        return Err(out_of_range(sql_expr, "percentage", "[0.0, 1.0]", &double_sql(*bad)));
    }
    Ok((fractions, array))
}

/// A literal integer parameter, `None` when it is not one.
fn integer(expr: &Expr) -> Result<Option<i64>> {
    Ok(match constant(expr)? {
        Some(value) if value.data_type().is_integer() => match value.cast_to(&DataType::Int64)? {
            ScalarValue::Int64(v) => v,
            _ => None,
        },
        _ => None,
    })
}

/// A literal number parameter as a DOUBLE.
fn double(expr: &Expr) -> Result<Option<f64>> {
    Ok(match constant(expr)? {
        Some(value) if value.data_type().is_numeric() => match value.cast_to(&DataType::Float64)? {
            ScalarValue::Float64(v) => v,
            _ => None,
        },
        _ => None,
    })
}

impl Planner<'_> {
    /// Plans `function` (lower case) if it is one of this module's; `None` leaves it to the others.
    pub(crate) fn plan_distribution_aggregate(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let planned = match (function, args.len()) {
            ("mode", 1 | 2) => self.mode(args, names)?,
            ("percentile", 2 | 3) => self.percentile(args, names, input)?,
            ("percentile_cont within group" | "percentile_disc within group", 3) => self.percentile_within_group(function, args, names, input)?,
            ("percentile_cont" | "percentile_disc", _) => {
                return Err(SparkError::new(
                    ErrorKind::Analysis,
                    "INVALID_WITHIN_GROUP_EXPRESSION.WITHIN_GROUP_MISSING",
                    "42K0K",
                    format!("Invalid function `{function}` with WITHIN GROUP. WITHIN GROUP is required for the function."),
                    &[("funcName", format!("`{function}`"))],
                ));
            }
            ("mode within group", 2) => {
                let descending = matches!(args[1], Expr::Literal(ScalarValue::Boolean(Some(true)), _));
                // Spark names the two orders the other way round.
                let order = if descending { "" } else { " DESC" };
                (ModeAggregate::call_ordered(args[0].clone(), descending), format!("mode() WITHIN GROUP (ORDER BY {}{order})", names[0]))
            }
            ("median", 1) => {
                // Spark's `median(x)` is `percentile(x, 0.5)`.
                let name = call_name("median", names);
                let (value, value_type) = self.distribution_value(&name, &args[0], &names[0], input, false)?;
                let distribution = Distribution::Percentile { percentages: vec![0.5], array: false, discrete: false, descending: false };
                (DistributionAggregate::call("median", distribution, value_type, vec![value]), name)
            }
            ("percentile_approx" | "approx_percentile", 2 | 3) => self.approx_percentile(function, args, names, input)?,
            ("histogram_numeric", 2) => self.histogram_numeric(args, names, input)?,
            ("count_min_sketch", 4) => self.count_min_sketch(args, names, input)?,
            ("bitmap_construct_agg" | "bitmap_or_agg" | "bitmap_and_agg", 1) => self.bitmap_aggregate(function, args, names, input)?,
            ("counter_diff", _) => return self.plan_counter_diff(function, args, names),
            _ => return self.plan_hll_function(function, args, names, input),
        };
        Ok(Some(planned))
    }

    fn mode(&mut self, args: &[Expr], names: &[String]) -> Result<(Expr, String)> {
        let deterministic = match args.get(1) {
            None => false,
            Some(flag) => match constant(flag)? {
                None => return Err(SparkError::non_foldable_argument("mode", "deterministic", "\"BOOLEAN\"")),
                Some(ScalarValue::Boolean(flag)) => flag.unwrap_or(false),
                Some(other) => {
                    let (input_sql, input_type) = (names[1].clone(), ember_types::sql_string(&other.data_type()));
                    let shown = if is_string(&other.data_type()) { format!("\"{}\"", other) } else { format!("\"{input_sql}\"") };
                    return Err(SparkError::new(
                        ErrorKind::Analysis,
                        "UNEXPECTED_INPUT_TYPE",
                        "42K09",
                        format!("Parameter second of function `mode` requires the \"BOOLEAN\" type, however {shown} has the type \"{input_type}\"."),
                        &[("functionName", "`mode`".into()), ("paramIndex", "second".into()), ("requiredType", "\"BOOLEAN\"".into()), ("inputSql", shown), ("inputType", format!("\"{input_type}\""))],
                    ));
                }
            },
        };
        let name = if deterministic { format!("mode() WITHIN GROUP (ORDER BY {} DESC)", names[0]) } else { call_name("mode", &names[..1]) };
        Ok((ModeAggregate::call(args[0].clone(), deterministic), name))
    }

    /// The value argument of a numeric distribution aggregate as DOUBLE (strings
    /// and NULLs cast as Spark casts them, ANSI intervals as their months or
    /// microseconds) and the type of its answers.
    fn distribution_value(&self, sql_expr: &str, value: &Expr, value_sql: &str, input: &LogicalPlan, temporal: bool) -> Result<(Expr, DataType)> {
        let value_type = self.type_of(value, input)?;
        if is_string(&value_type) || value_type == DataType::Null {
            return Ok((spark_cast(value.clone(), DataType::Float64, self.cast_mode()), DataType::Float64));
        }
        let interval = matches!(value_type, DataType::Duration(_) | DataType::Interval(datafusion::arrow::datatypes::IntervalUnit::YearMonth));
        let allowed = value_type.is_numeric() || interval || (temporal && matches!(value_type, DataType::Date32 | DataType::Timestamp(..)));
        let Some(through) = as_double_type(&value_type).filter(|_| allowed) else {
            let required = if temporal {
                "(\"NUMERIC\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL DAY TO SECOND\" or \"TIME\")"
            } else {
                "((\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\") or \"TIME\")"
            };
            return Err(unexpected_input_type(sql_expr, 0, required, value_sql, &value_type));
        };
        let doubles = if interval {
            cast(ember_functions::interval_totals::interval_amount(value.clone(), !matches!(value_type, DataType::Duration(_))), DataType::Float64)
        } else if through == DataType::Float64 {
            cast(value.clone(), DataType::Float64)
        } else {
            cast(cast(value.clone(), through), DataType::Float64)
        };
        Ok((doubles, value_type))
    }

    fn percentile(&mut self, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<(Expr, String)> {
        let name = call_name("percentile", names);
        let (value, value_type) = self.distribution_value(&name, &args[0], &names[0], input, false)?;
        let (percentages, array) = percentages(&name, &args[1], &names[1])?;
        let mut columns = vec![value];
        if let Some(frequency) = args.get(2) {
            let frequency_type = self.type_of(frequency, input)?;
            if !frequency_type.is_integer() {
                return Err(unexpected_input_type(&name, 2, "\"INTEGRAL\"", &names[2], &frequency_type));
            }
            columns.push(cast(frequency.clone(), DataType::Int64));
        }
        let distribution = Distribution::Percentile { percentages, array, discrete: false, descending: false };
        let call = DistributionAggregate::call("percentile", distribution, value_type, columns);
        Ok((call, name))
    }

    /// `percentile_cont(p)`/`percentile_disc(p) WITHIN GROUP (ORDER BY x [DESC])`,
    /// planned from `… within group(x, p, descending)`.
    fn percentile_within_group(&mut self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<(Expr, String)> {
        let descending = matches!(args[2], Expr::Literal(ScalarValue::Boolean(Some(true)), _));
        let stem = function.trim_end_matches(" within group");
        let name = format!("{stem}({}) WITHIN GROUP (ORDER BY {}{})", names[1], names[0], if descending { " DESC" } else { "" });
        let (value, value_type) = self.distribution_value(&name, &args[0], &names[0], input, false)?;
        let (mut percentages, array) = percentages(&name, &args[1], &names[1])?;
        let discrete = stem == "percentile_disc";
        if descending && !discrete {
            // The interpolated value at a fraction from the other end.
            percentages.iter_mut().for_each(|p| *p = 1.0 - *p);
        }
        let distribution = Distribution::Percentile { percentages, array, discrete, descending };
        Ok((DistributionAggregate::call("percentile", distribution, value_type, vec![value]), name))
    }

    fn approx_percentile(&mut self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<(Expr, String)> {
        let name = call_name(function, names);
        let (value, value_type) = self.distribution_value(&name, &args[0], &names[0], input, true)?;
        let (percentages, array) = percentages(&name, &args[1], &names[1])?;
        let accuracy = match args.get(2) {
            None => DEFAULT_ACCURACY,
            Some(expr) => integer(expr)?.ok_or_else(|| not_foldable(&name, "accuracy", "INT", &names[2]))?,
        };
        if accuracy <= 0 || accuracy > i64::from(i32::MAX) {
            return Err(out_of_range(&name, "accuracy", "(0, 2147483647]", &format!("{accuracy}L")));
        }
        let udaf_name = if function == "percentile_approx" { "percentile_approx" } else { "approx_percentile" };
        let distribution = Distribution::ApproxPercentile { percentages, array, accuracy };
        let call = DistributionAggregate::call(udaf_name, distribution, value_type.clone(), vec![value]);
        // The answers are values of the input: an ANSI interval keeps its units.
        let (_, field) = datafusion::logical_expr::ExprSchemable::to_field(&args[0], input.schema())?;
        let call = match ember_types::IntervalFields::of(&field) {
            Some(units) if array => ember_functions::interval_fields::with_nested_interval_fields(call, &DataType::List(Arc::new(Field::new_list_field(value_type, false))), &[Some(units)]),
            Some(units) => ember_functions::interval_fields::with_interval_fields(call, units),
            None => call,
        };
        Ok((call, name))
    }

    fn histogram_numeric(&mut self, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<(Expr, String)> {
        let name = call_name("histogram_numeric", names);
        let (value, value_type) = self.distribution_value(&name, &args[0], &names[0], input, true)?;
        let bins = integer(&args[1])?.ok_or_else(|| not_foldable(&name, "nb", "INT", &names[1]))?;
        if bins < 2 || bins > i64::from(i32::MAX) {
            return Err(out_of_range(&name, "nb", "[2, 2147483647]", &bins.to_string()));
        }
        let distribution = Distribution::Histogram { bins: bins as usize };
        let call = DistributionAggregate::call("histogram_numeric", distribution, value_type, vec![value]);
        // The bins' `x` are values of the input: an ANSI interval keeps its units.
        let (_, field) = datafusion::logical_expr::ExprSchemable::to_field(&args[0], input.schema())?;
        let call = match ember_types::IntervalFields::of(&field) {
            Some(units) => {
                let histogram_type = self.type_of(&call, input)?;
                let DataType::List(bin) = &histogram_type else { return Ok((call, name)) };
                let DataType::Struct(members) = bin.data_type() else { return Ok((call, name)) };
                let x = members[0].as_ref().clone().with_metadata(units.metadata());
                let members: datafusion::arrow::datatypes::Fields = std::iter::once(Arc::new(x)).chain(members.iter().skip(1).cloned()).collect();
                let target = DataType::List(Arc::new(bin.as_ref().clone().with_data_type(DataType::Struct(members))));
                ember_functions::interval_fields::with_nested_type(call, &histogram_type, target)
            }
            None => call,
        };
        Ok((call, name))
    }

    fn count_min_sketch(&mut self, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<(Expr, String)> {
        let name = call_name("count_min_sketch", names);
        let value_type = self.type_of(&args[0], input)?;
        let keyed = value_type.is_integer() || is_string(&value_type) || matches!(value_type, DataType::Binary | DataType::LargeBinary | DataType::BinaryView);
        if !keyed {
            return Err(unexpected_input_type(&name, 0, "(\"INTEGRAL\" or \"STRING\" or \"BINARY\")", &names[0], &value_type));
        }
        let eps = double(&args[1])?.ok_or_else(|| not_foldable(&name, "eps", "DOUBLE", &names[1]))?;
        let confidence = double(&args[2])?.ok_or_else(|| not_foldable(&name, "confidence", "DOUBLE", &names[2]))?;
        let seed = integer(&args[3])?.ok_or_else(|| not_foldable(&name, "seed", "INT", &names[3]))?;
        if eps <= 0.0 {
            return Err(out_of_range(&name, "eps", "(0.0, 1.7976931348623157E308]", &double_sql(eps)));
        }
        if confidence <= 0.0 || confidence >= 1.0 {
            return Err(out_of_range(&name, "confidence", "(0.0, 1.0)", &double_sql(confidence)));
        }
        let parameters = CountMinParameters { eps, confidence, seed: seed as i32 };
        if parameters.table_bytes() > 1 << 30 {
            return Err(SparkError::unsupported(format!("{name}: a Count-Min table over 1 GiB")));
        }
        Ok((SketchAggregate::call("count_min_sketch", SketchKind::CountMin(parameters), vec![args[0].clone()]), name))
    }

    fn bitmap_aggregate(&mut self, function: &str, args: &[Expr], names: &[String], input: &LogicalPlan) -> Result<(Expr, String)> {
        let name = call_name(function, names);
        let value_type = self.type_of(&args[0], input)?;
        let (kind, udaf_name, fits) = match function {
            "bitmap_construct_agg" => (BitmapAggregate::Construct, "bitmap_construct_agg", value_type.is_numeric() || is_string(&value_type) || value_type == DataType::Null),
            "bitmap_or_agg" => (BitmapAggregate::Or, "bitmap_or_agg", matches!(value_type, DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::Null)),
            _ => (BitmapAggregate::And, "bitmap_and_agg", matches!(value_type, DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::Null)),
        };
        if !fits {
            let required = if kind == BitmapAggregate::Construct { "\"BIGINT\"" } else { "\"BINARY\"" };
            return Err(unexpected_input_type(&name, 0, required, &names[0], &value_type));
        }
        // Positions are BIGINT: other numbers and strings are cast, as Spark casts them.
        let value = if kind == BitmapAggregate::Construct && !value_type.is_integer() {
            spark_cast(args[0].clone(), DataType::Int64, self.cast_mode())
        } else {
            args[0].clone()
        };
        Ok((SketchAggregate::call(udaf_name, SketchKind::Bitmap(kind), vec![value]), name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::functions_nested::expr_fn::make_array;

    #[test]
    fn percentages_of_one_value_or_an_array() {
        assert_eq!(percentages("p", &datafusion::logical_expr::lit(0.25), "0.25").unwrap(), (vec![0.25], false));
        let mixed = make_array(vec![datafusion::logical_expr::lit(0.5f64), datafusion::logical_expr::lit(1i32)]);
        assert_eq!(percentages("p", &mixed, "array(0.5, 1)").unwrap(), (vec![0.5, 1.0], true));
        let error = percentages("percentile(x, 1.5, 1)", &datafusion::logical_expr::lit(1.5), "1.5").unwrap_err();
        assert!(error.to_string().contains("VALUE_OUT_OF_RANGE"), "{error}");
        assert_eq!(double_sql(2.0), "2.0D");
    }
}
