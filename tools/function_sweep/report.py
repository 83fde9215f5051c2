import json, re, glob, sys
st = json.load(open(sys.argv[1]))
tests = {f: open(f).read() for f in glob.glob(str(__import__('pathlib').Path(__file__).resolve().parents[2] / 'tests') + '/test_*.py')}
def covered(name):
    hits = [f.split('/')[-1] for f, t in tests.items() if re.search(r'(F\.%s\(|[^a-z_.]%s\()' % (name, name), t)]
    return sorted(set(hits))
MISSING_FAMILIES = ("kll_", "tuple_", "theta_", "hll_", "variant", "xpath", "st_", "vector_", "time_", "to_time", "try_to_time", "make_time", "current_time", "xml", "parse_json", "is_variant_null", "is_valid_variant")
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
print("**Not measured**: " + ", ".join(f"`{n}`" for n in untested_other) + ".")
