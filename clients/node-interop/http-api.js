'use strict'

/*
 * deepstream's HTTP endpoint (POST /api, POST /api/auth, GET /api) against a server, with the real @deepstream/client
 * on the WebSocket side to see the effects; one JSON line per check: {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node http-api.js <httpBase> <wsUrl> <prefix>
 *   httpBase  e.g. http://localhost:6020 (the endpoint at /api, its auth endpoint at /api/auth)
 *   wsUrl     e.g. ws://localhost:6020/deepstream
 *   prefix    names every record, event and RPC of the run; the permission rules must deny the names under
 *             <prefix>/locked/ (record write, read, delete), <prefix>/nocreate/ (record create),
 *             <prefix>/denied/ (event publish) and <prefix>/secret/ (rpc request)
 *
 * The server must log in users from a users file holding alice (password "alice-password", clientData
 * {favouriteColor: "red"}) and bob (password "bob-password"), must have a request timeout (requestTimeout) well below
 * its RPC response timeout, and a largest request body of 1 MB.
 *
 * A check "http-..." sends one request and reports what came back, {status, json} or {status, text}: whether that is
 * right is for the caller to judge, by comparing servers. The "ws-..." checks judge the effects themselves: what a
 * WebSocket client saw of what was done over HTTP. "batch-5000-emits" sends 5,000 emits in one request three times and reports how long each took.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { DeepstreamClient } = require('@deepstream/client')
const { expect, waitUntil, harness: startHarness } = require('./lib/harness')

const [httpBase, wsUrl, prefix] = process.argv.slice(2)
if (!httpBase || !wsUrl || !prefix) {
  process.stderr.write('usage: node http-api.js <httpBase> <wsUrl> <prefix>\n')
  process.exit(2)
}

const ALICE = { username: 'alice', password: 'alice-password' }
const BOB = { username: 'bob', password: 'bob-password' }
const n = (name) => `${prefix}/${name}`

const harness = startHarness({ overallTimeoutMs: 120000 })
const { STEP_TIMEOUT_MS, clients, check, run } = harness

/** One request; the answer as {status, json} or {status, text} (deepstream ends both with a blank line). */
async function send (method, path, body, contentType = 'application/json') {
  const init = { method, headers: {} }
  if (body !== undefined) {
    init.headers['content-type'] = contentType
    init.body = typeof body === 'string' ? body : JSON.stringify(body)
  }
  const response = await fetch(httpBase + path, init)
  const text = await response.text()
  const type = response.headers.get('content-type') || ''
  if (type.startsWith('application/json')) {
    return { status: response.status, type, json: JSON.parse(text) }
  }
  return { status: response.status, type, text }
}

const batch = (commands, auth = { authData: ALICE }) => send('POST', '/api', { ...auth, body: commands })
const emit = (name, data) => (data === undefined ? { topic: 'event', action: 'emit', eventName: n(name) }
  : { topic: 'event', action: 'emit', eventName: n(name), data })
const read = (name) => ({ topic: 'record', action: 'read', recordName: n(name) })
const head = (name) => ({ topic: 'record', action: 'head', recordName: n(name) })
const del = (name) => ({ topic: 'record', action: 'delete', recordName: n(name) })
const write = (name, data, extra = {}) => ({ topic: 'record', action: 'write', recordName: n(name), data, ...extra })
const make = (name, data) => (data === undefined ? { topic: 'rpc', action: 'make', rpcName: n(name) }
  : { topic: 'rpc', action: 'make', rpcName: n(name), data })

function login (credentials) {
  const client = new DeepstreamClient(wsUrl, { nativeTimerRegistry: true, maxReconnectAttempts: 3, subscriptionInterval: 0 })
  clients.push(client)
  return client.login(credentials).then(() => client)
}

run(async () => {
  // bob, over WebSocket: subscribes to what alice will do over HTTP, and provides her procedures
  const bob = await login(BOB)
  const events = []
  bob.event.subscribe(n('seen'), (data) => events.push(data))
  const seenRecord = bob.record.getRecord(n('watched'))
  await seenRecord.whenReady()
  const calls = []
  bob.rpc.provide(n('echo'), (data, response) => { calls.push(data); response.send(data) })
  bob.rpc.provide(n('fails'), (data, response) => response.error('boom'))
  bob.rpc.provide(n('slow'), () => {})
  // once bob's own call of echo is answered, the provider is known to the server
  await bob.rpc.make(n('echo'), 'ready')
  calls.length = 0

  const http = (name, request, ms) => check(`http-${name}`, request, ms)

  // the request itself
  await http('get', () => send('GET', '/api'))
  await http('no-body', () => send('POST', '/api', {}))
  await http('body-not-an-array', () => send('POST', '/api', { authData: ALICE, body: { topic: 'event' } }))
  await http('body-empty', () => send('POST', '/api', { authData: ALICE, body: [] }))
  await http('body-null', () => send('POST', '/api', { authData: ALICE, body: null }))
  await http('body-top-level-array', () => send('POST', '/api', [emit('x')]))
  await http('malformed-json', () => send('POST', '/api', '{"body": [}'))
  await http('not-json-content-type', () => send('POST', '/api', '{"body": []}', 'text/plain'))
  await http('too-large', () => send('POST', '/api', { authData: ALICE, body: [emit('big', 'x'.repeat(1100000))] }))

  // authentication
  await http('auth-data-not-an-object', () => send('POST', '/api', { authData: 5, body: [emit('x')] }))
  await http('auth-data-null', () => send('POST', '/api', { authData: null, body: [emit('x')] }))
  await http('token-empty', () => send('POST', '/api', { token: '', body: [emit('x')] }))
  await http('token-not-a-string', () => send('POST', '/api', { token: 7, body: [emit('x')] }))
  await http('bad-token', () => batch([emit('x')], { token: 'not-a-token-of-this-server' }))
  await http('wrong-password', () => batch([emit('x')], { authData: { ...ALICE, password: 'wrong' } }))
  await http('no-credentials', () => batch([emit('x')], {}))
  await http('auth-endpoint-wrong-password', () => send('POST', '/api/auth', { ...ALICE, password: 'wrong' }))
  const auth = await http('auth-endpoint', () => send('POST', '/api/auth', ALICE))
  // a server whose authentication issues no tokens (deepstream's users file) gets the auth data again
  await http('with-token-or-auth-data', () => batch([emit('x')],
    auth.json && auth.json.token ? { token: auth.json.token } : { authData: ALICE }))

  // malformed commands
  await http('jif-not-an-object', () => batch(['emit']))
  await http('jif-missing-topic', () => batch([{ action: 'emit', eventName: n('x') }]))
  await http('jif-unknown-topic', () => batch([{ topic: 'weather', action: 'forecast', eventName: n('x') }]))
  await http('jif-unknown-action', () => batch([{ topic: 'record', action: 'erase', recordName: n('x') }]))
  await http('jif-empty-event-name', () => batch([emit('ok'), { topic: 'event', action: 'emit', eventName: '' }]))
  await http('jif-extra-property', () => batch([{ ...read('x'), colour: 'red' }]))
  await http('jif-write-without-data', () => batch([{ topic: 'record', action: 'write', recordName: n('x') }]))
  await http('jif-bad-version', () => batch([write('x', {}, { version: -5 })]))

  // events
  await http('emit', () => batch([emit('seen', { hello: 'world' })]))
  await check('ws-sees-event-emitted-over-http', () => waitUntil(() => events.length === 1, STEP_TIMEOUT_MS,
    'bob receives the event', () => events).then(() => {
    expect(JSON.stringify(events[0]) === '{"hello":"world"}', 'the event data as emitted', events)
    return events
  }))
  await http('emit-without-data', () => batch([emit('quiet')]))
  await http('emit-denied', () => batch([emit('denied/x', 1)]))

  // records
  await http('write-watched', () => batch([write('watched', { colour: 'blue' })]))
  await check('ws-sees-record-written-over-http', () => waitUntil(() => seenRecord.version === 1, STEP_TIMEOUT_MS,
    'bob\'s record reaches version 1', () => ({ version: seenRecord.version, data: seenRecord.get() })).then(() => {
    expect(JSON.stringify(seenRecord.get()) === '{"colour":"blue"}', 'the record data as written', seenRecord.get())
    return { version: seenRecord.version, data: seenRecord.get() }
  }))
  await http('write', () => batch([write('r', { a: 1 })]))
  await http('read', () => batch([read('r')]))
  await http('head', () => batch([head('r')]))
  await http('write-next-version', () => batch([write('r', { a: 2 }, { version: 2 })]))
  await http('write-stale-version', () => batch([write('r', { a: 3 }, { version: 2 })]))
  await http('write-array-version-0', () => batch([write('array', ['x', 'y'], { version: 0 })]))
  await http('read-array', () => batch([read('array')]))
  await http('write-path', () => batch([write('patched', 7, { path: 'a.b' })]))
  await http('read-patched', () => batch([read('patched')]))
  await http('write-invalid-version', () => batch([write('ahead', { a: 1 }), write('ahead', { a: 2 }, { version: 9 })]))
  await http('read-missing', () => batch([read('missing')]))
  await http('head-missing', () => batch([head('missing')]))
  await http('delete', () => batch([del('r')]))
  await http('read-deleted', () => batch([read('r')]))
  await http('delete-missing', () => batch([del('never-written')]))
  await http('list-write', () => batch([{ topic: 'list', action: 'write', listName: n('list'), data: ['a', 'b'] }]))
  await http('list-read', () => batch([{ topic: 'list', action: 'read', listName: n('list') }]))
  await http('list-delete', () => batch([{ topic: 'list', action: 'delete', listName: n('list') }]))

  // permissions
  await http('write-denied', () => batch([write('locked/a', { a: 1 })]))
  await http('write-path-denied', () => batch([write('locked/a', 1, { path: 'a' })]))
  await http('read-denied', () => batch([read('locked/a')]))
  await http('head-denied', () => batch([head('locked/a')]))
  await http('delete-denied', () => batch([del('locked/a')]))
  await http('create-denied', () => batch([write('nocreate/a', { a: 1 })]))
  await http('rpc-denied', () => batch([make('secret/x', 1)]))

  // RPC
  await http('rpc', () => batch([make('echo', { x: 1 })]))
  await check('ws-provider-answers-rpc-made-over-http', () => {
    expect(calls.length === 1 && JSON.stringify(calls[0]) === '{"x":1}', 'bob\'s provider got the call', calls)
    return calls
  })
  await http('rpc-without-data', () => batch([make('echo')]))
  await http('rpc-error', () => batch([make('fails', 1)]))
  await http('rpc-no-provider', () => batch([make('nobody', 1)]))

  // presence
  await http('presence-all', () => batch([{ topic: 'presence', action: 'query' }]))
  await http('presence-some', () => batch([{ topic: 'presence', action: 'query', names: ['alice', 'bob', 'nobody'] }]))

  // batches
  await http('partial-success', () => batch([emit('a'), read('missing'), write('partial', { ok: true }),
    emit('denied/y')]))
  await http('failure', () => batch([read('missing'), emit('denied/z')]))
  await http('timeout', () => batch([emit('before'), make('slow', 1)]), 30000)
  // three times: the first batch after start-up also pays for the JIT compiling the path
  await check('batch-5000-emits', async () => {
    const commands = Array.from({ length: 5000 }, (_, i) => emit('many', i))
    const rounds = []
    for (let round = 0; round < 3; round++) {
      const started = Date.now()
      const answer = await batch(commands)
      const body = answer.json ? answer.json.body : []
      rounds.push({
        status: answer.status,
        result: answer.json && answer.json.result,
        results: body.length,
        succeeded: body.filter((result) => result.success === true).length,
        elapsedMs: Date.now() - started
      })
    }
    return { rounds }
  }, 60000)
})
