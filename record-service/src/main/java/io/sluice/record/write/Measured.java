package io.sluice.record.write;

import reactor.core.publisher.Mono;

import io.sluice.connector.VersionedRecord;
import io.sluice.record.InvalidRecordDataException;
import io.sluice.record.InvalidVersionException;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.VersionExistsException;
import io.sluice.record.write.RecordServiceListener.Operation;
import io.sluice.record.write.RecordServiceListener.Outcome;

/** Times the record service's work for its {@link RecordServiceListener}; adds nothing when none listens. */
final class Measured {

	private Measured() {
	}

	/** {@code write}, told to the listener with its outcome and time when it is answered (not when cancelled). */
	static Mono<VersionedRecord> written(Operation operation, Mono<VersionedRecord> write,
			RecordServiceListener listener) {
		if (listener == RecordServiceListener.NONE) {
			return write;
		}
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return write.doOnSuccess((record) -> listener.written(operation, Outcome.OK, System.nanoTime() - start))
				.doOnError((ex) -> listener.written(operation, outcome(ex), System.nanoTime() - start));
		});
	}

	/** {@code drained}, its wait told to the listener when it ends, however it ends. */
	static Mono<Void> waited(Mono<Void> drained, RecordServiceListener listener) {
		if (listener == RecordServiceListener.NONE) {
			return drained;
		}
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return drained.doFinally((signal) -> listener.drainWaited(System.nanoTime() - start));
		});
	}

	static Outcome outcome(Throwable ex) {
		if (ex instanceof VersionExistsException) {
			return Outcome.CONFLICT;
		}
		if (ex instanceof InvalidRecordDataException || ex instanceof InvalidVersionException) {
			return Outcome.INVALID;
		}
		if (ex instanceof RecordNotFoundException) {
			return Outcome.NOT_FOUND;
		}
		return Outcome.FAILED;
	}

}
