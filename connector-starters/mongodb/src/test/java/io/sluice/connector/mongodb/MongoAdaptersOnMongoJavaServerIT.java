package io.sluice.connector.mongodb;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import org.bson.Document;
import org.bson.types.Binary;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.data.mongodb.core.ReactiveMongoTemplate;

import io.sluice.connector.ConnectorException;
import io.sluice.connector.HistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.VersionedRecord;
import io.sluice.connector.tck.SettableClock;
import io.sluice.connector.tck.TckNames;

import static io.sluice.connector.mongodb.MongoJavaServer.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the MongoDB adapters promise beyond the contracts (document layout, counting, races, offsets after a lost
 * race or lost entries, timestamps, failures), against mongo-java-server answering as MongoDB 5.0.
 */
class MongoAdaptersOnMongoJavaServerIT {

	private static final Retention KEEP_ALL = Retention.entries(1_000);

	private static MongoJavaServer server;

	private static ReactiveMongoTemplate template;

	@BeforeAll
	static void startServer() {
		server = new MongoJavaServer();
		template = server.template("adapters");
	}

	@AfterAll
	static void stopServer() {
		server.close();
	}

	@Test
	void recordIsOneDocumentWithTheExactBytesAndExpiryToTheNanosecond() {
		String collection = TckNames.id("records");
		MongoRecordStore store = new MongoRecordStore(template, collection);
		byte[] data = "{\"h\u00e9\":[1,2]}".getBytes(StandardCharsets.UTF_8);
		Instant expiresAt = Instant.parse("2999-01-02T03:04:05.123456789Z");
		VersionedRecord record = new VersionedRecord("doc", 7, data, false, expiresAt);
		StepVerifier.create(store.upsertIfNewer(List.of(record))).expectNext(1).expectComplete().verify(TIMEOUT);
		Document stored = template.getCollection(collection)
			.flatMap((c) -> Mono.from(c.find(new Document("_id", "doc")).first()))
			.block(TIMEOUT);
		assertThat(stored).isNotNull();
		assertThat(stored.get("v")).isEqualTo(7L);
		assertThat(stored.get("d", Binary.class).getData()).isEqualTo(data);
		assertThat(stored.getBoolean("del")).isFalse();
		assertThat(stored.getDate("exp")).isEqualTo(Date.from(Instant.parse("2999-01-02T03:04:05.123Z")));
		assertThat(stored.get("expNanos")).isEqualTo(456_789);
		StepVerifier.create(store.find("doc")).expectNext(record).expectComplete().verify(TIMEOUT);
	}

	@Test
	void batchCountsExactlyTheRecordsThatWereNewer() {
		MongoRecordStore store = new MongoRecordStore(template, TckNames.id("records"));
		store.upsertIfNewer(List.of(VersionedRecord.of("a", 2, "{}"), VersionedRecord.of("c", 2, "{}")))
			.block(TIMEOUT);
		// a: stale; b: new; c: two versions, the higher one newer than stored; d: equal to nothing stored.
		List<VersionedRecord> batch = List.of(VersionedRecord.of("a", 1, "{}"), VersionedRecord.of("b", 1, "{}"),
				VersionedRecord.of("c", 1, "{}"), VersionedRecord.of("c", 3, "{\"c\":3}"),
				VersionedRecord.tombstone("d", 4));
		StepVerifier.create(store.upsertIfNewer(batch)).expectNext(3).expectComplete().verify(TIMEOUT);
		StepVerifier.create(store.findMany(List.of("a", "b", "c", "d")).map(VersionedRecord::version).sort())
			.expectNext(1L, 2L, 3L, 4L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void firstWritesOfOneNameRacingKeepTheHighestVersion() {
		MongoRecordStore store = new MongoRecordStore(template, TckNames.id("records"));
		int writers = 32;
		List<Integer> counts = Flux
			.merge(IntStream.rangeClosed(1, writers)
				.mapToObj((v) -> store.upsertIfNewer(List.of(VersionedRecord.of("raced", v, "{\"v\":" + v + "}"))))
				.toList())
			.collectList()
			.block(TIMEOUT);
		assertThat(counts).hasSize(writers).allMatch((count) -> count == 0 || count == 1).contains(1);
		StepVerifier.create(store.find("raced"))
			.expectNext(VersionedRecord.of("raced", writers, "{\"v\":" + writers + "}"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void appendAfterAnotherWriterTookTheNextOffsetTakesTheOneAfter() {
		MongoStreamHistory history = history(new SettableClock(Instant.parse("2030-01-01T00:00:00Z")));
		HistoryEntry first = history.append("s", bytes("1"), KEEP_ALL).block(TIMEOUT);
		// Another process's append, stored before this one's: offset 2 is taken.
		Document taken = new Document("stream", "s").append("offset", 2L)
			.append("epoch", first.epoch())
			.append("ts", Date.from(first.timestamp()))
			.append("payload", new Binary(bytes("2")));
		template.getCollection(entriesOf(history)).flatMap((c) -> Mono.from(c.insertOne(taken))).block(TIMEOUT);
		StepVerifier.create(history.append("s", bytes("3"), KEEP_ALL).map(HistoryEntry::offset))
			.expectNext(3L)
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(history.from("s", 1, 10).map(HistoryEntry::offset))
			.expectNext(1L, 2L, 3L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void timestampsDoNotGoBackwardsWhenTheClockDoes() {
		SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00.123456Z"));
		MongoStreamHistory history = history(clock);
		HistoryEntry first = history.append("s", bytes("1"), KEEP_ALL).block(TIMEOUT);
		assertThat(first.timestamp()).isEqualTo(Instant.parse("2030-01-01T00:00:00.123Z"));
		clock.advance(Duration.ofHours(-1));
		HistoryEntry second = history.append("s", bytes("2"), KEEP_ALL).block(TIMEOUT);
		assertThat(second.timestamp()).isEqualTo(first.timestamp());
		StepVerifier.create(history.since("s", first.timestamp(), 10)).expectNext(first, second).expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void retentionByAgeDropsWhatIsOlderThanTheNewestEntryMinusTheAge() {
		SettableClock clock = new SettableClock(Instant.parse("2030-01-01T00:00:00Z"));
		MongoStreamHistory history = history(clock);
		Retention minute = new Retention(100, Duration.ofMinutes(1));
		history.append("s", bytes("old"), minute).block(TIMEOUT);
		clock.advance(Duration.ofSeconds(30));
		HistoryEntry younger = history.append("s", bytes("younger"), minute).block(TIMEOUT);
		clock.advance(Duration.ofSeconds(31));
		HistoryEntry newest = history.append("s", bytes("newest"), minute).block(TIMEOUT);
		StepVerifier.create(history.from("s", 1, 10)).expectNext(younger, newest).expectComplete().verify(TIMEOUT);
		// Long after, an append still keeps itself.
		clock.advance(Duration.ofDays(1));
		HistoryEntry alone = history.append("s", bytes("alone"), minute).block(TIMEOUT);
		StepVerifier.create(history.last("s", 10)).expectNext(alone).expectComplete().verify(TIMEOUT);
	}

	@Test
	void offsetsAreNotReusedAfterTheEntriesWereLost() {
		MongoStreamHistory history = history(new SettableClock(Instant.parse("2030-01-01T00:00:00Z")));
		List<HistoryEntry> appended = Flux.range(1, 3)
			.concatMap((i) -> history.append("s", bytes(Integer.toString(i)), KEEP_ALL))
			.collectList()
			.block(TIMEOUT);
		template.getCollection(entriesOf(history))
			.flatMap((c) -> Mono.from(c.deleteMany(new Document())))
			.block(TIMEOUT);
		StepVerifier.create(history.position("s"))
			.assertNext((position) -> assertThat(position.offset()).isEqualTo(3))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(history.append("s", bytes("4"), KEEP_ALL))
			.assertNext((entry) -> {
				assertThat(entry.offset()).isEqualTo(4);
				assertThat(entry.epoch()).isEqualTo(appended.get(0).epoch());
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void unreachableServerFailsWithAConnectorException() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		try (MongoClient client = MongoClients.create(MongoClientSettings.builder()
			.applyConnectionString(new ConnectionString("mongodb://127.0.0.1:" + port))
			.applyToClusterSettings((cluster) -> cluster.serverSelectionTimeout(300, TimeUnit.MILLISECONDS))
			.build())) {
			ReactiveMongoTemplate unreachable = new ReactiveMongoTemplate(client, "nowhere");
			MongoRecordStore store = new MongoRecordStore(unreachable, "records");
			StepVerifier.create(store.upsertIfNewer(List.of(VersionedRecord.of("r", 1, "{}"))))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ConnectorException.class)
					.hasMessageStartingWith("mongodb: writing 1 records failed"))
				.verify(TIMEOUT);
			MongoStreamHistory history = new MongoStreamHistory(unreachable, "heads", "entries");
			StepVerifier.create(history.last("s", 1))
				.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(ConnectorException.class)
					.hasMessageStartingWith("mongodb: reading stream 's' failed"))
				.verify(TIMEOUT);
		}
	}

	private static MongoStreamHistory history(SettableClock clock) {
		String id = TckNames.id("history");
		MongoStreamHistory history = new MongoStreamHistory(template, id + "_heads", id + "_entries", clock);
		history.createIndexes().block(TIMEOUT);
		return history;
	}

	private static String entriesOf(MongoStreamHistory history) {
		return history.entriesCollection();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
