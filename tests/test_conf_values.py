"""`spark.conf` values as Spark gives them: defaults of settings Spark
always has, the caller's default for unset ones, and null values refused."""

import pytest


def test_defaults_and_null_values(spark, golden):
    key = "spark.sql.sources.partitionOverwriteMode"
    golden.check("partition_overwrite_mode", [spark.conf.get(key), spark.conf.get(key, None)])
    with pytest.raises(Exception) as failure:
        spark.conf.set("ember.test.null.value", None)
    golden.check("null_value", type(failure.value).__name__)
