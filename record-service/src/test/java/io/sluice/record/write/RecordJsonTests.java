package io.sluice.record.write;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import io.sluice.record.InvalidRecordDataException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RecordJsonTests {

	private final RecordJson json = new RecordJson(8);

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

	@Test
	void aCheckedDocumentIsTheGivenBytesUnchanged() {
		byte[] object = bytes("{ \"a\" : [1, 2.5e3, \"é\", {\"b\": null}], \"c\": true }");
		byte[] array = bytes("[]");
		assertThat(this.json.checkedDocument("json/ok", object)).isSameAs(object);
		assertThat(this.json.checkedDocument("json/ok", array)).isSameAs(array);
	}

	@Test
	void aCheckedDocumentRefusesWhatParsingTheDocumentWouldRefuse() {
		assertRefused(bytes("{\"a\":"), "not valid JSON");
		assertRefused(bytes("{\"a\":1}}"), "not valid JSON");
		assertRefused(bytes("{\"a\":1} {\"b\":2}"), "after the end of the value");
		assertRefused(bytes("42"), "must be a JSON object or array");
		assertRefused(bytes("\"text\""), "must be a JSON object or array");
		assertRefused(bytes("[".repeat(9) + "]".repeat(9)), "not valid JSON");
		assertRefused(new byte[0], "No data");
		assertRefused(new byte[] { '[', '"', (byte) 0xC3, '"', ']' }, "not valid JSON");
		assertThat(this.json.checkedDocument("json/deep", bytes("[".repeat(8) + "]".repeat(8)))).isNotEmpty();
	}

	private void assertRefused(byte[] data, String reason) {
		assertThatExceptionOfType(InvalidRecordDataException.class)
			.isThrownBy(() -> this.json.checkedDocument("json/bad", data))
			.withMessageContaining("json/bad")
			.withMessageContaining(reason);
		assertThatExceptionOfType(InvalidRecordDataException.class)
			.isThrownBy(() -> this.json.document("json/bad", data));
	}

}
