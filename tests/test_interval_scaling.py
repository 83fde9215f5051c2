"""Arithmetic of ANSI intervals typed as Spark types it: times and divided
by numbers (Spark's MultiplyDTInterval,
DivideDTInterval and their year-month forms): integral, DECIMAL and DOUBLE
factors, the result rounded half up to a microsecond or a month, typed
`interval day to second` / `interval year to month` whatever the input's
fields, `number * interval` named with the interval first, Spark's errors
for a zero divisor; negation and sums keeping or widening the units
(`interval hour to minute`), and `date - date` as an `interval day`."""

from pyspark.sql import functions as F


def intervals(spark):
    return spark.sql(
        "SELECT INTERVAL '3' HOUR AS i, INTERVAL '90' MINUTE AS m, INTERVAL '0.000001' SECOND AS tiny, "
        "2 AS n, 1.5 AS d, 0.5D AS f, 3 AS three"
    )


def test_day_time_interval_scaling(spark, golden):
    df = intervals(spark)
    golden.check_df(
        df.select(
            F.col("i") * 2,
            F.col("i") * F.col("d"),
            F.col("i") / F.col("n"),
            F.col("i") * F.col("f"),
            F.col("n") * F.col("i"),
            F.col("m") / 4,
            F.col("tiny") / 2,
            -F.col("tiny") / 2,
            F.col("m") / F.col("three"),
        )
    )
    golden.check_df(
        spark.sql("SELECT i * 2 AS a, i / 2 AS b, 2.5 * i AS c, i * 0.3333333 AS d FROM (SELECT INTERVAL '1:30' HOUR TO MINUTE AS i)"),
        "sql",
    )


def test_year_month_interval_scaling(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT CAST(y * 2 AS STRING) AS a, CAST(y / 4 AS STRING) AS b, CAST(y * 1.25 AS STRING) AS c, "
            "CAST(3 * y AS STRING) AS d FROM (SELECT INTERVAL '1-3' YEAR TO MONTH AS y)"
        )
    )


def test_division_by_zero(spark, golden):
    df = intervals(spark)
    golden.check_error(lambda: df.select(F.col("i") / 0).collect(), "integral")
    golden.check_error(lambda: df.select(F.col("i") / F.lit(0.0)).collect(), "double")
    golden.check_df(df.select((F.col("i") * F.lit(None).cast("int")).alias("null_factor")), "null")


def test_units_of_computed_intervals(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT -i AS a, i + i AS b, h + m AS c, h - m AS d, m - s AS e, typeof(-i) AS f, typeof(h + m) AS g, typeof(i) AS h "
            "FROM (SELECT INTERVAL '3' HOUR AS i, INTERVAL '3' HOUR AS h, INTERVAL '5' MINUTE AS m, INTERVAL '7' SECOND AS s)"
        )
    )


def test_date_minus_date_is_interval_day(spark, golden):
    import datetime

    df = spark.createDataFrame([(datetime.date(2024, 3, 1), datetime.date(2024, 1, 1))], "a date, b date")
    golden.check_df(df.select(F.col("a") - F.col("b"), F.col("b") - F.col("a")))
    golden.check_df(spark.sql("SELECT DATE '2024-03-01' - DATE '2023-03-01' AS d, typeof(DATE '2024-03-01' - DATE '2024-01-01') AS t"), "sql")


def test_aggregates_keep_units(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT sum(i) AS s, max(i) AS mx, min(i) AS mn "
            "FROM (SELECT INTERVAL '3' HOUR AS i UNION ALL SELECT INTERVAL '4' HOUR)"
        )
    )
