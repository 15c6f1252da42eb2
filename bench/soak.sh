#!/usr/bin/env bash
# The soak: Sluice on embedded defaults under every kind of load at once, at modest rates, for a long time, with its
# memory sampled, to show that it stays bounded and serves without errors (docs/reliability.md, "Soak").
#
#   bench/soak.sh                30 minutes
#   bench/soak.sh --minutes 3    a short check of the script itself (too short for a verdict worth reporting)
#
# The load (io.sluice.bench.load.Soak): an event fanned out to 20 subscribers at 200 emits/s; record updates at
# 100/s over 50 records watched by two subscribers, moving to 50 new records every minute (a new writer and new
# subscribers each time, so records keep being created and left behind); RPC at 50 calls/s through a provider; a
# client connecting, logging in, subscribing and disconnecting every 200 ms; and four slow consumers of a bulk event
# (8 KiB at 20/s), two that stop reading and two that read 1 KiB every 500 ms, which the server must cut under its
# outbound policy (sluice.gateway.outbound-budget, stall-timeout, outbound-limit): those cuts are counted, not errors.
# Errors are error frames, connections the server closed that it should have kept, failed log-ins, and subscriptions,
# record reads or RPC calls unanswered after 10 s.
#
# Every 10 s the load generator runs a full GC in the server through its platform MBeans (the Attach API starts the
# local management agent: no JVM option, no port) and samples the heap after it, non-heap, RSS and its anonymous part
# (RssAnon), threads and open files from /proc, and the load's throughput. At the end it fits a least-squares line to
# each over the last two thirds (the first third is warm-up) and prints the verdict: bounded when the growth that
# line predicts over the window is under max(5% of the mean, 4 MiB for the heap and non-heap, 16 MiB for anonymous
# RSS), with no errors. The whole RSS is reported but not judged: it also counts the journal's mapped segment, whose
# pages become resident as entries are appended, up to the segment size, and are given back when it is finished
# (bench/results/23-soak.md). It also diffs two GC.class_histogram outputs (after the warm-up, at the end) to name
# the classes that grew.
#
# Options: --minutes N (30), --rebuild (rebuild Sluice and the load generator first).
# Environment: SOAK_PORT (6026), checked to be free; SOAK_JVM_OPTS, the server's JVM options (default a fixed 512 MiB
# heap with the parallel collector, so RSS does not grow with the heap and a leak reaches the heap's limit sooner).
# Results: bench/target/results/<timestamp>-soak/ (soak.csv, one row per sample; summary.md; run.log; sluice.log;
# histogram-*.txt). Exit status 0 if bounded without errors, 3 if not, 1 if the run failed.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
MINUTES=30
REBUILD=0
SOAK_PORT="${SOAK_PORT:-6026}"
SOAK_JVM_OPTS="${SOAK_JVM_OPTS:--Xms512m -Xmx512m -XX:+UseParallelGC}"

while [[ $# -gt 0 ]]; do
	case "$1" in
		--minutes) MINUTES="$2"; shift ;;
		--rebuild) REBUILD=1 ;;
		*) echo "Unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
if ! [[ $MINUTES =~ ^[0-9]+$ ]] || ((MINUTES < 1)); then
	echo "--minutes takes a whole number of minutes, at least 1, not '$MINUTES'" >&2; exit 2
fi

OUT="$ROOT/bench/target/results/$(date -u +%Y%m%dT%H%M%SZ)-soak"
mkdir -p "$OUT"
LOG="$OUT/run.log"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$LOG"; }

cd "$ROOT"
if [[ $REBUILD == 1 || ! -f sluice-server/target/sluice-server-0.1.0-SNAPSHOT.jar ]]; then
	log "building sluice-server"
	./mvnw -q -pl sluice-server -am package -DskipTests
fi
if [[ $REBUILD == 1 || ! -f bench/target/benchmarks.jar ]]; then
	log "building the load generator"
	./mvnw -q -pl bench -am package -DskipTests
fi
# Run copies, so a rebuild elsewhere during the run cannot change what runs.
cp sluice-server/target/sluice-server-0.1.0-SNAPSHOT.jar "$OUT/sluice-server.jar"
cp bench/target/benchmarks.jar "$OUT/benchmarks.jar"

if (exec 3<>"/dev/tcp/127.0.0.1/$SOAK_PORT") 2>/dev/null; then
	log "port $SOAK_PORT is already in use (another run?): choose another with SOAK_PORT"; exit 1
fi

SLUICE_PID=""
stop_sluice() {
	if [[ -n "$SLUICE_PID" ]] && kill -0 "$SLUICE_PID" 2>/dev/null; then
		kill "$SLUICE_PID" 2>/dev/null || true
		for _ in $(seq 1 120); do kill -0 "$SLUICE_PID" 2>/dev/null || return 0; sleep 0.25; done
		kill -9 "$SLUICE_PID" 2>/dev/null || true
	fi
}
trap stop_sluice EXIT

log "machine: $(nproc) cores, $(free -h | awk '/Mem:/ {print $2}') RAM, $(java -version 2>&1 | head -1)"
log "commit: $(git rev-parse --short HEAD); $MINUTES minutes; server JVM: $SOAK_JVM_OPTS"
log "load before: $(uptime)"

# Embedded defaults: nothing but the port and a data directory of its own.
# shellcheck disable=SC2086
java $SOAK_JVM_OPTS -jar "$OUT/sluice-server.jar" --server.port="$SOAK_PORT" --sluice.data-dir="$OUT/sluice-data" \
	> "$OUT/sluice.log" 2>&1 &
SLUICE_PID=$!
deadline=$((SECONDS + 180))
until (exec 3<>"/dev/tcp/127.0.0.1/$SOAK_PORT") 2>/dev/null; do
	if ! kill -0 "$SLUICE_PID" 2>/dev/null || ((SECONDS > deadline)); then
		log "sluice did not start: see $OUT/sluice.log"; exit 1
	fi
	sleep 0.5
done
log "sluice started (pid $SLUICE_PID)"

# The load generator compiles with C1 only, as in run.sh (bench/results/13-load-generator-compiler-journal-linger.md).
status=0
timeout $((MINUTES * 60 + 300)) java -XX:TieredStopAtLevel=1 -Xms128m -Xmx512m -XX:+UseParallelGC \
	-cp "$OUT/benchmarks.jar" io.sluice.bench.load.LoadMain --url "ws://127.0.0.1:$SOAK_PORT/deepstream" \
	--target sluice --scenario soak --server-pid "$SLUICE_PID" --duration $((MINUTES * 60)) --payload-bytes 100 \
	--out "$OUT" 2>&1 | tee -a "$LOG" || status=${PIPESTATUS[0]}

log "load after: $(uptime)"
stop_sluice
if grep -qE ' (ERROR|WARN) ' "$OUT/sluice.log"; then
	log "the server logged $(grep -cE ' ERROR ' "$OUT/sluice.log") ERROR and $(grep -cE ' WARN ' "$OUT/sluice.log") WARN lines; most frequent:"
	grep -E ' (ERROR|WARN) ' "$OUT/sluice.log" | sed -E 's/^.*(ERROR|WARN) [0-9]+ --- //' \
		| sed -E -e 's/[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}/<id>/g' -e 's/[0-9]+ bytes/N bytes/g' | cut -c1-160 | sort | uniq -c \
		| sort -rn | head -5 | tee -a "$LOG"
fi
case $status in
	0) log "bounded, no errors" ;;
	3) log "NOT bounded or errors: see $OUT/summary.md" ;;
	*) log "the soak failed (status $status): see $LOG" ;;
esac
echo "Results in $OUT"
exit "$status"
