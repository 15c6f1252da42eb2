'use strict'

/*
 * Records that expire, with the real @deepstream/client; prints one JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node expiry.js <httpBase> <wsUrl> <phase> <prefix> <ruleTtlMs>
 *   httpBase   e.g. http://localhost:6020 (the REST API under /api/v1)
 *   wsUrl      e.g. ws://localhost:6020/deepstream
 *   phase      "live": records expire while clients watch; "before-kill": writes a record that expires, for a server
 *              killed at once; "after-restart": against the server started again once that record's deadline passed
 *   prefix     names the run's records: the server must have the rule sluice.records.ttl[<prefix>/session/.*]
 *   ruleTtlMs  that rule's time to live, in milliseconds
 *
 * "live": a client opens <prefix>/session/a and writes to it; it and a second subscriber must get the deletion notice
 * (record.on('delete')) once the deadline has passed, with no one reading it meanwhile; the check reports how long
 * after the deadline it came (lateMs, from the writer's acknowledgement, so at least the true delay). Then a fresh
 * client's snapshot is RECORD_NOT_FOUND and has() false. A record written over REST with ?ttl=1s expires the same way.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { expect, waitUntil, harness: startHarness } = require('./lib/harness')

const [httpBase, wsUrl, phase, prefix, ruleTtlArg] = process.argv.slice(2)
const PHASES = ['live', 'before-kill', 'after-restart']
if (!httpBase || !wsUrl || !PHASES.includes(phase) || !prefix || !(Number(ruleTtlArg) > 0)) {
  process.stderr.write(`usage: node expiry.js <httpBase> <wsUrl> ${PHASES.join('|')} <prefix> <ruleTtlMs>\n`)
  process.exit(2)
}
const RULE_TTL_MS = Number(ruleTtlArg)
const REST_TTL_MS = 1000

const harness = startHarness({ overallTimeoutMs: 90000, timeoutDetail: { phase } })
const { STEP_TIMEOUT_MS, check, connect, run } = harness
const DELETE_WAIT_MS = Math.max(RULE_TTL_MS, REST_TTL_MS) + STEP_TIMEOUT_MS

/** A subscription to a record that notes when its deletion notice arrives. */
async function watch (who, name) {
  const record = who.client.record.getRecord(name)
  await record.whenReady()
  const watched = { record, deletedAt: null }
  record.on('delete', () => { watched.deletedAt = Date.now() })
  return watched
}

/** The snapshot's outcome: {found: data} or {error: 'RECORD_NOT_FOUND'}. */
async function snapshot (who, name) {
  try {
    return { found: await who.client.record.snapshot(name) }
  } catch (error) {
    return { error: String(error) }
  }
}

async function gone (who, name) {
  const read = await snapshot(who, name)
  const has = await who.client.record.has(name)
  expect(read.error === 'RECORD_NOT_FOUND' && has === false, 'the expired record can still be read', { read, has })
  return { read, has }
}

async function put (name, query, body) {
  const response = await fetch(`${httpBase}/api/v1/records/${name}${query}`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body)
  })
  return { status: response.status, etag: response.headers.get('etag') }
}

async function live () {
  const name = `${prefix}/session/a`
  const writer = await connect(wsUrl, 'expiry-writer')
  const other = await connect(wsUrl, 'expiry-other')
  const mine = await watch(writer, name)
  const theirs = await watch(other, name)
  const deadline = await check('write-under-a-rule', async () => {
    const error = await mine.record.setWithAck({ user: 'a' })
    expect(!error, 'the write failed', { error })
    return { version: mine.record.version, deadline: Date.now() + RULE_TTL_MS }
  })
  await check('subscribers-get-the-deletion-notice-at-expiry', async () => {
    await waitUntil(() => mine.deletedAt !== null && theirs.deletedAt !== null, DELETE_WAIT_MS,
      'both subscribers told of the delete', () => ({ mine: mine.deletedAt, theirs: theirs.deletedAt }))
    const lateMs = Math.max(mine.deletedAt, theirs.deletedAt) - deadline.deadline
    expect(mine.deletedAt >= deadline.deadline - 50, 'told of the delete before the deadline', { lateMs })
    return { lateMs }
  }, DELETE_WAIT_MS + 1000)
  const reader = await connect(wsUrl, 'expiry-reader')
  await check('a-later-read-is-not-found', () => gone(reader, name))

  const restName = `${prefix}/rest/b`
  const restWatch = await watch(other, restName)
  const written = await check('rest-write-with-a-ttl', async () => {
    const answer = await put(restName, `?ttl=${REST_TTL_MS / 1000}s`, { via: 'rest' })
    expect(answer.status === 204, 'the write was not accepted', answer)
    return { ...answer, deadline: Date.now() + REST_TTL_MS }
  })
  await check('rest-ttl-expires-with-the-deletion-notice', async () => {
    await waitUntil(() => restWatch.deletedAt !== null, DELETE_WAIT_MS, 'the subscriber told of the delete')
    return { lateMs: restWatch.deletedAt - written.deadline }
  }, DELETE_WAIT_MS + 1000)
  await check('rest-ttl-record-is-not-found', () => gone(reader, restName))
}

async function beforeKill () {
  const writer = await connect(wsUrl, 'expiry-before-kill')
  await check('write-under-a-rule-before-the-kill', async () => {
    const error = await writer.client.record.setDataWithAck(`${prefix}/session/restart`, { before: 'kill' })
    expect(!error, 'the write failed', { error })
    const kept = await writer.client.record.setDataWithAck(`${prefix}/kept`, { lasts: true })
    expect(!kept, 'the write of the record that does not expire failed', { kept })
    return { writtenAt: Date.now() }
  })
}

async function afterRestart () {
  const name = `${prefix}/session/restart`
  const reader = await connect(wsUrl, 'expiry-after-restart')
  await check('expired-while-down-is-not-found', () => gone(reader, name))
  await check('record-without-ttl-survives', async () => {
    const read = await snapshot(reader, `${prefix}/kept`)
    expect(read.found && read.found.lasts === true, 'the record without a time to live is gone', read)
    return read
  })
  await check('reopened-goes-on-above-the-tombstone', async () => {
    const record = reader.client.record.getRecord(name)
    await record.whenReady()
    // written at 1, deleted by expiry at 2, opened again at 3
    expect(record.version === 3, 'versions started again', { version: record.version, data: record.get() })
    return { version: record.version, data: record.get() }
  })
}

run(() => ({ live, 'before-kill': beforeKill, 'after-restart': afterRestart })[phase]())
