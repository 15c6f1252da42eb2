'use strict'

/*
 * Connect → login latency with the real @deepstream/client: each client is created, logs in and is closed, one
 * after another, so every login is a new connection's first. The first client's login is reported on its own (on a
 * server just started it is the server's first login), the others as percentiles. A login that fails (refused,
 * AUTHENTICATION_TIMEOUT, closed) is counted as failed, not measured.
 *
 * Usage: node login-latency.js <url> <logins> <label>
 * Prints one JSON line: {"label", "first_ms", "first_phases_ms", "n", "p50_ms", "p99_ms", "max_ms", "p50_steps_ms", "slowest", "failed"}, where
 * first_phases_ms says when the first client entered each connection state (CHALLENGING once its socket is open,
 * AWAITING_AUTHENTICATION once the server accepted its challenge, AUTHENTICATING once it sent its login, OPEN once
 * logged in), and p50_steps_ms the median, over the logins after the first, of the time to open the socket, to have
 * the challenge answered and to have the login answered.
 * Needs @deepstream/client (with ws and @deepstream/protobuf) on NODE_PATH: clients/node-interop/node_modules after
 * npm ci there.
 */

const { DeepstreamClient } = require('@deepstream/client')
const WebSocket = require('ws')
const { parse } = require('@deepstream/protobuf/dist/src/message-parser')
const { getMessage } = require('@deepstream/protobuf/dist/src/message-builder')
const { TOPIC, CONNECTION_ACTION, AUTH_ACTION } = require('@deepstream/protobuf/dist/types/all')

const [url, logins, label] = process.argv.slice(2)
const count = Number(logins)
if (!url || !count || count < 2) {
  process.stderr.write('usage: node login-latency.js <url> <logins (2 or more)> <label>\n')
  process.exit(2)
}

function loginOnce (i) {
  return new Promise((resolve) => {
    const start = process.hrtime.bigint()
    const client = new DeepstreamClient(url, { maxReconnectAttempts: 0 })
    // when the client entered each connection state, in ms from the start: where a slow login spent its time
    const phases = {}
    client.on('connectionStateChanged', (state) => {
      phases[state] = Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10
    })
    let done = false
    const finish = (ok, detail) => {
      if (done) return
      done = true
      const ms = Number(process.hrtime.bigint() - start) / 1e6
      client.close()
      resolve({ ok, ms, detail, phases })
    }
    client.on('error', (error, event) => finish(false, String(event || error)))
    client.login({ username: `latency-${i}`, token: 'good' }, (success, data) => finish(success === true, data))
    setTimeout(() => finish(false, 'no answer within 10 s'), 10000).unref()
  })
}

function percentile (sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/**
 * Runs this process's client code once (the deepstream client, its protobuf codec, the ws module), with one login
 * against a stand-in server on another port that accepts any challenge and login, so that the first login measured
 * is the server's first rather than this process's. The measured server sees nothing of it.
 */
function warmClient () {
  const stand = new WebSocket.Server({ host: '127.0.0.1', port: 0 })
  stand.on('connection', (socket) => {
    socket.on('message', (raw) => {
      for (const message of parse(raw)) {
        if (message.topic === TOPIC.CONNECTION && message.action === CONNECTION_ACTION.CHALLENGE) {
          socket.send(getMessage({ topic: TOPIC.CONNECTION, action: CONNECTION_ACTION.ACCEPT }, false))
        } else if (message.topic === TOPIC.AUTH && message.action === AUTH_ACTION.REQUEST) {
          socket.send(getMessage({ topic: TOPIC.AUTH, action: AUTH_ACTION.AUTH_SUCCESSFUL, parsedData: {} }, false))
        }
      }
    })
  })
  return new Promise((resolve) => stand.on('listening', resolve))
    .then(() => new Promise((resolve) => {
      const client = new DeepstreamClient(`ws://127.0.0.1:${stand.address().port}/deepstream`, { maxReconnectAttempts: 0 })
      client.on('error', () => {})
      client.login({ username: 'warm-up' }, () => {
        client.close()
        resolve()
      })
    }))
    .then(() => new Promise((resolve) => stand.close(resolve)))
}

async function main () {
  await warmClient()
  const times = []
  let failed = 0
  let first = null
  let firstPhases = null
  let slowest = null
  // after the first: the socket opened, the challenge answered, the login answered (ms, as the client saw them)
  const steps = { open: [], challenge: [], login: [] }
  const failures = []
  for (let i = 0; i < count; i++) {
    const result = await loginOnce(i)
    if (!result.ok) {
      failed++
      if (failures.length < 5) failures.push(result.detail)
    } else if (i === 0) {
      first = result.ms
      firstPhases = result.phases
    } else {
      times.push(result.ms)
      const p = result.phases
      steps.open.push(p.AWAITING_CONNECTION)
      steps.challenge.push(p.AWAITING_AUTHENTICATION - p.CHALLENGING)
      steps.login.push(p.OPEN - p.AUTHENTICATING)
      if (!slowest || result.ms > slowest.ms) slowest = { index: i, ms: result.ms, phases: result.phases }
    }
  }
  times.sort((a, b) => a - b)
  const round = (x) => (x === null || x === undefined) ? null : Math.round(x * 10) / 10
  process.stdout.write(JSON.stringify({
    label,
    first_ms: round(first),
    first_phases_ms: firstPhases,
    n: times.length,
    p50_ms: round(percentile(times, 50)),
    p99_ms: round(percentile(times, 99)),
    max_ms: round(times[times.length - 1]),
    p50_steps_ms: Object.fromEntries(Object.entries(steps)
      .map(([step, values]) => [step, round(percentile(values.sort((a, b) => a - b), 50))])),
    slowest,
    failed,
    ...(failures.length ? { failures } : {})
  }) + '\n')
  process.exit(failed === 0 ? 0 : 1)
}

main()
