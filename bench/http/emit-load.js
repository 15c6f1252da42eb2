'use strict'

/*
 * Event emits per second over HTTP, and whether they arrive: one @deepstream/client subscribes to the event over
 * WebSocket, then `concurrency` HTTP requests are kept in flight for `seconds`, each emitting the event:
 *   - mode "batch": POST <base>/api with { body: [100 x { topic: 'event', action: 'emit', eventName, data }] }
 *     (deepstream's HTTP format, for Sluice and deepstream alike);
 *   - mode "rest":  POST <base>/api/v1/events/<name> with the data as the body (Sluice's REST resource), one
 *     emit per request.
 * Counts the emits answered as successful per second, the requests' latency percentiles, and the emits the
 * subscriber received (all of them must arrive).
 *
 * Usage: node emit-load.js <http base, e.g. http://127.0.0.1:6020> <ws url> <mode batch|rest> <seconds>
 *        <concurrency> <label>
 * Prints one JSON line: {"label", "mode", "emits_per_s", "requests", "p50_ms", "p99_ms", "failed", "sent",
 * "delivered"}.
 * Needs @deepstream/client on NODE_PATH (clients/node-interop/node_modules after npm ci there) and Node 18+ (fetch).
 */

const { DeepstreamClient } = require('@deepstream/client')

const [base, wsUrl, mode, secondsArg, concurrencyArg, label] = process.argv.slice(2)
const seconds = Number(secondsArg)
const concurrency = Number(concurrencyArg)
if (!base || !wsUrl || !['batch', 'rest'].includes(mode) || !seconds || !concurrency) {
  process.stderr.write('usage: node emit-load.js <http base> <ws url> <batch|rest> <seconds> <concurrency> <label>\n')
  process.exit(2)
}

const BATCH = 100
const EVENT = 'bench-http/' + mode
const DATA = { price: 101.25, symbol: 'SLC', note: 'x'.repeat(40) }

function request () {
  if (mode === 'batch') {
    const body = []
    for (let i = 0; i < BATCH; i++) {
      body.push({ topic: 'event', action: 'emit', eventName: EVENT, data: DATA })
    }
    return {
      url: base + '/api',
      emits: BATCH,
      init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ body }) },
      ok: async (response) => response.status === 200 && (await response.json()).result === 'SUCCESS'
    }
  }
  return {
    url: base + '/api/v1/events/' + encodeURIComponent(EVENT).replace('%2F', '/'),
    emits: 1,
    init: { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DATA) },
    ok: async (response) => { await response.arrayBuffer(); return response.status >= 200 && response.status < 300 }
  }
}

function percentile (sorted, p) {
  if (sorted.length === 0) return null
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] * 100) / 100
}

async function main () {
  const client = new DeepstreamClient(wsUrl, { maxReconnectAttempts: 0 })
  await new Promise((resolve, reject) => {
    client.login({ username: 'bench-http-subscriber' }, (success) => success ? resolve() : reject(new Error('login')))
  })
  let delivered = 0
  await new Promise((resolve) => {
    client.event.subscribe(EVENT, () => { delivered++ })
    // the subscription is registered once its acknowledgement is in; an emit of our own proves it round-trips
    setTimeout(resolve, 300)
  })

  const latencies = []
  let sent = 0
  let succeeded = 0
  let failed = 0
  let measuring = false
  const warmupEnd = Date.now() + 1000
  const end = warmupEnd + seconds * 1000
  let measuredEmits = 0

  async function worker () {
    while (Date.now() < end) {
      const r = request()
      const started = process.hrtime.bigint()
      sent += r.emits
      try {
        const response = await fetch(r.url, r.init)
        const ok = await r.ok(response)
        const now = Date.now()
        if (ok) {
          succeeded += r.emits
          if (now >= warmupEnd && now <= end) {
            measuredEmits += r.emits
            latencies.push(Number(process.hrtime.bigint() - started) / 1e6)
          }
        } else {
          failed += r.emits
        }
      } catch (e) {
        failed += r.emits
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  measuring = true

  // what was sent must arrive: wait until the subscriber has it all, or 10 s
  const deadline = Date.now() + 10000
  while (delivered < succeeded && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  client.close()
  latencies.sort((a, b) => a - b)
  process.stdout.write(JSON.stringify({
    label,
    mode,
    emits_per_s: Math.round(measuredEmits / seconds),
    requests: latencies.length,
    p50_ms: percentile(latencies, 0.5),
    p99_ms: percentile(latencies, 0.99),
    failed,
    sent,
    delivered: measuring ? delivered : null,
    succeeded
  }) + '\n')
  process.exit(failed === 0 && delivered >= succeeded ? 0 : 1)
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1) })
