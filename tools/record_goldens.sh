#!/usr/bin/env bash
# Record the golden files under tests/golden/ from a real Apache Spark Connect
# server (the oracle), with the pinned 4.3 client and then the 4.0 client
# (whose differing values become per-client overrides).
#   tools/record_goldens.sh                 re-record everything (wipes tests/golden)
#   tools/record_goldens.sh tests/test_x.py [pytest args]   re-record a part
# EMBER_ORACLE_PORT (default 15003) picks the oracle's port; it is started with
# tools/spark_oracle.sh when nothing listens there yet.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
EMBER_SKIP_BUILD=1 dev/setup
VENV=${EMBER_VENV:-$HOME/.cache/ember/venv}
VENV_40=${EMBER_VENV_40:-$HOME/.cache/ember/venv-4.0}
PORT=${EMBER_ORACLE_PORT:-15003}

if ! (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then
  tools/spark_oracle.sh start "$PORT" >/dev/null
fi
export EMBER_TEST_REMOTE=sc://localhost:$PORT
export EMBER_RECORD_GOLDEN=1

if [[ $# -eq 0 ]]; then
  rm -rf tests/golden
  set -- tests
fi
EMBER_CLIENT=4.3 "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
EMBER_CLIENT=4.0 "$VENV_40/bin/python" -m pytest -q -p no:cacheprovider "$@"
