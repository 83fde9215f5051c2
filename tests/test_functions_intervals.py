"""make_ym_interval (defaults, overflow) and try_make_interval, read as text
(the client cannot collect these interval types)."""

from conftest import conf, requires_client
from pyspark.sql import functions as F


def test_make_ym_interval(spark, golden):
    df = spark.createDataFrame([(1, 2), (-3, None), (None, 5)], "y int, m int")
    golden.check_df(df.select(F.make_ym_interval("y", "m").cast("string"), F.make_ym_interval("y").cast("string")))
    golden.check_df(spark.sql("SELECT CAST(make_ym_interval() AS STRING), CAST(make_ym_interval(0, 30) AS STRING)"), "sql")
    golden.check_error(lambda: spark.sql("SELECT make_ym_interval(178956971, 0)").collect())


def test_try_make_interval(spark, golden):
    golden.check_df(spark.sql("SELECT CAST(try_make_interval(1, 2) AS STRING), CAST(try_make_interval(1, 2, 3, 4, 5, 6, 7.5) AS STRING)"))


@requires_client("4.3")
def test_time_bucket(spark, golden):
    import datetime

    T = datetime.datetime
    df = spark.createDataFrame(
        [(T(2024, 1, 2, 3, 4, 5),), (T(1969, 12, 31, 23, 59),), (None,)],
        "t timestamp",
    )
    hour = F.expr("INTERVAL '1' HOUR")
    origin = F.lit(T(2024, 1, 1, 0, 5))
    golden.check_df(df.select(F.time_bucket(hour, "t"), F.time_bucket(F.expr("INTERVAL '15' MINUTE"), "t", origin).alias("b")))
    golden.check_df(df.select(F.time_bucket(F.expr("INTERVAL '1' DAY"), F.col("t").cast("timestamp_ntz")).alias("d")), "ntz")


def test_time_bucket_of_months_and_bad_widths(spark, golden):
    """Year-month widths count months from the origin's wall-clock time (day of month clamped)."""
    with conf(spark, "spark.sql.session.timeZone", "America/Los_Angeles"):
        golden.check_df(
            spark.sql(
                "SELECT time_bucket(INTERVAL '1' MONTH, t, TIMESTAMP'2020-01-31 12:00:00') AS m, "
                "time_bucket(INTERVAL '1-2' YEAR TO MONTH, t) AS y, "
                "time_bucket(INTERVAL '2' MONTH, CAST(t AS TIMESTAMP_NTZ), TIMESTAMP_NTZ'2020-01-15 00:00:00') AS n, "
                "time_bucket(NULL, t) AS z FROM VALUES (TIMESTAMP'2024-03-15 10:00:00'), (TIMESTAMP'2024-03-31 13:00:00'), "
                "(TIMESTAMP'2024-03-31 11:00:00'), (TIMESTAMP'2019-05-10 00:00:00'), (NULL) AS v(t)"
            )
        )
    for name, query in [
        ("zero", "SELECT time_bucket(INTERVAL '0' HOUR, TIMESTAMP_NTZ'2024-03-31 11:00:00')"),
        ("negative", "SELECT time_bucket(INTERVAL '-1' MONTH, TIMESTAMP_NTZ'2024-03-31 11:00:00')"),
        ("column", "SELECT time_bucket(w, TIMESTAMP_NTZ'2024-03-31 11:00:00') FROM VALUES (INTERVAL '2' MONTH) AS t(w)"),
        ("int", "SELECT time_bucket(1, TIMESTAMP_NTZ'2024-03-31 11:00:00')"),
        ("string_time", "SELECT time_bucket(INTERVAL '1' HOUR, '2024-03-31 11:00:00')"),
        ("mixed_origin", "SELECT time_bucket(INTERVAL '1' HOUR, TIMESTAMP_NTZ'2024-03-15 10:20:00', TIMESTAMP'2024-03-15 10:00:00')"),
    ]:
        golden.check_error(lambda: spark.sql(query).collect(), name)


def test_conditionals_widen_interval_units(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT coalesce(INTERVAL '1' DAY, INTERVAL '2' HOUR) AS c, typeof(coalesce(INTERVAL '1' DAY, INTERVAL '2' HOUR)) AS t, "
            "CASE WHEN id = 0 THEN INTERVAL '1' DAY ELSE INTERVAL '2' HOUR END AS w, if(id = 0, INTERVAL '1' HOUR, INTERVAL '30' MINUTE) AS i, "
            "greatest(CASE WHEN id >= 0 THEN INTERVAL '1' DAY END, CASE WHEN id >= 0 THEN INTERVAL '2' HOUR END) AS g, "
            "least(CASE WHEN id >= 0 THEN INTERVAL '1' MINUTE END, CASE WHEN id >= 0 THEN INTERVAL '2' SECOND END) AS l, "
            "nvl(INTERVAL '1' DAY, INTERVAL '2' SECOND) AS n, nvl2(id, INTERVAL '1' DAY, INTERVAL '2' SECOND) AS n2, "
            "coalesce(NULL, INTERVAL '3' MINUTE, INTERVAL '1' SECOND) AS cn, "
            "CAST(coalesce(INTERVAL '1' YEAR, INTERVAL '2' MONTH) AS STRING) AS ym, typeof(if(id = 0, INTERVAL '1' YEAR, INTERVAL '2' MONTH)) AS ymt "
            "FROM range(2)"
        )
    )
    golden.check_df(spark.sql("SELECT INTERVAL '1' DAY AS u UNION ALL SELECT INTERVAL '2' HOUR"), "union", ordered=False)
    df = spark.sql("SELECT CASE WHEN id >= 0 THEN INTERVAL '1' DAY END AS d, CASE WHEN id >= 0 THEN INTERVAL '2' HOUR END AS h FROM range(1)")
    golden.check_df(df.select(F.coalesce("d", "h"), F.greatest("d", "h"), F.when(F.col("d") > F.col("h"), F.col("d")).otherwise(F.col("h"))), "dataframe")


def test_mixed_interval_kinds_fail(spark, golden):
    for name, sql in [
        ("coalesce", "coalesce(INTERVAL '1' YEAR, NULL, INTERVAL '2' DAY)"),
        ("nvl", "nvl(INTERVAL '1' YEAR, INTERVAL '2' DAY)"),
        ("nvl2", "nvl2(1, INTERVAL '1' YEAR, INTERVAL '2' DAY)"),
        ("if", "if(true, INTERVAL '1' YEAR, INTERVAL '2' DAY)"),
        ("case", "CASE WHEN true THEN INTERVAL '1' YEAR ELSE INTERVAL '2' DAY END"),
        ("greatest", "greatest(INTERVAL '1' YEAR, INTERVAL '2' DAY)"),
        ("least", "least(INTERVAL '1' MONTH, INTERVAL '2' HOUR)"),
    ]:
        golden.check_error(lambda: spark.sql(f"SELECT {sql}").collect(), name)
    golden.check_error(lambda: spark.sql("SELECT INTERVAL '1' YEAR UNION ALL SELECT INTERVAL '2' DAY").collect(), "union")


def test_sum_and_avg_of_intervals(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT avg(i) AS a, typeof(avg(i)) AS t, sum(i) AS s, typeof(sum(i)) AS ts, avg(DISTINCT i) AS ad "
            "FROM VALUES (INTERVAL '1' HOUR), (INTERVAL '2' HOUR), (INTERVAL '2' HOUR), (NULL) AS t(i)"
        )
    )
    golden.check_df(
        spark.sql(
            "SELECT avg(i) AS half_up, avg(-i) AS negative FROM VALUES (INTERVAL '0.000001' SECOND), (INTERVAL '0.000002' SECOND) AS t(i)"
        ),
        "rounding",
    )
    golden.check_df(
        spark.sql(
            "SELECT CAST(avg(i) AS STRING) AS a, typeof(avg(i)) AS t, CAST(sum(i) AS STRING) AS s, typeof(sum(i)) AS ts, CAST(avg(-i) AS STRING) AS n "
            "FROM VALUES (INTERVAL '1' MONTH), (INTERVAL '2' MONTH) AS t(i)"
        ),
        "year_month",
    )
    golden.check_df(spark.sql("SELECT avg(i), sum(i) FROM VALUES (INTERVAL '1' DAY) AS t(i) WHERE i IS NULL"), "nulls")
    golden.check_df(spark.range(3).select(F.avg(F.make_dt_interval(F.col("id"))), F.sum(F.make_dt_interval(F.col("id")))), "dataframe")
    golden.check_error(lambda: spark.sql("SELECT sum(i) FROM VALUES (INTERVAL '106751991' DAY), (INTERVAL '106751991' DAY) AS t(i)").collect(), "day_time_overflow")
    golden.check_error(lambda: spark.sql("SELECT avg(i) FROM VALUES (INTERVAL '106751991' DAY), (INTERVAL '106751991' DAY) AS t(i)").collect(), "avg_overflow")
    golden.check_error(lambda: spark.sql("SELECT sum(i) FROM VALUES (INTERVAL '178956970' YEAR), (INTERVAL '178956970' YEAR) AS t(i)").collect(), "year_month_overflow")
    golden.check_df(spark.sql("SELECT try_sum(i), try_avg(i) FROM VALUES (INTERVAL '106751991' DAY), (INTERVAL '106751991' DAY) AS t(i)"), "try")


def test_abs_of_intervals(spark, golden):
    df = spark.sql(
        "SELECT abs(INTERVAL '-1' DAY) a, abs(INTERVAL '-1-2' YEAR TO MONTH) b, abs(INTERVAL '3' HOUR) c, abs(x) d "
        "FROM VALUES (INTERVAL '-5' MINUTE), (NULL) t(x)"
    )
    golden.check("schema", df.schema.simpleString())
    golden.check_df(df.selectExpr(*(f"CAST({c} AS STRING) AS {c}" for c in "abcd")))


def test_percentiles_of_intervals(spark, golden):
    hours = "FROM VALUES (INTERVAL '1' HOUR), (INTERVAL '2' HOUR), (INTERVAL '4' HOUR), (NULL) AS v(i)"
    golden.check_df(
        spark.sql(
            "SELECT percentile(i, 0.5) AS p, percentile(i, array(0.25, 0.75)) AS pa, percentile(i, 0.5, 2) AS pf, median(i) AS m, "
            "percentile_cont(0.4) WITHIN GROUP (ORDER BY i) AS pc, percentile_disc(0.4) WITHIN GROUP (ORDER BY i DESC) AS pd, "
            f"percentile_approx(i, 0.5) AS a, percentile_approx(i, array(0.5, 1.0)) AS aa, histogram_numeric(i, 2) AS h {hours}"
        )
    )
    # Answers between two values are cut toward zero, to a microsecond or a month.
    golden.check_df(
        spark.sql(
            "SELECT percentile(i, 0.5) AS a, percentile(-i, 0.5) AS b, percentile(i, 0.75) AS c "
            "FROM VALUES (INTERVAL '0.000001' SECOND), (INTERVAL '0.000002' SECOND) AS v(i)"
        ),
        "rounding",
    )
    golden.check_df(
        spark.sql(
            "SELECT CAST(percentile(i, 0.5) AS STRING) AS p, CAST(percentile(-i, 0.25) AS STRING) AS n, typeof(percentile(i, 0.5)) AS t, "
            "CAST(percentile_approx(i, 0.5) AS STRING) AS a, typeof(percentile_approx(i, 0.5)) AS ta, CAST(median(i) AS STRING) AS m "
            "FROM VALUES (INTERVAL '1' MONTH), (INTERVAL '2' MONTH), (INTERVAL '4' MONTH) AS v(i)"
        ),
        "year_month",
    )
    golden.check_error(lambda: spark.sql("SELECT percentile(true, 0.5)").collect(), "boolean")
    golden.check_error(lambda: spark.sql("SELECT percentile_approx(true, 0.5)").collect(), "approx_boolean")


def test_extract_from_intervals(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT extract(DAY FROM i) AS d, extract(HOUR FROM i) AS h, extract(MINUTE FROM -i) AS m, extract(SECOND FROM -i) AS s, "
            "date_part('hour', i) AS dh, datepart('minute', i) AS dm, extract(YEAR FROM y) AS yy, extract(MONTH FROM -y) AS ym, "
            "extract(HOUR FROM INTERVAL '30' HOUR) AS oh, extract(MONTH FROM INTERVAL '14' MONTH) AS om "
            "FROM (SELECT INTERVAL '1 2:03:04.5' DAY TO SECOND AS i, INTERVAL '1-5' YEAR TO MONTH AS y)"
        )
    )
    for name, query in [
        ("year_of_day", "SELECT extract(YEAR FROM INTERVAL '1' DAY)"),
        ("day_of_hour", "SELECT extract(DAY FROM INTERVAL '3' HOUR)"),
        ("second_of_minutes", "SELECT extract(SECOND FROM INTERVAL '3:04' HOUR TO MINUTE)"),
        ("dow", "SELECT extract(DOW FROM INTERVAL '3' DAY)"),
    ]:
        golden.check_error(lambda: spark.sql(query).collect(), name)


def test_array_functions_of_intervals_keep_units(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT array_sort(a) AS s, array_max(a) AS mx, array_min(a) AS mn, "
            "slice(a, 1, 1) AS sl, array_remove(a, INTERVAL '1' HOUR) AS rm, sort_array(a) AS sa, typeof(array_sort(a)) AS t, "
            "a = array(INTERVAL '2' HOUR, INTERVAL '1' HOUR, INTERVAL '2' HOUR) AS eq, coalesce(a, a) AS c, "
            "typeof(map_values(map(1, INTERVAL '1' MINUTE))) AS mv "
            "FROM (SELECT array(INTERVAL '2' HOUR, INTERVAL '1' HOUR, INTERVAL '2' HOUR) AS a)"
        )
    )
    golden.check_df(
        spark.sql("SELECT array_distinct(a) AS d, typeof(array_distinct(a)) AS td, reverse(a) AS r, typeof(reverse(a)) AS tr FROM (SELECT array(INTERVAL '2' HOUR, INTERVAL '2' HOUR) AS a)"),
        "nullable",
    )
    golden.check_df(spark.sql("SELECT mode(x) AS m, typeof(mode(x)) AS t FROM VALUES (INTERVAL '1' HOUR), (INTERVAL '1' HOUR) AS v(x)"), "mode")
    golden.check_df(
        spark.sql("SELECT array_join(array(INTERVAL '2' HOUR, NULL, INTERVAL '1:30' HOUR TO MINUTE), ',') AS j, array_join(array(INTERVAL '2' MONTH), '-', 'n') AS k"),
        "array_join",
    )


def test_nested_units_widen(spark, golden):
    golden.check_df(spark.sql("SELECT array(INTERVAL '1' HOUR) AS a UNION ALL SELECT array(INTERVAL '1' MINUTE)"), ordered=False)
    golden.check_df(spark.sql("SELECT named_struct('x', INTERVAL '1' HOUR) AS a UNION SELECT named_struct('x', INTERVAL '1' DAY)"), "struct", ordered=False)
    golden.check_df(
        spark.sql(
            "SELECT CASE WHEN true THEN array(INTERVAL '1' HOUR) ELSE array(INTERVAL '1' MINUTE) END AS a, "
            "if(true, map('a', INTERVAL '1' HOUR), map('a', INTERVAL '1' SECOND)) AS m, coalesce(array(INTERVAL '1' HOUR), array(INTERVAL '1' MINUTE)) AS c, "
            "array(INTERVAL '1' HOUR) IN (array(INTERVAL '60' MINUTE)) AS i"
        ),
        "conditionals",
    )


def test_sequences_with_interval_steps(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT sequence(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-01-01 03:00:00', INTERVAL '1' HOUR) AS h, "
            "sequence(TIMESTAMP'2024-01-01 03:00:00', TIMESTAMP'2024-01-01 00:00:00', INTERVAL '-90' MINUTE) AS m, "
            "sequence(TIMESTAMP_NTZ'2024-01-01 00:00:00', TIMESTAMP_NTZ'2024-01-01 01:00:00', INTERVAL '0:30' HOUR TO MINUTE) AS n, "
            "sequence(TIMESTAMP'2024-01-01 00:00:00', TIMESTAMP'2024-03-01 00:00:00', INTERVAL '1' MONTH) AS mo, "
            "sequence(DATE'2024-01-01', DATE'2024-01-05', INTERVAL '48' HOUR) AS d, sequence(DATE'2024-01-01', DATE'2024-03-01', INTERVAL '1' MONTH) AS dm"
        )
    )
    for name, query in [
        ("interval_start", "SELECT sequence(INTERVAL '1' HOUR, INTERVAL '3' HOUR)"),
        ("integral_start", "SELECT sequence(1, 5, INTERVAL '1' HOUR)"),
        ("date_hours", "SELECT sequence(DATE'2024-01-01', DATE'2024-01-02', INTERVAL '12' HOUR)"),
    ]:
        golden.check_error(lambda: spark.sql(query).collect(), name)


def test_try_arithmetic_of_dates_and_intervals(spark, golden):
    golden.check_df(
        spark.sql(
            "SELECT try_add(DATE'2020-01-01', INTERVAL '1' DAY) a, try_multiply(INTERVAL '1' DAY, 2) b, "
            "try_subtract(DATE'2020-01-01', INTERVAL '1' DAY) c, try_divide(INTERVAL '1' DAY, 2) d, "
            "try_add(INTERVAL '1' DAY, DATE'2020-01-01') e, try_subtract(DATE'2020-01-01', DATE'2019-01-01') f, "
            "try_add(DATE'2020-01-01', 1) g, try_add(TIMESTAMP'2020-01-01 00:00:00', INTERVAL '1' HOUR) h"
        )
    )
