package io.sluice.connector.sql;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.sluice.connector.VersionedRecord;

import static org.assertj.core.api.Assertions.assertThat;

class SqlRecordStoreTests {

	@Test
	void likePatternTakesThePrefixLiterally() {
		assertThat(SqlRecordStore.likePrefix("a_b%c\\d")).isEqualTo("a\\_b\\%c\\\\d%");
		assertThat(SqlRecordStore.likePrefix("")).isEqualTo("%");
	}

	@Test
	void statementsOnH2ArePowerOfTwoChunksSoTheirTextsRepeat() {
		List<Integer> items = java.util.stream.IntStream.range(0, 151).boxed().toList();
		List<List<Integer>> chunks = SqlRecordStore.powerOfTwoChunks(items, 64);
		assertThat(chunks).extracting(List::size).containsExactly(64, 64, 16, 4, 2, 1);
		assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(items);
		assertThat(SqlRecordStore.powerOfTwoChunks(items, 100)).extracting(List::size)
			.containsExactly(64, 64, 16, 4, 2, 1);
		assertThat(SqlRecordStore.powerOfTwoChunks(List.of(), 64)).isEmpty();
	}

	@Test
	void batchIsCollapsedToTheHighestVersionPerNameInNameOrder() {
		VersionedRecord b3 = VersionedRecord.of("b", 3, "{}");
		VersionedRecord a1 = VersionedRecord.of("a", 1, "{\"first\":true}");
		List<VersionedRecord> newest = SqlRecordStore.newestPerName(List.of(VersionedRecord.of("b", 1, "{}"), b3,
				a1, VersionedRecord.of("b", 2, "{}"), VersionedRecord.of("a", 1, "{\"second\":true}")));
		assertThat(newest).containsExactly(a1, b3);
	}

}
