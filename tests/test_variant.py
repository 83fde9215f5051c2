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


@requires_client("4.1")
def test_variant_get(spark, golden):
    df = spark.createDataFrame([('{"a":1,"b":"x","c":[1,{"d":2.5}],"e":null}',), (None,)], "j string")
    v = F.parse_json("j")
    golden.check_df(
        df.select(
            F.variant_get(v, "$.a", "int"),
            F.variant_get(v, "$.b", "string"),
            F.variant_get(v, "$.c[1].d", "double"),
            F.variant_get(v, "$.c", "string"),
            F.variant_get(v, "$['c'][0]", "long"),
            F.variant_get(v, "$.zz", "int"),
            F.variant_get(v, "$.e", "int"),
            F.try_variant_get(v, "$.b", "int"),
            F.variant_get(v, "$.c[1].d", "int"),
            F.variant_get(v, "$.a", "string"),
            F.variant_get(v, "$.c[1].d", "decimal(5,2)"),
        )
    )
    golden.check_df(df.select(F.to_json(F.variant_get(v, "$.c[1]", "variant"))), "variant")
    golden.check_error(lambda: df.select(F.variant_get(v, "a", "int")).collect(), "bad_path")


def test_schema_of_variant(spark, golden):
    df = spark.createDataFrame(
        [
            ('{"a":1,"b":[1,2.5,"x"],"c":{"d":null,"e":true},"f":1.5e10,"g":12345678901234567890}',),
            ('[0.05, -1.50, 100.0]',),
            ('[1, 2.5, null]',),
            ('[{"b":1},{"a":"x","b":null}]',),
            ('{"a b":1,"c`d":[[]],"e":{}}',),
            ("null",),
            (None,),
        ],
        "j string",
    )
    golden.check_df(df.select(F.schema_of_variant(F.parse_json("j"))))


def test_schema_of_variant_agg(spark, golden):
    df = spark.createDataFrame(
        [(1, '{"a":1}'), (1, '{"a":"x","b":2}'), (1, '{"b":3.5}'), (2, "1"), (2, "2.5"), (3, None), (4, '[1]'), (4, '[1e0]')],
        "g int, j string",
    )
    golden.check_df(df.groupBy("g").agg(F.schema_of_variant_agg(F.parse_json("j"))).orderBy("g"))


def test_variant_explode_table_functions(spark, golden):
    for i, text in enumerate(['["hello", "world"]', '{"b": 3.14, "a": true}', "[]", "1"]):
        v = F.parse_json(F.lit(text))
        golden.check_df(spark.tvf.variant_explode(v), f"explode_{i}")
        golden.check_df(spark.tvf.variant_explode_outer(v), f"outer_{i}")
    golden.check_df(spark.tvf.variant_explode_outer(F.lit(None).cast("variant")), "outer_null")
    lateral = spark.sql(
        "SELECT t.id, e.* FROM range(2) t, LATERAL variant_explode(parse_json(concat('[', t.id, ', \"a\"]'))) e"
    )
    golden.check_df(lateral, "lateral")
    golden.check_error(lambda: spark.sql("SELECT * FROM variant_explode(1)").collect())


@requires_client("4.1")
def test_variant_edits(spark, golden):
    df = spark.createDataFrame([('{"a":1,"b":{"c":[1,null,2]},"d":null}',), ('{"b":{"c":[]}}',), (None,)], "j string")
    v = F.parse_json("j")
    golden.check_df(
        df.select(
            F.to_json(F.variant_set(v, "$.b.c[1]", F.lit(5))).alias("set"),
            F.to_json(F.variant_set(v, "$.x[2]", F.lit("s"))).alias("set_new"),
            F.to_json(F.variant_set(v, "$.a", F.lit(2), False)).alias("replace"),
            F.to_json(F.try_variant_set(v, "$.a.z", F.lit(1.5))).alias("try_set"),
            F.to_json(F.try_variant_insert(v, "$.a", F.lit(True))).alias("try_insert"),
            F.to_json(F.variant_insert(v, "$.b.c[0]", F.lit(None))).alias("insert"),
            F.to_json(F.variant_delete(v, "$.b.c[0]", "$.a", "$.zz")).alias("delete"),
            F.to_json(F.variant_array_append(v, "$.b.c", F.parse_json(F.lit('{"k":[]}')))).alias("append"),
            F.to_json(F.try_variant_array_append(v, "$.a", F.lit(1))).alias("try_append"),
            F.to_json(F.variant_strip_nulls(v)).alias("strip"),
            F.to_json(F.variant_strip_nulls(v, False)).alias("strip_objects"),
        )
    )
    arrays = spark.createDataFrame([("[1,2]",)], "j string").select(F.parse_json("j").alias("v"))
    golden.check_df(
        arrays.select(
            F.to_json(F.variant_insert("v", "$[0]", F.lit(0))),
            F.to_json(F.variant_insert("v", "$[4]", F.array(F.lit(1), F.lit(2)))),
            F.to_json(F.variant_array_append("v", "$", F.lit("x"))),
        ),
        "arrays",
    )
    golden.check_df(df.select(F.variant_set(v, "$.n", F.lit(2))), "bytes")
    golden.check_error(lambda: df.select(F.variant_insert(v, "$.a", F.lit(2))).collect(), "duplicate")
    golden.check_error(lambda: df.select(F.variant_set(v, "$", F.lit(2))).collect(), "root")
    golden.check_error(lambda: df.select(F.variant_array_append(v, "$.a", F.lit(2))).collect(), "not_array")


@requires_client("4.1")
def test_to_variant_object(spark, golden):
    df = spark.createDataFrame([(1, "x", [1, 2], {"k": 1.5})], "a int, b string, c array<int>, m map<string,double>")
    golden.check_df(df.select(F.to_json(F.to_variant_object(F.struct("a", "b", "c", "m"))), F.to_json(F.to_variant_object("c"))))
    golden.check_error(lambda: df.select(F.to_variant_object("a")).collect())


def test_casts_from_variant(spark, golden):
    df = spark.createDataFrame([('{"a":1}',), ("12",), ('"12"',), ("1.5",), ("null",), ("true",), ('"abc"',), (None,)], "j string")
    v = F.parse_json("j")
    golden.check_df(df.select(v.cast("string").alias("s"), v.try_cast("int").alias("i"), v.try_cast("double").alias("d"), v.try_cast("boolean").alias("b")))
    golden.check_df(spark.sql("SELECT CAST(parse_json('12') AS INT), CAST(parse_json('\"2.50\"') AS DECIMAL(4,2)), CAST(parse_json('null') AS STRING)"), "sql")


@requires_client("4.1")
def test_variant_delete_skips_null_paths(spark, golden):
    df = spark.createDataFrame([('{"a":1,"b":2}', "$.a"), ('{"b":2}', None)], "j string, p string")
    v = F.parse_json("j")
    golden.check_df(df.select(F.to_json(F.variant_delete(v, F.col("p"))), F.to_json(F.variant_delete(v, F.lit(None))), F.to_json(F.variant_set(v, F.col("p"), F.lit(0)))))


def test_casts_from_variant_to_nested_types(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT CAST(parse_json('[1,2]') AS ARRAY<INT>), parse_json('{\"a\":1,\"b\":\"x\"}')::STRUCT<a INT, b STRING>, "
            "parse_json('{\"a\":1,\"b\":2}')::MAP<STRING, INT>, "
            "CAST(parse_json('{\"a\":[1,null],\"c\":{\"d\":1.5},\"z\":0}') AS STRUCT<a ARRAY<STRING>, b INT, c MAP<STRING, DOUBLE>>) AS n, "
            "CAST(parse_json('[[1],null,[2,\"3\",true]]') AS ARRAY<ARRAY<BIGINT>>) AS aa, CAST(parse_json('null') AS ARRAY<INT>) AS jn, "
            "CAST(parse_json('{\"A\":1,\"a\":2}') AS STRUCT<A INT, b INT>) AS k, CAST(parse_json('[1.5,true,\"7\"]') AS ARRAY<INT>) AS t, "
            "CAST(parse_json('[{\"a\":1},[2]]') AS ARRAY<STRING>) AS js, CAST(parse_json('{\"a\":{\"b\":[1]}}') AS STRUCT<a VARIANT>).a AS inner_variant"
        )
    )
    golden.check_df(spark.sql("SELECT to_json(CAST(parse_json('[1,{\"b\":2},null]') AS ARRAY<VARIANT>)), to_json(CAST(parse_json('{\"k\":[1]}') AS MAP<STRING, VARIANT>))"), "variants")
    golden.check_df(
        spark.sql(
            "SELECT TRY_CAST(parse_json('[1,\"x\"]') AS ARRAY<INT>) AS a, TRY_CAST(parse_json('1') AS MAP<STRING, INT>) AS m, "
            "try_variant_get(parse_json('{\"a\":\"x\",\"b\":2}'), '$', 'struct<a int, b int>') AS s, "
            "try_variant_get(parse_json('[1]'), '$', 'struct<a int>') AS not_object"
        ),
        "try",
    )
    golden.check_error(lambda: spark.sql("SELECT CAST(parse_json('[1,\"x\"]') AS ARRAY<INT>)").collect(), "element")
    golden.check_error(lambda: spark.sql("SELECT CAST(parse_json('1') AS ARRAY<INT>)").collect(), "not_array")
    golden.check_error(lambda: spark.sql("SELECT CAST(parse_json('[1]') AS STRUCT<a INT>)").collect(), "not_object")
    golden.check_error(lambda: spark.sql("SELECT CAST(parse_json('{\"a\":{\"b\":1}}') AS MAP<STRING, ARRAY<INT>>)").collect(), "nested")
    golden.check_error(lambda: spark.sql("SELECT CAST(parse_json('{\"a\":1}') AS MAP<INT, INT>)").collect(), "int_keys")
    golden.check_error(lambda: spark.sql("SELECT variant_get(parse_json('1'), '$', 'interval day to second')").collect(), "interval")


def test_scalar_casts_from_variant_fail_as_spark(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT CAST(parse_json('\"x\"') AS INT)").collect(), "string")
    golden.check_error(lambda: spark.sql("SELECT CAST(parse_json('1e10') AS INT)").collect(), "overflow")
    golden.check_error(lambda: spark.sql("SELECT CAST(parse_json('1') AS BINARY)").collect(), "binary")
    golden.check_df(spark.sql("SELECT TRY_CAST(parse_json('1e10') AS INT), TRY_CAST(parse_json('\"x\"') AS INT)"), "try")


@requires_client("4.1")
def test_variant_get_nested_types_and_column_paths(spark, golden):
    df = spark.createDataFrame([('{"a":1,"c":[1,2],"m":{"x":1.5}}', "$.a"), ('{"b":2,"c":null}', "$.b"), (None, "$")], "j string, p string")
    v = F.parse_json("j")
    golden.check_df(
        df.select(
            F.variant_get(v, "$.c", "array<int>"),
            F.variant_get(v, "$", "struct<a int, b long, m map<string, double>>"),
            F.try_variant_get(v, "$.m", "map<string, boolean>"),
            F.variant_get(v, F.col("p"), "int"),
            F.try_variant_get(v, F.col("p"), "binary"),
        )
    )
    golden.check_error(lambda: df.select(F.variant_get(v, "$.a", "binary")).collect(), "scalar")
    golden.check_error(lambda: df.select(F.variant_get(v, "$.c", "map<string, int>")).collect(), "shape")
    bad = spark.createDataFrame([('{"a":1}', "x")], "j string, p string")
    golden.check_error(lambda: bad.select(F.try_variant_get(F.parse_json("j"), F.col("p"), "int")).collect(), "column_path")


def test_casts_to_variant(spark, golden):
    df = spark.sql(
        "SELECT CAST(date('2021-01-01') AS VARIANT) AS d, CAST(binary(X'324FA69E') AS VARIANT) AS b, CAST(float(-5.5) AS VARIANT) AS f, "
        "CAST(CAST('1940-01-01 12:33:01.123' AS TIMESTAMP_NTZ) AS VARIANT) AS ntz, CAST(CAST('2000-01-01 00:00:00' AS TIMESTAMP) AS VARIANT) AS ts, "
        "CAST(array(array(1), NULL) AS VARIANT) AS a, CAST(decimal('1.5') AS VARIANT) AS dec, CAST(NULL AS VARIANT) AS n"
    )
    rows = df.collect()
    golden.check("schema", df.schema.simpleString())
    golden.check("bytes", [None if v is None else [v.value.hex(), v.metadata.hex()] for v in rows[0]])
    golden.check_df(
        spark.sql(
            "SELECT to_json(CAST(date('2021-01-01') AS VARIANT)), to_json(CAST(binary(X'324FA69E') AS VARIANT)), "
            "to_json(CAST(CAST('1940-01-01 12:33:01.123' AS TIMESTAMP_NTZ) AS VARIANT)), variant_get(CAST(date('2021-01-01') AS VARIANT), '$', 'date'), "
            "int('3'), float('2.5'), string(1), boolean('true'), bigint(parse_json('7'))"
        ),
        "rendered",
    )
    golden.check_error(lambda: spark.sql("SELECT CAST(named_struct('a', 1) AS VARIANT)").collect(), "struct")
    golden.check_error(lambda: spark.sql("SELECT CAST(map('a', 1) AS VARIANT)").collect(), "map")
