#!/usr/bin/env bash
# Stops what scripts/services.sh started (only the OpenSearch node recorded in .services/opensearch.pid).
# MySQL and RabbitMQ are never touched. Idempotent: nothing to stop is not an error.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OS_PID_FILE="$ROOT/.services/opensearch.pid"
RUNNER_MAIN="org.codelibs.opensearch.runner.OpenSearchRunner"
GRACE_SECONDS="${OPENSEARCH_STOP_TIMEOUT:-30}"

alive() { # a zombie (exited, not yet reaped) counts as gone
  kill -0 "$1" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
}

if [[ ! -f "$OS_PID_FILE" ]]; then
  echo "OpenSearch: not started by services.sh (no ${OS_PID_FILE#"$ROOT/"}); nothing to stop."
  exit 0
fi

pid="$(cat "$OS_PID_FILE")"
# Only signal the pid if it still is our runner (the pid may have been reused after a reboot).
if [[ ! "$pid" =~ ^[0-9]+$ ]] || ! alive "$pid" ||
  ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$RUNNER_MAIN"; then
  echo "OpenSearch: pid ${pid:-?} from ${OS_PID_FILE#"$ROOT/"} is not running; removing the stale pid file."
  rm -f "$OS_PID_FILE"
  exit 0
fi

echo "Stopping OpenSearch (pid $pid)..."
kill -TERM "$pid" 2>/dev/null || true
deadline=$((SECONDS + GRACE_SECONDS))
while alive "$pid" && ((SECONDS < deadline)); do
  sleep 0.5
done
if alive "$pid"; then
  echo "OpenSearch did not exit within ${GRACE_SECONDS}s; killing it."
  kill -KILL "$pid" 2>/dev/null || true
  while alive "$pid"; do sleep 0.2; done
fi
rm -f "$OS_PID_FILE"
echo "OpenSearch stopped."
