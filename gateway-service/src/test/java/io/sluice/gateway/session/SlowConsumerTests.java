package io.sluice.gateway.session;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.Test;

import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.transport.Outbound;
import io.sluice.gateway.transport.OutboundPolicy;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link OutboundPolicy} at work on connections whose socket fills: a client that stops reading is cut within
 * its bound, one that reads slower than a burst receives all of it, and what one client holds stays within its limit.
 */
class SlowConsumerTests {

	private static final Duration STALL = Duration.ofSeconds(10);

	/** The policy's clock, moved by the tests. */
	private final AtomicLong nanos = new AtomicLong();

	@Test
	void aClientThatStopsReadingIsDisconnectedOnceOverItsBudgetForTheStallTimeout() {
		Outbox outbox = stalledAfter("stalled", 20, 10, 1000);
		Connection connection = outbox.connection;
		assertThat(connection.isOpen()).as("over its budget, but not for long").isTrue();
		this.nanos.addAndGet(STALL.toNanos());
		connection.send(new byte[] { 20 });
		assertThat(connection.isOpen()).as("nothing read for exactly the stall timeout").isTrue();
		this.nanos.addAndGet(1_000_000);
		connection.send(new byte[] { 21 });
		assertThat(connection.isOpen()).isFalse();
		assertThat(connection.closedBy().code()).isEqualTo(Connection.SLOW_CONSUMER);
		assertThat(connection.closedBy().reason()).startsWith("Outbound queue full")
			.contains("not reading (nothing read for 10000 ms");
		// What waited is dropped, not drained to a client that is not reading; the close frame says why.
		assertThat(outbox.takePayloads()).isEmpty();
		assertThat(outbox.closeFrame()).isEqualTo(connection.closedBy());
		assertThat(connection.outbound().queued()).isZero();
	}

	@Test
	void aClientThatStopsReadingWithinItsBudgetStaysConnected() {
		Outbox outbox = stalledAfter("quiet", 9, 10, 1000);
		this.nanos.addAndGet(Duration.ofHours(1).toNanos());
		outbox.connection.send(new byte[] { 9 });
		assertThat(outbox.connection.isOpen()).isTrue();
		outbox.socketFull(false);
		assertThat(outbox.takePayloads()).hasSize(10);
	}

	@Test
	void aClientOverItsLimitIsDisconnectedAtOnceReadingOrNot() {
		Outbox outbox = stalledAfter("flooded", 10, 2, 10);
		Connection connection = outbox.connection;
		outbox.socketTakes(1);
		assertThat(connection.isOpen()).isTrue();
		connection.send(new byte[] { 10 });
		assertThat(connection.isOpen()).as("within the limit again, once the socket took one").isTrue();
		connection.send(new byte[] { 11 });
		assertThat(connection.isOpen()).as("over the limit, with no time passed").isFalse();
		assertThat(connection.closedBy().code()).isEqualTo(Connection.SLOW_CONSUMER);
		assertThat(connection.closedBy().reason()).startsWith("Outbound queue full: more than")
			.endsWith("the client is not reading fast enough");
	}

	@Test
	void aSlowReaderReceivesABurstOf50000MessagesInFull() {
		long budget = 64 * 1024;
		Outbox reader = outbox("slow-reader", budget, 16 * 1024 * 1024);
		Subscriptions subscriptions = new Subscriptions();
		subscriptions.subscribe("burst", reader.connection);
		reader.socketFull(true);
		List<byte[]> received = new ArrayList<>();
		long mostQueued = 0;
		for (int i = 0; i < 50_000; i++) {
			subscriptions.send("burst", ByteBuffer.allocate(4).putInt(i).array(), null);
			reader.runPendingTasks();
			// A millisecond a message: the burst lasts 50 s, five times the stall timeout.
			this.nanos.addAndGet(1_000_000);
			mostQueued = Math.max(mostQueued, reader.connection.outbound().queued());
			if (i % 500 == 499) {
				// The reader takes four messages for every five sent: its backlog grows all through the burst.
				reader.socketTakes(400);
				received.addAll(reader.takePayloads());
			}
		}
		assertThat(mostQueued).as("bytes waiting at most").isGreaterThan(10 * budget);
		reader.socketFull(false);
		received.addAll(reader.takePayloads());
		assertThat(reader.connection.isOpen()).isTrue();
		assertThat(received).hasSize(50_000);
		for (int i = 0; i < received.size(); i++) {
			assertThat(ByteBuffer.wrap(received.get(i)).getInt()).as("message %d", i).isEqualTo(i);
		}
	}

	@Test
	void whatAClientThatStopsReadingHoldsStaysWithinItsLimitAndIsFreedWhenItIsCut() {
		long limit = 64 * 1024;
		Outbox stalled = outbox("stalled", 4 * 1024, limit);
		UnpooledByteBufAllocator allocator = new UnpooledByteBufAllocator(true);
		stalled.allocator(allocator);
		Subscriptions subscriptions = new Subscriptions();
		subscriptions.subscribe("flood", stalled.connection);
		stalled.socketFull(true);
		byte[] payload = new byte[100];
		int sent = 0;
		long mostDirect = 0;
		while (stalled.connection.isOpen()) {
			subscriptions.send("flood", payload, null);
			stalled.runPendingTasks();
			sent++;
			assertThat(stalled.connection.outbound().queued()).isLessThanOrEqualTo(limit);
			mostDirect = Math.max(mostDirect, allocator.metric().usedDirectMemory());
		}
		assertThat(sent - 1).as("messages taken before the cut").isEqualTo(limit / OutboundPolicy.charge(100));
		assertThat(mostDirect).as("direct memory held at most").isLessThanOrEqualTo(limit).isPositive();
		stalled.runPendingTasks();
		assertThat(stalled.connection.outbound().queued()).isZero();
		assertThat(allocator.metric().usedDirectMemory()).as("direct memory held once cut").isZero();
	}

	/**
	 * A connection whose socket is full, after it was sent {@code sent} one-byte messages; its budget and limit are
	 * counted in such messages.
	 */
	private Outbox stalledAfter(String id, int sent, int budget, int limit) {
		int charge = OutboundPolicy.charge(1);
		Outbox outbox = outbox(id, (long) budget * charge, (long) limit * charge);
		outbox.socketFull(true);
		for (int i = 0; i < sent; i++) {
			outbox.connection.send(new byte[] { (byte) i });
		}
		outbox.runPendingTasks();
		return outbox;
	}

	private Outbox outbox(String id, long budget, long limit) {
		return new Outbox(id, new OutboundPolicy(budget, limit, STALL.toNanos(), this.nanos::get), FrameCodec.BINARY);
	}

}
