'use strict'

/*
 * Many HTTP requests at once, good and bad, while a WebSocket client stays connected: every request must get an
 * answer (a 2xx for the good ones, the expected 4xx for the bad ones, or 429 with Retry-After when the server has as
 * many in progress as it takes; never a dropped connection or a 5xx), and the WebSocket client must keep receiving
 * what is published to it while the burst is on. It asks for a record's version (record.has) every 50 ms meanwhile,
 * and the time each answer took is its latency.
 *
 * Usage: node burst.js <http base> <ws url> <requests> <label>
 * All <requests> are started at once (Node opens as many sockets as it needs). Prints one JSON line:
 * {"label", "requests", "seconds", "by_status": {...}, "refused": n, "unexpected": n, "errors": n,
 *  "ws_pings": n, "ws_pings_ms": {"p50", "p99", "max"}, "ws_delivered", "emits_ok"}.
 * Needs @deepstream/client on NODE_PATH and Node 18+.
 */

const { DeepstreamClient } = require('@deepstream/client')

const [base, wsUrl, requestsArg, label] = process.argv.slice(2)
const total = Number(requestsArg)
if (process.argv[2] !== '--watcher' && (!base || !wsUrl || !total)) {
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
    const refused = response.status === 429 && response.headers.get('retry-after') !== null
    return { kind: kind.name, status: response.status, refused, expected: refused || kind.ok.includes(response.status) }
  } catch (e) {
    return { kind: kind.name, status: 'error:' + (e.cause && e.cause.code || e.message), expected: false }
  }
}

/*
 * The WebSocket client runs in a process of its own (this script, forked with --watcher), so that what it measures is
 * the server's answer, not this process's event loop busy with thousands of requests.
 */
async function watch (url) {
  const client = new DeepstreamClient(url, { maxReconnectAttempts: 0 })
  await new Promise((resolve, reject) => client.login({ username: 'burst-watcher' }, (ok) => ok ? resolve() : reject(new Error('login'))))
  let delivered = 0
  client.event.subscribe('burst/ok', () => { delivered++ })
  await new Promise((resolve) => setTimeout(resolve, 300))
  const pings = []
  let pinging = true
  let expected = 0
  process.on('message', (message) => { pinging = false; expected = message.emitsOk })
  process.send({ ready: true })
  while (pinging) {
    const started = Date.now()
    await new Promise((resolve) => client.record.has('burst/ping', () => resolve()))
    pings.push(Date.now() - started)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const deadline = Date.now() + 10000
  while (delivered < expected && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  client.close()
  process.send({ pings, delivered }, () => process.exit(0))
}

async function main () {
  const { fork } = require('child_process')
  const watcher = fork(__filename, ['--watcher', wsUrl])
  const watched = new Promise((resolve, reject) => {
    watcher.on('message', (message) => { if (!message.ready) resolve(message) })
    watcher.on('exit', (code) => reject(new Error('the WebSocket watcher ended with ' + code)))
  })
  await new Promise((resolve) => watcher.once('message', resolve))

  const started = Date.now()
  const results = await Promise.all(Array.from({ length: total }, (_, i) => one(i)))
  const seconds = (Date.now() - started) / 1000
  const byStatus = {}
  let unexpected = 0
  let errors = 0
  for (const r of results) {
    const key = r.kind + ':' + r.status
    byStatus[key] = (byStatus[key] || 0) + 1
    if (!r.expected) unexpected++
    if (String(r.status).startsWith('error')) errors++
  }
  const emitsOk = results.filter((r) => (r.kind === 'emit' || r.kind === 'batch') && r.expected && !r.refused).length
  const refused = results.filter((r) => r.refused).length
  watcher.send({ emitsOk })
  const { pings, delivered } = await watched
  pings.sort((a, b) => a - b)
  const at = (q) => pings[Math.min(pings.length - 1, Math.floor(q * pings.length))]
  process.stdout.write(JSON.stringify({ label, requests: total, seconds, by_status: byStatus, refused, unexpected, errors, ws_pings: pings.length, ws_pings_ms: { p50: at(0.5), p99: at(0.99), max: pings[pings.length - 1] }, ws_delivered: delivered, emits_ok: emitsOk }) + '\n')
  process.exit(unexpected === 0 && delivered >= emitsOk ? 0 : 1)
}

if (process.argv[2] === '--watcher') {
  watch(process.argv[3]).catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1) })
} else {
  main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1) })
}
