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
	void batchIsCollapsedToTheHighestVersionPerNameInNameOrder() {
		VersionedRecord b3 = VersionedRecord.of("b", 3, "{}");
		VersionedRecord a1 = VersionedRecord.of("a", 1, "{\"first\":true}");
		List<VersionedRecord> newest = SqlRecordStore.newestPerName(List.of(VersionedRecord.of("b", 1, "{}"), b3,
				a1, VersionedRecord.of("b", 2, "{}"), VersionedRecord.of("a", 1, "{\"second\":true}")));
		assertThat(newest).containsExactly(a1, b3);
	}

}
