# Shared by the scripts that run Sluice beside deepstream with the real client (bench/login/run.sh,
# bench/http/run.sh): sourced after they set ROOT, OUT, ONLY, log and wants, from $ROOT.

# The Node packages: the client for every script, deepstream only when it is measured.
if [[ ! -d clients/node-interop/node_modules/@deepstream/client ]]; then
	(cd clients/node-interop && npm ci --no-audit --no-fund >> "$OUT/run.log" 2>&1)
fi
if wants deepstream && [[ ! -d bench/peers/deepstream/node_modules/@deepstream/server ]]; then
	(cd bench/peers/deepstream && npm ci --no-audit --no-fund >> "$OUT/run.log" 2>&1)
fi
export NODE_PATH="$ROOT/clients/node-interop/node_modules"

# Every process started goes in PIDS, and is stopped (politely, then for good) when the script ends.
PIDS=()
stop() {
	local pid=$1
	if kill -0 "$pid" 2>/dev/null; then
		kill "$pid" 2>/dev/null || true
		for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.25; done
		kill -9 "$pid" 2>/dev/null || true
	fi
}
cleanup() { for pid in "${PIDS[@]}"; do stop "$pid"; done; }
trap cleanup EXIT

# Healthy means deepstream's health check answers: both servers serve /health-check on their port.
wait_healthy() {
	local port=$1 pid=$2 deadline=$((SECONDS + 180))
	until curl -sf "http://127.0.0.1:$port/health-check" > /dev/null; do
		if ! kill -0 "$pid" 2>/dev/null || ((SECONDS > deadline)); then
			log "the server on port $port did not become healthy"; return 1
		fi
		sleep 0.1
	done
}
