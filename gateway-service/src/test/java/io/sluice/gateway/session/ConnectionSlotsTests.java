package io.sluice.gateway.session;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import io.sluice.gateway.session.ConnectionSlots.Refusal;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionSlotsTests {

	@Test
	void aNodeTakesMaxConnectionsAndThenRefuses() {
		ConnectionSlots slots = new ConnectionSlots(new ConnectionLimits(2, 0, 1));

		assertThat(slots.take("10.0.0.1")).isNull();
		assertThat(slots.take("10.0.0.2")).isNull();
		assertThat(slots.take("10.0.0.3")).isEqualTo(Refusal.NODE);

		slots.release("10.0.0.1");
		assertThat(slots.take("10.0.0.3")).isNull();
		assertThat(slots.taken()).isEqualTo(2);
	}

	@Test
	void anAddressTakesMaxConnectionsPerAddressWhileOthersStillConnect() {
		ConnectionSlots slots = new ConnectionSlots(new ConnectionLimits(10, 2, 1));

		assertThat(slots.take("10.0.0.1")).isNull();
		assertThat(slots.take("10.0.0.1")).isNull();
		assertThat(slots.take("10.0.0.1")).isEqualTo(Refusal.ADDRESS);
		assertThat(slots.take("10.0.0.2")).isNull();
		assertThat(slots.taken()).as("a refused address gives its node slot back").isEqualTo(3);

		slots.release("10.0.0.1");
		assertThat(slots.take("10.0.0.1")).isNull();
	}

	@Test
	void anAddressWithNoConnectionLeft() {
		ConnectionSlots slots = new ConnectionSlots(new ConnectionLimits(10, 2, 1));
		slots.take("10.0.0.1");
		slots.take("10.0.0.1");

		slots.release("10.0.0.1");
		slots.release("10.0.0.1");

		assertThat(slots.addresses()).isZero();
		assertThat(slots.taken()).isZero();
	}

	@Test
	void aChannelGivesItsSlotBackWhenItClosesAndHoldsOneAtMost() {
		ConnectionSlots slots = new ConnectionSlots(new ConnectionLimits(10, 5, 1));
		EmbeddedChannel channel = new EmbeddedChannel();

		assertThat(slots.admit(channel, "10.0.0.1")).isNull();
		assertThat(slots.admit(channel, "10.0.0.1")).as("a second upgrade on the same channel").isNull();
		assertThat(slots.taken()).isEqualTo(1);
		assertThat(channel.attr(ConnectionSlots.ADDRESS).get()).isEqualTo("10.0.0.1");

		channel.close();
		assertThat(slots.taken()).isZero();
		assertThat(slots.addresses()).isZero();
	}

	@Test
	void aRefusedChannelHoldsNoSlot() {
		ConnectionSlots slots = new ConnectionSlots(new ConnectionLimits(1, 0, 1));
		EmbeddedChannel first = new EmbeddedChannel();
		EmbeddedChannel second = new EmbeddedChannel();
		slots.admit(first, "10.0.0.1");

		assertThat(slots.admit(second, "10.0.0.2")).isEqualTo(Refusal.NODE);
		second.close();
		assertThat(slots.taken()).isEqualTo(1);

		first.close();
		assertThat(slots.taken()).isZero();
	}

	@Test
	void concurrentConnectsAndClosesNeitherExceedTheLimitsNorLeakSlots() throws Exception {
		assertConcurrentUseKeepsWithin(new ConnectionLimits(12, 0, 1), 12);
		assertConcurrentUseKeepsWithin(new ConnectionLimits(1000, 3, 1), 3);
	}

	/** Eight threads connect and close from five addresses; no address ever holds more than {@code perAddress}. */
	private static void assertConcurrentUseKeepsWithin(ConnectionLimits limits, int perAddress) throws Exception {
		ConnectionSlots slots = new ConnectionSlots(limits);
		AtomicIntegerArray holding = new AtomicIntegerArray(5);
		AtomicInteger worst = new AtomicInteger();
		ExecutorService pool = Executors.newFixedThreadPool(8);
		CountDownLatch start = new CountDownLatch(1);
		List<Future<?>> runs = new ArrayList<>();
		try {
			for (int t = 0; t < 8; t++) {
				int thread = t;
				runs.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < 20_000; i++) {
						int address = (thread + i) % 5;
						if (slots.take("10.0.0." + address) == null) {
							worst.accumulateAndGet(holding.incrementAndGet(address), Math::max);
							worst.accumulateAndGet((slots.taken() > limits.maxConnections()) ? Integer.MAX_VALUE : 0,
									Math::max);
							holding.decrementAndGet(address);
							slots.release("10.0.0." + address);
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> run : runs) {
				run.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		assertThat(worst.get()).as("the most connections one address held at once").isLessThanOrEqualTo(perAddress);
		assertThat(slots.taken()).isZero();
		assertThat(slots.addresses()).isZero();
	}

	@Test
	void anIpv6AddressCountsByItsNetwork() throws Exception {
		String one = ConnectionSlots.key(new InetSocketAddress(InetAddress.getByName("2001:db8:1:2::17"), 4000));
		String other = ConnectionSlots.key(new InetSocketAddress(InetAddress.getByName("2001:db8:1:2:ffff::1"), 4001));

		assertThat(one).isEqualTo("2001:0db8:0001:0002::/64").isEqualTo(other);
		assertThat(ConnectionSlots.key(new InetSocketAddress(InetAddress.getByName("192.0.2.7"), 4000)))
			.isEqualTo("192.0.2.7");
	}

}
