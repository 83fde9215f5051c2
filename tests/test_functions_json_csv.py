"""JSON and CSV conversion functions: from_json, to_json, schema_of_json,
json_tuple, from_csv, to_csv, schema_of_csv."""

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType


@pytest.fixture
def docs(spark):
    df = spark.createDataFrame(
        [
            (1, '{"a": 1, "b": "x"}'),
            (2, None),
            (3, "bad"),
            (4, '{"a": "str", "b": 2}'),
            (5, '[{"a": 1}, {"a": 2}]'),
            (6, "{}"),
            (7, '{"a": 1.5}'),
        ],
        "id int, js string",
    )
    df.createOrReplaceTempView("json_docs")
    return df


def test_from_json_ddl_and_struct_type(docs, golden):
    golden.check_df(docs.select("id", F.from_json("js", "a INT, b STRING")))
    schema = StructType([StructField("a", IntegerType()), StructField("b", StringType())])
    golden.check_df(docs.select("id", F.from_json("js", schema)), "struct_type")


def test_from_json_arrays_and_maps(docs, golden):
    golden.check_df(docs.select("id", F.from_json("js", "array<struct<a:int>>")))
    golden.check_df(docs.select("id", F.from_json("js", "map<string,int>")), "map")


def test_from_json_corrupt_record_column(docs, golden):
    golden.check_df(docs.select("id", F.from_json("js", "a INT, b STRING, _corrupt_record STRING")))


def test_from_json_failfast(docs, golden):
    golden.check_error(lambda: docs.select(F.from_json("js", "a INT, b STRING", {"mode": "FAILFAST"})).collect())


def test_from_json_nested_and_datetimes(spark, docs, golden):
    golden.check_df(spark.sql("""SELECT from_json('{"a": {"b": [1, "x"]}, "c": 3}', 'a struct<b: array<int>>, c int') AS j"""))
    golden.check_df(
        spark.sql(
            """SELECT from_json('{"t": "2024-01-02T03:04:05.123Z", "d": "2024-01-02", "n": "2024-01-02 03:04:05"}', """
            """'t timestamp, d date, n timestamp_ntz') AS j"""
        ),
        "datetimes",
    )
    golden.check_df(spark.sql("SELECT id, from_json(js, 'a int') FROM json_docs ORDER BY id"), "sql")


def test_to_json(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT to_json(named_struct('a', 1, 'b', CAST(NULL AS INT), 'c', TIMESTAMP'2024-01-02 03:04:05.123', "
            "'d', 1.50BD, 'e', DATE'2024-01-01', 'f', map('x', 1.5D), 'g', array(1, NULL), 'h', 'q\"u', "
            "'i', 1e10D, 'j', CAST(1.0 AS FLOAT), 'k', X'0102', 'l', true)) AS j"
        )
    )
    golden.check_df(
        spark.sql("SELECT to_json(map('b', 1, 'a', 2)) m, to_json(array(named_struct('a', 1))) a, to_json(array(map('a', 1))) am"),
        "maps_and_arrays",
    )
    golden.check_df(
        spark.sql(
            "SELECT to_json(named_struct('a', named_struct('b', CAST(NULL AS INT)), 'c', array(named_struct('x', CAST(NULL AS STRING))))) j"
        ),
        "nested_nulls",
    )
    golden.check_df(
        spark.sql("SELECT to_json(named_struct('t', TIMESTAMP_NTZ'2024-01-02 03:04:05', 'u', TIMESTAMP'2024-01-02 03:04:05')) j"),
        "timestamps",
    )


def test_to_json_options_and_columns(spark, golden):
    df = spark.createDataFrame([(1, None, "2024-03-04")], "a int, b string, d string").withColumn("d", F.to_date("d"))
    golden.check_df(df.select(F.to_json(F.struct("a", "b", "d"))))
    golden.check_df(df.select(F.to_json(F.struct("a", "b", "d"), {"ignoreNullFields": "false", "dateFormat": "dd/MM/yyyy"})), "options")


def test_schema_of_json(spark, docs, golden):
    golden.check_df(
        spark.sql(
            """SELECT schema_of_json('{"a": 1, "b": [1.5, 2], "c": {"z": "s", "a": null}, "d": true, "e": 12345678901234}') s, """
            """schema_of_json('[1,2]') t, schema_of_json('1') u"""
        )
    )
    golden.check_df(docs.limit(1).select(F.schema_of_json(F.lit('{"a": 1}'))), "column")
    golden.check_df(docs.limit(1).select(F.schema_of_json(F.lit('{"a": 1.5}'), {"prefersDecimal": "true"})), "options")


def test_json_tuple(spark, docs, golden):
    golden.check_df(docs.select("id", F.json_tuple("js", "a", "b")))
    golden.check_df(docs.select(F.json_tuple("js", "a", "b").alias("x", "y"), "id"), "aliased")
    golden.check_df(spark.sql("SELECT json_tuple(js, 'a', 'b') FROM json_docs"), "sql")
    golden.check_df(spark.sql("""SELECT json_tuple('{"a.b": 1, "c": {"d": [1, 2.50]}}', 'a.b', 'c', 'zz')"""), "nested")


def test_json_tuple_lateral_view(spark, docs, golden):
    golden.check_df(spark.sql("SELECT id, x, y FROM json_docs LATERAL VIEW json_tuple(js, 'a', 'b') t AS x, y"))
    golden.check_df(spark.sql("SELECT * FROM json_docs LATERAL VIEW json_tuple(js, 'a', 'b') t"), "unaliased")


@pytest.fixture
def records(spark):
    return spark.createDataFrame([(1, "1,abc,2.5"), (2, None), (3, "x,y"), (4, "5"), (5, "")], "id int, s string")


def test_from_csv(records, golden):
    golden.check_df(records.select("id", F.from_csv("s", "a INT, b STRING, c DOUBLE")))
    semicolons = F.regexp_replace("s", ",", ";")
    golden.check_df(records.select("id", F.from_csv(semicolons, "a INT, b STRING", {"sep": ";"})), "options")


def test_to_csv(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT to_csv(named_struct('a', 1, 'b', CAST(NULL AS STRING), 'c', 'x,y', 'd', TIMESTAMP'2024-01-02 03:04:05', "
            "'e', DATE'2024-01-01', 'f', 1.5D, 'g', '', 'h', 'q\"q', 'i', 1.50BD)) c"
        )
    )
    golden.check_df(spark.sql("SELECT to_csv(named_struct('a', 1, 'b', 'x'), map('sep', '|')) c"), "options")


def test_schema_of_csv(spark, golden):
    golden.check_df(spark.sql("SELECT schema_of_csv('1,abc,2.5,true,2024-01-01') s, schema_of_csv('1|x', map('sep', '|')) t"))
    golden.check_df(spark.sql("SELECT schema_of_csv('2024-01-01 03:04:05,12345678901,') s"), "timestamps")


def test_parsing_functions_take_strings_and_literal_schemas(spark, golden):
    for name, sql in [
        ("json_of_int", "SELECT from_json(1, 'a INT')"),
        ("csv_of_binary", "SELECT from_csv(X'0102', 'a INT')"),
        ("xml_of_struct", "SELECT from_xml(named_struct('a', 1), 'a INT')"),
        ("json_schema_int", "SELECT from_json('{}', 1)"),
        ("csv_schema_null", "SELECT from_csv('1', NULL)"),
    ]:
        golden.check_error(lambda: spark.sql(sql).collect(), name)
    golden.check_df(spark.sql("SELECT from_json(NULL, 'a INT') a, from_csv(CAST(NULL AS STRING), 'a INT') b"), "nulls")
