package io.sluice.gateway.protocol;

/**
 * How one endpoint puts {@link Message messages} into WebSocket frames: the deepstream binary protocol in binary
 * frames, or its JSON encoding in text frames. Both carry the same messages, so the same handlers serve both.
 */
public interface FrameCodec {

	/** The deepstream binary protocol, {@link MessageCodec}. */
	FrameCodec BINARY = new FrameCodec() {

		@Override
		public Message decode(byte[] frame) {
			return MessageCodec.decode(frame);
		}

		@Override
		public byte[] encode(Message message) {
			return MessageCodec.encode(message);
		}

		@Override
		public byte[] fromBinary(byte[] binaryFrame) {
			return binaryFrame;
		}

		@Override
		public boolean isText() {
			return false;
		}

		@Override
		public String toString() {
			return "binary";
		}

	};

	/**
	 * Decodes one frame's payload.
	 * @throws ProtocolException naming what is wrong with the frame; nothing else
	 */
	Message decode(byte[] frame);

	/** Encodes one message as a frame's payload. */
	byte[] encode(Message message);

	/**
	 * Re-encodes a frame that {@link MessageCodec} made: notifications are encoded once in the binary protocol and
	 * the same array sent to every subscriber, so an endpoint with another encoding converts on the way out.
	 */
	byte[] fromBinary(byte[] binaryFrame);

	/** Whether frames are text frames (UTF-8) rather than binary ones. */
	boolean isText();

}
