package io.sluice.server;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;


import io.sluice.connector.VersionedRecord;
import io.sluice.record.RecordService;
import io.sluice.record.RecordWriteException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis (a real redis-server) goes away under a steady write load and comes back empty: while it is gone, health
 * and readiness are DOWN (liveness stays UP) and every write fails with an error naming the cause, none is
 * acknowledged and lost; once it is back, writes are acknowledged again and versions go on from the last
 * acknowledged one, never backwards. Health answers at once throughout: the connect timeout is left at its 10 s
 * default, which a health check that waited for a connect attempt would take, and every health request must be
 * answered within {@link #HEALTH_ANSWER} (it has no retry that could hide a stall).
 */
class RedisOutageIT {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Duration BACK_WITHIN = Duration.ofSeconds(10);

	/** Far below the connect timeout of 10 s, far above an answer on a busy machine. */
	private static final Duration HEALTH_ANSWER = Duration.ofSeconds(5);

	private final HttpClient http = HttpClient.newHttpClient();

	private ServerOnEmbeddedRedis server;

	@AfterEach
	void close() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void writesFailClearlyWhileRedisIsDownAndRecoverWhenItReturns(@TempDir Path dataDir) throws Exception {
		ServerOnEmbeddedRedis server = new ServerOnEmbeddedRedis(dataDir);
		this.server = server;
		int port = server.port();
		RecordService records = server.bean(RecordService.class);
		String name = "outage/record";

		AtomicLong acknowledged = new AtomicLong();
		writeSeveral(records, name, 50, acknowledged);
		assertThat(acknowledged.get()).isEqualTo(50);
		assertThat(awaitHealth(port, "", 200)).isEqualTo(200);
		assertThat(awaitHealth(port, "/readiness", 200)).as("readiness with Redis up").isEqualTo(200);

		server.stopRedis();
		List<Throwable> failures = new ArrayList<>();
		for (int i = 0; i < 20; i++) {
			records.set(name, RecordService.FORCE, "{\"during\":true}".getBytes(), "load")
				.doOnNext((record) -> acknowledged.set(record.version()))
				.onErrorResume((error) -> {
					failures.add(error);
					return Mono.empty();
				})
				.block(TIMEOUT);
		}
		assertThat(failures).hasSize(20).allSatisfy((failure) -> assertThat(failure)
			.isInstanceOf(RecordWriteException.class)
			.hasMessageContaining("cache"));
		assertThat(acknowledged.get()).as("nothing acknowledged while Redis was down").isEqualTo(50);
		assertThat(awaitHealth(port, "", 503)).as("health while Redis is down").isEqualTo(503);
		assertThat(awaitHealth(port, "/readiness", 503)).as("readiness while Redis is down").isEqualTo(503);
		assertThat(awaitHealth(port, "/liveness", 200)).as("liveness while Redis is down: the process is fine").isEqualTo(200);

		server.startRedis();
		// Reconnect attempts back off to sluice.redis.max-reconnect-delay (1 s), not Lettuce's 30 s.
		VersionedRecord next = await("a write once Redis is back").atMost(BACK_WITHIN)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> records.set(name, RecordService.FORCE, "{\"after\":true}".getBytes(), "load")
				.onErrorResume((error) -> Mono.empty())
				.block(TIMEOUT), Objects::nonNull);
		assertThat(next.version()).as("versions go on from the last acknowledged").isEqualTo(51);
		assertThat(awaitHealth(port, "", 200)).isEqualTo(200);
		assertThat(awaitHealth(port, "/readiness", 200)).as("readiness once Redis is back").isEqualTo(200);
		assertThat(records.read(name).block(TIMEOUT).json()).isEqualTo("{\"after\":true}");
	}

	private static void writeSeveral(RecordService records, String name, int count, AtomicLong acknowledged) {
		Flux.range(1, count)
			.concatMap((i) -> records.set(name, i, ("{\"n\":" + i + "}").getBytes(), "load"))
			.doOnNext((record) -> acknowledged.set(record.version()))
			.blockLast(TIMEOUT);
	}

	/**
	 * The status of a health group once it is {@code expected}; the test fails when it is not by {@link #TIMEOUT},
	 * or when one request is not answered within {@link #HEALTH_ANSWER}.
	 */
	private int awaitHealth(int port, String group, int expected) {
		return await("/actuator/health" + group + " answering " + expected).atMost(TIMEOUT)
			.pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(200))
			.until(() -> health(port, group), (status) -> status == expected);
	}

	private int health(int port, String group) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create("http://127.0.0.1:" + port + "/actuator/health" + group))
			.timeout(HEALTH_ANSWER)
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString()).statusCode();
	}

}
