//! Spark's check of argument types before a call is planned: an argument that
//! cannot be implicitly cast to what the function takes fails the query with
//! `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE`, naming the parameter.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, LogicalPlan};
use ember_functions::cast::{CastMode, spark_cast};

use crate::error::{ErrorKind, Result, SparkError};

/// A kind of collection a parameter takes; other types never cast to it.
#[derive(Debug, Clone, Copy, PartialEq)]
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
        | "slice" | "shuffle" | "array_size" => Collection::Array,
        "map_keys" | "map_values" | "map_entries" | "map_contains_key" => Collection::Map,
        "size" | "cardinality" | "element_at" | "try_element_at" => Collection::ArrayOrMap,
        _ => return None,
    })
}

/// The call whose arguments Spark checks for `function`: a `try_` form that
/// is Spark's function under a `try` names the inner call in its errors.
pub(crate) fn checked_call(function: &str) -> &str {
    match function {
        "try_to_time" => "to_time",
        "try_element_at" => "element_at",
        "try_parse_url" => "parse_url",
        "try_to_binary" => "to_binary",
        "try_url_decode" => "url_decode",
        "try_aes_decrypt" => "aes_decrypt",
        "try_make_interval" => "make_interval",
        other => other,
    }
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
    // An untyped NULL array is refused; `array_contains` refuses an untyped NULL value too.
    let null_checked = match function {
        "array_contains" => names.len(),
        "array_position" if names.len() == 2 => 1,
        _ => 0,
    };
    for index in 0..null_checked {
        if type_of(index)? == DataType::Null {
            return Err(null_type(function, sql_expr));
        }
    }
    let first = type_of(0)?;
    // These take no untyped NULL for their collection.
    let null_rejected = first == DataType::Null && matches!(function, "array_append" | "array_prepend" | "element_at" | "try_element_at");
    // `array_join` names the array of strings it joins.
    let required = if function == "array_join" { "\"ARRAY<STRING>\"" } else { collection.required() };
    if collection.accepts(&first) && !null_rejected {
        Ok(())
    } else {
        Err(unexpected_input_type(sql_expr, 0, required, &names[0], &first))
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
    /// The delimiter of `listagg`: a STRING, BINARY or NULL (other atomic
    /// values cast to STRING).
    Delimiter,
    /// What `sum` and `avg` take: a number or an ANSI interval (strings
    /// cast to DOUBLE), or a TIMESTAMP, cast to its seconds as a DOUBLE.
    Summable,
    /// A number only, strings rejected (`format_number`).
    NumericOnly,
    /// INT: other numbers (BIGINT, TINYINT, ...) and strings cast.
    Int,
    /// INT, SMALLINT or TINYINT (`date_add` days): strings cast under ANSI, other types rejected.
    SmallInt,
    /// BIGINT: integers as they are, other numbers and strings cast.
    Long,
    /// DATE: timestamps and strings cast.
    Date,
    /// DATE only, nothing cast (`unix_date`).
    DateOnly,
    /// TIMESTAMP: dates and strings cast; `required` is Spark's text.
    Timestamp(&'static str),
    /// TIMESTAMP only, nothing cast (`unix_seconds`); `required` is Spark's text.
    TimestampOnly(&'static str),
    /// BINARY: strings cast.
    Binary,
    /// BINARY only, nothing cast (sketches).
    BinaryOnly,
    /// STRING only, nothing cast (`get_json_object`, `from_json`).
    StringOnly,
    /// INT only, nothing cast (`array_repeat`'s count).
    IntOnly,
    /// An integral number, nothing cast (`bit_and`).
    Integral,
    /// INT or STRING, nothing cast (`format_number`'s format).
    IntOrString,
    /// DECIMAL(precision, scale): numbers and strings cast (`make_timestamp`'s
    /// seconds); `required` is Spark's text.
    Decimal(u8, i8, &'static str),
    /// An array or map as `Collection` names it (`arrays_zip`).
    Container(Collection),
    /// A VARIANT, nothing cast.
    Variant,
    /// An array of arrays (`flatten`); NULL rejected too.
    ArrayOfArrays,
    /// An array of two-field structs (`map_from_entries`); NULL rejected too.
    ArrayOfPairs,
    /// STRING or an array (`concat_ws`'s values): maps and structs rejected.
    StringOrArray,
    /// Anything: the function checks it itself.
    Any,
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
    /// Anything but an array, map or struct; `required` is Spark's text (`to_number`).
    NotNested(&'static str),
    /// What `to_timestamp` reads: numbers, datetimes, strings; booleans and binaries cast to STRING.
    TimestampText,
    /// TIME: strings and timestamps cast, a date cannot (`time_diff`).
    Time,
    /// TIME only, nothing cast (`time_to_seconds`).
    TimeOnly,
    /// TIMESTAMP_NTZ: strings, dates and timestamps cast (`convert_timezone`'s value).
    TimestampNtz,
    /// A number or an array (`percentile`'s percentages): strings cast to
    /// the number's type; `required` is Spark's text.
    NumberOrArray(Number, &'static str),
}

/// The number type a [`Param::NumberOrArray`] casts a string to.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    Double,
    Float,
    Long,
}

impl Number {
    fn data_type(self) -> DataType {
        match self {
            Number::Double => DataType::Float64,
            Number::Float => DataType::Float32,
            Number::Long => DataType::Int64,
        }
    }
}

const DOUBLES: &str = "(\"DOUBLE\" or \"ARRAY<DOUBLE>\")";
const ABS_TYPES: &str = "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\")";
const NEGATIVE_TYPES: &str = "(\"NUMERIC\" or \"INTERVAL DAY TO SECOND\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL\")";
const SIGN_TYPES: &str = "(\"DOUBLE\" or \"INTERVAL YEAR TO MONTH\" or \"INTERVAL DAY TO SECOND\")";
const CEIL_TYPES: &str = "(\"DOUBLE\" or \"DECIMAL\" or \"BIGINT\")";
const SUM_TYPES: &str = "\"NUMERIC\" or \"ANSI INTERVAL\"";
const TO_DATE_TYPES: &str = "(\"STRING\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\")";
const UNIX_TIMESTAMP_TYPES: &str =
    "(\"STRING\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\" or \"(TIMESTAMP_LTZ(P) OR TIMESTAMP_NTZ(P) WITH P IN [7, 9])\")";
pub(crate) const TIMESTAMP_TYPES: &str = "\"(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)\"";
const TIMESTAMP: &str = "\"TIMESTAMP\"";
const UNIX_SECONDS_TYPES: &str =
    "(\"(TIMESTAMP OR TIMESTAMP WITHOUT TIME ZONE)\" or \"(TIMESTAMP_LTZ(P) OR TIMESTAMP_NTZ(P) WITH P IN [7, 9])\")";
const DATE_FORMAT_TYPES: &str = "(\"TIMESTAMP\" or \"TIME\" or \"(TIMESTAMP_LTZ(P) OR TIMESTAMP_NTZ(P) WITH P IN [7, 9])\")";
const DATE_TRUNC_TYPES: &str = "(\"TIMESTAMP\" or \"(TIMESTAMP_LTZ(P) OR TIMESTAMP_NTZ(P) WITH P IN [7, 9])\")";
const FLOATING_TYPES: &str = "(\"DOUBLE\" or \"FLOAT\")";
const SECONDS_16_6: &str = "\"DECIMAL(16,6)\"";
const SECONDS_18_6: &str = "\"DECIMAL(18,6)\"";
const TO_TIMESTAMP_TYPES: &str = "(\"STRING\" or \"DATE\" or \"TIMESTAMP\" or \"TIMESTAMP_NTZ\" or \"NUMERIC\")";

/// The parameters of `function` called with `count` arguments that Spark
/// casts implicitly (arguments past the list are left as they are).
fn parameters(function: &str, count: usize) -> &'static [Param] {
    use Param::*;
    const ARRAY: Collection = Collection::Array;
    match function {
        "upper" | "lower" | "ucase" | "lcase" | "initcap" | "ascii" | "unhex" | "url_encode" | "url_decode"
        | "try_url_decode" | "unbase64" | "format_string" | "printf" => &[String],
        "levenshtein" => &[String, String, Int],
        "bit_length" | "octet_length" | "length" | "len" | "char_length" | "character_length" => &[StringOrBinary],
        "contains" | "startswith" | "endswith" => &[StringOrBinary, StringOrBinary],
        "like" | "ilike" | "rlike" | "regexp" | "regexp_like" | "trim" | "btrim" | "ltrim" | "rtrim" | "find_in_set" => {
            &[String, String]
        }
        "instr" => &[String, String, Int, Int],
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
        "positive" => &[Numeric(NEGATIVE_TYPES)],
        "sign" | "signum" => &[Numeric(SIGN_TYPES)],
        "sum" | "avg" | "mean" => &[Summable],
        "format_number" => &[NumericOnly, IntOrString],
        "bin" | "char" | "chr" => &[Long],
        "from_unixtime" => &[Long, String],
        "factorial" => &[Int],
        "shiftleft" | "shiftright" | "shiftrightunsigned" => &[Int, Int],
        "year" | "month" | "day" | "dayofmonth" | "dayofweek" | "dayofyear" | "weekofyear" | "quarter" | "weekday"
        | "last_day" => &[Date],
        "datediff" if count == 2 => &[Date, Date],
        "date_add" | "date_sub" if count == 2 => &[Date, SmallInt],
        "add_months" => &[Date, Int],
        "next_day" | "trunc" => &[Date, String],
        "make_date" => &[Int, Int, Int],
        "hour" | "minute" | "second" => &[Timestamp(TIMESTAMP_TYPES)],
        "md5" | "sha" | "sha1" | "crc32" | "base64" => &[Binary],
        "sha2" => &[Binary, Int],
        "not" | "!" => &[Boolean],
        "if" if count == 3 => &[StrictBoolean],
        "bit_count" => &[IntegralOrBoolean],
        "hex" => &[Hex],
        "to_date" => &[DateText, String],
        "unix_timestamp" | "to_unix_timestamp" => &[DatetimeOnly, StringOnly],
        "reverse" => &[StringBinaryOrArray],
        "to_timestamp" | "to_timestamp_ltz" | "try_to_timestamp" => &[TimestampText, String],
        "to_timestamp_ntz" | "try_to_date" => &[DateText, String],
        "try_sum" | "try_avg" => &[Summable],
        "timestamp_seconds" => &[NumericOnly],
        "unix_date" => &[DateOnly],
        "unix_seconds" | "unix_millis" | "unix_micros" => &[TimestampOnly(UNIX_SECONDS_TYPES)],
        "date_format" => &[Timestamp(DATE_FORMAT_TYPES), String],
        "date_trunc" => &[String, Timestamp(DATE_TRUNC_TYPES)],
        "from_utc_timestamp" | "to_utc_timestamp" => &[Timestamp(TIMESTAMP), String],
        "months_between" => &[Timestamp(TIMESTAMP), Timestamp(TIMESTAMP)],
        "dayname" | "monthname" => &[Date],
        "date_diff" if count == 2 => &[Date, Date],
        "dateadd" if count == 2 => &[Date, SmallInt],
        "date_from_unix_date" | "elt" => &[Int],
        "make_ym_interval" => &[Int, Int],
        "make_dt_interval" => &[Int, Int, Int, Decimal(18, 6, SECONDS_18_6)],
        "make_interval" | "try_make_interval" => &[Int, Int, Int, Int, Int, Int, Decimal(18, 6, SECONDS_18_6)],
        "make_timestamp" | "make_timestamp_ltz" | "make_timestamp_ntz" | "try_make_timestamp" | "try_make_timestamp_ltz"
        | "try_make_timestamp_ntz"
            if count >= 6 =>
        {
            &[Int, Int, Int, Int, Int, Decimal(16, 6, SECONDS_16_6)]
        }
        "histogram_numeric" | "nth_value" => &[Any, Int],
        "get" => &[Container(ARRAY), Int],
        "array_repeat" | "array_insert" => &[Any, IntOnly],
        "approx_percentile" | "percentile_approx" => &[Any, NumberOrArray(Number::Double, DOUBLES), Integral],
        "percentile" => &[Any, NumberOrArray(Number::Double, "\"DOUBLE\""), Any],
        "kll_sketch_get_quantile_bigint" | "kll_sketch_get_quantile_double" | "kll_sketch_get_quantile_float" => {
            &[Binary, NumberOrArray(Number::Double, DOUBLES)]
        }
        "kll_sketch_get_rank_bigint" => &[Binary, NumberOrArray(Number::Long, "(\"BIGINT\" or \"ARRAY<BIGINT>\")")],
        "kll_sketch_get_rank_double" => &[Binary, NumberOrArray(Number::Double, DOUBLES)],
        "kll_sketch_get_rank_float" => &[Binary, NumberOrArray(Number::Float, "(\"FLOAT\" or \"ARRAY<FLOAT>\")")],
        "validate_utf8" | "try_validate_utf8" | "make_valid_utf8" | "is_valid_utf8" | "to_number" | "try_to_number" => {
            &[NotNested("\"STRING\"")]
        }
        "array_join" => &[Any, StringOnly, StringOnly],
        "slice" => &[Any, Int, Int],
        "sort_array" => &[Any, StrictBoolean],
        "arrays_zip" | "map_from_arrays" => &[Container(ARRAY), Container(ARRAY)],
        "bool_and" | "bool_or" | "count_if" | "every" | "some" | "any" => &[Boolean],
        "regr_intercept" | "regr_r2" | "regr_slope" | "regr_sxx" | "regr_sxy" | "regr_syy" => &[Double, Double],
        "regr_avgx" | "regr_avgy" | "regr_count" => &[Numeric("\"NUMERIC\""), Numeric("\"NUMERIC\"")],
        "isnan" => &[Numeric(FLOATING_TYPES)],
        "nanvl" => &[Numeric(FLOATING_TYPES), Numeric(FLOATING_TYPES)],
        "width_bucket" => &[Numeric(SIGN_TYPES), Numeric(SIGN_TYPES), Numeric(SIGN_TYPES), Long],
        "bit_and" | "bit_or" | "bit_xor" | "timestamp_micros" | "timestamp_millis" => &[Integral],
        "bit_get" | "getbit" => &[Integral, Int],
        "bitmap_bit_position" | "bitmap_bucket_number" | "bitmap_construct_agg" => &[Long],
        "bitmap_count" | "bitmap_and_agg" | "bitmap_or_agg" => &[BinaryOnly],
        "to_base32" | "kll_sketch_get_n_bigint" | "kll_sketch_get_n_double" | "kll_sketch_get_n_float"
        | "kll_sketch_to_string_bigint" | "kll_sketch_to_string_double" | "kll_sketch_to_string_float" => &[Binary],
        "aes_decrypt" | "aes_encrypt" | "hmac" | "kll_sketch_merge_bigint" | "kll_sketch_merge_double"
        | "kll_sketch_merge_float" => &[Binary, Binary],
        "try_aes_decrypt" => &[Binary, Binary, String],
        "decode" if count == 2 => &[Binary, String],
        // Not the UTF-8 checks: a binary cast to STRING would lose its invalid bytes.
        "concat_ws" | "from_base32" | "quote" | "sentences" | "to_binary" | "try_to_binary" => &[String],
        "convert_timezone" if count == 3 => &[String, String, TimestampNtz],
        "convert_timezone" => &[String, TimestampNtz],
        "encode" | "jaro_winkler_similarity" | "regexp_count" | "regexp_substr" => &[String, String],
        "regexp_instr" | "split" => &[String, String, Int],
        "regexp_extract" | "regexp_extract_all" | "substring_index" => &[String, String, Int],
        "regexp_replace" => &[String, String, String, Int],
        "mask" => &[StringOnly, StringOnly, StringOnly, StringOnly, StringOnly],
        "soundex" => &[StringOnly],
        "luhn_check" => &[String],
        "overlay" => &[Any, Any, Int, Int],
        "max_by" | "min_by" => &[Any, Any, Int],
        "collation" | "from_csv" | "from_json" | "from_xml" | "json_array_length" | "json_object_keys" | "parse_json"
        | "schema_of_csv" | "schema_of_json" | "schema_of_xml" | "try_parse_json" => &[StringOnly],
        "parse_url" | "try_parse_url" => &[StringOnly, StringOnly, StringOnly],
        "get_json_object" | "xpath" | "xpath_boolean" | "xpath_double" | "xpath_float"
        | "xpath_int" | "xpath_long" | "xpath_number" | "xpath_short" | "xpath_string" => &[StringOnly, StringOnly],
        "str_to_map" => &[StringOnly, StringOnly, StringOnly],
        "listagg" | "string_agg" => &[StringOrBinary, Delimiter],
        "is_valid_variant" | "is_variant_null" | "schema_of_variant" | "schema_of_variant_agg" => &[Variant],
        "variant_strip_nulls" => &[Variant, StrictBoolean],
        "variant_get" | "try_variant_get" | "variant_set" | "try_variant_set" | "variant_insert" | "try_variant_insert"
        | "variant_array_append" | "try_variant_array_append" | "variant_delete" => &[Variant, StringOnly],
        "flatten" => &[ArrayOfArrays],
        "make_time" => &[Int, Int, Decimal(16, 6, SECONDS_16_6)],
        "time_diff" => &[String, Time, Time],
        "time_trunc" => &[String, Time],
        "time_to_seconds" | "time_to_millis" | "time_to_micros" => &[TimeOnly],
        "time_from_seconds" => &[NumericOnly],
        "time_from_millis" | "time_from_micros" => &[Integral],
        "to_time" | "try_to_time" => &[StringOnly, StringOnly],
        "map_from_entries" => &[ArrayOfPairs],
        _ => &[],
    }
}

/// What the arguments of a variadic `function` past [`parameters`] take.
fn rest_parameter(function: &str) -> Option<Param> {
    match function {
        "concat" => Some(Param::StringBinaryOrArray),
        "concat_ws" => Some(Param::StringOrArray),
        "variant_delete" => Some(Param::StringOnly),
        "arrays_zip" => Some(Param::Container(Collection::Array)),
        _ => None,
    }
}

/// What an argument of type `from` becomes for `param`.
#[derive(Debug, PartialEq)]
enum Fit {
    Keep,
    Cast(DataType),
    Reject(&'static str),
    /// Spark has no cast to this type (`DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION`).
    CannotCast(DataType),
}

fn fit(param: Param, from: &DataType, ansi: bool, time_zone: &str) -> Fit {
    use ember_functions::cast::{is_integral, is_string};
    let param = match param {
        Param::Summable if matches!(from, DataType::Timestamp(_, Some(_))) => return Fit::Cast(DataType::Float64),
        Param::Summable => Param::Numeric(SUM_TYPES),
        other => other,
    };
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
    let list_of = |element: fn(&DataType) -> bool| match from {
        DataType::List(field) | DataType::LargeList(field) => element(field.data_type()),
        _ => false,
    };
    match param {
        Param::ArrayOfArrays if !list_of(|t| matches!(t, DataType::List(_) | DataType::LargeList(_))) => {
            return Fit::Reject("\"ARRAY\" of \"ARRAY\"");
        }
        Param::ArrayOfPairs if !list_of(|t| matches!(t, DataType::Struct(fields) if fields.len() == 2)) => {
            return Fit::Reject("\"ARRAY\" of pair \"STRUCT\"");
        }
        // A NULL variant is a NULL of the variant's own struct type, which the variant kernels read.
        Param::Variant if matches!(from, DataType::Null) => return Fit::Cast(ember_types::variant_type()),
        _ => {}
    }
    if matches!(from, DataType::Null) {
        // Spark casts a NULL to the parameter's type (a number's: DOUBLE).
        return match param {
            Param::Date => Fit::Cast(DataType::Date32),
            Param::Timestamp(_) => Fit::Cast(ember_types::timestamp_type(time_zone)),
            Param::Hex => Fit::Cast(DataType::Int64),
            Param::Numeric(_) => Fit::Cast(DataType::Float64),
            Param::String => Fit::Cast(DataType::Utf8),
            Param::Time | Param::TimeOnly => Fit::Cast(ember_types::time_type()),
            Param::TimestampNtz => Fit::Cast(ember_types::timestamp_ntz_type()),
            Param::BinaryOnly => Fit::Reject("\"BINARY\""),
            Param::Integral => Fit::Cast(DataType::Int32),
            _ => Fit::Keep,
        };
    }
    // An ANSI interval is cast to STRING where a string is taken, kept where
    // the function takes intervals, and rejected elsewhere as nested values are.
    if interval {
        match param {
            Param::String
            | Param::StringOrBinary
            | Param::StringOrArray
            | Param::StringBinaryOrArray
            | Param::DateText
            | Param::TimestampText
            | Param::Hex
            | Param::NotNested(_) => return Fit::Cast(DataType::Utf8),
            Param::Numeric(required) if required.contains("INTERVAL") => return Fit::Keep,
            _ => {}
        }
    }
    let nested = nested || interval;
    let to_string = || if string { Fit::Keep } else { Fit::Cast(DataType::Utf8) };
    match param {
        Param::String if nested => Fit::Reject("\"STRING\""),
        Param::String if number || boolean || date || timestamp || binary => to_string(),
        Param::StringOrBinary if nested => Fit::Reject("(\"STRING\" or \"BINARY\")"),
        Param::StringOrBinary if number || boolean || date || timestamp => to_string(),
        Param::Double if string || (number && *from != DataType::Float64) => Fit::Cast(DataType::Float64),
        Param::Double if nested || boolean || date || timestamp || binary => Fit::Reject("\"DOUBLE\""),
        Param::Numeric(_) if string => Fit::Cast(DataType::Float64),
        Param::Numeric(required) if nested || boolean || date || timestamp || binary => Fit::Reject(required),
        Param::NumericOnly if !number => Fit::Reject("\"NUMERIC\""),
        Param::Int if string || (number && *from != DataType::Int32) => Fit::Cast(DataType::Int32),
        Param::Int if nested || boolean || date || timestamp || binary => Fit::Reject("\"INT\""),
        Param::SmallInt if string && ansi => Fit::Cast(DataType::Int32),
        Param::SmallInt if !matches!(from, DataType::Int8 | DataType::Int16 | DataType::Int32) && (number || string || nested || boolean || date || timestamp || binary) => {
            Fit::Reject("(\"INT\" or \"SMALLINT\" or \"TINYINT\")")
        }
        Param::Long if string || (number && !is_integral(from)) => Fit::Cast(DataType::Int64),
        Param::Long if nested || boolean || date || timestamp || binary => Fit::Reject("\"BIGINT\""),
        Param::Date if string || timestamp => Fit::Cast(DataType::Date32),
        Param::Date if nested || number || boolean || binary => Fit::Reject("\"DATE\""),
        Param::DateOnly if !date => Fit::Reject("\"DATE\""),
        Param::Timestamp(_) if string || date => Fit::Cast(ember_types::timestamp_type(time_zone)),
        Param::Timestamp(required) if nested || number || boolean || binary => Fit::Reject(required),
        Param::TimestampOnly(required) if nested || number || boolean || binary || string || date => Fit::Reject(required),
        Param::Binary if string => Fit::Cast(DataType::Binary),
        Param::Binary if nested || number || boolean || date || timestamp => Fit::Reject("\"BINARY\""),
        Param::BinaryOnly if nested || number || boolean || date || timestamp || string => Fit::Reject("\"BINARY\""),
        Param::StringOnly if nested || number || boolean || date || timestamp || binary => Fit::Reject("\"STRING\""),
        Param::IntOnly if !matches!(from, DataType::Int32) && (nested || number || boolean || date || timestamp || binary || string) => {
            Fit::Reject("\"INT\"")
        }
        Param::Integral if !is_integral(from) && (nested || number || boolean || date || timestamp || binary || string) => {
            Fit::Reject("\"INTEGRAL\"")
        }
        Param::IntOrString if !matches!(from, DataType::Int32) && !string && (nested || number || boolean || date || timestamp || binary) => {
            Fit::Reject("(\"INT\" or \"STRING\")")
        }
        Param::Decimal(precision, scale, _) if (string || number) && *from != DataType::Decimal128(precision, scale) => {
            Fit::Cast(DataType::Decimal128(precision, scale))
        }
        Param::Decimal(_, _, required) if nested || boolean || date || timestamp || binary => Fit::Reject(required),
        Param::Variant if !matches!(from, DataType::Struct(fields) if ember_types::is_variant_fields(fields)) => Fit::Reject("\"VARIANT\""),
        Param::StringOrArray if matches!(from, DataType::Map(..) | DataType::Struct(_)) => Fit::Reject("(\"ARRAY<STRING>\" or \"STRING\")"),
        Param::StringOrArray if number || boolean || date || timestamp || binary => to_string(),
        Param::Container(collection) if !collection.accepts(from) => Fit::Reject(collection.required()),
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
        Param::NotNested(_) if number || boolean || date || timestamp => to_string(),
        Param::Delimiter if nested => Fit::Reject("(\"STRING\" or \"BINARY\" or \"VOID\")"),
        Param::Delimiter if number || boolean || date || timestamp => to_string(),
        Param::TimestampText if nested => Fit::Reject(TO_TIMESTAMP_TYPES),
        Param::TimestampText if boolean || binary => to_string(),
        Param::NumberOrArray(number, _) if string => Fit::Cast(number.data_type()),
        Param::NumberOrArray(_, required) if matches!(from, DataType::Map(..) | DataType::Struct(_)) || boolean || date || timestamp || binary => {
            Fit::Reject(required)
        }
        Param::Time if string || timestamp => Fit::Cast(ember_types::time_type()),
        Param::Time if date => Fit::CannotCast(ember_types::time_type()),
        Param::Time if nested || number || boolean || binary => Fit::Reject("\"TIME\""),
        Param::TimeOnly if !matches!(from, DataType::Time64(_) | DataType::Time32(_)) => Fit::Reject("\"TIME\""),
        Param::TimestampNtz if string || date || matches!(from, DataType::Timestamp(_, Some(_))) => Fit::Cast(ember_types::timestamp_ntz_type()),
        Param::TimestampNtz if nested || number || boolean || binary => Fit::Reject("\"TIMESTAMP_NTZ\""),
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
        if let Some(kind) = array_pair_kind(function).filter(|_| args.len() >= 2) {
            self.check_array_pair(function, kind, names, args, input)?;
            if function == "array_contains" {
                self.cast_to_decimal_element(args, input)?;
            }
        }
        if args.len() == 2 {
            let operand = |i: usize| {
                let (_, field) = datafusion::logical_expr::ExprSchemable::to_field(&args[i], input.schema())?;
                Ok((field, crate::functions::integral_literal_digits(&args[i])))
            };
            crate::operator_types::check_operands(function, names, operand, self.config.ansi)?;
        }
        if let (Some(operator), [left, right]) = (arithmetic_operator(function), &mut *args) {
            return self.cast_arithmetic_operands(function, operator, left, right, input);
        }
        let params = parameters(function, args.len());
        let rest = rest_parameter(function);
        let params = params.iter().copied().chain(std::iter::repeat_n(rest, args.len()).flatten());
        let mode = if self.config.ansi { CastMode::Ansi } else { CastMode::Legacy };
        for (index, (arg, param)) in args.iter_mut().zip(params).enumerate() {
            let from = self.type_of(arg, input)?;
            match fit(param, &from, self.config.ansi, &self.config.time_zone) {
                Fit::Keep => {}
                // A cast to STRING never fails.
                Fit::Cast(DataType::Utf8) => *arg = spark_cast(arg.clone(), DataType::Utf8, CastMode::Legacy),
                Fit::Cast(target) => *arg = folded_number(arg, &target).unwrap_or_else(|| spark_cast(arg.clone(), target, mode)),
                Fit::CannotCast(target) => return Err(cannot_cast(&names[index.min(names.len() - 1)], &from, &target)),
                Fit::Reject(required) => {
                    // `log(x)` is Spark's `log(e, x)`: its argument is the second.
                    let index = if function == "log" && names.len() == 1 { 1 } else { index };
                    // The type as Spark names it, an ANSI interval's with its units.
                    let (_, field) = datafusion::logical_expr::ExprSchemable::to_field(&*arg, input.schema())?;
                    let input_type = format!("\"{}\"", ember_types::field_sql_string(&field));
                    let call = crate::call_names::call_name(checked_call(function), names);
                    return Err(unexpected_input_type_named(&call, index, required, &names[index.min(names.len() - 1)], &input_type));
                }
            }
        }
        Ok(())
    }
}

/// The operator of a binary arithmetic function, as Spark writes the call
/// in its messages (`pmod` keeps its name).
pub(crate) fn arithmetic_operator(function: &str) -> Option<&'static str> {
    Some(match function {
        "pmod" => "pmod",
        "try_add" => "+",
        "try_subtract" => "-",
        "try_multiply" => "*",
        "try_divide" => "/",
        "try_mod" => "%",
        _ => return None,
    })
}

/// The cast mode of an arithmetic function's implicit casts: a `try_`
/// function's casts give NULL where they fail.
pub(crate) fn arithmetic_cast_mode(function: &str, ansi: bool) -> CastMode {
    match (function.starts_with("try_"), ansi) {
        (true, _) => CastMode::Try,
        (false, true) => CastMode::Ansi,
        (false, false) => CastMode::Legacy,
    }
}

/// The type Spark gives an untyped NULL operand of the arithmetic
/// `operator` beside an `other` operand it does not cast to a number:
/// DOUBLE beside another NULL (`NULL + NULL`), the interval's type beside
/// an interval for `+` and `-`, DOUBLE for scaling one (`i * NULL`).
fn null_operand_type(operator: &str, own: &DataType, other: &DataType) -> Option<DataType> {
    if !matches!(own, DataType::Null) {
        return None;
    }
    let interval = matches!(other, DataType::Interval(_) | DataType::Duration(_));
    match operator {
        "+" | "-" if interval => Some(other.clone()),
        "*" | "/" if interval => Some(DataType::Float64),
        "+" | "-" | "*" | "%" | "mod" if matches!(other, DataType::Null) => Some(DataType::Float64),
        _ => None,
    }
}

impl crate::plan::Planner<'_> {
    /// An untyped NULL operand `value` of the arithmetic `operator` cast
    /// to the type Spark gives it beside `other` (see [`null_operand_type`]),
    /// with the units of an interval it takes the type of; `None` for
    /// other operands.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn typed_null_operand(
        &self,
        operator: &str,
        value: &Expr,
        own: &DataType,
        other: &Expr,
        other_type: &DataType,
        mode: CastMode,
        input: &LogicalPlan,
    ) -> Result<Option<Expr>> {
        let Some(target) = null_operand_type(operator, own, other_type) else { return Ok(None) };
        let takes_interval = &target == other_type;
        let typed = spark_cast(value.clone(), target, mode);
        Ok(Some(if takes_interval { self.with_units_of(typed, other, input)? } else { typed }))
    }

    /// Spark's operand types of a binary arithmetic function (checked by
    /// [`crate::operator_types::check_operands`]): a string beside a number
    /// is cast to BIGINT (beside an integral number) or DOUBLE (a `try_`
    /// function's cast gives NULL where it fails), NULL takes the other
    /// operand's numeric type. Dates and timestamps in `try_add`/`try_subtract`
    /// are left to the function.
    fn cast_arithmetic_operands(
        &self,
        function: &str,
        operator: &str,
        left: &mut Expr,
        right: &mut Expr,
        input: &LogicalPlan,
    ) -> Result<()> {
        use ember_functions::cast::{is_integral, is_string};
        let (left_type, right_type) = (self.type_of(left, input)?, self.type_of(right, input)?);
        let datetime = |t: &DataType| matches!(t, DataType::Date32 | DataType::Date64 | DataType::Timestamp(..));
        if matches!(function, "try_add" | "try_subtract") && (datetime(&left_type) || datetime(&right_type)) {
            return Ok(());
        }
        let mode = arithmetic_cast_mode(function, self.config.ansi);
        let target = |number: &DataType| match (operator, is_integral(number)) {
            ("/", _) | (_, false) => DataType::Float64,
            (_, true) => DataType::Int64,
        };
        let (left_value, right_value) = (left.clone(), right.clone());
        for (value, other_value, own, other) in [(left, right_value, &left_type, &right_type), (right, left_value, &right_type, &left_type)] {
            if let Some(typed) = self.typed_null_operand(operator, value, own, &other_value, other, mode, input)? {
                *value = typed;
                continue;
            }
            if !other.is_numeric() {
                continue;
            }
            if is_string(own) {
                *value = spark_cast(value.clone(), target(other), mode);
            } else if function == "pmod" && matches!(own, DataType::Decimal128(..)) && matches!(other, DataType::Float32 | DataType::Float64) {
                // A decimal beside a floating-point number is a DOUBLE, as in Spark (DataFusion's pmod keeps a decimal).
                *value = spark_cast(value.clone(), DataType::Float64, mode);
            } else if matches!(own, DataType::Null) {
                *value = spark_cast(value.clone(), other.clone(), mode);
            } else if self.config.ansi && *own == DataType::Float32 && crate::coercion::float_widens_beside(own, other) {
                *value = spark_cast(value.clone(), DataType::Float64, mode);
            }
        }
        Ok(())
    }
}

/// How a function combines an array with its second (or, for `array_insert`,
/// third) argument.
#[derive(Debug, Clone, Copy, PartialEq)]
enum ArrayPair {
    /// Two arrays of a common element type (`array_union`).
    Arrays,
    /// An array and a value of its element type (`array_append`).
    Element,
}

fn array_pair_kind(function: &str) -> Option<ArrayPair> {
    match function {
        "array_union" | "array_intersect" | "array_except" | "arrays_overlap" => Some(ArrayPair::Arrays),
        "array_append" | "array_prepend" | "array_contains" | "array_position" | "array_remove" | "array_insert" => {
            Some(ArrayPair::Element)
        }
        _ => None,
    }
}

impl crate::plan::Planner<'_> {
    /// Spark's check of an array function's pair of inputs: two arrays whose
    /// elements have a common type (else `DATATYPE_MISMATCH.BINARY_ARRAY_DIFF_TYPES`),
    /// or an array and a value that shares a type with its elements (else
    /// `DATATYPE_MISMATCH.ARRAY_FUNCTION_DIFF_TYPES`); a string and a
    /// number have none here.
    fn check_array_pair(&self, function: &str, kind: ArrayPair, names: &[String], args: &[Expr], input: &LogicalPlan) -> Result<()> {
        use ember_functions::cast::is_string;
        let other = if function == "array_insert" { 2 } else { 1 };
        let Some(other_arg) = args.get(other) else { return Ok(()) };
        let (array, value) = (self.type_of(&args[0], input)?, self.type_of(other_arg, input)?);
        let element_of = |t: &DataType| match t {
            DataType::List(field) | DataType::LargeList(field) => Some(field.data_type().clone()),
            _ => None,
        };
        let common = |a: &DataType, b: &DataType| {
            let one_string = is_string(a) != is_string(b) && !matches!(a, DataType::Null) && !matches!(b, DataType::Null);
            !one_string && crate::coercion::wider_type(a, b, self.config.ansi).is_some()
        };
        // Spark's tightest common type: no decimal beside another type.
        let tightest = |a: &DataType, b: &DataType| {
            let decimal = |t: &DataType| matches!(t, DataType::Decimal128(..));
            a == b || (!decimal(a) && !decimal(b) && common(a, b))
        };
        let (class, type_key, compatible) = match kind {
            ArrayPair::Arrays => {
                let compatible = match (element_of(&array), element_of(&value)) {
                    (Some(a), Some(b)) => common(&a, &b),
                    _ => false,
                };
                ("BINARY_ARRAY_DIFF_TYPES", "arrayType", compatible)
            }
            ArrayPair::Element => match element_of(&array) {
                Some(element) => {
                    let fits = if function == "array_contains" { common(&element, &value) } else { tightest(&element, &value) };
                    ("ARRAY_FUNCTION_DIFF_TYPES", "dataType", matches!(value, DataType::Null) || fits)
                }
                None => return Ok(()),
            },
        };
        if compatible {
            return Ok(());
        }
        let sql_expr = crate::call_names::call_name(function, names);
        let (left, right) = (format!("\"{}\"", ember_types::sql_string(&array)), format!("\"{}\"", ember_types::sql_string(&value)));
        let message = match kind {
            ArrayPair::Arrays => format!("Input to function `{function}` should have been two \"ARRAY\" with same element type, but it's [{left}, {right}]."),
            ArrayPair::Element => format!("Input to `{function}` should have been \"ARRAY\" followed by a value with same element type, but it's [{left}, {right}]."),
        };
        Err(SparkError::new(
            ErrorKind::Analysis,
            &format!("DATATYPE_MISMATCH.{class}"),
            "42K09",
            format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: {message}"),
            &[
                ("sqlExpr", format!("\"{sql_expr}\"")),
                ("functionName", format!("`{function}`")),
                ("leftType", left),
                ("rightType", right),
                (type_key, "\"ARRAY\"".to_string()),
            ],
        ))
    }

    /// `array_contains(array, value)` of a decimal beside another number:
    /// both cast to their wider type (DataFusion compares neither).
    fn cast_to_decimal_element(&self, args: &mut [Expr], input: &LogicalPlan) -> Result<()> {
        let (array, value) = (self.type_of(&args[0], input)?, self.type_of(&args[1], input)?);
        let DataType::List(field) = &array else { return Ok(()) };
        let element = field.data_type();
        if element == &value || ![element, &value].iter().any(|t| matches!(t, DataType::Decimal128(..))) {
            return Ok(());
        }
        let Some(wider) = crate::coercion::wider_type(element, &value, self.config.ansi) else { return Ok(()) };
        let list = DataType::List(std::sync::Arc::new(field.as_ref().clone().with_data_type(wider.clone())));
        args[0] = datafusion::logical_expr::cast(args[0].clone(), list);
        args[1] = datafusion::logical_expr::cast(args[1].clone(), wider);
        Ok(())
    }
}

/// `DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES` for the operator call `sql_expr`.
pub(crate) fn binary_op_diff_types(sql_expr: &str, left: &DataType, right: &DataType) -> SparkError {
    let quoted = |t: &DataType| format!("\"{}\"", ember_types::sql_string(t));
    binary_op_diff_types_named(sql_expr, &quoted(left), &quoted(right))
}

/// [`binary_op_diff_types`] of operands whose (quoted) types are named.
pub(crate) fn binary_op_diff_types_named(sql_expr: &str, left: &str, right: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.BINARY_OP_DIFF_TYPES",
        "42K09",
        format!("Cannot resolve \"{sql_expr}\" due to data type mismatch: the left and right operands of the binary operator have incompatible types ({left} and {right})."),
        &[("sqlExpr", format!("\"{sql_expr}\"")), ("left", left.to_string()), ("right", right.to_string())],
    )
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

/// Spark's ordinal of the 0-based `index` in its messages: `first` to
/// `third`, then `4th`, `5th`, ...
pub(crate) fn ordinal(index: usize) -> String {
    match ["first", "second", "third"].get(index) {
        Some(word) => (*word).to_string(),
        None => format!("{}th", index + 1),
    }
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
            ("paramIndex", ordinal(index)),
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
        assert_eq!(fit(Param::Numeric(ABS_TYPES), &DataType::Null, true, "UTC"), Fit::Cast(DataType::Float64));
        assert_eq!(fit(Param::Date, &DataType::Null, true, "UTC"), Fit::Cast(DataType::Date32));
        assert_eq!(fit(Param::Binary, &DataType::Null, true, "UTC"), Fit::Keep);
        assert_eq!(parameters("if", 3), &[Param::StrictBoolean]);
        assert_eq!(fit(Param::StringOnly, &DataType::Int32, true, "UTC"), Fit::Reject("\"STRING\""));
        assert_eq!(fit(Param::Integral, &DataType::Float64, true, "UTC"), Fit::Reject("\"INTEGRAL\""));
        assert_eq!(fit(Param::Decimal(16, 6, SECONDS_16_6), &DataType::Utf8, true, "UTC"), Fit::Cast(DataType::Decimal128(16, 6)));
        assert_eq!(fit(Param::ArrayOfArrays, &DataType::Null, true, "UTC"), Fit::Reject("\"ARRAY\" of \"ARRAY\""));
        assert_eq!(fit(Param::IntOrString, &DataType::Int8, true, "UTC"), Fit::Reject("(\"INT\" or \"STRING\")"));
        assert_eq!(ordinal(2), "third");
        assert_eq!(ordinal(5), "6th");
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

/// `DATATYPE_MISMATCH.NULL_TYPE`: a NULL where `function` (called as `sql`)
/// needs a typed value.
pub(crate) fn null_type(function: &str, sql: &str) -> SparkError {
    SparkError::new(
        ErrorKind::Analysis,
        "DATATYPE_MISMATCH.NULL_TYPE",
        "42K09",
        format!("Cannot resolve \"{sql}\" due to data type mismatch: Null typed values cannot be used as arguments of `{function}`."),
        &[("sqlExpr", format!("\"{sql}\"")), ("functionName", format!("`{function}`"))],
    )
}

/// `DATATYPE_MISMATCH.CAST_WITHOUT_SUGGESTION`: Spark has no cast from
/// `source` to `target` (`sql` is the cast's text).
pub(crate) fn cannot_cast(sql: &str, source: &DataType, target: &DataType) -> SparkError {
    cannot_cast_text(sql, format!("\"{}\"", ember_types::sql_string(source)), format!("\"{}\"", ember_types::sql_string(target)))
}

/// Spark's error for a cast it rejects (`sql` rendered), worded as `rejection` says.
pub(crate) fn rejected_cast(sql: &str, source: &DataType, target: &DataType, rejection: crate::expr::CastRejection) -> SparkError {
    use crate::expr::CastRejection;
    let (from, to) = (format!("\"{}\"", ember_types::sql_string(source)), format!("\"{}\"", ember_types::sql_string(target)));
    let mismatch = format!("Cannot resolve \"{sql}\" due to data type mismatch: cannot cast {from} to {to}");
    let mut parameters = vec![("sqlExpr", format!("\"{sql}\"")), ("srcType", from.clone()), ("targetType", to.clone())];
    let (class, message) = match rejection {
        CastRejection::Plain => return cannot_cast_text(sql, from, to),
        CastRejection::LegacyOnly => {
            parameters.extend([("config", "\"spark.sql.ansi.enabled\"".to_string()), ("configVal", "'false'".to_string())]);
            let hint = format!("If you have to cast {from} to {to}, you can set \"spark.sql.ansi.enabled\" as 'false'.");
            ("DATATYPE_MISMATCH.CAST_WITH_CONF_SUGGESTION", format!("{mismatch} with ANSI mode on.\n{hint}"))
        }
        CastRejection::UseFunction(functions) => {
            parameters.push(("functionNames", functions.to_string()));
            let hint = format!("To convert values from {from} to {to}, you can use the functions {functions} instead.");
            ("DATATYPE_MISMATCH.CAST_WITH_FUNC_SUGGESTION", format!("{mismatch}.\n{hint}"))
        }
    };
    SparkError::new(ErrorKind::Analysis, class, "42K09", message, &parameters)
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
