"""User-defined types: ML vectors (`VectorUDT`), a JVM UDT (Spark's test
`ExamplePointUDT`) and Python-only UDTs travel through plans, inside arrays,
maps and structs, through Python UDFs and UDTFs and Parquet files, and back
to the client as their objects."""

import glob
import json

import pyarrow.parquet as pq
from pyspark.ml.linalg import Vectors
from pyspark.sql import Row
from pyspark.sql import functions as F
from pyspark.sql.functions import udtf
from pyspark.sql.types import ArrayType, DoubleType, MapType, StringType, StructField, StructType
from pyspark.testing.objects import ExamplePoint, ExamplePointUDT, PythonOnlyPoint, PythonOnlyUDT


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


def points(spark):
    schema = StructType([StructField("label", DoubleType(), False), StructField("point", ExamplePointUDT(), True), StructField("pypoint", PythonOnlyUDT(), True)])
    rows = [(1.0, ExamplePoint(1.0, 2.0), PythonOnlyPoint(3.0, 4.0)), (2.0, None, None), (3.0, ExamplePoint(-0.5, 1e10), PythonOnlyPoint(0.0, 2.5))]
    return spark.createDataFrame(rows, schema)


def test_python_only_udt_inferred(spark, golden):
    df = spark.createDataFrame([Row(p=PythonOnlyPoint(1.0, 2.0)), Row(p=None)])
    golden.check("schema", repr(df.schema))
    golden.check("rows", [repr(r) for r in df.collect()])
    df = spark.createDataFrame([(1.0, ExamplePoint(1.0, 2.0))], ["label", "point"])
    golden.check("jvm_schema", repr(df.schema))
    golden.check("jvm_rows", [repr(r) for r in df.collect()])


def test_points_with_a_schema(spark, golden):
    df = points(spark)
    golden.check("schema", repr(df.schema))
    golden.check("dtypes", df.dtypes)
    golden.check_df(df.orderBy("label"), "collected")
    golden.check_df(df.union(df).orderBy(F.desc("label")), "union")
    golden.check_df(df.select(F.struct("point", "pypoint").alias("s")).orderBy("label"), "in_a_struct")
    golden.check("pandas", [repr(v) for v in df.orderBy("label").toPandas()["point"]])
    df.createOrReplaceTempView("udt_points")
    golden.check_df(spark.sql("SELECT point, pypoint FROM udt_points WHERE label = 1.0"), "sql")


def test_points_cast(spark, golden):
    df = points(spark)
    golden.check_df(df.select(F.col("point").cast("string"), F.col("pypoint").cast("string")).orderBy("label"), "to_string")
    golden.check_df(df.select(F.col("point").cast(ExamplePointUDT()), F.col("pypoint").cast(PythonOnlyUDT())).orderBy("label"), "to_same_udt")
    golden.check_error(lambda: df.select(F.col("point").cast(PythonOnlyUDT())).collect(), "to_other_udt")
    golden.check_error(lambda: df.select(F.col("pypoint").cast(ExamplePointUDT())).collect(), "to_other_jvm_udt")


def test_points_in_arrays_maps_and_structs(spark, tmp_path, golden):
    schema = (
        StructType()
        .add("point", ExamplePointUDT())
        .add("struct", StructType().add("point", ExamplePointUDT()))
        .add("array", ArrayType(ExamplePointUDT()))
        .add("map", MapType(StringType(), PythonOnlyUDT()))
    )
    data = [Row(ExamplePoint(1.0, 2.0), Row(ExamplePoint(3.0, 4.0)), [ExamplePoint(5.0, 6.0), None], dict(p=PythonOnlyPoint(7.0, 8.0))), Row(None, None, None, None)]
    df = spark.createDataFrame(data, schema)
    golden.check("schema", repr(df.schema))
    golden.check("rows", [repr(r) for r in df.collect()])
    golden.check("show", df._show_string(20, 20, False).splitlines())
    golden.check("pandas", [[repr(v) for v in row] for row in df.toPandas().itertuples(index=False, name=None)])
    golden.check("arrow", repr(df.toArrow().schema))
    arrow_df = spark.createDataFrame(df.toPandas(), schema)
    golden.check("from_pandas", [repr(r) for r in arrow_df.collect()])
    df.write.parquet(str(tmp_path / "nested"))
    read = spark.read.parquet(str(tmp_path / "nested"))
    golden.check("parquet_schema", repr(read.schema))
    golden.check("parquet_rows", sorted(repr(r) for r in read.collect()))


def test_collect_list_of_a_udt_fed_to_udfs(spark, golden):
    schema = StructType().add("key", "long").add("val", PythonOnlyUDT())
    df = spark.createDataFrame([(i % 3, PythonOnlyPoint(float(i), float(i))) for i in range(6)], schema=schema)
    golden.check("schema", repr(df.groupby("key").agg(F.collect_list("val").alias("vals")).schema))
    grouped = df.groupby("key").agg(F.sort_array(F.collect_list("val")).alias("vals"))
    golden.check("grouped", [repr(r) for r in grouped.orderBy("key").collect()])
    for use_arrow in (False, True):
        first = F.udf(lambda k, v: [(k, v[0])], ArrayType(df.schema), useArrow=use_arrow)
        golden.check_df(grouped.select("key", first("key", "vals").alias("first")).orderBy("key"), f"udf_arrow_{use_arrow}")


def test_udfs_taking_and_returning_udts(spark, golden):
    df = points(spark).filter("label <> 2.0")
    for use_arrow in (False, True):
        y = F.udf(lambda p: p.y, DoubleType(), useArrow=use_arrow)
        moved = F.udf(lambda p: ExamplePoint(p.x + 1, p.y + 1), ExamplePointUDT(), useArrow=use_arrow)
        py_moved = F.udf(lambda p: PythonOnlyPoint(p.x * 2, p.y * 2), PythonOnlyUDT(), useArrow=use_arrow)
        golden.check_df(df.select(y("point").alias("y"), moved("point").alias("moved"), py_moved("pypoint").alias("py_moved")).orderBy("y"), f"arrow_{use_arrow}")
    spark.udf.register("udt_point_of", lambda x: PythonOnlyPoint(float(x), float(x)) if x > 0 else None, PythonOnlyUDT())
    golden.check_df(spark.range(0, 3, 1, 1).selectExpr("id", "udt_point_of(id) AS p").orderBy("id"), "registered")


def test_udtfs_taking_and_returning_udts(spark, golden):
    @udtf(returnType=StructType().add("point", ExamplePointUDT()).add("pypoint", PythonOnlyUDT()))
    class Points:
        def eval(self, x: float, y: float):
            yield ExamplePoint(x * 10, y * 10), PythonOnlyPoint(x, y)

    golden.check_df(Points(F.lit(1.0), F.lit(2.0)), "returning")

    @udtf(returnType="x: double, y: double")
    class Coordinates:
        def eval(self, point: ExamplePoint):
            yield point.x * 10, point.y * 10

    df = points(spark).filter("label = 1.0").select("point")
    golden.check_df(df.lateralJoin(Coordinates(F.col("point").outer())), "taking")


def test_points_parquet_round_trip(spark, tmp_path, golden):
    path = str(tmp_path / "points")
    points(spark).write.parquet(path)
    df = spark.read.parquet(path)
    golden.check("schema", repr(df.schema))
    golden.check_df(df.orderBy("label"), "read")
    footer = pq.read_metadata(glob.glob(path + "/*.parquet")[0]).metadata
    golden.check("spark_row_metadata", json.loads(footer[b"org.apache.spark.sql.parquet.row.metadata"]))
