package io.sluice.gateway.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deepstream binary protocol, as {@code @deepstream/protobuf} 1.0.9 frames it: each WebSocket frame is one
 * length-delimited {@code Message {int32 topic = 2; bytes message = 3}} whose {@code message} is the topic's own
 * message ({@code RecordMessage}, {@code EventMessage}, ...).
 *
 * <p>Written by hand rather than generated, for two reasons: protobuf.js writes a scalar whenever it is set, even when
 * it is zero, and the client relies on that ({@code version: 0}); and one {@link Message} type covers every topic.
 * Fields are written in field-number order, as protobuf.js does, so encodings are byte-for-byte the same.
 */
public final class MessageCodec {

	private MessageCodec() {
	}

	/**
	 * Decodes one frame.
	 * @throws ProtocolException naming what is wrong with the frame; nothing else
	 */
	public static Message decode(byte[] frame) {
		if (frame.length == 0) {
			throw new ProtocolException("Empty frame");
		}
		ProtoReader outer = new ProtoReader(frame, 0, frame.length);
		int end = outer.readLength("the length prefix");
		if (end != frame.length) {
			throw new ProtocolException("Frame has " + (frame.length - end) + " bytes after the message");
		}
		int topic = 0;
		int bodyStart = end;
		int bodyEnd = end;
		while (outer.hasMore()) {
			long tag = outer.readVarint("a field tag");
			int fieldNumber = fieldNumber(tag);
			int wireType = (int) (tag & 7);
			if (fieldNumber == 2) {
				expectWireType(wireType, ProtoReader.VARINT, "topic");
				topic = (int) outer.readVarint("the topic");
			}
			else if (fieldNumber == 3) {
				expectWireType(wireType, ProtoReader.LENGTH_DELIMITED, "message");
				bodyEnd = outer.readLength("the topic message");
				bodyStart = outer.position();
				outer.skipTo(bodyEnd);
			}
			else {
				outer.skip(wireType, fieldNumber);
			}
		}
		if (Topic.name(topic) == null) {
			throw new ProtocolException(ParserAction.UNKNOWN_TOPIC, "Unknown topic " + topic);
		}
		Field[] layout = Schema.layout(topic);
		if (layout == null) {
			throw new ProtocolException(ParserAction.UNKNOWN_TOPIC, "Topic " + Topic.name(topic) + " is not supported");
		}
		Message message = decodeBody(topic, layout, new ProtoReader(frame, bodyStart, bodyEnd));
		if (Topic.actionName(topic, message.action()) == null) {
			throw new ProtocolException(ParserAction.UNKNOWN_ACTION,
					"Unknown action " + message.action() + " on topic " + Topic.name(topic));
		}
		return message;
	}

	private static Message decodeBody(int topic, Field[] layout, ProtoReader reader) {
		Message.Builder builder = null;
		int action = 0;
		byte[] data = null;
		String name = null;
		String correlationId = null;
		String path = null;
		String url = null;
		String protocolVersion = null;
		String sdkVersion = null;
		String sdkType = null;
		String subscription = null;
		String requestorName = null;
		byte[] requestorData = null;
		Long version = null;
		boolean isAck = false;
		boolean isError = false;
		boolean isWriteAck = false;
		int originalTopic = 0;
		int originalAction = 0;
		List<String> names = null;
		Map<String, Long> versions = null;
		Long offset = null;
		String epoch = null;
		Boolean recovered = null;
		while (reader.hasMore()) {
			long tag = reader.readVarint("a field tag");
			int fieldNumber = fieldNumber(tag);
			int wireType = (int) (tag & 7);
			Field field = (fieldNumber < layout.length) ? layout[fieldNumber] : null;
			if (field == null) {
				reader.skip(wireType, fieldNumber);
				continue;
			}
			expectWireType(wireType, field);
			switch (field) {
				case ACTION -> action = int32(reader, "action");
				case DATA -> data = reader.readBytes("data");
				case CORRELATION_ID -> correlationId = reader.readString("correlationId");
				case IS_ERROR -> isError = reader.readVarint("isError") != 0;
				case IS_ACK -> isAck = reader.readVarint("isAck") != 0;
				case IS_WRITE_ACK -> isWriteAck = reader.readVarint("isWriteAck") != 0;
				case NAME -> name = reader.readString("name");
				case NAMES -> {
					if (names == null) {
						names = new ArrayList<>();
					}
					names.add(reader.readString("names"));
				}
				case ORIGINAL_TOPIC -> originalTopic = int32(reader, "originalTopic");
				case ORIGINAL_ACTION -> originalAction = int32(reader, "originalAction");
				case PATH -> path = reader.readString("path");
				case VERSION -> version = (long) int32(reader, "version");
				case VERSIONS -> {
					if (versions == null) {
						versions = new LinkedHashMap<>();
					}
					readVersionEntry(reader, versions);
				}
				case URL -> url = reader.readString("url");
				case PROTOCOL_VERSION -> protocolVersion = reader.readString("protocolVersion");
				case SDK_VERSION -> sdkVersion = reader.readString("sdkVersion");
				case SDK_TYPE -> sdkType = reader.readString("sdkType");
				case SUBSCRIPTION -> subscription = reader.readString("subscription");
				case REQUESTOR_NAME -> requestorName = reader.readString("requestorName");
				case REQUESTOR_DATA -> requestorData = reader.readBytes("requestorData");
				case OFFSET -> offset = reader.readVarint("offset");
				case EPOCH -> epoch = reader.readString("epoch");
				case RECOVERED -> recovered = reader.readVarint("recovered") != 0;
			}
		}
		return new Message(topic, action, name, data, correlationId, isAck, isError, isWriteAck, path, version, names,
				versions, originalTopic, originalAction, url, protocolVersion, sdkVersion, sdkType, subscription,
				requestorName, requestorData,
				(offset != null || epoch != null || recovered != null) ? new EventPosition(epoch, offset, recovered)
						: null);
	}

	/** An int32 field: protobuf.js writes negatives sign-extended to 64 bits and reads back the low 32. */
	private static int int32(ProtoReader reader, String what) {
		return (int) reader.readVarint(what);
	}

	private static void readVersionEntry(ProtoReader reader, Map<String, Long> versions) {
		int end = reader.readLength("a versions entry");
		String key = "";
		long value = 0;
		while (reader.position() < end) {
			long tag = reader.readVarint("a versions entry tag");
			int fieldNumber = fieldNumber(tag);
			int wireType = (int) (tag & 7);
			if (fieldNumber == 1) {
				expectWireType(wireType, ProtoReader.LENGTH_DELIMITED, "versions key");
				key = reader.readString("versions key");
			}
			else if (fieldNumber == 2) {
				expectWireType(wireType, ProtoReader.VARINT, "versions value");
				value = int32(reader, "versions value");
			}
			else {
				reader.skip(wireType, fieldNumber);
			}
			if (reader.position() > end) {
				throw new ProtocolException("Truncated message: a versions entry overruns its length");
			}
		}
		versions.put(key, value);
	}

	private static int fieldNumber(long tag) {
		long number = tag >>> 3;
		if (number == 0 || number > Integer.MAX_VALUE) {
			throw new ProtocolException("Invalid field number " + number);
		}
		return (int) number;
	}

	private static void expectWireType(int actual, int expected, String field) {
		if (actual != expected) {
			throw new ProtocolException("Bad wire type " + actual + " for " + field + ", expected " + expected);
		}
	}

	private static void expectWireType(int actual, Field field) {
		if (actual != field.wireType()) {
			// The field's name is built only here: this check runs for every field of every message.
			throw new ProtocolException("Bad wire type " + actual + " for " + field.name().toLowerCase() + ", expected "
					+ field.wireType());
		}
	}

	/**
	 * Encodes a message into one frame. Fields the topic's message does not have are left out, as protobuf.js does.
	 * @throws IllegalArgumentException for a topic the codec does not know
	 */
	public static byte[] encode(Message message) {
		return MessageEncoder.encode(message);
	}

	/**
	 * Encodes a message that has only an action, a name and data ({@code null} for none): the same frame as
	 * {@link #encode} of that message, made without building it.
	 * @throws IllegalArgumentException for a topic whose messages have no name
	 */
	public static byte[] encodeNamed(int topic, int action, String name, byte[] data) {
		return MessageEncoder.encodeNamed(topic, action, name, null, data);
	}

	/**
	 * Encodes a message that has only an action, a name, a correlation id and data (either {@code null} for none),
	 * as an answer to a request has: the same frame as {@link #encode} of that message, made without building it.
	 * @throws IllegalArgumentException for a topic whose messages have no name or no correlation id
	 */
	public static byte[] encodeNamed(int topic, int action, String name, String correlationId, byte[] data) {
		return MessageEncoder.encodeNamed(topic, action, name, correlationId, data);
	}

	/**
	 * Encodes the EMIT of an event appended to its name's history, with its epoch and offset: the same frame as
	 * {@link #encode} of that message ({@link EventPosition}), made without building it.
	 */
	public static byte[] encodeEvent(String name, byte[] data, String epoch, long offset) {
		return MessageEncoder.encodeEvent(name, data, epoch, offset);
	}

}
