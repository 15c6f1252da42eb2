#!/usr/bin/env bash
# Runs every benchmark scenario against Sluice (embedded defaults) and deepstream 7.0.2, on loopback, in one go, each
# at least three times, then prints the median and spread per scenario and the Sluice/deepstream ratio.
#
#   bench/run.sh            full run (8 s measured per scenario after 2 s warm-up, 3 runs, 19,500 idle connections;
#                           the events and records scenarios after one discarded pass of them, for every server)
#   bench/run.sh --quick    3 s measured after 1 s warm-up, 3 runs, 5,000 idle connections (about 13 minutes with
#                           --idle 19500 on a 2-core machine; the events and records scenarios after one discarded pass)
#   bench/run.sh --cluster  the records scenario only, against a third server as well: Sluice on the cluster profile
#                           (Redis cache and bus, Kafka storage queue drained by the storage worker in the same JVM,
#                           PostgreSQL store), whose servers io.sluice.bench.cluster.ClusterServices starts on loopback
#                           (with --quick, after one discarded warm-up pass, about 8 minutes)
#   bench/run.sh --history  event history only, on Sluice alone (--only sluice): the events scenario (S=1 and S=100)
#                           on names that keep history (bench/history/...) against names that do not (bench/event/...),
#                           alternated on one server, and the time to resend 10,000 entries of one stream
#                           (history-resend: over the JSON endpoint, a subscribe that recovers from offset 0, and over
#                           GET /api/v1/events/{name}/history page by page). The server keeps the history of
#                           bench/history/.* (1,000 entries) and bench/resend/.* (10,000 entries).
#   bench/run.sh --three-nodes
#                           the events and records scenarios only, against three Sluice nodes as well (target
#                           sluice-3-nodes): profiles redis and postgres (Redis cache and bus, each node's journal
#                           drained into one PostgreSQL store), the servers from io.sluice.bench.cluster.ClusterServices;
#                           the publisher or writer on the first node, its subscribers spread over the other two, so
#                           every message crosses the bus. The summary's ratio is then sluice-3-nodes/sluice
#                           (summary-3-nodes.md); the server's CPU and RSS are the first node's.
#   bench/run.sh --permissions FILE
#                           a second Sluice as well, with the permission file FILE (target sluice-permissions: the
#                           same defaults plus --sluice.permission.type=config --sluice.permission.file=FILE), measured
#                           right after the open one on each scenario, so that machine noise hits both alike; the
#                           summary's ratio is then sluice-permissions/sluice. --only sluice runs both; the idle
#                           scenario runs on the open one only. bench/permissions/complex.yml is the file of
#                           docs/performance.md, "Permissions" (the runs: bench/results/16-permissions.md).
#   bench/run.sh --baseline JAR
#                           a second Sluice as well, from another build's server jar JAR (target sluice-baseline: the
#                           same JVM options and arguments), measured right after this tree's on each scenario: an A/B
#                           of two commits on one machine at one time. The summary's ratio is then sluice/sluice-baseline
#                           (summary-baseline.md); --only sluice runs both. The idle scenario runs on this tree's only.
#
# Options: --runs N, --duration S, --warmup S, --idle N,
#          --only sluice|sluice-cluster|sluice-3-nodes|sluice-permissions|deepstream (or several, comma-separated),
#          --scenarios "events records record-opens rpc idle history",
#          --jfr (a JFR recording of Sluice per run, summarised), --rebuild (rebuild Sluice and the load generator).
# Ports come from the environment, so a run can stay clear of another one on the same machine: SLUICE_PORT (6020),
# DEEPSTREAM_PORT (6021; another port runs deepstream from a copy of its configuration), with --cluster
# SLUICE_CLUSTER_PORT (6022), REDIS_PORT (6390), POSTGRES_PORT (6394), and with --permissions SLUICE_PERMISSIONS_PORT
# (6023), with --baseline SLUICE_BASELINE_PORT (6024), with --three-nodes SLUICE_NODE_PORTS ("6025 6026 6027"),
# REDIS_PORT and POSTGRES_PORT. Each is checked to be free before any start.
# SLUICE_CLUSTER_ARGS adds arguments to Sluice on the cluster profile (default none). SLUICE_BASELINE_ARGS adds
# arguments to the --baseline Sluice only: with this tree's own jar as the baseline, an A/B of one setting, such as
# SLUICE_BASELINE_ARGS=--sluice.queue.file.fsync=never.
# Results: bench/target/results/<timestamp>/ (results.jsonl, run.log, summary.md, and jfr/ with --jfr).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=3
DURATION=8
WARMUP=2
IDLE=19500
ONLY=""
SCENARIOS="events records record-opens rpc idle"
JFR=0
REBUILD=0
CLUSTER=0
THREE_NODES=0
PERMISSIONS=""
BASELINE=""
SLUICE_PORT="${SLUICE_PORT:-6020}"
DEEPSTREAM_PORT="${DEEPSTREAM_PORT:-6021}"   # 6021 is the one in bench/peers/deepstream/conf/config.yml
SLUICE_CLUSTER_PORT="${SLUICE_CLUSTER_PORT:-6022}"
REDIS_PORT="${REDIS_PORT:-6390}"
POSTGRES_PORT="${POSTGRES_PORT:-6394}"
SLUICE_PERMISSIONS_PORT="${SLUICE_PERMISSIONS_PORT:-6023}"
SLUICE_BASELINE_PORT="${SLUICE_BASELINE_PORT:-6024}"
read -r -a SLUICE_NODE_PORTS <<< "${SLUICE_NODE_PORTS:-6025 6026 6027}"

while [[ $# -gt 0 ]]; do
	case "$1" in
		--quick) DURATION=3; WARMUP=1; IDLE=5000 ;;
		--runs) RUNS="$2"; shift ;;
		--duration) DURATION="$2"; shift ;;
		--warmup) WARMUP="$2"; shift ;;
		--idle) IDLE="$2"; shift ;;
		--only) ONLY="$2"; shift ;;
		--scenarios) SCENARIOS="$2"; shift ;;
		--jfr) JFR=1 ;;
		--rebuild) REBUILD=1 ;;
		--cluster) CLUSTER=1 ;;
		--history) SCENARIOS="history"; ONLY="sluice" ;;
		--three-nodes) THREE_NODES=1 ;;
		--permissions) PERMISSIONS="$(realpath "$2")"; shift ;;
		--baseline) BASELINE="$(realpath "$2")"; shift ;;
		*) echo "Unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

# The cluster profile is measured on the records scenario (its target: set→notify p99 < 20 ms at 1,000 sets/s).
if [[ $CLUSTER == 1 ]]; then SCENARIOS="records"; fi
# Three nodes are measured where a message crosses nodes: an event or a record change (target: cross-node set→notify
# p99 < 5 ms at 1,000 sets/s on the Redis bus).
if [[ $THREE_NODES == 1 ]]; then SCENARIOS="events records"; fi
if [[ $CLUSTER == 1 && $THREE_NODES == 1 ]]; then echo "--cluster and --three-nodes share their servers: one at a time" >&2; exit 2; fi
if [[ -n $PERMISSIONS && ! -f $PERMISSIONS ]]; then echo "No permission file $PERMISSIONS" >&2; exit 2; fi
if [[ -n $BASELINE && ! -f $BASELINE ]]; then echo "No server jar $BASELINE" >&2; exit 2; fi

OUT="$ROOT/bench/target/results/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
LOG="$OUT/run.log"
: > "$RESULTS"

log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$LOG"; }

# --- Build what is needed -------------------------------------------------------------------------------------------
cd "$ROOT"
if [[ $REBUILD == 1 || ! -f sluice-server/target/sluice-server-0.1.0-SNAPSHOT.jar ]]; then
	log "building sluice-server"
	./mvnw -q -pl sluice-server -am package -DskipTests
fi
if [[ $REBUILD == 1 || ! -f bench/target/benchmarks.jar || ! -f bench/target/cluster-classpath.txt ]]; then
	log "building the load generator"
	./mvnw -q -pl bench -am package -DskipTests
fi
# Run copies, so a rebuild elsewhere during the run cannot change what is measured.
cp sluice-server/target/sluice-server-0.1.0-SNAPSHOT.jar "$OUT/sluice-server.jar"
cp bench/target/benchmarks.jar "$OUT/benchmarks.jar"
# The cluster servers' libraries stay in the Maven repository (bench/pom.xml says why); only their class path is copied.
cp bench/target/cluster-classpath.txt "$OUT/cluster-classpath.txt"
# The file keeps its name, whose extension says YAML or JSON.
if [[ -n $PERMISSIONS ]]; then cp "$PERMISSIONS" "$OUT/"; fi
if [[ -n $BASELINE ]]; then cp "$BASELINE" "$OUT/sluice-baseline.jar"; fi
if [[ ! -d bench/peers/deepstream/node_modules/@deepstream/server ]]; then
	log "installing deepstream (npm ci)"
	(cd bench/peers/deepstream && npm ci --no-audit --no-fund >> "$LOG" 2>&1)
fi

# 19,500 idle connections need as many descriptors in both the server and the load generator.
ulimit -n 20000 2>/dev/null || ulimit -n "$(ulimit -Hn)" || true

# Sluice's JVM: a fixed 1 GiB heap so a run never waits on heap growth; Parallel GC because with two cores shared by
# server and load, its short stop-the-world pauses cost less CPU than G1's concurrent work and barriers; a 512 KiB
# thread stack (the server has few threads). Override with SLUICE_JVM_OPTS.
SLUICE_JVM_OPTS="${SLUICE_JVM_OPTS:--Xms1g -Xmx1g -XX:+UseParallelGC -Xss512k}"
# For idle connections, memory is the measure: the serial collector and a heap that starts small and grows only as
# connections need it, so RSS growth shows what connections cost rather than what a pre-sized heap already touched.
SLUICE_IDLE_JVM_OPTS="${SLUICE_IDLE_JVM_OPTS:--Xms32m -Xmx512m -XX:+UseSerialGC -Xss256k}"
JVM_OPTS="$SLUICE_JVM_OPTS"
# The gateway limits each connection's inbound messages per second (100,000 by default; a protection, not a cost):
# raised here so that no benchmark publisher is limited by it. So is the limit of subscriptions per connection
# (10,000 by default): the record-opens client never discards, and deepstream has no such limit. Everything else is
# the embedded default (H2 file store).
SLUICE_ARGS="--sluice.gateway.max-messages-per-second=10000000 --sluice.gateway.max-subscriptions=10000000"
# Event history: only for the history scenarios, so that the others measure the server without any stream. An array,
# so that the patterns reach the server as written.
HISTORY_ARGS=()
if [[ " $SCENARIOS " == *" history "* ]]; then
	HISTORY_ARGS=('--sluice.history.streams[0].pattern=bench/history/.*'
		'--sluice.history.streams[1].pattern=bench/resend/.*' '--sluice.history.streams[1].max-entries=10000')
fi

SLUICE_PID=""
SLUICE_PERMISSIONS_PID=""
SLUICE_BASELINE_PID=""
DEEPSTREAM_PID=""
SLUICE_CLUSTER_PID=""
CLUSTER_SERVICES_PID=""
SLUICE_NODE_PIDS=()

wants() { [[ -z "$ONLY" || ",$ONLY," == *",$1,"* ]]; }
# The Sluice with permissions runs beside the open one (--only sluice runs both), or alone with --only sluice-permissions.
wants_permissions() { [[ -n "$PERMISSIONS" ]] && { wants sluice || wants sluice-permissions; }; }
wants_baseline() { [[ -n "$BASELINE" ]] && { wants sluice || wants sluice-baseline; }; }

# Every port this run will listen on must be free before anything starts, or the run would measure someone else's.
check_free() {
	local port
	for port in "$@"; do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			log "port $port is already in use (another run?): choose others through the environment, see the header"
			exit 1
		fi
	done
}
PORTS=()
if wants sluice; then PORTS+=("$SLUICE_PORT"); fi
if wants_permissions; then PORTS+=("$SLUICE_PERMISSIONS_PORT"); fi
if wants_baseline; then PORTS+=("$SLUICE_BASELINE_PORT"); fi
if wants deepstream; then PORTS+=("$DEEPSTREAM_PORT"); fi
if [[ $CLUSTER == 1 ]] && wants sluice-cluster; then PORTS+=("$SLUICE_CLUSTER_PORT" "$REDIS_PORT" "$POSTGRES_PORT"); fi
if [[ $THREE_NODES == 1 ]] && wants sluice-3-nodes; then PORTS+=("${SLUICE_NODE_PORTS[@]}" "$REDIS_PORT" "$POSTGRES_PORT"); fi
check_free "${PORTS[@]}"

# deepstream's port is in its configuration file: another port runs it from a copy (permissions.yml beside it).
DEEPSTREAM_CONFIG=$(bench/peers/deepstream/config-for-port.sh "$DEEPSTREAM_PORT" "$OUT") \
	|| { log "could not set deepstream's port"; exit 1; }

wait_for_port() {
	local port=$1 deadline=$((SECONDS + 180))
	until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
		if ((SECONDS > deadline)); then
			log "port $port did not open"; return 1
		fi
		sleep 0.5
	done
}

# A Sluice that uses other servers: its HTTP port opens once the context is up (topics created, schema in place); then
# readiness must say UP, which includes those servers. wait_ready PORT LOG
wait_ready() {
	wait_for_port "$1"
	local deadline=$((SECONDS + 60))
	until curl -sf "http://127.0.0.1:$1/actuator/health/readiness" > /dev/null; do
		if ((SECONDS > deadline)); then
			log "sluice on port $1 is not ready: see $2"; return 1
		fi
		sleep 0.5
	done
}

# The cluster profile's servers (Redis, Kafka, PostgreSQL), up once they have written the properties that point
# sluice-server at them.
start_cluster_services() {
	local properties="$OUT/cluster.properties" deadline=$((SECONDS + 180))
	java -Xms256m -Xmx768m -XX:+UseParallelGC -cp "$OUT/benchmarks.jar:$(cat "$OUT/cluster-classpath.txt")" \
		io.sluice.bench.cluster.ClusterServices --redis-port "$REDIS_PORT" --postgres-port "$POSTGRES_PORT" \
		--properties "$properties" > "$OUT/cluster-services.log" 2>&1 &
	CLUSTER_SERVICES_PID=$!
	until [[ -f $properties ]]; do
		if ! kill -0 "$CLUSTER_SERVICES_PID" 2>/dev/null || ((SECONDS > deadline)); then
			log "the cluster servers did not start: see $OUT/cluster-services.log"; return 1
		fi
		sleep 0.5
	done
	CLUSTER_ARGS=(--spring.profiles.active=redis,kafka,postgres)
	while IFS= read -r line; do CLUSTER_ARGS+=("--$line"); done < "$properties"
	# SLUICE_CLUSTER_ARGS: more arguments for Sluice on the cluster profile only, such as a producer setting to try.
	# shellcheck disable=SC2206
	CLUSTER_ARGS+=(${SLUICE_CLUSTER_ARGS:-})
	log "cluster servers started (pid $CLUSTER_SERVICES_PID): ${CLUSTER_ARGS[*]}"
}

# Sluice on the cluster profile: ready once Redis, Kafka and the store are.
start_sluice_cluster() {
	rm -rf "$OUT/sluice-cluster-data"
	# shellcheck disable=SC2086
	java $JVM_OPTS -jar "$OUT/sluice-server.jar" --server.port=$SLUICE_CLUSTER_PORT \
		--sluice.data-dir="$OUT/sluice-cluster-data" "${CLUSTER_ARGS[@]}" $SLUICE_ARGS > "$OUT/sluice-cluster-$1.log" 2>&1 &
	SLUICE_CLUSTER_PID=$!
	wait_ready $SLUICE_CLUSTER_PORT "$OUT/sluice-cluster-$1.log"
	log "sluice on the cluster profile started (pid $SLUICE_CLUSTER_PID, $JVM_OPTS)"
}

# Three Sluice nodes sharing Redis (cache and bus) and PostgreSQL (store); each drains its own journal into the store.
start_sluice_nodes() {
	local node port
	local args=(--spring.profiles.active=redis,postgres)
	# the services' properties after the profiles (CLUSTER_ARGS' first element): Redis' and PostgreSQL's are used
	args+=("${CLUSTER_ARGS[@]:1}")
	SLUICE_NODE_PIDS=()
	for node in 0 1 2; do
		port=${SLUICE_NODE_PORTS[$node]}
		rm -rf "$OUT/sluice-node-$node-data"
		# shellcheck disable=SC2086
		java $JVM_OPTS -jar "$OUT/sluice-server.jar" --server.port="$port" \
			--sluice.data-dir="$OUT/sluice-node-$node-data" "${args[@]}" $SLUICE_ARGS \
			> "$OUT/sluice-node-$node-$1.log" 2>&1 &
		SLUICE_NODE_PIDS+=($!)
	done
	for node in 0 1 2; do
		wait_ready "${SLUICE_NODE_PORTS[$node]}" "$OUT/sluice-node-$node-$1.log"
	done
	log "three sluice nodes started (pids ${SLUICE_NODE_PIDS[*]}, ports ${SLUICE_NODE_PORTS[*]}, $JVM_OPTS)"
}

# One Sluice on embedded defaults: run_sluice TARGET JAR PORT RUN [ARGS...]; prints its pid.
run_sluice() {
	local target=$1 jar=$2 port=$3 run=$4
	shift 4
	rm -rf "$OUT/$target-data"
	# shellcheck disable=SC2086
	java $JVM_OPTS -jar "$jar" --server.port="$port" --sluice.data-dir="$OUT/$target-data" $SLUICE_ARGS "$@" \
		> "$OUT/$target-$run.log" 2>&1 &
	echo $!
}

start_sluice() {
	SLUICE_PID=$(run_sluice sluice "$OUT/sluice-server.jar" "$SLUICE_PORT" "$1" "${HISTORY_ARGS[@]}")
	wait_for_port $SLUICE_PORT
	log "sluice started (pid $SLUICE_PID, $JVM_OPTS)"
}

# The same Sluice with the permission file: every message is checked against its rules before its handler.
start_sluice_permissions() {
	SLUICE_PERMISSIONS_PID=$(run_sluice sluice-permissions "$OUT/sluice-server.jar" "$SLUICE_PERMISSIONS_PORT" "$1" \
		--sluice.permission.type=config --sluice.permission.file="$OUT/$(basename "$PERMISSIONS")")
	wait_for_port $SLUICE_PERMISSIONS_PORT
	log "sluice with permissions started (pid $SLUICE_PERMISSIONS_PID, $PERMISSIONS, $JVM_OPTS)"
}

# Another build of Sluice, for an A/B of two commits: the same options and arguments, plus SLUICE_BASELINE_ARGS.
start_sluice_baseline() {
	# shellcheck disable=SC2086
	SLUICE_BASELINE_PID=$(run_sluice sluice-baseline "$OUT/sluice-baseline.jar" "$SLUICE_BASELINE_PORT" "$1" \
		${SLUICE_BASELINE_ARGS:-})
	wait_for_port $SLUICE_BASELINE_PORT
	log "sluice baseline started (pid $SLUICE_BASELINE_PID, $BASELINE, $JVM_OPTS ${SLUICE_BASELINE_ARGS:-})"
}

start_deepstream() {
	(cd "$ROOT/bench/peers/deepstream" && exec node node_modules/@deepstream/server/dist/bin/deepstream start \
		--config "$DEEPSTREAM_CONFIG" > "$OUT/deepstream-$1.log" 2>&1) &
	DEEPSTREAM_PID=$!
	wait_for_port $DEEPSTREAM_PORT
	log "deepstream started (pid $DEEPSTREAM_PID, node $(node -v))"
}

stop_server() {
	local pid=$1
	if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
		kill -9 "$pid" 2>/dev/null || true
	fi
}

stop_servers() {
	stop_server "$SLUICE_PID"; SLUICE_PID=""
	stop_server "$SLUICE_PERMISSIONS_PID"; SLUICE_PERMISSIONS_PID=""
	stop_server "$SLUICE_BASELINE_PID"; SLUICE_BASELINE_PID=""
	stop_server "$DEEPSTREAM_PID"; DEEPSTREAM_PID=""
	# Sluice before the servers it uses, so it does not spend its shutdown reconnecting.
	stop_server "$SLUICE_CLUSTER_PID"; SLUICE_CLUSTER_PID=""
	local pid
	for pid in "${SLUICE_NODE_PIDS[@]}"; do stop_server "$pid"; done
	SLUICE_NODE_PIDS=()
	stop_server "$CLUSTER_SERVICES_PID"; CLUSTER_SERVICES_PID=""
}
trap stop_servers EXIT

start_servers() {
	if wants sluice; then start_sluice "$1"; fi
	# Permissions change no memory measure: the idle scenario runs on the open Sluice only.
	if wants_permissions && [[ $1 != idle-* ]]; then start_sluice_permissions "$1"; fi
	if wants_baseline && [[ $1 != idle-* ]]; then start_sluice_baseline "$1"; fi
	if [[ $CLUSTER == 1 ]] && wants sluice-cluster; then
		start_cluster_services
		start_sluice_cluster "$1"
	fi
	if [[ $THREE_NODES == 1 ]] && wants sluice-3-nodes; then
		start_cluster_services
		start_sluice_nodes "$1"
	fi
	if wants deepstream; then start_deepstream "$1"; fi
}

# CPU ticks (user + system) the process has used so far; empty if it is gone.
cpu_ticks() {
	awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || true
}

# Waits until a server has gone quiet (under 5% of a core over half a second, at most 30 s): a server still working
# off the backlog of the run before (deepstream fans out what it had read to sockets already closed) would take CPU
# from the next run, which may be the other server's.
wait_quiet() {
	local pid=$1 start=$SECONDS before after
	local quiet=$(($(getconf CLK_TCK) / 40))
	before=$(cpu_ticks "$pid")
	while [[ -n "$before" ]] && ((SECONDS - start < 30)); do
		sleep 0.5
		after=$(cpu_ticks "$pid")
		[[ -z "$after" ]] && return 0
		((after - before <= quiet)) && break
		before=$after
	done
	if ((SECONDS - start > 1)); then log "waited $((SECONDS - start)) s for pid $pid to go quiet"; fi
}

# One measured run; a failed or hung run is logged and the run goes on.
load() {
	local target=$1 port=$2 pid=$3 run=$4; shift 4
	# The load generator is a new JVM per run, so C2 would compile its code through the whole measured window: 0.29
	# cores of the two at records @1,000/s, a fifth of its samples at events S=1000, taken from the server measured.
	# C1 alone compiles within the warm-up, and its code keeps up with C2's after a 10 s warm-up (events S=1000:
	# 379-475 k against 455-473 k msg/s). bench/results/13-load-generator-compiler-journal-linger.md.
	local cmd=(java -XX:TieredStopAtLevel=1 -Xms256m -Xmx2g -XX:+UseParallelGC -cp "$OUT/benchmarks.jar"
		io.sluice.bench.load.LoadMain --url "ws://127.0.0.1:$port/deepstream" --target "$target" --server-pid "$pid"
		--run "$run"
		--duration "$DURATION" --warmup "$WARMUP" "$@")
	echo "\$ ${cmd[*]}" >> "$LOG"
	local budget=$((DURATION + WARMUP + 90))
	local recording=""
	if [[ $JFR == 1 && $target == sluice* && $run != 0 ]]; then
		# One JFR recording per Sluice run (profile settings: 10 ms Java sampling), summarised with JfrTop.
		mkdir -p "$OUT/jfr"
		recording="$OUT/jfr/$target-$(echo "$*" | tr -d '-' | tr ' ' '_')-run$run.jfr"
		jcmd "$pid" JFR.start name=bench settings=profile > /dev/null
	fi
	timeout "$budget" "${cmd[@]}" > "$OUT/last.out" 2>> "$LOG" || log "run failed or timed out: $target $*"
	if [[ -n "$recording" ]]; then
		jcmd "$pid" JFR.stop name=bench filename="$recording" > /dev/null
		java -cp "$OUT/benchmarks.jar" io.sluice.bench.load.JfrTop "$recording" 15 > "${recording%.jfr}.txt" || true
	fi
	wait_quiet "$pid"
	grep -E '^(RESULT|FAILED) ' "$OUT/last.out" >> "$RESULTS" || true
	grep -vE '^(RESULT|FAILED) ' "$OUT/last.out" | tee -a "$LOG" || true
}

both() {
	local run=$1; shift
	if wants sluice; then load sluice $SLUICE_PORT "$SLUICE_PID" "$run" "$@"; fi
	if [[ -n $SLUICE_PERMISSIONS_PID ]]; then
		load sluice-permissions $SLUICE_PERMISSIONS_PORT "$SLUICE_PERMISSIONS_PID" "$run" "$@"
	fi
	if [[ -n $SLUICE_BASELINE_PID ]]; then
		load sluice-baseline $SLUICE_BASELINE_PORT "$SLUICE_BASELINE_PID" "$run" "$@"
	fi
	if [[ $CLUSTER == 1 ]] && wants sluice-cluster; then
		load sluice-cluster $SLUICE_CLUSTER_PORT "$SLUICE_CLUSTER_PID" "$run" "$@"
	fi
	if [[ $THREE_NODES == 1 ]] && wants sluice-3-nodes; then
		load sluice-3-nodes "${SLUICE_NODE_PORTS[0]}" "${SLUICE_NODE_PIDS[0]}" "$run" "$@" --subscriber-urls \
			"ws://127.0.0.1:${SLUICE_NODE_PORTS[1]}/deepstream,ws://127.0.0.1:${SLUICE_NODE_PORTS[2]}/deepstream"
	fi
	if wants deepstream; then load deepstream $DEEPSTREAM_PORT "$DEEPSTREAM_PID" "$run" "$@"; fi
}

has() { [[ " $SCENARIOS " == *" $1 "* ]]; }

log "machine: $(nproc) cores, $(free -h | awk '/Mem:/ {print $2}') RAM, $(java -version 2>&1 | head -1), node $(node -v)"
log "load before: $(uptime)"
log "commit: $(git -C "$ROOT" rev-parse --short HEAD); runs=$RUNS duration=${DURATION}s warmup=${WARMUP}s idle=$IDLE"

START=$SECONDS
start_servers throughput
if has events; then
	# The first measured events run caught both servers compiling (at 18d6344 Sluice's S=1 runs were 191 k, 286 k and
	# 296 k msg/s): one discarded pass first, for every server alike.
	log "warm-up pass of the events scenarios (not a result; load: $(cut -d' ' -f1-3 /proc/loadavg))"
	for s in 1 100 1000; do both 0 --scenario events --subscribers $s > /dev/null; done
	grep -v '"run":0,' "$RESULTS" > "$RESULTS.tmp" || true
	mv "$RESULTS.tmp" "$RESULTS"
fi
if has records; then
	# The record path is still being compiled after a short warm-up (on the embedded defaults: the record service,
	# the queue's journal and the storage worker's H2 writes; on the cluster profile: Lettuce, the Kafka producer,
	# the worker), and the events scenarios before it do not run that code: the first measured run would catch the
	# compiler at work, and a rate not held yet builds a backlog. One discarded pass first, for every server alike.
	log "warm-up pass of the records scenarios (not a result; load: $(cut -d' ' -f1-3 /proc/loadavg))"
	for s in 1 100; do
		for rate in 1000 10000 0; do both 0 --scenario records --subscribers $s --rate $rate > /dev/null; done
	done
	grep -v '"run":0,' "$RESULTS" > "$RESULTS.tmp" || true
	mv "$RESULTS.tmp" "$RESULTS"
fi
if has record-opens; then
	# Opening new records runs the create path (the compare-and-set of a new name, its durable write), which the
	# scenarios before it do not: one discarded pass first, for every server alike.
	log "warm-up pass of the record-opens scenario (not a result; load: $(cut -d' ' -f1-3 /proc/loadavg))"
	both 0 --scenario record-opens --in-flight 100 > /dev/null
	grep -v '"run":0,' "$RESULTS" > "$RESULTS.tmp" || true
	mv "$RESULTS.tmp" "$RESULTS"
fi
# Publishing to a stream against publishing to a name without history, alternated on the same server; and the time to
# resend 10,000 entries. On Sluice only: deepstream keeps no history.
history_runs() {
	local run=$1 s prefix how
	for s in 1 100; do
		for prefix in bench/event/ bench/history/; do
			load sluice $SLUICE_PORT "$SLUICE_PID" "$run" --scenario events --subscribers $s --event-prefix $prefix
		done
	done
	for how in json rest; do
		load sluice $SLUICE_PORT "$SLUICE_PID" "$run" --scenario history-resend --entries 10000 --resend $how
	done
}
if has history && wants sluice; then
	log "warm-up pass of the history scenarios (not a result; load: $(cut -d' ' -f1-3 /proc/loadavg))"
	history_runs 0 > /dev/null
	grep -v '"run":0,' "$RESULTS" > "$RESULTS.tmp" || true
	mv "$RESULTS.tmp" "$RESULTS"
fi
# Alternate servers scenario by scenario and repeat the whole list, so drift in machine load hits both alike.
for run in $(seq 1 "$RUNS"); do
	log "run $run of $RUNS (load: $(cut -d' ' -f1-3 /proc/loadavg))"
	if has events; then
		for s in 1 10 100 1000; do both "$run" --scenario events --subscribers $s; done
	fi
	if has records; then
		for s in 1 100; do
			for rate in 1000 10000 0; do both "$run" --scenario records --subscribers $s --rate $rate; done
		done
	fi
	if has record-opens; then
		# One client opening new names, 100 opens in flight: every open creates a record.
		both "$run" --scenario record-opens --in-flight 100
	fi
	if has rpc; then
		for n in 1 100; do both "$run" --scenario rpc --in-flight $n; done
	fi
	if has history && wants sluice; then
		history_runs "$run"
	fi
done
stop_servers

if has idle; then
	JVM_OPTS="$SLUICE_IDLE_JVM_OPTS"
	# Idle memory is measured on freshly started servers, warmed by one short run, so the baseline is comparable.
	for run in $(seq 1 "$RUNS"); do
		start_servers "idle-$run"
		if wants sluice; then
			load sluice $SLUICE_PORT "$SLUICE_PID" 0 --scenario events --subscribers 10 > /dev/null
			load sluice $SLUICE_PORT "$SLUICE_PID" "$run" --scenario idle --connections "$IDLE" --source-addresses 8
		fi
		if wants deepstream; then
			load deepstream $DEEPSTREAM_PORT "$DEEPSTREAM_PID" 0 --scenario events --subscribers 10 > /dev/null
			load deepstream $DEEPSTREAM_PORT "$DEEPSTREAM_PID" "$run" --scenario idle --connections "$IDLE" \
				--source-addresses 8
		fi
		stop_servers
	done
	# The warm-up runs are not results.
	grep -v '"run":0,' "$RESULTS" > "$RESULTS.tmp" && mv "$RESULTS.tmp" "$RESULTS" || true
fi

log "load after: $(uptime); took $((SECONDS - START)) s"
# A server that logs per message measures its logging: name any log that grew past 20 MB. (deepstream logs an error
# for each message it still fans out to the sockets of a finished run; that happens after the measured window.)
for server_log in "$OUT"/*.log; do
	[[ $server_log == "$LOG" ]] && continue
	size=$(stat -c %s "$server_log")
	if ((size > 20 * 1024 * 1024)); then
		log "WARNING: $(basename "$server_log") is $((size / 1024 / 1024)) MB; if it logged during the measured runs, that skews its results. Most frequent line start: $(cut -c1-60 "$server_log" | sort | uniq -c | sort -rn | head -1)"
	fi
done
java -cp "$OUT/benchmarks.jar" io.sluice.bench.load.Summary "$RESULTS" | tee "$OUT/summary.md"
if [[ $CLUSTER == 1 ]]; then
	echo
	java -cp "$OUT/benchmarks.jar" io.sluice.bench.load.Summary "$RESULTS" sluice-cluster deepstream \
		| tee "$OUT/summary-cluster.md"
fi
if [[ $THREE_NODES == 1 ]]; then
	echo
	java -cp "$OUT/benchmarks.jar" io.sluice.bench.load.Summary "$RESULTS" sluice-3-nodes sluice \
		| tee "$OUT/summary-3-nodes.md"
fi
if [[ -n $PERMISSIONS ]]; then
	echo
	java -cp "$OUT/benchmarks.jar" io.sluice.bench.load.Summary "$RESULTS" sluice-permissions sluice \
		| tee "$OUT/summary-permissions.md"
fi
if [[ -n $BASELINE ]]; then
	echo
	java -cp "$OUT/benchmarks.jar" io.sluice.bench.load.Summary "$RESULTS" sluice sluice-baseline \
		| tee "$OUT/summary-baseline.md"
fi
echo "Results in $OUT"
