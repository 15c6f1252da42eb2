package io.sluice.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.sluice.bench.wire.Frame;
import io.sluice.bench.wire.FrameWriter;
import io.sluice.bench.wire.Frames;

/**
 * Event fan-out: S subscribers on one event, one publisher emitting as fast as the window allows (or at
 * {@code --rate}). Measures delivered messages/s over all subscribers and emit→receive latency from the timestamp
 * each payload carries.
 */
final class EventFanOut {

	private EventFanOut() {
	}

	/**
	 * At a fixed rate, up to one second's worth may be in flight. At full speed, the window asked for, or by default
	 * 20,000 messages over all subscribers (between 20 and 1,000 each): enough to keep the server busy, small
	 * enough that the latency measured is not just the time to drain a deep queue.
	 */
	static int window(Options options) {
		int window = (options.window() > 0) ? options.window()
				: Math.max(20, Math.min(1000, 20_000 / Math.max(1, options.subscribers())));
		return (options.rate() > 0) ? Math.max(window, options.rate()) : window;
	}

	static RunResult run(Options options) throws Exception {
		String event = options.eventPrefix() + UUID.randomUUID();
		String padding = options.padding();
		LongAdder delivered = new LongAdder();
		LongAdder errors = new LongAdder();
		CountDownLatch subscribed = new CountDownLatch(options.subscribers());
		try (LoadClient client = new LoadClient(options.url(), options.subscriberUrls(), options.threads(),
				options.sourceAddresses());
				Measurement measurement = new Measurement(options.serverPid())) {
			ClientConnection.Listener subscriber = (connection, frame) -> onFrame(frame, measurement, delivered,
					errors, subscribed);
			List<ClientConnection> subscribers = client.connectAll(options.subscribers(), 200, subscriber);
			for (int i = 0; i < subscribers.size(); i++) {
				subscribers.get(i).send(Frames.eventSubscribe(event, Integer.toString(i)));
			}
			if (!subscribed.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException(subscribed.getCount() + " subscriptions were not acknowledged");
			}
			ClientConnection publisher = client.connect((connection, frame) -> {
				if (frame.isError()) {
					errors.increment();
				}
			}).get(30, TimeUnit.SECONDS);
			// Subscription acknowledgements were counted as received: the sender's baselines start after them.
			FrameWriter emits = new FrameWriter();
			byte[] name = event.getBytes(StandardCharsets.UTF_8);
			byte[] pad = padding.getBytes(StandardCharsets.US_ASCII);
			Sender sender = new Sender(publisher, (now) -> emits.begin(Frames.TOPIC_EVENT, Frames.EVENT_EMIT)
				.timestampedData(now, pad)
				.bytes(6, name)
				.finish(), options.rate(), window(options), subscribers);
			sender.start();
			Measurement.sleep(options.warmup());
			long before = delivered.sum();
			measurement.open();
			measurement.closeAfter(options.duration());
			long after = delivered.sum();
			sender.stop();
			long dropped = subscribers.stream().filter(ClientConnection::wasDropped).count();
			double rate = (after - before) / measurement.seconds();
			String label = "events S=" + options.subscribers() + ((options.rate() > 0) ? " @" + options.rate() : "")
					+ (options.eventPrefix().equals(Options.EVENT_PREFIX) ? "" : " " + options.eventPrefix());
			return new RunResult(options, label, rate, "msg/s", measurement.percentileMicros(50),
					measurement.percentileMicros(99), measurement.maxMicros(),
					measurement.histogram().getTotalCount(), measurement.serverCpu(), measurement.serverRssKib(),
					measurement.clientCpu(), errors.sum(), dropped, "emits/s " + Math.round(sender.sent()
							/ (options.warmup().toMillis() / 1000.0 + measurement.seconds())));
		}
	}

	private static void onFrame(Frame frame, Measurement measurement, LongAdder delivered, LongAdder errors,
			CountDownLatch subscribed) {
		if (frame.topic() != Frames.TOPIC_EVENT) {
			return;
		}
		if (frame.action() == Frames.EVENT_EMIT) {
			if (measurement.isOpen()) {
				measurement.record(System.nanoTime() - frame.timestamp());
				delivered.increment();
			}
		}
		else if (frame.action() == Frames.EVENT_SUBSCRIBE && frame.isAck()) {
			subscribed.countDown();
		}
		else if (frame.isError() || frame.action() >= 100 || frame.action() == 1) {
			errors.increment();
		}
	}

}
