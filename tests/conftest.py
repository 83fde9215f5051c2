"""Shared fixtures for Ember's PySpark compatibility suite.

The suite drives a Spark Connect server with the unchanged PySpark client:

* By default it starts the Ember binary
  (``$EMBER_BIN`` or ``${CARGO_TARGET_DIR:-~/.cache/ember/target}/debug/ember``)
  on a free port and stops it at the end of the session.
* With ``EMBER_TEST_REMOTE=sc://host:port`` it uses that server instead; this
  is how the golden files are recorded from a real Apache Spark server
  (see ``tools/record_goldens.sh``).

Golden files live in ``tests/golden/<module>/<test>.json``. With
``EMBER_RECORD_GOLDEN=1`` tests write them; otherwise they compare against
them exactly, and a missing golden is a failure.

``EMBER_CLIENT`` names the PySpark client line under test (``4.3`` or
``4.0``); it defaults to the installed pyspark's major.minor. Where an older
client renders a value differently, its value is recorded as a per-client
override inside the same golden file (``"clients": {"4.0": {...}}``).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Dict, Optional

# Collected rows of TIMESTAMP columns are converted to the Python process's
# local time zone: pin it so results do not depend on the machine.
os.environ["TZ"] = "UTC"
time.tzset()

import pyspark  # noqa: E402
import pytest  # noqa: E402

TESTS_DIR = Path(__file__).resolve().parent
GOLDEN_DIR = TESTS_DIR / "golden"
BASE_CLIENT = "4.3"  # the client whose values are the golden files' base

RECORD = os.environ.get("EMBER_RECORD_GOLDEN", "") not in ("", "0")
REMOTE = os.environ.get("EMBER_TEST_REMOTE") or None


def _client_line() -> str:
    installed = ".".join(pyspark.__version__.split(".")[:2])
    declared = os.environ.get("EMBER_CLIENT")
    if declared and declared != installed:
        raise pytest.UsageError(
            f"EMBER_CLIENT={declared} but the installed pyspark is {pyspark.__version__}"
        )
    return installed


CLIENT = _client_line()


def pytest_report_header(config):
    target = REMOTE or "ember binary"
    mode = "record" if RECORD else "compare"
    return f"ember: client pyspark {pyspark.__version__} ({CLIENT}), server {target}, goldens: {mode}"


@contextlib.contextmanager
def conf(spark, key, value):
    """Sets a session config for the duration of a block."""
    spark.conf.set(key, value)
    try:
        yield
    finally:
        spark.conf.unset(key)


# --------------------------------------------------------------------------
# The server under test
# --------------------------------------------------------------------------

READY_RE = re.compile(r"^Ember \S+ serving (sc://\S+)\s*$")


def ember_binary() -> Path:
    if os.environ.get("EMBER_BIN"):
        return Path(os.environ["EMBER_BIN"])
    target = os.environ.get("CARGO_TARGET_DIR") or str(Path.home() / ".cache/ember/target")
    return Path(target) / "debug" / "ember"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EmberProcess:
    """An `ember server` child process, started and waited for readiness."""

    def __init__(self, binary: Path, extra_args=(), env=None, ready_timeout: float = 120.0):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(
            prefix="ember-server-", suffix=".log", delete=False
        )
        self.proc = subprocess.Popen(
            [str(binary), "server", "--host", "127.0.0.1", "--port", str(self.port), *extra_args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            env=env,
        )
        self.stdout_lines: list = []
        self.url: Optional[str] = None
        ready = threading.Event()

        def pump():
            # Keep draining stdout so the server never blocks on a full pipe.
            for line in self.proc.stdout:
                self.stdout_lines.append(line)
                m = READY_RE.match(line)
                if m and self.url is None:
                    self.url = m.group(1)
                    ready.set()
            ready.set()

        self._pump = threading.Thread(target=pump, daemon=True)
        self._pump.start()
        ready.wait(ready_timeout)
        if self.url is None:
            self.terminate()
            raise RuntimeError(
                f"ember server did not print its ready line within {ready_timeout}s "
                f"(exit code {self.proc.poll()}).\nstdout:\n{''.join(self.stdout_lines)}"
                f"\nstderr ({self.log.name}):\n{self.stderr_tail()}"
            )

    def stderr_tail(self, n: int = 4000) -> str:
        try:
            return Path(self.log.name).read_text(errors="replace")[-n:]
        except OSError:
            return ""

    def terminate(self, timeout: float = 15.0) -> Optional[int]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._pump.join(5)
        if self.proc.returncode == 0:  # keep the log only when something went wrong
            Path(self.log.name).unlink(missing_ok=True)
        return self.proc.returncode


def warehouse_args(folder) -> list:
    """`ember server` arguments that put its warehouse in `folder`."""
    return ["--conf", f"spark.sql.warehouse.dir={folder}"]


@pytest.fixture(scope="session")
def remote_url():
    """The sc:// URL of the server under test."""
    if REMOTE:
        yield REMOTE
        return
    binary = ember_binary()
    if not binary.exists():
        pytest.exit(f"Ember binary not found at {binary}; run dev/setup first", returncode=3)
    # Tables the tests create go to a warehouse of their own, removed afterwards.
    warehouse = tempfile.mkdtemp(prefix="ember-warehouse-")
    server = EmberProcess(binary, extra_args=warehouse_args(warehouse))
    try:
        yield server.url
    finally:
        code = server.terminate()
        shutil.rmtree(warehouse, ignore_errors=True)
        if code not in (0, -signal.SIGTERM):
            sys.stderr.write(
                f"\nember server exited with code {code}; stderr:\n{server.stderr_tail()}\n"
            )


def new_session(url: str):
    """A brand-new Spark Connect session (own session id) in UTC.

    It becomes the client's default session: end it with .stop(), which also
    clears that, so later getOrCreate() calls do not pick up a closed session.
    """
    from pyspark.sql import SparkSession

    return (
        SparkSession.builder.remote(url)
        .config("spark.sql.session.timeZone", "UTC")
        .create()
    )


@pytest.fixture(scope="session")
def spark(remote_url):
    """The shared session. Tests that change its conf must restore it."""
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.remote(remote_url)
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.conf.set("spark.sql.session.timeZone", "UTC")
    yield session
    # Release it while the server is still up: at interpreter exit the client
    # would otherwise retry releasing it against a stopped server.
    session.stop()


@pytest.fixture(autouse=True)
def _release_pool_alive():
    """Works around a race in the PySpark 4.0 client: stopping any session shuts
    down the release pool that all sessions share, and a result stream garbage
    collected meanwhile can leave it shut down but still installed, so that every
    later query fails with "cannot schedule new futures after shutdown"."""
    import gc

    from pyspark.sql.connect.client.reattach import ExecutePlanResponseReattachableIterator as It

    if CLIENT != "4.0":
        yield
        return
    gc.collect()  # finalize stopped sessions' clients now, not during the test
    pool = getattr(It, "_release_thread_pool_instance", None)
    if pool is not None and getattr(pool, "_shutdown", False):
        It._release_thread_pool_instance = None
    yield


@pytest.fixture
def fresh_spark(remote_url):
    """A separate session for tests that need isolation; released afterwards."""
    session = new_session(remote_url)
    yield session
    session.stop()


# --------------------------------------------------------------------------
# Goldens
# --------------------------------------------------------------------------


def _canonical(value: Any) -> str:
    """Exact, type-preserving text of a JSON-able value (1, 1.0 and True differ)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=True)


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so recorded and computed values look alike."""
    return json.loads(_canonical(value))


def _lines(text: str) -> list:
    return text.split("\n")


def _sort_table_body(show: str) -> str:
    """Sort the data lines of a non-vertical show() table (for unordered results)."""
    lines = show.split("\n")
    seps = [i for i, line in enumerate(lines) if line.startswith("+")]
    if len(seps) < 3:
        return show
    start, end = seps[1] + 1, seps[2]
    lines[start:end] = sorted(lines[start:end])
    return "\n".join(lines)


def row_repr(row) -> str:
    """repr of a collected Row: shows values with their Python types."""
    return repr(row)


def describe_error(exc: BaseException) -> Dict[str, Any]:
    def call(name):
        fn = getattr(exc, name, None)
        return fn() if callable(fn) else None

    return {
        "class": type(exc).__name__,
        "condition": call("getCondition"),
        "sqlState": call("getSqlState"),
        "messageParameters": call("getMessageParameters"),
    }


def sql_outcome(spark, sql: str) -> Dict[str, Any]:
    """What a SQL query gives: its schema and rows, or its error described."""
    try:
        df = spark.sql(sql)
        return {"schema": df.schema.simpleString(), "rows": [repr(r) for r in df.collect()]}
    except Exception as exc:  # noqa: BLE001 - the error is the outcome
        return describe_error(exc)


def check_sql_outcomes(spark, golden, queries) -> None:
    """Records what each query gives (schema and rows, or its error) as `q0`, `q1`, …"""
    for i, sql in enumerate(queries):
        golden.check(f"q{i}", {"sql": sql, **sql_outcome(spark, sql)})


class Golden:
    def __init__(self, path: Path, nodeid: str):
        self.path = path
        self.nodeid = nodeid
        self.recorded: Dict[str, Any] = {}  # name -> value, this run
        self.used: set = set()
        self._counters: Dict[str, int] = {}
        self._data: Optional[Dict[str, Any]] = None
        if path.exists():
            self._data = json.loads(path.read_text())

    # -- naming ----------------------------------------------------------
    def _name(self, kind: str, name: Optional[str]) -> str:
        if name is None:
            n = self._counters.get(kind, 0) + 1
            self._counters[kind] = n
            name = kind if n == 1 else f"{kind}_{n}"
        if name in self.recorded or name in self.used:
            raise AssertionError(f"golden check name {name!r} used twice in {self.nodeid}")
        return name

    # -- core ------------------------------------------------------------
    def check(self, name: str, value: Any) -> Any:
        """Record or compare one JSON-able value under `name`."""
        return self._put(self._name("value", name), value)

    def _put(self, name: str, value: Any) -> Any:
        value = _jsonable(value)
        if RECORD:
            self.recorded[name] = value
            return value
        self.used.add(name)
        if self._data is None:
            pytest.fail(
                f"no golden file {self.path.relative_to(TESTS_DIR.parent)}; "
                "record it with tools/record_goldens.sh",
                pytrace=False,
            )
        checks = self._data.get("checks", {})
        overrides = self._data.get("clients", {}).get(CLIENT, {})
        if name in overrides:
            expected = overrides[name]
        elif name in checks:
            expected = checks[name]
        else:
            pytest.fail(
                f"golden {self.path.name} has no check {name!r}; "
                "record it with tools/record_goldens.sh",
                pytrace=False,
            )
        if _canonical(value) != _canonical(expected):
            # Pretty text of both so pytest shows a readable diff.
            got = json.dumps(value, indent=1, sort_keys=True, ensure_ascii=False)
            want = json.dumps(expected, indent=1, sort_keys=True, ensure_ascii=False)
            assert got == want, (
                f"golden mismatch for {name!r} in {self.path.name} (+ actual, - golden)"
            )
            raise AssertionError(f"golden mismatch for {name!r}: {got} != {want}")
        return value

    # -- helpers ---------------------------------------------------------
    def check_df(self, df, name: Optional[str] = None, ordered: bool = True,
                 show: bool = True) -> list:
        """Schema, collected rows (repr of each Row) and show() text of `df`.

        ordered=False sorts rows (and the show() body) for results whose order
        Spark does not define. Returns the collected rows.
        """
        name = self._name("df", name)
        rows = df.collect()
        reprs = [row_repr(r) for r in rows]
        value: Dict[str, Any] = {
            "schema": json.loads(df.schema.json()),
            "rows": reprs if ordered else sorted(reprs),
        }
        if show:
            text = df._show_string(20, 20, False)
            value["show"] = _lines(text if ordered else _sort_table_body(text))
        self._put(name, value)
        return rows

    def check_rows(self, rows, name: Optional[str] = None, ordered: bool = True) -> None:
        """Already collected rows (e.g. from head/tail/take)."""
        name = self._name("rows", name)
        reprs = [row_repr(r) for r in rows]
        self._put(name, reprs if ordered else sorted(reprs))

    def check_pandas(self, pdf, name: Optional[str] = None) -> None:
        """Columns, dtypes and repr of every cell of a pandas DataFrame."""
        name = self._name("pandas", name)
        value = {
            "columns": [str(c) for c in pdf.columns],
            "dtypes": [str(t) for t in pdf.dtypes],
            "values": [[repr(v) for v in row] for row in pdf.itertuples(index=False, name=None)],
        }
        self._put(name, value)

    def check_show(self, text: str, name: Optional[str] = None) -> None:
        name = self._name("show", name)
        self._put(name, _lines(text))

    def check_error(self, fn: Callable[[], Any], name: Optional[str] = None) -> BaseException:
        """Run fn, which must raise; record class, condition, SQLSTATE, parameters."""
        name = self._name("error", name)
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - any client error is recorded
            self._put(name, describe_error(exc))
            return exc
        pytest.fail(f"expected an error for {name!r}, got {result!r}", pytrace=False)

    # -- record mode -----------------------------------------------------
    def save(self) -> None:
        if CLIENT == BASE_CLIENT:
            data = {"test": self.nodeid, "checks": self.recorded}
            old = self._data or {}
            clients = {k: v for k, v in old.get("clients", {}).items() if v}
            if clients:
                data["clients"] = clients
        else:
            if self._data is None:
                raise AssertionError(
                    f"record {self.path.name} with the {BASE_CLIENT} client first"
                )
            data = dict(self._data)
            base = data.get("checks", {})
            missing = sorted(set(base) - set(self.recorded))
            if missing:
                raise AssertionError(
                    f"{CLIENT} client did not produce checks {missing} that the "
                    f"{BASE_CLIENT} client recorded"
                )
            diff = {
                k: v for k, v in self.recorded.items()
                if k not in base or _canonical(base[k]) != _canonical(v)
            }
            clients = dict(data.get("clients", {}))
            if diff:
                clients[CLIENT] = diff
            else:
                clients.pop(CLIENT, None)
            if clients:
                data["clients"] = clients
            else:
                data.pop("clients", None)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(
            json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        )

    def unused(self) -> list:
        if self._data is None:
            return []
        names = set(self._data.get("checks", {}))
        names |= set(self._data.get("clients", {}).get(CLIENT, {}))
        return sorted(names - self.used)


def _golden_path(node) -> Path:
    module = Path(node.fspath).stem
    test = re.sub(r"[^\w.-]+", "_", _golden_name(node)).strip("_")
    return GOLDEN_DIR / module / f"{test}.json"


def _golden_name(node) -> str:
    """The test's name without the ids of parameters its module lists in
    GOLDEN_SHARED_PARAMS (parameters that do not change Spark's answers, such
    as which object store holds the data): such tests share one golden."""
    shared = getattr(getattr(node, "module", None), "GOLDEN_SHARED_PARAMS", ())
    callspec = getattr(node, "callspec", None)
    if not shared or callspec is None or "[" not in node.name:
        return node.name
    base, ids = node.name[:-1].split("[", 1)
    dropped = {str(callspec.params[p]) for p in shared if p in callspec.params}
    kept = [i for i in ids.split("-") if i not in dropped]
    return f"{base}[{'-'.join(kept)}]" if kept else base


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def golden(request):
    g = Golden(_golden_path(request.node), request.node.nodeid)
    yield g
    rep = getattr(request.node, "rep_call", None)
    passed = rep is not None and rep.passed
    if RECORD:
        if passed:
            g.save()
    elif passed:
        unused = g.unused()
        if unused:
            pytest.fail(
                f"golden {g.path.name} has checks this test no longer makes: {unused}; "
                "re-record with tools/record_goldens.sh",
                pytrace=False,
            )


# --------------------------------------------------------------------------
# Small conveniences shared by test modules
# --------------------------------------------------------------------------


def requires_client(minimum: str):
    """Skip a test on client lines older than `minimum` (e.g. "4.1")."""
    have = tuple(int(x) for x in CLIENT.split("."))
    need = tuple(int(x) for x in minimum.split("."))
    return pytest.mark.skipif(have < need, reason=f"needs pyspark >= {minimum}")


# --------------------------------------------------------------------------
# Known gaps: listed tests are strict xfails, so a fix must also delist them.
# --------------------------------------------------------------------------

KNOWN_FAILURES = {
    line.strip()
    for line in (TESTS_DIR / "known_failures.txt").read_text().splitlines()
    if line.strip() and not line.startswith("#")
}


def pytest_collection_modifyitems(config, items):
    if REMOTE:
        return
    for item in items:
        nodeid = item.nodeid.split("tests/", 1)[-1]
        if nodeid in KNOWN_FAILURES:
            item.add_marker(pytest.mark.xfail(strict=True, reason="known gap, see tests/known_failures.txt"))
