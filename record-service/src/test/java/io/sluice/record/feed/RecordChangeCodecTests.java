package io.sluice.record.feed;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.VersionedRecordCodec;
import io.sluice.record.RecordChange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RecordChangeCodecTests {

	@Test
	void aPatchRoundTripsWithEveryField() {
		VersionedRecord record = new VersionedRecord("codec/patch", 7, "{\"a\":\"é\"}".getBytes(), false,
				Instant.ofEpochSecond(1_700_000_000L, 123_456_789));
		RecordChange change = new RecordChange(RecordChange.Kind.PATCH, record, "a", "\"é\"".getBytes(), "conn-1");
		RecordChange decoded = RecordChangeCodec.decode(RecordChangeCodec.encode(change));
		assertThat(decoded.kind()).isEqualTo(RecordChange.Kind.PATCH);
		assertThat(decoded.record()).isEqualTo(record);
		assertThat(decoded.path()).isEqualTo("a");
		assertThat(decoded.value()).isEqualTo("\"é\"".getBytes());
		assertThat(decoded.origin()).isEqualTo("conn-1");
	}

	@Test
	void aDeleteWithoutOptionalFieldsRoundTrips() {
		RecordChange change = new RecordChange(RecordChange.Kind.DELETE, VersionedRecord.tombstone("codec/d", 3), null,
				null, null);
		RecordChange decoded = RecordChangeCodec.decode(RecordChangeCodec.encode(change));
		assertThat(decoded.record()).isEqualTo(change.record());
		assertThat(decoded.path()).isNull();
		assertThat(decoded.value()).isNull();
		assertThat(decoded.origin()).isNull();
	}

	@Test
	void theRecordIsInTheRecordCodecsFormAndTheRestInTheLayoutDataOutputStreamWrites() throws Exception {
		String name = "codec/\u0000é€\uD83D\uDE00/" + "x".repeat(300);
		RecordChange change = new RecordChange(RecordChange.Kind.SET, VersionedRecord.of(name, 2, "{}"), null, null,
				"conn-é");
		byte[] encoded = RecordChangeCodec.encode(change);

		java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
		try (java.io.DataOutputStream out = new java.io.DataOutputStream(expected)) {
			out.writeByte(2);
			out.writeByte(RecordChange.Kind.SET.ordinal());
			out.write(VersionedRecordCodec.encode(change.record()));
			out.writeBoolean(false);
			out.writeInt(-1);
			out.writeBoolean(true);
			out.writeUTF("conn-é");
		}
		assertThat(encoded).isEqualTo(expected.toByteArray());
		assertThat(RecordChangeCodec.decode(encoded).record().name()).isEqualTo(name);
		assertThat(RecordChangeCodec.decode(encoded).origin()).isEqualTo("conn-é");
	}

	@Test
	void aNameLongerThanAModifiedUtf8StringRoundTrips() {
		String name = "codec/" + "é".repeat(40_000);
		RecordChange change = new RecordChange(RecordChange.Kind.SET, VersionedRecord.of(name, 1, "{}"), null, null,
				null);
		assertThat(RecordChangeCodec.decode(RecordChangeCodec.encode(change)).record().name()).isEqualTo(name);
	}

	@Test
	void aStringTooLongForItsLengthPrefixIsRefusedNamingTheLimit() {
		RecordChange change = new RecordChange(RecordChange.Kind.SET, VersionedRecord.of("codec/long", 1, "{}"),
				"é".repeat(40_000), null, null);
		assertThatIllegalArgumentException().isThrownBy(() -> RecordChangeCodec.encode(change))
			.withMessageContaining("at most 65535");
	}

	@Test
	void truncatedOrForeignBytesAreRejectedWithAReason() {
		byte[] whole = RecordChangeCodec.encode(new RecordChange(RecordChange.Kind.SET,
				VersionedRecord.of("codec/t", 1, "{}"), null, null, null));
		for (int length = 0; length < whole.length; length++) {
			byte[] cut = java.util.Arrays.copyOf(whole, length);
			assertThatIllegalArgumentException().isThrownBy(() -> RecordChangeCodec.decode(cut));
		}
		byte[] foreign = whole.clone();
		foreign[0] = 9;
		assertThatIllegalArgumentException().isThrownBy(() -> RecordChangeCodec.decode(foreign))
			.withMessageContaining("unknown format 9");
		byte[] older = whole.clone();
		older[0] = 1;
		assertThatIllegalArgumentException().isThrownBy(() -> RecordChangeCodec.decode(older))
			.withMessageContaining("unknown format 1");
	}

}
