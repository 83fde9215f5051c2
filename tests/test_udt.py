"""User-defined types: ML vectors (`VectorUDT`) travel through plans and back to the client as their objects."""

from pyspark.ml.linalg import Vectors
from pyspark.sql import functions as F


def vectors(spark):
    return spark.createDataFrame([(1, Vectors.dense([1.0, 2.0])), (2, Vectors.sparse(3, [0], [4.0])), (3, None)], ["id", "features"])


def test_vectors_round_trip(spark, golden):
    df = vectors(spark)
    golden.check("schema", df.schema.simpleString())
    golden.check_df(df.orderBy("id"), "collected")
    golden.check_df(df.filter("id > 1").select("features").orderBy("id"), "filtered")
    golden.check_df(df.union(df).orderBy(F.desc("id")), "union")
    golden.check_df(df.select(F.struct("id", "features").alias("s")).orderBy("id"), "in_a_struct")
    golden.check_df(df.withColumnRenamed("features", "f").orderBy(F.desc("id")), "renamed")
    golden.check("pandas", df.orderBy("id").toPandas().to_string())


def test_vectors_through_a_temp_view(spark, golden):
    vectors(spark).createOrReplaceTempView("udt_vectors")
    golden.check_df(spark.sql("SELECT * FROM udt_vectors WHERE id = 1"), "sql")
