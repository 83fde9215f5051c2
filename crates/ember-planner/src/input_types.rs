//! Spark's check of argument types before a call is planned: an argument that
//! cannot be implicitly cast to what the function takes fails the query with
//! `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE`, naming the parameter.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_functions::cast::{CastMode, spark_cast};

use crate::error::{ErrorKind, Result, SparkError};

/// A kind of collection a parameter takes; other types never cast to it.
#[derive(Debug, Clone, Copy)]
enum Collection {
    Array,
    Map,
    ArrayOrMap,
}

impl Collection {
    fn accepts(self, t: &DataType) -> bool {
        let array = matches!(t, DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..));
        let map = matches!(t, DataType::Map(..));
        matches!(t, DataType::Null)
            || match self {
                Collection::Array => array,
                Collection::Map => map,
                Collection::ArrayOrMap => array || map,
            }
    }

    /// The required type as Spark's messages write it.
    fn required(self) -> &'static str {
        match self {
            Collection::Array => "\"ARRAY\"",
            Collection::Map => "\"MAP\"",
            Collection::ArrayOrMap => "(\"ARRAY\" or \"MAP\")",
        }
    }
}

/// The collection the first parameter of `function` takes, if it takes one.
fn first_parameter(function: &str) -> Option<Collection> {
    Some(match function {
        "array_contains" | "array_position" | "array_remove" | "array_distinct" | "array_max" | "array_min"
        | "sort_array" | "array_join" | "array_compact" | "array_append" | "array_prepend" | "array_insert"
        | "slice" | "shuffle" => Collection::Array,
        "map_keys" | "map_values" | "map_entries" | "map_contains_key" => Collection::Map,
        "size" | "cardinality" | "element_at" => Collection::ArrayOrMap,
        _ => return None,
    })
}

/// Checks the argument types of a call of `function` (lower case), rendered as
/// `sql_expr`, whose arguments are named `names`; `type_of` gives an argument's type.
pub(crate) fn check_arguments(
    function: &str,
    sql_expr: &str,
    names: &[String],
    type_of: impl Fn(usize) -> Result<DataType>,
) -> Result<()> {
    let Some(collection) = first_parameter(function).filter(|_| !names.is_empty()) else {
        return Ok(());
    };
    let first = type_of(0)?;
    if collection.accepts(&first) {
        Ok(())
    } else {
        Err(unexpected_input_type(sql_expr, 0, collection.required(), &names[0], &first))
    }
}

/// What a parameter takes, as Spark's implicit casts of function arguments
/// see it: arguments of other types are cast to it when Spark casts them
/// (`abs('1.5')`, `year('2020-01-01')`, `upper(1)`), and fail with
/// `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE` when it does not (`sqrt(true)`,
/// `md5(1)`, `upper(array(1))`). Types a parameter does not name (intervals,
/// TIME, user types) are left to the function.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Param {
    /// STRING; numbers, booleans, dates, timestamps and binaries are cast.
    String,
    /// STRING or BINARY; other atomic values are cast to STRING.
    StringOrBinary,
    /// DOUBLE: numbers as they are, strings cast.
    Double,
    /// A number (or an ANSI interval); strings cast to DOUBLE; `required` is Spark's text.
    Numeric(&'static str),
    /// A number only, strings rejected (`format_number`).
    NumericOnly,
    /// INT: integers as they are, other numbers and strings cast.
    Int,
    /// INT, SMALLINT or TINYINT (`date_add` days): strings cast under ANSI, other types rejected.
    SmallInt,
    /// BIGINT: integers as they are, other numbers and strings cast.
    Long,
    /// DATE: timestamps and strings cast.
    Date,
    /// TIMESTAMP: dates and strings cast.
    Timestamp,
    /// BINARY: strings cast.
    Binary,
    /// BOOLEAN: strings cast (`NOT 'true'`).
    Boolean,
    /// BOOLEAN, nothing cast (`if`'s condition).
    StrictBoolean,
    /// An integral number or a BOOLEAN, nothing cast (`bit_count`).
    IntegralOrBoolean,
    /// BIGINT, BINARY or STRING (`hex`).
    Hex,
    /// Text, a date or a timestamp (`to_date`): other atomic values are cast to STRING.
    DateText,
    /// STRING, a date or a timestamp, nothing cast (`unix_timestamp`).
    DatetimeOnly,
    /// STRING, BINARY or an array (`reverse`): other atomic values are cast to STRING.
    StringBinaryOrArray,
    /// Anything but an array, map or struct; `required` is Spark's text (`to_timestamp`).
    NotNested(&'static str),
}

const ABS_TYPES: &str = "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\")";
const NEGATIVE_TYPES: &str = "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\")";
const SIGN_TYPES: &str = "(\"DOUBLE\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL DAY TO SECOND\")";
const CEIL_TYPES: &str = "(\"DOUBLE\" or \"DECIMAL\" or \"BIGINT\")";
const SUM_TYPES: &str = "\"NUMERIC\" or \"ANSI INTERVAL\"";
const TO_DATE_TYPES: &str = "(\"STRING\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\")";
const UNIX_TIMESTAMP_TYPES: &str =
    "(\"STRING\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\" or \"(TIMESTAMP_LTZ(P) OR TIMESTAMP_NTZ(P) WITH P IN [7, 9])\")";
const TO_TIMESTAMP_TYPES: &str = "(\"STRING\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\" or \"NUMERIC\")";

/// The parameters of `function` called with `count` arguments that Spark
/// casts implicitly (arguments past the list are left as they are).
fn parameters(function: &str, count: usize) -> &'static [Param] {
    use Param::*;
    match function {
        "upper" | "lower" | "ucase" | "lcase" | "initcap" | "ascii" | "soundex" | "unhex" | "url_encode" | "url_decode"
        | "try_url_decode" | "unbase64" | "format_string" | "printf" => &[String],
        "levenshtein" => &[String, String, Int],
        "bit_length" | "octet_length" | "length" | "char_length" | "character_length" => &[StringOrBinary],
        "contains" | "startswith" | "endswith" => &[StringOrBinary, StringOrBinary],
        "instr" | "like" | "ilike" | "rlike" | "regexp" | "regexp_like" | "trim" | "btrim" | "ltrim"
        | "rtrim" | "find_in_set" => &[String, String],
        "locate" | "position" => &[String, String, Int],
        "split_part" => &[String, String, Int],
        "replace" | "translate" => &[String, String, String],
        "repeat" | "left" | "right" => &[String, Int],
        "substr" | "substring" => &[StringOrBinary, Int, Int],
        "lpad" | "rpad" => &[String, Int, String],
        "conv" => &[String, Int, Int],
        "space" => &[Int],
        "sqrt" | "exp" | "expm1" | "ln" | "log10" | "log2" | "log1p" | "cbrt" | "sin" | "cos" | "tan" | "asin" | "acos"
        | "atan" | "sinh" | "cosh" | "tanh" | "asinh" | "acosh" | "atanh" | "cot" | "sec" | "csc" | "degrees"
        | "radians" | "rint" | "variance" | "var_samp" | "var_pop" | "stddev" | "stddev_samp" | "stddev_pop" | "std"
        | "skewness" | "kurtosis" => &[Double],
        "log" | "atan2" | "pow" | "power" | "hypot" | "corr" | "covar_pop" | "covar_samp" => &[Double, Double],
        "round" | "bround" => &[Numeric("\"NUMERIC\""), Int],
        "ceil" | "ceiling" | "floor" if count == 1 => &[Numeric(CEIL_TYPES)],
        "abs" => &[Numeric(ABS_TYPES)],
        "negative" | "-" if count == 1 => &[Numeric(NEGATIVE_TYPES)],
        "sign" | "signum" => &[Numeric(SIGN_TYPES)],
        "sum" | "avg" | "mean" => &[Numeric(SUM_TYPES)],
        "format_number" => &[NumericOnly],
        "bin" | "from_unixtime" | "char" | "chr" => &[Long],
        "factorial" => &[Int],
        "shiftleft" | "shiftright" | "shiftrightunsigned" => &[Int, Int],
        "year" | "month" | "day" | "dayofmonth" | "dayofweek" | "dayofyear" | "weekofyear" | "quarter" | "weekday"
        | "last_day" => &[Date],
        "datediff" => &[Date, Date],
        "date_add" | "date_sub" => &[Date, SmallInt],
        "add_months" => &[Date, Int],
        "next_day" | "trunc" => &[Date, String],
        "make_date" => &[Int, Int, Int],
        "hour" | "minute" | "second" => &[Timestamp],
        "md5" | "sha" | "sha1" | "crc32" | "base64" => &[Binary],
        "sha2" => &[Binary, Int],
        "not" | "!" => &[Boolean],
        "if" if count == 3 => &[StrictBoolean],
        "bit_count" => &[IntegralOrBoolean],
        "hex" => &[Hex],
        "to_date" => &[DateText],
        "unix_timestamp" | "to_unix_timestamp" => &[DatetimeOnly],
        "reverse" => &[StringBinaryOrArray],
        "to_timestamp" => &[NotNested(TO_TIMESTAMP_TYPES)],
        _ => &[],
    }
}

/// What an argument of type `from` becomes for `param`.
#[derive(Debug, PartialEq)]
enum Fit {
    Keep,
    Cast(DataType),
    Reject(&'static str),
}

fn fit(param: Param, from: &DataType, ansi: bool, time_zone: &str) -> Fit {
    use ember_functions::cast::{is_integral, is_string};
    let string = is_string(from);
    let number = from.is_numeric();
    let binary = matches!(from, DataType::Binary | DataType::LargeBinary | DataType::BinaryView | DataType::FixedSizeBinary(_));
    let boolean = matches!(from, DataType::Boolean);
    let date = matches!(from, DataType::Date32 | DataType::Date64);
    let timestamp = matches!(from, DataType::Timestamp(..));
    let nested = matches!(
        from,
        DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(..) | DataType::Map(..) | DataType::Struct(_)
    );
    let interval = matches!(from, DataType::Duration(_) | DataType::Interval(_));
    if matches!(from, DataType::Null) {
        return Fit::Keep;
    }
    let to_string = || if string { Fit::Keep } else { Fit::Cast(DataType::Utf8) };
    match param {
        Param::String if nested => Fit::Reject("\"STRING\""),
        Param::String if number || boolean || date || timestamp || binary => to_string(),
        Param::StringOrBinary if nested => Fit::Reject("(\"STRING\" or \"BINARY\")"),
        Param::StringOrBinary if number || boolean || date || timestamp => to_string(),
        Param::Double if string => Fit::Cast(DataType::Float64),
        Param::Double if nested || boolean || date || timestamp || binary => Fit::Reject("\"DOUBLE\""),
        Param::Numeric(_) if string => Fit::Cast(DataType::Float64),
        Param::Numeric(required) if nested || boolean || date || timestamp || binary => Fit::Reject(required),
        Param::NumericOnly if !number && !interval => Fit::Reject("\"NUMERIC\""),
        Param::Int if string || (number && !is_integral(from)) => Fit::Cast(DataType::Int32),
        Param::Int if nested || boolean || date || timestamp || binary => Fit::Reject("\"INT\""),
        Param::SmallInt if string && ansi => Fit::Cast(DataType::Int32),
        Param::SmallInt if !matches!(from, DataType::Int8 | DataType::Int16 | DataType::Int32) && (number || string || nested || boolean || date || timestamp || binary) => {
            Fit::Reject("(\"INT\" or \"SMALLINT\" or \"TINYINT\")")
        }
        Param::Long if string || (number && !is_integral(from)) => Fit::Cast(DataType::Int64),
        Param::Long if nested || boolean || date || timestamp || binary => Fit::Reject("\"BIGINT\""),
        Param::Date if string || timestamp => Fit::Cast(DataType::Date32),
        Param::Date if nested || number || boolean || binary => Fit::Reject("\"DATE\""),
        Param::Timestamp if string || date => Fit::Cast(ember_types::timestamp_type(time_zone)),
        Param::Timestamp if nested || number || boolean || binary => Fit::Reject("\"(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)\""),
        Param::Binary if string => Fit::Cast(DataType::Binary),
        Param::Binary if nested || number || boolean || date || timestamp => Fit::Reject("\"BINARY\""),
        Param::Boolean if string => Fit::Cast(DataType::Boolean),
        Param::Boolean if nested || number || date || timestamp || binary => Fit::Reject("\"BOOLEAN\""),
        Param::StrictBoolean if !boolean => Fit::Reject("\"BOOLEAN\""),
        Param::IntegralOrBoolean if !is_integral(from) && !boolean => Fit::Reject("(\"INTEGRAL\" or \"BOOLEAN\")"),
        Param::Hex if number && !is_integral(from) => Fit::Cast(DataType::Int64),
        Param::Hex if boolean || date || timestamp => Fit::Cast(DataType::Utf8),
        Param::Hex if nested => Fit::Reject("(\"BIGINT\" or \"BINARY\" or \"STRING\")"),
        Param::DateText if nested => Fit::Reject(TO_DATE_TYPES),
        Param::DateText if number || boolean || binary => to_string(),
        Param::DatetimeOnly if nested || number || boolean || binary => Fit::Reject(UNIX_TIMESTAMP_TYPES),
        Param::StringBinaryOrArray if matches!(from, DataType::Map(..) | DataType::Struct(_)) => Fit::Reject("(\"STRING\" or \"BINARY\" or \"ARRAY\")"),
        Param::StringBinaryOrArray if number || boolean || date || timestamp => to_string(),
        Param::NotNested(required) if nested => Fit::Reject(required),
        _ => Fit::Keep,
    }
}

impl crate::plan::Planner<'_> {
    /// Spark's implicit casts of the arguments of `function` (lower case),
    /// whose arguments are named `names`: casts what Spark casts, fails on
    /// what Spark rejects (see [`Param`]).
    pub(crate) fn cast_arguments_implicitly(
        &self,
        function: &str,
        names: &[String],
        args: &mut [Expr],
        input: &LogicalPlan,
    ) -> Result<()> {
        let params = parameters(function, args.len());
        let mode = if self.config.ansi { CastMode::Ansi } else { CastMode::Legacy };
        for (index, (arg, param)) in args.iter_mut().zip(params).enumerate() {
            let from = self.type_of(arg, input)?;
            match fit(*param, &from, self.config.ansi, &self.config.time_zone) {
                Fit::Keep => {}
                // A cast to STRING never fails.
                Fit::Cast(DataType::Utf8) => *arg = spark_cast(arg.clone(), DataType::Utf8, CastMode::Legacy),
                Fit::Cast(target) => *arg = folded_number(arg, &target).unwrap_or_else(|| spark_cast(arg.clone(), target, mode)),
                Fit::Reject(required) => {
                    // `log(x)` is Spark's `log(e, x)`: its argument is the second.
                    let index = if function == "log" && names.len() == 1 { 1 } else { index };
                    return Err(unexpected_input_type(&crate::call_names::call_name(function, names), index, required, &names[index.min(names.len() - 1)], &from));
                }
            }
        }
        Ok(())
    }
}

/// A string literal that reads as a number of `target`'s type, as that
/// number: functions such as `round(x, '1')` need their scale as a literal.
fn folded_number(arg: &Expr, target: &DataType) -> Option<Expr> {
    let Expr::Literal(ScalarValue::Utf8(Some(text)), _) = arg else { return None };
    let text = text.trim();
    let value = match target {
        DataType::Int32 => ScalarValue::Int32(Some(text.parse().ok()?)),
        DataType::Int64 => ScalarValue::Int64(Some(text.parse().ok()?)),
        _ => return None,
    };
    Some(Expr::Literal(value, None))
}

pub(crate) fn ordinal(index: usize) -> &'static str {
    ["first", "second", "third", "fourth", "fifth"].get(index).copied().unwrap_or("next")
}

/// `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE` for argument `index` of `sql_expr`.
pub(crate) fn unexpected_input_type(
    sql_expr: &str,
    index: usize,
    required: &str,
    input_sql: &str,
    got: &DataType,
) -> SparkError {
    unexpected_input_type_named(sql_expr, index, required, input_sql, &format!("\"{}\"", ember_types::sql_string(got)))
}

/// [`unexpected_input_type`] of an input whose (quoted) type is `input_type`
/// (an ANSI interval's, with its units).
pub(crate) fn unexpected_input_type_named(sql_expr: &str, index: usize, required: &str, input_sql: &str, input_type: &str) -> SparkError {
    let input_type = input_type.to_string();
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
        "42K09",
        format!(
            "Cannot resolve \"{sql_expr}\" due to data type mismatch: The {} parameter requires the {required} type, however \"{input_sql}\" has the type {input_type}.",
            ordinal(index)
        ),
        &[
            ("sqlExpr", format!("\"{sql_expr}\"")),
            ("paramIndex", ordinal(index).to_string()),
            ("requiredType", required.to_string()),
            ("inputSql", format!("\"{input_sql}\"")),
            ("inputType", input_type),
        ],
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::datatypes::Field;

    use super::*;

    #[test]
    fn a_number_is_not_an_array() {
        let err = check_arguments("array_contains", "array_contains(1, 1)", &["1".into(), "1".into()], |_| {
            Ok(DataType::Int32)
        })
        .unwrap_err();
        assert_eq!(err.error_class, "DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE");
        assert_eq!(err.parameters["paramIndex"], "first");
        assert_eq!(err.parameters["requiredType"], "\"ARRAY\"");
        assert_eq!(err.parameters["inputType"], "\"INT\"");
    }

    #[test]
    fn implicit_casts_follow_spark() {
        assert_eq!(fit(Param::Double, &DataType::Utf8, true, "UTC"), Fit::Cast(DataType::Float64));
        assert_eq!(fit(Param::Double, &DataType::Boolean, true, "UTC"), Fit::Reject("\"DOUBLE\""));
        assert_eq!(fit(Param::String, &DataType::Int32, true, "UTC"), Fit::Cast(DataType::Utf8));
        assert_eq!(fit(Param::Binary, &DataType::Int32, true, "UTC"), Fit::Reject("\"BINARY\""));
        assert_eq!(fit(Param::Date, &DataType::Utf8, true, "UTC"), Fit::Cast(DataType::Date32));
        assert_eq!(fit(Param::SmallInt, &DataType::Int64, true, "UTC"), Fit::Reject("(\"INT\" or \"SMALLINT\" or \"TINYINT\")"));
        assert_eq!(fit(Param::Int, &DataType::Decimal128(2, 1), true, "UTC"), Fit::Cast(DataType::Int32));
        assert_eq!(fit(Param::Numeric(ABS_TYPES), &DataType::Null, true, "UTC"), Fit::Keep);
        assert_eq!(parameters("if", 3), &[Param::StrictBoolean]);
    }

    #[test]
    fn arrays_maps_and_nulls_pass() {
        let list = DataType::List(Arc::new(Field::new("element", DataType::Int32, true)));
        let names = ["a".to_string()];
        assert!(check_arguments("size", "size(a)", &names, |_| Ok(list.clone())).is_ok());
        assert!(check_arguments("array_max", "array_max(a)", &names, |_| Ok(DataType::Null)).is_ok());
        assert!(check_arguments("map_keys", "map_keys(a)", &names, |_| Ok(list.clone())).is_err());
        assert!(check_arguments("upper", "upper(a)", &names, |_| Ok(DataType::Int32)).is_ok());
    }
}

/// `DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION`: Spark has no cast from
/// `source` to `target` (`sql` is the cast's text).
pub(crate) fn cannot_cast(sql: &str, source: &DataType, target: &DataType) -> SparkError {
    cannot_cast_text(sql, format!("\"{}\"", ember_types::sql_string(source)), format!("\"{}\"", ember_types::sql_string(target)))
}

/// [`cannot_cast`] with the types' texts as Spark quotes them (`"INT"`,
/// `UDT("ARRAY<DOUBLE>")`).
pub(crate) fn cannot_cast_text(sql: &str, source: String, target: String) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION",
        "42K09",
        format!("Cannot resolve \"{sql}\" due to data type mismatch: cannot cast {source} to {target}."),
        &[("sqlExpr", format!("\"{sql}\"")), ("srcType", source.clone()), ("targetType", target.clone())],
    )
}
