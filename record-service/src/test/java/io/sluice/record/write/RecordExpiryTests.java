package io.sluice.record.write;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.tck.SettableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** Time to live by name rule or per write, and the deadlines remembered for the sweep. */
class RecordExpiryTests {

	private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

	private final SettableClock clock = new SettableClock(NOW);

	private RecordExpiry expiry(Map<String, Duration> rules) {
		return new RecordExpiry(this.clock, rules);
	}

	@Test
	void aRuleMatchesWholeNamesAndTheShortestOfSeveralWins() {
		Map<String, Duration> rules = new LinkedHashMap<>();
		rules.put("session/.*", Duration.ofMinutes(30));
		rules.put("session/guest-.*", Duration.ofMinutes(5));
		RecordExpiry expiry = expiry(rules);
		assertThat(expiry.rule("session/alice")).isEqualTo(Duration.ofMinutes(30));
		assertThat(expiry.rule("session/guest-1")).isEqualTo(Duration.ofMinutes(5));
		assertThat(expiry.rule("my/session/alice")).isNull();
		assertThat(expiry.rule("users/alice")).isNull();
	}

	@Test
	void aWriteOwnTtlWinsOverTheRuleAndNeitherMeansNoExpiry() {
		RecordExpiry expiry = expiry(Map.of("tmp/.*", Duration.ofSeconds(30)));
		assertThat(expiry.record("tmp/a", 1, new byte[] { '{', '}' }, null).expiresAt())
			.isEqualTo(NOW.plusSeconds(30));
		assertThat(expiry.record("tmp/a", 2, new byte[] { '{', '}' }, Duration.ofHours(2)).expiresAt())
			.isEqualTo(NOW.plus(Duration.ofHours(2)));
		assertThat(expiry.record("users/a", 1, new byte[] { '{', '}' }, null).expiresAt()).isNull();
		assertThat(expiry.record("users/a", 1, new byte[] { '{', '}' }, Duration.ofMillis(1500)).expiresAt())
			.isEqualTo(NOW.plusMillis(1500));
	}

	@Test
	void aBadPatternOrTtlIsRefusedNamingTheProperty() {
		assertThatIllegalArgumentException().isThrownBy(() -> expiry(Map.of("session/(", Duration.ofMinutes(1))))
			.withMessageStartingWith("sluice.records.ttl[session/(] is not a valid regular expression");
		assertThatIllegalArgumentException().isThrownBy(() -> expiry(Map.of("session/.*", Duration.ZERO)))
			.withMessage("sluice.records.ttl[session/.*] must be a positive duration, was PT0S");
	}

	@Test
	void deadlinesComeOutWhenDueSoonestFirstAndARenewalReplacesTheOldOne() {
		RecordExpiry expiry = expiry(Map.of());
		expiry.written(new VersionedRecord("b", 1, new byte[0], false, NOW.plusSeconds(2)));
		expiry.written(new VersionedRecord("a", 1, new byte[0], false, NOW.plusSeconds(1)));
		expiry.written(new VersionedRecord("c", 1, new byte[0], false, NOW.plusSeconds(1)));
		// Renewed: only the later deadline counts.
		expiry.written(new VersionedRecord("c", 2, new byte[0], false, NOW.plusSeconds(10)));
		expiry.written(VersionedRecord.of("never", 1, "{}"));
		assertThat(expiry.remembered()).isEqualTo(3);
		assertThat(expiry.due(NOW.plusMillis(999))).isEmpty();
		assertThat(expiry.due(NOW.plusSeconds(2))).containsExactly("a", "b");
		assertThat(expiry.due(NOW.plusSeconds(2))).isEmpty();
		assertThat(expiry.due(NOW.plusSeconds(10))).containsExactly("c");
		assertThat(expiry.remembered()).isZero();
	}

	@Test
	void aRecordIsExpiredFromItsDeadlineOnAndATombstoneNever() {
		RecordExpiry expiry = expiry(Map.of());
		VersionedRecord record = new VersionedRecord("r", 3, new byte[0], false, NOW.plusSeconds(1));
		assertThat(expiry.expired(record)).isFalse();
		this.clock.advance(Duration.ofSeconds(1));
		assertThat(expiry.expired(record)).isTrue();
		assertThat(expiry.expired(VersionedRecord.tombstone("r", 4))).isFalse();
		assertThat(expiry.expired(null)).isFalse();
	}

}
