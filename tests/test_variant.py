"""Spark's VARIANT type: parse_json/try_parse_json with Spark's binary
encoding, to_json of variants, is_variant_null, is_valid_variant, the
schema and show() text."""

from pyspark.sql import functions as F

from conftest import requires_client


def docs(spark):
    return spark.createDataFrame(
        [
            ('{"b":1,"a":[1.50,2e3,-3,12345678901234567890123,"x",null,true]}',),
            ('{ "a" : 1 }',),
            ("null",),
            ('"h\\u00e9llo"',),
            ("0.1",),
            (None,),
        ],
        "j string",
    )


def test_parse_json_encodes_as_spark(spark, golden):
    df = docs(spark).select(F.parse_json("j").alias("v"))
    golden.check("schema", df.schema.simpleString())
    rows = df.collect()
    golden.check("bytes", [None if r.v is None else [r.v.value.hex(), r.v.metadata.hex()] for r in rows])
    golden.check_show(df._show_string(truncate=False), "show")


@requires_client("4.1")
def test_to_json_and_null_checks(spark, golden):
    v = F.parse_json("j")
    golden.check_df(docs(spark).select(F.to_json(v), F.is_variant_null(v), F.is_valid_variant(v), F.typeof(v)))


def test_try_parse_json_and_malformed_input(spark, golden):
    df = spark.createDataFrame([('{"a":1}',), ("{a:1}",), ('{"a":1,"a":2}',)], "j string")
    golden.check_df(df.select(F.to_json(F.try_parse_json("j"))))
    golden.check_error(lambda: df.select(F.parse_json("j")).collect())
