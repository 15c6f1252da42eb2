package io.sluice.connector;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

class AbstractMessageBusTests {

	private final DeliveringBus bus = new DeliveringBus();

	@Test
	void publishingDeliversToNoTargetAndSendingToItsTarget() {
		this.bus.publish("events", new byte[0]);
		this.bus.send("node-b", "rpc", new byte[0]);
		assertThat(this.bus.delivered).containsExactly("events to all", "rpc to node-b");
	}

	@Test
	void nullArgumentsAreRefusedWhenCalled() {
		assertThatNullPointerException().isThrownBy(() -> new DeliveringBus(null)).withMessage("nodeId");
		assertThatNullPointerException().isThrownBy(() -> this.bus.publish(null, new byte[0])).withMessage("topic");
		assertThatNullPointerException().isThrownBy(() -> this.bus.publish("t", null)).withMessage("payload");
		assertThatNullPointerException().isThrownBy(() -> this.bus.send(null, "t", new byte[0]))
			.withMessage("targetNode");
		assertThat(this.bus.delivered).isEmpty();
	}

	/** Records what it was asked to deliver. */
	private static final class DeliveringBus extends AbstractMessageBus {

		private final List<String> delivered = new ArrayList<>();

		DeliveringBus() {
			this("node-a");
		}

		DeliveringBus(String nodeId) {
			super(nodeId);
		}

		@Override
		protected Mono<Void> deliver(String topic, String targetNode, byte[] payload) {
			this.delivered.add(topic + " to " + ((targetNode != null) ? targetNode : "all"));
			return Mono.empty();
		}

		@Override
		public Flux<BusMessage> subscribe(String topic) {
			return Flux.empty();
		}

	}

}
