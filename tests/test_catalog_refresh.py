"""Refreshing cached tables: `REFRESH TABLE`, `spark.catalog.refreshTable`
and `refreshByPath` after the files under a cached table changed; `ANALYZE
TABLE` and `spark.catalog.analyzeTable`."""

import shutil

import pytest

from conftest import requires_client


@pytest.fixture
def cached_text_table(spark, tmp_path):
    """A text table at a location, with one row written and cached."""
    location = tmp_path / "refresh"
    location.mkdir()
    spark.sql(f"CREATE TABLE refresh_tab (col STRING) USING TEXT LOCATION '{location}'")
    spark.sql("INSERT INTO refresh_tab SELECT 'abc'")
    spark.catalog.cacheTable("refresh_tab")
    spark.table("refresh_tab").count()  # fills the (lazy) cache
    yield location
    spark.sql("DROP TABLE IF EXISTS refresh_tab")


def remove_files(folder):
    for child in folder.iterdir():
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def test_refresh_table_api(spark, golden, cached_text_table):
    golden.check("cached", spark.table("refresh_tab").count())
    remove_files(cached_text_table)
    golden.check("still_cached", spark.table("refresh_tab").count())
    spark.catalog.refreshTable("spark_catalog.default.refresh_tab")
    golden.check("refreshed", spark.table("refresh_tab").count())
    golden.check("cached_after_refresh", spark.catalog.isCached("refresh_tab"))


def test_refresh_table_statement(spark, golden, cached_text_table):
    remove_files(cached_text_table)
    golden.check("still_cached", spark.table("refresh_tab").count())
    golden.check_df(spark.sql("REFRESH TABLE refresh_tab"), "result")
    golden.check("refreshed", spark.table("refresh_tab").count())
    golden.check_error(lambda: spark.sql("REFRESH TABLE no_such_table"), "unknown")


def test_refresh_by_path(spark, golden, tmp_path):
    spark.range(3).write.parquet(str(tmp_path / "p"))
    spark.catalog.refreshByPath(str(tmp_path / "p"))
    golden.check("count", spark.read.parquet(str(tmp_path / "p")).count())


def test_analyze_table(spark, golden):
    spark.sql("CREATE TABLE analyze_tab (id INT) USING parquet")
    try:
        spark.sql("INSERT INTO analyze_tab VALUES (1)")
        golden.check_df(spark.sql("ANALYZE TABLE analyze_tab COMPUTE STATISTICS"), "statement")
        golden.check_df(spark.sql("ANALYZE TABLE analyze_tab COMPUTE STATISTICS FOR COLUMNS id"), "columns")
        golden.check_error(lambda: spark.sql("ANALYZE TABLE no_such_table COMPUTE STATISTICS"), "unknown")
        golden.check("rows", spark.table("analyze_tab").count())
    finally:
        spark.sql("DROP TABLE IF EXISTS analyze_tab")


@requires_client("4.1")
def test_analyze_table_api(spark, golden):
    spark.sql("CREATE TABLE analyze_api_tab (id INT) USING parquet")
    try:
        golden.check("result", spark.catalog.analyzeTable("analyze_api_tab", noScan=True))
        golden.check_error(lambda: spark.catalog.analyzeTable("no_such_table"), "unknown")
    finally:
        spark.sql("DROP TABLE IF EXISTS analyze_api_tab")
