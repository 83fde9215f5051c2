//! Spark scalar functions that Ember plans itself: aliases, functions built
//! from other expressions, and Ember's own kernels where DataFusion's differ.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan, Operator, binary_expr, cast, lit, when};
use ember_functions::arithmetic::{self, ArithmeticOp};
use ember_functions::cast::{CastMode, is_integral, spark_cast};
use ember_functions::math::UnaryMath;
use ember_functions::regex::RegexFunction;

use ember_functions::datetime::PatternFunction;
use ember_types::{timestamp_ntz_type, timestamp_type};

use crate::call_names::{DEFAULT_TIMESTAMP_FORMAT, call_name};
use crate::error::Result;
use crate::functions::{SparkZeroChecked, ZeroCheckedOp, integral_width};
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans `function` (lower case) if Ember implements it here; `None`
    /// leaves it to the session's function registry.
    pub(crate) fn plan_spark_scalar(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let name = call_name(function, names);
        let arg = |i: usize| args[i].clone();
        let expr = match (function, args.len()) {
            (f, 1) if UnaryMath::of(f).is_some() => UnaryMath::of(f).map(|m| m.call(arg(0))).unwrap_or_else(|| arg(0)),
            (f, 2) if ember_functions::math::binary_math(f, arg(0), arg(1)).is_some() => {
                ember_functions::math::binary_math(f, arg(0), arg(1)).unwrap_or_else(|| unreachable!("checked"))
            }
            ("log", 1) => UnaryMath::Ln.call(arg(0)),
            ("log", 2) => binary_expr(UnaryMath::Ln.call(arg(1)), Operator::Divide, UnaryMath::Ln.call(arg(0))),
            ("+" | "-", 2) if self.shifts_date_by_days(args, input)? => {
                // Spark writes `date + n` as `date_add(date, n)`.
                let function = if function == "+" { "date_add" } else { "date_sub" };
                let name = call_name(function, names);
                return self.renamed(function, args, name, input);
            }
            ("+", 2) if let Some(timestamp) = self.datetime_beside_null(args, input)? => {
                // Spark adds a NULL to a date or timestamp as an interval: a NULL timestamp.
                let name = format!("{} + {}", names[0], names[1]);
                return Ok(Some((cast(lit(ScalarValue::Null), timestamp), name)));
            }
            ("hash" | "xxhash64", _) if !self.config.allow_hash_on_map_type && self.any_holds_map(args, input)? => {
                return Err(hash_map_type(function, &name));
            }
            ("hash", _) => ember_functions::hash::spark_hash(args.to_vec()),
            ("xxhash64", _) => {
                // DataFusion's xxhash64 has no intervals: it hashes the integers they hold, as Spark does.
                let mut integers = Vec::with_capacity(args.len());
                for arg in args {
                    let data_type = self.type_of(arg, input)?;
                    let target = ember_functions::interval_fields::intervals_as_integers(&data_type);
                    integers.push(ember_functions::interval_fields::with_nested_type(arg.clone(), &data_type, target));
                }
                return self.call_registered("xxhash64", integers, names, false, input).map(Some);
            }
            ("spark_partition_id", 0) => crate::partitioning::partition_marker(crate::partitioning::PartitionValueKind::PartitionId),
            ("monotonically_increasing_id", 0) => {
                crate::partitioning::partition_marker(crate::partitioning::PartitionValueKind::MonotonicId)
            }
            ("e", 0) => lit(std::f64::consts::E),
            ("pi", 0) => lit(std::f64::consts::PI),
            ("positive", 1) => arg(0),
            ("date_add" | "dateadd" | "date_diff" | "datediff", 3) if crate::functions::folded_string(&args[0]).flatten().is_none() => {
                // Only SQL's unit forms take three arguments.
                return Err(crate::functions::wrong_args(function, 3, "2"));
            }
            ("array_join", 2 | 3) if self.type_of(&args[0], input)? == DataType::Null => lit(ScalarValue::Utf8(None)),
            ("~", 1) => return self.renamed("bitwise_not", args, name, input),
            ("sign" | "signum", 1) if ember_functions::interval_casts::IntervalType::of(&self.type_of(&args[0], input)?, None).is_some() => {
                // An ANSI interval's sign, as a DOUBLE.
                let zero = Expr::Literal(ScalarValue::new_zero(&self.type_of(&args[0], input)?)?, None);
                when(arg(0).gt(zero.clone()), lit(1.0)).when(arg(0).lt(zero), lit(-1.0)).when(arg(0).is_not_null(), lit(0.0)).otherwise(lit(ScalarValue::Float64(None)))?
            }
            ("sign" | "signum", 1) => return self.renamed("signum", &[cast(arg(0), DataType::Float64)], name, input),
            ("ucase", 1) => return self.renamed("upper", args, name, input),
            ("lcase", 1) => return self.renamed("lower", args, name, input),
            ("dateadd", 2) => return self.renamed("date_add", args, name, input),
            ("isnan", 1) => {
                let is_nan = self.call_registered("isnan", args.to_vec(), names, false, input)?.0;
                datafusion::functions::core::expr_fn::coalesce(vec![is_nan, lit(false)])
            }
            ("from_utc_timestamp" | "to_utc_timestamp", 2) => {
                // A constant zone as Java reads it (`GMT+8`), given to the kernel as an offset or region name.
                let mut zone_arg = arg(1);
                if let Some(Some(zone)) = crate::functions::folded_string(&spark_cast(arg(1), DataType::Utf8, CastMode::Legacy)) {
                    zone_arg = match ember_functions::timestamp_text::Zone::parse(&zone) {
                        Some(ember_functions::timestamp_text::Zone::Offset(offset)) => lit(offset.to_string()),
                        Some(ember_functions::timestamp_text::Zone::Region(region)) => lit(region.name()),
                        None => return Err(ember_functions::timestamp_text::invalid_timezone(&zone)),
                    };
                }
                // A NULL timestamp: NULL of Spark's TIMESTAMP.
                let timestamp = if self.type_of(&args[0], input)? == DataType::Null { cast(arg(0), timestamp_type(&self.config.time_zone)) } else { arg(0) };
                return Ok(Some((self.call_registered(function, vec![timestamp, zone_arg], names, false, input)?.0, name)));
            }
            ("nullif", 2) => self.null_if_equal("nullif", args.to_vec(), names, input)?,
            ("equal_null", 2) => {
                let mut operands = args.to_vec();
                self.compared_operands("equal_null", &mut operands, names, input)?;
                let [left, right] = <[Expr; 2]>::try_from(operands).map_err(|_| crate::error::SparkError::internal("equal_null of two values"))?;
                Expr::IsTrue(Box::new(binary_expr(left, Operator::IsNotDistinctFrom, right)))
            }
            ("zeroifnull", 1) => {
                // Spark's `coalesce(x, 0)`: of the common type (INT for a NULL); an interval has none with 0.
                if ember_functions::interval_casts::IntervalType::of(&self.type_of(&args[0], input)?, None).is_some() {
                    let (_, field) = datafusion::logical_expr::ExprSchemable::to_field(&args[0], input.schema())?;
                    let types = [format!("\"{}\"", ember_types::field_sql_string(&field)), "\"INT\"".to_string()];
                    return Err(crate::interval_functions::different_types("coalesce", &[names[0].clone(), "0".to_string()], &types));
                }
                let values = self.values_of_common_type("coalesce", vec![arg(0), lit(0)], &[names[0].clone(), "0".to_string()], input)?;
                datafusion::functions::core::expr_fn::coalesce(values)
            }
            ("nullifzero", 1) => {
                // Spark's `if(x = 0, NULL, x)`: the comparison checks and casts the type.
                let names = [names[0].clone(), "0".to_string()];
                self.null_if_equal("=", vec![arg(0), lit(0)], &names, input)?
            }
            ("if", 3) => {
                let values = self.to_common_type(vec![arg(1), arg(2)], "if", &name, input)?;
                when(arg(0), values[0].clone()).otherwise(values[1].clone())?
            }
            ("locate" | "position", 2 | 3) => {
                // A NULL start finds nothing: 0.
                let start = args.get(2).map(|start| datafusion::functions::core::expr_fn::coalesce(vec![cast(start.clone(), DataType::Int32), lit(0)]));
                locate(arg(0), arg(1), start.unwrap_or_else(|| lit(1)))
            }
            ("initcap", 1) => ember_functions::text_functions::initcap(arg(0)),
            ("reverse", 1) if matches!(self.type_of(&args[0], input)?, DataType::Binary | DataType::LargeBinary | DataType::BinaryView) => {
                ember_functions::text_functions::reverse_bytes(arg(0))
            }
            ("regexp_instr", 3) => {
                // Spark reports where the whole match starts whatever the group index, NULL for a NULL index.
                let (found, _) = self.call_registered("regexp_instr", args[..2].to_vec(), names, false, input)?;
                when(arg(2).is_null(), lit(ScalarValue::Int32(None))).otherwise(cast(found, DataType::Int32))?
            }
            ("instr", 3 | 4) => ember_functions::text_functions::instr(args.to_vec()),
            ("date_format", 2) => {
                let timestamp = self.as_timestamp(arg(0), input)?;
                PatternFunction::DateFormat.call(timestamp, cast(arg(1), DataType::Utf8), &self.config.time_zone, self.config.ansi)
            }
            ("dayname", 1) => {
                let timestamp = self.as_timestamp(arg(0), input)?;
                PatternFunction::DateFormat.call(timestamp, lit("EEE"), &self.config.time_zone, false)
            }
            ("from_unixtime", 1 | 2) => {
                let pattern = args.get(1).cloned().unwrap_or_else(|| lit(DEFAULT_TIMESTAMP_FORMAT));
                PatternFunction::FromUnixtime.call(cast(arg(0), DataType::Int64), pattern, &self.config.time_zone, false)
            }
            ("to_date", 1) => spark_cast(arg(0), DataType::Date32, self.cast_mode()),
            ("to_timestamp", 1) => spark_cast(arg(0), timestamp_type(&self.config.time_zone), self.cast_mode()),
            ("try_to_timestamp", 1) => spark_cast(arg(0), timestamp_type(&self.config.time_zone), CastMode::Try),
            ("to_timestamp_ntz", 1) => spark_cast(arg(0), timestamp_ntz_type(), self.cast_mode()),
            ("to_timestamp_ntz", 2) => match self.type_of(&args[0], input)? {
                // Dates and timestamps are converted, whatever the pattern.
                DataType::Date32 | DataType::Timestamp(..) => spark_cast(arg(0), timestamp_ntz_type(), self.cast_mode()),
                _ => PatternFunction::ToTimestampNtz.call(cast(arg(0), DataType::Utf8), arg(1), &self.config.time_zone, self.config.ansi),
            },
            ("unix_timestamp", 0) => {
                let (now, _) = self.call_registered("current_timestamp", vec![], names, false, input)?;
                let seconds = PatternFunction::UnixTimestamp.call(self.as_timestamp(now, input)?, lit(DEFAULT_TIMESTAMP_FORMAT), &self.config.time_zone, self.config.ansi);
                return Ok(Some((seconds, format!("unix_timestamp(current_timestamp(), {DEFAULT_TIMESTAMP_FORMAT})"))));
            }
            ("to_date" | "to_timestamp" | "try_to_timestamp", 2) => {
                let fail = self.config.ansi && function != "try_to_timestamp";
                let parse = if function == "to_date" { PatternFunction::ToDate } else { PatternFunction::ToTimestamp };
                parse.call(cast(arg(0), DataType::Utf8), arg(1), &self.config.time_zone, fail)
            }
            ("unix_timestamp" | "to_unix_timestamp", 1 | 2) => {
                let pattern = args.get(1).cloned().unwrap_or_else(|| lit(DEFAULT_TIMESTAMP_FORMAT));
                let value = match self.type_of(&args[0], input)? {
                    DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => cast(arg(0), DataType::Utf8),
                    _ => self.as_timestamp(arg(0), input)?,
                };
                PatternFunction::UnixTimestamp.call(value, pattern, &self.config.time_zone, self.config.ansi)
            }
            ("timestamp_seconds" | "timestamp_millis" | "timestamp_micros", 1) => {
                let per_unit = match function {
                    "timestamp_seconds" => 1_000_000,
                    "timestamp_millis" => 1_000,
                    _ => 1,
                };
                let micros = match self.type_of(&args[0], input)? {
                    // Fractions of a second, truncated to microseconds; NaN and infinities NULL.
                    DataType::Float32 | DataType::Float64 => {
                        let scaled = binary_expr(cast(arg(0), DataType::Float64), Operator::Multiply, lit(per_unit as f64));
                        let in_range = binary_expr(datafusion::functions::math::expr_fn::abs(scaled.clone()), Operator::Lt, lit(9.2e18));
                        cast(when(in_range, scaled).end()?, DataType::Int64)
                    }
                    DataType::Decimal128(..) => {
                        let exact = cast(arg(0), DataType::Decimal128(38, 6));
                        let scaled = binary_expr(exact, Operator::Multiply, lit(ScalarValue::Decimal128(Some(per_unit as i128), 7, 0)));
                        cast(scaled, DataType::Int64)
                    }
                    _ => binary_expr(cast(arg(0), DataType::Int64), Operator::Multiply, lit(per_unit as i64)),
                };
                cast(micros, timestamp_type(&self.config.time_zone))
            }
            ("date_from_unix_date", 1) => cast(cast(arg(0), DataType::Int32), DataType::Date32),
            ("try_add" | "try_subtract" | "try_multiply", 2) => self.try_arithmetic(function, args, input)?,
            ("try_divide", 2) if self.any_decimal(args, input)? => match self.spark_arithmetic(ArithmeticOp::Divide, args, false, input)? {
                Some(quotient) => quotient,
                None => return Ok(None),
            },
            ("try_divide", 2) => {
                let to_double = |e: Expr| cast(e, DataType::Float64);
                SparkZeroChecked::call(ZeroCheckedOp::Divide, false, DataType::Float64, to_double(arg(0)), to_double(arg(1)))
            }
            (f, n) => match RegexFunction::of(f, n) {
                Some(regex) => regex.call(args.to_vec()),
                None => return Ok(None),
            },
        };
        Ok(Some((expr, name)))
    }

    pub(crate) fn cast_mode(&self) -> CastMode {
        if self.config.ansi { CastMode::Ansi } else { CastMode::Legacy }
    }

    /// A date, timestamp or string as a TIMESTAMP in the session time zone.
    fn as_timestamp(&self, value: Expr, input: &LogicalPlan) -> Result<Expr> {
        let target = timestamp_type(&self.config.time_zone);
        Ok(if self.type_of(&value, input)? == target { value } else { spark_cast(value, target, self.cast_mode()) })
    }

    /// The timestamp type of a date or timestamp beside an untyped NULL.
    fn datetime_beside_null(&self, args: &[Expr], input: &LogicalPlan) -> Result<Option<DataType>> {
        let types = [self.type_of(&args[0], input)?, self.type_of(&args[1], input)?];
        let other = match &types {
            [DataType::Null, other] | [other, DataType::Null] => other,
            _ => return Ok(None),
        };
        Ok(match other {
            DataType::Timestamp(_, None) => Some(timestamp_ntz_type()),
            DataType::Date32 | DataType::Timestamp(..) => Some(timestamp_type(&self.config.time_zone)),
            _ => None,
        })
    }

    /// Whether `args` are a DATE and a whole number of days.
    fn shifts_date_by_days(&self, args: &[Expr], input: &LogicalPlan) -> Result<bool> {
        Ok(self.type_of(&args[0], input)? == DataType::Date32 && is_integral(&self.type_of(&args[1], input)?))
    }

    /// A registered function called under another name (a Spark alias).
    /// NULL where the two values compare equal (as `function` compares
    /// them), else the first one, of its type.
    fn null_if_equal(&self, function: &str, args: Vec<Expr>, names: &[String], input: &LogicalPlan) -> Result<Expr> {
        let mut operands = args.clone();
        self.compared_operands(function, &mut operands, names, input)?;
        let null = Expr::Literal(ScalarValue::try_from(&self.type_of(&args[0], input)?)?, None);
        Ok(when(binary_expr(operands[0].clone(), Operator::Eq, operands[1].clone()), null).otherwise(args[0].clone())?)
    }

    fn renamed(&mut self, registered: &str, args: &[Expr], name: String, input: &LogicalPlan) -> Result<Option<(Expr, String)>> {
        let (expr, _) = self.call_registered(registered, args.to_vec(), &[], false, input)?;
        Ok(Some((expr, name)))
    }

    /// `try_add`, `try_subtract`, `try_multiply`: NULL instead of overflow.
    /// Decimal operands have Spark's decimal result type; integral operands
    /// are computed exactly as DECIMAL(38, 0) and cast back.
    fn try_arithmetic(&self, function: &str, args: &[Expr], input: &LogicalPlan) -> Result<Expr> {
        let op = match function {
            "try_add" => ArithmeticOp::Add,
            "try_subtract" => ArithmeticOp::Subtract,
            _ => ArithmeticOp::Multiply,
        };
        let types = [self.type_of(&args[0], input)?, self.type_of(&args[1], input)?];
        if types.iter().any(|t| matches!(t, DataType::Decimal128(..))) {
            // Spark's decimal result type; an overflow is NULL as without ANSI.
            if let Some(result) = self.spark_arithmetic(op, args, false, input)? {
                return Ok(result);
            }
        }
        if !types.iter().all(is_integral) {
            let operator = match op {
                ArithmeticOp::Add => Operator::Plus,
                ArithmeticOp::Subtract => Operator::Minus,
                _ => Operator::Multiply,
            };
            return Ok(binary_expr(args[0].clone(), operator, args[1].clone()));
        }
        let wider = if integral_width(&types[0]) >= integral_width(&types[1]) { &types[0] } else { &types[1] };
        let exact = DataType::Decimal128(38, 0);
        let operand = |e: &Expr| cast(e.clone(), exact.clone());
        let result = arithmetic::spark_arithmetic(op, false, exact.clone(), operand(&args[0]), operand(&args[1]));
        Ok(spark_cast(result, wider.clone(), CastMode::Try))
    }
}

/// Spark's `locate(substr, str, pos)`: the 1-based position of the first
/// `substr` in `str` at or after `pos`; 0 when absent or `pos` < 1.
fn locate(needle: Expr, haystack: Expr, start: Expr) -> Expr {
    use datafusion::functions::unicode::expr_fn::{strpos, substr};
    let found = strpos(substr(haystack, start.clone()), needle);
    let shifted = binary_expr(binary_expr(found.clone(), Operator::Plus, start.clone()), Operator::Minus, lit(1));
    let position = when(found.eq(lit(0)), lit(0)).otherwise(shifted).unwrap_or_else(|_| lit(ScalarValue::Int32(None)));
    when(start.lt(lit(1)), lit(0)).otherwise(cast(position, DataType::Int32)).unwrap_or_else(|_| lit(ScalarValue::Int32(None)))
}

impl Planner<'_> {
    /// Whether any of `args` is a decimal.
    fn any_decimal(&self, args: &[Expr], input: &LogicalPlan) -> Result<bool> {
        for arg in args {
            if matches!(self.type_of(arg, input)?, DataType::Decimal128(..)) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    /// Whether any of `args` is or holds a map, at any depth.
    fn any_holds_map(&self, args: &[Expr], input: &LogicalPlan) -> Result<bool> {
        for arg in args {
            if crate::generate::holds_map(&self.type_of(arg, input)?) {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

/// `DATATYPE_MISMATCH.HASH_MAP_TYPE`: `hash` or `xxhash64` (`function`,
/// called as `sql`) of a map, which Spark refuses unless
/// `spark.sql.legacy.allowHashOnMapType`.
fn hash_map_type(function: &str, sql: &str) -> crate::error::SparkError {
    crate::error::SparkError::new(
        crate::error::ErrorKind::Analysis,
        "DATATYPE_MISMATCH.HASH_MAP_TYPE",
        "42K09",
        format!(
            "Cannot resolve \"{sql}\" due to data type mismatch: Input to the function `{function}` cannot contain elements of the \"MAP\" type. In Spark, same maps may have different hashcode, thus hash expressions are prohibited on \"MAP\" elements. To restore previous behavior set \"spark.sql.legacy.allowHashOnMapType\" to \"true\"."
        ),
        &[("sqlExpr", format!("\"{sql}\"")), ("functionName", format!("`{function}`"))],
    )
}

