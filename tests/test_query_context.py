"""Query contexts on errors: an error raised by an expression names where the
user built it, a DataFrame API call (its fragment, e.g. `__truediv__`) or a
span of SQL text, as Spark 4 reports it (`exception.getQueryContext()`)."""

import pytest
from pyspark.sql import functions as F

from conftest import conf, describe_error


def contexts(exc):
    """The error and its query contexts, without the call site's line number."""
    found = []
    for context in exc.getQueryContext():
        item = {"type": context.contextType().name, "fragment": context.fragment()}
        if context.contextType().name == "SQL":
            item["startIndex"] = context.startIndex()
            item["stopIndex"] = context.stopIndex()
        found.append(item)
    return {**describe_error(exc), "contexts": found}


def check_contexts(golden, fn, name):
    try:
        result = fn()
    except Exception as exc:  # noqa: BLE001 - the error is what is checked
        golden.check(name, contexts(exc))
        return
    pytest.fail(f"expected an error for {name!r}, got {result!r}", pytrace=False)


def test_dataframe_context_of_run_time_errors(spark, golden):
    df = spark.range(10)
    with conf(spark, "spark.sql.ansi.enabled", "true"):
        check_contexts(golden, lambda: df.withColumn("d", df.id / 0).collect(), "divide")
        check_contexts(golden, lambda: df.withColumn("d", (df.id / 0) * 10).collect(), "divide_nested")
        check_contexts(golden, lambda: df.withColumn("p", df.id + "string").collect(), "plus_string")
        check_contexts(golden, lambda: df.withColumn("e", df.id == "string").collect(), "equal_string")
        check_contexts(golden, lambda: df.withColumn("b", df.id.bitwiseOR("string")).collect(), "bitwise_or_string")
        check_contexts(
            golden,
            lambda: df.withColumn("m", df.id * 10).withColumn("d", df.id / 0).withColumn("p", df.id + 10).collect(),
            "chained",
        )
        check_contexts(golden, lambda: df.select(df.id - 10, df.id / 10, df.id % 0).collect(), "remainder")
        check_contexts(golden, lambda: df.filter(df.id / 0 > 1).collect(), "in_filter")


def test_dataframe_context_of_analysis_errors(spark, golden):
    df = spark.range(1)
    check_contexts(golden, lambda: df.select(F.col("id") + F.col("idd")).schema, "unresolved_col")
    check_contexts(golden, lambda: df.select(F.col("idd").outer()).collect(), "unresolved_outer")


def test_sql_context(spark, golden):
    with conf(spark, "spark.sql.ansi.enabled", "true"):
        check_contexts(golden, lambda: spark.sql("select 10/0").collect(), "divide")
        check_contexts(golden, lambda: spark.sql("select (10/0)*100").collect(), "divide_nested")
        check_contexts(golden, lambda: spark.sql("select id,\n  id / 0 as d\nfrom range(2)").collect(), "two_lines")
    check_contexts(golden, lambda: spark.sql("select idd from range(1)").collect(), "unresolved")


def test_errors_without_context(spark, golden):
    check_contexts(golden, lambda: spark.sql("SELEC 1"), "parse")
    check_contexts(golden, lambda: spark.table("no_such_table_qc").collect(), "table_not_found")
