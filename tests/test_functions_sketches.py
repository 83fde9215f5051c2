"""Sketch functions over Apache DataSketches: KLL quantile sketches
(kll_*), Theta sketches (theta_*) and Tuple sketches with integer or double
summaries (tuple_*): aggregates over a whole frame, per group, in SQL and as
window functions, the scalar functions reading and combining sketches, and
their errors. Sketches are compared through what the functions read from
them; Theta and Tuple sketches also byte for byte."""

import pytest
from pyspark.sql import functions as F

from conftest import requires_client


@pytest.fixture
def df(spark):
    return spark.createDataFrame(
        [("x", 1, 1.5, "a", 10), ("x", 2, 2.5, "b", 20), ("x", 2, None, "b", None), ("y", 5, 0.5, "c", 30), ("y", None, -1.0, "", 40)],
        "g string, k int, d double, s string, v int",
    )


@requires_client("4.1")
def test_kll_aggregates_and_accessors(df, golden):
    sketches = df.agg(
        F.kll_sketch_agg_bigint("k").alias("b"),
        F.kll_sketch_agg_double("d").alias("dd"),
        F.kll_sketch_agg_float(F.col("d").cast("float")).alias("ff"),
        F.kll_sketch_agg_bigint("k", 400).alias("b400"),
    )
    golden.check_df(
        sketches.select(
            F.kll_sketch_get_n_bigint("b"),
            F.kll_sketch_get_n_double("dd"),
            F.kll_sketch_get_n_float("ff"),
            F.kll_sketch_get_quantile_bigint("b", F.lit(0.5)),
            F.kll_sketch_get_quantile_bigint("b400", F.array(F.lit(0.0), F.lit(0.25), F.lit(1.0))),
            F.kll_sketch_get_quantile_double("dd", F.lit(0.75)),
            F.kll_sketch_get_quantile_float("ff", F.lit(0.5)),
            F.kll_sketch_get_rank_bigint("b", F.lit(2)),
            F.kll_sketch_get_rank_double("dd", F.lit(1.5)),
            F.kll_sketch_get_rank_float("ff", F.lit(0.0).cast("float")),
            F.kll_sketch_get_n_bigint(F.kll_sketch_merge_bigint("b", "b")),
        )
    )
    golden.check_df(
        df.groupBy("g")
        .agg(F.kll_sketch_agg_bigint("k").alias("b"))
        .select("g", F.kll_sketch_get_n_bigint("b"), F.kll_sketch_get_quantile_bigint("b", F.lit(1.0)))
        .orderBy("g"),
        "grouped",
    )
    merged = df.groupBy("g").agg(F.kll_sketch_agg_double("d").alias("s")).agg(F.kll_merge_agg_double("s").alias("m"))
    golden.check_df(merged.select(F.kll_sketch_get_n_double("m"), F.kll_sketch_get_quantile_double("m", F.lit(0.5))), "merged")
    empty = df.where("k > 100").agg(F.kll_sketch_agg_bigint("k").alias("b"))
    golden.check_df(empty.select(F.kll_sketch_get_n_bigint("b")), "empty")


def test_kll_sql_and_window(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT kll_sketch_get_n_bigint(s), kll_sketch_get_quantile_bigint(s, 0.5), kll_sketch_get_rank_bigint(s, array(1, 3)) "
            "FROM (SELECT kll_sketch_agg_bigint(v) s FROM VALUES (1), (2), (3), (NULL) t(v))"
        )
    )
    golden.check_df(
        spark.sql(
            "SELECT g, kll_sketch_get_n_bigint(kll_sketch_agg_bigint(v) OVER (PARTITION BY g)) n "
            "FROM VALUES ('a', 1), ('a', 2), ('b', 3) t(g, v) ORDER BY g, n"
        ),
        "window",
    )
    text = spark.sql("SELECT kll_sketch_to_string_bigint(kll_sketch_agg_bigint(v)) FROM VALUES (1), (2) t(v)").first()[0]
    golden.check("to_string_lines", [line for line in text.splitlines() if line.split(":")[0].strip() in ("K", "N", "Min Item", "Max Item")])


def test_kll_errors(spark, golden):
    golden.check_error(lambda: spark.sql("SELECT kll_sketch_agg_bigint('a')").collect(), "string_input")
    golden.check_error(lambda: spark.sql("SELECT kll_sketch_agg_double(1)").collect(), "int_for_double")
    golden.check_error(lambda: spark.sql("SELECT kll_sketch_get_n_bigint(X'0102')").collect(), "not_a_sketch")
    golden.check_error(
        lambda: spark.sql("SELECT kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(1), 1.5)").collect(), "rank_out_of_range"
    )
    golden.check_error(
        lambda: spark.sql("SELECT kll_sketch_get_quantile_bigint(kll_sketch_agg_bigint(v), 0.5) FROM VALUES (1) t(v) WHERE v > 3").collect(),
        "empty_sketch",
    )


@requires_client("4.1")
def test_theta(df, golden):
    sketches = df.groupBy("g").agg(
        F.theta_sketch_agg("k").alias("tk"), F.theta_sketch_agg("s", 10).alias("ts"), F.theta_sketch_agg("d").alias("td")
    )
    golden.check_df(sketches.orderBy("g"), "sketches")
    golden.check_df(
        sketches.select(
            "g", F.theta_sketch_estimate("tk"), F.theta_sketch_estimate("ts"), F.theta_sketch_estimate("td")
        ).orderBy("g"),
        "estimates",
    )
    x = sketches.where("g = 'x'").select(F.col("tk").alias("a"))
    y = sketches.where("g = 'y'").select(F.col("tk").alias("b"))
    pair = x.crossJoin(y)
    golden.check_df(
        pair.select(
            F.theta_sketch_estimate(F.theta_union("a", "b")),
            F.theta_sketch_estimate(F.theta_union("a", "b", 5)),
            F.theta_sketch_estimate(F.theta_intersection("a", "a")),
            F.theta_sketch_estimate(F.theta_difference("a", "b")),
        ),
        "set_operations",
    )
    golden.check_df(
        sketches.agg(F.theta_sketch_estimate(F.theta_union_agg("tk")), F.theta_sketch_estimate(F.theta_intersection_agg("tk"))),
        "set_aggregates",
    )


def test_theta_sql_and_errors(spark, golden):
    golden.check_df(
        spark.sql("SELECT theta_sketch_estimate(theta_sketch_agg(v)), theta_sketch_agg(v, 4) FROM VALUES ('a'), ('b'), ('a'), (NULL) t(v)")
    )
    golden.check_error(lambda: spark.sql("SELECT theta_sketch_agg(1, 2)").collect(), "lg_out_of_range")
    golden.check_error(lambda: spark.sql("SELECT theta_sketch_agg(true)").collect(), "boolean_input")
    golden.check_error(lambda: spark.sql("SELECT theta_sketch_estimate(X'0102')").collect(), "not_a_sketch")


@requires_client("4.1")
def test_tuple(df, golden):
    sketches = df.groupBy("g").agg(
        F.tuple_sketch_agg_double("k", "d").alias("td"),
        F.tuple_sketch_agg_integer("s", "v", 12, "max").alias("ti"),
        F.theta_sketch_agg("k").alias("th"),
    )
    golden.check_df(sketches.orderBy("g"), "sketches")
    golden.check_df(
        sketches.select(
            "g",
            F.tuple_sketch_estimate_double("td"),
            F.tuple_sketch_summary_double("td"),
            F.tuple_sketch_summary_double("td", "min"),
            F.tuple_sketch_theta_double("td"),
            F.tuple_sketch_estimate_integer("ti"),
            F.tuple_sketch_summary_integer("ti", "max"),
            F.tuple_sketch_summary_integer("ti", "alwaysone"),
        ).orderBy("g"),
        "readers",
    )
    x = sketches.where("g = 'x'").select(F.col("td").alias("a"), F.col("th").alias("tha"))
    y = sketches.where("g = 'y'").select(F.col("td").alias("b"), F.col("th").alias("thb"))
    pair = x.crossJoin(y)
    golden.check_df(
        pair.select(
            F.tuple_sketch_summary_double(F.tuple_union_double("a", "b")),
            F.tuple_sketch_summary_double(F.tuple_union_double("a", "a", 12, "max"), "max"),
            F.tuple_sketch_summary_double(F.tuple_intersection_double("a", "a", "min"), "min"),
            F.tuple_sketch_estimate_double(F.tuple_difference_double("a", "b")),
            F.tuple_sketch_summary_double(F.tuple_union_theta_double("a", "thb", 12, "sum")),
            F.tuple_sketch_estimate_double(F.tuple_intersection_theta_double("a", "tha")),
            F.tuple_sketch_estimate_double(F.tuple_difference_theta_double("a", "thb")),
        ),
        "set_operations",
    )
    golden.check_df(
        sketches.agg(
            F.tuple_sketch_summary_double(F.tuple_union_agg_double("td")),
            F.tuple_sketch_estimate_double(F.tuple_intersection_agg_double("td")),
            F.tuple_sketch_summary_integer(F.tuple_union_agg_integer("ti", 10, "max"), "max"),
        ),
        "set_aggregates",
    )


def test_tuple_sql_and_errors(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT tuple_sketch_agg_integer(k, v), tuple_sketch_summary_integer(tuple_sketch_agg_integer(k, v)) "
            "FROM VALUES (1, 10), (1, 5), (2, NULL), (3, 7) t(k, v)"
        )
    )
    golden.check_error(lambda: spark.sql("SELECT tuple_sketch_agg_double(1, 1.0, 12, 'foo')").collect(), "bad_mode")
    golden.check_error(lambda: spark.sql("SELECT tuple_sketch_estimate_double(X'0102')").collect(), "not_a_sketch")


def test_kll_and_tuple_variants_sql(spark, golden):
    kll = (
        "WITH s AS (SELECT g, kll_sketch_agg_bigint(v) b, kll_sketch_agg_float(f) f, kll_sketch_agg_double(d) dd "
        "FROM (SELECT g, CAST(d AS DOUBLE) d, v, CAST(d AS FLOAT) f FROM VALUES (1, 1.5, 10), (2, 2.5, 20), (1, 3.5, 30) t(g, d, v)) GROUP BY g) "
    )
    golden.check_df(spark.sql(
        kll + "SELECT kll_sketch_get_n_bigint(kll_merge_agg_bigint(b)) nb, kll_sketch_get_n_float(kll_merge_agg_float(f)) nf, "
        "kll_sketch_get_quantile_double(kll_merge_agg_double(dd), 0.5) qd, kll_sketch_get_quantile_float(kll_merge_agg_float(f), 1.0) qf FROM s"
    ), "kll_merge_agg")
    golden.check_df(spark.sql(
        kll + "SELECT kll_sketch_get_n_double(kll_sketch_merge_double(x.dd, y.dd)) nd, kll_sketch_get_n_float(kll_sketch_merge_float(x.f, y.f)) nf, "
        "kll_sketch_get_quantile_float(kll_sketch_merge_float(x.f, y.f), 0.0) qf, split(kll_sketch_to_string_double(x.dd), '\\n')[0] sd, "
        "split(kll_sketch_to_string_float(x.f), '\\n')[0] sf FROM s x JOIN s y ON x.g = 1 AND y.g = 2"
    ), "kll_scalars")
    tuple_sketches = (
        "WITH t AS (SELECT g, tuple_sketch_agg_integer(k, v) s, theta_sketch_agg(k) th "
        "FROM VALUES (1, 'a', 1), (1, 'b', 2), (2, 'b', 3), (2, 'c', 4) t(g, k, v) GROUP BY g) "
    )
    golden.check_df(spark.sql(
        tuple_sketches + "SELECT tuple_sketch_estimate_integer(tuple_union_integer(x.s, y.s)) u, "
        "tuple_sketch_estimate_integer(tuple_intersection_integer(x.s, y.s)) i, tuple_sketch_estimate_integer(tuple_difference_integer(x.s, y.s)) d, "
        "tuple_sketch_estimate_integer(tuple_union_theta_integer(x.s, y.th)) ut, tuple_sketch_estimate_integer(tuple_intersection_theta_integer(x.s, y.th)) it, "
        "tuple_sketch_estimate_integer(tuple_difference_theta_integer(x.s, y.th)) dt, tuple_sketch_theta_integer(x.s) tt, "
        "tuple_sketch_summary_integer(tuple_intersection_integer(x.s, y.s)) si, tuple_sketch_summary_integer(tuple_union_integer(x.s, y.s)) su "
        "FROM t x JOIN t y ON x.g = 1 AND y.g = 2"
    ), "tuple_scalars")
    golden.check_df(spark.sql(
        tuple_sketches + "SELECT tuple_sketch_estimate_integer(tuple_intersection_agg_integer(s)) e, tuple_sketch_summary_integer(tuple_intersection_agg_integer(s)) m FROM t"
    ), "tuple_intersection_agg")


def test_empty_tuple_sketches_bytes(spark, golden):
    empty = "(SELECT tuple_sketch_agg_double(k, v) s FROM VALUES (1, 1.0D) t(k, v) WHERE k > 5)"
    golden.check_df(
        spark.sql(
            f"SELECT hex(s), hex(tuple_union_double(s, s)), hex(tuple_intersection_double(s, s)) FROM {empty}"
        )
    )
    golden.check_df(spark.sql("SELECT hex(tuple_sketch_agg_double(CAST(NULL AS STRING), 1.0D))"), "null_key")
