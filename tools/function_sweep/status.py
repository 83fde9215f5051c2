import json, re, sys
# Random by nature (the client draws a fresh seed per call, shown in the
# column name) or reading the clock: only the schema, with the numbers blanked
# out, is compared.
RANDOM = {"rand", "randn", "random", "uuid", "shuffle", "randstr", "uniform", "now", "current_timestamp", "localtimestamp"}
def blank_numbers(schema): return re.sub(r"-?\d+", "N", schema)
sp = json.load(open(sys.argv[1])); em = json.load(open(sys.argv[2]))
works, differs, missing, untested = [], [], [], []
for name, s in sp.items():
    e = em.get(name, {})
    if s.get("args") is None:
        untested.append(name); continue
    if "rows" not in e:
        err = (e.get("errors") or ["?"])[-1]
        if "UNRESOLVED_ROUTINE" in err or "UNSUPPORTED" in err: missing.append((name, err))
        else: differs.append((name, "error: " + err))
        continue
    if name in RANDOM and (blank_numbers(s["schema"]), s["nullable"]) == (blank_numbers(e["schema"]), e["nullable"]):
        works.append(name)
    elif (s["schema"], s["rows"], s["nullable"]) == (e["schema"], e["rows"], e["nullable"]):
        works.append(name)
    else:
        why = []
        if s["schema"] != e["schema"]: why.append(f"schema {e['schema']} (Spark {s['schema']})")
        elif s["nullable"] != e["nullable"]: why.append("nullability")
        if s["rows"] != e["rows"]: why.append(f"rows {e['rows']} (Spark {s['rows']})")
        differs.append((name, "; ".join(why)))
tested = len(works) + len(differs) + len(missing)
print(f"works {len(works)} differs {len(differs)} missing {len(missing)} untested {len(untested)} -> {100*len(works)/tested:.1f}% of {tested}")
json.dump({"works": works, "differs": differs, "missing": missing, "untested": untested}, open(sys.argv[3], "w"), indent=1)
