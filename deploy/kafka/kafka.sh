#!/usr/bin/env bash
# A real single-node Kafka broker (KRaft) from Maven Central, without Docker.
#
#   bash deploy/kafka/kafka.sh fetch    download the broker's jars once (Maven; no-op when present)
#   bash deploy/kafka/kafka.sh start    fetch if needed, format the data dir once, start, wait until ready
#   bash deploy/kafka/kafka.sh stop     stop the broker of this data dir and wait for it to exit
#   bash deploy/kafka/kafka.sh status   exit 0 and say where when running; exit 3 when stopped
#
# Environment (all optional):
#   KAFKA_DATA_DIR         data, logs and pid file          (default deploy/kafka/.data)
#   KAFKA_JARS_DIR         the fetched jars                  (default deploy/kafka/.jars)
#   KAFKA_VERSION          broker version to fetch           (default: kafka.version in pom.xml)
#   KAFKA_PORT             client listener on 127.0.0.1      (default 9092)
#   KAFKA_CONTROLLER_PORT  KRaft controller on 127.0.0.1     (default 9093; fixed once the data dir is formatted)
#   KAFKA_HEAP_OPTS        broker JVM heap                   (default -Xmx512m)
#   KAFKA_START_TIMEOUT    seconds `start` waits for the broker (default 90)
#
# Clients connect to 127.0.0.1:$KAFKA_PORT (KAFKA_BROKERS=127.0.0.1:9092). Needs Java 17+ and,
# for the first fetch, Maven. `start` is safe to call when the broker already runs (it returns at
# once) and after a crash (a pid file whose process is gone is ignored); concurrent calls wait
# for each other.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
POM="$HERE/pom.xml"
DEFAULT_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")
VERSION=${KAFKA_VERSION:-$DEFAULT_VERSION}
JARS_DIR=${KAFKA_JARS_DIR:-$HERE/.jars}
DATA_DIR=${KAFKA_DATA_DIR:-$HERE/.data}
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xmx512m}
START_TIMEOUT=${KAFKA_START_TIMEOUT:-90}

die() {
  echo "kafka.sh: $*" >&2
  exit 1
}
log() { echo "kafka.sh: $*" >&2; }

# Absolute paths: the broker's config and the pid check must not depend on the caller's cwd.
mkdir -p "$DATA_DIR" "$(dirname "$JARS_DIR")"
DATA_DIR=$(cd "$DATA_DIR" && pwd)
JARS_DIR="$(cd "$(dirname "$JARS_DIR")" && pwd)/$(basename "$JARS_DIR")"
PID_FILE="$DATA_DIR/kafka.pid"
CONF="$DATA_DIR/server.properties"
LOGS_DIR="$DATA_DIR/logs"
SERVER_LOG="$LOGS_DIR/server.log"
OUT_FILE="$DATA_DIR/kafka.out"

need_java() {
  command -v java >/dev/null || die "java not found: install a JDK 17 or newer (apt-get install -y openjdk-17-jre-headless)"
  local v
  v=$(java -version 2>&1 | sed -n 's/.* version "\([0-9]*\).*/\1/p' | head -n1)
  [[ -n "$v" && "$v" -ge 17 ]] || die "Kafka $VERSION needs Java 17 or newer; java -version says: $(java -version 2>&1 | head -n1)"
}

jars_ready() { [[ -f "$JARS_DIR/.fetched" && "$(cat "$JARS_DIR/.fetched")" == "$VERSION" ]]; }

cmd_fetch() {
  jars_ready && return 0
  exec 8>"$JARS_DIR.lock"
  flock 8
  jars_ready && return 0 # another caller fetched while we waited
  command -v mvn >/dev/null || die "mvn not found: install Maven (apt-get install -y maven) to fetch Kafka $VERSION"
  local tmp="$JARS_DIR.tmp.$$" started=$SECONDS
  rm -rf "$tmp"
  log "fetching Kafka $VERSION from Maven Central into $JARS_DIR"
  if ! mvn -q -B --no-transfer-progress -Dstyle.color=never -f "$POM" -Dkafka.version="$VERSION" \
    dependency:copy-dependencies -DoutputDirectory="$tmp" >"$JARS_DIR.fetch.log" 2>&1; then
    tail -n 40 "$JARS_DIR.fetch.log" >&2
    rm -rf "$tmp"
    die "fetching Kafka $VERSION failed (full output: $JARS_DIR.fetch.log)"
  fi
  ls "$tmp"/kafka_2.13-*.jar >/dev/null 2>&1 || die "Maven ran but no kafka_2.13 jar arrived in $tmp"
  echo "$VERSION" >"$tmp/.fetched"
  rm -rf "$JARS_DIR"
  mv "$tmp" "$JARS_DIR"
  rm -f "$JARS_DIR.fetch.log"
  log "fetched $(find "$JARS_DIR" -name '*.jar' | wc -l) jars in $((SECONDS - started)) s"
}

# The pid of this data dir's broker when it runs, else nothing (a stale pid file is removed).
running_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid=$(cat "$PID_FILE")
  if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $CONF"; then
    echo "$pid"
  else
    rm -f "$PID_FILE"
  fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

render_config() {
  sed -e "s#@DATA_DIR@#$DATA_DIR#g" -e "s#@PORT@#$PORT#g" -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#g" \
    "$HERE/server.properties" >"$CONF.tmp"
  mv "$CONF.tmp" "$CONF"
}

# A Kafka tool on the fetched jars; it logs to <data dir>/logs/tools.log, not the terminal.
TOOL=(java -Dlog4j2.configurationFile="$HERE/log4j2.xml" -Dkafka.logs.dir="$LOGS_DIR" -Dkafka.log.name=tools -cp "$JARS_DIR/*")

format_once() {
  if [[ -f "$DATA_DIR/kraft-logs/meta.properties" ]]; then
    local formatted
    formatted=$(cat "$DATA_DIR/controller.port" 2>/dev/null || echo "$CONTROLLER_PORT")
    [[ "$formatted" == "$CONTROLLER_PORT" ]] ||
      die "$DATA_DIR was formatted with controller port $formatted; use KAFKA_CONTROLLER_PORT=$formatted or a new KAFKA_DATA_DIR"
    return 0
  fi
  local cluster_id
  # A KRaft cluster id is 16 random bytes in URL-safe base64 without padding (22 characters).
  cluster_id=$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')
  log "formatting $DATA_DIR (cluster id $cluster_id)"
  if ! "${TOOL[@]}" kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$CONF" >"$DATA_DIR/format.log" 2>&1; then
    cat "$DATA_DIR/format.log" >&2
    die "formatting $DATA_DIR failed"
  fi
  echo "$cluster_id" >"$DATA_DIR/cluster.id"
  echo "$CONTROLLER_PORT" >"$DATA_DIR/controller.port"
}

# TERM (the broker shuts down cleanly, ~2 s), then KILL after 30 s; returns once the process is gone.
stop_pid() {
  local pid=$1 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 60; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  log "pid $pid still running after 30 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
}

# The client port the running broker was started with (its rendered config), else KAFKA_PORT.
running_port() { sed -n 's#^advertised.listeners=PLAINTEXT://127.0.0.1:\([0-9]*\).*#\1#p' "$CONF" 2>/dev/null | grep . || echo "$PORT"; }

fail_start() {
  local pid=${1:-}
  echo "---- last lines of $SERVER_LOG" >&2
  tail -n 40 "$SERVER_LOG" >&2 2>/dev/null || true
  if [[ -s "$OUT_FILE" ]]; then
    echo "---- last lines of $OUT_FILE" >&2
    tail -n 20 "$OUT_FILE" >&2
  fi
  [[ -n "$pid" ]] && stop_pid "$pid"
  rm -f "$PID_FILE"
  die "$2"
}

cmd_start() {
  exec 9>"$DATA_DIR/.lock"
  flock 9
  local pid
  pid=$(running_pid)
  if [[ -n "$pid" ]]; then
    log "already running (pid $pid, 127.0.0.1:$(running_port), data $DATA_DIR)"
    return 0
  fi
  need_java
  cmd_fetch
  port_open "$PORT" && die "127.0.0.1:$PORT is already taken by a process that is not this data dir's broker ($DATA_DIR)"
  port_open "$CONTROLLER_PORT" && die "127.0.0.1:$CONTROLLER_PORT (controller) is already taken by another process"
  mkdir -p "$LOGS_DIR"
  render_config
  format_once

  local started=$SECONDS
  # setsid: the broker outlives the shell that started it and its signals (a test runner's Ctrl-C).
  # 8>&- 9>&-: it must not inherit the lock files' descriptors, or it would hold the locks for life.
  # shellcheck disable=SC2086 # HEAP_OPTS holds several JVM options
  setsid java $HEAP_OPTS -XX:+ExitOnOutOfMemoryError \
    -Dlog4j2.configurationFile="$HERE/log4j2.xml" -Dkafka.logs.dir="$LOGS_DIR" -Dkafka.log.name=server \
    -cp "$JARS_DIR/*" kafka.Kafka "$CONF" >"$OUT_FILE" 2>&1 </dev/null 8>&- 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "started Kafka $VERSION (pid $pid), waiting up to ${START_TIMEOUT}s for 127.0.0.1:$PORT"

  # First the listener, cheaply; then a real Kafka request (list topics) through the admin client.
  until port_open "$PORT"; do
    kill -0 "$pid" 2>/dev/null || fail_start "" "the broker exited during startup"
    ((SECONDS - started < START_TIMEOUT)) || fail_start "$pid" "the broker did not open 127.0.0.1:$PORT within ${START_TIMEOUT}s"
    sleep 0.5
  done
  local left
  until
    left=$((START_TIMEOUT - (SECONDS - started)))
    ((left > 0)) || fail_start "$pid" "the broker did not answer a topic listing within ${START_TIMEOUT}s"
    timeout "$left" "${TOOL[@]}" org.apache.kafka.tools.TopicCommand --bootstrap-server "127.0.0.1:$PORT" --list \
      >"$DATA_DIR/ready-check.log" 2>&1
  do
    kill -0 "$pid" 2>/dev/null || fail_start "" "the broker exited during startup"
    sleep 1
  done
  log "ready in $((SECONDS - started)) s: KAFKA_BROKERS=127.0.0.1:$PORT (log $SERVER_LOG)"
}

cmd_stop() {
  exec 9>"$DATA_DIR/.lock"
  flock 9
  local pid
  pid=$(running_pid)
  if [[ -z "$pid" ]]; then
    log "not running (data $DATA_DIR)"
    return 0
  fi
  stop_pid "$pid"
  rm -f "$PID_FILE"
  log "stopped (pid $pid)"
}

cmd_status() {
  local pid
  pid=$(running_pid)
  if [[ -n "$pid" ]]; then
    echo "running: pid $pid, Kafka $(cat "$JARS_DIR/.fetched" 2>/dev/null || echo "?"), 127.0.0.1:$(running_port), data $DATA_DIR"
  else
    echo "stopped (data $DATA_DIR)"
    return 3
  fi
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *)
    sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
