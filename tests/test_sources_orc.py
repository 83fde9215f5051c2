"""ORC files: spark.read.orc / df.write.orc, codecs, files Spark wrote, and
tables USING orc.

Cross-engine files: tests/data/spark_written/orc_types was written by Spark
4.3 (`all_types(spark).coalesce(1).write.orc(...)` against the oracle) and
tests/data/ember_written/orc_types by Ember (the same call against an Ember
server, once per codec, into <codec>/), and tests/data/ember_written/orc_stripes
by Ember as `test_orc_stripe_size_and_orc_compress` writes it. The goldens of
the tests reading Ember's files are what Spark read from them."""

import json
import os
import re

from pyspark.sql import functions as F

from conftest import REMOTE

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DATA = os.path.join(os.path.dirname(__file__), "data")
SPARK_WRITTEN = os.path.join(DATA, "spark_written", "orc")
SPARK_WRITTEN_TYPES = os.path.join(DATA, "spark_written", "orc_types")
EMBER_WRITTEN_TYPES = os.path.join(DATA, "ember_written", "orc_types")
EMBER_WRITTEN_STRIPES = os.path.join(DATA, "ember_written", "orc_stripes")
CODECS = ("none", "snappy", "zlib", "lz4", "zstd")


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
    for codec in CODECS:
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


def all_types(spark):
    """Every column type Spark writes to ORC, with nulls at every depth."""
    return spark.sql("""
        SELECT id,
          CAST(id AS TINYINT) AS b, CAST(id * 300 AS SMALLINT) AS s,
          CAST(id * 1.25 AS DECIMAL(5, 2)) AS d,
          CAST('12345678901234567890.123' AS DECIMAL(38, 3)) * (2 - id) AS dl,
          IF(id = 1, array(1, 2, NULL), IF(id = 2, array(), NULL)) AS a,
          IF(id < 3, map('k', CAST(id AS DECIMAL(2, 1)), 'z', NULL), NULL) AS m,
          IF(id = 2, NULL, named_struct('x', id, 'y', IF(id = 1, 'q', NULL))) AS st,
          array(named_struct('x', id, 'y', 'v'), NULL) AS arr_st,
          map(id, array(IF(id = 3, NULL, 'w'))) AS m_arr,
          named_struct('inner', named_struct('n', IF(id = 1, NULL, id)), 'l', array(CAST(id AS BIGINT))) AS deep,
          IF(id = 3, NULL, timestamp'2020-01-02 03:04:05.123456' + make_interval(0, 0, 0, 0, id)) AS ts,
          IF(id = 1, timestamp'1969-12-31 23:59:58.5', timestamp'1900-01-01 00:00:00.001') AS old_ts,
          IF(id = 3, NULL, timestamp_ntz'1969-12-31 23:59:58.5' + make_interval(0, 0, 0, id)) AS tsn,
          IF(id = 2, NULL, named_struct('t', timestamp_ntz'2021-06-01 10:00:00')) AS st_ntz,
          IF(id = 3, NULL, date'1999-12-31' + id) AS day,
          IF(id = 2, NULL, X'00ff') AS bin, id % 2 = 0 AS flag, CAST(id / 3 AS FLOAT) AS f,
          INTERVAL '1 02:03:04.5' DAY TO SECOND AS dts, IF(id = 2, NULL, INTERVAL '1-2' YEAR TO MONTH) AS ym,
          INTERVAL '3' HOUR AS h
        FROM VALUES (1), (2), (3) AS v(id)""")


def striped(spark):
    """Rows enough for several stripes of 64 KiB."""
    return spark.range(0, 30000, 1, 1).selectExpr(
        "id", "CAST(id AS STRING) AS s", "IF(id % 7 = 0, NULL, array(id, -id)) AS a",
        "named_struct('d', CAST(id / 100 AS DECIMAL(10, 2))) AS st")


def check_striped(golden, df, name):
    golden.check_df(df.agg(F.count("*"), F.sum("id"), F.max("s"), F.sum(F.size("a")), F.sum("st.d").alias("sum_d"), F.count("a")), name=name)
    golden.check_df(df.filter("id % 9999 = 0").orderBy("id"), name=f"{name}_rows")


def test_orc_stripe_size_and_orc_compress(spark, tmp_path, golden):
    out = str(tmp_path / "out")
    striped(spark).coalesce(1).write.option("orc.stripe.size", "65536").option("orc.compress", "SNAPPY").orc(out)
    golden.check("files", listing(out))
    check_striped(golden, spark.read.orc(out), "read_back")
    # Written by Ember in the same way (4 stripes), as Spark reads it.
    check_striped(golden, spark.read.orc(EMBER_WRITTEN_STRIPES), "ember_written")


def check_all_types(golden, df, name="df"):
    """The schema of `df` read from files of `all_types`, and its rows (the
    year-month interval as text: PySpark cannot collect one)."""
    golden.check(f"{name}_schema", json.loads(df.schema.json()))
    golden.check_df(df.withColumn("ym", F.col("ym").cast("string")).orderBy("id"), name=name)


def test_orc_write_all_types(spark, tmp_path, golden):
    out = str(tmp_path / "out")
    all_types(spark).coalesce(1).write.orc(out)
    golden.check("files", listing(out))
    check_all_types(golden, spark.read.orc(out))
    golden.check_df(spark.read.orc(out).select("id", "st.y", "m_arr", "deep.inner.n").filter("id > 1"), name="projected", ordered=False)


def test_orc_write_all_types_partitioned_and_appended(spark, tmp_path, golden):
    out = str(tmp_path / "out")
    df = all_types(spark).withColumn("part", F.col("id") % 2)
    df.coalesce(1).write.partitionBy("part").orc(out)
    df.filter("id = 3").coalesce(1).write.mode("append").option("compression", "snappy").partitionBy("part").orc(out)
    golden.check("files", sorted(re.sub(r"part-\d{5}", "part-N", f) for f in listing(out)))
    check_all_types(golden, spark.read.orc(out))


def test_orc_table_of_all_types(spark, golden):
    spark.sql("DROP TABLE IF EXISTS orc_types_t")
    try:
        # `h` left out: a table's stored schema keeps no interval units yet (any format).
        all_types(spark).drop("h").write.format("orc").saveAsTable("orc_types_t")
        check_all_types(golden, spark.table("orc_types_t"))
        spark.sql("INSERT INTO orc_types_t SELECT * FROM orc_types_t WHERE id = 1")
        golden.check("count", spark.table("orc_types_t").count())
    finally:
        spark.sql("DROP TABLE IF EXISTS orc_types_t")


def test_orc_write_rejects_void_and_variant_columns(spark, tmp_path, golden):
    for name, column in (("void", "NULL AS v"), ("nested_void", "array(NULL) AS av"), ("variant", "parse_json('1') AS j")):
        golden.check_error(lambda: spark.sql(f"SELECT 1 AS id, {column}").write.orc(str(tmp_path / name)), name=name)


def test_reads_orc_of_all_types_written_by_spark(spark, golden):
    check_all_types(golden, spark.read.orc(SPARK_WRITTEN_TYPES))
    nested_schema = "id long, st struct<y: string, x: long, z: int>, m map<string, double>, a array<long>, missing array<int>"
    golden.check_df(spark.read.schema(nested_schema).orc(SPARK_WRITTEN_TYPES).orderBy("id"), name="user_schema")


def test_spark_reads_orc_written_by_ember(spark, golden):
    for codec in CODECS:
        check_all_types(golden, spark.read.orc(os.path.join(EMBER_WRITTEN_TYPES, codec)), name=codec)
