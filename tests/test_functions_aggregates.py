"""Aggregates composed from an array aggregate: max_by/min_by with a count,
collect_union, listagg/string_agg of DISTINCT and BINARY values, collect_set's
order; avg over a sliding window frame."""

from decimal import Decimal

import pytest
from pyspark.sql import Window
from pyspark.sql import functions as F

from conftest import requires_client


@pytest.fixture
def people(spark):
    return spark.createDataFrame(
        [("Eng", "Alice", 120), ("Eng", "Bob", 95), ("Eng", "Carol", 110), ("Sales", "Dave", 80), ("Sales", None, 85), ("Sales", "Eve", None)],
        "dept string, emp string, salary int",
    )


@requires_client("4.1")
def test_max_by_min_by_with_k(people, golden):
    golden.check_df(people.select(F.max_by("emp", "salary", 3), F.min_by("emp", "salary", 2), F.max_by("emp", "salary", 10)))
    golden.check_df(people.groupBy("dept").agg(F.max_by("emp", "salary", 2), F.min_by("emp", "salary", 1)).orderBy("dept"), "grouped")
    golden.check_df(people.where("salary > 1000").select(F.max_by("emp", "salary", 2)), "empty")


def test_max_by_with_k_sql(spark, golden):
    golden.check_df(spark.sql("SELECT max_by(x, y, 2), min_by(x, y, 2) FROM VALUES ('a', 3), ('b', 1), ('c', 2) t(x, y)"))


@requires_client("4.1")
def test_collect_union(spark, golden):
    df = spark.createDataFrame([("a", [1, 2]), ("a", [2, 3, None]), ("b", [4]), ("b", None)], "k string, v array<int>")
    united = df.groupBy("k").agg(F.collect_union("v").alias("u")).orderBy("k")
    golden.check("schema", united.schema.jsonValue())
    golden.check("rows", [(r.k, sorted(r.u)) for r in united.collect()])
    golden.check_df(df.where("k = 'z'").select(F.collect_union("v")), "empty")
    structs = spark.createDataFrame([([(1, True), (2, False)],), ([(2, False), (3, True)],)], "v array<struct<id:int,flag:boolean>>")
    golden.check("structs", sorted(tuple(s) for s in structs.select(F.collect_union("v")).first()[0]))


def test_listagg_binary_and_distinct(spark, golden):
    binary = spark.sql("SELECT listagg(b, X'42'), string_agg(b) FROM VALUES (X'01'), (X'02'), (NULL), (X'03') t(b)")
    golden.check("binary_schema", binary.schema.jsonValue())
    row = binary.first()
    # Spark does not define the order of the values; the parts and their number are checked.
    golden.check("binary_values", [sorted(list(part) for part in row[0].split(b"B")), sorted(row[1])])
    golden.check_df(spark.sql("SELECT listagg(b) FROM VALUES (CAST(NULL AS BINARY)) t(b)"), "binary_nulls")
    distinct = spark.sql("SELECT listagg(DISTINCT v, ','), string_agg(DISTINCT k) FROM VALUES ('x', 1), ('y', 2), ('x', 1), (NULL, NULL) t(v, k)")
    golden.check("distinct_schema", distinct.schema.simpleString())
    row = distinct.first()
    golden.check("distinct_values", [sorted(row[0].split(",")), sorted(row[1])])
    golden.check_df(spark.sql("SELECT listagg(DISTINCT v) FROM VALUES (CAST(NULL AS STRING)) t(v)"), "distinct_nulls")


def test_avg_over_a_sliding_frame(spark, golden):
    df = spark.createDataFrame([(d, t) for d, t in [(1, 20), (2, 22), (3, 21), (4, 23), (5, 24), (6, 26)]], ["day", "temp"])
    golden.check_df(df.withColumn("avg2", F.avg("temp").over(Window.orderBy("day").rowsBetween(-1, 0))).orderBy("day"))
    golden.check_df(df.withColumn("avg3", F.avg("temp").over(Window.orderBy("day").rangeBetween(-2, 0))).orderBy("day"), "range")


@pytest.fixture
def numbers(spark):
    return spark.createDataFrame(
        [("x", 1, 2.0, "a"), ("x", -3, None, "b"), ("x", None, 4.0, None), ("y", 5, 1.5, "a"), ("y", 5, 1.5, "a")],
        "g string, i int, d double, s string",
    )


def test_moments_and_product(numbers, golden):
    golden.check_df(numbers.select(F.skewness("i"), F.kurtosis("d"), F.product("i"), F.product("d"), F.skewness("d"), F.kurtosis("i")))
    golden.check_df(
        numbers.groupBy("g").agg(F.skewness("i"), F.kurtosis("i"), F.product("d")).orderBy("g"), "grouped"
    )
    golden.check_df(numbers.where("i > 100").select(F.skewness("i"), F.kurtosis("i"), F.product("i")), "empty")


def test_moments_sql(spark, golden):
    golden.check_df(
        spark.sql("SELECT skewness(x), kurtosis(x) FROM VALUES (1.0), (2.0), (4.0), (8.0), (16.5) t(x)")
    )
    golden.check_df(spark.sql("SELECT skewness(x), kurtosis(x) FROM VALUES (1.0), (1.0) t(x)"), "no_spread")


def test_regr_count_try_avg_and_collected_types(numbers, golden):
    golden.check_df(numbers.select(F.regr_count("i", "d"), F.try_avg("i"), F.try_avg("d"), F.collect_list("i")))
    sets = numbers.select(F.collect_set("s"))
    golden.check("set_schema", sets.schema.jsonValue())
    golden.check("set_values", sorted(sets.first()[0]))
    golden.check_df(numbers.where("i > 100").select(F.regr_count("i", "d"), F.try_avg("i"), F.collect_list("i"), F.collect_set("s")), "empty")


@requires_client("4.1")
def test_array_agg_is_collect_list(numbers, golden):
    golden.check_df(numbers.groupBy("g").agg(F.array_agg("i")).orderBy("g"))


@requires_client("4.3")
def test_counter_diff(spark, golden):
    import datetime

    start, later = datetime.datetime(2026, 1, 1, 0, 0), datetime.datetime(2026, 1, 1, 0, 1)
    df = spark.createDataFrame(
        [(1, start, 100), (2, start, 200), (3, start, 50), (4, start, 100), (5, later, 200), (6, later, 300), (7, later, None), (8, later, 310)],
        "t int, st timestamp, c bigint",
    )
    w = Window.orderBy("t")
    golden.check_df(df.select("t", F.counter_diff("c").over(w).alias("d"), F.counter_diff("c", "st").over(w).alias("ds")).orderBy("t"))


def test_counter_diff_sql(spark, golden):
    golden.check_df(spark.sql(
        "SELECT g, t, counter_diff(c) OVER (PARTITION BY g ORDER BY t) d FROM VALUES "
        "(1, 'a', 5), (2, 'a', 7), (3, 'a', 3), (1, 'b', 10), (2, 'b', 10), (3, 'b', 12) t(t, g, c) ORDER BY g, t"
    ))


def test_collect_union_respect_nulls(spark, golden):
    df = spark.sql("SELECT collect_union(v) RESPECT NULLS AS r, collect_union(v) AS i FROM VALUES (array(1, NULL)), (array(2)), (NULL), (array(NULL)) t(v)")
    golden.check("schema", df.schema.simpleString())
    row = df.first()
    # Spark does not define the order of the values.
    golden.check("values", [sorted(row.r, key=lambda x: (x is not None, x)), sorted(row.i)])


def test_variance_family_to_the_last_digit(spark, golden):
    from pyspark.sql import Window
    df = spark.createDataFrame([("a", 1, 0.1), ("a", 2, 0.7), ("a", 5, 0.3), ("b", 3, 1.1), ("a", 7, 2.2), ("b", 4, 0.0), ("a", 6, None)], "g string, n int, f double")
    golden.check_df(df.agg(F.stddev("n"), F.stddev("f"), F.variance("f"), F.var_pop("f"), F.stddev_pop("n"), F.std("f"), F.var_samp("n")))
    golden.check_df(df.describe(), "describe")
    sliding = Window.orderBy("n").rowsBetween(-1, 1)
    golden.check_df(df.select("n", F.stddev("f").over(sliding).alias("s"), F.skewness("f").over(sliding).alias("k")).orderBy("n"), "sliding")
    golden.check_df(df.select("n", F.stddev("f").over(Window.partitionBy("g").orderBy("n")).alias("s")).orderBy("n"), "growing")
    golden.check_df(spark.createDataFrame([(1,)], "n int").agg(F.stddev("n"), F.var_pop("n")), "one_value")


def test_correlation_and_covariance(spark, golden):
    from pyspark.sql import Window
    df = spark.createDataFrame([(1, 0.1, 2.0), (2, 0.7, 5.5), (3, 0.3, None), (4, 1.1, 4.0), (5, 2.2, 1.25), (6, 0.0, 3.0)], "n int, x double, y double")
    # Rounded: Spark combines partial results of its two local slices, Ember reads the rows in one pass.
    golden.check_df(df.agg(*[F.round(c, 12) for c in (F.corr("x", "y"), F.covar_samp("x", "y"), F.covar_pop("x", "y"))]))
    golden.check_df(df.agg(F.corr(F.lit(float("nan")), "y"), F.corr("x", "x")), "nan_and_self")
    golden.check_df(df.agg(F.corr("x", F.lit(1.0)), F.corr(F.lit(2), "y")), "constant_column")
    golden.check("stat", [round(df.stat.corr("x", "y"), 12), round(df.stat.cov("x", "y"), 12)])
    sliding = Window.orderBy("n").rowsBetween(-1, 1)
    golden.check_df(df.select("n", F.corr("x", "y").over(sliding).alias("c"), F.covar_pop("x", "y").over(sliding).alias("v")).orderBy("n"), "sliding")
    golden.check_df(spark.createDataFrame([(1.0, 2.0)], "x double, y double").agg(F.corr("x", "y"), F.covar_samp("x", "y"), F.covar_pop("x", "y")), "one_pair")


def test_regr_r2_as_spark(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT regr_r2(y, x) a, regr_r2(x, y) b, regr_r2(y, y) c, regr_r2(k, x) d, regr_r2(y, k) e "
            "FROM VALUES (1, 2, 3), (3, 4, 3), (2, 7, 3), (NULL, 1, 3) AS tab(y, x, k)"
        )
    )


def test_collect_set_order(spark, golden):
    """Spark's order: that of the Scala hash set it collects into."""
    ints = spark.createDataFrame([(v,) for v in [5, 3, 1, 17, 33, 2, 100, -1, 65536, 16, 3]], "v int")
    golden.check_df(ints.agg(F.collect_set("v")), "ints")
    words = spark.createDataFrame([(w,) for w in "the quick brown fox jumps over lazy dog and more words here the".split()], "v string")
    golden.check_df(words.agg(F.collect_set("v")), "strings")
    doubles = spark.createDataFrame([(x,) for x in [1.5, -2.25, 0.0, -0.0, 1e300, float("nan"), 3.0, 100.125]], "v double")
    golden.check_df(doubles.agg(F.collect_set("v"), F.collect_set(F.col("v").cast("float"))), "floating")
    golden.check_df(
        spark.sql(
            "SELECT k, collect_set(d), collect_set(ts), collect_set(b), collect_set(s) FROM VALUES "
            "(1, DATE'2020-01-01', TIMESTAMP'2020-01-01 00:00:00', true, 'x'), (1, DATE'1970-01-02', TIMESTAMP'1970-01-02 00:00:00.5', false, 'y'), "
            "(1, DATE'2024-02-29', TIMESTAMP'2024-02-29 10:00:00', true, 'zz'), (2, DATE'1900-01-01', NULL, NULL, NULL) t(k, d, ts, b, s) "
            "GROUP BY k ORDER BY k"
        ),
        "grouped",
    )
    # Decimals hash as Scala's BigDecimal: whole ones as integers, others as the double
    # they write as, or by their digits and scale.
    decimals = ["1.10", "2.5", "-3", "100", "0.1", "7.25", "1.1", "0.123456789012345679", "123456789012345678.5", "-0.0000001", "9999999999999999999"]
    golden.check_df(spark.createDataFrame([(Decimal(d),) for d in decimals], "v decimal(38,18)").coalesce(1).agg(F.collect_set("v")), "decimals")
    for n, parts in [(11, 1), (11, 4), (12, 1), (24, 4), (48, 4)]:
        multiples = spark.range(0, 400, 1, parts).select(((F.col("id") % n) * 1000003).cast("int").alias("v"))
        golden.check_df(multiples.agg(F.collect_set("v")), f"range_{n}_of_{parts}")


def test_sums_and_averages_of_timestamps_and_mean_names(spark, golden):
    rows = "FROM VALUES (TIMESTAMP'1970-01-01 00:00:01'), (TIMESTAMP'1970-01-01 00:00:02.5') t(x)"
    golden.check_df(spark.sql(f"SELECT sum(x), avg(x), try_sum(x), try_avg(x), mean(x) {rows}"))
    golden.check_df(spark.sql("SELECT mean(x), mean(DISTINCT x), mean(CAST(x AS DECIMAL(5,1))), avg(DISTINCT x) FROM VALUES (1) t(x)"), "mean")
    golden.check_error(lambda: spark.sql("SELECT sum(x) FROM VALUES (TIMESTAMP_NTZ'1970-01-01 00:00:01') t(x)").collect(), "ntz")


def test_approx_count_distinct_relative_error_checks(spark, golden):
    golden.check_df(spark.sql("SELECT approx_count_distinct(1, 0.39D), approx_count_distinct(1, 0.01)"))
    golden.check_error(lambda: spark.sql("SELECT approx_count_distinct(1, 1)").collect(), "integer")
    golden.check_error(lambda: spark.sql("SELECT approx_count_distinct(1, 0.3911D)").collect(), "too_large")
    golden.check_error(lambda: spark.sql("SELECT approx_count_distinct(1, x) FROM VALUES (0.1D) t(x)").collect(), "column")
