"""Python functions over groups: `groupBy().applyInPandas` /
`applyInArrow` (GroupMap), grouped-aggregate `pandas_udf` in `agg`, and
cogrouped `applyInPandas` (CoGroupMap), with the errors user code raises.

Functions are defined inside the tests so that cloudpickle ships them by value.
"""


import pandas as pd
import pytest
from pyspark.sql import functions as F
from pyspark.sql.functions import pandas_udf

from conftest import requires_client


@pytest.fixture
def sales(spark):
    return spark.createDataFrame(
        [(1, "a", 1.0), (1, "b", 2.0), (2, "c", 3.0), (2, "d", 5.0), (2, None, 10.0), (None, "e", 7.0)],
        "id int, name string, v double",
    )


def exception_line(exc):
    """The exception line of the Python traceback a PythonException carries
    (the line before Spark's SQLSTATE line)."""
    lines = [line for line in str(exc).rstrip().split("\n") if "SQLSTATE" not in line]
    return lines[-1]


def test_apply_in_pandas(sales, golden):
    def centred(pdf):
        return pdf.assign(v=pdf.v - pdf.v.mean())

    golden.check_df(sales.groupBy("id").applyInPandas(centred, "id int, name string, v double").orderBy("id", "name"))


def test_apply_in_pandas_with_key(sales, golden):
    def summary(key, pdf):
        return pd.DataFrame([key + (len(pdf), pdf.v.sum())])

    golden.check_df(sales.groupBy("id").applyInPandas(summary, "id int, n long, total double").orderBy("id"))


def test_apply_in_pandas_grouped_by_expression(sales, golden):
    def count(key, pdf):
        return pd.DataFrame({"parity": [key[0]], "n": [len(pdf)], "names": [",".join(sorted(pdf.name.dropna()))]})

    grouped = sales.groupBy((F.coalesce("id", F.lit(0)) % 2).alias("parity"))
    golden.check_df(grouped.applyInPandas(count, "parity int, n long, names string").orderBy("parity"))


def test_apply_in_pandas_output_by_name_and_position(sales, golden):
    def by_name(pdf):
        return pd.DataFrame({"total": [pdf.v.sum()], "n": [len(pdf)]})

    def by_position(pdf):
        return pd.DataFrame([[len(pdf), pdf.v.sum()]])

    schema = "n long, total double"
    golden.check_df(sales.groupBy("id").applyInPandas(by_name, schema).orderBy("n", "total"), name="by_name")
    golden.check_df(sales.groupBy("id").applyInPandas(by_position, schema).orderBy("n", "total"), name="by_position")


def test_apply_in_pandas_wrong_columns(sales, golden):
    def wrong(pdf):
        return pd.DataFrame({"a": [1], "b": [2], "c": [3]})

    exc = golden.check_error(lambda: sales.groupBy("id").applyInPandas(wrong, "n long, total double").collect())
    golden.check("exception_line", exception_line(exc))


def test_apply_in_pandas_exception(sales, golden):
    def fails(pdf):
        raise ValueError(f"bad group of {len(pdf)}")

    exc = golden.check_error(lambda: sales.filter("id = 1").groupBy("id").applyInPandas(fails, "id int").collect())
    golden.check("exception_line", exception_line(exc))


def test_apply_in_arrow(sales, golden):
    import pyarrow as pa
    import pyarrow.compute as pc

    def doubled(table):
        return table.set_column(2, "v", pc.multiply(table.column("v"), 2))

    def with_key(key, table):
        return pa.table({"id": pa.array([key[0].as_py()], pa.int32()), "n": pa.array([table.num_rows], pa.int64())})

    golden.check_df(sales.groupBy("id").applyInArrow(doubled, "id int, name string, v double").orderBy("id", "name"), name="doubled")
    golden.check_df(sales.groupBy("id").applyInArrow(with_key, "id int, n long").orderBy("id"), name="with_key")


def test_grouped_agg_pandas_udf(sales, golden):
    @pandas_udf("double")
    def mean_v(v: pd.Series) -> float:
        return v.mean()

    @pandas_udf("long")
    def named(name: pd.Series, v: pd.Series) -> int:
        return int(name.notna().sum() * 100 + len(v))

    golden.check_df(sales.groupBy("id").agg(mean_v("v"), named("name", "v").alias("n")).orderBy("id"), name="grouped")
    golden.check_df(sales.agg(mean_v(sales.v)), name="whole_frame")


def test_grouped_agg_pandas_udf_in_sql(sales, spark, golden):
    @pandas_udf("double")
    def total_v(v: pd.Series) -> float:
        return float(v.sum())

    spark.udf.register("total_v_sql", total_v)
    sales.createOrReplaceTempView("sales_grouped_agg")
    golden.check_df(spark.sql("SELECT id, total_v_sql(v) AS t FROM sales_grouped_agg GROUP BY id ORDER BY id"))


def test_grouped_agg_pandas_udf_exception(sales, golden):
    @pandas_udf("double")
    def fails(v: pd.Series) -> float:
        raise ZeroDivisionError("no mean")

    exc = golden.check_error(lambda: sales.groupBy("id").agg(fails("v")).collect())
    golden.check("exception_line", exception_line(exc))


def test_cogrouped_apply_in_pandas(spark, golden):
    left = spark.createDataFrame([(1, 1.0), (1, 2.0), (2, 3.0), (3, 4.0)], "id int, v double")
    right = spark.createDataFrame([(1, "x"), (2, "y"), (2, "z"), (4, "w")], "id int, s string")

    def merge(lpdf, rpdf):
        key = lpdf.id.iloc[0] if len(lpdf) else rpdf.id.iloc[0]
        return pd.DataFrame({"id": [key], "vs": [len(lpdf)], "ss": [",".join(rpdf.s)]})

    def with_key(key, lpdf, rpdf):
        return pd.DataFrame({"id": [key[0]], "n": [len(lpdf) + len(rpdf)]})

    cogrouped = left.groupBy("id").cogroup(right.groupBy("id"))
    golden.check_df(cogrouped.applyInPandas(merge, "id int, vs long, ss string").orderBy("id"), name="merge")
    golden.check_df(cogrouped.applyInPandas(with_key, "id int, n long").orderBy("id"), name="with_key")


def test_apply_in_pandas_groups_come_in_key_order(spark, sales, golden):
    """Without orderBy, a small input's groups reach the function (and their
    rows the result) in the order of their keys, nulls first, each group's
    rows in input order, as Spark's adaptive execution gives them."""

    def numbered(pdf):
        return pdf.assign(n=range(len(pdf)))

    # (Spark's sorter moves a row when it meets a NULL key after others; here
    # the NULL key comes first.)
    df = spark.createDataFrame([(None, "e"), (2, "c"), (1, "a"), (2, "d"), (1, "b"), (None, "f")], "id int, name string")
    golden.check_df(df.groupBy("id").applyInPandas(numbered, "id int, name string, n long"), name="grouped")
    golden.check_df(
        spark.range(20).groupBy((F.col("id") % 7).cast("string")).applyInPandas(lambda pdf: pdf.head(1), "id long"),
        name="string_keys",
    )
    other = spark.createDataFrame([(3, "x"), (0, "y"), (1, "z")], "id int, s string")

    def sizes(key, lpdf, rpdf):
        return pd.DataFrame({"id": [key[0]], "n": [len(lpdf) + len(rpdf)]})

    golden.check_df(sales.groupBy("id").cogroup(other.groupBy("id")).applyInPandas(sizes, "id int, n long"), name="cogrouped")


@requires_client("4.1")  # the iterator form of applyInPandas
def test_apply_in_pandas_iterator_sees_each_groups_batches(spark, golden):
    from typing import Iterator

    def first_batch(batches: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        first = next(batches)
        yield pd.DataFrame({"value": first["id"] % 4})

    spark.conf.set("spark.sql.execution.arrow.maxRecordsPerBatch", 2)
    try:
        golden.check_df(spark.range(20).groupBy((F.col("id") % 4).cast("int")).applyInPandas(first_batch, "value long"))
    finally:
        spark.conf.unset("spark.sql.execution.arrow.maxRecordsPerBatch")


def test_apply_in_pandas_grouped_by_time_window(spark, golden):
    rows = [(0, 1, "2018-03-10 00:00:00"), (1, 2, "2018-03-11 00:00:00"), (2, 2, "2018-03-12 00:00:00"),
            (3, 3, "2018-03-15 00:00:00"), (4, 3, "2018-03-16 00:00:00"), (5, 3, "2018-03-21 00:00:00")]
    df = spark.createDataFrame(rows, "id int, grp int, ts string").select("id", "grp", F.col("ts").cast("timestamp"))

    def ids(pdf):
        return pdf[["id"]].assign(ids=[list(pdf.id)] * len(pdf))

    def described(key, pdf):
        window = key[1]
        return pd.DataFrame({"grp": [key[0]], "start": [str(window["start"])], "end": [str(window["end"])],
                             "columns": [",".join(pdf.columns)], "ids": [list(pdf.id)]})

    golden.check_df(df.groupBy("grp", F.window("ts", "5 days")).applyInPandas(ids, "id int, ids array<int>").orderBy("id"),
                    name="tumbling")
    golden.check_df(
        df.groupBy("grp", F.window("ts", "5 days", "2 days"))
        .applyInPandas(described, "grp int, start string, end string, columns string, ids array<int>")
        .orderBy("grp", "start"),
        name="sliding_with_key",
    )
