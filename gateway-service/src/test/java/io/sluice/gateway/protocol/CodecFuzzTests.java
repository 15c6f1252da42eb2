package io.sluice.gateway.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Both codecs on arbitrary frames: a frame decodes to a message or is refused with a {@link ProtocolException},
 * which the session turns into deepstream's error for it; nothing else may escape, and nothing may hang. A binary
 * frame that decodes encodes to a frame that decodes to the same message. The normal build replays the inputs
 * committed under {@code CodecFuzzTestsInputs}; {@code JAZZER_FUZZ=1} fuzzes (docs/reliability.md).
 */
class CodecFuzzTests {

	private static final JsonFrameCodec JSON = new JsonFrameCodec(64);

	@FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
	void binaryFrames(byte @NotNull [] frame) {
		Message message;
		try {
			message = MessageCodec.decode(frame);
		}
		catch (ProtocolException ex) {
			assertThat(ex.getMessage()).isNotBlank();
			return;
		}
		assertThat(MessageCodec.decode(MessageCodec.encode(message))).isEqualTo(message);
	}

	@FuzzTest(maxDuration = "30m", maxExecutions = 1_000_000)
	void jsonFrames(byte @NotNull [] frame) {
		Message message;
		try {
			message = JSON.decode(frame);
		}
		catch (ProtocolException ex) {
			assertThat(ex.getMessage()).isNotBlank();
			return;
		}
		assertThat(JSON.decode(JSON.encode(message))).isEqualTo(message);
	}

}
