package io.sluice.gateway.session;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionTests {

	@Test
	void clientThatDoesNotReadIsDisconnectedWhenItsQueueOverflows() {
		Connection connection = new Connection("slow", 4);
		for (int i = 0; i < 4; i++) {
			connection.send(new byte[] { (byte) i });
		}
		assertThat(connection.isOpen()).isTrue();
		connection.send(new byte[] { 9 });
		assertThat(connection.isOpen()).isFalse();
		assertThat(connection.closedBy().code()).isEqualTo(Connection.SLOW_CONSUMER);
		assertThat(connection.closedBy().reason()).contains("not reading fast enough");
		// The queue is dropped, not drained to a client that is not reading.
		StepVerifier.create(connection.outboundFrames()).expectComplete().verify(Duration.ofSeconds(5));
	}

	@Test
	void closeSendsWhatIsQueuedFirst() {
		Connection connection = new Connection("polite", 4);
		connection.send(new byte[] { 1 });
		connection.close(1000, "bye");
		connection.send(new byte[] { 2 });
		StepVerifier.create(connection.outboundFrames())
			.assertNext((frame) -> assertThat(frame).containsExactly(1))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(connection.closedBy().reason()).isEqualTo("bye");
	}

	@Test
	void sameFrameCanGoToManyConnections() {
		byte[] frame = { 7, 7 };
		Subscriptions subscriptions = new Subscriptions();
		Connection first = new Connection("a", 4);
		Connection second = new Connection("b", 4);
		Connection writer = new Connection("w", 4);
		subscriptions.subscribe("n", first);
		subscriptions.subscribe("n", second);
		subscriptions.subscribe("n", writer);
		assertThat(subscriptions.send("n", frame, "w")).isEqualTo(2);
		for (Connection connection : new Connection[] { first, second }) {
			connection.close(1000, "done");
			StepVerifier.create(connection.outboundFrames())
				.assertNext((sent) -> assertThat(sent).isSameAs(frame))
				.expectComplete()
				.verify(Duration.ofSeconds(5));
		}
		writer.close(1000, "done");
		StepVerifier.create(writer.outboundFrames()).expectComplete().verify(Duration.ofSeconds(5));
	}

}
