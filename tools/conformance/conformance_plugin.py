"""pytest plugin loaded by tools/conformance/run (``-p conformance_plugin``).

* Names every test ``<module>::<Class>::<test>``, the module relative to
  ``pyspark.sql.tests.connect`` (``arrow.test_parity_arrow::ArrowParityTests::test_x``).
* Keeps only test classes defined in the module itself: a module's namespace
  also holds the imported base classes (``ReusedConnectTestCase``), which are
  not tests of that module.
* With ``CONFORMANCE_ONLY=<file>`` (one test id a line) runs only those tests.
* Writes ``CONFORMANCE_COLLECTED`` (every selected id, at collection),
  ``CONFORMANCE_CURRENT`` (the test under way) and appends one JSON line per
  finished test to ``CONFORMANCE_RESULTS``, as it goes, so a module that has
  to be killed still leaves its outcomes behind.
"""

import json
import os

import pytest

PREFIX = "pyspark.sql.tests.connect."
_ids = {}  # nodeid -> conformance id
_state = {}  # nodeid -> {"outcome", "message", "duration"}


def _test_id(item):
    module = getattr(getattr(item, "module", None), "__name__", "") or ""
    if module.startswith(PREFIX):
        module = module[len(PREFIX):]
    cls = getattr(item, "cls", None)
    name = item.name
    return f"{module}::{cls.__name__}::{name}" if cls is not None else f"{module}::{name}"


def _message(report):
    """The first line that says what went wrong, kept short."""
    text = ""
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None and getattr(crash, "message", None):
        text = crash.message
    elif isinstance(report.longrepr, tuple) and len(report.longrepr) == 3:
        text = str(report.longrepr[2])  # skip: (path, line, reason)
    elif report.longrepr is not None:
        text = str(report.longrepr).strip().splitlines()[-1] if str(report.longrepr).strip() else ""
    text = " ".join(text.split())
    return text[:400]


def pytest_collection_modifyitems(session, config, items):
    only = None
    only_file = os.environ.get("CONFORMANCE_ONLY")
    if only_file:
        with open(only_file) as f:
            only = {line.strip() for line in f if line.strip()}
    keep, drop = [], []
    for item in items:
        cls = getattr(item, "cls", None)
        module = getattr(getattr(item, "module", None), "__name__", None)
        if cls is not None and module is not None and cls.__module__ != module:
            drop.append(item)
            continue
        tid = _test_id(item)
        if only is not None and tid not in only:
            drop.append(item)
            continue
        _ids[item.nodeid] = tid
        keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    path = os.environ.get("CONFORMANCE_COLLECTED")
    if path:
        with open(path, "w") as f:
            for item in items:
                f.write(_ids[item.nodeid] + "\n")


def pytest_runtest_logstart(nodeid, location):
    # the test under way, for the harness to blame if the server dies now
    path = os.environ.get("CONFORMANCE_CURRENT")
    if path and nodeid in _ids:
        with open(path, "w") as f:
            f.write(_ids[nodeid])


def pytest_runtest_logreport(report):
    st = _state.setdefault(report.nodeid, {"outcome": None, "message": "", "duration": 0.0})
    st["duration"] += getattr(report, "duration", 0.0) or 0.0
    wasxfail = hasattr(report, "wasxfail")
    if report.when in ("setup", "call"):
        if report.failed:
            st["outcome"], st["message"] = "failed", _message(report)
        elif report.skipped:
            # a skip, or an expected failure that did fail: not a pass
            st["outcome"] = "skipped"
            st["message"] = ("xfail: " + str(report.wasxfail)) if wasxfail else _message(report)
        elif report.when == "call":
            st["outcome"] = "passed"  # includes an unexpected success of an xfail
    elif report.when == "teardown":
        if report.failed and st["outcome"] in (None, "passed"):
            st["outcome"], st["message"] = "failed", "teardown: " + _message(report)
        _finish(report.nodeid)


def _finish(nodeid):
    st = _state.pop(nodeid, None)
    if st is None or nodeid not in _ids:
        return
    path = os.environ.get("CONFORMANCE_RESULTS")
    if not path:
        return
    rec = {
        "id": _ids[nodeid],
        "outcome": st["outcome"] or "failed",
        "message": st["message"],
        "duration": round(st["duration"], 3),
    }
    with open(path, "a") as f:
        f.write(json.dumps(rec) + "\n")
        f.flush()



def pytest_configure(config):
    # Diagnostics only (run --assume-silent-conf; never used for counts or the
    # ratchet): emulate on the client what a server does with
    # ConfigRequest.Set(silent=true) -- ignore the error of a config it will not
    # set -- so that one missing server behaviour does not hide every other.
    if os.environ.get("CONFORMANCE_ASSUME_SILENT_CONF") == "1":
        from pyspark.sql.connect.conf import RuntimeConf

        original = RuntimeConf._set_all

        def _set_all(self, configs, silent):
            if not silent:
                return original(self, configs, silent)
            for key, value in configs.items():
                try:
                    original(self, {key: value}, silent)
                except Exception:
                    pass

        RuntimeConf._set_all = _set_all
