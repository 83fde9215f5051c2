"""Files Ember wrote, read back: tests/data/ember_written holds files an
Ember server wrote (with generate.py there: every format, codecs, Hive
partition folders with escaped values), and the goldens are what Spark 4.3
read from them, so this checks that Spark reads Ember's files and gets the
values Ember wrote. The other way round, files Spark wrote
(tests/data/spark_written) are read in test_sources.py and others."""

import os

import pytest

from conftest import conf

EMBER_WRITTEN = os.path.join(os.path.dirname(__file__), "data", "ember_written")
ROWS = "id int, s string, d double, day date, ts timestamp, amount decimal(4,2), flag boolean, part string"
SIMPLE = "id int, s string, d double, day date, ts timestamp, flag boolean"

READS = {
    "parquet": lambda read, path: read.parquet(path),
    "parquet_partitioned": lambda read, path: read.parquet(path),
    "parquet_gzip": lambda read, path: read.parquet(path),
    "orc": lambda read, path: read.orc(path),
    "csv_gzip": lambda read, path: read.schema(SIMPLE).option("header", True).csv(path),
    "csv_snappy": lambda read, path: read.schema(SIMPLE).csv(path),
    "json_bzip2": lambda read, path: read.schema(ROWS).json(path),
    "json_lz4": lambda read, path: read.schema(ROWS).json(path),
    "text": lambda read, path: read.text(path),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_files_ember_wrote(spark, golden, name):
    with conf(spark, "spark.sql.session.timeZone", "UTC"):
        df = READS[name](spark.read, os.path.join(EMBER_WRITTEN, name))
        golden.check_df(df.orderBy(df.columns[0]))
