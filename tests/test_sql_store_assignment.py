"""INSERT's store assignment (spark.sql.storeAssignmentPolicy=ANSI, the
default): which values a column accepts, the casts applied, and Spark's
errors (INCOMPATIBLE_DATA_FOR_TABLE.*, CAST_OVERFLOW_IN_TABLE_INSERT,
INSERT_COLUMN_ARITY_MISMATCH.*), by position, by column list and BY NAME."""

import pytest


def run(spark, *statements):
    for statement in statements:
        spark.sql(statement)


@pytest.fixture
def target(spark):
    run(
        spark,
        "DROP TABLE IF EXISTS ssa_t",
        "CREATE TABLE ssa_t (i INT, l BIGINT, d DOUBLE, s STRING, b BOOLEAN, dt DATE, ts TIMESTAMP, dec DECIMAL(5, 2)) USING parquet",
    )
    yield "ssa_t"
    run(spark, "DROP TABLE IF EXISTS ssa_t", "DROP TABLE IF EXISTS ssa_nested")


ALLOWED = {
    # numeric to numeric (narrowing too), anything atomic to string, dates and timestamps
    "widening": "INSERT INTO ssa_t (i, l, d) VALUES (CAST(1 AS TINYINT), 2, CAST(3 AS INT))",
    "narrowing": "INSERT INTO ssa_t (i, l, dec) VALUES (CAST(7 AS BIGINT), 2.9D, 1.125D)",
    # Spark rounds the double's shortest decimal text (1.005), half up.
    "double_to_decimal_rounding": "INSERT INTO ssa_t (dec) VALUES (1.005D)",
    "to_string": "INSERT INTO ssa_t (s) VALUES (12.5D)",
    "boolean_to_string": "INSERT INTO ssa_t (s) VALUES (true)",
    "date_to_string": "INSERT INTO ssa_t (s) VALUES (DATE'2024-02-03')",
    "timestamp_to_date": "INSERT INTO ssa_t (dt, ts) VALUES (TIMESTAMP'2024-02-03 04:05:06', DATE'2024-01-01')",
    "nulls": "INSERT INTO ssa_t VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
    "binary_to_string": "INSERT INTO ssa_t (s) VALUES (X'41')",
    "decimal_to_double": "INSERT INTO ssa_t (d, i) VALUES (1.25BD, 9.99BD)",
}


@pytest.mark.parametrize("case", sorted(ALLOWED))
def test_allowed_assignments(spark, golden, target, case):
    run(spark, ALLOWED[case])
    golden.check_df(spark.sql("SELECT * FROM ssa_t"), "rows")


REJECTED = {
    "string_to_int": "INSERT INTO ssa_t (i) VALUES ('1')",
    "string_to_boolean": "INSERT INTO ssa_t (b) VALUES ('true')",
    "string_to_date": "INSERT INTO ssa_t (dt) VALUES ('2024-01-01')",
    "boolean_to_int": "INSERT INTO ssa_t (i) VALUES (true)",
    "int_to_boolean": "INSERT INTO ssa_t (b) VALUES (1)",
    "date_to_int": "INSERT INTO ssa_t (i) VALUES (DATE'2024-01-01')",
    "int_to_date": "INSERT INTO ssa_t (dt) VALUES (1)",
    "int_to_timestamp": "INSERT INTO ssa_t (ts) VALUES (1)",
    "array_to_string": "INSERT INTO ssa_t (s) VALUES (array(1))",
}


@pytest.mark.parametrize("case", sorted(REJECTED))
def test_rejected_assignments(spark, golden, target, case):
    golden.check_error(lambda: spark.sql(REJECTED[case]))


OVERFLOWS = {
    "bigint_to_int": "INSERT INTO ssa_t (i) VALUES (3000000000L)",
    "double_to_int": "INSERT INTO ssa_t (i) VALUES (1e10D)",
    "decimal_precision": "INSERT INTO ssa_t (dec) VALUES (12345.6BD)",
    "double_to_decimal": "INSERT INTO ssa_t (dec) VALUES (1e5D)",
}


@pytest.mark.parametrize("case", sorted(OVERFLOWS))
def test_overflow_fails_at_run_time(spark, golden, target, case):
    golden.check_error(lambda: spark.sql(OVERFLOWS[case]))
    golden.check_df(spark.sql("SELECT count(*) AS n FROM ssa_t"), "nothing_written")


def test_legacy_and_strict_policies(spark, golden, target):
    from conftest import conf

    with conf(spark, "spark.sql.storeAssignmentPolicy", "LEGACY"):
        run(spark, "INSERT INTO ssa_t (i, b) VALUES ('12', 'true')")
        golden.check_df(spark.sql("SELECT i, b FROM ssa_t"), "legacy_casts_strings")
    with conf(spark, "spark.sql.storeAssignmentPolicy", "STRICT"):
        golden.check_error(lambda: spark.sql("INSERT INTO ssa_t (i) VALUES (CAST(1 AS BIGINT))"), "strict_rejects_narrowing")
        run(spark, "INSERT INTO ssa_t (l) VALUES (5)")
        golden.check_df(spark.sql("SELECT l FROM ssa_t WHERE l IS NOT NULL"), "strict_allows_widening")


def test_column_lists_and_by_name(spark, golden, target):
    run(spark, "INSERT INTO ssa_t (s, i) VALUES ('a', 1)")
    run(spark, "INSERT INTO ssa_t BY NAME SELECT 2 AS i, 'b' AS s")
    run(spark, "INSERT INTO ssa_t BY NAME SELECT 'c' AS S, 3 AS I")
    golden.check_df(spark.sql("SELECT i, s, l FROM ssa_t ORDER BY i"), "rows")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_t BY NAME SELECT 1 AS nope"), "by_name_unknown")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_t BY NAME SELECT 1 AS i, 2 AS i"), "by_name_duplicate")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_t BY NAME SELECT '1' AS i"), "by_name_unsafe")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_t (i, nope) VALUES (1, 2)"), "unknown_column")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_t (i, i) VALUES (1, 2)"), "duplicate_column")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_t (i, s) VALUES (1)"), "too_few_values")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_t (i) VALUES (1, 'x')"), "too_many_values")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_t VALUES (1, 2)"), "too_few_columns")


def test_insert_overwrite_applies_the_same_rules(spark, golden, target):
    run(spark, "INSERT INTO ssa_t (i) VALUES (1)")
    golden.check_error(lambda: spark.sql("INSERT OVERWRITE ssa_t (i) VALUES ('2')"), "unsafe")
    golden.check_error(lambda: spark.sql("INSERT OVERWRITE ssa_t (i) VALUES (5000000000L)"), "overflow")
    golden.check_df(spark.sql("SELECT i FROM ssa_t"), "kept")
    run(spark, "INSERT OVERWRITE ssa_t (i, l) VALUES (CAST(2 AS SMALLINT), 3)")
    golden.check_df(spark.sql("SELECT i, l FROM ssa_t"), "overwritten")


def test_nested_types(spark, golden, target):
    run(spark, "CREATE TABLE ssa_nested (a ARRAY<INT>, m MAP<STRING, BIGINT>, st STRUCT<x: INT, y: STRING>) USING parquet")
    run(spark, "INSERT INTO ssa_nested VALUES (array(CAST(1 AS TINYINT)), map('k', 1), named_struct('x', 1L, 'y', 2))")
    golden.check_df(spark.sql("SELECT * FROM ssa_nested"), "rows")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_nested (a) VALUES (array('1'))"), "array_of_strings")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_nested (st) VALUES (named_struct('x', 1))"), "struct_missing_field")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_nested (st) VALUES (named_struct('x', 1, 'y', 's', 'z', 1))"), "struct_extra_field")
    golden.check_error(lambda: spark.sql("INSERT INTO ssa_nested (st) VALUES (named_struct('x', 'a', 'y', 's'))"), "struct_field_type")
