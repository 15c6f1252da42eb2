package io.sluice.record.write;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link DurablePipeline}'s state for one record: its writes between their compare-and-set and their answer, in
 * version order. Guarded by its own monitor, but for {@link #draining}.
 */
final class RecordPipe {

	final String name;

	/** Every write not yet answered, in version order. */
	final ArrayDeque<PendingWrite> answers = new ArrayDeque<>(4);

	/** Writes that won their compare-and-set while a group was in flight. */
	final List<PendingWrite> waiting = new ArrayList<>(4);

	/** Writes that are durable and not announced yet, in version order. */
	final ArrayDeque<PendingWrite> durable = new ArrayDeque<>(4);

	/** Writes that failed, waiting for the cache to agree with storage before they are answered. */
	final List<PendingWrite> condemned = new ArrayList<>(0);

	final AtomicInteger draining = new AtomicInteger();

	/** Whether a group is being made durable or announced. */
	boolean sending;

	/** The failure being recovered from, or {@code null}. */
	Failure failure;

	RecordPipe(String name) {
		this.name = name;
	}

	boolean idle() {
		synchronized (this) {
			return this.answers.isEmpty() && !this.sending && this.failure == null && this.draining.get() == 0;
		}
	}

	/** Why a group of the record could not be made durable, and the first version in it. */
	record Failure(long version, Throwable cause) {
	}

}
