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
