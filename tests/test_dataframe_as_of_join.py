"""DataFrame._joinAsOf (the AsOfJoin relation): each left row beside the
nearest matching right row, as Spark's min_by rewrite picks it."""

import pytest
from pyspark.sql import functions as F


@pytest.fixture
def sides(spark):
    left = spark.createDataFrame(
        [(1, "a", 1.0), (5, "b", 2.0), (10, "c", 3.0), (10, "d", 3.5), (None, "e", 4.0)], "a long, left_val string, x double"
    )
    right = spark.createDataFrame(
        [(1, 1, "r1"), (2, 1, "r2"), (3, 2, "r3"), (6, 1, "r6"), (7, 2, "r7"), (7, 1, "r7b")], "a long, b long, right_val string"
    )
    return left, right


def test_inner_backward(sides, golden):
    left, right = sides
    golden.check_df(left._joinAsOf(right, leftAsOfColumn="a", rightAsOfColumn="a"), ordered=False)


@pytest.mark.parametrize("direction", ["backward", "forward", "nearest"])
@pytest.mark.parametrize("exact", [True, False])
def test_left_directions(sides, golden, direction, exact):
    left, right = sides
    joined = left._joinAsOf(right, leftAsOfColumn="a", rightAsOfColumn="a", how="left", direction=direction, allowExactMatches=exact)
    golden.check_df(joined)


@pytest.mark.parametrize("tolerance", [0, 1, 3])
@pytest.mark.parametrize("direction", ["backward", "forward", "nearest"])
def test_tolerance(sides, golden, direction, tolerance):
    left, right = sides
    joined = left._joinAsOf(right, leftAsOfColumn="a", rightAsOfColumn="a", how="left", direction=direction, tolerance=F.lit(tolerance))
    golden.check_df(joined)


def test_using_columns_and_join_expression(sides, golden):
    left, right = sides
    keyed = left.withColumnRenamed("x", "b")
    golden.check_df(keyed._joinAsOf(right.withColumn("b", F.col("b").cast("double")), "a", "a", on="b", how="left"), name="using")
    golden.check_df(left._joinAsOf(right, left.a, right.a, on=left.x == right.b, how="left"), name="expression")


def test_ties_go_to_the_last_right_row(spark, golden):
    five = spark.createDataFrame([(5,)], "a int")
    golden.check_df(five._joinAsOf(spark.createDataFrame([(3, "x"), (7, "y"), (3, "z")], "a int, v string"), "a", "a", direction="nearest"), name="three")
    golden.check_df(five._joinAsOf(spark.createDataFrame([(7, "y"), (3, "x")], "a int, v string"), "a", "a", direction="nearest"), name="two")


def test_timestamps_dates_and_mixed_types(spark, sides, golden):
    left, right = sides
    stamps = spark.sql("SELECT TIMESTAMP'2020-01-01 00:00:05' t, 1 k")
    quotes = spark.sql("SELECT TIMESTAMP'2020-01-01 00:00:01' t, 'q' v UNION ALL SELECT TIMESTAMP'2020-01-01 00:00:03', 'w'")
    golden.check_df(stamps._joinAsOf(quotes, "t", "t", tolerance=F.expr("INTERVAL 2 SECONDS")), name="timestamps")
    day = spark.sql("SELECT DATE'2020-01-05' d")
    days = spark.sql("SELECT DATE'2020-01-01' d, 1 v UNION ALL SELECT DATE'2020-01-07', 2")
    golden.check_df(day._joinAsOf(days, "d", "d", direction="nearest", tolerance=F.lit(3)), name="dates")
    golden.check_df(left._joinAsOf(right, "x", "a", how="left"), name="double_beside_long")


def test_errors(sides, golden):
    left, right = sides
    join = left._joinAsOf
    golden.check_error(lambda: join(right, "a", "a", how="bogus").collect(), name="join_type")
    golden.check_error(lambda: join(right, "a", "a", how="right").collect(), name="right_join")
    golden.check_error(lambda: join(right, "a", "a", direction="sideways").collect(), name="direction")
    golden.check_error(lambda: join(right, "a", "a", tolerance=F.lit(-1)).collect(), name="negative_tolerance")
    golden.check_error(lambda: join(right, "a", "a", tolerance=F.lit(None)).collect(), name="null_tolerance")
    golden.check_error(lambda: join(right, "a", "a", tolerance=F.expr("INTERVAL 1 DAY")).collect(), name="interval_tolerance")
    strings = right.select("right_val")
    golden.check_error(lambda: join(strings, "left_val", "right_val", direction="nearest").collect(), name="string_as_of")
    maps = left.withColumn("m", F.create_map(F.lit(1), F.lit(2)))
    golden.check_error(lambda: maps._joinAsOf(maps.select("m"), "m", "m").collect(), name="map_as_of")
