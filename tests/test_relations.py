"""DataFrame relations: projection, filtering, sorting, aggregation, joins, set ops, views."""

import pytest
from pyspark.sql import Row
from pyspark.sql import functions as F

from conftest import describe_error


@pytest.fixture
def people(spark):
    return spark.createDataFrame(
        [
            (1, "alice", 34, "paris"),
            (2, "bob", 45, "berlin"),
            (3, "carla", None, "paris"),
            (4, "dmitri", 52, None),
            (5, "eve", 23, "berlin"),
        ],
        "id int, name string, age int, city string",
    )


@pytest.fixture
def cities(spark):
    return spark.createDataFrame(
        [("paris", "france"), ("berlin", "germany"), ("rome", "italy")],
        "city string, country string",
    )


# -- projection -------------------------------------------------------------------


def test_select_by_name(people, golden):
    golden.check_df(people.select("name", "age"))


def test_select_columns_and_expressions(people, golden):
    golden.check_df(people.select(people.id, F.col("name"), (people["age"] * 2).alias("double_age")))


def test_select_star(people, golden):
    golden.check_df(people.select("*"))


def test_select_list_argument(people, golden):
    golden.check_df(people.select(["id", "city"]))


def test_select_same_column_twice(people, golden):
    golden.check_df(people.select("id", "id"))


def test_to_df_renames_all_columns(people, golden):
    golden.check_df(people.toDF("a", "b", "c", "d"))


def test_with_column_adds(people, golden):
    golden.check_df(people.withColumn("age_next", F.col("age") + 1))


def test_with_column_replaces(people, golden):
    golden.check_df(people.withColumn("age", F.col("age").cast("string")))


def test_with_columns(people, golden):
    golden.check_df(people.withColumns({"one": F.lit(1), "upper": F.upper("name")}))


def test_with_column_renamed(people, golden):
    golden.check_df(people.withColumnRenamed("name", "full_name"))


def test_with_column_renamed_missing_is_noop(people, golden):
    golden.check_df(people.withColumnRenamed("nope", "x"))


def test_with_columns_renamed(people, golden):
    golden.check_df(people.withColumnsRenamed({"id": "key", "city": "town"}))


def test_drop_one(people, golden):
    golden.check_df(people.drop("age"))


def test_drop_many_and_missing(people, golden):
    golden.check_df(people.drop("age", "city", "does_not_exist"))


def test_drop_column_object(people, golden):
    golden.check_df(people.drop(people.name))


def test_alias_then_qualified_select(people, golden):
    golden.check_df(people.alias("p").select("p.id", "p.name"))


# -- filtering ----------------------------------------------------------------------


def test_filter_column(people, golden):
    golden.check_df(people.filter(people.age > 30))


def test_where_string(people, golden):
    golden.check_df(people.where("age > 30 AND city = 'paris'"))


def test_filter_drops_null_predicates(people, golden):
    golden.check_df(people.filter(F.col("age") < 100))


def test_filter_chain(people, golden):
    golden.check_df(people.filter("age IS NOT NULL").where(F.col("city") == "berlin"))


# -- sorting, limit, offset, tail --------------------------------------------------


def test_sort_by_name(people, golden):
    golden.check_df(people.sort("age"))


def test_order_by_desc(people, golden):
    golden.check_df(people.orderBy(F.col("age").desc()))


def test_order_by_ascending_flag(people, golden):
    golden.check_df(people.orderBy("city", "age", ascending=[False, True]))


def test_asc_nulls_last(people, golden):
    golden.check_df(people.orderBy(F.col("age").asc_nulls_last()))


def test_desc_nulls_first(people, golden):
    golden.check_df(people.orderBy(F.col("age").desc_nulls_first()))


def test_sort_multiple_keys(people, golden):
    golden.check_df(people.sort(F.asc("city"), F.desc("id")))


def test_limit(people, golden):
    golden.check_df(people.orderBy("id").limit(2))


def test_limit_zero(people, golden):
    golden.check_df(people.limit(0))


def test_offset(people, golden):
    golden.check_df(people.orderBy("id").offset(3))


def test_limit_after_offset(people, golden):
    golden.check_df(people.orderBy("id").offset(1).limit(2))


def test_tail(people, golden):
    golden.check_rows(people.orderBy("id").tail(2))


def test_tail_keeps_the_order(spark, golden):
    rows = spark.createDataFrame([(1, "a"), (2, None), (3, "c"), (4, "b")], "k int, v string")
    golden.check_rows(rows.orderBy("v").tail(2), "nulls_first")
    golden.check_rows(rows.orderBy(F.col("v").desc()).tail(1), "nulls_last")
    golden.check_rows(spark.range(0, 100, 1, 4).tail(2), "partitions")


def test_union_keeps_its_inputs_order(spark, golden):
    golden.check_rows(spark.sql("SELECT 1 a UNION ALL SELECT 2 UNION ALL SELECT 3").collect())
    golden.check_rows(spark.sql("SELECT named_struct('a', 1) s UNION ALL SELECT NULL").collect(), "struct_and_null")


def test_star_except(spark, golden):
    rows = spark.createDataFrame([(1, "a", 1.0)], "k int, v string, x double")
    rows.createOrReplaceTempView("star_except")
    golden.check_df(rows.selectExpr("* except (k)"))
    golden.check_df(spark.sql("SELECT * EXCEPT (k, X) FROM star_except"), "sql")
    golden.check_df(spark.sql("SELECT t.* EXCEPT (v) FROM star_except t"), "qualified")
    golden.check_error(lambda: spark.sql("SELECT * EXCEPT (nope) FROM star_except").columns, "missing")


def test_star_except_nested_fields(spark, golden):
    """A dotted path leaves out a field of a struct, which is rebuilt without it."""
    rows = "VALUES (1, named_struct('a', 1, 'b', named_struct('c', 3, 'd', 4)), CAST(NULL AS STRUCT<e: INT, f: INT>)) AS t(x, s, n)"
    for name, columns in {
        "field": "s.a",
        "deep_field": "s.b.c",
        "field_and_column": "s.a, x",
        "every_field": "s.a, s.b",
        "of_a_null_struct": "n.e",
        "qualified_any_case": "T.S.A",
        "spaced": "s . b . d",
    }.items():
        golden.check_df(spark.sql(f"SELECT * EXCEPT ({columns}) FROM {rows}"), name)
    golden.check_df(spark.sql(f"SELECT t.* EXCEPT (s.b) FROM {rows}"), "qualified_star")
    golden.check_df(spark.range(1).selectExpr("named_struct('p', 1, 'q', 2) AS s").selectExpr("* EXCEPT (s.q)"), "select_expr")
    golden.check_df(spark.sql("SELECT * EXCEPT (`s.a`) FROM VALUES (1, 2) AS t(`s.a`, y)"), "dotted_name")
    for name, columns in {"overlapping": "s, s.a", "repeated": "x, x", "missing_field": "s.z", "not_a_struct": "x.z"}.items():
        golden.check_error(lambda: spark.sql(f"SELECT * EXCEPT ({columns}) FROM {rows}").columns, name)


def test_head_take_first(people, golden):
    ordered = people.orderBy("id")
    golden.check_rows(ordered.head(2), "head")
    golden.check_rows(ordered.take(1), "take")
    golden.check_rows([ordered.first()], "first")


def test_count(people, golden):
    golden.check("count", people.count())


# -- show ---------------------------------------------------------------------------


def test_show_string_default(people, golden):
    golden.check_show(people._show_string(20, 20, False))


def test_show_string_n(people, golden):
    golden.check_show(people.orderBy("id")._show_string(2, 20, False))


def test_show_string_truncate(spark, golden):
    df = spark.createDataFrame([("a" * 30, "short")], "long string, s string")
    golden.check_show(df._show_string(20, 20, False), "truncate_20")
    golden.check_show(df._show_string(20, 5, False), "truncate_5")
    golden.check_show(df._show_string(20, 3, False), "truncate_3")
    golden.check_show(df._show_string(20, 0, False), "no_truncate")


def test_show_string_vertical(people, golden):
    golden.check_show(people.orderBy("id")._show_string(2, 20, True))


def test_show_prints(people, capsys, golden):
    people.orderBy("id").show(3)
    golden.check_show(capsys.readouterr().out)


def test_show_nested_values(spark, golden):
    df = spark.sql(
        "SELECT array(1, NULL) AS a, map('k', named_struct('x', 1)) AS m, "
        "named_struct('p', array('x'), 'q', CAST(NULL AS STRING)) AS s, X'0A0B' AS b"
    )
    golden.check_show(df._show_string(20, 20, False))


def test_repr_html_with_eager_eval(spark, people, golden):
    spark.conf.set("spark.sql.repl.eagerEval.enabled", "true")
    try:
        golden.check_show(people.orderBy("id")._repr_html_())
    finally:
        spark.conf.unset("spark.sql.repl.eagerEval.enabled")


def test_repr_html_without_eager_eval_is_none(people):
    assert people._repr_html_() is None


# -- distinct ------------------------------------------------------------------------


def test_distinct(spark, golden):
    df = spark.createDataFrame([(1, "a"), (1, "a"), (2, "b"), (None, None), (None, None)], "k int, v string")
    golden.check_df(df.distinct().orderBy("k"))


def test_drop_duplicates_all_columns(spark, golden):
    df = spark.createDataFrame([(1, "a"), (1, "a"), (2, "b")], "k int, v string")
    golden.check_df(df.dropDuplicates().orderBy("k"))


def test_drop_duplicates_subset(spark, golden):
    df = spark.createDataFrame([(1, "a"), (1, "a"), (2, "b"), (2, "b")], "k int, v string")
    golden.check_df(df.dropDuplicates(["k"]).orderBy("k"))


# -- aggregation ----------------------------------------------------------------------


def test_group_by_agg(people, golden):
    df = people.groupBy("city").agg(
        F.count("*").alias("n"),
        F.count("age").alias("n_age"),
        F.sum("age").alias("sum_age"),
        F.avg("age").alias("avg_age"),
        F.min("age").alias("min_age"),
        F.max("name").alias("max_name"),
    )
    golden.check_df(df.orderBy("city"))


def test_group_by_default_agg_names(people, golden):
    df = people.groupBy("city").agg(F.count("id"), F.sum("age"), F.avg("age"))
    golden.check_df(df.orderBy("city"))


def test_group_by_dict_agg(people, golden):
    golden.check_df(people.groupBy("city").agg({"age": "max", "id": "count"}).orderBy("city"))


def test_group_by_count_shortcut(people, golden):
    golden.check_df(people.groupBy("city").count().orderBy("city"))


@pytest.mark.parametrize("fn", ["sum", "avg", "mean", "min", "max"])
def test_group_by_shortcuts(people, golden, fn):
    grouped = people.groupBy("city")
    golden.check_df(getattr(grouped, fn)("age", "id").orderBy("city"))


def test_group_by_shortcut_without_columns(spark, golden):
    df = spark.createDataFrame([(1, 2.0, "x"), (1, 4.0, "y")], "k int, v double, s string")
    golden.check_df(df.groupBy("k").sum())


def test_global_agg(people, golden):
    golden.check_df(people.agg(F.count("*"), F.sum("age"), F.min("city")))


def test_global_agg_on_empty(spark, golden):
    df = spark.createDataFrame([], "x int")
    golden.check_df(df.agg(F.count("*").alias("n"), F.sum("x").alias("s"), F.avg("x").alias("a")))


def test_group_by_expression(people, golden):
    df = people.groupBy((F.col("age") / 10).cast("int").alias("decade")).count()
    golden.check_df(df.orderBy("decade"))


def test_group_by_multiple_keys(spark, golden):
    df = spark.createDataFrame(
        [("a", 1, 10), ("a", 1, 20), ("a", 2, 5), ("b", 1, 1)], "k1 string, k2 int, v int"
    )
    golden.check_df(df.groupBy("k1", "k2").agg(F.sum("v").alias("s")).orderBy("k1", "k2"))


def test_sum_and_avg_result_types(spark, golden):
    df = spark.createDataFrame([(1, 1.5, 2)], "i int, d double, b bigint").selectExpr(
        "*", "CAST(1.25 AS DECIMAL(5,2)) AS dec"
    )
    golden.check_df(df.agg(F.sum("i"), F.avg("i"), F.sum("d"), F.sum("b"), F.sum("dec"), F.avg("dec")))


# -- joins -----------------------------------------------------------------------------


def test_inner_join_on_name(people, cities, golden):
    golden.check_df(people.join(cities, "city").orderBy("id"))


def test_inner_join_on_list_of_names(spark, golden):
    a = spark.createDataFrame([(1, "x", 10), (2, "y", 20)], "k1 int, k2 string, a int")
    b = spark.createDataFrame([(1, "x", 100), (2, "z", 200)], "k1 int, k2 string, b int")
    golden.check_df(a.join(b, ["k1", "k2"]))


def test_left_join_on_list_of_names(spark, golden):
    a = spark.createDataFrame([(1, "x", 10), (2, "y", 20), (3, None, 30)], "k1 int, k2 string, a int")
    b = spark.createDataFrame([(1, "x", 100), (2, "z", 200)], "k1 int, k2 string, b int")
    golden.check_df(a.join(b, ["k1", "k2"], "left").orderBy("a"))


def test_inner_join_on_expression(people, cities, golden):
    df = people.join(cities, people.city == cities.city).select(people.name, cities.country)
    golden.check_df(df.orderBy("name"))


def test_join_on_expression_keeps_both_key_columns(people, cities, golden):
    golden.check_df(people.join(cities, people.city == cities.city).orderBy("id"))


def test_left_join_on_name(people, cities, golden):
    golden.check_df(people.join(cities, "city", "left").orderBy("id"))


def test_left_outer_join_on_expression(people, cities, golden):
    df = people.join(cities, people.city == cities.city, "left_outer")
    golden.check_df(df.orderBy("id"))


def test_right_and_full_joins(people, cities, golden):
    golden.check_df(people.join(cities, "city", "right").orderBy("city", "id"), "right")
    golden.check_df(people.join(cities, "city", "full").orderBy("city", "id"), "full")


def test_semi_and_anti_joins(people, cities, golden):
    golden.check_df(people.join(cities, "city", "left_semi").orderBy("id"), "semi")
    golden.check_df(people.join(cities, "city", "left_anti").orderBy("id"), "anti")


def test_cross_join(spark, golden):
    a = spark.createDataFrame([(1,), (2,)], "a int")
    b = spark.createDataFrame([("x",), ("y",)], "b string")
    golden.check_df(a.crossJoin(b).orderBy("a", "b"))


def test_self_join_via_alias(spark, golden):
    emp = spark.createDataFrame(
        [(1, "boss", None), (2, "ann", 1), (3, "ben", 1), (4, "cid", 2)],
        "id int, name string, manager int",
    )
    e, m = emp.alias("e"), emp.alias("m")
    df = e.join(m, F.col("e.manager") == F.col("m.id"), "left").select(
        F.col("e.name").alias("employee"), F.col("m.name").alias("manager")
    )
    golden.check_df(df.orderBy("employee"))


def test_join_with_null_keys_does_not_match(spark, golden):
    a = spark.createDataFrame([(1,), (None,)], "k int")
    b = spark.createDataFrame([(1,), (None,)], "k int")
    golden.check_df(a.join(b, "k"), "equi")
    golden.check_df(a.join(b, a.k.eqNullSafe(b.k)).select(a.k), "null_safe", ordered=False)


# -- set operations --------------------------------------------------------------------


def test_union_keeps_duplicates(spark, golden):
    a = spark.createDataFrame([(1, "a"), (2, "b")], "id int, v string")
    b = spark.createDataFrame([(2, "b"), (3, "c")], "id int, v string")
    golden.check_df(a.union(b).orderBy("id"), "union")
    golden.check_df(a.unionAll(b).orderBy("id"), "union_all")


def test_union_is_positional(spark, golden):
    a = spark.createDataFrame([(1, "a")], "id int, v string")
    b = spark.createDataFrame([(2, "b")], "other int, w string")
    golden.check_df(a.union(b).orderBy("id"))


def test_union_positional_mismatched_types_fail_under_ansi(spark, golden):
    a = spark.createDataFrame([(1, "a")], "id int, v string")
    b = spark.createDataFrame([("b", 2)], "v string, id int")
    # Both sides hold a string that cannot be cast to BIGINT; which of the two
    # failing rows is reported depends on task scheduling.
    with pytest.raises(Exception) as failure:
        a.union(b).collect()
    error = describe_error(failure.value)
    assert error["messageParameters"].pop("expression") in ("'a'", "'b'")
    golden.check("error", error)


def test_union_widens_types(spark, golden):
    a = spark.createDataFrame([(1,)], "x int")
    b = spark.createDataFrame([(2.5,)], "x double")
    golden.check_df(a.union(b).orderBy("x"))


def test_union_by_name(spark, golden):
    a = spark.createDataFrame([(1, "a")], "id int, v string")
    b = spark.createDataFrame([("b", 2)], "v string, id int")
    golden.check_df(a.unionByName(b).orderBy("id"))


def test_union_by_name_allow_missing(spark, golden):
    a = spark.createDataFrame([(1, "a")], "id int, v string")
    b = spark.createDataFrame([(2, True)], "id int, flag boolean")
    golden.check_df(a.unionByName(b, allowMissingColumns=True).orderBy("id"))


def test_intersect_and_except(spark, golden):
    a = spark.createDataFrame([(1,), (2,), (2,), (3,)], "x int")
    b = spark.createDataFrame([(2,), (3,), (4,)], "x int")
    golden.check_df(a.intersect(b).orderBy("x"), "intersect")
    golden.check_df(a.subtract(b).orderBy("x"), "subtract")
    golden.check_df(a.exceptAll(b).orderBy("x"), "except_all")


# -- temp views ------------------------------------------------------------------------


def test_create_or_replace_temp_view_read_by_table(spark, people, golden):
    people.createOrReplaceTempView("rel_people")
    golden.check_df(spark.table("rel_people").orderBy("id"))


def test_temp_view_read_by_sql(spark, people, golden):
    people.createOrReplaceTempView("rel_people_sql")
    golden.check_df(spark.sql("SELECT name, age FROM rel_people_sql WHERE age > 40 ORDER BY name"))


def test_create_or_replace_temp_view_replaces(spark, golden):
    spark.range(2).createOrReplaceTempView("rel_replaced")
    spark.range(5, 7).createOrReplaceTempView("rel_replaced")
    golden.check_df(spark.table("rel_replaced"))


def test_create_temp_view_when_exists_fails(spark, golden):
    spark.catalog.dropTempView("rel_exists")
    spark.range(1).createTempView("rel_exists")
    golden.check_error(lambda: spark.range(2).createTempView("rel_exists"))
    golden.check_df(spark.table("rel_exists"), "unchanged")
    spark.catalog.dropTempView("rel_exists")


def test_temp_view_over_aggregate_joined_in_sql(spark, people, cities, golden):
    people.createOrReplaceTempView("rel_p")
    cities.createOrReplaceTempView("rel_c")
    df = spark.sql(
        "SELECT c.country, count(*) AS n, avg(p.age) AS avg_age "
        "FROM rel_p p JOIN rel_c c ON p.city = c.city GROUP BY c.country ORDER BY c.country"
    )
    golden.check_df(df)


def test_sql_with_args(spark, golden):
    df = spark.sql("SELECT * FROM range(10) WHERE id > :lo AND id < :hi", args={"lo": 3, "hi": 6})
    golden.check_df(df.orderBy("id"))


def test_sql_with_positional_args(spark, golden):
    golden.check_df(spark.sql("SELECT ? + 1 AS x, ? AS s", args=[41, "hi"]))


def test_deep_plan_does_not_overflow(spark):
    # Spark's own parity suite chains 400 withColumn calls (SPARK-45852); the
    # plan nests 400 deep in the protocol and in the planner.
    df = spark.range(1)
    for i in range(400):
        df = df.withColumn(f"col_{i}", F.lit(i))
    assert len(df.schema.fields) == 401
    assert df.collect()[0]["col_399"] == 399


def test_struct_fields_over_a_union(spark, golden):
    literals = spark.sql("SELECT named_struct('a', 1) s UNION ALL SELECT named_struct('a', 2)")
    golden.check_df(literals.select("s.a"), "literals")
    golden.check_df(spark.sql("SELECT named_struct('a', id) s FROM range(1) UNION ALL SELECT named_struct('a', id) FROM range(2)").select("s.a"), "columns")
    golden.check_df(spark.sql("SELECT s.a FROM (SELECT struct(1 AS a) s UNION SELECT struct(2 AS a)) ORDER BY a"), "sql_struct_with_names")
