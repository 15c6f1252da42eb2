package io.sluice.connector.redis;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

import io.sluice.connector.BusMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class BusEnvelopeTests {

	private static final byte[] BINARY = new byte[256];

	static {
		for (int i = 0; i < BINARY.length; i++) {
			BINARY[i] = (byte) i;
		}
	}

	@Test
	void publishedMessageRoundTripsWithoutTarget() {
		byte[] envelope = BusEnvelope.encode("n\u00e9ud-1", null, BINARY);
		assertThat(BusEnvelope.decode("records", envelope))
			.isEqualTo(new BusMessage("records", "n\u00e9ud-1", null, BINARY));
	}

	@Test
	void directMessageRoundTripsWithTarget() {
		byte[] envelope = BusEnvelope.encode("a", "\u4e16\u754c", new byte[0]);
		BusMessage message = BusEnvelope.decode("rpc", envelope);
		assertThat(message).isEqualTo(new BusMessage("rpc", "a", "\u4e16\u754c", new byte[0]));
		assertThat(message.isDirect()).isTrue();
	}

	@Test
	void layoutIsFormatFlagsThenLengthPrefixedNamesThenPayload() {
		byte[] published = BusEnvelope.encode("ab", null, new byte[] { 9 });
		assertThat(published).containsExactly(1, 0, 0, 2, 'a', 'b', 9);
		byte[] direct = BusEnvelope.encode("ab", "c", new byte[] { 9 });
		assertThat(direct).containsExactly(1, 1, 0, 2, 'a', 'b', 0, 1, 'c', 9);
	}

	@Test
	void unknownFormatIsRejected() {
		byte[] envelope = BusEnvelope.encode("a", null, BINARY);
		envelope[0] = 2;
		assertThatIllegalArgumentException().isThrownBy(() -> BusEnvelope.decode("t", envelope))
			.withMessageContaining("format 2");
	}

	@Test
	void truncatedEnvelopeIsRejected() {
		byte[] envelope = BusEnvelope.encode("node", "other", BINARY);
		for (int length : new int[] { 0, 1, 3, 5, 8 }) {
			byte[] truncated = Arrays.copyOf(envelope, length);
			assertThatIllegalArgumentException().isThrownBy(() -> BusEnvelope.decode("t", truncated))
				.withMessageContaining("Truncated");
		}
	}

	@Test
	void nodeIdLongerThanTheLengthFieldIsRejected() {
		String huge = "x".repeat(0x10000);
		assertThatIllegalArgumentException().isThrownBy(() -> BusEnvelope.encode(huge, null, BINARY));
		String largest = "y".repeat(0xFFFF);
		BusMessage message = BusEnvelope.decode("t", BusEnvelope.encode(largest, null, BINARY));
		assertThat(message.from()).isEqualTo(largest);
		assertThat(new String(message.payload(), StandardCharsets.ISO_8859_1))
			.isEqualTo(new String(BINARY, StandardCharsets.ISO_8859_1));
	}

}
