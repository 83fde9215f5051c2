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


def test_pushed_values_have_the_column_type(spark, golden):
    """The values a reader sees are the compared values as the column's type
    (Decimal for a DECIMAL column, float for FLOAT, date for a DATE compared
    with text, bytes, aware datetimes for TIMESTAMP); a comparison with a
    value the column cannot have reads nothing and asks the reader nothing.
    The reader accepts every filter, so its one row shows what it saw."""
    from pyspark.sql.datasource import DataSource, DataSourceReader

    class Reader(DataSourceReader):
        def __init__(self):
            self.seen = "pushFilters not called"

        def pushFilters(self, filters):
            self.seen = "; ".join(
                f"{type(f).__name__} {f.attribute} {getattr(f, 'value', None)!r} {type(getattr(f, 'value', None)).__name__}"
                for f in filters
            )
            return []

        def read(self, partition):
            yield (None, self.seen)

    cases = [
        ("decimal(5,2)", "x in (1.1, 2)"),
        ("decimal", "x = 1"),
        ("decimal", "x in (1.1, 2.1)"),
        ("decimal", "x = 1.5"),
        ("double", "x = 1.1"),
        ("float", "x = 3 / 2"),
        ("float", "x > 1.1"),
        ("decimal(5,2)", "x < 1.234"),
        ("decimal", "x >= 1.5"),
        ("int", "x <= 1.5"),
        ("tinyint", "x = 1"),
        ("date", "x > '2020-1-2'"),
        ("timestamp", "x = timestamp '2020-01-01 00:00:00'"),
        ("binary", "x = X'0102'"),
    ]
    with conf(spark, "spark.sql.python.filterPushdown.enabled", "true"), conf(spark, "spark.sql.session.timeZone", "UTC"):
        for i, (sql_type, condition) in enumerate(cases):
            class Source(DataSource):
                @classmethod
                def name(cls):
                    return "typed_pushdown_source"

                def schema(self):
                    return f"x {sql_type}, seen string"

                def reader(self, schema):
                    return Reader()

            spark.dataSource.register(Source)
            df = spark.read.format("typed_pushdown_source").load().filter(condition)
            golden.check(f"case_{i}", [sql_type, condition, [row.seen for row in df.collect()]])
