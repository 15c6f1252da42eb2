package io.sluice.gateway.permission;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.record.StoredRecords;
import io.sluice.gateway.session.Outbox;

import static org.assertj.core.api.Assertions.assertThat;

class PermissionsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String RULES = """
			record:
			  "*": { create: true, read: true, write: true, delete: false, listen: true, notify: true }
			  "users/$userId": { write: "user.id === $userId", delete: "user.data.role === 'admin'" }
			  "counters/*": { write: "data.count > oldData.count" }
			  "docs/*": { write: "_('perm/' + user.id).allowed === true" }
			  "chains/*": { read: "_(_('pointer/' + user.id).to).open" }
			  "deep/*": { read: "_(_(_('p/1').next).next).ok" }
			  "broken/*": { read: "oldData.missing.member" }
			  "clock/*": { read: "now > 1000 && action === 'READ'" }
			event:
			  "*": { publish: true, subscribe: true, listen: true }
			  "chat/$room": { publish: "typeof data.text === 'string' && data.text.length < 10 && $room !== 'closed'" }
			rpc:
			  "*": { provide: true, request: true }
			presence:
			  "*": { allow: true }
			""";

	private final StoredRecords records = new StoredRecords();

	private final Permissions permissions = new Permissions(() -> PermissionFile.parse(RULES, false), this.records, 3,
			Clock.fixed(Instant.ofEpochMilli(5_000), ZoneOffset.UTC));

	private final Outbox alice = new Outbox("alice-connection");

	PermissionsTests() {
		this.alice.loginWithServerData("alice", "{\"role\":\"admin\"}");
	}

	@Test
	void aRuleOnTheUserAndThePathIsDecidedAtOnce() {
		Mono<RuleDecision> own = check(PermissionAction.RECORD_WRITE, "UPDATE", "users/alice", Payload.whole(json("{}")));
		Mono<RuleDecision> other = check(PermissionAction.RECORD_WRITE, "UPDATE", "users/bob", Payload.whole(json("{}")));

		assertThat(PermissionGate.now(own).allowed()).isTrue();
		assertThat(PermissionGate.now(other).allowed()).isFalse();
		assertThat(this.records.reads).as("records read").isEmpty();
	}

	@Test
	void theServerDataIsUserData() {
		assertThat(decide(PermissionAction.RECORD_DELETE, "DELETE", "users/bob", Payload.NONE).allowed()).isTrue();
		Outbox bob = new Outbox("bob-connection");
		bob.loginWithServerData("bob", "{\"role\":\"reader\"}");
		StepVerifier.create(this.permissions.check(bob.connection, PermissionAction.RECORD_DELETE, "DELETE", "users/bob",
				Payload.NONE))
			.assertNext((decision) -> assertThat(decision.allowed()).isFalse())
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aNameNoPatternWithARuleMatchesIsDenied() {
		assertThat(decide(PermissionAction.RECORD_DELETE, "DELETE", "anything", Payload.NONE))
			.isEqualTo(new RuleDecision(false, null));
	}

	@Test
	void anEventRuleSeesTheEventsData() {
		assertThat(decide(PermissionAction.EVENT_PUBLISH, "EMIT", "chat/lobby", Payload.whole(json("{\"text\":\"hi\"}")))
			.allowed()).isTrue();
		assertThat(decide(PermissionAction.EVENT_PUBLISH, "EMIT", "chat/lobby",
				Payload.whole(json("{\"text\":\"far too long\"}"))).allowed()).isFalse();
		assertThat(decide(PermissionAction.EVENT_PUBLISH, "EMIT", "chat/closed", Payload.whole(json("{\"text\":\"hi\"}")))
			.allowed()).isFalse();
	}

	@Test
	void aWriteRuleComparesTheNewDataWithTheRecordsCurrentData() {
		store("counters/a", 3, "{\"count\":5,\"label\":\"x\"}");

		assertThat(decide(PermissionAction.RECORD_WRITE, "UPDATE", "counters/a", Payload.whole(json("{\"count\":6}")))
			.allowed()).as("a set that grows the counter").isTrue();
		assertThat(decide(PermissionAction.RECORD_WRITE, "UPDATE", "counters/a", Payload.whole(json("{\"count\":4}")))
			.allowed()).as("a set that shrinks it").isFalse();
		assertThat(decide(PermissionAction.RECORD_WRITE, "PATCH", "counters/a", Payload.patch("count", json("7")))
			.allowed()).as("a patch that grows it: the rule sees the whole record patched").isTrue();
		assertThat(decide(PermissionAction.RECORD_WRITE, "PATCH", "counters/a", Payload.patch("label", json("\"y\"")))
			.allowed()).as("a patch elsewhere leaves it equal").isFalse();
		assertThat(decide(PermissionAction.RECORD_WRITE, "ERASE", "counters/a", Payload.erase("count")).allowed())
			.as("an erase of the counter").isFalse();
		assertThat(this.records.reads).containsOnly("counters/a");
	}

	@Test
	void aRecordThatDoesNotExistIsNullAsOldData() {
		RuleDecision decision = decide(PermissionAction.RECORD_WRITE, "UPDATE", "counters/new",
				Payload.whole(json("{\"count\":1}")));

		assertThat(decision.failed()).as("null.count fails, as in JavaScript").isTrue();
		assertThat(decision.error()).contains("count");
	}

	@Test
	void crossRecordReadsAreLoadedFirst() {
		store("perm/alice", 1, "{\"allowed\":true}");

		assertThat(decide(PermissionAction.RECORD_WRITE, "UPDATE", "docs/1", Payload.whole(json("{}"))).allowed())
			.isTrue();
		this.records.stored.put("perm/alice", VersionedRecord.of("perm/alice", 2, "{\"allowed\":false}"));
		assertThat(decide(PermissionAction.RECORD_WRITE, "UPDATE", "docs/1", Payload.whole(json("{}"))).allowed())
			.isFalse();
	}

	@Test
	void nestedCrossRecordReadsAreLoadedInnermostFirst() {
		store("pointer/alice", 1, "{\"to\":\"gates/7\"}");
		store("gates/7", 1, "{\"open\":true}");

		assertThat(decide(PermissionAction.RECORD_READ, "READ", "chains/x", Payload.NONE).allowed()).isTrue();
		assertThat(this.records.reads).containsExactly("pointer/alice", "gates/7");
	}

	@Test
	void moreCrossRecordReadsThanMaxRuleIterationsFail() {
		store("p/1", 1, "{\"next\":\"p/2\"}");
		store("p/2", 1, "{\"next\":\"p/3\"}");
		store("p/3", 1, "{\"ok\":true}");
		Permissions two = new Permissions(() -> PermissionFile.parse(RULES, false), this.records, 2, Clock.systemUTC());

		assertThat(decide(PermissionAction.RECORD_READ, "READ", "deep/x", Payload.NONE).allowed()).isTrue();
		StepVerifier.create(two.check(this.alice.connection, PermissionAction.RECORD_READ, "READ", "deep/x", Payload.NONE))
			.assertNext((decision) -> assertThat(decision.error()).contains("maxRuleIterations"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void aRuleThatFailsOrARecordThatCannotBeReadDenies() {
		store("broken/1", 1, "{}");
		RuleDecision failed = decide(PermissionAction.RECORD_READ, "READ", "broken/1", Payload.NONE);
		assertThat(failed.allowed()).isFalse();
		assertThat(failed.failed()).isTrue();

		this.records.failReads = true;
		RuleDecision unreadable = decide(PermissionAction.RECORD_WRITE, "UPDATE", "docs/1", Payload.whole(json("{}")));
		assertThat(unreadable.failed()).isTrue();
		assertThat(unreadable.error()).contains("perm/alice").contains("store down");
	}

	@Test
	void dataThatIsNotJsonFailsTheRule() {
		RuleDecision decision = decide(PermissionAction.EVENT_PUBLISH, "EMIT", "chat/lobby",
				Payload.whole("{nope".getBytes(StandardCharsets.UTF_8)));

		assertThat(decision.failed()).isTrue();
		assertThat(decision.error()).contains("not valid JSON");
	}

	@Test
	void rulesSeeTheClockAndTheProtocolAction() {
		assertThat(decide(PermissionAction.RECORD_READ, "READ", "clock/1", Payload.NONE).allowed()).isTrue();
		assertThat(decide(PermissionAction.RECORD_READ, "HEAD", "clock/1", Payload.NONE).allowed()).isFalse();
	}

	@Test
	void aReloadedFileDecidesAfreshForTheSameUserAndName() {
		AtomicReference<PermissionRules> rules = new AtomicReference<>(eventRule("user.id == 'alice' && data.k == 1"));
		Permissions reloading = new Permissions(rules::get, this.records, 3, Clock.systemUTC());
		Payload payload = Payload.whole(json("{\"k\":1}"));

		assertThat(reloading.check(this.alice.connection, PermissionAction.EVENT_PUBLISH, "EMIT", "news/1", payload)
			.block(TIMEOUT).allowed()).isTrue();
		assertThat(reloading.check(this.alice.connection, PermissionAction.EVENT_PUBLISH, "EMIT", "news/1", payload)
			.block(TIMEOUT).allowed()).isTrue();
		rules.set(eventRule("user.id == 'bob' && data.k == 1"));

		assertThat(reloading.check(this.alice.connection, PermissionAction.EVENT_PUBLISH, "EMIT", "news/1", payload)
			.block(TIMEOUT).allowed()).isFalse();
	}

	@Test
	void aUserLoggedInAgainIsDecidedAfresh() {
		PermissionRules rules = eventRule("user.id == 'alice' && $n.length == 1");
		Permissions fixed = new Permissions(() -> rules, this.records, 3, Clock.systemUTC());
		Outbox connection = new Outbox("relogin-connection");
		connection.login("alice", null);
		assertThat(fixed.check(connection.connection, PermissionAction.EVENT_PUBLISH, "EMIT", "news/1", Payload.NONE)
			.block(TIMEOUT).allowed()).isTrue();

		connection.login("bob", null);

		assertThat(fixed.check(connection.connection, PermissionAction.EVENT_PUBLISH, "EMIT", "news/1", Payload.NONE)
			.block(TIMEOUT).allowed()).isFalse();
	}

	@Test
	void anEventRuleSeesTheMembersItNamesAsTheWholeDataHasThem() {
		PermissionRules rules = eventRule("data.k === 'v' && data.n === 2 && typeof data.gone == 'undefined'");
		Permissions members = new Permissions(() -> rules, this.records, 3, Clock.systemUTC());

		assertThat(publish(members, "{\"k\":\"v\",\"skip\":[1,{\"k\":0}],\"n\":1,\"n\":2}").allowed()).isTrue();
		assertThat(publish(members, "{\"k\":\"\\u0076\",\"n\":2}").allowed()).isTrue();
		assertThat(publish(members, "{\"k\":\"v\",\"n\":2,\"n\":3}").allowed()).isFalse();
		assertThat(publish(members, "{\"k\":\"v\",\"n\":2,\"gone\":null}").allowed()).isFalse();
		assertThat(publish(members, "{\"k\":\"v\",\"n\":2,\"skip\":[1,]}").error()).contains("not valid JSON");
	}

	private RuleDecision publish(Permissions permissions, String data) {
		return permissions.check(this.alice.connection, PermissionAction.EVENT_PUBLISH, "EMIT", "news/1",
				Payload.whole(json(data))).block(TIMEOUT);
	}

	private static PermissionRules eventRule(String publish) {
		return PermissionFile.parse("""
				record:
				  "*": { read: true }
				event:
				  "*": { publish: false, subscribe: true }
				  "news/$n": { publish: "%s", subscribe: true }
				rpc:
				  "*": { provide: true, request: true }
				presence:
				  "*": { allow: true }
				""".formatted(publish), false);
	}

	private RuleDecision decide(PermissionAction action, String messageAction, String name, Payload payload) {
		return this.permissions.check(this.alice.connection, action, messageAction, name, payload).block(TIMEOUT);
	}

	private Mono<RuleDecision> check(PermissionAction action, String messageAction, String name, Payload payload) {
		return this.permissions.check(this.alice.connection, action, messageAction, name, payload);
	}

	private void store(String name, long version, String json) {
		this.records.stored.put(name, VersionedRecord.of(name, version, json));
	}

	private static byte[] json(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
