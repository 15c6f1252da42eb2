'use strict'

/*
 * Logins through an authentication webhook under a short unauthenticated-client timeout, RPC requestor details and
 * the health check, with the real @deepstream/client; prints one JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node login-rpc.js <url> <requestor>
 *   url        e.g. ws://localhost:6020/deepstream; the health check is GET /health-check on the same host and port
 *   requestor  "on" when the server tells providers the requestor's name and data
 *              (--sluice.rpc.provide-requestor-name=true --sluice.rpc.provide-requestor-data=true), "off" when it
 *              tells them neither (the defaults)
 *
 * The server must authenticate by webhook with a short unauthenticated-client timeout (INTEROP_AUTH_TIMEOUT_MS,
 * 200 unless set: --sluice.gateway.unauthenticated-client-timeout=200ms), and its webhook answer, for authData
 * {username, token}: token "good" is 200 with {"id": username, "clientData": {"greeting": "hello " + username}},
 * anything else 401 with {"clientData": {"reason": "bad token"}}.
 *
 * Checks: /health-check answers 200; a client refused once is not cut later (no AUTHENTICATION_TIMEOUT, no close,
 * for five timeouts) and logs in on its second try; several clients log in through the webhook at once; a provider
 * is told the requestor's name and client data only when the server is set to tell them.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const http = require('node:http')
const { isDeepStrictEqual } = require('node:util')
const { DeepstreamClient } = require('@deepstream/client')
const { POLL_MS, expect, observingSocketFactory, harness: startHarness } = require('./lib/harness')

const AUTH_TIMEOUT_MS = Number(process.env.INTEROP_AUTH_TIMEOUT_MS || 200)
const AUTHENTICATION_TIMEOUT = { topic: 2, action: 9 }
const CONCURRENT_LOGINS = 8

const [url, requestor] = process.argv.slice(2)
if (!url || !['on', 'off'].includes(requestor)) {
  process.stderr.write('usage: node login-rpc.js <url> on|off\n')
  process.exit(2)
}
const run = `login-rpc-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
const user = (name) => `${run}-${name}`

const harness = startHarness({ overallTimeoutMs: 30000 })
const { clients, check } = harness

/** A client whose socket reports every message it receives and how it closes, which the client only reacts to. */
function observedClient () {
  const seen = { messages: [], closes: [] }
  const client = new DeepstreamClient(url, { socketFactory: observingSocketFactory(seen), maxReconnectAttempts: 0,
    subscriptionInterval: 0 })
  client.on('error', () => {})
  clients.push(client)
  return { client, seen }
}

function login (client, authData) {
  return new Promise((resolve) => client.login(authData, (success, data) => resolve({ success, data })))
}

function healthCheck () {
  const target = new URL(url)
  return new Promise((resolve, reject) => {
    http.get({ host: target.hostname, port: target.port, path: '/health-check' }, (response) => {
      response.resume()
      response.on('end', () => resolve(response.statusCode))
    }).on('error', reject)
  })
}

/**
 * Calls until a provider answers: the provide and the call travel on two connections, so either may come first.
 * Only NO_RPC_PROVIDER (the provide not there yet) is retried, every POLL_MS, for up to 5 s.
 */
async function callProvided (client, name) {
  const deadline = Date.now() + 5000
  for (;;) {
    const answer = await new Promise((resolve) => {
      client.rpc.make(name, null, (error, result) => resolve({ error, result }))
    })
    if (answer.error !== 'NO_RPC_PROVIDER') {
      return answer
    }
    expect(Date.now() < deadline, `no provider of ${name} within 5000 ms`)
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

harness.run(async () => {
  await check('health-check', async () => {
    const status = await healthCheck()
    expect(status === 200, `GET /health-check answered ${status}`)
    return { status }
  })

  await check('refused-login-is-not-cut-later', async () => {
    const { client, seen } = observedClient()
    const refused = await login(client, { username: user('guess'), token: 'bad' })
    expect(refused.success === false, 'the bad token was not refused', refused)
    // Nothing may happen now, however long: watch for five timeouts, well past the deadline and the sweep after it.
    await new Promise((resolve) => setTimeout(resolve, 5 * AUTH_TIMEOUT_MS))
    const timedOut = seen.messages.filter((m) => m.topic === AUTHENTICATION_TIMEOUT.topic &&
      m.action === AUTHENTICATION_TIMEOUT.action)
    expect(timedOut.length === 0 && seen.closes.length === 0, 'the refused client was cut',
      { timedOut, closes: seen.closes })
    const second = await login(client, { username: user('guess'), token: 'good' })
    expect(second.success === true, 'the second login was refused', second)
    return { refusedWith: refused.data, waitedMs: 5 * AUTH_TIMEOUT_MS }
  })

  await check('webhook-logins-succeed', async () => {
    const results = await Promise.all(Array.from({ length: CONCURRENT_LOGINS }, (_, i) => {
      const { client, seen } = observedClient()
      return login(client, { username: user(`many-${i}`), token: 'good' }).then((result) => ({ ...result, seen }))
    }))
    const failed = results
      .map((r, i) => ({ user: user(`many-${i}`), success: r.success, data: r.data, closes: r.seen.closes }))
      .filter((r) => r.success !== true || !r.data || r.data.greeting !== `hello ${r.user}`)
    expect(failed.length === 0, 'some logins failed', failed)
    return { logins: results.length }
  })

  await check(`rpc-requestor-${requestor}`, async () => {
    const provider = observedClient().client
    expect((await login(provider, { username: user('provider'), token: 'good' })).success, 'provider login')
    const caller = observedClient().client
    const callerLogin = await login(caller, { username: user('alice'), token: 'good' })
    expect(callerLogin.success, 'caller login', callerLogin)
    const name = `${run}/whoami`
    provider.rpc.provide(name, (data, response, details) => {
      response.send({ requestorName: (details && details.requestorName) || null,
        requestorData: (details && details.requestorData) || null })
    })
    const { error, result } = await callProvided(caller, name)
    expect(!error, `the call failed: ${error}`)
    const expected = requestor === 'on'
      ? { requestorName: user('alice'), requestorData: { greeting: `hello ${user('alice')}` } }
      : { requestorName: null, requestorData: null }
    expect(isDeepStrictEqual(result, expected), 'the provider was told otherwise', { result, expected })
    return result
  })
})
