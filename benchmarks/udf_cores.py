"""Do UDF-heavy queries on Ember keep more than one core busy?

    benchmarks/udf_cores.py [--ember-bin PATH] [--rows N] [--partitions P]

Starts `ember server`, runs a CPU-bound Python `udf` (a busy loop per row)
over `spark.range(rows, numPartitions=P)` and measures, from /proc, the CPU
time the server's Python worker processes used during the query, and, by
sampling every 0.2 s, in how many of the intervals two or more workers
advanced at once. CPU time above the wall time means the workers ran at the
same time on several cores; on a loaded machine the overlap of busy
intervals still shows whether they ran concurrently. Prints one line of
JSON; a measurement, not a test (the figures depend on what else the
machine runs).
"""

import argparse
import json
import os
import subprocess
import threading
import time
from pathlib import Path

from udf import free_port, wait_for

ROOT = Path(__file__).resolve().parent.parent
TICKS = os.sysconf("SC_CLK_TCK")


def descendants(pid):
    """The process ids below `pid`, from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cpu_seconds(pid):
    """User plus system CPU time of one process, or None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / TICKS


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ember-bin", default=str(ROOT / "target" / "debug" / "ember"))
    parser.add_argument("--rows", type=int, default=40000)
    parser.add_argument("--partitions", type=int, default=2)
    args = parser.parse_args()

    from pyspark.sql import SparkSession
    from pyspark.sql.functions import udf

    port = free_port()
    server = subprocess.Popen([args.ember_bin, "server", "--port", str(port)], stdout=subprocess.DEVNULL)
    try:
        wait_for(port)
        spark = SparkSession.builder.remote(f"sc://127.0.0.1:{port}").getOrCreate()

        @udf("long")
        def busy(n):
            total = 0
            for i in range(2000):
                total += (i * n) % 7
            return total

        df = spark.range(0, args.rows, 1, args.partitions).select(busy("id").alias("b"))
        df.agg({"b": "sum"}).collect()  # warm-up: starts the workers
        workers = descendants(server.pid)
        before = {pid: cpu_seconds(pid) for pid in workers}
        query = threading.Thread(target=lambda: df.agg({"b": "sum"}).collect())
        start = time.perf_counter()
        query.start()
        intervals, overlapping, last = 0, 0, dict(before)
        while query.is_alive():
            time.sleep(0.2)
            now = {pid: cpu_seconds(pid) for pid in descendants(server.pid)}
            advanced = sum(1 for pid, t in now.items() if t is not None and t > (last.get(pid) or 0.0))
            intervals += 1
            overlapping += advanced >= 2
            last = now
        query.join()
        wall = time.perf_counter() - start
        used = {}
        for pid in descendants(server.pid):
            after = cpu_seconds(pid)
            if after is not None:
                used[pid] = after - (before.get(pid) or 0.0)
        busy_workers = sum(1 for seconds in used.values() if seconds > 0.1 * sum(used.values()))
        print(json.dumps({
            "rows": args.rows,
            "partitions": args.partitions,
            "wall_seconds": round(wall, 2),
            "worker_cpu_seconds": round(sum(used.values()), 2),
            "cpu_over_wall": round(sum(used.values()) / wall, 2),
            "workers_busy": busy_workers,
            "intervals_with_two_busy_workers": f"{overlapping}/{intervals}",
            "load_average": os.getloadavg()[0],
        }))
        spark.stop()
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
