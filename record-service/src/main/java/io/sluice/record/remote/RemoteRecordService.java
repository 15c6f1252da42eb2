package io.sluice.record.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import io.grpc.MethodDescriptor;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.VersionedRecord;
import io.sluice.record.InvalidRecordDataException;
import io.sluice.record.RecordChange;
import io.sluice.record.RecordService;
import io.sluice.record.RecordUnavailableException;
import io.sluice.record.api.RecordApi;
import io.sluice.record.api.RecordApiCodec;
import io.sluice.record.api.RecordCall;
import io.sluice.record.api.RecordReply;

/**
 * The {@link RecordService} of a process that keeps no records itself: each call goes over the internal records
 * API to the record-service instance that owns the record's name by rendezvous hashing over the live instances,
 * so one instance serialises a record's writes. Changes arrive through the message bus, where the record-service
 * instances announce them.
 *
 * <p>Failures of the record service (a stale version, a bad path, ...) arrive as the same exceptions with the same
 * messages as in-process. When the owner cannot be reached, it leaves the live set and:
 * <ul>
 * <li>a read goes to the next choice, whatever the failure (reads are safe to repeat);</li>
 * <li>a write goes to the next choice only if it certainly never reached the owner (no connection could be
 * made); if it may have reached it (the connection broke during the call) it fails with
 * {@link RecordUnavailableException}, since repeating it could apply it twice.</li>
 * </ul>
 * The cache's compare-and-set keeps writes correct while names move between instances.
 *
 * <p>Order: calls to one instance travel on one connection in the order they are made, so pipelined writes to
 * one record reach its owner, and are applied, in the order they were subscribed to.
 */
public final class RemoteRecordService implements RecordService, AutoCloseable {

	private final RecordInstances instances;

	private final Flux<RecordChange> changes;

	private final Duration callTimeout;

	RemoteRecordService(RecordInstances instances, Flux<RecordChange> changes, Duration callTimeout) {
		this.instances = instances;
		this.changes = changes;
		this.callTimeout = callTimeout;
	}

	@Override
	public Mono<VersionedRecord> read(String name) {
		return call(() -> RecordCall.read(name), name).flatMap(RecordReply::toRecord);
	}

	@Override
	public Mono<Long> head(String name) {
		return call(() -> RecordCall.head(name), name).flatMap(RecordReply::toVersion);
	}

	@Override
	public Mono<Boolean> has(String name) {
		return call(() -> RecordCall.has(name), name).flatMap(RecordReply::toFlag);
	}

	@Override
	public Mono<VersionedRecord> create(String name) {
		return call(() -> RecordCall.create(name), name).flatMap(RecordReply::toRecord);
	}

	@Override
	public Mono<VersionedRecord> set(String name, long version, byte[] data, String origin) {
		return set(name, version, data, origin, null);
	}

	@Override
	public Mono<VersionedRecord> set(String name, long version, byte[] data, String origin, Duration ttl) {
		return call(() -> RecordCall.set(name, version, data, origin, ttl), name).flatMap(RecordReply::toRecord);
	}

	@Override
	public Mono<VersionedRecord> patch(String name, long version, String path, byte[] value, String origin) {
		return patch(name, version, path, value, origin, null);
	}

	@Override
	public Mono<VersionedRecord> patch(String name, long version, String path, byte[] value, String origin,
			Duration ttl) {
		return call(() -> RecordCall.patch(name, version, path, value, origin, ttl), name)
			.flatMap(RecordReply::toRecord);
	}

	@Override
	public Mono<VersionedRecord> erase(String name, long version, String path, String origin) {
		return call(() -> RecordCall.erase(name, version, path, origin), name).flatMap(RecordReply::toRecord);
	}

	@Override
	public Mono<VersionedRecord> delete(String name, String origin) {
		return call(() -> RecordCall.delete(name, origin), name).flatMap(RecordReply::toRecord);
	}

	@Override
	public Mono<VersionedRecord> reload(String name) {
		return call(() -> RecordCall.reload(name), name).flatMap(RecordReply::toRecord);
	}

	@Override
	public Flux<RecordChange> changes() {
		return this.changes;
	}

	/**
	 * Runs many calls (batch get, batch set, or any mix): grouped by owner, one batch per instance, all at once.
	 * The replies come back in the calls' order; writes to one record are applied in that order. A batch that
	 * holds a write is retried on another instance only if it certainly never reached its owner.
	 */
	public Mono<List<RecordReply>> batch(List<RecordCall> calls) {
		if (calls.isEmpty()) {
			return Mono.just(List.of());
		}
		return Mono.defer(() -> {
			Map<RecordInstance, List<Integer>> byOwner = new LinkedHashMap<>();
			for (int i = 0; i < calls.size(); i++) {
				RecordInstance owner = first(calls.get(i).name());
				byOwner.computeIfAbsent(owner, (key) -> new ArrayList<>()).add(i);
			}
			RecordReply[] replies = new RecordReply[calls.size()];
			return Flux.fromIterable(byOwner.entrySet()).flatMap((group) -> {
				List<RecordCall> part = group.getValue().stream().map(calls::get).toList();
				boolean reads = part.stream().allMatch(RecordCall::isRead);
				return attempt(part.get(0).name(), RecordApi.BATCH, RecordApiCodec.encodeBatch(part), reads,
						ranked(group.getKey(), part.get(0).name()), 0)
					.map(RecordApiCodec::decodeReplies)
					.doOnNext((answers) -> {
						for (int i = 0; i < answers.size(); i++) {
							replies[group.getValue().get(i)] = answers.get(i);
						}
					});
			}).then(Mono.fromSupplier(() -> List.of(replies)));
		});
	}

	private RecordInstance first(String name) {
		List<RecordInstance> ranked = this.instances.ranked(name);
		return ranked.isEmpty() ? null : ranked.get(0);
	}

	/** The group's owner first, then the other live instances as ranked for one of its names. */
	private List<RecordInstance> ranked(RecordInstance owner, String name) {
		List<RecordInstance> ranked = new ArrayList<>(this.instances.ranked(name));
		ranked.remove(owner);
		if (owner != null) {
			ranked.add(0, owner);
		}
		return ranked;
	}

	private Mono<RecordReply> call(Supplier<RecordCall> arguments, String name) {
		return Mono.defer(() -> {
			RecordCall call;
			try {
				call = arguments.get();
			}
			catch (IllegalArgumentException ex) {
				// What the record service itself would say of a write it cannot apply.
				return Mono.error(new InvalidRecordDataException(name, ex.getMessage()));
			}
			return attempt(name, RecordApi.CALL, RecordApiCodec.encodeCall(call), call.isRead(),
					this.instances.ranked(name), 0)
				.map(RecordApiCodec::decodeReply);
		});
	}

	private Mono<byte[]> attempt(String name, MethodDescriptor<byte[], byte[]> method, byte[] request,
			boolean safeToRepeat, List<RecordInstance> ranked, int index) {
		if (index >= ranked.size()) {
			return Mono.error(new RecordUnavailableException(name,
					"Record '" + name + "' cannot be served: no record-service instance is known"));
		}
		RecordInstance instance = ranked.get(index);
		return instance.call(method, request, this.callTimeout).onErrorResume(InstanceFailure.class, (failure) -> {
			if (failure.instanceDown()) {
				this.instances.down(instance, failure);
			}
			boolean retry = failure.neverReached() || (safeToRepeat && failure.instanceDown());
			if (retry && index + 1 < ranked.size()) {
				return attempt(name, method, request, safeToRepeat, ranked, index + 1);
			}
			return Mono.error(unavailable(name, safeToRepeat, failure));
		});
	}

	private static RecordUnavailableException unavailable(String name, boolean read, InstanceFailure failure) {
		String what = read || failure.neverReached() ? ""
				: " (the write may or may not have been applied; read the record to find out)";
		return new RecordUnavailableException(name,
				"Record '" + name + "' cannot be served right now" + what + ": " + failure.getMessage());
	}

	/** The owner of {@code name} among the live instances, by address, or {@code null} when none is live. */
	public String ownerOf(String name) {
		RecordInstance owner = this.instances.owner(name);
		return (owner != null) ? owner.address() : null;
	}

	@Override
	public void close() {
		this.instances.close();
	}

	static Function<String, RecordInstance> connector(int maxMessageSize) {
		return connector(maxMessageSize, null, null);
	}

	/**
	 * @param tls the TLS to speak to every instance, or {@code null} for plaintext
	 * @param authority the name their certificates are checked against, or {@code null} for each one's host
	 */
	static Function<String, RecordInstance> connector(int maxMessageSize, SslContext tls, String authority) {
		return (address) -> new RecordInstance(address, maxMessageSize, tls, authority);
	}

}
