"""Caching: cache/persist/unpersist and storage levels, the catalog's and
SQL's table caching, checkpoints, and proof that a cached frame is computed
once (a non-deterministic Python UDF keeps its values across actions)."""

import uuid

import pytest
from pyspark.sql import functions as F
from pyspark.sql.types import StringType
from pyspark.storagelevel import StorageLevel

LEVELS = [
    "DISK_ONLY", "DISK_ONLY_2", "DISK_ONLY_3", "MEMORY_ONLY", "MEMORY_ONLY_2",
    "MEMORY_AND_DISK", "MEMORY_AND_DISK_2", "MEMORY_AND_DISK_DESER", "OFF_HEAP",
]


def level_text(level):
    return str(level)


def stamp():
    """A Python UDF giving a new value on every call."""
    return F.udf(lambda _: str(uuid.uuid4()), StringType())


def stamped(spark, n=20):
    return spark.range(0, n, 1, 2).select("id", stamp()("id").alias("s"))


def test_cache_sets_the_storage_level_until_unpersist(spark, golden):
    df = spark.range(5).select((F.col("id") * 3).alias("x"))
    golden.check("before", level_text(df.storageLevel))
    df.cache()
    golden.check("cached", level_text(df.storageLevel))
    golden.check("is_cached", df.is_cached)
    golden.check("rows", [r.x for r in df.collect()])
    df.unpersist()
    golden.check("after", level_text(df.storageLevel))


@pytest.mark.parametrize("name", LEVELS)
def test_persist_keeps_every_storage_level(spark, golden, name):
    df = spark.range(3).withColumn("level", F.lit(name))
    df.persist(getattr(StorageLevel, name))
    try:
        golden.check("level", level_text(df.storageLevel))
        golden.check("rows", [tuple(r) for r in df.collect()])
    finally:
        df.unpersist()


def test_persist_again_keeps_the_first_level(spark, golden):
    df = spark.range(4).select(F.col("id").alias("again"))
    df.persist(StorageLevel.DISK_ONLY)
    df.persist(StorageLevel.MEMORY_ONLY)
    golden.check("level", level_text(df.storageLevel))
    df.unpersist()


def test_a_cached_frame_is_computed_once(spark):
    df = stamped(spark)
    assert df.collect() != df.collect()  # not cached: the UDF runs again
    df.cache()
    try:
        first = {r.id: r.s for r in df.collect()}
        assert {r.id: r.s for r in df.collect()} == first
        # Later plans that contain the cached frame read it too.
        assert {r.id: r.s for r in df.filter("id < 5").collect()} == {i: first[i] for i in range(5)}
        joined = df.alias("a").join(spark.range(3).alias("b"), F.col("a.id") == F.col("b.id"))
        assert sorted(r.s for r in joined.select("a.s").collect()) == sorted(first[i] for i in range(3))
        assert df.count() == 20
    finally:
        df.unpersist()
    assert {r.id: r.s for r in df.collect()} != first


@pytest.mark.parametrize("name", ["MEMORY_ONLY", "DISK_ONLY", "MEMORY_AND_DISK"])
def test_every_level_reuses_the_rows(spark, name):
    df = stamped(spark, 10)
    df.persist(getattr(StorageLevel, name))
    try:
        assert df.collect() == df.collect()
    finally:
        df.unpersist()


def test_catalog_caches_tables(spark, golden):
    stamped(spark).createOrReplaceTempView("cached_stamps")
    try:
        golden.check("initially", spark.catalog.isCached("cached_stamps"))
        spark.catalog.cacheTable("cached_stamps")
        golden.check("after_cache_table", spark.catalog.isCached("cached_stamps"))
        golden.check("level", level_text(spark.table("cached_stamps").storageLevel))
        first = sorted(spark.table("cached_stamps").collect())
        assert sorted(spark.sql("select * from cached_stamps").collect()) == first
        spark.catalog.uncacheTable("cached_stamps")
        golden.check("after_uncache", spark.catalog.isCached("cached_stamps"))
        spark.catalog.cacheTable("cached_stamps", StorageLevel.DISK_ONLY)
        golden.check("disk_level", level_text(spark.table("cached_stamps").storageLevel))
        spark.catalog.clearCache()
        golden.check("after_clear", spark.catalog.isCached("cached_stamps"))
    finally:
        spark.catalog.dropTempView("cached_stamps")


def test_is_cached_of_an_unknown_table_fails(spark, golden):
    golden.check_error(lambda: spark.catalog.isCached("no_such_cached_table"))


def test_sql_cache_statements(spark, golden):
    spark.range(6).createOrReplaceTempView("sql_cache_src")
    try:
        spark.sql("CACHE TABLE sql_cache_src")
        golden.check("cached", spark.catalog.isCached("sql_cache_src"))
        spark.sql("UNCACHE TABLE sql_cache_src")
        golden.check("uncached", spark.catalog.isCached("sql_cache_src"))
        spark.sql("UNCACHE TABLE IF EXISTS no_such_table_to_uncache")
        golden.check_error(lambda: spark.sql("UNCACHE TABLE no_such_table_to_uncache").collect(), "uncache_unknown")
        spark.sql("CACHE LAZY TABLE sql_cache_src OPTIONS ('storageLevel' 'DISK_ONLY')")
        golden.check("lazy_level", level_text(spark.table("sql_cache_src").storageLevel))
        spark.sql("CLEAR CACHE")
        golden.check("cleared", spark.catalog.isCached("sql_cache_src"))
        spark.sql("CACHE TABLE sql_cache_doubled AS SELECT id * 2 AS d FROM sql_cache_src")
        golden.check("as_select", spark.catalog.isCached("sql_cache_doubled"))
        golden.check_df(spark.table("sql_cache_doubled"), "as_select_rows")
    finally:
        spark.sql("CLEAR CACHE")
        spark.catalog.dropTempView("sql_cache_src")
        spark.catalog.dropTempView("sql_cache_doubled")


def test_cache_table_as_select_computes_once(spark):
    spark.udf.register("stamp_udf", stamp())
    spark.sql("CACHE TABLE sql_cache_stamps AS SELECT id, stamp_udf(id) AS s FROM range(8)")
    try:
        assert sorted(spark.table("sql_cache_stamps").collect()) == sorted(spark.sql("SELECT * FROM sql_cache_stamps").collect())
    finally:
        spark.sql("UNCACHE TABLE sql_cache_stamps")
        spark.catalog.dropTempView("sql_cache_stamps")


def test_explain_shows_the_in_memory_relation(spark):
    df = spark.range(10).select((F.col("id") + 1).alias("y"))
    df.cache()
    try:
        df.count()
        text = df.filter("y > 3")._explain_string(extended=True)
        assert "InMemoryRelation" in text
        assert "InMemoryTableScan" in text
    finally:
        df.unpersist()


@pytest.mark.parametrize("eager", [True, False])
def test_local_checkpoint_keeps_the_rows(spark, eager):
    df = stamped(spark)
    checkpointed = df.localCheckpoint(eager=eager)
    first = sorted(checkpointed.collect())
    assert sorted(checkpointed.collect()) == first
    assert sorted(checkpointed.filter("id < 3").collect()) == first[:3]
    assert checkpointed.columns == ["id", "s"]


def test_local_checkpoint_results(spark, golden):
    df = spark.range(0, 6, 1, 2).select("id", (F.col("id") * 10).alias("t"))
    golden.check_df(df.localCheckpoint(), "eager")
    golden.check_df(df.localCheckpoint(eager=False).filter("t > 10"), "lazy")
