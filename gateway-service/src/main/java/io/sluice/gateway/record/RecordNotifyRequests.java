package io.sluice.gateway.record;

import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import io.sluice.connector.VersionedRecord;
import io.sluice.gateway.protocol.JsonText;
import io.sluice.gateway.protocol.Message;
import io.sluice.gateway.protocol.MessageCodec;
import io.sluice.gateway.protocol.RecordAction;
import io.sluice.gateway.protocol.Topic;
import io.sluice.gateway.pubsub.Subscriptions;
import io.sluice.gateway.session.Connection;
import io.sluice.record.RecordService;

/**
 * NOTIFY: a client says that records changed in storage behind the server's back ({@code record.notify(names)}).
 * As deepstream does, each named record with subscribers here is read again and its current version sent to all of
 * them, the notifier included; a deleted one is announced as deleted. The notifier is acknowledged once every name
 * was handled, or told RECORD_NOTIFY_ERROR if one could not be read.
 *
 * <p>A record never written is left alone: "create" does not write here, so subscribers may hold such a record at
 * version 0, and telling them it was deleted would be wrong.
 */
final class RecordNotifyRequests {

	private static final Logger logger = LoggerFactory.getLogger(RecordNotifyRequests.class);

	private final RecordService records;

	private final Subscriptions subscriptions;

	RecordNotifyRequests(RecordService records, Subscriptions subscriptions) {
		this.records = records;
		this.subscriptions = subscriptions;
	}

	Mono<Void> notify(Connection connection, Message request) {
		List<String> names = !request.names().isEmpty() ? request.names()
				: (request.name() != null && !request.name().isEmpty()) ? List.of(request.name()) : List.of();
		return Flux.fromIterable(names)
			.concatMap(this::refresh)
			.then(Mono.fromRunnable(() -> connection.send(RecordReplies.ack(request))))
			.onErrorResume((ex) -> {
				logger.warn("Notifying subscribers of records changed in storage failed: {}", ex.getMessage());
				connection.send(Message.builder(Topic.RECORD, RecordAction.RECORD_NOTIFY_ERROR)
					.correlationId(request.correlationId()).originalAction(RecordAction.NOTIFY).isError(true)
					.data(JsonText.quote("Records could not be read again: " + ex.getMessage())).build());
				return Mono.empty();
			})
			.then();
	}

	private Mono<Void> refresh(String name) {
		if (this.subscriptions.subscribers(name).isEmpty()) {
			return Mono.empty();
		}
		return Mono.defer(() -> this.records.read(name)).doOnNext((record) -> send(name, record)).then();
	}

	private void send(String name, VersionedRecord record) {
		if (record.deleted()) {
			RecordNotifier.deleted(this.subscriptions, name, null);
			return;
		}
		byte[] frame = MessageCodec.encode(Message.builder(Topic.RECORD, RecordAction.UPDATE).name(name)
			.version(record.version()).data(record.data()).build());
		this.subscriptions.send(name, frame, null);
	}

}
