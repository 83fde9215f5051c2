"""Python UDF workloads on Ember and on a local Apache Spark, in one run.

    benchmarks/udf.py [--rows N] [--runs R] [--ember-bin PATH] [--spark-url URL]

Three workloads over `spark.range(rows)` (default 1M rows), each ending in a
small aggregate so that the timing is the UDF's work, not the transfer of
the rows to the client:

- `udf`: a scalar `udf` (pyspark's default, pickled rows) on a double column;
- `pandas_udf`: a scalar `pandas_udf` on the same column;
- `applyInPandas`: `groupBy(id % 100).applyInPandas` centring each group.

Ember is `ember server` from --ember-bin (default: the workspace's debug
build; say which in the results); Spark is a Spark Connect server of the
pinned pyspark (`tools/spark_oracle.sh`, `local[2]`), started on a free port
unless --spark-url names a running one. Both are driven by the PySpark 4.3
client of this Python. Every workload runs once on each engine to warm up,
then --runs times round-robin; the figure is the median wall time as the
client sees it. Prints a table with the ratios (Spark time / Ember time; the
target is at least 3) and writes benchmarks/results/udf-<time>.json.
"""

import argparse
import datetime
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


def start_ember(binary):
    port = free_port()
    server = subprocess.Popen([binary, "server", "--port", str(port)], stdout=subprocess.DEVNULL)
    wait_for(port)
    return server, f"sc://127.0.0.1:{port}"


def start_spark():
    port = free_port()
    env = dict(os.environ, SPARK_LOG_DIR=f"/tmp/spark-logs-udf-bench-{port}")
    subprocess.run([str(ROOT / "tools" / "spark_oracle.sh"), "start", str(port)], check=True, env=env,
                   stdout=subprocess.DEVNULL)
    return (lambda: subprocess.run([str(ROOT / "tools" / "spark_oracle.sh"), "stop", str(port)], env=env,
                                   stdout=subprocess.DEVNULL)), f"sc://127.0.0.1:{port}"


def workloads(rows):
    """name -> function(spark) running the workload and returning its answer."""
    import pandas as pd
    from pyspark.sql import functions as F
    from pyspark.sql.functions import pandas_udf, udf

    @udf("double")
    def plus_one(v):
        return v + 1.0

    @pandas_udf("double")
    def doubled(v: pd.Series) -> pd.Series:
        return v * 2.0

    def centred(pdf):
        return pdf.assign(v=pdf.v - pdf.v.mean())

    def data(spark):
        return spark.range(rows).select(F.col("id"), (F.col("id") % 100).alias("g"), (F.col("id") * 0.5).alias("v"))

    return {
        "udf": lambda spark: data(spark).select(plus_one("v").alias("r")).agg(F.sum("r")).collect()[0][0],
        "pandas_udf": lambda spark: data(spark).select(doubled("v").alias("r")).agg(F.sum("r")).collect()[0][0],
        "applyInPandas": lambda spark: data(spark)
        .groupBy("g")
        .applyInPandas(centred, "id long, g long, v double")
        .agg(F.count("v"), F.sum("v"))
        .collect()[0][:],
    }


def same(a, b):
    """Equal answers, floats within a relative 1e-9 (sums in another order)."""
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9)
    return a == b


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ember-bin", default=str(ROOT / "target" / "debug" / "ember"))
    parser.add_argument("--ember-build", default="debug", help="what --ember-bin is (debug or release), recorded")
    parser.add_argument("--spark-url", help="a running Spark Connect server (default: start one)")
    args = parser.parse_args()

    from pyspark.sql import SparkSession

    ember_server, ember_url = start_ember(args.ember_bin)
    stop_spark, spark_url = (None, args.spark_url) if args.spark_url else start_spark()
    try:
        sessions = {}
        for engine, url in [("ember", ember_url), ("spark", spark_url)]:
            sessions[engine] = SparkSession.builder.remote(url).config("spark.sql.session.timeZone", "UTC").create()
        times = {}
        answers = {}
        jobs = workloads(args.rows)
        for name, job in jobs.items():
            for engine, spark in sessions.items():
                answers[(name, engine)] = job(spark)  # warm-up, and the answer to compare
            if not same(answers[(name, "ember")], answers[(name, "spark")]):
                raise SystemExit(f"{name}: Ember answered {answers[(name, 'ember')]}, Spark {answers[(name, 'spark')]}")
            for run in range(args.runs):
                order = list(sessions.items()) if run % 2 == 0 else list(reversed(sessions.items()))
                for engine, spark in order:
                    start = time.perf_counter()
                    job(spark)
                    times.setdefault((name, engine), []).append(time.perf_counter() - start)
            print(f"{name}: done", file=sys.stderr)
        for spark in sessions.values():
            spark.stop()
    finally:
        ember_server.terminate()
        ember_server.wait()
        if stop_spark:
            stop_spark()

    results = []
    print(f"{'workload':<15}{'ember s':>10}{'spark s':>10}{'spark/ember':>13}  (target >= 3)")
    for name in jobs:
        ember, spark = (statistics.median(times[(name, e)]) for e in ("ember", "spark"))
        ratio = spark / ember
        print(f"{name:<15}{ember:>10.3f}{spark:>10.3f}{ratio:>13.2f}")
        results.append({"workload": name, "ember_s": times[(name, "ember")], "spark_s": times[(name, "spark")],
                        "ember_median_s": ember, "spark_median_s": spark, "ratio": ratio})
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"udf-{stamp}.json"
    out.write_text(json.dumps({
        "rows": args.rows, "runs": args.runs, "ember_bin": args.ember_bin, "ember_build": args.ember_build,
        "spark": "Apache Spark 4.3 Spark Connect, local[2] (pyspark package)", "machine": platform.platform(),
        "cpus": os.cpu_count(), "results": results,
    }, indent=1) + "\n")
    print(f"written {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
