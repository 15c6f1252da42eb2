package io.sluice.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

import io.sluice.bench.wire.Frame;

/**
 * The soak's errors: counted, by kind with the first of each, and the first {@value #FIRST} as they happened (also
 * printed to standard error).
 */
final class SoakErrors {

	private static final int FIRST = 20;

	private final LongAdder count = new LongAdder();

	private final List<String> first = new ArrayList<>();

	/** Errors by kind, with the first of each. */
	private final Map<String, ErrorKind> kinds = new ConcurrentHashMap<>();

	private final DoubleSupplier elapsedSeconds;

	SoakErrors(DoubleSupplier elapsedSeconds) {
		this.elapsedSeconds = elapsedSeconds;
	}

	/** An error of one kind (for the summary's count by kind), with what tells this one apart. */
	void error(String kind, String detail) {
		this.count.increment();
		String line = String.format(Locale.ROOT, "%.0f s: %s: %s", this.elapsedSeconds.getAsDouble(), kind, detail);
		this.kinds.computeIfAbsent(kind, (key) -> new ErrorKind(line)).count.increment();
		synchronized (this.first) {
			if (this.first.size() < FIRST) {
				this.first.add(line);
				System.err.println("ERROR " + line);
			}
		}
	}

	/** Counts a frame that no part of the load expects as an error if it is one (an error frame or action). */
	void unexpected(Frame frame) {
		if (frame.isError() || frame.action() >= 100 || frame.action() == 1) {
			error("error frame, topic " + frame.topic() + " action " + frame.action(), frame.toString());
		}
	}

	/** A task whose failure is counted and reported rather than ending its schedule silently. */
	Runnable guard(Runnable task) {
		return () -> {
			try {
				task.run();
			}
			catch (RuntimeException ex) {
				error("load task failed", ex.toString());
			}
		};
	}

	long count() {
		return this.count.sum();
	}

	/** The summary's part on errors: their count by kind, then the first ones. */
	void describe(StringBuilder summary) {
		summary.append("Errors by kind (count, then the first):\n\n");
		this.kinds.forEach((kind, error) -> summary.append("- ")
			.append(error.count.sum())
			.append(" × ")
			.append(error.first)
			.append('\n'));
		summary.append("\nThe first errors:\n\n");
		synchronized (this.first) {
			this.first.forEach((error) -> summary.append("- ").append(error).append('\n'));
		}
		summary.append('\n');
	}

	private static final class ErrorKind {

		final String first;

		final LongAdder count = new LongAdder();

		ErrorKind(String first) {
			this.first = first;
		}

	}

}
