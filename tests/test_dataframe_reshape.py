"""unpivot/melt (Unpivot), transpose (Transpose) and observe (CollectMetrics)."""

import pytest
from pyspark.sql import Observation
from pyspark.sql import functions as F

from conftest import requires_client


@pytest.fixture
def wide(spark):
    return spark.createDataFrame(
        [(1, 11, 1.1), (2, 12, None), (3, None, 3.3)], "id int, int_col int, double_col double"
    )


def test_unpivot(wide, golden):
    golden.check_df(wide.unpivot("id", ["int_col", "double_col"], "var", "val"))


def test_melt_all_other_columns(wide, golden):
    golden.check_df(wide.melt(["id"], None, "variable", "value"))


def test_unpivot_no_ids(wide, golden):
    golden.check_df(wide.select("int_col").unpivot([], ["int_col"], "k", "v"))


def test_transpose(spark, golden):
    df = spark.createDataFrame([("x", 1, 2), ("y", 3, 4)], "key string, a int, b int")
    golden.check_df(df.transpose())


def test_transpose_index_column(spark, golden):
    df = spark.createDataFrame([(2, 10, 20), (1, 30, 40)], "id int, a int, b int")
    golden.check_df(df.transpose(F.col("id")))


def test_observe_named(wide, golden):
    observation = Observation("stats")
    observed = wide.observe(observation, F.count(F.lit(1)).alias("rows"), F.max("id").alias("max_id"))
    golden.check_df(observed)
    golden.check("metrics", observation.get)


@requires_client("4.3")  # older clients ignore an observation's errors
def test_observation_errors_reach_the_observations(spark, golden):
    """A failing metric fails no rows: every observation of the query raises
    its error from get instead."""
    failing, counting = Observation("failing"), Observation("counting")
    observed = spark.range(5).observe(failing, F.sum("id").alias("s"), F.raise_error(F.lit("metric failed")).alias("e"))
    golden.check_df(observed.observe(counting, F.count(F.lit(1)).alias("n")))
    golden.check_error(lambda: failing.get, name="failing")
    golden.check_error(lambda: counting.get, name="counting")


def test_transpose_index_only(spark, golden):
    golden.check_df(spark.createDataFrame([("z",), ("y",), ("x",)], "a string").transpose())


def test_transpose_index_must_be_a_column(spark, golden):
    df = spark.createDataFrame([(1, 2)], "a int, b int")
    golden.check_error(lambda: df.transpose(F.col("a") + 1).collect())


def test_observe_same_name_twice_fails(wide, golden):
    observed = wide.observe("metric", F.count(F.lit(1)).alias("cnt"))
    golden.check_error(lambda: observed.observe("metric", F.max("id").alias("m")).collect())


@requires_client("4.3")
def test_zip_side_by_side(spark, golden):
    df = spark.createDataFrame([(1, 10), (2, 20), (3, 30)], "a int, b int")
    left = df.select((df.a + 1).alias("x"))
    right = df.select((df.b * 2).alias("y"))
    golden.check_df(left.zip(right))


@requires_client("4.3")
def test_zip_side_references_fail(spark, golden):
    df = spark.createDataFrame([(1, 10), (2, 20)], "a int, b int")
    left = df.select(df.a.alias("x"))
    right = df.select(df.b.alias("y"))
    golden.check_error(lambda: left.zip(right).select(left.x).collect())


@requires_client("4.3")
def test_zip_with_index(spark, golden):
    df = spark.createDataFrame([("a", 1), ("b", 2), ("c", 3)], "letter string, number int")
    golden.check_df(df.zipWithIndex())
    golden.check_df(df.zipWithIndex("row_id"), name="named")


def test_transpose_index_of_array_type_fails(spark, golden):
    df = spark.createDataFrame([(["x", "x"], "y")], "a array<string>, b string")
    golden.check_error(lambda: df.transpose().collect())


def test_transpose_without_common_type_fails(spark, golden):
    df = spark.createDataFrame([("x", "y", 1)], "a string, b string, c long")
    golden.check_error(lambda: df.transpose().collect())


def test_unpivot_rejects_predicate_subqueries(spark, golden):
    t1 = spark.createDataFrame([(1, 2), (3, 4)], "c1 int, c2 int")
    t2 = spark.createDataFrame([(1, 2)], "c1 int, c2 int")
    # Spark's message prints its plan with expression ids: only its operator is compared.
    for name, unpivoted in [("exists_value", lambda: t1.unpivot("c1", t2.exists(), "c1", "c2")),
                            ("exists_id", lambda: t1.unpivot(t2.exists(), "c2", "c1", "c2")),
                            ("in_value", lambda: t1.unpivot("c1", F.col("c2").isin(t2.select("c1")), "c1", "c2"))]:
        with pytest.raises(Exception) as raised:
            unpivoted().collect()
        exc = raised.value
        golden.check(name, [type(exc).__name__, exc.getCondition(), exc.getSqlState(), ":\nExpand [[" in exc.getMessage()])
    golden.check_df(t1.unpivot("c1", t2.select(F.max("c1")).scalar(), "c1", "c2"), "scalar_subquery", ordered=False)


def test_unpivot_value_nullability(spark, golden):
    literals = spark.sql("SELECT 'x' str, CAST(1 AS tinyint) b, 3 i, 2.5D d, CAST(4.5 AS decimal(10,2)) m")
    golden.check_df(literals.unpivot("str", ["b", "i", "m"], "var", "val"), "not_nullable")
    golden.check_df(literals.unpivot("str", ["i", "d"], "var", "val"), "widened")
    golden.check_df(spark.createDataFrame([(1, None)], "a int, b int").unpivot([], ["a", "b"], "var", "val"), "nullable")
