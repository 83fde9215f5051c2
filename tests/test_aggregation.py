"""Aggregation: rollup, cube, grouping sets, grouping()/grouping_id(), pivot, dict and filtered aggregates."""

import pytest
from pyspark.sql import functions as F
from conftest import conf


@pytest.fixture
def sales(spark):
    yield spark.createDataFrame(
        [
            ("north", "apples", 2023, 10),
            ("north", "pears", 2023, 5),
            ("north", "apples", 2024, 7),
            ("south", "apples", 2023, 3),
            ("south", "pears", 2024, 8),
            ("south", "pears", 2024, None),
        ],
        "region string, fruit string, year int, amount int",
    )
    spark.catalog.dropTempView("fruit_sales")


def test_rollup(sales, golden):
    golden.check_df(
        sales.rollup("region", "fruit").agg(F.sum("amount"), F.count("*")).orderBy("region", "fruit")
    )


def test_cube(sales, golden):
    golden.check_df(sales.cube("region", "fruit").sum("amount").orderBy("region", "fruit"))


def test_rollup_with_grouping(sales, golden):
    golden.check_df(
        sales.rollup("region", "fruit")
        .agg(F.grouping("region"), F.grouping("fruit"), F.grouping_id(), F.max("amount"))
        .orderBy("region", "fruit")
    )


def test_cube_grouping_id_of_columns(sales, golden):
    golden.check_df(
        sales.cube("region", "year")
        .agg(F.grouping_id("region", "year").alias("gid"), F.sum("amount").alias("total"))
        .orderBy("gid", "region", "year")
    )


def test_grouping_sets(sales, golden):
    golden.check_df(
        sales.groupingSets([["region"], ["fruit"], []], "region", "fruit")
        .agg(F.sum("amount").alias("total"))
        .orderBy("region", "fruit")
    )


def test_grouping_sets_of_empty_input(spark, sales, golden):
    # Grand totals beside groups give no row for no input; only empty sets aggregate it.
    empty = sales.where("amount > 100")
    golden.check_df(empty.rollup("region").count(), "rollup")
    golden.check_df(empty.cube("region", "fruit").agg(F.sum("amount")), "cube")
    golden.check_df(empty.groupingSets([["region"], []], "region").count(), "grouping_sets")
    golden.check_df(empty.groupingSets([[]]).agg(F.sum("amount")), "only_empty_set")
    golden.check_df(spark.sql("SELECT a, count(*) FROM VALUES (1) t(a) WHERE false GROUP BY ROLLUP(a)"), "sql_rollup")
    golden.check_df(spark.sql("SELECT count(*) FROM VALUES (1) t(a) WHERE false GROUP BY GROUPING SETS(())"), "sql_only_empty_set")


def test_pivot_with_values(sales, golden):
    golden.check_df(sales.groupBy("region").pivot("year", [2023, 2024]).sum("amount").orderBy("region"))


def test_pivot_several_aggregates(sales, golden):
    golden.check_df(
        sales.groupBy("region")
        .pivot("fruit", ["apples", "pears"])
        .agg(F.sum("amount"), F.count("amount").alias("n"))
        .orderBy("region")
    )


def test_pivot_count_missing_is_null(sales, golden):
    golden.check_df(sales.groupBy("fruit").pivot("region", ["north", "south", "west"]).count().orderBy("fruit"))


def test_pivot_without_values(sales, golden):
    golden.check_df(sales.groupBy("region").pivot("fruit").sum("amount").orderBy("region"))


def test_agg_dict(sales, golden):
    golden.check_df(sales.groupBy("region").agg({"amount": "max", "year": "min"}).orderBy("region"))


def test_distinct_aggregates(sales, golden):
    golden.check_df(
        sales.groupBy("region")
        .agg(F.count_distinct("fruit"), F.sum_distinct("amount"))
        .orderBy("region")
    )


def test_count_distinct_of_several_columns(sales, golden):
    golden.check_df(sales.groupBy("region").agg(F.countDistinct("fruit", "year")).orderBy("region"))


def test_distinct_aggregates_of_one_column(sales, golden):
    """DISTINCT aggregates of one column (Ember plans them as two groupings): nulls, an empty input."""
    distinct = [F.count_distinct("amount"), F.sum_distinct("amount")]
    golden.check_df(sales.groupBy("region").agg(*distinct).orderBy("region"))
    golden.check_df(sales.where("amount is null").groupBy("fruit").agg(*distinct))
    golden.check_df(sales.where("amount > 100").agg(*distinct))
    golden.check_df(sales.groupBy("region").agg(F.expr("avg(DISTINCT amount)")).orderBy("region"))


def test_distinct_average_beside_other_distinct_aggregates(spark, sales, golden):
    mixed = [F.expr("avg(DISTINCT amount)"), F.count_distinct("amount"), F.sum_distinct("amount"), F.avg("amount")]
    golden.check_df(sales.groupBy("region").agg(*mixed).orderBy("region"), "grouped")
    golden.check_df(sales.where("amount > 100").agg(*mixed), "no_rows")
    golden.check_df(
        spark.sql("SELECT avg(DISTINCT x), count(DISTINCT x), avg(DISTINCT y) FROM VALUES (1, 1.5D), (1, 2.5D), (4, NULL), (NULL, 1.5D) t(x, y)"),
        "sql_integers_and_doubles",
    )


def test_sql_rollup_and_grouping(spark, sales, golden):
    sales.createOrReplaceTempView("fruit_sales")
    golden.check_df(
        spark.sql(
            "SELECT region, fruit, sum(amount) AS total, grouping(fruit) AS gf "
            "FROM fruit_sales GROUP BY ROLLUP(region, fruit) ORDER BY region, fruit"
        )
    )


def test_sql_cube(spark, sales, golden):
    sales.createOrReplaceTempView("fruit_sales")
    golden.check_df(
        spark.sql(
            "SELECT region, year, count(*) AS n FROM fruit_sales "
            "GROUP BY CUBE(region, year) ORDER BY region, year"
        )
    )


def test_sql_grouping_sets(spark, sales, golden):
    sales.createOrReplaceTempView("fruit_sales")
    golden.check_df(
        spark.sql(
            "SELECT region, fruit, sum(amount) AS total, grouping_id() AS gid FROM fruit_sales "
            "GROUP BY GROUPING SETS ((region, fruit), (region), ()) ORDER BY region, fruit"
        )
    )


def test_sql_filtered_aggregate(spark, sales, golden):
    sales.createOrReplaceTempView("fruit_sales")
    golden.check_df(
        spark.sql(
            "SELECT region, sum(amount) FILTER (WHERE fruit = 'apples') AS apples, "
            "count(*) FILTER (WHERE year = 2024) AS recent FROM fruit_sales GROUP BY region ORDER BY region"
        )
    )


def test_pivot_without_values_over_the_limit(spark, golden):
    df = spark.range(6).selectExpr("id % 2 AS k", "id")
    with conf(spark, "spark.sql.pivotMaxValues", "3"):
        golden.check_error(lambda: df.groupBy("k").pivot("id").count().collect())


def test_names_of_nested_fields_in_functions(spark, golden):
    df = spark.sql("SELECT named_struct('d', 1.5D, 's', 'ab', 'i', 3, 'n', named_struct('x', 2), 'a', array(1)) AS st, 2 AS i")
    golden.check_df(
        df.groupBy().agg(
            F.sum("st.d"), F.avg("st.d"), F.max("st.s"), F.count("st.d"), F.min(F.col("st.i")), F.sum(F.col("st.n.x")),
            F.collect_list("st.s"), F.first("st.s"), F.countDistinct("st.i"), F.sum(F.col("st")["d"]), F.stddev("st.d"),
        )
    )
    golden.check_df(df.groupBy("st.s").agg(F.sum("st.d")), "grouped")
    golden.check_df(
        df.select(
            F.upper("st.s"), F.col("st.s"), F.concat("st.s", "st.s"), F.col("st.n.x") + 1, -F.col("st.d"), F.col("st.d").cast("int"),
            F.struct("st.s", F.col("st")["d"]), F.arrays_zip("st.a"), F.coalesce("st.s", F.lit("x")), F.col("st.d") > 1,
        ),
        "scalars",
    )
    golden.check_df(df.selectExpr("upper(st.s)", "st.n.x", "st.d + i"), "sql")


def test_aggregations_spark_refuses(spark, sales, golden):
    golden.check_error(lambda: sales.groupBy("region").agg(F.sum(F.max("amount"))).collect(), "nested")
    golden.check_error(lambda: sales.agg(F.sum(F.max("amount"))).collect(), "nested_global")
    golden.check_error(lambda: spark.sql("SELECT sum(max(n)) FROM VALUES (1) t(n)").collect(), "nested_sql")
    golden.check_error(lambda: sales.groupBy("region").agg(F.grouping("region")).collect(), "grouping_without_sets")
    golden.check_error(lambda: sales.groupBy("region").agg(F.grouping_id()).collect(), "grouping_id_without_sets")


def test_columns_outside_the_grouping(spark, sales, golden):
    sales.createOrReplaceTempView("fruit_sales")
    golden.check_error(lambda: sales.groupBy("region").agg(F.col("amount")).collect(), "grouped")
    golden.check_error(lambda: sales.select(F.sum("amount"), "region").collect(), "not_grouped")
    golden.check_error(lambda: spark.sql("SELECT region, year, count(*) FROM fruit_sales GROUP BY region").collect(), "sql_grouped")
    golden.check_error(lambda: spark.sql("SELECT year, count(*) FROM fruit_sales").collect(), "sql_not_grouped")
    golden.check_df(spark.sql("SELECT region, sum(amount) + 1, upper(region) FROM fruit_sales GROUP BY region ORDER BY region"), "through_grouped_columns")
