'use strict'

/*
 * Logins with a users file and with JWTs, and a session that ends when its token expires, with the real
 * @deepstream/client; prints one JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node auth.js <url> <password> <good-token> <bad-token> <short-token> <short-exp> <fresh-token>
 *   url          e.g. ws://localhost:6020/deepstream, of a server with sluice.auth.type=file,jwt
 *   password     alice's password in the server's users file, where alice has clientData {"favouriteColor": "red"}
 *   good-token   a JWT the server accepts, for user "jay" with the claim clientData {"plan": "pro"}
 *   bad-token    a JWT signed with another key
 *   short-token  a JWT the server accepts, for user "kim", that expires at short-exp (seconds since the epoch)
 *   fresh-token  a JWT the server accepts, for user "kim", valid for longer
 *
 * Checks: alice logs in with her password and gets her clientData; a wrong password is refused; a JWT logs in with
 * the clientData of its claim; a JWT signed with another key is refused with {"error": "invalid token"}; the session
 * of the short token is ended when the token expires (CONNECTION CLOSED, then the socket closed with 1008), the
 * client reconnects, its expired token is refused ({"error": "token expired"}, as a reauthenticationFailure event),
 * and it logs in again with the fresh token.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { isDeepStrictEqual } = require('node:util')
const { DeepstreamClient } = require('@deepstream/client')
const { expect, waitUntil, observingSocketFactory, harness: startHarness } = require('./lib/harness')

const CONNECTION_CLOSED = { topic: 2, action: 9 }
const EXPIRED_CLOSE = 1008
/** How far from the token's expiry the session may end: timer and loopback delays, not the server's clock skew. */
const EXPIRY_SLACK_MS = 1500

const [url, password, goodToken, badToken, shortToken, shortExp, freshToken] = process.argv.slice(2)
if (!freshToken || !Number.isFinite(Number(shortExp))) {
  process.stderr.write('usage: node auth.js <url> <password> <good-token> <bad-token> <short-token> <short-exp> ' +
    '<fresh-token>\n')
  process.exit(2)
}

const harness = startHarness({ overallTimeoutMs: 30000 })
const { clients, check } = harness

function client (options = {}) {
  const seen = { messages: [], closes: [], reauthenticationFailures: [] }
  const created = new DeepstreamClient(url, { socketFactory: observingSocketFactory(seen), maxReconnectAttempts: 0,
    ...options })
  created.on('error', () => {})
  created.on('reauthenticationFailure', (reason) => seen.reauthenticationFailures.push(reason))
  clients.push(created)
  return { client: created, seen }
}

function login (target, authData) {
  return new Promise((resolve) => target.login(authData, (success, data) => resolve({ success, data })))
}

harness.run(async () => {
  await check('file-login', async () => {
    const { success, data } = await login(client().client, { username: 'alice', password })
    expect(success, 'alice was refused', data)
    expect(isDeepStrictEqual(data, { favouriteColor: 'red' }), 'alice did not get her clientData', data)
    return data
  })

  await check('file-wrong-password-refused', async () => {
    const { success, data } = await login(client().client, { username: 'alice', password: password + '!' })
    expect(!success, 'a wrong password logged in', data)
    return data
  })

  await check('jwt-login', async () => {
    const { success, data } = await login(client().client, { token: goodToken })
    expect(success, 'the token was refused', data)
    expect(isDeepStrictEqual(data, { plan: 'pro' }), 'no clientData from the claim', data)
    return data
  })

  await check('jwt-bad-signature-refused', async () => {
    const { success, data } = await login(client().client, { token: badToken })
    expect(!success, 'a token signed with another key logged in', data)
    expect(isDeepStrictEqual(data, { reason: { error: 'invalid token' } }), 'not the reason expected', data)
    return data
  })

  const expiring = client({ maxReconnectAttempts: 3, reconnectIntervalIncrement: 200 })
  await check('jwt-short-login', async () => {
    const { success, data } = await login(expiring.client, { token: shortToken })
    expect(success, 'the short token was refused', data)
    return { expiresInMs: Number(shortExp) * 1000 - Date.now() }
  })

  await check('jwt-session-ends-at-exp', async () => {
    const expiresAt = Number(shortExp) * 1000
    await waitUntil(() => expiring.seen.closes.length > 0, expiresAt - Date.now() + 5000, 'the session to be closed',
      () => expiring.seen)
    const closedAt = Date.now()
    const close = expiring.seen.closes[0]
    const notice = expiring.seen.messages.find((m) => m.topic === CONNECTION_CLOSED.topic &&
      m.action === CONNECTION_CLOSED.action)
    expect(notice, 'no CONNECTION CLOSED before the close', expiring.seen.messages)
    expect(close.code === EXPIRED_CLOSE, `closed with ${close.code}, not ${EXPIRED_CLOSE}`, close)
    expect(closedAt >= expiresAt - 200 && closedAt <= expiresAt + EXPIRY_SLACK_MS,
      `closed ${closedAt - expiresAt} ms after the token's expiry`, close)
    return { closedMsAfterExp: closedAt - expiresAt, close }
  }, 15000)

  await check('jwt-expired-token-refused-on-reconnect', async () => {
    await waitUntil(() => expiring.seen.reauthenticationFailures.length > 0, 5000, 'a reauthenticationFailure',
      () => expiring.seen)
    const reason = expiring.seen.reauthenticationFailures[0]
    expect(isDeepStrictEqual(reason, { reason: { error: 'token expired' } }), 'not the reason expected', reason)
    return reason
  })

  await check('jwt-login-again-with-a-fresh-token', async () => {
    const { success, data } = await login(expiring.client, { token: freshToken })
    expect(success, 'the fresh token was refused', data)
    expect(expiring.client.getConnectionState() === 'OPEN', 'not open', expiring.client.getConnectionState())
    return data
  })
})
