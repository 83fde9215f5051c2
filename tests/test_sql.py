"""Spark SQL queries: subqueries, common table expressions, HAVING and GROUP BY forms."""

import pytest
from conftest import conf


@pytest.fixture
def views(spark):
    spark.createDataFrame(
        [(1, "a", 10.5), (2, "b", 20.0), (1, "c", 5.0), (3, "d", None)],
        "k int, s string, v double",
    ).createOrReplaceTempView("facts")
    spark.createDataFrame([(1, "x"), (2, "y"), (4, "w")], "k int, n string").createOrReplaceTempView("dims")
    yield
    spark.catalog.dropTempView("facts")
    spark.catalog.dropTempView("dims")


def test_in_subquery(spark, views, golden):
    golden.check_df(spark.sql("SELECT k, s FROM facts WHERE k IN (SELECT k FROM dims WHERE n <> 'y') ORDER BY s"))
    golden.check_df(spark.sql("SELECT n FROM dims WHERE k NOT IN (SELECT k FROM facts) ORDER BY n"), "not_in")


def test_correlated_exists(spark, views, golden):
    golden.check_df(
        spark.sql("SELECT s FROM facts f WHERE EXISTS (SELECT 1 FROM dims d WHERE d.k = f.k) ORDER BY s")
    )
    golden.check_df(
        spark.sql("SELECT n FROM dims WHERE NOT EXISTS (SELECT * FROM facts WHERE facts.k = dims.k) ORDER BY n"),
        "not_exists",
    )


def test_scalar_subqueries(spark, views, golden):
    golden.check_df(spark.sql("SELECT s, (SELECT max(k) FROM dims) AS m FROM facts ORDER BY s"))
    golden.check_df(
        spark.sql("SELECT s FROM facts f WHERE v > (SELECT avg(v) FROM facts g WHERE g.k = f.k) ORDER BY s"),
        "correlated",
    )


def test_common_table_expressions(spark, views, golden):
    golden.check_df(
        spark.sql(
            "WITH big AS (SELECT k, v FROM facts WHERE v > 6), keyed(key) AS (SELECT k FROM big) "
            "SELECT b.k, b.v FROM big b JOIN keyed ON b.k = keyed.key ORDER BY b.v"
        )
    )
    # An inner WITH shadows an outer one of the same name.
    golden.check_df(
        spark.sql("WITH x AS (SELECT 1 AS a) SELECT * FROM (WITH x AS (SELECT 2 AS a) SELECT a FROM x)"),
        "shadowed",
    )


def test_having_with_aggregates_outside_the_select_list(spark, views, golden):
    golden.check_df(spark.sql("SELECT k FROM facts GROUP BY k HAVING sum(v) > 12 ORDER BY k"))
    golden.check_df(
        spark.sql(
            "SELECT k, count(*) AS c FROM facts GROUP BY k "
            "HAVING max(v) > (SELECT avg(v) FROM facts) OR count(*) > 1 ORDER BY k"
        ),
        "with_subquery",
    )


def test_group_by_ordinal_and_alias(spark, views, golden):
    golden.check_df(spark.sql("SELECT k, count(DISTINCT s) FROM facts GROUP BY 1 ORDER BY 1"))
    golden.check_df(
        spark.sql("SELECT CASE WHEN v > 6 THEN 'big' ELSE 'small' END AS size, count(*) AS c FROM facts GROUP BY size ORDER BY size"),
        "alias",
    )
    golden.check_error(lambda: spark.sql("SELECT k FROM facts GROUP BY 2").collect(), "out_of_range")


def test_date_arithmetic_and_fields(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT DATE '1998-12-01' - INTERVAL '90' DAY AS minus_days, DATE '1998-12-01' + INTERVAL '3' MONTH AS plus_months, "
            "DATE '1998-12-01' + INTERVAL '1' YEAR AS plus_year, DATE '1998-12-01' + INTERVAL '1' HOUR AS plus_hour, "
            "extract(YEAR FROM DATE '1998-12-01') AS y, EXTRACT(DOW FROM DATE '1998-12-01') AS dow, "
            "extract(SECOND FROM TIMESTAMP '2000-01-01 00:00:01.5') AS sec"
        )
    )
    golden.check_df(
        spark.sql(
            "SELECT year(d), month(d), dayofmonth(d), dayofweek(d), quarter(d), dayofyear(d), "
            "substring('abcdef', 2, 3) AS sub, substring('abcdef' FROM 3) AS sub_from, typeof(d) AS t "
            "FROM VALUES (DATE '2024-02-29') AS v(d)"
        ),
        "functions",
    )


def test_temp_view_statements(spark, golden):
    spark.sql("CREATE TEMP VIEW sql_view AS SELECT 1 AS a")
    try:
        golden.check_error(lambda: spark.sql("CREATE TEMPORARY VIEW sql_view AS SELECT 2 AS a"), "exists")
        golden.check_error(lambda: spark.sql("CREATE TEMP VIEW IF NOT EXISTS sql_view AS SELECT 2 AS a"), "if_not_exists")
        spark.sql("CREATE OR REPLACE TEMP VIEW sql_view(x) AS WITH c AS (SELECT 4 AS a) SELECT a FROM c")
        golden.check_df(spark.table("sql_view"))
    finally:
        spark.sql("DROP VIEW sql_view")
    spark.sql("DROP VIEW IF EXISTS sql_view")
    golden.check_error(lambda: spark.sql("DROP VIEW sql_view"), "dropped")


def test_unbound_parameters(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT :nope", args={"x": 1}).collect(), "named")
    golden.check_error(lambda: spark.sql("SELECT ?, ?", args=[1]).collect(), "positional")
    golden.check_df(
        spark.sql("SELECT id FROM range(3) WHERE id IN (SELECT id FROM range(5) WHERE id > ?) ORDER BY id", args=[0]), "in_subquery"
    )


def test_timestamp_literal_names(spark, golden):
    """`TIMESTAMP '…'` is read in the session time zone and named as Spark names the literal."""
    query = "SELECT TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-03-10 02:30:00.5', hour(TIMESTAMP '2024-01-01 05:00:00'), TIMESTAMP_NTZ '2024-01-01 00:00:00'"
    golden.check_df(spark.sql(query), "utc")
    with conf(spark, "spark.sql.session.timeZone", "America/Los_Angeles"):
        golden.check_df(spark.sql(query), "los_angeles")


def test_local_times_in_a_daylight_saving_gap(spark, golden):
    """A wall-clock time that a zone skips reads as the time an hour later, as java.time reads it."""
    with conf(spark, "spark.sql.session.timeZone", "America/Los_Angeles"):
        golden.check_df(
            spark.sql(
                "SELECT CAST('2024-03-10 02:30:00' AS TIMESTAMP) AS from_string, CAST(TIMESTAMP_NTZ '2024-03-10 02:30:00' AS TIMESTAMP) AS from_ntz, "
                "CAST(TIMESTAMP_NTZ '2024-11-03 01:30:00' AS TIMESTAMP) AS in_overlap, TIMESTAMP '2024-03-10 02:15:00'"
            ).selectExpr("*", "CAST(from_string AS STRING) AS text"),
            "los_angeles",
        )

