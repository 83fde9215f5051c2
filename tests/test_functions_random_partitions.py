"""Seeded random functions over several partitions: Spark seeds its
XORShiftRandom with the seed plus the partition index, so a frame partitioned
as in Spark (a range) gets Spark's values from rand, randn, uniform and
randstr."""

from pyspark.sql import functions as F


def test_rand_and_randn_per_partition(spark, golden):
    df = spark.range(0, 20, 1, 4)
    golden.check_df(df.select("id", F.rand(7).alias("u"), F.randn(7).alias("n")), "rand_randn")
    golden.check_df(spark.range(0, 9, 1, 3).select("id", F.rand(-3), F.rand(-3).alias("again")), "same_seed_twice")


def test_uniform_and_randstr_per_partition(spark, golden):
    df = spark.range(0, 12, 1, 3)
    golden.check_df(df.select("id", F.uniform(F.lit(0), F.lit(100), F.lit(5)), F.randstr(F.lit(4), F.lit(5))))


def test_rand_in_a_filter_and_a_sort(spark, golden):
    df = spark.range(0, 40, 1, 4)
    golden.check_rows(df.filter(F.rand(11) < 0.3).collect(), "filter")
    golden.check_rows(df.orderBy(F.rand(11)).limit(10).collect(), "sort")


def test_rand_in_sql_over_a_range(spark, golden):
    golden.check_df(spark.sql("SELECT id, rand(2) AS r, randn(2) AS n FROM range(0, 10, 1, 2)"))


def test_seeded_shuffle_draws_as_spark(spark, golden):
    """Each partition shuffles its arrays in turn with one Mersenne Twister
    seeded with the seed plus the partition index; NULL arrays draw nothing."""
    golden.check_df(spark.sql("SELECT shuffle(array(1, 2, 3), 5) a, shuffle(sequence(1, 10), 7) b"), "literals")
    ranges = spark.range(0, 8, 1, 2).selectExpr("id", "sequence(0, id) AS a")
    golden.check_df(ranges.select("id", F.shuffle("a", 42).alias("s")).orderBy("id"), "two_partitions")
    rows = spark.createDataFrame([([1, 2, 3, 4],), (None,), ([5, 6, 7],), ([9, 8],)], "a array<int>")
    golden.check_df(rows.select(F.shuffle("a", 1).alias("s")), "with_nulls")
