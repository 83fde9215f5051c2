"""Session-level behaviour: conf, version, isolation, schema, explain, interrupts, caching."""

import re
import threading
import time

import pytest
from pyspark import StorageLevel
from pyspark.sql import functions as F

from conftest import describe_error

# -- spark.conf ------------------------------------------------------------------------------


def test_conf_set_and_get(spark, golden):
    spark.conf.set("spark.ember.test.key", "value1")
    try:
        golden.check("value", spark.conf.get("spark.ember.test.key"))
    finally:
        spark.conf.unset("spark.ember.test.key")


def test_conf_set_non_string_values(spark, golden):
    spark.conf.set("spark.ember.test.int", 5)
    spark.conf.set("spark.ember.test.bool", True)
    try:
        golden.check("int", spark.conf.get("spark.ember.test.int"))
        golden.check("bool", spark.conf.get("spark.ember.test.bool"))
    finally:
        spark.conf.unset("spark.ember.test.int")
        spark.conf.unset("spark.ember.test.bool")


def test_conf_get_with_default(spark, golden):
    golden.check("missing", spark.conf.get("spark.ember.test.absent", "fallback"))
    golden.check("missing_none", spark.conf.get("spark.ember.test.absent", None))


def test_conf_get_missing_key_fails(spark, golden):
    golden.check_error(lambda: spark.conf.get("spark.ember.test.absent"))


def test_conf_builtin_defaults(spark, golden):
    golden.check("shuffle_partitions", spark.conf.get("spark.sql.shuffle.partitions"))
    golden.check("ansi", spark.conf.get("spark.sql.ansi.enabled"))
    golden.check("time_zone", spark.conf.get("spark.sql.session.timeZone"))


def test_conf_builtin_default_overridden_by_argument(spark, golden):
    golden.check("value", spark.conf.get("spark.sql.shuffle.partitions", "7"))


def test_conf_unset_restores_default(spark, golden):
    spark.conf.set("spark.sql.shuffle.partitions", "3")
    golden.check("set", spark.conf.get("spark.sql.shuffle.partitions"))
    spark.conf.unset("spark.sql.shuffle.partitions")
    golden.check("unset", spark.conf.get("spark.sql.shuffle.partitions"))


def test_conf_unset_custom_key_removes_it(spark, golden):
    spark.conf.set("spark.ember.test.gone", "x")
    spark.conf.unset("spark.ember.test.gone")
    golden.check("after_unset", spark.conf.get("spark.ember.test.gone", "default"))


def test_conf_get_all_contains_set_values(spark):
    spark.conf.set("spark.ember.test.all", "yes")
    try:
        everything = spark.conf.getAll
        assert isinstance(everything, dict)
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in everything.items())
        assert everything["spark.ember.test.all"] == "yes"
        assert everything["spark.sql.session.timeZone"] == "UTC"
    finally:
        spark.conf.unset("spark.ember.test.all")


def test_conf_is_modifiable(spark, golden):
    golden.check("sql_conf", spark.conf.isModifiable("spark.sql.shuffle.partitions"))
    golden.check("ansi", spark.conf.isModifiable("spark.sql.ansi.enabled"))
    golden.check("static_conf", spark.conf.isModifiable("spark.sql.warehouse.dir"))
    golden.check("unknown", spark.conf.isModifiable("spark.ember.test.unknown"))


def test_conf_set_through_sql(spark, golden):
    spark.sql("SET spark.ember.test.sql = hello").collect()
    try:
        golden.check("value", spark.conf.get("spark.ember.test.sql"))
        golden.check_df(spark.sql("SET spark.ember.test.sql"), "set_show")
    finally:
        spark.conf.unset("spark.ember.test.sql")


def test_set_verbose_lists_sql_settings(spark, golden):
    """`SET -v`: Spark's schema; Ember's meanings are its own, so only keys and values are compared."""
    spark.conf.set("spark.sql.shuffle.partitions", "7")
    spark.conf.set("spark.ember.test.verbose", "x")
    try:
        df = spark.sql("SET -v")
        golden.check("schema", df.schema.jsonValue())
        keys = ["spark.sql.ansi.enabled", "spark.sql.shuffle.partitions", "spark.sql.session.timeZone", "spark.ember.test.verbose"]
        golden.check_df(df.filter(df.key.isin(keys)).select("key", "value").orderBy("key"), "known_keys")
    finally:
        spark.conf.unset("spark.sql.shuffle.partitions")
        spark.conf.unset("spark.ember.test.verbose")


def test_conf_time_zone_affects_queries(spark, golden):
    spark.conf.set("spark.sql.session.timeZone", "Asia/Kolkata")
    try:
        golden.check_df(spark.sql("SELECT CAST(TIMESTAMP'2024-01-01 00:00:00' AS STRING) AS s, current_timezone() AS tz"))
    finally:
        spark.conf.set("spark.sql.session.timeZone", "UTC")


# -- version -----------------------------------------------------------------------------------


def test_version_shape(spark):
    assert re.fullmatch(r"\d+\.\d+\.\d+(?:[-.][\w.]+)?", spark.version), spark.version


def test_version_sql_function_shape(spark):
    (row,) = spark.sql("SELECT version() AS v").collect()
    assert re.fullmatch(r"\d+\.\d+\.\d+\S* \S+", row.v), row.v


# -- isolation between sessions ------------------------------------------------------------------


def test_sessions_have_separate_temp_views(spark, fresh_spark, golden):
    spark.range(3).createOrReplaceTempView("sess_private_view")
    try:
        golden.check("own", spark.table("sess_private_view").count())
        golden.check_error(lambda: fresh_spark.table("sess_private_view").collect())
    finally:
        spark.catalog.dropTempView("sess_private_view")


def test_sessions_have_separate_conf(spark, fresh_spark, golden):
    spark.conf.set("spark.ember.test.isolated", "mine")
    try:
        golden.check("own", spark.conf.get("spark.ember.test.isolated"))
        golden.check("other", fresh_spark.conf.get("spark.ember.test.isolated", "not visible"))
    finally:
        spark.conf.unset("spark.ember.test.isolated")


def test_sessions_have_distinct_ids(spark, fresh_spark):
    assert spark.session_id != fresh_spark.session_id


def test_new_session_sees_conf_defaults(fresh_spark, golden):
    golden.check("ansi", fresh_spark.conf.get("spark.sql.ansi.enabled"))


# -- schema inspection ---------------------------------------------------------------------------


@pytest.fixture
def sample(spark):
    return spark.sql(
        "SELECT 1 AS i, 'x' AS s, CAST(NULL AS DOUBLE) AS d, array(1) AS a, "
        "map('k', 1.5) AS m, named_struct('p', 1L, 'q', DATE'2024-01-01') AS st, "
        "CAST(1 AS DECIMAL(7,3)) AS dec, TIMESTAMP'2024-01-01 00:00:00' AS ts"
    )


def test_schema(sample, golden):
    golden.check("schema", sample.schema.jsonValue())


def test_dtypes(sample, golden):
    golden.check("dtypes", sample.dtypes)


def test_columns(sample, golden):
    golden.check("columns", sample.columns)


def test_print_schema(sample, capsys, golden):
    sample.printSchema()
    golden.check_show(capsys.readouterr().out)


def test_print_schema_level(sample, capsys, golden):
    sample.printSchema(1)
    golden.check_show(capsys.readouterr().out)


def test_schema_of_range(spark, golden):
    golden.check("schema", spark.range(1).schema.jsonValue())


# -- explain ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", [None, "simple", "extended", "codegen", "cost", "formatted"])
def test_explain_prints_a_plan(spark, capsys, mode):
    df = spark.range(10).filter("id > 3").groupBy((F.col("id") % 2).alias("k")).count()
    if mode is None:
        df.explain()
    else:
        df.explain(mode=mode)
    out = capsys.readouterr().out
    assert out.strip(), f"explain({mode!r}) printed nothing"
    if mode in (None, "simple"):
        assert out.startswith("== Physical Plan ==")
    if mode == "extended":
        for header in ("== Parsed Logical Plan ==", "== Analyzed Logical Plan ==",
                       "== Optimized Logical Plan ==", "== Physical Plan =="):
            assert header in out, header


def test_explain_extended_flag(spark, capsys):
    spark.range(3).explain(True)
    assert "== Physical Plan ==" in capsys.readouterr().out


# -- DataFrame properties -----------------------------------------------------------------------------


def test_is_local(spark, golden):
    golden.check("local_relation", spark.createDataFrame([(1,)], "a int").isLocal())
    golden.check("range", spark.range(3).isLocal())
    golden.check("sql_literal", spark.sql("SELECT 1").isLocal())


def test_is_streaming(spark, golden):
    golden.check("range", spark.range(3).isStreaming)


def test_same_semantics_shape(spark):
    a = spark.range(10).filter("id > 2")
    b = spark.range(10).filter("id > 2")
    c = spark.range(10).filter("id > 3")
    assert a.sameSemantics(b) is True
    assert a.sameSemantics(c) is False


def test_semantic_hash_shape(spark):
    a = spark.range(10).filter("id > 2")
    b = spark.range(10).filter("id > 2")
    ha, hb = a.semanticHash(), b.semanticHash()
    assert isinstance(ha, int) and isinstance(hb, int)
    assert ha == hb


# -- interrupt -------------------------------------------------------------------------------------------


def test_interrupt_all_stops_a_running_query(remote_url, golden):
    from conftest import new_session

    session = new_session(remote_url)
    outcome = {}

    def run():
        try:
            # The filter keeps engines from answering the count from statistics.
            left = session.range(10**8)
            right = session.range(10**8).select(F.col("id").alias("j"))
            joined = left.crossJoin(right).filter((F.col("id") + F.col("j")) % 7 == 3)
            outcome["result"] = joined.count()
        except Exception as exc:  # noqa: BLE001
            outcome["error"] = exc

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    interrupted = []
    deadline = time.monotonic() + 60
    while not interrupted and time.monotonic() < deadline and worker.is_alive():
        time.sleep(0.5)
        interrupted = session.interruptAll()
    assert interrupted, f"interruptAll found no running operation ({outcome})"
    assert all(isinstance(op, str) and op for op in interrupted)
    worker.join(30)
    assert not worker.is_alive(), "the query kept running after interruptAll"
    assert "result" not in outcome, outcome
    golden.check("error", describe_error(outcome["error"]))
    assert session.range(5).count() == 5, "session no longer answers after interrupt"
    session.stop()


def test_interrupt_all_with_nothing_running(fresh_spark, golden):
    golden.check("interrupted", fresh_spark.interruptAll())


# -- caching ---------------------------------------------------------------------------------------------


def level(df):
    s = df.storageLevel
    return [s.useDisk, s.useMemory, s.useOffHeap, s.deserialized, s.replication]


def test_storage_level_of_uncached(spark, golden):
    golden.check("level", level(spark.range(5)))


def test_cache_sets_storage_level(spark, golden):
    df = spark.range(5).withColumn("sq", F.col("id") * F.col("id"))
    df.cache()
    try:
        golden.check("level", level(df))
        golden.check_df(df, "data")
    finally:
        df.unpersist()
    golden.check("after_unpersist", level(df))


@pytest.mark.parametrize("name", ["MEMORY_ONLY", "DISK_ONLY", "MEMORY_AND_DISK", "MEMORY_AND_DISK_DESER"])
def test_persist_with_level(spark, golden, name):
    df = spark.range(3).filter(F.col("id") > 0)
    df.persist(getattr(StorageLevel, name))
    try:
        golden.check("level", level(df))
        golden.check("count", df.count())
    finally:
        df.unpersist(blocking=True)


def test_persist_default_level(spark, golden):
    df = spark.range(4).select((F.col("id") + 1).alias("x"))
    df.persist()
    try:
        golden.check("level", level(df))
    finally:
        df.unpersist()


def test_cached_and_uncached_results_agree(spark):
    df = spark.range(100).select((F.col("id") % 7).alias("k")).groupBy("k").count().orderBy("k")
    before = df.collect()
    df.cache()
    try:
        assert df.collect() == before
    finally:
        df.unpersist()


def test_builder_options_are_set_silently(remote_url):
    # getOrCreate()/create() send the builder's options as one silent set:
    # Spark skips the ones it cannot set (static configs such as the app name).
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.remote(remote_url)
        .appName("silent-options")
        .config("spark.sql.shuffle.partitions", "7")
        .create()
    )
    try:
        assert session.conf.get("spark.sql.shuffle.partitions") == "7"
        assert session.range(2).count() == 2
    finally:
        session.stop()


def test_deprecated_config_names_set_the_current_setting(fresh_spark):
    fresh_spark.conf.set("spark.sql.execution.arrow.enabled", "false")
    assert fresh_spark.conf.get("spark.sql.execution.arrow.pyspark.enabled") == "false"
    assert fresh_spark.conf.get("spark.sql.execution.arrow.enabled") == "false"
