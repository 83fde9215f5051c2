"""Grouped-aggregate `pandas_udf`s as window functions."""

import pandas as pd
from pyspark.sql import Window
from pyspark.sql.functions import pandas_udf


def test_pandas_udf_over_windows(spark, golden):
    @pandas_udf("double")
    def mean_udf(v: pd.Series) -> float:
        return v.mean()

    @pandas_udf("long")
    def count_udf(v: pd.Series) -> int:
        return len(v)

    df = spark.createDataFrame([(1, 1.0), (1, 2.0), (2, 3.0), (2, 5.0), (2, 10.0)], "id long, v double")
    whole = Window.partitionBy("id")
    growing = Window.partitionBy("id").orderBy("v").rowsBetween(Window.unboundedPreceding, Window.currentRow)
    sliding = Window.partitionBy("id").orderBy("v").rowsBetween(-1, 0)
    golden.check_df(df.withColumn("m", mean_udf(df.v).over(whole)).orderBy("id", "v"), name="partition")
    golden.check_df(
        df.select("id", "v", mean_udf(df.v).over(growing), count_udf(df.v).over(sliding)).orderBy("id", "v"),
        name="row_frames",
    )


def test_pandas_udf_window_over_exploded_column(spark, golden):
    """The shape of Spark's own window UDF tests: a column made by
    `withColumn(name, explode(…))`."""
    from pyspark.sql.functions import array, col, explode, lit

    @pandas_udf("double")
    def mean_udf(v: pd.Series) -> float:
        return v.mean()

    df = (
        spark.range(3)
        .withColumn("vs", array([lit(i) for i in range(20, 24)]))
        .withColumn("v", explode(col("vs")))
        .drop("vs")
        .withColumn("w", lit(1.0))
    )
    golden.check_df(df, name="exploded", ordered=False)
    w = Window.partitionBy("id").orderBy("v").rowsBetween(-1, 1)
    golden.check_df(df.withColumn("m", mean_udf(df.v).over(w)).orderBy("id", "v"), name="sliding")
