package io.sluice.bench.load;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

import io.sluice.bench.wire.Frame;
import io.sluice.bench.wire.FrameWriter;
import io.sluice.bench.wire.Frames;

/**
 * Record write → notify: a writer pipelines UPDATEs of one record with increasing versions, at a fixed rate or as
 * fast as the window allows; S subscribers of the record receive them. Measures sets/s reaching every subscriber
 * (the slowest one's count) and set→notify latency.
 */
final class RecordWrites {

	private RecordWrites() {
	}

	static RunResult run(Options options) throws Exception {
		String record = "bench/record/" + UUID.randomUUID();
		String padding = options.padding();
		LongAdder delivered = new LongAdder();
		LongAdder errors = new LongAdder();
		AtomicReference<String> firstError = new AtomicReference<>();
		CountDownLatch subscribed = new CountDownLatch(options.subscribers());
		try (LoadClient client = new LoadClient(options.url(), options.subscriberUrls(), options.threads(),
				options.sourceAddresses());
				Measurement measurement = new Measurement(options.serverPid())) {
			ClientConnection.Listener subscriber = (connection, frame) -> {
				if (frame.topic() != Frames.TOPIC_RECORD) {
					return;
				}
				if (frame.action() == Frames.RECORD_UPDATE) {
					if (measurement.isOpen()) {
						measurement.record(System.nanoTime() - frame.timestamp());
						delivered.increment();
					}
				}
				else if (frame.action() == Frames.RECORD_READ_RESPONSE) {
					subscribed.countDown();
				}
				else if (!frame.isAck()) {
					countError(frame, errors, firstError);
				}
			};
			List<ClientConnection> subscribers = client.connectAll(options.subscribers(), 200, subscriber);
			for (int i = 0; i < subscribers.size(); i++) {
				subscribers.get(i).send(Frames.recordSubscribeCreateAndRead(record, Integer.toString(i)));
			}
			if (!subscribed.await(60, TimeUnit.SECONDS)) {
				throw new IllegalStateException(subscribed.getCount() + " record subscriptions were not answered");
			}
			AtomicLong version = new AtomicLong(Long.MIN_VALUE);
			CountDownLatch read = new CountDownLatch(1);
			ClientConnection writer = client.connect((connection, frame) -> {
				if (frame.topic() != Frames.TOPIC_RECORD) {
					return;
				}
				if (frame.action() == Frames.RECORD_READ_RESPONSE) {
					version.set(Math.max(0, frame.version()));
					read.countDown();
				}
				else if (frame.action() != Frames.RECORD_UPDATE && !frame.isAck()) {
					countError(frame, errors, firstError);
				}
			}).get(30, TimeUnit.SECONDS);
			writer.send(Frames.recordSubscribeCreateAndRead(record, "writer"));
			if (!read.await(30, TimeUnit.SECONDS)) {
				throw new IllegalStateException("The writer's read of " + record + " was not answered");
			}
			// Read responses were counted as received: the sender's baselines start after them.
			List<ClientConnection> receivers = new ArrayList<>(subscribers);
			FrameWriter updates = new FrameWriter();
			byte[] name = record.getBytes(StandardCharsets.UTF_8);
			byte[] pad = padding.getBytes(StandardCharsets.US_ASCII);
			Sender sender = new Sender(writer, (now) -> updates.begin(Frames.TOPIC_RECORD, Frames.RECORD_UPDATE)
				.timestampedData(now, pad)
				.bytes(6, name)
				.int32(13, version.incrementAndGet())
				.finish(), options.rate(), EventFanOut.window(options), receivers);
			sender.start();
			Measurement.sleep(options.warmup());
			long slowestBefore = sender.slowestDelivered();
			measurement.open();
			measurement.closeAfter(options.duration());
			long slowestAfter = sender.slowestDelivered();
			sender.stop();
			long dropped = subscribers.stream().filter(ClientConnection::wasDropped).count()
					+ (writer.wasDropped() ? 1 : 0);
			double setsPerSecond = (slowestAfter - slowestBefore) / measurement.seconds();
			String label = "records S=" + options.subscribers() + " "
					+ ((options.rate() > 0) ? "@" + options.rate() + "/s" : "full");
			String note = "delivered msg/s " + Math.round(delivered.sum() / measurement.seconds())
					+ ((firstError.get() != null) ? "; first error " + firstError.get() : "");
			return new RunResult(options, label, setsPerSecond, "sets/s", measurement.percentileMicros(50),
					measurement.percentileMicros(99), measurement.maxMicros(),
					measurement.histogram().getTotalCount(), measurement.serverCpu(), measurement.serverRssKib(),
					measurement.clientCpu(), errors.sum(), dropped, note);
		}
	}

	private static void countError(Frame frame, LongAdder errors, AtomicReference<String> firstError) {
		if (frame.isError() || frame.action() >= 100 || frame.action() == 1) {
			errors.increment();
			firstError.compareAndSet(null, "action " + frame.action() + " " + frame.data());
		}
	}

}
