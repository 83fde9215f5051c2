"""Column expressions: arithmetic, comparison, logic, nulls, conditionals, casts, names."""


import pytest

from conftest import conf
from pyspark.sql import functions as F


@pytest.fixture
def nums(spark):
    return spark.createDataFrame(
        [(1, 2, 1.5, "a"), (7, -3, 0.25, "b"), (None, 4, None, None), (0, 0, -2.0, "ab")],
        "a int, b int, x double, s string",
    )


# -- arithmetic -------------------------------------------------------------------------


def test_int_arithmetic(nums, golden):
    df = nums.select(
        "a", "b",
        (F.col("a") + F.col("b")).alias("add"),
        (F.col("a") - F.col("b")).alias("sub"),
        (F.col("a") * F.col("b")).alias("mul"),
        (-F.col("a")).alias("neg"),
    )
    golden.check_df(df)


def test_division_is_fractional(nums, golden):
    golden.check_df(nums.filter("b != 0").select((F.col("a") / F.col("b")).alias("div")))


def test_modulo_and_pmod(nums, golden):
    df = nums.filter("b != 0").select(
        (F.col("a") % F.col("b")).alias("mod"), F.pmod("a", "b").alias("pmod")
    )
    golden.check_df(df)


def test_integral_division_sql(spark, golden):
    golden.check_df(spark.sql("SELECT 7 div 2 AS a, -7 div 2 AS b, 7L div -2 AS c"))


def test_mixed_type_arithmetic(nums, golden):
    df = nums.select(
        (F.col("a") + F.col("x")).alias("int_plus_double"),
        (F.col("a") + F.lit(1).cast("bigint")).alias("int_plus_long"),
        (F.col("a") * F.lit("2")).alias("int_times_string"),
    )
    golden.check_df(df)


def test_decimal_arithmetic(spark, golden):
    df = spark.sql(
        "SELECT CAST(1.10 AS DECIMAL(4,2)) + CAST(2.205 AS DECIMAL(5,3)) AS add, "
        "CAST(1.10 AS DECIMAL(4,2)) * CAST(3 AS DECIMAL(2,0)) AS mul, "
        "CAST(1 AS DECIMAL(4,2)) / CAST(3 AS DECIMAL(4,2)) AS div"
    )
    golden.check_df(df)


def test_decimal_result_types_and_rounding(spark, golden):
    # Spark's result precision and scale, bounded to 38 digits; integral
    # literals count only their digits; division rounds HALF_UP.
    golden.check_df(
        spark.sql(
            "SELECT CAST(1.0 AS DECIMAL(4,2)) % CAST(3.0 AS DECIMAL(4,2)) AS r, "
            "CAST(1 AS DECIMAL(38,10)) / CAST(3 AS DECIMAL(38,10)) AS wide_div, "
            "CAST(1 AS DECIMAL(38,10)) * CAST(3 AS DECIMAL(38,10)) AS wide_mul, "
            "CAST(1.0 AS DECIMAL(4,2)) * 3 AS int_literal, 1.5 * 2L AS long_literal, "
            "CAST(-2 AS DECIMAL(5,1)) / 3 AS neg_div, CAST(1.0 AS DECIMAL(4,2)) + 1.5D AS with_double"
        )
    )
    df = spark.createDataFrame([(1, 7)], "a int, b bigint")
    golden.check_df(df.select(F.col("a") * F.lit(1.5), F.col("b") / F.lit(2.25)), "columns")
    # A cast of a literal is no literal: it counts its type's digits.
    golden.check_df(spark.sql("SELECT CAST(1 AS INT) * 1.5 a, CAST(7 AS BIGINT) + 1.5 b, CAST('1' AS INT) * 1.5 c, 1 * 1.5 d"), "casts")


def test_decimal_overflow(spark, golden):
    big = "CAST(99999999999999999999999999999999999999 AS DECIMAL(38,0))"
    golden.check_error(lambda: spark.sql(f"SELECT {big} + 1").collect())
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_df(spark.sql(f"SELECT {big} + 1 AS o, CAST(1 AS DECIMAL(4,2)) * CAST(3 AS DECIMAL(4,2)) AS m"), "legacy")


def test_double_division_by_zero_fails_under_ansi(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT 1.0D / 0.0D AS d").collect())


def test_division_by_zero_is_null_without_ansi(spark, golden):
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_df(spark.sql("SELECT 1.0D / 0.0D AS d, -1 / 0 AS n, 0.0D / 0.0D AS z, 5 % 0 AS m"))


def test_pmod_by_zero_fails_under_ansi(spark, golden):
    for expression in ("pmod(7, 0)", "pmod(7L, 0L)", "pmod(7.5D, 0D)", "pmod(CAST(7 AS DECIMAL(3,1)), 0)"):
        golden.check_error(lambda: spark.sql(f"SELECT {expression} AS v").collect(), expression)
    df = spark.createDataFrame([(7, 3, 1.5), (-7, 3, -2.5), (5, None, 0.5)], "a int, b int, d double")
    golden.check_df(df.select(F.pmod("a", "b"), F.pmod("d", F.lit(2)), F.pmod("a", F.lit(2.5))), "non_zero")
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_df(spark.sql("SELECT pmod(7, 0) AS i, pmod(7.5D, 0D) AS d"), "null_without_ansi")


def test_math_functions(spark, golden):
    df = spark.range(1).select(
        F.abs(F.lit(-3)).alias("abs"),
        F.sqrt(F.lit(16)).alias("sqrt"),
        F.pow(F.lit(2), F.lit(10)).alias("pow"),
        F.round(F.lit(2.5)).alias("round_half_up"),
        F.round(F.lit(1.2345), 2).alias("round2"),
        F.floor(F.lit(-1.5)).alias("floor"),
        F.ceil(F.lit(1.2)).alias("ceil"),
    )
    golden.check_df(df)


# -- comparison and logic ------------------------------------------------------------------


def test_comparisons(nums, golden):
    df = nums.select(
        "a", "b",
        (F.col("a") == F.col("b")).alias("eq"),
        (F.col("a") != F.col("b")).alias("ne"),
        (F.col("a") < F.col("b")).alias("lt"),
        (F.col("a") <= F.col("b")).alias("le"),
        (F.col("a") > F.col("b")).alias("gt"),
        (F.col("a") >= F.col("b")).alias("ge"),
    )
    golden.check_df(df)


def test_string_comparison(nums, golden):
    golden.check_df(nums.select("s", (F.col("s") < F.lit("b")).alias("lt_b")))


def test_three_valued_logic(spark, golden):
    df = spark.createDataFrame(
        [(p, q) for p in (True, False, None) for q in (True, False, None)], "p boolean, q boolean"
    )
    df = df.select(
        "p", "q",
        (F.col("p") & F.col("q")).alias("and"),
        (F.col("p") | F.col("q")).alias("or"),
        (~F.col("p")).alias("not_p"),
    )
    golden.check_df(df)


def test_eq_null_safe(nums, golden):
    df = nums.select(
        "a", F.col("a").eqNullSafe(F.lit(None)).alias("is_null"), F.col("a").eqNullSafe(1).alias("is_one")
    )
    golden.check_df(df)


def test_is_null_is_not_null(nums, golden):
    golden.check_df(nums.select("a", F.col("a").isNull().alias("n"), F.col("a").isNotNull().alias("nn")))


def test_isin(nums, golden):
    df = nums.select("a", F.col("a").isin(1, 0).alias("in_list"), F.col("a").isin([]).alias("in_empty"))
    golden.check_df(df)


def test_isin_with_null_in_list(nums, golden):
    golden.check_df(nums.select("a", F.col("a").isin(1, None).alias("v")))


def test_like(nums, golden):
    df = nums.select(
        "s",
        F.col("s").like("a%").alias("starts_a"),
        F.col("s").like("_").alias("one_char"),
        F.col("s").rlike("^a.$").alias("rlike"),
    )
    golden.check_df(df)


def test_between(nums, golden):
    golden.check_df(nums.select("a", F.col("a").between(0, 1).alias("v")))


def test_when_otherwise(nums, golden):
    df = nums.select(
        "a",
        F.when(F.col("a") > 5, "big").when(F.col("a") > 0, "small").otherwise("other").alias("size"),
        F.when(F.col("a") == 1, F.lit(10)).alias("no_otherwise"),
    )
    golden.check_df(df)


def test_case_and_if_results_widen_to_a_common_type(spark, golden):
    df = spark.sql(
        "SELECT CASE WHEN id = 3 THEN 0 ELSE 10 / (id - 3) END AS to_double, "
        "CASE WHEN id = 0 THEN 1 WHEN id = 1 THEN 2L ELSE 1.5 END AS to_decimal, "
        "if(id = 0, 1Y, 300S) AS to_short, "
        "if(id = 0, date'2020-01-01', timestamp'2020-01-02 03:00:00') AS to_timestamp, "
        "CASE WHEN id = 0 THEN array(1) ELSE array(2.5D) END AS to_array, "
        "CASE WHEN id = 0 THEN NULL ELSE 1.5 END AS with_null "
        "FROM range(3)"
    )
    golden.check_df(df)
    golden.check_df(spark.range(3).select(F.when(F.col("id") == 0, 0).otherwise(F.col("id") / 2).alias("w")), "when_otherwise")


def test_case_results_without_a_common_type_fail(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT CASE WHEN id = 0 THEN 1 ELSE date'2020-01-01' END FROM range(1)").collect(), "case")
    golden.check_error(lambda: spark.sql("SELECT if(id = 0, 1, date'2020-01-01') FROM range(1)").collect(), "if")
    golden.check_error(lambda: spark.sql("SELECT if(id = 0, 'x', 2) FROM range(2)").collect(), "string_as_bigint")


def test_coalesce_and_nvl(nums, golden):
    golden.check_df(nums.select(F.coalesce("a", "b").alias("c"), F.expr("nvl(x, -1.0)").alias("nvl")))


def test_string_functions(nums, golden):
    df = nums.select(
        F.upper("s").alias("up"),
        F.length("s").alias("len"),
        F.concat(F.col("s"), F.lit("!")).alias("cat"),
        F.concat_ws("-", F.col("s"), F.lit("z")).alias("ws"),
        F.substring("s", 1, 1).alias("sub"),
    )
    golden.check_df(df)


# -- casts ------------------------------------------------------------------------------------


def test_cast_string_to_int(spark, golden):
    golden.check_df(spark.sql("SELECT CAST(' 42 ' AS INT) AS a, CAST('-7' AS INT) AS b, CAST('+3' AS BIGINT) AS c"))


def test_cast_invalid_string_to_int_fails_under_ansi(spark, golden):
    df = spark.createDataFrame([("12",), ("x1",)], "s string").select(F.col("s").cast("int"))
    golden.check_error(lambda: df.collect())


def test_cast_invalid_string_to_int_is_null_without_ansi(spark, golden):
    df = spark.createDataFrame([("12",), ("x1",)], "s string").select(F.col("s").cast("int").alias("i"))
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_df(df)


def test_try_cast(spark, golden):
    golden.check_df(spark.sql("SELECT try_cast('x' AS INT) AS a, try_cast('5' AS INT) AS b"))


def test_cast_decimal_string_to_int_fails_under_ansi(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT CAST('1.5' AS INT)").collect())


def test_cast_double_to_int_truncates(spark, golden):
    golden.check_df(spark.sql("SELECT CAST(1.9D AS INT) AS a, CAST(-1.9D AS INT) AS b, CAST(2.5 AS BIGINT) AS c"))


def test_cast_overflow_fails_under_ansi(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT CAST(300 AS TINYINT)").collect())


def test_cast_timestamp_to_numbers(spark, golden):
    ts = "TIMESTAMP'2020-01-01 00:00:01.5'"
    with conf(spark, "spark.sql.session.timeZone", "UTC"):
        df = spark.sql(
            f"SELECT CAST({ts} AS BIGINT) AS l, CAST(TIMESTAMP'1969-12-31 23:59:59.5' AS BIGINT) AS before_epoch, "
            f"CAST({ts} AS INT) AS i, CAST({ts} AS DOUBLE) AS d, CAST(CAST(NULL AS TIMESTAMP) AS BIGINT) AS n"
        )
        golden.check_df(df)


def test_cast_to_string(spark, golden):
    df = spark.sql(
        "SELECT CAST(1.0D AS STRING) AS d, CAST(1E20D AS STRING) AS big, CAST(0.1F AS STRING) AS f, "
        "CAST(true AS STRING) AS b, CAST(DATE'2024-01-02' AS STRING) AS dt, "
        "CAST(TIMESTAMP'2024-01-02 03:04:05.5' AS STRING) AS ts, CAST(1.50BD AS STRING) AS dec, "
        "CAST(array(1, NULL) AS STRING) AS arr, CAST(map('a', 1) AS STRING) AS m, "
        "CAST(named_struct('x', 1, 'y', 'z') AS STRING) AS st, CAST(X'414243' AS STRING) AS bin"
    )
    golden.check_df(df)


def test_cast_string_to_date_and_timestamp(spark, golden):
    df = spark.sql(
        "SELECT CAST('2024-02-29' AS DATE) AS d, CAST('2024-02-29 10:11:12.5' AS TIMESTAMP) AS ts, "
        "CAST('2024-02-29T10:11:12Z' AS TIMESTAMP) AS ts_z, CAST('2024-02-29' AS TIMESTAMP) AS ts_day"
    )
    golden.check_df(df)


def test_cast_string_to_timestamp_zones_and_forms(spark, golden):
    """Spark's timestamp text: one-digit fields, a year alone, an hour
    alone, fractions cut to microseconds, and every zone form after the
    time (offsets of one to six digits, UTC/GMT/UT prefixes, Java's short
    ids, regions); TIMESTAMP_NTZ ignores the zone; malformed text is NULL
    under try_cast and CAST_INVALID_INPUT under ANSI."""
    texts = [
        "1940-01-01 12:35:13.123+7:30", "2020-01-01 12:00:00+7", "2020-01-01 12:00:00+07",
        "2020-01-01 12:00:00+0730", "2020-01-01 12:00:00+07:30:00", "2020-01-01 12:00:00+073000",
        "2020-01-01 12:00:00UTC+7:30", "2020-01-01 12:00:00 GMT-8", "2020-01-01 12:00:00UT+7", "2020-01-01 12:00:00 Z",
        "2020-01-01T12:00:00+7:3", "2020-01-01 12:00:00 UTC-0", "2020-01-01 12:00:00 PST", "2020-01-01 12:00:00 EST",
        "2020-01-01 12:00:00 America/New_York", "2020-01-01 12:00:00.123456789+01", "2020-1-1 1:2:3.5-8",
        "2020", "2020-3", "2020-01-01 12", "2020-01-01T12:00:00.", "2020-01-01 12:00:00 UTC+18:00",
        "2020-01-01 12:00:00+19", "2020-01-01 12:00:00+7:60", "2020-01-01 12:00:00 utc", "2020-01-01 12:00:00+07:30:1",
        "2020-01-01T12:00Z", "2020-01-01Z", "2020-01-01 +07:00", "2020-01-01T", "1-1-1", "2020-02-30 00:00:00",
    ]
    with conf(spark, "spark.sql.session.timeZone", "America/Los_Angeles"):
        df = spark.createDataFrame([(i, t) for i, t in enumerate(texts)], "i INT, s STRING")
        golden.check_df(
            df.select(
                "i", "s", F.col("s").try_cast("timestamp").alias("ts"), F.col("s").try_cast("timestamp_ntz").alias("ntz")
            ).orderBy("i")
        )
        golden.check_error(lambda: spark.sql("SELECT CAST('2020-01-01 12:00:00 utc' AS TIMESTAMP)").collect(), "bad_zone")
        golden.check_error(lambda: spark.sql("SELECT CAST('2020-01-01 12:00:00+19' AS TIMESTAMP_NTZ)").collect(), "ntz_bad_offset")


def test_cast_invalid_date_fails_under_ansi(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT CAST('2024-02-30' AS DATE)").collect())


def test_cast_numbers_to_timestamps(spark, golden):
    """Numbers are seconds since the epoch: integers, decimals and
    floating-point values (cut to the microsecond); NaN is malformed."""
    with conf(spark, "spark.sql.session.timeZone", "UTC"):
        golden.check_df(spark.sql(
            "SELECT CAST(1 AS TIMESTAMP) AS i, CAST(-2L AS TIMESTAMP) AS l, CAST(CAST(3 AS TINYINT) AS TIMESTAMP) AS b, "
            "CAST(1.5D AS TIMESTAMP) AS d, CAST(-1.25F AS TIMESTAMP) AS f, CAST(1.0000005D AS TIMESTAMP) AS cut, "
            "CAST(1.234567891 AS TIMESTAMP) AS m, CAST(CAST(-2.5 AS DECIMAL(10, 1)) AS TIMESTAMP) AS neg, "
            "try_cast(CAST('NaN' AS DOUBLE) AS TIMESTAMP) AS nan"
        ))
        golden.check_df(spark.range(0, 3).select(F.col("id").cast("timestamp").alias("t")), "column")
        golden.check_error(lambda: spark.sql("SELECT CAST(CAST('NaN' AS DOUBLE) AS TIMESTAMP)").collect(), "nan")


def test_cast_string_to_boolean(spark, golden):
    golden.check_df(spark.sql("SELECT CAST('true' AS BOOLEAN) AS a, CAST('N' AS BOOLEAN) AS b, CAST(' 1 ' AS BOOLEAN) AS c"))


def test_cast_numeric_to_boolean_and_back(spark, golden):
    golden.check_df(spark.sql("SELECT CAST(0 AS BOOLEAN) AS a, CAST(2 AS BOOLEAN) AS b, CAST(true AS INT) AS c"))


def test_cast_string_to_decimal(spark, golden):
    golden.check_df(spark.sql("SELECT CAST('3.14159' AS DECIMAL(4,2)) AS a, CAST('1e2' AS DECIMAL(5,1)) AS b"))


def test_cast_decimal_to_boolean(spark, golden):
    golden.check_df(spark.sql("SELECT CAST(1.5 AS BOOLEAN) AS a, CAST(0.00 AS BOOLEAN) AS b, CAST(CAST(NULL AS DECIMAL(3,1)) AS BOOLEAN) AS c"))


def test_negative_decimal_scale_under_the_legacy_setting(spark, golden):
    """spark.sql.legacy.allowNegativeScaleOfDecimal lets a cast make a
    decimal of negative scale (rounded half up, overflow as for any
    decimal), which prints, compares, computes and casts on; without it
    the type fails with NEGATIVE_SCALE_DISALLOWED."""
    from pyspark.sql.types import DecimalType

    df = spark.createDataFrame([(1,), (11,), (15,), (-15,), (None,)], "value INT")
    to_decimal = lambda p, s: F.col("value").cast(DecimalType(p, s))  # noqa: E731
    with conf(spark, "spark.sql.legacy.allowNegativeScaleOfDecimal", "true"):
        golden.check_df(df.select(to_decimal(1, -1).alias("d"), to_decimal(3, -2).alias("h")), "values")
        golden.check_df(
            df.select(
                (to_decimal(2, -1) + 1).alias("plus"),
                (to_decimal(2, -1) * to_decimal(2, 0)).alias("times"),
                (to_decimal(2, -1) == 10).alias("eq"),
                (to_decimal(2, -1) > F.lit(5)).alias("gt"),
                (-to_decimal(2, -1)).alias("neg"),
                to_decimal(2, -1).cast("string").alias("s"),
                to_decimal(2, -1).cast("double").alias("dbl"),
                to_decimal(2, -1).cast("decimal(5,2)").alias("dec"),
                to_decimal(2, -1).cast("boolean").alias("bool"),
                to_decimal(2, -1).isin(10, 20).alias("isin"),
            ),
            "computed",
        )
        golden.check_df(df.select(F.sum(to_decimal(2, -1)).alias("s"), F.avg(to_decimal(2, -1)).alias("a")), "aggregates")
        golden.check_df(spark.createDataFrame([(99,)], "value INT").select(F.col("value").try_cast(DecimalType(1, -1))), "try_overflow")
        golden.check_error(lambda: spark.createDataFrame([(99,)], "value INT").select(to_decimal(1, -1)).collect(), "overflow")
    golden.check_error(lambda: df.select(to_decimal(1, -1)).schema, "disallowed")


def test_negative_decimal_scale_in_functions(spark, golden):
    """Functions of decimals of negative scale type their results as Spark:
    round/bround/ceil/floor (with and without a scale), arithmetic and its
    try_ forms, averages."""
    from pyspark.sql.types import DecimalType

    with conf(spark, "spark.sql.legacy.allowNegativeScaleOfDecimal", "true"):
        df = spark.createDataFrame([(12345,), (-15,), (None,)], "v INT").select(
            F.col("v").cast(DecimalType(5, -2)).alias("d"), F.col("v").cast(DecimalType(8, 1)).alias("e")
        )
        golden.check_df(
            df.selectExpr(
                "round(d, -3)", "round(d, 2)", "bround(d, -3)", "ceil(d)", "floor(d)", "ceil(d, -3)", "floor(d, 1)",
                "ceil(e, -2)", "floor(e, 0)", "ceiling(d, -5)",
            ),
            "rounding",
        )
        golden.check_df(
            df.selectExpr("d + e", "d * e", "d / e", "d % e", "d + 1", "try_add(d, 1)", "try_multiply(d, e)", "try_subtract(d, d)", "try_divide(d, e)"),
            "arithmetic",
        )
        golden.check_df(df.selectExpr("avg(d)", "try_avg(d)", "sum(d)", "try_sum(d)", "try_avg(e)"), "aggregates")


def test_ceil_and_floor_with_a_scale(spark, golden):
    """ceil/floor(x, scale) round a decimal (an integral or floating value
    read as one) up or down at the scale, typed as Spark."""
    golden.check_df(
        spark.sql(
            "SELECT ceil(1.25, 1), floor(-1.25, 1), ceil(1.25D, 1), floor(-1.25D, 1), ceil(CAST(1.25 AS FLOAT), 1), ceil(15, -1), "
            "floor(CAST(-15 AS BIGINT), -1), ceil(-0.5D, 0), floor(0.5D, -1), ceil(0.5D, -1), floor(CAST(NULL AS DECIMAL(4, 2)), 1)"
        )
    )
    golden.check_df(spark.sql("SELECT try_add(1.5, 1), try_subtract(1.5, 1), try_multiply(1.5, 2), try_divide(1.5, 2), try_divide(1.5, 0)"), "try_decimal")


def test_numbers_do_not_cast_to_or_from_timestamp_ntz(spark, golden):
    """TIMESTAMP_NTZ casts only from and to text, dates, timestamps (and
    NULL); numbers, booleans and binaries fail at analysis, also in arrays,
    maps and structs, under try_cast and without ANSI."""
    for name, sql in [
        ("int", "CAST(1 AS TIMESTAMP_NTZ)"),
        ("double", "CAST(1.5D AS TIMESTAMP_NTZ)"),
        ("decimal", "TRY_CAST(1.5 AS TIMESTAMP_NTZ)"),
        ("boolean", "CAST(true AS TIMESTAMP_NTZ)"),
        ("binary", "CAST(X'01' AS TIMESTAMP_NTZ)"),
        ("to_bigint", "CAST(TIMESTAMP_NTZ'2020-01-01 00:00:00' AS BIGINT)"),
        ("typed_null", "CAST(CAST(NULL AS INT) AS TIMESTAMP_NTZ)"),
        ("array", "CAST(array(1) AS ARRAY<TIMESTAMP_NTZ>)"),
        ("struct", "CAST(named_struct('a', 1) AS STRUCT<a: TIMESTAMP_NTZ>)"),
    ]:
        golden.check_error(lambda: spark.sql(f"SELECT {sql}").collect(), name)
    golden.check_error(lambda: spark.range(1).select(F.col("id").cast("timestamp_ntz")).collect(), "column")
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_error(lambda: spark.sql("SELECT CAST(1L AS TIMESTAMP_NTZ)").collect(), "legacy")
    golden.check_df(spark.sql(
        "SELECT CAST('2020-01-01 10:00:00' AS TIMESTAMP_NTZ) AS s, CAST(DATE'2020-01-01' AS TIMESTAMP_NTZ) AS d, "
        "CAST(NULL AS TIMESTAMP_NTZ) AS n, CAST(array('2020-01-01') AS ARRAY<TIMESTAMP_NTZ>) AS a, "
        "CAST(TIMESTAMP_NTZ'2020-01-01 10:00:00' AS STRING) AS t, CAST(TIMESTAMP_NTZ'2020-01-01 10:00:00' AS DATE) AS day"
    ))


def test_cast_with_column_api_and_type_object(nums, golden):
    from pyspark.sql.types import LongType, StringType

    df = nums.select(F.col("a").cast(LongType()).alias("l"), F.col("x").cast(StringType()).alias("s"))
    golden.check_df(df)


def test_astype_alias(nums, golden):
    golden.check_df(nums.select(F.col("b").astype("double").alias("d")))


# -- names ----------------------------------------------------------------------------------


def test_backticked_names_with_dots_and_spaces(spark, golden):
    df = spark.createDataFrame([(1, 2)], "`a.b` int, `my col` int")
    golden.check_df(df.select(F.col("`a.b`"), F.col("`my col`") + 1), "col")
    golden.check_df(df.selectExpr("`a.b` * 10 AS x", "`my col`"), "expr")


def test_struct_field_access(spark, golden):
    df = spark.sql("SELECT named_struct('x', 1, 'y', named_struct('z', 'deep')) AS s")
    golden.check_df(df.select("s.x", F.col("s.y.z"), F.col("s")["x"].alias("via_getitem"), df.s.y.getField("z")))


def test_array_and_map_access(spark, golden):
    df = spark.sql("SELECT array(10, 20, 30) AS a, map('k', 'v') AS m")
    golden.check_df(df.select(F.col("a")[1], F.col("m")["k"], F.col("a").getItem(0), F.element_at("a", -1)))


def test_qualified_names_with_dataframe_alias(spark, golden):
    df = spark.createDataFrame([(1, "x")], "id int, v string").alias("t")
    golden.check_df(df.select("t.id", F.col("t.v"), F.col("t.*")))


def test_struct_star_expands_fields(spark, golden):
    df = spark.createDataFrame([((1, "a"), ((2, 3),), 7), (None, None, 8)], "s struct<x:int,y:string>, n struct<i:struct<p:int,q:int>>, v int")
    golden.check_df(df.select("s.*", "v"), "column")
    golden.check_df(df.select(F.col("n.i.*")), "nested")
    golden.check_df(df.alias("t").select("t.n.*"), "qualified")
    golden.check_df(df.selectExpr("s.*"), "select_expr")
    golden.check_df(df.select(F.struct(F.col("v").cast("string"), F.col("s.x").alias("z")).alias("c")).select("c.*"), "computed")
    df.createOrReplaceTempView("struct_star")
    golden.check_df(spark.sql("SELECT s.*, n.i.* FROM struct_star"), "sql")
    golden.check_error(lambda: df.select("v.*").columns, "not_a_struct")


def test_casts_named_in_expressions(spark, golden):
    # A select item that casts a column is named after it; a cast inside an expression is not.
    df = spark.createDataFrame([(0.5, "x")], "d double, t string")
    golden.check_df(df.select(F.col("d").cast("float"), F.upper(F.col("d").cast("string")), F.col("d").cast("int") + 1, F.col("d").try_cast("string")))
    golden.check_df(df.agg(F.sum(F.col("d").cast("int")), F.count(F.col("t").cast("string"))), "aggregate")
    golden.check_df(df.groupBy(F.col("d").cast("int")).count(), "grouped")


def test_column_names_are_case_insensitive(spark, golden):
    df = spark.createDataFrame([(1,)], "MixedCase int")
    golden.check_df(df.select("mixedcase", F.col("MIXEDCASE")))


def test_dataframe_attribute_and_item_access(nums, golden):
    golden.check_df(nums.select(nums.a, nums["b"], nums[2]))


# -- string expressions -------------------------------------------------------------------------


def test_select_expr(nums, golden):
    golden.check_df(nums.selectExpr("a", "a * 2 AS twice", "upper(s)", "CASE WHEN a > 1 THEN 'y' ELSE 'n' END AS flag"))


def test_expr_in_select(nums, golden):
    golden.check_df(nums.select(F.expr("a + b").alias("sum"), F.expr("x IS NULL")))


def test_filter_with_sql_string(nums, golden):
    golden.check_df(nums.filter("a > 0 AND s LIKE 'a%'"))


def test_filter_with_expr(nums, golden):
    golden.check_df(nums.filter(F.expr("b BETWEEN 0 AND 3")))


def test_auto_generated_column_names(nums, golden):
    df = nums.select(F.col("a") + 1, F.col("a") * F.col("b"), F.lit(5), F.upper("s"), F.col("x").cast("int"))
    golden.check("columns", df.columns)


def test_parenthesized_tuple_builds_a_struct(spark, golden):
    golden.check_df(spark.range(1).selectExpr("struct(1, struct('John', 30, ('value', 10))) AS s", "(id, 'x') AS t"))


def test_comparisons_of_values_spark_cannot_compare_fail_as_spark(spark, golden):
    for name, sql in [
        ("array_and_int", "SELECT array(1, 2) = 3"),
        ("null_safe", "SELECT array(1, 2) <=> 3"),
        ("equal_null", "SELECT equal_null(array(1, 2), 3)"),
        ("nullif", "SELECT nullif(array(1, 2), 3)"),
        ("boolean_and_int", "SELECT nullif(true, 1)"),
        ("date_and_int", "SELECT equal_null(DATE'2020-01-01', 1)"),
        ("string_not_a_number", "SELECT equal_null(1, 'a')"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)
    golden.check_df(spark.sql("SELECT 1 = '1' AS a, 1.5D < '2' AS b, X'01' = X'01' AS d, nullif(1, 1L) AS e, equal_null(NULL, 1) AS f"), "comparable")


def test_arithmetic_operand_types_fail_as_spark(spark, golden):
    for name, sql in [
        ("boolean_plus_int", "SELECT true + 1"),
        ("array_minus_int", "SELECT array(1, 2) - 1"),
        ("strings_added", "SELECT 'a' + 'b'"),
        ("string_times_null", "SELECT 'a' * NULL"),
        ("null_divided_by_boolean", "SELECT NULL / true"),
        ("binary_remainder", "SELECT X'01' % X'02'"),
        ("date_plus_double", "SELECT DATE'2020-01-01' + 1.5D"),
        ("date_minus_bigint", "SELECT DATE'2020-01-01' - 1L"),
        ("int_minus_date", "SELECT 1 - DATE'2020-01-01'"),
        ("timestamp_minus_int", "SELECT TIMESTAMP'2020-01-01 00:00:00' - 1"),
        ("timestamp_plus_int", "SELECT TIMESTAMP'2020-01-01 00:00:00' + 1"),
        ("int_plus_day_interval", "SELECT 1 + INTERVAL '1' DAY"),
        ("year_interval_times_boolean", "SELECT INTERVAL '1' YEAR * true"),
        ("day_interval_remainder", "SELECT INTERVAL '1' DAY % INTERVAL '1' DAY"),
        ("int_div_double", "SELECT 1 div 1.5D"),
        ("doubles_div", "SELECT 1.5D div 2.5D"),
        ("int_and_decimal", "SELECT 1 & 1.5"),
        ("double_or_string", "SELECT 1.5D | '1'"),
        ("map_in_lambda", "SELECT transform(array(1), x -> x + map('a', 1))"),
        ("try_add_boolean", "SELECT try_add(true, 1)"),
        ("pmod_dates", "SELECT pmod(DATE'2020-01-01', DATE'2020-01-02')"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)
    golden.check_df(
        spark.sql(
            "SELECT TIMESTAMP'2020-01-02 00:00:00' - '2020-01-01' AS a, DATE'2020-01-03' - '2020-01-01' AS b, "
            "1 div 1.5 AS c, 7.5 div 2 AS d, 1.9 div 0.5 AS e, INTERVAL '5' YEAR div INTERVAL '2' YEAR AS f, "
            "1 & '3' AS g, NULL | NULL AS h, DATE'2020-01-01' + NULL AS i, '6' / 4 AS j, 7 div '2' AS k"
        ),
        "operands_spark_takes",
    )


def test_null_operands_typed_as_spark(spark, golden):
    """An untyped NULL beside another is a DOUBLE (`div` a BIGINT); beside
    an interval it takes the interval's type, or scales it."""
    golden.check_df(
        spark.sql(
            "SELECT NULL + NULL AS a, NULL - NULL AS b, NULL * NULL AS c, NULL % NULL AS d, NULL div NULL AS e, "
            "try_add(NULL, NULL) AS f, try_multiply(NULL, NULL) AS g, try_mod(NULL, NULL) AS h, "
            "typeof(NULL + INTERVAL '1' DAY) AS i, typeof(NULL - INTERVAL '1' HOUR) AS j, "
            "typeof(INTERVAL '1' DAY * NULL) AS k, typeof(NULL * INTERVAL '1' DAY) AS l, typeof(INTERVAL '1' DAY / NULL) AS m, "
            "typeof(INTERVAL '1' YEAR / NULL) AS n, typeof(try_multiply(INTERVAL '1' YEAR, NULL)) AS o, "
            "typeof(try_add(INTERVAL '1' MINUTE, NULL)) AS p"
        )
    )
    golden.check_df(
        spark.sql(
            "SELECT typeof(NULL - INTERVAL '1' YEAR) AS a, typeof(try_add(INTERVAL '1' YEAR, NULL)) AS b, "
            "typeof(INTERVAL '1' YEAR + INTERVAL '1' YEAR) AS c, typeof(INTERVAL '1' MONTH - INTERVAL '1' YEAR) AS d, "
            "typeof(try_subtract(INTERVAL '1' MONTH, INTERVAL '1' MONTH)) AS e, "
            "CAST(INTERVAL '1-2' YEAR TO MONTH + INTERVAL '3' MONTH AS STRING) AS f"
        ),
        "year_month_units",
    )


def test_interval_sums_overflow_as_spark(spark, golden):
    """Beyond the interval's range a sum fails suggesting its try_ form, which gives NULL."""
    for name, sql in [
        ("year_month_add", "SELECT INTERVAL '178956970' YEAR + INTERVAL '178956970' YEAR"),
        ("year_month_subtract", "SELECT INTERVAL '-178956970' YEAR - INTERVAL '178956970' YEAR"),
        ("day_time_add", "SELECT INTERVAL '106751991' DAY + INTERVAL '106751991' DAY"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)
    golden.check_df(
        spark.sql(
            "SELECT CAST(try_add(INTERVAL '178956970' YEAR, INTERVAL '178956970' YEAR) AS STRING) AS a, "
            "CAST(try_subtract(INTERVAL '-178956970' YEAR, INTERVAL '178956970' YEAR) AS STRING) AS b, "
            "CAST(try_add(INTERVAL '106751991' DAY, INTERVAL '106751991' DAY) AS STRING) AS c, "
            "CAST(try_add(INTERVAL '1' DAY, INTERVAL '2' HOUR) AS STRING) AS d"
        )
    )


def test_string_shifted_by_day_time_interval(spark, golden):
    """Spark reads the string as a timestamp and answers a string."""
    golden.check_df(
        spark.sql(
            "SELECT '2020-01-01' + INTERVAL '1' DAY, '2020-01-01 10:00:00' - INTERVAL '1' HOUR, "
            "INTERVAL '1' DAY + '2020-01-01', try_add('2020-01-01', INTERVAL '2' DAY), s - INTERVAL '30' MINUTE "
            "FROM VALUES ('2024-02-29 00:10:00'), (NULL) t(s)"
        )
    )
    golden.check_error(lambda: spark.sql("SELECT '2020-01-01' + INTERVAL '1' MONTH").collect(), "year_month")
    golden.check_df(
        spark.sql(
            "SELECT DATE'2020-01-01' + INTERVAL 1 MONTH, INTERVAL 1 MONTH + DATE'2020-01-01', DATE'2020-01-01' + INTERVAL 1 DAY, "
            "DATE'2020-01-01' - INTERVAL 1 DAY, DATE'2020-01-01' - INTERVAL '1 2' DAY TO HOUR, "
            "TIMESTAMP'2020-01-01 00:00:00' - INTERVAL 1 YEAR, INTERVAL '1' DAY + TIMESTAMP_NTZ'2020-01-01 00:00:00'"
        ),
        "datetime_shift_names",
    )
    golden.check_df(spark.sql("SELECT mod(a, b), a % b FROM VALUES (7, 3) t(a, b)"), "mod_named_as_called")


def test_array_element_types_as_spark(spark, golden):
    """array_contains widens a decimal and another number; array_position,
    array_remove and array_append take only Spark's tightest common type."""
    golden.check_df(
        spark.sql(
            "SELECT array_contains(array(1, 2), 2.0) AS a, array_contains(array(1.5, 2.5), 2) AS b, "
            "array_contains(array(1.5D, 2D), 2.0) AS c, array_contains(array(CAST(1 AS DECIMAL(10,3))), CAST(1 AS DECIMAL(5,0))) AS d, "
            "array_position(array(1.5, 2.5), 2.5) AS e, array_position(array(1, 2), 2L) AS f"
        )
    )
    for name, sql in [
        ("position_decimal_beside_int", "SELECT array_position(array(1.5, 2.5), 2)"),
        ("position_int_beside_decimal", "SELECT array_position(array(1, 2), 2.0)"),
        ("remove_decimal_beside_double", "SELECT array_remove(array(1.5, 2.5), 2D)"),
        ("append_other_decimal", "SELECT array_append(array(CAST(1 AS DECIMAL(10,3))), CAST(2 AS DECIMAL(5,0)))"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)


def test_maps_are_not_compared_as_in_spark(spark, golden):
    for name, sql in [
        ("equal", "SELECT map('a', 1) = map('a', 1)"),
        ("not_equal", "SELECT map('a', 1) != map('a', 1)"),
        ("array_of_maps", "SELECT array(map('a', 1)) < array(map('a', 1))"),
        ("struct_null_safe", "SELECT named_struct('m', map('a', 1)) <=> named_struct('m', map('a', 1))"),
        ("equal_null", "SELECT equal_null(map('a', 1), map('a', 1))"),
        ("nullif_int", "SELECT nullif(map('a', 1), 1)"),
        ("nullifzero", "SELECT nullifzero(map('a', 1))"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)


def test_maps_are_not_ordered_as_in_spark(spark, golden):
    for name, sql in [
        ("min", "SELECT min(map('a', 1))"),
        ("max_of_array", "SELECT max(array(map('a', 1)))"),
        ("greatest", "SELECT greatest(map('a', 1), map('a', 1))"),
        ("greatest_mixed", "SELECT greatest(map('a', 1), 1)"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)


def test_float_literals_are_named_as_java_prints_floats(spark, golden):
    golden.check_df(spark.sql("SELECT 0.1F, 1e10F, 1.0E-5F, 3F, array(1.5D, 0.1F), 1.5D + 0.1F"))
    df = spark.createDataFrame([(0.1, 1.5), (0.2, 0.1)], "a float, b float")
    golden.check_df(df.crosstab("a", "b").orderBy("a_b"), "crosstab_labels")


def test_casts_spark_has_not(spark, golden):
    """Nested values cast to STRING or their own kind only, binaries to no
    number, boolean or datetime, and only integers cast to binaries."""
    golden.check_df(spark.sql("SELECT CAST(array(1) AS STRING) a, CAST(map(1, 2) AS STRING) b, CAST(named_struct('a', 1) AS STRING) c, CAST(array(1) AS ARRAY<STRING>) d, CAST('ab' AS BINARY) e, string(array(1)) f"))
    for name, cast in {
        "map_to_bigint": "CAST(map('k', 1) AS BIGINT)",
        "binary_to_bigint": "CAST(X'0102' AS BIGINT)",
        "double_to_binary": "CAST(1.5D AS BINARY)",
        "array_to_int": "CAST(array(1) AS INT)",
        "int_to_array": "CAST(1 AS ARRAY<INT>)",
        "boolean_to_binary": "CAST(true AS BINARY)",
        "binary_to_boolean": "CAST(X'01' AS BOOLEAN)",
        "date_to_binary": "CAST(DATE'2020-01-01' AS BINARY)",
        "bigint_of_a_map": "bigint(map('k', 1))",
        "binary_of_a_double": "binary(1.5D)",
        "any_of_an_int": "any(1)",
        "len_of_a_map": "len(map('k', 1))",
    }.items():
        golden.check_error(lambda: spark.sql(f"SELECT {cast}").collect(), name)
