"""Spark's implicit casts of function arguments (`abs('1.5')`,
`year('2020-01-01')`, `upper(1)`) and its `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE`
for arguments it does not cast (`sqrt(true)`, `md5(1)`, `upper(array(1))`),
and `round`/`bround` with Spark's result types and tie-breaking."""

import pytest

SOURCE = (
    "(SELECT array(1, 2) AS arr, map('a', 1) AS m, named_struct('x', 1) AS s, 'abc' AS str, '12' AS num, 1 AS i, "
    "DATE'2020-01-01' AS d, X'01' AS bin, true AS b, 1.5 AS dec, TIMESTAMP'2020-01-01 10:20:30' AS ts)"
)

ACCEPTED = [
    "abs(num)", "sqrt(num)", "round(num, 1)", "round(dec, '1')", "upper(i)", "upper(bin)", "upper(b)", "length(i)",
    "length(bin)", "concat(str, i)", "year(ts)", "year('2020-01-01')", "date_add(d, '1')", "date_add(ts, 1)",
    "substring(str, '1', 2)", "substring(str, dec, 2)", "md5(str)", "exp(num)", "sum(num)", "avg(num)",
    "bit_count(b)", "hex(b)", "hex(dec)", "bin(dec)", "conv(i, '2', 10)", "ceil(num)", "floor(dec)", "negative(num)",
    "-num", "NOT 'true'", "degrees(num)", "hour(d)", "hour('2020-01-01 12:00:00')", "crc32(str)",
    "sha2(str, '256')", "base64(str)", "repeat(str, '2')", "lpad(str, '5', 'x')", "left(str, '2')",
    "datediff(ts, d)", "last_day(ts)", "add_months(d, '1')", "shiftleft(dec, 1)", "shiftleft(num, 1)",
    "factorial(dec)", "chr(dec)", "pmod(7, 2)", "printf('%d-%s', i, str)", "from_unixtime(0, 'yyyy-MM-dd')",
    "levenshtein(str, 'abd', 2)", "reverse(i)", "reverse(b)", "to_timestamp(i)", "log(num)", "log(2, num)", "date_add(d, 1Y)",
]

REJECTED = [
    "upper(arr)", "length(m)", "sqrt(arr)", "sqrt(b)", "abs(s)", "abs(b)", "year(arr)", "year(i)", "year(bin)",
    "substring(arr, 1, 2)", "md5(arr)", "md5(i)", "md5(d)", "round(b)", "date_add(arr, 1)", "date_add(d, dec)",
    "date_add(d, 1L)", "lower(s)", "trim(arr)", "exp(m)", "exp(b)", "bit_count(str)", "bit_count(dec)", "sum(arr)",
    "sum(b)", "avg(b)", "ascii(arr)", "hex(s)", "log(arr)", "log(b, 8)", "bin(b)", "conv(arr, 2, 10)", "ceil(b)",
    "negative(b)", "-b", "NOT i", "NOT bin", "if(str, 1, 2)", "if(i, 1, 2)", "degrees(b)", "hour(i)", "minute(arr)",
    "crc32(i)", "sha1(i)", "sha2(i, 256)", "base64(i)", "format_number(str, 2)", "format_number(b, 2)",
    "lpad(arr, 3, 'x')", "instr(arr, 'a')", "datediff(arr, d)", "sign(b)", "weekday(i)", "date_sub(d, b)",
    "variance(b)", "sqrt(d)", "to_date(m)", "to_date(arr)", "unix_timestamp(i)", "unix_timestamp(b)",
    "unix_timestamp(s)", "reverse(s)", "reverse(m)", "to_timestamp(arr)",
]


def check_values_and_types(spark, golden, expressions):
    for expression in expressions:
        row = spark.sql(f"SELECT {expression} AS v, typeof({expression}) AS t FROM {SOURCE}").collect()[0]
        golden.check(expression, [str(row.v), row.t])


def test_accepted_arguments_are_cast(spark, golden):
    check_values_and_types(spark, golden, ACCEPTED)


def test_rejected_arguments_fail_with_spark_parameters(spark, golden):
    for expression in REJECTED:
        with pytest.raises(Exception) as failure:
            spark.sql(f"SELECT {expression} FROM {SOURCE}").collect()
        parameters = failure.value.getMessageParameters() or {}
        golden.check(
            expression,
            {"condition": failure.value.getCondition(), **{k: parameters.get(k) for k in ("paramIndex", "requiredType", "inputSql", "inputType")}},
        )


@pytest.mark.parametrize("ansi", ["true", "false"])
def test_malformed_strings_cast_implicitly(spark, golden, ansi):
    from conftest import conf

    with conf(spark, "spark.sql.ansi.enabled", ansi):
        for expression in ["abs(str)", "year(str)", "sqrt(str)", "sum(str)", "hour(str)", "date_add(d, str)", "to_date(i)", "to_date(b)"]:
            try:
                golden.check(expression, [str(v) for v in spark.sql(f"SELECT {expression} FROM {SOURCE}").collect()[0]])
            except Exception as e:
                golden.check(expression, {"condition": e.getCondition()})


def test_round_and_bround(spark, golden):
    expressions = [
        "round(2.675D, 2)", "round(-2.5D)", "round(2.5D)", "round(1.005D, 2)", "round(CAST(2.5 AS FLOAT))",
        "round(125, -1)", "round(-125, -1)", "round(1e300D, -299)", "round(0.285D, 2)", "bround(2.5D)",
        "bround(CAST(2.5 AS FLOAT))", "round(dec, 0)", "round(CAST(-1.55 AS DECIMAL(3,2)), 1)", "round(12.345, -1)",
        "round(CAST(1 AS DECIMAL(38,2)), 1)", "round(NULL)", "round(i, 2)", "round(dec, 3)", "round(9.99, 1)",
        "bround(12.345, -1)", "bround(CAST(-2.25 AS DECIMAL(4,2)), 1)", "round(CAST('NaN' AS DOUBLE))",
        "round(-0.4D)", "round(99.5D, -2)", "round(0.000123456D, 5)",
    ]
    for expression in expressions:
        row = spark.sql(f"SELECT {expression} AS v, typeof({expression}) AS t FROM {SOURCE}").collect()[0]
        golden.check(expression, [str(row.v), row.t])


# Functions whose arguments Spark checks and casts through the same table
# (each a case of a kind of parameter: INT, DECIMAL seconds, integral only,
# STRING only, VARIANT, arrays of arrays or pairs, variadic values, ...).
MORE_ACCEPTED = [
    "make_date(num, '1', 1)", "make_timestamp(2020, 1, 1, 0, 0, dec)", "make_timestamp(num, '1', 1, 0, 0, 1)",
    "make_dt_interval(1, 2, 3, num)", "bit_and(i)", "bit_get(i, '0')", "regexp_replace(i, '1', 'x')",
    "get_json_object('{\"a\":1}', '$.a')", "date_diff(ts, '2019-12-01')", "dayname(ts)", "monthname('2020-03-01')",
    "date_format(d, 'yyyy')", "date_format('2020-01-01 10:00:00', 'HH')", "months_between(d, '2019-01-01')",
    "from_utc_timestamp(d, 'UTC')", "unix_date(d)", "unix_seconds(ts)", "timestamp_seconds(i)", "timestamp_millis(i)",
    "isnan(num)", "nanvl(num, 1)", "width_bucket(num, 0, 100, 5)", "to_base32(str)", "hmac(str, 'k')",
    "bool_and('true')", "elt(1, i, str)", "concat(i, b)", "concat(bin, bin)", "concat_ws('-', i, str)",
    "array_repeat(str, 2)", "flatten(array(arr, arr))", "map_from_entries(array(named_struct('k', 1, 'v', 2)))",
    "arrays_zip(arr, arr)", "sort_array(arr, false)", "slice(arr, '1', 1)", "get(arr, '0')", "listagg(i)",
    "variant_get(parse_json('{\"a\":1}'), '$.a')", "is_variant_null(parse_json('null'))", "format_number(dec, '#.##')",
    "format_number(i, '0.0')", "str_to_map('a:1')", "date_trunc('YEAR', d)", "variant_get(NULL, '$.a', 'int')",
    "is_variant_null(NULL)", "from_unixtime(0, i)",
]

MORE_REJECTED = [
    "make_timestamp(b, 1, 1, 0, 0, 0)", "make_timestamp(2020, 1, 1, b, 0, 0)", "make_timestamp(2020, 1, 1, 0, 0, b)", "make_dt_interval(1, 2, 3, d)",
    "make_date(d, 1, 1)", "bit_and(dec)", "bit_and(str)", "bit_get(dec, 0)", "regexp_replace(arr, 'a', 'b')",
    "get_json_object(i, '$.a')", "date_diff(i, d)", "dayname(i)", "unix_date(ts)",
    "unix_date(str)", "unix_seconds(d)", "timestamp_seconds(str)", "timestamp_millis(dec)", "isnan(b)", "nanvl(d, 1)",
    "width_bucket(b, 0, 100, 5)", "to_base32(i)", "hmac(i, 'k')", "bool_and(i)", "array_repeat(str, 2L)",
    "flatten(arr)", "flatten(NULL)", "map_from_entries(arr)", "arrays_zip(arr, i)", "sort_array(arr, 'true')",
    "slice(m, 1, 1)", "concat(m)", "concat_ws('-', m)", "variant_get(str, '$.a')",
    "is_variant_null(i)", "format_number(dec, 2L)", "format_number(dec, b)", "format_number(i, CAST(2 AS TINYINT))", "to_unix_timestamp(d, 1)",
    "str_to_map(i)", "parse_url(i, 'HOST')", "date_trunc('YEAR', i)", "date_format(i, 'yyyy')",
    "months_between(i, d)", "listagg(arr)", "array_size(i)", "from_unixtime(0, arr)",
]


def test_more_functions_cast_their_arguments(spark, golden):
    check_values_and_types(spark, golden, MORE_ACCEPTED)


def test_more_functions_reject_arguments_with_spark_parameters(spark, golden):
    for expression in MORE_REJECTED:
        golden.check_error(lambda: spark.sql(f"SELECT {expression} FROM {SOURCE}").collect(), expression)


def test_arithmetic_and_conditional_functions_type_their_operands(spark, golden):
    accepted = [
        "pmod(num, 5)", "pmod(NULL, 3)", "pmod(dec, i)", "pmod(CAST(-1.5 AS DECIMAL(10,2)), 3L)", "pmod(-7.25, 2.5D)",
        "pmod(CAST(-7 AS DECIMAL(5,0)), CAST(2.5 AS DECIMAL(3,1)))", "try_add(num, 1)", "try_add('abc', 1)", "try_divide(num, 2)",
        "try_mod('abc', 2)", "try_multiply(num, 2.5D)", "try_subtract(d, 1)", "coalesce(i, num)", "coalesce(dec, i)",
        "nvl(NULL, str)", "greatest(i, dec)", "least(d, ts)", "greatest(str, 'b')",
    ]
    for expression in accepted:
        row = spark.sql(f"SELECT {expression} AS v, typeof({expression}) AS t FROM {SOURCE}").collect()[0]
        golden.check(expression, [str(row.v), row.t])
    rejected = [
        "pmod(b, 2)", "pmod(arr, 2)", "pmod(2, d)", "try_add(i, b)", "try_subtract(1, bin)", "try_multiply(d, 2)",
        "try_divide(i, m)", "try_mod(s, 2)", "coalesce(i, b)", "coalesce(arr, i)", "nvl(d, i)", "ifnull(b, bin)",
        "greatest(i, str)", "least(d, i)", "greatest(i, arr)", "coalesce('abc', i)",
    ]
    for expression in rejected:
        golden.check_error(lambda: spark.sql(f"SELECT {expression} FROM {SOURCE}").collect(), expression)


def test_format_number_with_patterns(spark, golden):
    values = [
        "12332.123456D", "-0.5D", "0D", "0.125D", "0.135D", "1.005D", "1e20D", "-1234567.891D", "CAST('NaN' AS DOUBLE)",
        "CAST('Infinity' AS DOUBLE)", "CAST(NULL AS DOUBLE)", "12345", "-9876543210L", "CAST(123.455 AS DECIMAL(10,3))",
        "CAST(-0.001 AS DECIMAL(10,3))", "CAST(2.5 AS FLOAT)", "CAST(5 AS TINYINT)",
    ]
    patterns = [
        "'#.##'", "'#,###.00'", "'0.000'", "'#,##0.0#'", "'000000'", "'#'", "''", "'$#,##0.00'", "'#%'", "'##,##'",
        "'0.00E0'", "'''x''#'", "'#.##;(#.##)'", "'#,##0.###'", "'abc'", "NULL", "'.00'", "'#.'", "'0.0 USD'",
        "'#,##0.00;-#'", "'#.##%'",
    ]
    for pattern in patterns:
        texts = spark.sql(f"SELECT {', '.join(f'format_number({v}, {pattern})' for v in values)}").collect()[0]
        golden.check(pattern, list(texts))
    golden.check_error(lambda: spark.sql("SELECT format_number(1.5D, '#.#.#')").collect(), "two points")
    row = spark.sql("SELECT format_number(x, p) FROM VALUES (1.5D, '#.00'), (2.25D, '0.0'), (NULL, '#'), (3D, NULL) AS t(x, p)").collect()
    golden.check("per row", [r[0] for r in row])


def test_array_functions_check_element_types(spark, golden):
    accepted = [
        "array_union(arr, array(1.5D))", "arrays_overlap(arr, array(CAST(2 AS BIGINT)))", "array_append(array(str), num)",
        "array_contains(arr, 2.0D)", "array_position(arr, CAST(2 AS BIGINT))", "array_remove(arr, NULL)",
        "array_prepend(arr, NULL)", "array_except(arr, arr)",
    ]
    for expression in accepted:
        row = spark.sql(f"SELECT {expression} AS v, typeof({expression}) AS t FROM {SOURCE}").collect()[0]
        golden.check(expression, [str(row.v), row.t])
    rejected = [
        "array_union(i, arr)", "array_intersect(arr, m)", "array_except(arr, array(str))", "arrays_overlap(NULL, arr)",
        "array_append(array(str), i)", "array_prepend(arr, b)", "array_contains(arr, num)", "array_position(arr, d)",
        "array_remove(arr, arr)", "array_insert(arr, 1, str)", "array_insert(arr, 1L, 5)",
    ]
    for expression in rejected:
        golden.check_error(lambda: spark.sql(f"SELECT {expression} FROM {SOURCE}").collect(), expression)


def test_interval_arguments(spark, golden):
    """An ANSI interval is cast to STRING where a function takes a string,
    kept where it takes intervals, and rejected elsewhere."""
    golden.check_df(
        spark.sql(
            "SELECT upper(INTERVAL '1' YEAR) a, ascii(INTERVAL '1' HOUR) b, bit_length(INTERVAL '1' YEAR) c, reverse(INTERVAL '1' DAY) d, "
            "concat_ws(',', INTERVAL '1' DAY) e, hex(INTERVAL '1' DAY) f, abs(INTERVAL '-1' DAY) g, sum(INTERVAL '1' DAY) h"
        )
    )
    for name, call in {
        "sqrt": "sqrt(INTERVAL '1' DAY)",
        "acos": "acos(INTERVAL '1' YEAR)",
        "md5": "md5(INTERVAL '1' DAY)",
        "round": "round(INTERVAL '1' DAY)",
        "date_add": "date_add(DATE'2020-01-01', INTERVAL '1' DAY)",
        "format_number": "format_number(INTERVAL '1' DAY, 2)",
        "timestamp_seconds": "timestamp_seconds(INTERVAL '1' DAY)",
        "to_date": "to_date(INTERVAL '1' DAY)",
    }.items():
        golden.check_error(lambda: spark.sql(f"SELECT {call}").collect(), name)


@pytest.mark.parametrize("ansi", ["true", "false"])
def test_strings_compared_with_dates_timestamps_and_booleans(spark, golden, ansi):
    from conftest import conf

    with conf(spark, "spark.sql.ansi.enabled", ansi):
        golden.check_df(
            spark.sql(
                "SELECT nullif(DATE'2020-01-01', '2020-01-01'), equal_null(true, 'true'), nullif('1', true), "
                "TIMESTAMP'2020-01-01 00:00:00' < '2020-01-02', DATE'2020-01-01' = '2020-01-01 10:00:00', "
                "TIMESTAMP_NTZ'2020-01-01 00:00:00' = '2020-01-01'"
            )
        )
        for name, sql in [("date", "SELECT DATE'2020-01-01' = 'abc'"), ("boolean", "SELECT nullif(true, 'abc')"), ("timestamp", "SELECT equal_null('x', TIMESTAMP'2020-01-01 01:02:03')")]:
            try:
                golden.check(name, [repr(r) for r in spark.sql(sql).collect()])
            except Exception as e:  # noqa: BLE001 - the ANSI error is the outcome
                golden.check(name, {"condition": e.getCondition(), "parameters": e.getMessageParameters()})
