'use strict'

/*
 * Drives the real @deepstream/client against a Sluice server that keeps the history of `<prefix>/chat/.*` (at most
 * INTEROP_HISTORY_MAX_ENTRIES events per name), and prints one JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 * Events are published by one client and read back by another through the built-in `sluice/history` RPC, made as
 * any RPC is (client.rpc.make), and through GET /api/v1/events/{name}/history on the same server.
 *
 * Usage: node history.js <url> [prefix]
 *   url     e.g. ws://localhost:6020/deepstream (the HTTP API is on the same host and port)
 *   prefix  names every event of the run
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { CheckFailed, expect, waitUntil, harness: startHarness } = require('./lib/harness')

const MAX_ENTRIES = Number(process.env.INTEROP_HISTORY_MAX_ENTRIES || 50)

const [url, prefixArg] = process.argv.slice(2)
if (!url) {
  process.stderr.write('usage: node history.js <url> [prefix]\n')
  process.exit(2)
}
const prefix = prefixArg || `history-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
const httpBase = new URL(url).origin.replace(/^ws/, 'http')
const room = `${prefix}/chat/room`
const busy = `${prefix}/chat/busy`

const harness = startHarness({ overallTimeoutMs: 60000 })
const { STEP_TIMEOUT_MS, clientErrors, check, run } = harness

function connect (username) {
  return harness.connect(url, username, { subscriptionInterval: 0 })
}

/** Emits `count` events numbered from `first` on, and waits until a subscriber has heard the last of them. */
async function publish (publisher, listener, name, first, count) {
  const heard = []
  const callback = (data) => heard.push(data)
  listener.client.event.subscribe(name, callback)
  // a subscribe is acknowledged before the next message of the connection is handled: a probe round trip
  await history(listener, { name, last: 1 })
  for (let n = first; n < first + count; n++) {
    publisher.client.event.emit(name, { n })
  }
  await waitUntil(() => heard.length === count, STEP_TIMEOUT_MS, `${count} events on ${name}`, () => heard.length)
  listener.client.event.unsubscribe(name, callback)
}

function history (who, query) {
  return who.client.rpc.make('sluice/history', query)
}

function offsets (page) {
  return page.entries.map((entry) => entry.offset)
}

async function rest (path) {
  const response = await fetch(`${httpBase}${path}`)
  const text = await response.text()
  return { status: response.status, type: response.headers.get('content-type'), body: text ? JSON.parse(text) : null }
}

run(async () => {
  const publisher = await connect(`${prefix}-publisher`)
  const reader = await connect(`${prefix}-reader`)
  let epoch

  await check('history-rpc-last', async () => {
    await publish(publisher, reader, room, 1, 5)
    const page = await history(reader, { name: room, last: 3 })
    expect(typeof page.epoch === 'string' && page.epoch.length > 0, 'an epoch', page)
    expect(JSON.stringify(offsets(page)) === '[3,4,5]', 'offsets 3 to 5', page)
    expect(JSON.stringify(page.entries.map((entry) => entry.data)) === '[{"n":3},{"n":4},{"n":5}]', 'the data', page)
    expect(page.complete === true, 'complete', page)
    epoch = page.epoch
    return page
  })

  await check('history-rpc-from-to-and-since', async () => {
    const range = await history(reader, { name: room, from: 2, to: 3 })
    expect(JSON.stringify(offsets(range)) === '[2,3]' && range.complete, 'offsets 2 and 3, complete', range)
    const fourth = (await history(reader, { name: room, from: 4, to: 4 })).entries[0]
    const since = await history(reader, { name: room, since: fourth.time })
    expect(offsets(since)[0] === 4 && offsets(since).at(-1) === 5, 'offsets from 4 on', { fourth, since })
    expect(since.epoch === epoch && since.complete, 'the same epoch, complete', since)
    const after = await history(reader, { name: room, from: 6 })
    expect(after.entries.length === 0 && after.complete, 'nothing after the last offset, complete', after)
    return { range, since }
  })

  await check('history-rpc-refuses-a-bad-query', async () => {
    try {
      const page = await history(reader, { name: room })
      throw new CheckFailed('the query without last, from or since was answered', page)
    } catch (error) {
      if (error instanceof CheckFailed) {
        throw error
      }
      expect(String(error).includes('exactly one of last, from or since'), 'says what is wrong', String(error))
      return String(error)
    }
  })

  await check('history-rest-reads-the-same', async () => {
    const answer = await rest(`/api/v1/events/${room}/history?last=2`)
    expect(answer.status === 200, 'status 200', answer)
    expect(JSON.stringify(offsets(answer.body)) === '[4,5]' && answer.body.epoch === epoch, 'offsets 4 and 5', answer)
    const problem = await rest(`/api/v1/events/${room}/history?last=ten`)
    expect(problem.status === 400 && problem.type.startsWith('application/problem+json'), 'a 400 problem', problem)
    expect(problem.body.detail.includes("'last' must be a whole number"), 'the detail says why', problem)
    return { answer, problem }
  })

  await check('history-beyond-the-retention-is-incomplete', async () => {
    await publish(publisher, reader, busy, 1, MAX_ENTRIES + 10)
    const page = await history(reader, { name: busy, from: 1 })
    expect(page.complete === false, 'incomplete', { complete: page.complete, first: page.entries[0] })
    expect(offsets(page)[0] === 11 && page.entries.length === MAX_ENTRIES, `the last ${MAX_ENTRIES}`,
      { first: page.entries[0], count: page.entries.length })
    const kept = await history(reader, { name: busy, from: 11 })
    expect(kept.complete === true, 'complete from the oldest kept', kept.entries.length)
    return { first: page.entries[0].offset, count: page.entries.length }
  })

  await check('no-unexpected-client-errors', async () => {
    expect(clientErrors.length === 0, 'no client errors', clientErrors)
  })
})
