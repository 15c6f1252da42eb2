package io.sluice.record.api;

import java.util.List;
import java.util.function.Function;

import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.VersionedRecord;
import io.sluice.record.RecordException;
import io.sluice.record.RecordService;
import io.sluice.record.RecordUnavailableException;

/**
 * Serves {@link RecordApi}'s methods from a {@link RecordService}. Handlers run on the transport's event loop:
 * they only decode, subscribe and encode, never block.
 */
final class RecordApiService {

	private static final Logger logger = LoggerFactory.getLogger(RecordApiService.class);

	private final RecordService records;

	/** What a probe is answered with: the instance's id, which gateways rank instances by, or nothing. */
	private final byte[] instanceId;

	/** @param instanceId the id probes are answered with, or {@code null} to answer them empty */
	RecordApiService(RecordService records, String instanceId) {
		this.records = records;
		this.instanceId = (instanceId != null) ? instanceId.getBytes(java.nio.charset.StandardCharsets.UTF_8)
				: new byte[0];
	}

	ServerServiceDefinition definition() {
		return ServerServiceDefinition.builder(RecordApi.SERVICE)
			.addMethod(RecordApi.CALL, ServerCalls.asyncUnaryCall((request, observer) -> serve(request, observer,
					RecordApiCodec::decodeCall,
					(call) -> run(call).map((reply) -> RecordApiCodec.encodeReply(call, reply)))))
			.addMethod(RecordApi.BATCH, ServerCalls.asyncUnaryCall((request, observer) -> serve(request, observer,
					RecordApiCodec::decodeBatch, (calls) -> runAll(calls)
						.map((replies) -> RecordApiCodec.encodeReplies(calls, replies)))))
			.addMethod(RecordApi.PING, ServerCalls.asyncUnaryCall((request, observer) -> {
				observer.onNext(this.instanceId);
				observer.onCompleted();
			}))
			.build();
	}

	/**
	 * Runs one call against the record service. Its failure is part of the reply; a failure that is not a
	 * {@link RecordException} (a bug, a connector's own error) is carried as {@link RecordUnavailableException}
	 * with its message, which is what the gateway would have told its client in-process.
	 */
	Mono<RecordReply> run(RecordCall call) {
		return Mono.defer(() -> dispatch(call)).onErrorResume((ex) -> {
			if (ex instanceof RecordException recordException) {
				return Mono.just(RecordReply.failed(recordException));
			}
			logger.warn("Call {} failed unexpectedly", call, ex);
			return Mono.just(RecordReply.failed(new RecordUnavailableException(call.name(),
					(ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName())));
		});
	}

	/**
	 * Runs a batch: every call is subscribed to in the batch's order (so writes to one record keep it), and they
	 * proceed together; the replies come back in the same order.
	 */
	Mono<List<RecordReply>> runAll(List<RecordCall> calls) {
		return Flux.fromIterable(calls).flatMapSequential(this::run, Math.max(1, calls.size())).collectList();
	}

	private Mono<RecordReply> dispatch(RecordCall call) {
		return switch (call.op()) {
			case READ -> this.records.read(call.name()).map(RecordReply::of).defaultIfEmpty(RecordReply.none());
			case HEAD -> this.records.head(call.name()).map(RecordReply::ofVersion).defaultIfEmpty(RecordReply.none());
			case HAS -> this.records.has(call.name()).map(RecordReply::of);
			case SET -> written(this.records.set(call.name(), call.version(), call.data(), call.origin(), call.ttl()));
			case PATCH -> written(this.records.patch(call.name(), call.version(), call.path(), call.data(),
					call.origin(), call.ttl()));
			case ERASE -> written(this.records.erase(call.name(), call.version(), call.path(), call.origin()));
			case DELETE -> written(this.records.delete(call.name(), call.origin()));
			case CREATE -> written(this.records.create(call.name()));
			case RELOAD -> written(this.records.reload(call.name()));
		};
	}

	private static Mono<RecordReply> written(Mono<VersionedRecord> write) {
		return write.map(RecordReply::of).defaultIfEmpty(RecordReply.none());
	}

	private static <T> void serve(byte[] request, StreamObserver<byte[]> observer, Function<byte[], T> decode,
			Function<T, Mono<byte[]>> handle) {
		T decoded;
		try {
			decoded = decode.apply(request);
		}
		catch (IllegalArgumentException ex) {
			observer.onError(Status.INVALID_ARGUMENT.withDescription(ex.getMessage()).asRuntimeException());
			return;
		}
		// Not cancelled when the caller goes away: a write that reached the record service runs to its end, so
		// cache and storage stay in step whatever the caller does.
		handle.apply(decoded)
			.switchIfEmpty(Mono.error(() -> new IllegalStateException("The record service gave no reply")))
			.subscribe((reply) -> {
				observer.onNext(reply);
				observer.onCompleted();
			}, (ex) -> observer.onError(Status.INTERNAL.withDescription(ex.getMessage()).asRuntimeException()));
	}

}
