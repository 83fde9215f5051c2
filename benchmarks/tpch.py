#!/usr/bin/env python3
"""TPC-H, interleaved query by query: Ember, Apache Spark, Sail, DuckDB, DataFusion.

Every engine is driven by its own worker process (this script with
``--worker``), so that each engine's memory can be measured apart and a crash
or a hang costs one query, not the run. Ember, Spark Connect and Sail are
servers driven by the PySpark client over Spark Connect; Spark classic runs
in the worker's JVM (``local[2]``); DuckDB and DataFusion run inside their
worker. For every query, in the SQL and in the DataFrame-API form:

  1. each engine runs it once (the warm-up) and its answer is checked against
     the reference engine's (row count, then values within rounding);
  2. then ``--runs`` timed runs follow, round-robin over the engines whose
     answer matched, the engine order rotating each run; the figure is the
     median. With ``--runs 0`` the checked run is the only one and its time is
     the figure (for long runs such as SF10). Timing is the client's: building
     the query, executing it and collecting every row into Python.

A failure (error, crash, timeout) is recorded with the error's first line and
the run goes on. Start-up is the time from launching the engine's process to
its first answer (``select 1``); peak memory is the highest summed RSS of the
engine's process tree (the server, or the worker with its JVM), sampled every
0.1 s. The output is a terminal table with Ember's targets beside the figures,
JSON and a PNG chart under ``benchmarks/results/``.

    ~/.cache/ember/bench-venv/bin/python benchmarks/tpch.py --scale 0.1 --runs 3
    ... --engines ember,duckdb,datafusion --variants sql --queries 1,6
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import startup  # noqa: E402  (process helpers shared with the start-up benchmark)
import tpch_data  # noqa: E402
import tpch_queries  # noqa: E402

ENGINES = {
    "ember": "Ember",
    "ember-b": "Ember B",
    "spark": "Spark classic",
    "spark-connect": "Spark Connect",
    "sail": "Sail",
    "duckdb": "DuckDB",
    "datafusion": "DataFusion",
}
# A second Ember server (`--ember-b-conf`, `--ember-b-bin`), to compare
# settings or builds of Ember interleaved with each other and the peers.
EMBERS = {"ember", "ember-b"}
SERVERS = EMBERS | {"spark-connect", "sail"}
PYSPARK_ENGINES = EMBERS | {"spark", "spark-connect", "sail"}
# Whose answer the others are checked against, first that answered.
REFERENCE_ORDER = ["duckdb", "datafusion", "spark", "spark-connect", "sail", "ember", "ember-b"]
SPARK_CONF = {
    "spark.driver.memory": "4g",
    "spark.ui.enabled": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}
TARGETS = """\
Ember's targets (issue 7; goals, not assertions):
  total at least 10x faster than Spark local mode, and faster than Sail (SF1 and SF10)
  within 1.1x of raw DataFusion with the same settings; then close the gap to DuckDB
  peak memory at most a quarter of Spark's; start-up under 0.2 s
  reference run (SF1, this kind of machine): Spark 4.3 local[2] ~117 s (peak 4 GB,
  24-32 s to start), Sail 0.7.2 ~14.7 s, DataFusion 55 ~12.3 s, DuckDB ~6.6 s"""
# peer -> (least peer/Ember time ratio, what it means)
SPEED_TARGETS = {
    "spark": (10.0, "at least 10x faster than Spark classic"),
    "spark-connect": (10.0, "at least 10x faster than Spark Connect"),
    "sail": (1.0, "faster than Sail"),
    "datafusion": (1 / 1.1, "within 1.1x of DataFusion"),
    "duckdb": (1.0, "match DuckDB (aim)"),
}


def target_verdicts(doc: dict) -> list[str]:
    """Ember's figures against its targets, one line each (empty without Ember)."""
    if "ember" not in doc["engines"]:
        return []
    lines = []
    for variant, queries in doc["results"].items():
        for peer, (least, goal) in SPEED_TARGETS.items():
            r = ratio_to(queries, "ember", peer) if peer in doc["totals"][variant] else None
            if r is not None:
                lines.append(f"  {variant.upper()}: {goal}: {ENGINES[peer]}/Ember = {r:.2f}x: "
                             + ("met" if r >= least else "MISSED"))
    ember = doc["engines"]["ember"]
    for peer in ("spark", "spark-connect"):
        if peer in doc["engines"] and ember["peak_rss_mb"]:
            share = ember["peak_rss_mb"] / doc["engines"][peer]["peak_rss_mb"]
            lines.append(f"  peak memory at most 1/4 of {ENGINES[peer]}'s: {share:.2f} of it: "
                         + ("met" if share <= 0.25 else "MISSED"))
    if ember["startup_seconds"] is not None:
        lines.append(f"  start-up under 0.2 s: {ember['startup_seconds']:.3f} s: "
                     + ("met" if ember["startup_seconds"] < 0.2 else "MISSED"))
    return lines


# --------------------------------------------------------------------------
# worker: one engine, driven over stdin/stdout with JSON lines
# --------------------------------------------------------------------------


def _plain(value):
    """A query result value as JSON: decimals as floats, dates as ISO text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return float(value)


class Worker:
    """Runs queries on one engine inside this process (or as its client)."""

    def __init__(self, engine: str, data: Path, scale: float, url: str | None,
                 memory_limit: str | None, ember_tables: str):
        self.engine, self.data, self.scale, self.url = engine, data, scale, url
        self.memory_limit, self.ember_tables = memory_limit, ember_tables
        self.sql = tpch_queries.sql_queries(scale)
        self.session = None
        self.tables: dict = {}

    def connect(self) -> None:
        """Open the engine and answer a first ``select 1``."""
        if self.engine == "duckdb":
            import duckdb
            self.session = duckdb.connect()
            if self.memory_limit:
                self.session.execute(f"set memory_limit = '{self.memory_limit}B'")
            self.session.sql("select 1").fetchall()
        elif self.engine == "datafusion":
            import datafusion
            runtime = datafusion.RuntimeEnvBuilder()
            if self.memory_limit:
                runtime = runtime.with_disk_manager_os().with_fair_spill_pool(
                    parse_bytes(self.memory_limit))
            self.session = datafusion.SessionContext(datafusion.SessionConfig(), runtime)
            self.session.sql("select 1").collect()
        elif self.engine == "spark":
            from pyspark.sql import SparkSession
            builder = SparkSession.builder.master("local[2]").appName("ember-tpch")
            for key, value in SPARK_CONF.items():
                builder = builder.config(key, value)
            self.session = builder.getOrCreate()
            self.session.sql("select 1").collect()
        else:
            self.session = _connect_when_serving(self.url)

    def register(self) -> None:
        """Make the eight tables visible to SQL and to the DataFrame queries."""
        for name, path in tpch_data.table_paths(self.data).items():
            if self.engine == "duckdb":
                self.session.execute(
                    f"create view {name} as select * from read_parquet('{path}/*.parquet')")
            elif self.engine == "datafusion":
                self.session.register_parquet(name, path + "/")
            else:
                if self.engine in EMBERS and self.ember_tables == "client":
                    frame = self.session.createDataFrame(_arrow_table(path))
                else:
                    frame = self.session.read.parquet(path)
                frame.createOrReplaceTempView(name)
                self.tables[name] = frame

    def run(self, number: int, variant: str) -> list[list]:
        """Run one query and collect every row; values are left as the engine gives them."""
        if variant == "df":
            from pyspark.sql import functions as F
            frame = tpch_queries.DATAFRAME_QUERIES[number](self.tables.__getitem__, F, self.scale)
            return [list(row) for row in frame.collect()]
        text = self.sql[number]
        if self.engine == "duckdb":
            return [list(row) for row in self.session.sql(text).fetchall()]
        if self.engine == "datafusion":
            return [list(row.values()) for batch in self.session.sql(text).collect()
                    for row in batch.to_pylist()]
        return [list(row) for row in self.session.sql(text).collect()]


def _arrow_table(path: str):
    """A table's Parquet files read by pyarrow, string views as plain strings."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    table = pq.read_table(path)
    return table.cast(pa.schema([
        field.with_type(pa.string()) if field.type == pa.string_view() else field
        for field in table.schema]))


def _connect_when_serving(url: str, timeout: float = 300.0):
    """A Spark Connect session once the server at ``url`` answers ``select 1``."""
    from pyspark.sql import SparkSession
    port = int(url.rsplit(":", 1)[1])
    deadline = time.monotonic() + timeout
    while not startup.port_open(port):
        if time.monotonic() > deadline:
            raise RuntimeError(f"nothing listens on port {port} after {timeout:.0f} s")
        time.sleep(0.002)
    while True:
        session = None
        try:
            session = SparkSession.builder.remote(url).getOrCreate()
            session.sql("select 1").collect()
            return session
        except Exception:
            if session is not None:  # a session that failed once is not reused
                session.stop()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def first_line(error: BaseException) -> str:
    """The first non-empty line of an error, prefixed with its type."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    return f"{type(error).__name__}: {lines[0] if lines else ''}"[:300]


def worker_main(args) -> None:
    """Serve the runner's commands until stdin closes."""
    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # engine chatter on stdout must not mix with the protocol
    # imports happen before the start-up clock runs
    if args.worker in PYSPARK_ENGINES:
        import pyspark.sql.connect.session  # noqa: F401
        from pyspark.sql import SparkSession  # noqa: F401
    else:
        __import__(args.worker)
    worker = Worker(args.worker, Path(args.data), args.scale, args.url, args.memory_limit,
                    args.ember_tables)
    out.write(json.dumps({"loaded": True}) + "\n")
    for line in sys.stdin:
        cmd = json.loads(line)
        reply: dict = {}
        try:
            if cmd["cmd"] == "connect":
                worker.connect()
            elif cmd["cmd"] == "register":
                worker.register()
            elif cmd["cmd"] == "run":
                t0 = time.perf_counter()
                rows = worker.run(cmd["query"], cmd["variant"])
                reply["seconds"] = time.perf_counter() - t0
                reply["row_count"] = len(rows)
                if cmd.get("rows"):
                    reply["rows"] = [[_plain(v) for v in row] for row in rows]
            elif cmd["cmd"] == "versions":
                reply["version"] = engine_version(args.worker, worker.session)
        except Exception as e:  # reported to the runner, which records it and goes on
            reply["error"] = first_line(e)
        out.write(json.dumps(reply) + "\n")


def engine_version(engine: str, session) -> str | None:
    """The engine's version as it reports it."""
    if engine == "duckdb":
        import duckdb
        return duckdb.__version__
    if engine == "datafusion":
        import datafusion
        return datafusion.__version__
    if engine == "sail":
        return subprocess.run([str(tpch_data.sail_binary()), "--version"], capture_output=True,
                              text=True).stdout.strip() or None
    if engine in EMBERS:
        return None  # the runner asks the binary: the session reports the Spark version
    return getattr(session, "version", None)


def parse_bytes(text: str) -> int:
    """``2g``, ``512m``, ``2GiB`` -> bytes."""
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}
    digits = text.lower().rstrip("ib")
    factor = units.get(digits[-1:], 1)
    return int(float(digits.rstrip("kmgt")) * factor)


# --------------------------------------------------------------------------
# runner side: processes, memory, answers
# --------------------------------------------------------------------------


class Engine:
    """One engine under test: its server (if any), its worker and its figures."""

    def __init__(self, name: str, args, workdir: Path):
        self.name, self.args, self.workdir = name, args, workdir
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.startup_seconds: float | None = None
        self.peak_rss_kb = 0
        self.version: str | None = None
        self.broken: str | None = None

    def roots(self) -> list[int]:
        """The processes whose trees are the engine (server, or worker and its JVM)."""
        if self.name in SERVERS:
            return [self.server.pid] if self.server else []
        return [self.worker.pid] if self.worker else []

    def start(self) -> None:
        """Launch worker (and server) and wait for the first answer."""
        port = startup.free_port()
        cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", self.name,
               "--data", str(self.args.data), "--scale", f"{self.args.scale:g}",
               "--url", f"sc://127.0.0.1:{port}", "--ember-tables", self.args.ember_tables]
        if self.args.memory_limit:
            cmd += ["--memory-limit", self.args.memory_limit]
        log = open(self.workdir / f"{self.name}-worker.log", "ab")
        self.worker = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                       stderr=log, env=_clean_env(), start_new_session=True,
                                       cwd=self.workdir)
        log.close()
        startup._children.append(self.worker)
        self._read(self.args.start_timeout)  # imports done
        t0 = time.perf_counter()
        if self.name in SERVERS:
            self.server = self._launch_server(port)
        reply = self.ask({"cmd": "connect"}, self.args.start_timeout)
        if "error" in reply:
            raise RuntimeError(reply["error"])
        if self.startup_seconds is None:
            self.startup_seconds = time.perf_counter() - t0
        if self.name in EMBERS:
            self.version = subprocess.run([str(self.ember_bin()), "--version"],
                                          capture_output=True, text=True).stdout.strip()
        self.version = self.version or self.ask({"cmd": "versions"}, 60).get("version")
        reply = self.ask({"cmd": "register"}, self.args.start_timeout)
        if "error" in reply:
            self.broken = f"cannot read the tables: {reply['error']}"

    def _launch_server(self, port: int) -> subprocess.Popen:
        env = _clean_env()
        if self.name in EMBERS:
            cmd = [str(self.ember_bin()), "server", "--host", "127.0.0.1", "--port", str(port)]
            if self.args.memory_limit:
                cmd += ["--memory-limit", self.args.memory_limit]
            settings = self.args.ember_conf if self.name == "ember" else self.args.ember_b_conf
            for setting in settings:
                cmd += ["--conf", setting]
        elif self.name == "sail":
            cmd = [str(tpch_data.sail_binary()), "spark", "server",
                   "--ip", "127.0.0.1", "--port", str(port)]
        else:
            home = startup.spark_home(sys.executable)
            env.update(SPARK_HOME=home, SPARK_CONNECT_MODE="0", SPARK_LOCAL_IP="127.0.0.1")
            cmd = [os.path.join(home, "bin", "spark-submit"),
                   "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
                   "--master", "local[2]",
                   "--conf", f"spark.connect.grpc.binding.port={port}",
                   "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
                   "--conf", f"spark.driver.extraJavaOptions=-Dderby.system.home={self.workdir}"]
            for key, value in SPARK_CONF.items():
                cmd += ["--conf", f"{key}={value}"]
            cmd.append("spark-internal")
        log = open(self.workdir / f"{self.name}-server.log", "ab")
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, env=env, cwd=self.workdir,
                                start_new_session=True)
        log.close()
        startup._children.append(proc)
        return proc

    def ember_bin(self) -> Path:
        """The binary of this Ember engine (Ember B's defaults to Ember's)."""
        return self.args.ember_b_bin if self.name == "ember-b" and self.args.ember_b_bin else self.args.ember_bin

    def ask(self, cmd: dict, timeout: float) -> dict:
        """Send a command to the worker and wait for its reply."""
        self.worker.stdin.write((json.dumps(cmd) + "\n").encode())
        self.worker.stdin.flush()
        return self._read(timeout)

    def _read(self, timeout: float) -> dict:
        ready, _, _ = select.select([self.worker.stdout], [], [], timeout)
        if not ready:
            raise TimeoutError(f"no answer in {timeout:.0f} s")
        line = self.worker.stdout.readline()
        if not line:
            raise RuntimeError(f"worker exited ({self.worker.wait()}); "
                               f"see {self.workdir / (self.name + '-worker.log')}")
        return json.loads(line)

    def stop(self) -> None:
        """Stop worker and server (process groups, TERM then KILL)."""
        for proc in (self.worker, self.server):
            if proc is not None:
                startup._stop(proc, grace=10)
        self.worker = self.server = None

    def run(self, number: int, variant: str, rows: bool) -> dict:
        """Run one query; on a crash or timeout, restart the engine and report the failure."""
        if self.broken:
            return {"error": self.broken}
        try:
            return self.ask({"cmd": "run", "query": number, "variant": variant, "rows": rows},
                            self.args.engine_timeouts.get(self.name, self.args.timeout))
        except (TimeoutError, RuntimeError, OSError) as e:
            self.stop()
            try:
                self.start()
            except Exception as restart:  # the engine is gone for the rest of the run
                self.broken = f"engine failed to restart: {first_line(restart)}"
            return {"error": first_line(e)}


def _clean_env() -> dict:
    env = dict(os.environ)
    for key in ("SPARK_REMOTE", "SPARK_CONNECT_MODE_ENABLED", "SPARK_HOME"):
        env.pop(key, None)
    return env


class MemorySampler(threading.Thread):
    """Samples each engine's summed process-tree RSS; keeps the peak."""

    def __init__(self, engines: list[Engine], interval: float = 0.1):
        super().__init__(daemon=True)
        self.engines, self.interval = engines, interval
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.is_set():
            for engine in self.engines:
                pids = [p for root in engine.roots() for p in startup.process_tree(root)]
                rss = sum(startup.proc_status_kb(p, "VmRSS") or 0 for p in pids)
                engine.peak_rss_kb = max(engine.peak_rss_kb, rss)
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=2)


def same_value(a, b) -> bool:
    """Equal, or numbers equal within rounding (0.01 absolute or 1e-6 relative)."""
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) \
            and not isinstance(a, bool) and not isinstance(b, bool):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=0.01)
    if isinstance(a, str) and isinstance(b, str):
        return a.rstrip() == b.rstrip()
    return a == b


def same_rows(rows: list[list], reference: list[list]) -> str | None:
    """None if the answers agree (in order, or as multisets for ties), else why not."""
    if len(rows) != len(reference):
        return f"{len(rows)} rows, reference has {len(reference)}"

    def agree(xs, ys):
        return all(len(x) == len(y) and all(map(same_value, x, y)) for x, y in zip(xs, ys))

    if agree(rows, reference):
        return None
    key = lambda row: [str(v) for v in row]  # noqa: E731
    if agree(sorted(rows, key=key), sorted(reference, key=key)):
        return None
    for row, ref in zip(rows, reference):
        if not agree([row], [ref]):
            return f"row {str(row)[:120]} differs from {str(ref)[:120]}"
    return "values differ"


def run_query(engines: list[Engine], number: int, variant: str, runs: int,
              reference_rows: list | None) -> tuple[dict, list | None]:
    """Warm-up with answer check, then interleaved timed runs of one query.

    Answers are checked against ``reference_rows`` (the SQL reference's answer,
    for the DataFrame form) or else against the first engine of
    ``REFERENCE_ORDER`` that answered. Returns the results and the reference
    answer."""
    results: dict[str, dict] = {}
    answers: dict[str, list] = {}
    for engine in engines:
        reply = engine.run(number, variant, rows=True)
        if "error" in reply:
            results[engine.name] = {"status": "failed", "error": reply["error"]}
        else:
            answers[engine.name] = reply["rows"]
            results[engine.name] = {"status": "ok", "rows": reply["row_count"],
                                    "warmup_seconds": reply["seconds"], "seconds": []}
    reference = "sql reference" if reference_rows is not None else next(
        (e for e in REFERENCE_ORDER if e in answers), None)
    if reference_rows is None and reference:
        reference_rows = answers[reference]
    for name, rows in answers.items():
        problem = same_rows(rows, reference_rows)
        if problem:
            results[name].update(status="wrong", error=f"answer differs from {reference}: {problem}")
    timed = [e for e in engines if results[e.name]["status"] == "ok"]
    for run in range(runs):
        shift = run % len(timed) if timed else 0
        for engine in timed[shift:] + timed[:shift]:
            if results[engine.name]["status"] != "ok":
                continue
            reply = engine.run(number, variant, rows=False)
            if "error" in reply:
                results[engine.name].update(status="failed", error=reply["error"])
            else:
                results[engine.name]["seconds"].append(reply["seconds"])
    for result in results.values():
        if result["status"] == "ok":
            result["median_seconds"] = statistics.median(result["seconds"] or [result["warmup_seconds"]])
    return {"reference": reference, "engines": results}, reference_rows


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------


def totals(queries: dict, engines: list[str]) -> dict:
    """Per engine: total of medians over the queries it answered right, and how many."""
    out = {}
    for name in engines:
        ok = [q["engines"][name]["median_seconds"] for q in queries.values()
              if q["engines"].get(name, {}).get("status") == "ok"]
        out[name] = {"seconds": sum(ok), "answered": len(ok), "of": len(queries)}
    return out


def failures_by_error(queries: dict, names: list[str]) -> dict[tuple[str, str], list[str]]:
    """The queries each engine failed or answered wrongly, by engine and error."""
    failures: dict[tuple[str, str], list[str]] = {}
    for number, q in queries.items():
        for n in names:
            r = q["engines"].get(n, {})
            if r.get("status") in ("failed", "wrong"):
                failures.setdefault((n, r["error"]), []).append(f"Q{number}")
    return failures


def ratio_to(queries: dict, ember: str, peer: str) -> float | None:
    """peer / Ember over the queries both answered right (above 1: Ember is faster)."""
    both = [q["engines"] for q in queries.values()
            if q["engines"].get(ember, {}).get("status") == "ok"
            and q["engines"].get(peer, {}).get("status") == "ok"]
    mine = sum(e[ember]["median_seconds"] for e in both)
    theirs = sum(e[peer]["median_seconds"] for e in both)
    return theirs / mine if both and mine else None


def print_report(doc: dict) -> None:
    width = 14
    print()
    for variant, queries in doc["results"].items():
        names = list(doc["totals"][variant])
        runs = doc["options"]["runs"]
        print(f"TPC-H SF{doc['options']['scale']:g}, {variant.upper()}: "
              + (f"median of {runs} run(s)" if runs else "one checked run") + ", seconds")
        print("query".ljust(7) + "".join(ENGINES[n].rjust(width) for n in names))
        for number, q in queries.items():
            cells = []
            for n in names:
                r = q["engines"].get(n, {})
                cells.append(f"{r['median_seconds']:.3f}" if r.get("status") == "ok"
                              else r.get("status", "-").upper())
            print(f"Q{number}".ljust(7) + "".join(c.rjust(width) for c in cells))
        total = doc["totals"][variant]
        print("total".ljust(7) + "".join(
            (f"{total[n]['seconds']:.2f}" + ("" if total[n]["answered"] == total[n]["of"]
                                             else f" ({total[n]['answered']}q)")).rjust(width)
            for n in names))
        if "ember" in names:
            for peer in names:
                if peer != "ember":
                    r = ratio_to(queries, "ember", peer)
                    print(f"  {ENGINES[peer]} / Ember (common queries): "
                          + (f"{r:.2f}x" if r else "n/a"))
        for (n, error), numbers in failures_by_error(queries, names).items():
            print(f"  {ENGINES[n]} {','.join(numbers)}: {error}")
        print()
    names = doc["options"]["engines"]
    print("engine".ljust(16) + "start-up (s)".rjust(14) + "peak RSS (MB)".rjust(15) + "  version")
    for n in names:
        e = doc["engines"][n]
        start = f"{e['startup_seconds']:.2f}" if e["startup_seconds"] is not None else "n/a"
        print(ENGINES[n].ljust(16) + start.rjust(14) + f"{e['peak_rss_mb']:.0f}".rjust(15)
              + f"  {e['version']}")
    print()
    print(TARGETS)
    for line in target_verdicts(doc):
        print(line)


def plot(doc: dict, path: Path) -> None:
    """Bar chart of per-query medians, one panel per variant (log scale)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    variants = list(doc["results"])
    fig, axes = plt.subplots(len(variants), 1, figsize=(16, 4.5 * len(variants)), squeeze=False)
    for ax, variant in zip(axes[:, 0], variants):
        names = list(doc["totals"][variant])
        width = 0.8 / len(names)
        queries = doc["results"][variant]
        numbers = list(queries)
        for i, n in enumerate(names):
            xs, ys = [], []
            for j, number in enumerate(numbers):
                r = queries[number]["engines"].get(n, {})
                if r.get("status") == "ok":
                    xs.append(j + i * width)
                    ys.append(r["median_seconds"])
            total = doc["totals"][variant][n]
            ax.bar(xs, ys, width, color=f"C{list(ENGINES).index(n)}", label=f"{ENGINES[n]} ({total['seconds']:.1f} s, "
                                          f"{total['answered']}/{total['of']} q)")
        ax.set_xticks([j + 0.4 - width / 2 for j in range(len(numbers))])
        ax.set_xticklabels([f"Q{n}" for n in numbers])
        if any(r.get("status") == "ok" for q in queries.values() for r in q["engines"].values()):
            ax.set_yscale("log")
        ax.set_ylabel("median seconds (log)")
        ax.set_title(f"TPC-H SF{doc['options']['scale']:g}, {variant.upper()} "
                     f"({doc['machine']['cpus']} CPUs); missing bar: failed or wrong answer")
        ax.legend(fontsize=8, ncol=3)
    fig.tight_layout()
    fig.savefig(path, dpi=100)


# --------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scale", type=float, default=1.0, help="TPC-H scale factor (1; 10 works)")
    ap.add_argument("--engines", default=",".join(n for n in ENGINES if n != "ember-b"),
                    help=f"comma-separated subset of {','.join(ENGINES)} (default all but ember-b)")
    ap.add_argument("--variants", default="sql,df", help="sql, df or both (default)")
    ap.add_argument("--queries", default="1-22", help="e.g. 1-22 or 1,3,6")
    ap.add_argument("--runs", type=int, default=3,
                    help="timed runs after the warm-up (3); 0: the checked run is the timed one")
    ap.add_argument("--timeout", type=float, default=600, help="seconds per query run (600)")
    ap.add_argument("--engine-timeout", action="append", default=[], metavar="ENGINE=SECONDS",
                    help="an engine's own --timeout, e.g. spark=120 (repeatable)")
    ap.add_argument("--engine-variants", action="append", default=[], metavar="ENGINE=VARIANTS",
                    help="the forms an engine runs, e.g. spark=sql or spark=sql+df (repeatable; default --variants)")
    ap.add_argument("--start-timeout", type=float, default=300)
    ap.add_argument("--memory-limit", help="e.g. 2g: Ember's --memory-limit, DuckDB's "
                    "memory_limit and DataFusion's fair spill pool")
    ap.add_argument("--ember-conf", action="append", default=[], metavar="KEY=VALUE",
                    help="a --conf setting for Ember's server (repeatable)")
    ap.add_argument("--ember-b-conf", action="append", default=[], metavar="KEY=VALUE",
                    help="a --conf setting for the server of engine ember-b (repeatable)")
    ap.add_argument("--ember-b-bin", type=Path,
                    help="the binary of engine ember-b (default: --ember-bin)")
    ap.add_argument("--ember-tables", choices=["parquet", "client"], default="parquet",
                    help="how Ember gets the tables: spark.read.parquet (default), or 'client': "
                    "read by pyarrow in the client and sent with createDataFrame (for an Ember "
                    "that cannot read Parquet; its times then leave out the scan)")
    ap.add_argument("--ember-bin", type=Path, default=Path(os.environ.get(
        "EMBER_BIN", Path.home() / ".cache/ember/target/release/ember")))
    ap.add_argument("--out", type=Path, default=HERE / "results")
    ap.add_argument("--worker", choices=list(ENGINES), help=argparse.SUPPRESS)
    ap.add_argument("--data", help=argparse.SUPPRESS)
    ap.add_argument("--url", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker_main(args)
        return 0

    names = [e.strip() for e in args.engines.split(",") if e.strip()]
    if unknown := [e for e in names if e not in ENGINES]:
        ap.error(f"unknown engines: {unknown}")
    for name, binary in (("ember", args.ember_bin), ("ember-b", args.ember_b_bin or args.ember_bin)):
        if name in names and not os.access(binary, os.X_OK):
            ap.error(f"{binary} is not an executable (build it with "
                     "`cargo build --release -p ember-cli`)")
    variants = [v for v in ("sql", "df") if v in args.variants.split(",")]
    args.engine_timeouts = {name: float(seconds) for name, seconds in map(_engine_setting, args.engine_timeout)}
    engine_variants = {name: forms.split("+") for name, forms in map(_engine_setting, args.engine_variants)}

    def runs_variant(name: str, variant: str) -> bool:
        return (variant == "sql" or name in PYSPARK_ENGINES) and variant in engine_variants.get(name, variants)
    numbers = parse_queries(args.queries)
    args.data = tpch_data.generate(args.scale)

    workdir = Path(tempfile.mkdtemp(prefix="ember-tpch-"))
    engines = [Engine(n, args, workdir) for n in names]
    sampler = MemorySampler(engines)
    sampler.start()
    started = dt.datetime.now(dt.timezone.utc)
    doc = {"benchmark": "tpch", "started_utc": started.isoformat(),
           "options": {"scale": args.scale, "engines": names, "variants": variants,
                       "runs": args.runs, "queries": numbers, "memory_limit": args.memory_limit,
                       "timeout": args.timeout, "engine_timeouts": args.engine_timeouts,
                       "engine_variants": engine_variants,
                       "ember_conf": args.ember_conf, "ember_b_conf": args.ember_b_conf,
                       "ember_b_bin": str(args.ember_b_bin or args.ember_bin),
                       "ember_tables": args.ember_tables,
                       "ember_bin": str(args.ember_bin), "spark_conf": SPARK_CONF},
           "machine": startup.machine_info(), "results": {v: {} for v in variants}}
    try:
        for engine in engines:
            print(f"starting {ENGINES[engine.name]} ...", end=" ", flush=True)
            try:
                engine.start()
                print(f"{engine.startup_seconds:.2f} s" + (f"; {engine.broken}" if engine.broken else ""))
            except Exception as e:
                engine.broken = f"did not start: {first_line(e)}"
                print(engine.broken)
        for number in numbers:
            reference_rows = None
            for variant in variants:
                runnable = [e for e in engines if runs_variant(e.name, variant)]
                result, reference_rows = run_query(runnable, number, variant, args.runs,
                                                   reference_rows)
                doc["results"][variant][number] = result
                print(f"Q{number} {variant}: " + ", ".join(
                    f"{ENGINES[n]} " + (f"{r['median_seconds']:.3f}s" if r["status"] == "ok"
                                        else r["status"].upper())
                    for n, r in result["engines"].items()), flush=True)
    except KeyboardInterrupt:
        doc["interrupted"] = True
    finally:
        sampler.stop()
        for engine in engines:
            engine.stop()
    doc["totals"] = {v: totals(doc["results"][v], [e.name for e in engines if runs_variant(e.name, v)])
                     for v in variants}
    doc["engines"] = {e.name: {"startup_seconds": e.startup_seconds, "version": e.version,
                               "peak_rss_mb": e.peak_rss_kb / 1024, "broken": e.broken}
                      for e in engines}
    doc["targets"] = TARGETS
    print_report(doc)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"tpch-sf{args.scale:g}-{started.strftime('%Y%m%dT%H%M%SZ')}"
    (args.out / f"{stem}.json").write_text(json.dumps(doc, indent=1) + "\n")
    plot(doc, args.out / f"{stem}.png")
    print(f"\nwrote {args.out / stem}.json and .png")
    shutil.rmtree(workdir, ignore_errors=True)
    return 130 if doc.get("interrupted") else 0


def _engine_setting(text: str) -> tuple[str, str]:
    """``spark=120`` -> ("spark", "120"), for a known engine."""
    name, _, value = text.partition("=")
    if name not in ENGINES or not value:
        raise SystemExit(f"expected ENGINE=VALUE with an engine of {','.join(ENGINES)}: {text!r}")
    return name, value


def parse_queries(text: str) -> list[int]:
    """``1-22`` or ``1,3,6`` -> query numbers."""
    numbers: list[int] = []
    for part in text.split(","):
        low, _, high = part.partition("-")
        numbers += list(range(int(low), int(high or low) + 1))
    if bad := [n for n in numbers if n not in tpch_queries.QUERY_NUMBERS]:
        raise SystemExit(f"no TPC-H query {bad}")
    return numbers


if __name__ == "__main__":
    sys.exit(main())
