package io.sluice.gateway.session;

import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import org.junit.jupiter.api.Test;

import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.JsonFrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.transport.CloseStatus;
import io.sluice.gateway.transport.OutboundPolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

class ConnectionTests {

	@Test
	void clientThatDoesNotReadIsDisconnectedWhenItsQueueOverflows() {
		long room = 4L * OutboundPolicy.charge(1);
		Outbox outbox = new Outbox("slow", new OutboundPolicy(room, room, Long.MAX_VALUE, System::nanoTime),
				FrameCodec.BINARY);
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
	void aSocketThatFillsAgainAfterDrainingHoldsAndDrainsAgainInOrder() {
		Outbox outbox = new Outbox("busy", 8);
		for (int round = 0; round < 3; round++) {
			outbox.socketFull(true);
			outbox.connection.send(new byte[] { (byte) round, 1 });
			outbox.connection.send(new byte[] { (byte) round, 2 });
			assertThat(outbox.takePayloads()).as("round %d, socket full", round).isEmpty();
			outbox.socketFull(false);
			assertThat(outbox.takePayloads()).as("round %d, drained", round)
				.containsExactly(new byte[] { (byte) round, 1 }, new byte[] { (byte) round, 2 });
			outbox.connection.send(new byte[] { (byte) round, 3 });
			assertThat(outbox.takePayloads()).as("round %d, socket free", round)
				.containsExactly(new byte[] { (byte) round, 3 });
		}
		assertThat(outbox.connection.isOpen()).isTrue();
	}

	@Test
	void framesEnterThePipelineBelowTheWebSocketEncoderAndCloseFramesGoThroughIt() {
		List<Object> seenAboveTheEncoder = new ArrayList<>();
		ChannelOutboundHandlerAdapter aboveTheEncoder = new ChannelOutboundHandlerAdapter() {
			@Override
			public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
				seenAboveTheEncoder.add(message.getClass());
				context.write(message, promise);
			}
		};
		// Listed from the socket's end: the encoder is nearer the socket than the handler watching for writes.
		EmbeddedChannel channel = new EmbeddedChannel(new WebSocket13FrameEncoder(false), aboveTheEncoder);
		Connection connection = new Connection("c", Outbox.roomFor(8), FrameCodec.BINARY, channel);
		connection.send(new byte[] { 1, 2, 3 });
		channel.runPendingTasks();
		ByteBuf frame = channel.readOutbound();
		assertThat(ByteBufUtil.getBytes(frame)).isEqualTo(new byte[] { (byte) 0x82, 3, 1, 2, 3 });
		frame.release();
		assertThat(seenAboveTheEncoder).as("a frame skips the encoder and what is above it").isEmpty();
		connection.close(1000, "bye");
		channel.runPendingTasks();
		assertThat(seenAboveTheEncoder).containsExactly(CloseWebSocketFrame.class);
		ByteBuf close = channel.readOutbound();
		assertThat(close.getByte(0)).as("encoded by the encoder: FIN, close").isEqualTo((byte) 0x88);
		close.release();
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
		assertThat(outbox.closeFrame()).isEqualTo(new CloseStatus(1000, "bye"));
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
		FrameCodec json = spy(new JsonFrameCodec(64));
		Subscriptions subscriptions = new Subscriptions();
		List<Outbox> subscribers = List.of(new Outbox("x", 4, json), new Outbox("y", 4, json),
				new Outbox("z", 4, json));
		subscribers.forEach((subscriber) -> subscriptions.subscribe("n", subscriber.connection));
		byte[] emit = MessageCodec
			.encode(Message.builder(Topic.EVENT, EventAction.EMIT).name("n").data("{\"a\":1}").build());
		subscriptions.send("n", emit, null);
		verify(json, times(1)).fromBinary(emit);
		for (Outbox subscriber : subscribers) {
			List<ByteBuf> written = subscriber.takeFrames();
			assertThat(written).hasSize(1);
			assertThat(written.get(0).getByte(0)).as("a final text frame").isEqualTo((byte) 0x81);
			written.forEach(ByteBuf::release);
		}
	}

}
