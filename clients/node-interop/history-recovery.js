'use strict'

/*
 * Drives the real @deepstream/client with the recovery helper (clients/history-recovery) against a Sluice server that
 * keeps the history of `<prefix>/chat/.*` (INTEROP_RECOVERY_CHAT_ENTRIES events per name at most) and of
 * `<prefix>/small/.*` (INTEROP_RECOVERY_SMALL_ENTRIES at most), and prints one JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 * A subscriber loses its connection (its socket is cut, and its reconnect attempts refused until the events are
 * published), 100 events are published meanwhile, and once the client has reconnected by itself the helper delivers
 * exactly those 100 in order, then live ones; with more missed than a name keeps, it reports recovered: false.
 *
 * Usage: node history-recovery.js <url> [prefix]
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { socketFactory } = require('@deepstream/client/dist/src/connection/socket-factory')
const { expect, waitUntil, harness: startHarness } = require('./lib/harness')
const { HistoryRecovery } = require('../history-recovery/history-recovery')

const SMALL_ENTRIES = Number(process.env.INTEROP_RECOVERY_SMALL_ENTRIES || 10)
const MISSED = 100
const SUBSCRIPTION_INTERVAL_MS = 1000

const [url, prefixArg] = process.argv.slice(2)
if (!url) {
  process.stderr.write('usage: node history-recovery.js <url> [prefix]\n')
  process.exit(2)
}
const prefix = prefixArg || `recovery-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
const room = `${prefix}/chat/room`
const small = `${prefix}/small/room`

const harness = startHarness({ overallTimeoutMs: 60000 })
const { STEP_TIMEOUT_MS, clientErrors, check, run } = harness

/** Sockets that the script can cut, and whose reconnect attempts go nowhere while it is offline. */
function cuttable () {
  const state = { offline: false, sockets: [] }
  state.factory = (socketUrl, socketOptions, heartbeatInterval) => {
    const socket = socketFactory(state.offline ? 'ws://127.0.0.1:9/deepstream' : socketUrl, socketOptions,
      heartbeatInterval)
    state.sockets.push(socket)
    return socket
  }
  state.cut = () => {
    state.offline = true
    state.sockets.forEach((socket) => socket.terminate ? socket.terminate() : socket.close())
  }
  return state
}

/** Emits events numbered first..first+count-1, then waits until the history has the last of them. */
async function publish (publisher, name, first, count) {
  for (let n = first; n < first + count; n++) {
    publisher.client.event.emit(name, { n })
  }
  // The server may answer a read before it has appended the emits sent ahead of it (a connection's messages are
  // handled concurrently; the first append to a stream waits for its start), so read until the last one is there.
  const deadline = Date.now() + STEP_TIMEOUT_MS
  for (;;) {
    const page = await publisher.client.rpc.make('sluice/history', { name, last: 1 })
    if (page.entries.length === 1 && page.entries[0].data.n === first + count - 1) {
      return page.entries[0].offset
    }
    expect(Date.now() < deadline, 'the last event in the history', page)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

function numbers (heard) {
  return heard.map((event) => event.data.n)
}

function ascending (first, count) {
  return Array.from({ length: count }, (unused, i) => first + i)
}

run(async () => {
  const publisher = await harness.connect(url, `${prefix}-publisher`)
  const socket = cuttable()
  const subscriber = await harness.connect(url, `${prefix}-subscriber`, {
    // The client sends its subscriptions this long after it is asked to (100 ms by default): long enough that a helper
    // which took a subscription for live before the client sent it would miss the first events every time.
    subscriptionInterval: SUBSCRIPTION_INTERVAL_MS,
    socketFactory: socket.factory,
    maxReconnectAttempts: 100,
    reconnectIntervalIncrement: 200,
    maxReconnectInterval: 300
  })
  const states = []
  subscriber.client.on('connectionStateChanged', (state) => states.push(state))
  const recoveries = []
  const helper = new HistoryRecovery(subscriber.client, { onRecovery: (report) => recoveries.push(report) })
  const heard = { [room]: [], [small]: [] }
  const listen = (name) => (data, position) => heard[name].push({ data, ...position })

  /** Cuts the subscriber off, publishes, lets it reconnect, and returns the helper's report for `name`. */
  async function offlineWhile (name, publishing) {
    socket.cut()
    await waitUntil(() => subscriber.client.getConnectionState() !== 'OPEN', STEP_TIMEOUT_MS, 'the connection lost')
    const result = await publishing()
    const before = recoveries.length
    socket.offline = false
    const report = () => recoveries.slice(before).find((each) => each.name === name)
    await waitUntil(report, STEP_TIMEOUT_MS, `a recovery report for ${name} after reconnecting`,
      () => ({ states, recoveries }))
    return { result, report: report() }
  }

  await check('live-events-carry-offsets', async () => {
    // The server's first history read opens its store, which can take about as long as the client waits before it
    // sends its subscriptions: done first, so that the helper's subscribe cannot count on its own reads to last until
    // the subscription has reached the server.
    await publisher.client.rpc.make('sluice/history', { name: `${prefix}/chat/warm-up`, last: 1 })
    await helper.subscribe(room, listen(room))
    await helper.subscribe(small, listen(small))
    await publish(publisher, room, 1, 3)
    await waitUntil(() => heard[room].length === 3, STEP_TIMEOUT_MS, '3 live events', () => heard[room])
    expect(JSON.stringify(numbers(heard[room])) === '[1,2,3]', 'in order', heard[room])
    expect(JSON.stringify(heard[room].map((event) => event.offset)) === '[1,2,3]', 'offsets 1 to 3', heard[room])
    return helper.position(room)
  }, STEP_TIMEOUT_MS * 3) // the server's first history streams: their first appends and reads open the store

  await check('reconnect-recovers-exactly-the-missed-events-in-order', async () => {
    const { result: last, report } = await offlineWhile(room, () => publish(publisher, room, 4, MISSED))
    expect(report.name === room && report.recovered === true && report.missed === MISSED,
      `recovered: true, ${MISSED} missed`, report)
    await waitUntil(() => heard[room].length >= 3 + MISSED, STEP_TIMEOUT_MS, `${MISSED} missed events`,
      () => heard[room].length)
    const missed = heard[room].slice(3)
    expect(JSON.stringify(numbers(missed)) === JSON.stringify(ascending(4, MISSED)), 'exactly the missed ones, in order',
      numbers(missed))
    expect(missed[missed.length - 1].offset === last, 'up to the last offset', { last, heard: missed.slice(-1) })
    return { report, states }
  }, STEP_TIMEOUT_MS * 3)

  await check('live-events-follow-the-recovered-ones', async () => {
    const emittedAfter = 5
    await publish(publisher, room, 4 + MISSED, emittedAfter)
    const total = 3 + MISSED + emittedAfter
    await waitUntil(() => heard[room].length >= total, STEP_TIMEOUT_MS, 'the live events', () => heard[room].length)
    // a moment for a duplicate, had there been one, to arrive after the last expected event
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(JSON.stringify(numbers(heard[room])) === JSON.stringify(ascending(1, total)), 'every event once, in order',
      numbers(heard[room]).slice(-10))
    expect(heard[room].every((event, i) => event.offset === i + 1), 'offsets without gaps', heard[room].slice(-3))
    return helper.position(room)
  })

  await check('a-gap-beyond-the-retention-is-not-recovered', async () => {
    await publish(publisher, small, 1, 1)
    await waitUntil(() => heard[small].length === 1, STEP_TIMEOUT_MS, 'the first event', () => heard[small])
    const missed = SMALL_ENTRIES * 3
    const { report } = await offlineWhile(small, () => publish(publisher, small, 2, missed))
    expect(report.name === small && report.recovered === false, 'recovered: false', report)
    expect(report.offset === 1 + missed, 'goes on from the newest event', report)
    expect(heard[small].length === 1, 'none of the partly kept events presented as recovered', numbers(heard[small]))
    await publish(publisher, small, 2 + missed, 1)
    await waitUntil(() => heard[small].length === 2, STEP_TIMEOUT_MS, 'the next live event', () => heard[small])
    expect(heard[small][1].data.n === 2 + missed && heard[small][1].offset === 2 + missed, 'the live event', heard[small])
    return { report }
  }, STEP_TIMEOUT_MS * 3)

  await check('no-unexpected-client-errors', async () => {
    // refused reconnect attempts are the point of the run; anything else is not
    const unexpected = clientErrors.filter((error) => error.event !== 'CONNECTION_ERROR')
    expect(unexpected.length === 0, 'no client errors but refused reconnects', unexpected)
    return { connectionErrors: clientErrors.length - unexpected.length }
  })
})
