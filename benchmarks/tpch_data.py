#!/usr/bin/env python3
"""TPC-H data for the benchmarks: the benchmark venv and the Parquet files.

Creates the benchmark venv (``~/.cache/ember/bench-venv``) with the pinned
engines and tools if it is missing, and Sail's server venv
(``~/.cache/ember/sail-venv``: Sail 0.7.2 refuses to start sessions when the
PySpark installed beside it is 4.3, so its server runs with PySpark 4.0; the
client is still PySpark 4.3). Then it generates TPC-H at a scale factor as
Parquet with ``tpchgen-cli``: one folder per table, several files per table,
under ``~/.cache/ember/tpch/sf<N>`` (outside the repository). Existing data is
reused; a folder is only complete once its ``_SUCCESS`` marker is written.

    python3 benchmarks/tpch_data.py --scale 1
    python3 benchmarks/tpch_data.py --scale 0.1 --setup-only
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

CACHE = Path(os.environ.get("EMBER_CACHE", Path.home() / ".cache" / "ember"))
BENCH_VENV = CACHE / "bench-venv"
SAIL_VENV = CACHE / "sail-venv"
DATA_ROOT = CACHE / "tpch"

# DataFusion's Python package matches Ember's DataFusion major (55).
PINNED_PACKAGES = [
    "tpchgen-cli==4.0.0",
    "duckdb==2.0.1",
    "datafusion==55.0.0",
    "pysail==0.7.2",
    "pyspark[connect]==4.3.0",
    "pyarrow",
    "pandas<3",  # PySpark 4.3 warns that it does not support pandas 3 yet
    "matplotlib",
    "psutil",
]

SAIL_PACKAGES = ["pysail==0.7.2", "pyspark[connect]==4.0.5"]

TABLES = ["region", "nation", "supplier", "customer", "part", "partsupp", "orders", "lineitem"]


def venv_python() -> Path:
    """The benchmark venv's interpreter."""
    return BENCH_VENV / "bin" / "python"


def sail_binary() -> Path:
    """The ``sail`` command of Sail's server venv."""
    return SAIL_VENV / "bin" / "sail"


def _ensure(venv: Path, packages: list[str]) -> None:
    marker = venv / ".ember-bench-packages"
    wanted = "\n".join(packages)
    if marker.exists() and marker.read_text() == wanted:
        return
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "-q", *packages], check=True)
    marker.write_text(wanted)


def ensure_venv() -> Path:
    """Create the benchmark and Sail venvs with the pinned packages if needed."""
    _ensure(BENCH_VENV, PINNED_PACKAGES)
    _ensure(SAIL_VENV, SAIL_PACKAGES)
    return venv_python()


def scale_dir(scale: float) -> Path:
    """The data folder for a scale factor, e.g. ``.../tpch/sf1`` or ``sf0.1``."""
    label = f"{scale:g}"
    return DATA_ROOT / f"sf{label}"


def files_per_table(scale: float) -> int:
    """Several files per table; about one per 50 MB of lineitem at larger scales."""
    return max(4, int(scale * 4))


def generate(scale: float, threads: int | None = None) -> Path:
    """Generate (or reuse) TPC-H Parquet data at ``scale`` and return its folder."""
    out = scale_dir(scale)
    if (out / "_SUCCESS").exists():
        return out
    ensure_venv()
    tmp = out.with_name(out.name + ".tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    cmd = [
        str(BENCH_VENV / "bin" / "tpchgen-cli"), "parquet",
        "--scale-factor", f"{scale:g}",
        "--output-dir", str(tmp),
        "--parts", str(files_per_table(scale)),
        "--no-progress", "--quiet",
    ]
    if threads:
        cmd += ["--num-threads", str(threads)]
    subprocess.run(cmd, check=True)
    missing = [t for t in TABLES if not (tmp / t).is_dir()]
    if missing:
        raise SystemExit(f"tpchgen-cli did not write tables: {', '.join(missing)}")
    shutil.rmtree(out, ignore_errors=True)
    tmp.rename(out)
    (out / "_SUCCESS").write_text(f"scale factor {scale:g}\n")
    return out


def table_paths(root: Path) -> dict[str, str]:
    """Table name -> folder of Parquet files."""
    return {t: str(root / t) for t in TABLES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0, help="TPC-H scale factor (default 1)")
    parser.add_argument("--threads", type=int, help="generator threads (default: all CPUs)")
    parser.add_argument("--setup-only", action="store_true", help="only create the benchmark venv")
    args = parser.parse_args()
    python = ensure_venv()
    print(f"benchmark venv: {python}")
    if not args.setup_only:
        print(f"TPC-H SF{args.scale:g}: {generate(args.scale, args.threads)}")


if __name__ == "__main__":
    main()
