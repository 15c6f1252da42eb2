package io.sluice.record.remote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.sluice.connector.VersionedRecord;
import io.sluice.connector.memory.InMemoryMessageBus;
import io.sluice.record.InvalidRecordDataException;
import io.sluice.record.InvalidVersionException;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.RecordService;
import io.sluice.record.VersionExistsException;
import io.sluice.record.api.RecordApi;
import io.sluice.record.api.RecordCall;
import io.sluice.record.api.RecordReply;
import io.sluice.record.feed.RecordChanges;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The records API end to end over a real socket: a real server, the real client, the real record service. */
class RemoteRecordServiceTests {

	/** Generous: the first call also opens the channel and loads the server's store, slow on a busy machine. */
	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final InMemoryMessageBus.Medium medium = new InMemoryMessageBus.Medium();

	private LocalRecordServer server;

	private RemoteRecordService remote;

	@BeforeEach
	void start() {
		this.server = new LocalRecordServer(0, this.medium, "remote-tests-server");
		RecordInstances instances = new RecordInstances(List.of(this.server.address()), null, 7070,
				RemoteRecordService.connector(1 << 20));
		this.remote = new RemoteRecordService(instances,
				RecordChanges.fromBus(new InMemoryMessageBus("remote-tests-gateway", this.medium)), TIMEOUT);
	}

	@AfterEach
	void stop() {
		this.remote.close();
		this.server.close();
	}

	@Test
	void writesAndReadsGoThroughTheRemoteRecordService() {
		String name = "remote/rw";
		StepVerifier.create(this.remote.set(name, 1, json("{\"a\":{\"b\":1}}"), "c1"))
			.assertNext((written) -> assertThat(written.version()).isEqualTo(1))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.remote.patch(name, 2, "a.c", json("[1,2]"), "c1"))
			.assertNext((written) -> assertThat(written.json()).isEqualTo("{\"a\":{\"b\":1,\"c\":[1,2]}}"))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.remote.erase(name, 3, "a.b", "c1"))
			.assertNext((written) -> assertThat(written.json()).isEqualTo("{\"a\":{\"c\":[1,2]}}"))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.remote.read(name))
			.expectNext(this.server.records().read(name).block(TIMEOUT))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.remote.head(name)).expectNext(3L).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.remote.has(name)).expectNext(true).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.remote.delete(name, "c1"))
			.assertNext((tombstone) -> assertThat(tombstone).isEqualTo(VersionedRecord.tombstone(name, 4)))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.remote.has(name)).expectNext(false).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.remote.head(name)).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.remote.read("remote/never")).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.remote.create("remote/opened"))
			.expectNext(VersionedRecord.of("remote/opened", 0, "{}"))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.remote.head("remote/opened")).expectNext(0L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void aWritesTimeToLiveReachesTheRecordService() {
		Instant before = Instant.now();
		StepVerifier.create(this.remote.set("remote/ttl", 1, json("{}"), "c1", Duration.ofHours(1)))
			.assertNext((written) -> assertThat(written.expiresAt()).isBetween(before.plus(Duration.ofHours(1)),
					Instant.now().plus(Duration.ofHours(1))))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(this.remote.patch("remote/ttl", 2, "a", json("1"), "c1", Duration.ofMinutes(1)))
			.assertNext((written) -> assertThat(written.expiresAt()).isBefore(Instant.now().plus(Duration.ofMinutes(1))))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void failuresArriveAsTheSameExceptionsAsInProcess() {
		RecordService local = this.server.records();
		local.set("remote/stale", 1, json("{\"v\":1}"), null).block(TIMEOUT);
		local.set("remote/stale", 2, json("{\"v\":2}"), null).block(TIMEOUT);
		sameFailure(local.set("remote/stale", 2, json("{}"), null), this.remote.set("remote/stale", 2, json("{}"), null),
				VersionExistsException.class);
		Throwable stale = failure(this.remote.set("remote/stale", 1, json("{}"), null));
		assertThat(((VersionExistsException) stale).current()).isEqualTo(local.read("remote/stale").block(TIMEOUT));
		sameFailure(local.set("remote/stale", 9, json("{}"), null), this.remote.set("remote/stale", 9, json("{}"), null),
				InvalidVersionException.class);
		assertThat(((InvalidVersionException) failure(this.remote.set("remote/stale", 9, json("{}"), null)))
			.currentVersion()).isEqualTo(2);
		sameFailure(local.delete("remote/absent", null), this.remote.delete("remote/absent", null),
				RecordNotFoundException.class);
		sameFailure(local.set("remote/bad", 1, json("nope"), null), this.remote.set("remote/bad", 1, json("nope"), null),
				InvalidRecordDataException.class);
		sameFailure(local.patch("remote/stale", 3, "a[", json("1"), null),
				this.remote.patch("remote/stale", 3, "a[", json("1"), null), InvalidRecordDataException.class);
		sameFailure(local.set("remote/stale", 0, json("{}"), null), this.remote.set("remote/stale", 0, json("{}"), null),
				InvalidRecordDataException.class);
	}

	@Test
	void batchesGetAndSetManyRecordsInOrder() {
		List<RecordReply> set = this.remote
			.batch(List.of(RecordCall.set("remote/b1", 1, json("{\"n\":1}"), null),
					RecordCall.set("remote/b1", 2, json("{\"n\":2}"), null),
					RecordCall.set("remote/b2", 1, json("[]"), null),
					RecordCall.set("remote/b2", 5, json("[]"), null)))
			.block(TIMEOUT);
		assertThat(set).extracting(RecordReply::kind)
			.containsExactly(RecordReply.Kind.RECORD, RecordReply.Kind.RECORD, RecordReply.Kind.RECORD,
					RecordReply.Kind.ERROR);
		assertThat(set.get(3).error()).isInstanceOf(InvalidVersionException.class);
		List<RecordReply> got = this.remote
			.batch(List.of(RecordCall.read("remote/b1"), RecordCall.read("remote/none"), RecordCall.read("remote/b2")))
			.block(TIMEOUT);
		assertThat(got.get(0).record().json()).isEqualTo("{\"n\":2}");
		assertThat(got.get(1).kind()).isEqualTo(RecordReply.Kind.NONE);
		assertThat(got.get(2).record().version()).isEqualTo(1);
	}

	@Test
	void changesComeThroughTheBus() {
		StepVerifier.create(this.remote.changes().filter((change) -> change.name().equals("remote/feed")).take(1))
			.then(() -> this.remote.set("remote/feed", 1, json("{\"x\":true}"), "writer-7").subscribe())
			.assertNext((change) -> {
				assertThat(change.kind()).isEqualTo(RecordChange.Kind.SET);
				assertThat(change.version()).isEqualTo(1);
				assertThat(change.origin()).isEqualTo("writer-7");
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void anUnreadableRequestIsRefusedNamingTheProblem() throws InterruptedException {
		ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", this.server.port()).usePlaintext().build();
		try {
			assertThatExceptionOfType(StatusRuntimeException.class)
				.isThrownBy(() -> ClientCalls.blockingUnaryCall(channel, RecordApi.CALL,
						io.grpc.CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[] { 3, 99 }))
				.satisfies((ex) -> {
					assertThat(ex.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
					assertThat(ex.getStatus().getDescription()).isEqualTo("Bad record call: Unknown record operation 99");
				});
		}
		finally {
			channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
		}
	}

	private static void sameFailure(Mono<?> inProcess, Mono<?> remote, Class<? extends Throwable> type) {
		Throwable expected = failure(inProcess);
		assertThat(expected).isInstanceOf(type);
		assertThat(failure(remote)).isExactlyInstanceOf(expected.getClass()).hasMessage(expected.getMessage());
	}

	private static Throwable failure(Mono<?> call) {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		StepVerifier.create(call).expectErrorSatisfies(failure::set).verify(TIMEOUT);
		return failure.get();
	}

	static byte[] json(String text) {
		return text.getBytes(StandardCharsets.UTF_8);
	}

}
