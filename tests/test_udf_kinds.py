"""UDF kinds beside those of test_udf.py and test_udf_grouped.py: an
iterator of several series, scalar and iterator `arrow_udf`, cogrouped
`applyInArrow`, and a UDF in a window's partitioning."""

from typing import Iterator, Tuple

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql import Window
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf, udf

from conftest import requires_client
from test_udf_grouped import exception_line


def test_pandas_udf_iterator_of_several_series(spark, golden):
    @pandas_udf("double")
    def weighted(batches: Iterator[Tuple[pd.Series, pd.Series]]) -> Iterator[pd.Series]:
        for a, b in batches:
            yield a * 2 + b

    df = spark.createDataFrame([(1, 0.5), (2, 1.5), (3, None)], "a long, b double")
    golden.check_df(df.select("a", weighted("a", "b").alias("w")))


def test_pandas_udf_iterator_sees_a_whole_partition(spark, golden):
    """Spark gives an iterator UDF one iterator per partition, in batches of
    maxRecordsPerBatch rows; it may read them all before it yields."""
    from pyspark import TaskContext

    @pandas_udf("string")
    def batches_seen(batches: Iterator[pd.Series]) -> Iterator[pd.Series]:
        sizes = [len(s) for s in batches]
        summary = f"{TaskContext.get().partitionId()}:{sizes}"
        yield pd.Series([summary] * sum(sizes))

    @pandas_udf("long")
    def plus_one(s: pd.Series) -> pd.Series:
        return s + 1

    with_conf = spark.conf.get("spark.sql.execution.arrow.maxRecordsPerBatch")
    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "2")
    try:
        df = spark.range(0, 9, 1, 2)
        # (collect, not show: Ember evaluates show()'s projection after its limit.)
        golden.check_rows(df.select("id", batches_seen("id").alias("seen")).collect(), name="partitions")
        golden.check_rows(df.select(batches_seen(F.concat(batches_seen(plus_one("id")), F.lit("!"))).alias("nested")).collect(), name="nested")
    finally:
        spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", with_conf)


def test_pandas_udf_iterator_row_count_checks(spark, golden):
    @pandas_udf("long")
    def first_batch_only(batches: Iterator[pd.Series]) -> Iterator[pd.Series]:
        for s in batches:
            yield s
            break

    @pandas_udf("long")
    def one_row(batches: Iterator[pd.Series]) -> Iterator[pd.Series]:
        for _ in batches:
            yield pd.Series([1])

    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", "3")
    try:
        df = spark.range(0, 10, 1, 1)
        for name, function in [("not_consumed", first_batch_only), ("too_few_rows", one_row)]:
            exc = golden.check_error(lambda: df.select(function("id")).collect(), name=name)
            golden.check(name + "_line", exception_line(exc))
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")


@requires_client("4.1")
def test_arrow_udf_scalar_and_iterator(spark, golden):
    from pyspark.sql.functions import arrow_udf

    @arrow_udf("long")
    def plus_one(a: pa.Array) -> pa.Array:
        return pc.add(a, 1)

    @arrow_udf("string")
    def shout(batches: Iterator[pa.Array]) -> Iterator[pa.Array]:
        for names in batches:
            yield pc.utf8_upper(names)

    df = spark.createDataFrame([(1, "ann"), (2, None), (3, "bo")], "id long, name string")
    golden.check_df(df.select("id", plus_one("id").alias("next"), shout("name").alias("loud")))


def test_cogrouped_apply_in_arrow(spark, golden):
    def merge(left: pa.Table, right: pa.Table) -> pa.Table:
        key = (left if left.num_rows else right).column("id")[0].as_py()
        return pa.table({"id": pa.array([key], pa.int32()), "n": pa.array([left.num_rows * 10 + right.num_rows], pa.int64())})

    left = spark.createDataFrame([(1, 1.0), (1, 2.0), (2, 3.0)], "id int, v double")
    right = spark.createDataFrame([(1, "a"), (3, "b")], "id int, s string")
    cogrouped = left.groupBy("id").cogroup(right.groupBy("id"))
    golden.check_df(cogrouped.applyInArrow(merge, "id int, n long").orderBy("id"))


def test_udf_in_a_window_partitioning(spark, golden):
    parity = udf(lambda v: v % 2, "long")
    window = Window.partitionBy(parity("id")).orderBy(F.col("id").desc())
    golden.check_df(spark.range(6).select("id", F.row_number().over(window).alias("r")).orderBy("id"))


def test_non_deterministic_udf_in_an_aggregate_is_refused(spark, golden):
    import random

    noise = udf(lambda: int(100 * random.random()), "int").asNondeterministic()
    df = spark.range(10)
    golden.check_error(lambda: df.groupBy("id").agg(F.sum(noise())).collect(), name="grouped")
    golden.check_error(lambda: df.agg(F.max(noise() + 1)).collect(), name="whole")
    golden.check_error(lambda: df.select(F.sum(noise())).collect(), name="select")


def test_udf_reading_both_sides_in_an_outer_join_condition_is_refused(spark, golden):
    from pyspark.sql import Row
    from pyspark.sql.types import BooleanType

    left = spark.createDataFrame([Row(a=1, a1=1), Row(a=2, a1=2)])
    right = spark.createDataFrame([Row(b=1, b1=1), Row(b=1, b1=3)])
    same = udf(lambda a, b: a == b, BooleanType())
    one = udf(lambda a: a == 1, BooleanType())
    for how in ["left", "full", "leftsemi"]:
        golden.check_error(lambda: left.join(right, [same("a", "b"), left.a1 == right.b1], how).collect(), name=how)
    golden.check_df(left.join(right, [one("a"), left.a1 == right.b1], "left"), name="one_side", ordered=False)
    golden.check_df(left.join(right, same("a", "b")), name="inner", ordered=False)


def test_grouped_aggregate_udf_with_named_arguments(spark, golden):
    @pandas_udf("double")
    def weighted_mean(v: pd.Series, w: pd.Series) -> float:
        return float((v * w).sum() / w.sum())

    df = spark.createDataFrame([(1, 1.0, 1.0), (1, 3.0, 3.0), (2, 5.0, 1.0)], "id int, v double, w double")
    golden.check_df(df.groupBy("id").agg(weighted_mean(w=df.w, v=df.v).alias("m")).orderBy("id"), name="grouped")
    window = Window.partitionBy("id")
    golden.check_df(df.select("id", "v", weighted_mean(v=df.v, w=df.w).over(window).alias("m")).orderBy("id", "v"), name="window")
    spark.udf.register("weighted_mean", weighted_mean)
    golden.check_df(spark.sql("SELECT weighted_mean(w => 2.0D, v => v) AS m FROM VALUES (1.0D), (3.0D) AS t(v)"), name="sql")


def test_traceback_with_locals(spark, golden):
    from conftest import conf

    @udf("int")
    def fails(a):
        local_marker = a + 1
        if local_marker:
            raise ValueError("boom")
        return local_marker

    with conf(spark, "spark.sql.execution.pyspark.udf.tracebackWithLocals.enabled", "true"):
        try:
            spark.range(1).select(fails("id")).collect()
            raise AssertionError("expected an error")
        except Exception as exc:  # noqa: BLE001 - the client's exception is checked
            golden.check("has_locals", "local_marker = 1" in str(exc))
            golden.check("last_line", [line for line in str(exc).rstrip().split("\n") if "SQLSTATE" not in line][-1])


def test_chained_udfs_pass_python_objects(spark, golden):
    """A UDF whose one argument is a UDF of the same kind runs after it in
    the same Python call, as Spark chains them: the inner result reaches it
    as the object the inner function returned, whatever its declared type."""
    from pyspark.sql.types import ArrayType, IntegerType, StringType, VariantType, VariantVal

    as_variants = udf(lambda i: {"v": VariantVal(bytes([2, 1, 0, 0, 2, 5, 97 + i]), bytes([1, 1, 0, 1, 97]))}, ArrayType(VariantType()))
    shown = udf(lambda u: str(u["v"]), StringType())
    marked = udf(lambda x: str(x) + "!", IntegerType(), useArrow=False)
    doubled = udf(lambda s: s * 2, StringType(), useArrow=False)
    listed = udf(lambda x: [x, x], StringType())
    length = udf(lambda v: len(v), IntegerType())
    df = spark.range(3)
    golden.check_df(
        df.select(
            shown(as_variants("id")).alias("variant"),
            doubled(marked("id")).alias("pickled"),
            marked("id").alias("unchained"),
            length(listed("id")).alias("arrow"),
            length(length(listed("id")).cast("string")).alias("through_a_cast"),
        )
    )
