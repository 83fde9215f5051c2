"""DataFrame.to(schema) (the ToSchema relation) checked against Spark:
columns matched by name, reordered and cast by the ANSI store assignment
rules, missing nullable columns filled with NULL, struct fields matched by
name at every depth (also inside arrays and maps), the schema's nullability
and metadata, and the errors for what cannot be matched."""

from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType, DecimalType, IntegerType, LongType, MapType, ShortType, StringType, StructField, StructType,
)


def _df(spark):
    schema = StructType([StructField("i", StringType(), True), StructField("j", IntegerType(), True)])
    return spark.createDataFrame([("a", 1), ("b", None)], schema)


def test_to_reorders_and_casts(spark, golden):
    df = _df(spark)
    golden.check_df(df.to(StructType([StructField("j", StringType()), StructField("i", StringType())])), "reordered")
    golden.check_df(df.to(StructType([StructField("j", LongType())])), "subset_widened")
    golden.check_df(df.to(StructType([StructField("J", ShortType()), StructField("k", LongType())])), "case_and_missing")
    golden.check_df(df.to(StructType([StructField("j", DecimalType(5, 1), True, {"comment": "x"})])), "metadata")
    golden.check_df(spark.range(2).to(StructType([StructField("id", LongType(), True)])), "made_nullable")
    golden.check_df(spark.range(2).to(StructType([StructField("id", IntegerType(), False)])), "kept_non_null")


def test_to_nested(spark, golden):
    df = _df(spark).select(F.struct("i", "j").alias("s"), F.array(F.struct("i", "j")).alias("a"),
                           F.create_map(F.lit(1), F.struct("i", "j")).alias("m"))
    inner = StructType([StructField("j", StringType()), StructField("i", StringType()), StructField("x", LongType())])
    golden.check_df(df.to(StructType([
        StructField("m", MapType(LongType(), inner)),
        StructField("a", ArrayType(inner)),
        StructField("s", inner, False),
    ])), "reordered_fields")
    nullable = spark.sql("SELECT if(id = 0, NULL, named_struct('a', 1, 'b', 2)) AS s FROM range(2)")
    golden.check_df(nullable.to(StructType([StructField("s", StructType([StructField("b", LongType()), StructField("a", IntegerType())]))])),
                    "null_struct")


def test_to_errors(spark, golden):
    df = _df(spark)
    golden.check_error(lambda: df.to(StructType([StructField("j", LongType(), False)])).count(), "nullable_column")
    golden.check_error(lambda: df.to(StructType([StructField("i", LongType())])).count(), "string_to_bigint")
    golden.check_error(lambda: df.to(StructType([StructField("k", LongType(), False)])).count(), "missing_non_null")
    golden.check_error(lambda: df.select("i", "j", F.col("j").alias("J")).to(StructType([StructField("j", IntegerType())])).count(),
                       "ambiguous")
    golden.check_error(lambda: spark.sql("SELECT 100000 AS j").to(StructType([StructField("j", ShortType())])).collect(), "overflow")
    structs = df.select(F.struct("i", "j").alias("s"))
    golden.check_error(lambda: structs.to(StructType([StructField("s", StructType([StructField("x", StringType(), False)]))])).count(),
                       "missing_field")
    golden.check_error(lambda: structs.to(StructType([StructField("s", StructType([StructField("i", IntegerType())]))])).count(),
                       "field_type")
    golden.check_error(lambda: structs.to(StructType([StructField("s", LongType())])).count(), "struct_to_bigint")
    arrays = spark.sql("SELECT array(1, NULL) AS a, map(1, CAST(NULL AS INT)) AS m")
    golden.check_error(lambda: arrays.to(StructType([StructField("a", ArrayType(IntegerType(), False))])).count(), "array_element")
    golden.check_error(lambda: arrays.to(StructType([StructField("m", MapType(IntegerType(), IntegerType(), False))])).count(),
                       "map_value")
