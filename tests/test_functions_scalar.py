"""Spark's scalar functions: names, types, nullability and values, through SQL
and the DataFrame API."""

import datetime as dt
import decimal

import pytest
from pyspark.sql import functions as F

from conftest import conf

SCHEMA = "i int, l bigint, d double, dec decimal(10,2), s string, s2 string, dt date, ts timestamp"
ROWS = [
    (1, 10, 1.5, decimal.Decimal("3.14"), "Hello World", "abc", dt.date(2024, 1, 31),
     dt.datetime(2024, 1, 31, 13, 45, 30, 123456)),
    (-7, -20, -0.25, decimal.Decimal("-2.50"), "  spark  ", "a,b,,c", dt.date(2000, 2, 29),
     dt.datetime(2000, 2, 29, 0, 0, 0)),
    (None, None, None, None, None, None, None, None),
]


@pytest.fixture
def t(spark):
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    df = spark.createDataFrame(ROWS, SCHEMA)
    df.createOrReplaceTempView("t")
    yield df
    spark.catalog.dropTempView("t")


def select(spark, *expressions):
    return spark.sql(f"SELECT {', '.join(expressions)} FROM t")


def test_math_names_and_domains(spark, t, golden):
    golden.check_df(select(spark, "SQRT(d)", "cbrt(d)", "ln(d)", "log(d)", "log(2, d)", "log10(d)", "log2(d)",
                           "log1p(d)", "signum(d)", "sign(i)", "sin(d)", "atan2(d, i)", "degrees(d)", "hypot(d, i)"))
    golden.check_df(select(spark, "pi()", "e()", "pow(i, 2)", "power(d, i)", "floor(d)", "ceil(d)", "floor(dec)",
                           "ceil(i)", "positive(d)", "~i", "abs(i)"), "constants_and_rounding")


def test_try_arithmetic(spark, t, golden):
    golden.check_df(select(spark, "try_add(i, 1)", "try_subtract(l, 1)", "try_multiply(i, 2)",
                           "try_divide(i, 2)", "try_divide(i, 0)", "try_add(2147483647, i)"))


def test_nullability_of_literal_arguments(spark, golden):
    df = spark.range(1).select(F.abs(F.lit(-3)), F.sqrt(F.lit(16)), F.upper(F.lit("x")),
                               F.concat_ws("-", F.lit("a"), F.lit(None).cast("string")), F.isnan(F.lit(None)))
    golden.check_df(df)


def test_string_functions_and_aliases(spark, t, golden):
    golden.check_df(select(spark, "trim(s)", "trim(BOTH 'a' FROM s2)", "trim(LEADING ' ' FROM s)",
                           "substr(s, -3)", "locate('o', s)", "locate('o', s, 6)", "position('o', s)",
                           "POSITION('l' IN s)", "overlay(s PLACING 'XX' FROM 2 FOR 3)", "ucase(s)", "lcase(s)"))


def test_regex_functions(spark, t, golden):
    golden.check_df(select(spark, "split(s2, ',')", "split(s2, ',', 2)", "regexp_replace(s, 'l+', 'L')",
                           "regexp_extract(s, '(\\\\w+) (\\\\w+)', 2)", "regexp_extract_all(s, '(\\\\w)o', 1)",
                           "regexp_substr(s, 'W\\\\w+')", "regexp_instr(s, 'o')"))
    df = t.select(F.split("s2", ","), F.regexp_replace("s", r"(\w)o", "$1!"), F.regexp_extract("s", r"(\w+)", 1))
    golden.check_df(df, "dataframe_api")


def test_conditional_functions(spark, t, golden):
    golden.check_df(select(spark, "if(i > 0, 'pos', 'neg')", "equal_null(i, 1)", "zeroifnull(i)",
                           "nullifzero(i)", "nvl2(i, 1, 2)", "isnan(d)"))
    golden.check_df(
        spark.sql("SELECT zeroifnull(NULL) a, zeroifnull(CAST(NULL AS DOUBLE)) b, zeroifnull(CAST(NULL AS TINYINT)) c, zeroifnull(1.5BD) d"),
        "zeroifnull_types",
    )
    golden.check_error(lambda: spark.sql("SELECT zeroifnull(map('a', 1))").collect(), "zeroifnull_map")
    golden.check_df(spark.sql("SELECT nvl2(NULL, 2, 1.5D) a, nvl2(1, 'x', 'y') b"), "nvl2_types")
    golden.check_error(lambda: spark.sql("SELECT nvl2(NULL, map('a', 1), 1)").collect(), "nvl2_map")


def test_concat_ws_of_other_types(spark, golden):
    """Values are cast to strings as Spark casts them (timestamps in Spark's text)."""
    golden.check_df(
        spark.sql(
            "SELECT concat_ws('|', X'41', 1, 1.5D, DATE'2020-01-01', TIMESTAMP'2020-01-01 10:00:00', true, 2.50BD, NULL, array('x', NULL)) a"
        )
    )


def test_string_searches_of_binaries(spark, golden):
    """startswith, endswith and contains compare bytes when a binary takes part."""
    golden.check_df(
        spark.sql(
            "SELECT startswith('Spark', X'53') a, startswith(X'537061726B', 'Sp') b, endswith(X'0102', X'02') c, "
            "contains(X'010203', X'0203') d, contains(X'01', X'') e, startswith(X'01', CAST(NULL AS BINARY)) f"
        )
    )


def test_datetime_patterns(spark, t, golden):
    golden.check_df(select(spark, "date_format(ts, 'yyyy-MM-dd HH:mm:ss')", "date_format(dt, 'EEE, d MMM yyyy')",
                           "date_format(ts, 'h:mm a, SSS')", "dayname(dt)", "from_unixtime(l)",
                           "from_unixtime(0, 'yyyy-MM-dd')", "unix_timestamp(ts)", "to_unix_timestamp(dt)"))
    golden.check_df(spark.sql(
        "SELECT to_date('05/03/2024', 'dd/MM/yyyy'), to_timestamp('2024-03-05', 'yyyy-MM-dd'), "
        "to_timestamp('2024-03-05 10:11:12'), unix_timestamp('2024-03-05 10:11:12'), "
        "try_to_timestamp('x', 'yyyy'), timestamp_seconds(10), timestamp_millis(1500), date_from_unix_date(1)"),
        "parsing")
    golden.check_df(spark.sql(
        "SELECT timestamp_seconds(1.5D) a, timestamp_seconds(1.5BD) b, timestamp_seconds(-1.25D) c, "
        "timestamp_seconds(CAST(1.5 AS FLOAT)) d, timestamp_seconds(1.0000015D) e, timestamp_seconds(CAST('NaN' AS DOUBLE)) f"),
        "fractional_seconds")


def test_unparseable_date_fails_under_ansi(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT to_date('x', 'yyyy-MM-dd')").collect())


def test_unparseable_date_is_null_without_ansi(spark, golden):
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_df(spark.sql("SELECT to_date('x', 'yyyy-MM-dd') AS d, to_timestamp('2024', 'yyyy-MM') AS t"))


def test_string_literal_escapes(spark, golden):
    golden.check_df(spark.sql(r"SELECT 'a\\b' AS backslash, 'tab\there' AS tab, length('\n') AS newline, "
                              r"'\u0041' AS unicode, 'x\%' AS like_escape"))


def test_hash_is_bit_identical(spark, t, golden):
    golden.check_df(spark.sql(
        "SELECT hash(1), hash(1L), hash('Spark'), hash('abcde'), hash(1.5D), hash(CAST(1.25 AS DECIMAL(10,2))), "
        "hash(1, 'a'), hash(array(1, 2)), hash(DATE'2024-01-01'), hash(true), hash(CAST(NULL AS INT)), "
        "hash(CAST(1.5 AS DECIMAL(30,2)))"), "literals")
    golden.check_df(select(spark, "hash(i)", "hash(l, s)", "hash(d)", "hash(dec)", "hash(dt)", "hash(ts)", "hash(s2)"))


def test_date_plus_days_is_date_add(spark, t, golden):
    golden.check_df(select(spark, "dt + 1", "dt - 1", "dt + i"))
    golden.check_df(t.select(F.col("dt") + 1, F.col("dt") - F.col("i")), "dataframe_api")


def test_nvl_of_null_and_nested_values(spark, golden):
    """An untyped NULL takes the type of the nested value beside it."""
    golden.check_df(
        spark.sql("SELECT nvl(NULL, map('a', 1)) a, ifnull(NULL, named_struct('a', 1)) b, coalesce(NULL, array(2), NULL) c, nvl(map('b', 2), NULL) d")
    )
