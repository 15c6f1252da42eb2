package io.sluice.gateway.permission;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.PresenceAction;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.record.StoredRecords;
import io.sluice.gateway.session.Outbox;

import static org.assertj.core.api.Assertions.assertThat;

class PermissionGateTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String RULES = """
			record:
			  "*": { create: true, read: true, write: true, delete: true, listen: true, notify: true }
			  "secret/*": { read: false, listen: false, notify: false }
			  "locked/*": { create: false }
			  "counters/*": { write: "data.count > oldData.count" }
			  "broken/*": { write: "data.a.b.c" }
			event:
			  "*": { publish: true, subscribe: true, listen: false }
			  "news/*": { subscribe: "user.id !== 'mallory'" }
			  "admin/*": { publish: false }
			rpc:
			  "*": { provide: true, request: true }
			  "add": { provide: "user.id === 'calculator'", request: "data.a < 100" }
			presence:
			  "*": { allow: "user.id !== 'mallory'" }
			""";

	private final StoredRecords records = new StoredRecords();

	private final PermissionGate gate = new PermissionGate(
			new Permissions(() -> PermissionFile.parse(RULES, false), this.records, 3, Clock.systemUTC()));

	private final Outbox client = new Outbox("mallory-connection");

	PermissionGateTests() {
		this.client.login("mallory", null);
	}

	@Test
	void anAllowedMessageGoesOnUnchangedAtOnce() {
		Message emit = Message.builder(Topic.EVENT, EventAction.EMIT).name("chat/1").data("\"hi\"").build();

		assertThat(PermissionGate.now(this.gate.admit(this.client.connection, emit))).isSameAs(emit);
		assertThat(this.client.take()).isEmpty();
	}

	@Test
	void aDeniedPublishIsAnsweredWithMessageDeniedAndGoesNoFurther() {
		Message emit = Message.builder(Topic.EVENT, EventAction.EMIT).name("admin/reboot").data("1").build();

		assertThat(decided(emit)).isNull();
		assertThat(this.client.take()).containsExactly(Message.builder(Topic.EVENT, EventAction.MESSAGE_DENIED)
			.originalAction(EventAction.EMIT).name("admin/reboot").isError(true).build());
	}

	@Test
	void ofSeveralNamesOnlyThoseAllowedGoOnAndEachDeniedOneIsAnswered() {
		Message subscribe = Message.builder(Topic.EVENT, EventAction.SUBSCRIBE)
			.names(List.of("chat/1", "news/a", "chat/2", "news/b")).correlationId("7").build();

		Message admitted = decided(subscribe);

		assertThat(admitted.names()).containsExactly("chat/1", "chat/2");
		assertThat(this.client.take()).extracting(Message::action, Message::name, Message::correlationId)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(EventAction.MESSAGE_DENIED, "news/a", "7"),
					org.assertj.core.groups.Tuple.tuple(EventAction.MESSAGE_DENIED, "news/b", "7"));
	}

	@Test
	void whenEveryNameIsDeniedNothingGoesOn() {
		Message subscribe = Message.builder(Topic.RECORD, RecordAction.SUBSCRIBEANDHEAD)
			.names(List.of("secret/1", "secret/2")).build();

		assertThat(decided(subscribe)).isNull();
		assertThat(this.client.take()).extracting(Message::action)
			.containsExactly(RecordAction.MESSAGE_DENIED, RecordAction.MESSAGE_DENIED);
	}

	@Test
	void aWriteThatNeedsTheRecordIsDecidedOnceItIsReadAndTheAnswerKeepsTheWriteAck() {
		this.records.stored.put("counters/c", VersionedRecord.of("counters/c", 1, "{\"count\":2}"));
		Message down = Message.builder(Topic.RECORD, RecordAction.UPDATE).name("counters/c").version(2)
			.data("{\"count\":1}").isWriteAck(true).correlationId("w1").build();
		Message up = down.toBuilder().data("{\"count\":3}").build();

		StepVerifier.create(this.gate.admit(this.client.connection, down)).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.gate.admit(this.client.connection, up)).expectNext(up).expectComplete().verify(TIMEOUT);
		assertThat(this.client.take()).containsExactly(Message.builder(Topic.RECORD, RecordAction.MESSAGE_DENIED)
			.originalAction(RecordAction.UPDATE).name("counters/c").correlationId("w1").isWriteAck(true).isError(true)
			.build());
	}

	@Test
	void createAndUpdateNeedsCreateAsWellAsWrite() {
		Message upsert = Message.builder(Topic.RECORD, RecordAction.CREATEANDUPDATE).name("locked/1").version(-1)
			.data("{}").build();

		assertThat(decided(upsert)).isNull();
		assertThat(this.client.take()).extracting(Message::action, Message::originalAction)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(RecordAction.MESSAGE_DENIED,
					RecordAction.CREATEANDUPDATE));
		Message allowed = upsert.toBuilder().name("open/1").build();
		assertThat(decided(allowed)).isSameAs(allowed);
	}

	@Test
	void aRuleThatFailsIsAPermissionError() {
		Message write = Message.builder(Topic.RECORD, RecordAction.UPDATE).name("broken/1").version(1).data("{}")
			.build();

		assertThat(decided(write)).isNull();
		assertThat(this.client.take()).extracting(Message::action).containsExactly(RecordAction.MESSAGE_PERMISSION_ERROR);
	}

	@Test
	void rpcAndPresenceAndListeningAreChecked() {
		assertThat(decided(Message.builder(Topic.RPC, RpcAction.PROVIDE).names(List.of("add")).build())).isNull();
		assertThat(decided(Message.builder(Topic.RPC, RpcAction.REQUEST).name("add").correlationId("r")
			.data("{\"a\":500}").build())).isNull();
		assertThat(decided(Message.builder(Topic.PRESENCE, PresenceAction.SUBSCRIBE_ALL).build())).isNull();
		assertThat(decided(Message.builder(Topic.EVENT, EventAction.LISTEN).name("x/.*").subscription("x/.*")
			.build())).isNull();
		assertThat(decided(Message.builder(Topic.RECORD, RecordAction.NOTIFY).names(List.of("secret/1")).build()))
			.isNull();
		assertThat(this.client.take()).extracting(Message::topic, Message::action)
			.containsExactly(org.assertj.core.groups.Tuple.tuple(Topic.RPC, RpcAction.MESSAGE_DENIED),
					org.assertj.core.groups.Tuple.tuple(Topic.RPC, RpcAction.MESSAGE_DENIED),
					org.assertj.core.groups.Tuple.tuple(Topic.PRESENCE, PresenceAction.MESSAGE_DENIED),
					org.assertj.core.groups.Tuple.tuple(Topic.EVENT, EventAction.MESSAGE_DENIED),
					org.assertj.core.groups.Tuple.tuple(Topic.RECORD, RecordAction.MESSAGE_DENIED));
	}

	@Test
	void endingThingsAndMalformedMessagesGoOnForTheirHandlers() {
		Message unsubscribe = Message.builder(Topic.EVENT, EventAction.UNSUBSCRIBE).names(List.of("news/a")).build();
		Message nameless = Message.builder(Topic.RECORD, RecordAction.UPDATE).version(1).data("{}").build();
		Message open = Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of("secret/1"))
			.build();

		assertThat(decided(unsubscribe)).isSameAs(unsubscribe);
		assertThat(decided(nameless)).isSameAs(nameless);
		assertThat(decided(open)).as("the record handler checks opening").isSameAs(open);
		assertThat(this.client.take()).isEmpty();
	}

	/** What the gate decided at once: the message to handle, or {@code null} for nothing. */
	private Message decided(Message message) {
		Mono<Message> admitted = this.gate.admit(this.client.connection, message);
		assertThat(admitted).as("decided at once").isInstanceOf(java.util.concurrent.Callable.class);
		return PermissionGate.now(admitted);
	}

	static byte[] utf8(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
