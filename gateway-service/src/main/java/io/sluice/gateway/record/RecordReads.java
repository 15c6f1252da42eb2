package io.sluice.gateway.record;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.listen.TopicSubscriptions;
import io.sluice.gateway.permission.Payload;
import io.sluice.gateway.permission.PermissionAction;
import io.sluice.gateway.permission.PermissionGate;
import io.sluice.gateway.permission.Permissions;
import io.sluice.gateway.permission.RuleDecision;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.session.Connection;
import io.sluice.record.RecordService;

/**
 * Subscriptions, reads and heads. A subscription is registered before the record is read, as deepstream does, so
 * that no change made after the read can be missed; the answers go through the {@link RecordNotifier}, in order with
 * the changes it sends, so that none is older than an update the connection was already sent.
 *
 * <p>SUBSCRIBECREATEANDREAD (what the client's {@code getRecord} sends) creates the record if it does not exist, as
 * deepstream does: {@code {}} at version 0, durable before the read answer is sent, so from then on every client's
 * {@code has} answers true and {@code head} 0. Opening an existing record does not touch it.
 */
final class RecordReads {

	private static final Logger logger = LoggerFactory.getLogger(RecordReads.class);

	/** The version deepstream reports for a record that does not exist. */
	private static final long MISSING = -1;

	private final RecordService records;

	private final TopicSubscriptions subscriptions;

	/** The permission rules, or {@code null} when everyone may open every record. */
	private final Permissions permissions;

	/** Sends the answers, in order with the changes sent to the records' subscribers. */
	private final RecordNotifier notifier;

	RecordReads(RecordService records, TopicSubscriptions subscriptions, Permissions permissions,
			RecordNotifier notifier) {
		this.records = records;
		this.subscriptions = subscriptions;
		this.permissions = permissions;
		this.notifier = notifier;
	}

	/** SUBSCRIBE, SUBSCRIBEANDREAD, SUBSCRIBECREATEANDREAD and SUBSCRIBEANDHEAD, for every name given. */
	Mono<Void> subscribe(Connection connection, Message request) {
		List<String> names = names(request);
		if (names.isEmpty()) {
			connection.send(RecordReplies.invalidData(request, "A subscription needs record names"));
			return Mono.empty();
		}
		if (this.permissions != null && request.action() == RecordAction.SUBSCRIBECREATEANDREAD) {
			connection.send(RecordReplies.ack(request));
			return Flux.fromIterable(names).flatMap((name) -> openPermitted(connection, request, name)).then();
		}
		boolean anyNew = this.subscriptions.subscribe(connection, request, names);
		if (anyNew || request.action() == RecordAction.SUBSCRIBECREATEANDREAD) {
			connection.send(RecordReplies.ack(request));
		}
		switch (request.action()) {
			case RecordAction.SUBSCRIBECREATEANDREAD:
				return Flux.fromIterable(names).flatMap((name) -> create(connection, request, name)).then();
			case RecordAction.SUBSCRIBEANDREAD:
				return Flux.fromIterable(names).flatMap((name) -> read(connection, request, name)).then();
			case RecordAction.SUBSCRIBEANDHEAD:
				return headBulk(connection, request, names, true);
			default:
				return Mono.empty();
		}
	}

	Mono<Void> unsubscribe(Connection connection, Message request) {
		this.subscriptions.unsubscribe(connection, request, names(request));
		return Mono.empty();
	}

	/** READ: the record's data, or RECORD_NOT_FOUND. */
	Mono<Void> read(Connection connection, Message request) {
		if (request.name() == null || request.name().isEmpty()) {
			connection.send(RecordReplies.invalidData(request, "A read needs a record name"));
			return Mono.empty();
		}
		return read(connection, request, request.name());
	}

	/** HEAD: the record's version, or -1 when it does not exist (which is how the client implements {@code has}). */
	Mono<Void> head(Connection connection, Message request) {
		String name = request.name();
		return Mono.defer(() -> this.records.head(name))
			.defaultIfEmpty(MISSING)
			.doOnNext((version) -> connection.send(Message.builder(Topic.RECORD, RecordAction.HEAD_RESPONSE)
				.name(name).version(version).build()))
			.onErrorResume((ex) -> loadError(connection, request, name, ex))
			.then();
	}

	Mono<Void> headBulk(Connection connection, Message request) {
		return headBulk(connection, request, names(request), false);
	}

	private Mono<Void> read(Connection connection, Message request, String name) {
		return Mono.defer(() -> this.records.read(name))
			.doOnNext((record) -> this.notifier.answer(connection, name, record,
					(answered) -> readReply(request, name, answered)))
			.switchIfEmpty(Mono.fromRunnable(() -> this.notifier.answer(connection, name, null,
					(answered) -> readReply(request, name, answered))))
			.onErrorResume((ex) -> loadError(connection, request, name, ex))
			.then();
	}

	/** The record, created if need be; RECORD_CREATE_ERROR if it could not be, as deepstream answers. */
	private Mono<Void> create(Connection connection, Message request, String name) {
		return Mono.defer(() -> this.records.create(name))
			.doOnNext((record) -> this.notifier.answer(connection, name, record,
					(answered) -> RecordReplies.readResponse(name, answered.version(), answered.data())))
			.onErrorResume((ex) -> {
				logger.warn("Creating record {} failed: {}", name, ex.getMessage());
				connection.send(RecordReplies.error(RecordAction.RECORD_CREATE_ERROR, request, name)
					.data(JsonText.quote("Record '" + name + "' could not be created")).build());
				return Mono.empty();
			})
			.then();
	}

	/**
	 * Opening a record under permission rules, as deepstream checks it: {@code create} when the record does not exist
	 * yet, then {@code read}; the subscription is registered only once both allow it, and the record created only
	 * then. A denial is answered with MESSAGE_DENIED for the name.
	 */
	private Mono<Void> openPermitted(Connection connection, Message request, String name) {
		// A rule's action is CREATE, then READ, as deepstream shows it for an open.
		return Mono.defer(() -> this.records.head(name))
			.hasElement()
			.flatMap((exists) -> exists ? Mono.just(RuleDecision.granted())
					: this.permissions.check(connection, PermissionAction.RECORD_CREATE, "CREATE", name, Payload.NONE))
			.flatMap((created) -> !created.allowed() ? Mono.just(created)
					: this.permissions.check(connection, PermissionAction.RECORD_READ, "READ", name, Payload.NONE))
			.flatMap((decision) -> {
				if (!decision.allowed()) {
					PermissionGate.refuse(connection, request, name, decision);
					return Mono.empty();
				}
				this.subscriptions.subscribe(connection, request, name);
				return create(connection, request, name);
			})
			.onErrorResume((ex) -> loadError(connection, request, name, ex));
	}

	private static Message readReply(Message request, String name, VersionedRecord record) {
		if (record != null && !record.deleted()) {
			return RecordReplies.readResponse(name, record.version(), record.data());
		}
		return RecordReplies.error(RecordAction.RECORD_NOT_FOUND, request, name)
			.data(JsonText.quote("Record '" + name + "' does not exist"))
			.build();
	}

	/**
	 * Versions of many records in one HEAD_RESPONSE_BULK. After a subscription (a client coming back after a
	 * reconnect) a record never written is reported as 0, the version the client created it at, so the client keeps
	 * it; a deleted one as -1, so the client learns it was deleted.
	 */
	private Mono<Void> headBulk(Connection connection, Message request, List<String> names, boolean subscribing) {
		return Flux.fromIterable(names)
			.flatMapSequential((name) -> Mono.defer(() -> this.records.read(name))
				.map((record) -> record.deleted() ? MISSING : record.version())
				.defaultIfEmpty(subscribing ? 0 : MISSING)
				.map((version) -> Map.entry(name, version)))
			.collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new)
			.doOnNext((versions) -> this.notifier.answerVersions(connection, versions,
					(answered) -> Message.builder(Topic.RECORD, RecordAction.HEAD_RESPONSE_BULK).versions(answered)
						.build()))
			.onErrorResume((ex) -> loadError(connection, request, null, ex))
			.then();
	}

	private static <T> Mono<T> loadError(Connection connection, Message request, String name, Throwable ex) {
		logger.warn("Reading record {} failed: {}", name, ex.getMessage());
		connection.send(RecordReplies.error(RecordAction.RECORD_LOAD_ERROR, request, name)
			.data(JsonText.quote("Record '" + name + "' could not be read")).build());
		return Mono.empty();
	}

	private static List<String> names(Message request) {
		if (!request.names().isEmpty()) {
			return request.names();
		}
		return (request.name() != null && !request.name().isEmpty()) ? List.of(request.name()) : List.of();
	}

}
