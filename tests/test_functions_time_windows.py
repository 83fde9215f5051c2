"""Time windows: window (tumbling and sliding, with a start offset),
session_window (static and per-row gaps, merged per group) and window_time,
in select, groupBy and SQL; rows with a NULL time fall in no window."""

import datetime

import pytest
from pyspark.sql import functions as F

T = datetime.datetime


@pytest.fixture
def events(spark):
    return spark.createDataFrame(
        [("a", T(2024, 1, 1, 0, 0), 1), ("a", T(2024, 1, 1, 0, 10), 2), ("a", T(2024, 1, 1, 0, 25), 3),
         ("b", T(2024, 1, 1, 0, 5), 4), ("a", None, 5), ("b", T(1969, 12, 31, 23, 57, 13), 6)],
        "k string, t timestamp, v int",
    )


def test_tumbling_window_in_select(events, golden):
    golden.check_df(events.select(F.window("t", "7 minutes"), "k", "v"), ordered=False)
    golden.check_df(events.select(F.window("t", "7 minutes").alias("w"), "v"), "alias", ordered=False)


def test_tumbling_window_group_by(events, golden):
    grouped = events.groupBy(F.window("t", "10 minutes")).agg(F.sum("v").alias("total"))
    golden.check_df(grouped.orderBy("window"))
    golden.check_df(grouped.select("window.start", "window.end", "total").orderBy("start"), "fields")


def test_sliding_window_with_start(events, golden):
    grouped = events.groupBy("k", F.window("t", "10 minutes", "5 minutes", "2 minutes")).count()
    golden.check_df(grouped.orderBy("k", "window"))


def test_window_time(events, golden):
    grouped = events.groupBy(F.window("t", "1 hour")).agg(F.count("*").alias("n"))
    golden.check_df(grouped.select(F.window_time("window"), "window.start", "n").orderBy("start"))
    golden.check_error(lambda: events.select(F.window_time("t")).collect())


def test_window_in_sql(spark, events, golden):
    events.createOrReplaceTempView("events")
    golden.check_df(
        spark.sql("SELECT window(t, '1 day'), count(*) FROM events GROUP BY window(t, '1 day') ORDER BY 1")
    )


def test_bad_window_durations(events, golden):
    golden.check_error(lambda: events.select(F.window("t", "bogus")).collect(), "unparsable")
    golden.check_error(lambda: events.select(F.window("t", "1 month")).collect(), "months")


def test_session_window(events, golden):
    golden.check_df(events.groupBy("k", F.session_window("t", "10 minutes")).agg(F.sum("v").alias("total")).orderBy("k", "session_window"))


def test_session_window_per_row_gap(events, golden):
    gap = F.when(F.col("k") == "a", "5 minutes").otherwise("20 minutes")
    golden.check_df(events.groupBy(F.session_window("t", gap)).count().orderBy("session_window"))


def test_window_time_of_an_expression(events, golden):
    golden.check_df(events.select(F.window_time(F.expr("window(t, '1 hour')"))), ordered=False)


def test_window_in_with_column_and_select_expr(events, golden):
    golden.check_df(events.withColumn("w", F.window("t", "1 hour")).select("k", "w"), ordered=False)
    golden.check_df(events.selectExpr("window(t, '1 hour') AS w", "v"), "select-expr", ordered=False)
    golden.check_df(events.select("*", F.window("t", "1 hour")), "star", ordered=False)


def test_session_window_day_time_gap(events, golden):
    # Spark takes calendar intervals and strings, not ANSI day-time intervals.
    gap = F.expr("INTERVAL '5' MINUTE")
    golden.check_error(lambda: events.groupBy(F.session_window("t", gap)).count().collect())


def test_window_time_column_types_as_spark(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT window(true, '5 minutes')").collect(), "boolean")
    golden.check_error(lambda: spark.sql("SELECT session_window(array(1), '5 minutes')").collect(), "session_array")
    golden.check_df(
        spark.sql(
            "SELECT * FROM (SELECT window('2020-01-01 00:07:00', '5 minutes') a "
            "UNION ALL SELECT window(DATE'2020-01-01', '5 minutes')) ORDER BY a.start"
        ),
        "cast",
    )


def test_window_of_a_struct_that_is_not_a_window_fails(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT window(named_struct('a', 1), '5 minutes')").collect(), "struct")
