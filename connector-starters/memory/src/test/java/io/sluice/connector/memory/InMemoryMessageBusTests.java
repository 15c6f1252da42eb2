package io.sluice.connector.memory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.connector.BusMessage;
import io.sluice.connector.MessageBus;
import io.sluice.connector.tck.MessageBusContract;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryMessageBusTests extends MessageBusContract {

	// JUnit makes a new instance per test, so each test has a medium of its own.
	private final InMemoryMessageBus.Medium medium = new InMemoryMessageBus.Medium();

	@Override
	protected MessageBus node(String nodeId) {
		return new InMemoryMessageBus(nodeId, this.medium);
	}

	@Test
	void aNodeAloneOnItsMediumDropsWhatItPublishesAtOnce() {
		MessageBus alone = node("alone");
		List<BusMessage> own = new CopyOnWriteArrayList<>();
		Disposable subscription = alone.subscribe("solo").subscribe(own::add);
		try {
			Mono<Void> published = alone.publish("solo", bytes("nobody hears this"));
			Mono<Void> sent = alone.send("elsewhere", "solo", bytes("nor this"));
			// The empty Mono itself: there is nothing to subscribe to, to wait for or to fail.
			assertThat(published).isSameAs(Mono.<Void>empty());
			assertThat(sent).isSameAs(Mono.<Void>empty());
			StepVerifier.create(published).expectComplete().verify(Duration.ofSeconds(5));
			assertThat(own).isEmpty();
		}
		finally {
			subscription.dispose();
		}
	}

	@Test
	void aMessageIsDeliveredOnceAnotherNodeSubscribesAndDroppedAgainWhenItLeaves() {
		MessageBus publisher = node("publisher");
		MessageBus listener = node("listener");
		List<BusMessage> received = new CopyOnWriteArrayList<>();
		Disposable subscription = listener.subscribe("news").subscribe(received::add);
		StepVerifier.create(publisher.publish("news", bytes("heard"))).expectComplete()
			.verify(Duration.ofSeconds(5));
		StepVerifier.create(publisher.send("other", "news", bytes("not for the listener"))).expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(received).extracting((message) -> new String(message.payload(), StandardCharsets.UTF_8))
			.containsExactly("heard");
		subscription.dispose();
		assertThat(publisher.publish("news", bytes("after"))).isSameAs(Mono.<Void>empty());
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
