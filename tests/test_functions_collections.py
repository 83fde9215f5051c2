"""Collection functions: element access, sizes, sorting, sequences, array and map helpers."""

import pytest

from conftest import conf
from pyspark.sql import functions as F


@pytest.fixture
def colls(spark):
    df = spark.createDataFrame(
        [(1, [3, 1, 2], [4, 5], {"a": 1, "b": 2}), (2, None, [], None), (3, [1, None], [7], {"c": None})],
        "id int, arr array<int>, arr2 array<int>, m map<string,int>",
    )
    df.createOrReplaceTempView("coll_t")
    return df


def test_element_access(colls, golden):
    golden.check_df(
        colls.select(
            "id",
            F.element_at("arr", 1),
            F.element_at("arr", -1).alias("last"),
            F.try_element_at("arr", F.lit(5)).alias("try_out_of_range"),
            F.get("arr", 1).alias("get"),
            F.get("arr", 7).alias("get_out_of_range"),
            F.element_at("m", F.lit("a")).alias("map_value"),
            F.col("arr")[0].alias("subscript"),
        )
    )


def test_element_access_in_sql(colls, spark, golden):
    golden.check_df(spark.sql("SELECT id, arr[1], m['a'], element_at(m, 'b'), get(arr, 0) FROM coll_t ORDER BY id"))
    golden.check_df(spark.sql("SELECT struct(1, 'a'), named_struct('x', 1).x"), "structs")


def test_element_access_errors(colls, spark, golden):
    golden.check_error(lambda: colls.select(F.element_at("arr", 5)).collect(), "element_at_out_of_range")
    golden.check_error(lambda: colls.select(F.element_at("arr", 0)).collect(), "element_at_zero")
    golden.check_error(lambda: spark.sql("SELECT arr[5] FROM coll_t").collect(), "subscript_out_of_range")
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_df(spark.sql("SELECT id, element_at(arr, 5), arr[5] FROM coll_t ORDER BY id"), "non_ansi")


def test_sizes(colls, golden):
    golden.check_df(
        colls.select("id", F.size("arr"), F.size("m"), F.cardinality("arr"), F.array_size("arr"))
    )
    golden.check_df(colls.sparkSession.sql("SELECT size(NULL) a, cardinality(NULL) b, array_size(NULL) c"), "untyped_null")


def test_sorting(colls, spark, golden):
    golden.check_df(colls.select("id", F.sort_array("arr"), F.sort_array("arr", asc=False), F.array_sort("arr")))
    golden.check_df(spark.sql("SELECT id, sort_array(arr), array_sort(arr) FROM coll_t ORDER BY id"), "sql")


def test_sequence(spark, golden):
    golden.check_df(
        spark.sql("SELECT sequence(1, 5) AS up, sequence(5, 1) AS down, sequence(1, 10, 3) AS step"),
        show=True,
    )
    golden.check_df(
        spark.range(1).select(
            F.sequence(F.lit("2024-01-01").cast("date"), F.lit("2024-03-01").cast("date"), F.expr("INTERVAL 1 MONTH")).alias("months")
        ),
        "dates",
    )


def test_array_functions_over_arrays(colls, golden):
    golden.check_df(
        colls.select(
            "id",
            F.reverse("arr"),
            F.concat("arr", "arr2"),
            F.array_append("arr", 9),
            F.array_prepend("arr", 0),
            F.array_position("arr", 1),
        )
    )


def test_map_contains_key(colls, golden):
    golden.check_df(colls.select("id", F.map_contains_key("m", "a"), F.map_keys("m"), F.map_values("m")))


def test_null_elements_in_flatten_and_arrays_overlap(spark, golden):
    """A NULL inner array makes `flatten` NULL; NULL elements make `arrays_overlap` NULL when nothing else matches."""
    golden.check_df(
        spark.sql(
            "SELECT flatten(array(array(1), NULL)) AS a, flatten(array(array(1, NULL), array(2))) AS b, "
            "flatten(array(array())) AS c, flatten(x) AS d FROM VALUES (array(array(3), NULL)), (array(array(4, 5))), (NULL) t(x)"
        ),
        "flatten",
    )
    golden.check_df(
        spark.sql(
            "SELECT arrays_overlap(array(1, NULL), array(2)) AS a, arrays_overlap(array(1, NULL), array(1)) AS b, "
            "arrays_overlap(array(NULL), array(NULL)) AS c, arrays_overlap(array(), array(NULL)) AS d, "
            "arrays_overlap(array(1), array(2)) AS e, arrays_overlap(array(1L, 2L), array(2)) AS f, "
            "arrays_overlap(x, y) AS g FROM VALUES (array(1, NULL), array(3)), (array(1), NULL), (array(7), array(7, NULL)) t(x, y)"
        ),
        "arrays_overlap",
    )
    golden.check_df(
        spark.createDataFrame([([1, None], [2]), ([3], [3])], "x array<int>, y array<int>").select(F.arrays_overlap("x", "y")),
        "arrays_overlap_dataframe",
    )


def test_sequence_of_dates_and_timestamps_without_a_step(spark, golden):
    golden.check_df(
        spark.sql("SELECT sequence(d, e) AS s FROM VALUES (DATE'2024-01-01', DATE'2024-01-03'), (DATE'2024-01-03', DATE'2024-01-01') t(d, e)"),
        "dates",
    )
    df = spark.createDataFrame([("2024-01-01 00:00:00", "2024-01-03 00:00:00"), ("2024-01-03 12:00:00", "2024-01-01 00:00:00")], "a string, b string")
    golden.check_df(df.select(F.sequence(F.to_timestamp("a"), F.to_timestamp("b")).alias("s")), "timestamps")
    golden.check_df(spark.sql("SELECT array_repeat(1, 2) AS a, array_repeat(NULL, 2) AS b, array_repeat('x', CAST(NULL AS INT)) AS c"), "array_repeat_nullability")


def test_array_widens_its_elements_to_a_common_type(spark, golden):
    golden.check_df(spark.range(1).select(F.lit([1, 2.5]), F.lit([[1, 2], [3.5]]), F.array(F.lit(1), F.lit(2).cast("bigint"), F.lit(None))))
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_df(spark.range(1).select(F.lit(["a", 1, None, 1.0]), F.lit([["a", 1], [1, None, "b"]])), "strings_win")
        golden.check_df(spark.sql("SELECT array(DATE'2020-01-01', 'x'), array('1', 2)"), "sql")
    with conf(spark, "spark.sql.ansi.enabled", "true"):
        golden.check_df(spark.sql("SELECT array('1', 2), array(1, 2L, 3.5BD)"), "ansi")
        golden.check_error(lambda: spark.range(1).select(F.lit(["a", 1, 1.0])).collect(), "ansi_error")


def test_map_entries_of_maps_with_non_null_values(spark, golden):
    df = spark.sql("SELECT map('a', 1, 'b', 2) AS m, map(1, 'x') AS n")
    golden.check_df(df.select(F.map_entries("m").alias("e"), F.map_entries("n").alias("f")), "columns")
    golden.check_df(spark.sql("SELECT map_entries(map('a', 1)) AS e, map_entries(map()) AS empty"), "literals")


def test_named_struct_names_are_foldable_strings(spark, golden):
    golden.check_df(spark.sql("SELECT named_struct(concat('a', 'b'), 1, 'c', id) AS s FROM range(2)"), "folded", show=False)
    for name, sql in [
        ("number", "SELECT named_struct(1, 2, 'b', 3)"),
        ("two_numbers", "SELECT named_struct(1, 2, 2, 3)"),
        ("column", "SELECT named_struct(id, 1) FROM range(1)"),
        ("null_string", "SELECT named_struct(CAST(NULL AS STRING), 2)"),
        ("void", "SELECT named_struct(NULL, 2)"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)


def test_array_of_values_without_a_common_type_fails_as_spark(spark, golden):
    for name, sql in [
        ("array_and_int", "SELECT array(array(1, 2), 2, 3)"),
        ("binary_and_int", "SELECT array(X'0102', 2)"),
        ("int_and_boolean", "SELECT array(1, true)"),
        ("structs_of_other_fields", "SELECT array(named_struct('a', 1), named_struct('b', 1))"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)
    golden.check_df(spark.sql("SELECT array(date'2020-01-01', timestamp_ntz'2020-01-01 00:00:00') AS a, array(1, '2') AS b"), "widened")


def test_map_concat_widens_maps_or_fails_as_spark(spark, golden):
    golden.check_df(spark.sql("SELECT map_concat(map(1, 'a'), map(2L, 'b')) AS keys, map_concat(map(1, 2), map(2, 3.5)) AS vals, map_concat(map(1, array(1)), map(2, array(2L))) AS nested"))
    for name, sql in [
        ("null_argument", "SELECT map_concat(map(1, 'a'), NULL)"),
        ("not_a_map", "SELECT map_concat(map(1, 'a'), 1)"),
        ("string_and_number_keys", "SELECT map_concat(map(1, 'a'), map('x', 'b'))"),
        ("value_not_a_number", "SELECT map_concat(map(1, 'a'), map(2, 3))"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)


def test_nested_casts_cast_each_value_as_spark(spark, golden):
    golden.check_df(spark.sql("SELECT try_cast(map(1, 'a', 2, '7') AS MAP<INT, BIGINT>) AS m, CAST(array('1', ' 2 ') AS ARRAY<INT>) AS a, CAST(named_struct('x', '3') AS STRUCT<x: INT>) AS s"))
    for name, sql in [
        ("array", "SELECT CAST(array('a') AS ARRAY<INT>)"),
        ("map", "SELECT CAST(map(1, 'a') AS MAP<INT, BIGINT>)"),
        ("struct", "SELECT CAST(named_struct('x', 'a') AS STRUCT<x: INT>)"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)


def test_sequence_widens_its_bounds_or_fails_as_spark(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT sequence(1, 5L) AS wide, sequence(1, '3') AS string_stop, sequence('1', 3) AS string_start, sequence(1, 5, 2L) AS wide_step,"
            " sequence(NULL, 5) AS null_start, sequence(TIMESTAMP'2020-01-01 00:00:00', DATE'2020-01-03') AS mixed_time"
        )
    )
    for name, sql in [
        ("decimal", "SELECT sequence(1.5, 5)"),
        ("boolean", "SELECT sequence(true, 5)"),
        ("date_and_int", "SELECT sequence(DATE'2020-01-01', 5)"),
        ("array", "SELECT sequence(array(1), 5)"),
        ("decimal_step", "SELECT sequence(1, 5, 1.5)"),
        ("string_not_a_number", "SELECT sequence(1, 'abc')"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)


def test_map_keys_and_untyped_nulls_checked_as_spark(spark, golden):
    """map_contains_key compares keys in their common type; untyped NULLs fail where Spark refuses them."""
    golden.check_df(
        spark.sql(
            "SELECT map_contains_key(map(1, 'a', 2, 'b'), 1.5BD) a, map_contains_key(map(1, 'a', 2, 'b'), 2.0D) b, "
            "map_contains_key(map(CAST(1 AS BIGINT), 'a'), 1) c, map_contains_key(CAST(NULL AS MAP<INT,INT>), 1) d, "
            "element_at(array(1, 2, 3), CAST(2 AS TINYINT)) e"
        )
    )
    for name, query in [
        ("string_key", "SELECT map_contains_key(map(1, 'a'), 'abc')"),
        ("date_key", "SELECT map_contains_key(map(1, 'a'), DATE'2020-01-01')"),
        ("null_key", "SELECT map_contains_key(map(1, 'a'), NULL)"),
        ("contains_null", "SELECT array_contains(array(1), NULL)"),
        ("append_to_null", "SELECT array_append(NULL, 'd')"),
        ("try_element_at_null", "SELECT try_element_at(NULL, 2)"),
        ("element_at_bigint_index", "SELECT element_at(array(1, 2, 3), CAST(1 AS BIGINT))"),
        ("element_at_string_index", "SELECT element_at(array(1, 2, 3), '1')"),
        ("try_element_at_null_index", "SELECT try_element_at(array(1, 2, 3), NULL)"),
    ]:
        golden.check_error(lambda: spark.sql(query).collect(), name)


def test_untyped_null_collections_typed_as_spark(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT array_min(NULL), array_max(NULL), map_keys(NULL), map_values(NULL), map_entries(NULL), "
            "array_distinct(NULL), array_compact(NULL), sort_array(NULL), sort_array(NULL, false)"
        )
    )
