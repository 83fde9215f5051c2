"""samplingRatio in CSV and JSON schema inference: Spark infers from a
seeded sample of the read's lines, so the inferred types depend on exactly
which lines the sample keeps. Column j holds a string only on line j, so the
schema shows which lines were sampled."""

from conftest import describe_error

WIDTH = 24


def write_file(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def csv_text(header=True):
    names = ",".join(f"c{j:02d}" for j in range(WIDTH))
    rows = [",".join("x" if j == i else str(j) for j in range(WIDTH)) for i in range(WIDTH)]
    return "\n".join(([names] if header else []) + rows) + "\n"


def json_text():
    rows = ["{" + ",".join(f'"c{j:02d}": ' + ('"x"' if j == i else str(j)) for j in range(WIDTH)) + "}" for i in range(WIDTH)]
    return "\n".join(rows) + "\n"


def schema_of(df):
    return [f"{f.name}:{f.dataType.simpleString()}" for f in df.schema.fields]


def test_csv_sampling_ratio_picks_spark_lines(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.csv", csv_text())
    for ratio in ["0.3", "0.5", "0.9"]:
        df = spark.read.options(header=True, inferSchema=True, samplingRatio=ratio).csv(path)
        golden.check(f"schema_{ratio}", schema_of(df))
    df = spark.read.options(header=True, inferSchema=True, samplingRatio="0.5").csv(path)
    golden.check("count", df.count())


def test_csv_sampling_over_several_files(spark, tmp_path, golden):
    write_file(tmp_path / "d" / "a.csv", csv_text())
    write_file(tmp_path / "d" / "b.csv", csv_text() + "1,2\n")
    df = spark.read.options(header=True, inferSchema=True, samplingRatio="0.4").csv(str(tmp_path / "d"))
    golden.check("schema", schema_of(df))
    df = spark.read.options(inferSchema=True, samplingRatio="0.4").csv(str(tmp_path / "d" / "a.csv"))
    golden.check("no_header", schema_of(df))


def test_json_sampling_ratio_picks_spark_lines(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.json", json_text())
    for ratio in ["0.3", "0.6"]:
        golden.check(f"schema_{ratio}", schema_of(spark.read.option("samplingRatio", ratio).json(path)))


def test_sampling_ratio_must_be_positive(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.csv", csv_text())
    for fmt in ["csv", "json"]:
        try:
            spark.read.format(fmt).options(inferSchema=True, samplingRatio="0").load(path).schema
        except Exception as exc:  # noqa: BLE001 - the error is the result
            golden.check(f"{fmt}_error", describe_error(exc))
        else:
            golden.check(f"{fmt}_error", None)


def test_csv_max_columns_and_max_chars_per_column(spark, tmp_path, golden):
    path = write_file(tmp_path / "a.csv", "a,b,c\n1,2,3\n")
    for options in [{"maxColumns": "2"}, {"maxColumns": "3"}, {"maxCharsPerColumn": "1"}, {"maxCharsPerColumn": "-1"}]:
        name = "_".join(f"{k}{v}" for k, v in options.items())
        try:
            rows = [tuple(r) for r in spark.read.options(**options).csv(path).collect()]
        except Exception as exc:  # noqa: BLE001 - the error is the result
            golden.check(name, describe_error(exc))
        else:
            golden.check(name, [list(r) for r in rows])


def test_json_infer_timestamp_and_decimal_strings(spark, tmp_path, golden):
    path = write_file(
        tmp_path / "t.json",
        '{"a": "2020-01-01 10:00:00", "b": "2020-01-01", "c": "1.50", "d": "x", "e": "2021-03-04T05:06:07Z"}\n'
        '{"a": "2020-01-02 11:30:00", "b": "2020-01-02", "c": "-2", "d": "2020-01-01 00:00:00", "e": null}\n',
    )
    golden.check("default", schema_of(spark.read.json(path)))
    golden.check("infer", schema_of(spark.read.option("inferTimestamp", True).json(path)))
    golden.check_df(spark.read.option("inferTimestamp", True).json(path).select("a", "e"), "infer_rows")
    golden.check("decimal", schema_of(spark.read.option("prefersDecimal", True).json(path)))
    fmt = spark.read.options(inferTimestamp=True, timestampFormat="yyyy-MM-dd").json(path)
    golden.check("format", schema_of(fmt))


def test_json_multi_line_sampling_picks_spark_files(spark, tmp_path, golden):
    """With multiLine, Spark samples whole files (one document each), in the
    order the read lists them: here the given paths' order (a folder's files
    come in the file system's own order). File j holds column j, so the
    schema shows which files were sampled."""
    paths = [
        write_file(tmp_path / f"f{j:02d}.json", '{\n  "c%02d": 1,\n  "id": %d\n}\n' % (j, j))
        for j in ((i * 7) % WIDTH for i in range(WIDTH))
    ]
    for ratio in ["0.1", "0.3", "0.5", "0.8"]:
        df = spark.read.options(multiLine=True, samplingRatio=ratio).json(paths)
        golden.check(f"schema_{ratio}", schema_of(df))
    golden.check("count", spark.read.options(multiLine=True, samplingRatio="0.5").json(paths).count())
