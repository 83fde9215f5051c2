"""CSV dateFormat / timestampFormat / timeZone on read, and CSV and JSON
writers with dateFormat / timestampFormat."""

import os

from pyspark.sql import functions as F


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
