"""Spark SQL query forms: PIVOT/UNPIVOT clauses, VALUES row order, recursive
common table expressions and scalar subqueries that return several rows."""

import pytest

from conftest import conf


@pytest.fixture
def sales(spark):
    spark.createDataFrame(
        [(2023, "Q1", 10), (2023, "Q2", 20), (2023, "Q1", 5), (2024, "Q1", 7), (2024, "Q3", 1)],
        "year int, quarter string, amount int",
    ).createOrReplaceTempView("sales")
    spark.createDataFrame(
        [(1, 10, None, 30), (2, None, None, 5)],
        "id int, q1 int, q2 int, q3 int",
    ).createOrReplaceTempView("wide")
    yield
    spark.catalog.dropTempView("sales")
    spark.catalog.dropTempView("wide")


def test_pivot_clause(spark, sales, golden):
    golden.check_df(spark.sql("SELECT * FROM sales PIVOT (sum(amount) FOR quarter IN ('Q1', 'Q2', 'Q4')) ORDER BY year"))
    golden.check_df(
        spark.sql(
            "SELECT * FROM sales PIVOT (sum(amount) AS total, count(amount) AS n FOR quarter IN ('Q1' AS first, 'Q3' AS third)) ORDER BY year"
        ),
        "aliases",
    )
    golden.check_df(
        spark.sql("SELECT * FROM (SELECT quarter, amount FROM sales) PIVOT (max(amount) FOR quarter IN ('Q1', 'Q2'))"),
        "no_group_columns",
    )
    golden.check_df(
        spark.sql("SELECT year, q1 FROM sales PIVOT (avg(amount) FOR quarter IN ('Q1' q1, 'Q2' q2)) AS p WHERE p.year > 2023"),
        "alias_and_filter",
    )


def test_pivot_clause_errors(spark, sales, golden):
    golden.check_error(
        lambda: spark.sql("SELECT * FROM (SELECT amount FROM sales) PIVOT (sum(amount) FOR nope IN ('Q1'))").collect(),
        "unknown_column",
    )
    golden.check_error(lambda: spark.sql("SELECT * FROM sales PIVOT (sum(amount) FOR quarter IN (year))").collect(), "non_literal_value")


def test_unpivot_clause(spark, sales, golden):
    golden.check_df(spark.sql("SELECT * FROM wide UNPIVOT (v FOR quarter IN (q1, q2, q3)) ORDER BY id, quarter"))
    golden.check_df(
        spark.sql("SELECT * FROM wide UNPIVOT INCLUDE NULLS (v FOR quarter IN (q1 AS first, q2, q3 AS third)) ORDER BY id, quarter"),
        "include_nulls",
    )
    golden.check_df(
        spark.sql("SELECT id, quarter, v FROM wide UNPIVOT EXCLUDE NULLS (v FOR quarter IN (q1, q3)) u WHERE u.v > 5 ORDER BY id, quarter"),
        "exclude_nulls_alias",
    )


def test_values_keep_their_order(spark, golden):
    rows = ", ".join(f"({i}, 'r{i}')" for i in [5, 3, 9, 1, 7, 2, 8, 4, 6, 0])
    golden.check_df(spark.sql(f"VALUES {rows}"))
    golden.check_df(spark.sql(f"SELECT * FROM VALUES {rows} AS t(n, s)"), "from")
    golden.check_df(spark.sql("SELECT * FROM VALUES (1, 'a'), (2.5, NULL), (NULL, 'c') AS t(x, y)"), "widened")


def test_where_without_from(spark, golden):
    golden.check_df(spark.sql("SELECT 1 a WHERE false"), "none")
    golden.check_df(spark.sql("SELECT 1 a, 'x' b WHERE 1 = 1"), "one")
    golden.check_df(spark.sql("SELECT count(*) WHERE false"), "aggregated")


def test_recursive_cte(spark, golden):
    golden.check_df(
        spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT n FROM r ORDER BY n")
    )
    golden.check_df(
        spark.sql(
            "WITH RECURSIVE fib(a, b) AS (SELECT 0, 1 UNION ALL SELECT b, a + b FROM fib WHERE b < 50) SELECT a FROM fib ORDER BY a"
        ),
        "two_columns",
    )


def test_recursive_cte_row_limit(spark, golden):
    golden.check_df(
        spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r LIMIT 4"),
        "limit",
    )


def test_recursive_cte_forms(spark, golden):
    golden.check_df(
        spark.sql(
            "WITH RECURSIVE t(a, b) AS (SELECT 1, 'x' UNION ALL SELECT a + 1, b || 'x' FROM t WHERE a < 3) SELECT * FROM t"
        ),
        "two_types",
    )
    golden.check_df(
        spark.sql(
            "WITH RECURSIVE r AS (SELECT 1 AS n UNION ALL SELECT 2 UNION ALL SELECT n + 2 FROM r WHERE n < 7) SELECT n FROM r ORDER BY n"
        ),
        "anchor_union",
    )
    golden.check_df(
        spark.sql(
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3), s AS (SELECT n * 10 AS m FROM r) SELECT * FROM s ORDER BY m"
        ),
        "read_by_next_cte",
    )
    golden.check_df(
        spark.sql(
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT r.n + 1 FROM r JOIN r AS q ON r.n = q.n WHERE r.n < 3) SELECT * FROM r ORDER BY n"
        ),
        "self_join",
    )
    golden.check_df(
        spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n * 2 AS d FROM r LIMIT 2 OFFSET 1"),
        "limit_offset",
    )
    golden.check_df(
        spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 100) SELECT count(*), max(n) FROM r"),
        "hundred_levels",
    )
    golden.check_df(spark.sql("WITH RECURSIVE c AS (SELECT 5 AS v) SELECT v FROM c"), "not_recursive")


def test_recursive_cte_errors(spark, golden):
    golden.check_error(
        lambda: spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 101) SELECT count(*) FROM r").collect(),
        "level_limit",
    )
    golden.check_error(
        lambda: spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r ORDER BY n LIMIT 4").collect(),
        "limit_not_pushed",
    )
    golden.check_error(
        lambda: spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION SELECT n % 3 + 1 FROM r) SELECT n FROM r").collect(),
        "union_distinct",
    )
    golden.check_error(
        lambda: spark.sql("WITH RECURSIVE r(n) AS (SELECT n FROM r) SELECT * FROM r").collect(),
        "no_anchor",
    )
    golden.check_error(
        lambda: spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r LIMIT 10) SELECT * FROM r").collect(),
        "limit_inside",
    )
    golden.check_error(
        lambda: spark.sql(
            "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT CAST(n + 1 AS BIGINT) FROM r WHERE n < 3) SELECT * FROM r"
        ).collect(),
        "step_type",
    )


def test_recursive_cte_max_recursion_level(spark, golden):
    golden.check_df(
        spark.sql(
            "WITH RECURSIVE r MAX RECURSION LEVEL 300 AS (SELECT 1 AS n UNION ALL SELECT n + 1 FROM r WHERE n < 150) SELECT count(*) AS c FROM r"
        ),
        "raised",
    )
    golden.check_df(
        spark.sql(
            "WITH RECURSIVE r(n) MAX RECURSION LEVEL 3 AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3) SELECT count(*) AS c FROM r"
        ),
        "enough",
    )
    golden.check_error(
        lambda: spark.sql(
            "WITH RECURSIVE r(n) MAX RECURSION LEVEL 3 AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT count(*) FROM r"
        ).collect(),
        "exceeded",
    )


def test_recursive_cte_limits_from_settings(spark, golden):
    with conf(spark, "spark.sql.cteRecursionRowLimit", "10"):
        golden.check_df(
            spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 9) SELECT count(*) AS c FROM r"),
            "under_row_limit",
        )
        golden.check_error(
            lambda: spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT count(*) FROM r").collect(),
            "row_limit",
        )
        golden.check_df(
            spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT n FROM r LIMIT 20"),
            "limit_over_row_limit",
        )
    with conf(spark, "spark.sql.cteRecursionLevelLimit", "5"):
        golden.check_error(
            lambda: spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10) SELECT count(*) FROM r").collect(),
            "level_limit",
        )
        golden.check_df(
            spark.sql("WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT count(*) AS c FROM r"),
            "under_level_limit",
        )


def test_scalar_subquery_with_several_rows(spark, golden):
    spark.createDataFrame([(1, "a"), (1, "b"), (2, "c")], "k int, s string").createOrReplaceTempView("many")
    try:
        golden.check_error(lambda: spark.sql("SELECT (SELECT s FROM many) AS s").collect(), "uncorrelated")
        golden.check_error(
            lambda: spark.sql("SELECT k, (SELECT s FROM many m WHERE m.k = o.k) AS s FROM many o").collect(),
            "correlated",
        )
    finally:
        spark.catalog.dropTempView("many")


def test_sql_keywords(spark, golden):
    golden.check_df(spark.sql("SELECT * FROM sql_keywords() WHERE keyword LIKE 'S%'"), "default")
    with conf(spark, "spark.sql.ansi.enforceReservedKeywords", "true"):
        golden.check_df(spark.sql("SELECT count(*) AS n, count_if(reserved) AS reserved FROM sql_keywords()"), "enforced")


def test_collations(spark, golden):
    df = spark.sql("SELECT * FROM collations() WHERE NAME IN ('UTF8_BINARY', 'UTF8_LCASE')")
    golden.check_df(df, "sql")
    golden.check_df(spark.tvf.collations().filter("NAME = 'UTF8_LCASE'"), "tvf")


def test_map_types_in_casts(spark, golden):
    golden.check_df(spark.sql("SELECT * FROM explode(null :: map<string, int>)"), "explode_null_map")
    golden.check_df(spark.sql("SELECT CAST(map('a', 1) AS map<string, bigint>) AS m"), "cast_map")
    golden.check_df(spark.sql("SELECT CAST(array(map('a', 1)) AS array<map<string,int>>) AS a"), "nested")
