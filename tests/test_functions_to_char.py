"""Spark's number formats: `to_char`/`to_varchar` of numbers (digits `9` pad
with spaces, `0` with zeros, `.`/`D`, `,`/`G`, `$`, signs `S`, `MI`, `PR`,
overflow as `#`), `to_number`/`try_to_number` reading text by them, and
the format errors."""

from decimal import Decimal

from pyspark.sql import functions as F

VALUES = [0, 5, -5, 12, -12, 454, -454, 1234, 78.12, -78.12, 0.5, -0.5, 123456, 12345.678, None]

FORMATS = [
    "999", "000", "9999", "0999", "99.99", "00.00", "9G999", "9,999", "99,999.99", "$99.99", "$999",
    "S999", "999S", "S99.99", "999MI", "99.9MI", "999PR", "99.99PR", "MI999", "$9,999.00", ".99", "D99",
    "99D9", "9.", "0000.00S", "S$999",
]


def test_to_char_of_numbers(spark, golden):
    rows = [(i, None if v is None else Decimal(str(v))) for i, v in enumerate(VALUES)]
    df = spark.createDataFrame(rows, "i int, v decimal(12,3)").orderBy("i")
    for fmt in FORMATS:
        golden.check_df(df.select("v", F.to_char("v", F.lit(fmt)).alias("s")), fmt)


def test_to_char_of_other_numeric_types(spark, golden):
    df = spark.createDataFrame([(7, 123456789, 2.5)], "a int, b bigint, c double")
    golden.check_df(df.select(F.to_char("a", F.lit("000")), F.to_varchar("b", F.lit("999,999,999")), F.to_char("c", F.lit("9.99"))))
    golden.check_df(spark.sql("SELECT to_char(454, '999'), to_varchar(-12.454, 'S99.999'), to_char(CAST(NULL AS INT), '9')"), "sql")


BAD_FORMATS = {
    "empty": "", "letters": "abc", "no_digit": "$", "dollar_after_digits": "9$", "dollar_after_point": "9.9$9",
    "separator_last": "99,", "separator_first": ",99", "two_separators": "9,,9", "separator_after_point": "9.9,9",
    "two_points": "9.9.9", "two_s": "SS99", "two_mi": "MIMI9", "two_dollars": "$$99", "two_pr": "99PRPR",
    "sign_inside": "9S9", "sign_after_point": "99.S9", "space": "9 9",
}


def test_to_char_format_errors(spark, golden):
    df = spark.range(1).select(F.lit(5).cast("decimal(3,0)").alias("v"))
    for name, fmt in BAD_FORMATS.items():
        golden.check_error(lambda: df.select(F.to_char("v", F.lit(fmt))).collect(), name)


READS = [
    ("454", "999"), ("454", "000"), ("054", "000"), ("54", "000"), ("1,234", "9,999"), ("1234", "9,999"),
    ("12,34", "9,999"), ("$78.12", "$99.99"), ("78.12", "$99.99"), ("-12", "S99"), ("+12", "S99"), ("12-", "99S"),
    ("12-", "99MI"), ("<12>", "99PR"), ("12", "99PR"), (" 12 ", "99"), ("12.", "99.99"), (".5", "99.99"),
    ("1 234", "9,999"), ("123.456", "999.99"), ("", "99"), ("1,2,3", "9,9,9"), ("0.5", "0.9"), ("5", "9.99"),
    ("12,345.6", "99,999.9"), ("12,345.6", "999,999.9"),
]


def test_to_number_reads_by_format(spark, golden):
    for i, (text, fmt) in enumerate(READS):
        golden.check_df(spark.range(1).select(F.try_to_number(F.lit(text), F.lit(fmt)).alias("v")), f"read_{i}")
    golden.check_error(lambda: spark.range(1).select(F.to_number(F.lit("54"), F.lit("000"))).collect(), "mismatch")
    for name in ["empty", "dollar_after_digits", "two_separators", "sign_after_point", "space"]:
        fmt = BAD_FORMATS[name]
        golden.check_error(lambda: spark.range(1).select(F.to_number(F.lit("5"), F.lit(fmt))).collect(), f"format_{name}")


def test_number_format_must_be_a_literal(spark, golden):
    rows = "FROM VALUES ('9.9') AS t(s)"
    for name, call in {"column": "to_char(1.5, s)", "string_value": "to_char('1.5', s)", "call": "to_char(1.5, upper(s))"}.items():
        golden.check_error(lambda: spark.sql(f"SELECT {call} {rows}").collect(), name)
