"""The persistent catalog: databases, tables, INSERT, SHOW/DESCRIBE and the
`spark.catalog` API. Every test cleans up what it creates (the oracle's
warehouse outlives a run); paths are replaced by placeholders so goldens do
not depend on where the warehouse is."""

import subprocess

import pytest

from conftest import REMOTE, EmberProcess, ember_binary, new_session, requires_client, warehouse_args


def warehouse(spark):
    return spark.conf.get("spark.sql.warehouse.dir")


def without_paths(spark, rows):
    """Rows as text, with the warehouse folder replaced by <warehouse>."""
    root = warehouse(spark)
    return [repr(r).replace(root, "<warehouse>") for r in rows]


def run(spark, *statements):
    for statement in statements:
        spark.sql(statement)


@pytest.fixture
def cleanup(spark):
    """Drops the databases and tables a test names, whatever happens."""
    databases, tables = [], []
    yield databases, tables
    spark.catalog.setCurrentDatabase("default")
    for table in tables:
        spark.sql(f"DROP TABLE IF EXISTS {table}")
    for database in databases:
        spark.sql(f"DROP DATABASE IF EXISTS {database} CASCADE")


def test_create_show_describe_drop_database(spark, golden, cleanup):
    cleanup[0].extend(["cat_db1", "cat_db2"])
    run(
        spark,
        "CREATE DATABASE cat_db1 COMMENT 'first one' WITH DBPROPERTIES ('owner.team' = 'data', 'k' = 'v')",
        "CREATE SCHEMA IF NOT EXISTS cat_db2",
        "CREATE DATABASE IF NOT EXISTS cat_db1",
    )
    golden.check_df(spark.sql("SHOW DATABASES LIKE 'cat_db*'"), "show")
    golden.check_df(spark.sql("SHOW SCHEMAS LIKE 'cat_db2|default'"), "show_alternatives")
    describe = spark.sql("DESCRIBE DATABASE EXTENDED cat_db1").filter("info_name <> 'Owner'")
    golden.check("describe_schema", describe.schema.jsonValue())
    golden.check("describe", without_paths(spark, describe.collect()))
    run(spark, "ALTER DATABASE cat_db1 SET DBPROPERTIES ('k' = 'changed', 'x' = 'y')")
    golden.check(
        "described_properties",
        spark.sql("DESCRIBE DATABASE EXTENDED cat_db1").filter("info_name = 'Properties'").collect()[0].info_value,
    )
    golden.check("describe_default", without_paths(spark, spark.sql("DESC SCHEMA default").filter("info_name <> 'Owner'").collect()))
    golden.check_error(lambda: spark.sql("CREATE DATABASE cat_db1"), "already_exists")
    golden.check_error(lambda: spark.sql("DROP DATABASE cat_nope"), "drop_missing")
    golden.check_error(lambda: spark.sql("DESCRIBE DATABASE cat_nope"), "describe_missing")
    golden.check_error(lambda: spark.sql("DROP DATABASE default"), "drop_default")
    golden.check_error(lambda: spark.sql("CREATE DATABASE global_temp"), "reserved")
    run(spark, "DROP DATABASE IF EXISTS cat_nope", "DROP SCHEMA cat_db2 RESTRICT")
    golden.check_df(spark.sql("SHOW DATABASES LIKE 'cat_db*'"), "after_drop")


def test_drop_database_with_tables_needs_cascade(spark, golden, cleanup):
    cleanup[0].append("cat_full")
    run(spark, "CREATE DATABASE cat_full", "CREATE TABLE cat_full.t (a INT) USING parquet")
    golden.check_error(lambda: spark.sql("DROP DATABASE cat_full"), "not_empty")
    run(spark, "DROP DATABASE cat_full CASCADE")
    golden.check("exists_after", spark.catalog.databaseExists("cat_full"))


def test_use_and_current_database(spark, golden, cleanup):
    cleanup[0].append("cat_use")
    run(spark, "CREATE DATABASE cat_use", "USE cat_use", "CREATE TABLE t_here (a INT) USING parquet")
    golden.check("current", spark.catalog.currentDatabase())
    golden.check_df(spark.sql("SHOW TABLES"), "tables_here")
    run(spark, "INSERT INTO t_here VALUES (7)")
    golden.check_df(spark.table("cat_use.t_here"), "qualified")
    run(spark, "USE DATABASE default")
    golden.check("back", spark.catalog.currentDatabase())
    golden.check_error(lambda: spark.sql("USE cat_nope"), "use_missing")
    golden.check_error(lambda: spark.sql("USE global_temp"), "use_global_temp")


def test_catalog_database_api(spark, golden, cleanup):
    cleanup[0].append("cat_api")
    run(spark, "CREATE DATABASE cat_api COMMENT 'api'")
    golden.check("list", [d.name for d in spark.catalog.listDatabases("cat_api*")])
    database = spark.catalog.getDatabase("cat_api")
    golden.check("get", [database.name, database.catalog, database.description,
                         database.locationUri.replace(warehouse(spark), "<warehouse>")])
    golden.check("exists", [spark.catalog.databaseExists("cat_api"), spark.catalog.databaseExists("cat_nope")])
    spark.catalog.setCurrentDatabase("cat_api")
    golden.check("current", spark.catalog.currentDatabase())
    spark.catalog.setCurrentDatabase("default")
    golden.check_error(lambda: spark.catalog.getDatabase("cat_nope"), "get_missing")
    golden.check_error(lambda: spark.catalog.setCurrentDatabase("cat_nope"), "set_missing")


def test_create_insert_select(spark, golden, cleanup):
    cleanup[1].append("cat_t1")
    run(
        spark,
        "CREATE TABLE cat_t1 (a INT, b STRING) USING parquet",
        "CREATE TABLE IF NOT EXISTS cat_t1 (x INT) USING parquet",
        "INSERT INTO cat_t1 VALUES (1, 'x'), (2, 'y')",
        "INSERT INTO cat_t1 (b, a) VALUES ('z', 3)",
        "INSERT INTO TABLE cat_t1 SELECT 4, 'w'",
    )
    golden.check_df(spark.sql("SELECT * FROM cat_t1 ORDER BY a"), "rows")
    golden.check_df(spark.read.table("default.cat_t1").orderBy("a"), "read_table")
    golden.check_df(spark.sql("SELECT b FROM spark_catalog.default.cat_t1 WHERE a > 2 ORDER BY b"), "three_parts")
    run(spark, "INSERT OVERWRITE cat_t1 VALUES (9, 'q')")
    golden.check_df(spark.table("cat_t1"), "overwritten")
    golden.check_error(lambda: spark.sql("CREATE TABLE cat_t1 (a INT) USING parquet"), "duplicate")
    golden.check_error(lambda: spark.sql("INSERT INTO cat_t1 VALUES (1)"), "too_few")
    golden.check_error(lambda: spark.sql("INSERT INTO cat_t1 VALUES (1, 'a', 2)"), "too_many")
    golden.check_error(lambda: spark.sql("INSERT INTO cat_t1 VALUES ('one', 'a')"), "unsafe_cast")
    golden.check_error(lambda: spark.sql("INSERT INTO cat_nope VALUES (1)"), "insert_missing")
    golden.check_error(lambda: spark.sql("SELECT * FROM default.cat_nope"), "select_missing")


def test_partitioned_table(spark, golden, cleanup):
    cleanup[1].append("cat_parts")
    run(
        spark,
        "CREATE TABLE cat_parts (p STRING, a INT) USING parquet PARTITIONED BY (p)",
        "INSERT INTO cat_parts PARTITION (p = 'x') VALUES (1)",
        "INSERT INTO cat_parts PARTITION (p) VALUES (2, 'y')",
        "INSERT INTO cat_parts VALUES (3, 'z')",
    )
    golden.check_df(spark.sql("SELECT * FROM cat_parts ORDER BY a"), "rows")
    golden.check_df(spark.sql("SHOW PARTITIONS cat_parts"), "partitions")
    run(spark, "INSERT OVERWRITE cat_parts PARTITION (p = 'x') VALUES (10)")
    golden.check_df(spark.sql("SELECT * FROM cat_parts ORDER BY a"), "overwrote_one")
    run(spark, "ALTER TABLE cat_parts DROP PARTITION (p = 'y')")
    golden.check_df(spark.sql("SHOW PARTITIONS cat_parts"), "dropped")
    golden.check_df(spark.sql("DESCRIBE cat_parts"), "describe")


def test_not_partitioned_has_no_partitions(spark, golden, cleanup):
    cleanup[1].append("cat_flat")
    run(spark, "CREATE TABLE cat_flat (a INT) USING json")
    golden.check_error(lambda: spark.sql("SHOW PARTITIONS cat_flat"), "show_partitions")


def test_create_table_as_select_and_describe(spark, golden, cleanup):
    cleanup[1].extend(["cat_ctas", "cat_csv"])
    run(
        spark,
        "CREATE TABLE cat_ctas USING parquet AS SELECT 1 AS x, 'a' AS y UNION ALL SELECT 2, 'b'",
        "CREATE TABLE cat_csv (a INT COMMENT 'the a', b STRING) USING csv OPTIONS (header 'true') "
        "COMMENT 'a csv table' TBLPROPERTIES ('k' = 'v')",
        "INSERT INTO cat_csv VALUES (5, 'five')",
    )
    golden.check_df(spark.table("cat_ctas").orderBy("x"), "ctas")
    golden.check_df(spark.sql("DESCRIBE cat_ctas"), "describe_ctas")
    golden.check_df(spark.sql("DESCRIBE TABLE cat_csv"), "describe_csv")
    extended = spark.sql("DESCRIBE EXTENDED cat_csv").filter("col_name NOT IN ('Created Time')")
    golden.check("extended", without_paths(spark, extended.collect()))
    golden.check_df(spark.table("cat_csv"), "csv_rows")
    golden.check_df(spark.sql("SHOW TBLPROPERTIES cat_csv"), "properties")
    golden.check_df(spark.sql("SHOW TBLPROPERTIES cat_csv ('k')"), "one_property")
    golden.check_df(spark.sql("SHOW COLUMNS IN cat_csv"), "columns")


def test_show_tables(spark, golden, cleanup):
    cleanup[0].append("cat_show")
    run(
        spark,
        "CREATE DATABASE cat_show",
        "CREATE TABLE cat_show.tb (a INT) USING parquet",
        "CREATE TABLE cat_show.ta (a INT) USING parquet",
        "CREATE TABLE cat_show.other (a INT) USING parquet",
    )
    golden.check_df(spark.sql("SHOW TABLES IN cat_show"), "all")
    golden.check_df(spark.sql("SHOW TABLES FROM cat_show LIKE 't*'"), "like")
    golden.check_error(lambda: spark.sql("SHOW TABLES IN cat_nope"), "missing_database")


def test_alter_truncate_drop(spark, golden, cleanup):
    cleanup[1].extend(["cat_alter", "cat_renamed"])
    run(
        spark,
        "CREATE TABLE cat_alter (a INT) USING parquet",
        "INSERT INTO cat_alter VALUES (1), (2)",
        "ALTER TABLE cat_alter RENAME TO cat_renamed",
    )
    golden.check_df(spark.table("cat_renamed").orderBy("a"), "renamed")
    golden.check_error(lambda: spark.table("cat_alter").collect(), "old_name")
    run(spark, "ALTER TABLE cat_renamed ADD COLUMNS (c DOUBLE, d STRING)", "INSERT INTO cat_renamed VALUES (3, 1.5, 'x')")
    golden.check_df(spark.table("cat_renamed").orderBy("a"), "added")
    run(spark, "ALTER TABLE cat_renamed SET TBLPROPERTIES ('p' = '1')")
    golden.check_df(spark.sql("SHOW TBLPROPERTIES cat_renamed"), "properties")
    run(spark, "TRUNCATE TABLE cat_renamed")
    golden.check_df(spark.sql("SELECT count(*) AS n FROM cat_renamed"), "truncated")
    run(spark, "DROP TABLE cat_renamed")
    golden.check_error(lambda: spark.sql("DROP TABLE cat_renamed"), "drop_missing")
    run(spark, "DROP TABLE IF EXISTS cat_renamed")
    golden.check("exists", spark.catalog.tableExists("cat_renamed"))


def test_alter_column_forms_v1_tables_reject(spark, golden, cleanup):
    """The session catalog's tables support neither RENAME COLUMN nor DROP
    COLUMN(S): Spark fails them with UNSUPPORTED_FEATURE.TABLE_OPERATION."""
    cleanup[1].append("cat_columns")
    run(spark, "CREATE TABLE cat_columns (a INT, b STRING) USING parquet")
    golden.check_error(lambda: spark.sql("ALTER TABLE cat_columns RENAME COLUMN a TO c"), "rename")
    golden.check_error(lambda: spark.sql("ALTER TABLE cat_columns DROP COLUMN a"), "drop")
    golden.check_error(lambda: spark.sql("ALTER TABLE cat_columns DROP COLUMNS (a, b)"), "drop_many")
    golden.check_error(lambda: spark.sql("ALTER TABLE no_such_table DROP COLUMN a"), "missing")
    golden.check_df(spark.table("cat_columns"), "unchanged")


def test_truncate_partitions(spark, golden, cleanup):
    cleanup[1].extend(["cat_trunc", "cat_trunc_flat"])
    run(
        spark,
        "CREATE TABLE cat_trunc (a INT, b STRING, c INT) USING parquet PARTITIONED BY (b, c)",
        "INSERT INTO cat_trunc VALUES (1, 'x', 1), (2, 'x', 2), (3, 'y', 1), (4, 'y', 2)",
        "CREATE TABLE cat_trunc_flat (a INT) USING parquet",
        "TRUNCATE TABLE cat_trunc PARTITION (b = 'x', c = 1)",
    )
    golden.check_df(spark.table("cat_trunc").orderBy("a"), "one_partition")
    run(spark, "TRUNCATE TABLE cat_trunc PARTITION (c = 2)")
    golden.check_df(spark.table("cat_trunc").orderBy("a"), "partial_spec")
    golden.check_error(lambda: spark.sql("TRUNCATE TABLE cat_trunc PARTITION (b = 'z', c = 1)"), "missing_partition")
    golden.check_error(lambda: spark.sql("TRUNCATE TABLE cat_trunc PARTITION (d = 1)"), "unknown_column")
    golden.check_error(lambda: spark.sql("TRUNCATE TABLE cat_trunc_flat PARTITION (a = 1)"), "not_partitioned")


def test_external_table_keeps_its_data(spark, golden, cleanup, tmp_path):
    cleanup[1].append("cat_ext")
    location = tmp_path / "ext"
    spark.range(3).selectExpr("id", "id * 2 AS twice").write.parquet(str(location))
    run(spark, f"CREATE TABLE cat_ext USING parquet LOCATION '{location}'")
    golden.check_df(spark.table("cat_ext").orderBy("id"), "inferred")
    run(spark, "DROP TABLE cat_ext")
    golden.check_df(spark.read.parquet(str(location)).orderBy("id"), "kept")


def test_temp_view_shadows_table(spark, golden, cleanup):
    cleanup[1].append("cat_shadow")
    run(spark, "CREATE TABLE cat_shadow (a INT) USING parquet", "INSERT INTO cat_shadow VALUES (1)")
    spark.createDataFrame([("view",)], "s string").createOrReplaceTempView("cat_shadow")
    try:
        golden.check_df(spark.table("cat_shadow"), "view")
        golden.check_df(spark.table("default.cat_shadow"), "table")
        golden.check("exists", spark.catalog.tableExists("cat_shadow"))
    finally:
        spark.catalog.dropTempView("cat_shadow")
    golden.check_df(spark.table("cat_shadow"), "after_drop")


def test_tables_survive_a_restart(spark, golden, tmp_path, cleanup):
    """A table and its rows are there for the next server on the warehouse
    (against a remote server, for a new session)."""
    cleanup[0].append("cat_keep")
    statements = [
        "CREATE DATABASE cat_keep",
        "CREATE TABLE cat_keep.t (a INT, p STRING) USING parquet PARTITIONED BY (p)",
        "INSERT INTO cat_keep.t VALUES (1, 'x'), (2, 'y')",
        "CREATE FUNCTION cat_keep.kept AS 'com.example.Kept'",
    ]
    if REMOTE:
        run(spark, *statements)
        session = new_session(REMOTE)
        try:
            golden.check_df(session.table("cat_keep.t").orderBy("a"), "after")
            golden.check_df(session.sql("SHOW PARTITIONS cat_keep.t"), "partitions")
            golden.check_df(session.sql("SHOW USER FUNCTIONS IN cat_keep"), "functions")
        finally:
            session.stop()
        return
    for round in ("before", "after"):
        server = EmberProcess(ember_binary(), extra_args=warehouse_args(tmp_path))
        session = new_session(server.url)
        try:
            if round == "before":
                run(session, *statements)
            else:
                golden.check_df(session.table("cat_keep.t").orderBy("a"), "after")
                golden.check_df(session.sql("SHOW PARTITIONS cat_keep.t"), "partitions")
                golden.check_df(session.sql("SHOW USER FUNCTIONS IN cat_keep"), "functions")
        finally:
            session.stop()
            server.terminate()


@pytest.mark.skipif(bool(REMOTE), reason="starts two Ember servers on one warehouse")
def test_two_servers_sharing_a_warehouse_do_not_both_create(tmp_path):
    """Two servers create the same table at once: one succeeds, the other
    fails with TABLE_OR_VIEW_ALREADY_EXISTS, and the table is intact."""
    servers = [EmberProcess(ember_binary(), extra_args=warehouse_args(tmp_path)) for _ in range(2)]
    sessions = [new_session(s.url) for s in servers]
    script = (
        "import sys\n"
        "from pyspark.sql import SparkSession\n"
        "s = SparkSession.builder.remote(sys.argv[1]).create()\n"
        "try:\n"
        "    s.sql('CREATE TABLE race USING parquet AS SELECT id FROM range(1000)')\n"
        "    print('created')\n"
        "except Exception as e:\n"
        "    print(e.getCondition())\n"
    )
    try:
        import sys

        procs = [
            subprocess.Popen([sys.executable, "-c", script, s.url], stdout=subprocess.PIPE, text=True)
            for s in servers
        ]
        outcomes = sorted(p.communicate(timeout=120)[0].strip().splitlines()[-1] for p in procs)
        assert outcomes == ["TABLE_OR_VIEW_ALREADY_EXISTS", "created"]
        for session in sessions:
            assert session.table("race").count() == 1000
    finally:
        for session in sessions:
            session.stop()
        for server in servers:
            server.terminate()


def test_catalog_table_api(spark, golden, cleanup):
    cleanup[0].append("cat_tapi")
    run(
        spark,
        "CREATE DATABASE cat_tapi",
        "CREATE TABLE cat_tapi.t (a INT COMMENT 'the a', p STRING) USING parquet PARTITIONED BY (p) COMMENT 'tc'",
        "CREATE TABLE cat_tapi.u USING json AS SELECT 1 AS x",
    )
    spark.range(1).createOrReplaceTempView("cat_tview")
    try:
        golden.check("list", [repr(t) for t in spark.catalog.listTables("cat_tapi")])
        golden.check("list_pattern", [t.name for t in spark.catalog.listTables("cat_tapi", "u*")])
        golden.check("get", repr(spark.catalog.getTable("cat_tapi.t")))
        golden.check("get_view", repr(spark.catalog.getTable("cat_tview")))
        golden.check("columns", [repr(c) for c in spark.catalog.listColumns("cat_tapi.t")])
        golden.check("view_columns", [repr(c) for c in spark.catalog.listColumns("cat_tview")])
        golden.check("exists", [spark.catalog.tableExists("cat_tapi.u"), spark.catalog.tableExists("u", "cat_tapi"),
                                spark.catalog.tableExists("cat_tapi.nope")])
        golden.check_error(lambda: spark.catalog.getTable("cat_nope_t"), "get_missing")
        golden.check_error(lambda: spark.catalog.listColumns("cat_nope_t"), "columns_missing")
        golden.check_error(lambda: spark.catalog.listTables("cat_nope"), "list_missing_database")
    finally:
        spark.catalog.dropTempView("cat_tview")


def test_global_temp_views(spark, fresh_spark, golden):
    spark.range(2).createGlobalTempView("cat_gv")
    try:
        golden.check_error(lambda: spark.range(1).createGlobalTempView("cat_gv"), "duplicate")
        golden.check_df(spark.table("global_temp.cat_gv"), "read")
        golden.check_df(spark.sql("SELECT id * 10 AS x FROM global_temp.cat_gv ORDER BY x"), "sql")
        golden.check_error(lambda: spark.table("cat_gv").collect(), "unqualified")
        golden.check_df(fresh_spark.table("global_temp.cat_gv"), "other_session")
        golden.check("listed", [repr(t) for t in spark.catalog.listTables("global_temp") if t.name == "cat_gv"])
        golden.check("get", repr(spark.catalog.getTable("global_temp.cat_gv")))
        golden.check("exists", spark.catalog.tableExists("global_temp.cat_gv"))
        golden.check("show", [repr(r) for r in spark.sql("SHOW TABLES IN global_temp").collect() if r.tableName == "cat_gv"])
    finally:
        golden.check("dropped", spark.catalog.dropGlobalTempView("cat_gv"))
    golden.check("dropped_again", spark.catalog.dropGlobalTempView("cat_gv"))


def test_persistent_views(spark, golden, cleanup):
    cleanup[1].extend(["cat_pview", "cat_pview2", "cat_vbase"])
    run(
        spark,
        "CREATE TABLE cat_vbase (a INT, b STRING) USING parquet",
        "INSERT INTO cat_vbase VALUES (1, 'x'), (2, 'y')",
        "CREATE VIEW cat_pview AS SELECT a * 2 AS d FROM cat_vbase",
        "CREATE VIEW IF NOT EXISTS cat_pview AS SELECT 1 AS one",
        "CREATE OR REPLACE VIEW cat_pview2 (n, doubled) AS SELECT b, a * 2 AS x FROM cat_vbase",
    )
    golden.check_df(spark.sql("SELECT * FROM cat_pview ORDER BY d"), "view")
    golden.check_df(spark.table("cat_pview2").orderBy("n"), "renamed_columns")
    golden.check_df(spark.sql("DESCRIBE cat_pview"), "describe")
    golden.check_df(spark.sql("SHOW VIEWS LIKE 'cat_pview*'"), "show_views")
    golden.check_error(lambda: spark.sql("CREATE VIEW cat_pview AS SELECT 1 AS one"), "duplicate")
    golden.check_error(lambda: spark.sql("DROP VIEW cat_vbase"), "drop_view_of_table")
    run(spark, "INSERT INTO cat_vbase VALUES (3, 'z')")
    golden.check_df(spark.sql("SELECT * FROM cat_pview ORDER BY d"), "sees_new_rows")
    run(spark, "DROP VIEW cat_pview", "DROP TABLE cat_pview2")
    golden.check_error(lambda: spark.sql("DROP VIEW cat_pview"), "drop_missing")
    run(spark, "DROP VIEW IF EXISTS cat_pview")
    golden.check_error(lambda: spark.table("cat_pview2").collect(), "dropped_by_drop_table")


def test_global_temp_view_in_sql(spark, golden):
    run(spark, "CREATE GLOBAL TEMP VIEW cat_gsql AS SELECT 5 AS five")
    try:
        golden.check_df(spark.sql("SELECT * FROM global_temp.cat_gsql"), "read")
    finally:
        run(spark, "DROP VIEW global_temp.cat_gsql")
    golden.check_error(lambda: spark.table("global_temp.cat_gsql").collect(), "dropped")


def test_show_create_table(spark, golden, cleanup):
    cleanup[1].extend(["cat_create_csv", "cat_create_parts"])
    run(
        spark,
        "CREATE TABLE cat_create_csv (a INT COMMENT 'the a', b STRING, c DOUBLE) USING csv "
        "OPTIONS (header 'true', sep ';') COMMENT 'some csv' TBLPROPERTIES ('k' = 'v')",
        "CREATE TABLE cat_create_parts (x BIGINT, p STRING) USING parquet PARTITIONED BY (p)",
    )
    golden.check_df(spark.sql("SHOW CREATE TABLE cat_create_csv"), "csv")
    golden.check_df(spark.sql("SHOW CREATE TABLE cat_create_parts"), "partitioned")


def test_show_create_view(spark, golden, cleanup):
    cleanup[1].append("cat_view_base")
    run(
        spark,
        "CREATE TABLE cat_view_base (a INT, b STRING) USING parquet",
        "CREATE OR REPLACE VIEW cat_view AS SELECT a, upper(b) AS ub FROM cat_view_base WHERE a > 1",
        "CREATE OR REPLACE VIEW cat_view_cols (x, y) AS SELECT a, b FROM cat_view_base",
    )
    try:
        golden.check_df(spark.sql("SHOW CREATE TABLE cat_view"), "view")
        golden.check_df(spark.sql("SHOW CREATE TABLE cat_view_cols"), "renamed_columns")
        spark.range(1).createOrReplaceTempView("cat_temp_view")
        golden.check_error(lambda: spark.sql("SHOW CREATE TABLE cat_temp_view").collect(), "temp_view")
    finally:
        run(spark, "DROP VIEW IF EXISTS cat_view", "DROP VIEW IF EXISTS cat_view_cols", "DROP VIEW IF EXISTS cat_temp_view")


def test_describe_column_and_query(spark, golden, cleanup):
    cleanup[1].append("cat_desc")
    run(spark, "CREATE TABLE cat_desc (a INT COMMENT 'the a', b STRING) USING parquet")
    golden.check_df(spark.sql("DESCRIBE cat_desc a"), "column")
    golden.check_df(spark.sql("DESC TABLE cat_desc b"), "column_without_comment")
    golden.check_df(spark.sql("DESCRIBE QUERY SELECT a, b, a + 1 AS c FROM cat_desc"), "query")


def test_set_and_reset(spark, golden):
    try:
        golden.check_df(spark.sql("SET spark.sql.shuffle.partitions=7"), "set")
        golden.check_df(spark.sql("SET spark.sql.shuffle.partitions"), "get")
        golden.check_df(spark.sql("RESET spark.sql.shuffle.partitions"), "reset")
        golden.check_df(spark.sql("SET spark.sql.shuffle.partitions"), "after_reset")
        spark.sql("SET spark.sql.shuffle.partitions=9")
        spark.sql("RESET")
        golden.check("after_reset_all", spark.conf.get("spark.sql.shuffle.partitions"))
    finally:
        spark.conf.unset("spark.sql.shuffle.partitions")
        spark.conf.set("spark.sql.session.timeZone", "UTC")


def test_catalog_create_table(spark, golden, cleanup, tmp_path):
    from pyspark.sql.types import IntegerType, StringType, StructField, StructType

    cleanup[1].extend(["cat_api_t", "cat_api_ext"])
    schema = StructType([StructField("a", IntegerType()), StructField("b", StringType())])
    created = spark.catalog.createTable("cat_api_t", source="json", schema=schema, description="made by the API")
    golden.check("created_schema", created.schema.jsonValue())
    spark.sql("INSERT INTO cat_api_t VALUES (1, 'x')")
    golden.check_df(spark.table("cat_api_t"), "rows")
    golden.check("described", spark.catalog.getTable("cat_api_t").description)
    location = tmp_path / "ext"
    spark.range(2).write.parquet(str(location))
    external = spark.catalog.createTable("cat_api_ext", path=str(location))
    golden.check_rows(sorted(external.collect()), "external")
    golden.check("external_type", spark.catalog.getTable("cat_api_ext").tableType)
    spark.catalog.refreshTable("cat_api_t")
    golden.check_error(lambda: spark.catalog.recoverPartitions("cat_api_t"), "recover_not_partitioned")
    golden.check_error(lambda: spark.sql("MSCK REPAIR TABLE cat_api_t"), "repair_not_partitioned")
    golden.check_error(lambda: spark.sql("REFRESH TABLE cat_nope_t"), "refresh_sql_missing")
    golden.check_error(lambda: spark.catalog.createTable("cat_api_t", schema=schema), "duplicate")
    golden.check_error(lambda: spark.catalog.refreshTable("cat_nope_t"), "refresh_missing")


@requires_client("4.3")
def test_catalog_calls_new_in_4_3(spark, golden, cleanup):
    cleanup[0].append("cat_new")
    spark.catalog.createDatabase("cat_new", properties={"k": "v"})
    golden.check("exists", spark.catalog.databaseExists("cat_new"))
    spark.sql("CREATE TABLE cat_new.t (a INT, p STRING) USING parquet PARTITIONED BY (p) TBLPROPERTIES ('x' = 'y')")
    spark.sql("CREATE VIEW cat_new.v AS SELECT 1 AS one")
    spark.sql("INSERT INTO cat_new.t VALUES (1, 'a'), (2, 'b')")
    golden.check("partitions", [repr(p) for p in spark.catalog.listPartitions("cat_new.t")])
    golden.check("views", [v.name for v in spark.catalog.listViews("cat_new")])
    golden.check("properties", spark.catalog.getTableProperties("cat_new.t"))
    golden.check("create_string", spark.catalog.getCreateTableString("cat_new.t"))
    spark.catalog.truncateTable("cat_new.t")
    golden.check("truncated", spark.table("cat_new.t").count())
    spark.catalog.dropView("cat_new.v")
    spark.catalog.dropTable("cat_new.t")
    spark.catalog.dropTable("cat_new.t", ifExists=True)
    golden.check("tables_left", [t.name for t in spark.catalog.listTables("cat_new")])
    golden.check_error(lambda: spark.catalog.dropTable("cat_new.t"), "drop_missing")
    spark.catalog.dropDatabase("cat_new")
    golden.check("dropped", spark.catalog.databaseExists("cat_new"))


def test_catalog_qualified_database_and_drop_function(spark, golden):
    golden.check("qualified", [spark.catalog.databaseExists("spark_catalog.default"),
                               spark.catalog.getDatabase("spark_catalog.default").name])
    spark.sql("DROP FUNCTION IF EXISTS cat_nofunc")
    spark.sql("DROP TEMPORARY FUNCTION IF EXISTS cat_nofunc")
    golden.check_error(lambda: spark.sql("DROP FUNCTION cat_nofunc"), "drop_function")
    golden.check_error(lambda: spark.sql("DROP TEMPORARY FUNCTION cat_nofunc"), "drop_temporary_function")


def test_commands_on_missing_tables_and_temp_views(spark, golden):
    spark.range(2).selectExpr("id", "'x' AS s").createOrReplaceTempView("cat_dtv")
    try:
        golden.check_df(spark.sql("DESCRIBE cat_dtv"), "describe_view")
    finally:
        spark.catalog.dropTempView("cat_dtv")
    for statement in ["DESCRIBE cat_nope", "SHOW COLUMNS IN cat_nope", "SHOW TBLPROPERTIES cat_nope",
                      "TRUNCATE TABLE cat_nope", "ALTER TABLE cat_nope RENAME TO cat_x",
                      "SHOW PARTITIONS cat_nope", "SHOW CREATE TABLE cat_nope"]:
        golden.check_error(lambda: spark.sql(statement), statement.split(" cat_")[0].lower().replace(" ", "_"))
