"""Parquet mergeSchema (option and session setting) and basePath."""

import pytest

from conftest import conf
from test_sources import check_error


@pytest.fixture
def parts(spark, tmp_path):
    root = tmp_path / "t"
    spark.createDataFrame([(1, "a")], "id int, b string").write.parquet(str(root / "k=1"))
    spark.createDataFrame([(2, 2.5, "x")], "id int, c double, b string").write.parquet(str(root / "k=2"))
    return root


def test_merge_schema_option_and_setting(spark, parts, golden):
    paths = [str(parts / "k=1"), str(parts / "k=2")]
    golden.check_df(spark.read.option("mergeSchema", True).parquet(*paths).orderBy("id"), name="option")
    golden.check_df(spark.read.parquet(*paths).orderBy("id"), name="first_footer")
    with conf(spark, "spark.sql.parquet.mergeSchema", "true"):
        golden.check_df(spark.read.parquet(*paths).orderBy("id"), name="setting")
        golden.check_df(spark.read.option("mergeSchema", False).parquet(*paths).orderBy("id"), name="option_wins")


def test_merge_schema_conflict(spark, parts, tmp_path, golden):
    spark.createDataFrame([(3,)], "c long").write.parquet(str(parts / "k=3"))
    try:
        spark.read.option("mergeSchema", True).parquet(str(parts)).collect()
    except Exception as exc:  # noqa: BLE001
        golden.check("condition", (type(exc).__name__, exc.getCondition()))
    else:
        pytest.fail("expected CANNOT_MERGE_SCHEMAS")


def test_base_path_keeps_partition_columns(spark, parts, tmp_path, golden):
    golden.check_df(spark.read.option("basePath", str(parts)).parquet(str(parts / "k=1")))
    golden.check_df(spark.read.option("basePath", str(parts)).parquet(str(parts / "k=*")).orderBy("id"), name="glob")
    check_error(golden, tmp_path, lambda: spark.read.option("basePath", str(parts / "k=1")).parquet(str(parts / "k=2")).collect(), "wrong")


def test_ignore_corrupt_files_parquet_and_text(spark, tmp_path, golden):
    root = tmp_path / "p"
    spark.createDataFrame([(1,), (2,)], "id int").coalesce(1).write.parquet(str(root))
    (root / "part-99999-bad.parquet").write_text("not a parquet file")
    golden.check("parquet_option", spark.read.option("ignoreCorruptFiles", True).parquet(str(root)).count())
    with conf(spark, "spark.sql.files.ignoreCorruptFiles", "true"):
        golden.check("parquet_setting", spark.read.parquet(str(root)).count())
    text = tmp_path / "t"
    text.mkdir()
    (text / "a.txt").write_text("x\ny\n")
    (text / "b.txt.gz").write_bytes(b"not gzip at all")
    golden.check("text_option", spark.read.option("ignoreCorruptFiles", True).text(str(text)).count())
