package io.sluice.bench.wire;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * The client side of RFC 6455 framing, written for a load generator: frames are masked straight into the outbound
 * buffer of a batch, and received frames are cut out of the inbound buffer with no object per frame. No extensions
 * are offered, so reserved bits must be clear; fragmented messages are reassembled; control frames may arrive
 * between fragments.
 */
public final class WebSocketFrames {

	public static final int CONTINUATION = 0x0;

	public static final int TEXT = 0x1;

	public static final int BINARY = 0x2;

	public static final int CLOSE = 0x8;

	public static final int PING = 0x9;

	public static final int PONG = 0xA;

	private static final String ACCEPT_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

	private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

	private WebSocketFrames() {
	}

	/** A fresh {@code Sec-WebSocket-Key}: 16 random bytes, base64. */
	public static String newKey() {
		byte[] key = new byte[16];
		ThreadLocalRandom.current().nextBytes(key);
		return Base64.getEncoder().encodeToString(key);
	}

	/** The {@code Sec-WebSocket-Accept} a server must answer {@code key} with. */
	public static String accept(String key) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-1")
				.digest((key + ACCEPT_GUID).getBytes(StandardCharsets.US_ASCII));
			return Base64.getEncoder().encodeToString(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-1 is not available", ex);
		}
	}

	/** The HTTP/1.1 upgrade request for {@code uri}. */
	public static String upgradeRequest(URI uri, String key) {
		String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
		if (uri.getRawQuery() != null) {
			path += "?" + uri.getRawQuery();
		}
		return "GET " + path + " HTTP/1.1\r\n" + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
				+ "Upgrade: websocket\r\n" + "Connection: Upgrade\r\n" + "Sec-WebSocket-Key: " + key + "\r\n"
				+ "Sec-WebSocket-Version: 13\r\n\r\n";
	}

	/**
	 * Checks the server's answer to {@link #upgradeRequest}: the status line and headers, without the blank line.
	 * @throws IllegalStateException naming what is wrong
	 */
	public static void checkUpgradeResponse(String head, String key) {
		String[] lines = head.split("\r\n");
		String[] status = lines[0].split(" ", 3);
		if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].equals("101")) {
			throw new IllegalStateException("WebSocket upgrade refused: " + lines[0]);
		}
		String expected = accept(key);
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals("sec-websocket-accept")) {
				String actual = lines[i].substring(colon + 1).trim();
				if (!actual.equals(expected)) {
					throw new IllegalStateException(
							"WebSocket upgrade: Sec-WebSocket-Accept is " + actual + ", expected " + expected);
				}
				return;
			}
		}
		throw new IllegalStateException("WebSocket upgrade: the response has no Sec-WebSocket-Accept header");
	}

	/**
	 * Appends one final, masked client frame to {@code out}, which must be a heap buffer; the mask key comes from
	 * {@link ThreadLocalRandom}.
	 */
	public static void writeMasked(ByteBuf out, int opcode, byte[] payload, int offset, int length) {
		int header = (length < 126) ? 2 : (length < 65536) ? 4 : 10;
		out.ensureWritable(header + 4 + length);
		byte[] array = out.array();
		int position = out.arrayOffset() + out.writerIndex();
		array[position++] = (byte) (0x80 | opcode);
		if (length < 126) {
			array[position++] = (byte) (0x80 | length);
		}
		else if (length < 65536) {
			array[position++] = (byte) (0x80 | 126);
			array[position++] = (byte) (length >>> 8);
			array[position++] = (byte) length;
		}
		else {
			array[position++] = (byte) (0x80 | 127);
			for (int shift = 56; shift >= 0; shift -= 8) {
				array[position++] = (byte) ((long) length >>> shift);
			}
		}
		int mask = ThreadLocalRandom.current().nextInt();
		INT.set(array, position, mask);
		position += 4;
		int i = 0;
		for (; i + 4 <= length; i += 4) {
			INT.set(array, position + i, (int) INT.get(payload, offset + i) ^ mask);
		}
		for (; i < length; i++) {
			array[position + i] = (byte) (payload[offset + i] ^ (mask >>> (24 - 8 * (i & 3))));
		}
		out.writerIndex(out.writerIndex() + header + 4 + length);
	}

	/** Where a {@link Reader} hands what it reads; called on the reading thread, during {@link Reader#read}. */
	public interface Sink {

		/** Room for a message of {@code length} bytes, which the reader fills before {@link #onMessage}. */
		byte[] buffer(int length);

		/** A whole text or binary message is in {@link #buffer(int)}. */
		void onMessage(int opcode, int length);

		void onPing(byte[] payload);

		/** The server closed the WebSocket, with this status code (1005 if it gave none). */
		void onClose(int code);

	}

	/** Cuts server frames out of inbound buffers, keeping a partial frame until the rest of it arrives. */
	public static final class Reader {

		private final int maxMessage;

		private ByteBuf cumulation;

		private int fragmentOpcode = -1;

		private byte[] fragments;

		private int fragmentLength;

		public Reader(int maxMessage) {
			this.maxMessage = maxMessage;
		}

		/**
		 * Reads every whole frame in {@code in} (whose reader index it advances; the caller still owns and releases
		 * it), keeping the rest for the next call.
		 * @throws IllegalStateException on a protocol violation, naming it
		 */
		public void read(ByteBuf in, ByteBufAllocator allocator, Sink sink) {
			ByteBuf data = in;
			if (this.cumulation != null) {
				this.cumulation.writeBytes(in);
				data = this.cumulation;
			}
			while (readFrame(data, sink)) {
				// next frame
			}
			if (data == this.cumulation) {
				if (data.isReadable()) {
					data.discardReadBytes();
				}
				else {
					this.cumulation.release();
					this.cumulation = null;
				}
			}
			else if (data.isReadable()) {
				this.cumulation = allocator.heapBuffer(Math.max(4096, data.readableBytes()));
				this.cumulation.writeBytes(data);
			}
		}

		/** Drops a partial frame, if any; call when the connection closes. */
		public void release() {
			if (this.cumulation != null) {
				this.cumulation.release();
				this.cumulation = null;
			}
		}

		private boolean readFrame(ByteBuf data, Sink sink) {
			int start = data.readerIndex();
			int available = data.readableBytes();
			if (available < 2) {
				return false;
			}
			int first = data.getUnsignedByte(start);
			int second = data.getUnsignedByte(start + 1);
			long length = second & 0x7F;
			int header = 2;
			if (length == 126) {
				if (available < 4) {
					return false;
				}
				length = data.getUnsignedShort(start + 2);
				header = 4;
			}
			else if (length == 127) {
				if (available < 10) {
					return false;
				}
				length = data.getLong(start + 2);
				header = 10;
			}
			if ((second & 0x80) != 0) {
				throw new IllegalStateException("WebSocket protocol error: a server frame is masked");
			}
			if ((first & 0x70) != 0) {
				throw new IllegalStateException("WebSocket protocol error: reserved bits set, no extension was agreed");
			}
			if (length < 0 || length > this.maxMessage) {
				throw new IllegalStateException(
						"WebSocket protocol error: a frame of " + length + " bytes, over the limit of " + this.maxMessage);
			}
			if (available < header + length) {
				return false;
			}
			int payload = start + header;
			data.readerIndex(payload + (int) length);
			onFrame((first & 0x80) != 0, first & 0x0F, data, payload, (int) length, sink);
			return true;
		}

		private void onFrame(boolean fin, int opcode, ByteBuf data, int payload, int length, Sink sink) {
			if (opcode >= CLOSE) {
				if (!fin || length > 125) {
					throw new IllegalStateException("WebSocket protocol error: a control frame is fragmented or over 125 bytes");
				}
				if (opcode == PING) {
					byte[] bytes = new byte[length];
					data.getBytes(payload, bytes);
					sink.onPing(bytes);
				}
				else if (opcode == CLOSE) {
					sink.onClose((length >= 2) ? data.getUnsignedShort(payload) : 1005);
				}
				else if (opcode != PONG) {
					throw new IllegalStateException("WebSocket protocol error: unknown control opcode " + opcode);
				}
				return;
			}
			if (opcode == CONTINUATION) {
				if (this.fragmentOpcode < 0) {
					throw new IllegalStateException("WebSocket protocol error: a continuation frame with no message begun");
				}
				appendFragment(data, payload, length);
				if (fin) {
					byte[] into = sink.buffer(this.fragmentLength);
					System.arraycopy(this.fragments, 0, into, 0, this.fragmentLength);
					int whole = this.fragmentLength;
					int messageOpcode = this.fragmentOpcode;
					this.fragmentOpcode = -1;
					this.fragmentLength = 0;
					sink.onMessage(messageOpcode, whole);
				}
				return;
			}
			if (opcode != TEXT && opcode != BINARY) {
				throw new IllegalStateException("WebSocket protocol error: unknown opcode " + opcode);
			}
			if (this.fragmentOpcode >= 0) {
				throw new IllegalStateException("WebSocket protocol error: a new message before the last one ended");
			}
			if (fin) {
				data.getBytes(payload, sink.buffer(length), 0, length);
				sink.onMessage(opcode, length);
			}
			else {
				this.fragmentOpcode = opcode;
				this.fragmentLength = 0;
				appendFragment(data, payload, length);
			}
		}

		private void appendFragment(ByteBuf data, int payload, int length) {
			int total = this.fragmentLength + length;
			if (total > this.maxMessage) {
				throw new IllegalStateException(
						"WebSocket protocol error: a message of over " + this.maxMessage + " bytes");
			}
			if (this.fragments == null || this.fragments.length < total) {
				byte[] grown = new byte[Math.max(total, (this.fragments == null) ? 1024 : this.fragments.length * 2)];
				if (this.fragments != null) {
					System.arraycopy(this.fragments, 0, grown, 0, this.fragmentLength);
				}
				this.fragments = grown;
			}
			data.getBytes(payload, this.fragments, this.fragmentLength, length);
			this.fragmentLength = total;
		}

	}

}
