package io.sluice.gateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The position of an event in its history, as both codecs carry it beside deepstream's fields. */
class EventPositionCodecTests {

	private static final HexFormat HEX = HexFormat.of();

	private final JsonFrameCodec json = new JsonFrameCodec(64);

	@Test
	void anEventsPositionFollowsDeepstreamsFieldsAsFields100And101() {
		Message event = Message.builder(Topic.EVENT, EventAction.EMIT).name("news").data("{\"t\":\"hi\"}")
			.position(EventPosition.of("e1", 42)).build();

		byte[] frame = MessageCodec.encode(event);

		// deepstream's emit (MessageCodecTests.EMIT) with, in its topic message, field 100 = 42 and field 101 = "e1"
		assertThat(HEX.formatHex(frame)).isEqualTo("2010041a1c" + "0802120a7b2274223a226869227d32046e657773"
				+ "a0062a" + "aa06026531");
		assertThat(MessageCodec.decode(frame)).isEqualTo(event);
	}

	@Test
	void anEventWithItsPositionEncodedWithoutAMessageIsTheSameFrame() {
		byte[] large = new byte[70_000];
		java.util.Arrays.fill(large, (byte) 'x');
		for (String name : List.of("news", "chat/\u00e9t\u00e9", "n")) {
			for (byte[] data : java.util.Arrays.asList(null, new byte[0], "{\"t\":\"hi\"}".getBytes(StandardCharsets.UTF_8),
					large)) {
				for (long offset : new long[] { 0, 1, 127, 128, 300_000, Long.MAX_VALUE }) {
					for (String epoch : java.util.Arrays.asList("e1", "9f2c41d0-4b1e-4c1a-a0a5-0123456789ab", null)) {
						Message event = Message.builder(Topic.EVENT, EventAction.EMIT).name(name).data(data)
							.position(new EventPosition(epoch, offset, null)).build();
						assertThat(MessageCodec.encodeEvent(name, data, epoch, offset))
							.as("%s, %s bytes, offset %d, epoch %s", name, (data != null) ? data.length : null, offset,
									epoch)
							.isEqualTo(MessageCodec.encode(event));
					}
				}
			}
		}
	}

	@Test
	void aSubscribeAcknowledgementSaysWhetherItRecoveredEvenWhenItDidNot() {
		Message ack = Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).correlationId("0").isAck(true)
			.position(new EventPosition("e1", null, false)).build();

		assertThat(MessageCodec.decode(MessageCodec.encode(ack))).isEqualTo(ack);
		assertThat(text(this.json.encode(ack))).isEqualTo(
				"{\"topic\":4,\"action\":3,\"correlationId\":\"0\",\"isAck\":true,\"epoch\":\"e1\",\"recovered\":false}");
	}

	@Test
	void theJsonEndpointShowsAnEventsOffsetAndEpoch() {
		byte[] binary = MessageCodec.encode(Message.builder(Topic.EVENT, EventAction.EMIT).name("chat/a").data("1")
			.position(EventPosition.of("e1", 7)).build());

		assertThat(text(this.json.fromBinary(binary))).isEqualTo(
				"{\"topic\":4,\"action\":2,\"name\":\"chat/a\",\"data\":\"1\",\"offset\":7,\"epoch\":\"e1\"}");
	}

	@Test
	void theJsonEndpointReadsTheEpochAndOffsetOfASubscribe() {
		Message subscribe = this.json.decode(bytes(
				"{\"topic\":4,\"action\":3,\"names\":[\"chat/a\"],\"correlationId\":\"1\",\"epoch\":\"e1\",\"offset\":41}"));

		assertThat(subscribe.names()).isEqualTo(List.of("chat/a"));
		assertThat(subscribe.position()).isEqualTo(new EventPosition("e1", 41L, null));
		assertThat(this.json.decode(bytes("{\"topic\":4,\"action\":3,\"names\":[\"chat/a\"]}")).position()).isNull();
	}

	@Test
	void theJsonEndpointRefusesAPositionOutsideEventsOrABadOffset() {
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.json.decode(bytes("{\"topic\":5,\"action\":3,\"names\":[\"r\"],\"offset\":1}")))
			.withMessageContaining("for event messages only");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.json.decode(bytes("{\"topic\":4,\"action\":3,\"names\":[\"e\"],\"offset\":-1}")))
			.withMessageContaining("Field offset must be a whole number");
		assertThatExceptionOfType(ProtocolException.class)
			.isThrownBy(() -> this.json.decode(bytes("{\"topic\":4,\"action\":3,\"names\":[\"e\"],\"offset\":\"4\"}")))
			.withMessageContaining("Field offset must be a whole number");
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	private static String text(byte[] bytes) {
		return new String(bytes, StandardCharsets.UTF_8);
	}

}
