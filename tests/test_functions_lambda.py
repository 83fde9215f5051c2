"""Higher-order functions with lambdas, through the DataFrame API and SQL text."""

import pytest

from pyspark.sql import functions as F


@pytest.fixture
def arrays(spark):
    df = spark.createDataFrame(
        [(1, [1, 2, 3], [4, 5], {"a": 1, "b": 2}), (2, None, [], None), (3, [1, None], [7], {"c": None})],
        "id int, arr array<int>, arr2 array<int>, m map<string,int>",
    )
    df.createOrReplaceTempView("lambda_t")
    return df


def test_transform_and_filter(arrays, golden):
    golden.check_df(
        arrays.select(
            "id",
            F.transform("arr", lambda x: x * 2),
            F.transform("arr", lambda x, i: x + i).alias("with_index"),
            F.filter("arr", lambda x: x > 1),
            F.filter("arr", lambda x, i: i > 0).alias("by_index"),
        )
    )


def test_exists_and_forall_three_valued(arrays, golden):
    golden.check_df(
        arrays.select(
            "id",
            F.exists("arr", lambda x: x > 2),
            F.forall("arr", lambda x: x > 0).alias("all_positive"),
            F.exists("arr", lambda x: x.isNull()).alias("has_null"),
        )
    )


def test_aggregate_and_reduce(arrays, golden):
    golden.check_df(
        arrays.select(
            "id",
            F.aggregate("arr", F.lit(0), lambda acc, x: acc + x),
            F.aggregate("arr", F.lit(0), lambda acc, x: acc + x, lambda acc: acc * 10).alias("finished"),
            F.reduce("arr", F.lit(0).cast("bigint"), lambda acc, x: acc + x).alias("reduced"),
        )
    )


def test_zip_with_pads_with_nulls(arrays, golden):
    golden.check_df(arrays.select("id", F.zip_with("arr", "arr2", lambda x, y: x + y)))


def test_map_lambdas(arrays, golden):
    golden.check_df(
        arrays.select(
            "id",
            F.map_filter("m", lambda k, v: v > 1),
            F.transform_keys("m", lambda k, v: F.upper(k)).alias("keys"),
            F.transform_values("m", lambda k, v: v * 10).alias("values"),
            F.map_zip_with("m", "m", lambda k, v1, v2: v1 + v2).alias("zipped"),
        )
    )


def test_lambda_captures_columns_and_nests(arrays, golden):
    golden.check_df(
        arrays.select(
            "id",
            F.transform("arr", lambda x: x + F.col("id")).alias("plus_id"),
            F.transform("arr", lambda x: F.transform("arr2", lambda y: x + y)).alias("nested"),
        )
    )


def test_lambdas_in_sql(arrays, spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT id, transform(arr, x -> x * 2), filter(arr, (x, i) -> i > 0), "
            "exists(arr, x -> x > 2), forall(arr, x -> x IS NOT NULL), "
            "aggregate(arr, 0, (acc, x) -> acc + x, acc -> acc * 10), "
            "zip_with(arr, arr2, (x, y) -> x + y), transform_values(m, (k, v) -> v + 1) "
            "FROM lambda_t ORDER BY id"
        )
    )


def test_lambdas_in_expr_strings(arrays, golden):
    golden.check_df(arrays.select("id", F.expr("transform(arr, x -> x + id)"), F.expr("exists(arr, x -> x = 1)")))


def test_array_sort_with_comparator(spark, golden):
    df = spark.createDataFrame([([3, 1, 2],), ([5, 4],), (None,)], "arr array<int>")
    golden.check_df(df.select(F.array_sort("arr", lambda l, r: r - l).alias("desc")))
    golden.check_df(spark.sql("SELECT array_sort(array('bb', 'a', 'ccc'), (l, r) -> length(l) - length(r))"), "sql")


def test_lambda_type_errors(arrays, spark, golden):
    golden.check_error(lambda: spark.sql("SELECT filter(arr, x -> x) FROM lambda_t").schema, "filter_not_boolean")
    golden.check_error(
        lambda: spark.sql("SELECT aggregate(array(1L, 2L), 0, (acc, x) -> acc + x)").schema, "aggregate_type"
    )


def test_transform_keys_rejects_null_and_duplicate_keys(arrays, golden):
    golden.check_error(lambda: arrays.select(F.transform_keys("m", lambda k, v: F.lit("z"))).collect(), "duplicate")
    golden.check_error(
        lambda: arrays.select(F.transform_keys("m", lambda k, v: F.lit(None).cast("string"))).collect(), "null_key"
    )


def test_values_where_a_function_goes_are_lambdas(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT transform(array(1, 2), 1) AS t, exists(array(1), true) AS e, zip_with(array(1), array(2), 3) AS z, "
            "transform_keys(map(1, 2), 3) AS k, aggregate(array(1), 0, 5) AS a, aggregate(array(1), 0, (acc, x) -> acc, 5) AS f, "
            "array_sort(array(5, 6, 1), 1) AS s"
        )
    )
    golden.check_error(lambda: spark.sql("SELECT filter(array(1), 1)").schema, "filter_not_boolean")
    golden.check_error(lambda: spark.sql("SELECT array_sort(array(5, 6, 1), (a, b) -> 'x')").schema, "sort_not_int")
    golden.check_error(lambda: spark.sql("SELECT array_sort(array(5, 6, 1), NULL)").schema, "sort_null")
    golden.check_error(
        lambda: spark.sql("SELECT aggregate(array(1, 2), array(1, 2), (acc, x) -> acc + x)").schema, "merge_operands"
    )


def test_predicates_of_untyped_null(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT filter(array(1), NULL) a, exists(array(1), x -> NULL) b, forall(array(1), NULL) c, "
            "map_filter(map(1, 2), (k, v) -> NULL) d"
        )
    )


def test_map_zip_with_widens_keys(spark, golden):
    for name, (left, right) in {
        "int_bigint": ("map(1, 2)", "map(1L, 3)"),
        "decimal_int": ("map(1.5, 2)", "map(1, 3)"),
        "int_double": ("map(1, 2)", "map(1.5D, 3)"),
        "date_timestamp": ("map(DATE'2020-01-01', 2)", "map(TIMESTAMP'2020-01-01 00:00:00', 3)"),
    }.items():
        golden.check_df(spark.sql(f"SELECT map_zip_with({left}, {right}, (k, v1, v2) -> k) AS m"), name)
    # A string key is not cast (the cast could give NULL keys).
    golden.check_error(lambda: spark.sql("SELECT map_zip_with(map('1', 2), map(1, 3), (k, v1, v2) -> k)").collect(), "string_int")
    golden.check_error(lambda: spark.sql("SELECT map_zip_with(map(1, 2), map('a', 3), (k, v1, v2) -> v1 + k)").collect(), "int_string")


def test_errors_name_lambdas_as_written(spark, golden):
    """Spark checks the values before it resolves the lambdas, so its errors name them as written."""
    for name, call in {
        "array_sort_null": "array_sort(NULL)",
        "array_sort_null_comparator": "array_sort(NULL, (a, b) -> 0)",
        "array_sort_int": "array_sort(1, (a, b) -> a - b)",
        "transform_int": "transform(1, x -> x + 1)",
        "transform_map_field": "transform(map(1, 2), x -> x.a)",
    }.items():
        golden.check_error(lambda: spark.sql(f"SELECT {call}").collect(), name)
