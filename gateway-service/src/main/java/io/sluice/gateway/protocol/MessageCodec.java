package io.sluice.gateway.protocol;

import java.nio.charset.StandardCharsets;
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
			throw new ProtocolException("Unknown topic " + topic);
		}
		Field[] layout = Schema.layout(topic);
		if (layout == null) {
			throw new ProtocolException("Topic " + Topic.name(topic) + " is not supported");
		}
		Message message = decodeBody(topic, layout, new ProtoReader(frame, bodyStart, bodyEnd));
		if (Topic.actionName(topic, message.action()) == null) {
			throw new ProtocolException("Unknown action " + message.action() + " on topic " + Topic.name(topic));
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
		Long version = null;
		boolean isAck = false;
		boolean isError = false;
		boolean isWriteAck = false;
		int originalTopic = 0;
		int originalAction = 0;
		List<String> names = null;
		Map<String, Long> versions = null;
		while (reader.hasMore()) {
			long tag = reader.readVarint("a field tag");
			int fieldNumber = fieldNumber(tag);
			int wireType = (int) (tag & 7);
			Field field = (fieldNumber < layout.length) ? layout[fieldNumber] : null;
			if (field == null) {
				reader.skip(wireType, fieldNumber);
				continue;
			}
			expectWireType(wireType, field.wireType(), field.name().toLowerCase());
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
			}
		}
		return new Message(topic, action, name, data, correlationId, isAck, isError, isWriteAck, path, version, names,
				versions, originalTopic, originalAction, url, protocolVersion, sdkVersion, sdkType);
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

	/**
	 * Encodes a message into one frame. Fields the topic's message does not have are left out, as protobuf.js does.
	 * @throws IllegalArgumentException for a topic the codec does not know
	 */
	public static byte[] encode(Message message) {
		Field[] layout = Schema.layout(message.topic());
		if (layout == null) {
			throw new IllegalArgumentException("Cannot encode topic " + message.topic());
		}
		Parts parts = new Parts(message);
		int bodySize = bodySize(message, layout, parts);
		int outerSize = ProtoWriter.tagSize(2) + ProtoWriter.varintSize(message.topic())
				+ ProtoWriter.delimitedSize(3, bodySize);
		ProtoWriter writer = new ProtoWriter(ProtoWriter.varintSize(outerSize) + outerSize);
		writer.varint(outerSize);
		writer.tag(2, ProtoReader.VARINT);
		writer.varint(message.topic());
		writer.tag(3, ProtoReader.LENGTH_DELIMITED);
		writer.varint(bodySize);
		writeBody(message, layout, parts, writer);
		return writer.finish();
	}

	private static int bodySize(Message message, Field[] layout, Parts parts) {
		int size = 0;
		for (int number = 1; number < layout.length; number++) {
			Field field = layout[number];
			if (field == null) {
				continue;
			}
			switch (field) {
				case NAMES -> {
					for (byte[] name : parts.names) {
						size += ProtoWriter.delimitedSize(number, name.length);
					}
				}
				case VERSIONS -> {
					for (int i = 0; i < parts.versionKeys.length; i++) {
						size += ProtoWriter.delimitedSize(number, entrySize(parts, i));
					}
				}
				default -> {
					if (field.wireType() == ProtoReader.VARINT) {
						Long value = varintValue(message, field);
						if (value != null) {
							size += ProtoWriter.tagSize(number) + ProtoWriter.varintSize(value);
						}
					}
					else {
						byte[] bytes = parts.bytes(field);
						if (bytes != null) {
							size += ProtoWriter.delimitedSize(number, bytes.length);
						}
					}
				}
			}
		}
		return size;
	}

	private static void writeBody(Message message, Field[] layout, Parts parts, ProtoWriter writer) {
		for (int number = 1; number < layout.length; number++) {
			Field field = layout[number];
			if (field == null) {
				continue;
			}
			switch (field) {
				case NAMES -> {
					for (byte[] name : parts.names) {
						writer.bytes(number, name);
					}
				}
				case VERSIONS -> {
					for (int i = 0; i < parts.versionKeys.length; i++) {
						writer.tag(number, ProtoReader.LENGTH_DELIMITED);
						writer.varint(entrySize(parts, i));
						writer.bytes(1, parts.versionKeys[i]);
						writer.tag(2, ProtoReader.VARINT);
						writer.varint(parts.versionValues[i]);
					}
				}
				default -> {
					if (field.wireType() == ProtoReader.VARINT) {
						Long value = varintValue(message, field);
						if (value != null) {
							writer.tag(number, ProtoReader.VARINT);
							writer.varint(value);
						}
					}
					else {
						byte[] bytes = parts.bytes(field);
						if (bytes != null) {
							writer.bytes(number, bytes);
						}
					}
				}
			}
		}
	}

	private static int entrySize(Parts parts, int index) {
		return ProtoWriter.delimitedSize(1, parts.versionKeys[index].length) + ProtoWriter.tagSize(2)
				+ ProtoWriter.varintSize(parts.versionValues[index]);
	}

	/** The value of a varint field, or {@code null} when it is absent and must not be written. */
	private static Long varintValue(Message message, Field field) {
		switch (field) {
			case ACTION:
				return (long) message.action();
			case IS_ERROR:
				return message.isError() ? 1L : null;
			case IS_ACK:
				return message.isAck() ? 1L : null;
			case IS_WRITE_ACK:
				return message.isWriteAck() ? 1L : null;
			case ORIGINAL_TOPIC:
				return (message.originalTopic() != 0) ? (long) message.originalTopic() : null;
			case ORIGINAL_ACTION:
				return (message.originalAction() != 0) ? (long) message.originalAction() : null;
			case VERSION:
				// Written whenever set, zero included: the client tells a new record (0) from no version.
				return message.version();
			default:
				throw new IllegalStateException("Not a varint field: " + field);
		}
	}

	/** The UTF-8 bytes of a message's strings, converted once for both sizing and writing. */
	private static final class Parts {

		private final Message message;

		private final byte[][] names;

		private final byte[][] versionKeys;

		private final long[] versionValues;

		private final byte[] name;

		private final byte[] correlationId;

		private final byte[] path;

		Parts(Message message) {
			this.message = message;
			this.name = utf8(message.name());
			this.correlationId = utf8(message.correlationId());
			this.path = utf8(message.path());
			this.names = new byte[message.names().size()][];
			for (int i = 0; i < this.names.length; i++) {
				this.names[i] = utf8(message.names().get(i));
			}
			this.versionKeys = new byte[message.versions().size()][];
			this.versionValues = new long[this.versionKeys.length];
			int i = 0;
			for (Map.Entry<String, Long> entry : message.versions().entrySet()) {
				this.versionKeys[i] = utf8(entry.getKey());
				this.versionValues[i] = entry.getValue();
				i++;
			}
		}

		byte[] bytes(Field field) {
			switch (field) {
				case DATA:
					return this.message.data();
				case NAME:
					return this.name;
				case CORRELATION_ID:
					return this.correlationId;
				case PATH:
					return this.path;
				// Connection fields are rare enough to convert on demand.
				case URL:
					return utf8(this.message.url());
				case PROTOCOL_VERSION:
					return utf8(this.message.protocolVersion());
				case SDK_VERSION:
					return utf8(this.message.sdkVersion());
				case SDK_TYPE:
					return utf8(this.message.sdkType());
				default:
					throw new IllegalStateException("Not a bytes field: " + field);
			}
		}

		private static byte[] utf8(String text) {
			return (text != null) ? text.getBytes(StandardCharsets.UTF_8) : null;
		}

	}

}
