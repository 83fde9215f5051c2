"""Spark's implicit casts of function arguments (`abs('1.5')`,
`year('2020-01-01')`, `upper(1)`) and its `DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE`
for arguments it does not cast (`sqrt(true)`, `md5(1)`, `upper(array(1))`),
and `round`/`bround` with Spark's result types and tie-breaking."""

import pytest

SOURCE = (
    "(SELECT array(1, 2) AS arr, map('a', 1) AS m, named_struct('x', 1) AS s, 'abc' AS str, '12' AS num, 1 AS i, "
    "DATE'2020-01-01' AS d, X'01' AS bin, true AS b, 1.5 AS dec, TIMESTAMP'2020-01-01 10:20:30' AS ts)"
)

ACCEPTED = [
    "abs(num)", "sqrt(num)", "round(num, 1)", "round(dec, '1')", "upper(i)", "upper(bin)", "upper(b)", "length(i)",
    "length(bin)", "concat(str, i)", "year(ts)", "year('2020-01-01')", "date_add(d, '1')", "date_add(ts, 1)",
    "substring(str, '1', 2)", "substring(str, dec, 2)", "md5(str)", "exp(num)", "sum(num)", "avg(num)",
    "bit_count(b)", "hex(b)", "hex(dec)", "bin(dec)", "conv(i, '2', 10)", "ceil(num)", "floor(dec)", "negative(num)",
    "-num", "NOT 'true'", "degrees(num)", "hour(d)", "hour('2020-01-01 12:00:00')", "crc32(str)",
    "sha2(str, '256')", "base64(str)", "repeat(str, '2')", "lpad(str, '5', 'x')", "left(str, '2')",
    "datediff(ts, d)", "last_day(ts)", "add_months(d, '1')", "shiftleft(dec, 1)", "shiftleft(num, 1)",
    "factorial(dec)", "chr(dec)", "pmod(7, 2)", "printf('%d-%s', i, str)", "from_unixtime(0, 'yyyy-MM-dd')",
    "levenshtein(str, 'abd', 2)", "reverse(i)", "reverse(b)", "to_timestamp(i)", "log(num)", "log(2, num)", "date_add(d, 1Y)",
]

REJECTED = [
    "upper(arr)", "length(m)", "sqrt(arr)", "sqrt(b)", "abs(s)", "abs(b)", "year(arr)", "year(i)", "year(bin)",
    "substring(arr, 1, 2)", "md5(arr)", "md5(i)", "md5(d)", "round(b)", "date_add(arr, 1)", "date_add(d, dec)",
    "date_add(d, 1L)", "lower(s)", "trim(arr)", "exp(m)", "exp(b)", "bit_count(str)", "bit_count(dec)", "sum(arr)",
    "sum(b)", "avg(b)", "ascii(arr)", "hex(s)", "log(arr)", "log(b, 8)", "bin(b)", "conv(arr, 2, 10)", "ceil(b)",
    "negative(b)", "-b", "NOT i", "NOT bin", "if(str, 1, 2)", "if(i, 1, 2)", "degrees(b)", "hour(i)", "minute(arr)",
    "crc32(i)", "sha1(i)", "sha2(i, 256)", "base64(i)", "format_number(str, 2)", "format_number(b, 2)",
    "lpad(arr, 3, 'x')", "instr(arr, 'a')", "datediff(arr, d)", "sign(b)", "weekday(i)", "date_sub(d, b)",
    "variance(b)", "sqrt(d)", "to_date(m)", "to_date(arr)", "unix_timestamp(i)", "unix_timestamp(b)",
    "unix_timestamp(s)", "reverse(s)", "reverse(m)", "to_timestamp(arr)",
]


def test_accepted_arguments_are_cast(spark, golden):
    for expression in ACCEPTED:
        row = spark.sql(f"SELECT {expression} AS v, typeof({expression}) AS t FROM {SOURCE}").collect()[0]
        golden.check(expression, [str(row.v), row.t])


def test_rejected_arguments_fail_with_spark_parameters(spark, golden):
    for expression in REJECTED:
        with pytest.raises(Exception) as failure:
            spark.sql(f"SELECT {expression} FROM {SOURCE}").collect()
        parameters = failure.value.getMessageParameters() or {}
        golden.check(
            expression,
            {"condition": failure.value.getCondition(), **{k: parameters.get(k) for k in ("paramIndex", "requiredType", "inputSql", "inputType")}},
        )


@pytest.mark.parametrize("ansi", ["true", "false"])
def test_malformed_strings_cast_implicitly(spark, golden, ansi):
    from conftest import conf

    with conf(spark, "spark.sql.ansi.enabled", ansi):
        for expression in ["abs(str)", "year(str)", "sqrt(str)", "sum(str)", "hour(str)", "date_add(d, str)", "to_date(i)", "to_date(b)"]:
            try:
                golden.check(expression, [str(v) for v in spark.sql(f"SELECT {expression} FROM {SOURCE}").collect()[0]])
            except Exception as e:
                golden.check(expression, {"condition": e.getCondition()})


def test_round_and_bround(spark, golden):
    expressions = [
        "round(2.675D, 2)", "round(-2.5D)", "round(2.5D)", "round(1.005D, 2)", "round(CAST(2.5 AS FLOAT))",
        "round(125, -1)", "round(-125, -1)", "round(1e300D, -299)", "round(0.285D, 2)", "bround(2.5D)",
        "bround(CAST(2.5 AS FLOAT))", "round(dec, 0)", "round(CAST(-1.55 AS DECIMAL(3,2)), 1)", "round(12.345, -1)",
        "round(CAST(1 AS DECIMAL(38,2)), 1)", "round(NULL)", "round(i, 2)", "round(dec, 3)", "round(9.99, 1)",
        "bround(12.345, -1)", "bround(CAST(-2.25 AS DECIMAL(4,2)), 1)", "round(CAST('NaN' AS DOUBLE))",
        "round(-0.4D)", "round(99.5D, -2)", "round(0.000123456D, 5)",
    ]
    for expression in expressions:
        row = spark.sql(f"SELECT {expression} AS v, typeof({expression}) AS t FROM {SOURCE}").collect()[0]
        golden.check(expression, [str(row.v), row.t])
