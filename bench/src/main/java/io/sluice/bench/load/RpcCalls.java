package io.sluice.bench.load;

import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.sluice.bench.wire.Frame;
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
		try (LoadClient client = new LoadClient(options.url(), options.threads(), options.sourceAddresses());
				Measurement measurement = new Measurement(options.serverPid())) {
			ClientConnection provider = client.connect((connection, frame) -> {
				if (frame.topic() != Frames.TOPIC_RPC) {
					return;
				}
				if (frame.action() == Frames.RPC_REQUEST && !frame.isAck()) {
					String name = frame.name();
					String id = frame.correlationId();
					connection.writeAfterRead(Frames.rpcAccept(name, id));
					connection.writeAfterRead(Frames.rpcResponse(name, id, frame.data().getBytes()));
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
					connection.writeAfterRead(call(rpc, correlation, padding));
				}
			}).get(30, TimeUnit.SECONDS);
			for (int i = 0; i < options.inFlight(); i++) {
				caller.send(call(rpc, correlation, padding));
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

	private static byte[] call(String rpc, AtomicLong correlation, String padding) {
		return Frames.rpcRequest(rpc, Long.toString(correlation.incrementAndGet()),
				Frames.timestamped(System.nanoTime(), padding));
	}

	private static void countError(Frame frame, LongAdder errors, AtomicReference<String> firstError) {
		errors.increment();
		firstError.compareAndSet(null, "action " + frame.action() + " " + frame.data());
	}

}
