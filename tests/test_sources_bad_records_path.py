"""`badRecordsPath`, with Databricks' semantics (open-source Spark ignores the
option, so there is no oracle: these tests check Ember's behaviour directly).

With the option set, a read leaves out the records that do not parse (CSV,
JSON) and the files that cannot be read (every format) and writes each, with
its file and the reason, as JSON Lines under
`<badRecordsPath>/<yyyyMMddTHHmmss>/bad_records/` or `.../bad_files/`.
"""

import gzip
import json
import re
from datetime import date

import pytest
from pyspark.sql import Row

from conftest import REMOTE
from test_sources import write_file
from test_sources_bad_records import BAD_CSV, BAD_JSON, CSV_SCHEMA, JSON_SCHEMA

pytestmark = pytest.mark.skipif(REMOTE is not None, reason="Databricks semantics: open-source Spark ignores badRecordsPath")


def logged(root, kind):
    """The entries written under `root/<timestamp>/<kind>/`: one timestamp
    folder, whole `part-*.json` files only, every line a JSON object."""
    stamps = list(root.iterdir())
    assert len(stamps) == 1, stamps
    assert re.fullmatch(r"\d{8}T\d{6}", stamps[0].name), stamps[0].name
    entries = []
    for file in sorted((stamps[0] / kind).iterdir()):
        assert re.fullmatch(r"part-[0-9a-f-]{36}\.json", file.name), file.name
        entries.extend(json.loads(line) for line in file.read_text().splitlines())
    return entries


def by_record(entries):
    return sorted(entries, key=lambda e: e["record"])


def test_csv_bad_records_are_written_and_left_out(spark, tmp_path):
    path = write_file(tmp_path / "in" / "bad.csv", BAD_CSV)
    bad = tmp_path / "bad"
    read = spark.read.schema(CSV_SCHEMA).option("badRecordsPath", str(bad)).csv(path)
    assert read.collect() == [Row(id=1, name="a", day=date(2020, 1, 1))]
    entries = by_record(logged(bad, "bad_records"))
    assert [set(e) for e in entries] == [{"path", "record", "reason"}] * 4
    assert {e["path"] for e in entries} == {f"file://{path}"}
    assert [e["record"] for e in entries] == ["3,c", "4,d,2020-01-04,extra", "5,e,notadate", "x,b,2020-01-02"]
    reasons = [e["reason"] for e in entries]
    assert reasons[0] == "Malformed CSV record: 2 fields where the schema has 3"
    assert reasons[1] == "Malformed CSV record: 4 fields where the schema has 3"
    assert reasons[2] == "Cannot parse the value 'notadate' of the column `day` as DATE"
    assert reasons[3] == "Cannot parse the value 'x' of the column `id` as INT"
    assert not (next(bad.iterdir()) / "bad_files").exists()


def test_bad_records_path_wins_over_the_mode(spark, tmp_path):
    path = write_file(tmp_path / "bad.csv", BAD_CSV)
    for mode in ["FAILFAST", "PERMISSIVE"]:
        bad = tmp_path / f"bad_{mode}"
        schema = CSV_SCHEMA + ", _corrupt_record STRING"
        read = spark.read.schema(schema).options(mode=mode, badRecordsPath=str(bad)).csv(path)
        assert read.collect() == [Row(id=1, name="a", day=date(2020, 1, 1), _corrupt_record=None)]
        assert len(logged(bad, "bad_records")) == 4


def test_rows_and_counts_are_those_of_dropmalformed(spark, tmp_path):
    """The read keeps what DROPMALFORMED keeps, for every projection (Spark
    checks only the columns a query reads)."""
    path = write_file(tmp_path / "bad.csv", BAD_CSV)
    dropping = spark.read.schema(CSV_SCHEMA).option("mode", "DROPMALFORMED").csv(path)
    for at, project in enumerate([lambda df: df, lambda df: df.select("name", "day"), lambda df: df.select("id")]):
        bad = tmp_path / f"bad_{at}"
        logging = spark.read.schema(CSV_SCHEMA).option("badRecordsPath", str(bad)).csv(path)
        assert project(logging).collect() == project(dropping).collect()
        assert project(logging).count() == project(dropping).count()
    assert [e["record"] for e in logged(tmp_path / "bad_2", "bad_records")] == ["x,b,2020-01-02"]


def test_written_records_read_back_as_json(spark, tmp_path):
    path = write_file(tmp_path / "bad.csv", BAD_CSV)
    bad = tmp_path / "bad"
    spark.read.schema(CSV_SCHEMA).option("badRecordsPath", str(bad)).csv(path).collect()
    back = spark.read.json(str(next(bad.iterdir()) / "bad_records"))
    assert back.columns == ["path", "reason", "record"]
    assert sorted(r.record for r in back.collect()) == ["3,c", "4,d,2020-01-04,extra", "5,e,notadate", "x,b,2020-01-02"]


def test_json_bad_records_with_a_schema(spark, tmp_path):
    path = write_file(tmp_path / "bad.json", BAD_JSON)
    bad = tmp_path / "bad"
    read = spark.read.schema(JSON_SCHEMA).option("badRecordsPath", str(bad)).json(path)
    assert read.collect() == [Row(a=1, b="x"), Row(a=3, b=None), Row(a=4, b=None), Row(a=6, b='{"n": 1}')]
    entries = by_record(logged(bad, "bad_records"))
    assert {e["path"] for e in entries} == {f"file://{path}"}
    assert [e["record"] for e in entries] == ['"str"', "5", '{"a": "str", "b": "y"}', '{"a": 2.5}', "{bad json"]
    reasons = {e["record"]: e["reason"] for e in entries}
    assert reasons['{"a": "str", "b": "y"}'] == "Cannot parse the value '\"str\"' of the column `a` as INT"
    assert reasons['{"a": 2.5}'] == "Cannot parse the value '2.5' of the column `a` as INT"
    assert reasons["{bad json"].startswith("Malformed JSON record")


def test_json_inference_leaves_bad_records_out(spark, tmp_path):
    """Inference treats bad records as DROPMALFORMED does: no corrupt-record column."""
    path = write_file(tmp_path / "bad.json", BAD_JSON)
    bad = tmp_path / "bad"
    read = spark.read.option("badRecordsPath", str(bad)).json(path)
    dropping = spark.read.option("mode", "DROPMALFORMED").json(path)
    assert read.schema == dropping.schema
    assert "_corrupt_record" not in read.columns
    assert read.collect() == dropping.collect()
    assert sorted(e["record"] for e in logged(bad, "bad_records")) == ['"str"', "5", "{bad json"]


def test_nothing_is_written_without_bad_records(spark, tmp_path):
    path = write_file(tmp_path / "good.csv", "1,a,2020-01-01\n")
    bad = tmp_path / "bad"
    assert spark.read.schema(CSV_SCHEMA).option("badRecordsPath", str(bad)).csv(path).count() == 1
    assert not bad.exists()


def corrupt(folder, name, data=b"this is not a valid file of this format"):
    (folder / name).write_bytes(data)
    return folder / name


@pytest.mark.parametrize(
    "fmt, corrupt_name",
    [("parquet", "zz.parquet"), ("orc", "zz.orc"), ("avro", "zz.avro"), ("csv", "zz.csv.gz"), ("json", "zz.json.gz"), ("text", "zz.txt.gz")],
)
def test_unreadable_files_are_written_and_skipped(spark, tmp_path, fmt, corrupt_name):
    data = tmp_path / "data"
    frame = spark.createDataFrame([("a",), ("b",)], "value STRING")
    frame.coalesce(1).write.format(fmt).save(str(data))
    broken = corrupt(data, corrupt_name)
    bad = tmp_path / "bad"
    reader = spark.read.format(fmt).option("badRecordsPath", str(bad))
    if fmt in ("csv", "json"):
        reader = reader.schema("value STRING")
    assert sorted(r.value for r in reader.load(str(data)).collect()) == ["a", "b"]
    entries = logged(bad, "bad_files")
    assert [set(e) for e in entries] == [{"path", "reason"}]
    assert entries[0]["path"] == f"file://{broken}"
    assert entries[0]["reason"]
    assert not (next(bad.iterdir()) / "bad_records").exists()


def test_a_bad_file_and_bad_records_in_one_read(spark, tmp_path):
    data = tmp_path / "data"
    good = write_file(data / "a.csv", BAD_CSV)
    broken = data / "b.csv.gz"
    broken.write_bytes(gzip.compress(b"1,z,2020-01-01\n")[:-12])
    bad = tmp_path / "bad"
    read = spark.read.schema(CSV_SCHEMA).option("badRecordsPath", str(bad)).csv(str(data))
    assert read.collect() == [Row(id=1, name="a", day=date(2020, 1, 1))]
    assert [e["path"] for e in logged(bad, "bad_files")] == [f"file://{broken}"]
    assert {e["path"] for e in logged(bad, "bad_records")} == {f"file://{good}"}
