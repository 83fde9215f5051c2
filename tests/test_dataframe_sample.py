"""Seeded sample, randomSplit and sampleBy: deterministic, disjoint and
complete; with or without replacement, the rows of a frame partitioned as in
Spark (a range) are Spark's."""


def test_sample_is_deterministic_for_a_seed(spark):
    df = spark.range(0, 1000)
    first = [r.id for r in df.sample(fraction=0.3, seed=42).collect()]
    second = [r.id for r in df.sample(fraction=0.3, seed=42).collect()]
    assert first == second
    assert 200 < len(first) < 400
    assert first != [r.id for r in df.sample(fraction=0.3, seed=43).collect()]


def test_sample_with_replacement_repeats_rows(spark):
    rows = [r.id for r in spark.range(0, 500).sample(True, 2.0, seed=1).collect()]
    assert 800 < len(rows) < 1200
    assert len(set(rows)) < len(rows)


def test_random_split_is_disjoint_and_complete(spark):
    df = spark.range(0, 1000)
    parts = df.randomSplit([1.0, 2.0, 1.0], seed=11)
    ids = [sorted(r.id for r in p.collect()) for p in parts]
    assert sorted(i for part in ids for i in part) == list(range(1000))
    assert 150 < len(ids[0]) < 350 and 400 < len(ids[1]) < 600
    again = [sorted(r.id for r in p.collect()) for p in df.randomSplit([1.0, 2.0, 1.0], seed=11)]
    assert again == ids


def test_random_split_of_rows_with_maps(spark):
    df = spark.range(0, 100).selectExpr("id", "map('k', id) AS m")
    parts = df.randomSplit([0.5, 0.5], seed=3)
    ids = sorted(r.id for p in parts for r in p.collect())
    assert ids == list(range(100))


def test_sample_rows_are_sparks_for_a_range(spark, golden):
    # Spark draws per partition from XORShiftRandom(seed + partition index):
    # a range is partitioned as in Spark, so the rows are Spark's.
    df = spark.range(0, 200, 1, 3)
    golden.check_rows(df.sample(fraction=0.1, seed=42).collect(), "fraction")
    golden.check_rows(df.sample(False, 0.5, seed=-7).collect(), "negative_seed")
    golden.check_rows(spark.range(0, 50, 1, 2).sample(fraction=0.3, seed=3).collect(), "two_partitions")


def test_random_split_rows_are_sparks_for_a_range(spark, golden):
    df = spark.range(0, 60, 1, 2).selectExpr("id", "id % 7 AS k")
    for i, part in enumerate(df.randomSplit([1.0, 2.0, 1.0], seed=11)):
        golden.check_rows(part.collect(), f"part_{i}")


def test_sample_by_rows_are_sparks_for_a_range(spark, golden):
    df = spark.range(0, 100, 1, 2).selectExpr("id", "id % 3 AS key")
    golden.check_rows(df.sampleBy("key", {0: 0.2, 1: 0.5}, seed=5).collect(), "sample_by")


def test_sample_with_replacement_rows_are_sparks_for_a_range(spark, golden):
    # Spark's Poisson sampler draws from commons-math's Well19937c seeded with
    # seed + partition index; repeated rows come out next to each other.
    df = spark.range(0, 60, 1, 3)
    golden.check_rows(df.sample(True, 0.5, seed=42).collect(), "half")
    golden.check_rows(df.sample(True, 2.0, seed=-9).collect(), "twice")
    golden.check_rows(spark.range(0, 30, 1, 2).sample(True, 0.1, seed=0).collect(), "tenth")


def test_sample_fractions_out_of_range(spark, golden):
    golden.check_error(lambda: spark.range(100).sample(1.5).count(), "above_one")
    golden.check_error(lambda: spark.range(100).sample(-0.1).count(), "negative")
    golden.check_error(lambda: spark.range(100).sample(True, -0.5).count(), "negative_with_replacement")
