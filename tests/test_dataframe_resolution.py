"""DataFrame-tagged references as Spark Connect resolves them: `df["*"]`
after joins (USING keys, a DataFrame derived from the other side, the same
DataFrame on both sides), references through a union, and the keys of
USING outer joins."""

import pytest
from pyspark.sql import Row
from pyspark.sql import functions as F

from conftest import conf


def test_dataframe_star_after_joins(spark, golden):
    df1 = spark.createDataFrame([{"a": 1}])
    df2 = spark.createDataFrame([{"a": 1, "b": "v"}])
    df3 = df2.withColumnsRenamed({"a": "x", "b": "y"})
    for label, joined in [
        ("cross", df1.join(df2)),
        ("cross_then_column", df1.join(df2).withColumn("c", F.lit(0))),
        ("using", df1.join(df2, "a")),
        ("using_then_column", df1.join(df2, "a").withColumn("c", F.lit(0))),
    ]:
        golden.check_df(joined.select(df1["*"]), f"{label}_left")
        golden.check_df(joined.select(df2["*"]), f"{label}_right")
    derived = df2.join(df3)
    golden.check_df(derived.select(df2["*"]), "derived_left")
    golden.check_df(derived.select(df3["*"]), "derived_right")


def test_dataframe_star_errors(spark, golden):
    cdf1 = spark.createDataFrame([Row(a=1, b=2, c=3)])
    cdf2 = spark.createDataFrame([Row(a=2, b=0)])
    golden.check_error(lambda: cdf1.select(cdf1.a).select(cdf1["*"]).schema, "dropped")
    golden.check_error(lambda: cdf1.withColumn("a", F.lit(0)).select(cdf1["*"]).schema, "replaced")
    golden.check_error(lambda: cdf1.select(cdf2["*"]).schema, "other_dataframe")
    golden.check_error(lambda: cdf1.join(cdf1).select(cdf1["*"]).schema, "both_sides")


def test_reference_through_a_union(spark, golden):
    df1 = spark.sql("SELECT 1 AS c")
    df2 = spark.sql("SELECT 2 AS c")
    golden.check_error(lambda: df1.union(df2).select(df1.c).collect(), "left_side")
    golden.check_error(lambda: df1.unionByName(df2).select(df2.c).collect(), "right_side")
    unioned = df1.union(df2)
    golden.check_df(unioned.select(unioned.c).orderBy("c"), "union_itself")
    with conf(spark, "spark.sql.analyzer.strictDataFrameColumnResolution", "false"):
        golden.check_error(lambda: df1.union(df2).select(df1.c).collect(), "left_side_lenient")
    left = spark.sql("SELECT 1 AS c UNION ALL SELECT 2 AS c")
    right = spark.sql("SELECT 2 AS c UNION ALL SELECT 3 AS c")
    golden.check_df(left.intersect(right).select(left.c), "through_intersect")


def test_using_outer_join_keys(spark, golden):
    df1 = spark.createDataFrame([(1, "a"), (2, "b")], ["k", "v1"])
    df2 = spark.createDataFrame([(2, "x"), (3, "y")], ["k", "v2"])
    golden.check_df(df1.join(df2, "k", "left").select(df1["k"], df2["k"], "v1", "v2").orderBy("v1"), "left")
    golden.check_df(df1.join(df2, "k", "right").select(df1["k"], df2["k"], "v2").orderBy("v2"), "right")
    golden.check_df(
        df1.join(df2, "k", "full").select("k", df1["k"], df2["k"]).orderBy(F.col("k").asc_nulls_first()), "full"
    )


def test_using_outer_join_keys_under_a_filter_and_a_sort(spark, golden):
    df1 = spark.createDataFrame([(1, "a"), (2, "b")], ["k", "v1"])
    df2 = spark.createDataFrame([(2, "x"), (3, "y")], ["k", "v2"])
    full = df1.join(df2, "k", "full")
    golden.check_df(full.filter(df2["k"].isNull()), "full_right_key_missing")
    golden.check_df(full.filter(df1["k"].isNotNull()).orderBy("v1"), "full_left_key_present")
    golden.check_df(df1.join(df2, "k", "left").filter(df2["k"].isNull()), "left_right_key_missing")
    golden.check_df(full.sort(df2["k"].asc_nulls_first(), df1["k"].asc_nulls_last()), "full_sorted_by_side_keys")
    golden.check_df(full.withColumn("right_k", df2["k"]).orderBy("v1", "v2"), "full_with_column")
    golden.check_df(df1.join(df2, "k", "left").withColumns({"k": df2["k"], "n": F.lit(1)}).orderBy("v1"), "left_with_columns")


def test_using_outer_join_keys_through_other_operators(spark, golden):
    df1 = spark.createDataFrame([(1, "a"), (2, "b")], ["k", "v1"])
    df2 = spark.createDataFrame([(2, "x"), (3, "y")], ["k", "v2"])
    full = df1.join(df2, "k", "full")
    left = df1.join(df2, "k", "left")
    golden.check_df(full.filter(df1["k"].isNotNull()).filter(df2["k"].isNull()), "filter_over_filter")
    golden.check_df(full.filter(F.col("v1").isNotNull()).select(df2["k"], "v1").orderBy("v1"), "select_over_filter")
    golden.check_df(full.orderBy("v1").filter(df2["k"].isNull()), "filter_over_sort")
    golden.check_df(left.withColumn("z", F.lit(1)).filter(df2["k"].isNull()), "filter_over_with_column")
    golden.check_df(left.filter(F.col("v1") > "a").withColumn("z", df2["k"]), "with_column_over_filter")
    golden.check_df(left.select("k", "v1", "v2").select(df2["k"]).orderBy("k"), "select_over_select")
    golden.check_df(left.limit(5).select(df2["k"]).orderBy("k"), "select_over_limit")
    golden.check_df(left.groupBy(df2["k"]).count().orderBy("k"), "group_by_side_key")
    golden.check_df(full.filter("true").filter("true").select(df1["k"], df2["k"], "k").orderBy("v1"), "all_keys_two_filters_up")
    golden.check_df(left.select(df2["k"]).orderBy("k"), "selected_side_key_by_name")
    golden.check_df(left.select(df2["k"], "v1").filter("k is null"), "selected_side_key_in_sql_filter")


def test_cross_join_check_after_filters_move_into_joins(spark, golden):
    left = spark.range(3).toDF("a")
    right = spark.range(3).toDF("b")
    with conf(spark, "spark.sql.crossJoin.enabled", "false"):
        golden.check_df(left.join(right).where(left.a == right.b).orderBy("a"), "filter_becomes_condition")
        with pytest.raises(Exception) as failure:
            left.join(right).where(left.a > 1).collect()
        # Only the class: the message parameters hold the plans with their ids.
        golden.check("filter_on_one_side", {"class": type(failure.value).__name__, "condition": failure.value.getCondition()})


def test_missing_columns_recovered_below_a_projection(spark, golden):
    df = spark.range(10).withColumn("v", F.col("id") + 1)
    golden.check_df(df.select(df.v).sort(df.id.desc()), "sort_by_dropped_dataframe_column")
    tab = spark.sql("SELECT * FROM VALUES (1, 'a'), (2, 'b'), (3, 'c') AS tab(t, i)")
    golden.check_df(tab.select("i").where(F.col("t") > 1).orderBy("i"), "filter_by_dropped_column")
    golden.check_df(tab.select("i").orderBy(F.col("t").desc()), "sort_by_dropped_column")
    golden.check_error(lambda: tab.select("i").where(F.col("zz") > 1).collect(), "still_unresolved")


def test_drop_duplicates_within_watermark_needs_a_stream(spark, golden):
    golden.check_error(lambda: spark.range(3).dropDuplicatesWithinWatermark().collect())


def test_lateral_column_aliases(spark, golden):
    x = (F.col("id") + 1).alias("x")
    df = spark.range(3).select(x, (F.col("x") + 1).alias("y"), (F.col("y") * 2).alias("z"), "id")
    golden.check_df(df)
    other = spark.range(3).select(F.col("id").alias("x"))
    golden.check_df(df.join(other, df.x == other.x).select(df.y).orderBy("y"), "join")
    # An input column wins over an earlier alias of the same name.
    golden.check_df(spark.range(2).select(F.col("id").alias("a"), (F.col("id") * 10).alias("id"), (F.col("id") + F.col("a")).alias("b")), "input_first")
    golden.check_df(spark.sql("SELECT id + 1 AS x, x + 1 AS y FROM range(2)"), "sql")
    golden.check_error(lambda: spark.range(2).select(F.col("id").alias("a"), F.col("nope")).collect(), "unresolved")


def test_drop_of_a_replaced_column_under_lenient_resolution(spark, golden):
    df1 = spark.createDataFrame([("a", "b", "c")], "colA string, colB string, colC string")
    df2 = spark.createDataFrame([("c", "d", "e")], "colC string, colD string, colE string")
    joined = df1.join(df2, df1["colC"] == df2["colC"])
    replaced = joined.withColumn("colB", F.concat(df1["colB"], F.lit("x")))
    for strict in ["true", "false"]:
        with conf(spark, "spark.sql.analyzer.strictDataFrameColumnResolution", strict):
            golden.check(f"strict_{strict}", [replaced.drop(df1["colB"]).columns, joined.drop(df1["colC"]).columns])


@pytest.mark.parametrize("how", ["inner", "left", "right", "full", "left_semi"])
def test_using_join_side_keys_by_qualified_name(spark, golden, how):
    a = spark.createDataFrame([(1, 1), (2, 1), (3, 5)], ["k", "x"])
    b = spark.createDataFrame([("p", 1, 7), ("q", 2, 8), ("r", 4, 9)], ["y", "k", "z"])
    w = a.alias("a").join(b.alias("b"), "k", how)
    cases = {
        "b_k": lambda: w.select("b.k"),
        "a_k": lambda: w.select("a.k"),
        "keys_and_star": lambda: w.select("b.k", "k", "*"),
        "b_star": lambda: w.select("b.*"),
        "a_star": lambda: w.select("a.*"),
        "dataframe_b_k": lambda: w.select(b["k"]),
        "dataframe_w_b_k": lambda: w.select(w["b.k"]),
        "filter": lambda: w.filter("b.k > 1"),
        "sql_expression": lambda: w.select(F.expr("b.k + 1")),
        "through_select": lambda: w.select("x").select("b.k"),
        "selected_then_by_name": lambda: w.select("b.k", "x").select("k", "b.k"),
        "with_column": lambda: w.withColumn("n", F.lit(1)).select("b.k", "n"),
        "group_by": lambda: w.groupBy("b.k").count(),
        "order_by": lambda: w.orderBy(F.col("b.k").desc_nulls_last(), "x").select("x"),
        "upper_case": lambda: w.select("B.K"),
    }
    if how == "left_semi":
        # No side key to find; the clients send DataFrame references that then fail differently.
        cases = {label: cases[label] for label in ["b_k", "a_k", "b_star", "filter", "through_select"]}
    for label, frame in cases.items():
        try:
            df = frame()
            golden.check(label, {"columns": df.columns, "rows": sorted((tuple(r) for r in df.collect()), key=str)})
        except Exception as e:
            golden.check(label, {"error": e.getCondition()})


def test_using_join_side_key_in_a_later_join_condition(spark, golden):
    a = spark.createDataFrame([(1, 1), (2, 1)], ["k", "x"])
    b = spark.createDataFrame([(1, "p"), (2, "q")], ["k", "y"])
    other = spark.createDataFrame([(1, "z")], ["x", "w"])
    w = a.join(b.alias("b"), "k")
    s = w.select(w["x"], w["b.k"]).join(other, "x")
    golden.check_df(s.orderBy("k"), "reselected")
    golden.check_df(s.join(w, s["x"] == w["b.k"]).orderBy(s["k"]), "joined_on_the_direct_frame")
    golden.check_df(spark.sql("SELECT b.k, k FROM VALUES (1, 2) AS a(k, x) JOIN VALUES (1, 3) AS b(k, y) USING (k)"), "sql")


def test_sort_by_a_name_two_columns_have(spark, golden):
    a = spark.createDataFrame([(1, 3), (2, 1)], ["c1", "x"])
    b = spark.createDataFrame([(1, 9), (2, 8)], ["c1", "y"])
    twice = spark.range(3).select(F.col("id").alias("c1"), (-F.col("id")).alias("c1"))
    golden.check_error(lambda: a.join(b, a.c1 == b.c1).orderBy("c1").collect(), "join")
    golden.check_error(lambda: twice.sort(F.col("c1").desc()).collect(), "select")
    golden.check_error(lambda: spark.sql("SELECT id AS c1, -id AS c1 FROM range(3) ORDER BY c1").collect(), "sql")
    golden.check_error(lambda: twice.filter("c1 > 0").collect(), "filter_is_ambiguous")
