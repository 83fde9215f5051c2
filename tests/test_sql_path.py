"""`SET PATH` and `current_path()` (behind `spark.sql.path.enabled`)."""

from pyspark.sql import functions as sf

from conftest import conf


def test_set_path_needs_the_setting(spark, golden):
    golden.check("default", spark.sql("SELECT current_path()").first()[0])
    golden.check_error(lambda: spark.sql("SET PATH = spark_catalog.default"), "disabled")


def test_set_path(spark, golden):
    with conf(spark, "spark.sql.path.enabled", "true"):
        try:
            spark.sql("SET PATH = spark_catalog.default, system.builtin")
            golden.check("sql", spark.sql("SELECT current_path()").first()[0])
            golden.check("dataframe", spark.range(1).select(sf.call_function("current_path")).first()[0])
            spark.sql("SET PATH = SYSTEM_PATH")
            golden.check("system", spark.sql("SELECT current_path()").first()[0])
        finally:
            spark.sql("SET PATH = DEFAULT_PATH")
        golden.check("reset", spark.sql("SELECT current_path()").first()[0])
