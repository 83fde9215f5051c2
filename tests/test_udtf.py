"""Python table functions (`udtf`) called as tables in the DataFrame API,
with the pickled and the Arrow eval type."""

import pytest
from pyspark.sql.functions import lit, udtf


@pytest.mark.parametrize("use_arrow", [False, True], ids=["pickled", "arrow"])
def test_udtf_in_the_dataframe_api(spark, golden, use_arrow):
    @udtf(returnType="n int, square int, label string", useArrow=use_arrow)
    class Squares:
        def eval(self, start, end):
            for n in range(start, end + 1):
                yield n, n * n, f"#{n}"

        def terminate(self):
            yield -1, None, "done"

    golden.check_df(Squares(lit(2), lit(4)))


def test_udtf_without_arguments_and_errors(spark, golden):
    @udtf(returnType="x string")
    class Constant:
        def eval(self):
            yield ("only",)

    @udtf(returnType="x int")
    class Fails:
        def eval(self, a):
            raise ValueError(f"cannot expand {a}")

    golden.check_df(Constant(), name="constant")
    exc = golden.check_error(lambda: Fails(lit(7)).collect())
    lines = [line for line in str(exc).rstrip().split("\n") if "SQLSTATE" not in line]
    golden.check("exception_line", lines[-1])


def test_udtf_registered_for_sql(spark, golden):
    @udtf(returnType="word string, length int")
    class Words:
        def eval(self, text):
            for word in text.split():
                yield word, len(word)

    spark.udtf.register("words_sql", Words)
    golden.check_df(spark.sql("SELECT * FROM words_sql('to be or not')"), name="star")
    golden.check_df(spark.sql("SELECT upper(word) AS w FROM words_sql('a bc') WHERE length > 1"), name="filtered")


def test_udtf_with_analyze(spark, golden):
    from pyspark.sql.types import StructType
    from pyspark.sql.udtf import AnalyzeArgument, AnalyzeResult

    @udtf
    class Echo:
        @staticmethod
        def analyze(a: AnalyzeArgument, b: AnalyzeArgument) -> AnalyzeResult:
            return AnalyzeResult(StructType().add("a", a.dataType).add("b", b.dataType).add("b_const", "string"))

        def eval(self, a, b):
            yield a, b, str(b)

    golden.check_df(Echo(lit(1), lit("x")), name="positional")
    golden.check_df(Echo(lit(2.5), lit(None)), name="null_literal")
    golden.check_error(lambda: Echo(lit(1)).collect(), name="wrong_arity")


def test_udtf_analyze_result_reaches_the_constructor(spark, golden):
    from dataclasses import dataclass

    from pyspark.sql.types import StructType
    from pyspark.sql.udtf import AnalyzeArgument, AnalyzeResult

    @dataclass
    class Prepared(AnalyzeResult):
        prefix: str = ""

    @udtf
    class Labels:
        def __init__(self, analyze_result):
            self.prefix = analyze_result.prefix

        @staticmethod
        def analyze(text: AnalyzeArgument) -> AnalyzeResult:
            return Prepared(schema=StructType().add("label", "string"), prefix=text.value.upper())

        def eval(self, text):
            for part in text.split(","):
                yield (f"{self.prefix}:{part}",)

    golden.check_df(Labels(lit("a,b")))


def test_udtf_analyze_errors(spark, golden):
    from pyspark.sql.udtf import AnalyzeArgument, AnalyzeResult

    @udtf
    class Raises:
        @staticmethod
        def analyze(a: AnalyzeArgument) -> AnalyzeResult:
            raise ValueError("cannot analyze this")

        def eval(self, a):
            yield (a,)

    @udtf
    class NotAResult:
        @staticmethod
        def analyze(a: AnalyzeArgument):
            return "int"

        def eval(self, a):
            yield (a,)

    try:
        Raises(lit(1)).collect()
        raise AssertionError("expected an error")
    except Exception as exc:  # noqa: BLE001 - the client's exception is checked
        golden.check("raises_condition", exc.getCondition())
        golden.check("raises_last_line", exc.getMessageParameters()["msg"].rstrip().split("\n")[-1])
    golden.check_error(lambda: NotAResult(lit(1)).collect(), name="not_a_result")


def test_udtf_named_arguments(spark, golden):
    from pyspark.sql.types import StructType
    from pyspark.sql.udtf import AnalyzeArgument, AnalyzeResult

    @udtf(returnType="a int, b string")
    class Fixed:
        def eval(self, a, b="default"):
            yield a, b

    @udtf
    class Analyzed:
        @staticmethod
        def analyze(a: AnalyzeArgument, b: AnalyzeArgument) -> AnalyzeResult:
            return AnalyzeResult(StructType().add("a", a.dataType).add("b", b.dataType))

        def eval(self, a, b):
            yield a, b

    golden.check_df(Fixed(a=lit(10), b=lit("k")), name="dataframe_keywords")
    golden.check_df(Fixed(lit(3)), name="dataframe_default")
    spark.udtf.register("fixed_named", Fixed)
    spark.udtf.register("analyzed_named", Analyzed)
    golden.check_df(spark.sql("SELECT * FROM fixed_named(b => 'q', a => 10)"), name="sql_keywords")
    golden.check_df(spark.sql("SELECT * FROM fixed_named(1, b => 'r')"), name="sql_mixed")
    golden.check_df(spark.sql("SELECT * FROM analyzed_named(b => 'q', a => 10)"), name="sql_analyzed")
    golden.check_error(lambda: spark.sql("SELECT * FROM fixed_named(a => 1, a => 2)").collect(), name="twice")
    golden.check_error(lambda: spark.sql("SELECT * FROM fixed_named(a => 1, 'x')").collect(), name="positional_after_named")


def test_udtf_lateral_join(spark, golden):
    from pyspark.sql.functions import col

    @udtf(returnType="a int, b int, c int")
    class PlusMinus:
        def eval(self, a, b):
            yield a, b, a + b
            yield a, b, a - b

    spark.udtf.register("plus_minus", PlusMinus)
    df = spark.createDataFrame([(0, 1), (1, 2), (5, -5)], "a int, b int")
    df.createOrReplaceTempView("lateral_input")
    golden.check_df(spark.sql("SELECT f.* FROM lateral_input t, LATERAL plus_minus(a, b) f"), name="aliased", ordered=False)
    golden.check_df(
        spark.sql("SELECT t.a, c FROM lateral_input t, LATERAL plus_minus(t.a, b => t.b) WHERE c > 0"),
        name="filtered",
        ordered=False,
    )
    golden.check_df(df.lateralJoin(PlusMinus(col("a").outer(), col("b").outer())), name="dataframe", ordered=False)
    golden.check_df(
        spark.sql("SELECT t.a, f.c FROM lateral_input t JOIN LATERAL plus_minus(a, b) f"), name="join_lateral", ordered=False
    )


def test_udtf_lateral_join_with_analyze_and_terminate(spark, golden):
    from pyspark.sql.types import StructType
    from pyspark.sql.udtf import AnalyzeArgument, AnalyzeResult

    @udtf
    class Repeat:
        @staticmethod
        def analyze(text: AnalyzeArgument, times: AnalyzeArgument) -> AnalyzeResult:
            return AnalyzeResult(StructType().add("piece", text.dataType).add("constant_times", "boolean"))

        def __init__(self):
            self.count = 0

        def eval(self, text, times):
            self.count += 1
            for _ in range(times):
                yield text, False

        def terminate(self):
            yield f"rows={self.count}", True

    spark.udtf.register("repeat_text", Repeat)
    spark.createDataFrame([("x", 1), ("y", 2), ("z", 0)], "s string, n int").coalesce(1).createOrReplaceTempView(
        "lateral_words"
    )
    golden.check_df(
        spark.sql("SELECT s, piece, constant_times FROM lateral_words, LATERAL repeat_text(s, n)"), ordered=False
    )


def test_udtf_table_arguments(spark, golden):
    from pyspark.sql.functions import col

    @udtf(returnType="id long, doubled long")
    class Doubler:
        def eval(self, row):
            yield row["id"], row["id"] * 2

    @udtf(returnType="key long, total long, rows int")
    class PartitionTotals:
        def __init__(self):
            self.key, self.total, self.rows = None, 0, 0

        def eval(self, row):
            self.key = row["id"] % 3
            self.total += row["id"]
            self.rows += 1

        def terminate(self):
            yield self.key, self.total, self.rows

    @udtf(returnType="first long, last long")
    class FirstLast:
        def __init__(self):
            self.seen = []

        def eval(self, row):
            self.seen.append(row["id"])

        def terminate(self):
            yield self.seen[0], self.seen[-1]

    df = spark.range(8)
    golden.check_df(Doubler(df.asTable()), name="rows", ordered=False)
    golden.check_df(Doubler(row=df.filter("id > 5").asTable()), name="keyword", ordered=False)
    golden.check_df(PartitionTotals(df.asTable().partitionBy(col("id") % 3)), name="partitioned", ordered=False)
    golden.check_df(FirstLast(df.asTable().withSinglePartition().orderBy(col("id").desc())), name="single_ordered")


def test_udtf_without_output_columns(spark, golden):
    from pyspark.sql.types import StructType

    @udtf(returnType=StructType())
    class Nothing:
        def eval(self):
            yield tuple()
            yield tuple()

    golden.check("count", Nothing().count())
    golden.check("rows", [repr(r) for r in Nothing().collect()])


def test_udtf_with_a_return_type_that_is_not_a_struct(spark, golden):
    @udtf(returnType="int")
    class NotAStruct:
        def eval(self, a: int):
            yield (a + 1,)

    golden.check_error(lambda: NotAStruct(lit(1)).collect())
