package io.sluice.connector.mongodb;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import org.springframework.dao.DuplicateKeyException;

import io.sluice.connector.ConnectorException;

/**
 * How the MongoDB adapters recognise a lost insert race and turn every other failure into a
 * {@link ConnectorException}, so that no driver or Spring Data type reaches the caller.
 */
final class MongoFailures {

	static final String CONNECTOR = "mongodb";

	private MongoFailures() {
	}

	/** Whether {@code ex} says that an insert met an existing key (E11000), and nothing else went wrong. */
	static boolean isDuplicateKey(Throwable ex) {
		if (ex instanceof DuplicateKeyException) {
			return true;
		}
		if (ex instanceof MongoWriteException write) {
			return write.getError().getCategory() == ErrorCategory.DUPLICATE_KEY;
		}
		if (ex instanceof MongoBulkWriteException bulk) {
			return bulk.getWriteConcernError() == null && !bulk.getWriteErrors().isEmpty()
					&& bulk.getWriteErrors().stream().allMatch(MongoFailures::isDuplicateKey);
		}
		if (ex instanceof MongoCommandException command) {
			return ErrorCategory.fromErrorCode(command.getErrorCode()) == ErrorCategory.DUPLICATE_KEY;
		}
		return false;
	}

	static boolean isDuplicateKey(BulkWriteError error) {
		return ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY;
	}

	static <T> Mono<T> translate(Mono<T> work, String what) {
		return work.onErrorMap((ex) -> !(ex instanceof ConnectorException), (ex) -> failure(what, ex));
	}

	static <T> Flux<T> translate(Flux<T> work, String what) {
		return work.onErrorMap((ex) -> !(ex instanceof ConnectorException), (ex) -> failure(what, ex));
	}

	static ConnectorException failure(String what, Throwable ex) {
		String reason = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
		return new ConnectorException(CONNECTOR, what + " failed: " + reason, ex);
	}

}
