"""Spark's TIME type (time(6)): literals, schema, show() text, casts and the
TIME functions (make_time, to_time, try_to_time, time_trunc, time_diff,
time_from_*/time_to_*, hour/minute/second, make_timestamp(date, time)).

Spark 4.3 accepts TIME only with spark.sql.timeType.enabled (Spark's own
tests run with it on); Ember always accepts it."""

import datetime
from decimal import Decimal

import pytest
from pyspark.sql import functions as F

from conftest import conf, requires_client

pytestmark = requires_client("4.1")


@pytest.fixture
def times(spark):
    with conf(spark, "spark.sql.timeType.enabled", "true"):
        yield spark.range(1).select(
            F.lit(datetime.time(12, 34, 56)).alias("t"),
            F.lit(datetime.time(10, 30, 45, 123000)).alias("f"),
            F.lit(datetime.date(2024, 5, 22)).alias("d"),
        )


def test_time_literals_schema_and_show(times, golden):
    df = times.select("t", "f", F.lit(datetime.time(1, 2, 3)), F.lit(None).cast("time").alias("n"))
    golden.check_df(df)
    golden.check_show(df._show_string(), "show")


def test_time_fields(times, golden):
    golden.check_df(times.select(F.hour("t"), F.minute("t"), F.second("t"), F.second("f"), F.hour("f")))


def test_make_time(spark, golden):
    with conf(spark, "spark.sql.timeType.enabled", "true"):
        df = spark.createDataFrame(
            [(1, 2, Decimal("3.5")), (23, 59, Decimal("59.999999")), (None, 1, Decimal(1))], "h int, m int, s decimal(16,6)"
        )
        golden.check_df(df.select(F.make_time("h", "m", "s")))
        bad = spark.createDataFrame([(1, 60, 0)], "h int, m int, s int")
        golden.check_error(lambda: bad.select(F.make_time("h", "m", "s")).collect())


def test_to_time(spark, golden):
    with conf(spark, "spark.sql.timeType.enabled", "true"):
        df = spark.createDataFrame(
            [("12:10:05", "HH:mm:ss"), (" 1:2:3 ", "HH.mm"), ("01:02:03.1234567", "HH:mm:ss.SSS"), ("01:02", "HH:mm"), (None, None)],
            "s string, fmt string",
        )
        golden.check_df(df.select(F.to_time("s"), F.try_to_time("s", "fmt"), F.try_to_time("s")), "rows")
        golden.check_df(spark.createDataFrame([("12.10.05",)], "s string").select(F.to_time("s", F.lit("HH.mm.ss"))), "format")
        golden.check_error(lambda: spark.createDataFrame([("25:00:00",)], "s string").select(F.to_time("s")).collect())


def test_time_trunc_and_diff(times, golden):
    golden.check_df(
        times.select(
            F.time_trunc(F.lit("MINUTE"), "f"),
            F.time_trunc(F.lit("millisecond"), "f"),
            F.time_trunc(F.lit("HOUR"), "t"),
            F.time_diff(F.lit("MINUTE"), "t", "f"),
            F.time_diff(F.lit("MICROSECOND"), "f", "t"),
        )
    )
    golden.check_error(lambda: times.select(F.time_trunc(F.lit("DAY"), "t")).collect(), "bad_unit")


def test_time_from_and_to(times, golden):
    golden.check_df(
        times.select(
            F.time_to_seconds("f"),
            F.time_to_millis("f"),
            F.time_to_micros("f"),
            F.time_from_seconds(F.lit(3723.5)),
            F.time_from_millis(F.lit(3723500)),
            F.time_from_micros(F.lit(3723500000)),
        )
    )
    golden.check_error(lambda: times.select(F.time_from_seconds(F.lit(86400))).collect(), "out_of_range")


def test_time_casts(times, golden):
    golden.check_df(
        times.select(
            F.col("f").cast("string").alias("s"),
            F.col("t").cast("int").alias("i"),
            F.lit("01:02:03.5").cast("time").alias("from_string"),
            F.lit("x").try_cast("time").alias("bad"),
        )
    )


def test_make_timestamp_of_date_and_time(times, golden):
    golden.check_df(
        times.select(
            F.make_timestamp(date=F.col("d"), time=F.col("f")),
            F.make_timestamp(date=F.col("d"), time=F.col("f"), timezone=F.lit("CET")),
            F.make_timestamp_ntz(date=F.col("d"), time=F.col("t")),
        )
    )
    zones = times.select("d", "f", F.lit("Asia/Tokyo").alias("z"))
    golden.check_df(zones.select(F.make_timestamp(date=F.col("d"), time=F.col("f"), timezone=F.col("z"))), "zone_column")


def test_time_function_casts(spark, golden):
    with conf(spark, "spark.sql.timeType.enabled", "true"):
        df = spark.createDataFrame([("00:00:00", 1), ("01:02:03", 2), ("11:12:13", 3)], "s string, i int")
        times = df.select(F.expr("time(s)").alias("t"), "i")
        golden.check_df(times.where(F.col("t") < datetime.time(3, 0, 0)).select("i"))


def test_current_time_is_a_time(times, golden):
    df = times.select(F.current_time())
    golden.check(
        "schema",
        df.schema.simpleString(),
    )
    assert isinstance(df.first()[0], datetime.time)


def test_time_function_argument_types(spark, golden):
    """Arguments Spark does not take fail as Spark fails them; NULLs and timestamps are cast."""
    with conf(spark, "spark.sql.timeType.enabled", "true"):
        golden.check_df(
            spark.sql(
                "SELECT time_to_seconds(NULL) a, time_diff('HOUR', TIMESTAMP'2020-01-01 05:30:00', TIME'21:30:28') b, "
                "time_trunc('MINUTE', NULL) c, time_diff('HOUR', NULL, TIME'01:00:00') d"
            )
        )
        for name, query in [
            ("to_seconds_of_int", "SELECT time_to_seconds(1)"),
            ("to_seconds_of_string", "SELECT time_to_seconds('10:00:00')"),
            ("diff_of_date", "SELECT time_diff('HOUR', DATE'2020-01-01', TIME'21:30:28')"),
            ("diff_of_bad_string", "SELECT time_diff('HOUR', 'abc', TIME'21:30:28')"),
            ("diff_unit_of_map", "SELECT time_diff(map('a', 1), TIME'20:30:29', TIME'21:30:28')"),
            ("make_time_of_timestamp", "SELECT make_time(TIMESTAMP'2020-01-01 00:00:00', 30, 45.887)"),
            ("make_time_seconds_of_bool", "SELECT make_time(6, 30, true)"),
            ("from_millis_of_double", "SELECT time_from_millis(1.5D)"),
            ("from_seconds_of_string", "SELECT time_from_seconds('1')"),
            ("try_to_time_of_int", "SELECT try_to_time(1)"),
        ]:
            golden.check_error(lambda: spark.sql(query).collect(), name)
