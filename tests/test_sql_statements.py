"""Statement forms of issue 4 not covered elsewhere: SQL set operations with
ALL/DISTINCT, every join type written in SQL, SELECT with all its clauses
at once, Spark's literal forms, and spark.catalog.createExternalTable."""

import pytest


@pytest.fixture(scope="module", autouse=True)
def views(spark):
    spark.sql("CREATE OR REPLACE TEMP VIEW st_a AS SELECT * FROM VALUES (1, 'x'), (2, 'y'), (2, 'y'), (3, NULL) AS t(k, v)")
    spark.sql("CREATE OR REPLACE TEMP VIEW st_b AS SELECT * FROM VALUES (2, 'y'), (3, NULL), (4, 'w') AS t(k, v)")
    yield
    spark.catalog.dropTempView("st_a")
    spark.catalog.dropTempView("st_b")


SET_OPERATIONS = {
    "union": "SELECT * FROM st_a UNION SELECT * FROM st_b",
    "union_distinct": "SELECT * FROM st_a UNION DISTINCT SELECT * FROM st_b",
    "union_all": "SELECT * FROM st_a UNION ALL SELECT * FROM st_b",
    "intersect": "SELECT * FROM st_a INTERSECT SELECT * FROM st_b",
    "intersect_all": "SELECT * FROM st_a INTERSECT ALL SELECT * FROM st_a WHERE k > 1",
    "except": "SELECT * FROM st_a EXCEPT SELECT * FROM st_b",
    "except_all": "SELECT * FROM st_a EXCEPT ALL SELECT * FROM st_b",
    "minus": "SELECT * FROM st_a MINUS SELECT * FROM st_b",
    "chained_with_parentheses": "(SELECT k FROM st_a UNION ALL SELECT k FROM st_b) EXCEPT SELECT 4",
}


@pytest.mark.parametrize("case", sorted(SET_OPERATIONS))
def test_set_operations(spark, golden, case):
    golden.check_df(spark.sql(SET_OPERATIONS[case]), ordered=False)


def test_set_operation_errors(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT k FROM st_a UNION SELECT k, v FROM st_b").collect(), "column_count")
    golden.check_error(lambda: spark.sql("SELECT array(k) FROM st_a INTERSECT SELECT v FROM st_b").collect(), "incompatible_types")


JOINS = {
    "inner": "SELECT a.k, a.v, b.v AS w FROM st_a a JOIN st_b b ON a.k = b.k",
    "left": "SELECT a.k, b.v FROM st_a a LEFT OUTER JOIN st_b b ON a.k = b.k",
    "right": "SELECT b.k, a.v FROM st_a a RIGHT JOIN st_b b ON a.k = b.k",
    "full": "SELECT a.k AS ak, b.k AS bk FROM st_a a FULL OUTER JOIN st_b b ON a.k = b.k",
    "left_semi": "SELECT * FROM st_a a LEFT SEMI JOIN st_b b ON a.k = b.k",
    "left_anti": "SELECT * FROM st_a a LEFT ANTI JOIN st_b b ON a.k = b.k",
    "cross": "SELECT a.k, b.k AS bk FROM st_a a CROSS JOIN st_b b WHERE a.k < 2",
    "natural": "SELECT * FROM st_a NATURAL JOIN st_b",
    "using": "SELECT * FROM st_a JOIN st_b USING (k)",
    "comma": "SELECT a.k FROM st_a a, st_b b WHERE a.k = b.k AND a.v = b.v",
}


@pytest.mark.parametrize("case", sorted(JOINS))
def test_joins(spark, golden, case):
    golden.check_df(spark.sql(JOINS[case]), ordered=False)


def test_select_with_every_clause(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT DISTINCT k % 2 AS parity, count(*) AS n, max(v) AS top FROM st_a "
            "WHERE k IS NOT NULL GROUP BY k % 2 HAVING count(*) > 0 ORDER BY parity DESC NULLS LAST LIMIT 5 OFFSET 0"
        )
    )
    golden.check_df(spark.sql("SELECT * FROM st_a ORDER BY k, v LIMIT 2 OFFSET 1"), "offset")
    golden.check_df(spark.sql("SELECT `k` AS `the key`, `v` FROM st_a AS `t` WHERE `t`.`k` = 1"), "backticks")


def test_literal_forms(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT 1Y AS tiny, 2S AS small, 3L AS big, 1.5BD AS dec, 2.5D AS dbl, 1.5F AS flt, 1e3 AS sci, X'0A1F' AS bin, "
            "DATE'2024-02-29' AS d, TIMESTAMP'2024-02-29 10:11:12' AS ts, TIMESTAMP_NTZ'2024-02-29 10:11:12' AS ntz, "
            "CAST(INTERVAL '1-2' YEAR TO MONTH AS STRING) AS ym, INTERVAL '3 04:05:06' DAY TO SECOND AS dt, INTERVAL 2 HOURS AS h, "
            "'it''s' AS quoted, \"double\" AS dq"
        )
    )


def test_raw_string_literal(spark, golden):
    golden.check_df(spark.sql("SELECT r'\\d+\\n' AS raw"))


def test_create_external_table(spark, golden, tmp_path):
    location = tmp_path / "ext"
    spark.range(3).write.parquet(str(location))
    try:
        table = spark.catalog.createExternalTable("st_external", path=str(location))
        golden.check_df(table.orderBy("id"), "returned")
        golden.check("is_external", spark.catalog.getTable("st_external").tableType)
        golden.check_df(spark.sql("SELECT count(*) AS n FROM st_external"), "count")
    finally:
        spark.sql("DROP TABLE IF EXISTS st_external")
    golden.check("files_kept", (location).exists())


@pytest.fixture
def partitioned(spark):
    spark.sql("DROP TABLE IF EXISTS st_parts")
    spark.sql("CREATE TABLE st_parts (a INT, p STRING, q INT) USING parquet PARTITIONED BY (p, q)")
    spark.sql("INSERT INTO st_parts VALUES (1, 'x', 1), (2, 'x', 2), (3, 'y', 1)")
    yield "st_parts"
    spark.sql("DROP TABLE IF EXISTS st_parts")


def test_insert_overwrite_dynamic_partitions(spark, golden, partitioned):
    from conftest import conf

    # Static mode (the default): the partitions the PARTITION clause selects are replaced.
    spark.sql("INSERT OVERWRITE st_parts PARTITION (p = 'x', q) SELECT 10, 2")
    golden.check_df(spark.sql("SELECT * FROM st_parts ORDER BY a"), "static_mode_partial_spec")
    spark.sql("INSERT OVERWRITE st_parts PARTITION (p, q) SELECT 20, 'y', 1")
    golden.check_df(spark.sql("SELECT * FROM st_parts ORDER BY a"), "static_mode_all_dynamic")
    spark.sql("INSERT INTO st_parts VALUES (4, 'z', 3), (5, 'x', 1)")
    with conf(spark, "spark.sql.sources.partitionOverwriteMode", "dynamic"):
        spark.sql("INSERT OVERWRITE st_parts PARTITION (p, q) SELECT 30, 'x', 1")
        golden.check_df(spark.sql("SELECT * FROM st_parts ORDER BY a"), "dynamic_mode")
    spark.sql("INSERT INTO st_parts PARTITION (p = 'w', q) (a, q) VALUES (70, 7)")
    golden.check_df(spark.sql("SELECT * FROM st_parts WHERE p = 'w'"), "partition_and_column_list")
    golden.check_df(spark.sql("SHOW PARTITIONS st_parts"), "partitions")
    golden.check_error(lambda: spark.sql("INSERT INTO st_parts PARTITION (nope = 1) SELECT 1, 'x'"), "unknown_partition_column")
    golden.check_error(lambda: spark.sql("INSERT INTO st_parts PARTITION (p = 'w') VALUES (1, 2)"), "partial_partition_spec")


def test_alter_table_properties(spark, golden, partitioned):
    spark.sql("ALTER TABLE st_parts SET TBLPROPERTIES ('a' = '1', 'b' = '2')")
    spark.sql("ALTER TABLE st_parts UNSET TBLPROPERTIES ('a')")
    spark.sql("ALTER TABLE st_parts UNSET TBLPROPERTIES IF EXISTS ('nope')")
    golden.check_df(spark.sql("SHOW TBLPROPERTIES st_parts"), "properties")
    golden.check_df(spark.sql("SHOW TBLPROPERTIES st_parts ('nope')"), "missing_property")


@pytest.fixture
def source_table(spark):
    spark.sql("DROP TABLE IF EXISTS st_like")
    spark.sql("DROP TABLE IF EXISTS st_src")
    spark.sql(
        "CREATE TABLE st_src (a INT COMMENT 'the a', b STRING, p INT) USING csv PARTITIONED BY (p) "
        "OPTIONS (header 'true') COMMENT 'source' TBLPROPERTIES ('k' = 'v')"
    )
    yield "st_src"
    spark.sql("DROP TABLE IF EXISTS st_like")
    spark.sql("DROP TABLE IF EXISTS st_src")


def test_create_table_like(spark, golden, source_table):
    spark.sql("CREATE TABLE st_like LIKE st_src")
    golden.check_df(spark.sql("DESCRIBE st_like"), "describe")
    golden.check("provider", [r.data_type for r in spark.sql("DESCRIBE EXTENDED st_like").collect() if r.col_name in ("Provider", "Comment", "Table Properties", "Type")])
    spark.sql("CREATE TABLE IF NOT EXISTS st_like LIKE st_src")
    golden.check_error(lambda: spark.sql("CREATE TABLE st_like LIKE st_src"), "exists")
    golden.check_error(lambda: spark.sql("CREATE TABLE st_like2 LIKE st_nope"), "missing_source")
    spark.sql("DROP TABLE st_like")
    spark.sql("CREATE TABLE st_like LIKE st_src USING parquet")
    golden.check("provider_given", [r.data_type for r in spark.sql("DESCRIBE EXTENDED st_like").collect() if r.col_name == "Provider"])


def test_alter_column_comment(spark, golden, source_table):
    spark.sql("ALTER TABLE st_src ALTER COLUMN b COMMENT 'the b'")
    spark.sql("ALTER TABLE st_src CHANGE COLUMN a a INT COMMENT 'new a'")
    golden.check_df(spark.sql("DESCRIBE st_src"), "describe")
    golden.check_error(lambda: spark.sql("ALTER TABLE st_src ALTER COLUMN nope COMMENT 'x'"), "missing_column")
    golden.check_error(lambda: spark.sql("ALTER TABLE st_src ALTER COLUMN a TYPE BIGINT"), "type_change")


def test_create_table_column_types_the_format_cannot_hold(spark, golden):
    try:
        golden.check_error(lambda: spark.sql("CREATE TABLE st_csv (a INT, b ARRAY<INT>) USING csv"), "csv_array")
        golden.check_error(lambda: spark.sql("CREATE TABLE st_csv (m MAP<STRING, INT>) USING csv"), "csv_map")
        golden.check_error(lambda: spark.sql("CREATE TABLE st_csv USING csv AS SELECT named_struct('x', 1) AS s"), "csv_struct_ctas")
        golden.check_error(lambda: spark.sql("CREATE TABLE st_text (a INT) USING text"), "text_int")
        golden.check("csv_table_absent", spark.catalog.tableExists("st_csv"))
    finally:
        spark.sql("DROP TABLE IF EXISTS st_csv")
        spark.sql("DROP TABLE IF EXISTS st_text")


def test_show_table_extended(spark, golden, tmp_path):
    root = spark.conf.get("spark.sql.warehouse.dir")
    try:
        spark.sql(
            "CREATE TABLE st_ext_t (a INT COMMENT 'x', s STRUCT<b: STRING>, p STRING) USING parquet PARTITIONED BY (p) "
            "OPTIONS (k1 'v1') COMMENT 'c' TBLPROPERTIES ('k' = 'v')"
        )
        spark.sql(f"CREATE TABLE st_ext_u (a INT) USING csv LOCATION '{tmp_path / 'u'}'")
        spark.sql("CREATE VIEW st_ext_w AS SELECT a FROM st_ext_u")
        spark.sql("SELECT 1 AS one").createOrReplaceTempView("st_ext_v")

        def shown(statement):
            rows = spark.sql(statement).collect()
            return [
                [r.namespace, r.tableName, r.isTemporary]
                + [line.replace(root, "<warehouse>").replace(str(tmp_path), "<tmp>") for line in r.information.split("\n") if not line.startswith("Created Time")]
                for r in rows
            ]

        golden.check("all", shown("SHOW TABLE EXTENDED LIKE 'st_ext_*'"))
        golden.check("in_database", shown("SHOW TABLE EXTENDED IN default LIKE 'st_ext_t|st_ext_u'"))
        golden.check_df(spark.sql("SHOW TABLE EXTENDED LIKE 'st_nothing*'"), "none")
        golden.check("describe_partitioned", [tuple(r) for r in spark.sql("DESCRIBE EXTENDED st_ext_t").collect() if r.col_name == "Partition Provider"])
    finally:
        spark.sql("DROP VIEW IF EXISTS st_ext_w")
        spark.sql("DROP TABLE IF EXISTS st_ext_t")
        spark.sql("DROP TABLE IF EXISTS st_ext_u")
        spark.catalog.dropTempView("st_ext_v")
