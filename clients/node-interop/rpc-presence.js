'use strict'

/*
 * Drives the real @deepstream/client against a server for RPC and presence, and prints one JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node rpc-presence.js <url> [prefix] [otherUrl]
 *   url       e.g. ws://localhost:6020/deepstream
 *   prefix    names every procedure and user of the run
 *   otherUrl  another gateway node of the same cluster: then bob, erin and dave's second connection use it, so
 *             calls and logins cross nodes
 *
 * The server's RPC response timeout must be below the step timeout: INTEROP_RPC_RESPONSE_TIMEOUT_MS says what
 * it is (10000, deepstream's default, unless set), and the response-timeout check waits that long plus a step.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { isDeepStrictEqual } = require('node:util')
const { POLL_MS, CheckFailed, expect, harness: startHarness } = require('./lib/harness')

const RESPONSE_TIMEOUT_MS = Number(process.env.INTEROP_RPC_RESPONSE_TIMEOUT_MS || 10000)
const PROVIDER_GONE = 'RPC provider disconnected before responding'

const [url, prefixArg, otherUrlArg] = process.argv.slice(2)
const otherUrl = otherUrlArg || url
if (!url) {
  process.stderr.write('usage: node rpc-presence.js <url> [prefix] [otherUrl]\n')
  process.exit(2)
}
const prefix = prefixArg || `interop-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`
const rpc = (name) => `${prefix}/rpc/${name}`
const user = (name) => `${prefix}-${name}`

const harness = startHarness({ overallTimeoutMs: 60000 })
const { STEP_TIMEOUT_MS, clientErrors, report, check, run } = harness

function connect (name, at = url) {
  // subscriptionInterval 0: (un)provide and subscribe go out at once, in order with what the script sends next
  return harness.connect(at, user(name), { subscriptionInterval: 0 })
}

/**
 * Provides procedures, then a probe last, and calls the probe from `caller` until it answers: messages of one
 * connection are handled in order, and a node announces its providers to the others in order, so once the probe
 * answers, every procedure provided before it is known where the caller is. The client sends no acknowledgement.
 */
let probes = 0

async function provide (who, procedures, caller) {
  for (const [name, provider] of Object.entries(procedures)) {
    who.client.rpc.provide(rpc(name), provider)
  }
  const probe = rpc(`probe-${who.username}-${++probes}`)
  who.client.rpc.provide(probe, (data, response) => {
    if (who.closing) {
      // a client that is closing cannot answer: anything it sends is an IS_CLOSED error
      response.autoAccept = false
      return
    }
    response.send(who.username)
  })
  await waitFor(async () => {
    try {
      return (await make(caller.client, probe, null)) === who.username
    } catch (error) {
      if (error === 'NO_RPC_PROVIDER') {
        return false
      }
      throw error
    }
  }, `${who.username}'s procedures to be registered`)
  return probe
}

async function waitFor (condition, what) {
  const deadline = Date.now() + STEP_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (await condition()) {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  throw new CheckFailed(`timed out after ${STEP_TIMEOUT_MS} ms: ${what}`)
}

function make (client, name, data) {
  return client.rpc.make(name, data)
}

/** The error a call ends with, or undefined if it succeeds. */
async function errorOf (client, name, data) {
  try {
    await make(client, name, data)
    return undefined
  } catch (error) {
    return error
  }
}

/** The error a call ends with, or a failure if it succeeds. */
async function failureOf (client, name, data) {
  const error = await errorOf(client, name, data)
  if (error === undefined) {
    throw new CheckFailed(`${name} should have failed`)
  }
  return error
}

async function main () {
  let alice, bob, carol
  await check('login', async () => {
    [alice, bob, carol] = await Promise.all([connect('alice'), connect('bob', otherUrl), connect('carol')])
    return { users: [alice.username, bob.username, carol.username], nodes: url === otherUrl ? 1 : 2 }
  })

  // who each shared procedure was routed to, in order
  const routed = { reroute: [], refuse: [] }
  await check('provide', async () => {
    for (const who of [bob, carol]) {
      await provide(who, {
        reroute: (data, response) => {
          routed.reroute.push(who.username)
          if (routed.reroute.length === 1) {
            response.reject()
          } else {
            response.send({ by: who.username, data })
          }
        },
        refuse: (data, response) => {
          routed.refuse.push(who.username)
          response.reject()
        }
      }, alice)
    }
    await provide(bob, {
      add: (data, response) => response.send(data.a + data.b),
      whoami: (data, response, requestor) => response.send(requestor ? requestor.requestorName : null),
      fail: (data, response) => response.error(`cannot ${data}`),
      mute: (data, response) => {
        response.autoAccept = false
      },
      silent: (data, response) => {
        response.accept()
      }
    }, alice)
    return { providers: [bob.username, carol.username] }
  })

  await check('rpc-accept-and-response', async () => {
    const result = await make(alice.client, rpc('add'), { a: 2, b: 3 })
    expect(result === 5, 'add should answer 5', { result })
    return { result }
  })

  await check('rpc-requestor-name', async () => {
    const name = await make(alice.client, rpc('whoami'), null)
    expect(name === alice.username, 'the provider should be told who calls', { name })
    return { name }
  })

  await check('rpc-request-error', async () => {
    const error = await failureOf(alice.client, rpc('fail'), 'divide')
    expect(error === 'cannot divide', 'the provider\'s error should reach the requestor', { error })
    return { error }
  })

  await check('rpc-reject-is-rerouted', async () => {
    const result = await make(alice.client, rpc('reroute'), 'x')
    expect(routed.reroute.length === 2 && routed.reroute[0] !== routed.reroute[1],
      'a rejected request should go to the other provider', { routed: routed.reroute, result })
    expect(isDeepStrictEqual(result, { by: routed.reroute[1], data: 'x' }), 'the second provider answers', { result })
    return { routed: routed.reroute, result }
  })

  await check('rpc-all-reject-gives-no-provider', async () => {
    const error = await failureOf(alice.client, rpc('refuse'), null)
    expect(error === 'NO_RPC_PROVIDER', 'NO_RPC_PROVIDER once every provider rejected', { error, routed: routed.refuse })
    expect(routed.refuse.length === 2 && routed.refuse[0] !== routed.refuse[1], 'each provider tried once',
      { routed: routed.refuse })
    return { error, routed: routed.refuse }
  })

  await check('rpc-no-provider', async () => {
    const error = await failureOf(alice.client, rpc('nobody'), null)
    expect(error === 'NO_RPC_PROVIDER', 'NO_RPC_PROVIDER without a provider', { error })
    return { error }
  })

  await check('rpc-accept-timeout', async () => {
    const started = Date.now()
    const error = await failureOf(alice.client, rpc('mute'), null)
    expect(error === 'ACCEPT_TIMEOUT', 'ACCEPT_TIMEOUT when the provider never accepts', { error })
    return { error, afterMs: Date.now() - started }
  })

  await check('rpc-response-timeout', async () => {
    const started = Date.now()
    const error = await failureOf(alice.client, rpc('silent'), null)
    expect(error === 'RESPONSE_TIMEOUT', 'RESPONSE_TIMEOUT when the provider accepts but never answers', { error })
    return { error, afterMs: Date.now() - started }
  }, RESPONSE_TIMEOUT_MS + STEP_TIMEOUT_MS)

  await check('rpc-provider-disconnects-mid-call', async () => {
    const erin = await connect('erin', otherUrl)
    await provide(erin, {
      dying: (data, response) => {
        response.accept()
        // the provider goes away between accepting and answering
        setImmediate(() => erin.client.close())
      }
    }, alice)
    const error = await failureOf(alice.client, rpc('dying'), null)
    expect(error === PROVIDER_GONE, 'the requestor should hear that the provider went away', { error })
    const after = await failureOf(alice.client, rpc('dying'), null)
    expect(after === 'NO_RPC_PROVIDER', 'a closed provider provides nothing', { after })
    return { error, after }
  })

  // presence: alice watches everyone and dave in particular; dave logs in twice
  const everyone = []
  const daveOnly = []
  const dave = user('dave')
  await check('presence-subscribe', async () => {
    alice.client.presence.subscribe((username, online) => everyone.push({ username, online }))
    alice.client.presence.subscribe(dave, (username, online) => daveOnly.push({ username, online }))
    // answered after the subscriptions, which the same connection sent first
    const before = await alice.client.presence.getAll([dave])
    expect(before[dave] === false, 'dave is not logged in yet', { before })
    return { before }
  })

  /** A query from alice: the server sends it after every notification it had queued for her. */
  const settle = () => alice.client.presence.getAll([dave])

  let dave1, dave2, daveProbe
  await check('presence-login', async () => {
    dave1 = await connect('dave')
    await settle()
    const joins = everyone.filter((entry) => entry.username === dave)
    expect(isDeepStrictEqual(joins, [{ username: dave, online: true }]), 'one join for everyone', { joins })
    expect(isDeepStrictEqual(daveOnly, [{ username: dave, online: true }]), 'one join for dave\'s subscribers', { daveOnly })
    return { joins, daveOnly }
  })

  await check('presence-second-connection-is-no-new-login', async () => {
    // a probe, so that the end of this connection can be seen (below)
    daveProbe = await provide(dave1, {}, alice)
    dave2 = await connect('dave', otherUrl)
    // a node announces logins in order: once alice sees the marker's, her node knows of dave's second connection
    const marker = await connect('marker', otherUrl)
    await waitFor(async () => everyone.some((entry) => entry.username === marker.username), 'the marker\'s login')
    await settle()
    const joins = everyone.filter((entry) => entry.username === dave)
    expect(joins.length === 1 && daveOnly.length === 1, 'no second join', { joins, daveOnly })
    return { joins: joins.length }
  })

  await check('presence-query', async () => {
    const alice2 = await connect('alice')
    // only this run's users: the server may have others
    const all = (await alice.client.presence.getAll()).filter((name) => name.startsWith(`${prefix}-`))
    const some = await alice.client.presence.getAll([dave, user('nobody')])
    const expected = [bob.username, carol.username, dave, user('marker')].sort()
    expect(isDeepStrictEqual([...all].sort(), expected), 'everyone but the asker, whose other connection counts as her',
      { all, expected })
    expect(isDeepStrictEqual(some, { [dave]: true, [user('nobody')]: false }), 'per user answers', { some })
    alice2.client.close()
    return { all, some }
  })

  await check('presence-online-until-last-connection-leaves', async () => {
    dave1.closing = true
    dave1.client.close()
    // dave1 also provides a probe: once it is gone, the server has handled that connection's close
    await waitFor(async () => (await errorOf(alice.client, daveProbe, null)) === 'NO_RPC_PROVIDER',
      'dave\'s first connection to be gone')
    const stillOnline = await alice.client.presence.getAll([dave])
    expect(stillOnline[dave] === true, 'dave is online while a connection is left', { stillOnline })
    expect(everyone.filter((entry) => entry.username === dave && !entry.online).length === 0, 'no leave yet',
      { everyone })
    dave2.client.close()
    await waitFor(async () => daveOnly.length === 2, 'dave\'s logout to be seen')
    await settle()
    const leaves = everyone.filter((entry) => entry.username === dave && !entry.online)
    expect(leaves.length === 1 && isDeepStrictEqual(daveOnly[1], { username: dave, online: false }),
      'one leave once both connections left', { leaves, daveOnly })
    const gone = await alice.client.presence.getAll([dave])
    expect(gone[dave] === false, 'dave is offline', { gone })
    return { leaves: leaves.length }
  })

  const unexpected = clientErrors
  report('no-unexpected-client-errors', unexpected.length === 0, { unexpected })
}

run(main)
