"""SQL over files without a table: `format.`path`` in FROM and
`CREATE [OR REPLACE] [GLOBAL] TEMPORARY VIEW … USING format OPTIONS (path …)`."""

import pytest


def error_condition(fn):
    """The class and condition of the error `fn` raises (its path parameter varies)."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - any client error is recorded
        return [type(exc).__name__, exc.getCondition()]
    return None


@pytest.fixture
def files(spark, tmp_path):
    spark.range(3).selectExpr("id", "cast(id * 2 AS string) AS s").write.parquet(str(tmp_path / "pq"))
    (tmp_path / "csv").mkdir()
    (tmp_path / "csv" / "a.csv").write_text("k,v\n1,x\n2,y\n")
    return tmp_path


def test_query_files_by_path(spark, golden, files):
    golden.check_df(spark.sql(f"SELECT * FROM parquet.`{files / 'pq'}` ORDER BY id"), "parquet")
    golden.check_df(spark.sql(f"SELECT * FROM csv.`{files / 'csv'}` ORDER BY _c0"), "csv_without_header")
    golden.check_df(spark.sql(f"SELECT p.id FROM parquet.`{files / 'pq'}` AS p WHERE p.id > 0 ORDER BY 1"), "aliased")
    golden.check("missing_path", error_condition(lambda: spark.sql(f"SELECT * FROM parquet.`{files / 'nope'}`").collect()))


def test_temporary_view_using_a_source(spark, golden, files):
    try:
        spark.sql(f"CREATE TEMPORARY VIEW sof_pq USING parquet OPTIONS (path '{files / 'pq'}')")
        golden.check_df(spark.sql("SELECT * FROM sof_pq ORDER BY id"), "parquet")
        spark.sql(f"CREATE OR REPLACE TEMP VIEW sof_csv USING csv OPTIONS (path '{files / 'csv'}', header 'true', inferSchema 'true')")
        golden.check_df(spark.sql("SELECT * FROM sof_csv ORDER BY k"), "csv_with_options")
        spark.sql(f"CREATE OR REPLACE TEMPORARY VIEW sof_typed (k STRING, v STRING) USING csv OPTIONS (path '{files / 'csv'}', header 'true')")
        golden.check_df(spark.sql("SELECT * FROM sof_typed ORDER BY k"), "with_schema")
        spark.sql(f"CREATE GLOBAL TEMPORARY VIEW sof_global USING parquet OPTIONS (path '{files / 'pq'}')")
        golden.check_df(spark.sql("SELECT count(*) AS n FROM global_temp.sof_global"), "global")
        golden.check_error(
            lambda: spark.sql(f"CREATE TEMPORARY VIEW sof_pq USING parquet OPTIONS (path '{files / 'pq'}')"), "exists"
        )
        golden.check(
            "missing_path",
            error_condition(lambda: spark.sql(f"CREATE TEMPORARY VIEW sof_missing USING parquet OPTIONS (path '{files / 'nope'}')")),
        )
    finally:
        for view in ["sof_pq", "sof_csv", "sof_typed"]:
            spark.catalog.dropTempView(view)
        spark.catalog.dropGlobalTempView("sof_global")
