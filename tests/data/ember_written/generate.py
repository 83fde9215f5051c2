"""Writes the files of tests/data/ember_written with an Ember server (its
Spark Connect URL as the argument); test_sources_cross_engine.py reads them,
and its goldens are what Spark 4.3 reads from them."""

import os
import shutil
import sys

from pyspark.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))

spark = SparkSession.builder.remote(sys.argv[1]).getOrCreate()
spark.conf.set("spark.sql.session.timeZone", "UTC")
rows = spark.sql(
    "SELECT * FROM VALUES "
    "(1, 'a', 1.5D, DATE'2024-01-02', TIMESTAMP'2024-01-02 03:04:05.123456', 12.34BD, true, 'x/y'), "
    "(2, 'b,\"c\"', -0.0D, DATE'1969-12-31', TIMESTAMP'1900-01-01 00:00:00', -0.01BD, false, 'x/y'), "
    "(3, NULL, CAST('NaN' AS DOUBLE), NULL, NULL, NULL, NULL, NULL) "
    "AS t(id, s, d, day, ts, amount, flag, part)"
)
simple = rows.select("id", "s", "d", "day", "ts", "flag")
outputs = {
    "parquet": (rows, "parquet", {}),
    "parquet_partitioned": (rows, "parquet", {"partitionBy": "part"}),
    "parquet_gzip": (rows, "parquet", {"compression": "gzip"}),
    "orc": (simple, "orc", {}),
    "csv_gzip": (simple, "csv", {"compression": "gzip", "header": "true"}),
    "csv_snappy": (simple, "csv", {"compression": "snappy"}),
    "json_bzip2": (rows, "json", {"compression": "bzip2"}),
    "json_lz4": (rows, "json", {"compression": "lz4"}),
    "text": (rows.selectExpr("concat_ws('|', id, s) AS value"), "text", {}),
}
for name, (frame, fmt, options) in outputs.items():
    path = os.path.join(HERE, name)
    shutil.rmtree(path, ignore_errors=True)
    writer = frame.coalesce(1).write.format(fmt)
    partition = options.pop("partitionBy", None)
    if partition:
        writer = writer.partitionBy(partition)
    writer.options(**options).save(path)
