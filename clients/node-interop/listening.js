'use strict'

/*
 * Listening, lists and notify with the real @deepstream/client against a server; one JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node listening.js <url> [prefix]
 *   url     e.g. ws://localhost:6020/deepstream
 *   prefix  names every record, event and pattern of the run
 *
 * The server must ask listeners in the order they listened (sluice.listen.shuffle-listeners=false), so that
 * "reject goes to the next listener" is seen rather than guessed; INTEROP_LISTEN_RESPONSE_TIMEOUT_MS (default 500)
 * tells the script the server's sluice.listen.response-timeout, INTEROP_LISTEN_REMATCH_INTERVAL_MS (default 30000) its
 * sluice.listen.rematch-interval, which an offer that should come at once must come well within.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { isDeepStrictEqual } = require('node:util')
const { CheckFailed, expect, waitUntil, harness: startHarness } = require('./lib/harness')

const RESPONSE_TIMEOUT_MS = Number(process.env.INTEROP_LISTEN_RESPONSE_TIMEOUT_MS || 500)
const REMATCH_INTERVAL_MS = Number(process.env.INTEROP_LISTEN_REMATCH_INTERVAL_MS || 30000)

const [url, prefixArg] = process.argv.slice(2)
if (!url) {
  process.stderr.write('usage: node listening.js <url> [prefix]\n')
  process.exit(2)
}
const prefix = prefixArg || `listen-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
const recordPattern = `^${prefix}/rec/`
const eventPattern = `^${prefix}/ev/`
const handoverPattern = `^${prefix}/handover/`
const pbProbePattern = `^${prefix}/pb-probe/`

const harness = startHarness({ overallTimeoutMs: 75000 })
const { STEP_TIMEOUT_MS, clients, clientErrors, report, check } = harness

function connect (username) {
  // a discarded record is unsubscribed at once rather than after the default 5 s
  return harness.connect(url, username, { recordDiscardTimeout: 0 })
}

/**
 * Listens on a pattern of one topic (client.record or client.event) and keeps what the server asked: every offer in
 * order, what was accepted, and every stop. decide(name) says 'accept', 'reject' or 'ignore' (let it time out).
 */
function provide (who, topicApi, pattern, decide = () => 'accept') {
  const state = { who: who.username, pattern, offers: [], accepted: [], stops: [] }
  topicApi.listen(pattern, (name, response) => {
    state.offers.push({ name, at: Date.now() })
    const decision = decide(name)
    if (decision === 'accept') {
      response.onStop((stopped) => state.stops.push(stopped))
      response.accept()
      state.accepted.push(name)
    } else if (decision === 'reject') {
      response.reject()
    }
  })
  return state
}

const offered = (state, name) => state.offers.find((offer) => offer.name === name)

/**
 * A record subscription that keeps every "has provider" change it hears. The client's Record does not pass on its
 * core's 'hasProviderChanged' event (7.0.5 forwards ready, discard, delete and error only), so it is heard on the core.
 */
function watchProvider (client, name) {
  const record = client.record.getRecord(name)
  const changes = []
  if (!record.record || typeof record.record.on !== 'function') {
    throw new CheckFailed('this client version hides the record core; cannot hear hasProviderChanged')
  }
  record.record.on('hasProviderChanged', (hasProvider) => changes.push(hasProvider), record)
  return { record, changes }
}

/** Subscribes to a name of a topic ('event' or 'record'); returns what unsubscribes. */
function subscribeTo (who, kind, name) {
  if (kind === 'event') {
    const callback = () => {}
    who.client.event.subscribe(name, callback)
    return () => who.client.event.unsubscribe(name, callback)
  }
  const record = who.client.record.getRecord(name)
  return () => record.discard()
}

/**
 * Listens on a pattern and waits until the server has registered it: the listener then listens on a probe pattern
 * of its own, and as one connection's messages are handled in order, being offered the probe's name shows the first
 * listen was registered. So listeners are registered, and asked, in the order the scenario says.
 */
async function listenInOrder (who, subscriber, kind, pattern, decide) {
  const state = provide(who, who.client[kind], pattern, decide)
  const probeName = `${prefix}/probe/${kind}/${who.username}/${Math.random().toString(36).slice(2, 8)}`
  const probe = provide(who, who.client[kind], `^${probeName}$`, () => 'reject')
  const unsubscribe = subscribeTo(subscriber, kind, probeName)
  await waitUntil(() => probe.offers.length > 0, 2 * STEP_TIMEOUT_MS, `${who.username} registered on ${pattern}`, () => probe)
  unsubscribe()
  return state
}

const rejectAll = () => 'reject'

function refusedByA (name) {
  if (name.includes('/reject-a')) return 'reject'
  if (name.includes('/silent-a')) return 'ignore'
  return 'accept'
}

async function run () {
  let pa, pb, pc, sub, sub2
  await check('login', async () => {
    [pa, pb, pc, sub, sub2] = await Promise.all(['provider-a', 'provider-b', 'provider-c', 'subscriber', 'subscriber-2'].map(connect))
    return { clients: clients.length }
  })

  // Providers and subscribers that come and go within seconds, as a test suite does: each round opens new connections
  // for the same users, listening on the same overlapping patterns for the same name, after the last round's
  // connections closed (the provider first). An offer must come at once, never after the rematch interval. These run
  // first, while no one else listens: a round's connections closing leaves the server without any listener.
  const WAIT_MS = 2 * STEP_TIMEOUT_MS
  const waitedWell = (what, ms) => expect(ms < REMATCH_INTERVAL_MS / 2, `${what} should come at once, not after a rematch`, { ms, REMATCH_INTERVAL_MS })
  for (const kind of ['event', 'record']) {
    const base = `^${prefix}/${kind}-overlap/`
    const patterns = { a: `${base}[a-z0-9]`, b: `${base}.*`, c: `${base}[0-9]` }
    const name = `${prefix}/${kind}-overlap/1`
    const users = ['a', 'b', 'c', 'subscriber'].map((who) => `${kind}-overlap-${who}`)
    const closeAll = (...round) => round.forEach((who) => who.client.close())

    await check(`${kind}-overlapping-patterns-earlier-rejects-then-a-later-accept`, async () => {
      const [a, b, c, subscriber] = await Promise.all(users.map(connect))
      const la = await listenInOrder(a, subscriber, kind, patterns.a, rejectAll)
      const lb = await listenInOrder(b, subscriber, kind, patterns.b, rejectAll)
      const lc = await listenInOrder(c, subscriber, kind, patterns.c)
      subscribeTo(subscriber, kind, name)
      await waitUntil(() => lc.accepted.includes(name), WAIT_MS, 'the third listener accepts after the first two rejected', () => ({ la, lb, lc }))
      const [ta, tb, tc] = [la, lb, lc].map((state) => offered(state, name))
      expect(ta && tb && ta.at <= tb.at && tb.at <= tc.at, 'asked in the order they listened', { ta, tb, tc })
      closeAll(c, a, b, subscriber)
      return { offeredInOrder: [a, b, c].map((who) => who.username) }
    }, 4 * WAIT_MS)

    await check(`${kind}-next-connections-offered-at-once-and-an-unlisten-hands-over-at-once`, async () => {
      const [a, b, c, subscriber] = await Promise.all(users.map(connect))
      const la = await listenInOrder(a, subscriber, kind, patterns.a, rejectAll)
      const lb = await listenInOrder(b, subscriber, kind, patterns.b)
      const lc = await listenInOrder(c, subscriber, kind, patterns.c)
      const subscribedAt = Date.now()
      subscribeTo(subscriber, kind, name)
      await waitUntil(() => lb.accepted.includes(name), WAIT_MS, 'the listener after the one that rejected accepts', () => ({ la, lb, lc }))
      const askedA = offered(la, name)
      expect(askedA !== undefined, 'the new connection of the user whose last one rejected is asked', { la })
      waitedWell('the offer to the new connections', askedA.at - subscribedAt)
      const unlistenedAt = Date.now()
      b.client[kind].unlisten(patterns.b)
      await waitUntil(() => lc.accepted.includes(name), WAIT_MS, 'the next listener takes over from the one that stopped listening', () => ({ la, lb, lc }))
      waitedWell('the offer after an unlisten', offered(lc, name).at - unlistenedAt)
      closeAll(c, b, a, subscriber)
      return { offerAfterSubscribeMs: askedA.at - subscribedAt, offerAfterUnlistenMs: offered(lc, name).at - unlistenedAt }
    }, 4 * WAIT_MS)

    await check(`${kind}-next-connection-of-a-user-that-rejected-is-offered-at-once`, async () => {
      const [a, subscriber] = await Promise.all([users[0], users[3]].map(connect))
      const la = await listenInOrder(a, subscriber, kind, patterns.a)
      const subscribedAt = Date.now()
      subscribeTo(subscriber, kind, name)
      await waitUntil(() => la.accepted.includes(name), WAIT_MS, 'offered to the new connection', () => la)
      waitedWell('the offer', offered(la, name).at - subscribedAt)
      closeAll(a, subscriber)
      return { offerAfterSubscribeMs: offered(la, name).at - subscribedAt }
    }, 4 * WAIT_MS)
  }


  const paRecords = provide(pa, pa.client.record, recordPattern, refusedByA)
  const paEvents = provide(pa, pa.client.event, eventPattern, refusedByA)
  const pcRecords = provide(pc, pc.client.record, handoverPattern)
  const pcEvents = provide(pc, pc.client.event, handoverPattern)

  const probe = `${prefix}/rec/probe`
  let probeWatch
  await check('record-listen-accept', async () => {
    probeWatch = watchProvider(sub.client, probe)
    await probeWatch.record.whenReady()
    await waitUntil(() => paRecords.accepted.includes(probe) && probeWatch.record.hasProvider === true, STEP_TIMEOUT_MS,
      'provider-a offered the record and the subscriber told it has a provider', () => ({ paRecords, changes: probeWatch.changes }))
    await pa.client.record.setDataWithAck(probe, { providedBy: 'provider-a' })
    await waitUntil(() => isDeepStrictEqual(probeWatch.record.get(), { providedBy: 'provider-a' }), STEP_TIMEOUT_MS, 'the provided data at the subscriber')
    return { offers: paRecords.offers.map((o) => o.name), hasProviderChanges: probeWatch.changes }
  })

  const eventProbe = `${prefix}/ev/probe`
  const probeEvents = []
  const onProbeEvent = (data) => probeEvents.push(data)
  await check('event-listen-accept', async () => {
    sub.client.event.subscribe(eventProbe, onProbeEvent)
    await waitUntil(() => paEvents.accepted.includes(eventProbe), STEP_TIMEOUT_MS, 'provider-a offered the event', () => paEvents)
    // the offer follows the subscription, so an event emitted now reaches the subscriber
    pa.client.event.emit(eventProbe, { providedBy: 'provider-a' })
    await waitUntil(() => probeEvents.length > 0, STEP_TIMEOUT_MS, 'the provided event at the subscriber')
    return { received: probeEvents[0] }
  })

  // handover names are provided by provider-c, the only listener so far
  const handoverRecord = `${prefix}/handover/record`
  const handoverEvent = `${prefix}/handover/event`
  let handoverWatch
  await check('handover-names-provided-by-c', async () => {
    handoverWatch = watchProvider(sub.client, handoverRecord)
    sub.client.event.subscribe(handoverEvent, () => {})
    await waitUntil(() => pcRecords.accepted.includes(handoverRecord) && pcEvents.accepted.includes(handoverEvent) &&
      handoverWatch.record.hasProvider === true, STEP_TIMEOUT_MS, 'provider-c provides both', () => ({ pcRecords, pcEvents }))
    return { record: pcRecords.accepted, event: pcEvents.accepted }
  })

  // provider-b listens after provider-a and provider-c; its last listen is on a pattern of its own, and as one
  // connection's messages are handled in order, its offer shows every earlier listen of provider-b was registered
  const pbRecords = provide(pb, pb.client.record, recordPattern)
  const pbEvents = provide(pb, pb.client.event, eventPattern)
  const pbHandoverRecords = provide(pb, pb.client.record, handoverPattern)
  const pbHandoverEvents = provide(pb, pb.client.event, handoverPattern)
  const pbProbe = provide(pb, pb.client.record, pbProbePattern)
  await check('second-listener-registered', async () => {
    const watch = watchProvider(sub2.client, `${prefix}/pb-probe/x`)
    await waitUntil(() => pbProbe.accepted.length === 1 && watch.record.hasProvider === true, STEP_TIMEOUT_MS, 'provider-b offered its probe', () => pbProbe)
    expect(pbRecords.offers.length === 0, 'provider-b must not be offered names provider-a provides', pbRecords)
    return { offers: pbProbe.offers.map((o) => o.name) }
  })

  await check('record-reject-goes-to-next-listener', async () => {
    const name = `${prefix}/rec/reject-a`
    const watch = watchProvider(sub.client, name)
    await waitUntil(() => pbRecords.accepted.includes(name) && watch.record.hasProvider === true, STEP_TIMEOUT_MS,
      'provider-b accepts what provider-a rejected', () => ({ paRecords, pbRecords, changes: watch.changes }))
    const a = offered(paRecords, name)
    const b = offered(pbRecords, name)
    expect(a && a.at <= b.at, 'provider-a (listening first) should be asked first', { a, b })
    expect(!paRecords.accepted.includes(name), 'provider-a rejected it', paRecords)
    return { askedA: true, askedB: true, hasProviderChanges: watch.changes }
  })

  await check('record-no-answer-goes-to-next-listener-after-the-response-timeout', async () => {
    const name = `${prefix}/rec/silent-a`
    const watch = watchProvider(sub.client, name)
    await waitUntil(() => pbRecords.accepted.includes(name) && watch.record.hasProvider === true, STEP_TIMEOUT_MS + RESPONSE_TIMEOUT_MS,
      'provider-b accepts what provider-a left unanswered', () => ({ paRecords, pbRecords }))
    const waited = offered(pbRecords, name).at - offered(paRecords, name).at
    // timers on both sides are coarse; half the timeout proves the server waited rather than moved on at once
    expect(waited >= RESPONSE_TIMEOUT_MS / 2, 'provider-b should be asked only once provider-a had its time', { waited, RESPONSE_TIMEOUT_MS })
    return { waitedMs: waited }
  }, STEP_TIMEOUT_MS + RESPONSE_TIMEOUT_MS)

  await check('record-new-subscriber-learns-the-provider-on-subscribing', async () => {
    const watch = watchProvider(sub2.client, probe)
    await watch.record.whenReady()
    expect(watch.record.hasProvider === true, 'the provider should be known by the time the record is ready', { changes: watch.changes })
    watch.record.discard()
    return { hasProvider: watch.record.hasProvider }
  })

  await check('record-removed-after-the-last-subscriber-leaves', async () => {
    probeWatch.record.discard()
    await waitUntil(() => paRecords.stops.includes(probe), STEP_TIMEOUT_MS, 'provider-a told to stop', () => paRecords)
    return { stops: paRecords.stops }
  })

  await check('event-reject-goes-to-next-listener', async () => {
    const name = `${prefix}/ev/reject-a`
    sub.client.event.subscribe(name, () => {})
    await waitUntil(() => pbEvents.accepted.includes(name), STEP_TIMEOUT_MS, 'provider-b accepts the event provider-a rejected', () => ({ paEvents, pbEvents }))
    expect(offered(paEvents, name) && !paEvents.accepted.includes(name), 'provider-a was asked and rejected', paEvents)
    return { askedA: true }
  })

  await check('event-removed-after-the-last-subscriber-leaves', async () => {
    sub.client.event.unsubscribe(eventProbe, onProbeEvent)
    await waitUntil(() => paEvents.stops.includes(eventProbe), STEP_TIMEOUT_MS, 'provider-a told to stop the event', () => paEvents)
    return { stops: paEvents.stops }
  })

  await check('record-and-event-provider-that-disconnects-is-replaced', async () => {
    pc.client.close()
    await waitUntil(() => pbHandoverRecords.accepted.includes(handoverRecord) && pbHandoverEvents.accepted.includes(handoverEvent),
      STEP_TIMEOUT_MS, 'provider-b takes over from provider-c', () => ({ pbHandoverRecords, pbHandoverEvents }))
    await waitUntil(() => isDeepStrictEqual(handoverWatch.changes.slice(-2), [false, true]), STEP_TIMEOUT_MS,
      'the subscriber hears the provider go and come back', () => ({ changes: handoverWatch.changes }))
    return { hasProviderChanges: handoverWatch.changes }
  })

  await check('record-provider-that-unlistens-is-replaced', async () => {
    const name = `${prefix}/rec/unlisten`
    const watch = watchProvider(sub.client, name)
    await waitUntil(() => paRecords.accepted.includes(name) && watch.record.hasProvider === true, STEP_TIMEOUT_MS, 'provider-a provides it', () => paRecords)
    pa.client.record.unlisten(recordPattern)
    await waitUntil(() => pbRecords.accepted.includes(name) && isDeepStrictEqual(watch.changes.slice(-2), [false, true]), STEP_TIMEOUT_MS,
      'provider-b takes over and the subscriber hears of it', () => ({ pbRecords, changes: watch.changes }))
    return { hasProviderChanges: watch.changes }
  })

  await check('invalid-listen-pattern-is-refused', async () => {
    pb.client.record.listen('(', () => {})
    await waitUntil(() => clientErrors.some((e) => e.username === 'provider-b' && `${e.event} ${e.error}`.includes('INVALID_LISTEN_REGEX')),
      STEP_TIMEOUT_MS, 'INVALID_LISTEN_REGEX at provider-b', () => clientErrors)
    return { error: 'INVALID_LISTEN_REGEX' }
  })

  const listName = `${prefix}/list`
  let listA, listB
  await check('list-entries-reach-another-client', async () => {
    listA = sub.client.record.getList(listName)
    listB = sub2.client.record.getList(listName)
    await Promise.all([listA.whenReady(), listB.whenReady()])
    listA.setEntries(['a', 'b'])
    await waitUntil(() => isDeepStrictEqual(listB.getEntries(), ['a', 'b']), STEP_TIMEOUT_MS, 'entries set', () => listB.getEntries())
    listB.addEntry('c')
    await waitUntil(() => isDeepStrictEqual(listA.getEntries(), ['a', 'b', 'c']), STEP_TIMEOUT_MS, 'entry added', () => listA.getEntries())
    listA.removeEntry('a')
    await waitUntil(() => isDeepStrictEqual(listB.getEntries(), ['b', 'c']), STEP_TIMEOUT_MS, 'entry removed', () => listB.getEntries())
    return { entries: listB.getEntries(), version: listB.version }
  })
  await check('list-snapshot-is-the-array', async () => {
    const data = await pb.client.record.snapshot(listName)
    expect(isDeepStrictEqual(data, ['b', 'c']), 'snapshot of a list is its array of names', { data })
    return { data }
  })

  await check('notify-is-acknowledged-and-subscribers-stay-consistent', async () => {
    await pb.client.record.notify([listName, `${prefix}/rec/reject-a`])
    listB.addEntry('d')
    await waitUntil(() => isDeepStrictEqual(listA.getEntries(), ['b', 'c', 'd']), STEP_TIMEOUT_MS, 'a write after the notify', () => listA.getEntries())
    return { entries: listA.getEntries(), version: listA.version }
  })

  await check('record-deletion-reaches-other-subscribers', async () => {
    const name = `${prefix}/to-delete`
    const mine = sub.client.record.getRecord(name)
    const theirs = sub2.client.record.getRecord(name)
    await Promise.all([mine.whenReady(), theirs.whenReady()])
    await mine.setWithAck({ doomed: true })
    await waitUntil(() => isDeepStrictEqual(theirs.get(), { doomed: true }), STEP_TIMEOUT_MS, 'the write at the other subscriber')
    let deleted = false
    theirs.on('delete', () => { deleted = true })
    await mine.delete()
    await waitUntil(() => deleted, STEP_TIMEOUT_MS, 'the other subscriber told of the deletion')
    const has = await pb.client.record.has(name)
    expect(has === false, 'a deleted record does not exist', { has })
    return { deleted, has }
  })

  // the refused pattern leaves provider-b's listen without an acknowledgement, which the client reports
  const expected = (e) => e.username === 'provider-b' && /INVALID_LISTEN_REGEX|ACK_TIMEOUT/.test(`${e.event} ${e.error}`)
  const unexpected = clientErrors.filter((e) => !expected(e))
  report('no-unexpected-client-errors', unexpected.length === 0, { unexpected, expected: clientErrors.length - unexpected.length })
}

harness.run(run)
