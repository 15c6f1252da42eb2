package io.sluice.gateway.session;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;

import static org.assertj.core.api.Assertions.assertThat;

class ConnectionTests {

	@Test
	void clientThatDoesNotReadIsDisconnectedWhenItsQueueOverflows() {
		Outbox outbox = new Outbox("slow", 4);
		Connection connection = outbox.connection;
		outbox.socketFull(true);
		for (int i = 0; i < 4; i++) {
			connection.send(new byte[] { (byte) i });
		}
		outbox.runPendingTasks();
		assertThat(connection.isOpen()).isTrue();
		connection.send(new byte[] { 9 });
		assertThat(connection.isOpen()).isFalse();
		assertThat(connection.closedBy().code()).isEqualTo(Connection.SLOW_CONSUMER);
		assertThat(connection.closedBy().reason()).contains("not reading fast enough");
		// What waited is dropped, not drained to a client that is not reading; the close frame says why.
		assertThat(outbox.takePayloads()).isEmpty();
		assertThat(outbox.closeFrame()).isEqualTo(connection.closedBy());
	}

	@Test
	void framesWaitWhileTheSocketIsFullAndFollowInOrderWhenItDrains() {
		Outbox outbox = new Outbox("patient", 8);
		outbox.socketFull(true);
		for (int i = 1; i <= 3; i++) {
			outbox.connection.send(new byte[] { (byte) i });
		}
		assertThat(outbox.takePayloads()).isEmpty();
		outbox.socketFull(false);
		assertThat(outbox.takePayloads()).containsExactly(new byte[] { 1 }, new byte[] { 2 }, new byte[] { 3 });
		// Written, they no longer count against the limit.
		for (int i = 0; i < 8; i++) {
			outbox.connection.send(new byte[] { 4 });
		}
		assertThat(outbox.connection.isOpen()).isTrue();
	}

	@Test
	void closeSendsWhatIsQueuedFirst() {
		Outbox outbox = new Outbox("polite", 4);
		Connection connection = outbox.connection;
		outbox.socketFull(true);
		connection.send(new byte[] { 1 });
		connection.close(1000, "bye");
		connection.send(new byte[] { 2 });
		outbox.runPendingTasks();
		assertThat(outbox.closeFrame()).as("not before what was sent first").isNull();
		outbox.socketFull(false);
		assertThat(outbox.takePayloads()).containsExactly(new byte[] { 1 });
		assertThat(outbox.closeFrame()).isEqualTo(new Connection.CloseStatus(1000, "bye"));
		assertThat(connection.closedBy().reason()).isEqualTo("bye");
	}

	@Test
	void aFanOutReachesEverySubscriberButTheSenderAndItsBuffersAreReleasedOnceWritten() {
		byte[] frame = { 7, 7 };
		Subscriptions subscriptions = new Subscriptions();
		Outbox first = new Outbox("a");
		Outbox second = new Outbox("b");
		Outbox writer = new Outbox("w");
		subscriptions.subscribe("n", first.connection);
		subscriptions.subscribe("n", second.connection);
		subscriptions.subscribe("n", writer.connection);
		assertThat(subscriptions.send("n", frame, "w")).isEqualTo(2);
		for (Outbox subscriber : List.of(first, second)) {
			List<ByteBuf> written = subscriber.takeFrames();
			assertThat(written).hasSize(1);
			assertThat(Outbox.payload(written.get(0))).containsExactly(7, 7);
			// As the socket would, once it has taken the bytes: nothing else holds the frame.
			written.get(0).release();
			assertThat(written.get(0).refCnt()).isZero();
		}
		assertThat(writer.takeFrames()).isEmpty();
	}

	@Test
	void aFanOutIsReencodedOncePerEncodingNotPerSubscriber() {
		AtomicInteger conversions = new AtomicInteger();
		FrameCodec counting = new FrameCodec() {

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
				conversions.incrementAndGet();
				return binaryFrame;
			}

			@Override
			public boolean isText() {
				return true;
			}

		};
		Subscriptions subscriptions = new Subscriptions();
		List<Outbox> subscribers = List.of(new Outbox("x", 4, counting), new Outbox("y", 4, counting),
				new Outbox("z", 4, counting));
		subscribers.forEach((subscriber) -> subscriptions.subscribe("n", subscriber.connection));
		subscriptions.send("n", new byte[] { 1 }, null);
		assertThat(conversions).hasValue(1);
		for (Outbox subscriber : subscribers) {
			List<ByteBuf> written = subscriber.takeFrames();
			assertThat(written).hasSize(1);
			assertThat(written.get(0).getByte(0)).as("a final text frame").isEqualTo((byte) 0x81);
			written.forEach(ByteBuf::release);
		}
	}

}
