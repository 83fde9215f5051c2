"""Aggregates over the distribution of a column: mode, percentile (exact),
percentile_approx/approx_percentile (Spark's quantile summaries),
histogram_numeric, count_min_sketch and the bitmap aggregates."""

import pytest
from pyspark.sql import Window
from pyspark.sql import functions as F

from conftest import requires_client


@pytest.fixture
def values(spark):
    return spark.createDataFrame(
        [("a", 1, 1.5, "x"), ("a", 2, 2.5, "y"), ("a", 2, None, "y"), ("a", None, 4.0, None),
         ("b", 10, -1.0, "z"), ("b", 7, 3.0, "z"), ("b", 7, 3.0, "w"), ("c", None, None, None)],
        "g string, i int, d double, s string",
    ).withColumn("b", F.col("i") > 2)


def test_mode(values, golden):
    golden.check_df(values.select(F.mode("d"), F.mode("i", True), F.mode("s", True)))
    # Without `deterministic`, Spark takes the first of the tied values in its hash map's order.
    golden.check_df(values.select(F.mode("i"), F.mode("s"), F.mode("b")), "ties")
    golden.check_df(values.groupBy("g").agg(F.mode("i"), F.mode("s", True), F.mode("d", True)).orderBy("g"), "grouped")
    golden.check_df(values.where("i > 100").select(F.mode("i"), F.mode("s", True)), "empty")
    window = Window.partitionBy("g")
    golden.check_df(values.select("g", "i", F.mode("i", True).over(window).alias("m")).orderBy("g", "i"), "window")


def test_mode_sql(spark, golden):
    golden.check_df(spark.sql("SELECT mode(x, true), mode(y), mode(z, true) FROM VALUES (3, 'b', DATE'2024-01-02'), (2, 'a', DATE'2024-01-01'), (3, 'a', NULL), (2, 'a', DATE'2024-01-02') t(x, y, z)"))
    golden.check_df(spark.sql("SELECT mode(d), mode(x > 1) FROM (SELECT x, CAST(x AS DECIMAL(5, 2)) d FROM VALUES (1), (4), (4), (NULL) t(x))"), "types")
    golden.check_error(lambda: spark.sql("SELECT mode(x, x > 1) FROM VALUES (1) t(x)").collect(), "non_foldable")
    golden.check_error(lambda: spark.sql("SELECT mode(x, 'yes') FROM VALUES (1) t(x)").collect(), "not_boolean")


def test_percentile(values, golden):
    golden.check_df(values.select(F.percentile("i", 0.5), F.percentile("d", [0.0, 0.25, 1.0]), F.percentile("i", 0.3, F.lit(2))))
    golden.check_df(values.groupBy("g").agg(F.percentile("i", 0.75), F.percentile("d", [0.1, 0.9]), F.median("i")).orderBy("g"), "grouped")
    golden.check_df(values.where("i > 100").select(F.percentile("i", 0.5), F.percentile("i", [0.5])), "empty")
    window = Window.partitionBy("g")
    golden.check_df(values.select("g", "i", F.percentile("i", 0.5).over(window).alias("p")).orderBy("g", "i"), "window")


def test_percentile_sql(spark, golden):
    golden.check_df(spark.sql(
        "SELECT percentile(x, 0.5), percentile(x, array(0.25, 0.75), f), percentile(x, 0.4, f), median(x) "
        "FROM VALUES (1, 1), (2, 3), (4, 0), (10, 2), (NULL, 5) t(x, f)"
    ))
    golden.check_df(spark.sql("SELECT percentile(d, 0.5), percentile(l, 0.9) FROM (SELECT CAST(x AS DECIMAL(6, 2)) d, CAST(x AS BIGINT) l FROM VALUES (1), (2), (7) t(x))"), "types")
    golden.check_error(lambda: spark.sql("SELECT percentile(x, 1.5) FROM VALUES (1) t(x)").collect(), "out_of_range")
    golden.check_error(lambda: spark.sql("SELECT percentile(x, 0.5, f) FROM VALUES (1, -1) t(x, f)").collect(), "negative_frequency")
    golden.check_error(lambda: spark.sql("SELECT percentile(x, 0.5) FROM VALUES ('a') t(x)").collect(), "string")


def test_percentile_approx(spark, golden):
    df = spark.range(0, 1000, 1, 1).select((F.col("id") * 7 % 1000).alias("v"), (F.col("id") % 3).alias("g"))
    df = df.withColumn("w", F.col("v").cast("double"))
    golden.check_df(df.select(
        F.percentile_approx("v", 0.5), F.percentile_approx("v", [0.0, 0.1, 0.5, 0.99, 1.0], 10),
        F.percentile_approx("w", 0.25, 100), F.percentile_approx("v", [0.05, 0.5, 0.95], 3),
    ))
    golden.check_df(df.groupBy("g").agg(F.percentile_approx("v", 0.5, 20), F.approx_percentile("v", 0.9)).orderBy("g"), "grouped")
    golden.check_df(df.where("v > 5000").select(F.percentile_approx("v", 0.5), F.percentile_approx("v", [0.5])), "empty")
    small = df.where("v < 6").select("v", "g")
    golden.check_df(small.select("g", "v", F.percentile_approx("v", 0.5).over(Window.partitionBy("g")).alias("p")).orderBy("g", "v"), "window")


def test_percentile_approx_sql(spark, golden):
    golden.check_df(spark.sql(
        "SELECT percentile_approx(x, 0.5), approx_percentile(x, array(0.1, 0.9), 100), percentile_approx(s, 0.5), "
        "percentile_approx(f, 0.3), percentile_approx(d, 0.7) "
        "FROM (SELECT x, CAST(x AS SMALLINT) s, CAST(x AS FLOAT) f, CAST(x AS DECIMAL(4, 1)) d FROM VALUES (4), (1), (NULL), (9), (3) t(x))"
    ))
    golden.check_df(spark.sql(
        "SELECT percentile_approx(d, 0.5), percentile_approx(ts, array(0.0, 1.0)) FROM VALUES "
        "(DATE'2024-03-01', TIMESTAMP'2024-01-01 10:00:00'), (DATE'2023-01-05', TIMESTAMP'2024-01-02 00:00:00'), (DATE'2025-07-09', NULL) t(d, ts)"
    ), "datetimes")
    golden.check_error(lambda: spark.sql("SELECT percentile_approx(x, 2.0) FROM VALUES (1) t(x)").collect(), "out_of_range")
    golden.check_error(lambda: spark.sql("SELECT percentile_approx(x, 0.5, 0) FROM VALUES (1) t(x)").collect(), "bad_accuracy")
    golden.check_error(lambda: spark.sql("SELECT percentile_approx(x, 0.5) FROM VALUES ('a') t(x)").collect(), "string")


def test_histogram_numeric(values, golden):
    # Spark merges the partial histograms of its partitions, which can round
    # centres differently: the inputs here need no merging of fractional centres.
    golden.check_df(values.select(F.histogram_numeric("i", F.lit(3)), F.histogram_numeric("d", F.lit(5)), F.histogram_numeric("d", F.lit(10))))
    golden.check_df(values.groupBy("g").agg(F.histogram_numeric("i", F.lit(2))).orderBy("g"), "grouped")
    golden.check_df(values.where("i > 100").select(F.histogram_numeric("i", F.lit(3))), "empty")


def test_histogram_numeric_sql(spark, golden):
    golden.check_df(spark.sql("SELECT histogram_numeric(id * id % 37, 5) FROM range(0, 200, 1, 1)"))
    golden.check_df(spark.sql("SELECT histogram_numeric(f, 2), histogram_numeric(l, 3) FROM (SELECT CAST(x AS FLOAT) f, CAST(x AS BIGINT) l FROM VALUES (1), (2), (3), (10) t(x))"), "types")
    golden.check_error(lambda: spark.sql("SELECT histogram_numeric(x, 1) FROM VALUES (1) t(x)").collect(), "one_bin")


def test_count_min_sketch(values, golden):
    sketches = values.select(
        F.hex(F.count_min_sketch("i", F.lit(0.5), F.lit(0.5), F.lit(1))).alias("ints"),
        F.hex(F.count_min_sketch("s", F.lit(0.3), F.lit(0.9), F.lit(42))).alias("strings"),
    )
    golden.check_df(sketches)
    golden.check_df(values.groupBy("g").agg(F.hex(F.count_min_sketch("i", F.lit(0.6), F.lit(0.6), F.lit(7)))).orderBy("g"), "grouped")
    golden.check_df(values.where("i > 100").select(F.hex(F.count_min_sketch("i", F.lit(0.5), F.lit(0.5), F.lit(1)))), "empty")


def test_count_min_sketch_sql(spark, golden):
    golden.check_df(spark.sql(
        "SELECT hex(count_min_sketch(l, 0.4d, 0.8d, 3)), hex(count_min_sketch(s, 0.4d, 0.8d, 3)), hex(count_min_sketch(b, 0.4d, 0.8d, 3)) "
        "FROM (SELECT CAST(x AS BIGINT) l, CAST(x AS STRING) s, CAST(CAST(x AS STRING) AS BINARY) b FROM VALUES (1), (300), (NULL), (1) t(x))"
    ))
    golden.check_error(lambda: spark.sql("SELECT count_min_sketch(x, 0.5d, 0.5d, 1) FROM VALUES (1.5d) t(x)").collect(), "double")
    golden.check_error(lambda: spark.sql("SELECT count_min_sketch(x, -0.5d, 0.5d, 1) FROM VALUES (1) t(x)").collect(), "bad_eps")


def test_bitmap_aggregates(spark, golden):
    golden.check_df(spark.sql(
        "SELECT substring(hex(bitmap_construct_agg(bitmap_bit_position(x))), 0, 8), bitmap_count(bitmap_construct_agg(bitmap_bit_position(x))), "
        "bitmap_bucket_number(x) FROM VALUES (1), (2), (3), (NULL), (32768), (32769), (40000) t(x) GROUP BY 3 ORDER BY 3"
    ))
    golden.check_df(spark.sql(
        "SELECT g, substring(hex(bitmap_or_agg(b)), 0, 6), substring(hex(bitmap_and_agg(b)), 0, 6), bitmap_count(bitmap_and_agg(b)) FROM "
        "(SELECT g, bitmap_construct_agg(bitmap_bit_position(x)) b FROM VALUES (1, 1), (1, 2), (2, 2), (2, 3), (3, 1) t(g, x) GROUP BY g, x % 2) GROUP BY g ORDER BY g"
    ), "or_and")
    golden.check_df(spark.sql("SELECT bitmap_count(bitmap_construct_agg(x)), bitmap_count(bitmap_or_agg(b)), length(bitmap_and_agg(b)), bitmap_count(bitmap_and_agg(b)) FROM VALUES (CAST(NULL AS BIGINT), CAST(NULL AS BINARY)) t(x, b)"), "empty")
    golden.check_df(spark.sql("SELECT bitmap_count(bitmap_or_agg(b)), bitmap_count(bitmap_and_agg(b)) FROM VALUES (X'0F'), (X'03FF') t(b)"), "short_inputs")
    golden.check_df(spark.sql("SELECT bitmap_count(bitmap_construct_agg(x)) FROM VALUES (1.5d), (2.0d), (1.0d) t(x)"), "doubles")
    golden.check_error(lambda: spark.sql("SELECT bitmap_construct_agg(x) FROM VALUES (40000) t(x)").collect(), "out_of_range")
    golden.check_error(lambda: spark.sql("SELECT bitmap_or_agg(x) FROM VALUES (1) t(x)").collect(), "not_binary")


@requires_client("4.1")
def test_bitmap_aggregates_dataframe(spark, golden):
    df = spark.createDataFrame([(1, 3), (1, 5), (2, 5)], "g int, x int")
    bitmaps = df.groupBy("g").agg(F.bitmap_construct_agg(F.bitmap_bit_position("x")).alias("b"))
    golden.check_df(bitmaps.select(F.bitmap_count(F.bitmap_or_agg("b")), F.bitmap_count(F.bitmap_and_agg("b"))))


def test_nulls_and_nested_values(spark, golden):
    golden.check_df(spark.sql("SELECT percentile(NULL, 0.5), percentile_approx(NULL, 0.5), histogram_numeric(NULL, 3), mode(NULL), median(NULL)"))
    golden.check_df(spark.sql(
        "SELECT mode(a), mode(st) FROM VALUES (array(1, 2), named_struct('a', 1)), (array(1, 2), named_struct('a', 1)), (array(3), named_struct('a', 2)) t(a, st)"
    ), "nested")
    golden.check_df(spark.sql("SELECT percentile(x, array()) FROM VALUES (1) t(x)"), "no_percentages")
    golden.check_error(lambda: spark.sql("SELECT percentile(x, CAST(NULL AS DOUBLE)) FROM VALUES (1) t(x)").collect(), "null_percentage")


def test_within_group_sql(spark, golden):
    golden.check_df(spark.sql(
        "SELECT percentile_cont(0.25) WITHIN GROUP (ORDER BY x), percentile_cont(0.25) WITHIN GROUP (ORDER BY x DESC), "
        "percentile_disc(0.25) WITHIN GROUP (ORDER BY x), percentile_disc(0.7) WITHIN GROUP (ORDER BY x DESC), "
        "mode() WITHIN GROUP (ORDER BY x), mode() WITHIN GROUP (ORDER BY x DESC) FROM VALUES (1), (2), (2), (4), (4), (10), (NULL) t(x)"
    ))


def test_percentage_arguments_typed_as_spark(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT percentile(id, '0.5') a, kll_sketch_get_rank_bigint(kll_sketch_agg_bigint(id), 3) b, "
            "kll_sketch_get_quantile_double(kll_sketch_agg_double(CAST(id AS DOUBLE)), array(0.5)) c FROM range(5)"
        )
    )
    golden.check_error(lambda: spark.sql("SELECT percentile(id, DATE'2020-01-01') FROM range(5)").collect(), "date")
    golden.check_error(lambda: spark.sql("SELECT approx_percentile(id, map('a', 1), 100) FROM range(5)").collect(), "map")
    golden.check_error(
        lambda: spark.sql("SELECT kll_sketch_get_rank_float(kll_sketch_agg_float(CAST(id AS FLOAT)), true) FROM range(5)").collect(),
        "boolean",
    )
    golden.check_error(lambda: spark.sql("SELECT validate_utf8(map('a', 1))").collect(), "validate_map")
