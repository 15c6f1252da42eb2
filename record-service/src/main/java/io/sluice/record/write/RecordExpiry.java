package io.sluice.record.write;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import io.sluice.connector.VersionedRecord;

/**
 * When records expire: the TTL rules on name patterns ({@code sluice.records.ttl}), the clock that judges expiry,
 * and the deadlines of the records this node wrote, soonest first, for {@link ExpirySweep}.
 *
 * <p>A write's expiry is its own TTL if it has one, else the TTL of the rules its name matches (the shortest, if
 * several do), else none. A name's rule is looked up once and remembered, so a write to a name matching no rule
 * costs one map lookup, and none at all when there are no rules.
 */
final class RecordExpiry {

	/** Names whose rule is remembered; beyond this the memory is emptied and filled again. */
	private static final int REMEMBERED_NAMES = 100_000;

	private static final Optional<Duration> NO_RULE = Optional.empty();

	private static final Deadline EARLIEST = new Deadline(Instant.MIN, "");

	private final Clock clock;

	private final List<Rule> rules;

	private final ConcurrentHashMap<String, Optional<Duration>> ruleByName = new ConcurrentHashMap<>();

	/** The latest deadline of each record this node wrote with one, and the same ordered by deadline. */
	private final ConcurrentHashMap<String, Instant> deadlineByName = new ConcurrentHashMap<>();

	private final ConcurrentSkipListSet<Deadline> deadlines = new ConcurrentSkipListSet<>();

	/**
	 * @param rules name pattern (a regular expression matching the whole name) to TTL, as configured
	 * @throws IllegalArgumentException naming the property, for a pattern that does not compile or a TTL that is
	 *     not positive
	 */
	RecordExpiry(Clock clock, Map<String, Duration> rules) {
		this.clock = Objects.requireNonNull(clock, "clock");
		this.rules = compile((rules != null) ? rules : Map.of());
	}

	/** No rules; per-write TTLs only, judged by the system clock. */
	static RecordExpiry withoutRules() {
		return new RecordExpiry(Clock.systemUTC(), Map.of());
	}

	private static List<Rule> compile(Map<String, Duration> rules) {
		List<Rule> compiled = new ArrayList<>(rules.size());
		for (Map.Entry<String, Duration> rule : new LinkedHashMap<>(rules).entrySet()) {
			String property = "sluice.records.ttl[" + rule.getKey() + "]";
			if (rule.getValue() == null || rule.getValue().isNegative() || rule.getValue().isZero()) {
				throw new IllegalArgumentException(property + " must be a positive duration, was " + rule.getValue());
			}
			try {
				compiled.add(new Rule(Pattern.compile(rule.getKey()), rule.getValue()));
			}
			catch (PatternSyntaxException ex) {
				throw new IllegalArgumentException(property + " is not a valid regular expression: "
						+ ex.getDescription() + " near index " + ex.getIndex());
			}
		}
		return List.copyOf(compiled);
	}

	Instant now() {
		return this.clock.instant();
	}

	/** Whether {@code record} is live and past its deadline now. */
	boolean expired(VersionedRecord record) {
		// The deadline first: a record that never expires costs no look at the clock.
		return record != null && record.expiresAt() != null && !record.deleted() && record.isExpiredAt(now());
	}

	/**
	 * A live record of the given version and data, expiring {@code ttl} from now if a TTL is given, else as the
	 * rules say for its name.
	 */
	VersionedRecord record(String name, long version, byte[] data, Duration ttl) {
		Duration effective = (ttl != null) ? ttl : rule(name);
		return (effective != null) ? new VersionedRecord(name, version, data, false, now().plus(effective))
				: VersionedRecord.of(name, version, data);
	}

	/** The TTL the rules give {@code name}, or {@code null}. */
	Duration rule(String name) {
		if (this.rules.isEmpty()) {
			return null;
		}
		Optional<Duration> remembered = this.ruleByName.get(name);
		if (remembered == null) {
			if (this.ruleByName.size() >= REMEMBERED_NAMES) {
				this.ruleByName.clear();
			}
			remembered = matchingRule(name);
			this.ruleByName.put(name, remembered);
		}
		return remembered.orElse(null);
	}

	private Optional<Duration> matchingRule(String name) {
		Duration shortest = null;
		for (Rule rule : this.rules) {
			if ((shortest == null || rule.ttl().compareTo(shortest) < 0) && rule.pattern().matcher(name).matches()) {
				shortest = rule.ttl();
			}
		}
		return (shortest != null) ? Optional.of(shortest) : NO_RULE;
	}

	/** Remembers that {@code record}, which this node just wrote, expires (if it does). */
	void written(VersionedRecord record) {
		Instant at = record.expiresAt();
		if (at == null || record.deleted()) {
			return;
		}
		this.deadlineByName.compute(record.name(), (name, previous) -> {
			if (previous != null) {
				this.deadlines.remove(new Deadline(previous, name));
			}
			this.deadlines.add(new Deadline(at, name));
			return at;
		});
	}

	/** Takes out the names of the remembered records whose deadline is at or before {@code now}, soonest first. */
	List<String> due(Instant now) {
		List<String> due = new ArrayList<>();
		for (Deadline first = firstDue(now); first != null; first = firstDue(now)) {
			if (this.deadlines.remove(first)) {
				this.deadlineByName.remove(first.name(), first.at());
				due.add(first.name());
			}
		}
		return due;
	}

	private Deadline firstDue(Instant now) {
		// The least element, or null when there is none (first() would throw if it emptied meanwhile).
		Deadline first = this.deadlines.ceiling(EARLIEST);
		return (first != null && !first.at().isAfter(now)) ? first : null;
	}

	/** How many records' deadlines are remembered: for tests and metrics. */
	int remembered() {
		return this.deadlineByName.size();
	}

	private record Rule(Pattern pattern, Duration ttl) {
	}

	private record Deadline(Instant at, String name) implements Comparable<Deadline> {

		@Override
		public int compareTo(Deadline other) {
			int byTime = this.at.compareTo(other.at);
			return (byTime != 0) ? byTime : this.name.compareTo(other.name);
		}

	}

}
