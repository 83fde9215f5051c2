"""Functions planned from DataFusion's building blocks under Spark's names:
assert_true, raise_error, first/last, max_by/min_by, count_if, boolean
aggregates, std/variance, approx_count_distinct, listagg/string_agg,
map_concat, levenshtein with a threshold, try_to_date, to_timestamp_ltz,
current_user."""

import pytest
from pyspark.sql import functions as F


@pytest.fixture
def df(spark):
    return spark.createDataFrame(
        [(1, None, "a", 10), (2, 5, "b", 30), (3, 7, None, 20), (None, 2, "c", None)],
        "a int, b int, s string, w int",
    )


def test_first_and_last(df, golden):
    golden.check_df(df.select(F.first("b").alias("f"), F.first("b", True).alias("fi"), F.last("b").alias("l"), F.last("b", True).alias("li")))


def test_max_by_min_by(df, golden):
    golden.check_df(df.select(F.max_by("s", "w"), F.min_by("s", "w")))


def test_max_by_min_by_ties_go_to_the_last_row(spark, golden):
    """Spark keeps the earlier row only while it is strictly better."""
    rows = "VALUES ('a', 1), ('b', 3), ('c', NULL), ('d', 3), ('e', 1), ('f', double('NaN')), ('g', double('NaN')) t(x, y)"
    golden.check_df(spark.sql(f"SELECT max_by(x, y), min_by(x, y) FROM {rows}"))
    golden.check_df(spark.sql(f"SELECT max_by(x, array(y)), min_by(x, named_struct('y', y)) FROM {rows}"), "nested")
    framed = spark.sql(
        "SELECT x, max_by(x, y) OVER (ORDER BY x ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) a, "
        f"min_by(x, y) OVER (ORDER BY x ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) b FROM {rows}"
    )
    golden.check_df(framed, "sliding_frames")


def test_boolean_aggregates_and_count_if(spark, df, golden):
    golden.check_df(
        df.select(F.count_if(F.col("a") > 1), F.every(F.col("a") > 0), F.some(F.col("a") > 2), F.bool_and(F.col("a") > 0), F.bool_or(F.col("a") > 5))
    )
    golden.check_df(spark.sql("SELECT any(a > 2), std(a), variance(a), approx_count_distinct(a) FROM VALUES (1), (2), (3) t(a)"), "sql")


def test_approx_count_distinct_of_floating_point(spark, golden):
    doubles = spark.createDataFrame([(0.0,), (-0.0,), (float("nan"),), (float("nan"),), (1.5,), (None,)], "d double")
    golden.check_df(doubles.agg(F.approx_count_distinct("d"), F.approx_count_distinct(F.col("d").cast("float"))))
    golden.check_df(doubles.groupBy(F.col("d").isNull().alias("missing")).agg(F.approx_count_distinct("d", 0.1)).orderBy("missing"), "grouped")


def test_listagg(df, golden):
    golden.check_df(df.select(F.listagg("s"), F.listagg("s", ","), F.string_agg("s", "-")))


def test_map_concat(spark, golden):
    golden.check_df(spark.sql("SELECT map_concat(map(1, 'a', 2, 'b'), map(3, 'c')) m"))


def test_levenshtein_threshold(spark, golden):
    golden.check_df(spark.sql("SELECT levenshtein('kitten', 'sitting'), levenshtein('kitten', 'sitting', 2), levenshtein('kitten', 'sitting', 5)"))


def test_try_to_date_and_to_timestamp_ltz(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT try_to_date('2024-01-02'), try_to_date('bad'), try_to_date('02/01/2024', 'dd/MM/yyyy'), "
            "to_timestamp_ltz('2024-01-02 03:04:05')"
        )
    )


def test_assert_true(spark, df, golden):
    golden.check_df(df.select(F.assert_true(F.lit(True))))
    golden.check_df(spark.sql("SELECT assert_true(1 < 2)"), "sql")
    golden.check_error(lambda: df.select(F.assert_true(F.col("a") < 2)).collect())
    golden.check_error(lambda: df.select(F.assert_true(F.col("a") < 2, "too big")).collect(), "message")


def test_raise_error(df, golden):
    golden.check_error(lambda: df.select(F.raise_error(F.lit("boom"))).collect())


def test_current_user(spark, golden):
    df = spark.range(1).select(F.current_user(), F.user(), F.session_user())
    golden.check("names", df.columns)
    golden.check("types", [f.dataType.simpleString() for f in df.schema.fields])


def test_regexp_count_and_rint_of_decimals(spark, golden):
    golden.check_df(spark.sql("SELECT regexp_count('Steven Jones and Stephen Smith', 'Ste(v|ph)en'), rint(2.5), rint(-3.5BD)"))


def test_string_functions_cast_their_arguments(spark, golden):
    df = spark.createDataFrame([(12, 1.5, True), (None, -0.25, None)], "i int, d double, b boolean")
    golden.check_df(
        df.select(
            F.upper("i"), F.initcap("b"), F.octet_length("d"), F.contains("i", F.lit(2)), F.instr("d", "5"),
            F.lpad("i", 5, "0"), F.replace("i", F.lit("1")), F.col("i").like("1%"),
        )
    )


def test_rand_and_randn_with_a_seed(spark, golden):
    # One row: Spark draws it in partition 0, as Ember does; the values are Spark's own.
    golden.check_df(spark.sql("SELECT rand(42), randn(42), rand(0), randn(0), rand(-1)"))
    df = spark.createDataFrame([(1,)], "a int")
    golden.check_df(df.select("a", F.rand(5).alias("r"), F.randn(5).alias("n")), "dataframe")


def test_map_concat_nulls_and_duplicates(spark, golden):
    df = spark.createDataFrame([({"a": 1}, {"b": None}), ({"a": 1}, None)], "m1 map<string,int>, m2 map<string,int>")
    golden.check_df(df.select(F.map_concat("m1", "m2")))
    golden.check_error(lambda: spark.sql("SELECT map_concat(map(1, 'a'), map(1, 'c'))").collect())


def test_rlike_of_a_pattern_that_does_not_compile_fails_as_spark(spark, golden):
    for name, sql in [
        ("rlike", r"SELECT rlike('a', '%SystemDrive%\\Users.*')"),
        ("regexp_like", "SELECT regexp_like('a', '(')"),
        ("regexp", "SELECT regexp('a', '[')"),
        ("operator", "SELECT 'a' RLIKE '*'"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)
    golden.check_df(spark.sql("SELECT rlike('abc', 'b+') AS r"), "compiles")


def test_utc_timestamp_conversions_read_zones_as_java(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT from_utc_timestamp('2020-01-01 00:00:00', 'GMT+8') AS gmt, from_utc_timestamp(NULL, 'UTC') AS null_ts,"
            " to_utc_timestamp(TIMESTAMP'2020-01-01 00:00:00', 'Asia/Tokyo') AS region, from_utc_timestamp(TIMESTAMP'2020-01-01 00:00:00', '+08:00') AS offset"
        )
    )
    for name, zone in [("name", "'abc'"), ("number", "1"), ("decimal", "1.5"), ("date", "DATE'2020-01-01'")]:
        golden.check_error(lambda: spark.sql(f"SELECT from_utc_timestamp(TIMESTAMP'2020-01-01 00:00:00', {zone})").collect(), name)


def test_date_part_checks_its_source_as_the_fields_function(spark, golden):
    golden.check_df(spark.sql("SELECT date_part('year', '2020-03-04') AS y, datepart('hour', TIMESTAMP'2020-01-01 05:06:07') AS h"))
    for name, sql in [
        ("array", "SELECT date_part('year', array(1, 2))"),
        ("number", "SELECT date_part('YEAR', 1)"),
        ("decimal_hour", "SELECT datepart('hour', 1.5)"),
        ("unknown_field", "SELECT date_part('abc', DATE'2020-01-01')"),
        ("non_string_field", "SELECT date_part(1, DATE'2020-01-01')"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)


def test_to_char_checks_its_arguments_as_spark(spark, golden):
    golden.check_df(spark.sql("SELECT to_char('1', '999') AS from_string, to_char(454, NULL) AS null_format"))
    for name, sql in [
        ("array", "SELECT to_char(array(1, 2), '999')"),
        ("boolean", "SELECT to_char(true, '999')"),
        ("map_format", "SELECT to_char(454, map('a', 1))"),
        ("string_not_a_number", "SELECT to_char('abc', '999')"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)
