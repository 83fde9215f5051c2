"""File sources: malformed CSV and JSON records (mode, columnNameOfCorruptRecord),
unreadable files (ignoreCorruptFiles, ignoreMissingFiles) and JSON/CSV parsing
options. Test data is written under pytest's tmp_path; goldens hold no paths.
"""

import os

import pytest

from conftest import conf
from test_sources import check_error, write_file

BAD_CSV = "1,a,2020-01-01\nx,b,2020-01-02\n3,c\n4,d,2020-01-04,extra\n5,e,notadate\n"
CSV_SCHEMA = "id INT, name STRING, day DATE"

BAD_JSON = (
    '{"a": 1, "b": "x"}\n'
    '{"a": "str", "b": "y"}\n'
    "{bad json\n"
    "\n"
    '{"a": 2.5}\n'
    '[{"a": 3}, {"a": 4}]\n'
    "5\n"
    '"str"\n'
    '{"a": 6, "b": {"n": 1}}\n'
)
JSON_SCHEMA = "a INT, b STRING"


# -- CSV ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED", "bogus"])
def test_csv_modes(spark, tmp_path, golden, mode):
    path = write_file(tmp_path / "bad.csv", BAD_CSV)
    read = spark.read.schema(CSV_SCHEMA).option("mode", mode).csv(path)
    golden.check_df(read, "all")
    golden.check_df(read.select("name", "day"), "pruned")
    golden.check_df(read.select("id", "day"), "pruned_2")
    golden.check("count", read.count())
    golden.check("filtered_count", read.filter("name > 'a'").count())


def test_csv_corrupt_record_column(spark, tmp_path, golden):
    path = write_file(tmp_path / "bad.csv", BAD_CSV)
    golden.check_df(spark.read.schema(CSV_SCHEMA + ", _corrupt_record STRING").csv(path), "default_name")
    custom = spark.read.schema("bad STRING, " + CSV_SCHEMA).option("columnNameOfCorruptRecord", "bad").csv(path)
    golden.check_df(custom, "custom_name_first")
    dropped = spark.read.schema(CSV_SCHEMA + ", _corrupt_record STRING").option("mode", "DROPMALFORMED").csv(path)
    golden.check_df(dropped, "dropmalformed")


def test_csv_failfast_names_the_file(spark, tmp_path, golden):
    path = write_file(tmp_path / "bad.csv", BAD_CSV)
    read = spark.read.schema(CSV_SCHEMA).option("mode", "FAILFAST").csv(path)
    check_error(golden, tmp_path, lambda: read.collect(), "collect")
    golden.check("count", read.count())
    golden.check_df(read.select("name"), "name_only")


def test_corrupt_record_column_errors(spark, tmp_path, golden):
    path = write_file(tmp_path / "bad.csv", BAD_CSV)
    with_corrupt = spark.read.schema(CSV_SCHEMA + ", _corrupt_record STRING").csv(path)
    check_error(golden, tmp_path, lambda: with_corrupt.select("_corrupt_record").collect(), "only_corrupt")
    check_error(golden, tmp_path, lambda: with_corrupt.filter("_corrupt_record IS NOT NULL").count(), "filter_count")
    wrong = spark.read.schema(CSV_SCHEMA + ", _corrupt_record INT").csv(path)
    check_error(golden, tmp_path, lambda: wrong.collect(), "wrong_type")


def test_csv_inference_modes(spark, tmp_path, golden):
    path = write_file(tmp_path / "bad.csv", BAD_CSV)
    golden.check_df(spark.read.option("inferSchema", True).csv(path), "permissive")
    golden.check_df(spark.read.option("inferSchema", True).option("mode", "DROPMALFORMED").csv(path), "dropmalformed")


def test_csv_field_values_parse_as_spark(spark, tmp_path, golden):
    path = write_file(
        tmp_path / "vals.csv",
        ' 1,+2, 3 ,1.5,abc,"",TRUE,tRuE, 1.5 ,1e3,NaN,Inf,-Inf,Infinity,1.5d,2020-1-2,'
        "2020-01-02 03:04,2020-01-02T03:04:05Z,1.235,99999999999\n",
    )
    schema = (
        "a INT, b INT, c INT, d INT, e STRING, f STRING, g BOOLEAN, h BOOLEAN, i DOUBLE, j DOUBLE, k DOUBLE, "
        "l DOUBLE, m DOUBLE, n DOUBLE, o DOUBLE, p DATE, q TIMESTAMP, r TIMESTAMP, s DECIMAL(5,2), t INT, "
        "_corrupt_record STRING"
    )
    golden.check_df(spark.read.schema(schema).csv(path))


def test_csv_empty_null_and_special_values(spark, tmp_path, golden):
    path = write_file(tmp_path / "e.csv", '"",,x,n/a,+inf\n')
    schema = "a STRING, b STRING, c STRING, d DOUBLE, e DOUBLE"
    golden.check_df(spark.read.schema(schema).csv(path), "defaults")
    golden.check_df(spark.read.schema(schema).option("emptyValue", "E").csv(path), "empty_value")
    golden.check_df(spark.read.schema(schema).option("nullValue", "x").csv(path), "null_value")
    options = {"nanValue": "n/a", "positiveInf": "+inf"}
    golden.check_df(spark.read.schema(schema).options(**options).csv(path), "nan_and_inf")


def test_csv_white_space_quotes_and_escapes(spark, tmp_path, golden):
    spaced = write_file(tmp_path / "ws.csv", '  a  , " b " ,c\n')
    golden.check_df(spark.read.csv(spaced), "kept")
    trimmed = spark.read.options(ignoreLeadingWhiteSpace=True, ignoreTrailingWhiteSpace=True).csv(spaced)
    golden.check_df(trimmed, "trimmed")
    quoted = write_file(tmp_path / "q.csv", 'a"b,"c""d","e\\"f",g\n"unterminated,x\n')
    golden.check_df(spark.read.csv(quoted), "backslash_escape")
    golden.check_df(spark.read.option("escape", '"').csv(quoted), "doubled_quotes")


def test_csv_multi_line_and_line_separator(spark, tmp_path, golden):
    path = write_file(tmp_path / "ml.csv", 'id,txt\n1,"line1\nline2"\n2,plain\n')
    golden.check_df(spark.read.option("header", True).option("multiLine", True).csv(path), "multi_line")
    golden.check_df(spark.read.option("header", True).csv(path), "single_lines")
    custom = write_file(tmp_path / "sep.csv", "a;b|c;d|")
    golden.check_df(spark.read.option("lineSep", "|").option("sep", ";").csv(custom), "line_sep")


def test_csv_encodings(spark, tmp_path, golden):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("name,city\nJosé,Zürich\n".encode("iso-8859-1"))
    golden.check_df(spark.read.option("header", True).option("encoding", "ISO-8859-1").csv(str(latin)), "latin1")
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("name,city\nJosé,Zürich\n".encode("utf-16"))
    utf16_read = spark.read.options(header=True, encoding="UTF-16", multiLine=True).csv(str(utf16))
    golden.check_df(utf16_read, "utf16_multi_line")


# -- JSON ---------------------------------------------------------------------------


def test_json_inference_with_malformed_records(spark, tmp_path, golden):
    path = write_file(tmp_path / "bad.json", BAD_JSON)
    golden.check_df(spark.read.json(path), "permissive")
    golden.check_df(spark.read.option("mode", "DROPMALFORMED").json(path), "dropmalformed")
    check_error(golden, tmp_path, lambda: spark.read.option("mode", "FAILFAST").json(path).schema, "failfast")


@pytest.mark.parametrize("mode", ["PERMISSIVE", "DROPMALFORMED"])
def test_json_modes_with_schema(spark, tmp_path, golden, mode):
    path = write_file(tmp_path / "bad.json", BAD_JSON)
    read = spark.read.schema(JSON_SCHEMA).option("mode", mode).json(path)
    golden.check_df(read, "all")
    golden.check_df(read.select("b"), "pruned")
    golden.check("count", read.count())
    with_corrupt = spark.read.schema(JSON_SCHEMA + ", _corrupt_record STRING").option("mode", mode).json(path)
    golden.check_df(with_corrupt, "corrupt_column")


def test_json_failfast_names_the_file(spark, tmp_path, golden):
    path = write_file(tmp_path / "bad.json", BAD_JSON)
    read = spark.read.schema(JSON_SCHEMA).option("mode", "FAILFAST").json(path)
    check_error(golden, tmp_path, lambda: read.collect())


def test_json_values_convert_as_spark(spark, tmp_path, golden):
    path = write_file(
        tmp_path / "v.json",
        '{"i": 1, "d": 1.5, "s": 12, "b": true, "dec": 1.235, "day": "2020-01-02", "ts": "2020-01-02 03:04:05",'
        ' "arr": [1, 2], "st": {"x": "y"}, "m": {"k": 1}, "nan": "NaN", "big": 12345678901}\n'
        '{"i": "1", "d": "x", "s": [1, 2], "b": "true", "dec": "2.5", "day": "bad", "ts": 1577836800,'
        ' "arr": [1, "x"], "st": {"x": 1}, "m": {"k": "v"}, "nan": NaN, "big": 1}\n',
    )
    schema = (
        "i INT, d DOUBLE, s STRING, b BOOLEAN, dec DECIMAL(5,2), day DATE, ts TIMESTAMP, arr ARRAY<INT>, "
        "st STRUCT<x: STRING>, m MAP<STRING, INT>, nan DOUBLE, big INT, _corrupt_record STRING"
    )
    golden.check_df(spark.read.schema(schema).json(path))


def test_json_multi_line(spark, tmp_path, golden):
    write_file(tmp_path / "m" / "1.json", '[\n  {"a": 1,\n   "b": "x"},\n  {"a": 2}\n]\n')
    write_file(tmp_path / "m" / "2.json", '{\n  "a": 3,\n  "b": "z"\n}\n')
    golden.check_df(spark.read.option("multiLine", True).json(str(tmp_path / "m")).orderBy("a"), "inferred")
    golden.check_df(spark.read.option("multiLine", True).schema("a INT").json(str(tmp_path / "m")).orderBy("a"), "schema")
    bad = write_file(tmp_path / "bad" / "b.json", '{"a": 1,\n oops}\n')
    malformed = spark.read.option("multiLine", True).json(bad)
    golden.check("malformed_schema", malformed.schema.simpleString())
    check_error(golden, tmp_path, lambda: malformed.collect(), "only_corrupt_column")
    golden.check_df(spark.read.option("multiLine", True).schema("a INT, _corrupt_record STRING").json(bad), "malformed")


def test_json_parser_options(spark, tmp_path, golden):
    path = write_file(
        tmp_path / "o.json",
        "{a: 1}\n"
        "/* note */ {\"a\": 2}\n"
        "{'a': 3}\n"
        '{"a": 04}\n'
        '{"a": 5, "s": "\\q"}\n',
    )
    golden.check_df(spark.read.json(path), "defaults")
    lenient = {
        "allowUnquotedFieldNames": True,
        "allowComments": True,
        "allowNumericLeadingZeros": True,
        "allowBackslashEscapingAnyCharacter": True,
    }
    golden.check_df(spark.read.options(**lenient).json(path), "lenient")
    quotes = write_file(tmp_path / "q.json", "{'a': 3}\n{\"a\": 1}\n")
    golden.check_df(spark.read.option("allowSingleQuotes", False).json(quotes), "no_single_quotes")


def test_json_inference_options(spark, tmp_path, golden):
    path = write_file(tmp_path / "i.json", '{"a": 1, "b": 1.50, "c": null, "d": true, "e": {"f": null}}\n{"a": 2, "b": 0.25}\n')
    golden.check_df(spark.read.json(path), "defaults")
    golden.check_df(spark.read.option("primitivesAsString", True).json(path), "primitives_as_string")
    golden.check_df(spark.read.option("prefersDecimal", True).json(path), "prefers_decimal")
    golden.check_df(spark.read.option("dropFieldIfAllNull", True).json(path), "drop_all_null")


# -- unreadable files ---------------------------------------------------------------


def test_corrupt_files(spark, tmp_path, golden):
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "corrupt.csv.gz").write_bytes(b"not gzip at all")
    write_file(tmp_path / "d" / "good.csv", "1,2\n")
    root = str(tmp_path / "d")
    check_error(golden, tmp_path, lambda: spark.read.schema("a INT, b INT").csv(root).collect(), "corrupt")
    golden.check_df(spark.read.schema("a INT, b INT").option("ignoreCorruptFiles", True).csv(root), "option")
    with conf(spark, "spark.sql.files.ignoreCorruptFiles", "true"):
        golden.check_df(spark.read.schema("a INT, b INT").csv(root), "conf")


def test_modified_before_and_after(spark, tmp_path, golden):
    old = write_file(tmp_path / "d" / "old.csv", "old\n")
    new = write_file(tmp_path / "d" / "new.csv", "new\n")
    os.utime(old, (1577836800, 1577836800))  # 2020-01-01 00:00 UTC
    os.utime(new, (1609459200, 1609459200))  # 2021-01-01 00:00 UTC
    root = str(tmp_path / "d")
    golden.check_df(spark.read.option("modifiedBefore", "2020-06-01T00:00:00").csv(root), "before")
    golden.check_df(spark.read.option("modifiedAfter", "2020-06-01T00:00:00").csv(root), "after")
    window = {"modifiedAfter": "2019-12-31T23:00:00", "modifiedBefore": "2020-01-01T02:00:00"}
    golden.check_df(spark.read.options(**window).csv(root), "window")
    check_error(golden, tmp_path, lambda: spark.read.option("modifiedAfter", "2022-01-01T00:00:00").csv(root).schema, "none_left")
    check_error(golden, tmp_path, lambda: spark.read.option("modifiedAfter", "junk").csv(root).schema, "invalid")
