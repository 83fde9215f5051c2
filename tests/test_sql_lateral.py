"""Lateral joins, DataFrame subqueries (`scalar()`, `exists()`, `outer()`) and
table-valued functions (`spark.tvf`, `SELECT * FROM f(...)`)."""

import pytest
from conftest import requires_client
from pyspark.sql import functions as sf


@pytest.fixture
def tables(spark):
    spark.sql("VALUES (0, 1), (1, 2) AS t1(c1, c2)").createOrReplaceTempView("t1")
    spark.sql("VALUES (0, 2), (0, 3) AS t2(c1, c2)").createOrReplaceTempView("t2")
    spark.sql("VALUES (0, ARRAY(0, 1)), (1, ARRAY(2)), (2, ARRAY()), (null, ARRAY(4)) AS t3(c1, c2)").createOrReplaceTempView("t3")
    yield
    for name in ("t1", "t2", "t3"):
        spark.catalog.dropTempView(name)


def test_values_statement_with_an_alias(spark, tables, golden):
    golden.check_df(spark.table("t1"), ordered=False)
    golden.check_df(spark.table("t3"), "arrays", ordered=False)


def test_sql_lateral_subqueries(spark, tables, golden):
    golden.check_df(spark.sql("SELECT * FROM t1, LATERAL (SELECT c1 + c2 AS s)"), ordered=False)
    golden.check_df(spark.sql("SELECT * FROM t1, LATERAL (SELECT t1.c1 + t2.c1 AS s FROM t2)"), "from_table", ordered=False)
    golden.check_df(spark.sql("SELECT * FROM t1, LATERAL (SELECT c2 FROM t2 WHERE t2.c1 < t1.c1)"), "correlated_filter", ordered=False)
    golden.check_df(
        spark.sql("SELECT * FROM t1, LATERAL (SELECT c1 + c2 AS a), LATERAL (SELECT c1 - c2 AS b), LATERAL (SELECT a * b AS c)"),
        "chained",
        ordered=False,
    )
    golden.check_df(spark.sql("SELECT a, b FROM t1, LATERAL (SELECT c1, c2) s(a, b)"), "aliased", ordered=False)


def test_sql_lateral_join_types(spark, tables, golden):
    golden.check_df(spark.sql("SELECT * FROM t1 JOIN LATERAL (SELECT c1 + c2 AS c3) ON c2 = c3"), ordered=False)
    golden.check_df(spark.sql("SELECT * FROM t1 LEFT JOIN LATERAL (SELECT c1 + c2 AS c3) ON c2 = c3"), "left", ordered=False)
    golden.check_df(spark.sql("SELECT * FROM t1 CROSS JOIN LATERAL (SELECT c1 + c2 AS c3)"), "cross", ordered=False)
    golden.check_df(
        spark.sql("SELECT * FROM t1 LEFT OUTER JOIN LATERAL (SELECT c2 FROM t2 WHERE t1.c1 = t2.c1) s LEFT OUTER JOIN t1 t3 ON s.c2 = t3.c2"),
        "left_correlated",
        ordered=False,
    )


def test_sql_lateral_table_functions(spark, tables, golden):
    golden.check_df(spark.sql("SELECT * FROM t1, LATERAL RANGE(3)"), ordered=False)
    golden.check_df(spark.sql("SELECT * FROM t1, LATERAL EXPLODE(ARRAY(c1, c2)) t2(c3)"), "explode", ordered=False)
    golden.check_df(spark.sql("SELECT * FROM t3, LATERAL EXPLODE_OUTER(c2) t2(v)"), "explode_outer", ordered=False)
    golden.check_df(spark.sql("SELECT * FROM t3 JOIN LATERAL EXPLODE(c2) t(c3) ON t3.c1 = c3"), "explode_on", ordered=False)
    golden.check_df(spark.sql("SELECT * FROM EXPLODE(ARRAY(1, 2)) t(v), LATERAL (SELECT v + 1 AS w)"), "tvf_first", ordered=False)


def test_dataframe_lateral_joins(spark, tables, golden):
    t1, t2 = spark.table("t1"), spark.table("t2")
    one = spark.range(1)
    golden.check_df(t1.lateralJoin(one.select((sf.col("c1").outer() + sf.col("c2").outer()).alias("c3"))), ordered=False)
    golden.check_df(
        t1.lateralJoin(one.select((sf.col("c1").outer() + sf.col("c2").outer()).alias("c3")), sf.col("c2") == sf.col("c3"), "left"),
        "left",
        ordered=False,
    )
    golden.check_df(t1.lateralJoin(t2.where(sf.col("t1.c1").outer() == sf.col("t2.c1")).select("c2")), "correlated", ordered=False)
    golden.check_df(t1.lateralJoin(spark.tvf.explode(sf.array(sf.col("c1").outer(), sf.col("c2").outer()))), "tvf", ordered=False)


def test_dataframe_scalar_and_exists_subqueries(spark, tables, golden):
    t1, t2 = spark.table("t1"), spark.table("t2")
    golden.check_df(
        t1.withColumn("s", spark.range(1).select(sf.col("c1").outer() + sf.col("c2").outer()).scalar()), "outer_in_select", ordered=False
    )
    golden.check_df(t1.where(sf.col("c2") > spark.range(1).select(sf.col("c1").outer() * 2).scalar()), "outer_in_where", ordered=False)
    golden.check_df(t1.select("c1", t2.select(sf.max("c1")).scalar().alias("m")), ordered=False)
    golden.check_df(spark.range(1).select(spark.range(1).select(sf.lit("s")).limit(0).scalar().alias("b")), "no_rows")
    golden.check_df(t1.where(t2.where(sf.col("t2.c1") == sf.col("t1.c1").outer()).exists()), "exists", ordered=False)


@requires_client("4.1")
def test_isin_of_a_dataframe(spark, tables, golden):
    t1, t2 = spark.table("t1"), spark.table("t2")
    golden.check_df(t1.where(sf.col("c1").isin(t2.select("c1"))), ordered=False)
    golden.check_df(t1.where(~sf.col("c1").isin(t2.select("c1"))), "negated", ordered=False)


def test_select_of_aggregates_without_grouping(spark, tables, golden):
    golden.check_df(spark.table("t1").select(sf.max("c1"), (sf.sum("c2") + 1).alias("s")))


def test_generator_table_functions(spark, golden):
    golden.check_df(spark.tvf.explode(sf.array(sf.lit(1), sf.lit(2))))
    golden.check_df(spark.tvf.posexplode_outer(sf.array(sf.lit("a"), sf.lit(None))), "posexplode_outer")
    golden.check_df(spark.tvf.inline(sf.array(sf.struct(sf.lit(1).alias("a"), sf.lit("x").alias("b")))), "inline")
    golden.check_df(spark.tvf.range(1, 7, 2), "range")
    golden.check_df(spark.sql("SELECT * FROM explode(array('a', 'b')) AS t(letter)"), "sql_explode_alias")
    golden.check_df(spark.sql("SELECT v * 10 AS w FROM posexplode(array(5, 6)) AS t(p, v) WHERE p > 0"), "sql_posexplode")


def test_explode_of_a_map_with_non_null_values(spark, golden):
    golden.check_df(spark.sql("SELECT * FROM explode(map('a', 1, 'b', 2))"))
    golden.check_df(spark.tvf.posexplode(sf.create_map(sf.lit("x"), sf.lit(1.5))), "posexplode")
    golden.check_df(spark.sql("SELECT explode(map('k', 'v')) AS (k, v)"), "select_list")


def test_nested_lateral_joins(spark, tables, golden):
    golden.check_df(spark.sql("SELECT * FROM t1, LATERAL (SELECT * FROM t2, LATERAL (SELECT c1 AS d))"), ordered=False)
    golden.check_df(spark.sql("SELECT * FROM t1, LATERAL (SELECT * FROM (SELECT c1 + 1 AS e), LATERAL (SELECT e * 2 AS f))"), "over_correlated", ordered=False)
    golden.check_df(
        spark.sql("SELECT * FROM t1, LATERAL (SELECT t2.c2 AS g FROM t2 JOIN t2 AS t4 ON t2.c2 = t4.c2 WHERE t2.c1 = t1.c1)"), "join", ordered=False
    )


def test_star_of_an_outer_table(spark, tables, golden):
    golden.check_df(spark.sql("SELECT * FROM t1, LATERAL (SELECT t1.*, t2.* FROM t2)"), ordered=False)
    golden.check_df(spark.sql("SELECT * FROM t1, LATERAL (SELECT t1.* FROM t2 AS t1)"), "shadowed", ordered=False)
