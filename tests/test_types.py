"""Every Spark SQL type through collect(), show() and toPandas()."""

import datetime as dt
import gc
import math
from decimal import Decimal

import pytest
from pyspark.sql import Row
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    BinaryType,
    BooleanType,
    ByteType,
    DateType,
    DayTimeIntervalType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    MapType,
    NullType,
    ShortType,
    StringType,
    StructField,
    StructType,
    TimestampNTZType,
    TimestampType,
)

TS_VALUES = [
    dt.datetime(2024, 1, 2, 3, 4, 5, 678901),
    dt.datetime(1970, 1, 1, 0, 0, 0),
    dt.datetime(1900, 12, 31, 23, 59, 59, 999999),
    None,
]

# name -> (data type, values). Each becomes a one-column DataFrame "v".
CASES = {
    "boolean": (BooleanType(), [True, False, None]),
    "byte": (ByteType(), [-128, 0, 127, None]),
    "short": (ShortType(), [-32768, 1, 32767, None]),
    "int": (IntegerType(), [-2147483648, 42, 2147483647, None]),
    "long": (LongType(), [-9223372036854775808, 0, 9223372036854775807, None]),
    "float": (FloatType(), [1.5, 0.1, -0.0, math.inf, -math.inf, math.nan, None]),
    "double": (DoubleType(), [0.1, 1e300, -2.5e-300, 1234567.0, math.inf, math.nan, None]),
    "decimal_10_2": (DecimalType(10, 2), [Decimal("12345678.91"), Decimal("-0.01"), Decimal("0.00"), None]),
    "decimal_38_18": (DecimalType(38, 18), [Decimal("12345678901234567890.123456789012345678"), Decimal("1E-18"), None]),
    "decimal_5_0": (DecimalType(5, 0), [Decimal("99999"), Decimal("-1"), None]),
    "string": (StringType(), ["", "hello", "héllo wörld", "日本語", "tab\there", None]),
    "binary": (BinaryType(), [bytearray(b"\x00\x01\xff"), bytearray(b""), bytearray(b"abc"), None]),
    "date": (DateType(), [dt.date(1970, 1, 1), dt.date(2024, 2, 29), dt.date(1, 1, 1), dt.date(9999, 12, 31), None]),
    "timestamp": (TimestampType(), TS_VALUES),
    "timestamp_ntz": (TimestampNTZType(), TS_VALUES),
    "day_time_interval": (
        DayTimeIntervalType(),
        [
            dt.timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=5),
            dt.timedelta(0),
            -dt.timedelta(seconds=1, microseconds=500000),
            None,
        ],
    ),
    "array_int": (ArrayType(IntegerType()), [[1, 2, None], [], None]),
    "array_string_not_null": (ArrayType(StringType(), containsNull=False), [["a", "b"], []]),
    "map_string_int": (MapType(StringType(), IntegerType()), [{"a": 1}, {}, {"n": None}, None]),
    "struct": (
        StructType([StructField("x", IntegerType()), StructField("y", StringType(), False)]),
        [Row(x=1, y="a"), Row(x=None, y="b"), None],
    ),
    "array_of_struct": (
        ArrayType(StructType([StructField("k", StringType()), StructField("v", DoubleType())])),
        [[Row(k="a", v=1.0), Row(k="b", v=None)], None],
    ),
    "map_string_array": (MapType(StringType(), ArrayType(LongType())), [{"xs": [1, 2]}, None]),
    "null": (NullType(), [None, None]),
}


def one_column(spark, data_type, values):
    schema = StructType([StructField("v", data_type, nullable=True)])
    return spark.createDataFrame([(v,) for v in values], schema)


@pytest.mark.parametrize("case", sorted(CASES))
def test_collect(spark, golden, case):
    data_type, values = CASES[case]
    df = one_column(spark, data_type, values)
    golden.check_df(df)
    golden.check_show(df._show_string(20, 0, False), "show_untruncated")


@pytest.mark.parametrize("case", sorted(CASES))
def test_to_pandas(spark, golden, case):
    data_type, values = CASES[case]
    golden.check_pandas(one_column(spark, data_type, values).toPandas())


def test_float_nan_inf_are_ordered_like_spark(spark, golden):
    df = one_column(spark, DoubleType(), [math.nan, 1.0, None, -math.inf, math.inf, -0.0, 0.0])
    golden.check_df(df.orderBy("v"))


def test_timestamp_shows_in_session_time_zone(spark, golden):
    df = spark.createDataFrame([(dt.datetime(2024, 7, 1, 12, 0, 0),)], "ts timestamp")
    df = df.withColumn("ntz", F.col("ts").cast("timestamp_ntz"))
    golden.check_df(df, "utc")
    spark.conf.set("spark.sql.session.timeZone", "America/Los_Angeles")
    try:
        golden.check_show(df._show_string(20, 20, False), "los_angeles_show")
        golden.check_df(df.select(F.col("ts").cast("string").alias("ts_str"), F.hour("ts").alias("h")), "los_angeles_exprs")
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")


def test_timestamp_topandas_uses_session_time_zone(spark, golden):
    df = spark.sql("SELECT TIMESTAMP'2024-07-01 12:00:00' AS ts, TIMESTAMP_NTZ'2024-07-01 12:00:00' AS ntz")
    spark.conf.set("spark.sql.session.timeZone", "Asia/Tokyo")
    try:
        golden.check_pandas(df.toPandas())
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")


YM_SQL = (
    "SELECT INTERVAL '1-2' YEAR TO MONTH AS ym, INTERVAL '-3' MONTH AS m, "
    "INTERVAL '10' YEAR AS y"
)


def test_year_month_interval_schema_and_show(spark, golden):
    df = spark.sql(YM_SQL)
    golden.check("schema", df.schema.jsonValue())
    golden.check_show(df._show_string(20, 0, False))
    golden.check_df(df.select(F.col("ym").cast("string"), F.col("m").cast("string")), "as_strings")


def test_year_month_interval_collect(spark, golden):
    # The Connect client cannot turn Arrow YEAR_MONTH intervals into Python values.
    golden.check_error(lambda: spark.sql(YM_SQL).collect())
    # The client abandons the result stream; release it now, while the 4.0
    # client's shared release pool is certainly alive (it is shut down when
    # any session stops, and a late release would then break later tests).
    gc.collect()


def test_year_month_interval_to_pandas(spark, golden):
    golden.check_error(lambda: spark.sql(YM_SQL).toPandas())
    gc.collect()  # as in test_year_month_interval_collect


def test_day_time_interval_units(spark, golden):
    df = spark.sql(
        "SELECT INTERVAL '1 02:03:04.5' DAY TO SECOND AS dts, INTERVAL '5' HOUR AS h, "
        "INTERVAL '90' MINUTE AS m, INTERVAL '-7' DAY AS d"
    )
    golden.check_df(df)
    golden.check_show(df._show_string(20, 0, False), "show_untruncated")


def test_schema_nullability_is_preserved(spark, golden):
    schema = StructType(
        [
            StructField("a", IntegerType(), False),
            StructField("b", ArrayType(IntegerType(), False), True),
            StructField("c", MapType(StringType(), StringType(), False), False),
            StructField("d", StructType([StructField("x", LongType(), False)]), True),
        ]
    )
    df = spark.createDataFrame([(1, [1], {"k": "v"}, Row(x=1))], schema)
    golden.check("schema", df.schema.jsonValue())
    golden.check("simple_string", df.schema.simpleString())


def test_derived_columns_nullability(spark, golden):
    df = spark.range(3).select(
        F.col("id"),
        (F.col("id") + 1).alias("plus"),
        F.lit(1).alias("one"),
        F.lit(None).alias("nothing"),
        F.when(F.col("id") > 0, F.lit("x")).alias("maybe"),
        F.coalesce(F.lit(None).cast("int"), F.lit(0)).alias("coalesced"),
    )
    golden.check("schema", df.schema.jsonValue())


# -- literals ---------------------------------------------------------------------

LIT_CASES = {
    "int": 1,
    "big_int": 2**40,
    "float": 1.5,
    "string": "s",
    "bool": True,
    "none": None,
    "decimal": Decimal("123.4500"),
    "date": dt.date(2024, 2, 29),
    "datetime": dt.datetime(2024, 2, 29, 1, 2, 3, 4),
    "bytes": bytearray(b"\x01\x02"),
    "timedelta": dt.timedelta(hours=25, microseconds=1),
    "list": [1, 2, 3],
}


@pytest.mark.parametrize("case", sorted(LIT_CASES))
def test_lit(spark, golden, case):
    golden.check_df(spark.range(1).select(F.lit(LIT_CASES[case]).alias("v")))


def test_lit_cast_to_each_type(spark, golden):
    df = spark.range(1).select(
        F.lit(1).cast("tinyint").alias("tinyint"),
        F.lit(1).cast("smallint").alias("smallint"),
        F.lit(1).cast("bigint").alias("bigint"),
        F.lit(1).cast("float").alias("float"),
        F.lit("1.25").cast("decimal(4,2)").alias("dec"),
        F.lit(None).cast("string").alias("null_string"),
    )
    golden.check_df(df)


def test_sql_typed_literals(spark, golden):
    df = spark.sql(
        """
        SELECT
          true AS bool, 1Y AS tiny, 2S AS small, 3 AS int, 4L AS big,
          1.5F AS flt, 2.5D AS dbl, 1.50BD AS dec, 1.50 AS dec_lit, 1E2 AS sci,
          'str' AS s, X'CAFE' AS bin,
          DATE'2024-02-29' AS d,
          TIMESTAMP'2024-02-29 01:02:03.456' AS ts,
          TIMESTAMP_NTZ'2024-02-29 01:02:03.456' AS ntz,
          INTERVAL '1 02:03:04' DAY TO SECOND AS dti,
          array(1, 2) AS arr, map('a', 1) AS m, named_struct('x', 1, 'y', 'z') AS st,
          NULL AS n
        """
    )
    golden.check_df(df)
    golden.check_show(df._show_string(20, 0, True), "vertical_untruncated")


def test_sql_integer_literal_widths(spark, golden):
    df = spark.sql("SELECT 2147483647 AS a, 2147483648 AS b, 9223372036854775808 AS c, -1 AS d")
    golden.check_df(df)
