"""`arrow_udtf` (pyspark 4.1+): table functions whose `eval` gets Arrow
arrays (scalar arguments) or record batches (TABLE arguments) and yields
Arrow tables or record batches, in the DataFrame API and in SQL."""

import pyarrow as pa
import pyarrow.compute as pc
from pyspark.sql.functions import lit

from conftest import requires_client

pytestmark = requires_client("4.1")


def test_arrow_udtf_with_scalar_arguments(spark, golden):
    from pyspark.sql.functions import arrow_udtf

    @arrow_udtf(returnType="x bigint, doubled bigint, label string")
    class Doubles:
        def eval(self, x: pa.Array, label: pa.Array):
            yield pa.table({"x": x, "doubled": pc.multiply(x, 2), "label": label})

        def terminate(self):
            yield pa.record_batch({"x": pa.array([-1]), "doubled": pa.array([None], pa.int64()), "label": pa.array(["end"])})

    golden.check_df(Doubles(lit(21), lit("a")))
    spark.udtf.register("arrow_doubles", Doubles)
    golden.check_df(spark.sql("SELECT label, doubled FROM arrow_doubles(5, 'sql') WHERE x > 0"), name="sql")


def test_arrow_udtf_with_a_table_argument(spark, golden):
    from pyspark.sql.functions import arrow_udtf

    @arrow_udtf(returnType="id bigint, half double")
    class Halves:
        def eval(self, batch: pa.RecordBatch):
            ids = batch.column("id")
            yield pa.table({"id": ids, "half": pc.divide(pc.cast(ids, pa.float64()), 2.0)})

    @arrow_udtf(returnType="k string, rows bigint, total bigint")
    class PerKey:
        def eval(self, batch: pa.RecordBatch):
            yield pa.table({"k": [batch.column("k")[0].as_py()], "rows": [batch.num_rows], "total": [pc.sum(batch.column("v")).as_py()]})

    golden.check_df(Halves(spark.range(5).asTable()), name="dataframe", ordered=False)
    data = spark.createDataFrame([("a", 1), ("b", 2), ("a", 3), ("c", 4), ("b", 5)], "k string, v long")
    golden.check_df(PerKey(data.asTable().partitionBy("k")), name="partitioned", ordered=False)
    spark.udtf.register("arrow_halves", Halves)
    spark.udtf.register("arrow_per_key", PerKey)
    data.createOrReplaceTempView("arrow_udtf_input")
    try:
        golden.check_df(spark.sql("SELECT * FROM arrow_halves(TABLE(SELECT id FROM range(3)))"), name="sql", ordered=False)
        golden.check_df(
            spark.sql("SELECT * FROM arrow_per_key(TABLE(arrow_udtf_input) PARTITION BY k)"), name="sql_partitioned", ordered=False
        )
    finally:
        spark.catalog.dropTempView("arrow_udtf_input")


def test_arrow_udtf_errors(spark, golden):
    from pyspark.sql.functions import arrow_udtf

    @arrow_udtf(returnType="x int")
    class NotArrow:
        def eval(self, x: pa.Array):
            yield [1]

    @arrow_udtf(returnType="x int, y int")
    class TooFewColumns:
        def eval(self, x: pa.Array):
            yield pa.table({"x": x})

    @arrow_udtf(returnType="x int")
    class DoesNotFit:
        def eval(self, x: pa.Array):
            yield pa.table({"x": pa.array([2**40], pa.int64())})

    @arrow_udtf(returnType="x int")
    class Raises:
        def eval(self, x: pa.Array):
            raise ValueError("no arrow today")

    for name, function in [("not_arrow", NotArrow), ("too_few", TooFewColumns), ("does_not_fit", DoesNotFit), ("raises", Raises)]:
        exc = golden.check_error(lambda: function(lit(1)).collect(), name=name)
        lines = [line for line in str(exc).rstrip().split("\n") if "SQLSTATE" not in line]
        golden.check(f"{name}_last_line", lines[-1])


def test_arrow_udtf_in_a_lateral_join_is_refused(spark, golden):
    from pyspark.sql.functions import arrow_udtf, col

    @arrow_udtf(returnType="x int")
    class One:
        def eval(self, v: pa.Array):
            yield pa.table({"x": pa.array([1], pa.int32())})

    spark.udtf.register("arrow_one", One)
    df = spark.createDataFrame([(1,)], "id int")
    df.createOrReplaceTempView("arrow_lateral_input")
    try:
        golden.check_error(lambda: spark.sql("SELECT * FROM arrow_lateral_input t, LATERAL arrow_one(t.id)").collect(), name="sql")
        golden.check_error(lambda: df.lateralJoin(One(col("id").outer())).collect(), name="dataframe")
    finally:
        spark.catalog.dropTempView("arrow_lateral_input")
