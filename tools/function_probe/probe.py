#!/usr/bin/env python
"""Differential probe: call every SQL function Spark knows, with many argument
types, on two Spark Connect servers and report where they differ.

    probe.py plan ORACLE_PORT plan.json          # function list + call list, from the oracle
    probe.py run  PORT plan.json out.jsonl       # one process per server, run them in parallel
    probe.py compare spark.jsonl ember.jsonl report.json

See README.md in this folder. Use the pinned client: ~/.cache/ember/venv/bin/python.
"""
import collections
import datetime
import decimal
import json
import logging
import math
import os
import sys
import time

logging.disable(logging.CRITICAL)  # pyspark logs every server error (with a JVM trace) to stderr

# --------------------------------------------------------------------------
# Function list

# Operators and keywords that SHOW FUNCTIONS lists but that are not callable
# as name(args).
OPERATORS = {
    "!", "!=", "%", "&", "*", "+", "-", "/", "<", "<<", "<=", "<=>", "<>", "=", "==",
    ">", ">=", ">>", ">>>", "^", "|", "||", "~",
    "and", "or", "not", "between", "case", "in", "like", "ilike", "rlike", "regexp",
    "when", "cast", "extract",
}
# like/ilike/rlike/regexp are also callable as name(args); cast(x AS t) and
# extract(f FROM x) need their keyword syntax, so they stay out.
CALLABLE_ANYWAY = {"like", "ilike", "rlike", "regexp"}
# Nondeterministic, clock- or session-dependent functions: their values differ
# from run to run or between servers by design, or they have side effects.
NONDETERMINISTIC = {
    "rand", "randn", "random", "uuid", "shuffle", "randstr", "uniform",
    "now", "current_timestamp", "current_date", "curdate", "localtimestamp",
    "current_time", "localtime",
    "monotonically_increasing_id", "spark_partition_id",
    "input_file_name", "input_file_block_start", "input_file_block_length",
    "reflect", "java_method", "try_reflect",            # call into the JVM
    "raise_error", "assert_true",                       # always/conditionally raise
    "session_user", "user", "current_user", "current_catalog",
    "version",                                          # the engine's own version string
    "python_worker_logs",
}
EXCLUDED = (OPERATORS - CALLABLE_ANYWAY) | NONDETERMINISTIC

# Generators may produce several columns (posexplode, inline, stack, json_tuple,
# explode of a map), so they are called without the `AS r` alias.
GENERATORS = {
    "explode", "explode_outer", "posexplode", "posexplode_outer", "inline",
    "inline_outer", "stack", "json_tuple", "variant_explode", "variant_explode_outer",
}

# --------------------------------------------------------------------------
# Argument values

# One literal per type (plus a few strings with a meaning: a date, a number,
# JSON), used for every 1-argument call.
VALUES = [
    ("null", "NULL"),
    ("int", "1"),
    ("int_neg", "-1"),
    ("bigint", "2L"),
    ("tinyint", "CAST(3 AS TINYINT)"),
    ("smallint", "CAST(4 AS SMALLINT)"),
    ("double", "1.5D"),
    ("float", "CAST(1.5 AS FLOAT)"),
    ("decimal", "1.50BD"),
    ("string", "'abc'"),
    ("string_date", "'2020-01-01'"),
    ("string_num", "'12'"),
    ("string_json", "'{\"a\":1}'"),
    ("binary", "X'0102'"),
    ("boolean", "true"),
    ("date", "DATE'2020-01-01'"),
    ("timestamp", "TIMESTAMP'2020-01-01 01:02:03'"),
    ("timestamp_ntz", "TIMESTAMP_NTZ'2020-01-01 01:02:03'"),
    ("interval_day", "INTERVAL '1' DAY"),
    ("interval_year", "INTERVAL '1' YEAR"),
    ("array_int", "array(1, 2)"),
    ("array_string", "array('a')"),
    ("map", "map('k', 1)"),
    ("struct", "named_struct('a', 1)"),
]
# Not used: TIME'01:02:03' (Spark 4.3 rejects the type unless
# spark.sql.timeType.enabled), VARIANT (only through parse_json).
V = dict(VALUES)
# The smaller set each position of a 2- or 3-argument call is varied over.
VARY2 = ["null", "int", "double", "decimal", "string", "binary", "boolean", "date",
         "timestamp", "array_int", "map"]
VARY3 = ["null", "int", "double", "string", "binary", "date", "timestamp", "array_int"]
# Fallback values of the other positions when the oracle accepts no candidate tuple.
DEFAULTS = ["int", "string", "double"]
# Building blocks of the candidate tuples tried (on the oracle, analysis only)
# to find one valid "base" call per function and arity; includes lambdas for
# the higher-order functions.
LAMBDA1 = "x -> x"
LAMBDA2 = "(x, y) -> x"
BLOCKS = ["'abc'", "1", "1.5D", "DATE'2020-01-01'", "TIMESTAMP'2020-01-01 01:02:03'",
          "array(1, 2)", "map('k', 1)", "X'0102'", "true", "2L", "1.50BD",
          "INTERVAL '1' DAY", "named_struct('a', 1)", "'2020-01-01'", "'{\"a\":1}'",
          "'a INT'", "'yyyy-MM-dd'", "array('a')", "NULL"]
LAMBDAS = [LAMBDA1, LAMBDA2]
MAX_BASE_TRIES = {2: 400, 3: 200}
# Oracle errors (for the all-NULL call of an arity) that mean "Spark rejects this
# number of arguments": only two calls are made at such an arity.
ARITY_REJECTED = ("WRONG_NUM_ARGS", "REQUIRED_PARAMETER_NOT_FOUND")
# Oracle errors that do not depend on the argument types (table-valued or
# window-only functions, TIME functions with the TIME type disabled, Avro not
# loaded, WITHIN GROUP / GROUPING SETS required): also only a few calls.
TYPE_INDEPENDENT = {"NOT_A_SCALAR_FUNCTION", "WINDOW_FUNCTION_WITHOUT_OVER_CLAUSE",
                    "UNSUPPORTED_TIME_TYPE", "AVRO_NOT_LOADED_SQL_FUNCTIONS_UNUSABLE",
                    "INVALID_WITHIN_GROUP_EXPRESSION.WITHIN_GROUP_MISSING",
                    "UNSUPPORTED_GROUPING_EXPRESSION"}


def call_sql(fn, args):
    body = "%s(%s)" % (fn, ", ".join(args))
    return "SELECT %s" % body if fn in GENERATORS else "SELECT %s AS r" % body


# --------------------------------------------------------------------------
# Sessions and outcomes

def connect(port, fresh=False):
    from pyspark.sql import SparkSession
    url = port if str(port).startswith("sc://") else "sc://localhost:%s" % port
    b = SparkSession.builder.remote(url)
    s = b.create() if fresh else b.getOrCreate()
    s.conf.set("spark.sql.session.timeZone", "UTC")
    return s


def norm(v):
    """A JSON-able, comparable form of a collected value."""
    from pyspark.sql import Row
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else {"__f__": repr(v)}
    if isinstance(v, Row):
        return {"__row__": [norm(x) for x in v]}
    if isinstance(v, (list, tuple)):
        return [norm(x) for x in v]
    if isinstance(v, dict):
        return {"__map__": [[norm(k), norm(x)] for k, x in v.items()]}
    if isinstance(v, (bytes, bytearray, memoryview)):
        return {"__bin__": bytes(v).hex()}
    if isinstance(v, decimal.Decimal):
        return {"__dec__": str(v)}
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)):
        return {"__dt__": v.isoformat()}
    if isinstance(v, datetime.timedelta):
        return {"__td__": str(v)}
    return {"__obj__": "%s:%s" % (type(v).__name__, v)}


def cond_of(e):
    for m in ("getCondition", "getErrorClass"):
        f = getattr(e, m, None)
        if f:
            try:
                c = f()
                if c:
                    return c
            except Exception:
                pass
    return None


def error_outcome(e):
    params = None
    f = getattr(e, "getMessageParameters", None)
    if f:
        try:
            params = f()
        except Exception:
            params = None
    msg = str(e).strip().splitlines()
    return {"ok": False, "cls": type(e).__name__, "condition": cond_of(e),
            "params": {str(k): str(x) for k, x in (params or {}).items()},
            "msg": (msg[0] if msg else "")[:600]}


# Client-side conversion errors: the server answered, the client cannot turn the
# type into Python (year-month / calendar intervals). Rows are then fetched cast
# to STRING.
CLIENT_CONVERSION = {"NOT_IMPLEMENTED", "UNSUPPORTED_DATA_TYPE_FOR_ARROW_CONVERSION"}


def run_one(spark, sql):
    try:
        df = spark.sql(sql)
        try:
            rows = df.collect()
            via = None
        except Exception as e:
            if cond_of(e) not in CLIENT_CONVERSION or type(e).__name__.startswith(("Analysis", "Spark")):
                raise
            from pyspark.sql import functions as F
            rows = df.select([F.col("`%s`" % c).cast("string") for c in df.columns]).collect()
            via = "cast_to_string"
        schema = df.schema.simpleString()
        out = {"ok": True, "schema": schema, "rows": norm(list(rows)), "repr": repr(rows)[:1000]}
        if via:
            out["rows_via"] = via
        return out
    except Exception as e:  # noqa: BLE001 - everything is an outcome
        return error_outcome(e)


def healthy(spark):
    try:
        return spark.sql("SELECT 1 AS one").collect()[0][0] == 1
    except Exception:
        return False


# Error classes after which the session itself is checked (a structured
# error from the analyser or executor does not break the session).
def suspicious(out):
    return (not out["ok"]) and (out["condition"] is None
                                or "GrpcException" in out["cls"] or "Retries" in out["cls"]
                                or out["condition"] in ("INVALID_HANDLE.SESSION_NOT_FOUND",
                                                        "INVALID_HANDLE.SESSION_CLOSED",
                                                        "INVALID_HANDLE.SESSION_CHANGED"))


class Runner:
    def __init__(self, port):
        self.port = port
        self.spark = connect(port)
        self.reconnects = 0

    def reconnect(self, limit=180):
        t0 = time.time()
        while time.time() - t0 < limit:
            try:
                try:
                    self.spark.stop()
                except Exception:
                    pass
                self.spark = connect(self.port, fresh=True)
                if healthy(self.spark):
                    self.reconnects += 1
                    return True
            except Exception:
                pass
            time.sleep(3)
        return False

    def call(self, sql):
        out = run_one(self.spark, sql)
        if suspicious(out) and not healthy(self.spark):
            first = out
            if not self.reconnect():
                raise SystemExit("server on %s unreachable; rerun to resume" % self.port)
            out = run_one(self.spark, sql)
            out["retried_after"] = {k: first[k] for k in ("cls", "condition", "msg")}
            if suspicious(out) and not healthy(self.spark):
                if not self.reconnect():
                    raise SystemExit("server on %s unreachable; rerun to resume" % self.port)
        return out


# --------------------------------------------------------------------------
# plan

def base_candidates(n):
    """Prioritised candidate argument tuples for the search of a valid call."""
    seen, out = set(), []

    def add(t):
        if t not in seen:
            seen.add(t)
            out.append(t)
    common = ["1", "'abc'"]
    if n == 2:
        for b in BLOCKS:
            add((b, b))
        for b in BLOCKS:
            for c in common:
                add((b, c))
                add((c, b))
        for b in BLOCKS:
            for lam in LAMBDAS:
                add((b, lam))
        for b in BLOCKS:
            for c in BLOCKS:
                add((b, c))
    else:
        for b in BLOCKS:
            add((b, b, b))
        for b in BLOCKS:
            for c in common:
                add((b, c, c))
                add((b, c, "1" if c != "1" else "'abc'"))
                add((c, b, c))
        for b in BLOCKS[:8]:
            add((b, "1", LAMBDA2))
            add((b, "0", LAMBDA2))
            add((b, b, LAMBDA2))
            add((b, b, LAMBDA1))
            for c in common:
                add((b, c, LAMBDA2))
        for b in BLOCKS[:8]:
            for c in BLOCKS[:8]:
                add((b, c, "1"))
                add((b, c, "'abc'"))
    return out


def analyses(spark, sql):
    try:
        spark.sql(sql)  # Spark Connect analyses a SQL query eagerly
        return None
    except Exception as e:
        return error_outcome(e)


def cmd_plan(port, path):
    spark = connect(port)
    names = sorted({r[0] for r in spark.sql("SHOW FUNCTIONS").collect()})
    fns = [f for f in names if f not in EXCLUDED]
    plan = {"oracle": port, "all_functions": names, "excluded": sorted(set(names) & EXCLUDED),
            "functions": {}, "calls": []}
    calls = []
    t0 = time.time()
    for i, fn in enumerate(fns):
        info = {"arity": {}}
        for n in (0, 1, 2, 3):
            err = analyses(spark, call_sql(fn, ["NULL"] * n)) if n else analyses(spark, call_sql(fn, []))
            wrong = bool(err and (err["condition"] or "").startswith(ARITY_REJECTED))
            a = {"accepted": not wrong, "null_probe": None if err is None else err["condition"]}
            if n >= 2 and not wrong and a["null_probe"] not in TYPE_INDEPENDENT:
                a["base"] = None
                for tries, cand in enumerate(base_candidates(n)):
                    if tries >= MAX_BASE_TRIES[n]:
                        break
                    if analyses(spark, call_sql(fn, list(cand))) is None:
                        a["base"] = list(cand)
                        break
            info["arity"][str(n)] = a
        plan["functions"][fn] = info
        for sql, n, note in calls_for(fn, info):
            calls.append({"fn": fn, "arity": n, "sql": sql, "note": note})
        if i % 25 == 0:
            print("plan %d/%d %s (%.0fs, %d calls)" % (i, len(fns), fn, time.time() - t0, len(calls)), flush=True)
    seen, uniq = set(), []
    for c in calls:
        if c["sql"] not in seen:
            seen.add(c["sql"])
            uniq.append(c)
    for i, c in enumerate(uniq):
        c["id"] = i
    plan["calls"] = uniq
    json.dump(plan, open(path, "w"), indent=1)
    print("plan: %d functions (%d excluded), %d calls -> %s" % (len(fns), len(plan["excluded"]), len(uniq), path))


def calls_for(fn, info):
    out = [(call_sql(fn, []), 0, "")]
    for n in (1, 2, 3):
        a = info["arity"][str(n)]
        if not a["accepted"] or a["null_probe"] in TYPE_INDEPENDENT:
            # Spark rejects the arity, or fails whatever the types: an all-NULL
            # call and one or two ordinary ones suffice.
            why = "arity rejected by oracle" if not a["accepted"] else a["null_probe"]
            out.append((call_sql(fn, ["NULL"] * n), n, why))
            out.append((call_sql(fn, [V[d] for d in (DEFAULTS * 2)[:n]]), n, why))
            out.append((call_sql(fn, [V[d] for d in (DEFAULTS[1:] * 3)[:n]]), n, why))
            continue
        if n == 1:
            for label, lit in VALUES:
                out.append((call_sql(fn, [lit]), 1, label))
            continue
        base = a.get("base")
        if base:
            out.append((call_sql(fn, base), n, "base"))
            for pos in range(n):
                for label in (VARY2 if n == 2 else VARY3):
                    args = list(base)
                    args[pos] = V[label]
                    out.append((call_sql(fn, args), n, "base, arg%d=%s" % (pos + 1, label)))
        else:
            for pos in range(n):
                for label in (VARY2 if n == 2 else VARY3):
                    for d in DEFAULTS[:2]:
                        args = [V[d]] * n
                        args[pos] = V[label]
                        out.append((call_sql(fn, args), n, "default %s, arg%d=%s" % (d, pos + 1, label)))
    return out


# --------------------------------------------------------------------------
# run

def cmd_run(port, plan_path, out_path):
    plan = json.load(open(plan_path))
    calls = plan["calls"]
    done = set()
    if os.path.exists(out_path):
        for line in open(out_path):
            try:
                done.add(json.loads(line)["id"])
            except Exception:
                pass
    cur_path = out_path + ".current"
    out = open(out_path, "a")
    # A call that was running when a previous run died (hang or crash) is
    # recorded as such and skipped.
    if os.path.exists(cur_path):
        try:
            cid = int(open(cur_path).read().strip())
            if cid not in done:
                c = calls[cid]
                out.write(json.dumps({"id": cid, "fn": c["fn"], "sql": c["sql"], "outcome": {
                    "ok": False, "cls": "ProbeAborted", "condition": "PROBE_HANG_OR_CRASH", "params": {},
                    "msg": "the previous probe run died or was killed during this call"}}) + "\n")
                out.flush()
                done.add(cid)
        except Exception:
            pass
    runner = Runner(port)
    t0, n = time.time(), 0
    todo = [c for c in calls if c["id"] not in done]
    print("run %s: %d calls, %d already done" % (port, len(todo), len(done)), flush=True)
    for c in todo:
        with open(cur_path, "w") as f:
            f.write(str(c["id"]))
        t = time.time()
        o = runner.call(c["sql"])
        rec = {"id": c["id"], "fn": c["fn"], "sql": c["sql"], "secs": round(time.time() - t, 3), "outcome": o}
        out.write(json.dumps(rec) + "\n")
        out.flush()
        n += 1
        if n % 500 == 0:
            print("run %s: %d/%d (%.0fs, %d reconnects)" % (port, n, len(todo), time.time() - t0, runner.reconnects), flush=True)
    os.remove(cur_path)
    print("run %s: done, %d calls in %.0fs, %d reconnects" % (port, n, time.time() - t0, runner.reconnects))


# --------------------------------------------------------------------------
# compare

def close(a, b):
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    return a == b


def is_internal(o):
    return (not o["ok"]) and "INTERNAL" in (o["condition"] or "").upper()


def classify(s, e):
    """(category, detail)"""
    if s["ok"] and e["ok"]:
        if s["schema"] != e["schema"]:
            return "different_result", {"schema": True, "rows": not close(s["rows"], e["rows"])}
        if not close(s["rows"], e["rows"]):
            return "different_result", {"schema": False, "rows": True}
        return "same", None
    if not e["ok"] and is_internal(e) and not is_internal(s):
        return "internal_error", None
    if not e["ok"] and e["condition"] == "PROBE_HANG_OR_CRASH":
        return "internal_error", {"hang_or_crash": True}
    if s["ok"]:
        return "ember_error_spark_ok", None
    if e["ok"]:
        return "spark_error_ember_ok", None
    if s["condition"] != e["condition"]:
        return "different_condition", None
    if s["params"] != e["params"]:
        keys = sorted(k for k in set(s["params"]) | set(e["params"])
                      if s["params"].get(k) != e["params"].get(k))
        return "different_parameters", {"keys": keys}
    if s["cls"] != e["cls"]:
        return "same", {"exception_class": [s["cls"], e["cls"]]}
    return "same", None


def load(path):
    d = {}
    for line in open(path):
        try:
            r = json.loads(line)
        except Exception:
            continue
        d[r["id"]] = r
    return d


def cmd_compare(spark_path, ember_path, report_path):
    sp, em = load(spark_path), load(ember_path)
    ids = sorted(set(sp) & set(em))
    cats = collections.Counter()
    by_fn = collections.defaultdict(collections.Counter)
    keys = collections.Counter()
    class_only = collections.Counter()
    diffs = []
    for i in ids:
        s, e = sp[i]["outcome"], em[i]["outcome"]
        cat, detail = classify(s, e)
        cats[cat] += 1
        if cat == "same":
            if detail:
                class_only[tuple(detail["exception_class"])] += 1
            continue
        by_fn[cat][sp[i]["fn"]] += 1
        if cat == "different_parameters":
            keys.update(detail["keys"])
        diffs.append({"id": i, "function": sp[i]["fn"], "sql": sp[i]["sql"], "category": cat,
                      "detail": detail, "spark": s, "ember": e})
    report = {"spark": spark_path, "ember": ember_path, "compared": len(ids),
              "only_in_spark_run": len(set(sp) - set(em)), "only_in_ember_run": len(set(em) - set(sp)),
              "counts": dict(cats.most_common()),
              "functions_per_category": {c: dict(v.most_common()) for c, v in by_fn.items()},
              "different_parameters_keys": dict(keys.most_common()),
              "same_but_exception_class_differs": {"%s -> %s" % k: n for k, n in class_only.most_common()},
              "differences": diffs}
    json.dump(report, open(report_path, "w"), indent=1)
    print("compared %d calls (%d only in the Spark run, %d only in the Ember run)"
          % (len(ids), report["only_in_spark_run"], report["only_in_ember_run"]))
    for c, n in cats.most_common():
        print("  %-22s %6d" % (c, n))
    for c, v in sorted(by_fn.items(), key=lambda kv: -sum(kv[1].values())):
        print("\n%s: %d functions; most: %s" % (c, len(v), ", ".join("%s %d" % kv for kv in v.most_common(15))))
    if keys:
        print("\ndifferent_parameters keys: " + ", ".join("%s %d" % kv for kv in keys.most_common(12)))
    if class_only:
        print("same condition+parameters but another exception class (Spark -> Ember): "
              + ", ".join("%s %d" % ("%s -> %s" % k, n) for k, n in class_only.most_common(8)))
    print("\nreport: " + report_path)


def main(argv):
    if len(argv) >= 3 and argv[0] == "plan":
        cmd_plan(argv[1], argv[2])
    elif len(argv) >= 4 and argv[0] == "run":
        cmd_run(argv[1], argv[2], argv[3])
    elif len(argv) >= 4 and argv[0] == "compare":
        cmd_compare(argv[1], argv[2], argv[3])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
