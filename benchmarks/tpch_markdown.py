"""Print a ``tpch.py`` results JSON as the Markdown tables of README.md.

    python3 benchmarks/tpch_markdown.py benchmarks/results/tpch-sf1-<time>.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import tpch  # noqa: E402


def cell(result: dict) -> str:
    if result.get("status") == "ok":
        return f"{result['median_seconds']:.2f}"
    return result.get("status", "-").upper()


def variant_table(doc: dict, variant: str) -> list[str]:
    queries = doc["results"][variant]
    names = list(doc["totals"][variant])
    runs = doc["options"]["runs"]
    lines = [f"**{variant.upper()}** ({'median seconds' if runs else 'seconds, one checked run'})", "",
             "| query | " + " | ".join(tpch.ENGINES[n] for n in names) + " |",
             "|---|" + "---:|" * len(names)]
    for number, q in queries.items():
        lines.append(f"| Q{number} | " + " | ".join(cell(q["engines"].get(n, {})) for n in names) + " |")
    totals = doc["totals"][variant]
    lines.append("| **total** | " + " | ".join(
        f"**{totals[n]['seconds']:.1f}**" + ("" if totals[n]["answered"] == totals[n]["of"]
                                             else f" ({totals[n]['answered']} of {totals[n]['of']})")
        for n in names) + " |")
    if "ember" in names:
        ratios = [(peer, tpch.ratio_to(queries, "ember", peer)) for peer in names if peer != "ember"]
        lines += ["", "Peer / Ember on the queries both answered: " + ", ".join(
            f"{tpch.ENGINES[p]} {r:.2f}x" for p, r in ratios if r)]
    for (n, error), numbers in tpch.failures_by_error(queries, names).items():
        lines.append(f"- {tpch.ENGINES[n]} {', '.join(numbers)}: `{error}`")
    return lines + [""]


def engines_table(doc: dict) -> list[str]:
    lines = ["| engine | version | start-up | peak RSS |", "|---|---|---:|---:|"]
    for n in doc["options"]["engines"]:
        e = doc["engines"][n]
        start = f"{e['startup_seconds']:.2f} s" if e["startup_seconds"] is not None else "n/a"
        lines.append(f"| {tpch.ENGINES[n]} | {e['version']} | {start} | {e['peak_rss_mb']:,.0f} MB |")
    return lines + [""]


def main() -> None:
    doc = json.loads(Path(sys.argv[1]).read_text())
    lines: list[str] = []
    for variant in doc["results"]:
        lines += variant_table(doc, variant)
    lines += engines_table(doc)
    lines += ["Targets (goals, not assertions):", ""]
    lines += [f"- {line.strip()}" for line in tpch.target_verdicts(doc)]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
