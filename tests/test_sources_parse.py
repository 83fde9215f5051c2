"""spark.read.csv(df) and spark.read.json(df): a DataFrame of strings parsed
as CSV lines or JSON records (Spark Connect's Parse relation)."""

import pytest
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

from conftest import CLIENT

# The 4.0 client sends a file read for spark.read.json(df); Parse came in 4.1.
pytestmark = pytest.mark.skipif(CLIENT == "4.0", reason="the PySpark 4.0 client cannot send Parse")


def strings(spark, values):
    return spark.createDataFrame([(v,) for v in values], "value string")


def test_json_strings_with_inference(spark, golden):
    df = strings(spark, ['{"a": 1, "b": "x"}', '{"a": 2.5, "c": [1, 2]}', '{"b": null}', None])
    golden.check_df(spark.read.json(df))


def test_json_strings_with_schema_and_bad_records(spark, golden):
    df = strings(spark, ['{"a": 1, "b": "x"}', '{"a": "oops"}', "not json"])
    golden.check_df(spark.read.schema("a int, b string, _corrupt_record string").json(df), name="permissive")
    golden.check_df(spark.read.schema("a int, b string").option("mode", "DROPMALFORMED").json(df), name="dropped")


def test_json_multiline_record_strings(spark, golden):
    df = strings(spark, ['{\n  "a": 1,\n  "b": {"c": "y"}\n}'])
    golden.check_df(spark.read.json(df))


def test_csv_strings_with_header_and_inference(spark, golden):
    df = strings(spark, ["id,name,score", "1,alice,3.5", "id,name,score", "2,bob,"])
    golden.check_df(spark.read.option("header", True).option("inferSchema", True).csv(df))
    golden.check_df(spark.read.csv(df), name="no_header")


def test_csv_strings_with_schema(spark, golden):
    schema = StructType([StructField("id", IntegerType()), StructField("name", StringType())])
    df = strings(spark, ["1;a", "x;b", "3;c"])
    golden.check_df(spark.read.schema(schema).option("sep", ";").csv(df), name="permissive")
    golden.check_df(spark.read.schema(schema).options(sep=";", mode="DROPMALFORMED").csv(df), name="dropped")


def test_strings_from_a_text_file(spark, tmp_path, golden):
    path = tmp_path / "records.txt"
    path.write_text('{"k": 1}\n{"k": 2}\n')
    golden.check_df(spark.read.json(spark.read.text(str(path))).orderBy("k"))


def test_input_must_be_one_string_column(spark, golden):
    golden.check_error(lambda: spark.read.json(spark.createDataFrame([(1,)], "value INT")).collect(), "not_string")
    golden.check_error(lambda: spark.read.csv(spark.range(1).select()).collect(), "no_column")
    two = spark.createDataFrame([("a", "b")], "value string, o string")
    golden.check_error(lambda: spark.read.json(two).collect(), "two_columns")


def test_input_checked_before_the_format(spark, golden):
    """The one-string-column check comes first, also for XML (which Ember does not parse yet)."""
    df = spark.createDataFrame([("<a/>", 1)], "x string, y int")
    golden.check_error(lambda: spark.read.xml(df).collect(), name="two_columns")
    golden.check_error(lambda: spark.read.xml(df.select("y")).collect(), name="not_string")
