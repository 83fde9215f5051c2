"""Ember's Python UDF worker.

Ember starts a pool of these processes with the server's Python (the one
whose site-packages holds the pinned pyspark, pandas and pyarrow) and sends
them one request at a time over stdin; answers go back over the process's
original stdout (user code that prints writes to stderr instead).

A request is length-prefixed (big-endian i32) frames:
  header JSON: {"eval_type", "python_ver", "udfs": [{"args": [..]}],
                "runner_conf": {..}, "input_type": "<struct JSON>"}
  one frame per UDF: its command, the cloudpickled (function, return type)
  (a UDF with "chained": n has n commands, one per chained function, the
  innermost first)
  one frame: an Arrow IPC stream with the UDFs' argument columns (for
  mapInPandas/mapInArrow: a whole partition, the function's input columns;
  for grouped maps and grouped aggregates: one batch per group, the key
  columns first); cogrouped maps send a second stream (header "inputs": 2)
  with the other side's batch of each group
A new worker first sends status 2 and its Python version. Each answer is
an i32 status, then one frame: 0 and an Arrow IPC stream with
one column per UDF (for map functions: the output columns; for grouped
aggregates: one row per group), or 1 and the Python traceback as Spark
formats it.

Evaluation is pyspark's own worker code (``pyspark.worker.read_udfs``),
so results, coercions and errors are the ones Spark's Python workers give.
"""

import json
import os
import struct
import sys

# The protocol owns the original stdout; user prints go to stderr.
_protocol_out = os.fdopen(os.dup(1), "wb")
os.dup2(2, 1)
import decimal  # noqa: E402
import importlib  # noqa: E402
import io  # noqa: E402
import itertools  # noqa: E402
import traceback  # noqa: E402

import pyarrow as pa  # noqa: E402
from pyspark.serializers import CPickleSerializer  # noqa: E402
from pyspark.util import PythonEvalType, try_simplify_traceback  # noqa: E402
from pyspark.worker import EvalConf, RunnerConf, read_udfs, read_udtf  # noqa: E402
from pyspark.worker_message import UDFInfo, UDTFInfo  # noqa: E402
from pyspark.worker_util import check_python_version  # noqa: E402
from pyspark.sql.conversion import (  # noqa: E402
    ArrowTableToRowsConversion,
    LocalDataToArrowConversion,
)
from pyspark.sql.pandas.types import to_arrow_type  # noqa: E402
from pyspark.errors import PySparkRuntimeError  # noqa: E402
from pyspark.sql.types import (  # noqa: E402
    ArrayType,
    BinaryType,
    BooleanType,
    ByteType,
    CharType,
    DateType,
    DecimalType,
    DoubleType,
    FloatType,
    IntegerType,
    LongType,
    MapType,
    Row,
    ShortType,
    StringType,
    StructField,
    StructType,
    TimestampNTZType,
    TimestampType,
    UserDefinedType,
    VarcharType,
    _parse_datatype_json_string,
)

_INT_BITS = {ByteType: 8, ShortType: 16, IntegerType: 32, LongType: 64}


def read_frame(stream):
    header = stream.read(4)
    if len(header) < 4:
        raise EOFError
    (length,) = struct.unpack(">i", header)
    data = stream.read(length)
    if len(data) < length:
        raise EOFError
    return data


def write_frame(stream, status, data):
    stream.write(struct.pack(">ii", status, len(data)))
    stream.write(data)
    stream.flush()


def jvm_value(value, data_type):
    """What Spark's JVM keeps of a pickled UDF result: values of another
    Python type than the declared one become null (ints are not doubles)."""
    if value is None:
        return None
    kind = type(data_type)
    if kind is BooleanType:
        return value if isinstance(value, bool) else None
    if kind in _INT_BITS:
        # The JVM reads a 64-bit value and narrows it, wrapping around.
        if not isinstance(value, int) or isinstance(value, bool) or not -(2**63) <= value < 2**63:
            return None
        bits = _INT_BITS[kind]
        wrapped = value & ((1 << bits) - 1)
        return wrapped - (1 << bits) if wrapped >> (bits - 1) else wrapped
    if kind in (FloatType, DoubleType):
        return value if isinstance(value, float) else None
    if kind is DecimalType:
        return value if isinstance(value, decimal.Decimal) else None
    if kind is StringType:
        if isinstance(value, bool):
            return "true" if value else "false"
        return str(value) if isinstance(value, (str, int, float)) else None
    return value


def jvm_read(value, data_type):
    """What Spark's JVM reads of a pickled internal value of a row
    (`EvaluatePython.makeFromJava`): nested values of the wrong kind become
    null, strings are Java's `toString` of what was sent; atomic values as
    `jvm_value`. Dates and timestamps stay days and microseconds."""
    if value is None:
        return None
    if isinstance(value, Row) and not isinstance(data_type, StructType):
        raise PySparkRuntimeError(
            "net.razorvine.pickle.PickleException: expected zero arguments for construction of "
            "ClassDict (for pyspark.sql.types._create_row)"
        )
    if isinstance(data_type, StringType):
        return java_string(value)
    if isinstance(data_type, (DateType, TimestampType, TimestampNTZType)):
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    if isinstance(data_type, BinaryType):
        if isinstance(value, str):
            return value.encode("utf-8")
        return bytes(value) if isinstance(value, (bytes, bytearray)) else None
    if isinstance(data_type, ArrayType):
        if not isinstance(value, (list, tuple)):
            return None
        return [jvm_read(v, data_type.elementType) for v in value]
    if isinstance(data_type, MapType):
        if not isinstance(value, dict):
            return None
        return [(jvm_read(k, data_type.keyType), jvm_read(v, data_type.valueType)) for k, v in value.items()]
    if isinstance(data_type, StructType):
        if not isinstance(value, (list, tuple)) or len(value) != len(data_type.fields):
            return None
        return tuple(jvm_read(v, f.dataType) for v, f in zip(value, data_type.fields))
    return jvm_value(value, data_type)


def internal_type(data_type):
    """`data_type` with each UDT in it replaced by its SQL type: the type of
    the internal values (`toInternal`) pyspark's row-at-a-time code gives;
    CHAR and VARCHAR are strings, as Spark reads a UDF's result."""
    if isinstance(data_type, UserDefinedType):
        return internal_type(data_type.sqlType())
    if isinstance(data_type, (CharType, VarcharType)):
        return StringType()
    if isinstance(data_type, ArrayType):
        return ArrayType(internal_type(data_type.elementType), data_type.containsNull)
    if isinstance(data_type, MapType):
        return MapType(internal_type(data_type.keyType), internal_type(data_type.valueType), data_type.valueContainsNull)
    if isinstance(data_type, StructType):
        return StructType([StructField(f.name, internal_type(f.dataType), f.nullable, f.metadata) for f in data_type.fields])
    return data_type


def java_string(value):
    """Java's `toString` of what a pickled Python value becomes in the JVM."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float, decimal.Decimal)):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join("null" if v is None else java_string(v) for v in value) + "]"
    if isinstance(value, dict):
        items = ("%s=%s" % tuple("null" if x is None else java_string(x) for x in kv) for kv in value.items())
        return "{" + ", ".join(items) + "}"
    return None


class BatchedUdf:
    """SQL_BATCHED_UDF: pyspark's row-at-a-time function over rows made from
    the Arrow input, results made Arrow with the declared return type."""

    def __init__(self, func, return_types, input_type, runner_conf):
        self.func = func
        # pyspark gives UDT values serialized: the JVM reads their SQL type.
        return_types = [internal_type(t) for t in return_types]
        self.return_types = return_types
        self.arrow_types = [to_arrow_type(t, timezone="UTC") for t in return_types]
        self.to_arrow = [
            LocalDataToArrowConversion._create_converter(t, none_on_identity=True)
            for t in return_types
        ]
        self.to_python = [
            ArrowTableToRowsConversion._create_converter(
                f.dataType, none_on_identity=True, binary_as_bytes=runner_conf.binary_as_bytes
            )
            for f in input_type
        ]

    def __call__(self, batches):
        return [out for batch in batches for out in self.evaluate(batch)]

    def evaluate(self, batch):
        columns = [
            [conv(v) for v in ArrowTableToRowsConversion._to_pylist(col)]
            if conv is not None
            else ArrowTableToRowsConversion._to_pylist(col)
            for col, conv in zip(batch.itercolumns(), self.to_python)
        ]
        rows = list(zip(*columns)) if columns else [()] * batch.num_rows
        results = list(self.func(0, iter(rows)))
        if len(self.return_types) == 1:
            results = [(r,) for r in results]
        arrays = []
        for i, (data_type, arrow_type, conv) in enumerate(
            zip(self.return_types, self.arrow_types, self.to_arrow)
        ):
            values = [jvm_value(r[i], data_type) for r in results]
            arrays.append(self.to_arrow_array(values, arrow_type, conv))
        return [pa.RecordBatch.from_arrays(arrays, [f"_{i}" for i in range(len(arrays))])]

    @staticmethod
    def to_arrow_array(values, arrow_type, conv):
        def convert(v):
            try:
                return pa.array([conv(v) if conv is not None else v], type=arrow_type)
            except Exception:  # noqa: BLE001 - the JVM keeps null for what it cannot read
                return pa.nulls(1, type=arrow_type)

        try:
            converted = [conv(v) for v in values] if conv is not None else values
            return pa.array(converted, type=arrow_type)
        except Exception:  # noqa: BLE001
            return pa.concat_arrays([convert(v) for v in values]) if values else pa.array([], arrow_type)


def format_exception(e):
    """The traceback as Spark's workers report it: this file's frames and
    then pyspark's own are left out, so it starts at the user's code."""
    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename == __file__:
        tb = tb.tb_next
    simplified = try_simplify_traceback(tb) if tb is not None else None
    if simplified is not None:
        tb = simplified
        e.__cause__ = None
    capture_locals = bool(os.environ.get(_WITH_LOCALS, False))
    return "".join(traceback.TracebackException(type(e), e, tb, compact=True, capture_locals=capture_locals).format())


# The environment variable with which pyspark's own error formatting (and
# this worker's) lists each frame's local variables, as Spark's JVM sets it
# for its workers when the session asks for it.
_WITH_LOCALS = "SPARK_TRACEBACK_WITH_LOCALS"


def traceback_settings(runner_conf):
    """Sets `_WITH_LOCALS` for this request from the session's setting."""
    if str(runner_conf.get("spark.sql.execution.pyspark.udf.tracebackWithLocals.enabled", "")).lower() == "true":
        os.environ[_WITH_LOCALS] = "1"
    else:
        os.environ.pop(_WITH_LOCALS, None)


def compile_request(header, commands):
    eval_type = header["eval_type"]
    runner_conf = RunnerConf(header["runner_conf"])
    eval_conf = EvalConf({"input_type": header["input_type"]})
    if header.get("udtf"):
        return compile_udtf(header, commands[0], runner_conf)
    if header["udfs"][0].get("chained"):
        # One UDF applied to the result of the ones before it, in Python:
        # each gets the object the previous one returned, as in Spark.
        udf = header["udfs"][0]
        udf_infos = [
            UDFInfo(udfs=[memoryview(cmd) for cmd in commands], args=udf["args"], kwargs=udf.get("kwargs", {}), result_id=0)
        ]
        commands = commands[-1:]
    else:
        udf_infos = [
            UDFInfo(udfs=[memoryview(cmd)], args=udf["args"], kwargs=udf.get("kwargs", {}), result_id=i)
            for i, (udf, cmd) in enumerate(zip(header["udfs"], commands))
        ]
    func, _, _, _ = read_udfs(CPickleSerializer(), udf_infos, eval_type, runner_conf, eval_conf)
    if eval_type == PythonEvalType.SQL_BATCHED_UDF:
        return_types = [
            CPickleSerializer().loads(bytes(cmd))[1] for cmd in commands
        ]
        batched = BatchedUdf(func, return_types, eval_conf.input_type, runner_conf)
        return lambda inputs, _: batched(inputs[0])
    if header.get("data_source") == "read":
        return read_data_source(commands[0])
    if header.get("data_source") == "write":
        write, _ = CPickleSerializer().loads(bytes(commands[0]))
        return lambda inputs, _: list(write(iter(inputs[0])))
    if eval_type in _MAP_EVAL_TYPES:
        return lambda inputs, _: unwrap(func(0, (as_struct_batch(b) for b in inputs[0])))
    if eval_type in _GROUPED_MAP_EVAL_TYPES:
        # pyspark's Arrow grouped maps read each group's rows as one struct column.
        wrap = as_struct_batch if eval_type in _STRUCT_GROUPED_EVAL_TYPES else (lambda b: b)
        return lambda inputs, counts: unwrap(func(0, split([wrap(b) for b in inputs[0]], counts)))
    if eval_type in _COGROUPED_MAP_EVAL_TYPES:
        return lambda inputs, _: unwrap(func(0, (([left], [right]) for left, right in zip(*inputs))))
    if eval_type in _GROUPED_AGG_EVAL_TYPES:
        return lambda inputs, _: list(func(0, ([b] for b in inputs[0])))
    return lambda inputs, _: list(func(0, iter(inputs[0])))


_MAP_EVAL_TYPES = (PythonEvalType.SQL_MAP_PANDAS_ITER_UDF, PythonEvalType.SQL_MAP_ARROW_ITER_UDF)
_STRUCT_GROUPED_EVAL_TYPES = (
    PythonEvalType.SQL_GROUPED_MAP_ARROW_UDF,
    PythonEvalType.SQL_GROUPED_MAP_ARROW_ITER_UDF,
)
_GROUPED_MAP_EVAL_TYPES = _STRUCT_GROUPED_EVAL_TYPES + (
    PythonEvalType.SQL_GROUPED_MAP_PANDAS_UDF,
    PythonEvalType.SQL_GROUPED_MAP_PANDAS_ITER_UDF,
)
_COGROUPED_MAP_EVAL_TYPES = (
    PythonEvalType.SQL_COGROUPED_MAP_PANDAS_UDF,
    PythonEvalType.SQL_COGROUPED_MAP_ARROW_UDF,
)
_GROUPED_AGG_EVAL_TYPES = (
    PythonEvalType.SQL_GROUPED_AGG_PANDAS_UDF,
    PythonEvalType.SQL_GROUPED_AGG_PANDAS_ITER_UDF,
    PythonEvalType.SQL_GROUPED_AGG_ARROW_UDF,
    PythonEvalType.SQL_GROUPED_AGG_ARROW_ITER_UDF,
)


def compile_udtf(header, command, runner_conf):
    """A Python table function, called on each input row's columns. Pickled
    UDTFs run through pyspark's Arrow UDTF code too: Ember has no pickled
    row format to answer in."""
    udtf = header["udtf"]
    analyze_result = udtf.get("analyze_result")
    info = UDTFInfo(
        args=header["udfs"][0]["args"],
        kwargs=udtf.get("kwargs", {}),
        partition_child_indexes=udtf.get("partition_child_indexes", []),
        pickled_analyze_result=bytes.fromhex(analyze_result) if analyze_result else None,
        handler=memoryview(command),
        return_type=udtf["return_type"],
        name=udtf["name"],
    )
    eval_type = header["eval_type"]
    offsets = ",".join(str(i) for i in udtf.get("table_arg_offsets", []))
    eval_conf = EvalConf({"input_type": header["input_type"], "table_arg_offsets": offsets})
    func, _, _, _ = read_udtf(CPickleSerializer(), info, eval_type, runner_conf, eval_conf)
    if eval_type == PythonEvalType.SQL_TABLE_UDF:
        func = pickled_udtf(func, _parse_datatype_json_string(udtf["return_type"]), eval_conf.input_type, runner_conf)
    passed = udtf.get("passed_through", 0)
    # The hidden sort keys after the arguments are not the function's.
    width = passed + len(eval_conf.input_type.fields)

    def arguments(batches):
        return [b.select(list(range(width))) if b.num_columns > width else b for b in batches]

    if passed:
        return lambda inputs, _: lateral_rows(func, arguments(inputs[0]), passed)
    return lambda inputs, _: unwrap(func(0, iter(arguments(inputs[0]))))


def pickled_udtf(mapper, return_type, input_type, runner_conf):
    """A pickled UDTF (`useArrow=False`) as Spark runs it: pyspark's
    row-at-a-time code (`mapper`, one tuple of internal rows per input row
    and one for `terminate`), its rows read as Spark's JVM reads them. The
    answer is the Arrow UDTF code's: one batch of a struct column per call."""
    to_python = [
        ArrowTableToRowsConversion._create_converter(
            f.dataType, none_on_identity=True, binary_as_bytes=runner_conf.binary_as_bytes
        )
        for f in input_type
    ]
    arrow_type = to_arrow_type(return_type, timezone="UTC")

    def rows(batches):
        for batch in batches:
            columns = [
                [conv(v) for v in ArrowTableToRowsConversion._to_pylist(col)]
                if conv is not None
                else ArrowTableToRowsConversion._to_pylist(col)
                for col, conv in zip(batch.itercolumns(), to_python)
            ]
            yield from zip(*columns) if columns else [()] * batch.num_rows

    def func(split_index, batches):
        for out in mapper(split_index, rows(batches)):
            read = [jvm_read(row, return_type) for row in out]
            yield pa.RecordBatch.from_arrays([pa.array(read, type=arrow_type)], ["_0"])

    return func


def lateral_rows(func, batches, passed):
    """A lateral join: each input row's first `passed` columns beside each
    row the function gives for that row's arguments (the other columns);
    the rows of `terminate` go beside the last input row. The function reads
    one row at a time, so what it yields before asking for the next row
    belongs to the current one."""
    current = [None]

    def arguments():
        for b, batch in enumerate(batches):
            # `select` keeps the row count when the function takes no arguments.
            args = batch.select(list(range(passed, batch.num_columns)))
            for i in range(batch.num_rows):
                current[0] = (b, i)
                yield args.slice(i, 1)

    outputs = []
    for out in func(0, arguments()):
        rows = pa.RecordBatch.from_struct_array(out.column(0))
        if rows.num_rows == 0 or current[0] is None:
            continue
        b, i = current[0]
        left = batches[b].slice(i, 1).take(pa.array([0] * rows.num_rows, pa.int32()))
        columns = left.columns[:passed] + rows.columns
        outputs.append(pa.RecordBatch.from_arrays(columns, [f"_c{j}" for j in range(len(columns))]))
    return outputs


def analyze_udtf(header, command, data):
    """A table function's static `analyze` method, run by pyspark's own
    analyzer code (`pyspark.sql.worker.analyze_udtf`, which Spark's JVM
    calls) on the call's arguments; the answer is one row: the analysis as
    JSON and the pickled `AnalyzeResult` the evaluation is given."""
    from pyspark.serializers import write_int, write_with_length
    from pyspark.sql.worker.analyze_udtf import _main as analyze_main

    request = header["analyze"]
    input_type = _parse_datatype_json_string(header["input_type"])
    batches = list(pa.ipc.open_stream(data))
    columns = batches[0].columns if batches else []
    infile = io.BytesIO()
    write_with_length(request["name"].encode("utf-8"), infile)
    write_with_length(bytes(command), infile)
    write_int(len(request["args"]), infile)
    serializer = CPickleSerializer()
    for i, (field, arg) in enumerate(zip(input_type.fields, request["args"])):
        data_type = field.dataType
        write_with_length(data_type.json().encode("utf-8"), infile)
        infile.write(struct.pack("!?", arg["constant"]))
        if arg["constant"]:
            (value,) = ArrowTableToRowsConversion._to_pylist(columns[i])
            convert = ArrowTableToRowsConversion._create_converter(data_type, none_on_identity=True)
            value = convert(value) if convert is not None else value
            if data_type.needConversion():
                value = data_type.toInternal(value)
            serializer._write_with_length(value, infile)
        infile.write(struct.pack("!?", arg["table"]))
        infile.write(struct.pack("!?", arg["name"] is not None))
        if arg["name"] is not None:
            write_with_length(arg["name"].encode("utf-8"), infile)
    infile.seek(0)
    outfile = io.BytesIO()
    analyze_main(infile, outfile)
    outfile.seek(0)
    result = read_analysis(outfile)
    sink = io.BytesIO()
    batch = pa.RecordBatch.from_pydict(
        {"analysis": [json.dumps(result["analysis"])], "pickled": [result["pickled"]]}
    )
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return sink.getvalue()


def read_analysis(stream):
    """What `analyze_udtf` wrote, in the order it writes it."""
    from pyspark.serializers import read_int

    def read_bytes():
        return stream.read(read_int(stream))

    def read_str():
        return read_bytes().decode("utf-8")

    schema = read_str()
    pickled = read_bytes()
    single = read_int(stream) == 1
    partition_by = [read_str() for _ in range(read_int(stream))]
    order_by = []
    for _ in range(read_int(stream)):
        name = read_str()
        ascending = read_int(stream) == 1
        nulls_first = {0: None, 1: True, 2: False}[read_int(stream)]
        order_by.append({"name": name, "ascending": ascending, "nulls_first": nulls_first})
    select = [{"name": read_str(), "alias": read_str()} for _ in range(read_int(stream))]
    analysis = {
        "schema": schema,
        "with_single_partition": single,
        "partition_by": partition_by,
        "order_by": order_by,
        "select": select,
    }
    return {"analysis": analysis, "pickled": pickled}


def plan_data_source(request, command):
    """A Python data source's driver-side steps, by pyspark's own code for
    them (the `pyspark.sql.worker` modules Spark's JVM calls): "create" makes
    the instance from the class, options and user schema and answers its
    schema (DDL or JSON) and the pickled instance; "plan" makes the reader
    and answers its read function, then its partitions; "write" makes the
    writer and answers its write function and the pickled writer; "commit"
    and "abort" end a write with the tasks' commit messages."""
    from pyspark.serializers import read_int, write_int, write_with_length

    action = request["action"]
    infile = io.BytesIO()
    write_with_length(bytes(command), infile)
    if action in ("commit", "abort"):
        from pyspark.sql.worker.commit_data_source_write import _main as main

        write_int(len(request["messages"]), infile)
        for message in request["messages"]:
            if message is None:
                write_int(-5, infile)  # pyspark's SpecialLengths.NULL
            else:
                write_with_length(bytes.fromhex(message), infile)
        infile.write(struct.pack("!?", action == "abort"))
    elif action == "write":
        from pyspark.sql.worker.write_into_data_source import _main as main

        write_with_length(request["provider"].encode("utf-8"), infile)
        write_with_length(request["schema"].encode("utf-8"), infile)
        write_with_length(_MESSAGE_TYPE.encode("utf-8"), infile)
        write_int(len(request["options"]), infile)
        for key, value in request["options"].items():
            write_with_length(key.encode("utf-8"), infile)
            write_with_length(value.encode("utf-8"), infile)
        for flag in (request["overwrite"], False, True):
            infile.write(struct.pack("!?", flag))
    elif action == "create":
        from pyspark.sql.worker.create_data_source import _main as main

        write_with_length(request["provider"].encode("utf-8"), infile)
        schema = request.get("schema")
        infile.write(struct.pack("!?", schema is not None))
        if schema is not None:
            write_with_length(schema.encode("utf-8"), infile)
        write_int(len(request["options"]), infile)
        for key, value in request["options"].items():
            write_with_length(key.encode("utf-8"), infile)
            write_with_length(value.encode("utf-8"), infile)
    elif request.get("filters") is not None:
        from pyspark.sql.worker import data_source_pushdown_filters

        main = with_plain_filter_values(data_source_pushdown_filters)
        write_with_length(request["schema"].encode("utf-8"), infile)
        write_with_length(json.dumps(request["filters"]).encode("utf-8"), infile)
        write_int(request["max_arrow_batch_size"], infile)
        infile.write(struct.pack("!?", True))
    else:
        from pyspark.sql.worker.plan_data_source_read import _main as main

        write_with_length(
            '{"type":"struct","fields":[{"name":"partition","type":"binary","nullable":true,"metadata":{}}]}'.encode(
                "utf-8"
            ),
            infile,
        )
        write_with_length(request["schema"].encode("utf-8"), infile)
        write_int(request["max_arrow_batch_size"], infile)
        for flag in (request["pushdown"], False, True):
            infile.write(struct.pack("!?", flag))
    infile.seek(0)
    outfile = io.BytesIO()
    main(infile, outfile)
    outfile.seek(0)

    def read_bytes():
        return outfile.read(read_int(outfile))

    if action in ("commit", "abort"):
        answer = {"kind": [], "bytes": []}
    elif action == "write":
        write_command = read_bytes()
        answer = {"kind": ["command", "writer"], "bytes": [write_command, read_bytes()]}
    elif action == "create":
        instance = read_bytes()
        is_ddl = read_int(outfile) == 1
        answer = {"kind": ["ddl" if is_ddl else "json", "instance"], "bytes": [read_bytes(), instance]}
    else:
        read_command = read_bytes()
        partitions = [read_bytes() for _ in range(read_int(outfile))]
        # After a pushdown: the positions of the filters the reader accepted.
        accepted = []
        if request.get("filters") is not None:
            accepted = [str(read_int(outfile)).encode("utf-8") for _ in range(read_int(outfile))]
        answer = {
            "kind": ["command"] + ["partition"] * len(partitions) + ["accepted"] * len(accepted),
            "bytes": [read_command] + partitions + accepted,
        }
    batch = pa.RecordBatch.from_pydict(answer, pa.schema([("kind", pa.string()), ("bytes", pa.binary())]))
    sink = io.BytesIO()
    with pa.ipc.new_stream(sink, batch.schema) as writer:
        writer.write_batch(batch)
    return sink.getvalue()


class PlainFilterValue:
    """A pushed filter's value as Ember sends it (JSON, tagged when JSON has
    no such type), read as Spark's Variant-encoded value is."""

    def __init__(self, value):
        self.value = value

    def toPython(self):
        return plain_value(self.value)


def plain_value(value):
    kind, data = value["type"], value["json"]
    if kind == "array":
        return [plain_value(v) for v in data]
    if kind == "struct":
        return {k: plain_value(v) for k, v in data.items()}
    if kind == "date":
        import datetime

        return datetime.date.fromisoformat(data)
    if kind == "timestamp_ntz":
        import datetime

        return datetime.datetime(1970, 1, 1) + datetime.timedelta(microseconds=data)
    if kind == "timestamp":
        import datetime
        import zoneinfo

        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        return (epoch + datetime.timedelta(microseconds=data)).astimezone(zoneinfo.ZoneInfo("UTC"))
    if kind == "binary":
        return bytes.fromhex(data)
    if kind == "decimal":
        return decimal.Decimal(data)
    return data


def with_plain_filter_values(module):
    """pyspark's filter pushdown step reading Ember's filter values."""

    def main(infile, outfile):
        variant = module.deserializeVariant
        module.deserializeVariant = PlainFilterValue
        try:
            module._main(infile, outfile)
        finally:
            module.deserializeVariant = variant

    return main


# The one column a data source's write function answers: a pickled commit message.
_MESSAGE_TYPE = '{"type":"struct","fields":[{"name":"message","type":"binary","nullable":true,"metadata":{}}]}'


def read_data_source(command):
    """A Python data source's read function (made by `plan_data_source_read`)
    called once per input row, each row one pickled partition."""
    read, _ = CPickleSerializer().loads(bytes(command))

    def run(inputs, _):
        return [
            out
            for batch in inputs[0]
            for i in range(batch.num_rows)
            for out in read(iter([batch.slice(i, 1)]))
        ]

    return run


def split(batches, counts):
    """The groups: `counts[i]` consecutive batches each (one each without counts)."""
    if counts is None:
        return ([b] for b in batches)
    starts = itertools.accumulate([0] + counts[:-1])
    return (batches[start : start + count] for start, count in zip(starts, counts))


def unwrap(outputs):
    """The output rows of functions that answer one struct column per batch."""
    return [pa.RecordBatch.from_struct_array(out.column(0)) for out in outputs]


def as_struct_batch(batch):
    """The one struct column pyspark's map functions read their rows from."""
    rows = pa.StructArray.from_arrays(batch.columns, fields=list(batch.schema))
    return pa.RecordBatch.from_arrays([rows], ["_0"])


def evaluate(header, commands, inputs, cache):
    check_python_version(header["python_ver"])
    # How many batches each group of a grouped map has; not part of the
    # compiled function's cache key.
    group_batches = header.pop("group_batches", None)
    set_task_context(header.pop("partition_id", 0))
    files = header["runner_conf"].pop(_FILES, None)
    if files is None:
        return run(header, commands, inputs, cache, group_batches)
    # The session's artifacts are seen by this request only.
    files = json.loads(files)
    root = files["root"]
    unpack_archives(root, files["archives"])
    includes = [root] + files["includes"]
    sys.path[1:1] = includes
    importlib.invalidate_caches()
    spark_files_root(root)
    cwd = os.getcwd()
    os.chdir(root)
    try:
        return run(header, commands, inputs, cache, group_batches, includes)
    finally:
        os.chdir(cwd)
        spark_files_root(None)
        for path in includes:
            sys.path.remove(path)
            sys.path_importer_cache.pop(path, None)
        for name, module in list(sys.modules.items()):
            origin = getattr(module, "__file__", None) or ""
            if any(origin.startswith(path) for path in includes):
                del sys.modules[name]


def unpack_archives(root, archives):
    """Unpacks each archive not yet unpacked into its folder of `root`, as
    Spark does (zip and jar, tar, tar.gz and tgz); aside, then renamed, so
    that concurrent workers never see half of one."""
    import shutil

    for archive, folder in archives:
        target = os.path.join(root, folder)
        if os.path.exists(target):
            continue
        partial = f"{target}.{os.getpid()}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        name = archive.lower()
        kind = "zip" if name.endswith((".zip", ".jar")) else "gztar" if name.endswith((".tar.gz", ".tgz")) else "tar"
        if kind == "zip":
            shutil.unpack_archive(archive, partial, kind)
        else:
            shutil.unpack_archive(archive, partial, kind, filter="data")
        try:
            os.rename(partial, target)
        except OSError:
            shutil.rmtree(partial, ignore_errors=True)
            if not os.path.exists(target):
                raise


def spark_files_root(root):
    """Where `SparkFiles.get` finds the session's files (`None`: nowhere)."""
    from pyspark.core.files import SparkFiles

    SparkFiles._root_directory = root
    SparkFiles._is_running_on_worker = root is not None


def set_task_context(partition_id):
    """What `TaskContext.get()` gives user code: the partition being run."""
    from pyspark.taskcontext import TaskContext

    context = TaskContext._getOrCreate()
    context._stageId = 0
    context._partitionId = partition_id
    context._attemptNumber = 0
    context._taskAttemptId = partition_id
    context._localProperties = {}
    context._cpus = 1
    context._resources = {}


# The runner setting with the session's artifacts: its folder, the Python
# archives to import from and the archives to unpack (JSON).
_FILES = "ember.python.files"


def run(header, commands, inputs, cache, group_batches, includes=()):
    if header.get("analyze"):
        return analyze_udtf(header, commands[0], inputs[0])
    if isinstance(header.get("data_source"), dict):
        return plan_data_source(header["data_source"], commands[0])
    key = (json.dumps(header, sort_keys=True), tuple(includes), tuple(commands))
    compiled = cache.get(key)
    if compiled is None:
        compiled = compile_request(header, commands)
        # A table function's instance lives in its compiled form: each
        # request (a partition) gets a new one, as each Spark task does.
        if not header.get("udtf"):
            if len(cache) > 64:
                cache.clear()
            cache[key] = compiled
    outputs = compiled([list(pa.ipc.open_stream(data)) for data in inputs], group_batches)
    sink = io.BytesIO()
    schema = outputs[0].schema if outputs else pa.schema([])
    with pa.ipc.new_stream(sink, schema) as writer:
        for out in outputs:
            writer.write_batch(out)
    return sink.getvalue()


def enable_faulthandler():
    """A crash writes the Python stack to the file Ember names, which it adds
    to the query's error when the session enabled Spark's faulthandler."""
    import faulthandler

    path = os.environ.get("EMBER_WORKER_FAULT_LOG")
    if path:
        faulthandler.enable(file=open(path, "w"), all_threads=False)


def main():
    enable_faulthandler()
    stdin = sys.stdin.buffer
    write_frame(_protocol_out, 2, ("%d.%d" % sys.version_info[:2]).encode("utf-8"))
    cache = {}
    while True:
        try:
            header = json.loads(read_frame(stdin))
        except EOFError:
            # Ember is gone: its fault log is of no more use.
            path = os.environ.get("EMBER_WORKER_FAULT_LOG")
            if path and os.path.exists(path):
                os.remove(path)
            return
        traceback_settings(header.get("runner_conf", {}))
        commands = [read_frame(stdin) for udf in header["udfs"] for _ in range(udf.get("chained", 1))]
        inputs = [read_frame(stdin) for _ in range(header.get("inputs", 1))]
        try:
            write_frame(_protocol_out, 0, evaluate(header, commands, inputs, cache))
        except BaseException as e:  # noqa: BLE001 - every failure goes back to Ember
            write_frame(_protocol_out, 1, format_exception(e).encode("utf-8"))


if __name__ == "__main__":
    main()
