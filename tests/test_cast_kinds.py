"""Which casts Spark has between kinds of values, per evaluation mode (ANSI
CAST, legacy CAST, TRY_CAST), with the error Spark's analyzer words for each
it rejects (CAST_WITH_CONF_SUGGESTION when only the legacy cast has it,
CAST_WITH_FUNC_SUGGESTION naming UNIX_DATE or DATE_FROM_UNIX_DATE), and what
the casts only legacy mode has give: dates to numbers and booleans NULL,
timestamps to booleans, booleans to one microsecond, integers to their
big-endian bytes."""

import re

import pytest

from conftest import conf, sql_outcome

VALUES = {
    "boolean": "true",
    "tinyint": "CAST(-2 AS TINYINT)",
    "smallint": "CAST(300 AS SMALLINT)",
    "int": "70000",
    "bigint": "5L",
    "double": "2.75D",
    "decimal": "12.34BD",
    "date": "DATE'2020-01-02'",
    "timestamp": "TIMESTAMP'1969-12-31 23:59:59.5'",
    "timestamp_far": "TIMESTAMP'3000-01-01 00:00:00'",
}

PAIRS = [
    ("boolean", "DATE"), ("boolean", "DECIMAL(10,2)"), ("boolean", "TIMESTAMP"),
    ("date", "BOOLEAN"), ("date", "INT"), ("date", "DOUBLE"), ("date", "DECIMAL(10,0)"),
    ("int", "DATE"), ("double", "DATE"), ("decimal", "DATE"),
    ("timestamp", "BOOLEAN"), ("timestamp", "DECIMAL(10,0)"), ("timestamp", "DECIMAL(20,3)"), ("timestamp", "FLOAT"),
    ("timestamp", "INT"), ("timestamp_far", "INT"), ("timestamp_far", "SMALLINT"), ("timestamp_far", "DECIMAL(5,0)"),
    ("tinyint", "BINARY"), ("smallint", "BINARY"), ("int", "BINARY"), ("bigint", "BINARY"),
]


def snake(text):
    return re.sub(r"\W+", "_", text.lower()).strip("_")


@pytest.mark.parametrize("ansi", ["true", "false"])
def test_casts_between_kinds(spark, golden, ansi):
    with conf(spark, "spark.sql.ansi.enabled", ansi), conf(spark, "spark.sql.session.timeZone", "UTC"):
        for source, target in PAIRS:
            for cast in ("CAST", "TRY_CAST"):
                sql = f"SELECT {cast}({VALUES[source]} AS {target}) AS r"
                golden.check(f"{cast.lower()}_{source}_{snake(target)}", sql_outcome(spark, sql))


def test_cast_functions_check_like_cast(spark, golden):
    for sql in ["SELECT boolean(DATE'2020-01-01')", "SELECT double(DATE'2020-01-01')", "SELECT date(1)", "SELECT decimal(true)", "SELECT binary(1)"]:
        golden.check(sql, sql_outcome(spark, sql))
