package io.sluice.gateway.permission;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
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
 * <p>A rule that reads no record (the common case) is decided at once, with no allocation beyond its evaluation's.
 * One that reads {@code oldData}, a patched record's {@code data} or other records loads them from the record
 * service first, the record itself before the {@code _()} arguments in the order the rule nests them (an inner one
 * first, since an outer argument may read it). A rule that fails while running (a member of undefined, a record
 * that cannot be read, more than {@code maxRuleIterations} cross-record reads) denies, and is logged at most once a
 * minute per rule.
 */
public final class Permissions {

	private static final Logger logger = LoggerFactory.getLogger(Permissions.class);

	private static final Mono<RuleDecision> ALLOWED = Mono.just(RuleDecision.ALLOW);

	private static final Mono<RuleDecision> DENIED = Mono.just(RuleDecision.DENY);

	private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

	private static final JsonMapper JSON = JsonMapper.builder().build();

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
	 * @return the decision: at once ({@code Mono.just}) unless records had to be read; never fails
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
		boolean needsRecord = (rule.usesOldData() && action.hasOldData())
				|| (rule.usesData() && action.hasData() && payload.changesRecord());
		List<CrossReference> references = rule.crossReferences();
		if (!needsRecord && references.isEmpty()) {
			JsonNode data;
			try {
				data = (rule.usesData() && action.hasData()) ? parse(payload.json()) : null;
			}
			catch (RuleEvaluationException ex) {
				return decided(RuleDecision.failed(ex.getMessage()), rule, match, name);
			}
			RuleDecision decision = rule.evaluate(new PreloadedRuleContext(subject.userId(), subject.userData(), data,
					null, this.clock.millis(), messageAction, match.variables(), Map.of()), this.maxRuleIterations);
			return decided(decision, rule, match, name);
		}
		Mono<JsonNode> current = needsRecord ? load(name) : Mono.just(NullNode.getInstance());
		return current.flatMap((oldData) -> {
			JsonNode data = (rule.usesData() && action.hasData()) ? data(payload, oldData) : null;
			Map<String, JsonNode> loaded = new HashMap<>();
			PreloadedRuleContext base = new PreloadedRuleContext(subject.userId(), subject.userData(), data,
					needsRecord ? oldData : null, this.clock.millis(), messageAction, match.variables(), Map.of());
			return Flux.fromIterable(references)
				.concatMap((reference) -> {
					Optional<String> recordName = reference.recordName(withRecords(base, loaded), this.maxRuleIterations);
					if (recordName.isEmpty() || loaded.containsKey(recordName.get())) {
						return Mono.empty();
					}
					return load(recordName.get()).doOnNext((record) -> loaded.put(recordName.get(), record));
				})
				.then(Mono.fromSupplier(() -> rule.evaluate(withRecords(base, loaded), this.maxRuleIterations)));
		})
			.onErrorResume((ex) -> Mono.just(RuleDecision.failed(ex.getMessage())))
			.flatMap((decision) -> decided(decision, rule, match, name));
	}

	private static PreloadedRuleContext withRecords(PreloadedRuleContext base, Map<String, JsonNode> records) {
		return new PreloadedRuleContext(base.userId(), base.userData(), base.data(), base.oldData(), base.now(),
				base.action(), base.variables(), records);
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
	private Mono<JsonNode> load(String name) {
		return Mono.defer(() -> this.records.read(name))
			.map((record) -> record.deleted() ? NullNode.getInstance() : JSON.readTree(record.data()))
			.defaultIfEmpty(NullNode.getInstance())
			.onErrorMap((ex) -> !(ex instanceof RuleEvaluationException),
					(ex) -> new RuleEvaluationException("record '" + name + "' could not be read: " + ex.getMessage()));
	}

	private static JsonNode data(Payload payload, JsonNode record) {
		if (!payload.changesRecord()) {
			return parse(payload.json());
		}
		JsonNode base = (record == null || record.isNull()) ? JSON.createObjectNode() : record;
		RecordPath path = RecordPath.parse(payload.path());
		return payload.erase() ? path.erase(base) : path.set(base, parse(payload.json()));
	}

	private static JsonNode parse(byte[] json) {
		if (json == null) {
			return null;
		}
		try {
			return JSON.readTree(json);
		}
		catch (JacksonException ex) {
			throw new RuleEvaluationException("the message's data is not valid JSON: " + ex.getOriginalMessage());
		}
	}

	/** The user as rules see it, kept on the connection: its server data is parsed once, not for every message. */
	private static Subject subject(Connection connection) {
		Object state = connection.permissionState();
		if (state instanceof Subject subject && subject.userId() == connection.userId()) {
			return subject;
		}
		JsonNode userData;
		try {
			userData = (connection.serverData() != null) ? JSON.readTree(connection.serverData()) : null;
		}
		catch (JacksonException ex) {
			userData = null;
			logger.warn("The server data of {} is not JSON; rules see none: {}", connection, ex.getOriginalMessage());
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
	 * Who acts, as rules see them.
	 * @param userId the user id ({@code user.id})
	 * @param userData the authenticator's server data ({@code user.data}), or {@code null}
	 */
	public record Subject(String userId, JsonNode userData) {

		/** A user with server data given as JSON, or {@code null}. */
		public static Subject of(String userId, byte[] serverData) {
			return new Subject(userId, (serverData != null) ? JSON.readTree(serverData) : null);
		}

	}

}
