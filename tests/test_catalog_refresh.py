"""Refreshing cached tables: `REFRESH TABLE`, `spark.catalog.refreshTable`
and `refreshByPath` after the files under a cached table changed."""

import shutil

import pytest


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
