"""Cached frames on a server with a small memory limit: memory-and-disk
levels spill to local disk instead of failing, memory-only levels drop the
rows and compute them again, and both still answer every action.

These need the Ember binary, so they are skipped when the suite runs against
another server (EMBER_TEST_REMOTE).
"""

import pytest
from pyspark.sql import functions as F
from pyspark.storagelevel import StorageLevel

from conftest import REMOTE, EmberProcess, ember_binary, new_session

pytestmark = pytest.mark.skipif(
    bool(REMOTE), reason="needs the Ember binary (EMBER_TEST_REMOTE is set)"
)

ROWS = 400_000


@pytest.fixture(scope="module")
def limited_spark(tmp_path_factory):
    """A session on a server whose queries may hold 16 MiB at once."""
    spill = tmp_path_factory.mktemp("cache-spill")
    server = EmberProcess(ember_binary(), ["--memory-limit", "16m", "--local-dir", str(spill)])
    session = new_session(server.url)
    try:
        yield session, spill
    finally:
        session.stop()
        server.terminate()


def wide(spark):
    # ~40 MB of strings: more than the limit.
    return spark.range(0, ROWS, 1, 2).select("id", F.repeat(F.col("id").cast("string"), 12).alias("p"))


def spill_files(folder):
    return [p for p in folder.rglob("*") if p.is_file()]


def test_memory_and_disk_spills_a_cache_bigger_than_memory(limited_spark):
    spark, folder = limited_spark
    df = wide(spark).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        assert df.count() == ROWS
        assert spill_files(folder), "the cached rows went to the spill folder"
        assert df.agg(F.sum("id"), F.max(F.length("p"))).first() == (ROWS * (ROWS - 1) // 2, 12 * len(str(ROWS - 1)))
    finally:
        df.unpersist()
    assert not spill_files(folder), "unpersist removes the spilled rows"


def test_memory_only_recomputes_what_does_not_fit(limited_spark):
    spark, _ = limited_spark
    df = wide(spark).persist(StorageLevel.MEMORY_ONLY)
    try:
        assert df.count() == ROWS
        assert df.filter("id % 1000 = 0").count() == ROWS // 1000
    finally:
        df.unpersist()
