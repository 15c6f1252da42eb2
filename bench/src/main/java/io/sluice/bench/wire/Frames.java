package io.sluice.bench.wire;

import java.nio.charset.StandardCharsets;

/**
 * Builds the client-to-server frames the load generator sends, in the deepstream binary framing: a length-delimited
 * {@code Message {int32 topic = 2; bytes message = 3}} wrapping the topic's own message. Field numbers are those of
 * {@code @deepstream/protobuf} 1.0.9.
 */
public final class Frames {

	public static final int TOPIC_CONNECTION = 2;

	public static final int TOPIC_AUTH = 3;

	public static final int TOPIC_EVENT = 4;

	public static final int TOPIC_RECORD = 5;

	public static final int TOPIC_RPC = 6;

	public static final int CONNECTION_PING = 2;

	public static final int CONNECTION_PONG = 3;

	public static final int CONNECTION_ACCEPT = 4;

	public static final int CONNECTION_CHALLENGE = 5;

	public static final int AUTH_REQUEST = 2;

	public static final int AUTH_SUCCESSFUL = 3;

	public static final int EVENT_EMIT = 2;

	public static final int EVENT_SUBSCRIBE = 3;

	public static final int RECORD_READ_RESPONSE = 4;

	public static final int RECORD_UPDATE = 18;

	public static final int RECORD_SUBSCRIBECREATEANDREAD = 23;

	public static final int RPC_REQUEST = 2;

	public static final int RPC_ACCEPT = 4;

	public static final int RPC_RESPONSE = 5;

	public static final int RPC_PROVIDE = 8;

	private Frames() {
	}

	public static byte[] challenge(String url) {
		return frame(TOPIC_CONNECTION, new ProtoOut().int32(1, CONNECTION_CHALLENGE)
			.string(5, url)
			.string(6, "0.1a")
			.string(7, "7.0.5")
			.string(8, "javascript"));
	}

	public static byte[] ping() {
		return frame(TOPIC_CONNECTION, new ProtoOut().int32(1, CONNECTION_PING));
	}

	public static byte[] pong() {
		return frame(TOPIC_CONNECTION, new ProtoOut().int32(1, CONNECTION_PONG));
	}

	public static byte[] authRequest() {
		return frame(TOPIC_AUTH, new ProtoOut().int32(1, AUTH_REQUEST).string(2, "{}"));
	}

	public static byte[] eventSubscribe(String name, String correlationId) {
		return frame(TOPIC_EVENT,
				new ProtoOut().int32(1, EVENT_SUBSCRIBE).string(3, correlationId).string(7, name));
	}

	public static byte[] eventEmit(String name, byte[] data) {
		return frame(TOPIC_EVENT, new ProtoOut().int32(1, EVENT_EMIT).bytes(2, data).string(6, name));
	}

	public static byte[] recordSubscribeCreateAndRead(String name, String correlationId) {
		return frame(TOPIC_RECORD,
				new ProtoOut().int32(1, RECORD_SUBSCRIBECREATEANDREAD).string(3, correlationId).string(7, name));
	}

	public static byte[] recordUpdate(String name, long version, byte[] data) {
		return frame(TOPIC_RECORD,
				new ProtoOut().int32(1, RECORD_UPDATE).bytes(2, data).string(6, name).int32(13, version));
	}

	public static byte[] rpcProvide(String name, String correlationId) {
		return frame(TOPIC_RPC, new ProtoOut().int32(1, RPC_PROVIDE).string(3, correlationId).string(6, name));
	}

	public static byte[] rpcRequest(String name, String correlationId, byte[] data) {
		return frame(TOPIC_RPC,
				new ProtoOut().int32(1, RPC_REQUEST).bytes(2, data).string(3, correlationId).string(7, name));
	}

	public static byte[] rpcAccept(String name, String correlationId) {
		return frame(TOPIC_RPC, new ProtoOut().int32(1, RPC_ACCEPT).string(3, correlationId).string(7, name));
	}

	public static byte[] rpcResponse(String name, String correlationId, byte[] data) {
		return frame(TOPIC_RPC,
				new ProtoOut().int32(1, RPC_RESPONSE).bytes(2, data).string(3, correlationId).string(7, name));
	}

	/** A payload carrying a send timestamp, {@code {"t":<nanos>,"p":"<padding>"}}, read back by {@link Frame#timestamp()}. */
	public static byte[] timestamped(long nanos, String padding) {
		return ("{\"t\":" + nanos + ",\"p\":\"" + padding + "\"}").getBytes(StandardCharsets.UTF_8);
	}

	private static byte[] frame(int topic, ProtoOut body) {
		byte[] message = body.toByteArray();
		byte[] outer = new ProtoOut().int32(2, topic).bytes(3, message).toByteArray();
		int prefix = ProtoOut.varintSize(outer.length);
		byte[] frame = new byte[prefix + outer.length];
		int position = 0;
		long remaining = outer.length;
		while ((remaining & ~0x7FL) != 0) {
			frame[position++] = (byte) ((remaining & 0x7F) | 0x80);
			remaining >>>= 7;
		}
		frame[position++] = (byte) remaining;
		System.arraycopy(outer, 0, frame, position, outer.length);
		return frame;
	}

}
