package io.sluice.bench.wire;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class WebSocketFramesTests {

	@ParameterizedTest
	@ValueSource(ints = { 0, 3, 125, 126, 1000, 65_535, 65_536, 200_001 })
	void maskedFrameUnmasksToThePayload(int length) {
		byte[] payload = new byte[length + 3];
		for (int i = 0; i < payload.length; i++) {
			payload[i] = (byte) (i * 31 + 7);
		}
		ByteBuf out = Unpooled.buffer();
		out.writeByte(0x55);
		WebSocketFrames.writeMasked(out, WebSocketFrames.BINARY, payload, 3, length);
		assertThat(out.readByte()).isEqualTo((byte) 0x55);
		assertThat(out.readUnsignedByte()).isEqualTo((short) (0x80 | WebSocketFrames.BINARY));
		int second = out.readUnsignedByte();
		assertThat(second & 0x80).as("mask bit").isEqualTo(0x80);
		long declared = second & 0x7F;
		if (declared == 126) {
			declared = out.readUnsignedShort();
			assertThat(declared).isGreaterThanOrEqualTo(126);
		}
		else if (declared == 127) {
			declared = out.readLong();
			assertThat(declared).isGreaterThanOrEqualTo(65_536);
		}
		assertThat(declared).isEqualTo(length);
		byte[] mask = new byte[4];
		out.readBytes(mask);
		byte[] unmasked = new byte[length];
		for (int i = 0; i < length; i++) {
			unmasked[i] = (byte) (out.readByte() ^ mask[i & 3]);
		}
		assertThat(out.isReadable()).isFalse();
		assertThat(unmasked).isEqualTo(Arrays.copyOfRange(payload, 3, 3 + length));
	}

	@Test
	void readerCutsEveryFrameOutOfOneBuffer() {
		ByteBuf in = Unpooled.buffer();
		serverFrame(in, true, WebSocketFrames.BINARY, bytes(10, 1));
		serverFrame(in, true, WebSocketFrames.BINARY, bytes(300, 2));
		serverFrame(in, true, WebSocketFrames.TEXT, bytes(70_000, 3));
		Recording sink = new Recording();
		new WebSocketFrames.Reader(1 << 20).read(in, ByteBufAllocator.DEFAULT, sink);
		assertThat(sink.messages).containsExactly(bytes(10, 1), bytes(300, 2), bytes(70_000, 3));
		assertThat(sink.opcodes).containsExactly(WebSocketFrames.BINARY, WebSocketFrames.BINARY, WebSocketFrames.TEXT);
		assertThat(in.isReadable()).isFalse();
	}

	@Test
	void readerKeepsAPartialFrameUntilTheRestArrives() {
		ByteBuf all = Unpooled.buffer();
		serverFrame(all, true, WebSocketFrames.BINARY, bytes(5, 1));
		serverFrame(all, true, WebSocketFrames.BINARY, bytes(200, 2));
		serverFrame(all, true, WebSocketFrames.BINARY, bytes(66_000, 3));
		Recording sink = new Recording();
		WebSocketFrames.Reader reader = new WebSocketFrames.Reader(1 << 20);
		// One byte per read: every header and payload is split at every possible place.
		while (all.isReadable()) {
			ByteBuf one = all.readRetainedSlice(1);
			reader.read(one, ByteBufAllocator.DEFAULT, sink);
			one.release();
		}
		assertThat(sink.messages).containsExactly(bytes(5, 1), bytes(200, 2), bytes(66_000, 3));
		reader.release();
	}

	@Test
	void fragmentsAreReassembledWithControlFramesBetweenThem() {
		ByteBuf in = Unpooled.buffer();
		serverFrame(in, false, WebSocketFrames.BINARY, bytes(100, 1));
		serverFrame(in, true, WebSocketFrames.PING, new byte[] { 'h', 'i' });
		serverFrame(in, false, WebSocketFrames.CONTINUATION, bytes(2000, 2));
		serverFrame(in, true, WebSocketFrames.PONG, new byte[0]);
		serverFrame(in, true, WebSocketFrames.CONTINUATION, bytes(1, 3));
		serverFrame(in, true, WebSocketFrames.CLOSE, new byte[] { 0x03, (byte) 0xE8 });
		Recording sink = new Recording();
		new WebSocketFrames.Reader(1 << 20).read(in, ByteBufAllocator.DEFAULT, sink);
		ByteArrayOutputStream whole = new ByteArrayOutputStream();
		whole.writeBytes(bytes(100, 1));
		whole.writeBytes(bytes(2000, 2));
		whole.writeBytes(bytes(1, 3));
		assertThat(sink.messages).containsExactly(whole.toByteArray());
		assertThat(sink.pings).containsExactly(new byte[] { 'h', 'i' });
		assertThat(sink.closes).containsExactly(1000);
	}

	@Test
	void closeWithoutAStatusCodeReports1005() {
		ByteBuf in = Unpooled.buffer();
		serverFrame(in, true, WebSocketFrames.CLOSE, new byte[0]);
		Recording sink = new Recording();
		new WebSocketFrames.Reader(1024).read(in, ByteBufAllocator.DEFAULT, sink);
		assertThat(sink.closes).containsExactly(1005);
	}

	@Test
	void protocolViolationsAreNamed() {
		assertViolation("a server frame is masked", (in) -> {
			in.writeByte(0x80 | WebSocketFrames.BINARY).writeByte(0x80 | 1).writeInt(0).writeByte(1);
		});
		assertViolation("reserved bits", (in) -> in.writeByte(0x80 | 0x40 | WebSocketFrames.BINARY).writeByte(0));
		assertViolation("over the limit of 1024", (in) -> serverFrame(in, true, WebSocketFrames.BINARY, new byte[1025]));
		assertViolation("a message of over 1024 bytes", (in) -> {
			serverFrame(in, false, WebSocketFrames.BINARY, new byte[1000]);
			serverFrame(in, true, WebSocketFrames.CONTINUATION, new byte[100]);
		});
		assertViolation("a continuation frame with no message begun",
				(in) -> serverFrame(in, true, WebSocketFrames.CONTINUATION, new byte[1]));
		assertViolation("a new message before the last one ended", (in) -> {
			serverFrame(in, false, WebSocketFrames.BINARY, new byte[1]);
			serverFrame(in, true, WebSocketFrames.BINARY, new byte[1]);
		});
		assertViolation("a control frame is fragmented", (in) -> serverFrame(in, false, WebSocketFrames.PING, new byte[1]));
		assertViolation("unknown opcode 3", (in) -> serverFrame(in, true, 3, new byte[1]));
	}

	@Test
	void upgradeResponseIsCheckedAgainstTheKey() {
		// The example of RFC 6455, section 1.3.
		assertThat(WebSocketFrames.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
		String key = WebSocketFrames.newKey();
		WebSocketFrames.checkUpgradeResponse("HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\n"
				+ "SEC-WEBSOCKET-ACCEPT: " + WebSocketFrames.accept(key), key);
		assertThatIllegalStateException()
			.isThrownBy(() -> WebSocketFrames.checkUpgradeResponse("HTTP/1.1 404 Not Found\r\ncontent-length: 0", key))
			.withMessageContaining("HTTP/1.1 404 Not Found");
		assertThatIllegalStateException()
			.isThrownBy(() -> WebSocketFrames.checkUpgradeResponse("HTTP/1.1 101 Switching Protocols\r\n"
					+ "Sec-WebSocket-Accept: " + WebSocketFrames.accept("other"), key))
			.withMessageContaining("Sec-WebSocket-Accept");
		assertThatIllegalStateException()
			.isThrownBy(() -> WebSocketFrames.checkUpgradeResponse("HTTP/1.1 101 Switching Protocols", key))
			.withMessageContaining("no Sec-WebSocket-Accept");
	}

	@Test
	void upgradeRequestNamesPathHostAndKey() {
		String request = WebSocketFrames.upgradeRequest(URI.create("ws://127.0.0.1:6020/deepstream?x=1"), "abc");
		assertThat(request).startsWith("GET /deepstream?x=1 HTTP/1.1\r\n")
			.contains("Host: 127.0.0.1:6020\r\n", "Sec-WebSocket-Key: abc\r\n", "Sec-WebSocket-Version: 13\r\n")
			.endsWith("\r\n\r\n");
	}

	private static void assertViolation(String message, java.util.function.Consumer<ByteBuf> frames) {
		ByteBuf in = Unpooled.buffer();
		frames.accept(in);
		assertThatIllegalStateException()
			.isThrownBy(() -> new WebSocketFrames.Reader(1024).read(in, ByteBufAllocator.DEFAULT, new Recording()))
			.withMessageContaining(message);
	}

	/** An unmasked frame, as a server sends it. */
	private static void serverFrame(ByteBuf out, boolean fin, int opcode, byte[] payload) {
		out.writeByte((fin ? 0x80 : 0) | opcode);
		if (payload.length < 126) {
			out.writeByte(payload.length);
		}
		else if (payload.length < 65_536) {
			out.writeByte(126).writeShort(payload.length);
		}
		else {
			out.writeByte(127).writeLong(payload.length);
		}
		out.writeBytes(payload);
	}

	private static byte[] bytes(int length, int seed) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) (seed * 17 + i);
		}
		return bytes;
	}

	private static final class Recording implements WebSocketFrames.Sink {

		private byte[] buffer = new byte[0];

		final List<byte[]> messages = new ArrayList<>();

		final List<Integer> opcodes = new ArrayList<>();

		final List<byte[]> pings = new ArrayList<>();

		final List<Integer> closes = new ArrayList<>();

		@Override
		public byte[] buffer(int length) {
			if (this.buffer.length < length) {
				this.buffer = new byte[length];
			}
			return this.buffer;
		}

		@Override
		public void onMessage(int opcode, int length) {
			this.messages.add(Arrays.copyOf(this.buffer, length));
			this.opcodes.add(opcode);
		}

		@Override
		public void onPing(byte[] payload) {
			this.pings.add(payload);
		}

		@Override
		public void onClose(int code) {
			this.closes.add(code);
		}

	}

}
