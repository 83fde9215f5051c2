"""Spark's partitioning of rows: spark.range's slices, repartition (round
robin, by hash, by range), coalesce, sortWithinPartitions, and the
functions that read a row's partition (spark_partition_id,
monotonically_increasing_id)."""

import os

from pyspark.sql import functions as F


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


def test_monotonically_increasing_id_counts_within_each_partition(spark, golden):
    df = spark.range(0, 7, 1, 3).select("id", F.monotonically_increasing_id().alias("m"))
    golden.check_df(df)


def test_partition_id_after_a_filter(spark, golden):
    df = spark.range(0, 12, 1, 3).filter("id % 2 = 0").select("id", F.spark_partition_id().alias("p"))
    golden.check_df(df)


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
