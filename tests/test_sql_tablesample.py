"""TABLESAMPLE: (n ROWS) is a limit (any integer expression); (x PERCENT)
and (BUCKET x OUT OF y) keep all or no rows at their bounds, and with
REPEATABLE (seed) over a range pick Spark's rows (its per-partition sampler);
REPEATABLE (seed) samples the same rows each time; Spark's errors."""

import pytest


@pytest.fixture(scope="module", autouse=True)
def numbers(spark):
    spark.sql("CREATE OR REPLACE TEMP VIEW ts_numbers AS SELECT * FROM range(20)")
    yield
    spark.catalog.dropTempView("ts_numbers")


COUNTS = {
    "all_percent": "SELECT count(*) AS n FROM ts_numbers TABLESAMPLE (100 PERCENT)",
    "no_percent": "SELECT count(*) AS n FROM ts_numbers TABLESAMPLE (0 PERCENT)",
    "fraction_of_a_percent_of_few_rows": "SELECT count(*) AS n FROM ts_numbers TABLESAMPLE (0.0001 PERCENT)",
    "one_bucket_of_one": "SELECT count(*) AS n FROM ts_numbers TABLESAMPLE (BUCKET 1 OUT OF 1)",
    "bucket_zero": "SELECT count(*) AS n FROM ts_numbers TABLESAMPLE (BUCKET 0 OUT OF 4)",
    "rows_expression": "SELECT count(*) AS n FROM ts_numbers TABLESAMPLE (1 + 2 ROWS)",
    "rows_then_alias": "SELECT count(t.id) AS n FROM ts_numbers TABLESAMPLE (3 ROWS) t",
    "rows_of_subquery": "SELECT count(*) AS n FROM (SELECT id FROM ts_numbers WHERE id > 15) TABLESAMPLE (10 ROWS)",
}


@pytest.mark.parametrize("case", sorted(COUNTS))
def test_sample_sizes(spark, golden, case):
    golden.check_df(spark.sql(COUNTS[case]))


def test_repeatable_samples_the_same_rows(spark, golden):
    query = "SELECT id FROM ts_numbers TABLESAMPLE (50 PERCENT) REPEATABLE (42) ORDER BY id"
    first = spark.sql(query).collect()
    golden.check("same_rows_again", spark.sql(query).collect() == first)


SEEDED_ROWS = {
    "half_of_two_partitions": "SELECT id FROM ts_two_parts TABLESAMPLE (50 PERCENT) REPEATABLE (42) ORDER BY id",
    "thirty_percent_of_two_partitions": "SELECT id FROM ts_two_parts TABLESAMPLE (30 PERCENT) REPEATABLE (1) ORDER BY id",
    "one_bucket_of_four_partitions": "SELECT id FROM ts_four_parts TABLESAMPLE (BUCKET 1 OUT OF 4) REPEATABLE (7) ORDER BY id",
}


@pytest.mark.parametrize("case", sorted(SEEDED_ROWS))
def test_seeded_samples_pick_sparks_rows(spark, golden, case):
    spark.range(0, 20, 1, 2).createOrReplaceTempView("ts_two_parts")
    spark.range(0, 40, 1, 4).createOrReplaceTempView("ts_four_parts")
    golden.check_df(spark.sql(SEEDED_ROWS[case]))


ERRORS = {
    "percent_above_100": "SELECT * FROM ts_numbers TABLESAMPLE (150 PERCENT)",
    "negative_percent": "SELECT * FROM ts_numbers TABLESAMPLE (-5 PERCENT)",
    "bucket_beyond_total": "SELECT * FROM ts_numbers TABLESAMPLE (BUCKET 5 OUT OF 4)",
    "bucket_on_column": "SELECT * FROM ts_numbers TABLESAMPLE (BUCKET 1 OUT OF 4 ON id)",
    "bytes": "SELECT * FROM ts_numbers TABLESAMPLE (10B)",
    "negative_rows": "SELECT * FROM ts_numbers TABLESAMPLE (-1 ROWS)",
    "fractional_rows": "SELECT * FROM ts_numbers TABLESAMPLE (2.5 ROWS)",
    "alias_before_sample": "SELECT * FROM ts_numbers t TABLESAMPLE (3 ROWS)",
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_sample_errors(spark, golden, case):
    golden.check_error(lambda: spark.sql(ERRORS[case]).collect())
