'use strict'

/*
 * Connection lifecycle with the real @deepstream/client; prints one JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node lifecycle.js <url> <scenario>
 *   heartbeat  the client never pings (a huge heartbeatInterval): the server must close the connection
 *   shutdown   logs in, prints {"check":"ready"}, then waits for the server to shut down: the client must be
 *              told (CONNECTION CLOSING) and see a going-away close (1001)
 *   webhook    logs in with a good, a bad and a slow token against a server authenticating by webhook; the
 *              client hands a refusal's data to the login callback as {reason: data}
 *
 * The socket factory is wrapped to see the frames and the close code the client itself only reacts to.
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { DeepstreamClient } = require('@deepstream/client')
const { observingSocketFactory, reporter } = require('./lib/harness')

const OVERALL_TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS || 30000)
const CONNECTION_CLOSING = { topic: 2, action: 8 }

const [url, scenario] = process.argv.slice(2)
if (!url || !['heartbeat', 'shutdown', 'webhook'].includes(scenario)) {
  process.stderr.write('usage: node lifecycle.js <url> heartbeat|shutdown|webhook\n')
  process.exit(2)
}

const { clients, failures, report } = reporter()

function finish () {
  for (const client of clients) {
    try { client.close() } catch (e) { /* already closed */ }
  }
  // a moment for the closes to go out before the process ends
  setTimeout(() => process.exit(failures() === 0 ? 0 : 1), 100)
}

setTimeout(() => {
  report('overall-timeout', false, `${OVERALL_TIMEOUT_MS} ms`)
  process.exit(2)
}, OVERALL_TIMEOUT_MS).unref()

/** A client whose socket reports what it receives and how it closes. */
function observedClient (options = {}) {
  const seen = { messages: [], closes: [] }
  const client = new DeepstreamClient(url,
    { ...options, socketFactory: observingSocketFactory(seen), maxReconnectAttempts: 0 })
  client.on('error', () => {})
  clients.push(client)
  return { client, seen }
}

function login (client, authData) {
  return new Promise((resolve) => client.login(authData, (success, data) => resolve({ success, data })))
}

function until (condition, what, timeoutMs = 15000) {
  return new Promise((resolve, reject) => {
    const start = Date.now()
    const poll = setInterval(() => {
      if (condition()) {
        clearInterval(poll)
        resolve()
      } else if (Date.now() - start > timeoutMs) {
        clearInterval(poll)
        reject(new Error(`timed out waiting for ${what}`))
      }
    }, 10)
  })
}

async function heartbeat () {
  const { client, seen } = observedClient({ heartbeatInterval: 3600000 })
  const result = await login(client, { username: 'quiet' })
  report('login', result.success === true, result.data)
  await until(() => seen.closes.length > 0, 'the server to close a client that does not ping')
  const close = seen.closes[0]
  report('heartbeat-timeout-closed', /Heartbeat timeout/.test(close.reason), close)
}

async function shutdown () {
  const { client, seen } = observedClient()
  const result = await login(client, { username: 'leaving' })
  report('login', result.success === true, result.data)
  const record = client.record.getRecord('lifecycle/shutdown')
  await record.whenReady()
  report('ready', true)
  await until(() => seen.closes.length > 0, 'the server to close on shutdown', 25000)
  const notice = seen.messages.some((m) => m.topic === CONNECTION_CLOSING.topic && m.action === CONNECTION_CLOSING.action)
  report('shutdown-notice', notice, seen.messages.filter((m) => m.topic === 2).map((m) => m.action))
  report('going-away-close', seen.closes[0].code === 1001, seen.closes[0])
}

async function webhook () {
  const good = observedClient()
  const accepted = await login(good.client, { token: 'good' })
  report('webhook-accepted', accepted.success === true && accepted.data && accepted.data.greeting === 'hello alice',
    accepted)
  const bad = observedClient()
  const refused = await login(bad.client, { token: 'bad' })
  report('webhook-refused', refused.success === false && refused.data && refused.data.reason &&
    refused.data.reason.reason === 'bad token', refused)
  const slow = observedClient()
  const timedOut = await login(slow.client, { token: 'slow' })
  report('webhook-timed-out', timedOut.success === false && timedOut.data &&
    timedOut.data.reason && timedOut.data.reason.error === 'AUTH_RETRY_ATTEMPTS_EXCEEDED', timedOut)
}

const scenarios = { heartbeat, shutdown, webhook }
scenarios[scenario]().then(finish, (error) => {
  report('scenario-error', false, String(error && error.stack ? error.stack : error))
  finish()
})
