package io.sluice.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import io.sluice.bench.wire.Frame;
import io.sluice.bench.wire.Frames;

/**
 * The soak's records: a writer updating {@value SoakLoad#RECORD_NAMES} records, watched by two subscribers; each
 * {@link #next() generation} a new writer and new subscribers move to as many new names and the old connections
 * close, so records keep being created and left behind.
 */
final class SoakRecords {

	final LongAdder writes = new LongAdder();

	final LongAdder updates = new LongAdder();

	private final LoadClient client;

	private final String id;

	private final String padding;

	private final SoakConnections connections;

	private final SoakErrors errors;

	private volatile Generation generation;

	private int generationNumber;

	SoakRecords(LoadClient client, String id, String padding, SoakConnections connections, SoakErrors errors) {
		this.client = client;
		this.id = id;
		this.padding = padding;
		this.connections = connections;
		this.errors = errors;
	}

	/** Moves to the next generation of names; the previous one's connections close a little later. */
	void next() {
		Generation previous = this.generation;
		Generation next = new Generation(++this.generationNumber);
		this.generation = next;
		next.start();
		if (previous != null) {
			previous.retire();
		}
	}

	/** Writes {@code count} updates through the current generation's writer, once it is connected; the driver's. */
	void write(int count) {
		Generation generation = this.generation;
		if (generation != null && generation.writer != null) {
			generation.write(count);
		}
	}

	int generations() {
		return this.generationNumber;
	}

	private final class Generation {

		private final String[] names = new String[SoakLoad.RECORD_NAMES];

		private final AtomicLongArray versions = new AtomicLongArray(SoakLoad.RECORD_NAMES);

		private final List<ClientConnection> own = new ArrayList<>();

		private final AtomicInteger subscribed = new AtomicInteger();

		private volatile ClientConnection writer;

		private int nextName;

		Generation(int number) {
			for (int i = 0; i < SoakLoad.RECORD_NAMES; i++) {
				this.names[i] = "soak/record/" + SoakRecords.this.id + "/" + number + "/" + i;
				this.versions.set(i, -1);
			}
		}

		void start() {
			for (int i = 0; i < 2; i++) {
				connect("record subscriber", this::onSubscriberFrame, (connection) -> {
					for (String name : this.names) {
						connection.send(Frames.recordSubscribeCreateAndRead(name, "s"));
					}
				});
			}
			connect("record writer", this::onWriterFrame, (connection) -> {
				for (String name : this.names) {
					connection.send(Frames.recordSubscribeCreateAndRead(name, "w"));
				}
				this.writer = connection;
			});
			SoakRecords.this.connections.schedule(() -> {
				int unread = 0;
				for (int i = 0; i < SoakLoad.RECORD_NAMES; i++) {
					unread += (this.versions.get(i) < 0) ? 1 : 0;
				}
				if (unread > 0) {
					SoakRecords.this.errors.error(
							"record reads of the writer unanswered after " + SoakLoad.TIMEOUT_SECONDS + " s",
							unread + " of generation " + this.names[0]);
				}
				if (this.subscribed.get() < 2 * SoakLoad.RECORD_NAMES) {
					SoakRecords.this.errors.error(
							"record reads of subscribers unanswered after " + SoakLoad.TIMEOUT_SECONDS + " s",
							(2 * SoakLoad.RECORD_NAMES - this.subscribed.get()) + " of generation " + this.names[0]);
				}
			}, SoakLoad.TIMEOUT_SECONDS * 1000L);
		}

		private void connect(String role, ClientConnection.Listener listener, Consumer<ClientConnection> then) {
			SoakRecords.this.client.connect(listener).orTimeout(30, TimeUnit.SECONDS).whenComplete((connection,
					failure) -> {
				if (failure != null) {
					SoakRecords.this.errors.error(role + " could not connect", failure.toString());
					return;
				}
				synchronized (this.own) {
					this.own.add(connection);
				}
				SoakRecords.this.connections.watch(connection, role);
				then.accept(connection);
			});
		}

		/** Writes {@code count} updates, round robin over the names whose read has been answered. */
		void write(int count) {
			List<byte[]> frames = new ArrayList<>(count);
			long now = System.nanoTime();
			for (int i = 0; i < count; i++) {
				int index = this.nextName++ % SoakLoad.RECORD_NAMES;
				long version = this.versions.get(index);
				if (version < 0) {
					continue;
				}
				this.versions.set(index, version + 1);
				frames.add(Frames.recordUpdate(this.names[index], version + 1,
						Frames.timestamped(now, SoakRecords.this.padding)));
			}
			SoakRecords.this.writes.add(frames.size());
			SoakLoad.sendAll(this.writer, frames);
		}

		private void onWriterFrame(ClientConnection connection, Frame frame) {
			if (frame.topic() == Frames.TOPIC_RECORD && frame.action() == Frames.RECORD_READ_RESPONSE) {
				String name = frame.name();
				int index = Integer.parseInt(name.substring(name.lastIndexOf('/') + 1));
				this.versions.compareAndSet(index, -1, Math.max(0, frame.version()));
			}
			else if (!frame.isAck()) {
				SoakRecords.this.errors.unexpected(frame);
			}
		}

		private void onSubscriberFrame(ClientConnection connection, Frame frame) {
			if (frame.topic() == Frames.TOPIC_RECORD && frame.action() == Frames.RECORD_UPDATE) {
				SoakRecords.this.updates.increment();
			}
			else if (frame.topic() == Frames.TOPIC_RECORD && frame.action() == Frames.RECORD_READ_RESPONSE) {
				this.subscribed.incrementAndGet();
			}
			else if (!frame.isAck()) {
				SoakRecords.this.errors.unexpected(frame);
			}
		}

		/** Closes this generation's connections once the next generation's have had time to take over. */
		void retire() {
			SoakRecords.this.connections.schedule(() -> {
				synchronized (this.own) {
					this.own.forEach(SoakRecords.this.connections::closeOnPurpose);
				}
			}, 2000);
		}

	}

}
