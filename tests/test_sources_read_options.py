"""Reader options and settings: CSV enforceSchema, the session's default
source (spark.sql.sources.default), JSON lineSep and corrupt records, CSV
unescapedQuoteHandling."""

import re

import pytest

from pyspark.sql.types import IntegerType, StructField, StructType

from conftest import conf, describe_error

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def check_read_error(golden, tmp_path, fn, name):
    """golden.check_error with the tmp folder and file uuids normalised."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - any client error is recorded
        described = describe_error(exc)
        described["messageParameters"] = {
            k: UUID_RE.sub("<uuid>", v.replace(str(tmp_path), "<tmp>"))
            for k, v in (described["messageParameters"] or {}).items()
        }
        golden.check(name, described)
        return exc
    raise AssertionError(f"expected an error for {name}")


def csv_with_header(spark, tmp_path):
    path = str(tmp_path / "csv")
    spark.createDataFrame([[1, 1000], [2000, 2]], "f1 long, f2 long").coalesce(1).write.option("header", "true").csv(path)
    return path


def test_csv_header_checked_without_enforce_schema(spark, tmp_path, golden):
    path = csv_with_header(spark, tmp_path)
    swapped = StructType([StructField("f2", IntegerType()), StructField("f1", IntegerType())])
    reader = spark.read.option("header", "true").option("enforceSchema", "false")
    for name, schema in (("swapped", swapped), ("fewer", "f1 int")):
        check_read_error(golden, tmp_path, lambda: reader.schema(schema).csv(path).collect(), name=name)
    golden.check_df(reader.schema("F1 int, f2 int").csv(path).orderBy("F1"), name="any_case")
    golden.check_df(reader.schema("a int, f2 int").csv(path).select("f2").orderBy("f2"), name="pruned")
    golden.check_df(spark.read.option("header", "true").schema(swapped).csv(path).orderBy("f2"), name="enforced")


def test_default_source_setting(spark, tmp_path, golden):
    path = str(tmp_path / "out")
    df = spark.createDataFrame([(1, "a"), (2, "b")], "id int, s string")
    with conf(spark, "spark.sql.sources.default", "org.apache.spark.sql.json"):
        df.coalesce(1).write.save(path)
        golden.check_df(spark.read.load(path).orderBy("id"))
    golden.check_df(spark.read.format("json").load(path).orderBy("id"), name="as_json")
    with conf(spark, "spark.sql.sources.default", "csv"):
        golden.check_df(spark.read.load(path).orderBy("_c0"), name="as_csv")


def test_json_line_sep_keeps_whole_corrupt_records(spark, tmp_path, golden):
    path = tmp_path / "people.json"
    path.write_text('{"name":"Michael"}\n{"name":"Andy", "age":30}\n{"name":"Justin", "age":19}\n')
    golden.check_df(spark.read.json(str(path), lineSep=","))
    golden.check_df(spark.read.json(str(path), lineSep=",", mode="DROPMALFORMED"), name="dropped")


UNESCAPED_QUOTE_LINES = ['"a"b,c', '"a"b"c,d', 'x,"a "q" b",y', '"a""b",c', '"abc"def', '"a" ,b', 'p,"q"r"s"t,u', '"a\\"b"c,d']


@pytest.mark.parametrize("mode", ["STOP_AT_CLOSING_QUOTE", "BACK_TO_DELIMITER", "STOP_AT_DELIMITER", "SKIP_VALUE", "RAISE_ERROR", "stop_at_closing_quote"])
def test_csv_unescaped_quote_handling(spark, tmp_path, golden, mode):
    path = tmp_path / "quotes.csv"
    path.write_text("\n".join(UNESCAPED_QUOTE_LINES) + "\n")
    read = spark.read.schema("a STRING, b STRING, c STRING, d STRING").option("unescapedQuoteHandling", mode).csv(str(path))
    if mode == "RAISE_ERROR":
        check_read_error(golden, tmp_path, read.collect, "error")
    else:
        golden.check_df(read)


BACK_TO_DELIMITER_LINES = [
    '"a,b"c,d',
    '"a"b,c"d,e',
    '"a,,b"c,d',
    'x,"a "b" c,d"e,f',
    '"a"b" c,d',
    '"a"b"\\"c,d',
    '"a"\\b,c',
    '"a\\\\"b,c',
    '"a"b""c,d',
    '"a" b,c',
    '"a"  ,b',
    '"a"b "c d",e',
    'p,q,"r"',
    '"ok","fine",x',
]


@pytest.mark.parametrize("multi_line", ["false", "true"])
def test_csv_back_to_delimiter(spark, tmp_path, golden, multi_line):
    """uniVocity's BACK_TO_DELIMITER: the text before an unescaped quote is
    split again at delimiters; with multiLine the quoted reading runs on
    across lines and records break where uniVocity breaks them."""
    path = tmp_path / "quotes.csv"
    path.write_text("\n".join(BACK_TO_DELIMITER_LINES) + "\n")
    read = (
        spark.read.schema("a STRING, b STRING, c STRING, d STRING")
        .option("unescapedQuoteHandling", "BACK_TO_DELIMITER")
        .option("multiLine", multi_line)
    )
    golden.check_df(read.csv(str(path)))
    spanning = tmp_path / "spanning.csv"
    spanning.write_text('1,"a\nb"c,d\n2,x\n3,"y"\n4,"z\nw"\n5,"q"r\n')
    golden.check_df(read.csv(str(spanning)), name="spanning")
    golden.check_df(read.option("sep", ";").csv(str(path)), name="semicolon")


ESCAPE_LINES = ['"a\\\\",b', '"a#\\",b', '"x\\"y",z', '"p#q",r', '"a\\\\\\"b",c', '"a""b",c', '"a\\"",b']
ESCAPE_OPTIONS = {
    "defaults": {},
    "hash": {"charToEscapeQuoteEscaping": "#"},
    "doubled_quotes": {"escape": '"'},
    "doubled_quotes_backslash": {"escape": '"', "charToEscapeQuoteEscaping": "\\"},
}


@pytest.mark.parametrize("case", sorted(ESCAPE_OPTIONS))
def test_csv_char_to_escape_quote_escaping(spark, tmp_path, golden, case):
    """escape and charToEscapeQuoteEscaping inside quoted fields, read and
    written as Spark's uniVocity settings do."""
    options = ESCAPE_OPTIONS[case]
    path = tmp_path / "escapes.csv"
    path.write_text("\n".join(ESCAPE_LINES) + "\n")
    golden.check_df(spark.read.schema("a STRING, b STRING, c STRING").options(**options).csv(str(path)))
    df = spark.createDataFrame([('a"b', "c\\d"), ('e\\"f', "g"), ("h,i", "j\\")], "x string, y string")
    for quote_all in ("false", "true"):
        out = tmp_path / f"out_{quote_all}"
        df.coalesce(1).write.options(quoteAll=quote_all, **options).csv(str(out))
        written = sorted(p for p in out.iterdir() if p.name.startswith("part-"))
        golden.check(f"written_quote_all_{quote_all}", [line for p in written for line in p.read_text().splitlines()])
