"""File writes: maxRecordsPerFile, dynamic partition overwrite, compression
codecs of the text formats and CSV writer options. Test data lives under
pytest's tmp_path; goldens hold no paths.
"""

import os
import re

import pytest
from pyspark.sql import functions as F

from conftest import conf
from test_sources import SPARK_WRITTEN, check_error, data_text, listing


def names(root):
    return [re.sub(r"part-\d{5}", "part-N", f) for f in listing(root)]


def test_max_records_per_file(spark, tmp_path, golden):
    df = spark.range(5).select("id", (F.col("id") % 2).alias("p"))
    df.coalesce(1).write.option("maxRecordsPerFile", 2).csv(str(tmp_path / "plain"))
    golden.check("plain", names(str(tmp_path / "plain")))
    df.coalesce(1).write.option("maxRecordsPerFile", 2).partitionBy("p").csv(str(tmp_path / "partitioned"))
    golden.check("partitioned", names(str(tmp_path / "partitioned")))
    with conf(spark, "spark.sql.files.maxRecordsPerFile", "3"):
        df.coalesce(1).write.parquet(str(tmp_path / "session"))
    golden.check("session", names(str(tmp_path / "session")))
    golden.check_df(spark.read.csv(str(tmp_path / "plain")), ordered=False)


def test_dynamic_partition_overwrite(spark, tmp_path, golden):
    df = spark.range(6).select("id", (F.col("id") % 3).alias("p"))
    static_out, dynamic_out, option_out = (str(tmp_path / n) for n in ("static", "dynamic", "option"))
    for out in (static_out, dynamic_out, option_out):
        df.write.partitionBy("p").parquet(out)
    update = spark.createDataFrame([(100, 1)], "id long, p long")
    update.write.mode("overwrite").partitionBy("p").parquet(static_out)
    golden.check_df(spark.read.parquet(static_out).orderBy("id"), "static")
    with conf(spark, "spark.sql.sources.partitionOverwriteMode", "dynamic"):
        update.write.mode("overwrite").partitionBy("p").parquet(dynamic_out)
    golden.check_df(spark.read.parquet(dynamic_out).orderBy("id"), "dynamic")
    update.write.mode("overwrite").option("partitionOverwriteMode", "DYNAMIC").partitionBy("p").parquet(option_out)
    golden.check_df(spark.read.parquet(option_out).orderBy("id"), "option")


def test_text_format_codecs(spark, tmp_path, golden):
    df = spark.createDataFrame([(1, "a"), (2, "b")], "id int, s string")
    for fmt in ("csv", "json"):
        for codec in ("bzip2", "deflate", "uncompressed"):
            out = str(tmp_path / f"{fmt}_{codec}")
            df.coalesce(1).write.format(fmt).option("compression", codec).save(out)
            golden.check(f"{fmt}_{codec}", names(out))
            golden.check_df(spark.read.format(fmt).load(out).orderBy(F.col(df.columns[0] if fmt == "json" else "_c0")), f"{fmt}_{codec}_read")
    check_error(golden, tmp_path, lambda: df.write.option("compression", "zstd").csv(str(tmp_path / "zstd")), "csv_zstd")
    check_error(golden, tmp_path, lambda: df.write.option("compression", "bogus").parquet(str(tmp_path / "bogus")), "parquet_bogus")


def test_csv_writer_null_and_empty_values(spark, tmp_path, golden):
    df = spark.createDataFrame([(1, None, ""), (2, "x", "y")], "a int, b string, c string")
    df.coalesce(1).write.options(nullValue="NULL", emptyValue="EMPTY").csv(str(tmp_path / "plain"))
    golden.check("plain", data_text(str(tmp_path / "plain"), ".csv"))
    df.coalesce(1).write.options(nullValue="NULL", emptyValue="EMPTY", quoteAll=True).csv(str(tmp_path / "quoted"))
    golden.check("quoted", data_text(str(tmp_path / "quoted"), ".csv"))


def test_hadoop_block_codecs(spark, tmp_path, golden):
    """snappy and lz4 for the text formats: Hadoop's block streams, written
    and read back, and files Spark wrote read."""
    df = spark.createDataFrame([(1, "a"), (2, "b")], "id int, s string")
    for fmt in ("csv", "json", "text"):
        for codec in ("snappy", "lz4"):
            out = str(tmp_path / f"{fmt}_{codec}")
            frame = df.select(F.concat_ws("|", "id", "s").alias("value")) if fmt == "text" else df
            frame.coalesce(1).write.format(fmt).option("compression", codec).save(out)
            golden.check(f"{fmt}_{codec}", names(out))
            read = spark.read.format(fmt).load(out)
            golden.check_df(read.orderBy(read.columns[0]), f"{fmt}_{codec}_read")
    for codec in ("snappy", "lz4"):
        read = spark.read.schema("id INT, name STRING").csv(os.path.join(SPARK_WRITTEN, f"csv_{codec}"))
        golden.check_df(read.orderBy("id"), f"spark_written_{codec}")


WRITER_CASES = {
    "defaults": {},
    "white_space_kept": {"ignoreLeadingWhiteSpace": "false", "ignoreTrailingWhiteSpace": "false"},
    "line_separator": {"lineSep": "|"},
    "header_and_separator": {"header": "true", "sep": ";"},
    "single_quote": {"quote": "'"},
    "empty_and_null_values": {"emptyValue": "E", "nullValue": "N"},
}


@pytest.mark.parametrize("case", sorted(WRITER_CASES))
def test_csv_writer_white_space_quotes_and_empty_values(spark, tmp_path, golden, case):
    """Spark's CSV writer trims white space by default and writes an empty
    string as "" whatever the quote character."""
    df = spark.createDataFrame(
        [(" a ", "#x", "p\nq", '"start', "", None, "tab\t", "   ")], "a string, b string, c string, d string, e string, f string, g string, h string"
    )
    df.coalesce(1).write.options(**WRITER_CASES[case]).csv(str(tmp_path / "out"))
    golden.check("written", data_text(str(tmp_path / "out"), ".csv"))


@pytest.mark.parametrize("ignore", ["true", "false"])
def test_json_writer_ignore_null_fields(spark, tmp_path, golden, ignore):
    df = spark.sql("SELECT 1 AS id, CAST(NULL AS STRING) AS s, named_struct('x', CAST(NULL AS INT), 'y', 2) AS st")
    df.coalesce(1).write.option("ignoreNullFields", ignore).json(str(tmp_path / "out"))
    golden.check("written", data_text(str(tmp_path / "out"), ".json"))


def test_duplicate_column_names_fail_before_the_path_check(spark, tmp_path, golden):
    df = spark.createDataFrame([("a", 1)], ["letter", "Letter"])
    for fmt in ["parquet", "json", "text"]:
        golden.check_error(lambda: df.write.format(fmt).save(str(tmp_path)), fmt)
    # CSV does not check: the existing path fails, a new one is written.
    check_error(golden, tmp_path, lambda: df.write.csv(str(tmp_path)), "csv")
    df.write.csv(str(tmp_path / "new"))
    with conf(spark, "spark.sql.caseSensitive", "true"):
        df.write.parquet(str(tmp_path / "case_sensitive"))
        golden.check_df(spark.read.parquet(str(tmp_path / "case_sensitive")), "case_sensitive")


def test_local_rows_write_one_file_per_spark_slice(spark, tmp_path, golden):
    """Local rows (what Spark folds into them included) are cut into Spark's
    `parallelize` slices, one file each."""
    local = spark.createDataFrame([(i, str(i)) for i in range(5)], "i int, s string")
    frames = {
        "five_rows": local,
        "one_row": local.limit(1),
        "filtered": local.filter("i > 1"),
        "empty": spark.createDataFrame([], "i int, s string"),
        "values": spark.sql("SELECT * FROM VALUES (1), (2), (3) AS t(i)"),
    }
    for name, frame in frames.items():
        out = str(tmp_path / name)
        frame.write.parquet(out)
        per_file = sorted(sorted(r.i for r in spark.read.parquet(os.path.join(out, f)).collect()) for f in os.listdir(out) if f.startswith("part-"))
        golden.check(name, per_file)
