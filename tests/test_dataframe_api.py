"""DataFrame methods of issue 3 that no other test file covers, checked
against Spark: colRegex, the multiset set operations, isEmpty,
toLocalIterator, checkpoint, sameSemantics/semanticHash, case-insensitive
resolution (spark.sql.caseSensitive), non-ANSI arithmetic and casts, joins
with broadcasting switched off, the metrics an action reports, and the
pandas API over a frame."""

from pyspark.sql import functions as F

from conftest import conf


def test_col_regex(spark, golden):
    df = spark.createDataFrame([(1, 2, 3)], ["a1", "a2", "b"])
    golden.check_df(df.select(df.colRegex("`a.*`")), "prefix")
    golden.check_df(df.select(df.colRegex("`(A|b)[0-9]*`")), "alternatives_ignoring_case")
    golden.check_df(df.select(df.colRegex("b")), "plain_name")


def test_multiset_operations(spark, golden):
    left = spark.createDataFrame([(1,), (1,), (2,), (3,), (None,)], "x int")
    right = spark.createDataFrame([(1,), (3,), (3,), (None,)], "x int")
    golden.check_df(left.intersect(right).orderBy("x"), "intersect")
    golden.check_df(left.intersectAll(right).orderBy("x"), "intersect_all")
    golden.check_df(left.subtract(right).orderBy("x"), "subtract")
    golden.check_df(left.exceptAll(right).orderBy("x"), "except_all")


def test_is_empty_and_local_iterator(spark, golden):
    df = spark.range(8, numPartitions=4)
    golden.check("is_empty", [df.isEmpty(), df.filter("id > 100").isEmpty()])
    golden.check_rows(list(df.toLocalIterator()), "iterator")
    golden.check_rows(list(df.toLocalIterator(prefetchPartitions=True)), "prefetched")
    golden.check_rows(list(spark.range(3, numPartitions=4).toLocalIterator()), "empty_partitions")


def test_checkpoint_and_semantics(spark, golden):
    df = spark.range(5).withColumn("sq", F.col("id") * F.col("id"))
    # A reliable checkpoint needs the server's spark.checkpoint.dir, unset here.
    golden.check_error(lambda: df.checkpoint(), "checkpoint_without_directory")
    golden.check_df(df.localCheckpoint(eager=False).orderBy("id"), "lazy_local_checkpoint")
    same = spark.range(5).withColumn("sq", F.col("id") * F.col("id"))
    other = spark.range(6).withColumn("sq", F.col("id") * F.col("id"))
    golden.check("same_semantics", [df.sameSemantics(same), df.sameSemantics(other)])
    golden.check("semantic_hash_equal", df.semanticHash() == same.semanticHash())


def test_case_sensitivity(spark, golden):
    df = spark.createDataFrame([(1, 2)], ["Id", "value"])
    golden.check_df(df.select("ID", "VALUE"), "insensitive")
    with conf(spark, "spark.sql.caseSensitive", "true"):
        golden.check_error(lambda: df.select("ID").collect(), "sensitive")
        golden.check_df(df.select("Id"), "sensitive_exact")


def test_non_ansi_mode(spark, golden):
    df = spark.createDataFrame([(1, "12", 2147483647)], "a int, s string, big int")
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_df(
            df.select(
                (F.col("a") / 0).alias("div"),
                (F.col("a") % 0).alias("mod"),
                F.col("s").cast("int").alias("ok"),
                F.lit("abc").cast("int").alias("bad"),
                (F.col("big") + 1).alias("wrapped"),
                F.element_at(F.array(F.lit(1)), 5).alias("outside"),
            ),
            "legacy",
        )
    golden.check_error(lambda: df.select(F.lit("abc").cast("int")).collect(), "ansi")


def test_join_without_broadcast(spark, golden):
    left = spark.range(20).withColumn("l", F.col("id") % 3)
    right = spark.range(10, 30).withColumn("r", F.col("id") % 4)
    with conf(spark, "spark.sql.autoBroadcastJoinThreshold", "-1"):
        golden.check_df(left.join(right, "id").orderBy("id"), "inner")
        golden.check_df(left.join(right, "id", "full").orderBy("id"), "full")


def test_action_reports_plan_metrics(spark):
    df = spark.range(100).repartition(10).groupBy("id").count()
    assert df.executionInfo is None
    df.collect()
    root, graph = df.executionInfo.metrics.extract_graph()
    assert root in graph
    assert len(graph) > 2


def test_cached_range_is_not_reused_for_another_range(spark, golden):
    five = spark.range(5)
    five.cache()
    try:
        golden.check("counts", [five.count(), spark.range(6).count(), spark.range(6).is_cached])
    finally:
        five.unpersist()


def test_to_arrow_and_transform(spark, golden):
    df = spark.createDataFrame([(1, "a", 1.5), (2, None, None)], "i int, s string, d double")
    table = df.toArrow()
    golden.check("arrow", {"schema": str(table.schema), "rows": table.to_pylist()})

    def with_double(frame, factor):
        return frame.withColumn("twice", F.col("i") * factor)

    golden.check_df(df.transform(with_double, 2).orderBy("i"), "transform")


def test_column_metadata(spark, golden):
    df = spark.createDataFrame([("x",)], ["a"]).withMetadata("a", {"foo": "bar"})
    golden.check_df(df, "with_metadata")
    golden.check_df(df.select(F.col("a").alias("a", metadata={})), "cleared_by_alias")
    golden.check_df(spark.range(2).select(F.col("id").alias("x", metadata={"k": 1})), "alias_metadata")


def test_sort_by_all_and_star(spark, golden):
    df = spark.createDataFrame([(2, "b"), (1, "c"), (1, "a")], "x int, y string")
    # `sort("all")` is ORDER BY ALL; a star has no meaning in a sort.
    golden.check_df(df.sort("all"), "all")
    golden.check_df(df.sort(F.col("all").desc()), "all_desc")
    golden.check_df(df.withColumnRenamed("y", "all").sort("all"), "column_named_all")
    golden.check_error(lambda: df.sort("*").collect(), "star")
    golden.check_error(lambda: df.alias("t").orderBy(F.col("t.*").desc()).collect(), "qualified_star")
    golden.check_error(lambda: df.sortWithinPartitions("*").collect(), "star_within_partitions")


def test_plan_metrics_name_sparks_operators(spark):
    df = spark.range(100).repartition(10).groupBy("id").count()
    df.collect()
    text = df.executionInfo.metrics.toText()
    assert "HashAggregate" in text and "Exchange" in text and "AggregateExec" not in text


def test_multiset_operations_normalize_floats(spark, golden):
    left = spark.createDataFrame([(1.0, None), (1.0, None), (float("nan"), 1), (float("nan"), 1), (0.0, 2), (-0.0, 2), (3.0, 3)], "a double, b int")
    right = spark.createDataFrame([(1.0, None), (float("nan"), 1), (-0.0, 2)], "a double, b int")
    golden.check_df(left.intersectAll(right).orderBy("b"), "intersect_all")
    golden.check_df(right.intersectAll(left).orderBy("b"), "intersect_all_reversed")
    golden.check_df(left.exceptAll(right).orderBy("b"), "except_all")


def test_unions_of_structs(spark, golden):
    left = spark.sql("SELECT named_struct('a', 1, 'b', 'x') s, 1 k")
    golden.check_error(lambda: left.union(spark.sql("SELECT named_struct('b', 'y', 'a', 2) s, 2 k")).collect(), "by_position_other_names")
    golden.check_df(left.union(spark.sql("SELECT named_struct('A', 2, 'B', 'y') s, 2 k")), "by_position_names_in_other_case")
    golden.check_df(left.unionByName(spark.sql("SELECT 2 k, named_struct('b', 'y', 'a', 2) s")), "by_name_reordered")
    golden.check_df(left.unionByName(spark.sql("SELECT 2 k, named_struct('a', 2) s"), allowMissingColumns=True), "by_name_missing_field")
    golden.check_error(lambda: left.unionByName(spark.sql("SELECT 2 k, named_struct('a', 2) s")).collect(), "by_name_missing_field_not_allowed")
    nested = spark.sql("SELECT named_struct('n', named_struct('p', 1, 'q', 2)) s")
    golden.check_df(nested.unionByName(spark.sql("SELECT named_struct('n', named_struct('q', 3, 'p', 4)) s")), "by_name_nested")
    golden.check_df(left.unionByName(spark.sql("SELECT 2 k, CAST(NULL AS struct<b:string,a:int>) s")), "by_name_null_struct")


def test_pandas_api(spark, golden):
    sdf = spark.createDataFrame([("a", 1), ("b", 2), ("c", 3)], ["Col1", "Col2"])
    # The pandas API numbers the rows with the internal distributed_sequence_id(true);
    # the 4.0 client refuses to run it under ANSI mode.
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check("default_index", sdf.pandas_api().to_pandas().to_string())
        golden.check("column_index", sdf.pandas_api(index_col="Col1").to_pandas().to_string())
        golden.check_df(sdf.pandas_api().to_spark(index_col="idx"), "index_to_spark")
