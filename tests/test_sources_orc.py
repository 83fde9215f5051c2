"""ORC files: spark.read.orc / df.write.orc, codecs, files Spark wrote, and
tables USING orc."""

import os
import re

from pyspark.sql import functions as F

from conftest import REMOTE

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SPARK_WRITTEN = os.path.join(os.path.dirname(__file__), "data", "spark_written", "orc")


def listing(root):
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith(".crc"):
                found.append(UUID_RE.sub("<uuid>", os.path.relpath(os.path.join(folder, name), root)))
    return sorted(found)


def sample(spark):
    return spark.createDataFrame(
        [(1, "alice", 3.5, True), (2, None, None, None), (3, "c,d", -1.0, False)],
        "id int, name string, score double, flag boolean",
    ).select(
        "*",
        F.lit(12345678901).alias("big"),
        F.expr("date'2020-01-02' + id").alias("day"),
        F.expr("timestamp'2020-01-02 03:04:05.123456' + make_interval(0, 0, 0, 0, id)").alias("ts"),
    )


def test_orc_write_and_read_back(spark, tmp_path, golden):
    out = str(tmp_path / "out")
    sample(spark).coalesce(1).write.orc(out)
    golden.check("files", listing(out))
    golden.check_df(spark.read.orc(out).orderBy("id"))
    golden.check_df(spark.read.format("orc").load(out).filter("id > 1").select("name", "ts"), name="projected", ordered=False)


def test_orc_codecs(spark, tmp_path, golden):
    for codec in ("none", "snappy", "zlib", "lz4", "zstd"):
        out = str(tmp_path / codec)
        sample(spark).coalesce(1).write.option("compression", codec).orc(out)
        golden.check(f"{codec}_files", listing(out))
        golden.check(f"{codec}_rows", spark.read.orc(out).count())


def test_orc_partitioned_write_and_user_schema(spark, tmp_path, golden):
    out = str(tmp_path / "out")
    sample(spark).withColumn("part", F.col("id") % 2).coalesce(1).write.partitionBy("part").orc(out)
    golden.check("files", sorted(re.sub(r"part-\d{5}", "part-N", f) for f in listing(out)))
    golden.check_df(spark.read.orc(out).orderBy("id"))
    golden.check_df(spark.read.schema("id long, name string, missing int").orc(out).orderBy("id"), name="user_schema")


def test_reads_orc_written_by_spark(spark, golden):
    golden.check_df(spark.read.orc(SPARK_WRITTEN).orderBy("id"))


def test_table_using_orc(spark, golden):
    spark.sql("DROP TABLE IF EXISTS orc_t")
    try:
        spark.sql("CREATE TABLE orc_t (id INT, s STRING) USING orc")
        spark.sql("INSERT INTO orc_t VALUES (1, 'a'), (2, NULL)")
        golden.check_df(spark.sql("SELECT * FROM orc_t ORDER BY id"))
    finally:
        spark.sql("DROP TABLE IF EXISTS orc_t")
