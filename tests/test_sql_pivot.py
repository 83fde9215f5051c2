"""PIVOT over several columns (tuples of values) and with several
aggregates; UNPIVOT into several value columns; INCLUDE/EXCLUDE NULLS."""

import pytest


@pytest.fixture(scope="module", autouse=True)
def views(spark):
    spark.sql(
        "CREATE OR REPLACE TEMP VIEW pv_sales AS SELECT * FROM VALUES (2023, 'Q1', 'east', 10), (2023, 'Q1', 'west', 5), "
        "(2023, 'Q2', 'east', 7), (2024, 'Q1', 'east', 3), (2024, 'Q2', 'west', NULL) AS t(year, quarter, region, amount)"
    )
    spark.sql(
        "CREATE OR REPLACE TEMP VIEW pv_wide AS SELECT * FROM VALUES (1, 10, 'a', 20, 'b'), (2, NULL, NULL, 40, 'd'), "
        "(3, 50, 'e', NULL, NULL) AS t(id, v1, n1, v2, n2)"
    )
    yield
    spark.catalog.dropTempView("pv_sales")
    spark.catalog.dropTempView("pv_wide")


PIVOTS = {
    "columns_aliased": "SELECT * FROM pv_sales PIVOT (sum(amount) FOR (quarter, region) IN "
    "(('Q1', 'east') AS q1e, ('Q1', 'west') AS q1w, ('Q2', 'west') AS q2w)) ORDER BY year",
    "columns_unaliased": "SELECT * FROM pv_sales PIVOT (sum(amount) FOR (quarter, region) IN (('Q1', 'east'), ('Q2', 'east'))) ORDER BY year",
    "columns_and_aggregates": "SELECT * FROM pv_sales PIVOT (sum(amount) AS s, count(amount) AS c FOR (quarter, region) IN "
    "(('Q1', 'east') AS q1e, ('Q2', 'west') AS q2w)) ORDER BY year",
    "aggregates_unaliased": "SELECT * FROM pv_sales PIVOT (sum(amount), max(amount) FOR quarter IN ('Q1', 'Q2')) ORDER BY year, region",
    "aggregates_aliased": "SELECT * FROM pv_sales PIVOT (sum(amount) s, avg(amount) a FOR quarter IN ('Q1' q1, 'Q2' q2)) ORDER BY year, region",
    "count_star_and_absent_value": "SELECT * FROM pv_sales PIVOT (count(*) FOR (quarter, region) IN "
    "(('Q1', 'east') AS q1e, ('Q9', 'x') AS none)) ORDER BY year, amount",
    "filtered_after": "SELECT year, q1e FROM pv_sales PIVOT (sum(amount) FOR (quarter, region) IN (('Q1', 'east') q1e)) p WHERE p.q1e > 5",
}


@pytest.mark.parametrize("case", sorted(PIVOTS))
def test_pivot(spark, golden, case):
    golden.check_df(spark.sql(PIVOTS[case]))


UNPIVOTS = {
    "aliased": "SELECT * FROM pv_wide UNPIVOT ((v, n) FOR slot IN ((v1, n1) AS first, (v2, n2) AS second)) ORDER BY id, slot",
    "include_nulls": "SELECT * FROM pv_wide UNPIVOT INCLUDE NULLS ((v, n) FOR slot IN ((v1, n1) AS first, (v2, n2) AS second)) ORDER BY id, slot",
    "unaliased": "SELECT * FROM pv_wide UNPIVOT ((v, n) FOR slot IN ((v1, n1), (v2, n2))) ORDER BY id, slot",
    "exclude_nulls_mixed": "SELECT * FROM pv_wide UNPIVOT EXCLUDE NULLS ((v, n) FOR slot IN ((v1, n2) AS first, (v2, n1) AS second)) ORDER BY id, slot",
    "filtered_after": "SELECT * FROM pv_wide UNPIVOT ((v, n) FOR slot IN ((v1, n1) AS first, (v2, n2) AS second)) u WHERE u.v > 15 ORDER BY id",
    "single_value_keeps_other_columns": "SELECT * FROM pv_wide UNPIVOT (v FOR slot IN (v1 AS a, v2 AS b)) ORDER BY id, slot",
}


@pytest.mark.parametrize("case", sorted(UNPIVOTS))
def test_unpivot(spark, golden, case):
    golden.check_df(spark.sql(UNPIVOTS[case]))


def test_unpivot_errors(spark, golden):
    golden.check_error(
        lambda: spark.sql("SELECT * FROM pv_wide UNPIVOT ((v, n) FOR slot IN ((v1, n1, id) AS first))").collect(), "size_mismatch"
    )
    golden.check_error(lambda: spark.sql("SELECT * FROM pv_wide UNPIVOT (v FOR slot IN (v1, n1))").collect(), "type_mismatch")


def test_pivot_default_on_null_is_not_spark_syntax(spark, golden):
    golden.check_error(
        lambda: spark.sql("SELECT * FROM pv_sales PIVOT (sum(amount) FOR quarter IN ('Q1') DEFAULT ON NULL (0))").collect()
    )
