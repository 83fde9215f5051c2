"""JSON string functions: get_json_object, json_array_length, json_object_keys."""

import pytest

from pyspark.sql import functions as F


@pytest.fixture
def docs(spark):
    df = spark.createDataFrame(
        [
            (1, '{"a": 1, "b": [1, 2], "x": {"z": 1.50, "y": "s"}, "n": null, "e": 1e3}'),
            (2, None),
            (3, "not json"),
            (4, '[{"a": 1}, {"a": 2}, [3]]'),
        ],
        "id int, js string",
    )
    df.createOrReplaceTempView("json_t")
    return df


def test_get_json_object(docs, golden):
    golden.check_df(
        docs.select(
            "id",
            F.get_json_object("js", "$.a"),
            F.get_json_object("js", "$.b").alias("array"),
            F.get_json_object("js", "$.b[1]").alias("element"),
            F.get_json_object("js", "$.x").alias("object"),
            F.get_json_object("js", "$.x.y").alias("string"),
            F.get_json_object("js", "$.n").alias("null"),
            F.get_json_object("js", "$.e").alias("double"),
            F.get_json_object("js", "$[*].a").alias("wildcard"),
        )
    )


def test_json_array_length_and_object_keys(docs, golden):
    golden.check_df(docs.select("id", F.json_array_length("js"), F.json_object_keys("js")))


def test_json_functions_in_sql(docs, spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT id, get_json_object(js, '$.a'), get_json_object(js, '$.x.z'), "
            "json_array_length(js), json_object_keys(js) FROM json_t ORDER BY id"
        )
    )


def test_to_json_of_an_atomic_value_names_the_call(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT to_json(1, map('pretty', 'true'))").collect())
