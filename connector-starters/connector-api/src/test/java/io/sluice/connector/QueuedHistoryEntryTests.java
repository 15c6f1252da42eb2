package io.sluice.connector;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class QueuedHistoryEntryTests {

	private static final HistoryEntry ENTRY = new HistoryEntry("chat/lobby", 41, "e1",
			Instant.ofEpochSecond(1_700_000_000, 5_000_000), "{}".getBytes(StandardCharsets.UTF_8));

	@Test
	void anEntryIsWrittenAsTheGoldenBytesUnderItsStreamsQueueName() {
		VersionedRecord write = new QueuedHistoryEntry(ENTRY, new Retention(50, Duration.ofMinutes(1))).toWrite();
		assertThat(write.name()).isEqualTo("\u0000history\u0000chat/lobby");
		assertThat(write.version()).isEqualTo(41);
		assertThat(write.deleted()).isFalse();
		assertThat(write.expiresAt()).isNull();
		assertThat(HexFormat.of().formatHex(write.data()))
			.isEqualTo("01" + "0002" + "6531" + "000000006553f100" + "004c4b40" + "00000032" + "000000000000ea60" + "7b7d");
	}

	@Test
	void aWriteReadsBackAsTheEntryAndItsRetention() {
		QueuedHistoryEntry queued = new QueuedHistoryEntry(ENTRY, new Retention(50, Duration.ofMinutes(1)));
		QueuedHistoryEntry read = QueuedHistoryEntry.fromWrite(queued.toWrite());
		assertThat(read).isEqualTo(queued);
		QueuedHistoryEntry ageless = new QueuedHistoryEntry(ENTRY, Retention.entries(7));
		assertThat(QueuedHistoryEntry.fromWrite(ageless.toWrite())).isEqualTo(ageless);
	}

	@Test
	void recordsWritesAreNotTakenForHistory() {
		assertThat(QueuedHistoryEntry.isHistory(VersionedRecord.of("chat/lobby", 41, "{}"))).isFalse();
		assertThat(QueuedHistoryEntry.isHistory(VersionedRecord.tombstone("\u0000history\u0000chat/lobby", 3)))
			.isFalse();
		assertThat(QueuedHistoryEntry.isHistory(VersionedRecord.of("\u0000history\u0000chat/lobby", 3, "{}")))
			.isFalse();
	}

	@Test
	void aDamagedWriteIsRefusedNamingIt() {
		byte[] data = new QueuedHistoryEntry(ENTRY, Retention.entries(7)).toWrite().data();
		data[2] = 100;
		assertThatIllegalArgumentException()
			.isThrownBy(() -> QueuedHistoryEntry.fromWrite(VersionedRecord.of("\u0000history\u0000chat/lobby", 41, data)))
			.withMessageContaining("cut short or damaged");
	}

}
