package io.sluice.gateway.event;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.sluice.connector.BusMessage;
import io.sluice.connector.HistoryEntry;
import io.sluice.connector.Retention;
import io.sluice.connector.StreamHistory;
import io.sluice.connector.StreamPosition;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.connector.memory.InMemoryStreamHistory;
import io.sluice.gateway.history.EventHistory;
import io.sluice.gateway.history.HistoryProperties;
import io.sluice.gateway.history.HistoryStreams;
import io.sluice.gateway.listen.ListenProperties;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.EventPosition;
import io.sluice.gateway.protocol.JsonFrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Outbox;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A subscribe that carries a position on the JSON endpoint: what was missed is resent in order before live events,
 * none twice, and {@code recovered} says whether it was everything.
 */
class EventRecoveryTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final InMemoryStreamHistory store = new InMemoryStreamHistory();

	private final HeldReads reads = new HeldReads(this.store);

	private final EventHandler events = new EventHandler(new InMemoryMessageBus("here", new InMemoryMessageBus.Medium()),
			ListenProperties.defaults(), Schedulers.parallel(), new EventHistory(this.reads, new HistoryStreams(
					new HistoryProperties(List.of(new HistoryProperties.Stream("chat/.*", 1000, null, true),
							new HistoryProperties.Stream("small/.*", 3, null, true)), 4)), 4));

	private final Outbox client = new Outbox("client", 1000, new JsonFrameCodec(64));

	@Test
	void missedEventsAreResentInOrderBeforeLiveOnesWithTheirOffsets() {
		publish("chat/lobby", 1, 10);
		String epoch = epoch("chat/lobby");

		handle(this.events.handle(this.client.connection, subscribe("chat/lobby", epoch, 2)));
		publish("chat/lobby", 11, 11);

		List<JsonNode> received = received();
		assertThat(received.get(0).get("isAck").asBoolean()).isTrue();
		assertThat(received.get(0).get("recovered").asBoolean()).isTrue();
		assertThat(received.get(0).get("offset").asLong()).as("the last offset resent").isEqualTo(10);
		assertThat(received.get(0).get("epoch").asString()).isEqualTo(epoch);
		assertThat(received.subList(1, received.size())).extracting((event) -> event.get("offset").asLong())
			.as("read in pages of max-read (4), then live").containsExactly(3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
		assertThat(received.subList(1, received.size())).extracting((event) -> event.get("data").asString())
			.containsExactly("3", "4", "5", "6", "7", "8", "9", "10", "11");
		assertThat(received.subList(1, received.size())).allSatisfy((event) -> {
			assertThat(event.get("name").asString()).isEqualTo("chat/lobby");
			assertThat(event.get("epoch").asString()).isEqualTo(epoch);
		});
	}

	@Test
	void liveEventsWhileTheHistoryIsReadAreSentAfterTheResentOnesAndNoneTwice() {
		publish("chat/race", 1, 3);
		String epoch = epoch("chat/race");
		Sinks.Empty<Void> gate = this.reads.hold();

		StepVerifier.create(this.events.handle(this.client.connection, subscribe("chat/race", epoch, 1)))
			.then(() -> {
				// Appended after the read took the position, so beyond it: kept for the subscriber.
				publish("chat/race", 4, 5);
				// Offset 3 again, as another node's delivery arriving late: it is resent from the history, so dropped.
				this.events.relay().receive(new BusMessage(EventRelay.BUS_TOPIC, "other-node", null,
						EventFrames.frame("chat/race", entry("chat/race", epoch, 3),
								"3".getBytes(StandardCharsets.UTF_8))));
				assertThat(received()).as("nothing before the resent events").isEmpty();
				gate.tryEmitEmpty();
			})
			.expectComplete()
			.verify(TIMEOUT);
		publish("chat/race", 6, 6);

		List<JsonNode> received = received();
		assertThat(received.get(0).get("recovered").asBoolean()).isTrue();
		assertThat(received.subList(1, received.size())).extracting((event) -> event.get("offset").asLong())
			.containsExactly(2L, 3L, 4L, 5L, 6L);
	}

	@Test
	void anUnsubscribeWhileRecoveringStopsTheSubscriptionGoingLiveAndASecondSubscribeIsRefused() {
		publish("chat/left", 1, 2);
		String epoch = epoch("chat/left");
		Sinks.Empty<Void> gate = this.reads.hold();

		StepVerifier.create(this.events.handle(this.client.connection, subscribe("chat/left", epoch, 1)))
			.then(() -> {
				handle(this.events.handle(this.client.connection, Message.builder(Topic.EVENT, EventAction.SUBSCRIBE)
					.names(List.of("chat/left")).correlationId("again").build()));
				assertThat(received()).singleElement().satisfies((refused) -> {
					assertThat(refused.get("action").asInt()).isEqualTo(EventAction.MULTIPLE_SUBSCRIPTIONS);
					assertThat(refused.get("correlationId").asString()).isEqualTo("again");
				});
				handle(this.events.handle(this.client.connection, Message.builder(Topic.EVENT, EventAction.UNSUBSCRIBE)
					.names(List.of("chat/left")).correlationId("u").build()));
				assertThat(received()).singleElement().satisfies((ack) -> {
					assertThat(ack.get("action").asInt()).isEqualTo(EventAction.UNSUBSCRIBE);
					assertThat(ack.get("isAck").asBoolean()).isTrue();
				});
				gate.tryEmitEmpty();
			})
			.expectComplete()
			.verify(TIMEOUT);
		received();
		publish("chat/left", 3, 3);

		assertThat(received()).as("not subscribed once the recovery ended").isEmpty();
	}

	@Test
	void aGapBeyondTheRetentionIsNotRecoveredAndNothingOfItIsResent() {
		publish("small/room", 1, 10);

		handle(this.events.handle(this.client.connection, subscribe("small/room", epoch("small/room"), 2)));
		publish("small/room", 11, 11);

		List<JsonNode> received = received();
		assertThat(received.get(0).get("recovered").asBoolean()).isFalse();
		assertThat(received.get(0).get("offset").asLong()).as("the newest offset").isEqualTo(10);
		assertThat(received.subList(1, received.size())).extracting((event) -> event.get("offset").asLong())
			.as("only live events").containsExactly(11L);
	}

	@Test
	void liveEventsWhileANotRecoveredHistoryIsReadAreSentOnlyBeyondTheNewestOffsetGiven() {
		publish("chat/moved", 1, 3);
		Sinks.Empty<Void> gate = this.reads.hold();

		StepVerifier.create(this.events.handle(this.client.connection, subscribe("chat/moved", "an-epoch-gone", 1)))
			.then(() -> {
				// Kept for the subscriber, and also in the history by the time it is found not recovered.
				publish("chat/moved", 4, 5);
				gate.tryEmitEmpty();
			})
			.expectComplete()
			.verify(TIMEOUT);
		publish("chat/moved", 6, 6);

		List<JsonNode> received = received();
		assertThat(received.get(0).get("recovered").asBoolean()).isFalse();
		assertThat(received.get(0).get("offset").asLong()).as("the newest offset").isEqualTo(5);
		assertThat(received.subList(1, received.size())).extracting((event) -> event.get("offset").asLong())
			.as("live events after the newest offset given, none of those before it").containsExactly(6L);
	}

	@Test
	void anotherEpochIsNotRecovered() {
		publish("chat/epoch", 1, 3);
		String epoch = epoch("chat/epoch");

		handle(this.events.handle(this.client.connection, subscribe("chat/epoch", "an-epoch-gone", 1)));

		List<JsonNode> received = received();
		assertThat(received).hasSize(1);
		assertThat(received.get(0).get("recovered").asBoolean()).isFalse();
		assertThat(received.get(0).get("epoch").asString()).isEqualTo(epoch);
	}

	@Test
	void nothingMissedIsRecoveredWithNothingResent() {
		publish("chat/quiet", 1, 2);

		handle(this.events.handle(this.client.connection, subscribe("chat/quiet", epoch("chat/quiet"), 2)));

		List<JsonNode> received = received();
		assertThat(received).hasSize(1);
		assertThat(received.get(0).get("recovered").asBoolean()).isTrue();
		assertThat(received.get(0).get("offset").asLong()).isEqualTo(2);
	}

	@Test
	void aSubscribeWithAPositionForANameWithoutHistoryOrForSeveralNamesIsRefused() {
		handle(this.events.handle(this.client.connection, subscribe("ticks/a", "e", 1)));
		handle(this.events.handle(this.client.connection, Message.builder(Topic.EVENT, EventAction.SUBSCRIBE)
			.names(List.of("chat/a", "chat/b")).correlationId("s").position(new EventPosition("e", 1L, null)).build()));
		handle(this.events.handle(this.client.connection, Message.builder(Topic.EVENT, EventAction.SUBSCRIBE)
			.names(List.of("chat/a")).correlationId("s").position(new EventPosition(null, 1L, null)).build()));

		assertThat(received()).allSatisfy((error) -> {
			assertThat(error.get("action").asInt()).isEqualTo(EventAction.INVALID_MESSAGE_DATA);
			assertThat(error.get("isError").asBoolean()).isTrue();
		}).extracting((error) -> error.get("data").asString()).satisfiesExactly(
				(reason) -> assertThat(reason).contains("keep no history"),
				(reason) -> assertThat(reason).contains("names exactly one event, had 2"),
				(reason) -> assertThat(reason).contains("needs both the epoch and the offset"));
	}

	@Test
	void liveEventsOfAStreamCarryTheirPositionOnBothEndpoints() {
		Outbox binary = new Outbox("binary");
		handle(this.events.handle(binary.connection, Message.builder(Topic.EVENT, EventAction.SUBSCRIBE)
			.names(List.of("chat/live")).correlationId("s").build()));
		handle(this.events.handle(this.client.connection, Message.builder(Topic.EVENT, EventAction.SUBSCRIBE)
			.names(List.of("chat/live")).correlationId("s").build()));
		binary.take();
		received();

		publish("chat/live", 1, 1);

		assertThat(binary.take()).singleElement()
			.satisfies((event) -> assertThat(event.position()).isEqualTo(EventPosition.of(epoch("chat/live"), 1)));
		assertThat(received()).singleElement().satisfies((event) -> {
			assertThat(event.get("offset").asLong()).isEqualTo(1);
			assertThat(event.get("epoch").asString()).isEqualTo(epoch("chat/live"));
		});
	}

	private void publish(String name, int first, int last) {
		for (int n = first; n <= last; n++) {
			StepVerifier.create(this.events.publish(name, Integer.toString(n).getBytes(StandardCharsets.UTF_8)))
				.expectComplete()
				.verify(TIMEOUT);
		}
	}

	private String epoch(String name) {
		return this.store.position(name).block(TIMEOUT).epoch();
	}

	private static HistoryEntry entry(String name, String epoch, long offset) {
		return new HistoryEntry(name, offset, epoch, Instant.now(), Long.toString(offset).getBytes(StandardCharsets.UTF_8));
	}

	private static Message subscribe(String name, String epoch, long offset) {
		return Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of(name)).correlationId("s1")
			.position(new EventPosition(epoch, offset, null)).build();
	}

	private List<JsonNode> received() {
		return this.client.takePayloads().stream().map(JSON::readTree).toList();
	}

	private static void handle(Mono<Void> work) {
		StepVerifier.create(work).expectComplete().verify(TIMEOUT);
	}

	/** The in-memory history, whose range reads wait for a gate while one is held. */
	private static final class HeldReads implements StreamHistory {

		private final StreamHistory delegate;

		private volatile Sinks.Empty<Void> gate;

		HeldReads(StreamHistory delegate) {
			this.delegate = delegate;
		}

		Sinks.Empty<Void> hold() {
			this.gate = Sinks.empty();
			return this.gate;
		}

		@Override
		public Mono<HistoryEntry> append(String stream, byte[] payload, Retention retention) {
			return this.delegate.append(stream, payload, retention);
		}

		@Override
		public Flux<HistoryEntry> last(String stream, int count) {
			return this.delegate.last(stream, count);
		}

		@Override
		public Flux<HistoryEntry> from(String stream, long offset, int limit) {
			return this.delegate.from(stream, offset, limit);
		}

		@Override
		public Flux<HistoryEntry> range(String stream, long fromOffset, long toOffset) {
			Sinks.Empty<Void> held = this.gate;
			Flux<HistoryEntry> read = this.delegate.range(stream, fromOffset, toOffset);
			return (held != null) ? held.asMono().thenMany(read) : read;
		}

		@Override
		public Flux<HistoryEntry> since(String stream, Instant time, int limit) {
			return this.delegate.since(stream, time, limit);
		}

		@Override
		public Mono<StreamPosition> position(String stream) {
			return this.delegate.position(stream);
		}

	}

}
