"""Ember's `spark.ember.files.sparkReadPartitions` switch (not a Spark
setting, so no goldens): `false` reads Parquet in DataFusion's partitions
(files grouped by the number of cores) instead of Spark's read partitions,
with the same rows. Spark's partitions are covered with goldens in
test_sources_read_partitions.py.
"""

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from pyspark.errors import IllegalArgumentException
from pyspark.sql import functions as F

from conftest import conf

FILES = 64
SWITCH = "spark.ember.files.sparkReadPartitions"


@pytest.fixture
def one_file_per_partition(spark, tmp_path):
    """64 small Parquet files, which Spark's planning keeps one per partition."""
    for i in range(FILES):
        table = pa.table({"id": pa.array(range(i * 10, i * 10 + 10), pa.int64())})
        pq.write_table(table, str(tmp_path / f"part-{i:02d}.parquet"))
    with conf(spark, "spark.sql.files.maxPartitionBytes", "2000"), \
            conf(spark, "spark.sql.files.openCostInBytes", "2000"), \
            conf(spark, "spark.sql.files.minPartitionNum", "1"):
        yield str(tmp_path)


def partition_ids(spark, path):
    df = spark.read.parquet(path).select(F.spark_partition_id().alias("p"))
    return {row.p for row in df.distinct().collect()}


def test_spark_read_partitions_by_default(spark, one_file_per_partition):
    assert partition_ids(spark, one_file_per_partition) == set(range(FILES))


def test_switch_off_reads_in_datafusions_partitions_with_the_same_rows(spark, one_file_per_partition):
    expected = sorted(spark.read.parquet(one_file_per_partition).collect())
    with conf(spark, SWITCH, "false"):
        assert len(partition_ids(spark, one_file_per_partition)) <= min(os.cpu_count() or 1, FILES - 1)
        rows = spark.read.parquet(one_file_per_partition).collect()
    assert sorted(rows) == expected
    assert len(rows) == FILES * 10


def test_switch_takes_only_true_or_false(spark, one_file_per_partition):
    with conf(spark, SWITCH, "sometimes"):
        with pytest.raises(IllegalArgumentException, match="sparkReadPartitions"):
            spark.read.parquet(one_file_per_partition).collect()
