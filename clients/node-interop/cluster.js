'use strict'

/*
 * Three Sluice servers sharing a bus and a store, with real @deepstream/client connections spread over them: every
 * capability must work whichever node a client is on. One JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage:
 *   node cluster.js <url1> <url2> <url3> <prefix> setup
 *     writes version 1 of <prefix>/notify, which the test then changes in the store behind the servers' back
 *   node cluster.js <url1> <url2> <url3> <prefix> run <pid3> <notifyVersion>
 *     everything else; kills the third server (SIGKILL, pid3) mid-way, and checks what its death does to the others
 *
 * INTEROP_CLUSTER_EXPIRY_MS (default 5000) is how long the servers take to notice a dead node (heartbeat interval
 * times missed heartbeats, and a resync); checks of what a death does wait that long and a step more.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { isDeepStrictEqual } = require('node:util')
const { CheckFailed, expect, waitUntil, harness: startHarness } = require('./lib/harness')

const EXPIRY_MS = Number(process.env.INTEROP_CLUSTER_EXPIRY_MS || 5000)
/** The servers' sluice.records.ttl for <prefix>/ttl/.* (ThreeNodeClusterInterop.RECORD_TTL). */
const RECORD_TTL_MS = 2000

const [url1, url2, url3, prefix, phase, pid3Arg, notifyVersionArg] = process.argv.slice(2)
if (!url1 || !url2 || !url3 || !prefix || !['setup', 'run'].includes(phase) ||
    (phase === 'run' && (!pid3Arg || !notifyVersionArg))) {
  process.stderr.write('usage: node cluster.js <url1> <url2> <url3> <prefix> setup | run <pid3> <notifyVersion>\n')
  process.exit(2)
}
const urls = [url1, url2, url3]
const user = (name) => `${prefix}-${name}`
const notifyName = `${prefix}/notify`

const harness = startHarness({ overallTimeoutMs: 90000, timeoutDetail: { phase } })
const { STEP_TIMEOUT_MS, clientErrors, report, check, run } = harness

/** A client on node 1, 2 or 3; (un)subscriptions and provides go out at once, in order. */
async function connect (name, node) {
  const who = await harness.connect(urls[node - 1], user(name), { subscriptionInterval: 0, recordDiscardTimeout: 0 })
  who.node = node
  return who
}

/** Repeats `action` every 100 ms until `condition` holds: for what crosses nodes after a subscription settles. */
async function repeatUntil (action, condition, what, ms = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + ms
  while (Date.now() < deadline) {
    action()
    if (await waitUntil(condition, 100, what).then(() => true, () => false)) {
      return
    }
  }
  throw new CheckFailed(`timed out after ${ms} ms: ${what}`)
}

/** Listens on a pattern, keeping every offer, accept and stop; decide(name) says 'accept' or 'reject'. */
function listen (who, pattern, decide = () => 'accept') {
  const state = { who: who.username, node: who.node, pattern, offers: [], accepted: [], stops: [] }
  who.client.record.listen(pattern, (name, response) => {
    state.offers.push(name)
    if (decide(name) === 'accept') {
      response.onStop((stopped) => state.stops.push(stopped))
      response.accept()
      state.accepted.push(name)
    } else {
      response.reject()
    }
  })
  state.unlisten = () => who.client.record.unlisten(pattern)
  return state
}

/** A record subscription that keeps every "has provider" change (heard on the client's record core). */
function watchProvider (who, name) {
  const record = who.client.record.getRecord(name)
  const changes = []
  record.record.on('hasProviderChanged', (hasProvider) => changes.push(hasProvider), record)
  return { record, changes }
}

async function setup () {
  let writer
  await check('login', async () => {
    writer = await connect('setup-writer', 1)
    return { node: 1 }
  })
  await check('notify-record-written', async () => {
    const record = writer.client.record.getRecord(notifyName)
    await record.whenReady()
    await new Promise((resolve, reject) => record.set({ stage: 'before' }, (error) => error ? reject(error) : resolve()))
    return { version: record.version }
  })
}

async function main () {
  const pid3 = Number(pid3Arg)
  const notifyVersion = Number(notifyVersionArg)
  let a1, b1, a2, b2, a3, b3
  // the client reports VERSION_EXISTS to the losing writer as an error too
  let raceLoser
  await check('login', async () => {
    [a1, b1, a2, b2, a3, b3] = await Promise.all([connect('a1', 1), connect('b1', 1), connect('a2', 2),
      connect('b2', 2), connect('a3', 3), connect('b3', 3)])
    return { nodes: 3, clients: 6 }
  })

  await check('event-reaches-subscribers-on-the-other-nodes', async () => {
    const name = `${prefix}/event`
    const heard = { a2: [], a3: [] }
    a2.client.event.subscribe(name, (data) => heard.a2.push(data))
    a3.client.event.subscribe(name, (data) => heard.a3.push(data))
    await repeatUntil(() => a1.client.event.emit(name, 'from-1'), () => heard.a2.length > 0 && heard.a3.length > 0,
      'the event on nodes 2 and 3')
    return { node2: heard.a2[0], node3: heard.a3[0] }
  })

  await check('record-set-on-one-node-is-seen-on-the-others', async () => {
    const name = `${prefix}/record`
    const at2 = a2.client.record.getRecord(name)
    const at3 = a3.client.record.getRecord(name)
    const at1 = a1.client.record.getRecord(name)
    await Promise.all([at1.whenReady(), at2.whenReady(), at3.whenReady()])
    await new Promise((resolve, reject) => at1.set({ from: 1 }, (error) => error ? reject(error) : resolve()))
    await waitUntil(() => isDeepStrictEqual(at2.get(), { from: 1 }) && isDeepStrictEqual(at3.get(), { from: 1 }),
      STEP_TIMEOUT_MS, 'the write on nodes 2 and 3', () => ({ at2: at2.get(), at3: at3.get() }))
    const snapshot = await b3.client.record.snapshot(name)
    expect(isDeepStrictEqual(snapshot, { from: 1 }), 'a snapshot on node 3 reads the write', { snapshot })
    return { version: at1.version, at2: at2.version, at3: at3.version }
  })

  await check('version-exists-between-writers-on-two-nodes', async () => {
    const name = `${prefix}/race`
    const writers = [{ who: b1 }, { who: b2 }].map((writer) => {
      writer.record = writer.who.client.record.getRecord(name)
      writer.record.setMergeStrategy((localValue, localVersion, remoteValue, remoteVersion, callback) => {
        writer.conflict = { localVersion, remoteVersion, remoteValue }
        callback('VERSION_EXISTS', null)
      })
      return writer
    })
    await Promise.all(writers.map((writer) => writer.record.whenReady()))
    await new Promise((resolve, reject) => writers[0].record.set({ by: 'start' }, (e) => e ? reject(e) : resolve()))
    await waitUntil(() => writers.every((writer) => writer.record.version === 1), STEP_TIMEOUT_MS, 'both at version 1')
    for (const writer of writers) {
      writer.data = { by: writer.who.username }
      writer.record.set(writer.data, (error) => { writer.ack = error === null ? 'acknowledged' : error })
    }
    const [winner, loser] = await waitUntil(() => {
      const [x, y] = writers
      if (x.ack === 'acknowledged' && y.conflict && y.ack !== undefined) return [x, y]
      if (y.ack === 'acknowledged' && x.conflict && x.ack !== undefined) return [y, x]
      return null
    }, STEP_TIMEOUT_MS, 'one write acknowledged, the other answered VERSION_EXISTS',
    () => writers.map((w) => ({ ack: w.ack, conflict: w.conflict })))
    const detail = { winner: winner.who.node, loser: loser.who.node, conflict: loser.conflict, loserAck: loser.ack }
    raceLoser = loser.who.username
    expect(loser.conflict.remoteVersion === 2, 'VERSION_EXISTS carries version 2', detail)
    expect(isDeepStrictEqual(loser.conflict.remoteValue, winner.data), 'VERSION_EXISTS carries the winner\'s data', detail)
    expect(loser.ack === 'VERSION_EXISTS', 'the losing write fails its acknowledgement', detail)
    return detail
  })

  await check('rpc-local-provider-first-a-local-reject-goes-to-another-node', async () => {
    const routed = []
    const name = `${prefix}/rpc/work`
    for (const who of [a1, a2]) {
      who.client.rpc.provide(name, (data, response) => {
        routed.push(who.node)
        if (who.node === 1 && data === 'reject-locally') {
          response.reject()
        } else {
          response.send(who.node)
        }
      })
    }
    // node 1's provider is there at once; wait until node 2's is known on node 1 too
    const probe = `${prefix}/rpc/probe`
    a2.client.rpc.provide(probe, (data, response) => response.send('ready'))
    const deadline = Date.now() + STEP_TIMEOUT_MS
    for (;;) {
      try {
        if (await b1.client.rpc.make(probe, null) === 'ready') break
      } catch (error) {
        if (error !== 'NO_RPC_PROVIDER' || Date.now() > deadline) throw new CheckFailed(`probe: ${error}`)
      }
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const local = []
    for (let i = 0; i < 3; i++) {
      local.push(await b1.client.rpc.make(name, 'plain'))
    }
    expect(local.every((node) => node === 1), 'calls from node 1 go to node 1\'s provider first', { local })
    routed.length = 0
    const rerouted = await b1.client.rpc.make(name, 'reject-locally')
    expect(rerouted === 2 && isDeepStrictEqual(routed, [1, 2]), 'a local reject goes to node 2\'s provider',
      { rerouted, routed })
    const fromThree = await b3.client.rpc.make(name, 'plain')
    expect([1, 2].includes(fromThree), 'node 3, with no provider, reaches one on another node', { fromThree })
    return { local, rerouted, fromThree }
  })

  await check('presence-across-nodes', async () => {
    const seen = []
    a2.client.presence.subscribe((username, online) => seen.push({ username, online }))
    await new Promise((resolve) => setTimeout(resolve, 200))
    const late = await connect('late', 3)
    await waitUntil(() => seen.some((entry) => entry.username === late.username && entry.online), STEP_TIMEOUT_MS,
      'node 2 hears of a login on node 3', () => seen)
    // node 2 having heard of it says nothing of when node 1 does: each node reads the bus on its own
    const expected = [b1, a2, b2, a3, b3, late].map((who) => who.username).sort()
    let all
    const deadline = Date.now() + STEP_TIMEOUT_MS
    for (;;) {
      all = (await a1.client.presence.getAll()).filter((name) => name.startsWith(`${prefix}-`)).sort()
      if (isDeepStrictEqual(all, expected) || Date.now() > deadline) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(isDeepStrictEqual(all, expected), 'node 1 sees the users of every node', { all, expected })
    late.client.close()
    await waitUntil(() => seen.some((entry) => entry.username === late.username && !entry.online), STEP_TIMEOUT_MS,
      'node 2 hears of the logout on node 3', () => seen)
    return { all }
  })

  // The servers keep records under <prefix>/ttl/ for RECORD_TTL_MS after their last write.
  await check('record-expires-with-subscribers-told-on-every-node', async () => {
    const name = `${prefix}/ttl/session`
    const watchers = [a1, a2, a3].map((who) => {
      const record = who.client.record.getRecord(name)
      const watched = { node: who.node, record, deletedAt: null }
      record.on('delete', () => { watched.deletedAt = Date.now() })
      return watched
    })
    await Promise.all(watchers.map((watched) => watched.record.whenReady()))
    const error = await watchers[0].record.setWithAck({ session: 'open' })
    expect(!error, 'the write under the rule', { error })
    const deadline = Date.now() + RECORD_TTL_MS
    // the documented bound of the sweep (2 s) and a little for the notice to cross the bus and the socket
    await waitUntil(() => watchers.slice(1).every((watched) => watched.deletedAt !== null),
      RECORD_TTL_MS + 2000 + STEP_TIMEOUT_MS, 'the deletion notice on nodes 2 and 3',
      () => watchers.map((watched) => ({ node: watched.node, deletedAt: watched.deletedAt })))
    const has = await b3.client.record.has(name)
    expect(has === false, 'after expiry the record is gone on node 3', { has })
    return { lateMs: watchers.slice(1).map((watched) => ({ node: watched.node, ms: watched.deletedAt - deadline })) }
  }, RECORD_TTL_MS + 2000 + 2 * STEP_TIMEOUT_MS)

  await check('notify-reloads-the-store-for-subscribers-on-every-node', async () => {
    const at2 = a2.client.record.getRecord(notifyName)
    const at3 = a3.client.record.getRecord(notifyName)
    await Promise.all([at2.whenReady(), at3.whenReady()])
    const before = { at2: at2.version, at3: at3.version }
    expect(before.at2 < notifyVersion && before.at3 < notifyVersion, 'subscribers hold the cached copy', before)
    await b1.client.record.notify([notifyName])
    const expected = { stage: 'changed-in-the-store' }
    await waitUntil(() => at2.version === notifyVersion && at3.version === notifyVersion &&
      isDeepStrictEqual(at2.get(), expected) && isDeepStrictEqual(at3.get(), expected), STEP_TIMEOUT_MS,
    'the stored version on nodes 2 and 3', () => ({ at2: [at2.version, at2.get()], at3: [at3.version, at3.get()] }))
    const read = await b2.client.record.snapshot(notifyName)
    expect(isDeepStrictEqual(read, expected), 'a read after the notify gets the stored copy', { read })
    return { before, after: notifyVersion }
  })

  // Listening: provider and subscriber on different nodes, whichever node decides for the name.
  const l1 = `^${prefix}/l1/`
  const p1 = listen(a1, l1)
  await check('listen-accept-provider-and-subscriber-on-different-nodes', async () => {
    const watch = watchProvider(a2, `${prefix}/l1/x`)
    await waitUntil(() => p1.accepted.includes(`${prefix}/l1/x`) && watch.record.hasProvider === true,
      STEP_TIMEOUT_MS, 'node 1\'s listener provides for node 2\'s subscriber', () => ({ p1, changes: watch.changes }))
    const second = watchProvider(b3, `${prefix}/l1/x`)
    await second.record.whenReady()
    await waitUntil(() => second.record.hasProvider === true, STEP_TIMEOUT_MS, 'a subscriber on node 3 hears of it')
    expect(p1.offers.length === 1, 'offered once', p1)
    second.record.discard()
    watch.record.discard()
    await waitUntil(() => p1.stops.includes(`${prefix}/l1/x`), STEP_TIMEOUT_MS,
      'the provider told to stop once the subscribers on two other nodes left', () => p1)
    return { offers: p1.offers, stops: p1.stops }
  })

  await check('listen-reject-moves-to-a-listener-on-another-node', async () => {
    const l2 = `^${prefix}/l2/`
    const refusing = listen(b1, l2, () => 'reject')
    const accepting = listen(b2, l2)
    // Whichever is asked first, and whichever node hears of which listener first, node 2's ends up providing: a
    // rejecting listener cools down, and a listener arriving later is asked at once.
    const name = `${prefix}/l2/x`
    const watch = watchProvider(a3, name)
    await waitUntil(() => accepting.accepted.includes(name) && watch.record.hasProvider === true,
      STEP_TIMEOUT_MS, 'node 2\'s listener provides after node 1\'s rejects or before it is asked',
      () => ({ refusing, accepting }))
    expect(refusing.accepted.length === 0, 'the rejecting listener provides nothing', refusing)
    watch.record.discard()
    await waitUntil(() => accepting.stops.includes(name), STEP_TIMEOUT_MS, 'stopped once the subscriber left')
    refusing.unlisten()
    accepting.unlisten()
    return { refusingOffers: refusing.offers, accepting: accepting.accepted }
  })

  await check('listen-provider-that-unlistens-is-replaced-by-one-on-another-node', async () => {
    const l3 = `^${prefix}/l3/`
    const first = listen(b1, l3)
    const name = `${prefix}/l3/x`
    const watch = watchProvider(a2, name)
    await waitUntil(() => first.accepted.includes(name) && watch.record.hasProvider === true, STEP_TIMEOUT_MS,
      'node 1 provides', () => first)
    const next = listen(b3, l3)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(next.offers.length === 0, 'a name with a provider is not offered', next)
    first.unlisten()
    // node 3's listener can be asked, and accept, before node 2 hears from the deciding node: wait for the notices
    await waitUntil(() => next.accepted.includes(name) && watch.changes.length >= 3, STEP_TIMEOUT_MS,
      'node 3\'s listener takes over and the subscriber hears of it', () => ({ next, changes: watch.changes }))
    expect(isDeepStrictEqual(watch.changes, [true, false, true]),
      'the subscriber heard the provider go, then the next one come (as from deepstream)', { changes: watch.changes })
    watch.record.discard()
    next.unlisten()
    return { changes: watch.changes }
  })

  // A node dies: node 3 provides l4 for node 2, and subscribes to l5 provided on node 1.
  const l4 = `^${prefix}/l4/`
  const l5 = `^${prefix}/l5/`
  const dying = listen(a3, l4)
  const l4Name = `${prefix}/l4/x`
  const l5Name = `${prefix}/l5/x`
  const l4Watch = watchProvider(b2, l4Name)
  const survivor = listen(b1, l5)
  await check('listen-before-the-kill', async () => {
    await waitUntil(() => dying.accepted.includes(l4Name) && l4Watch.record.hasProvider === true, STEP_TIMEOUT_MS,
      'node 3 provides for node 2', () => dying)
    b3.client.record.getRecord(l5Name)
    await waitUntil(() => survivor.accepted.includes(l5Name), STEP_TIMEOUT_MS, 'node 1 provides for node 3', () => survivor)
    return { l4: dying.accepted, l5: survivor.accepted }
  })
  const takeover = listen(a1, l4)
  await new Promise((resolve) => setTimeout(resolve, 300))

  await check('kill-node-3', async () => {
    expect(takeover.offers.length === 0, 'a name with a provider is not offered', takeover)
    process.kill(pid3, 'SIGKILL')
    a3.closing = true
    b3.closing = true
    return { pid: pid3 }
  })

  await check('subscriber-on-a-dead-node-ends-the-provision', () => waitUntil(() => survivor.stops.includes(l5Name),
    EXPIRY_MS + STEP_TIMEOUT_MS, 'node 1\'s provider told to stop', () => survivor)
    .then(() => ({ stops: survivor.stops })), EXPIRY_MS + 2 * STEP_TIMEOUT_MS)

  await check('provider-on-a-dead-node-is-replaced', () => waitUntil(
    () => takeover.accepted.includes(l4Name) && l4Watch.changes.includes(false) && l4Watch.record.hasProvider === true,
    EXPIRY_MS + STEP_TIMEOUT_MS, 'node 1\'s listener provides for node 2', () => ({ takeover, changes: l4Watch.changes }))
    .then(() => ({ changes: l4Watch.changes })), EXPIRY_MS + 2 * STEP_TIMEOUT_MS)

  // the clients of node 3 lost their server, and the losing writer was told of the conflict: that is expected
  const unexpected = clientErrors.filter((error) => error.username !== a3.username && error.username !== b3.username &&
    !(error.username === raceLoser && error.topic === 'RECORD'))
  report('no-unexpected-client-errors', unexpected.length === 0, { unexpected })
}

run(phase === 'setup' ? setup : main)
