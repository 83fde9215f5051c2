"""Read partitions of files as Spark plans them: large files cut into splits
of spark.sql.files.maxPartitionBytes, small ones packed together, each file
costing spark.sql.files.openCostInBytes. Seen through spark_partition_id():
the rows each read partition holds.

The files are written with pyarrow (or as text) so both engines read the
same bytes; minPartitionNum is set so the plan does not depend on the cores.
"""

from contextlib import ExitStack

import pyarrow as pa
import pyarrow.parquet as pq
from pyspark.sql import functions as F

from conftest import conf


def rows_per_partition(df):
    return df.groupBy(F.spark_partition_id().alias("p")).count().orderBy("p")


def settings(spark, **values):
    stack = ExitStack()
    for key, value in values.items():
        stack.enter_context(conf(spark, f"spark.sql.files.{key}", str(value)))
    return stack


def parquet_file(path, start, count, row_group_size=None):
    table = pa.table({"id": pa.array(range(start, start + count), pa.int64())})
    pq.write_table(table, str(path), compression="NONE", use_dictionary=False, row_group_size=row_group_size)


def test_small_parquet_files_are_packed(spark, tmp_path, golden):
    for i in range(10):
        parquet_file(tmp_path / f"part-{i:02d}.parquet", i * 10, 10)
    df = spark.read.parquet(str(tmp_path))
    with settings(spark, maxPartitionBytes=2000, openCostInBytes=100, minPartitionNum=1):
        golden.check_df(rows_per_partition(df), "packed")
    with settings(spark, maxPartitionBytes=2000, openCostInBytes=2000, minPartitionNum=1):
        golden.check_df(rows_per_partition(df), "one_per_file")


def test_large_parquet_file_is_split(spark, tmp_path, golden):
    parquet_file(tmp_path / "big.parquet", 0, 1000, row_group_size=100)
    df = spark.read.parquet(str(tmp_path / "big.parquet"))
    with settings(spark, maxPartitionBytes=2000, openCostInBytes=100, minPartitionNum=1):
        golden.check_df(rows_per_partition(df), "split")
        golden.check("total", df.count())
    golden.check_df(rows_per_partition(df), "defaults")


def test_small_csv_files_are_packed(spark, tmp_path, golden):
    for i in range(6):
        (tmp_path / f"f{i}.csv").write_text("".join(f"{i * 10 + j}\n" for j in range(10)))
    df = spark.read.csv(str(tmp_path))
    with settings(spark, maxPartitionBytes=100, openCostInBytes=10, minPartitionNum=1):
        golden.check_df(rows_per_partition(df), "packed")
    with settings(spark, maxPartitionBytes=100, openCostInBytes=100, minPartitionNum=1):
        golden.check_df(rows_per_partition(df), "one_per_file")
