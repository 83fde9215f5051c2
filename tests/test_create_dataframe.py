"""createDataFrame from local data, and spark.range."""

import datetime as dt
from decimal import Decimal

import pandas as pd
import pytest
from pyspark.sql import Row
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    DoubleType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
)


# -- from Python sequences ----------------------------------------------------


def test_tuples_with_column_names(spark, golden):
    golden.check_df(spark.createDataFrame([(1, "a"), (2, "b")], ["id", "name"]))


def test_lists_with_column_names(spark, golden):
    golden.check_df(spark.createDataFrame([[1, 2.5], [3, None]], ["a", "b"]))


def test_tuples_without_schema_get_default_names(spark, golden):
    golden.check_df(spark.createDataFrame([(1, "x", True)]))


def test_tuples_with_ddl_schema(spark, golden):
    golden.check_df(spark.createDataFrame([(1, "a"), (None, None)], "id int, name string"))


def test_tuples_with_ddl_schema_not_null(spark, golden):
    golden.check_df(spark.createDataFrame([(1, "a")], "id INT NOT NULL, name STRING"))


def test_tuples_with_struct_type(spark, golden):
    schema = StructType(
        [
            StructField("id", LongType(), nullable=False),
            StructField("score", DoubleType(), nullable=True),
            StructField("tags", ArrayType(StringType(), containsNull=False)),
            StructField("attrs", MapType(StringType(), IntegerType(), valueContainsNull=True)),
        ]
    )
    data = [(1, 0.5, ["x", "y"], {"k": 1}), (2, None, [], {"n": None})]
    golden.check_df(spark.createDataFrame(data, schema))


def test_rows(spark, golden):
    data = [Row(id=1, name="alice", score=1.5), Row(id=2, name="bob", score=None)]
    golden.check_df(spark.createDataFrame(data))


def test_rows_with_nested_row(spark, golden):
    data = [Row(id=1, point=Row(x=1.0, y=2.0)), Row(id=2, point=None)]
    golden.check_df(spark.createDataFrame(data))


def test_dicts(spark, golden):
    data = [{"id": 1, "name": "a"}, {"id": 2, "name": None}]
    golden.check_df(spark.createDataFrame(data))


def test_dicts_with_ddl_schema(spark, golden):
    data = [{"name": "a", "id": 1}, {"name": "b", "id": 2}]
    golden.check_df(spark.createDataFrame(data, "id long, name string"))


def test_atomic_values_with_atomic_schema(spark, golden):
    golden.check_df(spark.createDataFrame([1, 2, 3], "int"))


def test_atomic_values_with_data_type(spark, golden):
    golden.check_df(spark.createDataFrame(["a", None], StringType()))


def test_empty_with_schema(spark, golden):
    golden.check_df(spark.createDataFrame([], "id int, name string"))


def test_inferred_types(spark, golden):
    data = [
        (
            True,
            7,
            1.25,
            "s",
            bytearray(b"\x01\x02"),
            dt.date(2024, 2, 29),
            dt.datetime(2024, 2, 29, 12, 30, 45, 123456),
            Decimal("1.50"),
            [1, 2],
            {"k": "v"},
        )
    ]
    cols = ["b", "i", "f", "s", "bin", "d", "ts", "dec", "arr", "m"]
    golden.check_df(spark.createDataFrame(data, cols))


def test_inferred_type_merges_nulls(spark, golden):
    golden.check_df(spark.createDataFrame([(None, 1), ("x", None)], ["a", "b"]))


def test_column_names_override_via_todf(spark, golden):
    df = spark.createDataFrame([(1, 2)], "a int, b int").toDF("x", "y")
    golden.check_df(df)


# -- from pandas ----------------------------------------------------------------


def test_pandas_inferred_schema(spark, golden):
    pdf = pd.DataFrame(
        {
            "i": [1, 2, 3],
            "f": [0.5, None, 2.0],
            "s": ["a", None, "c"],
            "b": [True, False, True],
            "ts": pd.to_datetime(["2024-01-01 00:00:00", "2024-06-30 12:00:00", None]),
        }
    )
    golden.check_df(spark.createDataFrame(pdf))


def test_pandas_with_ddl_schema(spark, golden):
    pdf = pd.DataFrame({"id": [1, 2], "name": ["a", "b"]})
    golden.check_df(spark.createDataFrame(pdf, "id int, name string"))


def test_pandas_with_struct_type(spark, golden):
    pdf = pd.DataFrame({"id": [1, 2], "v": [1.5, 2.5]})
    schema = StructType([StructField("id", LongType(), False), StructField("v", DoubleType())])
    golden.check_df(spark.createDataFrame(pdf, schema))


def test_pandas_with_column_names(spark, golden):
    pdf = pd.DataFrame({"a": [1], "b": ["x"]})
    golden.check_df(spark.createDataFrame(pdf, ["x", "y"]))


def test_pandas_empty_with_schema(spark, golden):
    pdf = pd.DataFrame({"id": pd.Series([], dtype="int64")})
    golden.check_df(spark.createDataFrame(pdf, "id long"))


def test_pandas_100k_rows_shipped_as_cached_artifact(spark, golden):
    n = 100_000
    pdf = pd.DataFrame({"id": range(n), "x": [i * 0.5 for i in range(n)]})
    df = spark.createDataFrame(pdf)
    # Above spark.sql.session.localRelationCacheThreshold the client uploads
    # the data as artifacts and sends a (Chunked)CachedLocalRelation.
    plan = df._plan
    while getattr(plan, "_child", None) is not None:  # e.g. the ToDF naming the columns
        plan = plan._child
    assert type(plan).__name__ in ("ChunkedCachedLocalRelation", "CachedLocalRelation")
    golden.check("count", df.count())
    agg = df.agg(F.sum("id").alias("s"), F.sum("x").alias("sx"), F.max("id").alias("m"))
    golden.check_df(agg, "aggregates")
    golden.check_df(df.orderBy(F.col("id").desc()).limit(3), "last_rows")


def test_pandas_large_frame_roundtrips_through_topandas(spark):
    n = 100_000
    pdf = pd.DataFrame({"id": range(n), "x": [float(i) for i in range(n)]})
    back = spark.createDataFrame(pdf).orderBy("id").toPandas()
    pd.testing.assert_frame_equal(back, pdf)


# -- spark.range ----------------------------------------------------------------


def test_range_end(spark, golden):
    golden.check_df(spark.range(5))


def test_range_start_end(spark, golden):
    golden.check_df(spark.range(3, 7))


def test_range_step(spark, golden):
    golden.check_df(spark.range(0, 10, 3))


def test_range_negative_step(spark, golden):
    golden.check_df(spark.range(10, 0, -4))


def test_range_empty(spark, golden):
    golden.check_df(spark.range(5, 5))


def test_range_large_count(spark, golden):
    golden.check("count", spark.range(0, 10_000_000, 7).count())


def test_range_num_partitions_splits_rows(spark, golden):
    df = spark.range(0, 10, 1, 4)
    golden.check("count", df.count())
    by_part = df.groupBy(F.spark_partition_id().alias("p")).count().orderBy("p")
    golden.check_df(by_part, "rows_per_partition")


def test_structs_with_repeated_field_names(spark, golden):
    schema = (
        StructType()
        .add("struct", StructType().add("x", StringType()).add("x", IntegerType()))
        .add("struct", StructType().add("a", IntegerType()).add("x", IntegerType()).add("x", StringType()))
    )
    golden.check_df(spark.createDataFrame([Row(Row("a", 1), Row(2, 3, "b"))], schema=schema), show=False)
    golden.check_df(spark.sql("SELECT named_struct('a', 1, 'a', array(named_struct('b', 1, 'b', 2))) AS s"), "nested", show=False)
    pdf = pd.DataFrame({"struct": [("a", 1), ("x", 6)]})
    golden.check_df(spark.createDataFrame(pdf, "struct struct<x: string, x: int>"), "pandas", show=False)
