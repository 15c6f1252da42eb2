package io.sluice.connector.file;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.MonoSink;

import io.sluice.connector.ConnectorException;

/**
 * Forces the journal to the disk as {@link Fsync} says, and answers the offers when that lets it. With
 * {@link Fsync#ALWAYS}, the offers appended wait here, and the journal's sync thread forces every entry appended
 * since its last force at once (a group commit), then answers them all; with {@link Fsync#INTERVAL}, offers are
 * answered once appended, and that thread forces what was appended every interval; with {@link Fsync#NEVER}, there
 * is no such thread. The force is a system call that waits for the disk, so it never runs on an offering thread
 * (a writer's event loop).
 *
 * <p>A force that fails leaves it unknown what reached the disk, and a later force can succeed without writing what
 * the failed one lost. So, like a database that stops on a failed fsync, the journal then fails every offer waiting
 * and every later one, until the process is restarted and the journal read back.
 */
final class JournalSync {

	private static final Logger logger = LoggerFactory.getLogger(JournalSync.class);

	private final Fsync fsync;

	private final long intervalNanos;

	private final JournalDisk disk;

	private final Object lock = new Object();

	/** Offers appended and not yet answered (with {@link Fsync#ALWAYS}); guarded by {@code lock}. */
	private List<MonoSink<Void>> waiting = new ArrayList<>();

	/** The newest segment appended to, and how far; guarded by {@code lock}. */
	private SegmentMapping latest;

	private int latestEnd;

	/** Why the journal can no longer say what is on the disk, or {@code null}. */
	private volatile ConnectorException failure;

	private final AtomicBoolean signalled = new AtomicBoolean();

	private final Thread thread;

	private volatile boolean closed;

	JournalSync(Fsync fsync, Duration interval, JournalDisk disk) {
		this.fsync = fsync;
		this.intervalNanos = interval.toNanos();
		this.disk = disk;
		if (fsync == Fsync.NEVER) {
			this.thread = null;
		}
		else {
			this.thread = new Thread((fsync == Fsync.ALWAYS) ? this::groupCommitLoop : this::intervalLoop,
					"sluice-queue-journal-sync");
			this.thread.setDaemon(true);
			this.thread.start();
		}
	}

	/** Whether the journal is forced at all. */
	boolean forces() {
		return this.fsync != Fsync.NEVER;
	}

	/** The reason offers fail since a force failed, or {@code null}. */
	ConnectorException failure() {
		return this.failure;
	}

	/**
	 * Offers' entries are appended to {@code mapping}, which holds entries up to {@code end}: answers the offers
	 * now, or once their entries are on the disk.
	 */
	void appended(SegmentMapping mapping, int end, List<MonoSink<Void>> sinks) {
		if (this.fsync == Fsync.ALWAYS) {
			synchronized (this.lock) {
				advance(mapping, end);
				this.waiting.addAll(sinks);
			}
			wake();
			return;
		}
		if (this.fsync == Fsync.INTERVAL) {
			synchronized (this.lock) {
				advance(mapping, end);
			}
		}
		sinks.forEach(MonoSink::success);
	}

	/**
	 * Forces a segment no longer appended to whole, before it is cut, on the journal's thread: the offers that
	 * appended to it may be answered once a later segment is forced.
	 */
	void beforeCut(SegmentMapping mapping) {
		if (forces()) {
			force(mapping, (int) mapping.segment.size);
		}
	}

	/** Forces the segments read back on start-up, and the directory's names, before anything is appended. */
	void afterReplay(List<Path> segments, Path directory) throws IOException {
		if (forces()) {
			for (Path segment : segments) {
				this.disk.forceFile(segment);
			}
			this.disk.forceDirectory(directory);
		}
	}

	/** Forces the directory's names, once a segment has been created in it. */
	void created(Path directory) throws IOException {
		if (forces()) {
			this.disk.forceDirectory(directory);
		}
	}

	/** Stops the sync thread once it has answered the offers waiting (the journal forced its last segment). */
	void close() {
		this.closed = true;
		if (this.thread == null) {
			return;
		}
		LockSupport.unpark(this.thread);
		try {
			this.thread.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** Under {@code lock}: the newest segment appended to, and how far, never going back to an older one. */
	private void advance(SegmentMapping mapping, int end) {
		if (this.latest == null || mapping.segment.number > this.latest.segment.number
				|| (mapping == this.latest && end > this.latestEnd)) {
			this.latest = mapping;
			this.latestEnd = end;
		}
	}

	private void wake() {
		if (this.signalled.compareAndSet(false, true)) {
			LockSupport.unpark(this.thread);
		}
	}

	/**
	 * {@link Fsync#ALWAYS}: takes every offer waiting, forces the newest segment up to the end of the newest of
	 * them (older segments were forced whole before they were cut), answers them, and looks again: the offers
	 * appended during a force are forced together by the next.
	 */
	private void groupCommitLoop() {
		while (true) {
			// Cleared before looking, so that a signal given while it looks is not lost.
			this.signalled.set(false);
			boolean stopping = this.closed;
			List<MonoSink<Void>> taken;
			SegmentMapping target;
			int end;
			synchronized (this.lock) {
				taken = this.waiting;
				this.waiting = new ArrayList<>();
				target = this.latest;
				end = this.latestEnd;
			}
			if (!taken.isEmpty()) {
				force(target, end);
				ConnectorException failed = this.failure;
				if (failed != null) {
					taken.forEach((sink) -> sink.error(failed));
				}
				else {
					taken.forEach(MonoSink::success);
				}
				continue;
			}
			if (stopping) {
				return;
			}
			if (!this.signalled.get()) {
				LockSupport.parkNanos(this, TimeUnit.SECONDS.toNanos(1));
			}
		}
	}

	/** {@link Fsync#INTERVAL}: forces what was appended since the last force, every interval, until closed. */
	private void intervalLoop() {
		long next = System.nanoTime() + this.intervalNanos;
		while (!this.closed) {
			long wait = next - System.nanoTime();
			if (wait > 0) {
				LockSupport.parkNanos(this, wait);
				continue;
			}
			SegmentMapping target;
			int end;
			synchronized (this.lock) {
				target = this.latest;
				end = this.latestEnd;
			}
			if (target != null) {
				force(target, end);
			}
			// From the end of this force: a slow disk is not asked again at once.
			next = System.nanoTime() + this.intervalNanos;
		}
	}

	/** Forces {@code mapping} up to {@code end}; on failure, fails the journal from now on. */
	private void force(SegmentMapping mapping, int end) {
		if (this.failure != null) {
			return;
		}
		try {
			mapping.force(this.disk, end);
		}
		catch (UncheckedIOException ex) {
			ConnectorException failed = new ConnectorException("file-queue", "Forcing the storage queue journal "
					+ "segment " + mapping.segment.path + " to the disk failed (" + ex.getMessage() + "): what reached "
					+ "the disk is unknown, so no write is taken until the process is restarted", ex);
			this.failure = failed;
			logger.error(failed.getMessage());
		}
	}

}
