package io.sluice.gateway.listen;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code subscription} field of listen messages, at the numbers {@code @deepstream/protobuf} 1.0.9 gives it: 9 in
 * {@code RecordMessage} (8 is its unused {@code pattern}), 8 in {@code EventMessage}.
 */
class ListenMessagesOnTheWireTests {

	@Test
	void recordSubscriptionIsFieldNine() {
		Message found = ListenReplies.found(ListenTopic.RECORD, new Candidate(null, "c/.*"), "c/1");
		byte[] frame = MessageCodec.encode(found);
		assertThat(HexFormat.of().formatHex(frame)).contains("4a03" + hex("c/1"));
		Message decoded = MessageCodec.decode(frame);
		assertThat(decoded).isEqualTo(found);
		assertThat(decoded.action()).isEqualTo(RecordAction.SUBSCRIPTION_FOR_PATTERN_FOUND);
		assertThat(decoded.subscription()).isEqualTo("c/1");
	}

	@Test
	void eventSubscriptionIsFieldEight() {
		Message accept = Message.builder(Topic.EVENT, EventAction.LISTEN_ACCEPT).name("e/.*").subscription("e/1")
			.build();
		byte[] frame = MessageCodec.encode(accept);
		assertThat(HexFormat.of().formatHex(frame)).contains("4203" + hex("e/1"));
		assertThat(MessageCodec.decode(frame)).isEqualTo(accept);
	}

	@Test
	void messagesWithoutASubscriptionAreEncodedAsBefore() {
		Message update = Message.builder(Topic.RECORD, RecordAction.UPDATE).name("r").version(1).data("{}").build();
		assertThat(HexFormat.of().formatHex(MessageCodec.encode(update))).doesNotContain("4a");
	}

	private static String hex(String text) {
		return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
	}

}
