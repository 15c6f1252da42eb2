'use strict'

/*
 * Subscribers that read slower than a burst arrives, with the real @deepstream/client against a server: one publisher
 * emits a burst of small events as fast as it can to ten subscribers, all in this one Node process (so together they
 * read slower than the server sends). Every subscriber must receive the whole burst, in order, and none may be
 * disconnected. One JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node slow-reader.js <url> [prefix]
 *   url     e.g. ws://localhost:6020/deepstream
 *   prefix  names the event of the run
 * INTEROP_BURST (default 50000) and INTEROP_SUBSCRIBERS (default 10) size the burst and the audience.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { expect, waitUntil, harness: startHarness } = require('./lib/harness')

const BURST = Number(process.env.INTEROP_BURST || 50000)
const SUBSCRIBERS = Number(process.env.INTEROP_SUBSCRIBERS || 10)
const DELIVERY_TIMEOUT_MS = Number(process.env.INTEROP_DELIVERY_TIMEOUT_MS || 60000)

const [url, prefixArg] = process.argv.slice(2)
if (!url) {
  process.stderr.write('usage: node slow-reader.js <url> [prefix]\n')
  process.exit(2)
}
const prefix = prefixArg || `slow-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
const eventName = `${prefix}/burst`

const harness = startHarness({ overallTimeoutMs: DELIVERY_TIMEOUT_MS + 30000 })
const { STEP_TIMEOUT_MS, clientErrors, report, check } = harness

/** Logs a client in and keeps every connection state it passes through once logged in. */
async function connect (username) {
  const connected = await harness.connect(url, username)
  connected.states = []
  connected.client.on('connectionStateChanged', (state) => connected.states.push(state))
  return connected
}

/**
 * Subscribes to the burst and keeps what arrives: the probes that prove the subscription is in place, and the
 * burst's numbers, checked to follow one another without a gap.
 */
function subscribe (subscriber) {
  const state = { who: subscriber.username, probes: 0, received: 0, outOfOrder: null }
  subscriber.client.event.subscribe(eventName, (data) => {
    if (typeof data !== 'number') {
      state.probes++
    } else if (data !== state.received) {
      state.outOfOrder = state.outOfOrder || { expected: state.received, got: data }
    } else {
      state.received++
    }
  })
  return state
}

async function run () {
  let publisher
  await check('publisher-logs-in', async () => {
    publisher = await connect('slow-publisher')
    return publisher.username
  })
  const subscribers = []
  await check('subscribers-log-in', async () => {
    for (let i = 0; i < SUBSCRIBERS; i++) {
      subscribers.push(await connect(`slow-reader-${i}`))
    }
    return { subscribers: subscribers.length }
  })
  const states = subscribers.map(subscribe)
  /** The clients that left the OPEN state since they logged in, with the states they went through. */
  const disconnected = () => [publisher, ...subscribers].filter((c) => c.states.length > 0)
    .map((c) => ({ who: c.username, states: c.states }))

  await check('every-subscription-is-in-place', async () => {
    // Probes until each subscriber has seen one: from then on the server sends it every event of the burst.
    const timer = setInterval(() => publisher.client.event.emit(eventName, { probe: true }), 50)
    try {
      await waitUntil(() => states.every((s) => s.probes > 0), STEP_TIMEOUT_MS, 'a probe at every subscriber',
        () => states.map((s) => ({ who: s.who, probes: s.probes })))
    } finally {
      clearInterval(timer)
    }
    return { subscribers: states.length }
  })

  const started = Date.now()
  await check('publisher-emits-the-burst', async () => {
    for (let i = 0; i < BURST; i++) {
      publisher.client.event.emit(eventName, i)
    }
    return { events: BURST, ms: Date.now() - started }
  })

  await check('every-subscriber-receives-the-whole-burst-in-order', async () => {
    const counts = () => states.map((s) => ({ who: s.who, received: s.received, outOfOrder: s.outOfOrder }))
    // Ends early when a subscriber is disconnected: it would not receive the rest.
    await waitUntil(() => states.every((s) => s.received === BURST || s.outOfOrder) || disconnected().length > 0,
      DELIVERY_TIMEOUT_MS, `${BURST} events at each of ${SUBSCRIBERS} subscribers`, counts)
    expect(disconnected().length === 0, 'a client was disconnected during the burst',
      { disconnected: disconnected(), counts: counts() })
    const outOfOrder = states.filter((s) => s.outOfOrder)
    expect(outOfOrder.length === 0, 'events out of order or missing', counts())
    const ms = Math.max(1, Date.now() - started)
    return { events: BURST, subscribers: SUBSCRIBERS, ms, deliveredPerSecond: Math.round(BURST * SUBSCRIBERS * 1000 / ms) }
  }, DELIVERY_TIMEOUT_MS + STEP_TIMEOUT_MS)

  await check('no-client-was-disconnected', async () => {
    expect(disconnected().length === 0, 'a client left the OPEN state', disconnected())
    return { clients: subscribers.length + 1 }
  })

  report('no-unexpected-client-errors', clientErrors.length === 0, { clientErrors: clientErrors.slice(-10) })
}

harness.run(run)
