"""input_file_name(), input_file_block_start() and input_file_block_length():
the file each row was read from and the block (split) of it, as Spark gives
them; "" and -1 for rows that were not read from a file.

Goldens never hold the machine's paths: the tmp folder becomes <tmp> and
written files' uuids become <uuid> inside the query itself.
"""

import os

from pyspark.sql import functions as F
from pyspark.sql.types import StringType

from conftest import conf

UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def write_file(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def file_name(tmp_path):
    """input_file_name() with the tmp folder and uuids normalised."""
    name = F.replace(F.input_file_name(), F.lit("file://" + str(tmp_path)), F.lit("<tmp>"))
    return F.regexp_replace(name, UUID_PATTERN, "<uuid>").alias("file")


def blocks():
    return [F.input_file_block_start().alias("start"), F.input_file_block_length().alias("length")]


def test_rows_not_read_from_files(spark, golden):
    df = spark.range(2).select("id", F.input_file_name(), F.input_file_block_start(), F.input_file_block_length())
    golden.check_df(df, "range")
    golden.check_df(spark.sql("SELECT input_file_name(), input_file_block_start(), input_file_block_length()"), "sql")


def test_csv_json_and_text_rows_name_their_file_and_block(spark, tmp_path, golden):
    write_file(tmp_path / "csv" / "a.csv", "x\n1\n2\n")
    write_file(tmp_path / "csv" / "b.csv", "x\n3\n")
    df = spark.read.option("header", True).csv(str(tmp_path / "csv"))
    golden.check_df(df.select("x", file_name(tmp_path), *blocks()).orderBy("x"), "csv")
    write_file(tmp_path / "json" / "a.json", '{"x": 1}\n{"x": 2}\n')
    write_file(tmp_path / "json" / "b.json", '{"x": 3}\n')
    df = spark.read.json(str(tmp_path / "json"))
    golden.check_df(df.select(file_name(tmp_path), "x", *blocks()).orderBy("x"), "json")
    write_file(tmp_path / "text" / "a.txt", "one\ntwo\n")
    write_file(tmp_path / "text" / "b.txt", "three\n")
    df = spark.read.text(str(tmp_path / "text"))
    golden.check_df(df.select("value", file_name(tmp_path), *blocks()).orderBy("value"), "text")


def test_the_name_alone_and_in_filters_and_groupings(spark, tmp_path, golden):
    write_file(tmp_path / "d" / "a.csv", "1\n2\n")
    write_file(tmp_path / "d" / "b.csv", "3\n")
    df = spark.read.csv(str(tmp_path / "d"))
    only_b = df.filter(F.input_file_name().endswith("/b.csv"))
    golden.check_df(only_b, "filter")
    golden.check_df(df.groupBy(file_name(tmp_path)).count().orderBy("file"), "group")
    names = [row[0] for row in df.select(F.input_file_name()).collect()]
    assert sorted(names) == ["file://" + str(tmp_path / "d" / n) for n in ["a.csv", "a.csv", "b.csv"]]
    golden.check(
        "schema",
        df.select(F.input_file_name(), F.input_file_block_start(), F.input_file_block_length()).schema.jsonValue(),
    )


def test_large_csv_files_are_read_in_blocks(spark, tmp_path, golden):
    lines = "".join(f"{i:03d}\n" for i in range(12))
    write_file(tmp_path / "big.csv", lines)
    with conf(spark, "spark.sql.files.maxPartitionBytes", "20"):
        df = spark.read.csv(str(tmp_path / "big.csv"))
        golden.check_df(df.select("_c0", *blocks()).orderBy("_c0"))


def test_partition_folders(spark, tmp_path, golden):
    write_file(tmp_path / "t" / "k=1" / "a.csv", "x\n1\n")
    write_file(tmp_path / "t" / "k=2" / "b.csv", "x\n2\n")
    df = spark.read.option("header", True).csv(str(tmp_path / "t"))
    golden.check_df(df.select("x", "k", file_name(tmp_path), *blocks()).orderBy("x"))


def test_files_written_by_the_engine(spark, tmp_path, golden):
    """Parquet, ORC and JSON files: name and start from the golden, the
    length (the size of each engine's own file) from the file system."""
    data = spark.createDataFrame([(1, "a"), (2, "b")], "id INT, s STRING")
    for fmt in ["parquet", "orc", "json"]:
        folder = str(tmp_path / fmt)
        data.filter("id = 1").coalesce(1).write.format(fmt).save(folder)
        data.filter("id = 2").coalesce(1).write.mode("append").format(fmt).save(folder)
        df = spark.read.format(fmt).load(folder)
        golden.check_df(df.select("id", file_name(tmp_path), F.input_file_block_start()).orderBy("id"), fmt)
        for name, length in df.select(F.input_file_name(), F.input_file_block_length()).collect():
            assert name.startswith("file:///"), name
            assert length == os.path.getsize(name[len("file://"):]), (name, length)


def test_after_a_shuffle_rows_have_no_file(spark, tmp_path, golden):
    write_file(tmp_path / "a.csv", "1\n2\n")
    df = spark.read.csv(str(tmp_path / "a.csv"))
    golden.check_df(df.repartition(2, "_c0").select("_c0", F.input_file_name(), *blocks()).orderBy("_c0"), "repartition")
    golden.check_df(df.distinct().select("_c0", F.input_file_name()).orderBy("_c0"), "distinct")


def test_python_udf_over_the_file_name(spark, tmp_path, golden):
    write_file(tmp_path / "people1.json", '{"name": "x"}\n')
    base_name = F.udf(lambda path: path.rsplit("/", 1)[-1], StringType())
    golden.check_df(spark.read.json(str(tmp_path / "people1.json")).select(base_name(F.input_file_name()).alias("file")))
