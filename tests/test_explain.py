"""explain() in every mode gives Spark's section layout (the plans inside
are engine-specific, so only the layout and key facts are checked)."""

from pyspark.sql import functions as F


def plan_text(spark, mode):
    df = spark.range(0, 10, 1, 2).filter("id > 3").select((F.col("id") * 2).alias("twice"))
    return df._explain_string(mode=mode)


def test_simple_shows_the_physical_plan(spark):
    assert plan_text(spark, "simple").startswith("== Physical Plan ==\n")


def test_extended_shows_every_plan_in_order(spark):
    text = plan_text(spark, "extended")
    headers = ["== Parsed Logical Plan ==", "== Analyzed Logical Plan ==",
               "== Optimized Logical Plan ==", "== Physical Plan =="]
    positions = [text.index(h) for h in headers]
    assert positions == sorted(positions)
    analyzed = text.split("== Analyzed Logical Plan ==\n")[1]
    assert analyzed.startswith("twice: bigint\n")


def test_cost_shows_the_optimized_and_physical_plans(spark):
    text = plan_text(spark, "cost")
    assert text.startswith("== Optimized Logical Plan ==\n")
    assert "\n== Physical Plan ==\n" in text


def test_codegen_counts_its_subtrees(spark):
    assert "WholeStageCodegen subtrees" in plan_text(spark, "codegen").splitlines()[0]


def test_formatted_numbers_the_operators(spark):
    text = plan_text(spark, "formatted")
    assert text.startswith("== Physical Plan ==\n")
    tree, details = text.split("\n\n", 1)
    numbers = [line.rsplit("(", 1)[1].rstrip(")") for line in tree.splitlines()[1:]]
    assert sorted(int(n) for n in numbers) == list(range(1, len(numbers) + 1))
    for n in numbers:
        assert f"({n}) " in details
    assert "Output [1]: [" in details
