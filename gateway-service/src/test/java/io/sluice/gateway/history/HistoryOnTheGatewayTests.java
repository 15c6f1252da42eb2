package io.sluice.gateway.history;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import io.sluice.connector.HistoryEntry;
import io.sluice.connector.MessageBus;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.connector.memory.MemoryConnectorAutoConfiguration;
import io.sluice.gateway.GatewayAutoConfiguration;
import io.sluice.gateway.event.EventHandler;
import io.sluice.gateway.http.Caller;
import io.sluice.gateway.http.GatewayActions;
import io.sluice.gateway.http.Outcome;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.rpc.RpcHandler;
import io.sluice.gateway.session.Outbox;
import io.sluice.record.write.RecordServiceAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Event history on the gateway's real handlers: what is appended as events are published, and the
 * {@code sluice/history} RPC as a WebSocket client and an HTTP caller make it.
 */
class HistoryOnTheGatewayTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(MemoryConnectorAutoConfiguration.class,
				RecordServiceAutoConfiguration.class, GatewayAutoConfiguration.class))
		.withPropertyValues("sluice.history.streams[0].pattern=chat/.*",
				"sluice.history.streams[0].max-entries=3");

	private final Caller alice = new Caller(new Permissions.Subject("alice", null), null);

	@Test
	void eventsPublishedToAStreamAreAppendedInOrderAndOthersAreNot() {
		this.runner.run((context) -> {
			EventHandler events = context.getBean(EventHandler.class);
			Outbox publisher = loggedIn("publisher");
			Outbox subscriber = loggedIn("subscriber");
			handle(events.handle(subscriber.connection, Message.builder(Topic.EVENT, EventAction.SUBSCRIBE)
				.names(List.of("chat/lobby")).correlationId("s").build()));
			subscriber.take();

			handle(events.handle(publisher.connection, emit("chat/lobby", "{\"n\":1}")));
			assertThat(outcome(context.getBean(GatewayActions.class).emit(this.alice, "chat/lobby",
					"{\"n\":2}".getBytes(StandardCharsets.UTF_8)))).isEqualTo(new Outcome.Done(null));
			handle(events.handle(publisher.connection, emit("ticks/a", "1")));

			StreamHistory history = context.getBean(StreamHistory.class);
			StepVerifier.create(history.last("chat/lobby", 10).map(HistoryEntry::offset))
				.expectNext(1L, 2L)
				.expectComplete()
				.verify(TIMEOUT);
			StepVerifier.create(history.position("ticks/a")).assertNext((position) -> assertThat(position.offset())
				.isZero()).expectComplete().verify(TIMEOUT);
			assertThat(subscriber.take()).extracting(Message::dataText).containsExactly("{\"n\":1}", "{\"n\":2}");
		});
	}

	@Test
	void aWebSocketClientReadsHistoryThroughTheBuiltInRpc() {
		this.runner.run((context) -> {
			EventHandler events = context.getBean(EventHandler.class);
			RpcHandler rpc = context.getBean(RpcHandler.class);
			Outbox client = loggedIn("reader");
			for (int i = 1; i <= 4; i++) {
				handle(events.handle(client.connection, emit("chat/room", "{\"n\":" + i + "}")));
			}

			handle(rpc.handle(client.connection, request("c1", "{\"name\":\"chat/room\",\"last\":2}")));
			List<Message> answers = client.take();
			assertThat(answers).extracting(Message::action).containsExactly(RpcAction.ACCEPT, RpcAction.RESPONSE);
			assertThat(answers).extracting(Message::correlationId).containsOnly("c1");
			JsonNode page = json(answers.get(1).dataText());
			assertThat(page.get("entries")).extracting((entry) -> entry.get("offset").asLong()).containsExactly(3L, 4L);
			assertThat(page.get("entries").get(1).get("data").get("n").asInt()).isEqualTo(4);
			assertThat(page.get("complete").asBoolean()).isTrue();

			handle(rpc.handle(client.connection, request("c2", "{\"name\":\"chat/room\",\"from\":1}")));
			assertThat(json(client.take().get(1).dataText()).get("complete").asBoolean())
				.as("offset 1 is beyond the retention of 3").isFalse();

			handle(rpc.handle(client.connection, request("c3", "{\"name\":\"chat/room\"}")));
			assertThat(client.take()).last().satisfies((error) -> {
				assertThat(error.action()).isEqualTo(RpcAction.REQUEST_ERROR);
				assertThat(error.dataText()).contains("exactly one of last, from or since");
			});
		});
	}

	@Test
	void historyInEachNodesMemoryIsRefusedWhenABusSharesEventsBetweenNodes() {
		// A bus of the test's own stands for Kafka's, which this module does not have.
		this.runner.withPropertyValues("sluice.bus.type=kafka")
			.withBean(MessageBus.class, () -> new InMemoryMessageBus("node-1", new InMemoryMessageBus.Medium()))
			.run((context) -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.hasMessageContaining("sluice.history.type=memory")
				.hasMessageContaining("sluice.bus.type=kafka");
		});
		assertThatNoException().isThrownBy(() -> HistoryStreams.checkSharedAcrossNodes("memory", "memory"));
		assertThatNoException().isThrownBy(() -> HistoryStreams.checkSharedAcrossNodes("redis", "kafka"));
		assertThatIllegalStateException().isThrownBy(() -> HistoryStreams.checkSharedAcrossNodes("Memory ", "redis"))
			.withMessageContaining("sluice.bus.type=redis");
	}

	@Test
	void noClientCanProvideTheBuiltInRpc() {
		this.runner.run((context) -> {
			Outbox client = loggedIn("provider");
			handle(context.getBean(RpcHandler.class).handle(client.connection, Message.builder(Topic.RPC,
					RpcAction.PROVIDE).names(List.of(HistoryProcedure.NAME)).correlationId("p").build()));

			assertThat(client.take()).extracting(Message::action).startsWith(RpcAction.MULTIPLE_PROVIDERS);
		});
	}

	@Test
	void readingHistoryNeedsThePermissionToSubscribe(@TempDir Path directory) throws Exception {
		Path rules = Files.writeString(directory.resolve("permissions.yml"), """
				record: { "*": { create: true, write: true, read: true, delete: true, listen: true, notify: true } }
				event:
				  "*": { publish: true, subscribe: true, listen: true }
				  "chat/secret": { publish: true, subscribe: false, listen: true }
				rpc: { "*": { request: true, provide: true } }
				presence: { "*": { allow: true } }
				""");
		this.runner.withPropertyValues("sluice.permission.type=config", "sluice.permission.file=" + rules)
			.run((context) -> {
				GatewayActions actions = context.getBean(GatewayActions.class);
				outcome(actions.emit(this.alice, "chat/secret", "1".getBytes(StandardCharsets.UTF_8)));
				outcome(actions.emit(this.alice, "chat/open", "1".getBytes(StandardCharsets.UTF_8)));

				assertThat(outcome(actions.make(this.alice, HistoryProcedure.NAME,
						"{\"name\":\"chat/secret\",\"last\":1}".getBytes(StandardCharsets.UTF_8))))
					.isInstanceOfSatisfying(Outcome.Failed.class, (failed) -> {
						assertThat(failed.kind()).isEqualTo(Outcome.Kind.REQUEST_ERROR);
						assertThat(failed.message()).contains("needs the permission to subscribe");
					});
				assertThat(outcome(actions.make(this.alice, HistoryProcedure.NAME,
						"{\"name\":\"chat/open\",\"last\":1}".getBytes(StandardCharsets.UTF_8))))
					.isInstanceOfSatisfying(Outcome.Done.class, (done) -> assertThat(
							json(new String((byte[]) done.value(), StandardCharsets.UTF_8)).get("entries").size())
						.isEqualTo(1));

				Outbox client = loggedIn("alice");
				handle(context.getBean(RpcHandler.class).handle(client.connection,
						request("c1", "{\"name\":\"chat/secret\",\"last\":1}")));
				assertThat(client.take()).extracting(Message::action)
					.containsExactly(RpcAction.ACCEPT, RpcAction.REQUEST_ERROR);
			});
	}

	@Test
	void streamsWithoutAHistoryConnectorStopStartUpAndNoStreamsNeedNone() {
		this.runner.withPropertyValues("sluice.history.type=redis").run((context) -> assertThat(context)
			.getFailure()
			.rootCause()
			.hasMessageContaining("sluice.history.streams is set, but no connector keeps stream history"));
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(MemoryConnectorAutoConfiguration.class,
					RecordServiceAutoConfiguration.class, GatewayAutoConfiguration.class))
			.withPropertyValues("sluice.history.type=redis")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(EventHandler.class);
				assertThat(context.getBeanProvider(HistoryProcedure.class).getIfAvailable()).isNull();
			});
	}

	private static Message emit(String name, String data) {
		return Message.builder(Topic.EVENT, EventAction.EMIT).name(name).data(data).build();
	}

	private static Message request(String correlationId, String data) {
		return Message.builder(Topic.RPC, RpcAction.REQUEST).name(HistoryProcedure.NAME).correlationId(correlationId)
			.data(data).build();
	}

	private static JsonNode json(String text) {
		return HistoryJson.JSON.readTree(text);
	}

	private static Outcome outcome(Mono<Outcome> action) {
		Outcome[] result = new Outcome[1];
		StepVerifier.create(action).consumeNextWith((outcome) -> result[0] = outcome).expectComplete().verify(TIMEOUT);
		return result[0];
	}

	private static Outbox loggedIn(String user) {
		Outbox outbox = new Outbox(user + "-connection");
		outbox.login(user, null);
		return outbox;
	}

	private static void handle(Mono<Void> work) {
		StepVerifier.create(work).expectComplete().verify(TIMEOUT);
	}

}
