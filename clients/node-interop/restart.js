'use strict'

/*
 * A server restarted under connected clients, with the real @deepstream/client; prints one JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node restart.js <url> <profile> [prefix]
 *   url      e.g. ws://localhost:6020/deepstream
 *   profile  the clients' reconnect settings: "default" (the client's own) or "tight" (maxReconnectAttempts 20,
 *            maxReconnectInterval 300 ms, reconnectIntervalIncrement 300 ms: the client gives up after about 6 s)
 *   prefix   names every record, event, procedure, pattern and user of the run
 *
 * The clients hold an event subscription, presence subscriptions (all logins and one user's), an RPC provider, an
 * event listener with an accepted name and a record subscription, then print {"check":"ready"}: kill the server
 * then (kill -9) and start it again on the same data and port. The clients must come back on their own, and every
 * one of those must work again: see the README. INTEROP_RECONNECT_TIMEOUT_MS (120 s) bounds the wait for the kill
 * and for the clients to be back; INTEROP_TIMEOUT_MS (240 s) the whole run.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { isDeepStrictEqual } = require('node:util')
const { DefaultOptions } = require('@deepstream/client/dist/src/client-options')
const { CheckFailed, expect, waitUntil, harness: startHarness } = require('./lib/harness')

const RECONNECT_TIMEOUT_MS = Number(process.env.INTEROP_RECONNECT_TIMEOUT_MS || 120000)
const RETRY_INTERVAL_MS = 100
const PRESENCE_RETRY_INTERVAL_MS = 500

const PROFILES = {
  default: {
    maxReconnectAttempts: DefaultOptions.maxReconnectAttempts,
    maxReconnectInterval: DefaultOptions.maxReconnectInterval,
    reconnectIntervalIncrement: DefaultOptions.reconnectIntervalIncrement
  },
  tight: { maxReconnectAttempts: 20, maxReconnectInterval: 300, reconnectIntervalIncrement: 300 }
}

const [url, profile, prefixArg] = process.argv.slice(2)
if (!url || !Object.hasOwn(PROFILES, profile)) {
  process.stderr.write(`usage: node restart.js <url> ${Object.keys(PROFILES).join('|')} [prefix]\n`)
  process.exit(2)
}
const reconnect = PROFILES[profile]
const prefix = prefixArg || `restart-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
const user = (name) => `${prefix}-${name}`
const eventName = `${prefix}/event`
const recordName = `${prefix}/record`
const procedure = `${prefix}/rpc/echo`
const listenPattern = `^${prefix}/listened/`
const heldName = `${prefix}/listened/held`
const freshName = `${prefix}/listened/fresh`
const lateUser = user('late')

const harness = startHarness({ overallTimeoutMs: 240000, timeoutDetail: { profile } })
const { STEP_TIMEOUT_MS, clientErrors, report, check, run } = harness

/**
 * How long the client tries before it gives up: its n-th attempt (from 0) waits
 * min(maxReconnectInterval, reconnectIntervalIncrement * n), and it stops after maxReconnectAttempts of them.
 */
function giveUpAfterMs ({ maxReconnectAttempts, maxReconnectInterval, reconnectIntervalIncrement }) {
  let total = 0
  for (let attempt = 0; attempt < maxReconnectAttempts; attempt++) {
    total += Math.min(maxReconnectInterval, reconnectIntervalIncrement * attempt)
  }
  return total
}

/** A client that stays connected across the restart, with the profile's reconnect settings and its connection's history. */
async function survivor (name, options = {}) {
  const who = await harness.connect(url, user(name), { ...reconnect, ...options })
  who.lostAt = null
  who.reloginAt = null
  who.gaveUpAt = null
  who.client.on('connectionStateChanged', (state) => {
    if (state === 'RECONNECTING' && who.lostAt === null) {
      who.lostAt = Date.now()
    } else if (state === 'OPEN' && who.lostAt !== null && who.reloginAt === null) {
      who.reloginAt = Date.now()
    }
  })
  who.client.on('MAX_RECONNECTION_ATTEMPTS_REACHED', () => { who.gaveUpAt = Date.now() })
  return who
}

function connection ({ username, lostAt, reloginAt, gaveUpAt, client }) {
  return { username, state: client.getConnectionState(), lostAt, reloginAt, gaveUpAt }
}

/** Retries attempt() every RETRY_INTERVAL_MS until it returns a truthy value; the step's timeout bounds it. */
async function retry (attempt) {
  for (;;) {
    const result = await attempt()
    if (result) {
      return result
    }
    await new Promise((resolve) => setTimeout(resolve, RETRY_INTERVAL_MS))
  }
}

/**
 * The client tells nobody when the server has taken a subscription it resends on reconnect, so emit until the
 * subscriber has one of this phase's events; resolves with the number of emits.
 */
async function emitUntilReceived (emitter, received, phase) {
  let attempts = 0
  await retry(() => {
    if (received.some((data) => data.phase === phase)) {
      return true
    }
    emitter.client.event.emit(eventName, { phase, attempt: ++attempts })
    return false
  })
  return attempts
}

/** Calls the procedure until a provider answers; only NO_RPC_PROVIDER (not provided again yet) is retried. */
function callUntilAnswered (caller, phase) {
  let attempts = 0
  return retry(async () => {
    attempts++
    try {
      const answer = await caller.client.rpc.make(procedure, { phase })
      expect(isDeepStrictEqual(answer, { echo: { phase }, by: user('provider') }), 'the provider\'s answer', { answer })
      return { answer, attempts }
    } catch (error) {
      if (error === 'NO_RPC_PROVIDER') {
        return null
      }
      throw error
    }
  })
}

function recordData (stage, version) {
  return { stage, version, prefix, nested: { items: [1, 2, 3], note: 'ünïcødé ✓' } }
}

async function main () {
  let subscriber, provider, listener
  await check('login', async () => {
    [subscriber, provider, listener] = await Promise.all([
      // read-only: a record it holds is never written back on reconnect, which could hide a write the server lost
      survivor('subscriber', { recordReadOnlyMode: true }),
      survivor('provider'),
      survivor('listener')
    ])
    return { profile, reconnect }
  })

  const events = []
  subscriber.client.event.subscribe(eventName, (data) => events.push(data))
  provider.client.rpc.provide(procedure, (data, response) => response.send({ echo: data, by: provider.username }))
  const everyone = []
  const lateOnly = []
  subscriber.client.presence.subscribe((username, online) => everyone.push({ username, online, at: Date.now() }))
  subscriber.client.presence.subscribe(lateUser, (username, online) => lateOnly.push({ username, online, at: Date.now() }))
  const offers = []
  listener.client.event.listen(listenPattern, (name, response) => {
    offers.push({ name, at: Date.now() })
    response.accept()
  })
  subscriber.client.event.subscribe(heldName, () => {})

  const written = recordData('before-restart', 2)
  let record
  const updates = []
  await check('record-written-before-restart', async () => {
    // a client of its own, closed before the kill: no client holds a writable copy across the restart
    const writer = await harness.connect(url, user('writer'))
    const copy = writer.client.record.getRecord(recordName)
    await copy.whenReady()
    await copy.setWithAck(recordData('before-restart', 1))
    // a read-only subscription is refused for a record that does not exist yet, hence after the first write
    record = subscriber.client.record.getRecord(recordName)
    record.subscribe((data) => updates.push({ version: record.version, data, at: Date.now() }))
    await record.whenReady()
    await copy.setWithAck(written)
    expect(copy.version === 2, 'two acknowledged writes make version 2', { version: copy.version })
    writer.client.close()
    await waitUntil(() => record.version === 2 && isDeepStrictEqual(record.get(), written), STEP_TIMEOUT_MS,
      'version 2 at the subscriber', () => ({ updates }))
    return { version: record.version }
  })

  await check('event-before-restart', async () => ({ emits: await emitUntilReceived(provider, events, 'before') }))
  await check('rpc-before-restart', () => callUntilAnswered(subscriber, 'before'))
  await check('listen-accepted-before-restart', () => waitUntil(() => offers.some((o) => o.name === heldName),
    STEP_TIMEOUT_MS, 'the listener offered the held name').then(() => ({ offers })))
  await check('presence-before-restart', () => retry(async () => {
    const all = await subscriber.client.presence.getAll([provider.username, listener.username])
    return all[provider.username] && all[listener.username] && { all }
  }))

  const survivors = [subscriber, provider, listener]
  report('ready', true, { profile, reconnect, giveUpAfterMs: giveUpAfterMs(reconnect), record: { version: 2 } })

  await check('connection-lost', () => waitUntil(() => survivors.every((who) => who.lostAt !== null),
    RECONNECT_TIMEOUT_MS, 'every client to lose its connection', () => survivors.map(connection))
    .then(() => survivors.map(connection)), RECONNECT_TIMEOUT_MS + STEP_TIMEOUT_MS)

  await check('reconnected', async () => {
    await waitUntil(() => {
      const gaveUp = survivors.filter((who) => who.gaveUpAt !== null)
      if (gaveUp.length > 0) {
        throw new CheckFailed(`${gaveUp.map((who) => who.username).join(', ')} gave up reconnecting after ` +
          `${giveUpAfterMs(reconnect)} ms of attempts, before the server was back`, survivors.map(connection))
      }
      return survivors.every((who) => who.reloginAt !== null && who.client.getConnectionState() === 'OPEN')
    }, RECONNECT_TIMEOUT_MS, 'every client to log in again', () => survivors.map(connection))
    return survivors.map(connection)
  }, RECONNECT_TIMEOUT_MS + STEP_TIMEOUT_MS)

  const firstLost = Math.min(...survivors.map((who) => who.lostAt))
  const firstRelogin = Math.min(...survivors.map((who) => who.reloginAt))
  const lastRelogin = Math.max(...survivors.map((who) => who.reloginAt))
  report('restart-time', true, {
    profile,
    lostToFirstReloginMs: firstRelogin - firstLost,
    lostToLastReloginMs: lastRelogin - firstLost,
    firstLostAt: firstLost,
    firstReloginAt: firstRelogin
  })

  await check('event-after-restart', async () => ({ emits: await emitUntilReceived(provider, events, 'after') }))

  await check('rpc-after-restart', () => callUntilAnswered(subscriber, 'after'))

  await check('listen-offered-again-after-restart', async () => {
    // the restarted server knows neither the listener nor the subscription until both are resent: it must offer again
    await waitUntil(() => offers.some((o) => o.name === heldName && o.at >= listener.reloginAt), STEP_TIMEOUT_MS,
      'the held name offered again', () => ({ offers }))
    subscriber.client.event.subscribe(freshName, () => {})
    await waitUntil(() => offers.some((o) => o.name === freshName), STEP_TIMEOUT_MS,
      'a name subscribed after the restart offered', () => ({ offers }))
    return { offers: offers.map((o) => o.name) }
  })

  await check('presence-login-after-restart', async () => {
    // Nor when it has taken the resent presence subscriptions: log in again, as a new connection, until the
    // subscriber hears of it both through its subscription to everyone and through the one to this user.
    let attempts = 0
    let late = null
    const seen = (list) => list.some((entry) => entry.username === lateUser && entry.online)
    await retry(async () => {
      if (seen(everyone) && seen(lateOnly)) {
        return true
      }
      if (late !== null) {
        late.client.close()
      }
      attempts++
      late = await harness.connect(url, lateUser)
      await new Promise((resolve) => setTimeout(resolve, PRESENCE_RETRY_INTERVAL_MS))
      return seen(everyone) && seen(lateOnly)
    })
    return { attempts }
  })

  await check('presence-getall-after-restart', async () => {
    const all = (await subscriber.client.presence.getAll()).filter((name) => name.startsWith(`${prefix}-`)).sort()
    const expected = [provider.username, listener.username, lateUser].sort()
    expect(isDeepStrictEqual(all, expected), 'the reconnected users and the late one', { all, expected })
    return { all }
  })

  await check('record-intact-after-restart', async () => {
    const reader = await harness.connect(url, user('reader'))
    const snapshot = await reader.client.record.snapshot(recordName)
    const head = await reader.client.record.head(recordName)
    expect(isDeepStrictEqual(snapshot, written) && head === 2, 'the acknowledged version 2 and its data',
      { snapshot, head })
    // whatever the resubscription delivered must be the same version 2
    const sinceLoss = updates.filter((update) => update.at >= firstLost)
    expect(sinceLoss.every((update) => update.version === 2 && isDeepStrictEqual(update.data, written)),
      'the subscriber saw nothing but version 2 since the kill', { sinceLoss })
    reader.client.close()
    return { head, snapshot }
  })

  await check('record-change-after-restart', async () => {
    // the resubscription is answered once the server holds it: then the write reaches it as an update
    await waitUntil(() => record.record.recordState === 'READY', STEP_TIMEOUT_MS, 'the record resubscribed',
      () => ({ state: record.record.recordState }))
    const writer = await harness.connect(url, user('writer-after'))
    const copy = writer.client.record.getRecord(recordName)
    await copy.whenReady()
    const changed = recordData('after-restart', 3)
    await copy.setWithAck(changed)
    expect(copy.version === 3, 'the version goes on from the acknowledged one', { version: copy.version })
    await waitUntil(() => updates.some((u) => u.version === 3 && isDeepStrictEqual(u.data, changed)), STEP_TIMEOUT_MS,
      'version 3 at the subscriber', () => ({ updates }))
    return { version: 3 }
  })

  // refused connection attempts while the server is down are expected; nothing else is
  const unexpected = clientErrors.filter((e) => !/CONNECTION_ERROR|ECONNREFUSED/.test(`${e.event} ${e.error}`))
  report('no-unexpected-client-errors', unexpected.length === 0, { unexpected, all: clientErrors.length })
}

run(main)
