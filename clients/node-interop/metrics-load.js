'use strict'

/*
 * A little of every kind of traffic, with the real @deepstream/client, so that the server's metrics have something
 * to count; prints one JSON line per check:
 *   {"check": "...", "ok": true|false, "detail": ...}
 *
 * Usage: node metrics-load.js <url> <prefix>
 *   url     e.g. ws://localhost:6020/deepstream
 *   prefix  the first segment of every name the run uses
 *
 * The server must allow everything but publishing events under <prefix>/denied/ (a permission file such as
 * "event: {'*': {publish: true, subscribe: true, listen: true}, '*\/denied/*': {publish: false}}"), and let anyone
 * log in (open authentication).
 *
 * Checks: records are set, patched and deleted with write acknowledgements, and a subscriber sees the changes;
 * events reach a subscriber; RPCs are answered; a listener is offered a name its pattern matches; a denied
 * publication is answered MESSAGE_DENIED; an event name beyond the server's limit is refused.
 *
 * Exit status: 0 when every check passed, 1 when one failed, 2 on bad arguments or the overall timeout.
 */

const { waitUntil, expect, harness: startHarness } = require('./lib/harness')

const ROUNDS = Number(process.env.INTEROP_METRICS_ROUNDS || 20)

const [url, prefix] = process.argv.slice(2)
if (!url || !prefix) {
  process.stderr.write('usage: node metrics-load.js <url> <prefix>\n')
  process.exit(2)
}

const harness = startHarness({ overallTimeoutMs: 60000 })
const { STEP_TIMEOUT_MS, clientErrors, check, connect } = harness

function setWithAck (client, name, ...pathAndData) {
  return new Promise((resolve, reject) => client.record.setData(name, ...pathAndData,
    (error) => error ? reject(new Error(String(error))) : resolve()))
}

harness.run(async () => {
  const [a, b] = await Promise.all([connect(url, `${prefix}-a`), connect(url, `${prefix}-b`)])

  await check('records-set-patched-and-deleted', async () => {
    const name = `${prefix}/rec/counted`
    const watched = b.client.record.getRecord(name)
    await watched.whenReady()
    for (let round = 1; round <= ROUNDS; round++) {
      await setWithAck(a.client, name, { round, tags: ['a', 'b'] })
      await setWithAck(a.client, name, 'patched', round)
    }
    await waitUntil(() => watched.get('patched') === ROUNDS, STEP_TIMEOUT_MS, 'the subscriber sees the last patch',
      () => watched.get())
    const doomed = a.client.record.getRecord(`${prefix}/rec/doomed`)
    await doomed.whenReady()
    await setWithAck(a.client, doomed.name, { short: 'lived' })
    await doomed.delete()
    return { rounds: ROUNDS }
  })

  await check('events-reach-a-subscriber', async () => {
    const name = `${prefix}/ev/counted`
    const received = []
    b.client.event.subscribe(name, (data) => received.push(data))
    // the subscription and the emits travel on two connections: emit until the first arrives, then the rest
    await waitUntil(() => { a.client.event.emit(name, 0); return received.length > 0 }, STEP_TIMEOUT_MS,
      'the first event arrives')
    for (let round = 1; round <= ROUNDS; round++) {
      a.client.event.emit(name, round)
    }
    await waitUntil(() => received.includes(ROUNDS), STEP_TIMEOUT_MS, 'the last event arrives', () => received)
    return { received: received.length }
  })

  await check('rpcs-are-answered', async () => {
    const name = `${prefix}/rpc/double`
    b.client.rpc.provide(name, (data, response) => response.send(data * 2))
    let answered = 0
    const deadline = Date.now() + STEP_TIMEOUT_MS
    while (answered < ROUNDS) {
      const { error, result } = await new Promise((resolve) =>
        a.client.rpc.make(name, answered, (error, result) => resolve({ error, result })))
      if (error === 'NO_RPC_PROVIDER' && answered === 0 && Date.now() < deadline) {
        // the provide is not there yet: it travels on the other connection
        continue
      }
      expect(!error && result === answered * 2, 'the provider answers', { error, result })
      answered++
    }
    return { answered }
  })

  await check('a-listener-is-offered-a-matching-name', async () => {
    const offered = []
    a.client.event.listen(`^${prefix}/listened/`, (name, response) => {
      offered.push(name)
      response.accept()
    })
    const name = `${prefix}/listened/one`
    // the listen and the subscription travel on two connections: subscribe again until the listener was asked
    await waitUntil(() => {
      b.client.event.unsubscribe(name)
      b.client.event.subscribe(name, () => {})
      return offered.includes(name)
    }, STEP_TIMEOUT_MS, 'the listener is offered the name', () => offered)
    return { offered }
  })

  await check('a-denied-publication-is-answered-message-denied', async () => {
    a.client.event.emit(`${prefix}/denied/x`, 'no')
    await waitUntil(() => clientErrors.some((e) => e.event === 'MESSAGE_DENIED'), STEP_TIMEOUT_MS,
      'the client hears MESSAGE_DENIED', () => clientErrors)
    return null
  })

  await check('a-name-beyond-the-limit-is-refused', async () => {
    const errorsBefore = clientErrors.length
    a.client.event.emit(`${prefix}/long/${'x'.repeat(2048)}`, 'too long')
    await waitUntil(() => clientErrors.length > errorsBefore, STEP_TIMEOUT_MS, 'the client hears the refusal',
      () => clientErrors)
    return { error: clientErrors[clientErrors.length - 1] }
  })
})
