#!/usr/bin/env python3
"""Startup, tiny-query latency and memory: Ember vs. a local Apache Spark Connect server.

For each engine, in interleaved rounds (the order alternates every round), the script

  (a) launches the server process and measures the time until the first answered
      query: it polls the TCP port on 127.0.0.1, then creates a session with
      ``SparkSession.builder.remote(url).getOrCreate()`` and runs
      ``spark.range(1).collect()``, retrying until it answers (bounded);
  (b) after a warm-up, runs ``spark.range(1).collect()`` and
      ``spark.sql("select 1").collect()`` ``--runs`` times each (interleaved) and
      takes the median round trip;
  (c) reads the server's peak resident memory: VmHWM from /proc/<pid>/status,
      summed over the server process and all its live descendants (Spark's
      spark-submit execs into the JVM, so for Spark this is the JVM), and stops it.

It prints a table with Spark/Ember ratios and Ember's targets (ready < 200 ms,
tiny query < 10 ms), and writes the raw figures as JSON under benchmarks/results/.

    $HOME/.cache/ember/venv/bin/python benchmarks/startup.py
    ... --engines ember --runs 50 --ember-bin target/release/ember

Everything listens on loopback only; every process started here is stopped
(SIGTERM to its process group, then SIGKILL) on exit, error or Ctrl-C.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EMBER_BIN = Path(
    os.environ.get("EMBER_BIN", Path.home() / ".cache/ember/target/debug/ember")
)
TARGET_READY_MS = 200.0
TARGET_TINY_MS = 10.0
ENGINES = ("ember", "spark")
LABEL = {"ember": "Ember", "spark": "Apache Spark"}

# --------------------------------------------------------------------------
# process bookkeeping: everything started here is stopped on exit
# --------------------------------------------------------------------------

_children: list[subprocess.Popen] = []


def _stop(proc: subprocess.Popen, grace: float = 15.0) -> None:
    """SIGTERM the process group, wait up to `grace` seconds, then SIGKILL it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
    # the group may outlive its leader (e.g. a forked helper): kill what remains
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass
    if proc in _children:
        _children.remove(proc)


def _stop_all() -> None:
    for proc in list(_children):
        _stop(proc, grace=5.0)


def _on_signal(signum, _frame):
    # turn SIGTERM/SIGHUP into an exception so `finally` blocks run
    raise SystemExit(128 + signum)


atexit.register(_stop_all)
signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGHUP, _on_signal)

# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def proc_status_kb(pid: int, field: str) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return None


def process_tree(root: int) -> list[int]:
    """`root` and all its live descendants (via /proc/<pid>/task/<tid>/children)."""
    seen, todo = [], [root]
    while todo and len(seen) < 10_000:
        pid = todo.pop()
        if pid in seen or not os.path.exists(f"/proc/{pid}"):
            continue
        seen.append(pid)
        try:
            for tid in os.listdir(f"/proc/{pid}/task"):
                try:
                    with open(f"/proc/{pid}/task/{tid}/children") as f:
                        todo.extend(int(c) for c in f.read().split())
                except (FileNotFoundError, ProcessLookupError):
                    pass
        except (FileNotFoundError, ProcessLookupError):
            pass
    return seen


class RssSampler(threading.Thread):
    """Samples the summed VmRSS of a process tree every `interval` seconds (a
    cross-check for VmHWM that also sees short-lived children, e.g. Spark's
    launcher JVM)."""

    def __init__(self, root: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.root, self.interval = root, interval
        self.peak_kb = 0
        self._halt = threading.Event()

    def run(self):
        while not self._halt.is_set():
            total = sum(proc_status_kb(p, "VmRSS") or 0 for p in process_tree(self.root))
            self.peak_kb = max(self.peak_kb, total)
            self._halt.wait(self.interval)

    def stop(self):
        self._halt.set()
        self.join(timeout=2)


def spark_home(python: str) -> str:
    out = subprocess.run(
        [python, "-c", "import pyspark, os; print(os.path.dirname(pyspark.__file__))"],
        check=True, capture_output=True, text=True,
    )
    return out.stdout.strip()


def ms(seconds: float | None) -> float | None:
    return None if seconds is None else seconds * 1000.0


# --------------------------------------------------------------------------
# engines
# --------------------------------------------------------------------------


def launch(engine: str, port: int, args, workdir: Path) -> subprocess.Popen:
    log = open(workdir / f"{engine}-{port}.log", "wb")
    env = dict(os.environ)
    env.pop("SPARK_REMOTE", None)
    env.pop("SPARK_CONNECT_MODE_ENABLED", None)
    if engine == "ember":
        cmd = [str(args.ember_bin), "server", "--host", "127.0.0.1", "--port", str(port)]
    else:
        env.update(
            SPARK_HOME=args.spark_home,
            PYSPARK_PYTHON=sys.executable,
            SPARK_CONNECT_MODE="0",  # as sbin/start-connect-server.sh does
            SPARK_LOCAL_IP="127.0.0.1",
        )
        cmd = [
            os.path.join(args.spark_home, "bin", "spark-submit"),
            "--class", "org.apache.spark.sql.connect.service.SparkConnectServer",
            "--name", "Spark Connect server (ember benchmark)",
            "--master", "local[2]",
            "--conf", f"spark.connect.grpc.binding.port={port}",
            "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
            "--conf", "spark.driver.host=127.0.0.1",
            "--conf", "spark.driver.bindAddress=127.0.0.1",
            "--conf", "spark.ui.enabled=false",
            "--conf", "spark.sql.session.timeZone=UTC",
            "--conf", f"spark.sql.warehouse.dir={workdir / 'spark-warehouse'}",
            "--conf", f"spark.driver.extraJavaOptions=-Dderby.system.home={workdir}",
            "spark-internal",
        ]
    proc = subprocess.Popen(
        cmd, cwd=workdir, env=env, stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT, start_new_session=True,
    )
    log.close()
    _children.append(proc)
    return proc


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def run_round(engine: str, args, workdir: Path) -> dict:
    from pyspark.sql import SparkSession

    port = free_port()
    url = f"sc://127.0.0.1:{port}"
    res: dict = {"engine": engine, "port": port, "errors": []}
    spark = None
    t0 = time.perf_counter()
    proc = launch(engine, port, args, workdir)
    sampler = RssSampler(proc.pid)
    sampler.start()
    try:
        # (a) launch -> port open -> first answered query
        deadline = t0 + args.start_timeout
        while not port_open(port):
            if proc.poll() is not None:
                raise RuntimeError(f"{engine} exited with {proc.returncode} before serving; "
                                   f"see {workdir}/{engine}-{port}.log")
            if time.perf_counter() > deadline:
                raise RuntimeError(f"{engine} did not open port {port} in {args.start_timeout}s")
            time.sleep(0.002)
        res["port_open_ms"] = ms(time.perf_counter() - t0)
        attempts = 0
        while True:
            attempts += 1
            try:
                spark = SparkSession.builder.remote(url).getOrCreate()
                spark.range(1).collect()
                break
            except Exception as e:  # not answering yet: drop the session and retry
                if spark is not None:
                    try:
                        spark.stop()
                    except Exception:
                        pass
                    spark = None
                if time.perf_counter() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"{engine} never answered range(1): {e}") from e
                time.sleep(0.005)
        res["ready_ms"] = ms(time.perf_counter() - t0)
        res["ready_attempts"] = attempts

        # (b) tiny queries: warm-up, then interleaved timed runs
        queries = {
            "range1": lambda: spark.range(1).collect(),
            "select1": lambda: spark.sql("select 1").collect(),
        }
        failed = set()
        for name, q in queries.items():
            for _ in range(args.warmup):
                try:
                    q()
                except Exception as e:
                    failed.add(name)
                    res["errors"].append(f"{name}: {type(e).__name__}: {str(e)[:200]}")
                    break
        samples = {name: [] for name in queries}
        for _ in range(args.runs):
            for name, q in queries.items():
                if name in failed:
                    continue
                try:
                    samples[name].append(timed(q))
                except Exception as e:
                    failed.add(name)
                    res["errors"].append(f"{name}: {type(e).__name__}: {str(e)[:200]}")
        res["tiny"] = {}
        for name, xs in samples.items():
            xs_ms = [x * 1000.0 for x in xs]
            res["tiny"][name] = {
                "runs": len(xs_ms),
                "median_ms": statistics.median(xs_ms) if xs_ms else None,
                "min_ms": min(xs_ms) if xs_ms else None,
                "p90_ms": (statistics.quantiles(xs_ms, n=10)[-1] if len(xs_ms) >= 2
                           else (xs_ms[0] if xs_ms else None)),
                "samples_ms": [round(x, 3) for x in xs_ms],
            }

        # (c) peak resident memory of the server and its live descendants
        tree = process_tree(proc.pid)
        hwm = {pid: proc_status_kb(pid, "VmHWM") or 0 for pid in tree}
        res["vmhwm_kb_by_pid"] = {str(p): kb for p, kb in hwm.items()}
        res["peak_rss_mb"] = sum(hwm.values()) / 1024.0
    finally:
        if spark is not None:
            try:
                spark.stop()
            except Exception:
                pass
        sampler.stop()
        res["sampled_peak_rss_mb"] = sampler.peak_kb / 1024.0
        _stop(proc)
        res["exit_code"] = proc.returncode
    return res


# --------------------------------------------------------------------------
# reporting
# --------------------------------------------------------------------------


def median_of(rounds: list[dict], *path) -> float | None:
    vals = []
    for r in rounds:
        v = r
        for k in path:
            v = v.get(k) if isinstance(v, dict) else None
        if v is not None:
            vals.append(v)
    return statistics.median(vals) if vals else None


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "n/a"
    if unit == "ms":
        return f"{v:,.1f} ms" if v < 100 else f"{v:,.0f} ms"
    return f"{v:,.0f} MB"


def summarize(results: dict[str, list[dict]]) -> list[dict]:
    rows = [
        ("ready (launch -> first range(1) answer)", ("ready_ms",), "ms", TARGET_READY_MS),
        ("  of which port open", ("port_open_ms",), "ms", None),
        ("tiny query: range(1).collect() median", ("tiny", "range1", "median_ms"), "ms",
         TARGET_TINY_MS),
        ("tiny query: sql('select 1').collect() median", ("tiny", "select1", "median_ms"), "ms",
         TARGET_TINY_MS),
        ("peak RSS (VmHWM, incl. children)", ("peak_rss_mb",), "MB", None),
    ]
    out = []
    for label, path, unit, target in rows:
        e = median_of(results.get("ember", []), *path)
        s = median_of(results.get("spark", []), *path)
        ratio = (s / e) if (e and s) else None
        verdict = None
        if target is not None and e is not None:
            verdict = "met" if e < target else "MISSED"
        out.append({"metric": label, "unit": unit, "ember": e, "spark": s,
                    "spark_over_ember": ratio, "ember_target": target, "target": verdict})
    return out


def print_table(summary: list[dict]) -> None:
    hdr = ["metric", "Ember", "Apache Spark", "Spark/Ember", "Ember target"]
    rows = []
    for r in summary:
        tgt = ""
        if r["ember_target"] is not None:
            tgt = f"< {r['ember_target']:.0f} ms: {r['target'] or 'n/a'}"
        ratio = f"{r['spark_over_ember']:,.1f}x" if r["spark_over_ember"] else "n/a"
        rows.append([r["metric"], fmt(r["ember"], r["unit"]), fmt(r["spark"], r["unit"]),
                     ratio, tgt])
    widths = [max(len(x[i]) for x in rows + [hdr]) for i in range(len(hdr))]
    line = lambda cells: "  ".join(  # noqa: E731
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    print(line(hdr))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print(line(r))


def machine_info() -> dict:
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1) if m else ""
    except OSError:
        pass
    return {"cpus": os.cpu_count(), "cpu_model": cpu,
            "mem_total_kb": proc_status_meminfo(), "kernel": platform.release(),
            "python": platform.python_version(), "loadavg_at_start": os.getloadavg()}


def proc_status_meminfo() -> int | None:
    try:
        with open("/proc/meminfo") as f:
            return int(f.readline().split()[1])
    except OSError:
        return None


# --------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--engines", default="ember,spark",
                    help="comma-separated subset of: ember,spark (default: both)")
    ap.add_argument("--runs", type=int, default=30,
                    help="timed runs of each tiny query per round (default 30)")
    ap.add_argument("--warmup", type=int, default=5,
                    help="untimed runs of each tiny query before timing (default 5)")
    ap.add_argument("--rounds", type=int, default=3,
                    help="interleaved start/measure/stop rounds per engine (default 3)")
    ap.add_argument("--ember-bin", type=Path, default=DEFAULT_EMBER_BIN,
                    help=f"ember binary (default {DEFAULT_EMBER_BIN}, or $EMBER_BIN)")
    ap.add_argument("--start-timeout", type=float, default=180.0,
                    help="seconds to wait for a server's first answer (default 180)")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "results",
                    help="directory for the JSON results (default benchmarks/results)")
    args = ap.parse_args()

    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    bad = [e for e in engines if e not in ENGINES]
    if bad or not engines:
        ap.error(f"--engines: unknown {bad}; choose from {','.join(ENGINES)}")
    if not (1 <= args.runs <= 10_000 and 0 <= args.warmup <= 1_000 and 1 <= args.rounds <= 100):
        ap.error("--runs must be 1..10000, --warmup 0..1000, --rounds 1..100")
    if "ember" in engines and not os.access(args.ember_bin, os.X_OK):
        ap.error(f"--ember-bin {args.ember_bin} is not an executable")
    args.ember_bin = args.ember_bin.resolve()
    args.spark_home = spark_home(sys.executable) if "spark" in engines else None

    # Import the client (and what collect() pulls in) before any clock starts,
    # so the first measured engine does not pay Python's import cost.
    import grpc  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow  # noqa: F401
    import pyspark
    from pyspark.sql import SparkSession  # noqa: F401
    import pyspark.sql.connect.session  # noqa: F401

    ember_version = None
    if "ember" in engines:
        v = subprocess.run([str(args.ember_bin), "--version"], capture_output=True, text=True)
        ember_version = v.stdout.strip() or None

    machine = machine_info()
    workdir = Path(tempfile.mkdtemp(prefix="ember-bench-"))
    keep_logs = False
    # at exit (also on SIGTERM): stop servers, then remove the temporary directory
    atexit.register(lambda: keep_logs or (_stop_all(), shutil.rmtree(workdir, ignore_errors=True)))
    results: dict[str, list[dict]] = {e: [] for e in engines}
    started = dt.datetime.now(dt.timezone.utc)
    interrupted = False
    try:
        for rnd in range(args.rounds):
            order = engines if rnd % 2 == 0 else list(reversed(engines))
            for engine in order:
                print(f"[round {rnd + 1}/{args.rounds}] {LABEL[engine]} ...", end=" ", flush=True)
                try:
                    r = run_round(engine, args, workdir)
                except RuntimeError as e:
                    print(f"FAILED: {e}")
                    results[engine].append({"engine": engine, "failed": str(e)})
                    continue
                r["round"] = rnd + 1
                results[engine].append(r)
                t = r.get("tiny", {})
                print(f"ready {fmt(r.get('ready_ms'), 'ms')}, "
                      f"range(1) {fmt(t.get('range1', {}).get('median_ms'), 'ms')}, "
                      f"select 1 {fmt(t.get('select1', {}).get('median_ms'), 'ms')}, "
                      f"peak RSS {fmt(r.get('peak_rss_mb'), 'MB')}"
                      + (f"  [{len(r['errors'])} error(s)]" if r["errors"] else ""))
    except KeyboardInterrupt:
        interrupted = True
        print("\ninterrupted; stopping servers", file=sys.stderr)
    finally:
        _stop_all()

    summary = summarize(results)
    print()
    print(f"medians over {args.rounds} round(s); tiny queries: {args.runs} runs after "
          f"{args.warmup} warm-up, per round; {os.cpu_count()} CPUs")
    print_table(summary)
    for engine in engines:
        errs = sorted({e for r in results[engine] for e in r.get("errors", [])})
        for e in errs:
            print(f"{LABEL[engine]} error: {e}")

    args.out.mkdir(parents=True, exist_ok=True)
    out_file = args.out / f"startup-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    doc = {
        "benchmark": "startup",
        "started_utc": started.isoformat(),
        "interrupted": interrupted,
        "options": {"engines": engines, "runs": args.runs, "warmup": args.warmup,
                    "rounds": args.rounds, "ember_bin": str(args.ember_bin)},
        "versions": {"ember": ember_version, "pyspark": pyspark.__version__},
        "machine": machine,
        "targets": {"ember_ready_ms": TARGET_READY_MS, "ember_tiny_query_ms": TARGET_TINY_MS},
        "summary": summary,
        "rounds": results,
    }
    out_file.write_text(json.dumps(doc, indent=2) + "\n")
    print(f"\nwrote {out_file.relative_to(REPO) if out_file.is_relative_to(REPO) else out_file}")
    if any("failed" in r for rs in results.values() for r in rs):
        keep_logs = True
        print(f"server logs kept in {workdir}")
    return 130 if interrupted else 0


if __name__ == "__main__":
    sys.exit(main())
