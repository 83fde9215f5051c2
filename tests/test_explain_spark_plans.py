"""explain() prints the plan that runs as Spark prints its plans: Spark's
operator names and arguments, columns as `name#id`, codegen stages or
`AdaptiveSparkPlan` on top, the formatted mode's numbered list. Expression
ids cannot be Spark's, so texts are compared with `#<n>` and `plan_id=<n>`
normalised. An exchange that a distribution requires has Spark's
`spark.sql.shuffle.partitions` partitions on both. Where Ember runs other
operators than Spark (see docs/compatibility.md), the test says which
lines differ."""

import pathlib
import re
import shutil
import tempfile

import pytest
from pyspark.sql import functions as F

from conftest import conf


def normalized(text, tmp=None):
    text = re.sub(r"#\d+", "#N", text)
    text = re.sub(r"plan_id=\d+", "plan_id=N", text)
    if tmp is not None:
        text = text.replace(str(tmp), "<tmp>")
    return text.splitlines()


def physical(df, mode="simple"):
    return normalized(df._explain_string(mode=mode))


def local(spark):
    return spark.createDataFrame([(1, "a"), (2, "b")], ["k", "v"])


def test_physical_plans_read_as_spark(spark, golden):
    r = spark.range(0, 10, 1, 2)
    golden.check("range_filter_project", physical(r.filter("id > 3").select((F.col("id") * 2).alias("twice"))))
    golden.check("collect_limit", physical(r.limit(3)))
    golden.check("take_ordered", physical(r.orderBy("id").limit(3)))
    golden.check("union", physical(r.union(spark.range(3))))
    golden.check("local", physical(local(spark)))
    golden.check("explode", physical(local(spark).select("k", F.explode(F.array("k", "k")).alias("e"))))
    three = spark.createDataFrame([(1, "a", 3), (2, "b", 4)], ["k", "v", "w"])
    golden.check("explode_some_columns", physical(three.select("k", F.explode(F.array("k", "w")).alias("e")), "formatted"))
    golden.check("distinct", physical(r.select((F.col("id") % 3).alias("m")).distinct()))
    golden.check("broadcast_join", physical(r.join(spark.range(3), "id")))


def test_local_rows_fold_into_one_local_relation_as_spark(spark, golden):
    """Spark computes projections, filters and limits over local rows while
    it optimizes (`ConvertToLocalRelation`): one `LocalRelation` is left."""
    df = spark.createDataFrame([("Alice", 2), ("Bob", 5)], ["name", "age"])
    golden.check("filter", physical(df.filter(df.age > 3)))
    golden.check("filter_all", physical(df.filter(df.age > 10)))
    extended = physical(df.select("name", (df.age + 1).alias("a")), "extended")
    golden.check("project_optimized", extended[extended.index("== Optimized Logical Plan ==") :])
    golden.check("limit_formatted", physical(df.filter(df.age > 3).select("name").limit(1), "formatted"))
    golden.check("aggregate_above", physical(df.filter(df.age > 1).groupBy("name").agg(F.sum("age"))))
    golden.check_error(lambda: df.select(F.col("age") / 0)._explain_string(mode="simple"), "computing_fails")


def test_exchanges_joins_and_aggregates_read_as_spark(spark, golden):
    r = spark.range(0, 10, 1, 2)
    golden.check("repartition", physical(r.repartition(3)))
    golden.check("repartition_by_column", physical(r.repartition(3, "id")))
    golden.check("coalesce", physical(r.coalesce(1)))
    golden.check("global_aggregate", physical(r.agg(F.max("id"))))
    golden.check("offset", physical(r.offset(2)))
    golden.check("sort_merge_join", physical(r.join(spark.range(3).hint("merge"), "id")))
    golden.check("shuffled_hash_join", physical(r.join(spark.range(3).hint("shuffle_hash"), "id", "left")))
    golden.check("cross_join", physical(r.crossJoin(spark.range(3))))
    other = spark.range(3)
    golden.check("nested_loop_join", physical(r.join(other, r.id < other.id, "left")))
    golden.check("casts_and_literals", physical(r.select(F.col("id").cast("string").alias("s"), F.lit("x").alias("l"), (F.col("id") != 3).alias("ne"))))


def test_group_by_reads_as_spark(spark, golden):
    df = local(spark)
    golden.check("by_column", physical(df.groupBy("v").agg(F.sum("k").alias("s"), F.count("*"))))
    golden.check("by_column_formatted", physical(df.groupBy("v").agg(F.sum("k").alias("s")), "formatted"))


def test_sql_queries_read_as_spark(spark, golden):
    spark.range(5).createOrReplaceTempView("explain_t")
    golden.check("filter_project", physical(spark.sql("SELECT id, id * 2 AS d FROM explain_t WHERE id > 1")))
    golden.check("limit", physical(spark.sql("SELECT id FROM explain_t LIMIT 2")))


def test_formatted_lists_operators_as_spark(spark, golden):
    r = spark.range(0, 10, 1, 2)
    golden.check("range_filter_project", physical(r.filter("id > 3").select((F.col("id") * 2).alias("twice")), "formatted"))
    golden.check("local", physical(local(spark), "formatted"))
    golden.check("union", physical(r.union(spark.range(3)), "formatted"))
    golden.check("distinct", physical(r.select((F.col("id") % 3).alias("m")).distinct(), "formatted"))
    golden.check("broadcast_join", physical(r.join(spark.range(3), "id"), "formatted"))
    other = spark.range(3)
    golden.check("nested_loop_join", physical(r.join(other, r.id < other.id, "left"), "formatted"))


def test_extended_prints_the_physical_plan_verbosely(spark, golden):
    text = spark.range(0, 10, 1, 2).select((F.col("id") % 3).alias("m")).distinct()._explain_string(mode="extended")
    golden.check("physical", normalized(text.split("== Physical Plan ==\n")[1]))
    golden.check("output", text.split("== Analyzed Logical Plan ==\n")[1].splitlines()[0])


def test_optimized_logical_plans_read_as_spark(spark, golden):
    def optimized(df):
        text = df._explain_string(mode="extended")
        return normalized(text.split("== Optimized Logical Plan ==\n")[1].split("\n== Physical Plan ==")[0])

    r = spark.range(0, 10, 1, 2)
    golden.check("filter_project", optimized(r.filter("id > 3").select((F.col("id") * 2).alias("twice"))))
    golden.check("sort_limit", optimized(r.orderBy(F.col("id").desc()).limit(3)))
    golden.check("union", optimized(r.union(spark.range(3))))
    golden.check("join", optimized(r.join(spark.range(3), "id")))


def test_cost_mode_prints_sparks_size_estimates(spark, golden):
    def cost(df):
        return normalized(df._explain_string(mode="cost").split("\n== Physical Plan ==")[0])

    r = spark.range(0, 10, 1, 2)
    golden.check("sort", cost(r.orderBy(F.col("id").desc())))
    golden.check("top", cost(r.orderBy("id").limit(3)))
    golden.check("union", cost(r.union(spark.range(3))))
    golden.check("join", cost(r.join(spark.range(3), "id")))


def test_parquet_scan_reads_as_spark(spark, golden, tmp_path):
    path = str(tmp_path / "scan")
    spark.range(20).withColumn("name", F.concat(F.lit("n"), F.col("id").cast("string"))).write.parquet(path)
    df = spark.read.parquet(path).filter("id > 5").select("id", "name")
    lines = physical(df)
    scan = next(line for line in lines if "FileScan parquet" in line)
    fields = dict(part.split(": ", 1) for part in re.split(r", (?=[A-Za-z]+: )", scan.split("] ", 1)[1]))
    fields["Location"] = fields["Location"].replace(tmp_path.as_uri().replace("file:///", "file:/"), "<tmp>")
    golden.check("scan", {"fields": fields, "columns": scan.split("[", 1)[1].split("]", 1)[0]})


@pytest.fixture
def fixed_length_tmp_path():
    """A temporary folder whose path has the same length on every machine:
    Spark cuts long `Location`s at a fixed width."""
    path = pathlib.Path(tempfile.mkdtemp(prefix="ember-scans-", dir="/tmp"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_record_file_scans_read_as_spark(spark, golden, fixed_length_tmp_path):
    """CSV, JSON and XML scans print Spark's `FileScan` line, the filter
    above listed as its data filters and pushed filters."""
    tmp_path = fixed_length_tmp_path
    folder = tmp_path / "people"
    folder.mkdir()
    (folder / "p.csv").write_text("id,name,dept,salary\n" + "".join(f"{i},n{i},d{i % 5},{1000 + 37 * i}\n" for i in range(50)))
    tmp = tmp_path.as_uri().replace("file:///", "file:/")
    csv = spark.read.option("header", True).option("inferSchema", True).csv(str(folder))
    depts = spark.createDataFrame([("d0", "Sales"), ("d1", "Eng")], ["dept", "dname"])
    joined = csv.filter(F.col("salary") > 2000).join(depts, "dept").groupBy("dname").agg(F.avg("salary").alias("avg"))
    golden.check("csv_join", [line.replace(tmp, "<tmp>") for line in physical(joined)])
    formatted = physical(csv.select("name", F.upper("name").alias("u")).where(F.col("id") < 10), "formatted")
    scan_details = formatted[formatted.index("(1) Scan csv ") : formatted.index("(2) Filter [codegen id : 1]")]
    golden.check("csv_formatted_scan", [line.replace(tmp, "<tmp>") for line in scan_details])
    csv.write.json(str(tmp_path / "json"))
    json = spark.read.json(str(tmp_path / "json")).filter("dept = 'd1'").select("id")
    golden.check("json", [line.replace(tmp, "<tmp>") for line in physical(json)])


def test_projections_over_a_file_scan_read_as_spark(spark, golden, tmp_path):
    """What the scan computes (DataFusion moves projections into it) prints
    as Spark's `Project` over the scan of the file's columns."""
    path = str(tmp_path / "p")
    spark.range(30).withColumn("k", F.col("id") % 3).withColumn("s", F.col("id").cast("string")).write.parquet(path)
    df = spark.read.parquet(path)
    tmp = tmp_path.as_uri().replace("file:///", "file:/")

    def plan(frame, mode="simple"):
        return [line.replace(tmp, "<tmp>") for line in physical(frame, mode)]

    golden.check("computed", plan(df.select((F.col("id") * 2).alias("d"), "k")))
    golden.check("case_when", plan(df.withColumn("x", F.when(F.col("k") > 1, "hi").otherwise("lo")).select("x")))
    golden.check("formatted", plan(df.select(F.upper("s").alias("u")), "formatted"))
    golden.check("renamed_under_distinct", plan(df.select("k", F.col("s").alias("t")).distinct()))
    golden.check("renamed_in_a_join", plan(df.join(df.select("id", F.col("s").alias("s2")), "id")))
    golden.check("explode_only", plan(df.select(F.explode(F.array("id", "k")).alias("e"))))
    likes = [df.filter(F.col("s").like(p)) for p in ("1%", "%1", "%1%", "12", "1_%")]
    golden.check("likes", [plan(frame) for frame in likes] + [plan(df.filter(~F.col("s").like("2%")))])


def test_top_n_and_a_cached_file_read_as_spark(spark, golden, tmp_path):
    """A projection over a sorted limit is part of Spark's
    `TakeOrderedAndProject`; a cached relation's plan names its columns."""
    path = str(tmp_path / "p")
    spark.range(30).withColumn("k", F.col("id") % 3).withColumn("s", F.col("id").cast("string")).write.parquet(path)
    df = spark.read.parquet(path)
    tmp = tmp_path.as_uri().replace("file:///", "file:/")

    def plan(frame):
        return [line.replace(tmp, "<tmp>") for line in physical(frame)]

    golden.check("top_n", plan(df.orderBy(F.desc("id")).limit(10).select("s")))
    golden.check("top_n_computed", plan(df.orderBy("id").limit(3).select((F.col("k") + 1).alias("k1"))))
    cached = df.filter("k < 2").cache()
    try:
        cached.count()
        golden.check("cached", plan(cached.groupBy("k").count()))
    finally:
        cached.unpersist()


def test_default_broadcast_threshold_is_sparks(spark, golden):
    def broadcasts(df):
        return "Broadcast" in df._explain_string(mode="simple")

    small, large = spark.range(1_000_000), spark.range(2_000_000)
    # Spark estimates a range at 8 bytes a row: 8 MB is under 10 MB, 16 MB is not.
    golden.check("eight_mb_side", broadcasts(large.join(small, "id")))
    golden.check("sixteen_mb_sides", broadcasts(large.join(spark.range(2_000_000), "id")))
    with conf(spark, "spark.sql.autoBroadcastJoinThreshold", "20MB"):
        golden.check("raised_threshold", broadcasts(large.join(spark.range(2_000_000), "id")))
    golden.check("threshold", spark.conf.get("spark.sql.autoBroadcastJoinThreshold"))


def test_cached_relations_read_as_spark(spark, golden):
    """An in-memory scan shows its relation (with the storage level) and the
    relation's cached plan inside it, with its own codegen stages (numbered
    after the scan in the formatted mode); the optimized logical plan's
    relation shows them too."""
    cached = spark.range(0, 10, 1, 2).select((F.col("id") + 1).alias("y"))
    cached.cache()
    try:
        golden.check("not_computed", physical(cached))
        cached.count()
        golden.check("filtered", physical(cached.filter("y > 3")))
        text = cached.filter("y > 3")._explain_string(mode="extended")
        golden.check("optimized", normalized(text.split("== Optimized Logical Plan ==\n")[1].split("\n== Physical Plan ==")[0]))
    finally:
        cached.unpersist()
    # (Spark marks a scan of numbers only `(columnarIn=false, columnarOut=true)` in the formatted tree; Ember does not.)
    rows = local(spark)
    rows.cache()
    try:
        rows.count()
        golden.check("filtered_formatted", physical(rows.filter("k > 1"), "formatted"))
    finally:
        rows.unpersist()


def test_coalesce_reads_as_spark(spark, golden):
    # Spark prints the coalesce asked for, also over fewer partitions.
    golden.check("local", physical(local(spark).coalesce(2)))
    golden.check("hint", physical(local(spark).hint("coalesce", 3)))
    golden.check("range", physical(spark.range(0, 10, 1, 4).coalesce(2)))


def test_rebalance_hint_reads_as_spark(spark, golden):
    df = local(spark)
    golden.check("columns", physical(df.hint("rebalance", "v")))
    golden.check("number", physical(df.hint("rebalance", 2)))
    golden.check("both", physical(df.hint("rebalance", 2, "v")))


def scan_plan(df, tmp_path, mode="simple"):
    """A plan over files under `tmp_path`, their location normalised (Spark
    abbreviates a long one, so its length would depend on the path)."""
    lines = normalized(df._explain_string(mode=mode), tmp_path)
    return [re.sub(r"InMemoryFileIndex\(1 paths\)\[[^\]]*?(\]|\.\.\.)(?=,|$)", "InMemoryFileIndex(1 paths)[<location>]", line) for line in lines]


def nullable_parquet(spark, tmp_path):
    path = str(tmp_path / "nullable")
    spark.createDataFrame([(1, "a", 3), (2, "b", None), (None, "c", 5)], "k bigint, v string, w bigint").write.parquet(path)
    return spark.read.parquet(path)


def test_inferred_not_null_filters_read_as_spark(spark, golden, tmp_path):
    """Spark's optimizer checks a nullable column for NULL before a condition
    that cannot hold for NULL (and pushes the check to the scan), and drops
    the rows with NULL keys on each side of a join that can lose them."""
    t = nullable_parquet(spark, tmp_path)

    def plan(df, mode="simple"):
        return scan_plan(df, tmp_path, mode)

    golden.check("one_condition", plan(t.filter("k > 1")))
    golden.check("two_columns", plan(t.filter("k > 1 AND w < 4")))
    golden.check("checked_already", plan(t.filter("k IS NOT NULL AND w > 1")))
    golden.check("functions", plan(t.filter("abs(k) > 1 AND upper(v) = 'A'")))
    golden.check("no_inference", plan(t.filter("k = 1 OR w = 2")))
    golden.check("formatted", plan(t.filter("k > 1"), "formatted"))
    golden.check("optimized", plan(t.filter("k > 1"), "extended")[-8:])
    keys = t.select("k")
    golden.check("inner_join", plan(t.join(keys, "k")))
    golden.check("left_join", plan(t.join(keys, "k", "left")))
    golden.check("semi_join", plan(t.join(keys, "k", "left_semi")))
    golden.check("anti_join", plan(t.join(keys, "k", "left_anti")))
    # A key's condition on one side holds for the other side's rows that can match.
    golden.check("filter_then_join", plan(t.filter("k > 1").join(keys, "k")))
    # A range's id cannot be NULL: nothing to check.
    golden.check("not_nullable", physical(spark.range(10).filter("id > 5")))


def test_default_shuffled_joins_read_as_sort_merge_joins(spark, golden):
    """Spark sort-merges equi-joins of sides too large to broadcast
    (spark.sql.join.preferSortMergeJoin is true): Ember hashes them over the
    same partitioning and prints Spark's SortMergeJoin over sorted inputs.
    The shuffle_hash hint gives a ShuffledHashJoin, as on Spark."""
    r, other = spark.range(0, 10, 1, 2), spark.range(3)
    with conf(spark, "spark.sql.autoBroadcastJoinThreshold", "-1"):
        golden.check("inner", physical(r.join(other, "id")))
        golden.check("left", physical(r.join(other, "id", "left")))
        golden.check("full", physical(r.join(other, r.id == other.id, "full")))
        golden.check("formatted", physical(r.join(other, "id"), "formatted"))
        golden.check("shuffle_hash_hint", physical(r.join(other.hint("shuffle_hash"), "id")))
        golden.check("rows", sorted(r.join(other, "id", "full").collect()))


def test_grouping_sets_expand_as_spark(spark, golden):
    """An aggregation by grouping sets expands each row into one per set
    (Spark's Expand) and groups by the keys and spark_grouping_id."""
    df = spark.createDataFrame([(1, "a", 3), (2, "b", 4)], ["k", "v", "w"])
    df.createOrReplaceTempView("explain_sets")

    def optimized(frame):
        text = frame._explain_string(mode="extended")
        return normalized(text.split("== Optimized Logical Plan ==\n")[1].split("\n== Physical Plan ==")[0])

    rollup = df.rollup("v").agg(F.sum("k"))
    cube = df.cube("v", "w").agg(F.count("*"))
    sets = spark.sql("SELECT v, w, sum(k) FROM explain_sets GROUP BY GROUPING SETS ((v), (w), ())")
    for name, frame in [("rollup", rollup), ("cube", cube), ("grouping_sets", sets)]:
        golden.check(name, physical(frame))
        golden.check(f"{name}_optimized", optimized(frame))
    golden.check("rollup_formatted", physical(rollup, "formatted"))
    golden.check("rollup_extended", normalized(rollup._explain_string(mode="extended").split("== Physical Plan ==\n")[1]))


def test_columnar_scans_convert_to_rows_as_spark(spark, golden, tmp_path):
    """Without adaptive execution, Spark prints ColumnarToRow over a parquet
    or orc scan, in the codegen stage of the operators above it."""
    path = str(tmp_path / "columnar")
    spark.range(20).withColumn("name", F.concat(F.lit("n"), F.col("id").cast("string"))).write.parquet(path)
    df = spark.read.parquet(path)

    def plan(frame, mode="simple"):
        return scan_plan(frame, tmp_path, mode)

    golden.check("scan", plan(df))
    golden.check("filter", plan(df.filter("id > 5").select("id", "name")))
    golden.check("formatted", plan(df.filter("id > 5"), "formatted"))
    codegen = plan(df.filter("id > 5"), "codegen")
    # The subtree's header has Spark's generated code's sizes.
    golden.check("codegen", [codegen[0], *codegen[2:4]])
    # A union of columnar scans stays columnar: one conversion above it.
    golden.check("union", plan(df.union(df)))
    golden.check("limit", plan(df.limit(3)))
    golden.check("filter_limit", plan(df.filter("id > 5").limit(3)))
    golden.check("pruned_limit", plan(df.select("name").limit(3)))
    golden.check("top", plan(df.orderBy("id").limit(3)))
    # An adaptive plan adds the transitions only when it runs.
    golden.check("adaptive", plan(df.join(spark.read.parquet(path).select("id"), "id")))


def test_one_distinct_aggregate_reads_as_spark(spark, golden):
    """One DISTINCT aggregate groups by its argument first, then aggregates
    it: Spark's two pairs of HashAggregates, with `count(distinct k)`."""
    df = spark.createDataFrame([(1, "a", 3), (2, "b", 4), (2, "c", 4)], ["k", "v", "w"])
    golden.check("grouped", physical(df.groupBy("w").agg(F.countDistinct("k"))))
    golden.check("rows", sorted(df.groupBy("w").agg(F.countDistinct("k")).collect()))


def test_several_distinct_aggregates_expand_as_spark(spark, golden):
    """DISTINCT aggregates over several arguments expand each row once per
    argument (and once for the other aggregates), then aggregate twice:
    Spark's Expand under two pairs of HashAggregates, the rows told apart
    by `gid` (0 for the other aggregates' rows). Spark orders the arguments
    by their hash, so the lines that list them are compared without it."""
    df = spark.createDataFrame([(1, "a", 3, 1.5), (2, "b", None, 2.5), (None, "c", 5, None), (2, "a", 3, 1.5), (1, None, 4, 0.5)],
                               "k bigint, v string, w bigint, d double")
    two = df.groupBy("v").agg(F.countDistinct("k"), F.countDistinct("w"))
    operators = [re.sub(r"^[ :+-]*(\*\(\d+\) )?", "", line).split(" ")[0].split("(")[0] for line in physical(two)[1:-1]]
    golden.check("operators", operators)
    golden.check("two", sorted(two.collect(), key=str))
    mixed = df.groupBy("v").agg(F.countDistinct("k"), F.sum_distinct("w"), F.count("*"), F.sum("d"), F.avg("k"))
    counted = df.groupBy("v").agg(F.countDistinct("k"), F.sum_distinct("w"), F.count("*"))
    lines = physical(counted)
    golden.check("final", lines[2])
    expand = next(line for line in lines if "Expand [" in line)
    golden.check("expanded_ids", sorted(re.findall(r", (\d+)\]", expand)))
    golden.check("filtered_ids", sorted(re.findall(r"\(gid#N = (\d+)\)", "\n".join(lines))))
    golden.check("grouped_by_gid", [re.search(r"keys=\[[^\]]*\]", line).group(0).endswith(", gid#N]") for line in lines if "functions=[count(1)]" in line or "functions=[partial_count(1)]" in line])
    golden.check("mixed", sorted(mixed.collect(), key=str))
    golden.check("global", df.agg(F.countDistinct("k"), F.countDistinct("v"), F.count("*"), F.max("d")).collect())
    empty = df.filter("k > 100")
    golden.check("global_empty", empty.agg(F.countDistinct("k"), F.countDistinct("v"), F.count("*"), F.max("d"), F.count("k")).collect())
    golden.check("grouped_empty", empty.groupBy("v").agg(F.countDistinct("k"), F.countDistinct("w")).collect())
    golden.check("sql", spark.sql("SELECT g, count(DISTINCT a), count(DISTINCT b), sum(a) FROM (SELECT id % 3 AS g, id % 7 AS a, id % 5 AS b FROM range(100)) GROUP BY g ORDER BY g").collect())


def test_required_exchanges_read_as_spark(spark, golden, tmp_path):
    """Spark's exchanges where an operator requires its rows distributed:
    by the keys' hash under each side of a sort-merge join, between the
    partial and final aggregations and under a window, by ranges under a
    global sort, into one partition for a window without keys; each into
    spark.sql.shuffle.partitions partitions."""
    df = local(spark)
    df.createOrReplaceTempView("explain_required")
    t = nullable_parquet(spark, tmp_path)

    def plan(frame, mode="simple"):
        return scan_plan(frame, tmp_path, mode)

    with conf(spark, "spark.sql.autoBroadcastJoinThreshold", "-1"):
        golden.check("join_files", plan(t.join(t.select("k", "v"), "k")))
        golden.check("left_join", plan(df.join(t, "k", "left")))
    golden.check("aggregate", plan(t.groupBy("v").agg(F.sum("k"), F.avg("w"))))
    golden.check("aggregate_formatted", plan(t.groupBy("v").agg(F.sum("k")), "formatted"))
    golden.check("distinct", physical(df.distinct()))
    golden.check("window", physical(spark.sql("SELECT k, sum(k) OVER (PARTITION BY v ORDER BY k) s FROM explain_required")))
    golden.check("window_unordered", physical(spark.sql("SELECT k, sum(k) OVER (PARTITION BY v) s FROM explain_required")))
    golden.check("window_ordered_only", physical(spark.sql("SELECT k, rank() OVER (ORDER BY k) s FROM explain_required")))
    golden.check("window_whole", physical(spark.sql("SELECT k, sum(k) OVER () s FROM explain_required")))
    golden.check("window_formatted", physical(spark.sql("SELECT k, sum(k) OVER (PARTITION BY v ORDER BY k) s FROM explain_required"), "formatted"))
    golden.check("sort", physical(df.orderBy(F.col("k").desc())))
    golden.check("sort_files", plan(t.orderBy("k", "v")))
    with conf(spark, "spark.sql.shuffle.partitions", "7"):
        golden.check("partitions", physical(df.groupBy("v").count()))
        golden.check("rows", sorted(df.groupBy("v").count().collect()))


def test_distinct_aggregates_of_computed_arguments_read_as_spark(spark, golden):
    """A DISTINCT aggregate's computed argument is grouped by as Spark names
    it (`(k#1L + 1)#5L`); several are computed in Spark's Expand rows."""
    df = spark.createDataFrame([(1, "a", -3), (2, "b", 4), (2, "a", 3), (None, "a", None)], "k bigint, v string, w bigint")
    df.createOrReplaceTempView("explain_computed")
    one = spark.sql("SELECT v, count(DISTINCT k + 1) FROM explain_computed GROUP BY v")
    golden.check("one", physical(one))
    golden.check("one_global", physical(spark.sql("SELECT count(DISTINCT k + 1) FROM explain_computed")))
    golden.check("one_rows", sorted(one.collect(), key=str))
    two = spark.sql("SELECT v, count(DISTINCT k + 1), sum(DISTINCT abs(w)), count(*) FROM explain_computed GROUP BY v")
    lines = physical(two)
    operators = [re.sub(r"^[ :+-]*(\*\(\d+\) )?", "", line).split(" ")[0].split("(")[0] for line in lines[1:-1]]
    golden.check("two_operators", operators)
    expand = next(line for line in lines if "Expand [" in line)
    # Spark names the expanded arguments by their SQL (`(explain_computed.k + 1L)`), Ember as they print.
    rows = re.findall(r"\[v#N, ([^\]]*), \d+\]", expand)
    golden.check("two_expanded_values", sorted({value for row in rows for value in row.split(", ") if value != "null"}))
    golden.check("two_rows", sorted(two.collect(), key=str))
    golden.check("global_rows", spark.sql("SELECT count(DISTINCT k + 1), sum(DISTINCT abs(w)), max(v) FROM explain_computed").collect())


def test_optimized_logical_plans_of_files_and_joins_read_as_spark(spark, golden, tmp_path):
    """Spark's optimized plan reads all of a file's columns (`Relation`)
    and picks the ones used above its filters (`Project`, renaming there);
    local rows are pruned in their `LocalRelation`. A join's hints move
    into the join, a full join's key is a `coalesce`, an aggregation
    without keys lists only its results."""
    t = nullable_parquet(spark, tmp_path)
    df = local(spark)

    def optimized(frame):
        lines = scan_plan(frame, tmp_path, "extended")
        return lines[lines.index("== Optimized Logical Plan ==") + 1:lines.index("== Physical Plan ==")]

    golden.check("filter_pruned", optimized(t.select("k").filter("k > 1")))
    golden.check("pruned", optimized(t.select("v")))
    golden.check("renamed", optimized(t.filter("k > 1").select("k", F.col("v").alias("v2"))))
    golden.check("aggregate", optimized(t.groupBy("v").agg(F.sum("k"))))
    golden.check("global_aggregate", optimized(t.agg(F.sum("k"))))
    golden.check("semi_join", optimized(df.join(t, "k", "left_semi")))
    golden.check("local_pruned", optimized(df.select("k")))
    golden.check("hint", optimized(df.join(t.hint("merge"), "k")))
    golden.check("full_join", optimized(df.join(t, "k", "full")))
    golden.check("full_join_physical", scan_plan(df.join(t.hint("merge"), "k", "full"), tmp_path)[2])
    # A decorrelated IN subquery is a semi join of the plans themselves (no alias between).
    df.createOrReplaceTempView("explain_outer")
    spark.range(3).createOrReplaceTempView("explain_inner")
    golden.check("in_subquery", optimized(spark.sql("SELECT * FROM explain_outer WHERE k IN (SELECT id FROM explain_inner)")))


def test_optimized_windows_read_as_spark(spark, golden):
    """A window in the optimized logical plan lists each function with its
    frame, then the partition keys and the order; a ranking function's
    arguments are the order keys and its result is Spark's int."""
    spark.createDataFrame([(1, "a", 2), (2, "b", 4), (3, "a", 4)], ["k", "v", "w"]).createOrReplaceTempView("explain_windows")

    def optimized(frame):
        text = frame._explain_string(mode="extended")
        return normalized(text.split("== Optimized Logical Plan ==\n")[1].split("\n== Physical Plan ==")[0])

    golden.check("row_number", optimized(spark.sql("SELECT k, row_number() OVER (PARTITION BY v ORDER BY w) rn FROM explain_windows")))
    golden.check("rank", optimized(spark.sql("SELECT k, v, rank() OVER (ORDER BY w DESC) r FROM explain_windows")))
    golden.check("sum", optimized(spark.sql("SELECT k, v, w, sum(w) OVER (PARTITION BY v) s FROM explain_windows")))
    golden.check("rank_physical", physical(spark.sql("SELECT k, v, rank() OVER (ORDER BY w DESC) r FROM explain_windows")))


def test_object_aggregates_read_as_spark(spark, golden):
    """Spark computes collect_list, percentile and the other typed imperative
    aggregates in an ObjectHashAggregate, printing their parameters and buffer
    offsets."""
    r = spark.range(0, 10, 1, 2)
    calls = {
        "collect": [F.collect_list("id"), F.collect_set("id"), F.sum("id")],
        "percentiles": [F.percentile("id", 0.5), F.percentile_approx("id", [0.25, 0.5], 100), F.median("id")],
        "others": [F.mode("id"), F.histogram_numeric("id", F.lit(3)), F.listagg(F.col("id").cast("string"))],
        "approx_count_distinct": [F.approx_count_distinct("id")],
    }
    for name, aggregates in calls.items():
        golden.check(name, physical(r.agg(*aggregates)))
    golden.check("freq_items", physical(r.freqItems(["id"])))
    keyed = spark.createDataFrame([(1, "a"), (2, "a"), (3, "b")], ["v", "k"])
    golden.check("grouped", physical(keyed.groupBy("k").agg(F.collect_list("v"), F.percentile_approx("v", 0.5))))


def test_computed_grouping_keys_are_pulled_out_as_spark(spark, golden):
    """Spark computes a computed grouping key in a Project below the
    aggregation, as `_groupingexpression`, and groups by that column."""
    r = spark.range(0, 10, 1, 2)
    by_expression = r.groupBy((F.col("id") % 2).alias("k")).agg(F.sum("id"))
    golden.check("simple", physical(by_expression))
    golden.check("formatted", physical(by_expression, "formatted"))
    keyed = spark.createDataFrame([(1, "a"), (2, "a"), (3, "b")], ["v", "k"])
    golden.check("with_a_column", physical(keyed.groupBy(F.upper("k").alias("u"), "k").agg(F.collect_list("v"))))


def test_sql_values_read_as_a_local_relation(spark, golden):
    golden.check("rows", physical(spark.sql("SELECT * FROM VALUES (1, 'a'), (2, 'b') t(x, y)")))
    golden.check("grouped", physical(spark.sql("SELECT x, count(*) FROM VALUES (1), (2) t(x) GROUP BY x")))
    golden.check("whole", physical(spark.sql("SELECT max(x) FROM VALUES (1), (2) t(x)")))
    golden.check("ordered", physical(spark.sql("SELECT * FROM VALUES (1, 'a'), (2, 'b') t(x, y) ORDER BY y DESC")))


def test_sums_of_integers_print_their_argument(spark, golden):
    golden.check("sum", physical(spark.sql("SELECT k, sum(v) FROM VALUES (1, CAST(2 AS SMALLINT)), (1, CAST(3 AS SMALLINT)) t(k, v) GROUP BY k")))
    golden.check("whole", physical(spark.sql("SELECT sum(x) FROM VALUES (1), (2) t(x)")))
