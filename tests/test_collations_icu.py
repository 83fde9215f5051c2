"""Spark's string collations beyond UTF8_BINARY: UTF8_LCASE, the ICU ones (UNICODE,
UNICODE_CI, UNICODE_AI, locales such as de, sv, sr_Cyrl_SRB) and their _CI/_AI/_RTRIM
specifiers. Collated types in schemas (createDataFrame, DDL, UDF and UDTF return types),
COLLATE and collate()/collation(), comparisons, ORDER BY, DISTINCT, GROUP BY, joins, the
substring searches that honour collations, the collations() table, and the errors."""

from pyspark.sql import functions as F
from pyspark.sql.functions import udf
from pyspark.sql.types import StringType, StructField, StructType

WORDS = ["Alice", "alice", "ALICE", "Ärger", "arger", "Zebra", "zebra", "öl", "Öl", "ol", "Ol", "café", "cafe", "CAFÉ", "Ωmega", "ωmega", "abc  ", "abc"]


def words(spark, collation):
    schema = StructType([StructField("w", StringType(collation)), StructField("i", StringType())])
    return spark.createDataFrame([(w, str(i)) for i, w in enumerate(WORDS)], schema)


def test_collate_and_collation(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT 'abc' COLLATE UTF8_LCASE, collation('a' COLLATE unicode_ci), collation('a' collate UNICODE_ai_ci), "
            "collation('a' COLLATE unicode_cs_as), collation('a' COLLATE sr_cyrl_srb_rtrim), collation('a' COLLATE system.builtin.de), "
            "collation('a'), typeof('a' COLLATE en_USA_CI)"
        ),
        "sql",
    )
    df = spark.createDataFrame([("a",), ("b",)], ["name"])
    golden.check_df(df.select(F.collation(F.collate("name", "UNICODE")), F.collate("name", "de_CI_AI")).distinct(), "dataframe", ordered=False)


def test_collated_schemas(spark, golden):
    schema = StructType([StructField("a", StringType("UNICODE_CI")), StructField("b", StringType("UTF8_LCASE")), StructField("c", StringType())])
    df = spark.createDataFrame([("x", "y", "z")], schema)
    golden.check_df(df, "create_df")
    golden.check("to", str(df.to(StructType([StructField("n", StringType("de_AI"))])).schema))
    golden.check("ddl", str(spark.createDataFrame([("x", "y")], "s string collate UNICODE_RTRIM, t string").schema))
    golden.check_df(df.select("a", F.upper("a").alias("u"), F.concat("a", F.lit("!")).alias("c")), "derived")


def test_comparisons(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT 'Alice' COLLATE UNICODE_CI = 'ALICE', 'café' COLLATE UNICODE_CI = 'cafe', 'café' COLLATE UNICODE_CI_AI = 'CAFE', "
            "'a' COLLATE UNICODE_AI = 'A', 'à' COLLATE UNICODE_AI = 'a', 'abc  ' COLLATE UTF8_BINARY_RTRIM = 'abc', "
            "'ABC' COLLATE UTF8_LCASE = 'abc', 'a' COLLATE UNICODE < 'B', 'a' < 'B', 'ö' COLLATE sv > 'z', 'ö' COLLATE de > 'z', "
            "'Alice' COLLATE UNICODE_CI <=> 'alice', 'Alice' COLLATE UNICODE_CI != 'alice'"
        )
    )


def test_order_by(spark, golden):
    for collation in ["UTF8_BINARY", "UTF8_LCASE", "UNICODE", "UNICODE_CI", "de", "sv", "UNICODE_CI_AI"]:
        rows = words(spark, collation).orderBy("w", "i").collect()
        golden.check(f"order_{collation}", [r.w for r in rows])
    golden.check_df(spark.sql("SELECT w FROM VALUES ('b'), ('A'), ('a'), ('B') AS t(w) ORDER BY w COLLATE UNICODE, w"), "sql")


def test_distinct_and_group_by(spark, golden):
    schema = StructType([StructField("name", StringType("UNICODE_CI"), True)])
    df = spark.createDataFrame([("Alice",), ("alice",)], schema)
    golden.check("distinct_count", df.select("name").distinct().count())
    for collation in ["UTF8_LCASE", "UNICODE_CI", "UNICODE_CI_AI", "UNICODE_AI", "UTF8_BINARY_RTRIM"]:
        grouped = words(spark, collation).groupBy("w").agg(F.count("*").alias("n")).select(F.col("n"))
        golden.check_df(grouped, f"groups_{collation}", ordered=False)
        golden.check(f"distinct_{collation}", words(spark, collation).select("w").distinct().count())


def test_joins(spark, golden):
    left = spark.createDataFrame([("Alice", 1), ("Bob", 2)], StructType([StructField("k", StringType("UNICODE_CI")), StructField("v", StringType())]))
    right = spark.createDataFrame([("ALICE", "x"), ("bob", "y"), ("carol", "z")], "k2 string, w string")
    golden.check_df(left.join(right, left.k == F.collate(right.k2, "UNICODE_CI")).select("v", "w"), ordered=False)


def test_substring_searches(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT contains(a, 'LI'), startswith(a, 'AL'), endswith(a, 'CE'), instr(a, 'IC'), contains(a, 'x') "
            "FROM VALUES ('Alice' COLLATE UNICODE_CI) AS t(a)"
        ),
        "unicode_ci",
    )
    golden.check_df(
        spark.sql("SELECT contains('Café' COLLATE UNICODE_CI_AI, 'FE'), startswith('ABC' COLLATE UTF8_LCASE, 'ab')"),
        "others",
    )


def test_udf_and_udtf_types(spark, golden):
    @udf("string collate fr")
    def describe(value):
        return "%s - %s" % (type(value).__name__, value)

    df = spark.createDataFrame([("hello",)], StructType([StructField("c", StringType("UNICODE"))]))
    golden.check_df(df.select(describe("c").alias("r")), "udf")


def test_collations_table(spark, golden):
    table = spark.sql("SELECT * FROM collations()")
    golden.check("count", table.count())
    golden.check_df(spark.sql("SELECT * FROM collations() WHERE NAME LIKE 'UNICODE%' OR NAME LIKE 'sr_Cyrl_SRB%' OR NAME LIKE 'UTF8%' ORDER BY NAME"), "some")


def test_errors(spark, golden):
    for name in ["unicod", "en_us", "en_CI_CS", "UTF8_LCASE_CS", "en_XX", "UNICODE_CI_CI"]:
        golden.check_error(lambda: spark.sql(f"SELECT 'a' COLLATE {name}").collect(), f"invalid_{name}")
    golden.check_error(lambda: spark.sql("SELECT 'a' COLLATE UNICODE_CI = 'b' COLLATE UNICODE").collect(), "explicit_mismatch")
    df = spark.createDataFrame([("a", "b")], StructType([StructField("x", StringType("UNICODE_CI")), StructField("y", StringType())]))
    golden.check_error(lambda: df.select(F.col("x") == F.col("y")).collect(), "implicit_mismatch")
    golden.check_error(lambda: spark.createDataFrame([("a",)], "s string collate nope").collect(), "ddl")
    golden.check_df(df.select(F.col("x") == F.collate(F.col("y"), "UNICODE_CI")), "explicit_wins")
