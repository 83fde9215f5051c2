import json, re, glob, sys
st = json.load(open(sys.argv[1]))
tests = {f: open(f).read() for f in glob.glob(str(__import__('pathlib').Path(__file__).resolve().parents[2] / 'tests') + '/test_*.py')}
def covered(name):
    hits = [f.split('/')[-1] for f, t in tests.items() if re.search(r'(F\.%s\(|[^a-z_.]%s\()' % (name, name), t)]
    return sorted(set(hits))
MISSING_FAMILIES = ("kll_", "tuple_", "theta_", "hll_", "variant", "xpath", "st_", "vector_", "time_", "to_time", "try_to_time", "make_time", "current_time", "xml", "parse_json", "is_variant_null", "is_valid_variant")
# Why a function cannot be measured by a select over a DataFrame.
NOT_MEASURABLE = {
    "bucket": "a partition transform: Spark accepts it only in `writeTo(…).partitionedBy(…)`",
    "days": "a partition transform (see `bucket`)",
    "hours": "a partition transform (see `bucket`)",
    "months": "a partition transform (see `bucket`)",
    "years": "a partition transform (see `bucket`)",
    "counter_diff": "a window function: Spark requires an OVER clause",
    "timestamp_nanos": "gives Spark 4.3's nanosecond TIMESTAMP, which the 4.3 client cannot collect; Ember lacks the type",
    "unix_nanos": "takes Spark 4.3's nanosecond TIMESTAMP, which Ember lacks",
}
out = []
works = sorted(st["works"])
differs = sorted(st["differs"])
missing = sorted(st["missing"])
untested_covered, untested_missing, untested_other = [], [], []
for n in sorted(st["untested"]):
    c = covered(n)
    if c:
        untested_covered.append((n, c))
    elif any(n.startswith(p) or p in n for p in MISSING_FAMILIES):
        untested_missing.append(n)
    else:
        untested_other.append(n)
tested = len(works) + len(differs) + len(missing)
print(f"- Measured automatically: **{len(works)} of {tested} match Spark ({100*len(works)/tested:.1f}%)**, {len(differs)} differ, {len(missing)} are missing.")
print(f"- Not measured automatically ({len(st['untested'])}: the sweep found no argument list among its candidates that Spark accepts): "
      f"{len(untested_covered)} are covered by golden tests, {len(untested_missing)} belong to families Ember lacks, {len(untested_other)} are not measured.")
print()
print("**Match Spark** (sweep): " + ", ".join(f"`{n}`" for n in works) + ".")
print()
print("**Differ** (sweep; Ember's result, then Spark's):")
print()
for n, why in differs:
    why = why.replace("|", "/")
    print(f"- `{n}`: {why[:220]}")
print()
print("**Missing** (sweep): " + ", ".join(f"`{n}`" for n, _ in missing) + ".")
print()
print("**Covered by golden tests** (not in the sweep): " + ", ".join(f"`{n}` ({', '.join(c)})" for n, c in untested_covered) + ".")
print()
print("**Missing families** (sketches, VARIANT, XML/XPath, TIME, geospatial, vectors): " + ", ".join(f"`{n}`" for n in untested_missing) + ".")
print()
print("**Not measured**: " + ", ".join(f"`{n}`" + (f" ({NOT_MEASURABLE[n]})" if n in NOT_MEASURABLE else "") for n in untested_other) + ".")
