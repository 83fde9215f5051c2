"""Casts to and from ANSI interval types as Spark does them: SQL's `CAST(x AS
INTERVAL HOUR)` (every unit range, `try_cast` and `::`), numbers counting the
target's end unit (decimals rounded half up), strings in the forms of the
target's units, intervals cut to other units or to numbers, Spark's errors
(overflow whatever the ANSI setting, malformed strings, casts Spark has
not); DataFrame casts to `DayTimeIntervalType(…)` and `"interval day"`;
type strings keeping the units (`interval day` is `DayTimeIntervalType(0,
0)`); intervals nested in arrays, maps and structs keeping theirs.
Year-month intervals are read as text (the client cannot collect them)."""

import datetime
from decimal import Decimal

from conftest import conf
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType,
    DayTimeIntervalType,
    MapType,
    StringType,
    StructField,
    StructType,
    YearMonthIntervalType,
)


def text(expr):
    return f"CAST({expr} AS STRING)"


def test_numbers_to_intervals(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT CAST(3 AS INTERVAL HOUR) AS a, CAST(3 AS INTERVAL DAY) AS b, CAST(3 AS INTERVAL MINUTE) AS c, "
            "CAST(3L AS INTERVAL SECOND) AS d, CAST(-7 AS INTERVAL HOUR TO MINUTE) AS e, CAST(7Y AS INTERVAL DAY TO SECOND) AS f, "
            "CAST(1.5 AS INTERVAL HOUR) AS g, CAST(1.0000005 AS INTERVAL SECOND) AS h, CAST(-1.0000005 AS INTERVAL SECOND) AS i, "
            "CAST(0.123456789 AS INTERVAL HOUR) AS j, CAST(106751991 AS INTERVAL DAY) AS k, CAST(NULL AS INTERVAL DAY) AS l"
        )
    )
    golden.check_df(
        spark.sql(
            "SELECT " + ", ".join(
                f"{text(e)} AS {n}"
                for n, e in [
                    ("a", "CAST(7 AS INTERVAL YEAR TO MONTH)"),
                    ("b", "CAST(-7 AS INTERVAL YEAR)"),
                    ("c", "CAST(7S AS INTERVAL MONTH)"),
                    ("d", "CAST(2.5 AS INTERVAL YEAR)"),
                    ("e", "CAST(-2.5 AS INTERVAL MONTH)"),
                    ("f", "CAST(CAST(2.5 AS INTERVAL YEAR) AS INTERVAL MONTH)"),
                    ("g", "CAST(-2147483648L AS INTERVAL MONTH)"),
                    ("h", "CAST(178956970 AS INTERVAL YEAR)"),
                ]
            )
        ),
        "year_month",
    )


def test_number_overflow(spark, golden):
    for name, query in [
        ("day", "SELECT CAST(106751992 AS INTERVAL DAY)"),
        ("second", "SELECT CAST(9223372036855 AS INTERVAL SECOND)"),
        ("year", f"SELECT {text('CAST(178956971 AS INTERVAL YEAR)')}"),
        ("month", f"SELECT {text('CAST(2147483648L AS INTERVAL MONTH)')}"),
        ("decimal", "SELECT CAST(9223372036854.7758075 AS INTERVAL SECOND)"),
    ]:
        golden.check_error(lambda: spark.sql(query).collect(), name)
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_error(lambda: spark.sql("SELECT CAST(106751992 AS INTERVAL DAY)").collect(), "ansi_off")
    golden.check_df(spark.sql("SELECT try_cast(9223372036854775807 AS INTERVAL DAY) AS a, try_cast(99999999999999999999.5 AS INTERVAL HOUR) AS b"), "try")


def test_strings_to_intervals(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT CAST('1 2:03:04.123456789' AS INTERVAL DAY TO SECOND) AS a, CAST(' -1 2:03:04 ' AS INTERVAL DAY TO SECOND) AS b, "
            "CAST('+1 2' AS INTERVAL DAY TO HOUR) AS c, CAST('1 2:03' AS INTERVAL DAY TO MINUTE) AS d, CAST('2:03' AS INTERVAL HOUR TO MINUTE) AS e, "
            "CAST('1:2:3' AS INTERVAL HOUR TO SECOND) AS f, CAST('03:04.5' AS INTERVAL MINUTE TO SECOND) AS g, CAST('100' AS INTERVAL HOUR) AS h, "
            "CAST('-3.5' AS INTERVAL SECOND) AS i, CAST('INTERVAL ''1'' DAY' AS INTERVAL DAY) AS j, "
            "CAST('interval -''-1 2'' day to hour' AS INTERVAL DAY TO HOUR) AS k, CAST('INTERVAL -''1'' MINUTE' AS INTERVAL MINUTE) AS l, "
            "CAST('106751992' AS INTERVAL DAY) AS m"
        )
    )
    golden.check_df(
        spark.sql(
            "SELECT " + text("CAST('-1-2' AS INTERVAL YEAR TO MONTH)") + " AS a, "
            + text("CAST('INTERVAL ''1-2'' YEAR TO MONTH' AS INTERVAL YEAR TO MONTH)") + " AS b, "
            + text("CAST('3' AS INTERVAL YEAR)") + " AS c, " + text("CAST('14' AS INTERVAL MONTH)") + " AS d"
        ),
        "year_month",
    )
    golden.check_df(spark.sql("SELECT try_cast('x' AS INTERVAL HOUR) AS a, try_cast('1 2' AS INTERVAL HOUR) AS b"), "try")


def test_malformed_strings(spark, golden):
    for name, query in [
        ("hour", "SELECT CAST('x' AS INTERVAL HOUR)"),
        ("day_to_second", "SELECT CAST('1 2:03' AS INTERVAL DAY TO SECOND)"),
        ("fraction", "SELECT CAST('1.5' AS INTERVAL DAY)"),
        ("other_units", "SELECT CAST('INTERVAL ''1'' DAY' AS INTERVAL HOUR)"),
        ("year", "SELECT " + text("CAST('1-2' AS INTERVAL YEAR)")),
        ("month_range", "SELECT " + text("CAST('1-13' AS INTERVAL YEAR TO MONTH)")),
        ("year_overflow", "SELECT " + text("CAST('178956971' AS INTERVAL YEAR)")),
        ("hour_range", "SELECT CAST('1 25' AS INTERVAL DAY TO HOUR)"),
    ]:
        golden.check_error(lambda: spark.sql(query).collect(), name)
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_error(lambda: spark.sql("SELECT CAST('x' AS INTERVAL MINUTE)").collect(), "ansi_off")


def test_intervals_to_intervals_and_numbers(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT CAST(i AS INTERVAL HOUR) AS a, CAST(i AS INTERVAL DAY) AS b, CAST(i AS INTERVAL MINUTE TO SECOND) AS c, "
            "CAST(-i AS INTERVAL HOUR TO MINUTE) AS d, CAST(INTERVAL '3' HOUR AS INTERVAL DAY TO SECOND) AS e, "
            "CAST(i AS INT) AS f, CAST(-i AS BIGINT) AS g, CAST(i AS DECIMAL(12, 3)) AS h, CAST(INTERVAL '1:30' HOUR TO MINUTE AS SMALLINT) AS j, "
            "CAST(INTERVAL '1:30:45.9' HOUR TO SECOND AS DECIMAL(10, 0)) AS k, CAST(CAST(1.5 AS INTERVAL DAY) AS DECIMAL(10, 3)) AS l, "
            "CAST(i AS STRING) AS m "
            "FROM (SELECT INTERVAL '1 2:03:04.567' DAY TO SECOND AS i)"
        )
    )
    golden.check_df(
        spark.sql(
            "SELECT " + text("CAST(y AS INTERVAL YEAR)") + " AS a, " + text("CAST(-y AS INTERVAL YEAR)") + " AS b, "
            + text("CAST(INTERVAL '3' YEAR AS INTERVAL MONTH)") + " AS c, "
            "CAST(y AS INT) AS d, CAST(-y AS TINYINT) AS e, CAST(CAST(y AS INTERVAL YEAR) AS INT) AS f, CAST(y AS DECIMAL(5, 1)) AS g "
            "FROM (SELECT INTERVAL '1-5' YEAR TO MONTH AS y)"
        ),
        "year_month",
    )
    for name, query in [
        ("tinyint", "SELECT CAST(INTERVAL '300' HOUR AS TINYINT)"),
        ("decimal", "SELECT CAST(INTERVAL '9999.5' SECOND AS DECIMAL(4, 0))"),
        ("year_tinyint", "SELECT CAST(INTERVAL '99999' YEAR AS TINYINT)"),
    ]:
        golden.check_error(lambda: spark.sql(query).collect(), name)
    with conf(spark, "spark.sql.ansi.enabled", "false"):
        golden.check_error(lambda: spark.sql("SELECT CAST(INTERVAL '300' HOUR AS TINYINT)").collect(), "ansi_off")
    golden.check_df(spark.sql("SELECT try_cast(INTERVAL '300' HOUR AS TINYINT) AS a, try_cast(INTERVAL '30' DAY AS DECIMAL(1, 0)) AS b"), "try")


def test_casts_spark_has_not(spark, golden):
    for name, query in [
        ("double", "SELECT CAST(1.5D AS INTERVAL HOUR)"),
        ("boolean", "SELECT CAST(true AS INTERVAL DAY)"),
        ("to_double", "SELECT CAST(INTERVAL '3' HOUR AS DOUBLE)"),
        ("to_timestamp", "SELECT CAST(INTERVAL '3' HOUR AS TIMESTAMP)"),
        ("kinds", "SELECT CAST(INTERVAL '3' HOUR AS INTERVAL YEAR)"),
        ("to_calendar", "SELECT CAST(INTERVAL '3' HOUR AS INTERVAL)"),
        ("number_to_calendar", "SELECT CAST(3 AS INTERVAL)"),
        ("abs_calendar", "SELECT abs(make_interval(1, 2, 3, 4, 5, 6, 7))"),
    ]:
        golden.check_error(lambda: spark.sql(query).collect(), name)


def test_cast_syntax(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT 3::interval hour AS a, '1 2'::interval day to hour AS b, CAST(3 AS interval minute to second) AS c, "
            "try_cast('2:03' AS INTERVAL HOUR TO MINUTE) AS d, typeof(CAST(3 AS INTERVAL DAY TO MINUTE)) AS e, "
            "CAST(3 AS INTERVAL HOUR), try_cast(3 AS INTERVAL SECOND)"
        )
    )


def test_dataframe_casts(spark, golden):
    df = spark.createDataFrame([(3, "1 2", Decimal("1.5")), (None, None, None)], "i int, t string, d decimal(3,1)")
    golden.check_df(
        df.select(
            F.col("i").cast("interval hour").alias("a"),
            F.col("t").cast("interval day to hour").alias("b"),
            F.col("d").cast(DayTimeIntervalType(1, 1)).alias("c"),
            F.col("i").cast(DayTimeIntervalType(0, 0)).alias("d"),
            F.col("i").cast(DayTimeIntervalType(1, 3)).alias("e"),
            F.col("i").cast(YearMonthIntervalType(0, 0)).cast("string").alias("f"),
            F.col("i").cast("interval hour").cast("int").alias("g"),
            F.col("i").cast("interval day"),
        )
    )


def test_type_strings_keep_units(spark, golden):
    golden.check(
        "schemas",
        [
            spark.createDataFrame([], "x interval day").schema.simpleString(),
            spark.createDataFrame([], "a array<interval hour>, m map<string, interval minute to second>, s struct<x: interval day>").schema.simpleString(),
            repr(spark.createDataFrame([], "x interval day").schema["x"].dataType),
        ],
    )
    golden.check_df(
        spark.sql("""SELECT from_json('{"a": 1}', 'a int, b interval hour, c array<interval minute>') AS j"""),
        "from_json",
    )


def test_nested_intervals_keep_units(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT array(INTERVAL '1' HOUR) AS a, named_struct('x', INTERVAL '2' MINUTE) AS s, map('k', INTERVAL '1' SECOND) AS m, "
            "array(INTERVAL '1' DAY, INTERVAL '2' HOUR) AS d, typeof(array(INTERVAL '1' HOUR)) AS t, "
            "typeof(map(INTERVAL '1' MONTH, INTERVAL '1' YEAR)) AS tm, typeof(struct(INTERVAL '1' MONTH, INTERVAL '2' HOUR)) AS ts, "
            "CAST(array(INTERVAL '1' HOUR) AS STRING) AS c, CAST(named_struct('x', INTERVAL '2' MINUTE) AS STRING) AS cs, "
            "CAST(array(INTERVAL '1' YEAR) AS STRING) AS cy, named_struct('x', INTERVAL '2' MINUTE).x AS f"
        )
    )
    # Elements read out keep the units (rows only: Ember's element access is always nullable).
    golden.check_rows(
        spark.sql(
            "SELECT array(INTERVAL '1' HOUR)[0] AS e, typeof(array(INTERVAL '1' HOUR)[0]) AS te, "
            "CAST(element_at(array(INTERVAL '3' MINUTE), 1) AS STRING) AS g, typeof(map('k', INTERVAL '1' DAY)['k']) AS tm, "
            "typeof(element_at(map('k', INTERVAL '1' DAY), 'k')) AS te2, typeof(array_max(array(INTERVAL '1' MINUTE))) AS tx"
        ).collect(),
        "access",
    )
    golden.check_df(spark.sql("SELECT explode(array(INTERVAL '1' HOUR, INTERVAL '2' HOUR)) AS e"), "explode")
    golden.check_df(spark.sql("SELECT explode(map('k', INTERVAL '1' MINUTE))"), "explode_map")
    golden.check_df(spark.sql("SELECT posexplode(array(INTERVAL '1' MINUTE))"), "posexplode")
    golden.check_df(spark.sql("SELECT inline(array(named_struct('a', INTERVAL '1' HOUR, 'b', 1)))"), "inline")
    golden.check_df(spark.sql("SELECT e FROM VALUES (array(INTERVAL '1' HOUR)) AS v(a) LATERAL VIEW explode(a) t AS e"), "lateral_view")
    golden.check_df(
        spark.sql(
            "SELECT collect_list(i) AS l, typeof(collect_list(i)) AS t, sort_array(collect_set(i)) AS s "
            "FROM VALUES (INTERVAL '1' HOUR), (INTERVAL '2' HOUR), (INTERVAL '2' HOUR) AS v(i)"
        ),
        "collect",
    )
    golden.check_df(
        spark.sql(
            "SELECT CAST(array(1, 2) AS ARRAY<INTERVAL HOUR>) AS a, CAST(map('a', 2) AS MAP<STRING, INTERVAL MINUTE>) AS m, "
            "CAST(named_struct('x', '1 2') AS STRUCT<x: INTERVAL DAY TO HOUR>) AS s, CAST(array(INTERVAL '1' HOUR) AS ARRAY<STRING>) AS t, "
            "CAST(array(INTERVAL '90' MINUTE) AS ARRAY<INTERVAL HOUR>) AS u, CAST(array(INTERVAL '3' HOUR) AS ARRAY<INT>) AS v"
        ),
        "casts",
    )


def test_create_dataframe_with_nested_units(spark, golden):
    schema = StructType(
        [
            StructField("a", ArrayType(DayTimeIntervalType(1, 1))),
            StructField("m", MapType(StringType(), DayTimeIntervalType(2, 3))),
            StructField("s", StructType([StructField("x", DayTimeIntervalType(0, 0))])),
        ]
    )
    df = spark.createDataFrame([], schema)
    golden.check("schema", df.schema.simpleString())
    golden.check_df(df.select(F.col("a").cast("string"), F.col("s.x")), "empty")
    hour = datetime.timedelta(hours=1)
    golden.check_df(spark.createDataFrame([(hour, [hour])], "h interval day to second, a array<interval day to second>"), "widest")
    # Rows carry no interval units (Arrow has none): Spark refuses other units.
    golden.check_error(lambda: spark.createDataFrame([(hour,)], StructType([StructField("h", DayTimeIntervalType(1, 1))])).collect(), "top_level")
    golden.check_error(lambda: spark.createDataFrame([(1, [hour])], "i int, a array<interval hour>").collect(), "array")
    golden.check_error(lambda: spark.createDataFrame([({"k": hour},)], StructType(schema.fields[1:2])).collect(), "map")
    golden.check_error(lambda: spark.createDataFrame([((hour,),)], StructType(schema.fields[2:])).collect(), "struct")


def test_json_of_intervals(spark, golden):
    golden.check_df(
        spark.sql(
            """SELECT from_json('{"a": "INTERVAL ''1'' HOUR", "b": "1 02:00:00", "c": ["1:30"], "d": "3", "e": "x"}', """
            """'a interval hour, b interval day to second, c array<interval hour to minute>, d interval minute, e interval hour') AS j"""
        )
    )
    golden.check_df(
        spark.sql(
            """SELECT CAST(from_json('{"m": {"k": "INTERVAL ''2'' MONTH"}, "y": "1-2"}', 'm map<string, interval month>, y interval year to month') AS STRING) AS j"""
        ),
        "year_month",
    )
    golden.check_df(
        spark.sql(
            "SELECT to_json(named_struct('a', INTERVAL '1' HOUR, 'b', array(INTERVAL '2' MINUTE), 'c', map('k', INTERVAL '3' YEAR))) AS j, "
            "to_json(array(INTERVAL '1:30' HOUR TO MINUTE)) AS k, to_json(map(INTERVAL '1' HOUR, 1)) AS l, to_json(map(INTERVAL '2' MONTH, 1)) AS m"
        ),
        "to_json",
    )
