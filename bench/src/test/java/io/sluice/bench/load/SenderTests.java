package io.sluice.bench.load;

import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.sluice.bench.wire.FrameWriter;
import io.sluice.bench.wire.Frames;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A sender's window on an embedded channel, with receivers whose delivery counts the test sets: at most {@code window}
 * frames beyond what the slowest receiver has had, whichever receiver that is at the time.
 */
class SenderTests {

	private static final int WINDOW = 5;

	private final ClientConnection connection = new ClientConnection(URI.create("ws://localhost/deepstream"),
			(from, frame) -> {
			});

	private final List<ClientConnection> receivers = List.of(receiver(), receiver(), receiver());

	private EmbeddedChannel channel;

	private Sender sender;

	@BeforeEach
	void open() {
		this.channel = new EmbeddedChannel(this.connection);
		this.channel.freezeTime();
		drainOutbound();
		FrameWriter writer = new FrameWriter();
		this.sender = new Sender(this.connection, (now) -> writer.begin(Frames.TOPIC_EVENT, Frames.EVENT_EMIT)
			.timestampedData(now, new byte[0])
			.finish(), 0, WINDOW, this.receivers);
	}

	@AfterEach
	void close() {
		this.sender.stop();
		this.channel.finishAndReleaseAll();
	}

	@Test
	void sendsAWindowThenAsManyAsTheSlowestReceiverHasHad() {
		this.sender.start();
		this.channel.runPendingTasks();
		assertThat(this.sender.sent()).isEqualTo(WINDOW);
		assertThat(drainOutbound()).isPositive();

		deliver(0, 2);
		deliver(1, 5);
		deliver(2, 5);
		lookAgain();
		assertThat(this.sender.sent()).isEqualTo(WINDOW + 2);

		// Receiver 0 has had 2 of 7: the others catching up opens nothing.
		deliver(1, 7);
		deliver(2, 7);
		lookAgain();
		assertThat(this.sender.sent()).isEqualTo(WINDOW + 2);
		assertThat(this.sender.slowestDelivered()).isEqualTo(2);
	}

	@Test
	void aReceiverThatFallsBehindAnotherOneStillBoundsTheWindow() {
		this.sender.start();
		this.channel.runPendingTasks();
		deliver(0, 1);
		deliver(1, 5);
		deliver(2, 5);
		lookAgain();
		assertThat(this.sender.sent()).isEqualTo(6);

		// Receiver 0, found slowest last time, has now had everything; receiver 1 has had 2 of 6.
		deliver(0, 6);
		deliver(1, 2);
		deliver(2, 6);
		lookAgain();
		assertThat(this.sender.sent()).isEqualTo(2 + WINDOW);

		deliver(1, 7);
		lookAgain();
		assertThat(this.sender.sent()).isEqualTo(6 + WINDOW);
		assertThat(this.sender.slowestDelivered()).isEqualTo(6);
	}

	@Test
	void stopsSending() {
		this.sender.start();
		this.channel.runPendingTasks();
		this.sender.stop();
		this.receivers.forEach((receiver) -> receiver.received = WINDOW);
		lookAgain();
		assertThat(this.sender.sent()).isEqualTo(WINDOW);
	}

	/** Sets how many frames receiver {@code index} has had since the sender was created. */
	private void deliver(int index, long frames) {
		this.receivers.get(index).received = frames;
	}

	/** Lets the sender's next look at its window run: it looks every 100 µs while the window is shut. */
	private void lookAgain() {
		this.channel.advanceTimeBy(100, TimeUnit.MICROSECONDS);
		this.channel.runScheduledPendingTasks();
		this.channel.runPendingTasks();
	}

	private int drainOutbound() {
		int bytes = 0;
		for (ByteBuf out; (out = this.channel.readOutbound()) != null;) {
			bytes += out.readableBytes();
			out.release();
		}
		return bytes;
	}

	private static ClientConnection receiver() {
		return new ClientConnection(URI.create("ws://localhost/deepstream"), (from, frame) -> {
		});
	}

}
