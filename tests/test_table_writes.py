"""DataFrame writes into catalog tables: saveAsTable in every save mode,
insertInto and writeTo(...)."""

import pytest


@pytest.fixture
def tables(spark):
    """Names of tables to drop after the test."""
    names = []
    yield names
    for name in names:
        spark.sql(f"DROP TABLE IF EXISTS {name}")


def frame(spark, rows):
    return spark.createDataFrame(rows, "id int, name string")


def test_save_as_table_modes(spark, golden, tables):
    tables.append("tw_save")
    frame(spark, [(1, "a"), (2, "b")]).write.saveAsTable("tw_save")
    golden.check_df(spark.table("tw_save").orderBy("id"), "created")
    golden.check_error(lambda: frame(spark, [(3, "c")]).write.saveAsTable("tw_save"), "error_if_exists")
    frame(spark, [(3, "c")]).write.mode("ignore").saveAsTable("tw_save")
    golden.check_df(spark.table("tw_save").orderBy("id"), "ignored")
    # Append matches columns by name.
    spark.createDataFrame([("d", 4)], "name string, id int").write.mode("append").saveAsTable("tw_save")
    golden.check_df(spark.table("tw_save").orderBy("id"), "appended")
    spark.createDataFrame([(9.5,)], "x double").write.mode("overwrite").saveAsTable("tw_save")
    golden.check_df(spark.table("tw_save"), "overwritten")


def test_save_as_table_partitioned_and_formats(spark, golden, tables):
    tables.extend(["tw_parts", "tw_json"])
    frame(spark, [(1, "a"), (2, "b"), (3, "a")]).write.partitionBy("name").saveAsTable("tw_parts")
    golden.check_df(spark.table("tw_parts").orderBy("id"), "partitioned")
    golden.check_df(spark.sql("SHOW PARTITIONS tw_parts"), "partitions")
    frame(spark, [(5, "e")]).write.format("json").saveAsTable("tw_json")
    golden.check_df(spark.table("tw_json"), "json")
    golden.check(
        "provider",
        spark.sql("DESCRIBE EXTENDED tw_json").filter("col_name = 'Provider'").collect()[0].data_type,
    )


def test_insert_into(spark, golden, tables):
    tables.append("tw_insert")
    spark.sql("CREATE TABLE tw_insert (id INT, name STRING) USING parquet")
    # insertInto matches columns by position.
    spark.createDataFrame([(1, "a")], "x int, y string").write.insertInto("tw_insert")
    spark.createDataFrame([(2, "b")], "x int, y string").write.insertInto("tw_insert")
    golden.check_df(spark.table("tw_insert").orderBy("id"), "appended")
    spark.createDataFrame([(3, "c")], "x int, y string").write.insertInto("tw_insert", overwrite=True)
    golden.check_df(spark.table("tw_insert"), "overwritten")
    golden.check_error(lambda: frame(spark, [(1, "a")]).write.insertInto("tw_missing"), "missing")
    golden.check_error(lambda: spark.range(1).write.insertInto("tw_insert"), "arity")


def test_write_to(spark, golden, tables):
    """On the session catalog only create() works, as in Spark."""
    tables.append("tw_v2")
    frame(spark, [(1, "a")]).writeTo("tw_v2").using("parquet").tableProperty("k", "v").create()
    golden.check_df(spark.table("tw_v2"), "created")
    golden.check_df(spark.sql("SHOW TBLPROPERTIES tw_v2"), "properties")
    golden.check_error(lambda: frame(spark, [(1, "a")]).writeTo("tw_v2").create(), "create_existing")
    golden.check_error(lambda: frame(spark, [(2, "b")]).writeTo("tw_v2").append(), "append")
    golden.check_error(lambda: frame(spark, [(2, "b")]).writeTo("tw_v2").overwritePartitions(), "overwrite_partitions")
    golden.check_error(lambda: frame(spark, [(2, "b")]).writeTo("tw_v2").createOrReplace(), "create_or_replace")
    golden.check_error(lambda: frame(spark, [(1, "a")]).writeTo("tw_nope").append(), "append_missing")
    golden.check_error(lambda: frame(spark, [(1, "a")]).writeTo("tw_nope").replace(), "replace_missing")
    golden.check_df(spark.table("tw_v2"), "unchanged")
