"""`spark.catalog.functionExists` for built-in functions and registered UDFs."""


def test_function_exists(spark, golden):
    spark.udf.register("plus_one_udf", lambda x: x + 1, "int")
    names = ["abs", "ABS", "upper", "explode", "count", "date_add", "plus_one_udf", "no_such_function"]
    golden.check("exists", {name: spark.catalog.functionExists(name) for name in names})
    spark.sql("DROP TEMPORARY FUNCTION plus_one_udf")
    golden.check("dropped", spark.catalog.functionExists("plus_one_udf"))
