package io.sluice.gateway.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Builds whole server-to-client WebSocket frames (RFC 6455 §5.2): final, unmasked, no extension, so a frame's bytes
 * depend on its payload only and one buffer can go to every subscriber. The endpoints negotiate no extension
 * (no compression), which is what makes writing them below Netty's WebSocket encoder correct.
 */
public final class WebSocketFrames {

	private static final int FIN_BINARY = 0x82;

	private static final int FIN_TEXT = 0x81;

	private WebSocketFrames() {
	}

	/** A direct buffer (the socket writes it without a copy) holding the frame. */
	public static ByteBuf frame(ByteBufAllocator allocator, boolean text, byte[] payload) {
		int length = payload.length;
		ByteBuf frame = allocator.directBuffer(length(length));
		frame.writeByte(text ? FIN_TEXT : FIN_BINARY);
		if (length < 126) {
			frame.writeByte(length);
		}
		else if (length <= 0xFFFF) {
			frame.writeByte(126);
			frame.writeShort(length);
		}
		else {
			frame.writeByte(127);
			frame.writeLong(length);
		}
		frame.writeBytes(payload);
		return frame;
	}

	/** The length of the frame holding a payload of {@code payloadLength} bytes: the payload and a 2, 4 or 10 byte header. */
	static int length(int payloadLength) {
		int header = (payloadLength < 126) ? 2 : (payloadLength <= 0xFFFF) ? 4 : 10;
		return header + payloadLength;
	}

}
