"""Avro files: spark.read.format("avro") / df.write.format("avro").

The oracle cannot record goldens here: `format("avro")` needs Spark's
external spark-avro package, which the pyspark 4.3 wheel does not bundle and
which cannot be downloaded on this machine. So the expectations are written
out in the tests, following spark-avro's documented type mapping, and checked
against an independent Avro implementation (`fastavro`): files fastavro
writes in the form spark-avro writes are read by Ember, and files Ember
writes are read by fastavro, schema and records both.
"""

import datetime
import decimal
import glob
import json
import os
import re

import fastavro
import pytest
from pyspark.errors import PySparkException
from pyspark.sql import functions as F
from pyspark.sql.types import (
    ArrayType, BinaryType, BooleanType, DateType, DecimalType, DoubleType, IntegerType, LongType, MapType,
    ShortType, StringType, StructField, StructType, TimestampNTZType, TimestampType,
)

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

UTC = datetime.timezone.utc

# The Avro schema spark-avro writes for the columns of `sample()`.
SPARK_WRITER_SCHEMA = {
    "type": "record",
    "name": "topLevelRecord",
    "fields": [
        {"name": "id", "type": "long"},
        {"name": "name", "type": ["string", "null"]},
        {"name": "score", "type": ["double", "null"]},
        {"name": "flag", "type": ["boolean", "null"]},
        {"name": "small", "type": ["int", "null"]},
        {"name": "day", "type": [{"type": "int", "logicalType": "date"}, "null"]},
        {"name": "ts", "type": [{"type": "long", "logicalType": "timestamp-micros"}, "null"]},
        {
            "name": "amount",
            "type": [
                {"type": "fixed", "name": "fixed", "namespace": "topLevelRecord.amount", "size": 5,
                 "logicalType": "decimal", "precision": 10, "scale": 2},
                "null",
            ],
        },
        {"name": "bytes", "type": ["bytes", "null"]},
        {"name": "tags", "type": [{"type": "array", "items": ["string", "null"]}, "null"]},
        {"name": "attrs", "type": [{"type": "map", "values": ["long", "null"]}, "null"]},
        {
            "name": "point",
            "type": [
                {"type": "record", "name": "point", "namespace": "topLevelRecord",
                 "fields": [{"name": "x", "type": ["int", "null"]}, {"name": "y", "type": ["string", "null"]}]},
                "null",
            ],
        },
    ],
}

SAMPLE_SCHEMA = (
    "struct<id:bigint,name:string,score:double,flag:boolean,small:int,day:date,ts:timestamp,"
    "amount:decimal(10,2),bytes:binary,tags:array<string>,attrs:map<string,bigint>,point:struct<x:int,y:string>>"
)

SAMPLE_JSON = [
    '{"id":1,"name":"alice","score":3.5,"flag":true,"small":7,"day":"2020-01-03",'
    '"ts":"2020-01-02 03:04:05.123456","amount":12345.67,"bytes":"YWI=","tags":["a",null],'
    '"attrs":{"k":1},"point":{"x":1,"y":"p"}}',
    '{"id":2}',
    '{"id":3,"name":"c,d","score":-1.0,"flag":false,"small":-1,"day":"1969-12-31",'
    '"ts":"1960-01-02 00:00:00","amount":-0.01,"bytes":"","tags":[],"attrs":{},"point":{}}',
]

SAMPLE_RECORDS = [
    {
        "id": 1, "name": "alice", "score": 3.5, "flag": True, "small": 7,
        "day": datetime.date(2020, 1, 3),
        "ts": datetime.datetime(2020, 1, 2, 3, 4, 5, 123456, tzinfo=UTC),
        "amount": decimal.Decimal("12345.67"), "bytes": b"ab", "tags": ["a", None],
        "attrs": {"k": 1}, "point": {"x": 1, "y": "p"},
    },
    {
        "id": 2, "name": None, "score": None, "flag": None, "small": None, "day": None, "ts": None,
        "amount": None, "bytes": None, "tags": None, "attrs": None, "point": None,
    },
    {
        "id": 3, "name": "c,d", "score": -1.0, "flag": False, "small": -1,
        "day": datetime.date(1969, 12, 31),
        "ts": datetime.datetime(1960, 1, 2, tzinfo=UTC),
        "amount": decimal.Decimal("-0.01"), "bytes": b"", "tags": [],
        "attrs": {}, "point": {"x": None, "y": None},
    },
]


SAMPLE_TYPES = StructType([
    StructField("id", LongType(), False),
    StructField("name", StringType()),
    StructField("score", DoubleType()),
    StructField("flag", BooleanType()),
    StructField("small", ShortType()),
    StructField("day", DateType()),
    StructField("ts", TimestampType()),
    StructField("amount", DecimalType(10, 2)),
    StructField("bytes", BinaryType()),
    StructField("tags", ArrayType(StringType())),
    StructField("attrs", MapType(StringType(), LongType())),
    StructField("point", StructType([StructField("x", IntegerType()), StructField("y", StringType())])),
])


def sample(spark):
    """Rows of every type spark-avro maps, `id` not nullable."""
    rows = [
        (r["id"], r["name"], r["score"], r["flag"], r["small"], r["day"], r["ts"], r["amount"],
         bytearray(r["bytes"]) if r["bytes"] is not None else None, r["tags"], r["attrs"],
         (r["point"]["x"], r["point"]["y"]) if r["point"] is not None else None)
        for r in SAMPLE_RECORDS
    ]
    return spark.createDataFrame(rows, SAMPLE_TYPES)


def as_json(df):
    """Each row as JSON, timestamps as strings (to_json would cut them to milliseconds)."""
    columns = [
        F.col(f.name).cast("string").alias(f.name) if isinstance(f.dataType, (TimestampType, TimestampNTZType)) else F.col(f.name)
        for f in df.schema.fields
    ]
    return [r[0] for r in df.select(F.to_json(F.struct(*columns))).collect()]


def avro_files(folder):
    return sorted(glob.glob(os.path.join(folder, "**", "*.avro"), recursive=True))


def read_with_fastavro(path):
    with open(path, "rb") as f:
        reader = fastavro.reader(f)
        return reader.writer_schema, reader.metadata.get("avro.codec"), list(reader)


def normalized(schema):
    """A parsed Avro schema with fastavro's bookkeeping keys left out."""
    if isinstance(schema, dict):
        return {k: normalized(v) for k, v in schema.items() if not k.startswith("__")}
    if isinstance(schema, list):
        return [normalized(v) for v in schema]
    return schema


def test_written_files_are_spark_avro_files(spark, tmp_path):
    out = str(tmp_path / "out")
    sample(spark).coalesce(1).write.format("avro").save(out)
    names = sorted(UUID_RE.sub("<uuid>", n) for n in os.listdir(out) if not n.startswith("."))
    assert names == ["_SUCCESS", "part-00000-<uuid>-c000.avro"]
    [path] = avro_files(out)
    schema, codec, records = read_with_fastavro(path)
    assert codec == "snappy"  # spark.sql.avro.compression.codec's default
    expected = fastavro.parse_schema(SPARK_WRITER_SCHEMA)
    assert normalized(schema) == normalized(expected)
    assert sorted(records, key=lambda r: r["id"]) == SAMPLE_RECORDS


def test_reads_files_written_as_spark_avro_writes(spark, tmp_path):
    path = tmp_path / "in" / "data.avro"
    path.parent.mkdir()
    with open(path, "wb") as f:
        fastavro.writer(f, fastavro.parse_schema(SPARK_WRITER_SCHEMA), SAMPLE_RECORDS, codec="deflate")
    df = spark.read.format("avro").load(str(path.parent))
    assert df.schema.simpleString() == SAMPLE_SCHEMA
    assert all(f.nullable for f in df.schema.fields)
    assert as_json(df.orderBy("id")) == SAMPLE_JSON


def test_round_trip_through_ember(spark, tmp_path):
    out = str(tmp_path / "out")
    sample(spark).write.format("avro").save(out)
    df = spark.read.format("avro").load(out)
    assert df.schema.simpleString() == SAMPLE_SCHEMA
    assert as_json(df.orderBy("id")) == SAMPLE_JSON
    assert as_json(df.filter("id > 1").orderBy("id").select("name", "day")) == ['{}', '{"name":"c,d","day":"1969-12-31"}']


def test_avro_types_spark_reads(spark, tmp_path):
    """Avro types Spark never writes but reads: enums as strings, fixed as
    binary, millisecond and local timestamps, bytes decimals, plain fields."""
    schema = {
        "type": "record",
        "name": "r",
        "fields": [
            {"name": "color", "type": {"type": "enum", "name": "Color", "symbols": ["RED", "GREEN"]}},
            {"name": "hash", "type": {"type": "fixed", "name": "Hash", "size": 2}},
            {"name": "millis", "type": {"type": "long", "logicalType": "timestamp-millis"}},
            {"name": "local", "type": {"type": "long", "logicalType": "local-timestamp-micros"}},
            {"name": "price", "type": {"type": "bytes", "logicalType": "decimal", "precision": 6, "scale": 3}},
            {"name": "f", "type": ["null", "float"]},
        ],
    }
    records = [
        {
            "color": "GREEN", "hash": b"\x01\x02",
            "millis": datetime.datetime(2021, 5, 6, 7, 8, 9, 123000, tzinfo=UTC),
            "local": datetime.datetime(2021, 5, 6, 7, 8, 9, 654321),
            "price": decimal.Decimal("123.456"), "f": 1.5,
        },
        {
            "color": "RED", "hash": b"\xff\x00",
            "millis": datetime.datetime(1970, 1, 1, tzinfo=UTC),
            "local": datetime.datetime(1999, 12, 31, 23, 59, 59),
            "price": decimal.Decimal("-0.001"), "f": None,
        },
    ]
    path = tmp_path / "types.avro"
    with open(path, "wb") as f:
        fastavro.writer(f, fastavro.parse_schema(schema), records, codec="null")
    df = spark.read.format("avro").load(str(path))
    assert df.schema.simpleString() == (
        "struct<color:string,hash:binary,millis:timestamp,local:timestamp_ntz,price:decimal(6,3),f:float>"
    )
    assert as_json(df.withColumn("hash", F.hex("hash"))) == [
        '{"color":"GREEN","hash":"0102","millis":"2021-05-06 07:08:09.123",'
        '"local":"2021-05-06 07:08:09.654321","price":123.456,"f":1.5}',
        '{"color":"RED","hash":"FF00","millis":"1970-01-01 00:00:00",'
        '"local":"1999-12-31 23:59:59","price":-0.001}',
    ]


@pytest.mark.parametrize(
    "option, codec",
    [("uncompressed", "null"), ("deflate", "deflate"), ("snappy", "snappy"), ("bzip2", "bzip2"), ("zstandard", "zstandard")],
)
def test_codecs(spark, tmp_path, option, codec):
    out = str(tmp_path / "out")
    sample(spark).coalesce(1).write.format("avro").option("compression", option).save(out)
    [path] = avro_files(out)
    with open(path, "rb") as f:
        header = fastavro.reader(f) if codec != "zstandard" else None
        if header is not None:
            assert header.metadata["avro.codec"] == codec
            assert sorted((r["id"] for r in header), key=int) == [1, 2, 3]
    assert os.path.basename(path).endswith("-c000.avro")
    assert as_json(spark.read.format("avro").load(out).orderBy("id")) == SAMPLE_JSON


def test_unknown_codec(spark, tmp_path):
    with pytest.raises(PySparkException) as info:
        sample(spark).write.format("avro").option("compression", "gzip").save(str(tmp_path / "out"))
    assert info.value.getCondition() == "CODEC_NOT_AVAILABLE.WITH_AVAILABLE_CODECS_SUGGESTION"


def test_partitioned_write_and_user_schema(spark, tmp_path):
    out = str(tmp_path / "out")
    sample(spark).select("id", "name", (F.col("id") % 2).alias("part")).write.partitionBy("part").format("avro").save(out)
    folders = sorted(n for n in os.listdir(out) if not n.startswith("_"))
    assert folders == ["part=0", "part=1"]
    for path in avro_files(out):
        schema, _, _ = read_with_fastavro(path)
        assert [f["name"] for f in schema["fields"]] == ["id", "name"]
    df = spark.read.format("avro").load(out)
    assert df.schema.simpleString() == "struct<id:bigint,name:string,part:int>"
    assert as_json(df.orderBy("id")) == ['{"id":1,"name":"alice","part":1}', '{"id":2,"part":0}', '{"id":3,"name":"c,d","part":1}']
    assert as_json(df.filter("part = 0")) == ['{"id":2,"part":0}']
    user = spark.read.schema("id long, name string, missing int").format("avro").load(out)
    assert as_json(user.orderBy("id")) == ['{"id":1,"name":"alice","part":1}', '{"id":2,"part":0}', '{"id":3,"name":"c,d","part":1}']


def test_avro_schema_option(spark, tmp_path):
    """`avroSchema` on write names the output schema; on read it is the
    reader schema the files' records are resolved to (fields dropped, added
    with defaults)."""
    out = str(tmp_path / "out")
    written = {
        "type": "record",
        "name": "Person",
        "namespace": "com.example",
        "fields": [{"name": "id", "type": "long"}, {"name": "name", "type": ["null", "string"]}],
    }
    sample(spark).select("id", "name").coalesce(1).write.format("avro").option("avroSchema", json.dumps(written)).save(out)
    [path] = avro_files(out)
    schema, _, records = read_with_fastavro(path)
    assert schema["name"] == "com.example.Person"
    assert schema["fields"][1]["type"] == ["null", "string"]
    assert sorted(r["id"] for r in records) == [1, 2, 3]
    reader = {
        "type": "record",
        "name": "Person",
        "namespace": "com.example",
        "fields": [{"name": "id", "type": "long"}, {"name": "country", "type": "string", "default": "NL"}],
    }
    df = spark.read.format("avro").option("avroSchema", json.dumps(reader)).load(out)
    assert df.schema.simpleString() == "struct<id:bigint,country:string>"
    assert as_json(df.orderBy("id")) == ['{"id":1,"country":"NL"}', '{"id":2,"country":"NL"}', '{"id":3,"country":"NL"}']


def test_record_name_and_namespace(spark, tmp_path):
    out = str(tmp_path / "out")
    (sample(spark).select("id", "point").coalesce(1).write.format("avro")
        .options(recordName="Row", recordNamespace="org.demo").save(out))
    [path] = avro_files(out)
    schema, _, _ = read_with_fastavro(path)
    assert schema["name"] == "org.demo.Row"
    assert schema["fields"][1]["type"][0]["name"] == "org.demo.Row.point"


def test_schema_of_the_first_file_and_corrupt_files(spark, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    schema = {"type": "record", "name": "r", "fields": [{"name": "a", "type": "int"}]}
    with open(folder / "a.avro", "wb") as f:
        fastavro.writer(f, fastavro.parse_schema(schema), [{"a": 1}, {"a": 2}])
    (folder / "b.avro").write_bytes(b"not an avro file")
    with pytest.raises(PySparkException) as info:
        spark.read.format("avro").load(str(folder)).collect()
    assert info.value.getCondition() == "FAILED_READ_FILE.NO_HINT"
    df = spark.read.format("avro").option("ignoreCorruptFiles", "true").load(str(folder))
    assert [r.a for r in df.orderBy("a").collect()] == [1, 2]


def test_empty_result_and_modes(spark, tmp_path):
    out = str(tmp_path / "out")
    sample(spark).filter("id > 10").write.format("avro").save(out)
    assert spark.read.format("avro").load(out).schema.simpleString() == SAMPLE_SCHEMA
    assert spark.read.format("avro").load(out).count() == 0
    sample(spark).write.mode("append").format("avro").save(out)
    sample(spark).write.mode("append").format("avro").save(out)
    assert spark.read.format("avro").load(out).count() == 6
    sample(spark).limit(1).write.mode("overwrite").format("avro").save(out)
    assert spark.read.format("avro").load(out).count() == 1
    with pytest.raises(PySparkException) as info:
        sample(spark).write.format("avro").save(out)
    assert info.value.getCondition() == "PATH_ALREADY_EXISTS"


def test_avro_tables(spark, tmp_path):
    """`CREATE TABLE … USING avro`, `INSERT`, `saveAsTable(format="avro")`:
    the table's files are Avro files fastavro reads."""
    location = str(tmp_path / "t_avro")
    spark.sql(f"CREATE TABLE avro_sql_t (a INT, b STRING) USING avro LOCATION '{location}'")
    try:
        spark.sql("INSERT INTO avro_sql_t VALUES (1, 'x'), (2, NULL)")
        assert [tuple(r) for r in spark.table("avro_sql_t").orderBy("a").collect()] == [(1, "x"), (2, None)]
        records = [r for path in avro_files(location) for r in read_with_fastavro(path)[2]]
        assert sorted(records, key=lambda r: r["a"]) == [{"a": 1, "b": "x"}, {"a": 2, "b": None}]
        sample(spark).write.format("avro").saveAsTable("avro_api_t")
        df = spark.table("avro_api_t")
        # The table keeps the written frame's types (`small` stays SMALLINT) where a path read gives Avro's.
        assert df.schema.simpleString() == sample(spark).schema.simpleString()
        assert as_json(df.orderBy("id")) == SAMPLE_JSON
    finally:
        spark.sql("DROP TABLE IF EXISTS avro_sql_t")
        spark.sql("DROP TABLE IF EXISTS avro_api_t")
