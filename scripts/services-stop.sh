#!/usr/bin/env bash
# Stops what scripts/services.sh started: the OpenSearch and Elasticsearch nodes recorded in
# .services/opensearch.pid and .services/elasticsearch.pid. MySQL and RabbitMQ are never touched.
# Idempotent: nothing to stop is not an error.
#
#   bash scripts/services-stop.sh [opensearch] [elasticsearch]     (none named: both)
#
# Variables: OPENSEARCH_STOP_TIMEOUT, ELASTICSEARCH_STOP_TIMEOUT (seconds before kill -9, default 30);
# SERVICES_INSTANCE stops the second node services.sh started under that name instead.
set -euo pipefail

# shellcheck source=scripts/services-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/services-lib.sh"

# stop_node: stops the selected engine's node, if services.sh started one that still runs.
stop_node() {
  local pid grace_name="${PREFIX}_STOP_TIMEOUT" deadline
  if [[ ! -f "$PID_FILE" ]]; then
    echo "$ENGINE: not started by services.sh (no ${PID_FILE#"$ROOT/"}); nothing to stop."
    return 0
  fi
  pid="$(cat "$PID_FILE")"
  # Only signal the pid if it still is our runner (the pid may have been reused after a reboot).
  if ! runner_alive "$pid"; then
    echo "$ENGINE: pid ${pid:-?} from ${PID_FILE#"$ROOT/"} is not running; removing the stale pid file."
    rm -f "$PID_FILE"
    return 0
  fi

  echo "Stopping $ENGINE (pid $pid)..."
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + ${!grace_name:-30}))
  while alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if alive "$pid"; then
    echo "$ENGINE did not exit within ${!grace_name:-30}s; killing it."
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  echo "$ENGINE stopped."
}

(($# > 0)) || set -- opensearch elasticsearch
for name in "$@"; do
  use_engine "$name"
  stop_node
done
