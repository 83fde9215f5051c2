"""Reads and writes on object stores: `s3a://` (moto), `gs://`
(fake-gcs-server), `abfss://` and `wasbs://` (Azurite).

Against Ember, each emulator runs on loopback (see object_stores.py) and the
session reaches it through the `spark.hadoop.*` settings a Spark user gives
(S3A, the GCS connector, ABFS). The goldens hold Spark 4.3's answers for the
same operations on local folders (the Spark oracle has no object-store
connector on its class path), so every test runs the same steps on either
kind of root: `<scheme>://<bucket>/<test>` for Ember, a tmp folder when
recording; all stores share one golden (GOLDEN_SHARED_PARAMS). Paths are
normalised to <root> before comparison.
"""

import os
import re

import pytest
from pyspark.sql import functions as F

from conftest import REMOTE, conf, describe_error
from object_stores import STORES

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
SPARK_WRITTEN = os.path.join(os.path.dirname(__file__), "data", "spark_written")
# Which store a test runs on does not change Spark's answers: one golden for all.
GOLDEN_SHARED_PARAMS = ("store",)


@pytest.fixture(scope="module", params=sorted(STORES))
def store(request):
    """A store emulator on a free loopback port, with the tests' bucket
    (None against a remote server: the tests then use local folders)."""
    if REMOTE:
        yield None
        return
    emulator = STORES[request.param]()
    try:
        yield emulator
    finally:
        emulator.stop()


class Root:
    """Where a test's data lives: a prefix in a store (Ember) or a tmp folder (oracle)."""

    def __init__(self, uri, store=None, prefix=None):
        self.uri = uri
        self.store = store
        self.prefix = prefix

    def path(self, name):
        return f"{self.uri}/{name}"

    def listing(self, name):
        """Every file under `name` (hidden ones included), uuids normalised."""
        if self.store is None:
            root = os.path.join(self.uri, name)
            found = [
                os.path.relpath(os.path.join(folder, f), root)
                for folder, _, files in os.walk(root) for f in files if not f.endswith(".crc")
            ]
        else:
            prefix = f"{self.prefix}/{name}/"
            found = [key[len(prefix):] for key in self.store.keys(prefix)]
        return sorted(UUID_RE.sub("<uuid>", f) for f in found)

    def upload_folder(self, local, name):
        """Copies a local folder under `name`."""
        if self.store is None:
            import shutil
            shutil.copytree(local, os.path.join(self.uri, name))
            return
        for folder, _, files in os.walk(local):
            for f in files:
                path = os.path.join(folder, f)
                self.store.upload(path, f"{self.prefix}/{name}/{os.path.relpath(path, local)}")

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
def root(spark, store, tmp_path, request):
    if store is None:
        yield Root(str(tmp_path))
        return
    prefix = re.sub(r"[^\w-]+", "_", request.node.name)
    for key, value in store.settings.items():
        spark.conf.set(key, value)
    try:
        yield Root(f"{store.root}/{prefix}", store, prefix)
    finally:
        for key in store.settings:
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


@pytest.mark.skipif(REMOTE is not None, reason="Databricks semantics: open-source Spark ignores badRecordsPath")
def test_bad_records_written_to_the_store(spark, root, tmp_path):
    """`badRecordsPath` on the store (see test_sources_bad_records_path.py)."""
    local = tmp_path / "in"
    local.mkdir()
    (local / "bad.csv").write_text("1,a\nx,b\n")
    root.upload_folder(str(local), "in")
    read = spark.read.schema("id INT, name STRING").option("badRecordsPath", root.path("bad")).csv(root.path("in"))
    assert [tuple(r) for r in read.collect()] == [(1, "a")]
    [written] = root.listing("bad")
    assert re.fullmatch(r"\d{8}T\d{6}/bad_records/part-<uuid>\.json", written), written
    back = spark.read.json(root.path("bad") + "/*/bad_records")
    assert [(r.record, r.reason) for r in back.collect()] == [("x,b", "Cannot parse the value 'x' of the column `id` as INT")]
