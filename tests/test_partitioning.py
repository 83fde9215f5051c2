"""Spark's partitioning of rows: spark.range's slices, repartition (round
robin, by hash, by range), coalesce, sortWithinPartitions, and the
functions that read a row's partition (spark_partition_id,
monotonically_increasing_id)."""

import os

from pyspark.sql import functions as F

from conftest import conf


def partition_counts(df):
    return df.groupBy(F.spark_partition_id().alias("p")).count().orderBy("p")


def test_range_gives_each_partition_a_contiguous_slice(spark, golden):
    df = spark.range(0, 10, 1, 3).select("id", F.spark_partition_id().alias("p"))
    golden.check_df(df)


def test_range_with_a_step_and_more_partitions_than_rows(spark, golden):
    golden.check_df(spark.range(10, -3, -4, 6).select("id", F.spark_partition_id().alias("p")))


def test_range_rows_come_back_in_partition_order(spark, golden):
    golden.check_df(spark.range(0, 20, 3, 4).limit(5), "limited")
    golden.check_df(spark.range(0, 20, 3, 4), "all")


def test_range_is_range_partitioned_by_id(spark, golden):
    """An aggregate, window or join keyed on a range's id needs no shuffle, as
    in Spark (whose Range is range-partitioned on id), so each partition's
    groups come back in partition order."""
    exploded = spark.range(10).withColumn("v", F.explode(F.array(F.lit(1), F.lit(2))))
    golden.check_df(exploded.select("id").distinct(), "distinct")
    golden.check_df(spark.range(0, 12, 1, 3).groupBy("id").agg(F.count("*").alias("n"), F.spark_partition_id().alias("p")), "grouped")
    golden.check_df(spark.range(9, -3, -2, 3).groupBy("id").count(), "descending")
    golden.check_df(spark.range(0, 8, 1, 2).join(spark.range(0, 8, 1, 2), "id"), "joined")
    golden.check_df(spark.range(0, 8, 1, 2).join(spark.range(0, 8, 1, 4), "id"), "joined_other_partitions", ordered=False)
    twice = spark.range(0, 4, 1, 2).union(spark.range(0, 4, 1, 2))
    golden.check_df(twice.select("id", F.spark_partition_id().alias("p")), "union_keeps_each_inputs_partitions")


def test_monotonically_increasing_id_counts_within_each_partition(spark, golden):
    df = spark.range(0, 7, 1, 3).select("id", F.monotonically_increasing_id().alias("m"))
    golden.check_df(df)


def test_partition_id_after_a_filter(spark, golden):
    df = spark.range(0, 12, 1, 3).filter("id % 2 = 0").select("id", F.spark_partition_id().alias("p"))
    golden.check_df(df)


def test_partition_values_keep_a_sort_below(spark, golden):
    """Columns that read the row's partition or position keep the order of
    a sort below them (and are computed in it)."""
    ordered = spark.range(0, 10, 1, 3).orderBy(F.col("id").desc())
    golden.check_df(ordered.withColumn("p", F.spark_partition_id()), "partition_id")
    golden.check_df(ordered.withColumn("m", F.monotonically_increasing_id()), "monotonic_id")
    golden.check_df(ordered.withColumn("r", F.rand(3)), "seeded_draw")
    # A sort above them sorts the values as computed below it.
    counted = spark.range(0, 10, 1, 2).select("id", F.monotonically_increasing_id().alias("m"), F.rand(5).alias("r"))
    golden.check_df(counted.orderBy(F.col("id").desc()), "sort_above")


def test_repartition_by_column_hashes_as_spark(spark, golden):
    df = spark.createDataFrame([(i, f"k{i % 7}") for i in range(20)], ["id", "k"])
    parts = df.repartition(4, "k").select("id", "k", F.spark_partition_id().alias("p"))
    golden.check_df(parts.orderBy("id"), "by_string")
    ints = spark.range(0, 30, 1, 2).repartition(5, "id").select("id", F.spark_partition_id().alias("p"))
    golden.check_df(ints.orderBy("id"), "by_long")
    two = df.repartition(3, "k", "id").select("id", F.spark_partition_id().alias("p"))
    golden.check_df(two.orderBy("id"), "by_two_columns")


def test_repartition_by_expression(spark, golden):
    df = spark.range(0, 12, 1, 2).repartition(3, F.col("id") % 4)
    golden.check_df(df.select("id", F.spark_partition_id().alias("p")).orderBy("id"))


def test_round_robin_repartition_balances_rows(spark, golden):
    golden.check_df(partition_counts(spark.range(0, 100, 1, 2).repartition(4)), "four")
    golden.check_df(partition_counts(spark.range(0, 50, 1, 3).repartition(7)), "seven")
    golden.check_df(partition_counts(spark.range(0, 10, 1, 1).repartition(3)), "three")


def test_repartition_by_range(spark, golden):
    df = spark.range(0, 30, 1, 2).repartitionByRange(3, "id")
    golden.check_df(partition_counts(df), "ascending")
    desc = spark.range(0, 10, 1, 2).repartitionByRange(2, F.col("id").desc())
    golden.check_df(desc.select("id", F.spark_partition_id().alias("p")).orderBy("id"), "descending")
    dups = spark.createDataFrame([(v,) for v in [1, 1, 1, 1, 2, 3, 3, 9]], ["v"]).repartitionByRange(3, "v")
    golden.check_df(dups.select("v", F.spark_partition_id().alias("p")).orderBy("v"), "duplicates")


def test_coalesce_merges_neighbouring_partitions(spark, golden):
    df = spark.range(0, 10, 1, 5).coalesce(2).select("id", F.spark_partition_id().alias("p"))
    golden.check_df(df, "two")
    golden.check_df(partition_counts(spark.range(0, 10, 1, 2).coalesce(5)), "more_than_there_are")


def test_coalesce_after_a_shuffle_groups_partitions_as_spark(spark, golden):
    """Spark groups a shuffle's partitions by where their blocks are (all on
    one host; a partition without rows has none), in groups seeded and
    balanced by a fixed-seed random generator."""

    def coalesced(df, n):
        return df.withColumn("q", F.spark_partition_id()).coalesce(n).withColumn("p", F.spark_partition_id())

    r = spark.range(0, 60, 1, 2)
    golden.check_df(coalesced(r.repartition(6), 2), "six_to_two")
    golden.check_df(coalesced(r.repartition(6), 4), "six_to_four")
    golden.check_df(coalesced(spark.range(0, 100, 1, 3).repartition(12), 5), "twelve_to_five")
    golden.check_df(coalesced(spark.range(0, 4, 1, 1).repartition(6), 3), "empty_partitions")
    golden.check_df(coalesced(spark.range(0, 10, 1, 2).repartition(8, "id"), 3), "hash")
    golden.check_df(coalesced(spark.range(0, 50, 1, 2).repartitionByRange(5, "id"), 2), "range")
    golden.check_df(coalesced(r.repartition(6).filter("id % 4 != 1"), 4), "filtered")
    local = spark.createDataFrame([(i,) for i in range(30)], "id long")
    golden.check_df(coalesced(local.repartition(7), 3), "local_rows")


def test_adaptive_execution_packs_partitions_of_a_repartition_by_columns(spark, golden):
    """Spark's adaptive execution reads a repartition without a number of
    partitions as few partitions (one for small data), sized by the bytes
    its shuffle wrote; a numbered repartition keeps its partitions."""
    df = spark.range(100).withColumn("k", F.col("id") % 7)
    golden.check_df(partition_counts(df.repartition("k")), "by_column")
    golden.check_df(partition_counts(df.repartitionByRange("k")), "by_range")
    golden.check_df(partition_counts(df.hint("rebalance", "k")), "rebalance_by_column")
    golden.check_df(partition_counts(df.hint("rebalance")), "rebalance")
    golden.check_df(partition_counts(spark.sql("select id from range(50) distribute by id")), "distribute_by")
    golden.check_df(partition_counts(df.repartition(5, "k")), "numbered")
    wide = spark.range(0, 200000, 1, 2).select("id", (F.rand(3) * 1e9).cast("long").alias("v"), F.sha2(F.col("id").cast("string"), 256).alias("h"))
    golden.check_df(partition_counts(wide.repartition("v")), "two_partitions_of_bytes")
    for key in ("spark.sql.adaptive.enabled", "spark.sql.adaptive.coalescePartitions.enabled"):
        with conf(spark, key, "false"):
            golden.check_df(partition_counts(df.repartition("k")), key)


def test_partition_of_a_row_after_an_aggregation_is_spark_s(spark, golden):
    """Rows after a grouped aggregation or distinct sit in the partitions of
    Spark's aggregation shuffle (hash of the keys), packed by adaptive
    execution: one partition for small data."""
    df = spark.range(100).withColumn("k", F.col("id") % 7)
    pid = F.spark_partition_id().alias("p")
    golden.check_df(partition_counts(df.groupBy("k").count()), "group_by")
    golden.check_df(partition_counts(df.select("k").distinct()), "distinct")
    golden.check_df(df.groupBy("k").agg(F.sum("id").alias("s")).filter("s > 10").select("k", pid).orderBy("k"), "filtered")
    golden.check_df(spark.sql("select k, count(*) c, spark_partition_id() p from (select id % 5 k from range(40)) group by k").orderBy("k"), "sql")
    golden.check_df(df.groupBy("k").count().select("k", F.monotonically_increasing_id().alias("m")).orderBy("k"), "monotonic_id")
    golden.check_df(partition_counts(df.rollup("k").count()), "rollup")
    golden.check_df(partition_counts(df.groupingSets([["k"], []], "k").count()), "grouping_sets")
    with conf(spark, "spark.sql.adaptive.enabled", "false"):
        two = df.withColumn("j", F.col("id") % 3)
        golden.check_df(two.cube("k", "j").count().select("k", "j", pid).orderBy("k", "j"), "cube_without_adaptive")
        golden.check_df(df.groupBy("k").count().select("k", pid).orderBy("k"), "group_by_without_adaptive")
        golden.check_df(df.select("k").distinct().select("k", pid).orderBy("k"), "distinct_without_adaptive")
    wide = spark.range(0, 400000, 1, 2).select((F.rand(5) * 1e9).cast("long").alias("v"), F.sha2(F.col("id").cast("string"), 256).alias("h"))
    golden.check_df(partition_counts(wide.distinct()), "two_partitions_of_bytes")


def test_sort_within_partitions(spark, golden):
    df = spark.range(0, 10, 1, 2).sortWithinPartitions(F.col("id").desc())
    golden.check_df(df.select("id", F.spark_partition_id().alias("p")))


def test_repartition_keeps_the_rows(spark, golden):
    df = spark.range(0, 25, 1, 3).repartition(4)
    golden.check("count", df.count())
    golden.check("sum", df.agg(F.sum("id")).first()[0])


def test_repartitioned_write_writes_one_file_per_partition(spark, golden, tmp_path):
    out = str(tmp_path / "out")
    spark.range(0, 10, 1, 2).repartition(3).write.parquet(out)
    files = sorted(f for f in os.listdir(out) if f.startswith("part-"))
    golden.check("files", len(files))
    golden.check("rows", sorted(r.id for r in spark.read.parquet(out).collect()))


def with_partition(df):
    return df.withColumn("p", F.spark_partition_id())


def test_round_robin_repartition_places_rows_as_spark(spark, golden):
    """Spark sorts each input partition by the rows' UnsafeRow hash before
    dealing them out, so both the partition of each row and the order of
    collect() are Spark's."""
    golden.check_df(with_partition(spark.range(0, 20, 1, 2).repartition(3)), "range")
    golden.check_df(spark.range(0, 20, 1, 2).repartition(3), "collected")
    golden.check_df(with_partition(spark.range(0, 100, 1, 3).repartition(4)).limit(30), "limited")


def test_round_robin_repartition_of_local_rows(spark, golden):
    rows = [(f"s{i}" if i % 4 else None, i if i % 3 else None, i * 1.5, i % 2 == 0) for i in range(20)]
    df = spark.createDataFrame(rows, "a string, b int, c double, d boolean")
    golden.check_df(with_partition(df.repartition(3)), "all_columns")
    # Spark hashes only the columns read above the repartition.
    golden.check_df(df.repartition(3).select("a", F.spark_partition_id().alias("p")), "one_string")
    golden.check_df(df.repartition(4).select("b", "c", F.spark_partition_id().alias("p")), "int_and_double")
    golden.check_df(df.repartition(3), "collected")
    dates = spark.createDataFrame(
        [(i, f"{'x' * i}", None) for i in range(12)], "i long, s string, n string"
    ).selectExpr("i", "s", "n", "date_add(date'2024-01-01', cast(i as int)) as d", "cast(i as decimal(10, 2)) as m")
    golden.check_df(with_partition(dates.repartition(5)), "dates_and_decimals")


def nested_frame(spark):
    """Four input partitions with arrays (NULL, empty, NULL elements), a
    struct with NULL fields and a map with NULL values."""
    r = spark.range(0, 40, 1, 4)
    element = F.when(F.col("id") % 3 == 0, None).otherwise(F.col("id"))
    return r.select(
        "id",
        F.when(F.col("id") % 5 == 0, None).when(F.col("id") % 5 == 1, F.array().cast("array<long>")).otherwise(F.array(element, F.lit(7))).alias("a"),
        F.when(F.col("id") % 7 == 0, None).otherwise(F.struct(element.alias("x"), F.col("id").cast("string").alias("y"))).alias("s"),
        F.when(F.col("id") % 4 == 0, None).otherwise(F.create_map(F.lit("k"), element, F.lit("l"), F.lit(1).cast("long"))).alias("m"),
    )


def test_round_robin_repartition_of_nested_columns(spark, golden):
    """Arrays, structs and maps are hashed in their UnsafeArrayData,
    nested UnsafeRow and UnsafeMapData bytes, so the rows land as in Spark."""
    df = nested_frame(spark)
    golden.check_df(with_partition(df.repartition(3)), "all")
    golden.check_df(with_partition(df.select("id", "a").repartition(3)), "array")
    golden.check_df(with_partition(df.select("id", "s").repartition(3)), "struct")
    golden.check_df(with_partition(df.select("id", "m").repartition(3)), "map")
    r = spark.range(0, 40, 1, 4)
    deep = r.select("id", F.array(F.struct(F.col("id").alias("x"), F.array(F.col("id").cast("string")).alias("ys")), F.lit(None)).alias("n"))
    golden.check_df(with_partition(deep.repartition(3)), "array_of_structs")
    narrow = r.select(
        "id",
        F.array(F.col("id").cast("short"), F.lit(None).cast("short")).alias("h"),
        F.array(F.col("id") % 2 == 0).alias("b"),
        F.array(F.col("id").cast("float"), F.lit(float("nan")).cast("float")).alias("f"),
        F.array(F.timestamp_seconds("id")).alias("t"),
        F.array(F.col("id").cast("decimal(30, 2)"), F.lit(None).cast("decimal(30, 2)")).alias("d"),
        F.create_map(F.lit(1), F.array(F.col("id"))).alias("am"),
    )
    golden.check_df(with_partition(narrow.repartition(3)), "element_widths")


def test_round_robin_repartition_of_local_nested_rows(spark, golden):
    rows = [(i, [i, None] if i % 3 else [], (i, None if i % 2 else f"s{i}"), {f"k{i}": float(i)} if i % 4 else None) for i in range(17)]
    df = spark.createDataFrame(rows, "id long, a array<int>, s struct<x:int,y:string>, m map<string,double>")
    golden.check_df(with_partition(df.repartition(3)), "all")


def test_round_robin_repartition_of_intervals_and_variants(spark, golden):
    """A calendar interval takes 16 bytes of the row also when NULL (they
    keep what the row before wrote there); a variant its value's size,
    value and metadata."""
    r = spark.range(0, 40, 1, 4)

    def placed(df, column):
        return with_partition(df.repartition(3)).select("id", "p", F.col(column).cast("string").alias(column))

    interval = F.make_interval(F.lit(1), F.col("id").cast("int"), F.lit(0), F.col("id").cast("int"), F.lit(1), F.lit(2), F.lit(3.5))
    golden.check_df(placed(r.withColumn("i", interval), "i"), "interval")
    golden.check_df(placed(r.withColumn("i", F.when(F.col("id") % 3 == 0, None).otherwise(interval)), "i"), "null_intervals")
    text = F.repeat(F.lit("ab"), (F.col("id") % 7).cast("int"))
    after_text = r.withColumn("t", text).withColumn("i", F.when(F.col("id") % 2 == 1, None).otherwise(interval))
    golden.check_df(placed(after_text, "i"), "null_intervals_after_strings")
    nested = r.withColumn("s", F.struct(F.when(F.col("id") % 3 == 1, None).otherwise(interval).alias("i"), F.col("id").alias("x")))
    golden.check_df(placed(nested, "s"), "null_intervals_in_structs")
    golden.check_df(placed(r.withColumn("i", F.array(interval, F.lit(None))), "i"), "interval_arrays")
    golden.check_df(placed(r.withColumn("v", F.expr("parse_json(concat('{\"a\":', id, '}'))")), "v"), "variant")
    golden.check_df(placed(r.withColumn("v", F.array(F.expr("parse_json(cast(id as string))"), F.expr("parse_json('[1,\"x\"]')"))), "v"), "variant_arrays")


def test_round_robin_repartition_of_times(spark, golden):
    """Spark keeps a TIME as nanoseconds since midnight in its 8-byte slot."""
    time = F.expr("make_time(cast(id % 24 as int), 30, cast(id as decimal(16, 6)) / 7)")
    with conf(spark, "spark.sql.timeType.enabled", "true"):
        df = spark.range(0, 40, 1, 4).select("id", time.alias("t"), F.array(time, F.lit(None)).alias("a"))
        placed = with_partition(df.repartition(3)).select("id", "p", F.col("t").cast("string").alias("t"), F.col("a").cast("string").alias("a"))
        golden.check_df(placed)


def test_round_robin_repartition_and_constant_columns(spark, golden):
    """A projection right above the repartition takes the constant columns
    of the one below (Spark's FoldablePropagation), so Spark sorts the rows
    without them; without a projection above, or for local rows (whose
    projection Spark folds into them first), they stay in the rows."""
    r = spark.range(0, 20, 1, 2)
    constant = r.withColumn("c", F.lit(5))
    golden.check_df(with_partition(constant.repartition(3)), "partition_id_above")
    golden.check_df(constant.repartition(3).select("id", (F.col("c") + 1).alias("d")), "expression_above")
    golden.check_df(constant.repartition(3), "nothing_above")
    golden.check_df(with_partition(r.withColumn("c", F.array(F.lit(1), F.lit(2))).repartition(3)), "constant_array")
    local = spark.createDataFrame([(i,) for i in range(20)], "id long").withColumn("c", F.lit(5))
    golden.check_df(with_partition(local.repartition(3)), "local_rows")


def test_round_robin_repartition_of_values(spark, golden):
    """Spark cuts a VALUES list's rows into slices as it cuts local rows."""
    rows = ", ".join(f"({i}, {i * 7 % 5})" for i in range(12))
    values = spark.sql(f"select * from values {rows} as t(id, k)")
    golden.check_df(with_partition(values.repartition(3)), "sorted")
    with conf(spark, "spark.sql.execution.sortBeforeRepartition", "false"):
        golden.check_df(with_partition(values.repartition(3)), "input_order")


def test_round_robin_repartition_after_and_before_filters(spark, golden):
    golden.check_df(with_partition(spark.range(0, 30, 1, 3).filter("id % 3 != 0").repartition(4)), "filter_first")
    # Spark pushes the filter below the repartition.
    golden.check_df(with_partition(spark.range(0, 30, 1, 3).repartition(4).filter("id % 3 != 0")), "filter_after")


def test_round_robin_repartition_of_unions_and_coalesced_partitions(spark, golden):
    union = spark.range(0, 6, 1, 2).union(spark.range(10, 16, 1, 1))
    golden.check_df(with_partition(union.repartition(3)), "union")
    golden.check_df(with_partition(spark.range(0, 20, 1, 4).coalesce(2).repartition(3)), "coalesce")


def test_round_robin_repartition_edge_cases(spark, golden):
    golden.check_df(with_partition(spark.range(0, 10, 1, 2).repartition(1)), "one")
    golden.check_df(with_partition(spark.range(0, 5, 1, 2).repartition(8)), "more_partitions_than_rows")
    golden.check_df(with_partition(spark.range(0, 3, 1, 5).repartition(2)), "empty_input_partitions")
    golden.check_df(with_partition(spark.range(0, 0, 1, 2).repartition(3)), "no_rows")


def test_round_robin_repartition_without_sorting(spark, golden):
    spark.conf.set("spark.sql.execution.sortBeforeRepartition", "false")
    try:
        golden.check_df(with_partition(spark.range(0, 20, 1, 2).repartition(3)), "input_order")
    finally:
        spark.conf.unset("spark.sql.execution.sortBeforeRepartition")


def test_round_robin_repartition_writes_spark_rows_per_file(spark, golden, tmp_path):
    out = str(tmp_path / "out")
    spark.range(0, 20, 1, 2).repartition(3).write.parquet(out)
    files = sorted(f for f in os.listdir(out) if f.startswith("part-") and f.endswith(".parquet"))
    golden.check("per_file", [[r.id for r in spark.read.parquet(os.path.join(out, f)).collect()] for f in files])


def test_repeated_repartitions_collapse_as_spark(spark, golden):
    """Spark drops a repartition or coalesce right below another shuffle,
    and a coalesce right below a coalesce."""
    r = spark.range(0, 12, 1, 2)
    golden.check_df(with_partition(r.repartition(5).repartition(3)), "round_robin_twice")
    golden.check_df(with_partition(r.repartition(5).repartition(3, "id")), "hash_over_round_robin")
    golden.check_df(with_partition(r.repartition(5, "id").repartition(3)), "round_robin_over_hash")
    golden.check_df(with_partition(r.orderBy(F.col("id").desc()).repartition(3, "id")), "hash_over_sort")
    golden.check_df(with_partition(spark.range(0, 8, 1, 4).coalesce(3).coalesce(2)), "coalesce_twice")
    golden.check_df(with_partition(spark.range(0, 8, 1, 4).coalesce(2).coalesce(5)), "wider_coalesce_twice")
