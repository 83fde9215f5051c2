"""Spark's XML conversion functions: schema_of_xml's inference (attributes
as `_name`, text as `_VALUE`, repeated elements as arrays, fields sorted by
name, type widening, malformed documents) and from_xml (schemas with
attributes, value tags and arrays, options, PERMISSIVE NULL structs for bad
records, FAILFAST errors)."""

from pyspark.sql import functions as F

DOC = "<p id='7'><a y='2'>t</a><a y='3'>u</a><n>5</n><d>2020-01-02</d><b>true</b></p>"


def test_schema_of_xml_inference(spark, golden):
    golden.check_df(
        spark.range(1).select(
            F.schema_of_xml(F.lit("<p><b>x</b><a>1.5</a><c>true</c><d>2020-01-01</d><e>2020-01-01 10:00:00</e><f></f><g>12345678901234567890</g></p>")),
            F.schema_of_xml(F.lit(DOC)),
            F.schema_of_xml(F.lit("<p>1</p>")),
            F.schema_of_xml(F.lit("<p><a>1</a><a>2.5</a><b><c>1</c></b></p>")),
            F.schema_of_xml(F.lit("<p><a>1</a><a><c>1</c></a></p>")),
            F.schema_of_xml(F.lit("<p>text<a> 1 </a><b>-3</b><c>NaN</c><d>1e5</d></p>")),
        ),
        show=False,
    )


def test_schema_of_xml_options_and_malformed(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT schema_of_xml('<p x=\"1\"><a>1</a></p>', map('attributePrefix', '@')) AS prefixed,"
            " schema_of_xml('<p>1<a>2</a></p>', map('valueTag', 'v')) AS tagged,"
            " schema_of_xml('<p><a>1</a>') AS malformed"
        ),
        show=False,
    )


def test_from_xml_struct_attributes_arrays(spark, golden):
    df = spark.createDataFrame([(DOC,), ("<p><n>x</n></p>",), ("<p><n>1</n>",), (None,)], "x string")
    golden.check_df(
        df.select(
            F.from_xml("x", "_id INT, a ARRAY<STRUCT<_VALUE: STRING, _y: INT>>, n INT, d DATE, b BOOLEAN, missing STRING").alias("r")
        )
    )
    golden.check_df(
        df.select(F.from_xml("x", F.schema_of_xml(F.lit(DOC))).alias("r")),
        "inferred",
    )


def test_from_xml_repeated_and_options(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT from_xml('<p><a>1</a><a>2</a></p>', 'a ARRAY<INT>') AS arr,"
            " from_xml('<p><a>1</a><a>2</a></p>', 'a INT') AS last,"
            " from_xml('<p><a>1</a></p>', 'a ARRAY<INT>') AS single,"
            " from_xml('<p><a>NULL</a><b> x </b></p>', 'a STRING, b STRING', map('nullValue', 'NULL')) AS nulls,"
            " from_xml('<p><t>2020-01-01 10:00:00</t><f>1.5</f><e></e></p>', 't TIMESTAMP, f DOUBLE, e STRING') AS typed"
        )
    )


def test_from_xml_corrupt_record_and_first_root(spark, golden):
    docs = [
        "<r><m>5</m><n>x</n></r>",
        "not xml",
        None,
        "<r><m>1</m></r><r><m>2</m></r>",
        "<r><m>1</m></r>junk",
        "junk<r><m>1</m></r>",
        "<r><m>1</m></r><bad",
        '<?xml version="1.0"?><!-- c --><r><m>1</m></r>',
        "<r><m>1</m>",
    ]
    df = spark.createDataFrame([(d,) for d in docs], "x string")
    golden.check_df(
        df.select(
            F.from_xml("x", "m int, n int, _corrupt_record string").alias("default"),
            F.from_xml("x", "m int, n int, bad string", {"columnNameOfCorruptRecord": "bad"}).alias("renamed"),
            F.from_xml("x", "m int, n int").alias("without"),
        )
    )
    golden.check_error(lambda: df.select(F.from_xml("x", "m int, _corrupt_record int")).collect(), "not_a_string")


def test_from_xml_and_schema_of_xml_ignoring_namespaces(spark, golden):
    doc = '<p:r xmlns:p="u" p:k="1"><p:a>1</p:a><q:b xmlns:q="v">2</q:b></p:r>'
    golden.check_df(
        spark.createDataFrame([(doc,)], "x string").select(
            F.from_xml("x", "a int, b int, _k int", {"ignoreNamespace": "true"}).alias("ignored"),
            F.from_xml("x", "a int, b int, _k int").alias("kept"),
            F.schema_of_xml(F.lit(doc), {"ignoreNamespace": "true"}).alias("schema"),
        )
    )


def test_from_xml_failfast(spark, golden):
    golden.check_error(
        lambda: spark.sql("SELECT from_xml('<p><a>1</a>', 'a INT', map('mode', 'FAILFAST'))").collect()
    )


def test_to_xml(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT to_xml(named_struct('a', 1, 'b', 'x<&>\"', 'n', CAST(NULL AS INT))) AS plain,"
            " to_xml(named_struct('_a', 1, 'b', named_struct('c', 2), 'd', array(1, NULL, 2))) AS nested,"
            " to_xml(named_struct('a', array(named_struct('_x', 1, '_VALUE', 't'), named_struct('_x', 2, '_VALUE', 'u')))) AS attrs,"
            " to_xml(named_struct('a', array(array(1, 2), array(3)))) AS nested_arrays,"
            " to_xml(named_struct('a', named_struct('b', CAST(NULL AS INT)), 'e', array())) AS empties,"
            " to_xml(named_struct('a', 1.5D, 'b', true, 'c', DATE'2020-01-02', 'd', TIMESTAMP'2020-01-01 10:00:00', 'e', 2.50BD, 'f', 1e20D, 'g', X'0102')) AS typed,"
            " to_xml(named_struct('@a', 1, 'b', CAST(NULL AS INT)), map('rowTag', 'r', 'attributePrefix', '@', 'nullValue', 'N')) AS options,"
            " to_xml(CAST(NULL AS STRUCT<a: INT>)) AS null_row"
        )
    )


def test_to_xml_round_trip(spark, golden):
    df = spark.createDataFrame([(DOC,)], "x string")
    parsed = df.select(F.from_xml("x", F.schema_of_xml(F.lit(DOC))).alias("s"))
    golden.check_df(parsed.select(F.to_xml("s").alias("xml")))
    golden.check_error(lambda: spark.sql("SELECT to_xml(1)").collect(), "not_struct")
