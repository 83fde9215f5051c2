"""Strings and binaries read from files (which Arrow holds as views) mix
with literals and local rows as the one STRING / BINARY type they are in
Spark: common types of conditionals, collections, set operations, joins."""

import pytest
from pyspark.sql import functions as F


@pytest.fixture
def files(spark, tmp_path):
    rows = [(1, "a", b"\x01", ["a", "b"], {"k": "v"}), (2, None, None, None, None), (3, "c", b"\x03", ["c"], {"q": "w"})]
    schema = "id int, s string, b binary, arr array<string>, m map<string,string>"
    spark.createDataFrame(rows, schema).write.parquet(str(tmp_path / "p"))
    return spark.read.parquet(str(tmp_path / "p"))


def test_conditionals_and_collections_of_file_strings(files, golden):
    df = files.orderBy("id")
    golden.check_df(
        df.select(
            "id",
            F.coalesce("s", F.lit("z")).alias("coalesce"),
            F.greatest("s", F.lit("b")).alias("greatest"),
            F.least("s", F.lit("b")).alias("least"),
            F.when(F.col("id") > 1, F.col("s")).otherwise(F.lit("z")).alias("when"),
            F.nvl("s", F.lit("z")).alias("nvl"),
            F.expr("if(id = 1, s, 'z')").alias("if"),
            F.coalesce("b", F.lit(b"\x09")).alias("binary"),
            F.array_union("arr", F.array(F.lit("x"))).alias("array_union"),
            F.array_contains("arr", "a").alias("array_contains"),
            F.concat("arr", F.array(F.lit("y"))).alias("concat_arrays"),
            F.map_concat("m", F.create_map(F.lit("x"), F.lit("y"))).alias("map_concat"),
            F.col("s").isin("a", "c").alias("isin"),
            F.expr("try_reflect('java.lang.Integer', 'parseInt', s)").alias("try_reflect"),
            F.expr("try_to_timestamp(s, 'yyyy')").alias("try_to_timestamp"),
        )
    )


def test_set_operations_and_joins_with_local_strings(spark, files, golden):
    local = spark.createDataFrame([(9, "a"), (8, "zz")], "id int, s string")
    golden.check_df(files.select("id", "s").union(local).orderBy("id"), "union")
    golden.check_df(files.select("s").intersect(local.select("s")), "intersect")
    golden.check_df(files.join(local.withColumnRenamed("id", "lid"), "s").select("s", "lid"), "join")
    golden.check_df(files.select("s").unionByName(local.select("s")).distinct().orderBy("s"), "union_by_name")
