"""Persistent views with metadata: column comments, COMMENT and
TBLPROPERTIES at creation; DESCRIBE [EXTENDED], SHOW CREATE TABLE and SHOW
TBLPROPERTIES of such views; ALTER VIEW … AS / SET|UNSET TBLPROPERTIES."""

import pytest


def run(spark, *statements):
    for statement in statements:
        spark.sql(statement)


@pytest.fixture
def base(spark):
    run(
        spark,
        "DROP VIEW IF EXISTS sv_view",
        "DROP TABLE IF EXISTS sv_base",
        "CREATE TABLE sv_base (a INT, b STRING) USING parquet",
        "INSERT INTO sv_base VALUES (1, 'x'), (2, 'y')",
    )
    yield
    run(spark, "DROP VIEW IF EXISTS sv_view", "DROP VIEW IF EXISTS sv_other", "DROP TABLE IF EXISTS sv_base")


def described(spark, name):
    """DESCRIBE EXTENDED rows without the creation time."""
    return [r for r in spark.sql(f"DESCRIBE EXTENDED {name}").collect() if r.col_name != "Created Time"]


CREATE = (
    "CREATE VIEW sv_view (n COMMENT 'the number', s) COMMENT 'a view' "
    "TBLPROPERTIES ('k' = 'v', 'k2' = 'v2') AS SELECT a, b FROM sv_base"
)


def test_view_with_comments_and_properties(spark, golden, base):
    run(spark, CREATE)
    golden.check_df(spark.sql("SELECT * FROM sv_view ORDER BY n"), "rows")
    golden.check_df(spark.sql("DESCRIBE sv_view"), "describe")
    golden.check("describe_extended", described(spark, "sv_view"))
    golden.check_df(spark.sql("SHOW CREATE TABLE sv_view"), "show_create")
    golden.check_df(spark.sql("SHOW TBLPROPERTIES sv_view"), "properties")
    golden.check_df(spark.sql("SHOW TBLPROPERTIES sv_view ('k')"), "property")
    golden.check_df(spark.sql("DESCRIBE sv_view n"), "describe_column")


def test_alter_view_properties(spark, golden, base):
    run(spark, CREATE, "ALTER VIEW sv_view SET TBLPROPERTIES ('k' = 'changed', 'k3' = 'v3')")
    golden.check_df(spark.sql("SHOW TBLPROPERTIES sv_view"), "set")
    run(spark, "ALTER VIEW sv_view UNSET TBLPROPERTIES ('k2')")
    golden.check_df(spark.sql("SHOW TBLPROPERTIES sv_view"), "unset")
    run(spark, "ALTER VIEW sv_view UNSET TBLPROPERTIES IF EXISTS ('nope')")
    run(spark, "ALTER VIEW sv_view UNSET TBLPROPERTIES ('nope')")
    golden.check_error(lambda: spark.sql("ALTER TABLE sv_view SET TBLPROPERTIES ('k' = 'x')"), "alter_table_of_view")
    golden.check_error(lambda: spark.sql("ALTER VIEW sv_base SET TBLPROPERTIES ('k' = 'x')"), "alter_view_of_table")
    golden.check_error(lambda: spark.sql("ALTER VIEW sv_nope SET TBLPROPERTIES ('k' = 'x')"), "missing")


def test_alter_view_as(spark, golden, base):
    run(spark, CREATE, "ALTER VIEW sv_view AS SELECT b, a * 10 AS big FROM sv_base")
    golden.check_df(spark.sql("SELECT * FROM sv_view ORDER BY big"), "rows")
    golden.check("describe_extended", described(spark, "sv_view"))
    golden.check_df(spark.sql("SHOW CREATE TABLE sv_view"), "show_create")
    golden.check_error(lambda: spark.sql("ALTER VIEW sv_nope AS SELECT 1 AS one"), "missing")
    golden.check_error(lambda: spark.sql("ALTER VIEW sv_base AS SELECT 1 AS one"), "of_table")


def test_alter_temp_view_as(spark, golden):
    spark.sql("SELECT 1 AS one").createOrReplaceTempView("sv_temp")
    try:
        run(spark, "ALTER VIEW sv_temp AS SELECT 2 AS two")
        golden.check_df(spark.table("sv_temp"), "rows")
        golden.check_df(spark.sql("DESCRIBE EXTENDED sv_temp"), "describe")
    finally:
        spark.catalog.dropTempView("sv_temp")


def test_view_definition_errors(spark, golden, base):
    golden.check_error(lambda: spark.sql("CREATE VIEW sv_other (x, y, z) AS SELECT a, b FROM sv_base"), "too_few_columns")
    golden.check_error(lambda: spark.sql("CREATE VIEW sv_other (x) AS SELECT a, b FROM sv_base"), "too_many_columns")
    golden.check_error(lambda: spark.sql("CREATE VIEW sv_other AS SELECT a + 1 FROM sv_base"), "without_alias")
    golden.check_error(lambda: spark.sql("CREATE VIEW sv_other (x, x) AS SELECT a, b FROM sv_base"), "duplicate_columns")


def test_views_that_cannot_replace(spark, golden, base):
    golden.check_error(lambda: spark.sql("CREATE OR REPLACE VIEW sv_base AS SELECT 1 AS one"), "replace_a_table")
    golden.check_df(spark.sql("SELECT count(*) AS n FROM sv_base"), "table_kept")
    run(spark, "CREATE VIEW sv_view AS SELECT a FROM sv_base", "CREATE VIEW sv_other AS SELECT a FROM sv_view")
    golden.check_error(lambda: spark.sql("CREATE OR REPLACE VIEW sv_view AS SELECT a FROM sv_view"), "itself")
    golden.check_error(lambda: spark.sql("ALTER VIEW sv_view AS SELECT a FROM sv_other"), "through_another")
    run(spark, "CREATE OR REPLACE VIEW sv_view AS WITH sv_view AS (SELECT 2 AS a) SELECT a FROM sv_view")
    golden.check_df(spark.sql("SELECT * FROM sv_other"), "cte_of_the_same_name")
