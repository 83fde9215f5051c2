"""Python table functions given a table in SQL: `f(TABLE(t))`, `TABLE t`,
`TABLE(query)`, by keyword, with PARTITION BY / WITH SINGLE PARTITION and
ORDER BY, in a lateral join, and partitioned, sorted and narrowed the way
the function's `analyze` asks."""

import pytest
from pyspark.sql import Row
from pyspark.sql.functions import udtf


@pytest.fixture
def functions(spark):
    @udtf(returnType="id long, doubled long")
    class Doubler:
        def eval(self, row: Row):
            yield row["id"], row["id"] * 2

    @udtf(returnType="a long")
    class Above:
        def eval(self, limit: int, row: Row):
            if row["id"] > limit:
                yield (row["id"],)

    @udtf(returnType="key long, total long, count int, first long")
    class Totals:
        def __init__(self):
            self.key, self.total, self.count, self.first = None, 0, 0, None

        def eval(self, row: Row):
            self.key = row["k"]
            self.total += row["v"] or 0
            self.count += 1
            if self.first is None:
                self.first = row["v"]

        def terminate(self):
            yield self.key, self.total, self.count, self.first

    @udtf(returnType="seen string")
    class Order:
        def __init__(self):
            self.seen = []

        def eval(self, row: Row):
            self.seen.append(str(row["v"]))

        def terminate(self):
            yield (",".join(self.seen),)

    for name, function in [("doubler", Doubler), ("above", Above), ("totals", Totals), ("seen_order", Order)]:
        spark.udtf.register(name, function)
    spark.sql("CREATE OR REPLACE TEMPORARY VIEW tab_arg_v AS SELECT id FROM range(0, 6)")
    rows = [(1, 5), (2, 1), (1, 3), (2, 7), (1, None), (3, 4)]
    spark.createDataFrame(rows, "k int, v int").createOrReplaceTempView("tab_arg_kv")
    yield
    for view in ["tab_arg_v", "tab_arg_kv"]:
        spark.catalog.dropTempView(view)


def test_table_argument_forms(spark, golden, functions):
    queries = {
        "parenthesized_name": "SELECT * FROM doubler(TABLE(tab_arg_v))",
        "query": "SELECT * FROM doubler(TABLE(SELECT id FROM range(0, 4) WHERE id % 2 = 0))",
        "from_query": "SELECT * FROM doubler(TABLE(FROM range(3)))",
        "keyword": "SELECT * FROM doubler(row => TABLE(tab_arg_v))",
        "with_scalar": "SELECT * FROM above(3, TABLE(tab_arg_v))",
        "keywords_any_order": "SELECT * FROM above(row => TABLE(tab_arg_v), limit => 4)",
        "cte_outside": "WITH t AS (SELECT id FROM range(2, 5)) SELECT * FROM doubler(TABLE(t))",
        "cte_inside": "SELECT * FROM doubler(TABLE(WITH t AS (SELECT id FROM range(0, 2)) SELECT * FROM t))",
        "projected": "SELECT doubled + 1 AS d FROM doubler(TABLE(tab_arg_v)) WHERE id > 2",
    }
    for name, query in queries.items():
        golden.check_df(spark.sql(query), name=name, ordered=False)


def test_table_argument_partitioning_and_order(spark, golden, functions):
    queries = {
        "partition_by": "SELECT key, total, count FROM totals(TABLE(tab_arg_kv) PARTITION BY k)",
        "partition_by_expression": "SELECT * FROM totals(TABLE(tab_arg_kv) PARTITION BY k + 0 ORDER BY v DESC)",
        "distribute_sort": "SELECT * FROM totals(TABLE(tab_arg_kv) DISTRIBUTE BY k SORT BY v)",
        "partition_order_nulls_last": "SELECT * FROM totals(row => TABLE(tab_arg_kv) PARTITION BY (k) ORDER BY (v ASC NULLS LAST))",
        "single_partition": "SELECT * FROM seen_order(TABLE(tab_arg_kv) WITH SINGLE PARTITION ORDER BY (k, v))",
        "single_partition_desc": "SELECT * FROM seen_order(TABLE(SELECT v FROM tab_arg_kv) WITH SINGLE PARTITION ORDER BY v DESC NULLS LAST)",
    }
    for name, query in queries.items():
        golden.check_df(spark.sql(query), name=name, ordered=False)


def test_table_argument_in_a_lateral_join(spark, golden, functions):
    query = """
        SELECT v.a, v.b, f.key, f.total FROM VALUES (0, 1) AS v(a, b),
        LATERAL totals(TABLE(tab_arg_kv) PARTITION BY k) f
        ORDER BY 1, 2
    """
    golden.check_df(spark.sql(query), name="partitioned")


def test_table_argument_errors(spark, golden, functions):
    errors = {
        "bare_name": "SELECT * FROM doubler(TABLE tab_arg_v)",
        "unknown_view": "SELECT * FROM doubler(TABLE(no_such_view_x))",
        "unknown_view_in_query": "SELECT * FROM doubler(TABLE(SELECT * FROM no_such_view_x))",
        "two_tables": "SELECT * FROM doubler(TABLE(tab_arg_v), TABLE(tab_arg_v))",
        "partition_by_unparenthesized": "SELECT * FROM totals(TABLE(tab_arg_kv) PARTITION BY k, v)",
        "order_by_unparenthesized": "SELECT * FROM totals(TABLE(tab_arg_kv) PARTITION BY k ORDER BY k, v)",
        "unknown_partition_column": "SELECT * FROM totals(TABLE(tab_arg_kv) PARTITION BY nope)",
    }
    for name, query in errors.items():
        golden.check_error(lambda: spark.sql(query).collect(), name=name)


def test_analyze_lays_out_the_table_argument(spark, golden, functions):
    from pyspark.sql.types import IntegerType, LongType, StructType
    from pyspark.sql.udtf import AnalyzeResult, OrderingColumn, PartitioningColumn, SelectedColumn

    @udtf
    class Grouped:
        @staticmethod
        def analyze(row):
            return AnalyzeResult(
                StructType().add("key", LongType()).add("values", "string"),
                partitionBy=[PartitioningColumn("k")],
                orderBy=[OrderingColumn("v", ascending=False, overrideNullsFirst=True)],
            )

        def __init__(self):
            self.key, self.values = None, []

        def eval(self, row: Row):
            self.key = row["k"]
            self.values.append(str(row["v"]))

        def terminate(self):
            yield self.key, ",".join(self.values)

    @udtf
    class Narrowed:
        @staticmethod
        def analyze(row):
            return AnalyzeResult(
                StructType().add("fields", "string").add("v2", IntegerType()),
                withSinglePartition=True,
                orderBy=[OrderingColumn("v")],
                select=[SelectedColumn("v"), SelectedColumn("k + 10", alias="k10")],
            )

        def eval(self, row: Row):
            yield ",".join(row.asDict()), row["v"]

    spark.udtf.register("grouped_by_analyze", Grouped)
    spark.udtf.register("narrowed_by_analyze", Narrowed)
    golden.check_df(spark.sql("SELECT * FROM grouped_by_analyze(TABLE(tab_arg_kv))"), name="partitioned", ordered=False)
    golden.check_df(spark.sql("SELECT * FROM narrowed_by_analyze(TABLE(tab_arg_kv))"), name="selected")
    df = spark.table("tab_arg_kv")
    golden.check_df(Grouped(df.asTable()), name="dataframe", ordered=False)
    golden.check_error(
        lambda: spark.sql("SELECT * FROM grouped_by_analyze(TABLE(tab_arg_kv) PARTITION BY k)").collect(),
        name="partitioned_twice",
    )


def test_several_table_arguments(spark, golden):
    from pyspark.sql.functions import lit

    from conftest import conf

    @udtf(returnType="a int, b int, tag string")
    class Pairs:
        def eval(self, left, right, tag):
            yield left[0], right[0], tag

    spark.udtf.register("pairs", Pairs)
    query = "SELECT * FROM pairs(TABLE(SELECT id FROM range(0, 2)), TABLE(SELECT id AS id FROM range(10, 13)), 'x')"
    golden.check_error(lambda: spark.sql(query).collect(), name="not_allowed")
    with conf(spark, "spark.sql.tvf.allowMultipleTableArguments.enabled", "true"):
        golden.check_df(spark.sql(query), name="allowed", ordered=False)
        left, right = spark.range(2).asTable(), spark.range(5, 6).asTable()
        golden.check_df(Pairs(left, right, tag=lit("df")), name="dataframe", ordered=False)


def test_partitioned_table_argument_with_the_legacy_pandas_conversion(spark, golden):
    from conftest import conf

    @udtf(returnType="k int, total int", useArrow=True)
    class Sums:
        def __init__(self):
            self.key, self.total = None, 0

        def eval(self, row):
            self.key = row["k"]
            self.total += row["v"]

        def terminate(self):
            yield self.key, self.total

    spark.udtf.register("legacy_sums", Sums)
    spark.createDataFrame([(1, 10), (2, 5), (1, 7)], "k int, v int").createOrReplaceTempView("legacy_input")
    query = "SELECT * FROM legacy_sums(TABLE(legacy_input) PARTITION BY k ORDER BY v)"
    try:
        with conf(spark, "spark.sql.legacy.execution.pythonUDTF.pandas.conversion.enabled", "true"):
            golden.check_df(spark.sql(query), ordered=False)
    finally:
        spark.catalog.dropTempView("legacy_input")


def test_named_argument_after_a_partitioned_table_argument(spark, golden):
    @udtf(returnType="k int, last int, label string")
    class Last:
        def __init__(self):
            self.key, self.last, self.label = None, None, None

        def eval(self, row, label):
            self.key, self.last, self.label = row["k"], row["v"], label

        def terminate(self):
            yield self.key, self.last, self.label

    spark.udtf.register("last_of", Last)
    query = """
        WITH t AS (SELECT id % 3 AS k, id AS v FROM range(9))
        SELECT * FROM last_of(TABLE(t) PARTITION BY k ORDER BY v DESC, label => 'x')
    """
    golden.check_df(spark.sql(query), ordered=False)
