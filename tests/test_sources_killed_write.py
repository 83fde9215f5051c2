"""A write whose server is killed half-way leaves the destination as it
was: the old files are all there, no new file is visible, and a fresh
server reads the old rows. (Ember-only: Spark deletes the old files of an
overwrite before its job runs.)"""

import os
import subprocess
import sys
import time

import pytest

from conftest import REMOTE, EmberProcess, ember_binary, new_session

WRITER = """
import sys
from pyspark.sql import SparkSession
spark = SparkSession.builder.remote(sys.argv[1]).create()
out = sys.argv[2]
spark.range(0, 1000).write.parquet(out)
print("initial written", flush=True)
spark.range(0, 400_000_000, 1, 2).selectExpr("id", "repeat('x', 40) AS s").write.mode("overwrite").parquet(out)
print("overwrite finished", flush=True)
"""


def visible_files(root):
    """The files a reader sees (hidden `_`/`.` names and folders left out)."""
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(("_", "."))]
        found.extend(os.path.relpath(os.path.join(folder, f), root) for f in files if not f.startswith(("_", ".")))
    return sorted(found)


def staged_bytes(root):
    staging = os.path.join(root, "_temporary")
    total = 0
    for folder, _, files in os.walk(staging):
        total += sum(os.path.getsize(os.path.join(folder, f)) for f in files)
    return total


@pytest.mark.skipif(bool(REMOTE), reason="kills the server under test")
def test_write_killed_half_way_leaves_old_data(tmp_path):
    out = str(tmp_path / "out")
    server = EmberProcess(ember_binary())
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, server.url, out], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    try:
        assert writer.stdout.readline().strip() == "initial written"
        before = visible_files(out)
        assert before and os.path.exists(os.path.join(out, "_SUCCESS"))
        deadline = time.time() + 300
        while staged_bytes(out) < 1_000_000:
            assert writer.poll() is None, "the overwrite ended before it could be killed"
            assert time.time() < deadline, "the overwrite never staged any data"
            time.sleep(0.05)
        server.proc.kill()
        server.proc.wait()
    finally:
        writer.kill()
        writer.wait()
        server.terminate()
    assert visible_files(out) == before
    fresh = EmberProcess(ember_binary())
    session = new_session(fresh.url)
    try:
        assert session.read.parquet(out).count() == 1000
    finally:
        session.stop()
        fresh.terminate()
