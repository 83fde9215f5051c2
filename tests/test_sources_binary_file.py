"""The binaryFile source: path, modificationTime, length and content of
each file, with pathGlobFilter and partition folders."""

import os


def test_binary_file_rows(spark, tmp_path, golden):
    root = tmp_path / "bin"
    (root / "kind=a").mkdir(parents=True)
    (root / "kind=b").mkdir()
    (root / "kind=a" / "x.bin").write_bytes(b"\x00\x01\x02")
    (root / "kind=a" / "y.txt").write_text("hello")
    (root / "kind=b" / "z.bin").write_bytes(b"")
    for path in root.rglob("*.*"):
        os.utime(path, (1_600_000_000.5, 1_600_000_000.5))
    df = spark.read.format("binaryFile").load(str(root))
    golden.check("schema", df.schema.jsonValue())
    rows = df.select("modificationTime", "length", "content", "kind", df.path.endswith(".bin").alias("bin")).orderBy("length")
    golden.check_df(rows)
    filtered = spark.read.format("binaryFile").option("pathGlobFilter", "*.bin").load(str(root))
    golden.check("filtered", sorted(os.path.basename(r.path) for r in filtered.select("path").collect()))
    golden.check("path_prefix", df.select("path").first().path.startswith("file:/"))
