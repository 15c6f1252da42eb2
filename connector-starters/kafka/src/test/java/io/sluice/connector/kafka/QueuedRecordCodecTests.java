package io.sluice.connector.kafka;

import java.nio.ByteBuffer;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.VersionedRecordCodec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class QueuedRecordCodecTests {

	@Test
	void writesAndTombstonesRoundTrip() {
		VersionedRecord write = new VersionedRecord("codec/ü", 9, "{\"a\":[1,2]}".getBytes(), false,
				Instant.ofEpochSecond(1_800_000_000L, 123_456_789));
		assertThat(QueuedRecordCodec.decode(QueuedRecordCodec.key(write.name()), QueuedRecordCodec.value(write)))
			.isEqualTo(write);
		VersionedRecord tombstone = VersionedRecord.tombstone("codec/gone", 4);
		assertThat(QueuedRecordCodec.decode(QueuedRecordCodec.key(tombstone.name()),
				QueuedRecordCodec.value(tombstone)))
			.isEqualTo(tombstone);
	}

	@Test
	void theValueIsTheRecordCodecsForm() {
		VersionedRecord write = VersionedRecord.of("codec/same", 3, "{}");
		assertThat(QueuedRecordCodec.value(write)).isEqualTo(VersionedRecordCodec.encode(write));
		assertThat(QueuedRecordCodec.key("codec/ü")).containsExactly('c', 'o', 'd', 'e', 'c', '/', 0xC3, 0xBC);
	}

	@Test
	void valuesOfFormat1LeftInATopicAreStillRead() {
		// What the queue wrote before the record codec: the name in the key, the expiry in milliseconds.
		byte[] live = { 1, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0x01, (byte) 0xA3, 0x18, 0x5C, 0x50, 0x00, '{', '}' };
		assertThat(QueuedRecordCodec.decode(QueuedRecordCodec.key("codec/old"), live)).isEqualTo(new VersionedRecord(
				"codec/old", 9, "{}".getBytes(), false, Instant.ofEpochMilli(1_800_000_000_000L)));
		byte[] tombstone = { 1, 0, 0, 0, 0, 0, 0, 0, 4, 1, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0 };
		assertThat(QueuedRecordCodec.decode(QueuedRecordCodec.key("codec/old"), tombstone))
			.isEqualTo(VersionedRecord.tombstone("codec/old", 4));
	}

	@Test
	void messagesThatAreNotQueuedWritesAreRefusedWithAReason() {
		byte[] key = QueuedRecordCodec.key("codec/bad");
		byte[] good = QueuedRecordCodec.value(VersionedRecord.of("codec/bad", 1, "{}"));
		assertThatIllegalArgumentException().isThrownBy(() -> QueuedRecordCodec.decode(null, good))
			.withMessageContaining("no key");
		assertThatIllegalArgumentException().isThrownBy(() -> QueuedRecordCodec.decode(key, new byte[0]))
			.withMessageContaining("no value");
		assertThatIllegalArgumentException().isThrownBy(() -> QueuedRecordCodec.decode(key, new byte[] { 1, 0, 0 }))
			.withMessageContaining("3 bytes long");
		byte[] format = good.clone();
		format[0] = 7;
		assertThatIllegalArgumentException().isThrownBy(() -> QueuedRecordCodec.decode(key, format))
			.withMessageContaining("unknown format 7");
		byte[] version = good.clone();
		ByteBuffer.wrap(version).putLong(2, -1);
		assertThatIllegalArgumentException().isThrownBy(() -> QueuedRecordCodec.decode(key, version))
			.withMessageContaining("not a queued write")
			.withMessageContaining("version must be at least 0");
	}

}
