"""Spark's vector functions over ARRAY<FLOAT>: vector_inner_product,
vector_cosine_similarity, vector_l2_distance, vector_norm,
vector_normalize and the aggregates vector_sum and vector_avg, with NULL
vectors and elements, empty vectors, and Spark's errors for other types,
other dimensions and other norm degrees."""

from pyspark.sql import functions as F

from conftest import requires_client

pytestmark = requires_client("4.1")


def vectors(spark):
    return spark.createDataFrame(
        [
            ([1.0, 2.0], [3.0, 4.0]),
            ([3.0, -4.0], [2.0, 4.0]),
            ([0.0, 0.0], [2.0, 4.0]),
            ([1.0, None], [1.0, 1.0]),
            (None, [1.0, 1.0]),
            ([], []),
        ],
        "a array<float>, b array<float>",
    )


def test_pair_measures(spark, golden):
    df = vectors(spark)
    golden.check_df(
        df.select(
            F.vector_inner_product("a", "b"),
            F.vector_cosine_similarity("a", "b"),
            F.vector_l2_distance("a", "b"),
        )
    )


def test_norms_of_each_degree(spark, golden):
    df = vectors(spark)
    inf = F.lit("inf").cast("float")
    golden.check_df(
        df.select(
            F.vector_norm("a"),
            F.vector_norm("a", F.lit(1.0).cast("float")),
            F.vector_norm("a", inf),
            F.vector_normalize("a"),
            F.vector_normalize("a", F.lit(1.0).cast("float")),
            F.vector_normalize("a", inf),
        )
    )


def test_sum_and_avg(spark, golden):
    df = spark.createDataFrame(
        [(1, [1.0, 2.0]), (1, [3.0, 5.5]), (1, [7.0, None]), (1, None), (2, None), (3, [0.5])],
        "g int, v array<float>",
    )
    golden.check_df(df.groupBy("g").agg(F.vector_sum("v"), F.vector_avg("v")).orderBy("g"))
    golden.check_df(spark.sql("SELECT vector_sum(v), vector_avg(v) FROM VALUES (array(1.5F, 2.0F)), (array(0.5F, 4.0F)) AS t(v)"), "sql")


def test_errors(spark, golden):
    df = vectors(spark)
    golden.check_error(lambda: df.select(F.vector_l2_distance("a", F.array(F.lit(1.0).cast("float")))).collect(), "dimension")
    golden.check_error(lambda: df.select(F.vector_norm("a", F.lit(3.0).cast("float"))).collect(), "degree")
    golden.check_error(lambda: df.select(F.vector_norm("a", F.lit(2.0))).collect(), "double_degree")
    golden.check_error(lambda: spark.range(1).select(F.vector_inner_product(F.array(F.lit(1)), F.array(F.lit(2)))).collect(), "int_vectors")
    mixed = spark.createDataFrame([([1.0, 2.0],), ([3.0],)], "v array<float>").coalesce(1)
    golden.check_error(lambda: mixed.select(F.vector_sum("v")).collect(), "sum_dimension")
