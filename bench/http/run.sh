#!/usr/bin/env bash
# Event emits per second over HTTP, Sluice beside deepstream 7.0.2, on loopback: deepstream's HTTP format
# (POST /api, batches of 100 emits) against both servers, and Sluice's REST resource (POST /api/v1/events/{name}, one
# emit per request). A WebSocket subscriber (the real @deepstream/client) counts what arrives: every emit answered
# as successful must reach it.
#
#   bench/http/run.sh [--seconds S] [--concurrency N] [--runs N] [--only sluice|deepstream]
#
# Ports from the environment: SLUICE_PORT (6040), DEEPSTREAM_PORT (6041). SLUICE_JVM_OPTS as in bench/run.sh.
# Results: bench/target/results/http-<timestamp>/ (results.jsonl and the servers' logs).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SECONDS_MEASURED=5
CONCURRENCY=8
RUNS=3
ONLY=""
SLUICE_PORT="${SLUICE_PORT:-6040}"
DEEPSTREAM_PORT="${DEEPSTREAM_PORT:-6041}"
SLUICE_JVM_OPTS="${SLUICE_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC -Xss512k}"

while [[ $# -gt 0 ]]; do
	case "$1" in
		--seconds) SECONDS_MEASURED="$2"; shift ;;
		--concurrency) CONCURRENCY="$2"; shift ;;
		--runs) RUNS="$2"; shift ;;
		--only) ONLY="$2"; shift ;;
		*) echo "Unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

OUT="$ROOT/bench/target/results/http-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/run.log"; }
wants() { [[ -z "$ONLY" || "$ONLY" == "$1" ]]; }

cd "$ROOT"
JAR=sluice-server/target/sluice/sluice.jar
if wants sluice && [[ ! -f $JAR ]]; then
	log "building sluice-server"
	./mvnw -q -pl sluice-server -am package -DskipTests
fi
# shellcheck source=../lib/peers.sh
source "$ROOT/bench/lib/peers.sh"

# deepstream's configuration: the bench peer's, on its port, with its HTTP endpoint (deepstream's defaults).
mkdir -p "$OUT/deepstream-conf"
cp bench/peers/deepstream/conf/permissions.yml "$OUT/deepstream-conf/"
awk -v port="$DEEPSTREAM_PORT" '
	/^ *port: 6021/ { sub(/6021/, port) }
	/^connectionEndpoints:/ { print; print "  - type: http"; print "    options:"; print "      allowAuthData: true";
		print "      enableAuthEndpoint: false"; print "      authPath: /api/auth"; print "      postPath: /api";
		print "      getPath: /api"; print "      allowAllOrigins: true"; next }
	{ print }' bench/peers/deepstream/conf/config.yml > "$OUT/deepstream-conf/config.yml"

log "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), node $(node -v)"
log "commit: $(git rev-parse --short HEAD); ${SECONDS_MEASURED}s measured after 1s, $CONCURRENCY requests in flight, $RUNS runs"

measure() {
	local label=$1 port=$2 mode=$3
	node bench/http/emit-load.js "http://127.0.0.1:$port" "ws://127.0.0.1:$port/deepstream" "$mode" \
		"$SECONDS_MEASURED" "$CONCURRENCY" "$label" | tee -a "$RESULTS" \
		|| log "$label $mode: the run failed, or some emits did or did not arrive (see the line above)"
}

if wants sluice; then
	rm -rf "$OUT/sluice-data"
	# shellcheck disable=SC2086
	java $SLUICE_JVM_OPTS -XX:SharedArchiveFile=sluice-server/target/sluice/sluice.jsa -jar "$JAR" \
		--server.port="$SLUICE_PORT" --sluice.data-dir="$OUT/sluice-data" > "$OUT/sluice.log" 2>&1 &
	SLUICE_PID=$!; PIDS+=("$SLUICE_PID")
	wait_healthy "$SLUICE_PORT" "$SLUICE_PID"
fi
if wants deepstream; then
	(cd bench/peers/deepstream && exec node node_modules/@deepstream/server/dist/bin/deepstream start \
		--config "$OUT/deepstream-conf/config.yml" > "$OUT/deepstream.log" 2>&1) &
	DEEPSTREAM_PID=$!; PIDS+=("$DEEPSTREAM_PID")
	wait_healthy "$DEEPSTREAM_PORT" "$DEEPSTREAM_PID"
fi

# Alternating, so that the machine's moods hit every server and mode alike.
for run in $(seq 1 "$RUNS"); do
	log "run $run"
	if wants sluice; then measure sluice "$SLUICE_PORT" batch; fi
	if wants deepstream; then measure deepstream "$DEEPSTREAM_PORT" batch; fi
	if wants sluice; then measure sluice "$SLUICE_PORT" rest; fi
done
log "results in $RESULTS"
