# Shared by scripts/services.sh and scripts/services-stop.sh (sourced, not run): where each search
# engine's node lives under .services/ and how to tell that a pid is still that node.
#
# Both engines run the same way: a runner from Maven Central (scripts/<engine>/pom.xml) starts one
# node in one JVM with `-basePath DIR -numOfNode 1 -baseHttpPort P` and serves HTTP on P + 1.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SERVICES_DIR="$ROOT/.services"

# use_engine opensearch|elasticsearch: sets the names the functions below and the scripts act on.
#   ENGINE (for messages), PREFIX (of its variables: ${PREFIX}_NODE, ${PREFIX}_JAVA_OPTS, ...),
#   DEFAULT_PORT, RUNNER_MAIN, CONFIG_FILE (the node's yml), and its paths under .services/.
# SERVICES_INSTANCE=NAME names a second node of the engine beside the first: its data, log and pid
# under .services/<engine>-NAME (the chaos harness starts one on its own port to stop it at will).
use_engine() {
  local engine="$1"
  case "$engine" in
    opensearch) set -- OpenSearch OPENSEARCH 9200 org.codelibs.opensearch.runner.OpenSearchRunner ;;
    elasticsearch) set -- Elasticsearch ELASTICSEARCH 9250 org.codelibs.elasticsearch.runner.ElasticsearchClusterRunner ;;
    *)
      echo "services: unknown engine $engine" >&2
      return 1
      ;;
  esac
  ENGINE="$1"
  PREFIX="$2"
  DEFAULT_PORT="$3"
  RUNNER_MAIN="$4"
  CONFIG_FILE="$engine.yml"
  local node_dir="$engine${SERVICES_INSTANCE:+-$SERVICES_INSTANCE}"
  ENGINE_BASE="$SERVICES_DIR/$node_dir"
  PID_FILE="$SERVICES_DIR/$node_dir.pid"
  ENGINE_LOG="$SERVICES_DIR/$node_dir.log"
  CLASSPATH_FILE="$SERVICES_DIR/$engine-classpath.txt"
  POM="$ROOT/scripts/$engine/pom.xml"
}

alive() { # a zombie (exited, not yet reaped) counts as gone
  [[ "${1:-}" =~ ^[0-9]+$ ]] && kill -0 "$1" 2>/dev/null &&
    [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != Z ]]
}

runner_alive() { # runner_alive PID -> true if PID runs the selected engine's runner
  alive "${1:-}" &&
    tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -q "$RUNNER_MAIN"
}
