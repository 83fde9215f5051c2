"""The CSV `locale` option: decimals and dates read with a locale's symbols
(here de-DE: `,` decimal separator, `.` grouping, German month names), with
inferSchema and with a user schema; month and day names in other locales."""

import datetime

import pytest


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


@pytest.mark.parametrize("locale", ["de-DE", "fr-FR", "es-ES", "it-IT", "nl-NL", "pt-BR", "pt-PT", "sv-SE", "da-DK", "pl-PL", "ru-RU", "en-GB"])
def test_month_and_day_names_in_a_locale(spark, tmp_path, golden, locale):
    """Dates written with the locale's day and month names (format and
    stand-alone forms, short and full), and read back, any case. (Spark
    rejects day names in patterns for parsing.)"""
    dates = spark.createDataFrame([(datetime.date(2024, m, m + 1),) for m in range(1, 13)], "d date")
    days = tmp_path / "days"
    dates.coalesce(1).write.options(locale=locale, dateFormat="EEE EEEE|d").csv(str(days))
    golden.check_df(spark.read.text(str(days)), "days_written")
    months = tmp_path / "months"
    options = {"locale": locale, "dateFormat": "d MMM|MMMM|LLL|LLLL yyyy"}
    dates.coalesce(1).write.options(**options).csv(str(months))
    golden.check_df(spark.read.text(str(months)), "months_written")
    golden.check_df(spark.read.schema("d DATE").options(**options).csv(str(months)), "read_back")
    upper = tmp_path / "upper.csv"
    upper.write_text("".join(f.read_text(encoding="utf-8").upper() for f in sorted(months.glob("part-*"))), encoding="utf-8")
    golden.check_df(spark.read.schema("d DATE").options(**options).csv(str(upper)), "read_upper_case")


def test_json_dates_with_month_names_in_a_locale(spark, tmp_path, golden):
    path = tmp_path / "fr.json"
    path.write_text('{"d": "5 mars 2024", "t": "1 janv. 2024 10:30"}\n{"d": "5 March 2024", "t": "1 janv 2024 10:30"}\n', encoding="utf-8")
    read = spark.read.schema("d DATE, t TIMESTAMP").options(locale="fr-FR", dateFormat="d MMMM yyyy", timestampFormat="d MMM yyyy HH:mm")
    golden.check_df(read.json(str(path)))
