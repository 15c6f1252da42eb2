'use strict'

/*
 * The client side of bench/startup.sh: started beside a server that is just being started, it logs in with the real
 * @deepstream/client as soon as the server accepts a connection, and prints one JSON line:
 *   readyMs        from the server's exec (the epoch milliseconds given as the second argument) to the first login
 *   first          the first login, record read, record write (acknowledged) and event round trip on that server
 *   warm           the median of the next WARM_ROUNDS of each
 * Usage: node first-requests.js <ws-url> <exec-epoch-ms> [name-prefix]
 * With STARTUP_READY_ONLY=1 it stops after the first login and prints readyMs and first.login only: for a deployable
 * that serves logins but whose records need other services (the gateway deployable without a record service).
 * Needs @deepstream/client, installed in clients/node-interop (NODE_PATH points there).
 */

const { DeepstreamClient } = require('@deepstream/client')

const WARM_ROUNDS = 20
const GIVE_UP_MS = 60000

const [url, execArg, prefixArg] = process.argv.slice(2)
if (!url || !execArg) {
  console.error('usage: node first-requests.js <ws-url> <exec-epoch-ms> [name-prefix]')
  process.exit(2)
}
const execMs = Number(execArg)
const prefix = prefixArg || `startup-${process.pid}-${Date.now()}`

// Reconnects every 20 ms at most, so the login lands within one interval of the server accepting it.
const options = { maxReconnectAttempts: Infinity, reconnectIntervalIncrement: 10, maxReconnectInterval: 20, offlineEnabled: false }

function login (client) {
  return new Promise((resolve, reject) => {
    client.login({ username: 'startup' }, (success, data) => (success ? resolve() : reject(new Error(`login refused: ${JSON.stringify(data)}`))))
  })
}

async function timed (action) {
  const start = process.hrtime.bigint()
  await action()
  return Number(process.hrtime.bigint() - start) / 1e6
}

function median (values) {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

/**
 * A new client logged in, and how long its login took: from the moment its connection was open (the client starts
 * its challenge) to the login's answer, so that waiting for the port to open does not count.
 */
async function loginTimed () {
  const client = new DeepstreamClient(url, options)
  client.on('error', () => {})
  let opened = null
  client.on('connectionStateChanged', (state) => {
    if (state === 'CHALLENGING') {
      opened = process.hrtime.bigint()
    }
  })
  await login(client)
  return { client, ms: Number(process.hrtime.bigint() - opened) / 1e6 }
}

function readNew (client, name) {
  const record = client.record.getRecord(name)
  return record.whenReady().then(() => record.discard())
}

function write (client, name, i) {
  return client.record.setDataWithAck(name, { i })
}

// What the subscriber's one handler does with the next event: set by firstEvent, then by each nextEvent.
let onEvent = () => {}

/**
 * The first event: from the subscriber's subscribe to the first of the events the emitter sends every 10 ms arriving
 * (the client emits to its own subscriptions locally, so the subscriber is another client).
 */
function firstEvent (emitter, subscriber, name) {
  return new Promise((resolve) => {
    const interval = setInterval(() => emitter.event.emit(name, 'probe'), 10)
    onEvent = () => {
      clearInterval(interval)
      onEvent = () => {}
      resolve()
    }
    subscriber.event.subscribe(name, (data) => onEvent(data))
  })
}

/** A warm event: from the emit to its arrival at the subscriber. */
function nextEvent (emitter, name, i) {
  return new Promise((resolve) => {
    onEvent = (data) => {
      if (data === i) {
        resolve()
      }
    }
    emitter.event.emit(name, i)
  })
}

async function main () {
  const timer = setTimeout(() => {
    console.log(JSON.stringify({ error: `no login within ${GIVE_UP_MS} ms` }))
    process.exit(1)
  }, GIVE_UP_MS)
  const first = {}
  const { client, ms } = await loginTimed()
  const readyMs = Date.now() - execMs
  first.login = ms
  if (process.env.STARTUP_READY_ONLY === '1') {
    console.log(JSON.stringify({ readyMs, first: { login: Math.round(ms * 10) / 10 } }))
    process.exit(0)
  }
  first.read = await timed(() => readNew(client, `${prefix}/first-read`))
  first.write = await timed(() => write(client, `${prefix}/first-write`, 0))
  const subscriber = await loginTimed()
  first.event = await timed(() => firstEvent(client, subscriber.client, `${prefix}/events`))
  const warm = { login: [], read: [], write: [], event: [] }
  for (let i = 0; i < WARM_ROUNDS; i++) {
    const other = await loginTimed()
    other.client.close()
    warm.login.push(other.ms)
    warm.read.push(await timed(() => readNew(client, `${prefix}/read-${i}`)))
    warm.write.push(await timed(() => write(client, `${prefix}/write-${i}`, i)))
    warm.event.push(await timed(() => nextEvent(client, `${prefix}/events`, i)))
  }
  clearTimeout(timer)
  const round = (n) => Math.round(n * 10) / 10
  console.log(JSON.stringify({
    readyMs,
    first: { login: round(first.login), read: round(first.read), write: round(first.write), event: round(first.event) },
    warm: { login: round(median(warm.login)), read: round(median(warm.read)), write: round(median(warm.write)), event: round(median(warm.event)) }
  }))
  client.close()
  process.exit(0)
}

main().catch((e) => {
  console.log(JSON.stringify({ error: String(e && e.message ? e.message : e) }))
  process.exit(1)
})
