'use strict'

/*
 * Drives the real @deepstream/client against a server and prints one JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node records-events.js <url> <phase> [prefix] [expectedVersion]
 *   url              e.g. ws://localhost:6020/deepstream
 *   phase            "live" or "after-restart"
 *   prefix           names every record and event of the run; "after-restart" needs the prefix of "live"
 *   expectedVersion  after-restart only: the version "live" reported in its "final-state" check
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { isDeepStrictEqual } = require('node:util')
const { CheckFailed, expect, waitUntil, harness: startHarness } = require('./lib/harness')

const EMIT_INTERVAL_MS = 100

const [url, phase, prefixArg, expectedVersionArg] = process.argv.slice(2)
if (!url || !['live', 'after-restart'].includes(phase) || (phase === 'after-restart' && !prefixArg)) {
  process.stderr.write('usage: node records-events.js <url> live [prefix]\n' +
    '       node records-events.js <url> after-restart <prefix> [expectedVersion]\n')
  process.exit(2)
}
const prefix = prefixArg || `interop-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
const recordName = `${prefix}/record`
const eventName = `${prefix}/event`
const missingRecordName = `${prefix}/never-written`
const openedRecordName = `${prefix}/opened-only`

const harness = startHarness({ overallTimeoutMs: 30000, timeoutDetail: { phase } })
const { STEP_TIMEOUT_MS, clientErrors, report, check, run } = harness

function ack (register) {
  return new Promise((resolve, reject) => {
    register((error, name) => error === null || error === undefined
      ? resolve(name)
      : reject(new CheckFailed(`write not acknowledged: ${error}`, { error })))
  })
}

function connect (username) {
  return harness.connect(url, username)
}

/** Subscribes to the record and keeps every update it delivers, with the version it came with. */
async function watchRecord (client) {
  const record = client.record.getRecord(recordName)
  const updates = []
  record.subscribe((data) => updates.push({ version: record.version, data }))
  await record.whenReady()
  return { record, updates }
}

function sees (updates, version, data) {
  return updates.some((update) => update.version === version && isDeepStrictEqual(update.data, data))
}

/**
 * A subscription is acknowledged by the server at its own pace and the client offers no callback for
 * it, so emit every EMIT_INTERVAL_MS until the subscriber has one; resolves with the number of emits.
 */
function emitUntilReceived (client, from, received) {
  let attempts = 0
  const emit = () => client.event.emit(eventName, { from, attempt: ++attempts })
  emit()
  const timer = setInterval(emit, EMIT_INTERVAL_MS)
  return waitUntil(() => received.length > 0, STEP_TIMEOUT_MS, `an event from ${from}`)
    .then(() => attempts, (error) => { throw new CheckFailed(error.message, { attempts }) })
    .finally(() => clearInterval(timer))
}

function describeWriters (writers) {
  const describe = ({ name, ack, conflict, record }) => ({ name, ack: ack === undefined ? null : ack, conflict: conflict || null, version: record.version })
  return Object.values(writers).map(describe)
}

function finalData () {
  return { owner: 'winner', stage: 'final', prefix, items: [1, 2, 3], nested: { ok: true, note: 'ünïcødé ✓' } }
}

function unexpectedErrors (expected) {
  return clientErrors.filter((e) => !expected.some((x) => x.username === e.username && x.topic === e.topic))
}

async function live () {
  let a, b, c
  await check('login', async () => {
    [a, b, c] = await Promise.all(['alice', 'bob', 'carol'].map(connect))
    return { alice: a.loginData, bob: b.loginData, carol: c.loginData }
  })

  await check('has-false-for-missing-record', async () => {
    const has = await b.client.record.has(missingRecordName)
    const head = await b.client.record.head(missingRecordName)
    expect(has === false && head === -1, 'has() should be false and head() -1 for a record nobody opened', { has, head })
    return { record: missingRecordName, has, head }
  })

  // Opening a record creates it, as in deepstream: another client (carol, who holds no record object for it, so her
  // client asks the server) sees it exist at version 0. It is never written: after-restart checks it survived a kill.
  await check('opened-record-exists-for-others', async () => {
    const opened = a.client.record.getRecord(openedRecordName)
    await opened.whenReady()
    const state = { version: opened.version, data: opened.get() }
    expect(state.version === 0 && isDeepStrictEqual(state.data, {}), 'an opened new record should be version 0 with {}', state)
    const has = await c.client.record.has(openedRecordName)
    const head = await c.client.record.head(openedRecordName)
    expect(has === true && head === 0, 'another client\'s has() should be true and head() 0 once a record is opened', { has, head })
    return { record: openedRecordName, ...state, has, head }
  })

  const events = []
  a.client.event.subscribe(eventName, (data) => events.push(data))
  let aUpdates
  await check('a-subscribes-new-record', async () => {
    const watch = await watchRecord(a.client)
    aUpdates = watch.updates
    const state = { version: watch.record.version, data: watch.record.get() }
    expect(state.version === 0 && isDeepStrictEqual(state.data, {}), 'a new record should be version 0 with {}', state)
    return state
  })

  const recordB = b.client.record.getRecord(recordName)
  const bUpdates = []
  recordB.subscribe((data) => bUpdates.push({ version: recordB.version, data }))

  const data1 = { owner: 'bob', stage: 'set', count: 1 }
  await check('b-record-set-acknowledged', async () => {
    await recordB.whenReady()
    await ack((cb) => recordB.set(data1, cb))
    expect(recordB.version === 1, 'version after the first write should be 1', { version: recordB.version })
    return { version: recordB.version }
  })
  await check('a-sees-record-set', () => waitUntil(() => sees(aUpdates, 1, data1), STEP_TIMEOUT_MS, 'update to version 1')
    .then(() => ({ version: 1, data: data1 })))

  const data2 = { ...data1, count: 2 }
  await check('b-setData-path-acknowledged', async () => {
    await ack((cb) => b.client.record.setData(recordName, 'count', 2, cb))
    expect(recordB.version === 2, 'version after the patch should be 2', { version: recordB.version })
    return { version: recordB.version, path: 'count' }
  })
  await check('a-sees-patch', () => waitUntil(() => sees(aUpdates, 2, data2), STEP_TIMEOUT_MS, 'patch to version 2')
    .then(() => ({ version: 2, data: data2 })))

  // carol holds no record object, so the client sends CREATEANDUPDATE with version -1 (a forced write)
  const data3 = { owner: 'carol', stage: 'forced', count: 3 }
  await check('c-setDataWithAck-forced-write', async () => {
    await c.client.record.setDataWithAck(recordName, data3)
    return { record: recordName }
  })
  await check('a-and-b-see-forced-write-as-version-3', () => waitUntil(
    () => sees(aUpdates, 3, data3) && sees(bUpdates, 3, data3), STEP_TIMEOUT_MS, 'forced write as version 3 at alice and bob')
    .then(() => ({ version: 3, data: data3 })))

  // Two writers hold version 3 and both write version 4 in the same tick, so neither can have seen the
  // other's write first: the server must accept one and answer the other with VERSION_EXISTS, which the
  // client hands to the record's merge strategy together with the server's version and data.
  const recordC = c.client.record.getRecord(recordName)
  await check('b-and-c-hold-version-3', async () => {
    await recordC.whenReady()
    await waitUntil(() => recordB.version === 3 && recordC.version === 3, STEP_TIMEOUT_MS, 'both records at version 3')
    return { bob: recordB.version, carol: recordC.version }
  })
  const writers = {
    bob: { record: recordB, data: { owner: 'bob', stage: 'race', count: 4 }, ack: undefined, conflict: undefined },
    carol: { record: recordC, data: { owner: 'carol', stage: 'race', count: 4 }, ack: undefined, conflict: undefined }
  }
  for (const [name, writer] of Object.entries(writers)) {
    writer.record.setMergeStrategy((localValue, localVersion, remoteValue, remoteVersion, callback) => {
      writer.conflict = { localVersion, remoteVersion, remoteValue }
      callback('VERSION_EXISTS', null)
    })
    writer.name = name
  }
  for (const writer of Object.values(writers)) {
    writer.record.set(writer.data, (error) => { writer.ack = error === null ? 'acknowledged' : error })
  }
  const race = await check('stale-write-gets-version-exists', async () => {
    const [winner, loser] = await waitUntil(() => {
      const [x, y] = Object.values(writers)
      if (x.ack === 'acknowledged' && y.conflict && y.ack !== undefined) return [x, y]
      if (y.ack === 'acknowledged' && x.conflict && x.ack !== undefined) return [y, x]
      return null
    }, STEP_TIMEOUT_MS, 'one write acknowledged, the other rejected with VERSION_EXISTS and its write-ack callback called')
      .catch((error) => { throw new CheckFailed(error.message, describeWriters(writers)) })
    const conflict = loser.conflict
    const detail = { winner: winner.name, loser: loser.name, conflict, loserWriteAck: loser.ack }
    expect(conflict.remoteVersion === 4, 'VERSION_EXISTS should carry the current version 4', detail)
    expect(isDeepStrictEqual(conflict.remoteValue, winner.data), 'VERSION_EXISTS should carry the current data', detail)
    expect(loser.ack === 'VERSION_EXISTS', 'the rejected write should fail its write acknowledgement', detail)
    expect(winner.conflict === undefined, 'the accepted writer should see no conflict', detail)
    return detail
  })
  const winner = writers[race.winner]
  const loser = writers[race.loser]
  await check('a-sees-accepted-write-only', () => waitUntil(() => sees(aUpdates, 4, winner.data), STEP_TIMEOUT_MS, 'accepted write as version 4')
    .then(() => {
      expect(!aUpdates.some((u) => isDeepStrictEqual(u.data, loser.data)), 'the rejected write must not reach subscribers', aUpdates)
      return { version: 4, data: winner.data }
    }))

  // Alice's event subscription is acknowledged by the server at its own pace, so emit until the first
  // one arrives; from then on every event must arrive.
  await check('a-receives-event', async () => {
    const attempts = await emitUntilReceived(b.client, 'bob', events)
    return { attempts, first: events[0] }
  })
  const lastEvent = { from: 'bob', seq: 'last', payload: { list: [1, 'two', null], nested: { flag: false } } }
  await check('a-receives-every-event-once-subscribed', async () => {
    b.client.event.emit(eventName, lastEvent)
    await waitUntil(() => events.some((e) => isDeepStrictEqual(e, lastEvent)), STEP_TIMEOUT_MS, 'the last event')
    return { received: events.length }
  })

  await check('final-write-acknowledged', async () => {
    await ack((cb) => winner.record.set(finalData(), cb))
    expect(winner.record.version === 5, 'version after the final write should be 5', { version: winner.record.version })
    return { writer: winner.name, version: winner.record.version }
  })
  await check('a-sees-final-write', () => waitUntil(() => sees(aUpdates, 5, finalData()), STEP_TIMEOUT_MS, 'final write as version 5')
    .then(() => ({ version: 5 })))

  let d
  await check('login-reader', async () => {
    d = await connect('dave')
    return { dave: d.loginData }
  })
  await check('snapshot', async () => {
    const data = await d.client.record.snapshot(recordName)
    expect(isDeepStrictEqual(data, finalData()), 'snapshot should hold the final write', { data })
    return { data }
  })
  await check('head', async () => {
    const version = await d.client.record.head(recordName)
    expect(version === 5, 'head should be version 5', { version })
    return { version }
  })
  await check('has', async () => {
    const has = await d.client.record.has(recordName)
    expect(has === true, 'has() should be true for a written record', { has })
    return { has }
  })

  // the client logs the failed merge of the rejected write as a record error of the losing client
  const unexpected = unexpectedErrors([{ username: loser.name, topic: 'RECORD' }])
  report('no-unexpected-client-errors', unexpected.length === 0, { unexpected, expected: clientErrors.length - unexpected.length })
  report('final-state', true, { record: recordName, version: 5, data: finalData() })
}

async function afterRestart () {
  const expectedVersion = expectedVersionArg === undefined ? undefined : Number(expectedVersionArg)
  let e, f
  await check('login', async () => {
    [e, f] = await Promise.all(['erin', 'frank'].map(connect))
    return { erin: e.loginData, frank: f.loginData }
  })

  await check('snapshot-after-restart', async () => {
    const data = await e.client.record.snapshot(recordName)
    expect(isDeepStrictEqual(data, finalData()), 'snapshot should hold the last acknowledged write', { data })
    return { data }
  })
  await check('head-after-restart', async () => {
    const version = await e.client.record.head(recordName)
    expect(expectedVersion === undefined ? version > 0 : version === expectedVersion, 'head should be the last acknowledged version', { version, expectedVersion })
    return { version }
  })
  await check('opened-record-exists-after-restart', async () => {
    const has = await e.client.record.has(openedRecordName)
    const head = await e.client.record.head(openedRecordName)
    expect(has === true && head === 0, 'a record only opened before the kill should still exist at version 0', { has, head })
    return { record: openedRecordName, has, head }
  })
  let watch
  await check('subscribe-after-restart', async () => {
    watch = await watchRecord(f.client)
    const state = { version: watch.record.version, data: watch.record.get() }
    expect(isDeepStrictEqual(state.data, finalData()), 'a subscriber should get the last acknowledged write', state)
    expect(expectedVersion === undefined || state.version === expectedVersion, 'a subscriber should get the last acknowledged version', { ...state, expectedVersion })
    return state
  })
  const version = watch.record.version
  const next = { ...finalData(), stage: 'after-restart' }
  await check('write-after-restart-continues-versions', async () => {
    await e.client.record.setDataWithAck(recordName, next)
    await waitUntil(() => sees(watch.updates, version + 1, next), STEP_TIMEOUT_MS, `update to version ${version + 1}`)
    return { version: version + 1 }
  })

  const events = []
  f.client.event.subscribe(eventName, (data) => events.push(data))
  await check('event-after-restart', async () => {
    const attempts = await emitUntilReceived(e.client, 'erin', events)
    return { attempts, first: events[0] }
  })

  const unexpected = unexpectedErrors([])
  report('no-unexpected-client-errors', unexpected.length === 0, { unexpected })
}

run(phase === 'live' ? live : afterRestart)
