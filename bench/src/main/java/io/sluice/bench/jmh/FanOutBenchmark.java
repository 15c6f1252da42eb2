package io.sluice.bench.jmh;

import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.Topic;

/**
 * Fan-out of one event to S subscribers, codec and framing only (no sockets): encoding per subscriber against
 * encoding once and sharing the bytes, each subscriber getting its own WebSocket frame over the same array.
 * The time is per emitted event, so divide by S for the cost per delivered message.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FanOutBenchmark {

	@Param({ "1", "100", "1000" })
	public int subscribers;

	private Message emit;

	@Setup
	public void setUp() {
		this.emit = Message.builder(Topic.EVENT, EventAction.EMIT)
			.name("chat/room-42")
			.data(CodecBenchmark.EVENT_DATA)
			.build();
	}

	@Benchmark
	public void encodePerSubscriber(Blackhole blackhole) {
		for (int i = 0; i < this.subscribers; i++) {
			byte[] frame = FrameCodec.BINARY.encode(this.emit);
			blackhole.consume(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)));
		}
	}

	@Benchmark
	public void encodeOnceAndShare(Blackhole blackhole) {
		byte[] frame = FrameCodec.BINARY.encode(this.emit);
		for (int i = 0; i < this.subscribers; i++) {
			blackhole.consume(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(frame)));
		}
	}

}
