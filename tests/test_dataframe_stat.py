"""describe, summary and DataFrame.stat (StatDescribe, StatSummary, StatCorr, StatCov,
StatCrosstab, StatFreqItems, StatApproxQuantile, StatSampleBy)."""

import datetime
from decimal import Decimal

import pytest


@pytest.fixture
def people(spark):
    return spark.createDataFrame(
        [
            (1, "alice", 34, 1.5, "paris"),
            (2, "bob", 45, 2.25, "berlin"),
            (3, "carla", None, 3.0, "paris"),
            (4, "dmitri", 52, None, None),
            (5, "eve", 23, 10.0, "berlin"),
        ],
        "id int, name string, age int, score double, city string",
    )


def test_describe_all_columns(people, golden):
    golden.check_df(people.describe())


def test_describe_some_columns(people, golden):
    golden.check_df(people.describe("age", "name"))


def test_summary_default(people, golden):
    golden.check_df(people.summary())


def test_summary_custom(people, golden):
    golden.check_df(people.select("age", "score").summary("count", "min", "25%", "75%", "max"))


def test_corr(people, golden):
    # Spark's value depends on how its partitions merge, in the last digit.
    golden.check("corr", round(people.stat.corr("id", "score"), 12))


def test_cov(people, golden):
    golden.check("cov", people.cov("id", "age"))


def test_crosstab(spark, golden):
    df = spark.createDataFrame(
        [(1, "a"), (1, "b"), (2, "a"), (3, "c"), (1, "a"), (None, "b")], "k int, v string"
    )
    golden.check_df(df.crosstab("k", "v").orderBy("k_v"))


def test_freq_items(spark, golden):
    df = spark.createDataFrame([(1, "x"), (1, "y"), (1, "x"), (2, "x")], "a int, b string")
    rows = df.freqItems(["a", "b"], 0.6).collect()
    golden.check("columns", df.freqItems(["a", "b"], 0.6).columns)
    golden.check("values", [sorted(v) for v in rows[0]])


def test_freq_items_in_sparks_order(spark, golden):
    """Spark lists the items in the order of the hash map it counts in, and a
    full counter can keep false positives; one partition, then two slices."""
    nan = float("nan")
    cases = {
        "scala_hashes": ([(-1, 3.0, 1.5), (-2, 1.5, 3.0), (5, -2.25, None), (4294967296, 100.125, 2.0)], "a bigint, b double, c float"),
        "nulls_zeros_nans": ([(nan, None, True), (nan, 0.0, False), (-0.0, -0.0, None), (0.0, 1.0, None)], "a double, b float, c boolean"),
        "strings": ([(str(i), i * 17 % 41) for i in range(40)], "s string, n int"),
        "dates": ([(datetime.date(2024, 1, 1 + i), i * 3) for i in range(11)] + [(datetime.date(2024, 1, 1), 3)], "d date, n int"),
        "decimals": ([(Decimal(d),) for d in ["1.10", "2.5", "-3", "100", "0.1", "7.25", "1.1", "0.123456789012345679", "-0.0000001"]], "d decimal(38,18)"),
    }
    for name, (rows, schema) in cases.items():
        df = spark.createDataFrame(rows, schema)
        golden.check_df(df.coalesce(1).freqItems(df.columns), name)
        golden.check_df(df.freqItems(df.columns), f"{name}_sliced")
    crowded = spark.createDataFrame([(i % 7,) for i in range(30)] + [(i,) for i in range(100, 140)], "a int")
    golden.check_df(crowded.coalesce(1).freqItems(["a"], 0.1), "full_counter")
    golden.check_df(crowded.freqItems(["a"], 0.1), "full_counter_sliced")
    golden.check_df(spark.range(100).selectExpr("id % 7 AS x").freqItems(["x"], 0.2), "range")


def test_approx_quantile_exact(people, golden):
    golden.check("q", people.approxQuantile("age", [0.0, 0.25, 0.5, 0.75, 1.0], 0.0))


def test_approx_quantile_several_columns(people, golden):
    golden.check("q", people.approxQuantile(["age", "score"], [0.5], 0.0))


def test_sample_by_is_deterministic(spark):
    df = spark.range(0, 200).selectExpr("id", "id % 3 AS key")
    first = df.sampleBy("key", {0: 0.5, 1: 0.0}, seed=7).collect()
    second = df.sampleBy("key", {0: 0.5, 1: 0.0}, seed=7).collect()
    assert first == second
    keys = {row.key for row in first}
    assert keys <= {0}
    assert 10 < len(first) < 60


def test_summary_distinct_counts(people, golden):
    golden.check_df(people.summary("count_distinct", "approx_count_distinct"))


def test_describe_empty_frame(spark, golden):
    golden.check_df(spark.createDataFrame([], "a int, s string").describe())


def test_describe_decimal_and_long(spark, golden):
    df = spark.createDataFrame([(1, Decimal("2.50")), (3, Decimal("4.25"))], "l long, d decimal(10,2)")
    golden.check_df(df.describe())


def test_approx_quantile_with_relative_error(spark, golden):
    df = spark.range(0, 101).selectExpr("CAST(id * 7 % 101 AS DOUBLE) AS v")
    golden.check("q", df.approxQuantile("v", [0.1, 0.5, 0.9], 0.0))
    # Spark's percentile_approx at accuracy ceil(1 / relativeError), per partition then merged.
    wide = spark.range(1000).selectExpr("id", "CAST(id * 7 % 1000 AS DOUBLE) / 3 AS x", "CAST(id % 13 AS INT) AS s")
    for error in [0.01, 0.3, 1.5]:
        golden.check(f"error_{error}", wide.approxQuantile(["x", "s", "id"], [0.1, 0.33, 0.5, 0.77], error))


def test_approx_quantile_skips_nan(spark, golden):
    nan, inf = float("nan"), float("inf")
    small = spark.createDataFrame([(1.0,), (nan,), (3.0,), (2.0,), (nan,), (None,), (5.0,)], "x double")
    golden.check("small", [small.approxQuantile("x", [0.0, 0.25, 0.5, 0.75, 0.9, 1.0], e) for e in [0.0, 0.5]])
    golden.check("only_nan", spark.createDataFrame([(nan,), (nan,)], "x double").approxQuantile("x", [0.5], 0.0))
    rows = [(float(i),) for i in range(20)] + [(nan,)] * 5 + [(inf,), (-inf,)]
    infinite = spark.createDataFrame(rows, "x double")
    golden.check("infinite", [infinite.approxQuantile("x", [0.0, 0.1, 0.5, 0.8, 0.9, 0.95, 1.0], e) for e in [0.0, 0.05]])


def test_approx_quantile_argument_checks(spark, golden):
    """The server's own checks, which the Python client's checks shadow."""
    from pyspark.sql.connect.dataframe import DataFrame
    from pyspark.sql.connect.plan import StatApproxQuantile

    df = spark.range(10).selectExpr("CAST(id AS DOUBLE) AS x")

    def quantiles(probabilities, error):
        plan = StatApproxQuantile(child=df._plan, cols=["x"], probabilities=probabilities, relativeError=error)
        return DataFrame(plan, spark).collect()

    golden.check_error(lambda: quantiles([0.5], -0.1), "negative_error")
    golden.check_error(lambda: quantiles([1.5], 0.1), "probability_above_one")


def test_crosstab_numeric_values_sort_as_numbers(spark, golden):
    df = spark.createDataFrame([("x", 10), ("x", 9), ("y", 100)], "k string, v int")
    golden.check_df(df.crosstab("k", "v").orderBy("k_v"))


def test_summary_of_decimals_and_strings(spark, golden):
    import decimal
    rows = [(1, "1.10", "a"), (2, "2.20", "b"), (3, None, None), (4, "-3.30", ""), (5, "4.40", "a"), (6, "0.00", "b"), (7, "100.00", "c")]
    df = spark.createDataFrame([(i, decimal.Decimal(m) if m else None, s) for i, m, s in rows], "id int, m decimal(38,2), s string")
    golden.check_df(df.summary(), "all")
    golden.check_df(df.select("s").summary("50%"), "string_percentile")
    golden.check_df(df.select("s").summary("count", "25%"), "string_count_and_percentile")


def test_approx_quantile_of_no_values(spark, golden):
    empty = spark.createDataFrame([], "a int, b double")
    nulls = spark.createDataFrame([(1, None), (2, None), (3, None)], "a int, b double")
    golden.check("quantiles", [empty.approxQuantile("a", [0.5], 0.0), empty.approxQuantile(["a", "b"], [0.5, 0.9], 0.0), nulls.approxQuantile(["a", "b"], [0.5], 0.0)])
