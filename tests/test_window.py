"""Window functions: Window specs, frames, ranking, offsets, aggregates over windows, SQL OVER."""

import datetime

import pytest
from pyspark.sql import Window
from pyspark.sql import functions as F


@pytest.fixture
def sales(spark):
    return spark.createDataFrame(
        [
            ("a", 1, 10.0),
            ("a", 2, None),
            ("a", 2, 30.0),
            ("a", 4, 40.0),
            ("b", 1, 5.0),
            ("b", 3, None),
            ("b", 5, 15.0),
            ("c", None, 7.0),
        ],
        "k string, t int, v double",
    )


@pytest.fixture
def dated(spark):
    return spark.createDataFrame(
        [
            ("x", datetime.date(2024, 1, 1), 1),
            ("x", datetime.date(2024, 1, 2), 2),
            ("x", datetime.date(2024, 1, 4), 3),
            ("x", datetime.date(2024, 1, 5), 4),
            ("y", datetime.date(2024, 1, 1), 5),
        ],
        "k string, d date, n int",
    )


def by_k_t():
    return Window.partitionBy("k").orderBy("t")


def ordered(df):
    return df.orderBy("k", "t", "v")


# -- ranking ----------------------------------------------------------------------


def test_row_number(sales, golden):
    golden.check_df(ordered(sales.select("k", "t", "v", F.row_number().over(by_k_t()))))


def test_rank_and_dense_rank(sales, golden):
    golden.check_df(ordered(sales.select("k", "t", "v", F.rank().over(by_k_t()), F.dense_rank().over(by_k_t()))))


def test_percent_rank_and_cume_dist(sales, golden):
    golden.check_df(
        ordered(sales.select("k", "t", "v", F.percent_rank().over(by_k_t()), F.cume_dist().over(by_k_t())))
    )


def test_ntile(sales, golden):
    golden.check_df(ordered(sales.select("k", "t", "v", F.ntile(2).over(by_k_t()))))


def test_ranking_descending_nulls_last(sales, golden):
    w = Window.partitionBy("k").orderBy(F.col("t").desc_nulls_last(), F.col("v").asc_nulls_last())
    golden.check_df(ordered(sales.select("k", "t", "v", F.row_number().over(w).alias("rn"))))


def test_window_without_partition(sales, golden):
    w = Window.orderBy("k", "t", "v")
    golden.check_df(ordered(sales.select("k", "t", "v", F.row_number().over(w).alias("rn"))))


def test_with_column_window(sales, golden):
    golden.check_df(ordered(sales.withColumn("rk", F.rank().over(by_k_t()))))


def test_row_number_needs_order(sales, golden):
    golden.check_error(lambda: sales.select(F.row_number().over(Window.partitionBy("k"))).collect())


# -- offsets ----------------------------------------------------------------------


def test_lag_and_lead(sales, golden):
    golden.check_df(
        ordered(
            sales.select(
                "k", "t", "v",
                F.lag("v").over(by_k_t()),
                F.lead("v").over(by_k_t()),
                F.lag("v", 2).over(by_k_t()),
            )
        )
    )


def test_lag_and_lead_with_defaults(sales, golden):
    golden.check_df(
        ordered(
            sales.select(
                "k", "t", "v",
                F.lag("v", 1, -1.0).over(by_k_t()),
                F.lead("t", 2, 0).over(by_k_t()),
            )
        )
    )


def test_first_last_ignore_nulls(sales, golden):
    w = by_k_t().rowsBetween(Window.unboundedPreceding, Window.unboundedFollowing)
    golden.check_df(
        ordered(
            sales.select(
                "k", "t", "v",
                F.first("v").over(w),
                F.last("v").over(w),
                F.first("v", ignorenulls=True).over(w),
                F.last("v", ignorenulls=True).over(w),
            )
        )
    )


def test_first_last_default_frame(sales, golden):
    golden.check_df(ordered(sales.select("k", "t", "v", F.first("v").over(by_k_t()), F.last("v").over(by_k_t()))))


def test_nth_value(sales, golden):
    golden.check_df(
        ordered(
            sales.select(
                "k", "t", "v",
                F.nth_value("v", 2).over(by_k_t()),
                F.nth_value("v", 2, ignoreNulls=True).over(by_k_t()),
            )
        )
    )


# -- aggregates over windows -------------------------------------------------------


def test_nth_value_offsets(spark, golden):
    rows = "FROM VALUES (1, 1), (2, 1) AS t(x, y)"
    golden.check_df(spark.sql(f"SELECT nth_value(x, 1.5) OVER (ORDER BY x) a, nth_value(x, '2') OVER (ORDER BY x) b {rows}"), ordered=False)
    for name, offset in {"zero": "0", "null": "NULL", "column": "y", "boolean": "true"}.items():
        golden.check_error(lambda: spark.sql(f"SELECT nth_value(x, {offset}) OVER (ORDER BY x) {rows}").collect(), name)
    golden.check_error(lambda: spark.sql("SELECT percentile_approx(1, 0.5, 0)").collect(), "percentile_accuracy")


def test_aggregates_over_partition(sales, golden):
    w = Window.partitionBy("k")
    golden.check_df(
        ordered(
            sales.select(
                "k", "t", "v",
                F.sum("v").over(w), F.avg("v").over(w), F.count("v").over(w),
                F.min("t").over(w), F.max("t").over(w),
            )
        )
    )


def test_running_sum_default_range_frame(sales, golden):
    # Ties on t share the running total: the default frame is a RANGE frame.
    golden.check_df(ordered(sales.select("k", "t", "v", F.sum("v").over(by_k_t()), F.count("*").over(by_k_t()))))


def test_rows_between_offsets(sales, golden):
    w = by_k_t().rowsBetween(-1, 1)
    golden.check_df(ordered(sales.orderBy("k", "t", "v").select("k", "t", "v", F.sum("t").over(w))), show=False)


def test_rows_between_unbounded_and_current(sales, golden):
    w = Window.partitionBy("k").orderBy("t", "v").rowsBetween(Window.unboundedPreceding, Window.currentRow)
    golden.check_df(ordered(sales.select("k", "t", "v", F.sum("v").over(w), F.max("v").over(w))))


def test_rows_between_current_and_unbounded(sales, golden):
    w = Window.partitionBy("k").orderBy("t", "v").rowsBetween(Window.currentRow, Window.unboundedFollowing)
    golden.check_df(ordered(sales.select("k", "t", "v", F.sum("v").over(w), F.min("t").over(w))))


def test_range_between_numbers(sales, golden):
    w = by_k_t().rangeBetween(-1, 1)
    golden.check_df(ordered(sales.select("k", "t", "v", F.sum("v").over(w), F.count("v").over(w))))


def test_range_between_unbounded_following(sales, golden):
    w = by_k_t().rangeBetween(0, Window.unboundedFollowing)
    golden.check_df(ordered(sales.select("k", "t", "v", F.sum("v").over(w))))


def test_range_frame_over_dates_sql(spark, dated, golden):
    dated.createOrReplaceTempView("dated_events")
    golden.check_df(
        spark.sql(
            "SELECT k, d, n, sum(n) OVER (PARTITION BY k ORDER BY d "
            "RANGE BETWEEN INTERVAL 1 DAY PRECEDING AND CURRENT ROW) AS s "
            "FROM dated_events ORDER BY k, d"
        )
    )


def test_window_expression_arithmetic(sales, golden):
    w = Window.partitionBy("k")
    golden.check_df(ordered(sales.select("k", "t", "v", (F.col("v") / F.sum("v").over(w)).alias("share"))))


def test_filter_on_window_column(sales, golden):
    ranked = sales.withColumn("rn", F.row_number().over(Window.partitionBy("k").orderBy(F.desc("v"))))
    golden.check_df(ranked.filter("rn = 1").orderBy("k"))


# -- SQL ---------------------------------------------------------------------------


def test_sql_over(spark, sales, golden):
    sales.createOrReplaceTempView("sales")
    golden.check_df(
        spark.sql(
            "SELECT k, t, v, row_number() OVER (PARTITION BY k ORDER BY t, v) AS rn, "
            "sum(v) OVER (PARTITION BY k) AS total, "
            "lag(v) OVER (PARTITION BY k ORDER BY t, v) "
            "FROM sales ORDER BY k, t, v"
        )
    )


def test_sql_rows_frame(spark, sales, golden):
    sales.createOrReplaceTempView("sales")
    golden.check_df(
        spark.sql(
            "SELECT k, t, v, sum(t) OVER (PARTITION BY k ORDER BY t, v "
            "ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM sales ORDER BY k, t, v"
        )
    )


def test_sql_named_window(spark, sales, golden):
    sales.createOrReplaceTempView("sales")
    golden.check_df(
        spark.sql(
            "SELECT k, t, v, rank() OVER w AS r, max(v) OVER w AS m FROM sales "
            "WINDOW w AS (PARTITION BY k ORDER BY t) ORDER BY k, t, v"
        )
    )


def test_sql_qualify(spark, sales, golden):
    sales.createOrReplaceTempView("sales")
    golden.check_df(
        spark.sql(
            "SELECT k, t, v FROM sales "
            "QUALIFY row_number() OVER (PARTITION BY k ORDER BY t DESC, v) = 1 ORDER BY k"
        )
    )


def test_windows_over_aggregates(spark, sales, golden):
    """Window functions whose arguments or ordering are aggregates run over the aggregated rows."""
    sales.createOrReplaceTempView("window_sales")
    golden.check_df(
        spark.sql(
            "SELECT k, sum(v) AS s, sum(sum(v)) OVER (ORDER BY k) AS running, "
            "rank() OVER (ORDER BY count(*) DESC, k) AS r, sum(v) / sum(sum(v)) OVER () AS share "
            "FROM window_sales GROUP BY k ORDER BY k"
        ),
        "sql",
    )
    golden.check_df(
        spark.sql("SELECT k, t, max(v), dense_rank() OVER (PARTITION BY k ORDER BY max(v) DESC) FROM window_sales GROUP BY k, t ORDER BY k, t"),
        "sql_partitioned",
    )
    golden.check_df(
        spark.sql("SELECT k, sum(v), row_number() OVER (ORDER BY k) FROM window_sales GROUP BY ROLLUP(k) ORDER BY k"),
        "sql_rollup",
    )
    golden.check_df(
        sales.groupBy("k").agg(F.sum("v").alias("s"), F.sum(F.sum("v")).over(Window.orderBy("k")).alias("running")).orderBy("k"),
        "dataframe",
    )



def test_window_functions_without_a_window_fail_as_spark(spark, golden):
    df = spark.range(3)
    calls = {"row_number": F.row_number(), "rank": F.rank(), "lag": F.lag("id"), "ntile": F.ntile(2), "nth_value": F.nth_value("id", 2), "cume_dist": F.cume_dist(), "lead": F.lead("id", 2, 0)}
    for name, call in calls.items():
        golden.check_error(lambda: df.select(call).collect(), name)
    golden.check_error(lambda: spark.sql("SELECT nth_value(id, 2) FROM range(3)").collect(), "sql_nth_value")
    golden.check_df(df.select(F.first_value("id")), "first_value_is_an_aggregate")


def test_explicit_frames_spark_refuses_fail_as_spark(spark, golden):
    df = spark.createDataFrame([(1, 1), (1, 2), (2, 3)], "g int, v int")
    w = Window.partitionBy("g").orderBy("v")
    calls = {
        "rank_rows": F.rank().over(w.rowsBetween(-1, 0)),
        "row_number_range": F.row_number().over(w.rangeBetween(Window.unboundedPreceding, Window.currentRow)),
        "ntile_rows": F.ntile(2).over(w.rowsBetween(-1, 1)),
        "cume_dist_rows": F.cume_dist().over(w.rowsBetween(-1, 0)),
        "lag_rows": F.lag("v").over(w.rowsBetween(-1, 0)),
        "lead_range": F.lead("v").over(w.rangeBetween(0, 1)),
        "nth_value_unordered": F.nth_value("v", 1).over(Window.partitionBy("g")),
        "lag_unordered": F.lag("v").over(Window.partitionBy("g")),
    }
    for name, call in calls.items():
        golden.check_error(lambda: df.select(call).collect(), name)
    golden.check_df(df.select("g", "v", F.dense_rank().over(w.rowsBetween(Window.unboundedPreceding, Window.currentRow)).alias("r")), "own_frame", ordered=False)


def test_frames_spark_cannot_use_fail_as_spark(spark, golden):
    df = spark.createDataFrame([(1, "a", datetime.date(2020, 1, 1))], "id int, s string, d date")
    frames = {
        "date_by_bigint": Window.partitionBy("s").orderBy("d").rangeBetween(-1, 1),
        "string_lower": Window.orderBy("s").rangeBetween(-1, Window.currentRow),
        "string_upper": Window.orderBy("s").rangeBetween(Window.unboundedPreceding, 2),
        "without_order": Window.partitionBy("s").rangeBetween(-1, 1),
        "lower_past_upper": Window.orderBy("id").rangeBetween(2, 1),
        "rows_lower_past_upper": Window.orderBy("id").rowsBetween(1, -1),
    }
    for name, frame in frames.items():
        golden.check_error(lambda: df.select(F.count("id").over(frame)).collect(), name)
    with pytest.raises(Exception) as several_orders:
        df.select(F.count("id").over(Window.orderBy("s", "id").rangeBetween(-1, 1))).collect()
    assert several_orders.value.getCondition() == "DATATYPE_MISMATCH.RANGE_FRAME_MULTI_ORDER"
    unbounded = Window.orderBy("s", "id").rangeBetween(Window.unboundedPreceding, Window.currentRow)
    golden.check_df(df.select(F.count("id").over(unbounded).alias("n")), "several_orders_unbounded")
    by_days = "SELECT count(id) OVER (ORDER BY d RANGE BETWEEN {} PRECEDING AND CURRENT ROW) n FROM VALUES (1, DATE'2020-01-01'), (2, DATE'2020-01-02') t(id, d)"
    golden.check_df(spark.sql(by_days.format("1")), "date_by_days", ordered=False)
    golden.check_df(spark.sql(by_days.format("INTERVAL '1' DAY")), "date_by_interval", ordered=False)
