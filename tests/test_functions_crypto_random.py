"""aes_encrypt/aes_decrypt/try_aes_decrypt in Spark's byte layouts (GCM,
CBC, ECB; IV and AAD; Spark's errors for bad keys, IVs and modes), reflect/
java_method/try_reflect of common JDK static methods, and the seeded
uniform/randstr."""

import pytest
from pyspark.sql import functions as F

KEY = "1234567890abcdef"


def test_aes_decrypts_spark_output(spark, golden):
    # Ciphertexts written by Spark 4.3 (ECB from its documentation; GCM and CBC with zero IVs).
    golden.check_df(
        spark.sql(
            f"SELECT CAST(aes_decrypt(unbase64('3lmwu+Mw0H3fi5NDvcu9lg=='), '{KEY}', 'ECB', 'PKCS') AS STRING) ecb, "
            f"CAST(aes_decrypt(unbase64('AAAAAAAAAAAAAAAARllrLeC8LhIyQ/iDPsKwQPh4/3Zi'), '{KEY}', 'GCM', 'DEFAULT', 'aad') AS STRING) gcm, "
            f"CAST(aes_decrypt(unbase64('AAAAAAAAAAAAAAAAAAAAAI3n23miPz6O1TCZTd6piRM='), '{KEY}', 'CBC') AS STRING) cbc"
        )
    )


def test_aes_encrypt_layouts(spark, golden):
    golden.check_df(
        spark.sql(
            f"SELECT base64(aes_encrypt('Spark', '{KEY}', 'GCM', 'DEFAULT', unhex('000000000000000000000000'), 'aad')) gcm, "
            f"base64(aes_encrypt('Spark', '{KEY}', 'CBC', 'DEFAULT', unhex('00000000000000000000000000000000'))) cbc, "
            f"base64(aes_encrypt('Spark SQL', '{KEY}', 'ECB')) ecb"
        )
    )


def test_aes_round_trip_and_names(spark, golden):
    df = spark.createDataFrame([("Spark SQL",), ("",), (None,)], "s string")
    for key in ["abcdefghijklmnop", "abcdefghijklmnop12345678", "abcdefghijklmnop1234567890123456"]:
        for mode in ["GCM", "CBC", "ECB"]:
            sealed = F.aes_encrypt("s", F.lit(key), F.lit(mode))
            opened = F.aes_decrypt(sealed, F.lit(key), F.lit(mode)).cast("string")
            golden.check_df(df.select(opened.alias("s")), f"{mode}-{len(key)}")
    golden.check_df(df.select(F.aes_encrypt("s", F.lit(KEY), F.lit("ECB"))), "ecb-name")
    garbage = spark.createDataFrame([(bytearray(b"not sealed"),), (None,)], "b binary")
    golden.check_df(garbage.select(F.try_aes_decrypt("b", F.lit(KEY))), "try")


def test_aes_errors(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT aes_encrypt('x', 'abc')").collect(), "key")
    golden.check_error(lambda: spark.sql(f"SELECT aes_encrypt('x', '{KEY}', 'ECB', 'NONE')").collect(), "mode")
    golden.check_error(lambda: spark.sql(f"SELECT aes_encrypt('x', '{KEY}', 'GCM', 'DEFAULT', 'abc')").collect(), "iv")
    golden.check_error(
        lambda: spark.sql(f"SELECT aes_decrypt(unbase64('3lmwu+Mw0H3fi5NDvcu9lg=='), '1234567890abcdeX', 'ECB')").collect(),
        "padding",
    )
    golden.check_df(spark.sql("SELECT try_aes_decrypt(X'01', 'abc')"), "try")


def test_reflect(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT reflect('java.lang.Math', 'abs', -3), java_method('java.lang.String', 'valueOf', 3), "
            "reflect('java.lang.Integer', 'parseInt', '42'), reflect('java.lang.Math', 'sqrt', 2D), "
            "reflect('java.lang.Math', 'floor', 2.5D), reflect('java.lang.Math', 'round', -2.5D), reflect('java.lang.Math', 'max', 3, 7), "
            "reflect('java.net.URLEncoder', 'encode', 'a b&c', 'UTF-8'), reflect('java.net.URLDecoder', 'decode', 'a%20b', 'UTF-8'), "
            "reflect('java.util.UUID', 'fromString', 'A5CF6C42-0C85-418F-AF6C-3E4E5B1328F2'), "
            "reflect('java.util.UUID', 'randomUUID') IS NOT NULL, try_reflect('java.lang.Integer', 'parseInt', 'x')"
        )
    )
    golden.check_error(lambda: spark.sql("SELECT reflect('java.lang.Foo', 'bar')").collect(), "class")
    golden.check_error(lambda: spark.sql("SELECT reflect('java.lang.Math', 'nosuch', 1)").collect(), "method")
    golden.check_error(lambda: spark.sql("SELECT reflect('java.lang.Math', 'sqrt', 2)").collect(), "types")


def test_uniform_and_randstr(spark, golden):
    df = spark.range(3).coalesce(1)
    golden.check_df(df.select(F.uniform(F.lit(0), F.lit(10), F.lit(42)), F.randstr(F.lit(5), F.lit(42))))
    golden.check_df(
        spark.sql("SELECT uniform(1.5, 10, 3), uniform(1, 10L, 3), uniform(1.5f, 2, 3), uniform(1, 2.5d, 3), randstr(0, 1), uniform(1, 5, NULL)"),
        "types",
    )
