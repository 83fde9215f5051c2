#!/usr/bin/env bash
# Start (or stop) a local Apache Spark Connect server from the pinned pyspark
# package: the oracle whose answers Ember's golden files record.
#   tools/spark_oracle.sh start [PORT]   (default 15003; waits until it serves)
#   tools/spark_oracle.sh stop
set -euo pipefail
VENV=${EMBER_VENV:-$HOME/.cache/ember/venv}
export SPARK_HOME=$("$VENV/bin/python" -c 'import pyspark, os; print(os.path.dirname(pyspark.__file__))')
export PYSPARK_PYTHON="$VENV/bin/python"
export SPARK_LOG_DIR=${SPARK_LOG_DIR:-$HOME/.cache/ember/spark-logs}
export SPARK_PID_DIR=$SPARK_LOG_DIR
PORT=${2:-15003}
# The oracle's warehouse (static in Spark): a folder of its own, so that tables
# created while recording land neither in the caller's working directory nor
# in another oracle's warehouse.
WAREHOUSE=${SPARK_WAREHOUSE_DIR:-$SPARK_LOG_DIR/warehouse-$PORT}
case "${1:-start}" in
  start)
    "$SPARK_HOME/sbin/start-connect-server.sh" \
      --master "local[2]" \
      --conf spark.connect.grpc.binding.port="$PORT" \
      --conf spark.sql.session.timeZone=UTC \
      --conf spark.sql.warehouse.dir="$WAREHOUSE" \
      --conf spark.ui.enabled=false >/dev/null
    for _ in $(seq 120); do
      if (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then echo "sc://localhost:$PORT"; exit 0; fi
      sleep 1
    done
    echo "Spark Connect did not start; see $SPARK_LOG_DIR" >&2; exit 1 ;;
  stop)
    "$SPARK_HOME/sbin/stop-connect-server.sh" ;;
esac
