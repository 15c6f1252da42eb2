#!/usr/bin/env bash
# Connect → login latency with the webhook authentication strategy, Sluice beside deepstream 7.0.2, on loopback:
# one Node webhook (webhook.js) answers both servers' authentication requests, and login-latency.js logs in one new
# client after another with the real @deepstream/client. Each server is started fresh, so the first login it reports
# is the server's first; the percentiles are over the logins after it. Both servers run with the 200 ms
# unauthenticated-client timeout of deepstream's own tests.
#
#   bench/login/run.sh [--logins N] [--only sluice|deepstream] [--starts N]
#
# --starts N starts each server N times (first login of each start). Ports from the environment: SLUICE_PORT (6030),
# DEEPSTREAM_PORT (6031), WEBHOOK_PORT (6032). SLUICE_JVM_OPTS as in bench/run.sh.
# Results: bench/target/results/login-<timestamp>/ (results.jsonl and the servers' logs).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
LOGINS=200
ONLY=""
STARTS=1
SLUICE_PORT="${SLUICE_PORT:-6030}"
DEEPSTREAM_PORT="${DEEPSTREAM_PORT:-6031}"
WEBHOOK_PORT="${WEBHOOK_PORT:-6032}"
SLUICE_JVM_OPTS="${SLUICE_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC -Xss512k}"

while [[ $# -gt 0 ]]; do
	case "$1" in
		--logins) LOGINS="$2"; shift ;;
		--only) ONLY="$2"; shift ;;
		--starts) STARTS="$2"; shift ;;
		*) echo "Unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

OUT="$ROOT/bench/target/results/login-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
: > "$RESULTS"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/run.log"; }
wants() { [[ -z "$ONLY" || "$ONLY" == "$1" ]]; }

cd "$ROOT"
JAR=sluice-server/target/sluice-server-0.1.0-SNAPSHOT.jar
if wants sluice && [[ ! -f $JAR ]]; then
	log "building sluice-server"
	./mvnw -q -pl sluice-server -am package -DskipTests
fi
# shellcheck source=../lib/peers.sh
source "$ROOT/bench/lib/peers.sh"

node bench/login/webhook.js "$WEBHOOK_PORT" > "$OUT/webhook.log" 2>&1 &
PIDS+=($!)
until grep -q listening "$OUT/webhook.log" 2>/dev/null; do sleep 0.1; done
WEBHOOK="http://127.0.0.1:$WEBHOOK_PORT/auth"

# deepstream's configuration: the bench peer's, with http authentication and the 200 ms timeout.
mkdir -p "$OUT/deepstream-conf"
cp bench/peers/deepstream/conf/permissions.yml "$OUT/deepstream-conf/"
awk -v port="$DEEPSTREAM_PORT" -v url="$WEBHOOK" '
	/^ *port: 6021/ { sub(/6021/, port) }
	/unauthenticatedClientTimeout:/ { sub(/[0-9]+/, "200") }
	/^auth:/ { print; getline; print "  - type: http"; print "    options:"; print "      endpointUrl: " url;
		print "      permittedStatusCodes: [200]"; print "      requestTimeout: 2000"; print "      retryStatusCodes: [502, 503, 504]";
		print "      retryAttempts: 3"; print "      retryInterval: 1000"; next }
	{ print }' bench/peers/deepstream/conf/config.yml > "$OUT/deepstream-conf/config.yml"

log "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(java -version 2>&1 | head -1), node $(node -v)"
log "commit: $(git rev-parse --short HEAD); $LOGINS logins per start, $STARTS start(s) per server"

for start in $(seq 1 "$STARTS"); do
	if wants sluice; then
		rm -rf "$OUT/sluice-data"
		# shellcheck disable=SC2086
		java $SLUICE_JVM_OPTS -jar "$JAR" --server.port="$SLUICE_PORT" --sluice.data-dir="$OUT/sluice-data" \
			--sluice.auth.type=webhook --sluice.auth.webhook.url="$WEBHOOK" \
			--sluice.gateway.unauthenticated-client-timeout=200ms > "$OUT/sluice-$start.log" 2>&1 &
		pid=$!; PIDS+=("$pid")
		wait_healthy "$SLUICE_PORT" "$pid"
		node bench/login/login-latency.js "ws://127.0.0.1:$SLUICE_PORT/deepstream" "$LOGINS" sluice \
			| tee -a "$RESULTS" || log "sluice: the run failed or some logins did (see the line above)"
		stop "$pid"
	fi
	if wants deepstream; then
		(cd bench/peers/deepstream && exec node node_modules/@deepstream/server/dist/bin/deepstream start \
			--config "$OUT/deepstream-conf/config.yml" > "$OUT/deepstream-$start.log" 2>&1) &
		pid=$!; PIDS+=("$pid")
		wait_healthy "$DEEPSTREAM_PORT" "$pid"
		node bench/login/login-latency.js "ws://127.0.0.1:$DEEPSTREAM_PORT/deepstream" "$LOGINS" deepstream \
			| tee -a "$RESULTS" || log "deepstream: the run failed or some logins did (see the line above)"
		stop "$pid"
	fi
done
log "results in $RESULTS"
