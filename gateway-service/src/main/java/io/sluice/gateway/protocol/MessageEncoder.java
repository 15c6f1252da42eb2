package io.sluice.gateway.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The writing half of {@link MessageCodec}: sizes a message first, so that the frame is a single array written
 * once, in field-number order as protobuf.js writes it.
 */
final class MessageEncoder {

	/** Each topic's fields in field-number order, without the gaps of {@link Schema#layout}; {@code null} if none. */
	private static final Field[][] FIELDS = new Field[Topic.STATE_REGISTRY + 1][];

	/** The field number of each of {@link #FIELDS}. */
	private static final int[][] NUMBERS = new int[Topic.STATE_REGISTRY + 1][];

	static {
		for (int topic = 0; topic < FIELDS.length; topic++) {
			Field[] layout = Schema.layout(topic);
			if (layout == null) {
				continue;
			}
			int count = 0;
			for (Field field : layout) {
				count += (field != null) ? 1 : 0;
			}
			FIELDS[topic] = new Field[count];
			NUMBERS[topic] = new int[count];
			int i = 0;
			for (int number = 1; number < layout.length; number++) {
				if (layout[number] != null) {
					FIELDS[topic][i] = layout[number];
					NUMBERS[topic][i] = number;
					i++;
				}
			}
		}
	}

	private MessageEncoder() {
	}

	/**
	 * The frame of a message with an action, a name, a correlation id and data (either or both {@code null} for
	 * none), and nothing else: byte for byte what {@link #encode} makes of it, without building the message or
	 * converting and sizing every field of the topic. Events are encoded so for every emit, RPC answers for every call.
	 * @throws IllegalArgumentException for a topic whose messages have no name, or no correlation id when one is given
	 */
	static byte[] encodeNamed(int topic, int action, String name, String correlationId, byte[] data) {
		return encodeNamed(topic, action, name, correlationId, data, null, -1);
	}

	/**
	 * An EMIT of an event appended to its name's history, with its epoch and offset: the same frame as {@link #encode}
	 * of that message, made without building it.
	 */
	static byte[] encodeEvent(String name, byte[] data, String epoch, long offset) {
		return encodeNamed(Topic.EVENT, EventAction.EMIT, name, null, data,
				(epoch != null) ? epoch.getBytes(StandardCharsets.UTF_8) : null, offset);
	}

	/** @param offset the event's offset, or a negative number for none */
	private static byte[] encodeNamed(int topic, int action, String name, String correlationId, byte[] data,
			byte[] epoch, long offset) {
		Field[] fields = (topic >= 0 && topic < FIELDS.length) ? FIELDS[topic] : null;
		if (fields == null || number(topic, Field.NAME) == 0
				|| (correlationId != null && number(topic, Field.CORRELATION_ID) == 0)) {
			throw new IllegalArgumentException("Messages of topic " + topic + " have no name"
					+ ((correlationId != null) ? " or no correlation id" : ""));
		}
		int[] numbers = NUMBERS[topic];
		byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
		byte[] correlationBytes = (correlationId != null) ? correlationId.getBytes(StandardCharsets.UTF_8) : null;
		int bodySize = 0;
		for (int i = 0; i < fields.length; i++) {
			if (fields[i] == Field.ACTION) {
				bodySize += ProtoWriter.tagSize(numbers[i]) + ProtoWriter.varintSize(action);
			}
			else if (fields[i] == Field.OFFSET) {
				if (offset >= 0) {
					bodySize += ProtoWriter.tagSize(numbers[i]) + ProtoWriter.varintSize(offset);
				}
			}
			else {
				byte[] bytes = namedBytes(fields[i], nameBytes, correlationBytes, data, epoch);
				if (bytes != null) {
					bodySize += ProtoWriter.delimitedSize(numbers[i], bytes.length);
				}
			}
		}
		int outerSize = ProtoWriter.tagSize(2) + ProtoWriter.varintSize(topic) + ProtoWriter.delimitedSize(3, bodySize);
		ProtoWriter writer = new ProtoWriter(ProtoWriter.varintSize(outerSize) + outerSize);
		writer.varint(outerSize);
		writer.tag(2, ProtoReader.VARINT);
		writer.varint(topic);
		writer.tag(3, ProtoReader.LENGTH_DELIMITED);
		writer.varint(bodySize);
		// In field-number order, as encode() writes them.
		for (int i = 0; i < fields.length; i++) {
			if (fields[i] == Field.ACTION) {
				writer.tag(numbers[i], ProtoReader.VARINT);
				writer.varint(action);
			}
			else if (fields[i] == Field.OFFSET) {
				if (offset >= 0) {
					writer.tag(numbers[i], ProtoReader.VARINT);
					writer.varint(offset);
				}
			}
			else {
				byte[] bytes = namedBytes(fields[i], nameBytes, correlationBytes, data, epoch);
				if (bytes != null) {
					writer.bytes(numbers[i], bytes);
				}
			}
		}
		return writer.finish();
	}

	private static byte[] namedBytes(Field field, byte[] name, byte[] correlationId, byte[] data, byte[] epoch) {
		switch (field) {
			case NAME:
				return name;
			case CORRELATION_ID:
				return correlationId;
			case DATA:
				return data;
			case EPOCH:
				return epoch;
			default:
				return null;
		}
	}

	/** The number a topic gives a field, or 0 if its messages do not have it. */
	private static int number(int topic, Field field) {
		Field[] fields = FIELDS[topic];
		for (int i = 0; i < fields.length; i++) {
			if (fields[i] == field) {
				return NUMBERS[topic][i];
			}
		}
		return 0;
	}

	/**
	 * Encodes a message into one frame. Fields the topic's message does not have are left out, as protobuf.js does.
	 * @throws IllegalArgumentException for a topic the codec does not know
	 */
	static byte[] encode(Message message) {
		int topic = message.topic();
		Field[] layout = (topic >= 0 && topic < FIELDS.length) ? FIELDS[topic] : null;
		if (layout == null) {
			throw new IllegalArgumentException("Cannot encode topic " + message.topic());
		}
		int[] numbers = NUMBERS[topic];
		Parts parts = new Parts(message);
		int bodySize = bodySize(message, layout, numbers, parts);
		int outerSize = ProtoWriter.tagSize(2) + ProtoWriter.varintSize(message.topic())
				+ ProtoWriter.delimitedSize(3, bodySize);
		ProtoWriter writer = new ProtoWriter(ProtoWriter.varintSize(outerSize) + outerSize);
		writer.varint(outerSize);
		writer.tag(2, ProtoReader.VARINT);
		writer.varint(message.topic());
		writer.tag(3, ProtoReader.LENGTH_DELIMITED);
		writer.varint(bodySize);
		writeBody(message, layout, numbers, parts, writer);
		return writer.finish();
	}

	private static int bodySize(Message message, Field[] layout, int[] numbers, Parts parts) {
		int size = 0;
		for (int i = 0; i < layout.length; i++) {
			Field field = layout[i];
			int number = numbers[i];
			switch (field) {
				case NAMES -> {
					for (byte[] name : parts.names) {
						size += ProtoWriter.delimitedSize(number, name.length);
					}
				}
				case VERSIONS -> {
					for (int entry = 0; entry < parts.versionKeys.length; entry++) {
						size += ProtoWriter.delimitedSize(number, entrySize(parts, entry));
					}
				}
				default -> {
					if (field.wireType() == ProtoReader.VARINT) {
						if (hasVarint(message, field)) {
							size += ProtoWriter.tagSize(number) + ProtoWriter.varintSize(varint(message, field));
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

	private static void writeBody(Message message, Field[] layout, int[] numbers, Parts parts, ProtoWriter writer) {
		for (int i = 0; i < layout.length; i++) {
			Field field = layout[i];
			int number = numbers[i];
			switch (field) {
				case NAMES -> {
					for (byte[] name : parts.names) {
						writer.bytes(number, name);
					}
				}
				case VERSIONS -> {
					for (int entry = 0; entry < parts.versionKeys.length; entry++) {
						writer.tag(number, ProtoReader.LENGTH_DELIMITED);
						writer.varint(entrySize(parts, entry));
						writer.bytes(1, parts.versionKeys[entry]);
						writer.tag(2, ProtoReader.VARINT);
						writer.varint(parts.versionValues[entry]);
					}
				}
				default -> {
					if (field.wireType() == ProtoReader.VARINT) {
						if (hasVarint(message, field)) {
							writer.tag(number, ProtoReader.VARINT);
							writer.varint(varint(message, field));
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

	/** Whether a varint field is present and must be written (asked apart from its value: no boxing per field). */
	private static boolean hasVarint(Message message, Field field) {
		switch (field) {
			case ACTION:
				return true;
			case IS_ERROR:
				return message.isError();
			case IS_ACK:
				return message.isAck();
			case IS_WRITE_ACK:
				return message.isWriteAck();
			case ORIGINAL_TOPIC:
				return message.originalTopic() != 0;
			case ORIGINAL_ACTION:
				return message.originalAction() != 0;
			case VERSION:
				// Written whenever set, zero included: the client tells a new record (0) from no version.
				return message.version() != null;
			case OFFSET:
				return message.position() != null && message.position().offset() != null;
			case RECOVERED:
				return message.position() != null && message.position().recovered() != null;
			default:
				throw new IllegalStateException("Not a varint field: " + field);
		}
	}

	/** The value of a varint field that {@link #hasVarint} says is present. */
	private static long varint(Message message, Field field) {
		switch (field) {
			case ACTION:
				return message.action();
			case IS_ERROR:
			case IS_ACK:
			case IS_WRITE_ACK:
				return 1;
			case ORIGINAL_TOPIC:
				return message.originalTopic();
			case ORIGINAL_ACTION:
				return message.originalAction();
			case VERSION:
				return message.version();
			case OFFSET:
				return message.position().offset();
			case RECOVERED:
				return message.position().recovered() ? 1 : 0;
			default:
				throw new IllegalStateException("Not a varint field: " + field);
		}
	}

	/** The UTF-8 bytes of a message's strings, converted once for both sizing and writing. */
	private static final class Parts {

		private static final byte[][] NONE = new byte[0][];

		private static final long[] NO_VALUES = new long[0];

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
			// Most messages have neither names nor versions: they share the empty arrays.
			int nameCount = message.names().size();
			this.names = (nameCount == 0) ? NONE : new byte[nameCount][];
			for (int i = 0; i < nameCount; i++) {
				this.names[i] = utf8(message.names().get(i));
			}
			int versionCount = message.versions().size();
			this.versionKeys = (versionCount == 0) ? NONE : new byte[versionCount][];
			this.versionValues = (versionCount == 0) ? NO_VALUES : new long[versionCount];
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
				case REQUESTOR_DATA:
					return this.message.requestorData();
				case EPOCH:
					return (this.message.position() != null) ? utf8(this.message.position().epoch()) : null;
				default:
					throw new IllegalStateException("Not a bytes field: " + field);
			}
		}

		private static byte[] utf8(String text) {
			return (text != null) ? text.getBytes(StandardCharsets.UTF_8) : null;
		}

	}

}
