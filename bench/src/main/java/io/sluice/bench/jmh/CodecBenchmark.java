package io.sluice.bench.jmh;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.protocol.EventAction;

/**
 * The gateway's binary codec ({@link FrameCodec#BINARY}) on the messages that dominate traffic: a record UPDATE as
 * a client sends it, the UPDATE the server sends subscribers, an event EMIT, and an event SUBSCRIBE with a name list.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {

	static final byte[] RECORD_DATA = "{\"name\":\"Ada\",\"address\":{\"city\":\"London\",\"street\":\"Baker St\"},\"score\":42,\"tags\":[\"a\",\"b\"]}"
		.getBytes(StandardCharsets.UTF_8);

	static final byte[] EVENT_DATA = "{\"t\":1234567890123,\"p\":\"xxxxxxxxxxxxxxxx\"}".getBytes(StandardCharsets.UTF_8);

	private Message recordUpdate;

	private Message eventEmit;

	private Message eventSubscribe;

	private byte[] recordUpdateFrame;

	private byte[] eventEmitFrame;

	private byte[] eventSubscribeFrame;

	@Setup
	public void setUp() {
		this.recordUpdate = Message.builder(Topic.RECORD, RecordAction.UPDATE)
			.name("users/ada-lovelace")
			.version(1042)
			.data(RECORD_DATA)
			.build();
		this.eventEmit = Message.builder(Topic.EVENT, EventAction.EMIT)
			.name("chat/room-42")
			.data(EVENT_DATA)
			.build();
		this.eventSubscribe = Message.builder(Topic.EVENT, EventAction.SUBSCRIBE)
			.names(List.of("chat/room-42", "chat/room-43", "news/sport"))
			.correlationId("17")
			.build();
		this.recordUpdateFrame = FrameCodec.BINARY.encode(this.recordUpdate);
		this.eventEmitFrame = FrameCodec.BINARY.encode(this.eventEmit);
		this.eventSubscribeFrame = FrameCodec.BINARY.encode(this.eventSubscribe);
	}

	@Benchmark
	public Message decodeRecordUpdate() {
		return FrameCodec.BINARY.decode(this.recordUpdateFrame);
	}

	@Benchmark
	public Message decodeEventEmit() {
		return FrameCodec.BINARY.decode(this.eventEmitFrame);
	}

	@Benchmark
	public Message decodeEventSubscribe() {
		return FrameCodec.BINARY.decode(this.eventSubscribeFrame);
	}

	@Benchmark
	public byte[] encodeRecordUpdate() {
		return FrameCodec.BINARY.encode(this.recordUpdate);
	}

	@Benchmark
	public byte[] encodeEventEmit() {
		return FrameCodec.BINARY.encode(this.eventEmit);
	}

	/** What relaying an emit costs in the codec: decode the publisher's frame, re-encode it for subscribers. */
	@Benchmark
	public byte[] decodeAndReencodeEventEmit() {
		Message emitted = FrameCodec.BINARY.decode(this.eventEmitFrame);
		return FrameCodec.BINARY.encode(emitted);
	}

}
