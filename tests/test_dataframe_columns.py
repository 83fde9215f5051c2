"""DataFrame columns as Spark resolves and rewrites them: Column.withField and
dropFields (Spark Connect's UpdateFields), DataFrame-tagged column references
(`df.a`) under spark.sql.analyzer.strictDataFrameColumnResolution, USING-join
keys, repartitionById, and implicit cartesian products under
spark.sql.crossJoin.enabled=false."""

import pytest
from pyspark.sql import Row
from pyspark.sql import functions as F

from conftest import CLIENT, conf


@pytest.fixture
def nested(spark):
    return spark.createDataFrame(
        [Row(a=Row(b=1, c=2, d=Row(e=3, f=4))), Row(a=None)],
        "a struct<b: bigint, c: bigint, d: struct<e: bigint, f: bigint>>",
    )


def test_with_field_adds_and_replaces_fields(nested, golden):
    df = nested.select(
        nested.a.withField("b", F.lit(3)),
        nested.a.withField("z", F.lit("new")),
        nested.a.withField("d.g", F.lit("x")),
        nested.a.withField("D.E", F.lit(10)),
    )
    golden.check_df(df)


def test_drop_fields_removes_fields_and_ignores_missing_ones(nested, golden):
    df = nested.select(
        nested.a.dropFields("b"),
        nested.a.dropFields("d.e", "c"),
        nested.a.dropFields("missing"),
        nested.a.withField("x", F.lit(1)).dropFields("b"),
    )
    golden.check_df(df)


def test_with_field_replaces_a_column_in_place(nested, golden):
    golden.check_df(nested.withColumn("a", nested.a.withField("b", F.lit(None).cast("int"))))


def test_update_fields_errors(nested, golden):
    golden.check_error(lambda: nested.select(nested.a.dropFields("b", "c", "d")).collect(), "drop_all")
    golden.check_error(lambda: nested.select(F.lit(1).withField("b", F.lit(1))).collect(), "not_a_struct")
    golden.check_error(lambda: nested.select(nested.a.withField("z.y", F.lit(1))).collect(), "missing_parent")


def test_dataframe_column_of_another_dataframe_fails(spark, golden):
    df1 = spark.range(3)
    df2 = spark.range(5)
    golden.check_error(lambda: df1.select(df2.id).collect(), "other_dataframe")
    cdf = spark.createDataFrame([Row(a=1, b=2)])
    golden.check_error(lambda: cdf.select(cdf.a).select(cdf.b).collect(), "dropped")
    golden.check_error(lambda: cdf.select(cdf.a).select(cdf["*"]).collect(), "star_of_dropped")


def test_shadowed_dataframe_column_follows_strict_resolution(spark, golden):
    df = spark.sql("SELECT 1 AS c")
    shadowed = df.withColumn("c", F.col("c").cast("string"))
    golden.check_error(lambda: shadowed.select(df.c).collect(), "strict")
    with conf(spark, "spark.sql.analyzer.strictDataFrameColumnResolution", "false"):
        golden.check_df(shadowed.select(df.c), "lenient")


def test_using_join_key_answers_for_both_sides(spark, golden):
    df1 = spark.range(4).withColumn("v1", F.lit(1))
    df2 = spark.range(2, 6).withColumn("v2", F.lit(2))
    inner = df1.join(df2, "id")
    golden.check_df(inner.select(df1["id"], "v1", "v2").orderBy("id"), "inner_left_key")
    golden.check_df(inner.select(df2["id"]).orderBy("id"), "inner_right_key")
    golden.check_df(df1.join(df2, "id", "left").select(df1["id"], "v2").orderBy("id"), "left_key_of_left_join")
    golden.check_df(df1.join(df2, "id", "right").select(df2["id"], "v1").orderBy("id"), "right_key_of_right_join")


def test_dataframe_column_through_a_temp_view(spark, golden):
    df = spark.sql("SELECT 1 AS c")
    df.createOrReplaceTempView("dataframe_columns_view")
    try:
        golden.check_df(spark.table("dataframe_columns_view").select(df.c))
    finally:
        spark.sql("DROP VIEW IF EXISTS dataframe_columns_view")


@pytest.mark.skipif(CLIENT == "4.0", reason="the PySpark 4.0 client has no repartitionById")
def test_repartition_by_id_puts_rows_in_the_named_partition(spark, golden):
    df = spark.range(12).withColumn("p", (F.col("id") - 4).cast("int"))
    df = df.withColumn("p", F.when(F.col("id") % 5 == 0, None).otherwise(F.col("p")))
    parts = df.repartitionById(4, "p").select("id", "p", F.spark_partition_id().alias("actual"))
    golden.check_df(parts.orderBy("id"))


@pytest.mark.skipif(CLIENT == "4.0", reason="the PySpark 4.0 client has no repartitionById")
def test_repartition_by_id_needs_an_int(spark, golden):
    df = spark.range(5).withColumn("s", F.lit("a"))
    golden.check_error(lambda: df.repartitionById(5, F.col("s")).collect(), "string")
    golden.check_error(lambda: df.repartitionById(5, F.col("id")).collect(), "bigint")


def condition_of(exc):
    return {"class": type(exc).__name__, "condition": exc.getCondition()}


def test_implicit_cartesian_product_needs_cross_join_when_disabled(spark, golden):
    left = spark.range(2).toDF("a")
    right = spark.range(2).toDF("b")
    with conf(spark, "spark.sql.crossJoin.enabled", "false"):
        for how in ["inner", "left", "right", "full"]:
            with pytest.raises(Exception) as failure:
                left.join(right, how=how).collect()
            golden.check(f"{how}_without_condition", condition_of(failure.value))
        with pytest.raises(Exception) as failure:
            left.join(right, F.lit(True)).collect()
        golden.check("trivial_condition", condition_of(failure.value))
        golden.check_df(left.join(right, how="left_semi").orderBy("a"), "semi")
        golden.check_df(left.crossJoin(right).orderBy("a", "b"), "explicit_cross")
        golden.check_df(left.join(right, left.a == right.b).orderBy("a"), "with_condition")
    golden.check_df(left.join(right).orderBy("a", "b"), "enabled")


def test_self_join_resolves_the_nearest_relation(spark, golden):
    df = spark.createDataFrame([(1, 2), (3, 4)], ["a", "b"])
    df2 = df.select(df.a.alias("aa"), df.b)
    golden.check_df(df2.join(df, df2.b == df.b).orderBy("aa"), "select_then_join")
    df1 = spark.range(3).withColumn("value", F.lit(1))
    unioned = df1.union(df1)
    golden.check_df(df1.join(unioned, df1.id == unioned.id, "left").orderBy(df1.id), "join_with_union")


def test_python_udf_join_condition_is_an_implicit_cartesian_product(spark, golden):
    from pyspark.sql.functions import udf
    from pyspark.sql.types import BooleanType

    left, right = spark.createDataFrame([Row(a=1)]), spark.createDataFrame([Row(b=1)])
    same = udf(lambda a, b: a == b, BooleanType())
    with conf(spark, "spark.sql.crossJoin.enabled", "false"):
        with pytest.raises(Exception) as failure:
            left.join(right, same("a", "b")).collect()
        golden.check("without_another_condition", condition_of(failure.value))
        golden.check_df(left.join(right, same("a", "b") & (left.a == right.b)), "with_an_equality")
    with conf(spark, "spark.sql.crossJoin.enabled", "true"):
        golden.check_df(left.join(right, same("a", "b")), "enabled")
