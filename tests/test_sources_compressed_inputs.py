"""Compressed input files, recognised by their extension as Spark's Hadoop
codecs recognise them: .gz, .bz2, .deflate (zlib) and .zst for csv, json
and text, alone and mixed with plain files in one folder. Hadoop's block
formats (.snappy, .lz4) are read from files Spark wrote in
test_sources_writes.py."""

import bz2
import gzip
import zlib

import pyarrow as pa
import pytest

CODECS = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "deflate": zlib.compress,
    "zst": lambda data: pa.compress(data, codec="zstd", asbytes=True),
}
TEXTS = {
    "csv": b"id,name\n1,a\n2,b\n",
    "json": b'{"id": 1, "name": "a"}\n{"id": 2, "name": "b"}\n',
    "text": b"first line\nsecond line\n",
}


def read(spark, fmt, path):
    reader = spark.read.format(fmt)
    if fmt == "csv":
        reader = reader.option("header", True).option("inferSchema", True)
    return reader.load(path)


@pytest.mark.parametrize("fmt", sorted(TEXTS))
def test_compressed_inputs_by_extension(spark, tmp_path, golden, fmt):
    for ext, compress in sorted(CODECS.items()):
        path = tmp_path / f"one.{fmt}.{ext}"
        path.write_bytes(compress(TEXTS[fmt]))
        df = read(spark, fmt, str(path))
        golden.check_df(df.orderBy(df.columns[0]), name=ext)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / f"plain.{fmt}").write_bytes(TEXTS[fmt])
    for ext, compress in CODECS.items():
        (mixed / f"part.{fmt}.{ext}").write_bytes(compress(TEXTS[fmt]))
    df = read(spark, fmt, str(mixed))
    golden.check_df(df.orderBy(*df.columns), name="mixed")
