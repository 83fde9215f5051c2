"""next_day of dates, timestamps and strings, and elt, with Spark's ANSI
errors for an unknown day of the week or a position out of range (NULL
without ANSI mode)."""

import datetime

from conftest import conf
from pyspark.sql import functions as F


def test_next_day(spark, golden):
    df = spark.createDataFrame(
        [(datetime.date(2024, 2, 29), datetime.datetime(2024, 2, 29, 23, 59), "2024-02-29", "mon"),
         (datetime.date(2023, 12, 31), None, None, "Sunday"), (None, None, "2024-01-01", None)],
        "d date, t timestamp, s string, dow string",
    )
    golden.check_df(df.select(F.next_day("d", "TU"), F.next_day("t", "fri"), F.next_day("s", "THURSDAY"), F.next_day("d", F.col("dow"))))


def test_next_day_bad_day(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT next_day(DATE'2024-01-01', 'xx')").collect())
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_df(spark.sql("SELECT next_day(DATE'2024-01-01', 'xx')"), "legacy")


def test_elt(spark, golden):
    golden.check_df(spark.sql("SELECT elt(1, 'a', 'b'), elt(2, 'a', NULL), elt(NULL, 'a'), elt(2, 1, 2)"))
    golden.check_error(lambda: spark.sql("SELECT elt(3, 'a', 'b')").collect(), "out-of-range")
    golden.check_error(lambda: spark.sql("SELECT elt(0, 'a', 'b')").collect(), "zero")
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_df(spark.sql("SELECT elt(3, 'a', 'b'), elt(0, 'a')"), "legacy")
