"""Filter pushdown into Python data sources (`DataSourceReader.pushFilters`,
with `spark.sql.python.filterPushdown.enabled`): the reader sees the filters
Spark pushes (with the `IsNotNull` ones Spark infers), applies those it
accepts, and the engine applies the others."""

from conftest import conf, requires_client

pytestmark = requires_client("4.1")


def register_source(spark, accepts_extraneous=False):
    from pyspark.sql.datasource import DataSource, DataSourceReader, EqualTo, GreaterThan, InputPartition

    class Reader(DataSourceReader):
        def __init__(self):
            self.seen = []
            self.minimum = None

        def pushFilters(self, filters):
            for f in filters:
                self.seen.append(repr(f))
                if isinstance(f, GreaterThan) and f.attribute == ("id",):
                    self.minimum = f.value
                    continue
                yield f
            if accepts_extraneous:
                yield EqualTo(("id",), 99)

        def partitions(self):
            return [InputPartition(0)]

        def read(self, partition):
            for i in range(6):
                if self.minimum is None or i > self.minimum:
                    yield (i, f"s{i}", " | ".join(self.seen))

    class Source(DataSource):
        @classmethod
        def name(cls):
            return "pushdown_source"

        def schema(self):
            return "id int, s string, seen string"

        def reader(self, schema):
            return Reader()

    spark.dataSource.register(Source)
    return spark.read.format("pushdown_source").load()


def test_the_reader_sees_the_filters_spark_pushes(spark, golden):
    from pyspark.sql import functions as F

    with conf(spark, "spark.sql.python.filterPushdown.enabled", "true"):
        df = register_source(spark)
        cases = {
            "greater": df.filter("id > 2"),
            "flipped": df.filter("3 > id"),
            "equal_string": df.filter("s = 's1'"),
            "and": df.filter("id > 1 and s != 's3'"),
            "in": df.filter("id in (1, 4)"),
            "not_in": df.filter("id not in (0, 1)"),
            "starts_with": df.filter(F.col("s").startswith("s")),
            "like_suffix": df.filter("s like '%4'"),
            "contains": df.filter(F.col("s").contains("5")),
            "null_safe": df.filter("id <=> 3"),
            "not_null": df.filter("s is not null"),
            "greater_and_or": df.filter("id > 0 and (id = 1 or s = 's5')"),
            "stacked": df.filter("id > 1").filter("s != 's3'"),
            "like_prefix_suffix": df.filter("s like 's%4'"),
            "computed_value": df.filter("id > 3 - 2"),
        }
        for name, query in cases.items():
            golden.check_df(query.select("id", "s", "seen"), name=name, ordered=False)


def test_pushdown_errors(spark, golden):
    def check(name, query):
        try:
            query.collect()
            raise AssertionError("expected an error")
        except Exception as exc:  # noqa: BLE001 - the client's exception is checked
            params = exc.getMessageParameters()
            golden.check(f"{name}_condition", [type(exc).__name__, exc.getCondition(), params["action"], params["type"]])
            # The last line names the error class (and, for extraneous filters, object ids).
            golden.check(f"{name}_last_line", params["msg"].rstrip().split("\n")[-1].split(" Input filters")[0])

    check("disabled", register_source(spark).filter("id > 2"))
    with conf(spark, "spark.sql.python.filterPushdown.enabled", "true"):
        check("extraneous", register_source(spark, accepts_extraneous=True).filter("id > 2"))
