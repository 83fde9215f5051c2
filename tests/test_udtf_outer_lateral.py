"""Python table functions in outer and conditional lateral joins (SQL
`LEFT JOIN LATERAL … ON …`, `lateralJoin(…, how="left")`), and pickled
UDTF rows converted to the declared types as Spark's JVM does."""

import pytest
from pyspark.sql.functions import col, udtf


@pytest.fixture
def up_to(spark):
    @udtf(returnType="v int")
    class UpTo:
        def eval(self, n):
            for i in range(n):
                yield (i,)

    spark.udtf.register("up_to", UpTo)
    df = spark.createDataFrame([(1, 2), (2, 0), (3, 1), (4, 3)], "id int, n int")
    df.createOrReplaceTempView("outer_lateral_input")
    yield UpTo, df
    spark.catalog.dropTempView("outer_lateral_input")


def test_udtf_left_join_lateral_in_sql(spark, golden, up_to):
    sql = spark.sql
    golden.check_df(sql("SELECT * FROM outer_lateral_input LEFT JOIN LATERAL up_to(n)"), name="left", ordered=False)
    golden.check_df(
        sql("SELECT id, u.v FROM outer_lateral_input t LEFT OUTER JOIN LATERAL up_to(t.n) u ON u.v > 0"),
        name="left_on",
        ordered=False,
    )
    golden.check_df(
        sql("SELECT id, v FROM outer_lateral_input JOIN LATERAL up_to(n) ON v >= id - 2"), name="inner_on", ordered=False
    )
    golden.check_df(sql("SELECT id, v FROM outer_lateral_input, LATERAL up_to(n)"), name="comma", ordered=False)
    golden.check_error(lambda: sql("SELECT * FROM outer_lateral_input RIGHT JOIN LATERAL up_to(n)").collect(), name="right")


def test_udtf_left_lateral_join_in_the_dataframe_api(spark, golden, up_to):
    UpTo, df = up_to
    golden.check_df(df.lateralJoin(UpTo(col("n").outer()), how="left"), name="left", ordered=False)
    golden.check_df(
        df.lateralJoin(UpTo(col("n").outer()).alias("u"), on=col("u.v") > 0, how="left"), name="left_on", ordered=False
    )
    golden.check_df(df.lateralJoin(UpTo(col("n").outer()).alias("u"), on=col("u.v") > 0), name="inner_on", ordered=False)


def test_udtf_without_arguments_in_a_lateral_join(spark, golden):
    @udtf(returnType="a int")
    class TwoRows:
        def eval(self):
            yield (1,)
            yield (2,)

    golden.check_df(spark.range(3, numPartitions=1).lateralJoin(TwoRows()), ordered=False)


CASES = {
    "int_from_float": ("x int", 1.5),
    "int_from_string": ("x int", "7"),
    "string_from_int": ("x string", 5),
    "double_from_int": ("x double", 3),
    "boolean_from_int": ("x boolean", 1),
    "int_wraps": ("x int", 2**40 + 7),
    "tinyint_wraps": ("x tinyint", 300),
    "bigint_too_big": ("x bigint", 2**70),
    "bigint_from_bool": ("x bigint", True),
    "decimal_from_float": ("x decimal(5,2)", 1.234),
    "float_from_int": ("x float", 2),
    "string_from_list": ("x string", [0, 1.1, 2]),
    "string_from_dict": ("x string", {"a": 0, "b": 1.1}),
    "array_mixed": ("x array<int>", [0, 1.1, 2]),
    "map_mixed": ("x map<string,int>", {"a": 0, "b": 1.1}),
    "struct_from_dict": ("x struct<a:int,b:double>", {"a": 0, "b": 1.1}),
    "date_from_string": ("x date", "2024-01-01"),
    "binary_from_string": ("x binary", "hi"),
}


@pytest.mark.parametrize("use_arrow", [False, True], ids=["pickled", "arrow"])
def test_udtf_rows_are_cast_to_the_return_type(spark, golden, use_arrow):
    for name, (return_type, value) in CASES.items():

        @udtf(returnType=return_type, useArrow=use_arrow)
        class Loose:
            def eval(self, v=value):
                yield (v,)

        try:
            golden.check("rows_" + name, [repr(r) for r in Loose().collect()])
        except Exception as exc:  # noqa: BLE001 - Spark's error is the expected outcome
            lines = [line for line in str(exc).rstrip().split("\n") if "SQLSTATE" not in line]
            golden.check("error_" + name, lines[-1])
