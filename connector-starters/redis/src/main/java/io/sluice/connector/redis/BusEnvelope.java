package io.sluice.connector.redis;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import io.sluice.connector.BusMessage;

/**
 * The envelope {@code {from, to?, payload}} of a message on the Redis bus, in a compact binary layout:
 * <pre>
 * byte    format, {@value #FORMAT}
 * byte    flags, bit 0 set when the message is addressed to one node
 * u16     length of from, then from in UTF-8
 * [u16    length of to, then to in UTF-8]   only when addressed
 * bytes   the payload, to the end
 * </pre>
 * The topic is not carried: it is the channel the message travelled on.
 */
final class BusEnvelope {

	static final byte FORMAT = 1;

	private static final int DIRECT = 1;

	private static final int MAX_NAME_BYTES = 0xFFFF;

	private BusEnvelope() {
	}

	static byte[] encode(String from, String to, byte[] payload) {
		byte[] fromBytes = name("from", from);
		byte[] toBytes = (to != null) ? name("to", to) : null;
		int size = 2 + 2 + fromBytes.length + ((toBytes != null) ? 2 + toBytes.length : 0) + payload.length;
		ByteBuffer buffer = ByteBuffer.allocate(size);
		buffer.put(FORMAT).put((byte) ((toBytes != null) ? DIRECT : 0));
		buffer.putShort((short) fromBytes.length).put(fromBytes);
		if (toBytes != null) {
			buffer.putShort((short) toBytes.length).put(toBytes);
		}
		return buffer.put(payload).array();
	}

	/**
	 * The message in {@code envelope}, which travelled on {@code topic}.
	 * @throws IllegalArgumentException if it is not an envelope this format knows
	 */
	static BusMessage decode(String topic, byte[] envelope) {
		try {
			ByteBuffer buffer = ByteBuffer.wrap(envelope);
			byte format = buffer.get();
			if (format != FORMAT) {
				throw new IllegalArgumentException("Unknown bus envelope format " + format);
			}
			int flags = buffer.get();
			String from = readName(buffer);
			String to = ((flags & DIRECT) != 0) ? readName(buffer) : null;
			byte[] payload = Arrays.copyOfRange(envelope, buffer.position(), envelope.length);
			return new BusMessage(topic, from, to, payload);
		}
		catch (BufferUnderflowException ex) {
			throw new IllegalArgumentException("Truncated bus envelope of " + envelope.length + " bytes", ex);
		}
	}

	private static byte[] name(String what, String name) {
		byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
		if (bytes.length > MAX_NAME_BYTES) {
			throw new IllegalArgumentException("A node id (" + what + ") must be at most " + MAX_NAME_BYTES
					+ " bytes in UTF-8, was " + bytes.length);
		}
		return bytes;
	}

	private static String readName(ByteBuffer buffer) {
		int length = Short.toUnsignedInt(buffer.getShort());
		if (length > buffer.remaining()) {
			throw new BufferUnderflowException();
		}
		String name = new String(buffer.array(), buffer.position(), length, StandardCharsets.UTF_8);
		buffer.position(buffer.position() + length);
		return name;
	}

}
