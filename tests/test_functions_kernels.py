"""Spark functions computed by Ember's own kernels: bround, conv,
format_number, months_between, the make_timestamp family, convert_timezone,
mask, to_binary/try_to_binary, encode/decode with a charset, array_insert."""

import pytest
from pyspark.sql import functions as F


@pytest.fixture
def numbers(spark):
    return spark.createDataFrame([(2.5, 1.25, "100"), (-2.5, 3.355, "-10"), (None, None, None)], "d double, e double, s string")


def test_bround(spark, numbers, golden):
    golden.check_df(numbers.select(F.bround("d"), F.bround("e", 1), F.bround("e", 2)))
    golden.check_df(spark.sql("SELECT bround(2.5, 0), bround(3.5), bround(-2.5), bround(25, -1)"), "sql")


def test_conv(spark, numbers, golden):
    golden.check_df(numbers.select(F.conv("s", 2, 10), F.conv("s", 16, -10), F.conv("s", 16, 10)))
    golden.check_df(spark.sql("SELECT conv('ff', 16, 2), conv('255', 10, 16), conv('1', 1, 10)"), "sql")


def test_format_number(spark, numbers, golden):
    golden.check_df(numbers.select(F.format_number("d", 2), F.format_number("e", 0)))
    golden.check_df(spark.sql("SELECT format_number(12332.123456, 4), format_number(1234.5, 0), format_number(-1234567.891D, 1)"), "sql")


def test_months_between(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT months_between(to_timestamp('1997-02-28 10:30:00'), to_timestamp('1996-10-30 00:00:00')) a, "
            "months_between(DATE'2024-03-31', DATE'2024-02-29', false) b, months_between(DATE'2024-01-15', DATE'2024-03-01') c, "
            "months_between(CAST(NULL AS DATE), DATE'2024-01-01') d"
        )
    )


def test_make_timestamp(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT make_timestamp(2014, 12, 28, 6, 30, 45.887) a, make_timestamp_ntz(2014, 12, 28, 6, 30, 45.887) b, "
            "make_timestamp_ltz(2014, 12, 28, 6, 30, 45.887) c, make_timestamp(2019, 6, 30, 23, 59, 60) d, "
            "try_make_timestamp(2024, 13, 1, 0, 0, 0) e, make_timestamp(2024, 1, 1, 0, 0, 0, 'Asia/Tokyo') f"
        )
    )
    golden.check_error(lambda: spark.sql("SELECT make_timestamp(2024, 13, 1, 0, 0, 0)").collect())


def test_convert_timezone(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT convert_timezone('Europe/Brussels', 'America/Los_Angeles', TIMESTAMP_NTZ'2021-12-06 00:00:00') a, "
            "convert_timezone('Asia/Tokyo', TIMESTAMP_NTZ'2021-12-06 00:00:00') b, "
            "convert_timezone('+01:00', 'GMT-8', '2021-12-06 00:00:00') c, convert_timezone('UTC', NULL) d"
        )
    )
    golden.check_error(lambda: spark.sql("SELECT convert_timezone('Mars/Base', 'UTC', TIMESTAMP_NTZ'2021-12-06 00:00:00')").collect(), "zone")
    golden.check_error(lambda: spark.sql("SELECT convert_timezone('UTC', 'UTC', 1)").collect(), "number")


def test_mask(spark, golden):
    df = spark.createDataFrame([("AbCD123-@$#",), (None,)], "s string")
    golden.check_df(df.select(F.mask("s"), F.mask("s", F.lit("Q"), F.lit("q"), F.lit("d"), F.lit("o"))))
    golden.check_df(spark.sql("SELECT mask('abcd-EFGH-8765-4321', NULL, NULL, NULL, NULL) a, mask('AbCD123', 'Y') b"), "sql")


def test_to_binary_and_charsets(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT to_binary('abc', 'utf-8') a, to_binary('616263', 'hex') b, to_binary('U3Bhcms=', 'base64') c, "
            "try_to_binary('x', 'hex') d"
        )
    )
    golden.check_df(
        spark.sql("SELECT encode('abc', 'utf-8') a, decode(encode('héllo', 'UTF-16LE'), 'UTF-16LE') b"),
        "charsets",
    )


def test_array_insert(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT array_insert(array(1, 2, 3), 2, 5) a, array_insert(array(1, 2, 3), -1, 5) b, "
            "array_insert(array(1, 2, 3), 6, 5) c, array_insert(array(1, 2, 3), -5, 5) d, array_insert(CAST(NULL AS ARRAY<INT>), 1, 5) e"
        )
    )


def test_format_string_values_as_spark_formats_them(spark, golden):
    """Java's Formatter over Spark's internal values: dates as days, timestamps as
    microseconds, decimals as text, NULL as null, %f rounding half up."""
    golden.check_df(
        spark.sql(
            "SELECT format_string('%s|%s|%s', DATE'2020-01-01', TIMESTAMP'2020-01-01 00:00:00', 1.50BD) a, "
            "format_string('%.2f|%.1f|%.2f|%.0f|%f', 0.125D, 0.25D, 1.005D, 2.5D, -0.0000005D) b, "
            "printf('%d|%s|%5s|%-5d|', NULL, NULL, NULL, NULL) c, format_string('%s|%s', 1.0E10D, CAST(1.5 AS FLOAT)) d, "
            "format_string('%2$s %1$.1f %<s', 0.05D, 'x') e, format_string('%5.1f', CAST(2.25 AS FLOAT)) f"
        )
    )
    df = spark.createDataFrame([(0.125, "%6s"), (None, "%s")], "v double, f string")
    golden.check_df(df.select(F.format_string("%.2f", "v"), F.format_string(F.col("f"), F.lit(1.5).cast("decimal(3,2)"))), "columns")


def test_format_string_conversions_a_value_does_not_take_fail_as_java(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT format_string('%d', 1.5D)").collect(), "double_as_integer")
    golden.check_error(lambda: spark.sql("SELECT printf('%f', 1)").collect(), "integer_as_float")
    golden.check_error(lambda: spark.sql("SELECT printf('%tY', DATE'2020-01-01')").collect(), "date_as_time")
    golden.check_df(
        spark.sql("SELECT format_string('%d|%s', CAST(NULL AS DOUBLE), 'x') a, format_string('%c|%x', 65, 255L) b, format_string('%d', id) c FROM range(0, 1)")
    )
