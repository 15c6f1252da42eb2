package io.sluice.gateway.record;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.listen.ListenProperties;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Connection;
import io.sluice.gateway.session.Outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.tuple;

/** Listening and NOTIFY through the RECORD topic's handler, against a record service whose reads the test sets. */
class RecordListeningAndNotifyTests {

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final StoredRecords records = new StoredRecords();

	private final RecordHandler handler = new RecordHandler(this.records,
			new ListenProperties(Duration.ofMillis(500), false, Duration.ofSeconds(60), Duration.ofSeconds(10)),
			this.time);

	private final Client provider = new Client("provider");

	private final Client alice = new Client("alice");

	private final Client bob = new Client("bob");

	@BeforeEach
	void startNotifier() {
		this.handler.notifier().start();
	}

	@AfterEach
	void disposeTime() {
		this.handler.notifier().stop();
		this.time.dispose();
	}

	@Test
	void subscriberOfAProvidedRecordHearsOfTheProviderBeforeItsData() {
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 3, "{\"speed\":1}"));
		handle(this.provider, Message.builder(Topic.RECORD, RecordAction.LISTEN).name("car/.*").build());
		handle(this.alice, subscribeCreateAndRead("car/1"));
		assertThat(this.provider.take()).extracting(Message::action).containsExactly(RecordAction.LISTEN,
				RecordAction.SUBSCRIPTION_FOR_PATTERN_FOUND);
		handle(this.provider, Message.builder(Topic.RECORD, RecordAction.LISTEN_ACCEPT).name("car/.*")
			.subscription("car/1").build());
		assertThat(this.alice.take()).extracting(Message::action).containsExactly(RecordAction.SUBSCRIBECREATEANDREAD,
				RecordAction.READ_RESPONSE, RecordAction.SUBSCRIPTION_HAS_PROVIDER);
		handle(this.bob, subscribeCreateAndRead("car/1"));
		assertThat(this.bob.take()).extracting(Message::action).containsExactly(
				RecordAction.SUBSCRIPTION_HAS_PROVIDER, RecordAction.SUBSCRIBECREATEANDREAD,
				RecordAction.READ_RESPONSE);
	}

	@Test
	void providerOfADeletedRecordIsToldItIsNoLongerNeeded() {
		handle(this.provider, Message.builder(Topic.RECORD, RecordAction.LISTEN).name("car/.*").build());
		handle(this.alice, subscribeCreateAndRead("car/1"));
		handle(this.provider, Message.builder(Topic.RECORD, RecordAction.LISTEN_ACCEPT).name("car/.*")
			.subscription("car/1").build());
		this.provider.take();
		handle(this.bob, Message.builder(Topic.RECORD, RecordAction.DELETE).name("car/1").build());
		assertThat(this.alice.take()).extracting(Message::action).contains(RecordAction.DELETED);
		assertThat(this.provider.take()).singleElement().satisfies((removed) -> {
			assertThat(removed.action()).isEqualTo(RecordAction.SUBSCRIPTION_FOR_PATTERN_REMOVED);
			assertThat(removed.subscription()).isEqualTo("car/1");
		});
	}

	@Test
	void closedProviderIsReplacedThroughTheHandler() {
		Client other = new Client("other");
		handle(this.provider, Message.builder(Topic.RECORD, RecordAction.LISTEN).name("car/.*").build());
		handle(other, Message.builder(Topic.RECORD, RecordAction.LISTEN).name("car/[0-9]+").build());
		handle(this.alice, subscribeCreateAndRead("car/1"));
		handle(this.provider, Message.builder(Topic.RECORD, RecordAction.LISTEN_ACCEPT).name("car/.*")
			.subscription("car/1").build());
		this.alice.take();
		assertThat(other.take()).extracting(Message::action).containsExactly(RecordAction.LISTEN);
		this.handler.onClose(this.provider.connection);
		assertThat(this.alice.take()).extracting(Message::action)
			.containsExactly(RecordAction.SUBSCRIPTION_HAS_NO_PROVIDER);
		assertThat(other.take()).singleElement().satisfies((found) -> {
			assertThat(found.action()).isEqualTo(RecordAction.SUBSCRIPTION_FOR_PATTERN_FOUND);
			assertThat(found.name()).isEqualTo("car/[0-9]+");
			assertThat(found.subscription()).isEqualTo("car/1");
		});
	}

	@Test
	void notifyReloadsEachRecordSendsItToAllItsSubscribersAndAcknowledges() {
		handle(this.alice, subscribeCreateAndRead("car/1"));
		handle(this.bob, subscribeCreateAndRead("car/1"));
		this.alice.take();
		this.bob.take();
		// Changed in storage behind the server's back.
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 7, "{\"speed\":7}"));
		this.records.reads.clear();
		handle(this.bob, Message.builder(Topic.RECORD, RecordAction.NOTIFY).names(List.of("car/1", "car/2"))
			.correlationId("n1").build());
		assertThat(this.records.reads).as("subscribers may be on other nodes").containsExactly("car/1", "car/2");
		for (Client client : List.of(this.alice, this.bob)) {
			List<Message> received = client.take();
			assertThat(received).first().satisfies((update) -> {
				assertThat(update.action()).isEqualTo(RecordAction.UPDATE);
				assertThat(update.name()).isEqualTo("car/1");
				assertThat(update.version()).isEqualTo(7L);
				assertThat(update.dataText()).isEqualTo("{\"speed\":7}");
			});
			if (client == this.bob) {
				assertThat(received).last().satisfies((ack) -> {
					assertThat(ack.action()).isEqualTo(RecordAction.NOTIFY);
					assertThat(ack.isAck()).isTrue();
					assertThat(ack.correlationId()).isEqualTo("n1");
				});
			}
		}
	}

	@Test
	void notifyOfARecordDeletedInStorageTellsItsSubscribers() {
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 2, "{}"));
		handle(this.alice, subscribeCreateAndRead("car/1"));
		this.alice.take();
		this.records.stored.put("car/1", VersionedRecord.tombstone("car/1", 3));
		handle(this.bob, Message.builder(Topic.RECORD, RecordAction.NOTIFY).names(List.of("car/1"))
			.correlationId("n2").build());
		assertThat(this.alice.take()).extracting(Message::action).containsExactly(RecordAction.DELETED);
		assertThat(this.bob.take()).extracting(Message::isAck).containsExactly(true);
	}

	@Test
	void notifyThatCannotReadARecordAnswersNotifyError() {
		handle(this.alice, subscribeCreateAndRead("car/1"));
		this.records.failReads = true;
		handle(this.bob, Message.builder(Topic.RECORD, RecordAction.NOTIFY).names(List.of("car/1"))
			.correlationId("n3").build());
		assertThat(this.bob.take()).singleElement().satisfies((error) -> {
			assertThat(error.action()).isEqualTo(RecordAction.RECORD_NOTIFY_ERROR);
			assertThat(error.isError()).isTrue();
			assertThat(error.correlationId()).isEqualTo("n3");
		});
	}

	@Test
	void aChangeOlderThanOneSubscribersWereToldOfIsNotSent() {
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 3, "{\"speed\":3}"));
		handle(this.alice, subscribeCreateAndRead("car/1"));
		this.alice.take();
		// Announced by the record's new owner first, then, late, by the instance that owned it before.
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 5, "{\"speed\":5}"));
		this.records.reload("car/1").block(Duration.ofSeconds(5));
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 4, "{\"speed\":4}"));
		this.records.reload("car/1").block(Duration.ofSeconds(5));
		assertThat(this.alice.take()).singleElement().satisfies((update) -> {
			assertThat(update.action()).isEqualTo(RecordAction.UPDATE);
			assertThat(update.version()).isEqualTo(5);
		});
	}

	@Test
	void aSubscriptionsReadOlderThanAnUpdateItsRecordsSubscribersWereSentIsAnsweredWithThatUpdate() {
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 5, "{\"speed\":5}"));
		handle(this.bob, subscribeCreateAndRead("car/1"));
		this.records.reload("car/1").block(Duration.ofSeconds(5));
		// The record's former record-service instance, answering what it had before v5.
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 4, "{\"speed\":4}"));
		handle(this.alice, Message.builder(Topic.RECORD, RecordAction.SUBSCRIBEANDREAD).names(List.of("car/1"))
			.correlationId("s").build());
		assertThat(this.alice.take()).last().satisfies((read) -> {
			assertThat(read.action()).isEqualTo(RecordAction.READ_RESPONSE);
			assertThat(read.version()).isEqualTo(5);
			assertThat(read.dataText()).isEqualTo("{\"speed\":5}");
		});
	}

	@Test
	void aReadUnderWayWhenAnUpdateIsSentIsNotAnsweredWithAnOlderVersionAfterIt() {
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 4, "{\"speed\":4}"));
		Sinks.Empty<Void> readAnswers = Sinks.empty();
		this.records.readsWaitFor = readAnswers.asMono();
		StepVerifier subscribing = StepVerifier.create(this.handler.handle(this.alice.connection,
				Message.builder(Topic.RECORD, RecordAction.SUBSCRIBEANDREAD).names(List.of("car/1"))
					.correlationId("s")
					.build()))
			.expectComplete()
			.verifyLater();
		// v5 is written and announced while the read, which found v4, is still on its way back.
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 5, "{\"speed\":5}"));
		this.records.reload("car/1").block(Duration.ofSeconds(5));
		readAnswers.tryEmitEmpty();
		subscribing.verify(Duration.ofSeconds(5));
		assertThat(this.alice.take()).extracting(Message::action, Message::version)
			.containsExactly(tuple(RecordAction.SUBSCRIBEANDREAD, null), tuple(RecordAction.UPDATE, 5L),
					tuple(RecordAction.READ_RESPONSE, 5L));
	}

	@Test
	void aResubscriptionsHeadOlderThanAnUpdateItsRecordsSubscribersWereSentReportsThatUpdatesVersion() {
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 5, "{\"speed\":5}"));
		this.records.stored.put("car/2", VersionedRecord.of("car/2", 2, "{}"));
		handle(this.bob, subscribeCreateAndRead("car/1"));
		this.records.reload("car/1").block(Duration.ofSeconds(5));
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 4, "{\"speed\":4}"));
		handle(this.alice, Message.builder(Topic.RECORD, RecordAction.SUBSCRIBEANDHEAD)
			.names(List.of("car/1", "car/2", "car/3"))
			.correlationId("h")
			.build());
		assertThat(this.alice.take()).last().satisfies((heads) -> {
			assertThat(heads.action()).isEqualTo(RecordAction.HEAD_RESPONSE_BULK);
			assertThat(heads.versions()).containsExactly(entry("car/1", 5L), entry("car/2", 2L), entry("car/3", 0L));
		});
	}

	@Test
	void aRecordDeletedAndCreatedAgainIsAnsweredAtItsNewVersion() {
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 5, "{\"speed\":5}"));
		handle(this.bob, subscribeCreateAndRead("car/1"));
		this.records.reload("car/1").block(Duration.ofSeconds(5));
		this.records.stored.put("car/1", VersionedRecord.tombstone("car/1", 6));
		this.records.reload("car/1").block(Duration.ofSeconds(5));
		this.records.stored.put("car/1", VersionedRecord.of("car/1", 0, "{}"));
		handle(this.alice, Message.builder(Topic.RECORD, RecordAction.SUBSCRIBEANDREAD).names(List.of("car/1"))
			.correlationId("s").build());
		assertThat(this.alice.take()).last().satisfies((read) -> {
			assertThat(read.action()).isEqualTo(RecordAction.READ_RESPONSE);
			assertThat(read.version()).isZero();
		});
	}

	private void handle(Client client, Message message) {
		StepVerifier.create(this.handler.handle(client.connection, message)).expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	private static Message subscribeCreateAndRead(String name) {
		return Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(name))
			.correlationId("s-" + name).build();
	}

	/** A connection whose frames the test takes when it looks. */
	private static final class Client {

		final Connection connection;

		private final Outbox outbox;

		Client(String id) {
			this.outbox = new Outbox(id, 1024);
			this.connection = this.outbox.connection;
		}

		List<Message> take() {
			return this.outbox.take();
		}

	}

}
