package io.sluice.gateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The writing half of {@link MessageCodec}: sizes a message first, so that the frame is a single array written
 * once, in field-number order as protobuf.js writes it.
 */
final class MessageEncoder {

	private MessageEncoder() {
	}

	/**
	 * Encodes a message into one frame. Fields the topic's message does not have are left out, as protobuf.js does.
	 * @throws IllegalArgumentException for a topic the codec does not know
	 */
	static byte[] encode(Message message) {
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
				case SUBSCRIPTION:
					return utf8(this.message.subscription());
				case REQUESTOR_NAME:
					return utf8(this.message.requestorName());
				default:
					throw new IllegalStateException("Not a bytes field: " + field);
			}
		}

		private static byte[] utf8(String text) {
			return (text != null) ? text.getBytes(StandardCharsets.UTF_8) : null;
		}

	}

}
