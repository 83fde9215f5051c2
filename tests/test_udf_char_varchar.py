"""CHAR and VARCHAR types as Spark Connect clients see them: the server's
DDL parse keeps them (`_parse_datatype_string`, a UDF's return type given
as text; also the precision of TIME), and a pickled UDF declared
CHAR/VARCHAR returns strings."""

import pytest
from pyspark.sql.functions import udf
from pyspark.sql.types import _parse_datatype_string

from conftest import CLIENT


def test_char_and_varchar_ddl(spark, golden):
    # The server's DDL parse keeps CHAR and VARCHAR, as Spark's does.
    texts = ["char(1)", "varchar( 10 )", "a: char(3), b varchar(2) NOT NULL", "array<char(2)>", "map<char(1), varchar(2)>", "string"]
    golden.check("parsed", [repr(_parse_datatype_string(t)) for t in texts])


@pytest.mark.skipif(CLIENT == "4.0", reason="the PySpark 4.0 client has no TIME type")
def test_time_precision_ddl(spark, golden):
    golden.check("parsed", [repr(_parse_datatype_string(t)) for t in ["time(5)", "time( 6 )", "time"]])


@pytest.mark.skipif(CLIENT == "4.0", reason="the PySpark 4.0 client cannot send CHAR/VARCHAR types")
def test_char_and_varchar_udf_results(spark, golden):
    # A pickled UDF declared CHAR/VARCHAR returns strings; the client refuses an Arrow one.
    pickled = spark.range(1).select(udf(lambda: "a", "char(10)", useArrow=False)().alias("c"),
                                    udf(lambda: {"f1": "a"}, "struct<f1: varchar(2)>", useArrow=False)().alias("s"))
    golden.check_rows(pickled.collect(), "pickled")
    golden.check_error(lambda: spark.range(1).select(udf(lambda: "a", "varchar(3)", useArrow=True)().alias("r")).collect(), "arrow")
