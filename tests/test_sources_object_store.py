"""Reads and writes on an S3-compatible object store (`s3a://`).

Against Ember, a real S3 server (moto in server mode) runs on loopback and
the session reaches it through `spark.hadoop.fs.s3a.*` settings. The goldens
hold Spark 4.3's answers for the same operations on local folders (the
Spark oracle has no S3 connector on its class path), so every test runs the
same steps on either kind of root: `s3a://<bucket>/<test>` for Ember, a tmp
folder when recording. Paths are normalised to <root> before comparison.
"""

import os
import re
import subprocess
import sys
import time

import pytest
from pyspark.sql import functions as F

from conftest import REMOTE, conf, describe_error, free_port

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SPARK_WRITTEN = os.path.join(os.path.dirname(__file__), "data", "spark_written")
BUCKET = "ember-tests"
ACCESS_KEY = "ember-access"
SECRET_KEY = "ember-secret"


@pytest.fixture(scope="module")
def s3_endpoint():
    """A moto S3 server on a free loopback port, with the tests' bucket."""
    if REMOTE:
        yield None
        return
    import boto3

    port = free_port()
    log = open(os.devnull, "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=log,
    )
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY, region_name="us-east-1",
    )
    deadline = time.time() + 60
    while True:
        try:
            client.create_bucket(Bucket=BUCKET)
            break
        except Exception:  # noqa: BLE001 - not listening yet
            if time.time() > deadline or server.poll() is not None:
                server.kill()
                raise
            time.sleep(0.2)
    try:
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


class Root:
    """Where a test's data lives: an S3 prefix (Ember) or a tmp folder (oracle)."""

    def __init__(self, uri, client=None, prefix=None):
        self.uri = uri
        self.client = client
        self.prefix = prefix

    def path(self, name):
        return f"{self.uri}/{name}"

    def listing(self, name):
        """Every file under `name` (hidden ones included), uuids normalised."""
        if self.client is None:
            root = os.path.join(self.uri, name)
            found = [
                os.path.relpath(os.path.join(folder, f), root)
                for folder, _, files in os.walk(root) for f in files if not f.endswith(".crc")
            ]
        else:
            prefix = f"{self.prefix}/{name}/"
            pages = self.client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
            found = [obj["Key"][len(prefix):] for page in pages for obj in page.get("Contents", [])]
        return sorted(UUID_RE.sub("<uuid>", f) for f in found)

    def upload_folder(self, local, name):
        """Copies a local folder under `name`."""
        if self.client is None:
            import shutil
            shutil.copytree(local, os.path.join(self.uri, name))
            return
        for folder, _, files in os.walk(local):
            for f in files:
                path = os.path.join(folder, f)
                key = f"{self.prefix}/{name}/{os.path.relpath(path, local)}"
                self.client.upload_file(path, BUCKET, key)

    def error(self, golden, fn, name):
        """Records fn's error with this root's location replaced by <root>."""
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - any client error is recorded
            described = describe_error(exc)
            params = described["messageParameters"] or {}
            described["messageParameters"] = {
                k: re.sub(r"^file:", "", v).replace(re.sub(r"^file:", "", self.uri), "<root>") for k, v in params.items()
            }
            golden.check(name, described)
            return
        pytest.fail(f"expected an error, got {result!r}", pytrace=False)


@pytest.fixture
def root(spark, s3_endpoint, tmp_path, request):
    if s3_endpoint is None:
        yield Root(str(tmp_path))
        return
    import boto3

    client = boto3.client(
        "s3", endpoint_url=s3_endpoint, aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY, region_name="us-east-1",
    )
    prefix = re.sub(r"[^\w-]+", "_", request.node.name)
    settings = {
        "spark.hadoop.fs.s3a.endpoint": s3_endpoint,
        "spark.hadoop.fs.s3a.access.key": ACCESS_KEY,
        "spark.hadoop.fs.s3a.secret.key": SECRET_KEY,
        "spark.hadoop.fs.s3a.path.style.access": "true",
    }
    for key, value in settings.items():
        spark.conf.set(key, value)
    try:
        yield Root(f"s3a://{BUCKET}/{prefix}", client, prefix)
    finally:
        for key in settings:
            spark.conf.unset(key)


@pytest.fixture
def people(spark):
    return spark.createDataFrame(
        [(1, "alice", 3.5, "paris"), (2, "bob", None, "berlin"), (3, None, 1.0, "paris")],
        "id int, name string, score double, city string",
    )


@pytest.mark.parametrize("fmt", ["parquet", "csv", "json", "text"])
def test_every_format_written_and_read_back(spark, people, root, fmt, golden):
    out = root.path(fmt)
    df = people.select(F.concat_ws("|", "id", "name", "city").alias("value")) if fmt == "text" else people
    df.coalesce(1).write.format(fmt).save(out)
    golden.check("files", root.listing(fmt))
    reader = spark.read.format(fmt)
    if fmt == "csv":
        reader = reader.schema("id int, name string, score double, city string")
    read = reader.load(out)
    golden.check_df(read.orderBy(*read.columns))


def test_partitioned_write_discovery_and_pruning(spark, root, golden):
    df = spark.createDataFrame(
        [(1, "a/b", 2020), (2, "x", 2021), (3, None, 2020), (4, "x", 2020)], "id int, p string, year int"
    )
    out = root.path("table")
    df.coalesce(1).write.partitionBy("year", "p").parquet(out)
    golden.check("files", root.listing("table"))
    read = spark.read.parquet(out)
    golden.check_df(read.orderBy("id"))
    golden.check_df(read.filter("year = 2021").select("id", "p"), name="pruned")


def test_save_modes(spark, people, root, golden):
    out = root.path("out")
    people.write.json(out)
    root.error(golden, lambda: people.write.json(out), "default_mode")
    people.limit(1).write.mode("ignore").json(out)
    golden.check("after_ignore", spark.read.json(out).count())
    people.write.mode("append").json(out)
    golden.check("after_append", spark.read.json(out).count())
    people.limit(1).coalesce(1).write.mode("overwrite").json(out)
    golden.check_df(spark.read.json(out))
    golden.check("files_after_overwrite", root.listing("out"))


def test_dynamic_partition_overwrite(spark, root, golden):
    out = root.path("out")
    spark.createDataFrame([(1, "a"), (2, "b")], "id int, p string").coalesce(1).write.partitionBy("p").parquet(out)
    with conf(spark, "spark.sql.sources.partitionOverwriteMode", "dynamic"):
        spark.createDataFrame([(3, "b"), (4, "c")], "id int, p string").coalesce(1).write.mode(
            "overwrite"
        ).partitionBy("p").parquet(out)
    golden.check_df(spark.read.parquet(out).orderBy("id"))


def test_reads_files_written_by_spark(spark, root, golden):
    for fmt in ("parquet", "csv", "json"):
        root.upload_folder(os.path.join(SPARK_WRITTEN, fmt), fmt)
        reader = spark.read.format(fmt)
        if fmt == "csv":
            reader = reader.options(header=True, inferSchema=True)
        golden.check_df(reader.load(root.path(fmt)).orderBy("id"), name=fmt)


def test_globs_and_changed_objects(spark, people, root, golden):
    people.coalesce(1).write.csv(root.path("day=1"))
    people.limit(1).coalesce(1).write.csv(root.path("day=2"))
    golden.check("glob", spark.read.csv(root.path("day=*")).count())
    people.limit(2).coalesce(1).write.mode("overwrite").csv(root.path("day=1"))
    golden.check_df(spark.read.csv(root.path("day=1")).orderBy("_c0"), name="rewritten")


def test_missing_path_is_path_not_found(spark, root, golden):
    root.error(golden, lambda: spark.read.parquet(root.path("missing")).collect(), "missing")


def test_failed_overwrite_leaves_old_data(spark, people, root, golden):
    out = root.path("out")
    people.coalesce(1).write.parquet(out)
    before = root.listing("out")
    failing = spark.range(0, 10, 1, 2).select((F.lit(1) / (F.col("id") - 7)).alias("x"))
    root.error(golden, lambda: failing.write.mode("overwrite").parquet(out), "failed")
    if not REMOTE:
        # Ember commits only when every task succeeded; Spark deletes the old
        # files of an overwrite before its job runs.
        assert root.listing("out") == before
        assert spark.read.parquet(out).count() == 3
