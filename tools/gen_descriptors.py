#!/usr/bin/env python3
"""Regenerate Ember's Spark Connect descriptor set from the pinned pyspark client.

The pyspark wheel ships the compiled Spark Connect schema inside
`pyspark/sql/connect/proto/*_pb2.py`.  Importing those modules registers each
file in protobuf's default descriptor pool; this script serializes every
`spark/connect/*.proto` file from that pool, with the well-known types it
imports (dependencies first), into one
`FileDescriptorSet`, which `crates/ember-protocol/build.rs` compiles with
prost/tonic.  No `.proto` text is involved.

Usage: python tools/gen_descriptors.py [OUTPUT]
"""

import importlib
import pkgutil
import sys
from pathlib import Path

from google.protobuf import descriptor_pb2, descriptor_pool

import pyspark
import pyspark.sql.connect.proto as proto_pkg

DEFAULT_OUTPUT = (
    Path(__file__).resolve().parent.parent
    / "crates/ember-protocol/descriptors/spark_connect.bin"
)


def main() -> None:
    output = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUTPUT
    for module in pkgutil.iter_modules(proto_pkg.__path__):
        if module.name.endswith("_pb2"):
            importlib.import_module(f"{proto_pkg.__name__}.{module.name}")

    pool = descriptor_pool.Default()
    ordered, seen = [], set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        file = pool.FindFileByName(name)
        for dep in file.dependencies:
            visit(dep.name)
        ordered.append(file)

    roots = sorted(
        f"spark/connect/{m.name[: -len('_pb2')]}.proto"
        for m in pkgutil.iter_modules(proto_pkg.__path__)
        if m.name.endswith("_pb2")
    )
    for root in roots:
        visit(root)

    fds = descriptor_pb2.FileDescriptorSet()
    for file in ordered:
        fdp = fds.file.add()
        file.CopyToProto(fdp)
    output.write_bytes(fds.SerializeToString())
    print(f"pyspark {pyspark.__version__}: wrote {len(ordered)} files to {output}")


if __name__ == "__main__":
    main()
