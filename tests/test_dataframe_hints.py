"""`df.hint(…)`: the partitioning hints partition rows as the DataFrame
methods do; every hint is listed in the parsed plan of `explain(True)`; join
hints leave the join's rows unchanged."""

import io
from contextlib import redirect_stdout

from pyspark.sql import functions as F


def partitions(df):
    return df.select("id", F.spark_partition_id().alias("partition")).orderBy("id")


def test_partitioning_hints(spark, golden):
    df = spark.range(10, numPartitions=4)
    golden.check_df(partitions(df.hint("coalesce", 2)), "coalesce")
    golden.check_df(partitions(df.hint("repartition", 3, "id")), "repartition_columns")
    golden.check_df(partitions(df.hint("REPARTITION", 3, F.col("id"))), "repartition_column_objects")
    golden.check_df(partitions(df.hint("repartition_by_range", 2, "id")), "repartition_by_range")


def test_join_hints_keep_the_rows(spark, golden):
    left = spark.range(6).withColumn("l", F.col("id") * 10)
    right = spark.range(3, 9).withColumn("r", F.col("id") * 100)
    for hint in ["broadcast", "merge", "shuffle_hash", "shuffle_replicate_nl"]:
        golden.check_df(left.join(right.hint(hint), "id").orderBy("id"), hint)
    golden.check_df(left.join(F.broadcast(right), "id", "left").orderBy("id"), "broadcast_function")
    golden.check_df(left.hint("unknown_hint", 1, "x").orderBy("id"), "unknown")


def test_hints_are_listed_in_the_parsed_plan(spark):
    df = spark.range(10).hint("my awesome hint", 1.2345, "what", ["itworks1", "itworks2"], [1, 2])
    with io.StringIO() as buf, redirect_stdout(buf):
        df.explain(True)
        text = buf.getvalue()
    parsed = text.split("== Analyzed Logical Plan ==")[0]
    assert "my awesome hint" in parsed and "1.2345" in parsed and "what" in parsed and "itworks1" in parsed


def test_rebalance_hint_keeps_the_rows(spark, golden):
    df = spark.range(10, numPartitions=4)
    golden.check_df(df.hint("rebalance", 3, "id").orderBy("id"), "columns_and_number")
    golden.check_df(df.hint("REBALANCE", 2).orderBy("id"), "number")
    golden.check_df(df.hint("rebalance", F.col("id")).orderBy("id"), "column_object")
