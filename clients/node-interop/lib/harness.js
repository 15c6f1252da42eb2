'use strict'

/*
 * What the interop scripts share: one JSON line per check on stdout, {"check": "...", "ok": true|false, "detail": ...},
 * a timeout per check (INTEROP_STEP_TIMEOUT_MS, 5 s) and one for the whole run (INTEROP_TIMEOUT_MS), clients logged
 * in with their errors kept, and the exit status: 0 when every check passed, 1 when one failed, 2 on the overall
 * timeout. The scripts' tests parse these lines, so their format is the contract.
 */

const { DeepstreamClient } = require('@deepstream/client')
const { socketFactory } = require('@deepstream/client/dist/src/connection/socket-factory')

const POLL_MS = 10

class CheckFailed extends Error {
  constructor (message, detail) {
    super(message)
    this.detail = detail
  }
}

function expect (condition, message, detail) {
  if (!condition) {
    throw new CheckFailed(message, detail)
  }
}

function withTimeout (promise, ms, what) {
  let timer
  const timeout = new Promise((resolve, reject) => {
    timer = setTimeout(() => reject(new CheckFailed(`timed out after ${ms} ms: ${what}`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/**
 * Resolves once condition() returns a truthy value, checking every few milliseconds until the deadline; detail(), if
 * given, says what was seen when it times out.
 */
function waitUntil (condition, ms, what, detail) {
  const deadline = Date.now() + ms
  return new Promise((resolve, reject) => {
    const poll = () => {
      let value
      try {
        value = condition()
      } catch (e) {
        reject(e)
        return
      }
      if (value) {
        resolve(value)
      } else if (Date.now() >= deadline) {
        reject(new CheckFailed(`timed out after ${ms} ms: ${what}`, detail ? detail() : undefined))
      } else {
        setTimeout(poll, POLL_MS)
      }
    }
    poll()
  })
}

/** Client errors carry strings, messages, Errors or socket events; some of them are circular. */
function describe (value) {
  if (typeof value === 'string') return value
  if (value instanceof Error) return value.message
  if (value && typeof value.message === 'string') return value.message
  try {
    return JSON.stringify(value)
  } catch (e) {
    return String((value && (value.message || value.type)) || value)
  }
}

/**
 * A socket factory (the client's socketFactory option) whose sockets add every message they receive to
 * seen.messages and how they closed to seen.closes: what the client itself only reacts to.
 */
function observingSocketFactory (seen) {
  return (socketUrl, socketOptions, heartbeatInterval) => {
    const socket = socketFactory(socketUrl, socketOptions, heartbeatInterval)
    let handler = null
    Object.defineProperty(socket, 'onparsedmessages', {
      set (h) { handler = h },
      get () { return (messages) => { seen.messages.push(...messages); handler(messages) } }
    })
    socket.on('close', (code, reason) => seen.closes.push({ code, reason: String(reason) }))
    return socket
  }
}

/** Prints check lines and counts the failed ones; the clients are closed by whoever ends the run. */
function reporter () {
  let failures = 0
  return {
    clients: [],
    failures: () => failures,
    report (check, ok, detail) {
      if (!ok) {
        failures++
      }
      process.stdout.write(JSON.stringify({ check, ok, detail: detail === undefined ? null : detail }) + '\n')
    }
  }
}

/**
 * A run of checks, each with its own timeout, which stops at the first failed check.
 * @param overallTimeoutMs the default of INTEROP_TIMEOUT_MS
 * @param timeoutDetail more detail for the overall-timeout line, such as the phase
 */
function harness ({ overallTimeoutMs, timeoutDetail = {} }) {
  const OVERALL_TIMEOUT_MS = Number(process.env.INTEROP_TIMEOUT_MS || overallTimeoutMs)
  const STEP_TIMEOUT_MS = Number(process.env.INTEROP_STEP_TIMEOUT_MS || 5000)
  const { clients, failures, report } = reporter()
  const clientErrors = []

  function finish (code) {
    for (const client of clients) {
      try {
        client.close()
      } catch (e) {
        // closing is best effort; the process exits next
      }
    }
    process.exit(code)
  }

  const overallTimer = setTimeout(() => {
    report('overall-timeout', false, { timeoutMs: OVERALL_TIMEOUT_MS, ...timeoutDetail })
    finish(2)
  }, OVERALL_TIMEOUT_MS)

  for (const signal of ['uncaughtException', 'unhandledRejection']) {
    process.on(signal, (error) => {
      report('script-error', false, { signal, error: String(error && error.stack ? error.stack : error) })
      finish(1)
    })
  }

  /** Runs one check with its own timeout; a failed check is reported and stops the run. */
  async function check (name, fn, ms = STEP_TIMEOUT_MS) {
    try {
      const detail = await withTimeout(Promise.resolve().then(fn), ms, name)
      report(name, true, detail)
      return detail
    } catch (e) {
      // the client rejects some promises with a bare string such as 'RECORD_NOT_FOUND'
      const failure = e instanceof CheckFailed ? e : new CheckFailed(e instanceof Error ? e.message : String(e))
      report(name, false, {
        error: failure.message,
        ...(failure.detail === undefined ? {} : { detail: failure.detail }),
        ...(clientErrors.length === 0 ? {} : { clientErrors: clientErrors.slice(-10) })
      })
      throw failure
    }
  }

  /** Logs a client in; it is closed when the run ends, and its errors go to clientErrors. */
  async function connect (url, username, options = {}) {
    const client = new DeepstreamClient(url, { nativeTimerRegistry: true, maxReconnectAttempts: 3, ...options })
    clients.push(client)
    client.on('error', (error, event, topic) => {
      clientErrors.push({ username, event: String(event), topic: String(topic), error: describe(error) })
    })
    const data = await client.login({ username })
    return { client, username, loginData: data === undefined ? null : data }
  }

  /** Runs the checks, then exits: 0 when all passed, 1 otherwise. */
  function run (checks) {
    checks().then(
      () => {
        clearTimeout(overallTimer)
        finish(failures() === 0 ? 0 : 1)
      },
      (error) => {
        clearTimeout(overallTimer)
        if (!(error instanceof CheckFailed)) {
          report('script-error', false, { error: String(error && error.stack ? error.stack : error) })
        }
        finish(1)
      })
  }

  return { STEP_TIMEOUT_MS, clients, clientErrors, report, check, connect, run }
}

module.exports = { POLL_MS, CheckFailed, expect, withTimeout, waitUntil, describe, observingSocketFactory, reporter,
  harness }
