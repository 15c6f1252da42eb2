package io.sluice.bench.wire;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.sluice.gateway.protocol.EventAction;
import io.sluice.gateway.protocol.FrameCodec;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.RpcAction;
import io.sluice.gateway.protocol.Topic;

import static org.assertj.core.api.Assertions.assertThat;

class FramesTests {

	@Test
	void recordUpdateDecodesWithTheGatewayCodec() {
		byte[] data = Frames.timestamped(123456789L, "pad");
		Message message = FrameCodec.BINARY.decode(Frames.recordUpdate("users/ada", 7, data));
		assertThat(message.topic()).isEqualTo(Topic.RECORD);
		assertThat(message.action()).isEqualTo(RecordAction.UPDATE);
		assertThat(message.name()).isEqualTo("users/ada");
		assertThat(message.version()).isEqualTo(7L);
		assertThat(message.data()).isEqualTo(data);
	}

	@Test
	void eventSubscribeCarriesTheNameInNames() {
		Message message = FrameCodec.BINARY.decode(Frames.eventSubscribe("chat", "3"));
		assertThat(message.action()).isEqualTo(EventAction.SUBSCRIBE);
		assertThat(message.names()).containsExactly("chat");
		assertThat(message.correlationId()).isEqualTo("3");
	}

	@Test
	void rpcRequestPutsTheNameInTheRpcNameField() {
		Message message = FrameCodec.BINARY.decode(Frames.rpcRequest("add", "9", "{}".getBytes(StandardCharsets.UTF_8)));
		assertThat(message.action()).isEqualTo(RpcAction.REQUEST);
		assertThat(message.name()).isEqualTo("add");
		assertThat(message.correlationId()).isEqualTo("9");
	}

	@Test
	void frameReadsWhatTheGatewayEncodesAndTheTimestampInIt() {
		byte[] encoded = FrameCodec.BINARY.encode(Message.builder(Topic.RECORD, RecordAction.UPDATE)
			.name("users/ada")
			.version(42)
			.data("{\"t\": 987654321,\"p\":\"x\"}")
			.build());
		Frame frame = new Frame().decode(encoded);
		assertThat(frame.topic()).isEqualTo(Topic.RECORD);
		assertThat(frame.action()).isEqualTo(RecordAction.UPDATE);
		assertThat(frame.name()).isEqualTo("users/ada");
		assertThat(frame.version()).isEqualTo(42);
		assertThat(frame.timestamp()).isEqualTo(987654321L);
	}

	@Test
	void frameReadsTheRpcNameFromItsOwnField() {
		byte[] encoded = Frames.rpcResponse("add", "5", Frames.timestamped(11, ""));
		Frame frame = new Frame().decode(encoded);
		assertThat(frame.name()).isEqualTo("add");
		assertThat(frame.correlationId()).isEqualTo("5");
		assertThat(frame.timestamp()).isEqualTo(11L);
	}

}
