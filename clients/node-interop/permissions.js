'use strict'

/*
 * Permissions (deepstream's Valve rules, permissions.yml beside this script) with the real @deepstream/client against
 * a server; one JSON line per check: {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node permissions.js <url> <phase> [prefix]
 *   url     e.g. ws://localhost:6020/deepstream
 *   phase   "rules": every rule of the file, allowed and denied, with four users logged in;
 *           "reloaded": the file was changed to allow reading the toggle/ records: waits until that takes effect;
 *           "kept": the file was then made invalid: the changed rules must still be in force
 *   prefix  names every record, event and RPC of the run (no slash)
 *
 * The server must log users in through a webhook that answers auth data {username, role} with
 * {"id": username, "clientData": {"role": role}, "serverData": {"role": role}}, so that rules see user.data.role.
 * Each denial is checked three ways: the server's MESSAGE_DENIED (or MESSAGE_PERMISSION_ERROR) message with the
 * original action and the name, as the client's socket received it; what the client makes of it (its 'error' event,
 * a write acknowledgement, a rejected promise); and that nothing happened elsewhere: another client received nothing
 * (its socket saw no message for the name up to a later message the same action would have come before) and the
 * server's data is unchanged.
 *
 * INTEROP_SKIP names checks to leave out (comma-separated), for comparing with a server known to differ on them.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { isDeepStrictEqual } = require('node:util')
const { DeepstreamClient } = require('@deepstream/client')
const C = require('@deepstream/client/dist/src/constants')
const { CheckFailed, expect, waitUntil, describe, observingSocketFactory, harness: startHarness } = require('./lib/harness')

const ROLES = { ada: 'admin', alice: 'member', bob: 'member', gus: 'guest', carl: 'member' }
const ACTIONS = { [C.TOPIC.RECORD]: C.RECORD_ACTION, [C.TOPIC.EVENT]: C.EVENT_ACTION, [C.TOPIC.RPC]: C.RPC_ACTION, [C.TOPIC.PRESENCE]: C.PRESENCE_ACTION }
const EMIT_INTERVAL_MS = 100

const [url, phase, prefixArg] = process.argv.slice(2)
if (!url || !['rules', 'reloaded', 'kept'].includes(phase)) {
  process.stderr.write('usage: node permissions.js <url> rules|reloaded|kept [prefix]\n')
  process.exit(2)
}
const p = prefixArg || `perm-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`

const harness = startHarness({ overallTimeoutMs: 45000, timeoutDetail: { phase } })
const { STEP_TIMEOUT_MS, run } = harness
// checks to leave out, comma-separated: for comparing with a server known to differ on them
const SKIPPED = new Set((process.env.INTEROP_SKIP || '').split(',').filter(Boolean))
const users = {}

async function check (name, fn) {
  if (SKIPPED.has(name)) {
    process.stderr.write(`skipped ${name}\n`)
    return
  }
  return harness.check(name, fn)
}

/** Logs a user in with its role; keeps its client errors and every message its socket received. */
async function connect (username) {
  const seen = { messages: [], closes: [] }
  const errors = []
  const client = new DeepstreamClient(url, {
    nativeTimerRegistry: true,
    maxReconnectAttempts: 3,
    // a discarded record is unsubscribed at once rather than after the default 5 s
    recordDiscardTimeout: 0,
    socketFactory: observingSocketFactory(seen)
  })
  harness.clients.push(client)
  client.on('error', (error, event, topic) => errors.push({ event: String(event), topic: String(topic), error: describe(error) }))
  const loginData = await client.login({ username, role: ROLES[username] })
  const user = { username, client, seen, errors, loginData: loginData === undefined ? null : loginData }
  users[username] = user
  return user
}

function actionName (message) {
  const actions = ACTIONS[message.topic]
  return actions ? actions[message.action] : String(message.action)
}

/** The messages a user's socket received on a topic about a name, optionally of one action. */
function received (user, topic, name, action) {
  // subscriptions go out in bulk (names, with a correlation id) and are acknowledged so
  const about = (m) => m.name === name || (Array.isArray(m.names) && m.names.includes(name))
  return user.seen.messages.filter((m) => m.topic === topic && about(m) && (action === undefined || m.action === action))
}

function summary (messages) {
  return messages.map((m) => ({ action: actionName(m), originalAction: m.originalAction === undefined ? null : ACTIONS[m.topic][m.originalAction], name: m.name, isAck: !!m.isAck }))
}

/**
 * Waits until the server told the user that an action on a name was refused: MESSAGE_DENIED (or, with
 * error = true, MESSAGE_PERMISSION_ERROR) with the action the client sent and the name.
 */
async function refused (user, topic, originalAction, name, error = false) {
  const action = ACTIONS[topic][error ? 'MESSAGE_PERMISSION_ERROR' : 'MESSAGE_DENIED']
  return waitUntil(() => received(user, topic, name, action).find((m) => m.originalAction === originalAction),
    STEP_TIMEOUT_MS, `${user.username}: ${ACTIONS[topic][action]} for ${ACTIONS[topic][originalAction]} ${name}`,
    () => summary(user.seen.messages.filter((m) => m.name === name)))
}

/** Waits until the client surfaced an error of the event (MESSAGE_DENIED...) on the topic through its 'error' event. */
async function surfaced (user, event, topic) {
  return waitUntil(() => user.errors.find((e) => e.event === event && e.topic === topic), STEP_TIMEOUT_MS,
    `${user.username}: client error ${event} on ${topic}`, () => user.errors)
}

/** Waits until the server acknowledged the action on the name (a subscription, a provide, a listen). */
async function acknowledged (user, topic, action, name) {
  return waitUntil(() => received(user, topic, name, action).find((m) => m.isAck), STEP_TIMEOUT_MS,
    `${user.username}: ack of ${ACTIONS[topic][action]} ${name}`, () => summary(user.seen.messages.filter((m) => m.name === name)))
}

/** A promise that should reject with a reason (such as 'MESSAGE_DENIED'); resolves with the reason. */
async function rejection (promise, reason, what) {
  try {
    const value = await promise
    throw new CheckFailed(`${what} should be refused with ${reason}`, { resolvedWith: value === undefined ? null : value })
  } catch (e) {
    if (e instanceof CheckFailed) throw e
    expect(describe(e) === reason, `${what} should be refused with ${reason}`, { rejectedWith: describe(e) })
    return reason
  }
}

/** Runs an async condition again every few milliseconds until it holds. */
async function eventually (condition, what) {
  const deadline = Date.now() + STEP_TIMEOUT_MS
  let attempts = 0
  for (;;) {
    attempts++
    if (await condition()) return attempts
    if (Date.now() >= deadline) throw new CheckFailed(`timed out after ${STEP_TIMEOUT_MS} ms: ${what}`, { attempts })
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const CHANGES = {
  [C.TOPIC.RECORD]: [C.RECORD_ACTION.UPDATE, C.RECORD_ACTION.PATCH, C.RECORD_ACTION.ERASE, C.RECORD_ACTION.DELETED, C.RECORD_ACTION.DELETE_SUCCESS],
  [C.TOPIC.EVENT]: [C.EVENT_ACTION.EMIT]
}

/** Asserts the user's socket received no change of the record (no update, no deletion) or no event of the name. */
function none (user, topic, name, what) {
  const messages = received(user, topic, name).filter((m) => CHANGES[topic].includes(m.action))
  expect(messages.length === 0, `${user.username} should have received nothing for ${name}: ${what}`, summary(messages))
}

async function opened (user, name) {
  const record = user.client.record.getRecord(name)
  await record.whenReady()
  return record
}

/** A record subscription that keeps every update with its version. */
async function watch (user, name) {
  const record = await opened(user, name)
  const updates = []
  record.subscribe((data) => updates.push({ version: record.version, data }))
  return { record, updates }
}

async function serverState (user, name) {
  const [data, version] = await Promise.all([user.client.record.snapshot(name), user.client.record.head(name)])
  return { data, version }
}

/** Emits until the subscriber's list has an entry: the client offers no callback for a subscription's ack. */
async function emitUntil (user, name, data, list) {
  const emit = () => user.client.event.emit(name, data)
  emit()
  const timer = setInterval(emit, EMIT_INTERVAL_MS)
  try {
    await waitUntil(() => list.length > 0, STEP_TIMEOUT_MS, `${name} reaching its subscriber`)
  } finally {
    clearInterval(timer)
  }
}

/**
 * Does something the server acknowledges (a subscription, a provide) and waits for the acknowledgement. The client
 * sends these in bulk, and deepstream's acknowledgement names no name: so one at a time, waiting for one more.
 */
async function acknowledgedAfter (user, topic, action, what, send) {
  const acks = () => user.seen.messages.filter((m) => m.topic === topic && m.action === action && m.isAck).length
  const before = acks()
  send()
  await waitUntil(() => acks() > before, STEP_TIMEOUT_MS, `${user.username}: ack of ${what}`)
}

/** Subscribes to an event once the server acknowledged it; returns what arrives. */
async function subscribed (user, name) {
  const events = []
  await acknowledgedAfter(user, C.TOPIC.EVENT, C.EVENT_ACTION.SUBSCRIBE, `the subscription to ${name}`,
    () => user.client.event.subscribe(name, (data) => events.push(data)))
  return events
}

async function rules () {
  let ada, alice, bob, gus
  await check('login-with-server-data', async () => {
    [ada, alice, bob, gus] = await Promise.all(['ada', 'alice', 'bob', 'gus'].map(connect))
    for (const user of [ada, alice, bob, gus]) {
      expect(isDeepStrictEqual(user.loginData, { role: ROLES[user.username] }), `${user.username} should be told its role`, user.loginData)
    }
    return { prefix: p, roles: ROLES }
  })

  await checkRecords(ada, alice, bob, gus)
  await checkEvents(ada, alice, bob)
  await checkRpc(ada, alice, bob)
  await checkPresence(ada, alice, bob, gus)

  await check('toggle-read-denied-before-reload', async () => {
    await rejection(alice.client.record.has(`${p}/toggle/x`), 'MESSAGE_DENIED', 'has() of a toggle record')
    await refused(alice, C.TOPIC.RECORD, C.RECORD_ACTION.HEAD, `${p}/toggle/x`)
  })

  await check('client-errors-are-the-refusals', () => {
    const expected = new Set(['MESSAGE_DENIED', 'MESSAGE_PERMISSION_ERROR'])
    const unexpected = []
    for (const user of Object.values(users)) {
      for (const e of user.errors) {
        // the client has no handler for an event's MESSAGE_PERMISSION_ERROR and calls it unsolicited
        const permissionErrorOnEvent = e.event === 'UNSOLICITED_MESSAGE' && e.topic === 'EVENT' && user === bob
        if (!expected.has(e.event) && !permissionErrorOnEvent) {
          unexpected.push({ user: user.username, ...e })
        }
      }
    }
    expect(unexpected.length === 0, 'only refusals should reach the clients as errors', unexpected)
    return Object.fromEntries(Object.values(users).map((u) => [u.username, u.errors.length]))
  })
}

async function checkRecords (ada, alice, bob, gus) {
  await check('record-create-denied', async () => {
    const name = `${p}/nocreate/a`
    bob.client.record.getRecord(name)
    await refused(bob, C.TOPIC.RECORD, C.RECORD_ACTION.SUBSCRIBECREATEANDREAD, name)
    await surfaced(bob, 'MESSAGE_DENIED', 'RECORD')
    await rejection(bob.client.record.setDataWithAck(`${p}/nocreate/b`, { by: 'bob' }), 'MESSAGE_DENIED', 'a forced write creating a record')
    await refused(bob, C.TOPIC.RECORD, C.RECORD_ACTION.CREATEANDUPDATE, `${p}/nocreate/b`)
    const has = { a: await alice.client.record.has(name), b: await alice.client.record.has(`${p}/nocreate/b`) }
    expect(!has.a && !has.b, 'a record whose creation was denied should not exist', has)
    const byAdmin = await opened(ada, name)
    expect(byAdmin.version === 0, 'the admin should create it', { version: byAdmin.version })
    expect(await alice.client.record.has(name), 'the record the admin created should exist')
    return { has }
  })

  await check('record-read-denied-and-not-subscribed', async () => {
    const name = `${p}/secret/a`
    const barrier = `${p}/barrier/secret`
    const secret = await opened(ada, name)
    await secret.setWithAck({ code: 1 })
    const bobBarrier = await watch(bob, barrier)
    bob.client.record.getRecord(name)
    await refused(bob, C.TOPIC.RECORD, C.RECORD_ACTION.SUBSCRIBECREATEANDREAD, name)
    // bob's client answers these from his record, which never becomes ready: gus asks the server
    await rejection(gus.client.record.snapshot(name), 'MESSAGE_DENIED', 'snapshot() of a secret record')
    await rejection(gus.client.record.has(name), 'MESSAGE_DENIED', 'has() of a secret record')
    await refused(gus, C.TOPIC.RECORD, C.RECORD_ACTION.READ, name)
    await refused(gus, C.TOPIC.RECORD, C.RECORD_ACTION.HEAD, name)
    await secret.setWithAck({ code: 2 })
    const adaBarrier = await opened(ada, barrier)
    await adaBarrier.setWithAck({ after: 'secret' })
    await waitUntil(() => bobBarrier.updates.length > 0, STEP_TIMEOUT_MS, 'the barrier write reaching bob')
    none(bob, C.TOPIC.RECORD, name, 'a write after a denied subscription')
  })

  await check('record-write-only-by-its-user', async () => {
    const name = `${p}/users/alice`
    const own = await watch(alice, name)
    await own.record.setWithAck({ name: 'Alice' })
    const theirs = await opened(bob, name)
    expect(isDeepStrictEqual(theirs.get(), { name: 'Alice' }), 'bob may read alice\'s record', theirs.get())
    await rejection(theirs.setWithAck({ name: 'Mallory' }), 'MESSAGE_DENIED', 'bob setting alice\'s record')
    await rejection(theirs.setWithAck('name', 'Eve'), 'MESSAGE_DENIED', 'bob patching alice\'s record')
    // bob's client would send this through his record: ada, who has none, forces it
    await rejection(ada.client.record.setDataWithAck(name, { name: 'Mallory' }), 'MESSAGE_DENIED', 'the admin forcing a write to alice\'s record')
    await refused(bob, C.TOPIC.RECORD, C.RECORD_ACTION.UPDATE, name)
    await refused(bob, C.TOPIC.RECORD, C.RECORD_ACTION.PATCH, name)
    await refused(ada, C.TOPIC.RECORD, C.RECORD_ACTION.CREATEANDUPDATE, name)
    const state = await serverState(gus, name)
    expect(state.version === 1 && isDeepStrictEqual(state.data, { name: 'Alice' }), 'alice\'s record should be unchanged', state)
    await own.record.setWithAck('name', 'Alice Liddell')
    await eventually(async () => (await serverState(gus, name)).version === 2, 'alice\'s own patch')
    expect(own.updates.every((u) => u.data.name === 'Alice' || u.data.name === 'Alice Liddell'), 'alice should never see a denied write', own.updates)
    const bobsOwn = await opened(bob, `${p}/users/bob`)
    await bobsOwn.setWithAck({ name: 'Bob' })
    return { alice: await serverState(gus, name) }
  })

  await check('record-delete-denied-and-allowed', async () => {
    const kept = `${p}/keep/a`
    const record = await opened(alice, kept)
    await record.setWithAck({ v: 1 })
    const watcher = await watch(bob, kept)
    await rejection(record.delete(), 'MESSAGE_DENIED', 'deleting a kept record')
    await refused(alice, C.TOPIC.RECORD, C.RECORD_ACTION.DELETE, kept)
    // not bob's record, which he deletes next: alice's client would take his deletion for an invalid transition
    const othersDelete = await opened(alice, `${p}/users/carl`)
    await rejection(othersDelete.delete(), 'MESSAGE_DENIED', 'alice deleting carl\'s record')
    const bobs = await opened(bob, `${p}/users/bob`)
    await bobs.delete()
    expect(!(await gus.client.record.has(`${p}/users/bob`)), 'bob may delete his own record')
    none(bob, C.TOPIC.RECORD, kept, 'a denied delete')
    expect(watcher.updates.length === 0, 'the kept record\'s subscriber should see nothing', watcher.updates)
    const state = await serverState(gus, kept)
    expect(state.version === 1 && isDeepStrictEqual(state.data, { v: 1 }), 'the kept record should be unchanged', state)
    return state
  })

  await check('record-cross-record-rule', async () => {
    const name = `${p}/guarded/doc`
    await ada.client.record.setDataWithAck(`${p}/perm/alice`, { allowed: true })
    await ada.client.record.setDataWithAck(`${p}/perm/bob`, { allowed: false })
    await rejection(alice.client.record.setDataWithAck(`${p}/perm/bob`, { allowed: true }), 'MESSAGE_DENIED', 'a member writing a perm record')
    await alice.client.record.setDataWithAck(name, { by: 'alice' })
    await rejection(bob.client.record.setDataWithAck(name, { by: 'bob' }), 'MESSAGE_DENIED', 'bob writing while his perm record says no')
    await refused(bob, C.TOPIC.RECORD, C.RECORD_ACTION.CREATEANDUPDATE, name)
    const before = await serverState(gus, name)
    expect(isDeepStrictEqual(before.data, { by: 'alice' }), 'the denied write should change nothing', before)
    await ada.client.record.setDataWithAck(`${p}/perm/bob`, { allowed: true })
    await bob.client.record.setDataWithAck(name, { by: 'bob' })
    const after = await serverState(gus, name)
    expect(isDeepStrictEqual(after.data, { by: 'bob' }), 'bob may write once his perm record says so', after)
    return { before, after }
  })

  await check('record-rule-failure-is-a-permission-error', async () => {
    // gus has no perm record: the rule reads a member of null
    const name = `${p}/guarded/doc`
    await rejection(gus.client.record.setDataWithAck(name, { by: 'gus' }), 'MESSAGE_PERMISSION_ERROR', 'gus writing a guarded record')
    await refused(gus, C.TOPIC.RECORD, C.RECORD_ACTION.CREATEANDUPDATE, name, true)
    const state = await serverState(gus, name)
    expect(isDeepStrictEqual(state.data, { by: 'bob' }), 'the failed rule should change nothing', state)
    return state
  })

  await check('record-old-data-counter-only-grows', async () => {
    const name = `${p}/counter/c`
    const counter = await opened(alice, name)
    const watcher = await watch(bob, name)
    await counter.setWithAck({ count: 1 })
    await counter.setWithAck('count', 2)
    await rejection(counter.setWithAck('count', 1), 'MESSAGE_DENIED', 'patching the counter down')
    await rejection(counter.setWithAck('count', 2), 'MESSAGE_DENIED', 'patching the counter to the same value')
    await rejection(counter.setWithAck({ count: 0 }), 'MESSAGE_DENIED', 'setting the counter down')
    await rejection(counter.setWithAck({ count: 'many' }), 'MESSAGE_DENIED', 'setting the counter to a string')
    await refused(alice, C.TOPIC.RECORD, C.RECORD_ACTION.PATCH, name)
    await refused(alice, C.TOPIC.RECORD, C.RECORD_ACTION.UPDATE, name)
    const state = await serverState(gus, name)
    expect(state.version === 2 && isDeepStrictEqual(state.data, { count: 2 }), 'the counter should stay at 2', state)
    await waitUntil(() => watcher.updates.some((u) => u.version === 2), STEP_TIMEOUT_MS, 'bob seeing the counter at 2')
    await watcher.record.setWithAck('count', 5)
    const grown = await serverState(gus, name)
    expect(grown.version === 3 && isDeepStrictEqual(grown.data, { count: 5 }), 'the counter should grow to 5', grown)
    expect(isDeepStrictEqual(watcher.updates.map((u) => u.data.count), [1, 2, 5]), 'bob should have seen 1, 2 and his own 5', watcher.updates)
    return { updates: watcher.updates }
  })

  await check('record-pipelined-sets-keep-their-order', async () => {
    // Sets sent one after the other without waiting for answers, each checked against the data the one before left
    // (the counter's rule reads oldData): they must be checked and applied in the order they were sent, or the
    // later ones meet a version conflict or a denial.
    const name = `${p}/counter/pipelined`
    const counter = await opened(alice, name)
    for (let count = 1; count <= 200; count++) counter.set({ count })
    await counter.setWithAck({ count: 201 })
    const state = await serverState(gus, name)
    expect(state.version === 201 && isDeepStrictEqual(state.data, { count: 201 }), 'every set should be applied, in order', state)
    return { version: state.version }
  })

  await check('record-action-rule-refuses-patches', async () => {
    const name = `${p}/whole/a`
    const record = await opened(alice, name)
    await record.setWithAck({ a: 1 })
    await rejection(record.setWithAck('a', 2), 'MESSAGE_DENIED', 'patching a whole-only record')
    const state = await serverState(gus, name)
    expect(state.version === 1 && isDeepStrictEqual(state.data, { a: 1 }), 'the patch should change nothing', state)
    return state
  })

  await check('record-listen-denied', () => listenDenied(bob, C.TOPIC.RECORD, 'listened',
    (name) => alice.client.record.getRecord(name)))

  await check('record-notify-denied-and-allowed', async () => {
    const quiet = `${p}/quiet/a`
    await alice.client.record.setDataWithAck(quiet, { v: 1 })
    alice.client.record.notify([quiet]).catch(() => {})
    await refused(alice, C.TOPIC.RECORD, C.RECORD_ACTION.NOTIFY, quiet)
    await surfaced(alice, 'MESSAGE_DENIED', 'RECORD')
    await alice.client.record.notify([`${p}/counter/c`])
    return {}
  })
}

async function checkEvents (ada, alice, bob) {
  const barrier = `${p}/barrier/events`
  let aliceBarrier, bobBarrier
  await check('event-publish-denied', async () => {
    const name = `${p}/noevent/a`
    const events = await subscribed(alice, name)
    aliceBarrier = await subscribed(alice, barrier)
    bob.client.event.emit(name, { from: 'bob' })
    await refused(bob, C.TOPIC.EVENT, C.EVENT_ACTION.EMIT, name)
    await surfaced(bob, 'MESSAGE_DENIED', 'EVENT')
    await emitUntil(bob, barrier, { after: 'noevent' }, aliceBarrier)
    none(alice, C.TOPIC.EVENT, name, 'a denied publish')
    expect(events.length === 0, 'a denied publish should reach nobody', events)
  })

  await check('event-subscribe-denied-and-not-registered', async () => {
    const name = `${p}/nosub/a`
    bob.client.event.subscribe(name, () => {})
    await refused(bob, C.TOPIC.EVENT, C.EVENT_ACTION.SUBSCRIBE, name)
    await surfaced(bob, 'MESSAGE_DENIED', 'EVENT')
    const adaEvents = await subscribed(ada, name)
    bobBarrier = await subscribed(bob, barrier)
    alice.client.event.emit(name, { from: 'alice' })
    await emitUntil(alice, barrier, { after: 'nosub' }, bobBarrier)
    await waitUntil(() => adaEvents.length > 0, STEP_TIMEOUT_MS, 'the admin receiving the event')
    none(bob, C.TOPIC.EVENT, name, 'a publish after a denied subscription')
    return { ada: adaEvents }
  })

  await check('event-publish-data-rule', async () => {
    const name = `${p}/short/a`
    const events = await subscribed(alice, name)
    aliceBarrier.length = 0
    bob.client.event.emit(name, { text: 'far too long' })
    await refused(bob, C.TOPIC.EVENT, C.EVENT_ACTION.EMIT, name)
    bob.client.event.emit(name, { text: 'short' })
    await emitUntil(bob, barrier, { after: 'short' }, aliceBarrier)
    expect(isDeepStrictEqual(events, [{ text: 'short' }]), 'only the short text should be published', events)
    return events
  })

  await check('event-publish-now-rule', async () => {
    const name = `${p}/timed/a`
    const events = await subscribed(alice, name)
    aliceBarrier.length = 0
    const future = Date.now() + 3600000
    const past = Date.now() - 1000
    bob.client.event.emit(name, { at: future })
    await refused(bob, C.TOPIC.EVENT, C.EVENT_ACTION.EMIT, name)
    bob.client.event.emit(name, { at: past })
    await emitUntil(bob, barrier, { after: 'timed' }, aliceBarrier)
    expect(isDeepStrictEqual(events, [{ at: past }]), 'only the event from the past should be published', events)
    return events
  })

  await check('event-rule-failure-is-a-permission-error', async () => {
    const name = `${p}/broken/a`
    const events = await subscribed(alice, name)
    aliceBarrier.length = 0
    bob.client.event.emit(name, { text: 'x' })
    await refused(bob, C.TOPIC.EVENT, C.EVENT_ACTION.EMIT, name, true)
    await emitUntil(bob, barrier, { after: 'broken' }, aliceBarrier)
    expect(events.length === 0, 'an event whose rule failed should reach nobody', events)
  })

  await check('event-listen-denied', () => listenDenied(bob, C.TOPIC.EVENT, 'evlistened',
    (name) => alice.client.event.subscribe(name, () => {})))
}

/**
 * The listener's listen on <prefix>/nolisten/.* is refused and one on the allowed prefix acknowledged; subscribe()
 * subscribes to a name of each, and the listener is offered only the allowed one.
 */
async function listenDenied (listener, topic, allowedPrefix, subscribe) {
  const api = topic === C.TOPIC.RECORD ? listener.client.record : listener.client.event
  const denied = `${p}/nolisten/.*`
  const allowed = `${p}/${allowedPrefix}/.*`
  const offers = []
  api.listen(denied, (name, response) => { offers.push(name); response.accept() })
  await refused(listener, topic, ACTIONS[topic].LISTEN, denied)
  await surfaced(listener, 'MESSAGE_DENIED', topic === C.TOPIC.RECORD ? 'RECORD' : 'EVENT')
  api.listen(allowed, (name, response) => { offers.push(name); response.accept() })
  await acknowledged(listener, topic, ACTIONS[topic].LISTEN, allowed)
  subscribe(`${p}/nolisten/x`)
  subscribe(`${p}/${allowedPrefix}/x`)
  await waitUntil(() => offers.includes(`${p}/${allowedPrefix}/x`), STEP_TIMEOUT_MS, 'the allowed pattern\'s name offered')
  expect(isDeepStrictEqual(offers, [`${p}/${allowedPrefix}/x`]), 'nothing of the denied pattern should be offered', offers)
  return { offers }
}

async function checkRpc (ada, alice, bob) {
  await check('rpc-provide-denied', async () => {
    const name = `${p}/admin-only/calc`
    bob.client.rpc.provide(name, (data, response) => response.send('from bob'))
    await refused(bob, C.TOPIC.RPC, C.RPC_ACTION.PROVIDE, name)
    await surfaced(bob, 'MESSAGE_DENIED', 'RPC')
    await rejection(alice.client.rpc.make(name, {}), 'NO_RPC_PROVIDER', 'a call with only a denied provider')
    await acknowledgedAfter(ada, C.TOPIC.RPC, C.RPC_ACTION.PROVIDE, `providing ${name}`,
      () => ada.client.rpc.provide(name, (data, response) => response.send('from ada')))
    const answer = await alice.client.rpc.make(name, {})
    expect(answer === 'from ada', 'the admin\'s provider should answer', { answer })
    return { answer }
  })

  await check('rpc-request-denied-by-data', async () => {
    const name = `${p}/small/double`
    const calls = []
    await acknowledgedAfter(alice, C.TOPIC.RPC, C.RPC_ACTION.PROVIDE, `providing ${name}`,
      () => alice.client.rpc.provide(name, (data, response) => { calls.push(data); response.send(data.n * 2) }))
    await rejection(bob.client.rpc.make(name, { n: 1000 }), 'MESSAGE_DENIED', 'a request with too large a number')
    await refused(bob, C.TOPIC.RPC, C.RPC_ACTION.REQUEST, name)
    const answer = await bob.client.rpc.make(name, { n: 5 })
    expect(answer === 10, 'an allowed request should be answered', { answer })
    expect(isDeepStrictEqual(calls, [{ n: 5 }]), 'the provider should see only the allowed request', calls)
    return { answer, calls }
  })
}

async function checkPresence (ada, alice, bob, gus) {
  await check('presence-denied-to-guests', async () => {
    await rejection(gus.client.presence.getAll(), 'MESSAGE_DENIED', 'a guest asking who is online')
    await rejection(gus.client.presence.getAll(['bob']), 'MESSAGE_DENIED', 'a guest asking about bob')
    gus.client.presence.subscribe(() => {})
    await refused(gus, C.TOPIC.PRESENCE, C.PRESENCE_ACTION.SUBSCRIBE_ALL, undefined)
    await surfaced(gus, 'MESSAGE_DENIED', 'PRESENCE')
    const joins = []
    await acknowledgedAfter(alice, C.TOPIC.PRESENCE, C.PRESENCE_ACTION.SUBSCRIBE_ALL, 'the subscription to every login',
      () => alice.client.presence.subscribe((username, online) => joins.push({ username, online })))
    const online = await alice.client.presence.getAll()
    expect(['ada', 'bob', 'gus'].every((u) => online.includes(u)), 'a member should see who is online', online)
    await connect('carl')
    await waitUntil(() => joins.some((j) => j.username === 'carl' && j.online), STEP_TIMEOUT_MS, 'alice told of carl\'s login')
    // a round trip on gus's connection: anything sent to him before it would be here by now
    await gus.client.record.head(`${p}/nocreate/a`)
    const told = gus.seen.messages.filter((m) => m.topic === C.TOPIC.PRESENCE && !m.isError && !m.isAck)
    expect(told.length === 0, 'a guest whose presence subscription was denied should be told of no login', summary(told))
    return { online, joins }
  })

  await check('presence-by-user-id', async () => {
    await rejection(alice.client.presence.getAll(['ada']), 'MESSAGE_DENIED', 'alice asking about ada')
    const self = await ada.client.presence.getAll(['ada'])
    expect(isDeepStrictEqual(self, { ada: true }), 'ada may ask about herself', self)
    const other = await alice.client.presence.getAll(['bob'])
    expect(isDeepStrictEqual(other, { bob: true }), 'alice may ask about bob', other)
    return { self, other }
  })
}

/** After the file was changed to allow reading the toggle/ records: the new rules apply within the reload interval. */
async function reloaded () {
  let alice
  await check('login', async () => { alice = await connect('alice') })
  await check('reloaded-rule-takes-effect', async () => {
    const name = `${p}/toggle/x`
    const attempts = await eventually(() => alice.client.record.has(name).then(() => true, () => false),
      'has() of a toggle record allowed after the reload')
    return { attempts }
  })
  await checkRulesStillInForce(alice)
}

/** After the file was made invalid: the last valid rules stay. */
async function kept () {
  let alice
  await check('login', async () => { alice = await connect('alice') })
  await check('reloaded-rule-still-in-force', async () => {
    expect((await alice.client.record.has(`${p}/toggle/x`)) === false, 'has() of a toggle record should still be allowed')
  })
  await checkRulesStillInForce(alice)
}

async function checkRulesStillInForce (alice) {
  await check('other-rules-still-in-force', async () => {
    await rejection(alice.client.record.setDataWithAck(`${p}/nocreate/${phase}`, { by: 'alice' }), 'MESSAGE_DENIED', 'a member creating a nocreate record')
  })
}

run(() => ({ rules, reloaded, kept })[phase]())
