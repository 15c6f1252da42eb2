package io.sluice.gateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Random and mutated frames for both decoders: whatever arrives, a decoder returns a message or throws its own
 * {@link ProtocolException}, nothing else. Seeded, so a failure names the case that reproduces it;
 * {@code -Dsluice.fuzz.cases=N} runs more (or fewer) cases, {@code -Dsluice.fuzz.seed=S} another sequence.
 */
class MessageCodecFuzzTests {

	static final int CASES = Integer.getInteger("sluice.fuzz.cases", 100_000);

	static final long SEED = Long.getLong("sluice.fuzz.seed", 20260501L);

	private static final int[] TOPICS = { Topic.PARSER, Topic.CONNECTION, Topic.AUTH, Topic.EVENT, Topic.RECORD,
			Topic.RPC, Topic.PRESENCE, Topic.MONITORING };

	private static final String[] JSON_TOKENS = { "{", "}", "[", "]", "\"", ":", ",", "null", "true", "-1",
			"1e999", "2147483648", "\"\\u0000\"", "\\", "\"topic\":", "\"data\":", "\"names\":", "\"versions\":{" };

	private final JsonFrameCodec json = new JsonFrameCodec(64);

	@Test
	void binaryDecoderThrowsNothingButProtocolExceptions() {
		Random random = new Random(SEED);
		int decoded = 0;
		for (int i = 0; i < CASES / 2; i++) {
			byte[] frame = (i % 10 == 0) ? randomBytes(random) : mutate(random, MessageCodec.encode(message(random)));
			decoded += decodes(i, frame, MessageCodec::decode) ? 1 : 0;
		}
		// Mutations that keep a frame valid are common enough to show the decoder is exercised past the first byte.
		assertThat(decoded).isGreaterThan(CASES / 50);
	}

	@Test
	void jsonDecoderThrowsNothingButProtocolExceptions() {
		Random random = new Random(SEED + 1);
		int decoded = 0;
		for (int i = 0; i < CASES / 2; i++) {
			byte[] frame;
			switch (i % 10) {
				case 0 -> frame = randomBytes(random);
				case 1, 2, 3 -> frame = mutateJson(random, new String(this.json.encode(message(random)),
						StandardCharsets.UTF_8));
				default -> frame = mutate(random, this.json.encode(message(random)));
			}
			decoded += decodes(i, frame, this.json::decode) ? 1 : 0;
		}
		assertThat(decoded).isGreaterThan(CASES / 50);
	}

	@Test
	void validMessagesSurviveBothEncodings() {
		Random random = new Random(SEED + 2);
		for (int i = 0; i < Math.min(CASES, 20_000); i++) {
			// The binary codec drops fields a topic's message does not have: what is left must survive both.
			Message message = MessageCodec.decode(MessageCodec.encode(message(random)));
			assertThat(MessageCodec.decode(MessageCodec.encode(message))).as("case %d", i).isEqualTo(message);
			assertThat(this.json.decode(this.json.encode(message))).as("case %d", i).isEqualTo(message);
		}
	}

	@Test
	void deeplyNestedJsonIsRefusedByTheCodecsOwnException() {
		String deep = "[".repeat(100_000);
		byte[] frame = ("{\"topic\":5,\"action\":1,\"parsedData\":" + deep + "}").getBytes(StandardCharsets.UTF_8);
		assertThat(decodes(0, frame, this.json::decode)).isFalse();
		assertThat(JsonDepth.exceeds(deep.getBytes(StandardCharsets.UTF_8), 64)).isTrue();
	}

	private static boolean decodes(int i, byte[] frame, Decoder decoder) {
		try {
			decoder.decode(frame);
			return true;
		}
		catch (ProtocolException ex) {
			assertThat(ex.getMessage()).as("case %d has a reason", i).isNotBlank();
			return false;
		}
		catch (RuntimeException | StackOverflowError ex) {
			fail("Case %d (seed %d) threw %s for %s", i, SEED, ex, Arrays.toString(frame), ex);
			return false;
		}
	}

	static Message message(Random random) {
		int topic = TOPICS[random.nextInt(TOPICS.length)];
		int action = validAction(random, topic);
		Message.Builder builder = Message.builder(topic, action);
		if (random.nextBoolean()) {
			builder.name(text(random));
		}
		if (random.nextBoolean()) {
			builder.data("{\"a\":[" + random.nextInt() + ",\"" + text(random).replace("\"", "") + "\"]}");
		}
		if (random.nextBoolean()) {
			builder.correlationId(Integer.toString(random.nextInt(1000)));
		}
		builder.isAck(random.nextInt(4) == 0).isError(random.nextInt(4) == 0);
		if (topic == Topic.RECORD) {
			builder.isWriteAck(random.nextInt(4) == 0);
			if (random.nextBoolean()) {
				builder.version((long) random.nextInt(100) - 1);
			}
			if (random.nextBoolean()) {
				builder.path("a.b[" + random.nextInt(5) + "]");
			}
			if (random.nextInt(4) == 0) {
				builder.versions(Map.of(text(random), (long) random.nextInt(50)));
			}
		}
		if (topic == Topic.RECORD || topic == Topic.EVENT || topic == Topic.PRESENCE || topic == Topic.RPC) {
			if (random.nextBoolean()) {
				List<String> names = new ArrayList<>();
				for (int n = random.nextInt(4); n > 0; n--) {
					names.add(text(random));
				}
				builder.names(names);
			}
		}
		if (topic == Topic.CONNECTION && random.nextBoolean()) {
			builder.url("ws://" + text(random)).protocolVersion("0.1a").sdkVersion("7.0.5").sdkType("javascript");
		}
		return builder.build();
	}

	private static int validAction(Random random, int topic) {
		while (true) {
			int action = (random.nextInt(3) == 0) ? 100 + random.nextInt(20) : random.nextInt(40);
			if (Topic.actionName(topic, action) != null) {
				return action;
			}
		}
	}

	private static String text(Random random) {
		int length = random.nextInt(12);
		StringBuilder text = new StringBuilder(length);
		for (int i = 0; i < length; i++) {
			text.append((random.nextInt(8) == 0) ? (char) (0x80 + random.nextInt(0x3000)) : (char) ('a' + random.nextInt(26)));
		}
		return text.toString();
	}

	static byte[] randomBytes(Random random) {
		byte[] bytes = new byte[random.nextInt(64)];
		random.nextBytes(bytes);
		return bytes;
	}

	/** Flips, overwrites, drops, duplicates or inserts bytes, or cuts the frame short. */
	static byte[] mutate(Random random, byte[] frame) {
		byte[] mutated = frame;
		for (int n = 1 + random.nextInt(3); n > 0 && mutated.length > 0; n--) {
			int at = random.nextInt(mutated.length);
			switch (random.nextInt(6)) {
				case 0 -> mutated[at] ^= (byte) (1 << random.nextInt(8));
				case 1 -> mutated[at] = (byte) random.nextInt(256);
				case 2 -> mutated = Arrays.copyOf(mutated, at);
				case 3 -> {
					byte[] longer = new byte[mutated.length + 1];
					System.arraycopy(mutated, 0, longer, 0, at);
					longer[at] = (byte) random.nextInt(256);
					System.arraycopy(mutated, at, longer, at + 1, mutated.length - at);
					mutated = longer;
				}
				case 4 -> {
					byte[] shorter = new byte[mutated.length - 1];
					System.arraycopy(mutated, 0, shorter, 0, at);
					System.arraycopy(mutated, at + 1, shorter, at, mutated.length - at - 1);
					mutated = shorter;
				}
				default -> mutated[at] = (byte) (0x80 | random.nextInt(128));
			}
		}
		return mutated;
	}

	/** Mutates JSON text by tokens, so that many frames stay JSON but with the wrong shapes and types. */
	static byte[] mutateJson(Random random, String frame) {
		StringBuilder text = new StringBuilder(frame);
		for (int n = 1 + random.nextInt(3); n > 0; n--) {
			int at = random.nextInt(text.length() + 1);
			String token = JSON_TOKENS[random.nextInt(JSON_TOKENS.length)];
			if (random.nextBoolean() && at < text.length()) {
				text.replace(at, Math.min(text.length(), at + 1 + random.nextInt(6)), token);
			}
			else {
				text.insert(at, token);
			}
		}
		return text.toString().getBytes(StandardCharsets.UTF_8);
	}

	interface Decoder {

		Message decode(byte[] frame);

	}

}
