package io.sluice.gateway.metrics;

/**
 * The topic and action of a frame encoded by {@link io.sluice.gateway.protocol.MessageCodec}, read from its first
 * bytes without decoding it: the length prefix, the topic (field 2), then the topic's message (field 3), whose first
 * field is the action (field 1), as the codec writes them. A frame laid out otherwise reads as topic 0, action -1.
 */
final class FrameHeader {

	private static final int TOPIC_TAG = (2 << 3);

	private static final int MESSAGE_TAG = (3 << 3) | 2;

	private static final int ACTION_TAG = (1 << 3);

	private FrameHeader() {
	}

	/** The topic and action, packed for {@link #topic} and {@link #action}. */
	static long read(byte[] frame) {
		int[] position = { 0 };
		long topic = -1;
		long action = -1;
		if (varint(frame, position) >= 0 && varint(frame, position) == TOPIC_TAG) {
			topic = varint(frame, position);
			if (topic >= 0 && varint(frame, position) == MESSAGE_TAG && varint(frame, position) >= 0
					&& varint(frame, position) == ACTION_TAG) {
				action = varint(frame, position);
			}
		}
		return ((topic < 0 || topic > Integer.MAX_VALUE) ? 0 : topic) << 32
				| ((action < 0 || action > Integer.MAX_VALUE) ? 0xFFFFFFFFL : action);
	}

	static int topic(long header) {
		return (int) (header >>> 32);
	}

	static int action(long header) {
		return (int) header;
	}

	/** The varint at {@code position[0]}, moving past it; -1 when the frame ends or the varint is too long. */
	private static long varint(byte[] frame, int[] position) {
		long value = 0;
		for (int shift = 0; shift < 35; shift += 7) {
			if (position[0] >= frame.length) {
				return -1;
			}
			byte b = frame[position[0]++];
			value |= (long) (b & 0x7f) << shift;
			if (b >= 0) {
				return value;
			}
		}
		return -1;
	}

}
