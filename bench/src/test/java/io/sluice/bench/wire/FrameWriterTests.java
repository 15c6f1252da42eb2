package io.sluice.bench.wire;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class FrameWriterTests {

	/** Paddings that put the body and envelope lengths on one, two and three varint bytes. */
	@ParameterizedTest
	@ValueSource(ints = { 0, 16, 120, 200, 20_000 })
	void eventEmitIsTheSameFrameAsFramesBuilds(int paddingBytes) {
		String padding = "x".repeat(paddingBytes);
		FrameWriter writer = new FrameWriter();
		writer.begin(Frames.TOPIC_EVENT, Frames.EVENT_EMIT)
			.timestampedData(1_234_567_890_123L, padding.getBytes(StandardCharsets.US_ASCII))
			.bytes(6, "bench/event/a".getBytes(StandardCharsets.UTF_8))
			.finish();
		assertThat(writer.toByteArray())
			.isEqualTo(Frames.eventEmit("bench/event/a", Frames.timestamped(1_234_567_890_123L, padding)));
	}

	@Test
	void recordUpdateDecodesWithTheGatewayCodec() {
		FrameWriter writer = new FrameWriter();
		writer.begin(Frames.TOPIC_RECORD, Frames.RECORD_UPDATE)
			.timestampedData(0, "pad".getBytes(StandardCharsets.US_ASCII))
			.string(6, "users/ada")
			.int32(13, 300)
			.finish();
		Message message = FrameCodec.BINARY.decode(writer.toByteArray());
		assertThat(message.topic()).isEqualTo(Topic.RECORD);
		assertThat(message.action()).isEqualTo(RecordAction.UPDATE);
		assertThat(message.name()).isEqualTo("users/ada");
		assertThat(message.version()).isEqualTo(300L);
		assertThat(new String(message.data(), StandardCharsets.UTF_8)).isEqualTo("{\"t\":0,\"p\":\"pad\"}");
	}

	@Test
	void reusedWriterHoldsOnlyTheLatestFrame() {
		FrameWriter writer = new FrameWriter();
		writer.begin(Frames.TOPIC_RPC, Frames.RPC_REQUEST)
			.timestampedData(99, new byte[5000])
			.decimal(3, 1)
			.string(7, "add")
			.finish();
		writer.begin(Frames.TOPIC_RPC, Frames.RPC_REQUEST)
			.timestampedData(7, new byte[0])
			.decimal(3, 1_000_000)
			.string(7, "add")
			.finish();
		assertThat(writer.toByteArray()).isEqualTo(
				Frames.rpcRequest("add", "1000000", "{\"t\":7,\"p\":\"\"}".getBytes(StandardCharsets.US_ASCII)));
		Message message = FrameCodec.BINARY.decode(writer.toByteArray());
		assertThat(message.action()).isEqualTo(RpcAction.REQUEST);
		assertThat(message.correlationId()).isEqualTo("1000000");
	}

	@Test
	void answerCopiesNameCorrelationIdAndDataFromAReceivedFrame() {
		byte[] request = Frames.rpcRequest("add", "42", Frames.timestamped(555, "zz"));
		Frame frame = new Frame().decode(request);
		FrameWriter writer = new FrameWriter().begin(Frames.TOPIC_RPC, Frames.RPC_RESPONSE);
		assertThat(frame.copyData(writer, 2)).isTrue();
		assertThat(frame.copyCorrelationId(writer, 3)).isTrue();
		assertThat(frame.copyName(writer, 7)).isTrue();
		assertThat(writer.finish().toByteArray()).isEqualTo(Frames.rpcResponse("add", "42", Frames.timestamped(555, "zz")));
	}

	@Test
	void copyReportsAFieldTheFrameDoesNotHave() {
		byte[] ping = Frames.ping();
		Frame frame = new Frame().decode(ping);
		assertThat(frame.copyData(new FrameWriter().begin(Frames.TOPIC_RPC, Frames.RPC_RESPONSE), 2)).isFalse();
	}

	@Test
	void negativeNumbersAreRefusedWhereOnlyDigitsAreWritten() {
		FrameWriter writer = new FrameWriter().begin(Frames.TOPIC_RPC, Frames.RPC_REQUEST);
		assertThatIllegalArgumentException().isThrownBy(() -> writer.decimal(3, -1)).withMessageContaining("-1");
		assertThatIllegalArgumentException().isThrownBy(() -> writer.timestampedData(-5, new byte[0]))
			.withMessageContaining("-5");
	}

}
