"""Python UDFs: `udf` (pickled and Arrow), `pandas_udf` (scalar and iterator),
`spark.udf.register` for SQL, UDFs in filters, joins and aggregations, and
the errors user code raises.

UDFs are defined inside the tests so that cloudpickle ships them by value.
"""

import contextlib
import re
import types
from typing import Iterator

import pandas as pd
import pytest
from pyspark.errors import PythonException
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf, udf
from pyspark.sql.types import (
    ArrayType,
    BooleanType,
    DoubleType,
    IntegerType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
)


@contextlib.contextmanager
def conf(spark, key, value):
    spark.conf.set(key, value)
    try:
        yield
    finally:
        spark.conf.unset(key)


@pytest.fixture
def people(spark):
    return spark.createDataFrame(
        [(1, "ann", 3.5), (2, "bob", None), (3, None, -1.0), (None, "dan", 0.0)],
        "id int, name string, score double",
    )


def traceback_text(exc):
    """The Python traceback a PythonException carries, without file paths."""
    text = str(exc)
    start = text.index("Traceback (most recent call last):")
    text = re.sub(r'File "[^"]*/([^/"]+)"', r'File "\1"', text[start:])
    return text.rstrip().split("\n")


@pytest.mark.parametrize("use_arrow", [False, True], ids=["pickled", "arrow"])
def test_udf_atomic_return_types(people, golden, use_arrow):
    @udf(returnType=IntegerType(), useArrow=use_arrow)
    def plus_one(x):
        return None if x is None else x + 1

    @udf(returnType=StringType(), useArrow=use_arrow)
    def shout(s):
        return None if s is None else s.upper() + "!"

    @udf(returnType=DoubleType(), useArrow=use_arrow)
    def half(x):
        return None if x is None else x / 2

    @udf(returnType=BooleanType(), useArrow=use_arrow)
    def is_ann(s):
        return s == "ann"

    golden.check_df(people.select("id", plus_one("id"), shout("name"), half("score"), is_ann(people.name)))


@pytest.mark.parametrize("use_arrow", [False, True], ids=["pickled", "arrow"])
def test_udf_nested_return_types(people, golden, use_arrow):
    @udf(returnType=ArrayType(IntegerType()), useArrow=use_arrow)
    def upto(x):
        return None if x is None else list(range(x))

    @udf(returnType=MapType(StringType(), LongType()), useArrow=use_arrow)
    def lengths(s):
        return None if s is None else {s: len(s)}

    point = StructType([StructField("x", IntegerType()), StructField("label", StringType())])

    @udf(returnType=point, useArrow=use_arrow)
    def to_point(i, s):
        return (i, s)

    golden.check_df(people.select(upto("id"), lengths("name"), to_point("id", "name").alias("p")))


def test_udf_ddl_return_type_and_no_arguments(spark, golden):
    @udf("array<string>")
    def words(s):
        return s.split(" ")

    @udf("int")
    def forty_two():
        return 42

    df = spark.createDataFrame([("a b c",), ("hello world",)], "s string")
    golden.check_df(df.select(words("s"), forty_two()))


def test_pickled_udf_result_of_another_type_is_null(spark, golden):
    @udf(returnType=IntegerType(), useArrow=False)
    def wrong(x):
        return "not a number"

    @udf(returnType=DoubleType(), useArrow=False)
    def int_for_double(x):
        return 1

    golden.check_df(spark.range(2).select(wrong("id"), int_for_double("id")))


def test_crash_fails_only_that_query(spark):
    @udf("int")
    def crash(x):
        import os

        os._exit(3)

    with pytest.raises(Exception, match=r"Python worker exited unexpectedly \(crashed\)") as info:
        spark.range(1).select(crash("id")).collect()
    assert type(info.value).__name__ == "SparkException"
    assert spark.range(3).count() == 3

    @udf("int")
    def fine(x):
        return x

    assert [r[0] for r in spark.range(2).select(fine("id")).collect()] == [0, 1]


def test_pandas_udf_scalar(people, golden):
    @pandas_udf("double")
    def scaled(s: pd.Series, t: pd.Series) -> pd.Series:
        return s * 10 + t.fillna(0)

    @pandas_udf("string")
    def initials(s: pd.Series) -> pd.Series:
        return s.str[0]

    golden.check_df(people.select(scaled("id", "score"), initials("name")))


def test_pandas_udf_iterator(people, golden):
    @pandas_udf("long")
    def doubled(batches: Iterator[pd.Series]) -> Iterator[pd.Series]:
        for s in batches:
            yield s * 2

    golden.check_df(people.select("id", doubled("id").alias("d")))


def test_max_records_per_batch(spark, golden):
    @pandas_udf("long")
    def batch_size(s: pd.Series) -> pd.Series:
        return pd.Series([len(s)] * len(s))

    df = spark.createDataFrame([(i,) for i in range(7)], "x long")
    with conf(spark, "spark.sql.execution.arrow.maxRecordsPerBatch", "3"):
        golden.check_df(df.select("x", batch_size("x").alias("n")))


def test_udf_in_filter_join_and_aggregation(people, spark, golden):
    @udf("boolean")
    def long_name(s):
        return s is not None and len(s) == 3

    @udf("int")
    def parity(x):
        return None if x is None else x % 2

    golden.check_df(people.filter(long_name("name")).select("id", "name"), name="filter")
    golden.check_df(
        people.groupBy(parity("id").alias("p")).agg(F.count("*").alias("n")).orderBy("p"),
        name="group_by",
    )
    other = spark.createDataFrame([(0, "even"), (1, "odd")], "k int, label string")
    joined = people.join(other, parity(people.id) == other.k).select("id", "label").orderBy("id")
    golden.check_df(joined, name="join")


def test_register_for_sql(spark, golden):
    spark.udf.register("plus_ten_sql", lambda x: x + 10, "long")

    @udf("string")
    def tag(x):
        return f"<{x}>"

    spark.udf.register("tag_sql", tag)
    golden.check_df(spark.sql("SELECT id, plus_ten_sql(id) AS p, TAG_SQL(id) FROM range(3)"))


def test_register_without_return_type_gives_strings(spark, golden):
    spark.udf.register("as_text_sql", lambda x: x * 2)
    golden.check_df(spark.sql("SELECT as_text_sql(id) FROM range(2)"))


def test_nondeterministic_udf_is_evaluated_once(spark):
    import random

    noise = udf(lambda: random.random(), "double").asNondeterministic()

    df = spark.range(20).withColumn("r", noise())
    rows = df.select("r", (F.col("r") + 0).alias("r2")).collect()
    assert all(row.r == row.r2 for row in rows)
    assert len({row.r for row in rows}) > 1


def test_exception_in_udf(spark, golden):
    @udf("int")
    def boom(x):
        raise ValueError(f"bad value {x}")

    exc = golden.check_error(lambda: spark.range(1, 2).select(boom("id")).collect())
    assert isinstance(exc, PythonException)
    golden.check("traceback", traceback_text(exc))
    assert spark.range(3).count() == 3


def test_exception_in_pandas_udf(spark, golden):
    @pandas_udf("long")
    def fails(s: pd.Series) -> pd.Series:
        if len(s) > 0:
            raise RuntimeError(f"{len(s)} rows refused")
        return s

    exc = golden.check_error(lambda: spark.range(1, 2).select(fails("id")).collect())
    golden.check("traceback", traceback_text(exc))


def test_arrow_udf_uncastable_result(spark, golden):
    @udf("int", useArrow=True)
    def text(x):
        return "s"

    exc = golden.check_error(lambda: spark.range(1).select(text("id")).collect())
    golden.check("exception_line", traceback_text(exc)[-2])


def test_python_version_mismatch(spark, golden, monkeypatch):
    import pyspark.sql.connect.udf as connect_udf

    monkeypatch.setattr(connect_udf, "sys", types.SimpleNamespace(version_info=(3, 1, 0)))

    @udf("long")
    def same(x):
        return x

    exc = golden.check_error(lambda: spark.range(1).select(same("id")).collect())
    golden.check("exception_line", traceback_text(exc)[-2])


def test_map_in_pandas(people, golden):
    def adult_rows(frames):
        for pdf in frames:
            pdf = pdf[pdf.score.fillna(0) >= 0]
            yield pd.DataFrame({"name": pdf.name.str.upper(), "twice": pdf.id * 2})

    mapped = people.mapInPandas(adult_rows, "name string, twice long")
    golden.check_df(mapped.orderBy("name"))


def test_map_in_arrow(people, golden):
    import pyarrow as pa
    import pyarrow.compute as pc

    def lengths(batches):
        for batch in batches:
            yield pa.RecordBatch.from_arrays(
                [batch.column("id"), pc.utf8_length(batch.column("name"))], ["id", "len"]
            )

    golden.check_df(people.mapInArrow(lengths, "id int, len int").orderBy("id"))


def test_exception_in_map_in_pandas(spark, golden):
    def fails(frames):
        for pdf in frames:
            raise KeyError(f"no column in {len(pdf)} rows")
        yield from ()

    exc = golden.check_error(lambda: spark.range(1, 2).mapInPandas(fails, "id long").collect())
    golden.check("traceback", traceback_text(exc))


def test_udf_named_arguments(spark, golden):
    from pyspark.sql.functions import col

    @udf("int")
    def weighted(a, b=5):
        return a * 10 + b

    @pandas_udf("long")
    def weighted_pandas(a: pd.Series, b: pd.Series) -> pd.Series:
        return a * 10 + b

    spark.udf.register("weighted", weighted)
    df = spark.range(2)
    golden.check_df(
        df.select(
            weighted(a=col("id"), b=col("id")),
            weighted(b=col("id"), a=col("id") + 1),
            weighted(col("id")),
            weighted_pandas(b=col("id"), a=col("id")),
        ),
        name="dataframe",
    )
    golden.check_df(spark.sql("SELECT weighted(b => id, a => 1), weighted(id, b => 2) FROM range(2)"), name="sql")
    golden.check_error(lambda: spark.sql("SELECT weighted(a => id, id) FROM range(2)").collect(), name="positional_after_named")
    golden.check_error(lambda: spark.sql("SELECT weighted(a => id, a => 2) FROM range(2)").collect(), name="twice")


def test_crash_with_faulthandler_gives_the_python_stack(spark):
    @udf("int")
    def segfault(x):
        import ctypes

        return ctypes.string_at(0)

    with conf(spark, "spark.sql.execution.pyspark.udf.faulthandler.enabled", "true"):
        with pytest.raises(Exception, match=r"\(crashed\): Fatal Python error: Segmentation fault") as info:
            spark.range(1).select(segfault("id")).collect()
    assert "in segfault" in str(info.value)
    assert type(info.value).__name__ == "SparkException"
    assert spark.range(2).count() == 2


def test_register_java_function_of_a_class_not_on_the_classpath(spark, golden):
    for name, register in [
        ("udf", lambda: spark.udf.registerJavaFunction("java_udf", "non_existed_udf")),
        ("udaf", lambda: spark.udf.registerJavaUDAF("java_udaf", "non_existed_udaf")),
    ]:
        exc = golden.check_error(register, name)
        golden.check(f"{name}_message", str(exc).split("\n")[0])


def test_worker_killed_on_idle_timeout(spark):
    """With killOnIdleTimeout, a worker that does not answer within
    idleTimeoutSeconds is killed and the query fails with Spark's message
    (a SparkException; Ember's has the class INTERNAL_ERROR, Spark's none)."""

    @udf("string")
    def slow(x):
        import time

        time.sleep(3)
        return str(x)

    with conf(spark, "spark.sql.execution.pyspark.udf.idleTimeoutSeconds", "1s"):
        with conf(spark, "spark.sql.execution.pyspark.udf.killOnIdleTimeout", "true"):
            with pytest.raises(Exception, match=r"Python worker process terminated due to idle timeout \(timeout: 1 seconds\)") as info:
                spark.range(1).select(slow("id")).collect()
    assert type(info.value).__name__ == "SparkException"

    @udf("int")
    def fine(x):
        return x

    assert [r[0] for r in spark.range(2).select(fine("id")).collect()] == [0, 1]
