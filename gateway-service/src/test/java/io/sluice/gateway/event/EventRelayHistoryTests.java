package io.sluice.gateway.event;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import io.sluice.connector.BusMessage;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.connector.memory.InMemoryStreamHistory;
import io.sluice.gateway.history.EventHistory;
import io.sluice.gateway.history.HistoryProperties;
import io.sluice.gateway.history.HistoryStreams;
import io.sluice.gateway.listen.ListenProperties;
import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/** An event that another node published was appended there: this node delivers it and appends nothing. */
class EventRelayHistoryTests {

	@Test
	void anEventFromAnotherNodeIsNotAppendedAgain() {
		InMemoryStreamHistory store = new InMemoryStreamHistory();
		HistoryProperties properties = new HistoryProperties(
				List.of(new HistoryProperties.Stream("chat/.*", 10, null, true)), 100);
		EventHandler handler = new EventHandler(new InMemoryMessageBus("here", new InMemoryMessageBus.Medium()),
				ListenProperties.defaults(), Schedulers.parallel(),
				new EventHistory(store, new HistoryStreams(properties), 100));

		handler.relay().receive(new BusMessage(EventRelay.BUS_TOPIC, "other-node", null, MessageCodec
			.encodeNamed(Topic.EVENT, EventAction.EMIT, "chat/lobby", "1".getBytes(StandardCharsets.UTF_8))));
		StepVerifier.create(handler.publish("chat/lobby", "2".getBytes(StandardCharsets.UTF_8)))
			.expectComplete()
			.verify(Duration.ofSeconds(5));

		StepVerifier.create(store.last("chat/lobby", 10))
			.assertNext((entry) -> assertThat(new String(entry.payload(), StandardCharsets.UTF_8)).isEqualTo("2"))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

}
