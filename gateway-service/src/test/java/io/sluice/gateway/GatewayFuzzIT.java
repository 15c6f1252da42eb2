package io.sluice.gateway;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of mutated frames sent to a live gateway by logged-in clients; whatever they do to those connections,
 * the gateway must go on serving a fresh client.
 */
@SpringBootTest(classes = GatewayTestApplication.class, webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = "sluice.gateway.max-messages-per-second=100000")
class GatewayFuzzIT {

	private static final int FRAMES = Integer.getInteger("sluice.fuzz.live-frames", 4000);

	@LocalServerPort
	int port;

	@Test
	void gatewayServesAFreshClientAfterMutatedFrames() throws Exception {
		Random random = new Random(42);
		List<Message> seeds = List.of(
				Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of("fuzz/a"))
					.correlationId("1").build(),
				Message.builder(Topic.RECORD, RecordAction.CREATEANDUPDATE).name("fuzz/b").version(1L)
					.data("{\"x\":[1,{\"y\":2}]}").isWriteAck(true).correlationId("2").build(),
				Message.builder(Topic.RECORD, RecordAction.PATCH).name("fuzz/b").version(2L).path("x[1].y")
					.data("3").build(),
				Message.builder(Topic.EVENT, EventAction.EMIT).name("fuzz/e").data("\"hi\"").build(),
				Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).names(List.of("fuzz/e")).correlationId("3").build());
		int sent = 0;
		for (int c = 0; sent < FRAMES; c++) {
			try (TestClient client = TestClient.loggedIn(this.port, "fuzzer-" + c)) {
				for (int i = 0; i < 500 && sent < FRAMES; i++, sent++) {
					byte[] frame = MessageCodec.encode(seeds.get(random.nextInt(seeds.size())));
					for (int n = 1 + random.nextInt(3); n > 0; n--) {
						frame[random.nextInt(frame.length)] ^= (byte) (1 << random.nextInt(8));
					}
					client.sendRaw(frame);
				}
			}
		}
		try (TestClient fresh = TestClient.loggedIn(this.port, "after-the-storm")) {
			fresh.send(Message.builder(Topic.RECORD, RecordAction.CREATEANDUPDATE).name("fuzz/fresh").version(1L)
				.data("{\"ok\":true}").isWriteAck(true).correlationId("w").build());
			Message ack = fresh.next();
			assertThat(ack.action()).as("%s", ack).isEqualTo(RecordAction.WRITE_ACKNOWLEDGEMENT);
			fresh.assertNothingElseReceived();
		}
	}

}
