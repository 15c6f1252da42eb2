'use strict'

/*
 * Many HTTP requests at once, good and bad, while a WebSocket client stays connected: every request must get an
 * answer (a 2xx for the good ones, the expected 4xx for the bad ones, never a dropped connection or a 5xx), and the
 * WebSocket client must keep receiving what is published to it while the burst is on.
 *
 * Usage: node burst.js <http base> <ws url> <requests> <label>
 * All <requests> are started at once (Node opens as many sockets as it needs). Prints one JSON line:
 * {"label", "requests", "seconds", "by_status": {...}, "unexpected": n, "errors": n, "ws_pings_ms_max", "ws_delivered"}.
 * Needs @deepstream/client on NODE_PATH and Node 18+.
 */

const { DeepstreamClient } = require('@deepstream/client')

const [base, wsUrl, requestsArg, label] = process.argv.slice(2)
const total = Number(requestsArg)
if (!base || !wsUrl || !total) {
  process.stderr.write('usage: node burst.js <http base> <ws url> <requests> <label>\n')
  process.exit(2)
}

const deep = '['.repeat(200) + ']'.repeat(200)
// What each kind sends and the statuses that are right for it.
const KINDS = [
  { name: 'emit', url: '/api/v1/events/burst/ok', body: '{"n":1}', type: 'application/json', ok: [204] },
  { name: 'batch', url: '/api', body: JSON.stringify({ body: [{ topic: 'event', action: 'emit', eventName: 'burst/ok', data: 1 }] }), type: 'application/json', ok: [200] },
  { name: 'put', url: '/api/v1/records/burst/r', body: '{"a":1}', type: 'application/json', ok: [204] },
  { name: 'get', url: '/api/v1/records/burst/r', method: 'GET', ok: [200, 404] },
  { name: 'invalid-json', url: '/api/v1/events/burst/bad', body: '{"n":', type: 'application/json', ok: [400] },
  { name: 'wrong-type', url: '/api/v1/events/burst/bad', body: 'hello', type: 'text/plain', ok: [415] },
  { name: 'too-deep', url: '/api/v1/records/burst/deep', body: deep, type: 'application/json', ok: [400] },
  { name: 'jif-bad', url: '/api', body: '{"body":[{"topic":"nope"}]}', type: 'application/json', ok: [400] }
]

// Over sluice.gateway.max-message-size (1 MB): one request in 200, so that the client does not send gigabytes.
const TOO_LARGE = { name: 'too-large', url: '/api/v1/events/burst/big', body: '"' + 'x'.repeat(1100000) + '"', type: 'application/json', ok: [413] }

async function one (i) {
  const kind = (i % 200 === 7) ? TOO_LARGE : KINDS[i % KINDS.length]
  const init = { method: kind.method || (kind.url.startsWith('/api/v1/records') ? 'PUT' : 'POST') }
  if (kind.body !== undefined) {
    init.body = kind.body
    init.headers = { 'content-type': kind.type }
  }
  try {
    const response = await fetch(base + kind.url, init)
    await response.arrayBuffer()
    return { kind: kind.name, status: response.status, expected: kind.ok.includes(response.status) }
  } catch (e) {
    return { kind: kind.name, status: 'error:' + (e.cause && e.cause.code || e.message), expected: false }
  }
}

async function main () {
  const client = new DeepstreamClient(wsUrl, { maxReconnectAttempts: 0 })
  await new Promise((resolve, reject) => client.login({ username: 'burst-watcher' }, (ok) => ok ? resolve() : reject(new Error('login'))))
  let delivered = 0
  client.event.subscribe('burst/ok', () => { delivered++ })
  await new Promise((resolve) => setTimeout(resolve, 300))
  let maxPing = 0
  let pinging = true
  const pinger = (async () => {
    while (pinging) {
      const started = Date.now()
      await new Promise((resolve) => client.record.has('burst/ping', () => resolve()))
      maxPing = Math.max(maxPing, Date.now() - started)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  })()

  const started = Date.now()
  const results = await Promise.all(Array.from({ length: total }, (_, i) => one(i)))
  const seconds = (Date.now() - started) / 1000
  pinging = false
  await pinger
  const byStatus = {}
  let unexpected = 0
  let errors = 0
  for (const r of results) {
    const key = r.kind + ':' + r.status
    byStatus[key] = (byStatus[key] || 0) + 1
    if (!r.expected) unexpected++
    if (String(r.status).startsWith('error')) errors++
  }
  const emitsOk = results.filter((r) => (r.kind === 'emit' || r.kind === 'batch') && r.expected).length
  const deadline = Date.now() + 10000
  while (delivered < emitsOk && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  client.close()
  process.stdout.write(JSON.stringify({ label, requests: total, seconds, by_status: byStatus, unexpected, errors, ws_pings_ms_max: maxPing, ws_delivered: delivered, emits_ok: emitsOk }) + '\n')
  process.exit(unexpected === 0 && delivered >= emitsOk ? 0 : 1)
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1) })
