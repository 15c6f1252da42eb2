package io.sluice.connector.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.MonoSink;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.AppendableQueue;

/**
 * Appends writes to the segment being written. An offer appends its entry itself, on the offering thread, when the
 * pages it needs are faulted in already; otherwise it is handed to the journal's own thread, which starts the next
 * segment or faults in more pages, appends the offers handed to it in their order, and answers them. That thread
 * also keeps pages faulted in ahead of the appends, and on close appends what was offered before, cuts the segment
 * being written to its entries, and stops.
 */
final class JournalWriter {

	private static final Logger logger = LoggerFactory.getLogger(JournalWriter.class);

	/**
	 * The most offers a millisecond that append themselves; past it they go to the journal's thread, which appends
	 * and answers them in groups, beside the threads that offer (a busy writer's event loop then does not do the
	 * answering as well).
	 */
	private static final int INLINE_PER_MILLI = 32;

	private static final long INLINE_WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

	private final JournalSegments segments;

	private final AppendableQueue queue;

	private final JournalSync sync;

	/**
	 * Guards the appends: the active mapping, its position, the offers handed to the journal's thread, and the
	 * buffer entries are encoded in. Held only to encode and copy one entry at a time, never across a system call.
	 */
	private final Object appendLock = new Object();

	/** Offers that found no room ready, oldest first, for the journal's thread; guarded by {@code appendLock}. */
	private final ArrayDeque<Offer> handedOff = new ArrayDeque<>();

	/** The segment being written, or {@code null} once closed; guarded by {@code appendLock}. */
	private SegmentMapping mapping;

	/** Where offers that append themselves encode their entries; guarded by {@code appendLock}. */
	private final JournalEntry.Encoder offering = new JournalEntry.Encoder();

	/** Where the journal's thread encodes the entries handed to it; that thread's alone. */
	private final JournalEntry.Encoder journaling = new JournalEntry.Encoder();

	/** Whether the journal's thread is appending offers it took from the hand-off; guarded by {@code appendLock}. */
	private boolean draining;

	/** Since when (nanoTime) {@code inlineCount} offers appended themselves; guarded by {@code appendLock}. */
	private long inlineSince;

	private int inlineCount;

	/** Whether the journal's thread has been asked to look for work since it last looked. */
	private final AtomicBoolean signalled = new AtomicBoolean();

	private final Thread thread;

	private volatile boolean closed;

	/** Starts appending to {@code first}, the newest segment, mapped; {@code sync} answers the offers appended. */
	JournalWriter(JournalSegments segments, AppendableQueue queue, JournalSync sync, SegmentMapping first) {
		this.segments = segments;
		this.queue = queue;
		this.sync = sync;
		synchronized (this.appendLock) {
			this.mapping = first;
		}
		this.thread = new Thread(this::writeLoop, "sluice-queue-journal");
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Appends the write, or hands it to the journal's thread; the sink is answered once it is appended, and forced
	 * to the disk if {@link Fsync} says so ({@link JournalSync}).
	 */
	void offer(VersionedRecord write, MonoSink<Void> sink) {
		boolean shut;
		boolean appended = false;
		boolean wake = false;
		SegmentMapping appendedTo = null;
		int end = 0;
		synchronized (this.appendLock) {
			// Checked under the lock: once closing has taken the mapping away, no offer can be left behind.
			shut = this.closed || this.mapping == null;
			if (!shut) {
				// Behind an offer handed off, so that the journal keeps the order of the offers.
				appended = mayAppendInline() && appendIfReady(write);
				if (appended) {
					appendedTo = this.mapping;
					end = appendedTo.position;
				}
				else {
					this.handedOff.add(new Offer(write, sink));
				}
				wake = !appended || this.mapping.runningLow();
			}
		}
		if (shut) {
			sink.error(closedError());
			return;
		}
		if (wake) {
			wake();
		}
		if (appended) {
			this.queue.drainConsumers();
			this.sync.appended(appendedTo, end, List.of(sink));
		}
	}

	/** Stops taking offers, appends those already made, and cuts the segment being written. */
	void close() {
		this.closed = true;
		wake();
		try {
			this.thread.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		failHandedOff();
		if (this.thread.isAlive()) {
			logger.warn("The storage queue journal {} did not finish closing within 10 s", this.segments.directory);
		}
	}

	static ConnectorException closedError() {
		return new ConnectorException("file-queue", "The storage queue is closed");
	}

	private void wake() {
		if (this.signalled.compareAndSet(false, true)) {
			LockSupport.unpark(this.thread);
		}
	}

	/**
	 * Whether an offer may append itself: nothing handed off is waiting or being appended (the journal keeps the
	 * order of the offers), and not more than {@link #INLINE_PER_MILLI} offers appended themselves in the last
	 * millisecond. Under {@code appendLock}.
	 */
	private boolean mayAppendInline() {
		if (this.draining || !this.handedOff.isEmpty()) {
			return false;
		}
		long now = System.nanoTime();
		if (now - this.inlineSince > INLINE_WINDOW_NANOS) {
			this.inlineSince = now;
			this.inlineCount = 0;
		}
		return ++this.inlineCount <= INLINE_PER_MILLI;
	}

	/**
	 * Appends the write's entry to the active segment if it fits in the pages faulted in already, and queues it.
	 * Under {@code appendLock}; the consumers are told, and the offer answered, once it is let go.
	 */
	private boolean appendIfReady(VersionedRecord write) {
		SegmentMapping target = this.mapping;
		ByteBuffer frame = this.offering.encode(write);
		int length = frame.remaining();
		if (target.position + length > target.ready) {
			return false;
		}
		target.put(target.position, frame, length);
		target.position += length;
		target.segment.size = target.position;
		this.segments.queue(write, target.segment);
		return true;
	}

	/**
	 * The journal's thread: appends the offers handed to it, in groups, making room for them (faulting in pages,
	 * starting a segment), answers them, and keeps pages faulted in ahead of the appends. On close, it appends
	 * what was offered before, cuts the active segment to its entries and stops.
	 */
	private void writeLoop() {
		while (true) {
			// Cleared before looking, so that a signal given while it looks is not lost.
			this.signalled.set(false);
			boolean stopping = this.closed;
			List<Offer> taken = null;
			SegmentMapping current;
			boolean low;
			int position;
			int ready;
			synchronized (this.appendLock) {
				if (!this.handedOff.isEmpty()) {
					taken = new ArrayList<>(this.handedOff);
					this.handedOff.clear();
					// Until they are appended, offers hand themselves off too, behind them.
					this.draining = true;
				}
				current = this.mapping;
				low = current.runningLow();
				position = current.position;
				ready = current.ready;
			}
			if (taken != null) {
				appendTaken(current, position, ready, taken);
				continue;
			}
			if (low && !stopping) {
				try {
					int upTo = Math.min(current.capacity, position + current.ahead);
					current.touch(ready, upTo);
					synchronized (this.appendLock) {
						current.ready = Math.max(current.ready, upTo);
					}
				}
				catch (ConnectorException ex) {
					// Offers that find no room come here, and are told.
					logger.error(ex.getMessage());
				}
				continue;
			}
			if (stopping) {
				finish();
				return;
			}
			if (!this.signalled.get()) {
				LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
			}
		}
	}

	/**
	 * Appends offers taken from the hand-off, oldest first, outside {@code appendLock}: no offer appends itself
	 * meanwhile. Makes room as it goes; an offer there is no room for fails, and so does every later one taken.
	 */
	private void appendTaken(SegmentMapping first, int firstPosition, int firstReady, List<Offer> taken) {
		SegmentMapping current = first;
		int position = firstPosition;
		int ready = firstReady;
		int appended = 0;
		ConnectorException failure = null;
		for (Offer offer : taken) {
			ByteBuffer frame = this.journaling.encode(offer.write);
			int length = frame.remaining();
			try {
				if ((long) position + length > current.capacity) {
					current = roll(current, length);
					position = current.position;
					ready = current.ready;
				}
				if (position + length > ready) {
					int upTo = (int) Math.min(current.capacity, (long) position + length + current.ahead);
					current.touch(ready, upTo);
					ready = upTo;
				}
			}
			catch (ConnectorException ex) {
				failure = ex;
				break;
			}
			current.put(position, frame, length);
			position += length;
			current.segment.size = position;
			this.segments.queue(offer.write, current.segment);
			appended++;
		}
		synchronized (this.appendLock) {
			current.position = position;
			current.ready = Math.max(current.ready, ready);
			this.draining = false;
		}
		if (appended > 0) {
			this.queue.drainConsumers();
			// Any appended to an earlier segment were forced with it when it was cut, before this one's force.
			List<MonoSink<Void>> sinks = new ArrayList<>(appended);
			for (int i = 0; i < appended; i++) {
				sinks.add(taken.get(i).sink);
			}
			this.sync.appended(current, position, sinks);
		}
		for (int i = appended; i < taken.size(); i++) {
			taken.get(i).sink.error(failure);
		}
		if (failure != null) {
			logger.error(failure.getMessage());
		}
	}

	/**
	 * Starts the next segment, with room for an entry of {@code needed} bytes, and finishes the current one. On the
	 * journal's thread while it appends: no offer appends itself meanwhile.
	 */
	private SegmentMapping roll(SegmentMapping current, int needed) {
		SegmentMapping next;
		try {
			next = this.segments.start(current.segment.number + 1, needed);
		}
		catch (IOException | UncheckedIOException ex) {
			throw new ConnectorException("file-queue", "Starting a new storage queue journal segment in "
					+ this.segments.directory + " failed: " + ex, ex);
		}
		synchronized (this.appendLock) {
			this.mapping = next;
		}
		// No append uses the full segment any more: only this thread has it. Deleted, if committed, once cut.
		this.sync.beforeCut(current);
		current.cut();
		this.segments.deleteCommitted();
		return next;
	}

	/** Closing: cuts the active segment to its entries, and lets go of it. */
	private void finish() {
		SegmentMapping last;
		synchronized (this.appendLock) {
			last = this.mapping;
			this.mapping = null;
		}
		failHandedOff();
		if (last != null) {
			this.sync.beforeCut(last);
			last.cut();
		}
	}

	private void failHandedOff() {
		List<Offer> left;
		synchronized (this.appendLock) {
			left = new ArrayList<>(this.handedOff);
			this.handedOff.clear();
		}
		left.forEach((offer) -> offer.sink.error(closedError()));
	}

	private record Offer(VersionedRecord write, MonoSink<Void> sink) {
	}

}
