'use strict'

/*
 * The first requests a fresh server answers: POST /api with 5,000 event emits in one request, <rounds> times one after
 * the other, as soon as the server is healthy (the first round pays for whatever the HTTP path loads or compiles on
 * first use). A WebSocket subscriber (the real @deepstream/client) must receive every emit.
 *
 * Usage: node first-batch.js <http base> <ws url> <rounds> <label>
 * Prints one JSON line: {"label", "rounds_ms": [...], "delivered", "emits"}. Needs @deepstream/client on NODE_PATH.
 */

const { DeepstreamClient } = require('@deepstream/client')

const [base, wsUrl, roundsArg, label] = process.argv.slice(2)
const rounds = Number(roundsArg)
if (!base || !wsUrl || !rounds) {
  process.stderr.write('usage: node first-batch.js <http base> <ws url> <rounds> <label>\n')
  process.exit(2)
}
const EMITS = 5000

async function main () {
  const client = new DeepstreamClient(wsUrl, { maxReconnectAttempts: 0 })
  await new Promise((resolve, reject) => client.login({ username: 'first-batch' }, (ok) => ok ? resolve() : reject(new Error('login'))))
  let delivered = 0
  client.event.subscribe('first-batch', () => { delivered++ })
  await new Promise((resolve) => setTimeout(resolve, 300))
  const body = JSON.stringify({
    body: Array.from({ length: EMITS }, (_, i) => ({ topic: 'event', action: 'emit', eventName: 'first-batch', data: { i } }))
  })
  const roundsMs = []
  for (let round = 0; round < rounds; round++) {
    const started = process.hrtime.bigint()
    const response = await fetch(base + '/api', { method: 'POST', headers: { 'content-type': 'application/json' }, body })
    const answer = await response.json()
    roundsMs.push(Number((process.hrtime.bigint() - started) / 1000000n))
    if (response.status !== 200 || answer.result !== 'SUCCESS') throw new Error('round ' + round + ': ' + response.status + ' ' + answer.result)
  }
  const deadline = Date.now() + 10000
  while (delivered < EMITS * rounds && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
  client.close()
  process.stdout.write(JSON.stringify({ label, rounds_ms: roundsMs, delivered, emits: EMITS * rounds }) + '\n')
  process.exit(delivered === EMITS * rounds ? 0 : 1)
}

main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\n'); process.exit(1) })
