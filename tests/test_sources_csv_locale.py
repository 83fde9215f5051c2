"""The CSV `locale` option: decimals and dates read with a locale's symbols
(here de-DE: `,` decimal separator, `.` grouping, German month names), with
inferSchema and with a user schema."""


def write_file(path, text):
    path.write_text(text)
    return str(path)


def test_csv_locale_with_a_user_schema(spark, tmp_path, golden):
    path = write_file(tmp_path / "de.csv", "1,5;1.234,5;2,25;05.Mär.2024\n-0,75;12;1e3;01.Dez.2023\n")
    df = (
        spark.read.option("sep", ";")
        .option("locale", "de-DE")
        .option("dateFormat", "dd.MMM.yyyy")
        .schema("d DECIMAL(10,2), g DECIMAL(10,2), x DOUBLE, day DATE")
        .csv(path)
    )
    golden.check_df(df)


def test_default_locale_drops_commas_in_decimals(spark, tmp_path, golden):
    path = write_file(tmp_path / "us.csv", "1,234.5;1,234.5\n12;1e2\n")
    df = spark.read.option("sep", ";").schema("d DECIMAL(10,2), x DOUBLE").csv(path)
    golden.check_df(df)


def test_csv_locale_with_inference(spark, tmp_path, golden):
    path = write_file(tmp_path / "de.csv", "a;b;c;d\n1.234;1,5;7;1.234\n2.000;2,5;8;7\n")
    df = spark.read.option("sep", ";").option("header", True).option("inferSchema", True).option("locale", "de-DE").csv(path)
    golden.check_df(df)
