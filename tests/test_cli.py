"""The `ember` command line: --version, server lifecycle, submit.

These need the Ember binary, so they are skipped when the suite runs against
another server (EMBER_TEST_REMOTE).
"""

import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import REMOTE, EmberProcess, ember_binary

pytestmark = pytest.mark.skipif(
    bool(REMOTE), reason="needs the Ember binary (EMBER_TEST_REMOTE is set)"
)


def cli_env():
    """Environment whose python (for `ember submit`) is the test's own venv."""
    env = dict(os.environ)
    env.pop("SPARK_REMOTE", None)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    return env


def run_ember(*args, timeout=180):
    return subprocess.run(
        [str(ember_binary()), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=cli_env(),
        stdin=subprocess.DEVNULL,
    )


def test_version_flag():
    proc = run_ember("--version")
    assert proc.returncode == 0, proc.stderr
    assert re.fullmatch(r"ember \d+\.\d+\.\d+\S*\n?", proc.stdout, re.IGNORECASE), proc.stdout


def test_server_prints_ready_line_and_exits_cleanly_on_sigterm():
    server = EmberProcess(ember_binary(), env=cli_env())
    assert server.url.startswith("sc://127.0.0.1:")
    assert server.url.endswith(f":{server.port}")
    assert re.fullmatch(
        r"Ember \S+ serving sc://127\.0\.0\.1:\d+\n?", server.stdout_lines[0]
    ), server.stdout_lines
    server.proc.send_signal(signal.SIGTERM)
    assert server.proc.wait(30) == 0, server.stderr_tail()


def test_server_answers_a_query():
    from conftest import new_session

    server = EmberProcess(ember_binary(), env=cli_env())
    try:
        session = new_session(server.url)
        assert session.range(4).count() == 4
        session.stop()
    finally:
        assert server.terminate() == 0, server.stderr_tail()


def test_submit_runs_script_with_conf_and_exit_code(tmp_path):
    script = tmp_path / "job.py"
    script.write_text(
        textwrap.dedent(
            """
            import os, sys
            from pyspark.sql import SparkSession

            assert os.environ["SPARK_REMOTE"].startswith("sc://")
            spark = SparkSession.builder.getOrCreate()
            total = spark.range(int(sys.argv[1])).count()
            greeting = spark.conf.get("spark.ember.test.greeting")
            print(f"total={total} greeting={greeting} args={sys.argv[1:]}")
            sys.exit(int(sys.argv[2]))
            """
        )
    )
    proc = run_ember("submit", "--conf", "spark.ember.test.greeting=hello", str(script), "6", "3")
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "total=6 greeting=hello args=['6', '3']" in proc.stdout, proc.stdout + proc.stderr


def test_submit_zero_exit(tmp_path):
    script = tmp_path / "ok.py"
    script.write_text(
        "from pyspark.sql import SparkSession\n"
        "print(SparkSession.builder.getOrCreate().sql('SELECT 40 + 2 AS x').first().x)\n"
    )
    proc = run_ember("submit", str(script))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "42", proc.stdout


def test_submit_propagates_script_failure(tmp_path):
    script = tmp_path / "boom.py"
    script.write_text("raise SystemExit('boom')\n")
    proc = run_ember("submit", str(script))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "boom" in proc.stderr


def test_submit_quickstart_example():
    example = Path(__file__).resolve().parent.parent / "examples" / "quickstart.py"
    proc = run_ember("submit", str(example))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Via SQL:" in proc.stdout
