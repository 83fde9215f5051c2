"""Python data sources (`spark.dataSource.register`) read with
`spark.read.format(name).load()`."""

from pyspark.sql.datasource import DataSource, DataSourceReader, InputPartition


def define_sources():
    """The data source classes, defined in a function so that the client
    pickles them by value (the server cannot import this module)."""

    class CountingReader(DataSourceReader):
        def __init__(self, options):
            self.rows = int(options.get("rows", "3"))

        def partitions(self):
            return [InputPartition(i) for i in range(3)]

        def read(self, partition):
            for i in range(self.rows):
                yield (partition.value * 100 + i, f"part{partition.value}")


    class CountingSource(DataSource):
        @classmethod
        def name(cls):
            return "counting"

        def schema(self):
            return "id int, label string"

        def reader(self, schema):
            return CountingReader(self.options)


    class TaskReader(DataSourceReader):
        def partitions(self):
            return [InputPartition(i) for i in range(3)]

        def read(self, partition):
            from pyspark import TaskContext

            yield (partition.value, TaskContext.get().partitionId())

    class TaskSource(DataSource):
        @classmethod
        def name(cls):
            return "task_ids"

        def schema(self):
            return "value int, task_partition int"

        def reader(self, schema):
            return TaskReader()

    class ArrowReader(DataSourceReader):
        def read(self, partition):
            import pyarrow as pa

            yield pa.RecordBatch.from_pydict({"x": [1, 2], "y": ["a", None]})


    class ArrowSource(DataSource):
        @classmethod
        def name(cls):
            return "arrow_batches"

        def schema(self):
            from pyspark.sql.types import LongType, StringType, StructField, StructType

            return StructType([StructField("x", LongType()), StructField("y", StringType())])

        def reader(self, schema):
            return ArrowReader()


    class FailingSchema(DataSource):
        @classmethod
        def name(cls):
            return "failing_schema"

        def schema(self):
            raise ValueError("no schema here")


    class FailingReader(DataSource):
        @classmethod
        def name(cls):
            return "failing_reader"

        def schema(self):
            return "x int"

        def reader(self, schema):
            raise ValueError("no reader")


    class WrongRows(DataSource):
        @classmethod
        def name(cls):
            return "wrong_rows"

        def schema(self):
            return "x int, y int"

        def reader(self, schema):
            class Reader(DataSourceReader):
                def read(self, partition):
                    yield (1,)

            return Reader()

    sources = (CountingSource, TaskSource, ArrowSource, FailingSchema, FailingReader, WrongRows)
    return {c.name(): c for c in sources}


def test_python_data_source_reads(spark, golden):
    sources = define_sources()
    spark.dataSource.register(sources["counting"])
    spark.dataSource.register(sources["arrow_batches"])
    golden.check_df(spark.read.format("counting").load(), name="partitions", ordered=False)
    golden.check_df(spark.read.format("counting").option("rows", 1).load().filter("id > 0"), name="options", ordered=False)
    golden.check_df(
        spark.read.format("counting").schema("id bigint, label string").option("rows", 2).load(),
        name="user_schema",
        ordered=False,
    )
    golden.check_df(spark.read.format("arrow_batches").load(), name="arrow")
    spark.dataSource.register(sources["task_ids"])
    golden.check_df(spark.read.format("task_ids").load(), name="task_context", ordered=False)


def test_python_data_source_errors(spark, golden):
    sources = define_sources()
    for name in ("failing_schema", "failing_reader", "wrong_rows"):
        spark.dataSource.register(sources[name])
    for name in ("failing_schema", "failing_reader"):
        try:
            spark.read.format(name).load().collect()
            raise AssertionError("expected an error")
        except Exception as exc:  # noqa: BLE001 - the client's exception is checked
            params = exc.getMessageParameters()
            golden.check(f"{name}_condition", [type(exc).__name__, exc.getCondition(), params["action"], params["type"]])
            golden.check(f"{name}_last_line", params["msg"].rstrip().split("\n")[-1])
    try:
        spark.read.format("wrong_rows").load().collect()
        raise AssertionError("expected an error")
    except Exception as exc:  # noqa: BLE001
        golden.check("wrong_rows", [type(exc).__name__, "DATA_SOURCE_RETURN_SCHEMA_MISMATCH" in str(exc)])


def define_sink():
    """A data source whose writer counts rows per task and writes, on commit
    or abort, a JSON summary to its `path`."""
    import json
    from dataclasses import dataclass

    from pyspark.sql.datasource import DataSource, DataSourceWriter, WriterCommitMessage

    @dataclass
    class Counted(WriterCommitMessage):
        rows: int
        total: int

    class SummaryWriter(DataSourceWriter):
        def __init__(self, options, overwrite):
            self.path = options["path"]
            self.overwrite = overwrite

        def write(self, rows):
            count, total = 0, 0
            for row in rows:
                if row.id < 0:
                    raise ValueError("negative id")
                count, total = count + 1, total + row.id
            return Counted(count, total)

        def commit(self, messages):
            with open(self.path, "w") as f:
                summary = {
                    "rows": sum(m.rows for m in messages),
                    "total": sum(m.total for m in messages),
                    "overwrite": self.overwrite,
                }
                f.write(json.dumps(summary))

        def abort(self, messages):
            with open(self.path, "w") as f:
                f.write(json.dumps({"aborted": True, "a_task_failed": any(m is None for m in messages)}))

    class SummarySink(DataSource):
        @classmethod
        def name(cls):
            return "summary_sink"

        def writer(self, schema, overwrite):
            return SummaryWriter(self.options, overwrite)

    return SummarySink


def test_python_data_source_writes(spark, golden, tmp_path):
    spark.dataSource.register(define_sink())
    path = str(tmp_path / "summary.json")
    spark.range(10).write.format("summary_sink").mode("append").save(path)
    golden.check("append", open(path).read())
    spark.range(4).write.format("summary_sink").mode("overwrite").option("path", path).save()
    golden.check("overwrite", open(path).read())
    golden.check_error(lambda: spark.range(3).write.format("summary_sink").save(path), name="default_mode")
    golden.check_error(lambda: spark.range(3).write.format("summary_sink").mode("ignore").save(path), name="ignore")
    try:
        spark.range(-2, 3).write.format("summary_sink").mode("append").save(path)
        raise AssertionError("expected an error")
    except Exception as exc:  # noqa: BLE001 - the client's exception is checked
        golden.check("failed_task", [type(exc).__name__, "ValueError: negative id" in str(exc)])
    golden.check("aborted", open(path).read())
