"""HyperLogLog sketches (Apache DataSketches HLL, as Spark builds them):
hll_sketch_agg, hll_union_agg, hll_sketch_estimate, hll_union. Estimates
are compared; the sketch bytes are DataSketches' own."""

import pytest
from pyspark.sql import functions as F


@pytest.fixture
def df(spark):
    return spark.createDataFrame(
        [(1, "a", 10, b"x"), (2, "b", 10, b"y"), (3, "a", None, b""), (None, None, 20, None), (2, "", 20, b"x")],
        "i int, s string, g int, b binary",
    )


def test_hll_sketch_agg_and_estimate(df, golden):
    golden.check_df(df.select(
        F.hll_sketch_estimate(F.hll_sketch_agg("i")), F.hll_sketch_estimate(F.hll_sketch_agg("s", 5)),
        F.hll_sketch_estimate(F.hll_sketch_agg("b", 21)),
    ))
    golden.check_df(df.groupBy("g").agg(F.hll_sketch_estimate(F.hll_sketch_agg("i")).alias("e")).orderBy("g"), "grouped")
    golden.check_df(df.where("i > 100").select(F.hll_sketch_estimate(F.hll_sketch_agg("i"))), "empty")


def test_hll_estimates_of_many_values(spark, golden):
    # One partition (one batch on Ember): sketches merged from several
    # partitions estimate differently (Spark's too).
    many = spark.range(0, 8000, 1, 1).select((F.col("id") % 3000).alias("v"), F.col("id").cast("string").alias("s"))
    golden.check_df(many.select(
        F.hll_sketch_estimate(F.hll_sketch_agg("v", 10)), F.hll_sketch_estimate(F.hll_sketch_agg("v")),
        F.hll_sketch_estimate(F.hll_sketch_agg("s", 14)),
    ))


def test_hll_union(df, golden):
    sketches = df.groupBy("g").agg(F.hll_sketch_agg("i").alias("a"), F.hll_sketch_agg("i", 10).alias("b"))
    golden.check_df(sketches.select(F.hll_sketch_estimate(F.hll_union_agg("a")), F.hll_sketch_estimate(F.hll_union_agg("b", True))))
    golden.check_df(sketches.select("g", F.hll_sketch_estimate(F.hll_union("a", "b", True)).alias("u")).orderBy("g"), "scalar")
    golden.check_error(lambda: sketches.select(F.hll_union("a", "b")).collect(), "different_lg_k")
    mixed = sketches.select("a").union(sketches.select("b"))
    # Which sketch comes first depends on partitions: the two sizes are compared as a set.
    with pytest.raises(Exception) as error:
        mixed.select(F.hll_union_agg("a")).collect()
    parameters = error.value.getMessageParameters()
    golden.check("union_agg_different_lg_k", [type(error.value).__name__, error.value.getSqlState(), parameters["function"], sorted([parameters["left"], parameters["right"]])])


def test_hll_sql_and_errors(spark, golden):
    golden.check_df(spark.sql(
        "SELECT hll_sketch_estimate(hll_sketch_agg(col, 12)), hll_sketch_estimate(hll_sketch_agg(col)) FROM VALUES (1), (2), (2), (3), (NULL) tab(col)"
    ))
    golden.check_df(spark.sql(
        "SELECT g, hll_sketch_estimate(hll_sketch_agg(x) OVER (PARTITION BY g)) e FROM VALUES (1, 'a'), (1, 'b'), (2, 'a') t(g, x) ORDER BY g, e"
    ), "window")
    golden.check_error(lambda: spark.sql("SELECT hll_sketch_agg(col, 2) FROM VALUES (1) tab(col)").collect(), "lg_k")
    golden.check_error(lambda: spark.sql("SELECT hll_sketch_estimate(X'0102')").collect(), "not_a_sketch")
    golden.check_error(lambda: spark.sql("SELECT hll_sketch_agg(col) FROM VALUES (1.5d) tab(col)").collect(), "double")
