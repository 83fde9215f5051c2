"""Errors reach the client as the same PySpark exceptions, conditions and parameters.

After every error the same session must keep answering.
"""

import pytest
from pyspark.errors import AnalysisException, ArithmeticException, ParseException
from pyspark.sql import functions as F


def still_answers(spark):
    assert spark.range(3).count() == 3


@pytest.fixture
def df(spark):
    return spark.createDataFrame([(1, "a", 2.0)], "id int, name string, value double")


def test_unresolved_column_with_suggestion(spark, df, golden):
    exc = golden.check_error(lambda: df.select("nme").collect())
    assert isinstance(exc, AnalysisException)
    still_answers(spark)


def test_unresolved_column_in_filter_string(spark, df, golden):
    golden.check_error(lambda: df.filter("valu > 1").collect())
    still_answers(spark)


def test_unresolved_column_in_sql(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT idd FROM range(3)").collect())
    still_answers(spark)


def test_unresolved_column_raised_at_schema_access(spark, df, golden):
    golden.check_error(lambda: df.select(F.col("missing") + 1).schema)
    still_answers(spark)


def test_table_or_view_not_found_table(spark, golden):
    exc = golden.check_error(lambda: spark.table("no_such_table_xyz").collect())
    assert isinstance(exc, AnalysisException)
    still_answers(spark)


def test_table_or_view_not_found_sql(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT * FROM no_such_view_xyz").collect())
    still_answers(spark)


def test_parse_syntax_error(spark, golden):
    exc = golden.check_error(lambda: spark.sql("SELEC 1"))
    assert isinstance(exc, ParseException)
    still_answers(spark)


def test_invalid_identifier(spark, golden):
    # Spark names an unquoted table name with dashes instead of the syntax error.
    for sql in ["SELECT * FROM non-existing-table", "SELECT * FROM db.a-b.c", "SELECT * FROM x JOIN y - z",
                "INSERT INTO a-b VALUES (1)", "DROP TABLE a-b-c"]:
        exc = golden.check_error(lambda: spark.sql(sql), sql)
        assert isinstance(exc, ParseException)
    still_answers(spark)


def test_parse_error_at_end_of_input(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT 1 +").collect())
    still_answers(spark)


def test_parse_error_in_expr_string(spark, df, golden):
    golden.check_error(lambda: df.selectExpr("id +* 2").collect())
    still_answers(spark)


def test_divide_by_zero_sql(spark, golden):
    exc = golden.check_error(lambda: spark.sql("SELECT 1 / 0").collect())
    assert isinstance(exc, ArithmeticException)
    still_answers(spark)


def test_divide_by_zero_column(spark, golden):
    df = spark.createDataFrame([(1, 0)], "a int, b int")
    golden.check_error(lambda: df.select(F.col("a") / F.col("b")).collect())
    still_answers(spark)


def test_modulo_by_zero_integer(spark, golden):
    df = spark.createDataFrame([(1, 0)], "a int, b int")
    golden.check_error(lambda: df.select(F.col("a") % F.col("b")).collect())
    still_answers(spark)


def test_integer_overflow_under_ansi(spark, golden):
    df = spark.createDataFrame([(2147483647,)], "a int")
    golden.check_error(lambda: df.select(F.col("a") + 1).collect())
    still_answers(spark)


def test_narrow_integer_overflow_names_values(spark, golden):
    df = spark.createDataFrame([(1, 1), (100, 100)], "a tinyint, b smallint")
    golden.check_error(lambda: df.select(F.col("a") + F.col("a")).collect(), "tinyint")
    golden.check_error(lambda: df.select(F.col("b") * F.lit(1000).cast("smallint")).collect(), "smallint")
    golden.check_error(lambda: spark.sql("SELECT 9223372036854775807L - (-1L)").collect(), "bigint")
    still_answers(spark)


def test_cast_invalid_input(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT CAST('abc' AS INT)").collect())
    still_answers(spark)


def test_cast_invalid_input_from_column(spark, golden):
    df = spark.createDataFrame([("1",), ("two",)], "s string")
    golden.check_error(lambda: df.select(F.col("s").cast("bigint")).collect())
    still_answers(spark)


def test_unknown_function(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT no_such_fn(1)").collect())
    still_answers(spark)


def test_wrong_argument_type(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT array_contains(1, 1)").collect())
    still_answers(spark)


def test_wrong_number_of_arguments(spark, df, golden):
    """Counts Spark's function registry rejects fail before the arguments are looked at."""
    for name, call in [
        ("abs", lambda: spark.sql("SELECT abs(1, 2)").collect()),
        ("overlay", lambda: spark.sql("SELECT overlay('a', 'b')").collect()),
        ("count", lambda: spark.sql("SELECT count()").collect()),
        ("bigint", lambda: spark.sql("SELECT bigint()").collect()),
        ("row_number", lambda: spark.sql("SELECT row_number(1) OVER (ORDER BY 1)").collect()),
        ("named_struct", lambda: spark.sql("SELECT named_struct('a')").collect()),
        ("call_function", lambda: df.select(F.call_function("upper", "name", "name")).collect()),
    ]:
        golden.check_error(call, name)
    still_answers(spark)


def test_ambiguous_reference_after_join(spark, golden):
    a = spark.createDataFrame([(1, "x")], "id int, v string")
    b = spark.createDataFrame([(1, "y")], "id int, v string")
    golden.check_error(lambda: a.join(b, a.id == b.id).select("v").collect())
    still_answers(spark)


def test_union_with_different_column_counts(spark, golden):
    a = spark.range(1)
    b = spark.range(1).select("id", F.lit(1))
    golden.check_error(lambda: a.union(b).collect())
    still_answers(spark)


def test_error_inside_larger_plan_keeps_session(spark, golden):
    df = spark.range(10).select((F.lit(10) / (F.col("id") - 5)).alias("v"))
    golden.check_error(lambda: df.collect())
    golden.check_df(spark.range(2), "after")


def test_partition_transform_outside_partitioned_by(spark, golden):
    from pyspark.sql.functions.partitioning import bucket, days, hours, months, years

    df = spark.createDataFrame([(1, "2000-01-01 00:00:00")], "id int, ts string").selectExpr("id", "CAST(ts AS TIMESTAMP) AS ts")
    for name, transform in [("years", years("ts")), ("months", months("ts")), ("days", days("ts")), ("hours", hours("ts")),
                            ("bucket", bucket(2, "id"))]:
        golden.check_error(lambda: df.select(transform).collect(), name)
    golden.check_error(lambda: df.filter(days("ts") > 1).collect(), "in_filter")
    # SQL has no such functions.
    golden.check_error(lambda: spark.sql("SELECT years(current_date())").collect(), "sql")
    still_answers(spark)


def test_filters_of_no_boolean(spark, golden):
    df = spark.createDataFrame([(1, "a")], "k int, v string")
    golden.check_error(lambda: df.filter(F.col("k")).collect(), "column")
    golden.check_error(lambda: df.where("v").collect(), "string")
    golden.check_error(lambda: df.filter(F.lit(None)).collect(), "null")
    golden.check_error(lambda: spark.sql("SELECT * FROM VALUES (1) t(a) WHERE a + 1").collect(), "sql")
    golden.check_rows(spark.sql("SELECT a FROM VALUES (1) t(a) GROUP BY a HAVING NULL").collect(), "having_null")


def test_negative_limits(spark, golden):
    df = spark.createDataFrame([(1, "a")], "k int, v string")
    golden.check_error(lambda: df.limit(-1).collect(), "limit")
    golden.check_error(lambda: df.offset(-2).collect(), "offset")
    golden.check_error(lambda: df.tail(-1), "tail")
    golden.check_error(lambda: df.take(-1), "take")


def test_column_name_errors_of_dataframe_methods(spark, golden):
    left = spark.createDataFrame([(1, "a", 1.0)], "k int, v string, x double")
    right = spark.createDataFrame([(1, "w")], "k int, w string")
    golden.check_error(lambda: left.withColumns({"a": F.lit(1), "A": F.lit(2)}).columns, "with_columns_twice")
    golden.check_error(lambda: left.unionByName(right).collect(), "union_by_name_missing")
    golden.check_error(lambda: spark.sql("SELECT 1 a, 2 a").unionByName(spark.sql("SELECT 1 a, 2 a")).collect(), "union_by_name_twice")
    golden.check_error(lambda: left.dropDuplicates(["nope"]).collect(), "drop_duplicates_missing")
    joined = left.join(spark.createDataFrame([(1, "z", 2)], "k int, v string, z int"), "k")
    golden.check_df(joined.withColumn("v", F.lit(0)), "with_column_replaces_every_match")


def test_ordering_by_maps(spark, golden):
    df = spark.createDataFrame([(1, {"a": 1})], "id int, mp map<string,int>")
    golden.check_error(lambda: df.orderBy("mp").collect(), "order_by")
    golden.check_error(lambda: df.orderBy(F.col("mp").desc()).collect(), "descending")
    golden.check_error(lambda: df.sortWithinPartitions("mp").collect(), "within_partitions")


def test_to_df_with_other_column_counts(spark, golden):
    df = spark.createDataFrame([(1, "a", 1.0)], "k int, v string, x double")
    golden.check_error(lambda: df.toDF("a").columns, "fewer")
    golden.check_error(lambda: df.toDF("a", "b", "c", "d").columns, "more")


def test_set_operations_over_maps(spark, golden):
    df = spark.createDataFrame([(1, {"a": 1})], "id int, mp map<string,int>")
    golden.check_error(lambda: df.intersect(df).collect(), "intersect")
    golden.check_error(lambda: df.exceptAll(df).collect(), "except_all")
    golden.check_error(lambda: df.select(F.array("mp").alias("a")).subtract(df.select(F.array("mp").alias("a"))).collect(), "nested")
    assert df.union(df).count() == 2
