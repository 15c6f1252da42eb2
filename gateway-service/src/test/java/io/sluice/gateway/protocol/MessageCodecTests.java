package io.sluice.gateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The codec against bytes made by the real JS library. The golden hex strings were produced once, by hand, with
 * Node 20 and {@code @deepstream/protobuf@1.0.9}:
 * {@code node -e 'const {getMessage} = require("@deepstream/protobuf/dist/src/message-builder");
 * console.log(Buffer.from(getMessage({...}, false)).toString("hex"))'}, with the message given in each test's comment.
 */
class MessageCodecTests {

	private static final HexFormat HEX = HexFormat.of();

	// {topic:2, action:5, url:"ws://localhost:6020/deepstream", protocolVersion:"0.1a", sdkVersion:"7.0.5",
	// sdkType:"javascript"}
	private static final String CHALLENGE = "3f10021a3b08052a1e77733a2f2f6c6f63616c686f73743a363032302f6465657073747265"
			+ "616d3204302e31613a05372e302e35420a6a617661736372697074";

	// {topic:3, action:2, parsedData:{username:"alice"}}
	private static final String AUTH_REQUEST = "1c10031a18080212147b22757365726e616d65223a22616c696365227d";

	// {topic:5, action:18, name:"rec/1", version:0, parsedData:{a:1}}
	private static final String UPDATE_VERSION_0 = "1810051a14081212077b2261223a317d32057265632f316800";

	// {topic:5, action:19, name:"rec/1", version:7, path:"a.b[2]", parsedData:"x", correlationId:"3", isWriteAck:true}
	private static final String PATCH_WITH_ACK = "2110051a1d081312032278221a013332057265632f3158016206612e625b325d6807";

	// {topic:5, action:23, names:["a","b"], correlationId:"0"}
	private static final String SUBSCRIBE_CREATE_AND_READ = "0f10051a0b08171a01303a01613a0162";

	// {topic:5, action:4, name:"a", version:0, parsedData:{}}
	private static final String READ_RESPONSE_VERSION_0 = "0f10051a0b080412027b7d3201616800";

	// {topic:5, action:8, versions:{a:3, b:-1}}
	private static final String HEAD_RESPONSE_BULK = "1d10051a19080872050a01611003720e0a016210ffffffffffffffffff01";

	// getMessage({topic:4, action:3, correlationId:"0"}, true)
	private static final String EVENT_SUBSCRIBE_ACK = "0b10041a0708031a01302801";

	// {topic:4, action:2, name:"news", parsedData:{t:"hi"}}
	private static final String EMIT = "1810041a140802120a7b2274223a226869227d32046e657773";

	// {topic:1, action:4, originalTOPIC:5, originalAction:18}
	private static final String PARSE_ERROR = "0a10011a06080440054812";

	// {topic:5, action:102, originalAction:18, name:"r", version:-1, isError:true}
	private static final String VERSION_EXISTS_NEGATIVE = "1810051a1408662001320172501268ffffffffffffffffff01";

	// {topic:2, action:4}
	private static final String ACCEPT = "0610021a020804";

	@Test
	void decodesTheClientsChallenge() {
		Message message = decode(CHALLENGE);
		assertThat(message.topic()).isEqualTo(Topic.CONNECTION);
		assertThat(message.action()).isEqualTo(ConnectionAction.CHALLENGE);
		assertThat(message.url()).isEqualTo("ws://localhost:6020/deepstream");
		assertThat(message.protocolVersion()).isEqualTo("0.1a");
		assertThat(message.sdkVersion()).isEqualTo("7.0.5");
		assertThat(message.sdkType()).isEqualTo("javascript");
	}

	@Test
	void decodesAuthDataAsJsonBytes() {
		Message message = decode(AUTH_REQUEST);
		assertThat(message.topic()).isEqualTo(Topic.AUTH);
		assertThat(message.action()).isEqualTo(AuthAction.REQUEST);
		assertThat(message.dataText()).isEqualTo("{\"username\":\"alice\"}");
	}

	@Test
	void decodesAnExplicitVersionZero() {
		Message message = decode(UPDATE_VERSION_0);
		assertThat(message.version()).isEqualTo(0L);
		assertThat(message.name()).isEqualTo("rec/1");
		assertThat(message.dataText()).isEqualTo("{\"a\":1}");
	}

	@Test
	void decodesAWriteAckedPatch() {
		Message message = decode(PATCH_WITH_ACK);
		assertThat(message.action()).isEqualTo(RecordAction.PATCH);
		assertThat(message.version()).isEqualTo(7L);
		assertThat(message.path()).isEqualTo("a.b[2]");
		assertThat(message.dataText()).isEqualTo("\"x\"");
		assertThat(message.correlationId()).isEqualTo("3");
		assertThat(message.isWriteAck()).isTrue();
	}

	@Test
	void decodesBulkNames() {
		Message message = decode(SUBSCRIBE_CREATE_AND_READ);
		assertThat(message.action()).isEqualTo(RecordAction.SUBSCRIBECREATEANDREAD);
		assertThat(message.names()).containsExactly("a", "b");
		assertThat(message.correlationId()).isEqualTo("0");
		assertThat(message.version()).isNull();
	}

	@Test
	void encodesVersionZeroAsTheClientDoes() {
		Message message = Message.builder(Topic.RECORD, RecordAction.READ_RESPONSE).name("a").version(0).data("{}")
			.build();
		assertThat(hex(message)).isEqualTo(READ_RESPONSE_VERSION_0);
	}

	@Test
	void leavesVersionOutWhenItIsNotSet() {
		Message message = Message.builder(Topic.RECORD, RecordAction.DELETE_SUCCESS).name("a").build();
		assertThat(decode(hex(message)).version()).isNull();
		assertThat(hex(message)).doesNotContain("68");
	}

	@Test
	void encodesBulkHeadVersionsAsTheClientDoes() {
		Map<String, Long> versions = new LinkedHashMap<>();
		versions.put("a", 3L);
		versions.put("b", -1L);
		Message message = Message.builder(Topic.RECORD, RecordAction.HEAD_RESPONSE_BULK).versions(versions).build();
		assertThat(hex(message)).isEqualTo(HEAD_RESPONSE_BULK);
		assertThat(decode(HEAD_RESPONSE_BULK).versions()).containsExactly(Map.entry("a", 3L), Map.entry("b", -1L));
	}

	@Test
	void encodesAnAckAsTheClientDoes() {
		Message message = Message.builder(Topic.EVENT, EventAction.SUBSCRIBE).correlationId("0").isAck(true).build();
		assertThat(hex(message)).isEqualTo(EVENT_SUBSCRIBE_ACK);
	}

	@Test
	void encodesNegativeInt32AsTenBytesAsTheClientDoes() {
		Message message = Message.builder(Topic.RECORD, RecordAction.VERSION_EXISTS).originalAction(RecordAction.UPDATE)
			.name("r").version(-1).isError(true).build();
		assertThat(hex(message)).isEqualTo(VERSION_EXISTS_NEGATIVE);
		assertThat(decode(VERSION_EXISTS_NEGATIVE).version()).isEqualTo(-1L);
	}

	@Test
	void encodesParserErrorsWithTheParserFieldNumbers() {
		Message message = Message.builder(Topic.PARSER, ParserAction.MESSAGE_PARSE_ERROR).originalTopic(Topic.RECORD)
			.originalAction(RecordAction.UPDATE).build();
		assertThat(hex(message)).isEqualTo(PARSE_ERROR);
	}

	@ParameterizedTest
	@ValueSource(strings = { CHALLENGE, AUTH_REQUEST, UPDATE_VERSION_0, PATCH_WITH_ACK, SUBSCRIBE_CREATE_AND_READ,
			READ_RESPONSE_VERSION_0, HEAD_RESPONSE_BULK, EVENT_SUBSCRIBE_ACK, EMIT, PARSE_ERROR, VERSION_EXISTS_NEGATIVE,
			ACCEPT })
	void reEncodesWhatItDecodesByteForByte(String golden) {
		assertThat(hex(decode(golden))).isEqualTo(golden);
	}

	@Test
	void encodesAnEmitWithoutBuildingItAsTheClientDoes() {
		assertThat(HEX.formatHex(MessageCodec.encodeNamed(Topic.EVENT, EventAction.EMIT, "news",
				"{\"t\":\"hi\"}".getBytes(StandardCharsets.UTF_8)))).isEqualTo(EMIT);
	}

	@Test
	void encodesANamedMessageAsTheFullEncoderDoesInEveryTopicWithNames() {
		byte[] data = "{\"a\":[1,\"\u00e9\"]}".getBytes(StandardCharsets.UTF_8);
		byte[] large = new byte[300];
		Arrays.fill(large, (byte) '1');
		for (int topic : new int[] { Topic.EVENT, Topic.RECORD, Topic.RPC, Topic.PRESENCE }) {
			for (byte[] payload : new byte[][] { null, data, large }) {
				for (String name : List.of("n", "r\u00e9cord/\u4e16\u754c", "x".repeat(200))) {
					Message message = Message.builder(topic, 2).name(name).data(payload).build();
					assertThat(MessageCodec.encodeNamed(topic, 2, name, payload))
						.as("topic %d, name %s, data %s", topic, name, (payload != null) ? payload.length : null)
						.isEqualTo(MessageCodec.encode(message));
					Message answer = Message.builder(topic, 105).name(name).correlationId("k7\u00e9").data(payload)
						.build();
					assertThat(MessageCodec.encodeNamed(topic, 105, name, "k7\u00e9", payload))
						.as("topic %d, name %s, data %s, with a correlation id", topic, name,
								(payload != null) ? payload.length : null)
						.isEqualTo(MessageCodec.encode(answer));
				}
			}
		}
	}

	@Test
	void refusesToEncodeANamedMessageOnATopicWithoutNames() {
		assertThatExceptionOfType(IllegalArgumentException.class)
			.isThrownBy(() -> MessageCodec.encodeNamed(Topic.AUTH, 2, "n", null))
			.withMessageContaining("no name");
	}

	@Test
	void dropsFieldsTheTopicMessageDoesNotHave() {
		// ConnectionMessage has no originalTopic or name: protobuf.js would not write them either.
		Message message = Message.builder(Topic.CONNECTION, ConnectionAction.ACCEPT).originalTopic(Topic.RECORD)
			.name("ignored").build();
		assertThat(hex(message)).isEqualTo(ACCEPT);
	}

	@Test
	void roundTripsEveryField() {
		Message message = Message.builder(Topic.RECORD, RecordAction.UPDATE).name("n").data("[1,\"é\"]")
			.correlationId("c").isAck(true).isError(true).isWriteAck(true).path("p.q").version(123456789L)
			.names(List.of("x", "y")).versions(Map.of("z", 5L)).originalAction(RecordAction.READ).build();
		assertThat(MessageCodec.decode(MessageCodec.encode(message))).isEqualTo(message);
	}

	@Test
	void skipsUnknownFields() {
		// The accept message with an extra field 15 (varint 1) appended to the topic message.
		assertThat(decode("0810021a0408047801").action()).isEqualTo(ConnectionAction.ACCEPT);
	}

	@Test
	void rejectsAnEmptyFrame() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> MessageCodec.decode(new byte[0]))
			.withMessage("Empty frame");
	}

	@Test
	void rejectsATruncatedFrame() {
		String truncated = PATCH_WITH_ACK.substring(0, PATCH_WITH_ACK.length() - 6);
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(truncated))
			.withMessageStartingWith("Truncated message");
	}

	@Test
	void rejectsATopicMessageOverrunningItsLength() {
		// The outer length is right, but the topic message claims 0x20 bytes where 2 follow.
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode("0610021a200804"))
			.withMessageStartingWith("Truncated message: the topic message announces 32 bytes");
	}

	@Test
	void rejectsTrailingBytes() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode(ACCEPT + "00"))
			.withMessage("Frame has 1 bytes after the message");
	}

	@Test
	void rejectsAnUnknownTopic() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode("0610631a020804"))
			.withMessage("Unknown topic 99");
	}

	@Test
	void rejectsATopicItCannotDecode() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode("06100a1a020802"))
			.withMessage("Topic LOCK is not supported");
	}

	@Test
	void rejectsAnUnknownAction() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode("0610051a020863"))
			.withMessage("Unknown action 99 on topic RECORD");
	}

	@Test
	void rejectsABadWireType() {
		// The record name (field 6) sent as a varint.
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode("0810051a0408123001"))
			.withMessage("Bad wire type 0 for name, expected 2");
	}

	@Test
	void rejectsAnUnterminatedVarint() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode("021085"))
			.withMessage("Truncated message: the topic ends inside a varint");
	}

	@Test
	void rejectsGroupWireTypes() {
		assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> decode("0810021a0408047b01"))
			.withMessage("Bad wire type 3 for field 15");
	}

	private static Message decode(String hex) {
		return MessageCodec.decode(HEX.parseHex(hex));
	}

	private static String hex(Message message) {
		return HEX.formatHex(MessageCodec.encode(message));
	}

}
