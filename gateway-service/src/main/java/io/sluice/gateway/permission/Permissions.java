package io.sluice.gateway.permission;

import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.session.Connection;
import io.sluice.record.RecordPath;
import io.sluice.record.RecordService;

/**
 * Decides actions by the rules of a permission file, as deepstream's Valve does: finds the rule for the action and
 * the name, and evaluates it over the user, the data, the record's current data ({@code oldData}) and the records
 * it reads with {@code _()}.
 *
 * <p>A rule that reads no record (the common case) is decided at once. One that reads {@code oldData} or a patched
 * record's {@code data} reads the record from the record service first, within the call when this node's cache has
 * it (the decision is then made at once too). One that reads other records loads them after the record itself, the
 * {@code _()} arguments in the order the rule nests them (an inner one first, since an outer argument may read it). A rule that fails while running (a member of undefined, a record
 * that cannot be read, more than {@code maxRuleIterations} cross-record reads) denies, and is logged at most once a
 * minute per rule.
 */
public final class Permissions {

	private static final Logger logger = LoggerFactory.getLogger(Permissions.class);

	private static final Mono<RuleDecision> ALLOWED = Mono.just(RuleDecision.ALLOW);

	private static final Mono<RuleDecision> DENIED = Mono.just(RuleDecision.DENY);

	private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private final Supplier<PermissionRules> rules;

	private final RecordService records;

	private final int maxRuleIterations;

	private final Clock clock;

	/** When each failing rule was last logged, by rule, so that a rule failing for every message logs once a minute. */
	private final Map<ValveRule, Long> lastLogged = new ConcurrentHashMap<>();

	/**
	 * @param rules the rules in force, read for each check (so that a reloaded file applies to the next message)
	 * @param records where {@code oldData} and {@code _()} records are read
	 * @param maxRuleIterations how many cross-record reads one evaluation may make (deepstream's default: 3)
	 */
	public Permissions(Supplier<PermissionRules> rules, RecordService records, int maxRuleIterations, Clock clock) {
		if (maxRuleIterations < 1) {
			throw new IllegalArgumentException("maxRuleIterations must be at least 1, was " + maxRuleIterations);
		}
		this.rules = rules;
		this.records = records;
		this.maxRuleIterations = maxRuleIterations;
		this.clock = clock;
	}

	/**
	 * Whether the connection's user may do {@code action} on {@code name}.
	 * @param messageAction the protocol action the client sent, such as {@code PATCH}: a rule's {@code action}
	 * @return the decision: at once ({@code Mono.just}) unless records had to be read and were not in this node's
	 * cache; never fails
	 */
	public Mono<RuleDecision> check(Connection connection, PermissionAction action, String messageAction, String name,
			Payload payload) {
		return check(subject(connection), action, messageAction, name, payload);
	}

	/** Whether {@code subject} may do {@code action} on {@code name}: for callers without a connection (HTTP). */
	public Mono<RuleDecision> check(Subject subject, PermissionAction action, String messageAction, String name,
			Payload payload) {
		PermissionRules.Match match = this.rules.get().find(action, name);
		ValveRule rule = match.rule();
		if (rule == null) {
			return DENIED;
		}
		if (rule.isConstant()) {
			return rule.isAlwaysTrue() ? ALLOWED : DENIED;
		}
		boolean readsData = rule.usesData() && action.hasData();
		boolean needsRecord = (rule.usesOldData() && action.hasOldData()) || (readsData && payload.changesRecord());
		List<CrossReference> references = rule.crossReferences();
		if (!needsRecord && references.isEmpty()) {
			return decided(evaluate(subject, match, action, messageAction, name, payload, readsData, false, null),
					rule, match, name);
		}
		if (references.isEmpty()) {
			// Only the record itself: one in this node's cache is read within this call, and decided in it. A future
			// rather than operators on the read: this is done for every write the rule guards.
			CompletableFuture<RuleDecision> decision = read(name).handle((record, ex) -> (ex != null)
					? unreadable(name, ex)
					: evaluate(subject, match, action, messageAction, name, payload, readsData, true, record));
			if (decision.isDone()) {
				return decided(decision.join(), rule, match, name);
			}
			return Mono.fromFuture(decision).flatMap((decided) -> decided(decided, rule, match, name));
		}
		Mono<JsonNode> current = needsRecord ? load(subject, name) : Mono.just(NullNode.getInstance());
		return current.flatMap((oldData) -> {
			JsonNode data = readsData ? data(payload, oldData, members(rule, action, payload)) : null;
			Map<String, JsonNode> loaded = new HashMap<>();
			CheckContext base = new CheckContext(subject, data, needsRecord ? oldData : null, now(rule),
					messageAction, match.variables(), Map.of());
			return Flux.fromIterable(references)
				.concatMap((reference) -> {
					Optional<String> recordName = reference.recordName(base.withRecords(loaded), this.maxRuleIterations);
					if (recordName.isEmpty() || loaded.containsKey(recordName.get())) {
						return Mono.empty();
					}
					return load(subject, recordName.get()).doOnNext((record) -> loaded.put(recordName.get(), record));
				})
				.then(Mono.fromSupplier(() -> rule.evaluate(base.withRecords(loaded), this.maxRuleIterations,
						subject.outcomes(match))));
		})
			.onErrorResume((ex) -> Mono.just(RuleDecision.failed(ex.getMessage())))
			.flatMap((decision) -> decided(decision, rule, match, name));
	}

	/** Evaluates a rule that reads no other record over the record read (when it needs it) and the message's data. */
	private RuleDecision evaluate(Subject subject, PermissionRules.Match match, PermissionAction action,
			String messageAction, String name, Payload payload, boolean readsData, boolean needsRecord,
			VersionedRecord record) {
		ValveRule rule = match.rule();
		try {
			JsonNode oldData = needsRecord ? tree(subject, name, record) : null;
			JsonNode data = readsData ? data(payload, oldData, members(rule, action, payload)) : null;
			RuleDecision decision = rule.evaluate(new CheckContext(subject, data, oldData, now(rule), messageAction,
					match.variables(), Map.of()), this.maxRuleIterations, subject.outcomes(match));
			if (decision.allowed()) {
				subject.wrote(action, name, payload, data);
			}
			return decision;
		}
		catch (RuleEvaluationException ex) {
			return RuleDecision.failed(ex.getMessage());
		}
	}

	/** The clock, read for a rule that uses {@code now}: no other sees it. */
	private long now(ValveRule rule) {
		return rule.usesNow() ? this.clock.millis() : 0;
	}

	private Mono<RuleDecision> decided(RuleDecision decision, ValveRule rule, PermissionRules.Match match,
			String name) {
		if (decision.failed()) {
			logFailure(rule, match, name, decision.error());
			return Mono.just(decision);
		}
		return decision.allowed() ? ALLOWED : DENIED;
	}

	/** A record's data as a rule reads it: {@code null} for one that does not exist. */
	private Mono<JsonNode> load(Subject subject, String name) {
		return Mono.defer(() -> this.records.readDecided(name))
			.map((record) -> tree(subject, name, record))
			.defaultIfEmpty(NullNode.getInstance())
			.onErrorMap((ex) -> !(ex instanceof RuleEvaluationException),
					(ex) -> new RuleEvaluationException("record '" + name + "' could not be read: " + ex.getMessage()));
	}

	/** The record, subscribed to now: completed already when it comes from this node's cache; {@code null} if none. */
	private CompletableFuture<VersionedRecord> read(String name) {
		try {
			return this.records.readDecided(name).toFuture();
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	private static JsonNode tree(Subject subject, String name, VersionedRecord record) {
		return (record == null || record.deleted()) ? NullNode.getInstance() : subject.tree(name, record.data());
	}

	private static RuleDecision unreadable(String name, Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		return RuleDecision.failed("record '" + name + "' could not be read: " + cause.getMessage());
	}

	/**
	 * The members of the message's data to read, when the rule reads only some: not for a record's write, whose data
	 * is kept whole on the connection to be the record's next {@code oldData} ({@link Subject#wrote}), nor for a
	 * patch, whose value is not the record.
	 */
	private static String[] members(ValveRule rule, PermissionAction action, Payload payload) {
		return (action == PermissionAction.RECORD_WRITE || payload.changesRecord()) ? null : rule.dataMembers();
	}

	/** @param members the only members of the data (an object) the rule reads, or {@code null} for all */
	private static JsonNode data(Payload payload, JsonNode record, String[] members) {
		if (!payload.changesRecord()) {
			return parse(payload.json(), members);
		}
		JsonNode base = (record == null || record.isNull()) ? JsonNodeFactory.instance.objectNode() : record;
		RecordPath path = RecordPath.parse(payload.path());
		return payload.erase() ? path.erase(base) : path.set(base, parse(payload.json()));
	}

	static JsonNode parse(byte[] json) {
		return parse(json, null);
	}

	private static JsonNode parse(byte[] json, String[] members) {
		if (json == null) {
			return null;
		}
		try {
			return RuleJson.read(json, members);
		}
		catch (JacksonException ex) {
			throw new RuleEvaluationException("the message's data is not valid JSON: " + ex.getOriginalMessage());
		}
	}

	/** The user as rules see it, kept on the connection: its server data is parsed once, not for every message. */
	private static Subject subject(Connection connection) {
		Object state = connection.permissionState();
		if (state instanceof Subject subject && subject.userId == connection.userId()) {
			return subject;
		}
		JsonNode userData;
		try {
			userData = (connection.serverData() != null) ? RuleJson.read(connection.serverData()) : null;
		}
		catch (JacksonException ex) {
			userData = null;
			// Not the parser's message: it quotes the data, which may be secret.
			logger.warn("The server data of {} is not JSON; rules see none", connection);
		}
		Subject subject = new Subject(connection.userId(), userData);
		connection.permissionState(subject);
		return subject;
	}

	private void logFailure(ValveRule rule, PermissionRules.Match match, String name, String error) {
		long now = System.nanoTime();
		Long last = this.lastLogged.get(rule);
		if (last != null && now - last < LOG_INTERVAL_NANOS) {
			return;
		}
		this.lastLogged.put(rule, now);
		logger.warn("Permission rule for \"{}\" failed on {} (denied; logged at most once a minute): {} (rule: {})",
				match.path(), name, error, rule);
	}

	/**
	 * Who acts, as rules see them ({@code user.id}, {@code user.data}), and the data of the record they last wrote
	 * (allowed by a rule that read it): a client that writes one record again and again has its next write's
	 * {@code oldData} without parsing it again. A connection keeps its own; an HTTP caller has one per request.
	 */
	public static final class Subject {

		/** Larger data is parsed again rather than kept for each connection. */
		private static final int MAX_KEPT_BYTES = 16 * 1024;

		/** Rule matches (names) whose fixed outcomes a user keeps: a client usually acts on a few names at a time. */
		private static final int REMEMBERED_MATCHES = 4;

		private final String userId;

		private final JsonNode userData;

		private final JsonNode user;

		private volatile Written written;

		/**
		 * The outcomes of the rule terms fixed per name ({@link ValveRule#fixedTerms()}) for the last few rule matches
		 * this user was checked by, replaced in turn. Not synchronised: a lost or repeated entry only costs working
		 * the outcomes out again.
		 */
		private final NameOutcomes[] remembered = new NameOutcomes[REMEMBERED_MATCHES];

		private int nextSlot;

		/**
		 * @param userId the user id ({@code user.id})
		 * @param userData the authenticator's server data ({@code user.data}), or {@code null}
		 */
		public Subject(String userId, JsonNode userData) {
			this.userId = userId;
			this.userData = userData;
			this.user = RuleContext.user(userId, userData);
		}

		/** A user with server data given as JSON, or {@code null}. */
		public static Subject of(String userId, byte[] serverData) {
			return new Subject(userId, (serverData != null) ? parse(serverData) : null);
		}

		public String userId() {
			return this.userId;
		}

		public JsonNode userData() {
			return this.userData;
		}

		/** Remembers what a whole write of the record will leave in it, once a rule has allowed it. */
		void wrote(PermissionAction action, String name, Payload payload, JsonNode data) {
			if (action == PermissionAction.RECORD_WRITE && data != null && !payload.changesRecord()
					&& payload.json().length <= MAX_KEPT_BYTES) {
				this.written = new Written(name, payload.json(), data);
			}
		}

		/**
		 * Where this user's outcomes of the match's fixed terms are kept, or {@code null} when its rule has none. A
		 * match stands for one rule and one name's {@code $variables} under the rules in force (a reloaded file
		 * gives new matches), so the outcomes stay true for as long as the match is the one used.
		 */
		Object[] outcomes(PermissionRules.Match match) {
			int size = match.rule().fixedTerms();
			if (size == 0) {
				return null;
			}
			for (NameOutcomes kept : this.remembered) {
				if (kept != null && kept.match() == match) {
					return kept.outcomes();
				}
			}
			NameOutcomes kept = new NameOutcomes(match, new Object[size]);
			int slot = this.nextSlot;
			this.remembered[slot] = kept;
			this.nextSlot = (slot + 1) % REMEMBERED_MATCHES;
			return kept.outcomes();
		}

		/** The tree of a record's data: the one kept if the record holds what this connection last wrote to it. */
		JsonNode tree(String name, byte[] json) {
			Written last = this.written;
			if (last != null && last.name.equals(name) && Arrays.equals(last.json, json)) {
				return last.tree;
			}
			return parse(json);
		}

	}

	private record Written(String name, byte[] json, JsonNode tree) {
	}

	/** The outcomes of a match's fixed terms for one user. */
	private record NameOutcomes(PermissionRules.Match match, Object[] outcomes) {
	}

	/** What one check's rule sees. */
	private record CheckContext(Subject subject, JsonNode data, JsonNode oldData, long now, String action,
			Map<String, String> variables, Map<String, JsonNode> records) implements RuleContext {

		CheckContext withRecords(Map<String, JsonNode> loaded) {
			return new CheckContext(this.subject, this.data, this.oldData, this.now, this.action, this.variables,
					Map.copyOf(loaded));
		}

		@Override
		public String userId() {
			return this.subject.userId;
		}

		@Override
		public JsonNode userData() {
			return this.subject.userData;
		}

		@Override
		public JsonNode user() {
			return this.subject.user;
		}

		@Override
		public JsonNode crossRecord(String recordName) {
			return this.records.get(recordName);
		}

	}

}
