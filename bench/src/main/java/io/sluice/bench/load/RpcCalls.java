package io.sluice.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.sluice.bench.wire.Frame;
import io.sluice.bench.wire.FrameWriter;
import io.sluice.bench.wire.Frames;

/**
 * RPC: one provider, one caller keeping {@code --in-flight} calls outstanding. The provider accepts and answers
 * each request with its own data, so the caller reads the latency from the timestamp that comes back. Both flush
 * once per socket read, not once per frame, as a client library under load does.
 */
final class RpcCalls {

	private RpcCalls() {
	}

	static RunResult run(Options options) throws Exception {
		String rpc = "bench/rpc/" + UUID.randomUUID();
		String padding = options.padding();
		LongAdder completed = new LongAdder();
		LongAdder errors = new LongAdder();
		AtomicReference<String> firstError = new AtomicReference<>();
		AtomicLong correlation = new AtomicLong();
		CountDownLatch provided = new CountDownLatch(1);
		byte[] name = rpc.getBytes(StandardCharsets.UTF_8);
		byte[] pad = padding.getBytes(StandardCharsets.US_ASCII);
		// Each writer is used on one event loop only: the provider's answers, the caller's calls.
		FrameWriter answers = new FrameWriter();
		FrameWriter calls = new FrameWriter();
		try (LoadClient client = new LoadClient(options.url(), options.threads(), options.sourceAddresses());
				Measurement measurement = new Measurement(options.serverPid())) {
			ClientConnection provider = client.connect((connection, frame) -> {
				if (frame.topic() != Frames.TOPIC_RPC) {
					return;
				}
				if (frame.action() == Frames.RPC_REQUEST && !frame.isAck()) {
					answers.begin(Frames.TOPIC_RPC, Frames.RPC_ACCEPT);
					frame.copyCorrelationId(answers, 3);
					frame.copyName(answers, 7);
					connection.writeAfterRead(answers.finish());
					answers.begin(Frames.TOPIC_RPC, Frames.RPC_RESPONSE);
					frame.copyData(answers, 2);
					frame.copyCorrelationId(answers, 3);
					frame.copyName(answers, 7);
					connection.writeAfterRead(answers.finish());
				}
				else if (frame.action() == Frames.RPC_PROVIDE && frame.isAck()) {
					provided.countDown();
				}
				else if (!frame.isAck()) {
					countError(frame, errors, firstError);
				}
			}).get(30, TimeUnit.SECONDS);
			provider.send(Frames.rpcProvide(rpc, "provide"));
			boolean acknowledged = provided.await(10, TimeUnit.SECONDS);
			AtomicBoolean running = new AtomicBoolean(true);
			ClientConnection caller = client.connect((connection, frame) -> {
				if (frame.topic() != Frames.TOPIC_RPC || frame.action() == Frames.RPC_ACCEPT) {
					return;
				}
				if (frame.action() == Frames.RPC_RESPONSE) {
					measurement.record(System.nanoTime() - frame.timestamp());
					if (measurement.isOpen()) {
						completed.increment();
					}
				}
				else {
					countError(frame, errors, firstError);
				}
				// One call finished (answered or failed): start the next, keeping the same number in flight; the calls
				// started for one read's answers leave together.
				if (running.get()) {
					connection.writeAfterRead(call(calls, name, correlation, pad));
				}
			}).get(30, TimeUnit.SECONDS);
			for (int i = 0; i < options.inFlight(); i++) {
				caller.send(call(new FrameWriter(), name, correlation, pad).toByteArray());
			}
			Measurement.sleep(options.warmup());
			measurement.open();
			measurement.closeAfter(options.duration());
			running.set(false);
			long dropped = (provider.wasDropped() ? 1 : 0) + (caller.wasDropped() ? 1 : 0);
			String note = (acknowledged ? "" : "PROVIDE not acknowledged; ")
					+ ((completed.sum() == 0) ? "no RPC answered; " : "")
					+ ((firstError.get() != null) ? "first error " + firstError.get() : "");
			return new RunResult(options, "rpc in-flight=" + options.inFlight(), completed.sum() / measurement.seconds(),
					"calls/s", measurement.percentileMicros(50), measurement.percentileMicros(99),
					measurement.maxMicros(), measurement.histogram().getTotalCount(), measurement.serverCpu(),
					measurement.serverRssKib(), measurement.clientCpu(), errors.sum(), dropped, note.trim());
		}
	}

	private static FrameWriter call(FrameWriter writer, byte[] name, AtomicLong correlation, byte[] padding) {
		return writer.begin(Frames.TOPIC_RPC, Frames.RPC_REQUEST)
			.timestampedData(System.nanoTime(), padding)
			.decimal(3, correlation.incrementAndGet())
			.bytes(7, name)
			.finish();
	}

	private static void countError(Frame frame, LongAdder errors, AtomicReference<String> firstError) {
		errors.increment();
		firstError.compareAndSet(null, "action " + frame.action() + " " + frame.data());
	}

}
