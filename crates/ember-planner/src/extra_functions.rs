//! Spark functions Ember plans from DataFusion's building blocks under
//! Spark's names: `assert_true`/`raise_error`, `first`/`last` with
//! `ignoreNulls`, `max_by`/`min_by`, `count_if`, the boolean aggregates
//! (`every`, `some`, `any`), `approx_count_distinct`,
//! `listagg`/`string_agg`, `map_concat`, `levenshtein` with a threshold,
//! `try_to_date`, `to_timestamp_ltz`, the user functions, and calls of
//! Ember's kernels: `round`, `bround`, `format_number`, `conv`, `months_between`,
//! the `make_timestamp` family, `mask`, `to_binary`, `encode`/`decode`.

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::expr::{AggregateFunction, NullTreatment};
use datafusion::logical_expr::{AggregateUDF, Expr, LogicalPlan, cast, lit, when};
use ember_functions::cast::{CastMode, spark_cast};
use ember_functions::datetime::PatternFunction;
use ember_functions::datetime_construct::{self, OnInvalid};
use ember_functions::numeric_format::{self, Rounding};
use ember_functions::text_functions;
use ember_functions::map_concat::{map_concat, map_concat_type};
use ember_functions::raise_error::RaiseError;
use ember_functions::seeded_random::Draw;
use ember_types::timestamp_type;

use crate::call_names::call_name;
use crate::input_types::unexpected_input_type_named;
use crate::partitioning::{PartitionValueKind, partition_marker};
use crate::error::{ErrorKind, Result, SparkError};
use crate::plan::Planner;

/// An aggregate call, with its null treatment.
fn aggregate(udaf: Arc<AggregateUDF>, args: Vec<Expr>, nulls: Option<NullTreatment>) -> Expr {
    Expr::AggregateFunction(AggregateFunction::new_udf(udaf, args, false, None, vec![], nulls))
}

/// The name of the user running the server (Spark's `current_user()`).
fn user_name() -> String {
    std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "root".to_string())
}

impl Planner<'_> {
    /// A date, timestamp or string as a TIMESTAMP in the session time zone.
    fn timestamp_in_session(&self, value: Expr, input: &LogicalPlan) -> Result<Expr> {
        let target = timestamp_type(&self.config.time_zone);
        if self.type_of(&value, input)? == target {
            return Ok(value);
        }
        let mode = if self.config.ansi { CastMode::Ansi } else { CastMode::Legacy };
        Ok(spark_cast(value, target, mode))
    }

    /// Plans `function` (lower case, planned `args`) if it is one of this
    /// module's; `None` leaves it to the others.
    pub(crate) fn plan_extra_function(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let arg = |i: usize| args[i].clone();
        let name = call_name(function, names);
        let expr = match (function, args.len()) {
            ("raise_error", 1) => {
                let name = format!("raise_error(USER_RAISED_EXCEPTION, map(errorMessage, {}))", names[0]);
                return Ok(Some((RaiseError::call(cast(arg(0), DataType::Utf8)), name)));
            }
            ("assert_true", 1 | 2) => {
                let message = match args.get(1) {
                    Some(message) => cast(message.clone(), DataType::Utf8),
                    None => lit(format!("'{}' is not true!", names[0])),
                };
                when(arg(0), lit(ScalarValue::Null)).otherwise(RaiseError::call(message))?
            }
            ("first" | "last" | "first_value" | "last_value" | "any_value", 1 | 2) => {
                let ignore_nulls = match args.get(1) {
                    None => false,
                    Some(Expr::Literal(ScalarValue::Boolean(flag), _)) => flag.unwrap_or(false),
                    Some(_) => {
                        // Spark's check, which names `first_value` and `last_value` as `first` and `last`.
                        let spark_name = function.strip_suffix("_value").filter(|_| function != "any_value").unwrap_or(function);
                        return Err(SparkError::new(
                            ErrorKind::Analysis,
                            "_LEGACY_ERROR_TEMP_1210",
                            "",
                            format!("The second argument in {spark_name} should be a boolean literal."),
                            &[("funcName", spark_name.to_string())],
                        ));
                    }
                };
                let udaf = if function != "last" && function != "last_value" {
                    datafusion::functions_aggregate::first_last::first_value_udaf()
                } else {
                    datafusion::functions_aggregate::first_last::last_value_udaf()
                };
                let nulls = ignore_nulls.then_some(NullTreatment::IgnoreNulls);
                let name = format!("{function}({})", names[0]);
                return Ok(Some((aggregate(udaf, vec![arg(0)], nulls), name)));
            }
            ("max_by" | "min_by", 2) => ember_functions::extremum_by::ExtremumBy::call(arg(0), arg(1), function == "max_by"),
            ("count_if", 1) => {
                let counted = when(arg(0), lit(1i32)).end()?;
                aggregate(datafusion::functions_aggregate::count::count_udaf(), vec![counted], None)
            }
            ("every" | "bool_and", 1) => self.call_registered("bool_and", args.to_vec(), names, false, input)?.0,
            ("some" | "any" | "bool_or", 1) => self.call_registered("bool_or", args.to_vec(), names, false, input)?.0,
            // Grouping sets compute it themselves (see `grouping`); elsewhere Spark has none.
            ("grouping_id", _) => return Err(crate::nondeterministic_aggregates::unsupported_grouping_expression()),
            ("approx_count_distinct", 1 | 2) => {
                if let Some(relative_error) = args.get(1) {
                    check_relative_error(relative_error)?;
                }
                // DataFusion's sketch takes no floating point values: they
                // are counted by their Spark hash (Spark's sketch hashes them too).
                let counted = if self.type_of(&arg(0), input)?.is_floating() {
                    let (hashed, _) = self.call_registered("xxhash64", vec![arg(0)], names, false, input)?;
                    when(arg(0).is_not_null(), hashed).end()?
                } else {
                    arg(0)
                };
                let (distinct, _) = self.call_registered("approx_distinct", vec![counted], names, false, input)?;
                // Spark's name leaves the relative error out.
                return Ok(Some((cast(distinct, DataType::Int64), format!("{function}({})", names[0]))));
            }
            ("listagg" | "string_agg", 1 | 2) => {
                let separator = args.get(1).cloned().unwrap_or_else(|| lit(""));
                let name = format!("{function}({}, {})", names[0], names.get(1).map_or("NULL", String::as_str));
                let (expr, _) = self.call_registered("string_agg", vec![cast(arg(0), DataType::Utf8), separator], names, false, input)?;
                return Ok(Some((expr, name)));
            }
            ("map_concat", 0) => {
                // An empty MAP<STRING, STRING>.
                use datafusion::arrow::array::{MapBuilder, MapFieldNames, StringBuilder};
                let names = MapFieldNames { entry: "entries".into(), key: "key".into(), value: "value".into() };
                let mut empty = MapBuilder::new(Some(names), StringBuilder::new(), StringBuilder::new());
                empty.append(true)?;
                lit(ScalarValue::Map(Arc::new(empty.finish())))
            }
            ("map_concat", _) => {
                let types = args.iter().map(|a| self.type_of(a, input)).collect::<Result<Vec<_>>>()?;
                let sql_expr = format!("map_concat({})", names.join(", "));
                let quoted: Vec<String> = types.iter().map(|t| format!("\"{}\"", ember_types::sql_string(t))).collect();
                if types.iter().any(|t| !matches!(t, DataType::Map(..))) {
                    let listed = format!("[{}]", quoted.join(", "));
                    return Err(crate::error::SparkError::new(
                        crate::error::ErrorKind::Analysis,
                        "DATATYPE_MISMATCH.MAP_CONCAT_DIFF_TYPES",
                        "42K09",
                        format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: The `map_concat` should all be of type map, but it's {listed}."),
                        &[("sqlExpr", format!("\"{sql_expr}\"")), ("functionName", "`map_concat`".to_string()), ("dataType", listed)],
                    ));
                }
                let common = types.iter().skip(1).try_fold(types[0].clone(), |wide, t| wider_map(&wide, t, self.config.ansi));
                let Some(common) = common else {
                    return Err(crate::interval_functions::different_types("map_concat", names, &quoted));
                };
                let maps: Vec<Expr> = args.iter().zip(&types).map(|(a, t)| if *t == common { a.clone() } else { spark_cast(a.clone(), common.clone(), self.cast_mode()) }).collect();
                let widened: Vec<DataType> = types.iter().map(|t| if *t == common { t.clone() } else { common.clone() }).collect();
                let result = map_concat_type(&widened).ok_or_else(|| crate::error::SparkError::internal("map_concat of maps of one type"))?;
                map_concat(maps, result)
            }
            ("levenshtein", 3) => {
                let (distance, _) = self.call_registered("levenshtein", vec![arg(0), arg(1)], names, false, input)?;
                let distance = cast(distance, DataType::Int32);
                let threshold = cast(arg(2), DataType::Int32);
                when(threshold.clone().is_null(), lit(ScalarValue::Int32(None))).when(distance.clone().gt(threshold), lit(-1i32)).otherwise(distance)?
            }
            ("try_to_date", 1) => spark_cast(arg(0), DataType::Date32, CastMode::Try),
            ("try_to_date", 2) => PatternFunction::ToDate.call(cast(arg(0), DataType::Utf8), arg(1), &self.config.time_zone, false),
            ("to_timestamp_ltz", 1) => {
                let mode = if self.config.ansi { CastMode::Ansi } else { CastMode::Legacy };
                spark_cast(arg(0), timestamp_type(&self.config.time_zone), mode)
            }
            ("to_timestamp_ltz", 2) => {
                PatternFunction::ToTimestamp.call(cast(arg(0), DataType::Utf8), arg(1), &self.config.time_zone, self.config.ansi)
            }
            ("current_user" | "user" | "session_user", 0) => lit(user_name()),
            ("curdate", 0) => {
                let (today, _) = self.call_registered("current_date", vec![], names, false, input)?;
                return Ok(Some((today, "current_date()".to_string())));
            }
            ("round" | "bround", 1 | 2) => {
                let scale = match args.get(1) {
                    None => 0,
                    Some(Expr::Literal(ScalarValue::Int32(Some(scale)), _)) => *scale,
                    Some(Expr::Literal(ScalarValue::Int64(Some(scale)), _)) => *scale as i32,
                    Some(_) => return Ok(None),
                };
                let rounding = if function == "round" { Rounding::HalfUp } else { Rounding::HalfEven };
                numeric_format::round(arg(0), &self.type_of(&args[0], input)?, scale, rounding)
            }
            ("ceil" | "ceiling" | "floor", 2) => {
                // Spark rounds a decimal (an integral, floating or string value read as one) up or down at the scale,
                // which must be a constant INT.
                let scale = match self.type_of(&args[1], input)? {
                    DataType::Int32 => match crate::distribution_functions::constant(&args[1])? {
                        Some(ScalarValue::Int32(Some(scale))) => scale,
                        _ => return Err(SparkError::non_foldable_argument(function, "scale", "\"INT\"")),
                    },
                    _ => return Err(SparkError::non_foldable_argument(function, "scale", "\"INT\"")),
                };
                let decimal = match self.type_of(&args[0], input)? {
                    decimal @ DataType::Decimal128(..) => decimal,
                    DataType::Int8 => DataType::Decimal128(3, 0),
                    DataType::Int16 => DataType::Decimal128(5, 0),
                    DataType::Int32 => DataType::Decimal128(10, 0),
                    DataType::Int64 => DataType::Decimal128(20, 0),
                    DataType::Float32 => DataType::Decimal128(14, 7),
                    DataType::Float64 => DataType::Decimal128(30, 15),
                    DataType::Null | DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => DataType::Decimal128(38, 18),
                    _ => {
                        let (_, field) = datafusion::logical_expr::ExprSchemable::to_field(&args[0], input.schema())?;
                        let input_type = format!("\"{}\"", ember_types::field_sql_string(&field));
                        return Err(unexpected_input_type_named(&name, 0, "\"DECIMAL\"", &names[0], &input_type));
                    }
                };
                let rounding = if function == "floor" { Rounding::Floor } else { Rounding::Ceiling };
                numeric_format::round(spark_cast(arg(0), decimal.clone(), self.cast_mode()), &decimal, scale, rounding)
            }
            ("ceil" | "ceiling" | "floor", 1) => match self.type_of(&args[0], input)? {
                // A decimal of negative scale holds whole numbers: Spark types them DECIMAL(p - s + 1, 0).
                DataType::Decimal128(precision, scale) if scale < 0 => {
                    let whole = DataType::Decimal128((i16::from(precision) - i16::from(scale) + 1).min(38) as u8, 0);
                    spark_cast(arg(0), whole, self.cast_mode())
                }
                _ => return Ok(None),
            },
            ("format_number", 2) => numeric_format::format_number(arg(0), arg(1)),
            ("conv", 3) => numeric_format::conv(arg(0), arg(1), arg(2)),
            ("months_between", 2 | 3) => {
                let round_off = args.get(2).cloned().unwrap_or_else(|| lit(true));
                let (end, start) = (self.timestamp_in_session(arg(0), input)?, self.timestamp_in_session(arg(1), input)?);
                datetime_construct::months_between(end, start, round_off, &self.config.time_zone)
            }
            ("make_timestamp" | "make_timestamp_ltz" | "try_make_timestamp" | "try_make_timestamp_ltz", 6 | 7)
            | ("make_timestamp_ntz" | "try_make_timestamp_ntz", 6) => {
                let on_invalid = if self.config.ansi && !function.starts_with("try_") { OnInvalid::Fail } else { OnInvalid::Null };
                let zone = (!function.ends_with("_ntz")).then_some(self.config.time_zone.as_str());
                datetime_construct::make_timestamp(args.to_vec(), zone, on_invalid)
            }
            ("mask", 1..=5) => text_functions::mask(args.to_vec()),
            ("to_binary" | "try_to_binary", 1 | 2) => {
                if let (Some(format), Some(format_name)) = (args.get(1), names.get(1)) {
                    check_binary_format(format, &format!("to_binary({}, {format_name})", names[0]), format_name, function == "try_to_binary")?;
                }
                let format = args.get(1).cloned().unwrap_or_else(|| lit("hex"));
                text_functions::to_binary(arg(0), format, function == "to_binary")
            }
            ("encode", 2) => text_functions::encode(arg(0), arg(1)),
            ("decode", 2) => text_functions::decode(arg(0), arg(1)),
            ("convert_timezone", 2 | 3) => {
                let source = if args.len() == 3 { arg(0) } else { lit(self.config.time_zone.as_str()) };
                datetime_construct::convert_timezone(source, args[args.len() - 2].clone(), args[args.len() - 1].clone())
            }
            ("array_insert", 3) => match self.type_of(&args[0], input)? {
                DataType::List(field) => {
                    // The array and the value widen to their common element type (`array(1)` and `1.5D`: DOUBLE).
                    let value_type = self.type_of(&args[2], input)?;
                    let element = crate::coercion::wider_type(field.data_type(), &value_type, self.config.ansi).unwrap_or_else(|| field.data_type().clone());
                    let widened = |e: Expr, from: &DataType, to: DataType| if from == &to { e } else { spark_cast(e, to, self.cast_mode()) };
                    let array_type = DataType::List(Arc::new(field.as_ref().clone().with_data_type(element.clone())));
                    let array = widened(arg(0), &DataType::List(field.clone()), array_type);
                    let value = widened(arg(2), &value_type, element.clone());
                    ember_functions::array_insert::array_insert(array, arg(1), value, &element)
                }
                _ => return Ok(None),
            },
            ("regexp_count", 2) => cast(self.call_registered("regexp_count", args.to_vec(), names, false, input)?.0, DataType::Int32),
            ("rint", 1) if matches!(self.type_of(&args[0], input)?, DataType::Decimal128(..)) => {
                self.call_registered("rint", vec![cast(arg(0), DataType::Float64)], names, false, input)?.0
            }
            ("replace", 2) => self.call_registered("replace", vec![arg(0), arg(1), lit("")], names, false, input)?.0,
            ("rand" | "random" | "randn", 1) => {
                let seed = match &args[0] {
                    Expr::Literal(ScalarValue::Int64(Some(seed)), _) => *seed,
                    Expr::Literal(ScalarValue::Int32(Some(seed)), _) => i64::from(*seed),
                    Expr::Literal(ScalarValue::Null, _) => 0,
                    _ => return Ok(None),
                };
                let draw = if function == "randn" { Draw::Gaussian } else { Draw::Uniform };
                partition_marker(PartitionValueKind::SeededDraw(seed, draw))
            }
            ("array_remove", 2) => self.call_registered("array_remove_all", args.to_vec(), names, false, input)?.0,
            _ => return Ok(None),
        };
        Ok(Some((expr, name)))
    }
}

/// The common type of two maps as `map_concat` widens them: the keys
/// without turning numbers into strings, the values as any common type.
fn wider_map(a: &DataType, b: &DataType, ansi: bool) -> Option<DataType> {
    let (DataType::Map(x, sorted), DataType::Map(y, _)) = (a, b) else { return None };
    let (DataType::Struct(xs), DataType::Struct(ys)) = (x.data_type(), y.data_type()) else { return None };
    let (key_a, key_b) = (xs[0].data_type(), ys[0].data_type());
    if key_a != key_b && (ember_functions::cast::is_string(key_a) || ember_functions::cast::is_string(key_b)) {
        return None;
    }
    let key = crate::coercion::wider_type(key_a, key_b, ansi)?;
    let value = crate::coercion::wider_type(xs[1].data_type(), ys[1].data_type(), ansi)?;
    let fields = vec![xs[0].as_ref().clone().with_data_type(key), xs[1].as_ref().clone().with_data_type(value).with_nullable(xs[1].is_nullable() || ys[1].is_nullable())];
    let entries = x.as_ref().clone().with_data_type(DataType::Struct(fields.into()));
    Some(DataType::Map(Arc::new(entries), *sorted))
}

/// `to_binary`'s format: a foldable STRING (or NULL), one of Spark's four
/// (`DATATYPE_MISMATCH.NON_FOLDABLE_INPUT`, `INVALID_ARG_VALUE` otherwise);
/// `try_to_binary` takes any atomic value (an unknown one gives NULL).
fn check_binary_format(format: &Expr, sql_expr: &str, format_sql: &str, try_: bool) -> Result<()> {
    let Some(value) = crate::distribution_functions::constant(format)? else {
        return Err(crate::distribution_functions::not_foldable(sql_expr, "fmt", "STRING", format_sql));
    };
    let shown = match &value {
        v if v.is_null() => return Ok(()),
        v if try_ && !matches!(v, ScalarValue::List(_) | ScalarValue::Map(_) | ScalarValue::Struct(_)) => return Ok(()),
        ScalarValue::Utf8(Some(text)) | ScalarValue::Utf8View(Some(text)) | ScalarValue::LargeUtf8(Some(text)) => {
            if ["hex", "utf-8", "utf8", "base64"].contains(&text.to_lowercase().as_str()) {
                return Ok(());
            }
            format!("'{text}'")
        }
        // Spark casts atomic formats to STRING first and names them so (`'1'`).
        v if !matches!(v, ScalarValue::List(_) | ScalarValue::Map(_) | ScalarValue::Struct(_)) => format!("'{v}'"),
        nested => sql_value(nested),
    };
    let valid = "'hex', 'utf-8', 'utf8', or 'base64'";
    Err(SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.INVALID_ARG_VALUE",
        "42K09",
        format!(
            "Cannot resolve \"{sql_expr}\" due to data type mismatch: The fmt value must to be a case-insensitive \"STRING\" literal of {valid}, but got {shown}."
        ),
        &[
            ("sqlExpr", format!("\"{sql_expr}\"")),
            ("requireType", "case-insensitive \"STRING\"".to_string()),
            ("inputName", "fmt".to_string()),
            ("inputValue", shown),
            ("validValues", valid.to_string()),
        ],
    ))
}

/// A literal as Spark writes it in SQL: `'text'`, `ARRAY('a')`, `MAP('a', 'b')`.
fn sql_value(value: &ScalarValue) -> String {
    use datafusion::arrow::array::Array;
    let values_of = |array: &dyn Array| -> Vec<String> {
        (0..array.len()).map(|i| ScalarValue::try_from_array(array, i).map_or_else(|_| "?".into(), |v| sql_value(&v))).collect()
    };
    match value {
        v if v.is_null() => "NULL".to_string(),
        ScalarValue::Utf8(Some(text)) | ScalarValue::Utf8View(Some(text)) | ScalarValue::LargeUtf8(Some(text)) => format!("'{text}'"),
        ScalarValue::List(list) => format!("ARRAY({})", values_of(list.value(0).as_ref()).join(", ")),
        ScalarValue::Map(map) => {
            let entries = map.value(0);
            let (keys, values) = (values_of(entries.column(0).as_ref()), values_of(entries.column(1).as_ref()));
            let pairs: Vec<String> = keys.into_iter().zip(values).map(|(k, v)| format!("{k}, {v}")).collect();
            format!("MAP({})", pairs.join(", "))
        }
        ScalarValue::Struct(row) => {
            let fields = row.fields().iter().zip(row.columns()).map(|(f, c)| format!("'{}', {}", f.name(), values_of(c.as_ref()).join(""))).collect::<Vec<_>>();
            format!("NAMED_STRUCT({})", fields.join(", "))
        }
        other => other.to_string(),
    }
}

/// Spark's check of `approx_count_distinct`'s relative error: a DOUBLE or
/// DECIMAL literal (`_LEGACY_ERROR_TEMP_1104`) small enough for HLL++'s
/// four address bits at least (`FAILED_FUNCTION_CALL`).
fn check_relative_error(relative_error: &Expr) -> Result<()> {
    let value = match relative_error {
        Expr::Literal(ScalarValue::Float64(Some(value)), _) => *value,
        Expr::Literal(ScalarValue::Decimal128(Some(unscaled), _, scale), _) => *unscaled as f64 / 10f64.powi(i32::from(*scale)),
        _ => {
            return Err(SparkError::new(ErrorKind::Analysis, "_LEGACY_ERROR_TEMP_1104", "", "The second argument should be a double literal.", &[]));
        }
    };
    let address_bits = (2.0 * (1.106 / value).ln() / 2f64.ln()).ceil();
    if address_bits >= 4.0 {
        return Ok(());
    }
    Err(SparkError::new(
        ErrorKind::Analysis,
        "FAILED_FUNCTION_CALL",
        "38000",
        "Failed preparing of the function `approx_count_distinct` for call. Please, double check function's arguments.",
        &[("funcName", "`approx_count_distinct`".to_string())],
    ))
}
