package io.sluice.connector.kafka;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.sluice.connector.VersionedRecord;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class QueuedRecordCodecTests {

	@Test
	void writesAndTombstonesRoundTrip() {
		VersionedRecord write = new VersionedRecord("codec/ü", 9, "{\"a\":[1,2]}".getBytes(), false,
				Instant.ofEpochMilli(1_800_000_000_000L));
		assertThat(QueuedRecordCodec.decode(QueuedRecordCodec.key(write.name()), QueuedRecordCodec.value(write)))
			.isEqualTo(write);
		VersionedRecord tombstone = VersionedRecord.tombstone("codec/gone", 4);
		assertThat(QueuedRecordCodec.decode(QueuedRecordCodec.key(tombstone.name()),
				QueuedRecordCodec.value(tombstone)))
			.isEqualTo(tombstone);
	}

	@Test
	void messagesThatAreNotQueuedWritesAreRefusedWithAReason() {
		byte[] key = QueuedRecordCodec.key("codec/bad");
		byte[] good = QueuedRecordCodec.value(VersionedRecord.of("codec/bad", 1, "{}"));
		assertThatIllegalArgumentException().isThrownBy(() -> QueuedRecordCodec.decode(null, good))
			.withMessageContaining("no key");
		assertThatIllegalArgumentException().isThrownBy(() -> QueuedRecordCodec.decode(key, new byte[3]))
			.withMessageContaining("3 bytes long");
		byte[] format = good.clone();
		format[0] = 7;
		assertThatIllegalArgumentException().isThrownBy(() -> QueuedRecordCodec.decode(key, format))
			.withMessageContaining("unknown format 7");
		byte[] version = good.clone();
		java.nio.ByteBuffer.wrap(version).putLong(1, -1);
		assertThatIllegalArgumentException().isThrownBy(() -> QueuedRecordCodec.decode(key, version))
			.withMessageContaining("not valid");
	}

}
