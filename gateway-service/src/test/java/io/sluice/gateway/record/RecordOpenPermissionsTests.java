package io.sluice.gateway.record;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.listen.ListenProperties;
import io.sluice.gateway.permission.PermissionFile;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Opening a record (SUBSCRIBECREATEANDREAD) under permission rules: create when it is new, and read. */
class RecordOpenPermissionsTests {

	private static final String RULES = """
			record:
			  "*": { create: true, read: true, write: true, delete: true, listen: true, notify: true }
			  "drafts/*": { create: false }
			  "private/$owner": { read: "user.id === $owner" }
			event: { "*": { publish: true } }
			rpc: { "*": { request: true } }
			presence: { "*": { allow: true } }
			""";

	private final StoredRecords records = new StoredRecords();

	private final RecordHandler handler = new RecordHandler(this.records, ListenProperties.defaults(),
			Schedulers.parallel(),
			new Permissions(() -> PermissionFile.parse(RULES, false), this.records, 3, Clock.systemUTC()));

	private final Outbox alice = new Outbox("alice-connection");

	private final Outbox listener = new Outbox("listener-connection");

	RecordOpenPermissionsTests() {
		this.alice.login("alice", null);
		this.listener.login("listener", null);
	}

	@Test
	void aRecordThatMayNotBeCreatedIsNeitherCreatedNorSubscribedTo() {
		open(this.alice, "drafts/1");

		assertThat(this.alice.take()).extracting(Message::action, Message::originalAction, Message::name)
			.containsExactly(tuple(RecordAction.SUBSCRIBECREATEANDREAD, 0, null),
					tuple(RecordAction.MESSAGE_DENIED, RecordAction.SUBSCRIBECREATEANDREAD, "drafts/1"));
		assertThat(this.records.stored).doesNotContainKey("drafts/1");
		assertThat(subscribersFoundBy("drafts/.*")).isEmpty();
	}

	@Test
	void anExistingRecordNeedsOnlyRead() {
		this.records.stored.put("drafts/2", VersionedRecord.of("drafts/2", 4, "{\"a\":1}"));

		open(this.alice, "drafts/2");

		assertThat(this.alice.take()).extracting(Message::action, Message::version)
			.containsExactly(tuple(RecordAction.SUBSCRIBECREATEANDREAD, null), tuple(RecordAction.READ_RESPONSE, 4L));
		assertThat(subscribersFoundBy("drafts/.*")).containsExactly("drafts/2");
	}

	@Test
	void aRecordThatMayNotBeReadIsNotSubscribedToButOneThatMayIs() {
		open(this.alice, "private/bob");
		open(this.alice, "private/alice");

		assertThat(this.alice.take()).extracting(Message::action, Message::name).containsExactly(
				tuple(RecordAction.SUBSCRIBECREATEANDREAD, null), tuple(RecordAction.MESSAGE_DENIED, "private/bob"),
				tuple(RecordAction.SUBSCRIBECREATEANDREAD, null), tuple(RecordAction.READ_RESPONSE, "private/alice"));
		assertThat(subscribersFoundBy("private/.*")).containsExactly("private/alice");
		assertThat(this.records.stored).as("created only once allowed to read it too")
			.containsOnlyKeys("private/alice");
	}

	/** The names a provider listening to {@code pattern} is told have subscribers. */
	private List<String> subscribersFoundBy(String pattern) {
		handle(this.listener, Message.builder(Topic.RECORD, RecordAction.LISTEN).name(pattern).build());
		return this.listener.take().stream()
			.filter((message) -> message.action() == RecordAction.SUBSCRIPTION_FOR_PATTERN_FOUND)
			.map(Message::subscription)
			.toList();
	}

	private void open(Outbox client, String name) {
		handle(client, Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(name))
			.correlationId("open-" + name).build());
	}

	private void handle(Outbox client, Message message) {
		StepVerifier.create(this.handler.handle(client.connection, message)).expectComplete()
			.verify(Duration.ofSeconds(5));
	}

}
