//! Spark scalar functions Ember plans by rewriting the call before the
//! registry sees it: aliases under Spark's names (`chr`, `to_char` of
//! datetimes, `to_varchar`), session facts (`current_catalog`,
//! `current_schema`, `current_path`, `localtimestamp`, `collation`),
//! Spark's typing where DataFusion's differs (`now`/`current_timestamp` as
//! TIMESTAMP, `nvl2`, `last_day` of timestamps, `to_timestamp` of numbers as
//! seconds, `try_to_date` of numbers, `arrays_zip` field names, seeded
//! `uuid`/`shuffle`), units given as a column (`date_trunc`, `trunc`),
//! negative lengths and positions (`lpad`/`rpad`, `overlay`), and calls of
//! Ember's kernels (`make_date`, `to_number`/`try_to_number`, `to_base32`, `from_base32`, `hmac`, `validate_utf8`,
//! `jaro_winkler_similarity`, `sentences`).

use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan, cast, lit, when};
use ember_functions::cast::{CastMode, is_integral, spark_cast};
use ember_functions::datetime_construct::{self, OnInvalid};
use ember_functions::timestamp_units::{DatetimeUnit, timestamp_add, timestamp_diff};
use ember_functions::{overlay, sentences, string_similarity, text_codecs};
use ember_types::{Collation, timestamp_ntz_type, timestamp_type};

use ember_sources::input_file_columns::FileColumn;

use crate::call_names::call_name;
use crate::partitioning::file_marker;
use crate::error::{Result, SparkError};
use crate::plan::Planner;

/// `date_trunc`'s units and the spellings Spark accepts for each.
const DATE_TRUNC_UNITS: &[(&str, &[&str])] = &[
    ("YEAR", &["YEAR", "YYYY", "YY"]),
    ("QUARTER", &["QUARTER"]),
    ("MONTH", &["MONTH", "MM", "MON"]),
    ("WEEK", &["WEEK"]),
    ("DAY", &["DAY", "DD"]),
    ("HOUR", &["HOUR"]),
    ("MINUTE", &["MINUTE"]),
    ("SECOND", &["SECOND"]),
    ("MILLISECOND", &["MILLISECOND"]),
    ("MICROSECOND", &["MICROSECOND"]),
];

impl Planner<'_> {
    /// Plans `function` (lower case, planned `args`) if it is one of this
    /// module's; `None` leaves it to the others.
    pub(crate) fn plan_scalar_rewrite(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let arg = |i: usize| args[i].clone();
        let name = call_name(function, names);
        let types = args.iter().map(|a| self.type_of(a, input)).collect::<Result<Vec<_>>>()?;
        let is_datetime = |t: &DataType| matches!(t, DataType::Date32 | DataType::Timestamp(..));
        let expr = match (function, args.len()) {
            // `datafusion-spark`'s `char` fails on a NULL scalar.
            ("chr" | "char", 1) if matches!(&args[0], Expr::Literal(v, _) if v.is_null()) => lit(ScalarValue::Utf8(None)),
            // A binary's length in bytes (DataFusion's take strings only).
            ("octet_length" | "bit_length", 1) if matches!(types[0], DataType::Binary | DataType::LargeBinary | DataType::BinaryView) => {
                let (bytes, _) = self.call_registered("length", args.to_vec(), names, false, input)?;
                if function == "bit_length" { bytes * lit(8) } else { bytes }
            }
            ("chr", 1) => self.call_registered("char", vec![cast(arg(0), DataType::Int64)], names, false, input)?.0,
            ("to_char" | "to_varchar", 2) if matches!(types[1], DataType::List(_) | DataType::Map(..) | DataType::Struct(_)) => {
                return Err(crate::input_types::unexpected_input_type(&call_name("to_char", names), 1, "\"STRING\"", &names[1], &types[1]));
            }
            ("to_char" | "to_varchar", 2) if matches!(types[0], DataType::Boolean | DataType::List(_) | DataType::Map(..) | DataType::Struct(_)) => {
                return Err(crate::input_types::unexpected_input_type(&call_name("to_char", names), 0, "\"DECIMAL\"", &names[0], &types[0]));
            }
            // A number's format must be a literal; Spark names the argument by its node's name.
            ("to_char" | "to_varchar", 2)
                if (types[0].is_numeric() || ember_functions::cast::is_string(&types[0])) && !args[1].column_refs().is_empty() =>
            {
                let node = match &args[1] {
                    Expr::ScalarFunction(f) => f.name().to_string(),
                    _ => "attributereference".to_string(),
                };
                return Err(crate::distribution_functions::not_foldable(&call_name("to_char", names), &node, "STRING", &names[1]));
            }
            // A string is formatted as the number it reads as.
            ("to_char" | "to_varchar", 2) if ember_functions::cast::is_string(&types[0]) && matches!(&args[1], Expr::Literal(..)) => {
                let number = spark_cast(arg(0), DataType::Decimal128(38, 18), self.cast_mode());
                return self.plan_scalar_rewrite(function, &[number, arg(1)], names, input);
            }
            ("to_char" | "to_varchar", 2) if types[1] == DataType::Null => cast(lit(ScalarValue::Null), DataType::Utf8),
            ("to_char" | "to_varchar", 2) if is_datetime(&types[0]) => {
                let planned = self.plan_spark_scalar("date_format", args, names, input)?;
                return Ok(planned.map(|(expr, _)| (expr, call_name("date_format", names))));
            }
            ("to_char" | "to_varchar", 2) if types[0].is_numeric() => match &args[1] {
                Expr::Literal(format, _) if !format.is_null() => {
                    let value = match &types[0] {
                        DataType::Decimal128(..) => arg(0),
                        t if is_integral(t) => cast(arg(0), DataType::Decimal128(20, 0)),
                        _ => cast(arg(0), DataType::Decimal128(30, 15)),
                    };
                    let expr = ember_functions::number_format::to_char(value, &format.to_string())?;
                    return Ok(Some((expr, call_name("to_char", names))));
                }
                _ => return Ok(None),
            },
            ("current_catalog", 0) => lit("spark_catalog"),
            ("current_database" | "current_schema", 0) => {
                return Ok(Some((lit(self.catalog.current_database_name()), "current_schema()".to_string())));
            }
            ("current_path", 0) => match &self.config.sql_path {
                Some(path) => lit(path.clone()),
                None => lit(format!("system.builtin,system.session,spark_catalog.{}", self.catalog.current_database_name())),
            },
            ("now" | "current_timestamp", 0) => self.now(input)?,
            ("localtimestamp", 0) => spark_cast(self.now(input)?, timestamp_ntz_type(), CastMode::Legacy),
            ("collation", 1) => lit(self.collation_of(&args[0], input)?.unwrap_or(Collation::UTF8_BINARY).qualified_name()),
            ("collate", 2) => match &args[1] {
                Expr::Literal(ScalarValue::Utf8(Some(c)), _) => {
                    let collated = ember_functions::collation::with_collation(arg(0), Collation::parse(c).map_err(crate::error::from_type_error)?);
                    // Spark names the collation without its `system.builtin.` qualifier.
                    let bare = c.rsplit('.').next().unwrap_or(c);
                    return Ok(Some((collated, format!("collate({}, {bare})", names[0]))));
                }
                _ => return Err(SparkError::unsupported(format!("collation {}", names[1]))),
            },
            ("input_file_name", 0) => file_marker(FileColumn::Name),
            ("input_file_block_start", 0) => file_marker(FileColumn::BlockStart),
            ("input_file_block_length", 0) => file_marker(FileColumn::BlockLength),
            ("nvl2", 3) => {
                // Spark's `IF(a IS NOT NULL, b, c)`: `b` and `c` of their common type.
                let sql = format!("(IF(({} IS NOT NULL), {}, {}))", names[0], names[1], names[2]);
                let values = self.to_common_type(vec![arg(1), arg(2)], "if", &sql, input)?;
                when(arg(0).is_not_null(), values[0].clone()).otherwise(values[1].clone())?
            }
            ("last_day", 1) if types[0] != DataType::Date32 => {
                let date = spark_cast(arg(0), DataType::Date32, self.cast_mode());
                self.call_registered("last_day", vec![date], names, false, input)?.0
            }
            ("to_timestamp" | "to_timestamp_ltz" | "try_to_timestamp", 1) if types[0].is_numeric() => {
                seconds_to_timestamp(arg(0), &types[0], &self.config.time_zone)
            }
            ("try_to_date", 1) if types[0].is_numeric() || types[0] == DataType::Boolean => {
                lit(ScalarValue::Date32(None))
            }
            ("date_trunc", 2) => {
                let target = timestamp_type(&self.config.time_zone);
                let timestamp = if matches!(types[1], DataType::Timestamp(..)) { arg(1) } else { spark_cast(arg(1), target, self.cast_mode()) };
                self.unit_from_column("date_trunc", arg(0), DATE_TRUNC_UNITS, |unit| vec![lit(unit), timestamp.clone()], names, input)?
            }
            ("trunc", 2) => {
                let date = spark_cast(arg(0), DataType::Date32, self.cast_mode());
                self.unit_from_column("trunc", arg(1), &DATE_TRUNC_UNITS[..4], |unit| vec![date.clone(), lit(unit)], names, input)?
            }
            ("lpad" | "rpad", 2 | 3) if is_integral(&types[1]) && !is_binary(&types[0]) => {
                let length = when(arg(1).lt(lit(0)), lit(0i64)).otherwise(cast(arg(1), DataType::Int64))?;
                let mut padded = vec![arg(0), length];
                padded.extend(args.get(2).cloned());
                self.call_registered(function, padded, names, false, input)?.0
            }
            ("overlay", 3 | 4) if !is_binary(&types[0]) => {
                let len = args.get(3).cloned().unwrap_or_else(|| lit(-1));
                overlay::overlay(arg(0), arg(1), arg(2), len)
            }
            ("make_date", 3) => {
                let on_invalid = if self.config.ansi { OnInvalid::Fail } else { OnInvalid::Null };
                let fields = vec![arg(0), arg(1), arg(2), lit(0), lit(0), lit(0)];
                cast(datetime_construct::make_timestamp(fields, None, on_invalid), DataType::Date32)
            }
            ("named_struct", 0) => {
                let empty = datafusion::arrow::array::StructArray::new_empty_fields(1, None);
                Expr::Literal(ScalarValue::Struct(Arc::new(empty)), None)
            }
            ("arrays_zip", 0) => {
                // An empty array of empty structs.
                let element = Arc::new(datafusion::arrow::datatypes::Field::new("element", DataType::Struct(Default::default()), false));
                let structs = Arc::new(datafusion::arrow::array::StructArray::new_empty_fields(0, None));
                let offsets = datafusion::arrow::buffer::OffsetBuffer::new(vec![0, 0].into());
                Expr::Literal(ScalarValue::List(Arc::new(datafusion::arrow::array::ListArray::try_new(element, offsets, structs, None)?)), None)
            }
            ("arrays_zip", _) => match self.arrays_zip(args, names, &types)? {
                Some(zipped) => zipped,
                None => return Ok(None),
            },
            ("uuid", 1) => return Ok(Some((self.call_registered("uuid", vec![], names, false, input)?.0, "uuid()".to_string()))),
            ("shuffle", 1 | 2) => {
                // An untyped NULL shuffles as a NULL array of VOID.
                let mut shuffled = args.to_vec();
                if types[0] == DataType::Null {
                    shuffled[0] = cast(arg(0), null_array_type());
                }
                let name = format!("shuffle({})", names[0]);
                // A seeded shuffle draws as Spark's, from a generator per partition.
                if let Some(seed) = args.get(1).and_then(crate::random_functions::integer_literal) {
                    let row_id = crate::partitioning::partition_marker(crate::partitioning::PartitionValueKind::MonotonicId);
                    return Ok(Some((ember_functions::seeded_shuffle::SeededShuffle::call(shuffled.swap_remove(0), seed, row_id), name)));
                }
                let (expr, _) = self.call_registered("shuffle", shuffled, names, false, input)?;
                return Ok(Some((expr, name)));
            }
            ("unbase64", 1) => text_codecs::unbase64(arg(0), &types[0]),
            ("to_number" | "try_to_number", 2) => match &args[1] {
                Expr::Literal(format, _) if !format.is_null() => {
                    ember_functions::number_format::to_number(arg(0), &format.to_string(), function == "to_number")?
                }
                Expr::Literal(..) => lit(ScalarValue::Decimal128(None, 10, 0)),
                _ => return Ok(None),
            },
            ("timestampadd" | "timestamp_add" | "dateadd" | "date_add" | "timestampdiff" | "timestamp_diff" | "datediff" | "date_diff", 3) => {
                let adds = function.contains("add");
                let Some(Some(unit_name)) = crate::functions::folded_string(&args[0]) else { return Ok(None) };
                let spark_name = if adds { "timestampadd" } else { "timestampdiff" };
                let error_name = if matches!(function, "timestampadd" | "timestampdiff") { function.to_uppercase() } else { function.to_string() };
                let unit = DatetimeUnit::parse_or_fail(&unit_name, &error_name)?;
                let shown = format!("{spark_name}({unit_name}, {}, {})", names[1], names[2]);
                // Dates and text are TIMESTAMPs of the session; TIMESTAMP_NTZ stays one.
                let timestamp = |i: usize| match &types[i] {
                    DataType::Timestamp(_, None) => (arg(i), None),
                    _ => (spark_cast(arg(i), timestamp_type(&self.config.time_zone), self.cast_mode()), Some(self.config.time_zone.as_str())),
                };
                let expr = if adds {
                    let (ts, zone) = timestamp(2);
                    let result_type = if zone.is_some() { timestamp_type(&self.config.time_zone) } else { types[2].clone() };
                    timestamp_add(unit, spark_cast(arg(1), DataType::Int64, self.cast_mode()), ts, result_type, zone)
                } else {
                    let ((start, start_zone), (end, end_zone)) = (timestamp(1), timestamp(2));
                    // A TIMESTAMP_NTZ beside a TIMESTAMP is read in the session time zone.
                    let zone = start_zone.or(end_zone);
                    let as_session = |e: Expr, own: Option<&str>| if own.is_none() && zone.is_some() { spark_cast(e, timestamp_type(&self.config.time_zone), self.cast_mode()) } else { e };
                    timestamp_diff(unit, as_session(start, start_zone), as_session(end, end_zone), zone)
                };
                return Ok(Some((expr, shown)));
            }
            ("to_base32", 1) => text_codecs::to_base32(arg(0), &types[0]),
            ("from_base32", 1) => text_codecs::from_base32(arg(0), &types[0]),
            ("hmac", 2 | 3) => {
                let algorithm = args.get(2).map(|a| spark_cast(a.clone(), DataType::Utf8, CastMode::Legacy)).unwrap_or_else(|| lit("SHA-256"));
                let name = format!("hmac({}, {}, {})", names[0], names[1], names.get(2).map_or("SHA-256", String::as_str));
                return Ok(Some((text_codecs::hmac(arg(0), &types[0], arg(1), &types[1], algorithm), name)));
            }
            ("validate_utf8" | "try_validate_utf8", 1) => text_codecs::validate_utf8(arg(0), &types[0], function == "validate_utf8"),
            ("jaro_winkler_similarity", 2) => string_similarity::jaro_winkler_similarity(arg(0), arg(1)),
            ("sentences", 1..=3) => sentences::sentences(arg(0)),
            _ => return Ok(None),
        };
        Ok(Some((expr, name)))
    }

    /// The query's start as a TIMESTAMP in the session time zone.
    fn now(&mut self, input: &LogicalPlan) -> Result<Expr> {
        let (now, _) = self.call_registered("now", vec![], &[], false, input)?;
        Ok(cast(now, timestamp_type(&self.config.time_zone)))
    }

    /// `function` whose unit is a column: the call with each unit Spark
    /// knows, picked by the column's value (NULL for others).
    fn unit_from_column(
        &mut self,
        function: &str,
        unit: Expr,
        units: &[(&str, &[&str])],
        call_args: impl Fn(&str) -> Vec<Expr>,
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Expr> {
        let upper = datafusion::functions::string::expr_fn::upper(cast(unit, DataType::Utf8));
        let mut cases: Option<datafusion::logical_expr::conditional_expressions::CaseBuilder> = None;
        for (canonical, spellings) in units {
            let (call, _) = self.call_registered(function, call_args(canonical), names, false, input)?;
            let matches = upper.clone().in_list(spellings.iter().map(|s| lit(*s)).collect(), false);
            cases = Some(match cases {
                None => when(matches, call),
                Some(mut builder) => builder.when(matches, call),
            });
        }
        let cases = cases.ok_or_else(|| SparkError::unsupported(function.to_string()))?;
        Ok(cases.end()?)
    }

    /// `arrays_zip(a, b, …)` with Spark's field names: a column's or a
    /// nested field's name, else the argument's position from 0.
    fn arrays_zip(&self, args: &[Expr], names: &[String], types: &[DataType]) -> Result<Option<Expr>> {
        let mut elements = Vec::with_capacity(types.len());
        let mut arrays = args.to_vec();
        for (t, array) in types.iter().zip(&mut arrays) {
            match t {
                DataType::List(element) => elements.push(element.data_type().clone()),
                // An untyped NULL is a NULL array of VOID, which makes the result NULL.
                DataType::Null => {
                    elements.push(DataType::Null);
                    *array = cast(array.clone(), null_array_type());
                }
                _ => return Ok(None),
            }
        }
        let field_names: Vec<String> = args
            .iter()
            .zip(names)
            .enumerate()
            .map(|(i, (arg, name))| match (arg, crate::expr::nested_field(arg)) {
                (_, Some((_, field))) => field.to_string(),
                (Expr::Column(_) | Expr::Alias(_), _) => name.clone(),
                _ => i.to_string(),
            })
            .collect();
        Ok(Some(ember_functions::arrays_zip::arrays_zip(arrays, &field_names, &elements)))
    }
}

/// Whether Spark's byte variant of a string function applies.
fn is_binary(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Binary | DataType::LargeBinary | DataType::BinaryView)
}

/// A number of seconds since the epoch as a TIMESTAMP (Spark's
/// `to_timestamp` of a number); fractions keep their microseconds.
fn seconds_to_timestamp(seconds: Expr, data_type: &DataType, time_zone: &str) -> Expr {
    let micros = if is_integral(data_type) {
        cast(seconds, DataType::Int64) * lit(1_000_000i64)
    } else {
        cast(cast(seconds, DataType::Float64) * lit(1_000_000f64), DataType::Int64)
    };
    cast(micros, timestamp_type(time_zone))
}

/// `ARRAY<VOID>`, the type Spark gives an untyped NULL where it wants an array.
fn null_array_type() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Null, true)))
}
