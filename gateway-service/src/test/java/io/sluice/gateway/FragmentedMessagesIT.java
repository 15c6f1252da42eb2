package io.sluice.gateway;

import java.util.List;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.ParserAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Messages sent in several WebSocket frames are put back together, and a message over
 * {@code sluice.gateway.max-message-size}, in one frame or in many, closes the connection with 1009.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sluice.gateway.max-message-size=4KB")
class FragmentedMessagesIT {

	@LocalServerPort
	int port;

	@Test
	void messageInFragmentsArrivesWhole() throws Exception {
		try (TestClient alice = TestClient.loggedIn(this.port, "frag-alice");
				TestClient bob = TestClient.loggedIn(this.port, "frag-bob")) {
			alice.send(Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of("frag/news"))
				.correlationId("0").build());
			assertThat(alice.next().isAck()).isTrue();
			String data = "\"" + "x".repeat(3000) + "\"";
			bob.sendFragmented(Message.builder(Topic.EVENT, EventAction.EMIT).name("frag/news").data(data).build(), 3);
			Message event = alice.next();
			assertThat(event.action()).isEqualTo(EventAction.EMIT);
			assertThat(event.name()).isEqualTo("frag/news");
			assertThat(event.dataText()).isEqualTo(data);
			// Reassembly leaves nothing behind: the next message, in one frame, is read as it is.
			bob.send(Message.builder(Topic.EVENT, EventAction.EMIT).name("frag/news").data("2").build());
			assertThat(alice.next().dataText()).isEqualTo("2");
			bob.assertNothingElseReceived();
		}
	}

	@Test
	void fragmentsAddingUpToMoreThanTheLimitCloseTheConnectionWithAReason() throws Exception {
		try (TestClient mallory = TestClient.loggedIn(this.port, "frag-mallory")) {
			String data = "\"" + "y".repeat(6000) + "\"";
			mallory.sendFragmented(Message.builder(Topic.EVENT, EventAction.EMIT).name("frag/big").data(data).build(),
					3);
			Message error = mallory.next();
			assertThat(error.topic()).isEqualTo(Topic.PARSER);
			assertThat(error.action()).isEqualTo(ParserAction.MAXIMUM_MESSAGE_SIZE_EXCEEDED);
			assertThat(error.dataText()).contains("Message larger than 4096B");
			StepVerifier.create(mallory.closeStatus().map(WebSocketCloseStatus::code))
				.expectNext(1009)
				.expectComplete()
				.verify(TestClient.TIMEOUT);
		}
	}

	@Test
	void oneFrameOverTheLimitClosesTheConnection() throws Exception {
		try (TestClient mallory = TestClient.loggedIn(this.port, "frag-big-frame")) {
			mallory.send(Message.builder(Topic.EVENT, EventAction.EMIT).name("frag/big")
				.data("\"" + "z".repeat(6000) + "\"").build());
			StepVerifier.create(mallory.closeStatus().map(WebSocketCloseStatus::code))
				.expectNext(1009)
				.expectComplete()
				.verify(TestClient.TIMEOUT);
		}
	}

}
