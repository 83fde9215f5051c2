"""Datetime patterns Spark 3+ refuses for parsing although Spark 2 read them
(day names `E`, `F`, `u`, five-letter text fields): with the default
`spark.sql.legacy.timeParserPolicy` parsing a value with them fails with
[INCONSISTENT_BEHAVIOR_CROSS_VERSION.DATETIME_PATTERN_RECOGNITION], in the
functions and in CSV/JSON reads, whatever ANSI mode says; formatting with
day names works."""

import pytest
from pyspark.sql import functions as F

from conftest import conf

PARSING_FUNCTIONS = ["to_date", "to_timestamp", "unix_timestamp", "to_unix_timestamp", "try_to_timestamp"]


@pytest.mark.parametrize("ansi", ["true", "false"])
def test_functions_refuse_day_names_for_parsing(spark, golden, ansi):
    with conf(spark, "spark.sql.ansi.enabled", ansi):
        for function in PARSING_FUNCTIONS:
            golden.check_error(
                lambda: spark.sql(f"SELECT {function}('Fri 2026-11-27', 'E yyyy-MM-dd')").collect(), name=function
            )
        golden.check_error(lambda: spark.sql("SELECT to_date('Friday', 'EEEE')").collect(), name="full_name")
        golden.check_error(lambda: spark.sql("SELECT to_date('2026-11-27 6', 'yyyy-MM-dd F')").collect(), name="F")
        golden.check_error(lambda: spark.sql("SELECT to_date('2026', 'uuuu')").collect(), name="u")
        golden.check_error(lambda: spark.sql("SELECT to_date('2026', 'MMMMM')").collect(), name="five_letters")
        per_row = spark.createDataFrame([("Fri 2026-11-27", "E yyyy-MM-dd")], "s string, p string")
        golden.check_error(lambda: per_row.select(F.expr("to_timestamp(s, p)")).collect(), name="pattern_column")
        golden.check_df(
            spark.sql(
                "SELECT to_date(NULL, 'E yyyy-MM-dd') AS null_value, "
                "date_format(DATE'2026-11-27', 'E EEEE F') AS formatted"
            ),
            name="null_and_formatting",
        )
        golden.check_df(spark.sql("SELECT to_date(s, 'E') AS d FROM VALUES ('x') AS t(s) WHERE false"), name="no_rows")
        golden.check_error(lambda: spark.sql("SELECT date_format(DATE'2026-11-27', 'uuuu')").collect(), name="u_formatting")
        golden.check_error(
            lambda: spark.sql("SELECT date_format(DATE'2026-11-27', 'EEEEE')").collect(), name="five_letters_formatting"
        )


def test_reads_refuse_day_names_when_a_value_is_parsed(spark, tmp_path, golden):
    csv = tmp_path / "days.csv"
    csv.write_text("Fri 2026-11-27,Fri 2026-11-27 10:00,x\n,,y\n")
    nulls = tmp_path / "nulls.csv"
    nulls.write_text("1,,\n2,,\n")
    patterns = {"dateFormat": "E yyyy-MM-dd", "timestampFormat": "E yyyy-MM-dd HH:mm"}

    def reader():  # a new reader each time: schema() and option() change the reader
        return spark.read.options(**patterns)

    def typed():
        return reader().schema("d date, t timestamp, s string")

    golden.check_error(lambda: typed().csv(str(csv)).collect(), name="csv")
    for mode in ["FAILFAST", "DROPMALFORMED"]:
        golden.check_error(lambda: typed().option("mode", mode).csv(str(csv)).collect(), name=f"csv_{mode}")
    golden.check_df(typed().csv(str(csv)).select("s"), name="csv_pruned")
    golden.check_df(reader().schema("a int, d date, t timestamp").csv(str(nulls)), name="csv_nulls")
    golden.check_df(spark.read.option("dateFormat", "E yyyy-MM-dd").schema("d string, t timestamp").csv(str(csv)), name="csv_other_column")
    golden.check_error(lambda: reader().option("inferSchema", "true").csv(str(nulls)).schema, name="csv_inferred")
    golden.check_df(
        spark.read.option("dateFormat", "E yyyy-MM-dd").option("inferSchema", "true").csv(str(csv)), name="csv_inferred_date_pattern"
    )
    json = tmp_path / "days.json"
    json.write_text('{"d": "Fri 2026-11-27", "n": null}\n{"n": 1}\n')
    golden.check_error(lambda: reader().schema("d date, n int").json(str(json)).collect(), name="json")
    golden.check_df(reader().schema("n date, d string").json(str(json)), name="json_nulls_and_strings")
    golden.check_error(lambda: reader().json(str(json)).schema, name="json_inferred")
    texts = spark.createDataFrame([('{"d": "Fri 2026-11-27"}', "Fri 2026-11-27")], "j string, c string")
    golden.check_error(
        lambda: texts.select(F.from_json("j", "d date", {"dateFormat": "E yyyy-MM-dd"})).collect(), name="from_json"
    )
    golden.check_error(
        lambda: texts.select(F.from_csv("c", "d date", {"dateFormat": "E yyyy-MM-dd"})).collect(), name="from_csv"
    )


def test_writes_format_day_names(spark, tmp_path, golden):
    df = spark.createDataFrame([(1,)], "id int").select(F.lit("2026-11-27").cast("date").alias("d"))
    df.coalesce(1).write.option("dateFormat", "EEE, d MMM yyyy").csv(str(tmp_path / "out"))
    written = [p for p in (tmp_path / "out").iterdir() if p.name.startswith("part-")]
    golden.check("csv", sorted(line for p in written for line in p.read_text().splitlines()))
