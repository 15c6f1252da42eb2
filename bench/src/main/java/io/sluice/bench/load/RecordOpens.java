package io.sluice.bench.load;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.sluice.bench.wire.Frame;
import io.sluice.bench.wire.FrameWriter;
import io.sluice.bench.wire.Frames;

/**
 * Record opens: one client keeps {@code --in-flight} SUBSCRIBECREATEANDREADs of new names outstanding (what the
 * client's {@code getRecord} sends), each of a name nobody used before, so every one creates a record. Measures
 * opens/s answered with their READ_RESPONSE and open→read latency. The send time travels in the name, which the
 * read answer carries back. The client never discards, so the server's subscriptions grow with every open, on
 * every server alike.
 */
final class RecordOpens {

	private RecordOpens() {
	}

	static RunResult run(Options options) throws Exception {
		String prefix = "bench/open/" + UUID.randomUUID() + "/";
		LongAdder answered = new LongAdder();
		LongAdder errors = new LongAdder();
		AtomicReference<String> firstError = new AtomicReference<>();
		AtomicLong counter = new AtomicLong();
		AtomicBoolean running = new AtomicBoolean(true);
		// Used on the opener's event loop only, after the first opens.
		FrameWriter opens = new FrameWriter();
		try (LoadClient client = new LoadClient(options.url(), options.threads(), options.sourceAddresses());
				Measurement measurement = new Measurement(options.serverPid())) {
			ClientConnection opener = client.connect((connection, frame) -> {
				if (frame.topic() != Frames.TOPIC_RECORD || frame.isAck()) {
					return;
				}
				if (frame.action() == Frames.RECORD_READ_RESPONSE) {
					measurement.record(System.nanoTime() - sentAt(frame.name()));
					if (measurement.isOpen()) {
						answered.increment();
					}
				}
				else {
					errors.increment();
					firstError.compareAndSet(null, "action " + frame.action() + " " + frame.data());
				}
				// One open answered (or failed): start the next; those started for one read leave together.
				if (running.get()) {
					connection.writeAfterRead(open(opens, prefix, counter));
				}
			}).get(30, TimeUnit.SECONDS);
			for (int i = 0; i < options.inFlight(); i++) {
				opener.send(open(new FrameWriter(), prefix, counter).toByteArray());
			}
			Measurement.sleep(options.warmup());
			measurement.open();
			measurement.closeAfter(options.duration());
			running.set(false);
			String note = "records created " + counter.get()
					+ ((firstError.get() != null) ? "; first error " + firstError.get() : "");
			return new RunResult(options, "record-opens in-flight=" + options.inFlight(),
					answered.sum() / measurement.seconds(), "opens/s", measurement.percentileMicros(50),
					measurement.percentileMicros(99), measurement.maxMicros(), measurement.histogram().getTotalCount(),
					measurement.serverCpu(), measurement.serverRssKib(), measurement.clientCpu(), errors.sum(),
					opener.wasDropped() ? 1 : 0, note);
		}
	}

	/** A SUBSCRIBECREATEANDREAD of a new name, {@code prefix + ordinal + "/" + send time in nanoseconds}. */
	private static FrameWriter open(FrameWriter writer, String prefix, AtomicLong counter) {
		long ordinal = counter.incrementAndGet();
		return writer.begin(Frames.TOPIC_RECORD, Frames.RECORD_SUBSCRIBECREATEANDREAD)
			.decimal(3, ordinal)
			.string(7, prefix + ordinal + "/" + System.nanoTime())
			.finish();
	}

	private static long sentAt(String name) {
		return Long.parseLong(name.substring(name.lastIndexOf('/') + 1));
	}

}
