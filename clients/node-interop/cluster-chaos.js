'use strict'

/*
 * Chaos under load: clients behind one address (a round-robin TCP proxy in front of three Sluice servers, as a
 * Kubernetes Service would be) write records with write acknowledgement and call RPCs without pause, while the test
 * kills servers with SIGKILL and starts them again. The test tells the script what it did, one line at a time on
 * standard input:
 *   killed <n>   a server was killed: the clients that were on it must be working again on another, with their
 *                record subscriptions caught up, their events, their presence and their providers
 *   stop         the load ends; the final checks follow
 * One JSON line per check: {"check": "...", "ok": true|false, "detail": ...}.
 *
 * Usage:
 *   node cluster-chaos.js <proxyUrl> <controlUrl> <prefix> <clients> <rpcTimeoutMs>
 * <controlUrl> is a server the test never kills: the control client there writes, emits, calls and watches presence.
 * <rpcTimeoutMs> is the longest a call may wait (the servers' accept and response timeouts together).
 *
 * A write in flight when its server dies may be lost. The deepstream client then finds the server's version below
 * its own when it resubscribes, takes the record for deleted remotely and discards it (its "delete" event), as it does
 * against deepstream: the script opens such a record again, as an application would, and counts it
 * (recordsReopened).
 *
 * The last check, "counts", carries the counts (acknowledged writes, reconnects, calls answered, failed fast) and
 * every record's last acknowledged version with the sequence number that write carried, for the test to find in the
 * store.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const readline = require('node:readline')
const { CheckFailed, expect, waitUntil, harness: startHarness } = require('./lib/harness')

const [proxyUrl, controlUrl, prefix, clientsArg, rpcTimeoutArg] = process.argv.slice(2)
const CLIENTS = Number(clientsArg)
const RPC_TIMEOUT_MS = Number(rpcTimeoutArg)
if (!proxyUrl || !controlUrl || !prefix || !(CLIENTS > 0) || !(RPC_TIMEOUT_MS > 0)) {
  process.stderr.write('usage: node cluster-chaos.js <proxyUrl> <controlUrl> <prefix> <clients> <rpcTimeoutMs>\n')
  process.exit(2)
}
const RECORDS_PER_CLIENT = 3
/** How long a writer waits for an acknowledgement before it writes again (a late one still counts). */
const WRITE_WAIT_MS = 5000
/** A call that fails sooner than its timeout failed fast; one answered later than this waited too long. */
const RPC_LATE_MS = RPC_TIMEOUT_MS + 500
/** Writes acknowledged before the script says the load runs. */
const WARM_UP_WRITES = 200
/** How long the clients of a killed server have to be working again. */
const RECOVERY_MS = 60000

const harness = startHarness({ overallTimeoutMs: 300000 })
const { report, check, run } = harness

const shared = `${prefix}/shared`
const eventName = `${prefix}/event`
const anyProvider = `${prefix}/rpc/any`
const ownProvider = (who) => `${prefix}/rpc/own/${who.username}`

const counts = {
  acknowledgedWrites: 0,
  writesNotAcknowledged: 0,
  reconnects: 0,
  callsAnswered: 0,
  callsFailedFast: 0,
  callsFailedAtTheirTimeout: 0,
  slowestCallMs: 0,
  callErrors: {},
  recordsReopened: 0
}
/** name -> { version, seq } of its last acknowledged write */
const acknowledged = {}
/** versions a subscriber saw go down */
const backwards = []
/** calls answered or failed later than their timeout */
const late = []
let stopping = false

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Fails when a subscription's version goes down: versions may be skipped, never undone. */
function watchVersions (who, record) {
  let highest = 0
  record.subscribe(() => {
    if (record.version < highest) {
      backwards.push({ who: who.username, name: record.name, from: highest, to: record.version })
    }
    highest = Math.max(highest, record.version)
  })
}

async function loadClient (index) {
  const who = await harness.connect(proxyUrl, `${prefix}-c${index}`, {
    subscriptionInterval: 0,
    recordDiscardTimeout: 0,
    // back after a node dies within a second, and never given up on
    reconnectIntervalIncrement: 200,
    maxReconnectInterval: 1000,
    maxReconnectAttempts: 100000
  })
  Object.assign(who, { open: true, lostConnections: 0, reconnects: 0, acknowledged: 0, events: 0 })
  who.client.on('connectionStateChanged', (state) => {
    if (state === 'OPEN' && !who.open) {
      who.open = true
      who.reconnects++
      counts.reconnects++
    } else if (state !== 'OPEN' && who.open) {
      who.open = false
      who.lostConnections++
    }
  })
  who.shared = who.client.record.getRecord(shared)
  watchVersions(who, who.shared)
  who.client.event.subscribe(eventName, () => { who.events++ })
  who.client.rpc.provide(anyProvider, (data, response) => response.send(who.username))
  who.client.rpc.provide(ownProvider(who), (data, response) => response.send(who.username))
  who.records = []
  for (let k = 0; k < RECORDS_PER_CLIENT; k++) {
    who.records.push(openWritten(who, k, `${prefix}/w/${index}/${k}`))
  }
  await Promise.all([who.shared.whenReady(), ...who.records.map((record) => record.whenReady())])
  return who
}

/** The client library's state of a record (RESUBSCRIBING, MERGING, ...), for a failure to say where it is stuck. */
function stateOf (record) {
  return record.record && record.record.stateMachine ? record.record.stateMachine.state : undefined
}

/** Opens a record the client writes, and opens it again whenever the client discards it after a lost write. */
function openWritten (who, k, name) {
  const record = who.client.record.getRecord(name)
  record.on('delete', () => {
    counts.recordsReopened++
    // after the client has let go of the discarded one: opened within its 'delete' event, it would be handed back
    setTimeout(() => { who.records[k] = openWritten(who, k, name) }, 0)
  })
  return record
}

/** Writes the client's k-th record over and over, each write waiting for its acknowledgement (or WRITE_WAIT_MS). */
async function writeLoop (who, k) {
  let seq = 0
  while (!stopping) {
    const record = who.records[k]
    if (!who.open || !record.isReady) {
      await sleep(50)
      continue
    }
    seq++
    const data = { seq, by: who.username }
    let version
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, WRITE_WAIT_MS)
      record.set(data, (error) => {
        if (error === null) {
          acknowledge(who, record.name, version, data.seq)
        } else {
          counts.writesNotAcknowledged++
        }
        clearTimeout(timer)
        resolve()
      })
      version = record.version
    })
    await sleep(10)
  }
}

function acknowledge (who, name, version, seq) {
  counts.acknowledgedWrites++
  who.acknowledged++
  const last = acknowledged[name]
  if (!last || version > last.version) {
    acknowledged[name] = { version, seq }
  }
}

/** Calls any provider over and over, timing each call. */
async function callLoop (who) {
  while (!stopping) {
    if (!who.open) {
      await sleep(50)
      continue
    }
    const started = Date.now()
    try {
      await who.client.rpc.make(anyProvider, null)
      counts.callsAnswered++
    } catch (error) {
      const kind = String(error)
      counts.callErrors[kind] = (counts.callErrors[kind] || 0) + 1
      if (Date.now() - started < RPC_TIMEOUT_MS) {
        counts.callsFailedFast++
      } else {
        counts.callsFailedAtTheirTimeout++
      }
    }
    const took = Date.now() - started
    counts.slowestCallMs = Math.max(counts.slowestCallMs, took)
    if (took > RPC_LATE_MS) {
      late.push({ who: who.username, took })
    }
    await sleep(20)
  }
}

/** Sets the shared record from the control client and returns the acknowledged version. */
async function writeShared (control, stage) {
  await new Promise((resolve, reject) => control.shared.set({ stage }, (error) => error ? reject(error) : resolve()))
  return control.shared.version
}

/** Calls name from the control client until it is answered, while it has no provider yet. */
async function callUntilAnswered (control, name, ms) {
  const deadline = Date.now() + ms
  for (;;) {
    try {
      return await control.client.rpc.make(name, null)
    } catch (error) {
      if (Date.now() > deadline) {
        throw new CheckFailed(`${name}: ${error}`)
      }
      await sleep(100)
    }
  }
}

/**
 * After a kill: every client that lost its server is working again on another, its subscription to the shared record
 * caught up with a write made while it was away, its event subscription, its presence and its providers back.
 */
async function recovered (control, clients, node, before) {
  const sharedVersion = await writeShared(control, `while-node-${node}-is-dead`)
  const moved = await waitUntil(() => {
    const lost = clients.filter((who) => who.lostConnections > before.get(who))
    return lost.length > 0 && lost.every((who) => who.open) ? lost : null
  }, RECOVERY_MS, `the clients of node ${node} reconnected`,
  () => clients.map((who) => ({ who: who.username, open: who.open, lost: who.lostConnections })))
  await waitUntil(() => moved.every((who) => who.shared.version >= sharedVersion), RECOVERY_MS,
    'their shared record caught up', () => moved.map((who) => ({ who: who.username, version: who.shared.version })))
  const acknowledgedBefore = new Map(moved.map((who) => [who, who.acknowledged]))
  await waitUntil(() => moved.every((who) => who.acknowledged > acknowledgedBefore.get(who)), RECOVERY_MS,
    'their writes acknowledged again', () => moved.map((who) => ({
      who: who.username,
      open: who.open,
      lost: who.lostConnections,
      acknowledged: who.acknowledged,
      records: who.records.map((record) => ({ ready: record.isReady, version: record.version, state: stateOf(record) }))
    })))
  const eventsBefore = new Map(moved.map((who) => [who, who.events]))
  const deadline = Date.now() + RECOVERY_MS
  while (!moved.every((who) => who.events > eventsBefore.get(who))) {
    expect(Date.now() < deadline, 'their event subscriptions are back',
      moved.map((who) => ({ who: who.username, events: who.events })))
    control.client.event.emit(eventName, node)
    await sleep(100)
  }
  const online = new Set(await control.client.presence.getAll())
  const missing = moved.filter((who) => !online.has(who.username)).map((who) => who.username)
  expect(missing.length === 0, 'they are online again for the others', { missing })
  for (const who of moved) {
    const answer = await callUntilAnswered(control, ownProvider(who), RECOVERY_MS)
    expect(answer === who.username, 'their providers are back', { who: who.username, answer })
  }
  return { node, moved: moved.map((who) => who.username), sharedVersion }
}

async function main () {
  let control
  let clients
  await check('login', async () => {
    control = await harness.connect(controlUrl, `${prefix}-control`, { subscriptionInterval: 0 })
    control.shared = control.client.record.getRecord(shared)
    clients = await Promise.all(Array.from({ length: CLIENTS }, (unused, index) => loadClient(index)))
    await control.shared.whenReady()
    // each client watches its neighbour's first record too
    clients.forEach((who, index) => watchVersions(who,
      who.client.record.getRecord(clients[(index + 1) % CLIENTS].records[0].name)))
    return { clients: CLIENTS }
  }, RECOVERY_MS)
  const loops = clients.flatMap((who) => [...who.records.map((record, k) => writeLoop(who, k)), callLoop(who)])
  await check('load-running', () => waitUntil(() => counts.acknowledgedWrites >= WARM_UP_WRITES, 30000,
    `${WARM_UP_WRITES} writes acknowledged`, () => counts).then(() => ({ ...counts })), 35000)

  // the connections lost up to the end of the last phase: a kill's clients may notice before the script is told
  let before = new Map(clients.map((who) => [who, who.lostConnections]))
  const input = readline.createInterface({ input: process.stdin })
  for await (const line of input) {
    const [command, node] = line.trim().split(/\s+/)
    if (command === 'killed') {
      await check(`recovered-after-killing-node-${node}`, () => recovered(control, clients, node, before),
        6 * RECOVERY_MS)
      before = new Map(clients.map((who) => [who, who.lostConnections]))
    } else if (command === 'stop') {
      break
    }
  }
  input.close()
  stopping = true
  await Promise.all(loops)

  report('no-call-waited-past-its-timeout', late.length === 0, { late, slowestCallMs: counts.slowestCallMs })
  report('no-version-went-backwards', backwards.length === 0, { backwards })
  await check('acknowledged-versions-are-served', async () => {
    const behind = []
    for (const [name, { version }] of Object.entries(acknowledged)) {
      const served = await control.client.record.head(name)
      if (served < version) {
        behind.push({ name, acknowledged: version, served })
      }
    }
    expect(behind.length === 0, 'every record is served at its last acknowledged version or later', { behind })
    return { records: Object.keys(acknowledged).length }
  })
  const movedClients = clients.filter((who) => who.reconnects > 0).length
  report('counts', true, { ...counts, clientsThatReconnected: movedClients, acknowledged })
}

run(main)
