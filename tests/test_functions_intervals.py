"""make_ym_interval (defaults, overflow) and try_make_interval, read as text
(the client cannot collect these interval types)."""

from conftest import requires_client
from pyspark.sql import functions as F


def test_make_ym_interval(spark, golden):
    df = spark.createDataFrame([(1, 2), (-3, None), (None, 5)], "y int, m int")
    golden.check_df(df.select(F.make_ym_interval("y", "m").cast("string"), F.make_ym_interval("y").cast("string")))
    golden.check_df(spark.sql("SELECT CAST(make_ym_interval() AS STRING), CAST(make_ym_interval(0, 30) AS STRING)"), "sql")
    golden.check_error(lambda: spark.sql("SELECT make_ym_interval(178956971, 0)").collect())


def test_try_make_interval(spark, golden):
    golden.check_df(spark.sql("SELECT CAST(try_make_interval(1, 2) AS STRING), CAST(try_make_interval(1, 2, 3, 4, 5, 6, 7.5) AS STRING)"))


@requires_client("4.3")
def test_time_bucket(spark, golden):
    import datetime

    T = datetime.datetime
    df = spark.createDataFrame(
        [(T(2024, 1, 2, 3, 4, 5),), (T(1969, 12, 31, 23, 59),), (None,)],
        "t timestamp",
    )
    hour = F.expr("INTERVAL '1' HOUR")
    origin = F.lit(T(2024, 1, 1, 0, 5))
    golden.check_df(df.select(F.time_bucket(hour, "t"), F.time_bucket(F.expr("INTERVAL '15' MINUTE"), "t", origin).alias("b")))
    golden.check_df(df.select(F.time_bucket(F.expr("INTERVAL '1' DAY"), F.col("t").cast("timestamp_ntz")).alias("d")), "ntz")
