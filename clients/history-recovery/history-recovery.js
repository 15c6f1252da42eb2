'use strict'

/*
 * Recovery of missed events for the unmodified @deepstream/client against Sluice: subscribes to event names that keep
 * history, remembers the epoch and offset of the last event delivered per name, and after a reconnect reads what was
 * missed through the built-in `sluice/history` RPC ({ name, from }), delivering it in order before any later event.
 * It says whether nothing was missed (`recovered: true`) or whether the server no longer holds everything since the
 * last event delivered, or its epoch changed (`recovered: false`): it never presents a partial catch-up as complete.
 *
 * The binary protocol gives a subscriber's callback an event's data only, without its offset. So the helper treats a
 * live event as a signal that the name has something new, and delivers the events themselves from the history, read
 * from the offset after the last one delivered: exact and in order, at the cost of one round trip per batch of events
 * (further signals while a read is in flight are folded into one more read).
 *
 * A live event signals only once the server has the subscription, and the client sends subscriptions on a timer
 * (`subscriptionInterval` ms after subscribe(), and after a reconnect), not at once. So the helper also reads once
 * after the client has sent them: an event published before the server took the subscription signals nothing, and
 * that read delivers it.
 *
 * Plain JavaScript, no build step, no dependencies: `require('./history-recovery')` or copy the file.
 */

const HISTORY_RPC = 'sluice/history'

class HistoryRecovery {
  /**
   * @param client a logged-in (or logging-in) DeepstreamClient
   * @param options.onRecovery called after each catch-up with { name, recovered, epoch, offset, missed }
   * @param options.onError called with (error, name) when a history read fails; the read is tried again on the next
   *   event or reconnect
   * @param options.subscriptionSentMs how long after a subscribe, or after a reconnect, the client has sent its
   *   subscriptions (it sends them on a timer of subscriptionInterval ms, checked every intervalTimerResolution ms when
   *   its nativeTimerRegistry is off); the helper reads once more after that. By default the client's
   *   subscriptionInterval plus 10 ms, plus its intervalTimerResolution without the native timers
   */
  constructor (client, options = {}) {
    this.client = client
    this.onRecovery = options.onRecovery || (() => {})
    this.onError = options.onError || (() => {})
    this.subscriptionSentMs = options.subscriptionSentMs !== undefined ? options.subscriptionSentMs
      : subscriptionSentMs(client.options || {})
    this.streams = new Map()
    this.lost = false
    this.onState = (state) => this.connectionStateChanged(state)
    client.on('connectionStateChanged', this.onState)
  }

  /**
   * Subscribes to `name`. `callback(data, { offset, epoch })` gets each event once, in the order of its offsets.
   * @param position where to start, as { epoch, offset } of the last event already handled (kept from an earlier
   *   session, say): what came after it is delivered first, and onRecovery says whether that was all of it. Without
   *   one, delivery starts with the events published after the subscription.
   * @return a promise that resolves once the client has sent the subscription and the helper has read the history
   *   after that (with a position, the catch-up included): from then on no event is missed as long as the server
   *   takes a connection's messages in the order they were sent
   */
  subscribe (name, callback, position) {
    if (this.streams.has(name)) {
      throw new Error(`already subscribed to ${name}`)
    }
    const stream = {
      name,
      callback,
      epoch: position ? position.epoch : null,
      offset: position ? position.offset : null,
      reading: false,
      // While a catch-up is to be reported: { missed } counts what is delivered meanwhile, by whichever read
      recovery: position ? { missed: 0 } : null,
      again: null,
      signal: () => this.pull(stream)
    }
    this.streams.set(name, stream)
    this.client.event.subscribe(name, stream.signal)
    // Started after the client's own timer for the subscription, so it fires after the subscription has been sent.
    const sent = delay(this.subscriptionSentMs)
    const first = position ? this.pull(stream) : this.start(stream)
    return Promise.all([first, sent]).then(() => this.pull(stream))
  }

  /** Stops delivering `name`'s events and forgets its position. */
  unsubscribe (name) {
    const stream = this.streams.get(name)
    if (stream) {
      this.streams.delete(name)
      this.client.event.unsubscribe(name, stream.signal)
    }
  }

  /** The { epoch, offset } of the last event delivered for `name`, to keep for a later subscribe; or null. */
  position (name) {
    const stream = this.streams.get(name)
    return stream && stream.epoch !== null ? { epoch: stream.epoch, offset: stream.offset } : null
  }

  /** Stops watching the connection and every name. */
  close () {
    this.client.off('connectionStateChanged', this.onState)
    for (const name of [...this.streams.keys()]) {
      this.unsubscribe(name)
    }
  }

  connectionStateChanged (state) {
    if (state !== 'OPEN') {
      this.lost = true
      return
    }
    if (!this.lost) {
      return
    }
    this.lost = false
    for (const stream of this.streams.values()) {
      if (stream.epoch !== null && !stream.recovery) {
        stream.recovery = { missed: 0 }
      }
      this.pull(stream)
    }
    // The client sends its subscriptions again a moment after it is open: an event published between the read above
    // and the server taking the subscription again signals nothing, so read once more after that.
    setTimeout(() => this.streams.forEach((stream) => this.pull(stream)), this.subscriptionSentMs)
  }

  /** Takes the name's current position as the start: what is already in the history counts as handled. */
  start (stream) {
    return this.exclusive(stream, () => this.goToNewest(stream))
  }

  /**
   * Reads and delivers everything after the last offset delivered; one read at a time per name, a signal during a
   * read makes one more. A read that finds the next offset gone (retention dropped it) or another epoch delivers
   * nothing of it: it reports recovered: false and goes on from the newest event. Without a position yet (the first
   * read failed), it takes the newest event's as the start.
   * @return a promise that resolves once a read begun after this call is done
   */
  pull (stream) {
    if (stream.reading) {
      if (!stream.again) {
        stream.again = deferred()
      }
      return stream.again.promise
    }
    return this.exclusive(stream, () => stream.epoch === null ? this.goToNewest(stream) : this.catchUp(stream))
  }

  /**
   * A read begun after a recovery began reports it once it is done. A read begun earlier may still deliver (one made
   * while the client was offline is sent once it is back): what it delivers counts as missed too.
   */
  async catchUp (stream) {
    const recovery = stream.recovery
    let missed = 0
    let recovered = true
    for (;;) {
      const from = stream.offset + 1
      const page = await this.read({ name: stream.name, from })
      const entries = page.entries
      const continuous = page.epoch === stream.epoch &&
        (entries.length > 0 ? entries[0].offset === from : page.complete)
      if (!continuous) {
        recovered = false
        await this.goToNewest(stream)
        break
      }
      for (const entry of entries) {
        stream.offset = entry.offset
        missed++
        if (stream.recovery) {
          stream.recovery.missed++
        }
        stream.callback(entry.data, { offset: entry.offset, epoch: page.epoch })
      }
      // Incomplete but continuous: the answer was cut at the server's max-read; read on from where it stopped.
      if (page.complete || entries.length === 0) {
        break
      }
    }
    if (!recovered || (recovery && stream.recovery === recovery)) {
      const counted = stream.recovery ? stream.recovery.missed : missed
      stream.recovery = null
      this.onRecovery({ name: stream.name, recovered, epoch: stream.epoch, offset: stream.offset, missed: counted })
    }
  }

  async goToNewest (stream) {
    const page = await this.read({ name: stream.name, last: 1 })
    stream.epoch = page.epoch
    stream.offset = page.entries.length > 0 ? page.entries[page.entries.length - 1].offset : 0
  }

  /** Runs one read of a name's at a time; a read that fails is reported, and tried again on the next signal. */
  async exclusive (stream, work) {
    if (this.streams.get(stream.name) !== stream) {
      return
    }
    stream.reading = true
    try {
      await work()
    } catch (error) {
      this.onError(error, stream.name)
    } finally {
      stream.reading = false
    }
    const again = stream.again
    if (again) {
      stream.again = null
      await this.pull(stream)
      again.resolve()
    }
  }

  read (query) {
    return this.client.rpc.make(HISTORY_RPC, query)
  }
}

/** When a client with these options has sent the subscriptions it was asked for, counted from the asking. */
function subscriptionSentMs (options) {
  const interval = options.subscriptionInterval > 0 ? options.subscriptionInterval : 0
  const resolution = options.nativeTimerRegistry === false ? (options.intervalTimerResolution || 50) : 0
  return interval + resolution + 10
}

function delay (ms) {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function deferred () {
  let resolve
  const promise = new Promise((resolved) => { resolve = resolved })
  return { promise, resolve }
}

module.exports = { HistoryRecovery, HISTORY_RPC }
