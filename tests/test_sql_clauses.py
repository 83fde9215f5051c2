"""SQL clauses beside the core SELECT: hints, DISTRIBUTE/SORT/CLUSTER BY."""

import pytest


@pytest.fixture
def facts(spark):
    spark.createDataFrame([(1, "a", 3), (2, "b", 1), (1, "c", 2), (3, "d", 5)], "k int, s string, v int").createOrReplaceTempView("facts")
    yield
    spark.catalog.dropTempView("facts")


def test_hints_do_not_change_results(spark, facts, golden):
    golden.check_df(spark.sql("SELECT /*+ BROADCAST(f) */ f.k, g.s FROM facts f JOIN facts g ON f.k = g.k ORDER BY f.k, g.s"))
    golden.check_df(spark.sql("SELECT /*+ REPARTITION(3), COALESCE(1) */ k FROM facts ORDER BY k"), "repartition")
    golden.check_df(spark.sql("SELECT /*+ MERGE(f), SHUFFLE_HASH(g) */ count(*) AS n FROM facts f JOIN facts g ON f.k = g.k"), "join_hints")


def test_distribute_sort_and_cluster_by(spark, facts, golden):
    golden.check_df(spark.sql("SELECT k, v FROM facts DISTRIBUTE BY k"), ordered=False)
    golden.check_df(spark.sql("SELECT k, v FROM facts DISTRIBUTE BY k SORT BY v DESC").coalesce(1).sortWithinPartitions("k", "v"), "sort_by")
    golden.check_df(spark.sql("SELECT k, s FROM facts CLUSTER BY k").orderBy("k", "s"), "cluster_by")
    golden.check_df(spark.sql("SELECT k, s FROM (SELECT * FROM facts SORT BY v) ORDER BY s"), "subquery")


def test_identifier_clause(spark, facts, golden):
    golden.check_df(spark.sql("SELECT IDENTIFIER('k') FROM IDENTIFIER('facts') ORDER BY 1"))
    golden.check_df(spark.sql("SELECT s FROM IDENTIFIER(:t) WHERE v > :m ORDER BY s", args={"t": "facts", "m": 2}), "parameters")


@pytest.mark.parametrize("mode", ["", "EXTENDED", "FORMATTED", "COST"])
def test_explain_statement(spark, facts, golden, mode):
    df = spark.sql(f"EXPLAIN {mode} SELECT k, sum(v) FROM facts GROUP BY k")
    golden.check("schema", df.schema.jsonValue())
    rows = df.collect()
    assert len(rows) == 1
    assert "== Physical Plan ==" in rows[0].plan


def test_dataframes_as_query_arguments(spark, golden):
    df = spark.createDataFrame([(1, "a"), (2, "b"), (3, "c")], "id int, s string")
    golden.check_df(spark.sql("SELECT s FROM {df} WHERE id > {m} ORDER BY s", df=df, m=1))
    golden.check_df(spark.sql("SELECT {col} FROM {df} ORDER BY 1", df=df, col=df.s), "column")
    golden.check_df(spark.sql("SELECT count(*) AS n FROM {a} JOIN {b} USING (id)", a=df, b=df.where("id < 3")), "two")


def test_tablesample_rows(spark, facts, golden):
    golden.check_df(spark.sql("SELECT count(*) AS n FROM facts TABLESAMPLE (2 ROWS)"))
    golden.check_df(spark.sql("SELECT k, s FROM facts TABLESAMPLE (10 ROWS)"), "more_than_there_are", ordered=False)
    golden.check_df(spark.sql("SELECT count(*) AS n FROM (SELECT * FROM facts) TABLESAMPLE (0 ROWS)"), "none")


def test_order_by_all(spark, golden):
    golden.check_df(spark.sql("SELECT id % 3 AS a, id AS b FROM range(5) ORDER BY ALL"))
    golden.check_df(spark.sql("SELECT id % 3 AS a, id AS b FROM range(5) ORDER BY ALL DESC NULLS FIRST"), "desc")
    golden.check_df(spark.sql("SELECT id % 2 AS k, count(*) AS c FROM range(5) GROUP BY id % 2 ORDER BY all DESC"), "aggregate")
    golden.check_df(spark.sql("SELECT id FROM range(3) ORDER BY `all` DESC"), "quoted")
    # A column named `all` is the key.
    golden.check_df(spark.sql("SELECT 1 AS all, id FROM range(3) ORDER BY all DESC"), "column_named_all")


def test_group_by_all(spark, golden):
    golden.check_df(spark.sql("SELECT k, count(*) AS c FROM VALUES (1), (1), (2) t(k) GROUP BY ALL ORDER BY k"))
    golden.check_df(spark.sql("SELECT k + 1 AS x, upper('a') AS u, sum(k) FROM VALUES (1), (1), (2) t(k) GROUP BY ALL ORDER BY x"), "expressions")
    golden.check_df(spark.sql("SELECT sum(k) FROM VALUES (1), (2) t(k) GROUP BY ALL"), "global")
    golden.check_df(spark.sql("SELECT k, v, max(v) FROM VALUES (1, 2), (1, 2), (2, 3) t(k, v) GROUP BY ALL HAVING count(*) > 1"), "having")
