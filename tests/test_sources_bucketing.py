"""Bucketed table writes: df.write.bucketBy(n, cols).sortBy(cols).saveAsTable.

Each bucket's rows go to files named `part-NNNNN-<uuid>_0000b.c000...`, the
bucket being Spark's Murmur3 hash of the bucket columns modulo n; the table
keeps its bucket spec (listColumns, DESCRIBE EXTENDED). Goldens hold, per
bucket id, the rows of its files (in file order when sorted), never paths."""

import os
import re

import pytest

BUCKET_FILE = re.compile(r"^part-\d{5}-[0-9a-f-]{36}_(\d{5})\.c000\.snappy\.parquet$")

DATA = [(i, "foo" if i % 3 else "bar", float((i * 7) % 11)) for i in range(20)]


@pytest.fixture
def df(spark):
    return spark.createDataFrame(DATA, "x INT, y STRING, z DOUBLE")


@pytest.fixture
def table(spark):
    spark.sql("DROP TABLE IF EXISTS bucketed_t")
    yield "bucketed_t"
    spark.sql("DROP TABLE IF EXISTS bucketed_t")


def details(spark, table):
    rows = spark.sql(f"DESCRIBE EXTENDED {table}").collect()
    return [(r.col_name, r.data_type) for r in rows]


def bucket_files(spark, table):
    """{bucket id: [rows of each of its files]}; every data file must be a bucket file."""
    location = dict(details(spark, table))["Location"]
    folder = location[len("file:"):] if location.startswith("file:") else location
    found = {}
    for name in sorted(os.listdir(folder)):
        if name.startswith(("_", ".")):
            continue
        match = BUCKET_FILE.match(name)
        assert match, name
        rows = [tuple(r) for r in spark.read.parquet(os.path.join(folder, name)).collect()]
        found.setdefault(str(int(match.group(1))), []).append(rows)
    return found


def buckets(spark, table):
    """{bucket id: its rows, sorted}."""
    return {k: sorted(row for rows in files for row in rows) for k, files in bucket_files(spark, table).items()}


def test_bucket_by_one_column(spark, df, table, golden):
    df.write.bucketBy(3, "x").mode("overwrite").saveAsTable(table)
    golden.check("buckets", buckets(spark, table))
    golden.check("bucket_columns", [c.name for c in spark.catalog.listColumns(table) if c.isBucket])
    golden.check_df(spark.table(table).orderBy("x"), "rows")


def test_bucket_by_two_columns_sorted(spark, df, table, golden):
    df.write.bucketBy(4, "x", "y").sortBy("z").mode("overwrite").saveAsTable(table)
    for files in bucket_files(spark, table).values():
        for rows in files:
            assert [r[2] for r in rows] == sorted(r[2] for r in rows)
    golden.check("buckets", buckets(spark, table))
    golden.check("bucket_columns", [c.name for c in spark.catalog.listColumns(table) if c.isBucket])


def test_describe_extended_shows_the_spec(spark, df, table, golden):
    df.write.bucketBy(2, "y").sortBy("z", "x").saveAsTable(table)
    rows = details(spark, table)
    golden.check("spec", [row for row in rows if row[0] in ("Num Buckets", "Bucket Columns", "Sort Columns")])
    names = [row[0] for row in rows]
    order = [n for n in names if n in ("Provider", "Num Buckets", "Bucket Columns", "Sort Columns", "Location")]
    golden.check("order", order)
    golden.check("show_create", spark.sql(f"SHOW CREATE TABLE {table}").collect()[0][0])


def test_inserts_into_a_bucketed_table_are_bucketed(spark, df, table, golden):
    df.filter("x < 10").write.bucketBy(2, "x").saveAsTable(table)
    df.filter("x >= 10").write.insertInto(table)
    golden.check("buckets", buckets(spark, table))
    golden.check_df(spark.table(table).orderBy("x"), "rows")


def test_sql_create_table_clustered_by(spark, table, golden):
    spark.sql(f"CREATE TABLE {table} (x INT, y STRING) USING parquet CLUSTERED BY (x) SORTED BY (y) INTO 3 BUCKETS")
    spark.sql(f"INSERT INTO {table} VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd'), (5, 'e')")
    golden.check("buckets", buckets(spark, table))
    golden.check("show_create", spark.sql(f"SHOW CREATE TABLE {table}").collect()[0][0])
    golden.check("bucket_columns", [c.name for c in spark.catalog.listColumns(table) if c.isBucket])
    spark.sql(f"DROP TABLE {table}")
    spark.sql(f"CREATE TABLE {table} USING parquet CLUSTERED BY (x) INTO 2 BUCKETS AS SELECT id AS x FROM range(6)")
    golden.check("ctas_buckets", buckets(spark, table))


def test_sql_create_table_cluster_by(spark, table, golden):
    spark.sql(f"CREATE TABLE {table} (x INT, y STRING) USING parquet CLUSTER BY (x)")
    spark.sql(f"INSERT INTO {table} VALUES (1, 'a'), (2, 'b')")
    golden.check("cluster_columns", [c.name for c in spark.catalog.listColumns(table) if c.isCluster])
    golden.check_df(spark.sql(f"SHOW TBLPROPERTIES {table}").filter("key = 'clusteringColumns'"), "properties")
    golden.check_df(spark.table(table).orderBy("x"), "rows")


@pytest.mark.parametrize("file_format", ["parquet", "orc", "textfile"])
def test_sql_create_table_stored_as_needs_hive(spark, golden, file_format):
    golden.check_error(lambda: spark.sql(f"CREATE TABLE ember_hive_format (a INT) STORED AS {file_format}"))


def test_cluster_by_is_kept_in_the_catalog(spark, df, table, golden):
    df.write.clusterBy("x", "y").mode("overwrite").saveAsTable(table)
    golden.check("save_as_table", [c.name for c in spark.catalog.listColumns(table) if c.isCluster])
    golden.check_df(spark.table(table).orderBy("x"), "rows")
    spark.sql(f"DROP TABLE {table}")
    df.writeTo(table).using("parquet").clusterBy("z").create()
    golden.check("write_to", [c.name for c in spark.catalog.listColumns(table) if c.isCluster])
