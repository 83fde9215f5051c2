"""make_ym_interval (defaults, overflow) and try_make_interval, read as text
(the client cannot collect these interval types)."""

from pyspark.sql import functions as F


def test_make_ym_interval(spark, golden):
    df = spark.createDataFrame([(1, 2), (-3, None), (None, 5)], "y int, m int")
    golden.check_df(df.select(F.make_ym_interval("y", "m").cast("string"), F.make_ym_interval("y").cast("string")))
    golden.check_df(spark.sql("SELECT CAST(make_ym_interval() AS STRING), CAST(make_ym_interval(0, 30) AS STRING)"), "sql")
    golden.check_error(lambda: spark.sql("SELECT make_ym_interval(178956971, 0)").collect())


def test_try_make_interval(spark, golden):
    golden.check_df(spark.sql("SELECT CAST(try_make_interval(1, 2) AS STRING), CAST(try_make_interval(1, 2, 3, 4, 5, 6, 7.5) AS STRING)"))
