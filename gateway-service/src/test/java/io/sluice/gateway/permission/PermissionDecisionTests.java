package io.sluice.gateway.permission;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.session.Outbox;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Checks against a permission file: the data of the message, the record before a write ({@code oldData}) read from
 * the record service, decided within the call when the read is (a record in this node's cache).
 */
class PermissionDecisionTests {

	private static final String FILE = """
			record:
			  "*": { create: true, read: true, write: false, delete: false, listen: false, notify: false }
			  "notes/$owner":
			    write: "user.id == $owner && (oldData == null || oldData.locked != true) && data.text.length <= 10"
			  "linked/$id":
			    read: "_('links/' + $id).open == true"
			event:
			  "*": { publish: false, subscribe: true, listen: false }
			  "chat/$room":
			    publish: "user.isAuthenticated && typeof data.t == 'number' && data.text.match(/[<>]/) == null"
			rpc:
			  "*": { provide: true, request: false }
			presence:
			  "*": { allow: true }
			""";

	private final ReadableRecords records = new ReadableRecords();

	private final Permissions permissions = new Permissions(() -> PermissionFile.parse(FILE, false), this.records,
			ValveRule.DEFAULT_MAX_RULE_ITERATIONS, Clock.systemUTC());

	private final Outbox alice = new Outbox("permissions-alice");

	PermissionDecisionTests() {
		this.alice.login("alice", null);
	}

	@Test
	void aRuleOverTheMessageDataIsDecidedWithinTheCall() {
		assertThat(decidedNow(publish("chat/lobby", "{\"t\":1,\"text\":\"hello\"}"))).isEqualTo(RuleDecision.ALLOW);
		assertThat(decidedNow(publish("chat/lobby", "{\"t\":1,\"text\":\"<b>\"}"))).isEqualTo(RuleDecision.DENY);
		assertThat(decidedNow(publish("chat/lobby", "{\"t\":\"1\",\"text\":\"hello\"}"))).isEqualTo(RuleDecision.DENY);
	}

	@Test
	void dataThatIsNotJsonFailsTheRuleInsteadOfTheCall() {
		RuleDecision decision = decidedNow(publish("chat/lobby", "{\"t\":1,"));

		assertThat(decision.allowed()).isFalse();
		assertThat(decision.failed()).isTrue();
		assertThat(decision.error()).contains("not valid JSON");
	}

	@Test
	void aWriteRuleSeesTheRecordAsStoredAndIsDecidedWithinTheCallWhenTheReadIs() {
		assertThat(decidedNow(write("notes/alice", "{\"text\":\"new\"}"))).isEqualTo(RuleDecision.ALLOW);
		this.records.store("notes/alice", "{\"text\":\"kept\",\"locked\":true}");

		assertThat(decidedNow(write("notes/alice", "{\"text\":\"again\"}"))).isEqualTo(RuleDecision.DENY);
		assertThat(decidedNow(write("notes/alice", "{\"text\":\"far too long\"}"))).isEqualTo(RuleDecision.DENY);
		assertThat(this.records.reads.get()).isEqualTo(3);
	}

	@Test
	void oldDataIsWhatTheRecordHoldsNotWhatThisConnectionLastWrote() {
		byte[] unlocked = "{\"text\":\"mine\"}".getBytes(StandardCharsets.UTF_8);
		assertThat(decidedNow(write("notes/alice", unlocked))).isEqualTo(RuleDecision.ALLOW);
		this.records.store("notes/alice", unlocked);
		assertThat(decidedNow(write("notes/alice", "{\"text\":\"next\"}"))).isEqualTo(RuleDecision.ALLOW);

		// someone else (a REST call, another node) locked it since
		this.records.store("notes/alice", "{\"text\":\"next\",\"locked\":true}");

		assertThat(decidedNow(write("notes/alice", "{\"text\":\"third\"}"))).isEqualTo(RuleDecision.DENY);
	}

	@Test
	void aWriteWhoseRecordIsReadLaterIsDecidedOnceTheReadCompletes() {
		Sinks.One<VersionedRecord> read = Sinks.one();
		this.records.later("notes/alice", read.asMono());

		Mono<RuleDecision> decision = write("notes/alice", "{\"text\":\"new\"}");

		assertThat(PermissionGate.now(decision)).isNull();
		StepVerifier.create(decision)
			.then(() -> read.tryEmitValue(VersionedRecord.of("notes/alice", 3, "{\"locked\":true}")))
			.expectNext(RuleDecision.DENY)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void aRecordThatCannotBeReadFailsTheRule() {
		this.records.later("notes/alice", Mono.error(new IllegalStateException("store down")));

		RuleDecision decision = decidedNow(write("notes/alice", "{\"text\":\"new\"}"));

		assertThat(decision.failed()).isTrue();
		assertThat(decision.error()).contains("notes/alice").contains("store down");
	}

	@Test
	void aCrossRecordRuleReadsTheRecordItNames() {
		this.records.store("links/1", "{\"open\":true}");
		this.records.store("links/2", "{\"open\":false}");

		StepVerifier.create(read("linked/1")).expectNext(RuleDecision.ALLOW).expectComplete().verify(Duration.ofSeconds(5));
		StepVerifier.create(read("linked/2")).expectNext(RuleDecision.DENY).expectComplete().verify(Duration.ofSeconds(5));
	}

	@Test
	void theUserIsTheOneLoggedInNow() {
		this.records.store("notes/bob", "{}");
		assertThat(decidedNow(write("notes/bob", "{\"text\":\"hi\"}"))).isEqualTo(RuleDecision.DENY);

		this.alice.login("bob", null);

		assertThat(decidedNow(write("notes/bob", "{\"text\":\"hi\"}"))).isEqualTo(RuleDecision.ALLOW);
	}

	private Mono<RuleDecision> publish(String event, String data) {
		return this.permissions.check(this.alice.connection, PermissionAction.EVENT_PUBLISH, "EMIT", event,
				Payload.whole(data.getBytes(StandardCharsets.UTF_8)));
	}

	private Mono<RuleDecision> write(String record, String data) {
		return write(record, data.getBytes(StandardCharsets.UTF_8));
	}

	private Mono<RuleDecision> write(String record, byte[] data) {
		return this.permissions.check(this.alice.connection, PermissionAction.RECORD_WRITE, "UPDATE", record,
				Payload.whole(data));
	}

	private Mono<RuleDecision> read(String record) {
		return this.permissions.check(this.alice.connection, PermissionAction.RECORD_READ, "READ", record,
				Payload.NONE);
	}

	private static RuleDecision decidedNow(Mono<RuleDecision> decision) {
		RuleDecision decided = PermissionGate.now(decision);
		assertThat(decided).as("decided within the call").isNotNull();
		return decided;
	}

	/**
	 * Records for rules to read: at once from a map, as from this node's cache, or later for names the test holds
	 * back. Nothing here writes: the permission check only reads.
	 */
	private static final class ReadableRecords implements RecordService {

		private final Map<String, VersionedRecord> stored = new ConcurrentHashMap<>();

		private final Map<String, Mono<VersionedRecord>> held = new ConcurrentHashMap<>();

		private final AtomicInteger reads = new AtomicInteger();

		void store(String name, String json) {
			store(name, json.getBytes(StandardCharsets.UTF_8));
		}

		void store(String name, byte[] json) {
			VersionedRecord current = this.stored.get(name);
			this.stored.put(name, VersionedRecord.of(name, (current != null) ? current.version() + 1 : 1, json));
		}

		void later(String name, Mono<VersionedRecord> read) {
			this.held.put(name, read);
		}

		@Override
		public Mono<VersionedRecord> read(String name) {
			this.reads.incrementAndGet();
			Mono<VersionedRecord> later = this.held.get(name);
			return (later != null) ? later : Mono.justOrEmpty(this.stored.get(name));
		}

		@Override
		public Mono<Long> head(String name) {
			return read(name).map(VersionedRecord::version);
		}

		@Override
		public Mono<Boolean> has(String name) {
			return read(name).hasElement();
		}

		@Override
		public Mono<VersionedRecord> create(String name) {
			throw new UnsupportedOperationException("permission checks do not write");
		}

		@Override
		public Mono<VersionedRecord> set(String name, long version, byte[] data, String origin) {
			throw new UnsupportedOperationException("permission checks do not write");
		}

		@Override
		public Mono<VersionedRecord> patch(String name, long version, String path, byte[] value, String origin) {
			throw new UnsupportedOperationException("permission checks do not write");
		}

		@Override
		public Mono<VersionedRecord> erase(String name, long version, String path, String origin) {
			throw new UnsupportedOperationException("permission checks do not write");
		}

		@Override
		public Mono<VersionedRecord> delete(String name, String origin) {
			throw new UnsupportedOperationException("permission checks do not write");
		}

		@Override
		public Mono<VersionedRecord> reload(String name) {
			throw new UnsupportedOperationException("permission checks do not reload");
		}

		@Override
		public Flux<RecordChange> changes() {
			return Flux.empty();
		}

	}

}
