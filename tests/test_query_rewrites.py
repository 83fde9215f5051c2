"""Queries whose plans Ember rewrites for speed (TPC-H shapes): the answers must stay Spark's."""

import pytest


@pytest.fixture
def shop(spark):
    spark.createDataFrame(
        [(1, "ann"), (2, "bob"), (3, "cid"), (None, "nil")], "c_key int, name string"
    ).createOrReplaceTempView("customers")
    spark.createDataFrame(
        [(10, 1, 5), (11, 1, 7), (12, 2, 9), (13, 3, 1), (None, 2, 4), (14, None, 3)],
        "o_key int, cust int, price int",
    ).createOrReplaceTempView("orders")
    spark.createDataFrame(
        [(10, 6), (10, 6), (11, 2), (12, 20), (13, 11), (None, 50), (14, 30)],
        "i_order int, qty int",
    ).createOrReplaceTempView("items")
    yield
    for view in ("customers", "orders", "items"):
        spark.catalog.dropTempView(view)


def test_in_a_having_subquery_over_joins(spark, shop, golden):
    """TPC-H Q18's shape: the IN filter is applied below the joins."""
    golden.check_df(spark.sql("""
        SELECT name, o_key, price, sum(qty) AS total
        FROM customers, orders, items
        WHERE o_key IN (SELECT i_order FROM items GROUP BY i_order HAVING sum(qty) > 10)
          AND c_key = cust AND o_key = i_order
        GROUP BY name, o_key, price ORDER BY o_key"""))
    golden.check_df(spark.sql("""
        SELECT name, count(*) AS lines
        FROM customers JOIN orders ON c_key = cust JOIN items ON o_key = i_order
        WHERE c_key IN (SELECT cust FROM orders GROUP BY cust HAVING count(*) > 1)
        GROUP BY name ORDER BY name"""), "customer_side")


def test_count_distinct_over_an_anti_join(spark, shop, golden):
    """TPC-H Q16's shape: count(DISTINCT) per group after NOT IN."""
    golden.check_df(spark.sql("""
        SELECT name, count(DISTINCT price) AS prices
        FROM customers JOIN orders ON c_key = cust
        WHERE o_key NOT IN (SELECT i_order FROM items WHERE qty > 25 AND i_order IS NOT NULL)
        GROUP BY name ORDER BY prices DESC, name"""))


def test_correlated_aggregate_of_filtered_keys(spark, shop, golden):
    """TPC-H Q17's and Q2's shapes: the subquery is aggregated only for the keys that pass the filters."""
    golden.check_df(spark.sql("""
        SELECT name, o_key, price FROM customers, orders
        WHERE c_key = cust AND name IN ('ann', 'bob', 'nil')
          AND price > (SELECT avg(price) FROM orders o2 WHERE o2.cust = c_key)
        ORDER BY o_key"""))
    golden.check_df(spark.sql("""
        SELECT name, o_key FROM customers, orders
        WHERE c_key = cust AND name <> 'cid'
          AND price = (SELECT min(o2.price) FROM orders o2 WHERE o2.cust = c_key)
        ORDER BY o_key"""), "minimum")
