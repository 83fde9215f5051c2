"""Partitions at custom locations: ALTER TABLE … ADD PARTITION … LOCATION,
DROP PARTITION, SHOW PARTITIONS [PARTITION (spec)], INSERT into such a
partition, MSCK REPAIR TABLE … SYNC PARTITIONS, and their errors."""

import os

import pyarrow as pa
import pyarrow.parquet as pq
import pytest


def run(spark, *statements):
    for statement in statements:
        spark.sql(statement)


def write_rows(folder, values):
    os.makedirs(folder, exist_ok=True)
    pq.write_table(pa.table({"a": pa.array(values, pa.int32())}), os.path.join(folder, "part.parquet"))


@pytest.fixture
def table(spark):
    run(
        spark,
        "DROP TABLE IF EXISTS sp_t",
        "CREATE TABLE sp_t (a INT, p STRING, q INT) USING parquet PARTITIONED BY (p, q)",
        "INSERT INTO sp_t PARTITION (p = 'x', q = 1) VALUES (1)",
    )
    yield "sp_t"
    run(spark, "DROP TABLE IF EXISTS sp_t")


def test_add_partition_at_a_location(spark, golden, table, tmp_path):
    elsewhere = tmp_path / "z"
    write_rows(elsewhere, [7])
    run(spark, f"ALTER TABLE sp_t ADD PARTITION (p = 'z', q = 2) LOCATION '{elsewhere}'")
    golden.check_df(spark.sql("SELECT * FROM sp_t ORDER BY a"), "rows")
    golden.check_df(spark.sql("SHOW PARTITIONS sp_t"), "partitions")
    golden.check_df(spark.sql("SHOW PARTITIONS sp_t PARTITION (p = 'z')"), "partitions_of_z")
    run(spark, "INSERT INTO sp_t PARTITION (p = 'z', q = 2) VALUES (8)")
    golden.check("files_written_there", len([f for f in os.listdir(elsewhere) if f.startswith("part-")]))
    golden.check_df(spark.sql("SELECT * FROM sp_t WHERE p = 'z' ORDER BY a"), "inserted")
    golden.check_df(spark.sql("SELECT count(*) AS n FROM sp_t"), "count")
    run(spark, "ALTER TABLE sp_t DROP PARTITION (p = 'z', q = 2)")
    # A managed table's partition folder goes with it, wherever it is.
    golden.check("location_kept_after_drop", elsewhere.exists())
    golden.check_df(spark.sql("SELECT * FROM sp_t ORDER BY a"), "after_drop")
    golden.check_df(spark.sql("SHOW PARTITIONS sp_t"), "partitions_after_drop")


def test_add_several_partitions(spark, golden, table, tmp_path):
    run(spark, f"ALTER TABLE sp_t ADD PARTITION (p = 'y', q = 3) PARTITION (p = 'y', q = 4) LOCATION '{tmp_path / 'y4'}'")
    golden.check_df(spark.sql("SHOW PARTITIONS sp_t"), "partitions")
    golden.check("created_location", (tmp_path / "y4").exists())
    golden.check_df(spark.sql("SELECT count(*) AS n FROM sp_t"), "count")
    run(spark, "ALTER TABLE sp_t DROP IF EXISTS PARTITION (p = 'nope', q = 1)")
    run(spark, "ALTER TABLE sp_t DROP PARTITION (p = 'y', q = 3), PARTITION (p = 'y', q = 4)")
    golden.check_df(spark.sql("SHOW PARTITIONS sp_t"), "dropped")


def test_partition_errors(spark, golden, table, tmp_path):
    golden.check_error(lambda: spark.sql("ALTER TABLE sp_t ADD PARTITION (p = 'x', q = 1)"), "already_exists")
    golden.check_error(lambda: spark.sql("ALTER TABLE sp_t ADD PARTITION (p = 'y')"), "partial_spec")
    golden.check_error(lambda: spark.sql("ALTER TABLE sp_t ADD PARTITION (r = 'z', q = 1)"), "unknown_column")
    golden.check_error(lambda: spark.sql("ALTER TABLE sp_t DROP PARTITION (p = 'nope', q = 1)"), "drop_missing")
    golden.check_error(lambda: spark.sql("ALTER TABLE sp_nope ADD PARTITION (p = 'x')"), "missing_table")
    golden.check_error(lambda: spark.sql("SHOW PARTITIONS sp_t PARTITION (r = 'x')"), "show_unknown_column")


def test_repair_drops_partitions_whose_folder_is_gone(spark, golden, table, tmp_path):
    elsewhere = tmp_path / "v"
    write_rows(elsewhere, [5])
    run(spark, f"ALTER TABLE sp_t ADD PARTITION (p = 'v', q = 9) LOCATION '{elsewhere}'")
    run(spark, "MSCK REPAIR TABLE sp_t")
    golden.check_df(spark.sql("SHOW PARTITIONS sp_t"), "after_repair")
    golden.check_df(spark.sql("SELECT * FROM sp_t ORDER BY a"), "rows")
    for name in os.listdir(elsewhere):
        os.remove(elsewhere / name)
    os.rmdir(elsewhere)
    run(spark, "MSCK REPAIR TABLE sp_t SYNC PARTITIONS")
    golden.check_df(spark.sql("SHOW PARTITIONS sp_t"), "after_sync")
    golden.check_df(spark.sql("SELECT * FROM sp_t ORDER BY a"), "rows_after_sync")


def test_partition_location_is_seen_by_another_session(fresh_spark, golden, table, spark, tmp_path):
    """The custom location is part of the stored definition, not of a session."""
    elsewhere = tmp_path / "w"
    write_rows(elsewhere, [3])
    run(spark, f"ALTER TABLE sp_t ADD PARTITION (p = 'w', q = 0) LOCATION '{elsewhere}'")
    golden.check_df(fresh_spark.sql("SELECT * FROM sp_t ORDER BY a"), "rows")


def test_describe_partition(spark, golden, table, tmp_path):
    run(spark, f"ALTER TABLE sp_t ADD PARTITION (p = 'z', q = 2) LOCATION '{tmp_path / 'z'}'")
    root = spark.conf.get("spark.sql.warehouse.dir")

    def described(statement):
        rows = [r for r in spark.sql(statement).collect() if r.col_name != "Created Time"]
        return [repr(r).replace(str(tmp_path), "<tmp>").replace(root, "<warehouse>") for r in rows]

    golden.check_df(spark.sql("DESCRIBE sp_t PARTITION (p = 'x', q = 1)"), "plain")
    golden.check("extended", described("DESCRIBE EXTENDED sp_t PARTITION (p = 'x', q = 1)"))
    golden.check("extended_elsewhere", described("DESCRIBE TABLE EXTENDED sp_t PARTITION (p = 'z', q = 2)"))
    golden.check_error(lambda: spark.sql("DESCRIBE EXTENDED sp_t PARTITION (p = 'x')"), "partial_spec")
    golden.check_error(lambda: spark.sql("DESCRIBE EXTENDED sp_t PARTITION (p = 'nope', q = 1)"), "missing")
    golden.check_error(lambda: spark.sql("DESCRIBE sp_t PARTITION (p = 'x', q = 1) a"), "column_of_partition")


def test_truncate_empties_partitions_kept_elsewhere(spark, golden, table, tmp_path):
    elsewhere = tmp_path / "t"
    write_rows(elsewhere, [4])
    run(spark, f"ALTER TABLE sp_t ADD PARTITION (p = 't', q = 5) LOCATION '{elsewhere}'")
    run(spark, "TRUNCATE TABLE sp_t")
    golden.check_df(spark.sql("SELECT count(*) AS n FROM sp_t"), "count")
    golden.check_df(spark.sql("SHOW PARTITIONS sp_t"), "partitions")


def test_insert_overwrite_replaces_partitions_kept_elsewhere(spark, golden, table, tmp_path):
    elsewhere = tmp_path / "z"
    write_rows(elsewhere, [7])
    run(spark, f"ALTER TABLE sp_t ADD PARTITION (p = 'z', q = 2) LOCATION '{elsewhere}'")
    run(spark, "INSERT OVERWRITE sp_t PARTITION (p = 'z', q = 2) VALUES (8)")
    golden.check_df(spark.sql("SELECT * FROM sp_t ORDER BY a"), "one_partition")
    golden.check("written_there", len([f for f in os.listdir(elsewhere) if f.startswith("part-")]))
    run(spark, "INSERT OVERWRITE sp_t PARTITION (p, q) SELECT 5, 'w', 3")
    golden.check_df(spark.sql("SELECT * FROM sp_t ORDER BY a"), "whole_table")
    golden.check_df(spark.sql("SHOW PARTITIONS sp_t"), "partitions")
    golden.check("location_kept", elsewhere.exists())


def test_set_location_and_rename_partitions(spark, golden, table, tmp_path):
    run(spark, "INSERT INTO sp_t VALUES (8, 'v', 1)")
    run(spark, "ALTER TABLE sp_t PARTITION (p = 'v', q = 1) RENAME TO PARTITION (p = 'u', q = 1)")
    golden.check_df(spark.sql("SELECT * FROM sp_t ORDER BY a"), "renamed")
    golden.check_df(spark.sql("SHOW PARTITIONS sp_t"), "renamed_partitions")
    moved = tmp_path / "moved"
    write_rows(moved, [9])
    run(spark, f"ALTER TABLE sp_t PARTITION (p = 'x', q = 1) SET LOCATION '{moved}'")
    golden.check_df(spark.sql("SELECT * FROM sp_t ORDER BY a"), "relocated")
    golden.check_df(spark.sql("SHOW PARTITIONS sp_t"), "relocated_partitions")
    golden.check_error(lambda: spark.sql(f"ALTER TABLE sp_t PARTITION (p = 'nope', q = 3) SET LOCATION '{moved}'"), "set_location_missing")
    golden.check_error(lambda: spark.sql("ALTER TABLE sp_t PARTITION (p = 'nope', q = 3) RENAME TO PARTITION (p = 'n', q = 3)"), "rename_missing")
    golden.check_error(lambda: spark.sql("ALTER TABLE sp_t PARTITION (p = 'u', q = 1) RENAME TO PARTITION (p = 'x', q = 1)"), "rename_to_existing")
