"""AND and OR evaluate their right side only on rows the left side does not decide,
so guards against failing expressions work under ANSI mode, as in Spark."""

from pyspark.sql import functions as F


def _values(spark):
    return spark.createDataFrame([(0, "7"), (2, "x"), (5, "12"), (None, None), (-1, "3")], "x int, s string")


def test_guarded_division_in_where(spark, golden):
    golden.check_df(spark.sql("SELECT id FROM range(6) WHERE id <> 3 AND 10 / (id - 3) > 1 ORDER BY id"))


def test_guarded_division_in_select_list(spark, golden):
    df = _values(spark).select(
        "x",
        (F.col("x").isNotNull() & (F.col("x") != 0) & (F.lit(10) / F.col("x") > 2)).alias("and_guard"),
        ((F.col("x") == 0) | (F.lit(10) / F.col("x") > 2)).alias("or_guard"),
        (F.col("x").isNull() | (F.col("x") == 0) | (F.lit(10) % F.col("x") == 0)).alias("or_chain"),
    )
    golden.check_df(df.orderBy("x"))


def test_stacked_filters_guard_each_other(spark, golden):
    df = _values(spark).filter(F.col("x") != 0).filter(F.lit(10) / F.col("x") > 1)
    golden.check_df(df.select("x").orderBy("x"))


def test_guarded_cast(spark, golden):
    df = _values(spark).filter(F.col("s").rlike("^[0-9]+$") & (F.col("s").cast("int") > 5))
    golden.check_df(df.select("s").orderBy("s"))


def test_guarded_condition_of_a_join(spark, golden):
    _values(spark).createOrReplaceTempView("sc_left")
    spark.createDataFrame([(0, 0), (5, 5), (2, 0)], "k int, d int").createOrReplaceTempView("sc_right")
    golden.check_df(spark.sql(
        "SELECT l.x, r.d FROM sc_left l JOIN sc_right r ON l.x = r.k AND r.d <> 0 AND l.x / r.d >= 1 ORDER BY l.x"
    ))


def test_guarded_having(spark, golden):
    golden.check_df(spark.sql(
        "SELECT id % 3 AS g, count(*) AS n FROM range(7) GROUP BY id % 3 "
        "HAVING count(*) <> 2 AND 6 / (count(*) - 2) > 2 ORDER BY g"
    ))


def test_unguarded_rows_still_fail(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT id FROM range(6) WHERE id >= 0 AND 10 / (id - 3) > 1").collect())


def test_null_left_side_evaluates_the_right_side(spark, golden):
    df = spark.createDataFrame([(None, 0), (True, 2)], "b boolean, x int")
    golden.check_error(lambda: df.filter(F.col("b") & (F.lit(10) / F.col("x") > 1)).collect())


def test_explain_prints_the_conjunction_as_written(spark):
    df = spark.range(10).filter((F.col("id") != 3) & (F.lit(10) / (F.col("id") - 3) > 1))
    text = df._explain_string(mode="simple")
    assert "CASE" not in text and " AND " in text, text
