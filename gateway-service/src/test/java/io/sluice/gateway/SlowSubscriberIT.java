package io.sluice.gateway;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;

import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.GatewayRoute;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Subscribers that stop reading while events flood: the gateway must close their connections rather than buffer
 * for them, keep its memory within their budgets (a thousand of them at once) and flat once they are cut, and go on
 * delivering every event to a subscriber that does read.
 */
@SpringBootTest(classes = { GatewayTestApplication.class, SlowSubscriberIT.SmallSendBuffers.class }, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "sluice.gateway.outbound-budget=256KB", "sluice.gateway.outbound-limit=1MB",
				"sluice.gateway.stall-timeout=1s" })
class SlowSubscriberIT {

	private static final int EVENTS = 20_000;

	private static final String EVENT = "flood/event";

	private static final int STALLED = 1000;

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	@LocalServerPort
	int port;

	@Autowired
	GatewayRoute route;

	@Test
	void aSubscriberThatStopsReadingIsDisconnectedWhileOthersReceiveEverythingAndHeapStaysFlat() throws Exception {
		long heapBefore = usedHeapAfterGc();
		try (Socket stalled = stalledSubscriber("stalled", EVENT);
				TestClient publisher = TestClient.loggedIn(this.port, "publisher")) {
			AtomicInteger delivered = new AtomicInteger();
			Disposable reader = countingSubscriber(delivered, EVENT);
			try {
				awaitAtLeast(delivered, 1, () -> publisher.send(event(EVENT, "warm-up")));
				int warmUps = delivered.get();
				String payload = "\"" + "x".repeat(1000) + "\"";
				for (int i = 0; i < EVENTS; i++) {
					publisher.send(event(EVENT, payload));
					if (i % 100 == 99) {
						// As fast as a reading subscriber keeps up with, never more than 200 events (about 210 KB)
						// ahead of it: below its 256 KB budget, so however slowly it reads it must never be dropped.
						awaitAtLeast(delivered, warmUps + i + 1 - 100, () -> {
						});
					}
				}
				awaitAtLeast(delivered, warmUps + EVENTS, () -> {
				});
				assertThat(delivered.get()).as("events delivered to the subscriber that reads")
					.isGreaterThanOrEqualTo(warmUps + EVENTS);
				assertThat(closedByServer(stalled)).as("the stalled subscriber's connection is closed").isTrue();
			}
			finally {
				reader.dispose();
			}
		}
		long heapAfter = usedHeapAfterGc();
		// 20,000 events of 1 KB are 20 MB: a gateway that buffered them for the stalled subscriber would show it.
		assertThat(heapAfter - heapBefore).as("heap growth in bytes").isLessThan(16L * 1024 * 1024);
	}

	@Test
	void aThousandSubscribersThatStopReadingHoldLessThanTheirBudgetsAndAreCutOnceStalled() throws Exception {
		String name = "stalled-thousand/event";
		List<Socket> stalled = new ArrayList<>();
		AtomicInteger delivered = new AtomicInteger();
		Disposable reader = null;
		try (TestClient publisher = TestClient.loggedIn(this.port, "thousand-publisher")) {
			for (int i = 0; i < STALLED; i++) {
				stalled.add(stalledSubscriber("stalled-" + i, name));
			}
			reader = countingSubscriber(delivered, name);
			awaitAtLeast(delivered, 1, () -> publisher.send(event(name, "warm-up")));
			assertThat(this.route.connectionCount()).isEqualTo(STALLED + 2);
			long heapBefore = usedHeapAfterGc();
			long directBefore = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
			// Each of these events counts about 200 bytes against a stalled subscriber's budget: 1,000 of them stay
			// below its 256 KB, so every stalled subscriber keeps them (what its socket did not take) and stays.
			String data = "\"" + "y".repeat(100) + "\"";
			int warmUps = delivered.get();
			for (int i = 0; i < 1000; i++) {
				publisher.send(event(name, data));
				if (i % 100 == 99) {
					awaitAtLeast(delivered, warmUps + i + 1, () -> {
					});
				}
			}
			awaitAtLeast(delivered, warmUps + 1000, () -> {
			});
			assertThat(this.route.connectionCount()).as("all connected, under their budgets")
				.isEqualTo(STALLED + 2);
			long heapHeld = usedHeapAfterGc() - heapBefore;
			long directHeld = PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - directBefore;
			System.out.printf("%d stalled subscribers, 1,000 events of 100 bytes each: heap held %d KiB, direct %d KiB%n",
					STALLED, heapHeld / 1024, directHeld / 1024);
			assertThat(heapHeld + directHeld).as("memory held, in bytes, against the budgets' sum")
				.isLessThan(STALLED * 256L * 1024);
			// More events take them over the budget; a second without reading, and each is cut.
			await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(5)).until(() -> {
				publisher.send(event(name, data));
				return this.route.connectionCount() == 2;
			});
			for (Socket socket : stalled) {
				assertThat(closedByServer(socket)).isTrue();
			}
			long heapAfterCut = usedHeapAfterGc() - heapBefore;
			System.out.printf("once they were cut: heap held %d KiB, direct %d KiB%n", heapAfterCut / 1024,
					(PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory() - directBefore) / 1024);
			assertThat(heapAfterCut).as("heap held once they are cut").isLessThan(16L * 1024 * 1024);
		}
		finally {
			if (reader != null) {
				reader.dispose();
			}
			for (Socket socket : stalled) {
				socket.close();
			}
		}
	}

	/**
	 * A fixed send buffer for each accepted socket: on loopback the kernel grows a socket's buffer to megabytes for a
	 * peer that does not read, which would hold most of what a stalled subscriber is sent and hide what the gateway
	 * holds.
	 */
	@TestConfiguration(proxyBeanMethods = false)
	static class SmallSendBuffers {

		@Bean
		NettyServerCustomizer smallSendBuffers() {
			return (server) -> server.childOption(ChannelOption.SO_SNDBUF, 16 * 1024);
		}

	}

	private static Message event(String name, String data) {
		return Message.builder(Topic.EVENT, EventAction.EMIT).name(name).data(data).build();
	}

	/** A logged-in, subscribed client that, from then on, reads nothing at all, with a small receive buffer. */
	private Socket stalledSubscriber(String user, String event) throws IOException {
		Socket socket = new Socket();
		socket.setReceiveBufferSize(4096);
		socket.connect(new InetSocketAddress("127.0.0.1", this.port), 5000);
		socket.setSoTimeout(5000);
		OutputStream out = socket.getOutputStream();
		String key = Base64.getEncoder().encodeToString(new byte[16]);
		out.write(("GET /deepstream HTTP/1.1\r\nHost: 127.0.0.1:" + this.port + "\r\nUpgrade: websocket\r\n"
				+ "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII));
		String response = readHeaders(socket.getInputStream());
		assertThat(response).startsWith("HTTP/1.1 101");
		for (Message message : List.of(
				Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).url("ws://stalled").build(),
				Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{\"username\":\"" + user + "\"}").build(),
				Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of(event)).correlationId("s").build())) {
			out.write(maskedBinaryFrame(MessageCodec.encode(message)));
		}
		out.flush();
		return socket;
	}

	private Disposable countingSubscriber(AtomicInteger delivered, String event) {
		Sinks.Many<byte[]> outbound = Sinks.many().unicast().onBackpressureBuffer();
		outbound.tryEmitNext(MessageCodec.encode(
				Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).url("ws://reader").build()));
		outbound.tryEmitNext(MessageCodec.encode(
				Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{\"username\":\"reader\"}").build()));
		outbound.tryEmitNext(MessageCodec.encode(
				Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of(event)).correlationId("r").build()));
		return HttpClient.create()
			.websocket()
			.uri("ws://127.0.0.1:" + this.port + "/deepstream")
			.handle((in, out) -> out
				.sendObject(outbound.asFlux().map((bytes) -> new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))))
				.then()
				.and(in.receiveFrames().doOnNext((frame) -> {
					Message message = MessageCodec.decode(io.netty.buffer.ByteBufUtil.getBytes(frame.content()));
					if (message.topic() == Topic.EVENT && message.action() == EventAction.EMIT) {
						delivered.incrementAndGet();
					}
				}).then()))
			.subscribe();
	}

	/** Repeats {@code nudge} every 50 ms until {@code counter} reaches {@code target}, within the timeout. */
	private static void awaitAtLeast(AtomicInteger counter, int target, Runnable nudge) {
		// on the test's own thread, which the clients are used from
		await().atMost(TIMEOUT)
			.pollInSameThread()
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(50))
			.until(() -> {
				if (counter.get() >= target) {
					return true;
				}
				nudge.run();
				return false;
			});
	}

	/** Drains what the server had sent and reports whether the server then closed the connection. */
	private static boolean closedByServer(Socket socket) throws IOException {
		// The server's close reaches each socket in its turn; on a busy machine that can take longer than the
		// 5 seconds a read waits while the test runs, so the whole TIMEOUT is given here.
		socket.setSoTimeout((int) TIMEOUT.toMillis());
		InputStream in = socket.getInputStream();
		byte[] buffer = new byte[64 * 1024];
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			try {
				if (in.read(buffer) < 0) {
					return true;
				}
			}
			catch (SocketTimeoutException ex) {
				return false;
			}
			catch (IOException ex) {
				// reset by the server: closed as well
				return true;
			}
		}
		return false;
	}

	private static String readHeaders(InputStream in) throws IOException {
		ByteArrayOutputStream headers = new ByteArrayOutputStream();
		while (!headers.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
			int b = in.read();
			if (b < 0) {
				break;
			}
			headers.write(b);
		}
		return headers.toString(StandardCharsets.US_ASCII);
	}

	private static byte[] maskedBinaryFrame(byte[] payload) {
		ByteArrayOutputStream frame = new ByteArrayOutputStream();
		frame.write(0x82);
		if (payload.length < 126) {
			frame.write(0x80 | payload.length);
		}
		else {
			frame.write(0x80 | 126);
			frame.write(payload.length >> 8);
			frame.write(payload.length & 0xff);
		}
		byte[] mask = new byte[4];
		ThreadLocalRandom.current().nextBytes(mask);
		frame.write(mask, 0, 4);
		for (int i = 0; i < payload.length; i++) {
			frame.write(payload[i] ^ mask[i % 4]);
		}
		return frame.toByteArray();
	}

	private static long usedHeapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
