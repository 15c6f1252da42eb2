package io.sluice.gateway.record;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.session.Connection;
import io.sluice.record.RecordNotFoundException;
import io.sluice.record.RecordService;
import io.sluice.record.RecordWriteException;

/**
 * Set, patch, erase and delete. Each write's {@code Mono} is subscribed to as its message is dispatched, so writes
 * to one record reach the record service in the order the client sent them. Subscribers hear of a write through
 * the change feed ({@link RecordNotifier}); the writer is told only what it asked for: a write acknowledgement, or
 * what went wrong.
 */
final class RecordWrites {

	private static final Logger logger = LoggerFactory.getLogger(RecordWrites.class);

	private final RecordService records;

	private final Subscriptions subscriptions;

	RecordWrites(RecordService records, Subscriptions subscriptions) {
		this.records = records;
		this.subscriptions = subscriptions;
	}

	Mono<Void> write(Connection connection, Message request) {
		String problem = problem(request);
		if (problem != null) {
			connection.send(RecordReplies.invalidData(request, problem));
			return Mono.empty();
		}
		long version = (request.version() == -1) ? RecordService.FORCE : request.version();
		// defer: an argument the service rejects synchronously becomes an error answered below.
		Mono<VersionedRecord> write = Mono.defer(() -> start(connection, request, version));
		return write.doOnNext((written) -> {
			if (request.isWriteAck()) {
				connection.send(RecordReplies.writeAcknowledgement(request));
			}
		}).onErrorResume((ex) -> {
			logFailure(request, ex);
			connection.send(RecordReplies.writeFailure(request, ex, RecordAction.RECORD_UPDATE_ERROR));
			return Mono.empty();
		}).then();
	}

	/**
	 * Deletes a record: the deleter gets DELETE_SUCCESS, the other subscribers DELETED through the change feed. A
	 * record that is not live (never written, or already deleted) is deleted already, as deepstream sees it.
	 */
	Mono<Void> delete(Connection connection, Message request) {
		if (isBlank(request.name())) {
			connection.send(RecordReplies.invalidData(request, "A delete needs a record name"));
			return Mono.empty();
		}
		String name = request.name();
		return Mono.defer(() -> this.records.delete(name, connection.id()))
			.then(Mono.fromRunnable(() -> connection.send(deleteSuccess(name))))
			.onErrorResume(RecordNotFoundException.class, (ex) -> {
				connection.send(deleteSuccess(name));
				// Nothing changed, so the feed will not tell this node's other subscribers: tell them here.
				RecordNotifier.deleted(this.subscriptions, name, connection.id());
				return Mono.empty();
			})
			.onErrorResume((ex) -> {
				logFailure(request, ex);
				connection.send(RecordReplies.writeFailure(request, ex, RecordAction.RECORD_DELETE_ERROR));
				return Mono.empty();
			})
			.then();
	}

	private Mono<VersionedRecord> start(Connection connection, Message request, long version) {
		switch (request.action()) {
			case RecordAction.UPDATE:
			case RecordAction.CREATEANDUPDATE:
				return this.records.set(request.name(), version, request.data(), connection.id());
			case RecordAction.PATCH:
			case RecordAction.CREATEANDPATCH:
				return this.records.patch(request.name(), version, request.path(), request.data(), connection.id());
			case RecordAction.ERASE:
				return this.records.erase(request.name(), version, request.path(), connection.id());
			default:
				return Mono.error(new IllegalArgumentException("Not a write: " + request));
		}
	}

	/** What makes a write message unusable, or {@code null}. */
	private static String problem(Message request) {
		if (isBlank(request.name())) {
			return "A write needs a record name";
		}
		if (request.version() == null) {
			return "A write needs a version (-1 to force)";
		}
		if (request.version() < -1) {
			return "Version " + request.version() + " is not a version";
		}
		boolean needsPath = request.action() == RecordAction.PATCH || request.action() == RecordAction.CREATEANDPATCH
				|| request.action() == RecordAction.ERASE;
		if (needsPath && isBlank(request.path())) {
			return "A patch or erase needs a path";
		}
		if (request.action() != RecordAction.ERASE && request.data() == null) {
			return "A write needs data";
		}
		return null;
	}

	private static Message deleteSuccess(String name) {
		return Message.builder(Topic.RECORD, RecordAction.DELETE_SUCCESS).name(name).build();
	}

	private static boolean isBlank(String text) {
		return text == null || text.isEmpty();
	}

	private static void logFailure(Message request, Throwable ex) {
		if (ex instanceof RecordWriteException) {
			logger.warn("Write not made durable: {}: {}", request, ex.getMessage());
		}
		else {
			logger.debug("Write refused: {}: {}", request, ex.getMessage());
		}
	}

}
