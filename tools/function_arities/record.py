"""Records which argument counts Spark's function registry rejects with
WRONG_NUM_ARGS, into crates/ember-planner/src/function_arities.tsv.

Run against a Spark Connect oracle (tools/spark_oracle.sh start 15003):
    python tools/function_arities/record.py sc://localhost:15003

Each builtin of crates/ember-server/src/spark_functions.json is called in SQL
with 0 to 7 arguments; a line `name<TAB>counts<TAB>expectedNum` lists the
counts Spark rejects with that `expectedNum` (`7+`: seven and more, when six
and seven are both rejected; `2n (n > 0)`: every odd count).
"""
import collections
import json
import pathlib
import sys

from pyspark.sql import SparkSession

ROOT = pathlib.Path(__file__).resolve().parents[2]
MAX_COUNT = 7
# Calls whose evaluation has effects or needs a JVM class.
SKIPPED = {"sleep", "raise_error", "assert_true", "reflect", "java_method", "try_reflect"}


def rejected_counts(spark, name):
    """The counts Spark rejects for `name`, by the expectedNum it reports."""
    rejected = collections.defaultdict(list)
    for count in range(MAX_COUNT + 1):
        try:
            spark.sql(f"SELECT {name}({', '.join(['1'] * count)})").schema
        except Exception as error:
            condition = getattr(error, "getCondition", lambda: None)() or ""
            if condition.startswith("WRONG_NUM_ARGS"):
                rejected[error.getMessageParameters()["expectedNum"]].append(count)
    return rejected


def main(remote):
    spark = SparkSession.builder.remote(remote).getOrCreate()
    names = [name for name, _ in json.loads((ROOT / "crates/ember-server/src/spark_functions.json").read_text())]
    lines = []
    for name in sorted(names):
        if not name.replace("_", "").isalnum() or name in SKIPPED:
            continue
        for expected, counts in sorted(rejected_counts(spark, name).items()):
            shown = [str(c) for c in counts]
            if counts[-2:] == [MAX_COUNT - 1, MAX_COUNT]:
                shown[-1] = f"{MAX_COUNT}+"
            lines.append(f"{name}\t{','.join(shown)}\t{expected}")
    (ROOT / "crates/ember-planner/src/function_arities.tsv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "sc://localhost:15003")
