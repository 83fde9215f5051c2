"""For every function of pyspark.sql.functions: find an argument list that
Spark accepts (first of a fixed candidate list) and record schema + rows.
Usage: fsweep.py PORT OUT [PLAN_IN]  (with PLAN_IN: replay Spark's choices)."""
import sys, os, json, inspect, datetime, decimal
from pyspark.sql import SparkSession, functions as F
port, out = sys.argv[1], sys.argv[2]
plan_in = json.load(open(sys.argv[3])) if len(sys.argv) > 3 else None
spark = SparkSession.builder.remote(f"sc://localhost:{port}").getOrCreate()
# The oracle runs with this zone (tools/spark_oracle.sh); Ember defaults to the machine's.
spark.conf.set("spark.sql.session.timeZone", "UTC")
df = spark.createDataFrame(
    [(1, "Spark SQL", 1.5, [1, 2, None], {"a": 1}, datetime.datetime(2024, 1, 2, 3, 4, 5), datetime.date(2024, 2, 29), True, bytearray(b"ab"), decimal.Decimal("1.25"), '{"a": 1}', [[1], [2, 3]], [("x", 1), ("y", 2)]),
     (-3, "a,b", -0.5, [3], {"b": 2}, datetime.datetime(2023, 12, 31, 23, 59, 59), datetime.date(2023, 1, 31), False, bytearray(b""), decimal.Decimal("-2.50"), "[1, 2]", [[None], []], [("z", None)]),
     (None, None, None, None, None, None, None, None, None, None, None, None, None)],
    "i int, s string, d double, a array<int>, m map<string,int>, t timestamp, dt date, b boolean, bin binary, dec decimal(5,2), js string, aa array<array<int>>, es array<struct<k:string,v:int>>",
)
# SWEEP_FILES=<folder>: the same rows read back from parquet there (Arrow
# views for strings and binaries, as every file source gives them).
if os.environ.get("SWEEP_FILES"):
    df.write.mode("overwrite").parquet(os.environ["SWEEP_FILES"])
    df = spark.read.parquet(os.environ["SWEEP_FILES"])
C = F.col
cands = {
    "i": C("i"), "s": C("s"), "d": C("d"), "a": C("a"), "m": C("m"), "t": C("t"), "dt": C("dt"), "b": C("b"), "bin": C("bin"), "dec": C("dec"), "js": C("js"), "aa": C("aa"), "es": C("es"),
}
lists = [["i"], ["d"], ["s"], ["a"], ["m"], ["t"], ["dt"], ["b"], ["bin"], ["dec"], [], ["i", "i"], ["d", "d"], ["s", "s"], ["s", "lit:,"], ["a", "i"], ["a", "a"], ["m", "s"], ["m", "m"], ["t", "s"], ["dt", "i"], ["dt", "dt"], ["t", "t"], ["s", "i"], ["s", "lit:a"], ["i", "lit:2"], ["d", "lit:2"], ["s", "i", "i"], ["s", "s", "s"], ["i", "i", "i"], ["a", "i", "i"], ["js", "lit:$.a"], ["lit:1", "lit:2", "i", "s"],
         # Later candidates for functions that need a literal column ("L:"), a unit or nested arrays.
         ["aa"], ["es"], ["a", "lit:,"], ["i", "L:0"], ["L:YEAR", "t"], ["L:1", "s", "s"], ["t", "lit:Asia/Tokyo"],
         ["L:2024", "L:2", "L:29"], ["dt", "lit:Mon"], ["s", "lit:256"], ["a", "lit:1", "lit:2"], ["lit:HOUR", "i", "t"],
         ["lit:HOUR", "t", "t"], ["s", "L:999"], ["d", "L:0", "L:10", "L:5"], ["t", "lit:1 hour"]]
# Functions no generic candidate fits, with the argument lists to try first.
# "E:" is a SQL expression over the DataFrame's columns.
special = {
    "aes_encrypt": [["s", "L:abcdefghijklmnop", "L:ECB"]],
    "aes_decrypt": [["E:aes_encrypt(s, 'abcdefghijklmnop', 'ECB')", "L:abcdefghijklmnop", "L:ECB"]],
    "try_aes_decrypt": [["E:aes_encrypt(s, 'abcdefghijklmnop', 'ECB')", "L:abcdefghijklmnop", "L:ECB"]],
    "column": [["lit:i"]],
    # Spark's reflect fails on NULL arguments.
    "reflect": [["L:java.lang.Math", "L:abs", "E:-3"]],
    "java_method": [["L:java.lang.Math", "L:abs", "E:-3"]],
    "try_reflect": [["L:java.lang.Integer", "L:parseInt", "s"]],
    "map_from_arrays": [["E:array('x', 'y')", "E:array(i, 2)"]],
    "to_number": [["E:cast(abs(i) as string)", "L:999"]],
    "randstr": [["L:5", "L:42"]],
    "uniform": [["L:0", "L:10", "L:42"]],
    "make_ym_interval": [["i", "L:2"]],
    "try_make_interval": [["i", "L:2"]],
    "histogram_numeric": [["i", "L:3"]],
    "count_min_sketch": [["i", "E:0.5D", "E:0.5D", "L:1"]],
    "window_time": [["E:window(t, '1 hour')"]],
    "time_bucket": [["E:INTERVAL '1' HOUR", "t"]],
    # Geospatial functions take WKB (a point) or a value read from it.
    "st_geomfromwkb": [["E:X'0101000000000000000000F03F0000000000000040'", "L:4326"]],
    "st_geogfromwkb": [["E:X'0101000000000000000000F03F0000000000000040'"]],
    "st_asbinary": [["E:st_geogfromwkb(X'0101000000000000000000F03F0000000000000040')", "L:XDR"]],
    "st_srid": [["E:st_geomfromwkb(X'0101000000000000000000F03F0000000000000040', 3857)"]],
    "st_setsrid": [["E:st_geomfromwkb(X'0101000000000000000000F03F0000000000000040')", "L:3857"]],
    **{f: [["L:2024", "L:2", "L:29", "E:abs(i)", "L:4", "L:5"]] for f in
       ["make_timestamp", "make_timestamp_ltz", "make_timestamp_ntz", "try_make_timestamp", "try_make_timestamp_ltz", "try_make_timestamp_ntz"]},
}
# Sort orders are measured as the order they give; intervals (which the
# client cannot collect) as their text.
ORDERINGS = {"asc", "desc", "asc_nulls_first", "asc_nulls_last", "desc_nulls_first", "desc_nulls_last"}
AS_TEXT = {"make_ym_interval", "try_make_interval", "make_interval"}
def arg(spec):
    if spec.startswith("E:"):
        return F.expr(spec[2:])
    if spec.startswith("L:"):
        v = spec[2:]
        return F.lit(int(v) if v.isdigit() else v)
    if spec.startswith("lit:"):
        v = spec[4:]
        return int(v) if v.isdigit() else v
    return cands[spec]
names = sorted(n for n in dir(F) if not n.startswith("_") and inspect.isfunction(getattr(F, n)) and getattr(F, n).__module__.startswith("pyspark.sql"))
result = {}
for name in names:
    if name in {"udf", "udtf", "pandas_udf", "arrow_udf", "arrow_udtf", "broadcast", "call_udf", "unwrap_udt"}:
        continue
    fn = getattr(F, name)
    tries = [plan_in[name]["args"]] if plan_in and name in plan_in and plan_in[name].get("args") is not None else ([] if plan_in else special.get(name, []) + lists)
    entry = {"args": None}
    for spec in tries:
        try:
            col = fn(*[arg(s) for s in spec])
            if name in ORDERINGS:
                res = df.orderBy(col, "s").select("i")
            else:
                res = df.select(col.cast("string") if name in AS_TEXT else col)
            rows = [str(r) for r in res.collect()]
            entry = {"args": spec, "schema": res.schema.simpleString(), "nullable": [f.nullable for f in res.schema.fields], "rows": rows}
            break
        except Exception as e:
            entry.setdefault("errors", []).append(str(e).split("\n")[0][:160])
            if plan_in:
                entry["args"] = spec
    result[name] = entry
    if len(result) % 10 == 0:
        json.dump(result, open(out, "w"), indent=0)
json.dump(result, open(out, "w"), indent=0)
