package io.sluice.connector.kafka;

import java.nio.charset.StandardCharsets;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import io.sluice.connector.BusMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class KafkaBusEnvelopeTests {

	private static final byte[] BINARY = new byte[256];

	static {
		for (int i = 0; i < BINARY.length; i++) {
			BINARY[i] = (byte) i;
		}
	}

	@Test
	void publishedMessageRoundTripsWithoutTarget() {
		ProducerRecord<byte[], byte[]> record = KafkaBusEnvelope.encode("sluice.bus.records",
				bytes("n\u00e9ud-1"), null, BINARY);
		assertThat(record.headers().lastHeader(KafkaBusEnvelope.TO_HEADER)).isNull();
		assertThat(KafkaBusEnvelope.decode("records", record.headers(), record.value()))
			.isEqualTo(new BusMessage("records", "n\u00e9ud-1", null, BINARY));
	}

	@Test
	void directMessageRoundTripsWithTarget() {
		ProducerRecord<byte[], byte[]> record = KafkaBusEnvelope.encode("sluice.bus.rpc", bytes("a"),
				"\u4e16\u754c", new byte[0]);
		BusMessage message = KafkaBusEnvelope.decode("rpc", record.headers(), record.value());
		assertThat(message).isEqualTo(new BusMessage("rpc", "a", "\u4e16\u754c", new byte[0]));
		assertThat(message.isDirect()).isTrue();
	}

	@Test
	void recordIsKeyedBySenderSoOneSendersMessagesShareAPartition() {
		ProducerRecord<byte[], byte[]> record = KafkaBusEnvelope.encode("t", bytes("node-7"), "node-8", BINARY);
		assertThat(record.topic()).isEqualTo("t");
		assertThat(record.partition()).isNull();
		assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("node-7");
		assertThat(record.value()).isSameAs(BINARY);
		assertThat(record.headers().lastHeader(KafkaBusEnvelope.FORMAT_HEADER).value())
			.containsExactly(KafkaBusEnvelope.FORMAT);
	}

	@Test
	void recordWithoutTheFormatHeaderIsNotABusMessage() {
		Headers headers = new RecordHeaders().add(KafkaBusEnvelope.FROM_HEADER, bytes("a"));
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusEnvelope.decode("t", headers, BINARY))
			.withMessageContaining("No sluice-bus header");
	}

	@Test
	void unknownFormatIsRejected() {
		Headers headers = valid("a").remove(KafkaBusEnvelope.FORMAT_HEADER).add(KafkaBusEnvelope.FORMAT_HEADER,
				new byte[] { 2 });
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusEnvelope.decode("t", headers, BINARY))
			.withMessageContaining("format 2");
		Headers wide = valid("a").remove(KafkaBusEnvelope.FORMAT_HEADER).add(KafkaBusEnvelope.FORMAT_HEADER,
				new byte[] { 1, 1 });
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusEnvelope.decode("t", wide, BINARY))
			.withMessageContaining("format of 2 bytes");
	}

	@Test
	void senderIsRequiredAndNeverEmpty() {
		Headers none = valid("a").remove(KafkaBusEnvelope.FROM_HEADER);
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusEnvelope.decode("t", none, BINARY))
			.withMessageContaining("No sluice-from header");
		Headers empty = valid("a").remove(KafkaBusEnvelope.FROM_HEADER).add(KafkaBusEnvelope.FROM_HEADER, new byte[0]);
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusEnvelope.decode("t", empty, BINARY))
			.withMessageContaining("Empty sluice-from header");
	}

	@Test
	void nodeIdsThatAreNotUtf8AreRejected() {
		byte[] broken = { 'a', (byte) 0xC3 };
		Headers from = valid("a").remove(KafkaBusEnvelope.FROM_HEADER).add(KafkaBusEnvelope.FROM_HEADER, broken);
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusEnvelope.decode("t", from, BINARY))
			.withMessageContaining("sluice-from header is not UTF-8");
		Headers to = valid("a").add(KafkaBusEnvelope.TO_HEADER, broken);
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusEnvelope.decode("t", to, BINARY))
			.withMessageContaining("sluice-to header is not UTF-8");
	}

	@Test
	void recordWithoutAValueIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> KafkaBusEnvelope.decode("t", valid("a"), null))
			.withMessageContaining("No value");
	}

	private static Headers valid(String from) {
		return KafkaBusEnvelope.encode("t", bytes(from), null, BINARY).headers();
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
