"""Join strategies: `broadcast()`, `df.hint(…)`, SQL `/*+ … */` hints and
automatic broadcasts under `spark.sql.autoBroadcastJoinThreshold` choose the
physical join, and `explain()` names it as Spark does. The join operator
lines (strategy, join type, build side) and the exchanges and sorts under
them are compared with Spark's; keys and conditions are left out, as
Ember's column names inside plans are its own. Rows never depend on the
strategy."""

import re

import pytest
from pyspark.sql import functions as F

from conftest import conf

JOINS = {"BroadcastHashJoin", "ShuffledHashJoin", "SortMergeJoin", "BroadcastNestedLoopJoin", "CartesianProduct"}
JOIN_WORDS = {"Inner", "Cross", "LeftOuter", "RightOuter", "FullOuter", "LeftSemi", "LeftAnti", "BuildLeft", "BuildRight"}
INPUTS = {"BroadcastExchange", "Exchange", "Sort"}


def join_lines(df):
    """The join operators of the physical plan (name, type, build side), and
    the broadcasts, exchanges and sorts right under them, in plan order."""
    lines = []
    for line in df._explain_string(mode="simple").splitlines():
        body = re.sub(r"^[\s:+\-|]*(\*\(\d+\)\s*)?", "", line)
        name = body.split(" ", 1)[0]
        if name in JOINS:
            inner = body
            while re.search(r"\([^()]*\)|\[[^\[\]]*\]", inner):
                inner = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", "", inner)
            lines.append(" ".join([name] + [w for w in re.findall(r"[A-Za-z]+", inner) if w in JOIN_WORDS]))
        elif name in INPUTS and lines:
            lines.append(name)
    return lines


@pytest.fixture
def sides(spark):
    left = spark.range(6).withColumn("l", F.col("id") * 10)
    right = spark.range(3, 9).withColumn("r", F.col("id") * 100)
    return left, right


def test_small_sides_are_broadcast(spark, golden, sides):
    left, right = sides
    for how in ["inner", "left", "right", "left_semi", "left_anti"]:
        golden.check(how, join_lines(left.join(right, "id", how)))
    golden.check("expression", join_lines(left.join(right, left.id == right.id)))
    golden.check("cross", join_lines(left.crossJoin(right)))
    golden.check("non_equi", join_lines(left.join(right, left.id < right.id)))
    golden.check("non_equi_left", join_lines(left.join(right, left.id < right.id, "left")))


def test_hints_choose_the_strategy(spark, golden, sides):
    left, right = sides
    golden.check("broadcast_left", join_lines(F.broadcast(left).join(right, "id")))
    # A left outer join cannot broadcast its left side: the hint gives way.
    golden.check("broadcast_left_outer", join_lines(F.broadcast(left).join(right, "id", "left")))
    golden.check("merge", join_lines(left.join(right.hint("merge"), "id")))
    golden.check("shuffle_merge", join_lines(left.join(right.hint("SHUFFLE_MERGE"), "id")))
    golden.check("shuffle_hash", join_lines(left.join(right.hint("shuffle_hash"), "id")))
    golden.check("shuffle_hash_left", join_lines(left.hint("shuffle_hash").join(right, "id", "left")))
    # Through the operators between the hint and the join.
    golden.check("through_filter", join_lines(left.join(right.hint("merge").where("r > 0").select("id", "r"), "id")))
    golden.check("replicate_equi", join_lines(left.join(right.hint("shuffle_replicate_nl"), "id")))


def test_without_automatic_broadcasts(spark, golden, sides):
    left, right = sides
    with conf(spark, "spark.sql.autoBroadcastJoinThreshold", "-1"):
        golden.check("cross", join_lines(left.crossJoin(right)))
        golden.check("non_equi", join_lines(left.join(right, left.id < right.id)))
        golden.check("non_equi_full", join_lines(left.join(right, left.id < right.id, "full")))
        golden.check("broadcast_hint", join_lines(left.join(F.broadcast(right), "id")))
        golden.check("replicate_hint_non_equi", join_lines(left.join(right.hint("shuffle_replicate_nl"), left.id < right.id)))


def test_sql_hints(spark, golden, sides):
    left, right = sides
    left.createOrReplaceTempView("hint_l")
    right.createOrReplaceTempView("hint_r")
    queries = {
        "broadcast": "SELECT /*+ BROADCAST(hint_l) */ * FROM hint_l JOIN hint_r ON hint_l.id = hint_r.id",
        "broadcastjoin_alias": "SELECT /*+ BROADCASTJOIN(a) */ * FROM hint_l a JOIN hint_r b ON a.id = b.id",
        "mapjoin": "SELECT /*+ MAPJOIN(hint_l) */ * FROM hint_l JOIN hint_r USING (id)",
        "merge": "SELECT /*+ MERGE(hint_r) */ * FROM hint_l JOIN hint_r USING (id)",
        "mergejoin": "SELECT /*+ MERGEJOIN(hint_l) */ hint_l.id FROM hint_l JOIN hint_r USING (id)",
        "shuffle_hash": "SELECT /*+ SHUFFLE_HASH(hint_l) */ * FROM hint_l LEFT JOIN hint_r USING (id)",
        "two_hints": "SELECT /*+ SHUFFLE_HASH(hint_l), MAPJOIN(hint_r) */ * FROM hint_l JOIN hint_r USING (id)",
    }
    for name, query in queries.items():
        golden.check(name, join_lines(spark.sql(query)))
    golden.check_df(spark.sql(queries["merge"]).orderBy("id"), "merge_rows")


@pytest.mark.parametrize("hint", ["broadcast", "merge", "shuffle_hash", "shuffle_replicate_nl", None])
def test_rows_do_not_depend_on_the_strategy(spark, golden, sides, hint):
    left, right = sides
    hinted = right.hint(hint) if hint else right
    for how in ["inner", "left", "right", "full", "left_semi", "left_anti"]:
        golden.check_df(left.join(hinted, "id", how).orderBy("id"), how)
        golden.check_df(F.broadcast(left).join(hinted, "id", how).orderBy("id"), f"{how}_broadcast_left")
    golden.check_df(left.join(hinted, left.id < right.id, "left").orderBy("l", "r"), "non_equi_left")
    golden.check_df(left.crossJoin(hinted).orderBy("l", "r"), "cross")
