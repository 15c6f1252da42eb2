package io.sluice.gateway.record;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Connection;
import io.sluice.gateway.session.Outbox;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordService;
import io.sluice.record.RecordWriteException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write handling against a test double of {@link RecordService} whose writes complete only when the test says so,
 * to see when each write is started and what the writer is told.
 */
class RecordWritesTests {

	private final ControlledRecordService records = new ControlledRecordService();

	private final RecordHandler handler = new RecordHandler(this.records);

	private final Outbox outbox = new Outbox("conn-1");

	private final Connection connection = this.outbox.connection;

	@Test
	void writesToOneRecordStartInArrivalOrderWithoutWaitingForEachOther() {
		Flux<Message> writes = Flux.range(1, 3)
			.map((version) -> Message.builder(Topic.RECORD, RecordAction.UPDATE).name("r").version(version)
				.data("{\"v\":" + version + "}").correlationId(String.valueOf(version)).isWriteAck(true).build());
		// The way the session dispatches: each message's work subscribed as it arrives.
		Mono<Void> dispatched = writes.flatMap((message) -> this.handler.handle(this.connection, message)).then();
		StepVerifier.create(dispatched)
			.then(() -> assertThat(this.records.started).containsExactly("set r v1", "set r v2", "set r v3"))
			.then(() -> this.records.complete(2, null))
			.then(() -> this.records.complete(0, null))
			.then(() -> this.records.complete(1, new RecordWriteException("r", "queue down", null)))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		List<Message> replies = drain();
		assertThat(replies).extracting(Message::correlationId).containsExactly("3", "1", "2");
		assertThat(replies.get(0).action()).isEqualTo(RecordAction.WRITE_ACKNOWLEDGEMENT);
		assertThat(replies.get(1).action()).isEqualTo(RecordAction.WRITE_ACKNOWLEDGEMENT);
		Message failure = replies.get(2);
		assertThat(failure.action()).isEqualTo(RecordAction.RECORD_UPDATE_ERROR);
		assertThat(failure.isError()).isTrue();
		assertThat(failure.isWriteAck()).isTrue();
		assertThat(failure.dataText()).isEqualTo("\"queue down\"");
	}

	@Test
	void openingCreatesEachRecordAndAnswersItsReadOnlyOnceCreatedOrWithACreateError() {
		Message open = Message.builder(Topic.RECORD, RecordAction.SUBSCRIBECREATEANDREAD).names(List.of("a", "b"))
			.correlationId("5").build();
		StepVerifier.create(this.handler.handle(this.connection, open))
			.then(() -> assertThat(this.records.started).containsExactly("create a", "create b"))
			.then(() -> assertThat(drain()).as("the subscription is acknowledged at once").singleElement()
				.satisfies((ack) -> assertThat(ack.isAck()).isTrue()))
			.then(() -> this.records.complete(1, new RecordWriteException("b", "queue down", null)))
			.then(() -> this.records.complete(0, null))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		List<Message> replies = drain();
		assertThat(replies).extracting(Message::action)
			.containsExactly(RecordAction.RECORD_CREATE_ERROR, RecordAction.READ_RESPONSE);
		assertThat(replies.get(0).name()).isEqualTo("b");
		assertThat(replies.get(0).originalAction()).isEqualTo(RecordAction.SUBSCRIBECREATEANDREAD);
		assertThat(replies.get(0).isError()).isTrue();
		assertThat(replies.get(1).name()).isEqualTo("a");
		assertThat(replies.get(1).dataText()).isEqualTo("{}");
	}

	@Test
	void writesCarryTheConnectionAsOriginAndForceMeansForce() {
		Message write = Message.builder(Topic.RECORD, RecordAction.CREATEANDPATCH).name("r").version(-1).path("a.b")
			.data("1").build();
		StepVerifier.create(this.handler.handle(this.connection, write))
			.then(() -> this.records.complete(0, null))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.records.started).containsExactly("patch r v-1 a.b from conn-1");
		assertThat(drain()).as("no acknowledgement was asked for").isEmpty();
	}

	@Test
	void writeWithoutVersionIsRefusedWithoutReachingTheService() {
		Message write = Message.builder(Topic.RECORD, RecordAction.UPDATE).name("r").data("{}").correlationId("4")
			.isWriteAck(true).build();
		StepVerifier.create(this.handler.handle(this.connection, write)).expectComplete().verify(Duration.ofSeconds(5));
		assertThat(this.records.started).isEmpty();
		Message reply = drain().get(0);
		assertThat(reply.action()).isEqualTo(RecordAction.INVALID_MESSAGE_DATA);
		assertThat(reply.correlationId()).isEqualTo("4");
		assertThat(reply.originalAction()).isEqualTo(RecordAction.UPDATE);
	}

	private List<Message> drain() {
		return this.outbox.take();
	}

	/** Records the writes it is asked for and completes each when told to. */
	static final class ControlledRecordService implements RecordService {

		final List<String> started = new ArrayList<>();

		private final List<Sinks.One<VersionedRecord>> pending = new ArrayList<>();

		void complete(int index, Throwable failure) {
			Sinks.One<VersionedRecord> sink = this.pending.get(index);
			if (failure != null) {
				sink.tryEmitError(failure).orThrow();
			}
			else {
				sink.tryEmitValue(VersionedRecord.of("r", index + 1, "{}")).orThrow();
			}
		}

		private Mono<VersionedRecord> start(String description) {
			return Mono.defer(() -> {
				this.started.add(description);
				Sinks.One<VersionedRecord> sink = Sinks.one();
				this.pending.add(sink);
				return sink.asMono();
			});
		}

		@Override
		public Mono<VersionedRecord> create(String name) {
			return start("create " + name);
		}

		@Override
		public Mono<VersionedRecord> set(String name, long version, byte[] data, String origin) {
			return start("set " + name + " v" + version);
		}

		@Override
		public Mono<VersionedRecord> patch(String name, long version, String path, byte[] value, String origin) {
			return start("patch " + name + " v" + version + " " + path + " from " + origin);
		}

		@Override
		public Mono<VersionedRecord> erase(String name, long version, String path, String origin) {
			return start("erase " + name + " v" + version + " " + path);
		}

		@Override
		public Mono<VersionedRecord> delete(String name, String origin) {
			return start("delete " + name);
		}

		@Override
		public Mono<VersionedRecord> read(String name) {
			return Mono.empty();
		}

		@Override
		public Mono<Long> head(String name) {
			return Mono.empty();
		}

		@Override
		public Mono<Boolean> has(String name) {
			return Mono.just(false);
		}

		@Override
		public Mono<VersionedRecord> reload(String name) {
			return start("reload " + name);
		}

		@Override
		public Flux<RecordChange> changes() {
			return Flux.never();
		}

	}

}
