"""ANSI intervals nested two levels deep and in the results of collection and
higher-order functions keep Spark's units (`interval hour`, not the widest
`interval day to second`); arguments whose interval units differ where Spark
wants the same type fail as in Spark; hashes of nested intervals are Spark's.

Year-month intervals cannot be collected by the client: those results are
checked through their schema and show() text."""

import json


def check_typed(golden, df, name):
    """The schema (with nullability) and show() text of `df`."""
    golden.check(f"{name}_schema", json.loads(df.schema.json()))
    golden.check_show(df._show_string(20, 60, False), name)


def test_intervals_two_levels_deep(spark, golden):
    check_typed(
        golden,
        spark.sql(
            "SELECT array(array(INTERVAL '1' HOUR)) AS aa, map('k', array(INTERVAL '1' YEAR)) AS ma, "
            "named_struct('s', array(INTERVAL '2' MINUTE)) AS sa, array(array(INTERVAL '1' HOUR), array(INTERVAL '2' MINUTE)) AS widened, "
            "map('k', array(INTERVAL '1' HOUR))['k'] AS read, element_at(map('k', array(INTERVAL '1' YEAR)), 'k') AS read_ym"
        ),
        "constructed",
    )
    check_typed(golden, spark.sql("SELECT explode(array(array(INTERVAL '1' HOUR)))"), "explode")
    check_typed(golden, spark.sql("SELECT inline(array(named_struct('a', array(INTERVAL '1' HOUR), 'b', map(1, INTERVAL '2' MONTH))))"), "inline")
    check_typed(golden, spark.sql("SELECT posexplode(map(array(INTERVAL '1' HOUR), named_struct('x', array(INTERVAL '2' MONTH))))"), "posexplode_map")


def test_collection_functions_keep_units(spark, golden):
    check_typed(
        golden,
        spark.sql(
            "SELECT map_keys(map(INTERVAL '1' HOUR, 1)) AS mk, map_values(map(1, INTERVAL '1' MONTH)) AS mv, "
            "arrays_zip(array(INTERVAL '1' HOUR), array(INTERVAL '2' DAY)) AS z, "
            "array_insert(array(INTERVAL '1' HOUR), 1, INTERVAL '2' HOUR) AS ins, "
            "flatten(array(array(INTERVAL '1' HOUR), array(INTERVAL '2' MINUTE))) AS fl, "
            "map_from_entries(array(struct(1, INTERVAL '1' HOUR))) AS fe, "
            "array_repeat(array(INTERVAL '1' HOUR), 2) AS rep"
        ),
        "functions",
    )
    check_typed(
        golden,
        spark.sql(
            "SELECT array_union(a, b) AS u, array_intersect(a, b) AS i, array_except(a, b) AS e, concat(a, array(INTERVAL '3' MINUTE)) AS c "
            "FROM (SELECT array(INTERVAL '1' HOUR, INTERVAL '2' HOUR) AS a, array(INTERVAL '2' HOUR) AS b)"
        ),
        "set_functions",
    )


def test_higher_order_functions_keep_units(spark, golden):
    check_typed(
        golden,
        spark.sql(
            "SELECT transform(a, x -> x) AS t, filter(a, x -> x > INTERVAL '1' HOUR) AS f, "
            "aggregate(a, INTERVAL '0' HOUR, (acc, x) -> acc + x) AS agg, "
            "aggregate(a, INTERVAL '0' HOUR, (acc, x) -> acc + x, acc -> acc * 2) AS finished, "
            "zip_with(a, a, (x, y) -> x + y) AS z, transform(array(array(INTERVAL '1' MINUTE)), x -> x) AS nested, "
            "transform(array(INTERVAL '1' YEAR), x -> array(x)) AS ym "
            "FROM (SELECT array(INTERVAL '1' HOUR, INTERVAL '2' HOUR) AS a)"
        ),
        "arrays",
    )
    check_typed(
        golden,
        spark.sql(
            "SELECT transform_values(m, (k, v) -> v + INTERVAL '1' MINUTE) AS tv, transform_keys(m, (k, v) -> k) AS tk, "
            "map_filter(m, (k, v) -> true) AS mf, map_zip_with(m, m, (k, a, b) -> a) AS mz "
            "FROM (SELECT map(INTERVAL '1' DAY, INTERVAL '1' HOUR) AS m)"
        ),
        "maps",
    )


def test_differing_units_fail_as_in_spark(spark, golden):
    for name, sql in [
        ("array_union", "array_union(array(INTERVAL '1' HOUR), array(INTERVAL '2' MINUTE))"),
        ("array_except_nested", "array_except(array(array(INTERVAL '1' HOUR)), array(array(INTERVAL '2' MINUTE)))"),
        ("arrays_overlap", "arrays_overlap(array(INTERVAL '1' YEAR), array(INTERVAL '2' MONTH))"),
        ("array_append", "array_append(array(INTERVAL '1' HOUR), INTERVAL '2' MINUTE)"),
        ("array_insert", "array_insert(array(INTERVAL '1' HOUR), 1, INTERVAL '2' MINUTE)"),
        ("array_contains", "array_contains(array(INTERVAL '1' HOUR), INTERVAL '60' MINUTE)"),
        ("map_contains_key", "map_contains_key(map(INTERVAL '1' HOUR, 1), INTERVAL '60' MINUTE)"),
        ("element_at", "element_at(map(INTERVAL '1' HOUR, 1), INTERVAL '60' MINUTE)"),
        ("aggregate", "aggregate(array(INTERVAL '1' HOUR), INTERVAL '0' MINUTE, (acc, x) -> acc + x)"),
        ("concat_kinds", "concat(array(INTERVAL '1' HOUR), array(INTERVAL '2' MONTH))"),
    ]:
        golden.check_error(lambda: spark.sql(f"SELECT {sql}").schema, name)


def test_hash_of_nested_intervals(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT hash(INTERVAL '1' HOUR) AS h, xxhash64(INTERVAL '1' MONTH) AS x, hash(array(INTERVAL '1' HOUR, NULL)) AS ha, "
            "xxhash64(array(array(INTERVAL '3' SECOND))) AS xa, hash(named_struct('a', INTERVAL '1' DAY, 'b', INTERVAL '2' YEAR)) AS hs, "
            "xxhash64(named_struct('a', INTERVAL '1' DAY, 'b', array(INTERVAL '2' YEAR))) AS xs, xxhash64(array(CAST(NULL AS INTERVAL DAY))) AS xn"
        )
    )
    golden.check_error(lambda: spark.sql("SELECT hash(map(1, INTERVAL '1' MONTH))").schema, "hash_map")
    golden.check_error(lambda: spark.sql("SELECT xxhash64(array(map(INTERVAL '1' HOUR, 2)))").schema, "xxhash64_map")


def test_collection_results_nullability(spark, golden):
    """Whether collection functions' results, their elements and map values
    may be NULL, as Spark types them, over non-null and nullable inputs."""
    base = spark.sql(
        "SELECT array(id) AS a, array(id, NULL) AS an, IF(id > 0, array(id), NULL) AS na, map(id, id) AS m, "
        "map(id, IF(id > 0, id, NULL)) AS mn, array(array(id)) AS aa, id FROM range(3)"
    )
    exprs = [
        "array_distinct(a)", "array_distinct(na)", "reverse(a)", "reverse(na)", "array_compact(an)", "sort_array(an)", "slice(a, 1, 1)",
        "array_union(a, an)", "array_union(a, a)", "array_intersect(na, a)", "array_except(a, an)", "array_append(a, id)",
        "array_append(na, 1)", "array_prepend(a, id)", "array_insert(a, 1, id)", "concat(a, a)", "concat(a, an)", "concat(a, na)",
        "flatten(aa)", "arrays_zip(a, an)", "map_keys(m)", "map_values(mn)", "map_from_arrays(a, a)", "map_from_arrays(a, an)",
        "map_from_entries(array(struct(id, id)))", "map_concat(m, mn)", "transform(a, x -> x + 1)", "transform(an, x -> x)",
        "transform_values(m, (k, v) -> v)", "transform_values(m, (k, v) -> CAST(NULL AS BIGINT))", "zip_with(a, a, (x, y) -> x + y)",
        "array_contains(a, 1)", "array_contains(an, 1)", "size(a)", "size(na)", "cardinality(m)", "array_size(a)", "array_repeat(a, 2)",
        "a[0]", "element_at(m, 1)",
    ]
    golden.check("schema", json.loads(base.selectExpr(*exprs).schema.json()))
    golden.check("aggregates", json.loads(base.selectExpr("collect_list(a)", "collect_set(an)", "array_agg(id)").schema.json()))
    golden.check_df(base.selectExpr("array_union(a, an) AS u", "array_append(a, NULL) AS ap", "array_compact(an) AS c", "concat(a, an) AS cc").orderBy("c"), "values")


def test_element_access_nullability(spark, golden):
    """arr[i], element_at, try_element_at and get are non-nullable where
    Spark's cannot be NULL: a constant position of an array(…) call whose
    value there cannot be, a constant position out of its range under ANSI
    (it fails), any position of an array without NULL elements under ANSI."""
    base = spark.sql("SELECT array(id) AS a, array(id, NULL) AS an, id FROM range(2)")
    exprs = [
        "array(1, 2)[0]", "array(1, 2)[5]", "array(id, NULL)[0]", "array(id, NULL)[1]", "array(1, 2)[id]",
        "element_at(array(1, 2), -1)", "element_at(array(1, 2), 3)", "try_element_at(array(1, 2), 1)", "try_element_at(array(1, 2), 3)",
        "get(array(1, 2), 0)", "get(array(1, 2), 4)", "a[id]", "an[id]", "a[0]", "element_at(a, 1)",
        "array(array(INTERVAL '1' HOUR))[0]",
    ]
    golden.check("schema", json.loads(base.selectExpr(*exprs).schema.json()))
    golden.check_df(base.selectExpr("array(id, NULL)[0] AS x", "array(1, 2)[id] AS y", "an[id] AS z", "try_element_at(array(1, 2), 3) AS t").orderBy("x"), "values")


def test_size_of_null_without_ansi(spark, golden):
    """Without ANSI mode size and cardinality of NULL are -1 (never NULL),
    array_size of NULL is NULL."""
    from conftest import conf

    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_df(
            spark.sql("SELECT size(IF(id > 0, array(id), NULL)) AS s, cardinality(IF(id > 0, map(id, id), NULL)) AS c, array_size(IF(id > 0, array(id), NULL)) AS a FROM range(2)")
        )
