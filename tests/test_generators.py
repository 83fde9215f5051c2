"""Generators in a select list: explode and explode_outer of arrays and maps."""

import pytest
from pyspark.sql import functions as F


@pytest.fixture
def nested(spark):
    return spark.createDataFrame(
        [(1, [1, 2], {"a": 1}), (2, [], {}), (3, None, None)],
        "id int, arr array<int>, m map<string,int>",
    )


def test_explode_array(nested, golden):
    golden.check_df(nested.select("id", F.explode("arr")).orderBy("id", "col"))


def test_explode_outer_keeps_empty_and_null(nested, golden):
    golden.check_df(nested.select(F.explode_outer("arr").alias("v"), "id").orderBy("id", "v"))


def test_explode_map(nested, golden):
    golden.check_df(nested.select("id", F.explode("m")))
    golden.check_df(nested.select(F.explode_outer("m")).orderBy("key"), "outer")
    golden.check_df(nested.select(F.explode("m").alias("k", "v")), "aliased")


def test_explode_in_sql_and_select_expr(spark, nested, golden):
    golden.check_df(nested.selectExpr("id", "explode(arr) AS x").orderBy("id", "x"))
    golden.check_df(spark.sql("SELECT explode(array(1, 2, 3))"), "literal")


def test_posexplode(spark, nested, golden):
    golden.check_df(nested.select("id", F.posexplode("arr")).orderBy("id", "pos"))
    golden.check_df(nested.select(F.posexplode_outer("arr"), "id").orderBy("id", "pos"), "outer")
    golden.check_df(nested.select("id", F.posexplode("m")).orderBy("id", "pos"), "map")
    golden.check_df(nested.select(F.posexplode("arr").alias("p", "v")).orderBy("p"), "aliased")
    golden.check_df(spark.sql("SELECT posexplode(array(5, 6))"), "sql")


def test_inline(spark, golden):
    df = spark.createDataFrame(
        [(1, [(1, "a"), (2, None)]), (2, []), (3, None)], "id int, s array<struct<x:int,y:string>>"
    )
    golden.check_df(df.select("id", F.inline("s")).orderBy("id", "x"))
    golden.check_df(df.select(F.inline_outer("s"), "id").orderBy("id", "x"), "outer")
    golden.check_df(spark.sql("SELECT inline(array(struct(1, 'a'), struct(2, 'b')))"), "sql")


def test_lateral_view(spark, nested, golden):
    nested.createOrReplaceTempView("lv")
    try:
        golden.check_df(spark.sql("SELECT id, x FROM lv LATERAL VIEW explode(arr) t AS x ORDER BY id, x"))
        golden.check_df(spark.sql("SELECT id, x FROM lv LATERAL VIEW OUTER explode(arr) t AS x ORDER BY id, x"), "outer")
        golden.check_df(spark.sql("SELECT * FROM lv LATERAL VIEW explode(m) t AS k, v"), "map_star")
        golden.check_df(spark.sql("SELECT id, p, x FROM lv LATERAL VIEW posexplode(arr) t AS p, x WHERE x > 1"), "posexplode")
    finally:
        spark.catalog.dropTempView("lv")


def test_stack(spark, golden):
    golden.check_df(spark.sql("SELECT stack(2, 1, 'a', 2, 'b')"))
    golden.check_df(spark.sql("SELECT stack(2, 1, 'a', 2)"), "padded")
    df = spark.createDataFrame([(1, "x"), (2, None)], "id int, s string")
    golden.check_df(df.select("id", F.stack(F.lit(2), "id", "s", F.lit(9), F.lit("z"))), "columns")
    golden.check_df(df.select(F.stack(F.lit(1), "id", "s").alias("x", "y")), "aliased")


def test_generator_in_with_column(spark, golden):
    df = spark.createDataFrame([(1, [1, 2])], "id int, a array<int>")
    golden.check_df(df.withColumn("e", F.explode("a")))
    golden.check_df(df.withColumns({"e": F.explode("a"), "f": F.lit(1)}), "with_columns")
    golden.check_df(df.withColumn("a", F.explode("a")), "replaced")


def test_lateral_view_default_names(spark, golden):
    spark.createDataFrame([(1, [1, 2], {"k": 1})], "id int, a array<int>, m map<string,int>").createOrReplaceTempView("lvd")
    try:
        golden.check_df(spark.sql("SELECT * FROM lvd LATERAL VIEW explode(a) t"))
        golden.check_df(spark.sql("SELECT * FROM lvd LATERAL VIEW posexplode(a) t"), "posexplode")
        golden.check_df(spark.sql("SELECT * FROM lvd LATERAL VIEW explode(m) t"), "map")
        golden.check_df(spark.sql("SELECT * FROM lvd LATERAL VIEW stack(2, 1, 2) s"), "stack")
    finally:
        spark.catalog.dropTempView("lvd")


def test_lateral_view_qualified_columns(spark, golden):
    spark.createDataFrame([(1, [1, 2])], "id int, a array<int>").createOrReplaceTempView("lvq")
    try:
        golden.check_df(spark.sql("SELECT t.x, id FROM lvq LATERAL VIEW explode(a) t AS x"))
        golden.check_df(spark.sql("SELECT t.col FROM lvq LATERAL VIEW explode(a) t"), "default_name")
    finally:
        spark.catalog.dropTempView("lvq")


def test_inline_of_a_null_struct_element(spark, golden):
    df = spark.createDataFrame([([(1, 2), (None, 5), None],), ([],)], "s array<struct<b:bigint,c:bigint>>")
    golden.check_df(df.select(F.inline("s")))
    golden.check_df(df.select(F.inline_outer("s")), "outer")


def test_generator_errors(spark, golden):
    df = spark.createDataFrame([(1, "a", [1, 2], {"k": 1})], "k int, v string, arr array<int>, m map<string,int>")
    golden.check_error(lambda: df.select(F.explode("v")).collect(), "explode_string")
    golden.check_error(lambda: df.select(F.posexplode("k")).collect(), "posexplode_int")
    golden.check_error(lambda: df.select(F.explode_outer("v")).collect(), "explode_outer_string")
    golden.check_error(lambda: df.select(F.inline("arr")).collect(), "inline_of_ints")
    golden.check_error(lambda: df.select(F.explode("arr").alias("a", "b")).collect(), "too_many_aliases")
    golden.check_error(lambda: df.select(F.explode("m").alias("a")).collect(), "too_few_aliases")


def test_stack_values_of_other_types(spark, golden):
    df = spark.createDataFrame([(1, "a", 1.5)], "k int, v string, x double")
    golden.check_error(lambda: df.select(F.stack(F.lit(2), "k", "x")).collect(), "int_and_double")
    golden.check_error(lambda: df.selectExpr("stack(2, k, v)").collect(), "int_and_string")
    golden.check_df(df.selectExpr("stack(2, k, NULL, NULL, v)"), "nulls_take_the_type")


def test_several_generators_in_one_select(spark, nested, golden):
    """Each generator's rows repeat for every row of the ones before it, as Spark nests them."""
    df = spark.createDataFrame([(1, [1, 2], ["x", None]), (2, [3], []), (3, None, ["y"])], "id int, a array<int>, b array<string>")
    golden.check_df(df.select("id", F.explode("a"), F.explode("b")))
    golden.check_df(df.select(F.posexplode_outer("a"), "id", F.explode_outer("b").alias("s")), "outer")
    golden.check_df(spark.sql("SELECT explode(array(1, 2)) AS x, explode(array('a', 'b')) AS y"), "sql")
    golden.check_df(nested.select("id", F.explode("arr"), F.explode("m")), "array_then_map")


def test_stack_of_untyped_nulls(spark, golden):
    golden.check_df(spark.sql("SELECT stack(1, NULL)"))
    golden.check_df(spark.sql("SELECT stack(2, NULL, 1, NULL, 2)"), "column")
    golden.check_df(spark.sql("SELECT stack(2, 1, NULL, 2)"), "padded")
