package io.sluice.gateway;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.gateway.event.EventRelay;
import io.sluice.gateway.protocol.AuthAction;
import io.sluice.gateway.protocol.ConnectionAction;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.ParserAction;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.record.RecordService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway in a Spring Boot application on a random port, over the real record service and the in-memory
 * connectors, driven by WebSocket clients sending the deepstream binary protocol.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT)
class GatewayWebSocketIT {

	@LocalServerPort
	int port;

	@Autowired
	RecordService records;

	@Autowired
	InMemoryMessageBus.Medium medium;

	@Test
	void runsOnTheRealRecordService() {
		assertThat(this.records.getClass().getName()).isEqualTo("io.sluice.record.write.WriteThroughRecordService");
	}

	@Test
	void handshakeAcceptsAuthenticatesAndAnswersPings() throws Exception {
		try (TestClient client = new TestClient(this.port)) {
			client.send(Message.builder(Topic.RECORD, RecordAction.READ).name("early").build());
			Message refused = client.next();
			assertThat(refused.topic()).isEqualTo(Topic.CONNECTION);
			assertThat(refused.action()).isEqualTo(ConnectionAction.INVALID_MESSAGE);
			client.send(Message.builder(Topic.CONNECTION, ConnectionAction.CHALLENGE).url("ws://x").build());
			assertThat(client.next().action()).isEqualTo(ConnectionAction.ACCEPT);
			client.send(Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of("e")).build());
			Message notAuthenticated = client.next();
			assertThat(notAuthenticated.topic()).isEqualTo(Topic.AUTH);
			assertThat(notAuthenticated.action()).isEqualTo(AuthAction.INVALID_MESSAGE);
			client.send(Message.builder(Topic.AUTH, AuthAction.REQUEST).data("{\"username\":\"ann\"}").build());
			assertThat(client.next().action()).isEqualTo(AuthAction.AUTH_SUCCESSFUL);
			client.send(Message.builder(Topic.CONNECTION, ConnectionAction.PING).build());
			assertThat(client.next().action()).isEqualTo(ConnectionAction.PONG);
			client.send(Message.builder(Topic.CONNECTION, ConnectionAction.CLOSING).build());
			assertThat(client.next().action()).isEqualTo(ConnectionAction.CLOSED);
			StepVerifier.create(client.closed()).expectComplete().verify(TestClient.TIMEOUT);
		}
	}

	@Test
	void malformedFrameIsAnsweredAndTheConnectionStaysUp() throws Exception {
		try (TestClient client = TestClient.loggedIn(this.port, "mallory")) {
			client.sendRaw(new byte[] { 0x06, 0x10, 0x63, 0x1a, 0x02, 0x08, 0x04 });
			Message error = client.next();
			assertThat(error.topic()).isEqualTo(Topic.PARSER);
			assertThat(error.action()).isEqualTo(ParserAction.UNKNOWN_TOPIC);
			assertThat(error.dataText()).isEqualTo("\"Unknown topic 99\"");
			client.assertNothingElseReceived();
		}
	}

	@Test
	void subscribersSeeEachOthersWritesButNotTheirOwn() throws Exception {
		String name = "it/record/notify";
		try (TestClient alice = TestClient.loggedIn(this.port, "alice");
				TestClient bob = TestClient.loggedIn(this.port, "bob")) {
			subscribeCreateAndRead(alice, name);
			subscribeCreateAndRead(bob, name);

			alice.send(Message.builder(Topic.RECORD, RecordAction.UPDATE).name(name).version(1).data("{\"a\":1}")
				.correlationId("1").isWriteAck(true).build());
			Message ack = alice.next();
			assertThat(ack.action()).isEqualTo(RecordAction.WRITE_ACKNOWLEDGEMENT);
			assertThat(ack.correlationId()).isEqualTo("1");
			assertThat(ack.isError()).isFalse();
			Message update = bob.next();
			assertThat(update.action()).isEqualTo(RecordAction.UPDATE);
			assertThat(update.name()).isEqualTo(name);
			assertThat(update.version()).isEqualTo(1L);
			assertThat(update.dataText()).isEqualTo("{\"a\":1}");
			alice.assertNothingElseReceived();

			bob.send(Message.builder(Topic.RECORD, RecordAction.PATCH).name(name).version(2).path("b.c").data("true")
				.build());
			Message patch = alice.next();
			assertThat(patch.action()).isEqualTo(RecordAction.PATCH);
			assertThat(patch.version()).isEqualTo(2L);
			assertThat(patch.path()).isEqualTo("b.c");
			assertThat(patch.dataText()).isEqualTo("true");
			bob.assertNothingElseReceived();

			alice.send(Message.builder(Topic.RECORD, RecordAction.HEAD).name(name).build());
			Message head = alice.next();
			assertThat(head.action()).isEqualTo(RecordAction.HEAD_RESPONSE);
			assertThat(head.version()).isEqualTo(2L);
		}
	}

	@Test
	void openingANewRecordCreatesItForEveryClientAndLeavesAnExistingOneAlone() throws Exception {
		String name = "it/record/opened";
		try (TestClient alice = TestClient.loggedIn(this.port, "alice");
				TestClient bob = TestClient.loggedIn(this.port, "bob")) {
			bob.send(Message.builder(Topic.RECORD, RecordAction.HEAD).name(name).build());
			assertThat(bob.next().version()).as("before anyone opens it").isEqualTo(-1L);
			subscribeCreateAndRead(alice, name);
			bob.send(Message.builder(Topic.RECORD, RecordAction.HEAD).name(name).build());
			Message head = bob.next();
			assertThat(head.action()).isEqualTo(RecordAction.HEAD_RESPONSE);
			assertThat(head.version()).isEqualTo(0L);
			bob.send(Message.builder(Topic.RECORD, RecordAction.READ).name(name).build());
			Message read = bob.next();
			assertThat(read.action()).isEqualTo(RecordAction.READ_RESPONSE);
			assertThat(read.version()).isEqualTo(0L);
			assertThat(read.dataText()).isEqualTo("{}");
			subscribeCreateAndRead(bob, name);
			alice.send(Message.builder(Topic.RECORD, RecordAction.UPDATE).name(name).version(1).data("{\"a\":1}")
				.correlationId("1").isWriteAck(true).build());
			assertThat(alice.next().action()).isEqualTo(RecordAction.WRITE_ACKNOWLEDGEMENT);
			assertThat(bob.next().version()).isEqualTo(1L);
			// Opening it again finds it written: untouched.
			try (TestClient carol = TestClient.loggedIn(this.port, "carol")) {
				carol.send(Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(name))
					.correlationId("2").build());
				assertThat(carol.next().isAck()).isTrue();
				Message existing = carol.next();
				assertThat(existing.version()).isEqualTo(1L);
				assertThat(existing.dataText()).isEqualTo("{\"a\":1}");
			}
			// Creating tells subscribers nothing: they hold {} already.
			alice.assertNothingElseReceived();
			bob.assertNothingElseReceived();
		}
	}

	@Test
	void staleWriteGetsVersionExistsWithCurrentData() throws Exception {
		String name = "it/record/conflict";
		try (TestClient alice = TestClient.loggedIn(this.port, "alice");
				TestClient bob = TestClient.loggedIn(this.port, "bob")) {
			subscribeCreateAndRead(alice, name);
			subscribeCreateAndRead(bob, name);
			alice.send(Message.builder(Topic.RECORD, RecordAction.UPDATE).name(name).version(1).data("{\"by\":\"alice\"}")
				.build());
			assertThat(bob.next().action()).isEqualTo(RecordAction.UPDATE);

			bob.send(Message.builder(Topic.RECORD, RecordAction.UPDATE).name(name).version(1).data("{\"by\":\"bob\"}")
				.correlationId("7").isWriteAck(true).build());
			Message conflict = bob.next();
			assertThat(conflict.action()).isEqualTo(RecordAction.VERSION_EXISTS);
			assertThat(conflict.version()).isEqualTo(1L);
			assertThat(conflict.dataText()).isEqualTo("{\"by\":\"alice\"}");
			assertThat(conflict.originalAction()).isEqualTo(RecordAction.UPDATE);
			assertThat(conflict.correlationId()).isEqualTo("7");

			bob.send(Message.builder(Topic.RECORD, RecordAction.UPDATE).name(name).version(5).data("{}")
				.correlationId("8").isWriteAck(true).build());
			Message invalid = bob.next();
			assertThat(invalid.action()).isEqualTo(RecordAction.INVALID_VERSION);
			assertThat(invalid.isError()).isTrue();
			assertThat(invalid.version()).isEqualTo(1L);
			alice.assertNothingElseReceived();
		}
	}

	@Test
	void forcedWriteWithoutSubscriptionIsAcknowledged() throws Exception {
		String name = "it/record/force";
		try (TestClient alice = TestClient.loggedIn(this.port, "alice")) {
			alice.send(Message.builder(Topic.RECORD, RecordAction.CREATEANDUPDATE).name(name).version(-1)
				.data("{\"n\":1}").correlationId("1").isWriteAck(true).build());
			assertThat(alice.next().action()).isEqualTo(RecordAction.WRITE_ACKNOWLEDGEMENT);
			alice.send(Message.builder(Topic.RECORD, RecordAction.READ).name(name).build());
			Message read = alice.next();
			assertThat(read.action()).isEqualTo(RecordAction.READ_RESPONSE);
			assertThat(read.version()).isEqualTo(1L);
			assertThat(read.dataText()).isEqualTo("{\"n\":1}");
			alice.send(Message.builder(Topic.RECORD, RecordAction.READ).name(name + "/missing").build());
			Message missing = alice.next();
			assertThat(missing.action()).isEqualTo(RecordAction.RECORD_NOT_FOUND);
			assertThat(missing.originalAction()).isEqualTo(RecordAction.READ);
			alice.send(Message.builder(Topic.RECORD, RecordAction.HEAD).name(name + "/missing").build());
			assertThat(alice.next().version()).isEqualTo(-1L);
		}
	}

	@Test
	void deleteSucceedsForTheDeleterAndIsAnnouncedToOthers() throws Exception {
		String name = "it/record/delete";
		try (TestClient alice = TestClient.loggedIn(this.port, "alice");
				TestClient bob = TestClient.loggedIn(this.port, "bob")) {
			subscribeCreateAndRead(alice, name);
			subscribeCreateAndRead(bob, name);
			alice.send(Message.builder(Topic.RECORD, RecordAction.UPDATE).name(name).version(1).data("{}")
				.correlationId("1").isWriteAck(true).build());
			assertThat(alice.next().action()).isEqualTo(RecordAction.WRITE_ACKNOWLEDGEMENT);
			assertThat(bob.next().action()).isEqualTo(RecordAction.UPDATE);

			alice.send(Message.builder(Topic.RECORD, RecordAction.DELETE).name(name).build());
			Message success = alice.next();
			assertThat(success.action()).isEqualTo(RecordAction.DELETE_SUCCESS);
			assertThat(success.name()).isEqualTo(name);
			Message deleted = bob.next();
			assertThat(deleted.action()).isEqualTo(RecordAction.DELETED);
			assertThat(deleted.name()).isEqualTo(name);
			alice.assertNothingElseReceived();

			alice.send(Message.builder(Topic.RECORD, RecordAction.HEAD).name(name).build());
			assertThat(alice.next().version()).as("deleted").isEqualTo(-1L);
			// Opened again: created again, empty, above the tombstone (version 2), so versions never go backwards.
			bob.send(Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(name))
				.correlationId("9").build());
			assertThat(bob.next().isAck()).isTrue();
			Message recreated = bob.next();
			assertThat(recreated.version()).isEqualTo(3L);
			assertThat(recreated.dataText()).isEqualTo("{}");
			alice.send(Message.builder(Topic.RECORD, RecordAction.HEAD).name(name).build());
			assertThat(alice.next().version()).as("created again").isEqualTo(3L);
		}
	}

	@Test
	void eventsReachOtherSubscribersAndOtherNodes() throws Exception {
		InMemoryMessageBus otherNode = new InMemoryMessageBus("other-node", this.medium);
		try (TestClient alice = TestClient.loggedIn(this.port, "alice");
				TestClient bob = TestClient.loggedIn(this.port, "bob")) {
			alice.send(Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of("news")).correlationId("0")
				.build());
			Message ack = alice.next();
			assertThat(ack.action()).isEqualTo(EventAction.SUBSCRIBE);
			assertThat(ack.isAck()).isTrue();
			assertThat(ack.correlationId()).isEqualTo("0");
			alice.send(Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of("news")).correlationId("1")
				.build());
			assertThat(alice.next().action()).isEqualTo(EventAction.MULTIPLE_SUBSCRIPTIONS);

			StepVerifier.create(otherNode.subscribe(EventRelay.BUS_TOPIC).take(1))
				.then(() -> bob.send(Message.builder(Topic.EVENT, EventAction.EMIT).name("news").data("{\"t\":1}")
					.build()))
				.assertNext((busMessage) -> assertThat(MessageCodec.decode(busMessage.payload()).name())
					.isEqualTo("news"))
				.expectComplete()
				.verify(Duration.ofSeconds(10));
			Message event = alice.next();
			assertThat(event.action()).isEqualTo(EventAction.EMIT);
			assertThat(event.dataText()).isEqualTo("{\"t\":1}");
			bob.assertNothingElseReceived();

			byte[] remote = MessageCodec.encode(
					Message.builder(Topic.EVENT, EventAction.EMIT).name("news").data("\"from afar\"").build());
			StepVerifier.create(otherNode.publish(EventRelay.BUS_TOPIC, remote)).expectComplete()
				.verify(Duration.ofSeconds(10));
			assertThat(alice.next().dataText()).isEqualTo("\"from afar\"");

			alice.send(Message.builder(Topic.EVENT, EventAction.UNSUBSCRIBE).names(List.of("news")).correlationId("2")
				.build());
			assertThat(alice.next().isAck()).isTrue();
			bob.send(Message.builder(Topic.EVENT, EventAction.EMIT).name("news").data("1").build());
			bob.assertNothingElseReceived();
			alice.assertNothingElseReceived();
		}
	}

	private static void subscribeCreateAndRead(TestClient client, String name) throws InterruptedException {
		client.send(Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of(name))
			.correlationId("0").build());
		Message ack = client.next();
		assertThat(ack.isAck()).isTrue();
		assertThat(ack.action()).isEqualTo(RecordAction.SUBSCRIBECREATEANDREAD);
		Message read = client.next();
		assertThat(read.action()).isEqualTo(RecordAction.READ_RESPONSE);
		assertThat(read.name()).isEqualTo(name);
		assertThat(read.version()).isEqualTo(0L);
		assertThat(read.dataText()).isEqualTo("{}");
	}

}
