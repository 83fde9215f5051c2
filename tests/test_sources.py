"""File sources: spark.read and df.write for parquet, csv, json and text.

Every test writes its own data under pytest's tmp_path; the Ember server and
the Spark oracle run on this machine, so both see the same paths. Goldens
never hold those paths: errors and file listings are normalised first.
"""

import os
import re

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import IntegerType, StringType, StructField, StructType

from conftest import REMOTE, describe_error

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def write_file(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def check_error(golden, tmp_path, fn, name=None):
    """Like golden.check_error, with the tmp folder replaced by <tmp>."""
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001 - any client error is recorded
        described = describe_error(exc)
        params = {k: v.replace(str(tmp_path), "<tmp>") for k, v in (described["messageParameters"] or {}).items()}
        described["messageParameters"] = params
        golden.check(name or "error", described)
        return exc
    pytest.fail(f"expected an error, got {result!r}", pytrace=False)


def listing(root):
    """The files under root (hidden checksum files left out), uuids normalised."""
    found = []
    for folder, _, files in os.walk(root):
        for name in files:
            if name.endswith(".crc"):
                continue
            relative = os.path.relpath(os.path.join(folder, name), root)
            found.append(UUID_RE.sub("<uuid>", relative))
    return sorted(found)


def data_text(root, suffix):
    """The lines of every data file under root, sorted."""
    lines = []
    for folder, _, files in os.walk(root):
        for name in files:
            if name.startswith("part-") and name.endswith(suffix):
                with open(os.path.join(folder, name)) as f:
                    lines.extend(f.read().splitlines())
    return sorted(lines)


CSV_TEXT = (
    "id,name,score,big,flag,ts,day,huge\n"
    '1,"x",1.5,12345678901,true,2020-01-01 10:00:00,2020-01-02,12345678901234567890\n'
    '2,"",,3,false,2021-02-03T04:05:06,2020-01-03,1\n'
    "3,,2,4,TRUE,,,\n"
)


# -- CSV ----------------------------------------------------------------------------


def test_csv_header_and_inferred_types(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.csv", CSV_TEXT)
    golden.check_df(spark.read.option("header", True).option("inferSchema", True).csv(path))


def test_csv_without_header_reads_strings_named_by_position(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.csv", CSV_TEXT)
    golden.check_df(spark.read.csv(path))


def test_csv_header_without_inference_reads_strings(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.csv", CSV_TEXT)
    golden.check_df(spark.read.format("csv").option("header", "true").load(path))


def test_csv_separator_comment_and_null_value(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.csv", "# a comment\na;b\n1;NA\nNA;x y\n")
    df = spark.read.options(sep=";", comment="#", nullValue="NA", header=True, inferSchema=True).csv(path)
    golden.check_df(df)


def test_csv_quotes_and_escapes(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.csv", 'a,b\n"x,y","say \\"hi\\""\n\'q\',z\n')
    golden.check_df(spark.read.option("header", True).csv(path))


def test_csv_rows_longer_than_the_schema_drop_extra_fields(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.csv", 'a,b\n"x,y","say \\"hi\\""\n\'q\',z\n')
    golden.check_df(spark.read.option("header", True).option("quote", "'").csv(path))


def test_csv_user_schema_makes_bad_fields_null(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.csv", "1,a\nx,b\n3,\n")
    golden.check_df(spark.read.schema("id INT, name STRING").csv(path))
    schema = StructType([StructField("id", IntegerType(), False), StructField("name", StringType(), False)])
    golden.check_df(spark.read.schema(schema).csv(path))


def test_csv_inference_widens_across_files(spark, tmp_path, golden):
    write_file(tmp_path / "d" / "1.csv", "a,b\n1,2020-01-01\n")
    write_file(tmp_path / "d" / "2.csv", "a,b\n2.5,2020-01-01 12:00:00\n")
    df = spark.read.options(header=True, inferSchema=True).csv(str(tmp_path / "d"))
    golden.check_df(df.orderBy("a"))


# -- JSON ---------------------------------------------------------------------------


def test_json_lines_inference_sorts_and_widens_fields(spark, tmp_path, golden):
    path = write_file(
        tmp_path / "a.json",
        '{"name": "a", "id": 1, "tags": ["x", "y"]}\n'
        '{"id": 2.5, "nested": {"z": true, "b": null}}\n'
        "\n"
        '{"id": 3, "name": null, "extra": 12345678901234}\n',
    )
    golden.check_df(spark.read.json(path))


def test_json_with_user_schema(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.json", '{"a": 1, "b": "x"}\n{"a": 2}\n')
    golden.check_df(spark.read.schema("b STRING, a INT").json(path))
    golden.check_df(spark.read.format("json").schema("a BIGINT").load(path))


# -- text ---------------------------------------------------------------------------


def test_text_lines_and_whole_text(spark, tmp_path, golden):
    write_file(tmp_path / "t" / "1.txt", "first\r\nsecond\n\nlast")
    write_file(tmp_path / "t" / "2.txt", "other\n")
    golden.check_df(spark.read.text(str(tmp_path / "t")))
    golden.check_df(spark.read.text(str(tmp_path / "t" / "1.txt"), wholetext=True))


# -- paths --------------------------------------------------------------------------


def test_directories_globs_and_several_paths(spark, tmp_path, golden):
    write_file(tmp_path / "d" / "x1.csv", "1\n")
    write_file(tmp_path / "d" / "x2.csv", "2\n")
    write_file(tmp_path / "d" / "y.csv", "3\n")
    write_file(tmp_path / "d" / "_ignored.csv", "4\n")
    write_file(tmp_path / "d" / ".hidden.csv", "5\n")
    write_file(tmp_path / "e.csv", "6\n")
    golden.check_df(spark.read.csv(str(tmp_path / "d")), ordered=False)
    golden.check_df(spark.read.csv(str(tmp_path / "d" / "x*.csv")), ordered=False)
    golden.check_df(spark.read.csv([str(tmp_path / "d" / "y.csv"), str(tmp_path / "e.csv")]), ordered=False)
    golden.check_df(spark.read.csv("file://" + str(tmp_path / "e.csv")))


def test_missing_path_is_path_not_found(spark, tmp_path, golden):
    check_error(golden, tmp_path, lambda: spark.read.csv(str(tmp_path / "missing")).collect(), "csv")
    check_error(golden, tmp_path, lambda: spark.read.parquet(str(tmp_path / "nope*.parquet")).schema, "glob")
    check_error(golden, tmp_path, lambda: spark.read.json([str(tmp_path), str(tmp_path / "gone")]).schema, "second")


def test_unknown_format(spark, tmp_path, golden):
    check_error(golden, tmp_path, lambda: spark.read.format("nosuchformat").load(str(tmp_path)).schema)


# -- writes -------------------------------------------------------------------------


@pytest.fixture
def people(spark):
    return spark.createDataFrame(
        [(1, "alice", 3.5, "paris"), (2, "bob", None, "berlin"), (3, None, 1.0, "paris")],
        "id int, name string, score double, city string",
    )


def test_parquet_write_and_read_back(spark, people, tmp_path, golden):
    out = str(tmp_path / "out")
    people.coalesce(1).write.parquet(out)
    golden.check("files", listing(out))
    golden.check_df(spark.read.parquet(out).orderBy("id"))
    golden.check_df(spark.read.load(out).select("name"), ordered=False)


def test_write_file_names_per_format(spark, people, tmp_path, golden):
    for fmt in ("csv", "json"):
        out = str(tmp_path / fmt)
        people.repartition(2).write.format(fmt).save(out)
        files = listing(out)
        golden.check(f"{fmt}_names", sorted(set(re.sub(r"part-\d{5}", "part-N", f) for f in files)))
        golden.check(f"{fmt}_success_last", files[0] == "_SUCCESS")
    text_out = str(tmp_path / "text")
    people.select("city").coalesce(1).write.text(text_out)
    golden.check("text_files", listing(text_out))


def test_csv_and_json_written_text(spark, tmp_path, golden):
    df = spark.createDataFrame(
        [(1, "plain", 1.5, True), (2, "a,b", None, False), (3, 'say "x"', 2.0, None), (4, "", 1e20, True)],
        "id int, s string, d double, b boolean",
    ).withColumn("day", F.lit("2020-01-02").cast("date")).withColumn(
        "ts", F.lit("2020-01-02 03:04:05.678").cast("timestamp")
    )
    df.coalesce(1).write.csv(str(tmp_path / "csv"))
    golden.check("csv", data_text(str(tmp_path / "csv"), ".csv"))
    df.coalesce(1).write.option("header", True).option("sep", "|").csv(str(tmp_path / "csv2"))
    golden.check("csv_header", data_text(str(tmp_path / "csv2"), ".csv"))
    df.coalesce(1).write.json(str(tmp_path / "json"))
    golden.check("json", data_text(str(tmp_path / "json"), ".json"))
    golden.check_df(spark.read.option("header", True).option("sep", "|").option("inferSchema", True).csv(str(tmp_path / "csv2")).orderBy("id"))
    golden.check_df(spark.read.json(str(tmp_path / "json")).orderBy("id"))


def test_save_modes(spark, people, tmp_path, golden):
    out = str(tmp_path / "out")
    people.write.parquet(out)
    check_error(golden, tmp_path, lambda: people.write.parquet(out), "default_mode")
    check_error(golden, tmp_path, lambda: people.write.mode("error").parquet(out), "error_mode")
    people.limit(1).write.mode("ignore").parquet(out)
    golden.check("after_ignore", spark.read.parquet(out).count())
    people.write.mode("append").parquet(out)
    golden.check("after_append", spark.read.parquet(out).count())
    people.limit(1).write.mode("overwrite").parquet(out)
    golden.check_df(spark.read.parquet(out))
    golden.check("files_after_overwrite", [re.sub(r"part-\d{5}", "part-N", f) for f in listing(out)])


def test_write_compression(spark, people, tmp_path, golden):
    for fmt, codec in (("parquet", "gzip"), ("parquet", "zstd"), ("parquet", "none"), ("csv", "gzip"), ("json", "gzip")):
        out = str(tmp_path / f"{fmt}_{codec}")
        people.coalesce(1).write.format(fmt).option("compression", codec).save(out)
        golden.check(f"{fmt}_{codec}", listing(out))
        golden.check(f"{fmt}_{codec}_rows", spark.read.format(fmt).load(out).count())


def test_partition_by_writes_hive_folders(spark, tmp_path, golden):
    df = spark.createDataFrame(
        [(1, "a/b", 1), (2, "x=y %", None), (3, "a/b", 2), (4, None, 1)],
        "id int, p string, q int",
    )
    out = str(tmp_path / "out")
    df.coalesce(1).write.partitionBy("p", "q").parquet(out)
    golden.check("files", listing(out))
    check_error(golden, tmp_path, lambda: df.write.partitionBy("id", "p", "q").parquet(str(tmp_path / "all")), "all_columns")


def test_empty_dataframe_writes_one_file(spark, people, tmp_path, golden):
    out = str(tmp_path / "out")
    people.filter("id > 100").write.parquet(out)
    golden.check("files", listing(out))
    golden.check_df(spark.read.parquet(out))


def test_failed_overwrite_leaves_old_data(spark, people, tmp_path, golden):
    out = str(tmp_path / "out")
    people.write.parquet(out)
    before = listing(out)
    # Partition 0 (ids 0-4) writes its file; partition 1 fails at id 7 under ANSI.
    failing = spark.range(0, 10, 1, 2).select((F.lit(1) / (F.col("id") - 7)).alias("x"))
    check_error(golden, tmp_path, lambda: failing.write.mode("overwrite").parquet(out))
    if not REMOTE:
        # Ember commits only when every task succeeded (Spark deletes the old
        # files before its job runs, so this holds for Ember only).
        assert listing(out) == before
        assert spark.read.parquet(out).count() == 3
    golden.check("hidden_staging_left", [f for f in os.listdir(out) if f.startswith("_temporary")])


# -- files written by Spark ---------------------------------------------------------

SPARK_WRITTEN = os.path.join(os.path.dirname(__file__), "data", "spark_written")


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json"])
def test_reads_files_written_by_spark(spark, fmt, golden):
    reader = spark.read.format(fmt)
    if fmt == "csv":
        reader = reader.options(header=True, inferSchema=True)
    golden.check_df(reader.load(os.path.join(SPARK_WRITTEN, fmt)).orderBy("id"))


# -- partition discovery ------------------------------------------------------------


def test_partition_discovery_types_and_values(spark, tmp_path, golden):
    df = spark.createDataFrame(
        [(1, "a/b", 2020), (2, "x=y %", 2021), (3, None, 2020), (4, "a/b", None)],
        "id int, p string, year int",
    )
    out = str(tmp_path / "out")
    df.write.partitionBy("year", "p").parquet(out)
    read = spark.read.parquet(out)
    golden.check_df(read.orderBy("id"))
    golden.check_df(read.filter("year = 2020").orderBy("id"), "filtered")
    golden.check_df(spark.read.schema("id INT, year STRING, p STRING").parquet(out).orderBy("id"), "user_schema")


def test_partition_discovery_infers_dates_doubles_and_strings(spark, tmp_path, golden):
    write_file(tmp_path / "t" / "d=2020-01-02" / "x=1.5" / "s=true" / "1.csv", "1\n")
    write_file(tmp_path / "t" / "d=2020-01-03" / "x=2" / "s=__HIVE_DEFAULT_PARTITION__" / "2.csv", "2\n")
    golden.check_df(spark.read.csv(str(tmp_path / "t")).orderBy("_c0"))


def test_input_files_lists_every_file_of_each_relation(spark, tmp_path, golden):
    out = str(tmp_path / "out")
    spark.createDataFrame([(1, 2020), (2, 2021)], "id int, year int").write.partitionBy("year").parquet(out)
    text = write_file(tmp_path / "t.txt", "a\n")

    def names(files):
        normalised = (UUID_RE.sub("<uuid>", f.replace(str(tmp_path), "<tmp>")) for f in files)
        return sorted(re.sub(r"part-\d{5}", "part-N", f) for f in normalised)

    golden.check("pruned", names(spark.read.parquet(out).filter("year = 2020").inputFiles()))
    golden.check("union", names(spark.read.parquet(out).union(spark.read.parquet(out)).inputFiles()))
    golden.check("text", names(spark.read.text(text).inputFiles()))
    golden.check("local", list(spark.range(3).inputFiles()))


def test_path_glob_filter_and_recursive_file_lookup(spark, tmp_path, golden):
    write_file(tmp_path / "d" / "k=1" / "a.csv", "1\n")
    write_file(tmp_path / "d" / "k=2" / "b.txt", "2\n")
    root = str(tmp_path / "d")
    golden.check_df(spark.read.csv(root).orderBy("_c0"))
    golden.check_df(spark.read.option("pathGlobFilter", "*.csv").csv(root))
    golden.check_df(spark.read.option("recursiveFileLookup", True).csv(root).orderBy("_c0"))


def test_partition_pruning_shows_in_explain(spark, tmp_path, golden):
    """A filter on a partition column plans reads of the matching folder only:
    the physical plan names no other folder's value (Spark shows the filter as
    PartitionFilters; Ember prunes the folders when it plans the read, so its
    PartitionFilters stay empty and its cost mode counts the kept folder's
    bytes only), and inputFiles() still lists every file, as Spark's does."""
    out = str(tmp_path / "p")
    spark.createDataFrame([(1, 2020), (2, 2021), (3, 2022)], "id int, year int").write.partitionBy("year").parquet(out)
    pruned = spark.read.parquet(out).filter("year = 2021")
    plan = pruned._explain_string(mode="simple")
    golden.check("names_other_folders", [value for value in ("2020", "2022") if value in plan])
    golden.check("input_files", len(pruned.inputFiles()))
    golden.check_df(pruned, name="rows")


def test_files_read_back_in_order(spark, tmp_path, golden):
    # Local rows are written one file per slice; reading them back gives the files' rows in order.
    rows = spark.createDataFrame([(i, (i, f"s{i}") if i % 3 else None) for i in range(12)], "id int, st struct<x:int,y:string>")
    rows.write.parquet(str(tmp_path / "p"))
    read = spark.read.parquet(str(tmp_path / "p"))
    golden.check_rows(read.select("id", "st.x", "st.y").collect())
    golden.check_rows(read.select("st.*").collect(), "star")
