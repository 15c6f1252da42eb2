#!/usr/bin/env bash
# Time to ready, and the first requests of a fresh server, for Sluice (sluice-server on embedded defaults, started
# as the README starts it: the extracted jar with its class data sharing archive) and deepstream 7.0.2.
#
# Each server is started --starts times (5), alternating, on an empty data directory. For each start a real client
# (@deepstream/client, bench/startup/first-requests.js) logs in as soon as the server accepts it and reports:
#   ready   from exec to that first successful login
#   first   the first login (challenge to answer), record read, acknowledged record write and event round trip
#   warm    the median of the 20 of each that follow
# It prints the median over the starts, per server, and writes bench/target/startup/<timestamp>/results.jsonl.
#
#   bench/startup.sh [--starts N] [--only sluice|deepstream] [--jvm-args "..."] [--java PATH] [--app DIR]
#                    [--jar NAME] [--server-args "..."] [--ready-only]
# --java is the JVM that starts Sluice (default: java on the PATH), --app the extracted application with its archive
# (default: sluice-server/target/sluice); the archive must have been recorded by that JVM, in that directory (a build
# run by a JDK 25 records the JDK's ahead-of-time cache there instead of a class data sharing archive).
# Another deployable: --app its extracted directory, --jar the name of its jar and archive there (the directory's
# name), --server-args what it needs besides the port; --ready-only measures the first login alone (the gateway
# deployable answers logins without a record service, not record reads). For example, with Redis on port 6391:
#   bench/startup.sh --only sluice --app gateway-service/target/sluice-gateway-service --jar sluice-gateway-service \
#     --server-args "--spring.data.redis.port=6391 --sluice.records.remote.dns-name=localhost" --ready-only
# Ports: SLUICE_PORT (6020), DEEPSTREAM_PORT (6021). Needs ./mvnw install (or package) run before, Node 18+.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
STARTS=5
ONLY=""
JVM_ARGS=""
JAVA=java
APP="$ROOT/sluice-server/target/sluice"
JAR=sluice
SERVER_ARGS=""
READY_ONLY=0
SLUICE_PORT="${SLUICE_PORT:-6020}"
DEEPSTREAM_PORT="${DEEPSTREAM_PORT:-6021}"
while [[ $# -gt 0 ]]; do
	case "$1" in
		--starts) STARTS="$2"; shift ;;
		--only) ONLY="$2"; shift ;;
		--jvm-args) JVM_ARGS="$2"; shift ;;
		--java) JAVA="$2"; shift ;;
		--app) APP="$(cd "$2" && pwd)"; shift ;;
		--jar) JAR="$2"; shift ;;
		--server-args) SERVER_ARGS="$2"; shift ;;
		--ready-only) READY_ONLY=1 ;;
		*) echo "Unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

OUT="$ROOT/bench/target/startup/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/run.log" >&2; }
wants() { [[ -z "$ONLY" || "$ONLY" == "$1" ]]; }

if wants sluice && [[ ! -f "$APP/$JAR.jar" || ! -f "$APP/$JAR.jsa" ]]; then
	log "no $APP/$JAR.jar with its archive: run ./mvnw -q install -DskipTests first"; exit 1
fi
if [[ ! -d "$ROOT/clients/node-interop/node_modules/@deepstream/client" ]]; then
	log "installing @deepstream/client (npm ci in clients/node-interop)"
	(cd "$ROOT/clients/node-interop" && npm ci --no-audit --no-fund >> "$OUT/run.log" 2>&1)
fi
if wants deepstream && [[ ! -d "$ROOT/bench/peers/deepstream/node_modules/@deepstream/server" ]]; then
	log "installing deepstream (npm ci)"
	(cd "$ROOT/bench/peers/deepstream" && npm ci --no-audit --no-fund >> "$OUT/run.log" 2>&1)
fi
export NODE_PATH="$ROOT/clients/node-interop/node_modules"

for port in $SLUICE_PORT $DEEPSTREAM_PORT; do
	if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then log "port $port is in use"; exit 1; fi
done

# deepstream's port is in its configuration file: another port runs it from a copy.
DEEPSTREAM_CONFIG=$("$ROOT/bench/peers/deepstream/config-for-port.sh" "$DEEPSTREAM_PORT" "$OUT") \
	|| { log "could not set deepstream's port"; exit 1; }

# One start: exec the server, run the probe beside it, stop the server, append the probe's line.
measure() {
	local server=$1 run=$2 port pid exec_ms data
	data="$OUT/data-$server-$run"
	mkdir -p "$data"
	exec_ms=$(date +%s%3N)
	if [[ $server == sluice ]]; then
		port=$SLUICE_PORT
		# shellcheck disable=SC2086
		(cd "$data" && exec "$JAVA" -XX:SharedArchiveFile="$APP/$JAR.jsa" $JVM_ARGS -jar "$APP/$JAR.jar" \
			--server.port="$port" $SERVER_ARGS > "$OUT/$server-$run.log" 2>&1) &
	else
		port=$DEEPSTREAM_PORT
		(cd "$ROOT/bench/peers/deepstream" && exec node node_modules/@deepstream/server/dist/bin/deepstream start \
			--config "$DEEPSTREAM_CONFIG" > "$OUT/$server-$run.log" 2>&1) &
	fi
	pid=$!
	local line
	line=$(STARTUP_READY_ONLY=$READY_ONLY node "$ROOT/bench/startup/first-requests.js" "ws://127.0.0.1:$port/deepstream" "$exec_ms" \
		"startup-$server-$run" || true)
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	rm -rf "$data"
	echo "{\"server\":\"$server\",\"run\":$run,\"result\":${line:-null}}" >> "$OUT/results.jsonl"
	log "$server #$run: $line"
}

for run in $(seq 1 "$STARTS"); do
	if wants sluice; then measure sluice "$run"; fi
	if wants deepstream; then measure deepstream "$run"; fi
done

node - "$OUT/results.jsonl" <<'EOF' | tee "$OUT/summary.md"
const lines = require('fs').readFileSync(process.argv[2], 'utf8').trim().split('\n').map((l) => JSON.parse(l))
const median = (v) => { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)] }
console.log('| server | starts | ready ms (median, min-max) | first login / read / write / event ms | warm login / read / write / event ms |')
console.log('|---|---|---|---|---|')
for (const server of ['sluice', 'deepstream']) {
  const ok = lines.filter((l) => l.server === server && l.result && !l.result.error).map((l) => l.result)
  const failed = lines.filter((l) => l.server === server && (!l.result || l.result.error)).length
  if (!ok.length && !failed) continue
  const ready = ok.map((r) => r.readyMs)
  const four = (k) => ['login', 'read', 'write', 'event']
    .map((a) => { const v = ok.filter((r) => r[k] && r[k][a] !== undefined).map((r) => r[k][a]); return v.length ? median(v) : '-' })
    .join(' / ')
  console.log(`| ${server} | ${ok.length}${failed ? ` (${failed} failed)` : ''} | ${median(ready)} (${Math.min(...ready)}-${Math.max(...ready)}) | ${four('first')} | ${four('warm')} |`)
}
EOF
log "results in $OUT"
