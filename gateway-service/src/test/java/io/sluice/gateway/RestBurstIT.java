package io.sluice.gateway;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A burst of REST requests, many at once, against the gateway: every one is answered, the heap it leaves behind is
 * small, and a WebSocket client keeps being served meanwhile (its pings answered, every event POSTed delivered).
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		// The test's subscriber does not ping every 30 s as a real client does; the burst may outlast 60 s on a busy machine.
		properties = "sluice.gateway.heartbeat-timeout=10m")
class RestBurstIT {

	private static final int REQUESTS = 2_000;

	private static final int CONCURRENCY = 32;

	private static final String EVENT = "rest/burst/events";

	@LocalServerPort
	int port;

	@Test
	void everyRequestOfABurstIsAnsweredAndAWebSocketClientIsStillServed() throws Exception {
		ConnectionProvider connections = ConnectionProvider.builder("rest-burst").maxConnections(CONCURRENCY).build();
		WebClient http = WebClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
			.build();
		try (TestClient subscriber = TestClient.loggedIn(this.port, "burst-subscriber")) {
			subscriber.send(Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of(EVENT)).correlationId("1")
				.build());
			assertThat(subscriber.next().isAck()).isTrue();
			// Warm up (class loading, pools) before the heap is measured.
			burst(http, 200).blockLast(Duration.ofSeconds(60));
			drainEvents(subscriber, 50);
			long heapBefore = usedHeapAfterGc();

			Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
			long started = System.nanoTime();
			burst(http, REQUESTS)
				.doOnNext((status) -> statuses.computeIfAbsent(status, (key) -> new AtomicInteger()).incrementAndGet())
				.blockLast(Duration.ofMinutes(3));
			long elapsedMillis = (System.nanoTime() - started) / 1_000_000;

			int answered = statuses.values().stream().mapToInt(AtomicInteger::get).sum();
			assertThat(answered).isEqualTo(REQUESTS);
			assertThat(statuses.keySet()).as("statuses: %s", statuses).allMatch((status) -> status < 500);
			assertThat(statuses.get(204).get()).as("PUTs and events").isEqualTo(REQUESTS / 2);
			assertThat(statuses.get(200).get()).as("GETs and batch reads").isEqualTo(REQUESTS / 2);
			drainEvents(subscriber, REQUESTS / 4);
			subscriber.assertNothingElseReceived();
			long heapAfter = usedHeapAfterGc();
			System.out.printf("REST burst: %d requests, %d at a time, in %d ms (%d/s); statuses %s; heap after GC "
					+ "%d MiB before, %d MiB after%n", REQUESTS, CONCURRENCY, elapsedMillis,
					REQUESTS * 1000L / Math.max(1, elapsedMillis), statuses, heapBefore >> 20, heapAfter >> 20);
			assertThat(heapAfter - heapBefore).as("heap left behind by the burst").isLessThan(64L << 20);
		}
		finally {
			connections.dispose();
		}
	}

	@Test
	void aWebSocketClientsPingsAreAnsweredDuringABurst() throws Exception {
		ConnectionProvider connections = ConnectionProvider.builder("rest-burst-ping").maxConnections(CONCURRENCY)
			.build();
		WebClient http = WebClient.builder()
			.baseUrl("http://localhost:" + this.port)
			.clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
			.build();
		try (TestClient client = TestClient.loggedIn(this.port, "burst-pinger")) {
			AtomicBoolean running = new AtomicBoolean(true);
			AtomicLong slowestPing = new AtomicLong();
			AtomicInteger pings = new AtomicInteger();
			Mono<Void> load = burst(http, REQUESTS / 2).doFinally((signal) -> running.set(false)).then();
			load.subscribe();
			while (running.get()) {
				long sent = System.nanoTime();
				client.send(Message.builder(Topic.CONNECTION, ConnectionAction.PING).build());
				Message pong = client.next();
				assertThat(pong.action()).isEqualTo(ConnectionAction.PONG);
				slowestPing.accumulateAndGet(System.nanoTime() - sent, Math::max);
				pings.incrementAndGet();
			}
			System.out.printf("REST burst: %d WebSocket pings during it, the slowest answered in %d ms%n", pings.get(),
					slowestPing.get() / 1_000_000);
			assertThat(pings.get()).isPositive();
			assertThat(Duration.ofNanos(slowestPing.get())).isLessThan(Duration.ofSeconds(2));
		}
		finally {
			connections.dispose();
		}
	}

	/** {@code count} requests, {@link #CONCURRENCY} at a time: a PUT, a GET, an event and a batch read in turn. */
	private static Flux<Integer> burst(WebClient http, int count) {
		return Flux.range(0, count).flatMap((i) -> {
			String record = "/api/v1/records/rest/burst/" + (i % 100);
			WebClient.RequestHeadersSpec<?> request = switch (i % 4) {
				case 0 -> http.put().uri(record).contentType(MediaType.APPLICATION_JSON).bodyValue("{\"i\":" + i + "}");
				// the record the PUT before it wrote (in the warm-up, if not yet in this burst)
				case 1 -> http.get().uri("/api/v1/records/rest/burst/" + ((i - 1) % 100));
				case 2 -> http.post().uri("/api/v1/events/" + EVENT).contentType(MediaType.APPLICATION_JSON)
					.bodyValue(Integer.toString(i));
				default -> http.post().uri("/api/v1/records:batchGet").contentType(MediaType.APPLICATION_JSON)
					.bodyValue("{\"names\":[\"rest/burst/1\",\"rest/burst/2\",\"rest/burst/3\",\"rest/burst/4\"]}");
			};
			return request.exchangeToMono((response) -> response.releaseBody()
				.thenReturn(response.statusCode().value()));
		}, CONCURRENCY);
	}

	private static void drainEvents(TestClient subscriber, int count) throws InterruptedException {
		for (int i = 0; i < count; i++) {
			Message event;
			try {
				event = subscriber.next();
			}
			catch (AssertionError ex) {
				throw new AssertionError("Event " + (i + 1) + " of " + count + " missing; the socket's close status: "
						+ subscriber.closeStatus().block(Duration.ofMillis(100)), ex);
			}
			assertThat(event.action()).isEqualTo(EventAction.EMIT);
			assertThat(event.name()).isEqualTo(EVENT);
		}
	}

	private static long usedHeapAfterGc() {
		for (int i = 0; i < 3; i++) {
			System.gc();
		}
		return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
	}

}
