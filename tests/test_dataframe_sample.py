"""Seeded sample and randomSplit: deterministic, disjoint and complete (Ember's generator is
not Spark's XORShiftRandom, so exact rows are not compared; see docs/compatibility.md)."""


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
