//! Plans Spark's TIME functions: `make_time`, `to_time`, `try_to_time`,
//! `time_trunc`, `time_diff`, `time_from_*`, `time_to_*`, `current_time`
//! and `make_timestamp*(date, time[, zone])`.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan, cast};
use ember_functions::cast::{CastMode, spark_cast};
use ember_functions::datetime_construct::{self, OnInvalid};
use ember_functions::time::{self, TimeUnitName};

use crate::call_names::call_name;
use crate::error::{Result, SparkError};
use crate::plan::Planner;

impl Planner<'_> {
    /// Plans `function` if it is one of Spark's TIME functions; `None` for
    /// other names.
    pub(crate) fn plan_time_function(
        &mut self,
        function: &str,
        args: &[Expr],
        names: &[String],
        input: &LogicalPlan,
    ) -> Result<Option<(Expr, String)>> {
        let arg = |i: usize| args[i].clone();
        let name = call_name(function, names);
        let expr = match (function, args.len()) {
            ("make_time", 3) => time::make_time(arg(0), arg(1), arg(2)),
            ("to_time", 1 | 2) => time::to_time(args.to_vec(), true),
            ("try_to_time", 1 | 2) => {
                let name = format!("try_to_time({})", call_name("to_time", names));
                return Ok(Some((time::to_time(args.to_vec(), false), name)));
            }
            ("hour" | "minute" | "second", 1) if matches!(self.type_of(&args[0], input)?, DataType::Time64(_)) => {
                match time::time_field(function, arg(0), false) {
                    Some(expr) => expr,
                    None => return Ok(None),
                }
            }
            ("time", 1) => {
                let mode = if self.config.ansi { CastMode::Ansi } else { CastMode::Legacy };
                spark_cast(arg(0), ember_types::time_type(), mode)
            }
            ("time_trunc", 2) => time::time_trunc(arg(0), arg(1)),
            ("time_diff", 3) => time::time_diff(arg(0), arg(1), arg(2)),
            ("current_time", 0 | 1) => {
                let precision = match args.first() {
                    None => 6,
                    Some(Expr::Literal(value, _)) => literal_precision(value)?,
                    Some(_) => return Ok(None),
                };
                let now = datafusion::functions::datetime::expr_fn::now();
                let expr = time::time_of_timestamp(now, &self.config.time_zone, precision);
                return Ok(Some((expr, format!("current_time({precision})"))));
            }
            ("make_timestamp" | "make_timestamp_ltz" | "try_make_timestamp" | "try_make_timestamp_ltz", 2 | 3)
            | ("make_timestamp_ntz" | "try_make_timestamp_ntz", 2)
                if self.type_of(&args[0], input)? == DataType::Date32 =>
            {
                // Untyped NULLs are a TIME and a zone's name.
                let mut typed = args.to_vec();
                for (arg, expected) in typed.iter_mut().skip(1).zip([ember_types::time_type(), DataType::Utf8]) {
                    if self.type_of(arg, input)? == DataType::Null {
                        *arg = cast(arg.clone(), expected);
                    }
                }
                let Some(expr) = self.timestamp_of_date_and_time(function, &typed)? else {
                    return Ok(None);
                };
                let shown = function.replace("_ltz", "");
                return Ok(Some((expr, call_name(&shown, names))));
            }
            (f, 1) => match f.strip_prefix("time_from_").and_then(TimeUnitName::of) {
                Some(unit) => time::time_from(unit, arg(0)),
                None => match f.strip_prefix("time_to_").and_then(TimeUnitName::of) {
                    Some(unit) => time::time_to(unit, arg(0)),
                    None => return Ok(None),
                },
            },
            _ => return Ok(None),
        };
        Ok(Some((expr, name)))
    }

    /// `make_timestamp(date, time[, zone])`: the local date-time, as a
    /// TIMESTAMP_NTZ for `make_timestamp_ntz`, else seen in the zone (a
    /// literal) or the session time zone. `None` for a zone that is not a
    /// literal.
    fn timestamp_of_date_and_time(&self, function: &str, args: &[Expr]) -> Result<Option<Expr>> {
        if function.ends_with("_ntz") {
            return Ok(Some(time::local_timestamp(args[0].clone(), args[1].clone())));
        }
        // Arithmetic rather than the kernel keeps the result non-nullable, as Spark's is.
        let ntz = DataType::Timestamp(TimeUnit::Microsecond, None);
        let day_start = cast(cast(args[0].clone(), ntz.clone()), DataType::Int64);
        let micros_of_day = cast(args[1].clone(), DataType::Int64) / datafusion::logical_expr::lit(1_000i64);
        let local = cast(day_start + micros_of_day, ntz);
        let session = DataType::Timestamp(TimeUnit::Microsecond, Some(self.config.time_zone.as_str().into()));
        let zone = match args.get(2) {
            None => return Ok(Some(spark_cast(local, session, CastMode::Ansi))),
            Some(Expr::Literal(ScalarValue::Utf8(Some(zone)), _)) => zone.clone(),
            Some(zone) => return Ok(Some(self.timestamp_of_fields(function, &args[0], &args[1], zone.clone()))),
        };
        let in_zone = spark_cast(local, DataType::Timestamp(TimeUnit::Microsecond, Some(zone.into())), CastMode::Ansi);
        Ok(Some(cast(in_zone, session)))
    }

    /// `make_timestamp(date, time, zone)` for a zone that varies by row: the
    /// six-field form over the date's and the time's fields.
    fn timestamp_of_fields(&self, function: &str, date: &Expr, time: &Expr, zone: Expr) -> Expr {
        let date_field = |field: &str| datafusion::functions::datetime::expr_fn::date_part(datafusion::logical_expr::lit(field), date.clone());
        let time_field = |field: &str| time::time_field(field, time.clone(), true).unwrap_or_else(|| datafusion::logical_expr::lit(0));
        let fields = vec![
            date_field("year"),
            date_field("month"),
            date_field("day"),
            time_field("hour"),
            time_field("minute"),
            time::second_with_fraction(time.clone()),
            zone,
        ];
        let on_invalid = if self.config.ansi && !function.starts_with("try_") { OnInvalid::Fail } else { OnInvalid::Null };
        datetime_construct::make_timestamp(fields, Some(&self.config.time_zone), on_invalid)
    }
}

/// The fractional-second precision a `current_time(p)` literal gives.
fn literal_precision(value: &ScalarValue) -> Result<u8> {
    let precision = match value {
        ScalarValue::Int32(Some(p)) => i64::from(*p),
        ScalarValue::Int64(Some(p)) => *p,
        ScalarValue::Int8(Some(p)) => i64::from(*p),
        ScalarValue::Int16(Some(p)) => i64::from(*p),
        _ => -1,
    };
    u8::try_from(precision)
        .ok()
        .filter(|p| *p <= ember_types::TIME_PRECISION)
        .ok_or_else(|| SparkError::illegal_argument(format!("current_time precision must be between 0 and 6, got {value}")))
}
