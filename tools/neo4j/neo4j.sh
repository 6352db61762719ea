#!/usr/bin/env bash
# Local Neo4j 5.26 community server for rekg development and tests (no Docker).
#
#   bash tools/neo4j/neo4j.sh up       # build if needed, start, wait for Bolt; last line: NEO4J_URI=bolt://127.0.0.1:PORT
#   bash tools/neo4j/neo4j.sh down     # SIGTERM (clean shutdown), SIGKILL after 60 s
#   bash tools/neo4j/neo4j.sh status   # "running ..." (exit 0) or "stopped" (exit 1)
#
# Environment:
#   NEO4J_DATA_DIR       data dir (default ${REKG_DATA_DIR:-.rekg}/neo4j, relative to the current dir)
#   NEO4J_BOLT_PORT      Bolt port on 127.0.0.1 (default 7687)
#   NEO4J_HEAP           java -Xmx (default 1g)
#   NEO4J_PAGECACHE      page cache (default 256m)
#   NEO4J_JAVA_OPTS      extra JVM options
#   NEO4J_START_TIMEOUT  seconds to wait for Bolt (default 120)
#   PYTHON               python with the `neo4j` driver (default <repo>/.venv/bin/python)
#   JAVA, MVN            java / mvn executables (default: from PATH)
#
# Only informational messages go to stderr; `up` prints exactly one stdout line, the URI.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

DATA_DIR="${NEO4J_DATA_DIR:-${REKG_DATA_DIR:-.rekg}/neo4j}"
BOLT_PORT="${NEO4J_BOLT_PORT:-7687}"
HEAP="${NEO4J_HEAP:-1g}"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT=60
JAVA="${JAVA:-java}"
MVN="${MVN:-mvn}"
if [[ -n "${PYTHON:-}" ]]; then
    PY="$PYTHON"
elif [[ -x "$REPO_ROOT/.venv/bin/python" ]]; then
    PY="$REPO_ROOT/.venv/bin/python"
else
    PY="python3"
fi

# absolute path, without creating anything (only `up` creates the data dir)
[[ "$DATA_DIR" == /* ]] || DATA_DIR="$PWD/$DATA_DIR"
[[ -d "$DATA_DIR" ]] && DATA_DIR="$(cd "$DATA_DIR" && pwd)"
PID_FILE="$DATA_DIR/neo4j.pid"
PORT_FILE="$DATA_DIR/neo4j.port"
LOG_FILE="$DATA_DIR/neo4j-server.log"     # launcher stdout/stderr; Neo4j's own log: $DATA_DIR/logs/debug.log
JAR="$SCRIPT_DIR/target/rekg-neo4j.jar"
LIB="$SCRIPT_DIR/target/lib"
MAIN_CLASS="rekg.Neo4jLauncher"

say() { echo "[neo4j.sh] $*" >&2; }

# --- process helpers -------------------------------------------------------

# pid from the pid file if that process is alive AND is our launcher (guards against pid reuse)
running_pid() {
    [[ -f "$PID_FILE" ]] || return 1
    local pid
    pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    kill -0 "$pid" 2>/dev/null || return 1
    if [[ -r "/proc/$pid/cmdline" ]]; then
        tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q "$MAIN_CLASS" || return 1
    fi
    echo "$pid"
}

running_port() {
    if [[ -f "$PORT_FILE" ]]; then cat "$PORT_FILE"; else echo "$BOLT_PORT"; fi
}

port_busy() {  # $1 = port; true if anything accepts TCP connections on it
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

bolt_ok() {  # $1 = port; true if a Bolt server answers (hard 15 s cap: a non-Bolt listener may never reply)
    timeout 15 "$PY" - "$1" <<'PY' >/dev/null 2>&1
import sys
from neo4j import GraphDatabase
d = GraphDatabase.driver(f"bolt://127.0.0.1:{sys.argv[1]}", auth=None, connection_timeout=3)
try:
    d.verify_connectivity()
finally:
    d.close()
PY
}

log_tail() {
    say "---- last 40 lines of $LOG_FILE ----"
    tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
    if [[ -f "$DATA_DIR/logs/debug.log" ]]; then
        say "---- ERROR/WARN lines in $DATA_DIR/logs/debug.log (last 15) ----"
        grep -E ' (ERROR|WARN) ' "$DATA_DIR/logs/debug.log" | tail -n 15 >&2 || true
    fi
}

# --- build -----------------------------------------------------------------

needs_build() {
    [[ -f "$JAR" ]] || return 0
    [[ -d "$LIB" ]] && compgen -G "$LIB/neo4j-*.jar" >/dev/null || return 0
    [[ -n "$(find "$SCRIPT_DIR/pom.xml" "$SCRIPT_DIR/src" -type f -newer "$JAR" 2>/dev/null | head -n 1)" ]] && return 0
    return 1
}

build() {
    if needs_build; then
        command -v "$MVN" >/dev/null 2>&1 || { say "maven ('$MVN') not found"; exit 1; }
        say "building (mvn -q -B package in $SCRIPT_DIR; first build downloads Neo4j from Maven Central) ..."
        # copy-dependencies never deletes stale jars: start from a clean lib dir when the
        # dependency set may have changed (pom newer than the jar). Servers already running from
        # this checkout keep their open (deleted) jars and are not affected.
        if [[ ! -f "$JAR" || "$SCRIPT_DIR/pom.xml" -nt "$JAR" ]]; then
            rm -rf "$LIB"
        fi
        # (Debian's maven 3.8.7 emits stray ESC[0m sequences even with -q -B; strip them)
        if ! "$MVN" -q -B -f "$SCRIPT_DIR/pom.xml" package 2>&1 | sed -e $'s/\x1b\\[[0-9;]*m//g' >&2; then
            say "maven build failed"
            exit 1
        fi
        touch "$JAR"
    fi
}

# --- commands --------------------------------------------------------------

cmd_up() {
    local pid port
    if pid="$(running_pid)"; then
        port="$(running_port)"
        [[ "$port" == "$BOLT_PORT" ]] || say "note: already running on port $port (requested $BOLT_PORT)"
        if wait_ready "$pid" "$port"; then
            echo "NEO4J_URI=bolt://127.0.0.1:$port"
            return 0
        fi
        log_tail
        exit 1
    fi
    rm -f "$PID_FILE" "$PORT_FILE"

    "$PY" -c "import neo4j" 2>/dev/null || { say "python '$PY' cannot import the neo4j driver (set PYTHON=...)"; exit 1; }
    command -v "$JAVA" >/dev/null 2>&1 || { say "java ('$JAVA') not found"; exit 1; }
    build

    if port_busy "$BOLT_PORT"; then
        if bolt_ok "$BOLT_PORT"; then
            say "another Bolt server (not the one for $DATA_DIR) already answers on 127.0.0.1:$BOLT_PORT"
        else
            say "port 127.0.0.1:$BOLT_PORT is already in use by another process"
        fi
        say "stop it or choose another port: NEO4J_BOLT_PORT=... $0 up"
        exit 1
    fi

    mkdir -p "$DATA_DIR"
    [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
    say "starting Neo4j (data dir $DATA_DIR, bolt 127.0.0.1:$BOLT_PORT, log $LOG_FILE)"
    local -a jvm=(
        "-Xms256m" "-Xmx$HEAP"
        "-XX:+UseG1GC" "-XX:-OmitStackTraceInFastThrow" "-XX:+ExitOnOutOfMemoryError"
        "--add-opens=java.base/java.nio=ALL-UNNAMED"
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
        "--add-opens=java.base/java.io=ALL-UNNAMED"
        "-Dio.netty.tryReflectionSetAccessible=true"
        "-Djdk.nio.maxCachedBufferSize=262144"
        "-Dlog4j2.disable.jmx=true"
        "-Dfile.encoding=UTF-8"
    )
    # shellcheck disable=SC2206
    [[ -n "${NEO4J_JAVA_OPTS:-}" ]] && jvm+=(${NEO4J_JAVA_OPTS})
    local -a detach=(nohup)
    command -v setsid >/dev/null 2>&1 && detach=(setsid nohup)
    (
        cd "$DATA_DIR"
        exec "${detach[@]}" "$JAVA" "${jvm[@]}" -cp "$JAR:$LIB/*" "$MAIN_CLASS" "$DATA_DIR" "$BOLT_PORT" \
            >>"$LOG_FILE" 2>&1 </dev/null
    ) &
    pid=$!
    echo "$pid" >"$PID_FILE"
    echo "$BOLT_PORT" >"$PORT_FILE"

    if wait_ready "$pid" "$BOLT_PORT"; then
        echo "NEO4J_URI=bolt://127.0.0.1:$BOLT_PORT"
        return 0
    fi
    say "Neo4j did not become ready"
    log_tail
    if kill -0 "$pid" 2>/dev/null; then
        say "stopping the half-started server (pid $pid)"
        stop_pid "$pid"
    fi
    rm -f "$PID_FILE" "$PORT_FILE"
    exit 1
}

# wait until the launcher logged READY and Bolt answers; fail fast if the process dies
wait_ready() {
    local pid="$1" port="$2" deadline=$((SECONDS + START_TIMEOUT))
    while ((SECONDS < deadline)); do
        if ! kill -0 "$pid" 2>/dev/null; then
            say "Neo4j process $pid exited"
            return 1
        fi
        if grep -q "READY bolt://" "$LOG_FILE" 2>/dev/null && bolt_ok "$port"; then
            return 0
        fi
        sleep 0.25
    done
    say "timed out after ${START_TIMEOUT}s waiting for bolt://127.0.0.1:$port"
    return 1
}

stop_pid() {
    local pid="$1" deadline=$((SECONDS + STOP_TIMEOUT))
    kill -TERM "$pid" 2>/dev/null || return 0
    while kill -0 "$pid" 2>/dev/null; do
        if ((SECONDS >= deadline)); then
            say "still running after ${STOP_TIMEOUT}s, sending SIGKILL to $pid"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 1
            break
        fi
        sleep 0.2
    done
}

cmd_down() {
    local pid
    if ! pid="$(running_pid)"; then
        say "not running"
        rm -f "$PID_FILE" "$PORT_FILE"
        return 0
    fi
    say "stopping Neo4j (pid $pid) ..."
    stop_pid "$pid"
    rm -f "$PID_FILE" "$PORT_FILE"
    say "stopped"
}

cmd_status() {
    local pid port
    if pid="$(running_pid)"; then
        port="$(running_port)"
        if bolt_ok "$port"; then
            echo "running (pid $pid, bolt://127.0.0.1:$port, data $DATA_DIR)"
        else
            echo "running (pid $pid, bolt://127.0.0.1:$port not answering yet, data $DATA_DIR)"
        fi
        return 0
    fi
    echo "stopped"
    return 1
}

case "${1:-}" in
    up) cmd_up ;;
    down) cmd_down ;;
    status) cmd_status ;;
    *)
        echo "usage: $0 up|down|status" >&2
        exit 2
        ;;
esac
