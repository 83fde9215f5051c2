"""CSV dateFormat / timestampFormat / timeZone on read, and CSV and JSON
writers with dateFormat / timestampFormat."""

import os

import pytest
from pyspark.sql import functions as F

from conftest import conf


def data_lines(root, suffix):
    lines = []
    for name in sorted(os.listdir(root)):
        if name.startswith("part-") and name.endswith(suffix):
            with open(os.path.join(root, name)) as f:
                lines.extend(f.read().splitlines())
    return sorted(lines)


def test_csv_read_with_patterns(spark, tmp_path, golden):
    path = tmp_path / "d.csv"
    path.write_text("02/01/2020,02/01/2020 13:45,x\n2020-01-03,2020-01-03 10:00:00,y\n")
    schema = "d date, ts timestamp, s string"
    reader = spark.read.schema(schema).option("dateFormat", "dd/MM/yyyy").option("timestampFormat", "dd/MM/yyyy HH:mm")
    golden.check_df(reader.csv(str(path)))
    golden.check_df(reader.option("timeZone", "America/New_York").csv(str(path)), name="new_york")
    golden.check_df(spark.read.schema(schema).csv(str(path)), name="defaults")


def test_csv_and_json_written_with_patterns(spark, tmp_path, golden):
    df = spark.createDataFrame([(1,)], "id int").select(
        "id",
        F.lit("2020-01-02").cast("date").alias("d"),
        F.lit("2020-01-02 03:04:05.678").cast("timestamp").alias("ts"),
    )
    options = {"dateFormat": "MM/dd/yyyy", "timestampFormat": "yyyy/MM/dd HH:mm:ss"}
    df.coalesce(1).write.options(**options).csv(str(tmp_path / "csv"))
    golden.check("csv", data_lines(str(tmp_path / "csv"), ".csv"))
    df.coalesce(1).write.options(**options).json(str(tmp_path / "json"))
    golden.check("json", data_lines(str(tmp_path / "json"), ".json"))
    df.coalesce(1).write.options(timestampFormat="HH:mm dd.MM.yyyy", timeZone="Asia/Tokyo").csv(str(tmp_path / "tokyo"))
    golden.check("tokyo", data_lines(str(tmp_path / "tokyo"), ".csv"))


def test_json_read_with_patterns(spark, tmp_path, golden):
    path = tmp_path / "d.json"
    path.write_text(
        '{"d": "02/01/2020", "ts": "02/01/2020 13:45", "s": "x"}\n'
        '{"d": "2020-01-03", "ts": "2020-01-03 10:00:00", "s": "y"}\n'
    )
    schema = "d date, ts timestamp, s string"
    reader = spark.read.schema(schema).option("dateFormat", "dd/MM/yyyy").option("timestampFormat", "dd/MM/yyyy HH:mm")
    golden.check_df(reader.json(str(path)))
    golden.check_df(reader.option("timeZone", "America/New_York").json(str(path)), name="new_york")
    golden.check_df(spark.read.schema(schema).json(str(path)), name="defaults")
    golden.check_df(
        reader.schema(schema + ", _corrupt_record string").option("mode", "PERMISSIVE").json(str(path)), name="corrupt"
    )


def test_from_json_with_patterns(spark, golden):
    df = spark.createDataFrame([('{"d": "02/01/2020", "ts": "02/01/2020 13:45"}',), ('{"d": "2020-01-03"}',)], "j string")
    options = {"dateFormat": "dd/MM/yyyy", "timestampFormat": "dd/MM/yyyy HH:mm"}
    golden.check_df(df.select(F.from_json("j", "d date, ts timestamp", options).alias("v")).select("v.d", "v.ts"))


INFERENCE_CASES = {
    "day_month_year": ("02/01/2020\n03/01/2020\n", {"dateFormat": "dd/MM/yyyy"}),
    "timestamp_pattern": ("02/01/2020 10:30\n", {"timestampFormat": "dd/MM/yyyy HH:mm"}),
    "dates_and_timestamps_by_patterns": (
        "02/01/2020\n02/01/2020 10:30\n",
        {"dateFormat": "dd/MM/yyyy", "timestampFormat": "dd/MM/yyyy HH:mm"},
    ),
    "iso_date_with_other_patterns": ("2020-01-02\n", {"dateFormat": "dd/MM/yyyy", "timestampFormat": "dd/MM/yyyy HH:mm"}),
    "iso_dates_and_timestamps": ("2020-01-02\n2020-01-02 10:00:00\n", {}),
    "dates_and_timestamps_by_timestamp_pattern": ("2020-01-02\n2020-01-02 10:00:00\n", {"timestampFormat": "yyyy-MM-dd HH:mm:ss"}),
    "dates_by_pattern_and_lenient_timestamps": ("02/01/2020\n2020-01-02 10:00:00\n", {"dateFormat": "dd/MM/yyyy"}),
    "prefer_date_off": ("2020-01-02\n", {"preferDate": "false"}),
    "prefer_date_off_with_pattern": ("02/01/2020\n", {"preferDate": "false", "dateFormat": "dd/MM/yyyy"}),
    "integers_with_timestamp_pattern": ("1\n2\n", {"timestampFormat": "dd/MM/yyyy HH:mm"}),
    "date_then_boolean": ("02/01/2020\ntrue\n", {"dateFormat": "dd/MM/yyyy"}),
    "month_names": ("Jan 2 2020\nFeb 3 2021\n", {"dateFormat": "MMM d yyyy"}),
}


@pytest.mark.parametrize("case", sorted(INFERENCE_CASES))
def test_csv_inference_by_date_and_timestamp_patterns(spark, tmp_path, golden, case):
    text, options = INFERENCE_CASES[case]
    path = tmp_path / "values.csv"
    path.write_text(text)
    golden.check_df(spark.read.option("inferSchema", "true").options(**options).csv(str(path)))


def test_schema_of_csv_with_date_pattern(spark, golden):
    golden.check_df(spark.sql("SELECT schema_of_csv('02/01/2020,1', map('dateFormat', 'dd/MM/yyyy')) AS s"))


DEFAULT_PARSED = [
    "2020-1-2",
    "2020-01-02T10:00",
    "2020-01-02 10:00:00.123+01:00",
    "2020/01/02 10:00",
    "2020-01-02 10:00:00 UTC",
    "2020-01",
    "2020",
    "2020-01-02T10:00:00Z",
    " 2020-01-02",
    "2020-01-02 1:2:3",
    "2020-1-2 10:00",
]


def test_default_date_and_timestamp_parsing(spark, tmp_path, golden):
    """Without dateFormat/timestampFormat the readers fall back to Spark's
    lenient parsing: one-digit fields, a year alone, times without seconds."""
    csv = tmp_path / "values.csv"
    csv.write_text("".join(f'"{value}"\n' for value in DEFAULT_PARSED))
    json = tmp_path / "values.json"
    json.write_text("".join('{"v": "%s"}\n' % value for value in DEFAULT_PARSED))
    with conf(spark, "spark.sql.session.timeZone", "UTC"):
        for data_type in ("timestamp", "date"):
            golden.check_df(spark.read.schema(f"v {data_type}").csv(str(csv)), name=f"csv_{data_type}")
            golden.check_df(spark.read.schema(f"v {data_type}").json(str(json)), name=f"json_{data_type}")
